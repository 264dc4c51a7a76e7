"""Check a return and collect every problem; build the typed tables (t_<file> views) counts.py reads.

Each file is read through once, straight into a typed table (b_<file>) whose rowid is the row number.
Categorical columns are classified once per distinct spelling, in Python, and looked up by an ENUM. Each
check is then a set-based query over the typed table (no Python loop over rows): one pass counts every
check of a file, and rows are listed only for the checks that fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from wres import date_spellings, ethnicity, schema
from wres import mapping as mapping_mod
from wres.ethnicity import classify, normalise
from wres.dates import long_date
from wres.dates import period as period_words
from wres.problems import ROWS_SHOWN, TYPED_CONTROL, Problem
from wres.read import (
    RECORD_FILES,
    Return,
    Source,
    csv_title,
    sql_str,
    ethnicity_mapping,
    with_rows,
)
from wres.mapping import ANY_VALUE, TODO
from wres.schema import PLAN_FILES, Column, Kind, all_columns, files
from wres.standards import Standard, available, load
from wres.suggest import Suggester

VALUES_SHOWN = 20
_SQL_TYPE = {"id": "VARCHAR", "text": "VARCHAR", "ethnicity": "VARCHAR", "service": "VARCHAR", "band": "VARCHAR",
             "bool": "BOOLEAN", "answer": "BOOLEAN", "date": "DATE", "salary": "DOUBLE", "status": "VARCHAR",
             "metric_list": "VARCHAR"}


def _metric_list(standard: Standard) -> Callable[[str], str | None]:
    """'m3; M7a' → 'M3;M7a'; None if any part is not one of the standard's metric ids.

    As plans are typed: ids separated by ; , / & + or "and"; an id written out ("Metric 2", "Indicator 7");
    "All" (or "All metrics") for every one. Each spelling names one id, so nothing is guessed."""
    noun = standard.words.get("metric", "metric")
    ids = {m.lower(): m for m in standard.metric_ids} | {  # "metric 7a" → M7a, "indicator 2" → 2: the id less its letters
        f"{word}{re.sub(r'^[a-z]+(?=[0-9])', '', m.lower())}": m for m in standard.metric_ids for word in {"metric", noun}}
    every = {"all", f"all{noun}s", "allmetrics"}

    def read(value: str) -> str | None:
        if normalise(value) in every:
            return ";".join(standard.metric_ids)
        parts = [normalise(p) for p in re.split(r"[;,/&+]|\band\b", value, flags=re.IGNORECASE)]
        if not parts or any(p not in ids for p in parts):
            return None
        return ";".join(dict.fromkeys(ids[p] for p in parts))
    return read


def standard_of(ret: Return | None) -> Standard:
    """The return's standard (organisation.toml's `standard`). Without settings that could be read, the standard
    whose staff file has every column the return's staff file has (else the default): its files are then still
    checked in their own words, beside the problem with the settings."""
    if ret is not None and ret.organisation is not None:
        return ret.organisation.standard
    staff = ret.sources.get("staff") if ret is not None else None
    if staff is not None:
        for sid in available():
            if {c.name for c in load(sid).files.get("staff", ()) if c.required} <= set(staff.columns):
                return load(sid)
    return load()


# A survey answer that is given but counted in neither numerator nor denominator ("Don't know"): typed empty,
# as an unanswered question is, but not an unrecognised spelling.
EXCLUDED = "excluded"


def breakdown_words(standard: Standard) -> dict[str, str]:
    """Every spelling (normalised) of the standard's breakdown parts → the part's id."""
    return {normalise(w): p.id for p in standard.breakdown.parts for w in (p.id, *p.values)}


def _answer_words(standard: Standard, column: str | None) -> dict[str, bool | str]:
    """A survey question's scale: spelling (normalised) → at least once / yes (True), never / no (False) or
    EXCLUDED; every scale of the standard for a column it does not name."""
    scale = standard.scales.get(column or "")
    scales = [scale] if scale else list(standard.answers)
    return {w: (EXCLUDED if a is None else a) for s in scales for w, a in standard.answers.get(s, {}).items()}


@dataclass
class Checked:
    """A return after validation: its problems, and typed tables (t_<file>) where the file was usable."""

    ret: Return
    problems: list[Problem] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass(frozen=True)
class _Check:
    condition: str  # SQL over the typed table: true on a bad row
    column: str | None
    message: str  # for one value: may use {value}
    fix: str
    by_value: str | None = None  # the raw column: one problem per distinct bad value
    severity: str = "error"
    suggest: str | None = None  # with by_value, the kind of value: its nearest accepted spellings lead the fix
    explain: Callable[[str], tuple[str, str] | None] | None = None  # with by_value, (message, fix) that depend on the value
    near: dict[str, str] | None = None  # with suggest: the accepted spellings (normalised → as written) to suggest from
    blank: bool = False  # a cell that must be filled is empty: an empty row (",,,,,") may be why


# The kinds of value an import mapping can translate ([<file>.values.<column>]): a spelling of these that the
# contract does not know is a problem the mapping could put right.
MAPPABLE = ("ethnicity", "service", "bool", "answer", "status", "band")


def _mappable(kind: str | None, standard: Standard) -> bool:
    """Whether an import mapping can say what a spelling of this kind means: a band only where the standard's
    bands are its own labels (elsewhere the band is the organisation's, from the salary)."""
    return kind in MAPPABLE and (kind != "band" or standard.bands_from == "labels")

MIN_SALARY = 1_000  # pounds a year: less is no full-time annual salary
MAX_SALARY = 1_000_000  # pounds a year: more is an identifier pasted in, or Excel's 1E+25, in social care or the NHS
THOUSANDS = r"-?\d{1,3}(,\d{3})+(\.\d*)?"  # how commas may stand in a salary: between thousands
IN_THOUSANDS = r"\d+(\.\d+)? ?[kK]"  # a salary in thousands as typed by hand: "35k", "31.5K"
PER_YEAR = r"\s*(p\.? ?a\.?|per annum|a year|per year|/ ?(year|yr|annum))$"  # "£35,000 pa": every salary is a year's
GBP = r"^GBP\s*|\s*GBP$"  # the currency as SAP SuccessFactors writes it: "31,586.00 GBP"

# What DuckDB raises for a file it cannot read (a stray comma, not UTF-8, not Parquet); anything else it
# raises is a fault of ours and is not dressed up as one of the file's.
READ_ERRORS = (duckdb.InvalidInputException, duckdb.IOException)


def _file_fault(exc: duckdb.Error) -> bool:
    """A fault in the file being read, not in wres's SQL: DuckDB's input and IO errors, and the plain Error a
    damaged Parquet file raises part-way through (a Thrift decoding error: "TProtocolException: Invalid data")."""
    return isinstance(exc, READ_ERRORS) or type(exc) is duckdb.Error

# A file's vocabularies come from its first rows; a spelling first met further down costs one more pass.
SAMPLE_ROWS = 100_000


def _distinct(ret: Return, src: Source, cols: list[str], limit: int | None, dates: tuple[str, ...] = ()) -> dict[str, set[str]]:
    """The distinct values of several columns in one pass (over the first `limit` rows only, if given), and a
    sample of the spellings of each date column (from which its commonest spelling is found) in the same pass:
    each further query of a file read as it streams costs a new opening of the file."""
    if not cols and not dates:
        return {}
    rel = src.table if limit is None else f"(SELECT {', '.join([*cols, *dates])} FROM {src.table} LIMIT {limit})"
    # read lands categorical columns as given: each distinct spelling is trimmed, not each row (a fifth faster)
    lists = [f"list_filter(list_distinct(list_transform(list(DISTINCT {c}), lambda v: NULLIF(TRIM(v), ''))), lambda v: v IS NOT NULL)"
             for c in cols]
    lists += [f"(list(DISTINCT {d}) FILTER (WHERE {d} IS NOT NULL))[1:{date_spellings.SAMPLE}]" for d in dates]
    row = ret.con.execute(f"SELECT {', '.join(lists)} FROM {rel}").fetchall()[0]
    return {c: set(v or []) for c, v in zip([*cols, *dates], row)}


def _literal(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else sql_str(str(value))


def _lookup(raw: str, pairs: list[tuple[str, Any]], sql_type: str) -> str:
    """SQL for a categorical value: each recognised spelling, classified once in Python, found through an ENUM.

    Unlike a join to a table of spellings, an expression keeps the file's row order, so the typed table's
    rowid is the row number. An unrecognised spelling (not in the ENUM) gives NULL. The ENUM is written into
    the expression rather than created as a type: a statement fewer per column (a tenth of a small return's
    time went on those statements), and nothing left to replace when a file is typed again.
    """
    known = sorted((v, x) for v, x in pairs if x is not None)
    if not known:
        return f"NULL::{sql_type}"
    enum = f"ENUM ({', '.join(sql_str(v) for v, _ in known)})"
    # as given first (nearly every row), trimmed only where that fails (CASE and COALESCE evaluate lazily)
    code = f"COALESCE(enum_code(TRY_CAST({raw} AS {enum})), enum_code(TRY_CAST(TRIM({raw}) AS {enum})))"
    return f"[{', '.join(_literal(x) for _, x in known)}][{code} + 1]"


def _band_expr(ret: Return) -> str:
    """The pay band of a salary, from the organisation's bands (lowest first)."""
    assert ret.organisation is not None
    whens = " ".join(
        f"WHEN annual_salary < {b.below} THEN {sql_str(b.label)}" for b in ret.organisation.bands if b.below is not None
    )
    return f"CASE WHEN annual_salary IS NULL THEN NULL {whens} ELSE {sql_str(ret.organisation.bands[-1].label)} END"


# How each categorical kind is read: the lookup of one (trimmed) spelling, its SQL type, and the message
# for a spelling it does not know.
# An ethnicity is classified (wres.ethnicity) and typed as the id of the standard's group of that classification.
def _classifier(kind: Kind, column: str | None, ret: Return | None, mapping: dict[str, str],
                standard: Standard) -> tuple[Callable[[str], Any], str, str]:
    if kind == "ethnicity":
        group = {g.classification: g.id for g in standard.groups}
        return lambda v: group.get(classify(v, mapping)), "VARCHAR", '"{value}" is not a recognised ethnicity'  # type: ignore[arg-type]
    if kind == "service":
        parts = breakdown_words(standard)
        said = standard.words.get("breakdown_value", f"a value of {standard.breakdown.column}")
        return lambda v: parts.get(normalise(v)), "VARCHAR", f'"{{value}}" is not {said}'
    if kind == "bool":
        words = schema.bool_words(column)
        return lambda v: words.get(normalise(v)), "BOOLEAN", '"{value}" is not yes or no'
    if kind == "answer":
        answers = _answer_words(standard, column)
        return lambda v: answers.get(normalise(v)), "BOOLEAN", '"{value}" is not on the survey scale'
    if kind == "band":
        return _band_lookup(ret, standard), "VARCHAR", '"{value}" is not a pay band'
    if kind == "status":
        return lambda v: schema.STATUS_WORDS.get(normalise(v)), "VARCHAR", '"{value}" is not a status'
    if kind == "metric_list":
        return _metric_list(standard), "VARCHAR", '"{value}" names a metric that does not exist'
    raise KeyError(kind)


def _status_named(message: str) -> Callable[[str], tuple[str, str] | None]:
    """How a plan's word for more than one status is said ("In progress": under way, so on track, at risk or off
    track), with the statuses it may be; None for any other word."""
    def explain(value: str) -> tuple[str, str] | None:
        says = schema.STATUS_SAYS.get(normalise(value))
        if says is None:
            return None
        what, statuses = says
        return (f"{message.format(value=value)}: an action {what} is {', '.join(statuses[:-1])} or {statuses[-1]}",
                "write which it is as the action stands (green, amber or red are read as those)")
    return explain


def recognised(kind: Kind, value: str, standard: Standard | None = None, column: str | None = None) -> Any:
    """The contract's value of one spelling of a categorical kind, or None: what the import mapping may map to.

    Without a standard (a mapping is written before the return says its standard), a spelling any standard
    reads is recognised. A pay band is the organisation's, so it is checked where a return is read, not here,
    unless the standard's bands are its own labels (the NHS's Agenda for Change).
    """
    if kind == "band":
        return _band_lookup(None, standard)(value) if standard is not None and standard.bands_from == "labels" else None
    for std in [standard] if standard is not None else [load(i) for i in available()]:
        value_of = _classifier(kind, column, None, {}, std)[0](value)
        if value_of is not None:
            return value_of
    return None


def _mapped(kind: str, lookup: Callable[[str], Any], local: dict[str, str], ethnicity_map: dict[str, str],
            standard: Standard) -> Callable[[str], Any]:
    """A lookup that reads the import mapping's spellings as the contract values they are mapped to.

    An ethnicity goes through the same mechanism as ethnicity_map.csv (the mapping's spelling wins).
    """
    if kind == "ethnicity":
        both = {**ethnicity_map, **local}
        group = {g.classification: g.id for g in standard.groups}
        return lambda v: group.get(classify(v, both))  # type: ignore[arg-type]
    if ANY_VALUE in local:  # "*": any other spelling, not blank (a registration number: registered, whatever it is)
        return lambda v: (lookup(local[normalise(v)]) if normalise(v) in local
                          else lookup(v) if lookup(v) is not None or schema.blank_marker(v) else lookup(local[ANY_VALUE]))
    return lambda v: lookup(local[normalise(v)]) if normalise(v) in local else lookup(v)


def _typed_select(ret: Return, src: Source, cols: list[Column], mapping: dict[str, str], staff_lookup: bool,
                  spellings: dict[str, set[str]], empty: bool = False) -> tuple[str, list[_Check]]:
    """The SELECT that types one file, and the checks to run over its result (through the t_ view).

    A column's text is kept (as <column>_raw) only on rows where its typed value is empty, which is all a
    check or a message needs, and the texts kept are packed into one list per row (_RAW, NULL on a clean row;
    the t_ view unpacks them): a column of NULLs still costs DuckDB about 5 bytes a row, so six of them cost
    60 MB for 2,000,000 staff and one list a sixth of that (the 2,000,000-staff return's peak memory fell by
    about 100 MB); a copy of two million names would cost far more.
    With staff_lookup, a blank ethnicity or service is left empty here and filled from staff.csv by the view.
    With `empty`, each row says whether any column read is filled (_filled): a row with none (",,,,," where Excel
    kept a cleared row) is no row, as in a sheet; it is kept here, where rowid numbers the rows, and the view
    leaves it out.
    """
    typed = ["r._row AS _row"] if src.numbered else []
    keep = _kept(cols)  # the text of these columns is kept where their typed value is NULL
    unknown: list[str] = []  # a blank ethnicity, once blanks are told apart from unrecognised spellings
    checks: list[_Check] = []
    period = ret.organisation
    standard = standard_of(ret)
    for c in cols:
        raw = f"r.{c.name}"
        fixed = schema.fix(c.kind, standard, c.name)
        if not c.blank_ok:
            checks.append(_Check(_blank(c), c.name, f"{c.name} is blank", fixed if c.kind != "id" else f"give every row a {c.name}", blank=True))
        if c.kind in schema.CATEGORICAL:
            lookup, sql_type, message = _classifier(c.kind, c.name, ret, mapping, standard)
            local = ret.mapping.values_for(src.name, c.name) if ret.mapping else {}
            if local:
                lookup = _mapped(c.kind, lookup, local, mapping, standard)
            pairs = [(v, lookup(v)) for v in spellings[c.name]]
            nhs, own = ethnicity.codes_beside_others(list(spellings[c.name]), {*mapping, *local}) if c.kind == "ethnicity" else ({}, [])
            if nhs:  # a council's own letters (W, A, B, U) are not the NHS's: its A is not read as White - British unasked
                pairs = [(v, None if v.strip() in nhs else x) for v, x in pairs]
            value = _lookup(raw, [(v, x) for v, x in pairs if x != EXCLUDED], sql_type)
            if "" in local and c.kind != "ethnicity" and lookup("") is not None:  # the mapping says what a blank cell means
                value = (f"CASE WHEN NULLIF(TRIM({raw}), '') IS NULL OR {schema.blank_marker_sql(f'TRIM({raw})')} "
                         f"THEN {_literal(lookup(''))} ELSE {value} END")
            excluded = [v for v, x in pairs if x == EXCLUDED and c.kind == "answer"]
            if excluded:  # "Don't know": typed empty like an unanswered question, its text not kept as unknown
                raw = f"CASE WHEN TRIM({raw}) IN ({', '.join(sql_str(v) for v in excluded)}) THEN NULL ELSE {raw} END"
            if c.kind == "ethnicity" and not staff_lookup:  # with staff_lookup, the view fills a blank in
                unknown.append(f"CASE WHEN {_blank(c)} THEN {sql_str(standard.unknown.id)} ELSE ethnicity END AS ethnicity")
            if c.kind == "service" and c.blank_ok:  # an event row's blank service comes from staff.csv, or is an error
                said = f"{c.name} is blank and staff_id is not in staff.csv" if staff_lookup else f"{c.name} is blank"
                checks.append(_Check(_blank(c), c.name, said, f"{fixed} (a blank is taken from staff.csv only for a staff_id there)", blank=True))
            fix = fixed + (f"; or say what it means in {ret.mapping.label} under [{src.name}.values.{c.name}]" if ret.mapping else "")
            # (its text is kept only where it was not typed: unrecognised, or a blank's marker filled in as blank after)
            other = None
            if nhs:
                other = lambda v, n=nhs, o=own, f=fix: (  # noqa: E731
                    f'"{v}" is {n[v.strip()]}, but this column also holds codes that are not the NHS\'s ({", ".join(o[:6])}'
                    f'{" …" if len(o) > 6 else ""}): it may hold your own codes', f'say what each of your codes means, "{v.strip()}" '
                    f"too (as {n[v.strip()][4:]}, if it is): {f[0].lower() + f[1:]}") if v.strip() in n else None
            if c.kind == "status":  # "In progress", "Delayed": how it goes is what the plan's RAG says
                other = _status_named(message)
            if c.kind == "service":  # "Housing" in a council-wide list: its rows are not the return's, which no spelling says
                other = lambda v, m=message, f=fix, n=src.name, h=c.name: (m.format(value=v), (  # noqa: E731
                    f"{f}; if it is another part of the council, its rows are not the return's: take them out, or keep only "
                    f"the others in an import mapping, [{n}.rows] \"{src.shown.get(h, h)}\" = [the social care spellings]")) if mapping_mod.other_service(v, standard) else None
            checks.append(_Check(f"{c.name}_raw IS NOT NULL", c.name, message, fix, by_value=f"{c.name}_raw",
                                 suggest=c.kind, near=_spellings(c.kind, standard, c.name, ret), explain=other))
        elif c.kind == "date":
            order = ret.mapping.date_order(src.name) if ret.mapping else "day-first"
            value = date_spellings.expr(c.name, order, date_spellings.main_format(ret.con, spellings.get(c.name, set()), order), src.workbook)
            checks.append(_Check(f"{c.name}_raw IS NOT NULL AND {c.name} IS NULL", c.name, '"{value}" is not a date', fixed,
                                 by_value=f"{c.name}_raw", explain=lambda v, o=order: date_spellings.explain(v, o, src.name)))
            said, fix = date_spellings.ambiguous_problem(order, src.name)
            checks.append(_Check(date_spellings.ambiguous(c.name, f"t_{src.name}", order), c.name, said, fix))
            if period is not None and c.name == "date" and src.name in RECORD_FILES:  # events, not plan updates
                start, end = period.period_start.isoformat(), period.period_end.isoformat()
                checks.append(_Check(
                    f"{c.name} NOT BETWEEN DATE '{start}' AND DATE '{end}'", c.name,
                    f"dated outside the reporting period ({period_words(start, end)}): left out of the figures",
                    "check the dates; events outside the period belong to another year's return", severity="warning",
                ))
            if period is not None and c.name == "start_date" and src.name == "staff":  # an export run after the snapshot
                end = period.period_end
                checks.append(_Check(
                    f"{c.name} > DATE '{end.isoformat()}'", c.name,
                    f"started after the snapshot date ({long_date(end)}): left out of the figures",
                    f"staff.csv holds the people employed on {long_date(end)} (period_end); an export run later holds those who started "
                    "since, who are left out, and lacks those who left since, who belong in it", severity="warning",
                ))
        elif c.kind == "salary":
            # a comma only between thousands (38,702.50): "38702,50" with a decimal comma is not £3,870,250. As
            # typed by hand: "£35,000 pa" (the year said, as it is of every salary) and "35k" or "31.5K" (thousands)
            text = f"regexp_replace(regexp_replace(TRIM(replace({raw}, '£', '')), '{PER_YEAR}', '', 'i'), '{GBP}', '', 'i')"
            value = (f"CASE WHEN TRY_CAST({raw} AS DOUBLE) IS NOT NULL THEN TRY_CAST({raw} AS DOUBLE) "  # most salaries: a plain number
                     f"WHEN regexp_full_match({text}, '{IN_THOUSANDS}') THEN TRY_CAST(rtrim({text}, 'kK ') AS DOUBLE) * 1000 "
                     f"WHEN contains({text}, ',') AND NOT regexp_full_match({text}, '{THOUSANDS}') THEN NULL "
                     f"ELSE TRY_CAST(replace({text}, ',', '') AS DOUBLE) END")
            checks.append(_Check(f"{c.name}_raw IS NOT NULL AND {c.name} IS NULL", c.name, '"{value}" is not a number', fixed, by_value=f"{c.name}_raw"))
            checks.append(_Check(f"{c.name} < 0", c.name, "salary is negative", fixed))
            # pounds a year, so under MIN_SALARY is a figure in thousands ("31.5"), an hourly rate, or a European
            # "31.500,00" read as 31.5: put in the lowest band without a word, it would skew M1
            checks.append(_Check(f"{c.name} >= 0 AND {c.name} < {MIN_SALARY}", c.name,
                                 f"salary is under £{MIN_SALARY:,}, which no full-time annual salary is",
                                 "give the full-time equivalent annual salary in pounds a year, not in thousands (31.5 for £31,500) "
                                 "or as an hourly rate"))
            checks.append(_Check(f"{c.name} > {MAX_SALARY}", c.name, f"salary is over £{MAX_SALARY:,}: no one in the workforce is paid that",
                                 "give the full-time equivalent annual salary in pounds a year: an identifier or a pasted number "
                                 "in its place would put the row in the top pay band"))
        elif c.kind == "id":  # "NULL" is no one's id: as a blank one, the row is a person of its own (an id is trimmed as read)
            value = f"CASE WHEN {schema.blank_marker_sql(raw)} THEN NULL ELSE {raw} END"
            checks.append(_Check(f"{c.name}_raw IS NOT NULL", c.name, '"{value}" is read as an empty cell', "", by_value=f"{c.name}_raw",
                                 severity="warning"))  # (its text is kept only then: _run_checks says it as any marker)
        else:  # text: the value is its own text, printed in the report and on the terminal as written
            typed.append(f"{raw} AS {c.name}")
            checks.append(_Check(f"regexp_matches(\"{c.name}\", {sql_str(TYPED_CONTROL)})", c.name,  # (a column named by)
                                 '"{value}" holds a control character, which the report cannot show',
                                 "type the text again: it may have come with text pasted from another program (a line break from Word)",
                                 by_value=f'"{c.name}"'))
            continue
        typed += [f"{value} AS {c.name}", f"{raw} AS {c.name}_raw"]
    if empty and cols:
        cells = [f"NULLIF(TRIM(r.{c.name}), '')" if c.kind in schema.CATEGORICAL else f"r.{c.name}" for c in cols]  # read trims the others
        typed.append(f"COALESCE({', '.join(cells)}) IS NOT NULL AS _filled")
    for c in files(standard)[src.name]:  # absent optional columns are NULL, so later stages need no special cases
        if c not in cols:
            typed.append(f"NULL::{_SQL_TYPE[c.kind]} AS {c.name}")
    # trimmed here, on the few rows that keep it: read trims only what it cannot classify as given
    dates = {c.name for c in cols if c.kind == "date"}  # a date's text is kept where it reads both ways, too
    kept = ", ".join((date_spellings.kept(k) if k in dates else f"CASE WHEN {k} IS NULL THEN NULLIF(TRIM({k}_raw), '') END") + f" AS {k}_raw" for k in keep)
    sql = f"SELECT {f'* REPLACE ({kept})' if kept else '*'} FROM (SELECT {', '.join(typed)} FROM {src.table} r)"
    outer = f"* REPLACE ({', '.join(unknown)})" if unknown else "*"
    if src.name == "staff" and ret.organisation is not None:
        # A band label given on the row wins over the band of its salary.
        names = {c.name for c in cols}
        label = "pay_band" if "pay_band" in names else "NULL"
        salary = _band_expr(ret) if "annual_salary" in names else "NULL"
        outer += f", COALESCE({label}, {salary}) AS band"
    sql = f"SELECT {outer} FROM ({sql})"
    if keep:  # the texts kept, packed into one list per row, NULL on a clean row (_view unpacks them)
        raws = [f"{k}_raw" for k in keep]
        sql = (f"SELECT * EXCLUDE ({', '.join(raws)}), CASE WHEN {' OR '.join(f'{r} IS NOT NULL' for r in raws)} "
               f"THEN [{', '.join(raws)}] END AS {_RAW} FROM ({sql})")
    return sql, checks


_RAW = "_raw"  # the typed table's column of kept texts: a list, one per column of _kept(), NULL on a clean row


def _kept(cols: list[Column]) -> list[str]:
    """The columns whose text a typed table keeps (where their typed value is empty): the typed kinds, and ids
    (typed empty only where they say they are blank: "NULL"), not free text."""
    return [c.name for c in cols if c.kind in schema.CATEGORICAL or c.kind in ("date", "salary", "id")]


def _unpacked(table: str, cols: list[Column]) -> str:
    """A typed table's rows with each kept text as its own column, <column>_raw, as every check reads it."""
    keep = _kept(cols)
    if not keep:
        return table
    return f"(SELECT * EXCLUDE ({_RAW}), {', '.join(f'{_RAW}[{i + 1}] AS {k}_raw' for i, k in enumerate(keep))} FROM {table})"


def _blank(c: Column, at: str = "") -> str:
    """SQL true where a column was left blank, or says it is ("NULL": schema.BLANK_MARKERS); its text is kept only
    where its typed value is empty."""
    if c.kind in ("id", "text"):
        return f"{at}{c.name} IS NULL"
    return f"{at}{c.name} IS NULL AND ({at}{c.name}_raw IS NULL OR {schema.blank_marker_sql(f'{at}{c.name}_raw')})"


def _other_rows(ret: Return, src: Source, contract: set[str]) -> list[Problem]:
    """A column of a file that says what each row is, holding values of rows that may not be the file's
    (staff.csv's "Status": Terminated beside Active; training.csv's "Course Category": Mandatory beside CPD):
    asked as wres map asks it (mapping.marked_rows), unless the import mapping chooses the file's rows."""
    if ret.mapping is not None and ret.mapping.keep(src.name) is not None:
        return []
    for col in (c for c in src.columns if c not in contract and mapping_mod.row_column(src.name, c)):  # (read.py reads them)
        quoted = '"' + col.replace('"', '""') + '"'
        values = [v for (v,) in ret.con.execute(f"SELECT DISTINCT TRIM({quoted}) AS v FROM {src.table} WHERE NULLIF(TRIM({quoted}), '') IS NOT NULL "
                                                "ORDER BY v LIMIT 51").fetchall()]
        heading = src.shown.get(col, col)
        ask = mapping_mod.marked_rows(src.name, mapping_mod.Export(src.label, [heading], {heading: values}), {}, "other_rows")
        if ask is not None:
            _, others, rest = ask
            said = lambda vs: ", ".join(repr(v) for v in vs[:3]) + (" …" if len(vs) > 3 else "")  # noqa: E731
            return [Problem(src.label, f"holds {said(others)} beside {said(rest)}: every row is read as {mapping_mod.ROWS_OF.get(src.name, src.name)}",
                            f"if those rows are not, take them out of the file, or keep only the others in an import mapping: "
                            f"[{src.name}.rows] \"{heading}\" = [{mapping_mod.toml_list(rest)}]", col, (), 0, "warning")]  # of the column, not of a record
    return []


def _type(ret: Return, src: Source, cols: list[Column], mapping: dict[str, str], staff_lookup: bool,
          file_checks: list[_Check]) -> tuple[list[_Check], list[int]]:
    """Type a file into b_<file> in one pass and put the view t_<file> (with _row) over it; its checks, counted.

    Spellings are classified from the first SAMPLE_ROWS rows; one met only further down is typed empty with
    its text kept, so the query that counts the checks also finds it, and a second pass, with it classified,
    gives the same table as one pass that knew every spelling.
    """
    con = ret.con
    categorical = [c.name for c in cols if c.kind in schema.CATEGORICAL]
    spellings = _distinct(ret, src, categorical, SAMPLE_ROWS, tuple(c.name for c in cols if c.kind == "date"))
    empty = False  # empty rows are looked for (a second pass) only where a cell that must be filled is blank
    while True:
        sql, checks = _typed_select(ret, src, cols, mapping, staff_lookup, spellings, empty)
        checks += file_checks
        con.execute(f"CREATE OR REPLACE TEMP TABLE b_{src.name} AS {sql}")
        _view(ret, src, cols, staff_lookup, empty)
        # the spellings typed empty (unrecognised ones, and any not in the first rows: their text is kept),
        # the rows, and every check, in one pass
        later = [f"list(DISTINCT {c}_raw) FILTER (WHERE {c} IS NULL AND {c}_raw IS NOT NULL)" for c in categorical]
        counted = [f"count(*) FILTER (WHERE {c.condition})" for c in checks]
        row = con.execute(f"SELECT {', '.join(['count(*)', *later, *counted])} FROM t_{src.name}").fetchall()[0]
        src.rows = row[0]
        new = {c: set(v or []) - spellings[c] for c, v in zip(categorical, row[1:])}
        looked, empty = empty, empty or any(n for c, n in zip(checks, row[1 + len(categorical):]) if c.blank)
        if not any(new.values()) and looked == empty:
            break
        spellings |= {c: spellings[c] | new[c] for c in categorical}
    counts = list(row[1 + len(categorical):])
    if any(counts) and not src.numbered and src.find_gaps(con):
        _view(ret, src, cols, staff_lookup, empty)  # rows are to be named: number them past the file's empty rows
    return checks, counts


def _view(ret: Return, src: Source, cols: list[Column], staff_lookup: bool, empty: bool) -> None:
    """t_<file>: the typed table with its row numbers, without the `empty` rows (_typed_select), and a blank
    ethnicity or service filled from staff.csv."""
    con, base = ret.con, f"b_{src.name}"
    rows = _unpacked(f"(SELECT * FROM {base})" if src.numbered else with_rows(base, src.gaps), cols)
    if empty and cols:
        rows = f"(SELECT * EXCLUDE (_filled) FROM {rows} WHERE _filled)"
    if not staff_lookup:
        con.execute(f"CREATE OR REPLACE TEMP VIEW t_{src.name} AS SELECT * FROM {rows}")
        return
    # Only rows with a blank ethnicity or breakdown (service) need staff.csv: look up just their people. A
    # standard whose event files have no breakdown column (the NHS WRES) fills in the ethnicity alone.
    unknown = sql_str(standard_of(ret).unknown.id)
    eth = next(c for c in cols if c.name == "ethnicity")
    service = next((c for c in cols if c.kind == "service"), None)
    blank = f"({_blank(eth)})" + (f" OR ({_blank(service)})" if service else "")
    # the people looked up, by their id as this file writes it (the view joins on it as it is), each found on
    # the staff list as written or else by number (person; `exact` says which, for _ids_written_two_ways)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE s_{src.name} AS SELECT l.id AS sid, any_value(t.ethnicity) AS grp"
        + (f", any_value(t.{service.name}) AS part" if service else "")
        + ", bool_or(t.staff_id = l.id) AS exact, min(t.staff_id) AS theirs"
        + f" FROM (SELECT DISTINCT staff_id AS id FROM {_unpacked(base, cols)} WHERE ({blank}) AND staff_id IS NOT NULL) l"
        + f" JOIN {STAFF_BY_PERSON} t ON t.k = {person('l.id')} GROUP BY l.id"
    )
    filled = f"CASE WHEN {_blank(eth, 'r.')} THEN COALESCE(s.grp, {unknown}) ELSE r.ethnicity END AS ethnicity"
    if service:
        filled += f", CASE WHEN {_blank(service, 'r.')} THEN s.part ELSE r.{service.name} END AS {service.name}"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW t_{src.name} AS SELECT r.* REPLACE ({filled}) "
        f"FROM {rows} r LEFT JOIN s_{src.name} s ON r.staff_id = s.sid"
    )


