"""Projects and results for the solve-panel and results-dashboard tests (no Qt imports here).

``small_project()``: a valid five-facility chain (Australian mine -> US separation -> US metal
-> US NdFeB and SmCo magnet plants) with a Chinese magnet market, a cobalt market, defense and
commercial demand, one platform and one scenario. It solves in well under a second.

``large_project(n_chains, years)``: many parallel copies of that chain with yes/no build
decisions, so a MILP solve runs for many seconds (for the cancel and responsiveness tests).

``hand_result()``: a PlanResult built by hand for ``small_project()`` with round numbers the
tests check against (used before the real solver existed and for widget tests that must not
depend on solver output).
"""

from __future__ import annotations

from models import (
    Demand,
    ExpansionOption,
    Facility,
    Market,
    Platform,
    Project,
    Route,
    Scenario,
    Settings,
)
from models.project import DemandOverride
from models.vocab import Element, Material, Segment, Stage
from planner.result import (
    Bottleneck,
    CapacityRow,
    Check,
    ComplianceRow,
    CostRow,
    DemandRow,
    Flow,
    Investment,
    MarginalCost,
    PlanResult,
    Production,
    Status,
)


def _chain(prefix: str, project_years: list[int], big: bool = False) -> tuple[list[Facility], list[Route]]:
    mine = Facility(
        id=f"{prefix}mine", name=f"{prefix.upper()}Mount Weld (mine)", country="AU", lat=-28.86, lon=122.55,
        stage=Stage.MINE, capacity_tpy=12_000,
        assay={Element.NDPR: 0.25, Element.DY: 0.01, Element.TB: 0.002, Element.SM: 0.01},
        variable_opex_usd_per_t=1_500,
        options=[ExpansionOption(id=f"{prefix}mine_x", name="Mine expansion", max_add_tpy=8_000,
                                 capex_musd_per_tpy=0.02, fixed_capex_musd=40 if big else 0, lead_time_years=2)],
    )
    sep = Facility(
        id=f"{prefix}sep", name=f"{prefix.upper()}Seadrift separation", country="US", lat=28.4, lon=-96.7,
        stage=Stage.SEPARATION, capacity_tpy=0, online_year=None, variable_opex_usd_per_t=3_000,
        element_recovery={Element.NDPR: 0.95, Element.DY: 0.9, Element.TB: 0.9, Element.SM: 0.9},
        options=[ExpansionOption(id=f"{prefix}sep_build", name="Separation plant", max_add_tpy=10_000,
                                 capex_musd_per_tpy=0.05,
                                 fixed_capex_musd=60 if big else 0, min_add_tpy=2_000 if big else 0,
                                 lead_time_years=1)],
    )
    metal = Facility(
        id=f"{prefix}metal", name=f"{prefix.upper()}Metal plant", country="US", lat=32.7, lon=-97.3, stage=Stage.METAL,
        capacity_tpy=300, element_recovery={Element.NDPR: 0.97, Element.DY: 0.95, Element.TB: 0.95, Element.SM: 0.95},
        variable_opex_usd_per_t=5_000,
        options=[ExpansionOption(id=f"{prefix}metal_x", name="Metal line", max_add_tpy=3_000, capex_musd_per_tpy=0.04,
                                 fixed_capex_musd=15 if big else 0, lead_time_years=1)],
    )
    ndfeb = Facility(
        id=f"{prefix}ndfeb", name=f"{prefix.upper()}NdFeB magnet plant", country="US", lat=32.7, lon=-97.3,
        stage=Stage.MAGNET_NDFEB, capacity_tpy=1_000, variable_opex_usd_per_t=20_000,
        options=[ExpansionOption(id=f"{prefix}ndfeb_x", name="Magnet line", max_add_tpy=5_000, capex_musd_per_tpy=0.1,
                                 fixed_capex_musd=20 if big else 0, min_add_tpy=500 if big else 0, lead_time_years=2)],
    ).with_default_recipe()
    smco = Facility(
        id=f"{prefix}smco", name=f"{prefix.upper()}SmCo magnet plant", country="US", lat=40.4, lon=-80.0,
        stage=Stage.MAGNET_SMCO, capacity_tpy=200, variable_opex_usd_per_t=30_000,
    ).with_default_recipe()
    routes = [
        Route(id=f"{prefix}r1", from_id=mine.id, to_id=sep.id, material=Material.CONCENTRATE, transport_usd_per_t=300),
        Route(id=f"{prefix}r2", from_id=sep.id, to_id=metal.id, material=Material.NDPR_OXIDE, transport_usd_per_t=100),
        Route(id=f"{prefix}r3", from_id=sep.id, to_id=metal.id, material=Material.DY_OXIDE, transport_usd_per_t=100),
        Route(id=f"{prefix}r4", from_id=sep.id, to_id=metal.id, material=Material.TB_OXIDE, transport_usd_per_t=100),
        Route(id=f"{prefix}r5", from_id=sep.id, to_id=metal.id, material=Material.SM_OXIDE, transport_usd_per_t=100),
        Route(id=f"{prefix}r6", from_id=metal.id, to_id=ndfeb.id, material=Material.NDPR_METAL, transport_usd_per_t=50),
        Route(id=f"{prefix}r7", from_id=metal.id, to_id=ndfeb.id, material=Material.DY_METAL, transport_usd_per_t=50),
        Route(id=f"{prefix}r8", from_id=metal.id, to_id=ndfeb.id, material=Material.TB_METAL, transport_usd_per_t=50),
        Route(id=f"{prefix}r9", from_id=metal.id, to_id=smco.id, material=Material.SM_METAL, transport_usd_per_t=80),
    ]
    return [mine, sep, metal, ndfeb, smco], routes


