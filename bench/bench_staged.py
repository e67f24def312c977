"""Staged (lexicographic) solve against a single solve of the same model (not a test).

Usage:
    .venv/bin/python bench/bench_staged.py                       # real sample, base, highs, 3 runs each
    .venv/bin/python bench/bench_staged.py --scenario china_cut --solver cbc --runs 1

Both solves go through ``planner.pipeline.solve.solve_project`` on the same project: the staged
solve with ``lexicographic=True`` (shortfall by priority, then net cost, then the tie-break stages),
the single one with ``lexicographic=False`` (cost + penalty once). Printed per run: wall time of the
whole call (build + solve + verify + extract), its CPU time (this process and its threads), the
solver's own seconds, and the ratios of the medians staged / single. The machine is shared and noisy:
read the ratio of medians, not single runs; on a loaded machine the CPU ratio moves less than the wall
ratio (a solve waiting for a core counts in wall time only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.join(os.path.dirname(__file__), "..")
SAMPLE = os.path.join(ROOT, "sample_projects", "us_allied_mine_to_magnet.m2m.json")


def main() -> None:
    sys.path.insert(0, ROOT)
    from models import load_project
    from planner.pipeline.solve import SolveOptions, solve_project

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project", nargs="?", default=SAMPLE)
    ap.add_argument("--scenario", default=None)
    ap.add_argument("--solver", default="highs")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    project = load_project(args.project)
    walls: dict[str, list[float]] = {"staged": [], "single": []}
    cpus: dict[str, list[float]] = {"staged": [], "single": []}
    for run in range(args.runs):
        for kind in ("single", "staged"):
            t0, c0 = time.perf_counter(), time.process_time()
            r = solve_project(project, SolveOptions(scenario=args.scenario, solver=args.solver,
                                                    lexicographic=(kind == "staged")))
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            walls[kind].append(wall)
            cpus[kind].append(cpu)
            print(f"run {run + 1} {kind:6s}: {r.status.value:10s} wall {wall:6.2f} s  cpu {cpu:6.2f} s"
                  f"  solver {r.solve_seconds:6.2f} s"
                  f"  build {r.build_seconds:5.2f} s  net cost "
                  f"${(r.net_cost_musd if hasattr(r, 'net_cost_musd') else r.total_cost_musd) or 0:,.1f}M"
                  f"  unmet {r.unmet_total():,.1f} t", flush=True)
    single, staged = statistics.median(walls["single"]), statistics.median(walls["staged"])
    print(f"median wall: single {single:.2f} s, staged {staged:.2f} s, ratio staged/single {staged / single:.2f}")
    single, staged = statistics.median(cpus["single"]), statistics.median(cpus["staged"])
    print(f"median cpu:  single {single:.2f} s, staged {staged:.2f} s, ratio staged/single {staged / single:.2f}")


if __name__ == "__main__":
    main()
