"""Tenancy and roles, walked over every URL the service has.

The URLs come from the resolver itself (never a hand-kept list), so a page added later is walked too; a URL
parameter this file does not know how to fill fails the test rather than escaping the walk.

1. Tenant isolation: every role of authority A (and the national administrator) GETs and POSTs every parameterised URL filled with authority
   B's objects, and gets 403 or 404 every time (the same answer as for an object that does not exist);
   nothing of B changes, and nothing of B (its name, code, action, update, comment, sign-off, upload) is in
   any response.
2. Role matrix: each role on its own authority's objects, against a table that writes the policy down
   (and is checked against wres.web.access.CAN).
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.conftest import client_for, zipped
from wres.web import returns
from wres.web.access import CAN
from wres.web.campaign_forms import CampaignForm, CodesForm, ExtendForm, ReviewForm
from wres.web.forms import SubmitForm
from wres.web.models import (
    Action,
    ActionUpdate,
    AuditEvent,
    Authority,
    Comment,
    ImportMapping,
    ReportJob,
    SignOff,
    Submission,
    SurveyCampaign,
    SurveyComment,
    SurveyService,
    Upload,
)
from wres.web.plan_forms import ActionForm, CommentForm, SignOffForm, UpdateForm
from wres.web.tasks import build_report

pytestmark = pytest.mark.django_db

# Not walked: the start page only redirects, signing in and out and the password pages belong to Django and
# are anyone's own account (tests/web/test_accounts.py), and the admin site is Django's own (superusers only).
SKIP = {"", "accounts/login/", "accounts/logout/", "accounts/password/", "accounts/reset/<uidb64>/<token>/", "accounts/reset/done/", "admin/"}
# The staff survey as respondents take it is public by design (anyone with the campaign's unguessable link, no
# account): no authority's pages, so not walked here; tests/web/test_survey_public.py and test_survey_privacy.py.
PUBLIC = ("survey/",)

# How to fill each URL parameter: (the route's first segment, the parameter as written in urls.py) → which
# object of the authority under test. A parameter not in here fails the walk: add it here when adding a URL.
FILL = {
    ("submissions", "<int:pk>"): "submission",
    ("reports", "<int:pk>"): "job",
    ("reports", "<path:name>"): "report_files",
    ("submit", "<uuid:pk>"): "upload",
    ("submit", "<slug:file>"): "mapped_file",
    ("plan", "<int:pk>"): "action",
    ("campaigns", "<int:pk>"): "campaign",
    ("campaigns", "<uuid:comment>"): "survey_comment",
}
REPORT_FILES = ("report.html", "report.pdf", "workbook.xlsx", "charts/rl-summary.svg")  # a chart every report draws
TOKEN = re.compile(r"<(?:\w+:)?\w+>")

# One POST body that every form of the service accepts (each form takes its own fields and ignores the
# rest), so a POST that got past the access checks would really change something.
PAYLOAD = {
    "action_id": "INTRUDER1", "metrics": ["M3"], "action": "Changed by another authority", "owner": "Intruder",
    "due": "2030-01-01", "status": "complete", "success_measure": "", "note": "Intruder note",
    "date": "2025-02-01", "by": "Intruder", "text": "Intruder comment", "keep_files": "on",
    "body": "steering_group", "decision": "Intruder decision", "on": "2025-02-01",
    # a staff survey campaign (set up, extended, codes issued, a written answer reviewed)
    "title": "Intruder survey", "period_start": "2025-04-01", "period_end": "2026-03-31", "opens_on": "2098-06-01",
    "closes_on": "2098-07-01", "services": ["adults"], "invited_adults": "100", "access": "open", "threshold": "10",
    "number": "5", "reviewer": "Intruder", "redacted": "Intruder redaction",
}


@pytest.fixture(autouse=True)
def _quick_passwords(settings) -> None:
    """Password hashing is not what is tested here, and the real hasher takes a good part of a second a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the URLs, from the resolver --------------------------------------------------------------------------

