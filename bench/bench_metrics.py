"""Time `wres metrics` and `wres validate` end to end (a new process each run: start-up, imports, reading,
validation, counts, metrics, suppression with its linear-programming audit, JSON) on demo returns of a few
sizes, beside a floor measured in the same run, and print the figures with their targets.

    .venv/bin/python bench/bench_metrics.py [--sizes 425 100000] [--repeat 5]

The machine is shared and noisy: each repetition runs the floor (`python -c "import duckdb"`, a new process
that imports DuckDB and does nothing) and every command one after another, so the ratio of a command's
median to the floor's median compares like with like; compare ratios across days, not seconds. Python's
start-up alone (`python -c pass`) is printed too. Child processes may write bytecode (PYTHONDONTWRITEBYTECODE
is dropped from their environment; a first, untimed run writes it), as an installed wres has it.

Demo returns are generated once into bench/data/ (not committed). Figures are wall-clock seconds and the
peak resident memory of the child process, and the median CPU time (user + system) of the child beside its
ratio to the floor's; results also go to bench/results/metrics-cli.json.
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
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
FLOOR = [sys.executable, "-c", "import duckdb"]
PYTHON = [sys.executable, "-c", "pass"]
# Issue 19's targets for a 425-staff return, end to end as a new process (seconds).
TARGETS = {("metrics", "published", 425): 0.3, ("validate", "", 425): 0.25}


def ensure_demo(staff: int) -> Path:
    path = HERE / "data" / f"demo-{staff}"
    if not (path / "staff.csv").exists():
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([*WRES, "demo", str(path), "--staff", str(staff)], check=True, capture_output=True, env=ENV)
    return path


def tree_env(tree: Path | None) -> dict[str, str]:
    """The children's environment; with `tree`, another checkout's wres (its src/ first on the path)."""
    return ENV if tree is None else {**ENV, "PYTHONPATH": str(Path(tree).resolve() / "src")}


def run_once(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Seconds, CPU seconds (user + system) and peak RSS (MB) of one child process (its own rusage, from wait4):
    on a shared machine the CPU time moves less with the load than the wall-clock time does."""
    env = env or ENV
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        again = subprocess.run(args, capture_output=True, text=True, env=env)
        raise SystemExit(f"{' '.join(args)} failed:\n{again.stderr}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def timed(commands: dict[str, list[str]], repeat: int, envs: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, float]]:
    """Each command `repeat` times, interleaved (one of each per round), after an untimed warm-up of each;
    `envs` gives some of them another environment (another tree's wres)."""
    envs = envs or {}
    for name, args in commands.items():
        subprocess.run(args, capture_output=True, env=envs.get(name, ENV))  # the file cache, and bytecode
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
    for _ in range(repeat):
        for name, args in commands.items():
            t, cpu, mb = run_once(args, envs.get(name))
            times[name].append(t)
            cpus[name].append(cpu)
            peaks[name] = max(peaks[name], mb)
    return {name: {"median_s": statistics.median(ts), "min_s": min(ts), "max_s": max(ts), "cpu_s": statistics.median(cpus[name]),
                   "peak_rss_mb": peaks[name]} for name, ts in times.items()}


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[425, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tree", type=Path, help="also time another checkout's wres (e.g. a git worktree of an earlier commit), in turn")
    opts = parser.parse_args()

    rows = []
    print(f"wres metrics and validate, end to end, new process, median of {opts.repeat} runs "
          f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}); "
          f"load average {load_average()}")
    print(f"{'staff':>9} {'command':>16} {'output':>10} {'median s':>9} {'min s':>6} {'max s':>6} {'÷ floor':>8} {'target':>7} {'cpu s':>6} {'÷ floor':>8} {'peak MB':>8}")
    for staff in opts.sizes:
        path = ensure_demo(staff)
        n_rows = sum(sum(1 for _ in f.open()) - 1 for f in path.glob("*.csv"))
        commands = {
            ("python", ""): PYTHON,
            ("floor", ""): FLOOR,
            ("metrics", "published"): [*WRES, "metrics", str(path), "--format", "json"],
            ("metrics", "internal"): [*WRES, "metrics", str(path), "--format", "json", "--internal"],
            ("validate", ""): [*WRES, "validate", str(path)],
        }
        if opts.tree:  # the same commands with the other tree's wres, labelled "… (tree)"
            commands.update({(f"{c} (tree)", o): args for (c, o), args in list(commands.items()) if args[:3] == WRES})
        envs = {f"{c}|{o}": tree_env(opts.tree) for c, o in commands if c.endswith("(tree)")}
        got = timed({f"{c}|{o}": args for (c, o), args in commands.items()}, opts.repeat, envs)
        floor, floor_cpu = got["floor|"]["median_s"], got["floor|"]["cpu_s"]
        for (command, output) in commands:
            r = got[f"{command}|{output}"]
            target = TARGETS.get((command, output, staff))
            row = {"staff": staff, "rows": n_rows, "command": command, "output": output, **r,
                   "ratio_to_floor": r["median_s"] / floor, "cpu_ratio_to_floor": r["cpu_s"] / floor_cpu, "target_s": target}
            rows.append(row)
            met = "" if target is None else (" met" if r["median_s"] < target else " NOT met")
            print(f"{staff:>9,} {command:>16} {output:>10} {r['median_s']:>9.3f} {r['min_s']:>6.2f} {r['max_s']:>6.2f} "
                  f"{r['median_s'] / floor:>8.2f} {'' if target is None else f'{target:.2f} s':>7} {r['cpu_s']:>6.3f} {r['cpu_s'] / floor_cpu:>8.2f} "
                  f"{r['peak_rss_mb']:>8.0f}{met}")
    print(f"load average after: {load_average()}")
    out = HERE / "results" / "metrics-cli.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"command": "wres metrics PATH --format json; wres validate PATH", "floor": " ".join(FLOOR[1:]),
                               "python": platform.python_version(), "results": rows}, indent=2) + "\n")
    print(f"written to {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
