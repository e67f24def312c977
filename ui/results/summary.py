"""Figures the results dashboard shows, computed from a PlanResult (no widgets here).

Units: tonnes (t), t/yr, millions of US dollars ($M), US dollars per tonne ($/t).
Every function reads only the result (and the project for names and existing capacity), so
the numbers on screen are the planner's numbers, summed, never recomputed from a model.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from models.project import Project
from models.schedules import existing_capacity_tpy
from models.scenarios import apply_scenario
from models.vocab import STAGE_ORDER, Material, material_label, stage_label
from planner.result import PlanResult

#: Products shown in the KPI cards, in this order.
KPI_PRODUCTS = (Material.NDFEB_MAGNET.value, Material.SMCO_MAGNET.value)

def short_label(material: str) -> str:
    """Compact name for legends and card titles: "NdFeB", "SmCo", else the full label."""
    return {"ndfeb_magnet": "NdFeB", "smco_magnet": "SmCo"}.get(material, material_label(material))


def natural_key(text: str) -> list:
    """Sort key that orders "Mine 2" before "Mine 10" (digit runs compare as numbers)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.lower())]


def product_order(products: set[str] | list[str]) -> list[str]:
    """NdFeB, SmCo first, then other products alphabetically."""
    first = [p for p in KPI_PRODUCTS if p in products]
    return first + sorted(p for p in products if p not in KPI_PRODUCTS)


# ----------------------------------------------------------------------------- KPIs
@dataclass
class ProductKpi:
    product: str
    year: int
    demand_t: float
    unmet_t: float
    clean_share: float | None  # all segments: ComplianceRow.clean_share; None when nothing was delivered
    defense_covered_origin: bool
    defense_demand_t: float = 0.0
    defense_unmet_t: float = 0.0
    defense_clean_share: float | None = None  # defense delivered clean / defense delivered


@dataclass
class Kpis:
    total_cost_musd: float | None  # discounted, excl. unmet penalty
    capex_musd: float | None  # discounted
    kpi_year: int
    products: list[ProductKpi] = field(default_factory=list)
    unmet_total_t: float = 0.0
    defense_unmet_total_t: float = 0.0
    n_investments: int = 0
    capex_committed_musd: float = 0.0  # sum of Investment.capex_musd (undiscounted)
    revenue_musd: float | None = None  # sales to outside buyers (discounted); None: none in the result
    net_cost_musd: float | None = None  # total cost - revenue


def kpi_year(project: Project) -> int:
    """The compliance start year (2027 by default), moved into the horizon if outside it."""
    s = project.settings
    return min(max(s.compliance_start_year, s.start_year), s.end_year)


def compute_kpis(project: Project, result: PlanResult) -> Kpis:
    """Total cost and capex ($M, discounted) and per magnet product in the KPI year:
    demand t and unmet t (sums of demand rows), clean share of all deliveries
    (ComplianceRow.clean_share) and of defense deliveries (sum delivered_clean / sum delivered)."""
    year = kpi_year(project)
    demand: dict[str, float] = defaultdict(float)
    unmet: dict[str, float] = defaultdict(float)
    d_demand: dict[str, float] = defaultdict(float)
    d_unmet: dict[str, float] = defaultdict(float)
    d_delivered: dict[str, float] = defaultdict(float)
    d_clean: dict[str, float] = defaultdict(float)
    for r in result.demand:
        if r.year == year:
            demand[r.product] += r.demand
            unmet[r.product] += r.unmet
            if r.segment == "defense":
                d_demand[r.product] += r.demand
                d_unmet[r.product] += r.unmet
                d_delivered[r.product] += r.delivered
                d_clean[r.product] += r.delivered_clean
    compliance = {(c.product, c.year): c for c in result.compliance}
    products = []
    for p in KPI_PRODUCTS:
        c = compliance.get((p, year))
        delivered = demand[p] - unmet[p]
        share = c.clean_share if c is not None and delivered > 1e-9 else None
        products.append(
            ProductKpi(
                product=p,
                year=year,
                demand_t=demand[p],
                unmet_t=unmet[p],
                clean_share=share,
                defense_covered_origin=bool(c.defense_covered_origin) if c else False,
                defense_demand_t=d_demand[p],
                defense_unmet_t=d_unmet[p],
                defense_clean_share=d_clean[p] / d_delivered[p] if d_delivered[p] > 1e-9 else None,
            )
        )
    return Kpis(
        total_cost_musd=result.total_cost_musd,
        capex_musd=result.cost_breakdown_musd.get("capex"),
        kpi_year=year,
        products=products,
        unmet_total_t=result.unmet_total(),
        defense_unmet_total_t=result.unmet_by_segment()["defense"],
        n_investments=len(result.investments),
        revenue_musd=result.revenue_musd or None,
        net_cost_musd=result.net_cost_musd if result.revenue_musd else None,
        capex_committed_musd=sum(i.capex_musd for i in result.investments),
    )


# ----------------------------------------------------------------------------- supply vs demand
@dataclass
class SupplyYear:
    year: int
    clean_t: float  # delivered clean
    other_t: float  # delivered - delivered clean
    unmet_t: float
    demand_t: float


