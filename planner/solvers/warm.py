"""A HiGHS model kept alive between solves: change bounds, right-hand sides and costs, re-solve warm.

Monte Carlo samples of one project differ only in a few hundred bounds, row bounds and costs
(commissioning delays move capacity right-hand sides and decision-year bounds; overruns scale
capex costs). :class:`WarmHighs` passes the matrix once and then applies each sample with
``changeColsBounds`` / ``changeRowsBounds`` / ``changeColsCost``; HiGHS re-solves an LP from the
previous basis (dual simplex after bound changes, primal after cost changes). For a MIP a start
point can be given (``set_start``). Every change is absolute (the caller sets the values it wants,
not deltas), so the order of samples never changes an answer beyond solver tolerances.
"""

from __future__ import annotations

import time

import numpy as np

from planner.model.lp import LinearProgram
from planner.progress import SolveState
from planner.solvers.backends import RawSolution, RawStatus, _new_highs, highs_model, highs_outcome


def _finite(a: np.ndarray) -> np.ndarray:
    import highspy

    a = np.asarray(a, dtype=np.float64)
    return np.where(np.isposinf(a), highspy.kHighsInf, np.where(np.isneginf(a), -highspy.kHighsInf, a))


class WarmHighs:
    """One highspy.Highs holding ``lp``; apply changes in place and :meth:`solve` again.

    ``algorithm``: "simplex" (default: warm starts need a basis) or "ipm" (no warm start; with
    ``crossover=False`` the duals are the interior point's, not a vertex's).
    """

    def __init__(self, lp: LinearProgram, *, algorithm: str = "simplex", crossover: bool = True,
                 threads: int | None = None, interruptible: bool = False) -> None:
        t0 = time.perf_counter()
        self.is_mip = lp.is_mip
        self.h = _new_highs()
        h = self.h
        h.setOptionValue("output_flag", False)
        if threads:
            h.setOptionValue("threads", int(threads))
        if not self.is_mip and algorithm in ("simplex", "ipm"):
            h.setOptionValue("solver", algorithm)
            if algorithm == "ipm" and not crossover:
                h.setOptionValue("run_crossover", "off")
        h.passModel(highs_model(lp))
        # An interruptible solve polls a Python callback thousands of times per solve (about 8 % of a
        # 0.1 s sample re-solve); short re-solves are cancelled between samples instead.
        self.interruptible = interruptible
        if interruptible:
            h.HandleUserInterrupt = True
        self.handoff_seconds = time.perf_counter() - t0
        self.n_solves = 0

    # ------------------------------------------------------------------ changes
    def set_col_bounds(self, cols: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> None:
        cols = np.asarray(cols, dtype=np.int32)
        if cols.size:
            self.h.changeColsBounds(int(cols.size), cols, _finite(lb), _finite(ub))

    def set_col_costs(self, cols: np.ndarray, cost: np.ndarray) -> None:
        cols = np.asarray(cols, dtype=np.int32)
        if cols.size:
            self.h.changeColsCost(int(cols.size), cols, np.asarray(cost, dtype=np.float64))

    def set_row_bounds(self, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.int32)
        if rows.size:
            self.h.changeRowsBounds(int(rows.size), rows, _finite(lo), _finite(hi))

    def set_coeffs(self, rows, cols, vals) -> None:
        for i, j, v in zip(rows, cols, vals):
            self.h.changeCoeff(int(i), int(j), float(v))

    def set_offset(self, constant: float) -> None:
        self.h.changeObjectiveOffset(float(constant))

    def set_start(self, x: np.ndarray) -> None:
        """A MIP start (a feasible point speeds branch and bound; an infeasible one is ignored)."""
        import highspy

        sol = highspy.HighsSolution()
        sol.col_value = list(map(float, x))
        sol.value_valid = True
        self.h.setSolution(sol)

    def basis(self):
        """The current simplex basis (a highspy.HighsBasis), or None when there is none."""
        b = self.h.getBasis()
        return b if b.valid else None

    def set_basis(self, basis) -> None:
        """Start the next simplex solve from ``basis`` (from :meth:`basis` of this model)."""
        if basis is not None:
            self.h.setBasis(basis)

    # -------------------------------------------------------------------- solve
    def solve(self, time_limit_s: float, state: SolveState | None = None, mip_gap: float = 1e-4) -> RawSolution:
        """Re-solve with the current data; duals are read back for LPs (free after simplex)."""
        state = state or SolveState()
        h = self.h
        h.setOptionValue("time_limit", float(time_limit_s))
        if self.is_mip:
            h.setOptionValue("mip_rel_gap", float(mip_gap))
        hook = h.cancelSolve
        if self.interruptible:
            state.cancel_hooks.append(hook)
        try:
            if state.cancel_requested:
                return RawSolution(RawStatus.CANCELLED, message="cancelled before solving")
            t1 = time.perf_counter()
            h.run()
            seconds = time.perf_counter() - t1
        finally:
            if self.interruptible:
                state.cancel_hooks.remove(hook)
        self.n_solves += 1
        return highs_outcome(h, state, seconds, 0.0, [])


__all__ = ["WarmHighs"]
