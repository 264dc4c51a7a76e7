"""Dates as exports write them: every UK spelling reads as its day; an impossible date is called impossible;
a month-first (US) column is named as such and its two-way dates are refused, never silently swapped.

Read through real files and real DuckDB: a return folder (or workbook) with the dates in a column, typed by
validation, and the typed table read back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ORG, person, write_return, write_toml
from wres import date_spellings
from wres.read import read_return
from wres.validate import Checked, validate

APRIL_1 = dt.date(2024, 4, 1)
SPELLINGS = [
    "2024-04-01", "01/04/2024", "1/4/2024", "01-04-2024", "01.04.2024", "01-Apr-2024", "01-APR-2024", "1-Apr-24",
    "01 Apr 2024", "1 April 2024", "1 april 2024", "2024-04-01 00:00:00", "2024-04-01T09:30:00", "01/04/2024 00:00",
    "01/04/2024 09:30:15", "01/04/24", "2024/04/01", " 01/04/2024 ", "20240401", " 20240401 ",
    "Monday, 1 April 2024", "Monday 1 April 2024", "Mon, 1 Apr 2024", "01/04/2024 09:30 AM", "01/04/2024 9:30:00 PM",
]


def _checked(tmp_path: Path, dates: list[str], mapping: str | None = None, name: str = "staff") -> Checked:
    rows = [person(f"E{i}") | {"start_date": d} for i, d in enumerate(dates)]
    folder = write_return(tmp_path / "r", {"staff": rows})
    if mapping is not None:
        (folder / "mapping.toml").write_text(mapping, encoding="utf-8")
    return validate(read_return(folder))


def _typed(chk: Checked) -> list[dt.date | None]:
    return [r[0] for r in chk.ret.con.execute("SELECT start_date FROM t_staff ORDER BY _row").fetchall()]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_each_uk_spelling_of_a_date_reads_as_its_day(spelling: str, tmp_path: Path) -> None:
    # the spelling alone, and among others (so it is not the column's commonest, read by the first try)
    for dates in ([spelling] * 3, ["2024-05-31", "31/05/2024", spelling]):
        chk = _checked(tmp_path / str(len(dates)) / str(dates.index(spelling)), dates)
        assert not chk.errors, chk.errors
        assert _typed(chk)[dates.index(spelling)] == APRIL_1


def test_an_event_files_dates_read_in_every_spelling_and_the_period_check_sees_them(tmp_path: Path) -> None:
    leavers = [{"ethnicity": "Indian", "service": "adults", "date": d} for d in SPELLINGS]
    leavers.append({"ethnicity": "Indian", "service": "adults", "date": "31-Mar-2024"})  # the day before the period
    folder = write_return(tmp_path / "r", {"staff": [person("E1")], "leavers": leavers})
    chk = validate(read_return(folder))
    assert not chk.errors
    outside = [p for p in chk.warnings if "outside the reporting period" in p.message]
    assert len(outside) == 1 and outside[0].rows == (len(leavers) + 1,)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("31/02/2024", '"31/02/2024" is not a date: there is no 31 February 2024'),
        ("29/02/2023", '"29/02/2023" is not a date: there is no 29 February 2023'),
        ("31-Feb-2024", '"31-Feb-2024" is not a date: there is no 31 February 2024'),
        ("2024-13-01", '"2024-13-01" is not a date: there is no month 13'),
        ("13/13/2024", '"13/13/2024" is not a date: there is no month 13'),
        ("00/04/2024", '"00/04/2024" is not a date: there is no day 0'),
    ],
)
def test_an_impossible_date_is_called_impossible_at_its_row(value: str, said: str, tmp_path: Path) -> None:
    chk = _checked(tmp_path, ["01/04/2024", "02/04/2024", value, "03/04/2024"])
    [p] = chk.errors
    assert (p.message, p.rows, p.column) == (said, (4,), "start_date")
    assert "write the date as" not in p.fix  # they did write it so: the day or month is wrong


def test_a_29_february_in_a_leap_year_is_a_date(tmp_path: Path) -> None:
    assert _typed(_checked(tmp_path, ["29/02/2024", "29-Feb-24"])) == [dt.date(2024, 2, 29)] * 2


def test_not_a_date_gets_the_spellings_that_are(tmp_path: Path) -> None:
    [p] = _checked(tmp_path, ["01/04/2024", "next Tuesday"]).errors
    assert p.message == '"next Tuesday" is not a date' and "31/05/2024" in p.fix and p.rows == (3,)


def test_an_excel_date_number_in_a_csv_is_said_to_be_one(tmp_path: Path) -> None:
    [p] = _checked(tmp_path, ["01/04/2024", "45383"]).errors
    assert "how Excel stores 1 April 2024" in p.message and "format the column as Date" in p.fix


def test_a_month_first_column_is_named_and_its_two_way_dates_refused(tmp_path: Path) -> None:
    dates = ["03/04/2024", "04/13/2024", "2024-05-01", "13 April 2024", "12/25/2024", "05/05/2024"]
    chk = _checked(tmp_path, dates)
    by_rows = {p.rows: p for p in chk.errors}
    assert set(by_rows) == {(3,), (6,), (2,)}
    assert "this column looks month-first (MM/DD/YYYY)" in by_rows[(3,)].message
    assert "read month-first it is 13 April 2024" in by_rows[(3,)].message
    assert 'date_order = "month-first"' in by_rows[(3,)].fix
    # 03/04/2024 reads both ways; 2024-05-01, 13 April 2024 and 05/05/2024 do not
    assert "could be read day-first or month-first" in by_rows[(2,)].message
    # said so in the mapping, the same file reads month-first
    chk = _checked(tmp_path / "us", dates, '[staff]\ndate_order = "month-first"\n')
    assert not chk.errors, chk.errors
    assert _typed(chk) == [dt.date(2024, 3, 4), dt.date(2024, 4, 13), dt.date(2024, 5, 1), dt.date(2024, 4, 13),
                           dt.date(2024, 12, 25), dt.date(2024, 5, 5)]


def test_a_day_first_date_in_a_month_first_file_is_named_the_other_way(tmp_path: Path) -> None:
    [p, two_way] = sorted(_checked(tmp_path, ["03/04/2024", "25/12/2024"], '[staff]\ndate_order = "month-first"\n').errors, key=lambda p: p.rows)[::-1]
    assert p.rows == (3,) and "this column looks day-first (DD/MM/YYYY)" in p.message and "US" not in p.message
    assert two_way.rows == (2,)


def test_a_column_of_uk_dates_is_never_called_ambiguous(tmp_path: Path) -> None:
    chk = _checked(tmp_path, ["03/04/2024", "25/12/2024", "04/05/2024", "1/2/2024"])
    assert not chk.errors and _typed(chk) == [dt.date(2024, 4, 3), dt.date(2024, 12, 25), dt.date(2024, 5, 4), dt.date(2024, 2, 1)]


def test_a_workbook_reads_date_cells_and_excel_serials_in_a_date_column(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    write_toml(folder / "organisation.toml", ORG)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "staff"
    ws.append(("staff_id", "ethnicity", "service", "senior_manager", "registered_professional", "annual_salary", "start_date"))
    for i, d in enumerate([dt.date(2024, 4, 1), 45383, 45383.75, dt.datetime(2024, 4, 1, 9, 30), "01/04/2024", "1-Apr-24"]):
        ws.append((f"E{i}", "Indian", "adults", "no", "no", 30000, d))
    wb.save(folder / "return.xlsx")
    chk = validate(read_return(folder / "return.xlsx"))
    assert not chk.errors, chk.errors
    assert _typed(chk) == [APRIL_1] * 6


def test_wres_validate_says_an_impossible_date_with_no_traceback(tmp_path: Path, cli) -> None:
    folder = write_return(tmp_path / "r", {"staff": [person("E1") | {"start_date": "31/02/2024"}]})
    res = cli("validate", folder)
    assert res.code == 1 and "there is no 31 February 2024" in res.stdout and "Traceback" not in res.stdout + res.stderr


def test_a_columns_commonest_spelling_is_found_from_a_sample_of_its_spellings() -> None:
    con = duckdb.connect()
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(200)]
    sample = {f"{d:%d-%b-%y}" for d in days} | {"01/04/2024", "2024-04-01"}  # a few others do not outvote it
    assert date_spellings.main_format(con, sample, "day-first") == "%d-%b-%y"
    assert date_spellings.main_format(con, {f"{d:%Y-%m-%d}" for d in days}, "day-first") is None  # YYYY-MM-DD: the cast reads it
    assert date_spellings.main_format(con, set(), "day-first") is None


# Each spelling as a function of a date; two-digit years only where they say one century (1969-2068).
_FORMS = {
    "day-first": ["%d/%m/%Y", "{d}/{m}/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "{d} %B %Y", "%d/%m/%Y %H:%M",
                  "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%y", "{d}-%b-%y", "%d-%b-%Y", "%Y/%m/%d", "%Y%m%d", "%A, {d} %B %Y",
                  "%d/%m/%Y %I:%M %p", "{d}{o} %B %Y", "{d}{O} %b %Y", "%d %B %Y %H:%M", "%B {d}, %Y", "%b {d} %Y"],
    "month-first": ["%m/%d/%Y", "{m}/{d}/%Y", "%m-%d-%Y", "%m/%d/%y", "%b %d %Y", "%B %d, %Y", "%Y-%m-%d", "%d-%b-%Y", "%Y%m%d",
                    "%A, %B {d}, %Y", "%m/%d/%Y %I:%M %p", "%B {d}{o}, %Y"],
}


def _ordinal(day: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, as a day is typed by hand."""
    return "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


