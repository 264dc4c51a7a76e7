"""Counts → the metrics document: one result per metric × service × band, unsuppressed.

Pure: reads Counts and the organisation's settings, never a file. Disclosure control comes after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from wres import stats
from wres.counts import Counts
from wres.document import INTERNAL_MARKING, SCHEMA_VERSION, Document, Figures, Result
from wres.organisation import Organisation
from wres.standards import MetricDef
from wres.standards.sc_wres import METRICS, NAME

SERVICES_OUT = ("adults", "children", "all")


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
            m.id, service, band_out, {g: Figures(None, None) for g in ("minority_ethnic", "white", "unknown")}, None, None, None, None,
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
        groups={"minority_ethnic": Figures(a, n1, _rate(a, n1)), "white": Figures(c, n2, _rate(c, n2)), "unknown": Figures(u, nu)},
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
