"""Signing in, the authority dashboard, submissions and their report downloads."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from wres.document import Document
from wres.render.report_set import LATER
from wres.web import figures
from wres.web.access import audit, can, member, profile_of
from wres.web.models import PdfStatus, ReportJob, Role, Submission
from wres.web.tasks import ABOUT, request_report, years_of

log = logging.getLogger(__name__)

DOWNLOADS = {  # what a report job offers, and how it is sent
    "report.html": ("text/html; charset=utf-8", "HTML report"),
    "report.pdf": ("application/pdf", "PDF report"),
    "workbook.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook"),
}
CHART = re.compile(r"charts/[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.svg")  # a chart's file as report_set names it: no .., no overlong name


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    p = profile_of(request)
    if p is None:
        if request.user.is_superuser:
            return redirect("admin:index")
        raise PermissionDenied("Your account has no role yet: ask your programme lead to give you one.")
    return redirect("national" if p.role == Role.NATIONAL_ADMIN else "dashboard")


def _charts(job: ReportJob | None) -> dict[str, dict[str, str]]:
    if job is None or job.status != ReportJob.Status.DONE:
        return {}
    index = job.directory / "charts" / "index.json"
    if not index.exists():
        return {}
    return {c["name"]: {**c, "path": f"charts/{c['name']}.svg"} for c in json.loads(index.read_text(encoding="utf-8"))}


def _body(sub: Submission, job: ReportJob | None) -> str:
    """The figures, charts and trend of a submission: the same for every reader, and a submission never
    changes, so it is rendered once per submission and report state and then served from the cache."""
    key = f"dashboard:{sub.pk}:{job.pk if job else 0}:{job.status if job else ''}"
    body = cache.get(key)
    if body is None:
        years = years_of(sub)
        charts = _charts(job)
        doc = Document.from_dict(sub.document)
        standard = figures.standard_of(doc)
        metrics = figures.metrics(doc, standard)
        for m in metrics:
            m.chart, m.trend_chart = charts.get(f"rl-{m.id}"), charts.get(f"trend-{m.id}")
        trend = figures.trend([Document.from_dict(s.document) for s in years], standard) if len(years) > 1 else []
        body = render_to_string("web/dashboard_body.html", {
            "sub": sub, "doc": doc, "standard": standard, "metrics": metrics, "summary": figures.summary(metrics, standard), "job": job,
            "noun": figures.noun(standard),
            "years": [s.period_label for s in years], "trend": trend, "trend_notes": figures.change_notes(trend),
        })
        cache.set(key, body, 24 * 3600)
    return body


HEAVY = ("counts", "warnings", "document")  # a submission's large JSON fields, which the dashboard page itself does not show


def _jobs(sub: Submission) -> tuple[ReportJob | None, ReportJob | None]:
    """The report set to offer (the latest built) and the latest build if it is not that one (waiting,
    under way or failed): a rebuild keeps the last good report on offer until the new one is ready."""
    latest = sub.reports.first()
    if latest is None or latest.status == ReportJob.Status.DONE:
        return latest, None
    return sub.reports.filter(status=ReportJob.Status.DONE).first(), latest


def _plan_as_at(job: ReportJob | None) -> str | None:
    """The date of the action plan a built report set prints (tasks.build_report writes it beside the files)."""
    about = job.directory / ABOUT if job is not None and job.status == ReportJob.Status.DONE else None
    if about is None or not about.is_file():
        return None
    return json.loads(about.read_text(encoding="utf-8")).get("plan_as_at")


@member()
def dashboard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    # Every query here is paid on each request (the page's body comes from the cache), so only what the page
    # shows is read: not the return's counts, warnings and metrics document (tens of kB of JSON, a third of the
    # page's CPU when decoded on every request: HEAVY), not who submitted it (the cached body's), and the
    # authority is the member's own, already loaded with their profile.
    subs = Submission.objects.filter(authority=request.authority).defer(*HEAVY)  # type: ignore[attr-defined]
    if pk is None:
        # the latest period's latest version: Submission.latest's one for that period, without its subquery
        sub = subs.order_by("-period_start", "-version").first()
        if sub is None:
            return render(request, "web/empty.html")
        newer = False  # the latest version by definition
    else:
        sub = get_object_or_404(subs, pk=pk)
        newer = subs.filter(period_start=sub.period_start, version__gt=sub.version).exists()
    sub.authority = request.authority  # type: ignore[attr-defined]
    job, pending = _jobs(sub)
    return render(request, "web/dashboard.html", {
        "sub": sub,
        "job": job,
        "pending": pending,
        "plan_as_at": _plan_as_at(job),
        "can_rebuild": can(request, "submit"),
        "body": mark_safe(_body(sub, job)),  # noqa: S308 - rendered by Django's autoescaping templates
        "downloads": DOWNLOADS,
        "newer": newer,
    })


@member()
def submissions(request: HttpRequest) -> HttpResponse:
    subs = Submission.objects.filter(authority=request.authority).select_related("submitted_by")  # type: ignore[attr-defined]
    latest = set(Submission.latest(request.authority).values_list("pk", flat=True))  # type: ignore[attr-defined]
    return render(request, "web/submissions.html", {"subs": subs, "latest": latest})


@member("request_report")
def report_request(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: build the report set. Any member may ask for one that was never built or failed; an analyst may
    also rebuild a built one (it prints the action plan as it is now). A build already waiting is not doubled."""
    sub = get_object_or_404(Submission, pk=pk, authority=request.authority)  # type: ignore[attr-defined]
    if request.method != "POST":  # only after the lookup: another authority's submission is 404 either way
        return HttpResponseNotAllowed(["POST"])
    job = sub.reports.first()
    rebuild = job is not None and job.status != ReportJob.Status.FAILED and job.pdf != PdfStatus.FAILED  # a failed PDF: try again
    if rebuild and not can(request, "submit"):
        return redirect("submission", pk=sub.pk)
    if job is None or job.status != ReportJob.Status.QUEUED:
        job = request_report(sub, request.user)
        audit(request, "report rebuilt" if rebuild else "report requested", sub, job=job.pk)
    messages.success(request, "The report is being prepared. This page shows when it is ready.")
    return redirect("submission", pk=sub.pk)


