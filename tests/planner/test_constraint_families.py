"""One small hand-solved case per constraint family."""

import pytest

from models.project import Demand, Facility, Market, Route
from planner.pipeline.solve import SolveOptions, solve_project

from .helpers import flow, mini_chain, option, produced, teaching, unmet


def solve(project, **kw):
    r = solve_project(project, SolveOptions(solver=kw.pop("solver", "highs"), **kw))
    assert r.has_plan, r.message
    assert all(c.passed for c in r.checks)
    return r


def test_capacity_no_output_before_decision_plus_lead_time():
    """Lead time 2 from 2026: the magnet plant makes nothing in 2026-2027, defense is unmet in 2027
    (clean only) and served from 2028."""
    r = solve(mini_chain(magnet_option=option(lead_time_years=2)))
    assert produced(r, "mag", "ndfeb_magnet", 2026) == pytest.approx(0, abs=1e-6)
    assert produced(r, "mag", "ndfeb_magnet", 2027) == pytest.approx(0, abs=1e-6)
    assert unmet(r, "defense", 2027) == pytest.approx(100)
    assert produced(r, "mag", "ndfeb_magnet", 2028) == pytest.approx(100)
    assert [(i.decided_year, i.online_year) for i in r.investments] == [(2026, 2028)]
    assert any("2027" in line and "unmet" in line for line in r.limiting)


def test_capacity_holds_and_binding_capacity_is_a_bottleneck():
    """Existing 60 t/yr magnet capacity, no option: 40 t/yr of defense demand is unmet from 2027
    and the magnet plant shows up as the bottleneck."""
    r = solve(mini_chain(magnet_capacity=60))
    for y in (2027, 2028, 2029):
        assert produced(r, "mag", "ndfeb_magnet", y) == pytest.approx(60)
        assert unmet(r, "defense", y) == pytest.approx(40)
    assert {b.facility for b in r.bottlenecks if b.year >= 2027} == {"mag"}


def test_ramp_up_of_an_option():
    """Ramp-up 50 % in the first online year: building 100 t/yr online 2027 gives 50 t in 2027."""
    r = solve(mini_chain(magnet_option=option(ramp_up_shares=[0.5], max_add_tpy=100)))
    assert produced(r, "mag", "ndfeb_magnet", 2027) == pytest.approx(50)
    assert unmet(r, "defense", 2027) == pytest.approx(50)
    assert produced(r, "mag", "ndfeb_magnet", 2028) == pytest.approx(100)


def test_option_fixed_cost_is_a_yes_no_decision_and_min_size_holds():
    r = solve(mini_chain(magnet_option=option(fixed_capex_musd=2.0, min_add_tpy=150)))
    assert len(r.investments) == 1
    inv = r.investments[0]
    assert inv.added_tpy == pytest.approx(150)  # minimum size, though 100 would do
    assert inv.capex_musd == pytest.approx(150 * 0.05 + 2.0)


def test_binding_budget_changes_the_plan():
    """The full build costs $2M fixed + 100 x $0.05M = $7M. A $5M total budget buys only
    (5 - 2) / 0.05 = 60 t/yr, leaving 40 t/yr of clean defense demand unmet; $1.9M buys nothing."""
    p = teaching()
    free = solve(p)
    assert free.investments[0].added_tpy == pytest.approx(100)
    p.settings.budget_total_musd = 5.0
    r = solve(p)
    assert r.investments[0].added_tpy == pytest.approx(60)
    assert r.investments[0].capex_musd == pytest.approx(5.0)
    assert sum(unmet(r, "t_defense", y) for y in (2027, 2028, 2029)) == pytest.approx(120)
    p.settings.budget_total_musd = None
    p.settings.budget_musd_per_year = 1.9
    r = solve(p)
    assert r.investments == []
    assert sum(unmet(r, "t_defense", y) for y in (2027, 2028, 2029)) == pytest.approx(300)


def test_china_market_serves_commercial_always_and_defense_only_before_2027():
    r = solve(teaching())
    assert flow(r, "t_cn_magnet", "t_defense", 2026) == pytest.approx(100)
    assert all(flow(r, "t_cn_magnet", "t_defense", y) == pytest.approx(0, abs=1e-6) for y in (2027, 2028, 2029))
    assert all(flow(r, "t_cn_magnet", "t_commercial", y) == pytest.approx(300) for y in (2026, 2027, 2028, 2029))


