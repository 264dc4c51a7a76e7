"""Relative likelihood, its 95% confidence interval, assessment and wording: pure functions of counts.

The interval is Katz's log method, the one scipy.stats.contingency.relative_risk computes (tests prove
the two agree to 1e-12). It is written out here because importing scipy.stats costs over a second of
start-up, which is most of a 425-staff run; the normal quantile still comes from a library (the
standard library's NormalDist), not a hand-rolled approximation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
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
    exact: Fraction | None = None  # RL as a ratio of whole numbers: assessed without rounding error


def relative_likelihood(a: int, n1: int, c: int, n2: int, subject: str = "staff", confidence_z: float = Z95) -> Likelihood:
    """RL of minority ethnic (a of n1) against white (c of n2), with Katz's log interval."""
    if n1 == 0 and n2 == 0:
        return Likelihood(None, None, f"there are no minority ethnic or white {subject} in the denominator")
    if n1 == 0:
        return Likelihood(None, None, f"there are no minority ethnic {subject} in the denominator")
    if n2 == 0:
        return Likelihood(None, None, f"there are no white {subject} in the denominator")
    if c == 0:
        return Likelihood(None, None, f"the rate for white {subject} is 0, so there is nothing to compare with")
    exact = Fraction(a * n2, n1 * c)
    rl = float(exact)
    if a == 0 or a > n1 or c > n2:  # Katz's interval needs a case, and proportions
        return Likelihood(rl, None, None, exact)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    ci = (math.exp(math.log(rl) - confidence_z * se), math.exp(math.log(rl) + confidence_z * se))
    return Likelihood(rl, ci, None, exact)


def assess(rl: Fraction | float | None, direction: Direction) -> Assessment | None:
    """Against the non-adverse range 0.80–1.25 (ends included); which side is worse depends on the metric."""
    if rl is None or direction is None:
        return None
    low, high = (Fraction(str(x)) for x in NON_ADVERSE_RANGE)
    if low <= rl <= high:
        return "within_range"
    below = rl < low
    return "worse_for_minority_ethnic" if below == (direction == "below") else "better_for_minority_ethnic"


def fmt(x: float) -> str:
    """Two decimal places for people, without trailing zeros: 1.8, 0.52, 2."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


SERVICE_WORDS = {"adults": "adult social care", "children": "children's social care", "all": "adult and children's social care"}


def sentence(
    title: str, phrase: str, service: str, rl: float | None, ci: tuple[float, float] | None,
    assessment: Assessment | None, reason: str | None, subject: str = "staff",
) -> str:
    """One sentence a councillor can read."""
    where = SERVICE_WORDS[service]
    if rl is None:
        return f"{title} in {where}: the relative likelihood cannot be calculated, because {reason}."
    if round(rl, 2) == 1:
        how = f"as likely as white {subject}"
    else:
        how = f"{fmt(rl)} times as likely as white {subject}"
    text = f"Minority ethnic {subject} in {where} were {how} {phrase}"
    if ci:
        text += f" (95% CI {fmt(ci[0])} to {fmt(ci[1])})."
    elif rl == 0:  # Katz's interval needs at least one minority ethnic case
        text += f": none of the minority ethnic {subject} did, so no confidence interval can be given."
    else:
        text += f" (no confidence interval: more {subject} were counted than the headcount holds)."
    if assessment == "within_range":
        text += " This is within the non-adverse range (0.80 to 1.25)."
    elif assessment == "worse_for_minority_ethnic":
        text += " This is outside the non-adverse range, to the disadvantage of minority ethnic staff."
    elif assessment == "better_for_minority_ethnic":
        text += " This is outside the non-adverse range, in favour of minority ethnic staff."
    return text
