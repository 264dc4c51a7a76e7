"""The NHS WRES's input: its files, vocabulary and counts, through the real reader, DuckDB and command line.

A small trust (18 staff and 2 non-executive directors) is counted by hand for every indicator's numerator and
denominator; each NHS file is validated with good and bad values (a bad band, clinical value, survey answer, a
missing column, an SC-WRES file given for an NHS return), which stop the return with clear words and no output;
and hypothesis checks that any NHS return's own counts.csv, read back, is the same Counts.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import person, write_return
from wres import pipeline, standards
from wres.pipeline import InvalidInput

NHS_ORG = {"standard": "nhs-wres", "name": "Test NHS Trust", "period_start": "2024-04-01", "period_end": "2025-03-31"}


def staff(sid: str, eth: str | None, band: str, clinical: str, voting: str = "no", executive: str = "no") -> dict[str, Any]:
    return {"staff_id": sid, "ethnicity": eth, "pay_band": band, "clinical": clinical, "board_voting": voting, "board_executive": executive}


STAFF = [
    staff("S01", "Indian", "Band 5", "yes"),
    staff("S02", "African", "band 5", "Yes"),  # a band in any case and spacing
    staff("S03", "Pakistani", "Band 6", "clinical"),
    staff("S04", "Caribbean", "Band 2", "no"),
    staff("S05", "Chinese", "Consultant", "yes"),
    staff("S06", "Bangladeshi", "VSM", "non-clinical", "yes", "yes"),
    staff("S07", "White British", "Band 5", "yes"),
    staff("S08", "White British", "Band 5", "y"),
    staff("S09", "Irish", "Band 6", "yes"),
    staff("S10", "White British", "Band 7", "yes"),
    staff("S11", "White British", "Band 2", "no"),
    staff("S12", "White British", "Band 3", "no"),
    staff("S13", "White British", "VSM", "no", "yes", "yes"),
    staff("S14", "White British", "VSM", "yes", "yes", "yes"),  # a medical director: clinical, on both boards
    staff("S15", "Any other White background", "Band 8a", "no", "no", "yes"),  # an executive without a vote
    staff("S16", "Not stated", "Band 5", "yes"),
    staff("S17", None, "Band 4", "no"),
    staff("S18", "White British", "Trainee grade", "yes"),
    staff("N1", "African", "Board (non-executive)", "no", "yes"),  # non-executive directors: the voting board only
    staff("N2", "White British", "board (non-executive)", "no", "yes"),
]
RECRUITMENT = [
    {"applicant_id": f"A{i}", "ethnicity": eth, "shortlisted": s, "appointed": a, "date": "2024-06-01"}
    for i, (eth, s, a) in enumerate([("Indian", "yes", "yes"), ("African", "yes", "no"), ("Pakistani", "yes", "no"), ("Caribbean", "no", "no"),
                                     ("White British", "yes", "yes"), ("White British", "yes", "yes"), ("White British", "yes", "no"),
                                     ("Not stated", "yes", "no")], start=1)
]
DISCIPLINARY = [
    {"ethnicity": None, "date": "2024-06-01", "staff_id": "S01"},  # ethnicity from staff.csv
    {"ethnicity": None, "date": "2024-09-01", "staff_id": "S01"},  # the same person again: counted once
    {"ethnicity": "Caribbean", "date": "2024-10-01", "staff_id": "S04"},
    {"ethnicity": "White British", "date": "2024-11-01", "staff_id": None},
    {"ethnicity": None, "date": "2023-12-01", "staff_id": "S07"},  # before the period: left out, with a warning
]
TRAINING = [
    {"ethnicity": None, "date": "2024-05-01", "staff_id": "S07"},
    {"ethnicity": None, "date": "2024-05-02", "staff_id": "S08"},
    {"ethnicity": "Irish", "date": "2024-05-03", "staff_id": "S09"},
    {"ethnicity": None, "date": "2024-05-04", "staff_id": "S01"},
    {"ethnicity": "Indian", "date": "2024-05-05", "staff_id": None},  # no staff_id: one person
]
SURVEY_COLUMNS = ("harassment_public", "harassment_managers", "harassment_colleagues", "equal_opportunities", "discrimination_colleagues")
SURVEY = [
    {"respondent_id": f"R{i}", "ethnicity": eth, **dict(zip(SURVEY_COLUMNS, answers))}
    for i, (eth, answers) in enumerate([
        ("Indian", ("Never", "1-2", "Never", "Yes", "No")),
        ("African", ("3-5", "Never", "never", "Don't know", "Yes")),
        ("Pakistani", ("Never", None, None, "No", "yes")),
        ("Caribbean", (None, "Never", "6-10", "No", "No")),
        ("White British", ("More than 10", "Never", "Never", "Yes", "No")),
        ("White British", ("Never", "Never", "Never", "yes", "no")),
        ("White British", ("1-2", "Never", "1-2", "Don’t know", None)),  # a curly apostrophe, as Excel writes it
        ("Not stated", ("Never", "Never", "Never", "Yes", "No")),
    ], start=1)
]


def nhs_files(**overrides: Any) -> dict[str, Any]:
    files: dict[str, Any] = {"staff": STAFF, "recruitment": RECRUITMENT, "disciplinary": DISCIPLINARY, "training": TRAINING, "survey": SURVEY}
    for name, rows in overrides.items():
        if rows is None:
            files.pop(name)
        else:
            files[name] = rows
    return files


def trust(tmp_path: Path, org: dict[str, Any] | None = None, **overrides: Any) -> Path:
    return write_return(tmp_path / "trust", nhs_files(**overrides), org=org or NHS_ORG)


def errors(path: Path) -> list[Any]:
    return [p for p in pipeline.check(path) if p.severity == "error"]


# --- counts by hand ------------------------------------------------------------------------------------

# Headcount (non-executive directors left out): BME 6 (4 clinical, 2 not), white 10 (6 clinical, 4 not),
# unknown 2 (1 and 1).
BY_HAND: dict[tuple[str, str, str, str], tuple[int, int]] = {
    # 1: staff of the group in the band, over the group's staff (of the part)
    ("1", "clinical", "Band 5", "bme"): (2, 4), ("1", "clinical", "Band 5", "white"): (2, 6), ("1", "clinical", "Band 5", "unknown"): (1, 1),
    ("1", "clinical", "Consultant", "bme"): (1, 4), ("1", "clinical", "Trainee grade", "white"): (1, 6),
    ("1", "non_clinical", "VSM", "bme"): (1, 2), ("1", "non_clinical", "VSM", "white"): (1, 4), ("1", "non_clinical", "Band 4", "unknown"): (1, 1),
    ("1", "all", "VSM", "bme"): (1, 6), ("1", "all", "VSM", "white"): (2, 10), ("1", "all", "Band 2", "white"): (1, 10),
    ("1", "all", "Band 9", "bme"): (0, 6),
    # 2: appointed of the shortlisted
    ("2", "all", "", "bme"): (1, 3), ("2", "all", "", "white"): (2, 3), ("2", "all", "", "unknown"): (0, 1),
    # 3: distinct staff entering the process in the period, over the headcount
    ("3", "all", "", "bme"): (2, 6), ("3", "all", "", "white"): (1, 10), ("3", "all", "", "unknown"): (0, 2),
    # 4: distinct staff accessing training
    ("4", "all", "", "bme"): (2, 6), ("4", "all", "", "white"): (3, 10), ("4", "all", "", "unknown"): (0, 2),
    # 5: at least once from the public, of those who answered
    ("5", "all", "", "bme"): (1, 3), ("5", "all", "", "white"): (2, 3), ("5", "all", "", "unknown"): (0, 1),
    # 6: at least once from managers or colleagues, of those who answered either
    ("6", "all", "", "bme"): (2, 3), ("6", "all", "", "white"): (1, 3), ("6", "all", "", "unknown"): (0, 1),
    # 7: yes, of yes or no ("Don't know" in neither)
    ("7", "all", "", "bme"): (1, 3), ("7", "all", "", "white"): (2, 2), ("7", "all", "", "unknown"): (1, 1),
    # 8: yes, of yes or no
    ("8", "all", "", "bme"): (2, 4), ("8", "all", "", "white"): (0, 2), ("8", "all", "", "unknown"): (0, 1),
    # 9: board members (non-executive directors in the numerator of the voting board) over the headcount
    ("9", "all", "Voting board members", "bme"): (2, 6), ("9", "all", "Voting board members", "white"): (3, 10),
    ("9", "all", "Voting board members", "unknown"): (0, 2),
    ("9", "all", "Executive board members", "bme"): (1, 6), ("9", "all", "Executive board members", "white"): (3, 10),
}


def test_every_indicator_is_counted_as_by_hand(tmp_path: Path) -> None:
    loaded = pipeline.load(trust(tmp_path))
    counts = loaded.counts
    assert counts.standard.id == "nhs-wres" and loaded.organisation.standard.name == "NHS WRES"
    assert counts.submitted == set(standards.load("nhs-wres").metric_ids)
    for key, expected in BY_HAND.items():
        assert counts.get(*key) == expected, key
    # indicators of the whole trust are stored under its total; only indicator 1 is by clinical and non-clinical
    assert {(m, s) for m, s, *_ in counts.cells if m != "1"} == {(m, "all") for m in "23456789"}
    assert {s for m, s, *_ in counts.cells if m == "1"} == {"clinical", "non_clinical"}
    # the bands are the standard's, with none for the non-executive directors
    assert counts.bands == [b.label for b in standards.load("nhs-wres").default_bands]
    assert not any(b == "Board (non-executive)" for _, _, b, _ in counts.cells)
    # the disciplinary case before the period is left out, and said so
    assert any(p.file == "disciplinary.csv" and "outside the reporting period" in p.message for p in loaded.warnings)


def test_a_board_member_on_neither_board_is_a_warning_not_a_count(tmp_path: Path) -> None:
    path = trust(tmp_path, staff=[*STAFF, staff("N3", "Indian", "Board (non-executive)", "no")])
    warned = [p for p in pipeline.check(path) if p.column == "pay_band"]
    assert len(warned) == 1 and warned[0].severity == "warning" and warned[0].rows == (22,)
    assert "board_voting" in warned[0].fix
    assert pipeline.load(path).counts.get("9", "all", "Voting board members", "bme") == (2, 6)


def test_an_nhs_return_needs_no_service_and_no_salary(tmp_path: Path) -> None:
    path = trust(tmp_path)
    assert not errors(path)
    assert not any("service" in p.message or "salary" in p.message for p in pipeline.check(path))


# --- validation: each file, good and bad ------------------------------------------------------------------

def _one_error(path: Path) -> Any:
    found = errors(path)
    assert len(found) == 1, [(p.file, p.message) for p in found]
    return found[0]


def _refused(path: Path, cli: Any, tmp_path: Path) -> None:
    """Every command refuses the return with words, no traceback and no output written."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    for args in (("validate", path), ("counts", path, "-o", out / "counts.csv"), ("metrics", path, "--format", "json")):
        run = cli(*args)
        assert run.code == 1 and "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
        assert "how to fix" in run.stdout + run.stderr
    assert list(out.iterdir()) == []
    with pytest.raises(InvalidInput):
        pipeline.load(path)


