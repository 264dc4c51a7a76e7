"""A corpus of bad returns, each run through the real command.

Every case builds one return that is valid except for one thing, and says what the message must name:
the file label, the row(s) (header is row 1, first data row is row 2), the column, and a word of the
message. For every case:

- `wres validate PATH` exits 1 and names the file, rows and column, followed by a `how to fix:` line;
- `wres counts PATH -o OUT` exits 1, leaves no OUT and no stray temporary file in OUT's folder;
- `wres metrics PATH --format json` exits 1 with nothing on stdout (messages on stderr);
- no output holds a traceback.

Where a case says `only` (the default), the bad thing must be the only error reported, once.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.conftest import ORG, Run, person, run_command, write_return, write_toml
from tests.test_nhs_input import NHS_ORG, SURVEY, nhs_files

# --- valid parts ---------------------------------------------------------------------------------------
# Staff rows 2..7 (header is row 1).

def staff_rows() -> list[dict[str, Any]]:
    return [
        person("S1", "Indian", "adults"),
        person("S2", "White", "children"),
        person("S3", "African", "adults", registered="yes", salary=41000),
        person("S4", "Not stated", "children", senior="yes", salary=72000),
        person("S5", "Pakistani", "children", registered="yes", salary=28000),
        person("S6", "Any other White background", "adults", salary=52000),
    ]


def recruitment_rows() -> list[dict[str, Any]]:
    return [
        {"applicant_id": "A1", "ethnicity": "Indian", "service": "adults", "shortlisted": "yes", "appointed": "yes", "date": "2024-06-01"},
        {"applicant_id": "A2", "ethnicity": "White", "service": "children", "shortlisted": "yes", "appointed": "no", "date": "2024-07-01"},
        {"applicant_id": "A3", "ethnicity": "Black", "service": "adults", "shortlisted": "no", "appointed": "no", "date": "2024-08-01"},
    ]


def disciplinary_rows() -> list[dict[str, Any]]:
    return [
        {"staff_id": "S1", "ethnicity": "Indian", "service": "adults", "date": "2024-06-01"},
        {"staff_id": "S2", "ethnicity": "White", "service": "children", "date": "2024-09-15"},
        {"staff_id": "S3", "ethnicity": "African", "service": "adults", "date": "2025-01-20"},
    ]


def survey_rows() -> list[dict[str, Any]]:
    return [
        {"respondent_id": "R1", "ethnicity": "Indian", "service": "adults", "abuse_public": "Never", "abuse_colleagues": "1-2", "abuse_managers": "never"},
        {"respondent_id": "R2", "ethnicity": "White", "service": "children", "abuse_public": "3-5", "abuse_colleagues": "Never", "abuse_managers": "Never"},
        {"respondent_id": "R3", "ethnicity": "Asian", "service": "children", "abuse_public": "Never", "abuse_colleagues": "never", "abuse_managers": "6-10"},
    ]


def counts_rows() -> list[dict[str, Any]]:
    """counts.csv rows 2..5."""
    return [
        {"metric": "M3", "service": "adults", "band": None, "group": "minority_ethnic", "numerator": 2, "denominator": 40},
        {"metric": "M3", "service": "adults", "band": None, "group": "white", "numerator": 3, "denominator": 60},
        {"metric": "M3", "service": "children", "band": None, "group": "minority_ethnic", "numerator": 1, "denominator": 30},
        {"metric": "M3", "service": "children", "band": None, "group": "white", "numerator": 2, "denominator": 50},
    ]


def record_files(**overrides: Any) -> dict[str, Any]:
    """The valid record-level files; an override replaces one (None leaves it out)."""
    files: dict[str, Any] = {
        "staff": staff_rows(),
        "recruitment": recruitment_rows(),
        "disciplinary": disciplinary_rows(),
        "survey": survey_rows(),
    }
    for name, rows in overrides.items():
        if rows is None:
            files.pop(name, None)
        else:
            files[name] = rows
    return files


def changed(rows: list[dict[str, Any]], changes: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with some cells changed; keys are the row numbers a person sees (first data row is 2)."""
    out = [dict(r) for r in rows]
    for row, cells in changes.items():
        out[row - 2].update(cells)
    return out


def without(rows: list[dict[str, Any]], *columns: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in columns} for r in rows]


def csv_text(rows: list[dict[str, Any]]) -> str:
    cols = list(dict.fromkeys(k for r in rows for k in r))
    lines = [",".join(cols)] + [",".join("" if r.get(c) is None else str(r[c]) for c in cols) for r in rows]
    return "\n".join(lines) + "\n"


RET = "return"  # the return folder, relative to tmp_path (commands run with tmp_path as working folder)


def folder(files: dict[str, Any], org: dict[str, Any] | None | bool = None) -> Callable[[Path], str]:
    def build(tmp: Path) -> str:
        write_return(tmp / RET, files, org=org)  # type: ignore[arg-type]
        return RET

    return build


def write_workbook(path: Path, sheets: dict[str, list[dict[str, Any]]]) -> None:
    path.write_bytes(workbook_bytes(sheets))


def workbook(sheets: dict[str, list[dict[str, Any]]]) -> Callable[[Path], str]:
    def build(tmp: Path) -> str:
        (tmp / RET).mkdir()
        write_toml(tmp / RET / "organisation.toml", ORG)
        write_workbook(tmp / RET / "return.xlsx", sheets)
        return f"{RET}/return.xlsx"

    return build


def titled_workbook(sheet: str, title: str) -> Callable[[Path], str]:
    """The baseline workbook with a report's title and an empty row above one sheet's headings."""
    import openpyxl

    def build(tmp: Path) -> str:
        at = workbook(record_files())(tmp)
        wb = openpyxl.load_workbook(tmp / at)
        wb[sheet].insert_rows(1, 2)
        wb[sheet]["A1"] = title
        wb.save(tmp / at)
        return at

    return build


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = list(dict.fromkeys(k for r in rows for k in r))
    table = pa.table({c: pa.array([None if r.get(c) is None else str(r[c]) for r in rows], pa.string()) for c in cols})
    pq.write_table(table, path)


def parquet(files: dict[str, list[dict[str, Any]]]) -> Callable[[Path], str]:
    def build(tmp: Path) -> str:
        (tmp / RET).mkdir()
        write_toml(tmp / RET / "organisation.toml", ORG)
        for name, rows in files.items():
            write_parquet(tmp / RET / f"{name}.parquet", rows)
        return RET

    return build


def raw_staff(data: bytes, name: str = "staff.csv", **overrides: Any) -> Callable[[Path], str]:
    """A return whose staff.csv (or a file of another `name`) holds exactly these bytes."""

    def build(tmp: Path) -> str:
        write_return(tmp / RET, record_files(staff=None, **overrides))
        (tmp / RET / name).write_bytes(data)
        return RET

    return build


def corrupt_workbook(tmp: Path) -> str:
    (tmp / RET).mkdir()
    write_toml(tmp / RET / "organisation.toml", ORG)
    (tmp / RET / "return.xlsx").write_bytes(random.Random(7).randbytes(4096))
    return f"{RET}/return.xlsx"


# --- workbooks that are not what they seem ---------------------------------------------------------------

def password_workbook_bytes() -> bytes:
    """A real .xlsx saved with a password, as Excel saves one (agile encryption, by msoffcrypto-tool): a
    Compound File holding the encrypted package, not a zip."""
    import io

    import openpyxl
    from msoffcrypto.format.ooxml import OOXMLFile

    wb = openpyxl.Workbook()
    wb.active.append(["staff_id", "ethnicity"])
    plain, locked = io.BytesIO(), io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    OOXMLFile(plain).encrypt("s3cret", locked)
    return locked.getvalue()


def compound_file(*streams: str) -> bytes:
    """The start of a Compound File naming these streams, as an Excel 97-2003 .xls begins (a Workbook stream).

    Not a whole file (nothing here writes .xls): only what a reader meets first, the signature and the
    directory's names; wres reads no further.
    """
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + (2 * len(name) + 2).to_bytes(2, "little") + bytes(62)
                       for name in ("Root Entry", *streams))
    return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + entries).ljust(4096, b"\0")


def declared_size(data: bytes, size: int, part: str | None = None) -> bytes:
    """A zip whose last part (or `part`) declares it unpacks to `size` bytes (its central directory's
    uncompressed size): what a zip bomb claims. Reading trusts the central directory, not the local header."""
    at = data.rindex(b"PK\x01\x02")  # the last central directory entry
    if part is not None:  # the entry naming it: entries follow one another, each 46 bytes, a name, extra and comment
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            at = zf.start_dir  # type: ignore[attr-defined]
        while data[at + 46:at + 46 + int.from_bytes(data[at + 28:at + 30], "little")] != part.encode():
            at += 46 + sum(int.from_bytes(data[at + k:at + k + 2], "little") for k in (28, 30, 32))
            assert data[at:at + 4] == b"PK\x01\x02", f"no part {part}"
    return data[:at + 24] + size.to_bytes(4, "little") + data[at + 28:]


