"""The pivot: every return becomes a counts table (metric, service, band, group, numerator, denominator).

Everything after this module (metrics, suppression, reports, national pooling) reads counts only, so an
authority that keeps its data elsewhere can send counts.csv and get the same results.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wres import ethnicity, standards
from wres.ethnicity import normalise
from wres.problems import ROWS_SHOWN, Problem
from wres.read import Return, Source, sql_str
from wres.schema import BOOL_WORDS
from wres.standards import MetricDef, Standard
from wres.validate import THOUSANDS, Checked, breakdown_words, columns_of

COLUMNS = ("metric", "service", "band", "group", "numerator", "denominator")
# More than any count of people in a return can be (the UK's population is under 70 million): a larger one
# is an identifier pasted in, or a long number Excel wrote as 1E+25, never a count.
MOST_PEOPLE = 100_000_000

# metric, service (a part of the standard's breakdown, or its total for a metric not broken down), band ("" but
# for a metric of bands), group (one of the standard's group ids)
Key = tuple[str, str, str, str]


@dataclass
class Counts:
    """Numerator and denominator per metric × service × band × group, for the metrics that were submitted."""

    cells: dict[Key, tuple[int, int]] = field(default_factory=dict)
    bands: list[str] = field(default_factory=list)  # pay bands, lowest first
    standard: Standard = None  # type: ignore[assignment]  # whose metrics, breakdown and groups the keys name: always given

    def __post_init__(self) -> None:
        if not isinstance(self.standard, Standard):  # never a default one: an NHS return's counts judged as the SC-WRES's
            raise TypeError("Counts needs the standard its keys are of")

    @property
    def submitted(self) -> set[str]:
        return {k[0] for k in self.cells}

    def get(self, metric: str, service: str, band: str, group: str) -> tuple[int, int]:
        """Counts for one cell. The breakdown's total is the sum of its parts (never stored), except for a
        metric counted for the whole organisation only, which is stored under the total."""
        bd = self.standard.breakdown
        whole = service == bd.total.id and metric in self.standard.metric_ids and not self.standard.metric(metric).breakdown
        services = tuple(p.id for p in bd.parts) if service == bd.total.id and not whole else (service,)
        num = den = 0
        for s in services:
            n, d = self.cells.get((metric, s, band, group), (0, 0))
            num, den = num + n, den + d
        return num, den

    def with_survey(self, survey: "Counts") -> "Counts":
        """These counts with their survey metrics' counts those of `survey` (a staff survey counted elsewhere)."""
        kinds = {m.id for m in self.standard.metrics if m.kind == "survey"}
        return Counts({k: v for k, v in self.cells.items() if k[0] not in kinds} | survey.cells, self.bands, self.standard)

    def __add__(self, other: "Counts") -> "Counts":
        """Pooling is a sum of counts, never an average of rates (of one standard: two standards' never add up)."""
        if other.standard.id != self.standard.id:
            raise ValueError(f"cannot pool {self.standard.name} counts with {other.standard.name} counts")
        cells: dict[Key, tuple[int, int]] = defaultdict(lambda: (0, 0))
        for source in (self.cells, other.cells):
            for k, (n, d) in source.items():
                a, b = cells[k]
                cells[k] = (a + n, b + d)
        bands = self.bands + [b for b in other.bands if b not in self.bands]
        return Counts(dict(cells), bands, self.standard)

    @classmethod
    def from_rows(cls, rows: list[list[Any]] | list[tuple[str, str, str, str, int, int]], bands: list[str],
                  standard: Standard) -> "Counts":
        """The inverse of rows(): counts kept as plain data (the web service's database) come back whole."""
        return cls({(m, s, b, g): (int(n), int(d)) for m, s, b, g, n, d in rows}, list(bands), standard)  # type: ignore[misc]

    def rows(self) -> list[tuple[str, str, str, str, int, int]]:
        """Every cell, in the standard's order: its metrics, its breakdown (parts, then total), bands, groups."""
        std = self.standard
        order = {m: i for i, m in enumerate(std.metric_ids)}
        services = [p.id for p in std.breakdown.all]
        band_order = {b: i for i, b in enumerate(self.bands)}
        for m in std.metrics:
            band_order.update({b: len(self.bands) + i for i, b in enumerate(m.bands) if b not in band_order})
        keys = sorted(self.cells, key=lambda k: (order[k[0]], services.index(k[1]), band_order.get(k[2], -1), std.group_ids.index(k[3])))
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


