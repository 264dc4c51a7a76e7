"""The Excel workbook of a report (render/xlsx.py), read back with openpyxl from real files.

- Every figure in the Summary table and the Counts sheet is the report's own value, walking every result:
  a number where the report has one; "[c]" exactly where disclosure control withheld a figure (the internal
  report of the same return has it), never the number behind it; "–" where there is no figure at all (not
  submitted, or cannot be calculated). The internal workbook shows every figure and no "[c]".
- Input text that a spreadsheet would run (=HYPERLINK…, +1, @SUM…, -2+3) or render (<script>) arrives as
  plain text: string cells, value unchanged, and no formula or hyperlink anywhere in the file.
- An internal report is marked in bold red in row 1 of every sheet; a published one nowhere.
- Three years give a Trend sheet with three year columns and a native line chart (checked in the chart XML,
  since openpyxl does not read charts back reliably).
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import person, write_return
from wres import pipeline, report
from wres.demo import shifted, write_demo
from wres.render import xlsx
from wres.report import Report
from wres.standards import load
from wres.results import INTERNAL_MARKING, Result

WITHHELD, NONE = "[c]", "–"
NOTE = "[c] withheld to protect small numbers (counts under {n}, or figures from which one could be worked out)"
GROUPS = ("minority_ethnic", "white", "unknown")
SERVICE_CODES = {p.label: p.id for p in load("sc-wres").breakdown.all}  # the workbook names parts by their labels


# --- fixtures: real returns, real workbooks (built once per module) ------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("demo")
    write_demo(d, seed=1, staff=425)
    return d


@pytest.fixture(scope="module")
def published(demo: Path) -> Report:
    return report.build(demo)


@pytest.fixture(scope="module")
def internal(demo: Path) -> Report:
    return report.build(demo, internal=True)


def _write(rep: Report, directory: Path, name: str) -> Path:
    path = directory / name
    xlsx.write(rep, path)
    return path


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xlsx")


@pytest.fixture(scope="module")
def published_book(published: Report, out: Path) -> Path:
    return _write(published, out, "published.xlsx")


@pytest.fixture(scope="module")
def internal_book(internal: Report, out: Path) -> Path:
    return _write(internal, out, "internal.xlsx")


@pytest.fixture(scope="module")
def wb(published_book: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(published_book)


@pytest.fixture(scope="module")
def wb_internal(internal_book: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(internal_book)


# --- reading the workbook back -------------------------------------------------------------------------

def header_row(ws: Any, first: str) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no table starting with {first!r} on {ws.title}")


def table(ws: Any, first: str) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    """The table whose header starts with `first`: column index by header, and its rows of cells."""
    head = header_row(ws, first)
    cols = {c.value: i for i, c in enumerate(ws[head]) if c.value}
    rows = []
    for cells in ws.iter_rows(min_row=head + 1):
        if cells[0].value is None:
            break
        rows.append(cells)
    return cols, rows


def summary_rows(wb: openpyxl.Workbook) -> tuple[dict[str, int], dict[tuple[str, str, str | None], tuple[Any, ...]]]:
    cols, rows = table(wb["Summary"], "Metric")
    keyed = {}
    for cells in rows:
        key = (cells[cols["Metric"]].value, SERVICE_CODES[cells[cols["Service"]].value], cells[cols["Band"]].value)
        assert key not in keyed, f"two Summary rows for {key}"
        keyed[key] = cells
    return cols, keyed


def counts_rows(wb: openpyxl.Workbook) -> dict[tuple[str, str, str | None, str], tuple[Any, ...]]:
    cols, rows = table(wb["Counts"], "metric")
    assert list(cols)[:6] == ["metric", "service", "band", "group", "numerator", "denominator"]
    keyed = {}
    for cells in rows:
        key = tuple(cells[i].value for i in range(4))
        assert key not in keyed
        keyed[key] = cells  # type: ignore[index]
    return keyed  # type: ignore[return-value]


def all_cells(wb: openpyxl.Workbook) -> list[Any]:
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


# --- what each figure must look like -------------------------------------------------------------------

def figures(r: Result) -> dict[str, Any]:
    """The Summary columns that hold figures, with the report's value for each."""
    ci = r.ci95 or (None, None)
    return {
        "Minority ethnic numerator": r.focus.numerator,
        "Minority ethnic denominator": r.focus.denominator,
        "Minority ethnic rate": r.focus.rate,
        "White numerator": r.reference.numerator,
        "White denominator": r.reference.denominator,
        "White rate": r.reference.rate,
        "Unknown numerator": r.unknown.numerator,
        "Unknown denominator": r.unknown.denominator,
        "Declaration rate": r.declaration_rate,
        "Relative likelihood": r.relative_likelihood,
        "95% CI low": ci[0],
        "95% CI high": ci[1],
    }


