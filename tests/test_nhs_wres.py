"""The NHS WRES end to end: a small trust's return, every indicator worked out by hand, through the real CLI.

The trust (built below) has 60 staff at 31 March and four non-executive board members who are not staff:

    pay band    part          BME  white  unknown   board
    Band 3      non-clinical    6     10        1
    Band 3      clinical        4      4        0
    Band 5      clinical       12      8        1
    Band 8a     non-clinical    1      4        0
    VSM         non-clinical    1      3        0   executives: BME 1 (voting), white 3 (2 voting)
    Consultant  clinical        3      2        0
    ---------------------------------------------
    headcount                  27     31        2   = 60; clinical 19 / 14 / 1 = 34, non-clinical 8 / 17 / 1 = 26
    Board (non-executive)       1      2        1   voting, not staff: indicator 9 only

Katz CI: exp(ln RL ± 1.959964·sqrt(1/a − 1/n1 + 1/c − 1/n2)), a and n1 the numerator group's (white for
indicators 2 and 4, BME for 3). Percentages' differences are checked against statsmodels' Newcombe interval.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import write_return
from wres.cli import app

ORG = {"standard": "nhs-wres", "name": "Test Hospitals NHS Trust", "period_start": "2024-04-01", "period_end": "2025-03-31"}
BME, WHITE, UNKNOWN = "H Asian or Asian British - Indian", "A White - British", "Z Not Stated"
GROUPS = ("bme", "white", "unknown")


def _staff() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    spec = [  # prefix, ethnicity, [(band, clinical, n, voting, executive)]
        ("B", BME, [("Band 3", "no", 6, "no", "no"), ("Band 3", "yes", 4, "no", "no"), ("Band 5", "yes", 12, "no", "no"),
                    ("Band 8a", "no", 1, "no", "no"), ("VSM", "no", 1, "yes", "yes"), ("Consultant", "yes", 3, "no", "no")]),
        ("W", WHITE, [("Band 3", "no", 10, "no", "no"), ("Band 3", "yes", 4, "no", "no"), ("Band 5", "yes", 8, "no", "no"),
                      ("Band 8a", "no", 4, "no", "no"), ("VSM", "no", 2, "yes", "yes"), ("VSM", "no", 1, "no", "yes"),
                      ("Consultant", "yes", 2, "no", "no")]),
        ("U", UNKNOWN, [("Band 3", "no", 1, "no", "no"), ("Band 5", "yes", 1, "no", "no")]),
    ]
    for prefix, eth, cells in spec:
        i = 0
        for band, clinical, n, voting, executive in cells:
            for _ in range(n):
                i += 1
                rows.append({"staff_id": f"{prefix}{i:02d}", "ethnicity": eth if f"{prefix}{i:02d}" != "U02" else "",
                             "pay_band": band, "clinical": clinical, "board_voting": voting, "board_executive": executive})
    # the chair and non-executive directors: on the board, not on the staff record
    for i, eth in enumerate(("N Black or Black British - African", WHITE, "White - Irish", "Not stated"), start=1):
        rows.append({"staff_id": f"NED{i}", "ethnicity": eth, "pay_band": "Board (non-executive)", "clinical": "no",
                     "board_voting": "yes", "board_executive": "no"})
    return rows


def _events(ids: list[str], date: str = "2024-06-01") -> list[dict[str, Any]]:
    """Event rows with ethnicity left blank: the engine takes it from staff.csv by staff_id."""
    return [{"staff_id": i, "ethnicity": None, "date": date} for i in ids]


def _disciplinary() -> list[dict[str, Any]]:
    rows = _events(["B01", "B02", "B03", "W01", "W02", "U01"])
    rows[0]["ethnicity"] = BME  # given, as well as looked up
    rows.append({"staff_id": "B03", "ethnicity": BME, "date": "2024-11-20"})  # a second case: counted once
    rows.append({"staff_id": "W03", "ethnicity": WHITE, "date": "2024-03-15"})  # before the period: left out
    return rows


def _training() -> list[dict[str, Any]]:
    return _events([f"W{i:02d}" for i in range(1, 21)] + [f"B{i:02d}" for i in range(1, 13)] + ["U01"])


def _recruitment() -> list[dict[str, Any]]:
    rows = []
    # BME 300 applicants, 200 shortlisted, 30 appointed; white 200, 150, 45; unknown 25, 20, 10
    for eth, total, short, appointed in ((BME, 300, 200, 30), (WHITE, 200, 150, 45), ("Prefer not to say", 25, 20, 10)):
        for k in range(total):
            rows.append({"applicant_id": f"A-{eth[:3]}-{k}", "ethnicity": eth,
                         "shortlisted": "yes" if k < short else "no", "appointed": "yes" if k < appointed else "no"})
    return rows


def _survey() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(eth: str, public: list[str], managers: list[str], colleagues: list[str], eo: list[str], disc: list[str]) -> None:
        assert len({len(public), len(managers), len(colleagues), len(eo), len(disc)}) == 1
        for p, m, c, e, d in zip(public, managers, colleagues, eo, disc):
            rows.append({"ethnicity": eth, "harassment_public": p, "harassment_managers": m, "harassment_colleagues": c,
                         "equal_opportunities": e, "discrimination_colleagues": d})

    # BME, 40 respondents.
    # 5: 14 at least once, 24 never, 2 blank → 14 / 38
    # 6: 8 from managers only, 4 from colleagues only, 2 both, 1 managers "1-2" with colleagues blank,
    #    23 never on both, 2 blank on both → (8 + 4 + 2 + 1) / (40 − 2) = 15 / 38
    # 7: 12 yes, 18 no, 8 don't know, 2 blank → 12 / 30
    # 8: 8 yes, 32 no → 8 / 40
    add("Asian / Asian British",
        ["1-2"] * 8 + ["3-5"] * 4 + ["More than 10"] * 2 + ["Never"] * 24 + [""] * 2,
        ["1-2"] * 8 + ["Never"] * 4 + ["6-10"] * 2 + ["1-2"] + ["Never"] * 23 + [""] * 2,
        ["Never"] * 8 + ["3-5"] * 4 + ["6-10"] * 2 + [""] + ["Never"] * 23 + [""] * 2,
        ["Yes"] * 12 + ["No"] * 18 + ["Don't know"] * 8 + [""] * 2,
        ["Yes"] * 8 + ["No"] * 32)
    # white, 50 respondents. 5: 10 / 50; 6: 5 managers only, 3 colleagues only, 2 both → 10 / 50;
    # 7: 30 yes, 10 no, 10 don't know → 30 / 40; 8: 2 yes, 46 no, 2 blank → 2 / 48
    add("White",
        ["1-2"] * 10 + ["Never"] * 40,
        ["1-2"] * 5 + ["Never"] * 3 + ["3-5"] * 2 + ["Never"] * 40,
        ["Never"] * 5 + ["1-2"] * 3 + ["3-5"] * 2 + ["Never"] * 40,
        ["Yes"] * 30 + ["No"] * 10 + ["Don't know"] * 10,
        ["Yes"] * 2 + ["No"] * 46 + [""] * 2)
    # unknown, 5 respondents: 5: 1 / 5; 6: 1 / 5; 7: 2 / 3; 8: 0 / 5
    add("Prefer not to say",
        ["1-2"] + ["Never"] * 4, ["Never"] * 5, ["1-2"] + ["Never"] * 4,
        ["Yes"] * 2 + ["No"] + ["Don't know"] * 2, ["No"] * 5)
    return rows


def _metrics(path: Path, *args: str) -> dict[str, Any]:
    res = CliRunner().invoke(app, ["metrics", str(path), "--format", "json", *args], catch_exceptions=False,
                             env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_return(tmp_path_factory.mktemp("nhs") / "trust", {
        "staff": _staff(), "recruitment": _recruitment(), "disciplinary": _disciplinary(),
        "training": _training(), "survey": _survey(),
    }, ORG)


@pytest.fixture(scope="module")
def internal(trust: Path) -> dict[str, Any]:
    return _metrics(trust, "--internal")


@pytest.fixture(scope="module")
def published(trust: Path) -> dict[str, Any]:
    return _metrics(trust)


def find(doc: dict[str, Any], metric: str, service: str = "all", band: str | None = None) -> dict[str, Any]:
    found = [r for r in doc["results"] if r["metric"] == metric and r["service"] == service and r["band"] == band]
    assert len(found) == 1, f"{len(found)} results for {metric} {service} {band}"
    return found[0]


def figures(r: dict[str, Any]) -> dict[str, tuple[int | None, int | None]]:
    return {g: (r[g]["numerator"], r[g]["denominator"]) for g in GROUPS}


def close(x: float | None, y: float, places: int = 9) -> bool:
    return x is not None and math.isclose(x, y, abs_tol=10 ** -places)


# --- the document ----------------------------------------------------------------------------------------

def test_the_document_names_its_standard_and_every_indicator(internal: dict[str, Any]) -> None:
    assert (internal["standard"], internal["standard_id"], internal["standard_version"]) == ("NHS WRES", "nhs-wres", "2025")
    assert internal["schema_version"] == 1
    assert {r["metric"] for r in internal["results"]} == {str(i) for i in range(1, 10)}
    for r in internal["results"]:
        assert [k for k in r if isinstance(r[k], dict) and "numerator" in r[k] and k != "total"] == list(GROUPS)
        assert r["status"] in ("published", "undefined", "not_submitted")  # internal: nothing withheld
    # indicator 1 is broken down by clinical / non-clinical and the whole trust; the others are whole-trust only
    assert {r["service"] for r in internal["results"] if r["metric"] == "1"} == {"clinical", "non_clinical", "all"}
    assert {r["service"] for r in internal["results"] if r["metric"] != "1"} == {"all"}
    assert {r["statistic"] for r in internal["results"]} == {"representation", "relative_likelihood", "percentages"}


# --- indicator 1: each group's share of each band beside its share of the workforce ---------------------

@pytest.mark.parametrize("service, band, counts, shares, workforce", [
    # whole trust, Band 5: BME 12, white 8, unknown 1 of 21 → 12/21, 8/21, 1/21; workforce 27/60, 31/60, 2/60;
    # difference 12/21 − 27/60 = 0.571429 − 0.45 = +0.121429
    ("all", "Band 5", {"bme": (12, 27), "white": (8, 31), "unknown": (1, 2)}, (12 / 21, 8 / 21, 1 / 21), (27 / 60, 31 / 60, 2 / 60)),
    # clinical, Band 5: the same 21 people, beside the clinical workforce 19/34, 14/34, 1/34 → +0.012605
    ("clinical", "Band 5", {"bme": (12, 19), "white": (8, 14), "unknown": (1, 1)}, (12 / 21, 8 / 21, 1 / 21), (19 / 34, 14 / 34, 1 / 34)),
    # non-clinical, Band 3: 6, 10, 1 of 17 beside 8/26, 17/26, 1/26 → 0.352941 − 0.307692 = +0.045249
    ("non_clinical", "Band 3", {"bme": (6, 8), "white": (10, 17), "unknown": (1, 1)}, (6 / 17, 10 / 17, 1 / 17), (8 / 26, 17 / 26, 1 / 26)),
    # whole trust, Band 3: 10, 14, 1 of 25 → 0.40 − 0.45 = −0.05
    ("all", "Band 3", {"bme": (10, 27), "white": (14, 31), "unknown": (1, 2)}, (10 / 25, 14 / 25, 1 / 25), (27 / 60, 31 / 60, 2 / 60)),
    # whole trust, VSM: 1, 3, 0 of 4 → 0.25 − 0.45 = −0.20
    ("all", "VSM", {"bme": (1, 27), "white": (3, 31), "unknown": (0, 2)}, (1 / 4, 3 / 4, 0.0), (27 / 60, 31 / 60, 2 / 60)),
])
def test_indicator_1_shares_by_band_and_part(internal: dict[str, Any], service: str, band: str,
                                               counts: dict[str, tuple[int, int]], shares: tuple[float, ...], workforce: tuple[float, ...]) -> None:
    r = find(internal, "1", service, band)
    assert figures(r) == counts  # the headcount never holds the non-executive directors
    assert r["statistic"] == "representation" and r["status"] == "published"
    assert r["assessed"] is False and r["assessment"] is None  # figures only
    assert all(close(r["shares"][g], s) for g, s in zip(GROUPS, shares))
    assert all(close(r["workforce_shares"][g], s) for g, s in zip(GROUPS, workforce))
    assert close(r["difference"], shares[0] - workforce[0])
    assert r["difference_ci95"] is None and r["relative_likelihood"] is None
    assert r["label"] == f"Staff in each pay band ({band})"


def test_indicator_1_has_every_band_of_the_standard_and_no_board_band(internal: dict[str, Any]) -> None:
    from wres import standards

    labels = [b.label for b in standards.load("nhs-wres").default_bands]
    assert [r["band"] for r in internal["results"] if r["metric"] == "1" and r["service"] == "all"] == labels
    empty = find(internal, "1", "all", "Band 9")  # nobody in it: a share of nothing cannot be computed
    assert empty["status"] == "undefined" and empty["reason"] and empty["difference"] is None


# --- indicators 2 to 4: relative likelihoods, oriented as NHS England states them ------------------------

def test_indicator_2_white_over_bme_appointed_from_shortlisting(internal: dict[str, Any]) -> None:
    r = find(internal, "2")
    # white 45 / 150 = 0.30, BME 30 / 200 = 0.15 → RL white ÷ BME = 2.00
    # SE = sqrt(1/45 − 1/150 + 1/30 − 1/200) = sqrt(0.043889) = 0.209497
    # CI = exp(ln 2 ± 1.959964 × 0.209497) = exp(0.693147 ± 0.410606) = 1.3265 to 3.0155
    assert figures(r) == {"bme": (30, 200), "white": (45, 150), "unknown": (10, 20)}
    assert r["orientation"] == ["white", "bme"]
    assert close(r["relative_likelihood"], 2.0)
    assert close(r["ci95"][0], 1.3265, 4) and close(r["ci95"][1], 3.0155, 4)
    # above 1.25, and the whole interval too: worse for BME applicants, not chance
    assert r["assessment"] == "worse_for_bme" and r["assessed"] is True
    assert r["verdict"] == "Worse for BME staff"
    assert r["sentence"].startswith("White applicants were 2.00 times as likely as BME applicants to be appointed "
                                    "from shortlisting (95% CI 1.33 to 3.02).")
    assert "to the disadvantage of BME staff" in r["sentence"]


def test_indicator_3_bme_over_white_entering_the_disciplinary_process(internal: dict[str, Any]) -> None:
    r = find(internal, "3")
    # distinct staff in the period: BME B01 B02 B03 (B03 twice) = 3, white W01 W02 = 2 (W03's case is
    # before the period), unknown U01 = 1; headcounts 27, 31, 2 (non-executive directors are not staff)
    # RL BME ÷ white = (3/27) / (2/31) = 0.111111 / 0.064516 = 1.722222
    # SE = sqrt(1/3 − 1/27 + 1/2 − 1/31) = sqrt(0.764038) = 0.874093
    # CI = exp(0.543615 ± 1.713191) = 0.3105 to 9.5525
    assert figures(r) == {"bme": (3, 27), "white": (2, 31), "unknown": (1, 2)}
    assert r["orientation"] == ["bme", "white"]
    assert close(r["relative_likelihood"], (3 / 27) / (2 / 31))
    assert close(r["ci95"][0], 0.3105, 4) and close(r["ci95"][1], 9.5525, 4)
    assert r["assessment"] == "worse_for_bme"
    assert r["verdict"] == "Worse for BME staff, but could be chance"  # the interval reaches into the range
    assert r["sentence"].startswith("BME staff were 1.72 times as likely as white staff to enter the formal disciplinary process")
    assert any("outside the reporting period" in w.lower() or "dated outside" in w.lower() for w in internal["warnings"])


def test_indicator_4_white_over_bme_accessing_training(internal: dict[str, Any]) -> None:
    r = find(internal, "4")
    # white 20 / 31 = 0.645161, BME 12 / 27 = 0.444444 → RL white ÷ BME = 1.451613
    # SE = sqrt(1/20 − 1/31 + 1/12 − 1/27) = sqrt(0.064038) = 0.253058
    # CI = exp(0.372675 ± 0.495985) = 0.8840 to 2.3837
    assert figures(r) == {"bme": (12, 27), "white": (20, 31), "unknown": (1, 2)}
    assert r["orientation"] == ["white", "bme"]
    assert close(r["relative_likelihood"], (20 / 31) / (12 / 27))
    assert close(r["ci95"][0], 0.8840, 4) and close(r["ci95"][1], 2.3837, 4)
    assert r["assessment"] == "worse_for_bme" and r["verdict"] == "Worse for BME staff, but could be chance"


def test_an_rl_is_the_inverse_of_its_other_orientation(internal: dict[str, Any]) -> None:
    """Indicator 2 white ÷ BME is 1 / (BME ÷ white), its interval inverted: the stats module's own RL agrees."""
    from wres import stats

    r = find(internal, "2")
    other = stats.relative_likelihood(30, 200, 45, 150, words=("BME", "white"))
    assert close(r["relative_likelihood"] * other.rl, 1.0)
    assert close(r["ci95"][0] * other.ci95[1], 1.0) and close(r["ci95"][1] * other.ci95[0], 1.0)


