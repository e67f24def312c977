"""A stock build as a scenario override (``stock_build``): the robust plan's hedge solved as the
deterministic model's own commitment (planner.model.levers.define_stock_build_constraints)."""

from __future__ import annotations

import pytest

from models.io import load_project, save_project
from models.project import Scenario, StockBuildOverride
from models.scenarios import ScenarioError, apply_scenario
from models.validation import validate_project
from planner.analysis.robust import run_robust
from planner.analysis.robust_scenario import has_hedge, robust_scenario
from planner.pipeline.solve import SolveOptions, solve_project
from planner.result import Status

from .resilience_fixtures import stock_hedge_project

OPTIONS = SolveOptions(time_limit_s=30)


def _with_build(tonnes: float, year: int = 2026):
    p = stock_hedge_project()
    p.scenarios = [Scenario(id="hedge", overrides=[StockBuildOverride(stockpile_id="dla", year=year, tonnes=tonnes)])]
    return p


def _rows(result, kind):
    return [(r.lever_id, r.year, r.tonnes, r.cost_musd, r.payer) for r in result.levers if r.kind == kind]


def test_a_stock_build_holds_the_stock_at_the_hand_cost():
    """stock_hedge_project (no outage in a plain solve), discount rate 0. Base: the plant makes
    100 t a year from 0.34 t of NdPr metal each at 100,000 $/t: 3 x 100 x 0.34 x 0.1 $M = 10.2 $M,
    no stock. With ``dla`` >= 100 t at the end of 2026: the plant makes 200 t in 2026 (68 t metal)
    and 0 t in 2027 (the stock is released), 100 t in 2028: metal still 10.2 $M; holding
    1,000 $/t x 100 t x 1 year = 0.1 $M and handling 1 $/t x 100 t = 0.0001 $M: 10.3001 $M in all.
    The government pays the purchase, (50,000 + 1) $/t x 100 t = 5.0001 $M, and the holding."""
    p = _with_build(100.0)
    base = solve_project(p, OPTIONS)
    assert base.status == Status.OPTIMAL and base.total_cost_musd == pytest.approx(10.2, abs=1e-6)
    assert _rows(base, "stockpile_holding") == []
    r = solve_project(p, SolveOptions(time_limit_s=30, scenario="hedge"))
    assert r.status == Status.OPTIMAL, r.message
    assert _rows(r, "stockpile_holding") == [("dla", 2026, pytest.approx(100.0, abs=1e-6),
                                              pytest.approx(0.1, abs=1e-9), "government")]
    assert sum(x[2] for x in _rows(r, "stockpile_buy")) == pytest.approx(100.0, abs=1e-6)
    assert sum(x[3] for x in _rows(r, "stockpile_buy")) == pytest.approx(5.0001, abs=1e-6)
    assert r.total_cost_musd == pytest.approx(10.3001, abs=1e-6)
    assert _rows(r, "stock_build_breach") == []


def test_a_stock_build_the_chain_cannot_fill_is_reported_short_not_infeasible():
    """Plant cut to 60 t/yr, no defense demand in 2026, ``dla`` >= 100 t at the end of 2026: the
    plant can make only 60 t in 2026, all into the stock, so 40 t of the build are short (priced
    like unmet demand, listed in tonnes with no money); the plan is still optimal. (Over 2026-2028
    the plant makes 180 t for 200 t of demand: 20 t of demand go short whatever is stocked, so the
    breach cannot be traded against demand.)"""
    p = _with_build(100.0)
    p.facilities[0].capacity_tpy = 60
    p.demands[0].tonnes_by_year = {2027: 100.0, 2028: 100.0}
    r = solve_project(p, SolveOptions(time_limit_s=30, scenario="hedge"))
    assert r.status == Status.OPTIMAL, r.message
    assert _rows(r, "stock_build_breach") == [("dla", 2026, pytest.approx(40.0, abs=1e-6), 0.0, "government")]
    assert _rows(r, "stockpile_holding")[0][:3] == ("dla", 2026, pytest.approx(60.0, abs=1e-6))


def test_the_robust_plan_applied_as_a_scenario_holds_its_stock_at_the_hand_cost():
    """The N-1-secure plan of tests/planner/test_stock_hedge.py (``mag`` out in 2027): no
    investment, 100 t held in ``dla`` at the end of 2026. As a scenario (one stock_build override)
    and solved: 100 t at the end of 2026, government purchase 5.0001 $M, total 10.3001 $M (the
    hand figures of test_a_stock_build_holds_the_stock_at_the_hand_cost)."""
    p = stock_hedge_project()
    rep = run_robust(p, 0, n_eval=2, workers=1, options=OPTIONS, n1_years=[2027])
    assert rep.has_plan and rep.robust_plan == [] and has_hedge(rep)
    sc = robust_scenario(p, rep)
    assert (sc.id, sc.name) == ("robust_base", "Robust plan (base, N-1 secure 2027)")
    assert [(o.kind, o.stockpile_id, o.year, o.tonnes) for o in sc.overrides] == [
        ("stock_build", "dla", 2026, pytest.approx(100.0, abs=1e-5))]
    p.scenarios.append(sc)
    assert robust_scenario(p, rep).id == "robust_base_2"
    r = solve_project(p, SolveOptions(time_limit_s=30, scenario=sc.id))
    assert r.status == Status.OPTIMAL, r.message
    assert _rows(r, "stockpile_holding") == [("dla", 2026, pytest.approx(100.0, abs=1e-5),
                                              pytest.approx(0.1, abs=1e-7), "government")]
    assert sum(x[3] for x in _rows(r, "stockpile_buy")) == pytest.approx(5.0001, abs=1e-5)
    assert r.total_cost_musd == pytest.approx(10.3001, abs=1e-5)


