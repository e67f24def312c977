"""China's licence reaches content: from a scenario's licence year, covered material reaches no
defense demand by any path (through allied processors too), as from the compliance year."""

from __future__ import annotations

import pytest

from models import apply_scenario
from models.project import Demand, Facility, Market, Project, Route, Scenario
from planner.pipeline.solve import SolveOptions, solve_project
from planner.result import Status


def samarium_through_uk() -> Project:
    """Chinese Sm oxide (market, origin CN, $2,000/t) -> UK metal plant (Sm recovery 100 %: 1 / 0.862
    = 1.16 t oxide per t metal) -> US SmCo plant (0.294 t Sm metal + 0.588 t Co per t magnet; cobalt
    from a clean Australian market) -> US defense SmCo demand of 10 t/yr in 2026-2028. The only
    samarium is Chinese. Compliance from 2028; scenario "licence" sets the licence year 2027."""
    p = Project(name="licence")
    s = p.settings
    s.start_year, s.end_year, s.base_year, s.compliance_start_year = 2026, 2028, 2026, 2028
    s.discount_rate, s.asset_life_years = 0.0, 1
    p.facilities = [
        Facility(id="lcm", name="UK metal", stage="metal", country="GB", capacity_tpy=100,
                 element_recovery={"sm": 1.0}),
        Facility(id="smco", name="US SmCo", stage="magnet_smco", country="US", capacity_tpy=100),
    ]
    p.facilities = [f.with_default_recipe() for f in p.facilities]
    p.facilities[0].element_recovery = {"sm": 1.0}
    p.routes = [Route(id="r", from_id="lcm", to_id="smco", material="sm_metal", transport_usd_per_t=0)]
    p.markets = [Market(id="cn_sm", material="sm_oxide", origin_country="CN", price_usd_per_t=2000),
                 Market(id="au_co", material="cobalt", origin_country="AU", price_usd_per_t=50000)]
    p.demands = [Demand(id="def_smco", product="smco_magnet", segment="defense",
                        tonnes_by_year={2026: 10.0, 2027: 10.0, 2028: 10.0})]
    p.scenarios = [Scenario(id="licence", name="China licence", licence_year=2027)]
    return p


def by_year(r, field):
    return {row.year: getattr(row, field) for row in r.demand}


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_chinese_samarium_through_an_allied_metal_plant(solver):
    """Base: the compliance year (2028) alone blocks it: 10 t delivered in 2026 and 2027 (covered
    class: Chinese origin upstream of the UK plant), 10 t unmet in 2028. With the licence year 2027:
    2026 still delivered, 2027 and 2028 unmet (the only samarium is Chinese)."""
    p = samarium_through_uk()
    base = solve_project(p, SolveOptions(solver=solver))
    assert base.status is Status.OPTIMAL, base.message
    assert by_year(base, "delivered") == pytest.approx({2026: 10.0, 2027: 10.0, 2028: 0.0}, abs=1e-6)
    assert by_year(base, "delivered_clean") == pytest.approx({2026: 0.0, 2027: 0.0, 2028: 0.0}, abs=1e-6)
    lic = solve_project(p, SolveOptions(solver=solver, scenario="licence"))
    assert lic.status is Status.OPTIMAL, lic.message
    assert by_year(lic, "delivered") == pytest.approx({2026: 10.0, 2027: 0.0, 2028: 0.0}, abs=1e-6)
    assert by_year(lic, "unmet") == pytest.approx({2026: 0.0, 2027: 10.0, 2028: 10.0}, abs=1e-6)
    assert all(c.passed for c in lic.checks)


def test_licence_year_is_the_earlier_of_the_two():
    """The scenario copies its licence year into the settings; defense takes only clean from
    min(compliance year, licence year); a licence year after the compliance year changes nothing."""
    from planner.model.network import build_network

    p = samarium_through_uk()
    assert build_network(apply_scenario(p, "licence")).defense_clean_from == 2027
    assert build_network(p).defense_clean_from == 2028
    p.scenarios[0].licence_year = 2030
    assert build_network(apply_scenario(p, "licence")).defense_clean_from == 2028
