"""The floor: the SC-WRES counts table of a demo return computed by hand-written DuckDB SQL, with no validation.

    .venv/bin/python bench/scale_floor.py DIR --out counts.csv [--timing timing.json]

This is what `bench/bench_scale.py` measures `wres` against: the least work that gives the same counts as
`wres counts DIR` on a demo return (`wres demo DIR --staff N`). Each file is read once by DuckDB with typed
columns (so yes/no and dates are parsed by the CSV reader, not checked), and reduced by one grouped query:

- ethnicity → group by one CASE over the exact spellings the demo writes (each spelling's group is looked
  up by wres.ethnicity.classify and the standard's groups, so it is the engine's own table);
  an event row's blank ethnicity (and service) is taken from staff.csv by staff_id, as the data contract
  says; blank elsewhere is unknown;
- pay band from annual_salary (the default bands: < 30,000, < 70,000, the rest);
- event files count distinct people (staff_id; a row without one is one person) per service and group,
  within the reporting period of organisation.toml;
- survey answers: Never/no is no experience, blank is not answered, anything else is an experience;
  counted per respondent_id;
- recruitment per applicant_id: shortlisted, and shortlisted and appointed, with a date in the period or
  none.

No row is validated: an unexpected value gives wrong counts (or a group this script does not know, which
stops it), and the harness catches that by comparing the output with `wres counts`. The output is exactly
wres's counts.csv (wres.counts.Counts.to_csv): same columns, same row order, a row for every cell.
"""

from __future__ import annotations

import time

START = time.perf_counter()  # before the imports: the in-process time excludes only interpreter start-up

import argparse  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tomllib  # noqa: E402
from pathlib import Path  # noqa: E402

# Small modules of data only (no DuckDB, no pydantic): the classification table, metric ids and bands.
from wres.ethnicity import classify  # noqa: E402
from wres.standards import load as load_standard  # noqa: E402

STANDARD = load_standard("sc-wres")  # the demo's standard: its groups, metrics and default pay bands
GROUPS = STANDARD.group_ids  # focus, reference, unknown: the order of every table
METRIC_IDS = STANDARD.metric_ids
DEFAULT_PAY_BANDS = STANDARD.default_bands

SERVICES = ("adults", "children")

# Every ethnicity spelling `wres demo` writes (wres.demo._ETHNICITIES; blank is handled separately). Kept
# here rather than imported because importing wres.demo costs about half a second (numpy, pyarrow);
# bench_scale.py checks that the two lists agree before it times anything.
DEMO_ETHNICITIES = (
    "English, Welsh, Scottish, Northern Irish or British",
    "White: English, Welsh, Scottish, Northern Irish or British",
    "Any other White background",
    "White - Any other White background",
    "Irish",
    "Gypsy or Irish Traveller",
    "Roma",
    "White",
    "A",
    "C",
    "African",
    "Black: African",
    "Caribbean",
    "Black - Caribbean",
    "Any other Black, Black British, or Caribbean background",
    "Black",
    "M",
    "N",
    "Indian",
    "Asian: Indian",
    "Pakistani",
    "Bangladeshi",
    "Chinese",
    "Any other Asian background",
    "Asian",
    "H",
    "White and Black Caribbean",
    "White and Black African",
    "White and Asian",
    "Any other Mixed or multiple ethnic background",
    "Mixed",
    "Arab",
    "Any other ethnic group",
    "Not stated",
    "Prefer not to say",
)

# spelling → group, exactly as the engine classifies it (shared with scale_pandas.py)
_GROUP = {g.classification: g.id for g in STANDARD.groups}
GROUP_OF: dict[str, str] = {v: _GROUP[classify(v)] for v in DEMO_ETHNICITIES}  # type: ignore[index]

BANDS = [b.label for b in DEFAULT_PAY_BANDS]  # lowest first; the demo's organisation.toml sets none
UNEXPECTED = "?"  # the CASE's ELSE: a spelling not in the list (no validation, but never a silent guess)


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ethnicity_case(column: str) -> str:
    """CASE mapping the demo's spellings to the three groups (NULL stays NULL: the caller decides)."""
    by_group: dict[str, list[str]] = {}
    for value, group in GROUP_OF.items():
        by_group.setdefault(group, []).append(_q(value))
    whens = " ".join(f"WHEN {column} IN ({', '.join(values)}) THEN {_q(group)}" for group, values in by_group.items())
    return f"CASE WHEN {column} IS NULL THEN NULL {whens} ELSE {_q(UNEXPECTED)} END"


