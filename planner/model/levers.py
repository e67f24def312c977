"""Contracts and policy levers as variables and constraint families (project.levers).

Every family returns early when the project has nothing to constrain, so a project without
levers builds exactly the model it built before. Units: tonnes, t/yr, $M (MUSD x $).

Variables (all >= 0):
  otshort[o,y]     offtake shortfall below the take-or-pay minimum (penalised like unmet demand)
  sbuy[s,f,y]      clean tonnes government stockpile s buys from producing facility f
  slevel[s,y]      year-end level of stockpile s (ub = capacity_t), cost d_y x holding x 1e-6
  srel[s,d,y]      tonnes released from stockpile s to defense demand d
  sbuild_short[s,y] tonnes a stock build (min_level_t_by_year) is not held (penalised like unmet demand)

Purchases into a stockpile leave the facility's mass balance (class clean) and releases enter
the demand row; both are registered in ``ModelIndex.extra_balance_terms`` /
``extra_demand_terms`` and added by the balance and demand families.

Transfers (offtake payments, price-floor top-ups, grants, loan subsidies, stockpile purchase
payments) are not in the objective: they move money between payers and leave system cost
unchanged; they are accounted after the solve (planner.pipeline.payers). They bind the plan only
through the volume rows here and the government budget rows.
"""

from __future__ import annotations

from models.vocab import Segment
from planner.model.lp import LinearProgram
from planner.model.network import CLEAN, COVERED, Network, market_years

MUSD = 1e-6


def _active_years(net: Network, item) -> list[int]:
    return [y for y in net.years if item.active(y)]


# ----------------------------------------------------------------------------- variables
STOCKPILE_HANDLING_USD_PER_T = 1.0  # tie-break: pass-through (buy and release in one year) is not free


def define_stockpile_variables(lp: LinearProgram, net: Network, idx) -> None:
    """sbuy[s,f,y] for clean producers f of the material, cost d_y x $1/t handling x 1e-6 (a
    tie-break: the purchase price is a transfer, so without it buying and releasing in the same
    year would be a free detour); slevel[s,y] <= capacity_t with cost d_y x holding_usd_per_t_yr
    x 1e-6; srel[s,d,y] for defense demands of the material."""
    for s in net.levers.stockpiles:
        mat = s.material.value
        for fid in net.producers_of.get(mat, []):
            if CLEAN not in net.output_classes(fid, (mat, "")):
                continue
            for y in net.years:
                ub = s.max_buy_tpy if s.max_buy_tpy is not None else float("inf")
                j = lp.add_var(("sbuy", s.id, fid, y), ub=ub,
                               cost=net.discount[y] * STOCKPILE_HANDLING_USD_PER_T * MUSD)
                idx.extra_balance_terms.append((fid, (mat, ""), y, CLEAN, j, -1.0))
        for y in net.years:
            lp.add_var(("slevel", s.id, y), ub=s.capacity_t, cost=net.discount[y] * s.holding_usd_per_t_yr * MUSD)
        for d in net.demands:
            if d.product != mat or d.segment != Segment.DEFENSE.value:
                continue
            for y in d.tonnes_by_year:
                j = lp.add_var(("srel", s.id, d.id, y))
                idx.extra_demand_terms.setdefault((d.id, y), {})[j] = 1.0


def define_offtake_variables(lp: LinearProgram, net: Network) -> None:
    """otshort[o,y] in active years with a minimum > 0; cost d_y x unmet_penalty_usd_per_t x 1e-6."""
    pen = net.settings.unmet_penalty_usd_per_t
    for o in net.levers.offtakes:
        for y in _active_years(net, o):
            if o.minimum(y) <= 0:
                continue
            lp.add_var(("otshort", o.id, y), cost=net.discount[y] * pen * MUSD)


def define_lever_variables(lp: LinearProgram, net: Network, idx) -> None:
    define_offtake_variables(lp, net)
    define_stockpile_variables(lp, net, idx)


