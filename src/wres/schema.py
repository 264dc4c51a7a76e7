"""The input files of the data contract as data: columns, what kind of value each holds, and vocabularies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from wres.standards import Standard

Kind = Literal["id", "ethnicity", "service", "bool", "date", "salary", "band", "answer", "text", "status", "metric_list"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = True  # the column must be present
    blank_ok: bool = False  # a present column may have blank cells


# Kinds whose values come from a vocabulary: each distinct spelling is classified once, not each row.
CATEGORICAL: tuple[Kind, ...] = ("ethnicity", "service", "bool", "answer", "band", "status", "metric_list")


def _c(name: str, kind: Kind, required: bool = True, blank_ok: bool = False) -> Column:
    return Column(name, kind, required, blank_ok)


def files(standard: Standard) -> dict[str, tuple[Column, ...]]:
    """The files a return of this standard may hold and their columns: the standard's record files (its data
    file says them), then the action plan's, which every standard shares."""
    return {**standard.files, **PLAN_FILES}


def all_columns(stem: str) -> tuple[Column, ...]:
    """Every column any standard gives a file (the first standard's wins a name): what an import mapping,
    written before the return says its standard, may name."""
    from wres import standards

    found: dict[str, Column] = {}
    for sid in (standards.DEFAULT, *standards.available()):
        for c in files(standards.load(sid)).get(stem, ()):
            found.setdefault(c.name, c)
    return tuple(found.values())


def all_files() -> tuple[str, ...]:
    """Every file any standard's return may hold (stems), the default standard's first."""
    from wres import standards

    return tuple(dict.fromkeys(stem for sid in (standards.DEFAULT, *standards.available()) for stem in files(standards.load(sid))))


# The action plan: checked like every other file, but counted for no metric.
PLAN_FILES: dict[str, tuple[Column, ...]] = {
    "actions": (
        _c("action_id", "id"),
        _c("metrics", "metric_list"),
        _c("action", "text"),
        _c("owner", "text"),
        _c("due", "date"),
        _c("status", "status"),
        _c("success_measure", "text", required=False, blank_ok=True),
        _c("note", "text", required=False, blank_ok=True),
    ),
    "action_updates": (
        _c("action_id", "id"),
        _c("date", "date"),
        _c("status", "status"),
        _c("note", "text", required=False, blank_ok=True),
        _c("by", "text", required=False, blank_ok=True),
    ),
}
STATUSES = ("not started", "on track", "at risk", "off track", "complete")
# Each status's RAG, as the steering group reads the plan (an overdue action is red whatever its status)
RAG = {"complete": "complete", "on track": "green", "at risk": "amber", "off track": "red", "not started": "not started"}
# A plan kept as RAG says its status by colour ("Green"): each colour is one status's, so it is read as that status
STATUS_WORDS = {**{s.replace(" ", ""): s for s in STATUSES}, "completed": "complete", "done": "complete", "notyetstarted": "not started",
                **{rag: status for status, rag in RAG.items() if rag in ("green", "amber", "red")}}
# What a plan says of an action that names more than one status: never read as a status, but said as what it
# is, with the statuses it may be (an action under way may be on track or not; a late one at risk or off track)
STATUS_SAYS: dict[str, tuple[str, tuple[str, ...]]] = {
    **dict.fromkeys(("inprogress", "ongoing", "underway", "started", "inhand", "progressing", "active", "open", "live"),
                    ("under way", ("on track", "at risk", "off track"))),
    **dict.fromkeys(("delayed", "behindschedule", "behind", "slipped", "slipping", "late", "overdue"), ("behind its plan", ("at risk", "off track"))),
}

# A staff file with a header and no rows is an error; an event file or survey with none means zero.
MUST_HAVE_ROWS = ("staff",)
# Files whose people are not staff (applicants, survey respondents): a staff_id there is no staff record's, so
# a blank ethnicity or service is never looked up in staff.csv. Every other record file's is.
NOT_STAFF_FILES = ("staff", "recruitment", "survey")
LOOKED_UP_KINDS = ("ethnicity", "service")  # what an event row may leave to staff.csv (its column too)


def from_staff(stem: str, kind: str) -> bool:
    """Whether a file's column of this kind may be left out when the file has a staff_id: its rows' values are
    then staff.csv's (validate), and neither wres map nor the web's columns page asks for it. Not leavers':
    people who left are seldom in the snapshot's staff.csv, so their rows would find nothing there."""
    return stem not in (*NOT_STAFF_FILES, "leavers") and kind in LOOKED_UP_KINDS


def taken_from_staff(columns: list[str]) -> str:
    """How a file's columns left to staff.csv are said (validation's warning, `wres map`, the mapping's pages)."""
    return f"each row's {' and '.join(columns)} {'are' if len(columns) > 1 else 'is'} taken from staff.csv by its staff_id"

# What Excel writes in a cell whose formula failed (a lookup that found nothing gives #N/A): never a value of any
# column, and never a spelling to map, so it is said as what it is (validate) and not asked about (wres map).
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"})


def excel_error(value: object) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


# How an export writes an empty cell: "NULL" (SQL Server's results saved as CSV, many reporting tools), "NA" (R),
# "N/A" and "-" (typed by hand for "nothing here"). Each is read as an empty cell wherever a value is typed
# (validate: a blank ethnicity is not stated, a blank optional date is no date) and said once per column.
BLANK_MARKERS = frozenset({"NULL", "NA", "N/A", "-"})


def blank_marker(value: object) -> bool:
    return isinstance(value, str) and value.strip().upper() in BLANK_MARKERS


