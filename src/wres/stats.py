"""The statistics of a standard and their words: pure functions of counts and the standard.

A relative likelihood (oriented as the metric says, judged against the standard's range), percentages side
by side (the difference with Newcombe's hybrid score interval, judged by whether it excludes 0), and
representation (shares, as figures). Verdicts and sentences are made here once; renderers print them.

The interval is Katz's log method, the one scipy.stats.contingency.relative_risk computes (tests prove
the two agree to 1e-12). It is written out here because importing scipy.stats costs over a second of
start-up, which is most of a 425-staff run; the normal quantile still comes from a library (the
standard library's NormalDist), not a hand-rolled approximation. Newcombe's interval is written out from
Wilson's for the same reason (statsmodels agrees to 1e-9 in the tests).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist

from wres.standards import Direction, MetricDef, Standard
from wres.standards import load as load_standard

Assessment = str
"""f"worse_for_{focus id}", "within_range" or f"better_for_{focus id}", the focus id being the standard's."""

Z95 = NormalDist().inv_cdf(0.975)
WITHIN = "within_range"


def _std(standard: Standard | None) -> Standard:
    """The standard a figure is judged by; the default one (SC-WRES) when a caller has none in hand."""
    return standard if standard is not None else load_standard()


@dataclass(frozen=True)
class Likelihood:
    rl: float | None
    ci95: tuple[float, float] | None
    reason: str | None  # why rl is None
    exact: Fraction | None = None  # RL as a ratio of whole numbers: assessed without rounding error


def relative_likelihood(
    a: int, n1: int, c: int, n2: int, subject: str = "staff", confidence_z: float = Z95, words: tuple[str, str] | None = None,
) -> Likelihood:
    """RL of the first group (a of n1) against the second (c of n2), with Katz's log interval.

    `words` name the two groups in a reason (default: the default standard's focus and reference).
    """
    if words is None:
        std = _std(None)
        words = (std.focus.words, std.reference.words)
    one, two = words
    if n1 == 0 and n2 == 0:
        return Likelihood(None, None, f"there are no {one} or {two} {subject} in the denominator")
    if n1 == 0:
        return Likelihood(None, None, f"there are no {one} {subject} in the denominator")
    if n2 == 0:
        return Likelihood(None, None, f"there are no {two} {subject} in the denominator")
    if c == 0:
        return Likelihood(None, None, f"the rate for {two} {subject} is 0, so there is nothing to compare with")
    exact = Fraction(a * n2, n1 * c)
    rl = float(exact)
    se = katz_se(a, n1, c, n2)
    if se is None:  # Katz's interval needs a case, and proportions
        return Likelihood(rl, None, None, exact)
    ci = (math.exp(math.log(rl) - confidence_z * se), math.exp(math.log(rl) + confidence_z * se))
    return Likelihood(rl, ci, None, exact)


def katz_se(a: int, n1: int, c: int, n2: int) -> float | None:
    """The standard error of log RL by Katz's method; None where it is not defined (no case, or a numerator
    above its denominator). National funnels use it too: one formula, here."""
    if min(a, c) <= 0 or a > n1 or c > n2:
        return None
    return math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)


def orientation(standard: Standard, m: MetricDef) -> tuple[str, str]:
    """Whose rate is divided by whose: (numerator group id, denominator group id) of the metric's RL."""
    f, r = standard.focus.id, standard.reference.id
    return (r, f) if m.orientation == "reference" else (f, r)


def oriented(standard: Standard, m: MetricDef, focus: tuple[int, int], reference: tuple[int, int], confidence_z: float = Z95) -> Likelihood:
    """The metric's RL from the focus and reference groups' (numerator, denominator), as the standard orients it."""
    (a, n1), (c, n2) = (reference, focus) if m.orientation == "reference" else (focus, reference)
    one, two = (standard.reference, standard.focus) if m.orientation == "reference" else (standard.focus, standard.reference)
    return relative_likelihood(a, n1, c, n2, m.subject, confidence_z, (one.words, two.words))


def worse(standard: Standard | None = None) -> str:
    return f"worse_for_{_std(standard).focus.id}"


def better(standard: Standard | None = None) -> str:
    return f"better_for_{_std(standard).focus.id}"


def assess(rl: Fraction | float | None, direction: Direction, standard: Standard | None = None) -> Assessment | None:
    """Against the standard's non-adverse range (ends included); `direction` says which side is adverse to the
    focus group, for the RL as oriented."""
    if rl is None or direction is None:
        return None
    std = _std(standard)
    low, high = (Fraction(str(x)) for x in std.range)
    if low <= rl <= high:
        return WITHIN
    below = rl < low
    return worse(std) if below == (direction == "below") else better(std)


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


