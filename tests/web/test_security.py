"""The service's defences: CSRF, security headers and cookies, login throttling, upload limits (size and
zip bombs), escaping of uploaded text, and the audit log of every upload, submission and download."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from axes.utils import reset as reset_axes
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.conftest import PASSWORD, client_for, zipped
from wres.web import returns
from wres.web.models import Action, AuditEvent, ReportJob, SignOff, Submission, Upload

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
XSS = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _fresh_axes_and_quick_passwords(settings) -> None:
    """No failed sign-ins left over; and a quick password hasher (hashing is not what is tested here, and the
    real one takes a good part of a second for each of the seven users a test makes)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    reset_axes()


def _staged_files(authority_pk: int) -> list[Path]:
    folder = django_settings.UPLOAD_DIR / str(authority_pk)
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _copy(folder: Path, into: Path) -> Path:
    into.mkdir()
    for f in folder.iterdir():
        (into / f.name).write_bytes(f.read_bytes())
    return into


# --- CSRF ---------------------------------------------------------------------------------------------------

def test_csrf_is_enforced_on_forms(users, demo_returns) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["analyst_A"], backend="django.contrib.auth.backends.ModelBackend")
    r = c.post("/submit/", {"file": zipped(demo_returns["A"])})
    assert r.status_code == 403
    assert Upload.objects.count() == 0 and not _staged_files(users["analyst_A"].profile.authority_id)
    for url, data in (("/plan/new/", {"action_id": "A1"}), ("/governance/", {"decision": "agreed"})):
        assert c.post(url, data).status_code == 403, url
    assert not Action.objects.exists() and not SignOff.objects.exists()

    # signing in too: without the token the right password does not sign in ...
    c = Client(enforce_csrf_checks=True)
    r = c.post(LOGIN, {"username": "analyst-a", "password": PASSWORD})
    assert r.status_code == 403 and "_auth_user_id" not in c.session
    # ... and with the token from the form it does (so the 403s above were the CSRF check)
    c.get(LOGIN)
    r = c.post(LOGIN, {"username": "analyst-a", "password": PASSWORD, "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    assert r.status_code == 302 and c.session["_auth_user_id"] == str(users["analyst_A"].pk)


# --- headers and cookies -------------------------------------------------------------------------------------

def _csp(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_security_headers_on_every_kind_of_page(users) -> None:
    analyst = client_for(users["analyst_A"])
    pages = {
        "sign-in page": Client().get(LOGIN),
        "authority page": analyst.get("/dashboard/"),
        "form page": analyst.get("/submit/"),
        "403 page": analyst.get("/national/"),
        "404 page": analyst.get("/plan/999999/"),
    }
    for what, r in pages.items():
        assert r.status_code in (200, 403, 404), what
        csp = _csp(r["Content-Security-Policy"])
        assert csp["script-src"] == ["'self'"], (what, csp)
        assert "'unsafe-inline'" not in r["Content-Security-Policy"] and "'unsafe-eval'" not in r["Content-Security-Policy"], what
        assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], what
        assert r["X-Frame-Options"] == "DENY", what
        assert r["X-Content-Type-Options"] == "nosniff", what
        # what the policy promises holds on the page: every script is a file, none is inline
        html = r.content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all(" src=" in s for s in scripts), (what, scripts)
        assert not re.search(r"\son[a-z]+\s*=", html), f"{what} has an inline event handler"


def test_session_and_csrf_cookies_are_secure(users) -> None:
    assert django_settings.SESSION_COOKIE_SECURE is True
    assert django_settings.CSRF_COOKIE_SECURE is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    c = Client()
    r = c.get(LOGIN)
    assert "Secure" in r.cookies["csrftoken"].OutputString()
    r = c.post(LOGIN, {"username": "analyst-a", "password": PASSWORD})
    assert r.status_code == 302
    session = r.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert {"Secure", "HttpOnly"} <= {a.strip() for a in session.OutputString().split(";")}
    assert "Secure" in r.cookies["csrftoken"].OutputString()  # the token is rotated on sign-in, still Secure


def test_sign_in_never_redirects_to_another_site(users) -> None:
    for bad in ("https://evil.example/", "//evil.example/", "https:evil.example"):
        c = Client()
        r = c.post(LOGIN, {"username": "analyst-a", "password": PASSWORD, "next": bad})
        assert r.status_code == 302 and r["Location"] == "/", (bad, r["Location"])


# --- login throttling ----------------------------------------------------------------------------------------

@pytest.mark.postgres("failed sign-ins are counted in database rows (django-axes)")
def test_five_wrong_passwords_lock_the_username(users) -> None:
    c = Client()  # REMOTE_ADDR 127.0.0.1
    for attempt in range(1, 6):
        r = c.post(LOGIN, {"username": "analyst-a", "password": f"wrong-password-{attempt}"})
        assert r.status_code != 302 and "_auth_user_id" not in c.session, attempt
        if attempt < 5:
            assert "Enter a correct username and password" in r.content.decode(), attempt
    # the sixth, with the right password, does not sign in
    r = c.post(LOGIN, {"username": "analyst-a", "password": PASSWORD})
    assert r.status_code == 429 and "_auth_user_id" not in c.session
    assert "Your account is locked" in r.content.decode()
    assert c.get("/dashboard/")["Location"].startswith(LOGIN)
    # another username from the same address is not locked
    other = Client()
    r = other.post(LOGIN, {"username": "analyst-b", "password": PASSWORD})
    assert r.status_code == 302 and other.session["_auth_user_id"] == str(users["analyst_B"].pk)
    # and the lock is axes' own: once reset, the right password works again
    reset_axes(username="analyst-a")
    r = c.post(LOGIN, {"username": "analyst-a", "password": PASSWORD})
    assert r.status_code == 302 and c.session["_auth_user_id"] == str(users["analyst_A"].pk)


# --- uploads ---------------------------------------------------------------------------------------------------

def test_an_upload_over_the_size_limit_is_refused(users, authorities, settings) -> None:
    settings.MAX_UPLOAD_BYTES = 1 << 20
    big = SimpleUploadedFile("return.zip", b"\0" * ((1 << 20) + 1), content_type="application/zip")
    r = client_for(users["analyst_A"]).post("/submit/", {"file": big})
    assert r.status_code == 200
    assert "The selected file must be smaller than 1 MB" in r.content.decode()
    assert Upload.objects.count() == 0 and not _staged_files(authorities["A"].pk)
    # and the check behind the form refuses it too, keeping nothing
    big.seek(0)
    up = returns.record(authorities["A"], users["analyst_A"], big)
    assert up.status == Upload.Status.INVALID and "is larger than 1 MB" in up.errors()[0]["message"]
    assert not up.staged and not _staged_files(authorities["A"].pk)


def test_a_zip_that_unpacks_too_large_is_refused_and_nothing_staged(users, authorities, demo_returns, settings) -> None:
    settings.MAX_UNPACKED_BYTES = 1 << 20
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(demo_returns["A"].iterdir()):
            if f.name != "staff.csv":
                zf.write(f, f.name)
        zf.writestr("staff.csv", "0" * (4 << 20))  # 4 MB declared, a few KB sent
    data = buf.getvalue()
    assert len(data) < 200_000 < settings.MAX_UPLOAD_BYTES
    r = client_for(users["analyst_A"]).post("/submit/", {"file": SimpleUploadedFile("return.zip", data)}, follow=True)
    html = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in html
    assert "unpacks to more than 1 MB" in html
    up = Upload.objects.get()
    assert up.status == Upload.Status.INVALID and not up.staged
    assert not _staged_files(authorities["A"].pk), "nothing of a refused zip is kept"
    assert Submission.objects.count() == 0


def test_html_in_an_uploaded_return_is_escaped(users, demo_returns, tmp_path) -> None:
    folder = _copy(demo_returns["A"], tmp_path / "xss")
    toml = folder / "organisation.toml"
    text, n = re.subn(r'(?m)^name = ".*"$', f'name = "{XSS}"', toml.read_text(encoding="utf-8"))
    assert n == 1 and 'code = "E09000099"' in text  # the authority's own code: the return is accepted
    toml.write_text(text, encoding="utf-8")
    r = client_for(users["analyst_A"]).post("/submit/", {"file": zipped(folder)}, follow=True)
    html = r.content.decode()
    assert "Check your answers before submitting the return" in html, html[:3000]
    assert Upload.objects.get().organisation["name"] == XSS
    assert XSS not in html and "<script>alert" not in html
    # check your answers names the signed-in authority, not the file's own name (issue 15): the name is not echoed
    assert "Eastmere" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" not in html


# --- the audit log ---------------------------------------------------------------------------------------------

def test_every_upload_submission_and_download_is_audited(users, authorities, demo_returns, tmp_path) -> None:
    a, analyst = authorities["A"], users["analyst_A"]
    c = client_for(analyst)
    c.post("/submit/", {"file": SimpleUploadedFile("return.zip", b"not a zip")})  # a bad upload is audited too
    c.post("/submit/", {"file": zipped(demo_returns["A"])})
    bad, good = Upload.objects.order_by("created_at")
    uploaded = AuditEvent.objects.filter(action="return uploaded").order_by("at")
    assert [(e.detail["upload"], e.detail["status"]) for e in uploaded] == [(str(bad.pk), "invalid"), (str(good.pk), "valid")]

    r = c.post(f"/submit/{good.pk}/check/", {})
    assert r.status_code == 302
    sub = Submission.objects.get()
    event = AuditEvent.objects.get(action="return submitted")
    assert event.detail["submission"] == sub.pk and event.detail["version"] == 1

    # the report set, as the background task would leave it, then each file downloaded by a viewer
    job = sub.reports.get()
    job.directory.mkdir(parents=True)
    for name in ("report.html", "report.pdf", "workbook.xlsx"):
        (job.directory / name).write_bytes(b"x")
    job.status = ReportJob.Status.DONE
    job.save()
    viewer = client_for(users["viewer_A"])
    for name in ("report.html", "report.pdf", "workbook.xlsx"):
        assert viewer.get(f"/reports/{job.pk}/{name}").status_code == 200
    downloads = AuditEvent.objects.filter(action="report downloaded")
    assert sorted(e.detail["file"] for e in downloads) == ["report.html", "report.pdf", "workbook.xlsx"]
    assert {e.username for e in downloads} == {users["viewer_A"].username}

    # every event says who, for which authority, and when
    events = AuditEvent.objects.all()
    assert events.count() == 6
    for e in events:
        assert e.authority == a and e.user is not None and e.username == e.user.username and e.at is not None
    assert {e.user for e in events if e.action != "report downloaded"} == {analyst}
