"""The open model: readable names, MPS/LP export that reads back to the same optimum, the PuLP
problem object, and every PuLP solver driven from the same arrays with honest statuses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pulp
import pytest

from planner.model.synthetic import synthetic_project
from planner.pipeline.open_model import ModelBuildError, build_model, to_pulp, to_pulp_model, write_model_file
from planner.pipeline.solve import SolveOptions, solve_project
from planner.result import Status
from planner.solvers.backends import solver_catalogue
from planner.solvers.pulp_bridge import available_pulp_solvers, honest_status, readable_names
from planner.solvers.raw import RawStatus

from .helpers import teaching

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"
TEACHING_OPTIMUM_MUSD = 84.8471  # docs/teaching_chain.md: $84,847,100


def _highs_optimum(path: Path) -> float:
    from planner.solvers.backends import _new_highs

    h = _new_highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) == h.readModel(str(path)).__class__.kOk
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    return h.getInfo().objective_function_value


def test_readable_names_are_unique_safe_and_follow_the_keys():
    names = readable_names([("act", "mp-mine", "", 2027, "clean"), ("act", "mp mine", "", 2027, "clean"),
                            ("2027", "x"), ("capacity", "lcm/metal", 2030)])
    assert names == ["act.mp_mine._.2027.clean", "act.mp_mine._.2027.clean.dup2", "n2027.x", "capacity.lcm_metal.2030"]


@pytest.mark.parametrize("fmt", ["mps", "lp"])
def test_teaching_chain_export_reads_back_into_highs_with_the_same_optimum(tmp_path, fmt):
    path = write_model_file(teaching(), tmp_path / f"teaching.{fmt}")
    text = path.read_text()
    assert "capacity." in text and "act." in text  # readable names from the key tuples
    assert _highs_optimum(path) == pytest.approx(TEACHING_OPTIMUM_MUSD, abs=1e-6)


def test_real_chain_mps_reads_back_to_the_optimum_mine2magnet_finds(tmp_path):
    from models import load_project

    project = load_project(REAL)
    path = write_model_file(project, tmp_path / "real.mps", relax_integers=True)
    ours = solve_project(project, SolveOptions(solver="highs", relax_integers=True))
    assert ours.status is Status.OPTIMAL
    assert _highs_optimum(path) == pytest.approx(ours.objective, rel=1e-7)


def test_to_pulp_gives_the_problem_with_families_an_analyst_can_inspect():
    prob = to_pulp(teaching())
    assert isinstance(prob, pulp.LpProblem)
    families = {c.name.split(".", 1)[0] for c in prob.constraints()}
    assert {"capacity", "demand"} <= families
    model = to_pulp_model(teaching())
    assert model.family("capacity") and all(c.name.startswith("capacity.") for c in model.family("capacity"))
    prob.solve(pulp.PULP_CBC_CMD(msg=False))
    assert pulp.value(prob.objective) == pytest.approx(TEACHING_OPTIMUM_MUSD, abs=1e-6)


def test_build_model_reports_a_bad_scenario_as_a_build_error():
    with pytest.raises(ModelBuildError, match="unknown scenario"):
        build_model(teaching(), scenario="nope")


PULP_SOLVERS = [s for s in ("HiGHS", "PULP_CBC_CMD", "GLPK_CMD") if s in available_pulp_solvers()]


@pytest.mark.parametrize("name", PULP_SOLVERS)
def test_every_available_pulp_solver_finds_the_hand_calculated_optimum(name):
    r = solve_project(teaching(), SolveOptions(solver=name))
    assert r.status is Status.OPTIMAL and all(c.passed for c in r.checks)
    assert r.solver == name
    assert r.total_cost_musd == pytest.approx(TEACHING_OPTIMUM_MUSD, abs=1e-6)
    if name == "GLPK_CMD":  # PuLP's glpsol interface reads no duals: no marginal costs, and it says so
        assert not r.marginal_costs and "no duals" in r.message
    else:
        assert r.marginal_costs  # duals come back through PuLP too (fixed-integer LP re-solve)


def test_glpk_by_its_short_name_when_installed():
    if "GLPK_CMD" not in available_pulp_solvers():
        pytest.skip("glpsol not installed (tasks.py installs glpk-utils as root)")
    r = solve_project(teaching(), SolveOptions(solver="glpk"))
    assert r.status is Status.OPTIMAL and r.solver == "GLPK_CMD"


def test_a_time_limited_run_through_pulp_is_never_called_optimal():
    """137k variables and ~170 yes/no decisions: PuLP's HiGHS interface cannot prove optimality in 1 s."""
    r = solve_project(synthetic_project(1000, 10, seed=3), SolveOptions(solver="HiGHS", time_limit_s=1.0))
    assert r.status in (Status.TIME_LIMIT, Status.TIME_LIMIT_FEASIBLE, Status.ERROR)
    assert r.status is not Status.OPTIMAL