RATE_COLUMNS = {"Minority ethnic rate", "White rate", "Declaration rate"}
RATIO_COLUMNS = {"Relative likelihood", "95% CI low", "95% CI high"}


def check_figure(cell: Any, value: Any, truth: Any, column: str, where: str, suppressed: bool = False) -> None:
    """`value` as published, `truth` the internal report's figure for the same cell.

    A figure the internal report has but the published one lacks was withheld: "[c]". One that neither has
    does not exist: "–" (or "[c]" in a suppressed result, where saying "cannot be calculated" could itself
    tell a reader that a withheld count is 0).
    """
    if value is not None:
        assert cell.data_type == "n", f"{where} {column}: {cell.value!r} is not a number"
        if isinstance(value, int):
            assert cell.value == value and float(cell.value).is_integer(), f"{where} {column}"
        else:
            assert math.isclose(cell.value, value, rel_tol=1e-15, abs_tol=0), f"{where} {column}: {cell.value} != {value}"
        if column in RATE_COLUMNS:
            assert "%" in cell.number_format, f"{where} {column}: {cell.number_format}"
        elif column in RATIO_COLUMNS:
            assert cell.number_format == "0.00", f"{where} {column}: {cell.number_format}"
        else:
            assert cell.number_format == "#,##0", f"{where} {column}: {cell.number_format}"
    elif truth is not None:  # withheld by disclosure control
        assert cell.value == WITHHELD and cell.data_type == "s", f"{where} {column}: {cell.value!r}, expected [c]"
        assert cell.value != truth
    else:  # there is no figure at all
        allowed = (NONE, WITHHELD) if suppressed else (NONE,)
        assert cell.value in allowed, f"{where} {column}: {cell.value!r}, expected –"


# --- the figures ---------------------------------------------------------------------------------------

def test_sheets_in_order(wb: openpyxl.Workbook, published: Report) -> None:
    names = wb.sheetnames
    assert names[0] == "Summary"
    assert names[1:1 + len(published.metrics)] == [
        "M1 Pay bands", "M2 Appointed from shortlisting", "M3 Formal disciplinary process", "M4 Fitness to practise",
        "M5 Funded training and CPD", "M6 Abuse from the public", "M7a Abuse from colleagues",
        "M7b Abuse from managers", "M8 Leaving the authority", "M9 Senior manager roles",
    ]
    assert names[-4:] == ["Counts", "Method", "actions", "action_updates"]  # one year only: no Trend; the plan last
    for name in names:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


def test_summary_table_is_the_report(wb: openpyxl.Workbook, published: Report, internal: Report) -> None:
    assert check_summary(wb, published, internal) > 20  # the demo return at 425 staff has plenty of small numbers


@pytest.mark.parametrize("seed, staff", [(5, 120), (8, 250)])
def test_smaller_returns(tmp_path: Path, seed: int, staff: int) -> None:
    """Smaller authorities: more zeros, undefined RLs and secondary suppression; the same rules hold."""
    (tmp_path / "r").mkdir()
    write_demo(tmp_path / "r", seed=seed, staff=staff)
    pub, full = report.build(tmp_path / "r"), report.build(tmp_path / "r", internal=True)
    check_summary(openpyxl.load_workbook(_write(pub, tmp_path, "p.xlsx")), pub, full)
    check_summary(openpyxl.load_workbook(_write(full, tmp_path, "i.xlsx")), full, full)


