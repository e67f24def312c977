"""Monte Carlo risk: how likely is compliant demand met, what does it cost, which projects matter.

``run_risk(project, n, seed=...)`` draws ``n`` samples of commissioning delays and capex overruns
(see :mod:`planner.analysis.risk_sampling`), solves each sampled project with
:func:`planner.pipeline.solve.solve_project` and aggregates the answers (:mod:`planner.analysis.risk_report`).

Where the samples run:
* ``workers == 1`` (and no scheduler): in this process, one after another;
* otherwise a ``ProcessPoolExecutor`` (spawn context) with ``workers`` processes (default: every
  core). Each worker parses the project JSON once (pool initializer) and, evaluating a plan, builds
  its model once; a task sends a group of CHUNK consecutive sample indices and returns compact
  per-sample summaries;
* ``scheduler="tcp://host:port"``: a Dask distributed cluster via ``distributed.Client`` (the
  project JSON is scattered once to every worker and parsed once per worker process). Workers must
  be able to import this package.

Sample i always draws from ``numpy.random.default_rng([seed, i])`` and summaries are aggregated in
sample order, so the report is the same for any number of workers or any scheduler.
Cancel (``state.request_cancel()``): no more samples are submitted, queued ones are cancelled, the
worker processes are terminated, and the report of the samples finished so far comes back with
``cancelled=True``.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as futures_wait
from typing import Any

from models.io import project_to_json
from models.project import Project
from planner.analysis.risk_report import RiskReport, aggregate
from planner.analysis.risk_worker import SampleSummary, chunks, dask_sample, init_worker, pool_sample, solve_sample
from planner.progress import SolveState
from planner.result import Status

__all__ = ["RiskRunError", "RiskReport", "run_risk", "default_workers"]

_POLL_S = 0.1  # how often a waiting run checks for cancel


class RiskRunError(Exception):
    """The run could not start (bad arguments, unreachable scheduler). The message says why."""


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def apply_run_scenario(project: Project, options: Any) -> tuple[Project, Any, str | None]:
    """The project a Monte Carlo or robust run samples around: ``options.scenario`` applied (a
    stored "base" scenario is the base, as in solve_scenarios), and the options with the scenario
    cleared so samples do not apply it twice. Returns (project, options, scenario id or None);
    RiskRunError for an unknown scenario."""
    from dataclasses import replace

    from models.scenarios import ScenarioError, apply_scenario

    scenario = getattr(options, "scenario", None)
    if scenario is None and any(sc.id == "base" for sc in project.scenarios):
        scenario = "base"
    if not scenario:
        return project, options, None
    try:
        project = apply_scenario(project, scenario)
    except (KeyError, ScenarioError) as e:
        raise RiskRunError(str(e.args[0]) if e.args else str(e)) from None
    return project, replace(options, scenario=None), scenario


def run_risk(
    project: Project,
    n: int,
    *,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    options: Any = None,
    state: SolveState | None = None,
    mode: str = "plan",
    plan: list[list[Any]] | None = None,
    commit_year: int | None = None,
    later: str = "plan",
    stock_floors: list[list[Any]] | None = None,
) -> RiskReport:
    """Run ``n`` Monte Carlo samples and return the aggregated :class:`RiskReport`.

    ``options`` is a :class:`planner.pipeline.solve.SolveOptions` (solver, time limit per sample, ...;
    its ``scenario`` is applied to the project before sampling). Failed samples are counted and
    listed in the report, never dropped.

    ``mode="plan"`` (default) evaluates a committed plan (planner.analysis.plan_eval): ``plan`` =
    [[option id, decided year, added t/yr], ...] or, when None, the scenario's optimal plan (solved
    here first); decisions up to ``commit_year`` (default: first year) are fixed, later ones follow
    the plan (``later="plan"``) or are re-optimised per sample (``later="reoptimise"``).
    ``mode="foresight"`` re-plans every sample with hindsight of its delays (perfect foresight).
    ``stock_floors`` (plan mode): the plan's stock build, [[stockpile id, year, t held at year-end]],
    held by the plan's own operations that every sample follows until an event is revealed
    (planner.analysis.plan_eval.EvalSpec.stock_floors).
    """
    if n < 1:
        raise RiskRunError(f"the number of samples must be >= 1 (got {n})")
    if seed < 0:
        raise RiskRunError(f"the seed must be >= 0 (got {seed})")
    if workers is not None and workers < 1:
        raise RiskRunError(f"workers must be >= 1 (got {workers})")
    if options is None:
        from planner.pipeline.solve import SolveOptions

        options = SolveOptions()
    project, options, _ = apply_run_scenario(project, options)
    state = state or SolveState()
    t0 = time.perf_counter()
    spec, base_cost, plan_seconds = None, None, 0.0
    if mode not in ("plan", "foresight"):
        raise RiskRunError(f"unknown risk mode {mode!r} (use plan or foresight)")
    if mode == "plan":
        from planner.analysis.plan_eval import EvalSpec, plan_decisions

        s = project.settings
        if commit_year is not None and not (s.start_year <= commit_year <= s.end_year):
            raise RiskRunError(f"the commit year must be within {s.start_year}-{s.end_year} (got {commit_year})")
        if later not in ("plan", "reoptimise"):
            raise RiskRunError(f"later decisions must follow the 'plan' or be 'reoptimise'd (got {later!r})")
        if plan is None:
            from planner.pipeline.solve import solve_project

            state.progress(0.0, "solving the plan to evaluate")
            sub = SolveState()  # the plan's own solve: cancellable, its progress is not the samples'
            state.cancel_hooks.append(sub.request_cancel)
            try:
                base = solve_project(project, options, sub)
            finally:
                state.cancel_hooks.remove(sub.request_cancel)
            if state.cancel_requested:
                return aggregate([], project=project.name, n_requested=n, seed=seed,
                                 target_year=project.settings.compliance_start_year, cancelled=True,
                                 seconds=time.perf_counter() - t0)
            if not base.has_plan:
                raise RiskRunError(f"no plan to evaluate: {base.message}")
            plan = plan_decisions(base)
            base_cost = base.total_cost_musd
            plan_seconds = time.perf_counter() - t0
        known = {o.id for f in project.facilities for o in f.options}
        for i, row in enumerate(plan):
            if len(row) != 3 or row[0] not in known:
                raise RiskRunError(f"plan[{i}]: {row!r} is not [known option id, decided year, added t/yr]")
        if stock_floors and later != "plan":
            raise RiskRunError("a stock build is part of a committed plan whose later decisions follow the plan "
                               "(not with reoptimised later decisions)")
        stockpiles = {sp.id for sp in project.levers.stockpiles}
        for i, row in enumerate(stock_floors or []):
            if len(row) != 3 or row[0] not in stockpiles or not (s.start_year <= int(row[1]) <= s.end_year) \
                    or float(row[2]) < 0:
                raise RiskRunError(f"stock_floors[{i}]: {row!r} is not [known stockpile id, year in the horizon, "
                                   "tonnes >= 0]")
        spec = EvalSpec(mode="plan", decisions=[list(r) for r in plan], commit_year=commit_year, later=later,
                        stock_floors=[list(r) for r in stock_floors or []])
    n_workers = min(workers or default_workers(), n)
    progress = _Progress(n, state)
    state.progress(0.0, f"0/{n} samples")

    if scheduler:
        summaries = _run_dask(project, n, seed, scheduler, options, state, progress, spec)
        used_workers = None
    elif n_workers == 1:
        summaries = _run_serial(project, n, seed, options, state, progress, spec)
        used_workers = 1
    else:
        summaries = _run_pool(project, n, seed, n_workers, options, state, progress, spec)
        used_workers = n_workers

    cancelled = state.cancel_requested and len(summaries) < n
    report = aggregate(
        summaries, project=project.name, n_requested=n, seed=seed,
        target_year=project.settings.compliance_start_year, workers=used_workers, scheduler=scheduler,
        cancelled=cancelled, seconds=time.perf_counter() - t0,
    )
    report.mode = mode
    if spec is not None:
        report.commit_year = spec.commit_year if spec.commit_year is not None else project.settings.start_year
        report.later = spec.later
        report.plan = [list(r) for r in spec.decisions]
        report.stock_floors = [list(r) for r in spec.stock_floors]
        report.plan_cost_musd = base_cost
        report.plan_seconds = plan_seconds
    if not cancelled:
        state.progress(1.0, f"{n}/{n} samples, {report.n_failed} failed")
    return report


class _Progress:
    """Counts finished samples and reports done / n."""

    def __init__(self, n: int, state: SolveState) -> None:
        self.n, self.state, self.done, self.failed = n, state, 0, 0

    def add(self, s: SampleSummary) -> None:
        self.done += 1
        self.failed += not s.ok
        extra = f", {self.failed} failed" if self.failed else ""
        self.state.progress(self.done / self.n, f"{self.done}/{self.n} samples{extra}")


def _error_summary(index: int, exc: BaseException, project: Project | None = None) -> SampleSummary:
    """A sample lost with its worker (or a model that could not be built): counted, demand all short."""
    from planner.analysis.risk_worker import error_summary

    return error_summary(index, exc, project)


# ----------------------------------------------------------------------------- in-process
def _run_serial(project, n, seed, options, state, progress, spec=None) -> list[SampleSummary]:
    """Samples one after another in this process; a running HiGHS solve is interrupted on cancel.
    Plan evaluation builds its model once for the run (see risk_worker.sample_model)."""
    from planner.analysis.risk_worker import sample_model

    out = []
    model = None
    if spec is not None:
        try:
            model = sample_model(project, options, spec)
        except Exception as e:
            return [_error_summary(i, e, project) for i in range(n)]
    for i in range(n):
        if state.cancel_requested:
            break
        sub = SolveState()
        state.cancel_hooks.append(sub.request_cancel)
        try:
            s = solve_sample(project, options, seed, i, sub, spec=spec, model=model)
        finally:
            state.cancel_hooks.remove(sub.request_cancel)
        if state.cancel_requested and s.status == Status.CANCELLED.value:
            break  # interrupted by the user: not a sample result
        out.append(s)
        progress.add(s)
    return out


# ---------------------------------------------------------------------------- process pool
def _kill_descendants(pid: int) -> None:
    """Kill the children of a worker process (a CBC solver it started), which outlive a terminate()."""
    try:
        import psutil

        children = psutil.Process(pid).children(recursive=True)
    except Exception:  # psutil missing or the process already gone
        return
    for child in children:
        try:
            child.kill()
        except Exception:
            pass


def _terminate_pool(executor: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel queued tasks, kill solver children, terminate the worker processes."""
    def workers() -> list:
        return list((getattr(executor, "_processes", None) or {}).values())  # Python < 3.14: no public API

    processes = workers()
    executor.shutdown(wait=False, cancel_futures=True)
    processes += [p for p in workers() if p not in processes]  # one spawned while we looked
    for p in processes:
        if p.is_alive():
            _kill_descendants(p.pid)
            p.terminate()
    for p in processes:
        p.join(timeout=5)


