"""Evidence, what the data could detect, and change from last year (statistics.md §1–3), worked by hand.

The detectable RL is checked against the formula it solves (power 0.80 at the root) and against an independent
root finder (scipy's brentq); respondents_needed against the same formula at N and N − 1; change against
the definitions in Altman & Bland (BMJ 2003).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wres import stats
from wres.standards import load

STD = load("sc-wres")
WORDS = (STD.focus.words, STD.reference.words)
LOW, HIGH = STD.range
Z = stats.Z95 + stats.Z80_POWER


# --- 1. evidence -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("ci", "expected"), [
    ((0.72, 2.27), "inconclusive"),  # the M7a: 1.28, outside the range, but the CI reaches into it
    ((1.3, 2.8), "outside_range"),
    ((0.2, 0.7), "outside_range"),
    ((0.9, 1.1), "inside_range"),
    # a CI touching a range edge exactly: the ends belong to the range
    ((HIGH, 2.0), "inconclusive"),
    ((0.5, LOW), "inconclusive"),
    ((LOW, HIGH), "inside_range"),
    ((LOW, 1.0), "inside_range"),
    ((math.nextafter(HIGH, 2), 2.0), "outside_range"),
    ((0.5, math.nextafter(LOW, 0)), "outside_range"),
    (None, None),
])
def test_evidence_by_hand(ci, expected):
    assert stats.evidence(ci, STD) == expected


def test_a_ci_touching_the_edge_exactly_from_counts():
    """Counts whose Fraction-exact RL is 5/4 and a CI whose lower end is set to the float of 1.25 exactly."""
    lk = stats.relative_likelihood(25, 100, 20, 100, words=WORDS)
    assert lk.exact == Fraction(5, 4) and stats.assess(lk.exact, "above", STD) == stats.WITHIN
    assert stats.evidence((float(Fraction(5, 4)), lk.ci95[1]), STD) == "inconclusive"  # type: ignore[index]
    assert stats.evidence((lk.ci95[0], float(Fraction(5, 4))), STD) == "inconclusive"  # type: ignore[index]  # lower < 0.80


def test_a_zero_count_has_no_evidence():
    lk = stats.relative_likelihood(0, 50, 5, 100, words=WORDS)
    assert lk.rl == 0 and lk.ci95 is None and stats.evidence(lk.ci95, STD) is None
    assert stats.relative_likelihood(3, 50, 0, 100, words=WORDS).rl is None  # no comparison: nothing at all


def test_the_evidence_of_a_difference_is_whether_its_ci_excludes_zero():
    assert stats.difference_evidence((0.011, 0.113)) == "outside_range"
    assert stats.difference_evidence((-0.2, -0.01)) == "outside_range"
    assert stats.difference_evidence((-0.029, 0.09)) == "inconclusive"
    assert stats.difference_evidence((0.0, 0.09)) == "inconclusive"  # touching 0: 0 is not excluded
    assert stats.difference_evidence(None) is None


counts = st.tuples(st.integers(1, 400), st.integers(1, 400), st.integers(1, 400), st.integers(1, 400)).filter(
    lambda t: t[0] < t[1] and t[2] < t[3])


@settings(max_examples=300, deadline=None)
@given(counts)
def test_evidence_is_outside_exactly_when_the_ci_misses_the_range(t):
    a, n1, c, n2 = t
    ci = stats.relative_likelihood(a, n1, c, n2, words=WORDS).ci95
    assert ci is not None
    misses = ci[1] < LOW or ci[0] > HIGH
    assert (stats.evidence(ci, STD) == "outside_range") == misses
    assert (stats.evidence(ci, STD) == "inside_range") == (LOW <= ci[0] and ci[1] <= HIGH)


# --- 2. what the data could detect ------------------------------------------------------------------------

def _gap(r: float, n1: float, n2: float, p2: float) -> float:
    return abs(math.log(r)) - Z * math.sqrt(1 / (r * p2 * n1) - 1 / n1 + 1 / (p2 * n2) - 1 / n2)


def test_detectable_rl_by_hand_and_by_an_independent_root_finder():
    from scipy.optimize import brentq

    n1, n2, p2 = 55, 400, 0.3
    above, below = stats.detectable(n1, n2, p2)
    assert above == pytest.approx(brentq(_gap, 1 + 1e-12, 1 / p2, args=(n1, n2, p2), xtol=1e-14), rel=1e-9)
    assert below is not None and 0 < below < 1
    assert stats.power(above, n1, n2, p2) == pytest.approx(0.80, abs=1e-6)
    assert stats.power(below, n1, n2, p2) == pytest.approx(0.80, abs=1e-6)
    # below has a second root far from 1 (the interval reaches 0 as r does): the one given is the nearer
    assert all(_gap(r, n1, n2, p2) < 0 for r in [below + (1 - below) * k / 50 for k in range(1, 50)])


def test_no_detectable_rl_where_none_exists():
    assert stats.detectable(55, 400, 0.0) == (None, None)
    assert stats.detectable(55, 400, 1.0) == (None, None)
    assert stats.detectable(0, 400, 0.2) == (None, None)
    # 55 people at a 10% rate: no fall of any size would show with 80% power (5.5 cases expected at parity)
    above, below = stats.detectable(55, 400, 0.1)
    assert above is not None and below is None
    # 3 people against 5 at 60%: even a rate of 1 in the first group (r·p2 = 1) would not show
    assert stats.detectable(3, 5, 0.6)[0] is None


@settings(max_examples=200, deadline=None)
@given(st.integers(5, 5000), st.integers(5, 5000), st.floats(0.01, 0.95))
def test_the_detectable_rl_has_power_080(n1, n2, p2):
    for r in stats.detectable(n1, n2, p2):
        if r is not None:
            assert stats.power(r, n1, n2, p2) == pytest.approx(0.80, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(st.integers(5, 5000), st.integers(5, 5000), st.floats(0.01, 0.95))
def test_swapping_groups_inverts_the_detectable_rls(n1, n2, p2):
    """The gap detected as r one way round is detected as 1/r the other way round: the second group's rate
    swapped in is the first group's rate under that gap (r·p2), as the formula's alternative has it.

    1/r always solves the swapped equation (power 0.80). It is the root reported (the nearest to 1) unless the
    swapped equation has a second root nearer 1 — only for extreme gaps (r above about 7, a group of 20-odd
    against thousands), and then the one reported is a root too."""
    above, below = stats.detectable(n1, n2, p2)
    pairs = []
    if below is not None:
        pairs.append((below, stats.detectable(n2, n1, below * p2)[0], below * p2))
    if above is not None and above * p2 < 1:
        pairs.append((above, stats.detectable(n2, n1, above * p2)[1], above * p2))
    for r, swapped, p1 in pairs:
        assert stats.power(1 / r, n2, n1, p1) == pytest.approx(0.80, abs=1e-6)
        assert swapped is not None
        if swapped != pytest.approx(1 / r, rel=1e-8):
            assert abs(math.log(swapped)) < abs(math.log(1 / r)) and abs(math.log(r)) > math.log(5)
            assert stats.power(swapped, n2, n1, p1) == pytest.approx(0.80, abs=1e-6)


@pytest.mark.parametrize(("n1", "n2", "p2"), [(55, 400, 0.3), (120, 900, 0.2), (300, 310, 0.5)])
def test_swapping_groups_inverts_the_detectable_rls_exactly_for_ordinary_groups(n1, n2, p2):
    above, below = stats.detectable(n1, n2, p2)
    assert stats.detectable(n2, n1, above * p2)[1] == pytest.approx(1 / above, rel=1e-8)  # type: ignore[operator]
    assert stats.detectable(n2, n1, below * p2)[0] == pytest.approx(1 / below, rel=1e-8)  # type: ignore[operator]


def test_respondents_needed_is_the_smallest_survey_that_detects_the_edge():
    n1, n2, p2 = 55, 400, 0.3
    need = stats.respondents_needed(n1, n2, p2, HIGH)
    assert need is not None
    s1 = n1 / (n1 + n2)
    assert stats.power(HIGH, s1 * need, (1 - s1) * need, p2) >= 0.80 - 1e-12
    assert stats.power(HIGH, s1 * (need - 1), (1 - s1) * (need - 1), p2) < 0.80
    # by hand: N = z²·K / ln(1.25)², K = (455/55)(1/(1.25·0.3) − 1) + (455/400)(1/0.3 − 1)
    k = 455 / 55 * (1 / 0.375 - 1) + 455 / 400 * (1 / 0.3 - 1)
    assert need == math.ceil(Z * Z * k / math.log(1.25) ** 2)
    assert stats.respondents_needed(n1, n2, p2, LOW) is not None  # the lower edge, for a metric where lower is worse
    assert stats.respondents_needed(n1, n2, 0.9, HIGH) is None  # 1.25 × 90% is not a rate


# --- 3. change ------------------------------------------------------------------------------------------

def test_change_by_hand():
    se, se0 = stats.katz_se(30, 100, 40, 200), stats.katz_se(20, 100, 40, 200)
    ch = stats.change(1.5, se, 1.0, se0, event=True, note="n")
    z = math.log(1.5) / math.sqrt(se**2 + se0**2)  # type: ignore[operator]
    assert ch == {"previous_rl": 1.0, "ratio": 1.5, "z": pytest.approx(z), "p_value": pytest.approx(2 * NormalDist().cdf(-z)),
                  "note": None}
    stock = stats.change(1.5, se, 1.0, se0, event=False, note="why")
    assert stock["ratio"] == 1.5 and stock["z"] is None and stock["p_value"] is None and stock["note"] == "why"
    assert stats.change(1.5, se, 0.0, None, event=True, note=None)["ratio"] is None  # no ratio to a previous 0


def test_identical_years_change_by_nothing():
    ch = stats.change(1.28, 0.3, 1.28, 0.3, event=True, note=None)
    assert ch["ratio"] == 1.0 and ch["z"] == 0.0 and ch["p_value"] == 1.0


# --- the engine: every result, disclosure, a report of two years -----------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from wres.demo import write_demo

    root = tmp_path_factory.mktemp("evidence") / "d1"
    root.mkdir()
    write_demo(root, seed=1, staff=425)
    return root


def test_every_result_carries_the_fields_and_withheld_ones_carry_none(demo):
    from wres import pipeline

    doc = pipeline.document(demo)
    for r in doc.to_dict()["results"]:
        assert {"evidence", "detectable_rl", "respondents_needed", "change"} <= set(r)
        assert r["change"] is None  # `wres metrics` has no previous year
        if r["status"].startswith("withheld"):
            assert r["evidence"] is r["detectable_rl"] is r["respondents_needed"] is None
        if r["statistic"] == "relative_likelihood" and r["status"] == "published":
            assert r["evidence"] == stats.evidence(tuple(r["ci95"]) if r["ci95"] else None, STD)
            assert set(r["detectable_rl"]) == {"above", "below"}
        m = STD.metric(r["metric"])
        if r["respondents_needed"] is not None:
            assert m.kind == "survey" and isinstance(r["respondents_needed"], int)
    assert any(r.status.startswith("withheld") for r in doc.results)
    m7a = next(r for r in doc.results if r.metric == "M7a" and r.service == "all")
    assert m7a.evidence == "inconclusive" and "cannot rule out a figure inside it" in m7a.sentence
    assert m7a.respondents_needed is not None


def test_wres_audit_finds_no_leak_in_the_published_demo(demo, tmp_path, cli):
    """The new fields are withheld with the headline figure and otherwise functions of published counts,
    so the audit needs no new relation; it still finds nothing."""
    out = tmp_path / "metrics.json"
    run = cli("metrics", str(demo), "--format", "json")
    assert run.code == 0, run.stderr
    out.write_text(run.stdout)
    assert any(r["evidence"] for r in json.loads(run.stdout)["results"])
    audit = cli("audit", str(out))
    assert audit.code == 0 and "No leak" in audit.stdout, audit.stdout


def test_a_report_with_an_identical_previous_year_has_no_change(demo, tmp_path, cli):
    from wres import report
    from wres.demo import shifted

    earlier = shifted(demo, tmp_path / "earlier", 1)
    rep = report.build(demo, [earlier], accept_placeholders=True)
    assert rep.years[0].results[0].change is None  # the oldest year has nothing before it
    seen = {"event": 0, "stock": 0}
    for r in rep.current.results:
        if r.relative_likelihood is None or r.relative_likelihood == 0:
            assert r.change is None or r.change["ratio"] is None
            continue
        kind = STD.metric(r.metric).kind
        assert r.change is not None and r.change["ratio"] == 1.0 and r.change["previous_rl"] == r.relative_likelihood
        if kind in stats.EVENT_KINDS:
            if r.ci95 is not None:
                assert r.change["z"] == 0.0 and r.change["p_value"] == 1.0
                seen["event"] += 1
        else:
            assert r.change["z"] is None and r.change["p_value"] is None and "No test" in r.change["note"]
            seen["stock"] += 1
    assert seen["event"] and seen["stock"]
    # the change repeats only published figures of the two years: the audit of the year reported on still passes
    out = tmp_path / "metrics.json"
    out.write_text(json.dumps(rep.current.to_dict()))
    audit = cli("audit", str(out))
    assert audit.code == 0 and "No leak" in audit.stdout, audit.stdout


def test_with_change_without_a_previous_year_is_null(demo):
    from wres import pipeline, results

    doc = pipeline.document(demo)
    assert all(r.change is None for r in results.with_change(doc, None).results)
    both = results.with_change(doc, doc)
    assert any(r.change is not None for r in both.results)
    from wres.document import Document

    assert Document.from_dict(both.to_dict()).to_dict() == both.to_dict()
