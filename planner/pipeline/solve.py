"""Solve a project: apply the scenario, build, solve, verify, extract (one plain function).

``solve_project`` never raises for a bad model or a solver failure: it returns a PlanResult
whose status and message say what happened. A plan is attached only when every verification
check passes (see planner.pipeline.verify); a failed check turns the result into an error.

The solve is lexicographic (planner.pipeline.lexicographic): first the unmet tonnes of priority 1
demand (defense by default) are minimised, then priority 2 (commercial) with that held, then cost
(with the unmet penalty) with every shortfall held, then covered labels at allied facilities with
cost held and quantities fixed, then an exact origin trace (planner.pipeline.labels). A stage
whose value at the previous stage's point is already 0 (no shortfall) is not re-solved.

Duals (marginal costs, bottlenecks) come from the cost stage; for a MILP from the LP obtained by
fixing the binary build decisions at their values and re-solving (DESIGN.md section 4).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from models import Project, apply_scenario
from models.wording import count
from models.validation import errors, validate_project

from planner.solvers.backends import RawSolution, RawStatus, available_solvers, resolve_solver_name, solve_lp
from planner.model.build import BuildOptions, create_model
from planner.model.levers import government_cost_objective
from planner.pipeline.extract import fill_plan
from planner.model.lp import LinearProgram
from planner.model.network import COVERED, Network, build_network
from planner.pipeline.labels import trace_labels
from planner.pipeline.lexicographic import Objective, fix_integers, solve_lexicographic
from planner.progress import SolveState
from planner.result import PlanResult, Status
from planner.pipeline.verify import verify_point

DEFAULT_SOLVER_ORDER = ("highs", "cbc")
COST_STAGE = "cost"
GOVERNMENT_STAGE = "government_cost"  # policy mode only
LABEL_STAGE = "covered_labels"
CLEAN_DELIVERY_STAGE = "covered_deliveries"
#: t: a plan's covered deliveries must fall by at least this (10 kg) for the clean-delivery stage's
#: point to replace the cost stage's (smaller gains only spend the cost hold's $1 tolerance)
CLEAN_DELIVERY_MIN_GAIN_T = 0.01
PARSIMONY_STAGE = "least_activity"
SHORTFALL_ABS_TOL_T = 1e-6  # t: how much held shortfall a later stage may give back (1 g)


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


#: how an ERROR result caused by the project's own problems begins (the CLI exits 2 for those)
INPUT_PROBLEMS_PREFIX = "The project has "


def is_input_error(result: PlanResult) -> bool:
    """True for an ERROR result that reports the project's validation problems (bad input)."""
    return result.status is Status.ERROR and result.message.startswith(INPUT_PROBLEMS_PREFIX)


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


def priority_objectives(lp: LinearProgram, net: Network) -> list[Objective]:
    """Stage objectives before cost: per priority level p (1 first), the unmet tonnes of its
    demands, sum_{d: prio(d)=p, y} unmet[d,y] (undiscounted t; lower bound 0)."""
    levels: dict[int, dict[int, float]] = {}
    for d in net.demands:
        for y in d.tonnes_by_year:
            levels.setdefault(d.priority, {})[lp.var(("unmet", d.id, y))] = 1.0
    segs: dict[int, set[str]] = {}
    for d in net.demands:
        segs.setdefault(d.priority, set()).add(d.segment)
    return [
        Objective(f"shortfall_p{p} ({'/'.join(sorted(segs[p]))})", terms, rel_tol=1e-9, abs_tol=SHORTFALL_ABS_TOL_T,
                  lower_bound=0.0)
        for p, terms in sorted(levels.items())
    ]


