"""The action plan and governance pages: actions, monthly updates, comments, sign-off.

Status, RAG and flags on the pages are checked against wres.actions itself (never worked out again here);
roles are checked both ways (what each may do, and a 403 for what it may not); every edit is audited;
user text is escaped on every page; another authority's action is not found.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.test import Client

from tests.web.conftest import client_for, zipped
from wres import actions
from wres.web.models import Action, ActionUpdate, AuditEvent, Comment, SignOff
from wres.web.tasks import plan_of

pytestmark = pytest.mark.django_db

TODAY = date.today()
THIS_MONTH = f"{TODAY:%Y-%m}"
FUTURE = TODAY + timedelta(days=400)
PAST = date(2024, 1, 31)
XSS = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _quick_passwords(settings) -> None:
    """The seven test users' passwords hashed quickly (these tests never sign in with a password)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _action(**over: object) -> dict[str, object]:
    data = {"action_id": "A1", "metrics": ["M2", "M3"], "action": "Diverse shortlisting panels for every post",
            "owner": "Head of HR", "due": FUTURE.isoformat(), "status": "on track", "success_measure": "", "note": ""}
    return {**data, **over}


def _row(html: str, action_id: str) -> str:
    """The plan table's row of one action."""
    m = re.search(r'<tr class="govuk-table__row">\s*<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/plan/\d+/">'
                  + re.escape(action_id) + r"</a>.*?</tr>", html, re.DOTALL)
    assert m, f"no row for {action_id}"
    return m.group(0)


def _state(action: Action, month: str = THIS_MONTH) -> actions.ActionState:
    """The action's state as wres.actions computes it for the month (to today, for this month)."""
    plan = plan_of(action.authority_id)
    assert plan is not None
    return next(s for s in plan.as_of(actions.judgement(plan, month=month).day) if s.action.id == action.action_id)


def _create(c: Client, **over: object) -> Action:
    r = c.post("/plan/new/", _action(**over))
    assert r.status_code == 302, r.content.decode()[:2000]
    m = re.fullmatch(r"/plan/(\d+)/", r["Location"])
    assert m, r["Location"]
    return Action.objects.get(pk=int(m.group(1)))


def test_analyst_adds_an_action_and_it_is_on_the_plan_with_its_rag(users) -> None:
    c = client_for(users["analyst_A"])
    r = c.get("/plan/")
    assert r.status_code == 200 and "The plan has no actions yet" in r.content.decode()
    assert 'href="/plan/new/"' in r.content.decode()
    r = c.post("/plan/new/", _action(), follow=True)
    html = r.content.decode()
    assert "Action A1 added to the plan" in html and "govuk-notification-banner--success" in html
    obj = Action.objects.get()
    assert obj.authority == users["analyst_A"].profile.authority
    assert obj.metrics == "M2;M3" and obj.due == FUTURE and obj.status == "on track"
    state = _state(obj)
    assert (state.status, state.rag, state.overdue, state.stale) == ("on track", "green", False, True)
    row = _row(c.get("/plan/").content.decode(), "A1")
    assert "Green</strong>" in row and "No update this month" in row and "Overdue" not in row
    assert "M2, M3" in row and "Head of HR" in row
    event = AuditEvent.objects.get(action="action created")
    assert event.user == users["analyst_A"] and event.detail["action_id"] == "A1"


def test_edit_an_action(users) -> None:
    c = client_for(users["analyst_A"])
    obj = _create(c)
    r = c.get(f"/plan/{obj.pk}/edit/")
    html = r.content.decode()
    assert r.status_code == 200 and "Change action A1" in html
    assert re.search(r'value="M2"[^>]*checked', html) and not re.search(r'value="M1"[^>]*checked', html)
    r = c.post(f"/plan/{obj.pk}/edit/", _action(owner="Director of Adult Services", status="at risk", metrics=["M1"]), follow=True)
    assert "Action A1 saved" in r.content.decode()
    obj.refresh_from_db()
    assert (obj.owner, obj.status, obj.metrics) == ("Director of Adult Services", "at risk", "M1")
    row = _row(c.get("/plan/").content.decode(), "A1")
    assert "Amber</strong>" in row and "Director of Adult Services" in row
    event = AuditEvent.objects.get(action="action edited")
    assert {"owner", "status", "metrics"} <= set(event.detail["changed"])


