"""Dates as council exports write them: the SQL that reads a date column, and what to say of one it cannot.

(wres.dates prints dates for people; this module reads the dates people and systems wrote.)

Read set-based, never row by row in Python: a column's commonest spelling is found from its first rows
(`main_format`) and tried first, so two million dates cost one cheap parse each; YYYY-MM-DD is read by a
cast, the other spellings (schema.DATE_FORMATS, in the file's order) only where those leave a row empty.
A failed parse in DuckDB is slow (about 3 µs), which is why the commonest spelling goes first.

A date that is not read is explained per distinct value (`explain`): an impossible one ("there is no 31
February 2024"), one that only makes sense in the other order (a US export), or one that is not a date.
A column that holds dates only the other order can read makes its dates that read both ways ambiguous
(`ambiguous`): they are errors, never silently read in one order.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import duckdb

from wres import schema
from wres.read import sql_str

ORDERS = ("day-first", "month-first")
SHAPE = {"day-first": "DD/MM/YYYY", "month-first": "MM/DD/YYYY"}
SAMPLE = 200  # distinct spellings looked at to find a column's commonest (validate samples them)
_NUMERIC = re.compile(r"(\d{1,2})([/.\- ])(\d{1,2})\2(\d{4}|\d{2})(?:[ T]\d.*)?")
_YEAR_FIRST = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d.*)?")
_NAMED = re.compile(r"(\d{1,2})[ /.\-]*([A-Za-z]+)\.?[ /.\-,]*(\d{4}|\d{2})(?:[ T]\d.*)?")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
# a quarter of a financial year, as plans write a due date: "Q4 2024/25" (Q1 April to June … Q4 January to March)
_QUARTER = re.compile(r"q([1-4])\s*(?:of\s*)?(?:fy\s*)?(\d{4})\s*[/\-]\s*(\d{2}|\d{4})", re.IGNORECASE)
# a due date that is none: what plans write where an action has no end
_NO_END = {"ongoing", "tbc", "tbd", "tba", "asap", "continuous", "rolling", "ongoingreview"}
# a month alone: "March 2025", Excel's mmm-yy "Mar-25", "03/2025" ("Feb 24" may be a day without its year: not said)
_MONTH_ONLY = re.compile(r"([A-Za-z]+)\.?(?:[ /.,]*(\d{4})|-(\d{2}))|(\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS["sept"] = 9


def _other(order: str) -> str:
    return "month-first" if order == "day-first" else "day-first"


def _formats(forms: tuple[str, ...]) -> str:
    return "[" + ", ".join(sql_str(f) for f in forms) + "]"


def main_format(con: duckdb.DuckDBPyConnection, sample: set[str], order: str) -> str | None:
    """The spelling most of a sample of a column's spellings use (a strptime format), or None for YYYY-MM-DD."""
    if not sample or all(_ISO.fullmatch(v) for v in sample):  # the cast reads these: no query needed
        return None
    forms = schema.DATE_FORMATS[order] + schema.SHORT_YEAR[order]
    counted = ["count(*) FILTER (WHERE TRY_CAST(v AS DATE) >= DATE '0100-01-01')"] + [
        f"count(*) FILTER (WHERE try_strptime(v, {sql_str(f)}) >= DATE '0100-01-01')" for f in forms
    ]
    row = con.execute(f"SELECT {', '.join(counted)} FROM (SELECT unnest($1::VARCHAR[]) AS v)", [sorted(sample)]).fetchall()[0]
    best = max(range(len(row)), key=lambda i: (row[i], -i))
    return None if best == 0 or row[best] == 0 else forms[best - 1]