def test_compliance_year_setting_moves_the_rule():
    p = teaching()
    p.settings.compliance_start_year = 2028
    r = solve(p)
    assert flow(r, "t_cn_magnet", "t_defense", 2027) == pytest.approx(100)
    assert flow(r, "t_cn_magnet", "t_defense", 2028) == pytest.approx(0, abs=1e-6)
    assert [i.decided_year for i in r.investments] == [2027]  # online just in time for 2028


def test_covered_country_facility_supplies_only_covered_material():
    """A Chinese magnet plant (cheap, big) may serve commercial but not defense from 2027."""
    p = teaching()
    p.facilities.append(Facility(id="cn_plant", name="CN plant", stage="magnet_ndfeb", country="CN", capacity_tpy=1000,
                                 recipe_inputs={}, recipe_outputs={"ndfeb_magnet": 1.0}, variable_opex_usd_per_t=1000))
    r = solve(p)
    assert all(flow(r, "cn_plant", "t_defense", y) == pytest.approx(0, abs=1e-6) for y in (2027, 2028, 2029))
    assert flow(r, "cn_plant", "t_commercial", 2027, "covered") == pytest.approx(300)
    assert flow(r, "cn_plant", "t_defense", 2026, "covered") == pytest.approx(100)


def test_chinese_technology_flag_makes_output_covered():
    p = teaching()
    p.facility("t_magnet").chinese_technology = True
    r = solve(p)
    assert r.investments == []  # building it would not help defense
    assert sum(unmet(r, "t_defense", y) for y in (2027, 2028, 2029)) == pytest.approx(300)


def _de_minimis_chain(share):
    """Magnet plant 100 t/yr; clean NdPr metal limited to 27 t/yr (enough for 90 t magnets at
    0.3 t/t); cheap Chinese metal. Clean magnets need covered input <= share x 0.3 t per t."""
    p = mini_chain(magnet_capacity=100)
    p.settings.de_minimis_share = share
    mag = p.facility("mag")
    mag.recipe_inputs = {"ndpr_metal": 0.3}
    p.facility("metal").capacity_tpy = 27
    p.markets.append(Market(id="cn_metal", material="ndpr_metal", origin_country="CN", price_usd_per_t=1000,
                            cap_tpy=1000))
    return p


def test_de_minimis_zero_allows_no_covered_input_in_defense_magnets():
    r = solve(_de_minimis_chain(0.0))
    assert unmet(r, "defense", 2027) == pytest.approx(10)  # 90 t clean magnets from 27 t clean metal


def test_de_minimis_share_is_honoured():
    """With 10 %: clean activity a needs 0.3a metal of which <= 0.03a covered; 0.27a <= 27 -> a = 100."""
    r = solve(_de_minimis_chain(0.10))
    assert unmet(r, "defense", 2027) == pytest.approx(0, abs=1e-6)
    covered_metal = flow(r, "cn_metal", "mag", 2027)
    assert covered_metal == pytest.approx(3.0, abs=1e-6)  # exactly the 10 % allowed (it is cheaper)
    assert covered_metal <= 0.10 * 0.3 * 100 + 1e-9


def test_separation_output_is_input_times_assay_times_recovery_per_source():
    """Two mines with different assays feed one separation plant (80 % NdPr recovery)."""
    p = mini_chain(magnet_capacity=100)
    p.facilities.insert(1, Facility(id="mine2", name="Mine 2", stage="mine", country="CA", capacity_tpy=100,
                                    assay={"ndpr": 0.40}))
    p.routes.append(Route(id="r_conc2", from_id="mine2", to_id="sep", material="concentrate", transport_usd_per_t=0))
    p.facility("mine").capacity_tpy = 50  # force both mines into use
    r = solve(p)
    for y in (2027, 2028, 2029):
        conc = {f.source: f.tonnes for f in r.flows if f.from_id in ("mine", "mine2") and f.year == y}
        oxide = produced(r, "sep", "ndpr_oxide", y)
        assert oxide == pytest.approx(conc.get("mine", 0) * 0.25 * 0.8 + conc.get("mine2", 0) * 0.40 * 0.8)
        assert oxide > 0


def test_metal_uses_stoichiometric_oxide():
    """1 t NdPr metal needs 1 / (0.850 x recovery) t oxide."""
    r = solve(mini_chain(magnet_capacity=100))
    y = 2027
    metal = produced(r, "metal", "ndpr_metal", y)
    assert metal == pytest.approx(34)
    assert flow(r, "sep", "metal", y) == pytest.approx(34 / 0.850)