def _event_person(std: Standard, source: str, table: str, id_col: str) -> str:
    """Distinct people: rows sharing an id are one person; rows without an id (or a file whose standard
    declares no id column) are one person each."""
    if id_col not in {c.name for c in std.files.get(source, ())}:
        return f"'#' || {table}._row"
    return f"COALESCE({table}.{id_col}, '#' || {table}._row)"


def _part_sql(std: Standard, m: MetricDef) -> str:
    """What a record's breakdown part is, in SQL: its breakdown column, or the total for a metric of the whole organisation."""
    return std.breakdown.column if m.breakdown else sql_str(std.breakdown.total.id)


def _count_metric(chk: Checked, m: MetricDef, bands: list[str], memo: dict[str, Any]) -> dict[tuple[str, str, str], tuple[int, int]] | None:
    """(service, band, group) → (numerator, denominator) for one metric; None when its file is missing."""
    con = chk.ret.con
    std = chk.ret.organisation.standard  # type: ignore[union-attr]
    if m.source not in chk.typed:
        return None
    parts = [p.id for p in std.breakdown.parts] if m.breakdown else [std.breakdown.total.id]
    out: dict[tuple[str, str, str], tuple[int, int]] = {}
    if m.kind in ("pay_band", "staff_flag", "staff_event"):
        if "staff" not in memo:
            memo["staff"] = _staff_cube(con, std, chk.ret.organisation.period_end)  # type: ignore[union-attr]
        cube = _whole(memo["staff"], std) if not m.breakdown else memo["staff"]
    if m.kind == "pay_band":
        head = _sum_cube(cube, std, None)
        in_band: dict[tuple[str, str, str], int] = defaultdict(int)
        for (s, g, b, _), n in cube.items():
            if b not in std.excluded_bands:
                in_band[(s, b, g)] += n
        keys = set(in_band) | {(s, b, g) for s in parts for g in std.group_ids for b in bands}
        return {(s, b, g): (in_band[(s, b, g)], head[(s, g)][1]) for s, b, g in keys}
    if m.kind == "staff_flag" and m.bands:  # one band per flag (the voting and the executive board)
        for flag, band in zip(m.columns, m.bands):
            res = _sum_cube(cube, std, flag, with_excluded=True)
            out.update({(s, band, g): res.get((s, g), (0, 0)) for s in parts for g in std.group_ids})
        return out
    if m.kind == "staff_flag":
        res = _sum_cube(cube, std, m.column)
    elif m.kind == "staff_event":
        den = _sum_cube(cube, std, m.denominator_flag)
        person = _event_person(std, m.source, "e", "staff_id")
        num = _by_group(
            con,
            f"SELECT {_part_sql(std, m)}, ethnicity, count(DISTINCT {person}), 0 FROM t_{m.source} e "
            f"WHERE date BETWEEN DATE '{chk.ret.organisation.period_start}' AND DATE '{chk.ret.organisation.period_end}' GROUP BY ALL",  # type: ignore[union-attr]
        )
        res = {k: (num.get(k, (0, 0))[0], den[k][0]) for k in set(num) | set(den)}
    elif m.kind == "recruitment":
        person = _event_person(std, m.source, "r", "applicant_id")
        period = chk.ret.organisation
        in_period = f"(date IS NULL OR date BETWEEN DATE '{period.period_start}' AND DATE '{period.period_end}')"  # type: ignore[union-attr]
        res = _by_group(
            con,
            f"SELECT service, ethnicity, count(*) FILTER (WHERE s AND a), count(*) FILTER (WHERE s) FROM ("
            f"SELECT {person} AS p, {_part_sql(std, m)} AS service, ethnicity, bool_or(shortlisted) AS s, bool_or(appointed) AS a "
            f"FROM t_recruitment r WHERE {in_period} GROUP BY ALL) GROUP BY service, ethnicity",
        )
    else:  # survey: per respondent, any experience; answered if any answer was given
        key = f"survey {m.breakdown}"
        if key not in memo:
            memo[key] = _survey(con, std, [q for q in std.metrics if q.kind == "survey" and q.breakdown == m.breakdown])
        res = memo[key][m.id]
    for s in parts:
        for g in std.group_ids:
            out[(s, "", g)] = res.get((s, g), (0, 0))
    return out


