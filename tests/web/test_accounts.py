"""Sessions and passwords: signing out ends the session for every copy of its cookie, sessions time out when
idle and a fixed time after signing in (and say so), users change their password, an administrator sends a
reset link, and every change and link is in the audit log.

Sessions are signed in with a password through the sign-in page, as a browser would, and an old cookie is
tried by a fresh client, as an attacker (or another web worker) would. Time-outs are tested by moving a
session's stored times back, never by waiting.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest
from axes.utils import reset as reset_axes
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.web.conftest import PASSWORD
from tests.web.test_e2e import base_url, e2e_browser, open_tour, sign_in  # noqa: F401 - e2e_browser is a fixture
from wres.web.models import Action, AuditEvent, Comment, ReportJob, Submission, Upload
from wres.web.sessions import SIGNED_IN_AT, USED_AT

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
NEW_PASSWORD = "a-longer-passphrase-for-2026"


@pytest.fixture(autouse=True)
def _fresh_axes() -> None:
    reset_axes()


def signed_in(username: str, password: str = PASSWORD) -> Client:
    """A client signed in through the sign-in page with a password, as a browser is."""
    c = Client()
    r = c.post(LOGIN, {"username": username, "password": password})
    assert r.status_code == 302, r.content.decode()[:2000]
    return c


def with_cookie(c: Client) -> Client:
    """A fresh client carrying only `c`'s session cookie: a copy of the cookie, or another web worker."""
    other = Client()
    other.cookies[django_settings.SESSION_COOKIE_NAME] = c.cookies[django_settings.SESSION_COOKIE_NAME].value
    return other


def _action(users) -> Action:  # noqa: ANN001
    return Action.objects.create(authority=users["analyst_A"].profile.authority, action_id="A1", metrics="M2",
                                 action="Diverse shortlisting panels", owner="Head of HR", due=date.today() + timedelta(days=90))


def used_ago(c: Client, seconds: int) -> None:
    """As if the session was last used `seconds` ago (its expiry is set afterwards: saving sets it)."""
    session = c.session
    session[USED_AT] = int(time.time()) - seconds
    session.save()


def _session(c: Client) -> Session:
    return Session.objects.get(session_key=c.cookies[django_settings.SESSION_COOKIE_NAME].value)


# --- signing out ---------------------------------------------------------------------------------------------

def test_sessions_are_kept_where_every_worker_reads_them() -> None:
    # not a per-process cache (the finding: another worker went on trusting a signed-out cookie)
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


@pytest.mark.postgres("sessions are database rows: signing out deletes the row every worker reads")
def test_signing_out_refuses_the_old_cookie_everywhere_and_nothing_is_saved_with_it(users) -> None:
    obj = _action(users)
    c = signed_in("analyst-a")
    copy = with_cookie(c)
    assert copy.get("/dashboard/").status_code == 200  # the copy works while signed in ...
    key = c.cookies[django_settings.SESSION_COOKIE_NAME].value

    # signing out is a POST: a link or an image on another site cannot sign anyone out, nor does it end here
    assert c.get("/accounts/logout/").status_code == 405
    assert Session.objects.filter(session_key=key).exists()
    r = c.post("/accounts/logout/")
    assert r.status_code == 302 and r["Location"] == LOGIN
    assert not Session.objects.filter(session_key=key).exists()  # the row is gone, for every worker

    for client in (copy, with_cookie(copy), c):
        client.cookies[django_settings.SESSION_COOKIE_NAME] = key
        r = client.get("/dashboard/")
        assert r.status_code == 302 and r["Location"].startswith(LOGIN), r.status_code
        r = client.post(f"/plan/{obj.pk}/comment/", {"text": "Posted after signing out"})
        assert r.status_code == 302 and r["Location"].startswith(LOGIN)
        said = " ".join(client.get(r["Location"]).content.decode().split())  # what became of the comment
        assert "What you sent was not saved: sign in, then send it again." in said
    assert not Comment.objects.exists()
    assert not AuditEvent.objects.filter(action="comment added").exists()


def test_signing_in_starts_the_clock_and_the_page_states_the_time_outs(users) -> None:
    html = Client().get(LOGIN).content.decode()
    assert "You are signed out after 30 minutes without using the service, 8 hours after signing in, and when you close your browser." in html
    assert "ask your programme lead or the national programme team to send you a link" in html
    before = int(time.time())
    c = signed_in("analyst-a")
    assert before <= c.session[SIGNED_IN_AT] <= int(time.time())
    # the cookie ends with the browser; the row ends when idle
    cookie = c.cookies[django_settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]


def test_no_public_forgotten_password_page(users) -> None:
    for url in ("/accounts/password_reset/", "/accounts/reset/", "/accounts/password/reset/"):
        assert Client().get(url).status_code == 404, url


