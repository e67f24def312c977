"""Benchmark (not a test): the real sample over a long horizon (default 60 years, the schema's
longest), solved by each solver with a generous time limit; prints wall time, status and message.

    .venv/bin/python bench/bench_long_horizon.py [--years 60] [--solvers highs,cbc] [--limit 600]

Issue 25, class 9: with HiGHS this chain used to end in "point fails verification (1.58e-6)"; the
least-activity stage's point is now solved again without presolve when it misses its rows by more
than planner.pipeline.lexicographic.POINT_RETRY_TOL (the log says so).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models import load_project  # noqa: E402
from planner.pipeline.solve import SolveOptions, solve_project  # noqa: E402
from planner.progress import SolveState  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=60)
    parser.add_argument("--solvers", default="highs,cbc")
    parser.add_argument("--limit", type=float, default=600.0)
    args = parser.parse_args()
    project = load_project(ROOT / "sample_projects" / "us_allied_mine_to_magnet.m2m.json")
    project.settings.end_year = project.settings.start_year + args.years
    print(f"real sample, {project.settings.start_year}-{project.settings.end_year}, limit {args.limit:g} s")
    for solver in args.solvers.split(","):
        retried: list[str] = []
        state = SolveState(on_log=lambda m, out=retried: out.append(m) if "without presolve" in m else None)
        t0 = time.perf_counter()
        r = solve_project(project, SolveOptions(solver=solver, time_limit_s=args.limit), state)
        print(f"{solver:<6}{time.perf_counter() - t0:8.1f} s  {r.status.value}: {r.message[:160]}")
        for line in retried:
            print(f"        {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