def person(staff_id: str) -> str:
    """A staff_id (SQL) as the same person in every file: an all-digit number without its leading zeros. Excel
    drops them from a number typed in one file (104) that another keeps as text (000104), and an employee
    number is never told apart by them. Only an id starting with 0 is looked at twice (the regular expression)."""
    return f"CASE WHEN {_ZERO_LED.format(id=staff_id)} THEN {_NUMBER.format(id=staff_id)} ELSE {staff_id} END"


_ZERO_LED = "starts_with({id}, '0') AND regexp_full_match({id}, '[0-9]+')"  # an all-digit id with leading zeros
_NUMBER = "COALESCE(NULLIF(ltrim({id}, '0'), ''), '0')"  # its number: 000104 → 104, 000 → 0


STAFF_BY_PERSON = "k_staff"


def _key_staff(ret: Return) -> None:
    """k_staff: the staff list by person (its key k), for a join on person(their id) = k: each row by its
    staff_id, and a row whose id has leading zeros by its number too. Made once, when staff.csv is typed, of
    the columns the lookups and checks read: person() is worked out over the staff list once, not in every join."""
    typed = columns_of(ret.con, "t_staff")
    cols = ", ".join(c for c in ("_row", "staff_id", "ethnicity", standard_of(ret).breakdown.column, "start_date") if c in typed)
    ret.con.execute(f"CREATE OR REPLACE TEMP TABLE z_staff AS SELECT {_NUMBER.format(id='staff_id')} AS k, {cols} "
                    f"FROM t_staff WHERE {_ZERO_LED.format(id='staff_id')}")
    ret.con.execute(f"CREATE OR REPLACE TEMP VIEW {STAFF_BY_PERSON} AS SELECT staff_id AS k, {cols} FROM t_staff UNION ALL SELECT k, {cols} FROM z_staff")


