"""Defense is served first: lexicographic shortfall stages by demand priority."""

from __future__ import annotations

import numpy as np
import pytest

from models.project import Demand
from planner.model.lp import LinearProgram
from planner.pipeline.lexicographic import Objective, solve_lexicographic
from planner.pipeline.solve import SolveOptions, solve_project
from planner.pipeline.verify import check_priority
from planner.progress import SolveState
from planner.solvers.backends import available_solvers
from tests.planner.helpers import mini_chain

SOLVERS = available_solvers()


def short_chain(defense_first_in_file: bool, penalty: float = 5_000_000.0, **priorities):
    """One year (2027 = compliance year), no China market, clean magnet capacity 150 t:

    mine 1000 t TREO x 0.25 NdPr x 0.8 recovery = 200 t NdPr oxide -> metal plant (100 t/yr) ->
    magnet plant 150 t/yr x 0.34 t metal per t (51 t metal needed <= 100). Defense wants 100 t,
    commercial 100 t: 150 t can be made, so 50 t must stay unmet. By hand: defense first ->
    defense unmet 0, commercial unmet 50; cost = 150 t x $25,000 magnet opex = $3.75M.
    """
    p = mini_chain(years=(2027, 2027), magnet_capacity=150.0)
    p.markets = []
    p.settings.unmet_penalty_usd_per_t = penalty
    defense = Demand(id="defense", product="ndfeb_magnet", segment="defense", tonnes_by_year={2027: 100.0},
                     priority=priorities.get("defense"))
    commercial = Demand(id="commercial", product="ndfeb_magnet", segment="commercial", tonnes_by_year={2027: 100.0},
                        priority=priorities.get("commercial"))
    p.demands = [defense, commercial] if defense_first_in_file else [commercial, defense]
    return p


def _unmet(result, demand_id):
    return sum(r.unmet for r in result.demand if r.demand_id == demand_id)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("defense_first", [True, False])
def test_defense_served_first_whatever_the_order(solver, defense_first):
    r = solve_project(short_chain(defense_first), SolveOptions(solver=solver))
    assert r.has_plan, r.message
    assert _unmet(r, "defense") == pytest.approx(0.0, abs=1e-6)
    assert _unmet(r, "commercial") == pytest.approx(50.0, abs=1e-6)
    assert r.unmet_by_segment(2027) == pytest.approx({"defense": 0.0, "commercial": 50.0}, abs=2e-6)
    assert r.total_cost_musd == pytest.approx(3.75, abs=1e-6)
    assert {row.demand_id: row.priority for row in r.demand} == {"defense": 1, "commercial": 2}
    assert next(c for c in r.checks if c.name == "priority").passed


