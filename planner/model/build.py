"""Build the capacity-expansion MILP as a recipe of named constraint families.

Sets: years y, compliance classes k in {clean, covered}, processes p (see planner.model.network),
routes r, markets m, demands d, expansion options o.

Variables (all >= 0, tonnes or t/yr unless stated):
  act[p,y,k]            activity of process p (facility activity unit)
  flow[r,s,y,k]         tonnes shipped on route r (source mine s for concentrate/carbonate, else "")
  buy[m,f,y]            tonnes bought from market m, delivered to facility f
  buyd[m,d,y]           tonnes bought from market m, delivered straight to demand d
  del[f,d,y,k]          tonnes of product delivered from facility f to demand d
  unmet[d,y]            demand not served (penalised)
  surplus[f,c,y,k]      output not used (by-products such as Sm oxide from an NdPr plant)
  down[f,c,y]           clean input relabelled covered at f (a covered activity may use clean input)
  dm[p,c,y]             covered input used by a clean activity (only when de_minimis_share > 0)
  add[o,y]              t/yr capacity decided in year y, online from y + lead time
  build[o,y]            1 if option o is built in year y (binary; only for fixed cost / minimum size)
  rem[f,y]              t left in a finite stock at year-end (planner.model.stocks)
  sell[m,f,y,k]         t sold to outside buyers, sshort[m,y] reserved t not sold (planner.model.sales)

Objective ($M, discounted, d_y = 1/(1+r)^(y-base_year)) is set as variable costs when the
variables are created; the constant holds the fixed opex of existing capacity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.vocab import Segment
from planner.model.levers import define_lever_constraints, define_lever_variables
from planner.model.lp import INF, LinearProgram
from planner.model.network import CLEAN, COVERED, Commodity, Network, market_years
from planner.model.policy import define_policy_constraints, define_policy_variables
from planner.model.qualification import define_qualification_constraints
from planner.model.recycled import define_recycled_constraints, define_recycled_variables
from planner.model.sales import define_sales_constraints, define_sales_variables
from planner.model.stocks import define_finite_stock_constraints, define_finite_stock_variables

MUSD = 1e-6  # $ -> $M


@dataclass
class BuildOptions:
    relax_integers: bool = False


@dataclass
class ModelIndex:
    """Lookups the extraction and verification steps need (by key, not by position)."""

    balance_terms: dict = field(default_factory=dict)
    option_capex: dict[tuple[str, int], tuple[float, float]] = field(default_factory=dict)  # (per tpy, fixed) $M
    option_salvage: dict[tuple[str, int], float] = field(default_factory=dict)
    existing_fixed_opex_by_year: dict[int, float] = field(default_factory=dict)  # $M undiscounted
    # terms other families add to the balance rows (facility, commodity, year, class, column, coef)
    # and to the demand rows ((demand, year) -> {column: coef}); see planner.model.levers
    extra_balance_terms: list = field(default_factory=list)
    extra_demand_terms: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------- variables
def define_activity_variables(lp: LinearProgram, net: Network) -> None:
    """act[p,y,k] with cost d_y x variable_opex_usd_per_t x 1e-6 ($M per unit of activity);
    upper bound 0 in years the process does not run (Process.runs_in)."""
    for p in net.processes:
        f = net.facilities[p.facility]
        for y in net.years:
            ub = INF if p.runs_in(y) else 0.0  # a process of a circuit not yet running
            for k in net.activity_classes(p):
                lp.add_var(("act", p.id, y, k), ub=ub, cost=net.discount[y] * f.variable_opex_usd_per_t * MUSD)


def define_route_variables(lp: LinearProgram, net: Network) -> None:
    """flow[r,s,y,k] for each commodity the sender makes; cost d_y x usd_per_t x 1e-6."""
    for r, commodities, usd_per_t in net.route_commodities:
        for (mat, src) in commodities:
            classes = net.output_classes(r.from_id, (mat, src))
            for y in net.years:
                for k in classes:
                    lp.add_var(("flow", r.id, src, y, k), cost=net.discount[y] * usd_per_t * MUSD)


def define_market_variables(lp: LinearProgram, net: Network) -> None:
    """buy[m,f,y] to consuming facilities and buyd[m,d,y] to demands; cost d_y x price x 1e-6.

    A covered-origin market cannot deliver to defense demand from the compliance year (or licence year).
    """
    comp = net.defense_clean_from
    for m in net.markets:
        years = market_years(m, net.years)
        for fid in net.consumers_of.get(m.material.value, []):
            for y in years:
                lp.add_var(("buy", m.id, fid, y), cost=net.discount[y] * m.price_usd_per_t * MUSD)
        for d in net.demands:
            if d.product != m.material.value:
                continue
            for y in years:
                if y not in d.tonnes_by_year:
                    continue
                if net.market_covered[m.id] and d.segment == Segment.DEFENSE.value and y >= comp:
                    continue
                lp.add_var(("buyd", m.id, d.id, y), cost=net.discount[y] * m.price_usd_per_t * MUSD)


def define_delivery_variables(lp: LinearProgram, net: Network) -> None:
    """del[f,d,y,k] from producers of the product (no transport cost: delivered ex-works),
    and unmet[d,y] with cost d_y x unmet_penalty_usd_per_t x 1e-6.

    Covered-class deliveries to defense demand exist only before the compliance year (or the
    scenario's licence year, when earlier: Network.defense_clean_from).
    """
    s = net.settings
    for d in net.demands:
        for fid in net.producers_of.get(d.product, []):
            classes = net.output_classes(fid, (d.product, ""))
            for y in d.tonnes_by_year:
                for k in classes:
                    if k == COVERED and d.segment == Segment.DEFENSE.value and y >= net.defense_clean_from:
                        continue
                    lp.add_var(("del", fid, d.id, y, k))
        for y in d.tonnes_by_year:
            lp.add_var(("unmet", d.id, y), cost=net.discount[y] * s.unmet_penalty_usd_per_t * MUSD)


def define_balance_slack_variables(lp: LinearProgram, net: Network) -> None:
    """surplus for outputs, down (clean -> covered relabel) and dm (de-minimis) for inputs."""
    dm_share = net.settings.de_minimis_share
    for fid, procs in net.processes_of.items():
        outputs: dict[Commodity, list[str]] = {}
        inputs_covered: set[Commodity] = set()
        for p in procs:
            for c in p.outputs:
                for k in net.activity_classes(p):
                    if k not in outputs.setdefault(c, []):
                        outputs[c].append(k)
            if COVERED in net.activity_classes(p):
                inputs_covered.update(p.inputs)
        for y in net.years:
            for (mat, src), classes in outputs.items():
                for k in classes:
                    lp.add_var(("surplus", fid, mat, src, y, k))
            for (mat, src) in sorted(inputs_covered):
                lp.add_var(("down", fid, mat, src, y))
        if dm_share > 0:
            for p in procs:
                if CLEAN in net.activity_classes(p):
                    for (mat, src) in p.inputs:
                        for y in net.years:
                            lp.add_var(("dm", p.id, mat, src, y))


def define_stock_variables(lp: LinearProgram, net: Network) -> None:
    """stock[f,c,y,k]: year-end stock of output c (not source-tracked) kept at f, when
    settings.stock_holding_usd_per_t_yr is set; cost d_y x holding x 1e-6 ($M per t and year).
    Stock is zero before the horizon; stock left after the last year is simply paid for."""
    holding = net.settings.stock_holding_usd_per_t_yr
    if holding is None:
        return
    for fid, procs in net.processes_of.items():
        kept: dict[Commodity, list[str]] = {}
        for p in procs:
            for c in p.outputs:
                if c[1] == "":
                    for k in net.activity_classes(p):
                        if k not in kept.setdefault(c, []):
                            kept[c].append(k)
        for (mat, src), classes in sorted(kept.items()):
            for y in net.years:
                for k in classes:
                    lp.add_var(("stock", fid, mat, src, y, k), cost=net.discount[y] * holding * MUSD)


def _salvage_share(net: Network, online_year: int) -> float:
    """Straight-line share of an asset's life left after the horizon: max(0, L - n_in) / L."""
    life = net.settings.asset_life_years
    years_in = net.years[-1] - online_year + 1
    return max(0, life - years_in) / life


def define_option_variables(lp: LinearProgram, net: Network, idx: ModelIndex, relax: bool) -> None:
    """add[o,y] (t/yr) and, for options with a fixed cost or minimum size, build[o,y] (binary).

    add[o,y] >= committed_tpy_by_year[y] (and build[o,y] = 1) for committed decisions.
    Cost of add: d_y x capex_musd_per_tpy x (1 - salvage); of build: d_y x fixed_capex_musd x
    (1 - salvage) + fixed_opex_musd_per_yr x sum_{t >= y + lead} d_t.
    """
    for _f, o in net.options:
        for y in net.decision_years(o):
            online = y + o.lead_time_years
            keep = 1.0 - _salvage_share(net, online)
            idx.option_capex[(o.id, y)] = (o.capex_musd_per_tpy, o.fixed_capex_musd)
            idx.option_salvage[(o.id, y)] = 1.0 - keep
            committed = min(o.committed_tpy_by_year.get(y, 0.0), o.max_add_tpy)  # lower bound (InvestOverride)
            lp.add_var(("add", o.id, y), lb=committed, ub=o.max_add_tpy,
                       cost=net.discount[y] * o.capex_musd_per_tpy * keep)
            if o.has_build_decision or o.fixed_opex_musd_per_yr > 0:
                opex = o.fixed_opex_musd_per_yr * sum(net.discount[t] for t in net.years if t >= online)
                lp.add_var(
                    ("build", o.id, y),
                    lb=1.0 if committed > 0 else 0.0,
                    ub=1.0,
                    cost=net.discount[y] * o.fixed_capex_musd * keep + opex,
                    integer=not relax,
                )


# --------------------------------------------------------------------------- constraints
def define_capacity_constraints(lp: LinearProgram, net: Network) -> None:
    """sum_{p of f, k} act[p,y,k] - sum_{o of f, y' : y'+lead <= y} ramp(o, y-y'-lead) add[o,y'] <= existing(f,y)."""
    from models.schedules import ramp_share

    opts_of: dict[str, list] = {}
    for f, o in net.options:
        opts_of.setdefault(f.id, []).append(o)
    for fid, procs in net.processes_of.items():
        for y in net.years:
            terms: dict[int, float] = {}
            for p in procs:
                for k in net.activity_classes(p):
                    terms[lp.var(("act", p.id, y, k))] = 1.0
            for o in opts_of.get(fid, []):
                for yd in net.decision_years(o):
                    share = ramp_share(o.ramp_up_shares, y - (yd + o.lead_time_years))
                    if share > 0:
                        terms[lp.var(("add", o.id, yd))] = -share
            lp.add_row("capacity", (fid, y), terms, hi=net.existing_capacity[(fid, y)])


def define_option_limit_constraints(lp: LinearProgram, net: Network) -> None:
    """Without a build decision: sum_y add[o,y] <= max_add.
    With one: add[o,y] <= max_add x build[o,y]; add[o,y] >= min_add x build[o,y]; sum_y build[o,y] <= 1."""
    for _, o in net.options:
        years = net.decision_years(o)
        if not years:
            continue
        if lp.has_var(("build", o.id, years[0])):
            for y in years:
                a, b = lp.var(("add", o.id, y)), lp.var(("build", o.id, y))
                lp.add_row("option_max", (o.id, y), {a: 1.0, b: -o.max_add_tpy}, hi=0.0)
                if o.min_add_tpy > 0:
                    lp.add_row("option_min", (o.id, y), {a: 1.0, b: -o.min_add_tpy}, lo=0.0)
            lp.add_row("option_once", (o.id,), {lp.var(("build", o.id, y)): 1.0 for y in years}, hi=1.0)
        else:
            lp.add_row("option_total", (o.id,), {lp.var(("add", o.id, y)): 1.0 for y in years}, hi=o.max_add_tpy)


def define_mass_balance_constraints(lp: LinearProgram, net: Network, idx: ModelIndex) -> None:
    """For each facility f, commodity c, year y, class k:

    sum_p out(p,c) act[p,y,k] + inflow_k + [k=covered] down - [k=clean] down + stock[y-1]
      = sum_p in(p,c) act[p,y,k] - [k=clean] dm + [k=covered] dm + outflow_k + deliveries_k + surplus_k
        + stock[y]
    where inflow_k sums route flows of class k and market purchases of markets of class k.
    """
    rows: dict[tuple, dict[int, float]] = {}
    setdefault = rows.setdefault

    def term(f: str, c: Commodity, y: int, k: str, j: int, coef: float) -> None:
        row = setdefault((f, c[0], c[1], y, k), {})
        row[j] = row.get(j, 0.0) + coef

    for p in net.processes:
        for y in net.years:
            for k in net.activity_classes(p):
                j = lp.var(("act", p.id, y, k))
                for c, v in p.outputs.items():
                    term(p.facility, c, y, k, j, v)
                for c, v in p.inputs.items():
                    term(p.facility, c, y, k, j, -v)
                    if k == CLEAN and lp.has_var(("dm", p.id, c[0], c[1], y)):
                        jd = lp.var(("dm", p.id, c[0], c[1], y))
                        term(p.facility, c, y, CLEAN, jd, 1.0)
                        term(p.facility, c, y, COVERED, jd, -1.0)
    for r, commodities, _ in net.route_commodities:
        for (mat, src) in commodities:
            for y in net.years:
                for k in (CLEAN, COVERED):
                    key = ("flow", r.id, src, y, k)
                    if lp.has_var(key):
                        j = lp.var(key)
                        term(r.from_id, (mat, src), y, k, j, -1.0)
                        term(r.to_id, (mat, src), y, k, j, 1.0)
    for m in net.markets:
        k = COVERED if net.market_covered[m.id] else CLEAN
        for fid in net.consumers_of.get(m.material.value, []):
            for y in market_years(m, net.years):
                term(fid, (m.material.value, ""), y, k, lp.var(("buy", m.id, fid, y)), 1.0)
    for d in net.demands:
        for fid in net.producers_of.get(d.product, []):
            for y in d.tonnes_by_year:
                for k in (CLEAN, COVERED):
                    key = ("del", fid, d.id, y, k)
                    if lp.has_var(key):
                        term(fid, (d.product, ""), y, k, lp.var(key), -1.0)
    for key, j in list(lp._var_index.items()):
        if key[0] == "surplus":
            _, fid, mat, src, y, k = key
            term(fid, (mat, src), y, k, j, -1.0)
        elif key[0] == "down":
            _, fid, mat, src, y = key
            term(fid, (mat, src), y, CLEAN, j, -1.0)
            term(fid, (mat, src), y, COVERED, j, 1.0)
        elif key[0] == "stock":
            _, fid, mat, src, y, k = key
            term(fid, (mat, src), y, k, j, -1.0)
            if y + 1 <= net.years[-1]:
                term(fid, (mat, src), y + 1, k, j, 1.0)
    for fid, c, y, k, j, coef in idx.extra_balance_terms:
        term(fid, c, y, k, j, coef)
    lp.add_rows("balance", rows.items(), lo=0.0, hi=0.0)
    idx.balance_terms = rows


def define_compliance_constraints(lp: LinearProgram, net: Network) -> None:
    """De-minimis: dm[p,c,y] <= share x in(p,c) x act[p,y,clean].

    The other compliance rules are structural: covered facilities and covered-origin markets
    only have covered-class variables, and covered deliveries to defense demand from the
    compliance year do not exist (see define_delivery_variables / define_market_variables).
    """
    share = net.settings.de_minimis_share
    if share <= 0:
        return
    for p in net.processes:
        if CLEAN not in net.activity_classes(p):
            continue
        for (mat, src), v in p.inputs.items():
            for y in net.years:
                jd = lp.var(("dm", p.id, mat, src, y))
                ja = lp.var(("act", p.id, y, CLEAN))
                lp.add_row("de_minimis", (p.id, mat, src, y), {jd: 1.0, ja: -share * v}, hi=0.0)


def define_demand_constraints(lp: LinearProgram, net: Network, idx: ModelIndex | None = None) -> None:
    """sum_{f,k} del[f,d,y,k] + sum_m buyd[m,d,y] (+ stockpile releases) + unmet[d,y] = demand[d,y]."""
    extra = idx.extra_demand_terms if idx is not None else {}
    for d in net.demands:
        for y, tonnes in d.tonnes_by_year.items():
            terms: dict[int, float] = {lp.var(("unmet", d.id, y)): 1.0}
            for fid in net.producers_of.get(d.product, []):
                for k in (CLEAN, COVERED):
                    key = ("del", fid, d.id, y, k)
                    if lp.has_var(key):
                        terms[lp.var(key)] = 1.0
            for m in net.markets:
                key = ("buyd", m.id, d.id, y)
                if lp.has_var(key):
                    terms[lp.var(key)] = 1.0
            terms.update(extra.get((d.id, y), {}))
            lp.add_row("demand", (d.id, y), terms, lo=tonnes, hi=tonnes)


def define_budget_constraints(lp: LinearProgram, net: Network, idx: ModelIndex) -> None:
    """Capex committed (undiscounted $M) per decision year <= budget_musd_per_year; over the
    horizon <= budget_total_musd. capex(o,y) = capex_musd_per_tpy x add + fixed_capex_musd x build."""
    s = net.settings
    if s.budget_musd_per_year is None and s.budget_total_musd is None:
        return
    by_year: dict[int, dict[int, float]] = {}
    for (oid, y), (per_tpy, fixed) in idx.option_capex.items():
        row = by_year.setdefault(y, {})
        row[lp.var(("add", oid, y))] = per_tpy
        if lp.has_var(("build", oid, y)) and fixed:
            row[lp.var(("build", oid, y))] = fixed
    if s.budget_musd_per_year is not None:
        for y, terms in sorted(by_year.items()):
            lp.add_row("budget_year", (y,), terms, hi=s.budget_musd_per_year)
    if s.budget_total_musd is not None:
        total: dict[int, float] = {}
        for terms in by_year.values():
            total.update(terms)
        lp.add_row("budget_total", (), total, hi=s.budget_total_musd)


def define_route_and_market_caps(lp: LinearProgram, net: Network) -> None:
    """sum_{s,k} flow[r,s,y,k] <= route cap; sum_f buy[m,f,y] + sum_d buyd[m,d,y] <= market cap."""
    for r, commodities, _ in net.route_commodities:
        if r.capacity_tpy is None:
            continue
        for y in net.years:
            terms = {
                lp.var(key): 1.0
                for (_, src) in commodities
                for k in (CLEAN, COVERED)
                if lp.has_var(key := ("flow", r.id, src, y, k))
            }
            lp.add_row("route_cap", (r.id, y), terms, hi=r.capacity_tpy)
    for m in net.markets:
        if m.cap_tpy is None:
            continue
        for y in market_years(m, net.years):
            terms = {lp.var(("buy", m.id, fid, y)): 1.0 for fid in net.consumers_of.get(m.material.value, [])}
            for d in net.demands:
                if lp.has_var(("buyd", m.id, d.id, y)):
                    terms[lp.var(("buyd", m.id, d.id, y))] = 1.0
            lp.add_row("market_cap", (m.id, y), terms, hi=m.cap_tpy)


def define_fixed_costs(lp: LinearProgram, net: Network, idx: ModelIndex) -> None:
    """Objective constant: existing fixed opex, sum_y d_y x fixed_opex_musd_per_yr where existing capacity > 0."""
    for f in net.facilities.values():
        if f.fixed_opex_musd_per_yr <= 0:
            continue
        for y in net.years:
            if net.existing_capacity[(f.id, y)] > 0:
                idx.existing_fixed_opex_by_year[y] = (idx.existing_fixed_opex_by_year.get(y, 0.0)
                                                      + f.fixed_opex_musd_per_yr)
                lp.constant += net.discount[y] * f.fixed_opex_musd_per_yr


def create_model(net: Network, options: BuildOptions | None = None) -> tuple[LinearProgram, ModelIndex]:
    """The model recipe: variables, constraints, global constraints, objective constant."""
    options = options or BuildOptions()
    lp, idx = LinearProgram(), ModelIndex()
    define_activity_variables(lp, net)
    define_route_variables(lp, net)
    define_market_variables(lp, net)
    define_delivery_variables(lp, net)
    define_balance_slack_variables(lp, net)
    define_stock_variables(lp, net)
    define_option_variables(lp, net, idx, options.relax_integers)
    define_finite_stock_variables(lp, net)
    define_lever_variables(lp, net, idx)
    define_policy_variables(lp, net)
    define_recycled_variables(lp, net)
    define_sales_variables(lp, net, idx)

    define_capacity_constraints(lp, net)
    define_option_limit_constraints(lp, net)
    define_mass_balance_constraints(lp, net, idx)
    define_compliance_constraints(lp, net)
    define_demand_constraints(lp, net, idx)
    define_budget_constraints(lp, net, idx)
    define_route_and_market_caps(lp, net)
    define_finite_stock_constraints(lp, net)
    define_qualification_constraints(lp, net)
    define_policy_constraints(lp, net)
    define_recycled_constraints(lp, net)
    define_sales_constraints(lp, net)
    define_lever_constraints(lp, net, idx)
    define_fixed_costs(lp, net, idx)
    return lp, idx


__all__ = ["BuildOptions", "ModelIndex", "create_model"]
