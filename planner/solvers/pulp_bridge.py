"""The open model: a PuLP problem built from the LinearProgram arrays, with readable names.

One conversion serves three purposes:

- **Inspect.** :func:`to_pulp_problem` gives an analyst a ``pulp.LpProblem`` whose variables and
  constraints are named after their key tuples (``act.mp_mine.2027.clean``,
  ``capacity.mp_mine.2027``): the first dot-separated part is the variable kind or the
  constraint family, the rest is the key.
- **Export.** :func:`write_model` writes it as MPS or CPLEX-LP, atomically, so the exact model
  mine2magnet solves can be taken to any other tool.
- **Solve anywhere.** :func:`solve_with_pulp` solves it with any solver PuLP finds on the machine
  (GLPK, SCIP, Gurobi, CPLEX, Xpress, COPT, MOSEK, ...). Status honesty holds for each: PuLP says
  "Optimal" for time-limited runs, so the true solution status (``sol_status``) is read, and a run
  that used up its time limit is never called optimal.

Rows are ``lo <= a'x <= hi``. An equality becomes one ``==`` constraint; a one-sided row one
``<=`` or ``>=`` constraint; a range row (both bounds finite, lo < hi) two constraints, ``name``
(``<= hi``) and ``name.lo`` (``>= lo``), whose duals are added back into one row dual.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from models.io import atomic_write_bytes
from planner.model.lp import INF, LinearProgram
from planner.progress import SolveState
from planner.solvers.raw import RawSolution, RawStatus

_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")
MAX_NAME = 200  # CPLEX-LP allows 255 characters; leave room for suffixes


def _part(value) -> str:
    text = _UNSAFE.sub("_", str(value)).strip("_")
    return text or "_"


def readable_names(keys: Iterable[tuple]) -> list[str]:
    """One unique, solver-safe name per key tuple: parts joined by ".", unsafe characters as "_".

    ``("act", "mp-mine", "", 2027, "clean")`` -> ``"act.mp_mine._.2027.clean"``. A name that would
    start with a digit gets an ``n`` prefix; a name that repeats one already made (two keys that
    differ only in unsafe characters) gets ``.dup2``, ``.dup3``...
    """
    names: list[str] = []
    seen: dict[str, int] = {}
    for key in keys:
        parts = key if isinstance(key, tuple) else (key,)
        name = ".".join(_part(p) for p in parts)
        if not name[0].isalpha():
            name = "n" + name
        if len(name) > MAX_NAME:
            name = f"{name[:MAX_NAME - 12]}.h{abs(hash(name)) % 10**9:09d}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.dup{seen[name]}"
        seen.setdefault(name, 1)
        names.append(name)
    return names


@dataclass
class PulpModel:
    """A PuLP problem and how its pieces map back to the LinearProgram."""

    problem: object  # pulp.LpProblem
    variables: list  # pulp.LpVariable per LP column
    constraints: list[tuple[object, int, str]] = field(default_factory=list)  # (LpConstraint, row, "eq"|"le"|"ge")

    def family(self, name: str) -> list:
        """The PuLP constraints of one constraint family (e.g. ``"capacity"``), in row order."""
        return [c for c, _, _ in self.constraints if c.name.split(".", 1)[0] == name]


#: Name of the column that carries the objective constant in written files (fixed at 1).
CONSTANT_COLUMN = "objective_constant"


class BuildDeadline(TimeoutError):
    """The wall-clock deadline passed while the PuLP problem was being built."""


def to_pulp_problem(lp: LinearProgram, name: str = "mine2magnet", readable: bool = True,
                    constant_column: bool = False, deadline: float | None = None) -> PulpModel:
    """Build a ``pulp.LpProblem`` equal to ``lp`` (from tuple lists: coefficients are already merged
    per row in LinearProgram, which PuLP's ``LpAffineExpression`` needs). ``readable=False`` uses
    short names ``x{j}``/``r{i}`` (faster to write, for solving only).

    PuLP's MPS and LP writers drop the objective's constant term (the salvage credit and other
    fixed amounts, $M). With ``constant_column`` the constant becomes the cost of one extra column
    ``objective_constant`` fixed at 1, which every reader honours; ``variables`` stays one per LP
    column (the extra column is not in it).

    ``deadline`` (a ``time.perf_counter()`` value): BuildDeadline is raised when it passes while
    building (checked every 4,096 columns and rows), so a time limit covers the hand-off too."""
    import pulp

    var_names = readable_names(lp.var_keys) if readable else [f"x{j}" for j in range(lp.n_vars)]
    row_names = readable_names(lp.row_keys) if readable else [f"r{i}" for i in range(lp.n_rows)]
    prob = pulp.LpProblem(name, pulp.LpMinimize)
    xs = []
    def check_time(i: int) -> None:
        if deadline is not None and i % 4096 == 4095 and time.perf_counter() > deadline:
            raise BuildDeadline("the time limit ran out while building the PuLP problem")

    for j in range(lp.n_vars):
        check_time(j)
        lb, ub = lp.var_lb[j], lp.var_ub[j]
        xs.append(
            prob.add_variable(
                var_names[j],
                lowBound=None if lb == -INF else lb,
                upBound=None if ub == INF else ub,
                cat=pulp.LpInteger if lp.var_int[j] else pulp.LpContinuous,
            )
        )
    terms = [(xs[j], c) for j, c in enumerate(lp.var_cost) if c != 0.0]
    if constant_column and lp.constant != 0.0:
        terms.append((prob.add_variable(CONSTANT_COLUMN, lowBound=1.0, upBound=1.0), lp.constant))
        prob.setObjective(pulp.LpAffineExpression(terms))
    else:
        prob.setObjective(pulp.LpAffineExpression(terms, constant=lp.constant))
    by_row: list[list] = [[] for _ in range(lp.n_rows)]
    for i, j, v in zip(lp.coo_row, lp.coo_col, lp.coo_val):
        by_row[i].append((xs[j], v))
    constraints: list[tuple[object, int, str]] = []
    for i, terms in enumerate(by_row):
        check_time(i)
        lo, hi, rname = lp.row_lo[i], lp.row_hi[i], row_names[i]
        if lo == hi:
            constraints.append((pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintEQ, rname, lo), i,
                                "eq"))
            continue
        if hi != INF:
            constraints.append((pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintLE, rname, hi), i,
                                "le"))
        if lo != -INF:
            lo_name = rname if hi == INF else f"{rname}.lo"
            constraints.append((pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintGE, lo_name, lo), i,
                                "ge"))
    for c, _, _ in constraints:
        prob.addConstraint(c)
    return PulpModel(prob, xs, constraints)


def write_model(lp: LinearProgram, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write ``lp`` as MPS (``fmt="mps"``) or CPLEX-LP (``"lp"``; default: from the suffix), with
    readable names and the objective constant as the fixed column ``objective_constant``,
    atomically (``models.io.atomic_write_bytes``: temporary file, fsync, rename)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("mps", "lp"):
        raise ValueError(f"{path}: the model format must be mps or lp (from --write-mps / --write-lp or the suffix)")
    model = to_pulp_problem(lp, constant_column=True)
    with tempfile.TemporaryDirectory(prefix="m2m_model_") as folder:
        tmp = os.path.join(folder, f"model.{fmt}")
        if fmt == "mps":
            model.problem.writeMPS(tmp)
        else:
            model.problem.writeLP(tmp, writeSOS=False)
        data = Path(tmp).read_bytes()
    atomic_write_bytes(path, data, keep_backup=False)
    return path


# ------------------------------------------------------------------------ solvers through PuLP
#: Solvers mine2magnet drives natively (whole arrays to HiGHS; CBC with a streamed log and kill on
#: cancel). Every other name is a PuLP solver.
NATIVE = ("highs", "cbc")


def pulp_solver_names() -> list[str]:
    """Every solver interface PuLP knows, available here or not (PuLP's own names)."""
    import pulp

    return list(dict.fromkeys(pulp.listSolvers()))


def available_pulp_solvers() -> list[str]:
    """PuLP solver interfaces that work on this machine (PuLP's own names, e.g. ``GLPK_CMD``)."""
    import pulp

    try:
        return list(dict.fromkeys(pulp.listSolvers(onlyAvailable=True)))
    except Exception:  # a broken solver install must not hide the others
        out = []
        for name in pulp_solver_names():
            try:
                if pulp.getSolver(name, msg=False).available():
                    out.append(name)
            except Exception:
                pass
        return out


def match_pulp_solver(name: str, names: Iterable[str]) -> str | None:
    """PuLP's name for ``name``: exact (case-insensitive, ``glpk_cmd``) or, when it is the only
    match, without its ``_CMD``/``_PY`` suffix (``glpk``, ``scip``)."""
    names = list(names)
    low = name.lower()
    exact = [n for n in names if n.lower() == low]
    if exact:
        return exact[0]
    loose = [n for n in names if re.sub(r"_(cmd|py|dll)$", "", n.lower()) == low]
    return loose[0] if len(loose) == 1 else None


def make_pulp_solver(name: str, time_limit_s: float, mip_gap: float):
    """PuLP's solver ``name`` with the time limit and relative MIP gap. Interfaces that refuse
    ``gapRel`` (GLPK_CMD) are made without it; the time limit always applies (the watchdog in
    :func:`solve_with_pulp` kills a solver that overruns it)."""
    import pulp

    seconds = max(1, math.ceil(time_limit_s))  # whole seconds: glpsol refuses "--tmlim 10.0"
    for options in ({"timeLimit": seconds, "gapRel": float(mip_gap)}, {"timeLimit": seconds}, {}):
        try:
            return pulp.getSolver(name, msg=False, **options)
        except TypeError:
            continue
    raise ValueError(f"PuLP cannot make the solver {name!r}")


def _new_children(before: set[int]) -> list:
    import psutil

    try:
        return [p for p in psutil.Process(os.getpid()).children(recursive=True) if p.pid not in before]
    except psutil.Error:
        return []


def _child_pids() -> set[int]:
    import psutil

    try:
        return {p.pid for p in psutil.Process(os.getpid()).children(recursive=True)}
    except psutil.Error:
        return set()


def solve_with_pulp(lp: LinearProgram, solver_name: str, time_limit_s: float, mip_gap: float, state: SolveState,
                    solver_factory: Callable[[], object] | None = None, readable: bool = False):
    """Solve ``lp`` with the PuLP solver ``solver_name`` (PuLP's name); returns a RawSolution.

    Time limit and relative gap are passed as PuLP's ``timeLimit`` / ``gapRel``. Cancel and a
    watchdog (limit + max(10 s, 25 %)) kill solver processes this call started. Status: PuLP's
    ``sol_status`` decides (1 optimal, 2 stopped with a point); a run that reports optimal but used
    98 % or more of its time limit is reported as stopped with a point, never as optimal.
    """
    import pulp

    t0 = time.perf_counter()
    try:
        model = to_pulp_problem(lp, readable=readable, deadline=t0 + float(time_limit_s))
    except BuildDeadline as e:
        return RawSolution(RawStatus.NO_SOLUTION, handoff_seconds=time.perf_counter() - t0, message=str(e))
    handoff = time.perf_counter() - t0
    time_limit_s = max(1.0, float(time_limit_s) - handoff)  # the limit covers the hand-off too
    if solver_factory is not None:
        solver = solver_factory()
    else:
        try:
            solver = make_pulp_solver(solver_name, time_limit_s, mip_gap)
        except Exception as e:  # unknown name, or the interface refuses to start
            return RawSolution(RawStatus.ERROR, handoff_seconds=handoff, message=f"{solver_name}: {e}")
    before = _child_pids()

    def kill_started() -> None:
        for child in _new_children(before):
            try:
                child.kill()
            except Exception:
                pass

    overran = threading.Event()

    def watchdog() -> None:
        overran.set()
        kill_started()

    timer = threading.Timer(time_limit_s + max(10.0, 0.25 * time_limit_s), watchdog)
    timer.daemon = True
    state.cancel_hooks.append(kill_started)
    t1 = time.perf_counter()
    try:
        if state.cancel_requested:
            return RawSolution(RawStatus.CANCELLED, handoff_seconds=handoff, message="cancelled before solving")
        timer.start()
        try:
            model.problem.solve(solver)
        except Exception as e:  # PulpSolverError when the process was killed, or a solver's own error
            seconds = time.perf_counter() - t1
            if state.cancel_requested:
                status = RawStatus.CANCELLED
            elif overran.is_set():
                status = RawStatus.NO_SOLUTION
            else:
                status = RawStatus.ERROR
            return RawSolution(status, seconds=seconds, handoff_seconds=handoff, message=f"{solver_name}: {e}")
    finally:
        timer.cancel()
        state.cancel_hooks.remove(kill_started)
    seconds = time.perf_counter() - t1
    if state.cancel_requested:
        return RawSolution(RawStatus.CANCELLED, seconds=seconds, handoff_seconds=handoff)
    status = honest_status(model.problem, seconds, time_limit_s)
    x = duals = None
    if status in (RawStatus.OPTIMAL, RawStatus.FEASIBLE):
        values = [v.varValue for v in model.variables]
        if any(v is None for v in values):
            status = RawStatus.ERROR
        else:
            x = np.asarray(values, dtype=float)
            if not lp.is_mip:
                duals = np.zeros(lp.n_rows)
                got_any = False
                for c, i, _ in model.constraints:
                    if c.pi is not None:
                        duals[i] += c.pi
                        got_any = True
                duals = duals if got_any else None
    objective = pulp.value(model.problem.objective) if x is not None else None
    message = f"{pulp.LpStatus[model.problem.status]} (sol_status {model.problem.sol_status})"
    return RawSolution(status, x, duals, objective, seconds, handoff, message)


def honest_status(problem, seconds: float, time_limit_s: float):
    """Map PuLP's status pair to a RawStatus, never calling a time-limited run optimal."""
    import pulp

    sol = problem.sol_status
    used_limit = seconds >= 0.98 * time_limit_s
    if sol == pulp.LpSolutionOptimal:
        return RawStatus.FEASIBLE if used_limit else RawStatus.OPTIMAL
    if sol == pulp.LpSolutionIntegerFeasible:
        return RawStatus.FEASIBLE
    if sol == pulp.LpSolutionInfeasible:
        return RawStatus.INFEASIBLE
    if sol == pulp.LpSolutionUnbounded:
        return RawStatus.UNBOUNDED
    if sol == pulp.LpSolutionNoSolutionFound and seconds >= 0.9 * time_limit_s:
        return RawStatus.NO_SOLUTION
    if problem.status == pulp.LpStatusOptimal and sol is None:
        return RawStatus.FEASIBLE if used_limit else RawStatus.OPTIMAL
    return RawStatus.ERROR
