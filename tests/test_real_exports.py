"""Real council data in: the same return, written the way councils' HR and finance systems write it, gives
exactly the counts of the return in the contract's own spellings.

The demo return is rewritten as an export would hold it: another ethnicity label set (2001 census, 2011
census, the NHS Data Dictionary's codes and labels), dates as exports print them, department-style service
names, salaries in pounds with commas, Y/N, the export's own headings (through a saved import mapping), and
a hand-made workbook with an organisation sheet. The label sets below are written out by hand from their
sources, not taken from wres's own table, so a label wres does not know fails here.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wres import pipeline
from wres.demo import write_demo
from wres.ethnicity import classify
from wres.mapping import read_export

# label set → group → labels as the set's source prints them
LABEL_SETS: dict[str, dict[str, list[str]]] = {
    "census-2001": {
        "white": ["White British", "White Irish", "Other White", "White - British", "White: Irish", "Any other White background"],
        "minority_ethnic": ["Black African", "Black Caribbean", "Other Black", "Indian", "Pakistani", "Bangladeshi",
                            "Other Asian", "Chinese", "White and Black Caribbean", "Mixed White and Asian", "Other Mixed",
                            "Other ethnic group", "Asian or Asian British: Indian", "Black or Black British: African"],
        "unknown": ["Not stated"],
    },
    "census-2011": {
        "white": ["White: English/Welsh/Scottish/Northern Irish/British", "White: Irish", "White: Gypsy or Irish Traveller",
                  "White: Other White"],
        "minority_ethnic": ["Mixed/multiple ethnic groups: White and Black Caribbean", "Mixed/multiple ethnic groups: White and Asian",
                            "Asian/Asian British: Indian", "Asian/Asian British: Pakistani", "Asian/Asian British: Chinese",
                            "Black/African/Caribbean/Black British: African", "Black/African/Caribbean/Black British: Caribbean",
                            "Other ethnic group: Arab", "Other ethnic group: Any other ethnic group"],
        "unknown": ["Prefer not to say"],
    },
    "nhs-data-dictionary": {
        "white": ["A", "A White - British", "B White - Irish", "C White - Any other White background", "A - White British"],
        "minority_ethnic": ["D Mixed - White and Black Caribbean", "E", "F Mixed - White and Asian", "H Asian or Asian British - Indian",
                            "J Asian or Asian British - Pakistani", "K", "L Asian or Asian British - Any other Asian background",
                            "M Black or Black British - Caribbean", "N Black or Black British - African", "P",
                            "R Other Ethnic Groups - Chinese", "S Other Ethnic Groups - Any other ethnic group"],
        "unknown": ["Z Not stated", "Z", "Not Known"],
    },
    # the DfE's codes, as a children's services HR extract for the social work workforce census writes them
    "dfe-codes": {
        "white": ["WBRI", "WIRI", "WIRT", "WROM", "WOTH", "WBRI White British", "WOTH - Any other White background"],
        "minority_ethnic": ["MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH",
                            "BAFR Black African", "Black Caribbean (BCRB)"],
        "unknown": ["REFU", "NOBT", "Information not yet obtained"],
    },
}
DATE_STYLES: list[Callable[[dt.date], str]] = [
    lambda d: f"{d:%d/%m/%Y}",  # 01/04/2024
    lambda d: f"{d.day}/{d.month}/{d.year}",  # 1/4/2024
    lambda d: f"{d:%d-%b-%Y}",  # 01-Apr-2024
    lambda d: f"{d.day} {d:%B %Y}",  # 1 April 2024
    lambda d: f"{d:%d.%m.%Y}",  # 01.04.2024
    lambda d: f"{d:%d %b %Y}",  # 01 Apr 2024
    lambda d: f"{d:%Y%m%d}",  # 20240401, as SAP writes it
]
SERVICES = {"adults": "Adult Social Care", "children": "Children's Social Care"}
YES_NO = {"yes": "Y", "no": "N"}
RECORD_FILES = ("staff", "recruitment", "disciplinary", "fitness_to_practise", "training", "leavers", "survey")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("demo") / "return"
    d.mkdir()
    write_demo(d, seed=5, staff=425)
    return d


@pytest.fixture(scope="module")
def expected(demo: Path) -> pipeline.Loaded:
    return pipeline.load(demo)


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _relabel(label_set: str) -> Callable[[str], str]:
    """Each value of the demo becomes a label of the same group in another set, every label used in turn."""
    cycles = {g: itertools.cycle(labels) for g, labels in LABEL_SETS[label_set].items()}
    return lambda v: v if not v.strip() else next(cycles[classify(v) or "unknown"])


def _export(demo: Path, target: Path, ethnicity: Callable[[str], str], headings: dict[str, str] | None = None, codec: str = "utf-8",
            sep: str = ",") -> Path:
    """The demo return as a council's export writes it (`codec` "cp1252": as Excel's "CSV (Comma delimited)" saves it;
    `sep` ";": as Excel saves "CSV" where the comma is the decimal mark)."""
    target.mkdir()
    shutil.copy(demo / "organisation.toml", target)
    dates = itertools.cycle(DATE_STYLES)
    for name in RECORD_FILES:
        header, rows = _read(demo / f"{name}.csv")
        out = []
        for row in rows:
            cells = []
            for col, v in zip(header, row):
                if col == "ethnicity":
                    v = ethnicity(v)
                elif col == "service":
                    v = SERVICES.get(v, v)
                elif col in ("senior_manager", "registered_professional", "shortlisted", "appointed"):
                    v = YES_NO.get(v, v)
                elif col == "annual_salary" and v:
                    v = f"£{int(float(v)):,}"
                elif col in ("date", "start_date") and v:
                    v = next(dates)(dt.date.fromisoformat(v))
                cells.append(v)
            out.append(cells)
        with (target / f"{name}.csv").open("w", encoding=codec, newline="") as f:
            w = csv.writer(f, delimiter=sep)
            w.writerow([(headings or {}).get(f"{name}.{c}", c) for c in header])
            w.writerows(out)
    return target


@pytest.mark.parametrize("label_set", LABEL_SETS)
def test_each_label_set_and_date_spelling_gives_the_same_counts(label_set: str, demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    got = pipeline.load(_export(demo, tmp_path / label_set, _relabel(label_set)))
    assert got.counts == expected.counts


def test_every_label_of_every_set_is_recognised() -> None:
    for label_set, groups in LABEL_SETS.items():
        for group, labels in groups.items():
            for label in labels:
                assert classify(label) == group, f"{label_set}: {label!r}"
                assert classify(label.upper()) == group and classify(f"  {label.lower()}  ") == group


HEADINGS = {
    "staff.staff_id": "Employee Number", "staff.ethnicity": "Ethnic Origin", "staff.service": "Directorate",
    "staff.senior_manager": "Senior Manager?", "staff.registered_professional": "Registered (SWE/NMC/HCPC)",
    "staff.annual_salary": "FTE Salary", "staff.start_date": "Date Started",
    "leavers.staff_id": "Employee Number", "leavers.date": "Leaving Date", "leavers.ethnicity": "Ethnic Origin",
    "leavers.service": "Directorate",
}
MAPPING = '''# wres import mapping for the London Borough of Eastmere's HR export
[staff.columns]
staff_id = "Employee Number"
ethnicity = "Ethnic Origin"
service = "Directorate"
senior_manager = "Senior Manager?"
registered_professional = "Registered (SWE/NMC/HCPC)"
annual_salary = "FTE Salary"
start_date = "Date Started"
[staff.values.service]
"Adults and Health" = "adults"
"Children and Families" = "children"
[leavers.columns]
staff_id = "Employee Number"
date = "Leaving Date"
ethnicity = "Ethnic Origin"
service = "Directorate"
[leavers.values.service]
"Adults and Health" = "adults"
"Children and Families" = "children"
'''


def test_an_export_with_its_own_headings_and_departments_reads_through_a_saved_mapping(demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    target = _export(demo, tmp_path / "export", _relabel("census-2001"), HEADINGS)
    for name in ("staff", "leavers"):  # department names, not services, in these two files
        path = target / f"{name}.csv"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Adult Social Care", "Adults and Health").replace("Children's Social Care", "Children and Families"), encoding="utf-8")
    (target / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    assert pipeline.load(target).counts == expected.counts


def test_exports_saved_by_excel_as_windows_1252_give_the_same_counts(demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    """Excel's "CSV (Comma delimited)" is Windows-1252: £ salaries and a curly apostrophe in a department's name
    are bytes that are not UTF-8. The files are read as such, each said once, and `wres map` reads them too."""
    target = _export(demo, tmp_path / "export", _relabel("census-2011"), HEADINGS, codec="cp1252")
    for name in ("staff", "leavers"):
        path = target / f"{name}.csv"
        text = path.read_text(encoding="cp1252")
        path.write_text(text.replace("Adult Social Care", "Adults and Health").replace("Children's Social Care", "Children’s Services"), encoding="cp1252")
    assert b"\x92" in (target / "staff.csv").read_bytes() and b"\xa3" in (target / "staff.csv").read_bytes()  # ’ and £
    mapping = MAPPING.replace('"Children and Families"', '"Children’s Services"')
    (target / "mapping.toml").write_text(mapping, encoding="utf-8")
    problems = pipeline.check(target)
    assert [p for p in problems if p.severity == "error"] == []
    # the files with a £ or a ’ (the rest are ASCII, the same in both)
    assert sorted(p.file for p in problems if "Windows-1252" in p.message) == ["leavers.csv", "staff.csv"]
    assert pipeline.load(target).counts == expected.counts
    exports, trouble = read_export(target / "staff.csv")
    assert trouble == [] and "Children’s Services" in exports[0].values["Directorate"]


def _reads_as_the_contract(target: Path, expected: pipeline.Loaded, cli, tmp_path: Path) -> list:  # noqa: ANN001
    """An export of the demo with HEADINGS, beside MAPPING: no error, the contract's counts, and `wres map` reads
    its staff file (the mapping is taken away for it). Its problems."""
    problems = pipeline.check(target)
    assert [p for p in problems if p.severity == "error"] == []
    assert pipeline.load(target).counts == expected.counts
    exports, trouble = read_export(target / "staff.csv")
    assert trouble == [] and exports[0].headings[:2] == ["Employee Number", "Ethnic Origin"]
    (target / "mapping.toml").unlink()
    run = cli("map", target / "staff.csv", "-o", tmp_path / "mapping.toml")
    assert run.code == 0 and 'staff_id = "Employee Number"' in (tmp_path / "mapping.toml").read_text(encoding="utf-8")
    return problems


SEPARATED = {";": "semicolons", "\t": "tabs", "|": "bars"}


@pytest.mark.parametrize("sep", SEPARATED, ids=SEPARATED.values())
def test_exports_separated_by_semicolons_tabs_or_bars_give_the_same_counts(sep: str, demo: Path, expected: pipeline.Loaded, tmp_path: Path,
                                                                           cli) -> None:  # noqa: ANN001
    """Excel saves "CSV" with semicolons where the comma is the decimal mark, and HR systems export tab- or
    bar-separated text. Such a file is read as its headings are separated (a value holding a comma, "£57,240",
    stays one value); the semicolons' export is Windows-1252 too. `wres map` reads it."""
    target = _export(demo, tmp_path / "export", _relabel("census-2011"), HEADINGS, codec="cp1252" if sep == ";" else "utf-8", sep=sep)
    (target / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    first = (target / "staff.csv").read_text(encoding="cp1252").splitlines()[1]
    assert first.count(sep) == 9 and re.search(r"£\d+,\d{3}", first)  # "£57,240", unquoted
    _reads_as_the_contract(target, expected, cli, tmp_path)


def test_excel_unicode_text_gives_the_same_counts(demo: Path, expected: pipeline.Loaded, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """Excel's "Unicode Text" (the way to keep a £ or an accent before Excel saved CSV as UTF-8) is UTF-16 with
    its byte-order mark, separated by tabs; Notepad's "Unicode" settings files are UTF-16 too. Declared by the
    mark, they are read as they are, with no warning; rows keep their numbers; `wres map` reads them. UTF-16
    without the mark is still refused."""
    target = _export(demo, tmp_path / "export", _relabel("census-2011"), HEADINGS, codec="utf-16", sep="\t")
    (target / "mapping.toml").write_text(MAPPING, encoding="utf-16")
    (target / "organisation.toml").write_text((demo / "organisation.toml").read_text(encoding="utf-8"), encoding="utf-16")
    assert (target / "staff.csv").read_bytes()[:2] == b"\xff\xfe"
    problems = _reads_as_the_contract(target, expected, cli, tmp_path)
    assert not any("UTF" in p.message for p in problems)
    # a bad value below an empty row, and a footer: where the spreadsheet shows them
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "staff.csv")
    rows[9][header.index("senior_manager")] = "perhaps"
    with (target / "staff.csv").open("w", encoding="utf-16", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\r\n")
        w.writerows([header, *rows[:3]])
        f.write("\r\n")
        w.writerows(rows[3:])
        f.write("\r\n")
        w.writerow([FOOTER[0]])
    problems = pipeline.check(target)
    (bad,) = [p for p in problems if p.severity == "error"]
    assert (bad.file, bad.column, bad.rows) == ("staff.csv", "senior_manager", (12,))
    assert [p.rows for p in problems if "footer" in p.message] == [(len(rows) + 4,)]
    (target / "staff.csv").write_bytes((target / "staff.csv").read_bytes()[2:])  # the mark taken off
    assert [p.message for p in pipeline.check(target) if p.severity == "error"] == ['is UTF-16 ("Unicode") text without the mark that says so, not UTF-8']


def test_a_semicolon_file_with_a_title_footer_and_empty_row_keeps_its_row_numbers(demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    """The copy separated by commas has the same lines: a value spanning two lines, an empty row and a report's
    footer are where the spreadsheet shows them; a title above the headings is said as one."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "staff.csv")
    rows[1][header.index("job_role")] = "Social worker\n(locum)"
    rows[9][header.index("senior_manager")] = "perhaps"

    def write(title: bool) -> None:
        with (target / "staff.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter=";", lineterminator="\r\n")
            if title:
                w.writerow(["Staff in post at 31 March 2025"])
            w.writerow(header)
            w.writerows(rows[:3])
            f.write("\r\n")  # an empty row: row 5 of the spreadsheet (row 3 spans two lines)
            w.writerows(rows[3:])
            f.write(";" * (len(header) - 1) + "\r\n")
            w.writerow([FOOTER[0]])

    write(title=False)
    problems = pipeline.check(target)
    (bad,) = [p for p in problems if p.severity == "error"]
    assert (bad.file, bad.column, bad.rows) == ("staff.csv", "senior_manager", (12,))
    (said,) = [p for p in problems if "footer" in p.message]
    assert said.rows == (len(rows) + 4,)
    write(title=True)
    (bad,) = [p for p in pipeline.check(target) if p.severity == "error"]
    assert bad.message.startswith("has a title on its first row ('Staff in post at 31 March 2025'), and its headings seem to be on row 2")


@pytest.mark.parametrize("padded", [False, True], ids=["title-alone", "title-padded-as-excel-saves-it"])
def test_a_report_with_a_title_and_a_footer_says_its_title_once(demo: Path, tmp_path: Path, padded: bool) -> None:
    """An iTrent leavers report: a title, an empty row, the headings, the rows, an empty row and "** End of Report
    **". The footer made it read from a copy, which validate could not look at again for the title: every column
    was "missing", and the title's empty cells were said as columns with values but no heading."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "leavers.csv")
    pad = [""] * (len(header) - 1) if padded else []
    with (target / "leavers.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerows([["Leavers Report 01/04/2024 - 31/03/2025", *pad], ["", *pad], header, *rows, ["", *pad], ["** End of Report **", *pad]])
    problems = [p for p in pipeline.check(target) if p.file == "leavers.csv"]
    assert [(p.severity, p.message) for p in problems if "footer" not in p.message] == [
        ("error", "has a title on its first row ('Leavers Report 01/04/2024 - 31/03/2025'), and its headings seem to be on row 3")]


@pytest.mark.parametrize("title", [False, True], ids=["headings-first", "title-above-read-through-a-mapping"])
def test_lines_ending_in_different_ways_read_as_the_file_holds_them(demo: Path, expected: pipeline.Loaded, tmp_path: Path, title: bool) -> None:
    """Rows added to a Windows export in another program end with \\n, the rest with \\r\\n: DuckDB refused such a
    file, or (below a title skipped by the mapping's header_row) read no row of it. Read from a copy whose lines
    all end one way: the demo's counts, and a bad value named on its row."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    lines = (demo / "staff.csv").read_bytes().decode("utf-8").splitlines()
    body = "".join(line + ("\r\n" if i % 3 else "\n") for i, line in enumerate(lines))
    if title:
        body = "Staff In Post - Detail\n\n" + body
        (target / "mapping.toml").write_text("[staff]\nheader_row = 3\n", encoding="utf-8")
    (target / "staff.csv").write_bytes(body.encode("utf-8"))
    assert [p for p in pipeline.check(target) if p.severity == "error"] == []
    assert pipeline.load(target).counts == expected.counts
    row = next(i for i, line in enumerate(lines) if i and ",no," in line)
    (target / "staff.csv").write_bytes(body.replace(lines[row], lines[row].replace(",no,", ",perhaps,", 1)).encode("utf-8"))
    (bad,) = [p for p in pipeline.check(target) if p.severity == "error"]
    assert bad.message == '"perhaps" is not yes or no' and bad.rows == (row + 1 + (2 if title else 0),)


def test_lines_ending_in_different_ways_only_inside_a_large_file_are_said(demo: Path, tmp_path: Path) -> None:
    """Only a file's first and last 64 KB are looked at for its line ends: a file mixed only inside them is
    refused by DuckDB, and said with its fix, never read wrongly."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    lines = (demo / "staff.csv").read_bytes().decode("utf-8").splitlines()
    rows = [f"X{i:06d}," + line.split(",", 1)[1] for i, line in enumerate(lines[1:] * 8)]
    middle = len(rows) // 2
    body = lines[0] + "\r\n" + "".join(r + ("\n" if middle <= i < middle + 3 else "\r\n") for i, r in enumerate(rows))
    assert len(body) > 3 * (1 << 16)
    (target / "staff.csv").write_bytes(body.encode("utf-8"))
    (bad,) = [p for p in pipeline.check(target) if p.severity == "error"]
    assert bad.message.startswith("has lines that end in different ways")


def test_a_separated_file_that_cannot_be_read_is_said_not_raised(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wres import encoding

    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "staff.csv")
    text = "\n".join(";".join(r) for r in [header, *rows]) + "\n"
    (target / "staff.csv").write_text(text.replace("Social worker", '"Social" worker', 1), encoding="utf-8")
    (bad,) = [p for p in pipeline.check(target) if p.severity == "error"]
    assert bad.file == "staff.csv" and "could not be read as values separated by semicolons" in bad.message
    (target / "staff.csv").write_text(text, encoding="utf-8")
    monkeypatch.setattr(encoding, "LIMIT", 100)  # a file too large to copy
    (bad,) = [p for p in pipeline.check(target) if p.severity == "error"]
    assert (bad.file, bad.rows) == ("staff.csv", (1,)) and bad.message == "is separated by semicolons, not commas, and is too large to be read so"


@pytest.mark.parametrize("lines, sep", [
    (["a,b,c", "1,2,3"], ","),
    (["a;b;c", "1;2,5;3", "2;£57,240;4"], ";"),  # commas inside values do not decide
    (["Staff report", "a\tb\tc"], "\t"),  # a title above the headings does not decide
    (["Staff report, 2025", "a;b;c;d", "1;2;3;4"], ";"),  # a semicolons' file does not quote a title's comma
    (["Staff report; run 02/04/2025", "a,b,c,d", "1,2,3,4"], ","),  # nor one with a semicolon
    (["id,note,c", "1,a; b; c; d; e; f,3", "2,x,4"], ","),  # a note full of semicolons on one row
    (['id,"note; with; semicolons",c'], ","),  # a heading quoted with semicolons in it
    (["a;b,c"], ","),  # a tie: commas, as the contract says
    (["id|name|ethnicity"], "|"),
    (["", "a;b", "", "1;2"], ";"),  # empty lines are no evidence
    ([], ","), (["Staff report"], ","),
])
def test_what_separates_values(lines: list[str], sep: str) -> None:
    from wres.read import separator

    assert separator(lines) == sep


def test_rows_of_a_windows_1252_file_are_named_as_the_spreadsheet_shows_them(demo: Path, tmp_path: Path) -> None:
    """The file is read from a UTF-8 copy with the same lines: a bad value after an empty row is on its own row."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "staff.csv")
    rows[5][header.index("annual_salary")] = "£31,500"
    rows[9][header.index("senior_manager")] = "perhaps"
    with (target / "staff.csv").open("w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows[:3])
        f.write("\r\n")  # an empty row: row 5 of the spreadsheet
        w.writerows(rows[3:])
    (bad,) = [p for p in pipeline.check(target) if p.severity == "error"]
    assert (bad.file, bad.column, bad.rows) == ("staff.csv", "senior_manager", (12,))


def test_salaries_typed_by_hand_give_the_same_counts(demo: Path, tmp_path: Path) -> None:
    """A staff list kept by hand: "35k", "31.5K", "£35,000 pa", "£42,500 per annum", and a system's "31,586.00 GBP",
    are the pounds a year they say. A range or words are still an error: which figure is meant is the council's to say."""
    header, rows = _read(demo / "staff.csv")
    col = header.index("annual_salary")
    spellings = ("{k}k", "{k} K", "£{c} pa", "£{c} p.a.", "{p} per annum", "£{c}/year", "{k}kpa", "£{c} PA", "{h}K",
                 "{c}.00 GBP", "GBP {c}")  # SAP SuccessFactors' "Annualized Salary"
    plain, typed = [list(r) for r in rows], [list(r) for r in rows]
    for i in range(45):  # to the hundred, so "31.5k" is the same salary
        pounds = round(float(rows[i][col]), -2)
        plain[i][col] = f"{pounds:.0f}"
        typed[i][col] = spellings[i % len(spellings)].format(k=f"{pounds / 1000:g}", c=f"{pounds:,.0f}", p=f"{pounds:.0f}", h=f"{pounds / 1000:.1f}")

    def written(name: str, body: list[list[str]]) -> Path:
        target = tmp_path / name
        shutil.copytree(demo, target)
        with (target / "staff.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([header, *body])
        return target

    hand = written("typed", typed)
    assert [p for p in pipeline.check(hand) if p.severity == "error"] == []
    assert pipeline.load(hand).counts == pipeline.load(written("plain", plain)).counts
    typed[0][col], typed[1][col] = "35k-40k", "35 thousand"
    bad = [(p.message, p.rows) for p in pipeline.check(written("ranges", typed)) if p.severity == "error"]
    assert bad == [('"35k-40k" is not a number', (2,)), ('"35 thousand" is not a number', (3,))]


def test_a_second_assignment_numbered_as_esr_numbers_it_is_said(demo: Path, tmp_path: Path) -> None:
    """ESR numbers a person's second assignment 20123456-2: an export of assignments with no main-post column
    would count such a person twice. A warning says so, with the ids only in its fix (its message is published);
    ids with a hyphen of their own ("AB-12" with no "AB") are people, and nothing is said."""
    header, rows = _read(demo / "staff.csv")
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    second = [list(rows[0]), list(rows[3])]
    second[0][0], second[1][0] = f"{rows[0][0]}-2", f"{rows[3][0]}-3"
    loner = list(rows[5])
    loner[0] = "AB-12"
    with (target / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows, *second, loner])
    (said,) = [p for p in pipeline.check(target) if "second post" in p.message]
    assert (said.severity, said.file, said.column, said.rows) == ("warning", "staff.csv", "staff_id", ())
    assert rows[0][0] not in said.message and f"2 such ids, such as {rows[0][0]}-2 beside {rows[0][0]}" in said.fix
    with (target / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows, loner])
    assert [p for p in pipeline.check(target) if p.severity == "error"] == []
    assert not [p for p in pipeline.check(demo) + pipeline.check(target) if "second post" in p.message]


def test_training_of_people_the_staff_list_leaves_out_is_said(demo: Path, tmp_path: Path) -> None:
    """A learning system's bookings take their ethnicity from staff.csv by staff_id: casual staff, whom the staff
    list leaves out, were counted as ethnicity not known with no word. A warning says so (the ids only in its
    fix, a warning being published); the demo's own files, whose ids are all on the list, say nothing of it."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "training.csv")
    extra = [dict(zip(header, rows[0])) | {"staff_id": f"C{i}", "ethnicity": ""} for i in range(3)]
    with (target / "training.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows, *([r[h] for h in header] for r in extra)])
    (said,) = [p for p in pipeline.check(target) if "not in staff.csv" in p.message]
    assert (said.file, said.severity, said.column) == ("training.csv", "warning", "staff_id") and "C0" not in said.message
    assert said.fix.startswith("check they are people of the return (3 rows, such as C0)")
    assert not [p for p in pipeline.check(demo) if "not in staff.csv" in p.message and "ethnicity" in p.message]


def test_a_hand_made_workbook_with_an_organisation_sheet_gives_the_same_counts(demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    """Date cells, Excel serial numbers in a date column, numbers as numbers, settings on a sheet."""
    wb = openpyxl.Workbook()
    org = wb.active
    org.title = "Organisation"
    org.append(("Setting", "Value"))
    for key, value in (("name", "London Borough of Eastmere"), ("code", "E09000099"), ("period_start", dt.date(2024, 4, 1)),
                       ("period_end", dt.date(2025, 3, 31)), ("sponsors.adults", "Harriet Okonjo-Blake, DASS"),
                       ("local_population_minority_ethnic_pct", 28.0)):
        org.append((key, value))
    relabel = _relabel("nhs-data-dictionary")
    excel_epoch = dt.date(1899, 12, 30)
    for name in RECORD_FILES:
        header, rows = _read(demo / f"{name}.csv")
        ws = wb.create_sheet(name.title())
        ws.append(header)
        for i, row in enumerate(rows):
            cells: list[object] = []
            for col, v in zip(header, row):
                if col == "ethnicity":
                    cells.append(relabel(v))
                elif col in ("date", "start_date") and v:
                    d = dt.date.fromisoformat(v)
                    cells.append((d - excel_epoch).days if i % 3 == 0 else d)  # a serial number, as a pasted column holds it
                elif col == "annual_salary" and v:
                    cells.append(float(v))
                else:
                    cells.append(SERVICES.get(v, v) if col == "service" else v)
            ws.append(cells)
    path = tmp_path / "Eastmere SC-WRES return 2024-25.xlsx"
    wb.save(path)
    got = pipeline.load(path)
    assert got.counts == expected.counts
    assert got.organisation.sponsors == {"adults": "Harriet Okonjo-Blake, DASS"}


def test_an_export_dropped_in_as_it_is_is_pointed_at_wres_map(demo: Path, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """The first thing a council analyst tries: the HR export in the folder, under its own name and headings."""
    folder = _export(demo, tmp_path / "first-try", _relabel("census-2011"), HEADINGS)
    (folder / "staff.csv").rename(folder / "HR export 2025.csv")
    run = cli("validate", folder)
    said = " ".join(run.stdout.split())
    assert run.code == 1 and "staff.csv: is missing" in said
    assert 'HR export 2025.csv: is not one of the return\'s files, so it was not read' in said
    assert f"wres map {folder} suggests how to read it" in said  # a command that runs from where validate ran
    (folder / "HR export 2025.csv").rename(folder / "staff.csv")  # named as the contract's file, headings still its own
    run = cli("validate", folder)
    said = " ".join(run.stdout.split())
    assert "staff.csv, row 1, column staff_id: has no column staff_id" in said and "in an import mapping, which wres map suggests" in said
    # each heading the export gives a column under a usual name of its own is said with it
    assert ("column ethnicity: has no column ethnicity how to fix: the column \"ethnic origin\" is most likely it: rename that heading "
            "ethnicity, or keep your headings") in said
    # the command it ends with maps the file named as the contract's (its headings are its system's) where validate reads it
    assert f"through an import mapping, run: wres map {folder}" in " ".join(run.stderr.split())
    mapped = cli("map", folder)
    assert mapped.code == 0 and "staff.csv → staff.csv" in mapped.stdout and f"run: wres validate {folder}" in " ".join(mapped.stderr.split())
    assert not [p for p in pipeline.check(folder) if p.severity == "error" and p.file == "staff.csv" and "has no column" in p.message]


FOOTER = ["Report run 02/04/2025 09:14 by HRIS", "Page 1 of 1"]


def _with_footer(source: Path, target: Path, codec: str = "utf-8", multiline: bool = False) -> tuple[Path, int]:
    """The return with an HR report's footer below staff.csv's data, after an empty row (Excel's ",,,"), and the
    footer's first row as a spreadsheet numbers it; `multiline`: a value in quotes spanning two lines above it."""
    shutil.copytree(source, target)
    header, rows = _read(source / "staff.csv")
    if multiline:
        rows[-1][header.index("job_role")] = "Social worker\n(locum)"
    with (target / "staff.csv").open("w", encoding=codec, newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)
        f.write("," * (len(header) - 1) + "\r\n")
        for line in FOOTER:
            w.writerow([line] + [""] * (len(header) - 1) if line == FOOTER[1] else [line])  # one as a full row, one alone
        f.write("\r\n")
    return target, len(rows) + 3


@pytest.mark.parametrize("codec, multiline", [("utf-8", False), ("cp1252", False), ("utf-8", True)], ids=["utf-8", "windows-1252", "quoted-line-break"])
def test_a_reports_footer_below_the_data_is_left_out_and_said(codec: str, multiline: bool, demo: Path, expected: pipeline.Loaded,
                                                              tmp_path: Path) -> None:
    """An HR system's report ends with lines of its own below an empty row: they are not staff. They are left out,
    said with the rows a spreadsheet shows them on, and the counts are those of the return without them."""
    target, row = _with_footer(demo, tmp_path / "r", codec, multiline)
    problems = pipeline.check(target)
    assert [p for p in problems if p.severity == "error"] == []
    (said,) = [p for p in problems if "footer" in p.message]
    assert (said.file, said.rows, said.severity) == ("staff.csv", (row, row + 1), "warning")
    assert said.message == f"the report's footer below the data ('{FOOTER[0]}'; '{FOOTER[1]}') is left out"
    assert pipeline.load(target).counts == expected.counts  # (a job title, which counts for nothing, spans two lines)


def test_a_footer_is_found_at_the_end_of_a_long_file(tmp_path: Path) -> None:
    """Only the file's last 64 KB are looked at: its first, partial line is not taken for a row."""
    demo = tmp_path / "demo"
    demo.mkdir()
    write_demo(demo, seed=7, staff=2_000)
    assert (demo / "staff.csv").stat().st_size > 1 << 16
    target, row = _with_footer(demo, tmp_path / "r")
    (said,) = [p for p in pipeline.check(target) if "footer" in p.message]
    assert said.rows == (row, row + 1)
    assert pipeline.load(target).counts == pipeline.load(demo).counts


def _workbook(demo: Path, path: Path, footer: bool) -> Path:
    wb = openpyxl.Workbook()
    org = wb.active
    org.title = "organisation"
    for key, value in (("name", "London Borough of Eastmere"), ("period_start", dt.date(2024, 4, 1)), ("period_end", dt.date(2025, 3, 31))):
        org.append((key, value))
    for name in RECORD_FILES:
        header, rows = _read(demo / f"{name}.csv")
        ws = wb.create_sheet(name)
        ws.append(header)
        for r in rows:
            ws.append(r)
        if name == "leavers" and footer:
            ws.append([])
            ws.append([FOOTER[0]])
    wb.save(path)
    return path


def test_a_footer_in_a_workbook_sheet_is_left_out(demo: Path, tmp_path: Path) -> None:
    book = _workbook(demo, tmp_path / "return.xlsx", footer=True)
    (said,) = [p for p in pipeline.check(book) if "footer" in p.message]
    assert (said.file, said.rows) == ("return.xlsx, sheet leavers", (len(_read(demo / "leavers.csv")[1]) + 3,))
    assert pipeline.load(book).counts == pipeline.load(_workbook(demo, tmp_path / "plain.xlsx", footer=False)).counts


@pytest.mark.parametrize("kind", ["csv", "semicolons", "xlsx"])
def test_a_totals_row_below_the_data_is_left_out_and_said(kind: str, demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    """A staff list kept by hand ends in a totals row (Excel's table "Total Row": "Total" and a count under a
    column), straight below the data, and perhaps a report's footer below that: neither is a person. Both are
    left out and said with the rows a spreadsheet shows, and the counts are the return's. Before, the totals
    row was refused as a person with no service and no salary."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "staff.csv")
    total = ["Total"] + [""] * (len(header) - 2) + [str(len(rows))]
    tail = [total, [""] * len(header), ["Report run 02/04/2025 09:14 by HRIS"]]
    if kind == "xlsx":
        wb = openpyxl.load_workbook(_workbook(demo, tmp_path / "return.xlsx", footer=False))
        for r in tail:
            wb["staff"].append([v or None for v in r])
        wb.save(tmp_path / "return.xlsx")
        target, label = tmp_path / "return.xlsx", "return.xlsx, sheet staff"
        plain = pipeline.load(_workbook(demo, tmp_path / "plain.xlsx", footer=False)).counts
    else:
        with (target / "staff.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=";" if kind == "semicolons" else ",").writerows([header, *rows, *tail])
        label, plain = "staff.csv", expected.counts
    problems = pipeline.check(target)
    assert [p for p in problems if p.severity == "error"] == [], problems
    (said,) = [p for p in problems if "totals row" in p.message]
    assert (said.file, said.rows, said.severity) == (label, (len(rows) + 2, len(rows) + 4), "warning")
    assert said.message == "the totals row and the report's footer below the data ('Total'; 'Report run 02/04/2025 09:14 by HRIS') are left out"
    assert pipeline.load(target).counts == plain


def test_wres_map_does_not_ask_about_a_footers_text(demo: Path, tmp_path: Path) -> None:
    target, _ = _with_footer(demo, tmp_path / "r")
    (export,), problems = read_export(target / "staff.csv")
    assert problems == [] and not any(v.startswith(("Report run", "Page 1")) for vs in export.values.values() for v in vs)


@pytest.mark.parametrize("tail, rows", [
    ([["id", "ethnicity"], ["S1", "Indian"], [], ["Report run"]], 1),
    ([["S1", "Indian"], [None, None], ["Report run", None], ["Page 1 of 1", ""], [], [""]], 2),  # a sheet's empty cells; empty rows after
    ([["S1", "Indian"], ["Report run"]], 0),  # no empty row above: perhaps a row cut short
    ([["S1", "Indian"], [], ["a"], ["b"], ["c"], ["d"]], 0),  # more lines than a footer has
    ([["S1", "Indian"], [], ["Note", "2"]], 0),  # two values: a row
    ([["S1", "Indian"], [], ["Total", "2"]], 1),  # a totals row: its first cell says so, its others are numbers
    ([["S1", "Indian"], ["Grand Total", None, "£1,234,567.50"]], 1),  # straight below the data, as Excel's table puts it
    ([["S1", "Indian"], ["TOTAL:", "425"], [], ["Report run"], ["Page 1 of 1"]], 3),  # above a report's footer
    ([["S1", "Indian"], ["Total", "Indian"]], 0),  # words beside it: perhaps a row
    ([["Total", "2"]], 0),  # nothing above it
    ([["S1", "Indian"], ["Totally new", "2"]], 0),
    ([["S1", "Indian"], [], ["S2", ""]], 1),  # a row with one value below an empty one would be refused anyway: said, not kept
])
def test_what_is_a_footer(tail: list[list[object]], rows: int) -> None:
    from wres.read import footer_rows

    assert footer_rows(tail) == rows


def test_headings_excel_wrapped_over_two_lines_read_as_one(demo: Path, expected: pipeline.Loaded, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """A heading wrapped in Excel (Alt+Enter) is saved in quotes over two lines, with Windows line ends around it:
    DuckDB's strict reader takes such a file for one with no rows. Every file is read whole, its headings as one
    line, so an event file is not counted as none; `wres map` writes the headings with a space."""
    wrapped = {k: v.replace(" ", "\n", 1) for k, v in HEADINGS.items()}
    target = _export(demo, tmp_path / "export", _relabel("census-2001"), wrapped)
    for name in RECORD_FILES:  # as Excel writes them: Windows line ends between rows, a bare line feed inside a cell
        path = target / f"{name}.csv"
        header, rows = _read(path)
        if name == "disciplinary":
            header = [h.replace("_", "\n", 1) if h == "staff_id" else h for h in header]
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerows([header, *rows])
    (target / "mapping.toml").write_text(MAPPING + '[disciplinary.columns]\nstaff_id = "staff id"\n', encoding="utf-8")
    assert b'"Employee\nNumber"' in (target / "staff.csv").read_bytes()
    assert [p for p in pipeline.check(target) if p.severity == "error"] == []
    assert pipeline.load(target).counts == expected.counts
    (target / "mapping.toml").unlink()
    run = cli("map", target / "staff.csv", "-o", tmp_path / "mapping.toml")
    assert run.code == 0 and 'staff_id = "Employee Number"' in (tmp_path / "mapping.toml").read_text(encoding="utf-8")


def test_wrapped_headings_in_a_file_too_large_to_copy_are_refused_not_read_as_empty(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wres import encoding

    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "disciplinary.csv")
    with (target / "disciplinary.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([[h.replace("_", "\n") for h in header], *rows])
    monkeypatch.setattr(encoding, "LIMIT", 100)
    (bad,) = [p for p in pipeline.check(target) if p.severity == "error"]
    assert (bad.file, bad.rows) == ("disciplinary.csv", (1,)) and "headings over several lines" in bad.message


def test_columns_with_no_heading_are_not_read_and_one_with_values_is_said(demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    """Excel saves empty columns after the data where cells were formatted: ",," at the end of every row, the
    header too. They are not read, with no word; a column with values but no heading is said, not refused."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    for name in ("staff", "leavers"):
        header, rows = _read(demo / f"{name}.csv")
        with (target / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow([*header, "", ""])
            w.writerows([*r, "", "note" if name == "leavers" and i in (2, 5) else ""] for i, r in enumerate(rows))
    problems = pipeline.check(target)
    assert [p for p in problems if p.severity == "error"] == []
    said = [(p.file, p.message) for p in problems if "heading" in p.message]
    width = len(_read(demo / "leavers.csv")[0])
    assert said == [("leavers.csv", f"column {width + 2} has 2 values but no heading: they are not read")]
    assert pipeline.load(target).counts == expected.counts


@pytest.mark.parametrize("chunk", [1 << 22, 7], ids=["whole", "every-tag-cut-across-chunks"])
def test_rows_hidden_in_a_workbook_are_read_and_said(chunk: int, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A staff list filtered in Excel and saved still holds every row: hidden rows are read (as Excel's own CSV
    would hold them), and said, so that an analyst who filtered instead of deleting sees it."""
    from wres import read

    monkeypatch.setattr(read, "_XML_CHUNK", chunk)
    book = _workbook(demo, tmp_path / "return.xlsx", footer=False)
    wb = openpyxl.load_workbook(book)
    for row in (4, 5, 40):
        wb["staff"].row_dimensions[row].hidden = True
    wb["leavers"].row_dimensions[len(_read(demo / "leavers.csv")[1]) + 5].hidden = True  # below the data: not a row of it
    wb.save(book)
    problems = pipeline.check(book)
    (said,) = [p for p in problems if "hidden" in p.message]
    assert (said.file, said.rows, said.severity) == ("return.xlsx, sheet staff", (4, 5, 40), "warning")
    assert said.message == "3 rows hidden in Excel (by a filter, or by hand) are read like the others"
    assert pipeline.load(book).counts == pipeline.load(_workbook(demo, tmp_path / "plain.xlsx", footer=False)).counts


def test_settings_saved_as_windows_1252_are_read_and_said(demo: Path, expected: pipeline.Loaded, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """organisation.toml and mapping.toml edited in an older Notepad, saved as "ANSI" (Windows-1252): an accented
    sponsor's name reads right, each file is said once, and wres map saves the mapping again as UTF-8."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    org = target / "organisation.toml"
    text = re.sub(r'adults = "[^"]*"', 'adults = "Siân Lloyd-Évans, Director of Adult Social Care"', org.read_text(encoding="utf-8"))
    org.write_bytes(text.encode("cp1252"))
    (target / "mapping.toml").write_bytes('# Zoë\'s mapping\n[staff.values.service]\n"Adults’ services" = "adults"\n'.encode("cp1252"))
    loaded = pipeline.load(target)
    assert loaded.organisation.sponsors["adults"] == "Siân Lloyd-Évans, Director of Adult Social Care"
    assert loaded.counts == expected.counts
    said = sorted(p.file for p in pipeline.check(target) if "Windows-1252" in p.message)
    assert said == ["mapping.toml", "organisation.toml"]
    run = cli("map", target / "staff.csv", "-o", target / "mapping.toml")
    assert run.code == 0, run.stderr
    assert "Adults’ services" in (target / "mapping.toml").read_text(encoding="utf-8")  # now UTF-8


@pytest.mark.parametrize("marker", ["NULL", "N/A", "-"])
def test_an_empty_cell_written_as_null_reads_as_an_empty_cell(marker: str, demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    """SQL Server's results saved as CSV write "NULL" in every empty cell (R writes NA; a hand-kept sheet "N/A" or
    "-"): a blank ethnicity, an event's blank service (taken from staff.csv) or start date. Each reads as the empty
    cell it stands for, said once a column; the counts are the return's with those cells empty (leavers whose id is
    "NULL" are not one person). Before, each was refused ("NULL" is not a date, not a recognised ethnicity). Where a value is needed, it is "blank"."""
    blanked = tmp_path / "blank"
    shutil.copytree(demo, blanked)
    marked = tmp_path / "marked"
    shutil.copytree(demo, marked)
    staff = {r[0] for r in _read(demo / "staff.csv")[1]}
    for name, columns in (("staff", ("ethnicity", "start_date")), ("training", ("ethnicity", "service")), ("leavers", ("staff_id",))):
        header, rows = _read(demo / f"{name}.csv")
        for folder, fill in ((blanked, ""), (marked, marker)):  # (an event's service is taken from staff.csv: of staff in it)
            out = [[fill if col in columns and i % 7 == 3 and (name == "leavers" or row[header.index("staff_id")] in staff) else v
                    for col, v in zip(header, row)] for i, row in enumerate(rows)]
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
                csv.writer(f).writerows([header, *out])
    problems = pipeline.check(marked)
    assert [p for p in problems if p.severity == "error"] == [], problems
    said = {(p.file, p.column) for p in problems if p.message == f'"{marker}" is read as an empty cell'}
    assert said == {("staff.csv", "ethnicity"), ("staff.csv", "start_date"), ("training.csv", "ethnicity"), ("training.csv", "service"),
                    ("leavers.csv", "staff_id")}
    # a leaver whose id is "NULL" is a person of their own, as one with no id: not one person with the id "NULL"
    assert (got := pipeline.load(marked).counts) == pipeline.load(blanked).counts and got != expected.counts
    # where a value is needed it is blank, as an empty cell is
    header, rows = _read(demo / "staff.csv")
    rows[0][header.index("annual_salary")] = marker
    with (marked / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    (bad,) = [p for p in pipeline.check(marked) if p.severity == "error"]
    assert (bad.column, bad.message, bad.rows) == ("annual_salary", "annual_salary is blank", (2,))
    # wres map counts it as a blank cell, not a spelling to ask about
    (export,), _ = read_export(marked / "staff.csv")
    assert marker not in export.values["ethnicity"] and export.blanks["ethnicity"] > 0


def test_an_event_file_without_ethnicity_or_service_takes_them_from_staff(demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    """An ER casework export holds the employee number, not the person's ethnicity or service: each row's are
    staff.csv's, as a blank cell's are (data-contract: an event row's blank ethnicity is the staff record's),
    said once. A row whose staff_id is not in staff.csv needs a service, as a blank one does; a file whose people
    are not staff (applicants), leavers (seldom in the snapshot's staff.csv) and a file with no staff_id still
    need the column."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "disciplinary.csv")
    keep = [header.index(c) for c in ("staff_id", "date")]
    with (target / "disciplinary.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[h for i, h in enumerate(header) if i in keep], *([v for i, v in enumerate(r) if i in keep] for r in rows)])
    problems = pipeline.check(target)
    assert [p for p in problems if p.severity == "error"] == []
    (said,) = [p for p in problems if p.file == "disciplinary.csv" and "column" in p.message]
    assert said.message == "has no ethnicity or service column: each row's ethnicity and service are taken from staff.csv by its staff_id"
    assert said.severity == "warning"
    # published as what the file is, not as one record (it is said of the column)
    assert ("The disciplinary file has no ethnicity or service column: each row's ethnicity and service are taken from staff.csv by its "
            "staff_id") in pipeline.document(target).warnings
    blanked = tmp_path / "blank"  # the same as its rows with those cells empty
    shutil.copytree(demo, blanked)
    with (blanked / "disciplinary.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *([v if h not in ("ethnicity", "service") else "" for h, v in zip(header, r)] for r in rows)])
    assert pipeline.load(target).counts == pipeline.load(blanked).counts
    # someone not in staff.csv: their service is needed
    rows[0][header.index("staff_id")] = "NOT-ON-STAFF"
    with (target / "disciplinary.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[h for i, h in enumerate(header) if i in keep], *([v for i, v in enumerate(r) if i in keep] for r in rows)])
    (bad,) = [p for p in pipeline.check(target) if p.severity == "error"]
    assert (bad.message, bad.rows) == ("service is blank and staff_id is not in staff.csv", (2,))
    # applicants are not staff; without staff_id nothing can be looked up
    for name, drop in (("recruitment", "ethnicity"), ("training", "staff_id"), ("leavers", "ethnicity")):
        shutil.copy(demo / "disciplinary.csv", target)
        h, rs = _read(demo / f"{name}.csv")
        cut = [c for c in h if c not in (drop, "ethnicity")]
        with (target / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([cut, *([v for c, v in zip(h, r) if c in cut] for r in rs)])
        assert [(p.file, p.message) for p in pipeline.check(target) if p.severity == "error"] == [(f"{name}.csv", "has no column ethnicity")]
        shutil.copy(demo / f"{name}.csv", target)


@pytest.mark.parametrize("name,column,marked", [("training", "Course Category", "Mandatory"), ("staff", "Employment Status", "Terminated")])
def test_a_contract_file_whose_column_marks_other_rows_is_warned(name: str, column: str, marked: str, demo: Path, expected: pipeline.Loaded,
                                                                 tmp_path: Path) -> None:
    """training.csv as a learning system exports it, with a "Course Category" of Mandatory beside CPD; staff.csv
    with an "Employment Status" of Terminated beside Active. Named as the contract's, every row is read: the
    check says so and how to keep only the others (as wres map asks of an export), and a mapping's
    [file.rows] reads them exactly, with no warning."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / f"{name}.csv")
    extra = [r[:] for r in rows[:5]]
    if name == "staff":
        for i, r in enumerate(extra):
            r[0] = f"X{i}"
    with (target / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[*header, column], *([*r, "Active" if name == "staff" else "CPD"] for r in rows), *([*r, marked] for r in extra)])
    (said,) = [p for p in pipeline.check(target) if p.column == column]
    kept = "Active" if name == "staff" else "CPD"
    assert said.severity == "warning" and said.message.startswith(f"holds '{marked}' beside '{kept}': every row is read as ")
    assert said.fix.endswith(f'[{name}.rows] "{column}" = ["{kept}"]')
    (target / "mapping.toml").write_text(f'[{name}.rows]\n"{column}" = ["{kept}"]\n', encoding="utf-8")
    problems = pipeline.check(target)
    assert not [p for p in problems if p.column == column] and [p for p in problems if p.severity == "error"] == []
    assert pipeline.load(target).counts == expected.counts


def test_another_part_of_the_councils_staff_in_staff_csv_is_said_as_such(demo: Path, tmp_path: Path) -> None:
    """A staff.csv cut from a council-wide list still holding Housing staff: "Housing" is no service of the
    return, and the fix says its rows are not the return's (not only "write adults or children");
    "Adults and Housing" names adult social care, and is a spelling to correct as before."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "staff.csv")
    at = header.index("service")
    extra = [[f"C{i}", *r[1:at], service, *r[at + 1:]] for i, (r, service) in enumerate(zip(rows, ["Housing", "Housing", "Adults and Housing"]))]
    with (target / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows, *extra])
    said = {p.message: p.fix for p in pipeline.check(target) if p.column == "service"}
    assert "its rows are not the return's" in said['"Housing" is not a service'] and "[staff.rows]" in said['"Housing" is not a service']
    assert "its rows are not the return's" not in said['"Adults and Housing" is not a service']


def test_a_workbook_sheet_named_for_a_file_but_not_as_one_is_said(demo: Path, tmp_path: Path) -> None:
    """A hand-made workbook's "Leavers 2024-25" sheet is not the leavers sheet (sheets are named as the files):
    before, it was left unread with no word and M8 came out "not submitted". It is said, with the name to give
    it; a "Notes" sheet is not, and renamed, the leavers are read."""
    book = _workbook(demo, tmp_path / "return.xlsx", footer=False)
    wb = openpyxl.load_workbook(book)
    wb["leavers"].title = "Leavers 2024-25"
    wb.create_sheet("Notes").append(["Prepared by the workforce team"])
    wb.save(book)
    problems = pipeline.check(book)
    said = [(p.file, p.message, p.fix, p.severity) for p in problems if "not named as a sheet" in p.message]
    assert said == [("return.xlsx, sheet Leavers 2024-25", "is not named as a sheet of the return, so it was not read",
                     "if it holds the leavers file, rename the sheet leavers", "warning")]
    assert "M8" not in pipeline.load(book).counts.submitted
    wb["Leavers 2024-25"].title = "leavers"
    wb.save(book)
    assert not [p for p in pipeline.check(book) if "not named as a sheet" in p.message] and "M8" in pipeline.load(book).counts.submitted


def test_a_survey_tools_answers_read_as_the_scales(demo: Path, tmp_path: Path) -> None:
    """A survey tool writes "1-2 times" and "More than 10 times", and offers "Prefer not to say" (as the web's
    own survey does, which keeps it as no answer): each reads as the scale's answer, and "Prefer not to say"
    as a question not answered. Before, each was an error."""
    tool = {"1-2": "1-2 times", "3-5": "3-5 times", "6-10": "6-10 times", "More than 10": "More than 10 times"}
    header, rows = _read(demo / "survey.csv")
    answers = [i for i, h in enumerate(header) if h.startswith("abuse_")]
    declined = {(n, i) for n, _ in enumerate(rows) for i in answers if n % 9 == 4}
    for folder, say in (("tool", lambda v: tool.get(v, v)), ("blank", lambda v: v)):
        target = tmp_path / folder
        shutil.copytree(demo, target)
        out = [[("Prefer not to say" if folder == "tool" else "") if (n, i) in declined else say(v) if i in answers else v
                for i, v in enumerate(r)] for n, r in enumerate(rows)]
        with (target / "survey.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([header, *out])
    assert [p for p in pipeline.check(tmp_path / "tool") if p.severity == "error"] == []
    assert pipeline.load(tmp_path / "tool").counts == pipeline.load(tmp_path / "blank").counts


def _as_workbook(csv_path: Path, target: Path, sheet: str, headings: dict[str, str] | None = None) -> None:
    """A CSV file of the return saved from Excel as a workbook of its own, numbers as numbers."""
    header, rows = _read(csv_path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([(headings or {}).get(c, c) for c in header])
    for row in rows:
        ws.append([int(v) if v.isdigit() else v for v in row])
    wb.save(target)


def test_a_file_of_the_return_saved_as_its_own_workbook_is_read_as_that_file(demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    """staff.xlsx beside the other files' CSVs (the staff list kept in Excel, saved as it is): read as staff.csv
    would be, from its one sheet whatever its name, where it was left unread and staff.csv said to be missing.
    A return of such workbooks, one a file, is read too; staff.xlsx beside staff.csv is one file too many."""
    folder = tmp_path / "csv-and-book"
    shutil.copytree(demo, folder)
    (folder / "staff.csv").unlink()
    _as_workbook(demo / "staff.csv", folder / "staff.xlsx", "Sheet1")
    got = pipeline.load(folder)
    assert got.counts == expected.counts
    books = tmp_path / "books"  # every file its own workbook, each sheet named as its file or not
    books.mkdir()
    for p in demo.iterdir():
        if p.suffix == ".csv":
            _as_workbook(p, books / f"{p.stem}.xlsx", p.stem if p.stem < "p" else "Export")
        else:
            shutil.copy(p, books)
    assert pipeline.load(books).counts == expected.counts
    shutil.copy(demo / "staff.csv", folder)
    said = [(p.file, p.message) for p in pipeline.check(folder) if p.severity == "error"]
    assert said == [("staff.xlsx", "and staff.csv are both in the return")]
    # beside a return's own workbook (no CSV files), staff.xlsx leaves which workbook is the return unsaid
    _as_workbook(demo / "staff.csv", books / "Eastmere return.xlsx", "staff")
    assert [p.message for p in pipeline.check(books) if p.severity == "error"] == ["holds more than one workbook"]


def test_wres_map_maps_a_file_named_as_the_returns_and_a_workbook_where_validate_reads_it(demo: Path, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """The command validate ends with runs as typed, from where validate ran, and writes the mapping where
    validate looks for it: for a workbook return in another folder, beside the workbook (wres map alone
    would write it here)."""
    folder = tmp_path / "return in a folder"
    folder.mkdir()
    shutil.copy(demo / "organisation.toml", folder)
    _as_workbook(demo / "staff.csv", folder / "staff.xlsx", "Employees", {"staff_id": "Employee Number", "ethnicity": "Ethnic Origin"})
    run = cli("validate", folder)
    assert run.code == 1 and "has no column staff_id" in run.stdout
    assert f'run: wres map "{folder}"' in " ".join(run.stderr.split())  # in double quotes (cmd, PowerShell, sh): the name has spaces
    assert cli("map", folder).code == 0 and (folder / "mapping.toml").is_file()
    assert not [p for p in pipeline.check(folder) if p.severity == "error" and "has no column" in p.message]
    book = tmp_path / "books" / "Eastmere return.xlsx"  # a workbook return: a sheet a file, the staff sheet under its own headings
    book.parent.mkdir()
    _as_workbook(demo / "staff.csv", book, "staff", {"staff_id": "Employee Number"})
    run = cli("validate", book)
    command = f'wres map "{book}" -o {book.parent / "mapping.toml"}'
    assert run.code == 1 and f"run: {command}" in " ".join(run.stderr.split())
    mapped = cli(*shlex.split(command)[1:])  # the command as said
    assert mapped.code == 0 and f"run: wres validate {book.parent}" in " ".join(mapped.stderr.split())
    assert (book.parent / "mapping.toml").is_file() and not any("has no column" in p.message for p in pipeline.check(book))
    typo = tmp_path / "typo"  # a typo is put right in the file: no mapping is proposed for it
    shutil.copytree(demo, typo)
    header, rows = _read(demo / "staff.csv")
    rows[3][header.index("senior_manager")] = "perhaps"
    with (typo / "staff.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    run = cli("validate", typo)
    assert run.code == 1 and '"perhaps" is not yes or no' in run.stdout and "wres map" not in run.stderr


def test_staff_ids_with_and_without_leading_zeros_are_the_same_people(demo: Path, expected: pipeline.Loaded, tmp_path: Path) -> None:
    """The staff list kept in Excel has its employee numbers as numbers (104), which drops their zeros; the ER
    casework export keeps them as text (000104), with no ethnicity or service column. Each case is still its
    person's, so the counts are the demo's, and a warning says so without publishing any number."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    header, rows = _read(demo / "staff.csv")
    for row in rows:
        row[0] = row[0].removeprefix("S")  # "S000104" → "000104", a number in the workbook: 104
    (target / "staff.csv").unlink()
    wb = openpyxl.Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append([int(row[0]), *row[1:]])
    wb.save(target / "staff.xlsx")
    for name in ("disciplinary", "training", "leavers"):  # their staff_ids as text, zeros kept
        h, rs = _read(demo / f"{name}.csv")
        drop = [] if name == "leavers" else [h.index("ethnicity"), h.index("service")]  # an ER export: the person's number only
        with (target / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow([c for i, c in enumerate(h) if i not in drop])
            w.writerows([(v.removeprefix("S") if c == "staff_id" else v) for i, (c, v) in enumerate(zip(h, r)) if i not in drop] for r in rs)
    problems = pipeline.check(target)
    assert [p for p in problems if p.severity == "error"] == []
    said = [p for p in problems if p.column == "staff_id" and "leading zeros" in p.message]
    assert {p.file for p in said} == {"disciplinary.csv", "training.csv"}  # leavers are seldom on the snapshot's staff list
    assert all(not re.search(r"\d", p.message) and re.search(r"\(\d+ of them, such as 0+\d+ here, \d+ in staff.xlsx", p.fix) for p in said)
    assert pipeline.load(target).counts == expected.counts
    published = pipeline.document(target).warnings
    assert any("leading zeros" in w for w in published) and not any(re.search(r"\b0\d+", w) for w in published)
    # one who left before the snapshot is still found on the staff list by their number
    h, rs = _read(target / "leavers.csv")
    rs[0][h.index("staff_id")], rs[0][h.index("date")] = rows[5][0], "2024-06-30"
    with (target / "leavers.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([h, *rs])
    assert any("left before the snapshot date" in p.message for p in pipeline.check(target))


@given(st.from_regex(r"[0-9]{1,12}", fullmatch=True), st.integers(0, 6), st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,8}", fullmatch=True))
@settings(max_examples=60, deadline=None)
def test_a_number_is_one_person_whatever_its_leading_zeros_and_other_ids_are_as_written(digits: str, zeros: int, word: str) -> None:
    import duckdb

    from wres.validate import person

    key = lambda v: duckdb.execute(f"SELECT {person('x')} FROM (SELECT ? AS x)", [v]).fetchone()[0]  # noqa: E731
    assert key("0" * zeros + digits) == key(digits.lstrip("0") or "0") == (digits.lstrip("0") or "0")
    assert key(word) == word and key("0" + word) == "0" + word  # not all digits: as written


def test_a_councils_survey_run_by_a_company_is_given_as_its_figures(demo: Path, expected: pipeline.Loaded, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """The company that ran the staff survey sends its results, not the answers: counts.csv of M6, M7a and M7b
    only, beside the record files, gives the survey's metrics and the records the rest."""
    target = tmp_path / "r"
    shutil.copytree(demo, target)
    (target / "survey.csv").unlink()
    assert cli("counts", demo, "-o", tmp_path / "all.csv").code == 0
    lines = (tmp_path / "all.csv").read_text(encoding="utf-8").splitlines()
    survey = [line for line in lines[1:] if line.split(",")[0] in ("M6", "M7a", "M7b")]
    assert survey
    (target / "counts.csv").write_text("\n".join([lines[0], *survey]) + "\n", encoding="utf-8")
    assert [p for p in pipeline.check(target) if p.severity == "error"] == []
    assert pipeline.load(target).counts.cells == expected.counts.cells