def label_objective(lp: LinearProgram, net: Network) -> Objective | None:
    """Last stage: minimise sum act[p,y,covered] at facilities that are not covered themselves,
    changing classes only: every quantity (activity, flow, delivery, surplus and stock summed over
    the two classes; purchases, unmet, investments) stays at the cost stage's value, so cost and
    plan are unchanged. At the optimum an allied facility's activity is labelled covered only when
    covered material (from a covered facility or market upstream) is in its input: labelling a
    batch of clean-only inputs clean instead lowers the objective. Skipped when the cost-stage plan
    labels nothing covered at an allied facility; None when no such variable exists. Solved by
    HiGHS when installed, whatever the plan's solver. With every quantity fixed and costs
    independent of class, the earlier stages' values cannot move, so the stage is solved without
    their hold rows (``holds_implied``; its point is checked against them): 0.2 s instead of 2-15 s
    on the real sample.
    """
    labels = {j: 1.0 for j, key in enumerate(lp.var_keys)
              if key[0] == "act" and key[3] == COVERED and not net.covered[key[1].split("|", 1)[0]]}
    if not labels:
        return None
    groups: dict[tuple, list[int]] = {}
    fixed = []
    for j, key in enumerate(lp.var_keys):
        kind = key[0]
        if kind in ("act", "flow", "del", "surplus", "stock"):
            k_at = {"act": 3, "flow": 4, "del": 4, "surplus": 5, "stock": 5}[kind]
            groups.setdefault(key[:k_at] + key[k_at + 1:], []).append(j)
        elif kind not in ("down", "dm"):  # every quantity without a class (investments, purchases,
            fixed.append(j)  # unmet, stockpile and offtake variables...); relabels stay free
    # a relabelling LP on fixed quantities: HiGHS when installed (CBC's points on it carry ~1e-6
    # violations, or it calls it infeasible without presolve); the plan's quantities are the chosen solver's
    label_solver = "highs" if "highs" in available_solvers() else None
    return Objective(LABEL_STAGE, labels, rel_tol=1e-6, abs_tol=1e-6, fix_integers=True, skip_if_zero=labels,
                     fix_columns=fixed, fix_sums=list(groups.values()), solver=label_solver, optional=True,
                     holds_implied=True)


def stage_objectives(lp: LinearProgram, net: Network, idx=None) -> list[Objective]:
    """The full lexicographic order: shortfall by priority, cost (incl. the unmet penalty, which
    then only decides which year or demand of one level carries a held shortfall), covered
    deliveries, least activity, labels.
    In policy mode (levers.policy.enabled) the cost to government comes right after the first
    (defense) shortfall stage: planner.model.levers.government_cost_objective."""
    objectives = priority_objectives(lp, net)
    if idx is not None and net.project.levers.policy.enabled:
        gov = Objective(GOVERNMENT_STAGE, government_cost_objective(lp, net, idx), rel_tol=1e-7, abs_tol=1e-6)
        objectives.insert(1 if objectives else 0, gov)
    objectives.append(Objective(COST_STAGE, np.asarray(lp.var_cost, dtype=float), rel_tol=1e-9, abs_tol=1e-6,
                                constant=lp.constant))
    objectives.append(clean_delivery_objective(lp, net))
    surplus = {j: 1.0 for j, key in enumerate(lp.var_keys) if key[0] == "surplus"}
    if surplus:
        objectives.append(parsimony_objective(lp))
    label = label_objective(lp, net)
    if label is not None:
        objectives.append(label)
    return objectives


def clean_delivery_objective(lp: LinearProgram, net: Network) -> Objective:
    """After cost, with cost held and the build decisions fixed: minimise the covered-origin tonnes
    delivered to demands, sum del[f,d,y,covered] + sum buyd[m,d,y] over covered markets m (t,
    undiscounted). Among plans of equal cost it shows the one that delivers the most clean
    material, so a demand's clean share is a property of the plan's cost, not of the solver's path:
    on the real sample HiGHS and CBC both reached $5,096.5M with 5,169 t and 3,885 t of clean
    commercial NdFeB in 2027. Optional; skipped when nothing covered is delivered; its point is kept
    only when it delivers at least CLEAN_DELIVERY_MIN_GAIN_T less covered material."""
    terms = {j: 1.0 for j, key in enumerate(lp.var_keys)
             if (key[0] == "del" and key[4] == COVERED) or (key[0] == "buyd" and net.market_covered[key[1]])}
    return Objective(CLEAN_DELIVERY_STAGE, terms, rel_tol=1e-7, abs_tol=1e-6, fix_integers=True,
                     skip_if_zero=terms, optional=True, min_gain=CLEAN_DELIVERY_MIN_GAIN_T,
                     tight_holds=True)


