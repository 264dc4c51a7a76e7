"""The CPU one dashboard request costs the service, measured in one process, A/B against another tree.

    .venv/bin/python bench/bench_dashboard.py [--tree DIR] [--rounds 10] [--requests 300] [--profile]

Sets up a demo service in a temporary folder for this tree (and one for `--tree`'s, e.g. a git worktree of
an earlier commit; its own migrations and demo data): migrate, demo_data, the report built, so the dashboard
shows every chart. Then, in alternating rounds (this tree, the other, this, ...), a new process signs in as
the demo analyst and calls the WSGI application directly for `--requests` dashboard requests after a warm-up,
as gunicorn's worker does, minus the socket: `time.process_time` per request (CPU, so other work on the
machine changes it little; wall time is printed beside it). Prints each round and the median of the rounds'
medians, with the queries a request makes (the database connection's execute wrapper, one request after warm-up).
`--profile` prints the top of a cProfile of this tree's requests instead.

Why in one process: the load test (bench_web.py) depends on whatever else the two cores are doing; the CPU
a request costs does not, and by the closed-loop law (response time ~ clients x CPU per request / cores) it
is what decides the load test's median.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "demo-password-2026"


def _env(tree: Path, data: Path) -> dict[str, str]:
    env = {**os.environ, "WRES_WEB_DATA": str(data), "DJANGO_SETTINGS_MODULE": "wres.web.settings", "PYTHONPATH": str(tree / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed service runs: with its bytecode
    return env


def setup(tree: Path) -> Path:
    """A demo service's data folder for `tree`'s wres, its report built."""
    data = Path(tempfile.mkdtemp(prefix="wres-dashboard-bench-"))
    env = _env(tree, data)
    web = [str(BIN / "python"), "-m", "wres.web"]
    quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": tree}
    subprocess.run([*web, "migrate", "--noinput", "-v0"], **quiet)
    subprocess.run([*web, "demo_data"], **quiet)
    subprocess.run([*web, "worker", "--batch", "--no-startup-delay"], **quiet)
    return data


def child(requests: int, warm: int, profile: bool) -> None:
    """In the measured process: sign in, warm up, time `requests` dashboard requests; JSON on stdout."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from wres.web.wsgi import application

    c = Client()
    if c.post("/accounts/login/", {"username": "analyst", "password": PASSWORD}).status_code != 302:
        raise SystemExit("could not sign in as the demo analyst")
    cookie = "; ".join(f"{k}={v.value}" for k, v in c.cookies.items())
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/dashboard/", "QUERY_STRING": "", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "localhost", "HTTP_COOKIE": cookie, "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http", "wsgi.input": None, "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
        "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }

    def get() -> None:
        import io

        status: list[str] = []
        body = b"".join(application({**environ, "wsgi.input": io.BytesIO()}, lambda s, h, e=None: status.append(s)))
        if not status[0].startswith("200") or b"The metrics" not in body:
            raise SystemExit(f"the dashboard answered {status[0]}")

    for _ in range(warm):
        get()
    queries: list[str] = []

    def note(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):  # not CaptureQueriesContext: each request's start empties its log
        get()
    cpu: list[float] = []
    wall: list[float] = []
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
    for _ in range(requests):
        c0, w0 = time.process_time(), time.perf_counter()
        get()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    if profile:
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    print(json.dumps({"cpu_ms": statistics.median(cpu) * 1000, "cpu_mean_ms": statistics.fmean(cpu) * 1000,
                      "wall_ms": statistics.median(wall) * 1000, "queries": queries}))


def measure(tree: Path, data: Path, requests: int, warm: int, profile: bool = False) -> dict[str, Any]:
    out = subprocess.run([str(BIN / "python"), __file__, "--child", str(requests), "--warm", str(warm), *(["--profile"] if profile else [])],
                         env=_env(tree, data), cwd=tree, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"the measured process failed ({tree}):\n{out.stderr[-3000:]}")
    if profile:
        print(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tree", type=Path, help="another checkout to compare (e.g. a git worktree of an earlier commit)")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--requests", type=int, default=300, help="measured requests a round")
    ap.add_argument("--warm", type=int, default=50, help="requests before measuring (templates, caches, connections)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of this tree's requests and stop")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.child, args.warm, args.profile)
        return
    trees = {"this tree": ROOT, **({f"{args.tree}": args.tree.resolve()} if args.tree else {})}
    print("Setting up a demo service for each tree ...", flush=True)
    data = {name: setup(tree) for name, tree in trees.items()}
    if args.profile:
        measure(ROOT, data["this tree"], args.requests, args.warm, profile=True)
        return
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    load = os.getloadavg()
    for i in range(args.rounds):
        for name, tree in (trees.items() if i % 2 == 0 else reversed(trees.items())):
            r = measure(tree, data[name], args.requests, args.warm)
            rounds[name].append(r)
            print(f"round {i + 1} {name}: {r['cpu_ms']:.2f} ms CPU a request (median; mean {r['cpu_mean_ms']:.2f}), "
                  f"{r['wall_ms']:.2f} ms wall, {len(r['queries'])} queries", flush=True)
    results = {}
    for name, rs in rounds.items():
        cpu = statistics.median(r["cpu_ms"] for r in rs)
        results[name] = {"cpu_ms_per_request": round(cpu, 2), "wall_ms_per_request": round(statistics.median(r["wall_ms"] for r in rs), 2),
                         "queries": rs[-1]["queries"]}
        print(f"{name}: {cpu:.2f} ms of CPU a dashboard request (median of {len(rs)} rounds of {args.requests}), "
              f"{len(rs[-1]['queries'])} queries:")
        for q in rs[-1]["queries"]:
            print(f"    {q[:160]}")
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    out = ROOT / "bench" / "results" / "dashboard.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"rounds": args.rounds, "requests": args.requests, "load_average_before": load, "trees": results}, indent=2) + "\n",
                   encoding="utf-8")


if __name__ == "__main__":
    main()
