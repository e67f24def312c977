"""Benchmark (not a test): a 48-point sensitivity sweep of the real sample on 1 and 2 workers.

    .venv/bin/python bench/bench_sweep.py [PROJECT] [--workers 1,2] [--relax]

The 48 points (one input at a time, planner.analysis.sweep): the base, then capex x 0.7..1.3 (8
values), opex x 0.8..1.2 (8), market prices x 0.8..1.2 (8), demand x 0.8..1.5 (8), delay 0..6
years (7), Mountain Pass mine capacity 50-150 % (8). Every point is a full lexicographic solve
(MILP unless ``--relax``).

1 worker runs in this process; k > 1 uses the sweep's spawn process pool (workers parse the
project once and solve one point per task). HiGHS is held to one thread in this process too
(``limit_solver_threads``, as in every pool worker), so each configuration runs one solver thread
per worker and the speedup measures the pool, not HiGHS's own threads. Prints wall seconds,
points/s and the speedup wall(1) / wall(k), and asserts that every configuration gives identical
points (status, cost, government cost, coverage, unmet tonnes), exactly.

The machine is shared, so it also prints the contention = sum of per-point wall time / sum of
per-point CPU time (1.0 on an idle machine, 2.0 = each solve got half a core) and the speedup
adjusted for it = speedup x contention(k) / contention(1): an estimate of the speedup had every
run found the machine as free as the 1-worker run. The raw speedup is the measured figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models import load_project  # noqa: E402
from planner.analysis.risk_worker import limit_solver_threads  # noqa: E402
from planner.analysis.sweep import run_sweep  # noqa: E402
from planner.analysis.sweep_inputs import SweepInput  # noqa: E402
from planner.pipeline.solve import SolveOptions  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"


def inputs(project) -> list[SweepInput]:
    mine = project.facility("mp_mine").capacity_tpy
    return [SweepInput("capex", 0.7, 1.3, 8), SweepInput("opex", 0.8, 1.2, 8), SweepInput("price", 0.8, 1.2, 8),
            SweepInput("demand", 0.8, 1.5, 8), SweepInput("delay", 0, 6, 7),
            SweepInput("capacity:mp_mine", 0.5 * mine, 1.5 * mine, 8)]


def fingerprint(report) -> list[tuple]:
    """What must be identical across worker counts (not the timings)."""
    return [(p.index, tuple(sorted(p.values.items())), p.status, p.total_cost_musd, p.government_cost_musd,
             p.defense_coverage, p.defense_unmet_t) for p in report.points]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("project", nargs="?", default=str(SAMPLE))
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--relax", action="store_true")
    args = ap.parse_args()
    project = load_project(args.project)
    sweep = inputs(project)
    options = SolveOptions(solver="highs", relax_integers=args.relax)
    limit_solver_threads()
    print(f"{args.project}: {1 + sum(len(i.values()) for i in sweep)} points, cores available "
          f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    walls, prints, contention = {}, {}, {}
    for k in [int(x) for x in args.workers.split(",")]:
        t0 = time.perf_counter()
        rep = run_sweep(project, sweep, workers=k, options=options)
        walls[k] = time.perf_counter() - t0
        prints[k] = fingerprint(rep)
        busy = sum(p.seconds for p in rep.points)
        contention[k] = busy / max(1e-9, sum(p.cpu_seconds for p in rep.points))
        print(f"{k} worker(s): {walls[k]:7.1f} s wall, {len(rep.points) / walls[k]:.3f} points/s, "
              f"{rep.n_failed} failed, sum of point times {busy:.1f} s, contention {contention[k]:.2f}, "
              f"load average {os.getloadavg()[0]:.2f}", flush=True)
    first = min(walls)
    for k in walls:
        if k != first:
            speedup = walls[first] / walls[k]
            print(f"speedup {first} -> {k} workers: {speedup:.2f}x "
                  f"(adjusted for contention: {speedup * contention[k] / contention[first]:.2f}x)")
            assert prints[k] == prints[first], f"{k} workers gave different points than {first}"
    print("identical points on every worker count: yes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