def blank_marker_sql(text: str) -> str:
    """SQL true where the (trimmed) text `text` is one of BLANK_MARKERS. Its length is looked at first: on a
    column of millions of values (an id) that costs nothing, where upper() on each would cost."""
    return (f"(length({text}) <= {max(map(len, BLANK_MARKERS))} AND "
            f"upper({text}) IN ({', '.join(repr(m) for m in sorted(BLANK_MARKERS))}))")


BOOL_WORDS = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


def bool_words(column: str | None) -> dict[str, bool]:
    """A yes/no column's spellings: yes and no as BOOL_WORDS has them, and the column's own name for yes and
    its negation for no, as a sheet typed by hand says it ("Shortlisted" / "Not shortlisted" under
    shortlisted, "Clinical" / "Non-clinical" under clinical)."""
    if not column:
        return BOOL_WORDS
    own = column.replace("_", "").lower()
    return {**BOOL_WORDS, own: True, **{f"{neg}{own}": False for neg in ("not", "non", "non-", "not-")}}
# Dates as exports write them. YYYY-MM-DD (with or without a time) is read by a cast; the others by these
# formats, in the file's date order (day-first, as in the UK, unless its import mapping says month-first).
# A four-digit year is tried first and a year it reads as below 100 was two digits: the SHORT_YEAR forms
# read it (24 → 2024, 69 → 1969). A month's name may be short or long, in any case (01-APR-2024, 1 April 2024).
_DAY_FIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%d-%B-%Y", "%d/%b/%Y",
              "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d.%m.%Y %H:%M",
              "%d-%b-%Y %H:%M:%S", "%d %B, %Y", "%Y/%m/%d %H:%M:%S",
              # Excel's long date, the weekday first, and a time of day with AM or PM
              "%A, %d %B %Y", "%A %d %B %Y", "%a, %d %b %Y", "%d/%m/%Y %I:%M %p", "%d/%m/%Y %I:%M:%S %p",
              # a long date with a time (a report's "01 April 2024 00:00"); the month's name first, which says the order
              "%d %B %Y %H:%M", "%d %b %Y %H:%M", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")
_MONTH_FIRST = tuple(dict.fromkeys(
    [f.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m") if "%b" not in f and "%B" not in f and not f.startswith("%Y") else f
     for f in _DAY_FIRST] + ["%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y", "%A, %B %d, %Y"]))
# A day written as an ordinal ("1st April 2024", "31st March 2025", as typed by hand): read without its suffix
ORDINAL = r"\b(\d{1,2})(st|nd|rd|th)\b"
DATE_FORMATS: dict[str, tuple[str, ...]] = {"day-first": _DAY_FIRST, "month-first": _MONTH_FIRST}
SHORT_YEAR: dict[str, tuple[str, ...]] = {
    order: tuple(dict.fromkeys(f.replace("%Y", "%y") for f in forms if "%Y" in f and not f.startswith("%Y"))) for order, forms in DATE_FORMATS.items()
}
DATE_SHAPES = "DD/MM/YYYY (31/05/2024), YYYY-MM-DD (2024-05-31) or 31-May-2024"

# How to put a value right, for the kinds every standard reads alike (fix() gives the others).
FIXES: dict[Kind, str] = {
    "ethnicity": "use an ONS census label (2021, 2011 or 2001), a broad group (White, Mixed, Asian, Black, Other), an NHS "
    "ethnic category code or label, or 'Not stated'; map local codes in ethnicity_map.csv (columns local_value, "
    "ethnicity)",
    "bool": "write yes or no",
    "date": f"write the date as {DATE_SHAPES}",
    "salary": "write the full-time equivalent annual salary in pounds as a number, e.g. 32500 or 32,500.50 (a comma only between thousands)",
    "id": "give every row its own identifier",
    "text": "fill it in",
    "status": "use one of: " + ", ".join(STATUSES),
}


def template(standard: Standard, name: str) -> str:
    """Where the blank template of a file is: templates/ for the default standard, templates/<id>/ for another."""
    from wres import standards

    return f"templates/{name}" if standard.id == standards.DEFAULT else f"templates/{standard.id}/{name}"


def breakdown_spellings(standard: Standard) -> str:
    """How to write the breakdown column: "adults or children", "yes (clinical staff) or no (non-clinical staff)"."""
    return " or ".join(p.spelling if p.spelling == p.id else f"{p.spelling} ({p.words})" for p in standard.breakdown.parts)


def fix(kind: Kind, standard: Standard, column: str | None = None) -> str:
    """How to put a value of this kind right, in the words of the return's standard (its breakdown's
    spellings, the survey question's scale, its pay bands, its metric ids)."""
    if kind == "service":
        return f"write {breakdown_spellings(standard)}"
    if kind == "answer":
        scale = standard.scales.get(column or "")
        scales = [scale] if scale else list(dict.fromkeys(standard.scales.values()))
        words = ", ".join(dict.fromkeys(w for s in scales for w in standard.answer_words.get(s, ())))
        return f"use one of {words}; leave blank if the question was not answered"
    if kind == "band":
        if standard.bands_from == "labels":
            from wres.organisation import band_list

            return f"use one of the {standard.name} pay bands: {band_list(standard)}"
        return "use one of the pay band labels in organisation.toml (or the defaults), or give annual_salary"
    if kind == "metric_list":
        return f"give one or more metric ids ({', '.join(standard.metric_ids)}) separated by ; or , (or All for every one)"
    return FIXES[kind]
