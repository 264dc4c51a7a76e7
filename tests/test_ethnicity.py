"""Ethnicity as councils' systems write it: every label set in use in England since 2001, without a map.

The expectations are written out by hand from the sources (ONS census 2021, 2011, 2001 questions and
outputs; NHS Data Dictionary ethnic category codes), not derived from data/ethnicity_labels.csv, so a row
missing or misfiled in the table fails here. Then: spellings that are not recognised get the nearest
labels suggested (never classified by it), `wres validate --write-map` writes a ready-to-edit map, and a
realistic export in HR-system labels gives the same counts as the same return in the contract's labels.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import ORG, person, write_return, write_toml
from wres import ethnicity, pipeline
from wres.ethnicity import Label, _build, classify, suggest

ME, W, U = "minority_ethnic", "white", "unknown"

ONS_2021 = {  # as the census outputs write them, "Heading: label"
    "White: English, Welsh, Scottish, Northern Irish or British": W,
    "White: Irish": W,
    "White: Gypsy or Irish Traveller": W,
    "White: Roma": W,
    "White: Other White": W,
    "Mixed or Multiple ethnic groups: White and Asian": ME,
    "Mixed or Multiple ethnic groups: White and Black African": ME,
    "Mixed or Multiple ethnic groups: White and Black Caribbean": ME,
    "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups": ME,
    "Asian, Asian British or Asian Welsh: Bangladeshi": ME,
    "Asian, Asian British or Asian Welsh: Chinese": ME,
    "Asian, Asian British or Asian Welsh: Indian": ME,
    "Asian, Asian British or Asian Welsh: Pakistani": ME,
    "Asian, Asian British or Asian Welsh: Other Asian": ME,
    "Black, Black British, Black Welsh, Caribbean or African: African": ME,
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean": ME,
    "Black, Black British, Black Welsh, Caribbean or African: Other Black": ME,
    "Other ethnic group: Arab": ME,
    "Other ethnic group: Any other ethnic group": ME,
}
ONS_2021_QUESTION = {  # as the England questionnaire words the tick boxes, with its headings
    "English, Welsh, Scottish, Northern Irish or British": W,
    "Irish": W,
    "Gypsy or Irish Traveller": W,
    "Roma": W,
    "Any other White background": W,
    "Any other Mixed or Multiple ethnic background": ME,
    "Any other Asian background": ME,
    "Black, Black British, Caribbean or African: African": ME,
    "Any other Black, Black British, or Caribbean background": ME,
    "Arab": ME,
    "Any other ethnic group": ME,
}
ONS_2011 = {
    "White: English/Welsh/Scottish/Northern Irish/British": W,
    "White: Irish": W,
    "White: Gypsy or Irish Traveller": W,
    "White: Any other White background": W,
    "Mixed/multiple ethnic groups: White and Black Caribbean": ME,
    "Mixed/multiple ethnic groups: White and Black African": ME,
    "Mixed/multiple ethnic groups: White and Asian": ME,
    "Mixed/multiple ethnic groups: Any other Mixed/multiple ethnic background": ME,
    "Asian/Asian British: Indian": ME,
    "Asian/Asian British: Pakistani": ME,
    "Asian/Asian British: Bangladeshi": ME,
    "Asian/Asian British: Chinese": ME,
    "Asian/Asian British: Any other Asian background": ME,
    "Black/African/Caribbean/Black British: African": ME,
    "Black/African/Caribbean/Black British: Caribbean": ME,
    "Black/African/Caribbean/Black British: Any other Black/African/Caribbean background": ME,
    "Other ethnic group: Arab": ME,
    "Other ethnic group: Any other ethnic group": ME,
    "English/Welsh/Scottish/Northern Irish/British": W,
    "Any other Mixed/multiple ethnic background": ME,
    "Any other Black/African/Caribbean background": ME,
}
ONS_2001 = {  # the outputs' short labels, then the question's "Heading: label"
    "White British": W,
    "White Irish": W,
    "Other White": W,
    "Mixed White and Black Caribbean": ME,
    "Mixed White and Black African": ME,
    "Mixed White and Asian": ME,
    "Other Mixed": ME,
    "Indian": ME,
    "Pakistani": ME,
    "Bangladeshi": ME,
    "Other Asian": ME,
    "Black Caribbean": ME,
    "Black African": ME,
    "Other Black": ME,
    "Chinese": ME,
    "Other ethnic group": ME,
    "White: British": W,
    "White: Any other White background": W,
    "Mixed: Any other Mixed background": ME,
    "Asian or Asian British: Indian": ME,
    "Asian or Asian British: Any other Asian background": ME,
    "Black or Black British: Caribbean": ME,
    "Black or Black British: Any other Black background": ME,
    "Chinese or other ethnic group: Chinese": ME,
    "Chinese or other ethnic group: Any other ethnic group": ME,
}
NHS = {  # NHS Data Dictionary ETHNIC CATEGORY: code, label
    "A": ("White - British", W),
    "B": ("White - Irish", W),
    "C": ("White - Any other White background", W),
    "D": ("Mixed - White and Black Caribbean", ME),
    "E": ("Mixed - White and Black African", ME),
    "F": ("Mixed - White and Asian", ME),
    "G": ("Mixed - Any other mixed background", ME),
    "H": ("Asian or Asian British - Indian", ME),
    "J": ("Asian or Asian British - Pakistani", ME),
    "K": ("Asian or Asian British - Bangladeshi", ME),
    "L": ("Asian or Asian British - Any other Asian background", ME),
    "M": ("Black or Black British - Caribbean", ME),
    "N": ("Black or Black British - African", ME),
    "P": ("Black or Black British - Any other Black background", ME),
    "R": ("Other Ethnic Groups - Chinese", ME),
    "S": ("Other Ethnic Groups - Any other ethnic group", ME),
    "Z": ("Not stated", U),
    "99": ("Not known", U),
}
NOT_STATED = (
    "Not stated", "Not declared", "Prefer not to say", "Prefer not to state", "Not known", "Unknown", "Declined",
    "Refused", "Information refused", "Not given", "Z", "99", "Not Stated (Z)", "Z - Not stated", "Not Known (99)",
    "I do not wish to disclose my ethnic origin", "Do not wish to declare", "Not disclosed", "N/K",
)
BROAD = {
    "White": W, "Mixed": ME, "Asian": ME, "Black": ME, "Other": ME, "Mixed or Multiple ethnic groups": ME,
    "Asian, Asian British or Asian Welsh": ME, "Asian or Asian British": ME, "Black or Black British": ME,
    "Black, Black British, Caribbean or African": ME, "Other ethnic group": ME, "Any other ethnic group": ME,
    "minority_ethnic": ME, "Minority ethnic": ME, "BME": ME, "BAME": ME, "unknown": U,
}
GOVUK = {  # GOV.UK Design System, equality information pattern: the wording of many council forms
    "White: Other White background": W,
    "Other White background": W,
    "Mixed or multiple ethnic groups: Other mixed or multiple ethnic background": ME,
    "Asian or Asian British: Other Asian or Asian British background": ME,
    "Black, African, Caribbean or Black British": ME,
    "Black, African, Caribbean or Black British: African": ME,
    "Black, African, Caribbean or Black British: Other Black, African or Caribbean background": ME,
    "Any other Black, African or Caribbean background": ME,
}
SEEN_ELSEWHERE = {  # value lists in public code we did not write: research extracts, FHIR value sets
    "White - Other": W, "Mixed - White/Black Caribbean": ME, "Mixed - White/Black African": ME, "Mixed - White/Asian": ME,
    "Mixed - Other": ME, "Asian or Asian British - Other": ME, "Black or Black British - Other": ME,
    "White English, Welsh, Scottish, Northern Irish or British": W, "White - Any other White Background": W,
    "Gypsy/Traveller/ Irish Traveller": W, "Black or African or Caribbean or Black British: African": ME,
    "Mixed multiple ethnic groups: White and Asian": ME, "Other ethnic groups - Chinese": ME, "Not Given": U, "Not Specified": U,
}
OTHERS_WHITE = ("White Irish", "Irish", "Gypsy", "Roma", "Traveller", "White other", "White - Other", "Other White",
                "Any other White background", "White Gypsy/Traveller", "White Scottish", "White English")


def _all_expected() -> dict[str, str]:
    out: dict[str, str] = {**ONS_2021, **ONS_2021_QUESTION, **ONS_2011, **ONS_2001, **GOVUK, **SEEN_ELSEWHERE, **BROAD}
    for label, group in ONS_2021.items():
        out[label.split(": ", 1)[1]] = group  # without the heading
    for label, group in ONS_2011.items():
        out[label.split(": ", 1)[-1]] = group
    for code, (label, group) in NHS.items():
        bare = label.split(" - ", 1)[-1]
        out |= {code: group, label: group, f"{code} {label}": group, f"{code} - {label}": group,
                f"{code}: {bare}" if group != U else f"{code} {label}": group, f"{label} ({code})": group,
                f"{code} - {label.replace(' - ', ' ')}": group}
    out |= {v: U for v in NOT_STATED}
    out |= {v: W for v in OTHERS_WHITE}
    return out


EXPECTED = _all_expected()


def test_every_label_of_every_set_has_its_group() -> None:
    wrong = {v: (classify(v), g) for v, g in EXPECTED.items() if classify(v) != g}
    assert not wrong, wrong
    assert len(EXPECTED) > 200


@pytest.mark.parametrize("value, group", [
    ("A White - British", W), ("A - White British", W), ("A: British", W), ("N Black or Black British - African", ME),
    ("White British", W), ("Black African", ME), ("Other Asian", ME), ("White Irish", W),
    ("Mixed White and Black Caribbean", ME), ("Chinese", ME), ("Asian/Asian British: Indian", ME),
    ("White: English/Welsh/Scottish/Northern Irish/British", W), ("Black/African/Caribbean/Black British: African", ME),
    ("Mixed/multiple ethnic groups: White and Asian", ME), ("Other ethnic group: Arab", ME),
    ("I do not wish to disclose", U), ("I do not wish to say", U),
])
def test_the_issues_examples(value: str, group: str) -> None:
    assert classify(value) == group


@pytest.mark.parametrize("value", [
    "asian/asian british: indian", "ASIAN / ASIAN BRITISH : INDIAN", "Asian - Asian British - Indian",
    "Asian, Asian British, Indian", "  Asian/Asian  British:Indian ", "Asian/Asian British – Indian",  # en dash, as Word types it
    "Asian\tor Asian British - Indian", "H", "h", " H Asian or Asian British - Indian ", "Indian (H)", "Asian: Indian",
])
def test_separators_case_and_spacing_do_not_count(value: str) -> None:
    assert classify(value) == ME


@pytest.mark.parametrize("value", [
    "White and Black Caribbean",  # Mixed, not White
    "Black British", "Mixed race", "Arab", "Any other ethnic group", "Other",
    # as council HR forms write them
    "Black/Black British: Caribbean", "Black/Black British - African", "Mixed/Multiple: White and Asian", "Other Mixed background",
    "Any other ethnic background", "Other ethnic group: Other ethnic background",
])
def test_mixed_and_other_forms_are_minority_ethnic(value: str) -> None:
    assert classify(value) == ME


@pytest.mark.parametrize("value", ["Martian", "British Martian", "EWB", "X", "N/A", "White Martian", "Whte British", "0",
                                   # a national identity alone is no ethnic group ("British" may be Black British)
                                   "British", "English", "Welsh", "Scottish", "Northern Irish"])
def test_anything_else_is_not_recognised(value: str) -> None:
    assert classify(value) is None


@pytest.mark.parametrize("value, group", [
    # ESR's ethnic origin: the NHS subcategories, each with its two-character code (nhs_local in the table)
    ("C2 White - Northern Irish", W), ("CA White - English", W), ("CP White - Polish", W), ("CP", W),
    ("GF Mixed - Other/Unspecified", ME), ("LH Asian - British", ME), ("PD Black - British", ME), ("SC Filipino", ME),
    # a subcategory worded as another system words it: the code and its category's heading say the group
    ("CX White - Mixed", W), ("CY White - Other European", W), ("C White - Other European", W), ("LK Asian - Kashmiri", ME),
    ("White Polish", W), ("Black: Nigerian", ME),
    # as council HR systems write them
    ("White - Eastern European", W), ("White European", W), ("White - Other European", W), ("Romany", W), ("Gypsy/Romany", W),
    ("Any Other Ethnic Group - Arab", ME), ("Declined to specify", U),
    # "any other" in its group's words, without the census's "background", or after its heading
    ("Any other Asian", ME), ("Any other Black", ME), ("Any other Mixed", ME), ("Any other White", W), ("White - Any other", W),
    ("Asian - Any Other", ME), ("Black - any other", ME), ("Mixed: Any other", ME), ("Other - Any other", ME),
    ("Other Asian background", ME), ("Other Black background", ME), ("Other White background", W),
    # the census's "Other ... ethnic background" as survey tools and GOV.UK's style shorten it
    ("Other Mixed/Multiple ethnic background", ME), ("Other mixed/multiple background", ME), ("Other Mixed ethnic background", ME),
    ("Other Asian ethnic background", ME), ("Other Black/African/Caribbean background", ME), ("Other White ethnic background", W),
    ("Mixed: Any other Mixed or Multiple background", ME), ("Black - Other Black/African/Caribbean background", ME),
    # the heading after its label, in brackets, as some HR systems list them
    ("Indian (Asian or Asian British)", ME), ("White and Black Caribbean (Mixed)", ME), ("British (White)", W),
    ("Irish (White)", W), ("Any other White background (White)", W), ("Arab (Other ethnic group)", ME), ("Polish (White)", W),
])
def test_nhs_subcategories_as_esr_writes_them(value: str, group: str) -> None:
    assert classify(value) == group


@pytest.mark.parametrize("value", [
    "Polish", "Filipino", "Other/Unspecified",  # a subcategory's words alone: never (which category's "Other"?)
    "European", "Eastern European", "Other European",  # a continental identity alone, as a national one, says no group
    "Any other", "Any other background",  # which group's?
    "CA Black - Caribbean", "PD White - British", "XX White", "A Black",  # a code and another category's heading
    "British (Asian or Asian British)(White)", "Indian (White)", "Caribbean (White)",  # a heading in brackets is its label's own
])
def test_an_nhs_subcategory_is_recognised_only_by_its_code_or_heading(value: str) -> None:
    assert classify(value) is None


def test_blank_is_unknown_and_a_local_code_wins() -> None:
    assert classify("") == U and classify("  ") == U and classify(None) == U
    mapping = {"ewb": "White British", "a": "Indian", "xx": ""}
    assert classify("EWB", mapping) == W and classify("e wb", mapping) == W
    assert classify("A", mapping) == ME  # the authority's own code, not the NHS's
    assert classify("XX", mapping) is None  # mapped to nothing: still to be filled in


def test_no_key_belongs_to_two_groups() -> None:
    assert ethnicity.COLLISIONS == {}
    assert set(ethnicity.CLASSIFICATION.values()) == {ME, W, U}
    # and the check would catch one: "Other" under White would make the broad "Other" white and minority
    bad = ethnicity.labels() + [Label("common", "", "White", "White", "Other", "white")]
    groups = _build(bad).groups
    assert groups[ethnicity.key("Other")] == {ME, W}


def test_the_table_names_its_sources() -> None:
    text = ethnicity.TABLE.read_text(encoding="utf-8")
    for source in ("Census 2021", "Census 2011", "Census 2001", "NHS Data Dictionary", "ETHNIC CATEGORY"):
        assert source in text
    assert {r.label_set for r in ethnicity.labels()} == set(ethnicity.LABEL_SETS)


def test_classifying_a_spelling_is_fast() -> None:
    spellings = [f"{v} {i}" for i in range(200) for v in EXPECTED][:50_000]
    start = time.perf_counter()
    for s in spellings:
        classify(s)
    assert time.perf_counter() - start < 1.0  # 50,000 distinct spellings (a return has tens)


# --- suggestions --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, first", [
    ("Carribean", "Caribbean"), ("Pakistanti", "Pakistani"), ("Whte British", "White British"),
    ("Bangaldeshi", "Bangladeshi"), ("Indain", "Indian"), ("Black Afican", "Black African"),
    ("Not Stataed", "Not stated"), ("Prefer not too say", "Prefer not to say"),
])
def test_a_misspelling_gets_the_nearest_label(value: str, first: str) -> None:
    assert classify(value) is None  # suggested, never classified
    assert suggest(value)[0] == first


@pytest.mark.parametrize("value", ["Martian", "Klingon", "xyz", "EWB", "12345", "?", "Q"])
def test_garbage_gets_no_suggestion(value: str) -> None:
    assert suggest(value) == []


STAFF = [  # (as an HR system exports it, the contract's ONS 2021 label, service, senior, registered, salary)
    ("White British", "English, Welsh, Scottish, Northern Irish or British", "adults", "no", "no", 28000),
    ("White British", "English, Welsh, Scottish, Northern Irish or British", "adults", "yes", "no", 72000),
    ("White British", "English, Welsh, Scottish, Northern Irish or British", "children", "no", "yes", 36000),
    ("A White - British", "English, Welsh, Scottish, Northern Irish or British", "children", "no", "yes", 41000),
    ("A", "English, Welsh, Scottish, Northern Irish or British", "adults", "no", "no", 24000),
    ("White: English/Welsh/Scottish/Northern Irish/British", "English, Welsh, Scottish, Northern Irish or British", "children", "yes", "no", 75000),
    ("White Irish", "Irish", "adults", "no", "yes", 38000),
    ("B", "Irish", "children", "no", "no", 26000),
    ("Other White", "Any other White background", "adults", "no", "yes", 33000),
    ("Gypsy/Traveller", "Gypsy or Irish Traveller", "adults", "no", "no", 22000),
    ("Black African", "African", "adults", "no", "yes", 34000),
    ("Black African", "African", "children", "no", "yes", 35000),
    ("N Black or Black British - African", "African", "adults", "no", "no", 23000),
    ("N", "African", "children", "no", "no", 25000),
    ("Black/African/Caribbean/Black British: Caribbean", "Caribbean", "adults", "yes", "yes", 71000),
    ("Black Caribbean", "Caribbean", "children", "no", "no", 27000),
    ("Asian/Asian British: Indian", "Indian", "adults", "no", "yes", 39000),
    ("H", "Indian", "children", "no", "no", 29000),
    ("Pakistani", "Pakistani", "adults", "no", "no", 21000),
    ("K Asian or Asian British - Bangladeshi", "Bangladeshi", "children", "no", "yes", 37000),
    ("Chinese", "Chinese", "adults", "no", "no", 31000),
    ("Mixed White and Black Caribbean", "White and Black Caribbean", "children", "no", "no", 26500),
    ("Mixed/multiple ethnic groups: White and Asian", "White and Asian", "adults", "no", "yes", 40000),
    ("Other ethnic group: Arab", "Arab", "adults", "no", "no", 30500),
    ("Other Asian", "Any other Asian background", "children", "no", "no", 28500),
    ("Not Stated (Z)", "Not stated", "adults", "no", "no", 27500),
    ("Prefer not to say", "Not stated", "children", "no", "yes", 42000),
    ("Information refused", "Not stated", "adults", "no", "no", 24500),
    ("99", "Not stated", "children", "no", "no", 25500),
    ("", "", "adults", "no", "no", 26000),
]
LEAVERS = [  # staff_id, as exported, as the contract has it
    ("S1", "White British", "English, Welsh, Scottish, Northern Irish or British"),
    ("S10", "N", "African"),
    ("S16", "H Asian or Asian British - Indian", "Indian"),
    ("S24", "Other ethnic group - Any other ethnic group", "Any other ethnic group"),
    ("S25", "Declined", "Not stated"),
    ("S2", "", ""),  # blank: taken from staff.csv
]
SURVEY = [  # as exported, as the contract has it, an answer
    ("White - British", "English, Welsh, Scottish, Northern Irish or British", "Never"),
    ("White British", "English, Welsh, Scottish, Northern Irish or British", "1-2"),
    ("Black or Black British: African", "African", "3-5"),
    ("Asian / Asian British - Pakistani", "Pakistani", "Never"),
    ("Mixed - Any other mixed background", "Any other Mixed or Multiple ethnic background", "1-2"),
    ("Prefer not to state", "Not stated", "Never"),
]


def _return(root: Path, exported: bool) -> Path:
    pick = (lambda e, c: e) if exported else (lambda e, c: c)
    staff = [person(f"S{i}", pick(e, c), s, senior=sen, registered=reg, salary=sal) for i, (e, c, s, sen, reg, sal) in enumerate(STAFF)]
    leavers = [{"staff_id": sid, "ethnicity": pick(e, c), "service": "", "date": "2024-10-01"} for sid, e, c in LEAVERS]
    recruitment = [
        {"applicant_id": f"A{i}", "ethnicity": pick(e, c), "service": s, "shortlisted": "yes", "appointed": "yes" if i % 3 == 0 else "no", "date": "2024-07-01"}
        for i, (e, c, s, *_) in enumerate(STAFF)
    ]
    survey = [
        {"respondent_id": f"R{i}", "ethnicity": pick(e, c), "service": "adults" if i % 2 else "children",
         "abuse_public": a, "abuse_colleagues": "Never", "abuse_managers": "Never"}
        for i, (e, c, a) in enumerate(SURVEY)
    ]
    return write_return(root, {"staff": staff, "leavers": leavers, "recruitment": recruitment, "survey": survey})


def test_an_export_in_hr_labels_counts_as_the_contracts_labels(tmp_path: Path) -> None:
    exported = _return(tmp_path / "export", exported=True)
    contract = _return(tmp_path / "contract", exported=False)
    assert [p for p in pipeline.check(exported) if p.severity == "error"] == []
    a, b = pipeline.load(exported), pipeline.load(contract)
    assert a.counts.cells == b.counts.cells
    # and the counts are what the labels say (M9 is senior managers over all staff): by hand,
    # white adults = rows 0, 1, 4, 6, 8, 9; minority ethnic adults = 10, 12, 14, 16, 18, 20, 22, 23
    assert a.counts.get("M9", "adults", "", "white") == (1, 6)
    assert a.counts.get("M9", "adults", "", "minority_ethnic") == (1, 8)
    assert a.counts.get("M9", "adults", "", "unknown") == (0, 3)
    assert pipeline.document(exported, internal=True).to_dict()["results"] == pipeline.document(contract, internal=True).to_dict()["results"]


# --- in validate: one problem per value, with its suggestion --------------------------------------------------

def _staff_with(tmp_path: Path, changes: dict[int, dict[str, Any]]) -> Path:
    staff = [person(f"S{i}", c, s, senior=sen, registered=reg, salary=sal) for i, (_, c, s, sen, reg, sal) in enumerate(STAFF[:12])]
    for i, change in changes.items():
        staff[i] |= change
    return write_return(tmp_path / "r", {"staff": staff})


def test_validate_suggests_in_the_fix_of_each_value(tmp_path: Path, cli: Any) -> None:
    root = _staff_with(tmp_path, {2: {"ethnicity": "Carribean"}, 5: {"ethnicity": "Carribean"}, 7: {"ethnicity": "Pakistanti"},
                                  8: {"ethnicity": "Martian"}, 9: {"service": "Adlts"}, 10: {"senior_manager": "yess"},
                                  11: {"registered_professional": "maybe"}})
    problems = {(p.column, p.message): p for p in pipeline.check(root)}
    carib = problems[("ethnicity", '"Carribean" is not a recognised ethnicity')]
    assert carib.rows == (4, 7) and carib.fix.startswith('did you mean "Caribbean"? If not, use an ONS census label')
    assert problems[("ethnicity", '"Pakistanti" is not a recognised ethnicity')].fix.startswith('did you mean "Pakistani"?')
    assert "did you mean" not in problems[("ethnicity", '"Martian" is not a recognised ethnicity')].fix
    assert problems[("service", '"Adlts" is not a service')].fix == 'did you mean "adults"? If not, write adults or children'
    assert problems[("senior_manager", '"yess" is not yes or no')].fix == 'did you mean "yes"? If not, write yes or no'
    assert problems[("registered_professional", '"maybe" is not yes or no')].fix == "write yes or no"
    run = cli("validate", root)
    assert run.code == 1 and 'how to fix: did you mean "Caribbean"?' in run.stdout
    assert f"wres validate {root} --write-map" in run.stderr  # the way to map them is said


def test_a_councils_own_letters_beside_nhs_codes_are_each_asked(tmp_path: Path, cli: Any) -> None:
    """A council's one-letter codes (W White, A Asian, B Black, M Mixed, U undisclosed) are not the NHS's, whose A
    is White - British and B White - Irish: a column holding letters the NHS has not (W, U) beside ones it has is
    read as the council's own, and every letter is asked, never A read as White British without a word. Once
    mapped (ethnicity_map.csv, as validate --write-map writes it), the counts are the people's."""
    letters = ["W", "A", "B", "M", "U", "W", "A", "B", "W", "A", "W", "W"]
    root = _staff_with(tmp_path, {i: {"ethnicity": v} for i, v in enumerate(letters)})
    errors = {p.message: p for p in pipeline.check(root) if p.severity == "error"}
    a = errors['"A" is the NHS code for White - British, but this column also holds codes that are not the NHS\'s (U, W): it may hold your own codes']
    assert a.rows == (3, 8, 11) and a.fix.startswith('say what each of your codes means, "A" too (as NHS code for White - British, if it is)')
    assert '"W" is not a recognised ethnicity' in errors and '"U" is not a recognised ethnicity' in errors and len(errors) == 5
    assert cli("validate", root, "--write-map").code == 1
    assert {r["local_value"] for r in _map_rows(root / "ethnicity_map.csv")} == {"W", "A", "B", "M", "U"}
    (root / "ethnicity_map.csv").write_text("local_value,ethnicity\nW,White\nA,Asian\nB,Black\nM,Mixed\nU,Not stated\n", encoding="utf-8")
    assert [p for p in pipeline.check(root) if p.severity == "error"] == []
    counts = pipeline.load(root).counts
    groups = {g: sum(counts.get("M9", s, "", g)[1] for s in ("adults", "children")) for g in ("white", "minority_ethnic", "unknown")}
    assert groups == {"white": 5, "minority_ethnic": 6, "unknown": 1}
    # NHS codes alone, or with a typo'd label beside them, are read as the NHS's
    assert ethnicity.codes_beside_others(["A", "B", "M", "Z", "99"]) == ({}, [])
    assert ethnicity.codes_beside_others(["A", "CP", "White British"], {"a"}) == ({"CP": "the NHS code for White - Polish"}, ["A"])


