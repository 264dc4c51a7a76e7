"""Check a return in one pass and collect every problem; build the typed tables counts.py reads.

Each check is a set-based query over a whole file (no Python loop over rows), so validating two million
staff costs a few column scans. Categorical columns are classified once per distinct value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from wres import schema
from wres.ethnicity import classify, normalise
from wres.problems import ROWS_SHOWN, Problem
from wres.read import RECORD_FILES, Return, Source, ethnicity_mapping, _sql_str
from wres.schema import FILES, PLAN_FILES, Column
from wres.standards.sc_wres import METRIC_IDS

VALUES_SHOWN = 20
_SQL_TYPE = {"id": "VARCHAR", "text": "VARCHAR", "ethnicity": "VARCHAR", "service": "VARCHAR", "band": "VARCHAR",
             "bool": "BOOLEAN", "answer": "BOOLEAN", "date": "DATE", "salary": "DOUBLE", "status": "VARCHAR",
             "metric_list": "VARCHAR"}


def _metric_list(value: str) -> str | None:
    """'m3; M7a' → 'M3;M7a'; None if any part is not a metric id."""
    ids = {m.lower(): m for m in METRIC_IDS}
    parts = [p.strip().lower() for p in re.split(r"[;,]", value)]
    if not parts or any(p not in ids for p in parts):
        return None
    return ";".join(dict.fromkeys(ids[p] for p in parts))


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


def _distinct(ret: Return, src: Source, cols: list[str]) -> dict[str, list[str]]:
    """The distinct values of several columns in one pass over the file."""
    if not cols:
        return {}
    row = ret.con.execute("SELECT " + ", ".join(f"list(DISTINCT {c}) FILTER (WHERE {c} IS NOT NULL)" for c in cols) + f" FROM {src.table}").fetchall()[0]
    return {c: list(v or []) for c, v in zip(cols, row)}


def _vocabulary(ret: Return, src: Source, col: str, lookup: Callable[[str], Any], sql_type: str, distinct: list[str]) -> str:
    """Classify each distinct value once in Python; return a table (raw, val) to join on."""
    table = f"voc_{src.name}_{col}"
    pairs = [(v, lookup(v)) for v in distinct]
    if not pairs:
        ret.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (raw VARCHAR, val {sql_type})")
        return table
    rows = ", ".join("(?, ?)" for _ in pairs)  # one statement: executemany costs a round trip per row
    ret.con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT CAST(raw AS VARCHAR) AS raw, CAST(val AS {sql_type}) AS val "
        f"FROM (VALUES {rows}) v(raw, val)",
        [x for pair in pairs for x in pair],
    )
    return table


def _date_expr(col: str) -> str:
    # ISO first, by the fast cast; the other formats only for rows it leaves empty
    tries = ", ".join(f"try_strptime(r.{col}, '{f}')::DATE" for f in schema.DATE_FORMATS[1:])
    return f"COALESCE(TRY_CAST(r.{col} AS DATE), {tries})"


def _band_expr(ret: Return) -> str:
    """The pay band of a salary, from the organisation's bands (lowest first)."""
    assert ret.organisation is not None
    whens = " ".join(
        f"WHEN annual_salary < {b.below} THEN {_sql_str(b.label)}" for b in ret.organisation.bands if b.below is not None
    )
    return f"CASE WHEN annual_salary IS NULL THEN NULL {whens} ELSE {_sql_str(ret.organisation.bands[-1].label)} END"


