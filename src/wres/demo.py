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

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from wres.standards.action_catalogue import CATALOGUE, Entry

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
    local_population_minority_ethnic_pct: float = 28.0


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
local_population_minority_ethnic_pct = {population_pct}

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


def write_demo(
    directory: Path,
    seed: int = 1,
    staff: int = 425,
    progress: Callable[[str], None] | None = None,
    profile: Profile | None = None,
    action_plan: bool = True,
) -> None:
    """Write a fictional authority's SC-WRES return for 2024/25 into `directory` (Eastmere by default).

    With `action_plan`, also the steering group's action plan and its monthly updates (actions.csv,
    action_updates.csv); the national demo leaves them out (the national programme pools counts, not plans).

    `directory` exists and is empty (the caller makes it, so a failure leaves nothing half-written).
    Same `seed` and `staff` give byte-identical files. `progress` gets a short text as each file is written.
    """
    if staff < 1:
        raise ValueError("staff must be at least 1")
    profile = profile or EASTMERE
    directory = Path(directory)
    say = progress or (lambda text: None)
    rng = np.random.default_rng(seed)
    con = duckdb.connect()
    try:
        say("Writing organisation.toml")
        (directory / "organisation.toml").write_text(
            ORGANISATION_TOML.format(
                seed=seed, staff=staff, start=PERIOD_START, end=PERIOD_END, name=profile.name, code=profile.code,
                region=profile.region, population_pct=profile.local_population_minority_ethnic_pct,
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


def _draw_ethnicity(rng: np.random.Generator, n: int, shares: tuple[float, float, float]) -> np.ndarray:
    """Indices into _ETHNICITIES with the given white / minority ethnic / unknown shares."""
    p = _ETH_WEIGHT.copy()
    for g, share in enumerate(shares):
        mask = _ETH_GROUP == g
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


def _blank_some(rng: np.random.Generator, index: np.ndarray, share: float) -> np.ndarray:
    """Blank a share of ethnicities, as event logs kept outside HR often do (engine uses staff.csv)."""
    blank = len(_ETHNICITIES) - 1
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
        return _take(pa.array(["adults", "children"], pa.string()), children.astype(np.int8))

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
        "service": _take(pa.array(["adults", "children"], pa.string()), children.astype(np.int8)),
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
# The steering group's plan for 2024/25, agreed in March 2024 and updated monthly: ten actions drawn from the
# catalogue (wres.standards.action_catalogue) for the metrics the demo makes worse. Untidy as real plans
# are: A08 misses its last two updates (stale at March 2025), A03 is past its due date and not complete
# (overdue), A02 is complete before its due date, A04 goes at risk for two months then back on track, and
# M6 (borderline in the demo) has no action. The same for every seed: the plan is text, not a draw.

PLAN_MONTHS = tuple((2024 + (m > 12), (m - 1) % 12 + 1) for m in range(4, 16))  # 2024-04 … 2025-03

_AGREED = "Co-produced with the Race Equality Staff Network; agreed by the WRES Steering Group and CLT, March 2024."
_NS, _OT, _AR, _OFF, _DONE = "not started", "on track", "at risk", "off track", "complete"

# (action_id, metrics, (catalogue metric, start of the catalogue action), owner, due, initial status, note,
#  twelve monthly updates as (status, note) or (status, note, by) — None where no update was made).
_Update = tuple[str, str] | tuple[str, str, str] | None
_PLAN: tuple[tuple[str, str, tuple[str, str], str, str, str, str, tuple[_Update, ...]], ...] = (
    ("A01", "M2", ("M2", "Require every interview panel"), "Head of HR", "2025-06-30", _OT, _AGREED, (
        (_OT, "Panel pool role description agreed with the Race Equality Staff Network."),
        (_OT, "Call for panel pool volunteers issued; 9 expressions of interest so far."),
        (_OT, "Panel pool now 17 members across both services; pool training booked for July."),
        (_OT, "Panel composition now recorded on the recruitment system for posts at senior practitioner and above."),
        (_OT, "Panel training delivered to 14 of 22 recruiting managers."),
        (_OT, "Panel training delivered to 19 of 22 recruiting managers; the other three are booked for October."),
        (_OT, "First quarter of monitoring: 11 of 13 qualifying panels met the rule."),
        (_OT, "Two children's social care panels went ahead without a pool member; heads of service reminded."),
        (_OT, "Pool extended to business support and residential staff; now 24 members."),
        (_OT, "Quarter three monitoring: 15 of 16 qualifying panels met the rule."),
        (_OT, "Feedback session held with pool members; expenses claims for panel time simplified."),
        (_OT, "Year-end panel figures to go to the April steering group beside the 2024/25 return."),
    )),
    ("A02", "M2", ("M2", "Remove names and other identifying details"), "Recruitment Manager, HR Shared Service",
     "2024-09-30", _NS, "", (
        (_NS, "Options paper on hiding applicant details in the recruitment system taken to HR leadership."),
        (_OT, "Supplier confirmed that name, address and education fields can be hidden at shortlisting."),
        (_OT, "Configuration tested on three social worker vacancies in adult social care."),
        (_OT, "Pilot extended to every children's social care vacancy; shortlisters' guidance drafted."),
        (_DONE, "Complete: anonymised shortlisting live for every social care vacancy from 1 August."),
        (_DONE, "No change; shortlisting rates by ethnicity now on the recruitment dashboard."),
        (_DONE, "No change."),
        (_DONE, "No change; one manager asked for names back and was refused."),
        (_DONE, "No change."),
        (_DONE, "Shortlisting rate by ethnicity for August to December shared with the steering group."),
        (_DONE, "No change."),
        (_DONE, "No change; before-and-after comparison to be made with the 2024/25 return."),
    )),
    ("A03", "M3", ("M3", "Require a senior manager independent of the team"), "Director of Children's Services",
     "2025-01-31", _NS, _AGREED, (
        (_NS, "Waiting for HR capacity; to start once the disciplinary policy review is scheduled.", "Head of HR"),
        (_NS, "Scope agreed: pre-formal review will cover both services, not only children's social care."),
        (_OT, "Draft pre-formal review checklist written with HR and the staff network."),
        (_OT, "Checklist sent to the trade unions for consultation."),
        (_AR, "Union comments need a change to the disciplinary policy, which needs Member approval."),
        (_AR, "Policy change scheduled for the November employment committee."),
        (_AR, "Pilot of pre-formal review started in children's social care: 3 proposals reviewed, 2 resolved informally."),
        (_OFF, "Employment committee deferred the policy change to February; pilot continues."),
        (_OFF, "Pilot: 6 proposals reviewed since October, 4 resolved informally; Head of HR leaves in January."),
        (_OFF, "Interim Head of HR in post; policy change still waiting for committee.", "Interim Head of HR"),
        (_OFF, "Committee approved the policy change; rollout to adult social care planned for April."),
        (_OFF, "Past its due date: rollout to adult social care not started; new date to be agreed in April."),
    )),
    ("A04", "M7a;M7b", ("M7a", "Set up a speak-up route independent of line management"),
     "Chair, Race Equality Staff Network", "2025-09-30", _NS, _AGREED, (
        (_NS, "Network members surveyed on what an independent speak-up route should look like."),
        (_OT, "Survey closed with 61 responses: most want trained network advocates beside a guardian."),
        (_OT, "Role description for speak-up advocates agreed with HR."),
        (_AR, "No budget yet for advocate training; bid made to the workforce development budget."),
        (_AR, "Funding decision delayed to September; recruitment of advocates paused."),
        (_OT, "Funding agreed from the workforce development budget; advocate recruitment reopened."),
        (_OT, "Eight advocates recruited, five from adult and three from children's social care."),
        (_OT, "Advocate training delivered over two days by an external provider."),
        (_OT, "Speak-up route launched at the all-staff briefing; intranet page live."),
        (_OT, "First month: 5 concerns raised through advocates, 3 about colleagues and 2 about managers."),
        (_OT, "Monthly anonymised report of concerns and outcomes agreed with the interim Head of HR."),
        (_OT, "Two advocates trained as bystander session co-facilitators; first sessions set for May."),
    )),
    ("A05", "M7b", ("M7b", "Train all managers in inclusive supervision"), "Principal Social Worker (Children)",
     "2025-06-30", _NS, "Starts after the supervision policy refresh (July 2024).", (
        (_NS, "Scheduled to start in July after the supervision policy refresh."),
        (_NS, "Supervision policy refresh under way; training brief drafted.", "Principal Social Worker (Adults)"),
        (_NS, "Two providers shortlisted; co-design meeting with the staff network booked for July."),
        (_OT, "Course co-designed with the staff network and two practice educators."),
        (_OT, "First cohort of 12 team managers booked for September."),
        (_OT, "First cohort completed; participants rated it 4.5 out of 5 on average."),
        (_OT, "Second cohort completed, mostly adult social care team managers; 24 of 58 managers trained."),
        (_OT, "31 of 58 managers trained."),
        (_OT, "No sessions in December; cohorts booked for January and February."),
        (_OT, "43 of 58 managers trained."),
        (_OT, "February cohort half empty because of winter pressures; 47 of 58 managers trained."),
        (_OT, "Catch-up session added for April; 52 of 58 managers trained."),
    )),
    ("A06", "M9", ("M9", "Run a reverse mentoring programme"), "Director of Adult Social Care", "2025-03-31", _NS,
     _AGREED, (
        (_NS, "Programme design adapted from a neighbouring authority's scheme; network chair consulted."),
        (_OT, "Call for mentors issued to minority ethnic staff at every grade."),
        (_OT, "14 mentors came forward; 10 pairs with leadership team members agreed."),
        (_OT, "Joint induction held for mentors and mentees."),
        (_OT, "All 10 pairs have met at least once."),
        (_OT, "Mid-point check: 9 pairs meeting monthly, one paused for leave."),
        (_OT, "Paused pair restarted; peer support group for mentors set up by the staff network."),
        (_OT, "Mentors' peer group met twice; two mentors asked for more time from their managers."),
        (_OT, "Each leadership team member asked to name one change they will make."),
        (_OT, "Leaders' commitments collected and shared at the corporate leadership team."),
        (_OT, "Evaluation questionnaire sent to all pairs; 17 of 20 returned."),
        (_DONE, "Complete: first cohort finished; evaluation to the April steering group and a second cohort planned."),
    )),
    ("A07", "M9", ("M9", "Offer a positive-action leadership development programme"), "Workforce Development Manager",
     "2025-12-31", _NS, "", (
        (_NS, "Waiting for the corporate leadership programme review to finish.", "Marcia Penhaligon"),
        (_NS, "Corporate review finished; positive-action programme to be designed separately.", "Marcia Penhaligon"),
        (_NS, "Legal advice sought on positive action under sections 158 and 159.", "Marcia Penhaligon"),
        (_OT, "Legal advice received: the programme may be offered as positive action with a recorded rationale.",
         "Marcia Penhaligon"),
        (_OT, "Rationale based on the 2023/24 WRES figures agreed by the steering group.", "Marcia Penhaligon"),
        (_OT, "Provider chosen; senior managers invited to volunteer as sponsors.", "Marcia Penhaligon"),
        (_OT, "Applications opened to minority ethnic staff in middle management.", "Marcia Penhaligon"),
        (_OT, "22 applications received for 12 places.", "Marcia Penhaligon"),
        (_OT, "Cohort of 12 selected; each matched with a senior sponsor.", "Marcia Penhaligon"),
        (_OT, "First module delivered; 11 of 12 attended.", "Marcia Penhaligon"),
        (_OT, "Second module delivered; two participants shortlisted for service manager posts.", "Marcia Penhaligon"),
        (_OT, "One participant appointed acting service manager in children's social care.", "Marcia Penhaligon"),
    )),
    ("A08", "M1", ("M1", "Audit pay band progression and starting salaries"), "Head of Reward, HR", "2025-06-30", _NS,
     _AGREED, (
        (_NS, "Data request sent to payroll for salary points and increment history."),
        (_OT, "Payroll extract received; ethnicity matched for 95% of records."),
        (_OT, "Starting salaries analysed: minority ethnic appointees more often started at the bottom of the scale."),
        (_OT, "Progression analysis under way for staff in post more than three years."),
        (_OT, "Acting-up and honoraria data requested from service areas."),
        (_OT, "Acting-up data kept in team spreadsheets; collection slower than hoped."),
        (_OT, "Acting-up data received from 7 of 11 service areas."),
        (_OT, "All acting-up data collected; analyst time secured for December."),
        (_OT, "Draft audit findings shared with the Head of HR."),
        (_OT, "Findings and proposals on starting salaries to go to the February steering group."),
        None,
        None,
    )),
    ("A09", "M8", ("M8", "Offer every leaver an exit interview"), "HR Business Partner, Social Care", "2025-09-30", _NS,
     "", (
        (_NS, "Exit questionnaire review added to the HR business plan."),
        (_OT, "Exit questionnaire revised to ask about treatment and progression; ethnicity taken from the HR record."),
        (_OT, "Offer of an interview with someone outside the line added to the leaver checklist."),
        (_OT, "July: 6 of 11 leavers took up the exit interview."),
        (_OT, "August: 5 of 9 leavers interviewed."),
        (_OT, "First quarterly analysis: lack of progression the reason most often given by minority ethnic leavers."),
        (_OT, "Stay conversation guide for team managers drafted with the staff network."),
        (_OT, "Stay conversation guide piloted in two children's social care teams."),
        (_OT, "December: 4 of 7 leavers interviewed; fewer leavers than usual."),
        (_OT, "Quarter three analysis: 21 of 34 leavers interviewed since October."),
        (_OT, "Moves to agency work added to the exit analysis at the network's request."),
        (_OT, "Moves to agency work now reported by ethnicity in the monthly workforce dashboard."),
    )),
    ("A10", "M4", ("M4", "Review every proposed referral"), "Principal Social Worker (Adults)", "2024-12-31", _NS,
     _AGREED, (
        (_NS, "Referral decisions of the last three years gathered for review."),
        (_OT, "Regulator's referral threshold guidance summarised as a one-page checklist."),
        (_OT, "Checklist tested on past referrals: 2 of 7 would not have met the threshold."),
        (_OT, "Principal social workers for adults and children agreed to review every proposed referral together."),
        (_OT, "Process agreed with HR and legal services."),
        (_OT, "Briefing for team managers delivered in both services."),
        (_OT, "First proposed referral reviewed under the new process and went ahead."),
        (_OT, "Second proposed referral reviewed and handled locally with a supervision plan."),
        (_DONE, "Complete: pre-referral review is now part of the people management procedures."),
        (_DONE, "No change; no proposed referrals in January."),
        (_DONE, "One proposed referral reviewed and made."),
        (_DONE, "No change; annual learning review planned for June."),
    )),
)


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


def plan_rows() -> tuple[list[list[str]], list[list[str]]]:
    """actions.csv and action_updates.csv rows (no header) for the demo plan."""
    actions: list[list[str]] = []
    updates: list[list[str]] = []
    for i, (action_id, metrics, (metric, start), owner, due, status, note, monthly) in enumerate(_PLAN):
        entry = _entry(metric, start)
        actions.append([action_id, metrics, entry.action, owner, due, status, entry.success_measure, note])
        for day, update in zip(_update_dates(i % 3), monthly):
            if update is not None:
                by = update[2] if len(update) == 3 else owner
                updates.append([action_id, day.isoformat(), update[0], update[1], by])
    updates.sort(key=lambda row: (row[1], row[0]))  # a log kept in date order, as the monthly meeting adds to it
    return actions, updates


ACTIONS_HEADER = ["action_id", "metrics", "action", "owner", "due", "status", "success_measure", "note"]
UPDATES_HEADER = ["action_id", "date", "status", "note", "by"]


def _write_plan(directory: Path) -> None:
    actions, updates = plan_rows()
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


def write_authorities(directory: Path, count: int, seed: int = 1, staff: int = 425, progress: Callable[[str], None] | None = None) -> None:
    """`count` authorities' returns in `directory`/la-001 …, sizes spread around `staff` (median)."""
    rng = np.random.default_rng(seed + 7919)
    sizes = np.clip(np.round(staff * rng.lognormal(0.0, 0.6, size=count)), max(10, staff // 6), staff * 8).astype(int)
    say = progress or (lambda text: None)
    for i, (profile, size) in enumerate(zip(authority_profiles(count, seed), sizes)):
        folder = Path(directory) / f"la-{i + 1:03d}"
        folder.mkdir()
        say(f"Writing {profile.name} ({i + 1} of {count}, {size:,} staff)")
        write_demo(folder, seed=seed * 1000 + i, staff=int(size), profile=profile, action_plan=False)
