"""The pivot: every return becomes a counts table (metric, service, band, group, numerator, denominator).

Everything after this module (metrics, suppression, reports, national pooling) reads counts only, so an
authority that keeps its data elsewhere can send counts.csv and get the same results.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from wres.ethnicity import GROUPS, Group
from wres.problems import Problem
from wres.read import Return
from wres.schema import SERVICES
from wres.standards import MetricDef
from wres.standards import metric as metric_def
from wres.standards.sc_wres import METRIC_IDS, METRICS
from wres.validate import Checked

COLUMNS = ("metric", "service", "band", "group", "numerator", "denominator")

Key = tuple[str, str, str, Group]  # metric, service, band ("" unless M1), group


@dataclass
class Counts:
    """Numerator and denominator per metric × service × band × group, for the metrics that were submitted."""

    cells: dict[Key, tuple[int, int]] = field(default_factory=dict)
    bands: list[str] = field(default_factory=list)  # M1 bands, lowest first

    @property
    def submitted(self) -> set[str]:
        return {k[0] for k in self.cells}

    def get(self, metric: str, service: str, band: str, group: Group) -> tuple[int, int]:
        """Counts for one cell; service 'all' is the sum of the services (never stored)."""
        services = SERVICES if service == "all" else (service,)
        num = den = 0
        for s in services:
            n, d = self.cells.get((metric, s, band, group), (0, 0))
            num, den = num + n, den + d
        return num, den

    def __add__(self, other: "Counts") -> "Counts":
        """Pooling is a sum of counts, never an average of rates."""
        cells: dict[Key, tuple[int, int]] = defaultdict(lambda: (0, 0))
        for source in (self.cells, other.cells):
            for k, (n, d) in source.items():
                a, b = cells[k]
                cells[k] = (a + n, b + d)
        bands = self.bands + [b for b in other.bands if b not in self.bands]
        return Counts(dict(cells), bands)

    @classmethod
    def from_rows(cls, rows: list[list[Any]] | list[tuple[str, str, str, str, int, int]], bands: list[str]) -> "Counts":
        """The inverse of rows(): counts kept as plain data (the web service's database) come back whole."""
        return cls({(m, s, b, g): (int(n), int(d)) for m, s, b, g, n, d in rows}, list(bands))  # type: ignore[misc]

    def rows(self) -> list[tuple[str, str, str, str, int, int]]:
        order = {m: i for i, m in enumerate(METRIC_IDS)}
        band_order = {b: i for i, b in enumerate(self.bands)}
        keys = sorted(self.cells, key=lambda k: (order[k[0]], SERVICES.index(k[1]), band_order.get(k[2], -1), GROUPS.index(k[3])))
        return [(m, s, b, g, *self.cells[(m, s, b, g)]) for m, s, b, g in keys]

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(self.rows())
        return buf.getvalue()


# --- from records ------------------------------------------------------------------------------------

def _by_group(con, sql: str) -> dict[tuple[str, str], tuple[int, int]]:
    """Run a query returning (service, group, numerator, denominator) rows."""
    return {(s, g): (int(n), int(d)) for s, g, n, d in con.execute(sql).fetchall()}


def _event_person(table: str, id_col: str) -> str:
    """Distinct people: rows sharing an id are one person; rows without an id are one person each."""
    return f"COALESCE({table}.{id_col}, '#' || {table}._row)"


def _count_metric(chk: Checked, m: MetricDef, bands: list[str], memo: dict[str, Any]) -> dict[tuple[str, str, str], tuple[int, int]] | None:
    """(service, band, group) → (numerator, denominator) for one metric; None when its file is missing."""
    con = chk.ret.con
    if m.source not in chk.typed:
        return None
    out: dict[tuple[str, str, str], tuple[int, int]] = {}
    if m.kind in ("pay_band", "staff_flag", "staff_event"):
        if "staff" not in memo:
            memo["staff"] = _staff_cube(con)
        cube = memo["staff"]
    if m.kind == "pay_band":
        head = _sum_cube(cube, None)
        in_band: dict[tuple[str, str, str], int] = defaultdict(int)
        for (s, g, b, _), n in cube.items():
            in_band[(s, b, g)] += n
        keys = set(in_band) | {(s, b, g) for s in SERVICES for g in GROUPS for b in bands}
        return {(s, b, g): (in_band[(s, b, g)], head[(s, g)][1]) for s, b, g in keys}
    if m.kind == "staff_flag":
        res = _sum_cube(cube, m.column)
    elif m.kind == "staff_event":
        den = _sum_cube(cube, m.denominator_flag)
        person = _event_person("e", "staff_id")
        num = _by_group(
            con,
            f"SELECT service, ethnicity, count(DISTINCT {person}), 0 FROM t_{m.source} e "
            f"WHERE date BETWEEN DATE '{chk.ret.organisation.period_start}' AND DATE '{chk.ret.organisation.period_end}' GROUP BY service, ethnicity",  # type: ignore[union-attr]
        )
        res = {k: (num.get(k, (0, 0))[0], den[k][0]) for k in set(num) | set(den)}
    elif m.kind == "recruitment":
        person = _event_person("r", "applicant_id")
        period = chk.ret.organisation
        in_period = f"(date IS NULL OR date BETWEEN DATE '{period.period_start}' AND DATE '{period.period_end}')"  # type: ignore[union-attr]
        res = _by_group(
            con,
            f"SELECT service, ethnicity, count(*) FILTER (WHERE s AND a), count(*) FILTER (WHERE s) FROM ("
            f"SELECT {person} AS p, service, ethnicity, bool_or(shortlisted) AS s, bool_or(appointed) AS a "
            f"FROM t_recruitment r WHERE {in_period} GROUP BY p, service, ethnicity) GROUP BY service, ethnicity",
        )
    else:  # survey: per respondent, any experience; answered if any answer was given
        if "survey" not in memo:
            memo["survey"] = _survey(con)
        res = memo["survey"][m.column]
    for s in SERVICES:
        for g in GROUPS:
            out[(s, "", g)] = res.get((s, g), (0, 0))
    return out


# The staff flags any metric counts or narrows a headcount by (M9's senior managers, M4's registered).
_STAFF_FLAGS = tuple(dict.fromkeys(f for m in METRICS for f in (m.column if m.kind == "staff_flag" else None, m.denominator_flag) if f))
_CubeKey = tuple[str, str, str, tuple[bool | None, ...]]


def _staff_cube(con) -> dict[_CubeKey, int]:
    """Staff by service, group, pay band and every flag, from one grouping: M1, M9 and every headcount add up from it."""
    flags = ", ".join(_STAFF_FLAGS)
    rows = con.execute(f"SELECT service, ethnicity, band, {flags}, count(*) FROM t_staff GROUP BY ALL").fetchall()
    return {(r[0], r[1], r[2], tuple(r[3:-1])): int(r[-1]) for r in rows}


def _sum_cube(cube: dict[_CubeKey, int], flag: str | None) -> dict[tuple[str, str], tuple[int, int]]:
    """(service, group) → (staff with the flag, all staff); with no flag, both are the headcount."""
    out: dict[tuple[str, str], tuple[int, int]] = defaultdict(lambda: (0, 0))
    at = _STAFF_FLAGS.index(flag) if flag else None
    for (s, g, _, flags), n in cube.items():
        a, b = out[(s, g)]
        out[(s, g)] = (a + (n if at is None or flags[at] else 0), b + n)
    return out


def _survey(con) -> dict[str, dict[tuple[str, str], tuple[int, int]]]:
    """Every survey question's counts by service and group, from one grouping of the respondents."""
    questions = [m.column for m in METRICS if m.kind == "survey"]
    person = _event_person("v", "respondent_id")
    per_person = ", ".join(f"bool_or({q}) AS x{i}" for i, q in enumerate(questions))
    counted = ", ".join(f"count(*) FILTER (WHERE x{i}), count(*) FILTER (WHERE x{i} IS NOT NULL)" for i in range(len(questions)))
    rows = con.execute(
        f"SELECT service, ethnicity, {counted} FROM (SELECT {person} AS p, service, ethnicity, {per_person} "
        "FROM t_survey v GROUP BY p, service, ethnicity) GROUP BY service, ethnicity"
    ).fetchall()
    return {q: {(r[0], r[1]): (int(r[2 + 2 * i]), int(r[3 + 2 * i])) for r in rows} for i, q in enumerate(questions)}


def from_records(chk: Checked) -> Counts:
    """Reduce a validated record-level return to counts (the return must have no errors)."""
    assert not chk.errors, "count only a return that validated"
    assert chk.ret.organisation is not None
    bands = [b.label for b in chk.ret.organisation.bands]
    counts = Counts(bands=bands)
    memo: dict[str, Any] = {}  # queries that serve several metrics
    for m in METRICS:
        cells = _count_metric(chk, m, bands, memo)
        if cells is None:
            continue
        for (s, b, g), nd in cells.items():
            counts.cells[(m.id, s, b, g)] = nd  # type: ignore[index]
    return counts


# --- from counts.csv ---------------------------------------------------------------------------------

def from_counts_file(ret: Return) -> tuple[Counts, list[Problem]]:
    """Read and check an aggregate return (counts.csv) into Counts."""
    src = ret.sources["counts"]
    problems: list[Problem] = []
    missing = [c for c in COLUMNS if c not in src.columns]
    for c in missing:
        problems.append(Problem(src.label, f"has no column {c}", f"counts.csv needs the columns {', '.join(COLUMNS)}", c, (1,), 1))
    if missing:
        return Counts(), problems
    rows = ret.con.execute(f"SELECT _row, metric, service, band, \"group\", numerator, denominator FROM {src.table} ORDER BY _row").fetchall()
    if not rows:
        problems.append(Problem(src.label, "has a header but no rows", "fill in the counts, one row per metric × service × band × group"))
    counts = Counts()
    metric_ids = {m.lower(): m for m in METRIC_IDS}
    bands: list[str] = [b.label for b in ret.organisation.bands] if ret.organisation and ret.organisation.pay_bands else []
    for row, metric, service, band, group, num, den in rows:
        def bad(column: str, message: str, fix: str) -> None:
            problems.append(Problem(src.label, message, fix, column, (row,), 1))

        mid = metric_ids.get((metric or "").lower())
        if mid is None:
            bad("metric", f'"{metric or ""}" is not a metric id', f"use one of {', '.join(METRIC_IDS)}")
            continue
        svc = (service or "").lower()
        if svc not in SERVICES:
            bad("service", f'"{service or ""}" is not a service', "write adults or children ('all' is computed, never stored)")
            continue
        grp = (group or "").lower().replace(" ", "_")
        if grp not in GROUPS:
            bad("group", f'"{group or ""}" is not a group', "write minority_ethnic, white or unknown")
            continue
        label = band or ""
        if mid == "M1" and not label:
            bad("band", "M1 needs a pay band", "give the pay band label of the row")
            continue
        if mid != "M1" and label:
            bad("band", f"band is only for M1, not {mid}", "leave band empty")
            continue
        values = []
        for col, v in (("numerator", num), ("denominator", den)):
            try:
                x = float(v)
                if x < 0 or not x.is_integer():
                    raise ValueError
                values.append(int(x))
            except (TypeError, ValueError):
                bad(col, f'"{v or ""}" is not a whole number of people', "write a count (0 or more)")
        if len(values) < 2:
            continue
        if values[0] > values[1] and not EVENTS_MAY_EXCEED[mid]:
            bad("numerator", f"numerator {values[0]} is larger than denominator {values[1]}", "the numerator counts people within the denominator")
            continue
        key = (mid, svc, label, grp)
        if key in counts.cells:
            bad("metric", f"{mid} {svc} {label + ' ' if label else ''}{grp} appears more than once", "keep one row for each metric × service × band × group")
            continue
        if label and label not in bands:
            bands.append(label)
        counts.cells[key] = (values[0], values[1])  # type: ignore[index]
    counts.bands = bands
    problems += _m1_consistency(src.label, counts)
    problems += more_events_than_staff(counts, src.label)
    return counts, problems


# Events over the year are counted against the headcount on its last day, so a group can have more
# leavers (say) than staff at the snapshot. Allowed, with a warning; never for metrics whose numerator
# is a subset of the denominator.
EVENTS_MAY_EXCEED = {m.id: m.kind == "staff_event" for m in METRICS}


def more_events_than_staff(counts: Counts, file: str | None = None) -> list[Problem]:
    problems = []
    for (metric, service, band, group), (n, d) in counts.cells.items():
        if n > d and EVENTS_MAY_EXCEED[metric]:
            m = metric_def(METRICS, metric)
            problems.append(Problem(
                file or f"{m.source}.csv",
                f"{metric} {service} {group.replace('_', ' ')}: {n} people counted but only {d} in the headcount, "
                "so the rate is not a proportion and no confidence interval is given",
                "check the ethnicity and service of these rows against staff.csv (a blank ethnicity is taken from staff.csv)",
                severity="warning",
            ))
    return problems


def _m1_consistency(label: str, counts: Counts) -> list[Problem]:
    """In M1 every band of a group shares one denominator, and the bands add up to it."""
    problems = []
    for s in SERVICES:
        for g in GROUPS:
            cells = [counts.cells[k] for k in counts.cells if k[0] == "M1" and k[1] == s and k[3] == g]
            if not cells:
                continue
            dens = {d for _, d in cells}
            total = sum(n for n, _ in cells)
            if len(dens) > 1 or total != next(iter(dens)):
                problems.append(Problem(
                    label, f"M1 {s} {g}: the bands' numerators add to {total} but the denominators are {sorted(dens)}",
                    "give every M1 band of a group the group's whole headcount as denominator", "denominator",
                ))
    return problems
