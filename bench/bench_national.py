"""Time `wres national` end to end on 80 and 150 demo authorities, from their records and from counts.csv.

    .venv/bin/python bench/bench_national.py [--authorities 80 150] [--repeat 3]

The returns (median 425 staff, sizes spread as real authorities are) are generated once into bench/data/.
Each run is a new process: start-up, reading and checking every return (in parallel), pooling, the
regional breakdown, protecting the national and regional tables together (linear programming), the
benchmark and writing the folder. Results also go to bench/results/national-cli.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_metrics import WRES, run_once  # noqa: E402

HERE = Path(__file__).resolve().parent


def ensure(authorities: int) -> tuple[Path, Path]:
    records = HERE / "data" / f"authorities-{authorities}"
    if not (records / "la-001" / "staff.csv").exists():
        shutil.rmtree(records, ignore_errors=True)
        subprocess.run([*WRES, "demo", str(records), "--authorities", str(authorities)], check=True, capture_output=True)
    counts = HERE / "data" / f"authorities-{authorities}-counts"
    if not (counts / "la-001" / "counts.csv").exists():
        shutil.rmtree(counts, ignore_errors=True)
        for r in sorted(records.iterdir()):
            (counts / r.name).mkdir(parents=True)
            shutil.copy(r / "organisation.toml", counts / r.name)
            subprocess.run([*WRES, "counts", str(r), "-o", str(counts / r.name / "counts.csv")], check=True, capture_output=True)
    return records, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, nargs="+", default=[80, 150])
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    key = HERE / "data" / "bench-pseudonym.key"
    out_dir = HERE / "data" / "national-out"
    rows = []
    print(f"wres national, end to end, {opts.repeat} runs each")
    print(f"{'authorities':>11} {'input':>8} {'staff':>9} {'median s':>9} {'min s':>7} {'peak MB':>8}")
    for n in opts.authorities:
        records, counts = ensure(n)
        staff = sum(sum(1 for _ in (r / "staff.csv").open()) - 1 for r in records.iterdir())
        for label, source in (("records", records), ("counts", counts)):
            args = [*WRES, "national", str(source), "-o", str(out_dir), "--key-file", str(key)]
            times, peaks = [], []
            for _ in range(opts.repeat):
                t, mb = run_once(args)
                times.append(t)
                peaks.append(mb)
            row = {"authorities": n, "input": label, "staff": staff, "median_s": statistics.median(times), "min_s": min(times), "peak_rss_mb": max(peaks)}
            rows.append(row)
            print(f"{n:>11} {label:>8} {staff:>9,} {row['median_s']:>9.2f} {row['min_s']:>7.2f} {row['peak_rss_mb']:>8.0f}")
    result = HERE / "results" / "national-cli.json"
    result.parent.mkdir(exist_ok=True)
    result.write_text(json.dumps({"command": "wres national RETURNS -o DIR", "results": rows}, indent=2) + "\n")
    print(f"written to {result.relative_to(HERE.parent)}  (peak MB is the parent process; workers are separate)")


if __name__ == "__main__":
    main()
