"""The teaching chain's optimum equals the hand calculation in docs/teaching_chain.md."""

import pytest

from planner.pipeline.solve import SolveOptions, solve_project
from planner.result import Status

from .helpers import flow, teaching

SOLVERS = ["highs", "cbc"]


@pytest.fixture(scope="module", params=SOLVERS)
def result(request):
    return solve_project(teaching(), SolveOptions(solver=request.param))


def test_status_and_checks(result):
    assert result.status is Status.OPTIMAL
    assert all(c.passed for c in result.checks)


def test_total_cost_equals_hand_calculation(result):
    # docs/teaching_chain.md section 6: $84,847,100
    assert result.total_cost_musd == pytest.approx(84.8471, abs=1e-6)
    assert result.cost_breakdown_musd == pytest.approx(
        {"capex": 7.0, "opex": 19.24, "transport": 0.1071, "purchases": 58.5,
         "government": 0.0, "industry": 84.8471}, abs=1e-6)  # no levers: industry pays everything
    assert result.objective == pytest.approx(84.8471, abs=1e-6)  # no unmet demand, no penalty


def test_plan_equals_hand_calculation(result):
    assert [(i.facility, i.option, i.decided_year, i.online_year) for i in result.investments] == [
        ("t_magnet", "t_magnet_build", 2026, 2027)]
    assert result.investments[0].added_tpy == pytest.approx(100.0, abs=1e-6)
    assert result.investments[0].capex_musd == pytest.approx(7.0, abs=1e-9)
    assert result.unmet_total() == pytest.approx(0.0, abs=1e-6)


def test_flows_equal_hand_calculation(result):
    assert flow(result, "t_cn_magnet", "t_commercial", 2026) == pytest.approx(300)
    assert flow(result, "t_cn_magnet", "t_defense", 2026, "covered") == pytest.approx(100)
    for y in (2027, 2028, 2029):
        assert flow(result, "t_cn_magnet", "t_defense", y) == pytest.approx(0, abs=1e-6)
        assert flow(result, "t_cn_magnet", "t_commercial", y) == pytest.approx(300)
        assert flow(result, "t_mine", "t_sep", y, "clean") == pytest.approx(200)
        assert flow(result, "t_sep", "t_metal", y, "clean") == pytest.approx(40)
        assert flow(result, "t_metal", "t_magnet", y, "clean") == pytest.approx(34)
        assert flow(result, "t_magnet", "t_defense", y, "clean") == pytest.approx(100)


def test_costs_by_year_equal_hand_calculation(result):
    by_year = {r.year: r for r in result.costs_by_year}
    assert by_year[2026].capex_musd == pytest.approx(7.0)
    assert by_year[2026].opex_musd == pytest.approx(1.0)
    assert by_year[2027].opex_musd == pytest.approx(6.08)
    assert by_year[2027].transport_musd == pytest.approx(0.0357)
    assert by_year[2026].purchases_musd == pytest.approx(18.0)
    assert by_year[2029].purchases_musd == pytest.approx(13.5)


def test_compliance_rows(result):
    rows = {(c.product, c.year): c for c in result.compliance}
    assert rows[("ndfeb_magnet", 2026)].defense_covered_origin is True  # allowed before 2027
    for y in (2027, 2028, 2029):
        assert rows[("ndfeb_magnet", y)].defense_covered_origin is False
        assert rows[("ndfeb_magnet", y)].clean_share == pytest.approx(100 / 400)


def test_marginal_cost_of_commercial_magnets_is_the_china_price(result):
    mc = {(m.segment, m.year): m.usd_per_t for m in result.marginal_costs}
    for y in (2026, 2027, 2028, 2029):
        assert mc[("commercial", y)] == pytest.approx(45000, rel=1e-6)
    assert mc[("defense", 2026)] == pytest.approx(45000, rel=1e-6)
    # 2027-2029: at least the clean variable cost of $46,157/t (section 7)
    for y in (2027, 2028, 2029):
        assert mc[("defense", y)] >= 46157 - 1e-3


@pytest.mark.parametrize("solver", SOLVERS)
def test_lp_relaxation_equals_hand_calculation_and_costs_add_up(solver):
    """docs/teaching_chain.md: relaxed objective $83,680,433.33; the breakdown must add up to it."""
    r = solve_project(teaching(), SolveOptions(solver=solver, relax_integers=True))
    assert r.objective == pytest.approx(83.68043333, abs=1e-6)
    assert r.total_cost_musd == pytest.approx(r.objective, abs=1e-6)
    b = r.cost_breakdown_musd
    assert b["capex"] + b["opex"] + b["transport"] + b["purchases"] == pytest.approx(r.total_cost_musd, abs=1e-6)
    assert b["government"] + b["industry"] == pytest.approx(r.total_cost_musd, abs=1e-6)  # who pays the same total