def test_a_misspelt_target_in_the_map_gets_a_suggestion(tmp_path: Path) -> None:
    root = _staff_with(tmp_path, {2: {"ethnicity": "EWB"}})
    (root / "ethnicity_map.csv").write_text("local_value,ethnicity\nEWB,Whte British\n", encoding="utf-8")
    (p, *_) = [p for p in pipeline.check(root) if p.file == "ethnicity_map.csv"]
    assert p.rows == (2,) and p.fix.startswith('did you mean "White British"?')


# --- wres validate --write-map --------------------------------------------------------------------------------

def _map_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_write_map_writes_the_unknown_values_ready_to_edit(tmp_path: Path, cli: Any) -> None:
    root = _staff_with(tmp_path, {2: {"ethnicity": "Carribean"}, 5: {"ethnicity": "carribean "}, 7: {"ethnicity": "EWB"},
                                  8: {"ethnicity": "Pakistanti"}, 9: {"ethnicity": "Indian"}})
    leavers = [{"staff_id": "S99", "ethnicity": "EWB", "service": "adults", "date": "2024-10-01"},
               {"staff_id": "S98", "ethnicity": "ZZ9", "service": "adults", "date": "2024-10-01"}]
    write_return(root, {"leavers": leavers})
    run = cli("validate", root, "--write-map")
    assert run.code == 1  # the values are still unmapped: the map is to be finished
    rows = _map_rows(root / "ethnicity_map.csv")
    assert [(r["local_value"], r["ethnicity"]) for r in rows] == [
        ("Carribean", "Caribbean"), ("EWB", ""), ("Pakistanti", "Pakistani"), ("ZZ9", ""),
    ]
    assert rows[0]["found_in"] == "staff.csv (2 rows)" and rows[1]["found_in"] == "staff.csv, leavers.csv (2 rows)"
    assert "check it" in rows[0]["note"] and "Not stated" in rows[1]["note"]
    said = " ".join(run.stderr.split())
    assert f"Wrote 4 values not recognised to {root / 'ethnicity_map.csv'}: 2 with the nearest accepted label filled in, 2 left blank." in said
    assert "check each filled-in label" in said and "write the ethnicity of each blank row" in said and f"run: wres validate {root}" in said
    # the blank rows are errors until filled in; filled in, the return validates
    assert any('"EWB" maps to ""' in p.message for p in pipeline.check(root))
    text = (root / "ethnicity_map.csv").read_text(encoding="utf-8")
    (root / "ethnicity_map.csv").write_text(text.replace("EWB,,", "EWB,White British,").replace("ZZ9,,", "ZZ9,Not stated,"), encoding="utf-8")
    again = cli("validate", root)
    assert again.code == 0, again.stdout
    loaded = pipeline.load(root)
    # rows 2, 5 (Caribbean), 8 (Pakistani), 9, 10, 11 are minority ethnic; 0, 1, 3, 4, 6, 7 (EWB) white
    staff_in = {g: sum(loaded.counts.get("M9", s, "", g)[1] for s in ("adults", "children")) for g in (ME, W, U)}
    assert staff_in == {ME: 6, W: 6, U: 0}