def _staff_flags(std: Standard) -> tuple[str, ...]:
    """The staff flags any metric counts or narrows a headcount by (SC-WRES M9's senior managers, M4's
    registered; NHS WRES indicator 9's board columns)."""
    return tuple(dict.fromkeys(f for m in std.metrics for f in (*(m.questions if m.kind == "staff_flag" else ()), m.denominator_flag) if f))


_CubeKey = tuple[str, str, str, tuple[bool | None, ...]]


def _staff_cube(con, std: Standard, snapshot: date) -> dict[_CubeKey, int]:
    """Staff by breakdown part, group, pay band and every flag, from one grouping: pay bands, flags and every
    headcount add up from it. Only people employed on the snapshot date: one who started after it (an export
    run later holds them; validation warns) is not counted."""
    flags = "".join(f", {f}" for f in _staff_flags(std))
    started = f"WHERE start_date IS NULL OR start_date <= DATE '{snapshot.isoformat()}'" if "start_date" in columns_of(con, "t_staff") else ""
    rows = con.execute(f"SELECT {std.breakdown.column}, ethnicity, band{flags}, count(*) FROM t_staff {started} GROUP BY ALL").fetchall()
    return {(r[0], r[1], r[2], tuple(r[3:-1])): int(r[-1]) for r in rows}


def _whole(cube: dict[_CubeKey, int], std: Standard) -> dict[_CubeKey, int]:
    """The cube with every breakdown part as the total: for a metric of the whole organisation."""
    out: dict[_CubeKey, int] = defaultdict(int)
    for (_, g, b, flags), n in cube.items():
        out[(std.breakdown.total.id, g, b, flags)] += n
    return out


def _sum_cube(cube: dict[_CubeKey, int], std: Standard, flag: str | None, with_excluded: bool = False) -> dict[tuple[str, str], tuple[int, int]]:
    """(service, group) → (staff with the flag, all staff); with no flag, both are the headcount. People of an
    excluded band (non-executive board members) are in no headcount, and counted with a flag only `with_excluded`."""
    out: dict[tuple[str, str], tuple[int, int]] = defaultdict(lambda: (0, 0))
    at = _staff_flags(std).index(flag) if flag else None
    for (s, g, b, flags), n in cube.items():
        staff = b not in std.excluded_bands
        a, d = out[(s, g)]
        flagged = at is None or bool(flags[at])
        out[(s, g)] = (a + (n if flagged and (staff or with_excluded) else 0), d + (n if staff else 0))
    return out


def _survey(con, std: Standard, metrics: list[MetricDef]) -> dict[str, dict[tuple[str, str], tuple[int, int]]]:
    """Every survey metric's counts by breakdown part and group, from one grouping of the respondents. A metric of
    several questions counts a respondent who answered at least once to any, among those who answered any."""
    person = _event_person(std, metrics[0].source, "v", "respondent_id")
    part = _part_sql(std, metrics[0])
    per_person = ", ".join(
        f"bool_or({' OR '.join(f'coalesce({q}, false)' for q in m.questions)}) FILTER (WHERE {' OR '.join(f'{q} IS NOT NULL' for q in m.questions)}) AS x{i}"
        if len(m.questions) > 1 else f"bool_or({m.questions[0]}) AS x{i}"
        for i, m in enumerate(metrics))
    counted = ", ".join(f"count(*) FILTER (WHERE x{i}), count(*) FILTER (WHERE x{i} IS NOT NULL)" for i in range(len(metrics)))
    rows = con.execute(
        f"SELECT service, ethnicity, {counted} FROM (SELECT {person} AS p, {part} AS service, ethnicity, {per_person} "
        "FROM t_survey v GROUP BY ALL) GROUP BY service, ethnicity"
    ).fetchall()
    return {m.id: {(r[0], r[1]): (int(r[2 + 2 * i]), int(r[3 + 2 * i])) for r in rows} for i, m in enumerate(metrics)}


