"""Text reports printed by the command line, beside the workbook.

Pure functions from a result to lines of text, no solver: ``format_summary`` (``mine2magnet
solve``), ``comparison_table`` (``scenarios``), ``risk_summary_lines`` (``risk``) and
``robust_lines`` (``robust``) and ``stress_lines`` (``stress``). Costs in $M (discounted unless a line
says otherwise), tonnes in t.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from planner.analysis.comparison import ScenarioComparison
from planner.analysis.plan_ranking import RANK_RULE, PlanStanding, ranking_lines, robust_ranking
from planner.reports import figures, markets_text
from planner.result import NO_DEFENSE_DATE, PlanResult

# A RiskReport (planner.analysis.risk_report) and a RobustReport (planner.analysis.robust) are read
# by attribute: importing those modules would reach the solvers (contract: the reports never do).
RiskReport = RobustReport = StressReport = Any


# ----------------------------------------------------------------------------- one plan (solve)
def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.rjust(w) if c[:1].isdigit() or c[:1] == "-" else c.ljust(w) for c, w in zip(r, widths))
            for r in rows]
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


def relaxation_lines(options: list) -> list[str]:
    """The smallest relaxations of an infeasible plan (PlanResult.relaxations, planner.pipeline.relax):
    the combined answer, then "or" alternatives (each alone makes a plan possible)."""
    if not options:
        return []
    first, rest = options[0], options[1:]
    lines = ["To make a plan possible, the smallest change" + ("s" if len(first.changes) != 1 else "") + ":"]
    lines += [f"  {c.text}" for c in first.changes]
    for o in rest:
        lines.append(f"or, changing only {o.scope}:")
        lines += [f"  {c.text}" for c in o.changes]
    return lines


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
        lines += relaxation_lines(result.relaxations)
        return "\n".join(lines)
    b = result.cost_breakdown_musd
    lines.append("")
    lines.append(
        f"Total discounted cost: ${result.total_cost_musd:,.1f}M  (capex {b['capex']:,.1f}, opex {b['opex']:,.1f}, "
        f"transport {b['transport']:,.1f}, purchases {b['purchases']:,.1f})"
    )
    lines += markets_text.cost_lines(result)
    seg = result.unmet_by_segment()
    lines.append(f"Unmet demand over the horizon: defense {seg['defense']:,.1f} t, "
                 f"commercial {seg['commercial']:,.1f} t "
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
             str(i.defense_qualified_year) if i.defense_qualified_year is not None else NO_DEFENSE_DATE,
             f"{i.added_tpy:,.0f}", f"{i.capex_musd:,.1f}"]
            for i in sorted(result.investments, key=lambda i: (i.decided_year, i.facility))
        ]
        lines.append(_table(["facility", "option", "decided", "online", "defense from", "added t/yr", "capex $M"],
                            rows))
    else:
        lines.append("  none")
    lines.append("")
    lines.append("Demand met (t):")
    rows = [[r.product, r.segment, str(r.year), f"{r.demand:,.1f}", f"{r.demand - r.unmet:,.1f}", f"{r.unmet:,.1f}"]
            for r in figures.supply_by_segment(result)]
    lines.append(_table(["product", "segment", "year", "demand", "delivered", "unmet"], rows))
    for block in (markets_text.sales_lines(result, _table), markets_text.calibration_lines(result, _table)):
        if block:
            lines += ["", *block]
    if result.qualification:
        lines.append("")
        lines.append("Defense qualification (years from first output until defense may buy):")
        for q in result.qualification:
            since = (f"existing capacity qualified from {q.qualified_from}" if q.qualified_from
                     else "no existing capacity")
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
    rows = []
    for x in sorted(figures.lever_totals(result), key=lambda x: (x.kind, x.lever_id, x.facility, x.payer)):
        years = sorted(set(x.cost_by_year) | set(x.tonnes_by_year))
        span = f"{years[0]}-{years[-1]}" if years[-1] > years[0] else str(years[0])
        rows.append([x.kind, x.lever_id, x.facility, span, f"{x.tonnes:,.1f}", f"{x.total_musd:,.1f}", x.payer])
    return ["Contracts and levers (sums over years; $M of each year, undiscounted):",
            _table(["kind", "lever", "facility", "years", "tonnes", "$M", "payer"], rows)]


# ----------------------------------------------------------------------------- scenarios side by side
def _fmt(v: float | None, spec: str = ",.1f") -> str:
    return "-" if v is None else format(v, spec)


def comparison_table(cmp: ScenarioComparison, names: dict[str, str] | None = None) -> list[str]:
    """A readable side-by-side text table (one column per scenario id; ``names`` adds a legend)."""
    names = names or {}
    ids = cmp.ids
    rows: list[tuple[str, list[str]]] = [
        ("status", [s.status for s in cmp.scenarios]),
        ("rank (defense, commercial, contract short; cost)",
         [str(s.rank) if s.has_plan else "-" for s in cmp.scenarios]),
        ("total cost, $M (disc.)", [_fmt(s.total_cost_musd) for s in cmp.scenarios]),
        ("  of which capex, $M", [_fmt(s.capex_musd) for s in cmp.scenarios]),
        ("revenue from outside buyers, $M", [_fmt(s.revenue_musd) for s in cmp.scenarios]),
        ("net cost, $M", [_fmt(s.net_cost_musd) for s in cmp.scenarios]),
        ("lost supply at value of lost supply, $M", [_fmt(s.shortfall_value_musd) for s in cmp.scenarios]),
        ("cost incl. lost supply, $M", [_fmt(s.cost_incl_shortfall_musd) for s in cmp.scenarios]),
        ("unmet demand, t (all years)", [_fmt(s.unmet_total_t) if s.has_plan else "-" for s in cmp.scenarios]),
        ("  of which defense, t",
         [_fmt(s.unmet_by_segment_t.get("defense")) if s.has_plan else "-" for s in cmp.scenarios]),
        ("  of which commercial, t", [_fmt(s.unmet_by_segment_t.get("commercial")) if s.has_plan else "-"
                                      for s in cmp.scenarios]),
        ("contracted volume short (offtakes, reserved sales), t", [_fmt(s.contract_shortfall_t) if s.has_plan else "-"
                                                                  for s in cmp.scenarios]),
    ]
    products = sorted({p for s in cmp.scenarios for p in s.compliant_share}
                      | {p for s in cmp.scenarios for p in s.unmet_t})
    for p in products:
        rows.append((f"{p}: clean share {cmp.year}", [
            f"{s.compliant_share[p]:.1%}" if p in s.compliant_share else "-" for s in cmp.scenarios
        ]))
        years = sorted({y for s in cmp.scenarios for y, t in s.unmet_t.get(p, {}).items() if t > 1e-6})
        for y in years:
            rows.append((f"{p}: unmet {y}, t", [
                _fmt(s.unmet_t.get(p, {}).get(y)) if s.has_plan else "-" for s in cmp.scenarios
            ]))
            rows.append(("  of which defense, t", [
                _fmt(s.defense_unmet_t.get(p, {}).get(y, 0.0)) if s.has_plan else "-" for s in cmp.scenarios
            ]))
    if cmp.investment_diffs:
        rows.append(("investments that differ:", ["" for _ in ids]))
        for d in cmp.investment_diffs:
            cells = []
            for sid in ids:
                if sid not in d.by_scenario:
                    cells.append("-")
                else:
                    c = d.by_scenario[sid]
                    cells.append("not built" if c is None else f"{c.added_tpy:,.0f} t/yr @{c.decided_year}")
            rows.append((f"  {d.facility}/{d.option}", cells))
    headers = list(ids)
    label_w = max(len(r[0]) for r in rows)
    widths = [max(len(h), *(len(r[1][k]) for r in rows)) for k, h in enumerate(headers)]
    out = [" " * label_w + "  " + "  ".join(h.rjust(w) for h, w in zip(headers, widths))]
    out.append("-" * len(out[0]))
    for label, cells in rows:
        out.append(label.ljust(label_w) + "  " + "  ".join(c.rjust(w) for c, w in zip(cells, widths)))
    if cmp.common_investments:
        out.append("")
        out.append("Built the same way in every scenario: " + ", ".join(f"{f}/{o}" for f, o in cmp.common_investments))
    legend = [f"  {sid}: {names[sid]}" for sid in ids if names.get(sid) and names[sid] != sid]
    if legend:
        out += ["", "Scenarios:", *legend]
    for s in cmp.scenarios:
        if not s.has_plan:
            out.append(f"{s.scenario}: {s.message}")
    return out


# ----------------------------------------------------------------------------- Monte Carlo risk
def risk_summary_lines(report: RiskReport, top: int = 8) -> list[str]:
    """The readable summary printed by ``mine2magnet risk`` (and shown in the GUI)."""
    y = report.target_year
    lines = [
        f"Monte Carlo risk for {report.project!r}: {report.n_completed}/{report.n_requested} samples "
        f"(seed {report.seed}), {report.n_ok} with a plan, {report.n_failed} without a plan"
        + (" (counted as not met)" if report.n_failed else "")
        + (" -- CANCELLED" if report.cancelled else ""),
        f"Mode: {report.mode_label}",
    ]
    if report.mode == "plan" and report.plan:
        cost = f" (deterministic cost {report.plan_cost_musd:,.1f} $M)" if report.plan_cost_musd is not None else ""
        lines.append(f"Plan evaluated{cost}: " + ", ".join(f"{o} {y} {t:,.0f} t/yr" for o, y, t in report.plan[:12])
                     + (f" ... and {len(report.plan) - 12} more" if len(report.plan) > 12 else ""))
    if report.mode == "plan" and getattr(report, "stock_floors", None):
        lines.append("Stock build held by the plan's own operations (a soft commitment, defense first): "
                     + ", ".join(f"{sid} {t:,.1f} t at the end of {y}" for sid, y, t in report.stock_floors))
    if report.n_completed == 0:
        lines.append("No sample finished; nothing to aggregate.")
    else:
        lines.append("")
        over = (f" (over all {report.n_completed} samples; the {report.n_failed} without a plan count as not met)"
                if report.n_failed else "")
        lines.append(f"Probability that defense demand is fully met with compliant magnets in {y}{over}:")
        if y in report.p_met_all:
            lines.append(f"  all products            {report.p_met_all[y]:6.1%}")
        for p, by in report.p_met.items():
            if y in by:
                short = report.mean_shortfall_t.get(p, {}).get(y, 0.0)
                lines.append(f"  {p:<24}{by[y]:6.1%}   (mean shortfall {short:,.1f} t)")
        if report.mean_unmet_by_segment_t:
            m = report.mean_unmet_by_segment_t
            lines.append(f"  mean unmet over the horizon: defense {m.get('defense', 0.0):,.1f} t, "
                         f"commercial {m.get('commercial', 0.0):,.1f} t")
        later = sorted(yy for yy in report.p_met_all if yy > y)
        if later:
            lines.append("  by year (all products):  " + "  ".join(f"{yy}: {report.p_met_all[yy]:.0%}" for yy in later))
        c = report.cost_musd
        if c:
            lines.append("")
            of = f" of the {report.n_ok} samples with a plan" if report.n_failed else ""
            lines.append(f"Total cost{of} (discounted, $M): P10 {c['p10']:,.1f}   P50 {c['p50']:,.1f}   "
                         f"P90 {c['p90']:,.1f}   (mean {c['mean']:,.1f})")
        if report.event_impacts:
            lines.append("")
            lines.append(f"Events behind the {y} shortfalls (P(all defense met {y}) with the event vs without; "
                         "share of the short samples that had it):")
            for e in report.event_impacts[:top]:
                pw, po = e["p_met_with"], e["p_met_without"]
                shares = ", ".join(f"{p} {v:.0%}" for p, v in e["share_of_short_samples"].items() if v > 0)
                lines.append(f"  {e['event']:<34} in {e['samples']:>4} samples: "
                             + (f"{pw:6.1%} vs {po:6.1%}" if pw is not None and po is not None
                                else "   (in every sample)")
                             + (f"   short samples with it: {shares}" if shares else ""))
        if report.breaches:
            lines.append("")
            lines.append("Commitments breached (the future could not honour them; tonnes short):")
            for b in report.breaches[:top]:
                lines.append(f"  {b['kind']} {b['contract']} {b['year']}: in {b['share']:.1%} of samples, "
                             f"mean {b['mean_tonnes_short']:,.1f} t short")
        voi = report.value_of_information
        if voi:
            lines.append("")
            lines.append("Value of information (perfect foresight minus this plan, same samples):")
            pm = voi.get("p_met_all", {})
            if pm:
                lines.append("  P(all defense met) +  " + "  ".join(f"{yy}: {v:+.0%}" for yy, v in sorted(pm.items())))
            if "mean_cost_musd" in voi:
                lines.append(f"  mean cost saved by hindsight: {voi['mean_cost_musd']:,.1f} $M")
            ranked = (voi.get("ranking") or {}).get("plans")
            if ranked:
                lines.append(f"  ranked by {RANK_RULE} (means over the samples):")
                lines += ranking_lines([PlanStanding(**s) for s in ranked], indent="    ")
        if report.drivers:
            lines.append("")
            lines.append(f"Projects that drive {y} compliance (P(met) on time vs delayed; cost change excludes the "
                         f"unmet penalty):")
            for d in report.drivers[:top]:
                cost = f", cost {d.cost_delta_musd:+,.1f} $M" if d.cost_delta_musd is not None else ""
                lines.append(f"  {d.facility:<28} {d.p_met_on_time:6.1%} vs {d.p_met_delayed:6.1%}"
                             f"  (impact {d.impact:+.1%} ± {d.impact_se:.1%}, delayed in {d.n_delayed} samples{cost})")
        if report.bottlenecks:
            lines.append("")
            lines.append("Facilities that most often limit supply in years with unmet demand (capacity fully used; "
                         "no $ value: there the shadow price is the unmet penalty, a setting):")
            for b in report.bottlenecks[:top]:
                lines.append(f"  {b.facility:<28} {b.share:6.1%} of samples")
        if report.investments:
            lines.append("")
            lines.append("Investments chosen (share of samples):")
            for inv in report.investments[:top]:
                lines.append(f"  {inv.facility + ' / ' + inv.option:<40} {inv.share:6.1%}"
                             f"  (mean {inv.mean_added_tpy:,.0f} t/yr, median decision {inv.median_decided_year:.0f})")
    if report.failures:
        lines.append("")
        lines.append(f"Samples without a plan ({report.n_failed}, counted as not met with their defense demand short):")
        for f in report.failures[:20]:
            lines.append(f"  sample {f.index}: {f.status}: {f.message}")
        if report.n_failed > 20:
            lines.append(f"  ... and {report.n_failed - 20} more (see --json)")
    return lines


# ----------------------------------------------------------------------------- robust plan
def _fmt_plan(plan: list[list[Any]]) -> str:
    return ", ".join(f"{o} {y} {t:,.0f} t/yr" for o, y, t in plan) or "(nothing)"


def robust_lines(rep: RobustReport) -> list[str]:
    """The readable comparison printed by ``mine2magnet robust``."""
    y = rep.target_year
    lines = [f"Robust plan for {rep.project!r}, scenario {rep.scenario}: {rep.k} planning futures (seed {rep.seed}), "
             f"evaluated with the deterministic plan on {rep.n_eval} fresh futures (seed {rep.eval_seed})"]
    if rep.target is not None:
        lines.append(f"Target: P(all defense demand met in {y}) >= {rep.target:.0%} on the planning futures "
                     "(per-future indicators)")
    lines.append(f"SAA program: {rep.saa_variables:,} variables, {rep.saa_constraints:,} constraints; "
                 f"built in {rep.saa_build_seconds:.1f} s, solved in {rep.saa_solve_seconds:.1f} s: {rep.status}")
    if not rep.has_plan:
        lines.append(f"No robust plan: {rep.message}")
        return lines
    lines.append("")
    lines.append(f"Deterministic plan (cost {rep.deterministic_cost_musd:,.1f} $M if all on time): "
                 f"{_fmt_plan(rep.deterministic_plan)}")
    lines.append(f"Robust plan: {_fmt_plan(rep.robust_plan)}")
    d, r = rep.deterministic_eval, rep.robust_eval
    if d is None or r is None:
        lines.append("(out-of-sample evaluation not finished)")
        return lines
    lines.append("")
    lines.append(f"Out of sample ({rep.n_eval} futures, every decision committed, operations re-solved):")
    lines.append(f"  ranked by {RANK_RULE} (means over the futures):")
    lines += ranking_lines(robust_ranking(rep), indent="    ")
    lines.append(f"  {'P(defense met)':<34}{'deterministic':>14}{'robust':>10}{'points':>9}")
    years = sorted(yy for yy in r.p_met_all if yy >= y)[:4]
    for p in sorted(set(d.p_met) | set(r.p_met)):
        for yy in years:
            pd_, pr_ = d.p_met.get(p, {}).get(yy), r.p_met.get(p, {}).get(yy)
            if pd_ is None or pr_ is None:
                continue
            lines.append(f"  {p + ' ' + str(yy):<34}{pd_:>14.1%}{pr_:>10.1%}{(pr_ - pd_) * 100:>+9.1f}")
    for yy in years:
        lines.append(f"  {'all products ' + str(yy):<34}{d.p_met_all.get(yy, 0):>14.1%}{r.p_met_all.get(yy, 0):>10.1%}"
                     f"{(r.p_met_all.get(yy, 0) - d.p_met_all.get(yy, 0)) * 100:>+9.1f}")
    lines.append(f"  {'expected defense shortfall (t)':<34}{'deterministic':>14}{'robust':>10}{'change':>9}")
    for p in sorted(set(d.mean_shortfall_t) | set(r.mean_shortfall_t)):
        for yy in years:
            sd, sr = d.mean_shortfall_t.get(p, {}).get(yy), r.mean_shortfall_t.get(p, {}).get(yy)
            if sd is None or sr is None:
                continue
            lines.append(f"  {p + ' ' + str(yy):<34}{sd:>14,.1f}{sr:>10,.1f}{sr - sd:>+9.1f}")
    for seg in ("defense", "commercial"):  # beside the cost: a cheaper plan never without its shortfall
        sd, sr = d.mean_unmet_by_segment_t.get(seg, 0.0), r.mean_unmet_by_segment_t.get(seg, 0.0)
        lines.append(f"  {seg + ' shortfall t (mean)':<34}{sd:>14,.1f}{sr:>10,.1f}")
    if d.cost_musd and r.cost_musd:
        lines.append(f"  {'cost $M (discounted) P10':<34}{d.cost_musd['p10']:>14,.1f}{r.cost_musd['p10']:>10,.1f}")
        lines.append(f"  {'cost $M P50':<34}{d.cost_musd['p50']:>14,.1f}{r.cost_musd['p50']:>10,.1f}")
        lines.append(f"  {'cost $M P90':<34}{d.cost_musd['p90']:>14,.1f}{r.cost_musd['p90']:>10,.1f}")
        lines.append(f"  {'cost $M mean':<34}{d.cost_musd['mean']:>14,.1f}{r.cost_musd['mean']:>10,.1f}"
                     f"   (robust {r.cost_musd['mean'] - d.cost_musd['mean']:+,.1f})")
    ud, ur = d.mean_unmet_total_t(), r.mean_unmet_total_t()
    if ud is not None and ur is not None:
        lines.append(f"  {'unmet demand, all segments (t, mean)':<34}{ud:>14,.1f}{ur:>10,.1f}")
    lines.append(f"  failed samples: deterministic {d.n_failed}, robust {r.n_failed}")
    lines.append("")
    if rep.hedge or rep.stock_hedge:
        pts = rep.points_bought()
        lines.append(f"The hedge (capex {rep.hedge_capex_musd:+,.1f} $M undiscounted at planned prices; buys "
                     f"{(pts or 0) * 100:+.1f} points of P(all defense met {y})):")
        for h in rep.hedge:
            fmt = lambda rows: ", ".join(f"{yy} {t:,.0f}" for yy, t in rows) or "-"  # noqa: E731
            lines.append(f"  {h.facility + ' / ' + h.option:<44} {h.kind:<16} deterministic [{fmt(h.deterministic)}]"
                         f" -> robust [{fmt(h.robust)}] t/yr, capex {h.capex_delta_musd:+,.1f} $M, paid by {h.payer}")
        for sh in rep.stock_hedge:
            lines.append(f"  {'stock ' + sh.stockpile + ' (' + sh.material + ')':<44} {'held end ' + str(sh.year):<16} "
                         f"deterministic {sh.deterministic_t:,.1f} t -> robust {sh.robust_t:,.1f} t "
                         f"(+{sh.extra_t:,.1f} t): "
                         f"purchase {sh.purchase_musd:,.1f} $M and holding {sh.holding_musd_per_yr:,.2f} $M/yr, "
                         f"paid by the {sh.payer}")
        if rep.stock_hedge:
            lines.append("  (stock is part of the plan's own operations: every future follows it until an event is "
                         "revealed; making it costs the chain's operating cost, in the mean cost above)")
    else:
        lines.append("The robust plan is the deterministic plan: no hedge is worth its cost on these futures.")
    if rep.n1:
        yrs = rep.n1["years"]
        span = f"{yrs[0]}-{yrs[-1]}" if len(yrs) > 1 else str(yrs[0])
        lines.append("")
        out = rep.n1.get("outage_years") or yrs
        out_span = f"{out[0]}-{out[-1]}" if len(out) > 1 else str(out[0])
        lines.append(f"N-1 secure in {span}: defense shortfall beyond the baseline in {span} with each critical "
                     f"element out in {out_span}, t")
        if not rep.n1["critical"]:
            lines.append("  (the deterministic plan has no single point of failure there)")
        for eid in rep.n1["critical"]:
            d = rep.n1["deterministic_extra_t"].get(eid, 0.0)
            r = rep.n1["robust_extra_t"].get(eid)
            lines.append(f"  {eid:<34} deterministic {d:>9,.1f}   N-1-secure plan "
                         + (f"{r:>9,.1f}" if r is not None else "        -"))
    return lines


# ----------------------------------------------------------------------------- N-1 stress test
STRESS_TOL = 1e-6  # t: a baseline shortfall below this is none (planner.analysis.stress.TOL)


def stress_lines(rep: StressReport, top: int = 15) -> list[str]:
    """The readable ranking printed by ``mine2magnet stress``."""
    yrs = f"{rep.years[0]}-{rep.years[-1]}" if len(rep.years) > 1 else str(rep.years[0])
    lines = [f"N-1 stress test of {rep.project!r}, scenario {rep.scenario}: each element out in {yrs}, the plan's "
             f"investments fixed, operations re-planned defense first from {rep.years[0]} (no foresight)",
             f"{rep.n_screened} elements screened (facilities making something in {yrs} under the plan, and countries)"
             + (" -- CANCELLED" if rep.cancelled else "")]
    if getattr(rep, "stock_floors", None):
        lines.append("Stock build held by the plan's own operations: "
                     + ", ".join(f"{sid} {t:,.1f} t at the end of {y}" for sid, y, t in rep.stock_floors))
    base_in = {p: sum(v for y, v in by.items() if y in rep.years) for p, by in rep.baseline_shortfall_t.items()}
    if any(v > STRESS_TOL for v in base_in.values()):
        lines.append("Baseline (nothing out) is already short: "
                     + ", ".join(f"{p} {v:,.1f} t" for p, v in sorted(base_in.items()) if v > STRESS_TOL))
    spof = rep.single_points_of_failure
    lines.append("")
    if not spof:
        lines.append(f"No single point of failure: defense demand is met in {yrs} with any one element out.")
    else:
        lines.append(f"Single points of failure ({len(spof)}): defense shortfall beyond the baseline, t")
        for e in spof[:top]:
            parts = "; ".join(f"{p} " + ", ".join(f"{y}: {v:,.1f}" for y, v in sorted(by.items()))
                              for p, by in sorted(e.extra_t.items()))
            prob = f"  [P {e.probability:.1%} in {yrs}]" if e.probability is not None else ""
            lines.append(f"  {e.id:<34} {e.total_extra_t:>9,.1f} t   {parts}{prob}")
        if len(spof) > top:
            lines.append(f"  ... and {len(spof) - top} more (see --json)")
    failed = [e for e in rep.elements if e.status not in ("optimal", "time_limit_feasible")]
    if failed:
        lines.append("")
        lines.append(f"Elements without a plan ({len(failed)}, counted with all defense demand short):")
        for e in failed[:top]:
            lines.append(f"  {e.id}: {e.status}: {e.message}")
    return lines


__all__ = ["comparison_table", "finite_stock_lines", "format_summary", "lever_summary_lines", "risk_summary_lines",
           "robust_lines", "stress_lines"]
