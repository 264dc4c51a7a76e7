"""The analyst's staff survey campaigns: setting one up, following it while open, codes, poster, results, comments.

Every campaign is looked up through request.authority (another authority's is not found: 404). Analysts run
campaigns (access.CAN["run_survey"]); viewers and staff-network leads may read a campaign's page, poster and
results; answers to a free-text question are for analysts only, and only once a named person has reviewed them.
What is counted, hidden or published is wres.web.survey's to say (responses_by_service, hidden_reason, results):
these pages show it.
"""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from wres.dates import long_date
from wres.web import figures, redaction, survey
from wres.web.access import audit, can, member
from wres.web.campaign_forms import CampaignForm, CodesForm, ExtendForm, ReviewForm
from wres.web.models import SurveyCampaign, SurveyComment

# How each state is shown: a tag's words and colour (the meaning never rests on colour alone).
STATE_TAGS = {"not_open": ("Not open yet", "govuk-tag--grey"), "open": ("Open", "govuk-tag--green"), "closed": ("Closed", "govuk-tag--blue")}


def _campaign(request: HttpRequest, pk: int) -> SurveyCampaign:
    return get_object_or_404(SurveyCampaign, pk=pk, authority=request.authority)  # type: ignore[attr-defined]


def public_link(request: HttpRequest, campaign: SurveyCampaign) -> str:
    """The survey's link as staff are given it: absolute, on this service's own address."""
    return request.build_absolute_uri(reverse("survey-start", args=[campaign.slug]))


def qr_svg(link: str, scale: int = 6) -> str:
    """The link as a QR code, inline SVG (no file, no script; the page's style rules allow it)."""
    return segno.make(link, error="m").svg_inline(scale=scale, omitsize=False)


def _shown(campaign: SurveyCampaign) -> dict[str, Any]:
    state = survey.state(campaign)
    tag, css = STATE_TAGS[state]
    return {"campaign": campaign, "state": state, "tag": tag, "tag_class": css, "last_day": survey.last_day(campaign),
            "part_word": survey.part_word(campaign)}


@member()
def campaigns(request: HttpRequest) -> HttpResponse:
    rows = [_shown(c) for c in SurveyCampaign.objects.filter(authority=request.authority)]  # type: ignore[attr-defined]
    return render(request, "web/survey/campaigns/list.html", {"rows": rows})


@member("run_survey")
def campaign_new(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST if request.method == "POST" else None, authority=request.authority, today=survey.today())  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        campaign = form.save()
        audit(request, "survey created", campaign, pk=campaign.pk, opens_on=campaign.opens_on.isoformat(),
              closes_on=campaign.closes_on.isoformat(), access=campaign.access, services=form.invited(), threshold=campaign.threshold,
              free_text=bool(campaign.free_text_question))
        messages.success(request, f"{campaign.title} is set up")
        return redirect("campaign", pk=campaign.pk)
    return render(request, "web/survey/campaigns/form.html", {"form": form, "campaign": None})


@member()
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    c = _campaign(request, pk)
    link = public_link(request, c)
    return render(request, "web/survey/campaigns/campaign.html", {
        **_shown(c),
        "link": link,
        "privacy_link": request.build_absolute_uri(reverse("survey-privacy", args=[c.slug])),
        "count": survey.response_count(c),
        "rates": survey.responses_by_service(c),
        "codes_issued": c.codes.count(),
        "can_run": can(request, "run_survey"),
    })


@member("run_survey")
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    c = _campaign(request, pk)
    if survey.state(c) != "not_open":
        messages.info(request, "A survey cannot be changed once it has opened: staff may already have answered it")
        return redirect("campaign", pk=c.pk)
    form = CampaignForm(request.POST if request.method == "POST" else None, instance=c, authority=request.authority, today=survey.today())  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        form.save()
        audit(request, "survey edited", c, pk=c.pk, changed=form.changed_data)
        messages.success(request, "Your changes are saved")
        return redirect("campaign", pk=c.pk)
    return render(request, "web/survey/campaigns/form.html", {"form": form, "campaign": c})


