"""Time `wres report` end to end on the 425-staff demo return (a new process each run), one year and three,
beside a floor measured in the same run, and print the figures with issue 19's targets.

    .venv/bin/python bench/bench_report.py [--repeat 3] [--before SRC]

The floor is `wres metrics PATH --format json` on the same return: the same start-up, reading, checking,
counting and disclosure control, with no charts, page, workbook or PDF; the report can never be quicker.
Each round runs the floor and every command once, one after another (the machine is shared and noisy), so
the ratio of medians compares like with like. `--before SRC` times another tree's `wres report` too (its
`src` folder first on PYTHONPATH: a `git worktree` of an earlier commit), interleaved the same way, for a
before → after. The earlier years are the demo with its dates moved back. CPU is user + system seconds of
the command and its helper process (on a busy machine it moves less than the wall-clock time); peak memory is
the largest single process's. Writes
bench/results/report-cli.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_metrics import WRES, ensure_demo  # noqa: E402

HERE = Path(__file__).resolve().parent
TARGETS = {"one year": 2.0, "three years": 3.0}  # issue 19, seconds end to end


def earlier(src: Path, years: int) -> Path:
    dst = HERE / "data" / f"demo-425-minus-{years}"
    if not dst.exists():
        shutil.copytree(src, dst)
        for f in dst.iterdir():
            text = re.sub(r"\b(20\d\d)-(\d\d)-(\d\d)\b",
                          lambda m: f"{int(m.group(1)) - years}-{m.group(2)}-{'28' if m.group(2, 3) == ('02', '29') else m.group(3)}",
                          f.read_text(encoding="utf-8"))
            f.write_text(text, encoding="utf-8")
    return dst


def run_once(args: list[str]) -> tuple[float, float, float]:
    """Seconds, CPU seconds (user + system, the helper process's included: it is waited for) and peak RSS (MB,
    the largest single process) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{subprocess.run(args, capture_output=True, text=True).stderr}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _with_path(src: str | None, args: list[str]) -> list[str]:
    """The command, run with another tree's wres first on the path (env prefix via `env`)."""
    return args if src is None else ["env", f"PYTHONPATH={src}", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", help="another tree's src folder, timed alongside (before → after)")
    opts = parser.parse_args()
    current = ensure_demo(425)
    out = HERE / "data" / "report-out"
    cases = {"one year": [], "three years": ["--previous", str(earlier(current, 2)), "--previous", str(earlier(current, 1))]}
    commands: dict[str, list[str]] = {"floor": [*WRES, "metrics", str(current), "--format", "json"]}
    for label, extra in cases.items():
        commands[label] = [*WRES, "report", str(current), "-o", str(out), *extra]
        if opts.before:
            commands[f"{label} (before)"] = _with_path(opts.before, [*WRES, "report", str(current), "-o", str(out), *extra])
    for args in commands.values():  # untimed: the file cache and bytecode
        subprocess.run(args, capture_output=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    peaks = dict.fromkeys(commands, 0.0)
    for _ in range(opts.repeat):
        for name, args in commands.items():
            t, c, mb = run_once(args)
            times[name].append(t)
            cpu[name].append(c)
            peaks[name] = max(peaks[name], mb)
    floor = statistics.median(times["floor"])
    print(f"wres report, end to end, new process, median of {opts.repeat} interleaved runs ({os.cpu_count()} cores); "
          f"load average before {load}, after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'':>22} {'median s':>9} {'min s':>6} {'max s':>6} {'÷ floor':>8} {'target':>7} {'CPU s':>6} {'peak MB':>8}")
    rows = []
    for name, ts in times.items():
        med = statistics.median(ts)
        target = TARGETS.get(name)
        met = "" if target is None else (" met" if med < target else " NOT met")
        print(f"{name:>22} {med:>9.2f} {min(ts):>6.2f} {max(ts):>6.2f} {med / floor:>8.2f} "
              f"{'' if target is None else f'{target:.0f} s':>7} {statistics.median(cpu[name]):>6.2f} {peaks[name]:>8.0f}{met}")
        rows.append({"run": name, "median_s": med, "min_s": min(ts), "max_s": max(ts), "ratio_to_floor": med / floor,
                     "target_s": target, "median_cpu_s": statistics.median(cpu[name]), "peak_rss_mb": peaks[name], "times_s": ts})
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "report-cli.json").write_text(json.dumps(
        {"command": "wres report PATH -o DIR", "floor": "wres metrics PATH --format json", "load_before": load, "results": rows},
        indent=2) + "\n")


if __name__ == "__main__":
    main()
