"""wres.lp: the audit's linear programmes. The warm-started solver (`best`, `fix`) that disclosure control uses
to try publishing counts again must reach the same optimum as a cold solve and as scipy's linprog."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from wres import lp

N = 5
coef = st.integers(-2, 2)
row = st.tuples(st.lists(coef, min_size=N, max_size=N), st.integers(0, 30))


def _rows(rows: list[tuple[list[int], int]]) -> list[tuple[dict[int, float], float]]:
    return [({j: float(c) for j, c in enumerate(cs) if c}, float(b)) for cs, b in rows]


@settings(max_examples=150, deadline=None)
@given(st.lists(row, max_size=3), st.lists(row, max_size=2), st.lists(st.lists(coef, min_size=N, max_size=N), min_size=1, max_size=4),
       st.integers(0, N - 1), st.integers(0, 20))
def test_warm_solves_reach_the_cold_optimum(ub: list, eq: list, objectives: list[list[int]], fixed: int, at: int) -> None:
    prog = lp.Programme(N, _rows(ub), _rows(eq), 0, 100)
    bounds = [(0, 100)] * N
    for step, c in enumerate(objectives):
        if step == 1:  # from the second objective on, one column is fixed: a count published again
            prog.fix(fixed, at)
            bounds[fixed] = (at, at)
        if step == 3:
            prog.fix(fixed, None)
            bounds[fixed] = (0, 100)
        ok, x = prog.best({j: float(v) for j, v in enumerate(c)})
        ref = linprog(c, A_ub=[cs for cs, _ in ub] or None, b_ub=[b for _, b in ub] or None,
                      A_eq=[cs for cs, _ in eq] or None, b_eq=[b for _, b in eq] or None, bounds=bounds, method="highs")
        assert ok == (ref.status == 0)
        if ok:
            assert math.isclose(sum(v * xj for v, xj in zip(c, x)), ref.fun, abs_tol=1e-6)
            assert all(lo - 1e-6 <= xj <= hi + 1e-6 for xj, (lo, hi) in zip(x, bounds))
            if step == 0:  # nothing fixed: the cold solve agrees too
                cold = prog.solve({j: float(v) for j, v in enumerate(c)})
                assert cold.optimal and math.isclose(cold.fun, ref.fun, abs_tol=1e-6)
