"""The same return in every accepted form gives the same metrics document.

A demo return (seed 3, 300 staff) is the reference. It is rewritten as: an .xlsx workbook with typed cells
and organisation.toml beside it; the same workbook with an `organisation` sheet instead of the toml file;
Parquet files with typed columns; CSV with upper/mixed-case headers and a UTF-8 BOM; and counts.csv made by
`wres counts`. Every form must give the reference's results exactly.

Then the ways one value may be written: local ethnicity codes through ethnicity_map.csv, case and spacing,
NHS letter codes, "Broad: label", blanks; pay_band labels instead of salaries; custom pay bands; and the
suppression threshold set in organisation.toml.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from tests.conftest import ORG, person, write_return, write_toml
from wres import pipeline
from wres.demo import write_demo
from wres.ethnicity import classify

RECORD_FILES = ("staff", "recruitment", "disciplinary", "fitness_to_practise", "training", "leavers", "survey")
DEMO_ORG = {
    "name": "London Borough of Eastmere",
    "code": "E09000099",
    "period_start": "2024-04-01",
    "period_end": "2025-03-31",
    "local_population_minority_ethnic_pct": 28.0,
}


# --- the reference ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("demo")
    write_demo(d, seed=3, staff=300)
    return d


@pytest.fixture(scope="module")
def reference(demo: Path) -> dict[str, Any]:
    return pipeline.document(demo, internal=True).to_dict()


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def counts_in(doc: dict[str, Any]) -> list[int]:
    return [
        v for r in doc["results"] for g in ("minority_ethnic", "white", "unknown")
        for v in (r[g]["numerator"], r[g]["denominator"]) if v is not None
    ]


# --- writing the demo in other forms ------------------------------------------------------------------------

def _text(v: str) -> str | None:
    return v if v != "" else None


def _date(v: str) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def _yes(v: str) -> bool | None:
    return {"yes": True, "no": False}.get(v)


# Cells written as Excel would type them: numbers as numbers, dates as dates, flags as booleans.
XLSX_TYPES: dict[tuple[str, str], Callable[[str], Any]] = {
    ("staff", "start_date"): _date,
    ("staff", "senior_manager"): _yes,
    ("training", "date"): _date,  # training holds rows dated outside the period: typed dates must be read right
}


def _salary(i: int, v: str) -> int | float:
    # int and float cells both; a quarter pound moves no salary across a band boundary (they are whole pounds)
    return int(v) if i % 2 else int(v) + 0.25


def write_workbook(demo: Path, target: Path, organisation_sheet: bool) -> Path:
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"  # a sheet the contract does not name: ignored
    notes.append(["Exported from the HR system for the SC-WRES return"])
    sheet_names = {"staff": "Staff", "fitness_to_practise": "FITNESS_TO_PRACTISE"}  # case of the name does not matter
    for name in RECORD_FILES:
        header, rows = read_rows(demo / f"{name}.csv")
        ws = wb.create_sheet(sheet_names.get(name, name))
        ws.append(header)
        for i, row in enumerate(rows):
            cells: list[Any] = []
            for col, v in zip(header, row):
                if (name, col) == ("staff", "annual_salary"):
                    cells.append(_salary(i, v))
                else:
                    cells.append(XLSX_TYPES.get((name, col), _text)(v))
            ws.append(cells)
    if organisation_sheet:
        ws = wb.create_sheet("organisation")
        ws.append(["setting", "value"])
        ws.append(["name", DEMO_ORG["name"]])
        ws.append(["code", DEMO_ORG["code"]])
        ws.append(["period_start", dt.date(2024, 4, 1)])  # a date cell
        ws.append(["period_end", "2025-03-31"])  # a text cell
        ws.append(["local_population_minority_ethnic_pct", 28])
    target.mkdir()
    path = target / "return.xlsx"
    wb.save(path)
    if not organisation_sheet:
        shutil.copy(demo / "organisation.toml", target / "organisation.toml")
    return path


def to_xlsx(demo: Path, target: Path) -> Path:
    # Given as the workbook's path, organisation.toml beside it.
    return write_workbook(demo, target, organisation_sheet=False)


def to_xlsx_organisation_sheet(demo: Path, target: Path) -> Path:
    # Given as the folder, which holds the workbook only.
    write_workbook(demo, target, organisation_sheet=True)
    assert sorted(p.name for p in target.iterdir()) == ["return.xlsx"]
    return target


PARQUET_TYPES = {
    "staff": "annual_salary::DOUBLE AS annual_salary, start_date::DATE AS start_date, "
    "(senior_manager = 'yes') AS senior_manager, (registered_professional = 'yes') AS registered_professional",
    "recruitment": "date::DATE AS date, (shortlisted = 'yes') AS shortlisted, (appointed = 'yes') AS appointed",
    "disciplinary": "date::DATE AS date",
    "fitness_to_practise": "date::DATE AS date",
    "training": "date::DATE AS date",
    "leavers": "date::DATE AS date",
}


def to_parquet(demo: Path, target: Path) -> Path:
    target.mkdir()
    shutil.copy(demo / "organisation.toml", target / "organisation.toml")
    con = duckdb.connect()
    for name in RECORD_FILES:
        src = str(demo / f"{name}.csv").replace("'", "''")
        dst = str(target / f"{name}.parquet").replace("'", "''")
        replace = f" REPLACE ({PARQUET_TYPES[name]})" if name in PARQUET_TYPES else ""
        con.execute(f"COPY (SELECT *{replace} FROM read_csv('{src}', header=true, all_varchar=true)) TO '{dst}' (FORMAT parquet)")
    con.close()
    schema = pq.read_schema(target / "staff.parquet")
    assert str(schema.field("annual_salary").type) == "double"
    assert str(schema.field("start_date").type) == "date32[day]"
    assert str(schema.field("senior_manager").type) == "bool"
    assert str(pq.read_schema(target / "training.parquet").field("date").type) == "date32[day]"
    return target


def _shout(i: int, column: str) -> str:
    return column.upper() if i % 2 == 0 else column.title()


def to_csv_bom(demo: Path, target: Path) -> Path:
    target.mkdir()
    shutil.copy(demo / "organisation.toml", target / "organisation.toml")
    for name in RECORD_FILES:
        header, rows = read_rows(demo / f"{name}.csv")
        with (target / f"{name}.csv").open("w", newline="", encoding="utf-8-sig") as f:  # utf-8-sig writes a BOM
            w = csv.writer(f)
            w.writerow([_shout(i, c) for i, c in enumerate(header)])
            w.writerows(rows)
    assert (target / "staff.csv").read_bytes().startswith(b"\xef\xbb\xbfSTAFF_ID,Ethnicity,SERVICE")
    return target


# How each form names a file in messages, back to the CSV names of the reference (a sheet's column also
# carries its letter: "column date (E)").
def _from_xlsx(w: str) -> str:
    for name in RECORD_FILES:
        w = w.replace(f"return.xlsx, sheet {name}", f"{name}.csv").replace(f"return.xlsx, sheet {name.title()}", f"{name}.csv")
    return re.sub(r"(column \w+) \([A-Z]{1,3}\)", r"\1", w)


FORMS: dict[str, tuple[Callable[[Path, Path], Path], Callable[[str], str]]] = {
    "xlsx": (to_xlsx, _from_xlsx),
    "xlsx-organisation-sheet": (to_xlsx_organisation_sheet, _from_xlsx),
    "parquet": (to_parquet, lambda w: w.replace(".parquet", ".csv")),
    "csv-bom-mixed-case": (to_csv_bom, lambda w: w),
}


def test_reference_is_a_full_return(reference: dict[str, Any]) -> None:
    assert not any(r["reason"] == "not submitted" for r in reference["results"])
    assert any("outside the reporting period" in w for w in reference["warnings"])


@pytest.mark.parametrize("form", FORMS)
def test_every_form_gives_the_same_results(form: str, demo: Path, reference: dict[str, Any], tmp_path: Path) -> None:
    make, rename = FORMS[form]
    path = make(demo, tmp_path / form)
    doc = pipeline.document(path, internal=True).to_dict()
    assert doc["organisation"] == reference["organisation"]
    assert doc["period"] == reference["period"]
    assert doc["results"] == reference["results"]
    # The same warnings, on the same rows: a row number points at the same row in every form.
    assert [rename(w) for w in doc["warnings"]] == reference["warnings"]


def test_counts_csv_gives_the_same_results(demo: Path, reference: dict[str, Any], tmp_path: Path, cli: Any) -> None:
    agg = tmp_path / "aggregate"
    agg.mkdir()
    shutil.copy(demo / "organisation.toml", agg / "organisation.toml")
    run = cli("counts", demo, "-o", agg / "counts.csv")
    assert run.code == 0, run.stderr
    doc = pipeline.document(agg, internal=True).to_dict()
    assert doc["organisation"] == reference["organisation"] and doc["period"] == reference["period"]
    # Sentences included: for a full return nothing in them depends on where the counts came from.
    assert doc["results"] == reference["results"]


# --- ethnicity: local codes through ethnicity_map.csv ---------------------------------------------------------

LOCAL = {
    "WBRI": "English, Welsh, Scottish, Northern Irish or British",
    "WIRI": "Irish",
    "BAFR": "African",
    "BCRB": "Caribbean",
    "ASIND": "Indian",
    "APKN": "Pakistani",
    "MWBC": "White and Black Caribbean",
    "NOBT": "Not stated",
}
# (local code as the HR system writes it, service, senior)
LOCAL_STAFF = [
    ("WBRI", "adults", "yes"), ("WBRI", "adults", "no"), ("WBRI", "children", "no"), ("WIRI", "children", "yes"),
    ("BAFR", "adults", "no"), ("BAFR", "children", "no"), ("BCRB", "adults", "yes"), ("ASIND", "children", "no"),
    ("ASIND", "adults", "no"), ("APKN", "adults", "no"), ("MWBC", "children", "no"), ("NOBT", "adults", "no"),
    ("wbri ", "adults", "no"),  # the local code in another case, with a trailing space
    ("", "children", "no"),  # blank: unknown, never mapped
]


def _local_return(root: Path, codes: bool, extra: list[dict[str, Any]] | None = None) -> Path:
    def eth(code: str) -> str:
        if not codes:
            return LOCAL[code.strip().upper()] if code.strip() else ""
        return code

    staff = [person(f"S{i}", eth(c), s, senior=sen) for i, (c, s, sen) in enumerate(LOCAL_STAFF)] + (extra or [])
    leavers = [
        {"staff_id": f"L{i}", "ethnicity": eth(c), "service": s, "date": "2024-10-01"}
        for i, (c, s) in enumerate([("BAFR", "adults"), ("WBRI", "children"), ("ASIND", "adults")])
    ]
    files: dict[str, Any] = {"staff": staff, "leavers": leavers}
    if codes:
        files["ethnicity_map"] = [{"local_value": k, "ethnicity": v} for k, v in LOCAL.items()]
    return write_return(root, files)


def test_local_codes_through_ethnicity_map_count_as_the_labels(tmp_path: Path) -> None:
    mapped = pipeline.load(_local_return(tmp_path / "codes", codes=True))
    labelled = pipeline.load(_local_return(tmp_path / "labels", codes=False))
    assert mapped.counts.cells == labelled.counts.cells
    # and the figures are what the codes say: adults ME = BAFR, BCRB, ASIND, APKN; white = WBRI ×2 + "wbri "
    assert mapped.counts.get("M9", "adults", "", "minority_ethnic") == (1, 4)
    assert mapped.counts.get("M9", "adults", "", "white") == (1, 3)
    assert mapped.counts.get("M9", "adults", "", "unknown") == (0, 1)
    assert mapped.counts.get("M8", "all", "", "minority_ethnic") == (2, 7)
    a = pipeline.document(tmp_path / "codes", internal=True).to_dict()
    b = pipeline.document(tmp_path / "labels", internal=True).to_dict()
    assert a["results"] == b["results"]


def test_local_code_missing_from_the_map_is_an_error_naming_value_and_rows(tmp_path: Path, cli: Any) -> None:
    extra = [person("X1", "XWHO", "adults"), person("X2", "BAFR", "adults"), person("X3", "XWHO", "children")]
    root = _local_return(tmp_path / "r", codes=True, extra=extra)
    first = len(LOCAL_STAFF) + 2  # header is row 1
    problems = [p for p in pipeline.check(root) if p.severity == "error"]
    assert len(problems) == 1, problems
    (p,) = problems
    assert p.file == "staff.csv" and p.column == "ethnicity"
    assert "XWHO" in p.message
    assert p.rows == (first, first + 2) and p.row_count == 2
    run = cli("validate", root)
    assert run.code == 1
    assert "XWHO" in run.stdout and f"rows {first}, {first + 2}" in run.stdout


# --- ethnicity: how a value may be written -----------------------------------------------------------------------

SPELLINGS = [
    # (as written, group)
    ("  white AND black  caribbean ", "minority_ethnic"),
    ("ENGLISH, WELSH, SCOTTISH, NORTHERN IRISH OR BRITISH", "white"),
    ("any other   white background", "white"),
    ("A", "white"),
    ("c", "white"),
    ("H", "minority_ethnic"),
    ("n", "minority_ethnic"),
    ("S", "minority_ethnic"),
    ("Z", "unknown"),
    ("Asian: Indian", "minority_ethnic"),
    ("asian:indian", "minority_ethnic"),
    ("Black - African", "minority_ethnic"),
    ("White - Irish", "white"),
    ("White: Roma", "white"),
    ("Mixed - White and Asian", "minority_ethnic"),
    ("Other: Arab", "minority_ethnic"),
    ("", "unknown"),
    ("   ", "unknown"),
    (None, "unknown"),
    ("Prefer not to say", "unknown"),
    ("prefer NOT to say ", "unknown"),
    ("Not stated", "unknown"),
]
CANONICAL = {"minority_ethnic": "Indian", "white": "White", "unknown": "Not stated"}


@pytest.mark.parametrize(("value", "group"), SPELLINGS)
def test_classify_spellings(value: str | None, group: str) -> None:
    assert classify(value) == group


@pytest.mark.parametrize("value", ["Whyte", "Asian: Irish", "Q", "Black African Caribbean"])
def test_classify_does_not_guess(value: str) -> None:
    assert classify(value) is None


def test_spellings_through_a_real_return(tmp_path: Path) -> None:
    def staff(spelled: bool) -> list[dict[str, Any]]:
        return [
            person(f"S{i}", (v or "") if spelled else CANONICAL[g], "adults" if i % 2 else "children", senior="yes" if i % 3 == 0 else "no")
            for i, (v, g) in enumerate(SPELLINGS)
        ]

    spelled = write_return(tmp_path / "spelled", {"staff": staff(True)})
    canonical = write_return(tmp_path / "canonical", {"staff": staff(False)})
    assert [p for p in pipeline.check(spelled) if p.severity == "error"] == []
    a, b = pipeline.load(spelled), pipeline.load(canonical)
    assert a.counts.cells == b.counts.cells
    expected = Counter(g for _, g in SPELLINGS)
    for g, n in expected.items():
        assert a.counts.get("M9", "all", "", g)[1] == n


# --- pay bands -------------------------------------------------------------------------------------------------

def _default_band(salary: float) -> str:
    if salary < 30_000:
        return "UNDER 30K"
    if salary < 70_000:
        return "30K To 70k"
    return "  70k AND over "


def test_pay_band_column_gives_the_same_m1_as_salaries(demo: Path, reference: dict[str, Any], tmp_path: Path) -> None:
    root = tmp_path / "bands"
    shutil.copytree(demo, root)
    header, rows = read_rows(demo / "staff.csv")
    k = header.index("annual_salary")
    with (root / "staff.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([*header[:k], "pay_band", *header[k + 1:]])
        for row in rows:
            w.writerow([*row[:k], _default_band(float(row[k])), *row[k + 1:]])
    doc = pipeline.document(root, internal=True).to_dict()
    m1 = [r for r in doc["results"] if r["metric"] == "M1"]
    assert m1 == [r for r in reference["results"] if r["metric"] == "M1"]
    assert {r["band"] for r in m1} == {"under 30k", "30k to 70k", "70k and over"}  # the labels as organisation defines them
    assert doc["results"] == reference["results"]


CUSTOM_BANDS = [
    {"label": "Band A", "below": 28000},
    {"label": "Band B", "below": 40000},
    {"label": "Band C", "below": 60000},
    {"label": "Band D"},
]


def test_custom_pay_bands(demo: Path, tmp_path: Path) -> None:
    root = tmp_path / "custom"
    shutil.copytree(demo, root)
    write_toml(root / "organisation.toml", {**DEMO_ORG, "pay_bands": CUSTOM_BANDS})
    doc = pipeline.document(root, internal=True).to_dict()
    labels = [b["label"] for b in CUSTOM_BANDS]
    header, rows = read_rows(demo / "staff.csv")
    col = {c: header.index(c) for c in ("ethnicity", "service", "annual_salary")}

    def band_of(salary: float) -> str:
        return next((b["label"] for b in CUSTOM_BANDS if "below" in b and salary < b["below"]), "Band D")

    by_hand = Counter((classify(r[col["ethnicity"]]), band_of(float(r[col["annual_salary"]]))) for r in rows)
    for service in ("adults", "children", "all"):
        m1 = [r for r in doc["results"] if r["metric"] == "M1" and r["service"] == service]
        assert [r["band"] for r in m1] == labels
        assert m1[-1]["assessment"] is not None and m1[-1]["relative_likelihood"] is not None
        assert all(r["assessment"] is None for r in m1[:-1])
        assert all(r["relative_likelihood"] is not None for r in m1[:-1])  # computed, only not assessed
        # the bands of a group add up to its headcount
        for g in ("minority_ethnic", "white"):
            assert sum(r[g]["numerator"] for r in m1) == m1[0][g]["denominator"]
    for r in doc["results"]:
        if r["metric"] == "M1" and r["service"] == "all":
            assert r["minority_ethnic"]["numerator"] == by_hand[("minority_ethnic", r["band"])]
            assert r["white"]["numerator"] == by_hand[("white", r["band"])]
    assert len([r for r in doc["results"] if r["metric"] == "M1"]) == 4 * 3


def test_custom_pay_bands_with_pay_band_labels(tmp_path: Path) -> None:
    staff = [
        {**{k: v for k, v in person(f"S{i}", eth, "adults").items() if k != "annual_salary"}, "pay_band": band}
        for i, (eth, band) in enumerate([("Indian", "band a"), ("White", "BAND B"), ("White", "Band D"), ("African", " band  d ")])
    ]
    root = write_return(tmp_path / "r", {"staff": staff}, {**ORG, "pay_bands": CUSTOM_BANDS})
    counts = pipeline.load(root).counts
    assert counts.get("M1", "adults", "Band D", "minority_ethnic") == (1, 2)
    assert counts.get("M1", "adults", "Band D", "white") == (1, 2)
    assert counts.get("M1", "adults", "Band C", "white") == (0, 2)


# --- suppression threshold from organisation.toml ----------------------------------------------------------------

@pytest.fixture(scope="module")
def threshold_return(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("threshold") / "r"
    shutil.copytree(demo, root)
    toml = root / "organisation.toml"  # a top-level key goes before the first [table]
    toml.write_text("suppression_threshold = 5\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    return root


def test_threshold_from_organisation_toml(threshold_return: Path, cli: Any) -> None:
    run = cli("metrics", threshold_return, "--format", "json")
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["suppression"]["applied"] is True and doc["suppression"]["threshold"] == 5
    shown = counts_in(doc)
    assert not [n for n in shown if 1 <= n < 5]
    assert [n for n in shown if 5 <= n < 10], "the demo has counts from 5 to 9: a threshold of 5 publishes them"
    assert any("fewer than 5 " in (r["reason"] or "") for r in doc["results"])  # the small count, said against this threshold


def test_threshold_option_wins_over_organisation_toml(threshold_return: Path, cli: Any) -> None:
    run = cli("metrics", threshold_return, "--format", "json", "--threshold", "12")
    assert run.code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["suppression"]["applied"] is True and doc["suppression"]["threshold"] == 12
    assert not [n for n in counts_in(doc) if 1 <= n < 12]


def test_threshold_is_not_applied_internally(threshold_return: Path, cli: Any) -> None:
    doc = json.loads(cli("metrics", threshold_return, "--format", "json", "--internal").stdout)
    assert doc["suppression"]["applied"] is False
    assert [n for n in counts_in(doc) if 1 <= n < 5]


def test_default_threshold_is_ten(demo: Path, cli: Any) -> None:
    doc = json.loads(cli("metrics", demo, "--format", "json").stdout)
    assert doc["suppression"]["applied"] is True and doc["suppression"]["threshold"] == 10
    assert not [n for n in counts_in(doc) if 1 <= n < 10]
