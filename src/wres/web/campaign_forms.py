"""The analyst's forms for a staff survey campaign: setting it up, extending it, issuing codes, reviewing a comment.

The services offered are the standard's breakdown parts when its survey file has the breakdown column; a
standard whose survey has none (NHS WRES) asks only how many staff were invited in all, filed under the
breakdown's total. Dates are typed as the plan's are (plan_forms: one box, people's own ways of writing a date).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.db import transaction

from wres.dates import long_date
from wres.standards import Part, Standard
from wres.web import survey
from wres.web.models import Authority, Submission, SurveyCampaign, SurveyService
from wres.web.plan_forms import ErrorLinks, plan_helper
from wres.web.plan_forms import _date as date_field

DEFAULT_THRESHOLD = 10
MAX_CODES = 5000  # one printing at a time: a large authority's whole workforce


def _whole_number() -> forms.TextInput:
    """A whole number in a text box, as GOV.UK asks (a number input's spinner changes it by accident)."""
    return forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})


def surveyed_parts(standard: Standard) -> tuple[Part, ...]:
    """The parts a campaign asks about: the breakdown's parts if the standard's survey is counted by them,
    else only the total (the whole organisation)."""
    return standard.breakdown.parts if survey.has_breakdown(standard) else (standard.breakdown.total,)


def _latest(authority: Authority) -> Submission | None:
    return Submission.latest(authority).order_by("-period_start").first()


def threshold_floor(authority: Authority) -> int:
    """The smallest threshold a campaign may have: the suppression threshold of the authority's latest return,
    else the service's default."""
    sub = _latest(authority)
    return sub.loaded_organisation().suppression_threshold if sub is not None else DEFAULT_THRESHOLD


def _year_on(d: date) -> date:
    return d.replace(year=d.year + 1) if not (d.month == 2 and d.day == 29) else date(d.year + 1, 2, 28)


def default_period(authority: Authority, today: date) -> tuple[date, date]:
    """The period after the last one the authority submitted, else the April-to-March year that today is in."""
    sub = _latest(authority)
    if sub is not None:
        return _year_on(sub.period_start), _year_on(sub.period_end)
    start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return start, date(start.year + 1, 3, 31)


def _invited_name(part: Part) -> str:
    return f"invited_{part.id}"


