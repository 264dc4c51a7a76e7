"""The metrics document as JSON (data-contract.md, schema_version 1): printed, and metrics.json of the report set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from wres.document import Document

if TYPE_CHECKING:
    from wres.render.report_set import Files


def render(doc: Document) -> str:
    # Numbers stay unrounded (the contract); only text rounds.
    return json.dumps(doc.to_dict(), indent=2, ensure_ascii=False) + "\n"


def show(doc: Document, console: Console) -> None:
    console.file.write(render(doc))


def write(files: Files, path: Path) -> None:
    """The year reported on, as published (or internal): the document the report's figures come from."""
    assert files.report is not None
    path.write_text(render(files.report.current), encoding="utf-8")
