"""`mine2magnet solve`: summary, JSON output, exit codes, no traceback for bad input."""

import json
import subprocess
import sys

import pytest

from planner.cli.main import main

from .helpers import ROOT, TEACHING


def run_cli(*args):
    proc = subprocess.run([sys.executable, "-m", "planner.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def test_solve_prints_a_summary_and_writes_the_result_json(tmp_path):
    out = tmp_path / "plan.json"
    code, stdout, stderr = run_cli("solve", str(TEACHING), "--json", str(out))
    assert code == 0, stderr
    assert "Status: optimal" in stdout
    assert "Total discounted cost: $84.8M" in stdout
    assert "t_magnet_build" in stdout and "2026" in stdout
    data = json.loads(out.read_text())
    assert data["status"] == "optimal"
    assert data["total_cost_musd"] == pytest.approx(84.8471)
    assert data["investments"][0]["added_tpy"] == pytest.approx(100)
    assert "Running HiGHS" not in stdout  # the solver banner stays out of the summary


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_solver_choice(solver, capsys):
    assert main(["solve", str(TEACHING), "--solver", solver]) == 0
    assert f"({solver}, scenario base)" in capsys.readouterr().out


def test_bad_project_file_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 2, "facilities": [{"id": "a", "name": "x", "stage": "mine", "capacity_tpy": '
                   '-5}]}')
    code, stdout, stderr = run_cli("solve", str(bad))
    assert code == 2
    assert f"{bad}: Facility 'x' (facilities[0]): capacity (t/yr) must be >= 0, found -5" in stderr.splitlines()
    assert "Traceback" not in stderr + stdout


def test_missing_file_and_unknown_scenario_exit_2(tmp_path):
    code, _, stderr = run_cli("solve", str(tmp_path / "nope.json"))
    assert code == 2 and "file not found" in stderr and "Traceback" not in stderr
    code, _, stderr = run_cli("solve", str(TEACHING), "--scenario", "moon_base")
    assert code == 2 and "unknown scenario 'moon_base'" in stderr


def test_bad_option_exits_2(capsys):
    assert main(["solve", str(TEACHING), "--solver", "gurobi"]) == 2  # a PuLP solver not installed here
    assert "'gurobi' is not available here" in capsys.readouterr().err
    assert main(["solve", str(TEACHING), "--solver", "nosuchsolver"]) == 2
    assert "unknown solver 'nosuchsolver'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:  # refused by the option parser, before loading the project
        main(["solve", str(TEACHING), "--time-limit", "-1"])
    assert e.value.code == 2


def test_time_limit_without_a_plan_exits_1(tmp_path):
    from models import save_project
    from planner.model.synthetic import synthetic_project

    path = tmp_path / "big.m2m.json"
    save_project(synthetic_project(1000, 10, seed=3), path)
    out = tmp_path / "r.json"
    code, stdout, _ = run_cli("solve", str(path), "--solver", "cbc", "--time-limit", "0.5", "--json", str(out))
    data = json.loads(out.read_text())
    if data["status"] == "time_limit":
        assert code == 1
        assert "time limit" in stdout
    else:  # a feasible point was found in time: still never "optimal"
        assert data["status"] == "time_limit_feasible" and code == 0


def test_unwritable_json_target_is_a_clear_error(tmp_path):
    code, _, stderr = run_cli("solve", str(TEACHING), "--json", str(tmp_path / "missing_dir" / "x.json"))
    assert code == 1
    assert "cannot write" in stderr and "Traceback" not in stderr


def test_validate_accepts_the_teaching_chain():
    code, stdout, _ = run_cli("validate", str(TEACHING))
    assert code == 0 and "valid" in stdout
