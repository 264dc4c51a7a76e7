"""The admin, as a superuser uses it: the service's records are read only (no add, change or delete by any
admin URL, one by one or in bulk), and every change to people, roles and authorities is in the service's
audit log with who made it and what changed, never a password or its hash."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client

from tests.web.conftest import PASSWORD
from wres.web.models import (
    Action,
    ActionUpdate,
    AuditEvent,
    Authority,
    Comment,
    Profile,
    ReportJob,
    Role,
    SignOff,
    Submission,
    Upload,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-longer-passphrase-for-2026"


@pytest.fixture
def root(db) -> User:  # noqa: ANN001
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


@pytest.fixture
def admin(root: User) -> Client:
    c = Client()
    assert c.post("/admin/login/", {"username": "root", "password": PASSWORD}).status_code == 302
    return c


@pytest.fixture
def records(users) -> dict[str, Model]:  # noqa: ANN001
    """One of each record the admin shows read only."""
    authority = users["analyst_A"].profile.authority
    analyst = users["analyst_A"]
    sub = Submission.objects.create(authority=authority, period_start=date(2025, 4, 1), period_end=date(2026, 3, 31), version=1,
                                    filename="return.zip", organisation={}, counts={}, document={}, submitted_by=analyst)
    action = Action.objects.create(authority=authority, action_id="A1", metrics="M2", action="Diverse shortlisting panels",
                                   owner="Head of HR", due=date.today() + timedelta(days=90))
    return {
        "submission": sub,
        "action": action,
        "actionupdate": ActionUpdate.objects.create(action=action, date=date.today(), status="on track", by="HR"),
        "comment": Comment.objects.create(action=action, author=users["network_A"], text="The network agrees"),
        "signoff": SignOff.objects.create(authority=authority, body="steering_group", decision="Agreed the plan", by="Chair",
                                          on=date.today(), recorded_by=analyst),
        "upload": Upload.objects.create(authority=authority, uploaded_by=analyst, filename="return.zip", status="invalid"),
        "reportjob": ReportJob.objects.create(submission=sub, requested_by=analyst),
        "auditevent": AuditEvent.objects.create(user=analyst, username="analyst-a", authority=authority, action="return submitted"),
    }


def _fields(obj: Model) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_services_records_are_read_only_in_the_admin(admin, records) -> None:
    before = {name: _fields(obj) for name, obj in records.items()}
    events = AuditEvent.objects.count()
    for name, obj in records.items():
        base = f"/admin/web/{name}/"
        listing = admin.get(base)
        assert listing.status_code == 200, name
        html = listing.content.decode()
        assert f'href="{base}add/"' not in html, name  # no add button ...
        assert 'value="delete_selected"' not in html, name  # ... and no bulk delete
        page = admin.get(f"{base}{obj.pk}/change/")
        assert page.status_code == 200, name  # shown ...
        html = page.content.decode()
        assert 'name="_save"' not in html and "deletelink" not in html, name  # ... with no save or delete button
        assert admin.get(f"{base}add/").status_code == 403, name
        assert admin.post(f"{base}add/", {}).status_code == 403, name
        assert admin.post(f"{base}{obj.pk}/change/", {"_save": "Save"}).status_code == 403, name
        assert admin.get(f"{base}{obj.pk}/delete/").status_code == 403, name
        assert admin.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403, name
        admin.post(base, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    for name, obj in records.items():
        assert _fields(type(obj).objects.get(pk=obj.pk)) == before[name], name
    assert AuditEvent.objects.count() == events


@pytest.mark.postgres("foreign keys that protect rows from deletion")
def test_an_authority_with_records_cannot_be_deleted_with_them(admin, records) -> None:
    authority = records["action"].authority  # with a submission (the database protects it) and a plan
    r = admin.post(f"/admin/web/authority/{authority.pk}/delete/", {"post": "yes"})
    assert r.status_code == 200 and "Cannot delete authority" in r.content.decode()
    # another with only an action plan: deleting it would delete the plan, which the admin may not
    other = Authority.objects.create(name="Westby Council", code="E06000098")
    plan = Action.objects.create(authority=other, action_id="B1", metrics="M2", action="Mentoring", owner="HR", due=date.today())
    assert admin.post(f"/admin/web/authority/{other.pk}/delete/", {"post": "yes"}).status_code == 403
    admin.post("/admin/web/authority/", {"action": "delete_selected", "_selected_action": [authority.pk, other.pk], "post": "yes"})
    assert Authority.objects.filter(pk=authority.pk).exists() and Authority.objects.filter(pk=other.pk).exists()
    assert Action.objects.filter(pk__in=[records["action"].pk, plan.pk]).count() == 2 and SignOff.objects.exists() and Upload.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="admin").exists()


def _event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("pk")


def _no_secret(event: AuditEvent, user: User) -> None:
    text = json.dumps(event.detail)
    assert user.password not in text and "md5$" not in text and "pbkdf2" not in text and NEW_PASSWORD not in text


def test_every_admin_change_to_people_roles_and_authorities_is_audited(admin, root, users) -> None:
    # a new person
    r = admin.post("/admin/auth/user/add/", {"username": "new-person", "usable_password": "true", "password1": NEW_PASSWORD,
                                              "password2": NEW_PASSWORD, "_save": "Save"})
    assert r.status_code == 302, r.content.decode()[:3000]
    person = User.objects.get(username="new-person")
    event = _event("admin added user")
    assert (event.user, event.username, event.target) == (root, "root", "new-person")
    assert event.detail["model"] == "auth.User" and event.detail["id"] == person.pk
    assert event.detail["now"]["username"] == "new-person" and event.detail["now"]["is_superuser"] is False
    _no_secret(event, person)

    # made a superuser: the fields changed, by name, and what they are now
    data = {"username": "new-person", "email": "new@example.org", "first_name": "", "last_name": "", "is_active": "on",
            "is_staff": "on", "is_superuser": "on", "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00", "_save": "Save"}
    r = admin.post(f"/admin/auth/user/{person.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    event = _event("admin changed user")
    changed = event.detail["changes"][0]["changed"]["fields"]
    assert {"Email address", "Staff status", "Superuser status"} <= set(changed)
    assert event.detail["now"]["is_superuser"] is True and event.detail["now"]["email"] == "new@example.org"
    _no_secret(event, person)

    # a password set by an administrator: said, never shown
    r = admin.post(f"/admin/auth/user/{person.pk}/password/", {"password1": "another-long-passphrase-7", "password2": "another-long-passphrase-7",
                                                               "usable_password": "true"})
    assert r.status_code == 302, r.content.decode()[:3000]
    person.refresh_from_db()
    event = _event("admin set password")
    assert event.target == "new-person" and event.detail["changes"] == [{"changed": {"fields": ["password"]}}]
    _no_secret(event, person)

    # a role: given, changed and taken away, each with the authority it belongs to
    authority = users["analyst_A"].profile.authority
    r = admin.post("/admin/web/profile/add/", {"user": person.pk, "authority": authority.pk, "role": Role.VIEWER, "_save": "Save"})
    assert r.status_code == 302, r.content.decode()[:3000]
    profile = Profile.objects.get(user=person)
    event = _event("admin added profile")
    assert event.authority == authority and event.detail["now"] == {"user": "new-person", "authority": authority.name, "role": "viewer"}
    r = admin.post(f"/admin/web/profile/{profile.pk}/change/", {"user": person.pk, "authority": authority.pk, "role": Role.ANALYST, "_save": "Save"})
    assert r.status_code == 302
    event = _event("admin changed profile")
    assert event.detail["changes"] == [{"changed": {"fields": ["Role"]}}] and event.detail["now"]["role"] == "analyst"
    assert admin.post(f"/admin/web/profile/{profile.pk}/delete/", {"post": "yes"}).status_code == 302
    event = _event("admin deleted profile")
    assert event.target.startswith("new-person") and event.detail["now"]["role"] == "analyst" and event.authority == authority

    # an authority renamed
    r = admin.post(f"/admin/web/authority/{authority.pk}/change/", {"name": "Eastmere Borough Council", "code": authority.code,
                                                                     "region": authority.region, "standard": authority.standard, "_save": "Save"})
    assert r.status_code == 302
    event = _event("admin changed authority")
    assert event.authority == authority and event.detail["changes"] == [{"changed": {"fields": ["Name"]}}]
    assert event.detail["now"]["name"] == "Eastmere Borough Council" and event.detail["now"]["standard"] == "sc-wres"

    # its standard: offered from the standards wres knows, and audited when changed
    page = admin.get(f"/admin/web/authority/{authority.pk}/change/").content.decode()
    assert 'value="nhs-wres"' in page and "NHS Workforce Race Equality Standard" in page
    r = admin.post(f"/admin/web/authority/{authority.pk}/change/", {"name": "Eastmere Borough Council", "code": authority.code,
                                                                     "region": authority.region, "standard": "no-such-standard", "_save": "Save"})
    assert r.status_code == 200 and "Select a valid choice" in r.content.decode()

    # people deleted in bulk: one entry each, written before they went
    gone = [users["viewer_B"].pk, person.pk]
    admin.post("/admin/auth/user/", {"action": "delete_selected", "_selected_action": gone, "post": "yes"})
    assert not User.objects.filter(pk__in=gone).exists()
    deleted = AuditEvent.objects.filter(action="admin deleted user")
    assert sorted(e.target for e in deleted) == ["new-person", "viewer-b"]
    assert all(e.user == root for e in deleted)

