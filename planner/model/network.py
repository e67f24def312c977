"""Index sets of the optimisation model, derived from a (scenario-applied) project.

A *commodity* is ``(material, source)``: source is the mine id for source-tracked materials
(concentrate, mixed carbonate keep their mine's assay until separation) and ``""`` otherwise.

A *process* is one way a facility turns inputs into outputs, per unit of activity:

- mine m:           -> (concentrate, m) x 1                                  [t TREO]
- cracking, per source m:   (concentrate, m) x 1 -> (mixed_carbonate, m) x treo_recovery
- separation, per source m: (feed, m) x 1 -> (oxide_e, "") x assay(m, e) x recovery(e)
                            (an element with an element_online_year only from that year)
- metal, per element e:     (oxide_e, "") x 1 / (stoich(e) x recovery(e)) -> (metal_e, "") x 1
- magnets, recycling, cobalt: the facility's recipe (t per t of activity).

Every process of a facility counts against the facility's capacity (t/yr of activity).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.covered import is_covered_facility, is_covered_market
from models.geo import great_circle_km
from models.project import (
    DEFAULT_PRIORITY,
    ExpansionOption,
    Facility,
    Levers,
    Market,
    Offtake,
    PriceFloor,
    Project,
    Route,
    SalesMarket,
    Settings,
)
from models.schedules import existing_capacity_tpy
from models.vocab import (
    METAL_OF,
    OXIDE_OF,
    RECIPE_STAGES,
    STOICHIOMETRIC_METAL_PER_OXIDE,
    Material,
    Segment,
    Stage,
)

CLEAN, COVERED = "clean", "covered"
Commodity = tuple[str, str]  # (material value, source mine id or "")


@dataclass
class Process:
    id: str  # "<facility>|<tag>"
    facility: str
    tag: str  # source mine id, element, or "" for single-process facilities
    inputs: dict[Commodity, float]
    outputs: dict[Commodity, float]
    first_year: int | None = None  # runs only in first_year..last_year (None: no limit); see
    last_year: int | None = None  # Facility.element_online_year (a circuit that starts later)

    def runs_in(self, year: int) -> bool:
        return ((self.first_year is None or year >= self.first_year)
                and (self.last_year is None or year <= self.last_year))


@dataclass
class DemandSpec:
    """One demand stream (explicit demand or platform-derived), t by year."""

    id: str
    product: str
    segment: str
    tonnes_by_year: dict[int, float]
    priority: int = 1  # 1 is served first (lexicographic shortfall stages)


@dataclass
class Network:
    """Every index set and parameter the model, the verifier and the extraction read; nothing
    downstream reaches back into the project (``settings`` and ``levers`` are the scenario-applied
    project's parameters and contracts)."""

    settings: Settings
    levers: Levers
    years: list[int]
    discount: dict[int, float]
    facilities: dict[str, Facility]
    covered: dict[str, bool]  # facility id -> produces only covered material
    processes: list[Process]
    processes_of: dict[str, list[Process]]
    route_commodities: list[tuple[Route, list[Commodity], float]]  # route, commodities, usd per t
    markets: list[Market]
    market_covered: dict[str, bool]
    demands: list[DemandSpec]
    options: list[tuple[Facility, ExpansionOption]]
    existing_capacity: dict[tuple[str, int], float]
    consumers_of: dict[str, list[str]] = field(default_factory=dict)  # material -> facility ids
    producers_of: dict[str, list[str]] = field(default_factory=dict)  # product material -> facility ids
    # index sets of the contracts and levers
    has_levers: bool = False  # any contract, lever, government budget or policy mode (Levers.is_empty)
    policy_enabled: bool = False  # policy mode (planner.model.policy)
    price_floors_of: dict[str, list[PriceFloor]] = field(default_factory=dict)  # facility id -> its floors
    stockpile_material: dict[str, str] = field(default_factory=dict)  # government stockpile id -> material
    #: recycled-feed offtakes whose facility is not a recycler (recycled_offtakes)
    recycled_offtakes: list[Offtake] = field(default_factory=list)
    #: (facility, material) -> routes into it whose recycled part is traced (tracked_routes)
    tracked_routes: dict[tuple[str, str], list[Route]] = field(default_factory=dict)
    #: outside buyers (planner.model.sales): the scenario-applied project's sales markets
    sales_markets: list[SalesMarket] = field(default_factory=list)

    @property
    def defense_clean_from(self) -> int:
        """First year defense demand takes only clean material: the compliance year, or the
        licence year when earlier (a licence rule that reaches content, settings.licence_year)."""
        s = self.settings
        return min(s.compliance_start_year, s.licence_year) if s.licence_year is not None else s.compliance_start_year

    def activity_classes(self, p: Process) -> list[str]:
        """Clean facilities run clean and (when a process has inputs) covered activity."""
        if self.covered[p.facility]:
            return [COVERED]
        return [CLEAN, COVERED] if p.inputs else [CLEAN]

    def output_classes(self, facility_id: str, commodity: Commodity) -> list[str]:
        classes: list[str] = []
        for p in self.processes_of.get(facility_id, []):
            if commodity in p.outputs:
                for k in self.activity_classes(p):
                    if k not in classes:
                        classes.append(k)
        return classes

    def decision_years(self, opt: ExpansionOption) -> list[int]:
        """Years an option may be decided so that it is online inside the horizon."""
        first = max(self.years[0], opt.earliest_decision_year or self.years[0])
        last = self.years[-1] - opt.lead_time_years
        return list(range(first, last + 1))


def discount_factors(project: Project) -> dict[int, float]:
    """d_y = 1 / (1 + r)^(y - base_year)."""
    s = project.settings
    return {y: 1.0 / (1.0 + s.discount_rate) ** (y - s.base_year) for y in s.years}


def _sources_by_facility(project: Project) -> dict[str, set[str]]:
    """Mines whose concentrate can reach each cracking/separation plant (via routes)."""
    facilities = {f.id: f for f in project.facilities}
    conc_in: dict[str, set[str]] = {}
    mrec_in: dict[str, set[str]] = {}
    for r in project.routes:
        src = facilities.get(r.from_id)
        if src is None:
            continue
        if r.material is Material.CONCENTRATE and src.stage is Stage.MINE:
            conc_in.setdefault(r.to_id, set()).add(src.id)
    for r in project.routes:
        src = facilities.get(r.from_id)
        if src is not None and r.material is Material.MIXED_CARBONATE and src.stage is Stage.CRACKING:
            mrec_in.setdefault(r.to_id, set()).update(conc_in.get(src.id, set()))
    out: dict[str, set[str]] = {}
    for f in project.facilities:
        if f.stage is Stage.CRACKING:
            out[f.id] = conc_in.get(f.id, set())
        elif f.stage is Stage.SEPARATION:
            out[f.id] = conc_in.get(f.id, set()) if f.separation_feed == "concentrate" else mrec_in.get(f.id, set())
    return out


def build_processes(project: Project) -> list[Process]:
    """All processes of all facilities (see module docstring for the formulas)."""
    facilities = {f.id: f for f in project.facilities}
    sources = _sources_by_facility(project)
    processes: list[Process] = []
    for f in project.facilities:
        if f.stage is Stage.MINE:
            processes.append(Process(f"{f.id}|", f.id, "", {}, {(Material.CONCENTRATE.value, f.id): 1.0}))
        elif f.stage is Stage.CRACKING:
            for m in sorted(sources.get(f.id, ())):
                processes.append(
                    Process(
                        f"{f.id}|{m}",
                        f.id,
                        m,
                        {(Material.CONCENTRATE.value, m): 1.0},
                        {(Material.MIXED_CARBONATE.value, m): f.treo_recovery},
                    )
                )
        elif f.stage is Stage.SEPARATION:
            feed = Material(f.separation_feed).value
            # a circuit that starts later (element_online_year) splits the years into phases, each
            # with its own process producing the elements online by then: "f|m" until the first
            # start, "f|m@Y" from year Y
            starts = sorted(set(f.element_online_year.values()))
            phases = [(None, starts[0] - 1 if starts else None)] + [
                (y, starts[i + 1] - 1 if i + 1 < len(starts) else None) for i, y in enumerate(starts)]
            for m in sorted(sources.get(f.id, ())):
                assay = facilities[m].assay
                for first, last in phases:
                    outputs = {
                        (OXIDE_OF[e].value, ""): assay.get(e, 0.0) * rec
                        for e, rec in f.element_recovery.items()
                        if assay.get(e, 0.0) * rec > 0
                        and (e not in f.element_online_year
                             or (first is not None and f.element_online_year[e] <= first))
                    }
                    if outputs:
                        pid = f"{f.id}|{m}" if first is None else f"{f.id}|{m}@{first}"
                        processes.append(Process(pid, f.id, m, {(feed, m): 1.0}, outputs, first, last))
        elif f.stage is Stage.METAL:
            for e, rec in f.element_recovery.items():
                if rec <= 0:
                    continue
                oxide_per_metal = 1.0 / (STOICHIOMETRIC_METAL_PER_OXIDE[e] * rec)
                processes.append(
                    Process(
                        f"{f.id}|{e.value}",
                        f.id,
                        e.value,
                        {(OXIDE_OF[e].value, ""): oxide_per_metal},
                        {(METAL_OF[e].value, ""): 1.0},
                    )
                )
        elif f.stage in RECIPE_STAGES:
            outputs = {(m.value, ""): v for m, v in f.recipe_outputs.items() if v > 0}
            if outputs:
                inputs = {(m.value, ""): v for m, v in f.recipe_inputs.items() if v > 0}
                processes.append(Process(f"{f.id}|", f.id, "", inputs, outputs))
    return processes


def route_cost_usd_per_t(project: Project, r: Route, facilities: dict[str, Facility] | None = None) -> float:
    """Route cost if set, else great-circle km x settings.transport_usd_per_t_km."""
    if r.transport_usd_per_t is not None:
        return r.transport_usd_per_t
    if facilities is None:
        facilities = {f.id: f for f in project.facilities}
    a, b = facilities[r.from_id], facilities[r.to_id]
    if None in (a.lat, a.lon, b.lat, b.lon):
        raise ValueError(f"route {r.id}: no transport cost and no coordinates")
    return great_circle_km(a.lat, a.lon, b.lat, b.lon) * project.settings.transport_usd_per_t_km


def demand_specs(project: Project) -> list[DemandSpec]:
    """Explicit demands plus one defense demand per platform and magnet product:
    t = units x magnet kg per unit / 1000 (kg stated as rare-earth content are converted first)."""
    specs = [
        DemandSpec(d.id, d.product.value, d.segment.value, {y: t for y, t in d.tonnes_by_year.items() if t > 0},
                   d.effective_priority)
        for d in project.demands
    ]
    for pl in project.platforms:
        for product, kg in ((Material.NDFEB_MAGNET, pl.ndfeb_magnet_kg_per_unit),
                             (Material.SMCO_MAGNET, pl.smco_magnet_kg_per_unit)):
            if kg > 0:
                tonnes = {y: u * kg / 1000.0 for y, u in pl.units_by_year.items() if u > 0}
                if tonnes:
                    specs.append(DemandSpec(f"platform:{pl.id}:{product.value}", product.value, Segment.DEFENSE.value,
                                            tonnes, DEFAULT_PRIORITY[Segment.DEFENSE]))
    return specs


def build_network(project: Project) -> Network:
    """Derive every index set the model needs."""
    s = project.settings
    years = s.years
    covered_countries = set(s.covered_countries)
    facilities = {f.id: f for f in project.facilities}
    processes = build_processes(project)
    processes_of: dict[str, list[Process]] = {}
    for p in processes:
        processes_of.setdefault(p.facility, []).append(p)

    # commodities each facility can ship, by material (sources kept apart)
    outputs_of: dict[str, set[Commodity]] = {}
    for p in processes:
        outputs_of.setdefault(p.facility, set()).update(p.outputs)
    inputs_of: dict[str, set[Commodity]] = {}
    for p in processes:
        inputs_of.setdefault(p.facility, set()).update(p.inputs)

    route_commodities = []
    for r in project.routes:
        shipped = sorted(c for c in outputs_of.get(r.from_id, ()) if c[0] == r.material.value)
        usable = inputs_of.get(r.to_id, set())
        carried = [c for c in shipped if c in usable]
        if carried:
            route_commodities.append((r, carried, route_cost_usd_per_t(project, r, facilities)))

    consumers_of: dict[str, list[str]] = {}
    producers_of: dict[str, list[str]] = {}
    for fid in facilities:
        for mat, src in sorted(inputs_of.get(fid, ())):
            if src == "" and fid not in consumers_of.setdefault(mat, []):
                consumers_of[mat].append(fid)
        for mat, src in sorted(outputs_of.get(fid, ())):
            if src == "" and fid not in producers_of.setdefault(mat, []):
                producers_of[mat].append(fid)

    existing = {(f.id, y): existing_capacity_tpy(f, y) for f in project.facilities for y in years}
    levers = project.levers
    net = Network(
        settings=s,
        levers=levers,
        years=years,
        discount=discount_factors(project),
        facilities=facilities,
        covered={f.id: is_covered_facility(f, covered_countries) for f in project.facilities},
        processes=processes,
        processes_of=processes_of,
        route_commodities=route_commodities,
        markets=list(project.markets),
        market_covered={m.id: is_covered_market(m, covered_countries) for m in project.markets},
        demands=demand_specs(project),
        options=[(f, o) for f in project.facilities for o in f.options],
        existing_capacity=existing,
        consumers_of=consumers_of,
        producers_of=producers_of,
        has_levers=not levers.is_empty(),
        policy_enabled=levers.policy.enabled,
        stockpile_material={st.id: st.material.value for st in levers.stockpiles},
        sales_markets=list(project.sales_markets),
    )
    for pf in levers.price_floors:
        net.price_floors_of.setdefault(pf.facility_id, []).append(pf)
    net.recycled_offtakes = recycled_offtakes(net)
    net.tracked_routes = tracked_routes(net)
    return net


def recycled_offtakes(net: Network) -> list[Offtake]:
    """Offtakes with recycled_feed whose facility is not itself a recycling facility (whose whole
    output is recycled, so the condition holds by itself); see planner.model.recycled."""
    return [o for o in net.levers.offtakes
            if o.recycled_feed and o.facility_id in net.facilities
            and net.facilities[o.facility_id].stage is not Stage.RECYCLING]


def key_input(net: Network, fid: str, mat: str) -> tuple[str, float] | None:
    """(feed material k', t of k' per t of ``mat``) of the process of ``fid`` that makes ``mat``:
    its largest input (unsourced materials only); None when no process makes it from an input."""
    best = None
    for p in net.processes_of.get(fid, []):
        out = p.outputs.get((mat, ""), 0.0)
        if out <= 0:
            continue
        for (m, src), a in p.inputs.items():
            if src == "" and (best is None or a / out > best[1]):
                best = (m, a / out)
    return best


def tracked_routes(net: Network) -> dict[tuple[str, str], list[Route]]:
    """(facility, material k) -> routes into it carrying k whose recycled part is traced, found by a
    backward search from each recycled-feed offtake's facility along key inputs (no revisits)."""
    into: dict[tuple[str, str], list[Route]] = {}
    for r, commodities, _ in net.route_commodities:
        if any(src == "" for _m, src in commodities):
            into.setdefault((r.to_id, r.material.value), []).append(r)
    tracked: dict[tuple[str, str], list[Route]] = {}
    todo = []
    for o in net.recycled_offtakes:
        k = key_input(net, o.facility_id, o.material.value)
        if k is not None:
            todo.append((o.facility_id, k[0]))
    while todo:
        node = todo.pop()
        if node in tracked:
            continue
        tracked[node] = into.get(node, [])
        for r in tracked[node]:
            sender = net.facilities[r.from_id]
            if sender.stage is Stage.RECYCLING:
                continue
            k = key_input(net, sender.id, node[1])
            if k is not None:
                todo.append((sender.id, k[0]))
    return tracked


def market_years(m: Market, years: list[int]) -> list[int]:
    return [y for y in years
            if (m.first_year is None or y >= m.first_year) and (m.last_year is None or y <= m.last_year)]


__all__ = [
    "CLEAN", "COVERED", "Commodity", "DemandSpec", "Network", "Process",
    "build_network", "build_processes", "demand_specs", "discount_factors", "key_input", "market_years",
    "recycled_offtakes", "route_cost_usd_per_t", "tracked_routes",
]