def test_write_map_only_appends_to_an_existing_map(tmp_path: Path, cli: Any) -> None:
    root = _staff_with(tmp_path, {2: {"ethnicity": "EWB"}, 3: {"ethnicity": "EBA"}, 4: {"ethnicity": "Carribean"}})
    mine = "local_value,ethnicity\r\nEWB,White British\r\neba,\r\n"  # as Excel saves it; one left blank
    (root / "ethnicity_map.csv").write_text(mine, encoding="utf-8")
    run = cli("validate", root, "--write-map")
    text = (root / "ethnicity_map.csv").read_bytes().decode("utf-8")
    assert text.startswith(mine) and text.endswith("\r\n")  # the user's rows untouched, new ones ending as theirs
    assert _map_rows(root / "ethnicity_map.csv")[2] == {"local_value": "Carribean", "ethnicity": "Caribbean"}
    said = " ".join(run.stderr.split())  # lines wrap where the temporary path's length puts them
    assert "Added 1 value not recognised" in said and "kept as they were" in said
    before = (root / "ethnicity_map.csv").read_bytes()
    run = cli("validate", root, "--write-map")
    assert (root / "ethnicity_map.csv").read_bytes() == before
    assert "already lists every value not recognised" in " ".join(run.stderr.split())


def test_write_map_refuses_a_file_that_is_not_a_map(tmp_path: Path, cli: Any) -> None:
    root = _staff_with(tmp_path, {2: {"ethnicity": "EWB"}})
    other = tmp_path / "notes.csv"
    other.write_text("name,phone\nA,1\n", encoding="utf-8")
    run = cli("validate", root, "--write-map", "--map-file", other)
    assert run.code == 1
    assert other.read_text(encoding="utf-8") == "name,phone\nA,1\n"
    said = " ".join(run.stderr.split())
    assert ("Could not write the ethnicity map: notes.csv is there but has no local_value and ethnicity columns: "
            "give another file with --map-file, or move it aside. Nothing was written.") in said
    assert "Traceback" not in run.stdout + run.stderr


