"""The import mapping: a council's own export, as it is, read as the data contract (mapping.toml).

A council's HR system writes its own headings ("Ethnic Origin"), department names ("Children & Families"),
yes/no spellings ("Y", "Yes - Tier 3") and date order. Rather than have the analyst retype an export every
year, a mapping says once how it reads, in a file people can edit and keep beside the return:

    [staff]
    file = "HR export *.csv"          # the export's file name (a glob), when it is not staff.csv
    sheet = "Sheet1"                  # a workbook's sheet, when the export is a workbook
    header_row = 3                    # the row of the headings, when a report's title is above them
    date_order = "day-first"          # or "month-first" (a US-order export)
    [staff.columns]                   # contract column = your heading
    ethnicity = "Ethnic Origin"
    [staff.values.senior_manager]     # your spelling = the contract's value ("" is a blank cell)
    "Yes - Tier 3" = "yes"
    [training.rows]                   # only the rows whose heading holds one of these are the file's
    "Course Type" = ["Non-mandatory", "CPD"]

Public API (the command line and the web pages use only these):
- `load(path)` / `parse(data, label)`: a Mapping and the problems of a broken one (never raises).
- `save(mapping, path, notes)` (atomic) / `dumps(mapping, notes)`: the TOML text, with notes as comments.
- `read_export(path)`: an export's headings and distinct values (`Export`), for `suggest`.
- `suggest(exports, existing, file)`: a Mapping (the existing one, plus only what is new), notes for the
  file's comments and a summary of what to check.
- `Mapping.renames / headings / values_for / header_row / date_order / files`: how read.py and validate.py apply it.
Whether a mapped value is one the contract knows is checked by validate.py, which owns the vocabularies.
"""

from __future__ import annotations

import copy
import csv
import fnmatch
import itertools
import re
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from wres import encoding, ethnicity, output, schema, standards
from wres.ethnicity import normalise
from wres.problems import Problem
from wres.standards import Standard

FILE = "mapping.toml"
DateOrder = Literal["day-first", "month-first"]
DATE_ORDERS: tuple[DateOrder, ...] = ("day-first", "month-first")
TODO = "TODO"  # a value the analyst must decide: validation refuses it until they do
ANY_VALUE = "*"  # a spelling that stands for any other, not blank: "*" = "yes" (a column of registration numbers)
_NUMBERED = re.compile(r"[A-Za-z]{0,5}[ -]?\d{3,}")  # a registration or licence number: SW10023, HCPC 123456
# the contract files an export can stand for (ethnicity_map.csv, counts.csv and organisation.toml are ours)
# (a mapping is written before the return says its standard, so it may name the files and columns of any standard)
MAPPABLE = schema.all_files()
_KEYS = {"file", "sheet", "header_row", "date_order", "columns", "values", "rows"}
MAX_HEADER_ROW = 100  # a title and notes above the headings take a few rows; more is a mistake
SHARED = ("bool",)  # kinds one heading may give several of: a status column read as shortlisted and as appointed
VALUES_KEPT = 500  # distinct values read per export column: more than this is not a vocabulary


@dataclass
class FileMap:
    """How one export reads as one contract file."""

    file: str | None = None  # a glob of the export's file name, when it is not <stem>.csv
    sheet: str | None = None  # a workbook's sheet, when it is not named after the contract file
    header_row: int = 1  # the row of the headings: below a report's title and notes
    date_order: DateOrder = "day-first"
    columns: dict[str, str] = field(default_factory=dict)  # contract column → the export's heading
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # contract column → spelling → contract value
    # the export's heading → the spellings of the rows that are the file's (an export of every case type, or of
    # all training, holds rows the contract file does not): the others are left out, and said to be
    rows: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Keep:
    """The rows of an export that are the contract file's: heading (lower case) → spellings (normalised, and as
    the mapping writes them), and how messages name the mapping."""

    rows: dict[str, tuple[str, ...]]
    shown: dict[str, tuple[str, ...]]
    by: str


@dataclass
class Mapping:
    """An authority's import mapping: for each contract file, how its export reads."""

    files: dict[str, FileMap] = field(default_factory=dict)
    label: str = FILE  # how messages name it

    def renames(self, stem: str) -> dict[str, tuple[str, ...]]:
        """The export's headings (stripped, lower case, as read.py compares them) → the contract columns read from
        it: one, or several yes/no columns from one status column ("Application Status" gives both shortlisted
        and appointed, each with its own spellings under values)."""
        fm = self.files.get(stem)
        out: dict[str, tuple[str, ...]] = {}
        for c, h in (fm.columns.items() if fm else ()):
            out[heading_key(h)] = (*out.get(heading_key(h), ()), c)
        return out

    def headings(self, stem: str) -> dict[str, str]:
        """Contract column → the heading as the export spells it: problems name the user's own heading."""
        fm = self.files.get(stem)
        return dict(fm.columns) if fm else {}

    def values_for(self, stem: str, column: str) -> dict[str, str]:
        """The export's spellings (normalised as the contract's lookups are; "" is blank) → contract value."""
        fm = self.files.get(stem)
        return {normalise(k): v for k, v in fm.values.get(column, {}).items()} if fm else {}

    def keep(self, stem: str) -> Keep | None:
        """The rows of the export that are the contract file's ([stem.rows]), or None for every row."""
        fm = self.files.get(stem)
        if fm is None or not fm.rows:
            return None
        return Keep({heading_key(h): tuple(normalise(v) for v in vs) for h, vs in fm.rows.items()},
                    {heading_key(h): tuple(vs) for h, vs in fm.rows.items()}, self.label)

    def header_row(self, stem: str) -> int:
        """The row the export's headings are on (1 unless a report's title is above them)."""
        fm = self.files.get(stem)
        return fm.header_row if fm else 1

    def date_order(self, stem: str) -> DateOrder:
        fm = self.files.get(stem)
        return fm.date_order if fm else "day-first"

    def stems_for(self, name: str) -> list[str]:
        """The contract files whose `file` glob matches an export's file name (case aside)."""
        return [stem for stem, fm in self.files.items() if fm.file and fnmatch.fnmatch(name.lower(), fm.file.lower())]

    def exports(self, root: Path, present: set[str] = frozenset()) -> tuple[dict[str, Path], list[Problem]]:  # type: ignore[assignment]
        """The files in a return folder that stand for contract files (by the mapping's `file` globs). An export
        that is not there is an error, unless the return holds that file under the contract's name (`present`):
        then the mapping is not for it (without_exports)."""
        found: dict[str, Path] = {}
        problems: list[Problem] = []
        names = sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith(("~$", ".")))
        for stem, fm in self.files.items():
            if not fm.file:
                continue
            hits = [p for p in names if fnmatch.fnmatch(p.name.lower(), fm.file.lower())]
            if not hits and stem in present:
                continue
            if not hits:
                problems.append(Problem(self.label, f'gives "{fm.file}" as the {stem} file, and no file in {root.name or root} has that name',
                                        f"put the export in the return folder, or correct file under [{stem}] (a * stands for any text)", column=f"[{stem}] file"))
            elif len(hits) > 1:
                problems.append(Problem(self.label, f'gives "{fm.file}" as the {stem} file, and {len(hits)} files match it ({", ".join(p.name for p in hits[:3])})',
                                        f"keep one of them in the folder, or make file under [{stem}] name one", column=f"[{stem}] file"))
            else:
                found[stem] = hits[0]
        return found, problems


def without_exports(m: Mapping, names: Sequence[str]) -> Mapping:
    """The mapping without its files of an export named by none of `names` (the files the return holds): a
    mapping saved for a council's own export says how that export reads, not how a file of the return under
    the contract's name does (a return workbook uploaded after, its headings the contract's: read as it is)."""
    kept = {stem: fm for stem, fm in m.files.items() if not fm.file or any(fnmatch.fnmatch(n.lower(), fm.file.lower()) for n in names)}
    return m if len(kept) == len(m.files) else Mapping(kept, m.label)


def _problem(label: str, where: str, message: str, fix: str) -> Problem:
    return Problem(label, message, fix, column=where)


