"""Lexicographic (pre-emptive) multi-objective solving on a LinearProgram, with any backend.

Given objectives c_1, c_2, ..., c_K in priority order, stage k solves

    v_k = min c_k'x   s.t.  the model's rows,  c_j'x <= v_j + tol_j  for every earlier stage j < k

and then holds its own value for the later stages with the row ``objective_hold`` (key = the
stage name):  c_k'x <= v_k + tol_k,  tol_k = max(rel_tol x |v_k|, abs_tol).  The tolerance keeps
later stages feasible despite the solver's own feasibility tolerances; it is the only amount by
which a later (cheaper) stage may give back an earlier objective, and the hold rows are checked
by the independent verifier like every other row.

Stages can be skipped, never guessed:

- ``lower_bound``: a stage whose value at the current point already equals its known lower bound
  (e.g. 0 t of shortfall) is optimal without solving;
- ``initial`` + ``initial_stage``: a point that is optimal for stage k's objective on the model
  *without* hold rows is optimal for stage k when every earlier stage was certified at that point
  (adding rows the point satisfies cannot make a better point appear);
- ``skip_if_zero``: a tie-break stage is skipped when the expression it exists to drive to zero
  is zero already.

``fix_integers`` solves a stage with the integer variables fixed at the previous point (an LP),
``fix_columns`` with the listed columns fixed too, ``fix_sums`` with sums of column groups fixed
(within 1e-7 relative): for tie-break stages that must not revisit investment decisions or
quantities.

HiGHS >= 1.8 also offers lexicographic objectives natively (``Highs.addLinearObjective`` with
priorities and tolerances, present in the installed highspy 1.16); we solve stage by stage so that
CBC and HiGHS apply exactly the same tolerances and every stage's point can be verified.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from planner.model.lp import LinearProgram
from planner.pipeline.optimal_face import restrict_to_face
from planner.pipeline.verify import worst_violation
from planner.progress import SolveState
from planner.solvers.backends import IPM_NO_CROSSOVER_COLUMNS, RawSolution, RawStatus, solve_lp

HOLD_FAMILY = "objective_hold"
FIX_FAMILY = "objective_fix"
FIX_SUM_REL_TOL = 1e-7
#: scaled violation (as planner.pipeline.verify measures it) up to which a point of a stage solved
#: without its hold rows (Objective.holds_implied) counts as meeting them; the verifier's tolerance
HOLD_CHECK_TOL = 1e-6
#: share of each earlier hold's tolerance a ``tight_holds`` stage may add to the previous point's value
#: of that hold (1e-3 x $1 on the cost hold: room for floating-point noise, none to buy a gain with)
TIGHT_HOLD_SHARE = 1e-3


@dataclass
class Objective:
    """One stage: minimise ``cost`` (dict column -> coefficient, or a dense vector) + constant."""

    name: str
    cost: dict[int, float] | np.ndarray
    rel_tol: float = 1e-6
    abs_tol: float = 1e-6
    lower_bound: float | None = None  # a value no point can beat (certifies a stage without solving)
    fix_integers: bool = False  # solve with integers fixed at the previous stage's point
    constant: float = 0.0
    # skip the stage (keep the current point; its hold is its value there) when this non-negative
    # expression is already 0 there: for tie-break stages that only matter when something is off
    skip_if_zero: dict[int, float] | None = None
    fix_columns: list[int] | None = None  # also fix these columns at the previous stage's point
    # groups of columns whose sum is fixed at the previous point (within 1e-7 relative; rows of family
    # ``objective_fix`` in this stage's program only): e.g. clean + covered of one flow, so that a
    # labelling stage can change classes but not quantities
    fix_sums: list[list[int]] | None = None
    solver: str | None = None  # this stage's solver when not the sequence's (e.g. HiGHS for a tie-break LP)
    # a tie-break stage whose failure keeps the previous point (logged, status unchanged)
    optional: bool = False
    # the stage's fixed columns and sums already pin every earlier stage's objective (e.g. the label
    # stage: every quantity fixed, costs independent of class): it is solved without the hold rows,
    # whose mixed magnitudes (cost coefficients 5e-7..6e2) make the LP ill-conditioned, and its point
    # is then checked against every hold; if one is missed by more than HOLD_CHECK_TOL the stage is
    # solved again with them
    holds_implied: bool = False
    # a tie-break stage whose point improves on the previous point's value by less than this keeps
    # the previous point: a gain that small comes from spending the earlier holds' tolerances (e.g.
    # $1 of the cost hold to shift 1e-4 t), not from a real tie between plans
    min_gain: float = 0.0
    # solve with every earlier hold at its value at the previous point + TIGHT_HOLD_SHARE of its
    # tolerance (a tie-break among plans of equal cost must not buy its gain with the holds' slack,
    # e.g. the cost hold's $1); the previous point meets these rows; infeasible -> the stage is
    # skipped (never loosened)
    tight_holds: bool = False
    # solve on the optimal face of the previous stage (planner.pipeline.optimal_face): its columns with
    # a non-zero reduced cost fixed at their bound and its priced rows made equalities, from that
    # stage's LP duals (its LP with integers fixed is solved for them when it was a MILP or certified:
    # LexResult.face, which the caller can reuse for marginal costs); the hold rows stay. The full
    # program is solved instead when the duals do not certify the point or the face LP fails
    on_face: bool = False

    def dense(self, n: int) -> np.ndarray:
        if isinstance(self.cost, np.ndarray):
            return np.asarray(self.cost, dtype=float)
        c = np.zeros(n)
        for j, v in self.cost.items():
            c[j] += v
        return c

    def tolerance(self, value: float) -> float:
        return max(self.rel_tol * abs(value), self.abs_tol)


@dataclass
class StageResult:
    name: str
    value: float | None  # c_k'x at the stage's point (+ constant)
    hold: float | None  # the bound the later stages keep: value + tolerance
    solved: bool  # False when certified without a solve
    raw: RawSolution | None
    program: LinearProgram  # the program this stage optimised (its objective and earlier holds)


@dataclass
class FaceSource:
    """The LP whose optimal face an ``on_face`` stage is solved on (planner.pipeline.optimal_face)."""

    stage: str  # the stage whose face it is (the one before the ``on_face`` stage)
    program: LinearProgram  # that stage's program (objective and holds), integers fixed at its point
    raw: RawSolution  # its optimal point and row duals


@dataclass
class LexResult:
    status: RawStatus  # OPTIMAL when every stage is; else the first non-optimal stage's status
    x: np.ndarray | None  # the last stage's point (satisfies every hold row)
    program: LinearProgram  # the final program: the model plus every hold row, last objective
    stages: list[StageResult] = field(default_factory=list)
    seconds: float = 0.0
    handoff_seconds: float = 0.0
    message: str = ""
    log: list[str] = field(default_factory=list)
    face: FaceSource | None = None  # the last face LP solved for an ``on_face`` stage

    def stage(self, name: str) -> StageResult:
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)


def with_objective(lp: LinearProgram, cost: np.ndarray, constant: float = 0.0) -> LinearProgram:
    """A copy of ``lp`` (rows and bounds copied, so rows can be added) with another objective."""
    return LinearProgram(
        var_keys=lp.var_keys, var_lb=list(lp.var_lb), var_ub=list(lp.var_ub), var_cost=[float(v) for v in cost],
        var_int=list(lp.var_int), row_keys=list(lp.row_keys), row_family=list(lp.row_family),
        row_lo=list(lp.row_lo), row_hi=list(lp.row_hi), coo_row=list(lp.coo_row), coo_col=list(lp.coo_col),
        coo_val=list(lp.coo_val), constant=constant, _var_index=lp._var_index, _row_index=dict(lp._row_index),
    )


def without_family(lp: LinearProgram, family: str) -> LinearProgram:
    """A copy of ``lp`` without the rows of ``family`` (columns, bounds and objective unchanged)."""
    keep = [i for i, fam in enumerate(lp.row_family) if fam != family]
    new_index = np.full(lp.n_rows, -1, dtype=np.int64)
    new_index[keep] = np.arange(len(keep))
    rows = np.asarray(lp.coo_row, dtype=np.int64)
    mask = new_index[rows] >= 0 if len(rows) else np.zeros(0, dtype=bool)
    copy = with_objective(lp, np.asarray(lp.var_cost), lp.constant)
    copy.row_keys = [lp.row_keys[i] for i in keep]
    copy.row_family = [lp.row_family[i] for i in keep]
    copy.row_lo = [lp.row_lo[i] for i in keep]
    copy.row_hi = [lp.row_hi[i] for i in keep]
    copy.coo_row = new_index[rows[mask]].tolist()
    copy.coo_col = np.asarray(lp.coo_col, dtype=np.int64)[mask].tolist()
    copy.coo_val = np.asarray(lp.coo_val, dtype=np.float64)[mask].tolist()
    copy._row_index = {key: int(new_index[i]) for key, i in lp._row_index.items() if new_index[i] >= 0}
    return copy


def fix_integers(lp: LinearProgram, x: np.ndarray) -> LinearProgram:
    """Copy of ``lp`` with integer variables fixed at their rounded values in ``x`` (an LP)."""
    fixed = with_objective(lp, np.asarray(lp.var_cost), lp.constant)
    for j, is_int in enumerate(lp.var_int):
        if is_int:
            v = float(round(x[j]))
            fixed.var_lb[j] = fixed.var_ub[j] = v
            fixed.var_int[j] = False
    return fixed


#: A later stage that the solver calls infeasible (impossible in exact arithmetic: the previous
#: point satisfies every hold) is retried once with every hold loosened by this many tolerances.
RETRY_LOOSEN = 100.0


def _hold(work: LinearProgram, obj: Objective, c: np.ndarray, value: float, tolerances: dict[int, float]) -> float:
    tol = obj.tolerance(value)
    bound = value + tol
    terms = {int(j): float(c[j]) for j in np.flatnonzero(c)}
    i = work.add_row(HOLD_FAMILY, (obj.name,), terms, hi=bound - obj.constant)
    if i is not None:
        tolerances[i] = tol
    return bound


#: Bound violations up to this (absolute, x (1 + |bound|)) are solver noise and snapped to the
#: bound (CBC returns e.g. -3e-6 for a flow in tightly held stages); larger ones are left for the
#: verifier to refuse.
SNAP_TOL = 1e-5


def _snap_to_bounds(lp: LinearProgram, x: np.ndarray) -> np.ndarray:
    lb, ub = np.asarray(lp.var_lb), np.asarray(lp.var_ub)
    x = np.array(x, dtype=float)
    low = (x < lb) & (lb - x <= SNAP_TOL * (1.0 + np.abs(np.where(np.isinf(lb), 0.0, lb))))
    high = (x > ub) & (x - ub <= SNAP_TOL * (1.0 + np.abs(np.where(np.isinf(ub), 0.0, ub))))
    x[low] = lb[low]
    x[high] = ub[high]
    return x


def tidy_point(lp: LinearProgram, x: np.ndarray) -> np.ndarray:
    """``x`` with solver-noise bound violations snapped to the bounds, unless snapping makes the
    point worse: a snapped column moves every row it is in (by up to SNAP_TOL x its coefficient),
    so a point that HiGHS returned within its 1e-7 tolerances on rows and bounds can leave a mass
    balance 1e-6 t out once its -1e-7 flows are set to 0 (seen on the real sample's
    demand_surge label stage). The point with the smaller worst violation is kept."""
    snapped = _snap_to_bounds(lp, x)
    if np.array_equal(snapped, x):
        return snapped
    return snapped if worst_violation(lp, snapped) <= worst_violation(lp, x) else np.array(x, dtype=float)


def _loosen(programs: list[LinearProgram], tolerances: dict[int, float]) -> None:
    for prog in programs:
        for i, tol in tolerances.items():
            if i < prog.n_rows:
                prog.row_hi[i] += RETRY_LOOSEN * tol


#: s: a stage is not started with less than this left of the whole solve's limit
MIN_STAGE_SECONDS = 0.01


def _solve_stage(program: LinearProgram, solver: str, remaining: float, mip_gap: float, state: SolveState,
                 presolve: bool) -> RawSolution:
    """One stage's solve within what is left of the whole limit; NO_SOLUTION without starting the
    solver when nothing is left (the stages share ``time_limit_s``; none gets a minimum of its own)."""
    if remaining < MIN_STAGE_SECONDS:
        return RawSolution(RawStatus.NO_SOLUTION, message="the time limit ran out before this stage started")
    return solve_lp(program, solver, remaining, mip_gap, state, presolve=presolve)


#: a stage's point that misses a row or bound of its own program by more than this (the verifier
#: refuses 1e-6) is solved again without HiGHS's presolve. Seen on the real sample over 60 years: the
#: least-activity stage (an LP of 100,642 columns, most fixed) came back "optimal" 1.585e-6 t off a
#: balance row with presolve, any tolerance or algorithm; 9.5e-9 without presolve (50 s instead of 13).
POINT_RETRY_TOL = 5e-7


def _retry_without_presolve(program: LinearProgram, raw: RawSolution, solver: str, deadline: float, mip_gap: float,
                            state: SolveState, name: str, result: "LexResult") -> RawSolution:
    """``raw``, or the stage solved again without HiGHS's presolve when ``raw``'s point misses its own
    program by more than POINT_RETRY_TOL (LP stages with HiGHS only; the better point is kept)."""
    if (raw.x is None or raw.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) or program.is_mip
            or not solver.startswith("highs")):
        return raw
    missed = worst_violation(program, tidy_point(program, raw.x))
    if missed <= POINT_RETRY_TOL:
        return raw
    remaining = deadline - time.perf_counter()
    if remaining < MIN_STAGE_SECONDS:
        return raw
    state.log(f"stage {name!r}: the solver's point misses a row by {missed:.3g}; solving it again without presolve")
    again = solve_lp(program, solver, remaining, mip_gap, state, highs_presolve=False)
    result.seconds += again.seconds
    result.handoff_seconds += again.handoff_seconds
    result.log.extend(again.log)
    if again.x is None or again.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE):
        return raw
    return again if worst_violation(program, tidy_point(program, again.x)) < missed else raw


def _face_source(lp: LinearProgram, objectives: list[Objective], result: "LexResult", x: np.ndarray,
                 initial: RawSolution | None, initial_stage: int | None, solver: str, deadline: float,
                 mip_gap: float, state: SolveState) -> FaceSource | None:
    """The last stage's LP with an optimal vertex and row duals, for the next stage's face: its own
    solve when it was an LP; else its program with integers fixed at its point, solved here (for a
    stage certified by the ``initial`` point: ``lp`` with that stage's objective, as the caller's
    marginal costs use it). None when that stage has no value (skipped) or the LP is too large for a
    vertex (HiGHS's interior point without crossover) or is not solved to optimality."""
    k = len(result.stages) - 1
    prev = result.stages[k]
    if prev.value is None or (solver.startswith("highs") and lp.n_vars > IPM_NO_CROSSOVER_COLUMNS):
        return None
    if prev.solved and prev.raw is not None:
        program, at = prev.program, prev.raw
    elif k == initial_stage and initial is not None:
        program, at = with_objective(lp, objectives[k].dense(lp.n_vars), objectives[k].constant), initial
    else:
        program, at = prev.program, None
    if not program.is_mip and at is not None:
        ok = at.status is RawStatus.OPTIMAL and at.x is not None and at.row_duals is not None
        return FaceSource(prev.name, program, at) if ok else None
    fixed = fix_integers(program, at.x if at is not None and at.x is not None else x)
    remaining = deadline - time.perf_counter()
    if remaining < MIN_STAGE_SECONDS:
        return None
    raw = solve_lp(fixed, solver, remaining, mip_gap, state)
    result.seconds += raw.seconds
    result.handoff_seconds += raw.handoff_seconds
    result.log.extend(raw.log)
    if raw.status is not RawStatus.OPTIMAL or raw.x is None or raw.row_duals is None:
        state.log(f"stage {prev.name!r} with integers fixed: {raw.message or raw.status.value}; no face")
        return None
    return FaceSource(prev.name, fixed, raw)


def _solve_on_face(program: LinearProgram, obj: Objective, face: FaceSource | None, solver: str, deadline: float,
                   mip_gap: float, state: SolveState, result: "LexResult") -> tuple[RawSolution, LinearProgram] | None:
    """``obj``'s stage solved on ``face``'s optimal face (``program`` restricted by
    planner.pipeline.optimal_face.restrict_to_face, with the simplex for HiGHS: presolve leaves a
    small LP); None when the duals do not certify the face or that LP has no optimum (the caller
    then solves ``program`` itself)."""
    if face is None:
        return None
    restricted = restrict_to_face(program, face.program, face.raw.x, face.raw.row_duals)
    if restricted is None:
        state.log(f"stage {obj.name!r}: the duals of {face.stage!r} do not certify its point; solving the full program")
        return None
    state.log(f"stage {obj.name!r} on the optimal face of {face.stage!r}: {restricted.n_fixed_columns:,} columns "
              f"fixed, {restricted.n_tight_rows:,} rows tight")
    raw = _solve_stage(restricted.program, "highs-simplex" if solver.startswith("highs") else solver,
                       deadline - time.perf_counter(), mip_gap, state, True)
    result.seconds += raw.seconds
    result.handoff_seconds += raw.handoff_seconds
    result.log.extend(raw.log)
    if raw.status is not RawStatus.OPTIMAL or raw.x is None:
        state.log(f"stage {obj.name!r} on the face: {raw.message or raw.status.value}; solving the full program")
        return None
    return raw, restricted.program


def solve_lexicographic(
    lp: LinearProgram,
    objectives: list[Objective],
    solver: str,
    time_limit_s: float,
    mip_gap: float,
    state: SolveState | None = None,
    initial: RawSolution | None = None,
    initial_stage: int | None = None,
) -> LexResult:
    """Solve ``objectives`` in order on ``lp`` (which is not modified); see the module docstring.

    ``time_limit_s`` bounds the whole sequence; each stage gets what is left. A stage that stops
    early with a point keeps going with the later stages (status FEASIBLE); a stage without a
    point ends the sequence and returns the last point found (which satisfies every hold so far).
    """
    state = state or SolveState()
    deadline = time.perf_counter() + time_limit_s
    n = lp.n_vars
    work = with_objective(lp, np.zeros(n))
    result = LexResult(RawStatus.OPTIMAL, None, work)
    x = initial.x if initial is not None and initial.x is not None else None
    all_certified = x is not None and initial.status is RawStatus.OPTIMAL
    tolerances: dict[int, float] = {}  # hold row -> its tolerance (for one loosened retry)
    for k, obj in enumerate(objectives):
        c = obj.dense(n)
        program = with_objective(work, c, obj.constant)
        # not c @ x: see lp.objective_value
        value = float(np.multiply(c, x).sum() + obj.constant) if x is not None else None
        certified = (
            x is not None and obj.lower_bound is not None and value <= obj.lower_bound + obj.tolerance(obj.lower_bound)
        ) or (all_certified and k == initial_stage)
        if not certified and x is not None and obj.skip_if_zero is not None:
            certified = sum(v * float(x[j]) for j, v in obj.skip_if_zero.items()) <= obj.abs_tol
        raw = None
        if not certified:
            all_certified = False
            if obj.fix_integers and x is not None and program.is_mip:
                program = fix_integers(program, x)
            if (obj.fix_columns or obj.fix_sums) and x is not None:
                program = with_objective(program, np.asarray(program.var_cost), program.constant)
                for j in obj.fix_columns or ():
                    v = min(max(float(x[j]), program.var_lb[j]), program.var_ub[j])
                    program.var_lb[j] = program.var_ub[j] = v
                for g, cols in enumerate(obj.fix_sums or ()):
                    total = float(sum(x[j] for j in cols))
                    tol = FIX_SUM_REL_TOL * max(1.0, abs(total))
                    program.add_row(FIX_FAMILY, (obj.name, g), {j: 1.0 for j in cols}, lo=total - tol, hi=total + tol)
            if obj.tight_holds and tolerances and x is not None:
                program = with_objective(program, np.asarray(program.var_cost), program.constant)
                at_x = program.row_activity(np.asarray(x, dtype=float))
                for i, tol in tolerances.items():
                    program.row_hi[i] = min(program.row_hi[i], float(at_x[i]) + TIGHT_HOLD_SHARE * tol)
            remaining = deadline - time.perf_counter()  # the stages share the limit: no minimum per stage
            state.log(f"lexicographic stage {k + 1}/{len(objectives)}: minimise {obj.name}")
            presolve = not obj.fix_sums  # CBC's postsolve is sloppy (~1e-6) on such tightly fixed LPs
            stage_solver = obj.solver or solver
            # no MIP start from the previous point: it measured no faster here, and it steers a
            # stage towards that point's arbitrary choices (e.g. free surplus output)
            raw = None
            if obj.holds_implied and tolerances and x is not None:
                raw = _solve_stage(without_family(program, HOLD_FAMILY), stage_solver, remaining, mip_gap, state,
                                   presolve)
                result.seconds += raw.seconds
                result.handoff_seconds += raw.handoff_seconds
                result.log.extend(raw.log)
                missed = (worst_violation(program, tidy_point(program, raw.x)) if raw.x is not None
                          and raw.status in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) else None)
                if missed is None or missed > HOLD_CHECK_TOL:
                    state.log(f"stage {obj.name!r} without its hold rows: "
                              + ("no point" if missed is None else f"misses a hold by {missed:.3g}")
                              + "; solving again with them")
                    raw = None
                    remaining = deadline - time.perf_counter()
            solved_program = program  # the program the stage's point comes from
            if raw is None and obj.on_face and x is not None and result.stages:
                if result.face is None or result.face.stage != result.stages[-1].name:
                    result.face = _face_source(lp, objectives, result, x, initial, initial_stage, solver, deadline,
                                               mip_gap, state)
                on_face = _solve_on_face(program, obj, result.face, stage_solver, deadline, mip_gap, state, result)
                if on_face is not None:
                    raw, solved_program = on_face
                    stage_solver = "highs-simplex" if stage_solver.startswith("highs") else stage_solver
                remaining = deadline - time.perf_counter()
            if raw is None:
                raw = _solve_stage(program, stage_solver, remaining, mip_gap, state, presolve)
                result.seconds += raw.seconds
                result.handoff_seconds += raw.handoff_seconds
                result.log.extend(raw.log)
            if raw.status is RawStatus.INFEASIBLE and (tolerances or obj.fix_sums) and x is not None \
                    and not obj.tight_holds:  # a tight tie-break stage is skipped, never loosened
                state.log(f"stage {obj.name!r} infeasible within the solver's tolerances; "
                          f"retrying with the held values loosened by {RETRY_LOOSEN:g} tolerances")
                _loosen([program, work], tolerances)
                for i, fam in enumerate(program.row_family):  # and the quantities a stage keeps
                    if fam == FIX_FAMILY:
                        half = 0.5 * (program.row_hi[i] - program.row_lo[i])
                        program.row_lo[i] -= RETRY_LOOSEN * half
                        program.row_hi[i] += RETRY_LOOSEN * half
                for st in result.stages:
                    if st.hold is not None:
                        st.hold += RETRY_LOOSEN * (st.hold - st.value)
                tolerances = {}
                raw = _solve_stage(program, stage_solver, deadline - time.perf_counter(), mip_gap, state, presolve)
                result.seconds += raw.seconds
                result.handoff_seconds += raw.handoff_seconds
                result.log.extend(raw.log)
            raw = _retry_without_presolve(solved_program, raw, stage_solver, deadline, mip_gap, state, obj.name, result)
            if (raw.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) or raw.x is None) and obj.optional \
                    and x is not None and raw.status is not RawStatus.CANCELLED:
                state.log(f"optional stage {obj.name!r} not solved ({raw.message}); keeping the previous point")
                result.message = f"optional stage {obj.name!r} skipped: {raw.message}"
                result.stages.append(StageResult(obj.name, None, None, False, raw, program))
                continue
            if raw.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) or raw.x is None:
                if raw.status is RawStatus.NO_SOLUTION and x is not None:
                    # out of time: the previous stage's point satisfies every hold so far
                    result.status = RawStatus.FEASIBLE
                else:
                    result.status = raw.status
                result.message = f"stage {obj.name!r}: {raw.message}"
                result.stages.append(StageResult(obj.name, None, None, True, raw, program))
                break
            if raw.status is RawStatus.FEASIBLE and result.status is RawStatus.OPTIMAL:
                result.status = RawStatus.FEASIBLE
                result.message = f"stage {obj.name!r} stopped early: {raw.message}"
            previous = x
            x = tidy_point(program, raw.x)
            value = float(np.multiply(c, x).sum() + obj.constant)
            if obj.min_gain > 0 and previous is not None:
                before = float(np.multiply(c, previous).sum() + obj.constant)
                if before - value < obj.min_gain:
                    state.log(f"stage {obj.name!r} gains {before - value:.3g} < {obj.min_gain:g}: "
                              "keeping the previous point")
                    x, value = previous, before
        else:
            state.log(f"lexicographic stage {k + 1}/{len(objectives)}: {obj.name} = {value:.6g} "
                      "(certified, not re-solved)")
        hold = _hold(work, obj, c, value, tolerances) if k < len(objectives) - 1 else None
        result.stages.append(StageResult(obj.name, value, hold, not certified, raw, program))
    result.x = x
    if objectives:
        work.var_cost = [float(v) for v in objectives[-1].dense(n)]
        work.constant = objectives[-1].constant
    return result


__all__ = ["HOLD_FAMILY", "FaceSource", "LexResult", "Objective", "StageResult", "fix_integers", "solve_lexicographic",
           "tidy_point", "with_objective", "without_family", "worst_violation"]
