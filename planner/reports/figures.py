"""The plan's figures, computed once from a PlanResult: the one source for the dashboard, the
workbook and the decision brief (they format these numbers; none of them sums result rows itself).

Plain arithmetic on the result rows (and the project for existing capacity and the scenario), so
tests can check it by hand. Units: tonnes (t), t/yr, $M (millions of US dollars), $/t.

* supply vs demand: per (product, segment, year) demand = sum of DemandRow.demand over demand
  ids, clean = sum of delivered_clean, other origin = sum of (delivered - delivered_clean),
  unmet = sum of unmet (sums with math.fsum; a sum below zero by rounding is shown as 0);
* compliant supply: per product and year from the compliance year, defense demand and the clean
  tonnes delivered to it; share met compliantly = clean to defense / defense demand;
* KPIs in the compliance year (:func:`compute_kpis`): demand and unmet per magnet product, the
  clean share of all deliveries (ComplianceRow.clean_share) and of defense deliveries;
* capacity build-out: per stage and year, existing capacity = min(capacity, existing schedule of
  the facility, see models.schedules.existing_capacity_tpy), added by the plan = capacity - existing;
  per facility the same with its investments (:func:`buildout_rows`);
* costs per year (undiscounted $M of that year), marginal costs per product-segment with the
  penalty-set years left out (never shown as a price), the largest investments by capex.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from models.project import Project, Settings
from models.scenarios import ScenarioError, apply_scenario
from models.schedules import existing_capacity_tpy
from models.vocab import STAGE_ORDER, Material, Stage
from planner.result import Investment, PlanResult

#: Magnet products first (KPI cards, charts), in this order.
KPI_PRODUCTS = (Material.NDFEB_MAGNET.value, Material.SMCO_MAGNET.value)

UNKNOWN_STAGE = "unknown"


# ----------------------------------------------------------------------------- ordering, scenario
def natural_key(text: str) -> list:
    """Sort key that orders "Mine 2" before "Mine 10" (digit runs compare as numbers)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.lower())]


def product_order(products: set[str] | list[str]) -> list[str]:
    """NdFeB, SmCo first, then other products alphabetically."""
    first = [p for p in KPI_PRODUCTS if p in products]
    return first + sorted(p for p in products if p not in KPI_PRODUCTS)


def stage_order_key(stage: str) -> int:
    order = [s.value for s in STAGE_ORDER]
    return order.index(stage) if stage in order else len(order)


def scenario_project(project: Project, scenario: str) -> tuple[Project, str]:
    """The project as the scenario saw it, and a note when the scenario could not be applied.

    "base" (or an empty name) is the base project; a scenario id or name stored in the project is
    applied with :func:`models.scenarios.apply_scenario`.
    """
    try:
        return apply_scenario(project, scenario or "base"), ""
    except KeyError:
        return project, f"scenario {scenario!r} is not in the project; assumptions shown are the base project's"
    except ScenarioError as e:
        return project, (f"scenario {scenario!r} cannot be applied ({e.message}); "
                         "assumptions shown are the base project's")


def solved_project(project: Project, result: PlanResult) -> Project:
    """The project with the result's scenario applied (existing capacity depends on delays)."""
    return scenario_project(project, result.scenario)[0]


def kpi_year(project: Project | Settings) -> int:
    """The year the results open on: the compliance start year (2027 by default), moved into the
    horizon if outside it (a project's settings, or the settings themselves)."""
    s = project.settings if isinstance(project, Project) else project
    return min(max(s.compliance_start_year, s.start_year), s.end_year)


# ----------------------------------------------------------------------------- supply vs demand
@dataclass(frozen=True)
class SupplyRow:
    """Supply against demand for one product, segment ("all" when summed) and year; all t."""

    product: str
    segment: str
    year: int
    demand: float
    clean: float
    other: float
    unmet: float

    @property
    def delivered(self) -> float:
        return self.clean + self.other

    @property
    def met_share(self) -> float | None:
        """Delivered / demand (None when there is no demand)."""
        return self.delivered / self.demand if self.demand > 0 else None

    @property
    def clean_share(self) -> float | None:
        """Clean / delivered (None when nothing was delivered)."""
        return self.clean / self.delivered if self.delivered > 0 else None

    # the dashboard's names for the same figures
    clean_t = property(lambda self: self.clean)
    other_t = property(lambda self: self.other)
    unmet_t = property(lambda self: self.unmet)
    demand_t = property(lambda self: self.demand)