def parse(data: dict[str, object], label: str = FILE) -> tuple[Mapping, list[Problem]]:
    """A mapping from parsed TOML; every problem in its shape is listed (what a value maps to is validate's)."""
    mapping, problems = Mapping(label=label), []
    for stem, section in data.items():
        if stem not in MAPPABLE:
            problems.append(_problem(label, f"[{stem}]", f"[{stem}] is not a file of the data contract",
                                     "name sections after the contract's files: " + ", ".join(MAPPABLE)))
            continue
        if not isinstance(section, dict):
            problems.append(_problem(label, f"[{stem}]", f"{stem} should be a section ([{stem}]), not a value", f"write [{stem}] on a line of its own, then its settings"))
            continue
        fm = FileMap()
        for key in section.keys() - _KEYS:
            problems.append(_problem(label, f"[{stem}] {key}", f"[{stem}] has a setting {key!r}, which wres does not know",
                                     "use file, sheet, header_row, date_order, [" + stem + ".columns], [" + stem + ".values.<column>] and [" + stem + ".rows]"))
        for key in ("file", "sheet"):
            if key in section:
                if isinstance(section[key], str) and section[key].strip():
                    setattr(fm, key, section[key].strip())
                else:
                    problems.append(_problem(label, f"[{stem}] {key}", f"[{stem}] {key} should be text in quotes", f'write e.g. {key} = "HR export *.csv"'))
        row = section.get("header_row", 1)
        if isinstance(row, int) and not isinstance(row, bool) and 1 <= row <= MAX_HEADER_ROW:
            fm.header_row = row
        else:
            problems.append(_problem(label, f"[{stem}] header_row", f"[{stem}] header_row is {row!r}",
                                     f"write the number of the row the export's headings are on, from 1 to {MAX_HEADER_ROW}, without quotes (header_row = 3)"))
        order = section.get("date_order", "day-first")
        if order in DATE_ORDERS:
            fm.date_order = order  # type: ignore[assignment]
        else:
            problems.append(_problem(label, f"[{stem}] date_order", f'[{stem}] date_order is "{order}"', 'write "day-first" (31/05/2024, as in the UK) or "month-first" (05/31/2024)'))
        contract = {c.name: c for c in schema.all_columns(stem)}
        columns = section.get("columns", {})
        if not isinstance(columns, dict):
            columns = {}
            problems.append(_problem(label, f"[{stem}.columns]", f"{stem}.columns should be a section", f"write [{stem}.columns], then lines like ethnicity = \"Ethnic Origin\""))
        seen: dict[str, str] = {}
        for col, heading in columns.items():
            where = f"[{stem}.columns] {col}"
            if col not in contract:
                problems.append(_problem(label, where, f"{col} is not a column of {stem}.csv",
                                         "on the left, write a contract column (" + ", ".join(contract) + "); on the right, your heading"))
            elif not isinstance(heading, str) or not heading.strip():
                problems.append(_problem(label, where, f"{col} is given no heading", f'write your export\'s heading in quotes, e.g. {col} = "My heading", or delete the line'))
            elif heading_key(heading) in seen and not (contract[col].kind in SHARED and contract[seen[heading_key(heading)]].kind in SHARED):
                problems.append(_problem(label, where, f'"{heading}" is given for both {seen[heading_key(heading)]} and {col}',
                                         "give each of your headings to one contract column (only a status column may give several yes/no columns)"))
            else:
                seen.setdefault(heading_key(heading), col)
                fm.columns[col] = heading.strip()
        values = section.get("values", {})
        if not isinstance(values, dict):
            values = {}
            problems.append(_problem(label, f"[{stem}.values]", f"{stem}.values should be sections", f"write [{stem}.values.service], then lines like \"Adult Social Care\" = \"adults\""))
        for col, table in values.items():
            where = f"[{stem}.values.{col}]"
            if col not in contract or contract[col].kind not in schema.CATEGORICAL:
                kinds = ", ".join(c.name for c in contract.values() if c.kind in schema.CATEGORICAL)
                problems.append(_problem(label, where, f"{col} is not a column of {stem}.csv with a list of values", f"map values of {kinds}"))
                continue
            if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
                problems.append(_problem(label, where, f"{where} should hold lines like \"your spelling\" = \"contract value\"", "put both sides in quotes"))
                continue
            fm.values[col] = {str(k): v.strip() for k, v in table.items()}
        rows = section.get("rows", {})
        if not isinstance(rows, dict):
            rows = {}
            problems.append(_problem(label, f"[{stem}.rows]", f"{stem}.rows should be a section", f'write [{stem}.rows], then lines like "Case Type" = ["Disciplinary"]'))
        for heading, kept in rows.items():
            kept = [kept] if isinstance(kept, str) else kept
            if not heading.strip() or not isinstance(kept, list) or not kept or not all(isinstance(v, str) and v.strip() for v in kept):
                problems.append(_problem(label, f"[{stem}.rows] {heading}", f"[{stem}.rows] {heading!r} should give the spellings of the rows to keep",
                                         f'write e.g. "Case Type" = ["Disciplinary"]: your heading, then its values in quotes within [ ]'))
                continue
            fm.rows[heading.strip()] = [v.strip() for v in kept]
        mapping.files[stem] = fm
    return mapping, problems


def load(path: Path) -> tuple[Mapping | None, list[Problem]]:
    """Read mapping.toml (or another file given with --mapping); a broken file is a problem, not a traceback."""
    path = Path(path)
    label = path.name
    if not path.is_file():
        return None, [Problem(label, "is a folder, not a mapping file" if path.is_dir() else "does not exist",
                              "give the path of a mapping file (wres map writes one)")]
    read = encoding.settings_text(path)
    if read is None:
        return None, [Problem(label, "is not UTF-8 encoded", "save it as UTF-8 text (any plain-text editor can)")]
    text, said = read
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        line = re.search(r"line (\d+)", text)
        return None, [Problem(label, f"is not a valid mapping file ({text})",
                              'each line is setting = "value": put text in double quotes, and give each section and key once',
                              rows=(int(line.group(1)),) if line else (), row_count=1 if line else 0)]
    except RecursionError:  # Python's TOML reader goes one level deeper for each bracket
        return None, [Problem(label, "is not a valid mapping file (brackets nested thousands of levels deep)",
                              'each line is setting = "value": put text in double quotes, and give each section and key once')]
    mapping, problems = parse(data, label)
    return mapping, said + problems


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _string(name)