def routes() -> list[tuple[str, URLPattern]]:
    """Every route of the service as (route text, pattern), admin and sign-in excepted."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route in SKIP or route.startswith(PUBLIC):
                continue
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route)
            else:
                yield route, p

    return list(walk(get_resolver().url_patterns, ""))


def params(route: str, pattern: URLPattern) -> list[str]:
    """The parameters of a route as written (<int:pk>); fails for a parameter it cannot see (a regex)."""
    tokens = TOKEN.findall(route)
    names = {t.strip("<>").split(":")[-1] for t in tokens}
    assert names == set(pattern.pattern.regex.groupindex), f"cannot read the parameters of {route!r}: add it to the walk"
    return tokens


def fill(route: str, pattern: URLPattern, objects: dict[str, Any], unknown: list[str] | None = None) -> list[str]:
    """The concrete URLs of a route with one authority's objects (several for a report file); a parameter
    FILL does not know takes each of `unknown`'s values, or fails the test without them."""
    head = route.split("/", 1)[0]
    choices = []
    for token in params(route, pattern):
        key = FILL.get((head, token))
        if key is None and unknown is None:
            pytest.fail(f"URL {route!r} has parameter {token} that the tenancy walk does not know how to fill: add it to FILL")
        value = objects[key] if key else unknown
        choices.append([(token, str(v)) for v in (value if isinstance(value, (list, tuple)) else [value])])
    urls = []
    for combo in itertools.product(*choices):
        url = route
        for token, value in combo:
            url = url.replace(token, value, 1)
        urls.append("/" + url)
    return urls


def campaign_of(authority: Authority, opens_on: date | None = None) -> tuple[SurveyCampaign, SurveyComment]:
    """A staff survey campaign taken with codes, with a free-text question and one written answer; open from
    `opens_on` (today by default) for a month."""
    opens_on = opens_on or date.today()
    campaign = SurveyCampaign.objects.create(
        authority=authority, title=f"{authority.name} staff survey", period_start=date(2025, 4, 1), period_end=date(2026, 3, 31),
        opens_on=opens_on, closes_on=opens_on + timedelta(days=30), access=SurveyCampaign.Access.CODES,
        free_text_question="Anything else?")
    SurveyService.objects.create(campaign=campaign, service="adults", invited=100)
    return campaign, SurveyComment.objects.create(campaign=campaign, text=f"{authority.name} written answer naming Alex Smith")


def objects_of(sub: Submission, job: ReportJob, upload: Upload, action: Action,
               survey: tuple[SurveyCampaign, SurveyComment] | None = None) -> dict[str, Any]:
    campaign, comment = survey or campaign_of(sub.authority)
    return {"submission": sub.pk, "job": job.pk, "report_files": REPORT_FILES, "upload": upload.pk, "action": action.pk, "mapped_file": "staff",
            "campaign": campaign.pk, "survey_comment": comment.pk}


def body(r: HttpResponse) -> str:
    content = b"".join(r.streaming_content) if r.streaming else r.content  # type: ignore[attr-defined]
    return content.decode("utf-8", "replace")


def finished_job(sub: Submission) -> ReportJob:
    """A finished report job with its files written (for access checks; the real build is tested elsewhere)."""
    job = ReportJob.objects.create(submission=sub, status=ReportJob.Status.DONE)
    (job.directory / "charts").mkdir(parents=True)
    for name in REPORT_FILES:
        (job.directory / name).write_text("<svg xmlns='http://www.w3.org/2000/svg'/>" if name.endswith(".svg") else name, encoding="utf-8")
    return job


