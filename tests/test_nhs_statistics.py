"""The NHS WRES through the engine: every indicator worked by hand from counts, the orientation of its
relative likelihoods, Newcombe's interval against statsmodels, pooling as a sum, and disclosure control
that leaves nothing small recoverable in its tables (and `wres audit` saying so).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wres import disclosure, national, results, stats, standards
from wres.counts import Counts
from wres.document import Document
from wres.organisation import Organisation

NHS = standards.load("nhs-wres")
ORG = Organisation(name="Hand Trust", period_start="2024-04-01", period_end="2025-03-31", standard="nhs-wres")  # type: ignore[arg-type]
G = NHS.group_ids  # bme, white, unknown
ALL = NHS.breakdown.total.id
PARTS = tuple(p.id for p in NHS.breakdown.parts)  # clinical, non_clinical
HEAD = {"bme": 72, "white": 180, "unknown": 28}  # the trust's headcount (280), whole trust


def _ids() -> dict[str, str]:
    """The indicators' ids by what they are, read from the standard (tests name them once, here)."""
    by = {}
    for m in NHS.metrics:
        by[m.short] = m.id
    return by


IDS = _ids()


def ind(n: int) -> str:
    return IDS[f"Indicator {n}"]


def hand_counts() -> Counts:
    cells: dict[tuple[str, str, str, str], tuple[int, int]] = {}

    def put(metric: str, part: str, band: str, values: dict[str, tuple[int, int]]) -> None:
        for g, v in values.items():
            cells[(metric, part, band, g)] = v

    # Indicator 1: staff in each band, by clinical / non-clinical; the bands add up to each group's headcount.
    #   clinical      Band 5: 30 BME, 50 white, 5 unknown   Band 8a: 10, 40, 5   → headcount 40, 90, 10
    #   non-clinical  Band 5: 20, 60, 10                     Band 8a: 12, 30, 8   → headcount 32, 90, 18
    for part, b5, b8, head in (("clinical", (30, 50, 5), (10, 40, 5), (40, 90, 10)),
                               ("non_clinical", (20, 60, 10), (12, 30, 8), (32, 90, 18))):
        put(ind(1), part, "Band 5", {g: (n, h) for g, n, h in zip(G, b5, head)})
        put(ind(1), part, "Band 8a", {g: (n, h) for g, n, h in zip(G, b8, head)})
    # Indicator 2: appointed of shortlisted: BME 15 of 100, white 48 of 100, unknown 3 of 20.
    put(ind(2), ALL, "", {"bme": (15, 100), "white": (48, 100), "unknown": (3, 20)})
    # Indicator 3: entering a formal disciplinary investigation: BME 6 of 72, white 9 of 180, unknown 1 of 28.
    put(ind(3), ALL, "", {"bme": (6, 72), "white": (9, 180), "unknown": (1, 28)})
    # Indicator 4: non-mandatory training: BME 27 of 72, white 90 of 180, unknown 10 of 28.
    put(ind(4), ALL, "", {"bme": (27, 72), "white": (90, 180), "unknown": (10, 28)})
    # Indicators 5–8: Staff Survey respondents answering at least once / yes, of those answering.
    put(ind(5), ALL, "", {"bme": (60, 160), "white": (100, 400), "unknown": (5, 20)})
    put(ind(6), ALL, "", {"bme": (40, 150), "white": (90, 390), "unknown": (4, 20)})
    put(ind(7), ALL, "", {"bme": (60, 150), "white": (240, 400), "unknown": (10, 20)})
    put(ind(8), ALL, "", {"bme": (20, 160), "white": (40, 400), "unknown": (2, 20)})
    # Indicator 9: voting board 2 BME, 8 white (3 of them non-executive directors: 1 BME, 2 white, who are in no
    # headcount: they count in the numerator only); executive board 1 BME, 5 white. Denominators: the headcount.
    put(ind(9), ALL, "Voting board members", {"bme": (2, 72), "white": (8, 180), "unknown": (0, 28)})
    put(ind(9), ALL, "Executive board members", {"bme": (1, 72), "white": (5, 180), "unknown": (0, 28)})
    return Counts(cells, ["Band 5", "Band 8a"], NHS)


@pytest.fixture(scope="module")
def doc() -> Document:
    return results.compute(hand_counts(), ORG)


