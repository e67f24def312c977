"""Small hand-checkable projects and lookups shared by the planner tests."""

from __future__ import annotations

from pathlib import Path

from models import load_project
from models.project import Demand, ExpansionOption, Facility, Market, Project, Route
from planner.result import PlanResult

ROOT = Path(__file__).resolve().parents[2]
TEACHING = ROOT / "sample_projects" / "teaching_chain.m2m.json"
REAL = ROOT / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"


def teaching() -> Project:
    return load_project(TEACHING)


def flow(result: PlanResult, src: str, dst: str, year: int, klass: str | None = None) -> float:
    return sum(f.tonnes for f in result.flows if f.from_id == src and f.to_id == dst and f.year == year
               and (klass is None or f.klass == klass))


def produced(result: PlanResult, facility: str, material: str, year: int) -> float:
    return sum(p.tonnes for p in result.production
               if p.facility == facility and p.material == material and p.year == year)


def unmet(result: PlanResult, demand_id: str, year: int) -> float:
    return sum(r.unmet for r in result.demand if r.demand_id == demand_id and r.year == year)


def mini_chain(years=(2026, 2029), magnet_capacity=0.0, magnet_option=None) -> Project:
    """AU mine -> US separation -> US metal -> US NdFeB magnet plant; CN magnet market; defense demand.

    Discount rate 0 and asset life 1 (no salvage) so costs can be added up by hand.
    """
    p = Project(name="mini")
    s = p.settings
    s.start_year, s.end_year, s.base_year = years[0], years[1], years[0]
    s.discount_rate, s.asset_life_years = 0.0, 1
    p.facilities = [
        Facility(id="mine", name="Mine", stage="mine", country="AU", capacity_tpy=1000, assay={"ndpr": 0.25}),
        Facility(id="sep", name="Separation", stage="separation", country="US", capacity_tpy=1000,
                 element_recovery={"ndpr": 0.8}),
        Facility(id="metal", name="Metal", stage="metal", country="US", capacity_tpy=100,
                 element_recovery={"ndpr": 1.0}),
        Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", capacity_tpy=magnet_capacity,
                 recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0},
                 variable_opex_usd_per_t=25000, options=[magnet_option] if magnet_option else []),
    ]
    p.routes = [
        Route(id="r_conc", from_id="mine", to_id="sep", material="concentrate", transport_usd_per_t=0),
        Route(id="r_oxide", from_id="sep", to_id="metal", material="ndpr_oxide", transport_usd_per_t=0),
        Route(id="r_metal", from_id="metal", to_id="mag", material="ndpr_metal", transport_usd_per_t=0),
    ]
    p.markets = [Market(id="cn_magnet", material="ndfeb_magnet", origin_country="CN", price_usd_per_t=45000,
                        cap_tpy=1000)]
    p.demands = [Demand(id="defense", product="ndfeb_magnet", segment="defense",
                        tonnes_by_year={y: 100.0 for y in range(years[0], years[1] + 1)})]
    return p


def option(**kw) -> ExpansionOption:
    base = dict(id="mag_x", max_add_tpy=500, capex_musd_per_tpy=0.05, lead_time_years=1, earliest_decision_year=2026)
    base.update(kw)
    return ExpansionOption(**base)
