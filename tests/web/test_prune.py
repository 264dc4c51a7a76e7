"""`python -m wres.web prune`: staged record-level files are not kept for returns nobody submits, and
national report folders built for superseded submissions are deleted, while everything in use stays."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.web.conftest import client_for, zipped
from wres.web import returns
from wres.web.models import AuditEvent, Upload

pytestmark = pytest.mark.django_db


def _age(path: Path, days: float) -> None:
    old = time.time() - days * 86400
    os.utime(path, (old, old))


@pytest.mark.postgres("stored times compared in SQL")
def test_a_checked_return_not_submitted_in_time_loses_its_files(users, authorities, demo_returns, capsys) -> None:
    old = returns.record(authorities["A"], users["analyst_A"], zipped(demo_returns["A"]))
    recent = returns.record(authorities["B"], users["analyst_B"], zipped(demo_returns["B"]))
    assert old.status == recent.status == Upload.Status.VALID and Path(old.staged).is_dir() and Path(recent.staged).is_dir()
    Upload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=settings.STAGED_DAYS, hours=1))
    old_folder = Path(old.staged)

    call_command("prune")

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Upload.Status.DISCARDED and old.staged == "" and not old_folder.exists()
    assert recent.status == Upload.Status.VALID and Path(recent.staged).is_dir()
    event = AuditEvent.objects.get(action="upload discarded")
    assert event.authority == authorities["A"] and event.detail["upload"] == str(old.pk)
    assert "Discarded 1 checked return not submitted within 7 days" in capsys.readouterr().out
    # the counts it was checked for are still there; only the record-level files went
    assert old.counts and old.counts["rows"]


def test_any_upload_discards_returns_left_unsubmitted_too_long(users, authorities, demo_returns) -> None:
    """Without a timer, the service keeps its word at the next upload by anyone."""
    old = returns.record(authorities["A"], users["analyst_A"], zipped(demo_returns["A"]))
    Upload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=settings.STAGED_DAYS + 1))
    returns.record(authorities["B"], users["analyst_B"], zipped(demo_returns["B"]))
    old.refresh_from_db()
    assert old.status == Upload.Status.DISCARDED and not Path(old.staged or "/nonexistent").exists()
    assert AuditEvent.objects.filter(action="upload discarded", authority=authorities["A"]).count() == 1


def test_folders_no_upload_points_to_go_after_a_day(users, authorities, demo_returns) -> None:
    kept = returns.record(authorities["A"], users["analyst_A"], zipped(demo_returns["A"]))
    _age(Path(kept.staged), 30)  # old, but still its upload's: kept (age is judged by the upload)
    orphan_old = Path(settings.UPLOAD_DIR) / "99" / "cut-off-check"
    orphan_new = Path(settings.UPLOAD_DIR) / "99" / "being-checked"
    for folder in (orphan_old, orphan_new):
        folder.mkdir(parents=True)
        (folder / "staff.csv").write_text("staff_id\n")
    _age(orphan_old, 2)

    call_command("prune")

    assert not orphan_old.exists() and orphan_new.is_dir() and Path(kept.staged).is_dir()


def test_superseded_national_report_folders_go_and_the_current_one_stays(users, third) -> None:
    national = client_for(users["national"])
    assert national.get("/national/report/").status_code == 200
    reports = Path(settings.NATIONAL_DIR) / "reports"
    (current,) = [p for p in reports.iterdir() if not p.name.startswith(".")]
    superseded = reports / ("0" * 32)
    superseded.mkdir()
    (superseded / "national.json").write_text("{}")
    stuck, building = reports / ".building-stuck", reports / ".building-now"
    stuck.mkdir()
    building.mkdir()
    _age(stuck, 1)

    call_command("prune")

    assert sorted(p.name for p in reports.iterdir()) == sorted([current.name, building.name])
    r = national.get("/national/report/")
    assert r.status_code == 200 and sorted(reports.iterdir()) == sorted([current, building])  # served, not rebuilt


def test_days_below_zero_is_refused() -> None:
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        call_command("prune", "--days", "-1")
    assert not AuditEvent.objects.exists()


def test_going_back_to_a_discarded_or_submitted_upload_says_what_happened(users, authorities, demo_returns) -> None:
    analyst = client_for(users["analyst_A"])
    first = returns.record(authorities["A"], users["analyst_A"], zipped(demo_returns["A"]))
    second = returns.record(authorities["A"], users["analyst_A"], zipped(demo_returns["A"]))  # replaces the first
    r = analyst.get(f"/submit/{first.pk}/")
    assert r.status_code == 200 and "This upload is no longer available" in r.content.decode() and "There is a problem" not in r.content.decode()
    returns.submit(second, users["analyst_A"], keep_files=False)
    r = analyst.get(f"/submit/{second.pk}/", follow=True)
    assert r.redirect_chain[-1][0] == "/submissions/" and "has been submitted" in r.content.decode()


@pytest.mark.django_db
@pytest.mark.postgres("stored times compared in SQL")
def test_prune_deletes_expired_sessions_and_keeps_live_ones(users) -> None:
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone

    live, old = SessionStore(), SessionStore()
    live.create()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=timezone.now() - timedelta(minutes=1))
    call_command("prune")
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
