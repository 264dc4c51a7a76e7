"""Forms of the action plan and governance pages, laid out in the GOV.UK style by crispy-forms-gds.

Dates are typed as YYYY-MM-DD in a plain text input (one field, one clear error) rather than three boxes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from wres import actions
from wres.problems import has_control
from wres.dates import long_date, long_month
from wres.web.models import (
    STATUS_CHOICES,
    Action,
    ActionUpdate,
    Authority,
    Comment,
    SignOff,
    metric_choices,
)


def plan_helper(*fields: Any, button: str | None, button_id: str = "submit") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template writes the <form> (method, action, CSRF)
    helper.disable_csrf = True  # ... and its one CSRF token
    # a double click sends an action, update or comment once (GOV.UK Frontend's Button)
    helper.layout = Layout(*fields, *([Button("submit", button, css_id=button_id, data_prevent_double_click="true")] if button else []))
    return helper


def _printable(text: str) -> None:
    if has_control(text):  # (a textarea's line breaks are \r\n)
        raise forms.ValidationError("Type this text again without the control character in it (it may have come with text pasted from "
                                    "another program): the report cannot show it")


class ErrorLinks:
    """The GOV.UK error summary's links: each error to its field, radios and checkboxes to their first
    option (crispy-forms-gds numbers options from 1, so its own summary links to no element there). Every
    text field refuses control characters, as the return's own files do: the text goes into the report."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, forms.CharField):
                field.validators.append(_printable)

    def error_links(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        first = ""
        for bf in self.visible_fields():  # type: ignore[attr-defined]
            grouped = isinstance(bf.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))
            anchor = f"id_{bf.html_name}_1" if grouped else bf.auto_id
            first = first or anchor
            out.extend((anchor, str(e)) for e in bf.errors)
        return [(first, str(e)) for e in self.non_field_errors()] + out  # type: ignore[attr-defined]


# A date as people in England type it: 30 June 2025, 30 Jun 2025, 30/06/2025 (day first), or 2025-06-30.
DATE_INPUTS = ["%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%Y-%m-%d"]
DATE_EXAMPLE = "30 June 2025"


# The dates a plan can hold. Year 1 or 9999 parse as dates, but the plan's month arithmetic (the end of a
# month, the month after) and YYYY-MM text need four-digit years with room either side, and no WRES plan is
# dated outside these.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


class LongDateField(forms.DateField):
    """A date shown in its box in the service's one date style (wres.dates.long_date), which it reads back;
    one outside EARLIEST to LATEST is refused in words, so it never reaches the plan's date arithmetic."""

    def __init__(self, *args: Any, what: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.what = what

    def prepare_value(self, value: Any) -> Any:
        return long_date(value) if isinstance(value, date) else super().prepare_value(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(f"Enter {self.what} between {long_date(EARLIEST)} and {long_date(LATEST)}", code="range")


def _date(label: str, what: str, help_text: str = f"For example, {DATE_EXAMPLE}", **kwargs: Any) -> LongDateField:
    """A date typed as people write it (DATE_INPUTS); `what` names it in errors ("the due date")."""
    return LongDateField(
        label=label, help_text=help_text, input_formats=DATE_INPUTS, widget=forms.TextInput, what=what,
        error_messages={"required": f"Enter {what}", "invalid": f"Enter {what} as a date, for example {DATE_EXAMPLE}"},
        **kwargs,
    )


def _status(label: str, required: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=STATUS_CHOICES, widget=forms.RadioSelect, error_messages={
        "required": required, "invalid_choice": "Select one of: " + ", ".join(s for s, _ in STATUS_CHOICES)})


class ActionForm(ErrorLinks, forms.ModelForm):
    """A new action, or an action edited. The action ID is unique within the authority's plan."""

    action_id = forms.CharField(
        label="Action ID", max_length=30, help_text="A short reference used in updates and reports, for example A1",
        error_messages={"required": "Enter an action ID", "max_length": "The action ID must be 30 characters or fewer"},
    )
    metrics = forms.MultipleChoiceField(  # choices: the authority's standard's metrics (set in __init__)
        label="Which metrics does the action address?", choices=(), widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply", error_messages={"required": "Select at least one metric the action addresses"},
    )
    action = forms.CharField(label="What will be done", widget=forms.Textarea, error_messages={"required": "Enter what the action is"})
    owner = forms.CharField(
        label="Owner", max_length=200, help_text="The person or team responsible",
        error_messages={"required": "Enter who owns the action", "max_length": "The owner must be 200 characters or fewer"},
    )
    due = _date("Due date", "the due date")
    status = _status("Status", "Select the action's status")
    success_measure = forms.CharField(label="How success will be measured (optional)", required=False, widget=forms.Textarea)
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)

    class Meta:
        model = Action
        fields = ("action_id", "metrics", "action", "owner", "due", "status", "success_measure", "note")

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.instance.authority = authority
        self.fields["metrics"].choices = metric_choices(authority.the_standard)
        noun = authority.the_standard.words.get("metric", "metric")  # "indicator" for a trust
        self.fields["metrics"].label = f"Which {noun}s does the action address?"
        self.fields["metrics"].error_messages["required"] = f"Select at least one {noun} the action addresses"
        if self.instance.pk and not self.is_bound:
            self.initial["metrics"] = self.instance.metric_list()
        button = "Save changes" if self.instance.pk else "Add the action"
        self.helper = plan_helper(
            Field.text("action_id", field_width=10), Field.checkboxes("metrics", legend_size="s", small=True),
            Field.textarea("action", rows=3), Field.text("owner", field_width="two-thirds"), Field.text("due", field_width=20),
            Field.radios("status", legend_size="s", small=True), Field.textarea("success_measure", rows=3),
            Field.textarea("note", rows=3), button=button,
        )

    def clean_action_id(self) -> str:
        action_id = self.cleaned_data["action_id"]  # stripped: spaces alone are "required"
        if ";" in action_id or "," in action_id:
            raise forms.ValidationError("The action ID must not contain ; or ,")
        taken = Action.objects.filter(authority=self.authority, action_id__iexact=action_id).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"Action ID {action_id} is already used in this plan: choose another")
        return action_id

    def clean_metrics(self) -> str:
        chosen = set(self.cleaned_data["metrics"])
        return ";".join(m for m, _ in self.fields["metrics"].choices if m in chosen)  # in the standard's order


