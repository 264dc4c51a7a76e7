"""One upload gives at most one version: a double click, two tabs or the back button never count a return twice.

The database enforces it (Submission.upload is one to one, and the upload's row is locked inside the submit's
transaction), so it holds on SQLite and PostgreSQL alike; SQLite writers wait for each other instead of failing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from tests.web.conftest import client_for, zipped
from wres.web import returns
from wres.web.models import AuditEvent, ReportJob, Submission, Upload


def _valid_upload(users, authorities, demo_returns) -> Upload:  # noqa: ANN001
    up = returns.record(authorities["A"], users["analyst_A"], zipped(demo_returns["A"]))
    assert up.status == Upload.Status.VALID, up.problems
    return up


@pytest.mark.django_db
@pytest.mark.postgres("select_for_update on the upload")
def test_a_second_submit_of_one_upload_is_refused_with_the_first_version(users, authorities, demo_returns) -> None:
    up = _valid_upload(users, authorities, demo_returns)
    first = returns.submit(up, users["analyst_A"], keep_files=False)
    with pytest.raises(returns.NotSubmittable) as again:
        returns.submit(Upload.objects.get(pk=up.pk), users["analyst_A"], keep_files=False)
    assert again.value.submission == first
    # even an Upload object read before the first submit (its status still "valid" in memory)
    up.status = Upload.Status.VALID
    with pytest.raises(returns.NotSubmittable):
        returns.submit(up, users["analyst_A"], keep_files=False)
    assert Submission.objects.count() == 1 and first.upload_id == up.pk


@pytest.mark.django_db
@pytest.mark.postgres("a unique constraint and its IntegrityError")
def test_the_database_refuses_a_second_version_of_one_upload(users, authorities, demo_returns) -> None:
    """Below the lock, the one-to-one constraint itself: a second row pointing at the upload cannot be made."""
    from django.db import IntegrityError, transaction

    up = _valid_upload(users, authorities, demo_returns)
    sub = returns.submit(up, users["analyst_A"], keep_files=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(authority=sub.authority, period_start=sub.period_start, period_end=sub.period_end,
                                  version=sub.version + 1, filename="again", organisation={}, counts={}, document={}, upload=up)


@pytest.mark.django_db
@pytest.mark.postgres("select_for_update on the upload")
def test_posting_check_your_answers_again_goes_to_the_version_already_made(users, authorities, demo_returns) -> None:
    up = _valid_upload(users, authorities, demo_returns)
    c = client_for(users["analyst_A"])
    first = c.post(f"/submit/{up.id}/check/", {"keep_files": ""})
    assert first.status_code == 302
    sub = Submission.objects.get()
    # the browser's back button and Submit again: the check page itself now sends to the submission
    again = c.post(f"/submit/{up.id}/check/", {"keep_files": ""}, follow=True)
    assert again.status_code == 200 and Submission.objects.count() == 1
    assert again.redirect_chain[-1][0] in (f"/submissions/{sub.pk}/", "/submissions/")
    assert AuditEvent.objects.filter(action="return submitted").count() == 1
    assert ReportJob.objects.filter(submission=sub).count() == 1


@pytest.mark.django_db
def test_the_submit_button_ignores_a_double_click(users, authorities, demo_returns) -> None:
    up = _valid_upload(users, authorities, demo_returns)
    html = client_for(users["analyst_A"]).get(f"/submit/{up.id}/check/").content.decode()
    assert 'data-prevent-double-click="true"' in html  # GOV.UK Frontend's Button: one send per click burst


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres("concurrent transactions and row locks")
def test_four_posts_at_once_make_one_version_and_no_error(users, authorities, demo_returns) -> None:
    """The form posted four times at the same moment (as a hammered button or a script would): one version,
    one report job, one audit entry, and every response a redirect (no "database is locked", no 500)."""
    up = _valid_upload(users, authorities, demo_returns)
    clients = [client_for(users["analyst_A"]) for _ in range(4)]
    for c in clients:
        c.raise_request_exception = False
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def post(c) -> None:  # noqa: ANN001
        start.wait()
        try:
            statuses.append(c.post(f"/submit/{up.id}/check/", {"keep_files": "on"}).status_code)
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [302] * 4
    sub = Submission.objects.get()
    assert sub.upload_id == up.pk and sub.version == 1
    assert ReportJob.objects.filter(submission=sub).count() == 1
    assert AuditEvent.objects.filter(action="return submitted").count() == 1
    # the kept files moved once, whole, and nothing is left staged
    assert sub.kept_files and sorted(p.name for p in Path(sub.kept_files).iterdir())
    up.refresh_from_db()
    assert up.status == Upload.Status.SUBMITTED and up.staged == ""


def test_sqlite_runs_in_wal_mode_and_waits_for_the_write_lock(tmp_path: Path) -> None:
    """The service's own SQLite settings, as `make serve` gets them (tests otherwise use an in-memory copy)."""
    code = ("import django; django.setup(); from django.db import connection; c = connection.cursor(); "
            "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA busy_timeout').fetchone()[0])")
    env = {**os.environ, "WRES_WEB_DATA": str(tmp_path), "DJANGO_SETTINGS_MODULE": "wres.web.settings"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["wal", "20000"]


@pytest.mark.django_db
@pytest.mark.postgres("select_for_update while files are recovered")
def test_recovery_keeps_what_a_version_names_and_puts_back_or_deletes_the_rest(settings, users, authorities, demo_returns) -> None:
    """kept/ after a submit killed between its rename and its commit: the folder goes back to its still
    submittable upload; one whose upload was discarded meanwhile is deleted; a version's own, and one of no
    upload the service knows, are left alone."""
    import shutil

    kept = returns.submit(_valid_upload(users, authorities, demo_returns), users["analyst_A"], keep_files=True)
    discarded = _valid_upload(users, authorities, demo_returns)  # moved by a killed submit, then discarded
    orphan = settings.KEPT_DIR / str(discarded.authority_id) / str(discarded.pk)
    shutil.copytree(discarded.staged, orphan)
    waiting = _valid_upload(users, authorities, demo_returns)  # (a new upload discards the one before)
    staged = Path(waiting.staged)
    lost = settings.KEPT_DIR / str(waiting.authority_id) / str(waiting.pk)
    shutil.move(staged, lost)  # as the killed submit left it
    stray = settings.KEPT_DIR / str(waiting.authority_id) / "0b0e3f1a-7c1d-4a57-9a83-2f4f3c2d9e10"  # no such upload
    stray.mkdir()
    (stray / "staff.csv").write_text("person_id\n1\n")

    done = returns.recover_kept()

    assert sorted(done) == sorted([lost, orphan])
    assert staged.is_dir() and not lost.exists() and not orphan.exists() and stray.is_dir()
    assert Path(kept.kept_files).is_dir() and any(Path(kept.kept_files).iterdir())
    assert returns.submit(Upload.objects.get(pk=waiting.pk), users["analyst_A"], keep_files=True).version == 2


@pytest.mark.django_db
def test_every_plan_form_button_ignores_a_double_click(users) -> None:
    """A double click on "Add action" must not add the action twice (the plan's forms have their own layout)."""
    html = client_for(users["analyst_A"]).get("/plan/new/").content.decode()
    assert 'data-prevent-double-click="true"' in html
