"""Regenerate docs/img/metrics-table.svg (and .png where rsvg-convert is installed) from the demo return.

    .venv/bin/python docs/make_screenshots.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from rich.console import Console

from wres import pipeline
from wres.demo import write_demo
from wres.render import terminal

IMG = Path(__file__).resolve().parent / "img"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_demo(Path(tmp), seed=1, staff=425)
        for name, internal, title in (
            ("metrics-table", False, "wres metrics demo-return"),
            ("metrics-table-internal", True, "wres metrics demo-return --internal"),
        ):
            doc = pipeline.document(Path(tmp), internal=internal)
            doc.results = [r for r in doc.results if r.metric in ("M1", "M2", "M3", "M9")]  # the first screenful
            console = Console(record=True, width=132, force_terminal=True, file=open("/dev/null", "w"))
            terminal.metrics_table(doc, console)
            svg = IMG / f"{name}.svg"
            console.save_svg(str(svg), title=title)
            if shutil.which("rsvg-convert"):
                subprocess.run(["rsvg-convert", "-o", str(svg.with_suffix(".png")), str(svg)], check=True)


if __name__ == "__main__":
    main()
