"""`python -m wres.web worker`: the background worker (django-tasks-db's db_worker, with the same options)
that also takes back the jobs of workers that died mid-job (wres.web.recovery).

A killed db_worker leaves its task "running" for ever; this one names itself host:pid, so that another
worker can tell when it has gone, puts such tasks back in the queue when it starts and every minute after,
and gives up on a task (marking it and its report job failed) after three tries. Run this rather than
db_worker (`make serve` does). The name could not be db_worker itself: Django lets the earlier app in
INSTALLED_APPS (django_tasks_db) own a command name.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from wres.web import recovery


class Command(DbWorker):
    help = "Run the background worker, first requeueing the jobs of workers that died mid-job."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=recovery.worker_id())

    def handle(self, *args: Any, **options: Any) -> None:
        for task in recovery.recover():
            self.stderr.write(f"Task {task.id} ({task.task_path}) was left running by a worker that stopped: "
                              f"{'failed after ' + str(recovery.MAX_ATTEMPTS) + ' tries' if task.status == 'FAILED' else 'queued again'}.")
        if not options.get("batch"):
            recovery.watch()
            from wres.render import report_set

            report_set.prepare(pdf=True)  # the chart engines (in the helper) and the PDF's (here) load now, not at the first return
        super().handle(*args, **options)
