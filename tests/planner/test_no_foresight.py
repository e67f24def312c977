"""No foresight: a committed plan runs its own operations until an event is revealed (its first year)."""

from __future__ import annotations

import pytest

from planner.analysis.plan_eval import EvalSpec, SampleModel, rebuild_and_solve, reveal_years
from planner.analysis.risk import run_risk
from planner.analysis.risk_report import value_of_information
from planner.analysis.risk_sampling import SampleDraw, draw_sample
from planner.cli.main import main as cli_main
from planner.model.network import build_network
from planner.pipeline.solve import SolveOptions, solve_project

from .resilience_fixtures import outage_stockpile_project

OPTIONS = SolveOptions(time_limit_s=30)


def _delivered(result, year):
    return sum(r.delivered_clean for r in result.demand if r.segment == "defense" and r.year == year)


def _stock_bought(result, year):
    return sum(r.tonnes for r in result.levers if r.kind == "stockpile_buy" and r.year == year)


def test_the_plan_buys_no_stock_and_the_outage_is_revealed_in_2027():
    p = outage_stockpile_project()
    plan = solve_project(p)
    assert plan.has_plan and _stock_bought(plan, 2026) == 0.0 and _delivered(plan, 2027) == pytest.approx(150.0)
    net = build_network(p)
    assert reveal_years(net, {}, {}, {("mag", 2027): 0.05}) == {"mag": 2027}
    assert reveal_years(net, {}, {}, {("mag", 2027): 1.0}) == {}


@pytest.mark.parametrize("share", [0.01, 0.05, 0.10])
def test_a_sample_learns_the_outage_only_in_2027(share):
    """Hand figures (outage_stockpile_project): 2026 runs the plan (nothing bought); 2027 delivers
    the 100 t stockpile + 300 x share t, short 50 - 300 x share t. Both paths agree."""
    p = outage_stockpile_project()
    model = SampleModel(p, EvalSpec(decisions=[]))
    r = model.solve({}, {}, shares={("mag", 2027): share})
    assert r.has_plan, r.message
    assert _stock_bought(r, 2026) == 0.0
    assert _delivered(r, 2027) == pytest.approx(100.0 + 300.0 * share)
    assert _delivered(r, 2028) == pytest.approx(150.0)
    ref = rebuild_and_solve(p, EvalSpec(decisions=[]), SampleDraw(0, {}, {}, {"mag": {2027: share}}))
    assert ref.has_plan and _delivered(ref, 2027) == pytest.approx(100.0 + 300.0 * share)
    assert model.n_reveal_solves == 1  # one warm re-plan: the one reveal year


def test_honest_risk_is_0_percent_and_foresight_100_percent():
    """P(defense met 2027): 0 % evaluating the plan (every sample is 20-47 t short), 100 % with
    perfect foresight (each sample stocks the gap in 2026); the value of information is +100 points.
    Mean shortfall = mean over samples of 50 - 300 x share."""
    p = outage_stockpile_project()
    n = 8
    honest = run_risk(p, n, seed=3, workers=1, options=OPTIONS)
    hindsight = run_risk(p, n, seed=3, workers=1, options=OPTIONS, mode="foresight")
    assert honest.n_failed == 0 and hindsight.n_failed == 0
    assert honest.p_met["ndfeb_magnet"][2027] == 0.0 and hindsight.p_met["ndfeb_magnet"][2027] == 1.0
    shares = [draw_sample(p, 3, i).availability["mag"][2027] for i in range(n)]
    assert all(0.01 <= s <= 0.10 for s in shares)
    assert honest.mean_shortfall_t["ndfeb_magnet"][2027] == pytest.approx(sum(50 - 300 * s for s in shares) / n)
    assert value_of_information(honest, hindsight)["p_met_all"][2027] == 1.0


def test_cli_value_of_information_reports_the_gap(tmp_path, capsys):
    from models.io import save_project

    path = tmp_path / "outage.m2m.json"
    save_project(outage_stockpile_project(), path)
    code = cli_main(["risk", str(path), "-n", "4", "--workers", "1", "--value-of-information"])
    out = capsys.readouterr().out
    assert code == 0
    assert "P(all defense met) +  2027: +100%" in out


def test_an_event_the_path_already_meets_needs_no_re_plan():
    """sole_and_dual_project: mag_ca is idle in the plan, so its outage in 2027 leaves the plan's
    operations feasible -- and optimal, the outage only tightening what they were optimal over:
    the reveal year is skipped (no LP) and the answer is the rebuilt reference's (no shortfall,
    the same cost). mag_us's outage does bind: one re-plan."""
    from planner.analysis.risk_events import Event

    from .resilience_fixtures import sole_and_dual_project

    p = sole_and_dual_project()
    model = SampleModel(p, EvalSpec(decisions=[]))
    idle = [Event("outage:mag_ca", "outage", 2027, 2027, facilities=["mag_ca"])]
    r = model.solve({}, {}, events=idle)
    assert (model.n_reveal_solves, model.n_reveal_skipped) == (0, 1)
    ref = rebuild_and_solve(p, EvalSpec(decisions=[]), SampleDraw(0, {}, {}, {}, events=idle))
    assert r.has_plan and r.total_cost_musd == pytest.approx(ref.total_cost_musd, rel=1e-9)
    assert _delivered(r, 2027) == pytest.approx(130.0)  # 100 t NdFeB + 30 t SmCo
    busy = [Event("outage:mag_us", "outage", 2027, 2027, facilities=["mag_us"])]
    r = model.solve({}, {}, events=busy)
    assert (model.n_reveal_solves, model.n_reveal_skipped) == (1, 1)
    ref = rebuild_and_solve(p, EvalSpec(decisions=[]), SampleDraw(0, {}, {}, {}, events=busy))
    assert r.total_cost_musd == pytest.approx(ref.total_cost_musd, rel=1e-9)
    assert _delivered(r, 2027) == pytest.approx(130.0)
