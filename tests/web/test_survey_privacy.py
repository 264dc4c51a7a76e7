"""After 50 responses through the real pages, nothing in any table or in the server's log says who answered.

Every table of the database (all of them, read with SQL, not only the models) is searched for the client
address and the user agent the respondents sent; the survey's own tables have no field finer than the day.
A real gunicorn with wres.web.gunicorn_conf answers a few respondents, and its access log lines for /survey/
pages hold no client address, agent or referrer (while another page's line does hold the address, so the
check can fail). Runs on PostgreSQL too: DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_a.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection, models
from django.test import Client

from tests.web.survey_pages import fill, make_campaign, send, state_of, step_of, choose
from wres.web.models import InvitationCode, SpentForm, SurveyComment, SurveyResponse
from wres.web.survey_limits import SENDS

ADDRESS = "203.0.113.7"
AGENT = "Mozilla/5.0 (WresPrivacyProbe; Linux) Distinctive-Agent/9.9"
SURVEY_MODELS = (SurveyResponse, SurveyComment, InvitationCode, SpentForm)


def every_value() -> list[tuple[str, str]]:
    """(table, text) for every value of every row of every table in the database."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cur.fetchall():
                out.extend((table, bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)) for v in row if v is not None)
    return out


@pytest.mark.django_db
@pytest.mark.postgres("every table read with SQL")
def test_fifty_responses_leave_no_address_agent_or_time(authorities, settings) -> None:  # noqa: ANN001
    settings.SURVEY_SENDS_PER_HOUR = 1000
    SENDS.clear()
    campaign = make_campaign(authorities["A"], free_text_question="Is there anything else you want to tell us?")
    extra = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": ADDRESS, "HTTP_REFERER": f"http://{ADDRESS}/poster"}
    scale = ["Never", "1-2", "3-5", "6-10", "More than 10", "-"]
    for i in range(50):
        answers = {"ethnicity": ["Indian", "Irish", "-", "African"][i % 4], "service": ["adults", "children"][i % 2],
                   "abuse_public": scale[i % 6], "abuse_colleagues": scale[(i + 1) % 6], "abuse_managers": scale[(i + 2) % 6],
                   "comment": "Fine, thank you." if i % 10 == 0 else ""}
        r = send(Client(), campaign, fill(Client(), campaign, answers, **extra), **extra)
        assert r.status_code == 200 and "have been sent" in r.content.decode()
    assert SurveyResponse.objects.count() == 50 and SurveyComment.objects.count() == 5
    values = every_value()
    assert len(values) > 500  # the responses are in there: the search below searched something
    for table, text in values:
        assert ADDRESS not in text, (table, text)
        assert "WresPrivacyProbe" not in text and "Distinctive-Agent" not in text, (table, text)
    for model in SURVEY_MODELS:
        kinds = {type(f) for f in model._meta.concrete_fields}
        assert not kinds & {models.DateTimeField, models.TimeField, models.DurationField}, model
    assert {f.name for f in SurveyResponse._meta.concrete_fields} == {"id", "campaign", "group", "service", "answers"}
    assert set(SurveyResponse.objects.values_list("group", flat=True)) <= {"minority_ethnic", "white", "unknown"}
    # nothing else was written by taking part: no session, no login record
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.sessions.models import Session
    assert not Session.objects.exists() and not AccessLog.objects.exists() and not AccessAttempt.objects.exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_logs_no_address_for_survey_pages(tmp_path: Path) -> None:
    """A real gunicorn (SQLite in a temp folder) with the service's config: three respondents, then its log."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(WRES_WEB_DATA=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="wres.web.settings", WRES_SURVEY_SENDS_PER_HOUR="1000")
    py = sys.executable
    subprocess.run([py, "-m", "wres.web", "migrate", "--noinput", "-v0"], env=env, check=True, timeout=300)
    make = (
        "from tests.web.survey_pages import make_campaign\n"
        "from wres.web.models import Authority\n"
        "a = Authority.objects.create(name='Logtown Council', code='E09000099', region='London')\n"
        "print(make_campaign(a).slug)\n"
    )
    slug = subprocess.run([py, "-m", "wres.web", "shell", "-c", make], env=env, check=True, timeout=120,
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2]).stdout.strip().splitlines()[-1]
    port = free_port()
    log = tmp_path / "access.log"
    gunicorn = Path(py).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "-c", "python:wres.web.gunicorn_conf", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                               "--access-logfile", str(log), "--error-logfile", str(tmp_path / "error.log"), "wres.web.wsgi"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    headers = {"User-Agent": AGENT, "X-Forwarded-For": ADDRESS, "Referer": f"http://{ADDRESS}/poster"}

    def get(path: str, data: dict[str, str] | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with urllib.request.urlopen(urllib.request.Request(base + path, data=body, headers=headers), timeout=30) as r:
            assert path.startswith("/accounts/") or r.headers.get("Set-Cookie") is None
            return r.read().decode()

    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        get("/accounts/login/")  # another page: its line has the address, so the check below can fail
        for _ in range(3):
            get(f"/survey/{slug}/")
            get(f"/survey/{slug}/privacy/")
            page = get(f"/survey/{slug}/answer/", {"start": "1"})
            while (step := step_of(page)) is not None:
                page = get(f"/survey/{slug}/answer/", {"state": state_of(page), "step": step, "action": "continue", "answer": choose(step, {})})
            assert "have been sent" in get(f"/survey/{slug}/send/", {"state": state_of(page)})
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = log.read_text().splitlines()
    survey_lines = [line for line in lines if "/survey/" in line]
    assert len(survey_lines) >= 3 * 9, lines
    for line in survey_lines:
        assert "127.0.0.1" not in line and ADDRESS not in line and "Distinctive-Agent" not in line and "poster" not in line, line
        assert line.startswith("- "), line
    others = [line for line in lines if "/accounts/login/" in line]
    assert others and all(line.startswith("127.0.0.1 ") for line in others) and any("Distinctive-Agent" in line for line in others), others
    errors = (tmp_path / "error.log").read_text()
    assert "127.0.0.1" not in errors.replace(f"127.0.0.1:{port}", "") and ADDRESS not in errors
