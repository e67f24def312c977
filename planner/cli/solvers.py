"""``mine2magnet solvers``: every solver name ``--solver`` understands, and which work here."""

from __future__ import annotations

import argparse

from planner.cli.common import EXIT_OK
from planner.solvers.backends import solver_catalogue


def cmd_solvers(args: argparse.Namespace) -> int:
    rows = solver_catalogue()
    width = max(len(n) for n, _, _ in rows)
    print("Solvers (--solver NAME); 'auto' picks HiGHS when installed, else CBC:")
    for name, how, ok in rows:
        if ok or args.all:
            print(f"  {name.ljust(width)}  {'available    ' if ok else 'not installed'}  {how}")
    if not args.all:
        missing = sum(1 for _, _, ok in rows if not ok)
        print(f"({missing} more interfaces PuLP knows are not installed here; --all lists them)")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("solvers", help="list the solvers --solver accepts and which are installed")
    p.add_argument("--all", action="store_true", help="also list the PuLP interfaces whose solver is not installed")
    p.set_defaults(func=cmd_solvers)
