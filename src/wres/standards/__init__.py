"""Standards as data: each is a table of metric definitions the engine reads, never branches on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["below", "above"] | None
"""Which side of the non-adverse range is worse for minority ethnic staff (None: no assessment)."""

CountKind = Literal["pay_band", "staff_flag", "staff_event", "recruitment", "survey"]
"""How counts.py reduces records to this metric's numerator and denominator."""


@dataclass(frozen=True)
class MetricDef:
    id: str
    title: str
    kind: CountKind
    source: str  # the file (stem) the numerator comes from
    numerator: str  # in words, for the method section and the docs
    denominator: str
    direction: Direction
    phrase: str  # completes "Minority ethnic staff … were 1.8 times as likely as white staff {phrase}"
    column: str | None = None  # the staff flag or survey question the count reads
    denominator_flag: str | None = None  # a staff flag that narrows the headcount (M4: registered)
    subject: str = "staff"  # who the sentence speaks of: staff, applicants
    denominator_key: str | None = None  # metrics sharing a key share one denominator (the staff headcount)
    # Which count is small, when a result is withheld for one: "fewer than 10 {…}", {group} being "minority
    # ethnic" or "white" (and {band} M1's band). Said of the numerator and of the denominator.
    small_numerator: str = "{group} staff were counted"
    small_denominator: str = "{group} staff were in the headcount"


@dataclass(frozen=True)
class PayBand:
    label: str
    below: float | None  # upper bound (exclusive, FTE GBP); None for the top band


def metric(standard: tuple[MetricDef, ...], metric_id: str) -> MetricDef:
    for m in standard:
        if m.id == metric_id:
            return m
    raise KeyError(metric_id)
