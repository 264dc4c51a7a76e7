"""How wres scales: the same counts by wres, a bare DuckDB floor and pandas, for 10,000 to 2,000,000 staff.

Demo returns of each size; each way in its own process; the ways checked to agree, then timed.

    .venv/bin/python bench/bench_scale.py [--sizes 10000 100000 500000 2000000] [--repeat 3] [--repeat-largest N]

(pandas comes from the project's `bench` extra: `pip install -e '.[test,bench]'`; `make bench` installs it.)

1. Demo returns (`wres demo DIR --staff N`) are generated once into bench/data/scale-N/ (not committed).
2. The ways of computing the same counts table, each a new process (so peak memory is the way's own,
   from wait4), timed wall-clock from the parent:
   - `wres metrics`: `python -m wres.cli metrics DIR --format json --internal`, the whole command;
   - `wres in-process`: a child that imports wres and calls wres.pipeline.load(DIR) then
     wres.results.compute(...); it also reports its own time from before `import wres` (so without
     interpreter start-up), split into import, load (read, validate, count) and compute;
   - `floor`: bench/scale_floor.py, one hand-written DuckDB query per file, no validation;
   - `pandas`: bench/scale_pandas.py, what an analyst would write.
   floor and pandas also report their own in-process time (from before their imports).
3. Before any timing, the counts of floor, pandas and the in-process child are compared with
   `wres counts DIR -o FILE`; any difference is printed and the script exits 1 (a benchmark of wrong
   answers is worthless). These runs also warm the file cache.
4. Runs are interleaved (each repetition runs every way once) so that a slow spell of the machine does not
   land on one way only. Prints a table (median seconds, peak RSS, ratios), writes
   bench/results/scale.json and draws docs/img/scale.svg and .png (log–log, one line per way, colour and
   point shape, with a text alternative in the SVG's <title>/<desc> and in the JSON).
5. Prints whether the regression line of issue 19 holds: at 2,000,000 staff (the largest size measured)
   wres within 2.0× the floor and peak memory under 1 GB; wres faster than pandas at every size from
   500,000 up; and time roughly linear (time per 100,000 staff at each size, and the log–log slope).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from importlib import metadata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
# A synthetic 2,000,000-staff return has 2.4 million recruitment rows, beyond the row limit set for real
# returns (wres.limits); every child (bench_metrics.ENV is copied from here on import) gets a larger one.
os.environ.setdefault("WRES_MAX_ROWS", "100000000")
from bench_metrics import WRES, run_once  # noqa: E402  (seconds, CPU seconds and peak RSS of one child, via wait4)

DEFAULT_SIZES = [10_000, 100_000, 500_000, 2_000_000]
TARGET_SIZE = 2_000_000
MB_LIMIT = 1024  # "under 1 GB": ru_maxrss is in KiB, run_once gives MiB
FLOOR_RATIO = 2.0  # wres at most this many times the floor at the largest size
PANDAS_FROM = 500_000  # wres faster than pandas at every size from here up

# The in-process child: time from before `import wres` (interpreter start-up excluded), as asked by the
# issue: pipeline.load (read, validate, count), then results.compute (RL, CI, sentences), unsuppressed as
# `wres metrics --internal` is. argv: DIR TIMING.json [COUNTS.csv, written after the clock stops].
INPROCESS = r"""
import time
start = time.perf_counter()
import json, sys
from pathlib import Path
import wres.pipeline, wres.results
imported = time.perf_counter()
loaded = wres.pipeline.load(Path(sys.argv[1]))
counted = time.perf_counter()
warnings = [f"{p.where}: {p.message}" for p in loaded.warnings]
doc = wres.results.compute(loaded.counts, loaded.organisation, warnings, loaded.from_counts_file)
done = time.perf_counter()
Path(sys.argv[2]).write_text(json.dumps({"seconds": done - start, "import_s": imported - start,
                                         "load_s": counted - imported, "compute_s": done - counted}))
if len(sys.argv) > 3:
    Path(sys.argv[3]).write_text(loaded.counts.to_csv())
