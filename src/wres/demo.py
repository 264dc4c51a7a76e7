"""A realistic synthetic SC-WRES return for a fictional London borough (`wres demo`).

Why it exists: people trying the tool need a return that looks like theirs (a few hundred staff across
adult and children's social care, a small minority ethnic headcount in most cells, untidy event files),
and the benchmarks need the same return at millions of rows. So the data are:

- fictional (the London Borough of Eastmere does not exist; no row describes a real person);
- deterministic: the same seed and staff number give byte-identical files;
- vectorised with numpy and written by DuckDB, so 2,000,000 staff take seconds, not minutes;
- shaped like the national SC-WRES 2023/2024 picture (relative likelihoods of minority ethnic vs white
  staff: appointed from shortlisting ~0.5, disciplinary ~1.4, fitness to practise ~2, CPD ~1.0, leaving
  ~1.2, senior manager ~0.55, top pay band ~0.6, abuse from public/colleagues/managers ~1.2/1.3/1.9);
- a little messy on purpose, so that `wres validate` has something to say: ethnicity written in several
  accepted forms, some blank event ethnicities (filled from staff.csv by staff_id), people with two training
  rows (counted once), and a handful of events dated just outside the reporting period (a warning);
- with an action plan (actions.csv, action_updates.csv) drawn from the action catalogue and updated monthly
  through the year, untidy as real plans are: a stale action, an overdue one, one complete early.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from wres import standards
from wres.standards.action_catalogue import CATALOGUE, Entry
from wres.standards.demo_plan import NHS_PLAN, PLAN

PERIOD_START = date(2024, 4, 1)
PERIOD_END = date(2025, 3, 31)
_DAYS = (PERIOD_END - PERIOD_START).days + 1
_EPOCH_OFFSET = (PERIOD_START - date(1970, 1, 1)).days  # date32 counts days since 1970-01-01

WHITE, MINORITY, UNKNOWN = 0, 1, 2
SENIOR_SHARE = 0.04
ADULTS_SHARE = 0.55

@dataclass(frozen=True)
class Profile:
    """Who the fictional authority is: the national demo varies these across authorities."""

    name: str = "London Borough of Eastmere"
    code: str = "E09000099"
    region: str = "London"
    minority_share: float = 0.27  # of the workforce
    local_population_pct: float = 28.0  # the focus group's share of the local population (SC-WRES reports it)


EASTMERE = Profile()

ORGANISATION_TOML = """\
# A FICTIONAL authority: synthetic demo data written by `wres demo` (seed {seed}, {staff:,} staff).
# {name}, its code and every person in these files are invented.
name = "{name}"
code = "{code}"
region = "{region}"
period_start = {start}
period_end = {end}
sponsors = {{adults = "Harriet Okonjo-Blake, Director of Adult Social Care", children = "Daniel Ferreira-Hughes, Director of Children's Services"}}
programme_lead = "Marcia Penhaligon, Workforce Development Manager, Programme Management Office"
staff_voice_lead = "Tunde Adebayo-Reid, Chair of the Race Equality Staff Network"
{population_key} = {population_pct}