def test_an_action_due_today_is_not_shown_overdue(users) -> None:
    """This month is judged as it stands today, not at its end (which would flag anything due later in it)."""
    c = client_for(users["analyst_A"])
    obj = _create(c, due=TODAY.isoformat(), status="on track")
    assert not _state(obj).overdue
    html = c.get("/plan/").content.decode()
    row = _row(html, "A1")
    assert "Green</strong>" in row and "Overdue" not in row
    assert f"Judged on {TODAY.day} {TODAY:%B %Y} (today)." in html


def test_monthly_updates_change_status_and_rag_as_wres_actions_computes_them(users) -> None:
    c = client_for(users["analyst_A"])
    obj = _create(c, due=PAST.isoformat(), status="on track")
    # due in the past and not complete: overdue, so red, whatever its status says
    state = _state(obj)
    assert (state.rag, state.overdue) == ("red", True)
    row = _row(c.get("/plan/").content.decode(), "A1")
    assert "Red</strong>" in row and "Overdue" in row
    # the month it was due, it was not yet overdue
    row = _row(c.get("/plan/?month=2024-01").content.decode(), "A1")
    assert _state(obj, "2024-01").rag == "green" and "Green</strong>" in row and "Overdue" not in row

    r = c.post(f"/plan/{obj.pk}/update/", {"date": TODAY.isoformat(), "status": "complete", "note": "All panels trained", "by": "HR"}, follow=True)
    html = r.content.decode()
    assert "Update added to action A1" in html
    assert "All panels trained" in html
    update = ActionUpdate.objects.get()
    assert (update.action, update.status) == (obj, "complete")
    state = _state(obj)
    assert (state.status, state.rag, state.overdue, state.stale) == ("complete", "complete", False, False)
    row = _row(c.get("/plan/").content.decode(), "A1")
    assert "Complete</strong>" in row and "Overdue" not in row and "No update this month" not in row
    # the update counts from its date: at the end of January 2024 the action was still as entered
    assert "Green</strong>" in _row(c.get("/plan/?month=2024-01").content.decode(), "A1")
    event = AuditEvent.objects.get(action="update added")
    assert event.detail["status"] == "complete" and event.detail["action_id"] == "A1"


@pytest.mark.postgres("the order of rows read back by date")
def test_updates_newest_first_and_at_risk_is_amber(users) -> None:
    c = client_for(users["analyst_A"])
    obj = _create(c)
    for day, status in ((TODAY - timedelta(days=40), "on track"), (TODAY, "at risk")):
        assert c.post(f"/plan/{obj.pk}/update/", {"date": day.isoformat(), "status": status, "note": f"note {status}"}).status_code == 302
    html = c.get(f"/plan/{obj.pk}/").content.decode()
    assert html.index("note at risk") < html.index("note on track")
    assert _state(obj).rag == "amber" and "Amber</strong>" in html


@pytest.mark.postgres("a case-insensitive lookup (iexact) and a unique constraint")
def test_duplicate_action_id_is_a_form_error(users) -> None:
    c = client_for(users["analyst_A"])
    _create(c)
    r = c.post("/plan/new/", _action(action="Another action"))
    html = r.content.decode()
    assert r.status_code == 200
    assert re.search(r"<title>\s*Error: Add an action", html)
    assert 'class="govuk-error-summary"' in html and '<a href="#id_action_id">Action ID A1 is already used in this plan' in html
    assert Action.objects.count() == 1
    # changing an action may keep its own ID, but not take another's
    other = _create(c, action_id="A2")
    assert c.post(f"/plan/{other.pk}/edit/", _action(action_id="A2", owner="Someone else")).status_code == 302
    r = c.post(f"/plan/{other.pk}/edit/", _action(action_id="a1"))
    assert "is already used in this plan" in r.content.decode()
    other.refresh_from_db()
    assert other.action_id == "A2"


