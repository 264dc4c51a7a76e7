"""The analyst's staff survey pages (issue 18): setting a campaign up, following it, codes, poster, results, comments.

Responses are made the way a respondent's form makes them (wres.web.survey.record); the results are the
engine's own (survey.results). Pages are read through the Django test client, and in Debian's Chromium with
axe-core at the end (WRES_SCREENSHOTS=1 writes docs/img/survey-campaign.png).
"""

from __future__ import annotations

import base64
import csv
import io
import os
import re
from datetime import date, timedelta
from html import unescape

import pytest
import segno
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.web.conftest import client_for, make_user
from tests.web.test_e2e import IMG, base_url, e2e_browser, open_tour, sign_in  # noqa: F401 - e2e_browser is a fixture
from wres.standards import load as load_standard
from wres.web import redaction, survey
from wres.web.models import AuditEvent, Authority, InvitationCode, Role, SurveyCampaign, SurveyComment, SurveyService

pytestmark = pytest.mark.django_db

TODAY = survey.today()
STD = load_standard("sc-wres")
FOCUS, REFERENCE = STD.focus.id, STD.reference.id
SCALE = STD.answer_words[STD.scales["abuse_public"]]  # the scale's words, as the form offers them


def make(authority: Authority, opens: int = -1, days: int = 30, **kw: object) -> SurveyCampaign:
    """A campaign opening `opens` days from today, open for `days` days, surveying adults (and children if asked)."""
    services = kw.pop("services", {"adults": 120})
    c = SurveyCampaign.objects.create(authority=authority, title=kw.pop("title", "Staff experience survey 2025"), period_start=date(2025, 4, 1),
                                      period_end=date(2026, 3, 31), opens_on=TODAY + timedelta(days=opens),
                                      closes_on=TODAY + timedelta(days=opens + days), **kw)
    for s, n in services.items():  # type: ignore[union-attr]
        SurveyService.objects.create(campaign=c, service=s, invited=n)
    return c


def respond(c: SurveyCampaign, group: str, service: str = "adults", n: int = 1, comment: str = "", on: date | None = None) -> None:
    """n finished forms, as the respondent's pages record them."""
    answers = {"abuse_public": SCALE[0], "abuse_colleagues": SCALE[1], "abuse_managers": ""}  # never; 1-2 times; not answered
    codes = survey.make_codes(c, n) if c.access == SurveyCampaign.Access.CODES else [None] * n
    for code in codes:
        assert survey.record(c, survey.Answers(group, service, answers, comment), survey.new_token(), code, on=on) == "recorded"


def text(r) -> str:  # noqa: ANN001
    return unescape(r.content.decode())


def main(r) -> str:  # noqa: ANN001
    """The page's main content, as words (the navigation and footer are the same on every page)."""
    html = r.content.decode()
    html = html[html.index('<main'):html.index('</main>')]
    return unescape(re.sub(r"<[^>]+>", " ", html))


VALID = {
    "title": "Staff experience survey 2025", "period_start": "1 April 2025", "period_end": "31 March 2026",
    "opens_on": (TODAY + timedelta(days=7)).isoformat(), "closes_on": (TODAY + timedelta(days=35)).isoformat(),
    "services": ["adults", "children"], "invited_adults": "250", "invited_children": "140", "access": "codes",
    "introduction": "", "free_text_question": "", "threshold": "10",
}


# --- setting up ---------------------------------------------------------------------------------------------