def _typed_select(ret: Return, src: Source, cols: list[Column], mapping: dict[str, str], staff_lookup: bool) -> tuple[str, list[_Check]]:
    """The SELECT that types one file, and the checks to run over its result."""
    select = ["r._row AS _row"]
    joins: list[str] = []
    checks: list[_Check] = []
    period = ret.organisation
    categorical = ("ethnicity", "service", "bool", "answer", "band", "status", "metric_list")
    distinct = _distinct(ret, src, [c.name for c in cols if c.kind in categorical])
    for c in cols:
        raw = f"r.{c.name}"
        if _raw(c) != c.name:  # the text as given, kept to name a bad value (an id or text is its own)
            select.append(f"{raw} AS {c.name}_raw")
        if not c.blank_ok:
            checks.append(_Check(f"{_raw(c)} IS NULL", c.name, f"{c.name} is blank", schema.FIXES[c.kind] if c.kind != "id" else f"give every row a {c.name}"))
        if c.kind in categorical:
            lookup, sql_type, message = {
                "ethnicity": (lambda v: classify(v, mapping), "VARCHAR", '"{value}" is not a recognised ethnicity'),
                "service": (lambda v: schema.SERVICE_WORDS.get(normalise(v)), "VARCHAR", '"{value}" is not a service'),
                "bool": (lambda v: schema.BOOL_WORDS.get(normalise(v)), "BOOLEAN", '"{value}" is not yes or no'),
                "answer": (lambda v: schema.ANSWER_WORDS.get(normalise(v)), "BOOLEAN", '"{value}" is not on the survey scale'),
                "band": (_band_lookup(ret), "VARCHAR", '"{value}" is not a pay band'),
                "status": (lambda v: schema.STATUS_WORDS.get(normalise(v)), "VARCHAR", '"{value}" is not a status'),
                "metric_list": (_metric_list, "VARCHAR", '"{value}" names a metric that does not exist'),
            }[c.kind]
            voc = _vocabulary(ret, src, c.name, lookup, sql_type, distinct[c.name])
            joins.append(f"LEFT JOIN {voc} v_{c.name} ON {raw} = v_{c.name}.raw")
            value = f"v_{c.name}.val"
            if c.kind == "ethnicity":
                fallback = "COALESCE(s.grp, 'unknown')" if staff_lookup else "'unknown'"
                value = f"CASE WHEN {raw} IS NULL THEN {fallback} ELSE {value} END"
            if c.kind == "service" and staff_lookup:
                value = f"CASE WHEN {raw} IS NULL THEN s.service ELSE {value} END"
                checks.append(_Check(f"{c.name}_raw IS NULL AND {c.name} IS NULL", c.name, "service is blank and staff_id is not in staff.csv", "write adults or children"))
            select.append(f"{value} AS {c.name}")
            checks.append(_Check(f"{c.name}_raw IS NOT NULL AND {c.name} IS NULL", c.name, message, schema.FIXES[c.kind], by_value=f"{c.name}_raw"))
        elif c.kind == "date":
            select.append(f"{_date_expr(c.name)} AS {c.name}")
            checks.append(_Check(f"{c.name}_raw IS NOT NULL AND {c.name} IS NULL", c.name, '"{value}" is not a date', schema.FIXES["date"], by_value=f"{c.name}_raw"))
            if period is not None and c.name == "date" and src.name in RECORD_FILES:  # events, not plan updates
                start, end = period.period_start.isoformat(), period.period_end.isoformat()
                checks.append(_Check(
                    f"{c.name} NOT BETWEEN DATE '{start}' AND DATE '{end}'", c.name,
                    f"dated outside the reporting period ({start} to {end}): left out of the figures",
                    "check the dates; events outside the period belong to another year's return", severity="warning",
                ))
        elif c.kind == "salary":
            select.append(f"TRY_CAST(replace(replace({raw}, ',', ''), '£', '') AS DOUBLE) AS {c.name}")
            checks.append(_Check(f"{c.name}_raw IS NOT NULL AND {c.name} IS NULL", c.name, '"{value}" is not a number', schema.FIXES["salary"], by_value=f"{c.name}_raw"))
            checks.append(_Check(f"{c.name} < 0", c.name, "salary is negative", schema.FIXES["salary"]))
        else:  # id, text
            select.append(f"{raw} AS {c.name}")
    for c in FILES[src.name]:  # absent optional columns are NULL, so later stages need no special cases
        if c not in cols:
            select.append(f"NULL::{_SQL_TYPE[c.kind]} AS {c.name}")
    if staff_lookup:
        # Only rows with a blank ethnicity or service need staff.csv: look up just their people, not
        # group two million staff for every event file.
        blank = " OR ".join(f"{c.name} IS NULL" for c in cols if c.name in ("ethnicity", "service")) or "false"
        joins.append(
            "LEFT JOIN (SELECT staff_id AS sid, any_value(ethnicity) AS grp, any_value(service) AS service FROM t_staff "
            f"WHERE staff_id IN (SELECT staff_id FROM {src.table} WHERE {blank}) GROUP BY staff_id) s ON r.staff_id = s.sid"
        )
    sql = f"SELECT {', '.join(select)} FROM {src.table} r {' '.join(joins)}"
    return sql, checks


def _raw(c: Column) -> str:
    """The typed table's column holding a column's text as given."""
    return c.name if c.kind in ("id", "text") else f"{c.name}_raw"


def _band_lookup(ret: Return) -> Callable[[str], str | None]:
    labels = {normalise(b.label): b.label for b in ret.organisation.bands} if ret.organisation else {}
    return lambda v: labels.get(normalise(v))


