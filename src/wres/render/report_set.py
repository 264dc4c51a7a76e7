"""The whole report set, written into one folder: each registered format's file (report.html, report.pdf,
workbook.xlsx, metrics.json) and charts/."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wres.render import charts as chart_mod
from wres.render import html as html_mod
from wres.render import report_files
from wres.report import Report

FILES = (*(f.file for f in report_files()), "charts/")
LATER = tuple(f.file for f in report_files() if f.background)  # what write(..., later=True) leaves to write_later: the PDF


@dataclass
class Files:
    """What a format's write(files, path) reads: the report, its charts as the page shows them, and the page."""

    report: Report | None  # None in a helper process, for a format that needs only the HTML
    figures: dict[str, html_mod.Figure] = field(default_factory=dict)
    html: str = ""


_helper: ProcessPoolExecutor | None = None


def _start_helper(data: str) -> None:
    """The helper reads standards from the folder this process reads them from (a report names its standard by
    id), and ends when this process does, however it ends: a killed worker's helper must not live on (holding
    its output, its memory)."""
    import os
    import threading
    import time

    from wres import standards

    standards.DATA = Path(data)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="wres-parent-watch").start()


def _warm() -> None:
    """Load the chart and PDF engines in the helper process (about 2 s of CPU: altair, vl-convert's JavaScript
    engine, WeasyPrint), so that this process never loads them."""
    import altair  # noqa: F401
    import vl_convert as vlc
    import weasyprint  # noqa: F401

    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


def _draw(report: Report) -> list[tuple[chart_mod.Chart, str]]:
    """Every chart of the report with its SVG ("" for an empty chart, which is only its sentence). Each chart is
    laid out once, to SVG: the page and the PDF embed that SVG, and the PNG is that SVG rasterised."""
    import vl_convert as vlc

    return [(chart, "" if chart.empty else vlc.vegalite_to_svg(chart.spec)) for chart in chart_mod.all_charts(report)]


def _write_in_helper(module: str, files: Files, path: Path) -> None:
    import importlib

    importlib.import_module(f"wres.render.{module}").write(files, path)


def prepare() -> ProcessPoolExecutor:
    """The helper process, started (and its engines loading) if it is not already.

    Call it as early as possible (`wres report` calls it before reading the return): the engines load while
    this process reads and computes. A long-lived process (the web service's worker) keeps it for every build.
    Spawned, not forked: this process holds DuckDB's threads, which a fork would copy mid-flight.
    """
    global _helper
    if _helper is None:
        from wres import standards

        _helper = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=_start_helper, initargs=(str(standards.DATA),))
        _helper.submit(_warm)
    return _helper


def close() -> None:
    """Stop the helper at once, even mid-warm-up (a command that fails before writing must not wait for it)."""
    global _helper
    if _helper is not None:
        for process in list((_helper._processes or {}).values()):  # the pool has no public way to stop a busy worker
            process.terminate()
        _helper.shutdown(wait=True, cancel_futures=True)
        _helper = None


def write(report: Report, directory: Path, progress: Callable[[str], None] | None = None, later: bool = False) -> list[chart_mod.Chart]:
    """Write every file into `directory` (a fresh folder the caller moves into place when all succeed); return
    the charts as drawn (an empty one is its sentence only, with no file).

    `later=True` leaves out the background formats (LATER: the PDF, whose layout takes longer than all the
    rest): the caller publishes the folder, then calls write_later on it (the web service, whose readers
    should not wait for the PDF to read the page).

    Two processes share the work: the helper (prepare()) draws the charts, while this one writes the formats
    that need none (the workbook, the JSON); then this one writes the page and the chart files (PNGs) while the
    helper lays out the background formats (the PDF) from the page. This process never loads altair, WeasyPrint
    or vl-convert's JavaScript engine (about 2 s of CPU). A helper that died is replaced at the next call.
    """
    global _helper
    say = progress or (lambda text: None)
    (directory / "charts").mkdir()
    formats = report_files()
    helper = prepare()
    try:
        say("Drawing charts")
        drawing = helper.submit(_draw, report)
        plain = Files(report)
        for f in formats:
            if not (f.charts or f.background):
                f.load().write(plain, directory / f.file)  # type: ignore[operator]
        drawn = drawing.result()
        figures = {chart.name: html_mod.figure(chart, svg) for chart, svg in drawn}
        say("Writing report.html")
        files = Files(report, figures, html_mod.render(report, figures))
        background: list[Future[None]] = [
            helper.submit(_write_in_helper, f.module, Files(None, html=files.html), directory / f.file)  # type: ignore[operator]
            for f in formats if f.background and not later
        ]
        say("Writing " + "".join(f"{f.file} and " for f in formats if f.background and not later) + "chart images")
        for f in formats:
            if f.charts and not f.background:
                f.load().write(files, directory / f.file)  # type: ignore[operator]
        for chart, svg in drawn:  # the PNGs here, while the helper lays out the PDF (rasterising needs no JavaScript engine)
            if svg:
                (directory / "charts" / f"{chart.name}.svg").write_text(svg, encoding="utf-8")
                if not later:
                    (directory / "charts" / f"{chart.name}.png").write_bytes(chart_mod.png_of(svg))
        for job in background:
            job.result()
    except BrokenProcessPool:
        _helper = None  # it died (killed, out of memory): the next call starts another
        raise
    return [chart for chart, _ in drawn]


def write_later(directory: Path) -> None:
    """Write what write(..., later=True) left out of a report set already in place in `directory`: the
    background formats (LATER: the PDF), laid out in the helper from its report.html, and meanwhile here each
    chart's PNG from its SVG. Each file is written to a temporary name in its folder and renamed, so a reader
    sees the whole file or none; a failure leaves no temporary file (the PNGs already renamed stay: whole).
    """
    global _helper
    import os

    html = (directory / "report.html").read_bytes().decode("utf-8")  # as written: no newline translation
    helper = prepare()
    jobs: list[tuple[Future[None], Path, Path]] = []
    try:
        for f in report_files():
            if f.background:
                tmp = directory / f".{f.file}.part"
                jobs.append((helper.submit(_write_in_helper, f.module, Files(None, html=html), tmp), tmp, directory / f.file))  # type: ignore[operator]
        for svg in sorted((directory / "charts").glob("*.svg")):
            tmp = svg.with_name(f".{svg.stem}.png.part")
            try:
                tmp.write_bytes(chart_mod.png_of(svg.read_bytes().decode("utf-8")))
                os.replace(tmp, svg.with_suffix(".png"))
            finally:
                tmp.unlink(missing_ok=True)
        for job, tmp, final in jobs:
            job.result()
            os.replace(tmp, final)
    except BrokenProcessPool:
        _helper = None  # it died (killed, out of memory): the next call starts another
        raise
    finally:
        for job, tmp, _ in jobs:
            if not job.done():  # a PNG failed: the PDF is not written after all
                job.cancel() or _wait(job)
            tmp.unlink(missing_ok=True)


def _wait(job: Future[None]) -> None:
    """Let a running job in the helper finish (it cannot be stopped), ignoring how, before its file is removed."""
    try:
        job.result()
    except Exception:  # noqa: BLE001 - the first failure is the one being raised
        pass
