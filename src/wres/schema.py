"""The input files of the data contract as data: columns, what kind of value each holds, and vocabularies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


_EVENT = (
    _c("ethnicity", "ethnicity", blank_ok=True),  # blank: taken from staff.csv by staff_id, else unknown
    _c("service", "service", blank_ok=True),  # blank: taken from staff.csv by staff_id
    _c("date", "date"),
    _c("staff_id", "id", required=False, blank_ok=True),
)

FILES: dict[str, tuple[Column, ...]] = {
    "staff": (
        _c("staff_id", "id"),
        _c("ethnicity", "ethnicity", blank_ok=True),
        _c("service", "service"),
        _c("senior_manager", "bool"),
        _c("registered_professional", "bool"),
        _c("annual_salary", "salary", required=False, blank_ok=True),  # one of salary or band is required
        _c("pay_band", "band", required=False, blank_ok=True),
        _c("start_date", "date", required=False, blank_ok=True),
    ),
    "recruitment": (
        _c("ethnicity", "ethnicity", blank_ok=True),
        _c("service", "service"),
        _c("shortlisted", "bool"),
        _c("appointed", "bool"),
        _c("applicant_id", "id", required=False, blank_ok=True),
        _c("date", "date", required=False, blank_ok=True),
    ),
    "disciplinary": _EVENT,
    "fitness_to_practise": _EVENT,
    "training": _EVENT,
    "leavers": _EVENT,
    "survey": (
        _c("ethnicity", "ethnicity", blank_ok=True),
        _c("service", "service"),
        _c("abuse_public", "answer", blank_ok=True),
        _c("abuse_colleagues", "answer", blank_ok=True),
        _c("abuse_managers", "answer", blank_ok=True),
        _c("respondent_id", "id", required=False, blank_ok=True),
    ),
}

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
FILES.update(PLAN_FILES)
STATUSES = ("not started", "on track", "at risk", "off track", "complete")
STATUS_WORDS = {**{s.replace(" ", ""): s for s in STATUSES}, "completed": "complete", "done": "complete"}

# A staff file with a header and no rows is an error; an event file or survey with none means zero.
MUST_HAVE_ROWS = ("staff",)

SERVICES = ("adults", "children")
SERVICE_WORDS = {
    "adults": "adults", "adult": "adults", "adultsocialcare": "adults", "adultssocialcare": "adults", "asc": "adults",
    "children": "children", "child": "children", "childrens": "children", "children's": "children",
    "childrenssocialcare": "children", "children'ssocialcare": "children", "csc": "children",
    "children’s": "children", "children’ssocialcare": "children",
}
BOOL_WORDS = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}
# Staff-survey frequency scale: True = at least one experience; False = never.
ANSWER_WORDS = {
    "never": False, "no": False, "0": False,
    "1-2": True, "3-5": True, "6-10": True, "morethan10": True, "yes": True,
}
ANSWER_SCALE = "Never, 1-2, 3-5, 6-10, More than 10 (or yes/no)"
# Dates as exports write them. YYYY-MM-DD (with or without a time) is read by a cast; the others by these
# formats, in the file's date order (day-first, as in the UK, unless its import mapping says month-first).
# A four-digit year is tried first and a year it reads as below 100 was two digits: the SHORT_YEAR forms
# read it (24 → 2024, 69 → 1969). A month's name may be short or long, in any case (01-APR-2024, 1 April 2024).
_DAY_FIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%d-%B-%Y", "%d/%b/%Y",
              "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d.%m.%Y %H:%M",
              "%d-%b-%Y %H:%M:%S", "%d %B, %Y", "%Y/%m/%d %H:%M:%S")
_MONTH_FIRST = tuple(f.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m") if "%b" not in f and "%B" not in f and not f.startswith("%Y")
                     else f for f in _DAY_FIRST) + ("%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y")
DATE_FORMATS: dict[str, tuple[str, ...]] = {"day-first": _DAY_FIRST, "month-first": _MONTH_FIRST}
SHORT_YEAR: dict[str, tuple[str, ...]] = {
    order: tuple(dict.fromkeys(f.replace("%Y", "%y") for f in forms if "%Y" in f and not f.startswith("%Y"))) for order, forms in DATE_FORMATS.items()
}
DATE_SHAPES = "DD/MM/YYYY (31/05/2024), YYYY-MM-DD (2024-05-31) or 31-May-2024"

FIXES: dict[Kind, str] = {
    "ethnicity": "use an ONS census label (2021, 2011 or 2001), a broad group (White, Mixed, Asian, Black, Other), an NHS "
    "ethnic category code or label, or 'Not stated'; map local codes in ethnicity_map.csv (columns local_value, "
    "ethnicity)",
    "service": "write adults or children",
    "bool": "write yes or no",
    "date": f"write the date as {DATE_SHAPES}",
    "salary": "write the full-time equivalent annual salary in pounds as a number, e.g. 32500",
    "band": "use one of the pay band labels in organisation.toml (or the defaults), or give annual_salary",
    "answer": f"use one of {ANSWER_SCALE}; leave blank if the question was not answered",
    "id": "give every row its own identifier",
    "text": "fill it in",
    "status": "use one of: " + ", ".join(STATUSES),
    "metric_list": "give one or more metric ids (M1, M2, M3, M4, M5, M6, M7a, M7b, M8, M9) separated by ; or ,",
}
