"""Solve a project: apply the scenario, build, solve, verify, extract (one plain function).

``solve_project`` never raises for a bad model or a solver failure: it returns a PlanResult
whose status and message say what happened. A plan is attached only when every verification
check passes (see planner.pipeline.verify); a failed check turns the result into an error.

The model is built once (planner.pipeline.build_sequence: scenario -> validate -> network ->
model). The solve is lexicographic (planner.pipeline.lexicographic) over the stages of
planner.pipeline.stages: first the unmet tonnes of priority 1 demand (defense by default) are
minimised, then priority 2 (commercial) with that held, then cost (with the unmet penalty) with
every shortfall held, then the tie-breaks (covered deliveries, least activity, covered labels at
allied facilities with cost held and quantities fixed), then an exact origin trace
(planner.pipeline.labels). A stage whose value at the previous stage's point is already 0 (no
shortfall) is not re-solved.

Duals (marginal costs, bottlenecks) come from the cost stage; for a MILP from the LP obtained by
fixing the binary build decisions at their values and re-solving (docs/model.md, "Marginal costs").
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from models import Project
from models.wording import count
from planner.pipeline.build_sequence import (
    DEFENSE_FIRST_WEIGHT,
    BuiltModel,
    ModelBuildError,
    apply_defense_weight,
    build_model,
)
from planner.pipeline.calibration import calibration_rows
from planner.pipeline.extract import fill_plan
from planner.pipeline.labels import trace_labels
from planner.pipeline.lexicographic import fix_integers, solve_lexicographic
from planner.pipeline.stages import CLEAN_DELIVERY_STAGE, COST_STAGE, stage_objectives
from planner.pipeline.verify import verify_point
from planner.progress import SolveState
from planner.result import PlanResult, Status
from planner.solvers.backends import RawSolution, RawStatus, resolve_solver_name, solve_lp

DEFAULT_SOLVER_ORDER = ("highs", "cbc")


@dataclass
class SolveOptions:
    scenario: str | None = None  # scenario id or name; None = base project
    solver: str = "auto"  # "auto" | "highs" | "cbc" | any available PuLP solver (e.g. "GLPK_CMD")
    time_limit_s: float | None = None  # None -> project.settings.time_limit_s
    mip_gap: float | None = None  # None -> project.settings.mip_gap
    relax_integers: bool = False
    compute_duals: bool = True
    # shortfall by priority, then cost, then origin labels (planner.pipeline.lexicographic);
    # False solves cost + penalty once (defense/commercial split then arbitrary: for benchmarks)
    lexicographic: bool = True
    #: multiplies the unmet penalty of defense demands (1 = the project's objective; the Monte Carlo
    #: and robust plans use DEFENSE_FIRST_WEIGHT so operations serve defense before commercial demand)
    defense_weight: float = 1.0
    #: (facility, year) -> share of the scheduled existing capacity available (a Monte Carlo sample's
    #: ramp-up draw, planner.model.availability); None = the schedule
    capacity_shares: dict | None = None
    #: when the model is infeasible, find the smallest relaxations of its hard limits that make a plan
    #: possible (planner.pipeline.relax; a few more solves, within the time limit): the command line's
    #: and the app's solve ask for it, the Monte Carlo and the scenario sweeps do not
    explain_infeasible: bool = False


def resolve_solver(name: str) -> str:
    """Map "auto" to the preferred installed solver; raise ValueError for an unknown or unavailable
    one (see :func:`planner.solvers.backends.resolve_solver_name`)."""
    return resolve_solver_name(name, DEFAULT_SOLVER_ORDER)


_MESSAGES = {
    RawStatus.INFEASIBLE: "The model is infeasible: no plan satisfies the budget, caps and option rules together.",
    RawStatus.UNBOUNDED: "The model is unbounded: some cost is missing or negative (check prices and opex).",
    RawStatus.NO_SOLUTION: "The time limit ran out before the solver found any plan; raise the time limit.",
    RawStatus.CANCELLED: "The solve was cancelled.",
}


def built_for(built: BuiltModel, options: SolveOptions) -> bool:
    """Whether ``built`` is the model ``options`` asks for (same scenario and build parameters)."""
    return (built.scenario == options.scenario and built.relax_integers == options.relax_integers
            and built.capacity_shares == options.capacity_shares and built.defense_weight == options.defense_weight)


def explain_infeasible(result: PlanResult, project: Project, options: SolveOptions, solver: str, deadline: float,
                       state: SolveState) -> None:
    """Fill ``result.relaxations`` with the smallest relaxations of the hard limits that make a plan
    possible (planner.pipeline.relax), in the time left before ``deadline`` (at least 5 s), and say
    the first of them in the message."""
    from planner.pipeline.relax import find_relaxations

    state.progress(0.6, "no plan: finding the smallest changes to the limits that make one possible")
    result.relaxations = find_relaxations(project, options.scenario, solver,
                                          max(5.0, deadline - time.perf_counter()), state)
    if result.relaxations:
        first = "; ".join(c.text for c in result.relaxations[0].changes)
        more = len(result.relaxations) - 1
        result.message += f" Smallest change that makes a plan possible: {first}" + (
            f" (or {more} other way{'s' if more != 1 else ''}, see below)." if more else ".")


def solve_project(project: Project, options: SolveOptions | None = None, state: SolveState | None = None,
                  built: BuiltModel | None = None) -> PlanResult:
    """Build (planner.pipeline.build_sequence), solve, verify and extract the plan for ``project``
    under ``options.scenario``. ``built``: the model already built for these options (e.g. written
    as MPS first), so it is not built twice; ValueError when it was built for other options."""
    t_start = time.perf_counter()  # the limit is for the whole call: scenario, checks, build, stages
    options = options or SolveOptions()
    state = state or SolveState()
    scenario_name = options.scenario or "base"
    try:
        solver = resolve_solver(options.solver)
    except ValueError as e:
        return PlanResult(Status.ERROR, str(e), options.solver, scenario_name)
    if built is None:
        state.progress(0.02, "building the model")
        try:
            built = build_model(project, options.scenario, options.relax_integers,
                                capacity_shares=options.capacity_shares, defense_weight=options.defense_weight)
        except ModelBuildError as e:
            return PlanResult(Status.ERROR, str(e), solver, scenario_name)
        spent = time.perf_counter() - t_start
    elif not built_for(built, options):
        raise ValueError("the model was built for other options (scenario, relaxation, shares or defense weight)")
    else:
        spent = built.build_seconds
    net, lp, idx = built.network, built.lp, built.index
    settings = built.project.settings
    time_limit = options.time_limit_s if options.time_limit_s is not None else settings.time_limit_s
    gap = options.mip_gap if options.mip_gap is not None else settings.mip_gap
    # the limit is for the whole solve: scenario, checks and build included
    deadline = time.perf_counter() + time_limit - spent
    build_seconds = built.build_seconds
    base = dict(solver=solver, scenario=scenario_name, n_variables=lp.n_vars, n_constraints=lp.n_rows)
    if state.cancel_requested:
        return PlanResult(Status.CANCELLED, _MESSAGES[RawStatus.CANCELLED], build_seconds=build_seconds, **base)

    kind = "MILP" if lp.is_mip else "LP"
    remaining = deadline - time.perf_counter()
    if remaining <= 0:
        return PlanResult(Status.TIME_LIMIT, f"The time limit ({time_limit:g} s) ran out while building the model; "
                          "raise the time limit.", build_seconds=build_seconds, **base)
    state.progress(0.1, f"solving the {kind} ({lp.n_vars:,} variables, {lp.n_rows:,} constraints) with {solver}")
    lex = first = None
    if options.lexicographic:
        objectives = stage_objectives(lp, net, idx)
        # one solve of cost + penalty first: where its point leaves no shortfall (every stage before
        # cost at its lower bound, 0 t) that point certifies those stages and the cost stage itself, so
        # the staged solve re-solves only the tie-breaks (planner.pipeline.lexicographic, ``initial``);
        # otherwise the stages run as before from the first one not at its bound
        cost_k = next(k for k, o in enumerate(objectives) if o.name == COST_STAGE)
        if solver == "highs":  # the covered-deliveries tie-break LP (integers fixed): HiGHS's interior point
            for o in objectives[cost_k + 1:]:  # with crossover (a vertex, as simplex) was 0.6-1.0 s faster
                if o.name == CLEAN_DELIVERY_STAGE:  # than the dual simplex on the real sample (1.5-2.0 s vs 2.2-3.0 s)
                    o.solver = "highs-ipm"
        if all(o.lower_bound is not None for o in objectives[:cost_k]):
            first = solve_lp(lp, solver, remaining, gap, state)
            state.log(f"cost + penalty solved once ({first.seconds:.2f} s): "
                      "certifies the shortfall stages where they are 0 t")
            if first.status is not RawStatus.OPTIMAL or first.x is None:
                first = None  # stopped early or failed: the staged solve starts from scratch
        remaining = max(1.0, deadline - time.perf_counter())
        lex = solve_lexicographic(lp, objectives, solver, remaining, gap, state, initial=first, initial_stage=cost_k)
        if first is not None:
            lex.seconds += first.seconds
            lex.handoff_seconds += first.handoff_seconds
            lex.log[:0] = first.log
        solve_seconds = lex.seconds
        build_seconds += lex.handoff_seconds
        logs = list(lex.log)
        if lex.x is not None:
            # exact post-solve origin trace: relabels what the label stage left (or skipped)
            x, n_relabelled = trace_labels(lp, lex.x, net)
            if n_relabelled:
                state.log(f"origin trace relabelled {count(n_relabelled, 'facility-year')} clean")
            raw = RawSolution(lex.status, x, None, None, solve_seconds, 0.0, lex.message)
        else:
            raw = RawSolution(lex.status, None, message=lex.message)
    else:
        raw = first = solve_lp(lp, solver, remaining, gap, state)
        solve_seconds = raw.seconds
        build_seconds += raw.handoff_seconds
        logs = list(raw.log)
    base.update(build_seconds=build_seconds, solve_seconds=solve_seconds, log="\n".join(logs))

    if raw.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) or raw.x is None:
        if raw.status is RawStatus.CANCELLED or state.cancel_requested:
            return PlanResult(Status.CANCELLED, _MESSAGES[RawStatus.CANCELLED], **base)
        status = {
            RawStatus.INFEASIBLE: Status.INFEASIBLE,
            RawStatus.UNBOUNDED: Status.UNBOUNDED,
            RawStatus.NO_SOLUTION: Status.TIME_LIMIT,
        }.get(raw.status, Status.ERROR)
        message = _MESSAGES.get(raw.status, f"The solver failed: {raw.message}")
        result = PlanResult(status, message, **base)
        if status is Status.INFEASIBLE and options.explain_infeasible:
            explain_infeasible(result, project, options, solver, deadline, state)
        return result

    state.progress(0.8, "verifying the plan")
    program = lex.program if lex is not None else lp
    checks = verify_point(program, raw.x, net, lexicographic=lex is not None)
    failed = [c for c in checks if not c.passed]
    if failed:
        worst = max(failed, key=lambda c: c.max_violation)
        detail = (f"{', '.join(c.name for c in failed)}; worst violation {worst.max_violation:.3g}: {worst.detail}")
        if raw.status is RawStatus.FEASIBLE and not lp.is_mip:
            # an LP stopped by the limit returns its last iterate, which need not be feasible
            return PlanResult(
                Status.TIME_LIMIT,
                f"The time limit ({time_limit:g} s) ran out before the solver reached a plan that passes "
                f"verification ({detail}). No plan is shown; raise the time limit.",
                checks=checks,
                **base,
            )
        what = ("stopped at the time limit and its point" if raw.status is RawStatus.FEASIBLE
                else "returned a point that")
        return PlanResult(
            Status.ERROR,
            f"The solver {what} fails verification ({', '.join(c.name for c in failed)}; "
            f"worst violation {worst.max_violation:.3g}: {worst.detail}). No plan is shown.",
            checks=checks,
            **base,
        )

    duals = None
    if options.compute_duals and raw.status is RawStatus.OPTIMAL:
        # duals of the cost stage (the model with the shortfall holds, cost objective)
        cost_program, cost_raw = lp, first
        if lex is not None and lex.stage(COST_STAGE).raw is not None:
            st = lex.stage(COST_STAGE)
            cost_program, cost_raw = st.program, st.raw
        # else: the cost stage was certified by the single cost + penalty solve (``first``): its duals
        if cost_raw is None or cost_raw.x is None:
            duals = None
        elif not cost_program.is_mip:
            duals = cost_raw.row_duals
        elif lex is not None and lex.face is not None and lex.face.stage == COST_STAGE:
            # the covered-deliveries stage already solved this LP for the cost stage's optimal face
            # (planner.pipeline.lexicographic._face_source: the same program and solver)
            duals = lex.face.raw.row_duals
        else:
            state.progress(0.85, "fixing build decisions and re-solving the LP for marginal costs")
            remaining = deadline - time.perf_counter()  # no marginal costs when the limit is used up
            fixed = (solve_lp(fix_integers(cost_program, cost_raw.x), solver, remaining, gap, state)
                     if remaining > 0.05 else None)
            duals = fixed.row_duals if fixed is not None and fixed.status is RawStatus.OPTIMAL else None

    state.progress(0.92, "extracting the plan")
    if raw.status is RawStatus.OPTIMAL and lp.n_vars == 0:
        status = Status.OPTIMAL
        message = ("Nothing to plan: the project leaves the model nothing to decide "
                   "(no demand to meet, nothing to produce or buy).")
    elif raw.status is RawStatus.OPTIMAL:
        status, message = Status.OPTIMAL, "Optimal plan found and verified."
    else:
        status = Status.TIME_LIMIT_FEASIBLE
        message = (f"Stopped at the time limit ({time_limit:g} s) with a verified plan that may not be optimal "
                   "(raise the time limit for a better one).")
    result = PlanResult(status, message, objective=round(lp.objective_value(raw.x), 6), checks=checks, **base)
    fill_plan(result, lp, idx, net, raw.x, duals)
    result.calibration = calibration_rows(built.project, result)  # reported output vs the first year
    if options.compute_duals and duals is None and raw.status is RawStatus.OPTIMAL:
        result.message += f" No marginal costs: {solver} returned no duals."
    from planner.solvers.backends import IPM_NO_CROSSOVER_COLUMNS

    if (solver in ("highs", "highs-ipm") and not lp.is_mip and lp.n_vars > IPM_NO_CROSSOVER_COLUMNS
            and duals is not None):
        result.message += (" Marginal costs and bottleneck values come from the interior point without crossover:"
                           " where several capacities bind at once (a degenerate optimum) the value is spread over"
                           " them, so read the bottleneck table as indicative.")
    unmet = result.unmet_total()
    if unmet > 1e-6:
        seg = result.unmet_by_segment()
        result.message += (f" Demand is not fully met: {unmet:,.1f} t unmet in total (defense {seg['defense']:,.1f} t, "
                           f"commercial {seg['commercial']:,.1f} t).")
    state.progress(1.0, "done")
    return result


__all__ = ["DEFENSE_FIRST_WEIGHT", "SolveOptions", "apply_defense_weight", "built_for", "resolve_solver",
           "solve_project"]
