"""The whole report set, written into one folder: report.html, report.pdf, workbook.xlsx, charts/, metrics.json."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from wres.render import charts as chart_mod
from wres.render import html as html_mod
from wres.render import json as render_json
from wres.render import pdf as pdf_mod
from wres.render import xlsx as xlsx_mod
from wres.report import Report

FILES = ("report.html", "report.pdf", "workbook.xlsx", "metrics.json", "charts/")


def write(report: Report, directory: Path, progress: Callable[[str], None] | None = None) -> None:
    """Write every file into `directory` (a fresh folder the caller moves into place when all succeed).

    The PDF is laid out in a second process while this one draws the PNGs and writes the workbook: on two
    cores that halves the time of the slowest step.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    say = progress or (lambda text: None)
    say("Drawing charts")
    (directory / "charts").mkdir()
    charts = chart_mod.all_charts(report)
    svgs = [chart.svg() for chart in charts]
    figures = {chart.name: html_mod.figure(chart, svg) for chart, svg in zip(charts, svgs)}
    say("Writing report.html")
    html = html_mod.render(report, figures)
    (directory / "report.html").write_text(html, encoding="utf-8")
    # spawn, not fork: this process has DuckDB's and vl-convert's threads, which a fork would copy mid-flight
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pdf = pool.submit(pdf_mod.write, html, directory / "report.pdf")
        say("Writing report.pdf, workbook.xlsx and chart images")
        for chart, svg in zip(charts, svgs):
            (directory / "charts" / f"{chart.name}.svg").write_text(svg, encoding="utf-8")
            (directory / "charts" / f"{chart.name}.png").write_bytes(chart.png(svg))
        xlsx_mod.write(report, directory / "workbook.xlsx")
        (directory / "metrics.json").write_text(render_json.render(report.current), encoding="utf-8")
        pdf.result()
