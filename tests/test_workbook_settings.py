"""A workbook's organisation sheet takes every setting organisation.toml does, and a problem in it is named by
the workbook's own file name, its sheet and the cell, as a spreadsheet user would look for it."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from wres import organisation
from wres.read import read_return
from wres.validate import validate

TOML = """
name = "Northfield Metropolitan Borough Council"
code = "E08000099"
region = "North West"
period_start = 2024-04-01
period_end = 2025-03-31
programme_lead = "Priya Raman, Head of Workforce"
staff_voice_lead = "Kwame Mensah, Chair of the Race Equality Network"
local_population_minority_ethnic_pct = 17.5
suppression_threshold = 5
[sponsors]
adults = "Sam Carter, Director of Adult Social Care"
children = "Alex Lowe, Director of Children's Services"
[governance]
steering_group = "WRES Steering Group"
approved_by = "the Corporate Leadership Team"
approved_on = 2024-06-04
[[pay_bands]]
label = "Grades 1-6"
below = 28000
[[pay_bands]]
label = "Grades 7-10"
below = 45000
[[pay_bands]]
label = "Grade 11 and above"
"""

# The same settings as rows of an organisation sheet, typed as people type them: dates as date cells or
# text, numbers as numbers, a table's setting as a dotted name; pay bands on their own sheet.
SHEET: list[tuple[str, Any]] = [
    ("Setting", "Value"),
    ("name", "Northfield Metropolitan Borough Council"),
    ("code", "E08000099"),
    ("region", "North West"),
    ("period_start", dt.datetime(2024, 4, 1)),
    ("period_end", "2025-03-31"),
    ("programme_lead", "Priya Raman, Head of Workforce"),
    ("staff_voice_lead", "Kwame Mensah, Chair of the Race Equality Network"),
    ("local_population_minority_ethnic_pct", 17.5),
    ("suppression_threshold", 5),
    ("sponsors.adults", "Sam Carter, Director of Adult Social Care"),
    ("Sponsors.Children", "Alex Lowe, Director of Children's Services"),
    ("governance.steering_group", "WRES Steering Group"),
    ("governance.approved_by", "the Corporate Leadership Team"),
    ("governance.approved_on", dt.date(2024, 6, 4)),
]
BANDS = [("label", "below"), ("Grades 1-6", 28000), ("Grades 7-10", 45000), ("Grade 11 and above", None)]
STAFF = [("staff_id", "ethnicity", "service", "senior_manager", "registered_professional", "annual_salary"),
         *[(f"S{i}", "White" if i % 2 else "Black", "adults", "no", "no", 30000) for i in range(12)]]


def _workbook(path: Path, org: list[tuple[str, Any]] | None = SHEET, bands: list[tuple[str, Any]] | None = BANDS) -> Path:
    wb = openpyxl.Workbook()
    staff = wb.active
    staff.title = "staff"
    for row in STAFF:
        staff.append(row)
    for title, rows in (("Organisation", org), ("pay_bands", bands)):
        if rows is not None:
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
    wb.save(path)
    return path


def _problems(path: Path) -> list[str]:
    return [f"{p.where}: {p.message}" for p in validate(read_return(path)).problems]


def test_the_organisation_sheet_takes_every_setting_the_toml_file_does(tmp_path: Path) -> None:
    ret = read_return(_workbook(tmp_path / "Northfield WRES 2024-25.xlsx"))
    expected, problems = organisation.parse(tomllib.loads(TOML))
    assert problems == [] and ret.problems == []
    assert ret.organisation is not None and expected is not None
    assert ret.organisation.model_dump() == expected.model_dump()
    assert [b.label for b in ret.organisation.bands] == ["Grades 1-6", "Grades 7-10", "Grade 11 and above"]


def test_a_sheet_without_a_heading_row_loses_no_setting(tmp_path: Path) -> None:
    ret = read_return(_workbook(tmp_path / "r.xlsx", SHEET[1:]))
    assert ret.organisation is not None and ret.organisation.name == "Northfield Metropolitan Borough Council"


@pytest.mark.parametrize(("change", "where", "message"), [
    (("period_end", "2023-03-31"), "Northfield.xlsx, sheet Organisation, cell B6", "period_end must be after period_start"),
    (("suppression_threshold", "ten"), "Northfield.xlsx, sheet Organisation, cell B10", "suppression_threshold"),
    (("governance.approved_on", "last June"), "Northfield.xlsx, sheet Organisation, cell B15", "governance.approved_on"),
    (("sponsors.adults", "Name, Director of Adult Social Care"), "Northfield.xlsx, sheet Organisation, cell B11",
     "sponsors.adults still holds the template's placeholder"),
])
def test_a_problem_in_the_sheet_names_its_cell(tmp_path: Path, change: tuple[str, Any], where: str, message: str) -> None:
    rows = [change if key == change[0] else (key, value) for key, value in SHEET]
    problems = _problems(_workbook(tmp_path / "Northfield.xlsx", rows))
    assert any(p.startswith(f"{where}: ") and message in p for p in problems), problems


def test_a_pay_band_problem_names_its_row_on_the_pay_bands_sheet(tmp_path: Path) -> None:
    bands = [BANDS[0], ("Grades 1-6", 28000), ("Grades 7-10", "lots"), BANDS[3]]
    problems = _problems(_workbook(tmp_path / "r.xlsx", bands=bands))
    assert any(p.startswith("r.xlsx, sheet pay_bands, row 3: pay_bands.1.below") for p in problems), problems


def test_a_workbook_without_an_organisation_sheet_is_told_so(tmp_path: Path) -> None:
    problems = _problems(_workbook(tmp_path / "HR return.xlsx", org=None))
    assert problems == ["HR return.xlsx: has no organisation sheet"]
    assert not any("organisation.toml is missing" in p for p in problems)


def test_a_sheets_column_is_named_by_its_heading_and_letter(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "HR return.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["staff"]["D5"] = "perhaps"
    wb.save(path)
    assert "HR return.xlsx, sheet staff, row 5, column senior_manager (D): \"perhaps\" is not yes or no" in _problems(path)
