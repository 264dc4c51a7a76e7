"""The statistics against the standard's own worked example and its edge cases."""

from __future__ import annotations

from fractions import Fraction

import pytest

from wres import stats
from wres.standards import load

SC = load("sc-wres")
WORDS = (SC.focus.words, SC.reference.words)  # the SC-WRES's: minority ethnic, white


def test_spec_worked_example() -> None:
    # metrics.md: 30/100 vs 20/120 → RL 1.80, CI 1.092–2.967
    lk = stats.relative_likelihood(30, 100, 20, 120, words=WORDS)
    assert lk.rl == pytest.approx(1.8)
    assert lk.ci95 == pytest.approx((1.092, 2.967), abs=5e-4)
    assert lk.exact == Fraction(9, 5)


@pytest.mark.parametrize(
    ("a", "n1", "c", "n2", "reason"),
    [
        (0, 0, 3, 10, "no minority ethnic staff"),
        (3, 10, 0, 0, "no white staff"),
        (0, 0, 0, 0, "no minority ethnic or white staff"),
        (3, 10, 0, 10, "rate for white staff is 0"),
    ],
)
def test_undefined_rl_has_a_reason(a: int, n1: int, c: int, n2: int, reason: str) -> None:
    lk = stats.relative_likelihood(a, n1, c, n2, words=WORDS)
    assert lk.rl is None and lk.ci95 is None
    assert reason in (lk.reason or "")


def test_zero_minority_ethnic_cases_gives_rl_zero_without_interval() -> None:
    lk = stats.relative_likelihood(0, 10, 3, 10, words=WORDS)
    assert lk.rl == 0 and lk.ci95 is None and lk.reason is None


@pytest.mark.parametrize(
    ("rl", "direction", "expected"),
    [
        (Fraction(4, 5), "below", "within_range"),
        (Fraction(5, 4), "above", "within_range"),
        (Fraction(79, 100), "below", "worse_for_minority_ethnic"),
        (Fraction(79, 100), "above", "better_for_minority_ethnic"),
        (Fraction(126, 100), "above", "worse_for_minority_ethnic"),
        (Fraction(126, 100), "below", "better_for_minority_ethnic"),
        (Fraction(2), None, None),
        (None, "above", None),
    ],
)
def test_assessment_against_the_range(rl: Fraction | None, direction: str | None, expected: str | None) -> None:
    assert stats.assess(rl, direction, SC) == expected  # type: ignore[arg-type]


def test_sentence_reads_as_the_standard_shows() -> None:
    text = stats.sentence("Formal disciplinary process", "to enter the formal disciplinary process", "children", 1.8, (1.0917, 2.9678), "worse_for_minority_ethnic", None, "staff", SC)
    assert text == (
        "Minority ethnic staff in children's social care were 1.80 times as likely as white staff to enter the formal "
        "disciplinary process (95% CI 1.09 to 2.97). This is outside the non-adverse range, to the disadvantage of "
        "minority ethnic staff, but the data cannot rule out a figure inside it, so this could be chance."
    )
    undefined = stats.sentence("Senior manager roles", "to hold a senior manager role", "all", None, None, None, "there are no white staff in the denominator", "staff", SC)
    assert undefined == (
        "Senior manager roles in adult and children's social care: the relative likelihood cannot be calculated, "
        "because there are no white staff in the denominator."
    )


def test_formatting_to_two_places() -> None:
    """One number style: always two decimals, so 1.2 in a summary is never 1.20 in a table."""
    assert [stats.fmt(x) for x in (1.8, 1.0, 0.5249, 2.967, 10.0)] == ["1.80", "1.00", "0.52", "2.97", "10.00"]
    assert stats.ci_text((1.0149, 1.1)) == "1.01 to 1.10"
    assert stats.pct(0.27394) == "27.4%"


@pytest.mark.parametrize(
    ("rl", "ci", "assessment", "says"),
    [
        (1.28, (0.72, 2.27), "worse_for_minority_ethnic", "to the disadvantage of minority ethnic staff, but the data cannot rule out a figure inside it, so this could be chance."),
        (1.9, (1.3, 2.8), "worse_for_minority_ethnic", "to the disadvantage of minority ethnic staff, and so is the whole confidence interval: the data show a gap beyond the range."),
        (1.26, (1.25, 1.27), "worse_for_minority_ethnic", "so this could be chance."),  # the range's end counts as inside
        (0.6, (0.4, 0.9), "better_for_minority_ethnic", "in favour of minority ethnic staff, but the data cannot rule out a figure inside it, so this could be chance."),
        (1.0, (0.73, 1.36), "within_range", "(0.80 to 1.25), but the data cannot rule out a figure outside it."),
        (1.0, (0.9, 1.1), "within_range", "within the non-adverse range (0.80 to 1.25), and so is the whole confidence interval: the data show the figure is within the range."),
    ],
)
def test_the_verdict_carries_its_uncertainty(rl: float, ci: tuple[float, float], assessment: str, says: str) -> None:
    text = stats.sentence("Abuse from colleagues", "to report abuse", "all", rl, ci, assessment, None, "staff", SC)  # type: ignore[arg-type]
    assert text.endswith(says), text
    short = stats.verdict(assessment, ci, SC)  # type: ignore[arg-type]
    assert ("could be chance" in short or "could be outside" in short) == ("but the data cannot rule out" in text)
    assert ("could be chance" in short or "could be outside" in short) == (stats.evidence(ci, SC) == stats.INCONCLUSIVE)