def _band_labels(ret: Return | None, standard: Standard) -> dict[str, str]:
    """The pay band labels a staff row may give (normalised → as written): the organisation's bands, and a
    standard's excluded bands (non-executive board members, counted only for the board), each also by the
    other spellings the standard lists for it (ESR's "Band 8 - Range A")."""
    bands = ret.organisation.bands if ret is not None and ret.organisation else standard.default_bands if standard.bands_from == "labels" else ()
    labels = (*(b.label for b in bands), *standard.excluded_bands) if bands else ()
    return {normalise(s): label for label in labels for s in (*standard.band_spellings.get(label, ()), label)}


def _band_lookup(ret: Return | None, standard: Standard) -> Callable[[str], str | None]:
    labels = _band_labels(ret, standard)
    return lambda v: labels.get(normalise(v))


def _file_checks(name: str, cols: set[str], standard: Standard, plan: bool = False) -> list[_Check]:
    """Checks across columns of one file."""
    if name == "staff":
        checks = [
            _Check(
                "staff_id IN (SELECT staff_id FROM t_staff GROUP BY staff_id HAVING count(*) > 1)", "staff_id",
                'staff_id "{value}" appears more than once',
                "give each person one row (their main post at the snapshot date); an export of posts with a column saying which is "
                "each person's main post (\"Primary Assignment\") is read through it: wres map proposes it",
                by_value="staff_id",
            )
        ]
        contract = {c.name: c for c in standard.files["staff"]}
        salary, band = contract.get("annual_salary"), contract.get("pay_band")
        if salary is None or band is None or not band.blank_ok:  # bands are labels: a blank pay_band is checked as any blank
            return checks + _board_checks(standard, cols)
        if {"annual_salary", "pay_band"} <= cols:
            checks.append(_Check(f"{_blank(salary)} AND {_blank(band)}", "annual_salary", "has neither annual_salary nor pay_band", schema.FIXES["salary"]))
        elif "annual_salary" in cols:
            checks.append(_Check(_blank(salary), "annual_salary", "annual_salary is blank", schema.FIXES["salary"]))
        else:
            checks.append(_Check(_blank(band), "pay_band", "pay_band is blank", schema.fix("band", standard)))
        return checks
    if name == "actions":
        return [_Check(
            "action_id IN (SELECT action_id FROM t_actions GROUP BY action_id HAVING count(*) > 1)", "action_id",
            'action_id "{value}" appears more than once', "give each action its own action_id; progress goes in action_updates.csv",
            by_value="action_id",
        )]
    if name == "action_updates":
        return [_Check(
            "action_id IS NOT NULL AND action_id NOT IN (SELECT action_id FROM t_actions WHERE action_id IS NOT NULL)"
            if plan else "action_id IS NOT NULL",
            "action_id", 'update for action "{value}", which is not in actions.csv',
            "use an action_id from actions.csv, or add the action there", by_value="action_id",
        )]
    if name == "recruitment":
        return [_Check("appointed AND NOT shortlisted", "appointed", "appointed is yes but shortlisted is no", "an applicant appointed must have been shortlisted: set shortlisted to yes, or correct appointed")]
    return []


