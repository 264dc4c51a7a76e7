"""Forms of the import mapping pages: one select per contract column, one per spelling, a mapping file.

Each page asks one thing (GOV.UK pattern): which of your headings is each column the contract needs, then
what each spelling the contract does not know means. The choices are the export's own headings and the
contract's own values, so nothing can be typed wrong.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, HTML
from django import forms
from django.utils.html import escape

from wres import encoding, mapping, schema
from wres.standards import Standard
from wres.web import importing
from wres.web.plan_forms import ErrorLinks, plan_helper

# What each contract column holds, in the words a select's label uses ("staff_id: the person's staff number").
COLUMN_WORDS = {
    "staff_id": "the person's unique staff number",
    "applicant_id": "the applicant's unique number",
    "respondent_id": "the respondent's unique number",
    "ethnicity": "their ethnicity",
    "service": "adults' or children's services",
    "senior_manager": "whether they are a senior manager (yes or no)",
    "registered_professional": "whether they are a registered professional, such as a social worker (yes or no)",
    "annual_salary": "full-time equivalent annual salary in pounds",
    "pay_band": "pay band",
    "start_date": "date they started",
    "shortlisted": "whether the applicant was shortlisted (yes or no)",
    "appointed": "whether the applicant was appointed (yes or no)",
    "date": "date of the event",
    "abuse_public": "harassment, bullying or abuse from the public (never to more than 10 times)",
    "abuse_colleagues": "harassment, bullying or abuse from colleagues",
    "abuse_managers": "harassment, bullying or abuse from managers",
}
EITHER = {"annual_salary": "Needed unless your export has a pay band instead.", "pay_band": "Needed unless your export has the salary."}
NOT_THERE = "Not in this export"
FROM_STAFF = f"Not in your export? Choose “{NOT_THERE}”: each row's is then taken from staff.csv by its staff_id."
NOT_READ = "Not part of the return"
LEAVE = "Leave it as an error"
BLANK = "(blank cells)"


def column_label(stem: str, column: str, standard: Standard) -> str:
    c = next(c for c in importing.columns_of(stem, standard) if c.name == column)
    optional = not c.required and not (stem == "staff" and column in SALARY_OR_BAND and _either(standard))
    return f"{column}: {COLUMN_WORDS.get(column, column.replace('_', ' '))}" + (" (optional)" if optional else "")


class FilesForm(ErrorLinks, forms.Form):
    """Which file of the return each CSV file of the upload's own naming is ("HR export March 2025.csv")."""

    def __init__(self, *args: Any, names: list[str], stems: list[str], chosen: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names: dict[str, str] = {}  # field name → file name
        options = [("", NOT_READ), *((s, f"{s}.csv") for s in stems)]
        for i, name in enumerate(names, start=1):
            key = f"file_{i}"
            self.names[key] = name
            initial = chosen.get(name, "")
            self.fields[key] = forms.ChoiceField(label=escape(f"“{name}”"), choices=options, required=False,  # crispy prints labels as given
                                                 initial=initial if initial in stems else "")
        self.helper = plan_helper(*(Field.select(k) for k in self.names), button="Continue")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        taken: dict[str, str] = {}
        for key, name in self.names.items():
            stem = data.get(key, "")
            if stem and stem in taken:
                self.add_error(key, f"Choose another file for {name}: {taken[stem]} is already {stem}.csv")
            elif stem:
                taken[stem] = name
        return data

    def assigned(self) -> dict[str, str]:
        """File name → the file of the return it is (those left out are not read)."""
        return {name: self.cleaned_data[key] for key, name in self.names.items() if self.cleaned_data.get(key)}


class RowsForm(ErrorLinks, forms.Form):
    """Which rows of an export are the file's, by the values of a column that says what each row is (a staff
    export's "Assignment Status"): those ticked are read, the others left out. The values that may not be the
    file's (Terminated, Agency Worker) start unticked; the analyst decides."""

    kept = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple,
                                     error_messages={"required": "Select the values of the rows to read"})

    def __init__(self, *args: Any, heading: str, values: list[str], chosen: list[str], what: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kept"]
        field.label = escape(f"Which rows are {what}? Read the rows whose “{heading}” is:")
        field.choices = [(v, v) for v in values]
        field.help_text = "Select all that apply. The rows of the values left unticked are not read, and the check says how many."
        self.initial["kept"] = chosen
        self.helper = plan_helper(Field.checkboxes("kept", legend_size="s"), button="Continue")


SALARY_OR_BAND = ("annual_salary", "pay_band")


def _either(standard: Standard) -> bool:
    """Whether staff.csv gives a salary or a band, either one (a standard of salary bands, as the SC-WRES)."""
    return all(c in {c.name for c in standard.files.get("staff", ())} for c in SALARY_OR_BAND)


class ColumnsForm(ErrorLinks, forms.Form):
    """Which of the export's headings is each column of one contract file (of the authority's standard)."""

    def __init__(self, *args: Any, stem: str, headings: list[str], chosen: dict[str, str], standard: Standard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stem = stem
        self.standard = standard
        self.columns = importing.columns_of(stem, standard)
        options = [("", NOT_THERE), *((h, h) for h in headings)]
        for c in self.columns:
            initial = next((h for h in headings if h.strip().lower() == chosen.get(c.name, c.name).strip().lower()), "")
            hint = EITHER.get(c.name, "") if stem == "staff" and _either(standard) else FROM_STAFF if schema.from_staff(stem, c.kind) else ""
            self.fields[c.name] = forms.ChoiceField(label=column_label(stem, c.name, standard), choices=options, required=False, initial=initial,
                                                    help_text=hint)
        self.helper = plan_helper(*(Field.select(c.name) for c in self.columns), button="Continue")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        taken: dict[str, Any] = {}  # heading → the first contract column given it
        for c in self.columns:
            heading = data.get(c.name, "")
            if not heading:
                if c.required and not (schema.from_staff(self.stem, c.kind) and data.get("staff_id")):  # else staff.csv's
                    self.add_error(c.name, f"Select the heading that holds {c.name} ({COLUMN_WORDS.get(c.name, c.name)})")
                continue
            if heading in taken and not (c.kind in mapping.SHARED and taken[heading].kind in mapping.SHARED):  # a status column may give several yes/no
                self.add_error(c.name, f'Select another heading for {c.name}: "{heading}" is already given to {taken[heading].name}')
            else:
                taken.setdefault(heading, c)
        if self.stem == "staff" and _either(self.standard) and not (data.get("annual_salary") or data.get("pay_band")):
            self.add_error("annual_salary", "Select the heading that holds annual_salary, or the one that holds pay_band")
        return data


class ValuesForm(ErrorLinks, forms.Form):
    """What each spelling of the export means, for the contract columns of one file that have some."""

    def __init__(self, *args: Any, stem: str, decide: dict[str, list[tuple[str, str]]], headings: dict[str, str], standard: Standard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys: dict[str, tuple[str, str]] = {}  # field name → (contract column, spelling)
        layout = []
        for col, rows in decide.items():
            kind = mapping.kind_of(stem, col)
            options = [("", LEAVE), *importing.choices(kind, standard, col)]
            accepted = {v for v, _ in options}
            names = []
            for spelling, target in rows:
                name = f"value_{len(self.keys) + 1}"
                self.keys[name] = (col, spelling)
                self.fields[name] = forms.ChoiceField(
                    label=escape(f"“{spelling}”") if spelling else BLANK, choices=options, required=False,  # crispy prints labels as given
                    initial=target if target in accepted and target != mapping.TODO else "",
                )
                names.append(name)
            legend = escape(f"{col}: your heading “{headings.get(col, col)}”")  # as labels: printed as given
            layout.append(Fieldset(HTML(f'<p class="govuk-hint">{_hint(kind)}</p>'), *(Field.select(n) for n in names), legend=legend, legend_size="m"))
        self.helper = plan_helper(*layout, button="Continue")

    def decisions(self) -> dict[str, dict[str, str]]:
        """Contract column → spelling → the contract's value chosen ("" leaves the spelling as an error)."""
        out: dict[str, dict[str, str]] = {}
        for name, (col, spelling) in self.keys.items():
            out.setdefault(col, {})[spelling] = self.cleaned_data.get(name, "")
        return out


def _hint(kind: str) -> str:
    return {
        "service": "Choose the part of the organisation (service or staff group) each of your names belongs to.",
        "bool": "Choose yes or no for each of your spellings.",
        "answer": "Choose the survey answer each of your spellings means.",
        "status": "Choose the status each of your spellings means.",
        "ethnicity": "Choose the ONS 2021 category each of your codes means.",
    }.get(kind, "Choose what each of your spellings means.")


class MappingFileForm(ErrorLinks, forms.Form):
    """A mapping.toml to keep as the authority's import mapping (as `wres map` writes it, or edited)."""

    file = forms.FileField(
        label="Upload a mapping file", help_text="A mapping.toml file, as wres map writes it or as downloaded from this page. At most 1 MB.",
        error_messages={"required": "Select the mapping file to upload", "empty": "The selected file is empty"},
    )

    def __init__(self, *args: Any, standard: Standard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.standard = standard
        self.fields["file"].widget.attrs["accept"] = ".toml,text/plain"
        self.helper = plan_helper(Field("file"), button="Upload the mapping")
        self.text = ""

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > importing.MAX_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {importing.MAX_BYTES >> 20} MB")
        text = encoding.decode(b"".join(f.chunks()))  # an older Notepad's "ANSI" (Windows-1252) too: kept as text
        if text is None:
            raise forms.ValidationError("The selected file must be a text file saved as UTF-8 (mapping.toml)")
        self.text = text
        found, problems = importing.parse(self.text, self.standard)
        if found is None or problems:
            raise forms.ValidationError([f"The mapping file {_problem_text(p)}" for p in problems[:10]])
        if not found.files:
            raise forms.ValidationError("The mapping file maps no file: it needs a section such as [staff] with the headings under [staff.columns]")
        return f


def _problem_text(p: Any) -> str:
    where = f" ({p.column})" if p.column and not p.message.startswith(p.column) else ""
    rows = f" at line {p.rows[0]}" if p.rows else ""
    return f"{p.message}{rows}{where}: {p.fix}"