[governance]
steering_group = "WRES Steering Group"
agreed_by = "the WRES Steering Group"
reviewed_with = "the relevant lead Members"
monitoring = "monthly by the WRES Steering Group"
co_produced_with = "the Race Equality Staff Network"
co_production_signed_off_by = "the Chair of the Race Equality Staff Network"
co_production_signed_off_on = 2024-05-14
approved_by = "the Corporate Leadership Team"
approved_on = 2024-06-04
"""

# Accepted ethnicity values as a real HR extract holds them: mostly ONS 2021 labels, some "Broad: label",
# some broad groups, a few NHS letter codes. (value, group, weight); weights are renormalised per group.
_ETHNICITIES: tuple[tuple[str | None, int, float], ...] = (
    ("English, Welsh, Scottish, Northern Irish or British", WHITE, 0.470),
    ("White: English, Welsh, Scottish, Northern Irish or British", WHITE, 0.045),
    ("Any other White background", WHITE, 0.085),
    ("White - Any other White background", WHITE, 0.010),
    ("Irish", WHITE, 0.022),
    ("Gypsy or Irish Traveller", WHITE, 0.002),
    ("Roma", WHITE, 0.002),
    ("White", WHITE, 0.035),
    ("A", WHITE, 0.007),
    ("C", WHITE, 0.002),
    ("African", MINORITY, 0.060),
    ("Black: African", MINORITY, 0.014),
    ("Caribbean", MINORITY, 0.032),
    ("Black - Caribbean", MINORITY, 0.005),
    ("Any other Black, Black British, or Caribbean background", MINORITY, 0.008),
    ("Black", MINORITY, 0.010),
    ("M", MINORITY, 0.004),
    ("N", MINORITY, 0.002),
    ("Indian", MINORITY, 0.024),
    ("Asian: Indian", MINORITY, 0.004),
    ("Pakistani", MINORITY, 0.009),
    ("Bangladeshi", MINORITY, 0.006),
    ("Chinese", MINORITY, 0.004),
    ("Any other Asian background", MINORITY, 0.010),
    ("Asian", MINORITY, 0.007),
    ("H", MINORITY, 0.003),
    ("White and Black Caribbean", MINORITY, 0.012),
    ("White and Black African", MINORITY, 0.006),
    ("White and Asian", MINORITY, 0.005),
    ("Any other Mixed or multiple ethnic background", MINORITY, 0.006),
    ("Mixed", MINORITY, 0.003),
    ("Arab", MINORITY, 0.003),
    ("Any other ethnic group", MINORITY, 0.008),
    ("Not stated", UNKNOWN, 0.020),
    ("Prefer not to say", UNKNOWN, 0.015),
    (None, UNKNOWN, 0.015),  # blank
)
_ETH_VALUES = pa.array([v for v, _, _ in _ETHNICITIES], pa.string())
_ETH_GROUP = np.array([g for _, g, _ in _ETHNICITIES], np.int8)
_ETH_WEIGHT = np.array([w for _, _, w in _ETHNICITIES])
_PREFER_NOT = next(i for i, (v, _, _) in enumerate(_ETHNICITIES) if v == "Prefer not to say")

# Roles below senior manager: (job_role, P(registered), salary low, salary high, weight, minority ethnic
# weight multiplier). The multipliers follow the national returns' shape: minority ethnic staff are most
# represented in qualified social work (middle band, 22%), less in the lowest-paid roles (18%) and least in
# management and the top band (14%).
_Role = tuple[str, float, int, int, float, float]
_ADULT_ROLES: tuple[_Role, ...] = (
    ("Social worker", 1.0, 37_000, 47_500, 0.25, 1.2),
    ("Senior social worker", 1.0, 45_000, 54_500, 0.09, 1.0),
    ("Occupational therapist", 1.0, 38_000, 49_500, 0.07, 1.0),
    ("Approved mental health professional", 1.0, 48_000, 57_500, 0.04, 0.9),
    ("Team manager", 0.95, 56_000, 68_500, 0.06, 0.8),
    ("Principal social worker", 1.0, 64_000, 76_000, 0.012, 0.9),
    ("Social care assessor", 0.0, 30_500, 36_500, 0.08, 1.1),
    ("Care and support worker", 0.0, 23_500, 28_500, 0.16, 0.9),
    ("Reablement worker", 0.0, 24_000, 29_500, 0.09, 0.9),
    ("Business support officer", 0.0, 25_000, 32_000, 0.08, 0.9),
)
_CHILD_ROLES: tuple[_Role, ...] = (
    ("Social worker", 1.0, 39_000, 49_500, 0.26, 1.2),
    ("Senior practitioner", 1.0, 49_000, 57_500, 0.10, 1.0),
    ("Independent reviewing officer", 1.0, 52_000, 60_500, 0.04, 0.9),
    ("Team manager", 0.95, 58_000, 69_500, 0.07, 0.8),
    ("Principal social worker", 1.0, 64_000, 76_000, 0.012, 0.9),
    ("Family support worker", 0.0, 27_000, 33_500, 0.14, 1.0),
    ("Personal adviser", 0.0, 30_000, 36_000, 0.07, 1.1),
    ("Residential care worker", 0.0, 25_500, 31_000, 0.09, 0.9),
    ("Business support officer", 0.0, 25_000, 32_000, 0.08, 0.9),
)
_SENIOR_ROLES: tuple[_Role, ...] = (
    ("Service manager", 0.7, 66_000, 82_000, 0.50, 1.0),
    ("Head of service", 0.6, 78_000, 96_000, 0.36, 1.0),
    ("Assistant director", 0.4, 95_000, 115_000, 0.14, 1.0),
)

_GENDERS = pa.array(["Female", "Male", "Prefer not to say"], pa.string())
_GENDER_P = [0.80, 0.19, 0.01]
_AGE_BANDS = pa.array(["16-24", "25-34", "35-44", "45-54", "55-64", "65 and over"], pa.string())
_AGE_P = [0.04, 0.22, 0.27, 0.27, 0.17, 0.03]
_AGE_MAX_YEARS = np.array([4.0, 12.0, 22.0, 32.0, 42.0, 48.0])  # longest plausible service for the band

_YES_NO = pa.array(["no", "yes"], pa.string())
_ANSWERS = pa.array(["Never", "1-2", "3-5", "6-10", "More than 10", None], pa.string())
_FREQUENCY_P = [0.55, 0.25, 0.12, 0.08]  # how often, for those with at least one experience
# (question, white rate, RL): SC-WRES 2023 national RLs; white rates typical of LA staff surveys.
_SURVEY_RATES = (("abuse_public", 0.30, 1.2), ("abuse_colleagues", 0.18, 1.3), ("abuse_managers", 0.10, 1.9))

_COURSES = pa.array([
    "Practice educator (PEPS) stage 1",
    "Practice educator (PEPS) stage 2",
    "Best Interests Assessor",
    "AMHP qualifying programme",
    "Leadership and management apprenticeship",
    "Systemic practice foundation",
    "Trauma-informed practice",
    "Motivational interviewing",
    "Court skills",
    "Reflective supervision for supervisors",
    "Level 5 Diploma in Leadership for Health and Social Care",
    "Return to social work",
], pa.string())
_REASONS = pa.array([
    "Resignation", "Moved to agency work", "Retirement", "End of fixed-term contract",
    "Dismissal", "Redundancy", "Ill health",
], pa.string())
_REASON_P = [0.52, 0.14, 0.12, 0.10, 0.05, 0.03, 0.04]
_REGULATORS = pa.array(["Social Work England", "Health and Care Professions Council"], pa.string())
# The SC-WRES breakdown's two parts (adult, then children's social care), as its data file names them.
_SC_WRES = standards.load("sc-wres")
_SERVICES = pa.array([part.id for part in _SC_WRES.breakdown.parts], pa.string())


def write_demo(
    directory: Path,
    seed: int = 1,
    staff: int | None = None,
    progress: Callable[[str], None] | None = None,
    profile: Profile | None = None,
    action_plan: bool = True,
    standard: str = standards.DEFAULT,
) -> None:
    """Write a fictional organisation's return for 2024/25 into `directory`: for the SC-WRES an authority
    (Eastmere by default, 425 staff), for the NHS WRES a trust (Northmoor by default, 4,000 staff).

    With `action_plan`, the return also gets its action plan and the plan's monthly updates (actions.csv,
    action_updates.csv; wres.standards.demo_plan); the national demo leaves them out (the national programme
    pools counts, not plans).

    `directory` exists and is empty (the caller makes it, so a failure leaves nothing half-written).
    Same `seed` and `staff` give byte-identical files. `progress` gets a short text as each file is written.
    A standard without a demo (see DEMOS) is a ValueError.
    """
    if standard not in DEMOS:
        raise ValueError(f"no demo for the standard {standard!r} (there is one for {', '.join(DEMOS)})")
    staff = DEMOS[standard].staff if staff is None else staff
    if staff < 1:
        raise ValueError("staff must be at least 1")
    directory = Path(directory)
    say = progress or (lambda text: None)
    if DEMOS[standard].writer is not None:
        DEMOS[standard].writer(directory, seed, staff, say, profile or DEMOS[standard].profile)
        if action_plan:
            say("Writing actions.csv and action_updates.csv (the action plan)")
            _write_plan(directory, standard)
        return
    profile = profile or EASTMERE
    rng = np.random.default_rng(seed)
    con = duckdb.connect()
    try:
        say("Writing organisation.toml")
        (directory / "organisation.toml").write_text(
            ORGANISATION_TOML.format(
                seed=seed, staff=staff, start=PERIOD_START, end=PERIOD_END, name=profile.name, code=profile.code,
                region=profile.region, population_pct=profile.local_population_pct,
                population_key=f"local_population_{_SC_WRES.focus.id}_pct",
            ),
            encoding="utf-8", newline="\n",
        )
        people = _Staff(rng, staff, profile.minority_share)
        outside = max(2, round(2 * staff / 425))  # events dated just outside the period (a warning)
        files: list[tuple[str, Callable[[], pa.Table]]] = [
            ("staff", people.table),
            ("recruitment", lambda: _recruitment(rng, staff, profile.minority_share)),
            ("disciplinary", lambda: _disciplinary(rng, people, outside // 2)),
            ("fitness_to_practise", lambda: _fitness_to_practise(rng, people)),
            ("training", lambda: _training(rng, people, outside - outside // 2)),
            ("leavers", lambda: _leavers(rng, people)),
            ("survey", lambda: _survey(rng, people)),
        ]
        for name, make in files:
            table = make()
            say(f"Writing {name}.csv ({table.num_rows:,} rows)")
            _write_csv(con, table, directory / f"{name}.csv")
            del table  # one file's columns in memory at a time keeps 2,000,000 staff well under 2 GB
        if action_plan:
            say("Writing actions.csv and action_updates.csv (the action plan)")
            _write_plan(directory)
    finally:
        con.close()


# --- helpers -----------------------------------------------------------------------------------------

def _write_csv(con: duckdb.DuckDBPyConnection, table: pa.Table, path: Path) -> None:
    """UTF-8, comma, header, quotes only where a value needs them (as Excel writes), rows in order."""
    con.register("demo_out", table)
    try:
        target = "'" + str(path).replace("'", "''") + "'"
        con.execute(f"COPY demo_out TO {target} (FORMAT csv, HEADER, DELIMITER ',')")
    finally:
        con.unregister("demo_out")


def _take(values: pa.Array, index: np.ndarray) -> pa.Array:
    """Look values up by index in C++ (a null value gives a blank cell)."""
    return values.take(pa.array(index.astype(np.int32, copy=False)))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """'S000123'-style identifiers, built without a Python loop."""
    text = pc.cast(pa.array(numbers.astype(np.int64, copy=False)), pa.string())
    digits = pc.utf8_lpad(text, width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _width(largest: int, at_least: int = 6) -> int:
    return max(at_least, len(str(largest)))


def _dates(offsets: np.ndarray) -> pa.Array:
    """Days from the period start → ISO dates in the CSV."""
    return pa.array((offsets + _EPOCH_OFFSET).astype(np.int32), pa.date32())


def _draw_ethnicity(
    rng: np.random.Generator, n: int, shares: tuple[float, float, float],
    weight: np.ndarray = _ETH_WEIGHT, groups: np.ndarray = _ETH_GROUP,
) -> np.ndarray:
    """Indices into a table of ethnicities (_ETHNICITIES unless given) with the given white / minority
    ethnic / unknown shares."""
    p = weight.copy()
    for g, share in enumerate(shares):
        mask = groups == g
        p[mask] *= share / p[mask].sum()
    return rng.choice(len(p), size=n, p=p / p.sum())


def _round_to(rng: np.random.Generator, expected: np.ndarray, k: int) -> np.ndarray:
    """Whole numbers adding to k, each the floor or ceiling of `expected` (which adds to about k).

    The units left after the floors go at random, in proportion to the fractions, so that every cell is
    right on average: fixed largest-remainder rounding would, for example, always give a single expected
    fitness-to-practise referral (0.55 white vs 0.40 minority ethnic) to white staff, on every seed.
    """
    quota = np.floor(expected).astype(np.int64)
    short = k - int(quota.sum())
    if short > 0:
        fraction = expected - quota
        with np.errstate(divide="ignore"):
            keys = rng.standard_exponential(len(expected)) / fraction  # a weighted draw without replacement
        keys[fraction <= 0] = np.inf
        quota[np.argsort(keys, kind="stable")[:short]] += 1
    return quota


def _pick(
    rng: np.random.Generator,
    group: np.ndarray,
    children: np.ndarray,
    rate: float,
    rl: float,
    *,
    white_rate: bool = False,
) -> np.ndarray:
    """Sorted positions of the people an event happens to: minority ethnic people rl times as likely as
    white (and unknown) people; `rate` is the rate over everyone, or with white_rate the white rate.

    Counts are allocated to each group (so the 'all' figure is as close to the intended RL as whole
    numbers allow), then to each service within it, rounding up or down at random (_round_to); then who
    in a cell is random. A Bernoulli draw on 425 people is mostly noise (seed 1 gave a disciplinary RL of
    0.4); this way the default demo tells the national story while its small cells stay small and real.
    """
    n = len(group)
    if n == 0:
        return np.zeros(0, np.int64)
    mult = np.where(group == MINORITY, rl, 1.0)
    p = np.minimum(rate * mult if white_rate else rate * mult / mult.mean(), 1.0)
    cell = children.astype(np.int64) * 3 + group
    sizes = np.bincount(cell, minlength=6)
    expected = np.bincount(cell, weights=p, minlength=6).reshape(2, 3)  # [service, group]
    k = min(n, int(np.floor(expected.sum() + 0.5)))  # half up: 2% of 425 is 9 cases, not 8
    by_group = expected.sum(axis=0)
    group_quota = _round_to(rng, by_group, k)
    quota = np.zeros((2, 3), np.int64)
    for g in range(3):  # three groups, not n people
        if by_group[g] > 0:
            quota[:, g] = _round_to(rng, expected[:, g] * group_quota[g] / by_group[g], int(group_quota[g]))
    quota = np.minimum(quota.reshape(6), sizes)
    # Random order within each cell (cell + U[0,1) sorts cell by cell), then the first `quota` of each.
    order = np.argsort(cell + rng.random(n), kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sorted_cell = cell[order]
    rank = np.arange(n) - starts[sorted_cell]
    return np.sort(order[rank < quota[sorted_cell]])


def _blank_some(rng: np.random.Generator, index: np.ndarray, share: float, blank: int = len(_ETHNICITIES) - 1) -> np.ndarray:
    """Blank a share of ethnicities, as event logs kept outside HR often do (engine uses staff.csv);
    `blank` is the table's blank entry (its last)."""
    return np.where(rng.random(len(index)) < share, blank, index)


