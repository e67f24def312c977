"""Plans compared out of sample (robust vs deterministic, committed plan vs hindsight) are ranked by
defense shortfall, then commercial, then contract shortfall, then net cost; every listing shows the
shortfalls beside the cost (planner.analysis.plan_ranking)."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from planner.analysis.plan_ranking import rank_plans
from planner.analysis.risk_report import aggregate, value_of_information
from planner.analysis.risk_worker import SampleSummary
from planner.analysis.robust import RobustReport
from planner.reports.robust_xlsx import write_robust_workbook
from planner.reports.text import risk_summary_lines, robust_lines


def evaluation(costs, defense_short, commercial_short=(0.0, 0.0), contract_short=(0.0, 0.0)):
    """A plan evaluated on two futures: 20 t of defense NdFeB demand in 2027 per future; per future
    its cost ($M, net = total) and the tonnes it leaves short."""
    samples = []
    for i, (c, d, m, k) in enumerate(zip(costs, defense_short, commercial_short, contract_short)):
        samples.append(SampleSummary(
            index=i, status="optimal", total_cost_musd=c, net_cost_musd=c, contract_shortfall_t=k,
            defense_demand_t={"ndfeb_magnet": {2027: 20.0}}, defense_shortfall_t={"ndfeb_magnet": {2027: d}},
            unmet_total_t=d + m, unmet_by_segment_t={"defense": d, "commercial": m}))
    return aggregate(samples, project="hand", n_requested=2, seed=0, target_year=2027)


def cheap_but_short():
    """Cost 100 $M in both futures; 10 t of defense demand short in the first: mean 5 t short."""
    return evaluation((100.0, 100.0), (10.0, 0.0))


def dear_but_whole():
    """Cost 120 $M in both futures, nothing short: mean 0 t."""
    return evaluation((120.0, 120.0), (0.0, 0.0))


def robust_report(deterministic, robust):
    return RobustReport(project="hand", scenario="base", k=2, seed=0, eval_seed=1, n_eval=2, target=None,
                        target_year=2027, status="optimal", deterministic_plan=[["opt", 2026, 100.0]],
                        robust_plan=[["opt", 2026, 150.0]], deterministic_cost_musd=100.0,
                        deterministic_eval=deterministic, robust_eval=robust)


def test_the_order_is_defense_then_commercial_then_contracts_then_cost():
    """A: cheapest (80 $M) but 3 t of commercial demand short (mean 1.5 t); B: 100 $M, nothing short;
    C: 90 $M, 2 t of a take-or-pay offtake short (mean 1 t); D: 60 $M with 1 t of defense demand short
    (mean 0.5 t). By hand: B (0, 0, 0, 100), C (0, 0, 1, 90), A (0, 1.5, 0, 80), D (0.5, ...)."""
    a = evaluation((80.0, 80.0), (0.0, 0.0), commercial_short=(3.0, 0.0))
    b = evaluation((100.0, 100.0), (0.0, 0.0))
    c = evaluation((90.0, 90.0), (0.0, 0.0), contract_short=(2.0, 0.0))
    d = evaluation((60.0, 60.0), (1.0, 0.0))
    ranked = rank_plans([("A", a), ("B", b), ("C", c), ("D", d)])
    assert [(s.plan, s.rank) for s in ranked] == [("B", 1), ("C", 2), ("A", 3), ("D", 4)]
    assert ranked[1].mean_contract_shortfall_t == pytest.approx(1.0)
    assert ranked[2].mean_commercial_shortfall_t == pytest.approx(1.5)
    assert ranked[3].mean_defense_shortfall_t == pytest.approx(0.5) and ranked[3].mean_net_cost_musd == 60.0


def test_robust_report_lists_the_dearer_whole_plan_above_the_cheaper_short_one(tmp_path):
    """Deterministic plan: 100 $M, mean 5 t of defense demand short; robust plan: 120 $M, none short.
    The robust plan ranks first although 20 $M dearer, in the text, the JSON and the workbook, each
    with the shortfall beside the cost."""
    rep = robust_report(cheap_but_short(), dear_but_whole())
    text = robust_lines(rep)
    first = next(i for i, line in enumerate(text) if line.strip().startswith("1. robust"))
    second = next(i for i, line in enumerate(text) if line.strip().startswith("2. deterministic"))
    assert first < second
    assert "defense 0.0 t short" in text[first] and "net cost 120.0 $M" in text[first]
    assert "defense 5.0 t short" in text[second] and "net cost 100.0 $M" in text[second]
    row = next(line for line in text if line.strip().startswith("defense shortfall t (mean)"))
    assert row.split()[-2:] == ["5.0", "0.0"]  # deterministic, robust: beside the cost rows below it

    data = json.loads(rep.to_json())
    plans = data["ranking"]["plans"]
    assert [p["plan"] for p in plans] == ["robust", "deterministic"] and [p["rank"] for p in plans] == [1, 2]
    assert [p["mean_defense_shortfall_t"] for p in plans] == [0.0, 5.0]
    assert [p["mean_net_cost_musd"] for p in plans] == [120.0, 100.0]
    assert data["ranking"]["rule"].startswith("defense shortfall, then commercial")

    path = tmp_path / "robust.xlsx"
    write_robust_workbook(rep, path)
    ws = load_workbook(path)["Robust vs deterministic"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == "Rank")
    assert rows[head][:6] == ["Rank", "Plan", "Defense shortfall t", "Commercial shortfall t", "Contract shortfall t",
                              "Net cost $M discounted"]
    assert rows[head + 1][:6] == [1, "robust", 0, 0, 0, 120]
    assert rows[head + 2][:6] == [2, "deterministic", 5, 0, 0, 100]


def test_risk_value_of_information_never_shows_hindsight_cheaper_without_its_shortfall():
    """Committed plan: 120 $M, nothing short; the hindsight run: 100 $M but 5 t of defense demand short
    on average. "Mean cost saved by hindsight" is 20 $M, and the ranking beside it puts the committed
    plan first, with each plan's shortfall; the JSON read back says the same."""
    plan, hindsight = dear_but_whole(), cheap_but_short()
    plan.mode = "plan"
    plan.value_of_information = value_of_information(plan, hindsight)
    text = risk_summary_lines(plan)
    saved = next(i for i, line in enumerate(text) if "mean cost saved by hindsight: 20.0 $M" in line)
    first = next(i for i, line in enumerate(text) if line.strip().startswith("1. committed plan"))
    second = next(i for i, line in enumerate(text) if line.strip().startswith("2. hindsight"))
    assert saved < first < second
    assert "defense 5.0 t short" in text[second] and "net cost 100.0 $M" in text[second]
    data = json.loads(plan.to_json())
    plans = data["value_of_information"]["ranking"]["plans"]
    assert [(p["plan"], p["mean_defense_shortfall_t"], p["mean_net_cost_musd"]) for p in plans] == [
        ("committed plan", 0.0, 120.0), ("hindsight", 5.0, 100.0)]
