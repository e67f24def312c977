"""The per-sample work of a Monte Carlo run, runnable in this process, a worker process or on Dask.

A worker receives the project as JSON text once (process pool initializer, or a Dask-scattered
string parsed once per worker process and cached), then only (index) per sample, and returns a
compact :class:`SampleSummary` -- a few hundred numbers instead of a whole PlanResult.
"""

from __future__ import annotations

import hashlib
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from models.io import parse_project_text
from models.project import Project
from models.vocab import Segment
from planner.analysis.risk_sampling import apply_draw, draw_sample
from planner.result import PlanResult, Status

#: Relative tolerance when deciding that a demand was met: shortfall <= MET_TOL x max(1, demand).
MET_TOL = 1e-6


@dataclass
class SampleSummary:
    """What the aggregation needs from one solved sample (all tonnes in t, costs in $M).

    ``defense_shortfall_t[product][year]`` = defense demand - defense tonnes delivered clean
    (years >= compliance year) or - defense tonnes delivered (earlier years), >= 0.
    ``investments`` = [facility, option, first decided year, total added t/yr].
    ``bottlenecks`` = [facility, highest shadow price ($/t of capacity, money of that year)] for
    every facility of a short product's supply chain whose capacity binds in a year with unmet
    demand (Bottleneck.penalty_bound; sorted by facility).
    """

    index: int
    status: str
    message: str = ""
    total_cost_musd: float | None = None
    net_cost_musd: float | None = None  # cost - outside sales revenue (= total cost without outside buyers)
    contract_shortfall_t: float = 0.0  # take-or-pay offtakes and reserved sales left short (shortfall_value)
    objective: float | None = None
    capex_musd: float | None = None
    defense_demand_t: dict[str, dict[int, float]] = field(default_factory=dict)
    defense_shortfall_t: dict[str, dict[int, float]] = field(default_factory=dict)
    unmet_total_t: float = 0.0
    unmet_by_segment_t: dict[str, float] = field(default_factory=dict)  # segment -> t over the horizon
    investments: list[list[Any]] = field(default_factory=list)
    bottlenecks: list[list[Any]] = field(default_factory=list)
    delays: dict[str, int] = field(default_factory=dict)
    overruns: dict[str, float] = field(default_factory=dict)
    #: commitments this future could not honour: [[contract id, "offtake" | "stockpile", year, t short]]
    breaches: list[list[Any]] = field(default_factory=list)
    #: events drawn in this future (catalogue events: [[event id, kind, scope, first year, last year]])
    events: list[list[Any]] = field(default_factory=list)
    weight: float = 1.0  # stratification weight (likelihood ratio) of this sample's catalogue events
    seconds: float = 0.0  # wall time of this sample (draw, apply, solve, summarise)
    cpu_seconds: float = 0.0  # CPU time of the process meanwhile (seconds >> cpu_seconds: a busy machine)

    @property
    def ok(self) -> bool:
        return Status(self.status).has_plan

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("defense_demand_t", "defense_shortfall_t"):
            d[key] = {p: {str(y): v for y, v in by_year.items()} for p, by_year in d[key].items()}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SampleSummary":
        d = {k: v for k, v in d.items() if k in {f.name for f in fields(cls)}}
        for key in ("defense_demand_t", "defense_shortfall_t"):
            d[key] = {p: {int(y): float(v) for y, v in by_year.items()} for p, by_year in d.get(key, {}).items()}
        return cls(**d)


def nominal_demand(project: Project) -> tuple[dict[str, dict[int, float]], dict[str, float]]:
    """(defense demand t by product and year, total demand t by segment over the horizon) of the
    project's network (platform demand included): what a sample without a plan leaves unserved."""
    key = id(project)
    hit = _nominal_cache.get(key)
    if hit is not None and hit[0] is project:
        return hit[1]
    from planner.model.network import build_network

    net = build_network(project)
    out = demand_totals(net)
    _nominal_cache.clear()
    _nominal_cache[key] = (project, out)
    return out


def demand_totals(net: Any) -> tuple[dict[str, dict[int, float]], dict[str, float]]:
    """Defense demand by product and year, and total demand by segment, of a network (t)."""
    defense: dict[str, dict[int, float]] = {}
    by_segment: dict[str, float] = {}
    years = set(net.years)
    for d in net.demands:
        for y, t in d.tonnes_by_year.items():
            if y not in years:
                continue
            by_segment[d.segment] = by_segment.get(d.segment, 0.0) + t
            if d.segment == Segment.DEFENSE.value:
                by = defense.setdefault(d.product, {})
                by[y] = by.get(y, 0.0) + t
    return defense, by_segment


