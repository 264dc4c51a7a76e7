"""Report sets that can be rebuilt: by the analyst (a button, POST, audited), and by themselves when the
action plan changes (once however many changes are made before the build starts); the report and the
dashboard say which plan date the report shows."""

from __future__ import annotations

import zipfile

import pytest
from django.utils import timezone

from tests.web.conftest import client_for
from wres.dates import long_date
from wres.web.models import Action, AuditEvent, ReportJob
from wres.web.tasks import build_report, request_report

pytestmark = pytest.mark.django_db

ACTION = {"action_id": "A7", "metrics": ["M3"], "action": "Reverse mentoring for senior managers", "owner": "Director of HR",
          "due": "31 March 2026", "status": "on track", "success_measure": "", "note": ""}


def _built(sub, user) -> ReportJob:  # noqa: ANN001
    job = request_report(sub, user)
    build_report.call(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    return job


def test_the_analyst_rebuilds_a_report_once_however_often_asked(users, submitted) -> None:
    sub = submitted["A"]
    first = _built(sub, users["analyst_A"])
    analyst, viewer = client_for(users["analyst_A"]), client_for(users["viewer_A"])
    html = analyst.get("/dashboard/").content.decode()
    assert "Rebuild the report" in html and "It shows no action plan" in html
    assert "Rebuild the report" not in viewer.get("/dashboard/").content.decode()  # an analyst's decision

    # a viewer's POST does not rebuild a built report
    assert viewer.post(f"/submissions/{sub.pk}/report/").status_code == 302
    assert sub.reports.count() == 1
    # the analyst's does, once: a second click while the first build waits adds nothing
    for _ in range(3):
        assert analyst.post(f"/submissions/{sub.pk}/report/").status_code == 302
    assert sub.reports.count() == 2
    new = sub.reports.first()
    assert new.status == ReportJob.Status.QUEUED and new.requested_by == users["analyst_A"]
    events = AuditEvent.objects.filter(action="report rebuilt")
    assert events.count() == 1 and events.get().detail == {"job": new.pk} and events.get().user == users["analyst_A"]

    # while it is built, the last good report stays on offer, with the new one's progress beside it
    html = analyst.get("/dashboard/").content.decode()
    assert f'href="/reports/{first.pk}/report.pdf"' in html and f'data-report-status-url="/reports/{new.pk}/status/"' in html
    assert "A new report set, with the action plan as it is now, is being prepared" in html
    build_report.call(new.pk)
    html = analyst.get("/dashboard/").content.decode()
    assert f'href="/reports/{new.pk}/report.pdf"' in html and f"/reports/{first.pk}/" not in html


def test_a_plan_change_rebuilds_the_report_which_says_the_plan_date(users, submitted, django_capture_on_commit_callbacks) -> None:
    sub = submitted["A"]
    first = _built(sub, users["analyst_A"])
    c = client_for(users["analyst_A"])
    with django_capture_on_commit_callbacks(execute=True):  # the worker (ImmediateBackend) builds it at once
        r = c.post("/plan/new/", ACTION)
    assert r.status_code == 302
    job = sub.reports.first()
    assert job.pk != first.pk and job.status == ReportJob.Status.DONE, job.error
    today = timezone.localdate()
    words = f"Action plan as at {long_date(today)}"
    # the HTML report (and the PDF, printed from it), and the workbook's plan sheet
    html = (job.directory / "report.html").read_text(encoding="utf-8")
    assert words in html and "Reverse mentoring for senior managers" in html
    with zipfile.ZipFile(job.directory / "workbook.xlsx") as zf:
        strings = zf.read("xl/sharedStrings.xml").decode()
    assert f"current status (derived, action plan as at {long_date(today)}, judged on" in strings
    assert (job.directory / "report.pdf").read_bytes().startswith(b"%PDF")
    # the dashboard says it too
    page = c.get("/dashboard/").content.decode()
    assert f"It shows the action plan as at {long_date(today)}." in page
    # the first report, which had no plan, is not touched
    assert "Action plan as at" not in (first.directory / "report.html").read_text(encoding="utf-8")


def test_plan_changes_before_the_build_starts_queue_one_build(users, submitted, django_capture_on_commit_callbacks) -> None:
    sub = submitted["A"]
    _built(sub, users["analyst_A"])
    c = client_for(users["analyst_A"])
    with django_capture_on_commit_callbacks(execute=False) as queued:  # the worker has not started yet
        assert c.post("/plan/new/", ACTION).status_code == 302
        action = Action.objects.get(action_id="A7")
        assert c.post(f"/plan/{action.pk}/edit/", {**ACTION, "owner": "Head of workforce"}).status_code == 302
        assert c.post(f"/plan/{action.pk}/update/", {"date": "1 December 2026", "status": "on track", "note": "", "by": ""}).status_code == 302
        assert c.post(f"/plan/{action.pk}/edit/", ACTION | {"owner": "Head of workforce"}).status_code == 302  # nothing changed
    assert len(queued) == 1  # one build enqueued for three changes
    assert sub.reports.filter(status=ReportJob.Status.QUEUED).count() == 1
    # a comment does not change what the report prints
    network = client_for(users["network_A"])
    assert network.post(f"/plan/{action.pk}/comment/", {"text": "The network will co-host"}).status_code == 302
    assert sub.reports.filter(status=ReportJob.Status.QUEUED).count() == 1
    # a build under way read the plan when it started: a change after that queues another
    sub.reports.filter(status=ReportJob.Status.QUEUED).update(status=ReportJob.Status.RUNNING)
    assert c.post(f"/plan/{action.pk}/update/", {"date": "2 December 2026", "status": "complete", "note": "", "by": ""}).status_code == 302
    assert sub.reports.filter(status=ReportJob.Status.QUEUED).count() == 1


def test_only_the_latest_returns_with_a_report_are_rebuilt(users, submitted) -> None:
    """Another authority's report, and a return nobody asked a report of, are left alone."""
    _built(submitted["B"], users["analyst_B"])
    c = client_for(users["analyst_A"])
    assert c.post("/plan/new/", ACTION).status_code == 302
    assert not submitted["A"].reports.exists()  # no report asked for yet: nothing to rebuild
    assert submitted["B"].reports.count() == 1
