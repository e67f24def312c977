"""Monte Carlo risk: how likely is compliant demand met, what does it cost, which projects matter.

``run_risk(project, n, seed=...)`` draws ``n`` samples of commissioning delays and capex overruns
(see :mod:`planner.analysis.risk_sampling`), solves each sampled project with
:func:`planner.pipeline.solve.solve_project` and aggregates the answers (:mod:`planner.analysis.risk_report`).

Where the samples run:
* ``workers == 1`` (and no scheduler): in this process, one after another;
* otherwise a ``ProcessPoolExecutor`` (spawn context) with ``workers`` processes (default: every
  core). Each worker parses the project JSON once (pool initializer); a task sends only the sample
  index and returns a compact per-sample summary;
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

from planner.progress import SolveState
from planner.result import Status
from planner.analysis.risk_report import RiskReport, aggregate
from planner.analysis.risk_worker import SampleSummary, dask_sample, init_worker, pool_sample, solve_sample

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


def run_risk(
    project: Project,
    n: int,
    *,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    options: Any = None,
    state: SolveState | None = None,
) -> RiskReport:
    """Run ``n`` Monte Carlo samples and return the aggregated :class:`RiskReport`.

    ``options`` is a :class:`planner.pipeline.solve.SolveOptions` (solver, time limit per sample, ...;
    its ``scenario`` is applied to the project before sampling). Failed samples are counted and
    listed in the report, never dropped.
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
    scenario = getattr(options, "scenario", None)
    if scenario is None and any(s.id == "base" for s in project.scenarios):
        scenario = "base"  # a stored "base" scenario is the base (as in solve_scenarios)
    if scenario:
        from dataclasses import replace

        from models.scenarios import apply_scenario

        try:
            project = apply_scenario(project, scenario)
        except KeyError as e:
            raise RiskRunError(str(e.args[0]) if e.args else str(e)) from None
        options = replace(options, scenario=None)
    state = state or SolveState()
    t0 = time.perf_counter()
    n_workers = min(workers or default_workers(), n)
    progress = _Progress(n, state)
    state.progress(0.0, f"0/{n} samples")

    if scheduler:
        summaries = _run_dask(project, n, seed, scheduler, options, state, progress)
        used_workers = None
    elif n_workers == 1:
        summaries = _run_serial(project, n, seed, options, state, progress)
        used_workers = 1
    else:
        summaries = _run_pool(project, n, seed, n_workers, options, state, progress)
        used_workers = n_workers

    cancelled = state.cancel_requested and len(summaries) < n
    report = aggregate(
        summaries, project=project.name, n_requested=n, seed=seed,
        target_year=project.settings.compliance_start_year, workers=used_workers, scheduler=scheduler,
        cancelled=cancelled, seconds=time.perf_counter() - t0,
    )
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


def _error_summary(index: int, exc: BaseException) -> SampleSummary:
    return SampleSummary(index=index, status=Status.ERROR.value, message=f"{type(exc).__name__}: {exc}")


# ----------------------------------------------------------------------------- in-process
def _run_serial(project, n, seed, options, state, progress) -> list[SampleSummary]:
    """Samples one after another in this process; a running HiGHS solve is interrupted on cancel."""
    out = []
    for i in range(n):
        if state.cancel_requested:
            break
        sub = SolveState()
        state.cancel_hooks.append(sub.request_cancel)
        try:
            s = solve_sample(project, options, seed, i, sub)
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