def test_a_band_not_of_the_standard_is_refused_with_its_bands_in_the_fix(tmp_path: Path, cli: Any) -> None:
    path = trust(tmp_path, staff=[*STAFF[:2], staff("S03", "Pakistani", "Band 10", "yes"), *STAFF[3:]])
    p = _one_error(path)
    assert (p.file, p.column, p.rows, p.message) == ("staff.csv", "pay_band", (4,), '"Band 10" is not a pay band')
    assert "Band 1, Band 2" in p.fix and "VSM" in p.fix and "Trainee grade" in p.fix and "Board (non-executive)" in p.fix
    _refused(path, cli, tmp_path)


def test_a_misspelt_band_is_suggested_never_guessed(tmp_path: Path) -> None:
    path = trust(tmp_path, staff=[*STAFF[:2], staff("S03", "Pakistani", "Bnad 8a", "yes"), *STAFF[3:]])
    p = _one_error(path)
    assert p.message == '"Bnad 8a" is not a pay band' and p.fix.startswith('did you mean "Band 8a"?')


def test_a_band_wres_does_not_know_can_be_mapped_where_bands_are_the_standards_labels(tmp_path: Path) -> None:
    """The web offers its mapping pages for a problem an import mapping can put right: an NHS band spelling is
    one (the values page lists the standard's bands); a council's band comes from its salary, so it is not."""
    nhs = _one_error(trust(tmp_path, staff=[*STAFF[:2], staff("S03", "Pakistani", "Non AfC Grade", "yes"), *STAFF[3:]]))
    assert nhs.column == "pay_band" and nhs.mappable
    council = write_return(tmp_path / "council", {"staff": [{**person("S1"), "pay_band": "Grade 7"}]})
    said = [p for p in pipeline.check(council) if p.column == "pay_band" and p.severity == "error"]
    assert said and not any(p.mappable for p in said)