def supply_vs_demand(result: PlanResult, segment: str | None = None) -> dict[str, list[SupplyYear]]:
    """Per product, per year: delivered clean / other / unmet and total demand (t), summed over
    all segments or only ``segment`` ("defense" / "commercial")."""
    acc: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0, 0.0, 0.0]))
    for r in result.demand:
        if segment is not None and r.segment != segment:
            continue
        a = acc[r.product][r.year]
        a[0] += r.delivered_clean
        a[1] += r.delivered - r.delivered_clean
        a[2] += r.unmet
        a[3] += r.demand
    out = {}
    for product in product_order(list(acc)):
        years = acc[product]
        out[product] = [SupplyYear(y, max(0.0, v[0]), max(0.0, v[1]), max(0.0, v[2]), v[3]) for y, v in sorted(years.items())]
    return out


# ----------------------------------------------------------------------------- costs, marginal costs
COST_PARTS = (("capex_musd", "Capex"), ("opex_musd", "Opex"), ("transport_musd", "Transport"), ("purchases_musd", "Purchases"))


def costs_by_year(result: PlanResult) -> list[tuple[int, dict[str, float]]]:
    """(year, {Capex, Opex, Transport, Purchases}) in $M of that year (undiscounted)."""
    return [(r.year, {label: getattr(r, attr) for attr, label in COST_PARTS}) for r in sorted(result.costs_by_year, key=lambda r: r.year)]


def marginal_cost_series(result: PlanResult) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """(product, segment) -> [(year, $/t)] sorted by year; product-years whose dual is set by the
    unmet penalty (MarginalCost.no_supply) are left out, so the chart stays on the scale of real
    costs (see :func:`unpriced_marginals`)."""
    out: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for m in result.marginal_costs:
        if m.no_supply or m.usd_per_t is None:
            continue
        out[(m.product, m.segment)].append((m.year, m.usd_per_t))
    order = {p: i for i, p in enumerate(product_order({p for p, _ in out}))}
    return {k: sorted(v) for k, v in sorted(out.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))}


def unpriced_marginals(result: PlanResult) -> list[str]:
    """"NdFeB defense 2026"-style labels of the product-segment-years whose dual is the unmet
    penalty (MarginalCost.no_supply: unmet, or no compliant supply to spare), not a price."""
    years: dict[tuple[str, str], list[int]] = defaultdict(list)
    for m in result.marginal_costs:
        if m.no_supply:
            years[(m.product, m.segment)].append(m.year)
    out = []
    for (product, segment), ys in years.items():
        ys = sorted(ys)
        runs, start = [], ys[0]
        for a, b in zip(ys, ys[1:] + [None]):
            if b != a + 1:
                runs.append(f"{start}" if start == a else f"{start}-{a}")
                start = b
        out.append(f"{short_label(product)} {segment} {', '.join(runs)}")
    return out


# ----------------------------------------------------------------------------- build-out
@dataclass
class BuildoutInvestment:
    option: str  # option name (its id when unnamed)
    decided_year: int
    online_year: int
    added_tpy: float
    capex_musd: float
    option_id: str = ""  # the option's id (grants and loans on the timeline find their investment by it)


@dataclass
class BuildoutRow:
    facility: str
    name: str
    stage: str
    existing_tpy: dict[int, float]  # existing capacity by year (t/yr of activity)
    capacity_tpy: dict[int, float]  # planned total (existing + additions) from the result
    investments: list[BuildoutInvestment]


def solved_project(project: Project, result: PlanResult) -> Project:
    """The project with the result's scenario applied (existing capacity depends on delays)."""
    if result.scenario and result.scenario != "base":
        try:
            return apply_scenario(project, result.scenario)
        except (KeyError, ValueError):  # unknown, or a ScenarioError (shown when it was solved)
            return project
    return project


def buildout_rows(project: Project, result: PlanResult) -> list[BuildoutRow]:
    """One row per facility with existing capacity in the horizon or an investment, in stage order."""
    p = solved_project(project, result)
    years = p.settings.years
    cap: dict[str, dict[int, float]] = defaultdict(dict)
    for c in result.capacity:
        cap[c.facility][c.year] = c.capacity_tpy
    option_names = {(f.id, o.id): o.name or o.id for f in p.facilities for o in f.options}
    inv: dict[str, list[BuildoutInvestment]] = defaultdict(list)
    for i in result.investments:
        name = option_names.get((i.facility, i.option), i.option)
        inv[i.facility].append(BuildoutInvestment(name, i.decided_year, i.online_year, i.added_tpy, i.capex_musd, i.option))
    stage_rank = {s: k for k, s in enumerate(STAGE_ORDER)}
    rows = []
    for f in sorted(p.facilities, key=lambda f: (stage_rank.get(f.stage, 99), natural_key(f.name or f.id))):
        existing = {y: existing_capacity_tpy(f, y) for y in years}
        if not inv.get(f.id) and not any(v > 0 for v in existing.values()):
            continue
        rows.append(
            BuildoutRow(
                facility=f.id,
                name=f.name or f.id,
                stage=stage_label(f.stage),
                existing_tpy=existing,
                capacity_tpy=cap.get(f.id, {}),
                investments=sorted(inv.get(f.id, []), key=lambda x: (x.online_year, x.option)),
            )
        )
    return rows


# ----------------------------------------------------------------------------- names
def display_names(project: Project) -> dict[str, str]:
    """Id -> readable name for facilities, markets, demands and platform demands."""
    names: dict[str, str] = {}
    for f in project.facilities:
        names[f.id] = f.name or f.id
    for m in project.markets:
        names[m.id] = m.name or f"{material_label(m.material.value)} market ({m.origin_country})"
    for d in project.demands:
        names[d.id] = d.name or d.id
    for pl in project.platforms:
        for product in KPI_PRODUCTS:
            names[f"platform:{pl.id}:{product}"] = f"{pl.name or pl.id} ({material_label(product)})"
    return names
