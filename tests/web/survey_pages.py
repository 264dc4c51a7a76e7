"""Helpers for the survey tests: a campaign, and a respondent walking the real pages with Django's test client."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse

from wres.web import survey
from wres.web.models import Authority, SurveyCampaign, SurveyService

STATE = re.compile(r'name="state" value="([^"]+)"')
STEP = re.compile(r'name="step" value="([^"]+)"')


def make_campaign(authority: Authority, **kw: Any) -> SurveyCampaign:
    today = survey.today()
    fields: dict[str, Any] = {
        "title": "Staff experience survey 2026", "period_start": today.replace(month=1, day=1),
        "period_end": today.replace(month=12, day=31), "opens_on": today - timedelta(days=3),
        "closes_on": today + timedelta(days=10), "introduction": "Tell us about your year.", **kw,
    }
    campaign = SurveyCampaign.objects.create(authority=authority, **fields)
    for part in authority.the_standard.breakdown.parts:
        SurveyService.objects.create(campaign=campaign, service=part.id, invited=100)
    return campaign


def state_of(page: str) -> str:
    found = STATE.search(page)
    assert found, page[:2000]
    return html.unescape(found.group(1))


def step_of(page: str) -> str | None:
    found = STEP.search(page)
    return found.group(1) if found else None


DEFAULT = {"ethnicity": "Indian", "service": "adults", "comment": ""}


def choose(step: str, answers: dict[str, str]) -> str:
    return answers.get(step, DEFAULT.get(step, "1-2"))


def fill(client: Client, campaign: SurveyCampaign, answers: dict[str, str] | None = None, code: str | None = None, **extra: Any) -> str:
    """From the start button to the check-answers page; returns that page's HTML."""
    answers = answers or {}
    url = reverse("survey-answer", args=[campaign.slug])
    page = client.post(url, {"start": "1"}, **extra).content.decode()
    if code is not None:
        page = client.post(url, {"state": state_of(page), "code": code}, **extra).content.decode()
    while (step := step_of(page)) is not None:
        r = client.post(url, {"state": state_of(page), "step": step, "action": "continue", "answer": choose(step, answers)}, **extra)
        assert r.status_code == 200, r.content.decode()[:2000]
        page = r.content.decode()
        assert "There is a problem" not in page, page[:3000]
    assert "Check your answers" in page, page[:3000]
    return page


def send(client: Client, campaign: SurveyCampaign, check_page: str, **extra: Any) -> Any:
    return client.post(reverse("survey-send", args=[campaign.slug]), {"state": state_of(check_page)}, **extra)


def take(client: Client, campaign: SurveyCampaign, answers: dict[str, str] | None = None, code: str | None = None, **extra: Any) -> Any:
    return send(client, campaign, fill(client, campaign, answers, code, **extra), **extra)