def _supply_rows(result: PlanResult, by_segment: bool, only_segment: str | None = None) -> list[SupplyRow]:
    parts: dict[tuple[str, str, int], list[list[float]]] = defaultdict(lambda: [[], [], [], []])
    for r in result.demand:
        if only_segment is not None and r.segment != only_segment:
            continue
        key = (r.product, r.segment if by_segment else (only_segment or "all"), r.year)
        acc = parts[key]
        acc[0].append(r.demand)
        acc[1].append(r.delivered_clean)
        acc[2].append(r.delivered - r.delivered_clean)
        acc[3].append(r.unmet)
    return [
        SupplyRow(p, s, y, math.fsum(a[0]), max(0.0, math.fsum(a[1])), max(0.0, math.fsum(a[2])),
                  max(0.0, math.fsum(a[3])))
        for (p, s, y), a in sorted(parts.items())
    ]


def supply_by_segment(result: PlanResult) -> list[SupplyRow]:
    """One row per (product, segment, year), sorted; sums over demand ids (t)."""
    return _supply_rows(result, by_segment=True)


def supply_by_product(result: PlanResult, segment: str | None = None) -> dict[str, list[SupplyRow]]:
    """Per product (NdFeB, SmCo first), one row per year, years ascending, summed over demand ids
    and over all segments, or only over ``segment`` ("defense" / "commercial") when given (t)."""
    out: dict[str, list[SupplyRow]] = defaultdict(list)
    for row in _supply_rows(result, by_segment=False, only_segment=segment):
        out[row.product].append(row)
    return {p: out[p] for p in product_order(list(out))}


@dataclass(frozen=True)
class CompliantRow:
    """Compliant supply of one product in one year from the compliance year (t)."""

    product: str
    year: int
    defense_demand: float
    defense_clean: float  # clean tonnes delivered to defense demand
    all_demand: float
    all_clean: float  # clean tonnes delivered to all segments
    unmet: float  # all segments
    defense_unmet: float = 0.0

    @property
    def defense_met_share(self) -> float | None:
        return self.defense_clean / self.defense_demand if self.defense_demand > 0 else None


def compliant_supply(result: PlanResult, compliance_year: int, last_year: int | None = None) -> list[CompliantRow]:
    """Per product and year in [compliance_year, last_year] (no upper end when None), sorted by
    product then year."""
    seg = supply_by_segment(result)
    keys = sorted({(r.product, r.year) for r in seg
                   if r.year >= compliance_year and (last_year is None or r.year <= last_year)})
    out = []
    for product, year in keys:
        rows = [r for r in seg if r.product == product and r.year == year]
        defense = [r for r in rows if r.segment == "defense"]
        out.append(CompliantRow(
            product=product,
            year=year,
            defense_demand=math.fsum(r.demand for r in defense),
            defense_clean=math.fsum(r.clean for r in defense),
            all_demand=math.fsum(r.demand for r in rows),
            all_clean=math.fsum(r.clean for r in rows),
            unmet=math.fsum(r.unmet for r in rows),
            defense_unmet=math.fsum(r.unmet for r in defense),
        ))
    return out


def unmet_by_product(result: PlanResult) -> list[tuple[str, float, int | None]]:
    """(product, unmet t over all years, first year with unmet > 1 gram or None), by product."""
    total: dict[str, list[float]] = defaultdict(list)
    first: dict[str, int | None] = {}
    for r in result.demand:
        total[r.product].append(r.unmet)
        first.setdefault(r.product, None)
        if r.unmet > 1e-6 and (first[r.product] is None or r.year < first[r.product]):
            first[r.product] = r.year
    return [(p, math.fsum(v), first[p]) for p, v in sorted(total.items())]


def compliance_share(result: PlanResult, product: str, year: int) -> float | None:
    """ComplianceRow.clean_share for a product-year (None when the result has no such row)."""
    for c in result.compliance:
        if c.product == product and c.year == year:
            return c.clean_share
    return None


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
        capex_committed_musd=capex_committed_musd(result),
    )


# ----------------------------------------------------------------------------- costs, marginal costs
COST_PARTS = (("capex_musd", "Capex"), ("opex_musd", "Opex"), ("transport_musd", "Transport"),
              ("purchases_musd", "Purchases"))