@member("run_survey")
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: are you sure? POST: the survey takes no more answers from today."""
    c = _campaign(request, pk)
    if survey.state(c) != "open":
        messages.info(request, "Only an open survey can be closed early")
        return redirect("campaign", pk=c.pk)
    if request.method == "POST":
        c.closed_early_on = survey.today()
        c.save(update_fields=["closed_early_on"])
        audit(request, "survey closed early", c, pk=c.pk, on=c.closed_early_on.isoformat(), was=c.closes_on.isoformat())
        messages.success(request, f"{c.title} is closed: it takes no more answers")
        return redirect("campaign", pk=c.pk)
    return render(request, "web/survey/campaigns/close.html", _shown(c))


@member("run_survey")
def campaign_extend(request: HttpRequest, pk: int) -> HttpResponse:
    c = _campaign(request, pk)
    if survey.state(c) == "closed":
        messages.info(request, "A closed survey cannot be opened again: its results may already have been seen")
        return redirect("campaign", pk=c.pk)
    form = ExtendForm(request.POST if request.method == "POST" else None, campaign=c)
    if request.method == "POST" and form.is_valid():
        was = c.closes_on
        c.closes_on = form.cleaned_data["closes_on"]
        c.save(update_fields=["closes_on"])
        audit(request, "survey extended", c, pk=c.pk, was=was.isoformat(), closes_on=c.closes_on.isoformat())
        messages.success(request, f"{c.title} now closes at the end of {long_date(c.closes_on)}")
        return redirect("campaign", pk=c.pk)
    return render(request, "web/survey/campaigns/extend.html", {**_shown(c), "form": form})


def _codes_csv(codes: list[str], link: str) -> str:
    """The codes just made as a CSV in a data: link: the file exists only in this one page."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["code", "link"])
    writer.writerows([code, link] for code in codes)
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(out.getvalue().encode("utf-8")).decode("ascii")


@never_cache
@member("run_survey")
def campaign_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue invitation codes: shown once, in the response that made them, and never stored in plain."""
    c = _campaign(request, pk)
    if c.access != SurveyCampaign.Access.CODES or survey.state(c) == "closed":
        messages.info(request, "Codes are for a survey taken with invitation codes that has not closed")
        return redirect("campaign", pk=c.pk)
    form = CodesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = survey.make_codes(c, form.cleaned_data["number"])
        audit(request, "survey codes issued", c, pk=c.pk, number=len(codes))
        link = public_link(request, c)
        return render(request, "web/survey/campaigns/codes_issued.html", {
            **_shown(c), "codes": codes, "link": link, "qr": mark_safe(qr_svg(link, scale=3)),  # noqa: S308 - segno's own SVG
            "csv": _codes_csv(codes, link), "filename": f"survey-codes-{c.pk}-{survey.today():%Y-%m-%d}.csv",
        })
    return render(request, "web/survey/campaigns/codes.html", {**_shown(c), "form": form, "issued": c.codes.count(),
                                                               "used": c.codes.filter(used=True).count()})


@member()
def campaign_poster(request: HttpRequest, pk: int) -> HttpResponse:
    c = _campaign(request, pk)
    link = public_link(request, c)
    return render(request, "web/survey/campaigns/poster.html", {**_shown(c), "link": link, "qr": mark_safe(qr_svg(link, scale=8))})  # noqa: S308


@member()
def campaign_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey's metrics as the engine computed and protected them, or plainly why none is shown yet."""
    c = _campaign(request, pk)
    hidden = survey.hidden_reason(c)
    context: dict[str, Any] = {**_shown(c), "hidden": hidden}
    if hidden is None:
        doc = survey.results(c)
        if doc is not None:
            standard = figures.standard_of(doc)
            context.update(doc=doc, standard=standard, noun=figures.noun(standard),
                           metrics=[m for m in figures.metrics(doc, standard) if m.submitted])
    return render(request, "web/survey/campaigns/results.html", context)


@member("run_survey")
def campaign_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """Reviewed answers to the free-text question, as redacted; how many wait for review."""
    c = _campaign(request, pk)
    if not c.free_text_question:
        messages.info(request, "This survey has no free-text question")
        return redirect("campaign", pk=c.pk)
    comments = SurveyComment.objects.filter(campaign=c)
    waiting = comments.filter(reviewed_on__isnull=True).order_by("id")
    return render(request, "web/survey/campaigns/comments.html", {
        **_shown(c), "reviewed": comments.filter(reviewed_on__isnull=False).order_by("id"), "waiting": waiting.count(), "next": waiting.first(),
    })


@member("run_survey")
def campaign_comment_review(request: HttpRequest, pk: int, comment: str) -> HttpResponse:
    """One answer as written, with what may identify someone flagged; the reviewer saves the text analysts see."""
    c = _campaign(request, pk)
    obj = get_object_or_404(SurveyComment, pk=comment, campaign=c)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    initial = {"redacted": obj.redacted or redaction.suggested(obj.text), "reviewer": obj.reviewed_by}
    form = ReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        obj.redacted, obj.reviewed_by, obj.reviewed_on = form.cleaned_data["redacted"], form.cleaned_data["reviewer"], survey.today()
        obj.save(update_fields=["redacted", "reviewed_by", "reviewed_on"])
        audit(request, "survey comment reviewed", c, pk=c.pk, reviewer=obj.reviewed_by)
        following = SurveyComment.objects.filter(campaign=c, reviewed_on__isnull=True).order_by("id").first()
        messages.success(request, "The answer is reviewed" + (": here is the next one" if following else ""))
        return redirect("campaign-comment-review", pk=c.pk, comment=following.pk) if following else redirect("campaign-comments", pk=c.pk)
    flags = redaction.flags(obj.text)
    return render(request, "web/survey/campaigns/review.html", {
        **_shown(c), "comment": obj, "pieces": redaction.marked(obj.text), "flags": flags, "form": form,
    })