def test_smco_magnet_consumes_sm_and_co_per_recipe():
    """Sm2Co17 recipe 0.294 t Sm + 0.588 t Co per t magnet: 10 t magnets -> 2.94 t Sm, 5.88 t Co."""
    p = mini_chain()
    p.facilities += [
        Facility(id="sm_metal", name="Sm metal", stage="metal", country="GB", capacity_tpy=100,
                 element_recovery={"sm": 1.0}),
        Facility(id="cobalt", name="Cobalt", stage="cobalt", country="CA", capacity_tpy=100),
        Facility(id="smco", name="SmCo", stage="magnet_smco", country="US", capacity_tpy=50),
    ]
    for f in p.facilities:
        f.with_default_recipe()
    p.facility("sm_metal").element_recovery = {"sm": 1.0}
    p.markets.append(Market(id="sm_oxide", material="sm_oxide", origin_country="AU", price_usd_per_t=1000))
    p.routes += [
        Route(id="r_sm", from_id="sm_metal", to_id="smco", material="sm_metal", transport_usd_per_t=0),
        Route(id="r_co", from_id="cobalt", to_id="smco", material="cobalt", transport_usd_per_t=0),
    ]
    p.demands.append(Demand(id="smco_def", product="smco_magnet", segment="defense", tonnes_by_year={2027: 10.0}))
    r = solve(p)
    assert flow(r, "smco", "smco_def", 2027, "clean") == pytest.approx(10)
    assert flow(r, "sm_metal", "smco", 2027) == pytest.approx(2.94)
    assert flow(r, "cobalt", "smco", 2027) == pytest.approx(5.88)
    assert flow(r, "sm_oxide", "sm_metal", 2027) == pytest.approx(2.94 / 0.862)


def test_route_capacity_limits_flow():
    p = mini_chain(magnet_capacity=100)
    p.routes[2].capacity_tpy = 17  # metal route: 17 t metal -> 50 t magnets
    r = solve(p)
    assert flow(r, "metal", "mag", 2027) == pytest.approx(17)
    assert unmet(r, "defense", 2027) == pytest.approx(50)


def test_market_cap_limits_purchases():
    p = teaching()
    p.markets[0].cap_tpy = 250
    r = solve(p)
    assert flow(r, "t_cn_magnet", "t_commercial", 2027) + flow(r, "t_cn_magnet", "t_defense", 2027) <= 250 + 1e-6
    # the rest of commercial demand is met by building more domestic capacity (cheaper than unmet)
    assert r.investments[0].added_tpy == pytest.approx(150)


def test_platform_demand_becomes_defense_demand():
    from models.project import Platform
    p = teaching()
    p.platforms.append(Platform(id="f35", name="F-35", units_by_year={2027: 100}, ndfeb_kg_per_unit=400))
    r = solve(p)
    rows = [d for d in r.demand if d.demand_id == "platform:f35:ndfeb_magnet"]
    assert [(d.year, d.demand, d.segment) for d in rows] == [(2027, 40.0, "defense")]
    assert rows[0].delivered_clean == pytest.approx(40.0)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_relaxation_is_never_more_expensive(solver):
    p = teaching()
    milp = solve(p, solver=solver)
    lp = solve(p, solver=solver, relax_integers=True)
    assert lp.objective <= milp.objective + 1e-6


def _stock_chain(holding):
    """Magnet plant 100 t/yr from 2026; defense wants 50 t in 2026 and 150 t in 2027."""
    p = mini_chain(magnet_capacity=100)
    p.demands[0].tonnes_by_year = {2026: 50.0, 2027: 150.0, 2028: 100.0, 2029: 100.0}
    p.settings.stock_holding_usd_per_t_yr = holding
    return p


def test_without_stocks_a_short_year_stays_short():
    r = solve(_stock_chain(None))
    assert unmet(r, "defense", 2027) == pytest.approx(50)
    assert r.stocks == []


def test_stocks_carry_clean_magnets_into_the_compliance_year():
    """Produce 100 in 2026, deliver 50, keep 50 (holding $1,000/t): 2027 is fully met."""
    r = solve(_stock_chain(1000.0))
    assert unmet(r, "defense", 2027) == pytest.approx(0, abs=1e-6)
    stocks = {(s.facility, s.year, s.material, s.klass): s.tonnes for s in r.stocks}
    assert stocks == {("mag", 2026, "ndfeb_magnet", "clean"): pytest.approx(50)}
    by_year = {c.year: c for c in r.costs_by_year}
    # 2026 opex: 100 t magnets x $25,000 + 50 t x $1,000 holding (no other opex in the mini chain)
    assert by_year[2026].opex_musd == pytest.approx(2.5 + 0.05)
    assert r.total_cost_musd == pytest.approx(r.objective, abs=1e-6)
