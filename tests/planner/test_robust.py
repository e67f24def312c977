"""Robust (two-stage SAA) plan: hand-checked hedge on the two-futures micro chain, CLI, workbook."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from models.io import save_project
from planner.analysis.risk_sampling import SampleDraw
from planner.analysis.robust import hedge_items, run_robust
from planner.analysis.saa import solve_saa
from planner.cli.main import main as cli_main
from planner.reports.text import robust_lines

from .risk_fixtures import two_futures_project

ON_TIME, LATE = SampleDraw(0, {"mag": 0}, {}), SampleDraw(1, {"mag": 1}, {})


def test_saa_builds_the_hedge_the_hand_calculation_says():
    """two_futures_project docstring: not hedging costs 0.5 x 100 t x 5 $M x 10 = 2,500 $M of expected
    defense penalty, hedging 50 $M -> build hedge 100 t/yr in 2026. Expected cost: 9.5 (the on-time
    operations: 4.5 $M of Chinese magnets in 2026 + 2 x 2.5 $M opex) + 50 = 59.5 $M in both futures."""
    r = solve_saa(two_futures_project(), [ON_TIME, LATE])
    assert r.status == "optimal"
    assert r.decisions == [["hedge", 2026, 100.0]]
    assert r.objective == pytest.approx(59.5, abs=1e-6)
    assert r.in_sample_met == [True, True]


def test_saa_with_only_on_time_futures_builds_nothing():
    """Both futures on time: the hedge only costs (50 $M) -> the deterministic plan (9.5 $M)."""
    r = solve_saa(two_futures_project(), [ON_TIME, ON_TIME])
    assert r.decisions == [] and r.objective == pytest.approx(9.5, abs=1e-6)


def test_a_cheap_penalty_makes_the_hedge_not_worth_it_unless_a_target_demands_it():
    """Penalty 10 $/t: the late future's shortfall costs 0.5 x 100 x 10 x 10 $ = 0.005 $M < 50 $M -> no
    hedge; with a target P(met 2027) >= 1 on the two futures the hedge must be built anyway."""
    p = two_futures_project()
    p.settings.unmet_penalty_usd_per_t = 10.0
    assert solve_saa(p, [ON_TIME, LATE]).decisions == []
    r = solve_saa(p, [ON_TIME, LATE], target=1.0, target_year=2027)
    assert r.decisions == [["hedge", 2026, 100.0]] and r.in_sample_met == [True, True]
    # target 0.5: the on-time future alone satisfies it -> no hedge
    assert solve_saa(p, [ON_TIME, LATE], target=0.5, target_year=2027).decisions == []


def test_run_robust_compares_both_plans_on_the_same_fresh_futures():
    rep = run_robust(two_futures_project(), 6, n_eval=16, seed=2, workers=1)
    assert rep.status == "optimal" and rep.deterministic_plan == [] and rep.robust_plan == [["hedge", 2026, 100.0]]
    d, r = rep.deterministic_eval, rep.robust_eval
    assert [s.delays for s in d.samples] == [s.delays for s in r.samples]  # same futures
    late = sum(s.delays.get("mag", 0) == 1 for s in d.samples)
    assert d.p_met["ndfeb_magnet"][2027] == pytest.approx(1 - late / 16)
    assert r.p_met["ndfeb_magnet"][2027] == 1.0
    assert rep.points_bought("ndfeb_magnet") == pytest.approx(late / 16)
    assert r.cost_musd["p50"] == pytest.approx(59.5)
    [h] = rep.hedge
    assert (h.facility, h.option, h.kind, h.capex_delta_musd) == ("mag2", "hedge", "added", 50.0)
    text = "\n".join(robust_lines(rep))
    assert "mag2 / hedge" in text and "capex +50.0 $M" in text


def test_hedge_items_report_options_brought_forward():
    p = two_futures_project()
    [h] = hedge_items(p, [["hedge", 2027, 100.0]], [["hedge", 2026, 100.0]])
    assert h.kind == "brought forward" and h.capex_delta_musd == 0.0


def test_cli_robust_prints_the_comparison_and_writes_json_and_xlsx(tmp_path, capsys):
    path = tmp_path / "two.m2m.json"
    save_project(two_futures_project(), path)
    out_json, out_xlsx = tmp_path / "r.json", tmp_path / "r.xlsx"
    code = cli_main(["robust", str(path), "-n", "4", "--eval", "8", "--workers", "1", "--seed", "5",
                     "--json", str(out_json), "--xlsx", str(out_xlsx)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Robust plan: hedge 2026 100 t/yr" in out and "P(defense met)" in out
    data = json.loads(out_json.read_text())
    assert data["robust_plan"] == [["hedge", 2026, 100.0]] and data["hedge_capex_musd"] == 50.0
    wb = load_workbook(out_xlsx)
    assert wb.sheetnames == ["Robust vs deterministic", "Hedge", "Plans"]
    rows = [[c.value for c in r] for r in wb["Hedge"].iter_rows(min_row=2)]
    assert rows == [["mag2", "hedge", "added", None, "2026: 100", 50.0, "industry"]]


def test_cli_robust_bad_input_exits_2(tmp_path, capsys):
    path = tmp_path / "two.m2m.json"
    save_project(two_futures_project(), path)
    for bad in (["-n", "-1"], ["-n", "2", "--target", "1.5"], ["-n", "2", "--target", "nan"],
                ["-n", "2", "--seed", "-1"],
                ["-n", "2", "--eval", "1e9"]):  # refused by the option parser, before loading the project
        with pytest.raises(SystemExit) as e:
            cli_main(["robust", str(path), *bad])
        assert e.value.code == 2
        assert "must be" in capsys.readouterr().err
    assert cli_main(["robust", str(path), "-n", "2", "--scenario", "nope"]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert cli_main(["robust", str(path), "-n", "0"]) == 2  # no future at all: only with --n1-secure
    assert "0 only with an N-1-secure plan" in capsys.readouterr().err


def _two_hedges_project():
    """two_futures_project with defense demand 200 t/yr and two yes/no hedges at operating (never
    delayed) sites, each decided 2026 -> online 2027, paid as a fixed capex:
      * ``hedge`` at mag2: up to 100 t/yr for 50 $M;   * ``hedge_big`` at mag3: up to 150 t/yr for 60 $M.
    Budget (settings.budget_total_musd) 70 $M: only one of the two.
    Futures: mag (100 t/yr) on time or one year late. 2027 need beyond mag: 100 t on time, 200 t late.
      hedge alone (50 $M):     late future 100 t short in 2027 -> expected 0.5 x 100 t x 5 $M x 10 = 2,500 $M
      hedge_big alone (60 $M): late future  50 t short          -> expected 0.5 x  50 t x 5 $M x 10 = 1,250 $M
    -> the SAA builds hedge_big (the dearer one). Expected cost: 9 $M of Chinese magnets in 2026 (200 t x
    45,000 $) in both futures + 60 $M capex + magnet opex 25,000 $/t: on time 200 + 200 t = 10 $M, late
    150 + 200 t = 8.75 $M + 2,500 $M penalty -> (79 + 2,577.75) / 2 = 1,328.375 $M.
    Without the budget both hedges are built (the late future needs 200 t beyond mag)."""
    from models import ExpansionOption, Route

    p = two_futures_project()
    for d in p.demands:
        d.tonnes_by_year = {y: 200.0 for y in d.tonnes_by_year}
    mag2 = next(f for f in p.facilities if f.id == "mag2")
    mag2.options = [ExpansionOption(id="hedge", max_add_tpy=100, capex_musd_per_tpy=0.0, fixed_capex_musd=50,
                                    lead_time_years=1, earliest_decision_year=2026)]
    mag3 = mag2.model_copy(deep=True, update={"id": "mag3", "name": "Magnets (second hedge site)"})
    mag3.options = [ExpansionOption(id="hedge_big", max_add_tpy=150, capex_musd_per_tpy=0.0, fixed_capex_musd=60,
                                    lead_time_years=1, earliest_decision_year=2026)]
    p.facilities.append(mag3)
    p.routes.append(Route(id="r_metal3", from_id="metal", to_id="mag3", material="ndpr_metal", transport_usd_per_t=0))
    return p


def test_saa_with_a_budget_builds_the_one_hedge_the_hand_calculation_says():
    p = _two_hedges_project()
    free = solve_saa(p, [ON_TIME, LATE])
    assert free.status == "optimal" and {d[0] for d in free.decisions} == {"hedge", "hedge_big"}
    p.settings.budget_total_musd = 70.0
    r = solve_saa(p, [ON_TIME, LATE])
    assert r.status == "optimal", r.message
    assert r.decisions == [["hedge_big", 2026, 150.0]]
    assert r.objective == pytest.approx(1328.375, abs=1e-3)
    assert r.in_sample_met == [True, False]
    # a yearly budget of 55 $M instead: hedge_big (60 $M) fits in no year -> hedge, 100 t/yr in 2026
    p.settings.budget_total_musd, p.settings.budget_musd_per_year = None, 55.0
    assert solve_saa(p, [ON_TIME, LATE]).decisions == [["hedge", 2026, 100.0]]


def test_saa_futures_pass_the_label_check_on_a_chain_with_covered_supply():
    """Teaching chain (Chinese magnets, a covered market): the one weighted SAA program leaves
    arbitrary clean/covered labels; each future's labels are traced to their origin before the
    verifier's covered-label check (without the trace future 0 failed: 'covered_labels sep_us 2028')."""
    from planner.analysis.risk_sampling import draw_sample

    from .risk_fixtures import teaching_project

    p = teaching_project()
    r = solve_saa(p, [draw_sample(p, 0, i) for i in range(2)])
    assert r.status == "optimal", r.message
