"""What the service keeps: authorities, their people and roles, submissions (counts, never records),
report jobs, the action plan, governance sign-off, and an audit log.

Every row that belongs to an authority carries it, and every view looks rows up through it, so a user of
one authority can never reach another's (tests/web/test_tenancy.py walks every URL to prove it).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from wres.counts import Counts
from wres.dates import year_label
from wres.organisation import Organisation
from wres.problems import Problem
from wres.schema import STATUSES
from wres import standards
from wres.standards import Standard


def standard_choices() -> list[tuple[str, str]]:
    """Every standard wres knows, by its name: a callable, so a new data file needs no migration."""
    return [(s, f"{standards.load(s).name}: {standards.load(s).title}") for s in standards.available()]


def counts_data(counts: Counts) -> dict[str, Any]:
    """Counts as an upload and a submission keep them (JSON): the pivot's rows, the bands and the standard."""
    return {"rows": [list(r) for r in counts.rows()], "bands": counts.bands, "standard": counts.standard.id}


def counts_from(data: dict[str, Any]) -> Counts:
    """Counts kept by counts_data (kept before standards were values: SC-WRES, which named none)."""
    return Counts.from_rows(data["rows"], data["bands"], standard=standards.load(data.get("standard", standards.DEFAULT)))


class Authority(models.Model):
    """An organisation that reports: a council (SC-WRES) or an NHS trust (NHS WRES). Its standard decides
    what it uploads, what its dashboard shows and which national figures it is pooled into."""

    name = models.CharField(max_length=200)
    code = models.CharField("code", max_length=20, unique=True, help_text="A council's ONS code, an NHS trust's ODS code: each return gives it")
    region = models.CharField(max_length=100, blank=True)
    standard = models.CharField(max_length=40, choices=standard_choices, default=standards.DEFAULT,
                                help_text="The standard it reports: every upload must name the same one")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return self.name

    @property
    def the_standard(self) -> Standard:
        return standards.load(self.standard)


class Role(models.TextChoices):
    ANALYST = "analyst", "Analyst"  # of its authority or trust, which the page heading names beside it
    VIEWER = "viewer", "Viewer (steering group)"
    NETWORK_LEAD = "network_lead", "Staff-network lead"
    NATIONAL_ADMIN = "national_admin", "National administrator"


class Profile(models.Model):
    """A user's one authority and role (national administrators have no authority)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    authority = models.ForeignKey(Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="national_admin", authority__isnull=True) | (~models.Q(role="national_admin") & models.Q(authority__isnull=False)),
                name="authority_role_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.authority or 'national'})"


class Upload(models.Model):
    """A return as uploaded and checked, before it is submitted. Record-level files are staged only until
    the authority submits or starts again; they are deleted then unless it chose to keep them."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"  # queued for the worker, or being checked by it
        INVALID = "invalid", "Has problems"
        VALID = "valid", "Ready to submit"
        SUBMITTED = "submitted", "Submitted"
        DISCARDED = "discarded", "Discarded: replaced, or not submitted in time"
        STOPPED = "stopped", "Check stopped: took too long, or too much memory"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices)
    problems = models.JSONField(default=list)  # Problem.as_dict() of every error and warning
    organisation = models.JSONField(null=True)
    counts = models.JSONField(null=True)  # {"rows": [...], "bands": [...]}
    files = models.JSONField(default=list)  # what the return held: file name and rows
    staged = models.CharField(max_length=500, blank=True)  # path of the staged files while valid
    plan = models.JSONField(null=True)  # the return's actions.csv and action_updates.csv, if it had them
    started_at = models.DateTimeField(null=True)  # when the worker began checking it (None while it waits)
    # where the survey answers come from when both a survey.csv and a closed campaign cover its period:
    # "" (not chosen yet), "campaign" or "upload" (wres.web.survey)
    survey_source = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]

    def errors(self) -> list[dict[str, Any]]:
        return [p for p in self.problems if p["severity"] == "error"]

    def warnings(self) -> list[dict[str, Any]]:
        return [p for p in self.problems if p["severity"] == "warning"]


