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

import numpy as np

from models.wording import count
from planner.model.lp import LinearProgram
from planner.progress import SolveState
from planner.solvers.pulp_bridge import (
    BuildDeadline,
    available_pulp_solvers,
    honest_status,
    match_pulp_solver,
    pulp_solver_names,
    solve_with_pulp,
    to_pulp_problem,
)
from planner.solvers.raw import RawSolution, RawStatus


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


#: MILPs with at most this many integer columns run HiGHS without its sub-MIP improvement heuristics
#: (RINS, RENS, root reduced cost). Each of them solves a smaller MIP at the root, nested up to six deep;
#: on the real sample's cost stage (126 binaries) they took 27 of 33 s while the root LP, cuts and
#: strong branching alone prove the same optimum: CPU seconds per cost-stage MILP (HiGHS 1.16, default
#: -> without them) base 11.2 -> 2.3, china_cut 8.3 -> 3.2, demand_surge 18.9 -> 2.9, capex_overrun
#: 9.1 -> 3.5; delays and policy unchanged (< 1 s). Larger MILPs (e.g. bench_scale --mip) keep them:
#: there an incumbent from a heuristic can matter more than the bound.
SUBMIP_HEURISTICS_MAX_INTEGERS = 5_000
_SUBMIP_HEURISTICS = ("mip_heuristic_run_rins", "mip_heuristic_run_rens", "mip_heuristic_run_root_reduced_cost")


def solve_highs(lp: LinearProgram, time_limit_s: float, mip_gap: float, state: SolveState, algorithm: str = "auto",
                start: np.ndarray | None = None, presolve: bool = True) -> RawSolution:
    """Solve with highspy. ``algorithm``: "auto" (MIP: HiGHS's branch and cut; LP: interior point
    with crossover above IPM_MIN_COLUMNS columns, else dual simplex), "ipm" or "simplex".
    ``start``: a feasible point handed to a MIP solve as its first incumbent. ``presolve`` False:
    HiGHS's presolve off (slower; its postsolve can leave ~1e-6 row residuals on large LPs whose
    columns are mostly fixed, see planner.pipeline.lexicographic.POINT_RETRY_TOL)."""
    import highspy

    t0 = time.perf_counter()
    model = highs_model(lp)
    h = _new_highs()
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    if not presolve:
        h.setOptionValue("presolve", "off")
    if lp.is_mip and sum(lp.var_int) <= SUBMIP_HEURISTICS_MAX_INTEGERS:
        for name in _SUBMIP_HEURISTICS:
            h.setOptionValue(name, False)
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
    if start is not None and lp.is_mip:
        sol0 = highspy.HighsSolution()
        sol0.col_value = [float(v) for v in start]
        sol0.value_valid = True
        h.setSolution(sol0)
    handoff = time.perf_counter() - t0
    # HiGHS counts its limit from run(): what the hand-off (building and passing the model) used is
    # taken off, so the call as a whole keeps ``time_limit_s``
    h.setOptionValue("time_limit", max(0.01, float(time_limit_s) - handoff))
    h.HandleUserInterrupt = True
    hook = h.cancelSolve
    state.cancel_hooks.append(hook)
    try:
        if state.cancel_requested:
            return RawSolution(RawStatus.CANCELLED, seconds=0.0, handoff_seconds=handoff,
                               message="cancelled before solving")
        t1 = time.perf_counter()
        h.run()
        if (not lp.is_mip and h.getModelStatus() == highspy.HighsModelStatus.kSolveError
                and not state.cancel_requested):
            # an ill-conditioned LP (e.g. a tie-break stage whose hold rows mix $5e-7 and $600
            # coefficients) can end the dual simplex in "Solve error"; the primal simplex from
            # scratch solved every such case seen (the real sample's clean-delivery stage: 0.5 s)
            state.log("HiGHS: solve error; solving again with the primal simplex")
            h.clearSolver()
            h.setOptionValue("simplex_strategy", 4)
            h.setOptionValue("time_limit", max(0.01, float(time_limit_s) - (time.perf_counter() - t1)))
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
        model.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                              for i in a["int"]]
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
            # also the line-buffering wrapper (sh / stdbuf) in the instant before it becomes cbc
            if "cbc" in child.name().lower() or any("cbc" in part.lower() for part in child.cmdline()[:3]):
                child.kill()
        except psutil.Error:
            pass


