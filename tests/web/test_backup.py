"""Backup and restore (issue 15, point 7): `python -m wres.web backup` of a service with history, restored
by `python -m wres.web restore` into an empty database (a new SQLite file; on PostgreSQL a database made
with createdb for the test) and a new data folder, holds every row and every file it had, and serves them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from tests.web.conftest import zipped
from tests.web.test_faults import WAIT, _env, _files, data_dir  # noqa: F401 - data_dir is a fixture
from wres.web import returns
from wres.web.models import Action, ActionUpdate, AuditEvent, Comment, ReportJob, SignOff, Submission
from wres.web.tasks import request_report

APPS = ["web", "auth", "django_tasks_database"]  # every row the service keeps (sessions aside)


def _web(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "wres.web", *args], env=env, capture_output=True, text=True, timeout=WAIT)
    assert not check or done.returncode == 0, f"{args[0]} failed: {done.stderr[-3000:]}"
    return done


def _rows(env: dict[str, str]) -> list[dict[str, Any]]:
    """Every row of the service's tables as dumpdata gives them (model, primary key, every field)."""
    return json.loads(_web(env, "dumpdata", *APPS).stdout)


@pytest.fixture
def empty_database(tmp_path: Path) -> Any:
    """DATABASE_URL of a new, empty database of the kind the tests run on; dropped afterwards on PostgreSQL."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"wres_restore_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    options = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    subprocess.run(["createdb", *options, name], check=True, timeout=60)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", *options, name], check=False, timeout=60)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres("backup and restore are written for each engine (pg_dump on PostgreSQL)")
def test_a_backup_restored_into_an_empty_database_has_everything(settings, data_dir, users, authorities, demo_returns, tmp_path, empty_database) -> None:  # noqa: F811
    analyst, network = users["analyst_A"], users["network_A"]
    # a service with history: two versions of one return (files kept, plan added), another authority's return,
    # comments, a sign-off, audit events, a built report set and the pseudonym key
    first = returns.submit(returns.record(authorities["A"], analyst, zipped(demo_returns["A"])), analyst, keep_files=True, add_plan=True)
    second = returns.submit(returns.record(authorities["A"], analyst, zipped(demo_returns["A"])), analyst, keep_files=False)
    returns.submit(returns.record(authorities["B"], users["analyst_B"], zipped(demo_returns["B"])), users["analyst_B"], keep_files=False)
    action = Action.objects.filter(authority=authorities["A"]).first()
    assert action is not None and ActionUpdate.objects.filter(action__authority=authorities["A"]).exists(), "the return's plan was not added"
    Comment.objects.create(action=action, author=network, text="The staff network asks for quarterly figures.")
    SignOff.objects.create(authority=authorities["A"], body=SignOff.Body.STEERING_GROUP, decision="agreed the action plan",
                           by="Chair of the steering group", on=second.submitted_at.date(), recorded_by=analyst)
    AuditEvent.objects.create(user=analyst, username=analyst.username, authority=authorities["A"], action="signed off", target="plan")
    job = request_report(second, analyst)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    settings.PSEUDONYM_KEY.parent.mkdir(parents=True, exist_ok=True)
    settings.PSEUDONYM_KEY.write_bytes(b"k" * 32)
    assert second.version == 2 and first.kept_files

    old = _env(data_dir)
    backup = tmp_path / "backup"
    made = _web(old, "backup", str(backup))
    assert "3 submissions" in made.stdout, made.stdout
    assert {p.name for p in backup.iterdir()} == {"manifest.json", "data.tar", "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"}
    assert backup.stat().st_mode & 0o077 == 0, "the backup (keys, kept record-level files) is readable by others"

    new_data = tmp_path / "restored-data"
    new = _env(new_data, DATABASE_URL=empty_database)
    restored = _web(new, "restore", str(backup))
    assert "Restored the backup" in restored.stdout, restored.stderr

    # every row: submissions and their versions, the plan, comments, sign-offs, audit events, users, tasks
    before, after = _rows(old), _rows(new)
    assert after == before
    kinds = {row["model"] for row in after}
    assert {"web.submission", "web.action", "web.actionupdate", "web.comment", "web.signoff", "web.auditevent", "web.reportjob"} <= kinds
    assert sorted((r["fields"]["authority"], r["fields"]["version"]) for r in after if r["model"] == "web.submission") == \
        sorted((s.authority_id, s.version) for s in Submission.objects.all())
    assert sum(r["model"] == "web.auditevent" for r in after) == AuditEvent.objects.count() > 0
    # every file: kept record-level files, the report set, the keys
    for name in ("kept", "reports"):
        assert _files(new_data / name) == _files(data_dir / name) != {}, name
    assert (new_data / "pseudonym.key").read_bytes() == b"k" * 32
    assert (new_data / "secret.key").read_text() == (data_dir / "secret.key").read_text()

    # the restored service serves the report set from its own folder, to the analyst who may see it
    _web(new, "migrate", "--noinput", "-v0")
    served = _web(new, "shell", "-c", (
        "from django.test import Client; from django.contrib.auth.models import User; c = Client(); "
        f"c.force_login(User.objects.get(username='{analyst.username}'), backend='django.contrib.auth.backends.ModelBackend'); "
        f"print(c.get('/reports/{job.pk}/report.html').status_code, c.get('/submissions/{second.pk}/').status_code)"))
    assert served.stdout.split()[-2:] == ["200", "200"], served.stdout + served.stderr

    # a second restore on top of the first is refused, and changes nothing
    now = _rows(new)  # with the download just logged
    again = _web(new, "restore", str(backup), check=False)
    assert again.returncode == 1 and "already has" in again.stderr and "Traceback" not in again.stderr, again.stderr
    assert _rows(new) == now


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres("backup and restore are written for each engine")
def test_a_backup_is_never_written_over_another_and_a_missing_one_is_said(data_dir, tmp_path) -> None:  # noqa: F811
    env = _env(data_dir)
    full = tmp_path / "full"
    full.mkdir()
    (full / "something").write_text("x")
    refused = _web(env, "backup", str(full), check=False)
    assert refused.returncode == 1 and "not empty" in refused.stderr and "Traceback" not in refused.stderr
    assert [p.name for p in full.iterdir()] == ["something"]
    missing = _web(_env(tmp_path / "new-data", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}"), "restore", str(tmp_path / "nowhere"), check=False)
    assert missing.returncode == 1 and "is not a backup" in missing.stderr and "Traceback" not in missing.stderr
    half = tmp_path / "half"  # a manifest whose database and files are missing (a copy cut off, say)
    half.mkdir()
    (half / "manifest.json").write_text(json.dumps({"engine": connection.vendor, "database": "../../elsewhere", "rows": {}}))
    if connection.vendor == "sqlite":  # (on PostgreSQL it would need an empty database of its own)
        incomplete = _web(_env(tmp_path / "new-data-2", DATABASE_URL=f"sqlite:///{tmp_path / 'y.sqlite3'}"), "restore", str(half), check=False)
        assert incomplete.returncode == 1 and "is incomplete" in incomplete.stderr and "Traceback" not in incomplete.stderr, incomplete.stderr
