"""No 500 from any parameter: every URL of the service, as every role, with hostile query strings, form
values and path parts, answers a page of its own (400/403/404 in the service's GOV.UK layout, or the form
again with its error summary); the CSRF failure page and the 500 page are the service's own.

DEBUG is off (as in production) and the test client returns the 500 response instead of raising, so a
500 anywhere is seen as the user would see it.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.template import loader
from django.test import Client

from tests.web.conftest import PASSWORD, client_for
from tests.web.test_tenancy import body, fill, finished_job, objects_of, routes
from wres.web.models import Action, ActionUpdate, AuditEvent, ReportJob, SignOff, Submission

pytestmark = pytest.mark.django_db

# Query and form values an attacker or a careless hand would send.
HOSTILE = [
    "0001-01", "9999-99", "9999-12", "-1", "", " ", "0000", "0", "99999999999999999999999",
    "x" * 5000, "ünïcødé ☃ 𝔘𝔫𝔦", "٢٠٢٤", "\x00", "a\x00b", "%00", "1e9", "NaN",
    "' OR '1'='1'; DROP TABLE web_submission; --", "../../../../etc/passwd", "..\\..\\secret.key",
    "<script>alert(1)</script>", "{{ settings.SECRET_KEY }}",
]
KEYS = ("month", "period", "file", "next", "q", "page")  # what the service reads, and what it might be thought to
# Every form field of the service (each form takes its own and ignores the rest).
FIELDS = ("action_id", "metrics", "action", "owner", "due", "status", "success_measure", "note", "date", "by", "text",
          "body", "decision", "on", "keep_files", "add_plan", "accept_placeholders", "month", "file", "username", "password")
# Path parts that do not name a real object, or try to climb out of a report folder.
BAD_IDS = ("0", "99999999999999999999", "9223372036854775808")
BAD_FILES = ("../../secret.key", "charts/../report.pdf", "charts/../../../x.svg", "charts/%00.svg", "charts/a%00.svg",
             "report.html%00.svg", "..%2F..%2Fsecret.key", "chärts/x.svg", "charts/" + "a" * 300 + ".svg", "CON", "")


@pytest.fixture(autouse=True)
def _production_like(settings) -> None:
    settings.DEBUG = False


class _Recorded(QueryDict):
    """A request's query string that notes which of KEYS the view (or a form bound to it) looked at: asking
    for one, or going over them all (iterating, copying, encoding) counts as reading every key."""

    def _note(self, key: Any) -> None:
        self.__dict__.get("read", set()).add(key)  # a copy has no set: making it read every key already

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def getlist(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().getlist(key, default)

    def _all(self, name: str) -> Any:
        def every(*args: Any, **kwargs: Any) -> Any:
            self.__dict__.get("read", set()).update(KEYS)
            return getattr(super(_Recorded, self), name)(*args, **kwargs)
        return every

    def __getattribute__(self, name: str) -> Any:
        if name in ("__iter__", "items", "keys", "values", "lists", "dict", "copy", "urlencode", "__copy__", "__deepcopy__"):
            return object.__getattribute__(self, "_all")(name)
        return super().__getattribute__(name)

    def __iter__(self) -> Any:
        self.__dict__.get("read", set()).update(KEYS)
        return super().__iter__()


@pytest.fixture
def keys_read(monkeypatch) -> set[str]:  # noqa: ANN001
    """The query keys the views asked for since the set was last cleared."""
    read: set[str] = set()

    def recorded(request: WSGIRequest) -> QueryDict:
        if "_recorded_get" not in request.__dict__:
            q = _Recorded(request.environ.get("QUERY_STRING", ""), encoding=request._encoding)
            q.__dict__["read"] = read
            request.__dict__["_recorded_get"] = q
        return request.__dict__["_recorded_get"]

    monkeypatch.setattr(WSGIRequest, "GET", property(recorded))
    return read


def _client(user: User | None) -> Client:
    c = client_for(user) if user is not None else Client()
    c.raise_request_exception = False  # a view that raises answers 500 here, as it would to a user
    return c


def _check(r: Any, what: str) -> None:
    assert r.status_code != 500, f"500 from {what}"
    if r.status_code in (400, 403, 404):
        text = body(r)
        assert "govuk-template" in text, f"{what}: a {r.status_code} outside the service's layout"
        assert "DEBUG" not in text and "Traceback" not in text, what


def _fill(route: str, pattern: Any, objects: dict[str, Any]) -> list[str]:
    """The concrete URLs of a route: its objects where test_tenancy's FILL knows them; any other parameter
    (a reset link's uidb64 and token) with a well-formed and a nonsense value."""
    return fill(route, pattern, objects, unknown=["MQ", "set-password", "x" * 300, "ü"])


def _hostile_urls(urls: list[str]) -> list[str]:
    """The same routes with objects that do not exist, and report file names that try to escape."""
    out = []
    for url in urls:
        for bad in BAD_IDS:
            out.append("/".join(bad if part.isdigit() else part for part in url.split("/")))
        out = list(dict.fromkeys(out))  # report files share their job's id
        if "/submit/" in url:
            out.append(url.replace(url.split("/")[2], str(uuid.uuid4())))
        if url.startswith("/reports/") and not url.endswith("/status/"):
            out += ["/".join(url.split("/")[:3]) + "/" + name for name in BAD_FILES]
    return out


@pytest.fixture
def world(users, submitted, third) -> dict[str, Any]:  # noqa: ANN001
    """Real objects of authority A to fill every route with (the national pages have three authorities)."""
    sub = submitted["A"]
    action = Action.objects.create(authority=sub.authority, action_id="A1", metrics="M3", action="x", owner="y", due=date(2025, 1, 1))
    return objects_of(sub, finished_job(sub), sub.upload, action)


@pytest.mark.postgres("hostile values reach the database: PostgreSQL refuses NUL characters and integers beyond bigint where SQLite fails otherwise")
def test_no_500_from_any_parameter_on_any_url_as_any_role(users, world, django_user_model, keys_read) -> None:
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    roles = {"anonymous": None, "admin": admin, **{k: users[k] for k in ("analyst_A", "viewer_A", "network_A", "analyst_B", "national")}}
    urls = [u for route, pattern in routes() for u in _fill(route, pattern, world)]
    urls += ["/accounts/login/", "/admin/", "/admin/web/submission/", "/admin/auth/user/", "/"]
    hostile_urls = _hostile_urls(urls)
    assert len(urls) > 30 and len(hostile_urls) > 60
    requests = 0
    swept: dict[str, set[str]] = {}  # the keys each page read, each swept alone with every value
    for role, user in roles.items():
        c = _client(user)
        for url in urls:
            if "logout" in url:
                continue  # signing out here would make the rest of the walk anonymous: done last
            keys_read.clear()
            plain = c.get(url)
            _check(plain, f"GET {url} as {role}")
            # the page's own reader (an analyst, the national team) gets every value with every key at once, then
            # each key the page looked at (with none or all of them given) alone with every value, and twice;
            # anyone else every value at once. A key no page looks at cannot fail alone what it passed with the rest.
            reads = plain.status_code == 200 and role in ("analyst_A", "national")
            at_once = [dict.fromkeys(KEYS, v) for v in (HOSTILE if reads else HOSTILE[::4])]
            for q in at_once:
                _check(c.get(url, q), f"GET {url} {q!r:.80} as {role}")
            alone = [{key: v} for key in KEYS if key in keys_read for v in HOSTILE] + \
                [{key: ["2024-01", "0001-01"]} for key in KEYS if key in keys_read] if reads else []
            for q in alone:
                _check(c.get(url, q), f"GET {url} {q!r:.80} as {role}")
            requests += 1 + len(at_once) + len(alone)
            if reads:
                swept[url] = {key for key in KEYS if key in keys_read}
            if role in ("analyst_A", "network_A", "national") or (role == "anonymous" and "login" in url):
                for v in HOSTILE:
                    data = {f: [v, v] if f == "metrics" else v for f in FIELDS}
                    _check(c.post(url, data), f"POST {url} {v!r:.40} as {role}")
                requests += len(HOSTILE)
        if role in ("anonymous", "analyst_A", "analyst_B"):
            for url in hostile_urls:
                _check(c.get(url), f"GET {url} as {role}")
            requests += len(hostile_urls)
        _check(c.post("/accounts/logout/"), f"POST /accounts/logout/ as {role}")
    # the recording sees what the pages read (so a page's own keys are the ones swept alone)
    assert "month" in swept["/plan/"] and {"period", "file"} <= swept["/national/report/"], swept
    print(f"{requests} requests: {len(urls)} URLs and {len(hostile_urls)} hostile ones, {len(roles)} roles; keys read: "
          f"{ {url: sorted(keys) for url, keys in swept.items() if keys} }")


def test_a_bad_period_is_a_400_page_that_says_what_to_give(users, submitted, third) -> None:
    c = _client(users["national"])
    for url in ("/national/", "/national/report/", "/national/counts.csv"):
        for bad in ("0000", "1", "20245", "x", "1999", "2100"):
            r = c.get(url, {"period": bad})
            assert r.status_code == 400, (url, bad)
            assert "Give the period as the year it starts, such as 2024." in r.content.decode()
    r = c.get("/national/report/", {"period": "2024", "file": "../../pseudonym.key"})
    assert r.status_code == 404 and "Page not found" in r.content.decode()
    assert c.get("/national/", {"period": "2024"}).status_code == 200
    assert c.get("/national/counts.csv", {"period": "2024"})["Content-Type"].startswith("text/csv")


def test_a_month_out_of_range_is_the_form_again_with_its_error(users, submitted) -> None:
    c = _client(users["analyst_A"])
    for bad, says in (("0001-01", "Enter a month from January 2000 to December 2099"), ("9999-12", "Enter a month from January 2000"),
                      ("9999-99", "Enter the month and year"), ("x" * 50, "Enter the month and year")):
        r = c.get("/plan/", {"month": bad})
        assert r.status_code == 200 and "govuk-error-summary" in r.content.decode() and says in r.content.decode(), bad


def test_dates_out_of_range_are_refused_in_words_and_nothing_is_saved(users, submitted) -> None:
    c = _client(users["analyst_A"])
    form = {"action_id": "A9", "metrics": ["M3"], "action": "Mentoring", "owner": "HR", "status": "not started"}
    for due in ("1 January 0001", "0001-01-01", "31/12/9999", "1 January 1999"):
        r = c.post("/plan/new/", {**form, "due": due})
        assert r.status_code == 200 and "Enter the due date between 1 January 2000 and 31 December 2099" in r.content.decode(), due
    assert not Action.objects.exists()
    action = Action.objects.create(authority=submitted["A"].authority, action_id="A1", metrics="M3", action="x", owner="y", due=date(2025, 1, 1))
    r = c.post(f"/plan/{action.pk}/update/", {"date": "9999-12-31", "status": "on track"})
    assert r.status_code == 200 and "Enter the date of the update between" in r.content.decode()
    r = c.post("/governance/", {"body": "steering_group", "decision": "agreed", "by": "chair", "on": "0001-01-01"})
    assert r.status_code == 200 and "Enter the date of the decision between" in r.content.decode()
    assert not ActionUpdate.objects.exists() and not SignOff.objects.exists()
    assert c.get("/plan/").status_code == 200


def test_the_csrf_failure_page_is_the_services_own(users) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["analyst_A"], backend="django.contrib.auth.backends.ModelBackend")
    r = c.post("/plan/new/", {"action_id": "A1"})
    text = r.content.decode()
    assert r.status_code == 403 and "govuk-template" in text
    assert "Sorry, the form could not be sent" in text and "your session may have expired" in text.lower()
    assert "DEBUG" not in text and "CSRF" not in text and "Referer" not in text
    assert not Action.objects.exists()
    # signed out too (a form left open past sign-out): the same page, with nothing of anyone's
    r = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "analyst-a", "password": PASSWORD})
    assert r.status_code == 403 and "Sorry, the form could not be sent" in r.content.decode()