# --- indicators 5 to 8: percentages side by side, the difference with Newcombe's interval ----------------

@pytest.mark.parametrize("metric, bme, white, unknown, assessment, verdict", [
    # 5: 14/38 = 36.8% vs 10/50 = 20.0%: +16.8 points, CI −1.9 to 35.0 includes 0: could be chance
    ("5", (14, 38), (10, 50), (1, 5), "within_range", "BME staff higher by 16.8 points, but could be chance"),
    # 6: either question: 15/38 = 39.5% vs 10/50 = 20.0%: +19.5 points, CI 0.4 to 37.5: a clear gap, worse
    ("6", (15, 38), (10, 50), (1, 5), "worse_for_bme", "BME staff higher by 19.5 points"),
    # 7: "Don't know" left out: 12/30 = 40.0% vs 30/40 = 75.0%: −35.0 points (higher is better): worse
    ("7", (12, 30), (30, 40), (2, 3), "worse_for_bme", "BME staff lower by 35.0 points"),
    # 8: 8/40 = 20.0% vs 2/48 = 4.2%: +15.8 points, CI 2.2 to 30.9: worse
    ("8", (8, 40), (2, 48), (0, 5), "worse_for_bme", "BME staff higher by 15.8 points"),
])
def test_percentages_with_the_difference_and_newcombes_interval(
    internal: dict[str, Any], metric: str, bme: tuple[int, int], white: tuple[int, int], unknown: tuple[int, int],
    assessment: str, verdict: str,
) -> None:
    from statsmodels.stats.proportion import confint_proportions_2indep

    r = find(internal, metric)
    assert figures(r) == {"bme": bme, "white": white, "unknown": unknown}
    assert r["statistic"] == "percentages" and r["status"] == "published" and r["assessed"] is True
    assert close(r["bme"]["rate"], bme[0] / bme[1]) and close(r["white"]["rate"], white[0] / white[1])
    assert close(r["difference"], bme[0] / bme[1] - white[0] / white[1])
    low, high = confint_proportions_2indep(bme[0], bme[1], white[0], white[1], method="newcomb")
    assert close(r["difference_ci95"][0], float(low)) and close(r["difference_ci95"][1], float(high))
    assert r["relative_likelihood"] is None and r["ci95"] is None
    assert r["assessment"] == assessment and r["verdict"] == verdict