def check_summary(wb: openpyxl.Workbook, published: Report, internal: Report) -> int:
    """Every Summary figure against the report; returns how many cells say [c]."""
    cols, rows = summary_rows(wb)
    results = published.current.results
    assert len(rows) == len(results)
    withheld = 0
    for r in results:
        truth = internal.result(r.metric, r.service, r.band)
        assert truth is not None
        cells = rows[(r.metric, r.service, r.band)]
        where = f"Summary {r.metric} {r.service} {r.band or ''}"
        assert cells[cols["Title"]].value == r.title
        assert cells[cols["Sentence"]].value == r.sentence
        for column, value in figures(r).items():
            check_figure(cells[cols[column]], value, figures(truth)[column], column, where, r.suppressed)
            withheld += cells[cols[column]].value == WITHHELD
        words = {"worse_for_minority_ethnic": "worse for minority ethnic staff",
                 "within_range": "within the non-adverse range",
                 "better_for_minority_ethnic": "better for minority ethnic staff"}
        m = next(m for m in published.metrics if m.id == r.metric)
        bands = [x.band for x in published.results(r.metric) if x.band]
        assessed = m.direction is not None and (not bands or r.band == bands[-1])
        got = cells[cols["Assessment"]].value
        if r.assessment:
            assert got == words[r.assessment], where
        elif truth.assessment:
            assert got == WITHHELD, where
        else:  # not assessed at all (a lower pay band), or no RL to assess
            assert got in ((None, WITHHELD) if assessed and r.suppressed else (None,)), where
    return withheld


def test_counts_sheet_is_every_published_count(wb: openpyxl.Workbook, published: Report, internal: Report) -> None:
    rows = counts_rows(wb)
    seen = 0
    for r in published.current.results:
        truth = internal.result(r.metric, r.service, r.band)
        assert truth is not None
        for group in (*GROUPS, "total"):
            cells = rows[(r.metric, r.service, r.band, group)]
            for i, kind in ((4, "numerator"), (5, "denominator")):
                value, true = getattr(r.groups.get(group, r.total), kind), getattr(truth.groups.get(group, truth.total), kind)
                check_figure(cells[i], value, true, kind, f"Counts {r.metric} {r.service} {r.band} {group}", r.suppressed)
            seen += 1
    assert seen == len(rows)


def test_withheld_figures_are_c_never_the_number(wb: openpyxl.Workbook, published: Report, internal: Report) -> None:
    cols, rows = summary_rows(wb)
    small = 0
    for r in published.current.results:
        if not r.suppressed:
            continue
        truth = internal.result(r.metric, r.service, r.band)
        cells = rows[(r.metric, r.service, r.band)]
        for group in GROUPS:
            for kind in ("numerator", "denominator"):
                if getattr(r.groups[group], kind) is None:
                    column = f"{group.replace('_', ' ').capitalize()} {kind}"
                    hidden = getattr(truth.groups[group], kind)
                    assert cells[cols[column]].value == WITHHELD, (r.metric, r.service, r.band, column)
                    small += 0 < hidden < 10
    assert small > 0


