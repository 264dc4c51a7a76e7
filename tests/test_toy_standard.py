"""A third standard from one data file alone: tests/data/toy.toml (its own group ids, breakdown, input file,
survey scale, range and words; a relative likelihood and a percentages metric) runs through validation,
counts, the metrics JSON and the HTML report with no change to wres's code.

A return chooses its standard by id in organisation.toml, and wres finds standards in one folder
(`wres.standards.DATA`): the test runs `wres` in its own process with that folder pointed, before anything
else is imported, at a copy holding the real standards and the toy (an installation with the file added).

The college (built below):

    campus   global majority   white   not known
    north          20            30        2
    south          10            40        0

Grievances (distinct staff in the year): north 4 of 20 vs 3 of 30, south 1 of 10 vs 4 of 40.
Felt valued (survey, whole college): global majority 8 agree, 10 disagree, 2 not sure; white 21, 6, 3.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_return
from wres import standards

TOY = Path(__file__).parent / "data" / "toy.toml"
ORG = {"standard": "toy-res", "name": "Toy College", "code": "TC1", "period_start": "2024-08-01", "period_end": "2025-07-31"}
GM, WH, NK = "Indian", "White", "Not stated"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A standards folder as an installation with the toy added would have: the real standards and the toy."""
    folder = tmp_path_factory.mktemp("standards")
    for f in standards.DATA.glob("*.toml"):
        shutil.copy(f, folder)
    shutil.copy(TOY, folder / "toy-res.toml")
    return folder


def _staff() -> list[dict[str, Any]]:
    rows = []
    for campus, counts in (("north", (20, 30, 2)), ("South campus", (10, 40, 0))):  # a part by id, or by a spelling
        for prefix, eth, n in zip(("G", "W", "N"), (GM, WH, NK), counts):
            rows += [{"staff_id": f"{campus[0].upper()}{prefix}{i:02d}", "ethnicity": eth, "campus": campus} for i in range(1, n + 1)]
    return rows


def _grievances() -> list[dict[str, Any]]:
    ids = [f"NG{i:02d}" for i in range(1, 5)] + [f"NW{i:02d}" for i in range(1, 4)] + ["SG01"] + [f"SW{i:02d}" for i in range(1, 5)]
    rows = [{"staff_id": i, "ethnicity": None, "campus": None, "date": "2024-11-05"} for i in ids]
    rows.append({"staff_id": "NG01", "ethnicity": None, "campus": None, "date": "2025-02-01"})  # a second: counted once
    return rows


def _survey() -> list[dict[str, Any]]:
    answers = {GM: ["Agree"] * 8 + ["Disagree"] * 10 + ["Not sure"] * 2, WH: ["Agree"] * 21 + ["Disagree"] * 6 + ["Not sure"] * 3,
               NK: ["Agree"]}
    return [{"ethnicity": eth, "felt_valued": a} for eth, given in answers.items() for a in given]


# `wres` in its own process, its standards folder the one given: as if the toy's data file had been dropped into
# an installation's standards/data before it started (every module then sees the toy from the start).
_WRES = "import sys, pathlib, wres.standards as s; s.DATA = pathlib.Path(sys.argv.pop(1)); from wres.cli import main; main()"