@pytest.mark.parametrize("over, message", [
    ({"due": "06/30/2025"}, "Enter the due date as a date, for example 30 June 2025"),  # US order: no 30th month
    ({"due": "31 June 2025"}, "Enter the due date as a date, for example 30 June 2025"),
    ({"due": ""}, "Enter the due date"),
    ({"metrics": []}, "Select at least one metric the action addresses"),
    ({"metrics": ["M99"]}, "Select a valid choice"),
    ({"action": "   "}, "Enter what the action is"),
    ({"status": "finished"}, "Select one of: not started, on track, at risk, off track, complete"),
    ({"action": "Diverse panels\x0bfrom April"}, "Type this text again without the control character"),  # Word's line break
    ({"owner": "HR\x1b[2J"}, "Type this text again without the control character"),
])
def test_action_form_errors_are_clear(users, over, message) -> None:
    c = client_for(users["analyst_A"])
    r = c.post("/plan/new/", _action(**over))
    html = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in html and message in html
    assert Action.objects.count() == 0


def test_an_action_written_on_several_lines_is_kept(users) -> None:
    """A textarea sends its line breaks as \\r\\n: text, not a control character."""
    assert _create(client_for(users["analyst_A"]), action="first\r\nsecond").action == "first\r\nsecond"


@pytest.mark.parametrize("typed", ["30 June 2025", "30 jun 2025", "30/06/2025", "2025-06-30"])
def test_dates_are_typed_as_people_write_them_and_shown_in_one_style(users, typed) -> None:
    c = client_for(users["analyst_A"])
    obj = _create(c, due=typed)
    assert obj.due == date(2025, 6, 30)
    html = c.get(f"/plan/{obj.pk}/edit/").content.decode()
    assert 'value="30 June 2025"' in html and "For example, 30 June 2025" in html


def test_update_with_bad_status_or_date_shows_errors_on_the_action_page(users) -> None:
    c = client_for(users["analyst_A"])
    obj = _create(c)
    r = c.post(f"/plan/{obj.pk}/update/", {"date": "next week", "status": "done"})
    html = r.content.decode()
    assert r.status_code == 200 and re.search(r"<title>\s*Error: Action A1", html)
    assert "Enter the date of the update as a date, for example 30 June 2025" in html
    assert "Select one of: not started, on track, at risk, off track, complete" in html
    # each summary link goes to an element on the page: a text input, or a radio group's first option
    links = re.findall(r'<li><a href="#([\w-]+)">', html)
    assert links == ["id_date", "id_status_1"]
    assert all(f'id="{anchor}"' in html for anchor in links)
    assert ActionUpdate.objects.count() == 0 and not AuditEvent.objects.filter(action="update added").exists()


@pytest.mark.parametrize("month", ["2025-13", "June", "2025-6-1", "'\"><b>"])
def test_bad_month_gives_an_error_summary(users, month) -> None:
    c = client_for(users["analyst_A"])
    _create(c)
    r = c.get("/plan/", {"month": month})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'class="govuk-error-summary"' in html and '<a href="#id_month">' in html
    assert "Enter the month and year, for example June 2025 or 2025-06" in html and re.search(r"<title>\s*Error: Action plan", html)
    assert "<b>" not in html.split("<main", 1)[1]


def test_month_picker_shows_the_month_asked(users) -> None:
    c = client_for(users["analyst_A"])
    _create(c)
    for typed in ("2025-6", "June 2025", "jun 2025", "06/2025"):
        html = c.get("/plan/", {"month": typed}).content.decode()
        assert "Judged on 30 June 2025 (the end of June 2025)." in html and 'value="June 2025"' in html and "Error:" not in html, typed


RAG_WORDS = r"(Red|Amber|Green|Not started|Complete)"


def _web_tally(html: str) -> dict[str, int]:
    """The plan page's summary table: RAG label → number of actions."""
    return {k: int(n) for k, n in re.findall(RAG_WORDS + r"</strong></th><td[^>]*>(\d+)</td>", html)}


def _text_tally(line: str) -> dict[str, int]:
    """"RAG: Red 1 · Amber 0 …" (terminal) or "RAG: Red 1, Amber 0 …" (report) → RAG label → number."""
    return {k: int(n) for k, n in re.findall(RAG_WORDS + r" (\d+)", line.split("RAG:", 1)[1])[:5]}


