"""Who pays: lever lines of a plan and the split of system cost between government and industry.

Every cost line has a payer. capex, opex, transport and market purchases are paid by industry
(the chain's operators and buyers); a government stockpile's holding cost by the government.
Transfers move money from one payer to another and leave the total unchanged:

  offtake          buyer pays price x taken[y]                        (buyer -> producer)
  price_floor      government pays max(0, floor - benchmark[y]) x sold[y]
  grant            government pays share x capex(o,y) + amount x build[o,y]
  loan             government pays the subsidy P - PV(annuity) in the draw year
  stockpile_buy    government pays purchase_price x bought tonnes (+ $1/t handling, a real cost)
  policy_grant     (policy mode) government pays the viability gap of a non-viable option it builds
  policy_floor     (policy mode) government pays max(0, floor - benchmark[y]) x q[y], the chosen floor tonnage
  policy_offtake   (policy mode) government pays max(0, price - benchmark[y]) x q[y], the chosen guaranteed tonnes

cost_breakdown_musd["government"] = sum over government lines of d_y x cost_musd (discounted like
the other lines); cost_breakdown_musd["industry"] = total - government. An offtake an industry
buyer pays is a transfer inside industry (net zero) but still listed as a lever line.
"""

from __future__ import annotations

from collections import defaultdict

from planner.model.build import MUSD, ModelIndex
from planner.model.levers import STOCKPILE_HANDLING_USD_PER_T, offtake_taken_terms, policy_gaps, sold_terms
from planner.model.lp import LinearProgram
from planner.model.network import Network
from planner.result import LeverRow, PlanResult

EPS = 1e-6
#: chosen floor/offtake tonnages below this are solver noise, not listed: the government-cost stage
#: is held to $1 (abs_tol 1e-6 $M), which at $15,000/t of support lets ~7e-5 t through
POLICY_EPS_T = 1e-4


def _r(v: float, nd: int = 6) -> float:
    return round(float(v), nd) + 0.0


def _value(terms: dict[int, float], x) -> float:
    return float(sum(float(x[j]) * c for j, c in terms.items()))