def workbook_bytes(sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        cols = list(dict.fromkeys(k for r in rows for k in r))
        ws.append(cols)
        for r in rows:
            ws.append([r.get(c) for c in cols])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def workbook_of(data: bytes, name: str = "return.xlsx") -> Callable[[Path], str]:
    """A return given as this workbook file, organisation.toml beside it."""

    def build(tmp: Path) -> str:
        (tmp / RET).mkdir()
        write_toml(tmp / RET / "organisation.toml", ORG)
        (tmp / RET / name).write_bytes(data)
        return f"{RET}/{name}"

    return build


def rewrite_sheet(data: bytes, sheet: str, change: Callable[[bytes], bytes]) -> bytes:
    """A workbook with one sheet's XML changed (rows Excel would never write, a sheet cut short…)."""
    import io
    import zipfile

    import openpyxl

    index = openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames.index(sheet) + 1
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, change(body) if info.filename == f"xl/worksheets/sheet{index}.xml" else body)
    return out.getvalue()


def far_row(xml: bytes) -> bytes:
    """A sheet with one more row, numbered 5,000: the rows between are empty, but they are rows."""
    return xml.replace(b"</sheetData>", b'<row r="5000"><c r="A5000" t="inlineStr"><is><t>S9</t></is></c></row></sheetData>')


def xls_alone(tmp: Path) -> str:
    (tmp / RET).mkdir()
    write_toml(tmp / RET / "organisation.toml", ORG)
    (tmp / RET / "return.xls").write_bytes(compound_file("Workbook"))
    return RET


def big_staff(rows: int) -> list[dict[str, Any]]:
    return [person(f"S{i}", "Indian" if i % 2 else "White", "adults") for i in range(rows)]


def no_such_path(tmp: Path) -> str:
    return "no-such-return"


def only_events(tmp: Path) -> str:
    write_return(tmp / RET, record_files(staff=None))
    return RET


ORG_BAD_PERIOD = {**ORG, "period_end": "2024-03-31"}
ORG_NO_NAME = {k: v for k, v in ORG.items() if k != "name"}
ORG_BAD_POPULATION = {**ORG, "local_population_minority_ethnic_pct": 128.0}
ORG_TEXT_POPULATION = {**ORG, "local_population_minority_ethnic_pct": "about a quarter"}
ORG_BANDS_OUT_OF_ORDER = {
    **ORG,
    "pay_bands": [{"label": "lower", "below": 50000}, {"label": "middle", "below": 30000}, {"label": "upper"}],
}


def org_not_toml(tmp: Path) -> str:
    write_return(tmp / RET, record_files(), org=False)
    (tmp / RET / "organisation.toml").write_text(
        "name = Test Borough\nperiod_start = 2024-04-01\nperiod_end = 2025-03-31\n", encoding="utf-8"
    )
    return RET


def org_utf16(tmp: Path) -> str:
    """organisation.toml saved as "Unicode" (UTF-16) by Notepad: neither UTF-8 nor Windows-1252, which is read."""
    write_return(tmp / RET, record_files(), org=False)
    (tmp / RET / "organisation.toml").write_bytes(
        'name = "Test Borough"\nperiod_start = 2024-04-01\nperiod_end = 2025-03-31\n'.encode("utf-16-le"))  # without the mark: not read
    return RET


def org_nested_deep(tmp: Path) -> str:
    """organisation.toml with a value of brackets nested 50,000 deep: Python's TOML reader recurses into each."""
    write_return(tmp / RET, record_files(), org=False)
    (tmp / RET / "organisation.toml").write_text(
        'name = "Test Borough"\nperiod_start = 2024-04-01\nperiod_end = 2025-03-31\nnotes = ' + "[" * 50_000 + "]" * 50_000 + "\n",
        encoding="utf-8")
    return RET


def mapping_nested_deep(tmp: Path) -> str:
    write_return(tmp / RET, record_files())
    (tmp / RET / "mapping.toml").write_text("staff = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n", encoding="utf-8")
    return RET


STAFF_HEADER = "staff_id,ethnicity,service,senior_manager,registered_professional,annual_salary"

CP1252_STAFF = (
    STAFF_HEADER + ",job_role\n"
    "S1,Indian,adults,no,no,35000,Social worker\n"
    "S2,White,children,no,no,35000,Travailleur social \xe9\n"
    "S3,African,adults,no,yes,41000,Social worker\n"
).encode("cp1252")

RAGGED_STAFF = (
    STAFF_HEADER + "\n"
    "S1,Indian,adults,no,no,35000\n"
    "S2,White,children,no,no,35000\n"
    "S3,African,adults,no,yes,41000,surplus\n"
    "S4,Not stated,children,yes,no,72000\n"
).encode()

DOUBLE_COLUMN_STAFF = (
    STAFF_HEADER + ",ethnicity\n"
    "S1,Indian,adults,no,no,35000,Indian\n"
    "S2,White,children,no,no,35000,White\n"
    "S3,African,adults,no,yes,41000,African\n"
).encode()

PAY_BAND_STAFF = [
    {**without([r], "annual_salary")[0], "pay_band": band}
    for r, band in zip(staff_rows(), ["under 30k", "30k to 70k", "Band Z", "70k and over", "under 30k", "30k to 70k"])
]

ETHNICITY_MAP = [
    {"local_value": "W1", "ethnicity": "White"},
    {"local_value": "A1", "ethnicity": "Indian"},
    {"local_value": "X9", "ethnicity": "Martian"},
]


def counts_return(rows: list[dict[str, Any]]) -> Callable[[Path], str]:
    return folder({"counts": rows})


def nhs_folder(**overrides: Any) -> Callable[[Path], str]:
    """An NHS WRES return (tests/test_nhs_input's trust) with one file changed."""
    return folder(nhs_files(**overrides), org=NHS_ORG)


def nhs_workbook(**overrides: Any) -> Callable[[Path], str]:
    def build(tmp: Path) -> str:
        (tmp / RET).mkdir()
        write_toml(tmp / RET / "organisation.toml", NHS_ORG)
        write_workbook(tmp / RET / "return.xlsx", nhs_files(**overrides))
        return f"{RET}/return.xlsx"

    return build


# --- the table -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expect:
    """One message: file label, rows (None: not checked), column (None: not checked), a word of the message."""

    file: str
    word: str | tuple[str, ...]
    rows: tuple[int, ...] | None = None
    column: str | None = None


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], str]
    expect: tuple[Expect, ...]
    only: bool = True  # no other error is reported
    env: tuple[tuple[str, str], ...] = ()  # settings the run is made with: a reading limit set low (wres.limits)


def E(file: str, word: str | tuple[str, ...], rows: tuple[int, ...] | None = None, column: str | None = None) -> Expect:
    return Expect(file, word, rows, column)