def state_of(authority: Authority) -> dict[str, Any]:
    """Everything of one authority a request could change, and how many rows of each kind there are at all."""
    uploads = list(Upload.objects.filter(authority=authority).values_list("pk", "status", "staged"))
    tables = ", ".join(f"(SELECT COUNT(*) FROM {m._meta.db_table})" for m in (Submission, ReportJob, Upload, Action, ActionUpdate, Comment, SignOff))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {tables}")
        rows = cursor.fetchone()
    return {
        "submissions": list(Submission.objects.filter(authority=authority).values_list("pk", "version", "kept_files")),
        "jobs": list(ReportJob.objects.filter(submission__authority=authority).values_list("pk", "status")),
        "job files": sorted(str(p) for p in (django_settings.REPORT_DIR / str(authority.pk)).rglob("*")),
        "uploads": uploads,
        "staged": [Path(staged).is_dir() for _, _, staged in uploads if staged],
        "actions": list(Action.objects.filter(authority=authority).values()),
        "updates": list(ActionUpdate.objects.filter(action__authority=authority).values()),
        "comments": list(Comment.objects.filter(action__authority=authority).values()),
        "sign-offs": list(SignOff.objects.filter(authority=authority).values()),
        "import mapping": list(ImportMapping.objects.filter(authority=authority).values_list("text", "updated_at")),
        "campaigns": list(SurveyCampaign.objects.filter(authority=authority).values()),
        "campaign services": list(SurveyService.objects.filter(campaign__authority=authority).values()),
        "written answers": list(SurveyComment.objects.filter(campaign__authority=authority).values()),
        "invitation codes": list(SurveyCampaign.objects.filter(authority=authority).values_list("codes__code_hash")),
        "audit": AuditEvent.objects.filter(authority=authority).count(),
        "rows": rows,
    }


# --- 1. tenant isolation ----------------------------------------------------------------------------------

