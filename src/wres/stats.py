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
    """A relative likelihood or interval end as people read it: always two decimal places (1.00, 1.20, 0.52).

    The one place such numbers are formatted: every renderer and sentence uses it, so 1.2 in the summary is
    never 1.20 in a table.
    """
    return f"{x:.2f}"


def ci_text(ci: tuple[float, float]) -> str:
    """A 95% confidence interval in words: '0.72 to 2.27'."""
    return f"{fmt(ci[0])} to {fmt(ci[1])}"


PERCENT_PLACES = 1
PERCENT_RULE = "Percentages are rounded to one decimal place."


def pct(x: float) -> str:
    """A share as a percentage, rounded as PERCENT_RULE says (the method section prints the rule)."""
    return f"{x:.{PERCENT_PLACES}%}"


def crosses_range(ci: tuple[float, float] | None, assessment: Assessment | None) -> bool:
    """Whether the 95% CI reaches across an end of the non-adverse range from where the RL lies.

    Outside the range but with an interval reaching into it, the difference could be chance; within the range
    but with an interval reaching beyond it, a real difference cannot be ruled out.
    """
    if ci is None or assessment is None:
        return False
    low, high = NON_ADVERSE_RANGE
    if assessment == "within_range":
        return ci[0] < low or ci[1] > high
    return ci[0] <= high and ci[1] >= low


VERDICTS: dict[str, str] = {
    "worse_for_minority_ethnic": "Worse for minority ethnic staff",
    "better_for_minority_ethnic": "Better for minority ethnic staff",
    "within_range": "Within the range",
}


def verdict(assessment: Assessment | None, ci: tuple[float, float] | None) -> str:
    """The short verdict a summary table prints, with its uncertainty: the sentence's judgement in a few words."""
    if assessment is None:
        return "Not assessed"
    text = VERDICTS[assessment]
    if crosses_range(ci, assessment):
        text += ", but could be chance" if assessment != "within_range" else ", but could be outside it"
    return text


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
        text += f" (95% CI {ci_text(ci)})."
    elif rl == 0:  # Katz's interval needs at least one minority ethnic case
        text += f": none of the minority ethnic {subject} did, so no confidence interval can be given."
    else:
        text += f" (no confidence interval: more {subject} were counted than the headcount holds)."
    ci_words = "the confidence interval"  # its figures are in the sentence already
    if assessment == "within_range":
        low, high = (fmt(x) for x in NON_ADVERSE_RANGE)
        text += f" This is within the non-adverse range ({low} to {high})"
        text += f", but {ci_words} includes values outside it, so a real difference cannot be ruled out." if crosses_range(ci, assessment) else "."
    elif assessment in ("worse_for_minority_ethnic", "better_for_minority_ethnic"):
        side = "to the disadvantage of" if assessment == "worse_for_minority_ethnic" else "in favour of"
        text += f" This is outside the non-adverse range, {side} minority ethnic staff"
        text += f", but {ci_words} includes values inside the range, so this could be chance." if crosses_range(ci, assessment) else "."
    return text
