"""The metrics document as a table for people at a terminal (`wres metrics`, the default format).

Colour only repeats what the words already say (worse / within / better), so output read without colour
(NO_COLOR, a pipe, a screen reader) loses nothing. Input values are shown as rich Text, never as markup, so a
cell like "[bold]" prints as typed. Words come from the document's standard; the verdicts from the engine.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from wres import dates
from wres.document import Document, Figures, Result
from wres.render.charts import points
from wres.standards import Standard, load
from wres.stats import fmt, pct

SUPPRESSED = "*"
STYLES = ("bold red", "green", "cyan")  # worse, within, better: the order of Standard.assessment_words


def _figures(f: Figures, with_rate: bool = True) -> str:
    n = SUPPRESSED if f.numerator is None else f"{f.numerator:,}"
    d = SUPPRESSED if f.denominator is None else f"{f.denominator:,}"
    rate = f" ({pct(f.rate)})" if with_rate and f.rate is not None else ""
    return f"{n}/{d}{rate}"


def _assessments(st: Standard) -> dict[str, tuple[str, str]]:
    """Each assessment as the table says it, short: "worse for ME", "within range", "better for ME"."""
    short = st.word("focus_short", group=st.focus.label)
    keys = list(st.assessment_words())
    return {keys[0]: (f"worse for {short}", STYLES[0]), keys[1]: ("within range", STYLES[1]), keys[2]: (f"better for {short}", STYLES[2])}


def _no_clear(st: Standard) -> str:
    return st.assessment_words("percentages")["within_range"]


def _figure(r: Result) -> tuple[str, str]:
    """The headline figure and its interval: the RL, or the difference in points; * when withheld."""
    withheld = r.status.startswith("withheld")
    if r.statistic == "relative_likelihood" or r.relative_likelihood is not None:
        rl = "" if r.relative_likelihood is None else fmt(r.relative_likelihood)
        if r.relative_likelihood is None and withheld:
            rl = SUPPRESSED
        return rl, f"{fmt(r.ci95[0])}–{fmt(r.ci95[1])}" if r.ci95 else ""
    if r.difference is None:
        return (SUPPRESSED if withheld else ""), ""
    ci = f"{points(r.difference_ci95[0])}–{points(r.difference_ci95[1])}" if r.difference_ci95 else ""
    return f"{points(r.difference)} pts", ci


def metrics_table(doc: Document, console: Console) -> None:
    st = load(doc.standard_id) if doc.standard_id else load()
    period = dates.period(doc.period["start"], doc.period["end"])
    title = Text(f"{doc.organisation['name']} — {st.name} {period}", style="bold")
    if doc.marking:
        console.print(Text(doc.marking, style="bold reverse red"))
    only_rl = {m.statistic for m in st.metrics} == {"relative_likelihood"}
    table = Table(title=title, show_lines=False, header_style="bold", title_justify="left")
    for col, justify in (
        ("Metric", "left"), (st.word("breakdown_heading"), "left"), ("Band", "left"),
        *((g.label, "right") for g in st.groups), ("Declared", "right"), ("RL" if only_rl else "Figure", "right"),
        ("95% CI", "right"), ("Assessment", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    words = _assessments(st)
    short = {m.id: m.short for m in st.metrics}
    previous: str | None = None
    for r in doc.results:
        metric = short.get(r.metric, r.metric)
        part = st.breakdown.part(r.service).label if r.service in {p.id for p in st.breakdown.all} else r.service
        if r.status == "not_submitted":
            row = [metric, part, Text(r.band or ""), "—", "—", "—", "—", "—", "—", Text("not submitted", style="dim")]
        else:
            figure, ci = _figure(r)
            text, style = words.get(r.assessment or "", ("", ""))
            if r.statistic == "percentages" and r.assessment == "within_range":
                text = _no_clear(st)
            if not figure or figure == SUPPRESSED:  # say why there is no assessment; blank means "not assessed"
                text, style = ("suppressed" if r.status.startswith("withheld") else "undefined"), "dim"
            if r.statistic == "representation":
                figure, ci = (f"{points(r.difference)} pts" if r.difference is not None else SUPPRESSED if r.status.startswith("withheld") else ""), ""
                text, style = (r.verdict if r.difference is not None else text), "dim"
            row = [
                metric, part, Text(r.band or ""), _figures(r.focus), _figures(r.reference),
                _figures(r.unknown, with_rate=False),
                "" if r.declaration_rate is None else pct(r.declaration_rate),
                figure, ci, Text(text, style=style),
            ]
        if previous is not None and previous != r.metric:
            table.add_section()
        table.add_row(*row)
        previous = r.metric
    console.print(table)
    groups = {g.id: g.words for g in st.groups}
    rl = [m for m in st.metrics if m.statistic == "relative_likelihood"]
    first = next((r for r in doc.results if r.orientation), None)
    whose = " ÷ ".join(groups[g] for g in (first.orientation if first and first.orientation else st.group_ids[:2]))
    if len({m.orientation for m in rl}) > 1:
        whose = "as each indicator states it (" + "; ".join(
            f"{m.short}: {' ÷ '.join(groups[g] for g in next((r.orientation for r in doc.results if r.metric == m.id and r.orientation), st.group_ids[:2]))}"
            for m in rl) + ")"
    low, high = st.range
    notes = [f"Numerator/denominator (rate). RL = relative likelihood, {whose}; non-adverse range {fmt(low)}–{fmt(high)}."]
    if not only_rl:
        notes.append(f"pts = difference in percentage points, {st.focus.words} minus {st.reference.words} (percentages; representation: "
                     "the share of the band minus the share of the workforce).")
    if doc.suppression.get("applied"):
        notes.append(f"{SUPPRESSED} withheld: a count under {doc.suppression['threshold']}, or one from which such a count could be worked out.")
    for n in notes:
        console.print(Text(n, style="dim"))
    for w in doc.warnings:
        console.print(Text("warning: ", style="yellow bold") + Text(w))


def show(doc: Document, console: Console) -> None:
    metrics_table(doc, console)
