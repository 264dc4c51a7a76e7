"""Counts → the metrics document: one result per metric × service × band, unsuppressed.

Pure: reads Counts and the organisation's settings, never a file. Disclosure control comes after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from wres import stats
from wres.counts import Counts
from wres.organisation import Organisation
from wres.standards import MetricDef
from wres.standards.sc_wres import METRICS, NAME

SCHEMA_VERSION = 1
SERVICES_OUT = ("adults", "children", "all")
INTERNAL_MARKING = "OFFICIAL-SENSITIVE — not for publication"


@dataclass
class Figures:
    numerator: int | None
    denominator: int | None
    rate: float | None = None


@dataclass
class Result:
    metric: str
    service: str
    band: str | None
    minority_ethnic: Figures
    white: Figures
    unknown: Figures
    declaration_rate: float | None
    relative_likelihood: float | None
    ci95: tuple[float, float] | None
    assessment: str | None
    suppressed: bool
    reason: str | None
    sentence: str
    title: str = ""
    representation: dict[str, float | None] | None = None  # M9 only: minority ethnic shares
    total: Figures = field(default_factory=lambda: Figures(None, None))  # all three groups together

    @property
    def label(self) -> str:
        """The metric's name as a sentence starts with it: 'Pay bands (under 30k)'."""
        return f"{self.title} ({self.band})" if self.band else self.title

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["unknown"].pop("rate")
        d["total"].pop("rate")
        d["ci95"] = list(self.ci95) if self.ci95 else None
        if self.representation is None:
            d.pop("representation")
        return d


@dataclass
class Document:
    organisation: dict[str, str | None]
    period: dict[str, str]
    results: list[Result]
    warnings: list[str] = field(default_factory=list)
    suppression: dict[str, Any] = field(default_factory=lambda: {"applied": False, "threshold": None})
    marking: str | None = INTERNAL_MARKING

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "standard": NAME,
            "organisation": self.organisation,
            "period": self.period,
            "suppression": self.suppression,
            "warnings": self.warnings,
            "results": [r.as_dict() for r in self.results],
        }
        if self.marking:
            d["marking"] = self.marking
        return d


def _rate(n: int, d: int) -> float | None:
    return n / d if d else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _result(m: MetricDef, counts: Counts, service: str, band: str, top_band: bool, org: Organisation, source_label: str) -> Result:
    band_out = band or None
    phrase = m.phrase.format(band=f"'{band}'")
    direction = m.direction if (m.kind != "pay_band" or top_band) else None
    if m.id not in counts.submitted:
        reason = "not submitted"
        return Result(
            m.id, service, band_out, Figures(None, None), Figures(None, None), Figures(None, None), None, None, None, None,
            False, reason, f"Not submitted: the return had no {source_label} for {m.title.lower()}.", m.title,
        )
    (a, n1), (c, n2), (u, nu) = (counts.get(m.id, service, band, g) for g in ("minority_ethnic", "white", "unknown"))
    lk = stats.relative_likelihood(a, n1, c, n2, m.subject)
    assessment = stats.assess(lk.exact, direction)
    total = n1 + n2 + nu
    representation = None
    if m.kind == "staff_flag":
        representation = {
            "senior_managers": _share(a, a + c),
            "workforce": _share(n1, n1 + n2),
            "local_population": org.local_population_minority_ethnic_pct / 100 if org.local_population_minority_ethnic_pct is not None else None,
        }
    return Result(
        metric=m.id,
        service=service,
        band=band_out,
        minority_ethnic=Figures(a, n1, _rate(a, n1)),
        white=Figures(c, n2, _rate(c, n2)),
        unknown=Figures(u, nu),
        declaration_rate=_share(n1 + n2, total),
        relative_likelihood=lk.rl,
        ci95=lk.ci95,
        assessment=assessment,
        suppressed=False,
        reason=lk.reason,
        sentence=stats.sentence(f"{m.title} ({band})" if band else m.title, phrase, service, lk.rl, lk.ci95, assessment, lk.reason, m.subject),
        title=m.title,
        representation=representation,
        total=Figures(a + c + u, total),
    )


def top_band(bands: Sequence[str]) -> str | None:
    """The one band of a pay-band metric (M1) assessed against the non-adverse range: the top band, the last
    (bands are computed and published lowest first, as organisation.toml lists them). None without bands."""
    return bands[-1] if bands else None


def assessed_band(results: Iterable[Result | Mapping[str, Any]], metric: str) -> str | None:
    """The assessed band of `metric` among published results (Result objects or a document's dicts), for
    readers that show one figure per metric (the dashboard's trend). None for a metric without bands."""
    bands = [r["band"] if isinstance(r, Mapping) else r.band for r in results
             if (r["metric"] if isinstance(r, Mapping) else r.metric) == metric]
    return top_band(list(dict.fromkeys(b for b in bands if b)))


def compute(counts: Counts, org: Organisation, warnings: list[str] | None = None, from_counts_file: bool = False) -> Document:
    """Every result the standard defines, submitted or not, unsuppressed (marked internal)."""
    bands = counts.bands or [b.label for b in org.bands]
    results: list[Result] = []
    for m in METRICS:
        label = "counts" if from_counts_file else f"{m.source}.csv"
        for band in bands if m.kind == "pay_band" else [""]:
            for service in SERVICES_OUT:
                results.append(_result(m, counts, service, band, band == top_band(bands), org, label))
    return Document(
        organisation={"name": org.name, "code": org.code},
        period={"start": org.period_start.isoformat(), "end": org.period_end.isoformat()},
        results=results,
        warnings=list(warnings or []),
    )
