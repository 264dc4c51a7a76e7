"""A toy NHS WRES published document, written out by hand as the engine writes one (common.md §4), for the
renderers' tests: every statistic (relative likelihoods oriented both ways, percentages with their
difference, representation by band and by board), and a figure withheld (primary and secondary), one that
cannot be computed (undefined) and one not submitted, so each renderer's way of showing them is checked.

The figures are consistent with their counts (rates, shares, differences), worked here; the intervals are
the engine's methods (Katz; Newcombe's hybrid score from Wilson intervals) computed with the standard library.
"""

from __future__ import annotations

import math
from typing import Any

Z = 1.959963984540054
GROUPS = ("bme", "white", "unknown")


def _wilson(x: int, n: int) -> tuple[float, float]:
    p = x / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def _newcombe(a: int, n1: int, c: int, n2: int) -> tuple[float, float]:
    p1, p2 = a / n1, c / n2
    l1, u1 = _wilson(a, n1)
    l2, u2 = _wilson(c, n2)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _katz(a: int, n1: int, c: int, n2: int) -> tuple[float, tuple[float, float]]:
    rl = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return rl, (math.exp(math.log(rl) - Z * se), math.exp(math.log(rl) + Z * se))


def _figures(n: int | None, d: int | None, rated: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"numerator": n, "denominator": d}
    if rated:
        out["rate"] = n / d if n is not None and d else None
    return out


def _base(metric: str, title: str, service: str, band: str | None, counts: dict[str, tuple[int | None, int | None]], **more: Any) -> dict[str, Any]:
    r: dict[str, Any] = {"metric": metric, "service": service, "band": band}
    for i, g in enumerate(GROUPS):
        r[g] = _figures(*counts[g], rated=i < 2)
    dens = [counts[g][1] for g in GROUPS]
    known = (dens[0] or 0) + (dens[1] or 0)
    r.update({"declaration_rate": known / sum(d or 0 for d in dens) if None not in dens else None,
              "relative_likelihood": None, "ci95": None, "assessment": None, "suppressed": False, "reason": None,
              "sentence": "", "title": title})
    nums = [counts[g][0] for g in GROUPS]
    r["total"] = {"numerator": sum(nums) if None not in nums else None, "denominator": sum(dens) if None not in dens else None}  # type: ignore[arg-type]
    r.update({"statistic": "relative_likelihood", "status": "published", "assessed": False, "verdict": "",
              "label": f"{title} ({band})" if band else title, "orientation": None, "difference": None, "difference_ci95": None})
    r.update(more)
    return r


WORKFORCE = {"clinical": (1040, 1500, 60), "non_clinical": (360, 1000, 40)}
WORKFORCE["all"] = tuple(a + b for a, b in zip(WORKFORCE["clinical"], WORKFORCE["non_clinical"]))  # type: ignore[assignment]
BANDS = {  # band → part → (bme, white, unknown) staff in the band
    "Band 2": {"clinical": (300, 250, 20), "non_clinical": (120, 300, 15)},
    "Band 5": {"clinical": (400, 500, 20), "non_clinical": (90, 250, 10)},
    "Band 8a": {"clinical": (60, 150, 5), "non_clinical": (20, 90, 5)},
    "VSM": {"clinical": (3, 12, 0), "non_clinical": (2, 10, 0)},
}


def _indicator_1() -> list[dict[str, Any]]:
    out = []
    for band, parts in BANDS.items():
        parts = {**parts, "all": tuple(a + b for a, b in zip(parts["clinical"], parts["non_clinical"]))}
        for part in ("clinical", "non_clinical", "all"):
            nums, dens = parts[part], WORKFORCE[part]
            whole = sum(nums)
            shares = {g: n / whole for g, n in zip(GROUPS, nums)}
            workforce = {g: d / sum(dens) for g, d in zip(GROUPS, dens)}
            r = _base("1", "Staff in each pay band", part, band, {g: (n, d) for g, n, d in zip(GROUPS, nums, dens)},
                      statistic="representation", shares=shares, workforce_shares=workforce,
                      difference=shares["bme"] - workforce["bme"], verdict="Not assessed")
            r["sentence"] = (f"BME staff are {shares['bme']:.1%} of {band} and {workforce['bme']:.1%} of the workforce "
                             f"({part.replace('_', '-')} staff).")
            if band == "VSM" and part != "all":  # 3 and 2 BME staff: withheld, and the other part with them
                primary = part == "clinical"
                r.update({g: _figures(None, d, rated=i < 2) for i, (g, d) in enumerate(zip(GROUPS, dens))})
                r["total"]["numerator"] = None
                r.update(shares=None, difference=None, suppressed=True, status="withheld_primary" if primary else "withheld_secondary",
                         verdict="Withheld",
                         reason="fewer than 10 BME staff were in VSM" if primary else "withheld so that a small count elsewhere cannot be worked out by subtraction",
                         sentence=f"Staff in each pay band (VSM), {part.replace('_', '-')} staff: withheld to protect small numbers.")
            out.append(r)
    return out


