"""Read a return (folder of CSV or Parquet files, or one .xlsx workbook) as DuckDB relations of text.

Every column is read as text so that validation, not the reader, decides what a value means and can
point at the row. Column names are matched case-insensitively. A file the contract types (staff.csv, the
event files, the survey, the action plan) read from CSV or Parquet is only described here, as a view:
validation reads it through once, straight into its typed table. Workbook sheets and the files that are
only looked up (counts.csv, ethnicity_map.csv) are landed as tables with their row numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import os
import re
import tempfile
import threading
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from wres import encoding, limits
from wres import mapping as mapping_mod
from wres import organisation as org_mod
from wres.ethnicity import normalise
from wres.mapping import Keep, Mapping
from wres.organisation import Organisation
from wres.problems import ROWS_SHOWN, Problem
from wres.schema import CATEGORICAL, PLAN_FILES, all_columns, all_files

# The record files a return of any standard may hold (stems), the default standard's order first: read takes
# what is there; validation reads the files of the return's own standard and says of any other that it is not read.
RECORD_FILES = tuple(stem for stem in all_files() if stem not in PLAN_FILES)
OTHER_FILES = ("counts", "ethnicity_map", "actions", "action_updates")
KNOWN = RECORD_FILES + OTHER_FILES


@dataclass
class Source:
    name: str  # the stem: "staff"
    label: str  # how messages name it: "staff.csv", or "return.xlsx, sheet staff"
    table: str  # the DuckDB relation of text columns, trimmed but for categorical ones (with _row, the row number, if numbered)
    columns: list[str]
    rows: int | None  # None until validation has read the file (a streamed file is not counted twice)
    drops: tuple[str, ...] = ()  # statements that free it once validation has typed it
    # False for a file the contract types, read straight from CSV or Parquet: `table` is then a view over the
    # file, read once by validation into a typed table whose rowid gives the row numbers (DuckDB keeps a
    # file's order through a projection). Landing the text first cost a third of the time at 2M staff.
    numbered: bool = True
    path: Path | None = None  # the file a streamed view reads, to explain a read error met while typing
    gaps: str | None = None  # a CSV's empty rows, which DuckDB skips: see with_rows() and find_gaps()
    gaps_looked: bool = False
    # How messages name a column where the user's file shows it otherwise: a sheet's heading and letter, "Ethnicity (C)"
    shown: dict[str, str] = field(default_factory=dict)
    book: Path | None = None  # the workbook holding it, for a sheet: a number in a date column is then an Excel date

    @property
    def workbook(self) -> bool:
        return self.book is not None

    above: int = 0  # rows above the headings (a report's title: the mapping's header_row - 1), shifting every row named
    warnings: list[Problem] = field(default_factory=list)  # said about it when it is read (rows the mapping left out)
    title: Problem | None = None  # a sheet's report title above its headings: said if its columns are not found

    def with_blank(self, con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> None:
        """The columns `names`, which the file does not have, as empty ones: an event file that leaves its rows'
        ethnicity and service to staff.csv (validate) is then read as one whose cells are blank."""
        view = f"{self.table}_with_blank"
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT *, {', '.join(f'NULL::VARCHAR AS {_quote(n)}' for n in names)} FROM {self.table}")
        self.table, self.columns, self.drops = view, [*self.columns, *names], (f"DROP VIEW IF EXISTS {view}", *self.drops)

    def release(self, con: duckdb.DuckDBPyConnection) -> None:
        """Drop the text relation (a landed table's memory): after validation only the typed table is read."""
        for statement in self.drops:
            con.execute(statement)

    def find_gaps(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Whether the CSV has empty rows above some data row. Looked for once, and for a contract file only
        when a row is to be named: it reads the whole file again (a tenth of a second per 60 MB)."""
        if not self.gaps_looked and self.path is not None and self.path.suffix.lower() == ".csv":
            self.gaps = _gaps(con, self.name, self.path, self.rows or 0, self.above)
        self.gaps_looked = True
        return self.gaps is not None

    def unreadable(self, exc: duckdb.Error) -> Problem:
        """A streamed file that failed part-way through (a stray comma on row 1,500,000), said as read would."""
        if self.path is not None and self.path.suffix.lower() == ".parquet":
            return _parquet_problem(self.label, exc, self.path)
        return _csv_problem(self.label, exc, self.path)


@dataclass
class Return:
    root: Path
    con: duckdb.DuckDBPyConnection
    organisation: Organisation | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # files there but unreadable; "*" for the whole return
    mapping: Mapping | None = None  # how the council's own exports read (mapping.toml)
    survey_counts: Source | None = None  # counts.csv of the survey's metrics only, beside the record files (_survey_as_counts)

    def locate(self, problem: Problem) -> Problem:
        """A problem with its column named as the user's file shows it (in a workbook: its letter and heading)."""
        for src in self.sources.values():
            if src.label == problem.file and problem.column in src.shown:
                return replace(problem, column=src.shown[problem.column])
        return problem

    def absent(self, name: str) -> bool:
        """Not in the return at all (as opposed to there but unreadable, which is already reported)."""
        return name not in self.sources and name not in self.unreadable and "*" not in self.unreadable


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text_table(con: duckdb.DuckDBPyConnection, name: str, label: str, relation: str, row_expr: str, headers: list[str] | None = None,
                path: Path | None = None, rename: dict[str, tuple[str, ...]] | None = None, names: list[str] | None = None, above: int = 0,
                keep: Keep | None = None, land: bool = False) -> Source | Problem:
    """A relation as text columns with lower-case names: a view over a file the contract types, else a table with _row.

    `headers` are the names as the file spells them, where the relation's own names are positional. Of a
    file the contract describes, only its columns are read (a staff file's job_role or gender is counted
    for nothing): at two million staff each unused column would cost a tenth of a second and 100 MB.
    `rename` (from the import mapping) gives the contract's names of the council's own headings (several where
    one status column gives several yes/no columns); a column that happens to bear a contract name the mapping
    gives to another heading is then not read. `names`: the
    relation's own column names where the caller knows them (a CSV read with named columns), saving a query.
    `above`: a CSV's rows above its headings (the import mapping's header_row - 1), counted into the rows named.
    `keep`: the rows the import mapping keeps (its [file.rows]): the others are left out, numbered as they were.
    `land`: a file the contract types is landed too, not viewed (the file is a copy that does not last).
    """
    names = names or [c[0] for c in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
    shown = [mapping_mod.tidy_heading(h) for h in headers or names]
    lowered = [n.lower() for n in shown]
    dupes = sorted({n for n in lowered if n and lowered.count(n) > 1})  # a column with no heading is not read (_unnamed)
    if dupes:
        return Problem(label, f"has the column {dupes[0]!r} more than once", "keep one column of each name", column=dupes[0], rows=(above + 1,), row_count=1)
    rename = rename or {}
    # problems name the user's heading (and which column it is read as, where it gives several)
    headings = {c: h.strip() + (f" (as {c})" if len(rename[lo]) > 1 else "") for h, lo in zip(shown, lowered) for c in rename.get(lo, ())}
    aliases = _aliases(lowered, rename)
    wanted = _wanted(name)
    # a column saying what each row is ("Assignment Status"), though no contract column: validation asks of it
    marking = {lo: h.strip() for h, lo, los in zip(shown, lowered, aliases) if los == (lo,) and lo not in (wanted or ()) and mapping_mod.row_column(name, lo)}
    if wanted is not None and marking:
        wanted = wanted | set(marking)
        headings |= marking
    # A categorical column is landed as given: validation looks each spelling up as it stands and trims only
    # the few it does not find (trimming two million cells costs a tenth of a second a column).
    as_given = {c.name for c in all_columns(name) if c.kind in CATEGORICAL}
    select = ", ".join(
        f"CAST({_quote(n)} AS VARCHAR) AS {_quote(lo)}" if lo in as_given else f"NULLIF(TRIM(CAST({_quote(n)} AS VARCHAR)), '') AS {_quote(lo)}"
        for n, los in zip(names, aliases) for lo in los if n != "_row" and lo and (wanted is None or lo in wanted)
    ) or "NULL AS _none"
    columns = [lo for los in aliases for lo in los if lo and lo != "_row"]
    table = f"raw_{name}"
    if keep is not None and keep.rows:
        return _kept(con, name, label, relation, row_expr, select, dict(zip(lowered, names)), dict(zip(lowered, shown)), keep,
                     Source(name, label, table, columns, None, shown=headings, above=above, path=path), above)
    if row_expr == "rowid + 2" and all_columns(name) and not land:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT {select} FROM {relation}")
        # a view holds no memory: it is left for the connection to drop (a statement fewer per file)
        return Source(name, label, table, columns, None, (), numbered=False, path=path, shown=headings, above=above)
    if row_expr == "rowid + 2":
        # Files only looked up (counts.csv, ethnicity_map.csv) are landed, in file order (DuckDB keeps
        # insertion order), and numbered through a view.
        n = con.execute(f"CREATE OR REPLACE TEMP TABLE load_{name} AS SELECT {select} FROM {relation}").fetchall()[0][0]  # its row count
        gaps = _gaps(con, name, path, n, above) if path is not None and path.suffix.lower() == ".csv" else None
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {with_rows(f'load_{name}', gaps)}")
        drops = (f"DROP VIEW IF EXISTS {table}", f"DROP TABLE IF EXISTS load_{name}")
    else:
        n = con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {row_expr} AS _row, {select} FROM {relation}").fetchall()[0][0]
        drops = (f"DROP TABLE IF EXISTS {table}",)
    return Source(name, label, table, columns, n, drops, shown=headings)


def _kept(con: duckdb.DuckDBPyConnection, name: str, label: str, relation: str, row_expr: str, select: str, source: dict[str, str],
          shown: dict[str, str], keep: Keep, src: Source, above: int) -> Source | Problem:
    """The text table of an export with only the rows the mapping keeps, each still numbered as the file
    shows it (it is landed with its row numbers, then filtered), and a warning of how many were left out."""
    missing = [h for h in keep.rows if h not in source]
    if missing:
        return Problem(label, f'has no column "{missing[0]}", which {keep.by} gives under [{name}.rows] to choose the rows by',
                       f"correct the heading under [{name}.rows] in {keep.by} (as the export's headings spell it)", rows=(above + 1,), row_count=1)
    where = " AND ".join(f"lower(regexp_replace(COALESCE(CAST({_quote(source[h])} AS VARCHAR), ''), '\\s+', '', 'g')) IN "
                         f"({', '.join(sql_str(v) for v in vs)})" for h, vs in keep.rows.items())
    load = f"load_{name}"
    if row_expr == "rowid + 2":
        n = con.execute(f"CREATE OR REPLACE TEMP TABLE {load} AS SELECT {select}, ({where}) AS _kept FROM {relation}").fetchall()[0][0]
        numbered = with_rows(load, _gaps(con, name, src.path, n, above) if src.path is not None and src.path.suffix.lower() == ".csv" else None)
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {load} AS SELECT {row_expr} AS _row, {select}, ({where}) AS _kept FROM {relation}")
        numbered = load
    con.execute(f"CREATE OR REPLACE TEMP VIEW {src.table} AS SELECT * EXCLUDE (_kept) FROM {numbered} WHERE _kept")
    kept, left = con.execute(f"SELECT count(*) FILTER (WHERE _kept), count(*) FILTER (WHERE NOT _kept) FROM {load}").fetchall()[0]
    src.rows, src.drops = kept, (f"DROP VIEW IF EXISTS {src.table}", f"DROP TABLE IF EXISTS {load}")
    if left:
        which = " and ".join(f"{shown[h].strip()} is " + " or ".join(f'"{v}"' for v in keep.shown[h]) for h in keep.rows)
        src.warnings.append(Problem(label, f"{left:,} row{'s' if left != 1 else ''} left out: {keep.by} keeps only the rows where {which}",
                                    f"if rows are missing from the figures, add their spelling under [{name}.rows] in {keep.by}", severity="warning"))
    return src


def _aliases(lowered: list[str], rename: dict[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Each heading's names in the text table: the contract columns the mapping reads from it, else its own
    name, unless the mapping gives that name to another heading ("" : not read)."""
    taken = {c for cols in rename.values() for c in cols}
    return [rename.get(lo) or ("" if lo in taken else lo,) for lo in lowered]


def with_rows(table: str, gaps: str | None) -> str:
    """A table read in file order, with _row: the row a spreadsheet shows (the header is row 1).

    That is rowid + 2, plus the empty rows above it in a CSV (DuckDB skips them, a spreadsheet does not).
    """
    if gaps is None:
        return f"(SELECT rowid + 2 AS _row, * FROM {table})"
    return (f"(SELECT t.i + 2 + COALESCE(g.skipped, 0) AS _row, t.* EXCLUDE (i) FROM (SELECT rowid AS i, * FROM {table}) t "
            f"ASOF LEFT JOIN {gaps} g ON t.i >= g.i)")


def _gaps(con: duckdb.DuckDBPyConnection, name: str, path: Path, rows: int, above: int = 0) -> str | None:
    """A table of where a CSV's empty rows shift its data rows (data row index, empty rows above it), if any.

    The `above` rows over the headings (a report's title) shift every data row, as empty rows above it do.

    A file with as many lines as DuckDB read rows (and the header) has none, which a count of line ends
    shows quickly; only another file is read through with the csv module, which counts rows as a
    spreadsheet does (a quoted value may span lines; empty lines at the very end shift nothing).
    """
    lines, last = 0, b"\n"
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            lines, last = lines + chunk.count(b"\n"), chunk[-1:]
    if lines + (last != b"\n") == rows + 1 and not above:
        return None
    starts: list[int] = []
    skipped: list[int] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            for _ in range(above + 1):  # the rows above the headings, and the headings
                next(reader, None)
            empty, i, pending = above, 0, above > 0
            for record in reader:
                if not record:
                    empty, pending = empty + 1, True
                    continue
                if pending:
                    starts.append(i)
                    skipped.append(empty)
                    pending = False
                i += 1
    except (UnicodeDecodeError, csv.Error):
        return None  # DuckDB names the fault when it reads the file
    if not starts:
        return None
    import pyarrow as pa

    table = f"gaps_{name}"
    con.register(f"arrow_{table}", pa.table({"i": pa.array(starts, pa.int64()), "skipped": pa.array(skipped, pa.int64())}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM arrow_{table}")
    con.unregister(f"arrow_{table}")
    return table


def _wanted(name: str) -> set[str] | None:
    """The columns of a file worth landing: those any standard's contract gives it (the return's standard may
    not be known yet: a workbook's organisation sheet is read last); otherwise all."""
    return {c.name for c in all_columns(name)} or None


def _not_utf8(label: str, rows: tuple[int, ...] = ()) -> Problem:
    return Problem(label, "is not UTF-8 encoded", 'open it in Excel and "Save As" CSV UTF-8 (comma delimited)', rows=rows, row_count=len(rows))


def _mixed_line_endings(path: Path) -> bool:
    data = path.read_bytes()
    return b"\r\n" in data and re.search(rb"(?<!\r)\n", data) is not None


_ROW_END_OR_QUOTE = re.compile(rb'"|\r?\n')
_SAMPLE = 1 << 16  # bytes at each end of a CSV looked at for its line ends


def _rows_end_both_ways(path: Path) -> bool:
    """Whether some rows end as Windows ends them and some not (rows, or a title, added in another program),
    which DuckDB reads wrongly or not at all, in the file's first and last 64 KB, where such lines are. A line
    break inside quotes is part of a cell (Excel writes a bare one within rows that end in \\r\\n), not a row's
    end: quotes are counted from the start of each part (the last part from its first line's end)."""
    with path.open("rb") as f:
        size = f.seek(0, 2)
        f.seek(0)
        parts = [f.read(_SAMPLE if size > 2 * _SAMPLE else size)]
        if size > 2 * _SAMPLE:
            f.seek(-_SAMPLE, 2)
            tail = f.read()
            parts.append(tail[tail.find(b"\n") + 1:])
    windows = sum(p.count(b"\r\n") for p in parts)
    if windows in (0, sum(p.count(b"\n") for p in parts)):  # every line ends one way (counted in C): most files
        return False
    ends = set()
    for part in parts:
        quoted = False
        for m in _ROW_END_OR_QUOTE.finditer(part):
            if m.group() == b'"':
                quoted = not quoted
            elif not quoted:
                ends.add(len(m.group()))
    return len(ends) > 1


def _csv_problem(label: str, exc: Exception, path: Path | None = None) -> Problem:
    text = str(exc)
    line = re.search(r"Line:? (\d+)", text)
    rows = (int(line.group(1)),) if line else ()
    if "invalid state" in text and path is not None and _mixed_line_endings(path):
        return Problem(label, "has lines that end in different ways (some Windows, some not), as when rows are added in another program",
                       'open it in Excel and "Save As" CSV UTF-8 (comma delimited) again: every line then ends the same way', rows=rows, row_count=len(rows))
    if "Invalid unicode" in text:
        return _not_utf8(label, rows)
    widths = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if widths:
        return Problem(
            label, f"this row has {widths.group(2)} value{'s' if widths.group(2) != '1' else ''} but the header has {widths.group(1)} columns",
            "make every row have one value per column: look for a stray comma, or a value with a comma that needs quotes",
            rows=rows, row_count=len(rows),
        )
    if "unterminated quote" in text:
        return Problem(label, "has a value whose quotes are not closed", 'close the quotes; a quote inside a value is written twice ("")',
                       rows=rows, row_count=len(rows))
    first = _reason(exc, path)
    return Problem(
        label,
        f"could not be read as CSV ({first})",
        "check that every row has as many commas as the header and that quotes are closed; save as CSV UTF-8",
        rows=rows,
        row_count=len(rows),
    )


SEPARATORS = (",", ";", "\t", "|")  # the comma first: it wins a tie
SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def separator(lines: Iterable[str]) -> str:
    """What a CSV's values are separated by: commas, as the contract says, unless its first lines are separated
    more steadily by semicolons, tabs or vertical bars (Excel saves "CSV" with semicolons where the comma is the
    decimal mark, and HR systems export tab- or bar-separated text). Steadily: the separator that splits the
    most of those lines into one and the same number of values (more than one), then the most values; so a
    report's title above the headings ("Staff report; run 02/04/2025") or a note full of semicolons on one
    row does not decide, nor do the commas inside values ("£57,240")."""
    rows = [line.rstrip("\r\n") for line in itertools.islice(lines, TITLE_ROWS)]

    def steadiness(sep: str) -> tuple[int, int]:
        widths = Counter()
        for row in filter(str.strip, rows):
            try:
                widths[len(next(csv.reader([row], delimiter=sep), []))] += 1
            except csv.Error:
                continue
        return max(((n, width) for width, n in widths.items() if width > 1), default=(0, 0))

    scores = {sep: steadiness(sep) for sep in SEPARATORS}
    return max(SEPARATORS, key=scores.__getitem__)  # the comma on a tie, and when nothing splits


def file_separator(path: Path, codec: str = "utf-8-sig") -> str:
    """separator() of a CSV file."""
    with path.open(encoding=codec, errors="replace", newline="") as f:
        return separator(f)


@dataclass
class _Header:
    names: list[str]  # as the file spells them
    text: str  # the header row as written, its line end included
    at: int  # where it begins, in bytes
    end: int  # where it ends

    @property
    def wrapped(self) -> bool:
        """A heading Excel wrapped (Alt+Enter) is in quotes over several lines, which DuckDB's strict reader
        takes for no rows at all in a file with Windows line ends: such a file is read from a copy (_read_csv)."""
        return "\n" in self.text.rstrip("\r\n")

    def one_line(self) -> str:
        body = self.text.rstrip("\r\n")
        return re.sub(r"\r?\n", " ", body) + self.text[len(body):]


def _csv_header(path: Path, above: int = 0, codec: str = "utf-8-sig", sep: str = ",") -> _Header | Problem:
    """The header row as the file spells it (DuckDB would rename a repeated name, hiding the mistake): the first
    line, or the one below the `above` lines of a report's title (as DuckDB's skip counts them, lines), read on
    to the closing quote of a wrapped heading."""
    with path.open("rb") as f:
        for _ in range(above):
            f.readline()
        at = f.tell()
        first = f.readline()
        for _ in range(HEADER_LINES - 1):
            if first.count(b'"') % 2 == 0:
                break
            first += f.readline()
    if b"\x00" in first:  # no text a CSV holds: UTF-16 without its byte-order mark (UTF-8 as far as bytes go)
        return Problem(path.name, 'is UTF-16 ("Unicode") text without the mark that says so, not UTF-8',
                       'open it in Excel and "Save As" CSV UTF-8 (comma delimited)', rows=(above + 1,), row_count=1)
    try:
        text = first.decode(codec)
    except UnicodeDecodeError:
        return _not_utf8(path.name, (above + 1,))
    if re.search(r"\r(?!\n)", text.rstrip("\r\n")):  # a carriage return alone: old Mac line ends
        return Problem(path.name, "has lines that end in a carriage return alone, as old Mac programs end them",
                       'open it in Excel and "Save As" CSV UTF-8 (comma delimited)', rows=(1,), row_count=1)
    try:
        if text.count('"') % 2:  # a quote left open: csv would read on to the end of the file
            raise csv.Error
        return _Header(next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), []), text, at, at + len(first))
    except csv.Error:
        return Problem(path.name, "has a first row that could not be read as column names",
                       "put the column names on the first row, separated by commas, with any quotes closed; save as CSV UTF-8", rows=(1,), row_count=1)


TITLE_ROWS = 10  # how far below a title on the first row the headings are looked for
HEADER_LINES = 10  # how many lines a header row's wrapped headings may span


def title_above(rows: Iterator[Sequence[object]], stem: str | None = None) -> tuple[int, str]:
    """The row of the headings and what is above them: a report's title on the first row (one cell filled) with
    its headings further down, as HR systems' reports lay them out; or, above the headings, a row of group
    headings ("Employee details", "Pay") over several columns each, as hand-made sheets have. Headings are known
    by holding three or more of wres map's known headings (of file `stem`, or of any), more than the first row.
    Else (1, "")."""
    first = [row for _, row in zip(range(TITLE_ROWS), rows)]
    filled = [[v for v in row if v is not None and str(v).strip()] for row in first]
    if not filled:
        return 1, ""
    known = [sum(1 for v in cells if mapping_mod.known(stem, v)) for cells in filled]
    best = max(range(len(known)), key=lambda i: (known[i], -i))
    if best > 0 and known[best] >= 3 and known[best] > known[0]:
        return best + 1, ", ".join(str(v).strip() for v in filled[0])
    if len(filled[0]) != 1:
        return 1, ""
    below = next((i for i, cells in enumerate(filled) if len(cells) > 1), None)
    return (1, "") if below is None else (below + 1, str(filled[0][0]).strip())


def mapped_heading_row(rows: Iterator[Sequence[object]], rename: dict[str, tuple[str, ...]], stated: int) -> int:
    """The row (from 1) of an export's headings, as the import mapping names them: `stated` (its header_row),
    unless another of the first rows holds more of the mapping's headings (this year's export without last
    year's title above them, or with one more line of it)."""
    counts = [sum(1 for v in row if v is not None and mapping_mod.heading_key(str(v)) in rename) for _, row in zip(range(TITLE_ROWS), rows)]
    if not counts or stated > len(counts):
        return stated
    best = max(range(len(counts)), key=lambda i: (counts[i], -abs(i + 1 - stated)))
    return best + 1 if counts[best] > counts[stated - 1] else stated


def heading_row_moved(label: str, stated: int, found: int) -> Problem:
    """The warning that an export's headings were read from another row than its mapping's header_row says."""
    return Problem(label, f"has its headings on row {found}, not row {stated} as the import mapping says: read from row {found}",
                   f"nothing to do if that is so; to say it, write header_row = {found} under the file in the mapping",
                   rows=(found,), row_count=1, severity="warning")


FOOTER_ROWS = 3  # how many lines of a report's footer below its data are recognised
_TAIL_BYTES = 1 << 16  # how much of a CSV's end is looked at for one
_TAIL_ROWS = 64  # rows held back by without_footer: a footer, the empty rows around it, and room


# A spreadsheet's totals row: its first filled cell says so, any other holds a number (Excel's table "Total Row",
# a SUM typed under a column). No record of a return is that: each has a service, an ethnicity, a yes or no.
_TOTAL_WORD = re.compile(r"(grand |sub ?)?totals?\b|count\b|sum\b", re.IGNORECASE)
_TOTAL_NUMBER = re.compile(r"[£$]?-?[\d,]*\.?\d+%?")


def _totals_row(row: Sequence[object] | None) -> bool:
    cells = [str(v).strip() for v in row or () if v is not None and str(v).strip()]
    return bool(cells) and bool(_TOTAL_WORD.match(cells[0])) and all(_TOTAL_NUMBER.fullmatch(c) for c in cells[1:])


def footer_rows(tail: Sequence[Sequence[object] | None]) -> int:
    """How many of a file's last filled rows are not records: a report's footer, as HR systems' reports end
    theirs ("Report run 02/04/2025 09:14 by HRIS", "Total records: 425"), below an empty row, at most
    FOOTER_ROWS rows of one filled cell each with only empty rows after them; and a spreadsheet's totals row
    (_totals_row), straight below the data or above such a footer. `tail`: the file's last rows, in order
    (None or no filled cell: an empty row). A data row with one filled cell would be refused anyway, so
    nothing a return needs is taken for a footer; the rows left out are said (footer_warning)."""
    filled = [sum(1 for v in row if v is not None and str(v).strip()) if row else 0 for row in tail]
    while filled and not filled[-1]:
        filled.pop()
    k = 0
    while k < len(filled) and filled[-1 - k] == 1:
        k += 1
    if not (1 <= k <= FOOTER_ROWS and k < len(filled) and not filled[-1 - k]):
        k = 0
    above = len(filled) - k - 1  # the last filled row above the footer, if any
    while above > 0 and not filled[above]:
        above -= 1
    return k + 1 if above > 0 and _totals_row(tail[above]) else k


def without_footer(rows: Iterator[Sequence[object]]) -> Iterator[Sequence[object]]:
    """`rows` (empty ones included, as a reader gives them) less a report's footer at their end (footer_rows)."""
    held: list[Sequence[object]] = []
    for row in rows:
        held.append(row)
        if len(held) > 4 * _TAIL_ROWS:
            yield from held[:-_TAIL_ROWS]
            del held[:-_TAIL_ROWS]
    k = footer_rows(held)
    while k:
        row = held.pop()
        k -= any(v is not None and str(v).strip() for v in row)
    yield from held


# A survey tool's second heading row: SurveyMonkey writes "Response" (or "Open-Ended Response") under each
# question's heading and nothing under its own first columns (Respondent ID, …). It is not a respondent.
_SUB_HEADINGS = frozenset({"response", "open-ended response"})


def sub_heading(row: Sequence[object] | None) -> bool:
    """Whether the row below the headings is a survey tool's second heading row (_SUB_HEADINGS)."""
    cells = [str(v).strip() if v is not None else "" for v in row or ()]
    return bool(cells) and not cells[0] and any(c.lower() in _SUB_HEADINGS for c in cells)


def _csv_sub_heading(path: Path, at: int, codec: str, sep: str = ",") -> tuple[int, str] | None:
    """Where a CSV's second heading row (sub_heading), which begins at byte `at`, ends, and its line end."""
    with path.open("rb") as f:
        f.seek(at)
        line = f.readline()
    try:
        row = next(csv.reader([line.decode(codec, errors="replace").rstrip("\r\n")], delimiter=sep), [])
    except csv.Error:
        return None
    return (at + len(line), "\r\n" if line.endswith(b"\r\n") else "\n") if sub_heading(row) else None


def footer_warning(label: str, rows: Sequence[tuple[int, str]]) -> Problem:
    """What is said of a footer left out: its rows and what they say, so that a data row taken for one is seen."""
    said = "; ".join(f"{text[:60]!r}" for _, text in rows)
    what = (("the totals row" + (" and the report's footer" if len(rows) > 1 else "")) if _TOTAL_WORD.match(rows[0][1])
            else "the report's footer")
    return Problem(label, f"{what} below the data ({said}) {'are' if ' and ' in what else 'is'} left out",
                   "if that is a row of the return, fill in its other columns", rows=tuple(n for n, _ in rows), row_count=len(rows),
                   severity="warning")


def _sheet_footer(arrow: Any, numbers: list[int]) -> list[tuple[int, str]]:
    """The rows of a sheet's footer (footer_rows), each with its number and text: the sheet's reader skips empty
    rows, so one is seen where the row numbers jump."""
    n = len(numbers)
    last = arrow.slice(max(0, n - FOOTER_ROWS - 2)).drop(["_row"]).to_pylist()  # a totals row, a footer, a row above
    tail: list[list[object] | None] = []
    for at, row in enumerate(last, start=n - len(last)):
        if tail and numbers[at] - numbers[at - 1] > 1:
            tail.append(None)
        tail.append(list(row.values()))
    k = footer_rows(tail)
    return [(numbers[n - k + i], next(str(v).strip() for v in row.values() if v is not None and str(v).strip()))
            for i, row in enumerate(last[len(last) - k:])] if k else []


_XML_CHUNK = 1 << 22
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b')  # a cell whose first child is its formula
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


@dataclass
class _Marks:
    """What a read-only openpyxl sheet does not say of its cells, read from the sheet's XML."""

    hidden: set[int] = field(default_factory=set)  # rows Excel hides (by a filter, or by hand)
    formulas: list[tuple[int, str]] = field(default_factory=list)  # (row, column letters) of cells holding a formula


def _sheet_marks(ws: Any, formulas: bool = False) -> _Marks:
    """The rows of a sheet Excel hides (a staff list filtered to social care and saved still holds everyone)
    and, when asked, its formula cells, in one pass over the sheet's XML. Empty if the XML cannot be read:
    a sheet openpyxl read is one this can read, and nothing is then said of either."""
    marks = _Marks()
    try:
        with ws._get_source() as src:
            tail = b""
            while True:
                chunk = src.read(_XML_CHUNK)
                data = tail + chunk
                cut = data.rfind(b"<") if chunk else len(data)  # a tag cut at the chunk's end is read with the next
                data, tail = data[:max(cut, 0)], data[max(cut, 0):]
                # each pattern only where a plain search finds its tag (a tenth of the time on a sheet without)
                if b'hidden="' in data:
                    marks.hidden.update(int(m.group(1)) for tag in _HIDDEN_ROW.finditer(data) if (m := _ROW_NUMBER.search(tag.group(0))))
                if formulas and (b"<f" in data or b":f" in data):
                    marks.formulas += [(int(m.group(2)), m.group(1).decode()) for c in _FORMULA_CELL.finditer(data)
                                       if (m := _CELL_REF.search(c.group(1)))]
                if not chunk:
                    return marks
    except Exception:
        return _Marks()


def _csv_footer(path: Path, codec: str, sep: str = ",") -> tuple[int, list[tuple[int, str]]] | None:
    """Where a CSV's footer (footer_rows) begins, in bytes (its empty row above), with the spreadsheet row and text
    of each of its rows; None without one. Only the file's last lines are parsed; its rows are counted (a quoted
    value may span lines) only when it has one."""
    start = max(0, path.stat().st_size - _TAIL_BYTES)
    with path.open("rb") as f:
        f.seek(start)
        raw = f.read()
    lines = raw.split(b"\n")  # the first may have begun before `start`: only the last few are parsed
    end = len(lines)
    while end and not lines[end - 1].strip(b' \t\r,;|"'):  # the empty rows at the end (Excel may write ",,,")
        end -= 1
    base = max(0, end - FOOTER_ROWS - 4)  # a totals row, a footer, the empty rows between and a data row above
    try:
        parsed = [next(csv.reader([line.decode(codec, errors="replace").strip("\r\ufeff")], delimiter=sep), []) for line in lines[base:end]]
    except csv.Error:
        return None
    k = footer_rows(parsed)
    if not k:
        return None
    filled = [i for i, row in enumerate(parsed) if any(v.strip() for v in row)]
    # up to the last data row (its empty rows after it go with the footer), or the footer's first line
    kept = filled[-k - 1] + 1 if len(filled) > k else filled[-k]
    cut = start + sum(len(line) + 1 for line in lines[:base + kept])
    try:
        with path.open(encoding=codec, newline="") as f:  # rows as a spreadsheet numbers them
            records = [(i, row) for i, row in enumerate(csv.reader(f, delimiter=sep), start=1) if any(v.strip() for v in row)]
    except csv.Error:
        return None
    return cut, [(i, next(v.strip() for v in row if v.strip())) for i, row in records[-k:]]


def csv_title(path: Path, label: str, stem: str) -> Problem | None:
    """A return's CSV with a report's title above its headings (title_above), said as one problem with its
    remedy, rather than as every contract column missing."""
    sep = file_separator(path)
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        try:
            row, title = title_above(csv.reader(f, delimiter=sep), stem)
        except csv.Error:
            return None
    return title_problem(label, stem, row, title)


TITLE_MAPPING = "say so in an import mapping, header_row = {row} under [{stem}] in mapping.toml (wres map writes one)"
TITLE_MAPPING_SAID = re.compile(re.escape(TITLE_MAPPING).replace(r"\{row\}", r"\d+").replace(r"\{stem\}", r"\w+"))  # (the web says its pages)


def title_problem(label: str, stem: str, row: int, title: str) -> Problem | None:
    """A report's title above a file's or sheet's headings (title_above), said once, with its remedy."""
    if row == 1:
        return None
    above = f"has a title on its first row ({title[:60]!r})" if title else "has an empty first row"
    return Problem(label, f"{above}, and its headings seem to be on row {row}",
                   f"{TITLE_MAPPING.format(row=row, stem=stem)}, "
                   f"or delete the rows above the headings (row{'s 1 to' if row > 2 else ''} {row - 1})", rows=(1,), row_count=1,
                   mappable=True)


def _read_csv(con: duckdb.DuckDBPyConnection, name: str, path: Path, rename: dict[str, tuple[str, ...]] | None = None, above: int = 0,
              keep: Keep | None = None, land: bool = False, fresh: bool = False) -> Source | Problem:
    """A CSV file, its headings on the first line or below `above` lines (the import mapping's header_row), with
    only the rows the mapping keeps (`keep`). A Windows-1252 file (wres.encoding), one separated by semicolons,
    tabs or bars (separator), one that ends in a report's footer (footer_rows), one with wrapped headings
    (_Header) or with a second heading row (sub_heading) is read from a UTF-8 copy separated by commas, without
    the footer, its headings on one line, landed (`land`) before the copy goes. A UTF-16 file is first copied
    as UTF-8 with the same lines, which is then read as any file is (`fresh`: a copy still to be looked at)."""
    size = path.stat().st_size
    if size == 0:
        return Problem(path.name, "is empty (no header row)", f"put the column names on the first row; see templates/{path.name}")
    looked = land and not fresh  # a copy made below: its encoding, separator, headings and footer are settled
    codec = encoding.of(path) if not looked and size <= encoding.LIMIT else None
    if codec == encoding.UTF16:  # every look below is at bytes of text a line end of which is one byte
        with tempfile.TemporaryDirectory(prefix="wres-") as folder:
            return _read_csv(con, name, encoding.utf8_copy(path, Path(folder), codec), rename, above, keep, land=True, fresh=True)
    sep = "," if looked else file_separator(path, codec or "utf-8-sig")
    moved = None
    if rename and above and codec and not looked:  # the mapping's header_row, as this file has its headings
        with path.open(encoding=codec, errors="replace", newline="") as f:
            found = mapped_heading_row(csv.reader(f, delimiter=sep), rename, above + 1)
        if found != above + 1:
            moved, above = heading_row_moved(path.name, above + 1, found), found - 1
    header = _csv_header(path, above, codec or "utf-8-sig", sep)
    if isinstance(header, Problem):
        return header
    if sep != "," and codec is None:  # not UTF-8 nor Windows-1252, or too large to copy
        return _not_utf8(path.name) if size <= encoding.LIMIT else Problem(
            path.name, f"is separated by {SEPARATOR_NAMES[sep]}, not commas, and is too large to be read so",
            'open it in Excel and "Save As" CSV UTF-8 (comma delimited)', rows=(above + 1,), row_count=1)
    footer = _csv_footer(path, codec, sep) if codec else None
    sub = _csv_sub_heading(path, header.end, codec, sep) if codec else None
    # lines that end in different ways (a title, or rows, added in another program): from a copy whose lines all end one way
    mixed = bool(codec) and _rows_end_both_ways(path)
    if codec == encoding.WINDOWS or footer or (codec and header.wrapped) or sub or sep != "," or mixed:
        # the headings on one line; a second heading row as an empty one (DuckDB skips it, and rows keep their numbers)
        replace = (header.at, sub[0] if sub else header.end, header.one_line() + (sub[1] if sub else "")) if header.wrapped or sub else None
        with tempfile.TemporaryDirectory(prefix="wres-") as folder:
            try:
                copy = encoding.utf8_copy(path, Path(folder), codec, footer[0] if footer else None, replace, sep, one_line_end=mixed)
            except csv.Error as exc:
                return Problem(path.name, f"could not be read as values separated by {SEPARATOR_NAMES[sep]} ({exc})",
                               'close any quotes left open, or open it in Excel and "Save As" CSV UTF-8 (comma delimited)')
            src = _read_csv(con, name, copy, rename, above, keep, land=True)
        if isinstance(src, Source):
            src.warnings += [moved] if moved else []
            src.path = path  # the copy is gone: validate looks at the file itself for a title above the headings
            src.warnings[:0] = ([encoding.read_as_windows(path.name)] if codec == encoding.WINDOWS else []) + (
                [footer_warning(path.name, footer[1])] if footer else [])
        return src
    if header.wrapped:  # over encoding.LIMIT: not copied
        return Problem(path.name, "has headings over several lines (wrapped in Excel with Alt+Enter)",
                       "put each heading on one line (Find and Replace a line break, Ctrl+J, with a space), then save it again",
                       rows=(above + 1,), row_count=1)
    headers = header.names
    if not any(h.strip() for h in headers):
        return Problem(path.name, "has no header row", "put the column names on the first row", rows=(above + 1,), row_count=1)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(headers))) + "}"
    rel = (
        f"read_csv({sql_str(str(path))}, header=true, auto_detect=false, columns={columns}, delim=',', "
        "quote='\"', escape='\"', strict_mode=true" + (f", skip={above}" if above else "") + ")"
    )
    try:
        wanted = _wanted(name)
        # (a file whose codec is known, or a copy wres wrote, has been read through already: not again)
        if (wanted is not None and not {c for los in _aliases([mapping_mod.heading_key(h) for h in headers], rename or {}) for c in los} - {""} <= wanted
                and not (codec or land or encoding.utf8(path))):
            # Not UTF-8 somewhere, perhaps in a column not landed: let DuckDB read every column to say where.
            con.execute("SELECT " + ", ".join(f"max(length(c{i}))" for i in range(len(headers))) + f" FROM {rel}").fetchall()
            return _not_utf8(path.name)
        src = _text_table(con, name, path.name, rel, "rowid + 2", headers, path, rename, [f"c{i}" for i in range(len(headers))], above, keep, land)
        if isinstance(src, Source):
            src.warnings += [moved] if moved else []
            unnamed = _unnamed(con, path.name, rel, headers, above)
            # a report's title taken for the headings leaves its columns unnamed: the title is said (validate), not they
            src.warnings += unnamed if not unnamed or above or csv_title(path, path.name, name) is None else []
        return src
    except duckdb.Error as exc:  # a row too long for a report's title taken for the headings: the title is said
        return (None if above else csv_title(path, path.name, name)) or _csv_problem(path.name, exc, path)


def _unnamed(con: duckdb.DuckDBPyConnection, label: str, rel: str, headers: list[str], above: int) -> list[Problem]:
    """A CSV's columns with no heading are not read. Excel saves empty ones after the data where cells were
    formatted (",,," at each row's end), which need no word; one that holds values is said, so that a column
    whose heading was lost is seen."""
    blank = [i for i, h in enumerate(headers) if not h.strip()]
    if not blank:
        return []
    counts = con.execute("SELECT " + ", ".join(f"count(NULLIF(TRIM(c{i}), ''))" for i in blank) + f" FROM {rel}").fetchall()[0]
    return [Problem(label, f"column {i + 1} has {n:,} value{'s' if n != 1 else ''} but no heading: {'they are' if n != 1 else 'it is'} not read",
                    "give it a heading if it is one of the return's columns, or delete it", rows=(above + 1,), row_count=1, severity="warning")
            for i, n in zip(blank, counts) if n]


def _read_parquet(con: duckdb.DuckDBPyConnection, name: str, path: Path, rename: dict[str, tuple[str, ...]] | None = None,
                  keep: Keep | None = None) -> Source | Problem:
    try:
        return _text_table(con, name, path.name, f"read_parquet({sql_str(str(path))})", "rowid + 2", path=path, rename=rename, keep=keep)
    except duckdb.Error as exc:
        return _parquet_problem(path.name, exc, path)


def _line_ends(path: Path) -> int:
    """How many line ends a file holds, counted by numpy over the file mapped into memory (a vectorised pass
    at several GB a second, a megabyte at a time; bytes.count takes four times as long)."""
    import mmap

    import numpy as np

    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        data = np.frombuffer(m, np.uint8)
        try:
            return sum(int(np.count_nonzero(data[i:i + (1 << 20)] == 10)) for i in range(0, len(data), 1 << 20))
        finally:
            del data  # the map cannot close while an array still views it


def _over_limits(con: duckdb.DuckDBPyConnection, path: Path) -> Problem | None:
    """A CSV or Parquet file over the reading limits, found before it is read: its size (a Parquet file's as
    its metadata gives it unpacked) and its rows. Cheap: a CSV big enough to hold more rows than the limit has
    its line ends counted (_line_ends: 20 ms per 100 MB) and only one with too many lines is counted by
    DuckDB (a value in quotes may span lines); a Parquet file's rows are in its footer.
    A file that cannot be read this way is left to its reader, which says what is wrong with it.
    """
    size_limit, row_limit = limits.max_unpacked_bytes(), limits.max_rows()
    over_size = Problem(path.name, f"is more than {limits.megabytes(size_limit)}, more than a return's file may hold",
                        "check that it holds only the return's records; a larger return is sent as the aggregated counts.csv, "
                        "or ask the programme team about it")
    size = path.stat().st_size
    if size > size_limit:
        return over_size
    try:
        if path.suffix.lower() == ".parquet":
            rows, unpacked = con.execute(
                f"SELECT (SELECT sum(num_rows) FROM parquet_file_metadata({sql_str(str(path))})), "
                f"(SELECT sum(total_uncompressed_size) FROM parquet_metadata({sql_str(str(path))}))").fetchall()[0]
            if (unpacked or 0) > size_limit:
                return over_size
            return too_many_rows(path.name, row_limit) if (rows or 0) > row_limit else None
        if size <= 2 * row_limit:  # every row takes at least two bytes (a value and its line end)
            return None
        if _line_ends(path) <= row_limit:
            return None
        rows = con.execute(f"SELECT count(*) FROM read_csv({sql_str(str(path))}, header=true, all_varchar=true, strict_mode=false)").fetchall()[0][0]
        return too_many_rows(path.name, row_limit) if rows > row_limit else None
    except duckdb.Error:
        return None


def _parquet_problem(label: str, exc: Exception, path: Path | None = None) -> Problem:
    return Problem(label, f"could not be read as Parquet ({_reason(exc, path)})", "write it again with a Parquet writer, or send CSV")


def _reason(exc: Exception, path: Path | None) -> str:
    """What DuckDB says is wrong with a file it could not read, as a user may be shown it: its reason, without
    the kind of error it leads with ("Invalid Input Error: ", "TProtocolException: "), and with the file's
    name for its full path (in the web service, a path on the server)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else "unreadable"
    if "CSV Error on Line" in text:  # DuckDB's first line only names the row (given apart): its reason comes after the row's text
        reasons = [line for line in lines[1:] if not line.startswith(("Original Line", "Possible fixes", "*"))]
        text = reasons[0].rstrip(".") if reasons else "a row it could not read"
    text = re.sub(r"^(?:(?:[A-Z][A-Za-z]* )*Error|\w*Exception): ", "", text)
    if path is not None:
        text = text.replace(str(path), path.name).replace(str(path.parent) + "/", "")
    return text


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def cell(v: object) -> str | None:
    """A workbook cell as the text a CSV of it would hold."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a Compound File: an old .xls, or any Office file saved with a password
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # the stream a password-protected .xlsx keeps its workbook in
SAVE_AS_XLSX = 'open it in Excel and "Save As" Excel Workbook (.xlsx)'
DAMAGED_FIX = f"{SAVE_AS_XLSX}; if Excel cannot open it either, export it again from your system"


def _password_protected(path: Path) -> bool:
    """Whether a Compound File holds an encrypted Office package (its directory names the EncryptedPackage
    stream) rather than an old .xls. Read in chunks, overlapping so a name split across two is still found."""
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            if _ENCRYPTED_PACKAGE in tail + chunk:
                return True
            tail = chunk[-len(_ENCRYPTED_PACKAGE):]
    return False


def workbook_problem(path: Path) -> Problem | None:
    """Why a workbook cannot be read, found before openpyxl opens it; None if it may be read.

    An .xlsx is a zip. One saved with a password is not (it is an encrypted Compound File, as is an old
    .xls); one whose parts declare more than the unpacked limit is refused unread: CPython's zipfile never
    yields more of a part than the part declares (ZipExtFile cuts its output at file_size), so the
    declared sizes bound what reading can unpack. Parts compressed other than as Excel does (stored or
    deflated) are refused too: another method would unpack a whole chunk at once, however large.
    """
    try:
        with path.open("rb") as f:
            head = f.read(len(OLE2_MAGIC))
        if head == OLE2_MAGIC:
            if _password_protected(path):
                return Problem(path.name, "is protected by a password, so it cannot be read",
                               "open it in Excel, remove the password (File, Info, Protect Workbook, Encrypt with Password: "
                               "clear the password) and save it again as .xlsx")
            return Problem(path.name, "is an Excel 97-2003 workbook (.xls), which cannot be read", SAVE_AS_XLSX)
        with zipfile.ZipFile(path) as zf:
            parts = zf.infolist()
    except OSError:
        return Problem(path.name, "could not be opened", "check that the file is there and that you may read it")
    except Exception:  # zipfile raises several kinds (BadZipFile, ValueError, EOFError…) for a file that is not a zip
        return Problem(path.name, "is not an Excel workbook (.xlsx): it may be damaged, or another kind of file renamed", DAMAGED_FIX)
    if any(p.flag_bits & 0x1 for p in parts):
        return Problem(path.name, "is encrypted, so it cannot be read", "save it again from Excel as .xlsx without a password")
    if any(p.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for p in parts):
        return Problem(path.name, "is packed in a way Excel does not use, so it cannot be read", DAMAGED_FIX)
    limit = limits.max_unpacked_bytes()
    too_big = Problem(path.name, f"unpacks to more than {limits.megabytes(limit)}, more than a return may hold",
                      "check that it holds only the return's sheets; a larger return is sent as CSV files or as the aggregated "
                      "counts.csv, or ask the programme team about it")
    if sum(p.file_size for p in parts) > limit:
        return too_big
    # Sheets are streamed; every other part openpyxl reads (the text cells share, the styles) is held whole,
    # as Python objects several times its size: each is held to a fifth of the limit. A part is a sheet by
    # the content type the workbook declares for it, which is how openpyxl finds its parts too.
    streamed = _worksheet_parts(path, parts)
    if streamed is None:
        return Problem(path.name, "is not an Excel workbook (.xlsx): it may be damaged, or another kind of file renamed", DAMAGED_FIX)
    if any(p.file_size > limit // 5 for p in parts if p.filename not in streamed):
        return too_big
    return None


def unpacked_size(path: Path) -> int:
    """What a workbook's parts declare they unpack to, in bytes (a workbook workbook_problem lets through)."""
    with zipfile.ZipFile(path) as zf:
        return sum(p.file_size for p in zf.infolist())


_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_WORKBOOK = re.compile(r"application/vnd\.(?:openxmlformats-officedocument\.spreadsheetml|ms-excel)\.[\w.]*main\+xml")
_RECALCULATED = re.compile(rb'<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad="(?:1|true)"')


def _content_types(path: Path, parts: list[zipfile.ZipInfo]) -> dict[str, str] | None:
    """Each part a workbook's [Content_Types].xml declares, with its type; None if it has no readable one."""
    import xml.etree.ElementTree as ET

    types = next((p for p in parts if p.filename == "[Content_Types].xml"), None)
    if types is None or types.file_size > 1 << 20:  # a few kilobytes in any real workbook
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            root = ET.fromstring(zf.read(types))
    except Exception:  # a damaged zip or XML: several kinds
        return None
    return {(e.get("PartName") or "").lstrip("/"): e.get("ContentType") or "" for e in root if e.tag.endswith("}Override")}


def _worksheet_parts(path: Path, parts: list[zipfile.ZipInfo]) -> set[str] | None:
    """The parts a workbook's [Content_Types].xml declares to be worksheets; None if it has no readable one."""
    types = _content_types(path, parts)
    return None if types is None else {part for part, kind in types.items() if kind == _WORKSHEET}


def recalculated_on_opening(path: Path) -> bool:
    """Whether a workbook asks Excel to work out every formula when it opens (calcPr fullCalcOnLoad), as a
    program that writes formulas without their results does; Excel drops the request when it saves. Read
    from the XML: openpyxl takes the request as made when the workbook says nothing of it."""
    try:
        with zipfile.ZipFile(path) as zf:
            types = _content_types(path, zf.infolist()) or {}
            main = next((part for part, kind in types.items() if _WORKBOOK.fullmatch(kind)), None)
            return main is not None and _RECALCULATED.search(zf.read(main)) is not None
    except Exception:  # a workbook openpyxl opened is one this can read; if not, nothing is said of formulas
        return False


class Refused(Exception):
    """Reading a sheet stopped: it is damaged, or over a limit. Carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def sheet_rows(ws: Any, label: str, min_row: int = 1, max_col: int | None = None,
               styled: bool = False) -> Iterator[tuple[object, ...]]:
    """A sheet's rows (values; with `styled`, its cells, which carry their number format), streamed, stopped
    with Refused past the sheet row limit or where the reader fails (openpyxl raises many kinds on a damaged
    file). A row the sheet skips counts, since openpyxl yields it empty: a hand-made sheet can jump to row
    2,000,000,000 in a few bytes. Only the reading is guarded, so a fault in wres's own handling of a row is
    still a fault, not "damaged".
    """
    limit = limits.max_sheet_rows()
    # The sheet's own rows, not the size its <dimension> claims: openpyxl would otherwise pad every row to a
    # claimed 16,384 columns, and stop at a claimed last row, dropping any rows below it unsaid.
    ws.reset_dimensions()
    rows = ws.iter_rows(min_row=min_row, max_col=max_col, values_only=not styled)
    number = min_row - 1  # the row a spreadsheet shows
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise Refused(Problem(label, "could not be read: the workbook may be damaged", DAMAGED_FIX)) from exc
        number += 1
        if number - 1 > limit:
            raise Refused(too_many_rows(label, limit))
        yield row


def sheet_width(label: str, header: tuple[object, ...] | None) -> int | Problem:
    """How many columns of a sheet to read: up to its last heading, and at most limits.MAX_COLUMNS."""
    if header is None or all(h is None for h in header):
        return Problem(label, "is empty (no header row)", "put the column names on the first row")
    width = max(i for i, h in enumerate(header) if h is not None) + 1
    if width > limits.MAX_COLUMNS:
        return Problem(label, f"has {width:,} columns, more than a return may hold ({limits.MAX_COLUMNS:,})",
                       "delete the columns the return does not use, and any stray value far to the right of the headings", rows=(1,), row_count=1)
    return width


def too_many_rows(label: str, limit: int) -> Problem:
    """The problem of a file or sheet over the row limit (a sheet is also held to Excel's own)."""
    excel = " (Excel's own limit)" if limit == limits.EXCEL_ROWS else ""
    instead = "as CSV files or " if limit < limits.max_rows() else ""  # a sheet held to Excel's limit: CSV files hold more
    return Problem(label, f"has more than {limit:,} rows{excel}, more than a return may hold",
                   "check that it holds only the return's records, with no rows left from another export; a larger return "
                   f"is sent {instead}as the aggregated counts.csv, or ask the programme team about it")


_BATCH = 65_536  # rows of cells held as Python objects before they are packed into Arrow (compact) columns


def _percent_cell(c: Any) -> object:
    """A cell's value, a number Excel shows as a percentage written as it shows it ("27.5%", not 0.275): what
    typing 27.5% into Excel stores, and how a survey's published result is written in counts."""
    v = c.value
    if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in (c.number_format or ""):
        return f"{v * 100:.10g}%"
    return v


def _sheet(ws: Any, label: str, first: int = 1, percents: bool = False) -> tuple[list[str], Any, list[int]] | Problem:
    """A sheet's headings (on row `first`: the import mapping's header_row), its cells as an Arrow table of
    text (with _row) and its row numbers. With `percents`, a number formatted as a percentage is read as
    its text with its % sign (only the counts sheet asks: reading each cell's format costs every row).

    Read streaming, row by row, and at most the sheet row limit (sheet_rows raises Refused past it). Cells
    are packed into Arrow every _BATCH rows, so a sheet holds its text compactly, not as millions of Python
    strings. Only columns up to the last heading are read, so a header's width bounds each row's cost.
    """
    import pyarrow as pa

    header = next(sheet_rows(ws, label, min_row=first), None)
    width = sheet_width(label, header)
    if isinstance(width, Problem):
        return width
    heads = [cell(h) or f"column{i + 1}" for i, h in enumerate(header[:width])]  # type: ignore[index]
    batches: list[pa.RecordBatch] = []
    numbers: list[int] = []
    data: list[list[str | None]] = [[] for _ in heads]
    names = ["_row", *(f"c{i}" for i in range(width))]  # positional: headings may repeat (said later)

    def pack() -> None:
        batches.append(pa.RecordBatch.from_arrays([pa.array(numbers[-len(data[0]):], pa.int64()), *(pa.array(c, pa.string()) for c in data)], names=names))
        for col in data:
            col.clear()

    for number, row in enumerate(sheet_rows(ws, label, min_row=first + 1, max_col=width, styled=percents), start=first + 1):
        if percents:
            row = tuple(_percent_cell(c) for c in row)
        if row.count(None) == len(row):  # an empty row (a C loop: a skipped row costs little however wide)
            continue
        cells = [cell(v) for v in row]
        cells += [None] * (width - len(cells))
        numbers.append(number)
        for col, c in zip(data, cells):
            col.append(c)
        if len(data[0]) >= _BATCH:
            pack()
    if data[0] or not batches:
        pack()
    return heads, pa.Table.from_batches(batches), numbers


def _read_workbook(ret: Return, path: Path, only: dict[str, str | None] | None = None) -> None:
    """A return's workbook (a sheet per file), or with `only` a council's export: {file: its sheet, None for the first}."""
    import openpyxl  # only workbooks pay for it
    from openpyxl.utils import get_column_letter

    problem = workbook_problem(path)
    if problem is not None:
        _keep(ret, "*", problem)
        return
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a bad file
        _keep(ret, "*", Problem(path.name, "is not a workbook Excel can read: it may be damaged", DAMAGED_FIX))
        return
    try:
        sheets = {s.strip().lower(): s for s in wb.sheetnames}
        recalculated = recalculated_on_opening(path)
        named = {} if ret.mapping is None else {  # the mapping may name the sheet that holds a file
            stem: fm.sheet for stem, fm in ret.mapping.files.items() if fm.sheet and (only is not None and stem in only or not fm.file)}
        for stem, sheet in named.items():
            if sheet not in wb.sheetnames:
                _keep(ret, stem, Problem(path.name, f'has no sheet "{sheet}", which {ret.mapping.label} gives as the {stem} sheet',  # type: ignore[union-attr]
                                         f"correct sheet under [{stem}] (this workbook's sheets: {', '.join(wb.sheetnames)})"))
        sheets |= {stem: sheet for stem, sheet in named.items() if sheet in wb.sheetnames}
        if only is not None:  # a council's export: the sheet the mapping names, else one named as the file, else its first
            chosen = {stem: named.get(stem) or sheets.get(stem) or wb.sheetnames[0] for stem in only}
            sheets = {stem: sheet for stem, sheet in chosen.items() if sheet in wb.sheetnames}
        settings: dict[str, tuple[str, list[str], list[list[str | None]], list[int]]] = {}
        for name in KNOWN + SETTINGS_SHEETS:
            if name not in sheets:
                continue
            label = f"{path.name}, sheet {sheets[name]}"
            rename = ret.mapping.renames(name) if ret.mapping else {}
            first = stated = ret.mapping.header_row(name) if ret.mapping else 1
            try:
                if rename and stated > 1:  # the mapping's header_row, as this sheet has its headings
                    first = mapped_heading_row(sheet_rows(wb[sheets[name]], label), rename, stated)
                read = _sheet(wb[sheets[name]], label, first, percents=name == "counts")
            except Refused as refused:
                read = refused.problem
            if isinstance(read, Problem):
                _keep(ret, name, read)
                continue
            heads, arrow, row_numbers = read
            marks = _sheet_marks(wb[sheets[name]], formulas=recalculated)
            unsaved = _unsaved(label, name, heads, rename, ret.mapping.keep(name) if ret.mapping else None, marks.formulas, set(row_numbers))
            if unsaved:
                ret.problems += unsaved[:-1]
                _keep(ret, name, unsaved[-1])
                continue
            footer = _sheet_footer(arrow, row_numbers) if name not in SETTINGS_SHEETS else []
            if footer:
                arrow, row_numbers = arrow.slice(0, len(row_numbers) - len(footer)), row_numbers[:-len(footer)]
            if (name not in SETTINGS_SHEETS and row_numbers and row_numbers[0] == first + 1
                    and sub_heading(list(arrow.slice(0, 1).drop(["_row"]).to_pylist()[0].values()))):
                arrow, row_numbers = arrow.slice(1), row_numbers[1:]
            if name in SETTINGS_SHEETS:
                settings[name] = (label, heads, [arrow.column(f"c{i}").to_pylist() for i in range(len(heads))], row_numbers)
                continue
            ret.con.register(f"arrow_{name}", arrow)
            src = _text_table(ret.con, name, label, f"arrow_{name}", "_row", ["_row", *heads], rename=rename,
                              keep=ret.mapping.keep(name) if ret.mapping else None)
            ret.con.unregister(f"arrow_{name}")
            del arrow
            if isinstance(src, Source):
                src.shown = {c: f"{mapping_mod.tidy_heading(h)} ({get_column_letter(i + 1)}{f', as {c}' if len(cs) > 1 else ''})" for i, h in enumerate(heads)
                             for cs in [rename.get(mapping_mod.heading_key(h)) or (mapping_mod.heading_key(h),)] for c in cs}
                src.book = path
                src.warnings[:0] = [footer_warning(label, footer)] if footer else []
                src.warnings += [heading_row_moved(label, stated, first)] if first != stated else []
                src.above = first - 1  # the rows above the headings: a missing column is said of the headings' row
                hidden = sorted(marks.hidden & set(row_numbers))
                if hidden:
                    src.warnings.append(Problem(
                        label, f"{len(hidden):,} row{'s' if len(hidden) != 1 else ''} hidden in Excel (by a filter, or by hand) "
                        f"{'are' if len(hidden) != 1 else 'is'} read like the others",
                        "if they are not the return's, delete them: hiding a row does not take it out", rows=tuple(hidden[:ROWS_SHOWN]),
                        row_count=len(hidden), severity="warning"))
                if not (ret.mapping and stated > 1):
                    src.title = title_problem(label, name, *title_above(sheet_rows(wb[sheets[name]], label), name))
            _keep(ret, name, src)
        if only is None:  # a sheet named for a file of the return but not as one ("Leavers 2024-25"): said, never read unseen
            for sheet in wb.sheetnames:
                named_as = sheet.strip().lower() in (*KNOWN, *SETTINGS_SHEETS) or sheet in named.values()
                stem = None if named_as else mapping_mod.file_named(sheet)
                if stem is not None and stem not in sheets:
                    ret.problems.append(Problem(f"{path.name}, sheet {sheet}", "is not named as a sheet of the return, so it was not read",
                                                f"if it holds the {stem} file, rename the sheet {stem}", severity="warning"))
        if "organisation" in settings and ret.organisation is None:
            _organisation_sheet(ret, settings["organisation"], settings.get("pay_bands"))
        elif ret.organisation is None and only is None:
            ret.problems.append(Problem(path.name, "has no organisation sheet", ORGANISATION_SHEET_FIX))
    finally:
        wb.close()


UNSAVED_FIX = ("open the workbook in Excel (or LibreOffice Calc) and save it, so each formula's result is saved with it; "
               "or write the values in place of the formulas")


def _unsaved(label: str, name: str, heads: list[str], rename: dict[str, tuple[str, ...]], keep: Keep | None,
             formulas: list[tuple[int, str]], rows: set[int]) -> list[Problem]:
    """The problems of a sheet whose formulas have no saved result, a column each, in the columns wres reads.

    A program (openpyxl, xlsxwriter, a report writer) can write formulas and leave their results for Excel to
    work out when it opens the workbook (it asks Excel to, fullCalcOnLoad): such a cell reads as empty, or as
    the 0 xlsxwriter puts there, never as the value Excel shows. Asked only of such a workbook: Excel saves a
    result with every formula, and removes the request when it saves."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    lowered = [mapping_mod.tidy_heading(h).lower() for h in heads]
    wanted = _wanted(name)
    read = {i for i, (lo, los) in enumerate(zip(lowered, _aliases(lowered, rename)))
            if name in SETTINGS_SHEETS or (keep is not None and lo in keep.rows)
            or any(c and (wanted is None or c in wanted or mapping_mod.row_column(name, c)) for c in los)}
    by_column: dict[int, list[int]] = {}
    for r, letters in formulas:
        if r in rows and (i := column_index_from_string(letters) - 1) in read:
            by_column.setdefault(i, []).append(r)
    return [Problem(label, f"holds {len(found):,} formula{'s' if len(found) != 1 else ''} whose result{'s were' if len(found) != 1 else ' was'} "
                    "never saved in the workbook: a program wrote it, leaving Excel to work them out when it opens, so wres cannot read "
                    "what Excel would show", UNSAVED_FIX, f"{mapping_mod.tidy_heading(heads[i])} ({get_column_letter(i + 1)})",
                    tuple(found[:ROWS_SHOWN]), len(found)) for i, found in sorted(by_column.items()) for found in [sorted(set(found))]]


# A workbook's settings: the organisation sheet stands in for organisation.toml, the pay_bands sheet for its
# [[pay_bands]] (one row a band: label, below).
SETTINGS_SHEETS = ("organisation", "pay_bands")
ORGANISATION_SHEET_FIX = ("add a sheet named organisation with two columns, setting and value, and a row each for name, "
                          "period_start and period_end (as in templates/organisation.toml; sponsors.adults for a [sponsors] table's adults)")
_SHEET = tuple[str, list[str], list[list[str | None]], list[int]]  # label, headings, columns of cells, row numbers


def _organisation_sheet(ret: Return, sheet: _SHEET, bands: _SHEET | None) -> None:
    """Every setting organisation.toml takes, from a sheet of rows `setting | value` (a heading row optional).

    A table of the TOML file is a dotted setting (sponsors.adults, governance.steering_group); pay bands come
    from the pay_bands sheet. Problems name the cell that holds the value.
    """
    label, heads, data, numbers = sheet
    if len(heads) < 2:
        ret.problems.append(Problem(label, "needs two columns: setting and value", ORGANISATION_SHEET_FIX, rows=(1,), row_count=1))
        return
    rows = list(zip(numbers, data[0], data[1]))
    if heads[0].strip().lower().replace(" ", "_") in org_mod.SETTINGS:  # no heading row: row 1 is a setting
        rows.insert(0, (1, heads[0], heads[1] if not heads[1].startswith("column") else None))
    values: dict[str, object] = {}
    cells: dict[str, str] = {}
    for number, key, value in rows:
        if not key or value is None:
            continue
        path = [k.strip().lower().replace(" ", "_") for k in key.split(".")]
        target = values
        for part in path[:-1]:
            nested = target.setdefault(part, {})
            if not isinstance(nested, dict):
                ret.problems.append(Problem(f"{label}, cell A{number}", f"{key} is given both as one value and as a table", "keep one of the two rows"))
                return
            target = nested
        target[path[-1]] = value
        cells[".".join(path)] = f"B{number}"
    if bands is not None:
        b_label, b_heads, b_data, b_numbers = bands
        cols = {h.strip().lower(): c for h, c in zip(b_heads, b_data)}
        values["pay_bands"] = [{"label": lab, "below": below} for lab, below in zip(cols.get("label", []), cols.get("below", [None] * len(b_numbers)))]
        cells.update({f"pay_bands.{i}": f"row {n}" for i, n in enumerate(b_numbers)})

    def where(field: str) -> str:
        """The cell of a setting (or of the table it is in); the sheet itself for a missing one."""
        parts = field.split(".")
        for k in range(len(parts), 0, -1):
            at = cells.get(".".join(parts[:k]))
            if at is not None:
                return f"{bands[0]}, {at}" if parts[0] == "pay_bands" and bands else f"{label}, cell {at}"
        return bands[0] if parts[0] == "pay_bands" and bands else label

    ret.organisation, problems = org_mod.parse(values, label, where)
    ret.problems.extend(problems)


def replace_source(ret: Return, name: str, path: Path, label: str) -> None:
    """Read `path` (a CSV in the contract's own words) as the return's `name` file in place of any it had: the
    staff survey the web service ran stands in for the return's survey.csv. The return's own file, and what
    reading it found, are set aside; the new file is read, checked and counted exactly as the return's own."""
    own = ret.sources.pop(name, None)
    if own is not None:
        own.release(ret.con)
    labels = {own.label.lower()} if own is not None else {f"{name}.csv", f"{name}.parquet"}
    ret.problems = [p for p in ret.problems if p.file.lower() not in labels and not p.file.lower().endswith(f", sheet {name}")]
    ret.unreadable.discard(name)
    src = _read_csv(ret.con, name, path)
    if isinstance(src, Source):
        src.label = label
    else:
        src = replace(src, file=label)
    _keep(ret, name, src)


def _keep(ret: Return, name: str, src: Source | Problem) -> None:
    if isinstance(src, Problem):
        ret.problems.append(src)
        ret.unreadable.add(name)
    else:
        ret.sources[src.name] = src
        ret.problems += src.warnings


def _small(path: Path, limit: int = 8 << 20) -> bool:
    """Under a few MB threads cost more than they save (most returns: one authority's year)."""
    try:
        files = [path] if path.is_file() else list(path.iterdir())
        return sum(f.stat().st_size for f in files if f.is_file()) < limit
    except OSError:
        return True


_small_db: duckdb.DuckDBPyConnection | None = None  # the main thread's; see _connection
_inherited: list[duckdb.DuckDBPyConnection] = []


def _after_fork() -> None:
    """A forked worker (wres national reads returns in a process pool) opens its own database: one copied by
    fork is kept unused and never torn down, as DuckDB's state is not to be shared across a fork."""
    global _small_db
    if _small_db is not None:
        _inherited.append(_small_db)
    _small_db = None


os.register_at_fork(after_in_child=_after_fork)


def _connection(small: bool) -> duckdb.DuckDBPyConnection:
    """A connection of its own for one return. A small return's is a cursor on one single-threaded in-memory
    database kept by the main thread: opening a DuckDB database costs about 20 ms, as much as reading and
    checking a small return, and a national run reads hundreds. Everything a return creates (tables, views,
    ENUM types) is TEMP, so it is the cursor's alone and goes with it.

    Only the main thread keeps one (the CLI, a national run's forked workers, the web worker): a database held
    by another thread would be torn down in a child forked from the process (the web service checks an upload
    in one), where thread states are cleared, and DuckDB crashes tearing down a copy of its state."""
    if not small:
        return duckdb.connect()
    if threading.current_thread() is not threading.main_thread():
        con = duckdb.connect(config={"threads": 1})
    else:
        global _small_db
        if _small_db is None:
            _small_db = duckdb.connect(config={"threads": 1})
        con = _small_db.cursor()
    # A setting is a connection's own (a cursor is one): each small return's is set afresh.
    con.execute(SMALL_SETTINGS)
    return con


# For a small return DuckDB's query optimiser costs more than it saves: its statements are wide (a CASE per
# column, a count per check) over a few hundred rows, so planning them, not running them, is most of their
# time; without the optimiser the demo's statements take about a sixth less CPU (20,000 staff, 5 MB: no
# slower). The results are the same either way (DuckDB's own tests run queries both ways); only the plan
# differs, and for the rows of a small return any plan is quick.
SMALL_SETTINGS = "PRAGMA disable_optimizer"


def _old_xls(path: Path) -> Problem:
    """An .xls file that is not what its name says (workbook_problem finds a real one): said as an .xls all the same."""
    return Problem(path.name, "is not an Excel workbook wres can read (only .xlsx is read)", SAVE_AS_XLSX)


# Spreadsheets wres cannot read, surely sent to be read: what each is, and how to save it as one it can
UNREAD_BOOKS = {
    ".xls": None,  # workbook_problem, else _old_xls
    ".ods": ("is an OpenDocument spreadsheet (.ods), which cannot be read",
             'open it in LibreOffice Calc (or Excel) and "Save As" Excel 2007-365 (.xlsx), or each sheet as CSV UTF-8'),
    ".numbers": ("is an Apple Numbers spreadsheet, which cannot be read", "in Numbers, File > Export To > Excel (.xlsx)"),
}


def _unread_book(path: Path) -> Problem:
    """What is said of a spreadsheet of a kind wres cannot read (UNREAD_BOOKS)."""
    said = UNREAD_BOOKS[path.suffix.lower()]
    return Problem(path.name, *said) if said else workbook_problem(path) or _old_xls(path)


TEXT_SUFFIXES = (".txt", ".tsv", ".tab")  # text a spreadsheet saves, tab-separated: read as CSV once renamed

NOT_READ = "is not one of the return's files, so it was not read"


def command_word(path: Path) -> str:
    """A path as a command told to the user writes it: in double quotes where it has a space or a sign a shell
    reads, which Windows' cmd and PowerShell and a Unix shell all take (a POSIX shell's single quotes are not)."""
    text = str(path)
    return text if re.fullmatch(r"[\w./:\\~-]+", text) else f'"{text}"'


def _not_read(path: Path, root: Path) -> Problem:
    """A data file in the folder that is none of the return's files: most often the HR system's own export."""
    return Problem(path.name, NOT_READ,
                   f"if it is your system's export, wres map {command_word(root)} suggests how to read it (its mapping.toml); "
                   "otherwise name it as the file it is (staff.csv, leavers.csv, …) or move it out of the folder", severity="warning")


def read_return(path: Path, con: duckdb.DuckDBPyConnection | None = None, mapping: Path | None = None) -> Return:
    """Read what is there; problems found while reading are collected, not raised.

    A council's own exports are read through an import mapping: `mapping`, else the return's mapping.toml.
    """
    path = Path(path)
    con = con or _connection(_small(path))
    if not path.exists():
        ret = Return(path, con)
        _keep(ret, "*", Problem(str(path), "does not exist", "give the folder (or .xlsx workbook) that holds the return"))
        return ret
    root = path if path.is_dir() else path.parent
    ret = Return(root, con)
    toml = root / org_mod.FILE
    if toml.is_file():
        ret.organisation, problems = org_mod.load(toml)
        ret.problems.extend(problems)
    mapping_file = Path(mapping) if mapping is not None else root / mapping_mod.FILE
    if mapping is not None or mapping_file.is_file():
        ret.mapping, problems = mapping_mod.load(mapping_file)
        ret.problems.extend(problems)
        if ret.mapping is None:  # unreadable: the exports it names cannot be found, and would each be "missing"
            ret.unreadable.add("*")
            return ret

    workbooks = [path] if path.is_file() else sorted(p for p in root.glob("*.xlsx") if not p.name.startswith("~$"))
    exported_book = ret.mapping.stems_for(path.name) if ret.mapping is not None and path.is_file() else []
    if ret.mapping is not None and path.is_file():  # a return workbook: the mapping's exports are not in it
        ret.mapping = mapping_mod.without_exports(ret.mapping, [path.name])
    if exported_book and path.suffix.lower() == ".xlsx":  # an export workbook given itself, its mapping beside it
        _read_workbook(ret, path, dict.fromkeys(exported_book))
        workbooks = []
    elif path.is_file() and path.suffix.lower() in UNREAD_BOOKS:  # an old workbook, one saved with a password, an .ods
        _keep(ret, "*", _unread_book(path))
        return ret
    elif path.is_file() and path.suffix.lower() != ".xlsx":
        _keep(ret, "*", Problem(path.name, "is not a return", "give a folder of CSV or Parquet files, or one .xlsx workbook"))
        return ret
    if path.is_dir():
        by_stem: dict[str, Path] = {}
        for p in sorted(root.iterdir()):
            stem = p.stem.strip().lower()
            if p.suffix.lower() in (".csv", ".parquet") and stem in KNOWN:
                if stem in by_stem:
                    ret.problems.append(Problem(p.name, f"and {by_stem[stem].name} are both in the return", "keep one of the two"))
                    continue
                by_stem[stem] = p
        # Excel saves "Text (Tab delimited)" and "Unicode Text" as .txt (other programs, .tsv or .tab): meant to be
        # read, and readable as CSV
        ret.problems += [Problem(p.name, f"is a text file named as the return's {p.stem.strip().lower()} file, but only .csv files are read",
                                 f'rename it {p.stem.strip().lower()}.csv (text Excel saves, tab-separated or "Unicode", is read as CSV)')
                         for p in sorted(root.iterdir()) if p.suffix.lower() in TEXT_SUFFIXES and p.stem.strip().lower() in KNOWN
                         and p.stem.strip().lower() not in by_stem]
        exported: dict[str, Path] = {}
        if ret.mapping is not None:  # the council's exports, by the names the mapping gives them
            # a file the return holds under the contract's name (or a return workbook's sheets) is read as it is
            present = {*by_stem, *(KNOWN if workbooks else ())}
            exported, problems = ret.mapping.exports(root, present)
            ret.mapping = mapping_mod.without_exports(ret.mapping, [p.name for p in root.iterdir()])
            ret.problems.extend(problems)
            for stem, p in exported.items():
                if by_stem.get(stem, p) != p:
                    ret.problems.append(Problem(p.name, f"and {by_stem[stem].name} are both in the return as the {stem} file", "keep one of the two"))
                elif p.suffix.lower() in (".csv", ".parquet"):
                    by_stem[stem] = p
                elif p.suffix.lower() != ".xlsx":
                    ret.problems.append(Problem(p.name, "is not a CSV, Parquet or Excel file", "save the export from Excel as CSV UTF-8 or .xlsx"))
            books = {p for p in exported.values() if p.suffix.lower() == ".xlsx"}
            workbooks = [w for w in workbooks if w not in books]
            for book in sorted(books):
                _read_workbook(ret, book, {stem: ret.mapping.files[stem].sheet for stem, p in exported.items() if p == book})
        # A file of the return saved as a workbook of its own (staff.xlsx beside CSV files, or a workbook a file):
        # read as that file, from its sheet of that name or else its first, as an export workbook is
        own_books = {stem: p for p in workbooks for stem in [p.stem.strip().lower()] if stem in KNOWN and stem not in exported}
        if own_books and not by_stem and len(own_books) < len(workbooks):  # staff.xlsx beside a return's workbook: which is it?
            return _more_than_one_workbook(ret, root)
        for stem, p in own_books.items():
            if stem in by_stem:
                ret.problems.append(Problem(p.name, f"and {by_stem[stem].name} are both in the return", "keep one of the two"))
            else:
                _read_workbook(ret, p, {stem: None})
        workbooks = [w for w in workbooks if w not in own_books.values()]
        # An .xls was surely sent to be read: an error, unless the return's files are there beside it
        ret.problems += [replace(_unread_book(p), severity="warning" if by_stem else "error") for p in sorted(root.iterdir())
                         if p.suffix.lower() in UNREAD_BOOKS and p.is_file() and not p.name.startswith("~$")]
        used = {*by_stem.values(), *exported.values(), *([] if by_stem or own_books else workbooks)}
        ret.problems += [_not_read(p, root) for p in sorted(root.iterdir())
                         if p.suffix.lower() in (".csv", ".parquet", ".xlsx") and p not in used and not p.name.startswith("~$")
                         and p.stem.strip().lower() not in KNOWN]
        for stem, p in by_stem.items():
            m = ret.mapping
            if p.suffix.lower() == ".parquet":
                _keep(ret, stem, _over_limits(con, p) or _read_parquet(con, stem, p, m.renames(stem) if m else None, m.keep(stem) if m else None))
            else:
                _keep(ret, stem, _over_limits(con, p) or _read_csv(con, stem, p, m.renames(stem) if m else None, m.header_row(stem) - 1 if m else 0,
                                                                   m.keep(stem) if m else None))
        if len(workbooks) > 1 and not by_stem and not own_books:
            return _more_than_one_workbook(ret, root)
        if by_stem or own_books:
            workbooks = []
    for wb in workbooks:
        _read_workbook(ret, wb)

    if "*" in ret.unreadable:
        return ret
    counts = ret.sources.get("counts")
    if counts is not None and counts.rows == 0 and any(n in ret.sources for n in RECORD_FILES):
        # the aggregated route's blank template left beside the record files: the records are the return
        del ret.sources["counts"]
        ret.problems.append(Problem(counts.label, "has no rows, so the record files are read instead",
                                    "delete the empty counts.csv: it is only for a return that gives counts instead of records", severity="warning"))
    _survey_as_counts(ret)
    if ret.organisation is None and not workbooks and not any(p.file.startswith(org_mod.FILE) for p in ret.problems):
        ret.problems.append(
            Problem(org_mod.FILE, "is missing", "add organisation.toml with name, period_start and period_end (see templates/organisation.toml)")
        )
    return ret


def _more_than_one_workbook(ret: Return, root: Path) -> Return:
    _keep(ret, "*", Problem(root.name, "holds more than one workbook", "keep one .xlsx workbook per return, or give its path"))
    return ret


def _survey_as_counts(ret: Return) -> None:
    """counts.csv beside the record files holding only the staff survey's metrics: the records are the return,
    and counts.csv gives its survey figures (ret.survey_counts). An NHS trust has the Staff Survey's results,
    not its respondents; a council's survey may come the same way from the company that ran it. Any other
    counts.csv is the whole return, and the record files beside it are not read (validate says so)."""
    src = ret.sources.get("counts")
    if src is None or ret.organisation is None or "metric" not in src.columns or not any(n in ret.sources for n in RECORD_FILES):
        return
    survey = {m.id.lower() for m in ret.organisation.standard.metrics if m.kind == "survey"}
    given = {str(m).strip().lower() for (m,) in ret.con.execute(f'SELECT DISTINCT metric FROM {src.table} WHERE metric IS NOT NULL').fetchall()} - {""}
    if not given or not given <= survey:
        return
    ret.survey_counts = ret.sources.pop("counts")
    if "survey" in ret.sources:
        ret.problems.append(Problem(src.label, f"gives the staff survey's figures, and so does {ret.sources['survey'].label}",
                                    "keep one: survey.csv of the respondents' answers, or counts.csv of the survey's figures"))


def ethnicity_mapping(ret: Return) -> tuple[dict[str, str], list[Problem]]:
    """The authority's local codes: ethnicity_map.csv with columns local_value, ethnicity."""
    src = ret.sources.get("ethnicity_map")
    if src is None:
        return {}, []
    missing = [c for c in ("local_value", "ethnicity") if c not in src.columns]
    if missing:
        return {}, [Problem(src.label, f"has no column {m}", "give two columns: local_value, ethnicity", column=m, rows=(1,), row_count=1) for m in missing]
    rows = ret.con.execute(f"SELECT _row, local_value, ethnicity FROM {src.table} WHERE local_value IS NOT NULL ORDER BY _row").fetchall()
    return {normalise(str(local)): (eth or "") for _, local, eth in rows}, []
