"""A standard is a value: its metrics, input files, groups, breakdown, bands, range and words, read from one
data file (standards/data/<id>.toml) and passed down the pipeline. The engine reads it and never branches on
which standard it is; a new standard is a new data file (docs/standards.md says how to write one).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from wres.schema import Column

DATA = Path(__file__).parent / "data"
DEFAULT = "sc-wres"

Direction = Literal["below", "above"] | None
"""Which side of the non-adverse range (or of zero, for a difference) is worse for the focus group (None: no assessment)."""

CountKind = Literal["pay_band", "staff_flag", "staff_event", "recruitment", "survey"]
"""How counts.py reduces records to a metric's numerator and denominator."""

Statistic = Literal["relative_likelihood", "percentages", "representation"]
"""What the engine computes from a metric's counts:
relative_likelihood: the rate of one compared group over the other's, Katz CI, assessed against the range;
percentages: each group's rate side by side, their difference in percentage points with Newcombe's CI;
representation: the focus group's share of a part of the workforce (a band, the board) beside its share of
the whole workforce, as figures (no test)."""


@dataclass(frozen=True)
class Group:
    """A compared group: its id (the key of its figures in the document) and its words."""

    id: str
    label: str  # as a heading or a table column starts: "Minority ethnic", "BME"
    words: str  # inside a sentence: "minority ethnic", "BME"
    classification: str  # the ethnicity classification it takes its people from (wres.ethnicity)


@dataclass(frozen=True)
class Part:
    """One value of the standard's breakdown (a service, a staff type), or its total."""

    id: str
    label: str  # a heading: "Adult social care"
    words: str  # in a sentence: "adult social care"
    values: tuple[str, ...] = ()  # spellings of the part in the breakdown column (normalised), beyond its id
    shown: str = ""  # the spelling a validation fix asks for ("yes" for clinical staff); its id when empty
    # Words an import mapping guesses the part from in a council's own spelling ("famil" in "Children & Families"),
    # each matched at the start of a word; the longest found wins. A guess is noted for people to check.
    hints: tuple[str, ...] = ()

    @property
    def spelling(self) -> str:
        """How a fix tells people to write the part in the breakdown column."""
        return self.shown or self.id


@dataclass(frozen=True)
class Breakdown:
    column: str  # the staff (and event) column it is read from
    parts: tuple[Part, ...]
    total: Part  # computed, never stored: the sum of the parts

    @property
    def all(self) -> tuple[Part, ...]:
        return (*self.parts, self.total)

    def part(self, part_id: str) -> Part:
        for p in self.all:
            if p.id == part_id:
                return p
        raise KeyError(part_id)


@dataclass(frozen=True)
class PayBand:
    label: str
    below: float | None  # upper bound (exclusive, FTE GBP); None for the top band or for a named band


@dataclass(frozen=True)
class MetricDef:
    id: str
    title: str
    kind: CountKind
    source: str  # the file (stem) the numerator comes from
    numerator: str  # in words, for the method section and the docs
    denominator: str
    direction: Direction
    phrase: str  # completes "Minority ethnic staff … were 1.8 times as likely as white staff {phrase}"
    column: str | None = None  # the staff flag or survey question the count reads
    denominator_flag: str | None = None  # a staff flag that narrows the headcount (M4: registered)
    subject: str = "staff"  # who the sentence speaks of: staff, applicants
    denominator_key: str | None = None  # metrics sharing a key share one denominator (the staff headcount)
    # Which count is small, when a result is withheld for one: "fewer than 10 {…}", {group} being the group's
    # words (and {band} the band). Said of the numerator and of the denominator.
    small_numerator: str = "{group} staff were counted"
    small_denominator: str = "{group} staff were in the headcount"
    statistic: Statistic = "relative_likelihood"
    # Whose rate is divided by whose (relative_likelihood): "focus" is focus ÷ reference (SC-WRES: minority
    # ethnic ÷ white), "reference" is reference ÷ focus (NHS WRES indicators 2 and 4: white ÷ BME).
    orientation: Literal["focus", "reference"] = "focus"
    assess_bands: Literal["top", "all", "none"] = "top"  # pay_band metrics: which bands are assessed
    breakdown: bool = True  # counted by the standard's breakdown (else for the whole organisation only)
    columns: tuple[str, ...] = ()  # survey: several questions counted as one (any answer of at least once)
    events_may_exceed: bool = False  # the numerator may exceed its denominator (events over a year vs a snapshot)
    short: str = ""  # a column heading: "M3", "Indicator 3"
    bands: tuple[str, ...] = ()  # a staff_flag metric of several flags (columns): each flag's band label

    @property
    def questions(self) -> tuple[str, ...]:
        """The survey questions (or staff flag) the metric reads."""
        return self.columns or ((self.column,) if self.column else ())


