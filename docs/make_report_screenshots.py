"""Regenerate the pictures of the demo authority's report (a script, not a test):

    docs/img/report-html.png          report.html in headless Chromium, the top 2,200 px, 1200 px wide
    docs/img/report-pdf-page-1.png    report.pdf page 1 (title and contents), by pdftoppm
    docs/img/report-summary.png       report.pdf's summary page (its one page: table, withheld lines, chart)
    docs/img/report-metric.png        report.pdf's first page of M7a: a metric with withheld rows left out of its chart

    .venv/bin/python docs/make_report_screenshots.py     (after `make install`)

The report is made by the real `wres report` on `wres demo` (seed 1, 425 staff); Chromium is Debian's,
launched as the tests launch it (tests/browser.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
sys.path.insert(0, str(ROOT))

from tests.browser import WIDTH, MissingTool, launch, write_demo_return, write_report  # noqa: E402

PDF_DPI = 100
METRIC_PAGE_OF = "M7a Abuse from colleagues"  # one page: sentences, a chart with its note on withheld rows, the table
SUMMARY = "Summary"


def html_screenshot(url: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(url, wait_until="load")
        # the top of the report (title, contents, profile, summary): the whole page is 14,000 px tall
        page.screenshot(path=str(out), full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": 2200})
        browser.close()


def metric_page(pdf: Path, title: str) -> int:
    import pypdf

    reader = pypdf.PdfReader(pdf)
    stack = list(reader.outline)
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif item.title.strip() == title:
            return reader.get_destination_page_number(item) + 1
    raise SystemExit(f"report.pdf has no bookmark {title!r}")


def pdf_pages(pdf: Path, pages: dict[str, int]) -> list[Path]:
    """Each named page of the PDF as docs/img/NAME.png."""
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        raise SystemExit("pdftoppm is not installed: run `make install` (Debian package poppler-utils).")
    out = []
    for name, n in pages.items():
        target = IMG / name
        subprocess.run([pdftoppm, "-png", "-r", str(PDF_DPI), "-f", str(n), "-l", str(n), "-singlefile", str(pdf), str(target)], check=True)
        out.append(target.with_suffix(".png"))
    return out


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    for old in IMG.glob("report-pdf-page-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        report = write_report(write_demo_return(Path(tmp) / "demo-return"), Path(tmp) / "report")
        try:
            html_screenshot(report.url, IMG / "report-html.png")
        except MissingTool as exc:
            raise SystemExit(str(exc)) from None
        pages = {"report-pdf-page-1": 1, "report-summary": metric_page(report.pdf, SUMMARY),
                 "report-metric": metric_page(report.pdf, METRIC_PAGE_OF)}
        written = [IMG / "report-html.png", *pdf_pages(report.pdf, pages)]
    for path in written:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
