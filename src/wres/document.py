"""The metrics document as one typed value: what every renderer, the web and the audit read.

results.py builds it, disclosure.py protects it; a stored document (JSON) is read back with
`Document.from_dict`, and `from_dict(d).to_dict() == d` for every document wres writes. Each result says
what its headline figure is (`statistic`), whether it is shown (`status`), whether the standard assesses it
(`assessed`) and the words a table prints (`verdict`), so no reader guesses or decides a rule again.

The compared groups are keyed by the standard's group ids (SC-WRES: minority ethnic, white, unknown;
NHS WRES: bme, white, unknown) and written as top-level keys of a result, in the standard's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from wres import standards

SCHEMA_VERSION = 1
INTERNAL_MARKING = "OFFICIAL-SENSITIVE — not for publication"

Status = Literal["published", "withheld_primary", "withheld_secondary", "undefined", "not_submitted"]
"""Of a result's headline figure (the RL, the difference, or the shares):
published: shown; withheld_primary: disclosure control hid it because one of its own counts is small;
withheld_secondary: hidden only so that a small count elsewhere cannot be worked out; undefined: it cannot
be computed (`reason` says why); not_submitted: the return had no data for the metric."""

Statistic = standards.Statistic


@dataclass
class Figures:
    """One group's counts. The rate is written for the compared groups only (not for unknown or total)."""

    numerator: int | None
    denominator: int | None
    rate: float | None = None

    def to_dict(self, rated: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {"numerator": self.numerator, "denominator": self.denominator}
        if rated:
            d["rate"] = self.rate
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Figures:
        return cls(d.get("numerator"), d.get("denominator"), d.get("rate"))


def _pair(x: Any) -> tuple[Any, Any] | None:
    return (x[0], x[1]) if x is not None else None


def _list(x: tuple[Any, ...] | None) -> list[Any] | None:
    return list(x) if x is not None else None


@dataclass
class Result:
    """One metric × breakdown part × band. `groups` is ordered focus, reference, unknown (the standard's)."""

    metric: str
    service: str  # the standard's breakdown part id, or its total's ("all")
    band: str | None
    groups: dict[str, Figures]
    declaration_rate: float | None
    relative_likelihood: float | None
    ci95: tuple[float, float] | None
    assessment: str | None  # f"worse_for_{focus}" / "within_range" / f"better_for_{focus}"
    suppressed: bool
    reason: str | None
    sentence: str
    title: str = ""
    representation: dict[str, float | None] | None = None  # SC-WRES's senior-manager shares (kept as it was)
    total: Figures = field(default_factory=lambda: Figures(None, None))  # all three groups together
    statistic: Statistic = "relative_likelihood"
    status: Status = "published"
    assessed: bool = False  # the standard assesses this figure, and it is published
    verdict: str = ""  # a summary table's words, decided in the engine
    label: str = ""  # the metric's name with its band: "Pay bands (70k and over)"
    orientation: tuple[str, str] | None = None  # RL: (numerator group id, denominator group id)
    difference: float | None = None  # percentages: focus rate − reference rate; representation: share gap
    difference_ci95: tuple[float, float] | None = None  # percentages only: Newcombe's hybrid score interval
    shares: dict[str, float | None] | None = None  # representation: each group's share of the part
    workforce_shares: dict[str, float | None] | None = None  # representation: each group's share of the workforce
    # statistics.md §1–3 (withheld with the headline figure: they are functions of its counts)
    evidence: str | None = None  # "outside_range" / "inside_range" / "inconclusive": the whole CI against the range
    detectable_rl: dict[str, float | None] | None = None  # {"above", "below"}: the RLs detectable with 80% power
    respondents_needed: int | None = None  # survey metrics: respondents for the range edge to be detectable
    change: dict[str, Any] | None = None  # {"previous_rl", "ratio", "z", "p_value", "note"}: from the previous year

    def __post_init__(self) -> None:
        if not self.label:
            self.label = f"{self.title} ({self.band})" if self.band else self.title

    # The groups by their role, for readers that do not need the standard's ids.
    @property
    def focus(self) -> Figures:
        return list(self.groups.values())[0]

    @property
    def reference(self) -> Figures:
        return list(self.groups.values())[1]

    @property
    def unknown(self) -> Figures:
        return list(self.groups.values())[2]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"metric": self.metric, "service": self.service, "band": self.band}
        for i, (gid, f) in enumerate(self.groups.items()):
            d[gid] = f.to_dict(rated=i < 2)  # the unknown group has no rate
        d.update({
            "declaration_rate": self.declaration_rate,
            "relative_likelihood": self.relative_likelihood,
            "ci95": _list(self.ci95),
            "assessment": self.assessment,
            "suppressed": self.suppressed,
            "reason": self.reason,
            "sentence": self.sentence,
            "title": self.title,
        })
        if self.representation is not None:
            d["representation"] = dict(self.representation)
        d["total"] = self.total.to_dict(rated=False)
        d.update({
            "statistic": self.statistic,
            "status": self.status,
            "assessed": self.assessed,
            "verdict": self.verdict,
            "label": self.label,
            "orientation": _list(self.orientation),
            "difference": self.difference,
            "difference_ci95": _list(self.difference_ci95),
        })
        if self.shares is not None:
            d["shares"] = dict(self.shares)
        if self.workforce_shares is not None:
            d["workforce_shares"] = dict(self.workforce_shares)
        d.update({
            "evidence": self.evidence,
            "detectable_rl": dict(self.detectable_rl) if self.detectable_rl is not None else None,
            "respondents_needed": self.respondents_needed,
            "change": dict(self.change) if self.change is not None else None,
        })
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], group_ids: tuple[str, ...] | None = None) -> Result:
        """A result as to_dict wrote it. Without `group_ids` the groups are the keys holding figures (in order)."""
        if group_ids is None:
            group_ids = tuple(k for k, v in d.items() if k != "total" and isinstance(v, dict) and "numerator" in v)
        return cls(
            metric=d["metric"], service=d["service"], band=d.get("band"),
            groups={g: Figures.from_dict(d[g]) for g in group_ids},
            declaration_rate=d.get("declaration_rate"),
            relative_likelihood=d.get("relative_likelihood"),
            ci95=_pair(d.get("ci95")),
            assessment=d.get("assessment"),
            suppressed=bool(d.get("suppressed", False)),
            reason=d.get("reason"),
            sentence=d.get("sentence", ""),
            title=d.get("title", ""),
            representation=d.get("representation"),
            total=Figures.from_dict(d.get("total") or {}),
            statistic=d.get("statistic", "relative_likelihood"),
            status=d.get("status", "published"),
            assessed=bool(d.get("assessed", False)),
            verdict=d.get("verdict", ""),
            label=d.get("label", ""),
            orientation=_pair(d.get("orientation")),
            difference=d.get("difference"),
            difference_ci95=_pair(d.get("difference_ci95")),
            shares=d.get("shares"),
            workforce_shares=d.get("workforce_shares"),
            evidence=d.get("evidence"),
            detectable_rl=d.get("detectable_rl"),
            respondents_needed=d.get("respondents_needed"),
            change=d.get("change"),
        )


