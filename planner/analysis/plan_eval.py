"""Evaluate a committed investment plan under sampled delays and overruns (here-and-now decisions).

Semantics (docs/resilience.md, "When a sample learns"; docs/user_guide.md, "What a sample answers"):

* A *plan* is a set of decisions ``(option, decided year) -> added t/yr`` (from the scenario's optimal
  plan or a result JSON). Decisions taken in years ``<= commit_year`` (default: the first year) are
  *committed*: they are fixed before the delays are known.
* A commissioning delay of d years for a facility means (as in :func:`apply_draw`): a facility not
  yet operating comes online d years later, and each of its options can be decided from its earliest
  decision year + d. A committed decision (o, z) is honoured d years late: ``add[o, z + d]`` is fixed
  at the committed tonnes (capex paid in z + d at the sampled overrun; capacity online at
  z + d + lead time; a decision pushed past the last decision year of the horizon never arrives).
* Later decisions (``z > commit_year``): with ``later="plan"`` they follow the plan in the same
  way (the whole plan is fixed; each sample is an LP), with ``later="reoptimise"`` they are
  re-decided per sample with knowledge of that sample's delays (recourse; a MILP when options carry
  build decisions, started from the plan).
* ``mode="foresight"``: every decision is re-optimised per sample (the perfect-foresight,
  wait-and-see bound). P(met | foresight) - P(met | plan) is the value of information.
* No foresight (``later="plan"``, every decision fixed): an event (a delay, a ramp-up share or an
  outage of a facility) is revealed at the start of its first year, the first year in which the
  facility's capacity differs from the forecast (:func:`reveal_years`). Until the first reveal
  year the sample runs the plan's own operations (production, purchases, stock and stockpile buys
  and draws, shipments: the plan solved with every event as forecast, :meth:`SampleModel.nominal_x`);
  at each distinct reveal year r it re-plans the operations of years >= r with those of years < r
  fixed at the realised path, the events revealed by r applied in full and the others as
  forecast. One warm LP (with its priority stages) per distinct reveal year; the last one has
  every event and is the sample's answer. With ``later="reoptimise"`` the sample is solved once,
  knowing its whole future (recourse with hindsight of operations).
* Operations are re-solved per sample by the plans' lexicographic rule (:func:`SampleModel.solve`,
  :func:`rebuild_and_solve`): unmet tonnes of priority 1 (defense) minimised first, then each further
  priority level with the earlier ones held, then cost (the lowest level, commercial by default,
  is priced at the unmet penalty in the cost stage: :func:`shortfall_stages`). The sample is first
  solved once with the defense penalty weighted (DEFENSE_FIRST_WEIGHT); a shortfall stage whose
  value there is 0 is certified without a solve, otherwise it is solved (warm) and its value held
  by a row; only when the weighted point gives back more than a stage's tolerance is the cost stage
  re-solved under the holds. The verifier's priority check then applies to every sample.
* A plan's **stock build** (``EvalSpec.stock_floors``, a robust plan's hedge: stockpile s holds at
  least F t at the end of year y) is part of the plan and a soft commitment in every stage
  (planner.analysis.commitments.add_stock_floor_rows): held unless defense demand needs the tonnes
  (defense is served first) or they cannot be made; a breach is reported in tonnes.
* Budget rows: with every decision fixed they constrain nothing and are dropped (a committed plan's
  overrun is paid, not refused); with recourse they keep the sampled capex coefficients.

Two paths give the same numbers (tests check it on several samples):

* :class:`SampleModel` (fast): the model is built once; each sample is applied as changes to column
  bounds (decision years), row upper bounds (existing capacity), column costs (capex overrun), the
  objective constant (fixed opex of facilities that came online) and, with budgets, a few matrix
  coefficients, then HiGHS re-solves warm from the previous basis (:class:`WarmHighs`).
* :func:`rebuild_and_solve` (reference, and the CBC path): apply the draw to a copy of the project,
  rebuild network and model, fix decisions by key, solve from scratch.

Both verify every point (planner.pipeline.verify) and reduce it with the same extraction.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any, Iterable

import numpy as np

from models.delays import YEAR_MAX, delay_facility, first_decision_year
from models.project import Project
from models.schedules import existing_capacity_tpy, qualification_lag, qualified_from_year
from models.slips import CIRCUIT, QUALIFICATION, RAMP_UP, apply_slips, circuit_source_year, qualification_due
from models.vocab import Status as FacilityStatus
from planner.analysis.commitments import add_breach_rows, add_stock_floor_rows, soften_commitments
from planner.analysis.event_effects import EventIndex, surged_network
from planner.analysis.risk_events import potential_events, slip_amounts
from planner.model.build import ModelIndex
from planner.model.lp import INF, LinearProgram
from planner.model.network import Network, build_network
from planner.model.qualification import define_qualification_constraints
from planner.pipeline.build_sequence import DEFENSE_FIRST_WEIGHT, build_network_and_model
from planner.pipeline.extract import fill_plan
from planner.pipeline.labels import trace_labels
from planner.pipeline.lexicographic import HOLD_FAMILY, Objective, solve_lexicographic
from planner.pipeline.stages import cost_objective, shortfall_objectives
from planner.pipeline.verify import check_labels, verify_point
from planner.progress import SolveState
from planner.result import PlanResult, Status
from planner.solvers.backends import RawSolution, RawStatus, solve_lp

MODES = ("plan", "foresight")
LATER = ("plan", "reoptimise")


@dataclass
class EvalSpec:
    """What a sample re-solves. ``decisions``: [[option id, decided year, added t/yr], ...]."""

    mode: str = "plan"
    decisions: list[list[Any]] = field(default_factory=list)
    commit_year: int | None = None  # None: the first year of the horizon
    later: str = "plan"
    defense_weight: float = DEFENSE_FIRST_WEIGHT
    #: the plan's stock build: [[government stockpile id, year, t]] -- the stockpile holds at least t
    #: at the end of that year; a soft commitment in every sample and re-plan, defense served first
    #: (planner.analysis.commitments.add_stock_floor_rows)
    stock_floors: list[list[Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown risk mode {self.mode!r} (use {' or '.join(MODES)})")
        if self.later not in LATER:
            raise ValueError(f"unknown treatment of later decisions {self.later!r} (use {' or '.join(LATER)})")

    def committed(self) -> dict[tuple[str, int], float]:
        out: dict[tuple[str, int], float] = {}
        for oid, y, t in self.decisions:
            out[(str(oid), int(y))] = out.get((str(oid), int(y)), 0.0) + float(t)
        return out

    @property
    def is_lp(self) -> bool:
        return self.mode == "plan" and self.later == "plan"


def plan_decisions(result: PlanResult) -> list[list[Any]]:
    """The plan's decisions [[option, decided year, added t/yr]] (only builds with t/yr > 0)."""
    return [[inv.option, int(inv.decided_year), float(inv.added_tpy)] for inv in result.investments
            if inv.added_tpy > 0]


def _first_decision_year(net: Network, o, delay: int) -> int:
    """First decision year of option o after a delay (apply_draw shifts earliest_decision_year)."""
    return first_decision_year(o, delay, net.years[0])