def test_write_map_with_nothing_unknown_writes_nothing(tmp_path: Path, cli: Any) -> None:
    root = _staff_with(tmp_path, {})
    run = cli("validate", root, "--write-map")
    assert run.code == 0 and not (root / "ethnicity_map.csv").exists()
    assert "Every ethnicity value is recognised" in run.stderr


def test_write_map_for_a_workbook_says_to_copy_it_into_a_sheet(tmp_path: Path, cli: Any) -> None:
    root = tmp_path / "wb"
    root.mkdir()
    write_toml(root / "organisation.toml", ORG)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "staff"
    cols = list(person("x"))
    ws.append(cols)
    for i, eth in enumerate(["White British", "EWB", "Black African", "Carribean"]):
        ws.append([person(f"S{i}", eth)[c] for c in cols])
    wb.save(root / "return.xlsx")
    run = cli("validate", root, "--write-map")
    written = root / "return ethnicity_map.csv"
    assert [(r["local_value"], r["ethnicity"]) for r in _map_rows(written)] == [("EWB", ""), ("Carribean", "Caribbean")]
    assert not (root / "ethnicity_map.csv").exists()  # it would make the folder a CSV return
    assert "into a sheet named ethnicity_map in return.xlsx" in " ".join(run.stderr.split())
    assert cli("validate", root).code == 1  # the folder is still read as the workbook
    assert '"EWB"' in cli("validate", root).stdout


