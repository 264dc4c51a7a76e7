"""report.html in a real browser (Debian's headless Chromium): accessible (axe-core, WCAG 2.2 AA), well
structured, self-contained, faithful to the metrics document, and safe with hostile input.

The report sets come from the real `wres report` on the demo return (tests/browser.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser import (  # noqa: F401  (fixtures are used by name)
    HOSTILE_LEAD,
    HOSTILE_NAME,
    ReportSet,
    axe,
    browser,
    demo_return,
    describe,
    hostile_report,
    internal_report,
    open_page,
    published_report,
)
from wres.stats import pct, verdict
from wres.standards import load as _load

MARK = "[c]"  # the report's mark for a withheld figure
DASH = "–"  # a figure that does not exist (no denominator)
SERVICE = {"adults": "Adult social care", "children": "Children's social care", "all": "Both services"}

SC = _load("sc-wres")  # the demo authority's standard


@pytest.fixture(params=["published", "internal"])
def report_set(request: pytest.FixtureRequest) -> ReportSet:
    return request.getfixturevalue(f"{request.param}_report")


# ---- accessibility -------------------------------------------------------------------------------------------

def test_axe_finds_no_wcag_violation(report_set: ReportSet, open_page: Any) -> None:
    page = open_page(report_set.url).page
    violations = axe(page)
    assert violations == [], f"axe-core found {len(violations)} WCAG 2.2 A/AA violation(s):\n{describe(violations)}"


def test_axe_finds_no_violation_with_every_chart_table_open(published_report: ReportSet, open_page: Any) -> None:
    """The data tables behind the charts are inside <details>: check them as a reader who opens them sees them."""
    page = open_page(published_report.url).page
    opened = page.evaluate("() => { const d = [...document.querySelectorAll('details')]; d.forEach(x => x.open = true); return d.length }")
    assert opened > 0
    violations = axe(page)
    assert violations == [], f"axe-core found {len(violations)} violation(s) with the chart tables open:\n{describe(violations)}"


def test_one_h1_and_heading_levels_never_skip(report_set: ReportSet, open_page: Any) -> None:
    page = open_page(report_set.url).page
    headings = page.evaluate(
        "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => [Number(h.tagName[1]), h.textContent.trim()])"
    )
    assert [text for level, text in headings if level == 1] and sum(level == 1 for level, _ in headings) == 1, headings
    assert headings[0][0] == 1, f"the first heading is not the h1: {headings[0]}"
    for (before, before_text), (level, text) in zip(headings, headings[1:]):
        assert level <= before + 1, f"heading level skips from h{before} ({before_text!r}) to h{level} ({text!r})"
    assert all(text for _, text in headings), "an empty heading"


def test_every_table_has_a_caption_and_header_cells(report_set: ReportSet, open_page: Any) -> None:
    page = open_page(report_set.url).page
    tables = page.evaluate("""() => [...document.querySelectorAll('table')].map(t => ({
        caption: t.caption ? t.caption.textContent.trim() : null,
        headers: [...t.querySelectorAll('th')].map(th => th.getAttribute('scope')),
        html: t.outerHTML.slice(0, 200)}))""")
    assert len(tables) >= 10
    for t in tables:
        assert t["caption"], f"a table without a caption: {t['html']}"
        assert t["headers"], f"a table without header cells: {t['caption']}"
        assert set(t["headers"]) <= {"col", "row"}, f"a header cell without scope=col|row in {t['caption']!r}: {t['headers']}"


def test_every_image_has_a_text_alternative(report_set: ReportSet, open_page: Any) -> None:
    page = open_page(report_set.url).page
    images = page.evaluate("() => [...document.images].map(i => [i.getAttribute('alt'), i.src.slice(0, 40)])")
    assert images, "the report has no chart images"
    for alt, src in images:
        assert alt is not None and alt.strip(), f"an image without a text alternative: {src}…"


def test_skip_link_is_first_focusable_and_leads_into_main(published_report: ReportSet, open_page: Any) -> None:
    page = open_page(published_report.url).page
    page.keyboard.press("Tab")
    first = page.evaluate("() => [document.activeElement.outerHTML, document.activeElement.getAttribute('href')]")
    assert first[1] == "#main", f"the first element Tab reaches is not the skip link to #main: {first[0]}"
    assert page.evaluate("() => document.getElementById('main')?.tagName") == "MAIN"
    box = page.evaluate("() => { const r = document.activeElement.getBoundingClientRect(); return [r.left, r.top, r.width, r.height] }")
    assert box[0] >= 0 and box[1] >= 0 and box[2] > 0 and box[3] > 0, f"the focused skip link is not on screen: {box}"
    assert page.evaluate("() => document.querySelector('a.skip').getBoundingClientRect().right") > 0

    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    page.keyboard.press("Tab")
    after = page.evaluate("() => [!!document.activeElement.closest('main'), document.activeElement.outerHTML.slice(0, 120)]")
    assert after[0], f"after the skip link, Tab goes to {after[1]}, not into <main>"
    # hidden again once it loses focus
    assert page.evaluate("() => document.querySelector('a.skip').getBoundingClientRect().right") <= 0


def test_skip_link_moves_focus_to_main(published_report: ReportSet, open_page: Any) -> None:
    page = open_page(published_report.url).page
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_print_styles_hide_the_skip_link(published_report: ReportSet, open_page: Any) -> None:
    page = open_page(published_report.url).page
    assert page.evaluate("() => getComputedStyle(document.querySelector('a.skip')).display") != "none"
    page.emulate_media(media="print")
    assert page.evaluate("() => getComputedStyle(document.querySelector('a.skip')).display") == "none"


def test_page_is_self_contained(report_set: ReportSet, open_page: Any) -> None:
    opened = open_page(report_set.url)
    opened.page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    opened.page.wait_for_load_state("networkidle")
    log = opened.log
    external = [u for u in log.requests if not (u.startswith("data:") or u == report_set.url)]
    assert not external, f"the report loads something besides itself: {external}"
    assert all(u.startswith(("data:", "file:")) for u in log.requests)
    assert not log.failed and not log.errors and not log.console, (log.failed, log.errors, log.console)
    broken = opened.page.evaluate("() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.alt)")
    assert not broken, f"images that did not load: {broken}"


def test_internal_report_is_marked_on_screen(internal_report: ReportSet, published_report: ReportSet, open_page: Any) -> None:
    page = open_page(internal_report.url).page
    assert "OFFICIAL-SENSITIVE" in page.locator(".marking").inner_text()
    assert page.locator(".marking").is_visible()
    assert open_page(published_report.url).page.locator(".marking").count() == 0


# ---- the figures are the metrics document's -----------------------------------------------------------------

def _tables(page: Any) -> dict[str, list[list[str]]]:
    """Each metric's counts table: metric id → rows of cell texts (the header cells included)."""
    found = page.evaluate("""() => [...document.querySelectorAll('table')]
        .filter(t => t.caption && /^\\S+ .*: counts/.test(t.caption.textContent.trim()))
        .map(t => [t.caption.textContent.trim().split(' ')[0],
                   [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()))])""")
    return dict(found)


