"""Benchmark (not a test): how long a time-limited solve really takes, wall clock, from the call
to the returned result (model building, PuLP hand-off, solver, verification, extraction).

    .venv/bin/python bench/bench_time_limit.py [--facilities 300] [--years 20] [--limit 5] [--solvers cbc,highs]
    .venv/bin/python bench/bench_time_limit.py --project sample_projects/us_allied_mine_to_magnet.m2m.json \
        --limit 0.1,0.5,1,1.5,2,3 --repeat 2

Prints, per solver and for the MILP and its LP relaxation: the limit, the wall time, the overrun
(wall - limit) and the status. The time limit is a wall-clock limit for the whole solve; the
result (extraction of a plan found just before the deadline) may add a little.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.model.synthetic import synthetic_project  # noqa: E402
from planner.pipeline.solve import SolveOptions, solve_project  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=300)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--limit", default="5", help="seconds, or several separated by commas")
    parser.add_argument("--solvers", default="cbc,highs")
    parser.add_argument("--project", help="a project file instead of the synthetic project")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.project:
        from models import load_project

        project = load_project(args.project)
        print(f"{args.project}, limits {args.limit} s")
    else:
        project = synthetic_project(args.facilities, args.years, seed=1)
        print(f"synthetic project: {args.facilities} facilities x {args.years} years, limits {args.limit} s")
    print(f"{'solver':<7}{'model':<6}{'limit s':>8}{'wall s':>8}{'overrun s':>11}  status (variables)")
    worst: dict[str, float] = {}
    for _ in range(args.repeat):
        for solver in args.solvers.split(","):
            for limit in (float(x) for x in args.limit.split(",")):
                for relax in (False, True):
                    t0 = time.perf_counter()
                    r = solve_project(project, SolveOptions(solver=solver, time_limit_s=limit, relax_integers=relax))
                    wall = time.perf_counter() - t0
                    worst[solver] = max(worst.get(solver, -limit), wall - limit)
                    print(f"{solver:<7}{'LP' if relax else 'MILP':<6}{limit:>8g}{wall:>8.2f}{wall - limit:>11.2f}  "
                          f"{r.status.value} ({r.n_variables:,})", flush=True)
    print("largest overrun: " + ", ".join(f"{s} {v:.2f} s" for s, v in worst.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