def _board_checks(standard: Standard, cols: set[str]) -> list[_Check]:
    """A row of an excluded band (a non-executive director) is counted only through a staff flag with bands (the
    board): one holding none of those flags is counted for nothing, which is most likely a slip."""
    flags = [f for m in standard.metrics if m.kind == "staff_flag" and m.bands for f in m.columns if f in cols]
    if not standard.excluded_bands or not flags:
        return []
    excluded = ", ".join(sql_str(b) for b in standard.excluded_bands)
    return [_Check(
        f"pay_band IN ({excluded}) AND NOT ({' OR '.join(f'coalesce({f}, false)' for f in flags)})", "pay_band",
        f"is in the band {' or '.join(standard.excluded_bands)} but is yes in none of {', '.join(flags)}, so is counted for nothing",
        f"say yes in {' or '.join(flags)} for a board member; give anyone else on the staff record their own pay band",
        severity="warning",
    )]


# How a missing column's fix points at an import mapping (the web, which offers its own pages, leaves it out)
# The CLI ends with the command to run, with the path as typed (cli.validate): a problem names no path, as the web
# shows it too (it offers its mapping pages instead, and leaves this out)
MAP_HEADINGS = ", or keep your headings and say which is which in an import mapping, which wres map suggests"


def _run_checks(ret: Return, src: Source, table: str, checks: list[_Check], counts: list[int]) -> list[Problem]:
    """The problems of the checks that found rows (`counts`, one per check): their values and first rows."""
    problems: list[Problem] = []
    for check, n in zip(checks, counts or ()):
        if not n:
            continue
        sev: Any = check.severity
        if check.by_value:
            rows = ret.con.execute(
                f"SELECT {check.by_value}, count(*), list(_row ORDER BY _row)[1:{ROWS_SHOWN}] FROM {table} "
                f"WHERE {check.condition} GROUP BY {check.by_value} ORDER BY min(_row) LIMIT {VALUES_SHOWN + 1}"
            ).fetchall()
            for value, k, first in rows[:VALUES_SHOWN]:
                if schema.blank_marker(value):  # read as blank: said once, as what it is (a check of unread text finds it)
                    problems.append(Problem(src.label, f'"{value}" is read as an empty cell',
                                            "nothing to do if the cell is meant to be empty; if not, write its value", check.column,
                                            tuple(first), k, "warning"))
                    continue
                question = _did_you_mean(check.suggest, value, check.near) if check.suggest else None
                fix = f"{question} If not, {check.fix}" if question else check.fix
                message, fix = (check.explain(value) if check.explain else None) or (check.message.format(value=value), fix)
                mappable = _mappable(check.suggest, standard_of(ret))
                if schema.excel_error(value):
                    message, fix, mappable = (f'"{value}" is an Excel error, not a value: the formula that gave it failed',
                                              "correct the formula (a lookup that finds nothing gives #N/A), or type the value", False)
                problems.append(Problem(src.label, message, fix, check.column, tuple(first), k, sev, mappable))
            if len(rows) > VALUES_SHOWN:
                problems.append(Problem(src.label, f"more values like these ({n:,} rows in all)", check.fix, check.column, (), 0, sev,
                                        _mappable(check.suggest, standard_of(ret))))
        else:
            first = ret.con.execute(f"SELECT list(_row ORDER BY _row)[1:{ROWS_SHOWN}] FROM {table} WHERE {check.condition}").fetchall()[0][0]
            problems.append(Problem(src.label, check.message, check.fix, check.column, tuple(first), n, sev))
    return problems


