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

Assessment = str
"""f"worse_for_{focus id}", "within_range" or f"better_for_{focus id}", the focus id being the standard's."""

Z95 = NormalDist().inv_cdf(0.975)
WITHIN = "within_range"


@dataclass(frozen=True)
class Likelihood:
    rl: float | None
    ci95: tuple[float, float] | None
    reason: str | None  # why rl is None
    exact: Fraction | None = None  # RL as a ratio of whole numbers: assessed without rounding error


def relative_likelihood(
    a: int, n1: int, c: int, n2: int, subject: str = "staff", confidence_z: float = Z95, *, words: tuple[str, str],
) -> Likelihood:
    """RL of the first group (a of n1) against the second (c of n2), with Katz's log interval.

    `words` name the two groups in a reason: the standard's (`oriented`), never a default standard's.
    """
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
    return relative_likelihood(a, n1, c, n2, m.subject, confidence_z, words=(one.words, two.words))


def worse(standard: Standard) -> str:
    return f"worse_for_{standard.focus.id}"


def better(standard: Standard) -> str:
    return f"better_for_{standard.focus.id}"


def assess(rl: Fraction | float | None, direction: Direction, standard: Standard) -> Assessment | None:
    """Against the standard's non-adverse range (ends included); `direction` says which side is adverse to the
    focus group, for the RL as oriented."""
    if rl is None or direction is None:
        return None
    std = standard
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


def crosses_range(ci: tuple[float, float] | None, assessment: Assessment | None, standard: Standard) -> bool:
    """Whether the 95% CI reaches across an end of the non-adverse range from where the RL lies.

    Outside the range but with an interval reaching into it, the difference could be chance; within the range
    but with an interval reaching beyond it, a real difference cannot be ruled out.
    """
    if ci is None or assessment is None:
        return False
    low, high = standard.range
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


def difference(a: int, n1: int, c: int, n2: int, standard: Standard, subject: str = "staff", z: float = Z95) -> Difference:
    """The focus group's rate (a of n1) minus the reference group's (c of n2), with Newcombe's 95% interval."""
    std = standard
    one, two = std.focus.words, std.reference.words
    if n1 == 0 and n2 == 0:
        return Difference(None, None, f"there are no {one} or {two} {subject} in the denominator")
    if n1 == 0 or n2 == 0:
        return Difference(None, None, f"there are no {one if n1 == 0 else two} {subject} in the denominator")
    if a > n1 or c > n2:  # a rate above 1 is not a proportion: no interval
        return Difference(a / n1 - c / n2, None, None)
    return Difference(a / n1 - c / n2, newcombe(a, n1, c, n2, z), None)


def assess_difference(diff: float | None, ci: tuple[float, float] | None, direction: Direction, standard: Standard) -> Assessment | None:
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


def verdict(assessment: Assessment | None, ci: tuple[float, float] | None, standard: Standard) -> str:
    """The short verdict of a relative likelihood, with its uncertainty: the sentence's judgement in a few words."""
    if assessment is None:
        return NOT_ASSESSED
    std = standard
    text = {worse(std): f"Worse for {std.focus.words} staff", better(std): f"Better for {std.focus.words} staff",
            WITHIN: "Within the range"}[assessment]
    if crosses_range(ci, assessment, std):
        text += ", but could be chance" if assessment != WITHIN else ", but could be outside it"
    return text


