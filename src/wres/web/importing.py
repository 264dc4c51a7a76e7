"""An authority's import mapping in the web service: kept, applied to its uploads, and worked out page by page.

The mapping itself (what it says, how it is read, suggested and written) is wres.mapping's; this module
only keeps it for an authority, puts it beside a staged return (read.py reads a return's mapping.toml),
and gathers what the mapping pages show: each staged file's headings and the spellings the contract does
not know. It imports nothing of web.returns, which uses it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wres import ethnicity, mapping, read, schema
from wres.problems import Problem
from wres.read import KNOWN, RECORD_FILES, SETTINGS_SHEETS
from wres.standards import Standard
from wres.web.models import Authority, ImportMapping

FILE = mapping.FILE  # mapping.toml, as read.py looks for it beside a return
# The files a council exports from its own systems: the record files (counts.csv, the ethnicity map and
# the action plan are written for wres, in its own words).
MAPPED = RECORD_FILES  # every standard's record files: what a mapping may name


def mapped_files(standard: Standard) -> tuple[str, ...]:
    """The record files of a return of this standard, in its order: what its mapping pages match."""
    return tuple(s for s in standard.files if s in MAPPED)


def columns_of(stem: str, standard: Standard) -> tuple[Any, ...]:
    """A file's columns in this standard (every standard's, for a file it does not have)."""
    return schema.files(standard).get(stem) or schema.all_columns(stem)
MAX_BYTES = 1 << 20  # an uploaded mapping.toml: a few kB in practice

def saved(authority: Authority) -> str | None:
    """The authority's saved mapping (mapping.toml text), or None."""
    found = ImportMapping.objects.filter(authority=authority).values_list("text", flat=True).first()
    return found or None


def can_help(errors: list[Problem], path: Path | None) -> bool:
    """Whether the mapping pages could fix some of these errors of the staged return at `path` (so its files
    are worth keeping): a heading or spelling of the export's own, or a missing file beside one of its own name."""
    if path is None:
        return False
    if any(p.mappable for p in errors):  # a heading or spelling of the export's own (validate decides which)
        return True
    return path.is_dir() and bool(unnamed(path)) and any(p.message == "is missing" and p.file.endswith(".csv") for p in errors)


@dataclass(frozen=True)
class Own:
    """An export of a staged return under a name of its own: a CSV file, or a sheet of an export workbook."""

    path: Path
    sheet: str | None = None

    @property
    def name(self) -> str:
        """How the pages name it: "HR export March 2025.csv", "HR export 2025.xlsx, sheet Employees"."""
        return self.path.name + (f", sheet {self.sheet}" if self.sheet is not None else "")

    def matches(self, fm: mapping.FileMap) -> bool:
        """Whether a mapping's file (its `file` glob, and `sheet` for a workbook's) is this export."""
        return bool(fm.file) and fnmatch.fnmatch(self.path.name.lower(), fm.file.lower()) and (self.sheet is None or fm.sheet == self.sheet)

    def export(self, m: mapping.Mapping | None = None, stem: str | None = None) -> tuple[list[mapping.Export], list[Problem]]:
        """Its headings and values (mapping.read_export), of the rows `m` keeps for `stem` if it says; nothing
        from one too large for the pages (too_large)."""
        if too_large(self.path):
            return [], [Problem(self.name, f"is too large for these pages to read (over {PAGES_BYTES >> 20} MB)",
                                "match it with `wres map` on your own computer, then upload the mapping on the Import mapping page")]
        exports, trouble = mapping.read_export(self.path, m, stem)
        return [e for e in exports if e.sheet == self.sheet], trouble


def unnamed(path: Path) -> list[Own]:
    """The exports of a staged (unzipped) return under names of their own that the pages can read: CSV files
    not named as a file of the return, and the sheets of a workbook that are not named as one (a return's own
    workbook has sheets named as its files, and its settings sheets; staff.xlsx is the staff file, _own_book)."""
    if not path.is_dir():
        return []
    own = [Own(p) for p in sorted(path.iterdir()) if p.suffix.lower() == ".csv" and p.stem.strip().lower() not in KNOWN and not too_large(p)]
    for book in sorted(p for p in path.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$")
                       and p.stem.strip().lower() not in KNOWN):
        own += [Own(book, sheet) for sheet in _filled_sheets(book) if sheet.strip().lower() not in (*KNOWN, *SETTINGS_SHEETS)]
    return own


