"""Outside buyers (sales markets): hand-worked micro chains on both solvers.

Every chain has discount rate 0 and asset life 1, so costs and revenue add up by hand.
"""

from __future__ import annotations

import pytest

from models.project import Demand, Facility, Market, Project, Route, SalesMarket
from planner.pipeline.solve import SolveOptions, solve_project
from planner.result import Status

SOLVERS = ["highs", "cbc"]


def mine_to_oxide(price: float) -> Project:
    """AU mine (1,000 t TREO/yr, 25 % NdPr, $3,000/t) -> US separation (80 % NdPr recovery, $5,000/t
    feed); no US demand at all; a Japanese buyer takes up to 150 t/yr of NdPr oxide at ``price``."""
    p = Project(name="sell")
    s = p.settings
    s.start_year, s.end_year, s.base_year, s.discount_rate, s.asset_life_years = 2026, 2027, 2026, 0.0, 1
    p.facilities = [
        Facility(id="mine", name="Mine", stage="mine", country="AU", capacity_tpy=1000, assay={"ndpr": 0.25},
                 variable_opex_usd_per_t=3000),
        Facility(id="sep", name="Sep", stage="separation", country="US", capacity_tpy=1000,
                 element_recovery={"ndpr": 0.8}, variable_opex_usd_per_t=5000),
    ]
    p.routes = [Route(id="r", from_id="mine", to_id="sep", material="concentrate", transport_usd_per_t=0)]
    p.sales_markets = [SalesMarket(id="jp", material="ndpr_oxide", country="JP",
                                   price_usd_per_t_by_year={2026: price}, cap_tpy_by_year={2026: 150})]
    return p


@pytest.mark.parametrize("solver", SOLVERS)
def test_positive_margin_runs_without_us_demand(solver):
    """1 t TREO costs 3,000 + 5,000 = $8,000 and yields 0.25 x 0.8 = 0.2 t oxide: $40,000/t of oxide,
    below the $70,000 price, so the plant sells the whole cap: 150 t/yr needs 150 / 0.2 = 750 t TREO.
    Per year: revenue 150 x 70,000 = $10.5M, cost 750 x 8,000 = $6.0M. Two years, no discounting:
    gross cost $12.0M, revenue $21.0M, net cost -$9.0M."""
    r = solve_project(mine_to_oxide(70_000), SolveOptions(solver=solver))
    assert r.status is Status.OPTIMAL, r.message
    assert [(x.year, x.market, x.facility, x.tonnes) for x in r.sales] == [(2026, "jp", "sep", 150.0),
                                                                           (2027, "jp", "sep", 150.0)]
    assert r.sales[0].revenue_musd == pytest.approx(10.5, abs=1e-6)
    assert r.total_cost_musd == pytest.approx(12.0, abs=1e-6)
    assert r.revenue_musd == pytest.approx(21.0, abs=1e-6)
    assert r.net_cost_musd == pytest.approx(-9.0, abs=1e-6)
    assert {c.year: c.activity_t for c in r.capacity if c.facility == "mine"} == {2026: pytest.approx(750.0),
                                                                                  2027: pytest.approx(750.0)}
    assert [c.revenue_musd for c in r.costs_by_year] == [pytest.approx(10.5), pytest.approx(10.5)]
    d = r.to_dict()
    assert (d["total_cost_musd"], d["revenue_musd"], d["net_cost_musd"]) == pytest.approx((12.0, 21.0, -9.0))
    assert d["sales"][0]["class"] == "clean"


@pytest.mark.parametrize("solver", SOLVERS)
def test_negative_margin_idles(solver):
    """At $35,000/t the oxide costs $40,000/t to make: every tonne sold loses $5,000, so nothing runs."""
    r = solve_project(mine_to_oxide(35_000), SolveOptions(solver=solver))
    assert r.status is Status.OPTIMAL, r.message
    assert r.sales == [] and r.production == []
    assert (r.total_cost_musd, r.revenue_musd, r.net_cost_musd) == (0.0, 0.0, 0.0)


def magnet_plant(segment: str, **market) -> Project:
    """A US magnet plant (100 t/yr, $25,000/t) makes 1 t of NdFeB from 0.34 t of Australian NdPr metal
    bought at $80,000/t; a US demand of 100 t/yr of ``segment``; a European buyer at $60,000/t (below
    the $52,200/t cost? no: 25,000 + 0.34 x 80,000 = $52,200/t, so every free tonne would earn $7,800)
    with the reservation given in ``market``. One year (2026), compliance from 2026."""
    p = Project(name="reserved")
    s = p.settings
    s.start_year = s.end_year = s.base_year = s.compliance_start_year = 2026
    s.discount_rate, s.asset_life_years = 0.0, 1
    p.facilities = [Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", capacity_tpy=100,
                             recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0},
                             variable_opex_usd_per_t=25_000)]
    p.markets = [Market(id="au_metal", material="ndpr_metal", origin_country="AU", price_usd_per_t=80_000)]
    p.demands = [Demand(id="us", product="ndfeb_magnet", segment=segment, tonnes_by_year={2026: 100.0})]
    p.sales_markets = [SalesMarket(id="eu", material="ndfeb_magnet", country="DE",
                                   price_usd_per_t_by_year={2026: 60_000}, facility_ids=["mag"], **market)]
    return p


