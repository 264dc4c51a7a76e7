"""The respondent's survey pages through Django's test client: the flow, errors, codes, closed campaigns,
sending twice, no cookies and the per-address limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.web.conftest import client_for
from tests.web.survey_pages import fill, make_campaign, send, state_of, step_of, take
from wres.web import survey
from wres.web.models import InvitationCode, SpentForm, SurveyCampaign, SurveyComment, SurveyResponse
from wres.web.survey_limits import CODE_TRIES, SENDS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    SENDS.clear()
    CODE_TRIES.clear()


def test_the_flow_stores_the_answers_only(authorities) -> None:  # noqa: ANN001
    campaign = make_campaign(authorities["A"])
    c = Client()
    start = c.get(reverse("survey-start", args=[campaign.slug]))
    assert start.status_code == 200
    text = start.content.decode()
    assert campaign.title in text and "Tell us about your year." in text and reverse("survey-privacy", args=[campaign.slug]) in text
    std = authorities["A"].the_standard
    for q in ("abuse_public", "abuse_colleagues", "abuse_managers"):
        assert std.questions[q].text in text
    check = fill(c, campaign, {"ethnicity": "Caribbean", "service": "children", "abuse_public": "-", "abuse_colleagues": "Never", "abuse_managers": "More than 10"})
    assert "Prefer not to say" in check and "Caribbean" in check and "Children&#x27;s social care" in check
    done = send(c, campaign, check)
    assert done.status_code == 200 and "Your answers have been sent" in done.content.decode()
    r = SurveyResponse.objects.get()
    assert (r.group, r.service) == ("minority_ethnic", "children")
    assert r.answers == {"abuse_public": "", "abuse_colleagues": "Never", "abuse_managers": "More than 10"}


def test_prefer_not_to_say_ethnicity_is_the_unknown_group(authorities) -> None:  # noqa: ANN001
    campaign = make_campaign(authorities["A"])
    take(Client(), campaign, {"ethnicity": "-"})
    take(Client(), campaign, {"ethnicity": "Roma"})
    assert sorted(SurveyResponse.objects.values_list("group", flat=True)) == ["unknown", "white"]


def test_every_ethnicity_option_is_classified(authorities) -> None:  # noqa: ANN001
    from wres.web.survey_forms import pages

    campaign = make_campaign(authorities["A"])
    std = authorities["A"].the_standard
    page = next(p for p in pages(campaign) if p.id == "ethnicity")
    values = [v for s in page.sections for v, _ in s.options]
    assert len(values) >= 19 and len(set(values)) == len(values) and "" not in values
    assert all(survey.group_of(std, v) != std.unknown.id for v in values)


def test_a_skipped_question_is_a_govuk_error(authorities) -> None:  # noqa: ANN001
    campaign = make_campaign(authorities["A"])
    c = Client()
    url = reverse("survey-answer", args=[campaign.slug])
    page = c.post(url, {"start": "1"}).content.decode()
    assert step_of(page) == "ethnicity"
    r = c.post(url, {"state": state_of(page), "step": "ethnicity", "action": "continue"})
    text = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in text and 'href="#answer"' in text
    assert "govuk-form-group--error" in text and "Select your ethnic group, or select prefer not to say" in text
    assert "<title>Error:" in text and step_of(text) == "ethnicity"
    forged = c.post(url, {"state": state_of(page), "step": "ethnicity", "action": "continue", "answer": "Martian"})
    assert "There is a problem" in forged.content.decode()


def test_back_and_change(authorities) -> None:  # noqa: ANN001
    campaign = make_campaign(authorities["A"])
    c = Client()
    url = reverse("survey-answer", args=[campaign.slug])
    check = fill(c, campaign)
    changed = c.post(url, {"state": state_of(check), "action": "change:abuse_colleagues"}).content.decode()
    assert step_of(changed) == "abuse_colleagues" and 'value="1-2" checked' in changed
    again = c.post(url, {"state": state_of(changed), "step": "abuse_colleagues", "action": "continue", "answer": "6-10"}).content.decode()
    assert "Check your answers" in again and "6-10" in again
    back = c.post(url, {"state": state_of(again), "action": "back", "back": "abuse_managers"}).content.decode()
    assert step_of(back) == "abuse_managers"
    first = c.post(url, {"start": "1"}).content.decode()
    assert c.post(url, {"state": state_of(first), "action": "back", "back": ""}).status_code == 302


def test_tampered_or_foreign_state_starts_again(authorities) -> None:  # noqa: ANN001
    a, b = make_campaign(authorities["A"]), make_campaign(authorities["A"])
    check = fill(Client(), a)
    r = Client().post(reverse("survey-send", args=[b.slug]), {"state": state_of(check)})
    assert r.status_code == 400 and "You need to start again" in r.content.decode()
    r = Client().post(reverse("survey-send", args=[a.slug]), {"state": state_of(check)[:-3] + "abc"})
    assert r.status_code == 400
    assert not SurveyResponse.objects.exists()


@pytest.mark.postgres("a one-time token under a unique constraint (IntegrityError)")
def test_sending_twice_makes_one_response(authorities) -> None:  # noqa: ANN001
    campaign = make_campaign(authorities["A"])
    c = Client()
    check = fill(c, campaign)
    assert "have been sent" in send(c, campaign, check).content.decode()
    again = send(c, campaign, check)
    assert again.status_code == 200 and "Your answers were already sent" in again.content.decode()
    assert SurveyResponse.objects.count() == 1 and SpentForm.objects.count() == 1


@pytest.mark.postgres("invitation codes under a unique constraint")
def test_codes(authorities) -> None:  # noqa: ANN001
    campaign = make_campaign(authorities["A"], access=SurveyCampaign.Access.CODES)
    code, other = survey.make_codes(campaign, 2)
    url = reverse("survey-answer", args=[campaign.slug])
    c = Client()
    page = c.post(url, {"start": "1"}).content.decode()
    assert "Enter your invitation code" in page
    wrong = c.post(url, {"state": state_of(page), "code": "ABCD-EFGH"}).content.decode()
    assert "There is a problem" in wrong and "exactly as it is on your invitation" in wrong
    empty = c.post(url, {"state": state_of(page), "code": " "}).content.decode()
    assert "Enter the invitation code" in empty
    assert "have been sent" in take(Client(), campaign, code=code.lower().replace("-", " ")).content.decode()
    used = c.post(url, {"state": state_of(page), "code": code}).content.decode()
    assert "This code has already been used" in used and step_of(used) is None
    # two respondents holding the same code at once: checked again when sending
    first, second = fill(Client(), campaign, code=other), fill(Client(), campaign, code=other)
    assert "have been sent" in send(Client(), campaign, first).content.decode()
    refused = send(Client(), campaign, second).content.decode()
    assert "This code has already been used" in refused
    assert SurveyResponse.objects.count() == 2 and InvitationCode.objects.filter(used=True).count() == 2


def test_wrong_codes_are_limited_per_address(authorities, settings) -> None:  # noqa: ANN001
    settings.SURVEY_CODE_TRIES_PER_HOUR = 2
    campaign = make_campaign(authorities["A"], access=SurveyCampaign.Access.CODES)
    url = reverse("survey-answer", args=[campaign.slug])
    c = Client(REMOTE_ADDR="198.51.100.4")
    page = c.post(url, {"start": "1"}).content.decode()
    for _ in range(2):
        assert c.post(url, {"state": state_of(page), "code": "AAAA-AAAA"}).status_code == 200
    assert c.post(url, {"state": state_of(page), "code": "AAAA-AAAA"}).status_code == 429


@pytest.mark.parametrize("when", ["not_open", "closed", "closed_early", "deleted"])
def test_a_campaign_not_open_says_so(authorities, when: str) -> None:  # noqa: ANN001
    today = survey.today()
    kw = {
        "not_open": {"opens_on": today + timedelta(days=2)},
        "closed": {"opens_on": today - timedelta(days=20), "closes_on": today - timedelta(days=1)},
        "closed_early": {"closed_early_on": today - timedelta(days=1)},
        "deleted": {"opens_on": today - timedelta(days=20), "closes_on": today - timedelta(days=5), "answers_deleted_on": today},
    }[when]
    campaign = make_campaign(authorities["A"], **kw)
    r = Client().get(reverse("survey-start", args=[campaign.slug]))
    text = r.content.decode()
    assert r.status_code == (200 if when == "not_open" else 410)
    expected = {"not_open": "This survey is not open yet", "closed": "This survey has closed",
                "closed_early": "it was closed early", "deleted": "its answers were deleted on"}[when]
    assert expected in text
    assert (today + timedelta(days=2) if when == "not_open" else survey.last_day(campaign)).strftime("%B") in text
    assert Client().post(reverse("survey-answer", args=[campaign.slug]), {"start": "1"}).status_code == r.status_code


def test_a_form_finished_after_closing_is_not_stored(authorities) -> None:  # noqa: ANN001
    campaign = make_campaign(authorities["A"])
    check = fill(Client(), campaign)
    SurveyCampaign.objects.filter(pk=campaign.pk).update(closed_early_on=survey.today())
    r = send(Client(), campaign, check)
    assert r.status_code == 410 and not SurveyResponse.objects.exists()


def test_an_unknown_link_is_the_services_404() -> None:
    r = Client().get("/survey/no-such-campaign/")
    assert r.status_code == 404 and "Page not found" in r.content.decode()


def test_no_cookie_no_session_no_cache(authorities, users) -> None:  # noqa: ANN001
    campaign = make_campaign(authorities["A"], free_text_question="Anything else?")
    sessions = Session.objects.count()
    c = Client()
    responses = [c.get(reverse("survey-start", args=[campaign.slug])), c.get(reverse("survey-privacy", args=[campaign.slug]))]
    url = reverse("survey-answer", args=[campaign.slug])
    page = c.post(url, {"start": "1"})
    responses.append(page)
    responses.append(c.post(url, {"state": state_of(page.content.decode()), "step": "ethnicity", "action": "continue"}))
    check = fill(c, campaign, {"comment": "Fine."})
    responses.append(send(c, campaign, check))
    # a signed-in analyst testing the link: the session is neither read nor touched here
    analyst = client_for(users["analyst_A"])
    sessions = Session.objects.count()
    responses.append(analyst.get(reverse("survey-start", args=[campaign.slug])))
    responses.append(take(analyst, campaign))
    for r in responses:
        assert r.status_code == 200
        assert "Set-Cookie" not in r.headers and not r.cookies, r.headers
        assert r.headers["Cache-Control"] == "no-store" and r.headers["Referrer-Policy"] == "no-referrer"
        assert "Sign out" not in r.content.decode()
    assert Session.objects.count() == sessions
    assert SurveyComment.objects.get().text == "Fine."


def test_open_link_sends_are_limited_per_address(authorities, settings) -> None:  # noqa: ANN001
    settings.SURVEY_SENDS_PER_HOUR = 3
    campaign = make_campaign(authorities["A"])
    office = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(3):
        assert take(Client(), campaign, **office).status_code == 200
    r = take(Client(), campaign, **office)
    assert r.status_code == 429 and "Too many attempts" in r.content.decode()
    assert SurveyResponse.objects.count() == 3
    assert take(Client(), campaign, REMOTE_ADDR="203.0.113.10").status_code == 200  # another address is not held back
    assert SurveyResponse.objects.count() == 4
    assert "203.0.113.9" not in repr(SENDS._seen)  # salted hashes only


def test_pages_outside_survey_still_use_cookies(users) -> None:  # noqa: ANN001
    r = Client().get(reverse("login"))
    assert "csrftoken" in r.cookies  # the middleware leaves the rest of the service alone
