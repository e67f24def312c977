"""Scale benchmark (not a test): build, hand-off and solve times, peak memory, per model size.

Usage:
    .venv/bin/python bench/bench_scale.py                      # the full ladder, every solver
    .venv/bin/python bench/bench_scale.py --sizes 50x10 200x10 --solvers highs cbc
    .venv/bin/python bench/bench_scale.py --mip                # keep the binary build decisions

Each (size, solver) runs in a fresh Python process so peak RSS is that run's own. Printed per run:
variables, constraints, build s (network + constraint families, pure Python), hand-off s
(passing the arrays to HiGHS / building the PuLP problem for CBC; CBC's MPS write and solution
read happen inside its solve time), solver s, peak RSS, and the overhead ratio
(build + hand-off) / solver. By default the LP relaxation is solved (as in shared/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

LADDER = ["50x10", "200x10", "1000x10", "1000x20", "5000x20"]
SOLVERS = ["highs", "highs-ipm", "highs-simplex", "cbc"]


def run_one(size: str, solver: str, mip: bool, time_limit: float) -> dict:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from planner.model.build import BuildOptions, create_model
    from planner.model.network import build_network
    from planner.model.synthetic import synthetic_project
    from planner.progress import SolveState
    from planner.solvers.backends import solve_lp

    n, y = (int(v) for v in size.split("x"))
    project = synthetic_project(n, y, seed=7)
    t0 = time.perf_counter()
    net = build_network(project)
    lp, _ = create_model(net, BuildOptions(relax_integers=not mip))
    build = time.perf_counter() - t0
    raw = solve_lp(lp, solver, time_limit, 1e-4, SolveState())
    return {
        "size": size, "solver": solver, "vars": lp.n_vars, "rows": lp.n_rows, "nnz": len(lp.coo_val),
        "build_s": build, "handoff_s": raw.handoff_seconds, "solve_s": raw.seconds, "status": raw.status.value,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=LADDER)
    ap.add_argument("--solvers", nargs="+", default=SOLVERS)
    ap.add_argument("--mip", action="store_true", help="keep binary build decisions (default: LP relaxation)")
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--one", nargs=2, metavar=("SIZE", "SOLVER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.mip, args.time_limit)))
        return
    header = (f"{'size':>8} {'solver':>13} {'vars':>9} {'rows':>9} {'build s':>8} {'handoff s':>9} {'solver s':>9} "
              f"{'RSS MB':>7} {'overhead':>8}  status")
    print(header)
    print("-" * len(header))
    for size in args.sizes:
        for solver in args.solvers:
            cmd = [sys.executable, __file__, "--one", size, solver, "--time-limit", str(args.time_limit)]
            if args.mip:
                cmd.append("--mip")
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{size:>8} {solver:>13}  failed: "
                      f"{proc.stderr.strip().splitlines()[-1] if proc.stderr else proc.returncode}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            overhead = (r["build_s"] + r["handoff_s"]) / max(r["solve_s"], 1e-9)
            print(f"{r['size']:>8} {r['solver']:>13} {r['vars']:>9,} {r['rows']:>9,} {r['build_s']:>8.2f} "
                  f"{r['handoff_s']:>9.2f} "
                  f"{r['solve_s']:>9.2f} {r['peak_rss_mb']:>7.0f} {overhead:>7.0%}  {r['status']}", flush=True)


if __name__ == "__main__":
    main()