@pytest.mark.parametrize("segment", ["defense", "commercial"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_reserved_share_never_reaches_us_buyers(solver, segment):
    """35 % of the plant's output is committed to the European buyer: sold >= 0.35 x production.
    With production P <= 100, US deliveries = P - sold <= 0.65 P <= 65 t, so 35 t of US demand stays
    unmet whatever its segment, and the buyer gets exactly 35 t (selling more would leave more US demand
    short, which the shortfall stages hold). Revenue 35 x 60,000 = $2.1M; cost 100 x 52,200 = $5.22M."""
    r = solve_project(magnet_plant(segment, reserved_share=0.35), SolveOptions(solver=solver))
    assert r.status is Status.OPTIMAL, r.message
    assert sum(x.tonnes for x in r.sales) == pytest.approx(35.0, abs=1e-6)
    assert r.demand[0].delivered == pytest.approx(65.0, abs=1e-6)
    assert r.demand[0].unmet == pytest.approx(35.0, abs=1e-6)
    assert r.revenue_musd == pytest.approx(2.1, abs=1e-6)
    assert r.total_cost_musd == pytest.approx(5.22, abs=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_reserved_volume_comes_before_us_commercial_but_after_defense(solver):
    """A contract for 40 t: the plant's 100 t serve it before US commercial demand (60 t delivered,
    40 t unmet), but US defense demand always comes first (100 t delivered, the contract 40 t short)."""
    r = solve_project(magnet_plant("commercial", reserved_tpy_by_year={2026: 40.0}), SolveOptions(solver=solver))
    assert r.status is Status.OPTIMAL, r.message
    assert sum(x.tonnes for x in r.sales) == pytest.approx(40.0, abs=1e-6)
    assert r.demand[0].unmet == pytest.approx(40.0, abs=1e-6)
    assert r.sales_shortfall == []
    r = solve_project(magnet_plant("defense", reserved_tpy_by_year={2026: 40.0}), SolveOptions(solver=solver))
    assert r.status is Status.OPTIMAL, r.message
    assert r.demand[0].unmet == pytest.approx(0.0, abs=1e-6)
    assert [(s.market, s.year, s.reserved_t) for s in r.sales_shortfall] == [("eu", 2026, 40.0)]
    assert r.sales_shortfall[0].short_t == pytest.approx(40.0, abs=1e-5)  # held stages give back <= 1e-6 t each


@pytest.mark.parametrize("solver", SOLVERS)
def test_free_output_goes_to_us_commercial_before_export(solver):
    """No reservation: US commercial demand (100 t) takes the whole 100 t (its shortfall is minimised
    before net cost), although the European buyer would pay $60,000 for each tonne."""
    r = solve_project(magnet_plant("commercial"), SolveOptions(solver=solver))
    assert r.status is Status.OPTIMAL, r.message
    assert r.sales == [] and r.demand[0].delivered == pytest.approx(100.0, abs=1e-6)


def test_clean_only_buyer_gets_no_covered_tonne():
    """A buyer with compliance "clean" has no covered-class sale variable: a Chinese magnet plant
    cannot sell to it, and the model offers no sale at all (nothing to verify away)."""
    from planner.model.build import create_model
    from planner.model.network import build_network

    p = magnet_plant("commercial", compliance="clean")
    p.facilities[0].country = "CN"
    lp, _ = create_model(build_network(p))
    assert not [k for k in lp.var_keys if k[0] == "sell"]


def test_bad_sales_market_gets_a_located_message():
    """An unknown seller and a seller that does not make the material are errors with their location;
    a reserved share without sellers is refused where it is typed."""
    from pydantic import ValidationError

    from models.validation import validate_project

    p = magnet_plant("commercial")
    p.sales_markets[0].facility_ids = ["nope", "mag"]
    p.sales_markets.append(SalesMarket(id="oxide", material="ndpr_oxide", price_usd_per_t_by_year={2026: 1.0},
                                       facility_ids=["mag"]))
    text = [str(x) for x in validate_project(p)]
    assert "sales_markets[0].facility_ids[0]: unknown facility 'nope'" in text
    assert "sales_markets[1].facility_ids[0]: 'mag' does not produce ndpr_oxide" in text
    with pytest.raises(ValidationError, match="reserved_share needs facility_ids"):
        SalesMarket(id="x", material="ndfeb_magnet", price_usd_per_t_by_year={2026: 1.0}, reserved_share=0.5)


def test_summary_prints_gross_revenue_and_net_lines():
    """The solve summary of the positive-margin chain: gross $12.0M, revenue $21.0M, net -$9.0M,
    each on its own line, and the sales table."""
    from planner.reports.text import format_summary

    text = format_summary(solve_project(mine_to_oxide(70_000), SolveOptions(solver="highs")))
    assert "Total discounted cost: $12.0M" in text
    assert "Revenue from outside buyers (discounted): $21.0M" in text
    assert "Net cost (total cost - revenue): -$9.0M" in text
    assert "Sales to outside buyers" in text
