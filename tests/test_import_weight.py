"""The commands people wait for import only what they use: `wres validate`, `wres metrics` (published, so the
disclosure audit's linear programmes run) and `wres national` on counts, each run in a NEW process (a test
process has imported everything already), must not pull in the heavy libraries of other commands.

Why each is on the list, with what importing it costs a run on the project's machine:
scipy (scipy.optimize alone 0.7 s; the audit solves with HiGHS through highspy's core, wres.lp),
numpy (0.1–0.15 s; only the demo, workbook and very large CSV paths need it), pandas (0.5 s; only the
bench's "usual way"), pyarrow (0.2 s; workbooks and the demo), altair (1 s; report charts: the national
funnel's specification is written out), vl_convert, jinja2, weasyprint, xlsxwriter, openpyxl (the report
set and workbooks), django (the web service).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wres import pipeline
from wres.demo import write_authorities, write_demo

HEAVY = ("scipy", "numpy", "pandas", "pyarrow", "altair", "vl_convert", "jinja2", "weasyprint", "xlsxwriter", "openpyxl", "django")

# Run in a new process: each command through the real entry point (wres.cli.main), in turn, then report the
# exit codes and which of HEAVY are in sys.modules.
PROBE = """
import json, sys
from wres import cli
commands, heavy, result = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
codes = []
for argv in commands:
    sys.argv = ["wres", *argv]
    try:
        cli.main()
        codes.append(0)
    except SystemExit as exc:
        codes.append(exc.code or 0)
with open(result, "w") as f:
    json.dump({"codes": codes, "imported": [m for m in heavy if m in sys.modules]}, f)
"""


def probe(tmp_path: Path, *commands: list[str], watch: tuple[str, ...] = HEAVY) -> dict:
    result = tmp_path / "probe.json"
    run = subprocess.run([sys.executable, "-c", PROBE, json.dumps(commands), json.dumps(watch), str(result)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(result.read_text())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("weight") / "demo"
    path.mkdir()
    write_demo(path, seed=1)
    return path


def test_importing_the_command_imports_nothing_heavy(tmp_path: Path) -> None:
    assert probe(tmp_path) == {"codes": [], "imported": []}


def test_validate_and_metrics_import_nothing_heavy(demo: Path, tmp_path: Path) -> None:
    got = probe(tmp_path, ["validate", str(demo)], ["validate", str(demo), "--format", "json"],
                ["metrics", str(demo), "--format", "json"], ["metrics", str(demo)], ["metrics", str(demo), "--format", "csv", "--internal"])
    assert got == {"codes": [0, 0, 0, 0, 0], "imported": []}


def test_a_command_not_at_a_terminal_loads_no_spinner_and_json_no_table(demo: Path, tmp_path: Path) -> None:
    """rich's spinner (rich.status, rich.live: 10-15 ms and a thread) only where someone watches a terminal; the
    terminal renderer and rich's tables only for what prints one (not `wres metrics --format json`)."""
    light = ("rich.status", "rich.live", "rich.table", "wres.render.terminal")
    assert probe(tmp_path, ["metrics", str(demo), "--format", "json"], watch=light) == {"codes": [0], "imported": []}
    got = probe(tmp_path, ["validate", str(demo)], ["counts", str(demo), "-o", str(tmp_path / "counts.csv")], watch=light)
    assert got == {"codes": [0, 0], "imported": ["rich.table", "wres.render.terminal"]}  # validate prints its problems


def test_national_on_counts_imports_nothing_heavy_but_its_chart_drawer(tmp_path: Path) -> None:
    records, counts = tmp_path / "records", tmp_path / "counts"
    records.mkdir()
    write_authorities(records, 4, staff=60)
    for r in sorted(records.iterdir()):
        (counts / r.name).mkdir(parents=True)
        (counts / r.name / "organisation.toml").write_text((r / "organisation.toml").read_text(encoding="utf-8"), encoding="utf-8")
        (counts / r.name / "counts.csv").write_text(pipeline.load(r).counts.to_csv(), encoding="utf-8")
    got = probe(tmp_path, ["national", str(counts), "-o", str(tmp_path / "out"), "--key-file", str(tmp_path / "key")])
    assert got["codes"] == [0]
    assert (tmp_path / "out" / "national.json").exists()
    assert set(got["imported"]) <= {"vl_convert"}  # the funnel plots' SVG (when there are enough to draw), nothing else heavy
