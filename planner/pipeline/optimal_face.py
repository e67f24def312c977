"""The optimal face of an LP stage, read off one optimal vertex and its duals.

For an LP  min c'x  s.t.  lo <= A x <= hi,  lb <= x <= ub  with an optimal point x* and row duals
y (reduced costs d = c - A'y; y_i > 0 prices a row's lower bound, y_i < 0 its upper bound, as HiGHS
and PuLP's CBC report them for a minimisation), complementary slackness says that every optimal
point x satisfies

    d_j > 0  =>  x_j = lb_j,        d_j < 0  =>  x_j = ub_j,
    y_i > 0  =>  a_i x = lo_i,      y_i < 0  =>  a_i x = hi_i,

and that every feasible point satisfying them is optimal (its cost equals b'y + bound terms, the
dual value). So the optimal face, the set of plans a tie-break stage chooses among, is the feasible
set with those columns fixed at their bound and those rows made equalities: the same LP with most
of its columns fixed, which presolve shrinks to a few hundred rows. A tie-break stage solved on it
(``Objective.on_face`` in planner.pipeline.lexicographic) reaches the same optimum as on the full
program with the previous stage's value held, without the ill-conditioned hold row (cost
coefficients from 5e-7 to 6e2) that made that LP slow: the real sample's covered-deliveries stage
took 1.3-2.6 s of HiGHS, on the face 0.1 s.

The duals certify the point only where they are consistent with it: a column with a non-zero reduced
cost must sit at the bound its sign names, a row with a non-zero dual at the side its sign names.
:func:`restrict_to_face` checks that (within FACE_DUAL_TOL and FACE_BOUND_TOL) and returns None
otherwise (e.g. an interior point without crossover, or a solver's other sign convention): the
caller then solves the full program as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.model.lp import LinearProgram

#: reduced costs and row duals (objective units per unit) up to this are taken as 0. On the real
#: sample the computed reduced costs of columns that can move on the face are below 1e-13 and the
#: smallest real ones 1e-10 (HiGHS vertex): nothing that can move is fixed. A real one below it only
#: leaves a column free, which the stage's hold rows still keep on the face.
FACE_DUAL_TOL = 1e-9
#: a column or row activity within this x (1 + |bound|) of a bound counts as at that bound
FACE_BOUND_TOL = 1e-7


@dataclass
class Face:
    """A program restricted to an optimal face, with what was fixed (for the log)."""

    program: LinearProgram
    n_fixed_columns: int
    n_tight_rows: int


def reduced_costs(lp: LinearProgram, row_duals: np.ndarray) -> np.ndarray:
    """d = c - A'y for the LP's objective c and row duals y (objective units per unit of column)."""
    a = lp.arrays()
    at_y = np.bincount(a["col"], weights=a["val"] * np.asarray(row_duals, dtype=float)[a["row"]],
                       minlength=lp.n_vars)
    return a["cost"] - at_y


def _at(value: np.ndarray, bound: np.ndarray) -> np.ndarray:
    finite = np.isfinite(bound)
    return finite & (np.abs(value - np.where(finite, bound, 0.0)) <= FACE_BOUND_TOL * (1.0 + np.abs(
        np.where(finite, bound, 0.0))))


def restrict_to_face(program: LinearProgram, face_lp: LinearProgram, x: np.ndarray,
                     row_duals: np.ndarray) -> Face | None:
    """A copy of ``program`` restricted to the optimal face of ``face_lp`` at its optimal point ``x``
    with row duals ``row_duals`` (module docstring): every column whose reduced cost exceeds
    FACE_DUAL_TOL fixed at the bound ``x`` sits on, every row of ``face_lp`` whose dual exceeds it
    made an equality at the side ``x`` sits on. ``program`` has ``face_lp``'s columns and, first,
    its rows (later rows, e.g. the stages' hold rows, are kept as they are); its own bounds (e.g.
    integers fixed) are kept where they are tighter. None when the duals do not certify ``x``: a
    priced column or row off the bound its sign names."""
    n, m = face_lp.n_vars, face_lp.n_rows
    if program.n_vars != n or program.n_rows < m or len(row_duals) != m or program.row_keys[:m] != face_lp.row_keys:
        return None
    x = np.asarray(x, dtype=float)
    y = np.asarray(row_duals, dtype=float)
    d = reduced_costs(face_lp, y)
    lb, ub = np.asarray(face_lp.var_lb, dtype=float), np.asarray(face_lp.var_ub, dtype=float)
    at_lb, at_ub = _at(x, lb), _at(x, ub)
    up, down = d > FACE_DUAL_TOL, d < -FACE_DUAL_TOL  # priced towards the lower / upper bound
    if np.any(up & ~at_lb) or np.any(down & ~at_ub):
        return None
    act = face_lp.row_activity(x)
    lo, hi = np.asarray(face_lp.row_lo, dtype=float), np.asarray(face_lp.row_hi, dtype=float)
    row_lo_priced, row_hi_priced = y > FACE_DUAL_TOL, y < -FACE_DUAL_TOL
    at_lo, at_hi = _at(act, lo), _at(act, hi)
    if np.any(row_lo_priced & ~at_lo) or np.any(row_hi_priced & ~at_hi):
        return None
    restricted = LinearProgram(
        var_keys=program.var_keys, var_lb=list(program.var_lb), var_ub=list(program.var_ub),
        var_cost=list(program.var_cost), var_int=list(program.var_int), row_keys=program.row_keys,
        row_family=program.row_family, row_lo=list(program.row_lo), row_hi=list(program.row_hi),
        coo_row=program.coo_row, coo_col=program.coo_col, coo_val=program.coo_val, constant=program.constant,
        _var_index=program._var_index, _row_index=program._row_index,
    )
    fixed = np.flatnonzero((up | down) & (lb < ub))
    for j in fixed:
        v = float(lb[j] if up[j] else ub[j])
        restricted.var_lb[j] = restricted.var_ub[j] = min(max(v, restricted.var_lb[j]), restricted.var_ub[j])
    tight = np.flatnonzero((row_lo_priced | row_hi_priced) & (lo < hi))
    for i in tight:
        restricted.row_lo[i] = restricted.row_hi[i] = float(lo[i] if row_lo_priced[i] else hi[i])
    return Face(restricted, len(fixed), len(tight))


__all__ = ["FACE_BOUND_TOL", "FACE_DUAL_TOL", "Face", "reduced_costs", "restrict_to_face"]
