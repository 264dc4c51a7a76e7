"""`wres report`: the whole set or nothing, three years of trend, and the figures of the document in every file."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_command
from wres import report as report_mod
from wres.demo import shifted, write_demo
from wres.problems import InvalidInput

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
    for stem in ("rl-summary", "pay-bands", "rl-M1", "trend-M2"):
        assert f"{stem}.svg" in charts and f"{stem}.png" in charts
    # a chart with nothing to draw is a sentence in the report, not an empty grid in charts/
    from wres import report as report_mod
    from wres.render.charts import all_charts

    years = sorted(p for p in three_year_report.parent.iterdir() if p.name.startswith("y"))
    built = report_mod.build(years[-1], previous=years[:-1])
    for chart in all_charts(built):
        assert (f"{chart.name}.svg" in charts) == (not chart.empty), chart.name
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


def test_a_later_year_or_another_standard_given_as_previous_is_refused(years: list[Path], tmp_path: Path) -> None:
    """A later year given with --previous would be headlined under the settings and action plan of the return
    given first; another standard's return is no earlier year of this one. Both are said, nothing written."""
    out = tmp_path / "out"
    run = run_command("report", years[0], "-o", out, "--previous", years[-1])
    said = " ".join(run.stderr.split())
    assert run.code == 1 and f"{years[-1]}: organisation.toml, column period_start: is for 2024/25, after the year reported on (2022/23, {years[0]})" in said, said
    assert f"give the latest year's return first, then {years[0]} with --previous" in said and not out.exists()
    nhs = tmp_path / "nhs"
    assert run_command("demo", nhs, "--standard", "nhs-wres", "--staff", "60").code == 0
    run = run_command("report", years[-1], "-o", out, "--previous", nhs)
    said = " ".join(run.stderr.split())
    assert run.code == 1 and f"{nhs}: organisation.toml, column standard: reports on the NHS WRES, but {years[-1]} reports on the SC-WRES" in said, said
    assert not out.exists() and "Traceback" not in run.stderr


def test_last_years_report_stands_for_last_years_return(years: list[Path], tmp_path: Path) -> None:
    """An analyst who deleted last year's records keeps last year's report: given as --previous (its folder, or
    its metrics.json), it gives the trend as it was published, the same report set as last year's return gives
    (metrics.json equal; the HTML equal but for the time it was built). A published report refuses one whose
    small numbers were hidden below this report's threshold, or not hidden at all (an internal report), since
    it would publish them again; an internal report takes either. Another organisation's report, or a later
    year's, is refused as a return is; a document that is not wres's is said as such. Nothing is written on refusal."""
    last = tmp_path / "last-year-report"
    assert run_command("report", years[1], "-o", last).code == 0 and (last / "metrics.json").is_file()
    from_return, from_report = tmp_path / "from-return", tmp_path / "from-report"
    assert run_command("report", years[-1], "-o", from_return, "--previous", years[1]).code == 0
    for given in (last, last / "metrics.json"):
        shutil.rmtree(from_report, ignore_errors=True)
        run = run_command("report", years[-1], "-o", from_report, "--previous", given)
        assert run.code == 0, run.stderr
        assert json.loads((from_report / "metrics.json").read_text()) == json.loads((from_return / "metrics.json").read_text())
        built = lambda folder: re.sub(r"\d{1,2}:\d{2}", "", (folder / "report.html").read_text())  # noqa: E731
        assert built(from_report) == built(from_return)

    def refused(given: Path, *more: str) -> str:
        out = tmp_path / "refused"
        run = run_command("report", years[-1], "-o", out, "--previous", given, *more)
        assert run.code == 1 and not out.exists(), run.stderr
        return " ".join(run.stderr.split())

    assert "was published with the threshold 10, below this report's 12" in refused(last, "--threshold", "12")
    internal = tmp_path / "last-year-internal"
    assert run_command("report", years[1], "-o", internal, "--internal").code == 0
    assert "is an internal document (nothing in it is hidden)" in refused(internal)
    assert run_command("report", years[-1], "-o", tmp_path / "internal-now", "--internal", "--previous", internal).code == 0
    other = tmp_path / "other.json"
    doc = json.loads((last / "metrics.json").read_text())
    other.write_text(json.dumps({**doc, "organisation": {"name": "City of Westford", "code": "E09000001"}}))
    assert "is City of Westford (E09000001)'s return, not London Borough of Eastmere" in refused(other)
    later = tmp_path / "later.json"
    later.write_text(json.dumps({**doc, "period": {"start": "2030-04-01", "end": "2031-03-31"}}))
    assert "is for 2030/31, after the year reported on" in refused(later)
    broken = tmp_path / "broken.json"
    broken.write_text('{"not": "a metrics document"}')
    assert f"{broken}: is not a metrics document" in refused(broken)


