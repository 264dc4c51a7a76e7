"""Relative likelihood, its 95% confidence interval, assessment and wording: pure functions of counts.

The interval is Katz's log method, the one scipy.stats.contingency.relative_risk computes (tests prove
the two agree to 1e-12). It is written out here because importing scipy.stats costs over a second of
start-up, which is most of a 425-staff run; the normal quantile still comes from a library (the
standard library's NormalDist), not a hand-rolled approximation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

from wres.standards import Direction
from wres.standards.sc_wres import NON_ADVERSE_RANGE

Assessment = Literal["worse_for_minority_ethnic", "within_range", "better_for_minority_ethnic"]

Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class Likelihood:
    rl: float | None
    ci95: tuple[float, float] | None
    reason: str | None  # why rl is None


def relative_likelihood(a: int, n1: int, c: int, n2: int, confidence_z: float = Z95) -> Likelihood:
    """RL of minority ethnic (a of n1) against white (c of n2), with Katz's log interval."""
    if n1 == 0 and n2 == 0:
        return Likelihood(None, None, "no minority ethnic or white staff in the denominator")
    if n1 == 0:
        return Likelihood(None, None, "no minority ethnic staff in the denominator")
    if n2 == 0:
        return Likelihood(None, None, "no white staff in the denominator")
    if c == 0:
        return Likelihood(None, None, "the rate for white staff is 0, so there is nothing to compare with")
    rl = (a / n1) / (c / n2)
    if a == 0:
        return Likelihood(rl, None, None)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return Likelihood(rl, (math.exp(math.log(rl) - confidence_z * se), math.exp(math.log(rl) + confidence_z * se)), None)


def assess(rl: float | None, direction: Direction) -> Assessment | None:
    """Against the non-adverse range 0.80–1.25; which side is worse depends on the metric."""
    if rl is None or direction is None:
        return None
    low, high = NON_ADVERSE_RANGE
    if low <= rl <= high:
        return "within_range"
    below = rl < low
    return "worse_for_minority_ethnic" if below == (direction == "below") else "better_for_minority_ethnic"


def fmt(x: float) -> str:
    """Two decimal places for people, without trailing zeros: 1.8, 0.52, 2."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


SERVICE_WORDS = {"adults": "adult social care", "children": "children's social care", "all": "adult and children's social care"}


def sentence(phrase: str, service: str, rl: float | None, ci: tuple[float, float] | None, assessment: Assessment | None, reason: str | None) -> str:
    """One sentence a councillor can read."""
    where = SERVICE_WORDS[service]
    if rl is None:
        return f"In {where} the relative likelihood cannot be calculated: {reason}."
    if round(rl, 2) == 1:
        how = "as likely as white staff"
    else:
        how = f"{fmt(rl)} times as likely as white staff"
    text = f"Minority ethnic staff in {where} were {how} {phrase}"
    if ci:
        text += f" (95% CI {fmt(ci[0])} to {fmt(ci[1])})."
    else:  # rl is 0: Katz's interval needs at least one minority ethnic case
        text += ": none of the minority ethnic staff did, so no confidence interval can be given."
    if assessment == "within_range":
        text += " This is within the non-adverse range (0.80 to 1.25)."
    elif assessment == "worse_for_minority_ethnic":
        text += " This is outside the non-adverse range, to the disadvantage of minority ethnic staff."
    elif assessment == "better_for_minority_ethnic":
        text += " This is outside the non-adverse range, in favour of minority ethnic staff."
    return text