def costs_by_year(result: PlanResult) -> list[tuple[int, dict[str, float]]]:
    """(year, {Capex, Opex, Transport, Purchases}) in $M of that year (undiscounted)."""
    return [(r.year, {label: getattr(r, attr) for attr, label in COST_PARTS})
            for r in sorted(result.costs_by_year, key=lambda r: r.year)]


def marginal_cost_series(result: PlanResult) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """(product, segment) -> [(year, $/t)] sorted by year; product-years whose dual is set by the
    unmet penalty (MarginalCost.no_supply) are left out, so the chart stays on the scale of real
    costs (see :func:`unpriced_year_runs`)."""
    out: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for m in result.marginal_costs:
        if m.no_supply or m.usd_per_t is None:
            continue
        out[(m.product, m.segment)].append((m.year, m.usd_per_t))
    order = {p: i for i, p in enumerate(product_order({p for p, _ in out}))}
    return {k: sorted(v) for k, v in sorted(out.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))}


def year_runs(years: list[int]) -> str:
    """Consecutive years joined: [2026, 2027, 2028, 2031] -> "2026-2028, 2031"."""
    ys = sorted(set(years))
    if not ys:
        return ""
    runs, start = [], ys[0]
    for a, b in zip(ys, ys[1:] + [None]):
        if b != a + 1:
            runs.append(f"{start}" if start == a else f"{start}-{a}")
            start = b
    return ", ".join(runs)


def unpriced_year_runs(result: PlanResult) -> list[tuple[str, str, str]]:
    """(product, segment, years such as "2026-2028") whose dual is the unmet penalty
    (MarginalCost.no_supply: unmet, or no compliant supply to spare), not a price."""
    years: dict[tuple[str, str], list[int]] = defaultdict(list)
    for m in result.marginal_costs:
        if m.no_supply:
            years[(m.product, m.segment)].append(m.year)
    return [(product, segment, year_runs(ys)) for (product, segment), ys in years.items()]


# ----------------------------------------------------------------------------- investments, build-out
def top_investments(result: PlanResult, n: int = 5) -> list[Investment]:
    """The ``n`` investments with the largest capex (ties: earlier decision first)."""
    return sorted(result.investments, key=lambda i: (-i.capex_musd, i.decided_year, i.facility, i.option))[:n]


@dataclass(frozen=True)
class StageCapacity:
    year: int
    existing_tpy: float
    added_tpy: float


def capacity_by_stage(result: PlanResult, project: Project) -> dict[str, list[StageCapacity]]:
    """Per stage (in chain order), per year: existing and plan-added capacity (t/yr, stage unit).

    For each CapacityRow: existing = min(capacity, existing schedule of the facility in ``project``);
    added = capacity - existing. Facilities not in ``project`` fall under stage "unknown" with their
    whole capacity counted as existing.
    """
    facilities = {f.id: f for f in project.facilities}
    acc: dict[str, dict[int, tuple[list[float], list[float]]]] = defaultdict(lambda: defaultdict(lambda: ([], [])))
    for c in result.capacity:
        f = facilities.get(c.facility)
        if f is None:
            stage, existing = UNKNOWN_STAGE, c.capacity_tpy
        else:
            stage, existing = f.stage.value, min(c.capacity_tpy, existing_capacity_tpy(f, c.year))
        ex, add = acc[stage][c.year]
        ex.append(existing)
        add.append(c.capacity_tpy - existing)
    out = {}
    for stage in sorted(acc, key=stage_order_key):
        out[stage] = [StageCapacity(y, math.fsum(ex), math.fsum(add)) for y, (ex, add) in sorted(acc[stage].items())]
    return out


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
    stage: str  # as given by buildout_rows' stage_label (the stage's value by default)
    existing_tpy: dict[int, float]  # existing capacity by year (t/yr of activity)
    capacity_tpy: dict[int, float]  # planned total (existing + additions) from the result
    investments: list[BuildoutInvestment]


def buildout_rows(project: Project, result: PlanResult,
                  stage_label: Callable[[Stage], str] = lambda s: s.value) -> list[BuildoutRow]:
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
        inv[i.facility].append(BuildoutInvestment(name, i.decided_year, i.online_year, i.added_tpy, i.capex_musd,
                                                  i.option))
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