_nominal_cache: dict[int, tuple[Any, Any]] = {}


def summarise(index: int, result: PlanResult, compliance_year: int,
              demand: tuple[dict[str, dict[int, float]], dict[str, float]] | None = None) -> SampleSummary:
    """Reduce a PlanResult to a SampleSummary.

    A sample without a plan delivers nothing (it has no plan to run): its defense shortfall is the
    whole defense demand of ``demand`` (nominal_demand) and every segment's demand is unmet, so it
    counts in every probability as not met; its message is the plain-language reason."""
    from planner.analysis.commitments import commitment_breaches, plain_reason
    from planner.analysis.shortfall_value import contract_shortfall_t, net_cost

    s = SampleSummary(index=index, status=result.status.value, message=result.message)
    if not result.has_plan:
        s.message = plain_reason(result.status.value, result.message)
        fill_unserved(s, demand)
        return s
    s.breaches = commitment_breaches(result)
    s.total_cost_musd = result.total_cost_musd
    s.net_cost_musd = net_cost(result)
    s.contract_shortfall_t = contract_shortfall_t(result)
    s.objective = result.objective
    s.capex_musd = result.cost_breakdown_musd.get("capex")
    unmet_years: set[int] = set()
    for r in result.demand:
        if r.unmet > MET_TOL * max(1.0, r.demand):
            unmet_years.add(r.year)
        s.unmet_total_t += r.unmet
        s.unmet_by_segment_t[r.segment] = s.unmet_by_segment_t.get(r.segment, 0.0) + r.unmet
        if r.segment != Segment.DEFENSE.value:
            continue
        served = r.delivered_clean if r.year >= compliance_year else r.delivered
        short = max(0.0, r.demand - served)
        dem = s.defense_demand_t.setdefault(r.product, {})
        dem[r.year] = dem.get(r.year, 0.0) + r.demand
        sh = s.defense_shortfall_t.setdefault(r.product, {})
        sh[r.year] = sh.get(r.year, 0.0) + short
    builds: dict[tuple[str, str], list[Any]] = {}
    for inv in result.investments:
        if inv.added_tpy <= 0:
            continue
        key = (inv.facility, inv.option)
        if key in builds:
            builds[key][2] = min(builds[key][2], inv.decided_year)
            builds[key][3] += inv.added_tpy
        else:
            builds[key] = [inv.facility, inv.option, inv.decided_year, inv.added_tpy]
    s.investments = sorted(builds.values())
    worst: dict[str, float] = {}
    for b in result.bottlenecks:  # capacities of the short product's own chain in a year with unmet demand
        if b.year in unmet_years and b.penalty_bound:
            worst[b.facility] = max(worst.get(b.facility, 0.0), float(b.shadow_usd_per_t))
    s.bottlenecks = [[f, v] for f, v in sorted(worst.items())]
    return s


def fill_unserved(s: SampleSummary, demand: tuple[dict[str, dict[int, float]], dict[str, float]] | None) -> None:
    """A sample without a plan: all defense demand short, every segment's demand unmet."""
    if demand is None:
        return
    defense, by_segment = demand
    s.defense_demand_t = {p: dict(by) for p, by in defense.items()}
    s.defense_shortfall_t = {p: dict(by) for p, by in defense.items()}
    s.unmet_by_segment_t = dict(by_segment)
    s.unmet_total_t = sum(by_segment.values())


def _uses_warm_model(options: Any) -> bool:
    from planner.pipeline.solve import resolve_solver

    try:
        return resolve_solver(getattr(options, "solver", "auto")).startswith("highs")
    except ValueError:
        return False


def sample_model(project: Project, options: Any, spec: Any) -> Any:
    """A SampleModel for plan evaluation with HiGHS (built once, reused per sample), else None."""
    if spec is None or not _uses_warm_model(options):
        return None
    from planner.analysis.plan_eval import SampleModel

    time_limit = options.time_limit_s if options.time_limit_s is not None else project.settings.time_limit_s
    gap = options.mip_gap if options.mip_gap is not None else project.settings.mip_gap
    return SampleModel(project, spec, time_limit_s=time_limit, mip_gap=gap)