def _event_dates(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(0, _DAYS, size=n)


def _outside_dates(rng: np.random.Generator, n: int) -> np.ndarray:
    """Just before the period (late March) or, less often, just after it (early April next year)."""
    before = rng.integers(-10, 0, size=n)
    after = rng.integers(_DAYS, _DAYS + 7, size=n)
    return np.where(rng.random(n) < 0.7, before, after)


# --- staff -------------------------------------------------------------------------------------------

class _Staff:
    """The workforce at the snapshot date; event files draw their people from it."""

    def __init__(self, rng: np.random.Generator, n: int, minority_share: float) -> None:
        self.n = n
        self.eth = _draw_ethnicity(rng, n, (0.95 - minority_share, minority_share, 0.05))
        self.group = _ETH_GROUP[self.eth]
        minority = self.group == MINORITY
        self.children = rng.random(n) >= ADULTS_SHARE
        self.senior = np.zeros(n, bool)
        self.senior[_pick(rng, self.group, self.children, SENIOR_SHARE, 0.55)] = True

        # Role, registration and salary, drawn per (service, senior, minority ethnic) cell: 8 cells, not n.
        self.role = np.zeros(n, np.int32)  # index into self.role_names
        self.registered = np.zeros(n, bool)
        salary = np.zeros(n)
        self.role_names: list[str] = []
        self.ot_role = -1
        u = rng.random(n)
        u = np.where(minority, u ** 1.1, u)  # within a role, minority ethnic staff sit lower on the scale
        for children in (False, True):
            for senior in (False, True):
                roles = _SENIOR_ROLES if senior else (_CHILD_ROLES if children else _ADULT_ROLES)
                offset = self._names(roles)
                for me in (False, True):
                    cell = np.flatnonzero((self.children == children) & (self.senior == senior) & (minority == me))
                    w = np.array([r[4] * (r[5] if me else 1.0) for r in roles])
                    per_role = _round_to(rng, w / w.sum() * len(cell), len(cell))  # exact mix, random who
                    pick = rng.permutation(np.repeat(np.arange(len(roles)), per_role))
                    reg_p, lo, hi = (np.array([r[i] for r in roles]) for i in (1, 2, 3))
                    self.role[cell] = offset[pick]
                    self.registered[cell] = rng.random(len(cell)) < reg_p[pick]
                    salary[cell] = lo[pick] + (hi[pick] - lo[pick]) * u[cell]
        self.salary = np.round(salary).astype(np.int64)

        pool = n + int(n * 0.15) + 10  # ids also cover people who left (leavers.csv), so staff ids have gaps
        order = rng.permutation(pool) + 1
        self.ids = np.sort(order[:n])
        self.former_ids = order[n:]
        self.pool = pool
        self.id_width = _width(pool)

        self.gender = rng.choice(len(_GENDER_P), size=n, p=_GENDER_P)
        self.age = rng.choice(len(_AGE_P), size=n, p=_AGE_P)
        # Length of service: a truncated exponential (most staff recent), never longer than the age allows.
        scale, cap = 6.5 * 365.25, _AGE_MAX_YEARS[self.age] * 365.25
        days = -scale * np.log1p(-rng.random(n) * -np.expm1(-cap / scale))
        self.start = (_DAYS - 1) - np.floor(days).astype(np.int64)

    def _names(self, roles: tuple[_Role, ...]) -> np.ndarray:
        out = []
        for r in roles:
            if r[0] not in self.role_names:
                self.role_names.append(r[0])
            out.append(self.role_names.index(r[0]))
        if "Occupational therapist" in self.role_names:
            self.ot_role = self.role_names.index("Occupational therapist")
        return np.array(out)

    def service(self, index: np.ndarray | None = None) -> pa.Array:
        children = self.children if index is None else self.children[index]
        return _take(_SERVICES, children.astype(np.int8))

    def staff_ids(self, index: np.ndarray) -> pa.Array:
        return _ids("S", self.ids[index], self.id_width)

    def table(self) -> pa.Table:
        every = np.arange(self.n)
        return pa.table({
            "staff_id": self.staff_ids(every),
            "ethnicity": _take(_ETH_VALUES, self.eth),
            "service": self.service(),
            "job_role": _take(pa.array(self.role_names, pa.string()), self.role),
            "senior_manager": _take(_YES_NO, self.senior.astype(np.int8)),
            "registered_professional": _take(_YES_NO, self.registered.astype(np.int8)),
            "annual_salary": pa.array(self.salary),
            "gender": _take(_GENDERS, self.gender),
            "age_band": _take(_AGE_BANDS, self.age),
            "start_date": _dates(self.start),
        })


# --- event files ---------------------------------------------------------------------------------------

def _recruitment(rng: np.random.Generator, staff: int, minority_share: float) -> pa.Table:
    """Applicants in the year (~1.2 per staff member): London applicant pools are more diverse than the
    workforce; shortlisting is a little less likely for minority ethnic applicants and appointment from
    shortlisting half as likely (national RL ~0.5). Appointed always implies shortlisted."""
    n = round(1.2 * staff)
    vacancies = max(1, round(n / 10))
    vac_children = rng.random(vacancies) >= ADULTS_SHARE
    vac_date = _event_dates(rng, vacancies)
    vacancy = rng.integers(0, vacancies, size=n)
    order = np.lexsort((vacancy, vac_date[vacancy]))  # by closing date, then vacancy
    vacancy = vacancy[order]

    me = min(0.9, minority_share + 0.15)  # applicant pools are more diverse than the workforce
    eth = _draw_ethnicity(rng, n, (0.94 - me, me, 0.06))
    group = _ETH_GROUP[eth]
    children = vac_children[vacancy]
    shortlisted = np.zeros(n, bool)
    shortlisted[_pick(rng, group, children, 0.38, 0.82, white_rate=True)] = True
    listed = np.flatnonzero(shortlisted)
    appointed = np.zeros(n, bool)  # chosen from the shortlisted only: appointed always implies shortlisted
    appointed[listed[_pick(rng, group[listed], children[listed], 0.25, 0.5, white_rate=True)]] = True
    return pa.table({
        "applicant_id": _ids("A", np.arange(1, n + 1), _width(n)),
        "vacancy_id": _ids("V", vacancy + 1, _width(vacancies, 5)),
        "ethnicity": _take(_ETH_VALUES, eth),
        "service": _take(_SERVICES, children.astype(np.int8)),
        "date": _dates(vac_date[vacancy]),
        "shortlisted": _take(_YES_NO, shortlisted.astype(np.int8)),
        "appointed": _take(_YES_NO, appointed.astype(np.int8)),
    })


def _events(
    rng: np.random.Generator, people: _Staff, who: np.ndarray, dates: np.ndarray, blank: float
) -> dict[str, pa.Array]:
    """Columns shared by the staff event files, rows sorted by date as a case log is."""
    order = np.argsort(dates, kind="stable")
    who, dates = who[order], dates[order]
    return {
        "staff_id": people.staff_ids(who),
        "ethnicity": _take(_ETH_VALUES, _blank_some(rng, people.eth[who], blank)),
        "service": people.service(who),
        "date": _dates(dates),
        "_who": pa.array(who),
    }


def _disciplinary(rng: np.random.Generator, people: _Staff, outside: int) -> pa.Table:
    """~2% of staff enter a formal disciplinary process; minority ethnic staff ~1.4 times as likely."""
    who = _pick(rng, people.group, people.children, 0.02, 1.4)
    late = rng.integers(0, people.n, size=outside)  # cases opened last year or next: outside the period
    dates = np.concatenate([_event_dates(rng, len(who)), _outside_dates(rng, outside)])
    cols = _events(rng, people, np.concatenate([who, late]), dates, 1 / 40)
    cols.pop("_who")
    n = len(dates)
    return pa.table({"case_id": _ids("DC", np.arange(1, n + 1), _width(n, 5)), **cols})


def _fitness_to_practise(rng: np.random.Generator, people: _Staff) -> pa.Table:
    """~0.6% of registered professionals referred to their regulator; minority ethnic ~2 times as likely."""
    registered = np.flatnonzero(people.registered)
    who = registered[_pick(rng, people.group[registered], people.children[registered], 0.006, 2.0)]
    cols = _events(rng, people, who, _event_dates(rng, len(who)), 1 / 40)
    who = cols.pop("_who").to_numpy()
    hcpc = (people.role[who] == people.ot_role).astype(np.int8)  # occupational therapists: HCPC
    return pa.table({**cols, "regulator": _take(_REGULATORS, hcpc)})


def _training(rng: np.random.Generator, people: _Staff, outside: int) -> pa.Table:
    """~35% of staff access funded CPD, equally by ethnicity; a few have two courses (counted once)."""
    who = _pick(rng, people.group, people.children, 0.35, 1.0)
    again = who[rng.random(len(who)) < 0.04]
    late = rng.integers(0, people.n, size=outside)
    everyone = np.concatenate([who, again, late])
    dates = np.concatenate([_event_dates(rng, len(who) + len(again)), _outside_dates(rng, outside)])
    course = rng.integers(0, len(_COURSES), size=len(everyone))
    order = np.argsort(dates, kind="stable")
    cols = _events(rng, people, everyone, dates, 1 / 40)  # sorts the same way (stable on the same dates)
    cols.pop("_who")
    return pa.table({**cols, "course": _take(_COURSES, course[order])})


def _leavers(rng: np.random.Generator, people: _Staff) -> pa.Table:
    """~12% of the headcount leave in the year; minority ethnic staff ~1.2 times as likely.

    Leavers are no longer employed at the snapshot date, so they are not in staff.csv: each is drawn as a
    staff profile (ethnicity, service) and given a former employee's id (the engine cannot look them up,
    so no blanks are added: a leaver's ethnicity is blank only where the HR record's was).
    """
    profile = _pick(rng, people.group, people.children, 0.12, 1.2)
    dates = _event_dates(rng, len(profile))
    order = np.argsort(dates, kind="stable")
    profile, dates = profile[order], dates[order]
    former = people.former_ids
    ids = former[rng.permutation(len(former))[: len(profile)]]
    if len(profile) > len(ids):  # only for a tiny workforce with an unlucky draw: new ids past the pool
        ids = np.concatenate([ids, np.arange(len(profile) - len(ids)) + people.pool + 1])
    reason = rng.choice(len(_REASON_P), size=len(profile), p=_REASON_P)
    return pa.table({
        "staff_id": _ids("S", ids, _width(int(ids.max()) if len(ids) else 0, people.id_width)),
        "ethnicity": _take(_ETH_VALUES, people.eth[profile]),
        "service": people.service(profile),
        "date": _dates(dates),
        "reason": _take(_REASONS, reason),
    })


def _survey(rng: np.random.Generator, people: _Staff) -> pa.Table:
    """An anonymous staff survey, ~60% response. Experience of harassment, bullying or abuse in the last
    12 months, white rates / RL: public 30% / 1.2, colleagues 18% / 1.3, managers 10% / 1.9."""
    who = _pick(rng, people.group, people.children, 0.60, 1.0)
    who = who[rng.permutation(len(who))]  # responses arrive in no particular order
    n = len(who)
    eth = people.eth[who]
    eth = np.where(rng.random(n) < 0.03, _PREFER_NOT, eth)  # more people withhold ethnicity in a survey
    shown = _ETH_GROUP[eth]  # allocate on the group the engine will see
    children = people.children[who]
    cols: dict[str, pa.Array] = {
        "respondent_id": _ids("R", np.arange(1, n + 1), _width(n)),
        "ethnicity": _take(_ETH_VALUES, eth),
        "service": people.service(who),
    }
    for column, white_rate, rl in _SURVEY_RATES:
        answered = np.flatnonzero(rng.random(n) >= 0.02)  # ~2% leave a question blank
        chosen = _pick(rng, shown[answered], children[answered], white_rate, rl, white_rate=True)
        experienced = answered[chosen]
        answer = np.full(n, len(_ANSWERS) - 1)  # blank
        answer[answered] = 0  # Never
        answer[experienced] = rng.choice(len(_FREQUENCY_P), size=len(experienced), p=_FREQUENCY_P) + 1
        cols[column] = _take(_ANSWERS, answer)
    return pa.table(cols)


# --- the action plan -----------------------------------------------------------------------------------
#
# The steering group's plan for 2024/25, agreed in March 2024 and updated monthly (wres.standards.demo_plan:
# it names the SC-WRES's metrics, so it lives with the standard's data). The same for every seed: the plan is
# text, not a draw.

PLAN_MONTHS = tuple((2024 + (m > 12), (m - 1) % 12 + 1) for m in range(4, 16))  # 2024-04 … 2025-03



def _entry(metric: str, start: str) -> Entry:
    """The catalogue entry an action is drawn from (exactly one must match)."""
    found = [e for e in CATALOGUE if e.metric == metric and e.action.startswith(start)]
    if len(found) != 1:
        raise LookupError(f"{len(found)} catalogue entries for {metric} start {start!r}")
    return found[0]


def _update_dates(offset: int) -> list[date]:
    """The working day `offset` working days before each plan month's last working day."""
    out = []
    for year, month in PLAN_MONTHS:
        day = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        skip = offset
        while day.weekday() >= 5 or skip:
            if day.weekday() < 5:
                skip -= 1
            day -= timedelta(days=1)
        out.append(day)
    return out


def plan_rows(standard: str = standards.DEFAULT) -> tuple[list[list[str]], list[list[str]]]:
    """actions.csv and action_updates.csv rows (no header) for the standard's demo plan."""
    demo = DEMOS[standard]
    actions: list[list[str]] = []
    updates: list[list[str]] = []
    for i, (action_id, metrics, what, owner, due, status, note, monthly) in enumerate(demo.plan):
        # an action drawn from the catalogue names (its metric, the start of its text); else it is written out
        action, success = ((e := _entry(*what)).action, e.success_measure) if demo.catalogue else what
        actions.append([action_id, metrics, action, owner, due, status, success, note])
        for day, update in zip(_update_dates(i % 3), monthly):
            if update is not None:
                by = update[2] if len(update) == 3 else owner
                updates.append([action_id, day.isoformat(), update[0], update[1], by])
    updates.sort(key=lambda row: (row[1], row[0]))  # a log kept in date order, as the monthly meeting adds to it
    return actions, updates


ACTIONS_HEADER = ["action_id", "metrics", "action", "owner", "due", "status", "success_measure", "note"]
UPDATES_HEADER = ["action_id", "date", "status", "note", "by"]


def _write_plan(directory: Path, standard: str = standards.DEFAULT) -> None:
    actions, updates = plan_rows(standard)
    for name, header, rows in (("actions", ACTIONS_HEADER, actions), ("action_updates", UPDATES_HEADER, updates)):
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)