@member()
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ReportJob, pk=pk, submission__authority=request.authority)  # type: ignore[attr-defined]
    return JsonResponse({"status": job.state, "label": job.get_status_display(), "pdf": job.get_pdf_display()})


@member()
def report_file(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    job = get_object_or_404(ReportJob, pk=pk, submission__authority=request.authority, status=ReportJob.Status.DONE)  # type: ignore[attr-defined]
    chart = CHART.fullmatch(name) is not None
    if name not in DOWNLOADS and not chart:
        raise Http404("No such file in the report set")
    if name in LATER and job.pdf != PdfStatus.READY:  # written after the rest (tasks.build_report): say so, never a part
        return render(request, "web/report_later.html", {"job": job, "sub": job.submission, "name": DOWNLOADS[name][1]}, status=409)
    path: Path = job.directory / name
    if not path.is_file():
        raise Http404("No such file in the report set")
    if chart:
        response = FileResponse(open(path, "rb"), content_type="image/svg+xml")
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"  # an image, never a page
        return response
    sub = job.submission
    audit(request, "report downloaded", sub, file=name)
    filename = f"{Document.from_dict(sub.document).standard_id}-{sub.authority.code}-{sub.period_start:%Y}-v{sub.version}-{name}"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename, content_type=DOWNLOADS[name][0])


# --- error pages: the service's own layout, saying what to do, never a traceback or a setting -----------------

def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 (urls.handler400). A view's BadRequest carries words for the user (what to give instead);
    anything else Django refused (a malformed or oversized request) gets the general advice."""
    message = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"message": message}, status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its valid CSRF token (settings.CSRF_FAILURE_VIEW): most often a page left open
    past the session, or signed out in another tab. The reason is for operators' log, not the page."""
    log.warning("CSRF check failed on %s: %s", request.path, reason)
    return render(request, "403_csrf.html", status=403)
