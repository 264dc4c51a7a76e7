"""Renderers: they read a (disclosed) metrics document and the standard's words, and never compute or decide.

Every output format is one module here, registered once in FORMATS. A format may print a document
(`show(doc, console)`: `wres metrics --format NAME`) and may write one file of the report set
(`write(files, path)`: `wres report`). Adding a format is its module and one line in FORMATS. The modules are
imported only when used, so the PDF and workbook engines never slow `wres metrics`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Format:
    name: str  # as --format names it
    writes: str  # what it writes, in the help text
    module: str  # the module (under wres.render) that renders it
    prints: bool = False  # its module has show(doc, console): the document on standard output
    file: str | None = None  # the file of the report set its module's write(files, path) writes
    background: bool = False  # its write is slow and needs only the HTML: the report set writes it last (the web service after publishing the rest)
    charts: bool = False  # its write reads the drawn charts (Files.figures or .html): the report set writes it once they are drawn

    def load(self) -> ModuleType:
        return importlib.import_module(f"wres.render.{self.module}")


FORMATS: dict[str, Format] = {f.name: f for f in (  # in the order help texts and the report set list them
    Format("table", "a table for people at a terminal", "table", prints=True),
    Format("html", "the report as one accessible web page", "html", file="report.html", charts=True),
    Format("pdf", "the report as a tagged A4 PDF", "pdf", file="report.pdf", background=True, charts=True),
    Format("xlsx", "the report as an Excel workbook with charts", "xlsx", file="workbook.xlsx"),
    Format("json", "the metrics document (the contract)", "json", prints=True, file="metrics.json"),
    Format("csv", "one row per result, for spreadsheets", "csv", prints=True),
)}


class UnknownFormat(ValueError):
    """A format name that is not registered: its message names the ones that are."""


def get(name: str) -> Format:
    """The registered format called `name` (case and spaces ignored)."""
    key = name.strip().lower()
    if key not in FORMATS:
        raise UnknownFormat(f"no output format called {name!r}: use one of {', '.join(FORMATS)}")
    return FORMATS[key]


def printable() -> tuple[str, ...]:
    """The formats `wres metrics --format` offers."""
    return tuple(f.name for f in FORMATS.values() if f.prints)


def report_files() -> tuple[Format, ...]:
    """The formats that write a file of the report set, in the order they are listed."""
    return tuple(f for f in FORMATS.values() if f.file)