def expr(col: str, order: str = "day-first", main: str | None = None, workbook: bool = False) -> str:
    """SQL for a date column `r.<col>`: the commonest spelling first, then the cast, then every other spelling.

    In a workbook a five-digit number is an Excel date (days since 30 December 1899): a date cell Excel
    was not told is a date. In a CSV it is not read: `explain` says what it is.
    """
    raw = f"r.{col}"
    # A CASE, not a COALESCE: DuckDB evaluates a CASE's later branches only for the rows still unread, where
    # a COALESCE of wrapped parses is evaluated whole for every row. A year below 100 is a two-digit year
    # read as four ('01/04/24' by %Y, '4/1/24' by the cast): that branch does not apply, and a later one reads it.
    first = [] if main is None else [f"try_strptime({raw}, {sql_str(main)})"]
    whens = " ".join(f"WHEN {e} >= DATE '0100-01-01' THEN ({e})::DATE" for e in [
        *first, f"TRY_CAST({raw} AS DATE)", f"try_strptime({raw}, {_formats(schema.DATE_FORMATS[order])})"])
    # SAP's 20240401: eight digits only, since strptime would read 2024041 too, and 1042024 as the year 1042
    ymd = f"try_strptime(trim({raw}), '%Y%m%d')"
    whens += f" WHEN regexp_full_match(trim({raw}), '\\d{{8}}') AND {ymd} >= DATE '0100-01-01' THEN {ymd}::DATE"
    plain = f"regexp_replace({raw}, {sql_str(schema.ORDINAL)}, '\\1', 'gi')"  # 1st April 2024 → 1 April 2024
    nth = f"try_strptime({plain}, {_formats(schema.DATE_FORMATS[order])})"
    whens += f" WHEN regexp_matches({raw}, {sql_str(schema.ORDINAL)}, 'i') AND {nth} >= DATE '0100-01-01' THEN {nth}::DATE"
    last = f"try_strptime({raw}, {_formats(schema.SHORT_YEAR[order])})::DATE"
    if workbook:
        last = (f"COALESCE({last}, CASE WHEN regexp_full_match({raw}, '\\d{{5}}(\\.\\d+)?') "
                f"THEN DATE '1899-12-30' + CAST(floor(CAST({raw} AS DOUBLE)) AS INTEGER) END)")
    return f"CASE WHEN {raw} IS NULL THEN NULL {whens} ELSE {last} END"


def kept(col: str) -> str:
    """SQL for the text a date column keeps: where it was not read, and where it reads both ways (03/04/2024).

    The second is what `ambiguous` needs; it is told by the typed date and two characters of the text (a
    number, then a separator, then a digit: not 2024-04-03 nor 03-Apr-2024), which costs next to nothing.
    """
    raw = f"{col}_raw"
    numeric = " OR ".join(f"(substr({raw}, {i}, 1) IN ('/', '.', '-') AND substr({raw}, {i + 1}, 1) BETWEEN '0' AND '9')" for i in (2, 3))
    return (f"CASE WHEN {col} IS NULL THEN NULLIF(TRIM({raw}), '') "
            f"WHEN day({col}) <= 12 AND day({col}) <> month({col}) AND ({numeric}) THEN {raw} END")


def ambiguous(col: str, table: str, order: str) -> str:
    """SQL true on a row whose date reads both ways, where the column holds a date only the other order reads."""
    other = _formats(schema.DATE_FORMATS[_other(order)] + schema.SHORT_YEAR[_other(order)])
    return (f"{col} IS NOT NULL AND {col}_raw IS NOT NULL AND "
            f"(SELECT count(*) FROM {table} WHERE {col} IS NULL AND {col}_raw IS NOT NULL AND try_strptime({col}_raw, {other}) IS NOT NULL) > 0")


def ambiguous_problem(order: str, stem: str) -> tuple[str, str]:
    """The message and fix for dates that read both ways in a column that looks the other order."""
    other = _other(order)
    return (f"these dates could be read day-first or month-first, and the column holds dates that only make sense "
            f"{other} ({SHAPE[other]}): none of its dates is read until its order is known",
            _order_fix(other, stem))


def _order_fix(other: str, stem: str) -> str:
    return (f'if the export writes dates {other} ({SHAPE[other]}), say so in mapping.toml: date_order = "{other}" under [{stem}] '
            f"(see docs/data-preparation.md); if not, correct the dates listed")


