"""The report as one self-contained, accessible HTML page (charts inlined as SVG), also the PDF's source.

Jinja2 escapes every value from the input, so a name like `<script>` is shown, never run.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wres import __version__, dates
from wres.dates import long_date, long_month
from wres.document import Figures, Result
from wres.render import evidence
from wres.render.charts import Chart, difference_text, points
from wres.report import Report
from wres.standards import MetricDef
from wres.stats import PERCENT_RULE, ci_text, fmt, pct

if TYPE_CHECKING:
    from markupsafe import Markup

    from wres.render.report_set import Files

MARK = "[c]"  # withheld: the Office for National Statistics' mark for a confidential cell


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


def missing_mark(r: Result) -> str:
    """What stands in for a figure that is not shown: [c] withheld by disclosure control, – cannot be given
    (the engine's status says which; the workbook prints the same)."""
    return MARK if r.status.startswith("withheld") else "–"


def _headline(r: Result) -> tuple[str, str]:
    """The result's headline figure and its 95% CI as cells: the RL, or the difference in points."""
    if r.statistic == "percentages":
        if r.difference is None:
            return missing_mark(r), missing_mark(r) if r.status.startswith("withheld") else ""
        ci = f"{points(r.difference_ci95[0])} to {points(r.difference_ci95[1])}" if r.difference_ci95 else "–"
        return points(r.difference), ci
    if r.relative_likelihood is None:
        return missing_mark(r), missing_mark(r) if r.status.startswith("withheld") else ""
    return fmt(r.relative_likelihood), ci_text(r.ci95) if r.ci95 else "–"


def _share(r: Result, shares: dict[str, float | None] | None, gid: str) -> str:
    value = (shares or {}).get(gid)
    return pct(value) if value is not None else missing_mark(r)


def _rows(report: Report, m: MetricDef, results: list[Result], banded: bool) -> list[list[str]]:
    """The metric's table: one row per part (and band), the cells as its statistic shows them."""
    ids = report.standard.group_ids
    rows = []
    for r in results:
        head = [report.part_label(r.service), *([r.band or ""] if banded else [])]
        if r.status == "not_submitted":
            width = 5 if m.statistic == "representation" else 7
            rows.append([*head, "not submitted", *[""] * width])
            continue
        if m.statistic == "representation":
            gap = points(r.difference) + " points" if r.difference is not None else missing_mark(r)
            rows.append([*head, *(f"{r.groups[g].numerator:,} ({_share(r, r.shares, g)})" if r.groups[g].numerator is not None
                                  else _count(None, r) for g in ids),
                         _count(r.total.numerator, r), _share(r, r.workforce_shares, ids[0]), gap])
            continue
        figure, ci = _headline(r)
        declared = pct(r.declaration_rate) if r.declaration_rate is not None else (MARK if r.suppressed else "–")
        rows.append([*head, _group(r.focus, r), _group(r.reference, r), _group(r.unknown, r, with_rate=False), declared,
                     figure, ci, r.verdict])
    return rows


def _columns(report: Report, m: MetricDef, banded: bool) -> list[str]:
    st = report.standard
    head = [st.word("breakdown_heading"), *(["Pay band" if m.kind == "pay_band" else "Group"] if banded else [])]
    labels = [g.label for g in st.groups]
    if m.statistic == "representation":
        return [*head, *(f"{g} (share)" for g in labels), "All", f"{labels[0]} share of the workforce", "Difference"]
    rl = "Relative likelihood" + (f" ({orientation(report, m)})" if _mixed(report) else "")
    figure = ["Difference (points)", "95% CI"] if m.statistic == "percentages" else [rl, "95% CI"]
    return [*head, *labels, "Declared", *figure, "Assessment"]


def direction_words(report: Report, m: MetricDef) -> str:
    """Which side of the range is worse for the focus group: "below the range (under 0.80)"."""
    low, high = report.range
    return {"below": f"below the range (under {fmt(low)})", "above": f"above the range (over {fmt(high)})"}.get(m.direction or "", "not assessed")


def _mixed(report: Report) -> bool:
    """The standard divides some relative likelihoods the other way round (NHS WRES 2 and 4): each says whose."""
    return any(m.orientation != "focus" for m in report.metrics if m.statistic == "relative_likelihood")


def orientation(report: Report, m: MetricDef) -> str:
    """Whose rate is divided by whose in a metric's relative likelihood: "white ÷ BME"."""
    groups = {g.id: g for g in report.standard.groups}
    r = next((x for x in report.results(m.id) if x.orientation), None)
    num, den = r.orientation if r and r.orientation else report.standard.group_ids[:2]
    return f"{groups[num].words} ÷ {groups[den].words}"


def definition(report: Report, m: MetricDef) -> str:
    """What a metric counts and how it is read, for its section and the method's table."""
    st = report.standard
    text = f"Numerator: {m.numerator}. Denominator: {m.denominator}. "
    focus = st.focus.words
    if m.statistic == "relative_likelihood":
        worse = direction_words(report, m)
        if _mixed(report):
            text += f"Relative likelihood = {orientation(report, m)}. "
        text += f"Worse for {focus} staff when the relative likelihood is {worse}" + (" (top pay band only)." if m.assess_bands == "top" and m.kind == "pay_band" else ".")
    elif m.statistic == "percentages":
        side = "higher" if m.direction == "above" else "lower"
        text += (f"The {focus} percentage and the {st.reference.words} percentage side by side, and their difference in percentage points "
                 f"with its 95% confidence interval; worse for {focus} staff when the {focus} percentage is {side} and the interval excludes 0.")
    else:
        text += f"Each group's share of the staff in each {'band' if m.kind == 'pay_band' else 'group'} beside its share of the whole workforce, as figures (not assessed)."
    return text


def _sponsors(report: Report) -> list[tuple[str, str]]:
    s = report.organisation.sponsors
    if isinstance(s, dict):
        labels = {p.id: p.words for p in report.parts}
        return [(f"Senior sponsor, {labels.get(k, k).lower()}", v) for k, v in s.items()]
    return [("Senior sponsor", s)] if s else []


def governance_text(report: Report) -> str:
    """How the plan was agreed and is monitored, from organisation.toml [governance], in the seed's words."""
    g = report.organisation.governance
    if g is None:  # the analyst's internal report says where to say it; a published one, only that it is not said
        return ("organisation.toml does not yet say how the action plan is agreed and monitored ([governance])." if report.internal
                else "This return does not say how the action plan is agreed and monitored.")
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
    org, st = report.organisation, report.standard
    rows = [(st.word("organisation_heading"), org.name)]
    if org.code:
        rows.append((st.word("code_heading"), org.code))
    rows += _sponsors(report)
    if org.programme_lead:
        rows.append(("Programme lead", org.programme_lead))
    if org.staff_voice_lead:
        rows.append(("Staff voice lead", org.staff_voice_lead))
    head = report.headcount
    rows.append((st.word("headcount_heading"), st.word("headcount", n=f"{head:,}") if head is not None else f"{MARK} (withheld)"))
    rows.append(("Agreement and monitoring", governance_text(report)))
    return rows


def _figure_text(report: Report, r: Result) -> str:
    """A summary row's figure: the RL with its CI, or both percentages and their difference with its CI."""
    if r.statistic == "percentages":
        st = report.standard
        return (f"{st.focus.label} {pct(r.focus.rate)}, {st.reference.words} {pct(r.reference.rate)}: "  # type: ignore[arg-type]
                f"{difference_text(r)}")
    whose = f", {orientation(report, report.standard.metric(r.metric))}" if _mixed(report) else ""
    return fmt(r.relative_likelihood) + (f" ({ci_text(r.ci95)})" if r.ci95 else " (no CI)") + whose  # type: ignore[arg-type]


def _summary(report: Report) -> dict[str, Any]:
    """The year at a glance: a row per published relative likelihood or difference (a banded metric: its
    assessed band) with the engine's verdict, one line per metric for the results that are withheld or not
    available, saying why, and the representation figures' sentences (the whole organisation)."""
    st = report.standard
    focus = st.focus.id
    css = {f"worse_for_{focus}": "worse", f"better_for_{focus}": "better"}
    parts = len(report.parts)
    rows, missing, shares = [], [], []
    for m in report.metrics:
        results = report.headline(m)
        if m.statistic == "representation":
            shares += [r.sentence for r in results if r.service == st.breakdown.total.id and not m.kind == "pay_band"]
            continue
        why: dict[str, list[str]] = {}  # reason → parts
        for r in results:
            if r.status != "published":
                why.setdefault(r.reason or "not assessed", []).append(report.part_label(r.service).lower())
                continue
            group = evidence.group_of(r)
            rows.append({
                "metric": f"{m.short} {m.title}" + (f" ({r.band})" if r.band else ""), "service": report.part_label(r.service),
                "rl": _figure_text(report, r), "verdict": r.verdict, "css": css.get(r.assessment or "", ""),
                "evidence": group, "advice": evidence.advice(st, r) if group == "inconclusive" else "",
            })
        if why:
            every = len(why) == 1 and len(next(iter(why.values()))) == len(results) == parts and parts > 1
            reasons = [(f"every {st.word('breakdown_heading').lower()}" if every else " and ".join(services)) + f": {reason}" for reason, services in why.items()]
            missing.append(f"{m.short} {m.title}" + (f" ({results[0].band})" if results[0].band else "") + " — " + "; ".join(reasons) + ".")
    statistics = {m.statistic for m in report.metrics}
    groups = [{"id": key.replace("_", "-"), "heading": heading, "rows": [x for x in rows if x["evidence"] == key],
               "advice": key == "inconclusive"} for key, heading in evidence.GROUPS.items()]
    return {"rows": rows, "groups": groups, "missing": missing, "shares": shares,
            "heading": "Relative likelihood (95% CI)" if statistics == {"relative_likelihood"} else "Figure (95% CI)",
            "nowrap": statistics == {"relative_likelihood"}}  # a figure of two percentages and a difference wraps


def _method(report: Report) -> dict[str, Any]:
    """The method section's words for what this standard computes (its statistics, orientation and choices)."""
    st = report.standard
    statistics = {m.statistic for m in report.metrics}
    rl = [m for m in report.metrics if m.statistic == "relative_likelihood"]
    mixed = _mixed(report)
    return {
        "focus": st.focus.words, "reference": st.reference.words,
        "focus_includes": st.word("focus_includes"), "reference_includes": st.word("reference_includes"),
        "scope": st.word("staff_scope", snapshot=long_date(report.current.period["end"])),
        "events": st.word("events_scope"),
        "rl": bool(rl),
        "orientation": "; ".join(f"{m.short} {orientation(report, m)}" for m in rl) if mixed else "",
        "percentages": "percentages" in statistics,
        "representation": "representation" in statistics,
        "choices": list(st.method),
        "only_rl": statistics == {"relative_likelihood"},
    }


def _sentences(m: MetricDef, results: list[Result], banded: bool) -> list[str]:
    """The engine's sentences under a metric's heading. Shares by band and part (NHS WRES indicator 1: some
    fifty figures) give those published, and one line for the rest, which the table marks."""
    if not (banded and m.statistic == "representation"):
        return [r.sentence for r in results]
    shown = [r.sentence for r in results if r.status == "published"]
    withheld = sum(r.status.startswith("withheld") for r in results)
    other = len(results) - len(shown) - withheld
    rest = [f"{n} {'figure is' if n == 1 else 'figures are'} {why}" for n, why in (
        (withheld, "withheld to protect small numbers ([c] in the table)"), (other, "not available (– in the table)")) if n]
    return shown + ([" and ".join(rest) + "."] if rest else [])


def _shares(report: Report, results: list[Result]) -> dict[str, Any] | None:
    """The focus group's share of the metric's people beside its share of the workforce and of the local
    population (SC-WRES M9: senior managers), as the document gives it (the workbook shows the same)."""
    with_shares = [r for r in results if r.representation is not None]
    if not with_shares:
        return None
    st = report.standard

    def cell(r: Result, key: str) -> str:
        value = (r.representation or {}).get(key)
        return pct(value) if value is not None else MARK if r.suppressed and key != "local_population" else "–"

    return {"caption": f"{st.focus.label} share", "columns": [st.word("breakdown_heading"), f"Of {st.word('representation_subset')}",
                                                             "Of the whole workforce", "Of the local population (census)"],
            "rows": [[report.part_label(r.service), *(cell(r, k) for k in ("senior_managers", "workforce", "local_population"))]
                     for r in with_shares]}


def context(report: Report, figures: dict[str, Figure]) -> dict[str, Any]:
    doc = report.current
    st = report.standard
    threshold = doc.suppression.get("threshold")
    metrics = []
    for m in report.metrics:
        results = report.results(m.id)
        banded = any(r.band for r in results)
        chart = {"relative_likelihood": "rl", "percentages": "difference", "representation": "shares"}[m.statistic]
        metrics.append({
            "id": m.short.replace(" ", "-"), "title": f"{m.short} {m.title}", "banded": banded,
            "definition": definition(report, m),
            "sentences": _sentences(m, results, banded),
            "chart": figures.get(f"{chart}-{m.id}"),
            "extra_chart": figures.get("pay-bands") if m.kind == "pay_band" and m.statistic == "relative_likelihood" else None,
            "columns": _columns(report, m, banded),
            "rows": _rows(report, m, results, banded),
            "shares": _shares(report, results),
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
    total = st.breakdown.total.id
    for m in report.metrics:
        r = next((x for x in report.results(m.id) if x.service == total), None)
        if r is None or r.status == "not_submitted":
            declaration.append((f"{m.short} {m.title}", "not submitted"))
        else:
            declaration.append((f"{m.short} {m.title}", pct(r.declaration_rate) if r.declaration_rate is not None else MARK))
    year = report.year_label()
    return {
        "org": report.organisation,
        "year": year,
        "standard": st,
        "report_title": st.word("report_title"),
        "running_head": f"{report.organisation.name} — {st.name} {year}" + (" — OFFICIAL-SENSITIVE" if report.internal else ""),
        "internal": report.internal,
        "threshold_text": f"{threshold}" if threshold else "the threshold",
        "period_text": dates.period(period["start"], period["end"]),
        "snapshot": long_date(period["end"]),
        "range_text": f"{fmt(report.range[0])} to {fmt(report.range[1])}",
        "percent_rule": PERCENT_RULE,
        "profile": _profile(report),
        "summary": _summary(report),
        "summary_chart": figures.get("rl-summary"),
        "difference_chart": figures.get("difference-summary"),
        "metrics": metrics,
        "suppressed_any": any(r.suppressed for r in doc.results),
        "trend": [{"chart": figures[f"trend-{m.id}"], "change": _changes(report, m)} for m in report.metrics if f"trend-{m.id}" in figures],
        "trend_years": len(report.years),
        "plan": _plan(report),
        "governance_text": governance_text(report),
        "definitions": [(f"{m.short} {m.title}", m.numerator, m.denominator, _definition_cell(report, m)) for m in report.metrics],
        "method": _method(report),
        "suppression_text": suppression_text,
        "declaration": declaration,
        "warnings": doc.warnings,
        "version": __version__,
    }


def _changes(report: Report, m: MetricDef) -> dict[str, Any] | None:
    """A metric's change from last year, part by part (its headline band): last year's RL, this year's, their
    ratio and, for an event metric, the test's p; a stock metric's note (the document's) says why it has none."""
    if len(report.years) < 2 or m.statistic != "relative_likelihood":
        return None
    rows, notes, without = [], [], []
    for r in report.headline(m):
        c = r.change
        if not c or c.get("ratio") is None:  # a year's figure withheld or not defined: said below the table, not left out unsaid
            without.append(("this" if r.relative_likelihood is None else "last", report.part_label(r.service).lower()))
            continue
        p = c.get("p_value")
        rows.append([report.part_label(r.service) + (f" ({r.band})" if r.band else ""), fmt(c["previous_rl"]),
                     fmt(r.relative_likelihood), fmt(c["ratio"]),  # type: ignore[arg-type]
                     evidence.p_text(p) if p is not None else "no test"])
        if c.get("note") and c["note"] not in notes:
            notes.append(c["note"])
    if not rows:
        return None
    for year in ("last", "this"):
        parts = [part for y, part in without if y == year]
        if parts:
            notes.append(f"No change is shown for {' and '.join(parts)}: {year} year's relative likelihood is withheld or cannot be calculated.")
    return {"caption": f"{m.short} {m.title}: change from {report.year_label(len(report.years) - 2)} to {report.year_label()}",
            "columns": [report.standard.word("breakdown_heading"), report.year_label(len(report.years) - 2), report.year_label(),
                        "Change (ratio)", "Test of change"],
            "rows": rows, "notes": notes}


def _definition_cell(report: Report, m: MetricDef) -> str:
    """The method table's last column: when the figure is worse for the focus group."""
    if m.statistic == "relative_likelihood":
        return direction_words(report, m) + (" (top band)" if m.kind == "pay_band" and m.assess_bands == "top" else "")
    if m.statistic == "percentages":
        return ("the percentage is higher" if m.direction == "above" else "the percentage is lower") + ", and the interval excludes 0"
    return "not assessed (figures only)"


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
            by_metric.append({"id": m.short, "title": m.title, "rows": [[
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
        "uncovered": uncovered(report.plan, report.current.results, report.standard),
    }


def _css_string(value: str) -> Markup:
    """A value safe inside a CSS double-quoted string in a <style> element: CSS escapes for what could end
    the string or the element, and no HTML escapes, which a <style> element does not decode (an "&" would
    print as "&amp;" in every page's running head)."""
    from markupsafe import Markup

    return Markup(re.sub(r'[\\"<>&\'\n\r]', lambda m: "\\" + format(ord(m.group()), "x") + " ", str(value)))


def write(files: Files, path: Path) -> None:
    """report.html of the report set: the page the report set rendered once (the PDF is laid out from it)."""
    path.write_text(files.html, encoding="utf-8")


def render(report: Report, figures: dict[str, Figure]) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("wres.render", "templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["css_string"] = _css_string
    return env.get_template("report.html.j2").render(**context(report, figures))