def test_set_up_a_survey_with_errors_then_saved(users, authorities) -> None:
    c = client_for(users["analyst_A"])
    r = c.get(reverse("campaign-new"))
    assert r.status_code == 200
    start = date(TODAY.year if TODAY.month >= 4 else TODAY.year - 1, 4, 1)  # no return yet: the April-to-March year of today
    page = text(r)
    assert f'value="{start.day} April {start.year}"' in page and f'value="31 March {start.year + 1}"' in page
    assert 'value="10"' in re.search(r'<input[^>]*name="threshold"[^>]*>', page).group()
    assert "Off unless you enter one" in page  # the free-text question's hint says it is off by default, and why

    r = c.post(reverse("campaign-new"), {"access": "open"})
    assert r.status_code == 200
    errors = main(r)
    for e in ("Enter a title", "Enter the start of the reporting period", "Enter the opening date", "Enter the closing date",
              "Select at least one service", "Enter the smallest group shown"):
        assert e in errors, e
    assert r.content.decode().count('<a href="#id_') >= 6  # the error summary links each error to its field

    yesterday = (TODAY - timedelta(days=1)).isoformat()
    bad = {**VALID, "period_end": "1 March 2025", "opens_on": yesterday, "closes_on": yesterday, "threshold": "3", "invited_children": ""}
    errors = main(c.post(reverse("campaign-new"), bad))
    for e in ("The end of the reporting period must be after its start", "The closing date must be after the opening date",
              "The smallest group shown must be 10 or more", "Enter the number of staff invited in children's social care",
              "The opening date must be today"):
        assert e in errors, e
    assert "must be a year or shorter" in main(c.post(reverse("campaign-new"), {**VALID, "period_end": "30 June 2026"}))
    assert not SurveyCampaign.objects.exists()

    r = c.post(reverse("campaign-new"), VALID)
    campaign = SurveyCampaign.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("campaign", args=[campaign.pk])
    assert campaign.authority == authorities["A"] and campaign.access == "codes" and campaign.threshold == 10
    assert campaign.free_text_question == ""  # none by default
    assert dict(campaign.services.values_list("service", "invited")) == {"adults": 250, "children": 140}
    event = AuditEvent.objects.get(action="survey created")
    assert event.detail["services"] == {"adults": 250, "children": 140} and event.authority == authorities["A"]

    # changed before it opens; a service no longer surveyed is dropped
    r = c.post(reverse("campaign-edit", args=[campaign.pk]), {**VALID, "services": ["adults"], "title": "Renamed"})
    assert r.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Renamed" and dict(campaign.services.values_list("service", "invited")) == {"adults": 250}
    assert AuditEvent.objects.filter(action="survey edited").count() == 1


def test_default_period_and_threshold_follow_the_latest_return(users, authorities, submitted) -> None:
    sub = submitted["A"]
    sub.organisation = {**sub.organisation, "suppression_threshold": 15}
    sub.save()
    c = client_for(users["analyst_A"])
    page = text(c.get(reverse("campaign-new")))
    nxt = sub.period_start.replace(year=sub.period_start.year + 1)
    assert f'value="{nxt.day} {nxt:%B} {nxt.year}"' in page
    assert "cannot be below 15" in page
    errors = main(c.post(reverse("campaign-new"), {**VALID, "threshold": "12"}))
    assert "The smallest group shown must be 15 or more" in errors and not SurveyCampaign.objects.exists()
    assert c.post(reverse("campaign-new"), {**VALID, "threshold": "20"}).status_code == 302


def test_a_standard_whose_survey_has_no_breakdown_asks_only_the_staff_invited(db) -> None:
    trust = Authority.objects.create(name="Riverside NHS Trust", code="RXX", standard="nhs-wres")
    analyst = make_user("trust-analyst", Role.ANALYST, trust)
    c = client_for(analyst)
    page = main(c.get(reverse("campaign-new")))
    assert "Which services are surveyed?" not in page and "Number of staff invited" in page
    data = {k: v for k, v in VALID.items() if not k.startswith("invited") and k != "services"}
    assert "Enter the number of staff invited" in main(c.post(reverse("campaign-new"), data))
    assert c.post(reverse("campaign-new"), {**data, "invited_all": "900"}).status_code == 302
    total = load_standard("nhs-wres").breakdown.total.id
    assert dict(SurveyCampaign.objects.get().services.values_list("service", "invited")) == {total: 900}