def test_another_organisations_return_given_as_previous_is_refused(years: list[Path], tmp_path: Path) -> None:
    """A trend is one organisation's years: another council's return of last year (another code) is said and
    nothing written; the same council renamed (its code kept) is its earlier year, and without codes the
    names must agree, spacing and case aside."""
    other = tmp_path / "other"
    shutil.copytree(years[1], other)
    settings = other / "organisation.toml"
    settings.write_text(settings.read_text().replace('code = "E09000099"', 'code = "E09000001"').replace("London Borough of Eastmere", "City of Westford"))
    out = tmp_path / "out"
    run = run_command("report", years[-1], "-o", out, "--previous", other)
    said = " ".join(run.stderr.split())
    assert run.code == 1 and (f"{other}: organisation.toml, column code: is City of Westford (E09000001)'s return, not London Borough of "
                              "Eastmere (E09000099)'s: a trend is one organisation's years") in said, said
    assert not out.exists()
    settings.write_text(settings.read_text().replace('code = "E09000001"', 'code = "E09000099"'))  # renamed, same code
    assert report_mod.build(years[-1], previous=[other]).years[0].organisation["name"] == "City of Westford"
    # without a code on one of them: by name
    settings.write_text(settings.read_text().replace('code = "E09000099"\n', "").replace("City of Westford", "london borough  of eastmere"))
    assert len(report_mod.build(years[-1], previous=[other]).years) == 2
    settings.write_text(settings.read_text().replace("london borough  of eastmere", "City of Westford"))
    with pytest.raises(InvalidInput):
        report_mod.build(years[-1], previous=[other])


def test_a_failure_while_writing_leaves_nothing(years: list[Path], tmp_path: Path, monkeypatch: Any, cli: Any) -> None:
    from wres.render import xlsx

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(xlsx, "write", broken)  # the registry's xlsx format writes through it
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


# ---- a report that reads well for a small authority (the demo's 425 staff) ----------------------------------

@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from wres import report as report_mod

    d = tmp_path_factory.mktemp("small")
    write_demo(d, seed=1, staff=425)
    return report_mod.build(d), report_mod.build(d, internal=True)


def test_a_withheld_result_names_its_small_count(small: Any) -> None:
    """Said at the source (disclosure), so every renderer prints the same words: M2 has 69 applicants, and
    it is the appointed minority ethnic applicants who are few."""
    published, internal = small
    m2 = published.result("M2", "all")
    true = internal.result("M2", "all")
    assert true.focus.denominator >= 10 and 0 < true.focus.numerator < 10  # the demo's shape
    assert m2.reason == "fewer than 10 minority ethnic applicants were appointed"
    assert "too few applicants" not in m2.sentence and m2.reason in m2.sentence
    for r in published.current.results:
        if r.suppressed and r.relative_likelihood is None and "subtraction" not in (r.reason or "") and r.reason and r.reason.startswith("fewer"):
            t = internal.result(r.metric, r.service, r.band)
            # every count the reason calls small is small in truth
            for group, words in (("minority_ethnic", "minority ethnic"), ("white", "white")):
                said = f"fewer than 10 {words}" in r.reason
                truly = any(0 < (getattr(t.groups[group], k) or 0) < 10 for k in ("numerator", "denominator"))
                assert said <= truly, (r.metric, r.service, r.reason)


