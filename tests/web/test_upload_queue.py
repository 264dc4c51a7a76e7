"""Uploads are checked off the request: the upload page stores the file and queues its check on the
django-tasks worker, the result page says "We are checking your file" until the check is done, and a
check cut off by its time or memory limit, or whose worker died, is said in plain words with what to do,
never left "checking" for ever. The worker's child process and its limits are real (a real fork, a real
RLIMIT_AS, a real kill); the task is run here as the database worker runs it.
"""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.web.conftest import client_for, zipped
from wres.web import returns
from wres.web.models import Upload

pytestmark = pytest.mark.django_db
# The database worker closes a connection left inside a transaction, as a test's is: the tests that run it
# commit for real (transaction=True), as the service does.
worker_db = pytest.mark.django_db(transaction=True)
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> int:
    """django-tasks' database worker in batch mode: every ready task, then stop (as tests/web/test_e2e.py)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready().count()
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="queue-test-worker", excluded_queue_names=[]).run()
    return ready


@worker_db
@pytest.mark.postgres("the database task queue (row locks) and the check's child process")
def test_the_upload_is_queued_and_the_page_says_it_is_being_checked(users, demo_returns, settings) -> None:  # noqa: ANN001
    settings.TASKS = DB_BACKEND
    c = client_for(users["analyst_A"])
    r = c.post("/submit/", {"file": zipped(demo_returns["A"], "eastmere.zip")})
    up = Upload.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/submit/{up.id}/"
    assert up.status == Upload.Status.CHECKING and up.started_at is None, "the check is the worker's, not the request's"
    assert Path(up.staged, "return.zip").is_file(), "the file is stored for the worker"

    # the progress page: waiting for the worker, polled by init.js through the status URL
    html = c.get(f"/submit/{up.id}/").content.decode()
    assert "We are checking your file" in html and "Waiting to start" in html
    assert f'data-report-status-url="/submit/{up.id}/status/"' in html and 'data-report-status="waiting"' in html
    assert json.loads(c.get(f"/submit/{up.id}/status/").content)["status"] == "waiting"
    # the user can leave and come back: the upload page lists the check in progress
    html = c.get("/submit/").content.decode()
    assert "Being checked" in html and f'href="/submit/{up.id}/"' in html and "eastmere.zip" in html

    assert run_worker() == 1
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID and up.started_at is not None
    assert json.loads(c.get(f"/submit/{up.id}/status/").content)["status"] == "valid"  # the page reloads on the change
    r = c.get(f"/submit/{up.id}/", follow=True)
    assert "Check your answers before submitting the return" in r.content.decode()
    assert "Being checked" not in c.get("/submit/").content.decode()


def test_another_authority_cannot_see_a_check(users, demo_returns, settings) -> None:  # noqa: ANN001
    settings.TASKS = DB_BACKEND
    client_for(users["analyst_A"]).post("/submit/", {"file": zipped(demo_returns["A"])})
    up = Upload.objects.get()
    other = client_for(users["analyst_B"])
    assert other.get(f"/submit/{up.id}/status/").status_code == 404
    assert other.get(f"/submit/{up.id}/").status_code == 404


@worker_db
@pytest.mark.postgres("the database task queue: two tasks, one settled")
def test_a_check_replaced_by_a_later_upload_is_not_settled(users, demo_returns, settings) -> None:  # noqa: ANN001
    settings.TASKS = DB_BACKEND
    c = client_for(users["analyst_A"])
    c.post("/submit/", {"file": zipped(demo_returns["A"], "first.zip")})
    c.post("/submit/", {"file": zipped(demo_returns["A"], "second.zip")})
    first, second = Upload.objects.get(filename="first.zip"), Upload.objects.get(filename="second.zip")
    assert first.status == Upload.Status.DISCARDED and not first.staged and not Path(settings.UPLOAD_DIR, str(first.authority_id), str(first.id)).exists()
    assert run_worker() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Upload.Status.DISCARDED and second.status == Upload.Status.VALID
    # its page says it was replaced before its check, not that it was checked
    said = " ".join(c.get(f"/submit/{first.id}/").content.decode().split())
    assert "first.zip was uploaded on" in said and "replaced by a later upload (second.zip) before it was checked" in said
    assert "was checked on" not in said


# ---- limits: a check that takes too long, or too much memory, or whose process dies -------------------------

def _slow(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
    time.sleep(60)


def test_a_check_that_takes_too_long_is_stopped_and_said_so(users, demo_returns, settings, monkeypatch) -> None:  # noqa: ANN001
    settings.CHECK_SECONDS = 1
    monkeypatch.setattr(returns, "_check_staged", _slow)  # the forked child inherits it
    c = client_for(users["analyst_A"])
    html = c.post("/submit/", {"file": zipped(demo_returns["A"])}, follow=True).content.decode()
    up = Upload.objects.get()
    assert up.status == Upload.Status.STOPPED and not up.staged
    assert "The check was stopped" in html and 'class="govuk-error-summary"' in html
    assert "took too long to check" in html and "send the aggregated counts.csv instead" in html
    assert not Path(settings.UPLOAD_DIR, str(up.authority_id), str(up.id)).exists()


def _greedy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
    hog = [bytearray(64 << 20) for _ in range(1000)]  # 64 GB, far past any limit
    return hog


def test_a_check_that_needs_too_much_memory_is_said_so(users, demo_returns, settings, monkeypatch) -> None:  # noqa: ANN001
    settings.CHECK_MEMORY_BYTES = 256 << 20
    monkeypatch.setattr(returns, "_check_staged", _greedy)
    c = client_for(users["analyst_A"])
    html = c.post("/submit/", {"file": zipped(demo_returns["A"])}, follow=True).content.decode()
    up = Upload.objects.get()
    assert up.status == Upload.Status.INVALID and not up.staged
    assert "needed more memory to check than an upload may use" in html and "MemoryError" not in html
    assert not Path(settings.UPLOAD_DIR, str(up.authority_id), str(up.id)).exists()


def _killed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would


def test_a_check_whose_process_is_killed_is_said_so(users, demo_returns, monkeypatch) -> None:
    monkeypatch.setattr(returns, "_check_staged", _killed)
    c = client_for(users["analyst_A"])
    html = c.post("/submit/", {"file": zipped(demo_returns["A"])}, follow=True).content.decode()
    up = Upload.objects.get()
    assert up.status == Upload.Status.STOPPED
    assert "the check stopped before it finished" in html and "upload it again" in html
    assert not Path(settings.UPLOAD_DIR, str(up.authority_id), str(up.id)).exists()


@worker_db
@pytest.mark.postgres("the database task queue and recovery")
def test_a_check_whose_worker_died_is_shown_stopped_not_checking_for_ever(users, demo_returns, settings) -> None:  # noqa: ANN001
    settings.TASKS = DB_BACKEND
    c = client_for(users["analyst_A"])
    c.post("/submit/", {"file": zipped(demo_returns["A"])})
    up = Upload.objects.get()
    staged = Path(up.staged)
    # the worker took it, then died (no result, no status change) long enough ago
    Upload.objects.filter(pk=up.pk).update(started_at=timezone.now() - timedelta(seconds=settings.CHECK_SECONDS) - returns.MARGIN - timedelta(seconds=1))
    assert json.loads(c.get(f"/submit/{up.id}/status/").content)["status"] == "stopped"
    html = c.get(f"/submit/{up.id}/").content.decode()
    assert "The check was stopped" in html and "the check stopped before it finished" in html
    assert not staged.exists(), "a stopped check's files are deleted"
    # the queued task, run late, leaves it as it is
    assert run_worker() == 1
    up.refresh_from_db()
    assert up.status == Upload.Status.STOPPED


def test_a_check_never_started_is_stopped_in_time(users, demo_returns, settings) -> None:  # noqa: ANN001
    """The worker is not running: after twice the limit the page says so instead of waiting for ever."""
    settings.TASKS = DB_BACKEND
    c = client_for(users["analyst_A"])
    c.post("/submit/", {"file": zipped(demo_returns["A"])})
    up = Upload.objects.get()
    Upload.objects.filter(pk=up.pk).update(created_at=timezone.now() - 2 * (timedelta(seconds=settings.CHECK_SECONDS) + returns.MARGIN) - timedelta(seconds=1))
    assert "Being checked" not in c.get("/submit/").content.decode()
    up.refresh_from_db()
    assert up.status == Upload.Status.STOPPED and not Path(settings.UPLOAD_DIR, str(up.authority_id), str(up.id)).exists()


def test_the_worker_limits_do_not_stop_a_real_return(demo_returns, tmp_path) -> None:
    """The demo return checked in the limited child process with the default limits: counts come back."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = zipped(demo_returns["A"])
    staging = tmp_path / "staging"
    assert returns.stage(SimpleUploadedFile("return.zip", upload.read()), staging) == []
    found = returns.check_limited(staging, "return.zip", None, settings.CHECK_SECONDS, settings.CHECK_MEMORY_BYTES)
    assert found.loaded is not None and not [p for p in found.problems if p.severity == "error"]


@worker_db
@pytest.mark.postgres("the database task queue and recovery")
def test_a_check_run_again_after_its_worker_died_starts_afresh(users, demo_returns, settings) -> None:  # noqa: ANN001
    """The worker recovery requeues a check whose worker died: what the first try half unpacked is redone."""
    settings.TASKS = DB_BACKEND
    client_for(users["analyst_A"]).post("/submit/", {"file": zipped(demo_returns["A"])})
    up = Upload.objects.get()
    half = Path(up.staged, "return")
    half.mkdir()
    (half / "staff.csv").write_text("half written", encoding="utf-8")
    assert returns.check_queued(str(up.pk)) == Upload.Status.VALID
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID and (half / "staff.csv").read_text(encoding="utf-8") != "half written"
    assert not Path(up.staged, "return.zip").exists(), "the zip is not kept once its files are checked"
