"""`wres report`: the whole set or nothing, three years of trend, and the figures of the document in every file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_command
from wres.demo import shifted, write_demo

FILES = {"report.html", "report.pdf", "workbook.xlsx", "metrics.json"}


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("years")
    out = []
    for i, seed in enumerate((3, 2, 1)):  # two years ago, last year, this year
        d = root / f"raw-{seed}"
        d.mkdir()
        write_demo(d, seed=seed, staff=900)
        out.append(shifted(d, root / f"y{i}", 2 - i))
    return out


@pytest.fixture(scope="module")
def three_year_report(years: list[Path]) -> Path:
    out = years[-1].parent / "report"
    run = run_command("report", years[-1], "-o", out, "--previous", years[0], "--previous", years[1])
    assert run.code == 0, run.stderr
    return out


def test_report_set_is_complete(three_year_report: Path) -> None:
    names = {p.name for p in three_year_report.iterdir()}
    assert FILES <= names and "charts" in names
    charts = {p.name for p in (three_year_report / "charts").iterdir()}
    for stem in ("rl-summary", "pay-bands", "rl-M1", "rl-M9", "trend-M3"):
        assert f"{stem}.svg" in charts and f"{stem}.png" in charts
    doc = json.loads((three_year_report / "metrics.json").read_text())
    assert doc["period"]["start"] == "2024-04-01" and doc["suppression"]["applied"] is True


def test_three_years_in_the_trend(three_year_report: Path) -> None:
    html = (three_year_report / "report.html").read_text()
    assert 'id="trend"' in html
    for year in ("2022/23", "2023/24", "2024/25"):
        assert year in html
    svg = (three_year_report / "charts" / "trend-M2.svg").read_text()
    assert all(y in svg for y in ("2022/23", "2023/24", "2024/25"))


def test_bad_return_writes_nothing(years: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(years[-1], bad)
    (bad / "staff.csv").write_text((bad / "staff.csv").read_text().replace(",adults,", ",adultz,", 1))
    out = tmp_path / "out"
    run = run_command("report", bad, "-o", out)
    assert run.code == 1 and "adultz" in run.stderr and "Traceback" not in run.stderr
    assert not out.exists() and not any(p.name.startswith(".out") for p in tmp_path.iterdir())
    run = run_command("report", years[-1], "-o", out, "--previous", bad)
    assert run.code == 1 and f"{bad}: staff.csv" in " ".join(run.stderr.split()) and not out.exists()


def test_same_year_twice_is_refused(years: list[Path], tmp_path: Path) -> None:
    run = run_command("report", years[-1], "-o", tmp_path / "out", "--previous", years[-1])
    assert run.code == 1 and "same year" in run.stderr


def test_a_failure_while_writing_leaves_nothing(years: list[Path], tmp_path: Path, monkeypatch: Any, cli: Any) -> None:
    from wres.render import report_set

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(report_set.xlsx_mod, "write", broken)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        cli("report", years[-1], "-o", out)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_internal_report_is_marked_everywhere(years: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "internal"
    assert run_command("report", years[-1], "-o", out, "--internal").code == 0
    assert "OFFICIAL-SENSITIVE" in (out / "report.html").read_text()
    assert json.loads((out / "metrics.json").read_text())["marking"].startswith("OFFICIAL-SENSITIVE")


def test_published_report_document_passes_the_audit(three_year_report: Path) -> None:
    run = run_command("audit", three_year_report / "metrics.json")
    assert run.code == 0 and "No leak" in run.stdout
