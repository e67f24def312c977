"""Benchmark (not a test): Monte Carlo samples per second with 1, 2 and N workers.

    .venv/bin/python bench/bench_risk.py [PROJECT] [-n 48] [--seed 7] [--workers 1,2] [--repeat 2] [--pool-1]
                                         [--scenario china_cut] [--foresight]

Default mode: plan evaluation (the scenario's optimal plan is solved once before timing and committed;
each sample is an LP re-solved warm on a model built once per worker). ``--foresight`` times the
perfect-foresight mode (every sample re-planned as a MILP from scratch: the behaviour before plan
evaluation existed).

Every configuration solves the same samples (same seed, same n), so the work is identical and the
speedup is wall(1 worker) / wall(k workers). 1 worker runs in this process (no pool); k > 1 uses a
spawn-context ProcessPoolExecutor whose workers parse the project once (initializer) and receive
only sample indices and run HiGHS with one thread each (``risk_worker.limit_solver_threads``).
A worker uses one core: the second busy thread measured earlier (wall / CPU 0.59 per sample) was
OpenBLAS's helper thread spinning after each ``np.dot`` of the objective value, not HiGHS (its
threads stay idle on these warm simplex re-solves); objective values no longer call BLAS.
``--pool-1`` also times a 1-process pool: "vs pool-1" is the like-for-like scaling of the pool itself.
Configurations are run in rounds (1, 2, N, 1, 2, N, ...) and the fastest wall time of each is kept,
so a burst of load from other programs hurts one round, not one configuration.

Reported per configuration: wall seconds, samples/s, speedup against 1 worker, the sum of the
per-sample wall times, the parallel efficiency = that sum / (wall x workers) (how busy the workers
were: pool overhead and idle tail lower it), and the machine contention = per-sample wall time /
per-sample CPU time (1.0 on an idle machine; 2.0 means the samples got half a core each), and the
speedup adjusted for contention = speedup x contention(k) / contention(1): an estimate of the
speedup had every run had the machine as free as the 1-worker run. The raw speedup is the measured
figure; the adjusted one only helps read runs on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models import (
    apply_scenario,  # noqa: E402
    load_project,  # noqa: E402
)
from planner.analysis import risk
from planner.analysis.plan_eval import EvalSpec, plan_decisions  # noqa: E402
from planner.analysis.risk import default_workers, run_risk  # noqa: E402
from planner.pipeline.solve import SolveOptions, solve_project  # noqa: E402
from planner.progress import SolveState  # noqa: E402

DEFAULT_PROJECT = Path(__file__).resolve().parents[1] / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"


def _run(project, n: int, seed: int, workers: int, time_limit: float, force_pool: bool, mode: str,
         plan) -> tuple[float, list]:
    """Wall seconds and per-sample summaries of one configuration (model building included)."""
    options = SolveOptions(time_limit_s=time_limit)
    t0 = time.perf_counter()
    if force_pool:  # a 1-process pool (run_risk itself runs 1 worker in-process)
        state = SolveState()
        spec = EvalSpec(decisions=plan) if mode == "plan" else None
        samples = risk._run_pool(project, n, seed, 1, options, state, risk._Progress(n, state), spec)
    else:
        samples = run_risk(project, n, seed=seed, workers=workers, options=options, mode=mode, plan=plan).samples
    return time.perf_counter() - t0, sorted(samples, key=lambda s: s.index)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project", nargs="?", default=str(DEFAULT_PROJECT))
    ap.add_argument("-n", type=int, default=48, help="samples per configuration (default 48)")
    ap.add_argument("--scenario", default=None, help="sample around this scenario (default: base)")
    ap.add_argument("--foresight", action="store_true", help="time perfect foresight (re-plan every sample)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", default=None, help="comma list, default 1,2,N (N = cores)")
    ap.add_argument("--repeat", type=int, default=1, help="rounds over all configurations; the fastest is kept")
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--pool-1", action="store_true", help="also time a 1-process pool")
    args = ap.parse_args(argv)

    project = load_project(args.project)
    if args.scenario or any(sc.id == "base" for sc in project.scenarios):
        project = apply_scenario(project, args.scenario or "base")
    mode = "foresight" if args.foresight else "plan"
    plan = None
    if mode == "plan":
        t = time.perf_counter()
        base = solve_project(project, SolveOptions(time_limit_s=args.time_limit))
        plan = plan_decisions(base)
        print(f"plan to evaluate: {base.status.value}, {len(plan)} decisions, solved in "
              f"{time.perf_counter() - t:.1f} s (not timed below)")
    cores = default_workers()
    configs = [(w, False)
               for w in (sorted({int(w) for w in args.workers.split(",")}) if args.workers else sorted({1, 2, cores}))]
    if args.pool_1:
        configs.insert(1, (1, True))
    print(f"project: {project.name} ({len(project.facilities)} facilities), n = {args.n}, seed = {args.seed}, "
          f"cores = {cores}, rounds = {args.repeat}, mode = {mode}, scenario = {args.scenario or 'base'}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    best: dict[tuple[int, bool], tuple[float, list]] = {}
    reference = None
    same = True
    for r in range(args.repeat):
        for w, pool in configs:
            wall, samples = _run(project, args.n, args.seed, w, args.time_limit, pool, mode, plan)
            answer = [(s.status, s.total_cost_musd) for s in samples]
            reference = reference or answer
            same = same and len(answer) == len(reference) and all(
                a[0] == b[0] and (a[1] == b[1] or abs(a[1] - b[1]) <= 1e-8 * max(1.0, abs(b[1])))
                for a, b in zip(answer, reference))
            print(f"  round {r + 1}: workers {w}{' (pool)' if pool else ''}: {wall:.1f} s", flush=True)
            if (w, pool) not in best or wall < best[(w, pool)][0]:
                best[(w, pool)] = (wall, samples)
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    base_wall = best[(1, False)][0] if (1, False) in best else None
    base_cont = None
    if base_wall:
        b = best[(1, False)][1]
        base_cont = sum(x.seconds for x in b) / max(sum(x.cpu_seconds for x in b), 1e-9)
    pool1 = best.get((1, True), (None,))[0]
    print(f"{'workers':<16}{'wall s':>8}{'samples/s':>11}{'speedup':>9}{'vs pool-1':>11}{'sample-s sum':>14}"
          f"{'efficiency':>12}{'contention':>12}{'adj. speedup':>14}{'failed':>8}")
    for (w, pool), (wall, samples) in best.items():
        label = f"{w} (pool)" if pool else (f"{w} (in-process)" if w == 1 else str(w))
        ssum = sum(s.seconds for s in samples)
        csum = sum(s.cpu_seconds for s in samples)
        speed = f"{base_wall / wall:>8.2f}x" if base_wall else f"{'-':>9}"
        failed = sum(not s.ok for s in samples)
        cont = ssum / max(csum, 1e-9)
        adj = f"{base_wall / wall * cont / base_cont:>13.2f}x" if base_wall else f"{'-':>14}"
        vs_pool = f"{pool1 / wall:>10.2f}x" if pool1 else f"{'-':>11}"
        print(f"{label:<16}{wall:>8.1f}{args.n / wall:>11.2f}{speed}{vs_pool}{ssum:>14.1f}{ssum / (wall * w):>11.0%}"
              f"{cont:>12.2f}{adj}{failed:>8}")
    for (w, pool), (_wall, samples) in best.items():
        for s in samples:
            if not s.ok:
                print(f"failed sample {s.index} ({w} worker{'s' if w > 1 else ''}{', pool' if pool else ''}): "
                      f"{s.status}: {s.message}")
    print(f"\nsame answer in every run (status; cost to 1e-8 relative): {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
