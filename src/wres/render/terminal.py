"""Rich tables and problem lists for people at a terminal.

Colour only repeats what the words already say (worse / within / better, error / warning), so output
read without colour (NO_COLOR, a pipe, a screen reader) loses nothing. Input values are shown as
rich Text, never as markup, so a cell like "[bold]" prints as typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from wres import dates
from wres.disclosure import Audit
from wres.problems import Problem
from wres.standards import Standard

if TYPE_CHECKING:
    from wres.actions import Judgement

def problems(items: list[Problem], console: Console) -> None:
    """Errors first, then warnings; each with where, what, and how to fix."""
    ordered = [p for p in items if p.severity == "error"] + [p for p in items if p.severity == "warning"]
    for p in ordered:
        mark = Text("✗ error   ", style="bold red") if p.severity == "error" else Text("! warning ", style="bold yellow")
        console.print(mark + Text(p.where, style="bold") + Text(": " + p.message))
        if p.fix:
            console.print(Text("          how to fix: ", style="dim") + Text(p.fix))
    n_err = sum(p.severity == "error" for p in items)
    n_warn = len(items) - n_err
    summary = f"{n_err} error{'s' if n_err != 1 else ''}, {n_warn} warning{'s' if n_warn != 1 else ''}"
    console.print(Text(summary, style="bold red" if n_err else "bold green"))


def audit(result: Audit, threshold: int, console: Console) -> None:
    """Each leak as a person would say it: which count, and what a reader can tell about it."""
    for leak in result.leaks:
        table, metric, service, band, group, kind = leak.cell
        where = " ".join(x for x in (metric, service, band, group.replace("_", " "), kind) if x)  # the document's own ids
        prefix = "" if table in ("doc", "national") else f"{table.removeprefix('region:')}: "
        if leak.low == leak.high:
            text = f"{prefix}{where} is {leak.low:g}: a count under {threshold} that can be read or worked out exactly"
        else:
            text = f"{prefix}{where} is hidden, but must lie between {leak.low:g} and {leak.high:g}: under {threshold}"
        console.print(Text("✗ leak ", style="bold red") + Text(text))
    if result.leaks:
        console.print(Text(f"{len(result.leaks)} leak(s) in {result.hidden} hidden and {result.published} published counts.", style="bold red"))
    else:
        console.print(Text(
            f"No leak: each of the {result.hidden} hidden counts could be {threshold} or more given the {result.published} published ones.",
            style="bold green",
        ))


RAG_STYLE = {"red": "bold red", "amber": "bold yellow", "green": "green", "not started": "dim", "complete": "cyan"}


def action_plan(org_name: str, states: list, judged: Judgement, uncovered: list[str], console: Console,
                standard: Standard) -> None:
    """The plan as a steering group reads it: RAG counts, then by metric, then what needs attention."""
    from wres.actions import RAG_ORDER, counts

    metrics = standard.metrics

    console.print(Text(f"Action plan — {org_name}", style="bold"))
    console.print(Text(f"{judged.words}. Another month: --month 2025-06 (or June 2025)."))
    tally = counts(states)
    line = Text("RAG: ")
    for i, k in enumerate(RAG_ORDER):
        line += Text(f"{k.capitalize()} {tally[k]}", style=RAG_STYLE[k]) + Text(" · " if i < len(RAG_ORDER) - 1 else "")
    console.print(line)
    for m in metrics:
        mine = [s for s in states if m.id in s.action.metrics]
        if not mine:
            continue
        table = Table(title=Text(f"{m.short} {m.title}", style="bold"), title_justify="left", header_style="bold", show_lines=False)
        for col in ("ID", "Action", "Owner", "Due", "Status", "RAG", "Latest update", "Flags"):
            table.add_column(col, overflow="fold")
        for s in mine:
            latest = f"{dates.long_date(s.latest.date)}: {s.latest.note or ''}".strip() if s.latest else "none yet"
            table.add_row(Text(s.action.id), Text(s.action.action), Text(s.action.owner), dates.long_date(s.action.due), Text(s.status),
                          Text(s.rag, style=RAG_STYLE[s.rag]), Text(latest), Text(", ".join(s.flags), style="bold red" if s.flags else ""))
        console.print(table)
    for label, chosen in (("Overdue", [s for s in states if s.overdue]), (f"No update in {dates.long_month(judged.day)}", [s for s in states if s.stale])):
        if chosen:
            console.print(Text(f"{label}: ", style="bold red") + Text(", ".join(f"{s.action.id} ({s.action.owner})" for s in chosen)))
    for u in uncovered:
        console.print(Text("! ", style="bold yellow") + Text(u))


def suggestions(found: list, plan: object, console: Console, standard: Standard) -> None:
    """Evidence-informed actions for each metric outside the range, with where each idea comes from."""
    if not found:
        console.print(f"No metric is outside the non-adverse range to the disadvantage of {standard.focus.words} staff.")
        return
    for metric, where, entries in found:
        console.print(Text(where, style="bold"))
        for e in entries:
            console.print(Text("  • ") + Text(e.action))
            console.print(Text("    why: ", style="dim") + Text(e.why))
            console.print(Text("    measure: ", style="dim") + Text(e.success_measure))
            console.print(Text("    source: ", style="dim") + Text(e.source))