def _string(text: str) -> str:
    """A TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


Notes = dict[tuple[str, ...], str]  # ("staff", "columns", "ethnicity") → a comment for that line


def dumps(mapping: Mapping, notes: Notes | None = None, title: str = "your exports") -> str:
    """The mapping as TOML people can read and edit, with `notes` as comments (what was guessed, TODOs)."""
    notes = notes or {}

    def line(key: str, value: str, path: tuple[str, ...]) -> str:
        note = notes.get(path)
        return f"{_key(key)} = {_string(value)}" + (f"  # {note}" if note else "")

    out = [
        f"# wres import mapping for {title}: your export → the data contract (docs/data-preparation.md).",
        "# Edit it freely and keep it with the return: wres reads it every year. Check what says \"guessed\";",
        '# replace every "TODO" with the contract\'s value (or delete the line).',
    ]
    for stem in (s for s in MAPPABLE if s in mapping.files):
        fm = mapping.files[stem]
        out += ["", f"[{stem}]"]
        if fm.file:
            out.append(line("file", fm.file, (stem, "file")))
        if fm.sheet:
            out.append(line("sheet", fm.sheet, (stem, "sheet")))
        if fm.header_row != 1:
            note = notes.get((stem, "header_row"))
            out.append(f"header_row = {fm.header_row}" + (f"  # {note}" if note else ""))
        out.append(line("date_order", fm.date_order, (stem, "date_order")))
        out += ["", f"[{stem}.columns]  # contract column = your heading"]
        for c in schema.all_columns(stem):
            if c.name in fm.columns:
                out.append(line(c.name, fm.columns[c.name], (stem, "columns", c.name)))
            elif (stem, "columns", c.name) in notes:
                out.append(f"# {c.name} = {_string(notes.get((stem, 'columns?', c.name), ''))}  # {notes[(stem, 'columns', c.name)]}")
        for col, table in fm.values.items():
            out += ["", f"[{stem}.values.{col}]  # your spelling = the contract's value"]
            out += [line(k, v, (stem, "values", col, k)) for k, v in table.items()]
        if fm.rows:
            out += ["", f"[{stem}.rows]  # only rows whose heading holds one of these are read"]
            out += [f"{_key(h)} = [{', '.join(_string(v) for v in vs)}]" + (f"  # {notes[(stem, 'rows', h)]}" if (stem, "rows", h) in notes else "")
                    for h, vs in fm.rows.items()]
        # rows that may not be the file's: the rows to keep, proposed for the analyst to decide (suggest)
        asked = [(path[2], kept) for path, kept in notes.items() if path[:2] == (stem, "rows?") and path[2] not in fm.rows]
        if asked and not fm.rows:
            out += ["", f"# [{stem}.rows]  # only rows whose heading holds one of these are read"]
        for heading, kept in asked:
            out += [f"# {notes.get((stem, 'rows', heading), '')}", f"# {_key(heading)} = [{kept}]"]
    return "\n".join(out) + "\n"


def toml_list(values: list[str]) -> str:
    return ", ".join(_string(v) for v in values)


# What a file's rows are, as the data contract says (where an export holds others too)
ROWS_OF = {"staff": "people directly employed at the snapshot date", "training": "funded non-mandatory training or CPD",
           "leavers": "people leaving the authority"}
# What such other rows are, as the rows page says it
OTHER_ROWS = {"staff": "leavers or agency workers", "training": "mandatory courses", "leavers": "internal transfers or promotions"}


def answered_elsewhere(mapping: Mapping, stem: str) -> dict[tuple[str, str], tuple[str, str]]:
    """The spellings the mapping answers for files other than `stem`: (column, normalised spelling) → (that file,
    the answer). A spelling still to decide in `stem` ("Early Help" in leavers, answered in staff) takes it."""
    return {(col, normalise(s)): (other, t) for other, fm in mapping.files.items() if other != stem
            for col, table in fm.values.items() for s, t in table.items() if t and t != TODO}


def undecided(mapping: Mapping) -> int:
    """How many of a mapping's lines still say TODO (a heading or a spelling the analyst has to give)."""
    return sum(v == TODO for fm in mapping.files.values() for v in (*fm.columns.values(), *(x for t in fm.values.values() for x in t.values())))


def save(mapping: Mapping, path: Path, notes: Notes | None = None, title: str = "your exports", earlier: str | None = None) -> None:
    """Write the mapping atomically: an interrupted save leaves the earlier file whole. Given the `earlier` file's
    text (the mapping it held, added to), only the new lines are added to it, so its comments stay."""
    text = dumps(mapping, notes, title)
    output.write_text(Path(path), text if earlier is None else with_new_lines(earlier, text, mapping))