# ----------------------------------------------------------------------------- who pays, levers
BUILD_SUPPORT_KINDS = ("grant", "loan", "policy_grant")


def government_build_support(result: PlanResult) -> dict[tuple[str, int], float]:
    """(facility, decision year) -> $M (undiscounted) the government pays towards building there
    that year: grants, loan subsidies and policy grants (their LeverRow carries the option's
    facility and decision year)."""
    out: dict[tuple[str, int], list[float]] = defaultdict(list)
    for r in result.levers:
        if r.payer == "government" and r.kind in BUILD_SUPPORT_KINDS:
            out[(r.facility, r.year)].append(r.cost_musd)
    return {k: math.fsum(v) for k, v in out.items()}


@dataclass(frozen=True)
class LeverTotal:
    """One contract or lever over the horizon: $M and tonnes per year (undiscounted), and in total."""

    kind: str
    lever_id: str
    facility: str
    payer: str
    cost_by_year: dict[int, float]
    tonnes_by_year: dict[int, float]

    @property
    def total_musd(self) -> float:
        return math.fsum(self.cost_by_year.values())

    @property
    def tonnes(self) -> float:
        return math.fsum(self.tonnes_by_year.values())


def lever_totals(result: PlanResult) -> list[LeverTotal]:
    """Lever lines grouped by (kind, lever, facility, payer), sorted by payer (government first),
    then kind and lever: $M and t per year summed over the lines of that year."""
    groups: dict[tuple[str, str, str, str], tuple[dict[int, list[float]], dict[int, list[float]]]] = {}
    for r in result.levers:
        cost, tonnes = groups.setdefault((r.kind, r.lever_id, r.facility, r.payer),
                                         (defaultdict(list), defaultdict(list)))
        cost[r.year].append(r.cost_musd)
        tonnes[r.year].append(r.tonnes)
    out = [LeverTotal(kind, lid, fac, payer, {y: math.fsum(v) for y, v in sorted(cost.items())},
                      {y: math.fsum(v) for y, v in sorted(tonnes.items())})
           for (kind, lid, fac, payer), (cost, tonnes) in groups.items()]
    return sorted(out, key=lambda x: (x.payer != "government", x.kind, x.lever_id, x.facility))


def government_cost_by_year(result: PlanResult) -> dict[int, float]:
    """year -> $M (undiscounted) the government pays on all lever lines of that year."""
    out: dict[int, list[float]] = defaultdict(list)
    for r in result.levers:
        if r.payer == "government":
            out[r.year].append(r.cost_musd)
    return {y: math.fsum(v) for y, v in sorted(out.items())}


