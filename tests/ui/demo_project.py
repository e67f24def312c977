"""A realistic-looking project for the UI tests and screenshots (not a data source).

Names, countries, statuses and rough capacities follow sample_projects/reference/facilities.csv;
costs, assays and demand are round illustrative numbers. The sample projects in
sample_projects/ carry the sourced figures.
"""

from __future__ import annotations

from models.project import (
    CapexOverride,
    DelayOverride,
    Demand,
    ExpansionOption,
    Facility,
    FacilityFilter,
    Market,
    MarketCapOverride,
    Platform,
    Project,
    Route,
    Scenario,
    Settings,
)
from models.vocab import Element, Material, Segment, Stage, Status

E = Element


def _f(fid, name, operator, country, stage, status, cap, lat, lon, **kw) -> Facility:
    return Facility(id=fid, name=name, operator=operator, country=country, stage=stage, status=status,
                    capacity_tpy=cap, lat=lat, lon=lon, **kw).with_default_recipe()


def demo_project() -> Project:
    S, St = Stage, Status
    years = range(2026, 2036)
    facilities = [
        _f("mp-mine", "Mountain Pass mine", "MP Materials", "US", S.MINE, St.OPERATING, 45000, 35.48, -115.53,
           assay={E.NDPR: 0.16, E.DY: 0.0005, E.TB: 0.0001, E.SM: 0.008}, variable_opex_usd_per_t=900),
        _f("mt-weld", "Mt Weld mine", "Lynas Rare Earths", "AU", S.MINE, St.OPERATING, 12000, -28.86, 122.55,
           assay={E.NDPR: 0.25, E.DY: 0.004, E.TB: 0.001, E.SM: 0.005},
           options=[ExpansionOption(id="mt-weld-stage2", name="Stage 2 concentrator", max_add_tpy=6000,
                                    capex_musd_per_tpy=0.02, lead_time_years=3)]),
        _f("eneabba-stockpile", "Eneabba stockpile", "Iluka Resources", "AU", S.MINE, St.OPERATING, 3000,
           -29.82, 115.27, assay={E.NDPR: 0.20, E.DY: 0.01, E.TB: 0.002}),
        _f("nolans", "Nolans project", "Arafura Rare Earths", "AU", S.MINE, St.PLANNED, 0, -22.58, 133.24,
           assay={E.NDPR: 0.265, E.DY: 0.005, E.TB: 0.001},
           options=[ExpansionOption(id="nolans-build", name="Nolans mine and concentrator", max_add_tpy=4440,
                                    min_add_tpy=4440, fixed_capex_musd=1000, lead_time_years=3)]),
        _f("strange-lake", "Strange Lake project", "Torngat Metals", "CA", S.MINE, St.CONCEPT, 0, 56.33, -64.17,
           assay={E.NDPR: 0.12, E.DY: 0.02, E.TB: 0.003},
           options=[ExpansionOption(id="strange-lake-build", name="Mine and concentrator", max_add_tpy=15000,
                                    capex_musd_per_tpy=0.05, lead_time_years=4)]),
        _f("kalgoorlie", "Kalgoorlie processing facility", "Lynas Rare Earths", "AU", S.CRACKING, St.OPERATING,
           9000, -30.75, 121.47),
        _f("mp-separation", "Mountain Pass separations", "MP Materials", "US", S.SEPARATION, St.OPERATING, 20000,
           35.48, -115.53, element_recovery={E.NDPR: 0.9, E.SM: 0.8}),
        _f("lynas-lamp", "Lynas Malaysia (LAMP)", "Lynas Rare Earths", "MY", S.SEPARATION, St.OPERATING, 10500,
           3.97, 103.43, separation_feed="mixed_carbonate", element_recovery={E.NDPR: 0.95, E.DY: 0.9, E.TB: 0.9}),
        _f("lynas-seadrift", "Lynas Seadrift (Texas)", "Lynas USA", "US", S.SEPARATION, St.PLANNED, 0, 28.41,
           -96.71, separation_feed="mixed_carbonate", element_recovery={E.NDPR: 0.95, E.DY: 0.9, E.TB: 0.9},
           options=[ExpansionOption(id="seadrift-build", name="Light and heavy RE plant", max_add_tpy=5000,
                                    capex_musd_per_tpy=0.06, fixed_capex_musd=120, lead_time_years=3)]),
        _f("eneabba-refinery", "Eneabba refinery", "Iluka Resources", "AU", S.SEPARATION, St.CONSTRUCTION, 8000,
           -29.82, 115.27, online_year=2027, ramp_up_shares=[0.3, 0.7],
           element_recovery={E.NDPR: 0.93, E.DY: 0.9, E.TB: 0.9}),
        _f("white-mesa", "White Mesa Mill REE circuit", "Energy Fuels", "US", S.SEPARATION, St.OPERATING, 1000,
           37.56, -109.48, element_recovery={E.NDPR: 0.92}),
        _f("silmet", "Silmet separation plant", "Neo Performance Materials", "EE", S.SEPARATION, St.OPERATING,
           3000, 59.38, 28.19, element_recovery={E.NDPR: 0.92, E.SM: 0.9}),
        _f("shenghe-ref", "Chinese separator (reference)", "various", "CN", S.SEPARATION, St.OPERATING, 50000,
           40.65, 109.84, element_recovery={E.NDPR: 0.95, E.DY: 0.95, E.TB: 0.95, E.SM: 0.95}),
        _f("cyclic-kingston", "Cyclic Materials Kingston", "Cyclic Materials", "CA", S.RECYCLING,
           St.CONSTRUCTION, 500, 44.23, -76.49, online_year=2026),
        _f("mp-metal", "Independence metal line", "MP Materials", "US", S.METAL, St.OPERATING, 1300, 32.75,
           -97.33, element_recovery={E.NDPR: 0.97, E.DY: 0.95, E.TB: 0.95}),
        _f("kmp", "Korean Metals Plant", "ASM", "KR", S.METAL, St.OPERATING, 1300, 36.64, 127.49,
           element_recovery={E.NDPR: 0.97, E.DY: 0.95, E.TB: 0.95},
           options=[ExpansionOption(id="kmp-phase2", name="Phase 2", max_add_tpy=2300, capex_musd_per_tpy=0.01,
                                    lead_time_years=2)]),
        _f("lcm", "Less Common Metals", "USA Rare Earth", "GB", S.METAL, St.OPERATING, 110, 53.29, -2.90,
           element_recovery={E.NDPR: 0.97, E.SM: 0.95}),
        _f("sherritt", "Fort Saskatchewan refinery", "Sherritt International", "CA", S.COBALT, St.OPERATING, 3300,
           53.71, -113.21),
        _f("mp-magnets", "Independence magnets", "MP Materials", "US", S.MAGNET_NDFEB, St.OPERATING, 1000, 32.75,
           -97.33, options=[ExpansionOption(id="mp-10x", name="10X magnet campus", max_add_tpy=7000,
                                            capex_musd_per_tpy=0.12, lead_time_years=2,
                                            ramp_up_shares=[0.3, 0.7])]),
        _f("noveon", "Noveon Magnetics", "Noveon Magnetics", "US", S.MAGNET_NDFEB, St.OPERATING, 2000, 29.88,
           -97.94),
        _f("evac-sumter", "e-VAC Sumter plant", "e-VAC Magnetics", "US", S.MAGNET_NDFEB, St.CONSTRUCTION, 1500,
           33.92, -80.34, online_year=2026, ramp_up_shares=[0.4, 0.8]),
        _f("usar-stillwater", "Stillwater magnet plant", "USA Rare Earth", "US", S.MAGNET_NDFEB, St.CONSTRUCTION,
           1200, 36.12, -97.06, online_year=2026),
        _f("vulcan-benson", "Vulcan Elements Benson", "Vulcan Elements", "US", S.MAGNET_NDFEB, St.PLANNED, 0,
           35.38, -78.55, options=[ExpansionOption(id="vulcan-build", name="10,000 t factory", max_add_tpy=10000,
                                                   capex_musd_per_tpy=0.14, lead_time_years=2)]),
        _f("neo-narva", "Neo Narva magnet plant", "Neo Performance Materials", "EE", S.MAGNET_NDFEB,
           St.OPERATING, 2000, 59.38, 28.19),
        _f("electron-energy", "Electron Energy (Permag)", "Permag", "US", S.MAGNET_SMCO, St.OPERATING, 150, 40.04,
           -76.31),
    ]
    M = Material
    pairs = [
        ("mp-mine", "mp-separation", M.CONCENTRATE), ("mp-mine", "shenghe-ref", M.CONCENTRATE),
        ("mt-weld", "kalgoorlie", M.CONCENTRATE), ("kalgoorlie", "lynas-lamp", M.MIXED_CARBONATE),
        ("kalgoorlie", "lynas-seadrift", M.MIXED_CARBONATE), ("nolans", "eneabba-refinery", M.CONCENTRATE),
        ("eneabba-stockpile", "eneabba-refinery", M.CONCENTRATE), ("strange-lake", "white-mesa", M.CONCENTRATE),
        ("mp-separation", "mp-metal", M.NDPR_OXIDE), ("lynas-lamp", "kmp", M.NDPR_OXIDE),
        ("lynas-seadrift", "mp-metal", M.NDPR_OXIDE), ("eneabba-refinery", "kmp", M.NDPR_OXIDE),
        ("white-mesa", "kmp", M.NDPR_OXIDE), ("silmet", "lcm", M.NDPR_OXIDE), ("silmet", "lcm", M.SM_OXIDE),
        ("cyclic-kingston", "mp-metal", M.NDPR_OXIDE), ("lynas-lamp", "kmp", M.DY_OXIDE),
        ("mp-metal", "mp-magnets", M.NDPR_METAL), ("mp-metal", "vulcan-benson", M.NDPR_METAL),
        ("kmp", "noveon", M.NDPR_METAL), ("kmp", "evac-sumter", M.NDPR_METAL), ("kmp", "usar-stillwater", M.NDPR_METAL),
        ("kmp", "mp-magnets", M.DY_METAL), ("lcm", "neo-narva", M.NDPR_METAL), ("lcm", "electron-energy", M.SM_METAL),
        ("sherritt", "electron-energy", M.COBALT),
    ]
    routes = [Route(id=f"r{i + 1:02d}-{a}-{m.value}"[:60], from_id=a, to_id=b, material=m)
              for i, (a, b, m) in enumerate(pairs)]
    markets = [
        Market(id="cn-ndpr-oxide", name="NdPr oxide from China", material=M.NDPR_OXIDE, origin_country="CN",
               price_usd_per_t=75000, cap_tpy=20000),
        Market(id="cn-dy-metal", name="Dy metal from China", material=M.DY_METAL, origin_country="CN",
               price_usd_per_t=450000),
        Market(id="cn-ndfeb", name="NdFeB magnets from China", material=M.NDFEB_MAGNET, origin_country="CN",
               price_usd_per_t=60000),
        Market(id="jp-ndfeb", name="NdFeB magnets from Japan", material=M.NDFEB_MAGNET, origin_country="JP",
               price_usd_per_t=95000, cap_tpy=1500),
    ]
    demands = [
        Demand(id="dod-ndfeb", name="DoD NdFeB magnets", product=M.NDFEB_MAGNET, segment=Segment.DEFENSE,
               tonnes_by_year={y: 1000 + 100 * (y - 2026) for y in years}),
        Demand(id="us-commercial-ndfeb", name="US commercial NdFeB", product=M.NDFEB_MAGNET,
               segment=Segment.COMMERCIAL, tonnes_by_year={y: 8000 + 700 * (y - 2026) for y in years}),
        Demand(id="dod-smco", name="DoD SmCo magnets", product=M.SMCO_MAGNET, segment=Segment.DEFENSE,
               tonnes_by_year={y: 150 + 5 * (y - 2026) for y in years}),
    ]
    platforms = [Platform(id="f-35", name="F-35 (illustrative magnet content)", ndfeb_kg_per_unit=400,
                          smco_kg_per_unit=20, units_by_year={y: 150 for y in years})]
    scenarios = [
        Scenario(id="no-china", name="No Chinese supply", description="China cuts all exports",
                 overrides=[MarketCapOverride(origin_countries=["CN"], factor=0)]),
        Scenario(id="delays", name="Projects 2 years late", description="Planned and concept projects slip",
                 overrides=[DelayOverride(where=FacilityFilter(statuses=[St.PLANNED, St.CONCEPT]), years=2)]),
        Scenario(id="capex-plus-30", name="Capex +30 %", overrides=[CapexOverride(factor=1.3)]),
    ]
    return Project(name="US and allied mine-to-magnet (UI demo)", settings=Settings(), facilities=facilities,
                   routes=routes, markets=markets, demands=demands, platforms=platforms, scenarios=scenarios)
