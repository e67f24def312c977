"""An infeasible plan says what to relax (planner.pipeline.relax), in the CLI, the JSON and the model.

The chain: the teaching chain (mine -> separation -> metal -> a NdFeB magnet plant to build: yes/no
build with $2.0M fixed capex + $0.05M per t/yr, lead time 1 year, decided from 2026) with a capex
budget of $4.0M per decision year and DLA committed to buy 60 t of NdFeB magnets in 2027.

Worked by hand: the only magnets come from the plant, which must be online in 2027, so it is
decided in 2026 (lead time 1) with at least 60 t/yr: capex 2.0 + 0.05 x 60 = $5.0M > $4.0M. No plan.
- All limits elastic, minimising each change as a share of its limit: raising the 2026 budget by
  s and lowering the commitment by c needs 2 + 0.05 (60 - c) <= 4 + s, so s >= 1 - 0.05 c; the cost
  s/4 + c/60 = 0.25 - 0.0125 c + 0.0167 c grows with c, so c = 0, s = $1.0M (from $4.0M to $5.0M).
- Commitments alone (budget kept at $4.0M): 2 + 0.05 x = 4 gives x = 40 t/yr, so the commitment
  drops by 60 - 40 = 20.0 t (to 40.0 t).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models import load_project, save_project
from models.project import GovStockpile
from planner.cli.main import main as planner_main
from planner.pipeline.relax import elastic_model
from planner.pipeline.solve import SolveOptions, solve_project
from planner.result import PlanResult, Status

TEACHING = Path(__file__).resolve().parents[2] / "sample_projects" / "teaching_chain.m2m.json"
BUDGET_TEXT = "raise the 2026 capex budget by $1.0M (from $4.0M to $5.0M)"
COMMIT_TEXT = "lower DLA NdFeB stockpile's 2027 purchase commitment by 20.0 t (from 60.0 t to 40.0 t)"


def infeasible_chain():
    p = load_project(TEACHING)
    p.settings.budget_musd_per_year = 4.0
    p.levers.stockpiles.append(GovStockpile(id="dla", name="DLA NdFeB stockpile", material="ndfeb_magnet",
                                            capacity_t=200, committed_t_by_year={2027: 60.0}))
    return p


@pytest.fixture(scope="module")
def result() -> PlanResult:
    return solve_project(infeasible_chain(), SolveOptions(solver="highs", explain_infeasible=True))


def test_the_exact_relaxation_computed_by_hand(result):
    assert result.status is Status.INFEASIBLE
    first, *others = result.relaxations
    assert first.scope == "all limits"
    [change] = first.changes
    assert (change.family, change.key, change.current, change.unit) == ("budget_year", ["2026"], 4.0, "$M")
    assert change.change == pytest.approx(1.0, abs=1e-6)
    assert change.text == BUDGET_TEXT
    alone = {o.scope: o.changes for o in others}
    [commit] = alone["commitments"]
    assert (commit.family, commit.key, commit.current) == ("stockpile_commit", ["dla", "2027"], 60.0)
    assert commit.change == pytest.approx(20.0, abs=1e-6)
    assert commit.text == COMMIT_TEXT
    assert BUDGET_TEXT in result.message


def test_without_the_option_no_relaxation_is_searched():
    r = solve_project(infeasible_chain(), SolveOptions(solver="highs"))
    assert r.status is Status.INFEASIBLE and r.relaxations == []


def test_relaxations_round_trip_through_json(result):
    again = PlanResult.from_dict(json.loads(result.to_json()))
    assert again.relaxations == result.relaxations


def test_cli_prints_and_writes_the_relaxation(tmp_path, capsys):
    path, out = tmp_path / "tight.m2m.json", tmp_path / "tight.json"
    save_project(infeasible_chain(), path)
    assert planner_main(["solve", str(path), "--solver", "highs", "--json", str(out)]) == 1
    text = capsys.readouterr().out
    assert "To make a plan possible, the smallest change:\n  " + BUDGET_TEXT in text
    assert "or, changing only commitments:\n  " + COMMIT_TEXT in text
    data = json.loads(out.read_text())
    assert data["status"] == "infeasible"
    assert data["relaxations"][0]["changes"][0]["text"] == BUDGET_TEXT
    assert data["relaxations"][0]["changes"][0]["change"] == pytest.approx(1.0, abs=1e-6)


def test_elastic_form_adds_one_slack_per_limit_row():
    """Every budget-year row of the model gets one slack with cost 1 / max(|budget|, 1) = 1/4."""
    from planner.model.build import BuildOptions, create_model
    from planner.model.network import build_network

    net = build_network(infeasible_chain())
    lp, _ = create_model(net, BuildOptions())
    n_budget = sum(1 for f in lp.row_family if f == "budget_year")
    slacks = elastic_model(lp, net, {"capex budgets"})
    assert len(slacks) == n_budget > 0
    assert all(lp.var_cost[e.column] == pytest.approx(0.25) for e in slacks)
    assert sum(lp.var_cost) == pytest.approx(0.25 * n_budget)  # the plan's own costs are dropped