# ----------------------------------------------------------------------------- defense suppliers
def defense_supply_chain(result: PlanResult, product: str, year: int, tol_t: float = 1e-6,
                         stockpile_materials: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """(direct, upstream): ids of the facilities, markets and government stockpiles that deliver
    to defense demand of ``product`` in ``year``, and of those further upstream. Walks the year's
    flows (above ``tol_t`` t) backwards from the demand ids; upstream of a clean tonne only clean
    flows are followed (clean output takes clean input), upstream of a covered tonne both classes.
    A stockpile (``stockpile_materials``: id -> material) releasing ``product`` that year is a
    direct supplier. A facility feeding both defense and other buyers is listed; ids come in the
    order reached (nearest the demand first)."""
    targets = {r.demand_id for r in result.demand if r.segment == "defense" and r.product == product and r.year == year}
    released = sorted({r.facility for r in result.levers
                       if r.kind == "stockpile_release" and r.year == year and r.tonnes > tol_t
                       and (stockpile_materials or {}).get(r.lever_id) == product})
    into: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for f in result.flows:
        if f.year == year and f.tonnes > tol_t:
            into[f.to_id].append((f.from_id, f.klass))
    seen: list[str] = []
    visited: set[tuple[str, str]] = set()
    frontier = sorted({edge for t in targets for edge in into.get(t, [])})
    direct = sorted({node for node, _k in frontier if node not in targets}) + released
    while frontier:
        nxt: set[tuple[str, str]] = set()
        for node, klass in frontier:
            if (node, klass) in visited or node in targets:
                continue
            visited.add((node, klass))
            if node not in seen:
                seen.append(node)
            nxt |= {(src, k) for src, k in into.get(node, []) if klass == "covered" or k == "clean"}
        frontier = sorted(nxt - visited)
    return direct, [x for x in seen if x not in direct]


# ----------------------------------------------------------------------------- totals
def capex_committed_musd(result: PlanResult) -> float:
    """Sum of Investment.capex_musd: capex committed by the plan, $M of each decision year (undiscounted)."""
    return math.fsum(i.capex_musd for i in result.investments)


def unmet_by_product_year(result: PlanResult, segment: str | None = None) -> dict[tuple[str, int], float]:
    """(product, year) -> unmet t summed over demand ids (all segments, or only ``segment``)."""
    out: dict[tuple[str, int], list[float]] = defaultdict(list)
    for r in result.demand:
        if segment is None or r.segment == segment:
            out[(r.product, r.year)].append(r.unmet)
    return {k: math.fsum(v) for k, v in sorted(out.items())}


@dataclass
class FlowLink:
    """Tonnes moved from one node to another in a year in one compliance class, by material."""

    source: str
    target: str
    klass: str
    tonnes: float
    materials: dict[str, float] = field(default_factory=dict)


def flow_links(result: PlanResult, year: int, tol_t: float = 1e-9) -> list[FlowLink]:
    """The year's flows summed by (from, to, class), flows of at most ``tol_t`` t dropped; sorted."""
    parts: dict[tuple[str, str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for f in result.flows:
        if f.year == year and f.tonnes > tol_t:
            parts[(f.from_id, f.to_id, f.klass)][f.material].append(f.tonnes)
    out = []
    for (src, dst, klass), by_material in sorted(parts.items()):
        materials = {m: math.fsum(v) for m, v in by_material.items()}
        out.append(FlowLink(src, dst, klass, math.fsum(materials.values()), materials))
    return out


def demand_by_id(result: PlanResult, year: int) -> dict[str, tuple[float, float]]:
    """demand id -> (demand t, unmet t) in ``year`` (rows of one id summed), in result order."""
    out: dict[str, list[list[float]]] = {}
    for r in result.demand:
        if r.year == year:
            acc = out.setdefault(r.demand_id, [[], []])
            acc[0].append(r.demand)
            acc[1].append(r.unmet)
    return {k: (math.fsum(d), math.fsum(u)) for k, (d, u) in out.items()}


# ----------------------------------------------------------------------------- sales, calibration, segments
@dataclass
class SalesTotal:
    """Sales of one facility to one outside buyer over the horizon: first and last year sold, tonnes (t)
    and revenue ($M of each year, undiscounted) summed over the years."""

    market: str
    facility: str
    first_year: int
    last_year: int
    tonnes: float
    revenue_musd: float


def sales_by_market_facility(result: PlanResult) -> list[SalesTotal]:
    """Per (market, facility), sorted: tonnes = sum of SaleRow.tonnes, revenue = sum of SaleRow.revenue_musd
    (plain left-to-right sums in result order), first/last year = min/max SaleRow.year."""
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for s in result.sales:
        groups[(s.market, s.facility)].append(s)
    return [SalesTotal(m, f, min(s.year for s in rows), max(s.year for s in rows),
                       sum(s.tonnes for s in rows), sum(s.revenue_musd for s in rows))
            for (m, f), rows in sorted(groups.items())]


def calibration_not_off(result: PlanResult) -> int:
    """Number of CalibrationRows whose status is not "off" (within 25 % of the reported output, or explained)."""
    return sum(1 for c in result.calibration if c.status != "off")


def demand_by_product_segment_year(result: PlanResult) -> dict[tuple[str, str, int], tuple[float, float, float, float]]:
    """(product, segment, year) -> (demand, delivered, delivered_clean, unmet) t summed over demand ids, sorted.

    Plain left-to-right sums in result order, unclamped (the analyst tables keep the solver's rounding);
    :func:`supply_by_segment` is the shown, fsum-and-clamped version of the same totals."""
    rows: dict[tuple[str, str, int], list] = defaultdict(list)
    for d in result.demand:
        rows[(d.product, d.segment, d.year)].append(d)
    return {k: (sum(d.demand for d in v), sum(d.delivered for d in v), sum(d.delivered_clean for d in v),
                sum(d.unmet for d in v)) for k, v in sorted(rows.items())}
