"""The staff survey as a respondent takes it: no account, no session, no cookie (docs/web.md, "The staff survey").

Every page after the start page is the answer to a POST carrying the form's signed state (survey_forms), so
nothing about a respondent is kept until the form is sent, and then only survey.Answers. The views are
csrf_exempt: there is no ambient authority (no cookie) for a forged request to borrow, and the state is signed.
SurveyPrivacyMiddleware strips cookies in and out and sets no-store and no-referrer on every page here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt

from wres.web import survey
from wres.web.models import SurveyCampaign
from wres.web.survey_forms import PREFER_NOT, PREFER_NOT_VALUE, Page, answers, new_state, pages, sign, unsign
from wres.web.survey_limits import CODE_TRIES, SENDS, client_address

T = "web/survey/public/"


def _campaign(slug: str) -> SurveyCampaign:
    return get_object_or_404(SurveyCampaign.objects.select_related("authority"), slug=slug)


def _page(request: HttpRequest, campaign: SurveyCampaign, template: str, status: int = 200, **context: Any) -> HttpResponse:
    return render(request, T + template, {"campaign": campaign, "standard": survey.standard_of(campaign), "part_word": survey.part_word(campaign),
                                          **context}, status=status)


def _unavailable(request: HttpRequest, campaign: SurveyCampaign) -> HttpResponse | None:
    """The plain page for a campaign not open (200: it will open) or closed or deleted (410: gone for good)."""
    if campaign.answers_deleted_on is not None:
        return _page(request, campaign, "unavailable.html", 410, why="deleted")
    st = survey.state(campaign)
    if st == "open":
        return None
    return _page(request, campaign, "unavailable.html", 200 if st == "not_open" else 410, why=st, last_day=survey.last_day(campaign))


def start(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    return _unavailable(request, campaign) or _page(request, campaign, "start.html", questions=pages(campaign), last_day=survey.last_day(campaign))


def privacy(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign(slug)
    return _page(request, campaign, "privacy.html", questions=pages(campaign), last_day=survey.last_day(campaign))


def _question(request: HttpRequest, campaign: SurveyCampaign, state: dict[str, Any], page: Page, back: str, error: str = "", raw: str | None = None) -> HttpResponse:
    given = state["a"].get(page.id)
    chosen = raw if raw is not None else (PREFER_NOT_VALUE if given == "" and not page.is_text else given)
    return _page(request, campaign, "question.html", status=200, page=page, state=sign(campaign, state), back=back,
                 error=error, chosen=chosen or "", prefer_not=PREFER_NOT, prefer_not_value=PREFER_NOT_VALUE)


def _code_page(request: HttpRequest, campaign: SurveyCampaign, state: dict[str, Any], error: str = "", typed: str = "") -> HttpResponse:
    return _page(request, campaign, "code.html", state=sign(campaign, state), error=error, typed=typed)


def _check(request: HttpRequest, campaign: SurveyCampaign, state: dict[str, Any]) -> HttpResponse:
    rows = [(p, p.words(state["a"].get(p.id))) for p in pages(campaign)]
    return _page(request, campaign, "check.html", rows=rows, state=sign(campaign, state))


def _next(campaign: SurveyCampaign, state: dict[str, Any]) -> str:
    """The first page not yet answered, or "check" when all are."""
    return next((p.id for p in pages(campaign) if p.id not in state["a"]), "check")


def _show(request: HttpRequest, campaign: SurveyCampaign, state: dict[str, Any], step: str, **kw: Any) -> HttpResponse:
    ps = pages(campaign)
    ids = [p.id for p in ps]
    if step == "check" or step not in ids:
        return _check(request, campaign, state)
    i = ids.index(step)
    back = "check" if state.get("edit") else (ids[i - 1] if i else "")
    return _question(request, campaign, state, ps[i], back, **kw)


@csrf_exempt
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    """Every step of the form: the start button, the code, each question, Back and Change."""
    campaign = _campaign(slug)
    if request.method != "POST":
        return redirect("survey-start", slug=slug)
    if (gone := _unavailable(request, campaign)) is not None:
        return gone
    codes = campaign.access == SurveyCampaign.Access.CODES
    if "start" in request.POST:
        state = new_state()
        return _code_page(request, campaign, state) if codes else _show(request, campaign, state, _next(campaign, state))
    state = unsign(campaign, request.POST.get("state", ""))
    if state is None:
        return _page(request, campaign, "start_again.html", 400)
    if codes and "c" not in state:
        return _code(request, campaign, state)
    step = request.POST.get("step", "")
    action = request.POST.get("action", "continue")
    if action == "back":
        back = request.POST.get("back", "")
        return _show(request, campaign, state, back) if back else redirect("survey-start", slug=slug)
    if action.startswith("change:"):
        state["edit"] = True
        return _show(request, campaign, state, action.removeprefix("change:"))
    page = next((p for p in pages(campaign) if p.id == step), None)
    if page is None:
        return _show(request, campaign, state, _next(campaign, state))
    value, error = page.clean(request.POST.get("answer"))
    if value is None:
        return _show(request, campaign, state, step, error=error, raw=request.POST.get("answer", ""))
    state["a"][page.id] = value
    return _show(request, campaign, state, "check" if state.get("edit") else _next(campaign, state))


def _code(request: HttpRequest, campaign: SurveyCampaign, state: dict[str, Any]) -> HttpResponse:
    typed = request.POST.get("code", "").strip()
    address = client_address(request)
    if not typed:
        return _code_page(request, campaign, state, "Enter the invitation code")
    if not CODE_TRIES.allowed(address):
        return _page(request, campaign, "limited.html", 429)
    if survey.code_usable(campaign, typed):
        state["c"] = survey.normalise_code(typed)
        return _show(request, campaign, state, _next(campaign, state))
    CODE_TRIES.note(address)
    issued = campaign.codes.filter(code_hash=survey.hash_code(campaign, typed)).exists()
    error = "This code has already been used" if issued else "Enter the invitation code exactly as it is on your invitation, like ABCD-EFGH"
    return _code_page(request, campaign, state, error, typed)


@csrf_exempt
def send(request: HttpRequest, slug: str) -> HttpResponse:
    """The check-answers page's button: the answers recorded once (survey.record), then the confirmation."""
    campaign = _campaign(slug)
    if request.method != "POST":
        return redirect("survey-start", slug=slug)
    if campaign.answers_deleted_on is not None:
        return _page(request, campaign, "unavailable.html", 410, why="deleted")
    state = unsign(campaign, request.POST.get("state", ""))
    if state is None:
        return _page(request, campaign, "start_again.html", 400)
    codes = campaign.access == SurveyCampaign.Access.CODES
    if codes and "c" not in state:
        return _code_page(request, campaign, state)
    finished = answers(campaign, state)
    if finished is None:
        return _show(request, campaign, state, _next(campaign, state))
    address = client_address(request)
    if not codes and not SENDS.allowed(address):
        return _page(request, campaign, "limited.html", 429)
    outcome = survey.record(campaign, finished, state["t"], state.get("c"))
    if outcome == "closed":
        return _page(request, campaign, "unavailable.html", 410, why="closed", last_day=survey.last_day(campaign))
    if outcome == "code_used":
        state.pop("c", None)
        return _code_page(request, campaign, state, "This code has already been used")
    if outcome == "recorded" and not codes:
        SENDS.note(address)
    return _page(request, campaign, "done.html", already=outcome == "already_sent")