# What a spelling of each kind is suggested as (what to write instead), by its normalised spelling.
def _spellings(kind: str, standard: Standard, column: str | None = None, ret: Return | None = None) -> dict[str, str]:
    if kind == "service":
        return {normalise(w): p.spelling for p in standard.breakdown.parts for w in (p.id, *p.values)}
    if kind == "bool":
        return {k: "yes" if v else "no" for k, v in schema.BOOL_WORDS.items() if len(k) > 1}
    if kind == "status":
        return dict(schema.STATUS_WORDS)
    if kind == "answer":
        scale = standard.scales.get(column or "")
        words = standard.answer_words.get(scale, ()) if scale else [w for ws in standard.answer_words.values() for w in ws]
        return {normalise(w): w for w in words}
    if kind == "band":  # "AfC Band 8a" is suggested as "Band 8a", never read as it
        return _band_labels(ret, standard)
    return {}


def _did_you_mean(kind: str, value: str, spellings: dict[str, str] | None = None) -> str | None:
    """'did you mean "Caribbean"?' for a spelling close to an accepted one; None when none is close.

    Only ever said: a value is classified by its exact (normalised) spelling, never by how near it is.
    """
    if kind == "ethnicity":
        return ethnicity.SUGGEST.did_you_mean(value)
    return Suggester(spellings, normalise).did_you_mean(value) if spellings else None


