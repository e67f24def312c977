"""Sensitivity sweeps: solve a project at many values of named inputs, and rank the inputs (tornado).

``run_sweep(project, [SweepInput("capex", 0.8, 1.2, 3), ...])`` builds the points
(:func:`sweep_points`): one at a time (default) = the base point (every input at its nominal
value) and each input's values with the others nominal; ``grid=True`` = every combination. Each
point is a full lexicographic solve (planner.pipeline.solve.solve_project) of the project with the
inputs set (planner.analysis.sweep_inputs), reduced to a few figures (:class:`PointResult`):

* total cost ($M, discounted, without the unmet penalty) and the government's part of it ($M);
* defense coverage in the target year (the compliance start year, 2027): clean tonnes delivered to
  defense / defense demand that year (a share 0-1).

Where the points run -- as the Monte Carlo runner (planner.analysis.risk): ``workers == 1`` in this
process; otherwise a spawn ``ProcessPoolExecutor`` whose workers parse the project once (pool
initializer) and solve one point per task; or a Dask scheduler (``scheduler="tcp://host:port"``,
the project scattered once). Points are numbered and the report lists them by number, so it is the
same for any number of workers. Cancel stops submitting, terminates the workers and returns the
points finished so far with ``cancelled=True``. A point without a verified plan is kept, with its
status and reason, and never enters a slope or a tornado bar.

Tornado (:func:`tornado`): per input, the change of each figure from the base point at the input's
lowest and highest value, the slope (figure(high) - figure(low)) / (high - low) per unit of the
input, and the swing = max - min of the figure over the input's points (base included); inputs are
ranked by their cost swing (largest first).
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import asdict, dataclass, field
from typing import Any

from models.io import parse_project_text, project_to_json
from models.project import Project
from models.vocab import Segment
from planner.analysis.risk import RiskRunError, _connect, _terminate_pool, apply_run_scenario, default_workers
from planner.analysis.risk_worker import limit_solver_threads
from planner.analysis.sweep_inputs import SweepInput, check_input, nominal_value, point_project
from planner.progress import SolveState
from planner.result import PlanResult, Status

__all__ = ["PointResult", "SweepReport", "TornadoRow", "run_sweep", "sweep_points", "tornado"]

_POLL_S = 0.1


@dataclass
class PointResult:
    """One solved sweep point. Figures are None when the point has no verified plan."""

    index: int
    values: dict[str, float]  # input name -> value at this point (all inputs of the sweep)
    status: str
    message: str = ""
    total_cost_musd: float | None = None
    government_cost_musd: float | None = None
    defense_coverage: float | None = None  # share 0-1 of target-year defense demand delivered clean
    defense_unmet_t: float | None = None  # t of defense demand unmet in the target year
    objective: float | None = None
    seconds: float = 0.0  # wall time of this point (apply, solve, summarise)
    cpu_seconds: float = 0.0  # CPU time of its process meanwhile (seconds >> cpu_seconds: a busy machine)

    @property
    def ok(self) -> bool:
        return Status(self.status).has_plan


@dataclass
class TornadoRow:
    """How one input moves the figures (one-at-a-time points only; deltas against the base point)."""

    input: str
    unit: str
    nominal: float | None
    low: float
    high: float
    n_points: int
    n_failed: int
    cost_low_musd: float | None = None
    cost_high_musd: float | None = None
    cost_delta_low_musd: float | None = None
    cost_delta_high_musd: float | None = None
    cost_slope_musd_per_unit: float | None = None
    cost_swing_musd: float | None = None
    government_delta_low_musd: float | None = None
    government_delta_high_musd: float | None = None
    government_slope_musd_per_unit: float | None = None
    government_swing_musd: float | None = None
    coverage_delta_low: float | None = None
    coverage_delta_high: float | None = None
    coverage_slope_per_unit: float | None = None
    coverage_swing: float | None = None


@dataclass
class SweepReport:
    project: str
    scenario: str
    inputs: list[SweepInput]
    grid: bool
    target_year: int
    points: list[PointResult] = field(default_factory=list)
    base_index: int | None = 0  # the all-nominal point (one-at-a-time), None on a grid
    workers: int | None = None
    scheduler: str | None = None
    cancelled: bool = False
    n_requested: int = 0
    seconds: float = 0.0
    nominals: dict[str, float | None] = field(default_factory=dict)  # each input's value in the project

    @property
    def n_failed(self) -> int:
        return sum(not p.ok for p in self.points)

    @property
    def base(self) -> PointResult | None:
        if self.base_index is None:
            return None
        return next((p for p in self.points if p.index == self.base_index), None)

    def tornado(self) -> list[TornadoRow]:
        return tornado(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project, "scenario": self.scenario,
            "inputs": [asdict(i) for i in self.inputs], "grid": self.grid, "target_year": self.target_year,
            "n_requested": self.n_requested, "n_completed": len(self.points), "n_failed": self.n_failed,
            "cancelled": self.cancelled, "workers": self.workers, "scheduler": self.scheduler,
            "seconds": self.seconds, "base_index": self.base_index, "nominals": self.nominals,
            "points": [asdict(p) for p in self.points],
            "tornado": [asdict(t) for t in self.tornado()] if not self.grid else [],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"


def sweep_points(project: Project, inputs: list[SweepInput], grid: bool = False) -> list[dict[str, float]]:
    """The points' input values, numbered by list position.

    One at a time: point 0 is the base (no input changed: ``{}``); then, input by input, each of
    its values with the other inputs nominal. A grid: every combination, first input slowest.
    A one-at-a-time point lists only the input it changes."""
    if grid:
        return [dict(zip((i.name for i in inputs), combo))
                for combo in itertools.product(*(i.values() for i in inputs))]
    points: list[dict[str, float]] = [{}]
    for inp in inputs:
        points += [{inp.name: v} for v in inp.values()]
    return points


def defense_coverage(result: PlanResult, year: int) -> tuple[float | None, float]:
    """(clean defense deliveries / defense demand in ``year`` or None without demand, unmet t)."""
    demand = clean = unmet = 0.0
    for r in result.demand:
        if r.year == year and r.segment == Segment.DEFENSE.value:
            demand += r.demand
            clean += r.delivered_clean
            unmet += r.unmet
    return (clean / demand if demand > 0 else None), unmet


def summarise_point(index: int, values: dict[str, float], result: PlanResult, year: int, seconds: float,
                    cpu_seconds: float = 0.0) -> PointResult:
    p = PointResult(index=index, values=dict(values), status=result.status.value, message=result.message,
                    seconds=seconds, cpu_seconds=cpu_seconds)
    if result.has_plan:
        p.total_cost_musd = result.total_cost_musd
        p.government_cost_musd = result.cost_breakdown_musd.get("government", 0.0)
        p.defense_coverage, p.defense_unmet_t = defense_coverage(result, year)
        p.objective = result.objective
    return p


def solve_point(project: Project, options: Any, index: int, values: dict[str, float], year: int,
                state: SolveState | None = None) -> PointResult:
    """Solve one point in this process (never raises: an exception becomes an error point)."""
    from planner.pipeline.solve import solve_project

    t0, c0 = time.perf_counter(), time.process_time()
    try:
        result = solve_project(point_project(project, values), options, state or SolveState())
    except Exception as e:  # a bad value the schema refuses (e.g. a negative capacity)
        return PointResult(index=index, values=dict(values), status=Status.ERROR.value,
                           message=f"{type(e).__name__}: {e}", seconds=time.perf_counter() - t0,
                           cpu_seconds=time.process_time() - c0)
    return summarise_point(index, values, result, year, time.perf_counter() - t0, time.process_time() - c0)


# ------------------------------------------------------------------------------ workers
_WORKER: dict[str, Any] = {}


def _init_worker(project_json: str, options: Any, year: int) -> None:
    limit_solver_threads()  # one HiGHS thread per worker process: workers do not fight over cores
    _WORKER.update(project=parse_project_text(project_json, "<sweep>"), options=options, year=year)


def _pool_point(index: int, values: dict[str, float]) -> dict[str, Any]:
    return asdict(solve_point(_WORKER["project"], _WORKER["options"], index, values, _WORKER["year"]))


_DASK_CACHE: dict[str, Project] = {}


def _dask_point(task: tuple[int, dict[str, float]], project_json: str, options: Any, year: int) -> dict[str, Any]:
    key = str(hash(project_json))
    limit_solver_threads()
    if key not in _DASK_CACHE:
        _DASK_CACHE.clear()
        _DASK_CACHE[key] = parse_project_text(project_json, "<sweep>")
    return asdict(solve_point(_DASK_CACHE[key], options, task[0], task[1], year))


def _error_point(index: int, values: dict[str, float], exc: BaseException) -> PointResult:
    return PointResult(index=index, values=dict(values), status=Status.ERROR.value,
                       message=f"{type(exc).__name__}: {exc}")


def run_sweep(project: Project, inputs: list[SweepInput], *, grid: bool = False, workers: int | None = None,
              scheduler: str | None = None, options: Any = None, state: SolveState | None = None) -> SweepReport:
    """Solve every sweep point and return the :class:`SweepReport` (points in index order).

    ``options`` (planner.pipeline.solve.SolveOptions): solver, time limit per point, and the
    scenario the sweep starts from (applied once; a stored "base" scenario is the base). Raises
    RiskRunError (the message says why) for no inputs, a bad input or an unreachable scheduler."""
    from planner.pipeline.solve import SolveOptions

    if not inputs:
        raise RiskRunError("name at least one input to vary (e.g. capex=0.8:1.2)")
    if len({i.name for i in inputs}) != len(inputs):
        raise RiskRunError("each input may be varied once per sweep")
    if workers is not None and workers < 1:
        raise RiskRunError(f"workers must be >= 1 (got {workers})")
    options = options or SolveOptions()
    project, options, scenario = apply_run_scenario(project, options)
    for inp in inputs:
        try:
            check_input(project, inp)
        except ValueError as e:
            raise RiskRunError(str(e)) from None
    state = state or SolveState()
    year = project.settings.compliance_start_year
    values = sweep_points(project, inputs, grid)
    n = len(values)
    report = SweepReport(project=project.name, scenario=scenario or "base", inputs=list(inputs), grid=grid,
                         target_year=year, base_index=None if grid else 0, n_requested=n, scheduler=scheduler,
                         nominals={i.name: nominal_value(project, i.name) for i in inputs})
    t0 = time.perf_counter()
    done: list[PointResult] = []

    def add(p: PointResult) -> None:
        done.append(p)
        failed = sum(not q.ok for q in done)
        state.progress(len(done) / n, f"{len(done)}/{n} points" + (f", {failed} failed" if failed else ""))

    state.progress(0.0, f"0/{n} points")
    n_workers = min(workers or default_workers(), n)
    if scheduler:
        _run_dask(project, values, scheduler, options, year, state, add)
    elif n_workers == 1:
        _run_serial(project, values, options, year, state, add)
        report.workers = 1
    else:
        _run_pool(project, values, n_workers, options, year, state, add)
        report.workers = n_workers
    report.points = sorted(done, key=lambda p: p.index)
    report.cancelled = state.cancel_requested and len(done) < n
    report.seconds = time.perf_counter() - t0
    return report


def _run_serial(project, values, options, year, state, add) -> None:
    for i, v in enumerate(values):
        if state.cancel_requested:
            return
        sub = SolveState()
        state.cancel_hooks.append(sub.request_cancel)
        try:
            p = solve_point(project, options, i, v, year, sub)
        finally:
            state.cancel_hooks.remove(sub.request_cancel)
        if state.cancel_requested and p.status == Status.CANCELLED.value:
            return  # interrupted by the user: not a point result
        add(p)


def _run_pool(project, values, n_workers, options, year, state, add) -> None:
    """Points on a process pool, at most 2 x workers in flight so a cancel stops submitting."""
    executor = ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(project_to_json(project), options, year))
    pending: dict[Future, int] = {}
    nxt = 0
    try:
        while (nxt < len(values) or pending) and not state.cancel_requested:
            while nxt < len(values) and len(pending) < 2 * n_workers:
                pending[executor.submit(_pool_point, nxt, values[nxt])] = nxt
                nxt += 1
            finished, _ = futures_wait(list(pending), timeout=_POLL_S, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = pending.pop(fut)
                try:
                    add(PointResult(**fut.result()))
                except Exception as e:  # a worker died (BrokenProcessPool) or could not start
                    add(_error_point(i, values[i], e))
    finally:
        if state.cancel_requested or pending:
            _terminate_pool(executor)
        else:
            executor.shutdown(wait=True)


def _run_dask(project, values, scheduler, options, year, state, add) -> None:
    from distributed import as_completed

    client = _connect(scheduler)
    futures: list = []
    try:
        [project_future] = client.scatter([project_to_json(project)], broadcast=True)
        tasks = list(enumerate(values))
        futures = client.map(_dask_point, tasks, project_json=project_future, options=options, year=year, pure=False)
        index_of = {f.key: t for t, f in zip(tasks, futures)}
        ac = as_completed(futures, loop=client.loop)
        while not ac.is_empty() and not state.cancel_requested:
            batch = ac.next_batch(block=False)
            if not batch:
                time.sleep(_POLL_S / 2)
                continue
            for fut in batch:
                i, v = index_of[fut.key]
                if fut.status == "finished":
                    add(PointResult(**fut.result()))
                else:
                    exc = fut.exception() if fut.status == "error" else RuntimeError(f"task {fut.status}")
                    add(_error_point(i, v, exc))
    finally:
        if state.cancel_requested and futures:
            client.cancel(futures, force=True)
        client.close()


# ------------------------------------------------------------------------------ tornado
def _delta(value: float | None, base: float | None) -> float | None:
    return None if value is None or base is None else value - base


def _slope(lo: float | None, hi: float | None, x_lo: float, x_hi: float) -> float | None:
    if lo is None or hi is None or x_hi == x_lo:
        return None
    return (hi - lo) / (x_hi - x_lo)


def _swing(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return (max(vals) - min(vals)) if vals else None


def tornado(report: SweepReport) -> list[TornadoRow]:
    """Per input (one-at-a-time sweeps): deltas from the base point at the input's lowest and
    highest value with a plan, the slope between them, and the swing (max - min over its points
    and the base); sorted by cost swing, largest first (inputs without a plan at any point last)."""
    base = report.base
    if report.grid or base is None:
        return []
    rows = []
    for inp in report.inputs:
        pts = sorted((p for p in report.points if set(p.values) == {inp.name}), key=lambda p: p.values[inp.name])
        ok = [p for p in pts if p.ok]
        row = TornadoRow(input=inp.name, unit=inp.unit, nominal=report.nominals.get(inp.name), low=inp.low,
                         high=inp.high, n_points=len(pts), n_failed=len(pts) - len(ok))
        if ok:
            lo, hi = ok[0], ok[-1]
            x_lo, x_hi = lo.values[inp.name], hi.values[inp.name]
            row.low, row.high = x_lo, x_hi
            row.cost_low_musd, row.cost_high_musd = lo.total_cost_musd, hi.total_cost_musd
            if base.ok:
                row.cost_delta_low_musd = _delta(lo.total_cost_musd, base.total_cost_musd)
                row.cost_delta_high_musd = _delta(hi.total_cost_musd, base.total_cost_musd)
                row.government_delta_low_musd = _delta(lo.government_cost_musd, base.government_cost_musd)
                row.government_delta_high_musd = _delta(hi.government_cost_musd, base.government_cost_musd)
                row.coverage_delta_low = _delta(lo.defense_coverage, base.defense_coverage)
                row.coverage_delta_high = _delta(hi.defense_coverage, base.defense_coverage)
            row.cost_slope_musd_per_unit = _slope(lo.total_cost_musd, hi.total_cost_musd, x_lo, x_hi)
            row.government_slope_musd_per_unit = _slope(lo.government_cost_musd, hi.government_cost_musd, x_lo, x_hi)
            row.coverage_slope_per_unit = _slope(lo.defense_coverage, hi.defense_coverage, x_lo, x_hi)
            with_base = [*ok, base] if base.ok else ok
            row.cost_swing_musd = _swing([p.total_cost_musd for p in with_base])
            row.government_swing_musd = _swing([p.government_cost_musd for p in with_base])
            row.coverage_swing = _swing([p.defense_coverage for p in with_base])
        rows.append(row)
    rows.sort(key=lambda r: (r.cost_swing_musd is None, -(r.cost_swing_musd or 0.0)))
    return rows
