"""The report as an A4 PDF (weasyprint): the same HTML, laid out by its print styles.

Charts stay vector graphics (SVG); the contents list gets page numbers, every page a footer. The PDF is
tagged as PDF/UA-1 (public-sector accessibility rules need it): a structure tree in reading order (headings,
paragraphs, lists, tables, figures with their text alternatives), the language from <html lang>, the title
from <title>, shown by viewers in place of the file name.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wres.render.report_set import Files

VARIANT = "pdf/ua-1"  # tagged, with PDF/UA identification in its XMP metadata


def write(files: Files, path: Path) -> None:
    """report.pdf from the report's HTML alone (the report set runs this in its helper process)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # font-fallback chatter is not the user's problem
    with _collector_paused():
        HTML(string=files.html, base_url=str(path.parent)).write_pdf(str(path), pdf_variant=VARIANT)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Layout makes millions of short-lived objects, and each of Python's full collections walks every object
    the process holds (the return, its tables, the standard): 0.15-0.2 s of a 21-page report's 2 s. Its
    cycles are collected once, when it is written; peak memory did not move (docs/performance.md)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