def crosses_range(ci: tuple[float, float] | None, assessment: Assessment | None, standard: Standard | None = None) -> bool:
    """Whether the 95% CI reaches across an end of the non-adverse range from where the RL lies.

    Outside the range but with an interval reaching into it, the difference could be chance; within the range
    but with an interval reaching beyond it, a real difference cannot be ruled out.
    """
    if ci is None or assessment is None:
        return False
    low, high = _std(standard).range
    if assessment == WITHIN:
        return ci[0] < low or ci[1] > high
    return ci[0] <= high and ci[1] >= low




# --- percentages side by side: the difference and Newcombe's interval ----------------------------------

def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for the proportion x/n (n > 0), without continuity correction."""
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def newcombe(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p1 − p2 (his method 10), built from the two Wilson intervals.

    Written out as Katz's is (statsmodels' confint_proportions_2indep(method="newcomb") agrees to 1e-9 in the
    tests) so that a run does not import statsmodels and pandas for two square roots.
    """
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = wilson(x1, n1, z), wilson(x2, n2, z)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


@dataclass(frozen=True)
class Difference:
    difference: float | None  # focus rate − reference rate, as a proportion
    ci95: tuple[float, float] | None
    reason: str | None  # why difference is None


def difference(a: int, n1: int, c: int, n2: int, standard: Standard | None = None, subject: str = "staff", z: float = Z95) -> Difference:
    """The focus group's rate (a of n1) minus the reference group's (c of n2), with Newcombe's 95% interval."""
    std = _std(standard)
    one, two = std.focus.words, std.reference.words
    if n1 == 0 and n2 == 0:
        return Difference(None, None, f"there are no {one} or {two} {subject} in the denominator")
    if n1 == 0 or n2 == 0:
        return Difference(None, None, f"there are no {one if n1 == 0 else two} {subject} in the denominator")
    if a > n1 or c > n2:  # a rate above 1 is not a proportion: no interval
        return Difference(a / n1 - c / n2, None, None)
    return Difference(a / n1 - c / n2, newcombe(a, n1, c, n2, z), None)


def assess_difference(diff: float | None, ci: tuple[float, float] | None, direction: Direction, standard: Standard | None = None) -> Assessment | None:
    """A gap is clear when its interval excludes 0; its side, with the metric's direction, says for whom."""
    if diff is None or ci is None or direction is None:
        return None
    if ci[0] <= 0 <= ci[1]:
        return WITHIN
    return worse(standard) if (diff > 0) == (direction == "above") else better(standard)


def points(x: float, signed: bool = False) -> str:
    """A difference of two proportions in percentage points, one decimal place: '6.2' (or '-1.1' signed)."""
    v = round(x * 100, PERCENT_PLACES) + 0.0  # + 0.0: never '-0.0'
    return f"{v if signed else abs(v):.{PERCENT_PLACES}f}"


def _higher(diff: float) -> str:
    return "the same as" if points(diff) == points(0) else ("higher by" if diff > 0 else "lower by")


# --- verdicts: the few words a summary table prints ----------------------------------------------------

STATUS_VERDICTS = {
    "withheld_primary": "Withheld",
    "withheld_secondary": "Withheld",
    "undefined": "Cannot be calculated",
    "not_submitted": "Not submitted",
}
NOT_ASSESSED = "Not assessed"


def verdict(assessment: Assessment | None, ci: tuple[float, float] | None, standard: Standard | None = None) -> str:
    """The short verdict of a relative likelihood, with its uncertainty: the sentence's judgement in a few words."""
    if assessment is None:
        return NOT_ASSESSED
    std = _std(standard)
    text = {worse(std): f"Worse for {std.focus.words} staff", better(std): f"Better for {std.focus.words} staff",
            WITHIN: "Within the range"}[assessment]
    if crosses_range(ci, assessment, std):
        text += ", but could be chance" if assessment != WITHIN else ", but could be outside it"
    return text


def difference_verdict(diff: float, assessment: Assessment | None, standard: Standard | None = None) -> str:
    """'BME staff higher by 5.1 points' (', but could be chance' when the interval includes no difference)."""
    std = _std(standard)
    how = _higher(diff)
    if how == "the same as":
        return f"{std.focus.label} and {std.reference.words} staff the same"
    text = f"{std.focus.label} staff {how} {points(diff)} points"
    return text + (", but could be chance" if assessment == WITHIN else "")


def representation_verdict(diff: float) -> str:
    """'6.3 points below the workforce share': figures only, no judgement."""
    if points(diff) == points(0):
        return "Same as the workforce share"
    return f"{points(diff)} points {'above' if diff > 0 else 'below'} the workforce share"


# --- sentences -------------------------------------------------------------------------------------------

def band_words(m: MetricDef, band: str) -> str:
    """A band inside a sentence: a pay band as it is named ('Band 8a'), a board column in lower case."""
    return band[:1].lower() + band[1:] if m.bands else band


