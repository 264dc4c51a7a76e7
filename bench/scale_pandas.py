"""The usual way: the SC-WRES counts table of a demo return, as an analyst would write it in pandas.

    .venv/bin/python bench/scale_pandas.py DIR --out counts.csv [--timing timing.json]

(pandas is in the project's `bench` extra: `pip install -e '.[bench]'`.)

`bench/bench_scale.py` times this beside `wres` and the DuckDB floor (scale_floor.py). It is deliberately
plain: `pd.read_csv` of each file with its default engine, ethnicity mapped with a dict, boolean columns
compared with "yes", `groupby(...).size()` / `.nunique()` / `.any()`. No validation, like the floor. The
ethnicity dict is the floor's (the demo's spellings, each classified by wres.ethnicity.classify), the
pay bands are wres's defaults, and the output is written by the floor's `to_csv`, so the file is exactly
wres's counts.csv. The rules are the data contract's: distinct people per service and group in the
reporting period, an event's blank ethnicity taken from staff.csv by staff_id, per applicant and per
respondent for recruitment and the survey.
"""

from __future__ import annotations

import time

START = time.perf_counter()  # before the imports: the in-process time excludes only interpreter start-up

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tomllib  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from scale_floor import BANDS, DEFAULT_PAY_BANDS, GROUP_OF, GROUPS, SERVICES, to_csv  # noqa: E402  (this folder is on sys.path)

NO_EXPERIENCE = {"Never", "never", "No", "no", "0"}


def group_of(ethnicity: pd.Series) -> pd.Series:
    """The three groups from the dict; blank stays NaN (the caller decides); an unknown spelling stops us."""
    group = ethnicity.map(GROUP_OF)
    odd = ethnicity.notna() & group.isna()
    if odd.any():
        raise SystemExit(f"unexpected ethnicity values: {sorted(ethnicity[odd].unique())[:5]}")
    return group


def person(ids: pd.Series) -> pd.Series:
    """Who a row is: its id, or for a row without one the row number (each such row is one person)."""
    return ids.fillna("#" + ids.index.astype(str).to_series(index=ids.index))


def fill(cells: dict, metric: str, num: pd.Series, den: pd.Series) -> None:
    """cells[metric, service, '', group] for every service × group; num and den are indexed (service, group)."""
    for s in SERVICES:
        for g in GROUPS:
            cells[metric, s, "", g] = (int(num.get((s, g), 0)), int(den.get((s, g), 0)))


def counts(root: Path) -> dict[tuple[str, str, str, str], tuple[int, int]]:
    org = tomllib.loads((root / "organisation.toml").read_text(encoding="utf-8"))
    start, end = pd.Timestamp(org["period_start"]), pd.Timestamp(org["period_end"])
    cells: dict[tuple[str, str, str, str], tuple[int, int]] = {}

    # staff: group, pay band, flags; M1, M9 and the headcounts.
    staff = pd.read_csv(root / "staff.csv")
    staff["group"] = group_of(staff["ethnicity"]).fillna("unknown")
    edges = [-np.inf] + [b.below for b in DEFAULT_PAY_BANDS if b.below is not None] + [np.inf]
    staff["band"] = pd.cut(staff["annual_salary"], edges, right=False, labels=BANDS)
    staff["senior"] = staff["senior_manager"].eq("yes")
    staff["registered"] = staff["registered_professional"].eq("yes")
    head = staff.groupby(["service", "group"]).size()
    registered = staff[staff["registered"]].groupby(["service", "group"]).size()
    in_band = staff.groupby(["service", "band", "group"], observed=True).size()
    for s in SERVICES:
        for g in GROUPS:
            for b in BANDS:
                cells["M1", s, b, g] = (int(in_band.get((s, b, g), 0)), int(head.get((s, g), 0)))
    fill(cells, "M9", staff[staff["senior"]].groupby(["service", "group"]).size(), head)

    # event files: distinct people in the period; blank ethnicity (or service) from staff.csv by staff_id.
    lookup = staff[["staff_id", "group", "service"]].rename(columns={"group": "staff_group", "service": "staff_service"})
    for metric, name, den in (("M3", "disciplinary", head), ("M4", "fitness_to_practise", registered),
                              ("M5", "training", head), ("M8", "leavers", head)):
        ev = pd.read_csv(root / f"{name}.csv", parse_dates=["date"])
        ev = ev[ev["date"].between(start, end)]
        ev = ev.merge(lookup, on="staff_id", how="left")
        ev["group"] = group_of(ev["ethnicity"]).fillna(ev["staff_group"]).fillna("unknown")
        ev["service"] = ev["service"].fillna(ev["staff_service"])
        ev["person"] = person(ev["staff_id"])
        fill(cells, metric, ev.groupby(["service", "group"])["person"].nunique(), den)

    # recruitment (M2): per applicant, shortlisted, and shortlisted and appointed.
    rec = pd.read_csv(root / "recruitment.csv", parse_dates=["date"])
    rec = rec[rec["date"].isna() | rec["date"].between(start, end)]
    rec["group"] = group_of(rec["ethnicity"]).fillna("unknown")
    rec["person"] = person(rec["applicant_id"])
    rec["shortlisted"] = rec["shortlisted"].eq("yes")
    rec["appointed"] = rec["appointed"].eq("yes")
    per = rec.groupby(["person", "service", "group"])[["shortlisted", "appointed"]].any().reset_index()
    listed = per[per["shortlisted"]]
    fill(cells, "M2", listed[listed["appointed"]].groupby(["service", "group"]).size(), listed.groupby(["service", "group"]).size())

    # survey (M6, M7a, M7b): per respondent, any experience among those who answered.
    sv = pd.read_csv(root / "survey.csv")
    sv["group"] = group_of(sv["ethnicity"]).fillna("unknown")
    sv["person"] = person(sv["respondent_id"])
    for metric, q in (("M6", "abuse_public"), ("M7a", "abuse_colleagues"), ("M7b", "abuse_managers")):
        sv["answered"] = sv[q].notna()
        sv["experienced"] = sv["answered"] & ~sv[q].isin(NO_EXPERIENCE)
        per = sv.groupby(["person", "service", "group"])[["answered", "experienced"]].any()
        by_group = per.groupby(["service", "group"]).sum()
        fill(cells, metric, by_group["experienced"], by_group["answered"])
    return cells


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