#: Samples are solved in fixed groups of CHUNK consecutive indices [k CHUNK, (k+1) CHUNK): the first of
#: a group re-solves from the undelayed model's basis, the others from the previous sample's. Group
#: boundaries do not depend on the number of workers, so neither does any answer.
CHUNK = 4


def chunks(n: int) -> list[tuple[int, int]]:
    """[(start, stop), ...] covering range(n) in groups of CHUNK."""
    return [(a, min(n, a + CHUNK)) for a in range(0, n, CHUNK)]


def solve_sample(project: Project, options: Any, seed: int, index: int, state: Any = None,
                 spec: Any = None, model: Any = None) -> SampleSummary:
    """Draw sample ``index``, solve it in this process and summarise.

    ``spec`` None: perfect foresight (the sampled project is re-planned from scratch with
    :func:`solve_project`, defense first). Otherwise the committed plan in ``spec``
    (planner.analysis.plan_eval.EvalSpec) is evaluated: on ``model`` (a SampleModel: in-place
    changes and a warm re-solve) when given, else by rebuilding the sampled model.
    Never raises for a failed solve: an exception becomes a sample with status "error".
    """
    from dataclasses import replace

    from planner.pipeline.solve import (  # imported here: the sampling pieces work without a solver
        DEFENSE_FIRST_WEIGHT,
        resolve_solver,
        solve_project,
    )

    t0, c0 = time.perf_counter(), time.process_time()
    from planner.analysis.plan_eval import draw_shares

    draw = draw_sample(project, seed, index)
    shares = draw_shares(draw)
    try:
        if spec is None and draw.events:  # perfect foresight of catalogue events: one solve knowing them all
            from planner.analysis.plan_eval import EvalSpec, rebuild_and_solve

            time_limit = options.time_limit_s if options.time_limit_s is not None else project.settings.time_limit_s
            gap = options.mip_gap if options.mip_gap is not None else project.settings.mip_gap
            result = rebuild_and_solve(project, EvalSpec(mode="foresight"), draw, resolve_solver(options.solver),
                                       time_limit, state, gap)
        elif spec is None:
            sampled = apply_draw(project, draw)
            result = solve_project(sampled, replace(options, defense_weight=DEFENSE_FIRST_WEIGHT,
                                                    capacity_shares=shares or None), state)
        elif model is not None:
            result = model.solve(draw.delays, draw.overruns, state, from_base=index % CHUNK == 0, shares=shares,
                                 events=draw.events)
        else:
            from planner.analysis.plan_eval import rebuild_and_solve

            time_limit = options.time_limit_s if options.time_limit_s is not None else project.settings.time_limit_s
            gap = options.mip_gap if options.mip_gap is not None else project.settings.mip_gap
            result = rebuild_and_solve(project, spec, draw, resolve_solver(options.solver), time_limit, state, gap)
        summary = summarise(index, result, project.settings.compliance_start_year, _demand_of(project, model))
    except Exception as e:  # a broken sample is reported, never dropped and never fatal to the run
        summary = error_summary(index, e, project, model)
    summary.delays = dict(draw.delays)
    summary.overruns = dict(draw.overruns)
    summary.events = [e.to_row() for e in draw.events]
    summary.weight = float(draw.weight)
    summary.seconds = time.perf_counter() - t0
    summary.cpu_seconds = time.process_time() - c0
    return summary


def _demand_of(project: Project, model: Any) -> Any:
    net = getattr(model, "net", None)
    return demand_totals(net) if net is not None else nominal_demand(project)


def error_summary(index: int, e: BaseException, project: Project | None = None, model: Any = None) -> SampleSummary:
    """A sample whose solve raised: status error, the exception in plain words, demand all short."""
    from planner.analysis.commitments import plain_reason

    last = traceback.extract_tb(e.__traceback__)[-1:] if e.__traceback__ else []
    where = f" (at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
    s = SampleSummary(index=index, status=Status.ERROR.value,
                      message=plain_reason(Status.ERROR.value, f"{type(e).__name__}: {e}{where}"))
    if project is not None:
        try:
            fill_unserved(s, _demand_of(project, model))
        except Exception:  # the project itself cannot be built: the message says why
            pass
    return s


