"""The survey in Debian's Chromium on a 375 x 667 phone: a respondent finishes it with the keyboard alone,
and axe finds nothing on any survey page (start, code, each question, an error, check answers, confirmation,
privacy notice, closed). Also takes the docs' screenshots (docs/img/survey-*.png)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tests.browser import chromium, describe
from tests.web.survey_pages import make_campaign
from wres.web import survey
from wres.web.models import SurveyCampaign, SurveyResponse
from wres.web.survey_limits import CODE_TRIES, SENDS
from tests.web.test_e2e import run_axe

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
PHONE = {"width": 375, "height": 667}


@pytest.fixture
def phone(live_server, transactional_db, authorities, monkeypatch) -> Iterator[Any]:  # noqa: ANN001
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    SENDS.clear()
    CODE_TRIES.clear()
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        context.close()


def base(live_server: Any) -> str:
    return live_server.url.replace("://127.0.0.1:", "://localhost:")


def clean(page: Any, what: str) -> None:
    page.wait_for_load_state("load")
    shape = page.evaluate("""() => {
        const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
        return {h1: document.querySelectorAll('h1').length, duplicates: [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))]} }""")
    assert shape == {"h1": 1, "duplicates": []}, f"{what}: {shape}"
    violations = run_axe(page)
    assert not violations, f"{what}: {page.url}\n{describe(violations)}"


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching selector has the focus (keyboard only, as a respondent would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def enter(page: Any) -> None:
    """Press Enter on the focused button and wait for the page it posts to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def heading(page: Any) -> str:
    return page.locator("h1").first.inner_text()


def test_a_respondent_finishes_the_survey_with_the_keyboard(live_server, phone, authorities) -> None:  # noqa: ANN001
    page = phone
    campaign = make_campaign(authorities["A"], access=SurveyCampaign.Access.CODES)
    code = survey.make_codes(campaign, 1)[0]
    page.goto(f"{base(live_server)}/survey/{campaign.slug}/")
    clean(page, "start")
    tab_to(page, "button.govuk-button--start")
    enter(page)
    page.wait_for_selector("#code")
    clean(page, "code")
    tab_to(page, "#code")
    page.keyboard.type(code)
    enter(page)
    page.wait_for_selector("fieldset")
    std = authorities["A"].the_standard
    assert heading(page) == std.questions["ethnicity"].text
    clean(page, "ethnicity question")
    # skipping the question: GOV.UK's error summary and the inline error
    tab_to(page, "button[value=continue]")
    enter(page)
    page.wait_for_selector(".govuk-error-summary")
    assert "Select your ethnic group" in page.locator(".govuk-error-message").inner_text()
    assert page.title().startswith("Error:")
    clean(page, "error")
    tab_to(page, "#answer")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # the second White category: Irish
    tab_to(page, "button[value=continue]")
    enter(page)
    asked = []
    while page.locator("input[name=step]").count():
        page.wait_for_selector("h1")
        asked.append(heading(page))
        clean(page, f"question {heading(page)}")
        if len(asked) == 2:
            page.screenshot(path=str(ROOT / "docs" / "img" / "survey-phone.png"))
        tab_to(page, "#answer")
        page.keyboard.press("Space")
        if page.locator("#answer").get_attribute("value") == "Never":
            page.keyboard.press("ArrowDown")  # 1-2
        tab_to(page, "button[value=continue]")
        enter(page)
        page.wait_for_load_state("load")
    assert asked == [std.questions[q].text for q in ("service", "abuse_public", "abuse_colleagues", "abuse_managers")]
    assert heading(page) == "Check your answers before sending them"
    clean(page, "check answers")
    page.screenshot(path=str(ROOT / "docs" / "img" / "survey-check-answers.png"), full_page=True)
    tab_to(page, "button[data-prevent-double-click]")
    enter(page)
    page.wait_for_selector(".govuk-panel")
    assert heading(page) == "Your answers have been sent"
    clean(page, "confirmation")
    r = SurveyResponse.objects.get()
    assert (r.group, r.service) == ("white", "adults")
    assert set(r.answers.values()) == {"1-2"}
    page.goto(f"{base(live_server)}/survey/{campaign.slug}/privacy/")
    clean(page, "privacy")
    page.screenshot(path=str(ROOT / "docs" / "img" / "survey-privacy.png"), full_page=True)


def test_a_closed_survey_says_so(live_server, phone, authorities) -> None:  # noqa: ANN001
    today = survey.today()
    campaign = make_campaign(authorities["A"], opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=3), closed_early_on=today - timedelta(days=1))
    phone.goto(f"{base(live_server)}/survey/{campaign.slug}/")
    assert heading(phone) == "This survey has closed"
    assert "closed early" in phone.locator("main").inner_text()
    clean(phone, "closed")
