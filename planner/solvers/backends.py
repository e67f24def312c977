"""Hand a LinearProgram to a solver and read back the point, duals and the true status.

- HiGHS: the whole column-wise sparse matrix is passed to highspy in one call (no per-row
  Python loop); a running solve stops on ``cancelSolve()`` (registered as a cancel hook).
- CBC: a PuLP problem is built from tuple lists (``LpAffineExpression`` with merged
  coefficients) and solved by PuLP's bundled CBC; cancel kills the CBC child process.

PuLP reports time-limited and interrupted runs as "Optimal"; we read ``sol_status`` (and
HiGHS's model status) instead and map them to :class:`RawStatus`. Callers still verify the point.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from planner.model.lp import INF, LinearProgram
from planner.progress import SolveState


class RawStatus(str, Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # stopped early (time limit) with a solution
    NO_SOLUTION = "no_solution"  # stopped early without a solution
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    CANCELLED = "cancelled"
    ERROR = "error"


@dataclass
class RawSolution:
    status: RawStatus
    x: np.ndarray | None = None
    row_duals: np.ndarray | None = None  # d objective / d row bound (minimisation)
    objective: float | None = None
    seconds: float = 0.0
    handoff_seconds: float = 0.0  # time spent passing the model to the solver
    message: str = ""
    log: list[str] = field(default_factory=list)


def available_solvers() -> list[str]:
    """Installed solvers, best first."""
    out = []
    try:
        import highspy  # noqa: F401

        out.append("highs")
    except ImportError:
        pass
    try:
        import pulp

        if pulp.COIN_CMD(path=pulp.PULP_CBC_CMD.pulp_cbc_path, msg=False).available():
            out.append("cbc")
    except Exception:
        pass
    return out


# ------------------------------------------------------------------------------- HiGHS
def _new_highs():
    """A highspy.Highs instance; its one-time copyright banner is kept off our stdout."""
    import sys

    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    return h


#: LPs with more columns than this use HiGHS's interior point method (bench/bench_scale.py:
#: 3-4x faster than dual simplex from ~100k columns; simplex is as fast or faster below ~30k).
IPM_MIN_COLUMNS = 30_000
#: LPs with more columns than this run the interior point *without crossover* (issue 11: 1.6x faster at
#: 1000x20, and the 5000x20 ladder point becomes solvable). The point is then interior-optimal, not a
#: vertex, and the row duals are the interior point's: at a degenerate optimum (several capacities
#: binding with slack elsewhere) they spread the value over the binding rows instead of picking one.
IPM_NO_CROSSOVER_COLUMNS = 100_000


def solve_highs(lp: LinearProgram, time_limit_s: float, mip_gap: float, state: SolveState, algorithm: str = "auto") -> RawSolution:
    """Solve with highspy. ``algorithm``: "auto" (MIP: HiGHS's branch and cut; LP: interior point
    with crossover above IPM_MIN_COLUMNS columns, else dual simplex), "ipm" or "simplex"."""
    import highspy

    t0 = time.perf_counter()
    model = highs_model(lp)
    h = _new_highs()
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    if algorithm == "auto" and not lp.is_mip:
        algorithm = "ipm" if lp.n_vars > IPM_MIN_COLUMNS else "simplex"
    if algorithm in ("ipm", "simplex") and not lp.is_mip:
        h.setOptionValue("solver", algorithm)
        if algorithm == "ipm" and lp.n_vars > IPM_NO_CROSSOVER_COLUMNS:
            h.setOptionValue("run_crossover", "off")
    log: list[str] = []

    def on_log(event) -> None:  # highspy HighsCallbackEvent
        for line in str(event.message).rstrip().splitlines():
            log.append(line)
            state.log(line)

    try:
        h.cbLogging.subscribe(on_log)
    except AttributeError:  # older highspy: no event-style callbacks; the log stays empty
        pass
    h.passModel(model)
    handoff = time.perf_counter() - t0
    h.HandleUserInterrupt = True
    hook = h.cancelSolve
    state.cancel_hooks.append(hook)
    try:
        if state.cancel_requested:
            return RawSolution(RawStatus.CANCELLED, seconds=0.0, handoff_seconds=handoff, message="cancelled before solving")
        t1 = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - t1
    finally:
        state.cancel_hooks.remove(hook)
    return highs_outcome(h, state, seconds, handoff, log)


def highs_model(lp: LinearProgram):
    """The LinearProgram as a highspy.HighsLp (column-wise matrix, infinite bounds as kHighsInf)."""
    import highspy

    a = lp.arrays()
    n, m = lp.n_vars, lp.n_rows
    order = np.argsort(a["col"], kind="stable")
    counts = np.bincount(a["col"], minlength=n)
    start = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
    model = highspy.HighsLp()
    model.num_col_ = n
    model.num_row_ = m
    model.col_cost_ = a["cost"]
    model.col_lower_ = np.where(np.isinf(a["lb"]), -highspy.kHighsInf, a["lb"])
    model.col_upper_ = np.where(np.isinf(a["ub"]), highspy.kHighsInf, a["ub"])
    model.row_lower_ = np.where(np.isinf(a["lo"]), -highspy.kHighsInf, a["lo"])
    model.row_upper_ = np.where(np.isinf(a["hi"]), highspy.kHighsInf, a["hi"])
    model.offset_ = lp.constant
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = start
    model.a_matrix_.index_ = a["row"][order].astype(np.int32)
    model.a_matrix_.value_ = a["val"][order]
    if lp.is_mip:
        model.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in a["int"]]
    return model


def highs_outcome(h, state: SolveState, seconds: float, handoff: float, log: list[str]) -> RawSolution:
    """Read status, point and duals back from a Highs object that has run (true status mapping)."""
    import highspy

    ms = h.getModelStatus()
    S = highspy.HighsModelStatus
    info = h.getInfo()
    has_point = info.primal_solution_status == 2  # 2 = feasible point available
    sol = h.getSolution()
    x = np.asarray(sol.col_value) if has_point else None
    duals = np.asarray(sol.row_dual) if (has_point and sol.dual_valid) else None
    if ms == S.kOptimal:
        status = RawStatus.OPTIMAL
    elif ms == S.kInterrupt or state.cancel_requested:
        status = RawStatus.CANCELLED
    elif ms in (S.kTimeLimit, S.kIterationLimit, S.kSolutionLimit):
        status = RawStatus.FEASIBLE if has_point else RawStatus.NO_SOLUTION
    elif ms == S.kInfeasible:
        status = RawStatus.INFEASIBLE
    elif ms in (S.kUnbounded, S.kUnboundedOrInfeasible):
        status = RawStatus.UNBOUNDED if ms == S.kUnbounded else RawStatus.INFEASIBLE
    else:
        status = RawStatus.ERROR
    obj = info.objective_function_value if has_point else None
    return RawSolution(status, x, duals, obj, seconds, handoff, h.modelStatusToString(ms), log)


# --------------------------------------------------------------------------------- CBC
def _kill_cbc_children() -> None:
    """Kill CBC processes started by this process (PuLP waits on them with Popen.wait())."""
    import psutil

    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if "cbc" in child.name().lower():
                child.kill()
        except psutil.Error:
            pass


def _tail(path: str, stop: threading.Event, state: SolveState, sink: list[str]) -> None:
    """Forward new lines of the CBC log file to the state until ``stop`` is set."""
    pos = 0
    partial = ""
    while True:
        done = stop.is_set()
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                fh.seek(pos)
                chunk = fh.read()
                pos = fh.tell()
        except OSError:
            chunk = ""
        if chunk:
            partial += chunk
            *lines, partial = partial.split("\n")
            for line in lines:
                sink.append(line)
                state.log(line)
        if done:
            if partial:
                sink.append(partial)
                state.log(partial)
            return
        stop.wait(0.1)


def solve_cbc(lp: LinearProgram, time_limit_s: float, mip_gap: float, state: SolveState) -> RawSolution:
    """Solve with PuLP's bundled CBC."""
    import pulp

    t0 = time.perf_counter()
    prob = pulp.LpProblem("mine2magnet", pulp.LpMinimize)
    xs = []
    for j in range(lp.n_vars):
        lb, ub = lp.var_lb[j], lp.var_ub[j]
        xs.append(
            prob.add_variable(
                f"x{j}",
                lowBound=None if lb == -INF else lb,
                upBound=None if ub == INF else ub,
                cat=pulp.LpInteger if lp.var_int[j] else pulp.LpContinuous,
            )
        )
    obj_terms = [(xs[j], c) for j, c in enumerate(lp.var_cost) if c != 0.0]
    prob.setObjective(pulp.LpAffineExpression(obj_terms, constant=lp.constant))
    # rows: group COO entries by row (coefficients are already merged per row in LinearProgram)
    by_row: list[list] = [[] for _ in range(lp.n_rows)]
    for i, j, v in zip(lp.coo_row, lp.coo_col, lp.coo_val):
        by_row[i].append((xs[j], v))
    constraints = []
    for i, terms in enumerate(by_row):
        lo, hi = lp.row_lo[i], lp.row_hi[i]
        expr = pulp.LpAffineExpression(terms)
        if lo == hi:
            constraints.append((pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"r{i}", lo), i, "eq"))
        else:
            if hi != INF:
                constraints.append((pulp.LpConstraint(expr, pulp.LpConstraintLE, f"r{i}", hi), i, "le"))
            if lo != -INF:
                name = f"r{i}" if hi == INF else f"r{i}_lo"
                constraints.append((pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintGE, name, lo), i, "ge"))
    for c, _, _ in constraints:
        prob.addConstraint(c)
    build_seconds = time.perf_counter() - t0

    fd, log_path = tempfile.mkstemp(prefix="m2m_cbc_", suffix=".log")
    os.close(fd)
    solver = pulp.COIN_CMD(
        path=pulp.PULP_CBC_CMD.pulp_cbc_path,
        msg=False,
        timeLimit=float(time_limit_s),
        gapRel=float(mip_gap),
        logPath=log_path,
        timeMode="elapsed",
    )
    stop = threading.Event()
    log: list[str] = []
    tail = threading.Thread(target=_tail, args=(log_path, stop, state, log), daemon=True)
    tail.start()
    state.cancel_hooks.append(_kill_cbc_children)
    overran = threading.Event()

    def watchdog() -> None:  # CBC can overrun -sec (e.g. in presolve); stop it after a grace period
        overran.set()
        _kill_cbc_children()

    timer = threading.Timer(time_limit_s + max(10.0, 0.25 * time_limit_s), watchdog)
    timer.daemon = True
    t1 = time.perf_counter()
    try:
        if state.cancel_requested:
            return RawSolution(RawStatus.CANCELLED, handoff_seconds=build_seconds, message="cancelled before solving")
        timer.start()
        try:
            prob.solve(solver)
        except pulp.PulpSolverError as e:
            if state.cancel_requested:
                status = RawStatus.CANCELLED
            elif overran.is_set():
                status = RawStatus.NO_SOLUTION
            else:
                status = RawStatus.ERROR
            return RawSolution(status, seconds=time.perf_counter() - t1, handoff_seconds=build_seconds, message=str(e), log=log)
    finally:
        timer.cancel()
        seconds = time.perf_counter() - t1
        state.cancel_hooks.remove(_kill_cbc_children)
        stop.set()
        tail.join()
        try:
            os.unlink(log_path)
        except OSError:
            pass
    if state.cancel_requested:
        return RawSolution(RawStatus.CANCELLED, seconds=seconds, handoff_seconds=build_seconds, log=log)
    sol_status = prob.sol_status
    if sol_status == pulp.LpSolutionOptimal:
        status = RawStatus.OPTIMAL
    elif sol_status == pulp.LpSolutionIntegerFeasible:
        status = RawStatus.FEASIBLE
    elif sol_status == pulp.LpSolutionInfeasible:
        status = RawStatus.INFEASIBLE
    elif sol_status == pulp.LpSolutionUnbounded:
        status = RawStatus.UNBOUNDED
    elif sol_status == pulp.LpSolutionNoSolutionFound and seconds >= 0.9 * time_limit_s:
        status = RawStatus.NO_SOLUTION
    else:
        status = RawStatus.ERROR
    x = None
    duals = None
    if status in (RawStatus.OPTIMAL, RawStatus.FEASIBLE):
        x = np.array([v.varValue if v.varValue is not None else 0.0 for v in xs], dtype=float)
        if not lp.is_mip:
            duals = np.zeros(lp.n_rows)
            for c, i, kind in constraints:
                pi = c.pi if c.pi is not None else 0.0
                duals[i] += pi
    return RawSolution(
        status, x, duals, pulp.value(prob.objective) if x is not None else None, seconds, build_seconds,
        pulp.LpStatus[prob.status] + f" (sol_status {sol_status})", log,
    )


def solve_lp(lp: LinearProgram, solver: str, time_limit_s: float, mip_gap: float, state: SolveState) -> RawSolution:
    """Dispatch to a backend by name ("highs", "highs-ipm", "highs-simplex", "cbc")."""
    if solver.startswith("highs"):
        algorithm = solver.split("-", 1)[1] if "-" in solver else "auto"
        return solve_highs(lp, time_limit_s, mip_gap, state, algorithm)
    if solver == "cbc":
        return solve_cbc(lp, time_limit_s, mip_gap, state)
    raise ValueError(f"unknown solver {solver!r} (use cbc or highs)")