def small_project() -> Project:
    settings = Settings(start_year=2026, end_year=2032, base_year=2026, time_limit_s=60)
    years = settings.years
    facilities, routes = _chain("", years)
    return Project(
        name="Small test chain",
        settings=settings,
        facilities=facilities,
        routes=routes,
        markets=[
            Market(id="cn_magnets", name="Chinese NdFeB magnets", material=Material.NDFEB_MAGNET, origin_country="CN",
                   price_usd_per_t=60_000, cap_tpy=3_000),
            Market(id="cobalt", name="Cobalt (DRC via Finland)", material=Material.COBALT, origin_country="FI",
                   price_usd_per_t=35_000),
        ],
        demands=[
            Demand(id="def_ndfeb", name="Defense NdFeB", product=Material.NDFEB_MAGNET, segment=Segment.DEFENSE,
                   tonnes_by_year={y: 600 + 100 * (y - 2026) for y in years}),
            Demand(id="com_ndfeb", name="Commercial NdFeB", product=Material.NDFEB_MAGNET, segment=Segment.COMMERCIAL,
                   tonnes_by_year={y: 1_500 for y in years}),
            Demand(id="def_smco", name="Defense SmCo", product=Material.SMCO_MAGNET, segment=Segment.DEFENSE,
                   tonnes_by_year={y: 60 for y in years}),
        ],
        platforms=[Platform(id="f35", name="F-35", units_by_year={y: 150 for y in years}, ndfeb_kg_per_unit=400)],
        scenarios=[Scenario(id="demand_x2", name="Defense demand x2",
                            overrides=[DemandOverride(segment=Segment.DEFENSE, factor=2.0)])],
    )


def large_project(n_chains: int = 60, end_year: int = 2045) -> Project:
    """``n_chains`` parallel chains with fixed-cost build decisions over a long horizon (a slow MILP)."""
    settings = Settings(start_year=2026, end_year=end_year, base_year=2026, time_limit_s=600, mip_gap=0.0)
    years = settings.years
    facilities, routes, demands = [], [], []
    for i in range(n_chains):
        f, r = _chain(f"c{i}_", years, big=True)
        facilities += f
        routes += r
        demands.append(Demand(id=f"d{i}", product=Material.NDFEB_MAGNET, segment=Segment.DEFENSE,
                              tonnes_by_year={y: 500 + (37 * i + 13 * (y - 2026)) % 900 for y in years}))
    return Project(name="Large synthetic chain", settings=settings, facilities=facilities, routes=routes,
                   demands=demands,
                   markets=[Market(id="cobalt", material=Material.COBALT, origin_country="FI", price_usd_per_t=35_000)])