class UpdateForm(ErrorLinks, forms.ModelForm):
    """A monthly progress update: its status becomes the action's status from its date on."""

    date = _date("Date of the update", "the date of the update")
    status = _status("Status at this update", "Select the action's status at this update")
    note = forms.CharField(label="What has happened since the last update (optional)", required=False, widget=forms.Textarea)
    by = forms.CharField(label="Update given by (optional)", required=False, max_length=200,
                         error_messages={"max_length": "The name must be 200 characters or fewer"})

    class Meta:
        model = ActionUpdate
        fields = ("date", "status", "note", "by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", date.today())
        self.helper = plan_helper(
            Field.text("date", field_width=20), Field.radios("status", legend_size="s", small=True),
            Field.textarea("note", rows=3), Field.text("by", field_width="two-thirds"), button="Add the update", button_id="add-update-button",
        )


class CommentForm(ErrorLinks, forms.ModelForm):
    text = forms.CharField(label="Comment", widget=forms.Textarea, error_messages={"required": "Enter a comment"})

    class Meta:
        model = Comment
        fields = ("text",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = plan_helper(Field.textarea("text", rows=4), button="Add the comment", button_id="add-comment-button")


class SignOffForm(ErrorLinks, forms.ModelForm):
    body = forms.ChoiceField(label="Who signed off", choices=SignOff.Body.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select who signed off the plan"})
    decision = forms.CharField(
        label="Decision", max_length=200, help_text="For example, agreed the action plan",
        error_messages={"required": "Enter the decision", "max_length": "The decision must be 200 characters or fewer"},
    )
    by = forms.CharField(
        label="Signed off by", max_length=200, help_text="The name or role of the person who signed off, for example the chair",
        error_messages={"required": "Enter who signed off", "max_length": "The name must be 200 characters or fewer"},
    )
    on = _date("Date of the decision", "the date of the decision")
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)

    class Meta:
        model = SignOff
        fields = ("body", "decision", "by", "on", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = plan_helper(
            Field.radios("body", legend_size="s", small=True), Field.text("decision", field_width="two-thirds"),
            Field.text("by", field_width="two-thirds"), Field.text("on", field_width=20), Field.textarea("note", rows=3),
            button="Record the sign-off",
        )


class MonthForm(ErrorLinks, forms.Form):
    """The month the plan page shows (a GET form: the template writes its own button)."""

    month = forms.CharField(label="Month", help_text="For example, June 2025", max_length=20,
                            error_messages={"required": "Enter a month", "max_length": f"Enter the month and year, for example {actions.MONTH_EXAMPLE}"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = plan_helper(Field.text("month", field_width=10), button=None)

    def clean_month(self) -> str:
        month = self.cleaned_data["month"].strip()
        try:
            end = actions.month_end(month)
        except ValueError:
            raise forms.ValidationError(f"Enter the month and year, for example {actions.MONTH_EXAMPLE}") from None
        if not EARLIEST <= end <= LATEST:  # year 1 would be written "1-01", which month_end cannot read back
            raise forms.ValidationError(f"Enter a month from {long_month(EARLIEST)} to {long_month(LATEST)}")
        return f"{end:%Y-%m}"