def test_every_example_in_the_docs_is_accepted() -> None:
    """docs/data-preparation.md's table of label sets promises these spellings: each is recognised."""
    doc = (Path(__file__).parents[1] / "docs" / "data-preparation.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Ethnicity"):doc.index("### Local codes")]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]
    examples = [e for line in rows for e in line.split("|")[2].split("`")[1::2] if e != "…"]
    assert len(examples) > 30
    assert [e for e in examples if classify(e) is None] == []


def test_write_map_appends_to_a_windows_1252_map_in_its_own_encoding(tmp_path: Path, cli: Any) -> None:
    """A map saved by Excel as 'CSV (Comma delimited)' is Windows-1252 (wres.encoding): it is read, said so, and
    appended to in the same encoding, the user's own bytes left as they were."""
    root = _staff_with(tmp_path, {2: {"ethnicity": "EWB"}, 3: {"ethnicity": "Carribean"}})
    mine = "local_value,ethnicity\r\nEWB,White – British\r\n".encode("cp1252")  # the dash is byte 0x96 there
    (root / "ethnicity_map.csv").write_bytes(mine)
    run = cli("validate", root, "--write-map")
    said = " ".join((run.stdout + run.stderr).split())
    assert run.code == 1 and "ethnicity_map.csv: is not UTF-8 but Windows-1252 text" in said
    assert '"EWB"' not in said and '"Carribean" is not a recognised ethnicity' in said  # the map was read
    data = (root / "ethnicity_map.csv").read_bytes()
    assert data.startswith(mine) and data[len(mine):] == b"Carribean,Caribbean\r\n"
    assert "Traceback" not in said


