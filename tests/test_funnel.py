"""The national funnel (statistics.md §4) and between-authority heterogeneity (§5) against an implementation
written here from the published formulas (Spiegelhalter 2005; DerSimonian & Laird 1986), and against small
examples worked by hand. Nothing here calls national.py's helpers to compute an expected value."""

from __future__ import annotations

import math
import random
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wres import national, stats

Z95 = NormalDist().inv_cdf(0.975)  # 1.959964
Z998 = NormalDist().inv_cdf(0.999)  # 3.090232
TOL = 1e-9


# --- the independent implementation -----------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between order statistics at (n − 1)·p (numpy's default, 'linear')."""
    v = sorted(values)
    pos = (len(v) - 1) * p
    lo = math.floor(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (pos - lo) * (v[hi] - v[lo])


def reference_funnel(points: list[tuple[float, float]], target: float) -> dict:
    k = len(points)
    theta = math.log(target)
    z = [(math.log(rl) - theta) / s for rl, s in points]
    lo, hi = percentile(z, 0.10), percentile(z, 0.90)
    phi = sum(min(max(x, lo), hi) ** 2 for x in z) / k
    w = [1 / (s * s) for _, s in points]
    tau2 = 0.0 if k < 10 else max(0.0, (k * phi - (k - 1)) / (sum(w) - sum(x * x for x in w) / sum(w)))
    rows = []
    for rl, s in points:
        spread = math.sqrt(s * s + tau2)
        lim = {"lower95": theta - Z95 * spread, "upper95": theta + Z95 * spread,
               "lower998": theta - Z998 * spread, "upper998": theta + Z998 * spread}
        y = math.log(rl)
        flag = ("above_99.8" if y > lim["upper998"] else "below_99.8" if y < lim["lower998"]
                else "above_95" if y > lim["upper95"] else "below_95" if y < lim["lower95"] else "within")
        rows.append({**{key: math.exp(v) for key, v in lim.items()}, "flag": flag})
    return {"phi": phi, "tau2": tau2, "rows": rows}


def reference_heterogeneity(points: list[tuple[float, float]]) -> dict:
    k = len(points)
    y = [math.log(rl) for rl, _ in points]
    w = [1 / (s * s) for _, s in points]
    ybar = sum(a * b for a, b in zip(w, y)) / sum(w)
    q = sum(a * (b - ybar) ** 2 for a, b in zip(w, y))
    i2 = max(0.0, (q - (k - 1)) / q) if q else 0.0
    tau2 = max(0.0, (q - (k - 1)) / (sum(w) - sum(a * a for a in w) / sum(w)))
    ws = [1 / (s * s + tau2) for _, s in points]
    yre = sum(a * b for a, b in zip(ws, y)) / sum(ws)
    se = math.sqrt(1 / sum(ws))
    return {"q": q, "i2": i2, "tau2": tau2, "rl_random": math.exp(yre), "ci95": [math.exp(yre - Z95 * se), math.exp(yre + Z95 * se)]}


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


def agree(points: list[tuple[float, float]], target: float) -> None:
    got = national.funnel([(f"A{i}", rl, s) for i, (rl, s) in enumerate(points)], target)
    want = reference_funnel(points, target)
    assert got["k"] == len(points)
    assert close(got["phi"], want["phi"]) and close(got["tau2"], want["tau2"])
    for g, w in zip(got["authorities"], want["rows"]):
        for key in ("lower95", "upper95", "lower998", "upper998"):
            assert close(g[key], w[key]), key
        assert g["flag"] == w["flag"]


# --- worked by hand ----------------------------------------------------------------------------------

# Ten authorities, target RL 1 (θ = 0), every s = 0.5, so z = 2y: z = −3, −2, −1, 0, 0, 0, 1, 1, 2, 4.
# 10th percentile at (10 − 1)·0.1 = 0.9: −3 + 0.9 × 1 = −2.1; 90th at 8.1: 2 + 0.1 × 2 = 2.2.
# Winsorised squares: 4.41 + 4 + 1 + 0 + 0 + 0 + 1 + 1 + 4 + 4.84 = 20.25, φ = 2.025.
# w = 4 each: Σw = 40, Σw²/Σw = 4; τ² = (10 × 2.025 − 9) / 36 = 0.3125; √(0.25 + 0.3125) = 0.75.
HAND_Z = [-3, -2, -1, 0, 0, 0, 1, 1, 2, 4]
HAND = [(math.exp(z * 0.5), 0.5) for z in HAND_Z]


def test_hand_worked_funnel() -> None:
    f = national.funnel([(f"A{i}", rl, s) for i, (rl, s) in enumerate(HAND)], 1.0)
    assert f["k"] == 10 and f["reason"] is None
    assert f["phi"] == pytest.approx(2.025, abs=TOL)
    assert f["tau2"] == pytest.approx(0.3125, abs=TOL)
    for row in f["authorities"]:
        assert row["upper95"] == pytest.approx(math.exp(Z95 * 0.75), rel=1e-6)
        assert row["lower998"] == pytest.approx(math.exp(-Z998 * 0.75), rel=1e-6)
    # y = −1.5 is below −1.469973 (95%) but above −2.317674 (99.8%); y = 2 is above 1.469973, below 2.317674
    assert [r["flag"] for r in f["authorities"]] == ["below_95"] + ["within"] * 8 + ["above_95"]
    assert "1 above, 1 below" in f["sentence"] and "2 lie outside the 95% limits" in f["sentence"]
    agree(HAND, 1.0)


def test_hand_worked_heterogeneity() -> None:
    # y = 0, 1, 2 with s = 0.5, 0.5, 1: w = 4, 4, 1, ȳ = 6/9 = 2/3; Q = 4·4/9 + 4·1/9 + 16/9 = 4; I² = (4 − 2)/4 = 0.5;
    # τ² = 2 / (9 − 33/9) = 0.375; w* = 1.6, 1.6, 8/11, Σw* = 43.2/11; ȳ_RE = (1.6 + 16/11) / (43.2/11) = 7/9
    h = national.heterogeneity([(1.0, 0.5), (math.e, 0.5), (math.e**2, 1.0)])
    assert h["k"] == 3
    assert h["q"] == pytest.approx(4.0, abs=TOL)
    assert h["i2"] == pytest.approx(0.5, abs=TOL)
    assert h["tau2"] == pytest.approx(0.375, abs=TOL)
    assert h["rl_random"] == pytest.approx(math.exp(7 / 9), rel=TOL)
    half = 1.959964 * math.sqrt(11 / 43.2)
    assert h["ci95"][0] == pytest.approx(math.exp(7 / 9 - half), rel=1e-6)
    assert h["ci95"][1] == pytest.approx(math.exp(7 / 9 + half), rel=1e-6)
    assert "I² 50%" in h["sentence"]


def test_no_heterogeneity_when_q_is_below_its_degrees_of_freedom() -> None:
    # y = 0, 0.5, 1 with s = 0.5, 0.5, 1: ȳ = 1/3, Q = 4/9 + 1/9 + 4/9 = 1 < 2, so I² = τ² = 0 and the
    # random-effects figure is the fixed-effect one, exp(1/3)
    h = national.heterogeneity([(1.0, 0.5), (math.exp(0.5), 0.5), (math.e, 1.0)])
    assert h["q"] == pytest.approx(1.0, abs=TOL) and h["i2"] == 0 and h["tau2"] == 0
    assert h["rl_random"] == pytest.approx(math.exp(1 / 3), rel=TOL)
    assert "no more than chance" in h["sentence"]


# --- edges -------------------------------------------------------------------------------------------

def test_fewer_than_ten_authorities_have_no_overdispersion_and_say_why() -> None:
    points = HAND[:9]
    f = national.funnel([(f"A{i}", rl, s) for i, (rl, s) in enumerate(points)], 1.0, "authorities")
    assert f["k"] == 9 and f["tau2"] == 0
    assert f["reason"] and "fewer than 10 authorities" in f["reason"] and "could not be estimated" in f["reason"]
    agree(points, 1.0)
    # the limits are then chance alone: θ ± z·s
    assert f["authorities"][0]["upper95"] == pytest.approx(math.exp(Z95 * 0.5), rel=1e-6)


def test_no_authority_and_one_authority() -> None:
    f = national.funnel([], 1.2)
    assert f["k"] == 0 and f["tau2"] == 0 and f["authorities"] == [] and f["reason"]
    h = national.heterogeneity([(1.2, 0.3)])
    assert h["k"] == 1 and h["q"] is None and h["rl_random"] is None and h["sentence"]


def test_tau2_is_zero_when_every_authority_has_the_same_rl() -> None:
    # counts in proportion: every authority's RL and the pooled RL are exactly 2
    points = []
    for i, m in enumerate(range(1, 16)):
        a, n1, c, n2 = 10 * m, 100 * m, 20 * m, 400 * m
        points.append((f"A{i}", (a / n1) / (c / n2), stats.katz_se(a, n1, c, n2)))
    pooled = (sum(10 * m for m in range(1, 16)) / sum(100 * m for m in range(1, 16))) / (
        sum(20 * m for m in range(1, 16)) / sum(400 * m for m in range(1, 16)))
    f = national.funnel(points, pooled)
    assert f["tau2"] == 0 and f["phi"] == pytest.approx(0, abs=TOL)
    assert all(r["flag"] == "within" for r in f["authorities"])
    h = national.heterogeneity([(rl, s) for _, rl, s in points])
    assert h["q"] == pytest.approx(0, abs=TOL) and h["i2"] == 0 and h["tau2"] == 0
    assert h["rl_random"] == pytest.approx(2.0, rel=TOL)


# --- random data -------------------------------------------------------------------------------------

def _random_points(rng: random.Random, k: int, spread: float) -> list[tuple[float, float]]:
    out = []
    for _ in range(k):
        n1, n2 = rng.randint(30, 3000), rng.randint(30, 3000)
        p2 = rng.uniform(0.02, 0.5)
        p1 = min(0.95, p2 * math.exp(rng.gauss(0.2, spread)))
        a, c = max(1, round(p1 * n1)), max(1, round(p2 * n2))
        out.append(((a / n1) / (c / n2), stats.katz_se(a, n1, c, n2)))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_random_data_agrees_with_the_independent_implementation(seed: int) -> None:
    rng = random.Random(seed)
    points = _random_points(rng, rng.choice([3, 9, 10, 11, 25, 150]), rng.choice([0.0, 0.2, 0.6]))
    target = math.exp(rng.gauss(0.2, 0.1))
    agree(points, target)
    got = national.heterogeneity(points)
    want = reference_heterogeneity(points)
    for key in ("q", "i2", "tau2", "rl_random"):
        assert close(got[key], want[key]), key
    assert close(got["ci95"][0], want["ci95"][0]) and close(got["ci95"][1], want["ci95"][1])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.2, 5.0), st.floats(0.05, 2.0)), min_size=1, max_size=40), st.floats(0.3, 3.0))
def test_property_agreement_and_flags_follow_the_limits(points: list[tuple[float, float]], target: float) -> None:
    agree(points, target)
    f = national.funnel([(str(i), rl, s) for i, (rl, s) in enumerate(points)], target)
    assert f["tau2"] >= 0
    for r in f["authorities"]:
        assert r["lower998"] <= r["lower95"] <= target <= r["upper95"] <= r["upper998"]
        assert r["flag"] in national.FLAGS