def _file_checks(name: str, cols: set[str], plan: bool = False) -> list[_Check]:
    """Checks across columns of one file."""
    if name == "staff":
        checks = [
            _Check(
                "staff_id IN (SELECT staff_id FROM t_staff GROUP BY staff_id HAVING count(*) > 1)", "staff_id",
                'staff_id "{value}" appears more than once', "give each person one row (their main post at the snapshot date)",
                by_value="staff_id",
            )
        ]
        if {"annual_salary", "pay_band"} <= cols:
            checks.append(_Check("annual_salary_raw IS NULL AND pay_band_raw IS NULL", "annual_salary", "has neither annual_salary nor pay_band", schema.FIXES["salary"]))
        elif "annual_salary" in cols:
            checks.append(_Check("annual_salary_raw IS NULL", "annual_salary", "annual_salary is blank", schema.FIXES["salary"]))
        else:
            checks.append(_Check("pay_band_raw IS NULL", "pay_band", "pay_band is blank", schema.FIXES["band"]))
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


def _run_checks(ret: Return, src: Source, table: str, checks: list[_Check]) -> list[Problem]:
    if not checks:
        return []
    counts = ret.con.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE {c.condition})" for c in checks) + f" FROM {table}"
    ).fetchall()[0]
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
                problems.append(Problem(src.label, check.message.format(value=value), check.fix, check.column, tuple(first), k, sev))
            if len(rows) > VALUES_SHOWN:
                problems.append(Problem(src.label, f"more values like these ({n:,} rows in all)", check.fix, check.column, (), 0, sev))
        else:
            first = ret.con.execute(f"SELECT list(_row ORDER BY _row)[1:{ROWS_SHOWN}] FROM {table} WHERE {check.condition}").fetchall()[0][0]
            problems.append(Problem(src.label, check.message, check.fix, check.column, tuple(first), n, sev))
    return problems


def _check_mapping(ret: Return) -> list[Problem]:
    """Every local code must map to a value the classification knows (a blank target is not allowed)."""
    src = ret.sources["ethnicity_map"]
    rows = ret.con.execute(f"SELECT _row, local_value, ethnicity FROM {src.table} WHERE local_value IS NOT NULL ORDER BY _row").fetchall()
    return [
        Problem(src.label, f'"{local}" maps to "{eth or ""}", which is not a recognised ethnicity', schema.FIXES["ethnicity"], "ethnicity", (row,), 1)
        for row, local, eth in rows
        if not eth or classify(eth) is None
    ]


def validate(ret: Return) -> Checked:
    """Every problem in the return, and typed tables for the files that can be counted."""
    out = Checked(ret, list(ret.problems))
    mapping, problems = ethnicity_mapping(ret)
    out.problems += problems
    if mapping:
        out.problems += _check_mapping(ret)
    # an aggregate return's counts.csv is checked by counts.py; its action plan is checked here
    names = [*([] if "counts" in ret.sources else RECORD_FILES), *PLAN_FILES]
    for name in names:
        src = ret.sources.get(name)
        if src is None:
            if name == "staff" and ret.absent("staff"):
                out.problems.append(Problem("staff.csv", "is missing", "add staff.csv: one row per directly employed person at the snapshot date (see templates/staff.csv)"))
            continue
        cols = set(src.columns)
        missing = [c.name for c in FILES[name] if c.required and c.name not in cols]
        if name == "staff" and not ({"annual_salary", "pay_band"} & cols):
            missing.append("annual_salary (or pay_band)")
        for m in missing:
            out.problems.append(Problem(src.label, f"has no column {m}", f"add a column headed {m} (column names are not case-sensitive)", m, (1,), 1))
        if missing:
            continue
        if src.rows == 0 and name in schema.MUST_HAVE_ROWS:
            out.problems.append(Problem(src.label, "has a header but no rows", f"fill in {src.label} or leave the file out"))
            continue
        present = [c for c in FILES[name] if c.name in cols]
        staff_lookup = name not in ("staff", "recruitment", "survey") and "staff_id" in cols and "staff" in out.typed
        sql, checks = _typed_select(ret, src, present, mapping, staff_lookup)
        table = f"t_{name}"
        if name == "staff" and ret.organisation is not None:
            # A band label given on the row wins over the band of its salary.
            label = "pay_band" if "pay_band" in cols else "NULL"
            salary = _band_expr(ret) if "annual_salary" in cols else "NULL"
            sql = f"SELECT *, COALESCE({label}, {salary}) AS band FROM ({sql})"
        ret.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {sql}")
        out.problems += _run_checks(ret, src, table, checks + _file_checks(name, cols, plan="actions" in out.typed))
        out.typed[name] = table
        src.release(ret.con)
    return out
