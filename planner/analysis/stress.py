"""N-1 stress test: take out one facility (or one country) for chosen years and measure defense shortfall.

For each element e -- every facility that makes something in the chosen years under the plan, and
every country with such a facility or a market of its origin -- the plan is evaluated with e out
(:class:`planner.analysis.plan_eval.SampleModel`, no foresight): the plan's investments fixed; the
plan's own operations until the first stressed year, where the outage is revealed; from then on
operations re-planned defense first (the sample's lexicographic stages), with e making nothing
(facility: every activity column 0, its expansions included; country: all its facilities and
every market of its origin capped at 0) in the stressed years.

    shortfall[e, p, y] = defense demand of product p in y - clean defense deliveries (t)
    extra[e, p, y]     = shortfall[e, p, y] - shortfall[baseline, p, y]   (baseline: nothing out)

A single point of failure is an element with extra[e, p, y] > tol for some defense product and
stressed year (tol = 1e-6 x max(1, demand) t). Elements are ranked by their total extra shortfall
over the stressed years. Screening is embarrassingly parallel: a process pool (each worker builds
the model once) or a Dask cluster, like the Monte Carlo run.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import asdict, dataclass, field
from typing import Any

from models.io import parse_project_text, project_to_json
from models.project import Project
from planner.analysis.risk import RiskRunError, apply_run_scenario, default_workers
from planner.analysis.risk_events import Event
from planner.progress import SolveState

__all__ = ["StressElement", "StressReport", "run_stress", "stress_elements"]

TOL = 1e-6


@dataclass
class StressElement:
    """One element's result: its defense shortfall by product and year (t), and beyond the baseline."""

    id: str  # "facility:<id>" or "country:<ISO>"
    kind: str  # facility | country
    name: str
    facilities: list[str]
    markets: list[str]
    status: str = "optimal"
    message: str = ""
    shortfall_t: dict[str, dict[int, float]] = field(default_factory=dict)
    extra_t: dict[str, dict[int, float]] = field(default_factory=dict)
    total_extra_t: float = 0.0
    single_point_of_failure: bool = False
    probability: float | None = None  # catalogue probability that it happens in the years (None: not catalogued)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("shortfall_t", "extra_t"):
            d[key] = {p: {str(y): v for y, v in by.items()} for p, by in d[key].items()}
        return d