def where(standard: Standard, service: str, breakdown: bool) -> str:
    """' in adult social care' (for a part, the standard's word `in_part`: "among clinical staff") for a metric counted by the standard's breakdown;
    nothing for a metric of the whole organisation only."""
    if not breakdown:
        return ""
    part = standard.breakdown.part(service)
    word = "in {part}" if part.id == standard.breakdown.total.id else standard.words.get("in_part", "in {part}")
    return " " + word.format(part=part.words)


def sentence(
    title: str, phrase: str, service: str, rl: float | None, ci: tuple[float, float] | None,
    assessment: Assessment | None, reason: str | None, subject: str = "staff",
    standard: Standard | None = None, orientation: str = "focus", breakdown: bool = True,
) -> str:
    """One sentence a councillor can read, of a relative likelihood oriented as the metric says."""
    std = _std(standard)
    place = where(std, service, breakdown)
    if rl is None:
        return f"{title}{place}: the relative likelihood cannot be calculated, because {reason}."
    one, two = (std.reference, std.focus) if orientation == "reference" else (std.focus, std.reference)
    if round(rl, 2) == 1:
        how = f"as likely as {two.words} {subject}"
    else:
        how = f"{fmt(rl)} times as likely as {two.words} {subject}"
    text = f"{one.label} {subject}{place} were {how} {phrase}"
    if ci:
        text += f" (95% CI {ci_text(ci)})."
    elif rl == 0:  # Katz's interval needs at least one case in the numerator group
        text += f": none of the {one.words} {subject} did, so no confidence interval can be given."
    else:
        text += f" (no confidence interval: more {subject} were counted than the headcount holds)."
    ci_words = "the confidence interval"  # its figures are in the sentence already
    if assessment == WITHIN:
        low, high = (fmt(x) for x in std.range)
        text += f" This is within the non-adverse range ({low} to {high})"
        text += f", but {ci_words} includes values outside it, so a real difference cannot be ruled out." if crosses_range(ci, assessment, std) else "."
    elif assessment is not None:
        side = "to the disadvantage of" if assessment == worse(std) else "in favour of"
        text += f" This is outside the non-adverse range, {side} {std.focus.words} staff"
        text += f", but {ci_words} includes values inside the range, so this could be chance." if crosses_range(ci, assessment, std) else "."
    return text


def difference_sentence(
    title: str, phrase: str, service: str, rates: tuple[float | None, float | None], d: Difference,
    assessment: Assessment | None, subject: str = "staff", standard: Standard | None = None, breakdown: bool = True,
) -> str:
    """'31.2% of BME respondents and 25.0% of white respondents experienced …: BME staff higher by 6.2
    percentage points (95% CI 1.1 to 11.3), a clear difference, to the disadvantage of BME staff.'"""
    std = _std(standard)
    place = where(std, service, breakdown)
    if d.difference is None:
        return f"{title}{place}: the difference cannot be calculated, because {d.reason}."
    p1, p2 = rates
    text = f"{pct(p1 or 0)} of {std.focus.words} {subject} and {pct(p2 or 0)} of {std.reference.words} {subject}{place} {phrase}: "
    how = _higher(d.difference)
    if how == "the same as":
        text += f"{std.focus.label} and {std.reference.words} staff the same"
    else:
        text += f"{std.focus.label} staff {how} {points(d.difference)} percentage points"
    if d.ci95 is None:
        return text + " (no confidence interval: more were counted than answered)."
    text += f" (95% CI {points(d.ci95[0], True)} to {points(d.ci95[1], True)})"
    if assessment == WITHIN or assessment is None:
        return text + "; the interval includes no difference, so this could be chance."
    side = "to the disadvantage of" if assessment == worse(std) else "in favour of"
    return text + f", a clear difference, {side} {std.focus.words} staff."


def representation_sentence(
    title: str, band: str, service: str, share: float | None, workforce: float | None,
    subject: str = "staff", standard: Standard | None = None, breakdown: bool = True,
) -> str:
    """'BME staff are 18.0% of Band 8a and 24.3% of the workforce (6.3 points lower).'"""
    std = _std(standard)
    part = std.breakdown.part(service)
    among = f"Among {part.words}, " if breakdown and part.id != std.breakdown.total.id else ""
    if share is None or workforce is None:
        why = f"no {subject} are in {band}" if share is None else f"there are no {subject} in the workforce"
        return f"{title}{where(std, service, breakdown)}: the {std.focus.words} share cannot be calculated, because {why}."
    gap = share - workforce
    rel = "the same" if points(gap) == points(0) else f"{points(gap)} points {'higher' if gap > 0 else 'lower'}"
    who = f"{std.focus.label} {subject}"
    if among:
        who = f"{std.focus.words} {subject}"
    return f"{among}{who} are {pct(share)} of {band} and {pct(workforce)} of the workforce ({rel})."