def lever_rows(lp: LinearProgram, idx: ModelIndex, net: Network, x) -> list[LeverRow]:
    """All lever lines of the point ``x`` (undiscounted $M of each year)."""
    lv = net.levers
    rows: list[LeverRow] = []
    values = {key: float(x[j]) for j, key in enumerate(lp.var_keys) if key[0] in ("otshort", "sbuy", "slevel", "srel",
                                                                                   "add", "build", "sbuild_short")}
    for o in lv.offtakes:
        for y in net.years:
            if not o.active(y):
                continue
            taken = _value(offtake_taken_terms(lp, net, o, y), x)
            if taken > EPS:
                rows.append(LeverRow("offtake", o.id, o.facility_id, y, _r(taken), _r(o.price_usd_per_t * taken * MUSD),
                                     o.buyer))
            short = values.get(("otshort", o.id, y), 0.0)
            if short > EPS:
                rows.append(LeverRow("offtake_shortfall", o.id, o.facility_id, y, _r(short), 0.0, o.buyer))
    for pf in lv.price_floors:
        for y in net.years:
            top = pf.top_up_usd_per_t(y)
            if not pf.active(y):
                continue
            sold = _value(sold_terms(lp, net, pf.facility_id, pf.material.value, y), x)
            if sold > EPS:
                rows.append(LeverRow("price_floor", pf.id, pf.facility_id, y, _r(sold), _r(top * sold * MUSD),
                                     "government"))
    option_of = {o.id: (f, o) for f, o in net.options}
    capex_of: dict[str, tuple[int, float, float]] = {}  # option -> (decided year, capex $M, added t/yr)
    for (oid, y), (per_tpy, fixed) in idx.option_capex.items():
        add, built = values.get(("add", oid, y), 0.0), values.get(("build", oid, y), 0.0)
        capex = per_tpy * add + fixed * round(built, 6)
        if capex > EPS:
            capex_of[oid] = (y, capex, add)
    for g in lv.grants:
        if g.option_id not in capex_of:
            continue
        y, capex, add = capex_of[g.option_id]
        built = values.get(("build", g.option_id, y), 0.0)
        amount = g.share * capex + g.amount_musd * round(built, 6)
        rows.append(LeverRow("grant", g.id, option_of[g.option_id][0].id, y, _r(add), _r(amount), "government"))
    for oid, (kind, gap) in policy_gaps(net).items():
        if oid not in capex_of:
            continue
        y, capex, add = capex_of[oid]
        amount = gap * (round(values.get(("build", oid, y), 0.0), 6) if kind == "build" else add)
        rows.append(LeverRow("policy_grant", oid, option_of[oid][0].id, y, _r(add), _r(amount), "government"))
    pol = lv.policy
    if pol.enabled:  # candidate levers the optimizer chose (planner.model.policy)
        for kind, var, items in (("policy_floor", "pfq", pol.candidate_floors),
                                 ("policy_offtake", "goq", pol.candidate_offtakes)):
            for c in items:
                for y in net.years:
                    key = (var, c.id, y)
                    q = float(x[lp.var(key)]) if lp.has_var(key) else 0.0
                    if q > POLICY_EPS_T:
                        rows.append(LeverRow(kind, c.id, c.facility_id, y, _r(q), _r(c.top_up_usd_per_t(y) * q * MUSD),
                                             "government"))
    rate = net.settings.discount_rate
    for ln in lv.loans:
        if ln.option_id is not None:
            if ln.option_id not in capex_of:
                continue
            y, capex, _ = capex_of[ln.option_id]
            principal, fid = min(ln.amount_musd, capex), option_of[ln.option_id][0].id
        else:
            y, principal, fid = ln.year, ln.amount_musd, ln.facility_id
            if y not in net.discount:
                continue
        rows.append(LeverRow("loan", ln.id, fid, y, 0.0, _r(ln.subsidy_musd(principal, rate)), "government"))
    for s in lv.stockpiles:
        for key, v in sorted(values.items(), key=lambda kv: tuple(map(str, kv[0]))):
            if key[1] != s.id or v <= EPS:
                continue
            if key[0] == "sbuy":  # price (transfer) + handling (real cost, a tie-break)
                usd = s.purchase_price_usd_per_t + STOCKPILE_HANDLING_USD_PER_T
                rows.append(LeverRow("stockpile_buy", s.id, key[2], key[3], _r(v), _r(usd * v * MUSD), "government"))
            elif key[0] == "srel":
                rows.append(LeverRow("stockpile_release", s.id, s.id, key[3], _r(v), 0.0, "government"))
            elif key[0] == "sbuild_short":  # tonnes of a stock build not held (penalised, no money)
                rows.append(LeverRow("stock_build_breach", s.id, s.id, key[2], _r(v), 0.0, "government"))
            elif key[0] == "slevel":
                rows.append(LeverRow("stockpile_holding", s.id, s.id, key[2], _r(v),
                                     _r(s.holding_usd_per_t_yr * v * MUSD), "government"))
    rows.sort(key=lambda r: (r.kind, r.lever_id, r.year, r.facility))
    return rows


def government_cost_musd(rows: list[LeverRow], net: Network) -> float:
    """sum over government-paid lines of d_y x cost_musd."""
    return sum(net.discount[r.year] * r.cost_musd for r in rows if r.payer == "government")


def fill_levers(result: PlanResult, lp: LinearProgram, idx: ModelIndex, net: Network, x) -> None:
    """Lever lines, government/industry split of the total; stockpile holding and handling in opex."""
    rows = lever_rows(lp, idx, net, x) if net.has_levers else []
    result.levers = rows
    holding_by_year: dict[int, float] = defaultdict(float)
    for r in rows:
        if r.kind == "stockpile_holding":
            holding_by_year[r.year] += r.cost_musd
        elif r.kind == "stockpile_buy":
            holding_by_year[r.year] += STOCKPILE_HANDLING_USD_PER_T * r.tonnes * MUSD
    if holding_by_year:
        b = result.cost_breakdown_musd
        b["opex"] = _r(b["opex"] + sum(net.discount[y] * v for y, v in holding_by_year.items()))
        for c in result.costs_by_year:
            c.opex_musd = _r(c.opex_musd + holding_by_year.get(c.year, 0.0))
    b = result.cost_breakdown_musd
    total = _r(b["capex"] + b["opex"] + b["transport"] + b["purchases"])
    result.total_cost_musd = total
    gov = _r(government_cost_musd(rows, net))
    b["government"] = gov
    b["industry"] = _r(total - gov)


__all__ = ["fill_levers", "government_cost_musd", "lever_rows"]
