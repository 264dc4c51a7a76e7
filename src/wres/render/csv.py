"""The metrics document flattened to one CSV row per result, for spreadsheets (`wres metrics --format csv`).

The columns are named by the standard's group ids (the focus group's numerator first …), so the same
document always gives the same header; a standard with statistics beyond the relative likelihood adds their
columns (statistic, status, difference and its interval, the focus group's shares), which an SC-WRES file
never has. Every cell passes through the engine's one CSV rule (output.csv_cell).
"""

from __future__ import annotations

import csv
import io

from rich.console import Console

from wres.document import Document, Result
from wres.output import csv_cell
from wres.standards import Standard, load



def columns(st: Standard) -> tuple[str, ...]:
    """The header for a document of this standard."""
    focus, ref, unknown = st.group_ids
    base = (
        "metric", "title", "service", "band",
        f"{focus}_numerator", f"{focus}_denominator", f"{focus}_rate",
        f"{ref}_numerator", f"{ref}_denominator", f"{ref}_rate",
        f"{unknown}_numerator", f"{unknown}_denominator", "declaration_rate",
        "relative_likelihood", "ci95_low", "ci95_high", "assessment", "suppressed", "reason", "sentence",
    )
    return base + _extra(st)


def _extra(st: Standard) -> tuple[str, ...]:
    statistics = {m.statistic for m in st.metrics}
    if statistics == {"relative_likelihood"}:
        return ()
    focus = st.focus.id
    return ("statistic", "status", "verdict", "difference", "difference_ci95_low", "difference_ci95_high",
            f"{focus}_share", f"{focus}_workforce_share")


def _row(st: Standard, r: Result) -> list[object]:
    ci = r.ci95 or (None, None)
    row: list[object] = [
        r.metric, r.title, r.service, r.band,
        r.focus.numerator, r.focus.denominator, r.focus.rate,
        r.reference.numerator, r.reference.denominator, r.reference.rate,
        r.unknown.numerator, r.unknown.denominator, r.declaration_rate,
        r.relative_likelihood, ci[0], ci[1], r.assessment, r.suppressed, r.reason, r.sentence,
    ]
    if _extra(st):
        dci = r.difference_ci95 or (None, None)
        focus = st.focus.id
        row += [r.statistic, r.status, r.verdict, r.difference, dci[0], dci[1],
                (r.shares or {}).get(focus), (r.workforce_shares or {}).get(focus)]
    return row


def render(doc: Document) -> str:
    st = load(doc.standard_id)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if doc.marking:
        w.writerow([f"# {doc.marking}"])
    w.writerow(columns(st))
    for r in doc.results:
        w.writerow(csv_cell(v) for v in _row(st, r))
    return buf.getvalue()


def show(doc: Document, console: Console) -> None:
    console.file.write(render(doc))