# --------------------------------------------------------------------------- expressions
def offtake_taken_terms(lp: LinearProgram, net: Network, o, y: int) -> dict[int, float]:
    """taken[o,y] = sum_{d of segment, product = material, k} del[f,d,y,k]
    + [segment None] sum_{routes r out of f carrying the material, k} flow[r,"",y,k]
    + [segment None] sum_{m,k} sell[m,f,y,k] (sales to outside buyers of the material)
    + [segment None or defense] sum_s sbuy[s,f,y] (stockpiles of the material)."""
    f, mat = o.facility_id, o.material.value
    seg = o.segment.value if o.segment is not None else None
    terms: dict[int, float] = {}
    for d in net.demands:
        if d.product != mat or (seg is not None and d.segment != seg):
            continue
        for k in (CLEAN, COVERED):
            key = ("del", f, d.id, y, k)
            if lp.has_var(key):
                terms[lp.var(key)] = 1.0
    if seg is None:
        for r, _commodities, _ in net.route_commodities:
            if r.from_id != f or r.material.value != mat:
                continue
            for k in (CLEAN, COVERED):
                key = ("flow", r.id, "", y, k)
                if lp.has_var(key):
                    terms[lp.var(key)] = 1.0
    if seg is None:  # sales to outside buyers (planner.model.sales) are taken by some buyer too
        for m in net.sales_markets:
            if m.material.value == mat:
                for k in (CLEAN, COVERED):
                    if lp.has_var(key := ("sell", m.id, f, y, k)):
                        terms[lp.var(key)] = 1.0
    if seg in (None, Segment.DEFENSE.value):
        for s in net.levers.stockpiles:
            key = ("sbuy", s.id, f, y)
            if s.material.value == mat and lp.has_var(key):
                terms[lp.var(key)] = 1.0
    return terms


def production_terms(lp: LinearProgram, net: Network, fid: str, mat: str, y: int) -> dict[int, float]:
    """production[f,c,y] = sum_{p of f, k} out(p,(c,"")) x act[p,y,k] (tonnes)."""
    terms: dict[int, float] = {}
    for p in net.processes_of.get(fid, []):
        coef = p.outputs.get((mat, ""), 0.0)
        if coef <= 0:
            continue
        for k in net.activity_classes(p):
            j = lp.var(("act", p.id, y, k))
            terms[j] = terms.get(j, 0.0) + coef
    return terms


def sold_terms(lp: LinearProgram, net: Network, fid: str, mat: str, y: int) -> dict[int, float]:
    """sold[f,c,y] = production[f,c,y] - sum_k surplus[f,c,y,k] (tonnes; :func:`production_terms`)."""
    terms = production_terms(lp, net, fid, mat, y)
    for k in (CLEAN, COVERED):
        key = ("surplus", fid, mat, "", y, k)
        if lp.has_var(key):
            j = lp.var(key)
            terms[j] = terms.get(j, 0.0) - 1.0
    return terms


def grant_terms(lp: LinearProgram, idx, g, y: int) -> dict[int, float]:
    """grant(g,y) = share x (capex_musd_per_tpy x add[o,y] + fixed_capex_musd x build[o,y])
    + amount_musd x build[o,y]  ($M undiscounted, decision year y)."""
    per_tpy, fixed = idx.option_capex.get((g.option_id, y), (0.0, 0.0))
    terms: dict[int, float] = {}
    if lp.has_var(("add", g.option_id, y)) and per_tpy:
        terms[lp.var(("add", g.option_id, y))] = g.share * per_tpy
    if lp.has_var(("build", g.option_id, y)):
        coef = g.share * fixed + g.amount_musd
        if coef:
            terms[lp.var(("build", g.option_id, y))] = coef
    return terms


def annuity_factor(rate: float, years: int) -> float:
    """AF = (1 - (1 + h)^-L) / h: present value of 1 per year for L years at rate h."""
    return (1.0 - (1.0 + rate) ** -years) / rate


