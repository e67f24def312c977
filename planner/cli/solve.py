"""``mine2magnet solve PROJECT [--scenario NAME] [--solver cbc|highs] [--time-limit S] [--json OUT] [--xlsx OUT]``."""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

from models.io import atomic_write_bytes

from planner.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, add_solver_arguments, check_solver_arguments, load_or_exit
from planner.result import PlanResult
from planner.pipeline.solve import SolveOptions, is_input_error, solve_project



def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.rjust(w) if c[:1].isdigit() or c[:1] == "-" else c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def finite_stock_lines(result: PlanResult) -> list[str]:
    """One line per finite stock: drawn over the horizon and what is left in the last year."""
    by_fac: dict[str, list] = defaultdict(list)
    for r in result.stock_remaining:
        by_fac[r.facility].append(r)
    out = []
    for fid, rows in sorted(by_fac.items()):
        rows.sort(key=lambda r: r.year)
        drawn = sum(r.drawn_t for r in rows)
        out.append(f"{fid}: drew {drawn:,.0f} t in {rows[0].year}-{rows[-1].year}, "
                   f"{rows[-1].remaining_t:,.0f} t left at the end of {rows[-1].year}")
    return out


def format_summary(result: PlanResult) -> str:
    """A planner-readable text summary of a result."""
    lines = [f"Status: {result.status.value} ({result.solver}, scenario {result.scenario}) - {result.message}"]
    lines.append(
        f"Model: {result.n_variables:,} variables, {result.n_constraints:,} constraints; "
        f"build {result.build_seconds:.2f} s, solve {result.solve_seconds:.2f} s"
    )
    if not result.has_plan:
        for c in result.checks:
            if not c.passed:
                lines.append(f"  check failed: {c.name}: {c.max_violation:.3g} {c.detail}")
        return "\n".join(lines)
    b = result.cost_breakdown_musd
    lines.append("")
    lines.append(
        f"Total discounted cost: ${result.total_cost_musd:,.1f}M  (capex {b['capex']:,.1f}, opex {b['opex']:,.1f}, "
        f"transport {b['transport']:,.1f}, purchases {b['purchases']:,.1f})"
    )
    seg = result.unmet_by_segment()
    lines.append(f"Unmet demand over the horizon: defense {seg['defense']:,.1f} t, commercial {seg['commercial']:,.1f} t "
                 "(defense is served first: priority 1 before commercial 2)")
    if "government" in b:
        lines.append(f"Who pays (discounted): government ${b['government']:,.1f}M, industry ${b['industry']:,.1f}M")
    if result.levers:
        lines.append("")
        lines += lever_summary_lines(result)
    lines.append("")
    lines.append("Investments:")
    if result.investments:
        rows = [
            [i.facility, i.option, str(i.decided_year), str(i.online_year),
             str(i.defense_qualified_year if i.defense_qualified_year is not None else i.online_year),
             f"{i.added_tpy:,.0f}", f"{i.capex_musd:,.1f}"]
            for i in sorted(result.investments, key=lambda i: (i.decided_year, i.facility))
        ]
        lines.append(_table(["facility", "option", "decided", "online", "defense from", "added t/yr", "capex $M"], rows))
    else:
        lines.append("  none")
    unmet: dict[tuple[str, str, int], float] = defaultdict(float)
    demand: dict[tuple[str, str, int], float] = defaultdict(float)
    for r in result.demand:
        unmet[(r.product, r.segment, r.year)] += r.unmet
        demand[(r.product, r.segment, r.year)] += r.demand
    lines.append("")
    lines.append("Demand met (t):")
    rows = [
        [p, s, str(y), f"{demand[(p, s, y)]:,.1f}", f"{demand[(p, s, y)] - u:,.1f}", f"{u:,.1f}"]
        for (p, s, y), u in sorted(unmet.items())
    ]
    lines.append(_table(["product", "segment", "year", "demand", "delivered", "unmet"], rows))
    if result.qualification:
        lines.append("")
        lines.append("Defense qualification (years from first output until defense may buy):")
        for q in result.qualification:
            since = f"existing capacity qualified from {q.qualified_from}" if q.qualified_from else "no existing capacity"
            first = f"first defense delivery {q.first_defense_year}" if q.first_defense_year else "no defense delivery"
            lines.append(f"  {q.facility} ({q.product}): lag {q.lag_years} yr, {since}; {first}")
    if result.stock_remaining:
        lines.append("")
        lines.append("Finite stocks (t TREO):")
        lines += [f"  {line}" for line in finite_stock_lines(result)]
    if result.limiting:
        lines.append("")
        lines.append("What limits supply:")
        lines += [f"  {x}" for x in result.limiting]
    if result.marginal_costs:
        lines.append("")
        lines.append("Marginal cost of one more tonne ($/t, money of that year):")
        rows = [[m.product, m.segment, str(m.year),
                 (m.note or "unmet: no compliant supply reachable") if m.no_supply else f"{m.usd_per_t:,.0f}"]
                for m in result.marginal_costs]
        lines.append(_table(["product", "segment", "year", "$/t"], rows))
        if any(m.no_supply for m in result.marginal_costs):
            lines.append("  (there the dual is the unmet penalty, a setting, not a price)")
    if result.bottlenecks:
        lines.append("")
        lines.append("Binding capacities (value of one more t/yr, $/t):")
        ordered = sorted(result.bottlenecks, key=lambda b: (b.penalty_bound, -b.shadow_usd_per_t, b.year, b.facility))
        rows = [[b.facility, str(b.year), "limits unmet supply" if b.penalty_bound else f"{b.shadow_usd_per_t:,.0f}"]
                for b in ordered[:10]]
        lines.append(_table(["facility", "year", "$/t"], rows))
    return "\n".join(lines)


