"""Ethnicity classification: every label set in use in England since 2001 → the three SC-WRES groups.

The labels are data (data/ethnicity_labels.csv, which names its sources: the ONS 2021, 2011 and 2001
census classifications, the NHS Data Dictionary's ethnic category codes, the DfE's codes, the usual 'not
stated' spellings). Each label is recognised alone, after any heading of its broad group or before it in
brackets ("Indian (Asian or Asian British)"), and (for NHS codes)
with its code before or after it, in any case, spacing and punctuation: that is one key per spelling.

Values are never guessed: anything not in the table (or in the authority's own mapping file) is a
validation error that lists the value and its rows, with the nearest labels suggested.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wres import encoding
from wres.suggest import Suggester

# A classification of a label: the labels table's group column says which (a standard's groups each take
# their people from one, by Group.classification in its data file).
Group = str
LABEL_SETS = ("ons2021", "ons2011", "ons2001", "nhs", "nhs_local", "dfe", "govuk", "common", "not_stated", "group")

TABLE = Path(__file__).parent / "data" / "ethnicity_labels.csv"  # shipped in the package (hatch includes it)
_SPACES = re.compile(r"\s+")
_NOT_A_LETTER = re.compile(r"[\W_]+")


def normalise(value: str) -> str:
    """Case- and spacing-insensitive key: 'White and Asian ' and 'white and  asian' match.

    The key of local codes (ethnicity_map.csv) and of the other vocabularies (service, yes/no, status).
    """
    return _SPACES.sub("", value).lower()


def key(value: str) -> str:
    """An ethnicity label's key: case, spacing and punctuation do not count, '&' is 'and'.

    'Asian/Asian British: Indian', 'asian - asian british - indian' and 'Asian, Asian British, Indian'
    are one key; the table is built so that no key belongs to two groups (checked when it is built).
    """
    return _NOT_A_LETTER.sub("", value.replace("&", "and").casefold())


@dataclass(frozen=True)
class Label:
    """One row of data/ethnicity_labels.csv."""

    label_set: str
    code: str
    family: str
    heading: str
    label: str
    group: Group


def labels() -> list[Label]:
    """The table as shipped in the package (comment lines start with #)."""
    text = TABLE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    return [Label(**{k: (v or "").strip() for k, v in r.items()}) for r in rows]  # type: ignore[arg-type]


@dataclass
class _Built:
    groups: dict[str, set[str]]  # key → the groups it was given (more than one is a fault in the table)
    shown: dict[str, str]  # key of each written form (no codes) → how a suggestion writes it


# Labels recognised only after their heading ("White British", "White: Welsh", "White - Eastern European",
# "Asian - Any other") or NHS code ("A British"): alone, a national (or continental) identity such as "British"
# or "European" says nothing of ethnic group, nor does "Any other", and neither is ever guessed.
_IDENTITIES = {key(x) for x in ("British", "English", "Welsh", "Scottish", "Northern Irish", "European", "Eastern European", "Other European",
                                "Any other")}


def _build(rows: list[Label]) -> _Built:
    headings: dict[str, set[str]] = defaultdict(set)
    family_group: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        family_group[r.family].add(r.group)
        if r.heading:
            headings[r.family] |= {r.heading, r.family}
    groups: dict[str, set[str]] = defaultdict(set)
    shown: dict[str, str] = {}

    def add(text: str, group: str, suggest: bool = True) -> None:
        k = key(text)
        groups[k].add(group)
        if suggest:
            shown.setdefault(k, text)

    for family, names in headings.items():  # a heading alone is its broad group ('Asian', 'Mixed')
        for g in family_group[family]:
            for name in sorted(names):
                add(name, g)
    for r in rows:
        if not r.label:
            continue
        # A national identity alone is no ethnic group ("British" may be Black British): only after its heading.
        # An NHS subcategory ("PD Black British") only with its code: systems word them each their own way.
        forms = [] if (key(r.label) in _IDENTITIES and r.heading) or r.label_set == "nhs_local" else [r.label]
        if r.heading:  # after any heading of its family, as its own set writes it or as the census outputs do
            forms += [f"{h} {r.label}" if h == r.family else f"{h}: {r.label}" for h in sorted(headings[r.family])]
        for form in forms:
            add(form, r.group)
        if r.heading and forms:  # its heading after it, as some HR systems list them: "Indian (Asian or Asian British)"
            for h in sorted(headings[r.family]):
                add(f"{r.label} ({h})", r.group, suggest=False)
        if r.code:
            add(r.code, r.group, suggest=False)
            for form in dict.fromkeys([r.label, *forms]):  # with its code, a label is never ambiguous
                add(f"{r.code} {form}", r.group, suggest=False)
                add(f"{form} ({r.code})", r.group, suggest=False)
    return _Built(dict(groups), shown)


_BUILT = _build(labels())
COLLISIONS = {k: g for k, g in _BUILT.groups.items() if len(g) > 1}
if COLLISIONS:  # a fault in the table: the key would be classified by chance
    raise RuntimeError(f"ethnicity_labels.csv gives one spelling two groups: {COLLISIONS}")
CLASSIFICATION: dict[str, Group] = {k: next(iter(g)) for k, g in _BUILT.groups.items()}
# Every classification the table gives, in its order (a standard's own group ids are Standard.group_ids).
CLASSES: tuple[Group, ...] = tuple(dict.fromkeys(r.group for r in labels()))
SUGGEST = Suggester(_BUILT.shown, key)


def _code_families(rows: list[Label]) -> dict[str, tuple[Group, tuple[str, ...]]]:
    """Each NHS code (national and subcategory) → its group and the keys of its category's headings."""
    heads: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.heading:
            heads[r.family] |= {key(r.heading), key(r.family)}
    return {r.code.upper(): (r.group, tuple(sorted(heads[r.family], key=len, reverse=True)))
            for r in rows if r.label_set in ("nhs", "nhs_local") and r.code and r.heading}


# An NHS code, then its category's heading and any words: "CX White - Mixed White", "C White - Other European".
# The subcategories are worded differently by each system (ESR, a PAS); the code and heading say the group.
_CODED = re.compile(r"\s*([A-Za-z][A-Za-z0-9]?)\b[\s\-:.]*(.+)")
_CODE_FAMILY = _code_families(labels())


def _by_code(value: str) -> Group | None:
    m = _CODED.fullmatch(value)
    found = _CODE_FAMILY.get(m.group(1).upper()) if m else None
    if found is None:
        return None
    group, headings = found
    return group if any(key(m.group(2)).startswith(h) for h in headings) else None


_BARE_CODE = re.compile(r"[A-Za-z0-9]{1,2}")  # a code written alone: "A", "CP", "99"
# each code the table reads alone → how it is said ("the NHS code for White - British")
_CODE_NAMES = {r.code.upper(): f"the {'NHS' if r.label_set.startswith('nhs') else r.label_set.upper()} code for "
               f"{r.heading + ' - ' if r.heading else ''}{r.label}" for r in reversed(labels()) if r.code and _BARE_CODE.fullmatch(r.code)}


def codes_beside_others(values: Sequence[str], mapped: set[str] = frozenset()) -> tuple[dict[str, str], list[str]]:  # type: ignore[assignment]
    """A column's codes written alone that the table reads (A: the NHS's White - British) beside codes alone that
    it does not, or that a mapping gives (W, U, O: a council's own one-letter set): such a column is most likely
    all the council's own codes, and its A (Asian?) is not the NHS's. Each such code → how the table reads it,
    and the others; nothing when either is missing. `mapped`: the normalised spellings a mapping gives, which
    are the analyst's (a code they mapped is theirs, whatever the table says)."""
    bare = [v.strip() for v in values if _BARE_CODE.fullmatch(v.strip())]
    own = [v for v in bare if normalise(v) in mapped or CLASSIFICATION.get(key(v)) is None and _by_code(v) is None]
    if not own:
        return {}, []
    read = {v: _CODE_NAMES.get(v.upper(), "a code of the NHS's ethnic categories") for v in bare if v not in own}
    return read, sorted(own)


def classify(value: str | None, mapping: dict[str, str] | None = None) -> Group | None:
    """The group of one value; None when the value is not recognised.

    `mapping` holds the authority's local codes (normalised local value → accepted value or group); a
    local code wins over the table. Blank is 'unknown' (not declared), never an error.
    """
    if value is None or not value.strip():
        return "unknown"
    if mapping:
        target = mapping.get(normalise(value))
        if target is not None:
            return CLASSIFICATION.get(key(target)) if target.strip() else None
    return CLASSIFICATION.get(key(value)) or _by_code(value)


# How a group itself is named where counts, not people, are given (an aggregate return, an HR report's totals):
# the table's names of groups ("BME", "Ethnic minority") and of not stated ("Not known"); never a category
# ("Indian"), whose count is not its group's
_GROUP_NAMES = {key(r.label): r.group for r in labels() if r.label_set in ("group", "not_stated") and r.label}


def group_named(value: str) -> Group | None:
    """The classification a group's name gives ("BME" → minority_ethnic, "Not known" → unknown); None if it names none."""
    return _GROUP_NAMES.get(key(value))


def suggest(value: str) -> list[str]:
    """The accepted labels nearest to an unrecognised value ('Carribean' → ['Caribbean']); may be empty."""
    return SUGGEST(value)


# --- a ready-to-edit ethnicity_map.csv ---------------------------------------------------------------------

MAP_COLUMNS = ("local_value", "ethnicity", "found_in", "note")
_SUGGESTED = "suggested (the nearest accepted label): check it"
_BLANK = "write what this value means: an accepted label (e.g. Indian, White British) or Not stated"


@dataclass(frozen=True)
class MapWritten:
    """What --write-map did: the rows it added (suggested, left blank) and the values already in the file."""

    path: Path
    suggested: int
    blank: int
    already: int
    appended: bool  # the file was there: only new rows were added, after the user's own


def write_map(path: Path, unknown: Sequence[tuple[str, int, Sequence[str]]]) -> MapWritten:
    """Write the unrecognised values (value, rows, files) into an ethnicity map, suggestion filled in.

    An existing map is never rewritten: its rows stay as the user left them, and only values not yet in
    it are appended (a second run after new data adds the new values). Written whole or not at all.
    Raises ValueError, saying what to do, for an existing file that is not a map wres can read.
    The extra columns (found_in, note) guide the editing; the reader uses local_value and ethnicity only.
    """
    from wres import output  # only --write-map pays for it

    path = Path(path)
    header: list[str] = list(MAP_COLUMNS)
    text = bom = codec = ""
    have: set[str] = set()
    if path.exists() and path.stat().st_size:  # an empty file has nothing to keep
        codec = encoding.of(path) or ""  # Excel's "CSV (Comma delimited)" is Windows-1252, its "Unicode Text" UTF-16: appended to as such
        if not codec:
            raise ValueError(f'{path.name} is there but is not UTF-8 encoded: open it in Excel and "Save As" CSV UTF-8, then run again')
        raw = path.read_bytes()
        text = raw.decode(codec)  # line ends as they are: the user's rows stay byte for byte
        bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
        try:
            rows = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise ValueError(f"{path.name} is there but could not be read as CSV ({exc}): correct it, or move it aside") from None
        header = [h.strip().lower() for h in (rows[0] if rows else [])]
        if not {"local_value", "ethnicity"} <= set(header):
            raise ValueError(f"{path.name} is there but has no local_value and ethnicity columns: give another file with --map-file, or move it aside")
        at = header.index("local_value")
        have = {normalise(r[at]) for r in rows[1:] if len(r) > at and r[at].strip()}
    new = [(v, n, files) for v, n, files in unknown if normalise(v) not in have]
    suggested = 0
    out = io.StringIO()
    end = "\r\n" if "\r\n" in text else "\n"  # as the file's own rows end (Excel writes \r\n)
    w = csv.writer(out, lineterminator=end)
    if not text:
        w.writerow(header)
    for value, n, files in new:
        best = suggest(value)[:1]
        suggested += bool(best)
        fields = {
            "local_value": value,
            "ethnicity": best[0] if best else "",
            "found_in": f"{', '.join(files)} ({n:,} row{'s' if n != 1 else ''})",
            "note": _SUGGESTED if best else _BLANK,
        }
        w.writerow([fields.get(h, "") for h in header])
    if new:
        joined = bom + text + (end if text and not text.endswith("\n") else "") + out.getvalue()
        try:
            # in the map's own encoding (UTF-16's codec writes its mark again; UTF-8's is in `bom`)
            output.write_text(path, joined, codec if codec in (encoding.WINDOWS, encoding.UTF16) else "utf-8")
        except UnicodeEncodeError:
            raise ValueError(f'{path.name} is Windows-1252 text, which cannot hold every new value: open it in Excel and "Save As" '
                             "CSV UTF-8, then run again") from None
    return MapWritten(path, suggested, len(new) - suggested, len(unknown) - len(new), bool(text))