# --- indicator 9: the board beside the workforce ---------------------------------------------------------

def test_indicator_9_board_with_non_executive_members(internal: dict[str, Any]) -> None:
    voting = find(internal, "9", "all", "Voting board members")
    executive = find(internal, "9", "all", "Executive board members")
    # voting: executives BME 1, white 2; non-executives BME 1, white 2, unknown 1 → 2, 4, 1 of 7
    # BME share 2/7 = 0.285714 beside 27/60 = 0.45 of the workforce → −0.164286 (16.4 points lower)
    assert figures(voting) == {"bme": (2, 27), "white": (4, 31), "unknown": (1, 2)}
    assert close(voting["shares"]["bme"], 2 / 7) and close(voting["workforce_shares"]["bme"], 0.45)
    assert close(voting["difference"], 2 / 7 - 0.45)
    assert voting["verdict"] == "16.4 points below the workforce share"
    # executive: BME 1, white 3 (one without a vote) of 4 → 0.25 − 0.45 = −0.20
    assert figures(executive) == {"bme": (1, 27), "white": (3, 31), "unknown": (0, 2)}
    assert close(executive["shares"]["bme"], 0.25) and close(executive["difference"], -0.2)
    for r in (voting, executive):
        assert r["statistic"] == "representation" and r["assessed"] is False and r["assessment"] is None


