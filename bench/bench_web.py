"""Load test of the web service: 20 signed-in clients ask for the dashboard for 60 seconds.

    .venv/bin/python bench/bench_web.py [--clients 20] [--seconds 60] [--workers 2]

Sets up a fresh demo service in a temporary folder (migrate, demo_data, the report built by the worker so
the dashboard shows every chart), starts gunicorn on loopback, then runs the clients in this process
(threads, one keep-alive connection and one session each). Prints requests, errors and latency
percentiles and writes bench/results/web.json. Target (issue 7): p95 under 150 ms, no errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "demo-password-2026"


def _cookies(resp: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header, value in resp.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


def _request(conn: http.client.HTTPConnection, method: str, path: str, jar: dict[str, str], body: str | None = None) -> tuple[int, bytes]:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()), "Host": "localhost"}
    if body is not None:
        headers |= {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://localhost/accounts/login/"}
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    _cookies(resp, jar)
    return resp.status, data


def sign_in(port: int, username: str) -> tuple[http.client.HTTPConnection, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    jar: dict[str, str] = {}
    _, page = _request(conn, "GET", "/accounts/login/", jar)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()  # type: ignore[union-attr]
    status, _ = _request(conn, "POST", "/accounts/login/", jar, urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}))
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"could not sign in as {username} (HTTP {status})")
    return conn, jar


def client(port: int, path: str, stop: threading.Event, times: list[float], errors: list[str], ready: threading.Barrier) -> None:
    conn, jar = sign_in(port, "analyst")
    ready.wait()  # every client signed in before the clock starts
    while not stop.is_set():
        start = time.perf_counter()
        try:
            status, body = _request(conn, "GET", path, jar)
            if status != 200 or b"The metrics" not in body:
                errors.append(f"HTTP {status}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        times.append(time.perf_counter() - start)


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2: one per core)")
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="wres-web-bench-"))
    env = {**os.environ, "WRES_WEB_DATA": str(data), "DJANGO_SETTINGS_MODULE": "wres.web.settings"}
    web = [str(BIN / "python"), "-m", "wres.web"]
    print("Setting up the demo service (migrate, demo data, the dashboard's report) ...", flush=True)
    subprocess.run([*web, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*web, "demo_data"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*web, "db_worker", "--batch", "--no-startup-delay"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "wres.web.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
         "--threads", "4", "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/accounts/login/")
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(3):  # warm every worker (first requests load templates and open the database)
            sign_in(args.port, "analyst")
        times: list[float] = []
        errors: list[str] = []
        ready = threading.Barrier(args.clients + 1)
        stop = threading.Event()
        threads = [threading.Thread(target=client, args=(args.port, "/dashboard/", stop, times, errors, ready), daemon=True)
                   for _ in range(args.clients)]
        for t in threads:
            t.start()
        ready.wait()
        began = time.perf_counter()
        time.sleep(args.seconds)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    ms = sorted(t * 1000 for t in times)
    result = {
        "clients": args.clients, "seconds": round(elapsed, 1), "gunicorn_workers": args.workers, "requests": len(ms),
        "errors": len(errors), "requests_per_second": round(len(ms) / elapsed, 1),
        "p50_ms": round(_pct(ms, 50), 1), "p95_ms": round(_pct(ms, 95), 1), "p99_ms": round(_pct(ms, 99), 1),
        "max_ms": round(ms[-1], 1), "cpus": os.cpu_count(),
    }
    print(f"{result['clients']} clients, {result['seconds']} s: {result['requests']:,} dashboard requests "
          f"({result['requests_per_second']}/s), {result['errors']} errors; latency p50 {result['p50_ms']} ms, "
          f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms "
          f"(target p95 < 150 ms, 0 errors: {'met' if result['p95_ms'] < 150 and not errors else 'NOT met'})")
    out = ROOT / "bench" / "results" / "web.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
