"""A separation circuit that starts later (element_online_year): its elements appear from that year."""

import pytest

from models.project import Demand, Facility, Project, Route
from planner.pipeline.solve import SolveOptions, solve_project


def test_heavy_circuit_produces_dy_only_from_its_start_year():
    """Mine 1,000 t TREO (NdPr 20 %, Dy 5 %) -> separation (100 % recovery) whose Dy circuit starts
    in 2027. Demand 100 t NdPr oxide and 10 t Dy oxide per year 2026-2028. 2026: 500 t of feed
    make the 100 t NdPr, no Dy: 10 t Dy unmet. 2027 and 2028: 500 t of feed make 100 t NdPr and
    25 t Dy (>= 10 t): nothing unmet."""
    p = Project(name="circuit")
    s = p.settings
    s.start_year, s.end_year, s.base_year, s.discount_rate = 2026, 2028, 2026, 0.0
    p.facilities = [
        Facility(id="mine", name="Mine", stage="mine", country="AU", capacity_tpy=1000,
                 assay={"ndpr": 0.2, "dy": 0.05}),
        Facility(id="sep", name="Sep", stage="separation", country="US", capacity_tpy=1000,
                 element_recovery={"ndpr": 1.0, "dy": 1.0}, element_online_year={"dy": 2027}),
    ]
    p.routes = [Route(id="r", from_id="mine", to_id="sep", material="concentrate", transport_usd_per_t=0)]
    years = {2026: 100.0, 2027: 100.0, 2028: 100.0}
    p.demands = [Demand(id="ndpr", product="ndpr_oxide", segment="commercial", tonnes_by_year=years),
                 Demand(id="dy", product="dy_oxide", segment="commercial", tonnes_by_year={y: 10.0 for y in years})]
    r = solve_project(p, SolveOptions(solver="highs"))
    assert r.has_plan and all(c.passed for c in r.checks)
    dy = {(d.demand_id, d.year): d.unmet for d in r.demand}
    assert dy[("dy", 2026)] == pytest.approx(10)
    assert dy[("dy", 2027)] == pytest.approx(0, abs=1e-6) and dy[("dy", 2028)] == pytest.approx(0, abs=1e-6)
    assert all(dy[("ndpr", y)] == pytest.approx(0, abs=1e-6) for y in years)
    made = {(x.year, x.material): x.tonnes for x in r.production if x.facility == "sep"}
    assert ("2026", "dy_oxide") not in made and (2026, "dy_oxide") not in made
    assert made[(2027, "dy_oxide")] >= 10 - 1e-6


def test_element_online_year_only_for_separation():
    with pytest.raises(ValueError, match="only meaningful for separation"):
        Facility(id="m", name="M", stage="metal", element_online_year={"dy": 2027})