def test_not_submitted_and_undefined_are_not_c(tmp_path: Path) -> None:
    """Only staff.csv: M2…M8 are not submitted ("–", the sentence says so), nothing is withheld as [c]."""
    staff = [person(f"a{i}", "Indian" if i % 2 else "Irish", "adults", salary=35000) for i in range(40)]
    staff += [person(f"c{i}", "African" if i % 2 else "White", "children", salary=35000) for i in range(40)]
    rep = report.build(write_return(tmp_path / "ret", {"staff": staff}))
    path = _write(rep, tmp_path, "out.xlsx")
    cols, rows = summary_rows(openpyxl.load_workbook(path))
    m3 = rows[("M3", "all", None)]
    for column in figures(rep.result("M3", "all")):  # type: ignore[arg-type]
        assert m3[cols[column]].value == NONE
    assert m3[cols["Sentence"]].value.startswith("Not submitted")
    # M9: nobody is a senior manager, so the white rate is 0 and there is no relative likelihood
    m9 = rows[("M9", "all", None)]
    assert m9[cols["White rate"]].value == 0 and m9[cols["Relative likelihood"]].value == NONE
    assert "cannot be calculated" in m9[cols["Sentence"]].value
    assert WITHHELD not in {c.value for c in all_cells(openpyxl.load_workbook(path))}


def test_internal_workbook_has_every_figure(wb_internal: openpyxl.Workbook, internal: Report) -> None:
    cols, rows = summary_rows(wb_internal)
    for r in internal.current.results:
        cells = rows[(r.metric, r.service, r.band)]
        for column, value in figures(r).items():
            check_figure(cells[cols[column]], value, value, column, f"internal {r.metric} {r.service}")
    assert WITHHELD not in {c.value for c in all_cells(wb_internal)}


# --- notes, marking, layout ----------------------------------------------------------------------------

def test_every_sheet_with_c_explains_it(wb: openpyxl.Workbook, published: Report) -> None:
    note = NOTE.format(n=published.current.suppression["threshold"])
    with_c = 0
    for ws in wb.worksheets:
        values = [c.value for row in ws.iter_rows() for c in row]
        if WITHHELD in values:
            with_c += 1
            assert note in values, ws.title
    assert with_c >= 10


PLAN_SHEETS = ("actions", "action_updates")  # row 1 is the header, so wres can read the sheet back


def test_internal_marking_on_every_sheet(wb_internal: openpyxl.Workbook, wb: openpyxl.Workbook) -> None:
    for ws in wb_internal.worksheets:
        if ws.title in PLAN_SHEETS:
            assert INTERNAL_MARKING in (ws.oddHeader.center.text or ""), ws.title  # on every printed page
            assert ws["A1"].value == "action_id"
            continue
        cell = ws["A1"]
        assert cell.value == INTERNAL_MARKING, ws.title
        assert cell.font.b and cell.font.color is not None and cell.font.color.rgb.endswith("C00000"), ws.title
        assert ws["A2"].value and ws["A2"].font.b  # the sheet's title follows
    for ws in wb.worksheets:
        assert ws["A1"].font.b and ws["A1"].value  # the title (or, on the plan sheets, the header) is in A1
        assert INTERNAL_MARKING not in {c.value for row in ws.iter_rows() for c in row}, ws.title


def test_layout(wb: openpyxl.Workbook) -> None:
    for ws in wb.worksheets:
        assert ws.freeze_panes, ws.title
        assert not ws.merged_cells.ranges, ws.title
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width > 8.43, ws.title
        head = int(re.sub(r"\D", "", ws.freeze_panes)) - 1
        header = [c for c in ws[head] if c.value]
        assert header and all(c.font.b and c.border.bottom.style for c in header), ws.title
    summary = wb["Summary"]
    assert summary.auto_filter.ref and summary.auto_filter.ref.startswith(f"A{header_row(summary, 'Metric')}:")
    # the profile
    profile = {summary.cell(r, c).value: summary.cell(r, c + 1).value for r in range(2, 9) for c in (1, 3)}
    assert profile["Organisation"] == "London Borough of Eastmere" and profile["ONS code"] == "E09000099"
    # the sponsors by the standard's part labels
    assert profile["Adult social care sponsor"].startswith("Harriet") and profile["Children's social care sponsor"].startswith("Daniel")
    assert profile["Programme lead"].startswith("Marcia") and profile["Staff voice lead"].startswith("Tunde")
    assert profile["Direct employees"] == 425 and profile["Reporting period"] == "1 April 2024 to 31 March 2025"


