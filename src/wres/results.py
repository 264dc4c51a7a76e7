"""Counts → the metrics document: one result per metric × breakdown part × band, unsuppressed.

Pure: reads Counts and the organisation's settings, never a file. Disclosure control comes after. Every rule
a reader needs (which band is assessed, whose rate is divided by whose, the sentence, the verdict) is decided
here, from the standard the counts carry, and written into the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from wres import stats
from wres.counts import Counts
from wres.document import INTERNAL_MARKING, SCHEMA_VERSION, Document, Figures, Result
from wres.organisation import Organisation
from wres.standards import MetricDef, Part, Standard

__all__ = ["INTERNAL_MARKING", "SCHEMA_VERSION", "Document", "Figures", "Result", "compute", "with_change", "top_band", "assessed_band", "bands_of", "is_assessed"]


def _rate(n: int, d: int) -> float | None:
    return n / d if d else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def top_band(bands: Sequence[str]) -> str | None:
    """The top band, the last (bands are computed and published lowest first, as organisation.toml lists them)."""
    return bands[-1] if bands else None


def bands_of(m: MetricDef, bands: Sequence[str]) -> list[str]:
    """The bands a metric is reported by: its own (a board's columns), the pay bands, or none ("")."""
    if m.bands:
        return list(m.bands)
    return list(bands) if m.kind == "pay_band" else [""]


def is_assessed(m: MetricDef, band: str, bands: Sequence[str]) -> bool:
    """Whether the standard judges this figure: never a representation; of a pay-band metric, the bands its
    `assess_bands` names (SC-WRES: the top band only)."""
    if m.statistic == "representation" or m.direction is None:
        return False
    if m.kind != "pay_band":
        return True
    return {"top": band == top_band(bands), "all": True, "none": False}[m.assess_bands]


def assessed_band(results: Iterable[Result | Mapping[str, Any]], metric: str, standard: Standard) -> str | None:
    """The one band of `metric` a reader showing one figure per metric shows (the dashboard's trend): its top
    band when only that is assessed. None for a metric without bands, or whose bands are all alike."""
    std = standard
    m = std.metric(metric)
    if m.assess_bands != "top" or m.statistic == "representation":
        return None
    bands = [r["band"] if isinstance(r, Mapping) else r.band for r in results
             if (r["metric"] if isinstance(r, Mapping) else r.metric) == metric]
    return top_band(list(dict.fromkeys(b for b in bands if b)))


def _what_data_could_detect(std: Standard, m: MetricDef, first: tuple[int, int], second: tuple[int, int], direction: Any) -> dict[str, Any]:
    """detectable_rl and (survey metrics) respondents_needed of a defined result, from the first-named group's
    (numerator, denominator) and the second's as the metric orients them (statistics.md §2)."""
    (_, n1), (c, n2) = first, second
    p2 = c / n2 if n2 else 0.0
    above, below = stats.detectable(n1, n2, p2)
    out: dict[str, Any] = {"detectable_rl": {"above": above, "below": below}}
    if m.kind == "survey" and direction is not None:
        edge = std.range[1] if direction == "above" else std.range[0]  # the edge the metric's direction cares about
        out["respondents_needed"] = stats.respondents_needed(n1, n2, p2, edge)
    return out


def _not_submitted(std: Standard, m: MetricDef, part: Part, band: str, source_label: str) -> Result:
    return Result(
        m.id, part.id, band or None, {g: Figures(None, None) for g in std.group_ids}, None, None, None, None,
        False, "not submitted", f"Not submitted: the return had no {source_label} for {m.title.lower()}.", m.title,
        statistic=m.statistic, status="not_submitted", verdict=stats.STATUS_VERDICTS["not_submitted"],
        orientation=stats.orientation(std, m) if m.statistic == "relative_likelihood" else None,
    )


def _result(std: Standard, m: MetricDef, counts: Counts, part: Part, band: str, assessed: bool, org: Organisation) -> Result:
    focus, reference, unknown = std.group_ids
    (a, n1), (c, n2), (u, nu) = (counts.get(m.id, part.id, band, g) for g in std.group_ids)
    total = n1 + n2 + nu
    label = f"{m.title} ({band})" if band else m.title
    direction = m.direction if assessed else None
    base: dict[str, Any] = dict(
        metric=m.id, service=part.id, band=band or None,
        groups={focus: Figures(a, n1, _rate(a, n1)), reference: Figures(c, n2, _rate(c, n2)), unknown: Figures(u, nu)},
        declaration_rate=_share(n1 + n2, total), suppressed=False, title=m.title, total=Figures(a + c + u, total),
        statistic=m.statistic, label=label,
    )
    if m.statistic == "percentages":
        d = stats.difference(a, n1, c, n2, std, m.subject)
        assessment = stats.assess_difference(d.difference, d.ci95, direction, std)
        return Result(
            **base, relative_likelihood=None, ci95=None, assessment=assessment, reason=d.reason,
            sentence=stats.difference_sentence(label, m.phrase, part.id, (_rate(a, n1), _rate(c, n2)), d, assessment, m.subject, std, m.breakdown),
            status="published" if d.difference is not None else "undefined",
            assessed=assessment is not None,
            verdict=stats.difference_verdict(d.difference, assessment, std) if d.difference is not None else stats.STATUS_VERDICTS["undefined"],
            difference=d.difference, difference_ci95=d.ci95,
            evidence=stats.difference_evidence(d.ci95),
            # the rates' ratio (focus ÷ reference) is the natural scale of "what the data could detect" here too
            **(_what_data_could_detect(std, m, (a, n1), (c, n2), direction) if d.difference is not None else {}),
        )
    if m.statistic == "representation":
        # each group's share of the part (the band, the board) beside its share of the workforce
        shares = {g: _share(x, a + c + u) for g, x in zip(std.group_ids, (a, c, u))}
        workforce = {g: _share(x, total) for g, x in zip(std.group_ids, (n1, n2, nu))}
        defined = shares[focus] is not None and workforce[focus] is not None
        gap = shares[focus] - workforce[focus] if defined else None  # type: ignore[operator]
        reason = None if defined else ("no one is counted in it" if shares[focus] is None else "no one is in the workforce")
        return Result(
            **base, relative_likelihood=None, ci95=None, assessment=None, reason=reason,
            sentence=stats.representation_sentence(label, stats.band_words(m, band), part.id, shares[focus], workforce[focus], m.subject, std, m.breakdown),
            status="published" if defined else "undefined",
            verdict=stats.representation_verdict(gap) if gap is not None else stats.STATUS_VERDICTS["undefined"],
            difference=gap, shares=shares, workforce_shares=workforce,
        )
    lk = stats.oriented(std, m, (a, n1), (c, n2))
    assessment = stats.assess(lk.exact, direction, std)
    representation = None
    subset = std.words.get("representation_subset")
    if subset and m.kind == "staff_flag":  # SC-WRES's senior managers: their share beside the workforce's
        local = org.local_population_pct
        representation = {
            subset.replace(" ", "_"): _share(a, a + c),
            "workforce": _share(n1, n1 + n2),
            "local_population": local / 100 if local is not None else None,
        }
    phrase = m.phrase.format(band=f"'{band}'")
    return Result(
        **base, relative_likelihood=lk.rl, ci95=lk.ci95, assessment=assessment, reason=lk.reason,
        sentence=stats.sentence(label, phrase, part.id, lk.rl, lk.ci95, assessment, lk.reason, m.subject,
                                standard=std, orientation=m.orientation, breakdown=m.breakdown),
        representation=representation,
        status="published" if lk.rl is not None else "undefined",
        assessed=assessment is not None,
        verdict=stats.verdict(assessment, lk.ci95, std) if lk.rl is not None else stats.STATUS_VERDICTS["undefined"],
        orientation=stats.orientation(std, m),
        evidence=stats.evidence(lk.ci95, std),
        **(_what_data_could_detect(std, m, *_oriented_counts(m, (a, n1), (c, n2)), direction) if lk.rl is not None else {}),
    )


def _oriented_counts(m: MetricDef, focus: tuple[int, int], reference: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    """The (numerator, denominator) of the RL's first-named group and of its second, as the metric orients it."""
    return (reference, focus) if m.orientation == "reference" else (focus, reference)


def _se(r: Result) -> float | None:
    """The Katz SE of a result's RL, from its published counts of the two groups it divides."""
    if r.orientation is None:
        return None
    one, two = (r.groups.get(g) for g in r.orientation)
    if one is None or two is None or None in (one.numerator, one.denominator, two.numerator, two.denominator):
        return None
    return stats.katz_se(one.numerator, one.denominator, two.numerator, two.denominator)  # type: ignore[arg-type]


def with_change(doc: Document, previous: Document | None) -> Document:
    """The document with each result's `change` from the previous year's result of the same metric × part ×
    band (statistics.md §3), where both relative likelihoods are defined (and published: give it the
    documents as they are published, and the change repeats only published figures). Without a previous
    year every change is null."""
    std = doc.get_standard()
    before = {(r.metric, r.service, r.band): r for r in previous.results} if previous is not None else {}
    out = []
    for r in doc.results:
        p = before.get((r.metric, r.service, r.band))
        ch = None
        if (p is not None and r.statistic == "relative_likelihood" and r.relative_likelihood is not None
                and p.relative_likelihood is not None and r.metric in std.metric_ids):
            m = std.metric(r.metric)
            event = m.kind in stats.EVENT_KINDS
            note = std.words.get("change_stock_note", stats.STOCK_NOTE)
            ch = stats.change(r.relative_likelihood, _se(r), p.relative_likelihood, _se(p), event, note)
        out.append(replace(r, change=ch))
    return replace(doc, results=out)


def compute(counts: Counts, org: Organisation, warnings: list[str] | None = None, from_counts_file: bool = False) -> Document:
    """Every result the standard defines, submitted or not, unsuppressed (marked internal)."""
    std = counts.standard  # the return's, which the counts were made under
    pay_bands = counts.bands or [b.label for b in org.bands]
    results: list[Result] = []
    for m in std.metrics:
        label = "counts" if from_counts_file else f"{m.source}.csv"
        parts = std.breakdown.all if m.breakdown else (std.breakdown.total,)
        bands = bands_of(m, pay_bands)
        for band in bands:
            for part in parts:
                if m.id not in counts.submitted:
                    results.append(_not_submitted(std, m, part, band, label))
                else:
                    results.append(_result(std, m, counts, part, band, is_assessed(m, band, bands), org))
    return Document.of(
        std,
        organisation={"name": org.name, "code": org.code},
        period={"start": org.period_start.isoformat(), "end": org.period_end.isoformat()},
        results=results,
        warnings=list(warnings or []),
    )