def shifted(src: Path, dst: Path, years: int) -> Path:
    """The same return moved `years` earlier (its period and every date): an earlier year for trends."""
    shutil.copytree(src, dst)
    for f in dst.iterdir():
        text = f.read_text(encoding="utf-8")
        # 29 February moves to the 28th: the year it lands in may not be a leap year
        text = re.sub(r"\b(20\d\d)-(\d\d)-(\d\d)\b",
                      lambda m: f"{int(m.group(1)) - years}-{m.group(2)}-{'28' if m.group(2, 3) == ('02', '29') else m.group(3)}", text)
        f.write_text(text, encoding="utf-8")
    return dst


# --- many authorities (national demo) ------------------------------------------------------------------

REGIONS: dict[str, float] = {  # English regions and a typical minority ethnic share of the social care workforce
    "North East": 0.06, "North West": 0.14, "Yorkshire and The Humber": 0.13, "East Midlands": 0.15,
    "West Midlands": 0.22, "East of England": 0.12, "London": 0.42, "South East": 0.12, "South West": 0.06,
}
_REGION_P = np.array([12, 35, 15, 9, 14, 11, 33, 18, 15], float)  # roughly how many authorities each has
_STEMS = ("Ash", "Bram", "Cold", "Dun", "East", "Fair", "Glen", "Hart", "Kings", "Lang", "Marsh", "North",
          "Oak", "Pen", "Red", "Stone", "Thorn", "Wick", "West", "Whit", "Alder", "Brook", "Elm", "Fern")
