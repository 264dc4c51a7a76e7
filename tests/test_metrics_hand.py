"""Every metric against figures worked out by hand from a small, fully known return.

The return (built below) has, at the snapshot date:

    service   group            staff  under30k  30-70k  70k+  senior  registered
    adults    minority ethnic    20      12        7      1      1        10
    adults    white              40      14       20      6      5        24
    adults    unknown             4       2        2      0      0         2
    children  minority ethnic    10       3        6      1      0         8
    children  white              30       6       18      6      3        20
    children  unknown             2       0        2      0      0         1

Katz CI: exp(ln RL ± 1.959964·sqrt(1/a − 1/n1 + 1/c − 1/n2)). The figures in the tests were worked by hand
(shown in each comment) and are compared to 4 decimal places.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import person, write_return
from wres import pipeline

SALARY = {"u": 25_000, "m": 45_000, "t": 80_000}


def _staff() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    spec = [
        # service, prefix, ethnicity, [(band, n)], senior, registered
        ("adults", "AM", "Indian", [("u", 12), ("m", 7), ("t", 1)], 1, 10),
        ("adults", "AW", "English, Welsh, Scottish, Northern Irish or British", [("u", 14), ("m", 20), ("t", 6)], 5, 24),
        ("adults", "AU", "Not stated", [("u", 2), ("m", 2)], 0, 2),
        ("children", "CM", "Black: Caribbean", [("u", 3), ("m", 6), ("t", 1)], 0, 8),
        ("children", "CW", "Irish", [("u", 6), ("m", 18), ("t", 6)], 3, 20),
        ("children", "CU", "", [("m", 2)], 0, 1),
    ]
    for service, prefix, eth, bands, senior, registered in spec:
        i = 0
        # the senior managers are the top earners, listed last
        salaries = [SALARY[b] for b, n in bands for _ in range(n)]
        for k, salary in enumerate(salaries):
            i += 1
            rows.append(person(
                f"{prefix}{i:02d}", eth, service,
                senior="yes" if k >= len(salaries) - senior else "no",
                registered="yes" if k < registered else "no",
                salary=salary,
            ))
    return rows


def _events(pairs: list[tuple[str, int]], date: str = "2024-06-01") -> list[dict[str, Any]]:
    """Event rows for the first n staff of each prefix; ethnicity and service left blank (taken from staff.csv)."""
    return [{"staff_id": f"{p}{i:02d}", "ethnicity": None, "service": None, "date": date} for p, n in pairs for i in range(1, n + 1)]


def _recruitment() -> list[dict[str, Any]]:
    rows = []
    # adults: ME 30 applicants, 20 shortlisted, 2 appointed; white 25, 15 shortlisted, 6 appointed; unknown 3 shortlisted, 1 appointed
    for eth, total, short, appointed in (("Pakistani", 30, 20, 2), ("White", 25, 15, 6), ("Prefer not to say", 3, 3, 1)):
        for k in range(total):
            rows.append({"applicant_id": f"A-{eth[:3]}-{k}", "ethnicity": eth, "service": "adults",
                         "shortlisted": "yes" if k < short else "no", "appointed": "yes" if k < appointed else "no"})
    # children: white only (no minority ethnic applicants)
    for k in range(10):
        rows.append({"applicant_id": f"C-{k}", "ethnicity": "A", "service": "children", "shortlisted": "yes", "appointed": "yes" if k < 4 else "no"})
    return rows


def _survey() -> list[dict[str, Any]]:
    rows = []

    def add(eth: str, n: int, public: list[str], colleagues: list[str], managers: list[str]) -> None:
        for k in range(n):
            rows.append({"ethnicity": eth, "service": "adults", "abuse_public": public[k], "abuse_colleagues": colleagues[k], "abuse_managers": managers[k]})

    # adults ME 12: public 6 yes, 5 never, 1 blank; colleagues 3 of 12; managers 4 of 12
    add("Asian", 12,
        ["1-2", "3-5", "6-10", "More than 10", "1-2", "yes"] + ["Never"] * 5 + [""],
        ["1-2"] * 3 + ["Never"] * 9,
        ["3-5"] * 4 + ["no"] * 8)
    # adults white 20: public 6 of 20; colleagues 4 of 20; managers 2 of 20
    add("White", 20, ["1-2"] * 6 + ["Never"] * 14, ["1-2"] * 4 + ["Never"] * 16, ["1-2"] * 2 + ["Never"] * 18)
    return rows


def hand_return(root: Path, **overrides: Any) -> Path:
    files: dict[str, Any] = {
        "staff": _staff(),
        # disciplinary: adults ME 3 people (AM01 twice), white 2, plus one white row outside the period;
        # children white 2, ME 0
        "disciplinary": _events([("AM", 3), ("AW", 2), ("CW", 2)]) + _events([("AM", 1)], "2024-09-09") + _events([("AW", 9)], "2025-04-02")[-1:],
        # fitness to practise: adults ME 2, white 1; children none
        "fitness_to_practise": _events([("AM", 2), ("AW", 1)]),
        # training: adults ME 8, white 20; children ME 5, white 15
        "training": _events([("AM", 8), ("AW", 20), ("CM", 5), ("CW", 15)]),
        # leavers: adults ME 4, white 4; children ME 1, white 3
        "leavers": _events([("AM", 4), ("AW", 4), ("CM", 1), ("CW", 3)]),
        "recruitment": _recruitment(),
        "survey": _survey(),
    }
    files.update(overrides)
    return write_return(root, {k: v for k, v in files.items() if v is not None})


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return pipeline.document(hand_return(tmp_path_factory.mktemp("hand")), internal=True).to_dict()


def res(doc: dict[str, Any], metric: str, service: str, band: str | None = None) -> dict[str, Any]:
    (r,) = [r for r in doc["results"] if r["metric"] == metric and r["service"] == service and r["band"] == band]
    return r


def check(r: dict[str, Any], me: tuple[int, int], white: tuple[int, int], rl: float | None, ci: tuple[float, float] | None, assessment: str | None) -> None:
    assert (r["minority_ethnic"]["numerator"], r["minority_ethnic"]["denominator"]) == me
    assert (r["white"]["numerator"], r["white"]["denominator"]) == white
    if rl is None:
        assert r["relative_likelihood"] is None
    else:
        assert r["relative_likelihood"] == pytest.approx(rl, abs=5e-5)
    if ci is None:
        assert r["ci95"] is None
    else:
        assert r["ci95"] == pytest.approx(list(ci), abs=5e-5)
    assert r["assessment"] == assessment


def test_document_shape(doc: dict[str, Any]) -> None:
    assert doc["schema_version"] == 1 and doc["standard"] == "SC-WRES"
    assert doc["suppression"]["applied"] is False and doc["marking"].startswith("OFFICIAL-SENSITIVE")
    # 3 bands × 3 services for M1, 3 services for each of the other nine ids
    assert len(doc["results"]) == 9 + 9 * 3
    ids = {r["metric"] for r in doc["results"]}
    assert ids == {"M1", "M2", "M3", "M4", "M5", "M6", "M7a", "M7b", "M8", "M9"}


def test_m1_pay_bands(doc: dict[str, Any]) -> None:
    # adults top band: ME 1/20 = 0.05, white 6/40 = 0.15 → RL 1/3;
    # se = sqrt(1/1 − 1/20 + 1/6 − 1/40) = 1.044829; CI exp(−1.098612 ± 2.047826) = 0.0430 to 2.5837
    check(res(doc, "M1", "adults", "70k and over"), (1, 20), (6, 40), 0.3333, (0.0430, 2.5837), "worse_for_minority_ethnic")
    # adults lowest band: ME 12/20 = 0.6, white 14/40 = 0.35 → RL 1.7143; not assessed (not the top band)
    r = res(doc, "M1", "adults", "under 30k")
    assert r["relative_likelihood"] == pytest.approx(12 / 20 / (14 / 40))
    assert r["assessment"] is None
    # all services, top band: ME 2/30, white 12/70 → RL 0.3889
    # se = sqrt(1/2 − 1/30 + 1/12 − 1/70) = 0.731925; CI exp(−0.944462 ± 1.434547) = 0.0926 to 1.6325
    check(res(doc, "M1", "all", "70k and over"), (2, 30), (12, 70), 0.3889, (0.0926, 1.6325), "worse_for_minority_ethnic")
    # unknown: 4 adults, 0 in the top band; declaration rate 60/64
    r = res(doc, "M1", "adults", "70k and over")
    assert r["unknown"] == {"numerator": 0, "denominator": 4}
    assert r["declaration_rate"] == pytest.approx(60 / 64)


def test_m2_appointed_from_shortlisting(doc: dict[str, Any]) -> None:
    # adults: ME 2/20 = 0.10, white 6/15 = 0.40 → RL 0.25
    # se = sqrt(1/2 − 1/20 + 1/6 − 1/15) = 0.741620; CI exp(−1.386294 ± 1.453548) = 0.0584 to 1.0696
    r = res(doc, "M2", "adults")
    check(r, (2, 20), (6, 15), 0.25, (0.0584, 1.0696), "worse_for_minority_ethnic")
    assert r["unknown"] == {"numerator": 1, "denominator": 3}
    assert "applicants" in r["sentence"]
    # children: no minority ethnic applicants shortlisted → RL undefined, with the reason
    r = res(doc, "M2", "children")
    check(r, (0, 0), (4, 10), None, None, None)
    assert "no minority ethnic applicants" in r["reason"]


def test_m3_disciplinary_counts_people_once_and_leaves_out_other_periods(doc: dict[str, Any]) -> None:
    # adults: ME 3 distinct people (AM01 twice) of 20, white 2 of 40 (a third row is dated 2025-04-02) → RL 3.0
    # se = sqrt(1/3 − 1/20 + 1/2 − 1/40) = 0.870823; CI exp(1.098612 ± 1.706782) = 0.5443 to 16.5336
    check(res(doc, "M3", "adults"), (3, 20), (2, 40), 3.0, (0.5443, 16.5336), "worse_for_minority_ethnic")
    # children: ME 0 of 10, white 2 of 30 → RL 0, no CI (a = 0); below the range on an "above is worse" metric
    check(res(doc, "M3", "children"), (0, 10), (2, 30), 0.0, None, "better_for_minority_ethnic")
    # all: ME 3/30 = 0.1, white 4/70 → RL 1.75
    r = res(doc, "M3", "all")
    check(r, (3, 30), (4, 70), 1.75, r["ci95"], "worse_for_minority_ethnic")
    assert any("outside the reporting period" in w for w in doc["warnings"])
    assert "1.75 times as likely as white staff to enter the formal disciplinary process" in r["sentence"]


def test_m4_fitness_to_practise_uses_registered_headcount(doc: dict[str, Any]) -> None:
    # adults: ME 2 of 10 registered, white 1 of 24 → RL 4.8
    # se = sqrt(1/2 − 1/10 + 1/1 − 1/24) = 1.165476; CI exp(1.568616 ± 2.284290) = 0.4889 to 47.1298
    check(res(doc, "M4", "adults"), (2, 10), (1, 24), 4.8, (0.4889, 47.1298), "worse_for_minority_ethnic")
    # children: nobody referred → white rate 0 → RL undefined
    r = res(doc, "M4", "children")
    check(r, (0, 8), (0, 20), None, None, None)
    assert "rate for white staff is 0" in r["reason"]


def test_m5_training_range_end_is_within(doc: dict[str, Any]) -> None:
    # adults: ME 8/20 = 0.4, white 20/40 = 0.5 → RL exactly 0.80: within the range (ends included)
    r = res(doc, "M5", "adults")
    assert r["relative_likelihood"] == pytest.approx(0.8)
    assert r["assessment"] == "within_range"
    # children: 5/10 vs 15/30 → RL 1.0, "as likely as white staff"
    r = res(doc, "M5", "children")
    check(r, (5, 10), (15, 30), 1.0, r["ci95"], "within_range")
    assert "as likely as white staff" in r["sentence"]


def test_m6_m7_survey(doc: dict[str, Any]) -> None:
    # M6 adults: ME 6 of 11 who answered (one blank), white 6/20 → RL 1.8182
    # se = sqrt(1/6 − 1/11 + 1/6 − 1/20) = 0.438662; CI exp(0.597837 ± 0.859761) = 0.7696 to 4.2956
    check(res(doc, "M6", "adults"), (6, 11), (6, 20), 1.8182, (0.7696, 4.2956), "worse_for_minority_ethnic")
    # M7a adults: 3/12 vs 4/20 → RL exactly 1.25: within the range
    check(res(doc, "M7a", "adults"), (3, 12), (4, 20), 1.25, res(doc, "M7a", "adults")["ci95"], "within_range")
    # M7b adults: 4/12 vs 2/20 → RL 3.3333
    # se = sqrt(1/4 − 1/12 + 1/2 − 1/20) = 0.785281; CI exp(1.203973 ± 1.539123) = 0.7152 to 15.5350
    check(res(doc, "M7b", "adults"), (4, 12), (2, 20), 3.3333, (0.7152, 15.5350), "worse_for_minority_ethnic")
    # children: no respondents at all
    r = res(doc, "M6", "children")
    check(r, (0, 0), (0, 0), None, None, None)
    assert r["declaration_rate"] is None


def test_m8_leavers(doc: dict[str, Any]) -> None:
    # adults: 4/20 vs 4/40 → RL 2.0; se = sqrt(1/4 − 1/20 + 1/4 − 1/40) = 0.651920; CI exp(0.693147 ± 1.277740) = 0.5573 to 7.1770
    check(res(doc, "M8", "adults"), (4, 20), (4, 40), 2.0, (0.5573, 7.1770), "worse_for_minority_ethnic")
    check(res(doc, "M8", "children"), (1, 10), (3, 30), 1.0, res(doc, "M8", "children")["ci95"], "within_range")


def test_m9_senior_roles_and_representation(doc: dict[str, Any]) -> None:
    # adults: 1/20 vs 5/40 → RL 0.4; se = sqrt(1/1 − 1/20 + 1/5 − 1/40) = 1.060660; CI exp(−0.916291 ± 2.078856) = 0.0500 to 3.1981
    r = res(doc, "M9", "adults")
    check(r, (1, 20), (5, 40), 0.4, (0.0500, 3.1981), "worse_for_minority_ethnic")
    # ME share of senior managers 1/6, of the workforce 20/60
    assert r["representation"]["senior_managers"] == pytest.approx(1 / 6)
    assert r["representation"]["workforce"] == pytest.approx(1 / 3)
    assert r["representation"]["local_population"] is None


def test_metric_file_missing_is_not_submitted(tmp_path: Path) -> None:
    d = pipeline.document(hand_return(tmp_path / "r", fitness_to_practise=None), internal=True).to_dict()
    for service in ("adults", "children", "all"):
        r = res(d, "M4", service)
        assert r["reason"] == "not submitted"
        assert r["minority_ethnic"] == {"numerator": None, "denominator": None, "rate": None}
        assert r["relative_likelihood"] is None and r["assessment"] is None
        assert "Not submitted" in r["sentence"]
    assert res(d, "M3", "adults")["reason"] is None  # the others are unaffected


def test_all_ethnicity_unknown(tmp_path: Path) -> None:
    staff = [person(f"S{i}", "Not known" if i % 2 else "", "adults" if i % 3 else "children") for i in range(30)]
    d = pipeline.document(write_return(tmp_path / "r", {"staff": staff}), internal=True).to_dict()
    for r in d["results"]:
        if r["reason"] == "not submitted":
            continue
        assert r["relative_likelihood"] is None
        assert r["declaration_rate"] in (0.0, None)
        assert r["reason"] and "no minority ethnic or white staff" in r["reason"]
    assert res(d, "M9", "all")["unknown"] == {"numerator": 0, "denominator": 30}


def test_spaces_around_a_value_or_only_spaces_count_as_the_value_or_blank(tmp_path: Path) -> None:
    """Values are looked up as given and trimmed only when not found: the figures must not depend on it."""
    staff = [
        person("S1", "  Indian ", " adults", senior=" yes "), person("S2", "Indian", "adults", senior="yes"),
        person("S3", "   ", "adults  "), person("S4", "White", "adults"), person("S5", " White", "adults", senior="no "),
    ]
    d = pipeline.document(write_return(tmp_path / "r", {"staff": staff}), internal=True).to_dict()
    m9 = res(d, "M9", "adults")
    assert [(m9[g]["numerator"], m9[g]["denominator"]) for g in ("minority_ethnic", "white", "unknown")] == [(2, 2), (0, 2), (0, 1)]


def test_group_with_no_staff(tmp_path: Path) -> None:
    staff = [person(f"W{i}", "White", "adults", senior="yes" if i < 3 else "no") for i in range(20)]
    d = pipeline.document(write_return(tmp_path / "r", {"staff": staff}), internal=True).to_dict()
    r = res(d, "M9", "adults")
    check(r, (0, 0), (3, 20), None, None, None)
    assert "no minority ethnic staff" in r["reason"]
    # children has nobody at all
    assert res(d, "M9", "children")["declaration_rate"] is None


def test_counts_csv_gives_the_same_document(tmp_path: Path, cli: Any) -> None:
    src = hand_return(tmp_path / "records")
    agg = tmp_path / "aggregate"
    agg.mkdir()
    (agg / "organisation.toml").write_text((src / "organisation.toml").read_text())
    assert cli("counts", src, "-o", agg / "counts.csv").code == 0
    a = pipeline.document(src, internal=True).to_dict()
    b = pipeline.document(agg, internal=True).to_dict()
    assert [r["relative_likelihood"] for r in a["results"]] == [r["relative_likelihood"] for r in b["results"]]
    strip = lambda d: [{k: v for k, v in r.items() if k != "sentence"} for r in d["results"]]  # noqa: E731
    assert strip(a) == strip(b)


def test_metrics_json_command(tmp_path: Path, cli: Any) -> None:
    run = cli("metrics", hand_return(tmp_path / "r"), "--format", "json", "--internal")
    assert run.code == 0
    d = json.loads(run.stdout)
    assert d["marking"].startswith("OFFICIAL-SENSITIVE")
    assert res(d, "M3", "adults")["relative_likelihood"] == pytest.approx(3.0)


def test_more_leavers_than_staff_at_the_snapshot_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    # 2 minority ethnic children's staff at the snapshot; 3 minority ethnic children's staff left in the year
    staff = [person("C1", "Indian", "children"), person("C2", "African", "children")] + [person(f"W{i}", "White", "children") for i in range(10)]
    leavers = [{"staff_id": f"L{i}", "ethnicity": "Indian", "service": "children", "date": "2024-07-01"} for i in range(3)]
    leavers.append({"staff_id": "W1", "ethnicity": None, "service": None, "date": "2024-07-01"})
    d = pipeline.document(write_return(tmp_path / "r", {"staff": staff, "leavers": leavers}), internal=True).to_dict()
    r = res(d, "M8", "children")
    # rates 3/2 and 1/10 → RL 15; no Katz interval for a "rate" above 1
    check(r, (3, 2), (1, 10), 15.0, None, "worse_for_minority_ethnic")
    assert "no confidence interval" in r["sentence"]
    assert any("3 people counted but only 2 in the headcount" in w for w in d["warnings"])