# --- time-outs ----------------------------------------------------------------------------------------------

@pytest.mark.postgres("session expiry is a stored time compared in SQL")
def test_an_idle_session_ends_and_the_sign_in_page_says_why(users) -> None:
    obj = _action(users)
    c = signed_in("network-a")
    row = _session(c)
    # a request that is use of the service pushes the expiry on by the idle time (at most once a minute)
    used_ago(c, 61)
    Session.objects.filter(pk=row.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert c.get("/dashboard/").status_code == 200
    pushed = _session(c).expire_date
    assert pushed > timezone.now() + timedelta(minutes=25)
    assert c.get("/dashboard/").status_code == 200
    assert _session(c).expire_date == pushed  # within the minute: not written again

    # 30 minutes without use: the row has expired
    Session.objects.filter(pk=row.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    copy = with_cookie(c)
    r = c.post(f"/plan/{obj.pk}/comment/", {"text": "Posted after the time-out"})
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)
    assert not Comment.objects.exists()
    html = c.get(r["Location"]).content.decode()
    assert "You were signed out after 30 minutes without using the service. Sign in again to carry on." in html
    assert "What you sent was not saved: sign in, then send it again." in html and "You are not signed in" not in html
    fresh = Client()  # no session at all: said so
    r = fresh.post(f"/plan/{obj.pk}/comment/", {"text": "Posted with no session"})
    assert r.status_code == 302 and "You are not signed in, so what you sent was not saved." in fresh.get(r["Location"]).content.decode()
    assert "govuk-notification-banner__title" in html and ">Important<" in html
    r = copy.get("/dashboard/")
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)


@pytest.mark.postgres("session expiry is a stored time compared in SQL")
def test_status_polling_does_not_keep_an_idle_session_alive(users) -> None:
    authority = users["analyst_A"].profile.authority
    sub = Submission.objects.create(authority=authority, period_start=date(2025, 4, 1), period_end=date(2026, 3, 31), version=1,
                                    filename="return.zip", organisation={}, counts={}, document={})
    job = ReportJob.objects.create(submission=sub, status=ReportJob.Status.RUNNING)
    upload = Upload.objects.create(authority=authority, filename="return.zip", status=Upload.Status.CHECKING)
    c = signed_in("analyst-a")
    used_ago(c, 120)
    soon = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(pk=_session(c).pk).update(expire_date=soon)
    for _ in range(3):  # the report box and the upload progress page ask by themselves every few seconds
        r = c.get(f"/reports/{job.pk}/status/")
        assert r.status_code == 200 and r.json()["status"] == "running"
        r = c.get(f"/submit/{upload.pk}/status/")
        assert r.status_code == 200 and r.json()["status"] == "waiting"
    assert _session(c).expire_date == soon  # the page polling by itself is not use
    assert c.get("/accounts/password/").status_code == 200  # ... and the person using a page is
    assert _session(c).expire_date > soon


def test_a_session_ends_a_fixed_time_after_signing_in_however_busy(users, settings) -> None:
    obj = _action(users)
    c = signed_in("analyst-a")
    copy = with_cookie(c)
    key = _session(c).pk

    def signed_in_ago(seconds: int) -> None:
        session = c.session
        session[SIGNED_IN_AT] = int(time.time()) - seconds
        session.save()

    signed_in_ago(8 * 3600 - 60)  # a minute to go: still signed in
    assert c.get("/dashboard/").status_code == 200
    signed_in_ago(8 * 3600 + 1)
    r = copy.post(f"/plan/{obj.pk}/comment/", {"text": "Posted 8 hours after signing in"})
    assert r.status_code == 302 and r["Location"] == f"{LOGIN}?next=/"
    assert not Comment.objects.exists() and not Session.objects.filter(pk=key).exists()
    r = c.get("/dashboard/")
    assert r.status_code == 302 and r["Location"] == f"{LOGIN}?next=/dashboard/"

    # the hours are a setting (WRES_SESSION_HOURS), and the notice says them
    settings.SESSION_ABSOLUTE_HOURS = 2
    c = signed_in("analyst-a")
    signed_in_ago(2 * 3600)
    r = c.get("/plan/", follow=True)
    html = r.content.decode()
    assert r.redirect_chain[-1][0] == f"{LOGIN}?next=/plan/"
    assert "You were signed out 2 hours after signing in. Sign in again to carry on." in html
    assert "Posted" not in html and not Comment.objects.exists()