def test_a_trusts_survey_pages_say_nothing_of_services_it_does_not_survey_by(users, authorities, db) -> None:
    """The NHS WRES's survey is counted for the whole trust: its pages never speak of services (a council's
    survey is counted by service, and its pages say so), and no page calls a trust's analyst an authority's."""
    from django.test import Client

    trust = Authority.objects.create(name="Riverside NHS Trust", code="RXX", standard="nhs-wres")
    c = client_for(make_user("trust-analyst", Role.ANALYST, trust))
    campaign = make(trust, services={load_standard("nhs-wres").breakdown.total.id: 900})
    pages = {name: main(c.get(reverse(name, args=[campaign.pk]))) for name in ("campaign", "campaign-results")}
    pages["privacy"] = main(Client().get(reverse("survey-privacy", args=[campaign.slug])))
    for name, words in pages.items():
        assert "service" not in words.replace("service users", "").lower(), (name, words)  # (a question asks of patients or service users)
        assert "Authority" not in words, (name, words)
    assert "Riverside NHS Trust · Analyst" in " ".join(pages["campaign"].split())
    assert "Response rate Staff Responses" in " ".join(pages["campaign"].split())

    council = make(authorities["A"])
    c = client_for(users["analyst_A"])
    assert "Response rate by service Service Responses" in " ".join(main(c.get(reverse("campaign", args=[council.pk]))).split())
    assert "(by ethnicity and service)" in main(c.get(reverse("campaign-results", args=[council.pk])))
    privacy = " ".join(main(Client().get(reverse("survey-privacy", args=[council.slug]))).split())
    assert "answered, in each service." in privacy and "any ethnic group in any service has fewer" in privacy


# --- who may do what -----------------------------------------------------------------------------------------

def _urls(c: SurveyCampaign, comment: SurveyComment) -> list[str]:
    names = ("campaign", "campaign-edit", "campaign-close", "campaign-extend", "campaign-codes", "campaign-poster", "campaign-results", "campaign-comments")
    return [reverse(n, args=[c.pk]) for n in names] + [reverse("campaign-comment-review", args=[c.pk, comment.pk])]


def test_viewers_and_network_leads_read_but_do_not_run_a_survey(users, authorities) -> None:
    campaign = make(authorities["A"], access="codes", free_text_question="Anything else?")
    comment = SurveyComment.objects.create(campaign=campaign, text="Raw words")
    for who in ("viewer_A", "network_A"):
        c = client_for(users[who])
        for name in ("campaign", "campaign-poster", "campaign-results"):
            assert c.get(reverse(name, args=[campaign.pk])).status_code == 200, (who, name)
        assert c.get(reverse("campaigns")).status_code == 200
        assert "Set up a survey" not in text(c.get(reverse("campaigns")))
        assert "Close early" not in text(c.get(reverse("campaign", args=[campaign.pk])))
        assert c.post(reverse("campaign-new"), VALID).status_code == 403
        for url in _urls(campaign, comment)[1:]:
            if "poster" in url or "results" in url:
                continue
            assert c.get(url).status_code == 403, (who, url)
            assert c.post(url, {"closes_on": "2099-01-01", "number": "3", "reviewer": "x", "redacted": "x"}).status_code == 403, (who, url)
    campaign.refresh_from_db()
    assert campaign.closed_early_on is None and not InvitationCode.objects.exists()
    assert SurveyComment.objects.get().reviewed_on is None


def test_another_authority_gets_404_on_every_campaign_url(users, authorities) -> None:
    campaign = make(authorities["B"], access="codes", free_text_question="Anything else?")
    comment = SurveyComment.objects.create(campaign=campaign, text="Northfield words")
    for who in ("analyst_A", "viewer_A", "network_A"):
        c = client_for(users[who])
        for url in _urls(campaign, comment):
            assert c.get(url).status_code in (403, 404), (who, url)
            r = c.post(url, {"closes_on": "2099-01-01", "number": "3", "reviewer": "x", "redacted": "x", **VALID})
            assert r.status_code in (403, 404), (who, url)
        assert campaign.title not in text(c.get(reverse("campaigns")))
    c = client_for(users["analyst_A"])
    assert all(c.get(u).status_code == 404 for u in _urls(campaign, comment))  # the analyst's own role passes: tenancy refuses
    campaign.refresh_from_db()
    assert campaign.closed_early_on is None and campaign.closes_on == TODAY + timedelta(days=29) and not InvitationCode.objects.exists()


# --- following an open survey ---------------------------------------------------------------------------------

