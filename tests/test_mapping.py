"""A council's own export, as it is, read through an import mapping (mapping.toml) that `wres map` suggests.

Three exports as three kinds of HR system write them (an iTrent-style CSV, an Oracle-style CSV in capitals,
a SAP-style workbook with date cells and Excel serials), each with its own headings, department names,
yes/no spellings, £ salaries and dates: `wres map` must find the right file and columns, and the return read
through the mapping it wrote must give exactly the counts of the same return in the contract's spellings.
Then every way a mapping goes wrong gets a clear message and no output.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ORG, person, run_command, write_return, write_toml
from wres import mapping, pipeline, standards
from wres.demo import write_demo
from wres.problems import InvalidInput

Cell = Callable[[str, str], object]  # (contract column, contract value) → the export's cell


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    write_demo(root, seed=7, staff=300)
    return root


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _contract(demo: Path, dest: Path, files: tuple[str, ...]) -> Path:
    """The same return in the contract's spellings: the demo's files named, and nothing else."""
    dest.mkdir(parents=True)
    shutil.copy(demo / "organisation.toml", dest)
    for name in files:
        shutil.copy(demo / f"{name}.csv", dest)
    return dest


def _export(rows: list[dict[str, str]], headings: dict[str, str], cell: Cell) -> tuple[list[str], list[list[object]]]:
    """The export's header and rows: contract columns renamed and re-spelled, plus a column wres ignores."""
    header = [*headings.values(), "Job Title"]
    out = [[cell(col, r[col]) for col in headings] + ["Social Worker"] for r in rows]
    return header, out


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


# --- four systems' exports ------------------------------------------------------------------------------

def _itrent(col: str, v: str, i: list[int] = [0]) -> object:  # noqa: B006 (a counter across cells)
    i[0] += 1
    if col == "service":
        return {"adults": ("Adult Social Care", "ASC"), "children": ("Children & Families", "Childrens Services")}[v][i[0] % 2]
    if col == "senior_manager":
        return "Senior Manager" if v == "yes" else ""
    if col in ("registered_professional", "shortlisted", "appointed"):
        return "Y" if v == "yes" else "N"
    if col == "annual_salary":
        return f"£{float(v):,.0f}"
    if col in ("start_date", "date") and v:
        d = dt.date.fromisoformat(v)
        return (f"{d:%d/%m/%Y}", f"{d.day}/{d.month}/{d.year}", f"{d:%d/%m/%Y} 00:00")[i[0] % 3]
    return v


def _oracle(col: str, v: str) -> object:
    if col == "service":
        return {"adults": "ADULTS SERVICES", "children": "CHILDREN'S SERVICES"}[v]
    if col in ("senior_manager", "registered_professional"):
        return "Yes" if v == "yes" else "No"
    if col in ("start_date", "date") and v:
        return dt.date.fromisoformat(v).strftime("%d-%b-%Y").upper()
    return v


def _sap(col: str, v: str, i: list[int] = [0]) -> object:  # noqa: B006
    i[0] += 1
    if col == "service":
        return {"adults": "Adults and Health", "children": "Children, Young People and Families"}[v]
    if col == "senior_manager":
        return "Yes - Tier 3" if v == "yes" else "No"
    if col == "registered_professional":
        return v == "yes"  # a TRUE/FALSE cell
    if col == "annual_salary":
        return float(v)  # a number cell
    if col == "start_date" and v:
        d = dt.date.fromisoformat(v)
        return (d - dt.date(1899, 12, 30)).days if i[0] % 2 else d  # an Excel serial, or a date cell
    return v


def _resourcelink(col: str, v: str, i: list[int] = [0]) -> object:  # noqa: B006
    i[0] += 1
    if col == "service":
        return {"adults": "Adults & Health", "children": "Children & Families"}[v]
    if col == "senior_manager":
        return ("TRUE", "True")[i[0] % 2] if v == "yes" else "FALSE"
    if col == "registered_professional":
        return "SWE" if v == "yes" else ""  # the body registered with, blank for none
    if col == "annual_salary":
        return (f"£{float(v):,.0f}", f"{float(v):.2f}")[i[0] % 2]
    if col == "start_date" and v:
        d = dt.date.fromisoformat(v)
        return (f"{d.day} {d:%B %Y}", f"{d:%d/%m/%Y} 00:00")[i[0] % 2]
    return v


STAFF_COLUMNS = ("staff_id", "ethnicity", "service", "senior_manager", "registered_professional", "annual_salary", "start_date")
SYSTEMS = {
    "itrent": ("HR export 2025.csv", dict(zip(STAFF_COLUMNS, ("Employee Number", "Ethnic Origin", "Directorate", "Senior Manager",
                                                              "Registered SW", "FTE Salary", "Date Started"))), _itrent),
    "oracle": ("PER_ALL_PEOPLE_2025.csv", dict(zip(STAFF_COLUMNS, ("PERSON_NUMBER", "ETHNIC_GROUP", "DEPARTMENT", "SENIOR_MANAGER_FLAG",
                                                                    "SWE_REGISTERED", "ANNUAL_SALARY", "HIRE_DATE"))), _oracle),
    "sap": ("Establishment report.xlsx", dict(zip(STAFF_COLUMNS, ("Pers.No.", "Ethnicity", "Service Area", "Senior Management",
                                                                   "Registered Professional", "Salary (FTE)", "Start Date"))), _sap),
    "resourcelink": ("Establishment 2025.csv", dict(zip(STAFF_COLUMNS, ("Person Ref", "Ethnic Group", "Division", "SMT Member",
                                                                        "Reg. Body", "Basic Salary", "Start Date"))), _resourcelink),
    # SAP SuccessFactors' and Oracle HCM's reports, as councils on them export
    "successfactors": ("Headcount report 2025.csv", dict(zip(STAFF_COLUMNS, ("User/Employee ID", "Ethnic Origin Text", "Organizational Unit",
                                                                             "Senior Leader", "Professional Registration", "Annual Salary",
                                                                             "Entry Date"))), _itrent),
    "oracle-hcm": ("Workforce 2025.csv", dict(zip(STAFF_COLUMNS, ("Person Number", "Ethnic Group Description", "Business Unit Name",
                                                                  "Head of Service or above", "Registered", "FTE Annual Salary",
                                                                  "Original Hire Date"))), _itrent),
}