@dataclass(frozen=True)
class Unknown:
    """One unrecognised spelling of a column kind, over the whole return: for a ready-to-edit map."""

    value: str
    rows: int
    files: tuple[str, ...]


def unknown_values(chk: Checked, kind: str = "ethnicity") -> list[Unknown]:
    """Every distinct spelling of `kind` no table or mapping recognised (as a local code: case and spacing
    apart), most rows first, with the files it is in."""
    found: dict[str, tuple[str, int, list[str]]] = {}
    contract = files(standard_of(chk.ret))
    for name, table in chk.typed.items():
        src = chk.ret.sources.get(name)
        present = [c.name for c in contract.get(name, ()) if c.kind == kind and src is not None and c.name in src.columns]
        for col in present:
            for value, n in chk.ret.con.execute(
                f"SELECT {col}_raw, count(*) FROM {table} WHERE {col} IS NULL AND {col}_raw IS NOT NULL GROUP BY 1 ORDER BY min(_row)"
            ).fetchall():
                if schema.excel_error(value) or schema.blank_marker(value):  # not a local code: said as what it is by validation
                    continue
                k = normalise(value)
                first, total, where = found.get(k, (value, 0, []))
                found[k] = (first, total + n, where + ([src.label] if src.label not in where else []))
    return sorted((Unknown(v, n, tuple(f)) for v, n, f in found.values()), key=lambda u: -u.rows)


def _check_mapping(ret: Return) -> list[Problem]:
    """Every local code must map to a value the classification knows (a blank target is not allowed)."""
    src = ret.sources["ethnicity_map"]
    rows = ret.con.execute(f"SELECT _row, local_value, ethnicity FROM {src.table} WHERE local_value IS NOT NULL ORDER BY _row").fetchall()
    problems = []
    for row, local, eth in rows:
        if not eth or classify(eth) is None:
            question = _did_you_mean("ethnicity", eth) if eth else None
            fix = f"{question} If not, {schema.FIXES['ethnicity']}" if question else schema.FIXES["ethnicity"]
            problems.append(Problem(src.label, f'"{local}" maps to "{eth or ""}", which is not a recognised ethnicity', fix, "ethnicity", (row,), 1))
    return problems


