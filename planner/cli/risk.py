"""``mine2magnet risk PROJECT -n N [--workers K] [--scheduler ADDRESS] [--seed S] [--json OUT]
[--scenario NAME] [--time-limit S] [--solver ...]``.

Prints the probability that compliant defense demand is met in the compliance year (2027) and
later, cost percentiles, and the projects that drive the answer. Exit codes (DESIGN.md section 5):
0 when every sample produced a plan; 1 when any sample failed (they are listed), the run was
interrupted, or the JSON cannot be written; 2 for bad input (unreadable project, bad -n/--workers/
--seed, unknown scenario or solver, unreachable scheduler).
"""

from __future__ import annotations

import argparse
import sys

from models.io import atomic_write_bytes

from planner.cli.common import (
    EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, add_solver_arguments, check_solver_arguments, load_or_exit, whole_number_option,
)
from planner.progress import SolveState
from planner.analysis.risk import RiskRunError, run_risk, summary_lines
from planner.pipeline.solve import SolveOptions


def _progress_printer(n: int):
    step = max(1, n // 20)
    last = {"done": -1}

    def on_progress(fraction: float, message: str) -> None:
        done = round(fraction * n)
        if done != last["done"] and (done % step == 0 or done == n):
            last["done"] = done
            print(f"  {message}", file=sys.stderr, flush=True)

    return on_progress


def cmd_risk(args: argparse.Namespace) -> int:

    project = load_or_exit(args.project)
    for name, value, lo in (("-n", args.n, 1), ("--workers", args.workers, 1), ("--seed", args.seed, 0)):
        if value is not None and value < lo:
            print(f"mine2magnet: {name} must be >= {lo} (got {value})", file=sys.stderr)
            return EXIT_BAD_INPUT
    bad = check_solver_arguments(args, project)
    if bad is not None:
        return bad
    options = SolveOptions(scenario=args.scenario, solver=args.solver, time_limit_s=args.time_limit, relax_integers=args.relax)
    state = SolveState(on_progress=_progress_printer(args.n))
    try:
        report = run_risk(project, args.n, seed=args.seed, workers=args.workers, scheduler=args.scheduler,
                          options=options, state=state)
    except RiskRunError as e:
        print(f"mine2magnet: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        state.request_cancel()
        raise
    print("\n".join(summary_lines(report)))
    print(f"\n{report.n_completed} samples in {report.seconds:.1f} s "
          f"({report.n_completed / max(report.seconds, 1e-9):.2f} samples/s, "
          + (f"scheduler {args.scheduler})" if args.scheduler else f"{report.workers} worker(s))"))
    code = EXIT_OK if (report.n_failed == 0 and not report.cancelled and report.n_ok > 0) else EXIT_FAILED
    if args.json:
        try:
            atomic_write_bytes(args.json, report.to_json().encode("utf-8"), keep_backup=False)
            print(f"wrote {args.json}")
        except OSError as e:
            print(f"mine2magnet: cannot write {args.json}: {e.strerror or e}", file=sys.stderr)
            code = EXIT_FAILED
    return code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("risk", help="Monte Carlo over commissioning delays and capex overruns")
    p.add_argument("project")
    p.add_argument("-n", type=whole_number_option(1, 1_000_000), required=True, metavar="N", help="number of samples")
    p.add_argument("--workers", type=whole_number_option(1, 1024), metavar="K", help="worker processes (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--seed", type=whole_number_option(0, 2**64 - 1), default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--scenario", metavar="NAME", help="sample around this scenario instead of the base")
    add_solver_arguments(p)
    p.add_argument("--json", metavar="OUT", help="write the full risk report (every sample) as JSON here")
    p.set_defaults(func=cmd_risk)
