"""``mine2magnet scenarios PROJECT [--json OUT] [--xlsx OUT] [--solver ...] [--time-limit S]``.

Solves the base project and every scenario and prints them side by side. Exit codes
(docs/command_line.md): 0 when every scenario has a plan (even with unmet demand, which the table shows),
1 when any scenario is infeasible or failed or an output file cannot be written, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from models.io import atomic_write_bytes
from models.wording import count
from planner.analysis.comparison import compare
from planner.analysis.scenarios import solve_scenarios
from planner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    add_solver_arguments,
    check_solver_arguments,
    load_or_exit,
)
from planner.cli.csv_output import add_csv_argument, scenarios_csv
from planner.pipeline.build_sequence import is_input_error
from planner.pipeline.solve import SolveOptions
from planner.progress import SolveState
from planner.reports.text import comparison_table


def _progress_printer():
    last = {"msg": ""}

    def on_progress(fraction: float, message: str) -> None:
        head = message.split(":", 1)[0]
        if head != last["msg"] and head.endswith(")"):
            last["msg"] = head
            print(f"  solving {head} ...", file=sys.stderr, flush=True)

    return on_progress


def cmd_scenarios(args: argparse.Namespace) -> int:

    project = load_or_exit(args.project)
    bad = check_solver_arguments(args, project)
    if bad is not None:
        return bad
    options = SolveOptions(solver=args.solver, time_limit_s=args.time_limit, relax_integers=args.relax)
    results = solve_scenarios(project, options, SolveState(on_progress=_progress_printer()))
    cmp = compare(results, year=project.settings.compliance_start_year, project=project)
    names = {s.id: (s.name or s.id) for s in project.scenarios}
    print(f"{project.name}: base and {count(len(results) - 1, 'scenario')}; "
          f"costs discounted to {project.settings.base_year}")
    print("\n".join(comparison_table(cmp, names)))
    from planner.analysis.shortfall_value import value_of_lost_supply, voll_source

    voll = ", ".join(f"{p} ${v:,.0f}/t" for p, v in value_of_lost_supply(project).items() if v is not None)
    print(f"Ranked by defense shortfall, then commercial shortfall, then contracted volume short, then net cost "
          f"(best first: "
          f"{', '.join(cmp.ranking)}). Value of lost supply: {voll or 'none'} ({voll_source(project)}).")
    code = EXIT_OK if all(r.has_plan for r in results.values()) else EXIT_FAILED
    if all(is_input_error(r) for r in results.values()):
        code = EXIT_BAD_INPUT  # the project (or every scenario of it) does not validate
    if args.json:
        data = {
            "project": project.name,
            "comparison": cmp.to_dict(),
            "results": {sid: r.to_dict() for sid, r in results.items()},
        }
        try:
            atomic_write_bytes(args.json, (json.dumps(data, indent=2, allow_nan=False) + "\n").encode("utf-8"),
                               keep_backup=False)
            print(f"wrote {args.json}")
        except OSError as e:
            print(f"mine2magnet: cannot write {args.json}: {e.strerror or e}", file=sys.stderr)
            code = max(code, EXIT_FAILED)
    code = max(code, scenarios_csv(args.csv, project, results))
    if args.xlsx:
        try:
            from planner.reports.xlsx import ReportWriteError, write_scenarios_workbook
        except ImportError as e:
            print(f"mine2magnet: cannot write {args.xlsx}: the Excel scenario report is not available ({e})",
                  file=sys.stderr)
            return max(code, EXIT_FAILED)
        try:
            write_scenarios_workbook(args.xlsx, project, results)
            print(f"wrote {args.xlsx}")
        except (ReportWriteError, OSError, ValueError) as e:
            print(f"mine2magnet: {e}", file=sys.stderr)
            code = max(code, EXIT_FAILED)
    return code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenarios", help="solve the base project and every scenario, side by side")
    p.add_argument("project")
    add_solver_arguments(p)
    p.add_argument("--json", metavar="OUT", help="write the comparison and every result as JSON here")
    p.add_argument("--xlsx", metavar="OUT", help="write the Excel scenario workbook here")
    add_csv_argument(p)
    p.set_defaults(func=cmd_scenarios)
