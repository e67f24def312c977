"""A tie-break stage solved on the previous stage's optimal face (planner.pipeline.optimal_face):
the face is read off the duals by complementary slackness and gives the same answer as the full
program with the previous value held."""

from __future__ import annotations

import numpy as np
import pytest

from planner.model.lp import LinearProgram
from planner.pipeline.lexicographic import Objective, solve_lexicographic
from planner.pipeline.optimal_face import reduced_costs, restrict_to_face
from planner.progress import SolveState
from planner.solvers.backends import available_solvers, solve_lp

SOLVERS = available_solvers()


def three_sources(with_build: bool = False):
    """min x + y + 2z (+ 3b) s.t. x + y + z >= 10 (demand), x, y, z in [0, 8] (with_build: z <= 8 b,
    b binary). By hand: the cheapest plan buys 10 t from x and y at 1 each (cost 10), z = 0 (b = 0);
    the row's dual is 1, so the reduced costs are x 0, y 0, z 2 - 1 = 1: the optimal face is
    {x + y = 10, z = 0, x, y in [2, 8]}; a tie-break min x on it gives x = 2, y = 8."""
    lp = LinearProgram()
    jx = lp.add_var(("x",), ub=8.0, cost=1.0)
    jy = lp.add_var(("y",), ub=8.0, cost=1.0)
    jz = lp.add_var(("z",), ub=8.0, cost=2.0)
    lp.add_row("demand", (), {jx: 1.0, jy: 1.0, jz: 1.0}, lo=10.0)
    if with_build:
        jb = lp.add_var(("b",), ub=1.0, cost=3.0, integer=True)
        lp.add_row("build", (), {jz: 1.0, jb: -8.0}, hi=0.0)
    return lp, jx, jy, jz


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_face_fixes_the_priced_column_and_tightens_the_priced_row(solver):
    lp, jx, jy, jz = three_sources()
    raw = solve_lp(lp, solver, 10.0, 0.0, SolveState())
    assert lp.objective_value(raw.x) == pytest.approx(10.0)
    assert raw.row_duals[0] == pytest.approx(1.0)
    assert list(reduced_costs(lp, raw.row_duals)) == pytest.approx([0.0, 0.0, 1.0])
    face = restrict_to_face(lp, lp, raw.x, raw.row_duals)
    assert (face.n_fixed_columns, face.n_tight_rows) == (1, 1)
    assert face.program.var_lb[jz] == face.program.var_ub[jz] == 0.0
    assert face.program.row_lo[0] == face.program.row_hi[0] == 10.0
    assert lp.var_ub[jz] == 8.0 and lp.row_hi[0] == np.inf  # the program itself is left as it was
    face.program.var_cost = [1.0, 0.0, 0.0]  # the tie-break: min x on the face
    tie = solve_lp(face.program, solver, 10.0, 0.0, SolveState())
    assert list(tie.x) == pytest.approx([2.0, 8.0, 0.0])


def test_duals_that_do_not_certify_the_point_give_no_face():
    """Row dual -1 (the wrong sign): reduced costs 2, 2, 3 price x and y at 0, but they sit at 8
    and 2. Row dual 1 at x = y = 8 (demand row 16 > 10, not tight): the priced row is not at its
    bound. Neither pair proves the point optimal, so no face (the stage is then solved in full)."""
    lp, *_ = three_sources()
    assert restrict_to_face(lp, lp, np.array([8.0, 2.0, 0.0]), np.array([-1.0])) is None
    assert restrict_to_face(lp, lp, np.array([8.0, 8.0, 0.0]), np.array([1.0])) is None


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("with_build", [False, True])
def test_a_tie_break_on_the_face_gives_the_full_programs_answer(solver, with_build):
    """Stages: cost, then min x. On the face (one solve of the LP with b fixed at 0 for the MILP,
    then the face LP) and on the full program with the cost held, both give x = 2, y = 8, z = 0 at
    cost 10; with an ``initial`` point certifying the cost stage (as solve_project does), the face LP
    is the model with integers fixed at that point and its duals are kept for the marginal costs."""
    answers = []
    for on_face in (True, False):
        lp, jx, jy, jz = three_sources(with_build)
        objectives = [Objective("cost", np.asarray(lp.var_cost), rel_tol=1e-9, abs_tol=1e-6),
                      Objective("x", {jx: 1.0}, fix_integers=True, tight_holds=True, on_face=on_face)]
        first = solve_lp(lp, solver, 10.0, 0.0, SolveState())
        lines = []
        lex = solve_lexicographic(lp, objectives, solver, 10.0, 0.0, SolveState(on_log=lines.append),
                                  initial=first, initial_stage=0)
        assert lex.stages[0].solved is False and lex.stages[1].value == pytest.approx(2.0, abs=1e-6)
        assert lp.objective_value(lex.x) == pytest.approx(10.0)
        answers.append([round(v, 6) for v in lex.x[:3]])
        assert any("on the optimal face of 'cost'" in line for line in lines) is on_face
        if on_face:
            assert lex.face.stage == "cost" and not lex.face.program.is_mip
            assert lex.face.raw.row_duals[0] == pytest.approx(1.0)
    assert answers == [[2.0, 8.0, 0.0], [2.0, 8.0, 0.0]]
