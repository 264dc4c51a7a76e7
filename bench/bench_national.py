"""Time `wres national` end to end on 80, 150 and 1,000 demo authorities, from their counts.csv returns (what
the national programme receives) and, up to 288 authorities, from their records.

    .venv/bin/python bench/bench_national.py [--authorities 80 150 1000] [--repeat 3] [--no-records] [--trusts 7 15]

The returns (median 425 staff, sizes spread as real authorities are) are generated once into bench/data/
(1,000 authorities: four demo batches of different seeds, renumbered; only their counts.csv are kept).
Each run is a new process: start-up, reading and checking every return, pooling, the regional breakdown,
protecting the national and regional tables together (linear programming), the benchmark, the funnel
plots and writing the folder; the floor (`python -c "import duckdb"`) runs in turn with it. Results also go
to bench/results/national-cli.json.

`--trusts` also times the NHS WRES national view from demo trusts' records (7 of 400 staff, as the test
suite's, and 15 of 1,500): its national group of counts is the largest any standard makes (1,224–1,632
counts, nearly all withheld when the trusts are few), which is where disclosure control costs most.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_metrics import ENV, FLOOR, WRES, load_average, timed, tree_env  # noqa: E402

HERE = Path(__file__).resolve().parent


# Demo authorities are written `BATCH` at a time (the demo names at most 288 distinct ones), each batch with
# its own seed, and their codes renumbered so that every authority is a different one.
BATCH = 250
COUNTS_ONLY = 288  # above this, only the counts.csv returns are kept (records would be gigabytes of text)

# counts.csv of every return in a folder, in one process (as `wres counts` writes it, without a start-up each).
TO_COUNTS = """
import shutil, sys
from pathlib import Path
from wres import output, pipeline
records, counts = Path(sys.argv[1]), Path(sys.argv[2])
for r in sorted(p for p in records.iterdir() if (p / "organisation.toml").exists()):
    (counts / r.name).mkdir(parents=True)
    shutil.copy(r / "organisation.toml", counts / r.name)
    output.write_text(counts / r.name / "counts.csv", pipeline.load(r).counts.to_csv())
"""


def _write_records(folder: Path, authorities: int) -> None:
    """`authorities` demo returns in folder/la-0001 …: one `wres demo --authorities` per batch of seeds."""
    folder.mkdir(parents=True)
    for b, start in enumerate(range(0, authorities, BATCH)):
        n = min(BATCH, authorities - start)
        batch = folder.parent / f"{folder.name}-batch{b}"
        shutil.rmtree(batch, ignore_errors=True)
        subprocess.run([*WRES, "demo", str(batch), "--authorities", str(n), "--seed", str(b + 1)], check=True, capture_output=True, env=ENV)
        for i, r in enumerate(sorted(batch.iterdir())):
            index = start + i + 1
            toml = r / "organisation.toml"
            text = re.sub(r'(?m)^code = "E99\d+"', f'code = "E99{index:06d}"', toml.read_text(encoding="utf-8"))
            toml.write_text(text, encoding="utf-8")
            r.rename(folder / f"la-{index:04d}")
        batch.rmdir()


def ensure(authorities: int) -> tuple[Path | None, Path]:
    """The records (None above COUNTS_ONLY authorities) and the counts.csv returns of `authorities` authorities."""
    records = HERE / "data" / f"authorities-{authorities}"
    counts = HERE / "data" / f"authorities-{authorities}-counts"
    keep_records = authorities <= COUNTS_ONLY
    if keep_records and not (records / "la-001" / "staff.csv").exists():
        shutil.rmtree(records, ignore_errors=True)
        subprocess.run([*WRES, "demo", str(records), "--authorities", str(authorities)], check=True, capture_output=True, env=ENV)
    if not (counts / ".complete").exists():
        shutil.rmtree(counts, ignore_errors=True)
        source = records if keep_records else HERE / "data" / f"authorities-{authorities}-records"
        if not keep_records:
            shutil.rmtree(source, ignore_errors=True)
            _write_records(source, authorities)
        counts.mkdir(parents=True)
        subprocess.run([sys.executable, "-c", TO_COUNTS, str(source), str(counts)], check=True, env=ENV)
        if not keep_records:
            shutil.rmtree(source)
        (counts / ".complete").touch()
    return (records if keep_records else None), counts


def ensure_trusts(trusts: int, staff: int) -> Path:
    """`trusts` NHS demo trusts' record returns of `staff` staff each (generated once)."""
    folder = HERE / "data" / f"trusts-{trusts}x{staff}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([*WRES, "demo", str(folder), "--authorities", str(trusts), "--staff", str(staff), "--standard", "nhs-wres", "--seed", "5"],
                       check=True, capture_output=True, env=ENV)
        (folder / ".complete").touch()
    return folder