def test_metric_sheets_and_charts(wb: openpyxl.Workbook, published: Report, published_book: Path) -> None:
    m3 = wb["M3 Formal disciplinary process"]
    assert m3["A1"].value == "M3 Formal disciplinary process"
    values = [c.value for row in m3.iter_rows() for c in row if c.value is not None]
    for r in published.results("M3"):
        assert r.sentence in values
    assert any(str(v).startswith("Numerator for each group: distinct staff") for v in values)
    with zipfile.ZipFile(published_book) as z:
        charts = [z.read(n).decode() for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]
    assert charts
    rl = [c for c in charts if "<c:errValType val=\"cust\"/>" in c]
    assert rl, "no chart with custom (confidence interval) error bars"
    assert all("Non-adverse range, low (0.80)" in c and "Non-adverse range, high (1.25)" in c for c in rl)
    assert any("share of each group" in c and "<c:barChart>" in c for c in charts)  # M1 band distribution


# --- formula injection ---------------------------------------------------------------------------------

HOSTILE = {
    "name": '=HYPERLINK("http://x","y")',
    "code": "@SUM(A1)",
    "sponsors": "-2+3",
    "programme_lead": "+1",
    "staff_voice_lead": "<script>alert(1)</script>",
}
BANDS = ['=HYPERLINK("http://x","band")', "+1 band", "@SUM(A1)"]


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    org = {**HOSTILE, "period_start": "2024-04-01", "period_end": "2025-03-31",
           "pay_bands": [{"label": BANDS[0], "below": 30000}, {"label": BANDS[1], "below": 70000}, {"label": BANDS[2]}]}
    eth = ["Indian", "Irish", "African", "English, Welsh, Scottish, Northern Irish or British"]
    staff = [person(f"s{i}", eth[i % 4], ("adults", "children")[i % 2], salary=(25000, 45000, 80000)[i % 3])
             for i in range(120)]
    ret = write_return(d / "return", {"staff": staff}, org=org)
    path = d / "hostile.xlsx"
    xlsx.write(report.build(ret), path)
    return path


def test_hostile_text_arrives_as_text(hostile_book: Path) -> None:
    wb = openpyxl.load_workbook(hostile_book)
    found: dict[str, int] = {}
    for cell in all_cells(wb):
        assert cell.data_type != "f", f"{cell.parent.title}!{cell.coordinate} is a formula: {cell.value!r}"
        if cell.value in (*HOSTILE.values(), *BANDS):
            assert cell.data_type == "s", f"{cell.parent.title}!{cell.coordinate}"
            found[cell.value] = found.get(cell.value, 0) + 1
    assert set(found) == {*HOSTILE.values(), *BANDS}
    summary = {c.value for row in wb["Summary"].iter_rows() for c in row}
    assert HOSTILE["name"] in summary and set(BANDS) <= summary
    assert set(BANDS) <= {c.value for row in wb["Counts"].iter_rows() for c in row}
    # and in the file itself: no formula element, no hyperlink
    with zipfile.ZipFile(hostile_book) as z:
        for name in z.namelist():
            text = z.read(name).decode("utf-8", "replace")
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert "<f>" not in text and "<f " not in text and "<hyperlink" not in text, name
            assert "<script>" not in text, name  # escaped as &lt;script&gt; in XML