# --- the published document --------------------------------------------------------------------------------

def test_published_document_says_what_each_figure_is(internal: dict[str, Any], published: dict[str, Any]) -> None:
    assert published["suppression"]["applied"] is True
    assert len(published["results"]) == len(internal["results"])
    for r in published["results"]:
        assert r["status"] in ("published", "withheld_primary", "withheld_secondary", "undefined", "not_submitted")
        if r["status"].startswith("withheld"):
            assert r["suppressed"] is True and r["assessed"] is False
            assert r["relative_likelihood"] is None and r["difference"] is None and r["difference_ci95"] is None
            assert r["verdict"] == "Withheld"
            # a share is shown only beside its group's published count (the audit proves the rest safe)
            for g, share in (r.get("shares") or {}).items():
                assert share is None or r[g]["numerator"] is not None
    # indicator 2's counts are all 10 or more: published as computed
    two, two_internal = find(published, "2"), find(internal, "2")
    assert two["status"] == "published"
    assert (two["relative_likelihood"], two["ci95"], two["assessment"]) == (two_internal["relative_likelihood"], two_internal["ci95"], two_internal["assessment"])
    # indicator 3 counts 3 BME and 2 white staff: its own counts are small, so it is withheld (primary)
    three = find(published, "3")
    assert three["status"] == "withheld_primary" and three["bme"]["numerator"] is None