def test_write_map_appends_to_a_unicode_text_map_in_its_own_encoding(tmp_path: Path, cli: Any) -> None:
    """A map saved by Excel as 'Unicode Text' is UTF-16 with its mark: read, and appended to as UTF-16."""
    root = _staff_with(tmp_path, {2: {"ethnicity": "EWB"}, 3: {"ethnicity": "Carribean"}})
    mine = "local_value,ethnicity\r\nEWB,White – British\r\n".encode("utf-16")
    (root / "ethnicity_map.csv").write_bytes(mine)
    run = cli("validate", root, "--write-map")
    said = " ".join((run.stdout + run.stderr).split())
    assert run.code == 1 and '"EWB"' not in said and '"Carribean" is not a recognised ethnicity' in said  # the map was read
    data = (root / "ethnicity_map.csv").read_bytes()
    assert data.startswith(mine) and data.decode("utf-16").endswith("EWB,White – British\r\nCarribean,Caribbean\r\n")
    assert "Traceback" not in said


def test_write_map_leaves_an_existing_map_it_cannot_read_alone(tmp_path: Path, cli: Any) -> None:
    root = _staff_with(tmp_path, {2: {"ethnicity": "EWB"}, 3: {"ethnicity": "Carribean"}})
    mine = "local_value,ethnicity\nEWB,White \u2013 British\n".encode("utf-16-le")  # UTF-16 without its mark
    (root / "ethnicity_map.csv").write_bytes(mine)
    run = cli("validate", root, "--write-map")
    assert run.code == 1 and (root / "ethnicity_map.csv").read_bytes() == mine
    assert 'ethnicity_map.csv, row 1: is UTF-16 ("Unicode") text without the mark' in " ".join(run.stdout.split())  # validate says what is wrong
    said = " ".join(run.stderr.split())
    assert ('Could not write the ethnicity map: ethnicity_map.csv is there but is not UTF-8 encoded: open it in Excel and '
            '"Save As" CSV UTF-8, then run again. Nothing was written.') in said
    assert "Traceback" not in run.stdout + run.stderr