ESR_BANDS = {"Band 5": "Band 05", "Band 6": "AfC Band 6", "Band 2": "Agenda for Change Band 2", "Band 7": "Band 07",
             "Consultant": "Medical Consultant", "VSM": "Very Senior Manager"}


def test_bands_as_esr_and_hr_systems_write_them_are_their_bands(tmp_path: Path) -> None:
    """"Band 05", "AfC Band 6", "Band 8 - Range A", a medical grade by its own name ("Specialty Doctor",
    "Foundation Year 1"), "Non-Executive Director": each is the standard's band (nhs-wres.toml lists them), and
    the return counts as the one written in the labels."""
    from wres import validate

    band = validate._band_lookup(None, standards.load("nhs-wres"))
    assert [band(v) for v in ("Band 8 - Range A", "Band 8 Range C", "band 09", "Specialty Doctor", "Associate Specialist",
                              "Foundation Year 1", "Specialty Registrar", "Non-Executive Director")] == [
        "Band 8a", "Band 8c", "Band 9", "Career grade", "Career grade", "Trainee grade", "Trainee grade", "Board (non-executive)"]
    assert [band(v) for v in ("Core Training", "CT2", "ST4", "Foundation Doctor", "Specialty Registrar (StR)")] == ["Trainee grade"] * 5
    assert band("Band 10") is None and band("Non AfC Grade") is None
    esr = [{**r, "pay_band": ESR_BANDS.get(r["pay_band"], r["pay_band"])} for r in STAFF]
    esr = [{**r, "pay_band": "Non-executive director"} if r["pay_band"] == "Board (non-executive)" else r for r in esr]
    assert esr != STAFF
    assert pipeline.load(trust(tmp_path / "esr", staff=esr)).counts.cells == pipeline.load(trust(tmp_path / "labels")).counts.cells