def line_buffered_cbc(cbc_path: str, folder: str) -> str | None:
    """A tiny wrapper script that runs CBC with a line-buffered stdout (``stdbuf -oL``).

    PuLP sends CBC's output to the log file; writing to a file, CBC's C stdio buffers it in
    4 KiB blocks, so the log would arrive in one lump at the end. ``stdbuf`` (coreutils) makes
    it line buffered and the log streams while CBC runs. None where ``stdbuf`` or a POSIX shell
    is missing (Windows, macOS without coreutils): then the log arrives as before.
    """
    import shutil

    stdbuf = shutil.which("stdbuf")
    if os.name != "posix" or stdbuf is None or not os.path.exists("/bin/sh"):
        return None
    path = os.path.join(folder, "cbc")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f'#!/bin/sh\nexec "{stdbuf}" -oL -eL "{cbc_path}" "$@"\n')
    os.chmod(path, 0o755)
    return path


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


def solve_cbc(lp: LinearProgram, time_limit_s: float, mip_gap: float, state: SolveState,
              presolve: bool = True) -> RawSolution:
    """Solve with PuLP's bundled CBC within a wall-clock limit of ``time_limit_s`` for the whole
    call: building the PuLP problem and PuLP's MPS hand-off count against it.

    PuLP writes the model to an MPS file before CBC starts, which takes about as long as building
    the PuLP problem (bench: 3.5 s build, 3.8 s write for 82k variables). So CBC's own ``-sec``
    gets what is left after the build minus that reserve; when nothing would be left (or the
    build itself hits the deadline) CBC is not started and the result is "no solution". CBC can
    overrun ``-sec`` (presolve, root LP), so from shortly after the deadline (grace: 5 % of the
    limit, between 0.5 s and 5 s) a watchdog keeps killing CBC until the call returns.

    ``presolve=False`` turns CBC's presolve off (its postsolve can leave ~1e-6 violations on
    tightly held, degenerate LPs).
    """
    import pulp

    t0 = time.perf_counter()
    deadline = t0 + float(time_limit_s)

    def out_of_time(message: str) -> RawSolution:
        return RawSolution(RawStatus.NO_SOLUTION, handoff_seconds=time.perf_counter() - t0, message=message)

    try:
        model = to_pulp_problem(lp, readable=False, deadline=deadline)
    except BuildDeadline:
        return out_of_time("the time limit ran out while building the model for CBC")
    prob, xs, constraints = model.problem, model.variables, model.constraints
    build_seconds = time.perf_counter() - t0
    remaining = deadline - time.perf_counter()
    cbc_limit = remaining - build_seconds  # reserve: writing the MPS file takes about the build time
    if cbc_limit < 0.1:
        return out_of_time(f"the time limit ran out before CBC could start (building and writing the model "
                           f"for CBC takes about {2 * build_seconds:.1f} s)")
    grace = min(5.0, max(0.5, 0.05 * float(time_limit_s)))

    fd, log_path = tempfile.mkstemp(prefix="m2m_cbc_", suffix=".log")
    os.close(fd)
    wrapper_dir = tempfile.mkdtemp(prefix="m2m_cbc_")
    cbc_path = line_buffered_cbc(pulp.PULP_CBC_CMD.pulp_cbc_path, wrapper_dir) or pulp.PULP_CBC_CMD.pulp_cbc_path
    solver = pulp.COIN_CMD(
        path=cbc_path,
        msg=False,
        timeLimit=float(cbc_limit),
        gapRel=float(mip_gap),
        logPath=log_path,
        timeMode="elapsed",
        presolve=None if presolve else False,
    )
    stop = threading.Event()
    log: list[str] = []
    tail = threading.Thread(target=_tail, args=(log_path, stop, state, log), daemon=True)
    tail.start()
    state.cancel_hooks.append(_kill_cbc_children)
    overran = threading.Event()

    def watchdog() -> None:  # CBC can overrun -sec (e.g. in presolve): kill it until the solve returns
        overran.set()
        while not stop.is_set():
            _kill_cbc_children()
            stop.wait(0.1)

    timer = threading.Timer(max(0.0, remaining) + grace, watchdog)
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
            return RawSolution(status, seconds=time.perf_counter() - t1, handoff_seconds=build_seconds, message=str(e),
                               log=log)
    finally:
        timer.cancel()
        seconds = time.perf_counter() - t1
        state.cancel_hooks.remove(_kill_cbc_children)
        stop.set()
        tail.join()
        import shutil

        shutil.rmtree(wrapper_dir, ignore_errors=True)
        try:
            os.unlink(log_path)
        except OSError:
            pass
    if state.cancel_requested:
        return RawSolution(RawStatus.CANCELLED, seconds=seconds, handoff_seconds=build_seconds, log=log)
    sol_status = prob.sol_status
    status = honest_status(prob, seconds, cbc_limit)
    if status is RawStatus.ERROR and sol_status == pulp.LpSolutionNoSolutionFound and overran.is_set():
        status = RawStatus.NO_SOLUTION
    x = None
    duals = None
    if status in (RawStatus.OPTIMAL, RawStatus.FEASIBLE):
        x = np.array([v.varValue if v.varValue is not None else 0.0 for v in xs], dtype=float)
        if not lp.is_mip:
            duals = np.zeros(lp.n_rows)
            for c, i, _kind in constraints:
                pi = c.pi if c.pi is not None else 0.0
                duals[i] += pi
    return RawSolution(
        status, x, duals, pulp.value(prob.objective) if x is not None else None, seconds, build_seconds,
        pulp.LpStatus[prob.status] + f" (sol_status {sol_status})", log,
    )