def person(id_column: str) -> str:
    """Who a row is: its id, or for a row without one a fresh unique key (each such row is one person).

    COALESCE only evaluates the second argument for rows whose id is blank, so this costs nothing here.
    """
    return f"COALESCE({id_column}, '#' || gen_random_uuid())"


def read_csv(path: Path, types: dict[str, str]) -> str:
    """read_csv() with every column of the header named, typed where `types` says, VARCHAR elsewhere.

    Naming the columns skips DuckDB's sniffing; BOOLEAN parses yes/no, DATE parses ISO dates.
    """
    with path.open(encoding="utf-8") as f:
        header = next(csv.reader([f.readline()]))
    columns = ", ".join(f"{_q(c)}: {_q(types.get(c, 'VARCHAR'))}" for c in header)
    return f"read_csv({_q(str(path))}, header=true, auto_detect=false, delim=',', quote='\"', columns={{{columns}}})"


def counts(root: Path) -> dict[tuple[str, str, str, str], tuple[int, int]]:
    """(metric, service, band, group) → (numerator, denominator) for a demo return in `root`."""
    import duckdb  # here, so that scale_pandas.py can import GROUP_OF without loading DuckDB

    org = tomllib.loads((root / "organisation.toml").read_text(encoding="utf-8"))
    period = f"DATE '{org['period_start']}' AND DATE '{org['period_end']}'"
    con = duckdb.connect()
    cells: dict[tuple[str, str, str, str], tuple[int, int]] = {}

    # staff.csv: one table kept in memory (the event files look blank ethnicities up in it), then one
    # grouped query gives M1 (per band), M9 and the two headcounts (all staff; registered, for M4).
    bands = " ".join(f"WHEN annual_salary < {b.below} THEN {_q(b.label)}" for b in DEFAULT_PAY_BANDS if b.below is not None)
    staff_csv = read_csv(root / "staff.csv", {"senior_manager": "BOOLEAN", "registered_professional": "BOOLEAN", "annual_salary": "DOUBLE"})
    con.execute(f"""
        CREATE TEMP TABLE staff AS
        SELECT staff_id, COALESCE({ethnicity_case('ethnicity')}, 'unknown') AS grp, service,
               senior_manager AS senior, registered_professional AS registered,
               CASE {bands} ELSE {_q(BANDS[-1])} END AS band
        FROM {staff_csv}
    """)
    rows = con.execute("""
        SELECT service, grp, band, count(*), count(*) FILTER (WHERE senior), count(*) FILTER (WHERE registered)
        FROM staff GROUP BY ALL
    """).fetchall()
    head: dict[tuple[str, str], int] = {}  # (service, group) → headcount
    registered: dict[tuple[str, str], int] = {}
    senior: dict[tuple[str, str], int] = {}
    in_band: dict[tuple[str, str, str], int] = {}
    for s, g, b, n, sen, reg in rows:
        head[s, g] = head.get((s, g), 0) + n
        registered[s, g] = registered.get((s, g), 0) + reg
        senior[s, g] = senior.get((s, g), 0) + sen
        in_band[s, b, g] = n
    for s in SERVICES:
        for g in GROUPS:
            for b in BANDS:
                cells["M1", s, b, g] = (in_band.get((s, b, g), 0), head.get((s, g), 0))
            cells["M9", s, "", g] = (senior.get((s, g), 0), head.get((s, g), 0))

    # Event files: distinct people in the period per service and group; a blank ethnicity (or service)
    # comes from staff.csv by staff_id.
    for metric, name, denominator in (("M3", "disciplinary", head), ("M4", "fitness_to_practise", registered),
                                      ("M5", "training", head), ("M8", "leavers", head)):
        rows = con.execute(f"""
            SELECT COALESCE(e.service, s.service) AS service,
                   CASE WHEN e.ethnicity IS NULL THEN COALESCE(s.grp, 'unknown') ELSE {ethnicity_case('e.ethnicity')} END AS grp,
                   count(DISTINCT {person('e.staff_id')})
            FROM {read_csv(root / f'{name}.csv', {'date': 'DATE'})} e
            LEFT JOIN staff s ON e.staff_id = s.staff_id
            WHERE e.date BETWEEN {period}
            GROUP BY ALL
        """).fetchall()
        people = {(s, g): int(n) for s, g, n in rows}
        for s in SERVICES:
            for g in GROUPS:
                cells[metric, s, "", g] = (people.get((s, g), 0), denominator.get((s, g), 0))
        _no_surprises(name, people)

    # recruitment.csv (M2): per applicant (a row without applicant_id is a person of its own: it gets a
    # fresh unique key), shortlisted; and shortlisted and appointed.
    rows = con.execute(f"""
        SELECT service, grp, count(*) FILTER (WHERE s AND a), count(*) FILTER (WHERE s) FROM (
            SELECT {person('applicant_id')} AS p, service, COALESCE({ethnicity_case('ethnicity')}, 'unknown') AS grp,
                   bool_or(shortlisted) AS s, bool_or(appointed) AS a
            FROM {read_csv(root / 'recruitment.csv', {'shortlisted': 'BOOLEAN', 'appointed': 'BOOLEAN', 'date': 'DATE'})}
            WHERE date IS NULL OR date BETWEEN {period}
            GROUP BY ALL
        ) GROUP BY ALL
    """).fetchall()
    appointed = {(s, g): (int(a), int(n)) for s, g, a, n in rows}
    for s in SERVICES:
        for g in GROUPS:
            cells["M2", s, "", g] = appointed.get((s, g), (0, 0))
    _no_surprises("recruitment", appointed)

    # survey.csv (M6, M7a, M7b): per respondent, any experience (numerator) among those who answered any
    # (denominator). Grouping by person first, then counting, is far quicker in DuckDB than six
    # count(DISTINCT …) aggregates.
    questions = (("M6", "abuse_public"), ("M7a", "abuse_colleagues"), ("M7b", "abuse_managers"))
    per_person = ", ".join(
        f"bool_or(CASE WHEN {q} IS NULL THEN NULL WHEN {q} IN ('Never', 'never', 'No', 'no', '0') THEN false ELSE true END) AS {q}"
        for _, q in questions
    )
    rows = con.execute(f"""
        SELECT service, grp, {", ".join(f"count(*) FILTER (WHERE {q}), count({q})" for _, q in questions)} FROM (
            SELECT {person('respondent_id')} AS p, service, COALESCE({ethnicity_case('ethnicity')}, 'unknown') AS grp, {per_person}
            FROM {read_csv(root / 'survey.csv', {})}
            GROUP BY ALL
        ) GROUP BY ALL
    """).fetchall()
    survey = {(r[0], r[1]): [int(x) for x in r[2:]] for r in rows}
    for i, (metric, _) in enumerate(questions):
        for s in SERVICES:
            for g in GROUPS:
                row = survey.get((s, g))
                cells[metric, s, "", g] = (row[2 * i], row[2 * i + 1]) if row else (0, 0)
    _no_surprises("survey", survey)
    con.close()
    return cells