_SECTION = re.compile(r"\s*\[\s*([^\]#]+?)\s*\]\s*(#.*)?")  # an active table header: [staff.values.ethnicity]
_KEY = re.compile(r"""\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")


def _blocks(text: str) -> list[tuple[str | None, list[str]]]:
    """A TOML text's lines by table: (its name, its lines from its header on); None for the lines before any."""
    blocks: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in text.splitlines():
        head = _SECTION.fullmatch(line)
        if head:
            blocks.append((head.group(1).replace(" ", ""), []))
        blocks[-1][1].append(line)
    return blocks


def _line_key(line: str) -> str | None:
    """The key a line sets, as TOML reads it (quoted or bare alike); None for a comment, blank or continuation."""
    found = _KEY.match(line)
    if not found:
        return None
    try:
        return repr(tomllib.loads(f"{found.group(1)} = 0"))
    except tomllib.TOMLDecodeError:
        return None


def with_new_lines(earlier: str, text: str, mapping: Mapping) -> str:
    """The earlier mapping file with the lines of `text` (the whole mapping written afresh) that it lacks added
    where they belong: a key under its table, a new table after its file's others. What the analyst wrote stays
    as they left it: their comments, the lines they commented out, the TODOs and guesses still to check. If the
    result would not read back as `mapping` (a file written in another TOML style), `text` is written whole."""
    old, new = _blocks(earlier), _blocks(text)
    where = {name: i for i, (name, _) in enumerate(old) if name is not None}
    for name, lines in new:
        if name is None:
            continue
        if name in where:
            block = old[where[name]][1]
            have = {_line_key(line) for line in block}
            added = [line for line in lines[1:] if (k := _line_key(line)) is not None and k not in have]
            last = max((i for i, line in enumerate(block) if _line_key(line) is not None), default=0)
            block[last + 1:last + 1] = added
            continue
        stem = name.split(".")[0]
        after = max((i for i, (n, _) in enumerate(old) if n is not None and n.split(".")[0] == stem), default=len(old) - 1)
        body = list(lines)
        while body and not body[-1].strip():
            body.pop()
        if old[after][1] and old[after][1][-1].strip():
            body.insert(0, "")
        if after + 1 < len(old):  # a table follows: a blank line between, as dumps writes them
            body.append("")
        old.insert(after + 1, (name, body))
        where = {n: i for i, (n, _) in enumerate(old) if n is not None}
    merged = "\n".join(line for _, lines in old for line in lines).rstrip("\n") + "\n"
    try:
        back, problems = parse(tomllib.loads(merged))
    except tomllib.TOMLDecodeError:
        return text
    return merged if back.files == mapping.files and not [p for p in problems if p.severity == "error"] else text


# ---------------------------------------------------------------------------------------------------------
# Suggesting a mapping from exports


@dataclass
class Export:
    """What `suggest` needs of one export: its name, headings and each column's distinct values."""

    name: str  # the file name ("HR export 2025.csv")
    headings: list[str]
    values: dict[str, list[str]]  # heading → distinct non-blank values (the first VALUES_KEPT)
    blanks: dict[str, int] = field(default_factory=dict)  # heading → blank cells
    sheet: str | None = None  # a workbook's sheet
    header_row: int = 1  # the row its headings are on (below a report's title)
    title: str = ""  # the report's title above them


def read_export(path: Path, saved: Mapping | None = None, file: str | None = None) -> tuple[list[Export], list[Problem]]:
    """An export's headings and distinct values: a CSV, or each sheet of a workbook that has a header row; of
    the rows the `saved` mapping keeps for the file it is (`file`, else the one its name matches), if it says."""
    path = Path(path)
    stems = [file] if file else saved.stems_for(path.name) if saved is not None else []
    keep = saved.keep(stems[0]) if saved is not None and stems else None
    if path.is_dir():
        return [], [Problem(path.name, "is a folder", "give the export file(s) in it (a .csv or .xlsx file each)")]
    if not path.is_file():
        return [], [Problem(path.name, "does not exist", "give the path of your export (a .csv or .xlsx file)")]
    if path.suffix.lower() == ".xlsx":
        return _read_workbook(path, keep)
    if path.suffix.lower() != ".csv":
        return [], [Problem(path.name, "is not a CSV file or an Excel workbook", "save the export from Excel as CSV UTF-8 or .xlsx")]
    codec = encoding.of(path)  # Excel's "CSV (Comma delimited)" is Windows-1252 (wres.encoding)
    if codec is None:
        return [], [Problem(path.name, "is not UTF-8 encoded", 'open it in Excel and "Save As" CSV UTF-8 (comma delimited)')]
    try:
        with path.open(encoding=codec, newline="") as f:
            from wres.read import separator, title_above

            sep = separator(f)  # commas, or semicolons, tabs or bars
            f.seek(0)
            row, title = title_above(csv.reader(f, delimiter=sep))
            f.seek(0)
            rows = csv.reader(f, delimiter=sep)
            for _ in range(row - 1):
                next(rows)
            return [_collect(path.name, rows, header_row=row, title=title, keep=keep)], []
    except csv.Error as exc:  # said in words: the csv module's own text is written for programmers
        why = ("a line ends in a carriage return alone, as old Mac programs end them" if "new-line" in str(exc)
               else "a value is longer than any real cell (a quote left open?)" if "field limit" in str(exc)
               else "a row could not be read")
        return [], [Problem(path.name, f"could not be read as CSV: {why}", 'open it in Excel and "Save As" CSV UTF-8 (comma delimited)')]


def _collect(name: str, rows, sheet: str | None = None, header_row: int = 1, title: str = "",  # noqa: ANN001 (any iterator of rows)
             keep: Keep | None = None) -> Export:
    from wres.read import sub_heading, without_footer  # a report's footer, a survey's second heading row: no values

    rows = without_footer(rows)
    header = [tidy_heading(h) if h is not None else "" for h in next(rows, [])]
    first = next(rows, None)
    rows = itertools.chain([] if first is None or sub_heading(first) else [first], rows)
    where = {h.lower(): i for i, h in enumerate(header)}
    tests = [(where[h], kept) for h, kept in (keep.rows.items() if keep else ()) if h in where]
    values: list[dict[str, None]] = [{} for _ in header]
    blanks = [0] * len(header)
    for row in rows:
        if not any(str(v).strip() for v in row if v is not None):
            continue
        if tests and not all(i < len(row) and normalise(str(row[i] or "").strip()) in kept for i, kept in tests):
            continue  # a row the saved mapping leaves out: its spellings are not the file's
        for i in range(len(header)):
            v = row[i] if i < len(row) else None
            text = "" if v is None else str(v).strip()
            if not text or schema.blank_marker(text):  # "NULL", "N/A": an empty cell as exports write it
                blanks[i] += 1
            elif len(values[i]) < VALUES_KEPT:
                values[i][text] = None
    heads = [h or f"column {i + 1}" for i, h in enumerate(header)]
    return Export(name, heads, {h: list(v) for h, v in zip(heads, values)}, dict(zip(heads, blanks)), sheet, header_row, title)


def _read_workbook(path: Path, keep: Keep | None = None) -> tuple[list[Export], list[Problem]]:
    import openpyxl

    # a cell as the text a CSV of it would hold, and the limits and refusals, as the return reader has them
    from wres.read import DAMAGED_FIX, Refused, cell, sheet_rows, sheet_width, title_above, workbook_problem

    problem = workbook_problem(path)
    if problem is not None:
        return [], [problem]
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a bad file
        return [], [Problem(path.name, "is not a workbook Excel can read: it may be damaged", DAMAGED_FIX)]
    try:
        exports = []
        for ws in wb.worksheets:
            label = f"{path.name}, sheet {ws.title}"
            try:
                header = next(sheet_rows(ws, label), None)
                if header is None or all(h is None for h in header):
                    continue  # an empty sheet: no headings to map
                row, title = title_above(sheet_rows(ws, label))
                if row > 1:
                    header = next(sheet_rows(ws, label, min_row=row), None)
                width = sheet_width(label, header)
                if isinstance(width, Problem):
                    return [], [width]
                ex = _collect(path.name, ([cell(v) for v in cells] for cells in sheet_rows(ws, label, min_row=row, max_col=width)), ws.title, row, title, keep)
            except Refused as refused:
                return [], [refused.problem]
            if any(not h.startswith("column ") for h in ex.headings):
                exports.append(ex)
        return exports, ([] if exports else [Problem(path.name, "has no sheet with a header row", "put the column headings on the first row")])
    finally:
        wb.close()


@cache
def _synonyms() -> dict[str, dict[str, list[str]]]:
    with (Path(__file__).parent / "standards" / "column_synonyms.toml").open("rb") as f:
        return tomllib.load(f)


def tidy_heading(text: object) -> str:
    """A file's heading as wres reads and shows it: its spacing as one space, so that a heading Excel wrapped
    (Alt+Enter: "Employee\nNumber", which a CSV then holds in quotes over two lines) is "Employee Number"."""
    return " ".join(str(text).split())


def heading_key(text: str) -> str:
    """A heading as headings are compared: spacing and case aside (a mapping written by hand may differ in both)."""
    return tidy_heading(text).lower()


def _words(text: str) -> str:
    """A heading as words: 'Emp. No' → 'emp no'; 'FTE_Salary (£)' → 'fte salary'."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _choices(stem: str, standard: Standard | None = None) -> dict[str, str]:
    """Every known heading (as words) → its contract column, for one contract file (of one standard, or of any).
    A column's own name comes first: one standard's synonym never takes another's column name."""
    syn = _synonyms()
    columns = schema.files(standard).get(stem, ()) if standard is not None else schema.all_columns(stem)
    out: dict[str, str] = {_words(c.name): c.name for c in columns}
    for c in columns:
        for words in [*syn.get(stem, {}).get(c.name, []), *syn["common"].get(c.name, [])]:
            out.setdefault(_words(words), c.name)
    return out


def known(stem: str | None, heading: object) -> bool:
    """Whether a cell is a heading wres map knows: a contract column's name or a usual name for one (of the
    file `stem`, or of any file)."""
    return _words(str(heading)) in _known_words(stem)


@cache
def _known_words(stem: str | None) -> frozenset[str]:
    stems = [stem] if stem is not None else schema.all_files()
    return frozenset(w for s in stems for w in _choices(s))


def known_heading(stem: str, column: str, headings: Sequence[str], standard: Standard | None = None) -> str | None:
    """The one heading of a file that is a usual name for a contract column it lacks ("Ethnic Origin" for
    ethnicity), to say where the column is missing: a known name only, never a near one, and never read as the
    column without a mapping (the contract's headings are the file's own)."""
    choices = _choices(stem, standard)
    found = [h for h in headings if choices.get(_words(h)) == column]
    return found[0] if len(found) == 1 else None


QUESTION = 86  # the score of a heading that asks a survey's question in full ([question_words]): a guess, said so


def _asks(words: str, rule: dict[str, list]) -> bool:
    """Whether a heading (as words) is the question a [question_words] rule describes: a word of each `all`
    list, and none of `not`."""
    has = lambda w: re.search(rf"\b{re.escape(_words(w))}\b", words) is not None  # noqa: E731
    return all(any(has(w) for w in one_of) for one_of in rule["all"]) and not any(has(w) for w in rule.get("not", ()))


def _match_columns(stem: str, headings: list[str], taken: dict[str, str], standard: Standard | None = None) -> dict[str, tuple[str, int]]:
    """Contract column → (heading, score) for the columns not yet `taken`; 100 is an exact known heading."""
    from rapidfuzz import fuzz

    choices = _choices(stem, standard)
    used = {h.strip().lower() for h in taken.values()}
    # (score, rank, heading, column): of two exact headings, the one whose known heading comes first in its list
    # wins ("Employee Number" over "Assignment Number": a person with two posts has two assignment numbers)
    pairs: list[tuple[int, int, str, str]] = []
    for h in headings:
        if h.strip().lower() in used:
            continue
        w = _words(h)
        for rank, (known, col) in enumerate(choices.items()):
            score = 100 if w == known else int(fuzz.ratio(w, known))
            if score < 100 and "date" in known.split() and not re.search(r"\b(date|dt|day|dob)\b", w):
                continue  # "Employment type" is no near spelling of "employment date": a date's heading says date
            if score < 85 and len(known) > 3 and re.search(rf"\b{re.escape(known)}\b", w):
                score = 85  # the heading holds a known one ("Which directorate do you work in?"): a guess, below near spellings
            if score >= 85:  # (near or held headings: the first heading of the export, as before)
                pairs.append((score, rank if score == 100 else len(choices), h, col))
        pairs += [(QUESTION, len(choices), h, col) for col, rule in _synonyms().get("question_words", {}).get(stem, {}).items()
                  if col in choices.values() and _asks(w, rule)]  # a question written out in full: a guess
    found: dict[str, tuple[str, int]] = {}
    for score, _, h, col in sorted(pairs, key=lambda p: (-p[0], p[1])):
        if col not in found and col not in taken and all(h != x for x, _ in found.values()):
            found[col] = (h, score)
    return found


def _service_by_values(stem: str, ex: Export, found: dict[str, tuple[str, int]], taken: dict[str, str],
                       standard: Standard) -> dict[str, tuple[str, int]]:
    """Of several headings a service may be under ("Department", "Division", "Organization"), the one whose values
    name most parts of the standard's breakdown ("Adults Services" beside "Children's Services"), where the one
    chosen by its heading names fewer (SuccessFactors' "Department" said "Social Care Operations" of everyone)."""
    column = next((c.name for c in schema.files(standard).get(stem, ()) if c.kind == "service"), None)
    if column is None or column not in found:
        return found
    choices = _choices(stem, standard)
    used = {h.strip().lower() for h in [*taken.values(), *(h for c, (h, _) in found.items() if c != column)]}
    heads = [h for h in ex.headings if choices.get(_words(h)) == column and h.strip().lower() not in used]

    def parts(h: str) -> int:
        from wres.validate import recognised

        def part(v: str) -> str | None:  # the part a spelling is, or the part its words suggest
            guess = _suggest_value("service", column, v, standard)[0]
            return recognised("service", v, standard, column) or (recognised("service", guess, standard, column) if guess else None)

        return len({p for v in ex.values.get(h, []) if (p := part(v)) is not None})

    best = max(heads, key=parts, default=found[column][0])
    return found if parts(best) <= parts(found[column][0]) else {**found, column: (best, 100)}


def _status_column(stem: str, headings: list[str], contract: Sequence[schema.Column], given: dict[str, str]) -> dict[str, tuple[str, int]]:
    """One status column for the file's yes/no columns no heading was found for, where there are several
    (an applicant tracking system writes "Application Status": Rejected at sift, Interviewed, Appointed, not
    a column each for shortlisted and appointed): each of them → (that heading, a guess's score)."""
    open_ = [c.name for c in contract if c.kind in SHARED and c.required and c.name not in given]
    known = {_words(w) for w in _synonyms().get("status_columns", {}).get(stem, [])}
    used = {h.strip().lower() for h in given.values()}
    free = [h for h in headings if h.strip().lower() not in used]
    # a known heading, else one holding a known phrase of two words or more ("Furthest Stage Reached (Latest)"):
    # one word alone ("DBS Status") says nothing of an application
    heading = next((h for h in free if _words(h) in known), None) or next(
        (h for h in free for k in known if " " in k and re.search(rf"\b{re.escape(k)}\b", _words(h))), None)
    return {c: (heading, 90) for c in open_} if heading is not None and len(open_) > 1 else {}


def row_column(stem: str, heading: str) -> bool:
    """Whether a heading may say what each row of the file is (a staff export's "Assignment Status", a
    learning system's "Course Category" or "Mandatory"): validation reads such a column of a file named as the
    contract's too, to ask what marked_rows asks (validate._other_rows)."""
    words = _words(heading)
    syn = _synonyms()
    return any(words in {_words(h) for h in syn.get(table, {}).get(stem, [])} for table in ("row_columns", "other_row_flags")) and bool(
        syn.get("other_rows", {}).get(stem))


@dataclass(frozen=True)
class RowsQuestion:
    """Rows of an export that may not be the file's: asked (wres map, the rows page), never decided here."""

    heading: str
    others: list[str]  # the values of the rows that may not be the file's ("Terminated", "Housing")
    rest: list[str]  # the others: the rows proposed to keep
    what: str  # what the file's rows are: "people directly employed at the snapshot date"
    such_as: str  # what the other rows may be, in words: "leavers or agency workers"


def rows_questions(stem: str, ex: Export, given: dict[str, str], standard: Standard | None = None) -> list[RowsQuestion]:
    """What to ask of an export's rows: a column marking rows that may not be the file's (marked_rows with
    [other_rows]), and a service column naming services beside the standard's breakdown (a council-wide
    establishment list's "Housing" and "Finance" beside "Adult Social Care")."""
    # every such column: an export may say "Terminated" in its status and "Agency Worker" in its class
    out = [RowsQuestion(*marked, ROWS_OF.get(stem, f"{stem} rows"), OTHER_ROWS.get(stem, ""))
           for marked in every_marked_rows(stem, ex, given, "other_rows")]
    if (services := other_services(stem, ex, given, standard)) is not None:
        out.append(services)
    return out


def other_services(stem: str, ex: Export, given: dict[str, str], standard: Standard | None = None) -> RowsQuestion | None:
    """The service column's values that name another part of the council (column_synonyms.toml
    [other_services]: "Housing", "Finance"), beside values that name the standard's breakdown ("Adult Social
    Care"): a council-wide establishment list. Those rows are most likely not the return's at all, which no
    spelling of a service can say, so which to read is asked."""
    from wres.validate import recognised

    std = standard or _standard_for(stem, ex.headings)
    column = next((c.name for c in schema.files(std).get(stem, ()) if c.kind == "service"), None)
    heading = given.get(column or "")
    values = ex.values.get(next((h for h in ex.headings if heading and h.strip().lower() == heading.strip().lower()), ""), [])
    if column is None or not values or len(values) > 50:
        return None
    named = [v for v in values if recognised("service", v, std, column) is not None or _suggest_value("service", column, v, std)[0] is not None]
    # only a service that names another part of the council: "Early Help" names neither, and is asked as a spelling
    others = [v for v in values if v not in named and other_service(v, std)]
    if not named or not others:
        return None
    parts = " or ".join(p.words for p in std.breakdown.parts)
    return RowsQuestion(heading, others, [v for v in values if v not in others], f"in {parts}", "other directorates' staff")


def other_service(value: str, standard: Standard) -> bool:
    """Whether a service's spelling names another part of the council ([other_services] of the standard), and no
    part of the standard's breakdown ("Adults and Housing" names adult social care)."""
    words = _words(value)
    if any(re.search(rf"\b{re.escape(h)}", words) for p in standard.breakdown.parts for h in p.hints):
        return False
    return any(re.search(rf"\b{re.escape(_words(w))}\b", words) for w in _synonyms().get("other_services", {}).get(standard.id, []))


def asked(stem: str, heading: str, fm: FileMap) -> bool:
    """Whether rows kept by `heading` were an answer to a RowsQuestion (so the rows page may ask it again)."""
    services = {fm.columns.get(c.name, c.name).strip().lower() for c in schema.all_columns(stem) if c.kind == "service"}
    return row_column(stem, heading) or heading.strip().lower() in services


def marked_rows(stem: str, ex: Export, given: dict[str, str], table: str) -> tuple[str, list[str], list[str]] | None:
    """The first of every_marked_rows."""
    return next(every_marked_rows(stem, ex, given, table), None)


def every_marked_rows(stem: str, ex: Export, given: dict[str, str], table: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """Each column of the export that says what each row is (column_synonyms.toml [row_columns]) whose values
    hold words of `table` beside other values: its heading, those values, and the others.

    With [row_words], the file's own rows among others (an ER casework export's "Case Type": Disciplinary,
    Grievance, Capability), which wres map keeps. With [other_rows], rows that may not be the file's (a staff
    export's "Assignment Status": Active, Terminated, Agency Worker): which are is the analyst's to say."""
    from wres.validate import recognised

    words = [_words(w) for w in _synonyms().get(table, {}).get(stem, [])]
    columns = {_words(h) for h in _synonyms().get("row_columns", {}).get(stem, [])}
    # a yes/no column whose yes marks such rows ("Mandatory": Y or N, in a learning system's export)
    flags = {_words(h) for h in _synonyms().get("other_row_flags", {}).get(stem, [])} if table == "other_rows" else set()
    used = {h.strip().lower() for h in given.values()}
    for heading in ex.headings:
        values = ex.values.get(heading, [])
        if heading.strip().lower() in used or _words(heading) not in columns | flags or len(values) > 50:
            continue
        if _words(heading) in flags:
            marked = [v for v in values if recognised("bool", v) is True]
        else:  # "Non-mandatory" or "Not statutory" is not "mandatory"
            marked = [v for v in values if any(re.search(rf"(?<!\bnon )(?<!\bnot )\b{re.escape(w)}\b", _words(v)) for w in words)]
        if marked and len(marked) < len(values):
            yield heading, marked, [v for v in values if v not in marked]


def kind_of(stem: str, column: str) -> str:
    """The kind of a contract column (of any standard's file of that name)."""
    return next(c.kind for c in schema.all_columns(stem) if c.name == column)


def main_posts(stem: str, ex: Export, given: dict[str, str]) -> tuple[str, list[str], list[str]] | None:
    """A column saying which of a person's rows is their main post, in an HR export of posts (assignments) where
    someone with two jobs has two rows ("Primary Assignment": Y or N; column_synonyms.toml [main_post_columns]):
    its heading, the values that say main, and the others. Only a column holding both, or main and blanks."""
    from wres.validate import recognised

    columns = {_words(h) for h in _synonyms().get("main_post_columns", {}).get(stem, [])}
    used = {h.strip().lower() for h in given.values()}
    for heading in ex.headings:
        values = ex.values.get(heading, [])
        if heading.strip().lower() in used or _words(heading) not in columns or len(values) > 10:
            continue
        main = [v for v in values if recognised("bool", v) is True or _words(v) in ("primary", "main", "main post", "primary assignment")]
        if main and (len(main) < len(values) or ex.blanks.get(heading)):
            return heading, main, [v for v in values if v not in main]
    return None


def file_named(name: str) -> str | None:
    """The contract file a name says it holds ("Leavers 2024-25" → leavers; "Staff survey" → survey, by its
    longer word), from column_synonyms.toml [file_words]; None if it names none."""
    words = _words(name)
    hits = [(len(w), stem) for stem, ws in _synonyms()["file_words"].items() for w in [stem, *ws]
            if re.search(rf"\b{re.escape(_words(w))}\b", words)]
    return max(hits)[1] if hits else None


def guess_file(ex: Export) -> tuple[str | None, str]:
    """Which contract file an export is, from its name and headings; None when two are equally likely."""
    syn = _synonyms()
    name = _words(f"{Path(ex.name).stem} {ex.sheet or ''}")
    scores: dict[str, int] = {}
    for stem in MAPPABLE:
        if stem in schema.PLAN_FILES:
            continue
        matched = _match_columns(stem, ex.headings, {})
        required = [c.name for c in schema.all_columns(stem) if c.required]
        score = sum(2 if c in required else 1 for c in matched)
        score += sum(3 for c in matched if c not in ("ethnicity", "service", "date", "staff_id"))  # what sets it apart
        score += sum(5 for w in syn["file_words"].get(stem, []) if re.search(rf"\b{re.escape(w)}\b", name))
        score += 5 if stem in name.split() else 0
        scores[stem] = score
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top == 0 or top == second:
        return None, "its name and headings fit " + (" and ".join(s for s, v in ranked[:2]) if top else "no contract file")
    return best, "from its name and headings"


def _suggest_value(kind: str, column: str, value: str, standard: Standard) -> tuple[str | None, str]:
    """The nearest contract value of a spelling wres does not know, and how sure: (None, why) is a TODO."""
    from rapidfuzz import fuzz, process
    from wres.validate import recognised

    w = _words(value)
    first = w.split(" ")[0] if w else ""
    if kind == "service":  # a part of the standard's breakdown, from the words its data file gives as hints
        parts = standard.breakdown.parts
        hit = max(((len(h), p, h) for p in parts for h in p.hints if re.search(rf"\b{re.escape(h)}", w)), default=None, key=lambda x: x[0])
        if hit is not None:
            return hit[1].spelling, f"guessed: it names {hit[1].words}"
        return None, f"TODO: {schema.breakdown_spellings(standard)}?"
    if kind in ("bool", "answer"):
        if first in ("y", "yes", "true"):
            return "yes", "guessed: it starts with yes"
        if kind == "bool" and (staged := _stage(column, value)) is not None:
            return staged
        if first in ("n", "no", "not", "non", "false"):
            return "no", "guessed: it starts with no"
        if kind == "answer":
            nums = re.findall(r"\d+", w)
            if "never" in w:
                return "Never", "guessed"
            if "more than" in w or "over" in w:
                return "More than 10", "guessed"
            if len(nums) == 2:
                key = f"{nums[0]}-{nums[1]}"
                if recognised("answer", key, standard, column) is not None:
                    return key, "guessed"
        return None, f"TODO: is this {column.replace('_', ' ')}: yes or no?"
    if kind == "status":
        hit = process.extractOne(w, schema.STATUSES, scorer=fuzz.ratio, score_cutoff=70)
        return (hit[0], "guessed: the nearest status") if hit else (None, "TODO: one of " + ", ".join(schema.STATUSES))
    if kind == "ethnicity":
        from wres import ethnicity

        near = getattr(ethnicity, "suggest", None)  # the nearest accepted labels, where ethnicity.py offers them
        options = list(near(value))[:3] if near else []
        options = [o if isinstance(o, str) else o[0] for o in options]
        return None, "TODO: which ethnicity?" + (f" nearest: {', '.join(options)}" if options else " (an ONS 2021 label)")
    if kind == "band":  # never guessed: a near label may be another band ("Band 8 - Range E")
        labels = [b.label for b in standard.default_bands] + list(standard.excluded_bands)
        hit = process.extractOne(w, {b: _words(b) for b in labels}, scorer=fuzz.ratio, score_cutoff=75)
        return None, "TODO: which band?" + (f" nearest: {hit[2]}" if hit else f" one of {', '.join(labels)}")
    return None, "TODO"


def _stage(column: str, value: str) -> tuple[str | None, str] | None:
    """What a recruitment stage ("Interview - Unsuccessful", "Offer Declined") says of `column` (shortlisted or
    appointed), by the first phrase of column_synonyms.toml's [stage_values] it holds; None if it holds none."""
    table = _synonyms().get("stage_values", {})
    if column not in table.get("columns", ()):
        return None
    at = table["columns"].index(column)
    w = _words(value)
    for phrase, *answers in table["phrases"]:
        if re.search(rf"\b{re.escape(phrase)}\b", w):
            said = answers[at]
            if said == "?":
                return None, f"TODO: {column.replace('_', ' ')} at the stage {value!r}: yes or no? (it depends on your process)"
            return said, f"guessed: the stage {value!r} is {'' if said == 'yes' else 'not '}{column.replace('_', ' ')}"
    return None


def _date_order(values: list[str]) -> tuple[DateOrder | None, str]:
    """Which order a column's numeric dates are in, from a value that fits only one (13/04/2024: day-first)."""
    day = month = None
    months = numeric = 0
    for v in values:
        m = re.match(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}", v)
        if m:
            numeric += 1
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12 >= b and day is None:
                day = v
            elif b > 12 >= a:
                month, months = month or v, months + 1
    if day and month:
        return None, f"TODO: the dates are in both orders ({day} is day-first, {month} month-first): correct them in the export"
    if months == 1 and numeric > 1:  # one date of several, in a UK export: a slip as likely as an American order
        return None, (f"TODO: only {month} makes sense month-first, and the others either way: correct it if it is a slip "
                      '(day-first is read), or write date_order = "month-first" if the export writes the month first')
    if month:
        return "month-first", f"guessed: {month} only makes sense month-first"
    if day:
        return "day-first", f"guessed: {day} only makes sense day-first"
    if any(re.match(r"\s*\d{1,2}[/.-]\d{1,2}[/.-]", v) for v in values):
        return None, "no date says which order: day-first (the UK's) assumed"
    return None, ""


def file_glob(name: str, others: list[str]) -> str:
    """The `file` a mapping gives an export: its name with every number a wildcard, so next year's export
    ("HR export March 2026.csv") is found too, unless that would also match another of the files named."""
    glob = re.sub(r"\d+", "*", name)
    return glob if sum(fnmatch.fnmatch(o.lower(), glob.lower()) for o in others) <= 1 else name


@dataclass
class Suggestion:
    mapping: Mapping
    notes: Notes
    summary: list[str]  # what to check, for people
    todo: int = 0  # decisions left (TODO values, unknown files, required columns not found)
    kept: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # file → the rows it newly keeps (heading, values)
    unplaced: list[str] = field(default_factory=list)  # exports (file names) whose contract file it could not tell

    def rows_kept(self) -> dict[str, tuple[str, list[str], str]]:
        """The rows it newly keeps, as `suggest(kept=...)` takes them for the exports read again through them, so
        that only the kept rows' spellings are asked about (file → heading, values, note)."""
        return {stem: (h, vs, self.notes[(stem, "rows", h)]) for stem, (h, vs) in self.kept.items()}


def _standard_for(stem: str, headings: list[str]) -> Standard:
    """The standard whose file an export most looks like (most of its required columns found; the default on a
    tie): what its missing columns and its values are judged by, when the return's standard is not given."""
    ranked = []
    for i, sid in enumerate((standards.DEFAULT, *(x for x in standards.available() if x != standards.DEFAULT))):
        std = standards.load(sid)
        cols = schema.files(std).get(stem, ())
        found = {h.strip().lower() for h in headings} | set(_match_columns(stem, headings, {}))
        ranked.append((-sum(c.name in found for c in cols if c.required), i, std))
    return min(ranked, key=lambda r: r[:2])[2]


def suggest(exports: list[Export], existing: Mapping | None = None, file: str | None = None,
            standard: Standard | None = None, kept: dict[str, tuple[str, list[str], str]] | None = None) -> Suggestion:
    """A mapping for the exports: the `existing` one kept as it is, with only what is new added and noted.

    `file` says which contract file the exports are (else each is guessed from its name and headings);
    `standard` the return's standard (else the one each export's columns fit best). `kept`: the rows a first
    look kept (file → heading, values, note), for exports read again through them (suggest_exports).
    """
    from wres.validate import recognised  # the contract's vocabularies live with validation

    mapping = copy.deepcopy(existing) if existing else Mapping()
    newly: dict[str, tuple[str, list[str]]] = {}
    notes: Notes = {}
    summary: list[str] = []
    unplaced: list[str] = []
    todo = 0

    def mapped(ex: Export) -> str | None:
        # a sheet is the file's if the mapping names it, or names none and the sheet is named as the file (read.py
        # reads such a sheet): another sheet of the same workbook is another file
        return next((s for s, fm in mapping.files.items() if fm.file and fnmatch.fnmatch(ex.name.lower(), fm.file.lower())
                     and (fm.sheet == ex.sheet or fm.sheet is None and (ex.sheet is None or ex.sheet.strip().lower() == s))), None)

    # A contract file is one sheet of a workbook: of the sheets guessed to be one (the workbook's name says "Staff
    # List", its Parameters sheet too), the one with most of its columns (first of equals)
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for ex in exports if file is None else []:
        if ex.sheet is not None and mapped(ex) is None and (guessed := guess_file(ex)[0]) is not None:
            fit = len(_match_columns(guessed, ex.headings, {}))
            if fit > best.get((ex.name, guessed), (-1, ""))[0]:
                best[(ex.name, guessed)] = (fit, ex.sheet)
    for ex in exports:
        shown = ex.name + (f", sheet {ex.sheet}" if ex.sheet else "")
        stem = file or mapped(ex)
        why = "as your mapping says" if stem and not file else "as you said"
        if stem is None:
            stem, why = guess_file(ex)
            fm = mapping.files.get(stem or "")
            other = (fm.sheet if fm is not None and fm.sheet and fm.file and fnmatch.fnmatch(ex.name.lower(), fm.file.lower())
                     else best.get((ex.name, stem or ""), (0, ex.sheet))[1])
            if ex.sheet is not None and stem is not None and other != ex.sheet:
                summary.append(f"{shown}: left out (sheet {other} is the {stem} file: a file of the return is one sheet)")
                continue
            if stem is None and ex.sheet is not None and why.endswith("no contract file"):
                summary.append(f"{shown}: left out (nothing in it looks like a contract file)")  # a workbook's notes or lists
                continue
            if stem is None:
                summary.append(f"{shown}: cannot tell which contract file it is ({why})")
                unplaced.append(ex.name)
                todo += 1
                continue
            why = f"guessed {why}"
        fm = mapping.files.setdefault(stem, FileMap())
        if Path(ex.name).stem.strip().lower() != stem and not (fm.file and fnmatch.fnmatch(ex.name.lower(), fm.file.lower())):
            if fm.file:  # the saved name does not find this year's export
                notes[(stem, "file")] = f"new: was {fm.file!r}"
            fm.file = file_glob(ex.name, [e.name for e in exports])
        if ex.sheet and ex.sheet.strip().lower() != stem and not fm.sheet:
            fm.sheet = ex.sheet
        lines = [f"{shown} → {stem}.csv ({why})"]
        if ex.header_row > 1 and ex.header_row != fm.header_row:  # a report's title above the headings (a row the mapping gives is kept otherwise)
            notes[(stem, "header_row")] = ("new, " if existing is not None else "") + f"guessed: a title ({ex.title[:60]!r}) is above the headings"
            fm.header_row = ex.header_row
            lines.append(f"  headings on row {ex.header_row}, below the title {ex.title[:60]!r}")
        # columns: what the mapping already says stays; a heading spelled as the contract needs no line
        present = {h.strip().lower(): h for h in ex.headings}
        # a heading the saved mapping gives that this export no longer has (renamed this year) is looked for again
        gone = {c: h for c, h in fm.columns.items() if h.strip().lower() not in present}
        taken = {c: h for c, h in fm.columns.items() if c not in gone}
        std = standard or _standard_for(stem, ex.headings)
        contract = schema.files(std).get(stem) or schema.all_columns(stem)
        for c in contract:
            if c.name not in taken and c.name in present:
                taken[c.name] = present[c.name]
        found = _match_columns(stem, ex.headings, taken, std)
        found = _service_by_values(stem, ex, found, taken, std)
        if stem == "staff" and "pay_band" in found and ("annual_salary" in found or "annual_salary" in taken):
            # an HR grade ("SCP 23", "Grade 7") is seldom one of organisation.toml's bands: the salary gives the band
            lines.append(f"  {found.pop('pay_band')[0]!r} is not used: the band comes from the salary (map it as pay_band only if it holds "
                         "organisation.toml's band labels)")
        # a salary heading that may be part-timers' pay ("Actual Salary"): asked, never read as the FTE salary
        not_fte = [_words(w) for w in _synonyms().get(stem, {}).get("not_fte_salary", [])]
        unsure = {c: h for c, (h, score) in found.items() if c == "annual_salary" and score < 100
                  and any(re.search(rf"\b{re.escape(w)}\b", _words(h)) for w in not_fte)}
        for c in unsure:
            del found[c]
        shared = _status_column(stem, ex.headings, contract, {**taken, **{c: h for c, (h, _) in found.items()}})
        found |= shared
        if found:
            lines.append("  columns: " + ", ".join(f"{h!r} → {c}" for c, (h, _) in found.items()))
        for col, (heading, score) in found.items():
            fm.columns[col] = heading
            note = "guessed" if score < 100 else None
            if existing is not None:
                note = "new" + (", guessed" if note else "")
            if note:
                notes[(stem, "columns", col)] = (note if score == 100 else f"{note}: the question it asks" if score == QUESTION
                                                 else f"{note}: {heading!r} ({score}% like a known heading)")
        for col, (heading, _) in shared.items():
            notes[(stem, "columns", col)] = (("new, " if existing is not None else "") + f"guessed: one status column, {heading!r}, gives "
                                             f"{' and '.join(shared)}: say which of its values are yes for each")
        for col, old in gone.items():
            if col in found:
                notes[(stem, "columns", col)] = f"new: this export has no {old!r}, which your mapping gave"
            else:
                todo += 1
                notes[(stem, "columns", col)] = f"TODO: this export has no {old!r}: give its heading now"
                lines.append(f"  {old!r} (your mapping's {col}) is not in this export: give its heading under [{stem}.columns]")
        guessed = [f"{c} = {h!r}" for c, (h, s) in found.items() if s < 100]
        if guessed:
            lines.append("  check these guessed columns: " + "; ".join(guessed))
        headings = {**taken, **{c: h for c, (h, _) in found.items()}}
        either = {"annual_salary", "pay_band"} if {"annual_salary", "pay_band"} <= {c.name for c in contract} else set()
        missing = [c.name for c in contract if c.name not in headings and (c.required or c.name in either)]
        if stem == "staff" and (either & headings.keys()):
            missing = [m for m in missing if m not in ("annual_salary", "pay_band")]
        if "staff_id" in headings:  # an ER casework export with the employee number only
            looked_up = [m for m in missing if schema.from_staff(stem, kind_of(stem, m))]
            if looked_up:
                missing = [m for m in missing if m not in looked_up]
                lines.append(f"  no heading for {' or '.join(looked_up)}: {schema.taken_from_staff(looked_up)}")
        for m in missing:
            notes[(stem, "columns", m)] = "TODO: no heading of the export looks like it: give yours"
        for c, h in unsure.items():
            if c in missing:
                notes[(stem, "columns?", c)] = h
                notes[(stem, "columns", c)] = (f"TODO: {h!r} may be what part-time staff are paid, not the full-time equivalent salary the "
                                              "pay bands need: take the # off if it is the FTE salary; if not, give that column, or the pay band")
                lines.append(f"  {h!r} may be what part-time staff are paid: is it the full-time equivalent salary? (annual_salary, a decision)")
        if missing:
            todo += len(missing)
            lines.append("  no heading found for: " + ", ".join(missing) + f" (add yours under [{stem}.columns])")
        if kept and stem in kept:  # read again through the rows a first look kept
            heading, values, notes[(stem, "rows", kept[stem][0])] = kept[stem]
        elif not fm.rows and (guess := marked_rows(stem, ex, headings, "row_words")) is not None:
            heading, values, others = guess
            notes[(stem, "rows", heading)] = (f"guessed: the rows of other {heading!r} ({', '.join(others[:3])}{' …' if len(others) > 3 else ''}) "
                                              f"are not {stem} rows")
            newly[stem] = (heading, values)
        elif not fm.rows and (guess := main_posts(stem, ex, headings)) is not None:
            heading, values, others = guess
            notes[(stem, "rows", heading)] = (f"guessed: one row a person, their main post; the rows whose {heading!r} is "
                                              f"{' or '.join(repr(v) for v in others) or 'blank'} are their other posts")
            newly[stem] = (heading, values)
        if (kept and stem in kept) or stem in newly:  # an export of other cases too: only the file's rows are kept (and said to be)
            fm.rows[heading] = values
            lines.append(f"  only the rows whose {heading!r} is {' or '.join(repr(v) for v in values)} are read (check [{stem}.rows])")
        unasked: set[str] = set()  # a service's spellings whose rows are asked about: not asked as spellings too
        for q in rows_questions(stem, ex, headings, std):  # asked, never decided here
            if q.heading in fm.rows:
                continue
            notes[(stem, "rows?", q.heading)] = toml_list(q.rest)
            todo += 1
            held = f"{', '.join(repr(v) for v in q.others[:4])}{' …' if len(q.others) > 4 else ''}"
            notes[(stem, "rows", q.heading)] = (f"TODO: {q.heading!r} also holds {held}: if those rows are not {q.what}, keep only the others: "
                                                f"take the # off the line below{'' if fm.rows else f' and off [{stem}.rows]'} (and check the list)")
            lines.append(f"  {q.heading!r} also holds {held}: if those are not {q.what}, read only the others (take the # off [{stem}.rows] in the mapping)")
            if any(h.strip().lower() == q.heading.strip().lower() and kind_of(stem, c) == "service" for c, h in headings.items()):
                unasked |= set(q.others)
        # values: each spelling of a categorical column the contract does not read
        kinds = {c.name: c for c in schema.all_columns(stem)} | {c.name: c for c in contract}
        decided = 0
        for col, heading in headings.items():
            c = kinds[col]
            seen = ex.values.get(next((h for h in ex.headings if h.strip().lower() == heading.strip().lower()), heading), [])
            if c.kind == "date":
                order, note = _date_order(seen)
                if order and order != fm.date_order and not (existing and stem in existing.files):
                    fm.date_order = order
                if note and (order or (stem, "date_order") not in notes):
                    notes[(stem, "date_order")] = note
                if order is None and note.startswith("TODO"):
                    todo += 1
                    lines.append(f"  dates in {heading!r}: {note[6:]}")
                continue
            numbered = [v for v in seen if _NUMBERED.fullmatch(v.strip())]
            if c.kind == "bool" and len(numbered) >= 3 and len(numbered) == len(seen) and not fm.values.get(col):
                # a column of registration numbers ("Social Work England No."): anyone with one is registered
                fm.values[col] = {ANY_VALUE: "yes", **({"": "no"} if ex.blanks.get(heading, 0) else {})}
                notes[(stem, "values", col, ANY_VALUE)] = f"guessed: every value is a number ({numbered[0]} …): anyone with one is yes"
                if "" in fm.values[col]:
                    notes[(stem, "values", col, "")] = "guessed: a blank cell, no number, is no"
                lines.append(f"  {heading!r} holds numbers: read as yes for anyone with one, no for a blank (check [{stem}.values.{col}])")
                continue
            if (c.kind not in schema.CATEGORICAL or c.kind == "metric_list" or (c.kind == "band" and std.bands_from != "labels")
                    or len(seen) >= VALUES_KEPT):  # a band only where the standard's are labels (else the salary gives it)
                continue
            table = fm.values.setdefault(col, {})
            known = {normalise(k) for k in table}
            elsewhere = answered_elsewhere(mapping, stem)
            # a council's own letters beside codes the table reads (W, U beside A, B): each letter is asked, A too
            nhs, own = ethnicity.codes_beside_others(seen, known) if c.kind == "ethnicity" else ({}, [])
            errors = [v for v in seen if schema.excel_error(v)]
            if errors:
                lines.append(f"  {heading!r} holds Excel errors ({', '.join(errors)}): correct the formulas that gave them")
            for v in seen:
                # (a yes/no column's own words, "Appointed", are still written: a status column's stages are each said for both columns)
                if v.strip() in nhs and normalise(v) not in known:
                    table[v], notes[(stem, "values", col, v)] = TODO, (f"{'new, ' if existing else ''}TODO: {nhs[v.strip()]}, but "
                                                                       f"{', '.join(own[:6])} beside it are not the NHS's: which ethnicity is it?")
                    decided, todo = decided + 1, todo + 1
                    continue
                if (normalise(v) in known or recognised(c.kind, v, std, None if c.kind == "bool" else col) is not None or schema.excel_error(v)
                        or (c.kind == "service" and v in unasked)):
                    continue
                target, note = _suggest_value(c.kind, col, v, std)
                given = elsewhere.get((col, normalise(v)))
                if target is None and given is not None:  # answered for another file ("Early Help" in staff): the same here
                    target, note = given[1], f"as [{given[0]}.values.{col}] says"
                # a yes/no column holding one word and blanks is a flag: the word is yes, a blank no
                if target is None and c.kind == "bool" and len(seen) == 1 and ex.blanks.get(heading, 0):
                    target, note = "yes", "guessed: the only value in this column (a blank is no)"
                table[v] = target or TODO
                notes[(stem, "values", col, v)] = ("new, " if existing else "") + note
                decided += 1
                todo += target is None
            if c.kind == "bool" and not c.blank_ok and ex.blanks.get(heading, 0) and "" not in table:
                yes_like = all(recognised("bool", table.get(v, v), std) is True for v in seen)
                table[""] = "no" if yes_like and seen else TODO
                blanks = f"{ex.blanks[heading]} blank cell{'s' if ex.blanks[heading] != 1 else ''}"
                notes[(stem, "values", col, "")] = (f"guessed: {blanks} read as no" if yes_like and seen
                                                    else f"TODO: {blanks}: yes or no?")
                decided += 1
                todo += table[""] == TODO
            if not table:
                del fm.values[col]
        if decided:
            lines.append(f"  {decided} spelling(s) to check under [{stem}.values.*] (\"TODO\" ones need your decision)")
        summary += lines
    return Suggestion(mapping, notes, summary, todo, newly, list(dict.fromkeys(unplaced)))


def suggest_exports(paths: Sequence[Path], existing: Mapping | None = None, file: str | None = None,
                    reading: Callable[[Path], None] | None = None, standard: Standard | None = None) -> tuple[Suggestion | None, list[Problem]]:
    """read_export then suggest, for `wres map` (`standard`: the return's, where its organisation.toml says).
    Where the suggestion newly keeps only some rows of an export (an ER casework export's disciplinary cases),
    the exports are read again through it, so that only the kept rows' spellings are asked about."""
    first: Suggestion | None = None
    saved = existing
    while True:
        exports: list[Export] = []
        problems: list[Problem] = []
        for path in paths:
            if reading:
                reading(path)
            more, trouble = read_export(path, saved, file)
            exports += more
            problems += trouble
        if problems:
            return None, problems
        if first is None:
            first = suggest(exports, existing, file, standard)
            if not first.kept:
                return first, []
            saved = first.mapping
            continue
        return suggest(exports, existing, file, standard, kept=first.rows_kept()), []