def from_records(chk: Checked) -> Counts:
    """Reduce a validated record-level return to counts (the return must have no errors)."""
    assert not chk.errors, "count only a return that validated"
    assert chk.ret.organisation is not None
    std = chk.ret.organisation.standard
    bands = [b.label for b in chk.ret.organisation.bands]
    counts = Counts(bands=bands, standard=std)
    memo: dict[str, Any] = {}  # queries that serve several metrics
    for m in std.metrics:
        cells = _count_metric(chk, m, bands, memo)
        if cells is None:
            continue
        for (s, b, g), nd in cells.items():
            counts.cells[(m.id, s, b, g)] = nd
    return counts


# --- from counts.csv ---------------------------------------------------------------------------------

def from_counts_file(ret: Return, src: Source | None = None) -> tuple[Counts, list[Problem]]:
    """Read and check an aggregate return (counts.csv) into Counts, in the words of the return's standard; or
    `src`, a record return's counts.csv of its survey's figures (read._survey_as_counts)."""
    src = src or ret.sources["counts"]
    std = ret.organisation.standard if ret.organisation is not None else standards.load()
    problems: list[Problem] = []
    missing = [c for c in COLUMNS if c not in src.columns]
    for c in missing:
        problems.append(Problem(src.label, f"has no column {c}", f"counts.csv needs the columns {', '.join(COLUMNS)}", c, (1,), 1))
    if missing:
        return Counts(standard=std), problems
    rows = ret.con.execute(f"SELECT _row, metric, service, band, \"group\", numerator, denominator FROM {src.table} ORDER BY _row").fetchall()
    rows = [r for r in rows if any(str(v).strip() for v in r[1:] if v is not None)]  # a row of empty cells (",,,,,") is no row
    if not rows:
        problems.append(Problem(src.label, "has a header but no rows", "fill in the counts, one row per metric × service × band × group"))
    counts = Counts(standard=std)
    metric_ids = {m.lower(): m for m in std.metric_ids}
    # a service as the record files take it ("Adult Social Care", "CSC"), but a yes or no, which only a flag column means
    parts = {w: p for w, p in breakdown_words(std).items() if w not in BOOL_WORDS}
    total = std.breakdown.total.id
    # a group by its id, its label or words ("Minority ethnic"), or a name the ethnicity table gives groups ("BME")
    groups = {ethnicity.key(name): g.id for g in std.groups for name in (g.id, g.label, g.words)}
    by_class = {g.classification: g.id for g in std.groups}
    bands: list[str] = [b.label for b in ret.organisation.bands] if ret.organisation and (ret.organisation.pay_bands or std.bands_from == "labels") else []
    found: dict[tuple[str, str, str], list[int]] = {}  # (column, message, fix) → its rows: one problem each, as validation says them
    uneven: list[tuple[int, str]] = []  # survey percentages no whole number of the respondents gives: row, how it was read
    for row, metric, service, band, group, num, den in rows:
        def bad(column: str, message: str, fix: str) -> None:
            found.setdefault((column, message, fix), []).append(row)

        mid = metric_ids.get((metric or "").lower())
        if mid is None:
            bad("metric", f'"{metric or ""}" is not a metric id', f"use one of {', '.join(std.metric_ids)}")
            continue
        m = std.metric(mid)
        svc = (service or "").lower()
        if m.breakdown and normalise(svc) not in parts:
            bad("service", f'"{service or ""}" is not a service', f"write {' or '.join(p.id for p in std.breakdown.parts)} ('{total}' is computed, never stored)")
            continue
        if not m.breakdown and svc.strip() not in (total.lower(), ""):  # blank: of the whole organisation, the only way it is counted
            bad("service", f'{mid} is counted for the whole {std.organisation}, not by {std.breakdown.column}', f"write {total} as its service")
            continue
        grp = groups.get(ethnicity.key(group or "")) or by_class.get(ethnicity.group_named(group or "") or "")
        if grp is None:
            bad("group", f'"{group or ""}" is not a group', f"write {', '.join(std.group_ids[:-1])} or {std.group_ids[-1]}")
            continue
        label = band or ""
        if m.kind == "pay_band" and not label:
            bad("band", f"{mid} needs a pay band", "give the pay band label of the row")
            continue
        if m.bands and label not in m.bands:
            bad("band", f'{mid} needs one of its bands: {", ".join(m.bands)}', f"give the band of the row: {' or '.join(m.bands)}")
            continue
        if m.kind != "pay_band" and not m.bands and label:
            of_bands = [x.id for x in std.metrics if x.kind == "pay_band" or x.bands]
            bad("band", f"band is only for {' and '.join(of_bands)}, not {mid}", "leave band empty")
            continue
        if m.kind == "pay_band" and std.bands_from == "labels" and label not in bands:
            bad("band", f'"{label}" is not a {std.name} pay band', f"use one of {', '.join(bands)}")
            continue
        values = []
        share = _percentage(num)  # a survey's published result: its share of the respondents (the denominator)
        if share is not None and m.kind != "survey":
            bad("numerator", f'"{num}" is a percentage', "write the number of people (a percentage is read only for the staff survey's "
                "metrics, whose results come as percentages of the respondents)")
            continue
        if share is not None and share > 100:
            bad("numerator", f'"{num}" is more than 100%', "write the share of the respondents (the denominator) who answered so")
            continue
        for col, v in (("numerator", num), ("denominator", den)):
            text = (v or "").strip()
            if col == "numerator" and share is not None:
                continue
            if not text and share is not None:  # a result published without its base: the percentage is of nobody yet
                bad(col, f"{col} is blank", "write how many answered the question (the survey's results give it as n or base): the "
                    "percentage is a share of them")
                continue
            if not text:  # a zero left blank, as a sheet typed by hand may: said as blank, never taken for 0
                bad(col, f"{col} is blank", "write the count, 0 if there were none")
                continue
            try:
                text = text.replace(",", "") if re.fullmatch(THOUSANDS, text) else text  # 1,234 as a sheet shows it
                x = int(text) if text.isdigit() else float(text)  # digits exactly (a float rounds past 2**53); else 12.0, 1E+3
                if x < 0 or (isinstance(x, float) and not x.is_integer()):
                    raise ValueError
            except (TypeError, ValueError):
                bad(col, f'"{v}" is not a whole number of people', "write a count (0 or more)" + (
                    ', or the survey\'s result as its percentage, with its % sign ("27.5%")' if m.kind == "survey" and col == "numerator" else ""))
                continue
            if x > MOST_PEOPLE:  # an identifier or phone number pasted in, or Excel's 1E+25
                bad(col, f'"{v}" is more people than any count can hold', "check the count: it is a number of people")
                continue
            values.append(int(x))
        if share is not None and values:
            values.insert(0, int(share * values[0] / 100 + 0.5))  # the respondents it is, to the nearest whole person
            places = len(num.strip().rstrip("%").strip().partition(".")[2])  # as precise as it was written
            if values[1] and abs(round(100 * values[0] / values[1], places) - share) > 10 ** -places / 2 + 1e-9:
                uneven.append((row, f"{num.strip()} of {values[1]:,} is {share * values[1] / 100:,.2f} people: read as {values[0]:,}, "
                               f"{100 * values[0] / values[1]:.{places}f}%"))
        if len(values) < 2:
            continue
        if values[0] > values[1] and not m.events_may_exceed:
            bad("numerator", f"numerator {values[0]} is larger than denominator {values[1]}", "the numerator counts people within the denominator")
            continue
        key = (mid, parts.get(normalise(svc), total), label, grp)
        if key in counts.cells:
            bad("metric", f"{mid} {key[1]} {label + ' ' if label else ''}{grp} appears more than once", "keep one row for each metric × service × band × group")
            continue
        if label and m.kind == "pay_band" and label not in bands:
            bands.append(label)
        counts.cells[key] = (values[0], values[1])
    counts.bands = bands
    problems += [Problem(src.label, message, fix, column, tuple(at[:ROWS_SHOWN]), len(at)) for (column, message, fix), at in found.items()]
    if uneven:  # (the figures in the fix only: a warning's message is published)
        problems.append(Problem(src.label, "has survey percentages that no whole number of the respondents gives",
                                f"check each base is the number who answered that question ({uneven[0][1]}); a weighted percentage is "
                                "not a share of people: give the survey's unweighted percentage, or its count",
                                "numerator", tuple(r for r, _ in uneven[:ROWS_SHOWN]), len(uneven), "warning"))
    problems += _rows_left_out(src.label, counts) if not found else []
    problems += _pay_band_consistency(src.label, counts)
    problems += more_events_than_staff(counts, src.label)
    return counts, problems