def decision_bounds(spec: EvalSpec, committed: dict, oid: str, y: int, delay: int, max_add: float,
                    commit_year: int) -> tuple[float, float, float, float] | None:
    """(add lb, add ub, build lb, build ub) for decision variable year y of option oid under a delay;
    None when the decision is free (the model's bounds apply).

    Fixed years hold the committed tonnes of nominal year y - delay (build = 1 when > 0).
    """
    free = spec.mode == "foresight" or (spec.later == "reoptimise" and y > commit_year + delay)
    if free:
        return None  # the model's own bounds (0 or a scenario's committed t/yr .. max_add)
    t = committed.get((oid, y - delay), 0.0)
    t = min(t, max_add)
    b = 1.0 if t > 0 else 0.0
    return t, t, b, b


def _delayed_facility(f, d: int, start: int):
    """The facility as :func:`apply_draw` leaves it after a delay d (not operating only)."""
    return delay_facility(f, d, start, YEAR_MAX, options=False)


# ----------------------------------------------------------------------------- summaries
def point_result(lp: LinearProgram, idx: ModelIndex, net: Network, raw: RawSolution, duals: np.ndarray | None,
                 solver: str, lexicographic: bool = True) -> PlanResult:
    """Verify a sample's point and extract it as a PlanResult (no plan when a check fails).

    ``lexicographic``: the point was solved by the priority stages (then the verifier's priority
    check applies); False for a single weighted solve (the check is not claimed)."""
    if raw.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) or raw.x is None:
        status = {
            RawStatus.INFEASIBLE: Status.INFEASIBLE, RawStatus.UNBOUNDED: Status.UNBOUNDED,
            RawStatus.NO_SOLUTION: Status.TIME_LIMIT, RawStatus.CANCELLED: Status.CANCELLED,
        }.get(raw.status, Status.ERROR)
        why = raw.message or raw.status.value
        if raw.status in (RawStatus.OPTIMAL, RawStatus.FEASIBLE):  # a status with a point, but no point came back
            why = f"the solver reported {why!r} but returned no point"
        return PlanResult(status, f"sample not solved: {why}", solver)
    # Labels are made origin-true by the exact post-solve trace and then checked like a plan's.
    x, _ = trace_labels(lp, raw.x, net)
    raw = replace(raw, x=x)
    checks = verify_point(lp, x, net, lexicographic=lexicographic)
    if not lexicographic:
        checks.append(check_labels(lp, x, net))
    failed = [c for c in checks if not c.passed]
    if failed:
        return PlanResult(Status.ERROR, "the sample's point fails verification: "
                          + "; ".join(f"{c.name} {c.max_violation:.3g} {c.detail}" for c in failed), solver,
                          checks=checks)
    status = Status.OPTIMAL if raw.status is RawStatus.OPTIMAL else Status.TIME_LIMIT_FEASIBLE
    result = PlanResult(status, "", solver, objective=lp.objective_value(raw.x), checks=checks,
                        solve_seconds=raw.seconds)
    fill_plan(result, lp, idx, net, raw.x, duals)
    add_breach_rows(result, lp, raw.x)
    return result


# ----------------------------------------------------------------------------- rebuild path
def rebuild_and_solve(project: Project, spec: EvalSpec, draw, solver: str = "highs", time_limit_s: float = 60.0,
                      state: SolveState | None = None, mip_gap: float = 1e-4) -> PlanResult:
    """Reference path: sampled project -> network -> model -> fix decisions by key -> solve -> verify.

    ``draw`` has ``delays`` and ``overruns`` dicts (planner.analysis.risk_sampling.SampleDraw). A
    committed plan (``spec.is_lp``) is run without foresight (:func:`reveal_years`): the plan's own
    operations until the first reveal year, then one re-plan per distinct reveal year with the
    realised past fixed by key and only the events revealed so far applied."""
    state = state or SolveState()
    delays = dict(getattr(draw, "delays", {}) or {})
    overruns = dict(getattr(draw, "overruns", {}) or {})
    shares = draw_shares(draw)
    events = list(getattr(draw, "events", None) or [])
    args = (solver, time_limit_s, mip_gap, state)
    if not spec.is_lp:
        return _rebuild_stage(project, spec, delays, overruns, shares, None, *args, events=events)[0]
    net0 = build_network(project)
    reveal = reveal_years(net0, spec.committed(), delays, shares)
    reveal.update(event_reveal_years(events, net0.years))
    qualification_reveals(net0, spec.committed(), delays, events, reveal)
    if not reveal:
        return _rebuild_stage(project, spec, delays, overruns, shares, None, *args, events=events)[0]
    result, path = _rebuild_stage(project, spec, {}, {}, {}, None, *args)
    if path is None:
        return _no_nominal(result)
    for r in sorted(set(reveal.values())):
        known = {f for f, y in reveal.items() if y <= r}
        result, path = _rebuild_stage(project, spec, {f: d for f, d in delays.items() if f in known}, overruns,
                                      {k: v for k, v in shares.items() if k[0] in known}, (r, path), *args,
                                      events=[e for k, e in enumerate(events) if ("event", k) in known])
        if path is None:
            break
    return result


def event_reveal_years(events, years) -> dict[tuple[str, int], int]:
    """("event", k) -> the first year of catalogue event k (revealed at its start), within the horizon."""
    first, last = years[0], years[-1]
    return {("event", k): max(first, e.first_year) for k, e in enumerate(events) if e.first_year <= last}


def qualification_reveals(net: Network, committed: dict[tuple[str, int], float], delays: dict[str, int], events,
                          reveal: dict) -> None:
    """Qualification slips are revealed when the slipped output was due to qualify under the
    committed plan (models.slips.qualification_due): the facility's existing capacity (as its
    delay left it), or the first committed addition (decided year + delay + lead + lag). A slip
    of nothing due in the horizon changes nothing and is not revealed (in place on ``reveal``)."""
    start = net.years[0]
    for k, e in enumerate(events):
        if e.slip_kind != QUALIFICATION or e.slipped not in net.facilities:
            continue
        f = net.facilities[e.slipped]
        d = int(delays.get(f.id, 0))
        g = _delayed_facility(f, d, start) if d else f
        due = qualification_due(g, net.settings, [(oid, z + d) for (oid, z), t in committed.items() if t > 0])
        if due is None:
            reveal.pop(("event", k), None)
        else:
            reveal[("event", k)] = due


def _no_nominal(result: PlanResult) -> PlanResult:
    return PlanResult(result.status if not result.has_plan else Status.ERROR,
                      "the plan's own operations (every event as forecast) could not be solved: " + result.message,
                      result.solver)


