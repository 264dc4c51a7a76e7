"""Time `wres report` end to end on the 425-staff demo return (new process each run), one year and three.

    .venv/bin/python bench/bench_report.py [--repeat 3]

Writes bench/results/report-cli.json. The earlier years are the demo with its dates moved back.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_metrics import WRES, ensure_demo, run_once  # noqa: E402

HERE = Path(__file__).resolve().parent


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    current = ensure_demo(425)
    out = HERE / "data" / "report-out"
    rows = []
    print(f"wres report, end to end, {opts.repeat} runs each")
    for label, extra in (("one year", []), ("three years", ["--previous", str(earlier(current, 2)), "--previous", str(earlier(current, 1))])):
        times, peaks = [], []
        for _ in range(opts.repeat):
            t, mb = run_once([*WRES, "report", str(current), "-o", str(out), *extra])
            times.append(t)
            peaks.append(mb)
        rows.append({"years": label, "median_s": statistics.median(times), "min_s": min(times), "peak_rss_mb": max(peaks)})
        print(f"{label:>12}: median {statistics.median(times):.2f} s, min {min(times):.2f} s, peak {max(peaks):.0f} MB (main process)")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "report-cli.json").write_text(json.dumps({"command": "wres report PATH -o DIR", "results": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
