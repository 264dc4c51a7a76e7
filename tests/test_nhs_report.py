"""The NHS WRES report set and the registry of output formats.

A toy trust's published document (tests/nhs_document.py: every statistic, a figure withheld, one that
cannot be computed, one not submitted) is written through the real report set (charts by vl-convert, the
PDF by weasyprint, the workbook by xlsxwriter) and read back as a reader meets it: the HTML in Debian's
Chromium with axe-core, the PDF's text with pypdf, the workbook with openpyxl. The NHS demo trust goes
through the real `wres report` too. The registry: each format once, an unknown one a clear error.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.browser import ReportSet, axe, browser, describe, open_page, published_report, demo_return  # noqa: F401
from tests.conftest import run_command
from tests.nhs_document import nhs_document
from wres import render
from wres.document import Document
from wres.organisation import Organisation
from wres.report import Report
from wres.standards import load

NHS = load("nhs-wres")
MARK, DASH = "[c]", "–"


def toy_report() -> Report:
    doc = Document.from_dict(nhs_document())
    org = Organisation(name=doc.organisation["name"], standard="nhs-wres", code="RXX",
                       period_start=dt.date(2024, 4, 1), period_end=dt.date(2025, 3, 31))
    return Report(org, [doc])


@pytest.fixture(scope="module")
def toy_set(tmp_path_factory: pytest.TempPathFactory) -> ReportSet:
    from wres.render import report_set

    out = tmp_path_factory.mktemp("nhs") / "report"
    out.mkdir()
    report_set.write(toy_report(), out)
    return ReportSet(out)


# ---- the registry ------------------------------------------------------------------------------------------

def test_each_format_is_registered_once_with_what_its_module_needs() -> None:
    assert list(render.FORMATS) == [f.name for f in render.FORMATS.values()]  # keyed by its own name, once
    assert set(render.FORMATS) == {"table", "json", "csv", "html", "pdf", "xlsx"}
    files = [f.file for f in render.report_files()]
    assert len(files) == len(set(files)) and files == ["report.html", "report.pdf", "workbook.xlsx", "metrics.json"]
    for f in render.FORMATS.values():
        module = f.load()
        assert module.__name__ == f"wres.render.{f.module}"
        assert callable(getattr(module, "show", None)) == f.prints, f.name
        if f.file:
            assert callable(getattr(module, "write", None)), f.name
    assert render.printable() == ("table", "json", "csv")


def test_an_unknown_format_is_a_clear_error(cli: Any, tmp_path: Path) -> None:
    with pytest.raises(render.UnknownFormat, match=r"no output format called 'xml': use one of table, html, pdf, xlsx, json, csv"):
        render.get("xml")
    assert render.get(" JSON ").name == "json"
    run = cli("metrics", tmp_path, "--format", "xml")
    assert run.code == 2 and "xml" in run.stderr and "Traceback" not in run.stderr


def test_metrics_prints_every_printable_format_of_an_nhs_document(cli: Any, nhs_demo: Path) -> None:
    import csv
    import io
    import json

    doc = json.loads(cli("metrics", nhs_demo, "--format", "json").stdout)
    assert doc["standard_id"] == "nhs-wres" and {r["metric"] for r in doc["results"]} == set(NHS.metric_ids)
    rows = list(csv.reader(io.StringIO(cli("metrics", nhs_demo, "--format", "csv").stdout)))
    assert rows[0][4] == "bme_numerator" and "difference_ci95_low" in rows[0] and len(rows) == len(doc["results"]) + 1
    table = cli("metrics", nhs_demo).stdout
    for m in NHS.metrics:
        assert m.short in table
    assert "white ÷ BME" in table and "BME ÷ white" in table  # the orientation said in the notes


# ---- the toy trust's report set ------------------------------------------------------------------------------

def test_the_report_set_is_complete(toy_set: ReportSet) -> None:
    names = {p.name for p in toy_set.directory.iterdir()}
    assert names == {"report.html", "report.pdf", "workbook.xlsx", "metrics.json", "charts"}
    charts = {p.stem for p in (toy_set.directory / "charts").glob("*.svg")}
    # RLs as forest plots, percentages as their difference against 0, representation as shares by band
    assert {"rl-summary", "rl-2", "rl-3", "rl-4", "difference-summary", "difference-5", "difference-7", "shares-1", "shares-9"} <= charts
    assert not {"difference-6", "difference-8"} & charts  # undefined and withheld: a sentence, not an empty chart


def test_html_has_no_accessibility_violation(toy_set: ReportSet, open_page: Any) -> None:
    page = open_page(toy_set.url).page
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    violations = axe(page)
    assert violations == [], f"axe-core found {len(violations)} violation(s):\n{describe(violations)}"


def _tables(page: Any) -> dict[str, list[list[str]]]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('section > table')].map(t =>
        [t.caption.textContent.trim().split(':')[0], [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()))]))""")