def parsimony_objective(lp: LinearProgram) -> Objective:
    """After cost, with cost held and investments fixed: minimise total activity (sum act, activity
    units), so that among equal-cost plans the one without pointless output is shown (a zero-opex
    plant would otherwise run at capacity into surplus). Optional; skipped when nothing is surplus."""
    acts = {j: 1.0 for j, key in enumerate(lp.var_keys) if key[0] == "act"}
    surplus = {j: 1.0 for j, key in enumerate(lp.var_keys) if key[0] == "surplus"}
    decisions = [j for j, key in enumerate(lp.var_keys) if key[0] in ("add", "build")]
    return Objective(PARSIMONY_STAGE, acts, rel_tol=1e-6, abs_tol=1e-6, fix_integers=True, fix_columns=decisions,
                     skip_if_zero=surplus, optional=True)


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
        return PlanResult(Status.ERROR, f"{INPUT_PROBLEMS_PREFIX}{count(len(problems), 'problem')}: {text}", solver,
                          scenario_name)

    settings = scenario_project.settings
    time_limit = options.time_limit_s if options.time_limit_s is not None else settings.time_limit_s
    gap = options.mip_gap if options.mip_gap is not None else settings.mip_gap
    deadline = time.perf_counter() + time_limit

    state.progress(0.02, "building the model")
    t0 = time.perf_counter()
    net = build_network(scenario_project)
    if options.capacity_shares:
        from planner.model.availability import apply_capacity_shares

        apply_capacity_shares(net, options.capacity_shares)
    lp, idx = create_model(net, BuildOptions(relax_integers=options.relax_integers))
    if options.defense_weight != 1.0:
        apply_defense_weight(lp, net, options.defense_weight)
    build_seconds = time.perf_counter() - t0
    base = dict(solver=solver, scenario=scenario_name, n_variables=lp.n_vars, n_constraints=lp.n_rows)
    if state.cancel_requested:
        return PlanResult(Status.CANCELLED, _MESSAGES[RawStatus.CANCELLED], build_seconds=build_seconds, **base)

    kind = "MILP" if lp.is_mip else "LP"
    remaining = deadline - time.perf_counter()  # the limit is for the whole solve, build included
    if remaining <= 0:
        return PlanResult(Status.TIME_LIMIT, f"The time limit ({time_limit:g} s) ran out while building the model; "
                          "raise the time limit.", build_seconds=build_seconds, **base)
    state.progress(0.1, f"solving the {kind} ({lp.n_vars:,} variables, {lp.n_rows:,} constraints) with {solver}")
    lex = first = None
    if options.lexicographic:
        objectives = stage_objectives(lp, net, idx)
        lex = solve_lexicographic(lp, objectives, solver, remaining, gap, state)
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
        return PlanResult(status, message, **base)

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
        what = "stopped at the time limit and its point" if raw.status is RawStatus.FEASIBLE else "returned a point that"
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
        if lex is not None:
            st = lex.stage(COST_STAGE)
            cost_program, cost_raw = st.program, st.raw
        if cost_raw is None or cost_raw.x is None:
            duals = None
        elif not cost_program.is_mip:
            duals = cost_raw.row_duals
        else:
            state.progress(0.85, "fixing build decisions and re-solving the LP for marginal costs")
            remaining = deadline - time.perf_counter()  # no marginal costs when the limit is used up
            fixed = solve_lp(fix_integers(cost_program, cost_raw.x), solver, remaining, gap, state) if remaining > 0.05 else None
            duals = fixed.row_duals if fixed is not None and fixed.status is RawStatus.OPTIMAL else None

    state.progress(0.92, "extracting the plan")
    if raw.status is RawStatus.OPTIMAL and lp.n_vars == 0:
        status = Status.OPTIMAL
        message = "Nothing to plan: the project leaves the model nothing to decide (no demand to meet, nothing to produce or buy)."
    elif raw.status is RawStatus.OPTIMAL:
        status, message = Status.OPTIMAL, "Optimal plan found and verified."
    else:
        status = Status.TIME_LIMIT_FEASIBLE
        message = (f"Stopped at the time limit ({time_limit:g} s) with a verified plan that may not be optimal "
                   "(raise the time limit for a better one).")
    result = PlanResult(status, message, objective=round(lp.objective_value(raw.x), 6), checks=checks, **base)
    fill_plan(result, lp, idx, net, raw.x, duals)
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


__all__ = ["DEFENSE_FIRST_WEIGHT", "SolveOptions", "apply_defense_weight", "resolve_solver", "solve_project"]
