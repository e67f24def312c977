"""Issue 25 (hardening round two), command line: outputs that would destroy an input (class 4),
the plan file of ``risk --plan`` (class 6), the whole solve's time limit (class 10), cluster
addresses (class 11) and the smaller ones (class 12)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from planner.cli.main import main

from .helpers import TEACHING


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as e:
        code = int(e.code)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "chain.m2m.json"
    shutil.copyfile(TEACHING, path)
    return path


# ------------------------------------------------------------------ class 4
@pytest.mark.parametrize("option", ["--json", "--xlsx", "--write-mps", "--write-lp"])
def test_class4_solve_refuses_to_write_over_its_project(project, option, capsys):
    before = project.read_bytes()
    code, out, err = run(["solve", str(project), option, str(project)], capsys)
    assert code == 2
    assert err.strip() == (f"mine2magnet: {option} {project}: that is the project file {project}, an input of this "
                           "command; writing there would destroy it. Choose another output file")
    assert project.read_bytes() == before
    assert sorted(p.name for p in project.parent.iterdir()) == ["chain.m2m.json"]  # no .bak, no temp file


def test_class4_a_symlink_or_hard_link_to_the_project_is_the_project(project, capsys):
    link = project.parent / "out.json"
    link.symlink_to(project)
    hard = project.parent / "hard.json"
    os.link(project, hard)
    before = project.read_bytes()
    for out_path in (link, hard):
        code, out, err = run(["solve", str(project), "--json", str(out_path)], capsys)
        assert code == 2 and "an input of this command" in err
    relative = os.path.relpath(project)
    code, out, err = run(["scenarios", str(project), "--xlsx", relative], capsys)
    assert code == 2 and "an input of this command" in err
    assert project.read_bytes() == before


def test_class4_risk_refuses_to_write_over_its_plan(project, tmp_path, capsys):
    plan = tmp_path / "plan.json"
    plan.write_text('{"status": "optimal", "investments": []}', encoding="utf-8")
    code, out, err = run(["risk", str(project), "-n", "2", "--plan", str(plan), "--json", str(plan)], capsys)
    assert code == 2
    assert f"--json {plan}: that is the plan (--plan) {plan}, an input of this command" in err
    assert plan.read_text(encoding="utf-8") == '{"status": "optimal", "investments": []}'


def test_class4_two_outputs_on_one_file_are_refused(project, tmp_path, capsys):
    out_path = tmp_path / "out"
    code, out, err = run(["solve", str(project), "--json", str(out_path), "--xlsx", str(out_path)], capsys)
    assert code == 2
    assert err.strip() == f"mine2magnet: --json and --xlsx name the same file {out_path}; give each output its own file"
    assert not out_path.exists()


# ------------------------------------------------------------------ class 12 (output names)
@pytest.mark.parametrize("command", [["solve"], ["scenarios"], ["risk", "-n", "2"]])
def test_class12_an_empty_output_name_is_refused(project, command, capsys):
    code, out, err = run([command[0], str(project), *command[1:], "--json", ""], capsys)
    assert code == 2
    assert err.strip() == "mine2magnet: --json: no file name given"


# ------------------------------------------------------------------ class 6: risk --plan
@pytest.fixture
def no_risk_run(monkeypatch):
    import planner.cli.risk as cli_risk

    def refuse(*args, **kwargs):
        raise AssertionError("the risk run started although the plan was refused")

    monkeypatch.setattr(cli_risk, "run_risk", refuse)


def _plan(tmp_path, investments, status="optimal", name="plan.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"status": status, "investments": investments}), encoding="utf-8")
    return path


def _risk_plan_errors(project, plan, capsys) -> list[str]:
    from tests.models.fuzz_contract import time_limit

    with time_limit(20):  # a FIFO used to hang here
        code, out, err = run(["risk", str(project), "-n", "2", "--plan", str(plan)], capsys)
    assert code == 2, err
    assert "Traceback" not in err
    return [line[len(f"{plan}: "):] for line in err.splitlines()]


def test_class6_a_fifo_or_device_is_refused_without_hanging(project, tmp_path, no_risk_run, capsys):
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    expected = ["is not a regular file (a device, pipe or socket); choose a result JSON (written by solve --json)"]
    assert _risk_plan_errors(project, fifo, capsys) == expected
    assert _risk_plan_errors(project, "/dev/zero", capsys) == expected


def test_class6_deep_nesting_and_nan_are_refused_like_in_a_project(project, tmp_path, no_risk_run, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text('{"status": "optimal", "investments": ' + "[" * 100 + "]" * 100 + "}", encoding="utf-8")
    assert _risk_plan_errors(project, deep, capsys) == ["nesting deeper than 32 levels"]
    nan = tmp_path / "nan.json"
    nan.write_text('{"status": "optimal", "investments": [{"option": "t_magnet_build", "decided_year": 2026, '
                   '"added_tpy": NaN}]}', encoding="utf-8")
    assert _risk_plan_errors(project, nan, capsys) == ["line 1 column 103: not valid JSON: NaN is not allowed "
                                                       "(numbers must be finite)"]


def test_class6_every_row_is_checked_against_the_project(project, tmp_path, no_risk_run, capsys):
    """t_magnet_build: at most 150 t/yr, decided 2026-2028 (horizon end 2029 - 1 year lead time),
    built once (it has a fixed capex, a yes/no decision)."""
    plan = _plan(tmp_path, [
        {"option": "t_magnet_build", "decided_year": 2026, "added_tpy": 1e6},
        {"option": "t_magnet_build", "decided_year": 2026, "added_tpy": -5},
        {"option": "t_magnet_build", "decided_year": 2031, "added_tpy": 10},
        {"option": "nope", "decided_year": 2026, "added_tpy": 10},
        {"option": "t_magnet_build", "decided_year": True, "added_tpy": 10},
        {"option": "t_magnet_build", "decided_year": 2026, "added_tpy": "100"},
        {"option": "t_magnet_build", "decided_year": 2026},
        [],
    ])
    assert _risk_plan_errors(project, plan, capsys) == [
        "investments[0].added_tpy: the plan adds 1,000,000 t/yr to option 't_magnet_build', more than its maximum of 150 t/yr",
        "investments[1].added_tpy: must be a finite number >= 0, not -5.0",
        "investments[2].decided_year: option 't_magnet_build' cannot be decided in 2031: its decision years are 2026-2028",
        "investments[3].option: unknown expansion option 'nope' (not in the project)",
        "investments[4].decided_year: must be a whole number, not true",
        "investments[5].added_tpy: must be a number, not the text '100'",
        "investments[6].added_tpy: required field is missing",
        "investments[7]: must be an object with option, decided_year and added_tpy, not a list",
    ]
    twice = _plan(tmp_path, [{"option": "t_magnet_build", "decided_year": 2026, "added_tpy": 50},
                             {"option": "t_magnet_build", "decided_year": 2027, "added_tpy": 50}], name="twice.json")
    assert _risk_plan_errors(project, twice, capsys) == [
        "investments[1].decided_year: option 't_magnet_build' is built once (a yes/no build decision), "
        "but the plan builds it in 2026 and 2027"]


@pytest.mark.parametrize("status", ["infeasible", "error", "time_limit"])
def test_class6_the_result_of_a_failed_solve_is_not_an_empty_plan(project, tmp_path, no_risk_run, status, capsys):
    plan = _plan(tmp_path, [], status=status)
    assert _risk_plan_errors(project, plan, capsys) == [
        f"status: the result has no plan (status {status!r}): its solve found none, so there is nothing to "
        "evaluate; solve until it finds a plan"]


def test_class6_a_plan_written_by_solve_is_evaluated_as_given(project, tmp_path, capsys):
    """solve --json builds 100 t/yr in 2026; risk --plan evaluates exactly that decision."""
    import planner.cli.risk as cli_risk

    result = tmp_path / "result.json"
    assert run(["solve", str(project), "--json", str(result)], capsys)[0] == 0
    seen = {}

    def fake_run_risk(project, n, **kwargs):
        seen["plan"] = kwargs["plan"]
        raise cli_risk.RiskRunError("stopped by the test after reading the plan")

    import pytest as _pytest

    with _pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli_risk, "run_risk", fake_run_risk)
        code, out, err = run(["risk", str(project), "-n", "2", "--plan", str(result)], capsys)
    assert seen["plan"] == [["t_magnet_build", 2026, 100.0]]
