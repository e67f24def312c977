"""Solve a project: apply the scenario, build, solve, verify, extract (one plain function).

``solve_project`` never raises for a bad model or a solver failure: it returns a PlanResult
whose status and message say what happened. A plan is attached only when every verification
check passes (see planner.pipeline.verify); a failed check turns the result into an error.

For a MILP, duals come from the LP obtained by fixing the binary build decisions at their
optimal values and re-solving (DESIGN.md section 4).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from models import Project, apply_scenario
from models.validation import errors, validate_project

from planner.solvers.backends import RawStatus, available_solvers, solve_lp
from planner.model.build import BuildOptions, create_model
from planner.pipeline.extract import fill_plan
from planner.model.lp import LinearProgram
from planner.model.network import build_network
from planner.progress import SolveState
from planner.result import PlanResult, Status
from planner.pipeline.verify import verify_point

DEFAULT_SOLVER_ORDER = ("highs", "cbc")


@dataclass
class SolveOptions:
    scenario: str | None = None  # scenario id or name; None = base project
    solver: str = "auto"  # "cbc" | "highs" | "auto"
    time_limit_s: float | None = None  # None -> project.settings.time_limit_s
    mip_gap: float | None = None  # None -> project.settings.mip_gap
    relax_integers: bool = False
    compute_duals: bool = True
    #: multiplies the unmet penalty of defense demands (1 = the project's objective; the Monte Carlo
    #: and robust plans use DEFENSE_FIRST_WEIGHT so operations serve defense before commercial demand)
    defense_weight: float = 1.0


def resolve_solver(name: str) -> str:
    """Map "auto" to the preferred installed solver; raise ValueError for an unavailable one."""
    installed = available_solvers()
    if name == "auto":
        for s in DEFAULT_SOLVER_ORDER:
            if s in installed:
                return s
        raise ValueError("no solver is installed: install highspy, or PuLP with its bundled CBC")
    base = name.split("-", 1)[0]
    if base not in ("cbc", "highs"):
        raise ValueError(f"unknown solver {name!r} (use cbc, highs or auto)")
    if base not in installed:
        raise ValueError(f"solver {name!r} is not available here (installed: {', '.join(installed) or 'none'})")
    return name


_MESSAGES = {
    RawStatus.INFEASIBLE: "The model is infeasible: no plan satisfies the budget, caps and option rules together.",
    RawStatus.UNBOUNDED: "The model is unbounded: some cost is missing or negative (check prices and opex).",
    RawStatus.NO_SOLUTION: "The time limit ran out before the solver found any plan; raise the time limit.",
    RawStatus.CANCELLED: "The solve was cancelled.",
}


def _fix_integers(lp: LinearProgram, x: np.ndarray) -> LinearProgram:
    """Copy of ``lp`` with integer variables fixed at their rounded values (continuous)."""
    fixed = LinearProgram(
        var_keys=lp.var_keys, var_lb=list(lp.var_lb), var_ub=list(lp.var_ub), var_cost=lp.var_cost,
        var_int=[False] * lp.n_vars, row_keys=lp.row_keys, row_family=lp.row_family, row_lo=lp.row_lo,
        row_hi=lp.row_hi, coo_row=lp.coo_row, coo_col=lp.coo_col, coo_val=lp.coo_val, constant=lp.constant,
        _var_index=lp._var_index, _row_index=lp._row_index,
    )
    for j, is_int in enumerate(lp.var_int):
        if is_int:
            v = float(round(x[j]))
            fixed.var_lb[j] = fixed.var_ub[j] = v
    return fixed


#: Defense-first weighting of the unmet penalty used by risk evaluation and robust plans: a tonne of
#: defense demand left unmet costs this many times the project's unmet penalty, so whenever supply is
#: short the solver serves defense before commercial demand (a weighted stand-in for a lexicographic
#: "defense shortfall first" objective; reported costs never include the penalty).
DEFENSE_FIRST_WEIGHT = 10.0


def apply_defense_weight(lp: LinearProgram, net, weight: float) -> list[int]:
    """Multiply the cost of unmet[d,y] of every defense demand d by ``weight``; returns those columns."""
    defense = {d.id for d in net.demands if d.segment == "defense"}
    cols = [j for j, key in enumerate(lp.var_keys) if key[0] == "unmet" and key[1] in defense]
    for j in cols:
        lp.var_cost[j] *= weight
    return cols


def solve_project(project: Project, options: SolveOptions | None = None, state: SolveState | None = None) -> PlanResult:
    """Build, solve, verify and extract the plan for ``project`` under ``options.scenario``."""
    options = options or SolveOptions()
    state = state or SolveState()
    scenario_name = options.scenario or "base"
    try:
        solver = resolve_solver(options.solver)
    except ValueError as e:
        return PlanResult(Status.ERROR, str(e), options.solver, scenario_name)
    try:
        scenario_project = apply_scenario(project, options.scenario)
    except KeyError as e:
        return PlanResult(Status.ERROR, str(e.args[0]), solver, scenario_name)
    problems = errors(validate_project(scenario_project))
    if problems:
        text = "; ".join(str(p) for p in problems[:5])
        return PlanResult(Status.ERROR, f"The project has {len(problems)} problem(s): {text}", solver, scenario_name)

    settings = scenario_project.settings
    time_limit = options.time_limit_s if options.time_limit_s is not None else settings.time_limit_s
    gap = options.mip_gap if options.mip_gap is not None else settings.mip_gap
    deadline = time.perf_counter() + time_limit

    state.progress(0.02, "building the model")
    t0 = time.perf_counter()
    net = build_network(scenario_project)
    lp, idx = create_model(net, BuildOptions(relax_integers=options.relax_integers))
    if options.defense_weight != 1.0:
        apply_defense_weight(lp, net, options.defense_weight)
    build_seconds = time.perf_counter() - t0
    base = dict(solver=solver, scenario=scenario_name, n_variables=lp.n_vars, n_constraints=lp.n_rows)
    if state.cancel_requested:
        return PlanResult(Status.CANCELLED, _MESSAGES[RawStatus.CANCELLED], build_seconds=build_seconds, **base)

    kind = "MILP" if lp.is_mip else "LP"
    state.progress(0.1, f"solving the {kind} ({lp.n_vars:,} variables, {lp.n_rows:,} constraints) with {solver}")
    raw = solve_lp(lp, solver, time_limit, gap, state)
    solve_seconds = raw.seconds
    build_seconds += raw.handoff_seconds
    log = "\n".join(raw.log)
    base.update(build_seconds=build_seconds, solve_seconds=solve_seconds, log=log)

    if raw.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) or raw.x is None:
        if raw.status is RawStatus.CANCELLED or state.cancel_requested:
            return PlanResult(Status.CANCELLED, _MESSAGES[RawStatus.CANCELLED], **base)
        status = {
            RawStatus.INFEASIBLE: Status.INFEASIBLE,
            RawStatus.UNBOUNDED: Status.UNBOUNDED,
            RawStatus.NO_SOLUTION: Status.TIME_LIMIT,
        }.get(raw.status, Status.ERROR)
        message = _MESSAGES.get(raw.status, f"The solver failed: {raw.message}")
        return PlanResult(status, message, **base)

    state.progress(0.8, "verifying the plan")
    checks = verify_point(lp, raw.x, net)
    failed = [c for c in checks if not c.passed]
    if failed:
        worst = max(failed, key=lambda c: c.max_violation)
        what = "stopped at the time limit and its point" if raw.status is RawStatus.FEASIBLE else "returned a point that"
        return PlanResult(
            Status.ERROR,
            f"The solver {what} fails verification ({', '.join(c.name for c in failed)}; "
            f"worst violation {worst.max_violation:.3g}: {worst.detail}). No plan is shown.",
            checks=checks,
            **base,
        )

    duals = raw.row_duals
    if options.compute_duals and lp.is_mip and raw.status is RawStatus.OPTIMAL:
        state.progress(0.85, "fixing build decisions and re-solving the LP for marginal costs")
        remaining = max(1.0, deadline - time.perf_counter())
        fixed = solve_lp(_fix_integers(lp, raw.x), solver, remaining, gap, state)
        duals = fixed.row_duals if fixed.status is RawStatus.OPTIMAL else None
    if not options.compute_duals:
        duals = None

    state.progress(0.92, "extracting the plan")
    if raw.status is RawStatus.OPTIMAL:
        status, message = Status.OPTIMAL, "Optimal plan found and verified."
    else:
        status = Status.TIME_LIMIT_FEASIBLE
        message = (f"Stopped at the time limit ({time_limit:g} s) with a verified plan that may not be optimal "
                   "(raise the time limit for a better one).")
    result = PlanResult(status, message, objective=round(lp.objective_value(raw.x), 6), checks=checks, **base)
    fill_plan(result, lp, idx, net, raw.x, duals)
    from planner.solvers.backends import IPM_NO_CROSSOVER_COLUMNS

    if (solver in ("highs", "highs-ipm") and not lp.is_mip and lp.n_vars > IPM_NO_CROSSOVER_COLUMNS
            and duals is not None):
        result.message += (" Marginal costs and bottleneck values come from the interior point without crossover:"
                           " where several capacities bind at once (a degenerate optimum) the value is spread over"
                           " them, so read the bottleneck table as indicative.")
    unmet = result.unmet_total()
    if unmet > 1e-6:
        result.message += f" Demand is not fully met: {unmet:,.1f} t unmet in total."
    state.progress(1.0, "done")
    return result


__all__ = ["DEFENSE_FIRST_WEIGHT", "SolveOptions", "apply_defense_weight", "resolve_solver", "solve_project"]