def test_published_nhs_document_passes_the_audit(trust: Path, tmp_path: Path) -> None:
    doc = tmp_path / "published.json"
    res = CliRunner().invoke(app, ["metrics", str(trust), "--format", "json"], catch_exceptions=False)
    doc.write_text(res.stdout)
    audit = CliRunner().invoke(app, ["audit", str(doc)], catch_exceptions=False, env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert audit.exit_code == 0, audit.stdout
    assert "No leak" in audit.stdout


# --- the NHS demo trust -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_trust(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("demo") / "trust"
    res = CliRunner().invoke(app, ["demo", "--standard", "nhs-wres", str(d)], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    return d


def test_demo_trust_is_a_valid_nhs_return(demo_trust: Path) -> None:
    assert 'standard = "nhs-wres"' in (demo_trust / "organisation.toml").read_text()
    res = CliRunner().invoke(app, ["validate", str(demo_trust), "--format", "json"], catch_exceptions=False)
    problems = json.loads(res.stdout)
    assert [p for p in problems if p["severity"] == "error"] == []
    assert res.exit_code == 0


def test_demo_trust_tells_the_national_story(demo_trust: Path) -> None:
    doc = _metrics(demo_trust, "--internal")
    # about 4,000 staff, two in five BME; six non-executive directors on the board but not in the headcount
    one = find(doc, "1", "all", "Band 5")
    assert 3900 <= one["total"]["denominator"] <= 4100
    assert 0.3 < one["workforce_shares"]["bme"] < 0.45
    assert one["shares"]["bme"] > one["workforce_shares"]["bme"]  # BME staff most represented in Band 5
    assert find(doc, "1", "all", "Band 8c")["shares"]["bme"] < one["workforce_shares"]["bme"]
    voting = find(doc, "9", "all", "Voting board members")
    assert voting["total"]["numerator"] == 11  # five voting executives, the chair and five NEDs
    assert find(doc, "9", "all", "Executive board members")["total"]["numerator"] == 6
    assert 1.3 < find(doc, "2")["relative_likelihood"] < 1.7  # white ÷ BME appointed from shortlisting ~1.5
    assert 1.0 < find(doc, "3")["relative_likelihood"] < 1.7  # BME ÷ white disciplinary ~1.3
    assert find(doc, "7")["difference"] < 0 < find(doc, "8")["difference"]


def test_published_demo_trust_passes_the_audit(demo_trust: Path, tmp_path: Path) -> None:
    doc = tmp_path / "published.json"
    res = CliRunner().invoke(app, ["metrics", str(demo_trust), "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    doc.write_text(res.stdout)
    assert json.loads(res.stdout)["standard_id"] == "nhs-wres"
    audit = CliRunner().invoke(app, ["audit", str(doc)], catch_exceptions=False, env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert audit.exit_code == 0, audit.stdout
    assert "No leak" in audit.stdout


def test_demo_trust_same_seed_same_bytes(tmp_path: Path) -> None:
    from wres.demo import write_demo

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        write_demo(tmp_path / name, seed=3, staff=500, standard="nhs-wres")
    for f in sorted((tmp_path / "a").iterdir()):
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name


def test_demo_trusts_for_the_national_view(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["demo", "--standard", "nhs-wres", "--authorities", "3", "--staff", "300", str(tmp_path / "n")],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    folders = sorted(p.name for p in (tmp_path / "n").iterdir())
    assert folders == ["trust-001", "trust-002", "trust-003"]
    from wres.demo import NHS_REGIONS

    for f in folders:
        text = (tmp_path / "n" / f / "organisation.toml").read_text()
        assert 'standard = "nhs-wres"' in text
        assert any(f'region = "{r}"' in text for r in NHS_REGIONS)
    # pooled nationally: a document of the NHS WRES whose counts are the trusts' sums, and nothing small leaks
    res = CliRunner().invoke(app, ["national", *[str(tmp_path / "n" / f) for f in folders], "-o", str(tmp_path / "nat"), "--named"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    nation = json.loads((tmp_path / "nat" / "national.json").read_text())
    assert nation["standard_id"] == "nhs-wres"
    one = [_metrics(tmp_path / "n" / f, "--internal") for f in folders]
    assert find(nation, "2")["total"]["denominator"] == sum(find(d, "2")["total"]["denominator"] for d in one)
    audit = CliRunner().invoke(app, ["audit", str(tmp_path / "nat")], catch_exceptions=False)
    assert audit.exit_code == 0, audit.stdout


def test_demo_trust_has_an_untidy_action_plan(demo_trust: Path) -> None:
    res = CliRunner().invoke(app, ["actions", str(demo_trust)], catch_exceptions=False, env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert res.exit_code == 0, res.stderr
    # seven actions for the indicators the demo makes worse: one overdue, two complete, one without recent updates
    assert "RAG: Red 1 · Amber 0 · Green 4 · Not started 0 · Complete 2" in res.stdout
    assert "overdue" in res.stdout and "no update this month" in res.stdout
    assert "Indicator 9" in res.stdout and "Board membership" in res.stdout