def hand_result() -> PlanResult:
    """A plan for ``small_project()`` with round figures (not solver output; checked by hand)."""
    years = list(range(2026, 2033))
    demand = []
    compliance = []
    for y in years:
        # NdFeB: defense 600+100k, commercial 1500, platform 60; 2027: clean 1900, other 300, unmet 0
        d_def = 600 + 100 * (y - 2026)
        unmet = 50.0 if y == 2026 else 0.0
        demand.append(DemandRow("def_ndfeb", "ndfeb_magnet", "defense", y, d_def, d_def - unmet, d_def - unmet, unmet))
        demand.append(DemandRow("com_ndfeb", "ndfeb_magnet", "commercial", y, 1500, 1500, 1200, 0.0))
        demand.append(DemandRow("platform:f35:ndfeb_magnet", "ndfeb_magnet", "defense", y, 60, 60, 60, 0.0))
        smco_unmet = 20.0 if y <= 2027 else 0.0
        demand.append(DemandRow("def_smco", "smco_magnet", "defense", y, 60, 60 - smco_unmet, 60 - smco_unmet,
                                smco_unmet))
        delivered = d_def - unmet + 1500 + 60
        clean = d_def - unmet + 1200 + 60
        compliance.append(ComplianceRow("ndfeb_magnet", y, clean / delivered, False))
        compliance.append(ComplianceRow("smco_magnet", y, 1.0, False))
    flows = [
        Flow("mine", "sep", "concentrate", 2027, "clean", 8_000, "mine"),
        Flow("sep", "metal", "ndpr_oxide", 2027, "clean", 1_900),
        Flow("sep", "metal", "dy_oxide", 2027, "clean", 72),
        Flow("sep", "metal", "sm_oxide", 2027, "clean", 72),
        Flow("metal", "ndfeb", "ndpr_metal", 2027, "clean", 700),
        Flow("metal", "ndfeb", "dy_metal", 2027, "clean", 45),
        Flow("metal", "smco", "sm_metal", 2027, "clean", 12),
        Flow("cobalt", "smco", "cobalt", 2027, "clean", 24),
        Flow("ndfeb", "def_ndfeb", "ndfeb_magnet", 2027, "clean", 700),
        Flow("ndfeb", "com_ndfeb", "ndfeb_magnet", 2027, "clean", 1200),
        Flow("ndfeb", "platform:f35:ndfeb_magnet", "ndfeb_magnet", 2027, "clean", 60),
        Flow("cn_magnets", "com_ndfeb", "ndfeb_magnet", 2027, "covered", 300),
        Flow("smco", "def_smco", "smco_magnet", 2027, "clean", 40),
        Flow("mine", "sep", "concentrate", 2030, "clean", 12_000, "mine"),
        Flow("ndfeb", "def_ndfeb", "ndfeb_magnet", 2030, "clean", 1_000),
    ]
    costs = [CostRow(y, 120.0 if y == 2026 else (40.0 if y == 2027 else 0.0), 30.0 + y - 2026, 2.5, 18.0)
             for y in years]
    return PlanResult(
        status=Status.OPTIMAL,
        message="Optimal plan found; all checks passed.",
        solver="cbc",
        scenario="base",
        objective=1_234.5,
        total_cost_musd=987.6,
        cost_breakdown_musd={"capex": 150.26, "opex": 600.0, "transport": 37.35, "purchases": 200.0},
        investments=[
            Investment("sep", "sep_build", 2026, 2027, 8_000, 400.0),
            Investment("ndfeb", "ndfeb_x", 2026, 2028, 1_500, 150.0),
            Investment("mine", "mine_x", 2027, 2029, 4_000, 80.0),
        ],
        production=[Production("ndfeb", 2027, "ndfeb_magnet", 1_960)],
        flows=flows,
        demand=demand,
        marginal_costs=[MarginalCost("ndfeb_magnet", "defense", y, 95_000 - 2_000 * (y - 2026)) for y in years]
        + [MarginalCost("ndfeb_magnet", "commercial", y, 60_000) for y in years]
        + [MarginalCost("smco_magnet", "defense", y, 140_000) for y in years],
        bottlenecks=[Bottleneck("ndfeb", 2027, 25_000)],
        compliance=compliance,
        capacity=[CapacityRow("ndfeb", y, 1_000 + (1_500 if y >= 2028 else 0), 1_000) for y in years]
        + [CapacityRow("sep", y, 8_000 if y >= 2027 else 0, 0) for y in years],
        costs_by_year=costs,
        checks=[Check("balances", True, 0.0)],
        solve_seconds=0.4,
        build_seconds=0.1,
        n_variables=1_234,
        n_constraints=987,
    )