def _run_pool(project, n, seed, n_workers, options, state, progress, spec=None) -> list[SampleSummary]:
    """Samples on a process pool; at most 2 x workers tasks in flight so cancel stops submitting."""
    executor = ProcessPoolExecutor(
        max_workers=n_workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(project_to_json(project), options, seed, spec),
    )
    out: list[SampleSummary] = []
    pending: dict[Future, tuple[int, int]] = {}
    groups = chunks(n)
    next_group = 0
    try:
        while (next_group < len(groups) or pending) and not state.cancel_requested:
            while next_group < len(groups) and len(pending) < 2 * n_workers:
                pending[executor.submit(pool_sample, *groups[next_group])] = groups[next_group]
                next_group += 1
            done, _ = futures_wait(list(pending), timeout=_POLL_S, return_when=FIRST_COMPLETED)
            for fut in done:
                a, b = pending.pop(fut)
                try:
                    got = [SampleSummary.from_dict(d) for d in fut.result()]
                except Exception as e:  # worker died (BrokenProcessPool) or could not start
                    got = [_error_summary(i, e, project) for i in range(a, b)]
                for s in got:
                    out.append(s)
                    progress.add(s)
    finally:
        if state.cancel_requested or pending:
            _terminate_pool(executor)
        else:
            executor.shutdown(wait=True)
    return out


