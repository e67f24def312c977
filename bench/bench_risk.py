"""Benchmark (not a test): Monte Carlo samples per second with 1, 2 and N workers.

    .venv/bin/python bench/bench_risk.py [PROJECT] [-n 12] [--seed 7] [--workers 1,2,4] [--pool-1]

Every configuration solves the same samples (same seed, same n), so the work is identical and the
speedup is wall(1 worker) / wall(k workers). 1 worker runs in this process (no pool); k > 1 uses a
spawn-context ProcessPoolExecutor whose workers parse the project once (initializer) and receive
only sample indices. ``--pool-1`` also times a 1-process pool, to show the pool's own overhead.

Reported per configuration: wall seconds, samples/s, speedup against 1 worker, the sum of the
per-sample solve times (solver work) and the parallel efficiency = sum / (wall x workers).
The machine may be shared: the load average is printed before and after; read ratios, not seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models import load_project  # noqa: E402
from planner.risk import default_workers, run_risk  # noqa: E402
from planner.risk_report import RiskReport  # noqa: E402
from planner.solve import SolveOptions  # noqa: E402

DEFAULT_PROJECT = Path(__file__).resolve().parents[1] / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"


def _run(project, n: int, seed: int, workers: int, time_limit: float, force_pool: bool = False) -> tuple[float, RiskReport]:
    t0 = time.perf_counter()
    if force_pool:  # a 1-process pool: call the pool runner directly
        from planner import risk

        summaries = risk._run_pool(project, n, seed, 1, SolveOptions(time_limit_s=time_limit),
                                   risk.SolveState(), risk._Progress(n, risk.SolveState()))
        rep = risk.aggregate(summaries, project=project.name, n_requested=n, seed=seed, target_year=2027)
    else:
        rep = run_risk(project, n, seed=seed, workers=workers, options=SolveOptions(time_limit_s=time_limit))
    return time.perf_counter() - t0, rep


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project", nargs="?", default=str(DEFAULT_PROJECT))
    ap.add_argument("-n", type=int, default=12, help="samples per configuration (default 12)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", default=None, help="comma list, default 1,2,N (N = cores)")
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--pool-1", action="store_true", help="also time a 1-process pool")
    args = ap.parse_args(argv)

    project = load_project(args.project)
    cores = default_workers()
    configs = sorted({int(w) for w in args.workers.split(",")}) if args.workers else sorted({1, 2, cores})
    print(f"project: {project.name} ({len(project.facilities)} facilities), n = {args.n}, seed = {args.seed}, "
          f"cores = {cores}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    rows = []
    base_wall = None
    reference = None
    plan = [(w, False) for w in configs]
    if args.pool_1:
        plan.insert(1, (1, True))
    for w, pool in plan:
        wall, rep = _run(project, args.n, args.seed, w, args.time_limit, pool)
        if reference is None:
            reference = [(s.status, s.total_cost_musd) for s in rep.samples]
        same = [(s.status, s.total_cost_musd) for s in rep.samples] == reference
        solve_sum = sum(s.seconds for s in rep.samples)
        if w == 1 and not pool:
            base_wall = wall
        label = f"{w} (pool)" if pool else (f"{w} (in-process)" if w == 1 else str(w))
        rows.append((label, wall, args.n / wall, (base_wall / wall) if base_wall else float("nan"),
                     solve_sum, solve_sum / (wall * w), rep.n_failed, same))
        print(f"  done: workers {label}: {wall:.1f} s", flush=True)

    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(f"{'workers':<16}{'wall s':>8}{'samples/s':>11}{'speedup':>9}{'solve-s sum':>13}{'efficiency':>12}"
          f"{'failed':>8}{'same answer':>13}")
    for label, wall, rate, speed, ssum, eff, failed, same in rows:
        print(f"{label:<16}{wall:>8.1f}{rate:>11.2f}{speed:>8.2f}x{ssum:>13.1f}{eff:>11.0%}{failed:>8}{str(same):>13}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
