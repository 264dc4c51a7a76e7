"""Nothing written changes (issue 19): `wres report` on the demo writes the same report set as the committed
references in tests/golden/report/, one year and three, apart from build dates.

The references are text extracts, not the binary files: the list of files written, metrics.json, the HTML with
each embedded chart replaced by a placeholder, each chart's SVG as what it says (its text and the aria-labels
that carry every drawn value), each PNG's size, the workbook's cells (value and number format) per sheet and
its charts' XML, and the PDF's page count and text per page. A change that is meant: regenerate them with

    .venv/bin/python -m tests.test_report_unchanged     # rewrites tests/golden/report/ from this tree

and let the diff show what changed.
"""

from __future__ import annotations

import base64
import re
import struct
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_command
from wres.demo import shifted, write_demo

GOLDEN = Path(__file__).parent / "golden" / "report"
CASES = {"one-year": 0, "three-years": 2}  # how many earlier years each case gives with --previous
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?")  # a build time (the workbook's created date)


def demo_years(root: Path) -> list[Path]:
    """The default demo (seed 1, 425 staff) as this year, seeds 2 and 3 moved back one and two years before it."""
    out = []
    for i, seed in enumerate((3, 2, 1)):
        raw = root / f"raw-{seed}"
        raw.mkdir()
        write_demo(raw, seed=seed)
        out.append(shifted(raw, root / f"y{i}", 2 - i))
    return out


def _svg_says(svg: str) -> str:
    """What a chart shows, one line each: its texts and the aria-labels that carry every drawn value."""
    lines = [f"size {m.group(1)} x {m.group(2)}" for m in re.finditer(r'<svg[^>]*\bwidth="([\d.]+)" height="([\d.]+)"', svg)][:1]
    for m in re.finditer(r'aria-label="([^"]*)"|<text[^>]*>([^<]*)</text>', svg):
        lines.append(f"label {m.group(1)}" if m.group(1) is not None else f"text {m.group(2)}")
    return "\n".join(lines) + "\n"


def _png_size(data: bytes) -> str:
    width, height = struct.unpack(">II", data[16:24])
    return f"{width} x {height}\n"


def _html(text: str, out: dict[str, str]) -> str:
    """The page with each embedded chart replaced by a placeholder naming its extract (the charts/ file it is, else a new one)."""
    def keep(m: re.Match[str]) -> str:
        says = _svg_says(base64.b64decode(m.group(1)).decode("utf-8"))
        name = next((k for k, v in out.items() if k.startswith("chart-") and v == says), None)  # as charts/ has it
        if name is None:
            name = f"html-chart-{len([k for k in out if k.startswith('html-chart-')]) + 1:02d}.txt"
            out[name] = says
        return f'src="[chart: {name}]"'

    return re.sub(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', keep, text)


def _workbook(path: Path, out: dict[str, str]) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path)
    for i, ws in enumerate(book.worksheets, 1):
        rows = [f"{c.coordinate}\t{c.value!r}\t{c.number_format}" for row in ws.iter_rows() for c in row if c.value is not None]
        out[f"workbook-{i:02d}.tsv"] = f"# {ws.title}\n" + "\n".join(rows) + "\n"
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/")):
            out[f"workbook-{Path(name).stem}.xml"] = z.read(name).decode("utf-8")


def _pdf(path: Path, out: dict[str, str]) -> None:
    from pypdf import PdfReader

    pages = PdfReader(path).pages
    out["pdf-pages.txt"] = f"{len(pages)}\n"
    for i, page in enumerate(pages, 1):
        out[f"pdf-page-{i:02d}.txt"] = "\n".join(line.rstrip() for line in page.extract_text().splitlines()) + "\n"


def extract(directory: Path) -> dict[str, str]:
    """A report set as named text extracts, build times masked."""
    out: dict[str, str] = {}
    out["files.txt"] = "\n".join(sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))) + "\n"
    out["metrics.json"] = (directory / "metrics.json").read_text(encoding="utf-8")
    for svg in sorted((directory / "charts").glob("*.svg")):
        out[f"chart-{svg.stem}.txt"] = _svg_says(svg.read_text(encoding="utf-8"))
    out["report.html"] = _html((directory / "report.html").read_text(encoding="utf-8"), out)
    out["chart-png-sizes.txt"] = "".join(f"{p.stem}: {_png_size(p.read_bytes())}" for p in sorted((directory / "charts").glob("*.png")))
    _workbook(directory / "workbook.xlsx", out)
    _pdf(directory / "report.pdf", out)
    return {name: _STAMP.sub("[build time]", text) for name, text in out.items()}


def write_set(years: list[Path], earlier: int, out: Path) -> Path:
    previous = [a for y in years[2 - earlier:2] for a in ("--previous", y)]
    run = run_command("report", years[2], "-o", out, *previous)
    assert run.code == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return demo_years(tmp_path_factory.mktemp("demo"))


@pytest.mark.parametrize("case", CASES)
def test_report_set_is_as_before(case: str, years: list[Path], tmp_path: Path) -> None:
    got = extract(write_set(years, CASES[case], tmp_path / "report"))
    want = {p.name: p.read_text(encoding="utf-8") for p in (GOLDEN / case).iterdir()}
    assert sorted(got) == sorted(want), "the extracts differ in which exist"
    differ = [name for name in sorted(want) if got[name] != want[name]]
    for name in differ[:1]:  # the first difference in full (pytest shows the diff), then the list
        assert got[name] == want[name], f"{case}/{name} differs (and {len(differ) - 1} more: {differ[1:]})"


def main() -> None:
    """Rewrite the references from this tree's `wres report`."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        years = demo_years(Path(tmp))
        for case, earlier in CASES.items():
            extracts = extract(write_set(years, earlier, Path(tmp) / case))
            folder = GOLDEN / case
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.iterdir():
                old.unlink()
            for name, text in extracts.items():
                (folder / name).write_text(text, encoding="utf-8")
            print(f"{folder}: {len(extracts)} extracts", file=sys.stderr)


if __name__ == "__main__":
    main()
