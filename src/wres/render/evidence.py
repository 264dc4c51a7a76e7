"""A result's evidence, what its data could detect and its change from last year, in the words every
renderer prints (the HTML report and its PDF, the workbook, the dashboard): decided here once, from the
figures the document carries (`evidence`, `detectable_rl`, `respondents_needed`, `change`; statistics.md).

Nothing is computed here: the numbers are the engine's, only their words are put together.
"""

from __future__ import annotations

from wres.document import Result
from wres.standards import Standard
from wres.stats import fmt

# The summary's groups, in the order a reader takes them: the document's `evidence` → its heading.
GROUPS: dict[str, str] = {
    "outside_range": "Clearly outside the range",
    "inside_range": "Clearly inside the range",
    "inconclusive": "Not enough evidence either way",
}
# A result whose interval cannot be given (no CI) is not evidence either way.
NO_EVIDENCE = "inconclusive"

# What each value of `evidence` says in a table cell (the workbook, the dashboard).
WORDS: dict[str, str] = {
    "outside_range": "clearly outside the range (the whole 95% CI is outside it)",
    "inside_range": "clearly inside the range (the whole 95% CI is inside it)",
    "inconclusive": "not enough evidence either way (the 95% CI reaches across an edge of the range)",
}

# A difference of percentages has no range: its evidence is whether its 95% CI excludes 0 (stats.difference_evidence).
DIFFERENCE_WORDS: dict[str, str] = {
    "outside_range": "a clear difference (the 95% CI excludes 0)",
    "inconclusive": "not enough evidence either way (the 95% CI includes 0)",
}


def group_of(r: Result) -> str:
    """The summary group a published result belongs to (its `evidence`; no interval: not enough evidence)."""
    return r.evidence if r.evidence in GROUPS else NO_EVIDENCE


def words(r: Result) -> str:
    """The evidence in a cell's words; blank where the result has none (withheld, undefined, not submitted)."""
    return (DIFFERENCE_WORDS if r.statistic == "percentages" else WORDS).get(r.evidence or "", "")


def _who(st: Standard, r: Result) -> tuple[str, int | None, str]:
    """The first-named group's words, its denominator and what it counts (respondents, staff, applicants)."""
    m = st.metric(r.metric)
    first = (r.orientation or st.group_ids[:2])[0]
    group = next((g for g in st.groups if g.id == first), st.focus)
    figures = r.groups.get(first)
    who = "respondents" if m.kind == "survey" else m.subject
    return group.words, figures.denominator if figures else None, who


def advice(st: Standard, r: Result) -> str:
    """What the data could detect, for a result with not enough evidence either way: "With 55 minority ethnic
    respondents, only a gap of 2.30 times or more would show; about 140 responses would be needed to see
    1.25." Blank when the document gives no detectable figure (withheld, undefined)."""
    if r.detectable_rl is None:
        return ""
    m = st.metric(r.metric)
    low, high = st.range
    sides = ["above", "below"] if m.direction is None else [m.direction]
    shown = []
    for side in sides:
        x = r.detectable_rl.get(side)
        if x is None:
            shown.append(f"no gap {'above' if side == 'above' else 'below'} the range could show")
        else:
            shown.append(f"a gap of {fmt(x)} times or more" if side == "above" else f"a relative likelihood of {fmt(x)} or less")
    group, n, who = _who(st, r)
    start = f"With {n:,} {group} {who}" if n is not None else "With these numbers"
    if all(s.startswith("no gap") for s in shown):
        text = f"{start}, " + " and ".join(shown)
    else:
        text = f"{start}, only " + " or ".join(s for s in shown if not s.startswith("no gap")) + " would show"
    if r.respondents_needed is not None and m.direction is not None:
        edge = high if m.direction == "above" else low
        text += f"; about {r.respondents_needed:,} responses would be needed to see {fmt(edge)}"
    return text + "."


def p_text(p: float) -> str:
    """A p-value as a reader takes it: p < 0.001, p = 0.004, p = 0.03."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def change_text(r: Result) -> str:
    """The change from last year in a cell: "1.50 times last year's 0.85 (p = 0.03)"; a stock metric's "(no
    test)" (the document's `change.note` says why). Blank without a previous year's figure."""
    c = r.change
    if not c or c.get("ratio") is None or c.get("previous_rl") is None:
        return ""
    text = f"{fmt(c['ratio'])} times last year's {fmt(c['previous_rl'])}"
    if c.get("p_value") is not None:
        return text + f" ({p_text(c['p_value'])})"
    return text + " (no test)" if c.get("note") else text
