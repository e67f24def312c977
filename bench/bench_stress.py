"""Benchmark (not a test): the N-1 stress test of every facility and country on the real sample.

    .venv/bin/python bench/bench_stress.py [PROJECT] [--scenario china_cut] [--years 2026-2028] [--workers 1,2]

The plan is solved once before timing; each configuration screens the same elements (every
facility making something in the years under the plan, and every country). Prints wall seconds per
configuration, elements per second, the speedup against 1 worker, and the single points of failure
of the last run. Goal: every facility for 2026-2028 within 60 s on two workers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models import load_project  # noqa: E402
from planner.analysis.plan_eval import plan_decisions  # noqa: E402
from planner.analysis.risk import apply_run_scenario  # noqa: E402
from planner.analysis.stress import run_stress  # noqa: E402
from planner.cli.stress import parse_years  # noqa: E402
from planner.pipeline.solve import SolveOptions, solve_project  # noqa: E402
from planner.reports.text import stress_lines  # noqa: E402

DEFAULT_PROJECT = Path(__file__).resolve().parents[1] / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("project", nargs="?", default=str(DEFAULT_PROJECT))
    ap.add_argument("--scenario", default="china_cut")
    ap.add_argument("--years", type=parse_years, default=[2026, 2027, 2028])
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    project = load_project(args.project)
    options = SolveOptions(scenario=args.scenario)
    scenario_project, solved_options, _ = apply_run_scenario(project, options)
    t0 = time.perf_counter()
    plan = plan_decisions(solve_project(scenario_project, solved_options))
    print(f"plan solved in {time.perf_counter() - t0:.1f} s (not timed below); load average {os.getloadavg()}")
    base = None
    rep = None
    for w in [int(x) for x in args.workers.split(",")]:
        t0 = time.perf_counter()
        rep = run_stress(project, years=args.years, plan=plan, workers=w, options=options)
        wall = time.perf_counter() - t0
        base = base or wall
        print(f"workers {w}: {rep.n_screened} elements in {wall:.1f} s ({rep.n_screened / wall:.2f} elements/s, "
              f"speedup {base / wall:.2f}x), {len(rep.single_points_of_failure)} single points of failure, "
              f"{rep.n_failed} without a plan")
    print(f"load average after: {os.getloadavg()}")
    if rep is not None:
        print("\n".join(stress_lines(rep)))


if __name__ == "__main__":
    main()