def _rebuild_stage(project: Project, spec: EvalSpec, delays, overruns, shares, fix, solver, time_limit_s, mip_gap,
                   state, events=()) -> tuple[PlanResult, dict | None]:
    """One solve of the rebuilt model with these events applied; ``fix`` = (r, {var key: value}):
    operations of years < r fixed at those values. Returns (verified result, point by key or None)."""
    from types import SimpleNamespace as _NS

    state = state or SolveState()
    availability: dict[str, dict[int, float]] = {}
    for (fid, y), v in shares.items():
        availability.setdefault(fid, {})[y] = v
    draw = _NS(delays=delays, overruns=overruns, availability=availability)
    sampled = apply_delays_and_overruns(project, draw.delays, draw.overruns)
    for i, f in enumerate(sampled.facilities):  # slips after delays (models.slips): the same rules as the warm path
        if f.id in (slips := slip_amounts(events)):
            sampled.facilities[i] = apply_slips(f, slips[f.id], sampled.settings)
    built = build_network_and_model(sampled, relax_integers=spec.is_lp, capacity_shares=draw_shares(draw),
                                    defense_weight=spec.defense_weight)
    net, lp, idx = built.network, built.lp, built.index
    soften_commitments(lp, net)
    add_stock_floor_rows(lp, net, spec.stock_floors if spec.is_lp else [])
    committed = spec.committed()
    commit_year = spec.commit_year if spec.commit_year is not None else net.years[0]
    delay_of = {f.id: int(draw.delays.get(f.id, 0)) for f in project.facilities}
    for f, o in net.options:
        d = delay_of.get(f.id, 0)
        for y in net.decision_years(o):
            b = decision_bounds(spec, committed, o.id, y, d, o.max_add_tpy, commit_year)
            if b is None:
                continue
            alb, aub, blb, bub = b
            j = lp.var(("add", o.id, y))
            lp.var_lb[j], lp.var_ub[j] = alb, aub
            if lp.has_var(("build", o.id, y)):
                k = lp.var(("build", o.id, y))
                lp.var_lb[k], lp.var_ub[k] = blb, bub
    if spec.is_lp:
        for i, fam in enumerate(lp.row_family):
            if fam in ("budget_year", "budget_total"):
                lp.row_lo[i], lp.row_hi[i] = -INF, INF
    if events:
        lb, ub, lo, hi = (np.asarray(a, dtype=float).copy() for a in (lp.var_lb, lp.var_ub, lp.row_lo, lp.row_hi))
        EventIndex(lp, net).apply(events, lb, ub, lo, hi)
        lp.var_lb, lp.var_ub, lp.row_lo, lp.row_hi = lb.tolist(), ub.tolist(), lo.tolist(), hi.tolist()
        net = surged_network(net, events)
    bounds = (list(lp.var_lb), list(lp.var_ub))
    if fix is not None:
        r, path = fix
        years = column_years(lp)
        fixed = np.zeros(lp.n_vars, dtype=bool)
        for j, key in enumerate(lp.var_keys):
            if 0 <= years[j] < r and key in path:
                v = min(max(path[key], lp.var_lb[j]), lp.var_ub[j])
                lp.var_lb[j] = lp.var_ub[j] = v
                fixed[j] = True
            elif spec.is_lp and key[0] in ("add", "build"):
                fixed[j] = True
        settled = settled_rows(np.asarray(lp.coo_row), np.asarray(lp.coo_col), lp.n_rows, fixed)
        bounds = (*bounds, list(lp.row_lo), list(lp.row_hi))
        lp.row_lo, lp.row_hi = list(lp.row_lo), list(lp.row_hi)
        for i in settled:
            lp.row_lo[i], lp.row_hi[i] = -INF, INF
    result, x, program = _lexicographic_reference(lp, idx, net, solver, time_limit_s, mip_gap, state, bounds)
    point = dict(zip(program.var_keys, map(float, x))) if (x is not None and result.has_plan) else None
    return result, point


def settled_rows(coo_row: np.ndarray, coo_col: np.ndarray, n_rows: int, fixed: np.ndarray) -> np.ndarray:
    """Rows every column of which is fixed (``fixed``: the realised past of a re-plan and, for a
    committed plan, the investment decisions). The realised path met them when it was solved; a
    re-plan cannot change them. Fixed at floating-point values, an equality such as a past year's
    balance can miss by 1e-9 relative, which HiGHS reported as an infeasible future (seen on the
    real sample with the catalogue, depending on which optimal path an earlier stage had picked):
    the reference path always leaves these rows free, the warm path when a re-plan is said
    infeasible (SampleModel._solve_stage); the final point is verified against them."""
    free = np.bincount(coo_row, weights=(~fixed[coo_col]).astype(float), minlength=n_rows)
    nnz = np.bincount(coo_row, minlength=n_rows)
    return np.flatnonzero((free == 0) & (nnz > 0))


def column_years(lp: LinearProgram) -> np.ndarray:
    """The year of each column (its key's one whole-number element); -1 for investment decisions
    (``add``, ``build``: fixed by the plan, never by a reveal) and keys without a year."""
    out = np.full(lp.n_vars, -1, dtype=np.int64)
    for j, key in enumerate(lp.var_keys):
        if key[0] in ("add", "build"):
            continue
        for part in key[1:]:
            if isinstance(part, (int, np.integer)) and not isinstance(part, bool):
                out[j] = int(part)
                break
    return out


def reveal_years(net: Network, committed: dict[tuple[str, int], float], delays: dict[str, int],
                 shares: dict[tuple[str, int], float]) -> dict[str, int]:
    """Facility id -> the year its event is revealed: the first year its capacity in this sample
    differs from the forecast (a delayed facility: its scheduled existing capacity, or the online
    year of a committed decision of one of its options, whichever comes first; a ramp-up share or
    outage below 1: the first such year with capacity). Facilities whose event changes nothing
    inside the horizon are absent. An event is known in full (its duration too) once revealed."""
    start, end = net.years[0], net.years[-1]
    out: dict[str, int] = {}
    for fid, d in delays.items():
        f = net.facilities.get(fid)
        if not d or f is None:
            continue
        years = []
        g = _delayed_facility(f, int(d), start)
        if g is not f:
            years += [y for y in net.years if existing_capacity_tpy(g, y) != net.existing_capacity[(fid, y)]]
        for o in f.options:
            for (oid, z), t in committed.items():
                online = z + o.lead_time_years
                if oid == o.id and t > 0 and online <= end:
                    years.append(max(start, online))
        if years:
            out[fid] = min(years)
    for (fid, y), v in shares.items():
        if abs(v - 1.0) > 1e-12 and net.existing_capacity.get((fid, y), 0.0) > 0:
            out[fid] = min(out.get(fid, y), y)
    return out


def shortfall_stages(lp: LinearProgram, net: Network) -> list[Objective]:
    """The shortfall stages of a sample: unmet tonnes per priority level (stages.shortfall_objectives),
    in order, except the lowest level when it holds no defense demand (commercial by default): no
    level comes after it, so serving it first orders nothing, and its shortfall is priced at the
    unmet penalty in the cost stage (a plan's solve holds it too; per sample that extra solve took
    0.59 instead of 0.16 s of CPU around china_cut, where commercial demand is short in every sample)."""
    objectives = shortfall_objectives(lp, net)
    lowest = max((d.priority for d in net.demands), default=None)
    if len(objectives) > 1 and not any(d.priority == lowest and d.segment == "defense" for d in net.demands):
        objectives = objectives[:-1]
    return objectives


