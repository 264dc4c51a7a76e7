"""The action plan: actions, their monthly updates, and the state of the plan at any month's end.

Status and RAG are derived, never typed twice: an action's status is that of its latest update on or
before the day asked about (else the status it was entered with); RAG follows from the status and the
dates. A month with no update for an action that is not complete is itself flagged (stale). The day a
plan is judged on is chosen in one place (judgement), for the web, `wres actions` and the report alike.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from wres.dates import long_date, long_month
from wres import stats
from wres.standards import Standard
from wres.schema import RAG
from wres.validate import Checked

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
    as_at: date | None = None  # the day the plan was last changed, where that is known (the web service's database)

    @property
    def as_at_words(self) -> str | None:
        """'Action plan as at 3 December 2026': the one phrasing, in every report that knows the day."""
        return f"Action plan as at {long_date(self.as_at)}" if self.as_at else None

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


MONTH_EXAMPLE = "June 2025 or 2025-06"
_MONTH_NAMES = {name.lower(): i for names in (calendar.month_name, calendar.month_abbr) for i, name in enumerate(names) if name} | {"sept": 9}


def month_end(month: str) -> date:
    """The last day of a month written as people write it: '2025-06', 'June 2025', 'Jun 2025', '06/2025'
    → 2025-06-30 (the web's month field and --month read it alike)."""
    text = " ".join(month.strip().split())
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    slash = re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    named = re.fullmatch(r"([A-Za-z]+)\.? (\d{4})", text)
    year, mon = ((int(iso.group(1)), int(iso.group(2))) if iso else (int(slash.group(2)), int(slash.group(1))) if slash
                 else (int(named.group(2)), _MONTH_NAMES.get(named.group(1).lower(), 0)) if named else (0, 0))
    if not year or not 1 <= mon <= 12:
        raise ValueError(f"{month!r} is not a month: write it as YYYY-MM or with the month's name, e.g. {MONTH_EXAMPLE}")
    return date(year, mon, calendar.monthrange(year, mon)[1])


@dataclass(frozen=True)
class Judgement:
    """The day a plan's RAG is judged on, and why that day: every page or output that shows RAG says both."""

    day: date
    why: str  # "today", "the end of March 2025", "the end of the reporting period", …

    @property
    def words(self) -> str:
        """'Judged on 31 March 2025 (the end of the reporting period)': the one phrasing, everywhere."""
        return f"Judged on {long_date(self.day)} ({self.why})"

    @property
    def month(self) -> str:
        """The month judged, as --month and the web's ?month= take it (2025-03)."""
        return f"{self.day:%Y-%m}"


def judgement(plan: Plan | None, period_end: date | str | None = None, month: str | None = None,
              today: date | None = None, *, live: bool = False) -> Judgement:
    """The one rule for the day the plan is judged on (web pages, `wres actions`, the report).

    - A month asked for (--month, ?month=): its last day, or today while it is under way (an action due on
      the 20th is not overdue on the 10th, and an update dated tomorrow has not happened yet).
    - Live (the web's plan pages): today — the plan as it stands, for tracking month by month.
    - Otherwise a snapshot (the report; `wres actions` on a return): the end of the reporting period, or the
      end of the month of the plan's latest update if that is later (a report published in September shows
      the plan as updated since the year end; updates that stopped before the year end do not hide what was
      overdue or not updated at the year end). Never later than today.
    The same plan judged on the same day gives the same RAG wherever it is shown.
    """
    today = today or date.today()
    if month is not None:
        end = month_end(month)
        if end <= today:
            return Judgement(end, f"the end of {long_month(end)}")
        return Judgement(today, f"{long_month(today)} so far" if f"{today:%Y-%m}" == f"{end:%Y-%m}" else "today")
    if live:
        return Judgement(today, "today")
    end = date.fromisoformat(period_end) if isinstance(period_end, str) else period_end
    latest = plan.latest_update if plan else None
    updated = month_end(f"{latest:%Y-%m}") if latest else None
    if end is None and updated is None:
        return Judgement(today, "today")
    if updated is not None and (end is None or updated > end):
        day, why = updated, "the end of the month of the plan's latest update"
    else:
        day, why = end, "the end of the reporting period"  # type: ignore[assignment]
    return Judgement(day, why) if day <= today else Judgement(today, "today")


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


def uncovered(plan: Plan | None, results: Iterable[Any], std: Standard) -> list[str]:
    """Metrics assessed worse for the standard's focus group (minority ethnic staff, BME staff) that no action
    addresses. The standard is the return's and has no default: it decides which assessment is "worse"."""
    worse_for = stats.worse(std)  # the engine's assessment word
    covered = {m for a in (plan.actions if plan else []) for m in a.metrics}
    worse: dict[str, list[str]] = {}
    for r in results:
        if r.assessment == worse_for and r.metric not in covered:
            # "adult social care", "clinical staff"; the total as "both services together", "the whole trust"
            part = std.word("together") if r.service == std.breakdown.total.id else std.breakdown.part(r.service).words
            worse.setdefault(r.metric, []).append(part if not r.band else f"{part}, {r.band}")
    # where, in the standard's words: a metric counted for the whole organisation only needs none
    where = {m: f" ({'; '.join(parts)})" if std.metric(m).breakdown else "" for m, parts in worse.items()}
    return [f"{std.metric(m).short or m} is {_outside(std, m)}{where[m]}, and no action in the plan addresses it" for m in worse]


def _outside(std: Standard, metric: str) -> str:
    """How a metric assessed worse for the focus group is said: a relative likelihood is outside the
    non-adverse range; a difference of percentages has no such range, and is said in the standard's words."""
    statistic = std.metric(metric).statistic
    if statistic == "relative_likelihood":
        return f"outside the non-adverse range, to the disadvantage of {std.focus.words} staff"
    return std.assessment_words(statistic)[stats.worse(std)]


def counts(states: Iterable[ActionState]) -> dict[str, int]:
    tally = {k: 0 for k in RAG_ORDER}
    for s in states:
        tally[s.rag] += 1
    return tally