@pytest.mark.parametrize("solver", SOLVERS)
def test_shortfall_before_cost_even_when_the_penalty_is_cheaper_than_making(solver):
    """Penalty $10,000/t < $25,000/t opex: cost + penalty alone would make nothing (all 200 t
    unmet, objective $2M). Lexicographically the 150 t that can be made are made: defense 100,
    commercial 50 unmet; cost $3.75M; objective = 3.75 + 50 x 0.01 = $4.25M."""
    p = short_chain(True, penalty=10_000.0)
    plain = solve_project(p, SolveOptions(solver=solver, lexicographic=False))
    assert plain.unmet_total() == pytest.approx(200.0, abs=1e-6)
    r = solve_project(p, SolveOptions(solver=solver))
    assert r.unmet_by_segment() == pytest.approx({"defense": 0.0, "commercial": 50.0}, abs=2e-6)
    assert r.objective == pytest.approx(4.25, abs=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_priority_is_editable_per_demand(solver):
    """Commercial given priority 1 and defense 2: commercial gets its 100 t, defense 50 t unmet."""
    r = solve_project(short_chain(True, defense=2, commercial=1), SolveOptions(solver=solver))
    assert _unmet(r, "commercial") == pytest.approx(0.0, abs=1e-6)
    assert _unmet(r, "defense") == pytest.approx(50.0, abs=1e-6)


def test_verifier_catches_a_lower_priority_tonne_taken_from_an_unmet_defense_demand():
    """Hand-made point: defense unmet 30 t while commercial received 80 t from the same plant."""
    from models import apply_scenario
    from planner.model.build import create_model
    from planner.model.network import build_network

    net = build_network(apply_scenario(short_chain(True), None))
    lp, _ = create_model(net)
    x = np.zeros(lp.n_vars)
    x[lp.var(("del", "mag", "defense", 2027, "clean"))] = 70.0
    x[lp.var(("unmet", "defense", 2027))] = 30.0
    x[lp.var(("del", "mag", "commercial", 2027, "clean"))] = 80.0
    x[lp.var(("unmet", "commercial", 2027))] = 20.0
    check = check_priority(lp, x, net)
    assert not check.passed
    assert check.max_violation == pytest.approx(30.0 / 101.0)
    assert "defense" in check.detail and "commercial" in check.detail


@pytest.mark.parametrize("solver", SOLVERS)
def test_lexicographic_api_holds_earlier_stages(solver):
    """min x+y s.t. x + y >= 1, x,y in [0,1]; stage 1 min y (-> 0), stage 2 min -x - 2y with y held
    at 0 + 1e-6: x = 1, y <= 1e-6 (without the hold stage 2 alone would give y = 1)."""
    lp = LinearProgram()
    jx = lp.add_var(("x",), ub=1.0)
    jy = lp.add_var(("y",), ub=1.0)
    lp.add_row("cover", (), {jx: 1.0, jy: 1.0}, lo=1.0)
    lex = solve_lexicographic(lp, [Objective("y", {jy: 1.0}), Objective("neg", {jx: -1.0, jy: -2.0})],
                              solver, 10.0, 0.0, SolveState())
    assert [s.name for s in lex.stages] == ["y", "neg"]
    assert lex.stages[0].value == pytest.approx(0.0, abs=1e-9)
    assert lex.x[jx] == pytest.approx(1.0) and lex.x[jy] <= 1e-6 + 1e-9
    assert lex.program.has_row("objective_hold", "y") and not lp.has_row("objective_hold", "y")


def test_outputs_say_whose_demand_is_unmet():
    """Short chain (defense 0 t unmet, commercial 50 t): JSON, CLI summary and scenario comparison
    give the two figures separately."""
    from planner.analysis.comparison import compare
    from planner.reports.text import comparison_table, format_summary

    r = solve_project(short_chain(False), SolveOptions(solver=SOLVERS[0]))
    assert r.to_dict()["unmet_by_segment_t"] == pytest.approx({"defense": 0.0, "commercial": 50.0}, abs=2e-6)
    text = format_summary(r)
    assert "Unmet demand over the horizon: defense 0.0 t, commercial 50.0 t" in text
    assert "(defense 0.0 t, commercial 50.0 t)" in r.message
    cmp = compare({"base": r})
    assert cmp.scenarios[0].unmet_by_segment_t == pytest.approx({"defense": 0.0, "commercial": 50.0}, abs=2e-6)
    lines = comparison_table(cmp)
    assert any(line.startswith("  of which defense, t") and line.rstrip().endswith("0.0") for line in lines)
    assert any(line.startswith("  of which commercial, t") and line.rstrip().endswith("50.0") for line in lines)


def test_a_stage_the_solver_calls_infeasible_is_retried_with_looser_holds(monkeypatch):
    """Stage 2 of the x/y program above reported infeasible once (as a solver may do when a hold
    is tighter than its tolerances): the holds are loosened by 100 tolerances (y <= 1e-4) and the
    stage re-solved; the answer is still x = 1."""
    import planner.pipeline.lexicographic as lex_mod
    from planner.solvers.backends import RawSolution, RawStatus

    real = lex_mod.solve_lp
    calls = []

    def flaky(lp, solver, time_limit_s, mip_gap, state, presolve=True, start=None):
        calls.append(lp.n_rows)
        if len(calls) == 2:
            return RawSolution(RawStatus.INFEASIBLE, message="infeasible (simulated)")
        return real(lp, solver, time_limit_s, mip_gap, state, presolve)

    monkeypatch.setattr(lex_mod, "solve_lp", flaky)
    lp = LinearProgram()
    jx = lp.add_var(("x",), ub=1.0)
    jy = lp.add_var(("y",), ub=1.0)
    lp.add_row("cover", (), {jx: 1.0, jy: 1.0}, lo=1.0)
    lex = solve_lexicographic(lp, [Objective("y", {jy: 1.0}), Objective("neg", {jx: -1.0, jy: -2.0})],
                              SOLVERS[0], 10.0, 0.0, SolveState())
    assert len(calls) == 3 and lex.status is RawStatus.OPTIMAL
    i = lex.program.row("objective_hold", "y")
    assert lex.program.row_hi[i] == pytest.approx(101e-6)
    assert lex.stages[0].hold == pytest.approx(101e-6)
    assert lex.x[jx] == pytest.approx(1.0, abs=2e-4)


def test_solver_noise_is_snapped_to_bounds_unless_that_breaks_a_balance():
    """Row x0 + 12 x1 = 1, x0, x1 >= 0. A point x0 = 1 + 1.2e-6, x1 = -1e-7 meets the row exactly and
    its bounds to 1e-7 (HiGHS's tolerance). Snapping x1 to 0 would leave the row 1.2e-6 over
    (scaled: 1.2e-6 / (1 + 1 + 1 + 1.0000012) = 3e-7 > 1e-7 now): the raw point is kept. A lone
    x1 = -3e-6 (CBC noise) in the row x1 <= 5 is snapped to 0: that breaks nothing."""
    from planner.pipeline.lexicographic import tidy_point, worst_violation

    lp = LinearProgram()
    j0 = lp.add_var(("x0",))
    j1 = lp.add_var(("x1",))
    lp.add_row("balance", (), {j0: 1.0, j1: 12.0}, lo=1.0, hi=1.0)
    raw = np.array([1.0 + 1.2e-6, -1e-7])
    assert worst_violation(lp, raw) == pytest.approx(1e-7)
    assert worst_violation(lp, np.array([1.0 + 1.2e-6, 0.0])) == pytest.approx(1.2e-6 / 4.0000012)
    assert list(tidy_point(lp, raw)) == list(raw)

    lp2 = LinearProgram()
    k = lp2.add_var(("flow",))
    lp2.add_row("cap", (), {k: 1.0}, hi=5.0)
    assert list(tidy_point(lp2, np.array([-3e-6]))) == [0.0]


def _spy_on_solves(monkeypatch) -> list:
    """Record every program the lexicographic loop hands to the solver (in order)."""
    import planner.pipeline.lexicographic as lex_mod

    real = lex_mod.solve_lp
    programs = []

    def spy(lp, *args, **kwargs):
        programs.append(lp)
        return real(lp, *args, **kwargs)

    monkeypatch.setattr(lex_mod, "solve_lp", spy)
    return programs


def _xy_program():
    lp = LinearProgram()
    jx = lp.add_var(("x",), ub=1.0)
    jy = lp.add_var(("y",), ub=1.0)
    lp.add_row("cover", (), {jx: 1.0, jy: 1.0}, lo=1.0)
    return lp, jx, jy


def test_a_stage_whose_fixed_columns_imply_the_holds_is_solved_without_them(monkeypatch):
    """x + y >= 1, x, y in [0, 1]. Stage 1 min y -> 0 (hold y <= 1e-6). Stage 2 min -x with y fixed
    at its stage-1 value: the fixed y implies the hold, so stage 2 is handed a program without
    ``objective_hold`` rows; its point x = 1, y = 0 meets the hold and is kept (two solves)."""
    programs = _spy_on_solves(monkeypatch)
    lp, jx, jy = _xy_program()
    lex = solve_lexicographic(lp, [Objective("y", {jy: 1.0}),
                                   Objective("x", {jx: -1.0}, fix_columns=[jy], holds_implied=True)],
                              SOLVERS[0], 10.0, 0.0, SolveState())
    assert len(programs) == 2 and not programs[1].has_row("objective_hold", "y")
    assert lex.x[jx] == pytest.approx(1.0) and lex.x[jy] == pytest.approx(0.0, abs=1e-9)


def test_a_stage_that_misses_a_hold_without_the_rows_is_solved_again_with_them(monkeypatch):
    """Same program, but stage 2 is min -y claiming ``holds_implied`` wrongly (y is not fixed):
    without the hold row it returns y = 1, which misses the hold y <= 1e-6 by ~1/2 (scaled), so
    the stage is solved again with the hold: y <= 1e-6, x = 1 (three solves; the log says why)."""
    programs = _spy_on_solves(monkeypatch)
    lp, jx, jy = _xy_program()
    lines = []
    state = SolveState(on_log=lines.append)
    lex = solve_lexicographic(lp, [Objective("y", {jy: 1.0}), Objective("neg_y", {jy: -1.0}, holds_implied=True)],
                              SOLVERS[0], 10.0, 0.0, state)
    assert len(programs) == 3 and programs[2].has_row("objective_hold", "y")
    assert lex.x[jy] <= 1e-6 + 1e-9 and lex.x[jx] == pytest.approx(1.0, abs=1e-6)
    assert any("solving again with them" in line for line in lines)