def _run_pool(project, n, seed, n_workers, options, state, progress) -> list[SampleSummary]:
    """Samples on a process pool; at most 2 x workers tasks in flight so cancel stops submitting."""
    executor = ProcessPoolExecutor(
        max_workers=n_workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(project_to_json(project), options, seed),
    )
    out: list[SampleSummary] = []
    pending: dict[Future, int] = {}
    next_index = 0
    try:
        while (next_index < n or pending) and not state.cancel_requested:
            while next_index < n and len(pending) < 2 * n_workers:
                pending[executor.submit(pool_sample, next_index)] = next_index
                next_index += 1
            done, _ = futures_wait(list(pending), timeout=_POLL_S, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                try:
                    s = SampleSummary.from_dict(fut.result())
                except Exception as e:  # worker died (BrokenProcessPool) or could not start
                    s = _error_summary(i, e)
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


def _run_dask(project, n, seed, scheduler, options, state, progress) -> list[SampleSummary]:
    """Samples on a Dask cluster: client.map over sample indices, collected with as_completed."""
    from distributed import as_completed

    client = _connect(scheduler)
    out: list[SampleSummary] = []
    futures: list = []
    try:
        [project_future] = client.scatter([project_to_json(project)], broadcast=True)
        futures = client.map(
            dask_sample, range(n), project_json=project_future, options=options, seed=seed, pure=False,
        )
        index_of = {f.key: i for i, f in enumerate(futures)}
        ac = as_completed(futures, loop=client.loop)
        while not ac.is_empty() and not state.cancel_requested:
            batch = ac.next_batch(block=False)
            if not batch:
                time.sleep(_POLL_S / 2)
                continue
            for fut in batch:
                i = index_of[fut.key]
                if fut.status == "finished":
                    s = SampleSummary.from_dict(fut.result())
                else:
                    exc = fut.exception() if fut.status == "error" else RuntimeError(f"task {fut.status}")
                    s = _error_summary(i, exc)
                out.append(s)
                progress.add(s)
    finally:
        if state.cancel_requested and futures:
            client.cancel(futures, force=True)
        client.close()
    return out


def summary_lines(report: RiskReport, top: int = 8) -> list[str]:
    """The readable summary printed by ``mine2magnet risk`` (and shown in the GUI)."""
    y = report.target_year
    lines = [
        f"Monte Carlo risk for {report.project!r}: {report.n_completed}/{report.n_requested} samples "
        f"(seed {report.seed}), {report.n_ok} with a plan, {report.n_failed} failed"
        + (" -- CANCELLED" if report.cancelled else ""),
    ]
    if report.n_ok == 0:
        lines.append("No sample produced a plan; nothing to aggregate.")
    else:
        lines.append("")
        lines.append(f"Probability that defense demand is fully met with compliant magnets in {y}:")
        if y in report.p_met_all:
            lines.append(f"  all products            {report.p_met_all[y]:6.1%}")
        for p, by in report.p_met.items():
            if y in by:
                short = report.mean_shortfall_t.get(p, {}).get(y, 0.0)
                lines.append(f"  {p:<24}{by[y]:6.1%}   (mean shortfall {short:,.1f} t)")
        if report.mean_unmet_by_segment_t:
            m = report.mean_unmet_by_segment_t
            lines.append(f"  mean unmet over the horizon: defense {m.get('defense', 0.0):,.1f} t, "
                         f"commercial {m.get('commercial', 0.0):,.1f} t")
        later = sorted(yy for yy in report.p_met_all if yy > y)
        if later:
            lines.append("  by year (all products):  " + "  ".join(f"{yy}: {report.p_met_all[yy]:.0%}" for yy in later))
        c = report.cost_musd
        if c:
            lines.append("")
            lines.append(f"Total cost (discounted, $M): P10 {c['p10']:,.1f}   P50 {c['p50']:,.1f}   P90 {c['p90']:,.1f}"
                         f"   (mean {c['mean']:,.1f})")
        if report.drivers:
            lines.append("")
            lines.append(f"Projects that drive {y} compliance (P(met) on time vs delayed; cost change excludes the unmet penalty):")
            for d in report.drivers[:top]:
                cost = f", cost {d.cost_delta_musd:+,.1f} $M" if d.cost_delta_musd is not None else ""
                lines.append(f"  {d.facility:<28} {d.p_met_on_time:6.1%} vs {d.p_met_delayed:6.1%}"
                             f"  (impact {d.impact:+.1%} ± {d.impact_se:.1%}, delayed in {d.n_delayed} samples{cost})")
        if report.bottlenecks:
            lines.append("")
            lines.append("Facilities that most often limit supply in years with unmet demand (capacity fully used; "
                         "no $ value: there the shadow price is the unmet penalty, a setting):")
            for b in report.bottlenecks[:top]:
                lines.append(f"  {b.facility:<28} {b.share:6.1%} of samples")
        if report.investments:
            lines.append("")
            lines.append("Investments chosen (share of samples):")
            for inv in report.investments[:top]:
                lines.append(f"  {inv.facility + ' / ' + inv.option:<40} {inv.share:6.1%}"
                             f"  (mean {inv.mean_added_tpy:,.0f} t/yr, median decision {inv.median_decided_year:.0f})")
    if report.failures:
        lines.append("")
        lines.append(f"Failed samples ({report.n_failed}):")
        for f in report.failures[:20]:
            lines.append(f"  sample {f.index}: {f.status}: {f.message}")
        if report.n_failed > 20:
            lines.append(f"  ... and {report.n_failed - 20} more (see --json)")
    return lines