def _read_through(ret: Return, src: Source) -> list[Problem]:
    """A file that cannot be typed is still read to its end, so a broken row is named in the same run."""
    if src.numbered:
        return []  # landed, so read already
    try:
        ret.con.execute(f"SELECT count(*) FROM {src.table}").fetchall()
    except duckdb.Error as exc:
        if not _file_fault(exc):
            raise
        return [src.unreadable(exc)]
    return []


def _check_import_mapping(ret: Return) -> list[Problem]:
    """Every spelling the import mapping gives must map to a value the contract reads ("TODO" is a decision left)."""
    assert ret.mapping is not None
    problems = []
    for stem, fm in ret.mapping.files.items():
        kinds = {c.name: c.kind for c in all_columns(stem)}
        standard = standard_of(ret)
        for col, table in fm.values.items():
            kind = kinds[col]
            for spelling, target in table.items():
                if (kind == "band" and standard.bands_from != "labels") or (target.strip() and recognised(kind, target, standard, col) is not None):
                    continue
                shown = f'"{spelling}"' if spelling else "a blank cell"
                said = f"still says TODO for {shown}" if target == TODO else f'maps {shown} to "{target}", which is not a value of {col}'
                problems.append(Problem(ret.mapping.label, said, f"say what {shown} means: {schema.fix(kind, standard, col)} (or delete the line)", f"[{stem}.values.{col}]"))
    return problems


def _standards_said() -> str:
    return " or ".join(f'standard = "{i}"' for i in available())


def _fits_other(standard: Standard, name: str, cols: set[str]) -> Standard | None:
    """Another standard whose file of this name has every required column the file has (an SC-WRES staff.csv
    in a return whose organisation.toml says nhs-wres): the one mistake behind all its missing columns."""
    for sid in available():
        other = load(sid)
        wanted = {c.name for c in other.files.get(name, ()) if c.required}
        if other.id != standard.id and wanted and wanted <= cols:
            return other
    return None


def validate(ret: Return) -> Checked:
    """Every problem in the return, and typed tables for the files that can be counted."""
    out = Checked(ret, list(ret.problems))
    mapping, problems = ethnicity_mapping(ret)
    out.problems += problems
    if mapping:
        out.problems += _check_mapping(ret)
    if ret.mapping is not None:
        out.problems += _check_import_mapping(ret)
    standard = standard_of(ret)
    contract = files(standard)
    # an aggregate return's counts.csv is checked by counts.py; its action plan is checked here
    names = [*([] if "counts" in ret.sources else standard.files), *PLAN_FILES]
    if "counts" not in ret.sources:
        out.problems += [
            Problem(ret.sources[n].label, f"is not one of the {standard.name} files, so it is not read",
                    f"delete it, or if the return is for another standard say so in organisation.toml ({_standards_said()})", severity="warning")
            for n in RECORD_FILES if n in ret.sources and n not in standard.files
        ]
    if "counts" in ret.sources:
        out.problems += [
            Problem(ret.sources[n].label, "is not read: this return also holds counts.csv, which gives the figures",
                    "send either the record files or counts.csv, not both (beside the record files, counts.csv may give the staff "
                    "survey's metrics alone)", severity="warning")
            for n in RECORD_FILES if n in ret.sources
        ]
    lookups: list[str] = []  # the files whose blank ethnicity or service are taken from staff.csv (s_<file>, _view)
    for name in names:
        src = ret.sources.get(name)
        if src is None:
            if name == "staff" and ret.absent("staff"):
                out.problems.append(Problem("staff.csv", "is missing", f"add staff.csv: one row per directly employed person at the snapshot date (see {schema.template(standard, 'staff.csv')})"))
            continue
        cols = set(src.columns)
        missing = [c.name for c in contract[name] if c.required and c.name not in cols]
        staff_lookup = name not in schema.NOT_STAFF_FILES and "staff_id" in cols and "staff" in out.typed
        looked_up = [m for m in missing if staff_lookup and schema.from_staff(name, next(c for c in contract[name] if c.name == m).kind)]
        if looked_up:  # an ER casework export holds the employee number only: each row's are staff.csv's
            src.with_blank(ret.con, looked_up)
            cols |= set(looked_up)
            missing = [m for m in missing if m not in looked_up]
            out.problems.append(Problem(src.label, f"has no {' or '.join(looked_up)} column: {schema.taken_from_staff(looked_up)}",
                                        f"nothing to do if that is so; if the export has the column{'s' if len(looked_up) > 1 else ''} under "
                                        "another heading, name it in an import mapping (wres map suggests one)",
                                        looked_up[0], (), 0, "warning"))  # of the file, not of a record (published as such)
        if name == "staff" and {"annual_salary", "pay_band"} <= {c.name for c in contract[name]} and not ({"annual_salary", "pay_band"} & cols):
            missing.append("annual_salary (or pay_band)")
        other = _fits_other(standard, name, cols) if missing else None
        headings = ret.mapping.headings(name) if ret.mapping else {}
        title = None if len(missing) < 2 or src.above else (
            csv_title(src.path, src.label, name) if src.path is not None and src.path.suffix.lower() == ".csv" else src.title)
        if title is not None:  # one problem, not every column missing and every row too long
            out.problems.append(title)
            continue
        for m in missing:
            named = next((k for k in headings if k in re.findall(r"\w+", m)), None)  # "annual_salary (or pay_band)" too
            if named is not None:  # the import mapping named a heading the export does not have
                out.problems.append(Problem(src.label, f'has no column "{headings[named]}", which {ret.mapping.label} gives as its {named}',
                                            f"correct the heading under [{name}.columns] in {ret.mapping.label} (as the export's headings spell it)", named, (src.above + 1,), 1,
                                            mappable=True))
                continue
            fix = f"add a column headed {m} (column names are not case-sensitive)"
            usual = mapping_mod.known_heading(name, m, src.columns, standard) if ret.mapping is None else None
            if other is not None:  # the file of another standard: organisation.toml most likely names the wrong one
                fix = (f"this is the {other.name} {name} file, but organisation.toml says the return is for the {standard.name}: "
                       f'write standard = "{other.id}" there if it is, else {fix}')
            elif usual is not None or len(missing) > 1:  # an export with its own headings, most likely
                if usual is not None:
                    column = src.shown.get(usual) or f'"{usual}"'
                    fix = f"the column {column} is most likely it: rename that heading {m}"
                fix += MAP_HEADINGS
            out.problems.append(Problem(src.label, f"has no column {m}", fix, m, (src.above + 1,), 1, mappable=True))
        if missing:
            out.problems += _read_through(ret, src)  # its other problems are found once the columns are there
            continue
        present = [c for c in contract[name] if c.name in cols]
        try:
            checks, counts = _type(ret, src, present, mapping, staff_lookup, _file_checks(name, cols, standard, plan="actions" in out.typed))
        except duckdb.Error as exc:  # a streamed file is read through here first
            if not _file_fault(exc):
                raise
            out.problems.append(src.unreadable(exc))
            ret.unreadable.add(name)
            src.release(ret.con)
            continue
        out.problems += _other_rows(ret, src, {c.name for c in contract[name]})  # (the file is read: no read error is met here)
        src.release(ret.con)
        if src.rows == 0 and name in schema.MUST_HAVE_ROWS:
            out.problems.append(Problem(src.label, "has a header but no rows", f"fill in {src.label} or leave the file out"))
            continue
        if src.rows == 0 and name in RECORD_FILES:  # a blank template left in: zero is a figure, not a gap
            out.problems.append(Problem(src.label, "has a header but no rows, so its metrics are counted as none in the period",
                                        f"fill in {src.label}, or delete it to report its metrics as not submitted", severity="warning"))
        table = f"t_{name}"
        out.problems += _run_checks(ret, src, table, checks, counts)
        out.typed[name] = table
        if staff_lookup:
            lookups.append(name)
            out.problems += _not_on_the_staff_list(ret, src, present)
        if name == "staff":
            _key_staff(ret)
    out.problems += _left_before_the_snapshot(ret, out)
    out.problems += _more_respondents_than_staff(ret, out)
    out.problems += _second_posts(ret, out)
    out.problems += _ids_written_two_ways(ret, lookups)
    out.problems = [ret.locate(p) for p in out.problems]
    return out


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The columns a typed table has: a file's optional columns are there only when it gave them."""
    return {d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description}


