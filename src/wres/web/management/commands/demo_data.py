"""`python -m wres.web demo_data`: fictional authorities, a user of every role, and their submissions.

Eastmere (the CLI's demo authority) gets three years of returns, so the dashboard shows a trend, and its
action plan and governance sign-off; a dozen more authorities submit one year each (two have not yet),
so the national tracker and report have something to show. Northmoor, the NHS demo trust (the NHS WRES),
and two more trusts submit their NHS WRES returns, so a trust's dashboard and the NHS national view have
something to show too. Every return goes through the same upload checks and submit step as a real one. Run again, it changes nothing (use --reset to start afresh).
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from wres import pipeline
from wres.demo import EASTMERE, NORTHMOOR, authority_profiles, plan_rows, shifted, trust_profiles, write_demo
from wres.web import returns
from wres.web.models import Action, ActionUpdate, Authority, Profile, Role, SignOff, Submission, Upload, counts_data
from wres.web.tasks import request_report

PASSWORD = "demo-password-2026"  # demo accounts only: never use on a real service
OTHER_AUTHORITIES = 12
NOT_SUBMITTED = 2  # the last two have not submitted: the tracker shows them as outstanding
NHS = "nhs-wres"
OTHER_TRUSTS = 2  # with Northmoor, three: enough for an NHS national report
TRUST_STAFF = 1200  # the other trusts' size (Northmoor is the NHS demo's own size)
USERS = [  # username, role, authority (None: national)
    ("analyst", Role.ANALYST, EASTMERE.code),
    ("viewer", Role.VIEWER, EASTMERE.code),
    ("network", Role.NETWORK_LEAD, EASTMERE.code),
    ("trust", Role.ANALYST, NORTHMOOR.code),
    ("national", Role.NATIONAL_ADMIN, None),
]


def _submit(authority: Authority, user: User, folder: Path) -> Submission:
    """A return submitted as the upload page would (checked by the pipeline, counts kept, files not)."""
    loaded = pipeline.load(folder)
    up = Upload.objects.create(
        authority=authority, uploaded_by=user, filename=f"{folder.name}.zip", status=Upload.Status.VALID,
        problems=[p.as_dict() for p in loaded.warnings], organisation=loaded.organisation.model_dump(mode="json"),
        counts=counts_data(loaded.counts),
    )
    return returns.submit(up, user, keep_files=False)


def _plan(authority: Authority) -> None:
    """The demo action plan (the same as the CLI demo's actions.csv and action_updates.csv)."""
    action_rows, update_rows = plan_rows()
    by_id = {}
    for action_id, metrics, text, owner, due, status, measure, note in action_rows:
        by_id[action_id] = Action.objects.create(
            authority=authority, action_id=action_id, metrics=metrics, action=text, owner=owner,
            due=date.fromisoformat(due), status=status, success_measure=measure or "", note=note or "")
    ActionUpdate.objects.bulk_create(
        ActionUpdate(action=by_id[a], date=date.fromisoformat(d), status=s, note=n or "", by=b or "") for a, d, s, n, b in update_rows)


def _sign_offs(authority: Authority, user: User, governance: dict[str, Any]) -> None:
    rows = [
        (SignOff.Body.STAFF_NETWORK, "co-produced the action plan", "co_production_signed_off_by", "co_production_signed_off_on"),
        (SignOff.Body.STEERING_GROUP, "agreed the action plan", "steering_group", "approved_on"),
        (SignOff.Body.LEADERSHIP_TEAM, "approved the action plan", "approved_by", "approved_on"),
        (SignOff.Body.LEAD_MEMBERS, "reviewed the action plan", "reviewed_with", "reviewed_on"),
    ]
    for body, decision, who, when in rows:
        if governance.get(who) and governance.get(when):
            SignOff.objects.create(authority=authority, body=body, decision=decision, by=governance[who],
                                   on=date.fromisoformat(str(governance[when])), recorded_by=user)


class Command(BaseCommand):
    help = "Load demo authorities, users (password: %s) and submissions." % PASSWORD

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--reset", action="store_true", help="delete every authority, user and submission first")
        parser.add_argument("--staff", type=int, default=425, help="staff in Eastmere's return (default 425)")

    def handle(self, *args: Any, reset: bool = False, staff: int = 425, **options: Any) -> None:
        if reset:
            with transaction.atomic():
                for model in (ActionUpdate, Action, SignOff, Submission, Upload, Profile):
                    model.objects.all().delete()
                User.objects.all().delete()
                Authority.objects.all().delete()
        if Authority.objects.filter(code=EASTMERE.code).exists():
            self.stdout.write("The demo data is already loaded (use --reset to load it again).")
            return
        profiles = [EASTMERE, *authority_profiles(OTHER_AUTHORITIES)]
        trusts = [NORTHMOOR, *trust_profiles(OTHER_TRUSTS)]
        authorities = {p.code: Authority.objects.create(name=p.name, code=p.code, region=p.region) for p in profiles}
        authorities |= {p.code: Authority.objects.create(name=p.name, code=p.code, region=p.region, standard=NHS) for p in trusts}
        users = {}
        for username, role, code in USERS:
            users[username] = User.objects.create_user(username, password=PASSWORD, first_name=username.capitalize())
            Profile.objects.create(user=users[username], role=role, authority=authorities.get(code) if code else None)
        User.objects.create_superuser("admin", password=PASSWORD)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            # Eastmere: three years (two earlier years are the same kind of return moved back in time)
            for seed, back in ((3, 2), (2, 1), (1, 0)):
                raw = root / f"eastmere-{seed}"
                raw.mkdir()
                write_demo(raw, seed=seed, staff=staff)
                folder = shifted(raw, root / f"eastmere-{2024 - back}", back) if back else raw
                sub = _submit(authorities[EASTMERE.code], users["analyst"], folder)
                self.stdout.write(f"Submitted {sub}")
            eastmere = authorities[EASTMERE.code]
            _plan(eastmere)
            _sign_offs(eastmere, users["analyst"], sub.organisation.get("governance") or {})
            request_report(sub, users["analyst"])
            for i, p in enumerate(profiles[1:len(profiles) - NOT_SUBMITTED]):
                folder = root / f"la-{i}"
                folder.mkdir()
                write_demo(folder, seed=100 + i, staff=max(60, int(staff * (0.4 + 0.15 * i))), profile=p, action_plan=False)
                self.stdout.write(f"Submitted {_submit(authorities[p.code], users['analyst'], folder)}")
            for i, p in enumerate(trusts):  # the NHS WRES: Northmoor at the demo's size, the others smaller
                folder = root / f"trust-{i}"
                folder.mkdir()
                write_demo(folder, seed=200 + i, staff=None if p is NORTHMOOR else TRUST_STAFF, profile=p, standard=NHS)
                sub = _submit(authorities[p.code], users["trust"], folder)
                self.stdout.write(f"Submitted {sub}")
                if p is NORTHMOOR:
                    request_report(sub, users["trust"])
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded: {len(authorities)} organisations. Sign in as analyst, viewer, network (Eastmere), trust (Northmoor), "
            f"national or admin; password {PASSWORD}"))
