"""``mine2magnet solve PROJECT [--scenario NAME] [--solver cbc|highs] [--time-limit S] [--json OUT] [--xlsx OUT]
[--brief OUT.pdf]``."""

from __future__ import annotations

import argparse
import sys

from models.io import atomic_write_bytes
from planner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    add_solver_arguments,
    check_solver_arguments,
    load_or_exit,
)
from planner.cli.csv_output import add_csv_argument, plan_csv
from planner.pipeline.build_sequence import BuiltModel, is_input_error
from planner.pipeline.solve import SolveOptions, solve_project
from planner.reports.text import format_summary
from planner.result import PlanResult


def write_outputs(args: argparse.Namespace, project, result: PlanResult) -> int:
    """--json and --xlsx; returns EXIT_FAILED (with a message) if a file cannot be written."""
    if getattr(args, "json", None):
        try:
            atomic_write_bytes(args.json, result.to_json().encode("utf-8"), keep_backup=False)
        except OSError as e:
            print(f"mine2magnet: cannot write {args.json}: {e.strerror or e}", file=sys.stderr)
            return EXIT_FAILED
        print(f"wrote {args.json}")
    if getattr(args, "xlsx", None):
        from planner.reports.xlsx import ReportWriteError, write_plan_workbook

        try:
            write_plan_workbook(args.xlsx, project, result)
        except ReportWriteError as e:
            print(f"mine2magnet: {e}", file=sys.stderr)
            return EXIT_FAILED
        print(f"wrote {args.xlsx}")
    if getattr(args, "brief", None):
        writer = getattr(args, "brief_pdf", None)
        if writer is None:
            print("mine2magnet: the PDF brief is drawn by the desktop package; run the `mine2magnet` command",
                  file=sys.stderr)
            return EXIT_FAILED
        problem = writer(args.brief, project, result)
        if problem:
            print(f"mine2magnet: {problem}", file=sys.stderr)
            return EXIT_FAILED
        print(f"wrote {args.brief}")
    return EXIT_OK


def write_model_files(args: argparse.Namespace, project, options: SolveOptions) -> int | BuiltModel | None:
    """--write-mps / --write-lp: the exact model about to be solved, with readable names. Returns
    an exit code when building or writing failed, the built model (which the solve then uses, so it
    is built once) when files were written, None when nothing was asked."""
    targets = [(path, fmt) for path, fmt in ((args.write_mps, "mps"), (args.write_lp, "lp")) if path]
    if not targets:
        return None
    from planner.pipeline.open_model import ModelBuildError, build_model, write_built_model

    try:
        built = build_model(project, options.scenario, options.relax_integers,
                            capacity_shares=options.capacity_shares, defense_weight=options.defense_weight)
    except ModelBuildError as e:
        print(f"mine2magnet: cannot write the model: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for path, fmt in targets:
        try:
            write_built_model(built, path, fmt)
        except OSError as e:
            print(f"mine2magnet: cannot write {path}: {e.strerror or e}", file=sys.stderr)
            return EXIT_FAILED
        print(f"wrote {path} ({fmt.upper()})")
    return built


def cmd_solve(args: argparse.Namespace) -> int:
    project = load_or_exit(args.project)
    bad = check_solver_arguments(args, project)
    if bad is not None:
        return bad
    options = SolveOptions(scenario=args.scenario, solver=args.solver, time_limit_s=args.time_limit,
                           relax_integers=args.relax, explain_infeasible=True)
    written = write_model_files(args, project, options)
    if isinstance(written, int):
        return written
    result = solve_project(project, options, built=written)
    print(format_summary(result))
    if is_input_error(result):
        return EXIT_BAD_INPUT
    if not result.has_plan:
        if args.json:
            write_outputs(argparse.Namespace(json=args.json, xlsx=None), project, result)
        return EXIT_FAILED
    code = write_outputs(args, project, result)
    return max(code, plan_csv(getattr(args, "csv", None), project, result))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("solve", help="solve a project and print the plan")
    p.add_argument("project")
    p.add_argument("--scenario", metavar="NAME", help="scenario id or name (default: base)")
    add_solver_arguments(p)
    p.add_argument("--json", metavar="OUT", help="write the result JSON here")
    p.add_argument("--xlsx", metavar="OUT", help="write the Excel plan workbook here")
    p.add_argument("--brief", metavar="OUT.pdf", help="write the one-page decision brief (PDF) here")
    add_csv_argument(p)
    p.add_argument("--write-mps", metavar="FILE", help="write the model that is solved as MPS (readable names)")
    p.add_argument("--write-lp", metavar="FILE", help="write the model that is solved as CPLEX-LP (readable names)")
    p.set_defaults(func=cmd_solve)
