"""Value of lost supply: a stated $ per tonne of unmet demand put beside a plan's cost, so that no
comparison shows a plan as cheaper without its shortfall (as power systems use a value of lost load).

    VoLL(product) = settings.value_of_lost_supply_usd_per_t, when set (the same for every product);
                    else VOLL_PRICE_MULTIPLE x the dearest import-market price of the product
                    (project.markets), derived; None when the product has no market price
    shortfall value ($M, discounted) = sum_{d,y} d_y x unmet[d,y] x VoLL(product of d) x 1e-6
    cost including shortfall ($M)    = net cost (cost - outside sales revenue) + shortfall value

The solver's unmet penalty is never used: it is a weight that makes the optimiser serve demand,
not a value anyone has measured. VOLL_PRICE_MULTIPLE = 10 (derived): in 2025, under China's export
licensing, European asks for Dy oxide stood at > $800-1,100/kg against a volume-weighted $224/kg
(sample_projects/reference/domain_report.md section 4: 3.6-4.9x), and a buyer short of magnets loses
the product they go into, worth many times the magnet; we take 10x the magnet's price (NdFeB at the
sample's $54/kg -> $540,000/t; SmCo at $90/kg -> $900,000/t).

Ranking (``rank_key``): defense shortfall first, then commercial shortfall, then contracted volume
left short (take-or-pay offtakes, reserved sales: e.g. the DoD's 10X offtake when 10X is late), then
net cost; a result without a verified plan comes last. A cheaper plan with a shortfall never ranks
above a dearer one without.
"""

from __future__ import annotations

from models.project import Project
from planner.result import PlanResult

VOLL_PRICE_MULTIPLE = 10.0
SHORTFALL_RANK_TOL_T = 1e-3  # t: shortfalls closer than this (1 kg) rank as equal


def value_of_lost_supply(project: Project) -> dict[str, float | None]:
    """product -> $/t (see the module docstring); products are those of the project's demands and
    platforms (NdFeB, SmCo magnets, ...)."""
    products = {d.product.value for d in project.demands}
    for pl in project.platforms:
        if pl.ndfeb_kg_per_unit > 0:
            products.add("ndfeb_magnet")
        if pl.smco_kg_per_unit > 0:
            products.add("smco_magnet")
    fixed = project.settings.value_of_lost_supply_usd_per_t
    out: dict[str, float | None] = {}
    for p in sorted(products):
        if fixed is not None:
            out[p] = fixed
            continue
        prices = [m.price_usd_per_t for m in project.markets if m.material.value == p]
        out[p] = VOLL_PRICE_MULTIPLE * max(prices) if prices else None
    return out


def voll_source(project: Project) -> str:
    """One line saying where the value comes from (for tables and workbooks)."""
    if project.settings.value_of_lost_supply_usd_per_t is not None:
        return f"settings.value_of_lost_supply_usd_per_t = ${project.settings.value_of_lost_supply_usd_per_t:,.0f}/t"
    return f"derived: {VOLL_PRICE_MULTIPLE:g} x the product's dearest import price (never the solver penalty)"


def shortfall_value_musd(project: Project, result: PlanResult) -> float | None:
    """sum_{d,y} d_y x unmet[d,y] x VoLL(product) x 1e-6 ($M discounted); None when a short product
    has no value (no setting, no market price) or there is no plan."""
    if not result.has_plan:
        return None
    s = project.settings
    voll = value_of_lost_supply(project)
    total = 0.0
    for r in result.demand:
        if r.unmet <= 0:
            continue
        v = voll.get(r.product)
        if v is None:
            return None
        total += r.unmet * v * 1e-6 / (1.0 + s.discount_rate) ** (r.year - s.base_year)
    return round(total, 6) + 0.0


def net_cost(result: PlanResult) -> float | None:
    """Net cost when the plan reports one (outside buyers), else the total cost ($M, discounted)."""
    if not result.has_plan:
        return None
    return result.net_cost_musd if result.net_cost_musd is not None else result.total_cost_musd


def contract_shortfall_t(result: PlanResult) -> float:
    """Tonnes of contracted volume the plan leaves short: take-or-pay offtake shortfalls (lever lines
    ``offtake_shortfall``) + reserved volumes of outside buyers not sold (t over the horizon)."""
    if not result.has_plan:
        return 0.0
    return (sum(x.tonnes for x in result.levers if x.kind == "offtake_shortfall")
            + sum(s.short_t for s in result.sales_shortfall))


def rank_key(defense_t: float, commercial_t: float, cost: float | None, has_plan: bool = True,
             contract_t: float = 0.0) -> tuple:
    """Sort key: no plan last; then defense shortfall, commercial shortfall, contract shortfall
    (t, to 1 kg), then cost."""
    q = SHORTFALL_RANK_TOL_T
    return (not has_plan, round(defense_t / q), round(commercial_t / q), round(contract_t / q),
            cost if cost is not None else float("inf"))


def result_rank_key(result: PlanResult) -> tuple:
    seg = result.unmet_by_segment() if result.has_plan else {"defense": 0.0, "commercial": 0.0}
    return rank_key(seg["defense"], seg["commercial"], net_cost(result), result.has_plan, contract_shortfall_t(result))


__all__ = ["SHORTFALL_RANK_TOL_T", "VOLL_PRICE_MULTIPLE", "contract_shortfall_t", "net_cost", "rank_key",
           "result_rank_key", "shortfall_value_musd", "value_of_lost_supply", "voll_source"]