def policy_gaps(net: Network) -> dict[str, tuple[str, float]]:
    """Viability gap of each non-viable option in policy mode: option -> ("build", $M per build)
    for yes/no options, ("add", $M per t/yr) for continuous ones (see models.project.PolicyMode).
    An option on a facility listed in facility_margins_usd_per_t uses max(0, margin): losses in
    operation are then bought per tonne by candidate floors/offtakes, so the gap is capex only."""
    pol = net.levers.policy
    if not pol.enabled:
        return {}
    af = annuity_factor(pol.hurdle_rate, net.settings.asset_life_years)
    gaps: dict[str, tuple[str, float]] = {}
    for f, o in net.options:
        margin = pol.option_margins_usd_per_t.get(o.id)
        if margin is None:
            continue  # no margin given: industry's own economics are taken to justify it
        if f.id in pol.facility_margins_usd_per_t:
            # the facility's operation has its own viability test: its operating losses are paid per
            # tonne through candidate floors/offtakes (planner.model.policy), not again in the capex gap
            margin = max(0.0, margin)
        value_per_tpy = margin * pol.utilisation * af * MUSD  # $M of life-time margin per t/yr
        if o.has_build_decision:
            gap = o.fixed_capex_musd + o.capex_musd_per_tpy * o.max_add_tpy - value_per_tpy * o.max_add_tpy
            if gap > 0:
                gaps[o.id] = ("build", gap)
        else:
            gap = o.capex_musd_per_tpy - value_per_tpy
            if gap > 0:
                gaps[o.id] = ("add", gap)
    return gaps


def policy_grant_terms(lp: LinearProgram, net: Network, oid: str, y: int, gaps=None) -> dict[int, float]:
    """policy_grant(o,y) = gap_o x build[o,y] (yes/no) or gap_o x add[o,y] (continuous), $M."""
    gaps = policy_gaps(net) if gaps is None else gaps
    if oid not in gaps:
        return {}
    kind, gap = gaps[oid]
    key = (kind, oid, y)
    return {lp.var(key): gap} if lp.has_var(key) else {}


# --------------------------------------------------------------------------- constraints
def define_offtake_constraints(lp: LinearProgram, net: Network) -> None:
    """Take-or-pay: taken[o,y] + otshort[o,y] >= minimum(o,y); taken[o,y] <= max_tpy (active years);
    minimum(o,y) = min_tpy_by_year[y] if listed, else min_tpy."""
    for o in net.levers.offtakes:
        for y in _active_years(net, o):
            taken = offtake_taken_terms(lp, net, o, y)
            if o.minimum(y) > 0:
                terms = dict(taken)
                terms[lp.var(("otshort", o.id, y))] = 1.0
                lp.add_row("offtake_min", (o.id, y), terms, lo=o.minimum(y))
            if o.max_tpy is not None and taken:
                lp.add_row("offtake_max", (o.id, y), taken, hi=o.max_tpy)


def define_import_licence_constraints(lp: LinearProgram, net: Network) -> None:
    """sum purchases from markets of the origin (and materials) by buyers of the segment <= cap_tpy:
    defense: sum_d buyd[m,d,y] over defense d; commercial: buyd to commercial d + sum_f buy[m,f,y]."""
    for lic in net.levers.import_licences:
        mats = {m.value for m in lic.materials}
        markets = [m for m in net.markets if m.origin_country == lic.origin_country
                   and (not mats or m.material.value in mats)]
        seg = lic.segment.value
        for y in _active_years(net, lic):
            terms: dict[int, float] = {}
            for m in markets:
                if y not in market_years(m, net.years):
                    continue
                for d in net.demands:
                    key = ("buyd", m.id, d.id, y)
                    if d.segment == seg and lp.has_var(key):
                        terms[lp.var(key)] = 1.0
                if seg == Segment.COMMERCIAL.value:
                    for fid in net.consumers_of.get(m.material.value, []):
                        key = ("buy", m.id, fid, y)
                        if lp.has_var(key):
                            terms[lp.var(key)] = 1.0
            lp.add_row("licence_cap", (lic.id, y), terms, hi=lic.cap_tpy)