def sample_objectives(lp: LinearProgram, net: Network) -> list[Objective]:
    """A sample's stages: :func:`shortfall_stages`, then the model's (defense-weighted) cost."""
    return shortfall_stages(lp, net) + [cost_objective(lp)]


def _lexicographic_reference(lp, idx, net, solver, time_limit_s, mip_gap, state, bounds=None):
    """Solve once with the weighted cost; the shortfall stages are certified at 0 or solved
    (planner.pipeline.lexicographic, ``initial`` = the weighted point), then verify. ``bounds``:
    the sample's column bounds without a stage's fixings (the point is verified against them).
    Returns (result, point or None, the program solved)."""
    first = solve_lp(lp, solver, time_limit_s, mip_gap, state)
    if first.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) or first.x is None:
        return point_result(lp, idx, net, first, None, solver), None, lp
    objectives = sample_objectives(lp, net)
    lex = solve_lexicographic(lp, objectives, solver, time_limit_s, mip_gap, state, initial=first,
                              initial_stage=len(objectives) - 1)
    last = next((st.raw for st in reversed(lex.stages) if st.raw is not None), first)
    duals = None if lp.is_mip else last.row_duals  # the bottleneck shadow prices come from LP samples only
    if duals is not None and len(duals) < lex.program.n_rows:  # hold rows added after that solve: no price
        duals = np.concatenate([duals, np.zeros(lex.program.n_rows - len(duals))])
    raw = RawSolution(lex.status, lex.x, None, None, first.seconds + lex.seconds, 0.0, lex.message)
    program = lex.program
    if bounds is not None:
        program = copy.copy(program)
        program.var_lb, program.var_ub = list(bounds[0]), list(bounds[1])
        if len(bounds) == 4:  # rows freed as settled (settled_rows): verified with their own bounds
            n = len(bounds[2])
            program.row_lo = list(bounds[2]) + list(program.row_lo[n:])
            program.row_hi = list(bounds[3]) + list(program.row_hi[n:])
    result = point_result(program, idx, net, raw, duals, solver)
    return result, (raw.x if result.has_plan else None), program


def draw_shares(draw) -> dict[tuple[str, int], float]:
    """(facility, year) -> available share of the scheduled existing capacity of a draw (its
    ``availability``, planner.analysis.risk_sampling.SampleDraw); {} without ramp-up risk."""
    return {(fid, int(y)): float(v) for fid, by_year in (getattr(draw, "availability", None) or {}).items()
            for y, v in by_year.items()}


def apply_delays_and_overruns(project: Project, delays: dict[str, int], overruns: dict[str, float]) -> Project:
    """A copy of ``project`` with delays and overruns applied (same rules as risk_sampling.apply_draw)."""
    p = project.model_copy(deep=True)
    start = p.settings.start_year
    for i, f in enumerate(p.facilities):
        d = delays.get(f.id, 0)
        g = delay_facility(f, d, start, p.settings.end_year, where=f"facilities[{i}]")
        if g is not f:
            p.facilities[i] = g
            f = g
        x = overruns.get(f.id)
        for opt in f.options:
            if x is not None and x != 1.0:
                opt.capex_musd_per_tpy = opt.capex_musd_per_tpy * x
                opt.fixed_capex_musd = opt.fixed_capex_musd * x
    return p


