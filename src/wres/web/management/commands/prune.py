"""`python -m wres.web prune`: delete what the service no longer needs. Run it daily (cron or a timer); the
service also does the same at every upload (stale uploads) and every new national build (old folders).

- a checked return not submitted within STAGED_DAYS (7 unless WRES_STAGED_DAYS says) loses its staged
  record-level files and is marked discarded, with an audit event: files about identifiable people are kept
  only while they can still be submitted;
- national report folders built for submissions since superseded are deleted (the pages only ever ask for
  the latest submissions' folder);
- background jobs left running by a worker that died are queued again (wres.web.recovery);
- expired sessions are deleted (Django's clearsessions): a session row outlives its expiry otherwise.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wres.web import recovery, returns
from wres.web.views import national


class Command(BaseCommand):
    help = "Delete staged uploads not submitted in time and superseded national report folders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help=f"days a checked return's files are kept unsubmitted (default {settings.STAGED_DAYS})")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.STAGED_DAYS if options["days"] is None else options["days"]
        if days < 0:
            raise CommandError("--days must be 0 or more")
        stale = returns.discard_stale(days)
        folders = national.prune_reports()
        for task in recovery.recover():  # jobs a dead worker left running (also done by every `worker`)
            self.stdout.write(f"Task {task.id} ({task.task_path}) was left running by a worker that stopped: {task.status.lower()}.")
        ended, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        self.stdout.write(f"Deleted {ended} expired session{'s' if ended != 1 else ''}.")
        self.stdout.write(f"Discarded {len(stale)} checked return{'s' if len(stale) != 1 else ''} not submitted within {days} days; "
                          f"deleted {len(folders)} superseded national report folder{'s' if len(folders) != 1 else ''}.")
