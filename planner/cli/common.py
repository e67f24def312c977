"""Plumbing shared by every subcommand: exit codes, the argument parser, loading a project or
exiting with its located problems, and the solver options (checked in one place)."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys

from models import ProjectFileError, load_project
from planner.pipeline.solve import resolve_solver

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class PipeSafeStream:
    """A text stream that survives its reader going away (``solve ... | head``).

    The first BrokenPipeError points the file descriptor at the null device and drops all further
    output, so the command still writes its --json/--xlsx files and returns its own exit code.
    """

    def __init__(self, stream):
        self._stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._silence()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._silence()

    def _silence(self) -> None:
        self.broken = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def pipe_safe_output():
    """stdout and stderr as PipeSafeStream while a command runs (restored afterwards)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PipeSafeStream(sys.stdout), PipeSafeStream(sys.stderr)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.stdout, sys.stderr = saved


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code is 2 too; keep the message short
        self.print_usage(sys.stderr)
        print(f"mine2magnet: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def load_or_exit(path: str):
    try:
        return load_project(path)
    except ProjectFileError as e:
        for line in e.lines:  # by the thing's name and the field's label (models.problem_names)
            print(f"{e.path}: {line}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None


MAX_TIME_LIMIT_S = 86_400  # as models.project.Settings.time_limit_s


def _shown(text: str) -> str:
    return repr(text if len(text) <= 20 else text[:12] + "...")


def seconds_option(text: str) -> float:
    """argparse type of --time-limit: a finite number of seconds in (0, 86400]; nan/inf refused."""
    try:
        value = float(text) if len(text) <= 40 else math.nan
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_TIME_LIMIT_S):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds > 0 and <= {MAX_TIME_LIMIT_S} (got "
                                         f"{_shown(text)})")
    return value


def probability_option(text: str) -> float:
    """argparse type of a probability: a finite number in [0, 1] (nan refused)."""
    try:
        value = float(text) if len(text) <= 40 else math.nan
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise argparse.ArgumentTypeError(f"must be a probability from 0 to 1 (got {_shown(text)})")
    return value


def whole_number_option(lo: int, hi: int):
    """argparse type: a whole number in [lo, hi] (no 1e3, no nan, no 5000-digit numbers)."""

    def parse(text: str) -> int:
        try:
            value = int(text) if len(text.strip()) <= 25 else None
        except ValueError:
            value = None
        if value is None or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be a whole number from {lo} to {hi} (got {_shown(text)})")
        return value

    return parse


def add_solver_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by solve, scenarios and risk."""
    p.add_argument("--solver", default="auto", metavar="NAME",
                   help="auto (default: HiGHS if installed, else CBC), highs, cbc, or any solver PuLP finds here "
                        "(e.g. GLPK_CMD or glpk, SCIP_CMD, GUROBI, CPLEX_CMD); `mine2magnet solvers` lists them")
    p.add_argument("--time-limit", type=seconds_option, metavar="S",
                   help="seconds per solve (default: the project's setting)")
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
    if problem is None and scenario is not None and not scenario.strip():
        problem = "--scenario: no scenario name given (leave the option out for the base)"
    elif problem is None and scenario and scenario != "base":
        try:
            project.scenario(scenario)
        except KeyError:
            known = ", ".join(s.id for s in project.scenarios) or "none"
            problem = f"unknown scenario {scenario!r} (known: {known})"
    if problem is None:
        return None
    print(f"mine2magnet: {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT
