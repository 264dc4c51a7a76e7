"""Linear programmes for the disclosure audit, solved by HiGHS through its own Python package, highspy.

Why not scipy.optimize.linprog, which runs the same solver: importing scipy.optimize takes about 0.7 s, more
than everything else `wres metrics` does for a return of 425 staff. highspy's compiled module loads in about
10 ms; it is loaded here without highspy's package __init__, which imports numpy (about 0.1 s) for helpers
this module does not use (the compiled classes take and give plain lists). The programme is posed to HiGHS as
scipy poses it (rows `lower <= A x <= upper`, inequalities first, column-wise; dual simplex, presolve on), so
that solutions, duals included, are the ones the audit has always read.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

Row = dict[int, float]  # column → coefficient


def _load_core() -> ModuleType:
    """highspy's compiled core (`highspy._core`), registered under its own name so that a later
    `import highspy` reuses it rather than loading the extension twice."""
    if "highspy._core" in sys.modules:
        return sys.modules["highspy._core"]
    spec = importlib.util.find_spec("highspy")  # finds the package without running its __init__
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / f"_core{suffix}"
            if path.exists():
                core_spec = importlib.util.spec_from_file_location("highspy._core", path)
                if core_spec is None or core_spec.loader is None:
                    continue
                core = importlib.util.module_from_spec(core_spec)
                sys.modules["highspy._core"] = core
                core_spec.loader.exec_module(core)
                return core
    from highspy import _core  # laid out otherwise: through the package (numpy comes with it)

    return _core


_core: ModuleType | None = None


def core() -> ModuleType:
    global _core
    if _core is None:
        _core = _load_core()
    return _core


@dataclass(frozen=True)
class Solution:
    optimal: bool
    x: list[float]
    fun: float
    ub_duals: list[float]  # one per inequality row (≤ 0 for a binding one in a minimisation)
    eq_duals: list[float]  # one per equality row


class Programme:
    """min c·x subject to A_ub x ≤ b_ub, A_eq x = b_eq, lower ≤ x ≤ upper, over `n` columns; solved afresh per
    objective (a warm start could end at another optimal vertex, with other duals)."""

    def __init__(self, n: int, ub: list[tuple[Row, float]], eq: list[tuple[Row, float]], lower: float, upper: float):
        h = core()
        inf = h.kHighsInf
        rows = [*ub, *eq]
        self.n, self.n_ub = n, len(ub)
        columns: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        for i, (coefs, _) in enumerate(rows):
            for j, c in coefs.items():
                if c:
                    columns[j].append((i, c))
        # The columns are added one by one (scalars) and the LP read back, because setting HighsLp.col_cost_
        # from Python goes through numpy, which this module avoids; the costs are set per solve, likewise.
        maker = h._Highs()
        maker.setOptionValue("output_flag", False)
        for _ in range(n):
            maker.addVar(float(lower), float(upper))
        lp = maker.getLp()
        lp.num_row_ = len(rows)
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, len(rows)
        lp.a_matrix_.format_ = h.MatrixFormat.kColwise
        starts, index, value = [0], [], []
        for col in columns:
            col.sort()
            index += [i for i, _ in col]
            value += [c for _, c in col]
            starts.append(len(index))
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = starts, index, value
        lp.row_lower_ = [-inf] * len(ub) + [float(b) for _, b in eq]
        lp.row_upper_ = [float(b) for _, b in rows]
        self._lp = lp
        self._bounds = (float(lower), float(upper))
        self._warm: Any = None  # one solver kept for `best` and `fix`, starting each solve where the last ended
        self._costs: list[int] = []

    def _solver(self) -> Any:
        if self._warm is None:
            self._warm = core()._Highs()
            self._warm.setOptionValue("output_flag", False)
            self._warm.passModel(self._lp)
        return self._warm

    def fix(self, j: int, value: float | None) -> None:
        """Fix a column at a value (None: free it again), for `best` only."""
        lower, upper = self._bounds if value is None else (float(value), float(value))
        self._solver().changeColBounds(j, lower, upper)

    def best(self, objective: dict[int, float]) -> tuple[bool, list[float]]:
        """Whether an optimum was found, and one: the optimal value is the same as `solve`'s, the vertex (and its
        duals) perhaps not, since the solver starts from the last one (several times faster in a sequence)."""
        h, highs = core(), self._solver()
        for j in self._costs:
            highs.changeColCost(j, 0.0)
        self._costs = [j for j, c in objective.items() if c]
        for j in self._costs:
            highs.changeColCost(j, float(objective[j]))
        highs.run()
        if highs.getModelStatus() != h.HighsModelStatus.kOptimal:
            return False, []
        return True, list(highs.getSolution().col_value)

    def solve(self, objective: dict[int, float]) -> Solution:
        """Minimise the sum of coefficient × column over the columns named (every other costs nothing)."""
        h = core()
        highs = h._Highs()
        for name, value in (("output_flag", False), ("log_to_console", False), ("presolve", "on"),
                            ("simplex_strategy", int(h.simplex_constants.SimplexStrategy.kSimplexStrategyDual)),
                            ("highs_debug_level", 0)):
            highs.setOptionValue(name, value)
        highs.passModel(self._lp)
        for j, c in sorted(objective.items()):
            if c:
                highs.changeColCost(j, float(c))
        highs.run()
        if highs.getModelStatus() != h.HighsModelStatus.kOptimal:
            return Solution(False, [], float("nan"), [], [])
        solution: Any = highs.getSolution()
        duals = list(solution.row_dual)
        return Solution(True, list(solution.col_value), highs.getInfo().objective_function_value,
                        duals[: self.n_ub], duals[self.n_ub:])
