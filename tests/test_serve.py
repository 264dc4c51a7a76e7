"""`make serve` as a user runs it and stops it: Ctrl+C in its terminal while the worker builds a report."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _processes_with(marker: str) -> list[int]:
    """Processes whose environment holds `marker` (this test's data folder): the worker and its helper too."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_ctrl_c_stops_the_service_after_the_report_being_built_and_prints_no_traceback(tmp_path: Path) -> None:
    """Ctrl+C reaches every process of the terminal's group. The worker was among them and then had a second
    signal from `make serve`'s own clean-up (its "force" signal), which stopped it mid-build or mid-exit with
    a traceback. Now it is out of the terminal's group: it has one signal, finishes the report and ends, and
    make waits for it."""
    # make serve needs both (make is the README's own command; setsid is util-linux, on every Debian and Ubuntu)
    assert shutil.which("make") and shutil.which("setsid"), "make serve needs make and setsid"
    data = tmp_path / "web-data"
    port = _free_port()
    env = {**os.environ, "WRES_WEB_DATA": str(data), "WRES_BIND": f"127.0.0.1:{port}", "MAKEFLAGS": "", "MAKELEVEL": ""}
    env.pop("DATABASE_URL", None)  # its own SQLite in the data folder, never a database the caller uses
    proc = subprocess.Popen(["make", "--no-print-directory", "serve"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 180
        while not any("build_report state=RUNNING" in line for line in lines):  # demo_data asks for reports
            assert proc.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.05)
        while True:  # the web server answers too (it starts beside the worker)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=30).read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "".join(lines)
                time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # the user's Ctrl+C, while the report is built
        proc.wait(timeout=120)
        reader.join(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    out = "".join(lines)
    assert "Traceback" not in out, out
    running = [line.split()[1] for line in lines if "build_report state=RUNNING" in line]
    assert all(any(f"{task} path=wres.web.tasks.build_report state=SUCCESSFUL" in line for line in lines) for task in running), out
    left = _processes_with(f"WRES_WEB_DATA={data}\0")
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "the worker (or its helper) outlived make serve"