class CampaignForm(ErrorLinks, forms.ModelForm):
    """A new campaign, or one changed before it opens."""

    title = forms.CharField(label="Title", max_length=200, help_text="Staff see it on every page of the survey, for example Staff experience survey 2025",
                            error_messages={"required": "Enter a title", "max_length": "The title must be 200 characters or fewer"})
    period_start = date_field("Start of the reporting period", "the start of the reporting period",
                              help_text="The return the answers feed. For example, 1 April 2025")
    period_end = date_field("End of the reporting period", "the end of the reporting period", help_text="For example, 31 March 2026")
    opens_on = date_field("Opening date", "the opening date", help_text="The first day staff can take part. For example, 1 June 2025")
    closes_on = date_field("Closing date", "the closing date", help_text="The last day staff can take part. For example, 30 June 2025")
    services = forms.MultipleChoiceField(label="Which services are surveyed?", choices=(), widget=forms.CheckboxSelectMultiple,
                                         help_text="Select all that apply", error_messages={"required": "Select at least one service"})
    access = forms.ChoiceField(label="How do staff take part?", choices=SurveyCampaign.Access.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Select how staff take part"})
    introduction = forms.CharField(label="Introduction (optional)", required=False, widget=forms.Textarea, max_length=2000,
                                   help_text="Shown on the survey's first page, for example who is asking and why",
                                   error_messages={"max_length": "The introduction must be 2,000 characters or fewer"})
    free_text_question = forms.CharField(
        label="Free-text question (optional)", required=False, max_length=500,
        help_text="Off unless you enter one. Written answers can identify people, so they are shown only to analysts, "
                  "and only after a named person has reviewed each one and removed names and other details",
        error_messages={"max_length": "The question must be 500 characters or fewer"},
    )
    threshold = forms.IntegerField(label="Smallest group shown", max_value=1000, widget=_whole_number(),
                                   error_messages={"required": "Enter the smallest group shown", "invalid": "Enter the smallest group shown as a whole number, like 10",
                                                   "max_value": "The smallest group shown must be 1,000 or fewer"})

    class Meta:
        model = SurveyCampaign
        fields = ("title", "period_start", "period_end", "opens_on", "closes_on", "access", "introduction", "free_text_question", "threshold")

    def __init__(self, *args: Any, authority: Authority, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authority, self.today = authority, today
        self.instance.authority = authority
        standard: Standard = authority.the_standard
        self.parts = surveyed_parts(standard)
        self.by_part = len(self.parts) > 1 or self.parts[0] != standard.breakdown.total
        self.floor = threshold_floor(authority)
        threshold = self.fields["threshold"]
        threshold.validators.append(_at_least(self.floor))
        by = f" and {standard.word('breakdown_heading').lower()}" if self.by_part else ""  # a trust's survey is counted for the whole trust
        threshold.help_text = (f"No figure is shown while any group (ethnicity{by}) has fewer respondents than this. "
                               f"It cannot be below {self.floor}, the threshold of your returns")
        existing = {s.service: s.invited for s in self.instance.services.all()} if self.instance.pk else {}
        for part in self.parts:
            label = f"Staff invited: {part.label}" if self.by_part else "Number of staff invited"
            self.fields[_invited_name(part)] = forms.IntegerField(
                label=label, required=not self.by_part, min_value=1, max_value=1_000_000, widget=_whole_number(),
                help_text="Everyone the survey is sent to, for the response rate" if not self.by_part else "Leave empty for a service not surveyed",
                error_messages={"required": "Enter the number of staff invited", "invalid": "Enter the number of staff invited as a whole number, like 250",
                                "min_value": "The number of staff invited must be 1 or more", "max_value": "The number of staff invited must be 1,000,000 or fewer"},
                initial=existing.get(part.id),
            )
        if self.by_part:
            self.fields["services"].choices = [(p.id, p.label) for p in self.parts]
            if self.instance.pk and not self.is_bound:
                self.initial["services"] = list(existing)
        else:
            del self.fields["services"]
        if not self.instance.pk and not self.is_bound:
            self.initial["period_start"], self.initial["period_end"] = default_period(authority, today)
            self.initial["threshold"] = self.floor
            self.initial["access"] = SurveyCampaign.Access.OPEN
        invited = [Field.text(_invited_name(p), field_width=10) for p in self.parts]
        self.helper = plan_helper(
            Field.text("title", field_width="two-thirds"),
            Fieldset(Field.text("period_start", field_width=20), Field.text("period_end", field_width=20),
                     legend="Reporting period", legend_size=Size.SMALL),
            Fieldset(Field.text("opens_on", field_width=20), Field.text("closes_on", field_width=20),
                     legend="When staff can take part", legend_size=Size.SMALL),
            *([Field.checkboxes("services", legend_size="s", small=True)] if self.by_part else []),
            Fieldset(*invited, legend="Staff invited", legend_size=Size.SMALL) if self.by_part else invited[0],
            Field.radios("access", legend_size="s", small=True),
            Field.textarea("introduction", rows=3), Field.text("free_text_question", field_width="two-thirds"),
            Field.text("threshold", field_width=4),
            button="Save changes" if self.instance.pk else "Set up the survey",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end, opens, closes = (data.get(k) for k in ("period_start", "period_end", "opens_on", "closes_on"))
        if start and end:
            if end <= start:
                self.add_error("period_end", "The end of the reporting period must be after its start")
            elif end > _year_on(start):
                self.add_error("period_end", "The reporting period must be a year or shorter")
        if opens and closes and closes <= opens:
            self.add_error("closes_on", "The closing date must be after the opening date")
        if opens and opens < self.today and "opens_on" in self.changed_data:
            self.add_error("opens_on", f"The opening date must be today ({long_date(self.today)}) or later")
        chosen = set(data.get("services", [])) if self.by_part else {self.parts[0].id}
        for part in self.parts:
            name = _invited_name(part)
            if part.id in chosen and data.get(name) is None and name not in self.errors:
                self.add_error(name, f"Enter the number of staff invited in {part.words}")
        return data

    def invited(self) -> dict[str, int]:
        """The services surveyed, each with the number of staff invited."""
        chosen = set(self.cleaned_data.get("services", [])) if self.by_part else {self.parts[0].id}
        return {p.id: self.cleaned_data[_invited_name(p)] for p in self.parts if p.id in chosen}

    @transaction.atomic
    def save(self, commit: bool = True) -> SurveyCampaign:
        campaign = super().save()
        campaign.services.all().delete()
        SurveyService.objects.bulk_create([SurveyService(campaign=campaign, service=s, invited=n) for s, n in self.invited().items()])
        return campaign


def _at_least(floor: int) -> Any:
    def check(value: int) -> None:
        if value is not None and value < floor:
            raise forms.ValidationError(f"The smallest group shown must be {floor} or more, the threshold of your returns")

    return check


class ExtendForm(ErrorLinks, forms.Form):
    closes_on = date_field("New closing date", "the new closing date")

    def __init__(self, *args: Any, campaign: SurveyCampaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["closes_on"].help_text = f"After {long_date(campaign.closes_on)}, the closing date now. For example, {long_date(campaign.closes_on + timedelta(days=14))}"
        self.helper = plan_helper(Field.text("closes_on", field_width=20), button="Extend the survey")

    def clean_closes_on(self) -> date:
        closes: date = self.cleaned_data["closes_on"]
        if closes <= self.campaign.closes_on:
            raise forms.ValidationError(f"The new closing date must be after {long_date(self.campaign.closes_on)}")
        return closes


class CodesForm(ErrorLinks, forms.Form):
    number = forms.IntegerField(label="How many codes?", min_value=1, max_value=MAX_CODES, widget=_whole_number(),
                                help_text="One for each person invited. You can issue more later",
                                error_messages={"required": "Enter how many codes to issue", "invalid": "Enter how many codes as a whole number, like 200",
                                                "min_value": "Issue at least 1 code", "max_value": f"Issue {MAX_CODES:,} codes or fewer at a time"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = plan_helper(Field.text("number", field_width=5), button="Issue the codes")


class ReviewForm(ErrorLinks, forms.Form):
    reviewer = forms.CharField(label="Your name", max_length=200, help_text="Recorded with the review: the person who read the answer",
                               error_messages={"required": "Enter your name", "max_length": "Your name must be 200 characters or fewer"})
    redacted = forms.CharField(label="The answer as analysts will see it", widget=forms.Textarea,
                               help_text="Remove or replace anything that could identify someone: names, places, numbers, roles only one person has",
                               error_messages={"required": "Enter the answer as analysts will see it, or [removed]"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = plan_helper(Field.text("reviewer", field_width="two-thirds"), Field.textarea("redacted", rows=6),
                                  button="Mark as reviewed")

