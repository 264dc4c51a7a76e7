"""A closed staff survey campaign as the survey part of its authority's return (issue 18, points 3 to 5).

Real components throughout: the demo return uploaded and checked by the pipeline, the campaign's answers
counted by the engine's own survey counting, the published figures audited by the real `wres audit`.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from wres.standards import Standard
from wres.web import returns, survey
from wres.web.models import (
    Authority,
    InvitationCode,
    SpentForm,
    SurveyCampaign,
    SurveyComment,
    SurveyResponse,
    SurveyService,
    Upload,
)

from .conftest import client_for, zipped

PERIOD = (date(2024, 4, 1), date(2025, 3, 31))  # the demo return's period
WORDS = ["Never", "1-2", "3-5", "6-10", "More than 10", ""]


def campaign_of(authority: Authority, *, period: tuple[date, date] = PERIOD, closed: bool = True, threshold: int = 10,
                title: str = "Staff experience survey 2024", codes: bool = False) -> SurveyCampaign:
    today = survey.today()
    c = SurveyCampaign.objects.create(
        authority=authority, title=title, period_start=period[0], period_end=period[1],
        opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1) if closed else today + timedelta(days=10),
        threshold=threshold, access=SurveyCampaign.Access.CODES if codes else SurveyCampaign.Access.OPEN,
        free_text_question="Anything else?")
    std = authority.the_standard
    for p in std.breakdown.parts:
        SurveyService.objects.create(campaign=c, service=p.id, invited=100)
    return c


def respond(c: SurveyCampaign, std: Standard, per_cell: int | dict[tuple[str, str], int], seed: int = 1) -> None:
    """Responses stored as record() stores them: per (service, group) cell, answers drawn at random (blanks too)."""
    rng = random.Random(seed)
    cells = per_cell if isinstance(per_cell, dict) else {(p.id, g): per_cell for p in std.breakdown.parts for g in std.group_ids}
    columns = [q.id for q in survey.questions(c) if q.kind == "answer"]
    SurveyResponse.objects.bulk_create(
        SurveyResponse(campaign=c, group=g, service=s, answers={col: rng.choice(WORDS) for col in columns})
        for (s, g), n in cells.items() for _ in range(n))


@pytest.mark.django_db
def test_questions_follow_the_standard(authorities: dict[str, Authority]) -> None:
    c = campaign_of(authorities["A"])
    std = authorities["A"].the_standard
    qs = survey.questions(c)
    assert [q.kind for q in qs[:2]] == ["ethnicity", "service"]
    survey_questions = {q for m in std.metrics if m.kind == "survey" for q in m.questions}
    assert {q.id for q in qs if q.kind == "answer"} == survey_questions
    assert qs[-1].kind == "comment"
    assert ("", "Prefer not to say") in qs[0].options
    assert all(survey.group_of(std, v) in std.group_ids for v, _ in qs[0].options)


@pytest.mark.django_db
def test_hidden_below_threshold_and_shown_at_it(authorities: dict[str, Authority]) -> None:
    a = authorities["A"]
    std = a.the_standard
    open_one = campaign_of(a, closed=False)
    respond(open_one, std, 20)
    assert survey.results(open_one) is None and "closes" in (survey.hidden_reason(open_one) or "")
    c = campaign_of(a, title="closed")
    cells = {(p.id, g): 12 for p in std.breakdown.parts for g in std.group_ids}
    cells[(std.breakdown.parts[0].id, std.group_ids[0])] = 9
    respond(c, std, cells)
    reason = survey.hidden_reason(c)
    assert reason is not None and "1 of the 6 groups" in reason and survey.results(c) is None
    assert std.group_ids[0] not in reason and std.breakdown.parts[0].id not in reason  # never says which
    assert survey.response_count(c) == 12 * 6 - 3
    rates = survey.responses_by_service(c)
    assert [r.responses for r in rates] == [12 * 3 - 3, 12 * 3] and rates[0].rate == pytest.approx(0.33)