def _rl(metric: str, title: str, a: int, n1: int, c: int, n2: int, orientation: tuple[str, str], assessment: str, verdict: str, subject: str) -> dict[str, Any]:
    counts = {"bme": (a, n1), "white": (c, n2), "unknown": (5, 60)}
    num, den = ((a, n1), (c, n2)) if orientation[0] == "bme" else ((c, n2), (a, n1))
    rl, ci = _katz(num[0], num[1], den[0], den[1])
    first, second = ("BME", "white") if orientation[0] == "bme" else ("White", "BME")
    sentence = (f"{first} {subject} were {rl:.2f} times as likely as {second} {subject} to {title.lower()} "
                f"(95% CI {ci[0]:.2f} to {ci[1]:.2f}).")
    return _base(metric, title, "all", None, counts, relative_likelihood=rl, ci95=list(ci), assessment=assessment, verdict=verdict,
                 assessed=True, orientation=list(orientation), sentence=sentence)


def _pct(metric: str, title: str, a: int, n1: int, c: int, n2: int, assessment: str, verdict: str) -> dict[str, Any]:
    lo, hi = _newcombe(a, n1, c, n2)
    d = a / n1 - c / n2
    return _base(metric, title, "all", None, {"bme": (a, n1), "white": (c, n2), "unknown": (12, 40)}, statistic="percentages",
                 difference=d, difference_ci95=[lo, hi], assessment=assessment, verdict=verdict, assessed=True,
                 sentence=f"{a / n1:.1%} of BME respondents and {c / n2:.1%} of white respondents: BME staff "
                          f"{'higher' if d > 0 else 'lower'} by {abs(d) * 100:.1f} percentage points (95% CI {lo * 100:.1f} to {hi * 100:.1f}).")


def _board() -> list[dict[str, Any]]:
    out = []
    for band, (a, c, u) in (("Voting board members", (2, 10, 0)), ("Executive board members", (1, 6, 0))):
        dens = WORKFORCE["all"]
        whole = a + c + u
        shares = {"bme": a / whole, "white": c / whole, "unknown": u / whole}
        workforce = {g: d / sum(dens) for g, d in zip(GROUPS, dens)}
        out.append(_base("9", "Board membership", "all", band, {g: (n, d) for g, n, d in zip(GROUPS, (a, c, u), dens)},
                         statistic="representation", shares=shares, workforce_shares=workforce, difference=shares["bme"] - workforce["bme"],
                         verdict="Not assessed",
                         sentence=f"BME people are {shares['bme']:.1%} of {band.lower()} and {workforce['bme']:.1%} of the workforce "
                                  f"({(shares['bme'] - workforce['bme']) * 100:.1f} points)."))
    return out


def nhs_document() -> dict[str, Any]:
    """The toy trust's published document (threshold 10), as a dict Document.from_dict reads."""
    results = _indicator_1()
    results += [
        _rl("2", "Appointed from shortlisting", 150, 1000, 180, 600, ("white", "bme"), "worse_for_bme", "Worse for BME staff", "applicants"),
        _rl("3", "Entering the formal disciplinary process", 40, 1400, 20, 1000, ("bme", "white"), "within_range",
            "Within the range, but could be outside it", "staff"),
        _rl("4", "Non-mandatory training and CPD", 500, 1400, 380, 1000, ("white", "bme"), "within_range", "Within the range", "staff"),
        _pct("5", "Harassment from patients, relatives or the public", 180, 600, 120, 500, "worse_for_bme", "BME staff higher by 6.0 points"),
        _base("6", "Harassment from staff", "all", None, {"bme": (0, 0), "white": (60, 500), "unknown": (3, 40)},
              statistic="percentages", status="undefined", reason="no BME respondents answered either question", verdict="Not available",
              sentence="Harassment from staff: the difference cannot be calculated, because no BME respondents answered either question."),
        _pct("7", "Equal opportunities for career progression", 300, 560, 330, 480, "worse_for_bme", "BME staff lower by 15.2 points"),
        _base("8", "Discrimination from a manager or colleague", "all", None, {"bme": (None, 590), "white": (None, 495), "unknown": (None, 40)},
              statistic="percentages", status="withheld_primary", suppressed=True, verdict="Withheld",
              reason="fewer than 10 BME respondents reported discrimination",
              sentence="Discrimination from a manager or colleague: withheld, because fewer than 10 BME respondents reported discrimination."),
    ]
    results += _board()
    return {
        "schema_version": 1, "standard": "NHS WRES", "standard_id": "nhs-wres", "standard_version": "2025",
        "organisation": {"name": "Northmoor Hospitals NHS Foundation Trust", "code": "RXX"},
        "period": {"start": "2024-04-01", "end": "2025-03-31"},
        "suppression": {"applied": True, "threshold": 10, "counts_suppressed": {"primary": 4, "secondary": 6}, "counts_published": 300},
        "warnings": [],
        "results": results,
    }