def _percentage(value: str | None) -> float | None:
    """A cell written as a percentage ("27.5%"), as the share it is; None for any other."""
    found = re.fullmatch(r"(\d+(?:\.\d*)?)\s*%", (value or "").strip())
    return float(found.group(1)) if found else None


def more_events_than_staff(counts: Counts, file: str | None = None) -> list[Problem]:
    """Events over the year are counted against the headcount on its last day, so a group can have more leavers
    (say) than staff at the snapshot: allowed, with a warning, for the metrics whose standard says so
    (MetricDef.events_may_exceed); never for metrics whose numerator is a subset of the denominator."""
    problems = []
    std = counts.standard
    words = {g.id: g.words for g in std.groups}
    for (metric, service, band, group), (n, d) in counts.cells.items():
        m = std.metric(metric)
        if n > d and m.events_may_exceed and m.kind != "staff_flag":
            problems.append(Problem(
                file or f"{m.source}.csv",
                f"{metric} {service} {words.get(group, group)}: {n} people counted but only {d} in the headcount, "
                "so the rate is not a proportion and no confidence interval is given",
                f"check the ethnicity{' and ' + std.breakdown.column if m.breakdown else ''} of these rows against staff.csv "
                "(a blank ethnicity is taken from staff.csv)",
                severity="warning",
            ))
    return problems


