"""The ``mine2magnet`` command line: gui, validate, solve, scenarios, risk, robust, sweep.

Exit codes: 0 success (a plan was found, even with unmet demand), 1 solve infeasible or failed,
2 bad input (unreadable/invalid project, unknown scenario, bad option). Bad input never prints
a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from planner.cli import risk as cli_risk
from planner.cli import robust as cli_robust
from planner.cli import scenarios as cli_scenarios
from planner.cli import solve as cli_solve
from planner.cli import solvers as cli_solvers
from planner.cli import stress as cli_stress
from planner.cli import sweep as cli_sweep
from planner.cli.cluster import insecure_warning, scheduler_problem
from planner.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, Parser, load_or_exit, pipe_safe_output
from planner.cli.paths import output_path_problem


def cmd_validate(args: argparse.Namespace) -> int:
    """Exit 0 when valid; exit 2 with one line per problem otherwise. Warnings go to stderr."""
    project = load_or_exit(args.project)
    from models.validation import validate_project

    warnings = [p for p in validate_project(project) if p.severity == "warning"]
    for w in warnings:
        print(f"{args.project}: warning: {w.named(project)}", file=sys.stderr)
    print(f"{args.project}: valid ({len(project.facilities)} facilities, {len(project.routes)} routes, "
          f"{len(project.markets)} markets, {len(project.demands)} demands, {len(project.platforms)} platforms, "
          f"{len(project.scenarios)} scenarios)")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    """Start the desktop app through the runner the ``mine2magnet`` entry point (ui.shell.cli) passes in;
    planner never imports Qt itself."""
    if args.gui is None:
        print("mine2magnet: the desktop app is started with the `mine2magnet` command (ui.shell.cli)", file=sys.stderr)
        return EXIT_FAILED
    return int(args.gui(args.project))


def version() -> str:
    """The installed package's version (pyproject.toml), or "unknown" when run from a bare tree."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("mine2magnet")
    except PackageNotFoundError:
        return "unknown"


def subcommands(parser: argparse.ArgumentParser) -> list[str]:
    """The subcommand names the parser knows (gui, validate, solve, ...)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="mine2magnet", description="Plan a China-free rare-earth mine-to-magnet supply chain.")
    parser.add_argument("--version", action="version", version=f"mine2magnet {version()}")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    p = sub.add_parser("gui", help="open the desktop app")
    p.add_argument("project", nargs="?", help="project file to open")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("validate", help="check a project file")
    p.add_argument("project")
    p.set_defaults(func=cmd_validate)

    for module in (cli_solve, cli_scenarios, cli_risk, cli_robust, cli_stress, cli_sweep, cli_solvers):
        module.register(sub)
    return parser


def _looks_like_a_file(arg: str) -> bool:
    """An existing path, or a name with a folder or an extension (``plan.m2m.json``): a project
    file to open. A bare word such as ``sovle`` is a mistyped command instead."""
    import os

    return os.path.exists(arg) or os.sep in arg or "/" in arg or "." in arg


def main(argv: list[str] | None = None, gui: Callable[[str | None], int] | None = None,
         brief_pdf: Callable[..., str | None] | None = None) -> int:
    """Run the command line. ``gui`` starts the desktop app and ``brief_pdf(path, project, result)``
    writes the decision brief's PDF (returns an error message or None); both are given by
    ui.shell.cli, since only ui draws with Qt, and absent here."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    known = set(subcommands(parser))
    if argv and argv[0] not in known and not argv[0].startswith("-") and not _looks_like_a_file(argv[0]):
        import difflib

        close = difflib.get_close_matches(argv[0], sorted(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        print(f"mine2magnet: unknown command '{argv[0]}'{hint}. Commands: {', '.join(sorted(known))}; "
              "or give a project file to open it in the app. See mine2magnet --help.", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not argv or (argv[0] not in known and not argv[0].startswith("-")):
        argv = ["gui", *argv]  # `mine2magnet [PROJECT]` opens the app
    args = parser.parse_args(argv)
    args.gui = gui
    args.brief_pdf = brief_pdf
    problem = output_path_problem(args)
    if problem is None and getattr(args, "scheduler", None) is not None:
        problem = scheduler_problem(args.scheduler, getattr(args, "insecure", False))
        warning = None if problem else insecure_warning(args.scheduler, getattr(args, "insecure", False))
        if warning:
            print(warning, file=sys.stderr)
    if problem is not None:
        print(f"mine2magnet: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        with pipe_safe_output():  # a closed stdout (`| head`) never stops the output files being written
            return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("mine2magnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
