"""Submitting a return: upload → problems (GOV.UK error summary) or check your answers → submit."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize

from wres.organisation import Organisation, placeholders
from wres.web import returns, survey
from wres.web.access import audit, member
from wres.web.forms import SubmitForm, SurveyChoiceForm, UploadForm
from wres.web.models import ImportMapping, Submission, Upload
from wres.web.tasks import request_report


@member("submit")
def upload(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        # stored and queued: the worker checks it (tasks.check_upload), so the request returns at once whatever the file
        up = returns.begin(request.authority, request.user, form.cleaned_data["file"])  # type: ignore[attr-defined]
        if up.status == Upload.Status.CHECKING:
            up = returns.queue(up)
        audit(request, "return uploaded", up.filename, upload=str(up.id), status=up.status, problems=len(up.errors()))
        return redirect("upload-result", pk=up.id)
    checking = Upload.objects.filter(authority=request.authority, status=Upload.Status.CHECKING)  # type: ignore[attr-defined]
    checking = [u for u in checking if u not in returns.stop_overdue(checking)]
    standard = request.authority.the_standard  # type: ignore[attr-defined]
    return render(request, "web/submit/upload.html", {"form": form, "staged_days": settings.STAGED_DAYS, "checking": checking,
                                                      "standard": standard, "files": list(standard.files.items())})


def _progress(up: Upload) -> str:
    """Where a check is, as the progress page shows it and its polling (static/wres/init.js) compares it."""
    if up.status == Upload.Status.CHECKING:
        return "checking" if up.started_at else "waiting"
    return str(up.status)


@member("submit")
def upload_status(request: HttpRequest, pk: str) -> HttpResponse:
    """The progress of a check, for the progress page's polling; a check past its limit is called stopped here."""
    up = get_object_or_404(Upload, pk=pk, authority=request.authority)  # type: ignore[attr-defined]
    returns.stop_overdue([up])
    up.refresh_from_db()
    return JsonResponse({"status": _progress(up), "label": up.get_status_display()})


@member("submit")
def upload_result(request: HttpRequest, pk: str) -> HttpResponse:
    up = get_object_or_404(Upload, pk=pk, authority=request.authority)  # type: ignore[attr-defined]
    if returns.stop_overdue([up]):  # its worker died, or never came: said so, never "checking" for ever
        up.refresh_from_db()
    if up.status == Upload.Status.CHECKING:
        return render(request, "web/submit/checking.html", {"up": up, "progress": _progress(up), "minutes": max(1, round(settings.CHECK_SECONDS / 60))})
    if up.status == Upload.Status.VALID:
        return redirect("check-answers", pk=up.id)
    if up.status == Upload.Status.SUBMITTED:  # as after the browser's back button
        messages.info(request, f"{up.filename} has been submitted.")
        return redirect("submissions")
    if up.status == Upload.Status.DISCARDED:
        # one replaced before its check had begun has no problems and no settings: it was never checked
        later = Upload.objects.filter(authority=up.authority, created_at__gt=up.created_at).order_by("created_at").first()
        return render(request, "web/submit/gone.html", {"up": up, "staged_days": settings.STAGED_DAYS, "form": UploadForm(),
                                                        "unchecked": not up.problems and up.organisation is None, "later": later})
    return render(request, "web/submit/problems.html", {"up": up, "errors": up.errors(), "warnings": up.warnings(), "form": UploadForm(),
                                                        "stopped": up.status == Upload.Status.STOPPED, "choice": _survey_choice(up),
                                                        "can_map": bool(up.staged), "staged_days": settings.STAGED_DAYS, "mapped": ImportMapping.objects.filter(authority=up.authority).exists()})


def _survey_choice(up: Upload, data: dict | None = None) -> SurveyChoiceForm | None:
    """The choice between the return's own survey answers and the staff survey of its period, when the check
    found both (and kept the staged files to check again)."""
    entry = next((f for f in up.files or [] if f.get("campaign") and f.get("conflict")), None)
    campaign, _ = survey.used_by(up)
    if entry is None or campaign is None or not up.staged:
        return None
    return SurveyChoiceForm(data, campaign_title=campaign.title, own_file=entry.get("own") or "file")


