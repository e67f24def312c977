"""Plumbing shared by every subcommand: exit codes, the argument parser, loading a project or
exiting with its located problems, and the solver options (checked in one place)."""

from __future__ import annotations

import argparse
import sys

from models import ProjectFileError, load_project
from planner.pipeline.solve import resolve_solver

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code is 2 too; keep the message short
        self.print_usage(sys.stderr)
        print(f"mine2magnet: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def load_or_exit(path: str):
    try:
        return load_project(path)
    except ProjectFileError as e:
        for p in e.problems:
            print(f"{e.path}: {p}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None


def add_solver_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by solve, scenarios and risk."""
    p.add_argument("--solver", default="auto", metavar="NAME",
                   help="auto (default: HiGHS if installed, else CBC), highs, cbc, or any solver PuLP finds here "
                        "(e.g. GLPK_CMD or glpk, SCIP_CMD, GUROBI, CPLEX_CMD); `mine2magnet solvers` lists them")
    p.add_argument("--time-limit", type=float, metavar="S", help="seconds per solve (default: the project's setting)")
    p.add_argument("--relax", action="store_true", help="solve the LP relaxation (no yes/no build decisions)")


def check_solver_arguments(args: argparse.Namespace, project) -> int | None:
    """Shared checks of --time-limit, --solver and --scenario (when the command has one).

    Prints the problem and returns EXIT_BAD_INPUT, or returns None when all is well.
    """
    problem = None
    if args.time_limit is not None and args.time_limit <= 0:
        problem = "--time-limit must be > 0"
    else:
        try:
            resolve_solver(args.solver)
        except ValueError as e:
            problem = str(e)
    scenario = getattr(args, "scenario", None)
    if problem is None and scenario and scenario != "base":
        try:
            project.scenario(scenario)
        except KeyError:
            known = ", ".join(s.id for s in project.scenarios) or "none"
            problem = f"unknown scenario {scenario!r} (known: {known})"
    if problem is None:
        return None
    print(f"mine2magnet: {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT
