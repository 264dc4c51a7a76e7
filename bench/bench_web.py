"""Load test of the web service: 30, then 50 signed-in clients ask for the dashboard for 60 seconds each.

    .venv/bin/python bench/bench_web.py [--clients 30 50] [--seconds 60] [--workers 2]

Sets up a fresh demo service in a temporary folder (migrate, demo_data, the report built by the worker so
the dashboard shows every chart), starts gunicorn as `make serve` does (2 workers x 4 threads), then runs
the clients in this process (threads, one keep-alive connection and one session each). Prints requests,
errors and latency percentiles for each number of clients and writes bench/results/web.json, with the
machine's load average before each run (the load generator shares the machine's cores with the service).
Target (issues 7 and 15): p95 under 150 ms at 30 clients, no errors.
"""

from __future__ import annotations

import argparse
import collections
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
from typing import Any
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


def client(port: int, path: str, stop: threading.Event, times: list[float], errors: list[str], ready: threading.Barrier,
           retried: list[str]) -> None:
    conn, jar = sign_in(port, "analyst")
    ready.wait()  # every client signed in before the clock starts
    while not stop.is_set():
        start = time.perf_counter()
        for attempt in (1, 2):
            try:
                status, body = _request(conn, "GET", path, jar)
                if status != 200 or b"The metrics" not in body:
                    errors.append(f"HTTP {status}")
                break
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                # A kept-alive connection the server closed just as the request went (gunicorn closes idle
                # ones): sent again on a new connection, once, as browsers do for a GET; counted apart.
                if attempt == 1 and isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
                    retried.append(type(exc).__name__)
                    continue
                errors.append(type(exc).__name__)
                break
        times.append(time.perf_counter() - start)


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1] if len(values) > 1 else values[0]


def _cpu(pids: list[int]) -> float:
    """CPU seconds (user and system) the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def _run(port: int, clients: int, seconds: float, workers: int, access_log: Any, server_pids: list[int]) -> dict[str, object]:
    """`clients` signed-in clients asking for the dashboard for `seconds`; their latency figures."""
    load = os.getloadavg()
    access_log.seek(0, os.SEEK_END)
    log_from = access_log.tell()
    cpu_before = _cpu(server_pids)
    times: list[float] = []
    errors: list[str] = []
    retried: list[str] = []
    ready = threading.Barrier(clients + 1)
    stop = threading.Event()
    threads = [threading.Thread(target=client, args=(port, "/dashboard/", stop, times, errors, ready, retried), daemon=True)
               for _ in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    elapsed = time.perf_counter() - began
    server_cpu = _cpu(server_pids) - cpu_before
    ms = sorted(t * 1000 for t in times)
    access_log.seek(log_from)  # gunicorn's own time for each request (%(D)s, microseconds): the service's share
    served = sorted(int(line.split()[-1]) / 1000 for line in access_log.read().splitlines() if " /dashboard/ " in line)
    result = {
        "clients": clients, "seconds": round(elapsed, 1), "gunicorn_workers": workers, "gunicorn_threads": 4,
        "requests": len(ms), "errors": len(errors), "requests_per_second": round(len(ms) / elapsed, 1),
        "p50_ms": round(_pct(ms, 50), 1), "p95_ms": round(_pct(ms, 95), 1), "p99_ms": round(_pct(ms, 99), 1),
        "max_ms": round(ms[-1], 1), "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load],
        "error_kinds": dict(collections.Counter(errors)), "keepalive_closes_retried": len(retried),
        "server_p50_ms": round(_pct(served, 50), 1) if served else None, "server_p95_ms": round(_pct(served, 95), 1) if served else None,
        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(len(ms), 1), 2),
        "server_cpu_share": round(server_cpu / (elapsed * (os.cpu_count() or 1)), 2),
    }
    print(f"{clients} clients, {result['seconds']} s: {result['requests']:,} dashboard requests "
          f"({result['requests_per_second']}/s), {result['errors']} errors; latency p50 {result['p50_ms']} ms, "
          f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms; in gunicorn p50 {result['server_p50_ms']} ms, "
          f"p95 {result['server_p95_ms']} ms, {result['server_cpu_ms_per_request']} ms of CPU a request, "
          f"{result['server_cpu_share']:.0%} of the machine; errors {result['error_kinds'] or 'none'}, "
          f"{len(retried)} kept-alive connections closed by the server and the request sent again; load average before "
          f"{load[0]:.2f} (target at 30 clients p95 < 150 ms, 0 errors: {'met' if result['p95_ms'] < 150 and not errors else 'NOT met'})",
          flush=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, nargs="+", default=[30, 50], help="concurrent clients, one run each (default 30 50)")
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
    subprocess.run([*web, "worker", "--batch", "--no-startup-delay"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = data / "access.log"
    server = subprocess.Popen(  # as `make serve` runs it, the access log in a file with each request's time
        [str(BIN / "gunicorn"), "wres.web.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
         "--threads", "4", "--timeout", "120", "--log-level", "warning", "--access-logfile", str(log),
         "--access-logformat", '%(r)s %(s)s %(D)s'], env=env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/accounts/login/")
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(3):  # warm every worker (first requests load templates and open the database)
            sign_in(args.port, "analyst")
        pids = [server.pid, *(int(p) for p in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split())]
        with log.open(encoding="utf-8") as access_log:
            results = [_run(args.port, clients, args.seconds, args.workers, access_log, pids) for clients in args.clients]
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = ROOT / "bench" / "results" / "web.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