@member("submit")
def survey_choice(request: HttpRequest, pk: str) -> HttpResponse:
    """The analyst's choice of survey answers (POST from the problems page): the staged return checked again with it."""
    up = get_object_or_404(Upload, pk=pk, authority=request.authority)  # type: ignore[attr-defined]
    form = _survey_choice(up, request.POST if request.method == "POST" else None)
    if form is None or up.status != Upload.Status.INVALID:
        return redirect("upload-result", pk=up.id)
    if request.method == "POST" and form.is_valid():
        up = returns.choose_survey(up, form.cleaned_data["source"])
        audit(request, "survey answers chosen", up.filename, upload=str(up.id), source=up.survey_source, status=up.status)
        return redirect("upload-result", pk=up.id)
    return render(request, "web/submit/problems.html", {"up": up, "errors": up.errors(), "warnings": up.warnings(), "form": UploadForm(),
                                                        "stopped": False, "choice": form, "can_map": False,
                                                        "staged_days": settings.STAGED_DAYS, "mapped": False})


def _survey_part(up: Upload) -> dict | None:
    """Where the return's survey part comes from, for check-answers: the campaign, its responses and rates by
    service, and responses by group only where every group is at or above the threshold."""
    campaign, used = survey.used_by(up)
    if campaign is None:
        return None
    if not used:  # the analyst chose the return's own answers over it
        return {"campaign": campaign, "used": False}
    std = campaign.authority.the_standard
    words = {g.id: g.label for g in std.groups}
    by_group = None
    if survey.small_groups(campaign) == 0:
        by_group = [(std.breakdown.part(s).label, words.get(g, g), n) for s, g, n in survey.group_cells(campaign)]
    return {"campaign": campaign, "used": True, "responses": survey.response_count(campaign), "services": survey.responses_by_service(campaign),
            "by_group": by_group, "breakdown": std.breakdown.column, "own_left_out": up.survey_source == "campaign"}


@member("submit")
def check_answers(request: HttpRequest, pk: str) -> HttpResponse:
    up = get_object_or_404(Upload, pk=pk, authority=request.authority)  # type: ignore[attr-defined]
    if up.status != Upload.Status.VALID:
        return redirect("upload-result", pk=up.id)
    changes = returns.plan_changes(up.authority, up.plan)
    form = SubmitForm(request.POST if request.method == "POST" else None, plan_hint=_plan_hint(changes),
                      placeholders=placeholders(Organisation.model_validate(up.organisation)))
    if request.method == "POST" and form.is_valid():
        try:
            sub = returns.submit(up, request.user, form.cleaned_data["keep_files"], bool(form.cleaned_data.get("add_plan")))
        except returns.NotSubmittable as done_before:  # the same form sent twice: the first made the one version
            if done_before.submission is None:
                return redirect("upload-result", pk=up.id)
            messages.info(request, f"{up.filename} was submitted already, as version {done_before.submission.version}.")
            return redirect("submission", pk=done_before.submission.pk)
        plan = sub.plan_added
        request_report(sub, request.user)
        audit(request, "return submitted", sub, submission=sub.pk, version=sub.version, kept_files=bool(sub.kept_files))
        done = f"Return submitted: {sub.period_label}, version {sub.version}"
        if plan is not None:
            audit(request, "plan added from return", sub, submission=sub.pk, actions=[a["action_id"] for a in plan.new], updates=len(plan.updates))
            done += f". Action plan: {_count(len(plan.new), 'action')} and {_count(len(plan.updates), 'update')} added"
        messages.success(request, done)
        return redirect("submission", pk=sub.pk)
    org = up.organisation or {}
    period = (org.get("period_start", ""), org.get("period_end", ""))
    earlier = Submission.objects.filter(authority=up.authority, period_start=period[0]).order_by("-version").first()
    loaded = returns.loaded_of(up)
    standard = up.authority.the_standard
    return render(request, "web/submit/check.html", {
        "up": up, "org": org, "period": period, "earlier": earlier, "form": form, "warnings": up.warnings(), "standard": standard,
        "submitted_metrics": [m.short or m.id for m in standard.metrics if m.id in loaded.counts.submitted],
        "staff": returns.headcount(loaded.counts), "plan": up.plan, "changes": changes, "survey_part": _survey_part(up),
        "unread": any(returns.UNREAD in p["message"] for p in up.warnings()),  # an export the pages could match
    })


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{pluralize(n)}"


def _plan_hint(changes: returns.PlanChanges) -> str:
    """What ticking the box does, in this authority's case (empty when there is nothing to add)."""
    if not (changes.new or changes.updates):
        return ""
    hint = f"Adds {_count(len(changes.new), 'new action')} and {_count(len(changes.updates), 'monthly update')}."
    if changes.existing:
        hint += (f" {_count(len(changes.existing), 'action')} ({', '.join(changes.existing)}) already in the plan "
                 "keep what the plan says; only their new updates are added.")
    return hint
