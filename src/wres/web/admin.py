"""Django's admin, for superusers: people, roles and authorities, every change to them in the service's
audit log; the service's records (submissions, the action plan, sign-offs, uploads, report jobs, the audit
log) shown read only.

A record that the service keeps as evidence is changed only through the service's own pages, which audit
it; the admin may look. Because those models may not be deleted here, Django's admin also refuses to delete
an authority or person whose deletion would take such records with it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from wres.web.access import audit
from wres.web.models import (
    Action,
    ActionUpdate,
    AuditEvent,
    Authority,
    Comment,
    Profile,
    ReportJob,
    SignOff,
    Submission,
    Upload,
)
from wres.web.views.accounts import send_reset_link


class ReadOnly(admin.ModelAdmin):
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class Audited(admin.ModelAdmin):
    """Every addition, change and deletion made here is written to the service's audit log as well as to
    Django's admin history: who, what, the fields changed (by name; never a password or its hash) and the
    object's non-secret fields as they are now (as they were, for a deletion). The admin calls log_* for
    saves, inlines, list edits, password changes and bulk deletions alike, so this is the one place."""

    audit_fields: tuple[str, ...] = ()

    def _audit(self, request: HttpRequest, verb: str, obj: Model, message: Any) -> None:
        state = {f: _plain(getattr(obj, f)) for f in self.audit_fields}
        authority = obj if isinstance(obj, Authority) else getattr(obj, "authority", None)
        action = f"admin {verb} {obj._meta.model_name}"
        if isinstance(message, list) and any("password" in (m.get("changed") or {}).get("fields", ()) for m in message):
            action = "admin set password"  # the admin's password form: beside the other password events
        audit(request, action, obj, authority=authority, model=obj._meta.label, id=obj.pk, changes=message, now=state)

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, "added", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, "changed", obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any] | list[Model]) -> Any:
        for obj in queryset:  # called before the rows go
            self._audit(request, "deleted", obj, [])
        return super().log_deletions(request, queryset)


def _plain(value: Any) -> Any:
    """A field's value as JSON: related objects and sets of them by name."""
    if hasattr(value, "all"):  # a many-to-many manager
        return sorted(str(v) for v in value.all())
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


@admin.register(Authority)
class AuthorityAdmin(Audited):
    list_display = ("name", "code", "region", "standard")
    list_filter = ("standard",)
    search_fields = ("name", "code")
    audit_fields = ("name", "code", "region", "standard")


@admin.register(Profile)
class ProfileAdmin(Audited):
    list_display = ("user", "authority", "role")
    list_filter = ("role", "authority")
    audit_fields = ("user", "authority", "role")


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PersonAdmin(Audited, UserAdmin):
    audit_fields = ("username", "email", "first_name", "last_name", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")
    actions = ["send_password_reset_link"]

    @admin.action(description="Send a link to set a new password")
    def send_password_reset_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent, no_email, inactive = [], [], []
        for user in queryset.order_by("username"):
            if not user.is_active:
                inactive.append(user.username)
            elif not user.email:
                no_email.append(user.username)
            else:
                send_reset_link(request, user)
                sent.append(user.username)
        if sent:
            self.message_user(request, f"Link to set a new password sent to {', '.join(sent)}.", messages.SUCCESS)
        if no_email:
            self.message_user(request, f"No link sent to {', '.join(no_email)}: add an e-mail address to the account first.", messages.WARNING)
        if inactive:
            self.message_user(request, f"No link sent to {', '.join(inactive)}: the account is not active.", messages.WARNING)


@admin.register(Group)
class RoleGroupAdmin(Audited, GroupAdmin):
    audit_fields = ("name", "permissions")


@admin.register(Submission)
class SubmissionAdmin(ReadOnly):
    list_display = ("authority", "period_start", "version", "submitted_at", "submitted_by")
    list_filter = ("authority", "period_start")


@admin.register(SignOff)
class SignOffAdmin(ReadOnly):
    list_display = ("authority", "body", "decision", "on", "recorded_by")
    list_filter = ("authority", "body")


@admin.register(Action)
class ActionAdmin(ReadOnly):
    list_display = ("authority", "action_id", "status", "due", "owner")
    list_filter = ("authority", "status")


@admin.register(ActionUpdate)
class ActionUpdateAdmin(ReadOnly):
    list_display = ("action", "date", "status", "by")


@admin.register(Comment)
class CommentAdmin(ReadOnly):
    list_display = ("action", "author", "created_at")


@admin.register(Upload)
class UploadAdmin(ReadOnly):
    list_display = ("authority", "filename", "status", "created_at", "uploaded_by")
    list_filter = ("authority", "status")


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnly):
    list_display = ("submission", "status", "created_at", "finished_at", "requested_by")
    list_filter = ("status",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly):
    list_display = ("at", "username", "authority", "action", "target")
    list_filter = ("action", "authority")
    search_fields = ("username", "target")
