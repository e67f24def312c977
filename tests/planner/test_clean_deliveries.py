"""Among plans of equal cost, the one that delivers the most clean material is shown (the
covered-deliveries tie-break stage in planner.pipeline.solve)."""

from __future__ import annotations

import pytest

from models.project import Demand, Market
from planner.pipeline.solve import SolveOptions, solve_project
from planner.progress import SolveState
from planner.solvers.backends import available_solvers
from tests.planner.helpers import mini_chain

SOLVERS = available_solvers()


def equal_price_markets(china_first: bool):
    """No magnet plant; commercial buyers want 100 t of NdFeB in 2027; Chinese and Japanese magnets
    both land at $45,000/t. By hand: every plan costs 100 x 45,000 = $4.5M, whichever market it
    buys from; the tie-break takes all 100 t from Japan (clean), so the clean share is 100 %."""
    p = mini_chain(years=(2027, 2027))
    jp = Market(id="jp_magnet", material="ndfeb_magnet", origin_country="JP", price_usd_per_t=45000, cap_tpy=1000)
    p.markets = [p.markets[0], jp] if china_first else [jp, p.markets[0]]
    p.demands = [Demand(id="com", product="ndfeb_magnet", segment="commercial", tonnes_by_year={2027: 100.0})]
    return p


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("china_first", [True, False])
def test_equal_cost_plans_deliver_clean_first(solver, china_first):
    lines = []
    r = solve_project(equal_price_markets(china_first), SolveOptions(solver=solver), SolveState(on_log=lines.append))
    assert r.total_cost_musd == pytest.approx(4.5)
    (row,) = [d for d in r.demand if d.demand_id == "com"]
    assert row.delivered == pytest.approx(100.0) and row.delivered_clean == pytest.approx(100.0, abs=1e-6)
    assert [c.clean_share for c in r.compliance if c.product == "ndfeb_magnet"] == [pytest.approx(1.0)]


def test_a_dearer_clean_source_is_not_bought_by_the_tie_break():
    """Japan at $45,001/t: the plans are no longer equal ($4.5M vs $4.5001M); the tie-break must not
    spend the cost hold's $1 tolerance on clean tonnes (it could buy 1 t more from Japan for $1 of
    slack): all 100 t come from China, clean share 0."""
    p = equal_price_markets(True)
    p.markets[1].price_usd_per_t = 45001
    r = solve_project(p, SolveOptions(solver=SOLVERS[0]))
    assert r.total_cost_musd == pytest.approx(4.5, abs=1e-9)
    (row,) = [d for d in r.demand if d.demand_id == "com"]
    assert row.delivered_clean == pytest.approx(0.0, abs=1e-6)
