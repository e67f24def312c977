"""Risk samples serve defense first by the lexicographic rule, not by a weighted penalty.

Micro chain (one year, 2027; discount 0; unmet penalty P = 1,000 $/t):
  magnet plant ``mag`` (US, operating, 100 t/yr, 0 opex, 0.34 t NdPr metal per t magnet) buys metal from
  * ``jp_metal`` (JP, clean) at 60,000 $/t  -> 20,400 $ of metal per t of magnet,
  * ``cn_metal`` (CN, covered) at 1,000 $/t ->    340 $ of metal per t of magnet.
  Demands 2027: defense 100 t (compliance 2027: clean magnets only), commercial 100 t.

Weighted (defense penalty x DEFENSE_FIRST_WEIGHT = 10,000 $/t, commercial 1,000 $/t): a defense tonne
costs 20,400 $ against 10,000 $ of penalty, a commercial tonne 340 $ against 1,000 $: the plant's 100 t
go to commercial, defense is 100 t short (objective 100 x 340 + 100 x 10,000 = 1.034 $M).
Lexicographic (defense shortfall first, then cost): defense 100 t met from JP metal (2.04 $M of metal),
commercial 100 t unmet (penalty 0.1 $M, not in the reported cost): reported cost 2.04 $M.
"""

from __future__ import annotations

import pytest

from models import Demand, Facility, Market, Project
from planner.analysis.plan_eval import EvalSpec, SampleModel, rebuild_and_solve
from planner.analysis.risk import run_risk
from planner.analysis.risk_sampling import SampleDraw
from planner.pipeline.solve import DEFENSE_FIRST_WEIGHT, SolveOptions, solve_project


def priority_trap() -> Project:
    p = Project(name="priority trap")
    s = p.settings
    s.start_year, s.end_year, s.base_year = 2027, 2027, 2027
    s.discount_rate, s.asset_life_years, s.time_limit_s = 0.0, 1, 30
    s.unmet_penalty_usd_per_t = 1000.0
    p.facilities = [Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", capacity_tpy=100,
                             recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0})]
    p.markets = [Market(id="jp_metal", material="ndpr_metal", origin_country="JP", price_usd_per_t=60_000),
                 Market(id="cn_metal", material="ndpr_metal", origin_country="CN", price_usd_per_t=1_000)]
    p.demands = [Demand(id="defense", product="ndfeb_magnet", segment="defense", tonnes_by_year={2027: 100.0}),
                 Demand(id="commercial", product="ndfeb_magnet", segment="commercial", tonnes_by_year={2027: 100.0})]
    return p


def _unmet(result):
    return {r.segment: r.unmet for r in result.demand}


def test_a_weighted_penalty_would_serve_commercial_first_here():
    """The trap is real: one weighted solve (no stages) leaves defense 100 t short."""
    r = solve_project(priority_trap(), SolveOptions(lexicographic=False, defense_weight=DEFENSE_FIRST_WEIGHT))
    assert _unmet(r) == {"defense": pytest.approx(100.0), "commercial": pytest.approx(0.0, abs=1e-6)}
    assert r.objective == pytest.approx(100 * 340 / 1e6 + 100 * 10_000 / 1e6)


def test_sample_model_serves_defense_first_and_the_verifier_checks_the_priority():
    model = SampleModel(priority_trap(), EvalSpec(decisions=[]))
    r = model.solve({}, {})
    assert _unmet(r) == {"defense": pytest.approx(0.0, abs=1e-6), "commercial": pytest.approx(100.0)}
    assert r.total_cost_musd == pytest.approx(2.04)
    assert {c.name: c.passed for c in r.checks}["priority"] is True
    # weighted point 100 t defense short -> defense stage (0 t), then cost under its hold (commercial, the
    # lowest level, is priced at the penalty there)
    assert model.n_stage_solves == 2
    ref = rebuild_and_solve(priority_trap(), EvalSpec(decisions=[]), SampleDraw(0, {}, {}))
    assert _unmet(ref) == _unmet(r) and ref.total_cost_musd == pytest.approx(2.04)
    assert {c.name: c.passed for c in ref.checks}["priority"] is True


def test_risk_run_reports_defense_met():
    rep = run_risk(priority_trap(), 2, seed=1, workers=1)
    assert rep.n_ok == 2
    assert all(s.defense_shortfall_t["ndfeb_magnet"][2027] == pytest.approx(0.0, abs=1e-6) for s in rep.samples)
    assert rep.to_dict()["defense_first"].startswith("lexicographic: unmet tonnes of each priority level")
