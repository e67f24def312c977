"""The real sample chain solves to a verified optimum equal to the stored expected summary."""

import json
from pathlib import Path

import pytest

from planner.result import Status
from planner.pipeline.solve import SolveOptions, solve_project

from .helpers import REAL

EXPECTED = json.loads((Path(__file__).parent / "expected" / "real_chain_base.json").read_text())


@pytest.fixture(scope="module", params=["highs", "cbc"])
def result(request):
    from models import load_project

    return solve_project(load_project(REAL), SolveOptions(solver=request.param, time_limit_s=300))


def test_optimal_and_verified(result):
    assert result.status is Status.OPTIMAL, result.message
    assert result.checks and all(c.passed for c in result.checks)
    assert {c.name for c in result.checks} >= {"balance", "capacity", "demand", "compliance", "bounds_and_integrality"}


def test_cost_matches_the_stored_summary(result):
    assert result.total_cost_musd == pytest.approx(EXPECTED["total_cost_musd"], rel=1e-4)
    for k, v in EXPECTED["cost_breakdown_musd"].items():
        assert result.cost_breakdown_musd[k] == pytest.approx(v, rel=1e-3, abs=0.05)
    assert result.unmet_total() == pytest.approx(EXPECTED["unmet_t"], abs=1e-3)


def test_investments_match_the_stored_summary(result):
    got = {(i.facility, i.option, i.decided_year, i.online_year): i.added_tpy for i in result.investments}
    want = {(i["facility"], i["option"], i["decided_year"], i["online_year"]): i["added_tpy"] for i in EXPECTED["investments"]}
    assert got.keys() == want.keys()
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-2)


def test_no_defense_tonne_of_covered_origin_from_2027(result):
    for c in result.compliance:
        if c.year >= 2027:
            assert c.defense_covered_origin is False, c
    for r in result.demand:
        if r.segment == "defense" and r.year >= 2027:
            assert r.delivered_clean == pytest.approx(r.delivered, abs=1e-6)


def test_marginal_costs_cover_every_product_year(result):
    keys = {(m.product, m.segment, m.year) for m in result.marginal_costs}
    assert ("ndfeb_magnet", "defense", 2027) in keys and ("smco_magnet", "defense", 2027) in keys
    assert all(m.usd_per_t >= 0 for m in result.marginal_costs)