def _default_standard() -> standards.Standard:
    return standards.load(standards.DEFAULT)


@dataclass
class Document:
    """A return's (or a nation's) results. `standard` is the standard's name, as the JSON has always said it."""

    organisation: dict[str, str | None]
    period: dict[str, str]
    results: list[Result]
    warnings: list[str] = field(default_factory=list)
    suppression: dict[str, Any] = field(default_factory=lambda: {"applied": False, "threshold": None})
    marking: str | None = INTERNAL_MARKING
    standard: str = field(default_factory=lambda: _default_standard().name)
    standard_id: str = standards.DEFAULT
    standard_version: str = field(default_factory=lambda: _default_standard().version)
    # The standard itself while the document is in memory (never written): a standard read from a file that
    # wres does not ship (a new one being written) cannot be loaded again by its id.
    definition: standards.Standard | None = field(default=None, repr=False, compare=False)
    # The national document only (wres national): metric id → service → band ("-" where none), statistics.md §4–5
    funnel: dict[str, Any] | None = None
    heterogeneity: dict[str, Any] | None = None

    @classmethod
    def of(cls, standard: standards.Standard, **fields: Any) -> Document:
        """A document of this standard (its name, id and version filled in)."""
        return cls(standard=standard.name, standard_id=standard.id, standard_version=standard.version, definition=standard, **fields)

    def get_standard(self) -> standards.Standard:
        """The standard whose words and rules the document's results follow."""
        return self.definition if self.definition is not None else standards.load(self.standard_id)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "standard": self.standard,
            "standard_id": self.standard_id,
            "standard_version": self.standard_version,
            "organisation": self.organisation,
            "period": self.period,
            "suppression": self.suppression,
            "warnings": self.warnings,
            "results": [r.to_dict() for r in self.results],
        }
        if self.marking:
            d["marking"] = self.marking
        if self.funnel is not None:
            d["funnel"] = self.funnel
        if self.heterogeneity is not None:
            d["heterogeneity"] = self.heterogeneity
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], standard: standards.Standard | None = None) -> Document:
        """A stored document. Its groups are the standard's (`standard`, or the one it names if wres knows it);
        a document written before standards were values (no standard_id) is an SC-WRES one."""
        sid = d.get("standard_id", standards.DEFAULT)
        if standard is None and sid in standards.available():
            standard = standards.load(sid)
        group_ids = standard.group_ids if standard is not None and standard.id == sid else None
        return cls(
            organisation=d.get("organisation", {}),
            period=d.get("period", {}),
            results=[Result.from_dict(r, group_ids) for r in d.get("results", [])],
            warnings=list(d.get("warnings", [])),
            suppression=d.get("suppression", {"applied": False, "threshold": None}),
            marking=d.get("marking"),
            standard=d.get("standard", standard.name if standard else ""),
            standard_id=sid,
            standard_version=str(d.get("standard_version", standard.version if standard else "")),
            definition=standard if standard is not None and standard.id == sid else None,
            funnel=d.get("funnel"),
            heterogeneity=d.get("heterogeneity"),
        )