"""


@dataclass(frozen=True)
class Way:
    name: str
    # (return dir, counts.csv to write, timing.json to write) → the child's argv
    argv: Callable[[Path, Path, Path], list[str]]
    timed_inside: bool  # the child writes {"seconds": …} (its own time, without start-up) to timing.json


WAYS = (
    Way("wres metrics", lambda d, out, t: [*WRES, "metrics", str(d), "--format", "json", "--internal"], False),
    Way("wres in-process", lambda d, out, t: [sys.executable, "-c", INPROCESS, str(d), str(t), str(out)], True),
    Way("floor (DuckDB SQL)", lambda d, out, t: [sys.executable, str(HERE / "scale_floor.py"), str(d), "--out", str(out), "--timing", str(t)], True),
    Way("pandas", lambda d, out, t: [sys.executable, str(HERE / "scale_pandas.py"), str(d), "--out", str(out), "--timing", str(t)], True),
)
WRES_WAY, FLOOR_WAY, PANDAS_WAY = "wres metrics", "floor (DuckDB SQL)", "pandas"


# --- data ----------------------------------------------------------------------------------------------

def ensure_scale(staff: int) -> Path:
    """bench/data/scale-N: a demo return of N staff, generated once."""
    path = HERE / "data" / f"scale-{staff}"
    if not (path / "organisation.toml").exists() or not (path / "action_updates.csv").exists():
        shutil.rmtree(path, ignore_errors=True)
        path.parent.mkdir(exist_ok=True)
        print(f"  generating {path.relative_to(ROOT)} (wres demo --staff {staff:,}) …", flush=True)
        subprocess.run([*WRES, "demo", str(path), "--staff", str(staff)], check=True, capture_output=True)
    return path


def count_rows(path: Path) -> int:
    """Data rows in every CSV file of the return (lines less headers)."""
    total = 0
    for f in path.glob("*.csv"):
        with f.open("rb") as fh:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1
    return total


def check_demo_spellings() -> None:
    """The floor lists the demo's ethnicity spellings itself (importing wres.demo would cost it ~0.5 s).

    Asked of a child process: this parent stays small, because a child's peak RSS (ru_maxrss from wait4)
    starts at its parent's resident size when it is spawned, so a parent that had imported pandas or the
    demo would put a floor of ~130 MB under every figure.
    """
    from scale_floor import DEMO_ETHNICITIES

    code = "import json; from wres.demo import _ETHNICITIES as E; print(json.dumps([v for v, _, _ in E if v is not None]))"
    demo = set(json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout))
    if demo != set(DEMO_ETHNICITIES):
        raise SystemExit(f"scale_floor.DEMO_ETHNICITIES is out of date with wres.demo: {sorted(demo ^ set(DEMO_ETHNICITIES))}")


# --- agreement -----------------------------------------------------------------------------------------

def _read_counts(path: Path) -> dict[tuple[str, ...], tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return {tuple(r[:4]): tuple(r[4:]) for r in rows[1:]}


def check_agreement(path: Path, work: Path) -> list[str]:
    """Run `wres counts` and the other ways once; return a description of every difference (none: agree)."""
    reference = work / "wres-counts.csv"
    result = subprocess.run([*WRES, "counts", str(path), "-o", str(reference)], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"wres counts {path} failed:\n{result.stderr}")
    expected_text = reference.read_text(encoding="utf-8")
    expected = _read_counts(reference)
    problems: list[str] = []
    for way in WAYS:
        if way.name == WRES_WAY:  # its output is the metrics document; `wres counts` is the same load()
            continue
        out, timing = work / f"check-{way.name.split()[0]}.csv", work / "check-timing.json"
        out.unlink(missing_ok=True)
        run_once(way.argv(path, out, timing))
        if out.read_text(encoding="utf-8") == expected_text:
            continue
        got = _read_counts(out)
        lines = [f"{way.name} differs from `wres counts` on {path.name}:"]
        for key in sorted(set(expected) | set(got)):
            if expected.get(key) != got.get(key):
                lines.append(f"    {','.join(key):<45} wres {'/'.join(expected.get(key, ('-',)))!s:<16} {way.name} {'/'.join(got.get(key, ('-',)))}")
        if len(lines) == 1:
            lines.append("    the same counts, but the rows are in another order or formatted differently")
        problems.append("\n".join(lines))
    return problems


# --- timing --------------------------------------------------------------------------------------------

def time_ways(path: Path, repeat: int, work: Path) -> dict[str, dict]:
    """Every way `repeat` times, interleaved; seconds (parent's wall clock), in-process seconds, peak MB."""
    runs: dict[str, dict[str, list]] = {w.name: {"seconds": [], "inside": [], "peak": [], "split": []} for w in WAYS}
    for i in range(repeat):
        for way in WAYS:
            timing = work / "timing.json"
            timing.unlink(missing_ok=True)
            seconds, _, peak = run_once(way.argv(path, work / "out.csv", timing))
            r = runs[way.name]
            r["seconds"].append(seconds)
            r["peak"].append(peak)
            if way.timed_inside:
                inside = json.loads(timing.read_text())
                r["inside"].append(inside["seconds"])
                if "load_s" in inside:
                    r["split"].append(inside)
            print(f"    run {i + 1}/{repeat} {way.name:<20} {seconds:8.2f} s {peak:8.0f} MB", flush=True)
    out = {}
    for name, r in runs.items():
        row = {"seconds": r["seconds"], "median_s": statistics.median(r["seconds"]), "min_s": min(r["seconds"]),
               "max_s": max(r["seconds"]), "peak_rss_mb": max(r["peak"]),
               "inside_median_s": statistics.median(r["inside"]) if r["inside"] else None}
        if r["split"]:
            row["inside_split_median_s"] = {k: statistics.median(s[k] for s in r["split"]) for k in ("import_s", "load_s", "compute_s")}
        out[name] = row
    return out


# --- report --------------------------------------------------------------------------------------------

def _slope(t1: float, n1: int, t2: float, n2: int) -> float:
    """Log–log slope between two sizes: 1 is linear, above 1 grows faster than the data."""
    return math.log(t2 / t1) / math.log(n2 / n1)


def print_table(results: list[dict]) -> None:
    print()
    print("Median wall-clock seconds of a new process (start-up included); 'inside' is the child's own time from")
    print("before its imports. ×floor = this way's time / the floor's; pandas÷ = pandas time / this way's.")
    head = f"{'staff':>10} {'way':<20} {'median s':>9} {'min s':>7} {'inside s':>9} {'peak MB':>8} {'×floor':>7} {'pandas÷':>8} {'s/100k':>7} {'runs':>5}"
    print(head)
    print("-" * len(head))
    for size in results:
        floor = size["ways"][FLOOR_WAY]["median_s"]
        pandas = size["ways"][PANDAS_WAY]["median_s"]
        for name, w in size["ways"].items():
            inside = f"{w['inside_median_s']:.2f}" if w["inside_median_s"] is not None else "–"
            print(f"{size['staff']:>10,} {name:<20} {w['median_s']:>9.2f} {w['min_s']:>7.2f} {inside:>9} {w['peak_rss_mb']:>8.0f} "
                  f"{w['median_s'] / floor:>7.2f} {pandas / w['median_s']:>8.2f} {w['median_s'] / size['staff'] * 1e5:>7.3f} {size['repeat']:>5}")
        split = size["ways"]["wres in-process"].get("inside_split_median_s")
        if split:
            print(f"{'':>10} wres in-process split: import {split['import_s']:.2f} s, load (read, validate, count) "
                  f"{split['load_s']:.2f} s, compute {split['compute_s']:.2f} s")
    print()


def targets(results: list[dict]) -> dict:
    """The issue's targets at 2,000,000 staff (or the largest size measured, said so)."""
    top = max(results, key=lambda r: r["staff"])
    w, floor, pandas = (top["ways"][n] for n in (WRES_WAY, FLOOR_WAY, PANDAS_WAY))
    ratio_floor = w["median_s"] / floor["median_s"]
    ratio_pandas = pandas["median_s"] / w["median_s"]
    ordered = sorted(results, key=lambda r: r["staff"])
    per_100k = [{"staff": r["staff"], "s_per_100k": r["ways"][WRES_WAY]["median_s"] / r["staff"] * 1e5} for r in ordered]
    slopes = [
        {"from": a["staff"], "to": b["staff"], "slope": _slope(a["ways"][WRES_WAY]["median_s"], a["staff"], b["ways"][WRES_WAY]["median_s"], b["staff"])}
        for a, b in zip(ordered, ordered[1:])
    ]
    # Roughly linear: time grows no faster than the data anywhere from 10k up (log–log slope ≤ 1.1; start-up
    # makes the small sizes' slopes well below 1). One size only: nothing to judge.
    linear = all(s["slope"] <= 1.1 for s in slopes) if slopes else None
    beats = [r for r in ordered if r["staff"] >= PANDAS_FROM]
    faster = all(r["ways"][PANDAS_WAY]["median_s"] > r["ways"][WRES_WAY]["median_s"] for r in beats) if beats else None
    out = {
        "staff": top["staff"],
        "wres_within_2x_floor": {"ratio": ratio_floor, "holds": ratio_floor <= FLOOR_RATIO},
        "faster_than_pandas_from_500k": {"ratios": {r["staff"]: r["ways"][PANDAS_WAY]["median_s"] / r["ways"][WRES_WAY]["median_s"] for r in beats},
                                         "holds": faster},
        "peak_under_1gb": {"peak_rss_mb": w["peak_rss_mb"], "holds": w["peak_rss_mb"] < MB_LIMIT},
        "roughly_linear": {"s_per_100k": per_100k, "log_log_slopes": slopes, "holds": linear},
    }
    yes = {True: "yes", False: "NO", None: "n/a"}
    where = f"{top['staff']:,} staff" + ("" if top["staff"] == TARGET_SIZE else f" (the largest size measured; the line is drawn at {TARGET_SIZE:,})")
    print(f"Regression line at {where}, for `wres metrics` (median of {top['repeat']} run{'s' * (top['repeat'] > 1)}):")
    print(f"  within {FLOOR_RATIO}× the floor:           {yes[ratio_floor <= FLOOR_RATIO]:<4} ({w['median_s']:.2f} s vs {floor['median_s']:.2f} s: {ratio_floor:.2f}×)")
    print(f"  faster than pandas from {PANDAS_FROM:,}: {yes[faster]:<4} ("
          + (", ".join(f"{r['ways'][PANDAS_WAY]['median_s'] / r['ways'][WRES_WAY]['median_s']:.2f}× at {r['staff']:,}" for r in beats) or "no size measured there") + ")")
    print(f"  peak memory under 1 GB:          {yes[w['peak_rss_mb'] < MB_LIMIT]:<4} ({w['peak_rss_mb']:,.0f} MB)")
    print(f"  roughly linear from 10k up:      {yes[linear]:<4} (seconds per 100,000 staff: "
          + ", ".join(f"{p['s_per_100k']:.3f} at {p['staff']:,}" for p in per_100k) + "; log–log slope "
          + (", ".join(f"{s['slope']:.2f} ({s['from']:,}→{s['to']:,})" for s in slopes) or "n/a: one size") + ")")
    return out


def chart(results: list[dict]) -> str:
    """docs/img/scale.svg and .png: median seconds against staff, log–log, a line per way; returns the alt text."""
    import altair as alt
    import vl_convert as vlc

    ways = [w.name for w in WAYS]
    rows = [{"staff": r["staff"], "way": name, "seconds": r["ways"][name]["median_s"]} for r in results for name in ways]
    # Okabe–Ito colours (as the report's charts), and a shape and dash per way: nothing relies on colour alone.
    colours = ["#D55E00", "#E69F00", "#0072B2", "#009E73"]
    shapes = ["circle", "diamond", "square", "triangle-up"]
    dashes = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]]
    legend = alt.Legend(title=None, orient="bottom", columns=2)
    staff = [r["staff"] for r in rows]
    seconds = [r["seconds"] for r in rows]
    # Axes just wider than the data (a log scale's "nice" domain would run on to the next power of ten).
    x_scale = alt.Scale(type="log", domain=[min(staff) / 1.3, max(staff) * 1.3], nice=False)
    y_scale = alt.Scale(type="log", domain=[min(seconds) / 1.3, max(seconds) * 1.3], nice=False)
    enc = {
        "x": alt.X("staff:Q", scale=x_scale, title="Staff in the return (log scale)", axis=alt.Axis(format="~s", values=sorted(set(staff)))),
        "y": alt.Y("seconds:Q", scale=y_scale, title="Median seconds, new process (log scale)",
                   axis=alt.Axis(values=[v for v in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500) if min(seconds) / 1.3 <= v <= max(seconds) * 1.3])),
        "color": alt.Color("way:N", scale=alt.Scale(domain=ways, range=colours), legend=legend),
        "shape": alt.Shape("way:N", scale=alt.Scale(domain=ways, range=shapes), legend=legend),
    }
    data = alt.Data(values=rows)
    lines = alt.Chart(data).mark_line(strokeWidth=2).encode(
        **{k: v for k, v in enc.items() if k != "shape"},
        strokeDash=alt.StrokeDash("way:N", scale=alt.Scale(domain=ways, range=dashes), legend=None),
    )
    points = alt.Chart(data).mark_point(size=70, filled=True).encode(**enc, tooltip=["way:N", "staff:Q", alt.Tooltip("seconds:Q", format=".2f")])
    title = "Time to compute the SC-WRES counts by number of staff"
    spec = (lines + points).properties(width=520, height=320, title=title).configure(font="DejaVu Sans, Helvetica, Arial, sans-serif")
    sizes = sorted({r["staff"] for r in rows})
    alt_text = (
        f"{title}, on log–log axes: median seconds of a new process for each way at "
        + ", ".join(f"{s:,}" for s in sizes) + " staff. "
        + " ".join(
            f"{name}: " + ", ".join(f"{next(r['seconds'] for r in rows if r['way'] == name and r['staff'] == s):.2f} s" for s in sizes) + "."
            for name in ways
        )
    )
    svg = vlc.vegalite_to_svg(spec.to_dict(validate=False))
    # The text alternative inside the SVG: role img, a <title> and a <desc> as the first children.
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    head_end = svg.index(">") + 1
    svg = (svg[:head_end].replace("<svg ", '<svg role="img" aria-labelledby="scale-title scale-desc" ', 1)
           + f'<title id="scale-title">{esc(title)}</title><desc id="scale-desc">{esc(alt_text)}</desc>' + svg[head_end:])
    img = ROOT / "docs" / "img"
    img.mkdir(parents=True, exist_ok=True)
    (img / "scale.svg").write_text(svg, encoding="utf-8")
    (img / "scale.png").write_bytes(vlc.svg_to_png(svg, scale=2))
    return alt_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, help="staff in each demo return")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each way at each size")
    parser.add_argument("--repeat-largest", type=int, help="timed runs at the largest size (default: --repeat)")
    opts = parser.parse_args()
    sizes = sorted(opts.sizes)

    # Versions from the installed metadata: importing DuckDB or pandas here would swell this process, and
    # with it every child's measured peak memory (see check_demo_spellings).
    versions = {name: metadata.version(name) for name in ("duckdb", "pandas", "sc-wres")}
    print(f"SC-WRES counts at scale ({platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, DuckDB {versions['duckdb']}, pandas {versions['pandas']})")
    check_demo_spellings()
    paths = {n: ensure_scale(n) for n in sizes}

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        # 1. Agreement first, at every size: nothing is timed unless all ways give the same counts.
        for n in sizes:
            print(f"  checking that the ways agree at {n:,} staff …", flush=True)
            problems = check_agreement(paths[n], work)
            if problems:
                print("\n\n".join(problems))
                sys.exit(1)
        print("  all ways give the same counts as `wres counts` at every size")
        # 2. Timing.
        for n in sizes:
            repeat = opts.repeat_largest if (n == sizes[-1] and opts.repeat_largest) else opts.repeat
            rows = count_rows(paths[n])
            print(f"  timing {n:,} staff ({rows:,} rows in the return), {repeat} run{'s' * (repeat > 1)} of each way …", flush=True)
            results.append({"staff": n, "rows": rows, "repeat": repeat, "ways": time_ways(paths[n], repeat, work)})

    print_table(results)
    target = targets(results)
    alt_text = chart(results)
    print(f"\nChart: docs/img/scale.svg and .png. Text alternative: {alt_text}")

    out = HERE / "results" / "scale.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({
        "what": "SC-WRES counts of demo returns: wres vs a bare DuckDB query (floor) vs a pandas script, each a new process",
        "machine": {"processor": platform.processor() or platform.machine(), "cores": os.cpu_count(), "python": platform.python_version(),
                    **versions},
        "ways": {w.name: " ".join(w.argv(Path("DIR"), Path("OUT"), Path("TIMING"))[1:]) if w.name != "wres in-process" else
                 "python -c <pipeline.load(DIR); results.compute(...)>" for w in WAYS},
        "agree": True,
        "results": results,
        "targets": target,
        "chart": {"svg": "docs/img/scale.svg", "png": "docs/img/scale.png", "alt": alt_text},
    }, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