def test_html_shows_each_statistic_as_it_is(toy_set: ReportSet, open_page: Any) -> None:
    page = open_page(toy_set.url).page
    text = " ".join(page.inner_text("main").split())
    for m in NHS.metrics:
        assert f"{m.short} {m.title}" in text
    tables = _tables(page)
    # an RL says whose rate is divided by whose
    assert "Relative likelihood (white ÷ BME)" in page.inner_text('section[aria-labelledby="Indicator-2"]')
    assert "Relative likelihood (BME ÷ white)" in page.inner_text('section[aria-labelledby="Indicator-3"]')
    (rl,) = tables["Indicator 2 Appointed from shortlisting"]
    assert rl[-3:] == ["2.00", "1.65 to 2.42", "Worse for BME staff"]
    # percentages side by side with the difference and its CI
    (five,) = tables["Indicator 5 Harassment from patients, relatives or the public"]
    assert five[1:3] == ["180 of 600 (30.0%)", "120 of 500 (24.0%)"] and five[-3] == "+6.0" and five[-1] == "BME staff higher by 6.0 points"
    assert re.fullmatch(r"\+0\.\d to \+11\.\d", five[-2])
    # representation: each group's share of the band beside the workforce, by staff group
    band2 = [row for row in tables["Indicator 1 Staff in each pay band"] if row[1] == "Band 2"]
    assert [row[0] for row in band2] == ["Clinical staff", "Non-clinical staff", "Whole trust"]
    assert band2[2][2] == "420 (41.8%)" and band2[2][-2:] == ["35.0%", "+6.8 points"]
    board = tables["Indicator 9 Board membership"]
    assert [row[1] for row in board] == ["Voting board members", "Executive board members"]
    # the summary: the engine's verdicts, and the method's choices
    assert "Whose rate is divided by whose: Indicator 2 white ÷ BME; Indicator 3 BME ÷ white; Indicator 4 white ÷ BME" in text
    for choice in NHS.method:
        assert choice in text


def _xlsx_row(ws: Any, first: str) -> list[Any]:
    for row in ws.iter_rows(values_only=True):
        if row and row[0] == first:
            return list(row)
    raise AssertionError(f"no row {first!r} in {ws.title}")


def _xlsx_cell(ws: Any, first: str, column: str) -> Any:
    header = next(list(r) for r in ws.iter_rows(values_only=True) if r and r[0] == "Staff group")
    return _xlsx_row(ws, first)[header.index(column)]


def test_withheld_and_undefined_are_shown_alike_in_html_and_workbook(toy_set: ReportSet, open_page: Any) -> None:
    """Indicator 8 is withheld ([c]), indicator 6 cannot be calculated (–): both readers say which, from status."""
    tables = _tables(open_page(toy_set.url).page)
    wb = openpyxl.load_workbook(toy_set.directory / "workbook.xlsx")
    for sheet, caption, expected in (
        ("Indicator 8 ", "Indicator 8 Discrimination from a manager or colleague", MARK),
        ("Indicator 6 ", "Indicator 6 Harassment from staff", DASH),
    ):
        (row,) = tables[caption]
        ws = next(wb[n] for n in wb.sheetnames if n.startswith(sheet))
        assert row[-3] == expected, (caption, row)
        assert _xlsx_cell(ws, "Whole trust", "Difference (percentage points)") == expected
        assert _xlsx_cell(ws, "Whole trust", "Difference 95% CI low") == expected
    # a withheld band of indicator 1 likewise
    (vsm,) = [row for row in tables["Indicator 1 Staff in each pay band"] if row[:2] == ["Clinical staff", "VSM"]]
    assert vsm[2] == MARK and vsm[-1] == MARK
    ws = next(wb[n] for n in wb.sheetnames if n.startswith("Indicator 1 "))
    cells = [r for r in ws.iter_rows(values_only=True) if r and r[:2] == ("Clinical staff", "VSM")]
    assert cells and MARK in cells[0]