def _int(text: str) -> int:
    return int(text.replace(",", ""))


GROUP = re.compile(r"^(?P<num>\[c\]|–|[\d,]+) of (?P<den>\[c\]|–|[\d,]+)(?: \((?P<rate>[\d.]+)%\))?$")


def _check_count(shown: str, value: int | None, suppressed: bool, where: str) -> None:
    if value is None:
        assert shown == (MARK if suppressed else DASH), f"{where}: shows {shown!r} for a figure that is not published"
    else:
        assert shown not in (MARK, DASH) and _int(shown) == value, f"{where}: shows {shown!r}, the document has {value}"


def _check_row(row: list[str], r: dict[str, Any], banded: bool) -> None:
    where = f"{r['metric']} {r['service']}" + (f" {r['band']}" if r["band"] else "")
    cells = row[2:] if banded else row[1:]
    assert row[0] == SERVICE[r["service"]], f"{where}: row is {row}"
    if banded:
        assert row[1] == r["band"], f"{where}: band cell {row[1]!r}"
    if r["reason"] == "not submitted":
        assert cells[0] == "not submitted", f"{where}: {row}"
        return
    me, white, unknown, declared, rl, ci, assessment = cells
    for name, shown in (("minority_ethnic", me), ("white", white), ("unknown", unknown)):
        m = GROUP.match(shown)
        assert m, f"{where}: {name} cell {shown!r} is not 'N of D (R%)'"
        fig = r[name]
        _check_count(m["num"], fig["numerator"], r["suppressed"], f"{where} {name} numerator")
        _check_count(m["den"], fig["denominator"], r["suppressed"], f"{where} {name} denominator")
        rate = fig.get("rate")
        if name != "unknown" and rate is not None:
            assert m["rate"] is not None and abs(float(m["rate"]) - 100 * rate) <= 0.05 + 1e-9, f"{where} {name} rate: {shown!r} vs {rate}"
        else:
            assert m["rate"] is None, f"{where} {name}: shows a rate the document does not have: {shown!r}"
    if r["declaration_rate"] is None:
        assert declared == (MARK if r["suppressed"] else DASH), f"{where}: declared {declared!r}"
    else:
        assert declared.endswith("%") and abs(float(declared[:-1]) - 100 * r["declaration_rate"]) <= 0.5 + 1e-9, \
            f"{where}: declared {declared!r}, the document has {r['declaration_rate']}"
    # the engine's verdict, printed as it is (withheld, cannot be calculated, not assessed, or the assessment)
    assert assessment == r["verdict"] and assessment, f"{where}: assessment {assessment!r}, the document says {r['verdict']!r}"
    if r["relative_likelihood"] is None:
        withheld = r["status"].startswith("withheld")  # [c] when disclosure control hid it, – when it cannot be given
        assert rl == (MARK if withheld else DASH), f"{where}: relative likelihood {rl!r} for none ({r['status']})"
        assert ci == (MARK if withheld else ""), f"{where}: CI {ci!r} for no relative likelihood"
    else:
        assert re.fullmatch(r"\d+\.\d\d", rl), f"{where}: relative likelihood {rl!r} is not to 2 decimals"
        assert abs(float(rl) - r["relative_likelihood"]) <= 0.005 + 1e-9, f"{where}: RL {rl} vs {r['relative_likelihood']}"
        if r["ci95"] is None:
            assert ci == DASH, f"{where}: CI {ci!r} for none"
        else:
            low, high = re.fullmatch(r"([\d.]+) to ([\d.]+)", ci).groups()  # type: ignore[union-attr]
            assert abs(float(low) - r["ci95"][0]) <= 0.005 + 1e-9 and abs(float(high) - r["ci95"][1]) <= 0.005 + 1e-9, \
                f"{where}: CI {ci!r} vs {r['ci95']}"
        assert assessment == verdict(r["assessment"], tuple(r["ci95"]) if r["ci95"] else None, SC), f"{where}: assessment {assessment!r}"