class Submission(models.Model):
    """One version of an authority's return for a period: its counts, and the published figures."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="submissions")
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    organisation = models.JSONField()
    counts = models.JSONField()
    warnings = models.JSONField(default=list)  # Problem.as_dict() of the warnings
    document = models.JSONField()  # the published (disclosure-controlled) metrics document
    kept_files = models.CharField(max_length=500, blank=True)  # where record-level files are kept, if chosen
    # The upload it came from: one to one, so the database itself refuses a second version from one upload
    # (a double click, or the same form posted from two tabs), on SQLite and PostgreSQL alike.
    upload = models.OneToOneField(Upload, null=True, blank=True, on_delete=models.SET_NULL, related_name="submission")

    class Meta:
        ordering = ["-period_start", "-version"]
        constraints = [models.UniqueConstraint(fields=["authority", "period_start", "version"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.authority} {self.period_label} v{self.version}"

    @property
    def period_label(self) -> str:
        return year_label(self.period_start, self.period_end)

    def loaded_counts(self) -> Counts:
        return counts_from(self.counts)

    def loaded_organisation(self) -> Organisation:
        return Organisation.model_validate(self.organisation)

    def warning_problems(self) -> list[Problem]:
        return [Problem(**{**p, "rows": tuple(p["rows"])}) for p in self.warnings]

    @classmethod
    def latest(cls, authority: Authority | None = None) -> models.QuerySet[Submission]:
        """The latest version for each authority and period (the one that counts)."""
        qs = cls.objects.all() if authority is None else cls.objects.filter(authority=authority)
        newer = cls.objects.filter(authority=models.OuterRef("authority"), period_start=models.OuterRef("period_start"), version__gt=models.OuterRef("version"))
        return qs.filter(~models.Exists(newer))


class PdfStatus(models.TextChoices):
    """A built report set's PDF: written just after the rest of the set (wres.render.report_set.write_later)."""

    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportJob(models.Model):
    """The report set (HTML, PDF, XLSX) of one submission, built in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    # The PDF is laid out after the rest of the set is published (DONE): its layout alone takes longer than
    # people should wait to read the page. tasks.build_report says PENDING when it publishes the rest, then
    # READY or FAILED; a set written whole (any built before this field) has its PDF: READY.
    pdf = models.CharField("PDF", max_length=10, choices=PdfStatus.choices, default=PdfStatus.READY)

    class Meta:
        ordering = ["-created_at"]

    @property
    def directory(self):  # noqa: ANN201 - a Path
        return settings.REPORT_DIR / str(self.submission.authority_id) / str(self.pk)

    @property
    def state(self) -> str:
        """What a page polling the job compares (report_status): the job's status, and once it is done, its
        PDF's too, so that a page offering the set without its PDF notices when the PDF is written."""
        return f"{self.status}-pdf-{self.pdf}" if self.status == self.Status.DONE and self.pdf != PdfStatus.READY else self.status


def metric_choices(standard: Standard) -> list[tuple[str, str]]:
    """The metrics an action can address, in the standard's order, as its own short ids name them."""
    return [(m.id, f"{m.short or m.id}: {m.title}") for m in standard.metrics]


STATUS_CHOICES = [(s, s.capitalize()) for s in STATUSES]


class Action(models.Model):
    """An action in an authority's plan: the same fields as actions.csv."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="actions")
    action_id = models.CharField("Action ID", max_length=30)
    metrics = models.CharField(max_length=100, help_text="Metric ids separated by ;")
    action = models.TextField()
    owner = models.CharField(max_length=200)
    due = models.DateField()
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="not started")
    success_measure = models.TextField(blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["action_id"]
        constraints = [models.UniqueConstraint(fields=["authority", "action_id"], name="one_action_id")]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.action[:60]}"

    def metric_list(self) -> list[str]:
        return [m for m in self.metrics.replace(",", ";").split(";") if m.strip()]


class ActionUpdate(models.Model):
    """A monthly progress update: the same fields as action_updates.csv."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    note = models.TextField(blank=True)
    by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]


class Comment(models.Model):
    """A staff-network lead's (or colleague's) comment on an action: co-production on the record."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class SignOff(models.Model):
    """A governance decision on the plan: steering group, leadership team, lead Members, staff network."""

    class Body(models.TextChoices):
        STEERING_GROUP = "steering_group", "Steering group"
        LEADERSHIP_TEAM = "leadership_team", "Leadership team"
        LEAD_MEMBERS = "lead_members", "Lead Members"
        STAFF_NETWORK = "staff_network", "Staff network (co-production)"

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="sign_offs")
    body = models.CharField(max_length=20, choices=Body.choices)
    decision = models.CharField(max_length=200, help_text="For example: agreed the action plan")
    by = models.CharField("Signed off by", max_length=200)
    on = models.DateField("Date")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-created_at"]


class AuditEvent(models.Model):
    """Who did what, when: submissions, edits and downloads. Never edited, never deleted by the service."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, blank=True)  # kept if the user is deleted
    authority = models.ForeignKey(Authority, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=50)
    target = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]