def test_the_same_plan_gets_the_same_rag_on_the_web_in_wres_actions_and_in_the_report(users, authorities, demo_returns, cli) -> None:
    """One judgement day everywhere (wres.actions.judgement): the demo plan, added to the web plan from its return
    as an analyst does, gives identical RAG counts on the plan page, from `wres actions` and in the report on the
    same day, and each of them says the day."""
    from wres import report
    from wres.render import charts, html as html_render
    from wres.web import returns

    folder = demo_returns["A"]
    up = returns.record(authorities["A"], users["analyst_A"], zipped(folder))
    returns.submit(up, users["analyst_A"], keep_files=False, add_plan=True)
    c = client_for(users["analyst_A"])

    # the report judges the plan at the year's end; it says so, and the plan page offers that day
    built = report.build(folder)
    page = html_render.render(built, {ch.name: html_render.Figure("", "", "", [], [], 1, 1) for ch in charts.all_charts(built)})
    page = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Judged on 31 March 2025 (the end of the reporting period). RAG:" in page
    in_report = _text_tally(page)
    live = c.get("/plan/").content.decode()
    assert f"Judged on {TODAY.day} {TODAY:%B %Y} (today)." in live
    assert "judges the plan on 31 March 2025 (the end of the reporting period)" in live and 'href="/plan/?month=2025-03"' in live
    web = c.get("/plan/", {"month": "2025-03"}).content.decode()
    assert "Judged on 31 March 2025 (the end of March 2025)." in web and "judges the plan on" not in web
    cli_default = " ".join(cli("actions", folder).stdout.split())
    assert "Judged on 31 March 2025 (the end of the reporting period)" in cli_default
    assert _web_tally(web) == in_report == _text_tally(cli_default) == _text_tally(" ".join(cli("actions", folder, "--month", "2025-03").stdout.split()))
    assert sum(in_report.values()) == 10 and in_report["Red"] >= 1 and in_report["Complete"] >= 1  # the demo's untidy plan

    # any other month agrees too, and today's view (everything past due is red) is not the year end's
    for month, day in (("2024-09", "30 September 2024"), ("2025-01", "31 January 2025")):
        web = c.get("/plan/", {"month": month}).content.decode()
        terminal = " ".join(cli("actions", folder, "--month", month).stdout.split())
        assert f"Judged on {day}" in web and f"Judged on {day}" in terminal
        assert _web_tally(web) == _text_tally(terminal), month
    assert _web_tally(live) != in_report


def test_viewer_reads_but_cannot_change_anything(users) -> None:
    obj = _create(client_for(users["analyst_A"]))
    c = client_for(users["viewer_A"])
    for url in ("/plan/", f"/plan/{obj.pk}/", "/governance/"):
        r = c.get(url)
        html = r.content.decode()
        assert r.status_code == 200
        assert "A1" in html or url == "/governance/"
        # no form but the sign-out one, and no button to add or change anything
        assert html.count('method="post"') == 1, url
        assert "Add an action" not in html and "Change the action" not in html and "Record a sign-off" not in html
    assert c.get("/plan/new/").status_code == 403
    assert c.get(f"/plan/{obj.pk}/edit/").status_code == 403
    for url, data in (("/plan/new/", _action(action_id="V1")), (f"/plan/{obj.pk}/edit/", _action(owner="Viewer")),
                      (f"/plan/{obj.pk}/update/", {"date": TODAY.isoformat(), "status": "complete"}),
                      (f"/plan/{obj.pk}/comment/", {"text": "From a viewer"}),
                      ("/governance/", {"body": "steering_group", "decision": "Agreed", "by": "Chair", "on": TODAY.isoformat()})):
        assert c.post(url, data).status_code == 403, url
    obj.refresh_from_db()
    assert obj.owner == "Head of HR"
    assert (Action.objects.count(), ActionUpdate.objects.count(), Comment.objects.count(), SignOff.objects.count()) == (1, 0, 0, 0)


def test_network_lead_comments_but_cannot_edit(users) -> None:
    obj = _create(client_for(users["analyst_A"]))
    c = client_for(users["network_A"])
    html = c.get(f"/plan/{obj.pk}/").content.decode()
    assert "Add a comment" in html and "Add a monthly update" not in html and "Change the action" not in html
    assert 'href="/plan/new/"' not in c.get("/plan/").content.decode()
    for url, data in (("/plan/new/", _action(action_id="N1")), (f"/plan/{obj.pk}/edit/", _action(owner="Network")),
                      (f"/plan/{obj.pk}/update/", {"date": TODAY.isoformat(), "status": "complete"}),
                      ("/governance/", {"body": "staff_network", "decision": "Agreed", "by": "Chair", "on": TODAY.isoformat()})):
        assert c.post(url, data).status_code == 403, url
    r = c.post(f"/plan/{obj.pk}/comment/", {"text": "The network asks for reverse mentoring too"}, follow=True)
    html = r.content.decode()
    assert "Comment added to action A1" in html and "The network asks for reverse mentoring too" in html
    assert "network-a" in html  # the author
    comment = Comment.objects.get()
    assert (comment.action, comment.author) == (obj, users["network_A"])
    event = AuditEvent.objects.get(action="comment added")
    assert event.user == users["network_A"] and event.detail["comment"] == comment.pk
    # an empty comment is an error, not a comment
    r = c.post(f"/plan/{obj.pk}/comment/", {"text": "  "})
    assert "Enter a comment" in r.content.decode() and Comment.objects.count() == 1