def _two_digit(y: str) -> int:
    """As DuckDB's %y reads a two-digit year: 00-68 → 2000s, 69-99 → 1900s."""
    n = int(y)
    return n if len(y) == 4 else (2000 + n if n < 69 else 1900 + n)


def _impossible(day: int, month: int, year: int) -> str | None:
    """Why a day, month and year are no date; None when they are one."""
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"there is no {day} {calendar.month_name[month]} {year}" if day else "there is no day 0"
    return None


def _shown(day: int, month: int, year: int) -> str:
    return f"{day} {calendar.month_name[month]} {year}"


def explain(value: str, order: str = "day-first", stem: str = "staff") -> tuple[str, str]:
    """What to tell the user of a date value that was not read: (message, fix)."""
    v = value.strip()
    if m := _NUMERIC.fullmatch(v):
        a, b, year = int(m.group(1)), int(m.group(3)), _two_digit(m.group(4))
        day, month = (a, b) if order == "day-first" else (b, a)
        why = _impossible(day, month, year)
        if why and _impossible(month, day, year) is None:
            other = _other(order)
            return (f'"{value}" is not a date read {order} ({why}); read {other} it is {_shown(month, day, year)}: '
                    f"this column looks {other} ({SHAPE[other]}){', as US systems write dates' if other == 'month-first' else ''}", _order_fix(other, stem))
        if why:
            return f'"{value}" is not a date: {why}', f"correct the day or month (it was probably mistyped); dates are read {order} ({SHAPE[order]})"
    elif m := _YEAR_FIRST.fullmatch(v):
        why = _impossible(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if why:
            return f'"{value}" is not a date: {why}', "correct the day or month (YYYY-MM-DD: the month comes second)"
    elif (m := _NAMED.fullmatch(v)) and m.group(2).lower() in _MONTHS:
        why = _impossible(int(m.group(1)), _MONTHS[m.group(2).lower()], _two_digit(m.group(3)))
        if why:
            return f'"{value}" is not a date: {why}', "correct the day (it was probably mistyped)"
    elif _SERIAL.fullmatch(v):
        when = dt.date(1899, 12, 30) + dt.timedelta(days=int(float(v)))
        return (f'"{value}" is a number, not a date (it is how Excel stores {when.day} {calendar.month_name[when.month]} {when.year}, '
                "shown when a column is not formatted as dates)",
                "in Excel, format the column as Date (Format Cells, Date) before saving as CSV, or send the workbook itself")
    elif (m := _MONTH_ONLY.fullmatch(v)) and (month := _MONTHS.get((m.group(1) or "").lower()) or int(m.group(4) or 0)) in range(1, 13):
        year = _two_digit(m.group(2) or m.group(3) or m.group(5))
        last = calendar.monthrange(year, month)[1]
        day = f"{last:02d}/{month:02d}/{year}" if order == "day-first" else f"{month:02d}/{last:02d}/{year}"
        return f'"{value}" is a month, not a date', f"write the day, e.g. {day} for the end of {calendar.month_name[month]} {year}"
    elif (m := _QUARTER.fullmatch(v)) and (int(m.group(3)) % 100) == (int(m.group(2)) + 1) % 100:
        q, start = int(m.group(1)), int(m.group(2))
        month, year = (q * 3 + 3, start) if q < 4 else (3, start + 1)
        last = calendar.monthrange(year, month)[1]
        day = f"{last:02d}/{month:02d}/{year}" if order == "day-first" else f"{month:02d}/{last:02d}/{year}"
        return f'"{value}" is a quarter, not a date', f"write the day, e.g. {day} for the end of Q{q} {start}/{str(start + 1)[2:]}"
    elif stem == "actions" and re.sub(r"[\W_]+", "", v.lower()) in _NO_END:
        return f'"{value}" is not a date', "give the day the action is due; for one with no end, the day of its next review"
    return f'"{value}" is not a date', schema.FIXES["date"]