# ----------------------------------------------------------------------- worker-process state
_worker: dict[str, Any] = {}
_cache_lock = threading.Lock()
_project_cache: dict[str, Project] = {}


def limit_solver_threads() -> None:
    """Make HiGHS use one thread in this process (call once, in a worker process, before any solve).

    By default HiGHS may start helper threads, which would only fight each other when several
    worker processes each solve a sample. (On the real sample's warm simplex re-solves they stay
    idle; the extra busy thread once measured per sample was OpenBLAS spinning after an np.dot,
    see LinearProgram.objective_value.) HiGHS fixes its thread
    pool on the first solve in a process, so this runs a one-variable LP with ``threads = 1``;
    later solves (default ``threads = 0``, "automatic") keep that pool. No-op without highspy.
    """
    if _worker.get("threads_limited"):
        return
    _worker["threads_limited"] = True
    try:
        import highspy

        try:
            from planner.solvers.backends import _new_highs  # keeps HiGHS's one-time banner off stdout
        except ImportError:
            _new_highs = highspy.Highs
        h = _new_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = 1, 0
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = [1.0], [0.0], [1.0]
        h.passModel(lp)
        h.run()
    except Exception:  # a solver-specific tuning: never fatal
        pass


def init_worker(project_json: str, options: Any, seed: int, spec: Any = None) -> None:
    """Process-pool initializer: parse the project once per worker process; one HiGHS thread.
    The plan-evaluation model is built on the first sample (so a failure is a sample error)."""
    limit_solver_threads()
    _worker["project"] = parse_project_text(project_json, "<risk project>")
    _worker["options"] = options
    _worker["seed"] = int(seed)
    _worker["spec"] = spec
    _worker.pop("model", None)


def _worker_model(cache: dict, key: Any, project: Project, options: Any, spec: Any) -> Any:
    if key not in cache:
        cache.clear()
        cache[key] = sample_model(project, options, spec)
    return cache[key]


def solve_chunk(project: Project, options: Any, seed: int, start: int, stop: int, spec: Any, model: Any,
                state: Any = None) -> list[SampleSummary]:
    """Samples start .. stop - 1 in order (one CHUNK group), on one model."""
    return [solve_sample(project, options, seed, i, state, spec=spec, model=model) for i in range(start, stop)]


def pool_sample(start: int, stop: int | None = None) -> list[dict[str, Any]]:
    """Process-pool task: samples start .. stop - 1 of the project given to :func:`init_worker`."""
    stop = start + 1 if stop is None else stop
    project, options, spec = _worker["project"], _worker["options"], _worker.get("spec")
    try:
        model = _worker_model(_worker.setdefault("models", {}), "pool", project, options, spec)
    except Exception as e:  # cannot build the model: every sample says why
        return [error_summary(i, e, project).to_dict() for i in range(start, stop)]
    return [s.to_dict() for s in solve_chunk(project, options, _worker["seed"], start, stop, spec, model)]


def _cached_project(project_json: str) -> Project:
    key = hashlib.sha256(project_json.encode("utf-8")).hexdigest()
    with _cache_lock:
        project = _project_cache.get(key)
        if project is None:
            project = parse_project_text(project_json, "<risk project>")
            if len(_project_cache) >= 4:
                _project_cache.pop(next(iter(_project_cache)))
            _project_cache[key] = project
    return project


_dask_local = threading.local()  # a SampleModel per worker thread (a HiGHS object is not shared)


def dask_sample(bounds: tuple[int, int], project_json: str, options: Any, seed: int,
                spec: Any = None) -> list[dict[str, Any]]:
    """Dask task: one sample; the project text is parsed once per worker process and cached, and so
    is the plan-evaluation model (one per worker process, keyed by project and spec)."""
    limit_solver_threads()
    project = _cached_project(project_json)
    key = (hashlib.sha256(project_json.encode("utf-8")).hexdigest(), repr(options), repr(spec))
    if not hasattr(_dask_local, "models"):
        _dask_local.models = {}
    start, stop = (int(b) for b in bounds)
    try:
        model = _worker_model(_dask_local.models, key, project, options, spec)
    except Exception as e:
        return [error_summary(i, e, project).to_dict() for i in range(start, stop)]
    return [s.to_dict() for s in solve_chunk(project, options, int(seed), start, stop, spec, model)]