def test_the_data_folder_is_made_for_the_services_user_only(tmp_path) -> None:
    """WRES_WEB_DATA holds staged uploads (record-level staff data), kept files and keys: made new, no other
    user of the server may open it (the reports and uploads inside follow the umask, as any program's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WRES_")}
    env.update(WRES_WEB_DATA=str(tmp_path / "new" / "web-data"), DJANGO_SETTINGS_MODULE="wres.web.settings")
    subprocess.run([sys.executable, "-c", "from django.conf import settings; settings.DATA_DIR"], env=env, check=True, capture_output=True)
    assert (tmp_path / "new" / "web-data").stat().st_mode & 0o777 == 0o700


def test_time_outs_reset_links_and_email_are_set_from_the_environment(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WRES_")}
    env.update(WRES_WEB_DATA=str(tmp_path), DJANGO_SETTINGS_MODULE="wres.web.settings")
    code = ("from django.conf import settings as s; import json; print(json.dumps([s.SESSION_IDLE_MINUTES, s.SESSION_COOKIE_AGE, "
            "s.SESSION_ABSOLUTE_HOURS, s.PASSWORD_RESET_TIMEOUT, s.EMAIL_BACKEND, getattr(s, 'EMAIL_HOST', ''), s.DEFAULT_FROM_EMAIL]))")

    def read(**over: str) -> list[object]:
        out = subprocess.run([sys.executable, "-c", code], env={**env, **over}, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    assert read() == [30, 1800, 8, 86400, "django.core.mail.backends.console.EmailBackend", "localhost", "WRES <no-reply@localhost>"]
    assert read(WRES_SESSION_IDLE_MINUTES="15", WRES_SESSION_HOURS="4", WRES_RESET_LINK_HOURS="2", WRES_EMAIL_HOST="smtp.example.org",
                WRES_EMAIL_FROM="wres@example.org") == [15, 900, 4, 7200, "django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "wres@example.org"]


# --- changing a password ------------------------------------------------------------------------------------

def test_a_user_changes_their_password_and_their_other_sessions_end(users) -> None:
    here = signed_in("viewer-a")
    elsewhere = signed_in("viewer-a")
    html = here.get("/dashboard/").content.decode()
    assert 'href="/accounts/password/"' in html and "Change password" in html
    form = here.get("/accounts/password/").content.decode()
    assert "Change your password" in form and "at least 12 characters" in form

    # what goes wrong says what to do, and changes nothing
    for data, message in (
        ({"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
         "Your current password is not right: enter the password you signed in with"),
        ({"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}, "This password is too short"),
        ({"old_password": PASSWORD, "new_password1": "123456789012345", "new_password2": "123456789012345"}, "This password is entirely numeric"),
        ({"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
         "The two new passwords are different: type the same password in both boxes"),
        ({"old_password": "", "new_password1": "", "new_password2": ""}, "Enter your current password"),
    ):
        r = here.post("/accounts/password/", data)
        html = r.content.decode()
        assert r.status_code == 200 and "govuk-error-summary" in html and message in html, message
        assert "<title>Error: Change your password" in html
    assert User.objects.get(username="viewer-a").check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="password changed").exists()

    r = here.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Your password has been changed" in r.content.decode()
    assert here.get("/dashboard/").status_code == 200  # still signed in here ...
    r = elsewhere.get("/dashboard/")  # ... and signed out everywhere else
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)
    assert Client().post(LOGIN, {"username": "viewer-a", "password": PASSWORD}).status_code == 200  # the old one no longer works
    signed_in("viewer-a", NEW_PASSWORD)

    event = AuditEvent.objects.get(action="password changed")
    user = User.objects.get(username="viewer-a")
    assert event.user == user and event.target == "viewer-a" and event.authority == user.profile.authority
    assert user.password not in json.dumps(event.detail) and PASSWORD not in json.dumps(event.detail)


def test_changing_a_password_needs_signing_in(users) -> None:
    r = Client().get("/accounts/password/")
    assert r.status_code == 302 and r["Location"] == f"{LOGIN}?next=/accounts/password/"
    r = Client().post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302 and User.objects.get(username="analyst-a").check_password(PASSWORD)


# --- reset links sent by an administrator ------------------------------------------------------------------

@pytest.fixture
def admin_client(db) -> Client:  # noqa: ANN001
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    return signed_in("root")


def _send_links(admin: Client, *usernames: str) -> str:
    ids = [User.objects.get(username=u).pk for u in usernames]
    r = admin.post("/admin/auth/user/", {"action": "send_password_reset_link", "_selected_action": ids}, follow=True)
    assert r.status_code == 200
    return r.content.decode()


def _link(message: mail.EmailMessage) -> str:
    m = re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert m, message.body
    return m.group(1)


def test_an_administrator_sends_a_reset_link_that_works_once(users, admin_client) -> None:
    User.objects.filter(username="analyst-a").update(email="analyst@eastmere.example")
    old_session = signed_in("analyst-a")
    for _ in range(5):  # locked by wrong guesses (someone's, or the person's own): the reset ends that too
        Client().post(LOGIN, {"username": "analyst-a", "password": "a-wrong-guess"})
    assert Client().post(LOGIN, {"username": "analyst-a", "password": PASSWORD}).status_code == 429
    html = _send_links(admin_client, "analyst-a", "viewer-a")
    assert "Link to set a new password sent to analyst-a." in html
    assert "No link sent to viewer-a: add an e-mail address to the account first." in html
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["analyst@eastmere.example"] and message.subject == "Set your password for SC-WRES"
    assert "The link works once, for 24 hours" in message.body
    sent = AuditEvent.objects.get(action="password reset link sent")
    assert sent.user.username == "root" and sent.target == "analyst-a" and sent.detail == {"to": "analyst@eastmere.example"}

    link = _link(message)
    c = Client()
    r = c.get(link, follow=True)
    assert "Set a new password" in r.content.decode() and "analyst-a" in r.content.decode()
    form_url = r.redirect_chain[-1][0]
    r = c.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert "govuk-error-summary" in r.content.decode() and "This password is too short" in r.content.decode()
    r = c.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Your password has been set" in r.content.decode()

    reset = AuditEvent.objects.get(action="password reset")
    user = User.objects.get(username="analyst-a")
    assert reset.user == user and reset.authority == user.profile.authority and user.password not in json.dumps(reset.detail)
    # the sessions from before the reset have ended; the new password signs in; the link works no more
    r = old_session.get("/dashboard/")
    assert r.status_code == 302 and r["Location"].startswith(LOGIN)
    signed_in("analyst-a", NEW_PASSWORD)
    html = Client().get(link, follow=True).content.decode()
    assert "This link no longer works" in html and "Ask your programme lead or the national programme team to send you a new link" in html


def test_a_new_account_without_a_password_is_set_up_by_a_link(authorities, admin_client) -> None:
    person = User.objects.create_user("new-analyst", email="new@eastmere.example")  # no password yet
    assert not person.has_usable_password()
    _send_links(admin_client, "new-analyst")
    link = _link(mail.outbox[0])
    c = Client()
    form_url = c.get(link, follow=True).redirect_chain[-1][0]
    c.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    signed_in("new-analyst", NEW_PASSWORD)


def test_a_made_up_or_tampered_link_sets_nothing(users) -> None:
    analyst = users["analyst_A"]
    uid = urlsafe_base64_encode(force_bytes(analyst.pk))
    for link in (f"/accounts/reset/{uid}/abc-123/", "/accounts/reset/bm90LWEtdXNlcg/abc-123/", "/accounts/reset/!!/x/"):
        r = Client().get(link, follow=True)
        html = r.content.decode()
        assert r.status_code == 200 and "This link no longer works" in html and "<form" not in html.split("<main")[1].split("</main>")[0], link
    assert User.objects.get(pk=analyst.pk).check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="password reset").exists()


# --- in a real browser ----------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_account_pages_in_a_browser(live_server, users, e2e_browser) -> None:
    """Changing a password, a reset link and the time-out notice as a person meets them: every page passes
    axe-core (WCAG 2.2 A/AA), with no console error or failed request (tests/web/test_e2e.py's tour)."""
    context, tour = open_tour(e2e_browser, base_url(live_server))
    page = tour.page
    tour.go(LOGIN)
    tour.visit("sign in", expect_title="Sign in")
    assert "8 hours after signing in" in page.locator("main").inner_text()
    sign_in(tour, "analyst-a")
    page.get_by_role("link", name="Change password").click()
    tour.visit("change password", expect_title="Change your password")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD + "x")
    page.get_by_role("button", name="Change password").click()
    tour.visit("change password, with an error", expect_title="Error: Change your password")
    assert "type the same password in both boxes" in page.locator(".govuk-error-summary").inner_text()
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state("load")
    assert "Your password has been changed" in page.locator(".govuk-notification-banner--success").inner_text()

    # idle for longer than the time-out: the next page is the sign-in page, saying why. (The test's own
    # queries, made while Playwright's loop runs in this thread, get a connection of their own: closed here,
    # or PostgreSQL would not let the test database be dropped.)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    viewer = User.objects.get(username="viewer-a")
    link = f"/accounts/reset/{urlsafe_base64_encode(force_bytes(viewer.pk))}/{default_token_generator.make_token(viewer)}/"
    connection.close()
    tour.go("/dashboard/")
    tour.visit("sign in after the idle time-out", expect_title="Sign in")
    assert "You were signed out after 30 minutes" in page.locator(".govuk-notification-banner").inner_text()

    # a reset link, as an administrator sends it
    tour.go(link)
    tour.visit("set a new password", expect_title="Set a new password")
    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "short")
    page.get_by_role("button", name="Set password").click()
    tour.visit("set a new password, with an error", expect_title="Error: Set a new password")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    tour.visit("password set", expect_title="Your password has been set")
    tour.go(link)
    tour.visit("a used link", expect_title="This link no longer works")
    context.close()