def test_charts_leave_out_what_they_cannot_draw_and_say_so_once(small: Any) -> None:
    from wres.render.charts import all_charts, drawable

    published, _ = small
    charts = {c.name: c for c in all_charts(published)}
    for chart in charts.values():
        if chart.name.startswith("rl-"):
            for row in chart.rows:  # every row of the chart's data has a figure
                assert row[1] not in ("", "[c]", "–"), (chart.name, row)
    m6 = charts["rl-M6"]
    assert [row[0] for row in m6.rows] == ["Both services"]
    assert m6.note == "Adult social care and children's social care are not shown: their figures are withheld to protect small numbers."
    assert m6.title not in m6.alt  # one visible title: the caption; the text alternative does not repeat it
    m2 = charts["rl-M2"]
    assert m2.empty and m2.note.startswith("There is no chart: every figure it would show is withheld")
    assert all(not drawable(r) for r in published.results("M2"))
    assert "title" not in charts["rl-summary"].spec  # the picture itself carries no title
    summary = charts["rl-summary"]
    assert "M2 Appointed from shortlisting" in summary.note and all(not row[0].startswith("M2") for row in summary.rows)
    for row in charts["pay-bands"].rows:
        assert row[2] != "[c]" and re.fullmatch(r"\d+\.\d%", row[2]), row


def test_published_warnings_say_what_they_concern_internal_ones_where(small: Any) -> None:
    published, internal = small
    assert internal.current.warnings and all(re.search(r"\.csv, rows? \d", w) for w in internal.current.warnings)
    assert published.current.warnings, "the demo has warnings to summarise"
    for w in published.current.warnings:
        assert not re.search(r"\brows? \d|column ", w), w
    [only] = published.current.warnings  # the demo's two out-of-period events, one kind of warning
    assert re.fullmatch(r"Dated outside the reporting period \(.+\): left out of the figures \(2 records in the disciplinary and training data\)", only), only


def test_weasyprint_failing_to_load_ahead_of_need_prints_nothing(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """WeasyPrint is imported in a thread while the charts are drawn: if it cannot load, the thread says nothing
    (a traceback on the user's terminal); the PDF's own import raises the fault, which the command reports."""
    import sys
    import threading

    from wres.render import report_set

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it raises ImportError
    thread = threading.Thread(target=report_set._load_pdf_engine)
    thread.start()
    thread.join()
    assert capfd.readouterr().err == ""
    with pytest.raises(ImportError):
        import weasyprint  # noqa: F401


_HELPER = """
import os, sys, threading
from wres.render import report_set
if sys.argv[1] == "thread":
    threading.Thread(target=threading.Event().wait, daemon=True).start()
if sys.argv[1] == "database open":
    import duckdb
    con = duckdb.connect()
    con.execute("SELECT 1").fetchall()  # DuckDB's own threads, which Python does not count
helper = report_set.prepare(fork=sys.argv[1] != "not asked")
helper.submit(int).result()  # started and warm
print(helper._mp_context.get_start_method(), *helper._processes, flush=True)
if sys.argv[2] == "die":
    os.kill(os.getpid(), 9)
report_set.close()
"""


@pytest.mark.parametrize(("case", "method"), [("alone", "fork"), ("thread", "spawn"), ("database open", "spawn"), ("not asked", "spawn")])
def test_the_helper_is_forked_only_from_a_process_of_one_thread(case: str, method: str) -> None:
    """`wres report` forks its helper before it reads anything (wres already imported: warm sooner); a process
    with another thread (Python's, or DuckDB's once a database is open), whose locks a fork would copy
    mid-flight, or a caller that did not ask, spawns it."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", _HELPER, case, "close"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[0] == method


def test_a_forked_helper_ends_with_its_command() -> None:
    """A command killed outright (no cleanup) must not leave its helper running, holding memory."""
    import subprocess
    import sys
    import time

    run = subprocess.run([sys.executable, "-c", _HELPER, "alone", "die"], capture_output=True, text=True, timeout=120)
    method, pid = run.stdout.split()
    assert method == "fork" and run.returncode == -9
    for _ in range(100):  # it looks for its parent every half second
        if not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the helper {pid} outlived its command")
