"""organisation.toml: who the authority is, the reporting period, and its settings."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, ValidationInfo, field_validator

from wres import encoding, standards
from wres.dates import year_label
from wres.problems import Problem, has_control, printable
from wres.standards import PayBand, Standard

FILE = "organisation.toml"


class PayBandSetting(BaseModel):
    label: str = Field(min_length=1)
    below: float | None = Field(default=None, gt=0)


class Governance(BaseModel):
    """How the action plan is agreed, co-produced and monitored (the seed's profile), with dates of sign-off."""

    model_config = ConfigDict(extra="allow")

    steering_group: str | None = None
    agreed_by: str | None = None
    approved_by: str | None = None
    approved_on: date | None = None
    reviewed_with: str | None = None
    reviewed_on: date | None = None
    co_produced_with: str | None = None
    co_production_signed_off_by: str | None = None
    co_production_signed_off_on: date | None = None
    monitoring: str | None = None


class Organisation(BaseModel):
    """Fields the contract names; anything else (governance, notes) is kept for later stages."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(min_length=1)
    # The standard the return reports on (organisation.toml's `standard`): its id, one of standards.available().
    standard_id: str = Field(default=standards.DEFAULT, validation_alias=AliasChoices("standard", "standard_id"))
    period_start: date
    period_end: date
    code: str | None = None
    region: str | None = None
    sponsors: dict[str, str] | str | None = None
    programme_lead: str | None = None
    staff_voice_lead: str | None = None
    pay_bands: list[PayBandSetting] | None = None
    suppression_threshold: int = Field(default=10, ge=1, le=1000)
    governance: Governance | None = None
    # Where the settings came from, as messages name it: "organisation.toml", or "HR.xlsx, sheet organisation".
    _label: str = PrivateAttr(default=FILE)

    @property
    def label(self) -> str:
        return self._label

    @field_validator("pay_bands")
    @classmethod
    def _bands_ascend(cls, bands: list[PayBandSetting] | None) -> list[PayBandSetting] | None:
        if bands is None:
            return None
        if not bands:
            raise ValueError("give at least one pay band, or leave pay_bands out for the defaults")
        bounds = [b.below for b in bands]
        if any(b is None for b in bounds[:-1]) or bounds[-1] is not None:
            raise ValueError("every band but the last needs 'below' (its upper bound); the last has none")
        if any(a >= b for a, b in zip(bounds[:-2], bounds[1:-1])):  # type: ignore[operator]
            raise ValueError("pay bands must go from lowest to highest 'below'")
        if len({b.label.strip().lower() for b in bands}) != len(bands):
            raise ValueError("pay band labels must be different from each other")
        return bands

    @field_validator("standard_id")
    @classmethod
    def _known_standard(cls, standard_id: str) -> str:
        known = standards.available()
        if standard_id not in known:
            raise ValueError(f'"{standard_id}" is not a standard wres knows')
        return standard_id

    @field_validator("period_end")
    @classmethod
    def _period_order(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("period_start")
        if start is not None and end <= start:
            raise ValueError(f"must be after period_start ({start.isoformat()})")
        return end

    @property
    def local_population_setting(self) -> str:
        """The setting that gives the focus group's share of the local population (census), named after the
        standard's focus group's id (data-contract.md names the SC-WRES's)."""
        return local_population_setting(self.standard)

    @property
    def local_population_pct(self) -> float | None:
        """The focus group's share of the local population in per cent, if given (parse() checked it)."""
        value = (self.model_extra or {}).get(self.local_population_setting)
        return float(value) if value is not None else None

    @property
    def period_label(self) -> str:
        """The reporting year as people write it: 2024/25."""
        return year_label(self.period_start, self.period_end)

    @property
    def standard(self) -> Standard:
        """The standard the return reports on: every later stage takes its metrics, files and words from it."""
        return standards.load(self.standard_id)

    @property
    def bands(self) -> tuple[PayBand, ...]:
        """The pay bands, lowest first: the authority's salary bands (or the standard's defaults), or, for a
        standard whose bands are its own labels (the NHS's Agenda for Change), those labels."""
        if self.pay_bands is None or self.standard.bands_from == "labels":
            return self.standard.default_bands
        return tuple(PayBand(b.label.strip(), b.below) for b in self.pay_bands)


# The blank template's stand-in text (templates/organisation.toml): left in, it would be printed in a published
# report. A value ending or starting with an ellipsis ("London Borough of …", "… NHS Foundation Trust"), one that
# starts "Name," and the template's code E09000000; an ellipsis inside a sentence is someone's own text.
_PLACEHOLDER = re.compile(r"(…|\.\.\.)\s*$|^\s*(…|\.\.\.)|^\s*name\s*,|^\s*e09000000\s*$", re.IGNORECASE)


def local_population_setting(standard: Standard) -> str:
    return f"local_population_{standard.focus.id}_pct"


# Every setting organisation.toml takes, as it is written there (the standard's id is written `standard`).
SETTINGS = (frozenset(Organisation.model_fields) - {"standard_id"} | {"standard"}
            | {local_population_setting(standards.load(i)) for i in standards.available()})


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value, start=1):
            yield from _strings(v, f"{path}.{i}")


def placeholders(org: Organisation) -> list[tuple[str, str]]:
    """The settings still holding the template's placeholder text, as (setting, value)."""
    return [(k, v) for k, v in _strings(org.model_dump(mode="json"), "") if _PLACEHOLDER.search(v)]


def placeholder_problems(org: Organisation, where: Callable[[str], str] | None = None) -> list[Problem]:
    """A warning for each placeholder left in: `wres report` will not publish until they are filled in."""
    return [
        Problem((where or (lambda _: org.label))(key), f"{key} still holds the template's placeholder \"{value}\"",
                "write the real value (it is printed in the published report), or delete the setting", severity="warning")
        for key, value in placeholders(org)
    ]


def _fix_for(field: str, file: str = FILE) -> str:
    """How to put a setting right, in the words of where it was given: organisation.toml or a workbook's sheet."""
    if "sheet" in file:
        return {
            "name": "add a row: name, then the organisation's full name",
            "period_start": "give the first day of the reporting year as a date, e.g. 2024-04-01",
            "period_end": "give the last day of the reporting year as a date, e.g. 2025-03-31",
            "pay_bands": "on the pay_bands sheet give one row a band, lowest first: its label, and below (its upper bound; none on the last)",
            "suppression_threshold": "use a whole number such as 10",
            "standard": f"give the standard's id: {' or '.join(standards.available())}",
        }.get(field.split(".")[0], "give a date, e.g. 2025-06-30" if field.endswith("_on") else f"correct {field} on the sheet")
    return {
        "name": 'add name = "London Borough of …"',
        "period_start": "give the first day of the reporting year as an ISO date, e.g. period_start = 2024-04-01",
        "period_end": "give the last day of the reporting year as an ISO date, e.g. period_end = 2025-03-31",
        "pay_bands": 'write each band as [[pay_bands]] with label = "…" and below = 30000 (none on the last)',
        "suppression_threshold": "use a whole number such as 10",
        "standard": "write standard = " + " or ".join(f'"{i}"' for i in standards.available()) + f' (or leave it out for "{standards.DEFAULT}")',
    }.get(field, "write a date as 2025-06-30 (no quotes)" if field.endswith("_on") else f"correct {field} in {file}")


_UNION_MEMBER = re.compile(r"str|int|float|bool|(dict|list)\[.*\]")
# The tables organisation.toml has, and the settings of each: a line after a table's heading is that table's
_TABLES: dict[str, frozenset[str] | None] = {"governance": frozenset(Governance.model_fields), "sponsors": None}  # None: any name


def _unread(data: dict[str, Any], locate: Callable[[str], str]) -> tuple[dict[str, Any], list[Problem]]:
    """The settings as they are read, and the problems of those that would not be: a top-level setting written
    under a table (a line after [sponsors] is a sponsor, one after the last [[pay_bands]] part of that band, so
    "suppression_threshold = 12" there is not the threshold), or a near spelling of a setting
    ("supression_threshold"), each an error, since what the user meant would not be applied; any other name wres
    does not read, a warning."""
    import difflib

    problems: list[Problem] = []

    def unknown(where: str, key: str, known: frozenset[str] | None, prefix: str = "", fix: str = f"check its name in templates/{FILE}") -> None:
        near = difflib.get_close_matches(key.lower(), sorted(known), n=1, cutoff=0.8) if known else []
        if near:
            problems.append(Problem(locate(where), f"{where} is not a setting, so it is not read: did you mean {prefix}{near[0]}?", f"write it {near[0]}"))
        else:
            problems.append(Problem(locate(where), f"{where} is not a setting wres reads, so it is ignored", f"delete it, or {fix}", severity="warning"))

    def misplaced(where: str, key: str, under: str) -> None:
        problems.append(Problem(locate(where), f"{key} is written under {under}, not as the setting {key}",
                                f"move the line {key} = … above the first [table] line: a line after a table's heading belongs to that table"))

    for key in data:
        if key not in SETTINGS and key not in _TABLES and key != "standard_id":
            unknown(key, key, SETTINGS)
    tables = {name: dict(value) for name, value in data.items() if name in _TABLES and isinstance(value, dict)}
    for name, table in tables.items():
        for key in [k for k in table if k not in (_TABLES[name] or ())]:
            if key in SETTINGS:
                del table[key]
                misplaced(f"{name}.{key}", key, f"[{name}], so it is read as part of [{name}]")
            elif _TABLES[name] is not None:
                unknown(f"{name}.{key}", key, _TABLES[name], f"{name}.", "check its name in docs/data-preparation.md")
    read = {**data, **tables}
    if isinstance(data.get("pay_bands"), list):  # a line after the last [[pay_bands]] heading is that band's
        read["pay_bands"] = [dict(band) if isinstance(band, dict) else band for band in data["pay_bands"]]
        for i, band in enumerate(read["pay_bands"], start=1):
            for key in [k for k in band if k not in PayBandSetting.model_fields] if isinstance(band, dict) else []:
                if key in SETTINGS:
                    del band[key]
                    misplaced(f"pay_bands.{i}.{key}", key, f"[[pay_bands]], so it is read as part of pay band {i}")
                else:
                    unknown(f"pay_bands.{i}.{key}", key, None, fix="give each band its label and below (its upper bound) only")
    return read, problems


def _what(err: Any) -> str:
    """What is wrong with a setting, in words (pydantic's own are for programmers)."""
    kind, given = err["type"], err.get("input")
    shown = f" ({given!r})" if isinstance(given, (str, int, float)) and not isinstance(given, bool) else ""
    if kind == "missing":
        return "is missing"
    if kind.startswith(("date", "datetime")):
        return f"is not a date{shown}"
    if kind.startswith("int"):
        return f"is not a whole number{shown}"
    if kind.startswith("float"):
        return f"is not a number{shown}"
    return str(err["msg"]).removeprefix("Value error, ")


def parse(data: dict[str, Any], file: str = FILE, where: Callable[[str], str] | None = None) -> tuple[Organisation | None, list[Problem]]:
    """The settings, or the problems with them. `where` names the place a setting was given (a workbook's
    cell, "HR.xlsx, sheet organisation, cell B4"); by default the file."""
    locate = where or (lambda _: file)
    controlled = [(path, value) for path, value in _strings(data, "") if has_control(value)]
    if controlled:  # printed in every report and on the terminal: an escape code would be obeyed there
        return None, [Problem(locate(path), f'{path} holds a control character ("{printable(value)}"), which no setting\'s text has',
                              "type the text again: it may have come with text pasted from another program") for path, value in controlled]
    data, unread = _unread(data, locate)
    if any(p.severity == "error" for p in unread):  # a setting meant but not where it is read: said alone, not as what it breaks
        return None, unread
    try:
        org = Organisation.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            # a union's member ("dict[str,str]", "str") is pydantic's, not a place in the file
            field = ".".join(str(x) for x in err["loc"] if not _UNION_MEMBER.fullmatch(str(x))) if err["loc"] else None
            if field is not None and any(p.message.startswith(f"{field} ") for p in problems):
                continue  # a union fails once for each of its members: said once
            what = _what(err)
            problems.append(Problem(locate(field or ""), f"{field} {what}" if field else what, _fix_for(field or "", file)))
        return None, problems
    org._label = file
    setting = org.local_population_setting
    share = (org.model_extra or {}).get(setting)
    if isinstance(share, str):  # a workbook's cell may hold the number as text, as pydantic's float field took it
        try:
            share = org.model_extra[setting] = float(share)  # type: ignore[index]
        except ValueError:
            pass
    if share is not None and (isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 100):
        shown = f" ({share!r})" if isinstance(share, (str, int, float)) else ""
        return None, [Problem(locate(setting), f"{setting} is not a percentage from 0 to 100{shown}",
                              f"give the share as a number, e.g. {setting} = 28.0, or leave it out")]
    problems = unread + placeholder_problems(org, locate)
    if org.pay_bands is not None and org.standard.bands_from == "labels":
        problems.append(Problem(locate("pay_bands"), f"pay_bands is not used: the {org.standard.name} has its own pay bands",
                                f"delete pay_bands; give each person's band in staff.csv's pay_band ({band_list(org.standard)})",
                                severity="warning"))
    return org, problems


def band_list(standard: Standard) -> str:
    """A labels standard's bands as a fix lists them: "Band 1, Band 2, …, or Board (non-executive)"."""
    labels = [b.label for b in standard.default_bands]
    extra = f"; or {', '.join(standard.excluded_bands)} {standard.words.get('excluded_band', '')}".rstrip() if standard.excluded_bands else ""
    return ", ".join(labels) + extra


def load(path: Path) -> tuple[Organisation | None, list[Problem]]:
    read = encoding.settings_text(path)
    if read is None:
        return None, [Problem(path.name, "is not UTF-8 text", "save it as UTF-8 in a plain text editor")]
    text, said = read
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [
            Problem(path.name, f"is not valid TOML ({exc})", 'write each setting as key = "value", dates as 2024-04-01')
        ]
    except RecursionError:  # Python's TOML reader goes one level deeper for each bracket
        return None, [Problem(path.name, "is not valid TOML (brackets nested thousands of levels deep)", 'write each setting as key = "value", dates as 2024-04-01')]
    org, problems = parse(data, path.name)
    return org, said + problems


def named_standard(path: Path) -> Standard | None:
    """The standard an organisation.toml names (the default where it names none), for a command that reads no
    return (`wres map`: a trust's export judged by the NHS WRES's columns and values, not by whichever standard
    its headings happen to fit). None when there is no such file or it cannot be read: `wres validate` says why."""
    try:
        read = encoding.settings_text(path) if path.is_file() else None
        data = tomllib.loads(read[0]) if read is not None else None
    except (OSError, ValueError, RecursionError):  # unreadable, or not TOML (TOMLDecodeError is a ValueError)
        return None
    said = data.get("standard", data.get("standard_id", standards.DEFAULT)) if data is not None else None
    return standards.load(said) if isinstance(said, str) and said in standards.available() else None