@dataclass
class StressReport:
    project: str
    scenario: str
    years: list[int]
    plan: list[list[Any]] = field(default_factory=list)
    stock_floors: list[list[Any]] = field(default_factory=list)  # the plan's stock build [[stockpile, year, t]]
    baseline_shortfall_t: dict[str, dict[int, float]] = field(default_factory=dict)
    defense_demand_t: dict[str, dict[int, float]] = field(default_factory=dict)
    elements: list[StressElement] = field(default_factory=list)  # ranked, worst first
    n_screened: int = 0
    workers: int | None = None
    scheduler: str | None = None
    seconds: float = 0.0
    plan_seconds: float = 0.0
    cancelled: bool = False

    @property
    def single_points_of_failure(self) -> list[StressElement]:
        return [e for e in self.elements if e.single_point_of_failure]

    @property
    def n_failed(self) -> int:
        return sum(1 for e in self.elements if e.status not in ("optimal", "time_limit_feasible"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project, "scenario": self.scenario, "years": self.years, "plan": self.plan,
            "baseline_shortfall_t": {p: {str(y): v for y, v in by.items()}
                                     for p, by in self.baseline_shortfall_t.items()},
            "defense_demand_t": {p: {str(y): v for y, v in by.items()} for p, by in self.defense_demand_t.items()},
            "n_screened": self.n_screened, "n_failed": self.n_failed, "workers": self.workers,
            "scheduler": self.scheduler, "seconds": self.seconds, "plan_seconds": self.plan_seconds,
            "cancelled": self.cancelled,
            "single_points_of_failure": [e.id for e in self.single_points_of_failure],
            "elements": [e.to_dict() for e in self.elements],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"


# ------------------------------------------------------------------------------------ elements
def stress_elements(project: Project, active: set[str] | None = None) -> list[StressElement]:
    """Facilities (those in ``active`` when given: making something in the stressed years), then
    countries with such a facility or a market of their origin, in project order."""
    out = []
    for f in project.facilities:
        if active is None or f.id in active:
            out.append(StressElement(f"facility:{f.id}", "facility", f.name or f.id, [f.id], []))
    countries: list[str] = []
    for f in project.facilities:
        if (active is None or f.id in active) and f.country not in countries:
            countries.append(f.country)
    for m in project.markets:
        if m.origin_country not in countries:
            countries.append(m.origin_country)
    for c in countries:
        facs = [f.id for f in project.facilities if f.country == c and (active is None or f.id in active)]
        mkts = [m.id for m in project.markets if m.origin_country == c]
        out.append(StressElement(f"country:{c}", "country", c, facs, mkts))
    return out


def element_event(e: StressElement, years: list[int]) -> Event:
    return Event(e.id, "stress", years[0], years[-1], facilities=list(e.facilities),
                 markets={m: 0.0 for m in e.markets})


def defense_shortfall(result, compliance_year: int) -> tuple[dict[str, dict[int, float]], dict[str, dict[int, float]]]:
    """(shortfall, demand) of defense demand by product and year: demand - clean deliveries from
    the compliance year on (any deliveries before), t."""
    short: dict[str, dict[int, float]] = {}
    demand: dict[str, dict[int, float]] = {}
    for r in result.demand:
        if r.segment != "defense":
            continue
        served = r.delivered_clean if r.year >= compliance_year else r.delivered
        short.setdefault(r.product, {})
        short[r.product][r.year] = short[r.product].get(r.year, 0.0) + max(0.0, r.demand - served)
        demand.setdefault(r.product, {})
        demand[r.product][r.year] = demand[r.product].get(r.year, 0.0) + r.demand
    return short, demand


# ------------------------------------------------------------------------------------- workers
_worker: dict[str, Any] = {}


def _init(project_json: str, spec: Any, options: Any) -> None:
    from planner.analysis.risk_worker import limit_solver_threads

    limit_solver_threads()
    _worker.clear()
    _worker["project"] = parse_project_text(project_json, "<stress project>")
    _worker["spec"], _worker["options"] = spec, options


def _model(project: Project, spec: Any, options: Any):
    from planner.analysis.plan_eval import SampleModel

    time_limit = options.time_limit_s if options.time_limit_s is not None else project.settings.time_limit_s
    return SampleModel(project, spec, time_limit_s=time_limit, mip_gap=project.settings.mip_gap)


def _evaluate(model, project: Project, element: dict[str, Any] | None, years: list[int]) -> dict[str, Any]:
    """Shortfall of one element (None: the baseline), as plain data."""
    events = [] if element is None else [element_event(StressElement(**element), years)]
    try:
        result = model.solve({}, {}, events=events)
    except Exception as e:  # a broken element is reported, never fatal
        return {"status": "error", "message": f"{type(e).__name__}: {e}", "short": {}, "demand": {}}
    if not result.has_plan:
        from planner.analysis.commitments import plain_reason

        return {"status": result.status.value, "message": plain_reason(result.status.value, result.message),
                "short": {}, "demand": {}}
    short, demand = defense_shortfall(result, project.settings.compliance_start_year)
    return {"status": result.status.value, "message": "", "short": short, "demand": demand}


def _pool_task(element: dict[str, Any], years: list[int]) -> dict[str, Any]:
    if "model" not in _worker:
        _worker["model"] = _model(_worker["project"], _worker["spec"], _worker["options"])
    return _evaluate(_worker["model"], _worker["project"], element, years)


_dask_models: dict[str, Any] = {}


def _dask_task(element: dict[str, Any], years: list[int], project_json: str, spec: Any, options: Any) -> dict[str, Any]:
    import hashlib

    from planner.analysis.risk_worker import _cached_project, limit_solver_threads

    limit_solver_threads()
    project = _cached_project(project_json)
    key = hashlib.sha256((project_json + repr(spec)).encode("utf-8")).hexdigest()
    if key not in _dask_models:
        _dask_models.clear()
        _dask_models[key] = _model(project, spec, options)
    return _evaluate(_dask_models[key], project, element, years)


# ------------------------------------------------------------------------------------------ run
def run_stress(project: Project, *, years: list[int] | None = None, plan: list[list[Any]] | None = None,
               workers: int | None = None, scheduler: str | None = None, options: Any = None,
               state: SolveState | None = None, elements: list[StressElement] | None = None,
               stock_floors: list[list[Any]] | None = None) -> StressReport:
    """Screen every element (module docstring). ``plan``: [[option, decided year, t/yr]]; None: the
    scenario's optimal plan, solved first. ``stock_floors``: the plan's stock build
    ([[stockpile, year, t]], EvalSpec.stock_floors), held in its own operations. ``years``: the
    stressed years (default: the compliance year and the two after it, within the horizon).
    RiskRunError for bad arguments."""
    from planner.analysis.plan_eval import EvalSpec, plan_decisions
    from planner.pipeline.solve import SolveOptions, solve_project

    options = options or SolveOptions()
    if options.solver not in ("auto", "highs") and not str(options.solver).startswith("highs"):
        raise RiskRunError("the stress test needs HiGHS (--solver highs or auto)")
    project, options, scenario = apply_run_scenario(project, options)
    s = project.settings
    if years is None:
        years = [y for y in range(s.compliance_start_year, s.compliance_start_year + 3)
                 if s.start_year <= y <= s.end_year]
    years = sorted(set(int(y) for y in years))
    if not years or years[0] < s.start_year or years[-1] > s.end_year or years != list(range(years[0], years[-1] + 1)):
        raise RiskRunError(f"the stressed years must be consecutive within {s.start_year}-{s.end_year} (got {years})")
    if workers is not None and workers < 1:
        raise RiskRunError(f"workers must be >= 1 (got {workers})")
    state = state or SolveState()
    t0 = time.perf_counter()
    rep = StressReport(project.name, scenario or "base", years)
    if plan is None:
        state.progress(0.0, "solving the plan to stress")
        base = solve_project(project, options, SolveState())
        if not base.has_plan:
            raise RiskRunError(f"no plan to stress: {base.message}")
        plan = plan_decisions(base)
        rep.plan_seconds = time.perf_counter() - t0
    rep.plan = [list(r) for r in plan]
    piles = {sp.id for sp in project.levers.stockpiles}
    for i, row in enumerate(stock_floors or []):
        if len(row) != 3 or row[0] not in piles or not (s.start_year <= int(row[1]) <= s.end_year) or row[2] < 0:
            raise RiskRunError(f"stock_floors[{i}]: {row!r} is not [known stockpile id, year in the horizon, "
                               "tonnes >= 0]")
    rep.stock_floors = [list(r) for r in stock_floors or []]
    spec = EvalSpec(decisions=rep.plan, stock_floors=rep.stock_floors)
    model = _model(project, spec, options)
    baseline = _evaluate(model, project, None, years)
    if baseline["status"] not in ("optimal", "time_limit_feasible"):
        raise RiskRunError(f"the plan has no verified operations to stress: {baseline['message']}")
    rep.baseline_shortfall_t, rep.defense_demand_t = baseline["short"], baseline["demand"]
    if elements is None:
        x = model.nominal_x()
        active = _active_facilities(model, x, years)
        elements = stress_elements(project, active)
    rep.n_screened = len(elements)
    payload = [asdict(e) for e in elements]
    n_workers = min(workers or default_workers(), max(1, len(elements)))
    answers: dict[int, dict[str, Any]] = {}
    if scheduler:
        answers = _run_dask(project, spec, options, payload, years, scheduler, state)
        rep.scheduler = scheduler
    elif n_workers == 1:
        for i, el in enumerate(payload):
            if state.cancel_requested:
                break
            answers[i] = _evaluate(model, project, el, years)
            state.progress((i + 1) / len(payload), f"{i + 1}/{len(payload)} elements")
        rep.workers = 1
    else:
        answers = _run_pool(project, spec, options, payload, years, n_workers, state)
        rep.workers = n_workers
    rep.cancelled = state.cancel_requested and len(answers) < len(payload)
    for i, e in enumerate(elements):
        a = answers.get(i)
        if a is None:
            continue
        _fill(e, a, rep, years)
        rep.elements.append(e)
    rep.elements.sort(key=lambda e: (e.status not in ("optimal", "time_limit_feasible"), -e.total_extra_t, e.id))
    _probabilities(project, rep)
    rep.seconds = time.perf_counter() - t0
    return rep


def _active_facilities(model, x, years: list[int]) -> set[str]:
    """Facilities with activity > 0 in the stressed years at the plan's own operations."""
    if x is None:
        return set(f.id for f in model.project.facilities)
    out = set()
    for (fid, y), cols in model.events_index.act.items():
        if y in years and any(x[j] > 1e-9 for j in cols):
            out.add(fid)
    return out


def _fill(e: StressElement, a: dict[str, Any], rep: StressReport, years: list[int]) -> None:
    e.status, e.message = a["status"], a["message"]
    if e.status not in ("optimal", "time_limit_feasible"):  # no plan: all defense demand short
        e.shortfall_t = {p: {y: by.get(y, 0.0) for y in years} for p, by in rep.defense_demand_t.items()}
    else:
        e.shortfall_t = {p: {y: by.get(y, 0.0) for y in years} for p, by in a["short"].items()}
    total = 0.0
    spof = False
    for p, by in e.shortfall_t.items():
        for y, v in by.items():
            extra = max(0.0, v - rep.baseline_shortfall_t.get(p, {}).get(y, 0.0))
            dem = rep.defense_demand_t.get(p, {}).get(y, 0.0)
            if extra > TOL * max(1.0, dem):
                e.extra_t.setdefault(p, {})[y] = extra
                total += extra
                spof = True
    e.total_extra_t = total
    e.single_point_of_failure = spof


def _probabilities(project: Project, rep: StressReport) -> None:
    """Where the catalogue gives the element an outage rate: P(it starts in the stressed years)
    = 1 - (1 - p)^W (likelihood for the likelihood-impact view)."""
    cat = project.settings.risk.catalogue
    if cat is None:
        return
    from planner.analysis.risk_events import window_probability

    w = len(rep.years)
    overrides = {o.facility_id: o for o in cat.facility_outages}
    stops = {x.country: x for x in cat.export_stops}
    stage_of = {f.id: f.stage for f in project.facilities}
    for e in rep.elements:
        rate = None
        if e.kind == "facility":
            fid = e.facilities[0]
            rate = overrides.get(fid) or cat.outage_by_stage.get(stage_of.get(fid))
        else:
            rate = stops.get(e.name)
        if rate is not None:
            e.probability = window_probability(rate.annual_probability, w)


def _run_pool(project, spec, options, payload, years, n_workers, state) -> dict[int, dict[str, Any]]:
    from planner.analysis.risk import _terminate_pool

    executor = ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init, initargs=(project_to_json(project), spec, options))
    answers: dict[int, dict[str, Any]] = {}
    pending: dict = {}
    nxt = 0
    try:
        while (nxt < len(payload) or pending) and not state.cancel_requested:
            while nxt < len(payload) and len(pending) < 2 * n_workers:
                pending[executor.submit(_pool_task, payload[nxt], years)] = nxt
                nxt += 1
            done, _ = futures_wait(list(pending), timeout=0.1, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                try:
                    answers[i] = fut.result()
                except Exception as e:
                    answers[i] = {"status": "error", "message": f"{type(e).__name__}: {e}", "short": {}, "demand": {}}
                state.progress(len(answers) / len(payload), f"{len(answers)}/{len(payload)} elements")
    finally:
        if state.cancel_requested or pending:
            _terminate_pool(executor)
        else:
            executor.shutdown(wait=True)
    return answers


def _run_dask(project, spec, options, payload, years, scheduler, state) -> dict[int, dict[str, Any]]:
    from planner.analysis.risk import _connect

    client = _connect(scheduler)
    answers: dict[int, dict[str, Any]] = {}
    try:
        [pj] = client.scatter([project_to_json(project)], broadcast=True)
        futures = [client.submit(_dask_task, el, years, pj, spec, options, pure=False) for el in payload]
        for i, fut in enumerate(futures):
            if state.cancel_requested:
                client.cancel(futures[i:], force=True)
                break
            try:
                answers[i] = fut.result()
            except Exception as e:
                answers[i] = {"status": "error", "message": f"{type(e).__name__}: {e}", "short": {}, "demand": {}}
            state.progress(len(answers) / len(payload), f"{len(answers)}/{len(payload)} elements")
    finally:
        client.close()
    return answers