def one(doc: Document, metric: str, service: str = ALL, band: str | None = None) -> Any:
    return next(r for r in doc.results if r.metric == metric and r.service == service and r.band == band)


def test_the_document_names_its_standard(doc: Document) -> None:
    d = doc.to_dict()
    assert (d["standard"], d["standard_id"], d["standard_version"]) == ("NHS WRES", "nhs-wres", NHS.version)
    assert Document.from_dict(d).to_dict() == d
    protected = disclosure.protect(doc, 10).to_dict()
    assert Document.from_dict(json.loads(json.dumps(protected))).to_dict() == protected


def test_indicator_1_shares_of_a_band_beside_the_workforce(doc: Document) -> None:
    # whole trust, Band 8a: 22 BME, 70 white, 13 unknown = 105 → BME 22/105 = 20.95%;
    # workforce 72 + 180 + 28 = 280 → BME 72/280 = 25.71%; gap −4.76 points
    r = one(doc, ind(1), ALL, "Band 8a")
    assert r.statistic == "representation" and r.status == "published" and r.assessed is False
    assert r.shares == pytest.approx({"bme": 22 / 105, "white": 70 / 105, "unknown": 13 / 105})
    assert r.workforce_shares == pytest.approx({"bme": 72 / 280, "white": 180 / 280, "unknown": 28 / 280})
    assert r.difference == pytest.approx(22 / 105 - 72 / 280)
    assert r.sentence == "BME staff are 21.0% of Band 8a and 25.7% of the workforce (4.8 points lower)."
    assert r.verdict == "4.8 points below the workforce share"
    assert r.relative_likelihood is None and r.assessment is None
    # by part: clinical Band 8a 10 of 55 BME (18.2%), clinical workforce 40 of 140 (28.6%)
    c = one(doc, ind(1), "clinical", "Band 8a")
    assert c.shares["bme"] == pytest.approx(10 / 55) and c.workforce_shares["bme"] == pytest.approx(40 / 140)
    assert c.sentence == "Among clinical staff, BME staff are 18.2% of Band 8a and 28.6% of the workforce (10.4 points lower)."


def test_indicator_2_is_white_over_bme(doc: Document) -> None:
    # white 48/100 ÷ BME 15/100 = 3.20; Katz SE = √(1/48 − 1/100 + 1/15 − 1/100) = √0.0675 = 0.2598;
    # CI = 3.2 · exp(±1.96 · 0.2598) = 1.92 to 5.32: above 1.25, adverse to BME staff
    r = one(doc, ind(2))
    assert r.orientation == ("white", "bme")
    assert r.relative_likelihood == pytest.approx(3.2)
    se = math.sqrt(1 / 48 - 1 / 100 + 1 / 15 - 1 / 100)
    assert r.ci95 == pytest.approx((3.2 * math.exp(-stats.Z95 * se), 3.2 * math.exp(stats.Z95 * se)))
    assert r.assessment == "worse_for_bme" and r.assessed and r.status == "published"
    assert r.sentence == ("White applicants were 3.20 times as likely as BME applicants to be appointed from shortlisting "
                          "(95% CI 1.92 to 5.32). This is outside the non-adverse range, to the disadvantage of BME staff, "
                          "and so is the whole confidence interval: the data show a gap beyond the range.")
    assert r.verdict == "Worse for BME staff"
    assert r.to_dict()["orientation"] == ["white", "bme"]


def test_indicator_3_is_bme_over_white_and_could_be_chance(doc: Document) -> None:
    # BME 6/72 = 0.0833 ÷ white 9/180 = 0.05 → 1.67; SE = √(1/6 − 1/72 + 1/9 − 1/180) = 0.5083 → CI 0.62 to 4.51
    r = one(doc, ind(3))
    assert r.orientation == ("bme", "white")
    assert r.relative_likelihood == pytest.approx(5 / 3)
    assert r.ci95 == pytest.approx((0.6154783, 4.5132015), abs=1e-6)
    assert r.assessment == "worse_for_bme"
    assert r.verdict == "Worse for BME staff, but could be chance"
    assert r.sentence.startswith("BME staff were 1.67 times as likely as white staff to enter the formal disciplinary process")