_ENDS = ("ford", "mere", "ley", "bury", "field", "ham", "wood", "bridge", "ton", "dale", "combe", "stead")
_KINDS = ("{} County Council", "{} City Council", "{} Council", "Metropolitan Borough of {}")


def authority_profiles(count: int, seed: int = 1) -> list[Profile]:
    """`count` different fictional authorities across the nine regions (codes E99…: no real ONS code)."""
    if not 1 <= count <= len(_STEMS) * len(_ENDS):
        raise ValueError(f"between 1 and {len(_STEMS) * len(_ENDS)} authorities")
    rng = np.random.default_rng(seed)
    names = rng.permutation(len(_STEMS) * len(_ENDS))[:count]
    regions = list(REGIONS)
    picked = rng.choice(len(regions), size=count, p=_REGION_P / _REGION_P.sum())
    out = []
    for i, (n, r) in enumerate(zip(names, picked)):
        place = _STEMS[n // len(_ENDS)] + _ENDS[n % len(_ENDS)]
        region = regions[r]
        kind = "London Borough of {}" if region == "London" else _KINDS[int(rng.integers(len(_KINDS)))]
        share = float(np.clip(REGIONS[region] * rng.uniform(0.5, 1.5), 0.02, 0.75))
        out.append(Profile(kind.format(place), f"E99{i + 1:06d}", region, round(share, 3), round(min(95.0, share * 100 * 1.05), 1)))
    return out


def write_authorities(
    directory: Path, count: int, seed: int = 1, staff: int | None = None,
    progress: Callable[[str], None] | None = None, standard: str = standards.DEFAULT,
) -> None:
    """`count` organisations' returns in `directory`/la-001 … (trust-001 … for the NHS WRES), sizes spread
    around `staff` (median; by default the standard's demo size)."""
    if standard not in DEMOS:
        raise ValueError(f"no demo for the standard {standard!r} (there is one for {', '.join(DEMOS)})")
    demo = DEMOS[standard]
    staff = demo.staff if staff is None else staff
    rng = np.random.default_rng(seed + 7919)
    sizes = np.clip(np.round(staff * rng.lognormal(0.0, 0.6, size=count)), max(10, staff // 6), staff * 8).astype(int)
    say = progress or (lambda text: None)
    for i, (profile, size) in enumerate(zip(demo.profiles(count, seed), sizes)):
        folder = Path(directory) / f"{demo.folder}-{i + 1:03d}"
        folder.mkdir()
        say(f"Writing {profile.name} ({i + 1} of {count}, {size:,} staff)")
        write_demo(folder, seed=seed * 1000 + i, staff=int(size), profile=profile, action_plan=False, standard=standard)


# --- an NHS trust (the NHS WRES) -----------------------------------------------------------------------
#
# Northmoor Hospitals NHS Foundation Trust does not exist. Its shape follows the NHS WRES 2024 national
# picture: BME staff about two in five of an urban acute trust's workforce, most represented in Band 5
# (internationally recruited nurses) and among doctors, least in Bands 8c–VSM; white applicants about 1.5
# times as likely as BME applicants to be appointed from shortlisting; BME staff about 1.3 times as likely to
# enter a formal disciplinary investigation; white staff a little more likely to access non-mandatory
# training; and the Staff Survey gaps on harassment from staff, equal opportunities and discrimination.

NORTHMOOR = Profile(
    name="Northmoor Hospitals NHS Foundation Trust", code="R9Z", region="North East and Yorkshire",
    minority_share=0.38, local_population_pct=24.0,
)

TRUST_TOML = """\
# A FICTIONAL NHS trust: synthetic demo data written by `wres demo --standard nhs-wres` (seed {seed}, {staff:,} staff).
# {name}, its code and every person in these files are invented.
standard = "nhs-wres"
name = "{name}"
code = "{code}"
region = "{region}"
period_start = {start}
period_end = {end}
sponsors = "Dr Alasdair Fenwick-Oduya, Chief People Officer"
programme_lead = "Priya Ramsbottom, Head of Equality, Diversity and Inclusion"
staff_voice_lead = "Kwame Ashworth-Lindqvist, Chair of the BME Staff Network"

[governance]
steering_group = "Equality, Diversity and Inclusion Steering Group"
agreed_by = "the People Committee of the Board"
reviewed_with = "the Council of Governors"
monitoring = "quarterly by the People Committee"
co_produced_with = "the BME Staff Network"
co_production_signed_off_by = "the Chair of the BME Staff Network"
co_production_signed_off_on = 2024-05-21
approved_by = "the Board of Directors"
approved_on = 2024-06-27
"""

# The trust's HR record (ESR) writes ethnicity as the NHS data dictionary's code and label; a few rows came
# over from an older system without the code. (value, group, weight), as _ETHNICITIES; the blank is last.
_ESR_ETHNICITIES: tuple[tuple[str | None, int, float], ...] = (
    ("A White - British", WHITE, 0.80),
    ("White - British", WHITE, 0.04),
    ("B White - Irish", WHITE, 0.02),
    ("C White - Any other White background", WHITE, 0.13),
    ("White - Any other White background", WHITE, 0.01),
    ("H Asian or Asian British - Indian", MINORITY, 0.27),
    ("Asian or Asian British - Indian", MINORITY, 0.02),
    ("J Asian or Asian British - Pakistani", MINORITY, 0.17),
    ("K Asian or Asian British - Bangladeshi", MINORITY, 0.02),
    ("L Asian or Asian British - Any other Asian background", MINORITY, 0.10),
    ("M Black or Black British - Caribbean", MINORITY, 0.03),
    ("N Black or Black British - African", MINORITY, 0.20),
    ("Black or Black British - African", MINORITY, 0.02),
    ("P Black or Black British - Any other Black background", MINORITY, 0.01),
    ("D Mixed - White & Black Caribbean", MINORITY, 0.02),
    ("E Mixed - White & Black African", MINORITY, 0.01),
    ("F Mixed - White & Asian", MINORITY, 0.02),
    ("G Mixed - Any other mixed background", MINORITY, 0.02),
    ("R Chinese", MINORITY, 0.02),
    ("S Any Other Ethnic Group", MINORITY, 0.05),
    ("Z Not Stated", UNKNOWN, 0.55),
    ("Not stated", UNKNOWN, 0.15),
    (None, UNKNOWN, 0.30),  # blank
)
_ESR_VALUES = pa.array([v for v, _, _ in _ESR_ETHNICITIES], pa.string())
_ESR_GROUP = np.array([g for _, g, _ in _ESR_ETHNICITIES], np.int8)
_ESR_WEIGHT = np.array([w for _, _, w in _ESR_ETHNICITIES])
_ESR_BLANK = len(_ESR_ETHNICITIES) - 1

# The Staff Survey asks ethnicity in broad groups: (value, group, weight).
_SURVEY_ETHNICITIES: tuple[tuple[str | None, int, float], ...] = (
    ("White", WHITE, 1.0),
    ("Asian / Asian British", MINORITY, 0.58),
    ("Black / African / Caribbean / Black British", MINORITY, 0.25),
    ("Mixed / Multiple ethnic groups", MINORITY, 0.07),
    ("Chinese", MINORITY, 0.03),
    ("Other ethnic group", MINORITY, 0.07),
    ("Prefer not to say", UNKNOWN, 0.8),
    (None, UNKNOWN, 0.2),
)
_SURVEY_VALUES = pa.array([v for v, _, _ in _SURVEY_ETHNICITIES], pa.string())
_SURVEY_GROUP = np.array([g for _, g, _ in _SURVEY_ETHNICITIES], np.int8)
_SURVEY_WEIGHT = np.array([w for _, _, w in _SURVEY_ETHNICITIES])
_SURVEY_PREFER_NOT = 6

# (pay_band, share of staff, BME weight multiplier, P(clinical)): Agenda for Change bands, very senior
# managers, then medical and dental grades (about 10% of staff, all clinical).
_NHS_BANDS: tuple[tuple[str, float, float, float], ...] = (
    ("Band 1", 0.004, 1.0, 0.2),
    ("Band 2", 0.150, 0.95, 0.55),
    ("Band 3", 0.120, 0.8, 0.42),
    ("Band 4", 0.085, 0.7, 0.3),
    ("Band 5", 0.175, 1.5, 0.82),
    ("Band 6", 0.150, 1.05, 0.78),
    ("Band 7", 0.095, 0.75, 0.7),
    ("Band 8a", 0.040, 0.6, 0.6),
    ("Band 8b", 0.016, 0.5, 0.45),
    ("Band 8c", 0.008, 0.4, 0.35),
    ("Band 8d", 0.004, 0.35, 0.3),
    ("Band 9", 0.002, 0.3, 0.25),
    ("VSM", 0.002, 0.3, 0.3),
    ("Consultant", 0.042, 1.2, 1.0),
    ("Career grade", 0.015, 1.9, 1.0),
    ("Trainee grade", 0.048, 1.5, 1.0),
)
_NHS_BAND_LABELS = pa.array([b[0] for b in _NHS_BANDS], pa.string())
_MEDICAL_FROM = 13  # the first medical and dental grade in _NHS_BANDS
_NON_EXECUTIVE = "Board (non-executive)"  # the NHS WRES data file's excluded band
_EXECUTIVES, _VOTING_EXECUTIVES, _NON_EXECUTIVES = 6, 5, 6  # a unitary board: chair and five NEDs
_STAFF_GROUPS = pa.array([
    "Medical and Dental", "Additional Clinical Services", "Nursing and Midwifery Registered",
    "Allied Health Professionals", "Administrative and Clerical", "Estates and Ancillary",
], pa.string())

_NHS_COURSES = pa.array([
    "Advanced clinical practice MSc module", "Leadership: Mary Seacole programme", "Preceptorship",
    "Non-medical prescribing", "Coaching skills for managers", "Quality improvement foundations",
    "Specialist conference", "Mentoring for aspiring leaders", "Research skills", "Apprenticeship top-up",
], pa.string())
_EO_ANSWERS = pa.array(["No", "Yes", "Don't know", None], pa.string())
_YN_ANSWERS = pa.array(["No", "Yes", None], pa.string())
# (question, white rate, BME ÷ white): the Staff Survey questions as frequencies (at least once).
_NHS_HARASSMENT = (("harassment_public", 0.25, 1.1), ("harassment_managers", 0.10, 1.3), ("harassment_colleagues", 0.17, 1.25))


class _Trust:
    """The trust's staff record at 31 March, its board among them; event files draw their people from it."""

    def __init__(self, rng: np.random.Generator, n: int, minority_share: float) -> None:
        self.n = n
        self.eth = _draw_ethnicity(rng, n, (0.96 - minority_share, minority_share, 0.04), _ESR_WEIGHT, _ESR_GROUP)
        self.group = _ESR_GROUP[self.eth]
        # Each group's band mix in exact proportions (random who): BME staff more often in Band 5 and
        # medical grades, less often in senior bands.
        share, mult, clinical_p = (np.array([b[i] for b in _NHS_BANDS]) for i in (1, 2, 3))
        self.band = np.zeros(n, np.int32)
        for g in (WHITE, MINORITY, UNKNOWN):
            cell = np.flatnonzero(self.group == g)
            w = share * (mult if g == MINORITY else 1.0)
            per_band = _round_to(rng, w / w.sum() * len(cell), len(cell))
            self.band[cell] = rng.permutation(np.repeat(np.arange(len(_NHS_BANDS)), per_band))
        self.clinical = rng.random(n) < clinical_p[self.band]
        medical = self.band >= _MEDICAL_FROM
        registered = rng.random(n) < 0.7  # of clinical staff in Band 5 and above: nurses and midwives, else AHPs
        self.staff_group = np.select(
            [medical, self.clinical & (self.band < 4), self.clinical & registered, self.clinical, self.band >= 3],
            [0, 1, 2, 3, 4], default=rng.choice([4, 5], size=n, p=[0.6, 0.4]),
        )
        # The executive directors: the most senior managers (VSM first, then Band 9 …), one of them without
        # a vote (a director of people, say, who attends the board).
        seniority = np.where(medical, -1, self.band) + rng.random(n)
        self.executive = np.zeros(n, bool)
        executives = np.argsort(-seniority, kind="stable")[:_EXECUTIVES]
        self.executive[executives] = True
        self.voting = np.zeros(n, bool)
        self.voting[executives[:_VOTING_EXECUTIVES]] = True
        self.staff_group[executives] = 4
        ids = rng.permutation(n + n // 10) + 1  # ESR assignment numbers: gaps where people left
        self.ids = np.sort(ids[:n])
        self.id_width = _width(n + n // 10, 7)
        self.gender = rng.choice(3, size=n, p=[0.77, 0.225, 0.005])
        # The chair and non-executive directors are not staff: rows of their own, counted on the board only.
        self.neds = _draw_ethnicity(rng, _NON_EXECUTIVES, (0.70, 0.25, 0.05), _ESR_WEIGHT, _ESR_GROUP)

    def staff_ids(self, index: np.ndarray) -> pa.Array:
        return _ids("E", self.ids[index], self.id_width)

    def table(self) -> pa.Table:
        every = np.arange(self.n)
        k = _NON_EXECUTIVES
        no_yes = lambda flags: _take(_YES_NO, flags.astype(np.int8))  # noqa: E731
        return pa.table({
            "staff_id": pa.concat_arrays([self.staff_ids(every), _ids("NED", np.arange(1, k + 1), 2)]),
            "ethnicity": pa.concat_arrays([_take(_ESR_VALUES, self.eth), _take(_ESR_VALUES, self.neds)]),
            "pay_band": pa.concat_arrays([_take(_NHS_BAND_LABELS, self.band), pa.array([_NON_EXECUTIVE] * k, pa.string())]),
            "staff_group": pa.concat_arrays([_take(_STAFF_GROUPS, self.staff_group), pa.nulls(k, pa.string())]),
            "clinical": no_yes(np.concatenate([self.clinical, np.zeros(k, bool)])),
            "board_voting": no_yes(np.concatenate([self.voting, np.ones(k, bool)])),
            "board_executive": no_yes(np.concatenate([self.executive, np.zeros(k, bool)])),
            "gender": pa.concat_arrays([_take(_GENDERS, self.gender), _take(_GENDERS, np.arange(k) % 2)]),
        })


def _trust_events(rng: np.random.Generator, people: _Trust, who: np.ndarray, dates: np.ndarray) -> dict[str, pa.Array]:
    """staff_id, ethnicity (1 in 40 left blank: filled from staff.csv) and date, rows in date order."""
    order = np.argsort(dates, kind="stable")
    who, dates = who[order], dates[order]
    return {
        "staff_id": people.staff_ids(who),
        "ethnicity": _take(_ESR_VALUES, _blank_some(rng, people.eth[who], 1 / 40, _ESR_BLANK)),
        "date": _dates(dates),
    }


def _trust_recruitment(rng: np.random.Generator, staff: int, minority_share: float) -> pa.Table:
    """About three applications per member of staff in a year (NHS Jobs); a third shortlisted, BME
    applicants a little less often; white applicants about 1.5 times as likely to be appointed from
    shortlisting as BME applicants. Appointed always implies shortlisted."""
    n = round(3 * staff)
    vacancies = max(1, round(n / 25))
    vac_date = _event_dates(rng, vacancies)
    vacancy = rng.integers(0, vacancies, size=n)
    vacancy = vacancy[np.lexsort((vacancy, vac_date[vacancy]))]
    me = min(0.9, minority_share + 0.15)
    eth = _draw_ethnicity(rng, n, (0.95 - me, me, 0.05), _ESR_WEIGHT, _ESR_GROUP)
    group = _ESR_GROUP[eth]
    one_cell = np.zeros(n, bool)  # no breakdown: the whole trust
    shortlisted = np.zeros(n, bool)
    shortlisted[_pick(rng, group, one_cell, 0.36, 0.85, white_rate=True)] = True
    listed = np.flatnonzero(shortlisted)
    appointed = np.zeros(n, bool)
    appointed[listed[_pick(rng, group[listed], one_cell[listed], 0.27, 1 / 1.5, white_rate=True)]] = True
    return pa.table({
        "applicant_id": _ids("A", np.arange(1, n + 1), _width(n)),
        "vacancy_id": _ids("V", vacancy + 1, _width(vacancies, 5)),
        "ethnicity": _take(_ESR_VALUES, eth),
        "date": _dates(vac_date[vacancy]),
        "shortlisted": _take(_YES_NO, shortlisted.astype(np.int8)),
        "appointed": _take(_YES_NO, appointed.astype(np.int8)),
    })


def _trust_disciplinary(rng: np.random.Generator, people: _Trust, outside: int) -> pa.Table:
    """About 1.2% of staff enter a formal disciplinary investigation; BME staff about 1.3 times as likely."""
    who = _pick(rng, people.group, people.clinical, 0.012, 1.3)
    late = rng.integers(0, people.n, size=outside)
    dates = np.concatenate([_event_dates(rng, len(who)), _outside_dates(rng, outside)])
    cols = _trust_events(rng, people, np.concatenate([who, late]), dates)
    n = len(dates)
    return pa.table({"case_id": _ids("DI", np.arange(1, n + 1), _width(n, 5)), **cols})


def _trust_training(rng: np.random.Generator, people: _Trust, outside: int) -> pa.Table:
    """About 45% of staff access non-mandatory training or CPD; white staff about 1.12 times as likely as
    BME staff; some have two courses (counted once)."""
    who = _pick(rng, people.group, people.clinical, 0.45, 1 / 1.12)
    again = who[rng.random(len(who)) < 0.06]
    late = rng.integers(0, people.n, size=outside)
    everyone = np.concatenate([who, again, late])
    dates = np.concatenate([_event_dates(rng, len(who) + len(again)), _outside_dates(rng, outside)])
    course = rng.integers(0, len(_NHS_COURSES), size=len(everyone))
    order = np.argsort(dates, kind="stable")
    cols = _trust_events(rng, people, everyone, dates)
    return pa.table({**cols, "course": _take(_NHS_COURSES, course[order])})


def _trust_survey(rng: np.random.Generator, people: _Trust) -> pa.Table:
    """The NHS Staff Survey's respondents (about 45% respond), ethnicity in broad groups. Harassment from
    the public / managers / colleagues at least once: white 25% / 10% / 17%, BME 1.1 / 1.3 / 1.25 times
    that; equal opportunities for progression: about a fifth answer "Don't know", and of the rest 60% of
    white and 47% of BME staff say yes; discrimination from a manager or colleague: white 6.5%, BME 2.5
    times as likely."""
    who = _pick(rng, people.group, people.clinical, 0.45, 1.0)
    who = who[rng.permutation(len(who))]
    n = len(who)
    # Each respondent's broad group as they gave it: a group's own labels, by weight.
    eth = np.zeros(n, np.int64)
    for g in (WHITE, MINORITY, UNKNOWN):
        cell = np.flatnonzero(people.group[who] == g)
        labels = np.flatnonzero(_SURVEY_GROUP == g)
        eth[cell] = labels[rng.choice(len(labels), size=len(cell), p=_SURVEY_WEIGHT[labels] / _SURVEY_WEIGHT[labels].sum())]
    eth = np.where(rng.random(n) < 0.03, _SURVEY_PREFER_NOT, eth)
    shown = _SURVEY_GROUP[eth]
    clinical = people.clinical[who]
    cols: dict[str, pa.Array] = {
        "respondent_id": _ids("R", np.arange(1, n + 1), _width(n)),
        "ethnicity": _take(_SURVEY_VALUES, eth),
    }
    for column, white_rate, rl in _NHS_HARASSMENT:
        answered = np.flatnonzero(rng.random(n) >= 0.02)
        experienced = answered[_pick(rng, shown[answered], clinical[answered], white_rate, rl, white_rate=True)]
        answer = np.full(n, len(_ANSWERS) - 1)
        answer[answered] = 0
        answer[experienced] = rng.choice(len(_FREQUENCY_P), size=len(experienced), p=_FREQUENCY_P) + 1
        cols[column] = _take(_ANSWERS, answer)
    answer = np.full(n, 3)  # blank
    answered = np.flatnonzero(rng.random(n) >= 0.02)
    unsure = rng.random(len(answered)) < 0.21
    answer[answered[unsure]] = 2  # Don't know
    sure = answered[~unsure]
    answer[sure] = 0
    answer[sure[_pick(rng, shown[sure], clinical[sure], 0.60, 0.78, white_rate=True)]] = 1
    cols["equal_opportunities"] = _take(_EO_ANSWERS, answer)
    answer = np.full(n, 2)
    answered = np.flatnonzero(rng.random(n) >= 0.02)
    answer[answered] = 0
    answer[answered[_pick(rng, shown[answered], clinical[answered], 0.065, 2.5, white_rate=True)]] = 1
    cols["discrimination_colleagues"] = _take(_YN_ANSWERS, answer)
    return pa.table(cols)


def _write_trust(directory: Path, seed: int, staff: int, say: Callable[[str], None], profile: Profile) -> None:
    """A fictional NHS trust's NHS WRES return (staff, recruitment, disciplinary, training, survey)."""
    rng = np.random.default_rng(seed)
    con = duckdb.connect()
    try:
        say("Writing organisation.toml")
        (directory / "organisation.toml").write_text(
            TRUST_TOML.format(seed=seed, staff=staff, start=PERIOD_START, end=PERIOD_END, name=profile.name,
                              code=profile.code, region=profile.region),
            encoding="utf-8", newline="\n",
        )
        people = _Trust(rng, staff, profile.minority_share)
        outside = max(2, round(2 * staff / 4000))
        files: list[tuple[str, Callable[[], pa.Table]]] = [
            ("staff", people.table),
            ("recruitment", lambda: _trust_recruitment(rng, staff, profile.minority_share)),
            ("disciplinary", lambda: _trust_disciplinary(rng, people, outside // 2)),
            ("training", lambda: _trust_training(rng, people, outside - outside // 2)),
            ("survey", lambda: _trust_survey(rng, people)),
        ]
        for name, make in files:
            table = make()
            say(f"Writing {name}.csv ({table.num_rows:,} rows)")
            _write_csv(con, table, directory / f"{name}.csv")
            del table
    finally:
        con.close()


NHS_REGIONS: dict[str, float] = {  # NHS England regions and a typical BME share of a trust's workforce
    "London": 0.52, "South East": 0.25, "South West": 0.13, "Midlands": 0.30, "East of England": 0.27,
    "North West": 0.21, "North East and Yorkshire": 0.17,
}
_NHS_REGION_P = np.array([37, 35, 23, 36, 20, 31, 28], float)  # roughly how many trusts each has
_TRUST_KINDS = ("{} Hospitals NHS Foundation Trust", "{} Teaching Hospitals NHS Trust", "{} and District NHS Foundation Trust",
                "{} Community Healthcare NHS Trust", "{} Mental Health NHS Foundation Trust")


def trust_profiles(count: int, seed: int = 1) -> list[Profile]:
    """`count` different fictional trusts across the seven NHS regions (codes R9…: invented)."""
    if not 1 <= count <= len(_STEMS) * len(_ENDS):
        raise ValueError(f"between 1 and {len(_STEMS) * len(_ENDS)} trusts")
    rng = np.random.default_rng(seed)
    names = rng.permutation(len(_STEMS) * len(_ENDS))[:count]
    regions = list(NHS_REGIONS)
    picked = rng.choice(len(regions), size=count, p=_NHS_REGION_P / _NHS_REGION_P.sum())
    out = []
    for i, (n, r) in enumerate(zip(names, picked)):
        place = _STEMS[n // len(_ENDS)] + _ENDS[n % len(_ENDS)]
        region = regions[r]
        share = float(np.clip(NHS_REGIONS[region] * rng.uniform(0.6, 1.4), 0.03, 0.8))
        kind = _TRUST_KINDS[int(rng.integers(len(_TRUST_KINDS)))]
        out.append(Profile(kind.format(place), f"R9{i + 1:03d}", region, round(share, 3), round(min(95.0, share * 100 * 0.8), 1)))
    return out


@dataclass(frozen=True)
class Demo:
    """A standard's demo: its default organisation and size, the folder prefix of many, who they are."""

    profile: Profile
    staff: int
    folder: str
    profiles: Callable[[int, int], list[Profile]]
    writer: Callable[[Path, int, int, Callable[[str], None], Profile], None] | None  # None: the SC-WRES writer above
    plan: tuple[Any, ...]  # its action plan (wres.standards.demo_plan)
    catalogue: bool  # the plan's actions are drawn from the action catalogue (else written out in the plan)


DEMOS: dict[str, Demo] = {  # the standards (by id) that have a demo; `wres demo --standard` offers these
    "sc-wres": Demo(EASTMERE, 425, "la", authority_profiles, None, PLAN, True),
    "nhs-wres": Demo(NORTHMOOR, 4000, "trust", trust_profiles, _write_trust, NHS_PLAN, False),
}
