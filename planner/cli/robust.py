"""``mine2magnet robust PROJECT -n K [--scenario S] [--target P] [--year Y] [--eval N] [--seed S]
[--workers W] [--scheduler ADDRESS] [--n1-secure Y[-Y] [--n1-elements IDS] [--n1-countries]]
[--json OUT] [--xlsx OUT] [--time-limit S]``.

Plans against delay risk: the robust (two-stage SAA) investment plan over K sampled futures, and
the deterministic plan, both evaluated out of sample on the same N fresh futures; prints P(defense
met) and the expected defense shortfall per product and year side by side, cost P10/P50/P90 and the
hedge: investments (capex, payer) and the stock build the plan holds in a government stockpile
before any event is revealed (tonnes, purchase and holding cost, payer). Exit codes: 0 a robust plan was found and
evaluated; 1 no robust plan (infeasible target, time limit), failed evaluation samples, interrupted,
or a failed write; 2 bad input.
"""

from __future__ import annotations

import argparse
import sys

from planner.analysis.robust import run_robust
from planner.cli.cluster import add_cluster_arguments
from planner.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    add_solver_arguments,
    check_solver_arguments,
    load_or_exit,
    probability_option,
    whole_number_option,
)
from planner.cli.csv_output import add_csv_argument, robust_csv
from planner.cli.outputs import run_analysis, write_json, write_workbook
from planner.pipeline.solve import SolveOptions
from planner.progress import SolveState
from planner.reports.text import robust_lines


def cmd_robust(args: argparse.Namespace) -> int:
    project = load_or_exit(args.project)
    if args.solver == "cbc":
        print("mine2magnet: robust plans need HiGHS (--solver highs or auto)", file=sys.stderr)
        return EXIT_BAD_INPUT
    bad = check_solver_arguments(args, project)
    if bad is not None:
        return bad
    last = {"msg": ""}

    def on_progress(fraction: float, message: str) -> None:
        head = message.split(":")[0]
        if head != last["msg"] or fraction >= 1.0:
            last["msg"] = head
            print(f"  {message}", file=sys.stderr, flush=True)

    state = SolveState(on_progress=on_progress)
    options = SolveOptions(scenario=args.scenario, solver="highs", time_limit_s=args.time_limit)
    elements = [e.strip() for e in args.n1_elements.split(",") if e.strip()] if args.n1_elements else None
    rep, code = run_analysis(state, lambda: run_robust(
        project, args.n, target=args.target, year=args.year, n_eval=args.eval, seed=args.seed,
        workers=args.workers, scheduler=args.scheduler, options=options, state=state, n1_years=args.n1_secure,
        n1_elements=elements, n1_countries=args.n1_countries, n1_outage_years=args.n1_outage))
    if rep is None:
        return code
    print("\n".join(robust_lines(rep)))
    print(f"\n{rep.seconds:.1f} s in total")
    ok = rep.has_plan and rep.robust_eval is not None and rep.deterministic_eval is not None \
        and rep.robust_eval.n_failed == 0 and rep.deterministic_eval.n_failed == 0
    code = EXIT_OK if ok else EXIT_FAILED

    def workbook() -> None:
        from planner.reports.robust_xlsx import write_robust_workbook

        write_robust_workbook(rep, args.xlsx)

    code = max(code, write_json(args.json, rep.to_json()), write_workbook(args.xlsx, workbook))
    return max(code, robust_csv(args.csv, rep))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("robust", help="the robust investment plan against delay risk (two-stage SAA)")
    p.add_argument("project")
    p.add_argument("-n", type=whole_number_option(0, 1_000), required=True, metavar="K",
                   help="sampled futures the plan must hold up in (0 with --n1-secure: the forecast future alone)")
    p.add_argument("--scenario", metavar="NAME", help="plan around this scenario instead of the base")
    p.add_argument("--target", type=probability_option, metavar="P",
                   help="require P(all defense demand met in --year) >= P on the K futures")
    p.add_argument("--year", type=whole_number_option(1900, 2200), metavar="Y",
                   help="target year (default: the compliance start year)")
    p.add_argument("--eval", type=whole_number_option(1, 1_000_000), default=200, metavar="N",
                   help="fresh futures for the out-of-sample comparison (default 200)")
    p.add_argument("--seed", type=whole_number_option(0, 2**64 - 1), default=0, metavar="S",
                   help="planning futures use seed S, evaluation S + 1")
    p.add_argument("--workers", type=whole_number_option(1, 1024), metavar="W",
                   help="worker processes for the evaluation (default: all cores)")
    add_cluster_arguments(p)
    from planner.cli.stress import parse_years

    p.add_argument("--n1-secure", type=parse_years, metavar="Y[-Y]",
                   help="N-1 secure: defense demand met in these years with any one critical element out "
                        "(the deterministic plan's single points of failure, from the stress test)")
    p.add_argument("--n1-elements", metavar="IDS",
                   help="with --n1-secure: exactly these elements, e.g. facility:lcm,country:GB")
    p.add_argument("--n1-countries", action="store_true", help="with --n1-secure: countries count as elements too")
    p.add_argument("--n1-outage", type=parse_years, metavar="Y[-Y]",
                   help="with --n1-secure: the years each element is out (default: the secured years), e.g. out "
                        "2026-2028 while defense must be whole in 2027-2028")
    add_solver_arguments(p)
    p.add_argument("--json", metavar="OUT", help="write the comparison as JSON here")
    p.add_argument("--xlsx", metavar="OUT", help="write the comparison workbook here")
    add_csv_argument(p)
    p.set_defaults(func=cmd_robust)