def test_close_early_and_extend(users, authorities) -> None:
    campaign = make(authorities["A"])
    c = client_for(users["analyst_A"])
    assert c.get(reverse("campaign-edit", args=[campaign.pk])).status_code == 302  # open: no more changes
    url = reverse("campaign-extend", args=[campaign.pk])
    assert "The new closing date must be after" in main(c.post(url, {"closes_on": campaign.closes_on.isoformat()}))
    assert "Enter the new closing date" in main(c.post(url, {"closes_on": ""}))
    later = campaign.closes_on + timedelta(days=14)
    assert c.post(url, {"closes_on": later.isoformat()}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.closes_on == later and AuditEvent.objects.filter(action="survey extended").count() == 1

    close = reverse("campaign-close", args=[campaign.pk])
    r = c.get(close)
    assert r.status_code == 200 and "Close the survey now" in text(r)  # asked first
    campaign.refresh_from_db()
    assert campaign.closed_early_on is None
    assert c.post(close).status_code == 302
    campaign.refresh_from_db()
    assert campaign.closed_early_on == TODAY and survey.state(campaign) == "closed"
    assert AuditEvent.objects.filter(action="survey closed early").count() == 1
    page = main(c.get(reverse("campaign", args=[campaign.pk])))
    assert f"Closed on {TODAY.day} {TODAY:%B} {TODAY.year}" in page and "See the survey's results" in page
    # closed: it cannot be extended (its results may have been seen)
    assert c.post(url, {"closes_on": (later + timedelta(days=5)).isoformat()}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.closes_on == later


@pytest.mark.postgres("tables read with SQL; codes under a unique constraint")
def test_codes_are_shown_once_and_stored_only_hashed(users, authorities) -> None:
    campaign = make(authorities["A"], access="codes")
    c = client_for(users["analyst_A"])
    url = reverse("campaign-codes", args=[campaign.pk])
    page = main(c.get(url))
    assert "cannot be shown again" in page and "at random" in page
    assert "Issue 5,000 codes or fewer at a time" in main(c.post(url, {"number": "5001"}))
    r = c.post(url, {"number": "7"})
    assert r.status_code == 200 and "no-cache" in r["Cache-Control"]
    shown = re.findall(r'<p class="govuk-heading-m[^"]*wres-code">([A-Z0-9-]+)</p>', r.content.decode())
    assert len(shown) == 7 == len(set(shown))
    data = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)" download="([^"]+)"', r.content.decode())
    rows = list(csv.reader(io.StringIO(base64.b64decode(data.group(1)).decode())))
    assert rows[0] == ["code", "link"] and [row[0] for row in rows[1:]] == shown
    assert all(row[1] == "http://testserver" + reverse("survey-start", args=[campaign.slug]) for row in rows[1:])
    assert InvitationCode.objects.filter(campaign=campaign).count() == 7
    assert all(survey.code_usable(campaign, code) for code in shown)
    assert AuditEvent.objects.get(action="survey codes issued").detail["number"] == 7
    # no table holds a code in plain, with or without its dash
    dump = _database_text()
    for code in shown:
        assert code not in dump and code.replace("-", "") not in dump
    # and the codes page never shows them again
    again = text(c.get(url))
    assert not any(code in again for code in shown) and "7 codes issued so far, 0 used" in again


def _database_text() -> str:
    """Every row of every table of the service, as text."""
    out = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
            out += [repr(row) for row in cursor.fetchall()]
    return "\n".join(out)


def test_counts_by_service_while_open_without_group_breakdown(users, authorities) -> None:
    campaign = make(authorities["A"], services={"adults": 40, "children": 20})
    respond(campaign, FOCUS, "adults", 3)
    respond(campaign, REFERENCE, "adults", 5)
    respond(campaign, FOCUS, "children", 2)
    for who in ("analyst_A", "viewer_A"):
        page = main(client_for(users[who]).get(reverse("campaign", args=[campaign.pk])))
        assert "10 responses so far" in page
        assert re.search(r"Adult social care\s+8\s+40\s+20%", page), page
        assert re.search(r"Children's social care\s+2\s+20\s+10%", page), page
        for g in STD.groups:  # no ethnicity group, by label or in words, while open
            assert g.label not in page and g.words not in page.lower().replace("ethnic background", ""), g
    r = client_for(users["analyst_A"]).get(reverse("campaign", args=[campaign.pk]))
    link = "http://testserver" + reverse("survey-start", args=[campaign.slug])
    assert f'value="{link}"' in r.content.decode()
    reminder = main(r).split("Reminder email to copy", 1)[1]
    assert link in reminder and "http://testserver" + reverse("survey-privacy", args=[campaign.slug]) in reminder
    assert f"{campaign.closes_on.day} {campaign.closes_on:%B} {campaign.closes_on.year}" in reminder and "anonymous" in reminder


def test_poster_has_a_qr_code_of_the_link(users, authorities) -> None:
    campaign = make(authorities["A"])
    r = client_for(users["viewer_A"]).get(reverse("campaign-poster", args=[campaign.pk]))
    html = r.content.decode()
    link = "http://testserver" + reverse("survey-start", args=[campaign.slug])
    svg = re.search(r"<svg.*?</svg>", html, re.S).group()
    # the QR code drawn is the link's own: the same modules as segno makes of the expected URL, and not another's
    assert svg == segno.make(link, error="m").svg_inline(scale=8)
    assert svg != segno.make(link + "x", error="m").svg_inline(scale=8)
    assert link in main(r) and campaign.title in main(r)
    assert 'role="img" aria-label="QR code' in html


def _matrix_of(svg: str, scale: int) -> list[list[bool]]:
    """The dark modules an SVG QR code draws (segno's path: runs of h moves, one row a line), as a matrix."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    size = int(re.search(r'width="(\d+)"', svg).group(1)) // scale
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?\d+(?:\.\d+)?)(?:[ ,](-?\d+(?:\.\d+)?))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                grid[int(y - 0.5)][int(x) + i] = True
            x += float(a)
    return grid


def test_the_poster_svg_decodes_to_the_links_matrix(users, authorities) -> None:
    campaign = make(authorities["A"])
    html = client_for(users["analyst_A"]).get(reverse("campaign-poster", args=[campaign.pk])).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group()
    link = "http://testserver" + reverse("survey-start", args=[campaign.slug])
    qr = segno.make(link, error="m")
    border = 4  # segno's quiet zone
    expected = [[bool(v) for v in row] for row in qr.matrix]
    drawn = _matrix_of(svg, 8)
    assert [row[border:-border] for row in drawn[border:-border]] == expected


# --- results and written answers ---------------------------------------------------------------------------------

@pytest.mark.postgres("answers are JSON aggregated from the database")
def test_results_hidden_below_threshold_then_shown(users, authorities) -> None:
    campaign = make(authorities["A"], opens=-20, days=10)  # closed ten days ago
    opened = campaign.opens_on + timedelta(days=1)
    respond(campaign, FOCUS, n=4, on=opened)
    respond(campaign, REFERENCE, n=12, on=opened)
    c = client_for(users["viewer_A"])
    r = c.get(reverse("campaign-results", args=[campaign.pk]))
    page = main(r)
    assert "fewer than 10 respondents, so no figure is shown" in page
    assert "%" not in page and "wres-figures" not in r.content.decode() and "[c]" not in page
    # while open, nothing either, whatever the numbers
    open_one = make(authorities["A"], title="Open survey")
    respond(open_one, FOCUS, n=12)
    respond(open_one, REFERENCE, n=12)
    assert "once the survey closes" in main(c.get(reverse("campaign-results", args=[open_one.pk])))

    respond_late = survey.record(campaign, survey.Answers(FOCUS, "adults", {}), survey.new_token())
    assert respond_late == "closed"
    respond(campaign, FOCUS, n=6, on=opened)  # now 10 and 12
    r = c.get(reverse("campaign-results", args=[campaign.pk]))
    html = r.content.decode()
    doc = survey.results(campaign)
    assert doc is not None and "wres-figures" in html
    survey_metrics = [m for m in STD.metrics if m.source == "survey"]
    for m in survey_metrics:
        assert f'id="metric-{m.id.lower()}"' in html, m.id
        for res in doc.results:
            if res.metric == m.id and res.service == STD.breakdown.total.id:
                assert unescape(res.sentence) in unescape(html)  # the engine's own sentence, not re-decided


def test_written_answers_only_after_review_and_redacted(users, authorities) -> None:
    campaign = make(authorities["A"], free_text_question="Is there anything else you want to tell us?")
    raw = "My manager Alex Smith in Leeds shouted at me. Call me on 07700 900123."
    respond(campaign, FOCUS, comment=raw)
    respond(campaign, REFERENCE, comment="Nothing to add.")
    c = client_for(users["analyst_A"])
    comments = reverse("campaign-comments", args=[campaign.pk])
    page = main(c.get(comments))
    assert "2 answers waiting for review" in page and "Alex Smith" not in page and "Nothing to add" not in page
    assert "Alex Smith" not in main(c.get(reverse("campaign", args=[campaign.pk])))
    assert client_for(users["viewer_A"]).get(comments).status_code == 403
    assert client_for(users["network_A"]).get(comments).status_code == 403

    target = SurveyComment.objects.get(text=raw)
    review = reverse("campaign-comment-review", args=[campaign.pk, target.pk])
    r = c.get(review)
    html = r.content.decode()
    assert '<mark class="wres-flag">Alex Smith' in html and '<mark class="wres-flag">07700 900123' in html
    assert "[name or place]" in html and "[phone]" in html  # the suggested redaction, in the box to edit
    errors = main(c.post(review, {"reviewer": "", "redacted": "x"}))
    assert "Enter your name" in errors
    target.refresh_from_db()
    assert target.reviewed_on is None

    r = c.post(review, {"reviewer": "Priya Patel", "redacted": "My manager [name] shouted at me."})
    other = SurveyComment.objects.exclude(pk=target.pk).get()
    assert r.status_code == 302 and r["Location"] == reverse("campaign-comment-review", args=[campaign.pk, other.pk])  # the next one
    target.refresh_from_db()
    assert (target.reviewed_by, target.reviewed_on, target.text) == ("Priya Patel", TODAY, raw)  # the answer as written is kept for review only
    page = main(c.get(comments))
    assert "My manager [name] shouted at me." in page and "Reviewed by Priya Patel" in page
    assert "Alex Smith" not in page and "07700" not in page and "Nothing to add" not in page  # the other is not reviewed yet
    assert "1 answer waiting for review" in page
    assert AuditEvent.objects.get(action="survey comment reviewed").detail["reviewer"] == "Priya Patel"


def test_a_survey_without_a_free_text_question_has_no_comments_page(users, authorities) -> None:
    campaign = make(authorities["A"])
    c = client_for(users["analyst_A"])
    assert c.get(reverse("campaign-comments", args=[campaign.pk])).status_code == 302
    assert "written answers" not in main(c.get(reverse("campaign", args=[campaign.pk])))


def test_answers_deleted_says_so(users, authorities, submitted) -> None:
    campaign = make(authorities["A"], opens=-20, days=10)
    SurveyCampaign.objects.filter(pk=campaign.pk).update(submission=submitted["A"], answers_deleted_on=TODAY, counts={"responses": 0, "cells": []})
    page = main(client_for(users["viewer_A"]).get(reverse("campaign", args=[campaign.pk])))
    assert f"Answers deleted on {TODAY.day} {TODAY:%B} {TODAY.year}; only counts are kept" in page


# --- flagging what may identify someone ------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "kinds"), [
    ("Email me at sam.jones@council.gov.uk please.", {"email": "sam.jones@council.gov.uk"}),
    ("Ring 07700 900123 or +44 20 7946 0958.", {"phone": "+44 20 7946 0958"}),
    ("My NI number is QQ 12 34 56 C.", {"ni number": "QQ 12 34 56 C"}),
    ("Staff number 1234567 was on the form.", {"staff number": "1234567"}),
    ("The office at LS1 4AP is cold.", {"postcode": "LS1 4AP"}),
    ("It was said by Dave Brown in Leeds.", {"name or place": "Leeds"}),
])
def test_flags_find_likely_identifiers(written: str, kinds: dict[str, str]) -> None:
    found = {(f.kind, f.text) for f in redaction.flags(written)}
    assert set(kinds.items()) <= found, found


def test_flags_leave_ordinary_words_and_sentence_starts() -> None:
    assert redaction.flags("I was shouted at. Then nothing happened on Monday.") == []
    assert [f.text for f in redaction.flags("Dave Brown shouted. I told HR.")] == ["Brown"]  # the first word starts the sentence
    text_ = "Call Sam on 07700 900123."
    flags = redaction.flags(text_)
    assert [(f.kind, text_[f.start:f.end]) for f in flags] == [("name or place", "Sam"), ("phone", "07700 900123")]
    assert redaction.suggested(text_) == "Call [name or place] on [phone]."
    assert "".join(piece for piece, _ in redaction.marked(text_)) == text_


# --- in a real browser -------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_campaign_pages_in_a_browser(live_server, users, authorities, e2e_browser) -> None:
    """The list, the set-up form with its errors, an open campaign's page with responses, the poster, codes (and
    their CSV), close and extend, results hidden and shown, and reviewing a written answer: axe-core finds no
    WCAG 2.2 A/AA violation on any of them."""
    campaign = make(authorities["A"], services={"adults": 180, "children": 95}, access="codes", free_text_question="Anything else?")
    respond(campaign, FOCUS, "adults", 23)
    respond(campaign, REFERENCE, "adults", 41)
    respond(campaign, FOCUS, "children", 9)
    respond(campaign, REFERENCE, "children", 16)
    respond(campaign, REFERENCE, "children", comment="My team leader Jo Bloggs in Leeds ignored it. Ring me on 07700 900123.")
    closed = make(authorities["A"], title="Pilot survey", opens=-30, days=10)
    respond(closed, FOCUS, n=3, on=closed.opens_on)
    past = make(authorities["A"], title="Last year's survey", opens=-60, days=20)
    respond(past, FOCUS, n=11, on=past.opens_on)
    respond(past, REFERENCE, n=14, on=past.opens_on)
    connection.close()  # the live server answers from its own thread

    context, tour = open_tour(e2e_browser, base_url(live_server))
    page = tour.page
    tour.go("/accounts/login/")
    sign_in(tour, "analyst-a")
    page.get_by_role("link", name="Staff survey").click()
    tour.visit("campaigns", expect_title="Staff survey")
    page.get_by_role("link", name="Set up a survey").click()
    tour.visit("set up a survey", expect_title="Set up a survey")
    page.get_by_role("button", name="Set up the survey").click()
    tour.visit("set up a survey, with errors", expect_title="Error: Set up a survey")
    assert "Enter a title" in page.locator(".govuk-error-summary").inner_text()
    tour.go(reverse("campaign", args=[campaign.pk]))
    tour.visit("campaign page", expect_title=campaign.title)
    if os.environ.get("WRES_SCREENSHOTS") == "1":
        page.screenshot(path=str(IMG / "survey-campaign.png"), full_page=True)
    assert "90 responses so far" in page.locator("main").inner_text()
    tour.go(reverse("campaign-poster", args=[campaign.pk]))
    tour.visit("poster", expect_title="Poster")
    tour.go(reverse("campaign-codes", args=[campaign.pk]))
    tour.visit("codes", expect_title="Invitation codes")
    page.fill("#id_number", "3")
    page.get_by_role("button", name="Issue the codes").click()
    tour.visit("codes issued", expect_title="3 invitation codes")
    shown = page.locator(".wres-code").all_inner_texts()
    with page.expect_download() as download:  # the CSV of exactly these codes, from the page itself (under its CSP)
        page.get_by_role("link", name="Download the codes (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert len(shown) == 3 and [row[0] for row in rows[1:]] == shown
    tour.go(reverse("campaign-close", args=[campaign.pk]))
    tour.visit("close early", expect_title="Close")
    tour.go(reverse("campaign-extend", args=[campaign.pk]))
    tour.visit("extend", expect_title="Extend")
    tour.go(reverse("campaign-results", args=[closed.pk]))
    tour.visit("results hidden", expect_title="Results")
    assert "no figure is shown" in page.locator("main").inner_text()
    tour.go(reverse("campaign-results", args=[past.pk]))
    tour.visit("results", expect_title="Results")
    assert page.locator("table.wres-figures").count() >= 2
    tour.go(reverse("campaign-comments", args=[campaign.pk]))
    tour.visit("written answers", expect_title="Written answers")
    page.get_by_role("link", name="Review the next answer").click()
    tour.visit("review a written answer", expect_title="Review a written answer")
    assert page.locator("mark.wres-flag").count() == 3
    page.get_by_role("button", name="Mark as reviewed").click()
    tour.visit("review, with an error", expect_title="Error: Review a written answer")
    page.fill("#id_reviewer", "Priya Patel")
    page.get_by_role("button", name="Mark as reviewed").click()
    tour.visit("written answers, reviewed", expect_title="Written answers")
    assert "Reviewed by Priya Patel" in page.locator("main").inner_text() and "Jo Bloggs" not in page.locator("main").inner_text()
    context.close()
    print("\naxe-core: 0 violations on " + "; ".join(tour.visited))
