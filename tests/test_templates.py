"""The blank templates an authority fills in stay in step with the data contract, and a copy of them, filled
in the way a council's staff would fill it, is a return that validates."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wres import organisation, pipeline, standards
from wres.counts import COLUMNS
from wres.schema import files, template

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PLACEHOLDERS = ["name", "code", "sponsors.adults", "sponsors.children", "programme_lead", "staff_voice_lead"]


def test_every_input_file_of_every_standard_has_a_template_with_its_columns() -> None:
    for sid in standards.available():
        std = standards.load(sid)
        record_files = std.files if sid != standards.DEFAULT else files(std)  # the action plan's templates are the default's
        for name, cols in record_files.items():
            path = TEMPLATES.parent / template(std, f"{name}.csv")
            assert path.read_text().splitlines()[0].split(",") == [c.name for c in cols], path
        org, _ = organisation.load(TEMPLATES.parent / template(std, "organisation.toml"))
        assert org is not None and org.standard == std
    # the aggregated route lives apart: a copied templates/ folder is a record-level return
    assert not (TEMPLATES / "counts.csv").exists()
    assert (TEMPLATES / "aggregate" / "counts.csv").read_text().splitlines()[0].split(",") == list(COLUMNS)
    assert (TEMPLATES / "aggregate" / "organisation.toml").read_text() == (TEMPLATES / "organisation.toml").read_text()


def test_organisation_template_is_valid_and_its_placeholders_are_named() -> None:
    org, problems = organisation.load(TEMPLATES / "organisation.toml")
    assert org is not None and not [p for p in problems if p.severity == "error"]
    assert org.sponsors == {"adults": "Name, Director of Adult Social Care", "children": "Name, Director of Children's Services"}
    assert [p.message.split()[0] for p in problems] == PLACEHOLDERS
    assert all(p.severity == "warning" and p.file == "organisation.toml" for p in problems)


@pytest.mark.parametrize("sid", standards.available())
def test_an_optional_setting_of_the_template_uncommented_is_read_as_that_setting(sid: str, tmp_path: Path) -> None:
    """What an analyst does with the template: uncomment an optional line and change its value. Each is then
    read as that setting; the threshold was once commented out under [sponsors], where it became a sponsor."""
    text = (TEMPLATES.parent / template(standards.load(sid), "organisation.toml")).read_text()
    optional = [k for k in re.findall(r"^# (\w+) = ", text, re.MULTILINE) if k in organisation.SETTINGS]
    assert "suppression_threshold" in optional
    for setting in optional:
        (tmp_path / "organisation.toml").write_text(re.sub(rf"^# {setting} = .*$", f'{setting} = {"12" if setting == "suppression_threshold" else chr(34) + "X1" + chr(34)}',
                                                           text, flags=re.MULTILINE))
        org, problems = organisation.load(tmp_path / "organisation.toml")
        assert org is not None and not [p for p in problems if p.severity == "error"], (setting, problems)
        assert getattr(org, setting) in (12, "X1"), setting


def test_a_setting_wres_would_not_read_is_said(tmp_path: Path) -> None:
    """A setting under a table is that table's; a near spelling is no setting: either would leave what the
    analyst meant unapplied (a threshold of 10, not 12), so each is an error naming where to write it. A name
    wres does not use at all is said, as ignored."""
    base = {"name": "Eastmere Council", "period_start": "2024-04-01", "period_end": "2025-03-31"}
    said = lambda data: [(p.severity, p.message) for p in organisation.parse(data)[1]]  # noqa: E731
    assert said({**base, "sponsors": {"adults": "A", "suppression_threshold": 12}}) == [
        ("error", "suppression_threshold is written under [sponsors], so it is read as part of [sponsors], not as the setting suppression_threshold")]
    assert said({**base, "governance": {"steering_group": "S", "suppression_threshold": 12}})[0][0] == "error"
    assert said({**base, "supression_threshold": 12}) == [("error", "supression_threshold is not a setting, so it is not read: did you mean suppression_threshold?")]
    assert said({**base, "governance": {"steering_grop": "S"}}) == [
        ("error", "governance.steering_grop is not a setting, so it is not read: did you mean governance.steering_group?")]
    assert said({**base, "finance_contact": "F", "governance": {"chair": "C"}}) == [
        ("warning", "finance_contact is not a setting wres reads, so it is ignored"), ("warning", "governance.chair is not a setting wres reads, so it is ignored")]
    assert said({**base, "sponsors": {"adults": "A", "public_health": "P"}}) == []  # a sponsor of its own: shown in the report
    # the template ends with [[pay_bands]]: a line added after it is the last band's
    bands = [{"label": "under 30k", "below": 30000}, {"label": "30k and over", "suppression_threshold": 12, "grade": "x"}]
    assert said({**base, "pay_bands": bands}) == [
        ("error", "suppression_threshold is written under [[pay_bands]], so it is read as part of pay band 2, not as the setting suppression_threshold"),
        ("warning", "pay_bands.2.grade is not a setting wres reads, so it is ignored")]
    assert organisation.parse({**base, "pay_bands": [bands[0], {"label": "30k and over", "grade": "x"}]})[0] is not None
    # pydantic's names for a union's members are no place in the file
    assert said({**base, "sponsors": 5}) == [("error", "sponsors Input should be a valid dictionary")]


def test_blank_templates_say_only_that_staff_is_empty(tmp_path: Path) -> None:
    d = tmp_path / "r"
    shutil.copytree(TEMPLATES, d)
    problems = pipeline.check(d)
    assert [(p.file, p.message) for p in problems if p.severity == "error"] == [("staff.csv", "has a header but no rows")]


def _fill_staff(d: Path, rows: list[list[Any]]) -> None:
    """Rows added under the template's header, as a spreadsheet saving CSV would (one line ending throughout)."""
    with (d / "staff.csv").open("a", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def test_a_copied_template_filled_in_validates_and_warns_of_its_placeholders(tmp_path: Path, cli: Any) -> None:
    d = tmp_path / "my-return"
    shutil.copytree(TEMPLATES, d)
    labels = ["White", "Black", "Asian", "Mixed", "Not stated"]
    _fill_staff(d, [[f"E{i:04d}", labels[i % 5], "adults" if i % 3 else "children", "no" if i % 7 else "yes",
                     "yes" if i % 2 else "no", "31,500" if i % 2 else "£45,250", "", ""] for i in range(40)])
    run = cli("validate", d)
    assert run.code == 0, run.stdout + run.stderr
    for key in PLACEHOLDERS:
        assert f"{key} still holds the template's placeholder" in run.stdout.replace("\n", " ")
    # a published report is refused until they are filled in (or accepted), with nothing written
    out = tmp_path / "report"
    refused = cli("report", d, "-o", out)
    assert refused.code == 1 and not out.exists()
    assert "sponsors.adults still holds the template's placeholder" in refused.stdout + refused.stderr
    assert "--accept-placeholders" in refused.stdout + refused.stderr
    assert cli("report", d, "-o", out, "--internal").code == 0


def test_an_empty_counts_csv_beside_records_is_set_aside_with_a_warning(tmp_path: Path) -> None:
    d = tmp_path / "r"
    shutil.copytree(TEMPLATES, d)
    shutil.copy(TEMPLATES / "aggregate" / "counts.csv", d / "counts.csv")
    _fill_staff(d, [[f"E{i}", "White" if i % 2 else "Black", "adults", "no", "no", "30000", "", ""] for i in range(12)])
    problems = pipeline.check(d)
    assert not [p for p in problems if p.severity == "error"]
    assert [p.message for p in problems if p.file == "counts.csv"] == ["has no rows, so the record files are read instead"]


def test_only_the_templates_own_stand_in_text_counts_as_a_placeholder() -> None:
    org, problems = organisation.parse({"name": "Eastmere Council", "period_start": "2024-04-01", "period_end": "2025-03-31",
                                        "programme_lead": "Jo Name, Head of Workforce",
                                        "governance": {"monitoring": "monthly... then quarterly once on track"},
                                        "staff_voice_lead": "Name, chair of the network"})
    assert org is not None and [p.message.split()[0] for p in problems] == ["staff_voice_lead"]


def test_a_published_document_says_what_warnings_concern_but_not_the_analysts_details(tmp_path: Path, cli: Any) -> None:
    """Placeholders and stray files are the analyst's business: published, they are only counted."""
    d = tmp_path / "r"
    shutil.copytree(TEMPLATES, d)
    _fill_staff(d, [[f"E{i}", "White" if i % 2 else "Black", "adults", "no", "no", "30000", "", ""] for i in range(12)])
    (d / "HR export 2025.csv").write_text("Employee Number,Ethnic Origin\n1,White British\n", encoding="utf-8")
    published = json.loads(cli("metrics", d, "--format", "json").stdout)["warnings"]
    assert "The leavers file has a header but no rows, so its metrics are counted as none in the period" in published
    assert published[-1].startswith("7 other warnings concerned how the return's files were prepared")
    assert not any("placeholder" in w or "HR export" in w or "Name, role" in w for w in published)
    internal = json.loads(cli("metrics", d, "--format", "json", "--internal").stdout)["warnings"]
    assert any('programme_lead still holds the template\'s placeholder "Name, role"' in w for w in internal)
    assert any(w.startswith("HR export 2025.csv: is not one of the return's files") for w in internal)


def test_the_nhs_templates_copied_are_a_return_that_validates_with_only_its_placeholders_to_fill(tmp_path: Path) -> None:
    """templates/nhs-wres holds two example rows a file (one a non-executive director, one "Don't know"): as they
    are, a return whose only warnings are the organisation's stand-in text."""
    d = tmp_path / "trust"
    shutil.copytree(TEMPLATES / "nhs-wres", d)
    problems = pipeline.check(d)
    assert not [p for p in problems if p.severity == "error"]
    assert {p.message.split()[0] for p in problems} == {"name", "sponsors", "programme_lead", "staff_voice_lead"}
    loaded = pipeline.load(d)
    assert loaded.counts.standard.id == "nhs-wres"
    assert loaded.counts.get("9", "all", "Voting board members", "bme") == (1, 0)  # the non-executive director, in no headcount
    assert loaded.counts.get("7", "all", "", "bme") == (0, 0)  # "Don't know" is answered but counted in neither


_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.floats(allow_nan=False),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
_KEYS = st.sampled_from(["name", "period_start", "period_end", "sponsors", "governance", "suppression_threshold", "supression_threshold",
                         "pay_bands", "standard", "steering_group", "notes", ""])


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(_KEYS, _VALUES | st.dictionaries(_KEYS, _VALUES, max_size=3), max_size=6))
def test_any_shape_of_settings_gives_settings_or_an_error_never_a_traceback(data: dict[str, Any]) -> None:
    """Whatever organisation.toml (or a workbook's organisation sheet) holds, settings come back or an error
    says why, each problem with words and a fix: settings under the wrong table, near spellings, any types."""
    org, problems = organisation.parse(data)
    assert org is not None or any(p.severity == "error" for p in problems)
    assert all(p.message and p.fix for p in problems)