def test_analyst_can_comment_too(users) -> None:
    c = client_for(users["analyst_A"])
    obj = _create(c)
    assert c.post(f"/plan/{obj.pk}/comment/", {"text": "Checked with HR"}).status_code == 302
    assert Comment.objects.get().author == users["analyst_A"]


def test_governance_sign_off_recorded_and_audited(users, submitted) -> None:
    c = client_for(users["analyst_A"])
    html = c.get("/governance/").content.decode()
    assert "No sign-off has been recorded yet" in html and "Record a sign-off" in html
    # the organisation settings' governance section, from the latest return
    gov = submitted["A"].organisation["governance"]
    assert "Steering group" in html and gov["steering_group"] in html and gov["approved_by"] in html
    assert gov["approved_on"] == "2024-06-04" and "4 June 2024" in html
    r = c.post("/governance/", {"body": "steering_group", "decision": "Agreed the action plan", "by": "Chair of the steering group",
                                "on": "2025-06-12", "note": "Reviewed quarterly"}, follow=True)
    html = r.content.decode()
    assert "Sign-off recorded: Steering group, 12 June 2025" in html
    assert "Agreed the action plan" in html and "Chair of the steering group" in html and "12 June 2025" in html
    s = SignOff.objects.get()
    assert (s.authority, s.recorded_by, s.on) == (submitted["A"].authority, users["analyst_A"], date(2025, 6, 12))
    event = AuditEvent.objects.get(action="sign-off recorded")
    assert event.detail == {"sign_off": s.pk, "body": "steering_group", "on": "2025-06-12"}
    # a viewer of the same authority sees it; another authority does not
    assert "Agreed the action plan" in client_for(users["viewer_A"]).get("/governance/").content.decode()
    assert "Agreed the action plan" not in client_for(users["analyst_B"]).get("/governance/").content.decode()


def test_governance_form_errors(users) -> None:
    c = client_for(users["analyst_A"])
    r = c.post("/governance/", {"body": "", "decision": "", "by": "", "on": "12 June"})
    html = r.content.decode()
    assert r.status_code == 200 and re.search(r"<title>\s*Error: Governance", html)
    for message in ("Select who signed off the plan", "Enter the decision", "Enter who signed off",
                    "Enter the date of the decision as a date, for example 30 June 2025"):
        assert message in html
    assert SignOff.objects.count() == 0


def test_uncovered_metrics_are_those_wres_actions_names(users, submitted) -> None:
    results = [SimpleNamespace(**r) for r in submitted["A"].document["results"]]
    c = client_for(users["analyst_A"])
    standard = submitted["A"].authority.the_standard
    expected = actions.uncovered(None, results, standard)
    html = c.get("/plan/").content.decode()
    for gap in expected:
        assert gap in html
    if not expected:
        assert "has at least one action" in html
        return
    # an action on every metric that is outside the range closes every gap
    worse = sorted({r.metric for r in results if r.assessment == "worse_for_minority_ethnic"})
    _create(c, metrics=worse)
    assert actions.uncovered(plan_of(submitted["A"].authority_id), results, standard) == []
    html = c.get("/plan/").content.decode()
    assert "has at least one action" in html and not any(gap in html for gap in expected)


