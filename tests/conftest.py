"""Shared helpers: build returns as real files, run the real command."""

from __future__ import annotations

import re

import csv
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

# pytest-xdist's workers start with COLUMNS=80, which wres.cli's consoles read once, on import: without it they
# are as wide as in a plain run (a fixed width for output that is not a terminal), so lines wrap the same way.
os.environ.pop("COLUMNS", None)

from wres.cli import app  # noqa: E402

ORG = {"name": "Test Borough", "period_start": "2024-04-01", "period_end": "2025-03-31"}


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
        return v  # a TOML date
    text = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x08\x0a-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", text) + '"'  # as TOML escapes them


def write_toml(path: Path, data: dict[str, Any]) -> None:
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, list)]
    for k, v in data.items():
        if isinstance(v, list):
            for item in v:
                lines.append(f"[[{k}]]")
                lines += [f"{ik} = {_toml_value(iv)}" for ik, iv in item.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: list[dict[str, Any]] | str, columns: list[str] | None = None) -> None:
    """Rows as dicts (None → blank), or the file's exact text."""
    if isinstance(rows, str):
        path.write_text(rows, encoding="utf-8")
        return
    cols = columns or list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in cols])


def write_return(directory: Path, files: dict[str, list[dict[str, Any]] | str], org: dict[str, Any] | None = None) -> Path:
    """A return folder: organisation.toml (ORG unless given) and one CSV per entry in `files`."""
    directory.mkdir(parents=True, exist_ok=True)
    if org is not False:
        write_toml(directory / "organisation.toml", org if org is not None else ORG)
    for name, rows in files.items():
        write_csv(directory / (name if "." in name else f"{name}.csv"), rows)
    return directory


def person(staff_id: str, ethnicity: str = "Indian", service: str = "adults", senior: str = "no", registered: str = "no", salary: Any = 35000) -> dict[str, Any]:
    return {
        "staff_id": staff_id, "ethnicity": ethnicity, "service": service,
        "senior_manager": senior, "registered_professional": registered, "annual_salary": salary,
    }


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli():
    """Run `wres …` in-process (fast); exceptions that escape are bugs and fail the test."""
    runner = CliRunner()

    def run(*args: str) -> Run:
        res = runner.invoke(app, [str(a) for a in args], catch_exceptions=False, env={"NO_COLOR": "1", "COLUMNS": "200"})
        return Run(res.exit_code, res.stdout, res.stderr)

    return run


def run_command(*args: str, cwd: Path | None = None) -> Run:
    """Run the installed `wres` entry point in a real process, as a user would."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("WRES_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "wres.cli", *[str(a) for a in args]], capture_output=True, text=True, cwd=cwd, env=env
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)