class ImportMapping(models.Model):
    """An authority's import mapping: how its own HR exports read as the data contract, kept once and
    applied to every later upload (next year's export just works). Kept as the mapping.toml text that
    wres.mapping reads and writes, so the web pages, a downloaded file and `wres map` say the same."""

    authority = models.OneToOneField(Authority, on_delete=models.CASCADE, related_name="import_mapping")
    text = models.TextField()  # mapping.toml
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Import mapping of {self.authority}"


# --- the staff survey run by the service (docs/web.md, "The staff survey") ----------------------------
#
# What is kept is designed so that no answer can be traced to a person: a response holds its answers only
# (the standard's group, never the label picked; the breakdown part; the scale words), under a random id, with
# no date, address, user agent or account. Invitation codes are kept hashed and marked used in their own
# table, which nothing joins to responses. Comments (the optional free-text question) are kept apart from
# the answers, so a comment cannot be tied to a group either.


def _campaign_slug() -> str:
    import secrets

    return secrets.token_urlsafe(12)  # the campaign link: unguessable, so only those given it find the survey


class SurveyCampaign(models.Model):
    """One authority's staff survey for one reporting period: its dates, who is asked, and how."""

    class Access(models.TextChoices):
        OPEN = "open", "An open link (anyone with the link can take part; limited per device while the form is open)"
        CODES = "codes", "Invitation codes (each code can be used once)"

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="survey_campaigns")
    slug = models.CharField(max_length=40, unique=True, default=_campaign_slug, editable=False)
    title = models.CharField(max_length=200, help_text="For example: Staff experience survey 2025")
    period_start = models.DateField(help_text="The reporting period whose return the answers feed")
    period_end = models.DateField()
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="The last day answers are accepted")
    closed_early_on = models.DateField(null=True, blank=True)
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.OPEN)
    introduction = models.TextField(blank=True, help_text="Shown on the survey's first page")
    free_text_question = models.CharField(max_length=500, blank=True, help_text="None by default: leave empty")
    threshold = models.PositiveIntegerField(default=10, help_text="No figure is shown while any group has fewer respondents")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # after the return that used it is submitted: the answers are deleted and only the counts kept
    submission = models.ForeignKey("Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_campaigns")
    answers_deleted_on = models.DateField(null=True, blank=True)
    counts = models.JSONField(null=True, blank=True)  # what is kept once the answers are deleted (wres.web.survey)

    class Meta:
        ordering = ["-period_start", "-opens_on"]

    def __str__(self) -> str:
        return self.title


class SurveyService(models.Model):
    """A breakdown part the campaign surveys, with how many staff were invited (for the response rate)."""

    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(max_length=40)  # the standard's breakdown part id
    invited = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "service"], name="survey_service_once")]


class SurveyResponse(models.Model):
    """One respondent's answers, and nothing else: see the note above SurveyCampaign."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # random: says nothing of order
    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.CASCADE, related_name="responses")
    group = models.CharField(max_length=40)  # the standard's group id the ethnicity given falls in ("unknown" if not given)
    service = models.CharField(max_length=40)  # the breakdown part id
    answers = models.JSONField(default=dict)  # survey column → the scale's word as the standard spells it ("" unanswered)


class SurveyComment(models.Model):
    """An answer to the optional free-text question, kept apart from the answers; shown to analysts only once a
    named person has reviewed it, with what looks like names and other identifiers redacted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField()
    redacted = models.TextField(blank=True)  # the reviewed text as analysts see it
    reviewed_by = models.CharField(max_length=200, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)


class InvitationCode(models.Model):
    """A single-use invitation code, kept only as its hash; `used` is never joined to a response."""

    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "code_hash"], name="invitation_code_once")]


class SpentForm(models.Model):
    """The hash of a finished form's one-time token, so the same answers sent twice (two clicks, the back
    button) make one response."""

    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