@settings(max_examples=150, deadline=None)
@given(day=st.dates(dt.date(1969, 1, 1), dt.date(2068, 12, 31)), order=st.sampled_from(list(_FORMS)), data=st.data())
def test_any_date_in_any_spelling_of_its_order_reads_as_itself(day: dt.date, order: str, data: st.DataObject) -> None:
    form = data.draw(st.sampled_from(_FORMS[order]))
    text = day.strftime(form.replace("{d}", str(day.day)).replace("{m}", str(day.month)).replace("{o}", _ordinal(day.day))
                        .replace("{O}", _ordinal(day.day).upper()))
    con = duckdb.connect()
    con.execute("CREATE TABLE r AS SELECT ? AS x", [text])
    main = date_spellings.main_format(con, {text}, order)
    assert con.execute(f"SELECT {date_spellings.expr('x', order, main)} FROM r").fetchone()[0] == day, text


@pytest.mark.parametrize("value", ["01042024", "31122024", "12011999", "2024041", "202404011"])
def test_eight_digits_read_only_as_year_month_day(value: str, tmp_path: Path) -> None:
    """SAP writes 20240401. Eight digits day first (01042024) give a month over 12, so they are never read as a
    date that is not theirs; neither is a number of seven or nine digits."""
    chk = _checked(tmp_path, ["2024-05-31", value])
    assert _typed(chk)[1] is None and any(value in p.message for p in chk.errors)