@dataclass(frozen=True)
class Question:
    """A staff survey question's words, as the web service's form asks it ([questions.<column>] in the data
    file): the survey file's column it answers, its text and hint, and the options offered."""

    id: str  # the survey file's column
    text: str
    hint: str = ""
    options: tuple[str, ...] = ()  # an answer's: the scale's words (answer_words when the data file gives none)
    labels: str = ""  # the ethnicity question's: the wres.ethnicity label set it offers ("ons2021")


# The words a report prints when a standard's data file does not give its own ([words] overrides each):
# {group} is a group's words, {organisation} the standard's word for the organisation, {snapshot} a date.
REPORT_WORDS: dict[str, str] = {
    "report_title": "{title}",  # the report's heading line
    "organisation_heading": "Organisation",  # the profile's first row
    "code_heading": "Organisation code",  # the profile's row of the organisation's code
    "breakdown_heading": "Service",  # the column of breakdown parts
    "together": "the whole {organisation}",  # a chart or table of the breakdown's total: "both services together"
    "focus_short": "{group}",  # the focus group in a terminal table's few words: "worse for ME"
    "headcount_heading": "Staff",  # the profile's headcount row
    "headcount": "{n}",  # the headcount, in the profile
    "staff_scope": "Staff are those on the {organisation}'s staff record on {snapshot}.",
    "events_scope": "Events are those in the reporting period.",
    "focus_includes": "every stated category except the White ones",
    "reference_includes": "every White category, including Irish, Gypsy or Irish Traveller, Roma and any other White background",
    "assessment_worse": "worse for {group} staff",  # an assessment in words (charts' legends, the workbook)
    "assessment_within": "within the non-adverse range",
    "assessment_better": "better for {group} staff",
    "assessment_within_percentages": "no clear difference",  # a difference whose interval includes 0
}


@dataclass(frozen=True)
class Standard:
    id: str
    name: str  # as the document and reports name it: "SC-WRES"
    title: str  # in full
    version: str
    groups: tuple[Group, Group, Group]  # focus, reference, unknown: the order of every table
    breakdown: Breakdown
    metrics: tuple[MetricDef, ...]
    files: dict[str, tuple[Column, ...]]  # the record-level input files and their columns
    range: tuple[float, float] = (0.80, 1.25)  # the non-adverse range of a relative likelihood
    bands_from: Literal["salary", "labels"] = "salary"  # the authority's salary bands, or the standard's labels
    default_bands: tuple[PayBand, ...] = ()
    excluded_bands: tuple[str, ...] = ()  # band labels that are not staff (non-executive board members)
    # other spellings of a labelled band, as HR systems write it (ESR's "Band 8 - Range A" for Band 8a)
    band_spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    organisation: str = "authority"  # "the authority" / "the trust" in sentences
    words: dict[str, str] = field(default_factory=dict)  # every other word the engine and renderers use
    method: tuple[str, ...] = ()  # the choices this standard's sources leave open, stated in each report
    answers: dict[str, dict[str, bool | None]] = field(default_factory=dict)  # survey scales: spelling → value
    scales: dict[str, str] = field(default_factory=dict)  # survey column → its scale (a key of answers)
    # Each scale's answers as a validation fix lists them ("Never, 1-2, …"): answers holds normalised keys only.
    answer_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The staff survey's questions, in the order the form asks them (ethnicity, the breakdown, the answers).
    questions: dict[str, Question] = field(default_factory=dict)

    @property
    def focus(self) -> Group:
        return self.groups[0]

    @property
    def reference(self) -> Group:
        return self.groups[1]

    @property
    def unknown(self) -> Group:
        return self.groups[2]

    @property
    def group_ids(self) -> tuple[str, str, str]:
        return tuple(g.id for g in self.groups)  # type: ignore[return-value]

    @property
    def metric_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.metrics)

    def metric(self, metric_id: str) -> MetricDef:
        return metric(self.metrics, metric_id)

    def word(self, key: str, **values: Any) -> str:
        """One of the standard's words, filled in: a missing word is a fault in its data file, not in the input.
        A report's words (REPORT_WORDS) have defaults a data file may override."""
        text = self.words[key] if key in self.words else REPORT_WORDS[key]
        return text.format(**{"title": self.title, "organisation": self.organisation, **values})

    def assessment_words(self, statistic: Statistic = "relative_likelihood") -> dict[str, str]:
        """Each assessment a result may carry (f"worse_for_{focus}", "within_range", f"better_for_{focus}") in
        words, for a figure of this statistic: the one table every renderer prints them from."""
        focus = self.focus
        within = "assessment_within_percentages" if statistic == "percentages" else "assessment_within"
        return {
            f"worse_for_{focus.id}": self.word("assessment_worse", group=focus.words),
            "within_range": self.word(within),
            f"better_for_{focus.id}": self.word("assessment_better", group=focus.words),
        }


