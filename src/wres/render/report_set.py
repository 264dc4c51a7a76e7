"""The whole report set, written into one folder: each registered format's file (report.html, report.pdf,
workbook.xlsx, metrics.json) and charts/."""

from __future__ import annotations

import importlib
import multiprocessing
import sys
import threading
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
    its output, its memory). Ctrl+C reaches every process of the terminal's group: the command says it was
    interrupted and stops the helper, which ignores it (else it printed its own traceback)."""
    import os
    import signal
    import threading
    import time

    from wres import standards

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    standards.DATA = Path(data)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="wres-parent-watch").start()


def _warm() -> None:
    """Load the chart engines in the helper process (altair, vl-convert's JavaScript engine: about 1 s of CPU),
    so that this process never loads them."""
    import altair  # noqa: F401
    import vl_convert as vlc

    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


def _draw(report: Report) -> list[tuple[chart_mod.Chart, str]]:
    """Every chart of the report with its SVG ("" for an empty chart, which is only its sentence). Each chart is
    laid out once, to SVG: the page and the PDF embed that SVG, and the PNG is that SVG rasterised."""
    import vl_convert as vlc

    return [(chart, "" if chart.empty else vlc.vegalite_to_svg(chart.spec)) for chart in chart_mod.all_charts(report)]


def _rasterise(svgs: list[Path]) -> None:
    """Each chart's PNG beside its SVG (in the helper, whose engine rasterises), under a temporary name renamed
    when whole: a reader of a published folder sees the whole PNG or none, and a failure leaves no temporary file."""
    import os

    for svg in svgs:
        tmp = svg.with_name(f".{svg.stem}.png.part")
        try:
            tmp.write_bytes(chart_mod.png_of(svg.read_bytes().decode("utf-8")))
            os.replace(tmp, svg.with_suffix(".png"))
        finally:
            tmp.unlink(missing_ok=True)


_pdf_engine: threading.Thread | None = None


def _load_pdf_engine() -> None:
    """Import WeasyPrint ahead of need. A failure is left to the PDF's own import, which reports it as the
    command reports any fault: a thread's traceback must not reach the user's terminal."""
    try:
        importlib.import_module("weasyprint")
    except Exception:  # noqa: BLE001, S110 - raised again, and reported, where the PDF is written
        pass


def prepare(pdf: bool = False, fork: bool = False) -> ProcessPoolExecutor:
    """The helper process, started (and its chart engines loading) if it is not already; with `pdf`, WeasyPrint
    loading in a thread of this process, which lays out the PDF.

    Call it as early as possible (`wres report` calls it before reading the return): the engines load while
    this process reads and computes. WeasyPrint is loaded once the return is read (write() asks for it), as
    loading it beside the reading slows both; a long-lived process (the web service's worker) asks at once,
    and keeps both for every build. The helper is spawned, unless the caller asks for a fork and one is safe
    (`_start_method`).
    """
    global _helper, _pdf_engine
    if pdf and _pdf_engine is None:
        _pdf_engine = threading.Thread(target=_load_pdf_engine, daemon=True, name="wres-pdf-engine")
        _pdf_engine.start()
    if _helper is None:
        from wres import standards

        _helper = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(_start_method(fork)),
                                      initializer=_start_helper, initargs=(str(standards.DATA),))
        _helper.submit(_warm)
    return _helper


def _start_method(fork: bool) -> str:
    """Forked where the caller asks for it (a command, before it reads anything) and this process has one thread
    on Linux: the helper then starts with wres already imported, its engines warm 0.25-0.3 s sooner and with as
    much less CPU (docs/performance.md). Otherwise spawned: a fork copies other threads' locks mid-flight, and
    DuckDB's threads once a database is open (the kernel's count, which this reads, sees those and Python's
    own; threading's sees only Python's); a long-lived process (the web worker) holds connections a child must
    not share, and starts its helper once."""
    import os

    if fork and sys.platform == "linux" and len(os.listdir("/proc/self/task")) == 1:
        return "fork"
    return "spawn"


def close() -> None:
    """Stop the helper at once, even mid-warm-up (a command that fails before writing must not wait for it)."""
    global _helper
    if _helper is not None:
        for process in list((_helper._processes or {}).values()):  # the pool has no public way to stop a busy worker
            process.terminate()
        _helper.shutdown(wait=True, cancel_futures=True)
        _helper = None


def _write_background(html: str, directory: Path, name: Callable[[str], str]) -> None:
    """The background formats (LATER: the PDF), laid out here from the page while the helper rasterises, each
    under `name(file)` (its own name, or a temporary one the caller renames)."""
    if _pdf_engine is not None:
        _pdf_engine.join()  # started by prepare(pdf=True): loaded by now, unless the charts were drawn very quickly
    for f in report_files():
        if f.background:
            f.load().write(Files(None, html=html), directory / name(f.file))  # type: ignore[operator]


def write(report: Report, directory: Path, progress: Callable[[str], None] | None = None, later: bool = False) -> list[chart_mod.Chart]:
    """Write every file into `directory` (a fresh folder the caller moves into place when all succeed); return
    the charts as drawn (an empty one is its sentence only, with no file).

    `later=True` leaves out the background formats (LATER: the PDF, whose layout takes longer than all the
    rest) and the PNGs: the caller publishes the folder, then calls write_later on it (the web service, whose
    readers should not wait for the PDF to read the page).

    Two processes share the work: the helper (prepare()) draws the charts, while this one writes the formats
    that need none (the workbook, the JSON); then this one writes the page and lays out the PDF from it while
    the helper rasterises the charts. This process never loads altair or vl-convert's JavaScript engine (about
    1 s of CPU), and loads WeasyPrint while the helper loads those. A helper that died is replaced at the next call.
    """
    global _helper
    say = progress or (lambda text: None)
    (directory / "charts").mkdir()
    formats = report_files()
    helper = prepare(pdf=not later)
    try:
        say("Drawing charts")
        drawing = helper.submit(_draw, report)
        plain = Files(report)
        for f in formats:
            if not (f.charts or f.background):
                f.load().write(plain, directory / f.file)  # type: ignore[operator]
        drawn = drawing.result()
        svgs = []
        for chart, svg in drawn:
            if svg:
                svgs.append(directory / "charts" / f"{chart.name}.svg")
                svgs[-1].write_text(svg, encoding="utf-8")
        pngs = None if later else helper.submit(_rasterise, svgs)
        figures = {chart.name: html_mod.figure(chart, svg) for chart, svg in drawn}
        say("Writing report.html")
        files = Files(report, figures, html_mod.render(report, figures))
        for f in formats:
            if f.charts and not f.background:
                f.load().write(files, directory / f.file)  # type: ignore[operator]
        if pngs is not None:
            say("Writing " + "".join(f"{f.file} and " for f in formats if f.background) + "chart images")
            try:
                _write_background(files.html, directory, lambda file: file)
            except BaseException:  # the helper's PNGs finish (they cannot be stopped) before the caller removes the folder
                pngs.cancel() or _wait(pngs)
                raise
            pngs.result()
    except BrokenProcessPool:
        _helper = None  # it died (killed, out of memory): the next call starts another
        raise
    return [chart for chart, _ in drawn]


def write_later(directory: Path) -> None:
    """Write what write(..., later=True) left out of a report set already in place in `directory`: the
    background formats (LATER: the PDF), laid out here from its report.html, and meanwhile in the helper each
    chart's PNG from its SVG. Each file is written to a temporary name in its folder and renamed, so a reader
    sees the whole file or none; a failure leaves no temporary file (the PNGs already renamed stay: whole).
    """
    global _helper
    import os

    html = (directory / "report.html").read_bytes().decode("utf-8")  # as written: no newline translation
    helper = prepare(pdf=True)
    later = [f.file for f in report_files() if f.background]
    pngs = helper.submit(_rasterise, sorted((directory / "charts").glob("*.svg")))
    try:
        _write_background(html, directory, lambda file: f".{file}.part")
        pngs.result()
        for file in later:
            os.replace(directory / f".{file}.part", directory / file)
    except BrokenProcessPool:
        _helper = None  # it died (killed, out of memory): the next call starts another
        raise
    finally:
        if not pngs.done():  # the PDF failed: the helper's PNGs finish (they cannot be stopped), then nothing is left
            pngs.cancel() or _wait(pngs)
        for file in later:
            (directory / f".{file}.part").unlink(missing_ok=True)


def _wait(job: Future[None]) -> None:
    """Let a running job in the helper finish (it cannot be stopped), ignoring how, before its file is removed."""
    try:
        job.result()
    except Exception:  # noqa: BLE001 - the first failure is the one being raised
        pass