def test_a_clinical_value_not_yes_or_no_is_refused_in_the_standards_words(tmp_path: Path, cli: Any) -> None:
    path = trust(tmp_path, staff=[*STAFF[:3], staff("S04", "Caribbean", "Band 2", "maybe"), *STAFF[4:]])
    p = _one_error(path)
    assert (p.column, p.rows) == ("clinical", (5,))
    assert p.message == '"maybe" is not yes (clinical) or no (non-clinical)'
    assert "yes (clinical staff) or no (non-clinical staff)" in p.fix and "adults" not in p.fix
    _refused(path, cli, tmp_path)


@pytest.mark.parametrize(("column", "value", "scale"), [
    ("equal_opportunities", "Sometimes", "Yes, No, Don't know"),
    ("discrimination_colleagues", "Don't know", "Yes, No"),  # this question has no "don't know"
    ("harassment_public", "Often", "Never, 1-2, 3-5, 6-10, More than 10"),
])
def test_an_answer_not_on_the_questions_scale_is_refused_with_the_scale(tmp_path: Path, cli: Any, column: str, value: str, scale: str) -> None:
    path = trust(tmp_path, survey=[SURVEY[0], {**SURVEY[1], column: value}, *SURVEY[2:]])
    p = _one_error(path)
    assert (p.file, p.column, p.rows, p.message) == ("survey.csv", column, (3,), f'"{value}" is not on the survey scale')
    assert f"use one of {scale};" in p.fix
    _refused(path, cli, tmp_path)