def test_written_whole_or_not_at_all(tmp_path: Path, published: Report) -> None:
    path = tmp_path / "report.xlsx"
    path.write_text("old")
    xlsx.write(published, path)
    assert zipfile.is_zipfile(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]  # no temporary file left
    with pytest.raises(Exception):
        xlsx.write(published, tmp_path / "missing" / "report.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


# --- three years ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def three_years(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    base = tmp_path_factory.mktemp("years")
    dirs = []
    for seed, back in ((11, 2), (12, 1), (13, 0)):
        (base / f"demo{seed}").mkdir()
        write_demo(base / f"demo{seed}", seed=seed, staff=425)
        dirs.append(shifted(base / f"demo{seed}", base / f"year{back}", back) if back else base / f"demo{seed}")
    for d in dirs:
        errors = [p for p in pipeline.check(d) if p.severity == "error"]
        assert not errors, errors
    rep = report.build(dirs[-1], previous=dirs[:-1])
    path = base / "trend.xlsx"
    xlsx.write(rep, path)
    return rep, path


def test_trend_sheet(three_years: tuple[Report, Path]) -> None:
    rep, path = three_years
    assert [d.period["start"] for d in rep.years] == ["2022-04-01", "2023-04-01", "2024-04-01"]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-3:] == ["Trend", "actions", "action_updates"]
    ws = wb["Trend"]
    labels = [rep.year_label(i) for i in range(3)]
    assert labels == ["2022/23", "2023/24", "2024/25"]
    cols, rows = table(ws, "Metric")
    assert [f"{y} RL" for y in labels] <= list(cols)
    by_metric = {cells[0].value: cells for cells in rows}
    assert list(by_metric) == [m.id for m in rep.metrics]
    shown, drawn = 0, 0
    for m in rep.metrics:
        drawn += any(by_metric[m.id][cols[f"{y} RL"]].data_type == "n" for y in labels)
        for i, y in enumerate(labels):
            bands = [r.band for r in rep.results(m.id, i) if r.band]
            r = rep.result(m.id, "all", bands[-1] if bands else None, year=i)
            assert r is not None
            cell = by_metric[m.id][cols[f"{y} RL"]]
            if r.relative_likelihood is not None:
                assert cell.data_type == "n" and math.isclose(cell.value, r.relative_likelihood, rel_tol=1e-15)
                shown += 1
            else:
                assert cell.value in (WITHHELD, NONE)
    assert shown >= 10
    assert NOTE.format(n=rep.current.suppression["threshold"]) in {c.value for row in ws.iter_rows() for c in row}
    # the line chart, in the file
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]
    trend = [c for c in charts if "<c:lineChart>" in c and "Trend!" in c and "by year" in c]
    assert len(trend) == 1
    xml = trend[0]
    # a line per metric with a figure to draw, and the non-adverse range's two ends
    assert xml.count("<c:ser>") == drawn + 2
    for y in labels:
        assert f"<c:v>{y}</c:v>" in xml
    for m in rep.metrics:
        has_line = f"<c:v>{m.id} {m.title}</c:v>" in xml
        assert has_line == any(by_metric[m.id][cols[f"{y} RL"]].data_type == "n" for y in labels), m.id
    assert "<c:v>Non-adverse range, low (0.80)</c:v>" in xml and "<c:v>Non-adverse range, high (1.25)</c:v>" in xml


def test_one_number_style_with_the_report(wb: openpyxl.Workbook, published_book: Path) -> None:
    """The workbook words numbers as the report does: RLs and CIs to two decimals, the range as 0.80 to 1.25,
    percentages to one decimal (its notes say so, and its chart labels follow)."""
    from wres.stats import PERCENT_RULE

    texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(PERCENT_RULE in t for t in texts), "the workbook does not say how percentages are rounded"
    for t in texts:
        assert not re.search(r"(?<![\d.])(?:0\.8|1\.2)(?![\d.%])", t), t  # never "0.8" or "1.2" for 0.80 or 1.20
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, float) and c.number_format.endswith("%"):
                    assert c.number_format == "0.0%", (ws.title, c.coordinate, c.number_format)
    with zipfile.ZipFile(published_book) as z:
        charts = [z.read(n).decode() for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)]
    labels = [f for block in re.findall(r"<c:dLbls>.*?</c:dLbls>", "".join(charts), re.S)  # data labels, not axis ticks
              for f in re.findall(r'<c:numFmt formatCode="([^"]+)"', block)]
    assert "0%" not in labels and "0.0%" in labels, labels