def define_stockpile_constraints(lp: LinearProgram, net: Network) -> None:
    """level[s,y] - level[s,y-1] - sum_f sbuy[s,f,y] + sum_d srel[s,d,y] = [y = start] initial_t;
    sum_f sbuy[s,f,y] >= committed_t_by_year[y]; sum_f sbuy[s,f,y] <= max_buy_tpy."""
    for s in net.levers.stockpiles:
        buys_by_year: dict[int, dict[int, float]] = {y: {} for y in net.years}
        rel_by_year: dict[int, dict[int, float]] = {y: {} for y in net.years}
        for key, j in lp._var_index.items():
            if key[0] == "sbuy" and key[1] == s.id:
                buys_by_year[key[3]][j] = 1.0
            elif key[0] == "srel" and key[1] == s.id:
                rel_by_year[key[3]][j] = 1.0
        for y in net.years:
            terms = {lp.var(("slevel", s.id, y)): 1.0}
            if y > net.years[0]:
                terms[lp.var(("slevel", s.id, y - 1))] = -1.0
            for j in buys_by_year[y]:
                terms[j] = -1.0
            for j in rel_by_year[y]:
                terms[j] = 1.0
            rhs = s.initial_t if y == net.years[0] else 0.0
            lp.add_row("stockpile_balance", (s.id, y), terms, lo=rhs, hi=rhs)
            committed = s.committed_t_by_year.get(y, 0.0)
            if committed > 0:
                lp.add_row("stockpile_commit", (s.id, y), buys_by_year[y], lo=committed)


def define_stock_build_constraints(lp: LinearProgram, net: Network) -> None:
    """A stock build (GovStockpile.min_level_t_by_year, e.g. a robust plan's hedge applied as a
    scenario): for every stockpile s and planning year y with a floor F[s,y] > 0 (t),

        slevel[s,y] + sbuild_short[s,y] >= F[s,y]                                  (t)

    with sbuild_short[s,y] >= 0 costing d_y x unmet_penalty_usd_per_t x 1e-6 ($M per t), the
    price of a tonne of unmet demand: a floor the chain cannot fill is reported short, never an
    infeasible plan (the rule of planner.analysis.commitments.add_stock_floor_rows)."""
    pen = net.settings.unmet_penalty_usd_per_t
    for s in net.levers.stockpiles:
        for y, floor in sorted(s.min_level_t_by_year.items()):
            if floor <= 0 or not lp.has_var(("slevel", s.id, y)):
                continue
            j = lp.add_var(("sbuild_short", s.id, y), cost=net.discount[y] * pen * MUSD)
            lp.add_row("stock_build", (s.id, y), {lp.var(("slevel", s.id, y)): 1.0, j: 1.0}, lo=float(floor))


def government_cost_terms(lp: LinearProgram, net: Network, idx) -> dict[int, float]:
    """Terms of policy mode's second objective (planner.pipeline.stages.government_cost_objective):
    sum_y d_y x gov(y) ($M discounted), gov(y) as in the budget, + the penalised offtake shortfalls
    (d_y x unmet penalty x otshort, and likewise sbuild_short): contracts and stock builds stay binding,
    so the government cannot save money by letting a take-or-pay commitment or a stock build go short."""
    total: dict[int, float] = {}
    for y, terms in government_spend_terms(lp, net, idx).items():
        for j, v in terms.items():
            total[j] = total.get(j, 0.0) + net.discount[y] * v
    for j, key in enumerate(lp.var_keys):
        if key[0] in ("otshort", "sbuild_short"):
            total[j] = total.get(j, 0.0) + lp.var_cost[j]
    return total


