"""Forms, laid out in the GOV.UK Design System's style by crispy-forms-gds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from wres.read import UNREAD_BOOKS


def form_helper(*fields: Any, button: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template writes the <form> (method, action, enctype, CSRF)
    # GOV.UK Frontend ignores a second click within a second, so a double click sends the form once (the
    # database refuses a second version of one upload anyway: returns.submit)
    helper.layout = Layout(*fields, Button("submit", button, data_prevent_double_click="true"))
    return helper


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = "Username"
        # Django sets the field's max_length after building it, so no validator checks it: a 5,000-character
        # name would reach the sign-in throttle's records (axes, 255 characters) and fail there on PostgreSQL
        username.validators.append(MaxLengthValidator(username.max_length or 150))
        username.error_messages["max_length"] = "Enter a correct username and password (both are case-sensitive)"
        self.helper = form_helper(Field.text("username", field_width=20), Field.text("password", field_width=20), button="Sign in")
        self.error_messages["invalid_login"] = "Enter a correct username and password (both are case-sensitive)"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload your return",
        help_text="One Excel workbook (.xlsx) with a sheet for each file, or the CSV files and organisation.toml in one .zip. At most 50 MB.",
        error_messages={"required": "Select the return to upload", "empty": "The selected file is empty"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.zip"
        self.helper = form_helper(Field("file"), button="Upload and check")

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        suffix = Path(f.name).suffix.lower()
        if suffix not in (".xlsx", ".zip"):
            said = UNREAD_BOOKS.get(suffix)  # another kind of spreadsheet: what it is, and how to save it as .xlsx
            raise forms.ValidationError(f"The selected file {said[0]}: {said[1]}" if said else
                                        "The selected file must be an Excel workbook (.xlsx) or a zip of CSV files (.zip)")
        if f.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {settings.MAX_UPLOAD_BYTES >> 20} MB")
        return f


class SubmitForm(forms.Form):
    keep_files = forms.BooleanField(
        required=False, label="Keep the uploaded record-level files",
        help_text="Left unticked, the service keeps only the counts, and deletes the staff, event and survey files as soon as you submit.",
    )

    add_plan = forms.BooleanField(required=False, label="Add this return's action plan to the action plan here")

    accept_placeholders = forms.BooleanField(
        label="Publish the report with the template's example text",
        error_messages={"required": "Fill in the organisation settings that still hold the template's example text and upload "
                                    "the return again, or confirm you want the report published with it"},
    )

    def __init__(self, *args: Any, plan_hint: str = "", placeholders: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        """`plan_hint` says what adding the return's plan would do; without one (no plan) there is no choice.
        `placeholders` are the settings still holding the template's text: the published report would print
        them, so submitting needs a deliberate yes (as `wres report --accept-placeholders`)."""
        super().__init__(*args, **kwargs)
        fields = [Field.checkbox("keep_files", small=True)]
        if plan_hint:
            self.fields["add_plan"].help_text = plan_hint
            fields.append(Field.checkbox("add_plan", small=True))
        else:
            del self.fields["add_plan"]
        if placeholders:
            self.fields["accept_placeholders"].help_text = "The published report will print " + "; ".join(
                f'{key} as "{value}"' for key, value in placeholders) + "."
            fields.append(Field.checkbox("accept_placeholders", small=True))
        else:
            del self.fields["accept_placeholders"]
        self.helper = form_helper(*fields, button="Submit the return")


class SurveyChoiceForm(forms.Form):
    """Which survey answers a return uses when its own file has them and a staff survey covers its period."""

    source = forms.ChoiceField(widget=forms.RadioSelect, error_messages={"required": "Choose which survey answers to use"})

    def __init__(self, *args: Any, campaign_title: str = "", own_file: str = "survey.csv", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].label = "Which survey answers should the return use?"
        self.fields["source"].choices = [
            ("campaign", f'The staff survey "{campaign_title}" run by this service'),
            ("upload", f"The survey answers in your {own_file}"),
        ]
        self.helper = FormHelper()  # its own button name: the problems page has the upload form's button too
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.radios("source", legend_size="m"),
                                    Button("choose", "Use these answers and check again", data_prevent_double_click="true"))