@pytest.mark.postgres("tenancy isolation: nothing of another authority changes (rows counted with SQL)")
def test_every_url_as_authority_a_against_authority_bs_objects_is_403_or_404(users, authorities, submitted, demo_returns) -> None:
    a, b = authorities["A"], authorities["B"]
    # B's objects: a finished report set (built by the real task), a valid upload waiting to be submitted,
    # an action with an update and a comment, and a governance sign-off.
    job = ReportJob.objects.create(submission=submitted["B"])
    build_report.call(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    upload = returns.record(b, users["analyst_B"], zipped(demo_returns["B"], name="northfield-private-return.zip"))
    assert upload.status == Upload.Status.VALID, upload.problems
    action = Action.objects.create(authority=b, action_id="B1", metrics="M3", action="Northfield reverse mentoring for senior managers",
                                   owner="Northfield head of HR", due=date(2025, 1, 1))
    ActionUpdate.objects.create(action=action, date=date(2024, 12, 1), status="on track", note="Northfield update: first cohort started")
    Comment.objects.create(action=action, author=users["network_B"], text="Northfield staff network comment on B1")
    SignOff.objects.create(authority=b, body=SignOff.Body.STEERING_GROUP, decision="Northfield steering group agreed the plan",
                           by="Northfield chair", on=date(2024, 6, 1))
    ImportMapping.objects.create(authority=b, text='[staff.columns]\nstaff_id = "Payroll Ref NCC"\n')  # its own export's heading
    survey_b = campaign_of(b, opens_on=date(2098, 1, 1))  # not open yet: every form of it can still change it
    # A's own action, so A's plan page has something of A's own on it
    Action.objects.create(authority=a, action_id="A1", metrics="M2", action="Eastmere diverse shortlisting panels", owner="Eastmere HR",
                          due=date(2025, 6, 30))
    secrets = [b.name, b.code, "Northfield", action.action, "first cohort started", "staff network comment on B1",
               "steering group agreed the plan", upload.filename, "Payroll Ref NCC", survey_b[0].slug, "written answer naming"]
    for s in secrets:
        assert s not in a.name

    # every POST below would change something if it got through: the payload is valid for every form
    assert ActionForm(PAYLOAD, instance=action, authority=b).is_valid()
    for form in (UpdateForm, CommentForm, SignOffForm, SubmitForm, CodesForm, ReviewForm):
        assert form(PAYLOAD).is_valid(), form
    fresh = SurveyCampaign.objects.get  # a bound model form changes the instance it is given
    assert CampaignForm(PAYLOAD, instance=fresh(pk=survey_b[0].pk), authority=b, today=date.today()).is_valid()
    assert ExtendForm(PAYLOAD, campaign=fresh(pk=survey_b[0].pk)).is_valid()

    b_objects = objects_of(submitted["B"], job, upload, action, survey_b)
    missing = {"submission": 10**9, "job": 10**9, "report_files": REPORT_FILES, "upload": uuid.uuid4(), "action": 10**9, "mapped_file": "staff",
               "campaign": 10**9, "survey_comment": uuid.uuid4()}
    walked: list[tuple[str, str]] = []  # (route, concrete URL) of every parameterised URL
    pages: list[str] = []  # the pages without parameters
    for route, pattern in routes():
        if params(route, pattern):
            walked += [(route, url) for url in zip(fill(route, pattern, b_objects), fill(route, pattern, missing), strict=True)]
        else:
            pages.append("/" + route)
    assert len({r for r, _ in walked}) >= 10, "the walk found fewer parameterised URLs than the service has"

    before = state_of(b)
    intruders = ["analyst_A", "viewer_A", "network_A", "national"]
    tried = 0
    for who in intruders:
        c = client_for(users[who])
        for route, (url, nowhere) in walked:
            for method in ("get", "post"):
                r = getattr(c, method)(url, PAYLOAD if method == "post" else None)
                tried += 1
                what = f"{who} {method.upper()} {url}"
                if r.status_code == 405:
                    # a POST-only view refuses a GET before anything is looked up: the answer is the same for an
                    # object that does not exist, so it says nothing about B's (checked, not assumed)
                    assert method == "get" and getattr(c, method)(nowhere).status_code == 405, what
                else:
                    assert r.status_code in (403, 404), f"{what} gave {r.status_code}"
                    # and B's object is indistinguishable from one that does not exist
                    assert getattr(c, method)(nowhere, PAYLOAD if method == "post" else None).status_code == r.status_code, what
                text = body(r)
                for s in secrets:
                    assert s not in text, f"{what} shows {s!r}"
                assert state_of(b) == before, f"{what} changed authority B's data"
    assert tried == len(intruders) * len(walked) * 2

    # A's own pages without parameters never show anything of B's
    for who in ("analyst_A", "viewer_A", "network_A"):
        c = client_for(users[who])
        for url in pages:
            r = c.get(url)
            text = body(r)
            for s in secrets:
                assert s not in text, f"{who} GET {url} shows {s!r}"
    assert {"/dashboard/", "/submissions/", "/plan/", "/governance/"} <= set(pages)
    c = client_for(users["viewer_A"])
    for url, own in (("/dashboard/", a.name), ("/submissions/", submitted["A"].period_label), ("/plan/", "Eastmere diverse shortlisting panels")):
        r = c.get(url)
        assert r.status_code == 200 and own in body(r), url  # the page worked and shows A's own
    assert state_of(b) == before

    # the control: B's own analyst reaches every one of the URLs above, so the 403s and 404s were tenancy
    c = client_for(users["analyst_B"])
    for route, (url, _) in walked:
        r = c.get(url)
        assert r.status_code in (200, 302, 405), f"analyst_B GET {url} gave {r.status_code}: the walk's objects are not reachable"


# --- 2. the role matrix -----------------------------------------------------------------------------------

ROLES = ("anonymous", "analyst", "viewer", "network_lead", "national_admin")
OK, DENIED, LOGIN, NOT_ALLOWED = "ok", "403", "login", "405"
Y, X, L, M = OK, DENIED, LOGIN, NOT_ALLOWED  # the table's shorthand

# Each role on its OWN authority's objects (the national administrator has none: A's are used).
#   Y  allowed: a 200, or a redirect that is not to the sign-in page
#   X  refused: 403
#   L  a redirect to the sign-in page
#   M  405: a POST-only action asked for with GET (after the sign-in, role and tenancy checks)
MATRIX: dict[tuple[str, str], tuple[str, str, str, str, str]] = {
    #                                                   anonymous analyst viewer network national
    ("GET", "dashboard/"):                              (L, Y, Y, Y, X),
    ("POST", "dashboard/"):                             (L, Y, Y, Y, X),
    ("GET", "submissions/"):                            (L, Y, Y, Y, X),
    ("POST", "submissions/"):                           (L, Y, Y, Y, X),
    ("GET", "submissions/<int:pk>/"):                   (L, Y, Y, Y, X),
    ("POST", "submissions/<int:pk>/"):                  (L, Y, Y, Y, X),
    ("GET", "submissions/<int:pk>/report/"):            (L, M, M, M, X),
    ("POST", "submissions/<int:pk>/report/"):           (L, Y, Y, Y, X),
    ("GET", "reports/<int:pk>/status/"):                (L, Y, Y, Y, X),
    ("POST", "reports/<int:pk>/status/"):               (L, Y, Y, Y, X),
    ("GET", "reports/<int:pk>/<path:name>"):            (L, Y, Y, Y, X),
    ("POST", "reports/<int:pk>/<path:name>"):           (L, Y, Y, Y, X),
    ("GET", "submit/"):                                 (L, Y, X, X, X),
    ("POST", "submit/"):                                (L, Y, X, X, X),
    ("GET", "submit/<uuid:pk>/"):                       (L, Y, X, X, X),
    ("POST", "submit/<uuid:pk>/"):                      (L, Y, X, X, X),
    ("GET", "submit/<uuid:pk>/status/"):                (L, Y, X, X, X),
    ("POST", "submit/<uuid:pk>/status/"):               (L, Y, X, X, X),
    ("GET", "submit/<uuid:pk>/check/"):                 (L, Y, X, X, X),
    ("POST", "submit/<uuid:pk>/check/"):                (L, Y, X, X, X),
    ("GET", "submit/<uuid:pk>/survey/"):                (L, Y, X, X, X),
    ("POST", "submit/<uuid:pk>/survey/"):               (L, Y, X, X, X),
    ("GET", "submit/<uuid:pk>/map/"):                   (L, Y, X, X, X),
    ("POST", "submit/<uuid:pk>/map/"):                  (L, Y, X, X, X),
    ("GET", "submit/<uuid:pk>/map/files/"):             (L, Y, X, X, X),
    ("POST", "submit/<uuid:pk>/map/files/"):            (L, Y, X, X, X),
    ("GET", "submit/<uuid:pk>/map/<slug:file>/columns/"): (L, Y, X, X, X),
    ("POST", "submit/<uuid:pk>/map/<slug:file>/columns/"): (L, Y, X, X, X),
    ("GET", "submit/<uuid:pk>/map/<slug:file>/rows/"): (L, Y, X, X, X),
    ("POST", "submit/<uuid:pk>/map/<slug:file>/rows/"): (L, Y, X, X, X),
    ("GET", "submit/<uuid:pk>/map/<slug:file>/values/"): (L, Y, X, X, X),
    ("POST", "submit/<uuid:pk>/map/<slug:file>/values/"): (L, Y, X, X, X),
    ("GET", "submit/<uuid:pk>/map/check/"):             (L, Y, X, X, X),
    ("POST", "submit/<uuid:pk>/map/check/"):            (L, Y, X, X, X),
    ("GET", "mapping/"):                                (L, Y, X, X, X),
    ("POST", "mapping/"):                               (L, Y, X, X, X),
    ("GET", "mapping/mapping.toml"):                    (L, Y, X, X, X),
    ("POST", "mapping/mapping.toml"):                   (L, Y, X, X, X),
    ("GET", "mapping/upload/"):                         (L, Y, X, X, X),
    ("POST", "mapping/upload/"):                        (L, Y, X, X, X),
    ("GET", "mapping/delete/"):                         (L, Y, X, X, X),
    ("POST", "mapping/delete/"):                        (L, Y, X, X, X),
    ("GET", "plan/"):                                   (L, Y, Y, Y, X),
    ("POST", "plan/"):                                  (L, Y, Y, Y, X),
    ("GET", "plan/new/"):                               (L, Y, X, X, X),
    ("POST", "plan/new/"):                              (L, Y, X, X, X),
    ("GET", "plan/<int:pk>/"):                          (L, Y, Y, Y, X),
    ("POST", "plan/<int:pk>/"):                         (L, Y, Y, Y, X),
    ("GET", "plan/<int:pk>/edit/"):                     (L, Y, X, X, X),
    ("POST", "plan/<int:pk>/edit/"):                    (L, Y, X, X, X),
    ("GET", "plan/<int:pk>/update/"):                   (L, Y, X, X, X),
    ("POST", "plan/<int:pk>/update/"):                  (L, Y, X, X, X),
    ("GET", "plan/<int:pk>/comment/"):                  (L, Y, X, Y, X),
    ("POST", "plan/<int:pk>/comment/"):                 (L, Y, X, Y, X),
    ("GET", "governance/"):                             (L, Y, Y, Y, X),
    ("POST", "governance/"):                            (L, Y, X, X, X),
    ("GET", "campaigns/"):                              (L, Y, Y, Y, X),
    ("POST", "campaigns/"):                             (L, Y, Y, Y, X),
    ("GET", "campaigns/new/"):                          (L, Y, X, X, X),
    ("POST", "campaigns/new/"):                         (L, Y, X, X, X),
    ("GET", "campaigns/<int:pk>/"):                     (L, Y, Y, Y, X),
    ("POST", "campaigns/<int:pk>/"):                    (L, Y, Y, Y, X),
    ("GET", "campaigns/<int:pk>/edit/"):                (L, Y, X, X, X),
    ("POST", "campaigns/<int:pk>/edit/"):               (L, Y, X, X, X),
    ("GET", "campaigns/<int:pk>/close/"):               (L, Y, X, X, X),
    ("POST", "campaigns/<int:pk>/close/"):              (L, Y, X, X, X),
    ("GET", "campaigns/<int:pk>/extend/"):              (L, Y, X, X, X),
    ("POST", "campaigns/<int:pk>/extend/"):             (L, Y, X, X, X),
    ("GET", "campaigns/<int:pk>/codes/"):               (L, Y, X, X, X),
    ("POST", "campaigns/<int:pk>/codes/"):              (L, Y, X, X, X),
    ("GET", "campaigns/<int:pk>/poster/"):              (L, Y, Y, Y, X),
    ("POST", "campaigns/<int:pk>/poster/"):             (L, Y, Y, Y, X),
    ("GET", "campaigns/<int:pk>/results/"):             (L, Y, Y, Y, X),
    ("POST", "campaigns/<int:pk>/results/"):            (L, Y, Y, Y, X),
    ("GET", "campaigns/<int:pk>/comments/"):            (L, Y, X, X, X),
    ("POST", "campaigns/<int:pk>/comments/"):           (L, Y, X, X, X),
    ("GET", "campaigns/<int:pk>/comments/<uuid:comment>/"): (L, Y, X, X, X),
    ("POST", "campaigns/<int:pk>/comments/<uuid:comment>/"): (L, Y, X, X, X),
    ("GET", "national/"):                               (L, X, X, X, Y),
    ("POST", "national/"):                              (L, X, X, X, Y),
    ("GET", "national/report/"):                        (L, X, X, X, Y),
    ("POST", "national/report/"):                       (L, X, X, X, Y),
    ("GET", "national/counts.csv"):                     (L, X, X, X, Y),
    ("POST", "national/counts.csv"):                    (L, X, X, X, Y),
}

# The writes, and the permission in access.CAN each one needs: the table above must agree with CAN.
WRITES = {
    ("POST", "submit/"): "submit",
    ("POST", "submit/<uuid:pk>/check/"): "submit",
    ("POST", "submit/<uuid:pk>/survey/"): "submit",
    ("POST", "submit/<uuid:pk>/map/files/"): "submit",
    ("POST", "submit/<uuid:pk>/map/<slug:file>/columns/"): "submit",
    ("POST", "submit/<uuid:pk>/map/<slug:file>/rows/"): "submit",
    ("POST", "submit/<uuid:pk>/map/<slug:file>/values/"): "submit",
    ("POST", "submit/<uuid:pk>/map/check/"): "submit",
    ("POST", "mapping/upload/"): "submit",
    ("POST", "mapping/delete/"): "submit",
    ("POST", "plan/new/"): "edit_plan",
    ("POST", "plan/<int:pk>/edit/"): "edit_plan",
    ("POST", "plan/<int:pk>/update/"): "edit_plan",
    ("POST", "plan/<int:pk>/comment/"): "comment",
    ("POST", "governance/"): "sign_off",
    ("POST", "submissions/<int:pk>/report/"): "request_report",
    ("POST", "campaigns/new/"): "run_survey",
    ("POST", "campaigns/<int:pk>/edit/"): "run_survey",
    ("POST", "campaigns/<int:pk>/close/"): "run_survey",
    ("POST", "campaigns/<int:pk>/extend/"): "run_survey",
    ("POST", "campaigns/<int:pk>/codes/"): "run_survey",
    ("POST", "campaigns/<int:pk>/comments/<uuid:comment>/"): "run_survey",
}


def test_the_role_matrix_agrees_with_access_can() -> None:
    assert set(CAN) == set(WRITES.values()), "a permission in access.CAN is not in WRITES (or the other way round)"
    for key, what in WRITES.items():
        allowed = {role for role, cell in zip(ROLES, MATRIX[key], strict=True) if cell == OK}
        assert allowed == {str(r) for r in CAN[what]}, (key, what)
    # every URL asks anonymous users to sign in first (a GET of a POST-only action excepted), the national
    # administrator never reaches an authority page, and no authority role reaches a national page
    for (method, route), cells in MATRIX.items():
        assert cells[0] in (LOGIN, NOT_ALLOWED), (method, route)
        if not route.startswith("national"):
            assert cells[4] in (DENIED, NOT_ALLOWED), (method, route)
        else:
            assert cells[1:4] == (DENIED,) * 3, (method, route)


def test_every_role_on_every_url_of_its_own_authority(users, authorities, demo_returns) -> None:
    a = authorities["A"]
    sub = returns.submit(returns.record(a, users["analyst_A"], zipped(demo_returns["A"])), users["analyst_A"], keep_files=False)
    # a second authority's return, so the national pages have a nation to show (a copy: its figures do not matter here)
    Submission.objects.create(authority=authorities["B"], period_start=sub.period_start, period_end=sub.period_end, version=1,
                              filename=sub.filename, organisation=sub.organisation, counts=sub.counts, document=sub.document)
    upload = returns.record(a, users["analyst_A"], zipped(demo_returns["A"]))
    assert upload.status == Upload.Status.VALID, upload.problems
    action = Action.objects.create(authority=a, action_id="A1", metrics="M3", action="x", owner="y", due=date(2025, 1, 1))
    own = objects_of(sub, finished_job(sub), upload, action)

    seen = set()
    for route, _pattern in routes():
        for method in ("GET", "POST"):
            seen.add((method, route))
            assert (method, route) in MATRIX, f"{method} {route} is not in the role matrix: write down who may use it"
    assert seen == set(MATRIX), f"the matrix names URLs the service does not have: {set(MATRIX) - seen}"

    clients: dict[str, Client] = {"anonymous": Client()}
    clients.update({r: client_for(users[u]) for r, u in (("analyst", "analyst_A"), ("viewer", "viewer_A"),
                                                        ("network_lead", "network_A"), ("national_admin", "national"))})
    # anonymous and the refused roles first: the analyst's allowed POSTs change A's data (a new action, a
    # submission), and the refused requests are checked to change nothing
    order = ("anonymous", "national_admin", "viewer", "network_lead", "analyst")
    patterns = dict(routes())
    tried = 0
    for method, route in MATRIX:
        pattern = patterns[route]
        urls = fill(route, pattern, own) if params(route, pattern) else ["/" + route]
        for role in order:
            expected = MATRIX[method, route][ROLES.index(role)]
            c = clients[role]
            for url in urls:
                before = state_of(a)
                r = c.get(url) if method == "GET" else c.post(url, PAYLOAD)
                tried += 1
                got = f"{role} {method} {url}: {r.status_code} {r.get('Location', '')}"
                if expected == OK:
                    assert r.status_code in (200, 302), got
                    assert r.status_code == 200 or not r["Location"].startswith("/accounts/login/"), got
                    continue
                if expected == LOGIN:
                    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next="), got
                else:
                    assert r.status_code == int(expected), got
                assert state_of(a) == before, f"{got} changed authority A's data"
    assert tried >= 5 * 2 * 19


def test_a_url_parameter_the_walk_does_not_know_fails_the_walk() -> None:
    from django.urls import path

    pattern = path("widgets/<int:pk>/", lambda request, pk: HttpResponse())
    with pytest.raises(pytest.fail.Exception, match="does not know how to fill"):
        fill("widgets/<int:pk>/", pattern, {})
