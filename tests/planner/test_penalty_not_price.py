"""Penalties are not prices: duals set by the unmet penalty are reported as
"unmet: no compliant supply reachable", and "what limits supply" names the short product's plants."""

from __future__ import annotations

import pytest

from models.project import Demand, Facility
from planner.pipeline.solve import SolveOptions, solve_project
from planner.reports.text import format_summary
from planner.solvers.backends import available_solvers
from tests.planner.test_priority import short_chain

SOLVERS = available_solvers()


def two_product_chain():
    """short_chain (150 t NdFeB capacity for 100 t defense + 100 t commercial in 2027) plus a US
    SmCo plant of 10 t/yr that needs no input (recipe: -> 1 t SmCo) and 20 t defense SmCo demand.

    By hand: NdFeB commercial 50 t unmet (the NdFeB plant binds), SmCo defense 10 t unmet (the
    SmCo plant binds). Both duals are set by the $5M penalty; "what limits supply" blames the
    SmCo plant for SmCo and the NdFeB plant (then metal, separation, mine upstream) for NdFeB.
    """
    p = short_chain(True)
    p.facilities.append(Facility(id="smco", name="Samarium Cobalt Works", stage="magnet_smco", country="US",
                                 capacity_tpy=10.0, recipe_inputs={}, recipe_outputs={"smco_magnet": 1.0},
                                 variable_opex_usd_per_t=40_000))
    p.demands.append(Demand(id="smco_def", product="smco_magnet", segment="defense", tonnes_by_year={2027: 20.0}))
    return p


@pytest.mark.parametrize("solver", SOLVERS)
def test_penalty_set_duals_are_not_shown_as_prices(solver):
    r = solve_project(two_product_chain(), SolveOptions(solver=solver))
    assert r.has_plan, r.message
    mc = {(m.product, m.segment, m.year): m for m in r.marginal_costs}
    for key in (("ndfeb_magnet", "commercial", 2027), ("smco_magnet", "defense", 2027)):
        assert mc[key].no_supply and mc[key].usd_per_t is None
        assert mc[key].note == "unmet: no compliant supply reachable"
    # defense NdFeB is met, but one more defense tonne would come out of the commercial 100 t:
    # its dual is the penalty too, and it says so
    d = mc[("ndfeb_magnet", "defense", 2027)]
    assert d.no_supply and d.usd_per_t is None and "lower-priority buyer short" in d.note
    assert all(m.usd_per_t is None or m.usd_per_t < 2_500_000 for m in r.marginal_costs)
    text = format_summary(r)
    assert "unmet: no compliant supply reachable" in text
    assert "5,000,000" not in text and "4,9" not in text.split("Marginal cost")[1]
    by_fac = {b.facility: b for b in r.bottlenecks if b.year == 2027}
    assert by_fac["smco"].penalty_bound and by_fac["mag"].penalty_bound


@pytest.mark.parametrize("solver", SOLVERS)
def test_what_limits_supply_names_the_short_products_own_plants(solver):
    r = solve_project(two_product_chain(), SolveOptions(solver=solver))
    ndfeb = next(x for x in r.limiting if "ndfeb_magnet" in x)
    smco = next(x for x in r.limiting if "smco_magnet" in x)
    assert ndfeb.startswith("2027: 50.0 t ndfeb_magnet unmet (commercial 50.0 t)")
    assert "magnet_ndfeb: Magnets" in ndfeb and "Samarium" not in ndfeb
    assert smco.startswith("2027: 10.0 t smco_magnet unmet (defense 10.0 t)")
    assert "magnet_smco: Samarium Cobalt Works" in smco and "Magnets" not in smco
    assert "$" not in ndfeb + smco