def lever_summary_lines(result: PlanResult) -> list[str]:
    """One line per contract or lever: kind, id, years, tonnes and $M (undiscounted sums), payer."""
    groups: dict[tuple[str, str, str, str], list] = {}
    for r in result.levers:
        g = groups.setdefault((r.kind, r.lever_id, r.facility, r.payer), [r.year, r.year, 0.0, 0.0])
        g[0], g[1] = min(g[0], r.year), max(g[1], r.year)
        g[2] += r.tonnes
        g[3] += r.cost_musd
    rows = [[kind, lid, fac, f"{y0}-{y1}" if y1 > y0 else str(y0), f"{t:,.1f}", f"{c:,.1f}", payer]
            for (kind, lid, fac, payer), (y0, y1, t, c) in sorted(groups.items())]
    return ["Contracts and levers (sums over years; $M of each year, undiscounted):",
            _table(["kind", "lever", "facility", "years", "tonnes", "$M", "payer"], rows)]


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
    return EXIT_OK


def write_model_files(args: argparse.Namespace, project) -> int | None:
    """--write-mps / --write-lp: the exact model about to be solved, with readable names.
    Returns an exit code when writing failed, None when all went well (or nothing was asked)."""
    targets = [(path, fmt) for path, fmt in ((args.write_mps, "mps"), (args.write_lp, "lp")) if path]
    if not targets:
        return None
    from planner.pipeline.open_model import ModelBuildError, write_model_file

    for path, fmt in targets:
        try:
            write_model_file(project, path, fmt, scenario=args.scenario, relax_integers=args.relax)
        except ModelBuildError as e:
            print(f"mine2magnet: cannot write the model: {e}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except OSError as e:
            print(f"mine2magnet: cannot write {path}: {e.strerror or e}", file=sys.stderr)
            return EXIT_FAILED
        print(f"wrote {path} ({fmt.upper()})")
    return None


def cmd_solve(args: argparse.Namespace) -> int:

    project = load_or_exit(args.project)
    bad = check_solver_arguments(args, project)
    if bad is not None:
        return bad
    options = SolveOptions(scenario=args.scenario, solver=args.solver, time_limit_s=args.time_limit, relax_integers=args.relax)
    written = write_model_files(args, project)
    if written is not None:
        return written
    result = solve_project(project, options)
    print(format_summary(result))
    if is_input_error(result):
        return EXIT_BAD_INPUT
    if not result.has_plan:
        if args.json:
            write_outputs(argparse.Namespace(json=args.json, xlsx=None), project, result)
        return EXIT_FAILED
    code = write_outputs(args, project, result)
    return code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("solve", help="solve a project and print the plan")
    p.add_argument("project")
    p.add_argument("--scenario", metavar="NAME", help="scenario id or name (default: base)")
    add_solver_arguments(p)
    p.add_argument("--json", metavar="OUT", help="write the result JSON here")
    p.add_argument("--xlsx", metavar="OUT", help="write the Excel plan workbook here")
    p.add_argument("--write-mps", metavar="FILE", help="write the model that is solved as MPS (readable names)")
    p.add_argument("--write-lp", metavar="FILE", help="write the model that is solved as CPLEX-LP (readable names)")
    p.set_defaults(func=cmd_solve)
