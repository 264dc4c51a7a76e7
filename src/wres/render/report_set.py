"""The whole report set, written into one folder: each registered format's file (report.html, report.pdf,
workbook.xlsx, metrics.json) and charts/."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wres.render import charts as chart_mod
from wres.render import html as html_mod
from wres.render import report_files
from wres.report import Report

FILES = (*(f.file for f in report_files()), "charts/")


@dataclass
class Files:
    """What a format's write(files, path) reads: the report, its charts as the page shows them, and the page."""

    report: Report | None  # None in a helper process, for a format that needs only the HTML
    figures: dict[str, html_mod.Figure] = field(default_factory=dict)
    html: str = ""


def _warm() -> None:
    """Load the PDF and chart engines in the helper process while this one computes."""
    import vl_convert as vlc
    import weasyprint  # noqa: F401

    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


def _svgs(specs: list[dict[str, Any]]) -> list[str]:
    import vl_convert as vlc

    return [vlc.vegalite_to_svg(s) for s in specs]


def _write_in_helper(module: str, files: Files, path: Path) -> None:
    import importlib

    importlib.import_module(f"wres.render.{module}").write(files, path)


def write(report: Report, directory: Path, progress: Callable[[str], None] | None = None) -> None:
    """Write every file into `directory` (a fresh folder the caller moves into place when all succeed).

    Two processes share the work (this machine class has two cores): the helper draws half the charts and
    then runs the background formats (the PDF), while this one draws the other half, the PNGs and the other
    formats. Spawned, not forked: this process holds DuckDB's and vl-convert's threads, which a fork would
    copy mid-flight.
    """
    say = progress or (lambda text: None)
    (directory / "charts").mkdir()
    formats = report_files()
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
        files = Files(report, figures, html_mod.render(report, figures))
        background: list[Future[None]] = [
            helper.submit(_write_in_helper, f.module, Files(None, html=files.html), directory / f.file)  # type: ignore[operator]
            for f in formats if f.background
        ]
        say("Writing " + ", ".join(f.file for f in formats if f.file != "report.html") + " and chart images")  # type: ignore[misc]
        for chart, svg in zip(charts, svgs):
            (directory / "charts" / f"{chart.name}.svg").write_text(svg, encoding="utf-8")
            (directory / "charts" / f"{chart.name}.png").write_bytes(chart.png(svg))
        for f in formats:
            if not f.background:
                f.load().write(files, directory / f.file)  # type: ignore[operator]
        for job in background:
            job.result()
