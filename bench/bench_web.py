"""Load test of the web service: 30, then 50 signed-in clients ask for the dashboard for 60 seconds each.

    .venv/bin/python bench/bench_web.py [--clients 30 50] [--seconds 60] [--workers 2] [--client-processes 2] [--pause 0]
    PYTHONPATH=OTHER/src .venv/bin/python bench/bench_web.py ...     # another tree's service

Sets up a fresh demo service in a temporary folder (migrate, demo_data, the report built by the worker so
the dashboard shows every chart), starts gunicorn as `make serve` does (2 workers x 4 threads), signs every
client in (a few at a time: each sign-in is a password hash), then runs the clients: threads shared among
`--client-processes` processes, each client one session and one kept-alive connection on a raw socket (the
load generator's CPU is taken from the same two cores as the service's, so it does as little as a client
can). Prints requests, errors and latency percentiles for each number of clients, the CPU a request cost
the service (/proc) and the load generator (its own times) apart, and writes bench/results/web.json, with
the machine's load average before and after each run.
Targets: p95 under 150 ms at 30 clients (issues 7 and 15) and under 100 ms at 50 (issue 19), no errors.
The clients ask again the moment they are answered, so the response time is, by Little's law, about
clients x CPU per request / cores: a stress test. `--pause S` has each client wait S seconds after an
answer, as a person reading the page would (written to web-pause.json; the targets are the closed loop's).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import http.client
import json
import multiprocessing
import os
import re
import socket
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


def _cookie(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _request(conn: http.client.HTTPConnection, method: str, path: str, jar: dict[str, str], body: str | None = None) -> tuple[int, bytes]:
    headers = {"Cookie": _cookie(jar), "Host": "localhost"}
    if body is not None:
        headers |= {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://localhost/accounts/login/"}
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    _cookies(resp, jar)
    return resp.status, data


def sign_in(port: int, username: str) -> tuple[http.client.HTTPConnection, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    jar: dict[str, str] = {}
    _, page = _request(conn, "GET", "/accounts/login/", jar)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()  # type: ignore[union-attr]
    status, _ = _request(conn, "POST", "/accounts/login/", jar, urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}))
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"could not sign in as {username} (HTTP {status})")
    return conn, jar


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _answer(sock: socket.socket) -> tuple[int, bytes, bool]:
    """The answer to one GET on a kept-alive connection, read with as little work as a client can do: the request's bytes made once,
    the answer read to its Content-Length (CommonMiddleware sets it); http.client's header parsing cost as much
    CPU as a fifth of the service's, on the same two cores. Returns the status, the body and whether the server
    keeps the connection."""
    buf = b""
    while (end := buf.find(b"\r\n\r\n")) < 0:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("closed by the server") if not buf else http.client.IncompleteRead(buf)
        buf += chunk
    head, body = buf[:end].lower(), buf[end + 4:]
    length = re.search(rb"\r\ncontent-length: *(\d+)", head)
    if length is None:
        raise http.client.HTTPException("no Content-Length")
    n = int(length.group(1))
    while len(body) < n:
        chunk = sock.recv(max(65536, n - len(body)))
        if not chunk:
            raise http.client.IncompleteRead(body)
        body += chunk
    return int(head[9:12]), body, b"\r\nconnection: close" not in head


def _send_get(sock: socket.socket, request: bytes) -> tuple[int, bytes, bool]:
    sock.sendall(request)
    return _answer(sock)


def client(port: int, path: str, cookie: str, stop: Any, times: list[float], errors: list[str], retried: list[str], pause: float = 0) -> None:
    """A signed-in client asking for `path` again the moment each answer arrives (a closed loop, no think time),
    or `pause` seconds after it, as a person reading the page would."""
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n\r\n".encode()
    sock = _connect(port)
    while not stop.is_set():
        start = time.perf_counter()
        for attempt in (1, 2):
            try:
                status, body, keep = _send_get(sock, request)
                if status != 200 or b"The metrics" not in body:
                    errors.append(f"HTTP {status}")
                if not keep:
                    sock.close()
                    sock = _connect(port)
                break
            except (OSError, http.client.HTTPException) as exc:
                sock.close()
                sock = _connect(port)
                # A kept-alive connection the server closed just as the request went (gunicorn closes idle
                # ones): sent again on a new connection, once, as browsers do for a GET; counted apart.
                if attempt == 1 and isinstance(exc, (ConnectionResetError, BrokenPipeError)):
                    retried.append(type(exc).__name__)
                    continue
                errors.append(type(exc).__name__)
                break
        times.append(time.perf_counter() - start)
        if pause:
            stop.wait(pause)
    sock.close()


def client_process(port: int, path: str, cookies: list[str], go: Any, stop: Any, out: Any, pause: float = 0) -> None:
    """One load-generating process: a thread per client. Several such processes, not one, so that the clients'
    own Python is not queued behind one interpreter lock. Sends back the latencies, errors and its own CPU."""
    times: list[float] = []
    errors: list[str] = []
    retried: list[str] = []
    go.wait()
    cpu = os.times()
    threads = [threading.Thread(target=client, args=(port, path, c, stop, times, errors, retried, pause), daemon=True) for c in cookies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    after = os.times()
    out.put({"times": times, "errors": errors, "retried": retried, "cpu": after.user + after.system - cpu.user - cpu.system})


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


def _run(port: int, cookies: list[str], seconds: float, workers: int, processes: int, access_log: Any, server_pids: list[int],
         pause: float = 0) -> dict[str, object]:
    """len(cookies) signed-in clients asking for the dashboard for `seconds`; their latency figures, and the CPU
    a request cost the service (from /proc) and the load generator (its processes' own times), apart."""
    clients = len(cookies)
    load = os.getloadavg()
    access_log.seek(0, os.SEEK_END)
    log_from = access_log.tell()
    ctx = multiprocessing.get_context("fork")
    go, stop, out = ctx.Event(), ctx.Event(), ctx.Queue()
    shares = [cookies[i::processes] for i in range(processes)]
    procs = [ctx.Process(target=client_process, args=(port, "/dashboard/", share, go, stop, out, pause), daemon=True) for share in shares if share]
    for p in procs:
        p.start()
    time.sleep(1)  # every process started (forked) before the clock starts
    cpu_before = _cpu(server_pids)
    go.set()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    parts = [out.get(timeout=120) for _ in procs]
    elapsed = time.perf_counter() - began
    server_cpu = _cpu(server_pids) - cpu_before
    for p in procs:
        p.join(timeout=30)
    times = [t for part in parts for t in part["times"]]
    errors = [e for part in parts for e in part["errors"]]
    retried = [e for part in parts for e in part["retried"]]
    client_cpu = sum(part["cpu"] for part in parts)
    ms = sorted(t * 1000 for t in times)
    access_log.seek(log_from)  # gunicorn's own time for each request (%(D)s, microseconds): the service's share
    served = sorted(int(line.split()[-1]) / 1000 for line in access_log.read().splitlines() if " /dashboard/ " in line)
    n = max(len(ms), 1)
    result = {
        "clients": clients, "pause_s": pause, "client_processes": len(procs), "seconds": round(elapsed, 1), "gunicorn_workers": workers, "gunicorn_threads": 4,
        "requests": len(ms), "errors": len(errors), "requests_per_second": round(len(ms) / elapsed, 1),
        "p50_ms": round(_pct(ms, 50), 1), "p95_ms": round(_pct(ms, 95), 1), "p99_ms": round(_pct(ms, 99), 1),
        "max_ms": round(ms[-1], 1), "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "error_kinds": dict(collections.Counter(errors)), "keepalive_closes_retried": len(retried),
        "server_p50_ms": round(_pct(served, 50), 1) if served else None, "server_p95_ms": round(_pct(served, 95), 1) if served else None,
        "server_cpu_ms_per_request": round(server_cpu * 1000 / n, 2),
        "client_cpu_ms_per_request": round(client_cpu * 1000 / n, 2),
        "server_cpu_share": round(server_cpu / (elapsed * (os.cpu_count() or 1)), 2),
        "client_cpu_share": round(client_cpu / (elapsed * (os.cpu_count() or 1)), 2),
    }
    print(f"{clients} clients{f' pausing {pause:g} s' if pause else ''}, {result['seconds']} s: {result['requests']:,} dashboard requests "
          f"({result['requests_per_second']}/s), {result['errors']} errors; latency p50 {result['p50_ms']} ms, "
          f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms; in gunicorn p50 {result['server_p50_ms']} ms, "
          f"p95 {result['server_p95_ms']} ms; CPU a request: service {result['server_cpu_ms_per_request']} ms "
          f"({result['server_cpu_share']:.0%} of the machine), load generator {result['client_cpu_ms_per_request']} ms "
          f"({result['client_cpu_share']:.0%}); errors {result['error_kinds'] or 'none'}, "
          f"{len(retried)} kept-alive connections closed by the server and the request sent again; load average before "
          f"{load[0]:.2f}, after {result['load_average_after'][0]:.2f} "
          f"(targets: p95 < 150 ms at 30 clients, < 100 ms at 50, 0 errors: "
          f"{'met' if result['p95_ms'] < (150 if clients <= 30 else 100) and not errors else 'NOT met'})",
          flush=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, nargs="+", default=[30, 50], help="concurrent clients, one run each (default 30 50)")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2: one per core)")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--client-processes", type=int, default=2, help="processes the clients' threads are shared among (default 2)")
    ap.add_argument("--pause", type=float, default=0, help="seconds each client waits after an answer, as a reader would "
                    "(default 0: the closed loop the targets are set for; a pause writes web-pause.json, not web.json)")
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
        # Every client signed in before the clock starts, a few at a time: a sign-in is a password hash (about
        # half a second of CPU), and fifty at once on two cores kept the first clients past their time-out.
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            cookies = list(pool.map(lambda _: _cookie(sign_in(args.port, "analyst")[1]), range(max(args.clients))))
        pids = [server.pid, *(int(p) for p in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split())]
        with log.open(encoding="utf-8") as access_log:
            results = [_run(args.port, cookies[:clients], args.seconds, args.workers, args.client_processes, access_log, pids, args.pause)
                       for clients in args.clients]
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = ROOT / "bench" / "results" / ("web-pause.json" if args.pause else "web.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
