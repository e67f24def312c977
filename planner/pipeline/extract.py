"""Turn a verified point (and duals) into the plan rows of a PlanResult, by variable key."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from models.schedules import qualification_lag, qualified_from_year, ramp_share
from planner.model.build import MUSD, ModelIndex
from planner.model.lp import LinearProgram
from planner.model.network import CLEAN, COVERED, Network
from planner.model.qualification import defense_suppliers
from planner.model.stocks import finite_stock_facilities
from planner.pipeline.extract_sales import fill_sales
from planner.pipeline.payers import fill_levers
from planner.result import (
    Bottleneck,
    CapacityRow,
    ComplianceRow,
    CostRow,
    DemandRow,
    FiniteStockRow,
    Flow,
    Investment,
    MarginalCost,
    PlanResult,
    Production,
    QualificationRow,
    StockRow,
)

EPS = 1e-6  # tonnes / $M below this are reported as zero
UNMET_NOTE = "unmet: no compliant supply reachable"
DISPLACE_NOTE = "no spare compliant supply: one more t would leave a lower-priority buyer short"


def _r(v: float, nd: int = 6) -> float:
    return round(float(v), nd) + 0.0


def fill_plan(result: PlanResult, lp: LinearProgram, idx: ModelIndex, net: Network, x: np.ndarray,
              duals: np.ndarray | None) -> None:
    """Populate every plan table of ``result`` from the point ``x``."""
    values = {key: float(x[j]) for j, key in enumerate(lp.var_keys) if abs(x[j]) > EPS}
    processes = {p.id: p for p in net.processes}
    route_by_id = {r.id: (r, cost) for r, _, cost in net.route_commodities}
    market_by_id = {m.id: m for m in net.markets}
    demand_by_id = {d.id: d for d in net.demands}

    # --- investments
    option_of = {o.id: (f, o) for f, o in net.options}
    # the lag is enforced only where a plant delivers to defense demand (planner.model.qualification);
    # an upstream plant's lag is not carried down the chain, so its investments get no defense date
    delivers_to_defense = {fid for fid, _ in defense_suppliers(net)}
    capex_by_year: dict[int, float] = defaultdict(float)
    capex_disc = 0.0
    for (oid, y), (per_tpy, fixed) in sorted(idx.option_capex.items()):
        add = values.get(("add", oid, y), 0.0)
        built = values.get(("build", oid, y), 0.0)
        if add <= EPS and built <= 0.5:
            continue
        f, o = option_of[oid]
        built = round(built) if abs(built - round(built)) < 1e-6 else built  # fractional only when relaxed
        capex = per_tpy * add + fixed * built
        capex_by_year[y] += capex
        capex_disc += net.discount[y] * capex * (1.0 - idx.option_salvage[(oid, y)])
        lag = qualification_lag(f, net.settings, o)
        result.investments.append(Investment(f.id, oid, y, y + o.lead_time_years, _r(add), _r(capex),
                                             y + o.lead_time_years + lag if f.id in delivers_to_defense else None))

    # --- production and activity by facility
    prod: dict[tuple[str, int, str], float] = defaultdict(float)
    activity: dict[tuple[str, int], float] = defaultdict(float)
    opex_by_year: dict[int, float] = defaultdict(float)
    opex_disc = 0.0
    for key, v in values.items():
        if key[0] != "act":
            continue
        p = processes[key[1]]
        y = key[2]
        activity[(p.facility, y)] += v
        for (mat, _src), coef in p.outputs.items():
            prod[(p.facility, y, mat)] += coef * v
        cost = net.facilities[p.facility].variable_opex_usd_per_t * v * MUSD
        opex_by_year[y] += cost
        opex_disc += net.discount[y] * cost
    for (fid, y, mat), t in sorted(prod.items()):
        result.production.append(Production(fid, y, mat, _r(t)))
    for y, musd in idx.existing_fixed_opex_by_year.items():
        opex_by_year[y] += musd
        opex_disc += net.discount[y] * musd
    for (oid, y_dec), _ in idx.option_capex.items():
        built = values.get(("build", oid, y_dec), 0.0)  # fixed opex follows the (possibly relaxed) build
        o = option_of[oid][1]
        if built > EPS and o.fixed_opex_musd_per_yr > 0:
            for y in net.years:
                if y >= y_dec + o.lead_time_years:
                    opex_by_year[y] += o.fixed_opex_musd_per_yr * built
                    opex_disc += net.discount[y] * o.fixed_opex_musd_per_yr * built

    # --- stocks (year-end) and their holding cost, counted as opex
    holding = net.settings.stock_holding_usd_per_t_yr or 0.0
    for key, v in sorted(values.items(), key=lambda kv: tuple(map(str, kv[0]))):
        if key[0] == "stock":
            _, fid, mat, _src, y, k = key
            result.stocks.append(StockRow(fid, y, mat, k, _r(v)))
            opex_by_year[y] += holding * v * MUSD
            opex_disc += net.discount[y] * holding * v * MUSD

    # --- finite stocks: draw = activity, remaining at year-end; holding cost counted as opex
    for fid in finite_stock_facilities(net):
        f = net.facilities[fid]
        for y in net.years:
            rem = values.get(("rem", fid, y), 0.0)
            result.stock_remaining.append(FiniteStockRow(fid, y, _r(activity.get((fid, y), 0.0)), _r(rem)))
            cost = f.stock_holding_usd_per_t_yr * rem * MUSD
            opex_by_year[y] += cost
            opex_disc += net.discount[y] * cost

    # --- capacity rows (existing + online additions with ramp-up)
    for fid in net.facilities:
        for y in net.years:
            cap = net.existing_capacity[(fid, y)]
            for inv in result.investments:
                if inv.facility == fid:
                    o = option_of[inv.option][1]
                    cap += inv.added_tpy * ramp_share(o.ramp_up_shares, y - inv.online_year)
            if cap > EPS or activity.get((fid, y), 0.0) > EPS:
                result.capacity.append(CapacityRow(fid, y, _r(cap), _r(activity.get((fid, y), 0.0))))

    # --- flows, purchases, deliveries
    transport_by_year: dict[int, float] = defaultdict(float)
    purchases_by_year: dict[int, float] = defaultdict(float)
    transport_disc = purchases_disc = 0.0
    delivered: dict[tuple[str, int], float] = defaultdict(float)
    delivered_clean: dict[tuple[str, int], float] = defaultdict(float)
    for key, v in sorted(values.items(), key=lambda kv: tuple(map(str, kv[0]))):
        kind = key[0]
        if kind == "flow":
            _, rid, src, y, k = key
            r, cost = route_by_id[rid]
            result.flows.append(Flow(r.from_id, r.to_id, r.material.value, y, k, _r(v), src or None))
            transport_by_year[y] += cost * v * MUSD
            transport_disc += net.discount[y] * cost * v * MUSD
        elif kind in ("buy", "buyd"):
            _, mid, dest, y = key
            m = market_by_id[mid]
            k = COVERED if net.market_covered[mid] else CLEAN
            result.flows.append(Flow(mid, dest, m.material.value, y, k, _r(v)))
            purchases_by_year[y] += m.price_usd_per_t * v * MUSD
            purchases_disc += net.discount[y] * m.price_usd_per_t * v * MUSD
            if kind == "buyd":
                delivered[(dest, y)] += v
                if k == CLEAN:
                    delivered_clean[(dest, y)] += v
        elif kind == "del":
            _, fid, did, y, k = key
            result.flows.append(Flow(fid, did, demand_by_id[did].product, y, k, _r(v)))
            delivered[(did, y)] += v
            if k == CLEAN:
                delivered_clean[(did, y)] += v
        elif kind == "srel":  # government stockpile release (clean; listed in result.levers)
            _, _sid, did, y = key
            delivered[(did, y)] += v
            delivered_clean[(did, y)] += v

    # --- demand rows and compliance
    comp_total: dict[tuple[str, int], float] = defaultdict(float)
    comp_clean: dict[tuple[str, int], float] = defaultdict(float)
    defense_covered: dict[tuple[str, int], bool] = defaultdict(bool)
    for d in net.demands:
        for y, t in sorted(d.tonnes_by_year.items()):
            dv, dc = delivered[(d.id, y)], delivered_clean[(d.id, y)]
            unmet = values.get(("unmet", d.id, y), 0.0)
            result.demand.append(DemandRow(d.id, d.product, d.segment, y, _r(t), _r(dv), _r(dc), _r(unmet), d.priority))
            comp_total[(d.product, y)] += dv
            comp_clean[(d.product, y)] += dc
            if d.segment == "defense" and dv - dc > EPS:
                defense_covered[(d.product, y)] = True
    for (product, y), total in sorted(comp_total.items()):
        share = comp_clean[(product, y)] / total if total > EPS else 0.0
        result.compliance.append(ComplianceRow(product, y, _r(share), defense_covered[(product, y)]))

    # --- supplier qualification: who supplies defense after a lag, and from when
    s = net.settings
    for (fid, product), demand_ids in sorted(defense_suppliers(net).items()):
        f = net.facilities[fid]
        lag = qualification_lag(f, s)
        if not lag and not any(qualification_lag(f, s, o) for o in f.options):
            continue
        years = [y for (src, did, y), _ in _defense_deliveries(values, fid, demand_ids)]
        result.qualification.append(QualificationRow(fid, product, lag, qualified_from_year(f, s),
                                                     min(years) if years else None))

    # --- costs
    for y in net.years:
        result.costs_by_year.append(
            CostRow(y, _r(capex_by_year[y]), _r(opex_by_year[y]), _r(transport_by_year[y]), _r(purchases_by_year[y]))
        )
    result.cost_breakdown_musd = {
        "capex": _r(capex_disc),
        "opex": _r(opex_disc),
        "transport": _r(transport_disc),
        "purchases": _r(purchases_disc),
    }
    result.total_cost_musd = _r(sum(result.cost_breakdown_musd.values()))
    fill_levers(result, lp, idx, net, x)  # lever lines, payers (government + industry = total)
    fill_sales(result, values, net)  # outside buyers: sales rows, revenue and net cost (after the final total)

    # --- duals: marginal costs and bottlenecks
    if duals is not None:
        fill_duals(result, lp, net, duals)
    result.limiting = explain_unmet(result, net)


def supply_chain_of(net: Network) -> dict[str, dict[str, int]]:
    """product -> {facility id: steps upstream} for every facility that can feed the product:
    its makers (0 steps) and, through routes, the plants and mines upstream of them (1, 2, ...)."""
    feeders: dict[str, set[str]] = defaultdict(set)
    for r, _, _ in net.route_commodities:
        feeders[r.to_id].add(r.from_id)
    out: dict[str, dict[str, int]] = {}
    for product, makers in net.producers_of.items():
        depth = {f: 0 for f in makers}
        frontier = list(makers)
        while frontier:
            nxt = []
            for f in frontier:
                for g in sorted(feeders.get(f, ())):
                    if g not in depth:
                        depth[g] = depth[f] + 1
                        nxt.append(g)
            frontier = nxt
        out[product] = depth
    return out


def _short_product_years(result: PlanResult) -> dict[tuple[str, int], dict[str, float]]:
    """(product, year) -> {segment: unmet t} where anything is unmet."""
    short: dict[tuple[str, int], dict[str, float]] = {}
    for r in result.demand:
        if r.unmet > EPS:
            seg = short.setdefault((r.product, r.year), {})
            seg[r.segment] = seg.get(r.segment, 0.0) + r.unmet
    return short


def _defense_deliveries(values: dict, fid: str, demand_ids: list[str]) -> list[tuple[tuple[str, str, int], float]]:
    """((facility, demand, year), t) of deliveries from ``fid`` to the given demands above EPS."""
    wanted = set(demand_ids)
    return [((key[1], key[2], key[3]), v) for key, v in values.items()
            if key[0] == "del" and key[1] == fid and key[2] in wanted and v > EPS]


def fill_duals(result: PlanResult, lp: LinearProgram, net: Network, duals: np.ndarray) -> None:
    """Marginal cost of one more tonne per product-segment-year (demand-row duals, undiscounted
    $/t = dual x 1e6 / d_y) and shadow prices of binding capacities (bottlenecks).

    Where demand is unmet the dual is set by the unmet penalty (a setting, not a price): such a
    marginal cost is marked ``no_supply`` (usd_per_t None), and a bottleneck feeding a product that
    is short that year is marked ``penalty_bound``. Needs result.demand filled first."""
    penalty = net.settings.unmet_penalty_usd_per_t
    short_segments = {(r.product, r.segment, r.year) for r in result.demand if r.unmet > EPS}
    best: dict[tuple[str, str, int], float] = {}
    for d in net.demands:
        for y in d.tonnes_by_year:
            i = lp.row("demand", d.id, y)
            usd = abs(float(duals[i])) / MUSD / net.discount[y]
            key = (d.product, d.segment, y)
            best[key] = max(best.get(key, 0.0), usd)
    for (product, segment, y), usd in sorted(best.items()):
        if (product, segment, y) in short_segments:
            result.marginal_costs.append(MarginalCost(product, segment, y, None, True, UNMET_NOTE))
        elif usd >= 0.5 * penalty:
            result.marginal_costs.append(MarginalCost(product, segment, y, None, True, DISPLACE_NOTE))
        else:
            result.marginal_costs.append(MarginalCost(product, segment, y, _r(usd, 2)))
    chain = supply_chain_of(net)
    short_years: dict[int, set[str]] = defaultdict(set)
    for product, y in _short_product_years(result):
        short_years[y].add(product)
    for fid in net.processes_of:
        for y in net.years:
            if lp.has_row("capacity", fid, y):
                pi = abs(float(duals[lp.row("capacity", fid, y)]))
                usd = pi / MUSD / net.discount[y]
                if usd > 1e-3:
                    bound = (any(fid in chain.get(p, {}) for p in short_years.get(y, ()))
                             or usd >= 0.5 * penalty)  # the marginal costs' rule: set by the penalty
                    result.bottlenecks.append(Bottleneck(fid, y, _r(usd, 2), bound))
    result.bottlenecks.sort(key=lambda b: (-b.shadow_usd_per_t, b.year, b.facility))


def explain_unmet(result: PlanResult, net: Network) -> list[str]:
    """Plain-language reasons for unmet demand, per short product-year: whose demand is short and
    which capacities of that product's own supply chain are fully used (its makers first, then
    the plants upstream; no $ figure: where demand is unmet the shadow price is the penalty)."""
    short = _short_product_years(result)
    if not short:
        return []
    chain = supply_chain_of(net)
    binding: dict[int, set[str]] = defaultdict(set)
    for b in result.bottlenecks:
        binding[b.year].add(b.facility)
    lines = []
    for (product, y), segs in sorted(short.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        t = sum(segs.values())
        whose = ", ".join(f"{seg} {segs[seg]:,.1f} t" for seg in ("defense", "commercial") if seg in segs)
        head = f"{y}: {t:,.1f} t {product} unmet ({whose})"
        depth = chain.get(product, {})
        used = sorted((f for f in binding.get(y, ()) if f in depth), key=lambda f: (depth[f], net.facilities[f].name))
        if used:
            names = "; ".join(f"{net.facilities[f].stage.value}: {net.facilities[f].name}" for f in used[:4])
            more = f" and {len(used) - 4} more" if len(used) > 4 else ""
            lines.append(f"{head}; at capacity in its supply chain: {names}{more}")
        elif not depth:
            lines.append(f"{head}; no facility in the chain makes {product}")
        else:
            lines.append(
                f"{head}; no compliant capacity or supply is available in time "
                "(capacity not yet online, lead times, or no route from an upstream stage)"
            )
    return lines


__all__ = ["explain_unmet", "fill_duals", "fill_plan", "supply_chain_of"]
