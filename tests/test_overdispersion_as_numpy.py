"""national.overdispersion computes φ and τ² without numpy (whose import was a quarter of a national run):
to the last bit what numpy computed, so national.json and the funnel outputs are unchanged. The reference
below is the numpy code it replaced."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wres import national


def numpy_overdispersion(points: list[tuple[float, float]], target_rl: float) -> tuple[float | None, float]:
    k = len(points)
    if k == 0:
        return None, 0.0
    theta = math.log(target_rl)
    y = np.array([math.log(rl) for rl, _ in points])
    s = np.array([se for _, se in points])
    z = (y - theta) / s
    low, high = np.percentile(z, [10, 90])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    if k < national.MIN_FUNNEL:
        return phi, 0.0
    w = 1 / s**2
    return phi, max(0.0, float((k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum())))


@pytest.mark.parametrize("k", [1, 2, 7, 8, 9, 10, 11, 16, 17, 127, 128, 129, 150, 257, 1000])
def test_same_bits_as_numpy(k: int) -> None:
    rng = random.Random(k)
    for _ in range(20):
        points = [(rng.lognormvariate(0, 0.5), rng.uniform(0.02, 0.9)) for _ in range(k)]
        target = rng.uniform(0.5, 2)
        assert national.overdispersion(points, target) == numpy_overdispersion(points, target)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 100), st.floats(0.001, 5)), min_size=1, max_size=300), st.floats(0.05, 20))
def test_same_bits_as_numpy_for_any_points(points: list[tuple[float, float]], target: float) -> None:
    assert national.overdispersion(points, target) == numpy_overdispersion(points, target)


def test_the_sum_is_numpys_pairwise_sum() -> None:
    rng = random.Random(5)
    for n in [*range(0, 40), 127, 128, 129, 255, 256, 257, 1001, 5000]:
        values = [rng.uniform(-1, 1) * 10 ** rng.uniform(-6, 6) for _ in range(n)]
        assert national._sum(values) == float(np.add.reduce(np.array(values, dtype=float)))