def define_government_budget_constraints(lp: LinearProgram, net: Network, idx) -> None:
    """gov(y) = sum_g grant(g,y) + [policy mode] sum_o policy_grant(o,y) + sum_pf top_up(pf,y) x 1e-6 x sold(pf,y)
    + [policy mode] sum_l s_l(y) x 1e-6 x q[l,y] (candidate floors and offtakes, candidate_spend_terms)
    + sum_s (purchase_price x sum_f sbuy[s,f,y] + holding x slevel[s,y]) x 1e-6
    <= government_budget_musd_per_year;  sum_y gov(y) <= government_budget_total_musd."""
    lv = net.levers
    if lv.government_budget_musd_per_year is None and lv.government_budget_total_musd is None:
        return
    by_year = government_spend_terms(lp, net, idx)
    if lv.government_budget_musd_per_year is not None:
        for y in net.years:
            lp.add_row("gov_budget_year", (y,), by_year[y], hi=lv.government_budget_musd_per_year)
    if lv.government_budget_total_musd is not None:
        total: dict[int, float] = {}
        for terms in by_year.values():
            for j, v in terms.items():
                total[j] = total.get(j, 0.0) + v
        lp.add_row("gov_budget_total", (), total, hi=lv.government_budget_total_musd)


def government_spend_terms(lp: LinearProgram, net: Network, idx) -> dict[int, dict[int, float]]:
    """Linear terms of gov(y) per year ($M undiscounted; see define_government_budget_constraints)."""
    lv = net.levers
    by_year: dict[int, dict[int, float]] = {y: {} for y in net.years}

    def add(y: int, terms: dict[int, float], scale: float) -> None:
        row = by_year[y]
        for j, v in terms.items():
            row[j] = row.get(j, 0.0) + v * scale

    for g in lv.grants:
        for y in net.years:
            add(y, grant_terms(lp, idx, g, y), 1.0)
    gaps = policy_gaps(net)
    for oid in gaps:
        for y in net.years:
            add(y, policy_grant_terms(lp, net, oid, y, gaps), 1.0)
    for pf in lv.price_floors:
        for y in net.years:
            top = pf.top_up_usd_per_t(y)
            if top > 0:
                add(y, sold_terms(lp, net, pf.facility_id, pf.material.value, y), top * MUSD)
    for y, terms in candidate_spend_terms(lp, net).items():
        add(y, terms, 1.0)
    for s in lv.stockpiles:
        for key, j in lp._var_index.items():
            if key[0] == "sbuy" and key[1] == s.id and s.purchase_price_usd_per_t:
                add(key[3], {j: 1.0}, s.purchase_price_usd_per_t * MUSD)
        if s.holding_usd_per_t_yr:
            for y in net.years:
                add(y, {lp.var(("slevel", s.id, y)): 1.0}, s.holding_usd_per_t_yr * MUSD)
    return by_year


def candidate_spend_terms(lp: LinearProgram, net: Network) -> dict[int, dict[int, float]]:
    """Policy mode: year -> {q column: s_l(y) x 1e-6}, the government's payment ($M) for the chosen
    tonnage of candidate price floors (pfq, s = floor - benchmark) and guaranteed offtakes (goq,
    s = price - benchmark); see planner.model.policy."""
    by_year: dict[int, dict[int, float]] = {}
    pol = net.levers.policy
    if not pol.enabled:
        return by_year
    for kind, levers in (("pfq", pol.candidate_floors), ("goq", pol.candidate_offtakes)):
        for c in levers:
            for y in net.years:
                key = (kind, c.id, y)
                if lp.has_var(key):
                    by_year.setdefault(y, {})[lp.var(key)] = c.top_up_usd_per_t(y) * MUSD
    return by_year


def define_lever_constraints(lp: LinearProgram, net: Network, idx) -> None:
    define_offtake_constraints(lp, net)
    define_import_licence_constraints(lp, net)
    define_stockpile_constraints(lp, net)
    define_stock_build_constraints(lp, net)
    define_government_budget_constraints(lp, net, idx)


__all__ = [
    "annuity_factor", "candidate_spend_terms", "government_cost_terms", "policy_gaps", "policy_grant_terms",
    "define_lever_constraints", "define_lever_variables", "define_stock_build_constraints", "government_spend_terms",
    "grant_terms",
    "offtake_taken_terms", "production_terms", "sold_terms",
]