# ---------------------------------------------------------------------------------- dask
def _probe(scheduler: str, timeout_s: float = 5.0) -> None:
    """Fail fast (RiskRunError) when a tcp:// scheduler address is malformed or nothing listens there.

    (A ``distributed.Client`` that cannot connect waits its whole timeout and then hangs again while
    being garbage-collected.)
    """
    import socket

    from distributed.comm import parse_address, parse_host_port

    try:
        protocol, loc = parse_address(scheduler)
        if protocol not in ("tcp", "tls"):
            return
        host, port = parse_host_port(loc)
    except (ValueError, TypeError) as e:
        raise RiskRunError(f"bad Dask scheduler address {scheduler!r}: {e} (expected tcp://HOST:PORT)") from None
    try:
        socket.create_connection((host, port), timeout=timeout_s).close()
    except OSError as e:
        raise RiskRunError(f"cannot connect to the Dask scheduler at {scheduler}: {e.strerror or e}") from None


def _connect(scheduler: str) -> Any:
    try:
        from distributed import Client
    except ImportError as e:
        raise RiskRunError(f"--scheduler needs dask distributed: {e}") from None
    _probe(scheduler)
    try:
        return Client(scheduler, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as e:
        raise RiskRunError(f"cannot connect to the Dask scheduler at {scheduler}: {e}") from None


def _run_dask(project, n, seed, scheduler, options, state, progress, spec=None) -> list[SampleSummary]:
    """Samples on a Dask cluster: client.map over sample indices, collected with as_completed."""
    from distributed import as_completed

    client = _connect(scheduler)
    out: list[SampleSummary] = []
    futures: list = []
    try:
        [project_future] = client.scatter([project_to_json(project)], broadcast=True)
        groups = chunks(n)
        futures = client.map(
            dask_sample, groups, project_json=project_future, options=options, seed=seed, spec=spec, pure=False,
        )
        index_of = {f.key: g for g, f in zip(groups, futures)}
        ac = as_completed(futures, loop=client.loop)
        while not ac.is_empty() and not state.cancel_requested:
            batch = ac.next_batch(block=False)
            if not batch:
                time.sleep(_POLL_S / 2)
                continue
            for fut in batch:
                a, b = index_of[fut.key]
                if fut.status == "finished":
                    got = [SampleSummary.from_dict(d) for d in fut.result()]
                else:
                    exc = fut.exception() if fut.status == "error" else RuntimeError(f"task {fut.status}")
                    got = [_error_summary(i, exc, project) for i in range(a, b)]
                for s in got:
                    out.append(s)
                    progress.add(s)
    finally:
        if state.cancel_requested and futures:
            client.cancel(futures, force=True)
        client.close()
    return out