def _by_metric(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in doc["results"]:
        out.setdefault(r["metric"], []).append(r)
    return out


def test_every_figure_is_the_metrics_documents(report_set: ReportSet, open_page: Any) -> None:
    doc = report_set.metrics()
    page = open_page(report_set.url).page
    tables = _tables(page)
    by_metric = _by_metric(doc)
    assert set(tables) == set(by_metric), f"counts tables {sorted(tables)} vs metrics {sorted(by_metric)}"
    for metric, results in by_metric.items():
        rows = tables[metric]
        assert len(rows) == len(results), f"{metric}: {len(rows)} rows in the table, {len(results)} results"
        banded = any(r["band"] for r in results)
        for row, r in zip(rows, results):
            _check_row(row, r, banded)
    # and every result's sentence, in its metric's section
    for r in doc["results"]:
        sentences = page.evaluate("id => [...document.getElementById(id).closest('section').querySelectorAll('li')].map(li => li.textContent)", r["metric"])
        assert r["sentence"] in sentences, f"{r['metric']} {r['service']}: sentence not shown: {r['sentence']}"


def test_senior_managers_share_is_beside_the_workforces_and_the_populations(report_set: ReportSet, open_page: Any) -> None:
    """M9's share of senior managers beside the share of the workforce and of the local population, as the
    workbook and the document give it: the figure a programme lead puts before councillors."""
    doc = report_set.metrics()
    page = open_page(report_set.url).page
    rows = page.evaluate("""() => { const t = [...document.querySelectorAll('table')].find(t => t.caption && t.caption.textContent.startsWith('Minority ethnic share'));
        return t ? [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim())) : null; }""")
    shares = [r["representation"] for r in doc["results"] if r["metric"] == "M9"]
    assert rows is not None and len(rows) == len(shares)
    for row, share in zip(rows, shares):
        assert row[2] == pct(share["workforce"]) and row[3] == pct(share["local_population"])
        assert row[1] == (pct(share["senior_managers"]) if share["senior_managers"] is not None else "[c]")


def test_published_report_withholds_small_numbers(published_report: ReportSet, internal_report: ReportSet, open_page: Any) -> None:
    """Where the published document withholds a figure the cell shows [c], and never the true value."""
    published, internal = published_report.metrics(), internal_report.metrics()
    assert published["suppression"]["applied"] and not internal["suppression"]["applied"]
    truth = {(r["metric"], r["service"], r["band"]): r for r in internal["results"]}
    tables = _tables(open_page(published_report.url).page)
    withheld = 0
    for metric, results in _by_metric(published).items():
        banded = any(r["band"] for r in results)
        for row, r in zip(tables[metric], results):
            true = truth[(r["metric"], r["service"], r["band"])]
            cells = row[2:] if banded else row[1:]
            for i, name in enumerate(("minority_ethnic", "white", "unknown")):
                m = GROUP.match(cells[i])
                assert m, cells[i]
                for part in ("numerator", "denominator"):
                    if r[name][part] is None and true[name][part] is not None:
                        withheld += 1
                        shown = m["num" if part == "numerator" else "den"]
                        assert shown == MARK, f"{metric} {r['service']} {name} {part}: {cells[i]!r}"
                        others = {m["den"]} if part == "numerator" else {m["num"]}  # the other figure may equal it
                        numbers = set(re.findall(r"\d[\d,]*", cells[i])) - others
                        assert f"{true[name][part]:,}" not in numbers, f"{metric} {r['service']} {name}: {cells[i]!r} reveals {true[name][part]}"
            if r["relative_likelihood"] is None and true["relative_likelihood"] is not None:
                assert cells[4] == MARK and cells[5] == MARK, f"{metric} {r['service']}: RL {cells[4]!r}, CI {cells[5]!r}"
            if r["declaration_rate"] is None and true["declaration_rate"] is not None:
                assert cells[3] == MARK, f"{metric} {r['service']}: declared {cells[3]!r}"
    assert withheld >= 10, "the demo return should have small numbers to withhold"


def test_internal_report_shows_every_figure(internal_report: ReportSet, open_page: Any) -> None:
    tables = _tables(open_page(internal_report.url).page)
    for metric, rows in tables.items():
        for row in rows:
            assert MARK not in " ".join(row), f"{metric}: the internal report withholds a figure: {row}"


# ---- hostile input -------------------------------------------------------------------------------------------

def test_markup_in_the_return_is_shown_as_text_never_run(hostile_report: ReportSet, open_page: Any) -> None:
    opened = open_page(hostile_report.url)
    page, log = opened.page, opened.log
    page.wait_for_timeout(300)  # give an injected onerror the chance to fire
    assert HOSTILE_NAME in page.locator("h1").inner_text()
    assert HOSTILE_NAME in page.title()
    assert page.get_by_text(HOSTILE_LEAD, exact=True).is_visible()
    assert page.evaluate("() => typeof window.pwned") == "undefined"
    assert log.dialogs == [], f"a dialog opened: {log.dialogs}"
    assert page.evaluate("() => document.scripts.length") == 0
    assert page.evaluate("() => [...document.images].filter(i => i.getAttribute('src') === 'x').length") == 0
    assert all(u.startswith("data:") or u == hostile_report.url for u in log.requests), log.requests
    assert not log.errors, log.errors
    # the name is also in the print styles (the PDF's running head): tests/test_report_pdf.py checks it prints as typed


# ---- reads well for a small authority ------------------------------------------------------------------------

def test_summary_is_a_table_of_verdicts_and_a_line_per_withheld_metric(published_report: ReportSet, open_page: Any) -> None:
    doc = published_report.metrics()
    page = open_page(published_report.url).page
    rows = page.evaluate("""() => [...document.querySelectorAll('section.summary table.summary tbody tr:not(.advice-print)')]
        .map(r => [...r.cells].map(c => c.textContent.trim()))""")
    top = {r["metric"]: r["band"] for r in doc["results"]}  # the last band listed is M1's top band
    expected = [r for r in doc["results"] if r["relative_likelihood"] is not None and r["band"] == top[r["metric"]]]
    # grouped by the evidence (clearly outside, clearly inside, not enough either way), each group in the document's order
    order = ["outside_range", "inside_range", "inconclusive"]
    expected.sort(key=lambda r: order.index(r["evidence"] if r["evidence"] in order else "inconclusive"))
    assert len(rows) == len(expected) >= 5, rows
    for row, r in zip(rows, expected):
        metric, service, rl, said = row
        assert metric.startswith(r["metric"] + " ") and service == SERVICE[r["service"]], row
        ci = r["ci95"]
        assert rl == f"{r['relative_likelihood']:.2f}" + (f" ({ci[0]:.2f} to {ci[1]:.2f})" if ci else " (no CI)"), row
        assert said.startswith(r["verdict"]) and r["verdict"] == verdict(r["assessment"], tuple(ci) if ci else None, SC), row
        assert (said != r["verdict"]) == (r["evidence"] == "inconclusive"), row  # the advice follows an inconclusive verdict
    missing = page.evaluate("() => [...document.querySelectorAll('section.summary ul.missing li')].map(li => li.textContent.trim())")
    withheld = {r["metric"] for r in doc["results"] if r["relative_likelihood"] is None and r["band"] == top[r["metric"]]}
    in_order = [m for m in dict.fromkeys(r["metric"] for r in doc["results"]) if m in withheld]
    assert [line.split(" ")[0] for line in missing] == in_order, missing  # one line per metric, none left out
    assert "M2 Appointed from shortlisting — every service: fewer than 10 minority ethnic applicants were appointed." in missing
    assert not any("too few" in line for line in missing)


def test_each_chart_has_one_visible_title_and_no_withheld_row(published_report: ReportSet, open_page: Any) -> None:
    import base64

    page = open_page(published_report.url).page
    figures = page.evaluate("""() => [...document.querySelectorAll('figure')].map(f => ({
        caption: f.querySelector('figcaption').textContent.trim(),
        alt: f.querySelector('img').getAttribute('alt'),
        src: f.querySelector('img').getAttribute('src'),
        note: f.querySelector('.chart-note')?.textContent.trim() || '',
        table: f.querySelector('table caption').textContent.trim(),
        rows: [...f.querySelectorAll('tbody tr')].map(r => r.textContent)}))""")
    assert len(figures) >= 6
    for f in figures:
        svg = base64.b64decode(f["src"].split(",", 1)[1]).decode()
        assert f["caption"] not in svg and f["caption"] not in f["alt"] and f["caption"] not in f["table"], f["caption"]
        for row in f["rows"]:
            assert "[c]" not in row and "withheld" not in row, (f["caption"], row)
    notes = [f["note"] for f in figures if f["note"]]
    assert "Adult social care and children's social care are not shown: their figures are withheld to protect small numbers." in notes
    # a chart with nothing to draw is one sentence, not an empty grid
    m2 = page.evaluate("() => document.getElementById('M2').closest('section').innerHTML")
    assert "<img" not in m2 and "There is no chart: every figure it would show is withheld to protect small numbers." in m2


def test_data_quality_published_says_what_internal_says_where(published_report: ReportSet, internal_report: ReportSet, open_page: Any) -> None:
    def section(report: ReportSet) -> str:
        return open_page(report.url).page.evaluate("() => document.getElementById('data-quality').closest('section').textContent")

    published, internal = " ".join(section(published_report).split()), " ".join(section(internal_report).split())
    assert "The checks raised 1 kind of warning" in published and not re.search(r"\brows? \d|column date", published), published
    assert "disciplinary.csv, row 10, column date" in internal
