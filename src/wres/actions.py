"""The action plan: actions, their monthly updates, and the state of the plan at any month's end.

Status and RAG are derived, never typed twice: an action's status is that of its latest update on or
before the day asked about (else the status it was entered with); RAG follows from the status and the
dates. A month with no update for an action that is not complete is itself flagged (stale).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from wres.validate import Checked

RAG = {"complete": "complete", "on track": "green", "at risk": "amber", "off track": "red", "not started": "not started"}
RAG_ORDER = ("red", "amber", "green", "not started", "complete")


@dataclass(frozen=True)
class Action:
    id: str
    metrics: tuple[str, ...]
    action: str
    owner: str
    due: date
    status: str  # as entered in actions.csv
    success_measure: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Update:
    action_id: str
    date: date
    status: str
    note: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class ActionState:
    """One action as it stood on a day."""

    action: Action
    status: str
    rag: str  # red, amber, green, not started, complete
    overdue: bool
    stale: bool  # no update in the month asked about (and not complete)
    latest: Update | None

    @property
    def flags(self) -> list[str]:
        return [f for f, on in (("overdue", self.overdue), ("no update this month", self.stale)) if on]


@dataclass
class Plan:
    actions: list[Action]
    updates: list[Update]

    @property
    def latest_update(self) -> date | None:
        return max((u.date for u in self.updates), default=None)

    def as_of(self, day: date) -> list[ActionState]:
        """Every action as it stood at the end of `day`."""
        month_start = day.replace(day=1)
        by_action: dict[str, list[Update]] = {}
        for u in sorted(self.updates, key=lambda u: u.date):
            if u.date <= day:
                by_action.setdefault(u.action_id, []).append(u)
        states = []
        for a in self.actions:
            history = by_action.get(a.id, [])
            latest = history[-1] if history else None
            status = latest.status if latest else a.status
            overdue = a.due < day and status != "complete"
            stale = status != "complete" and (latest is None or latest.date < month_start)
            rag = "red" if overdue else RAG[status]
            states.append(ActionState(a, status, rag, overdue, stale, latest))
        return states


def month_end(month: str) -> date:
    """'2025-06' → 2025-06-30."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", month.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"{month!r} is not a month: write it as YYYY-MM, e.g. 2025-06")
    year, mon = int(m.group(1)), int(m.group(2))
    return date(year, mon, calendar.monthrange(year, mon)[1])


def judged_on(month: str, today: date | None = None) -> date:
    """The day a month's plan is judged on: its last day, or today while the month is under way (an action
    due on the 20th is not overdue on the 10th, and an update dated tomorrow has not happened yet)."""
    return min(month_end(month), today or date.today())


def load(chk: Checked) -> Plan | None:
    """The plan from a validated return's typed tables (None when the return has no actions.csv)."""
    if "actions" not in chk.typed:
        return None
    con = chk.ret.con
    actions = [
        Action(i, tuple(m.split(";")), text, owner, due, status, measure, note)
        for i, m, text, owner, due, status, measure, note in con.execute(
            "SELECT action_id, metrics, action, owner, due, status, success_measure, note FROM t_actions ORDER BY _row"
        ).fetchall()
    ]
    updates = []
    if "action_updates" in chk.typed:
        updates = [Update(*row) for row in con.execute(
            'SELECT action_id, date, status, note, "by" FROM t_action_updates ORDER BY date, _row').fetchall()]
    return Plan(actions, updates)


def uncovered(plan: Plan | None, results: Iterable[Any]) -> list[str]:
    """Metrics outside the non-adverse range (worse for minority ethnic staff) that no action addresses."""
    covered = {m for a in (plan.actions if plan else []) for m in a.metrics}
    worse: dict[str, list[str]] = {}
    for r in results:
        if r.assessment == "worse_for_minority_ethnic" and r.metric not in covered:
            worse.setdefault(r.metric, []).append(r.service if not r.band else f"{r.service}, {r.band}")
    return [f"{m} is outside the non-adverse range, to the disadvantage of minority ethnic staff ({', '.join(where)}), "
            "and no action in the plan addresses it" for m, where in worse.items()]


def counts(states: Iterable[ActionState]) -> dict[str, int]:
    tally = {k: 0 for k in RAG_ORDER}
    for s in states:
        tally[s.rag] += 1
    return tally
