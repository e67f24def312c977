"""``mine2magnet risk PROJECT -n N [--workers K] [--scheduler ADDRESS] [--seed S] [--json OUT]
[--plan RESULT_JSON] [--commit-year Y] [--reoptimise-later] [--foresight] [--value-of-information]
[--scenario NAME] [--stock-build STOCKPILE:YEAR:T ...] [--time-limit S] [--solver ...]``.

Prints the probability that compliant defense demand is met in the compliance year (2027) and
later, cost percentiles, and the projects that drive the answer. Exit codes (docs/command_line.md):
0 when every sample produced a plan; 1 when any sample failed (they are listed), the run was
interrupted, or the JSON cannot be written; 2 for bad input (unreadable project, bad -n/--workers/
--seed, unknown scenario or solver, unreachable scheduler).
"""

from __future__ import annotations

import argparse
import sys

from planner.analysis.risk import run_risk
from planner.cli.cluster import add_cluster_arguments
from planner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    add_solver_arguments,
    check_solver_arguments,
    load_or_exit,
    whole_number_option,
)
from planner.cli.csv_output import add_csv_argument, risk_csv
from planner.cli.outputs import run_analysis, where_ran, write_json
from planner.pipeline.solve import SolveOptions
from planner.progress import SolveState
from planner.reports.text import risk_summary_lines


def _progress_printer(n: int):
    step = max(1, n // 20)
    last = {"done": -1}

    def on_progress(fraction: float, message: str) -> None:
        done = round(fraction * n)
        if done != last["done"] and (done % step == 0 or done == n):
            last["done"] = done
            print(f"  {message}", file=sys.stderr, flush=True)

    return on_progress


def parse_stock_builds(texts: list[str] | None) -> list[list] | None:
    """``--stock-build STOCKPILE:YEAR:T`` values as [[stockpile, year, t]]; None (after printing
    what is wrong) when one is malformed."""
    floors = []
    for text in texts or []:
        parts = text.split(":")
        try:
            sid, year, tonnes = parts[0], int(parts[1]), float(parts[2])
            if len(parts) != 3 or not sid or not (0 <= tonnes < float("inf")):
                raise ValueError
        except (ValueError, IndexError):
            print(f"mine2magnet: --stock-build {text!r}: expected STOCKPILE:YEAR:TONNES, e.g. dla_smco:2026:103.3 "
                  "(tonnes >= 0)", file=sys.stderr)
            return None
        floors.append([sid, year, tonnes])
    return floors


def add_stock_build_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stock-build", action="append", metavar="STOCKPILE:YEAR:T",
                   help="the plan also holds T tonnes in this government stockpile at the end of YEAR (a robust "
                        "plan's stock build, held by the plan's own operations; repeatable)")


def cmd_risk(args: argparse.Namespace) -> int:

    project = load_or_exit(args.project)
    for name, value, lo in (("-n", args.n, 1), ("--workers", args.workers, 1), ("--seed", args.seed, 0)):
        if value is not None and value < lo:
            print(f"mine2magnet: {name} must be >= {lo} (got {value})", file=sys.stderr)
            return EXIT_BAD_INPUT
    bad = check_solver_arguments(args, project)
    if bad is not None:
        return bad
    options = SolveOptions(scenario=args.scenario, solver=args.solver, time_limit_s=args.time_limit,
                           relax_integers=args.relax)
    plan = None
    if args.plan:
        from models.io import ProjectFileError
        from models.scenarios import apply_scenario
        from planner.pipeline.plan_file import read_plan_file

        try:  # checked against the project the samples start from (the scenario applied)
            plan = read_plan_file(args.plan, apply_scenario(project, args.scenario))
        except ProjectFileError as e:
            for p in e.problems:
                print(f"{e.path}: {p}", file=sys.stderr)
            return EXIT_BAD_INPUT
    mode = "foresight" if args.foresight else "plan"
    floors = parse_stock_builds(args.stock_build)
    if floors is None:
        return EXIT_BAD_INPUT
    if floors and mode != "plan":
        print("mine2magnet: --stock-build is part of a committed plan: not with --foresight", file=sys.stderr)
        return EXIT_BAD_INPUT
    state = SolveState(on_progress=_progress_printer(args.n))
    common = dict(seed=args.seed, workers=args.workers, scheduler=args.scheduler, options=options)

    def run():
        report = run_risk(project, args.n, state=state, mode=mode, plan=plan, commit_year=args.commit_year,
                          later="reoptimise" if args.reoptimise_later else "plan", stock_floors=floors, **common)
        if args.value_of_information and mode == "plan" and not state.cancel_requested:
            from planner.analysis.risk_report import value_of_information

            print("  perfect-foresight pass on the same samples ...", file=sys.stderr, flush=True)
            hindsight = run_risk(project, args.n, state=state, mode="foresight", **common)
            report.value_of_information = value_of_information(report, hindsight)
        return report

    report, code = run_analysis(state, run)
    if report is None:
        return code
    print("\n".join(risk_summary_lines(report)))
    sampling = report.seconds - report.plan_seconds
    plan_note = f" after {report.plan_seconds:.1f} s solving the plan" if report.plan_seconds else ""
    print(f"\n{report.n_completed} samples in {sampling:.1f} s{plan_note} "
          f"({report.n_completed / max(sampling, 1e-9):.2f} samples/s, "
          f"{where_ran(args.scheduler, report.workers)})")
    code = EXIT_OK if (report.n_failed == 0 and not report.cancelled and report.n_ok > 0) else EXIT_FAILED
    return max(code, write_json(args.json, report.to_json()), risk_csv(args.csv, report))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("risk", help="Monte Carlo over commissioning delays and capex overruns")
    p.add_argument("project")
    p.add_argument("-n", type=whole_number_option(1, 1_000_000), required=True, metavar="N", help="number of samples")
    p.add_argument("--workers", type=whole_number_option(1, 1024), metavar="K",
                   help="worker processes (default: all cores)")
    add_cluster_arguments(p)
    p.add_argument("--seed", type=whole_number_option(0, 2**64 - 1), default=0, metavar="S",
                   help="random seed (default 0)")
    p.add_argument("--scenario", metavar="NAME", help="sample around this scenario instead of the base")
    p.add_argument("--plan", metavar="RESULT_JSON",
                   help="evaluate this plan (solve --json output) instead of the scenario's optimal plan")
    p.add_argument("--commit-year", type=int, metavar="Y",
                   help="decisions up to this year are committed (default: first year)")
    p.add_argument("--reoptimise-later", action="store_true",
                   help="re-decide investments after the commit year per sample (default: they follow the plan)")
    p.add_argument("--foresight", action="store_true",
                   help="PERFECT FORESIGHT: re-plan every sample with hindsight of its delays (the old behaviour)")
    add_stock_build_argument(p)
    p.add_argument("--value-of-information", action="store_true",
                   help="also run perfect foresight on the same samples and report the difference")
    add_solver_arguments(p)
    p.add_argument("--json", metavar="OUT", help="write the full risk report (every sample) as JSON here")
    add_csv_argument(p)
    p.set_defaults(func=cmd_risk)