TRUSTS = {7: 400, 15: 1500}  # trusts → staff in each


def _cpu(r: dict[str, float]) -> str:
    """The median CPU seconds (user + system) of the run and the processes it waited for (its readers, the
    funnels' drawer): on a shared machine it moves less with the load than the wall-clock time does."""
    return f"{r['cpu_s']:.2f}" if "cpu_s" in r else "–"


# Issue 19's targets from counts.csv returns, end to end as a new process (seconds).
TARGETS = {150: 1.0, 1000: 5.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, nargs="*", default=[80, 150, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-records", action="store_true", help="time the counts.csv returns only")
    parser.add_argument("--tree", type=Path, help="also time another checkout's wres (e.g. a git worktree of an earlier commit), in turn")
    parser.add_argument("--trusts", type=int, nargs="*", default=list(TRUSTS), choices=list(TRUSTS),
                        help="NHS demo trusts' records to time the NHS national view on (default 7 and 15; none: --trusts)")
    opts = parser.parse_args()
    key = HERE / "data" / "bench-pseudonym.key"
    out_dir = HERE / "data" / "national-out"
    rows = []
    print(f"wres national, end to end, new process, median of {opts.repeat} runs, beside the floor (python -c 'import duckdb') "
          f"run in turn with it; load average {load_average()}")
    print(f"{'authorities':>11} {'input':>15} {'staff':>9} {'median s':>9} {'min s':>7} {'÷ floor':>8} {'cpu s':>6} {'target':>7} {'peak MB':>8}")
    for n in opts.authorities:
        records, counts = ensure(n)
        staff = sum(sum(1 for _ in (r / "staff.csv").open()) - 1 for r in records.iterdir()) if records else None
        sources = [("counts", counts)] + ([("records", records)] if records and not opts.no_records else [])
        for label, source in sources:
            args = [*WRES, "national", str(source), "-o", str(out_dir), "--key-file", str(key)]
            commands = {"floor": FLOOR, "national": args, **({"national (tree)": [*WRES, "national", str(source), "-o", str(out_dir) + "-tree",
                                                                                    "--key-file", str(key)]} if opts.tree else {})}
            got = timed(commands, opts.repeat, {"national (tree)": tree_env(opts.tree)})
            r, floor = got["national"], got["floor"]["median_s"]
            if opts.tree:
                t = got["national (tree)"]
                print(f"{n:>11} {label + ' (tree)':>15} {'':>9} {t['median_s']:>9.2f} {t['min_s']:>7.2f} {t['median_s'] / floor:>8.1f} "
                      f"{_cpu(t):>6}")
                rows.append({"authorities": n, "input": label, "tree": str(opts.tree), **t, "floor_s": floor})
            target = TARGETS.get(n) if label == "counts" else None
            row = {"authorities": n, "input": label, "staff": staff, **r, "floor_s": floor, "ratio_to_floor": r["median_s"] / floor,
                   "target_s": target}
            rows.append(row)
            met = "" if target is None else (" met" if r["median_s"] < target else " NOT met")
            print(f"{n:>11} {label:>15} {'' if staff is None else f'{staff:,}':>9} {r['median_s']:>9.2f} {r['min_s']:>7.2f} "
                  f"{r['median_s'] / floor:>8.1f} {_cpu(r):>6} {'' if target is None else f'{target:.0f} s':>7} {r['peak_rss_mb']:>8.0f}{met}")
    for n in opts.trusts:
        source = ensure_trusts(n, TRUSTS[n])
        args = [*WRES, "national", *(str(p) for p in sorted(source.iterdir()) if p.is_dir()), "-o", str(out_dir), "--key-file", str(key)]
        got = timed({"floor": FLOOR, "national": args}, opts.repeat, {})
        r, floor = got["national"], got["floor"]["median_s"]
        rows.append({"trusts": n, "input": "nhs records", "staff": n * TRUSTS[n], **r, "floor_s": floor, "ratio_to_floor": r["median_s"] / floor})
        print(f"{n:>11} {'NHS trusts':>15} {n * TRUSTS[n]:>9,} {r['median_s']:>9.2f} {r['min_s']:>7.2f} {r['median_s'] / floor:>8.1f} {_cpu(r):>6} "
              f"{'':>7} {r['peak_rss_mb']:>8.0f}")
    print(f"load average after: {load_average()}")
    result = HERE / "results" / "national-cli.json"
    result.parent.mkdir(exist_ok=True)
    result.write_text(json.dumps({"command": "wres national RETURNS -o DIR", "floor": "python -c 'import duckdb'", "results": rows}, indent=2) + "\n")
    print(f"written to {result.relative_to(HERE.parent)}  (peak MB is the parent process; workers are separate; cpu s counts them)")


if __name__ == "__main__":
    main()
