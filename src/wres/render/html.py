"""The report as one self-contained, accessible HTML page (charts inlined as SVG), also the PDF's source.

Jinja2 escapes every value from the input, so a name like `<script>` is shown, never run.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from wres import __version__, dates
from wres.dates import long_date, long_month
from wres.render.charts import Chart
from wres.report import SERVICE_NAMES, SERVICES, Report
from wres.results import Figures, Result
from wres.stats import PERCENT_RULE, ci_text, fmt, pct, verdict

MARK = "[c]"  # withheld: the Office for National Statistics' mark for a confidential cell
DIRECTION_WORDS = {"below": "below the range (under 0.80)", "above": "above the range (over 1.25)", None: "not assessed"}


@dataclass
class Figure:
    src: str
    alt: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    width: int
    height: int
    note: str = ""  # what the chart leaves out; with nothing drawn, the sentence printed instead of it
    empty: bool = False
    data_elsewhere: bool = True  # its data is in another table of the report: print does not repeat it


def figure(chart: Chart, svg: str) -> Figure:
    """The chart as the page shows it; an empty chart (svg "") is only its note."""
    size = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    width, height = (round(float(size.group(1))), round(float(size.group(2)))) if size else (600, 300)
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() if svg else ""
    return Figure(src, chart.alt, chart.title, chart.columns, chart.rows, width, height, chart.note, chart.empty, chart.data_elsewhere)


def _count(x: int | None, r: Result) -> str:
    if x is None:
        return MARK if r.suppressed else "–"
    return f"{x:,}"


def _group(f: Figures, r: Result, with_rate: bool = True) -> str:
    text = f"{_count(f.numerator, r)} of {_count(f.denominator, r)}"
    if with_rate and f.rate is not None:
        text += f" ({pct(f.rate)})"
    return text


def _rl(r: Result) -> tuple[str, str, str]:
    if r.relative_likelihood is None:
        mark = MARK if r.suppressed else "–"
        return mark, mark if r.suppressed else "", ""
    ci = ci_text(r.ci95) if r.ci95 else "–"
    return fmt(r.relative_likelihood), ci, verdict(r.assessment, r.ci95)  # type: ignore[arg-type]


def _rows(results: list[Result], banded: bool) -> list[list[str]]:
    rows = []
    for r in results:
        if r.reason == "not submitted":
            row = [SERVICE_NAMES[r.service], *([r.band or ""] if banded else []), "not submitted", "", "", "", "", "", ""]
        else:
            rl, ci, assessment = _rl(r)
            declared = pct(r.declaration_rate) if r.declaration_rate is not None else (MARK if r.suppressed else "–")
            row = [SERVICE_NAMES[r.service], *([r.band or ""] if banded else []), _group(r.minority_ethnic, r), _group(r.white, r),
                   _group(r.unknown, r, with_rate=False), declared, rl, ci, assessment]
        rows.append(row)
    return rows


def _sponsors(org: Any) -> list[tuple[str, str]]:
    s = org.sponsors
    if isinstance(s, dict):
        return [(f"Senior sponsor, {SERVICE_NAMES.get(k, k).lower()}", v) for k, v in s.items()]
    return [("Senior sponsor", s)] if s else []


def governance_text(report: Report) -> str:
    """How the plan was agreed and is monitored, from organisation.toml [governance], in the seed's words."""
    g = report.organisation.governance
    if g is None:
        return "organisation.toml does not yet say how the action plan is agreed and monitored ([governance])."
    on = lambda d: f" on {long_date(d)}" if d else ""  # noqa: E731
    parts = []
    if g.agreed_by:
        parts.append(f"The action plan has been agreed through {g.agreed_by}")
    if g.approved_by:
        parts.append(("and" if parts else "The action plan was") + f" approved by {g.approved_by}{on(g.approved_on)}")
    if g.reviewed_with:
        parts.append(("and will be" if parts else "The action plan will be") + f" reviewed with {g.reviewed_with}{on(g.reviewed_on)}")
    text = " ".join(parts) + "." if parts else ""
    if g.monitoring:
        text += f" Progress is monitored {g.monitoring}."
    if g.co_produced_with:
        signed = f", and signed off by {g.co_production_signed_off_by}{on(g.co_production_signed_off_on)}" if g.co_production_signed_off_by else ""
        text += f" It was co-produced with {g.co_produced_with}{signed}."
    return text.strip()