def _rows_left_out(label: str, counts: Counts) -> list[Problem]:
    """A metric given for one service and not the other, or for one group and not the one it is compared with: a
    row typed by hand and forgotten. Read as 0 of 0, it would say the other service had no staff, and the whole
    authority's figure, which adds the services, would be one service's said of both. A missing row is never 0
    (as a blank count is not); a missing unknown group is no one not stated, which needs no row."""
    std = counts.standard
    compared = [g for g in std.group_ids if g != std.unknown.id]
    words = {g.id: g.label for g in std.groups}
    problems = []
    for m in std.metrics:
        keys = [k for k in counts.cells if k[0] == m.id]
        if not keys:
            continue
        given = {k[1] for k in keys}
        for s in [p.id for p in std.breakdown.parts if p.id not in given] if m.breakdown else []:
            problems.append(Problem(label, f"{m.id} has rows for {', '.join(sorted(given))} but none for {s}",
                                    f"give its {s} rows, 0 where there was no one: a missing row is not read as 0", "service"))
        for s, b in dict.fromkeys((k[1], k[2]) for k in keys):
            lacking = [g for g in compared if (m.id, s, b, g) not in counts.cells]
            if lacking:
                problems.append(Problem(label, f"{m.id} {s}{' ' + b if b else ''}: no row for {' or '.join(words[g] for g in lacking)}",
                                        "give the row, 0 where there was no one: a missing row is not read as 0, and the groups are compared", "group"))
    return problems


def _pay_band_consistency(label: str, counts: Counts) -> list[Problem]:
    """In a pay band metric every band of a group shares one denominator, and the bands add up to it."""
    problems = []
    std = counts.standard
    for m in std.metrics:
        if m.kind != "pay_band":
            continue
        for s in [p.id for p in std.breakdown.parts] if m.breakdown else [std.breakdown.total.id]:
            for g in std.group_ids:
                cells = [counts.cells[k] for k in counts.cells if k[0] == m.id and k[1] == s and k[3] == g]
                if not cells:
                    continue
                dens = {d for _, d in cells}
                total = sum(n for n, _ in cells)
                if len(dens) > 1 or total != next(iter(dens)):
                    problems.append(Problem(
                        label, f"{m.id} {s} {g}: the bands' numerators add to {total} but the denominators are {sorted(dens)}",
                        f"give every {m.id} band of a group the group's whole headcount as denominator", "denominator",
                    ))
    return problems