# The pages read an export in the web process, without the limits the upload's check runs with (its time and
# memory), on every page: one larger than this (a council's is a few MB) is not read there. `wres map` reads
# it on the analyst's own machine.
PAGES_BYTES = 64 << 20


def too_large(path: Path) -> bool:
    """Whether an export is too large for the pages to read: a CSV as it lies, a workbook unpacked."""
    return (read.unpacked_size(path) if path.suffix.lower() == ".xlsx" else path.stat().st_size) > PAGES_BYTES


def _own_book(book: Path, stem: str) -> Own:
    """A file of the return saved as a workbook of its own (staff.xlsx): its sheet named as the file, else its
    first, as the return's reader takes it (read.read_return)."""
    sheets = _filled_sheets(book)
    return Own(book, next((s for s in sheets if s.strip().lower() == stem), sheets[0] if sheets else None))


def _filled_sheets(book: Path) -> list[str]:
    """The sheets of a workbook with anything in their first rows (the headings, perhaps below a title): only
    their names are read, as every mapping page asks. One that cannot be read is said by the return's check,
    one too large for the pages is not offered."""
    import openpyxl

    if read.workbook_problem(book) is not None or too_large(book):
        return []
    try:
        wb = openpyxl.load_workbook(book, read_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        return []
    try:
        return [ws.title for ws in wb.worksheets
                if any(v is not None for row in ws.iter_rows(max_row=read.TITLE_ROWS, values_only=True) for v in row)]
    finally:
        wb.close()


def names_a_file(text: str | None) -> Callable[[str], bool]:
    """Whether the mapping (mapping.toml text) says a file of this name is one of the return's."""
    found = parse(text)[0] if text else None
    globs = [fm.file.lower() for fm in found.files.values() if fm.file] if found else []
    return lambda name: any(fnmatch.fnmatch(name.lower(), g) for g in globs)


def staged_return(staging: Path) -> Path | None:
    """The return inside a staging folder, as the pipeline reads it: the unzipped folder, or the workbook."""
    if (staging / "return").is_dir():
        return staging / "return"
    books = sorted(staging.glob("*.xlsx")) if staging.is_dir() else []
    return books[0] if len(books) == 1 else None


def place(path: Path, text: str | None) -> None:
    """Put the mapping beside a staged return, where read.py finds it (or take an earlier one away)."""
    target = (path if path.is_dir() else path.parent) / FILE
    if text:
        target.write_text(text, encoding="utf-8")
    else:
        target.unlink(missing_ok=True)


def parse(text: str, standard: Standard | None = None) -> tuple[mapping.Mapping | None, list[Problem]]:
    """A mapping from TOML text, read as `wres` reads mapping.toml; a broken one is a list of problems.
    Given the authority's standard, a value mapped to one the standard does not accept is one too."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / FILE).write_text(text, encoding="utf-8")
        found, problems = mapping.load(Path(tmp) / FILE)
    return found, problems + (_targets(found, standard) if found is not None and standard is not None else [])


def _targets(m: mapping.Mapping, standard: Standard) -> list[Problem]:
    """Every mapped value must be one the contract accepts (a "TODO" is a decision still to make)."""
    problems = []
    for stem, fm in m.files.items():
        kinds = {c.name: c.kind for c in schema.all_columns(stem)}
        for col, table in fm.values.items():
            if col not in kinds:
                continue
            accepted = {normalise_choice(v) for v, _ in choices(kinds[col], standard, col)}
            for spelling, target in table.items():
                if kinds[col] == "ethnicity" and ethnicity.classify(target) is not None and target.strip():
                    continue
                if normalise_choice(target) not in accepted:
                    problems.append(Problem(m.label, f'[{stem}.values.{col}] gives "{spelling}" as "{target}", which is not a value of {col}',
                                            "write one of " + ", ".join(v for v, _ in choices(kinds[col], standard, col)[:8]), column=f"[{stem}.values.{col}]"))
    return problems


def normalise_choice(value: str) -> str:
    return ethnicity.normalise(value)


def choices(kind: str, standard: Standard, column: str = "") -> list[tuple[str, str]]:
    """The contract's values of a categorical kind in the authority's standard, as (value written in the
    mapping, what a page shows): its breakdown parts, the answers of the column's survey scale."""
    if kind == "service":
        return [(p.spelling, p.label) for p in standard.breakdown.parts]
    if kind == "bool":
        return [("yes", "Yes"), ("no", "No")]
    if kind == "answer":
        scale = standard.scales.get(column) or next(iter(standard.answer_words), "")
        return [(w, w) for w in standard.answer_words.get(scale, ())]
    if kind == "band" and standard.bands_from == "labels":
        return [(b.label, b.label) for b in standard.default_bands] + [(b, b) for b in standard.excluded_bands]
    if kind == "status":
        return [(s, s.capitalize()) for s in schema.STATUSES]
    if kind == "ethnicity":  # the ONS 2021 labels (the census's short forms), then "not stated"
        rows = [r for r in ethnicity.labels() if r.label_set == "ons2021" and r.label and not r.label.endswith(" background")]
        return [*dict.fromkeys((r.label, f"{r.heading}: {r.label}" if r.heading else r.label) for r in rows), ("Not stated", "Not stated")]
    return []


# ---------------------------------------------------------------------------------------------------------
# What the mapping pages show, from the staged files


@dataclass
class StagedFile:
    """One contract file of a staged upload, as its export spells it."""

    stem: str
    export: mapping.Export
    label: str  # how the pages name it: "staff.csv" or "Return.xlsx, sheet staff"
    own: Own | None = None  # an export of its own naming, read again through the rows a suggestion keeps (suggest)


def staged_files(path: Path, standard: Standard, m: mapping.Mapping | None = None) -> tuple[list[StagedFile], list[Problem]]:
    """The record files of a staged return (a folder of CSVs or a workbook with a sheet per file), with the
    files of its own names that the mapping `m` says are one of them."""
    found: list[StagedFile] = []
    problems: list[Problem] = []
    mapped = mapped_files(standard)
    if path.is_dir():
        named = {p.stem.strip().lower(): Own(p) for p in sorted(path.iterdir()) if p.suffix.lower() == ".csv" and p.stem.strip().lower() in mapped}
        named |= {stem: _own_book(p, stem) for p in sorted(path.iterdir()) for stem in [p.stem.strip().lower()]
                  if p.suffix.lower() == ".xlsx" and stem in mapped and stem not in named}
        own = unnamed(path)
        for stem, fm in (m.files.items() if m is not None else ()):  # as read.py finds them by the mapping's `file` (and `sheet`)
            hits = [o for o in own if o.matches(fm)]
            if stem in mapped and stem not in named and len(hits) == 1:
                named[stem] = hits[0]
        for stem, o in named.items():
            exports, trouble = o.export(m, stem)
            problems += trouble
            found += [StagedFile(stem, e, o.name, o) for e in exports]
    else:
        exports, trouble = mapping.read_export(path)
        problems += trouble
        found += [StagedFile(e.sheet.strip().lower(), e, f"{path.name}, sheet {e.sheet}") for e in exports
                  if e.sheet and e.sheet.strip().lower() in mapped]
    order = {s: i for i, s in enumerate(mapped)}
    return sorted(found, key=lambda f: order[f.stem]), problems


def guess(own: Own, standard: Standard) -> str:
    """Which file of the return an export of its own naming looks like (as wres.mapping.suggest guesses it
    from its name, its sheet's and its headings), or "" when it cannot tell."""
    exports, _ = own.export()
    stems = list(mapping.suggest(exports[:1], standard=standard).mapping.files) if exports else []
    return stems[0] if len(stems) == 1 and stems[0] in mapped_files(standard) else ""


def draft(files: list[StagedFile], base: mapping.Mapping | None, standard: Standard) -> mapping.Mapping:
    """The mapping the pages start from: the authority's own, plus wres's suggestions for what is new."""
    current = base or mapping.Mapping()
    for f in files:
        current = suggest(f, current, standard)
    return current


def suggest(f: StagedFile, m: mapping.Mapping, standard: Standard) -> mapping.Mapping:
    """wres.mapping.suggest for one staged file, by the authority's standard's columns and values: `m` as it
    is, plus what is new in this export. Where it newly keeps only some of a CSV's rows (an ER casework export's
    disciplinary cases), the file is read again through them, as `wres map` does, so that only the kept rows'
    spellings are asked about."""
    had = m.files[f.stem].file if f.stem in m.files else None
    first = mapping.suggest([f.export], m, file=f.stem, standard=standard)
    if first.kept and f.own is not None:
        exports, trouble = f.own.export(first.mapping, f.stem)
        if exports and not trouble:
            f.export = exports[0]
            first = mapping.suggest([f.export], m, file=f.stem, standard=standard, kept=first.rows_kept())
    out = first.mapping
    if f.export.sheet is not None:  # a sheet is found by its sheet's name in the workbook the files page chose (or
        out.files[f.stem].file = had  # the uploaded one), whatever it is called next year: suggest would pin this year's name
    return out


def column_of(export: mapping.Export, heading: str) -> str | None:
    """The export's heading as it spells it, for a heading the mapping gives (case and spaces aside)."""
    return next((h for h in export.headings if h.strip().lower() == heading.strip().lower()), None)


def values_to_decide(f: StagedFile, m: mapping.Mapping) -> dict[str, list[tuple[str, str]]]:
    """Contract column → the export's spellings the mapping has an entry for (what the values page asks
    about), with the entry: suggested ones, TODOs and decisions kept from before, as long as the export
    holds the spelling. A blank ("") stands for the column's blank cells."""
    fm = m.files.get(f.stem)
    if fm is None:
        return {}
    # a spelling still to decide here that another file's page answered for the same column ("Early Help" in
    # leavers.csv, answered in staff.csv): that answer is offered, not asked again from nothing
    answered = {k: t for k, (_, t) in mapping.answered_elsewhere(m, f.stem).items()}
    out: dict[str, list[tuple[str, str]]] = {}
    for col, table in fm.values.items():
        heading = column_of(f.export, fm.columns.get(col, col))
        if heading is None:
            continue
        present = {ethnicity.normalise(v) for v in f.export.values.get(heading, [])}
        if f.export.blanks.get(heading):
            present.add("")
        rows = [(spelling, answered.get((col, ethnicity.normalise(spelling)), target) if target == mapping.TODO else target)
                for spelling, target in table.items() if ethnicity.normalise(spelling) in present]
        if rows:
            out[col] = rows
    return out


def rows_to_decide(f: StagedFile, m: mapping.Mapping, standard: Standard | None = None) -> mapping.RowsQuestion | None:
    """The first question of the export's rows the mapping does not answer yet (wres.mapping.rows_questions: a
    staff export's "Assignment Status" of Terminated beside Active; a "Directorate" of Housing beside Adult
    Social Care). The rows page asks; nothing here decides."""
    fm = m.files.get(f.stem)
    if fm is None:
        return None
    given = {c.name: c.name for c in schema.all_columns(f.stem)} | fm.columns
    return next((q for q in mapping.rows_questions(f.stem, f.export, given, standard) if q.heading not in fm.rows), None)


def summary(m: mapping.Mapping, standard: Standard) -> list[dict[str, Any]]:
    """A mapping as the pages list it: per file, its columns and its values."""
    out = []
    for stem in (s for s in mapping.MAPPABLE if s in m.files):
        fm = m.files[stem]
        # an ER casework export's employee numbers only: its rows' ethnicity and service are staff.csv's
        looked_up = [c.name for c in columns_of(stem, standard)
                     if "staff_id" in fm.columns and c.name not in fm.columns and schema.from_staff(stem, c.kind)]
        out.append({
            "stem": stem,
            "file": fm.file, "sheet": fm.sheet, "header_row": fm.header_row, "date_order": fm.date_order, "rows": fm.rows,
            "columns": [(c.name, fm.columns[c.name]) for c in columns_of(stem, standard) if c.name in fm.columns],
            "values": [(col, sorted(table.items(), key=lambda kv: kv[0].lower())) for col, table in fm.values.items() if table],
            "from_staff": f"No heading for {' or '.join(looked_up)}: {schema.taken_from_staff(looked_up)}." if looked_up else "",
        })
    return out
