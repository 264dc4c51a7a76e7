"""Background work (django-tasks): the report set of a submission, built by wres.report and wres.render."""

from __future__ import annotations

import json
import logging
import shutil

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import task

from wres import actions
from wres.output import new_directory
from wres.render import report_set
from wres.report import from_loaded
from wres.web.models import Action, Authority, PdfStatus, ReportJob, Submission

log = logging.getLogger(__name__)
ABOUT = "about.json"  # beside a built report set: what it was built from (the plan's date), for the dashboard


def plan_of(authority_id: int) -> actions.Plan | None:
    """The authority's action plan as wres.actions reads it (the same objects as actions.csv gives), dated
    by its last change (an action added or edited, an update added), which the report prints."""
    rows = list(Action.objects.filter(authority_id=authority_id).prefetch_related("updates"))
    if not rows:
        return None
    plan_actions = [actions.Action(a.action_id, tuple(a.metric_list()), a.action, a.owner, a.due, a.status,
                                   a.success_measure or None, a.note or None) for a in rows]
    updates = [actions.Update(a.action_id, u.date, u.status, u.note or None, u.by or None) for a in rows for u in a.updates.all()]
    changed = max([a.updated_at for a in rows] + [u.created_at for a in rows for u in a.updates.all()])
    return actions.Plan(plan_actions, sorted(updates, key=lambda u: u.date), as_at=timezone.localdate(changed))


def years_of(sub: Submission) -> list[Submission]:
    """This submission and the latest version of each earlier period: the years its report compares."""
    earlier = Submission.latest(sub.authority).filter(period_start__lt=sub.period_start).order_by("period_start")
    return [*earlier, sub]


def request_report(sub: Submission, user: object) -> ReportJob:
    """A new build of the submission's report set, queued once this transaction commits; or the build
    already waiting to start, which will read the plan as it is then (so a burst of plan changes queues one
    build, not one each). A build under way read the plan when it started, so it does not count."""
    with transaction.atomic():
        Submission.objects.select_for_update().filter(pk=sub.pk).exists()  # one request at a time per submission
        waiting = sub.reports.filter(status=ReportJob.Status.QUEUED).first()
        if waiting is not None:
            return waiting
        job = ReportJob.objects.create(submission=sub, requested_by=user)
    transaction.on_commit(lambda: build_report.enqueue(job.pk))
    return job


def plan_changed(authority: Authority, user: object) -> list[ReportJob]:
    """Rebuild the reports that print this authority's plan: the latest version of each period's return
    that has a report set (built or asked for). Called when an action is added or edited or an update added."""
    subs = Submission.latest(authority).filter(Exists(ReportJob.objects.filter(submission=OuterRef("pk"))))
    return [request_report(sub, user) for sub in subs]


@task()
def build_report(job_id: int) -> str:
    """Build the report set in two steps, so that people read the report as soon as it can be: first every
    file but the PDF, written into a temporary folder and moved into place all at once (a failed build leaves
    nothing behind), and the job DONE; then the PDF, laid out from the published page, written to a temporary
    name in the folder and renamed (report_set.write_later). A failed PDF says so and leaves the rest on offer.

    A job run again after its worker died in the second step (wres.web.recovery) writes only the PDF."""
    job = ReportJob.objects.select_related("submission__authority").get(pk=job_id)
    if job.status != ReportJob.Status.DONE:
        _build_set(job)
    if job.pdf != PdfStatus.READY:
        _build_pdf(job)
    return str(job.directory)


def _build_set(job: ReportJob) -> None:
    """The first step: every file of the set but the PDF, published at once; the job DONE, its PDF pending."""
    from wres.web.returns import loaded_of

    job.status = ReportJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        loaded = [loaded_of(s) for s in years_of(job.submission)]
        plan = loaded[-1].plan = plan_of(job.submission.authority_id)
        report = from_loaded(loaded, accept_placeholders=True)  # submitting such a return needed a deliberate yes
        if job.directory.exists():
            shutil.rmtree(job.directory)
        with new_directory(job.directory) as tmp:
            drawn = report_set.write(report, tmp, later=True)  # in this worker's helper process, started and kept warm (report_set.prepare)
            # what the dashboard shows beside each chart: its title and its text alternative
            index = [{"name": c.name, "title": c.title, "alt": c.alt} for c in drawn if not c.empty]  # an empty chart has no file
            (tmp / "charts" / "index.json").write_text(json.dumps(index), encoding="utf-8")
            about = {"plan_as_at": plan.as_at.isoformat() if plan and plan.as_at else None}
            (tmp / ABOUT).write_text(json.dumps(about), encoding="utf-8")
    except Exception:  # the detail goes to the worker's log for operators; the page says it in plain words
        log.exception("Report job %s (submission %s) failed", job.pk, job.submission_id)
        job.status, job.error = ReportJob.Status.FAILED, "The report set could not be built: the worker's log has the detail."
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.status, job.pdf, job.finished_at = ReportJob.Status.DONE, PdfStatus.PENDING, timezone.now()
    job.save(update_fields=["status", "pdf", "finished_at"])


def _build_pdf(job: ReportJob) -> None:
    """The second step: the PDF of the published set. A failure fails the PDF alone: the page, the workbook
    and the charts stay on offer, and the page says the PDF could not be prepared."""
    try:
        report_set.write_later(job.directory)
    except Exception:
        log.exception("The PDF of report job %s (submission %s) failed", job.pk, job.submission_id)
        job.pdf, job.error = PdfStatus.FAILED, "The PDF could not be laid out: the worker's log has the detail."
        job.save(update_fields=["pdf", "error"])
        raise
    job.pdf = PdfStatus.READY
    job.save(update_fields=["pdf"])


@task()
def check_upload(upload_id: str) -> str:
    """Check an uploaded return off the request (wres.web.returns.check_queued): in a child process with
    the upload time and memory limits, so the request returns at once and no file can hold the worker."""
    from wres.web.returns import check_queued

    return check_queued(upload_id)