# ------------------------------------------------------------------------------ reuse path
class SampleModel:
    """The model of ``project`` built once; :meth:`solve` applies a draw in place and re-solves warm.

    ``project`` must already have its scenario applied. Only HiGHS (the warm re-solve needs a live
    solver object); other solvers use :func:`rebuild_and_solve`.
    """

    def __init__(self, project: Project, spec: EvalSpec, *, time_limit_s: float = 60.0, mip_gap: float = 1e-4,
                 threads: int | None = None, warm: bool = True) -> None:
        """``warm=False``: the model and its per-sample data only, no solver (the robust plan stacks
        sample copies of this model into one program)."""
        from planner.solvers.warm import WarmHighs

        t0 = time.perf_counter()
        self.project, self.spec = project, spec
        self.time_limit_s, self.mip_gap = time_limit_s, mip_gap
        built = build_network_and_model(project, relax_integers=spec.is_lp, defense_weight=spec.defense_weight)
        net, lp, idx = built.network, built.lp, built.index
        soften_commitments(lp, net)  # a future that cannot honour a commitment reports the breach
        add_stock_floor_rows(lp, net, spec.stock_floors if spec.is_lp else [])  # the plan's stock build, soft
        # the catalogue's slips (models.slips): which facilities can slip how; a qualification slip
        # needs the facility's qualification rows even where every lag is 0 (they bind nothing then)
        self.slippable: dict[str, set[str]] = {}
        for pot in potential_events(project):
            for kind, (fid, _entry) in pot.members:
                if kind.endswith("_slip"):
                    self.slippable.setdefault(fid, set()).add(kind[:-len("_slip")])
        qual_slips = frozenset(f for f, kinds in self.slippable.items() if "qualification" in kinds)
        if qual_slips:
            define_qualification_constraints(lp, net, always=qual_slips)
        # one hold row per priority level (free until a sample holds that level's shortfall); none
        # without a solver (the robust plan's stacked copies solve one weighted program)
        self.levels: list[tuple[Objective, np.ndarray, int]] = []
        for obj in (shortfall_stages(lp, net) if warm else []):
            row = lp.add_row(HOLD_FAMILY, (obj.name,), obj.cost)
            self.levels.append((obj, np.array(sorted(obj.cost), dtype=np.int64), row))
        self.hold_rows = np.array([r for *_, r in self.levels], dtype=np.int64)
        self.n_stage_solves = 0  # shortfall or cost stages solved beyond the first weighted solve
        self.n_rebuilt = 0  # samples re-solved from scratch after the warm point failed verification
        self.n_reveal_solves = 0  # re-plans at reveal years (one per distinct reveal year of a sample)
        self.n_reveal_skipped = 0  # reveal years whose events the realised path already meets (no LP)
        self.n_settled_retries = 0  # re-plans said infeasible, solved again with the fixed past's rows free
        self.net, self.lp, self.idx = net, lp, idx
        self.committed = spec.committed()
        self.commit_year = spec.commit_year if spec.commit_year is not None else net.years[0]
        start = net.years[0]
        self.base_lb = np.asarray(lp.var_lb, dtype=float)
        self.base_ub = np.asarray(lp.var_ub, dtype=float)
        self.base_cost = np.asarray(lp.var_cost, dtype=float)
        self.base_lo = np.asarray(lp.row_lo, dtype=float)
        self.base_hi = np.asarray(lp.row_hi, dtype=float)

        # decision columns: (option, year, add col, build col or -1, capex part of the build cost)
        self.decisions: list[tuple[Any, Any, int, int, int, float]] = []
        for f, o in net.options:
            for y in net.decision_years(o):
                ja = lp.var(("add", o.id, y))
                jb = lp.var(("build", o.id, y)) if lp.has_var(("build", o.id, y)) else -1
                keep = 1.0 - idx.option_salvage[(o.id, y)]
                build_capex = net.discount[y] * o.fixed_capex_musd * keep
                self.decisions.append((f, o, y, ja, jb, build_capex))
        self.events_index = EventIndex(lp, net)  # catalogue events' columns and rows
        self.col_year = column_years(lp)  # operations' years (fixed before a reveal year); -1 investments
        self.dec_cols = np.array([c for *_, ja, jb, _ in self.decisions for c in (ja, jb) if c >= 0], dtype=np.int64)

        # capacity rows of facilities a delay can move (not operating) or with ramp-up risk
        self.delayable = [f for f in project.facilities if f.status is not FacilityStatus.OPERATING]
        ids = {f.id for f in self.delayable}
        # facilities whose schedule a sample can move: delayable, or with a ramp-up or qualification slip
        self.moveable = self.delayable + [f for f in project.facilities if f.id not in ids and (
            self.slippable.get(f.id, set()) - {CIRCUIT})]
        ids = {f.id for f in self.moveable}
        adjustable = self.moveable + [f for f in project.facilities if f.availability_risk and f.id not in ids]
        # circuit slips: (activity column, its process, year) of each slippable separation plant
        self.circuit_cols: dict[str, list[tuple[int, Any, int]]] = {}
        for fid, kinds in self.slippable.items():
            if CIRCUIT in kinds:
                for p in net.processes_of.get(fid, []):
                    for j, key in enumerate(lp.var_keys):
                        if key[0] == "act" and key[1] == p.id:
                            self.circuit_cols.setdefault(fid, []).append((j, p, key[2]))
        self.slip_cols = np.array(sorted(j for cols in self.circuit_cols.values() for j, _, _ in cols), dtype=np.int64)
        self.cap_rows: list[tuple[Any, int, int]] = []  # (facility, year, row)
        for f in adjustable:
            for y in net.years:
                if lp.has_row("capacity", f.id, y):
                    self.cap_rows.append((f, y, lp.row("capacity", f.id, y)))
        # qualification caps (hi = output x existing from online_year + lag on, else 0) of facilities a
        # delay or a ramp-up share can change: recomputed per sample (sample_data)
        self.qual_rows: dict[tuple[str, int], list[int]] = {}
        adjustable_ids = {f.id for f in adjustable}
        for i, key in enumerate(lp.row_keys):
            if key[0] == "qualification" and key[1] in adjustable_ids:
                self.qual_rows.setdefault((key[1], key[3]), []).append(i)
        # a qualification slip also moves the qualification of the facility's additions: per row,
        # its option terms (column, coefficient -out x share, option, decided year)
        option_of_col = {ja: (o, y) for f, o, y, ja, _jb, _ in self.decisions}
        qual_slipped = {fid for fid, kinds in self.slippable.items() if QUALIFICATION in kinds}
        self.qual_option_terms: dict[str, list[tuple[int, int, list]]] = {}
        if qual_slipped:
            terms_of: dict[int, list] = {}
            wanted = {i: (key[1], key[3]) for i, key in enumerate(lp.row_keys)
                      if key[0] == "qualification" and key[1] in qual_slipped}
            for i, j, v in zip(lp.coo_row, lp.coo_col, lp.coo_val):
                if i in wanted and j in option_of_col:
                    terms_of.setdefault(i, []).append((j, v, *option_of_col[j]))
            for i, terms in terms_of.items():
                fid, y = wanted[i]
                self.qual_option_terms.setdefault(fid, []).append((i, y, terms))
        self.adjusted_rows = np.array(sorted({i for *_, i in self.cap_rows} | {i for rows in self.qual_rows.values()
                                                                               for i in rows}), dtype=np.int64)
        self.cap_row_idx = np.array([i for *_, i in self.cap_rows], dtype=np.int64)
        # objective constant without the fixed opex of delayable facilities (added back per sample)
        self.const_fixed = lp.constant - sum(
            net.discount[y] * f.fixed_opex_musd_per_yr
            for f in self.moveable if f.fixed_opex_musd_per_yr > 0
            for y in net.years if net.existing_capacity[(f.id, y)] > 0)
        # budget rows and their coefficients
        self.budget_rows = np.array([i for i, fam in enumerate(lp.row_family)
                                     if fam in ("budget_year", "budget_total")],
                                    dtype=np.int64)
        self.budget_coeffs: list[tuple[int, int, float, str]] = []  # row, col, base coefficient, facility
        if self.budget_rows.size:
            fac_of_col = {}
            for f, _o, _y, ja, jb, _ in self.decisions:
                fac_of_col[ja] = f.id
                if jb >= 0:
                    fac_of_col[jb] = f.id
            rows = set(self.budget_rows.tolist())
            for i, j, v in zip(lp.coo_row, lp.coo_col, lp.coo_val):
                if i in rows:
                    self.budget_coeffs.append((i, j, v, fac_of_col[j]))
            if spec.is_lp:
                lp.row_lo = list(lp.row_lo)
                for i in self.budget_rows:
                    lp.row_lo[i], lp.row_hi[i] = -INF, INF
                self.base_lo[self.budget_rows] = -INF
                self.base_hi[self.budget_rows] = INF
        self.start = start
        # numpy copies of the matrix for the per-sample verification views (no list -> array per sample)
        self._coo = (np.asarray(lp.coo_row, dtype=np.int64), np.asarray(lp.coo_col, dtype=np.int64),
                     np.asarray(lp.coo_val, dtype=np.float64))
        if not warm:
            self.build_seconds = time.perf_counter() - t0
            return
        # MIP samples (recourse, foresight) can run long: those solves stay interruptible
        self.highs = WarmHighs(lp, algorithm="simplex", threads=threads, interruptible=lp.is_mip)
        # Solve the undelayed model once: every sample starts from this basis (LP) or point (MIP),
        # never from the previous sample's, so a sample's answer -- including degenerate duals --
        # does not depend on which samples this worker solved before (same report for any workers).
        self.base_raw = self.highs.solve(time_limit_s)
        self.base_basis = self.highs.basis() if not self.highs.is_mip else None
        self.start_x = self.base_raw.x if self.highs.is_mip else None
        self.build_seconds = time.perf_counter() - t0

    # ------------------------------------------------------------------ a sample's changes
    def sample_data(self, delays: dict[str, int], overruns: dict[str, float],
                    shares: dict[tuple[str, int], float] | None = None,
                    slips: dict[str, dict[str, int]] | None = None):
        """(lb, ub, cost over dec_cols), (cap row hi), objective constant, budget coefficients.
        ``shares``: (facility, year) -> available share of the scheduled existing capacity;
        ``slips``: facility -> slip kind -> extra years (risk_events.slip_amounts), applied after
        the delay by the rules of models.slips: a ramp-up or qualification slip moves the
        facility's schedule like a delay does (capacity and qualification rows); a circuit slip of
        d years lets each of the plant's processes run in year y where it ran in year
        models.slips.circuit_source_year(y, d) (activity column bounds)."""
        slips = slips or {}
        spec, net = self.spec, self.net
        lb = self.base_lb.copy()
        ub = self.base_ub.copy()
        cost = self.base_cost.copy()
        for f, o, y, ja, jb, build_capex in self.decisions:
            d = int(delays.get(f.id, 0))
            x = float(overruns.get(f.id, 1.0))
            if y < _first_decision_year(net, o, d):
                lb[ja] = ub[ja] = 0.0
                if jb >= 0:
                    lb[jb] = ub[jb] = 0.0
            else:
                b = decision_bounds(spec, self.committed, o.id, y, d, o.max_add_tpy, self.commit_year)
                if b is None:
                    continue  # free: base bounds (already in lb / ub)
                alb, aub, blb, bub = b
                lb[ja], ub[ja] = alb, aub
                if jb >= 0:
                    lb[jb], ub[jb] = blb, bub
            if x != 1.0:
                cost[ja] = self.base_cost[ja] * x
                if jb >= 0:
                    cost[jb] = self.base_cost[jb] + build_capex * (x - 1.0)
        hi = self.base_hi.copy()
        existing = dict(net.existing_capacity)
        constant = self.const_fixed
        moved: dict[str, Any] = {}
        for f in self.moveable:
            d = int(delays.get(f.id, 0))
            g = _delayed_facility(f, d, self.start) if d else f
            if slips.get(f.id):
                g = apply_slips(g, slips[f.id], self.project.settings)
            moved[f.id] = g
            for y in net.years:
                c = existing_capacity_tpy(g, y) if g is not f else net.existing_capacity[(f.id, y)]
                existing[(f.id, y)] = c
                if f.fixed_opex_musd_per_yr > 0 and c > 0:
                    constant += net.discount[y] * f.fixed_opex_musd_per_yr
        for key, share in (shares or {}).items():  # ramp-up risk (fixed opex still paid: share > 0)
            if key in existing:
                existing[key] = existing[key] * share
        for f, y, i in self.cap_rows:
            hi[i] = existing[(f.id, y)]
        # qualification caps: output per activity x the sample's existing capacity, from the (delayed)
        # facility's qualified-from year on (a delay moves it: online_year + lag); output per activity =
        # base hi / base existing (a delay or share only lowers existing, so a 0 base stays 0)
        for (fid, y), rows in self.qual_rows.items():
            g = moved.get(fid, self.net.facilities[fid])
            q_from = qualified_from_year(g, self.project.settings)
            base_existing = net.existing_capacity[(fid, y)]
            for i in rows:
                if q_from is None or y < q_from:
                    hi[i] = 0.0
                elif base_existing > 0:
                    hi[i] = self.base_hi[i] * existing[(fid, y)] / base_existing
        # a qualification slip of d years: an addition's output counts for defense d years later.
        # The addition's term leaves the row in those years; with the addition fixed (a committed
        # plan) that is the row bound lowered by its output: hi += coef x add (coef = -out x share).
        # A free addition (the robust plan's first stage) keeps its term (solve() routes recourse
        # samples with such a slip to the reference path).
        for fid, terms_by_row in self.qual_option_terms.items():
            d = int(slips.get(fid, {}).get(QUALIFICATION, 0))
            if not d:
                continue
            f = self.net.facilities[fid]
            for i, y, terms in terms_by_row:
                for j, coef, o, yd in terms:
                    lag_o = qualification_lag(f, self.project.settings, o)
                    since = y - (yd + o.lead_time_years)
                    if lag_o <= since < lag_o + d and lb[j] == ub[j]:
                        hi[i] += coef * lb[j]
        for fid, cols in self.circuit_cols.items():
            extra = int(slips.get(fid, {}).get(CIRCUIT, 0))
            if extra:
                for j, proc, y in cols:
                    ub[j] = INF if proc.runs_in(circuit_source_year(y, extra, self.start)) else 0.0
        coeffs = [(i, j, v * float(overruns.get(fid, 1.0))) for i, j, v, fid in self.budget_coeffs]
        return lb, ub, cost, hi, constant, existing, coeffs

    def views(self, lb, ub, cost, hi, constant, existing, coeffs, overruns, lo=None, events=()):
        """LinearProgram / ModelIndex / Network views of this sample (for verification and extraction);
        ``lo``: row lower bounds when events changed some (else the model's), ``events``: the
        sample's catalogue events (a demand surge changes the network's demand)."""
        lp = copy.copy(self.lp)  # numpy arrays where LinearProgram keeps lists: same values, no conversion
        lp.var_lb, lp.var_ub, lp.var_cost = lb, ub, cost
        lp.row_hi, lp.row_lo = hi, (self.base_lo if lo is None else lo)
        lp.constant = constant
        lp.coo_row, lp.coo_col, lp.coo_val = self._coo
        if coeffs:
            vals = self._coo[2].copy()
            budget = set(self.budget_rows.tolist())
            pos = {(i, j): k for k, (i, j) in enumerate(zip(self.lp.coo_row, self.lp.coo_col)) if i in budget}
            for i, j, v in coeffs:
                vals[pos[(i, j)]] = v
            lp.coo_val = vals
        idx = copy.copy(self.idx)
        fac_of = {o.id: f.id for f, o in self.net.options}
        idx.option_capex = {k: (a * overruns.get(fac_of[k[0]], 1.0), b * overruns.get(fac_of[k[0]], 1.0))
                            for k, (a, b) in self.idx.option_capex.items()}
        fixed_by_year: dict[int, float] = {}
        for f in self.net.facilities.values():
            if f.fixed_opex_musd_per_yr <= 0:
                continue
            for y in self.net.years:
                if existing[(f.id, y)] > 0:
                    fixed_by_year[y] = fixed_by_year.get(y, 0.0) + f.fixed_opex_musd_per_yr
        idx.existing_fixed_opex_by_year = fixed_by_year
        net = surged_network(replace(self.net, existing_capacity=existing), events)
        return lp, idx, net

    def solve(self, delays: dict[str, int], overruns: dict[str, float], state: SolveState | None = None,
              from_base: bool = True, shares: dict[tuple[str, int], float] | None = None,
              events: list | None = None) -> PlanResult:
        """Evaluate one sample: apply it in place, re-solve warm, verify and extract.

        No foresight for a committed plan (``spec.is_lp``): each event is revealed at the start of
        its first year (:func:`reveal_years`). Until the first reveal year the sample runs the
        plan's own operations (:meth:`nominal_x`: the plan solved with every event as forecast);
        at each distinct reveal year r it re-plans years >= r with years < r fixed at the realised
        path and only the events revealed by r applied (the others as forecast): one warm LP per
        reveal year. With recourse or foresight specs the sample is solved once, knowing it all.

        ``from_base``: start from the undelayed model's basis (LP) or point (MIP); otherwise from
        the basis left by the previous solve (faster: ~320 instead of ~1,600 simplex iterations on
        the real sample, but then the answer can depend on that previous sample where the optimum is
        degenerate -- callers chain samples in fixed groups, see risk_worker.CHUNK)."""
        shares = shares or {}
        events = list(events or [])
        reveal = reveal_years(self.net, self.committed, delays, shares) if self.spec.is_lp else {}
        if self.spec.is_lp:
            reveal.update(event_reveal_years(events, self.net.years))
            qualification_reveals(self.net, self.committed, delays, events, reveal)
        elif any(e.slip_kind == QUALIFICATION and self.qual_option_terms.get(e.slipped) for e in events):
            # free additions: their qualification slip changes matrix coefficients, which the warm
            # model does not; this sample is solved by the reference path
            availability: dict[str, dict[int, float]] = {}
            for (fid, y), v in shares.items():
                availability.setdefault(fid, {})[y] = v
            draw = SimpleNamespace(delays=delays, overruns=overruns, availability=availability, events=events)
            self.n_rebuilt += 1
            return rebuild_and_solve(self.project, self.spec, draw, "highs", self.time_limit_s, state, self.mip_gap)
        if not reveal:
            raw, data, extra = self._solve_stage(delays, overruns, shares, state, from_base, None, events)
            return self._finish(raw, data, extra, delays, overruns, shares, state, events)
        path = self.nominal_x(state)
        if path is None:
            return _no_nominal(self._nominal_result)
        first = True
        raw = replace(self._nominal_raw, x=path)
        for r in sorted(set(reveal.values())):
            known = {f for f, y in reveal.items() if y <= r}
            stage = ({f: d for f, d in delays.items() if f in known}, overruns,
                     {k: v for k, v in shares.items() if k[0] in known},
                     [e for k, e in enumerate(events) if ("event", k) in known])
            prepared = self._stage_data(*stage)
            data, lo = prepared[0], prepared[1]
            extra = (lo, stage[3])
            # a circuit or ramp-up slip revealed now can also widen a bound (the plant's earlier phase
            # runs longer): then the path is not known to be optimal and the stage is re-planned
            widens = any(events[k].slip_kind in (CIRCUIT, RAMP_UP) for k in range(len(events))
                         if reveal.get(("event", k)) == r)
            if not widens and self._path_fits(path, data, lo):
                # the realised path still meets every bound with these events: the events only tighten
                # what the last re-plan optimised over, so the path stays optimal (no LP needed)
                self.n_reveal_skipped += 1
                continue
            raw, data, extra = self._solve_stage(stage[0], overruns, stage[2], state, from_base and first, (r, path),
                                                 stage[3], prepared)
            first = False
            self.n_reveal_solves += 1
            if raw.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) or raw.x is None:
                break
            path = raw.x
        return self._finish(raw, data, extra, delays, overruns, shares, state, events)

    def _stage_data(self, delays, overruns, shares, events):
        """(sample data, row lower bounds, (event columns, event rows)) of a stage: the sample's
        bounds with these delays, shares and catalogue events applied."""
        data = self.sample_data(delays, overruns, shares, slip_amounts(events))
        lb, ub, cost, hi, constant, existing, coeffs = data
        lo = self.base_lo.copy()
        ev = self.events_index.apply(events, lb, ub, lo, hi) if events else ([], [])
        return data, lo, ev

    def _path_fits(self, x: np.ndarray, data, lo: np.ndarray) -> bool:
        """Does point x meet the stage's column and row bounds (tolerance 1e-7 x max(1, |bound|))?
        Only for committed plans (an LP; budget rows free), where revealing an event never widens
        the feasible set: a fitting path is the stage's lexicographic optimum."""
        lb, ub, cost, hi, constant, existing, coeffs = data
        if coeffs:
            return False
        tol = 1e-7
        with np.errstate(invalid="ignore"):
            if np.any(x < lb - tol * np.maximum(1.0, np.abs(np.where(np.isfinite(lb), lb, 0.0)))):
                return False
            if np.any(x > ub + tol * np.maximum(1.0, np.abs(np.where(np.isfinite(ub), ub, 0.0)))):
                return False
        r, c, v = self._coo
        act = np.bincount(r, weights=v * x[c], minlength=self.lp.n_rows)
        fin_hi = np.where(np.isfinite(hi), hi, 0.0)
        fin_lo = np.where(np.isfinite(lo), lo, 0.0)
        if np.any(act > hi + tol * np.maximum(1.0, np.abs(fin_hi))):
            return False
        return not np.any(act < lo - tol * np.maximum(1.0, np.abs(fin_lo)))

    def nominal_x(self, state: SolveState | None = None) -> np.ndarray | None:
        """The plan's own operations: the committed plan solved (defense first, then cost) with every
        event as forecast; computed once per model. None when it has no verified point."""
        if not hasattr(self, "_nominal_x"):
            raw, data, extra = self._solve_stage({}, {}, {}, state, True, None, [])
            rebuilt = self.n_rebuilt
            self._nominal_raw = raw
            self._nominal_result = self._finish(raw, data, extra, {}, {}, {}, state)
            self._nominal_x = None
            if self._nominal_result.has_plan and self.n_rebuilt == rebuilt:
                self._nominal_x = np.asarray(raw.x, dtype=float).copy()
            elif self._nominal_result.has_plan:  # the warm point failed verification: the fresh model's point
                _, point = _rebuild_stage(self.project, self.spec, {}, {}, {}, None, "highs", self.time_limit_s,
                                          self.mip_gap, state)
                if point is not None:
                    self._nominal_x = np.array([point.get(k, 0.0) for k in self.lp.var_keys], dtype=float)
                self._nominal_raw = replace(raw, row_duals=None)  # the refused warm point's duals are not used
        return self._nominal_x

    def _solve_stage(self, delays, overruns, shares, state, from_base, fix, events=(), prepared=None):
        """One warm lexicographic solve with these events applied; ``fix`` = (r, path): columns of
        years < r (operations, not investments) fixed at the path's values; ``prepared``: the
        stage's :meth:`_stage_data` when already computed. Returns (raw, data, (row lower bounds,
        catalogue events applied))."""
        data, lo, (ev_cols, ev_rows) = prepared or self._stage_data(delays, overruns, shares, events)
        lb, ub, cost, hi, constant, existing, coeffs = data
        ev_cols, ev_rows = np.asarray(ev_cols, dtype=np.int64), np.asarray(ev_rows, dtype=np.int64)
        h = self.highs
        cols = self.dec_cols
        h.set_col_bounds(cols, lb[cols], ub[cols])
        h.set_col_costs(cols, cost[cols])
        if self.slip_cols.size:  # circuit slips: this stage's activity bounds of the slippable plants
            h.set_col_bounds(self.slip_cols, lb[self.slip_cols], ub[self.slip_cols])
        rows = self.adjusted_rows
        h.set_row_bounds(rows, self.base_lo[rows], hi[rows])
        h.set_offset(constant)
        if coeffs:
            h.set_coeffs([c[0] for c in coeffs], [c[1] for c in coeffs], [c[2] for c in coeffs])
        h.set_col_bounds(ev_cols, lb[ev_cols], ub[ev_cols])
        h.set_row_bounds(ev_rows, lo[ev_rows], hi[ev_rows])
        fixed = None
        settled = np.empty(0, dtype=np.int64)
        if fix is not None:
            r, path = fix
            fixed = np.flatnonzero((self.col_year >= 0) & (self.col_year < r))
            v = np.clip(path[fixed], lb[fixed], ub[fixed])  # the stage's bounds (a slipped circuit's too)
            h.set_col_bounds(fixed, v, v)
        if not from_base:
            pass
        elif self.base_basis is not None:
            h.set_basis(self.base_basis)
        elif self.start_x is not None:
            h.set_start(self.start_x)
        raw = h.solve(self.time_limit_s, state, self.mip_gap)
        if fix is not None and raw.status is RawStatus.INFEASIBLE:
            # the realised past fixed at floating-point values can miss one of its own equalities
            # by ~1e-9 (settled_rows): solve again with the rows of the fixed past left free (only
            # then: freeing them on every re-plan cost 0.16 s of CPU per real-sample sample)
            settled = self._settled(fix[0])
            h.set_row_bounds(settled, np.full(settled.size, -INF), np.full(settled.size, INF))
            self.n_settled_retries += 1
            raw = h.solve(self.time_limit_s, state, self.mip_gap)
        if raw.status in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) and raw.x is not None:
            raw = self._lexicographic(raw, cost, constant, hi, state)
        if fixed is not None and fixed.size:
            h.set_col_bounds(fixed, self.base_lb[fixed], self.base_ub[fixed])
        h.set_row_bounds(settled, self.base_lo[settled], self.base_hi[settled])  # the sample's own: pushed per stage
        h.set_col_bounds(ev_cols, self.base_lb[ev_cols], self.base_ub[ev_cols])
        h.set_row_bounds(ev_rows, self.base_lo[ev_rows], self.base_hi[ev_rows])
        return raw, data, (lo, list(events))

    def _settled(self, r: int) -> np.ndarray:
        """Rows a re-plan from year r leaves free (:func:`settled_rows`: every column in a year
        before r, or a decision of the committed plan); cached per r."""
        cache = self.__dict__.setdefault("_settled_cache", {})
        if r not in cache:
            fixed = (self.col_year >= 0) & (self.col_year < r)
            if self.spec.is_lp:
                fixed[self.dec_cols] = True
            cache[r] = settled_rows(self._coo[0], self._coo[1], self.lp.n_rows, fixed)
        return cache[r]

    def _finish(self, raw, data, extra, delays, overruns, shares, state, events=()) -> PlanResult:
        """Verify and extract a sample's final point against the sample's own data (all its
        events, no stage fixings); a warm point that fails verification is re-solved from scratch."""
        lb, ub, cost, hi, constant, existing, coeffs = data
        lo, applied = extra
        h = self.highs
        lp, idx, net = self.views(lb, ub, cost, hi, constant, existing, coeffs, overruns, lo, applied)
        unmet = raw.x is not None and any(
            raw.x[j] > 1e-6 for j, key in self._unmet_cols())
        duals = raw.row_duals if (unmet and not h.is_mip) else None  # bottlenecks are read only when demand is unmet
        result = point_result(lp, idx, net, raw, duals, "highs")
        no_point = raw.status is RawStatus.OPTIMAL and raw.x is None
        if result.status is Status.ERROR and (result.checks or no_point) and not (state and state.cancel_requested):
            # The warm point failed verification: solver noise that can build up over hundreds of warm
            # re-solves on one Highs (seen once in 256 real-sample samples: a 2.4e-6 balance violation
            # after 243 samples). Or HiGHS said "Optimal" from a warm basis without a feasible point
            # (seen once in 80 real-sample samples under the catalogue). Re-solve this sample from
            # scratch (the reference path: a fresh model, so the answer does not depend on what this
            # worker solved before).
            self.n_rebuilt += 1
            availability: dict[str, dict[int, float]] = {}
            for (fid, y), v in (shares or {}).items():
                availability.setdefault(fid, {})[y] = v
            draw = SimpleNamespace(delays=delays, overruns=overruns, availability=availability, events=list(events))
            result = rebuild_and_solve(self.project, self.spec, draw, "highs", self.time_limit_s, state, self.mip_gap)
        return result

    def _lexicographic(self, first: RawSolution, cost: np.ndarray, constant: float, hi: np.ndarray,
                       state: SolveState | None) -> RawSolution:
        """Shortfall by priority, then cost, starting from ``first`` (the weighted solve; optimal
        for the weighted cost c_w = cost stage's objective). For level p with shortfall S_p:

        * S_p(x) <= tol(0) and every earlier level held at x: certified at its lower bound 0;
        * else solve min S_p under the earlier holds (warm, same Highs) -> v_p, hold S_p <= v_p + tol_p.
          If S_p(x) <= v_p + tol_p, x stays: for any y meeting the holds, c_w(x) <= c_w(y) since x is
          c_w-optimal on a superset. Otherwise x := the stage's point and the cost stage is re-solved
          under every hold at the end.

        Hold bounds are written into ``hi`` (the sample's row upper bounds, so the verifier checks
        them); the live model's hold rows are freed and its costs restored before returning."""
        h = self.highs
        x, raw, replaced, changed = first.x, first, first.status is not RawStatus.OPTIMAL, False
        n = self.lp.n_vars
        all_cols = np.arange(n, dtype=np.int64)
        held: list[int] = []
        for obj, cols, row in self.levels:
            short = float(x[cols].sum())
            if not replaced and short <= obj.tolerance(0.0):
                hi[row] = obj.tolerance(0.0)
                held.append(row)
                continue
            h.set_row_bounds(np.array(held, dtype=np.int64), np.full(len(held), -INF), hi[held])
            c = np.zeros(n)
            c[cols] = 1.0
            h.set_col_costs(all_cols, c)
            h.set_offset(0.0)
            changed = True
            if h.is_mip:
                h.set_start(x)
            stage = h.solve(self.time_limit_s, state, self.mip_gap)
            self.n_stage_solves += 1
            if stage.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) or stage.x is None:
                raw = replace(stage, message=f"stage {obj.name}: {stage.message or stage.status.value}")
                x = None
                break
            v = float(stage.x[cols].sum())
            hi[row] = v + obj.tolerance(v)
            held.append(row)
            if short > hi[row]:
                x, replaced = stage.x, True
        if x is not None and replaced:
            h.set_row_bounds(np.array(held, dtype=np.int64), np.full(len(held), -INF), hi[held])
            h.set_col_costs(all_cols, cost)
            h.set_offset(constant)
            if h.is_mip:
                h.set_start(x)
            raw = h.solve(self.time_limit_s, state, self.mip_gap)
            self.n_stage_solves += 1
        if changed:
            h.set_col_costs(all_cols, cost)
            h.set_offset(constant)
        h.set_row_bounds(self.hold_rows, np.full(self.hold_rows.size, -INF), np.full(self.hold_rows.size, INF))
        return raw

    def _unmet_cols(self) -> Iterable[tuple[int, tuple]]:
        if not hasattr(self, "_unmet"):
            self._unmet = [(j, k) for j, k in enumerate(self.lp.var_keys) if k[0] == "unmet"]
        return self._unmet


__all__ = ["EvalSpec", "LATER", "MODES", "SampleModel", "apply_delays_and_overruns", "decision_bounds", "draw_shares",
           "plan_decisions", "point_result", "qualification_reveals", "rebuild_and_solve", "settled_rows"]