def _write_system(system: str, demo: Path, folder: Path, title: str | None = None, groups: bool = False) -> Path:
    """The system's export of the demo's staff; with `title`, under a report's title and a blank row (headings on row 3);
    with `groups`, under a row of group headings, each over three columns (headings on row 2)."""
    name, headings, cell = SYSTEMS[system]
    header, rows = _export(_rows(demo / "staff.csv"), headings, cell)
    above: list[list[object]] = [[title], []] if title else []
    if groups:
        above.append([("Employee details", "Role", "Pay and grade", "Other")[i // 3] if i % 3 == 0 else None for i in range(len(header))])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if name.endswith(".xlsx"):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        for r in [*above, header, *rows]:
            ws.append(r)
        wb.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(above)
        with path.open("a", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
    return path


@pytest.mark.parametrize("system", SYSTEMS)
def test_wres_map_suggests_the_columns_and_spellings_and_the_counts_are_the_contracts(system: str, demo: Path, tmp_path: Path, cli) -> None:
    folder = tmp_path / "return"
    export = _write_system(system, demo, folder)
    shutil.copy(demo / "organisation.toml", folder)
    res = cli("map", export, "-o", folder / "mapping.toml")
    assert res.code == 0, res.stderr
    assert "staff.csv" in res.stdout
    m, problems = mapping.load(folder / "mapping.toml")
    assert not problems and m is not None
    # every heading found, none taken for another; one spelled as the contract's column (any case) needs no line
    assert m.files["staff"].columns == {c: h for c, h in SYSTEMS[system][1].items() if h.lower() != c}
    assert m.files["staff"].file == mapping.file_glob(export.name, []) and m.stems_for(export.name) == ["staff"]
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert '= "TODO"' not in text, text
    validated = cli("validate", folder)
    assert validated.code == 0, validated.stdout
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff",)))
    assert pipeline.load(folder).counts == expected.counts


def test_wres_map_tells_files_apart_and_one_return_of_three_exports_counts_as_the_contract(demo: Path, tmp_path: Path, cli) -> None:
    folder = tmp_path / "return"
    staff = _write_system("itrent", demo, folder)
    rec = {"applicant_id": "Candidate ID", "ethnicity": "Ethnic Origin", "service": "Directorate", "shortlisted": "Shortlisted",
           "appointed": "Offered", "date": "Closing Date"}
    header, rows = _export(_rows(demo / "recruitment.csv"), rec, _itrent)
    _write_csv(folder / "Applicants 2024-25.csv", header, rows)
    lv = {"staff_id": "Employee Number", "ethnicity": "Ethnic Origin", "service": "Directorate", "date": "Leaving Date"}
    header, rows = _export(_rows(demo / "leavers.csv"), lv, _itrent)
    _write_csv(folder / "Leavers Apr24-Mar25.csv", header, rows)
    shutil.copy(demo / "organisation.toml", folder)
    res = cli("map", staff, folder / "Applicants 2024-25.csv", folder / "Leavers Apr24-Mar25.csv", "-o", folder / "mapping.toml")
    assert res.code == 0, res.stderr
    m, _ = mapping.load(folder / "mapping.toml")
    assert m is not None
    own = lambda headings: {c: h for c, h in headings.items() if h.lower() != c}  # noqa: E731
    assert m.files["recruitment"].columns == own(rec) and m.files["leavers"].columns == own(lv)
    assert m.files["leavers"].file == "Leavers Apr*-Mar*.csv"  # next year's "Leavers Apr25-Mar26.csv" too
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff", "recruitment", "leavers")))
    assert pipeline.load(folder).counts == expected.counts


def test_wres_map_gives_each_sheet_of_one_workbook_export_its_own_file(demo: Path, tmp_path: Path, cli) -> None:
    """One export workbook with a sheet each for staff, applicants and leavers (the leavers' under a report's
    title): each sheet is its own file, not the first file's again, and the return counts as the contract's."""
    folder = tmp_path / "return"
    folder.mkdir()
    shutil.copy(demo / "organisation.toml", folder)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, name in (("Staff", "staff"), ("Recruitment", "recruitment"), ("Leavers", "leavers")):
        ws = wb.create_sheet(sheet)
        if name == "leavers":
            ws.append(["Leavers report 2024-25"])
            ws.append([])
        rows = _rows(demo / f"{name}.csv")
        ws.append(list(rows[0]))
        for r in rows:
            ws.append(list(r.values()))
    wb.save(folder / "HR export 2025.xlsx")
    res = cli("map", folder / "HR export 2025.xlsx", "-o", folder / "mapping.toml")
    assert res.code == 0, res.stderr
    m, _ = mapping.load(folder / "mapping.toml")
    assert m is not None and set(m.files) == {"staff", "recruitment", "leavers"}
    assert m.files["leavers"].header_row == 3 and m.files["staff"].header_row == 1
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff", "recruitment", "leavers")))
    assert pipeline.load(folder).counts == expected.counts


def test_rerunning_wres_map_next_year_keeps_the_saved_mapping_and_adds_only_what_is_new(tmp_path: Path, cli) -> None:
    folder = tmp_path / "r"
    rows = [person(f"E{i}", service=s) for i, s in enumerate(["Adult Social Care", "Children & Families"] * 5)]
    write_return(folder, {"HR export 2024.csv": [{("Employee Number" if k == "staff_id" else k): v for k, v in r.items()} for r in rows]})
    assert cli("map", folder / "HR export 2024.csv", "-o", folder / "mapping.toml").code == 0
    # the saved name finds next year's export too; the analyst edits the file
    saved = (folder / "mapping.toml").read_text(encoding="utf-8").replace('"HR export *.csv"', '"HR export*.csv"')
    assert "# guessed" in saved
    saved = saved.replace("[staff.columns]", "# agreed with HR, May 2024\n[staff.columns]")  # a note of the analyst's own
    (folder / "mapping.toml").write_text(saved, encoding="utf-8")
    (folder / "HR export 2024.csv").unlink()
    rows.append(person("E99", service="Early Help"))  # a new department next year
    write_return(folder, {"HR export 2025.csv": [{("Employee Number" if k == "staff_id" else k): v for k, v in r.items()} for r in rows]}, org=False)
    res = cli("map", folder / "HR export 2025.csv", "-o", folder / "mapping.toml")
    assert res.code == 0 and "Updated" in res.stderr and "1 decision left" in res.stderr
    m, problems = mapping.load(folder / "mapping.toml")
    assert not problems and m is not None
    fm = m.files["staff"]
    assert fm.file == "HR export*.csv"  # the analyst's edit kept
    assert fm.values["service"] == {"Children & Families": "children", "Early Help": mapping.TODO}
    after = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert '"Early Help" = "TODO"  # new, TODO: adults or children?' in after
    # a spelling answered for one file is the same in the next export mapped into the mapping
    answered = after.replace('"Early Help" = "TODO"', '"Early Help" = "children"')
    (folder / "mapping.toml").write_text(answered, encoding="utf-8")
    write_return(folder, {"Leavers 2025.csv": [{"Employee Number": "E1", "ethnicity": "Indian", "service": "Early Help", "date": "01/07/2024"}]}, org=False)
    assert cli("map", folder / "Leavers 2025.csv", "--file", "leavers", "-o", folder / "mapping.toml").code == 0
    m2, _ = mapping.load(folder / "mapping.toml")
    assert m2 is not None and m2.files["leavers"].values["service"] == {"Early Help": "children"}
    assert '"Early Help" = "children"  # new, as [staff.values.service] says' in (folder / "mapping.toml").read_text(encoding="utf-8")
    (folder / "mapping.toml").write_text(after, encoding="utf-8")
    (folder / "Leavers 2025.csv").unlink()
    # the file as the analyst left it, comments and all, with only the new line added, under its table
    assert after.replace('"Early Help" = "TODO"  # new, TODO: adults or children?\n', "") == saved
    assert after.index('"Early Help"') > after.index("[staff.values.service]")
    # the TODO is a clear error until decided, and then the return reads
    res = cli("validate", folder)
    assert res.code == 1 and 'mapping.toml, column [staff.values.service]: still says TODO for "Early Help"' in " ".join(res.stdout.split())
    text = (folder / "mapping.toml").read_text(encoding="utf-8").replace('"Early Help" = "TODO"', '"Early Help" = "children"')
    (folder / "mapping.toml").write_text(text, encoding="utf-8")
    assert cli("validate", folder).code == 0


def test_an_export_mapped_into_an_earlier_mapping_adds_its_tables_and_keeps_the_rest(tmp_path: Path, cli) -> None:
    """The ER casework export mapped into the mapping that reads the staff export: its tables are added after the
    others, and every line and comment of the earlier file stays as it was, TODOs still counted as decisions left."""
    folder = tmp_path / "r"
    rows = [person(f"E{i}", service=s) for i, s in enumerate(["Adult Social Care", "Early Help"] * 5)]
    write_return(folder, {"HR export 2024.csv": [{("Employee Number" if k == "staff_id" else k): v for k, v in r.items()} for r in rows]})
    assert cli("map", folder / "HR export 2024.csv", "-o", folder / "mapping.toml").code == 0
    saved = (folder / "mapping.toml").read_text(encoding="utf-8").replace("[staff.values", "# looked at by the analyst\n[staff.values", 1)
    (folder / "mapping.toml").write_text(saved, encoding="utf-8")
    cases = [{"Employee Number": f"E{i}", "Date Opened": "01/07/2024"} for i in range(3)]
    write_return(folder, {"ER cases.csv": cases}, org=False)
    res = cli("map", folder / "ER cases.csv", "--file", "disciplinary", "-o", folder / "mapping.toml")
    assert res.code == 0 and "1 decision left" in res.stderr  # Early Help, still undecided in the earlier file
    # an export it cannot place, in a folder mapped as a whole: the command for that export alone
    write_return(folder, {"Notes.csv": [{"Colour": "red", "Size": "9"}]}, org=False)
    said = " ".join(cli("map", folder, "-o", folder / "mapping.toml").stdout.split())
    assert f"to say which file Notes.csv is, run: wres map {folder / 'Notes.csv'} --file NAME -o {folder / 'mapping.toml'}" in said
    (folder / "Notes.csv").unlink()
    after = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert after.startswith(saved) and "[disciplinary]" in after[len(saved):]
    m, problems = mapping.load(folder / "mapping.toml")
    assert not problems and m is not None and m.files["disciplinary"].columns["staff_id"] == "Employee Number"
    # run from inside the return folder, as an analyst does: the folder here is the return (organisation.toml)
    res = run_command("map", "ER cases.csv", "--file", "disciplinary", "-o", "mapping.toml", cwd=folder)
    assert res.code == 0 and res.stderr.rstrip().endswith("run: wres validate ."), res.stderr
    assert (folder / "mapping.toml").read_text(encoding="utf-8") == after  # nothing new the second time


def test_a_mapping_written_in_another_toml_style_is_written_afresh_when_added_to() -> None:
    """Only lines of the shape wres writes are added to; a file the new lines would not read back as the mapping
    (its tables inline) is written whole, comments lost, rather than wrong."""
    earlier = '# mine\n[staff]\ncolumns = { staff_id = "Employee Number" }\n'
    new = mapping.Mapping({"staff": mapping.FileMap(columns={"staff_id": "Employee Number", "ethnicity": "Ethnic Origin"})})
    text = mapping.dumps(new)
    assert mapping.with_new_lines(earlier, text, new) == text
    kept = '# mine\n[staff]\ndate_order = "day-first"\n\n[staff.columns]  # ours\nstaff_id = "Employee Number"  # checked\n'
    merged = mapping.with_new_lines(kept, text, new)
    assert merged == kept + 'ethnicity = "Ethnic Origin"\n'


def test_wres_map_asks_every_letter_of_a_councils_own_code_set(tmp_path: Path, cli) -> None:
    """W, A, B, U in one column: A and B are NHS codes (White - British, White - Irish), but beside W and U,
    which the NHS has not, they are most likely the council's own (Asian, Black): each is a TODO, said so."""
    folder = tmp_path / "r"
    rows = [{("Ethnic Code" if k == "ethnicity" else k): v for k, v in person(f"E{i}", ethnicity=e).items()}
            for i, e in enumerate(["W", "A", "B", "U"] * 3)]
    write_return(folder, {"HR export.csv": rows})
    assert cli("map", folder / "HR export.csv", "-o", folder / "mapping.toml").code == 0
    m, _ = mapping.load(folder / "mapping.toml")
    assert m is not None and m.files["staff"].values["ethnicity"] == {v: mapping.TODO for v in "WABU"}
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert "A = \"TODO\"  # TODO: the NHS code for White - British, but U, W beside it are not the NHS's: which ethnicity is it?" in text


def test_a_report_workbooks_parameters_sheet_is_not_taken_for_its_staff_list(tmp_path: Path, cli) -> None:
    """Oracle and Unit4 reports put a Parameters or Summary sheet first. The workbook's name ("Staff List") fits
    every sheet, so each was taken for staff.csv, the first named as its sheet: the staff file is the sheet whose
    headings are its columns, and the others are said to be left out, also when the mapping is run again."""
    folder = tmp_path / "r"
    write_return(folder, {})
    wb = openpyxl.Workbook()
    params = wb.active
    params.title = "Parameters"
    for row in (("Parameter", "Value"), ("Business Group", "Eastmere Council"), ("Effective Date", "31-MAR-2025")):
        params.append(row)
    staff = wb.create_sheet("Staff List")
    staff.append(["Employee Number", "Ethnic Origin", "Directorate", "Senior Manager", "Registered SW", "Salary"])
    for i in range(12):
        staff.append([f"E{i}", "Indian" if i % 2 else "White British", "Adult Social Care", "N", "N", 31500])
    wb.save(folder / "Staff List 2025.xlsx")
    run = cli("map", folder)
    assert run.code == 0 and "sheet Parameters: left out (sheet Staff List is the staff file" in " ".join(run.stdout.split())
    m, _ = mapping.load(folder / "mapping.toml")
    assert m is not None and m.files["staff"].sheet == "Staff List" and m.files["staff"].columns["staff_id"] == "Employee Number"
    before = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert cli("map", folder).code == 0 and (folder / "mapping.toml").read_text(encoding="utf-8") == before  # run again: as it was


def test_a_mapping_for_an_export_does_not_read_a_file_under_the_contracts_name(demo: Path, tmp_path: Path) -> None:
    """The web service keeps an authority's saved mapping and reads every later upload through it: a mapping for
    last time's export ("HR Staff List March *.csv", its headings below a title on row 3) made a return in the
    contract's own shape unreadable ("has no column "Ethnic Origin"", its data's third row read as headings). A
    file under the contract's name, or a return workbook, is read as it is; an export the mapping names that is
    missing, with no such file in its place, is still said."""
    saved = ('[staff]\nfile = "HR Staff List March *.csv"\nheader_row = 3\n\n[staff.columns]\nstaff_id = "Employee Number"\n'
             'ethnicity = "Ethnic Origin"\n')
    files = ("staff", "disciplinary", "leavers")
    expected = pipeline.load(_contract(demo, tmp_path / "plain", files)).counts
    folder = _contract(demo, tmp_path / "folder", files)
    (folder / "mapping.toml").write_text(saved, encoding="utf-8")
    assert [p for p in pipeline.check(folder) if p.severity == "error"] == [] and pipeline.load(folder).counts == expected
    book = tmp_path / "book"
    book.mkdir()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in files:
        ws = wb.create_sheet(name)
        for row in csv.reader((demo / f"{name}.csv").open(encoding="utf-8")):
            ws.append(row)
    wb.save(book / "return.xlsx")
    shutil.copy(demo / "organisation.toml", book)
    (book / "mapping.toml").write_text(saved, encoding="utf-8")
    assert [p for p in pipeline.check(book / "return.xlsx") if p.severity == "error"] == []
    assert pipeline.load(book / "return.xlsx").counts == expected
    (folder / "staff.csv").unlink()
    assert any("as the staff file, and no file in" in p.message for p in pipeline.check(folder) if p.severity == "error")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_this_years_export_without_last_years_title_is_read_from_its_headings(kind: str, demo: Path, tmp_path: Path) -> None:
    """The mapping saved last year says header_row = 3 (a report's title above the headings); this year's export
    has none, or one more line of it. Its headings are read from the row that holds the mapping's headings, with
    a warning that says so, and the counts are the contract's."""
    expected = pipeline.load(_contract(demo, tmp_path / "plain", ("staff",))).counts
    rows = list(csv.reader((demo / "staff.csv").open(encoding="utf-8")))
    rows[0] = ["Employee Number", "Ethnic Origin", *rows[0][2:]]
    saved = '[staff]\nfile = "HR export *.{k}"\nheader_row = 3\n\n[staff.columns]\nstaff_id = "Employee Number"\nethnicity = "Ethnic Origin"\n'
    for above, found in (([], 1), ([["Staff in post"], ["Run 01/04/2026"], ["Page 1"]], 4)):
        folder = _contract(demo, tmp_path / f"{kind}{found}", ())
        (folder / "mapping.toml").write_text(saved.format(k=kind), encoding="utf-8")
        export = folder / f"HR export 2026.{kind}"
        if kind == "csv":
            _write_csv(export, above[0] if above else rows[0], [*above[1:], *([rows[0]] if above else []), *rows[1:]])
        else:
            wb = openpyxl.Workbook()
            for row in [*above, *rows]:
                wb.active.append(row)
            wb.save(export)
        problems = pipeline.check(folder)
        assert [p for p in problems if p.severity == "error"] == []
        (said,) = [p for p in problems if "headings on row" in p.message]
        assert said.message.startswith(f"has its headings on row {found}, not row 3 as the import mapping says") and said.rows == (found,)
        assert pipeline.load(folder).counts == expected


def test_wres_map_cannot_tell_an_export_of_no_known_shape_and_says_so(tmp_path: Path, cli) -> None:
    path = tmp_path / "export.csv"
    _write_csv(path, ["Colour", "Size"], [["red", "9"]])
    res = cli("map", path, "-o", tmp_path / "mapping.toml")
    assert res.code == 1 and f"say which file it is: wres map {path} --file NAME (NAME: staff, recruitment" in " ".join((res.stdout + res.stderr).split())
    assert not (tmp_path / "mapping.toml").exists()
    res = cli("map", path, "--file", "nonsense", "-o", tmp_path / "mapping.toml")
    assert res.code == 2 and "staff" in res.stderr


# --- problems name the user's own file, row and heading; a broken mapping gets a clear message, no output -

def _hr_folder(tmp_path: Path, mapping_text: str, rows: list[dict[str, object]] | None = None) -> Path:
    folder = tmp_path / "r"
    rows = rows or [
        {"Employee Number": f"E{i}", "Ethnic Origin": "Indian" if i % 2 else "White British", "Directorate": "ASC",
         "Senior Manager": "", "Registered SW": "N", "FTE Salary": "£31,500"} for i in range(12)
    ]
    write_return(folder, {"HR export 2025.csv": rows})
    (folder / "mapping.toml").write_text(mapping_text, encoding="utf-8")
    return folder


GOOD = '''[staff]
file = "HR export *.csv"
[staff.columns]
staff_id = "Employee Number"
ethnicity = "Ethnic Origin"
service = "Directorate"
senior_manager = "Senior Manager"
registered_professional = "Registered SW"
annual_salary = "FTE Salary"
[staff.values.senior_manager]
"" = "no"
"Senior Manager" = "yes"
'''


def test_a_problem_names_the_users_file_row_and_heading(tmp_path: Path, cli) -> None:
    rows = [{"Employee Number": f"E{i}", "Ethnic Origin": "Martian" if i == 12 else "Indian", "Directorate": "ASC", "Senior Manager": "",
             "Registered SW": "N", "FTE Salary": "£31,500"} for i in range(20)]
    folder = _hr_folder(tmp_path, GOOD, rows)
    res = cli("validate", folder)
    assert res.code == 1
    said = " ".join((res.stdout + res.stderr).split())
    assert 'HR export 2025.csv, row 14, column Ethnic Origin: "Martian" is not a recognised ethnicity' in said
    assert "[staff.values.ethnicity]" in said  # the fix says where the mapping could say what it means


def test_the_same_return_through_a_mapping_counts_as_in_contract_spellings(tmp_path: Path) -> None:
    folder = _hr_folder(tmp_path, GOOD)
    contract = write_return(tmp_path / "c", {"staff": [person(f"E{i}", "Indian" if i % 2 else "White British", salary=31500) for i in range(12)]})
    assert pipeline.load(folder).counts == pipeline.load(contract).counts


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (GOOD.replace('"FTE Salary"', '"Annual Salary"'),
         'HR export 2025.csv, row 1, column annual_salary: has no column "Annual Salary", which mapping.toml gives as its annual_salary'),
        (GOOD + '[staff.values.service]\n"ASC" = "adult social care services"\n',
         'mapping.toml, column [staff.values.service]: maps "ASC" to "adult social care services", which is not a value of service'),
        (GOOD.replace("[staff.columns]", "[staff.columns]\nstaff_id = 'Emp'"), "mapping.toml, row 5: is not a valid mapping file"),
        (GOOD.replace('staff_id = "Employee Number"', 'staff_id = Employee Number'), "mapping.toml, row 4: is not a valid mapping file"),
        (GOOD.replace("[staff.columns]", "[staff.columns]\ngrade = 'Grade'"), "mapping.toml, column [staff.columns] grade: grade is not a column of staff.csv"),
        (GOOD.replace("[staff]", "[staf]"), "mapping.toml, column [staf]: [staf] is not a file of the data contract"),
        (GOOD.replace('"HR export *.csv"', '"Payroll *.csv"'), 'gives "Payroll *.csv" as the staff file, and no file in r has that name'),
        (GOOD.replace('file = "HR export *.csv"', 'file = "HR export *.csv"\ndate_order = "US"'), 'date_order is "US"'),
    ],
    ids=["missing-heading", "value-not-in-contract", "key-twice", "unquoted", "unknown-column", "unknown-file", "no-such-export", "bad-order"],
)
def test_a_broken_mapping_gets_a_clear_message_and_no_output(text: str, said: str, tmp_path: Path, cli) -> None:
    folder = _hr_folder(tmp_path, text)
    res = cli("validate", folder)
    assert res.code == 1
    assert said in " ".join(res.stdout.split()), res.stdout
    out = tmp_path / "counts.csv"
    res = cli("counts", folder, "-o", out)
    assert res.code == 1 and not out.exists() and "Traceback" not in res.stdout + res.stderr
    res = cli("report", folder, "-o", tmp_path / "report")
    assert res.code == 1 and not (tmp_path / "report").exists()


def test_mapping_option_reads_a_return_with_another_mapping_file(tmp_path: Path, cli) -> None:
    folder = _hr_folder(tmp_path, "")
    (folder / "mapping.toml").unlink()
    (tmp_path / "eastmere.toml").write_text(GOOD, encoding="utf-8")
    assert cli("validate", folder).code == 1  # without it, HR export 2025.csv is nobody's staff.csv
    assert cli("validate", folder, "--mapping", tmp_path / "eastmere.toml").code == 0
    res = cli("metrics", folder, "--mapping", tmp_path / "nowhere.toml")
    assert res.code == 1 and "nowhere.toml" in res.stderr + res.stdout and "does not exist" in res.stderr + res.stdout
    res = cli("metrics", folder, "--mapping", tmp_path)  # a folder given for the file
    assert res.code == 1 and f"{tmp_path.name}: is a folder, not a mapping file" in " ".join((res.stderr + res.stdout).split())


def test_a_workbook_export_is_read_from_the_sheet_the_mapping_names(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    write_toml(folder / "organisation.toml", ORG)
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(("Exported from SAP",))
    ws = wb.create_sheet("Staff list")
    ws.append(("Pers.No.", "Ethnicity", "Service Area", "Senior Management", "Registered", "Salary", "Start Date"))
    for i in range(12):
        ws.append((f"P{i}", "Pakistani", "Adults and Health", "No", False, 30000 + i, 45383 if i % 2 else dt.date(2024, 4, 1)))
    wb.save(folder / "SAP export.xlsx")
    (folder / "mapping.toml").write_text('''[staff]
file = "SAP export.xlsx"
sheet = "Staff list"
[staff.columns]
staff_id = "Pers.No."
ethnicity = "Ethnicity"
service = "Service Area"
senior_manager = "Senior Management"
registered_professional = "Registered"
annual_salary = "Salary"
start_date = "Start Date"
[staff.values.service]
"Adults and Health" = "adults"
''', encoding="utf-8")
    from wres.read import read_return
    from wres.validate import validate

    chk = validate(read_return(folder))
    assert not chk.errors, chk.errors
    got = chk.ret.con.execute("SELECT DISTINCT start_date FROM t_staff").fetchall()
    assert got == [(dt.date(2024, 4, 1),)]  # the serial 45383 and the date cell are the same day
    assert not validate(read_return(folder / "SAP export.xlsx")).errors  # the export given itself, its mapping beside it
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    (folder / "mapping.toml").write_text(text.replace('"Staff list"', '"Staf list"'), encoding="utf-8")
    [p] = validate(read_return(folder)).errors
    assert (p.file, p.message) == ("SAP export.xlsx", 'has no sheet "Staf list", which mapping.toml gives as the staff sheet')
    assert "Notes, Staff list" in p.fix


# --- the mapping file itself ------------------------------------------------------------------------------

def test_a_saved_mapping_reads_back_as_it_was_with_any_spelling_in_it(tmp_path: Path) -> None:
    m = mapping.Mapping({"staff": mapping.FileMap(file='HR "export" *.csv', date_order="month-first",
                                                  columns={"ethnicity": "Ethnic Origin", "service": "Dept\\Team"},
                                                  values={"service": {'Children\'s "Services"': "children", "": "adults", "ÀSC\t": "adults"}})})
    mapping.save(m, tmp_path / "mapping.toml", {("staff", "columns", "ethnicity"): "guessed"})
    back, problems = mapping.load(tmp_path / "mapping.toml")
    assert not problems and back is not None
    assert back.files == m.files


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(STAFF_COLUMNS), names=st.lists(st.text("abcdefghijklmnopqrstuvwxyz _-.()", min_size=1, max_size=12).filter(str.strip),
                                                            min_size=7, max_size=7, unique_by=lambda s: s.strip().lower()))
def test_any_order_and_any_headings_through_a_mapping_give_the_same_counts(order: tuple[str, ...], names: list[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    tmp = tmp_path_factory.mktemp("perm")
    people = [person(f"E{i}", ("Indian", "White British", "Black African", "Not stated")[i % 4], ("adults", "children")[i % 3 == 0],
                     ("yes", "no")[i % 5 > 0], ("yes", "no")[i % 2], 20000 + 1000 * i) | {"start_date": "2020-01-01"} for i in range(40)]
    contract = write_return(tmp / "c", {"staff": people})
    headings = {c: f"{n.strip()} {i}" for i, (c, n) in enumerate(zip(order, names))}  # the mapping's headings, not the contract's
    renamed = [{headings[c]: p[c] for c in order} for p in people]
    folder = write_return(tmp / "e", {"export.csv": renamed})
    mapping.save(mapping.Mapping({"staff": mapping.FileMap(file="export.csv", columns=headings)}), folder / "mapping.toml")
    assert pipeline.load(folder).counts == pipeline.load(contract).counts


def test_a_mapping_that_cannot_be_read_as_text_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "mapping.toml").write_bytes(b"[staff]\nfile = \"\x81\x8d\"\n")  # neither UTF-8 nor Windows-1252 (which is read)
    m, problems = mapping.load(tmp_path / "mapping.toml")
    assert m is None and "not UTF-8" in problems[0].message
    with pytest.raises(InvalidInput):
        pipeline.load(_hr_folder(tmp_path, "x = [", None))


def test_a_heading_renamed_since_the_saved_mapping_is_found_again_or_flagged() -> None:
    saved = mapping.Mapping({"staff": mapping.FileMap(file="HR export *.csv", columns={
        "staff_id": "Employee Number", "ethnicity": "Ethnic Origin", "start_date": "Date Started"})})
    export = mapping.Export("HR export 2026.csv", ["Employee Number", "Ethnic Group", "Directorate", "Start"], {"Directorate": ["ASC"]})
    done = mapping.suggest([export], saved)
    columns = done.mapping.files["staff"].columns
    assert columns["ethnicity"] == "Ethnic Group" and "no 'Ethnic Origin'" in done.notes[("staff", "columns", "ethnicity")]
    assert columns["start_date"] == "Date Started" and done.notes[("staff", "columns", "start_date")].startswith("TODO")
    assert any("'Date Started' (your mapping's start_date) is not in this export" in line for line in done.summary)
    assert saved.files["staff"].columns["ethnicity"] == "Ethnic Origin"  # the saved mapping itself is left as it was


def test_a_survey_export_with_question_headings_and_its_own_scale_is_mapped() -> None:
    export = mapping.Export("Staff Survey 2024 results.csv",
                            ["Response ID", "Ethnic background", "Which directorate do you work in?", "Q12a Harassment from public",
                             "Q12b Harassment from colleagues", "Q12c Harassment from managers", "Service start date"],
                            {"Q12a Harassment from public": ["Never", "1 to 2 times", "3 to 5 times", "6 to 10 times", "More than 10 times"],
                             "Which directorate do you work in?": ["Adults", "Children's"]})
    done = mapping.suggest([export])
    fm = done.mapping.files["survey"]
    assert fm.columns == {"respondent_id": "Response ID", "ethnicity": "Ethnic background", "service": "Which directorate do you work in?",
                          "abuse_public": "Q12a Harassment from public", "abuse_colleagues": "Q12b Harassment from colleagues",
                          "abuse_managers": "Q12c Harassment from managers"}
    # every answer is the scale's own, as survey tools write it ("1 to 2 times", "More than 10 times"): no line needed
    assert "abuse_public" not in fm.values
    assert done.todo == 0


_TOML_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(st.sampled_from(["staff", "leavers", "survey", "nonsense", ""]), st.dictionaries(
    st.sampled_from(["file", "sheet", "date_order", "columns", "values", "other"]),
    _TOML_VALUES | st.dictionaries(st.sampled_from(["staff_id", "service", "ethnicity", "date", "x"]), _TOML_VALUES, max_size=3), max_size=4) | _TOML_VALUES))
def test_any_shape_of_mapping_file_gives_problems_never_a_traceback(data: dict[str, object]) -> None:
    m, problems = mapping.parse(data)
    assert isinstance(m, mapping.Mapping) and all(p.file == mapping.FILE and p.message and p.fix for p in problems)
    assert mapping.parse(tomllib.loads(mapping.dumps(m)))[0].files == m.files  # what was understood saves and reads back


def test_wres_map_given_a_folder_with_no_export_or_an_unreadable_export_says_so(demo: Path, tmp_path: Path, cli) -> None:
    (tmp_path / "x.csv").write_bytes(b"Employee Number,Ethnic Origin\n1,\x81\n")  # neither UTF-8 nor Windows-1252 (which is read)
    named = tmp_path / "named"  # a return whose files are the contract's already, headings and spellings: nothing to map
    named.mkdir()
    shutil.copy(demo / "staff.csv", named / "staff.csv")
    for path, said in ((named, "holds no export to map"), (tmp_path, "is not UTF-8 encoded"), (tmp_path / "x.csv", "is not UTF-8 encoded"),
                       (tmp_path / "y.csv", "does not exist")):
        res = cli("map", path, "-o", tmp_path / "mapping.toml")
        assert res.code == 1 and said in res.stderr and not (tmp_path / "mapping.toml").exists()


def test_wres_map_given_the_returns_folder_maps_its_exports_into_its_mapping(demo: Path, tmp_path: Path, cli) -> None:
    """`wres map my-return` reads the folder's exports (not the files already named as the contract's) and writes
    my-return/mapping.toml, where wres validate reads it."""
    folder = _contract(demo, tmp_path / "return", ("leavers",))
    header, rows = _export(_rows(demo / "staff.csv"), SYSTEMS["itrent"][1], _itrent)
    _write_csv(folder / "HR export 2025.csv", header, rows)
    res = cli("map", folder)
    said = " ".join((res.stdout + res.stderr).split())
    assert res.code == 0 and "HR export 2025.csv → staff.csv" in said and "leavers.csv →" not in said, said
    assert f"run: wres validate {folder}" in said
    m, problems = mapping.load(folder / "mapping.toml")
    assert not problems and m is not None and list(m.files) == ["staff"]


def test_a_saved_file_name_that_does_not_find_this_years_export_is_renewed_and_said() -> None:
    saved = mapping.Mapping({"staff": mapping.FileMap(file="Establishment 2025.csv", columns={"staff_id": "Employee Number"})})
    done = mapping.suggest([mapping.Export("Staff establishment March 2026.csv", ["Employee Number", "Ethnic Origin", "Directorate"], {})], saved, file="staff")
    assert done.mapping.files["staff"].file == "Staff establishment March *.csv"
    assert done.notes[("staff", "file")] == "new: was 'Establishment 2025.csv'"
    # two exports that one wildcard name would both match keep their own names
    assert mapping.file_glob("Leavers 2024.csv", ["Leavers 2024.csv", "Leavers 2025.csv"]) == "Leavers 2024.csv"


# --- the NHS WRES: an ESR-style staff export and a Staff Survey extract -------------------------------------

def test_an_nhs_trusts_exports_are_mapped_to_the_nhs_wres_files_and_counted_as_its_contract(tmp_path: Path, cli) -> None:
    """An ESR-style staff list (AfC Band, Staff Group, board columns) and a survey by question number: `wres map`
    takes them for the NHS WRES's files, guesses clinical from the staff group, and the return read through the
    mapping gives the counts of the same return in the contract's spellings."""
    from tests.test_nhs_input import NHS_ORG, STAFF, SURVEY, SURVEY_COLUMNS

    group = {"yes": ("Nursing and Midwifery Registered", "Medical and Dental", "Allied Health Professionals", "yes"),
             "no": ("Administrative and Clerical", "Estates and Ancillary", "Non-clinical", "no")}
    contract_clinical = {"clinical": "yes", "yes": "yes", "y": "yes", "no": "no", "non-clinical": "no"}
    folder = tmp_path / "esr"
    folder.mkdir()
    write_toml(folder / "organisation.toml", NHS_ORG)
    rows = [[r["staff_id"], r["ethnicity"] or "", r["pay_band"], group[contract_clinical[r["clinical"].lower()]][i % 3],
             "Y" if r["board_voting"] == "yes" else "N", "Y" if r["board_executive"] == "yes" else "N", "Nurse"] for i, r in enumerate(STAFF)]
    _write_csv(folder / "ESR staff in post.csv", ["Employee Number", "Ethnic Origin", "AfC Band", "Staff Group",
                                                   "Voting board member", "Executive director", "Job Title"], rows)
    survey = [[r["ethnicity"], *[r[q] or "" for q in SURVEY_COLUMNS]] for r in SURVEY]
    _write_csv(folder / "Staff Survey extract.csv", ["Ethnicity", "Q14a", "Q14b", "Q14c", "Q15", "Q16b"], survey)

    res = cli("map", folder / "ESR staff in post.csv", folder / "Staff Survey extract.csv", "-o", folder / "mapping.toml")
    assert res.code == 0, res.stdout + res.stderr
    saved = tomllib.loads((folder / "mapping.toml").read_text(encoding="utf-8"))
    assert saved["staff"]["columns"] == {"staff_id": "Employee Number", "ethnicity": "Ethnic Origin", "pay_band": "AfC Band",
                                         "clinical": "Staff Group", "board_voting": "Voting board member",
                                         "board_executive": "Executive director"}
    assert saved["staff"]["values"]["clinical"] == {"Nursing and Midwifery Registered": "yes", "Medical and Dental": "yes",
                                                    "Allied Health Professionals": "yes", "Administrative and Clerical": "no",
                                                    "Estates and Ancillary": "no"}
    assert saved["survey"]["columns"] == {"harassment_public": "Q14a", "harassment_managers": "Q14b",
                                          "harassment_colleagues": "Q14c", "equal_opportunities": "Q15", "discrimination_colleagues": "Q16b"}
    mapped = pipeline.load(folder)
    contract = pipeline.load(write_return(tmp_path / "contract", {"staff": STAFF, "survey": SURVEY}, org=NHS_ORG))
    assert mapped.counts.cells == contract.counts.cells and mapped.counts.standard.id == "nhs-wres"


def test_wres_map_judges_a_trusts_export_by_the_standard_its_organisation_toml_names(tmp_path: Path, cli) -> None:
    """An ESR export whose headings fit both standards equally (ID, ethnicity, and a Directorate that is a
    council's service heading): beside an organisation.toml of the NHS WRES it is mapped to the NHS WRES's
    columns and asked for theirs, never asked which directorates are adult or children's social care. Alone,
    with no organisation.toml, it is guessed as before."""
    from tests.test_nhs_input import NHS_ORG

    folder = tmp_path / "esr"
    folder.mkdir()
    write_toml(folder / "organisation.toml", NHS_ORG)
    _write_csv(folder / "ESR staff.csv", ["Employee Number", "Ethnic Origin", "Directorate", "AfC Band"],
               [["E1", "A White - British", "Surgery", "Band 5"], ["E2", "H Asian or Asian British - Indian", "Medicine", "Band 6"]])
    res = cli("map", folder)
    assert res.code == 0, res.stdout + res.stderr
    saved = tomllib.loads((folder / "mapping.toml").read_text(encoding="utf-8"))
    assert saved["staff"]["columns"] == {"staff_id": "Employee Number", "ethnicity": "Ethnic Origin", "pay_band": "AfC Band"}
    assert "values" not in saved["staff"]
    assert "no heading found for: clinical, board_voting, board_executive" in res.stdout and "service" not in res.stdout

    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(folder / "ESR staff.csv", alone)
    res = cli("map", alone / "ESR staff.csv", "-o", alone / "mapping.toml")
    assert res.code == 0 and "'Directorate' → service" in res.stdout, res.stdout


def test_a_trusts_band_spellings_wres_does_not_know_are_asked_and_the_answers_are_read(tmp_path: Path, cli) -> None:
    """An NHS band is the standard's own label: a spelling of it ESR uses is read as it is ("AfC Band 7"),
    one wres does not know is a TODO in the mapping, with the nearest label where one is near, never guessed;
    once answered, the return counts it as that band, and an answer that is no band is an error."""
    from tests.test_nhs_input import NHS_ORG, STAFF

    folder = tmp_path / "esr"
    folder.mkdir()
    write_toml(folder / "organisation.toml", NHS_ORG)
    spell = {"Band 7": "AfC Band 7", "Band 6": "Non AfC Grade", "Band 2": "Bnad 2"}
    rows = [[r["staff_id"], r["ethnicity"] or "", spell.get(r["pay_band"], r["pay_band"]), r["clinical"], r["board_voting"], r["board_executive"]]
            for r in STAFF]
    _write_csv(folder / "ESR staff.csv", ["Employee Number", "Ethnic Origin", "AfC Band", "clinical", "board_voting", "board_executive"], rows)
    res = cli("map", folder)
    assert res.code == 0, res.stdout + res.stderr
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    saved = tomllib.loads(text)
    assert saved["staff"]["values"]["pay_band"] == {"Non AfC Grade": "TODO", "Bnad 2": "TODO"}  # AfC Band 7 is read as it is
    assert '"Bnad 2" = "TODO"  # TODO: which band? nearest: Band 2' in text
    assert pipeline.check(folder) and cli("validate", folder).code == 1  # a TODO is a decision left
    (folder / "mapping.toml").write_text(text.replace('"Non AfC Grade" = "TODO"', '"Non AfC Grade" = "Band 6"').replace('"Bnad 2" = "TODO"', '"Bnad 2" = "Band 2"'),
                                         encoding="utf-8")
    assert not [p for p in pipeline.check(folder) if p.severity == "error"]
    contract = write_return(tmp_path / "contract", {"staff": STAFF}, org=NHS_ORG)
    assert pipeline.load(folder).counts.cells == pipeline.load(contract).counts.cells
    (folder / "mapping.toml").write_text(text.replace('"Non AfC Grade" = "TODO"', '"Non AfC Grade" = "Band 10"'), encoding="utf-8")
    said = [p.message for p in pipeline.check(folder) if p.severity == "error"]
    assert 'maps "Non AfC Grade" to "Band 10", which is not a value of pay_band' in said, said


@pytest.mark.parametrize("text", ['standard = "nhs-wres', 'standard = "no-such-standard"', "standard = 3", "[[[", ""])
def test_an_organisation_toml_wres_map_cannot_read_names_no_standard(tmp_path: Path, text: str) -> None:
    """`wres map` only reads which standard organisation.toml names: a broken or unknown one names none (the
    export's headings decide, and wres validate says what is wrong with the file); a file without the setting
    names the default, as the contract says."""
    from wres import organisation, standards

    path = tmp_path / "organisation.toml"
    path.write_text(text, encoding="utf-8")
    expected = standards.DEFAULT if text == "" else None
    assert getattr(organisation.named_standard(path), "id", None) == expected
    assert organisation.named_standard(tmp_path / "missing.toml") is None
    assert organisation.named_standard(tmp_path) is None  # a folder where the file would be


@pytest.mark.parametrize("seen,blanks,target,note", [
    (["Y", "N"], 1, mapping.TODO, "TODO: 1 blank cell: yes or no?"),
    (["Y", "N"], 3, mapping.TODO, "TODO: 3 blank cells: yes or no?"),
    (["Y"], 1, "no", "guessed: 1 blank cell read as no"),
])
def test_blank_yes_no_cells_are_counted_in_the_note(seen: list[str], blanks: int, target: str, note: str) -> None:
    """A yes/no column with blank cells: the note says how many, in English; blanks beside only yes are read as no."""
    export = mapping.Export("HR export 2025.csv", ["Employee Number", "Ethnic Origin", "Directorate", "Senior Manager?"],
                            {"Directorate": ["Adult Social Care"], "Senior Manager?": seen}, blanks={"Senior Manager?": blanks})
    done = mapping.suggest([export], None)
    assert done.mapping.files["staff"].values["senior_manager"][""] == target
    assert done.notes[("staff", "values", "senior_manager", "")] == note


@pytest.mark.parametrize("system", ["itrent", "sap"])  # a CSV and a workbook
def test_a_reports_title_above_its_headings_is_mapped_as_header_row_and_rows_keep_their_numbers(system: str, demo: Path, tmp_path: Path, cli) -> None:
    """HR systems' reports put a title (and a blank row) above the headings: wres map finds the headings
    below it and says so (header_row = 3); the return then reads to the contract's counts, and a bad
    value is named at the row the spreadsheet shows."""
    folder = tmp_path / "return"
    export = _write_system(system, demo, folder, title="Establishment report: snapshot as at 31/03/2025")
    shutil.copy(demo / "organisation.toml", folder)
    res = cli("map", export, "-o", folder / "mapping.toml")
    assert res.code == 0, res.stderr
    assert "headings on row 3, below the title 'Establishment report: snapshot as at 31/03/2025'" in " ".join(res.stdout.split())
    m, problems = mapping.load(folder / "mapping.toml")
    assert not problems and m is not None
    assert m.files["staff"].header_row == 3
    assert m.files["staff"].columns == {c: h for c, h in SYSTEMS[system][1].items() if h.lower() != c}
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert "header_row = 3  # guessed: a title ('Establishment report: snapshot as at 31/03/2025') is above the headings" in text
    assert cli("validate", folder).code == 0
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff",)))
    assert pipeline.load(folder).counts == expected.counts
    # the fifth person's service made wrong: their row is 3 (headings) + 5 = 8, as the spreadsheet shows it
    service = SYSTEMS[system][1]["service"]
    if export.suffix == ".csv":
        with export.open(encoding="utf-8", newline="") as f:
            lines = f.readlines()
        cells = next(csv.reader([lines[7]]))
        cells[list(SYSTEMS[system][1]).index("service")] = "Housing"
        with export.open("w", encoding="utf-8", newline="") as f:
            f.writelines(lines[:7])
            csv.writer(f).writerow(cells)
            f.writelines(lines[8:])
    else:
        wb = openpyxl.load_workbook(export)
        col = [c.value for c in wb.active[3]].index(service) + 1
        wb.active.cell(8, col).value = "Housing"
        wb.save(export)
    bad = cli("validate", folder)
    said = " ".join(bad.stdout.split())
    assert bad.code == 1 and f'row 8, column {service}' in said and '"Housing" is not a service' in said, said


@pytest.mark.parametrize("system", ["itrent", "sap"])  # a CSV and a workbook
def test_group_headings_above_the_headings_are_read_as_a_title(system: str, demo: Path, tmp_path: Path, cli) -> None:
    """A hand-made sheet's row of group headings ("Employee details", "Pay and grade"), each over several columns,
    above the headings: wres map finds the headings on the row that holds known ones (header_row = 2) and the
    return counts as the contract's; the same export named as the contract's file is said as headings on row 2,
    not as every column missing."""
    folder = tmp_path / "return"
    export = _write_system(system, demo, folder, groups=True)
    shutil.copy(demo / "organisation.toml", folder)
    res = cli("map", export, "-o", folder / "mapping.toml")
    assert res.code == 0 and "headings on row 2, below the title 'Employee details, Role, Pay and grade" in " ".join(res.stdout.split()), res.stdout
    m, _ = mapping.load(folder / "mapping.toml")
    assert m is not None and m.files["staff"].header_row == 2
    assert pipeline.load(folder).counts == pipeline.load(_contract(demo, tmp_path / "contract", ("staff",))).counts
    named = tmp_path / "named"
    named.mkdir()
    shutil.copy(demo / "organisation.toml", named)
    if export.suffix == ".xlsx":  # the return's workbook: a sheet named as the file
        wb = openpyxl.load_workbook(export)
        wb.active.title = "staff"
        wb.save(named / "return.xlsx")
    else:
        shutil.copy(export, named / "staff.csv")
    said = " ".join(cli("validate", named).stdout.split())
    assert "has a title on its first row ('Employee details, Role, Pay and grade" in said and "headings seem to be on row 2" in said, said
    assert "has no column" not in said


@pytest.mark.parametrize("row,ok", [(3, True), (1, True), (0, False), (101, False), ("3", False), (True, False)])
def test_header_row_is_a_row_number(row: object, ok: bool) -> None:
    m, problems = mapping.parse({"staff": {"header_row": row}})
    assert (not problems) is ok
    if ok:
        assert m.files["staff"].header_row == row and m.header_row("staff") == row and m.header_row("leavers") == 1
        assert (f"header_row = {row}" in mapping.dumps(m)) is (row != 1)
    else:
        assert problems[0].column == "[staff] header_row" and "from 1 to 100" in problems[0].fix


def test_a_status_column_gives_shortlisted_and_appointed(demo: Path, tmp_path: Path, cli) -> None:
    """An applicant tracking system writes one "Application Status", not a yes/no column each: wres map gives it
    to both, says of each stage whether it is shortlisted and appointed ([stage_values]), and the return then
    counts as the contract's with no decision left; a status left out is named with the column it is read as."""
    folder = tmp_path / "return"
    folder.mkdir()
    shutil.copy(demo / "organisation.toml", folder)
    shutil.copy(demo / "staff.csv", folder)
    header = ["Candidate Ref", "Vacancy Directorate", "Ethnic Origin", "Application Status", "Date Applied"]
    status = {("no", "no"): "Rejected at Sift", ("yes", "no"): "Interviewed - Unsuccessful", ("yes", "yes"): "Appointed"}
    rows = [[r["applicant_id"], {"adults": "Adult Social Care", "children": "Children's Services"}[r["service"]], r["ethnicity"],
             status[(r["shortlisted"], r["appointed"])], r["date"]] for r in _rows(demo / "recruitment.csv")]
    export = folder / "Tribepad applications 2024-25.csv"
    _write_csv(export, header, rows)
    res = cli("map", export, "-o", folder / "mapping.toml")
    assert res.code == 0, res.stderr
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert ('shortlisted = "Application Status"  # guessed: one status column, \'Application Status\', gives shortlisted and appointed'
            in text), text
    m, problems = mapping.load(folder / "mapping.toml")
    assert not problems and m is not None
    assert m.files["recruitment"].columns["appointed"] == "Application Status"
    assert m.files["recruitment"].values["shortlisted"] == {v: short for (short, _), v in status.items()}
    assert m.files["recruitment"].values["appointed"] == {v: appointed for (_, appointed), v in status.items()}
    assert "guessed: the stage 'Interviewed - Unsuccessful' is not appointed" in text and "decisions left" not in res.stdout
    assert cli("validate", folder).code == 0
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff", "recruitment")))
    assert pipeline.load(folder).counts == expected.counts
    rows[2][3] = "Withdrawn"
    _write_csv(export, header, rows)
    said = " ".join(cli("validate", folder).stdout.split())
    assert 'row 4, column Application Status (as appointed): "Withdrawn" is not yes or no' in said
    assert "under [recruitment.values.shortlisted]" in said and "under [recruitment.values.appointed]" in said


# Stages as applicant tracking systems write them → (shortlisted, appointed); TODO where it depends on the process.
STAGES = {"Rejected at sift": ("no", "no"), "Not Shortlisted": ("no", "no"), "Application Received": ("no", "no"),
          "Shortlisting - Rejected": ("no", "no"), "Sifted out": ("no", "no"), "Shortlisted": ("yes", "no"),
          "Invited to Interview": ("yes", "no"), "Interview - Unsuccessful": ("yes", "no"), "Interview - Not Appointed": ("yes", "no"),
          "Did not attend interview": ("yes", "no"), "No show": ("yes", "no"), "Reserve list": ("yes", "no"),
          "Offer Declined": ("yes", "no"), "Offer Withdrawn": ("yes", "no"), "Offer Accepted": ("yes", "yes"), "Hired": ("yes", "yes"),
          "Appointed": ("yes", "yes"), "New Starter": ("yes", "yes"), "Conditional Offer": ("yes", mapping.TODO),
          "Offer Made": ("yes", mapping.TODO), "Withdrawn": (mapping.TODO, "no"), "Withdrawn by Applicant": (mapping.TODO, "no"),
          "Rejected": (mapping.TODO, "no"), "Unsuccessful": (mapping.TODO, "no"), "Talent pool": (mapping.TODO, mapping.TODO)}


def test_each_stage_of_an_applicant_tracking_system_says_shortlisted_and_appointed_or_is_asked(tmp_path: Path) -> None:
    """The furthest stage reached, under a heading that holds a known one ("Furthest Stage Reached"), not a
    "DBS Status" beside it: each stage is read as shortlisted and appointed where its words say so, asked where
    they do not (whether someone who withdrew had been shortlisted is the analyst's to say), and a plain yes/no
    column's values stay yes and no."""
    export = tmp_path / "Oleeo applications.csv"
    stages = list(STAGES)
    _write_csv(export, ["Application ID", "Ethnic Group", "Department", "DBS Status", "Furthest Stage Reached (latest)"],
               [[f"A{i}", "Indian", "Adults", "Clear", stages[i % len(stages)]] for i in range(3 * len(stages))])
    exports, problems = mapping.read_export(export)
    assert not problems
    got = mapping.suggest(exports).mapping.files["recruitment"]
    assert got.columns["shortlisted"] == got.columns["appointed"] == "Furthest Stage Reached (latest)"
    assert {v: (got.values["shortlisted"][v], got.values["appointed"][v]) for v in stages} == STAGES
    _write_csv(export, ["Application ID", "Ethnic Group", "Department", "Shortlisted", "Appointed"],
               [["A1", "Indian", "Adults", "Y - interviewed", "No show"], ["A2", "Indian", "Adults", "N", "N"]])
    exports, _ = mapping.read_export(export)
    got = mapping.suggest(exports).mapping.files["recruitment"]
    assert got.values == {"shortlisted": {"Y - interviewed": "yes"}, "appointed": {"No show": "no"}}


@pytest.mark.parametrize("columns,ok", [({"shortlisted": "Status", "appointed": "Status"}, True),
                                        ({"ethnicity": "Status", "service": "Status"}, False),
                                        ({"shortlisted": "Status", "service": "status"}, False)])
def test_only_a_status_column_may_give_several_columns(columns: dict[str, str], ok: bool) -> None:
    m, problems = mapping.parse({"recruitment": {"columns": columns}})
    assert (not problems) is ok, problems
    if ok:
        assert m.renames("recruitment") == {"status": ("shortlisted", "appointed")}
    else:
        assert "is given for both" in problems[0].message


CASES_HEADER = ["Employee Number", "Ethnic Origin", "Service", "Case Type", "Case Start Date"]


def _er_cases(demo: Path) -> list[list[str]]:
    """An ER casework export: the demo's disciplinary cases among grievance and capability cases, some of
    those with values no contract file reads (they are not the file's rows)."""
    rows = [[r["staff_id"], r["ethnicity"], r["service"], "Disciplinary", r["date"]] for r in _rows(demo / "disciplinary.csv")]
    others = [["S000001", "Martian", "adults", "Grievance", "2024-07-01"], ["S000002", "White", "housing", "Capability ", "2024-08-01"],
              ["S000003", "Indian", "children", "Sickness absence", "not a date"]]
    return [others[0], *rows[:3], others[1], *rows[3:], others[2]]


def _write_cases(path: Path, rows: list[list[str]]) -> None:
    if path.suffix == ".csv":
        _write_csv(path, CASES_HEADER, rows)
        return
    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({h: [r[i] for r in rows] for i, h in enumerate(CASES_HEADER)}), path)
        return
    wb = openpyxl.Workbook()
    for r in [CASES_HEADER, *rows]:
        wb.active.append(r)
    wb.save(path)


@pytest.mark.parametrize("kind", ["csv", "xlsx", "parquet"])
def test_only_the_rows_the_mapping_keeps_are_read_and_numbered_as_the_file_shows(kind: str, demo: Path, tmp_path: Path, cli) -> None:
    folder = _contract(demo, tmp_path / "return", ("staff",))
    rows = _er_cases(demo)
    _write_cases(folder / f"ER cases 2024-25.{kind}", rows)
    (folder / "mapping.toml").write_text(
        f'[disciplinary]\nfile = "ER cases *.{kind}"\n[disciplinary.columns]\nstaff_id = "Employee Number"\nethnicity = "Ethnic Origin"\n'
        'date = "Case Start Date"\n[disciplinary.rows]\n"Case Type" = ["disciplinary", "Disciplinary hearing"]\n', encoding="utf-8")
    res = cli("validate", folder)
    said = " ".join(res.stdout.split())
    assert res.code == 0, said
    assert '3 rows left out: mapping.toml keeps only the rows where Case Type is "disciplinary" or "Disciplinary hearing"' in said
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff", "disciplinary")))
    assert pipeline.load(folder).counts == expected.counts
    # a bad value on a kept row is named at the row the file shows: the second case is row 4 (a grievance above it)
    rows[2][2] = "Housing"
    _write_cases(folder / f"ER cases 2024-25.{kind}", rows)
    said = " ".join(cli("validate", folder).stdout.split())
    assert ("row 4, column Service (C)" if kind == "xlsx" else "row 4, column service") in said and '"Housing" is not a service' in said, said
    # a heading the rows are chosen by that the export does not have is an error, and nothing is read
    (folder / "mapping.toml").write_text((folder / "mapping.toml").read_text(encoding="utf-8").replace('"Case Type" =', '"Case Category" ='), encoding="utf-8")
    said = " ".join(cli("validate", folder).stdout.split())
    assert 'has no column "case category", which mapping.toml gives under [disciplinary.rows] to choose the rows by' in said


@pytest.mark.parametrize("rows,ok", [({"Case Type": ["Disciplinary"]}, True), ({"Case Type": "Disciplinary"}, True),
                                     ({"Case Type": []}, False), ({"Case Type": [3]}, False), ({"Case Type": [""]}, False)])
def test_rows_kept_are_a_heading_and_its_spellings(rows: dict[str, object], ok: bool) -> None:
    m, problems = mapping.parse({"disciplinary": {"rows": rows}})
    assert (not problems) is ok, problems
    if ok:
        assert m.files["disciplinary"].rows == {"Case Type": ["Disciplinary"]}
        keep = m.keep("disciplinary")
        assert keep is not None and keep.rows == {"case type": ("disciplinary",)} and m.keep("staff") is None
        again, more = mapping.parse(tomllib.loads(mapping.dumps(m)))
        assert not more and again.files["disciplinary"].rows == m.files["disciplinary"].rows
    else:
        assert problems[0].column.startswith("[disciplinary.rows]")


def test_wres_map_keeps_only_the_files_rows_and_asks_only_about_their_spellings(demo: Path, tmp_path: Path, cli) -> None:
    """An ER casework export of every case type: wres map keeps only the disciplinary cases ([disciplinary.rows],
    guessed and said), reads the export again through them, so it never asks what a grievance's "Martian"
    means; the return then counts as the contract's. Run again, it keeps the rows as saved."""
    folder = _contract(demo, tmp_path / "return", ("staff",))
    export = folder / "ER cases 2024-25.csv"
    _write_cases(export, _er_cases(demo))
    first = cli("map", export, "--file", "disciplinary", "-o", folder / "mapping.toml")
    assert first.code == 0, first.stderr
    assert "only the rows whose 'Case Type' is 'Disciplinary' are read (check [disciplinary.rows])" in first.stdout
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert ('"Case Type" = ["Disciplinary"]  # guessed: the rows of other \'Case Type\' (Grievance, Capability, Sickness absence) '
            "are not disciplinary rows") in text, text
    assert "Martian" not in text and "housing" not in text and '= "TODO"' not in text
    assert cli("validate", folder).code == 0
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff", "disciplinary")))
    assert pipeline.load(folder).counts == expected.counts
    again = cli("map", export, "-o", folder / "mapping.toml")
    assert again.code == 0 and (folder / "mapping.toml").read_text(encoding="utf-8").count('"Case Type" = ["Disciplinary"]') == 1

def test_an_outcome_that_names_misconduct_does_not_choose_the_rows() -> None:
    """Only a case-type column chooses the rows: an outcome column ("Dismissed - gross misconduct") of an export
    of disciplinary cases alone must not leave its other cases out."""
    export = mapping.Export("Disciplinary cases 2024-25.csv", ["Employee Number", "Ethnic Origin", "Directorate", "Case Start Date", "Outcome"],
                            {"Directorate": ["Adults"], "Outcome": ["Dismissed - gross misconduct", "Disciplinary warning", "No case to answer"]})
    assert not mapping.suggest([export], file="disciplinary").mapping.files["disciplinary"].rows
    typed = mapping.Export("ER cases.csv", ["Employee Number", "Ethnic Origin", "Case Type"], {"Case Type": ["Disciplinary", "Grievance"]})
    assert mapping.suggest([typed], file="disciplinary").mapping.files["disciplinary"].rows == {"Case Type": ["Disciplinary"]}


def test_wres_map_does_not_ask_about_excel_errors_and_says_where_they_are() -> None:
    ex = mapping.Export("HR export.csv", ["Employee Number", "Ethnic Origin", "Directorate"],
                        {"Ethnic Origin": ["White British", "#N/A", "Carribean"], "Directorate": ["Adult Social Care", "#REF!"]})
    done = mapping.suggest([ex], file="staff")
    assert set(done.mapping.files["staff"].values.get("ethnicity", {})) == {"Carribean"}
    assert "service" not in done.mapping.files["staff"].values
    assert "  'Ethnic Origin' holds Excel errors (#N/A): correct the formulas that gave them" in done.summary
    assert "  'Directorate' holds Excel errors (#REF!): correct the formulas that gave them" in done.summary


SURVEYMONKEY = ["Respondent ID", "Collector ID", "Start Date", "End Date", "What is your ethnic group?", "Which service do you work in?",
                "Q12a Harassment from public", "Q12b Harassment from colleagues", "Q12c Harassment from managers"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_surveymonkey_export_s_second_heading_row_is_not_a_respondent(kind: str, demo: Path, tmp_path: Path, cli) -> None:
    """SurveyMonkey writes "Response" under each question's heading, a second heading row: wres map does not ask
    about it, the survey read through the mapping counts as the contract's, and rows are named as the file shows them."""
    folder = _contract(demo, tmp_path / "return", ("staff",))
    rows = _rows(demo / "survey.csv")
    service = {"adults": "Adults", "children": "Children's"}
    cells = [[r["respondent_id"], "4321", "01/10/2024 09:00", "01/10/2024 09:05", r["ethnicity"], service[r["service"]],
              r["abuse_public"], r["abuse_colleagues"], r["abuse_managers"]] for r in rows]
    name = f"Staff survey 2024.{kind}"

    def write() -> None:
        sub = ["", "", "", "", "Response", "Response", "Response", "Response", "Response"]
        if kind == "csv":
            with (folder / name).open("w", encoding="utf-8", newline="") as f:
                csv.writer(f, lineterminator="\r\n").writerows([SURVEYMONKEY, sub, *cells])
        else:
            wb = openpyxl.Workbook()
            for row in [SURVEYMONKEY, [v or None for v in sub], *cells]:
                wb.active.append(row)
            wb.save(folder / name)

    write()
    res = cli("map", folder / name, "--file", "survey", "-o", folder / "mapping.toml")
    assert res.code == 0, res.stderr
    m, _ = mapping.load(folder / "mapping.toml")
    assert m is not None and not any("Response" in table for table in m.files["survey"].values.values())
    assert m.files["survey"].columns["abuse_public"] == SURVEYMONKEY[6]
    assert pipeline.load(folder).counts == pipeline.load(_contract(demo, tmp_path / "contract", ("staff", "survey"))).counts
    cells[4][5] = "Housing"  # the fifth respondent: row 7, below two heading rows
    write()
    (bad,) = [p for p in pipeline.check(folder) if p.severity == "error"]
    assert (bad.column, bad.rows) == ("Which service do you work in?" + (" (F)" if kind == "xlsx" else ""), (7,))


STATUSES = ["Active", "Active", "Terminated", "Active", "Agency Worker", "Maternity Leave", "Active", "Suspended"]


@pytest.mark.parametrize("statuses, asked", [(STATUSES, True), (["Active", "Maternity Leave", "Suspended"], False)],
                         ids=["with-leavers-and-agency", "all-in-post"])
def test_a_staff_export_with_leavers_or_agency_rows_is_asked_about_never_decided(statuses: list[str], asked: bool, demo: Path,
                                                                                 tmp_path: Path, cli) -> None:  # noqa: ANN001
    """An HR export of every assignment ("Assignment Status": Terminated, Agency Worker beside Active) would count
    people who are not directly employed at the snapshot date. wres map does not decide which rows are staff:
    it says so, counts it as a decision, and writes the rows to keep commented out. Taking the # off reads only
    them (and says how many were left out). An export of people in post only is not asked about."""
    folder = tmp_path / "return"
    folder.mkdir()
    for f in demo.iterdir():
        if f.name != "staff.csv":
            shutil.copy(f, folder)
    headings = dict(zip(STAFF_COLUMNS, ("Person Ref", "Ethnic Origin", "Directorate", "Senior Manager", "Registered SW", "FTE Salary",
                                        "Date Started")))
    header, rows = _export(_rows(demo / "staff.csv"), headings, _itrent)
    export = folder / "HR export 2025.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[*header, "Assignment Status"], *([*r, statuses[i % len(statuses)]] for i, r in enumerate(rows))])
    run = cli("map", export, "-o", folder / "mapping.toml")
    said = " ".join((run.stdout + run.stderr).split())
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    m, problems = mapping.load(folder / "mapping.toml")
    assert run.code == 0 and not problems and m is not None and not m.files["staff"].rows  # nothing decided
    if not asked:
        assert "also holds" not in said and "[staff.rows]" not in text and "decision left" not in said
        return
    assert "'Assignment Status' also holds 'Terminated', 'Agency Worker'" in said and "1 decision left (TODO)" in said
    assert '# "Assignment Status" = ["Active", "Maternity Leave", "Suspended"]' in text
    assert cli("validate", folder).code == 0  # as it stands, every row is read
    (folder / "mapping.toml").write_text(text.replace("# [staff.rows]", "[staff.rows]").replace('# "Assignment Status"', '"Assignment Status"'),
                                         encoding="utf-8")
    kept = [s for i, _ in enumerate(rows) if (s := statuses[i % len(statuses)]) not in ("Terminated", "Agency Worker")]
    problems = pipeline.check(folder)
    assert [p.message for p in problems if "left out" in p.message and p.file == export.name] == [
        f'{len(rows) - len(kept)} rows left out: mapping.toml keeps only the rows where Assignment Status is "Active" or "Maternity Leave" or "Suspended"']


@pytest.mark.parametrize("second", ["N", ""], ids=["flag-y-n", "flag-y-blank"])
def test_an_export_of_posts_keeps_each_persons_main_post_and_still_asks_about_leavers(second: str, demo: Path, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """An HR export of posts (assignments) gives someone with two jobs two rows, which staff.csv refuses (a
    staff_id twice). Its "Primary Assignment" flag says which row is each person's main post: wres map reads
    only those rows (guessed, said), with no decision left for it, and still asks about the leavers the
    export holds, in the same [staff.rows]. Taking the # off that line reads the demo's staff exactly."""
    folder = _contract(demo, tmp_path / "return", tuple(f.stem for f in demo.glob("*.csv") if f.name != "staff.csv"))
    headings = dict(zip(STAFF_COLUMNS, ("Employee Number", "Ethnic Origin", "Directorate", "Senior Manager", "Registered SW", "FTE Salary",
                                        "Date Started")))
    people = _rows(demo / "staff.csv")
    header, rows = _export(people, headings, _itrent)
    out = [[*r, "Y", "Active"] for r in rows]
    out += [[*r[:5], "£21,000", *r[6:], second, "Active"] for r in rows[::10]]  # their second posts: relief work
    out += [[f"X{i}", "Indian", "ASC", "", "N", "£30,000", "01/01/2020", "Social Worker", "Y", "Terminated"] for i in range(3)]  # leavers
    export = folder / "iTrent assignments 2025.csv"
    _write_csv(export, [*header, "Primary Assignment", "Assignment Status"], out)
    run = cli("map", export, "-o", folder / "mapping.toml")
    said = " ".join((run.stdout + run.stderr).split())
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert run.code == 0, said
    assert "only the rows whose 'Primary Assignment' is 'Y' are read" in said and "1 decision left (TODO)" in said
    assert ('"Primary Assignment" = ["Y"]  # guessed: one row a person, their main post; the rows whose \'Primary Assignment\' is '
            + ("'N'" if second else "blank") + " are their other posts") in text
    assert '# "Assignment Status" = ["Active"]' in text and "take the # off the line below" in text
    problems = pipeline.check(folder)
    assert [p for p in problems if p.severity == "error"] == [], problems  # no one twice
    (folder / "mapping.toml").write_text(text.replace('# "Assignment Status"', '"Assignment Status"'), encoding="utf-8")
    problems = pipeline.check(folder)
    assert [p for p in problems if p.severity == "error"] == []
    assert [p.message for p in problems if "rows left out" in p.message] == [
        f'{len(rows[::10]) + 3} rows left out: mapping.toml keeps only the rows where Primary Assignment is "Y" and Assignment Status is "Active"']
    staff_metrics = {k: v for k, v in pipeline.load(folder).counts.cells.items() if k[0] in ("M1", "M9")}
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff",))).counts
    assert staff_metrics == {k: v for k, v in expected.cells.items() if k[0] in ("M1", "M9")}


def test_wres_map_leaves_an_er_exports_ethnicity_and_service_to_staff(demo: Path, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """An ER casework export of employee numbers, case types and dates, no ethnicity or service: wres map asks
    for neither (each row's is staff.csv's, and says so), leaving no decision, and the return counts as the
    contract's."""
    folder = _contract(demo, tmp_path / "return", ("staff",))
    export = folder / "ER cases 2024-25.csv"
    cases = [[r[0], "Disciplinary", r[4]] for r in _er_cases(demo) if r[3] == "Disciplinary"]
    _write_csv(export, ["Employee Number", "Case Type", "Case Start Date"], cases)
    run = cli("map", export, "-o", folder / "mapping.toml")
    said = " ".join((run.stdout + run.stderr).split())
    assert run.code == 0 and "no heading for ethnicity or service: each row's ethnicity and service are taken from staff.csv by its staff_id" in said, said
    assert "# TODO" not in (folder / "mapping.toml").read_text(encoding="utf-8") and "decision" not in said
    assert cli("validate", folder).code == 0
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff", "disciplinary")))
    assert pipeline.load(folder).counts == expected.counts


@pytest.mark.parametrize("headings, values, expected", [
    # SAP SuccessFactors: "Department" is one value for everyone, "Division" names the services
    (["User/Employee ID", "Ethnic Origin", "Department", "Division", "Hire Date"],
     {"Department": ["Social Care Operations"], "Division": ["Adult Services", "Children's Services"]},
     {"staff_id": "User/Employee ID", "service": "Division", "start_date": "Hire Date"}),
    # Unit4: "Resource" is the employee, "Date from" the start, and "Employment type" is no date
    (["Resource", "Ethnic origin", "Employment type", "Date from"], {"Employment type": ["Permanent", "Casual"]},
     {"staff_id": "Resource", "start_date": "Date from"}),
    # Oracle: the services under "Organization"; iTrent: the start is the hire date, not the continuous service date
    (["Employee Number", "Organization", "Continuous Service Date", "Hire Date"], {"Organization": ["Adult Social Care", "Children's Services"]},
     {"staff_id": "Employee Number", "service": "Organization", "start_date": "Hire Date"}),
])
def test_each_hr_systems_own_headings_are_the_contracts_columns(headings: list[str], values: dict[str, list[str]],
                                                               expected: dict[str, str]) -> None:
    ex = mapping.Export("HR export.csv", headings, values)
    columns = mapping.suggest([ex], file="staff", standard=standards.load()).mapping.files["staff"].columns
    assert {c: columns.get(c) for c in expected} == expected, columns


@pytest.mark.parametrize("values, order, note", [
    (["13/04/2024", "01/05/2024"], "day-first", "guessed: 13/04/2024 only makes sense day-first"),
    (["04/13/2024", "05/20/2024", "01/05/2024"], "month-first", "guessed: 04/13/2024 only makes sense month-first"),
    (["04/13/2024"], "month-first", "guessed: 04/13/2024 only makes sense month-first"),
    # one date of several that only month-first reads, in a UK file: a slip as likely as an American export, so asked
    (["01/05/2024", "12/13/2024", "10/03/2025", "1st Oct 2024"], None, "TODO: only 12/13/2024 makes sense month-first"),
    (["13/04/2024", "04/13/2024"], None, "TODO: the dates are in both orders"),
])
def test_the_date_order_is_guessed_only_from_dates_that_say_it(values: list[str], order: str | None, note: str) -> None:
    got, said = mapping._date_order(values)
    assert got == order and said.startswith(note)


def test_a_column_of_registration_numbers_is_registered_for_anyone_with_one(tmp_path: Path, cli) -> None:
    """A council's staff list gives the Social Work England number, not a yes/no: wres map reads it as yes for any
    value ("*" = "yes", so next year's new numbers need no line) and no for a blank. A blank's marker ("N/A") is
    still blank, never a registration."""
    folder = tmp_path / "r"
    numbers = [f"SW{10000 + i}" if i % 3 else ("N/A" if i == 3 else "") for i in range(12)]
    rows = [{("Social Work England No." if k == "registered_professional" else k): (n if k == "registered_professional" else v)
             for k, v in person(f"E{i}").items()} for i, n in enumerate(numbers)]
    write_return(folder, {"HR export.csv": rows})
    run = cli("map", folder / "HR export.csv", "-o", folder / "mapping.toml")
    assert run.code == 0 and "'Social Work England No.' holds numbers: read as yes for anyone with one, no for a blank" in " ".join(run.stdout.split())
    m, _ = mapping.load(folder / "mapping.toml")
    assert m is not None and m.files["staff"].values["registered_professional"] == {"*": "yes", "": "no"}
    assert [p for p in pipeline.check(folder) if p.severity == "error"] == []
    from wres.read import read_return
    from wres.validate import validate

    ret = read_return(folder)
    validate(ret)
    assert ret.con.execute("SELECT count(*) FILTER (WHERE registered_professional), count(*) FROM t_staff").fetchone() == (8, 12)


@pytest.mark.parametrize("heading, values, marked", [
    ("Employment Category", ["Permanent", "Fixed Term", "Agency", "Casual"], ["Agency", "Casual"]),  # iTrent
    ("Employee Class", ["Employee", "Agency Worker", "Secondee (Inbound)"], ["Agency Worker", "Secondee (Inbound)"]),  # SuccessFactors
    ("Person Type", ["Employee", "Contingent Worker"], ["Contingent Worker"]),  # Oracle
    ("Employment Type", ["Permanent", "Secondment In"], ["Secondment In"]),  # Selima
])
def test_agency_casual_and_seconded_in_workers_are_asked_about_under_each_systems_heading(heading: str, values: list[str],
                                                                                       marked: list[str]) -> None:
    """Each HR system says who is not directly employed under its own heading; every such column is asked
    about, beside an employment status column that says who has left."""
    ex = mapping.Export("HR export.csv", ["Employee Number", "Ethnic Origin", "Employment Status", heading],
                        {"Employment Status": ["Active", "Terminated"], heading: values})
    asked = mapping.rows_questions("staff", ex, {"staff_id": "Employee Number", "ethnicity": "Ethnic Origin"}, standards.load())
    assert [(q.heading, q.others) for q in asked] == [("Employment Status", ["Terminated"]), (heading, marked)]


@pytest.mark.parametrize("column", ["Course Category", "Mandatory"])
def test_a_learning_systems_export_of_every_course_is_asked_which_are_cpd(column: str, demo: Path, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """A learning system's export of every course completed holds mandatory training beside CPD, and M5 counts
    funded non-mandatory training only: read whole, nearly everyone would count. wres map asks (a decision
    left) and writes the rows to keep commented out, by a category ("Non-mandatory" is not "Mandatory") or by a
    "Mandatory" Y/N column; taking the # off reads the demo's training exactly."""
    folder = _contract(demo, tmp_path / "return", ("staff",))
    courses = _rows(demo / "training.csv")
    kinds = ["CPD", "Non-mandatory", "Qualification"]
    rows = [[r["staff_id"], r["ethnicity"], r["service"], r["date"], r["course"], kinds[i % 3] if column == "Course Category" else "N"]
            for i, r in enumerate(courses)]
    staff = _rows(demo / "staff.csv")
    rows += [[s["staff_id"], s["ethnicity"], s["service"], "2024-09-01", "Safeguarding adults level 1",
              "Mandatory" if column == "Course Category" else "Y"] for s in staff[::2]]
    export = folder / "LMS completions 2024-25.csv"
    _write_csv(export, ["Employee Number", "Ethnic Origin", "Service", "Completion Date", "Course Title", column], rows)
    run = cli("map", export, "--file", "training", "-o", folder / "mapping.toml")
    said = " ".join((run.stdout + run.stderr).split())
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    marked, kept = (("'Mandatory'", '["CPD", "Non-mandatory", "Qualification"]') if column == "Course Category" else ("'Y'", '["N"]'))
    assert run.code == 0 and f"'{column}' also holds {marked}" in said and "1 decision left (TODO)" in said, said
    key = f'"{column}"' if " " in column else column  # (TOML's bare key)
    assert f"# {key} = {kept}" in text and "funded non-mandatory training or CPD" in text
    uncommented = text.replace("# [training.rows]", "[training.rows]").replace(f"# {key} =", f"{key} =")
    (folder / "mapping.toml").write_text(uncommented, encoding="utf-8")
    assert cli("validate", folder).code == 0
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff", "training")))
    assert pipeline.load(folder).counts == expected.counts


def test_a_terminations_report_is_asked_which_rows_are_people_leaving(demo: Path, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """An HR terminations report ends posts whose holders stay ("Internal transfer", "Redeployment"), beside
    people leaving the authority (a TUPE transfer out is one). wres map asks, and the rows to keep read the
    demo's leavers exactly."""
    folder = _contract(demo, tmp_path / "return", ("staff",))
    leavers = _rows(demo / "leavers.csv")
    reasons = ["Resignation", "Retirement", "TUPE transfer", "Dismissal", "End of fixed term contract"]
    rows = [[r["staff_id"], r["ethnicity"], r["service"], r["date"], reasons[i % len(reasons)]] for i, r in enumerate(leavers)]
    rows += [[r[0], r[1], r[2], r[3], "Internal transfer" if i % 2 else "Redeployment"] for i, r in enumerate(rows[:9])]
    export = folder / "Terminations report 2024-25.csv"
    _write_csv(export, ["Employee Number", "Ethnic Origin", "Service", "Termination Date", "Leaving Reason"], rows)
    run = cli("map", export, "--file", "leavers", "-o", folder / "mapping.toml")
    said = " ".join((run.stdout + run.stderr).split())
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert run.code == 0 and "'Leaving Reason' also holds 'Redeployment', 'Internal transfer'" in said, said
    assert "people leaving the authority" in text and "TUPE transfer" in text.split("# \"Leaving Reason\" = ")[1]
    uncommented = text.replace("# [leavers.rows]", "[leavers.rows]").replace('# "Leaving Reason" =', '"Leaving Reason" =')
    (folder / "mapping.toml").write_text(uncommented, encoding="utf-8")
    assert cli("validate", folder).code == 0
    assert pipeline.load(folder).counts == pipeline.load(_contract(demo, tmp_path / "contract", ("staff", "leavers"))).counts


QUESTION = "In the last 12 months, how many times have you personally experienced harassment, bullying or abuse at work from {}?"


def test_a_survey_exported_with_its_questions_as_headings_maps_with_no_decision(demo: Path, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """Microsoft Forms exports each question in full as its heading, and its answers as the form wrote them
    ("1-2 times"): wres map finds each abuse question by its words (from the public, from colleagues, from
    managers; a discrimination question is none of them), guesses the answers, and the survey counts as
    the contract's."""
    folder = _contract(demo, tmp_path / "return", ("staff",))
    answers = {"Never": "Never", "1-2": "1-2 times", "3-5": "3-5 times", "6-10": "6-10 times", "More than 10": "More than 10 times", "": ""}
    header = ["ID", "Start time", "Email", "Which service do you work in?", "What is your ethnic group?",
              QUESTION.format("people who use services, their relatives or other members of the public"), QUESTION.format("colleagues"),
              QUESTION.format("managers"), "In the last 12 months have you personally experienced discrimination at work from a manager or colleagues?"]
    rows = [[i, "4/1/25 9:00", "anonymous", r["service"], r["ethnicity"], answers[r["abuse_public"]], answers[r["abuse_colleagues"]],
             answers[r["abuse_managers"]], "No"] for i, r in enumerate(_rows(demo / "survey.csv"), start=1)]
    export = folder / "Staff Survey 2025(1-255).csv"
    _write_csv(export, header, rows)
    run = cli("map", export, "-o", folder / "mapping.toml")
    said = " ".join((run.stdout + run.stderr).split())
    m, problems = mapping.load(folder / "mapping.toml")
    assert run.code == 0 and not problems and m is not None and "decisions left" not in said and "decision left" not in said, said
    assert m.files["survey"].columns == {"service": header[3], "ethnicity": header[4], "abuse_public": header[5], "abuse_colleagues": header[6],
                                        "abuse_managers": header[7]}
    assert "# guessed: the question it asks" in (folder / "mapping.toml").read_text(encoding="utf-8")
    assert cli("validate", folder).code == 0
    assert pipeline.load(folder).counts == pipeline.load(_contract(demo, tmp_path / "contract", ("staff", "survey"))).counts


def test_a_council_wide_establishment_list_is_asked_which_rows_are_social_care(demo: Path, tmp_path: Path, cli) -> None:  # noqa: ANN001
    """HR exports every member of staff: "Housing", "Finance", "Public Health" beside "Adult Social Care". No
    spelling of a service says "not social care", so wres map asks which rows to read (the social care ones
    kept, commented out) rather than "Housing: adults or children?"; uncommented, the demo's staff are read
    exactly. Two questions of one file ("Assignment Status" too) share one [staff.rows]."""
    folder = _contract(demo, tmp_path / "return", tuple(f.stem for f in demo.glob("*.csv") if f.name != "staff.csv"))
    headings = dict(zip(STAFF_COLUMNS, ("Employee Number", "Ethnic Origin", "Directorate", "Senior Manager", "Registered SW", "FTE Salary",
                                        "Date Started")))
    header, rows = _export(_rows(demo / "staff.csv"), headings, _itrent)
    at = header.index("Directorate")
    others = [[f"C{i}", "Indian", ("Housing", "Finance", "Public Health")[i % 3], "", "N", "£30,000", "01/01/2020", "Officer"] for i in range(9)]
    body = [[*r, "Active"] for r in rows] + [[*r, "Active"] for r in others] + [[*rows[0][:at], "ASC", *rows[0][at + 1:], "Terminated"]]
    body[-1][0] = "LEFT1"
    export = folder / "Council establishment 2025.csv"
    _write_csv(export, [*header, "Assignment Status"], body)
    run = cli("map", export, "-o", folder / "mapping.toml")
    said = " ".join((run.stdout + run.stderr).split())
    text = (folder / "mapping.toml").read_text(encoding="utf-8")
    assert run.code == 0 and "'Directorate' also holds 'Housing', 'Finance', 'Public Health'" in said and "2 decisions left" in said, said
    assert "Housing =" not in text and "in adult social care or children's social care" in text
    assert text.count("# [staff.rows]  # only rows") == 1
    uncommented = (text.replace("# [staff.rows]", "[staff.rows]").replace("# Directorate =", "Directorate =")
                   .replace('# "Assignment Status" =', '"Assignment Status" ='))
    (folder / "mapping.toml").write_text(uncommented, encoding="utf-8")
    assert cli("validate", folder).code == 0
    staff_metrics = {k: v for k, v in pipeline.load(folder).counts.cells.items() if k[0] in ("M1", "M9")}
    expected = pipeline.load(_contract(demo, tmp_path / "contract", ("staff",))).counts
    assert staff_metrics == {k: v for k, v in expected.cells.items() if k[0] in ("M1", "M9")}


def test_an_esr_export_is_read_by_person_and_its_staff_groups_are_its_own(tmp_path: Path) -> None:
    """An NHS trust's ESR staff-in-post export has an "Assignment Number" before its "Employee Number": someone
    with two posts has two assignment numbers, so the person's number is staff_id. Its "Estates and
    Ancillary" staff group is the trust's own non-clinical staff, not another body's rows to ask about."""
    from wres import standards

    export = tmp_path / "ESR Staff in Post March 2025.csv"
    groups = ["Nursing and Midwifery Registered", "Admin and Clerical", "Estates and Ancillary", "Medical and Dental"]
    _write_csv(export, ["Assignment Number", "Employee Number", "Ethnic Origin", "Staff Group", "Pay Band"],
               [[f"{1000 + i}-1", f"{1000 + i}", "A White - British", groups[i % 4], "Band 5"] for i in range(8)])
    exports, problems = mapping.read_export(export)
    got = mapping.suggest(exports, standard=standards.load("nhs-wres"))
    fm = got.mapping.files["staff"]
    assert fm.columns["staff_id"] == "Employee Number" and fm.columns["clinical"] == "Staff Group"
    assert fm.values["clinical"]["Estates and Ancillary"] == "no" and not any(k[1] == "rows?" for k in got.notes)


def test_a_clinical_flag_beside_the_staff_group_is_read_as_clinical(tmp_path: Path) -> None:
    """Where an export has both, its Y/N "Clinical Flag" is clinical, not the staff group (whose values wres
    map could only guess from): the flag is the trust's own word on each person."""
    from wres import standards

    export = tmp_path / "ESR Staff in Post March 2025.csv"
    _write_csv(export, ["Employee Number", "Ethnic Origin", "Staff Group", "Clinical Flag", "Pay Band"],
               [[f"{1000 + i}", "A White - British", "Allied Health Professionals", "Y" if i % 2 else "N", "Band 5"]
                for i in range(8)])
    exports, _ = mapping.read_export(export)
    fm = mapping.suggest(exports, standard=standards.load("nhs-wres")).mapping.files["staff"]
    assert fm.columns["clinical"] == "Clinical Flag" and "clinical" not in fm.values


@pytest.mark.parametrize("headings,asked", [(["Actual Salary", "FTE"], True), (["Salary (pro rata)"], True),
                                            (["Actual Salary", "FTE Salary"], False), (["Basic Salary"], False)])
def test_a_salary_that_may_be_part_timers_pay_is_asked_about(headings: list[str], asked: bool, tmp_path: Path) -> None:
    """The pay bands need the full-time equivalent salary: a part-timer's actual pay (£19,351 for half of
    £38,702) would put them in a lower band with no word. A heading that may be that ("Actual Salary",
    "Salary (pro rata)") is written commented out with a decision, never read as annual_salary; an FTE
    salary beside it is taken, and a plain one is read as before."""
    export = tmp_path / "HR export.csv"
    _write_csv(export, ["Employee Number", "Ethnic Origin", "Directorate", "Senior Manager", "Registered SW", *headings],
               [["E1", "Indian", "Adult Social Care", "N", "Y", *(["£19,351", "0.5", "£38,702"][: len(headings)])]])
    exports, _ = mapping.read_export(export)
    got = mapping.suggest(exports)
    fm = got.mapping.files["staff"]
    text = mapping.dumps(got.mapping, got.notes)
    if asked:
        assert "annual_salary" not in fm.columns and got.todo >= 1
        assert f'# annual_salary = "{headings[0]}"  # TODO: \'{headings[0]}\' may be what part-time staff are paid' in text
    else:
        assert fm.columns.get("annual_salary", "annual_salary") == headings[-1] and "part-time" not in text
