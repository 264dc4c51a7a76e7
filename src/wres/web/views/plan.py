"""The action plan (actions, monthly updates, comments) and governance sign-off.

Status, RAG and flags are wres.actions' own: the plan is read from the database by tasks.plan_of, the
same objects actions.csv gives, and judged on the day wres.actions.judgement gives: today (live
tracking), or the end of the month asked about. Every page that shows RAG says the day it judged on.
Every object is looked up through request.authority, so another authority's is not found (404).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from wres import actions
from wres.dates import long_date, long_month
from wres.web import tasks
from wres.web.access import audit, can, member
from wres.web.models import Action, Authority, SignOff, Submission
from wres.web.plan_forms import (
    ActionForm,
    CommentForm,
    MonthForm,
    SignOffForm,
    UpdateForm,
)

# How each RAG value is shown: its words (the meaning never rests on colour alone) and its tag colour.
RAG_TAGS = {
    "red": ("Red", "govuk-tag--red"),
    "amber": ("Amber", "govuk-tag--orange"),
    "green": ("Green", "govuk-tag--green"),
    "not started": ("Not started", "govuk-tag--grey"),
    "complete": ("Complete", "govuk-tag--blue"),
}
FLAG_TAGS = {"overdue": "govuk-tag--red", "no update this month": "govuk-tag--yellow"}
GOVERNANCE_LABELS = {
    "steering_group": "Steering group",
    "agreed_by": "Agreed by",
    "approved_by": "Approved by",
    "approved_on": "Approved on",
    "reviewed_with": "Reviewed with",
    "reviewed_on": "Reviewed on",
    "co_produced_with": "Co-produced with",
    "co_production_signed_off_by": "Co-production signed off by",
    "co_production_signed_off_on": "Co-production signed off on",
    "monitoring": "Monitoring",
}


def _shown(state: actions.ActionState) -> dict[str, Any]:
    """What a page shows of one action's state: RAG and flags as labelled tags."""
    label, css = RAG_TAGS[state.rag]
    return {
        "state": state,
        "status": state.status.capitalize(),
        "rag": label,
        "rag_class": css,
        "flags": [(f.capitalize(), FLAG_TAGS[f]) for f in state.flags],
    }


def _states(plan: actions.Plan | None, day: date) -> dict[str, actions.ActionState]:
    return {s.action.id: s for s in plan.as_of(day)} if plan else {}


def _latest_submission(authority: Authority) -> Submission | None:
    return Submission.latest(authority).order_by("-period_start").first()


@member()
def plan(request: HttpRequest) -> HttpResponse:
    """The plan judged today, or at the end of the month asked for (?month=YYYY-MM, as `wres actions --month`)."""
    authority: Authority = request.authority  # type: ignore[attr-defined]
    the_plan = tasks.plan_of(authority.id)
    judged = actions.judgement(the_plan, live=True)
    form = MonthForm(request.GET if "month" in request.GET else None, initial={"month": long_month(judged.day)})
    if form.is_bound and form.is_valid():
        judged = actions.judgement(the_plan, month=form.cleaned_data["month"])
        # shown as the page reads it, in the one date style: 2025-6 → June 2025
        form = MonthForm(initial={"month": long_month(actions.month_end(form.cleaned_data["month"]))})
    states = _states(the_plan, judged.day)
    rows = [{"obj": a, **_shown(states[a.action_id])} for a in Action.objects.filter(authority=authority) if a.action_id in states]
    tally = actions.counts(states.values())
    sub = _latest_submission(authority)
    gaps = actions.uncovered(the_plan, [SimpleNamespace(**r) for r in sub.document["results"]], authority.the_standard) if sub else []
    # the day the latest return's report judges the plan on: offered when this page shows another day
    in_report = actions.judgement(the_plan, sub.period_end) if sub and the_plan else None
    return render(request, "web/plan/plan.html", {
        "form": form,
        "judged": judged,
        "day": judged.day,
        "in_report": in_report if in_report and in_report.day != judged.day else None,
        "rows": rows,
        "tally": [(RAG_TAGS[k][0], RAG_TAGS[k][1], tally[k]) for k in actions.RAG_ORDER],
        "overdue": sum(1 for s in states.values() if s.overdue),
        "stale": sum(1 for s in states.values() if s.stale),
        "sub": sub,
        "gaps": gaps,
        "focus": authority.the_standard.focus.words,  # "minority ethnic", "BME"
        "latest_update": the_plan.latest_update if the_plan else None,
    })


