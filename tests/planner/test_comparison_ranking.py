"""Comparisons never reward a shortfall: ranking, value of lost supply, penalty-set capacity values."""

from __future__ import annotations

import pytest

from planner.analysis.comparison import compare
from planner.analysis.shortfall_value import VOLL_PRICE_MULTIPLE, shortfall_value_musd, value_of_lost_supply
from planner.reports.text import comparison_table
from planner.result import DemandRow, PlanResult, Status

from .helpers import mini_chain


def plan(scenario: str, cost: float, defense_unmet: float, commercial_unmet: float = 0.0) -> PlanResult:
    r = PlanResult(Status.OPTIMAL, "ok", "highs", scenario, total_cost_musd=cost, cost_breakdown_musd={"capex": 0.0})
    r.demand = [DemandRow("defense", "ndfeb_magnet", "defense", 2027, 100.0, 100.0 - defense_unmet,
                          100.0 - defense_unmet, defense_unmet, 1),
                DemandRow("com", "ndfeb_magnet", "commercial", 2027, 100.0, 100.0 - commercial_unmet,
                          100.0 - commercial_unmet, commercial_unmet, 2)]
    return r


def test_a_cheaper_plan_with_a_shortfall_ranks_below_a_dearer_one_without():
    """cheap: $100M with 10 t defense unmet; dear: $150M, nothing unmet; mid: $120M with 10 t of
    commercial unmet. Ranking: dear (no shortfall), mid (commercial only), cheap (defense short).

    Value of lost supply in mini_chain: no setting, one NdFeB market at $45,000/t -> 10 x 45,000 =
    $450,000/t. Discount rate 0, so the cheap plan's 10 t are worth 10 x 450,000 = $4.5M: cost incl.
    lost supply 100 + 4.5 = $104.5M."""
    project = mini_chain()
    results = {"cheap": plan("base", 100.0, 10.0), "dear": plan("base", 150.0, 0.0),
               "mid": plan("base", 120.0, 0.0, 10.0)}
    cmp = compare(results, project=project)
    assert cmp.ranking == ["dear", "mid", "cheap"]
    assert {s.scenario: s.rank for s in cmp.scenarios} == {"dear": 1, "mid": 2, "cheap": 3}
    assert value_of_lost_supply(project) == {"ndfeb_magnet": VOLL_PRICE_MULTIPLE * 45_000}
    cheap = cmp.summary("cheap")
    assert cheap.shortfall_value_musd == pytest.approx(4.5)
    assert cheap.cost_incl_shortfall_musd == pytest.approx(104.5)
    assert cmp.summary("dear").cost_incl_shortfall_musd == pytest.approx(150.0)
    text = "\n".join(comparison_table(cmp))
    assert "rank (defense, commercial, contract short; cost)" in text and "cost incl. lost supply" in text
    assert "objective incl. penalty" not in text


def test_a_set_value_of_lost_supply_is_used_as_is_and_never_the_penalty():
    """settings.value_of_lost_supply_usd_per_t = $2M/t: 10 t unmet -> $20M; the $5M/t penalty plays no part."""
    project = mini_chain()
    project.settings.value_of_lost_supply_usd_per_t = 2_000_000.0
    assert shortfall_value_musd(project, plan("base", 1.0, 10.0)) == pytest.approx(20.0)
    project.settings.value_of_lost_supply_usd_per_t = None
    project.markets = []
    assert value_of_lost_supply(project) == {"ndfeb_magnet": None}
    assert shortfall_value_musd(project, plan("base", 1.0, 10.0)) is None


def test_penalty_set_capacity_values_are_not_money_in_the_json():
    """Bottlenecks marked penalty_bound carry no $ figure in the result JSON (null), as marginal
    costs set by the penalty carry none."""
    from planner.pipeline.solve import SolveOptions, solve_project
    from tests.planner.test_penalty_not_price import two_product_chain

    r = solve_project(two_product_chain(), SolveOptions(solver="highs"))
    rows = r.to_dict()["bottlenecks"]
    bound = [b for b in rows if b["penalty_bound"]]
    assert bound and all(b["shadow_usd_per_t"] is None for b in bound)
    assert all(b["shadow_usd_per_t"] < 0.5 * 5_000_000 for b in rows if not b["penalty_bound"])
    back = PlanResult.from_dict(r.to_dict())
    assert all(b.shadow_usd_per_t == 0.0 for b in back.bottlenecks if b.penalty_bound)


def test_a_contract_left_short_ranks_below_a_dearer_plan_that_keeps_it():
    """Both meet all demand; 'late' is $164M cheaper but leaves 18,000 t of an offtake short (as the
    real sample's delays scenario with the DoD's 10X offtake): it ranks second."""
    from planner.result import LeverRow

    late = plan("base", 100.0, 0.0)
    late.levers = [LeverRow("offtake_shortfall", "dod_10x_offtake", "mp_10x", 2028, 18_000.0, 0.0, "industry")]
    cmp = compare({"on_time": plan("base", 264.0, 0.0), "late": late}, project=mini_chain())
    assert cmp.ranking == ["on_time", "late"]
    assert cmp.summary("late").contract_shortfall_t == 18_000.0
