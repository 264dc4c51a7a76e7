"""A published document as the web pages lay it out: each metric of its standard with its results' figures
as table cells, in the standard's own words (group labels, breakdown part labels, metric names).

Only layout is decided here. What a figure is (`statistic`), whether it is shown (`status`), whether the
standard assesses it (`assessed`) and the words of its verdict and sentence all come from the document, as
the engine wrote them; a figure that is not published is printed as [c] (withheld) or – (undefined).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wres import results as engine_results
from wres.document import Document, Figures, Result
from wres.render import evidence
from wres.standards import MetricDef, Standard

WITHHELD = "[c]"  # disclosure control's mark, as every report prints it
NONE = "–"  # no figure: nothing to compute (the result's sentence says why)


def standard_of(doc: Document) -> Standard:
    """The standard a stored document names (one wres no longer knows is an error in the service's data)."""
    from wres import standards

    return standards.load(doc.standard_id)


def noun(standard: Standard) -> str:
    """What the standard calls one of its measures ("metric", "indicator"): its word `metric`."""
    return standard.words.get("metric", "metric")


def _count(f: Figures, side: str) -> str:
    value = f.numerator if side == "numerator" else f.denominator
    return WITHHELD if value is None else f"{value:,}"


def _pct(x: float | None, withheld: bool) -> str:
    if x is None:
        return WITHHELD if withheld else NONE
    return f"{100 * x:.1f}%"


def _points(x: float | None, withheld: bool) -> str:
    """A difference of proportions in percentage points, signed."""
    if x is None:
        return WITHHELD if withheld else NONE
    return f"{100 * x:+.1f}".replace("-", "−")


def _withheld(r: Result) -> bool:
    """Hidden by disclosure control (a document stored before results had a status says `suppressed`)."""
    return r.status.startswith("withheld") or r.suppressed


@dataclass
class Row:
    """One result as a table row: its band or part, one cell per column, and the engine's verdict."""

    result: Result
    heading: str  # the band, the part, or the metric's name
    cells: list[str]
    verdict: str
    evidence: str = ""  # the evidence in words (render.evidence), beside the verdict
    advice: str = ""  # not enough evidence either way: what the data could show, and what would be needed


def _evidence(r: Result, standard: Standard) -> dict[str, str]:
    return {"evidence": evidence.words(r),
            "advice": evidence.advice(standard, r) if r.evidence == "inconclusive" and r.metric in standard.metric_ids else ""}


@dataclass
class Table:
    caption: str
    heading: str  # the first column's heading: Band, Part …
    columns: list[str]  # the numeric columns' headings
    rows: list[Row] = field(default_factory=list)


def columns(m: MetricDef, standard: Standard) -> list[str]:
    """The numeric columns of a metric's table, by what its statistic publishes."""
    focus, ref = standard.focus.label, standard.reference.label
    if m.statistic == "percentages":
        return [f"{focus}: count", f"{focus}: %", f"{ref}: count", f"{ref}: %", "Difference (points)", "95% CI"]
    if m.statistic == "representation":
        return [f"{focus}: share", f"{ref}: share", f"{standard.unknown.label}: share",
                f"{focus}: share of the workforce", "Difference (points)"]
    return [f"{focus}: count", f"{focus}: rate", f"{ref}: count", f"{ref}: rate", "Relative likelihood", "95% CI"]


def cells(r: Result, standard: Standard) -> list[str]:
    """A result's figures in the order of `columns`: [c] where disclosure control withheld them."""
    held = _withheld(r)
    focus, ref = r.groups.get(standard.focus.id), r.groups.get(standard.reference.id)
    if r.statistic == "representation":
        shares, work = r.shares or {}, r.workforce_shares or {}
        return [_pct(shares.get(g.id), held) for g in standard.groups] + [
            _pct(work.get(standard.focus.id), held), _points(r.difference, held)]
    out = []
    for f in (focus, ref):
        f = f or Figures(None, None)
        rate = f.rate
        out += [f"{_count(f, 'numerator')} of {_count(f, 'denominator')}", _pct(rate, f.numerator is None)]
    if r.statistic == "percentages":
        ci = r.difference_ci95
        out += [_points(r.difference, held), f"{_points(ci[0], held)} to {_points(ci[1], held)}" if ci else (WITHHELD if held else NONE)]
    else:
        rl, ci = r.relative_likelihood, r.ci95
        out += [f"{rl:.2f}" if rl is not None else (WITHHELD if held else NONE),
                f"{ci[0]:.2f} to {ci[1]:.2f}" if ci else (WITHHELD if held else NONE)]
    return out


def _row(r: Result, standard: Standard, heading: str) -> Row:
    return Row(r, heading, cells(r, standard), r.verdict, **_evidence(r, standard))


def _part_label(standard: Standard, part_id: str) -> str:
    try:
        return standard.breakdown.part(part_id).label
    except KeyError:  # a part the standard no longer has: say its id rather than fail
        return part_id


@dataclass
class MetricView:
    metric: MetricDef
    submitted: bool
    headline: list[Result]  # the standard's total (the whole organisation)
    table: Table | None  # the headline results, one row per band (or one row)
    parts: list[Table]  # each part of the breakdown, for a metric counted by it
    others: list[Result]
    chart: dict[str, str] | None = None  # the report set's chart of it, once built (views.core)
    trend_chart: dict[str, str] | None = None

    @property
    def id(self) -> str:
        return self.metric.id

    @property
    def short(self) -> str:
        return self.metric.short or self.metric.id

    @property
    def title(self) -> str:
        return self.metric.title

    @property
    def banded(self) -> bool:
        return len(self.headline) > 1


def metrics(doc: Document, standard: Standard) -> list[MetricView]:
    """Every metric of the standard, in its order, with its results as tables: the whole organisation
    first, then each part of the breakdown."""
    total = standard.breakdown.total
    by_metric: dict[str, list[Result]] = {}
    for r in doc.results:
        by_metric.setdefault(r.metric, []).append(r)
    out = []
    for m in standard.metrics:
        found = by_metric.get(m.id, [])
        submitted = [r for r in found if r.status != "not_submitted"]
        headline = [r for r in submitted if r.service == total.id]
        others = [r for r in submitted if r.service != total.id]
        cols = columns(m, standard)
        table = None
        if headline:
            table = Table(f"{m.short or m.id} {m.title}: {total.label.lower()}", "Band" if any(r.band for r in headline) else "",
                          cols, [_row(r, standard, r.band or total.label) for r in headline])
        parts = []
        for part in standard.breakdown.parts:
            rows = [_row(r, standard, r.band or part.label) for r in others if r.service == part.id]
            if rows:
                parts.append(Table(f"{m.short or m.id} {m.title}: {part.label.lower()}", "Band" if any(r.result.band for r in rows) else "", cols, rows))
        out.append(MetricView(m, bool(submitted), headline, table, parts, others))
    return out


def summary(views: list[MetricView], standard: Standard) -> list[Row]:
    """The summary table: one row per metric's headline figure, with the engine's verdict. A metric by pay
    band gives the band the standard assesses (as the engine names it), its other bands being in its own
    table; a metric of a few figures of its own (the board's voting and executive members) gives each."""
    rows = []
    for v in views:
        if not v.headline:
            continue
        chosen = v.headline
        if v.banded:
            band = engine_results.assessed_band(v.headline, v.metric.id, standard)
            chosen = ([r for r in v.headline if r.assessed] or [r for r in v.headline if band is not None and r.band == band]
                      or (v.headline if v.metric.bands else []))
        for r in chosen:
            rows.append(Row(r, r.label or v.title, [], r.verdict, **_evidence(r, standard)))
    return rows


def trend(docs: list[Document], standard: Standard) -> list[dict[str, Any]]:
    """The headline relative likelihood (or difference) of each metric across years, as published each year;
    a metric by band by the band the engine says is assessed, named in its row when the same every year."""
    total = standard.breakdown.total.id
    rows = []
    # the latest year's change from the year before (the engine's, from the documents as published)
    docs = [*docs[:-1], engine_results.with_change(docs[-1], docs[-2])] if len(docs) > 1 else docs
    for m in standard.metrics:
        if m.statistic == "representation":
            continue
        cells, bands = [], []
        for doc in docs:
            mine = [r for r in doc.results if r.metric == m.id and r.service == total]
            band = engine_results.assessed_band(mine, m.id, standard)
            bands.append(band)
            r = next((x for x in mine if (x.band or None) == (band or None)), None)
            cells.append(None if r is None or r.status == "not_submitted" else {
                "band": r.band, "figure": _trend_figure(r), "change": evidence.change_text(r), "note": (r.change or {}).get("note")})
        if any(cells):
            same = len(set(bands)) == 1
            last = cells[-1]
            rows.append({"metric": m, "short": m.short or m.id, "title": m.title, "cells": cells,
                         "change": (last or {}).get("change", ""), "change_note": (last or {}).get("note") or "",
                         "band": bands[-1] if same else None, "bands": bands if not same and any(bands) else None,
                         "unit": "points" if m.statistic == "percentages" else "rl"})
    return rows


def change_notes(rows: list[dict[str, Any]]) -> list[str]:
    """The document's notes on changes given without a test (stock metrics), each once."""
    return list(dict.fromkeys(r["change_note"] for r in rows if r.get("change_note")))


def _trend_figure(r: Result) -> str:
    held = _withheld(r)
    if r.statistic == "percentages":
        return _points(r.difference, held)
    return f"{r.relative_likelihood:.2f}" if r.relative_likelihood is not None else (WITHHELD if held else NONE)