def test_workbook_has_a_sheet_and_rows_per_indicator(toy_set: ReportSet) -> None:
    wb = openpyxl.load_workbook(toy_set.directory / "workbook.xlsx")
    metric_sheets = wb.sheetnames[1:1 + len(NHS.metrics)]
    assert [s.split(" ")[1] for s in metric_sheets] == list(NHS.metric_ids)
    summary = wb["Summary"]
    header = next(list(r) for r in summary.iter_rows(values_only=True) if r and r[0] == "Metric")
    assert {"BME numerator", "White rate", "Relative likelihood", "Difference (percentage points)", "Verdict"} <= set(header)
    rows = [r for r in summary.iter_rows(values_only=True) if r and isinstance(r[0], str) and r[0].startswith("Indicator ")]
    assert len(rows) == len(toy_report().current.results)
    two = next(r for r in rows if r[0] == "Indicator 2")
    assert two[header.index("Assessment")] == "worse for BME staff" and abs(two[header.index("Relative likelihood")] - 2.0) < 1e-12
    seven = next(r for r in rows if r[0] == "Indicator 7")
    assert seven[header.index("Verdict")] == "BME staff lower by 15.2 points"
    method = " ".join(str(c) for r in wb["Method"].iter_rows(values_only=True) for c in r if c)
    assert "Newcombe" in method and all(choice in method for choice in NHS.method)


def test_pdf_names_every_indicator(toy_set: ReportSet) -> None:
    import pypdf

    text = " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(toy_set.pdf).pages).split())
    for m in NHS.metrics:
        assert f"{m.short} {m.title}" in text, m.id
    assert "Newcombe" in text and "white ÷ BME" in text


def test_sc_wres_method_states_its_choices(published_report: ReportSet) -> None:
    html = published_report.html.read_text(encoding="utf-8")
    for choice in load("sc-wres").method:
        assert choice in html


# ---- the NHS demo trust, end to end ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def nhs_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trust") / "trust"
    run = run_command("demo", "--standard", "nhs-wres", root)
    assert run.code == 0, run.stderr
    return root


def test_nhs_demo_trust_report(nhs_demo: Path, tmp_path: Path, open_page: Any) -> None:
    """The demo trust with last year's return: the report set, its summary, and a trend of each RL and difference."""
    from wres.demo import shifted

    out = tmp_path / "report"
    run = run_command("report", nhs_demo, "-o", out, "--previous", shifted(nhs_demo, tmp_path / "last-year", 1))
    assert run.code == 0, run.stderr
    trends = sorted(p.stem for p in (out / "charts").glob("trend-*.svg"))
    assert trends == [f"trend-{m.id}" for m in NHS.metrics if m.statistic != "representation"]
    page = open_page((out / "report.html").as_uri()).page
    assert axe(page) == []
    text = page.inner_text("body")
    for other in ("SC-WRES", "social care", "Minority ethnic", "local authorit", "council"):  # the other standard's words
        assert other not in text.replace("Council of Governors", ""), other
    summary = page.evaluate("""() => [...document.querySelectorAll('table.summary tbody tr:not(.advice-print)')].map(r => r.cells[0].textContent.trim())""")
    # RLs and percentages (1 and 9 are figures), grouped by their evidence (issue 17: tests/test_evidence_report.py)
    assert sorted(s.split(" ")[1] for s in summary) == ["2", "3", "4", "5", "6", "7", "8"]
    wb = openpyxl.load_workbook(out / "workbook.xlsx")
    assert [n.split(" ")[1] for n in wb.sheetnames[1:10]] == list(NHS.metric_ids)