def test_a_near_answer_is_suggested(tmp_path: Path) -> None:
    p = _one_error(trust(tmp_path, survey=[SURVEY[0], {**SURVEY[1], "harassment_public": "Nevr"}, *SURVEY[2:]]))
    assert p.fix.startswith('did you mean "Never"?')


@pytest.mark.parametrize(("file", "column"), [
    ("staff", "board_executive"), ("staff", "clinical"), ("staff", "pay_band"), ("recruitment", "appointed"),
    ("disciplinary", "date"), ("training", "date"), ("survey", "equal_opportunities"),
])
def test_a_missing_column_is_named(tmp_path: Path, cli: Any, file: str, column: str) -> None:
    rows = [{k: v for k, v in r.items() if k != column} for r in nhs_files()[file]]
    p = _one_error(trust(tmp_path, **{file: rows}))
    assert (p.file, p.column, p.message) == (f"{file}.csv", column, f"has no column {column}")
    _refused(tmp_path / "trust", cli, tmp_path)


def test_an_sc_wres_staff_file_in_an_nhs_return_says_which_standard_it_is_for(tmp_path: Path, cli: Any) -> None:
    sc_staff = [{"staff_id": f"S{i}", "ethnicity": "Indian", "service": "adults", "senior_manager": "no",
                 "registered_professional": "no", "annual_salary": 30000} for i in range(3)]
    path = trust(tmp_path, staff=sc_staff)
    found = errors(path)
    assert {p.message for p in found} == {f"has no column {c}" for c in ("pay_band", "clinical", "board_voting", "board_executive")}
    assert all('write standard = "sc-wres"' in p.fix for p in found)
    _refused(path, cli, tmp_path)


def test_an_sc_wres_file_the_nhs_wres_has_not_is_said_to_be_unread(tmp_path: Path) -> None:
    path = trust(tmp_path, leavers=[{"ethnicity": "Indian", "service": "adults", "date": "2024-06-01"}])
    said = [p for p in pipeline.check(path) if p.file == "leavers.csv"]
    assert [(p.severity, p.message) for p in said] == [("warning", "is not one of the NHS WRES files, so it is not read")]


def test_an_unknown_standard_names_the_known_ones(tmp_path: Path, cli: Any) -> None:
    path = trust(tmp_path, org={**NHS_ORG, "standard": "nhs"})
    p = _one_error(path)
    assert p.file == "organisation.toml" and '"nhs"' in p.message
    assert '"nhs-wres"' in p.fix and '"sc-wres"' in p.fix
    _refused(path, cli, tmp_path)


def test_pay_bands_in_an_nhs_organisation_toml_are_not_used(tmp_path: Path) -> None:
    path = trust(tmp_path, org={**NHS_ORG, "pay_bands": [{"label": "low", "below": 30000}, {"label": "high"}]})
    warned = [p for p in pipeline.check(path) if "pay_bands" in p.message]
    assert len(warned) == 1 and warned[0].severity == "warning"
    assert pipeline.load(path).counts.bands[0] == "Band 1"


# --- counts.csv: out and back ------------------------------------------------------------------------------

def test_counts_csv_of_an_nhs_return_reads_back_the_same(tmp_path: Path, cli: Any) -> None:
    path = trust(tmp_path)
    out = tmp_path / "counts.csv"
    assert cli("counts", path, "-o", out).code == 0
    again = write_return(tmp_path / "aggregate", {}, org=NHS_ORG)
    (again / "counts.csv").write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    back = pipeline.load(again)
    assert back.counts.cells == pipeline.load(path).counts.cells and back.counts.standard.id == "nhs-wres"


