"""The whole report set, written into one folder: report.html, report.pdf, workbook.xlsx, charts/, metrics.json."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from wres.render import charts as chart_mod
from wres.render import html as html_mod
from wres.render import json as render_json
from wres.render import pdf as pdf_mod
from wres.render import xlsx as xlsx_mod
from wres.report import Report

FILES = ("report.html", "report.pdf", "workbook.xlsx", "metrics.json", "charts/")


def _warm() -> None:
    """Load the PDF and chart engines in the helper process while this one computes."""
    import vl_convert as vlc
    import weasyprint  # noqa: F401

    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


def _svgs(specs: list[dict[str, Any]]) -> list[str]:
    import vl_convert as vlc

    return [vlc.vegalite_to_svg(s) for s in specs]


def write(report: Report, directory: Path, progress: Callable[[str], None] | None = None) -> None:
    """Write every file into `directory` (a fresh folder the caller moves into place when all succeed).

    Two processes share the work (this machine class has two cores): the helper draws half the charts and
    then lays out the PDF, while this one draws the other half, the PNGs and the workbook. Spawned, not
    forked: this process holds DuckDB's and vl-convert's threads, which a fork would copy mid-flight.
    """
    say = progress or (lambda text: None)
    (directory / "charts").mkdir()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as helper:
        helper.submit(_warm)
        say("Drawing charts")
        every = chart_mod.all_charts(report)
        charts = [c for c in every if not c.empty]  # an empty chart is only its sentence: nothing to draw
        half = len(charts) // 2
        theirs = helper.submit(_svgs, [c.spec for c in charts[half:]])
        svgs = [c.svg() for c in charts[:half]] + theirs.result()
        figures = {chart.name: html_mod.figure(chart, svg) for chart, svg in zip(charts, svgs)}
        figures |= {chart.name: html_mod.figure(chart, "") for chart in every if chart.empty}
        say("Writing report.html")
        html = html_mod.render(report, figures)
        (directory / "report.html").write_text(html, encoding="utf-8")
        pdf = helper.submit(pdf_mod.write, html, directory / "report.pdf")
        say("Writing report.pdf, workbook.xlsx and chart images")
        for chart, svg in zip(charts, svgs):
            (directory / "charts" / f"{chart.name}.svg").write_text(svg, encoding="utf-8")
            (directory / "charts" / f"{chart.name}.png").write_bytes(chart.png(svg))
        xlsx_mod.write(report, directory / "workbook.xlsx")
        (directory / "metrics.json").write_text(render_json.render(report.current), encoding="utf-8")
        pdf.result()