def _not_on_the_staff_list(ret: Return, src: Source, cols: list[Column]) -> list[Problem]:
    """Rows whose ethnicity is taken from staff.csv by a staff_id it does not hold: an ER or learning export holds
    people the staff list leaves out (casual staff, leavers), whose ethnicity is then not known, which no error
    said. A blank service too is an error already (its check): not said twice. Not of leavers.csv, whose people
    are not on the list of those employed at its end: a blank there is their ethnicity not known, as in staff.csv."""
    if src.name == "leavers":
        return []
    eth = next(c for c in cols if c.name == "ethnicity")
    service = next((c for c in cols if c.kind == "service"), None)
    n, example = ret.con.execute(
        f"SELECT count(*), min(r.staff_id) FROM {_unpacked(f'b_{src.name}', cols)} r WHERE ({_blank(eth, 'r.')}) "
        + (f"AND NOT ({_blank(service, 'r.')}) " if service else "")
        + f"AND r.staff_id IS NOT NULL AND r.staff_id NOT IN (SELECT sid FROM s_{src.name})").fetchone()
    if not n:
        return []
    # (how many, and an id, in the fix only: a warning's message is published, and these are people's numbers)
    return [Problem(src.label, f"has staff_ids that are not in {ret.sources['staff'].label}: their ethnicity, taken from it, is not known",
                    f"check they are people of the return ({n:,} row{'s' if n != 1 else ''}, such as {example}): people the staff list "
                    "leaves out (casual or agency workers, leavers) are counted as ethnicity not known; give their ethnicity in "
                    "the file, or take their rows out", "staff_id", (), 0, "warning")]


def _ids_written_two_ways(ret: Return, looked_up: list[str]) -> list[Problem]:
    """A file whose rows took their ethnicity or service from staff.csv by a staff_id written with leading
    zeros added or dropped (000104 for 104): found by number (person), and said, so that an analyst who sees
    the other file's numbers knows why. Only such rows join the staff list: elsewhere an id is the file's own."""
    if not looked_up:
        return []
    found = ret.con.execute(" UNION ALL ".join(
        f"SELECT '{name}', count(*), min(sid), arg_min(theirs, sid) FROM s_{name} WHERE NOT exact" for name in looked_up)).fetchall()
    said = []
    for name, n, example, theirs in found:
        if n:
            how = "with leading zeros the staff list's do not have" if example.startswith("0") else "without the leading zeros the staff list's have"
            # the ids and how many are in the fix only: a warning's message is published, and these are people's numbers
            said.append(Problem(ret.sources[name].label, f"has staff_ids written {how}, read as the same people",
                                f"nothing to do if they are ({n:,} of them, such as {example} here, {theirs} in {ret.sources['staff'].label}); "
                                "Excel drops the zeros from a number, so format the column as Text in both files to keep one spelling",
                                "staff_id", (), 0, "warning"))
    return said


def _more_respondents_than_staff(ret: Return, out: Checked) -> list[Problem]:
    """A staff survey has at most one respondent a person: more respondents than the staff list holds people is
    an export that repeats its answers, or holds another survey's or another service's. Said, not acted on."""
    if not {"staff", "survey"} <= set(out.typed):
        return []
    staff, answered = (ret.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("t_staff", "t_survey"))
    if answered <= staff:
        return []
    # (the figures only in the fix: a message is published, and a small list's headcount is no figure to publish)
    return [Problem(ret.sources["survey"].label, "has more respondents than the staff list has people",
                    f"check it holds only this survey's responses, each once ({answered:,} respondents, {staff:,} staff): a survey tool's "
                    "export may repeat them, or hold another survey's or other services' responses", severity="warning")]


def _second_posts(ret: Return, out: Checked) -> list[Problem]:
    """Staff ids written as another's with "-2" after it: ESR numbers a person's second assignment so (20123456-2),
    and an export of assignments with no main-post column counts such a person twice. Said, not acted on: the
    ids may be a council's own, each a person."""
    if "staff" not in out.typed:
        return []
    n, example = ret.con.execute(
        "SELECT count(*), min(staff_id) FROM t_staff WHERE contains(staff_id, '-') "
        "AND regexp_extract(staff_id, '^(.+)-[0-9]{1,2}$', 1) IN (SELECT staff_id FROM t_staff WHERE staff_id IS NOT NULL)").fetchone()
    if not n:
        return []
    base = example.rsplit("-", 1)[0]
    # (the ids and how many in the fix only: a warning's message is published, and these are people's numbers)
    return [Problem(ret.sources["staff"].label, "has staff_ids that look like a second post of someone also on it",
                    f"give each person one row, their main post ({n:,} such ids, such as {example} beside {base}, as ESR numbers a "
                    "person's second assignment): an export of posts with a column saying which is each person's main post "
                    "(\"Primary Assignment\") is read through it, which wres map proposes; nothing to do if each id is a person of its own",
                    "staff_id", (), 0, "warning")]


def _left_before_the_snapshot(ret: Return, out: Checked) -> list[Problem]:
    """People on the staff list whom leavers.csv has leaving before the snapshot date (and not starting again
    after): a list of everyone employed in the year, not on its last day, overstates every headcount. Said, not
    acted on, since either file may be the one that is wrong."""
    org = ret.organisation
    if org is None or not {"staff", "leavers"} <= set(out.typed):
        return []
    staff, leavers = columns_of(ret.con, "t_staff"), columns_of(ret.con, "t_leavers")
    if "staff_id" not in leavers or "date" not in leavers:
        return []
    start, end = org.period_start.isoformat(), org.period_end.isoformat()
    again = "AND (s.start_date IS NULL OR s.start_date <= l.date)" if "start_date" in staff else ""
    n, rows = ret.con.execute(
        f"SELECT count(DISTINCT s._row), list(DISTINCT s._row ORDER BY s._row)[1:{ROWS_SHOWN}] FROM {STAFF_BY_PERSON} s JOIN t_leavers l ON s.k = {person('l.staff_id')} "
        f"WHERE l.date >= DATE '{start}' AND l.date < DATE '{end}' {again}").fetchone()
    if not n:
        return []
    snapshot = long_date(org.period_end)
    return [Problem(ret.sources["staff"].label, f"{'these people' if n > 1 else 'this person'} left before the snapshot date ({snapshot}), "
                    f"by {ret.sources['leavers'].label}, yet are counted on the staff list", f"staff.csv holds the people employed on {snapshot}: take out "
                    "those who left before it (a list of everyone employed in the year overstates every headcount); if one left and came back, "
                    "give their start_date", "staff_id", tuple(rows), n, "warning")]