@pytest.mark.parametrize("sol_status,seconds,expected", [
    (pulp.LpSolutionOptimal, 3.0, RawStatus.OPTIMAL),
    (pulp.LpSolutionOptimal, 9.9, RawStatus.FEASIBLE),  # "Optimal" after using the whole limit: not trusted
    (pulp.LpSolutionIntegerFeasible, 1.0, RawStatus.FEASIBLE),
    (pulp.LpSolutionNoSolutionFound, 10.0, RawStatus.NO_SOLUTION),
    (pulp.LpSolutionInfeasible, 1.0, RawStatus.INFEASIBLE),
    (pulp.LpSolutionUnbounded, 1.0, RawStatus.UNBOUNDED),
])
def test_honest_status_reads_sol_status_and_the_clock(sol_status, seconds, expected):
    problem = SimpleNamespace(sol_status=sol_status, status=pulp.LpStatusOptimal)  # PuLP's "Optimal" label
    assert honest_status(problem, seconds, time_limit_s=10.0) is expected


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "planner.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def test_cli_solvers_version_and_an_unavailable_solver():
    out = _cli("solvers")
    assert out.returncode == 0
    listed = {line.split()[0] for line in out.stdout.splitlines()[1:] if "available" in line}
    assert {"highs", "cbc"} <= listed and listed == {n for n, _, ok in solver_catalogue() if ok}
    version = _cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("mine2magnet ")
    bad = _cli("solve", str(ROOT / "sample_projects" / "teaching_chain.m2m.json"), "--solver", "gurobi")
    assert bad.returncode == 2
    assert "'gurobi' is not available here" in bad.stderr and "highs, cbc" in bad.stderr


def test_cli_writes_mps_and_lp_before_solving(tmp_path):
    mps, lp = tmp_path / "m.mps", tmp_path / "m.lp"
    out = _cli("solve", str(ROOT / "sample_projects" / "teaching_chain.m2m.json"), "--write-mps", str(mps),
               "--write-lp", str(lp))
    assert out.returncode == 0, out.stderr
    assert _highs_optimum(mps) == pytest.approx(TEACHING_OPTIMUM_MUSD, abs=1e-6)
    assert _highs_optimum(lp) == pytest.approx(TEACHING_OPTIMUM_MUSD, abs=1e-6)
    assert not list(tmp_path.glob("*.tmp"))


def test_solve_with_write_mps_builds_the_model_once(tmp_path, monkeypatch, capsys):
    """The CLI writes the model it then solves: create_model runs once, not once for the file and
    once for the solve, and the solve still reaches the teaching chain's optimum ($84.8471M)."""
    import planner.pipeline.build_sequence as build_sequence
    from planner.cli.main import main

    calls = []
    real_create = build_sequence.create_model

    def counting_create(net, options):
        calls.append(options.relax_integers)
        return real_create(net, options)

    monkeypatch.setattr(build_sequence, "create_model", counting_create)
    mps, out_json = tmp_path / "m.mps", tmp_path / "plan.json"
    code = main(["solve", str(ROOT / "sample_projects" / "teaching_chain.m2m.json"), "--solver", "highs",
                 "--write-mps", str(mps), "--json", str(out_json)])
    assert code == 0, capsys.readouterr().err
    assert calls == [False]
    assert _highs_optimum(mps) == pytest.approx(TEACHING_OPTIMUM_MUSD, abs=1e-6)
    import json

    assert json.loads(out_json.read_text())["total_cost_musd"] == pytest.approx(TEACHING_OPTIMUM_MUSD, abs=1e-4)


def test_a_model_built_for_other_options_is_refused():
    """solve_project(built=...) checks the model was built for the options it is asked to solve."""
    built = build_model(teaching(), relax_integers=True)
    with pytest.raises(ValueError, match="built for other options"):
        solve_project(teaching(), SolveOptions(solver="highs", relax_integers=False), built=built)
    same = solve_project(teaching(), SolveOptions(solver="highs", relax_integers=True), built=built)
    assert same.status is Status.OPTIMAL