@pytest.mark.parametrize(("row", "word"), [
    ("M3,all,,bme,1,10", '"M3" is not a metric id'),
    ("3,clinical,,bme,1,10", "counted for the whole trust"),  # indicator 3 is not broken down
    ("1,all,Band 5,bme,1,10", '"all" is not a service'),  # indicator 1's total is computed, never stored
    ("3,all,,Asian,1,10", '"Asian" is not a group'),  # a category: its count is not its group's ("Minority ethnic" is BME)
    ("1,clinical,Band 10,bme,1,10", '"Band 10" is not a NHS WRES pay band'),
    ("9,all,,bme,1,10", "needs one of its bands"),
    ("2,all,,bme,5,4", "larger than denominator"),
])
def test_a_bad_nhs_counts_row_is_named_in_the_standards_words(tmp_path: Path, row: str, word: str) -> None:
    again = write_return(tmp_path / "aggregate", {}, org=NHS_ORG)
    (again / "counts.csv").write_text("metric,service,band,group,numerator,denominator\n2,all,,white,3,9\n" + row + "\n", encoding="utf-8")
    found = errors(again)
    assert len(found) == 1 and word in found[0].message and found[0].rows == (3,), [(p.message, p.rows) for p in found]


# --- property: any NHS return's own counts.csv reads back as its counts ----------------------------------

BANDS = [b.label for b in standards.load("nhs-wres").default_bands] + ["Board (non-executive)"]
ETHNICITIES = ["Indian", "African", "White British", "Irish", "Not stated", None, "Mixed"]
YES_NO = ["yes", "no"]