def test_text_is_escaped_on_every_page(users) -> None:
    c = client_for(users["analyst_A"])
    obj = _create(c, action_id="<b>X</b>", action=XSS, owner=XSS, success_measure=XSS, note=XSS)
    c.post(f"/plan/{obj.pk}/update/", {"date": TODAY.isoformat(), "status": "on track", "note": XSS, "by": XSS})
    c.post(f"/plan/{obj.pk}/comment/", {"text": XSS})
    c.post("/governance/", {"body": "lead_members", "decision": XSS, "by": XSS, "on": "2025-06-01", "note": XSS})
    assert (ActionUpdate.objects.count(), Comment.objects.count(), SignOff.objects.count()) == (1, 1, 1)
    for url in ("/plan/", f"/plan/{obj.pk}/", f"/plan/{obj.pk}/edit/", "/governance/"):
        html = c.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert XSS not in html and "<b>X</b>" not in html, url
    # and in the messages and error pages that repeat what was typed
    r = c.post("/plan/new/", _action(action_id="<b>X</b>"))
    assert "<b>X</b>" not in r.content.decode() and "&lt;b&gt;X&lt;/b&gt;" in r.content.decode()


@pytest.mark.parametrize("who", ["analyst_B", "viewer_B", "network_B"])
def test_another_authoritys_action_is_not_found(users, who) -> None:
    obj = _create(client_for(users["analyst_A"]))
    c = client_for(users[who])
    for path in ("", "edit/", "update/", "comment/"):
        url = f"/plan/{obj.pk}/{path}"
        # a role that may not do it is refused first (403); one that may is refused the object (404)
        allowed = path == "" or who == "analyst_B" or (who == "network_B" and path == "comment/")
        assert c.get(url).status_code == (404 if allowed else 403), url
        assert c.post(url, {**_action(owner="Intruder"), "text": "Intruder", "date": TODAY.isoformat()}).status_code in (403, 404), url
    html = c.get("/plan/").content.decode()  # (not a bare "A1": a random CSRF token may hold those two letters)
    assert f'href="/plan/{obj.pk}/"' not in html and ">A1<" not in html
    obj.refresh_from_db()
    assert obj.owner == "Head of HR"
    assert (ActionUpdate.objects.count(), Comment.objects.count()) == (0, 0)


def test_analyst_of_another_authority_gets_404_on_every_action_url(users) -> None:
    obj = _create(client_for(users["analyst_A"]))
    c = client_for(users["analyst_B"])  # may edit and comment in its own plan, so only tenancy stops it
    for path in ("", "edit/", "update/", "comment/"):
        assert c.get(f"/plan/{obj.pk}/{path}").status_code == 404, path
        assert c.post(f"/plan/{obj.pk}/{path}", {**_action(), "text": "x", "date": TODAY.isoformat()}).status_code == 404, path
    # and its own action may reuse the same ID
    assert _create(c).authority == users["analyst_B"].profile.authority


def test_signed_out_and_national_users_are_kept_out(users) -> None:
    for url in ("/plan/", "/plan/new/", "/governance/"):
        r = Client().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
        assert client_for(users["national"]).get(url).status_code == 403


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _words(html: str) -> str:
    """What a person reads on a page: its text, without tags, attributes or the form fields' values."""
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_pages_show_dates_in_one_style(users, authorities, demo_returns) -> None:
    """Every date a person reads on the plan, governance, dashboard and submissions pages is '31 March 2025'."""
    from wres.web import returns

    up = returns.record(authorities["A"], users["analyst_A"], zipped(demo_returns["A"]))
    text = _words(client_for(users["analyst_A"]).get(f"/submit/{up.id}/", follow=True).content.decode())
    assert "1 April 2024 to 31 March 2025" in text and not ISO_DATE.search(text), [text[max(0, m.start() - 150):m.end() + 50] for m in ISO_DATE.finditer(text)]
    returns.submit(up, users["analyst_A"], keep_files=False, add_plan=True)
    c = client_for(users["analyst_A"])
    c.post("/governance/", {"body": "steering_group", "decision": "Agreed the action plan", "by": "Chair", "on": "2025-06-12", "note": ""})
    action = Action.objects.filter(authority=authorities["A"]).first()
    pages = ["/plan/", "/plan/?month=2025-03", f"/plan/{action.pk}/", "/governance/", "/dashboard/", "/submissions/"]
    for url in pages:
        text = _words(c.get(url).content.decode())
        found = [d for d in ISO_DATE.findall(text)]
        assert not found, (url, found)
    assert "31 March 2025" in _words(c.get("/plan/?month=2025-03").content.decode())
    assert "12 June 2025" in _words(c.get("/governance/").content.decode())
