"""Faults the service survives (issue 15, point 7), each made real: a worker killed in the middle of a report
build, a web process killed in the middle of a submit, PostgreSQL restarted under load, the disk full
while a report is written.

The killed processes are real `python -m wres.web` processes on the test's own database (a file on
SQLite, the test database on PostgreSQL), killed with SIGKILL at a step a small wrapper marks: a kill
cannot be caught, so whatever was not committed or renamed by then is what a real crash would leave.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.web.conftest import client_for, zipped
from wres.web import recovery, returns
from wres.web.models import ReportJob, Submission, Upload
from wres.web.tasks import build_report, request_report

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WAIT = 240  # seconds a step may take before the test gives up (a hang guard, not a timed assertion)


# ---- real processes on the test's database -------------------------------------------------------------------

def _database_url() -> str:
    """The test database as DATABASE_URL, for a process started by the test (settings.py reads it)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def data_dir(settings, tmp_path: Path) -> Path:  # noqa: ANN001
    """A data folder laid out as settings.py lays out WRES_WEB_DATA, shared by the test and its processes."""
    data = tmp_path / "data"
    settings.UPLOAD_DIR, settings.KEPT_DIR = data / "uploads", data / "kept"
    settings.REPORT_DIR, settings.NATIONAL_DIR = data / "reports", data / "national"
    settings.PSEUDONYM_KEY = data / "pseudonym.key"
    return data


def _env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WRES_TEST_")}
    return env | {"DATABASE_URL": _database_url(), "WRES_WEB_DATA": str(data), "DJANGO_SETTINGS_MODULE": "wres.web.settings",
                  "WRES_TASK_BACKEND": "django_tasks_db.DatabaseBackend", "PYTHONPATH": str(Path(__file__).parents[2])} | extra


# Run as `python -c WRAPPER args...`: `python -m wres.web args...` with one function wrapped so that the
# process stops at a marked step: WRES_TEST_AT names "module:function", WRES_TEST_DO is "hold" (write
# WRES_TEST_MARK, then wait until the test kills it) or "kill" (SIGKILL itself once the function returns).
WRAPPER = textwrap.dedent("""
    import importlib, os, signal, sys, time
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wres.web.settings")
    django.setup()
    module, name = os.environ["WRES_TEST_AT"].split(":")
    mod = importlib.import_module(module)
    real = getattr(mod, name)
    def stop_here(*args, **kwargs):
        out = real(*args, **kwargs)
        open(os.environ["WRES_TEST_MARK"], "w").close()
        if os.environ["WRES_TEST_DO"] == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        while True:
            time.sleep(0.05)
    setattr(mod, name, stop_here)
    from wres.web.__main__ import main
    sys.argv = ["wres.web", *sys.argv[1:]]
    main()
""")