def _no_surprises(name: str, found: dict[tuple[str, str], object]) -> None:
    """A service or group outside the expected ones means the data are not the demo's: stop, never drop."""
    odd = [k for k in found if k[0] not in SERVICES or k[1] not in GROUPS]
    if odd:
        raise SystemExit(f"{name}.csv: unexpected service/group {odd} (this script only reads demo returns)")


def to_csv(cells: dict[tuple[str, str, str, str], tuple[int, int]]) -> str:
    """wres's counts.csv: header, then rows by metric, service, band (lowest first), group."""
    order = {m: i for i, m in enumerate(METRIC_IDS)}
    band_order = {b: i for i, b in enumerate(BANDS)}
    keys = sorted(cells, key=lambda k: (order[k[0]], SERVICES.index(k[1]), band_order.get(k[2], -1), GROUPS.index(k[3])))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("metric", "service", "band", "group", "numerator", "denominator"))
    w.writerows((*k, *cells[k]) for k in keys)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="a demo return (wres demo DIR --staff N)")
    parser.add_argument("--out", type=Path, required=True, help="where to write counts.csv")
    parser.add_argument("--timing", type=Path, help="write {\"seconds\": …} (time inside this process) here")
    opts = parser.parse_args()
    opts.out.write_text(to_csv(counts(opts.dir)), encoding="utf-8")
    if opts.timing:
        opts.timing.write_text(json.dumps({"seconds": time.perf_counter() - START}))


if __name__ == "__main__":
    sys.exit(main())