def metric(metrics: tuple[MetricDef, ...], metric_id: str) -> MetricDef:
    for m in metrics:
        if m.id == metric_id:
            return m
    raise KeyError(metric_id)


def _columns(spec: list[dict[str, Any]]) -> tuple[Column, ...]:
    return tuple(Column(c["name"], c["kind"], c.get("required", True), c.get("blank_ok", False)) for c in spec)


def parse(data: dict[str, Any]) -> Standard:
    """A standard from its data file's contents (a dict as tomllib reads it)."""
    groups = tuple(Group(**g) for g in data["groups"])
    bd = data["breakdown"]
    breakdown = Breakdown(bd["column"], tuple(Part(**{**p, "values": tuple(p.get("values", ())), "hints": tuple(p.get("hints", ()))}) for p in bd["parts"]), Part(**bd["total"]))
    metrics = []
    for m in data["metrics"]:
        m = dict(m)
        m["columns"] = tuple(m.get("columns", ()))
        m["bands"] = tuple(m.get("bands", ()))
        metrics.append(MetricDef(**m))
    bands = data.get("bands", {})
    return Standard(
        id=data["id"], name=data["name"], title=data["title"], version=str(data["version"]),
        groups=groups,  # type: ignore[arg-type]
        breakdown=breakdown, metrics=tuple(metrics),
        files={name: _columns(cols) for name, cols in data["files"].items()},
        range=tuple(data.get("range", (0.80, 1.25))),  # type: ignore[arg-type]
        bands_from=bands.get("from", "salary"),
        default_bands=tuple(PayBand(b["label"], b.get("below")) for b in bands.get("default", ())),
        excluded_bands=tuple(e if isinstance(e, str) else e["label"] for e in bands.get("excluded", ())),
        band_spellings={b["label"]: tuple(b["values"]) for b in (*bands.get("default", ()), *bands.get("excluded", ()))
                        if isinstance(b, dict) and b.get("values")},
        organisation=data.get("organisation", "authority"),
        words=dict(data.get("words", {})),
        method=tuple(data.get("method", ())),
        answers={scale: {w: (None if a == "excluded" else a) for w, a in words.items()}
                 for scale, words in data.get("answers", {}).items()},
        scales=dict(data.get("scales", {})),
        answer_words={scale: tuple(words) for scale, words in data.get("answer_words", {}).items()},
        questions={qid: Question(qid, q["text"], q.get("hint", ""),
                                 tuple(q.get("options", data.get("answer_words", {}).get(data.get("scales", {}).get(qid, ""), ()))),
                                 q.get("labels", ""))
                   for qid, q in data.get("questions", {}).items()},
    )


def available() -> tuple[str, ...]:
    """The ids of the standards wres knows (one data file each)."""
    return _available(DATA)


@cache
def _available(folder: Path) -> tuple[str, ...]:
    """Listed once per folder: asked for per file read (a national run reads hundreds of returns)."""
    return tuple(sorted(p.stem for p in folder.glob("*.toml")))


@cache
def load(standard_id: str = DEFAULT) -> Standard:
    """The standard with this id (raises KeyError for an unknown one: check against available() first)."""
    path = DATA / f"{standard_id}.toml"
    if standard_id not in available():
        raise KeyError(standard_id)
    return parse(tomllib.loads(path.read_text(encoding="utf-8")))


def from_file(path: Path) -> Standard:
    """A standard from a data file outside the package (a new standard being written, or a test's)."""
    return parse(tomllib.loads(Path(path).read_text(encoding="utf-8")))
