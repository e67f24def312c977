"""``mine2magnet stress PROJECT [--scenario NAME] [--years 2026-2028] [--workers K] [--scheduler ADDRESS]
[--plan RESULT_JSON] [--json OUT] [--xlsx OUT] [--time-limit S]``.

N-1 stress test (planner.analysis.stress): each facility and each country out for the chosen
years, the plan's investments fixed, operations re-planned defense first; prints the single points
of failure ranked by defense shortfall. Exit codes: 0 every element evaluated; 1 an element
without a plan, cancelled, or a failed write; 2 bad input.
"""

from __future__ import annotations

import argparse
import re
import sys

from planner.analysis.stress import run_stress
from planner.cli.cluster import add_cluster_arguments
from planner.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, load_or_exit, seconds_option, whole_number_option
from planner.cli.outputs import run_analysis, stepped_progress, where_ran, write_json, write_workbook
from planner.pipeline.solve import SolveOptions
from planner.progress import SolveState
from planner.reports.text import stress_lines


def parse_years(text: str) -> list[int]:
    """'2027' or '2026-2028' -> the years; argparse error otherwise."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text or "")
    if not m:
        raise argparse.ArgumentTypeError(f"expected YEAR or FIRST-LAST, e.g. 2026-2028 (got {text!r})")
    a = int(m.group(1))
    b = int(m.group(2) or a)
    if b < a:
        raise argparse.ArgumentTypeError(f"the last year must be >= the first (got {text!r})")
    return list(range(a, b + 1))


def cmd_stress(args: argparse.Namespace) -> int:
    project = load_or_exit(args.project)
    plan = None
    if args.plan:
        from models.io import ProjectFileError
        from models.scenarios import apply_scenario
        from planner.pipeline.plan_file import read_plan_file

        try:  # checked against the project the stress test starts from (the scenario applied)
            plan = read_plan_file(args.plan, apply_scenario(project, args.scenario))
        except (ProjectFileError, KeyError) as e:
            problems = getattr(e, "problems", None) or [str(e.args[0]) if e.args else str(e)]
            for p in problems:
                print(f"{getattr(e, 'path', args.plan)}: {p}", file=sys.stderr)
            return EXIT_BAD_INPUT
    state = SolveState(on_progress=stepped_progress(10))
    options = SolveOptions(scenario=args.scenario, solver="highs", time_limit_s=args.time_limit)
    from planner.cli.risk import parse_stock_builds

    floors = parse_stock_builds(args.stock_build)
    if floors is None:
        return EXIT_BAD_INPUT
    rep, code = run_analysis(state, lambda: run_stress(
        project, years=args.years, plan=plan, workers=args.workers, scheduler=args.scheduler, options=options,
        state=state, stock_floors=floors))
    if rep is None:
        return code
    print("\n".join(stress_lines(rep)))
    print(f"\n{rep.n_screened} elements in {rep.seconds - rep.plan_seconds:.1f} s "
          f"({where_ran(rep.scheduler, rep.workers)})"
          + (f" after {rep.plan_seconds:.1f} s solving the plan" if rep.plan_seconds else ""))
    code = EXIT_OK if (rep.n_failed == 0 and not rep.cancelled) else EXIT_FAILED

    def workbook() -> None:
        from planner.reports.stress_xlsx import write_stress_workbook

        write_stress_workbook(rep, args.xlsx)

    return max(code, write_json(args.json, rep.to_json()), write_workbook(args.xlsx, workbook))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stress", help="N-1 stress test: each facility and country out, defense shortfall ranked")
    p.add_argument("project")
    p.add_argument("--scenario", metavar="NAME", help="stress the plan of this scenario instead of the base")
    p.add_argument("--years", type=parse_years, metavar="Y[-Y]",
                   help="stressed years (default: the compliance year and the two after)")
    p.add_argument("--plan", metavar="RESULT_JSON",
                   help="stress this plan (solve --json output) instead of the scenario's optimal plan")
    from planner.cli.risk import add_stock_build_argument

    add_stock_build_argument(p)
    p.add_argument("--workers", type=whole_number_option(1, 1024), metavar="K",
                   help="worker processes (default: all cores)")
    add_cluster_arguments(p)
    p.add_argument("--time-limit", type=seconds_option, metavar="S",
                   help="seconds per solve (default: the project's setting)")
    p.add_argument("--json", metavar="OUT", help="write the ranking (every element) as JSON here")
    p.add_argument("--xlsx", metavar="OUT", help="write the ranking as a workbook here")
    p.set_defaults(func=cmd_stress)
