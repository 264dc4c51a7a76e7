"""Time `wres metrics` end to end (a new process each run: start-up, reading, validation, counts, metrics,
suppression, JSON) on demo returns of a few sizes, published (primary and secondary suppression, audited
by linear programming) and --internal (no suppression), and print the figures.

    .venv/bin/python bench/bench_metrics.py [--sizes 425 100000] [--repeat 5]

Demo returns are generated once into bench/data/ (not committed). Figures are wall-clock seconds and the
peak resident memory of the child process; results also go to bench/results/metrics-cli.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRES = [sys.executable, "-m", "wres.cli"]


def ensure_demo(staff: int) -> Path:
    path = HERE / "data" / f"demo-{staff}"
    if not (path / "staff.csv").exists():
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([*WRES, "demo", str(path), "--staff", str(staff)], check=True, capture_output=True)
    return path


def run_once(args: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one child process (its own rusage, from wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        again = subprocess.run(args, capture_output=True, text=True)
        raise SystemExit(f"{' '.join(args)} failed:\n{again.stderr}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[425, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    opts = parser.parse_args()

    rows = []
    print(f"wres metrics, end to end, {opts.repeat} runs each ({platform.processor() or platform.machine()}, Python {platform.python_version()})")
    print(f"{'staff':>10} {'rows in return':>15} {'output':>10} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MB':>8}")
    for staff in opts.sizes:
        path = ensure_demo(staff)
        n_rows = sum(sum(1 for _ in f.open()) - 1 for f in path.glob("*.csv"))
        for output, extra in (("published", []), ("internal", ["--internal"])):
            args = [*WRES, "metrics", str(path), "--format", "json", *extra]
            subprocess.run(args, capture_output=True)  # warm the file cache
            times, peaks = [], []
            for _ in range(opts.repeat):
                t, mb = run_once(args)
                times.append(t)
                peaks.append(mb)
            row = {"staff": staff, "rows": n_rows, "output": output, "median_s": statistics.median(times), "min_s": min(times),
                   "max_s": max(times), "peak_rss_mb": max(peaks)}
            rows.append(row)
            print(f"{staff:>10,} {n_rows:>15,} {output:>10} {row['median_s']:>9.2f} {row['min_s']:>7.2f} {row['max_s']:>7.2f} {row['peak_rss_mb']:>8.0f}")
    out = HERE / "results" / "metrics-cli.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"command": "wres metrics PATH --format json", "python": platform.python_version(), "results": rows}, indent=2) + "\n")
    print(f"written to {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
