"""Django's admin, for superusers: people, roles and authorities; the audit log read-only."""

from django.contrib import admin

from wres.web.models import Action, AuditEvent, Authority, Profile, SignOff, Submission


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region")
    search_fields = ("name", "code")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "authority", "role")
    list_filter = ("role", "authority")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Submissions are kept as submitted: shown, never changed here."""

    list_display = ("authority", "period_start", "version", "submitted_at", "submitted_by")
    list_filter = ("authority", "period_start")

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


admin.site.register([Action, SignOff])


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "authority", "action", "target")
    list_filter = ("action", "authority")
    search_fields = ("username", "target")

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