def _save_action(form: ActionForm) -> Action | None:
    """Save the action; None (with the error on the form) if its ID was taken meanwhile."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error("action_id", f"Action ID {form.cleaned_data['action_id']} is already used in this plan: choose another")
        return None


@member("edit_plan")
def action_new(request: HttpRequest) -> HttpResponse:
    authority: Authority = request.authority  # type: ignore[attr-defined]
    form = ActionForm(request.POST if request.method == "POST" else None, authority=authority)
    if request.method == "POST" and form.is_valid():
        obj = _save_action(form)
        if obj is not None:
            audit(request, "action created", obj, pk=obj.pk, action_id=obj.action_id, status=obj.status, due=obj.due.isoformat())
            tasks.plan_changed(authority, request.user)
            messages.success(request, f"Action {obj.action_id} added to the plan")
            return redirect("action", pk=obj.pk)
    return render(request, "web/plan/action_form.html", {"form": form, "obj": None})


@member("edit_plan")
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    authority: Authority = request.authority  # type: ignore[attr-defined]
    obj = get_object_or_404(Action, pk=pk, authority=authority)
    was = obj.action_id
    form = ActionForm(request.POST if request.method == "POST" else None, instance=obj, authority=authority)
    if request.method == "POST" and form.is_valid() and _save_action(form) is not None:
        audit(request, "action edited", obj, pk=obj.pk, action_id=obj.action_id, changed=form.changed_data)
        if form.changed_data:  # the report prints the plan: rebuilt (once, however many changes: tasks.request_report)
            tasks.plan_changed(authority, request.user)
        messages.success(request, f"Action {obj.action_id} saved")
        return redirect("action", pk=obj.pk)
    obj.action_id = was  # the heading and back link name the action as it is saved, not as typed
    return render(request, "web/plan/action_form.html", {"form": form, "obj": obj})


def _detail(request: HttpRequest, obj: Action, update_form: UpdateForm | None = None, comment_form: CommentForm | None = None) -> HttpResponse:
    """The action's page, with the forms the user's role allows (bound ones carry their errors)."""
    judged = actions.judgement(None, live=True)
    states = _states(tasks.plan_of(request.authority.id), judged.day)  # type: ignore[attr-defined]
    if can(request, "edit_plan") and update_form is None:
        update_form = UpdateForm()
    if can(request, "comment") and comment_form is None:
        comment_form = CommentForm()
    return render(request, "web/plan/action.html", {
        "obj": obj,
        "shown": _shown(states[obj.action_id]),
        "judged": judged,
        "updates": obj.updates.all(),
        "comments": obj.comments.select_related("author"),
        "update_form": update_form,
        "comment_form": comment_form,
        "errors": (update_form is not None and update_form.is_bound and bool(update_form.errors))
        or (comment_form is not None and comment_form.is_bound and bool(comment_form.errors)),
    })


@member()
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Action, pk=pk, authority=request.authority)  # type: ignore[attr-defined]
    return _detail(request, obj)


def _add_to_action(request: HttpRequest, pk: int, form_class: type, form_key: str,
                   **fields: Any) -> tuple[Action, Any] | HttpResponse:
    """An update or comment from a POST, saved against the user's own action; or the page to show instead.

    A GET, or a POST with errors, gets the action's page (with the form and its errors)."""
    obj = get_object_or_404(Action, pk=pk, authority=request.authority)  # type: ignore[attr-defined]
    if request.method != "POST":
        return _detail(request, obj)
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail(request, obj, **{form_key: form})
    item = form.save(commit=False)
    item.action = obj
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    return obj, item


@member("edit_plan")
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: add a monthly update."""
    added = _add_to_action(request, pk, UpdateForm, "update_form")
    if isinstance(added, HttpResponse):
        return added
    obj, update = added
    audit(request, "update added", obj, pk=obj.pk, action_id=obj.action_id, update=update.pk,
          date=update.date.isoformat(), status=update.status)
    tasks.plan_changed(request.authority, request.user)  # type: ignore[attr-defined]
    messages.success(request, f"Update added to action {obj.action_id}: {update.get_status_display().lower()} on {long_date(update.date)}")
    return redirect("action", pk=obj.pk)


@member("comment")
def action_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: add a comment."""
    added = _add_to_action(request, pk, CommentForm, "comment_form", author=request.user)
    if isinstance(added, HttpResponse):
        return added
    obj, comment = added
    audit(request, "comment added", obj, pk=obj.pk, action_id=obj.action_id, comment=comment.pk)
    messages.success(request, f"Comment added to action {obj.action_id}")
    return redirect("action", pk=obj.pk)


def _governance_rows(sub: Submission | None) -> list[tuple[str, str]]:
    """The governance section of the latest return's organisation settings, as label and value."""
    gov = (sub.organisation or {}).get("governance") if sub else None
    if not isinstance(gov, dict):
        return []
    keys = [k for k in GOVERNANCE_LABELS if k in gov] + [k for k in gov if k not in GOVERNANCE_LABELS]
    return [(GOVERNANCE_LABELS.get(k, k.replace("_", " ").capitalize()), _value(gov[k])) for k in keys if gov[k] not in (None, "")]


def _value(v: object) -> str:
    """A setting as the page shows it: dates written out (2024-06-04 → 4 June 2024), lists joined."""
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v)
    if isinstance(v, str):
        try:
            return long_date(date.fromisoformat(v))
        except ValueError:
            return v
    return str(v)


@member()
def governance(request: HttpRequest) -> HttpResponse:
    """Everyone in the authority reads the sign-offs; analysts record them (POST)."""
    authority: Authority = request.authority  # type: ignore[attr-defined]
    allowed = can(request, "sign_off")
    form = None
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied("Your role does not allow this.")
        form = SignOffForm(request.POST)
        if form.is_valid():
            sign_off = form.save(commit=False)
            sign_off.authority, sign_off.recorded_by = authority, request.user
            sign_off.save()
            audit(request, "sign-off recorded", f"{sign_off.get_body_display()}: {sign_off.decision}", sign_off=sign_off.pk,
                  body=sign_off.body, on=sign_off.on.isoformat())
            messages.success(request, f"Sign-off recorded: {sign_off.get_body_display()}, {long_date(sign_off.on)}")
            return redirect("governance")
    elif allowed:
        form = SignOffForm()
    sub = _latest_submission(authority)
    return render(request, "web/plan/governance.html", {
        "form": form,
        "sign_offs": SignOff.objects.filter(authority=authority).select_related("recorded_by"),
        "sub": sub,
        "org_governance": _governance_rows(sub),
    })
