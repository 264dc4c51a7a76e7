"""Background jobs a dead worker left behind: put back in the queue, or failed after three tries.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when the task returns
or raises. A worker killed in between (SIGKILL, the out-of-memory killer, a power cut) never gets to say
either, so the task would stay RUNNING for ever and its report job "Being built" on the user's page. This
module finds such tasks and hands them back:

- a task is stuck when the worker that claimed it is known to be dead (its id names this machine and a
  process that no longer runs: `python -m wres.web worker` gives itself such an id), or when it has been
  running longer than the lease (WRES_TASK_LEASE_SECONDS, default an hour: longer than any job may run,
  so a live worker elsewhere is never robbed of its job);
- a stuck task is made READY again, so the next free worker runs it from the start (every job here writes
  its output all at once, so running it again is safe); after MAX_ATTEMPTS claims it is marked FAILED
  instead, so a job that kills its worker every time is reported, not retried for ever;
- what the service shows of the job follows (FOLLOW): a report job goes back to "Waiting to start", or to
  "Failed", and the half-written temporary folder of the killed build is deleted.

`recover()` runs when a worker starts, every minute in every running worker (`python -m wres.web worker`),
and in the daily `python -m wres.web prune`.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=int(os.environ.get("WRES_TASK_LEASE_SECONDS", "3600")))
MAX_ATTEMPTS = 3  # claims of one task (the first run and two retries)
WATCH_SECONDS = 60  # how often a running worker looks for its dead colleagues' jobs
HOST = socket.gethostname()[:40]


class WorkerDied(Exception):
    """Recorded as the error of a task whose worker died MAX_ATTEMPTS times while running it."""


def worker_id() -> str:
    """An id that says where the worker runs (host:pid:random), so another worker can tell it is dead."""
    return f"{HOST}:{os.getpid()}:{secrets.token_hex(4)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    try:  # a killed worker not yet reaped by its parent is a zombie: dead for our purpose
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _dead(worker: str) -> bool:
    """True only if `worker` is an id of worker_id()'s form on this machine whose process has gone."""
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    return host == HOST and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid))


# What the service shows of a task's job, put right when the task is requeued (failed=False) or given up
# (failed=True): task path -> function of (args, kwargs, failed). Other task modules add to it.
FOLLOW: dict[str, Callable[[list[Any], dict[str, Any], bool], None]] = {}


def follows(task_path: str) -> Callable[[Callable[[list[Any], dict[str, Any], bool], None]], Callable[[list[Any], dict[str, Any], bool], None]]:
    def register(fn: Callable[[list[Any], dict[str, Any], bool], None]) -> Callable[[list[Any], dict[str, Any], bool], None]:
        FOLLOW[task_path] = fn
        return fn
    return register


@follows("wres.web.tasks.build_report")
def _report_job(args: list[Any], kwargs: dict[str, Any], failed: bool) -> None:
    from django.conf import settings

    from wres.web.models import PdfStatus, ReportJob

    job_id = args[0] if args else kwargs.get("job_id")
    job = ReportJob.objects.filter(pk=job_id).select_related("submission").first()
    if job is None:
        return
    # the killed build's temporary folder (wres.output.new_directory: ".<pk>.*" beside the job's folder)
    for tmp in (settings.REPORT_DIR / str(job.submission.authority_id)).glob(f".{job.pk}.*"):
        shutil.rmtree(tmp, ignore_errors=True)
    if job.status == ReportJob.Status.DONE and job.pdf == PdfStatus.PENDING:
        # killed in the second step (report_set.write_later): its files' temporary names go; after the last
        # try the PDF is failed, which the page says, offering to try again, rather than "being prepared" for ever
        for part in [*job.directory.glob(".*.part"), *job.directory.glob("charts/.*.part")]:
            part.unlink(missing_ok=True)
        if failed:
            job.pdf, job.error = PdfStatus.FAILED, f"WorkerDied: the worker stopped {MAX_ATTEMPTS} times while laying out the PDF"
            job.save(update_fields=["pdf", "error"])
        return
    if job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
        return
    if failed:
        job.status, job.finished_at = ReportJob.Status.FAILED, timezone.now()
        job.error = f"WorkerDied: the worker stopped {MAX_ATTEMPTS} times while building it"
    else:
        job.status = ReportJob.Status.QUEUED
    job.save(update_fields=["status", "finished_at", "error"])


def recover(now: datetime | None = None) -> list[DBTaskResult]:
    """Requeue (or fail, after MAX_ATTEMPTS) every task left RUNNING by a dead worker or past the lease."""
    now = now or timezone.now()
    done = []
    with transaction.atomic():
        for task in DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING):
            claimed_by = task.worker_ids[-1] if task.worker_ids else ""
            if not (_dead(claimed_by) or (task.started_at is not None and task.started_at < now - LEASE)):
                continue
            failed = len(task.worker_ids) >= MAX_ATTEMPTS
            if failed:
                task.set_failed(WorkerDied(f"the worker stopped while running it, {len(task.worker_ids)} times"))
            else:
                task.status = TaskResultStatus.READY
                task.save(update_fields=["status"])
            logger.warning("Task %s (%s) %s: worker %s stopped while running it", task.id, task.task_path,
                           "failed" if failed else "requeued", claimed_by or "(unknown)")
            follow = FOLLOW.get(task.task_path)
            if follow is not None:
                follow(task.args_kwargs.get("args", []), task.args_kwargs.get("kwargs", {}), failed)
            done.append(task)
    from wres.web.returns import recover_kept  # (returns imports the models this module must not load early)

    recover_kept()  # files a killed submit moved but never committed
    return done


def watch(interval: float = WATCH_SECONDS) -> threading.Thread:
    """Run recover() every `interval` seconds in a daemon thread of this (worker) process."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                recover()
            except Exception:  # a database restarting, say: try again next time, never stop the worker
                logger.exception("Looking for tasks of dead workers failed")
            finally:
                close_old_connections()

    thread = threading.Thread(target=loop, name="wres-recover", daemon=True)
    thread.start()
    return thread