def _solve_empty(lp: LinearProgram) -> RawSolution:
    """The trivial answer for a model with no variables: every row is the constant 0."""
    bad = [i for i in range(lp.n_rows) if not lp.row_lo[i] <= 0.0 <= lp.row_hi[i]]
    if bad:
        return RawSolution(RawStatus.INFEASIBLE, message=f"empty model with {count(len(bad), 'unsatisfiable row')}")
    return RawSolution(RawStatus.OPTIMAL, np.zeros(0), np.zeros(lp.n_rows), float(lp.constant), message="empty model")


def solve_lp(lp: LinearProgram, solver: str, time_limit_s: float, mip_gap: float, state: SolveState,
             presolve: bool = True, start: np.ndarray | None = None, highs_presolve: bool = True) -> RawSolution:
    """Dispatch to a backend by name: "highs", "highs-ipm", "highs-simplex" and "cbc" natively,
    any other name to the PuLP solver of that name (see :func:`solver_catalogue`). ``presolve``
    False turns CBC's presolve off (HiGHS keeps its own; ``highs_presolve`` False turns HiGHS's off);
    ``start`` is a feasible MIP start (HiGHS).

    A model without variables is answered here for every solver alike (HiGHS calls it "Empty"
    and CBC "Optimal"): optimal with objective = the constant, unless a row's bounds exclude 0.
    """
    if lp.n_vars == 0:
        return _solve_empty(lp)
    if solver.startswith("highs-") or solver == "highs":
        algorithm = solver.split("-", 1)[1] if "-" in solver else "auto"
        return solve_highs(lp, time_limit_s, mip_gap, state, algorithm, start, presolve=highs_presolve)
    if solver == "cbc":
        return solve_cbc(lp, time_limit_s, mip_gap, state, presolve)
    pulp_name = match_pulp_solver(solver, available_pulp_solvers())
    if pulp_name is None:
        raise ValueError(f"unknown or unavailable solver {solver!r} (available: "
                         f"{', '.join(n for n, _, ok in solver_catalogue() if ok)})")
    return solve_with_pulp(lp, pulp_name, time_limit_s, mip_gap, state)


def solver_catalogue() -> list[tuple[str, str, bool]]:
    """Every solver name ``--solver`` understands: (name, how it is driven, available here).

    "highs" and "cbc" are driven natively (HiGHS from whole arrays; CBC with a streamed log);
    every other name is a PuLP interface (PuLP's own name; GLPK_CMD may also be given as glpk)."""
    native = set(available_solvers())
    rows = [("highs", "native: whole arrays to highspy", "highs" in native),
            ("cbc", "native: PuLP's bundled CBC", "cbc" in native)]
    try:
        ok = set(available_pulp_solvers())
        rows += [(n, "through PuLP", n in ok) for n in pulp_solver_names()]
    except ImportError:  # PuLP missing: only HiGHS remains
        pass
    return rows


def resolve_solver_name(name: str, preferred: tuple[str, ...] = ("highs", "cbc")) -> str:
    """The solver to run for ``name``: "auto" -> the first installed of ``preferred``; "highs",
    "highs-ipm", "highs-simplex", "cbc" as given; any other name -> PuLP's name of an available
    PuLP solver. ValueError (saying what is available) for an unknown or unavailable one."""
    installed = available_solvers()
    if name == "auto":
        for s in preferred:
            if s in installed:
                return s
        raise ValueError("no solver is installed: install highspy, or PuLP with its bundled CBC")
    available = [n for n, _, ok in solver_catalogue() if ok]
    if name in ("cbc", "highs", "highs-ipm", "highs-simplex"):
        base = name.split("-", 1)[0]
        if base not in installed:
            raise ValueError(f"solver {name!r} is not available here (available: {', '.join(available) or 'none'})")
        return name
    try:
        every = pulp_solver_names()
    except ImportError:
        every = []
    pulp_name = match_pulp_solver(name, available_pulp_solvers()) if every else None
    if pulp_name is not None:
        return pulp_name
    known = match_pulp_solver(name, every) if every else None
    what = f"solver {name!r} is not available here" if known else f"unknown solver {name!r}"
    raise ValueError(f"{what} (available: {', '.join(['auto', *available])}; `mine2magnet solvers` lists them)")
