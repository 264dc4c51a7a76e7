"""The report as an A4 PDF (weasyprint): the same HTML, laid out by its print styles.

Charts stay vector graphics (SVG); the contents list gets page numbers, every page a footer.
"""

from __future__ import annotations

from pathlib import Path


def write(html: str, path: Path) -> None:
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # font-fallback chatter is not the user's problem
    HTML(string=html, base_url=str(path.parent)).write_pdf(str(path))