@st.composite
def nhs_return(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 30))
    people = [staff(f"S{i}", draw(st.sampled_from(ETHNICITIES)), draw(st.sampled_from(BANDS)), draw(st.sampled_from(YES_NO)),
                    draw(st.sampled_from(YES_NO)), draw(st.sampled_from(YES_NO))) for i in range(n)]
    ids = st.sampled_from([p["staff_id"] for p in people] + [None])
    events = [{"ethnicity": draw(st.sampled_from(ETHNICITIES)), "date": "2024-07-01", "staff_id": draw(ids)} for _ in range(draw(st.integers(0, 8)))]
    training = [{"ethnicity": draw(st.sampled_from(ETHNICITIES)), "date": "2024-08-01", "staff_id": draw(ids)} for _ in range(draw(st.integers(0, 8)))]
    applicants = []
    for i in range(draw(st.integers(0, 12))):
        short = draw(st.sampled_from(YES_NO))
        applicants.append({"applicant_id": f"A{i}", "ethnicity": draw(st.sampled_from(ETHNICITIES)), "shortlisted": short,
                           "appointed": draw(st.sampled_from(YES_NO)) if short == "yes" else "no", "date": "2024-06-01"})
    answers = {"harassment_public": ["Never", "1-2", "More than 10", None], "harassment_managers": ["Never", "3-5", None],
               "harassment_colleagues": ["Never", "6-10", None], "equal_opportunities": ["Yes", "No", "Don't know", None],
               "discrimination_colleagues": ["Yes", "No", None]}
    survey = [{"respondent_id": f"R{i}", "ethnicity": draw(st.sampled_from(ETHNICITIES)), **{q: draw(st.sampled_from(a)) for q, a in answers.items()}}
              for i in range(draw(st.integers(0, 12)))]
    files: dict[str, Any] = {"staff": people}
    for name, rows in (("disciplinary", events), ("training", training), ("recruitment", applicants), ("survey", survey)):
        if rows:
            files[name] = rows
    return files


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(files=nhs_return())
def test_an_nhs_returns_counts_csv_reads_back_as_its_counts(files: dict[str, Any], cli: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        records = write_return(Path(tmp) / "records", files, org=NHS_ORG)
        out = Path(tmp) / "counts.csv"
        run = cli("counts", records, "-o", out)
        assert run.code == 0, run.stdout + run.stderr
        aggregate = write_return(Path(tmp) / "aggregate", {}, org=NHS_ORG)
        (aggregate / "counts.csv").write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
        mine, back = pipeline.load(records).counts, pipeline.load(aggregate).counts
        assert back.cells == mine.cells and back.bands == mine.bands and back.standard == mine.standard
        assert back.to_csv() == mine.to_csv()


def test_a_workbook_return_says_its_standard_on_its_organisation_sheet(tmp_path: Path) -> None:
    """A workbook stands for the folder: the organisation sheet's `standard` row chooses the NHS WRES."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "organisation"
    for row in (("standard", "nhs-wres"), ("name", "Test NHS Trust"), ("period_start", "2024-04-01"), ("period_end", "2025-03-31")):
        ws.append(row)  # no heading row: the first row is a setting
    for name, rows in nhs_files().items():
        sheet = wb.create_sheet(name)
        columns = list(rows[0])
        sheet.append(columns)
        for r in rows:
            sheet.append([r[c] for c in columns])
    (tmp_path / "trust").mkdir()
    wb.save(tmp_path / "trust" / "return.xlsx")
    loaded = pipeline.load(tmp_path / "trust" / "return.xlsx")
    assert loaded.organisation.standard_id == "nhs-wres"
    assert {k: loaded.counts.get(*k) for k in BY_HAND} == BY_HAND


# --- the Staff Survey's published results beside the records ------------------------------------------------

SURVEY_HEADER = "metric,service,band,group,numerator,denominator\n"


def _survey_figures(rows: str) -> str:
    return SURVEY_HEADER + rows


def test_the_staff_surveys_figures_as_counts_beside_the_records_are_its_survey(tmp_path: Path, cli: Any) -> None:
    """A trust has the Staff Survey's results, not its respondents: counts.csv holding indicators 5 to 8 only,
    beside the record files, gives those, and the records the rest, as if survey.csv had been there. The
    results as the survey publishes them, percentages of the respondents, give the same counts."""
    with_answers = pipeline.load(trust(tmp_path / "a"))
    by_hand = "".join(f"{m},all,,{g},{n},{d}\n" for (m, s, b, g), (n, d) in BY_HAND.items() if m in "5678")
    path = trust(tmp_path / "b", survey=None)
    (path / "counts.csv").write_text(_survey_figures(by_hand), encoding="utf-8")
    assert errors(path) == [] and not any("is not read" in p.message for p in pipeline.check(path))
    got = pipeline.load(path)
    assert got.counts.cells == with_answers.counts.cells and not got.from_counts_file
    published = "".join(f"{m},all,,{g},{100 * n / d:.1f}%,{d}\n" for (m, s, b, g), (n, d) in BY_HAND.items() if m in "5678")
    (path / "counts.csv").write_text(_survey_figures(published), encoding="utf-8")
    assert pipeline.load(path).counts.cells == with_answers.counts.cells
    assert cli("report", path, "-o", tmp_path / "report").code == 0  # the report of such a return is written whole


def test_the_surveys_percentages_typed_into_excel_read_as_percentages(tmp_path: Path) -> None:
    """Typing 27.5% into Excel stores 0.275 and shows it as a percentage: the counts sheet reads such a cell as
    Excel shows it, so the survey's published results typed into a workbook give the respondents they are."""
    import openpyxl

    with_answers = pipeline.load(trust(tmp_path / "a"))
    path = trust(tmp_path / "b", survey=None)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "counts"
    ws.append(SURVEY_HEADER.strip().split(","))
    for (m, s, b, g), (n, d) in BY_HAND.items():
        if m in "5678":
            ws.append([m, "all", None, g, n / d, d])
            ws.cell(ws.max_row, 5).number_format = "0.0%"
    ws.append(["5", "all", None, "white", 0.5, 10])  # a cell Excel shows as 0.5, not a percentage, is not read as one
    wb.save(path / "counts.xlsx")
    assert [p.message for p in errors(path)] == ['"0.5" is not a whole number of people']
    ws.delete_rows(ws.max_row)
    wb.save(path / "counts.xlsx")
    assert errors(path) == []
    assert pipeline.load(path).counts.cells == with_answers.counts.cells


def test_a_whole_trust_indicators_blank_service_is_the_whole_trust(tmp_path: Path) -> None:
    """Indicators 5 to 8 are counted for the whole trust only: a row typed with its service blank is of the whole
    trust (the only way it is counted), as "all" is; any other service is still refused."""
    path = trust(tmp_path, survey=None)
    (path / "counts.csv").write_text(_survey_figures("5,,,bme,1,3\n5,all,,white,2,5\n"), encoding="utf-8")
    assert errors(path) == [] and pipeline.load(path).counts.cells[("5", "all", "", "bme")] == (1, 3)
    (path / "counts.csv").write_text(_survey_figures("5,clinical,,bme,1,3\n5,all,,white,2,5\n"), encoding="utf-8")
    assert [p.message for p in errors(path)] == ["5 is counted for the whole trust, not by clinical"]


def test_a_survey_percentage_no_whole_number_of_respondents_gives_is_said(tmp_path: Path) -> None:
    """29.8% of 203 is 60.49 people: read as 60, shown as 29.6%, not the published figure. A weighted result, or
    the wrong base: said (the figures in the fix, since a warning is published), and read to the nearest person."""
    path = trust(tmp_path, survey=None)
    (path / "counts.csv").write_text(_survey_figures("5,all,,bme,29.8%,203\n5,all,,white,27.5%,636\n"), encoding="utf-8")
    (said,) = [p for p in pipeline.check(path) if "whole number" in p.message]
    assert (said.severity, said.rows, said.column) == ("warning", (2,), "numerator")
    assert "29.8% of 203 is 60.49 people: read as 60, 29.6%" in said.fix and "203" not in said.message
    assert pipeline.load(path).counts.cells[("5", "all", "", "bme")] == (60, 203)


@pytest.mark.parametrize(("rows", "word"), [
    ("5,all,,bme,120%,3\n", '"120%" is more than 100%'),
    ("5,all,,bme,0.33,3\n", 'with its % sign ("27.5%")'),  # an Excel percentage cell read as its number
    ("5,all,,bme,33%,\n", "denominator is blank write how many answered the question (the survey's results give it as n or base)"),
])
def test_a_survey_percentage_that_cannot_be_a_share_of_its_respondents_is_refused(tmp_path: Path, rows: str, word: str) -> None:
    path = trust(tmp_path, survey=None)
    (path / "counts.csv").write_text(_survey_figures(rows), encoding="utf-8")
    found = errors(path)
    assert len(found) == 1 and word in f"{found[0].message} {found[0].fix}" and found[0].file == "counts.csv", [(p.message, p.fix) for p in found]
    with pytest.raises(InvalidInput):
        pipeline.load(path)


def test_survey_figures_beside_survey_answers_or_among_other_counts_are_said(tmp_path: Path) -> None:
    """Both the answers and the figures of one survey: which to read is the trust's choice, so an error. A
    percentage of any other indicator's counts is refused (those are counted, not published results); a
    counts.csv of other indicators too is the whole return, as before, and the records beside it are not read."""
    path = trust(tmp_path / "both")
    (path / "counts.csv").write_text(_survey_figures("5,all,,bme,1,3\n5,all,,white,2,5\n"), encoding="utf-8")
    assert [p.message for p in errors(path)] == ["gives the staff survey's figures, and so does survey.csv"]
    path = trust(tmp_path / "other", survey=None)
    (path / "counts.csv").write_text(_survey_figures("5,all,,bme,1,3\n3,all,,bme,10%,6\n"), encoding="utf-8")
    assert [p.message for p in errors(path)] == ['"10%" is a percentage']
    assert any(p.message.startswith("is not read: this return also holds counts.csv") and "survey's metrics alone" in p.fix
               for p in pipeline.check(path))