def test_indicator_4_is_white_over_bme(doc: Document) -> None:
    # white 90/180 = 0.5 ÷ BME 27/72 = 0.375 → 1.33 (CI 0.96 to 1.86)
    r = one(doc, ind(4))
    assert r.relative_likelihood == pytest.approx(4 / 3) and r.orientation == ("white", "bme")
    assert r.assessment == "worse_for_bme"
    assert r.sentence.startswith("White staff were 1.33 times as likely as BME staff to access non-mandatory training")


def test_indicators_5_to_8_are_percentages_with_newcombes_interval(doc: Document) -> None:
    # 5: BME 60/160 = 37.5%, white 100/400 = 25.0%: +12.5 points. Wilson 95% intervals: BME 0.3037–0.4521,
    #    white 0.2101–0.2947; Newcombe: 0.125 − √((0.375 − 0.3037)² + (0.2947 − 0.25)²) = 0.0409 to
    #    0.125 + √((0.4521 − 0.375)² + (0.25 − 0.2101)²) = 0.2118: excludes 0, and higher is adverse
    r = one(doc, ind(5))
    assert r.statistic == "percentages" and r.relative_likelihood is None and r.orientation is None
    assert r.difference == pytest.approx(0.125)
    assert r.difference_ci95 == pytest.approx((0.0408955, 0.2118385), abs=1e-6)
    assert r.assessment == "worse_for_bme" and r.assessed
    assert r.verdict == "BME staff higher by 12.5 points"
    assert r.sentence == (
        "37.5% of BME respondents and 25.0% of white respondents experienced harassment, bullying or abuse from "
        "patients, relatives or the public in the last 12 months: BME staff higher by 12.5 percentage points "
        "(95% CI 4.1 to 21.2), a clear difference, to the disadvantage of BME staff.")
    # 7: higher is better: BME 40.0% vs white 60.0% (−20.0 points, CI −28.8 to −10.6) is adverse
    r7 = one(doc, ind(7))
    assert r7.difference == pytest.approx(-0.2) and r7.assessment == "worse_for_bme"
    assert "BME staff lower by 20.0 percentage points (95% CI -28.8 to -10.6), a clear difference" in r7.sentence
    # 8: BME 12.5% vs white 10.0%: +2.5 points, CI −2.9 to 9.0 includes 0 → within
    r8 = one(doc, ind(8))
    assert r8.assessment == "within_range" and r8.verdict == "BME staff higher by 2.5 points, but could be chance"
    assert r8.sentence.endswith("(95% CI -2.9 to 9.0); the interval includes no difference, so this could be chance.")
    # 6: two questions counted as one; the figures are as counted
    r6 = one(doc, ind(6))
    assert (r6.groups["bme"].rate, r6.groups["white"].rate) == (40 / 150, 90 / 390)


def test_indicator_9_board_shares_with_non_executive_members(doc: Document) -> None:
    # voting board 2 BME of 10 (20.0%; its 3 non-executive directors are in no headcount, so 2 + 8 exceeds
    # nothing it is divided by) beside BME 72 of 280 in the workforce (25.7%): 5.7 points lower
    r = one(doc, ind(9), ALL, "Voting board members")
    assert r.statistic == "representation" and not r.assessed
    assert r.shares["bme"] == pytest.approx(0.2) and r.workforce_shares["bme"] == pytest.approx(72 / 280)
    assert r.difference == pytest.approx(0.2 - 72 / 280)
    assert r.sentence == "BME people are 20.0% of voting board members and 25.7% of the workforce (5.7 points lower)."
    e = one(doc, ind(9), ALL, "Executive board members")
    assert e.shares["bme"] == pytest.approx(1 / 6)
    # only the whole organisation: indicator 9 has no breakdown
    assert {x.service for x in doc.results if x.metric == ind(9)} == {ALL}


def test_a_metric_without_breakdown_has_the_whole_trust_only(doc: Document) -> None:
    assert {r.service for r in doc.results if r.metric == ind(2)} == {ALL}
    assert {r.service for r in doc.results if r.metric == ind(1)} == {*PARTS, ALL}


