"""Background work (django-tasks): the report set of a submission, built by wres.report and wres.render."""

from __future__ import annotations

import json
import shutil

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from wres import actions
from wres.output import new_directory
from wres.render import charts, report_set
from wres.report import from_loaded
from wres.web.models import Action, ReportJob, Submission


def plan_of(authority_id: int) -> actions.Plan | None:
    """The authority's action plan as wres.actions reads it (the same objects as actions.csv gives)."""
    rows = list(Action.objects.filter(authority_id=authority_id).prefetch_related("updates"))
    if not rows:
        return None
    plan_actions = [actions.Action(a.action_id, tuple(a.metric_list()), a.action, a.owner, a.due, a.status,
                                   a.success_measure or None, a.note or None) for a in rows]
    updates = [actions.Update(a.action_id, u.date, u.status, u.note or None, u.by or None) for a in rows for u in a.updates.all()]
    return actions.Plan(plan_actions, sorted(updates, key=lambda u: u.date))


def years_of(sub: Submission) -> list[Submission]:
    """This submission and the latest version of each earlier period: the years its report compares."""
    earlier = Submission.latest(sub.authority).filter(period_start__lt=sub.period_start).order_by("period_start")
    return [*earlier, sub]


def request_report(sub: Submission, user: object) -> ReportJob:
    job = ReportJob.objects.create(submission=sub, requested_by=user)
    transaction.on_commit(lambda: build_report.enqueue(job.pk))
    return job


@task()
def build_report(job_id: int) -> str:
    """Write the report set into the job's folder all at once (a failed build leaves nothing behind)."""
    from wres.web.returns import loaded_of

    job = ReportJob.objects.select_related("submission__authority").get(pk=job_id)
    job.status = ReportJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        loaded = [loaded_of(s) for s in years_of(job.submission)]
        loaded[-1].plan = plan_of(job.submission.authority_id)
        report = from_loaded(loaded, accept_placeholders=True)  # submitting such a return needed a deliberate yes
        if job.directory.exists():
            shutil.rmtree(job.directory)
        with new_directory(job.directory) as tmp:
            report_set.write(report, tmp)
            # what the dashboard shows beside each chart: its title and its text alternative
            index = [{"name": c.name, "title": c.title, "alt": c.alt} for c in charts.all_charts(report) if not c.empty]  # an empty chart has no file
            (tmp / "charts" / "index.json").write_text(json.dumps(index), encoding="utf-8")
    except Exception as exc:  # recorded for the page; the user sees a plain message, never a traceback
        job.status, job.error = ReportJob.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.status, job.finished_at = ReportJob.Status.DONE, timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return str(job.directory)