CASES: list[Case] = [
    # organisation.toml
    Case("org_missing", folder(record_files(), org=False), (E("organisation.toml", "missing"),)),
    Case("org_missing_name", folder(record_files(), org=ORG_NO_NAME), (E("organisation.toml", "name is missing"),)),
    Case("org_period_end_before_start", folder(record_files(), org=ORG_BAD_PERIOD),
         (E("organisation.toml", "period_end must be after period_start"),)),
    Case("org_not_toml", org_not_toml, (E("organisation.toml", "TOML"),)),
    Case("org_utf16", org_utf16, (E("organisation.toml", "is not UTF-8 text"),)),
    Case("org_nested_deep", org_nested_deep, (E("organisation.toml", "is not valid TOML (brackets nested thousands of levels deep)"),)),
    Case("mapping_nested_deep", mapping_nested_deep, (E("mapping.toml", "is not a valid mapping file (brackets nested thousands of levels deep)"),)),
    Case("org_population_over_100", folder(record_files(), org=ORG_BAD_POPULATION),
         (E("organisation.toml", ("local_population_minority_ethnic_pct", "0 to 100")),)),
    Case("org_population_not_a_number", folder(record_files(), org=ORG_TEXT_POPULATION),
         (E("organisation.toml", ("local_population_minority_ethnic_pct", "about a quarter")),)),
    Case("org_pay_bands_out_of_order", folder(record_files(), org=ORG_BANDS_OUT_OF_ORDER),
         (E("organisation.toml", ("pay_bands", "highest")),)),
    # staff.csv: the file and its columns
    Case("staff_missing", only_events, (E("staff.csv", "missing"),)),
    Case("staff_no_ethnicity_column", folder(record_files(staff=without(staff_rows(), "ethnicity"))),
         (E("staff.csv", "no column", column="ethnicity"),)),
    Case("staff_no_salary_or_band_column", folder(record_files(staff=without(staff_rows(), "annual_salary"))),
         (E("staff.csv", "no column", column="annual_salary"),)),
    Case("staff_zero_bytes", raw_staff(b""), (E("staff.csv", "empty"),)),
    Case("staff_header_only", raw_staff((STAFF_HEADER + "\n").encode()), (E("staff.csv", "no rows"),)),
    # Windows-1252 is read (test_real_exports); a byte that code page leaves undefined, or UTF-16, is neither
    Case("staff_not_utf8_nor_windows_1252", raw_staff(CP1252_STAFF.replace(b"\xe9", b"\x81")), (E("staff.csv", "UTF-8", rows=(3,)),)),
    # Excel saves "Text (Tab delimited)" and "Unicode Text" as .txt: named as a file of the return, it is said
    Case("staff_saved_as_txt", raw_staff(CP1252_STAFF.replace(b",", b"\t"), name="staff.txt"),
         (E("staff.txt", "only .csv files are read"), E("staff.csv", "is missing"))),
    Case("staff_saved_as_tsv", raw_staff(CP1252_STAFF.replace(b",", b"\t"), name="Staff.tsv"),
         (E("Staff.tsv", "only .csv files are read"), E("staff.csv", "is missing"))),
    # UTF-16 with its mark (Excel's "Unicode Text") is read (test_real_exports); without it, said as such
    Case("staff_utf16", raw_staff(CP1252_STAFF.decode("cp1252").encode("utf-16-le")), (E("staff.csv", 'UTF-16 ("Unicode") text without the mark', rows=(1,)),)),
    Case("staff_ragged_row", raw_staff(RAGGED_STAFF), (E("staff.csv", ("CSV", "field", "column"), rows=(4,)),)),
    # an HR system's report often has a title (and a blank row) above its headings: one problem, not every column missing
    Case("staff_report_title", raw_staff(("Staff list as at 31 March 2025\n\n" + STAFF_HEADER + "\nS1,Indian,adults,no,no,35000\n").encode()),
         (E("staff.csv", "has a title on its first row ('Staff list as at 31 March 2025'), and its headings seem to be on row 3", rows=(1,)),)),
    # an HR report's footer below an empty row is left out (test_real_exports); straight below the data, it could be
    # a row cut short: named, with the row a spreadsheet shows
    Case("staff_line_below_the_data", raw_staff((STAFF_HEADER + "\nS1,Indian,adults,no,no,35000\nS2,White,children,no,no,35000\n"
                                                 "Report run 02/04/2025 09:14 by HRIS\n").encode()),
         (E("staff.csv", "this row has 1 value but the header has 6 columns", rows=(4,)),)),
    # below an empty row, a line of two values is not a footer
    Case("staff_two_values_below_the_data", raw_staff((STAFF_HEADER + "\nS1,Indian,adults,no,no,35000\nS2,White,children,no,no,35000\n\n"
                                                       "Note,2\n").encode()),
         (E("staff.csv", "this row has 2 values but the header has 6 columns", rows=(5,)),)),
    # found by fuzzing (tests/test_fuzz_readers.py): old Mac line ends, a carriage return alone, broke the header's reader
    Case("staff_mac_line_ends", raw_staff((STAFF_HEADER + "\rS1,Indian,adults,no,no,35000\r").encode()),
         (E("staff.csv", "carriage return", rows=(1,)),)),
    Case("staff_quote_not_closed", raw_staff((STAFF_HEADER + '\nS1,Indian,adults,no,no,35000\nS2,"White,children,no,no,35000\n').encode()),
         (E("staff.csv", "quotes are not closed", rows=(3,)),)),
    # a missing column and a broken row: both in one run (the file is still read to its end)
    Case("staff_ragged_row_and_no_service", raw_staff(RAGGED_STAFF.replace(b",service,", b",team,")),
         (E("staff.csv", "no column service", column="service"), E("staff.csv", ("CSV", "field", "column"), rows=(4,)))),
    Case("staff_same_column_twice", raw_staff(DOUBLE_COLUMN_STAFF), (E("staff.csv", "more than once", column="ethnicity"),)),
    # staff.csv: values
    Case("staff_unknown_ethnicities",
         folder(record_files(staff=changed(staff_rows(), {3: {"ethnicity": "Martian"}, 4: {"ethnicity": "Klingon"},
                                                          5: {"ethnicity": "Martian"}, 6: {"ethnicity": "Klingon"},
                                                          7: {"ethnicity": "Martian"}}))),
         (E("staff.csv", '"Martian"', rows=(3, 5, 7), column="ethnicity"),
          E("staff.csv", '"Klingon"', rows=(4, 6), column="ethnicity"))),
    Case("staff_unknown_service", folder(record_files(staff=changed(staff_rows(), {5: {"service": "fostering"}}))),
         (E("staff.csv", '"fostering"', rows=(5,), column="service"),)),
    Case("staff_bad_boolean", folder(record_files(staff=changed(staff_rows(), {4: {"senior_manager": "maybe"}}))),
         (E("staff.csv", '"maybe"', rows=(4,), column="senior_manager"),)),
    Case("staff_blank_registered", folder(record_files(staff=changed(staff_rows(), {3: {"registered_professional": None}}))),
         (E("staff.csv", "blank", rows=(3,), column="registered_professional"),)),
    Case("staff_duplicate_id", folder(record_files(staff=changed(staff_rows(), {6: {"staff_id": "S2"}}))),
         (E("staff.csv", "more than once", rows=(3, 6), column="staff_id"),)),
    Case("staff_negative_salary", folder(record_files(staff=changed(staff_rows(), {4: {"annual_salary": -100}}))),
         (E("staff.csv", "negative", rows=(4,), column="annual_salary"),)),
    # a formula that failed (a lookup that found nothing): said as what it is, in any kind of column
    Case("staff_excel_errors", folder(record_files(staff=changed(staff_rows(), {3: {"ethnicity": "#N/A"}, 5: {"annual_salary": "#VALUE!"}}))),
         (E("staff.csv", '"#N/A" is an Excel error, not a value', rows=(3,), column="ethnicity"),
          E("staff.csv", '"#VALUE!" is an Excel error, not a value', rows=(5,), column="annual_salary"))),
    # pounds a year: a figure in thousands or an hourly rate is no salary
    Case("staff_salary_not_in_pounds_a_year", folder(record_files(staff=changed(staff_rows(), {3: {"annual_salary": "31.5"},
                                                                                                 4: {"annual_salary": "12.21"}}))),
         (E("staff.csv", "under £1,000, which no full-time annual salary is", rows=(3, 4), column="annual_salary"),)),
    # an identifier pasted in for a salary, or Excel's 1E+25 for a long number: it put the row in the top band
    Case("staff_salary_beyond_any_salary", folder(record_files(staff=changed(staff_rows(), {3: {"annual_salary": "10000000000000000000000000"},
                                                                                              4: {"annual_salary": "1E+25"}}))),
         (E("staff.csv", "over £1,000,000: no one in the workforce is paid that", rows=(3, 4), column="annual_salary"),)),
    # a comma stands only between thousands: a decimal comma ("38702,50", a European "31.500,00") would read as
    # £3,870,250 and £31.50; "£38,702.50" (row 5) is read
    Case("staff_salary_decimal_comma", folder(record_files(staff=changed(staff_rows(), {3: {"annual_salary": "38702,50"},
                                                                                          4: {"annual_salary": "31.500,00"},
                                                                                          5: {"annual_salary": "£38,702.50"},
                                                                                          6: {"annual_salary": "1,2345"}}))),
         (E("staff.csv", '"38702,50" is not a number', rows=(3,), column="annual_salary"),
          E("staff.csv", '"31.500,00" is not a number', rows=(4,), column="annual_salary"),
          E("staff.csv", '"1,2345" is not a number', rows=(6,), column="annual_salary"))),
    Case("staff_salary_not_number", folder(record_files(staff=changed(staff_rows(), {3: {"annual_salary": "thirty grand"}}))),
         (E("staff.csv", '"thirty grand"', rows=(3,), column="annual_salary"),)),
    Case("staff_unknown_pay_band", folder(record_files(staff=PAY_BAND_STAFF)),
         (E("staff.csv", '"Band Z"', rows=(4,), column="pay_band"),)),
    Case("staff_blank_staff_id", folder(record_files(staff=changed(staff_rows(), {3: {"staff_id": None}}))),
         (E("staff.csv", "blank", rows=(3,), column="staff_id"),)),
    # event files
    Case("recruitment_appointed_not_shortlisted",
         folder(record_files(recruitment=changed(recruitment_rows(), {4: {"appointed": "yes"}}))),
         (E("recruitment.csv", "shortlisted", rows=(4,), column="appointed"),)),
    Case("disciplinary_bad_date", folder(record_files(disciplinary=changed(disciplinary_rows(), {2: {"date": "31/13/2024"}}))),
         (E("disciplinary.csv", '"31/13/2024"', rows=(2,), column="date"),)),
    Case("disciplinary_blank_date", folder(record_files(disciplinary=changed(disciplinary_rows(), {3: {"date": None}}))),
         (E("disciplinary.csv", "blank", rows=(3,), column="date"),)),
    Case("staff_impossible_start_date", folder(record_files(staff=changed(staff_rows(), {3: {"start_date": "31/02/2024"}}))),
         (E("staff.csv", "there is no 31 February 2024", rows=(3,), column="start_date"),)),
    Case("disciplinary_month_first_dates", folder(record_files(disciplinary=changed(disciplinary_rows(), {2: {"date": "04/13/2024"}, 3: {"date": "03/04/2024"}}))),
         (E("disciplinary.csv", "looks month-first", rows=(2,), column="date"),
          E("disciplinary.csv", "could be read day-first or month-first", rows=(3,), column="date"))),
    # the import mapping (mapping.toml): a council's export read through it
    Case("mapping_heading_missing", folder({**record_files(), "mapping.toml": '[staff.columns]\nethnicity = "Ethnic Group"\n'}),
         (E("staff.csv", '"Ethnic Group"', rows=(1,), column="ethnicity"),)),
    Case("mapping_value_not_in_contract", folder({**record_files(), "mapping.toml": '[staff.values.service]\n"Housing" = "housing"\n'}),
         (E("mapping.toml", '"housing"', column="[staff.values.service]"),)),
    Case("mapping_not_toml", folder({**record_files(), "mapping.toml": "[staff.columns]\nstaff_id = Employee Number\n"}),
         (E("mapping.toml", "not a valid mapping file", rows=(2,)),)),
    Case("disciplinary_blank_service_unknown_staff",
         folder(record_files(disciplinary=changed(disciplinary_rows(), {4: {"service": None, "staff_id": "S99"}}))),
         (E("disciplinary.csv", "staff_id", rows=(4,), column="service"),)),
    Case("disciplinary_unknown_service", folder(record_files(disciplinary=changed(disciplinary_rows(), {3: {"service": "Housing"}}))),
         (E("disciplinary.csv", '"Housing" is not a service', rows=(3,), column="service"),)),
    # without staff_id nothing says which service the row is in: never dropped from the figures in silence
    Case("disciplinary_blank_service_no_staff_id",
         folder(record_files(disciplinary=changed(without(disciplinary_rows(), "staff_id"), {3: {"service": None}}))),
         (E("disciplinary.csv", "service is blank", rows=(3,), column="service"),)),
    Case("survey_answer_off_scale", folder(record_files(survey=changed(survey_rows(), {3: {"abuse_colleagues": "sometimes"}}))),
         (E("survey.csv", '"sometimes"', rows=(3,), column="abuse_colleagues"),)),
    # counts.csv
    Case("counts_unknown_metric", counts_return(counts_rows() + [{**counts_rows()[0], "metric": "M10"}]),
         (E("counts.csv", '"M10"', rows=(6,), column="metric"),)),
    # a subset metric (senior managers among staff) cannot have more in the numerator than the denominator
    Case("counts_numerator_over_denominator",
         counts_return(counts_rows() + [{"metric": "M9", "service": "adults", "band": None, "group": "white", "numerator": 70, "denominator": 60}]),
         (E("counts.csv", "larger", rows=(6,), column="numerator"),)),
    Case("counts_negative", counts_return(changed(counts_rows(), {4: {"numerator": -1}})),
         (E("counts.csv", '"-1"', rows=(4,), column="numerator"),)),
    Case("counts_not_a_number", counts_return(changed(counts_rows(), {5: {"denominator": "ten"}})),
         (E("counts.csv", '"ten"', rows=(5,), column="denominator"),)),
    # an identifier pasted in for a count: read as a float it was published as 10000000000000000905969664
    Case("counts_beyond_any_count_of_people", counts_return(changed(counts_rows(), {5: {"denominator": 10**25}})),
         (E("counts.csv", ('"10000000000000000000000000"', "more people than any count can hold"), rows=(5,), column="denominator"),)),
    # a zero left blank, on several rows: one problem naming them, said as blank
    Case("counts_blank_numerators", counts_return(changed(counts_rows(), {2: {"numerator": None}, 4: {"numerator": ""}})),
         (E("counts.csv", "numerator is blank", rows=(2, 4), column="numerator"),)),
    # a row typed by hand and forgotten is never read as 0 of 0: the other service's or group's figure would stand for both
    Case("counts_a_service_left_out", counts_return(counts_rows()[:2]),
         (E("counts.csv", "M3 has rows for adults but none for children", column="service"),)),
    Case("counts_a_compared_group_left_out", counts_return([r for i, r in enumerate(counts_rows()) if i != 1]),
         (E("counts.csv", "M3 adults: no row for White", column="group"),)),
    Case("counts_no_group_column", counts_return(without(counts_rows(), "group")),
         (E("counts.csv", "no column", column="group"),)),
    Case("counts_band_on_m3", counts_return(changed(counts_rows(), {2: {"band": "under 30k"}})),
         (E("counts.csv", "M1", rows=(2,), column="band"),)),
    # other shapes of return
    Case("xlsx_unknown_ethnicity",
         workbook(record_files(staff=changed(staff_rows(), {4: {"ethnicity": "Martian"}}))),
         (E("return.xlsx, sheet staff", '"Martian"', rows=(4,), column="ethnicity"),)),
    Case("xlsx_corrupt", corrupt_workbook, (E("return.xlsx", ("Excel", "workbook")),)),
    # a sheet laid out as an HR report, its title above the headings: one problem, not every column missing
    Case("xlsx_report_title", titled_workbook("recruitment", "Recruitment report 2024-25"),
         (E("return.xlsx, sheet recruitment", "has a title on its first row ('Recruitment report 2024-25'), and its headings seem to be on row 3", rows=(1,)),)),
    # workbooks refused before they are opened: said in words, with what to do
    Case("xlsx_password", workbook_of(password_workbook_bytes()), (E("return.xlsx", "protected by a password"),)),
    Case("xlsx_is_old_xls", workbook_of(compound_file("Workbook")), (E("return.xlsx", "97-2003"),)),
    Case("xls_given", workbook_of(compound_file("Workbook"), "return.xls"), (E("return.xls", "97-2003"),)),
    Case("xls_alone_in_folder", xls_alone, (E("return.xls", "97-2003"),), only=False),
    # other spreadsheets: what each is, and how to save it as one wres reads
    Case("ods_given", workbook_of(b"PK\x03\x04 an OpenDocument spreadsheet", "return.ods"), (E("return.ods", "OpenDocument spreadsheet (.ods)"),)),
    Case("numbers_given", workbook_of(b"PK\x03\x04", "return.numbers"), (E("return.numbers", "Apple Numbers"),)),
    Case("xlsx_declares_4gb", workbook_of(declared_size(workbook_bytes(record_files()), 0xFFFF_FFF0)),
         (E("return.xlsx", "unpacks to more than 500 MB"),)),
    # a part read whole (not a sheet, which is streamed): styles, the text cells share; held to a fifth of the limit
    Case("xlsx_styles_over_a_fifth", workbook_of(declared_size(workbook_bytes(record_files()), 200 << 20, "xl/styles.xml")),
         (E("return.xlsx", "unpacks to more than 500 MB"),)),
    Case("xlsx_unpacks_over_limit", workbook(record_files(staff=big_staff(12_000))),
         (E("return.xlsx", "unpacks to more than 1 MB"),), env=(("WRES_MAX_UNPACKED_MB", "1"),)),
    Case("xlsx_sheet_cut_short", workbook_of(rewrite_sheet(workbook_bytes(record_files()), "staff", lambda x: x[: len(x) // 2])),
         (E("return.xlsx, sheet staff", "damaged"),)),
    # a program wrote formulas and left their results for Excel to work out on opening (openpyxl, as here, leaves
    # them empty; xlsxwriter writes 0): refused with how to save them, never read as blank or as 0
    Case("xlsx_formulas_never_saved", workbook(record_files(staff=changed(staff_rows(), {3: {"annual_salary": "=35000+1"},
                                                                                       5: {"ethnicity": '=IF(1,"Indian")'}}))),
         (E("return.xlsx, sheet staff", "1 formula whose result was never saved", rows=(5,), column="ethnicity"),
          E("return.xlsx, sheet staff", "1 formula whose result was never saved", rows=(3,), column="annual_salary"))),
    # a formula in a column the return does not read is no matter
    Case("xlsx_unsaved_formula_in_an_extra_column", workbook(record_files(staff=[{**r, "length_of_service": "=1+1"} for r in staff_rows()],
                                                                          recruitment=changed(recruitment_rows(), {3: {"shortlisted": "maybe"}}))),
         (E("return.xlsx, sheet recruitment", '"maybe"', rows=(3,), column="shortlisted"),)),
    Case("xlsx_too_wide", workbook(record_files(staff=[{**r, **{f"extra{i}": None for i in range(1000)}, "last": "x"} for r in staff_rows()])),
         (E("return.xlsx, sheet staff", "1,007 columns", rows=(1,)),)),
    # the row limit: rows in a file or sheet (set low here), counting a sheet's empty rows
    Case("xlsx_too_many_rows", workbook(record_files()), (E("return.xlsx, sheet staff", "more than 5 rows"),),
         env=(("WRES_MAX_ROWS", "5"),)),
    Case("xlsx_row_far_down", workbook_of(rewrite_sheet(workbook_bytes(record_files()), "staff", far_row)),
         (E("return.xlsx, sheet staff", "more than 100 rows"),), env=(("WRES_MAX_ROWS", "100"),)),
    Case("csv_too_many_rows", folder(record_files()), (E("staff.csv", "more than 5 rows"),), env=(("WRES_MAX_ROWS", "5"),)),
    Case("parquet_too_many_rows", parquet(record_files()), (E("staff.parquet", "more than 5 rows"),), env=(("WRES_MAX_ROWS", "5"),)),
    Case("csv_over_unpacked_limit", folder(record_files(staff=big_staff(40_000))), (E("staff.csv", "more than 1 MB"),),
         env=(("WRES_MAX_UNPACKED_MB", "1"),)),
    Case("parquet_bad_boolean",
         parquet(record_files(staff=changed(staff_rows(), {3: {"senior_manager": "maybe"}}))),
         (E("staff.parquet", '"maybe"', rows=(3,), column="senior_manager"),)),
    Case("ethnicity_map_unrecognised",
         folder(record_files(ethnicity_map=ETHNICITY_MAP, staff=changed(staff_rows(), {3: {"ethnicity": "W1"}, 2: {"ethnicity": "A1"}}))),
         (E("ethnicity_map.csv", '"Martian"', rows=(4,), column="ethnicity"),)),
    Case("path_does_not_exist", no_such_path, (E("no-such-return", "not exist"),)),
    # NHS WRES returns (standard = "nhs-wres"): its files, in its words
    Case("nhs_bad_band", nhs_folder(staff=changed(nhs_files()["staff"], {4: {"pay_band": "Band 10"}})),
         (E("staff.csv", '"Band 10" is not a pay band', rows=(4,), column="pay_band"),)),
    Case("nhs_misspelt_band_suggested", nhs_folder(staff=changed(nhs_files()["staff"], {3: {"pay_band": "Bnad 8a"}})),
         (E("staff.csv", '"Bnad 8a"', rows=(3,), column="pay_band"),)),
    Case("nhs_bad_clinical", nhs_folder(staff=changed(nhs_files()["staff"], {5: {"clinical": "maybe"}})),
         (E("staff.csv", "not yes (clinical) or no (non-clinical)", rows=(5,), column="clinical"),)),
    Case("nhs_blank_board_flag", nhs_folder(staff=changed(nhs_files()["staff"], {6: {"board_executive": None}})),
         (E("staff.csv", "board_executive is blank", rows=(6,), column="board_executive"),)),
    Case("nhs_bad_answer", nhs_folder(survey=changed(SURVEY, {3: {"equal_opportunities": "Sometimes"}})),
         (E("survey.csv", '"Sometimes"', rows=(3,), column="equal_opportunities"),)),
    Case("nhs_no_dont_know_on_a_yes_no_question", nhs_folder(survey=changed(SURVEY, {4: {"discrimination_colleagues": "Don't know"}})),
         (E("survey.csv", "\"Don't know\" is not on the survey scale", rows=(4,), column="discrimination_colleagues"),)),
    Case("nhs_no_board_column", nhs_folder(staff=without(nhs_files()["staff"], "board_voting")),
         (E("staff.csv", "has no column board_voting", rows=(1,), column="board_voting"),)),
    Case("nhs_disciplinary_bad_date", nhs_folder(disciplinary=changed(nhs_files()["disciplinary"], {3: {"date": "31/13/2024"}})),
         (E("disciplinary.csv", '"31/13/2024"', rows=(3,), column="date"),)),
    Case("nhs_recruitment_appointed_not_shortlisted", nhs_folder(recruitment=changed(nhs_files()["recruitment"], {5: {"appointed": "yes"}})),
         (E("recruitment.csv", "shortlisted", rows=(5,), column="appointed"),)),
    Case("nhs_given_sc_wres_staff", nhs_folder(staff=staff_rows()),
         tuple(E("staff.csv", f"has no column {c}", rows=(1,), column=c) for c in ("pay_band", "clinical", "board_voting", "board_executive"))),
    Case("nhs_unknown_standard", folder(nhs_files(), org={**NHS_ORG, "standard": "nhs"}), (E("organisation.toml", '"nhs"'),)),
    Case("nhs_counts_part_of_a_whole_trust_indicator", folder({"counts": [
        {"metric": "3", "service": "all", "band": None, "group": "white", "numerator": 2, "denominator": 40},
        {"metric": "3", "service": "clinical", "band": None, "group": "bme", "numerator": 1, "denominator": 30}]}, org=NHS_ORG),
         (E("counts.csv", "whole trust", rows=(3,), column="service"),)),
    Case("nhs_workbook_bad_band", nhs_workbook(staff=changed(nhs_files()["staff"], {4: {"pay_band": "Band 10"}})),
         (E("return.xlsx, sheet staff", '"Band 10"', rows=(4,), column="pay_band"),)),
]

# Cases also run as a real process, as a user would.
SUBPROCESS_CASES = {"org_not_toml", "staff_not_utf8_nor_windows_1252", "staff_ragged_row", "xlsx_corrupt", "parquet_bad_boolean", "path_does_not_exist",
                    "xlsx_password", "xlsx_declares_4gb", "xlsx_too_many_rows"}

# The valid return each group of cases is built from: it must pass, so a case fails only for its own reason.
BASELINES: dict[str, Callable[[Path], str]] = {
    "folder": folder(record_files()),
    "folder_pay_band_column": folder(record_files(staff=[{**r, "pay_band": "under 30k"} for r in without(staff_rows(), "annual_salary")])),
    "folder_ethnicity_map": folder(record_files(ethnicity_map=ETHNICITY_MAP[:2], staff=changed(staff_rows(), {3: {"ethnicity": "W1"}, 2: {"ethnicity": "A1"}}))),
    "folder_with_job_role": raw_staff(CP1252_STAFF.replace(b"\xe9", b"e")),
    "counts": counts_return(counts_rows()),
    "workbook": workbook(record_files()),
    "parquet": parquet(record_files()),
    "nhs_folder": nhs_folder(),
    "nhs_workbook": nhs_workbook(),
}


# --- reading the output --------------------------------------------------------------------------------

SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings?$")


@dataclass
class Entry:
    kind: str  # error, warning, fix, summary, other
    text: str


def entries(output: str) -> list[Entry]:
    """The problem list as printed, with lines that the terminal wrapped joined back."""
    out: list[Entry] = []
    for line in output.splitlines():
        if line.startswith("✗ error"):
            out.append(Entry("error", line.removeprefix("✗ error")))
        elif line.startswith("! warning"):
            out.append(Entry("warning", line.removeprefix("! warning")))
        elif line[:1].isspace() and line.strip().startswith("how to fix:"):
            out.append(Entry("fix", line.strip().removeprefix("how to fix:")))
        elif SUMMARY.match(line.strip()):
            out.append(Entry("summary", line.strip()))
        elif out and out[-1].kind in ("error", "warning", "fix"):
            out[-1].text += " " + line
        else:
            out.append(Entry("other", line))
    return out


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def where_pattern(e: Expect) -> re.Pattern[str]:
    """What an error line must start with, compared without whitespace (the terminal may wrap it)."""
    p = re.escape(_squash(e.file))
    if e.rows is None:
        p += r"(?:,rows?\d+(?:,\d+)*(?:and[\d,]+more)?)?"
    elif e.rows:
        label = "row" if len(e.rows) == 1 else "rows"
        p += re.escape(f",{label}" + ",".join(map(str, e.rows)))
    if e.column is None:
        p += r"(?:,column[^:]*)?"
    else:
        p += re.escape(f",column{e.column}") + r"(?:\([^)]*\))?"
    return re.compile(p + r":(?P<message>.*)$", re.S)


def _has_word(message: str, word: str | tuple[str, ...]) -> bool:
    words = (word,) if isinstance(word, str) else word
    return any(_squash(w).lower() in _squash(message).lower() for w in words)


def assert_problems(output: str, case: Case, what: str) -> None:
    """Each expected problem is printed once, with its how-to-fix line; and (if `only`) nothing else is."""
    items = entries(output)
    errors = [(i, en) for i, en in enumerate(items) if en.kind == "error"]
    shown = "\n".join(output.splitlines()[:40])
    for e in case.expect:
        pattern = where_pattern(e)
        hits = []
        for i, en in errors:
            m = pattern.match(_squash(en.text))
            if m and _has_word(m.group("message"), e.word):
                hits.append(i)
        assert len(hits) == 1, f"{what}: expected one error naming {e} (where like {pattern.pattern!r}), found {len(hits)} in:\n{shown}"
        i = hits[0]
        assert i + 1 < len(items) and items[i + 1].kind == "fix" and items[i + 1].text.strip(), (
            f"{what}: the error for {e} is not followed by a 'how to fix:' line:\n{shown}"
        )
    if case.only:
        assert len(errors) == len(case.expect), (
            f"{what}: expected exactly {len(case.expect)} error(s), got {len(errors)}:\n{shown}"
        )


def assert_no_traceback(run: Run, what: str) -> None:
    for stream in (run.stdout, run.stderr):
        assert "Traceback" not in stream, f"{what} printed a traceback:\n{stream}"


# --- the tests -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in case.env:
        monkeypatch.setenv(name, value)
    path = case.build(tmp_path)

    # validate: exit 1, every message with file, rows, column and how to fix
    v = cli("validate", path)
    assert_no_traceback(v, "validate")
    assert v.code == 1, f"validate exited {v.code}, expected 1:\n{v.stdout}\n{v.stderr}"
    assert_problems(v.stdout + "\n" + v.stderr, case, "validate")

    # counts: exit 1, no output file and nothing else left in its folder
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    c = cli("counts", path, "-o", "out/counts.csv")
    assert_no_traceback(c, "counts")
    assert c.code == 1, f"counts exited {c.code}, expected 1:\n{c.stdout}\n{c.stderr}"
    assert not (out_dir / "counts.csv").exists(), "counts wrote its output for a bad return"
    assert sorted(p.name for p in out_dir.iterdir()) == [], "counts left files behind"
    assert_problems(c.stderr, case, "counts (stderr)")

    # metrics --format json: exit 1, nothing on stdout, the messages on stderr
    m = cli("metrics", path, "--format", "json")
    assert_no_traceback(m, "metrics")
    assert m.code == 1, f"metrics exited {m.code}, expected 1:\n{m.stdout}\n{m.stderr}"
    assert m.stdout == "", f"metrics printed on stdout for a bad return:\n{m.stdout}"
    assert_problems(m.stderr, case, "metrics (stderr)")

    # the return itself is left as it was: no output written into it
    if (tmp_path / RET).is_dir():
        assert not any(p.name.endswith(".tmp") or p.name.startswith(".") for p in (tmp_path / RET).iterdir())


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS_CASES], ids=lambda c: c.id)
def test_bad_input_real_process(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed command, in its own process: exit 1 and no traceback reaches the user."""
    for name, value in case.env:
        monkeypatch.setenv(name, value)
    path = case.build(tmp_path)
    (tmp_path / "out").mkdir()
    for args in (("validate", path), ("metrics", path, "--format", "json"), ("counts", path, "-o", "out/counts.csv")):
        r = run_command(*args, cwd=tmp_path)
        assert_no_traceback(r, args[0])
        assert "internal error" not in r.stderr, f"{args[0]} reported an internal error:\n{r.stderr}"
        assert r.code == 1, f"{args[0]} exited {r.code}, expected 1:\n{r.stdout}\n{r.stderr}"
        output = r.stdout + "\n" + r.stderr if args[0] == "validate" else r.stderr
        assert_problems(output, case, f"{args[0]} (real process)")
        if args[0] == "metrics":
            assert r.stdout == ""
    assert list((tmp_path / "out").iterdir()) == []


def test_case_table_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("name", list(BASELINES))
def test_baseline_is_valid(name: str, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The valid parts the cases are built from pass, so each bad case fails only for its own reason."""
    monkeypatch.chdir(tmp_path)
    path = BASELINES[name](tmp_path)
    v = cli("validate", path)
    assert v.code == 0, v.stdout + v.stderr
    assert not [e for e in entries(v.stdout) if e.kind == "error"]
    m = cli("metrics", path, "--format", "json")
    assert m.code == 0, m.stderr
    assert m.stdout.lstrip().startswith("{")
    c = cli("counts", path, "-o", "out/counts.csv")
    assert c.code == 0, c.stderr
    assert (tmp_path / "out" / "counts.csv").read_text().startswith("metric,service,band,group,numerator,denominator")


def test_every_problem_in_one_run(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several problems in several files are all reported by one run: checking does not stop at the first."""
    monkeypatch.chdir(tmp_path)
    files = record_files(
        staff=changed(staff_rows(), {3: {"ethnicity": "Martian"}, 5: {"senior_manager": "maybe"}, 6: {"annual_salary": "thirty grand"}}),
        recruitment=changed(recruitment_rows(), {4: {"appointed": "yes"}}),
        disciplinary=changed(disciplinary_rows(), {3: {"date": "31/13/2024"}}),
        survey=changed(survey_rows(), {4: {"abuse_public": "sometimes"}}),
    )
    write_return(tmp_path / RET, files, org={**ORG, "pay_bands": ORG_BANDS_OUT_OF_ORDER["pay_bands"]})
    case = Case("many", lambda _: RET, (
        E("organisation.toml", ("pay_bands", "highest")),
        E("staff.csv", '"Martian"', rows=(3,), column="ethnicity"),
        E("staff.csv", '"maybe"', rows=(5,), column="senior_manager"),
        E("staff.csv", '"thirty grand"', rows=(6,), column="annual_salary"),
        E("recruitment.csv", "shortlisted", rows=(4,), column="appointed"),
        E("disciplinary.csv", '"31/13/2024"', rows=(3,), column="date"),
        E("survey.csv", '"sometimes"', rows=(4,), column="abuse_public"),
    ))
    v = cli("validate", RET)
    assert_no_traceback(v, "validate")
    assert v.code == 1
    assert_problems(v.stdout, case, "validate")
    assert re.search(r"^7 errors?, \d+ warnings?$", v.stdout, re.M), v.stdout
    m = cli("metrics", RET, "--format", "json")
    assert m.code == 1 and m.stdout == ""
    assert_problems(m.stderr, case, "metrics (stderr)")
    (tmp_path / "out").mkdir()
    c = cli("counts", RET, "-o", "out/counts.csv")
    assert c.code == 1 and list((tmp_path / "out").iterdir()) == []
    assert_problems(c.stderr, case, "counts (stderr)")


def test_rows_are_named_rightly_in_a_file_read_in_parallel(tmp_path: Path) -> None:
    """A staff file over the size read with threads, with bad values far apart and one spelling first met after
    the rows its vocabulary is sampled from: every problem names exactly its rows (row 1 is the header)."""
    from wres import pipeline, validate

    n = 130_000
    bad_flag = {5, 77_777, n + 1}  # rows as a person counts them
    martian = {validate.SAMPLE_ROWS + 5_000, n - 3}
    late_spelling = validate.SAMPLE_ROWS + 20_000  # recognised, but not in the sampled rows: no problem at all
    lines = ["staff_id,ethnicity,service,senior_manager,registered_professional,annual_salary,job_role"]
    for row in range(2, n + 2):
        ethnicity = "Martian" if row in martian else "\"Any other Black, Black British, or Caribbean background\"" if row == late_spelling else "Indian"
        flag = "maybe" if row in bad_flag else "no"
        lines.append(f"S{row},{ethnicity},adults,{flag},no,35000,Social worker with a long job title to make the file larger")
    root = write_return(tmp_path / "r", {})
    (root / "staff.csv").write_text("\n".join(lines) + "\n")
    assert (root / "staff.csv").stat().st_size > 8 << 20  # read with threads (read._small)
    problems = {p.message: p for p in pipeline.check(root) if p.severity == "error"}
    assert set(problems) == {'"maybe" is not yes or no', '"Martian" is not a recognised ethnicity'}
    assert (problems['"maybe" is not yes or no'].rows, problems['"maybe" is not yes or no'].row_count) == (tuple(sorted(bad_flag)), 3)
    assert (problems['"Martian" is not a recognised ethnicity'].rows, problems['"Martian" is not a recognised ethnicity'].row_count) == (tuple(sorted(martian)), 2)


def test_counts_typed_by_hand_read_services_as_the_record_files_do(tmp_path: Path) -> None:
    """A counts sheet kept by hand names the services as the council does ("Adult Social Care", "CSC"), as record
    files may, and leaves out the rows of no one not stated: the same counts as the contract's spelling."""
    from wres import pipeline

    spelt = [{**r, "service": {"adults": "Adult Social Care", "children": "CSC"}[r["service"]]} for r in counts_rows()]
    counts_return(spelt)(tmp_path / "a")
    counts_return(counts_rows())(tmp_path / "b")
    mine, theirs = (pipeline.load(tmp_path / x / RET) for x in "ab")
    assert mine.counts.cells == theirs.counts.cells and mine.counts.get("M3", "children", "", "unknown") == (0, 0)
    counts_return([{**r, "service": "yes"} for r in counts_rows()])(tmp_path / "c")  # a flag's word is no service
    assert {p.message for p in pipeline.check(tmp_path / "c" / RET) if p.severity == "error"} == {'"yes" is not a service'}


def test_record_files_beside_counts_csv_are_said_to_be_unread(tmp_path: Path, cli) -> None:
    """counts.csv gives the figures; record files sent with it are not silently ignored."""
    root = write_return(tmp_path / "r", {"counts": counts_rows(), "staff": staff_rows()})
    from wres import pipeline

    warnings = [p for p in pipeline.check(root) if p.severity == "warning"]
    assert [(p.file, p.message) for p in warnings] == [("staff.csv", "is not read: this return also holds counts.csv, which gives the figures")]
    run = cli("metrics", root, "--format", "json", "--internal")
    assert run.code == 0 and "staff.csv: is not read" in run.stdout


def test_empty_rows_in_a_csv_do_not_shift_the_rows_named(tmp_path: Path) -> None:
    """DuckDB skips empty lines; a spreadsheet shows them as rows. Row numbers are the spreadsheet's."""
    from wres import pipeline

    root = write_return(tmp_path / "r", {"disciplinary": disciplinary_rows(), "counts": counts_rows()})
    (root / "counts.csv").unlink()
    (root / "staff.csv").write_text(
        STAFF_HEADER + "\n\n"                       # row 2 empty
        "S1,Indian,adults,maybe,no,35000\n"          # row 3
        "S2,White,children,no,no,35000\n\n\n"         # row 4, then rows 5 and 6 empty
        'S3,"African",adults,no,yes,41000\n'         # row 7
        "S4,Martian,children,maybe,no,72000\n\n"     # row 8, then an empty row at the end
    )
    (root / "disciplinary.csv").write_text("staff_id,ethnicity,service,date\nS1,,,2024-06-01\n\nS99,,,2024-07-01\n")
    problems = {(p.file, p.message): p.rows for p in pipeline.check(root) if p.severity == "error"}
    assert problems == {
        ("staff.csv", '"maybe" is not yes or no'): (3, 8),
        ("staff.csv", '"Martian" is not a recognised ethnicity'): (8,),
        ("disciplinary.csv", "service is blank and staff_id is not in staff.csv"): (4,),
    }
    # a file only looked up (counts.csv) is numbered the same way
    agg = write_return(tmp_path / "agg", {})
    (agg / "counts.csv").write_text("metric,service,band,group,numerator,denominator\n\nM10,adults,,white,1,10\n")
    assert [(p.message, p.rows) for p in pipeline.check(agg) if p.severity == "error"] == [('"M10" is not a metric id', (3,))]


@pytest.mark.parametrize("sep", [",", ";"])  # read straight from the file; and from a copy, landed with its row numbers
def test_rows_of_empty_cells_are_no_rows_and_shift_no_row_named(tmp_path: Path, sep: str) -> None:
    """Excel saves a row whose cells were cleared as ",,,,,": like an empty row of a sheet, it is no row (not a
    person with a blank staff_id), and the rows named after it are still the spreadsheet's. A row with one
    cell filled is a row."""
    from wres import pipeline

    root = write_return(tmp_path / "r", {"staff": staff_rows(), "disciplinary": disciplinary_rows()})
    clean = pipeline.load(root).counts
    lines = (root / "staff.csv").read_text(encoding="utf-8").splitlines()
    cleared = "," * STAFF_HEADER.count(",")
    (root / "staff.csv").write_text("\n".join([lines[0], lines[1], cleared, " , ,,,,", "", *lines[2:], cleared, cleared]).replace(",", sep) + "\n",
                                    encoding="utf-8")
    assert not [p for p in pipeline.check(root) if p.severity == "error"]
    assert pipeline.load(root).counts.cells == clean.cells  # no one more, no one less

    rows = lines[1:]
    rows[1] = rows[1].replace("White", "Martian")  # S2
    (root / "staff.csv").write_text("\n".join([lines[0], rows[0], cleared, cleared, ",,,,,31000", *rows[1:], cleared]).replace(",", sep) + "\n",
                                    encoding="utf-8")
    problems = {(p.file, p.message): p.rows for p in pipeline.check(root) if p.severity == "error"}
    assert problems[("staff.csv", '"Martian" is not a recognised ethnicity')] == (6,)  # header, S1, two cleared rows, the salary's row, S2
    assert problems[("staff.csv", "staff_id is blank")] == (5,)  # a row with a salary in it is a row


def test_rows_of_empty_cells_in_counts_csv_are_no_rows(tmp_path: Path) -> None:
    """counts.csv typed by hand and saved from Excel, with cleared rows below the counts: no row, no problem."""
    from wres import pipeline

    root = write_return(tmp_path / "r", {"counts": counts_rows()})
    clean = pipeline.load(root).counts
    with (root / "counts.csv").open("a", encoding="utf-8") as f:
        f.write(",,,,,\n" * 3 + " , ,,,,\n")
    assert not [p for p in pipeline.check(root) if p.severity == "error"]
    assert pipeline.load(root).counts.cells == clean.cells
    (root / "counts.csv").write_text("metric,service,band,group,numerator,denominator\n,,,,,\n", encoding="utf-8")
    assert [p.message for p in pipeline.check(root) if p.severity == "error"] == ["has a header but no rows"]


ESCAPE = "\x1b[2J\x1b]0;pwned\x07"  # clear the screen, retitle the window, ring the bell


def test_a_control_character_from_a_file_is_shown_never_obeyed(tmp_path: Path) -> None:
    """A value, a heading or a file name holding terminal escape codes (a broken or hostile file, a vertical
    tab pasted from Word) is written as its codes in every message: printed raw, it would clear the user's
    screen or retitle their window."""
    root = write_return(tmp_path / "r", {"staff": changed(staff_rows(), {1: {"ethnicity": f"Indian{ESCAPE}"}})})
    run = run_command("validate", root)
    assert run.code == 1 and "\x1b" not in run.stdout + run.stderr and "\x07" not in run.stdout + run.stderr
    assert '"Indian\\x1b[2J\\x1b]0;pwned\\x07" is not a recognised ethnicity' in run.stdout
    from wres.problems import Problem

    said = Problem(f"staff{ESCAPE}.csv", "a\tb\nc\x0bd", "fix", column="x\x9by")
    assert (said.file, said.message, said.column) == ("staff\\x1b[2J\\x1b]0;pwned\\x07.csv", "a\tb\nc\\x0bd", "x\\x9by")


@pytest.mark.parametrize("setting", ["name", "sponsors"])
def test_a_setting_holding_a_control_character_is_refused_and_nothing_is_written(tmp_path: Path, setting: str) -> None:
    """organisation.toml's text goes into every report and onto the terminal: an escape code there is an error
    naming the setting, and no report is written."""
    root = write_return(tmp_path / "r", {"staff": staff_rows()}, org={**ORG, setting: f"Eastmere{ESCAPE}"})  # (written as \\u001b)
    run = run_command("report", root, "-o", tmp_path / "out")
    assert run.code == 1 and "\x1b" not in run.stdout + run.stderr, run.stdout
    assert f'{setting} holds a control character ("Eastmere\\x1b[2J\\x1b]0;pwned\\x07")' in " ".join(run.stderr.split())
    assert not (tmp_path / "out").exists()
    write_toml(root / "organisation.toml", {**ORG, setting: "Eastmere\r\nCouncil"})  # a line break as Windows writes it is text
    assert not [p for p in __import__("wres.pipeline").pipeline.check(root) if "control character" in p.message]


def test_a_sheet_is_read_to_its_last_row_whatever_its_dimension_says(tmp_path: Path) -> None:
    """A workbook made by another program may give its sheet's size wrongly (<dimension ref="A1:B2"/>):
    every row is still read (openpyxl alone would stop at the claimed last row, dropping the rest unsaid)."""
    import re as regex

    from wres import pipeline

    data = workbook_bytes(record_files(staff=changed(staff_rows(), {7: {"ethnicity": "Martian"}})))
    data = rewrite_sheet(data, "staff", lambda xml: regex.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', xml))
    path = Path(workbook_of(data)(tmp_path))
    problems = [(p.file, p.message, p.rows) for p in pipeline.check(tmp_path / path) if p.severity == "error"]
    assert problems == [("return.xlsx, sheet staff", '"Martian" is not a recognised ethnicity', (7,))]


def test_a_column_under_a_usual_heading_of_its_own_is_named_in_the_fix(tmp_path: Path) -> None:
    """An HR export saved as the staff sheet keeps its headings: the one that is a usual name for a missing
    column is said as it (with its letter), and how to keep it (wres map on the workbook); a heading no
    export uses is not guessed at."""
    from wres import pipeline

    rows = [{("Ethnic Origin" if k == "ethnicity" else "Team" if k == "service" else k): v for k, v in r.items()} for r in staff_rows()]
    path = Path(workbook(record_files(staff=rows))(tmp_path))
    fixes = {p.column: p.fix for p in pipeline.check(tmp_path / path) if p.severity == "error"}
    assert fixes == {
        "ethnicity": 'the column Ethnic Origin (B) is most likely it: rename that heading ethnicity, or keep your headings and say which is '
                     'which in an import mapping, which wres map suggests',
        "service": 'add a column headed service (column names are not case-sensitive), or keep your headings and say which is which in an '
                   'import mapping, which wres map suggests'}


def test_staff_who_started_after_the_snapshot_are_left_out_and_said(tmp_path: Path) -> None:
    """An HR export run in June for a return of 31 March holds April's starters: they were not employed on the
    snapshot date, so they are in no headcount, and a warning says how many and why. The counts equal those of
    the list without them."""
    from wres import pipeline

    rows = [{**r, "start_date": "2019-05-01"} for r in staff_rows()]
    later = [*rows, {**person("S7", "White", "adults"), "start_date": "2025-04-14"}, {**person("S8", "Indian", "children"), "start_date": "14/04/2025"}]
    write_return(tmp_path / "later", {"staff": later}, ORG)
    write_return(tmp_path / "snapshot", {"staff": rows}, ORG)
    loaded = pipeline.load(tmp_path / "later")
    assert loaded.counts.cells == pipeline.load(tmp_path / "snapshot").counts.cells
    said = [(p.file, p.rows, p.column, p.message) for p in loaded.warnings if "snapshot" in p.message]
    assert said == [("staff.csv", (8, 9), "start_date", "started after the snapshot date (31 March 2025): left out of the figures")]


def test_staff_who_left_before_the_snapshot_by_the_leavers_file_are_said(tmp_path: Path) -> None:
    """A staff list of everyone employed in the year, not on its last day, holds its leavers: each person
    leavers.csv has leaving before the snapshot is said (kept: either file may be wrong). Not one who left on
    the snapshot day itself, nor one who left and started again after."""
    from wres import pipeline

    rows = [{**r, "start_date": "2019-05-01"} for r in staff_rows()]
    rows[4]["start_date"] = "2024-11-01"  # S5 left in August and came back
    leavers = [{"staff_id": sid, "ethnicity": "Indian", "service": "adults", "date": when}
               for sid, when in (("S2", "2024-06-30"), ("S4", "2025-01-31"), ("S5", "2024-08-31"), ("S6", "2025-03-31"), ("S9", "2024-05-01"))]
    write_return(tmp_path / "r", {"staff": rows, "leavers": leavers}, ORG)
    said = [(p.rows, p.row_count, p.severity, p.message) for p in pipeline.load(tmp_path / "r").warnings if "snapshot" in p.message]
    assert said == [((3, 5), 2, "warning", "these people left before the snapshot date (31 March 2025), by leavers.csv, yet are counted on the staff list")]
    # one workbook: the leavers are its sheet's, not a leavers.csv
    (tmp_path / "book").mkdir()
    workbook({"staff": rows, "leavers": leavers})(tmp_path / "book")
    said = [p.message for p in pipeline.load(tmp_path / "book" / RET / "return.xlsx").warnings if "snapshot" in p.message]
    assert said == ["these people left before the snapshot date (31 March 2025), by return.xlsx, sheet leavers, yet are counted on the staff list"]


def test_a_yes_no_column_in_its_own_words_reads_as_yes_and_no(tmp_path: Path) -> None:
    """A sheet typed by hand says "Shortlisted" / "Not shortlisted" under shortlisted: the column's own name is
    yes and its negation no, so it counts as yes and no do; a word of another column is still an error."""
    from wres import pipeline

    own = {"yes": "Shortlisted", "no": "Not shortlisted"}
    worded = [{**r, "shortlisted": own[r["shortlisted"]], "appointed": {"yes": "Appointed", "no": "not appointed"}[r["appointed"]]}
              for r in recruitment_rows()]
    staff = changed(staff_rows(), {2: {"senior_manager": "Senior Manager"}, 3: {"registered_professional": "Qualified"}})
    write_return(tmp_path / "worded", {"staff": staff_rows(), "recruitment": worded}, ORG)
    write_return(tmp_path / "contract", {"staff": staff_rows(), "recruitment": recruitment_rows()}, ORG)
    assert pipeline.load(tmp_path / "worded").counts == pipeline.load(tmp_path / "contract").counts
    write_return(tmp_path / "flags", {"staff": staff}, ORG)
    senior = {(p.column, p.message) for p in pipeline.check(tmp_path / "flags") if p.severity == "error"}
    assert senior == {("registered_professional", '"Qualified" is not yes or no')}  # only its own words
    write_return(tmp_path / "other", {"staff": staff_rows(), "recruitment": changed(worded, {2: {"shortlisted": "Appointed"}})}, ORG)
    assert [(p.column, p.message) for p in pipeline.check(tmp_path / "other") if p.severity == "error"] == [
        ("shortlisted", '"Appointed" is not yes or no')]


def test_a_counts_file_typed_by_hand_reads_as_the_contracts(tmp_path: Path) -> None:
    """Groups as aggregate sources name them ("BME", "Minority ethnic", "White", "Not known"), a count written
    with Excel's thousands comma, a metric or service in another case: read as the contract's spellings are.
    A category's name ("Indian") is no group: its count is not its group's."""
    from wres import pipeline

    named = {"minority_ethnic": ("BME", "Minority ethnic"), "white": ("White", "WHITE")}
    typed = [{**r, "metric": r["metric"].lower(), "service": r["service"].title(), "group": named[r["group"]][i % 2],
              "denominator": f"{r['denominator'] * 100:,}"} for i, r in enumerate(counts_rows())]
    contract = [{**r, "denominator": r["denominator"] * 100} for r in counts_rows()]
    typed.append({**typed[0], "group": "Not known", "numerator": 0, "denominator": "1,250"})
    contract.append({**contract[0], "group": "unknown", "numerator": 0, "denominator": 1250})
    counts_return(typed)(tmp_path / "typed")
    counts_return(contract)(tmp_path / "contract")
    assert pipeline.load(tmp_path / "typed" / RET).counts == pipeline.load(tmp_path / "contract" / RET).counts
    counts_return(changed(counts_rows(), {3: {"group": "Indian"}}))(tmp_path / "category")
    assert [p.message for p in pipeline.check(tmp_path / "category" / RET) if p.severity == "error"] == ['"Indian" is not a group']


def test_more_survey_respondents_than_staff_is_said_without_a_figure_to_publish(tmp_path: Path) -> None:
    """A survey tool's export that repeats its answers (or holds another survey's) has more respondents than
    the staff list has people: said, in words that may be published (the figures are in the fix, as a small
    list's headcount is no figure to publish)."""
    from wres import pipeline

    answers = [{"respondent_id": f"R{i}", "ethnicity": "Indian", "service": "adults", "abuse_public": "Never", "abuse_colleagues": "Never",
                "abuse_managers": "Never"} for i in range(7)]
    write_return(tmp_path / "r", {"staff": staff_rows(), "survey": answers}, ORG)
    said = [(p.file, p.message, p.fix) for p in pipeline.load(tmp_path / "r").warnings if "respondents" in p.message]
    assert said == [("survey.csv", "has more respondents than the staff list has people",
                     "check it holds only this survey's responses, each once (7 respondents, 6 staff): a survey tool's export may repeat them, "
                     "or hold another survey's or other services' responses")]
    assert "The survey file has more respondents than the staff list has people" in pipeline.document(tmp_path / "r").warnings
    write_return(tmp_path / "fewer", {"staff": staff_rows(), "survey": answers[:6]}, ORG)
    assert not [p for p in pipeline.load(tmp_path / "fewer").warnings if "respondents" in p.message]


def test_formulas_xlsxwriter_left_as_0_are_refused_not_read_as_0(tmp_path: Path) -> None:
    """xlsxwriter saves 0 as every formula's result, for Excel to work out on opening: a salary of 0 would
    be a figure, so the sheet is refused with how to save the workbook."""
    import xlsxwriter

    from wres import pipeline

    rows = staff_rows()
    (tmp_path / RET).mkdir()
    write_toml(tmp_path / RET / "organisation.toml", ORG)
    book = xlsxwriter.Workbook(str(tmp_path / RET / "return.xlsx"))
    ws = book.add_worksheet("staff")
    ws.write_row(0, 0, list(rows[0]))
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, list(row.values()))
    ws.write_formula(2, list(rows[0]).index("annual_salary"), "=35000+1")
    book.close()
    problems = [(p.file, p.rows, p.column, p.message.split(":")[0]) for p in pipeline.check(tmp_path / RET) if p.severity == "error"]
    assert problems == [("return.xlsx, sheet staff", (3,), "annual_salary (F)", "holds 1 formula whose result was never saved in the workbook")]


def test_formulas_excel_saved_are_read_as_their_results(tmp_path: Path) -> None:
    """Excel saves each formula's result with it, and drops the request to work them out on opening: such a
    workbook's formulas are read as what Excel shows."""
    import io
    import zipfile

    from wres import pipeline

    data = workbook_bytes(record_files(staff=changed(staff_rows(), {3: {"annual_salary": "=35000+1"}})))
    data = rewrite_sheet(data, "staff", lambda xml: xml.replace(b"<f>35000+1</f><v />", b"<f>35000+1</f><v>35001</v>"))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, body.replace(b' fullCalcOnLoad="1"', b"") if info.filename == "xl/workbook.xml" else body)
    assert b"<v>35001</v>" in zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")
    path = Path(workbook_of(out.getvalue())(tmp_path))
    assert [p for p in pipeline.check(tmp_path / path) if p.severity == "error"] == []
    from wres import read
    ret = read.read_return(tmp_path / path)
    assert ret.con.execute("SELECT annual_salary FROM raw_staff WHERE _row = 3").fetchone() == ("35001",)


def test_an_xls_beside_the_returns_files_is_only_a_warning(tmp_path: Path) -> None:
    """An old workbook beside CSV files that make the return (perhaps the HR export they came from) does not
    stop it; it is said, with how to make it readable. So is an OpenDocument one; alone, it is an error."""
    from wres import pipeline

    root = write_return(tmp_path / RET, record_files())
    (root / "export.xls").write_bytes(compound_file("Workbook"))
    (root / "Staff list.ods").write_bytes(b"PK\x03\x04")
    problems = [(p.severity, p.file, p.message) for p in pipeline.check(root) if p.file in ("export.xls", "Staff list.ods")]
    assert problems == [("warning", "Staff list.ods", "is an OpenDocument spreadsheet (.ods), which cannot be read"),
                        ("warning", "export.xls", "is an Excel 97-2003 workbook (.xls), which cannot be read")]
    for f in root.glob("*.csv"):
        f.unlink()
    assert ("error", "Staff list.ods") in {(p.severity, p.file) for p in pipeline.check(root)}


@pytest.mark.parametrize("accent, valid", [("é".encode(), True), (b"\xe9", True), (b"\x81", False)],
                         ids=["utf8-across-the-buffer", "windows-1252", "neither"])
def test_a_file_is_checked_for_utf8_to_its_end_across_the_readers_buffer(tmp_path: Path, accent: bytes, valid: bool) -> None:
    """A column that is not landed (job_role) is still checked for UTF-8 to the file's end, a buffer at a time
    (encoding.utf8; 16 MB is a multiple of its size): an accent whose two bytes straddle a buffer's end is UTF-8;
    a Windows-1252 one past it is read as such, with a warning; a byte neither can hold is refused."""
    from wres import pipeline

    boundary = 1 << 24
    head = (STAFF_HEADER + ",job_role\n").encode()
    row = b"S%d,White,adults,no,no,35000,Social worker\n"
    rows = [head]
    size, i = len(head), 0
    while size < boundary - 200:
        i += 1
        rows.append(row % i)
        size += len(rows[-1])
    start = b"S%d,White,adults,no,no,35000,Travailleur social " % (i + 1)
    pad = boundary - 1 - size - len(start)  # the accent's first byte is the buffer's last
    rows.append(start + b"x" * pad + accent + b"\n" + b"".join(row % j for j in range(i + 2, i + 20)))
    data = b"".join(rows)
    assert data.index(accent) == boundary - 1
    root = write_return(tmp_path / RET, record_files(staff=None))
    (root / "staff.csv").write_bytes(data)
    problems = pipeline.check(root)
    errors = [(p.file, p.message) for p in problems if p.severity == "error"]
    assert errors == ([] if valid else [("staff.csv", "is not UTF-8 encoded")])
    assert any("Windows-1252" in p.message for p in problems) == (accent == b"\xe9")