def test_write_map_will_not_append_what_windows_1252_cannot_hold(tmp_path: Path, cli: Any) -> None:
    root = _staff_with(tmp_path, {3: {"ethnicity": "Łemko"}})
    mine = "local_value,ethnicity\r\nEWB,White – British\r\n".encode("cp1252")
    (root / "ethnicity_map.csv").write_bytes(mine)
    run = cli("validate", root, "--write-map")
    assert run.code == 1 and (root / "ethnicity_map.csv").read_bytes() == mine
    assert [p.name for p in root.iterdir() if p.name.startswith(".ethnicity_map")] == []  # no temporary file left
    said = " ".join(run.stderr.split())
    assert ("Could not write the ethnicity map: ethnicity_map.csv is Windows-1252 text, which cannot hold every new value: "
            'open it in Excel and "Save As" CSV UTF-8, then run again. Nothing was written.') in said


def test_survey_answers_and_plan_statuses_get_suggestions_too(tmp_path: Path) -> None:
    survey = [{"respondent_id": "R1", "ethnicity": "Indian", "service": "adults", "abuse_public": "Nevr",
               "abuse_colleagues": "Never", "abuse_managers": "sometimes"}]
    actions = [{"action_id": "A1", "metric": "M3", "action": "Anonymised shortlisting", "owner": "HR", "due": "2025-03-31"}]
    updates = [{"action_id": "A1", "date": "2024-09-30", "status": "On trak", "note": "started"}]
    root = write_return(tmp_path / "r", {"staff": [person("S1")], "survey": survey, "actions": actions, "action_updates": updates})
    fixes = {p.message: p.fix for p in pipeline.check(root)}
    assert fixes['"Nevr" is not on the survey scale'].startswith('did you mean "Never"? If not, use one of')
    assert "did you mean" not in fixes['"sometimes" is not on the survey scale']
    assert fixes['"On trak" is not a status'].startswith('did you mean "on track"? If not, use one of')


@pytest.mark.parametrize("value", ["White British", "White: English", "White - Welsh", "A British", "A: British", "British (A)",
                                   "White Northern Irish"])
def test_a_national_identity_after_its_heading_or_code_is_white(value: str) -> None:
    assert classify(value) == "white"


def test_an_excel_error_is_not_written_into_the_map_as_a_local_code(tmp_path: Path, cli: Any) -> None:
    root = _staff_with(tmp_path, {2: {"ethnicity": "#N/A"}, 3: {"ethnicity": "Carribean"}})
    run = cli("validate", root, "--write-map")
    assert run.code == 1 and '"#N/A" is an Excel error' in " ".join(run.stdout.split())
    text = (root / "ethnicity_map.csv").read_text(encoding="utf-8")
    assert "Carribean" in text and "#N/A" not in text
