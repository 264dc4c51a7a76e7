"""Time reading a workbook return, and how soon one over the limits is refused (issue 15, point 1).

    .venv/bin/python bench/bench_workbook.py [--staff 500000] [--repeat 1] [--before PATH_TO_OLD_SRC]

A demo return of --staff people is written as one .xlsx (its staff and leavers sheets, typed cells: numbers,
dates, text written inline as xlsxwriter streams it; an organisation sheet), 27 MB at 500,000 staff (the
issue's was 24 MB), and `wres validate` (a new process: read, validate) is timed on it with its peak memory. Then two
workbooks over the limits: one whose staff sheet declares more unpacked bytes than the limit (refused
unread), and one with more rows than WRES_MAX_ROWS is set to (read up to the limit, then refused), so the
time a hostile workbook can take is seen to be the limits' worth.

--before runs the same commands with another copy of wres's source on PYTHONPATH (e.g. `git archive
8bcd322 src | tar -x -C /tmp/before` then --before /tmp/before/src) for a before-and-after figure.
Files go to bench/data/ (not committed); figures to bench/results/workbook.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRES = [sys.executable, "-m", "wres.cli"]


def ensure_workbook(staff: int) -> Path:
    """The demo return as return.xlsx in bench/data/workbook-N/ (written once)."""
    folder = HERE / "data" / f"workbook-{staff}"
    book = folder / "return.xlsx"
    if book.exists():
        return book
    import xlsxwriter

    demo = HERE / "data" / f"demo-{staff}"
    if not (demo / "staff.csv").exists():
        subprocess.run([*WRES, "demo", str(demo), "--staff", str(staff)], check=True, capture_output=True)
    folder.mkdir(parents=True, exist_ok=True)
    part = book.with_suffix(".part")
    wb = xlsxwriter.Workbook(str(part), {"constant_memory": True})  # rows streamed out, text inline (Excel would share it)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name in ("staff", "leavers"):
        ws = wb.add_worksheet(name)
        with (demo / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            rows = csv.reader(f)
            header = next(rows)
            ws.write_row(0, 0, header)
            for r, row in enumerate(rows, start=1):
                for c, (col, v) in enumerate(zip(header, row)):
                    if v == "":
                        continue
                    if col in ("start_date", "date"):
                        ws.write_datetime(r, c, dt.datetime.fromisoformat(v), date)
                    elif col == "annual_salary":
                        ws.write_number(r, c, float(v))
                    else:
                        ws.write_string(r, c, v)
    org = tomllib.loads((demo / "organisation.toml").read_text(encoding="utf-8"))
    ws = wb.add_worksheet("organisation")
    ws.write_row(0, 0, ["setting", "value"])
    for r, (k, v) in enumerate(((k, v) for k, v in org.items() if not isinstance(v, dict)), start=1):
        ws.write_row(r, 0, [k, str(v)])
    wb.close()
    part.rename(book)
    return book


def declaring(book: Path, size: int) -> Path:
    """A copy whose first zip part declares `size` unpacked bytes (what a zip bomb claims)."""
    out = book.with_name("declares-4gb.xlsx")
    data = book.read_bytes()
    at = data.rindex(b"PK\x01\x02")
    out.write_bytes(data[:at + 24] + size.to_bytes(4, "little") + data[at + 28:])
    return out


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB) and the output's last line, of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    _, _, usage = os.wait4(proc.pid, 0)
    lines = [line for line in out.splitlines() if line.strip()]
    return time.perf_counter() - start, usage.ru_maxrss / 1024, (lines[-1] if lines else "")[:150]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--before", type=Path, help="another wres source folder, timed the same way")
    opts = parser.parse_args()

    book = ensure_workbook(opts.staff)
    print(f"{book.relative_to(HERE.parent)}: {book.stat().st_size / 1e6:.1f} MB "
          f"({platform.processor() or platform.machine()}, Python {platform.python_version()})")
    cases = [
        ("validate the workbook", book, {}),
        ("a part declaring 4 GB", declaring(book, 0xFFFF_FFF0), {}),
        (f"row limit {opts.staff // 10:,}", book, {"WRES_MAX_ROWS": str(opts.staff // 10)}),  # read up to it, then refused
    ]
    sources = [("now", None)] + ([("before", opts.before)] if opts.before else [])
    results = []
    for label, src in sources:
        for what, path, extra in cases:
            env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **extra}
            if src is not None:
                env["PYTHONPATH"] = str(src)
            times, peaks, last = [], [], ""
            for _ in range(opts.repeat):
                t, mb, last = run([*WRES, "validate", str(path)], env)
                times.append(t)
                peaks.append(mb)
            row = {"source": label, "case": what, "median_s": statistics.median(times), "peak_rss_mb": max(peaks), "said": last}
            results.append(row)
            print(f"{label:>7} {what:<24} {row['median_s']:8.1f} s {row['peak_rss_mb']:7.0f} MB   {last}")
    out = HERE / "results" / "workbook.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"command": "wres validate WORKBOOK", "staff": opts.staff, "bytes": book.stat().st_size,
                               "python": platform.python_version(), "results": results}, indent=2) + "\n")
    print(f"written to {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