def difference_verdict(diff: float, assessment: Assessment | None, standard: Standard) -> str:
    """'BME staff higher by 5.1 points' (', but could be chance' when the interval includes no difference)."""
    std = standard
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
    assessment: Assessment | None, reason: str | None, subject: str,
    standard: Standard, orientation: str = "focus", breakdown: bool = True,
) -> str:
    """One sentence a councillor can read, of a relative likelihood oriented as the metric says."""
    std = standard
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
    # The official assessment (the point against the range), then the evidence (the whole interval against it).
    ev = evidence(ci, std)
    low, high = (fmt(x) for x in std.range)
    if assessment == WITHIN:
        text += f" This is within the non-adverse range ({low} to {high})"
        text += {INSIDE: ", and so is the whole confidence interval: the data show the figure is within the range.",
                 INCONCLUSIVE: ", but the data cannot rule out a figure outside it."}.get(ev, ".")
    elif assessment is not None:
        side = "to the disadvantage of" if assessment == worse(std) else "in favour of"
        text += f" This is outside the non-adverse range, {side} {std.focus.words} staff"
        text += {OUTSIDE: ", and so is the whole confidence interval: the data show a gap beyond the range.",
                 INCONCLUSIVE: ", but the data cannot rule out a figure inside it, so this could be chance."}.get(ev, ".")
    elif ev is not None:  # not assessed by the standard: the evidence only
        text += " " + {OUTSIDE: f"The whole confidence interval lies outside the non-adverse range ({low} to {high}).",
                       INSIDE: f"The whole confidence interval lies inside the non-adverse range ({low} to {high}).",
                       INCONCLUSIVE: f"The confidence interval reaches across an edge of the non-adverse range ({low} to {high})."}[ev]
    return text


def difference_sentence(
    title: str, phrase: str, service: str, rates: tuple[float | None, float | None], d: Difference,
    assessment: Assessment | None, subject: str, standard: Standard, breakdown: bool = True,
) -> str:
    """'31.2% of BME respondents and 25.0% of white respondents experienced …: BME staff higher by 6.2
    percentage points (95% CI 1.1 to 11.3), a clear difference, to the disadvantage of BME staff.'"""
    std = standard
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
    subject: str, standard: Standard, breakdown: bool = True,
) -> str:
    """'BME staff are 18.0% of Band 8a and 24.3% of the workforce (6.3 points lower).'"""
    std = standard
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


# --- evidence, what the data could detect, change from last year (statistics.md §1–3) -------------------

Z80_POWER = NormalDist().inv_cdf(0.80)  # 0.841621: the power a gap is "detectable" with
OUTSIDE, INSIDE, INCONCLUSIVE = "outside_range", "inside_range", "inconclusive"
DETECT_PRECISION = 1e-9  # relative, of a detectable RL
EVENT_KINDS = ("recruitment", "staff_event", "survey")  # numerators are events of the year: a test of change
STOCK_NOTE = ("No test of the change is given: this counts staff in post, largely the same people in both years, "
              "not events of the year, so the two years are not independent samples and a test would overstate the evidence.")


def evidence(ci: tuple[float, float] | None, standard: Standard) -> str | None:
    """How much a relative likelihood's 95% CI says about the range (ends included in the range):
    `outside_range` when the whole interval lies outside it, `inside_range` when wholly inside, else
    `inconclusive` (it overlaps an edge). None without an interval."""
    if ci is None:
        return None
    low, high = standard.range
    if ci[1] < low or ci[0] > high:
        return OUTSIDE
    if ci[0] >= low and ci[1] <= high:
        return INSIDE
    return INCONCLUSIVE


def difference_evidence(ci: tuple[float, float] | None) -> str | None:
    """The evidence of a difference of percentages (NHS WRES indicators 5–8), the natural extension of
    `evidence`: `outside_range` when its 95% CI excludes 0. There is no equivalence margin for a difference
    in percentage points, so it is never `inside_range`; otherwise `inconclusive`."""
    if ci is None:
        return None
    return OUTSIDE if ci[0] > 0 or ci[1] < 0 else INCONCLUSIVE


def _power_gap(t: float, n1: float, n2: float, p2: float, z: float, sign: int) -> float:
    """|ln r| − z·SE(r) at r = exp(sign·t): negative while the gap r is not yet detectable."""
    r = math.exp(sign * t)
    return t - z * math.sqrt(max(0.0, 1 / (r * p2 * n1) - 1 / n1 + 1 / (p2 * n2) - 1 / n2))