def test_not_submitted_and_undefined_say_so() -> None:
    counts = hand_counts()
    counts.cells = {k: v for k, v in counts.cells.items() if k[0] != ind(5)}
    counts.cells[(ind(2), ALL, "", "white")] = (0, 100)  # white rate 0: a white ÷ BME RL of 0 is defined …
    counts.cells[(ind(4), ALL, "", "bme")] = (0, 72)  # … a BME rate of 0 as divisor is not
    d = results.compute(counts, ORG)
    assert one(d, ind(5)).status == "not_submitted" and one(d, ind(5)).verdict == "Not submitted"
    r4 = one(d, ind(4))
    assert r4.status == "undefined" and r4.reason == "the rate for BME staff is 0, so there is nothing to compare with"
    assert r4.verdict == "Cannot be calculated" and not r4.assessed


# --- the statistics themselves -------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.integers(1, 400), st.integers(1, 400), st.data())
def test_newcombe_agrees_with_statsmodels(n1: int, n2: int, data: st.DataObject) -> None:
    from statsmodels.stats.proportion import confint_proportions_2indep

    x1, x2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    ours = stats.newcombe(x1, n1, x2, n2)
    assert ours == pytest.approx((float(low), float(high)), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300), st.integers(1, 300), st.data())
def test_orientation_inverts_the_rl_and_its_interval(n1: int, n2: int, data: st.DataObject) -> None:
    a, c = data.draw(st.integers(1, n1)), data.draw(st.integers(1, n2))
    m2, m3 = NHS.metric(ind(2)), NHS.metric(ind(3))  # white ÷ BME, BME ÷ white
    white_over, bme_over = stats.oriented(NHS, m2, (a, n1), (c, n2)), stats.oriented(NHS, m3, (a, n1), (c, n2))
    assert white_over.rl == pytest.approx(1 / bme_over.rl)
    assert white_over.exact == 1 / bme_over.exact
    if bme_over.ci95:
        assert white_over.ci95 == pytest.approx((1 / bme_over.ci95[1], 1 / bme_over.ci95[0]))


# --- pooling and disclosure ---------------------------------------------------------------------------

@st.composite
def nhs_counts(draw: st.DrawFn) -> Counts:
    """A consistent NHS table set: headcounts split into bands by part, and the whole-trust indicators."""
    small = st.integers(0, 14)
    cells: dict[tuple[str, str, str, str], tuple[int, int]] = {}
    bands = ["Band 5", "Band 8a", "VSM"]
    head = {g: 0 for g in G}
    for part in PARTS:
        for g in G:
            split = [draw(small) for _ in bands]
            for band, n in zip(bands, split):
                cells[(ind(1), part, band, g)] = (n, sum(split))
            head[g] += sum(split)
    for g in G:
        cells[(ind(3), ALL, "", g)] = (draw(st.integers(0, head[g])), head[g])
        shortlisted = draw(st.integers(0, 30))
        cells[(ind(2), ALL, "", g)] = (draw(st.integers(0, shortlisted)), shortlisted)
        answered = draw(st.integers(0, 30))
        cells[(ind(5), ALL, "", g)] = (draw(st.integers(0, answered)), answered)
        for board in NHS.metric(ind(9)).bands:  # every board column has the headcount as its denominator
            cells[(ind(9), ALL, board, g)] = (draw(st.integers(0, 6)), head[g])
    return Counts(cells, bands, NHS)


def _tables(doc: Document) -> dict[str, list[dict[str, Any]]]:
    return {"doc": [r.to_dict() for r in doc.results]}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nhs_counts(), st.sampled_from([5, 10]))
def test_protected_nhs_documents_never_leak(counts: Counts, threshold: int) -> None:
    internal = results.compute(counts, ORG)
    doc = disclosure.protect(internal, threshold)
    published = [f[k] for r in _tables(doc)["doc"] for g in (*G, "total") if (f := r.get(g)) for k in ("numerator", "denominator") if f.get(k) is not None]
    assert all(not 0 < x < threshold for x in published)
    assert disclosure.audit(_tables(doc), threshold, standard=NHS).leaks == []
    truth = {(r.metric, r.service, r.band): r for r in internal.results}
    for r in doc.results:
        t = truth[(r.metric, r.service, r.band)]
        if r.status.startswith("withheld"):
            assert r.difference is None and r.difference_ci95 is None and r.relative_likelihood is None
            assert r.verdict == "Withheld" and not r.assessed
        elif r.status == "published":
            assert (r.difference, r.relative_likelihood) == (t.difference, t.relative_likelihood)
        for share_field in ("shares", "workforce_shares"):
            shown, true = getattr(r, share_field), getattr(t, share_field)
            if shown:
                assert all(v is None or v == true[g] for g, v in shown.items())