def _run(folder: Path, *args: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("WRES_DEBUG", None)
    return subprocess.run([sys.executable, "-c", _WRES, str(folder), *[str(a) for a in args]],
                          capture_output=True, text=True, env=env, check=False)


@pytest.fixture(scope="module")
def college(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_return(tmp_path_factory.mktemp("toy") / "college",
                        {"staff": _staff(), "grievances": _grievances(), "survey": _survey()}, ORG)


@pytest.fixture(scope="module")
def document(folder: Path, college: Path) -> dict[str, Any]:
    res = _run(folder, "metrics", college, "--format", "json", "--internal")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def find(doc: dict[str, Any], metric: str, service: str) -> dict[str, Any]:
    [r] = [r for r in doc["results"] if r["metric"] == metric and r["service"] == service]
    return r


def test_the_toy_is_one_data_file(folder: Path) -> None:
    toy = standards.from_file(TOY)
    assert toy.id == "toy-res" and toy.group_ids == ("global_majority", "white_staff", "not_known")
    assert toy.files["grievances"] and "grievances" not in {f for sid in standards.available() for f in standards.load(sid).files}
    assert _run(folder, "demo", "--help").stdout.count("toy-res") == 1  # wres knows it: `--standard` offers it


def test_the_toy_return_validates(folder: Path, college: Path) -> None:
    res = _run(folder, "validate", college, "--format", "json")
    assert json.loads(res.stdout) == []  # grievances.csv is one of its files: not even a warning
    assert res.returncode == 0


def test_the_toy_document(document: dict[str, Any]) -> None:
    assert (document["standard"], document["standard_id"], document["standard_version"]) == ("Toy RES", "toy-res", "2026")
    assert {(r["metric"], r["service"]) for r in document["results"]} == {("G", "north"), ("G", "south"), ("G", "all"), ("V", "all")}
    for r in document["results"]:
        assert [k for k in ("global_majority", "white_staff", "not_known") if k in r] == ["global_majority", "white_staff", "not_known"]


def test_the_relative_likelihood_by_campus(document: dict[str, Any]) -> None:
    north, south, whole = (find(document, "G", s) for s in ("north", "south", "all"))
    # north (4/20) / (3/30) = 0.2 / 0.1 = 2.00: above the toy's 1.33, worse for the global majority
    # SE = sqrt(1/4 − 1/20 + 1/3 − 1/30) = sqrt(0.5) = 0.707107; CI exp(ln 2 ± 1.385904) = 0.5002 to 7.9969
    assert (north["global_majority"]["numerator"], north["global_majority"]["denominator"]) == (4, 20)
    assert math.isclose(north["relative_likelihood"], 2.0)
    assert math.isclose(north["ci95"][0], 0.5002, abs_tol=1e-4) and math.isclose(north["ci95"][1], 7.9969, abs_tol=1e-4)
    assert north["assessment"] == "worse_for_global_majority"
    assert north["orientation"] == ["global_majority", "white_staff"]
    assert north["sentence"].startswith("Global majority staff in the north campus were 2.00 times as likely as white staff")
    # south (1/10) / (4/40) = 1.00: within 0.75–1.33
    assert math.isclose(south["relative_likelihood"], 1.0) and south["assessment"] == "within_range"
    # the whole college is the sum of the campuses: (5/30) / (7/70) = 1.6667
    assert (whole["global_majority"]["numerator"], whole["white_staff"]["numerator"]) == (5, 7)
    assert math.isclose(whole["relative_likelihood"], (5 / 30) / (7 / 70))
    assert whole["not_known"]["denominator"] == 2


def test_the_percentages_with_newcombes_interval(document: dict[str, Any]) -> None:
    from statsmodels.stats.proportion import confint_proportions_2indep

    r = find(document, "V", "all")
    # 8 / 18 = 44.4% vs 21 / 27 = 77.8% ("not sure" left out): −33.3 points, lower is worse: a clear gap
    assert (r["global_majority"]["numerator"], r["global_majority"]["denominator"]) == (8, 18)
    assert (r["white_staff"]["numerator"], r["white_staff"]["denominator"]) == (21, 27)
    assert math.isclose(r["difference"], 8 / 18 - 21 / 27)
    low, high = confint_proportions_2indep(8, 18, 21, 27, method="newcomb")
    assert math.isclose(r["difference_ci95"][0], float(low), abs_tol=1e-9) and math.isclose(r["difference_ci95"][1], float(high), abs_tol=1e-9)
    assert high < 0 and r["assessment"] == "worse_for_global_majority"
    assert r["verdict"] == "Global majority staff lower by 33.3 points"


def test_the_toy_report_in_html(folder: Path, college: Path, tmp_path: Path) -> None:
    res = _run(folder, "report", college, "-o", tmp_path / "report", "--internal")
    assert res.returncode == 0, res.stderr
    html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    for words in ("Toy Race Equality Standard for colleges", "Global majority", "North campus", "South campus",
                  "Grievances raised", "Feeling valued", "made up (our choice)"):
        assert words in html, words
    for other in ("Minority ethnic", "BME", "Adult social care", "Clinical staff"):  # no other standard's words
        assert other not in html, other


def test_an_unknown_standard_is_a_clear_problem(folder: Path, tmp_path: Path) -> None:
    college = write_return(tmp_path / "c", {"staff": _staff()}, {**ORG, "standard": "wdes"})
    res = _run(folder, "validate", college)
    assert res.returncode == 1
    assert "wdes" in res.stdout and "toy-res" in res.stdout and "Traceback" not in res.stdout + res.stderr


def test_a_standard_without_a_demo_says_so(folder: Path, tmp_path: Path) -> None:
    res = _run(folder, "demo", "--standard", "toy-res", tmp_path / "x")
    assert res.returncode == 2 and "no demo return for toy-res" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "x").exists()
