"""``mine2magnet sweep PROJECT --vary NAME=LOW:HIGH[:STEPS] ... [--grid] [--workers K] [--scheduler ADDR [--insecure]]
[--scenario NAME] [--json OUT] [--csv DIR] [--xlsx OUT] [--solver ...] [--time-limit S] [--relax]``.

Solves the project at every point of the named inputs (one at a time, or a grid) and prints the
tornado: per input, the change in total cost, government cost and defense coverage in the
compliance year. Exit codes: 0 when every point has a plan; 1 when a point failed, the run was
interrupted or an output cannot be written; 2 for bad input (unreadable project, unknown input or
scenario, bad range, unreachable scheduler).
"""

from __future__ import annotations

import argparse

from planner.analysis.sweep import run_sweep
from planner.analysis.sweep_inputs import SweepInputError, names_help, parse_vary
from planner.cli.cluster import add_cluster_arguments
from planner.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    add_solver_arguments,
    check_solver_arguments,
    load_or_exit,
    whole_number_option,
)
from planner.cli.csv_output import add_csv_argument, write_csv
from planner.cli.outputs import run_analysis, stepped_progress, where_ran, write_json, write_workbook
from planner.pipeline.solve import SolveOptions
from planner.progress import SolveState
from planner.reports.sweep_text import sweep_lines


def _vary(text: str):
    try:
        return parse_vary(text)
    except SweepInputError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def cmd_sweep(args: argparse.Namespace) -> int:
    project = load_or_exit(args.project)
    bad = check_solver_arguments(args, project)
    if bad is not None:
        return bad
    options = SolveOptions(scenario=args.scenario, solver=args.solver, time_limit_s=args.time_limit,
                           relax_integers=args.relax)
    state = SolveState(on_progress=stepped_progress(20))
    report, code = run_analysis(state, lambda: run_sweep(
        project, args.vary, grid=args.grid, workers=args.workers, scheduler=args.scheduler, options=options,
        state=state))
    if report is None:
        return code
    print("\n".join(sweep_lines(report)))
    print(f"\n{len(report.points)} points in {report.seconds:.1f} s ({where_ran(args.scheduler, report.workers)})")
    code = EXIT_OK if report.n_failed == 0 and not report.cancelled else EXIT_FAILED
    code = max(code, write_json(args.json, report.to_json()))
    if args.csv:
        from planner.reports.tables import sweep_tables

        tables, specs = sweep_tables(report)
        code = max(code, write_csv(args.csv, tables, specs, name=f"{project.name} sweep",
                                   description=f"mine2magnet sensitivity sweep of {project.name!r}."))

    def workbook() -> None:
        from planner.reports.sweep_xlsx import write_sweep_workbook

        write_sweep_workbook(args.xlsx, report)

    code = max(code, write_workbook(args.xlsx, workbook))
    return code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="sensitivity sweep of named inputs, with a tornado of cost and coverage")
    p.add_argument("project")
    p.add_argument("--vary", type=_vary, action="append", required=True, metavar="NAME=LOW:HIGH[:STEPS]",
                   help="an input and its range (STEPS values, default 3); repeat for more inputs. Names: "
                        + ", ".join(names_help()))
    p.add_argument("--grid", action="store_true",
                   help="every combination of the inputs' values (default: one at a time)")
    p.add_argument("--workers", type=whole_number_option(1, 1024), metavar="K",
                   help="worker processes (default: all cores)")
    add_cluster_arguments(p)
    p.add_argument("--scenario", metavar="NAME", help="sweep around this scenario instead of the base")
    add_solver_arguments(p)
    p.add_argument("--json", metavar="OUT", help="write every point and the tornado as JSON here")
    add_csv_argument(p)
    p.add_argument("--xlsx", metavar="OUT", help="write the tornado (with a bar chart) and every point as a workbook")
    p.set_defaults(func=cmd_sweep)