def test_the_500_page_needs_no_request_and_no_database(django_db_blocker) -> None:
    with django_db_blocker.block():  # any query here fails the test
        html = loader.get_template("500.html").render()
    assert "govuk-template" in html and "Sorry, there is a problem with the service" in html and "Sign out" not in html


def test_a_view_that_fails_gives_the_500_page_and_no_traceback(users, submitted, monkeypatch) -> None:
    from wres.web.views import core

    def broken(*args: Any) -> str:
        raise KeyError("secret detail")

    monkeypatch.setattr(core, "_body", broken)
    r = _client(users["viewer_A"]).get("/dashboard/")
    text = r.content.decode()
    assert r.status_code == 500 and "Sorry, there is a problem with the service" in text and "govuk-template" in text
    assert "secret detail" not in text and "KeyError" not in text and "Traceback" not in text


def test_a_failed_report_build_names_no_exception(users, submitted, monkeypatch, caplog) -> None:
    from wres.web import tasks

    def broken(*args: Any, **kwargs: Any) -> None:
        raise KeyError("ethnicity")

    monkeypatch.setattr(tasks, "from_loaded", broken)
    job = ReportJob.objects.create(submission=submitted["A"])
    with pytest.raises(KeyError):
        tasks.build_report.call(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and "KeyError" not in job.error and "ethnicity" not in job.error
    assert job.error == "The report set could not be built: the worker's log has the detail."
    assert any("KeyError" in (r.exc_text or "") or (r.exc_info and r.exc_info[0] is KeyError) for r in caplog.records)  # for operators
    assert not job.directory.exists()
    html = client_for(users["analyst_A"]).get("/dashboard/").content.decode()
    assert "could not be prepared" in html and "KeyError" not in html


# --- Cache-Control ------------------------------------------------------------------------------------------

def test_signed_in_pages_and_downloads_are_not_stored(users, submitted, third) -> None:
    sub = submitted["A"]
    job = finished_job(sub)
    c = client_for(users["analyst_A"])
    for url in ("/dashboard/", f"/submissions/{sub.pk}/", "/plan/", f"/reports/{job.pk}/status/", f"/reports/{job.pk}/report.pdf",
                f"/reports/{job.pk}/charts/rl-summary.svg", "/no-such-page/"):
        r = c.get(url)
        assert r["Cache-Control"] == "no-store", url
    r = client_for(users["national"]).get("/national/counts.csv")
    assert r.status_code == 200 and r["Cache-Control"] == "no-store" and "attachment" in r["Content-Disposition"]
    r = client_for(users["national"]).get("/national/report/")
    assert r["Cache-Control"] == "no-store"
    # static assets keep their caching (WhiteNoise answers them before any session is read), signed in or not
    for client in (c, Client()):
        r = client.get("/assets/wres/web.css")
        assert r.status_code == 200 and "no-store" not in r.get("Cache-Control", ""), r.get("Cache-Control")
        assert "max-age" in r.get("Cache-Control", "")
    # a page for someone not signed in is not marked (nothing of anyone's on it)
    assert "no-store" not in Client().get("/no-such-page/").get("Cache-Control", "")
    assert AuditEvent.objects.filter(action="report downloaded").count() == 1
