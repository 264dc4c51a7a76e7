"""report.pdf as a reader gets it: A4, numbered pages, a contents list whose page numbers are right, charts
as vector graphics (no raster image anywhere), and the same sentences as the metrics document.

Text is read with poppler's pdftotext (what a reader's copy-and-paste or a screen reader gets), structure
with pypdf. The report sets come from the real `wres report` on the demo return (tests/browser.py).
"""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.browser import (  # noqa: F401  (fixtures are used by name)
    HOSTILE_NAME,
    ReportSet,
    demo_return,
    hostile_report,
    internal_report,
    published_report,
    require,
)

A4 = (595.28, 841.89)  # points
PATH_CONSTRUCTION = {"m", "l", "c", "v", "y", "re", "h"}
PATH_PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}


def _pypdf() -> Any:
    try:
        import pypdf
    except ImportError:
        pytest.fail("The Python package pypdf is not installed: run `make install` (the test extra of pyproject.toml).", pytrace=False)
    return pypdf


@cache
def pages_text(pdf: Path, layout: bool = False) -> list[str]:
    """Each page's text as pdftotext gives it (form feeds separate pages)."""
    out = subprocess.run([require("pdftotext"), *(["-layout"] if layout else []), "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def squash(text: str) -> str:
    """Text compared across line breaks and hyphenation: no whitespace, no hyphens (hard or soft), NFKC."""
    return re.sub(r"[\s\u00ad\u2010\u2011-]+", "", unicodedata.normalize("NFKC", text))


def lines(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", ln).strip() for ln in text.splitlines() if ln.strip()]


@pytest.fixture(params=["published", "internal"])
def report_set(request: pytest.FixtureRequest) -> ReportSet:
    return request.getfixturevalue(f"{request.param}_report")


def test_every_page_is_a4(report_set: ReportSet) -> None:
    reader = _pypdf().PdfReader(report_set.pdf)
    assert len(reader.pages) >= 10
    for n, page in enumerate(reader.pages, 1):
        box = page.mediabox
        size = (float(box.width), float(box.height))
        assert abs(size[0] - A4[0]) < 1 and abs(size[1] - A4[1]) < 1, f"page {n} is {size[0]:.1f} × {size[1]:.1f} pt, not A4"


def test_every_page_is_numbered(report_set: ReportSet) -> None:
    pages = pages_text(report_set.pdf)
    total = len(_pypdf().PdfReader(report_set.pdf).pages)
    assert len(pages) == total
    for n, text in enumerate(pages, 1):
        assert f"Page {n} of {total}" in re.sub(r"\s+", " ", text), f"page {n} has no 'Page {n} of {total}'"


def test_running_head_marks_internal_report_on_every_page(internal_report: ReportSet, published_report: ReportSet) -> None:
    for n, text in enumerate(pages_text(internal_report.pdf), 1):
        assert "OFFICIAL-SENSITIVE" in text, f"internal report page {n} is not marked OFFICIAL-SENSITIVE"
    assert not any("OFFICIAL-SENSITIVE" in t for t in pages_text(published_report.pdf))


CONTENTS_ENTRY = re.compile(r"^\s*\d+\.\s+(?P<title>\S.*?)(?:\s*\.{2,}\s*|\s{2,})(?P<page>\d+)\s*$")  # "3. M1 Pay bands .... 6"


def _contents(pdf: Path) -> tuple[int, list[tuple[str, int]]]:
    """The contents page's number and its entries (title, page number) as printed."""
    for n, text in enumerate(pages_text(pdf, layout=True), 1):
        if "Contents" in lines(text):  # with the title on page 1
            entries = []
            for ln in text.splitlines():
                m = CONTENTS_ENTRY.match(ln)
                if m:
                    entries.append((m["title"], int(m["page"])))
            return n, entries
    pytest.fail("no page has the heading 'Contents'")


def _nav_titles(report_set: ReportSet) -> list[str]:
    nav = re.search(r'<nav class="contents".*?</nav>', report_set.html.read_text(encoding="utf-8"), re.S)
    assert nav, "report.html has no contents list"
    return [html.unescape(t).strip() for t in re.findall(r"<a href=\"#[^\"]+\">(.*?)</a>", nav.group())]


def _outline(reader: Any) -> dict[str, int]:
    """Bookmark title → page number (1-based), every level."""
    out: dict[str, int] = {}

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.setdefault(item.title.strip(), reader.get_destination_page_number(item) + 1)

    walk(reader.outline)
    return out


def test_contents_page_numbers_match_where_each_section_starts(report_set: ReportSet) -> None:
    reader = _pypdf().PdfReader(report_set.pdf)
    contents_page, entries = _contents(report_set.pdf)
    titles = _nav_titles(report_set)
    assert [t for t, _ in entries] == titles, f"the PDF's contents list {entries} is not the report's sections {titles}"
    pages = pages_text(report_set.pdf)
    bookmarks = _outline(reader)
    previous = contents_page
    for title, number in entries:
        assert contents_page < number <= len(pages), f"contents: {title!r} on page {number}"
        assert title in lines(pages[number - 1]), f"contents says {title!r} is on page {number}, but that page has no such heading"
        assert bookmarks.get(title) == number, f"contents says {title!r} is on page {number}, its bookmark says {bookmarks.get(title)}"
        assert number >= previous, f"contents: {title!r} on page {number}, before the section listed above it"
        previous = number


def _content_ops(reader: Any, obj: Any, resources: Any, seen: set[int]) -> tuple[set[str], list[str]]:
    """The operators a page (or form) draws with, following the form XObjects it paints; and the raster images it paints."""
    from pypdf.generic import ContentStream

    contents = obj.get_contents() if hasattr(obj, "get_contents") else obj
    if contents is None:
        return set(), []
    ops: set[str] = set()
    images: list[str] = []
    xobjects = (resources or {}).get("/XObject", {})
    for operands, op in ContentStream(contents, reader).operations:
        name = op.decode() if isinstance(op, bytes) else op
        ops.add(name)
        if name == "BI" or name == "INLINE IMAGE":
            images.append("inline image")
        if name == "Do":
            x = xobjects[operands[0]].get_object()
            if x.get("/Subtype") == "/Image":
                images.append(f"{operands[0]} ({x.get('/Width')}×{x.get('/Height')})")
            elif x.get("/Subtype") == "/Form" and id(x) not in seen:
                seen.add(id(x))
                sub_ops, sub_images = _content_ops(reader, x, x.get("/Resources") or resources, seen)
                ops |= sub_ops
                images += sub_images
    return ops, images


def _svg_texts(svg: str) -> set[str]:
    texts = {re.sub(r"\s+", " ", html.unescape(t)).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)}
    return {t for t in texts if len(t) >= 2}


def test_charts_are_vector_graphics(published_report: ReportSet) -> None:
    """Each chart is drawn on its page as paths and text (all of the SVG's words are in the page's text), and no
    page paints a raster image."""
    reader = _pypdf().PdfReader(published_report.pdf)
    pages = [squash(t) for t in pages_text(published_report.pdf)]
    listing = subprocess.run([require("pdfimages"), "-list", str(published_report.pdf)], capture_output=True, text=True, check=True).stdout
    assert len(listing.strip().splitlines()) <= 2, f"the PDF contains raster images:\n{listing}"
    svgs = sorted((published_report.directory / "charts").glob("*.svg"))
    drawn = published_report.html.read_text(encoding="utf-8").count("<img ")
    assert len(svgs) == drawn >= 6, f"charts/ has {len(svgs)} SVGs, the report draws {drawn} charts"
    ops_cache: dict[int, tuple[set[str], list[str]]] = {}
    for svg in svgs:
        texts = _svg_texts(svg.read_text(encoding="utf-8"))
        assert texts, f"{svg.name} has no text"
        found = [n for n, page in enumerate(pages, 1) if all(squash(t) in page for t in texts)]
        assert found, f"no page has all of {svg.name}'s text {sorted(texts)}: the chart is missing or drawn as a picture"
        n = found[0]
        if n not in ops_cache:
            page = reader.pages[n - 1]
            ops_cache[n] = _content_ops(reader, page, page.get("/Resources"), set())
        ops, images = ops_cache[n]
        assert not images, f"page {n} ({svg.name}) paints raster images: {images}"
        assert ops & PATH_CONSTRUCTION and ops & PATH_PAINTING, f"page {n} ({svg.name}) draws no paths: {sorted(ops)}"
    for n, page in enumerate(reader.pages, 1):
        if n not in ops_cache:
            assert not _content_ops(reader, page, page.get("/Resources"), set())[1], f"page {n} paints a raster image"


def test_pdf_has_every_sentence_of_the_metrics_document(report_set: ReportSet) -> None:
    text = squash("\n".join(pages_text(report_set.pdf)))
    doc = report_set.metrics()
    missing = [r["sentence"] for r in doc["results"] if squash(r["sentence"]) not in text]
    assert not missing, f"{len(missing)} of {len(doc['results'])} sentences are not in the PDF, e.g.:\n" + "\n".join(missing[:5])


def test_markup_in_the_return_is_printed_as_text(hostile_report: ReportSet) -> None:
    """The organisation name goes into the print styles (running head) as well as the page: both show it as typed."""
    pages = pages_text(hostile_report.pdf)
    assert HOSTILE_NAME in lines(pages[0])[0], f"running head: {lines(pages[0])[:2]}"
    assert squash(f"{HOSTILE_NAME}: report for") in squash(pages[0])
    for n, text in enumerate(pages, 1):
        assert HOSTILE_NAME in text, f"page {n} lacks the running head with the organisation's name"


# ---- a tagged PDF (PDF/UA-1), checked through its structure tree ----------------------------------------------
# veraPDF (the PDF/UA validator) is Java and in none of the registries this project installs from, so the
# checks below are the machine-checkable parts of PDF/UA-1 that a report can get wrong, read with pypdf.

def _struct_elements(reader: Any) -> list[tuple[str, Any]]:
    """The structure tree in reading order: (role, element), depth first, from the Document root."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    out: list[tuple[str, Any]] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not hasattr(node, "get") or "/S" not in node:
            return  # a marked-content reference or an MCID: content, not structure
        out.append((str(node["/S"]), node))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else ([] if kids is None else [kids]):
            if not isinstance(kid, int):
                walk(kid)

    kids = root["/K"]
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid)
    return out


def _html_alts(report_set: ReportSet) -> list[str]:
    return [html.unescape(a) for a in re.findall(r'<img src="[^"]*" alt="([^"]*)"', report_set.html.read_text(encoding="utf-8"))]


def test_pdf_is_tagged_as_pdf_ua(report_set: ReportSet) -> None:
    info = subprocess.run([require("pdfinfo"), str(report_set.pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    reader = _pypdf().PdfReader(report_set.pdf)
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])  # a viewer shows the title, not the file name
    title = html.unescape(re.search(r"<title>(.*?)</title>", report_set.html.read_text(encoding="utf-8")).group(1))  # type: ignore[union-attr]
    assert reader.metadata.title == title
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfuaid:part="1"' in xmp or "<pdfuaid:part>1</pdfuaid:part>" in xmp, "no PDF/UA identification in the XMP metadata"
    assert html.escape(title, quote=False) in xmp, "the title is not in the XMP metadata"


def test_structure_tree_is_the_report_in_reading_order(report_set: ReportSet) -> None:
    reader = _pypdf().PdfReader(report_set.pdf)
    elements = _struct_elements(reader)
    roles = [role for role, _ in elements]
    assert roles[0] == "/Document", roles[:3]
    for needed in ("/H1", "/H2", "/P", "/L", "/Table", "/TH", "/Figure", "/Caption"):
        assert needed in roles, f"the structure tree has no {needed}"
    headings = [r for r in roles if re.fullmatch(r"/H\d", r)]
    assert headings[0] == "/H1" and headings.count("/H1") == 1, headings[:5]
    text = report_set.html.read_text(encoding="utf-8")
    assert headings.count("/H2") == text.count("<h2"), "every section heading is tagged, once"
    # every figure has its text alternative, in the order the page reads
    alts = [str(e.get("/Alt", "")) for role, e in elements if role == "/Figure"]
    assert alts == _html_alts(report_set), "the figures' /Alt are not the HTML's text alternatives, in order"
    assert all(alts)
    # every table has header cells
    for i, (role, _) in enumerate(elements):
        if role == "/Table":
            following = roles[i + 1:]
            end = following.index("/Table") if "/Table" in following else len(following)
            assert "/TH" in following[:end], f"table {i} has no header cells"


# ---- reads well for a small authority ------------------------------------------------------------------------

def _page_of(pages: list[str], heading: str, after: int = 0) -> int:
    for n, text in enumerate(pages, 1):
        if n > after and heading in lines(text):
            return n
    pytest.fail(f"no page after {after} has the heading {heading!r}")


def test_summary_fits_on_one_page(published_report: ReportSet) -> None:
    pages = pages_text(published_report.pdf, layout=True)
    contents, _ = _contents(published_report.pdf)
    summary = _page_of(pages, "Summary", contents)
    following = _page_of(pages, "M1 Pay bands", summary)
    assert following == summary + 1, f"the summary runs from page {summary} to page {following - 1}"
    page = squash(pages_text(published_report.pdf)[summary - 1])  # in reading order, not as laid out
    for words in ("Withheld or not available", "Verdict", "1.28 (0.72 to 2.27) Worse for minority ethnic staff, but could be chance",
                  "fewer than 10 minority ethnic applicants were appointed"):  # the small count, not "too few applicants"
        assert squash(words) in page, f"the summary page lacks {words!r}"
    assert "too few" not in " ".join(pages)


ONE_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d(?![\d.%])")  # "1.2" or "0.8", but not 27.4% nor 0.1.0 nor 1.20


def test_one_number_style_everywhere(report_set: ReportSet) -> None:
    """Relative likelihoods, intervals and the range to two decimals wherever they print (tables, sentences,
    summary, method, chart labels and axes); percentages to one decimal."""
    text = "\n".join(pages_text(report_set.pdf))
    assert not ONE_DECIMAL.findall(text), sorted(set(ONE_DECIMAL.findall(text)))[:10]
    flat = " ".join(text.split())
    assert "between 0.80 and 1.25" in flat or "from 0.80 to 1.25" in flat
    assert "non-adverse range is 0.80 to 1.25" in flat
    assert "Percentages are rounded to one decimal place." in flat
    assert not re.search(r"\(\d+%\)", flat), "a rate shown to a whole per cent"
    assert re.search(r"\(\d+\.\d%\)", flat)


def test_uncertainty_is_said_where_the_interval_crosses_the_range(published_report: ReportSet) -> None:
    flat = " ".join(" ".join(pages_text(published_report.pdf)).split())
    doc = published_report.metrics()
    m7a = next(r for r in doc["results"] if r["metric"] == "M7a" and r["service"] == "all")
    assert m7a["assessment"] == "worse_for_minority_ethnic" and m7a["ci95"][0] < 1.25  # 1.28 (0.72 to 2.27) in the demo
    assert m7a["sentence"].endswith("but the data cannot rule out a figure inside it, so this could be chance.")
    assert "Worse for minority ethnic staff, but could be chance" in flat


def test_no_heading_ends_a_page(report_set: ReportSet) -> None:
    """A heading, caption or figure title is never the last thing on a page: it stays with what it introduces."""
    source = report_set.html.read_text(encoding="utf-8")
    titles = {" ".join(html.unescape(re.sub(r"<[^>]+>", "", t)).split())
              for t in re.findall(r"<(?:h[1-6]|caption|figcaption)[^>]*>(.*?)</(?:h[1-6]|caption|figcaption)>", source, re.S)}
    titles = {t for t in titles if t}
    for n, text in enumerate(pages_text(report_set.pdf), 1):
        body = [ln for ln in lines(text) if not ln.startswith("Page ") and "SC-WRES" not in ln]
        if body:
            assert body[-1] not in titles, f"page {n} ends with the heading {body[-1]!r}"


def test_published_data_quality_says_what_warnings_concern_internal_says_where(published_report: ReportSet, internal_report: ReportSet) -> None:
    def section(report: ReportSet) -> str:
        pages = pages_text(report.pdf)
        n = _page_of(pages, "Data quality", _contents(report.pdf)[0])
        return " ".join(" ".join(pages[n - 1:]).split())

    published, internal = section(published_report), section(internal_report)
    assert "The checks raised 1 kind of warning" in published and "2 records in the disciplinary and training data" in published
    assert not re.search(r"\.csv, rows? \d|\brow \d+", published), published
    assert "disciplinary.csv, row 10, column date" in internal and "training.csv, row 2, column date" in internal


def test_print_styles_keep_headings_and_captions_with_what_follows(published_report: ReportSet) -> None:
    """The report's own print styles, laid out by WeasyPrint with the heading pushed a line further down the
    page each time: it is never the last thing on a page, whatever the demo's layout happens to be."""
    from weasyprint import HTML

    style = re.search(r"<style>.*?</style>", published_report.html.read_text(encoding="utf-8"), re.S).group()  # type: ignore[union-attr]
    lonely = []
    for k in range(44, 64):  # around where a page ends
        body = "".join(f"<p>Line {i}.</p>" for i in range(k)) + (
            "<h3>A heading</h3><p>What it introduces.</p>"
            "<table><caption>A caption</caption><thead><tr><th scope='col'>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>")
        pdf = HTML(string=f"<!DOCTYPE html><html lang='en-GB'><head><title>t</title>{style}</head><body><main>{body}</main></body></html>").write_pdf()
        out = subprocess.run([require("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        for page in out.split("\f"):
            body_lines = [ln for ln in lines(page) if not ln.startswith("Page ")]
            if body_lines and body_lines[-1] in ("A heading", "A caption"):
                lonely.append((k, body_lines[-1]))
    assert not lonely, f"left alone at a page foot: {lonely}"


@pytest.mark.parametrize("fails", [False, True])
def test_layout_runs_without_the_collector_and_gives_it_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: bool) -> None:
    """Python's full collections walk every object the process holds, thousands of times in a layout: the PDF
    is laid out with the collector paused, and it is running again afterwards, whether the layout succeeded or
    failed (a long-lived web worker must not be left without it)."""
    import gc

    import weasyprint

    from wres.render import pdf
    from wres.render.report_set import Files

    seen: list[bool] = []

    def write_pdf(self: Any, target: str, **options: Any) -> None:
        seen.append(gc.isenabled())
        if fails:
            raise OSError("disk full")
        Path(target).write_bytes(b"%PDF-1.7\n")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf)
    assert gc.isenabled()
    if fails:
        with pytest.raises(OSError):
            pdf.write(Files(None, html="<p>x</p>"), tmp_path / "report.pdf")
    else:
        pdf.write(Files(None, html="<p>x</p>"), tmp_path / "report.pdf")
    assert seen == [False]
    assert gc.isenabled()
