"""Properties that must hold for every return, checked with hypothesis on generated data and real files."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats.contingency import relative_risk

from tests.conftest import write_return
from wres import pipeline, results, stats
from wres.counts import Counts
from wres.standards import load as load_standard
from wres.organisation import Organisation

ORG = Organisation(name="P", period_start="2024-04-01", period_end="2025-03-31")  # type: ignore[arg-type]

SC = load_standard("sc-wres")
WORDS = (SC.focus.words, SC.reference.words)


@st.composite
def two_by_two(draw: st.DrawFn, min_cases: int = 0) -> tuple[int, int, int, int]:
    n1 = draw(st.integers(1, 5000))
    n2 = draw(st.integers(1, 5000))
    a = draw(st.integers(min_cases, n1))
    c = draw(st.integers(max(1, min_cases), n2))
    return a, n1, c, n2


@given(two_by_two(min_cases=1))
def test_matches_scipy_relative_risk(t: tuple[int, int, int, int]) -> None:
    a, n1, c, n2 = t
    ours = stats.relative_likelihood(a, n1, c, n2, words=WORDS)
    ref = relative_risk(a, n1, c, n2)
    ci = ref.confidence_interval(0.95)
    assert math.isclose(ours.rl, ref.relative_risk, rel_tol=1e-12)  # type: ignore[arg-type]
    assert ours.ci95 is not None
    assert math.isclose(ours.ci95[0], ci.low, rel_tol=1e-9) and math.isclose(ours.ci95[1], ci.high, rel_tol=1e-9)


@given(two_by_two(min_cases=1))
def test_swapping_groups_inverts_rl_and_ci(t: tuple[int, int, int, int]) -> None:
    a, n1, c, n2 = t
    fwd, back = stats.relative_likelihood(a, n1, c, n2, words=WORDS), stats.relative_likelihood(c, n2, a, n1, words=WORDS)
    assert math.isclose(fwd.rl * back.rl, 1.0, rel_tol=1e-12)  # type: ignore[operator]
    assert math.isclose(fwd.ci95[0] * back.ci95[1], 1.0, rel_tol=1e-9)  # type: ignore[index]
    assert math.isclose(fwd.ci95[1] * back.ci95[0], 1.0, rel_tol=1e-9)  # type: ignore[index]


@given(two_by_two(min_cases=0))
def test_ci_contains_rl(t: tuple[int, int, int, int]) -> None:
    lk = stats.relative_likelihood(*t, words=WORDS)
    assert lk.rl is not None
    if lk.ci95 is not None:
        assert lk.ci95[0] <= lk.rl <= lk.ci95[1]
    else:
        assert t[0] == 0  # only a = 0 has no interval


@given(two_by_two(min_cases=1), st.sampled_from(["above", "below"]))
def test_swapping_groups_mirrors_the_assessment(t: tuple[int, int, int, int], direction: Any) -> None:
    a, n1, c, n2 = t
    fwd = stats.assess(stats.relative_likelihood(a, n1, c, n2, words=WORDS).exact, direction, SC)
    back = stats.assess(stats.relative_likelihood(c, n2, a, n1, words=WORDS).exact, direction, SC)
    mirror = {"worse_for_minority_ethnic": "better_for_minority_ethnic", "better_for_minority_ethnic": "worse_for_minority_ethnic", "within_range": "within_range"}
    assert back == mirror[fwd]  # type: ignore[index]


# --- record-level returns ---------------------------------------------------------------------------

ETHNICITIES = ["Indian", "White", "African", "Irish", "Not stated", "", "Black: Caribbean", "A", "M", "Any other White background"]
SERVICES = ["adults", "children"]


@st.composite
def record_return(draw: st.DrawFn, prefix: str = "S") -> dict[str, list[dict[str, Any]]]:
    n = draw(st.integers(1, 40))
    staff = [
        {
            "staff_id": f"{prefix}{i}",
            "ethnicity": draw(st.sampled_from(ETHNICITIES)),
            "service": draw(st.sampled_from(SERVICES)),
            "senior_manager": draw(st.sampled_from(["yes", "no"])),
            "registered_professional": draw(st.sampled_from(["yes", "no"])),
            "annual_salary": draw(st.sampled_from([18000, 29999.99, 30000, 52000, 69999, 70000, 91000])),
        }
        for i in range(n)
    ]
    ids = [s["staff_id"] for s in staff]
    dates = st.sampled_from(["2024-04-01", "2024-10-10", "2025-03-31", "2025-04-01", "2024-03-31"])

    def events() -> list[dict[str, Any]]:
        k = draw(st.integers(0, 25))
        rows = []
        for _ in range(k):
            sid = draw(st.sampled_from(ids))  # repeats: the same person more than once
            blank = draw(st.booleans())
            rows.append({"staff_id": sid, "ethnicity": "" if blank else draw(st.sampled_from(ETHNICITIES)),
                         "service": "" if blank else draw(st.sampled_from(SERVICES)), "date": draw(dates)})
        return rows

    recruitment = []
    for j in range(draw(st.integers(0, 30))):
        short = draw(st.booleans())
        recruitment.append({"applicant_id": f"{prefix}A{draw(st.integers(0, 12))}", "ethnicity": draw(st.sampled_from(ETHNICITIES)),
                            "service": draw(st.sampled_from(SERVICES)), "shortlisted": "yes" if short else "no",
                            "appointed": "yes" if short and draw(st.booleans()) else "no"})
    answers = st.sampled_from(["Never", "1-2", "3-5", "6-10", "More than 10", "", "yes", "no"])
    survey = [{"ethnicity": draw(st.sampled_from(ETHNICITIES)), "service": draw(st.sampled_from(SERVICES)),
               "abuse_public": draw(answers), "abuse_colleagues": draw(answers), "abuse_managers": draw(answers)}
              for _ in range(draw(st.integers(0, 25)))]
    files: dict[str, list[dict[str, Any]]] = {"staff": staff, "recruitment": recruitment, "survey": survey}
    for name in ("disciplinary", "fitness_to_practise", "training", "leavers"):
        files[name] = events()
    # an empty event file is written with its header: zero events, not "not submitted"
    return files


_COLUMNS = {
    "recruitment": ["applicant_id", "ethnicity", "service", "shortlisted", "appointed"],
    "survey": ["ethnicity", "service", "abuse_public", "abuse_colleagues", "abuse_managers"],
    "events": ["staff_id", "ethnicity", "service", "date"],
}


def _write(root: Path, files: dict[str, list[dict[str, Any]]]) -> Path:
    from tests.conftest import write_csv

    write_return(root, {"staff": files["staff"]})
    for name, rows in files.items():
        if name != "staff":
            write_csv(root / f"{name}.csv", rows, _COLUMNS.get(name, _COLUMNS["events"]))
    return root


def _comparable(doc: results.Document) -> list[dict[str, Any]]:
    return [r.to_dict() for r in doc.results]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(record_return())
def test_metrics_from_records_equal_metrics_from_their_counts(files: dict[str, list[dict[str, Any]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        records = _write(Path(tmp) / "records", files)
        loaded = pipeline.load(records)
        aggregate = Path(tmp) / "aggregate"
        aggregate.mkdir()
        (aggregate / "organisation.toml").write_text((records / "organisation.toml").read_text())
        (aggregate / "counts.csv").write_text(loaded.counts.to_csv())
        assert _comparable(pipeline.document(records, internal=True)) == _comparable(pipeline.document(aggregate, internal=True))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(record_return("X"), record_return("Y"))
def test_pooling_counts_equals_counting_the_union(a: dict[str, list[dict[str, Any]]], b: dict[str, list[dict[str, Any]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ca = pipeline.load(_write(Path(tmp) / "a", a)).counts
        cb = pipeline.load(_write(Path(tmp) / "b", b)).counts
        union = pipeline.load(_write(Path(tmp) / "u", {k: a[k] + b[k] for k in a})).counts
        assert (ca + cb).cells == union.cells
        pooled = results.compute(ca + cb, ORG)
        assert _comparable(pooled) == _comparable(results.compute(union, ORG))


@st.composite
def counts_table(draw: st.DrawFn) -> Counts:
    cells = {}
    for metric in ("M3", "M9"):
        for service in SERVICES:
            for group in ("minority_ethnic", "white", "unknown"):
                d = draw(st.integers(0, 300))
                cells[(metric, service, "", group)] = (draw(st.integers(0, d)), d)
    return Counts(cells, bands=[], standard=SC)


@given(counts_table())
def test_swapping_groups_in_counts_inverts_every_rl(counts: Counts) -> None:
    swap = {"minority_ethnic": "white", "white": "minority_ethnic", "unknown": "unknown"}
    swapped = Counts({(m, s, b, swap[g]): v for (m, s, b, g), v in counts.cells.items()}, bands=[], standard=SC)
    for r, q in zip(results.compute(counts, ORG).results, results.compute(swapped, ORG).results):
        if r.reason == "not submitted":
            continue
        if r.relative_likelihood and q.relative_likelihood:
            assert math.isclose(r.relative_likelihood * q.relative_likelihood, 1.0, rel_tol=1e-12)
        assert r.declaration_rate == q.declaration_rate


# --- typing a file: vocabularies from its first rows, row numbers from its order -----------------------

SPELLINGS = {
    "ethnicity": ["Indian", "indian", "  White ", "WHITE", "Martian", "", "   ", "A", "Black:  African", "not stated"],
    "service": ["adults", "Adults", " children", "ASC", "bogus", "Childrens", "  "],
    "senior_manager": ["yes", "no", "Y", "N", "maybe", "TRUE", " yes", "no  ", " maybe ", "   "],
}


@st.composite
def messy_staff(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Staff rows whose spellings (some unknown, some only far down the file) vary row by row."""
    n = draw(st.integers(1, 30))
    return [
        {"staff_id": f"S{i}", **{col: draw(st.sampled_from(values)) for col, values in SPELLINGS.items()},
         "registered_professional": "no", "annual_salary": draw(st.sampled_from(["30000", "£41,000", "lots", "-5"]))}
        for i in range(n)
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_staff())
def test_typing_from_a_sample_of_spellings_equals_typing_from_all(staff: list[dict[str, Any]]) -> None:
    """Spellings met only after the first rows get a second pass, never a wrong verdict; rows are named rightly."""
    from unittest.mock import patch

    from wres import problems as problems_mod
    from wres import validate as validate_mod

    with tempfile.TemporaryDirectory() as tmp:
        root = write_return(Path(tmp), {"staff": staff})
        with patch.object(validate_mod, "SAMPLE_ROWS", 1):
            sampled = pipeline.check(root)
        with patch.object(validate_mod, "SAMPLE_ROWS", 10**6):
            whole = pipeline.check(root)
    assert sampled == whole
    # a bad spelling is reported at exactly the rows that hold it (row 1 is the header)
    for p in whole:
        if p.message.endswith("is not yes or no"):
            value = p.message.split('"')[1]
            rows = [i + 2 for i, s in enumerate(staff) if s["senior_manager"].strip() == value]
            assert (list(p.rows), p.row_count) == (rows[:problems_mod.ROWS_SHOWN], len(rows))