def _profile(report: Report) -> list[tuple[str, str]]:
    org = report.organisation
    rows = [("Local authority", org.name)]
    if org.code:
        rows.append(("ONS code", org.code))
    rows += _sponsors(org)
    if org.programme_lead:
        rows.append(("Programme lead", org.programme_lead))
    if org.staff_voice_lead:
        rows.append(("Staff voice lead", org.staff_voice_lead))
    head = report.headcount
    rows.append(("Direct employees", f"{head:,} across adult and children's social care" if head is not None else f"{MARK} (withheld)"))
    rows.append(("Agreement and monitoring", governance_text(report)))
    return rows


def _summary(report: Report) -> dict[str, Any]:
    """The year at a glance: a row per published relative likelihood (M1: its top band) with its verdict, and
    one line per metric for the results that are withheld or not available, saying why."""
    rows, missing = [], []
    for m in report.metrics:
        results = report.results(m.id)
        if m.kind == "pay_band" and results:
            results = [r for r in results if r.band == results[-1].band]
        why: dict[str, list[str]] = {}  # reason → services
        for r in results:
            if r.relative_likelihood is None:
                why.setdefault(r.reason or "not assessed", []).append(SERVICE_NAMES[r.service].lower())
                continue
            rows.append({
                "metric": f"{m.id} {m.title}" + (f" ({r.band})" if r.band else ""), "service": SERVICE_NAMES[r.service],
                "rl": fmt(r.relative_likelihood) + (f" ({ci_text(r.ci95)})" if r.ci95 else " (no CI)"),
                "verdict": verdict(r.assessment, r.ci95),  # type: ignore[arg-type]
                "css": {"worse_for_minority_ethnic": "worse", "better_for_minority_ethnic": "better"}.get(r.assessment or "", ""),
            })
        if why:
            every = len(why) == 1 and len(next(iter(why.values()))) == len(results) == len(SERVICES)
            parts = [("every service" if every else " and ".join(services)) + f": {reason}" for reason, services in why.items()]
            missing.append(f"{m.id} {m.title}" + (f" ({results[0].band})" if results[0].band else "") + " — " + "; ".join(parts) + ".")
    return {"rows": rows, "missing": missing}


