"""What a dashboard request costs in queries (issue 19: its CPU decides the load test), and that loading the
signed-in user with their profile in one query keeps issue 15's guarantees: a revoked session, a changed role,
a deactivated account or a changed password take effect on the very next request."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.web.conftest import PASSWORD, client_for
from wres.web.models import Profile, ReportJob, Role
from wres.web.sessions import LOADER, UserBackend
from wres.web.tasks import build_report, request_report

pytestmark = pytest.mark.django_db

# The session, the user with their profile and authority, the latest submission, its report jobs.
DASHBOARD_QUERIES = 4


def _queries(c: Client, path: str = "/dashboard/") -> list[str]:
    c.get(path)  # the first request may write the session (its use is noted at most once a minute)
    with CaptureQueriesContext(connection) as q:
        r = c.get(path)
    assert r.status_code == 200
    return [x["sql"] for x in q.captured_queries]


def test_the_dashboard_makes_four_queries_with_its_report_built(users, submitted, django_capture_on_commit_callbacks) -> None:
    c = client_for(users["analyst_A"])
    job = request_report(submitted["A"], users["analyst_A"])
    build_report.call(job.pk)
    assert ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.DONE
    queries = _queries(c)
    assert len(queries) == DASHBOARD_QUERIES, "\n".join(queries)
    assert 'class="wres-chart"' in c.get("/dashboard/").content.decode()  # the page is the full one


def test_a_named_submission_also_asks_whether_a_newer_version_exists(users, submitted) -> None:
    c = client_for(users["viewer_A"])
    assert len(_queries(c)) == DASHBOARD_QUERIES  # no report: the jobs query finds none
    assert len(_queries(c, f"/submissions/{submitted['A'].pk}/")) == DASHBOARD_QUERIES + 1


def test_signing_in_hands_the_session_to_the_loader_which_checks_no_passwords(users) -> None:
    c = Client()
    assert c.post("/accounts/login/", {"username": "analyst-a", "password": PASSWORD}).status_code == 302
    assert c.session[BACKEND_SESSION_KEY] == LOADER
    assert UserBackend().authenticate(None, username="analyst-a", password=PASSWORD) is None
    assert ModelBackend().authenticate(None, username="analyst-a", password=PASSWORD) == users["analyst_A"]  # the checker


def test_a_session_signed_in_before_the_loader_still_works(users, submitted) -> None:
    c = client_for(users["viewer_A"])
    session = c.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert c.get("/dashboard/").status_code == 200


def test_a_changed_role_takes_effect_on_the_next_request(users, submitted) -> None:
    c = client_for(users["analyst_A"])
    assert 'href="/submit/"' in c.get("/dashboard/").content.decode()
    Profile.objects.filter(user=users["analyst_A"]).update(role=Role.VIEWER)
    assert 'href="/submit/"' not in c.get("/dashboard/").content.decode()
    Profile.objects.filter(user=users["analyst_A"]).update(role=Role.NATIONAL_ADMIN, authority=None)
    assert c.get("/dashboard/").status_code == 403  # no longer a member of an authority
    Profile.objects.filter(user=users["analyst_A"]).delete()
    assert c.get("/dashboard/").status_code == 403


def test_a_moved_member_sees_their_new_authority_on_the_next_request(users, submitted) -> None:
    c = client_for(users["viewer_A"])
    assert submitted["A"].authority.name in c.get("/dashboard/").content.decode()
    Profile.objects.filter(user=users["viewer_A"]).update(authority=submitted["B"].authority)
    html = c.get("/dashboard/").content.decode()
    assert submitted["B"].authority.name in html and submitted["A"].authority.name not in html


def test_a_revoked_session_a_deactivated_account_or_a_new_password_ends_it_on_the_next_request(users, submitted) -> None:
    revoked, deactivated, changed = (client_for(users[k]) for k in ("analyst_A", "viewer_A", "network_A"))
    for c in (revoked, deactivated, changed):
        assert c.get("/dashboard/").status_code == 200
    Session.objects.filter(session_key=revoked.session.session_key).delete()
    users["viewer_A"].is_active = False
    users["viewer_A"].save()
    users["network_A"].set_password("another-long-password-2026")
    users["network_A"].save()
    for c in (revoked, deactivated, changed):
        r = c.get("/dashboard/")
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), r