def _bisect(f, lo: float, hi: float) -> float:  # type: ignore[no-untyped-def]
    """The root of f in [lo, hi] (f(lo) < 0 ≤ f(hi)), in t = |ln r|: an absolute width of 1e-10 in t is a
    relative precision better than 1e-9 in r."""
    while hi - lo > DETECT_PRECISION / 10:
        mid = (lo + hi) / 2
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def detectable(n1: float, n2: float, p2: float, z: float = Z95 + Z80_POWER) -> tuple[float | None, float | None]:
    """(above, below): the RLs nearest 1 that a two-sided 5% test detects with 80% power, with the first
    group's n1, the second's n2 and the second group's rate p2 (statistics.md §2). None where there is none.

    Above 1 (t = ln r > 0) the gap |ln r| − z·SE(r) only grows, so there is one root, up to r·p2 = 1. Below 1
    (t = −ln r) it may rise and fall again: with x = e^t/(p2·n1) it rises while z²x² − 4x − 4B < 0
    (B = 1/(p2·n2) − 1/n2 − 1/n1), so its maximum is at x+ = (2 + 2√(1 + z²B)) / z²; the root nearest 1 is the
    one between t = 0 and that maximum (the second, far from 1, is not the one meant)."""
    if n1 <= 0 or n2 <= 0 or not 0 < p2 < 1:
        return None, None
    up = lambda t: _power_gap(t, n1, n2, p2, z, 1)  # noqa: E731
    down = lambda t: _power_gap(t, n1, n2, p2, z, -1)  # noqa: E731
    t_max = -math.log(p2)  # r·p2 = 1: a rate of 1 in the first group
    above = math.exp(_bisect(up, 0.0, t_max)) if up(t_max) >= 0 else None
    a, b = 1 / (p2 * n1), 1 / (p2 * n2) - 1 / n2 - 1 / n1
    disc = 1 + z * z * b
    below = None
    if disc >= 0:
        x_plus = (2 + 2 * math.sqrt(disc)) / (z * z)
        if x_plus > a:
            t_peak = math.log(x_plus / a)
            if down(t_peak) >= 0:
                below = math.exp(-_bisect(down, 0.0, t_peak))
    return above, below


def power(r: float, n1: float, n2: float, p2: float) -> float:
    """The power of a two-sided 5% test to detect the RL r (the near tail only, as the formula of §2 has it)."""
    se = math.sqrt(1 / (r * p2 * n1) - 1 / n1 + 1 / (p2 * n2) - 1 / n2)
    return NormalDist().cdf(abs(math.log(r)) / se - Z95)


def respondents_needed(n1: int, n2: int, p2: float, edge: float, z: float = Z95 + Z80_POWER) -> int | None:
    """How many respondents of the two compared groups a survey needs, at today's shares (n1 : n2) and the
    second group's rate p2, for the RL `edge` to be detectable (80% power, two-sided 5%): with n1 = s1·N and
    n2 = s2·N, SE(edge)² = K/N, so N = z²·K / (ln edge)², rounded up. None where the edge cannot happen."""
    if n1 <= 0 or n2 <= 0 or not 0 < p2 < 1 or edge * p2 >= 1 or edge == 1:
        return None
    whole = n1 + n2
    k = whole / n1 * (1 / (edge * p2) - 1) + whole / n2 * (1 / p2 - 1)
    return math.ceil(z * z * k / math.log(edge) ** 2 - 1e-9)


def change(rl: float, se: float | None, previous_rl: float, previous_se: float | None, event: bool, note: str | None) -> dict[str, float | str | None]:
    """The change of an RL from the previous year's (statistics.md §3): the ratio; for an event metric the z of
    its log against the two years' SEs (independent years, Altman & Bland 2003) and its two-sided normal p;
    for a stock metric no test, and `note` says why."""
    ratio = rl / previous_rl if previous_rl > 0 else None
    z = p = None
    if event and ratio is not None and ratio > 0 and se is not None and previous_se is not None:
        z = math.log(ratio) / math.sqrt(se * se + previous_se * previous_se)
        p = 2 * (1 - NormalDist().cdf(abs(z)))
    return {"previous_rl": previous_rl, "ratio": ratio, "z": z, "p_value": p, "note": None if event else note}