def test_a_published_share_beside_a_hidden_count_is_a_leak_the_audit_finds(doc: Document) -> None:
    """Shares are linear relations: a share left beside a hidden count gives it away (count = share × total)."""
    protected = disclosure.protect(doc, 10)
    tables = _tables(protected)
    assert disclosure.audit(tables, 10, standard=NHS).leaks == []
    leaky = json.loads(json.dumps(tables))
    for r in leaky["doc"]:
        if r["metric"] == ind(9) and r["band"] == "Voting board members":
            assert r["bme"]["numerator"] is None  # 2 BME voting members: withheld …
            r["shares"] = {"bme": 0.2, "white": 0.8, "unknown": 0.0}  # … but a share left beside a published total
            r["total"]["numerator"] = 10
    assert any(x.cell[1] == ind(9) for x in disclosure.audit(leaky, 10, standard=NHS).leaks)


def test_wres_audit_proves_an_nhs_document_leaks_nothing(doc: Document, tmp_path: Path, cli: Any) -> None:
    safe = tmp_path / "nhs.json"
    safe.write_text(json.dumps(disclosure.protect(doc, 10).to_dict()))
    run = cli("audit", safe)
    assert run.code == 0 and "No leak" in run.stdout, run.stdout
    naive = disclosure.protect(doc, 10).to_dict()
    for r in naive["results"]:
        if r["metric"] == ind(3):  # put back what was hidden: 6 BME and 1 unknown staff entered the process
            r["bme"]["numerator"], r["unknown"]["numerator"] = 6, 1
    weak = tmp_path / "weak.json"
    weak.write_text(json.dumps(naive))
    run = cli("audit", weak)
    assert run.code == 1


def test_withheld_sentences_use_the_standards_words(doc: Document) -> None:
    protected = disclosure.protect(doc, 10)
    r = one(protected, ind(3))
    assert r.status == "withheld_primary"
    assert r.sentence == ("Entering the formal disciplinary process: withheld, because fewer than 10 BME and fewer than 10 white "
                          "staff entered the formal disciplinary process. Counts under 10 are withheld to protect the people they describe.")
    statuses = {x.status for x in protected.results}
    assert {"published", "withheld_primary"} <= statuses
    assert all(x.suppressed for x in protected.results if x.status.startswith("withheld"))


def _authority(name: str, counts: Counts) -> national.Authority:
    org = Organisation(name=name, code=name, period_start="2024-04-01", period_end="2025-03-31", standard="nhs-wres", region="London")  # type: ignore[arg-type]
    return national.Authority(Path(name), org, counts, name)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(nhs_counts(), min_size=2, max_size=4))
def test_pooling_nhs_counts_is_a_sum(many: list[Counts]) -> None:
    pooled, warnings = national.pool([_authority(f"T{i}", c) for i, c in enumerate(many)])
    assert warnings == [] and pooled.standard.id == NHS.id
    for key in {k for c in many for k in c.cells}:
        metric, part, band, group = key
        sums = [sum(c.get(metric, part, band, group)[i] for c in many) for i in (0, 1)]
        assert list(pooled.get(metric, part, band, group)) == sums
        if NHS.metric(metric).breakdown:
            assert list(pooled.get(metric, ALL, band, group)) == [sum(c.get(metric, ALL, band, group)[i] for c in many) for i in (0, 1)]


def test_returns_of_two_standards_are_not_pooled() -> None:
    sc = Counts({}, [], standards.load("sc-wres"))
    with pytest.raises(ValueError):
        hand_counts() + sc
    trust = _authority("T1", hand_counts())
    council = national.Authority(Path("c"), Organisation(name="C", code="C", period_start="2024-04-01", period_end="2025-03-31"), sc, "C")  # type: ignore[arg-type]
    problems = national.consistency([trust, council, _authority("T2", hand_counts())])
    assert any("report on the NHS WRES" in p.message and "pool the returns of one standard" in p.fix for p in problems)
