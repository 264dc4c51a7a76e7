"""A closed staff survey campaign as the survey part of its authority's return (issue 18, points 3 to 5).

Real components throughout: the demo return uploaded and checked by the pipeline, the campaign's answers
counted by the engine's own survey counting, the published figures audited by the real `wres audit`.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from wres import pipeline
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

from tests.web.test_e2e import e2e_browser  # noqa: F401 - a fixture

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


def survey_cells(counts_rows: list) -> dict:
    return {tuple(r[:4]): tuple(r[4:]) for r in counts_rows if r[0] in ("M6", "M7a", "M7b")}


def filled(authority: Authority, **kw) -> SurveyCampaign:  # noqa: ANN003
    c = campaign_of(authority, **kw)
    respond(c, authority.the_standard, 11, seed=len(kw))
    return c


@pytest.mark.django_db
def test_campaign_becomes_the_survey_of_a_return_without_one(users, authorities, demo_returns) -> None:  # noqa: ANN001
    a = authorities["A"]
    c = filled(a)
    up = returns.record(a, users["analyst_A"], zipped(demo_returns["A"], skip=("survey.csv",)))
    assert up.status == Upload.Status.VALID, up.problems
    assert survey_cells(up.counts["rows"]) == survey_cells([list(r) for r in survey.counts(c).rows()])
    assert survey.used_by(up) == (c, True)


@pytest.mark.django_db
def test_another_authority_or_period_is_never_used(users, authorities, demo_returns) -> None:  # noqa: ANN001
    filled(authorities["B"])  # same period, other authority
    filled(authorities["A"], period=(date(2023, 4, 1), date(2024, 3, 31)))  # own authority, other period
    filled(authorities["A"], closed=False, title="still open")  # own authority and period, but not closed
    campaign_of(authorities["A"], title="nobody answered")  # own authority and period, closed, but no response
    up = returns.record(authorities["A"], users["analyst_A"], zipped(demo_returns["A"], skip=("survey.csv",)))
    assert up.status == Upload.Status.VALID, up.problems
    assert survey_cells(up.counts["rows"]) == {} and survey.used_by(up) == (None, False)


@pytest.mark.django_db
def test_survey_csv_and_campaign_conflict_until_chosen(users, authorities, demo_returns) -> None:  # noqa: ANN001
    a = authorities["A"]
    c = filled(a)
    up = returns.record(a, users["analyst_A"], zipped(demo_returns["A"]))
    assert up.status == Upload.Status.INVALID
    errors = [p for p in up.errors() if "choose which to use" in p["message"]]
    assert len(errors) == 1 and c.title in errors[0]["message"] and errors[0]["file"] == "survey.csv"
    assert up.staged and Path(up.staged).is_dir()  # kept, so the choice can re-check it
    up = returns.choose_survey(up, "campaign")
    assert up.status == Upload.Status.VALID, up.problems
    assert survey_cells(up.counts["rows"]) == survey_cells([list(r) for r in survey.counts(c).rows()])
    up = returns.choose_survey(up, "upload")
    assert up.status == Upload.Status.VALID, up.problems
    own = survey_cells([list(r) for r in pipeline.load(demo_returns["A"]).counts.rows()])  # the file's own, as the CLI counts it
    assert survey_cells(up.counts["rows"]) == own != survey_cells([list(r) for r in survey.counts(c).rows()])
    assert survey.used_by(up) == (c, False)


@pytest.mark.django_db
def test_counts_return_takes_the_campaign_in_place_of_its_survey_rows(users, authorities, demo_returns, tmp_path) -> None:  # noqa: ANN001
    a = authorities["A"]
    c = filled(a)
    folder = tmp_path / "counts-return"
    folder.mkdir()
    (folder / "organisation.toml").write_bytes((demo_returns["A"] / "organisation.toml").read_bytes())
    (folder / "counts.csv").write_text(pipeline.load(demo_returns["A"]).counts.to_csv())
    up = returns.record(a, users["analyst_A"], zipped(folder))
    assert up.status == Upload.Status.INVALID and any("choose which to use" in p["message"] and p["file"] == "counts.csv" for p in up.errors())
    up = returns.choose_survey(up, "campaign")
    assert up.status == Upload.Status.VALID, up.problems
    assert survey_cells(up.counts["rows"]) == survey_cells([list(r) for r in survey.counts(c).rows()])


@pytest.mark.django_db
@pytest.mark.postgres("answers deleted and counts kept in one transaction")
def test_submit_deletes_the_answers_and_keeps_the_counts(users, authorities, demo_returns) -> None:  # noqa: ANN001
    a = authorities["A"]
    c = filled(a, codes=True)
    survey.make_codes(c, 3)
    SurveyComment.objects.create(campaign=c, text="a comment")
    SpentForm.objects.create(campaign=c, token_hash="x" * 64)
    before = survey.counts(c).rows()
    results_before = survey.results(c)
    up = returns.record(a, users["analyst_A"], zipped(demo_returns["A"], skip=("survey.csv",)))
    assert not (Path(up.staged) / returns.SURVEY_FOLDER).exists()  # the answers were there only while the check read them
    sub = returns.submit(up, users["analyst_A"], keep_files=True)
    kept_files = sorted(p.name for p in Path(sub.kept_files).rglob("*"))
    assert kept_files and "survey.csv" not in kept_files  # the record files kept on request hold no answer of the survey
    c.refresh_from_db()
    assert c.submission == sub and c.answers_deleted_on == survey.today()
    for model in (SurveyResponse, SurveyComment, SpentForm, InvitationCode):
        assert not model.objects.filter(campaign=c).exists(), model
    assert survey.counts(c).rows() == before and survey.response_count(c) == 11 * 6
    assert survey.results(c).to_dict() == results_before.to_dict()  # type: ignore[union-attr]
    # a later version of the same period takes the survey from the counts kept
    again = returns.record(a, users["analyst_A"], zipped(demo_returns["A"], skip=("survey.csv",)))
    assert again.status == Upload.Status.VALID, again.problems
    assert survey_cells(again.counts["rows"]) == survey_cells([list(r) for r in before])


@pytest.mark.django_db
def test_published_results_pass_the_real_audit(authorities, tmp_path) -> None:  # noqa: ANN001
    a = authorities["A"]
    std = a.the_standard
    c = campaign_of(a)
    rng = random.Random(5)
    cells = {(p.id, g): rng.randint(10, 40) for p in std.breakdown.parts for g in std.group_ids}
    cells[(std.breakdown.parts[0].id, std.unknown.id)] = 0
    respond(c, std, cells, seed=7)
    few = survey.questions(c)[2].id  # 3 of 12 in one group said yes: a small count disclosure control must hide
    SurveyResponse.objects.bulk_create(SurveyResponse(campaign=c, group=std.unknown.id, service=std.breakdown.parts[0].id,
                                                      answers={few: "1-2" if i < 3 else "Never"}) for i in range(12))
    doc = survey.results(c)
    assert doc is not None
    shown = [r for r in doc.results if r.metric in ("M6", "M7a", "M7b")]
    assert any(r.status == "published" for r in shown) and any(f.numerator is None for r in shown for f in r.groups.values())
    path = tmp_path / "survey.json"
    path.write_text(json.dumps(doc.to_dict()))
    run = subprocess.run([str(Path(sys.executable).parent / "wres"), "audit", str(path)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "No leak" in run.stdout and "of the 0 hidden" not in run.stdout, run.stdout + run.stderr


@pytest.mark.django_db
def test_pages_offer_the_choice_and_show_the_source(users, authorities, demo_returns) -> None:  # noqa: ANN001
    a = authorities["A"]
    c = filled(a)
    client = client_for(users["analyst_A"])
    up = returns.record(a, users["analyst_A"], zipped(demo_returns["A"]))
    page = client.get(f"/submit/{up.pk}/").content.decode()
    assert "Choose the survey answers" in page and 'value="campaign"' in page and 'value="upload"' in page and c.title in page
    assert "The survey answers in your survey.csv" in page and "column survey" not in page
    # no choice made: said as a GOV.UK error, nothing changes
    page = client.post(f"/submit/{up.pk}/survey/", {}).content.decode()
    assert "Choose which survey answers to use" in page and 'href="#id_source_1"' in page
    up.refresh_from_db()
    assert up.status == Upload.Status.INVALID and up.survey_source == ""
    # an analyst of another authority cannot choose for it
    assert client_for(users["analyst_B"]).post(f"/submit/{up.pk}/survey/", {"source": "campaign"}).status_code == 404
    response = client.post(f"/submit/{up.pk}/survey/", {"source": "campaign"})
    assert response.status_code == 302
    up.refresh_from_db()
    assert up.status == Upload.Status.VALID and up.survey_source == "campaign"
    page = client.get(f"/submit/{up.pk}/check/").content.decode()
    assert c.title in page and "Response rate" in page and "33%" in page  # 33 of 100 invited per service
    assert "Responses by ethnic group" in page  # every group has 11 respondents, at or above the threshold of 10
    assert "survey.csv" in page and "The survey answers in your file are left out, as you chose" in page
    up = returns.choose_survey(up, "upload")
    page = client.get(f"/submit/{up.pk}/check/").content.decode()
    assert "From your file, as you chose" in page and c.title in page and "Response rate" not in page


@pytest.mark.django_db
def test_check_answers_hides_groups_below_the_threshold(users, authorities, demo_returns) -> None:  # noqa: ANN001
    a = authorities["A"]
    std = a.the_standard
    c = campaign_of(a)
    cells = {(p.id, g): 15 for p in std.breakdown.parts for g in std.group_ids}
    cells[(std.breakdown.parts[1].id, std.unknown.id)] = 4
    respond(c, std, cells)
    up = returns.record(a, users["analyst_A"], zipped(demo_returns["A"], skip=("survey.csv",)))
    page = client_for(users["analyst_A"]).get(f"/submit/{up.pk}/check/").content.decode()
    assert c.title in page and "Responses by ethnic group are not shown" in page and "Responses by ethnic group</caption>" not in page


def test_the_choice_and_check_answers_in_a_browser(live_server, users, authorities, demo_returns, e2e_browser) -> None:  # noqa: ANN001
    """The problems page with the choice (its GOV.UK error when nothing is chosen), the choice made with the
    keyboard, and check-answers with the survey part: axe-core finds no WCAG 2.2 A/AA violation on any of them
    (WRES_SCREENSHOTS=1 writes docs/img/survey-return-check.png)."""
    from django.db import connection

    from tests.web.test_e2e import IMG, base_url, open_tour, sign_in

    a = authorities["A"]
    c = filled(a)
    up = returns.record(a, users["analyst_A"], zipped(demo_returns["A"]))
    connection.close()  # the live server answers from its own thread
    context, tour = open_tour(e2e_browser, base_url(live_server))
    page = tour.page
    tour.go("/accounts/login/")
    sign_in(tour, "analyst-a")
    tour.go(f"/submit/{up.pk}/")
    tour.visit("problems, with the survey choice", expect_title="Error: fix the return")
    page.get_by_role("button", name="Use these answers and check again").click()
    tour.visit("the survey choice, not made", expect_title="Error")
    assert "Choose which survey answers to use" in page.locator(".govuk-error-summary").inner_text()
    page.locator(".govuk-error-summary a", has_text="Choose which survey answers").click()
    page.keyboard.press("Space")  # the link's target is the first radio: the staff survey
    assert page.evaluate("() => document.activeElement.value") == "campaign"
    page.keyboard.press("Tab")  # out of the radios, to the button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tour.visit("check answers, survey from the campaign", expect_title="Check your answers")
    main = page.locator("main").inner_text()
    assert c.title in main and "Response rate" in main and "Responses by ethnic group" in main
    if os.environ.get("WRES_SCREENSHOTS") == "1":
        page.locator("#survey-part").scroll_into_view_if_needed()
        page.screenshot(path=str(IMG / "survey-return-check.png"), full_page=True)
    context.close()
    print("\naxe-core: 0 violations on " + "; ".join(tour.visited))


@pytest.mark.django_db
@pytest.mark.postgres("the check's child process reads the database")
def test_the_workers_limited_check_uses_the_campaign(users, authorities, demo_returns) -> None:  # noqa: ANN001
    """As the worker checks an upload: in a forked child with its limits, which has no database (the campaign's
    answers, or its kept counts, go to it from the parent)."""
    a = authorities["A"]
    c = filled(a)
    expected = survey_cells([list(r) for r in survey.counts(c).rows()])
    up = returns.finish(returns.begin(a, users["analyst_A"], zipped(demo_returns["A"], skip=("survey.csv",))))
    assert up.status == Upload.Status.VALID, up.problems
    assert survey_cells(up.counts["rows"]) == expected
    survey.delete_answers(c, None)  # only its counts kept now
    again = returns.finish(returns.begin(a, users["analyst_A"], zipped(demo_returns["A"], skip=("survey.csv",))))
    assert again.status == Upload.Status.VALID, again.problems
    assert survey_cells(again.counts["rows"]) == expected and survey.used_by(again) == (c, True)