def test_a_stock_build_on_an_unknown_stockpile_or_over_capacity_is_refused_with_its_place():
    p = _with_build(100.0)
    p.scenarios[0].overrides += [StockBuildOverride(stockpile_id="nds", year=2026, tonnes=1.0),
                                 StockBuildOverride(stockpile_id="dla", year=2040, tonnes=250.0)]
    found = {(x.location, x.severity) for x in validate_project(p)}
    assert ("scenarios[0].overrides[1]", "error") in found  # unknown stockpile: the scenario cannot be applied
    assert ("scenarios[0].overrides[2].year", "error") in found
    assert ("scenarios[0].overrides[2].tonnes", "error") in found
    assert not any(x.location.startswith("scenarios[0].overrides[0]") for x in validate_project(p))
    with pytest.raises(ScenarioError, match=r"scenarios\[0\]\.overrides\[1\].*'nds'"):
        apply_scenario(p, "hedge")


def test_a_stock_build_override_survives_the_file(tmp_path):
    """The override and a stockpile's own floor are read back; the scenario's 42.5 t in 2026 and the
    stockpile's own 10 t in 2027 both hold after applying (each year's floor the larger one)."""
    p = _with_build(42.5)
    p.levers.stockpiles[0].min_level_t_by_year = {2027: 10.0, 2026: 30.0}
    save_project(p, tmp_path / "p.m2m.json")
    back = load_project(tmp_path / "p.m2m.json")
    (o,) = back.scenarios[0].overrides
    assert (o.kind, o.stockpile_id, o.year, o.tonnes) == ("stock_build", "dla", 2026, 42.5)
    assert apply_scenario(back, "hedge").levers.stockpiles[0].min_level_t_by_year == {2026: 42.5, 2027: 10.0}


def test_cli_solve_honours_the_stock_build_and_refuses_an_unknown_stockpile(tmp_path, capsys):
    """``solve --scenario hedge --json``: the plan file lists 100 t held in ``dla`` at the end of
    2026 (hand figure above); a stock build on a stockpile the project lacks is bad input: exit 2,
    the place named once, no traceback."""
    import json

    from planner.cli.main import main as cli_main

    path, out = tmp_path / "p.m2m.json", tmp_path / "plan.json"
    save_project(_with_build(100.0), path)
    assert cli_main(["solve", str(path), "--scenario", "hedge", "--json", str(out)]) == 0
    levers = json.loads(out.read_text())["levers"]
    held = [(r["lever_id"], r["year"], r["tonnes"]) for r in levers if r["kind"] == "stockpile_holding"]
    assert held == [("dla", 2026, pytest.approx(100.0, abs=1e-6))]
    capsys.readouterr()
    bad = _with_build(100.0)
    bad.scenarios[0].overrides[0].stockpile_id = "nds"
    save_project(bad, path, overwrite=True)
    with pytest.raises(SystemExit) as stop:  # the loader refuses the file (planner.cli.common)
        cli_main(["solve", str(path), "--scenario", "hedge"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "(scenarios[0]), override 1" in err and "unknown government stockpile 'nds' (known: dla)" in err
    assert "Traceback" not in err and err.count("'nds'") == 1


def test_the_verifier_checks_the_stock_build():
    """A point holding 100 t in ``dla`` at the end of 2026 (bought from the plant) passes the lever
    check of a 100 t stock build; holding 60 t with no shortfall stated fails it, located; 60 t
    held + 40 t stated short passes again."""
    import numpy as np

    from planner.model.build import create_model
    from planner.model.network import build_network
    from planner.pipeline.verify_levers import check_levers

    net = build_network(apply_scenario(_with_build(100.0), "hedge"))
    lp, _ = create_model(net)
    x = np.zeros(lp.n_vars)

    def hold(t: float, short: float = 0.0) -> None:
        x[lp.var(("sbuy", "dla", "mag", 2026))] = t
        for y in (2026, 2027, 2028):
            x[lp.var(("slevel", "dla", y))] = t
        x[lp.var(("sbuild_short", "dla", 2026))] = short

    hold(100.0)
    assert check_levers(lp, x, net).passed
    hold(60.0)
    c = check_levers(lp, x, net)
    assert not c.passed and "stockpile dla 2026: level 60 + short 0 < stock build 100" in c.detail
    hold(60.0, 40.0)
    assert check_levers(lp, x, net).passed


def test_risk_of_the_applied_scenario_meets_2027_as_the_robust_plan_does():
    """``risk`` around the scenario holding 100 t in ``dla`` at the end of 2026: every future keeps
    the stock build (the scenario's own commitment), so the quarter of futures with the 2027 outage
    draw it: P(defense NdFeB met 2027) = 100 % (75 % without it, test_stock_hedge.py), no breach."""
    from planner.analysis.risk import run_risk

    p = _with_build(100.0)
    rep = run_risk(p, 8, seed=0, workers=1, options=SolveOptions(time_limit_s=30, scenario="hedge"))
    assert rep.n_failed == 0 and rep.p_met["ndfeb_magnet"][2027] == pytest.approx(1.0)
    assert rep.breaches == []
    base = run_risk(p, 8, seed=0, workers=1, options=OPTIONS)
    assert base.p_met["ndfeb_magnet"][2027] == pytest.approx(0.75)