def _wait_for(mark: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT
    while not mark.exists():
        if proc.poll() is not None and not mark.exists():
            out, err = proc.communicate()
            pytest.fail(f"the process ended (rc {proc.returncode}) before the marked step:\n{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the process never reached the marked step")
        time.sleep(0.05)


def _worker(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m wres.web worker --batch`: every ready task, then stop."""
    return subprocess.run([sys.executable, "-m", "wres.web", "worker", "--batch", "--no-startup-delay", *args],
                          env=_env(data), capture_output=True, text=True, timeout=WAIT, check=True)


# ---- a worker killed in the middle of a report build ------------------------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres("a killed process's uncommitted transaction, and the task queue's row locks")
def test_a_report_build_whose_worker_is_killed_is_built_again_by_the_next_worker(settings, data_dir, submitted, users) -> None:
    """The worker is killed once the report files are written into the build's temporary folder, before
    the folder is renamed into place. The job stays "Being built" and nothing is served; the next worker
    to start sees the dead worker's job, queues it again and builds it; the half-written folder goes."""
    settings.TASKS = DB_BACKEND
    sub = submitted["A"]
    job = request_report(sub, users["analyst_A"])
    mark = data_dir / "writing"
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, "worker", "--no-startup-delay", "--interval", "0.1"],
                            env=_env(data_dir, WRES_TEST_AT="wres.render.report_set:write", WRES_TEST_DO="hold", WRES_TEST_MARK=str(mark)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(mark, proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=WAIT)
    job.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert job.status == ReportJob.Status.RUNNING and task.status == TaskResultStatus.RUNNING, "the killed build finished after all"
    half = list(job.directory.parent.glob(f".{job.pk}.*"))
    assert half and not job.directory.exists(), "the files were not written into a temporary folder first"
    analyst = client_for(users["analyst_A"])
    assert analyst.get(f"/reports/{job.pk}/report.html").status_code == 404, "a half-built report is served"
    assert "being prepared" in analyst.get(f"/submissions/{sub.pk}/").content.decode()

    done = _worker(data_dir)

    assert "queued again" in done.stderr, done.stderr
    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and task.status == TaskResultStatus.SUCCESSFUL, (job.error, task.traceback)
    assert len(task.worker_ids) == 2, task.worker_ids
    assert (job.directory / "report.html").is_file() and (job.directory / "report.pdf").is_file()
    assert not list(job.directory.parent.glob(f".{job.pk}.*")), "the killed build's temporary folder was left"
    page = analyst.get(f"/reports/{job.pk}/report.html")
    assert page.status_code == 200


def _stuck(settings, sub: Submission, user: Any, worker_ids: list[str], started: float = 0) -> tuple[ReportJob, DBTaskResult]:  # noqa: ANN001
    """A report job whose task a worker claimed (`worker_ids`, one per try) `started` seconds ago."""
    from django.utils import timezone

    settings.TASKS = DB_BACKEND
    job = ReportJob.objects.create(submission=sub, requested_by=user, status=ReportJob.Status.RUNNING)
    build_report.enqueue(job.pk)
    task = DBTaskResult.objects.get(args_kwargs__args=[job.pk])
    task.status, task.worker_ids = TaskResultStatus.RUNNING, worker_ids
    task.started_at = timezone.now() - timezone.timedelta(seconds=started)
    task.save()
    return job, task


def _dead_worker() -> str:
    """The id a worker that has since stopped would have had."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return f"{recovery.HOST}:{proc.stdout.strip()}:0"


@pytest.mark.django_db
@pytest.mark.postgres("recovery takes jobs back with select_for_update(skip_locked) and a JSON field lookup")
def test_a_job_whose_worker_died_three_times_is_failed_and_the_user_told(settings, submitted, users) -> None:
    job, task = _stuck(settings, submitted["A"], users["analyst_A"], [_dead_worker()] * recovery.MAX_ATTEMPTS)

    recovery.recover()

    job.refresh_from_db()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and job.status == ReportJob.Status.FAILED
    page = client_for(users["analyst_A"]).get(f"/submissions/{submitted['A'].pk}/").content.decode()
    assert "The report could not be prepared" in page and "WorkerDied" not in page and "Traceback" not in page


@pytest.mark.django_db
@pytest.mark.postgres("recovery takes jobs back with select_for_update(skip_locked) and a JSON field lookup")
def test_only_a_dead_or_overdue_workers_job_is_taken_back(settings, submitted, users) -> None:
    """A job a live worker runs (here: this process, or a worker on another machine within the lease) is
    left alone; one on another machine past the lease is queued again, by `prune` as by a worker."""
    sub, user = submitted["A"], users["analyst_A"]
    mine, mine_task = _stuck(settings, sub, user, [recovery.worker_id()])
    elsewhere, elsewhere_task = _stuck(settings, sub, user, ["another-host:123:0"], started=60)
    overdue, overdue_task = _stuck(settings, sub, user, ["another-host:456:0"], started=recovery.LEASE.total_seconds() + 60)
    from django.core.management import call_command

    call_command("prune")

    for job, task, status, task_status in ((mine, mine_task, ReportJob.Status.RUNNING, TaskResultStatus.RUNNING),
                                           (elsewhere, elsewhere_task, ReportJob.Status.RUNNING, TaskResultStatus.RUNNING),
                                           (overdue, overdue_task, ReportJob.Status.QUEUED, TaskResultStatus.READY)):
        job.refresh_from_db()
        task.refresh_from_db()
        assert (job.status, task.status) == (status, task_status), job.pk


@pytest.mark.django_db
@pytest.mark.postgres("recovery takes jobs back with select_for_update(skip_locked) and a JSON field lookup")
@pytest.mark.parametrize("tries", [1, recovery.MAX_ATTEMPTS])
def test_a_worker_dying_while_laying_out_the_pdf_leaves_no_part_and_at_last_fails_the_pdf(settings, submitted, users, tries) -> None:
    """The set published (DONE), the worker killed in the second step with the PDF and a PNG half-written
    under their temporary names: recovery removes both; the job is run again (only the PDF), or after the
    last try its PDF is failed, which the page says with 'Try again', not 'being prepared' for ever."""
    from wres.web.models import PdfStatus

    job, task = _stuck(settings, submitted["A"], users["analyst_A"], [_dead_worker()] * tries)
    (job.directory / "charts").mkdir(parents=True)
    (job.directory / "report.html").write_text("<p>published</p>", encoding="utf-8")
    (job.directory / ".report.pdf.part").write_bytes(b"%PDF-1.7 half")
    (job.directory / "charts" / ".m1.png.part").write_bytes(b"\x89PNG half")
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.DONE, pdf=PdfStatus.PENDING)

    recovery.recover()

    job.refresh_from_db()
    task.refresh_from_db()
    assert sorted(p.name for p in job.directory.rglob("*")) == ["charts", "report.html"]
    if tries < recovery.MAX_ATTEMPTS:
        assert (task.status, job.status, job.pdf) == (TaskResultStatus.READY, ReportJob.Status.DONE, PdfStatus.PENDING)
        return
    assert (task.status, job.status, job.pdf) == (TaskResultStatus.FAILED, ReportJob.Status.DONE, PdfStatus.FAILED)
    page = client_for(users["analyst_A"]).get(f"/submissions/{submitted['A'].pk}/").content.decode()
    assert "The PDF could not be prepared" in page and "being prepared" not in page and "WorkerDied" not in page


# ---- a web process killed in the middle of a submit -------------------------------------------------------

SUBMIT = textwrap.dedent("""
    from django.contrib.auth.models import User
    from wres.web import returns
    from wres.web.models import Upload
    upload = Upload.objects.get(pk="{upload}")
    returns.submit(upload, User.objects.get(pk={user}), keep_files=True, add_plan=True)
""")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", [
    "wres.pipeline:publish",            # the published figures made, nothing written yet
    "wres.web.returns:_add_plan",       # inside the transaction: the version and the plan written, not committed
    "shutil:move",                      # inside the transaction: the staged files moved to kept/, not committed
    "wres.web.returns:discard",         # committed, the upload's leftovers not yet tidied
])
@pytest.mark.postgres("a killed process's uncommitted transaction is rolled back by the engine")
def test_a_submit_killed_at_any_step_leaves_no_half_version(data_dir, users, authorities, demo_returns, step) -> None:
    """A web process submitting (keep the files, add the plan) is killed after each step in turn. Either no
    version was kept and the upload can still be submitted from its staged files, or the version is whole:
    its kept files all there. Files and database always agree; nothing is counted twice."""
    analyst = users["analyst_A"]
    upload = returns.record(authorities["A"], analyst, zipped(demo_returns["A"]))
    assert upload.status == Upload.Status.VALID, upload.problems
    staged = _files(Path(upload.staged))
    mark = data_dir / "stopped"
    proc = subprocess.run([sys.executable, "-c", WRAPPER, "shell", "-c", SUBMIT.format(upload=upload.pk, user=analyst.pk)],
                          env=_env(data_dir, WRES_TEST_AT=step, WRES_TEST_DO="kill", WRES_TEST_MARK=str(mark)),
                          capture_output=True, text=True, timeout=WAIT)
    assert mark.exists() and proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr[-3000:])

    recovery.recover()  # as every worker does within a minute, and prune
    upload.refresh_from_db()
    subs = list(Submission.objects.filter(authority=authorities["A"]))
    kept_root = django_settings.KEPT_DIR
    kept_folders = [p for p in kept_root.glob("*/*")] if kept_root.exists() else []
    if not subs:  # rolled back: as before the submit once the worker's recovery (or prune) has run, and it can be submitted now
        assert upload.status == Upload.Status.VALID
        assert _files(Path(upload.staged)) == staged, "the staged files are not all where the upload expects them"
        assert not kept_folders, f"files kept for a version that does not exist: {kept_folders}"
        sub = returns.submit(upload, analyst, keep_files=True, add_plan=True)
    else:  # committed: one whole version
        [sub] = subs
        assert sub.upload_id == upload.pk and upload.status in (Upload.Status.SUBMITTED,)
    assert sub.version == 1 and Submission.objects.filter(authority=authorities["A"]).count() == 1
    assert sub.kept_files and _files(Path(sub.kept_files)) == staged, "the kept files are not the staged ones"
    assert [p for p in kept_root.glob("*/*")] == [Path(sub.kept_files)]
    assert client_for(analyst).get("/dashboard/").status_code == 200


# ---- the disk full while a report is written --------------------------------------------------------------

@pytest.mark.django_db
def test_a_disk_full_while_a_report_is_written_fails_clearly_and_serves_nothing(submitted, users, monkeypatch, django_capture_on_commit_callbacks) -> None:
    """The writer runs out of space half-way (the HTML written, then ENOSPC): the job fails, its page says
    so in plain words, the half-written folder is gone and no file of it is served."""
    from wres.render import report_set

    real = report_set.write

    def disk_full(report: Any, out: Path, *args: Any, **kwargs: Any) -> Any:
        (out / "report.html").write_text("<html>half", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out / "report.pdf"))

    monkeypatch.setattr(report_set, "write", disk_full)
    sub = submitted["A"]
    analyst = client_for(users["analyst_A"])
    with django_capture_on_commit_callbacks(execute=True):  # the build queued at commit, run at once (ImmediateBackend)
        job = request_report(sub, users["analyst_A"])
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED, job.status
    assert not job.directory.exists() and not list(job.directory.parent.glob(f".{job.pk}.*"))
    assert analyst.get(f"/reports/{job.pk}/report.html").status_code == 404
    page = analyst.get(f"/submissions/{sub.pk}/").content.decode()
    assert "The report could not be prepared. Try again" in page
    assert "OSError" not in page and "No space" not in page and "Traceback" not in page

    monkeypatch.setattr(report_set, "write", real)  # space again: trying again builds it
    with django_capture_on_commit_callbacks(execute=True):
        analyst.post(f"/submissions/{sub.pk}/report/")
    job = sub.reports.first()
    assert job.status == ReportJob.Status.DONE and (job.directory / "report.html").is_file()


# ---- PostgreSQL restarted under load ----------------------------------------------------------------------

def _get(port: int, path: str, cookie: str) -> tuple[int, str]:
    """One request on a new connection: the status, and the page ("" if the server did not answer)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    except OSError as exc:
        return 0, f"no answer: {exc!r}"
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres("PostgreSQL only")
@pytest.mark.alone
def test_postgresql_restarted_under_load_fails_cleanly_and_the_service_recovers(data_dir, submitted, users, tmp_path) -> None:
    """gunicorn (as `make serve` runs it, one worker of four threads, persistent database connections) is
    asked for the dashboard by four clients while PostgreSQL restarts. A request the restart catches gets
    the service's own error page (500 or 503), never a traceback or a dropped connection; once PostgreSQL
    is back, every request succeeds, with no restart of the service."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    import socket

    from django.test import Client

    browser = Client()
    browser.force_login(users["analyst_A"], backend="django.contrib.auth.backends.ModelBackend")
    cookie = browser.cookies["sessionid"].value
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "wres.web.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", "1", "--threads", "4", "--timeout", "120"],
                              env=_env(data_dir, WRES_SECRET_KEY=django_settings.SECRET_KEY),  # the test's session is signed with it
                              stdout=(log_file := (tmp_path / "gunicorn.log").open("w")), stderr=subprocess.STDOUT)  # a file: a full pipe would stop it
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", sorted(os.listdir("/etc/postgresql"))[-1], "main"]
    answers: list[tuple[int, str]] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            answers.append(_get(port, "/dashboard/", cookie))

    try:
        deadline = time.monotonic() + 60
        while (first := _get(port, "/dashboard/", cookie))[0] != 200:
            assert time.monotonic() < deadline and server.poll() is None, f"the service did not start: {first[0]} {first[1][:300]}"
            time.sleep(0.2)
        clients = [threading.Thread(target=load) for _ in range(4)]
        for t in clients:
            t.start()
        while len(answers) < 20:  # under load before the restart
            time.sleep(0.05)
        try:
            subprocess.run([*cluster, "restart"], check=True, timeout=WAIT, capture_output=True)
        finally:
            subprocess.run([*cluster, "start"], check=False, timeout=WAIT, capture_output=True)  # up again, whatever happened
        during = len(answers)
        while len(answers) < during + 40:  # under load after the restart
            time.sleep(0.05)
        stop.set()
        for t in clients:
            t.join(timeout=WAIT)
        after = [_get(port, "/dashboard/", cookie) for _ in range(8)]
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=WAIT)
        log_file.close()
        log = (tmp_path / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
        connection.close()  # this process's connection did not survive the restart either

    statuses = [status for status, _ in answers]
    assert set(statuses) <= {200, 500, 503}, (sorted(set(statuses)), log[-3000:])
    for status, page in answers:
        if status != 200:
            assert "Sorry, there is a problem with the service" in page and "Traceback" not in page, page[:2000]
    assert all(status == 200 for status, _ in answers[during + 8:]), "requests kept failing after PostgreSQL was back"
    assert [status for status, _ in after] == [200] * 8
    assert "Traceback" not in "".join(page for _, page in answers)