def context(report: Report, figures: dict[str, Figure]) -> dict[str, Any]:
    doc = report.current
    threshold = doc.suppression.get("threshold")
    metrics = []
    for m in report.metrics:
        results = report.results(m.id)
        banded = m.kind == "pay_band"
        metrics.append({
            "id": m.id, "title": m.title, "banded": banded,
            "definition": f"Numerator: {m.numerator}. Denominator: {m.denominator}. "
                          f"Worse for minority ethnic staff when the relative likelihood is {DIRECTION_WORDS[m.direction]}"
                          + (" (top pay band only)." if banded else "."),
            "sentences": [r.sentence for r in results],
            "chart": figures[f"rl-{m.id}"],
            "extra_chart": figures.get("pay-bands") if banded else None,
            "columns": ["Service", *(["Pay band"] if banded else []), "Minority ethnic", "White", "Unknown", "Declared",
                        "Relative likelihood", "95% CI", "Assessment"],
            "rows": _rows(results, banded),
        })
    period = doc.period
    if doc.suppression.get("applied"):
        suppression_text = (f"Any count from 1 to {threshold - 1} people is withheld ([c]), with every rate, relative likelihood "
                            "and interval that would reveal it, and enough other counts that none can be worked out by adding "
                            "or subtracting published figures (checked by a linear-programming audit). "
                            f"This year {doc.suppression['counts_suppressed']['primary']} counts were withheld for being small and "
                            f"{doc.suppression['counts_suppressed']['secondary']} more to protect them; "
                            f"{doc.suppression['counts_published']} are published.")
    else:
        suppression_text = "This is an internal report: no figure is withheld. It must not be published."
    declaration = []
    for m in report.metrics:
        r = report.result(m.id, "all", report.results(m.id)[0].band)
        if r is None or r.reason == "not submitted":
            declaration.append((f"{m.id} {m.title}", "not submitted"))
        else:
            declaration.append((f"{m.id} {m.title}", pct(r.declaration_rate) if r.declaration_rate is not None else MARK))
    year = report.year_label()
    return {
        "org": report.organisation,
        "year": year,
        "running_head": f"{report.organisation.name} — SC-WRES {year}" + (" — OFFICIAL-SENSITIVE" if report.internal else ""),
        "internal": report.internal,
        "threshold_text": f"{threshold}" if threshold else "the threshold",
        "period_text": dates.period(period["start"], period["end"]),
        "snapshot": long_date(period["end"]),
        "range_text": f"{fmt(report.range[0])} to {fmt(report.range[1])}",
        "percent_rule": PERCENT_RULE,
        "profile": _profile(report),
        "summary": _summary(report),
        "summary_chart": figures["rl-summary"],
        "metrics": metrics,
        "suppressed_any": any(r.suppressed for r in doc.results),
        "trend": [figures[f"trend-{m.id}"] for m in report.metrics if f"trend-{m.id}" in figures],
        "trend_years": len(report.years),
        "plan": _plan(report),
        "governance_text": governance_text(report),
        "definitions": [(f"{m.id} {m.title}", m.numerator, m.denominator, DIRECTION_WORDS[m.direction] + (" (top band)" if m.kind == "pay_band" else ""))
                        for m in report.metrics],
        "suppression_text": suppression_text,
        "declaration": declaration,
        "warnings": doc.warnings,
        "version": __version__,
    }


def _plan(report: Report) -> dict[str, Any] | None:
    """The action plan by metric, as it stood on the day the report judges it (Report.plan_judgement)."""
    from wres.actions import RAG_ORDER, counts, uncovered

    judged = report.plan_judgement()
    if report.plan is None or judged is None:
        return None
    states = report.plan.as_of(judged.day)
    by_metric = []
    for m in report.metrics:
        mine = [s for s in states if m.id in s.action.metrics]
        if mine:
            by_metric.append({"id": m.id, "title": m.title, "rows": [[
                s.action.id, s.action.action, s.action.owner, long_date(s.action.due), s.status, s.rag.capitalize(),
                f"{long_date(s.latest.date)}: {s.latest.note or s.latest.status}" if s.latest else "none yet",
                ", ".join(s.flags) or "–", s.action.success_measure or "–",
            ] for s in mine]})
    tally = counts(states)
    return {
        "as_at": report.plan.as_at_words,
        "judged": judged.words,
        "month": long_month(judged.day),
        "rag": [(k.capitalize(), tally[k]) for k in RAG_ORDER],
        "by_metric": by_metric,
        "overdue": [f"{s.action.id} ({s.action.owner})" for s in states if s.overdue],
        "stale": [f"{s.action.id} ({s.action.owner})" for s in states if s.stale],
        # only published assessments: a withheld figure's direction is not given away here either
        "uncovered": uncovered(report.plan, report.current.results),
    }


def _css_string(value: str) -> str:
    """A value safe inside a CSS double-quoted string in a <style> element."""
    return re.sub(r'[\\"<>\n\r]', lambda m: "\\" + format(ord(m.group()), "x") + " ", str(value))


def render(report: Report, figures: dict[str, Figure]) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("wres.render", "templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["css_string"] = _css_string
    return env.get_template("report.html.j2").render(**context(report, figures))
