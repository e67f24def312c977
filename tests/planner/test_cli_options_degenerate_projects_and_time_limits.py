"""Command line and solve: option checks, degenerate projects, outputs under a closed pipe, CBC's
wall-clock limit and an honest time-limit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

import planner.cli.risk as cli_risk
import planner.cli.scenarios as cli_scenarios
import planner.cli.solve as cli_solve
import planner.pipeline.solve as pipeline_solve
from models import load_project
from planner.cli.main import main
from planner.pipeline.solve import SolveOptions, solve_project
from planner.result import Status
from planner.solvers.backends import RawSolution, RawStatus

from .helpers import ROOT, TEACHING


def run_main(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as e:
        return int(e.code)


# ------------------------------------------------------------------ options
@pytest.fixture
def no_solving(monkeypatch):
    """A bad option must be refused before any solve starts."""

    def refuse(*args, **kwargs):
        raise AssertionError("a solve started although an option was invalid")

    monkeypatch.setattr(cli_solve, "solve_project", refuse)
    monkeypatch.setattr(cli_scenarios, "solve_scenarios", refuse)
    monkeypatch.setattr(cli_risk, "run_risk", refuse)


BAD_OPTIONS = [
    (["--time-limit", "nan"], "--time-limit: must be a finite number of seconds > 0 and <= 86400 (got 'nan')"),
    (["--time-limit", "inf"], "--time-limit: must be a finite number of seconds > 0 and <= 86400 (got 'inf')"),
    (["--time-limit=-Infinity"], "--time-limit: must be a finite number of seconds > 0 and <= 86400 (got '-Infinity')"),
    (["--time-limit", "0"], "--time-limit: must be a finite number of seconds > 0 and <= 86400 (got '0')"),
    (["--time-limit", "-3"], "--time-limit: must be a finite number of seconds > 0 and <= 86400 (got '-3')"),
    (["--time-limit", "1e9"], "--time-limit: must be a finite number of seconds > 0 and <= 86400 (got '1e9')"),
    (["--time-limit", "ten"], "--time-limit: must be a finite number of seconds > 0 and <= 86400 (got 'ten')"),
]
RISK_OPTIONS = [
    (["-n", "0"], "-n: must be a whole number from 1 to 1000000 (got '0')"),
    (["-n", "1e3"], "-n: must be a whole number from 1 to 1000000 (got '1e3')"),
    (["-n", "99999999999"], "-n: must be a whole number from 1 to 1000000 (got '99999999999')"),
    (["-n", "5", "--workers", "0"], "--workers: must be a whole number from 1 to 1024 (got '0')"),
    (["-n", "5", "--workers", "nan"], "--workers: must be a whole number from 1 to 1024 (got 'nan')"),
    (["-n", "5", "--seed", "-1"], "--seed: must be a whole number from 0 to 18446744073709551615 (got '-1')"),
    (["-n", "5", "--seed", "9" * 5000],
     "--seed: must be a whole number from 0 to 18446744073709551615 (got '999999999999...')"),
]


@pytest.mark.parametrize("command", ["solve", "scenarios", "risk"])
@pytest.mark.parametrize("option,message", BAD_OPTIONS, ids=[" ".join(o) for o, _ in BAD_OPTIONS])
def test_time_limit_is_finite_and_in_range(command, option, message, no_solving, capsys):
    extra = ["-n", "2"] if command == "risk" else []
    assert run_main([command, str(TEACHING), *extra, *option]) == 2
    err = capsys.readouterr().err
    assert f"mine2magnet: error: argument {message}" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("option,message", RISK_OPTIONS, ids=[" ".join(o)[:30] for o, _ in RISK_OPTIONS])
def test_risk_counts_are_in_range(option, message, no_solving, capsys):
    assert run_main(["risk", str(TEACHING), *option]) == 2
    assert f"mine2magnet: error: argument {message}" in capsys.readouterr().err


# ------------------------------------------------------------------ degenerate projects
@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_empty_project_is_a_plan_with_nothing_to_do(tmp_path, solver, capsys):
    path = tmp_path / "empty.m2m.json"
    path.write_text('{"schema_version": 3}')
    out_json, out_xlsx = tmp_path / "plan.json", tmp_path / "plan.xlsx"
    code = run_main(["solve", str(path), "--solver", solver, "--json", str(out_json), "--xlsx", str(out_xlsx)])
    stdout = capsys.readouterr().out
    assert code == 0, stdout
    assert f"Status: optimal ({solver}, scenario base) - Nothing to plan" in stdout
    data = json.loads(out_json.read_text())
    assert data["status"] == "optimal" and data["total_cost_musd"] == 0 and data["investments"] == []
    assert out_xlsx.stat().st_size > 0


def test_both_solvers_agree_on_a_project_without_demand():
    """Facilities and routes but nothing demanded: both solvers return the same zero-cost plan."""
    project = load_project(TEACHING)
    project.demands = []
    project.platforms = []
    results = {s: solve_project(project, SolveOptions(solver=s)) for s in ("highs", "cbc")}
    for s, r in results.items():
        assert r.status is Status.OPTIMAL, (s, r.message)
    assert results["highs"].objective == pytest.approx(results["cbc"].objective, abs=1e-6)


# ------------------------------------------------------------------ closed pipe
def test_outputs_are_written_when_stdout_is_a_closed_pipe(tmp_path):
    out_json, out_xlsx = tmp_path / "plan.json", tmp_path / "plan.xlsx"
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already exited
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "planner.cli", "solve", str(TEACHING), "--json", str(out_json), "--xlsx",
             str(out_xlsx)],
            cwd=ROOT, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=300, env=env,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out_json.read_text())["status"] == "optimal"
    assert out_xlsx.stat().st_size > 0


# ------------------------------------------------------------------ time limits
def test_time_limited_point_that_fails_verification_is_time_limit(monkeypatch):
    project = load_project(TEACHING)

    def stopped_early(lp, solver, time_limit_s, mip_gap, state, **_):
        return RawSolution(RawStatus.FEASIBLE, x=np.full(lp.n_vars, 1e6), seconds=time_limit_s, message="time limit")

    import planner.pipeline.lexicographic as lexicographic

    monkeypatch.setattr(pipeline_solve, "solve_lp", stopped_early)
    monkeypatch.setattr(lexicographic, "solve_lp", stopped_early)  # the priority stages stop early too
    result = solve_project(project, SolveOptions(relax_integers=True, time_limit_s=5))
    assert result.status is Status.TIME_LIMIT
    assert result.message.startswith("The time limit (5 s) ran out before the solver reached a plan that passes "
                                     "verification")
    assert not result.has_plan


@pytest.mark.timing
def test_model_building_counts_against_the_time_limit(monkeypatch):
    """The limit is for the whole solve: time spent building is taken off what the solver gets."""
    import planner.pipeline.build_sequence as build_sequence

    project = load_project(TEACHING)
    real_create = build_sequence.create_model
    seen: dict = {}

    def slow_create(*args, **kwargs):
        time.sleep(1.5)
        return real_create(*args, **kwargs)

    real_solve_lp = pipeline_solve.solve_lp

    def recording_solve_lp(lp, solver, time_limit_s, mip_gap, state):
        seen.setdefault("limit", time_limit_s)
        return real_solve_lp(lp, solver, time_limit_s, mip_gap, state)

    monkeypatch.setattr(build_sequence, "create_model", slow_create)
    monkeypatch.setattr(pipeline_solve, "solve_lp", recording_solve_lp)
    result = solve_project(project, SolveOptions(solver="cbc", time_limit_s=10))
    assert result.status is Status.OPTIMAL
    assert seen["limit"] <= 10 - 1.5


@pytest.mark.timing
def test_cbc_counts_its_own_hand_off_and_stops_at_the_limit(monkeypatch):
    """Building the PuLP problem takes 1.5 s of a 4 s limit: CBC gets what is left minus as much
    again for writing the MPS file (<= 4 - 1.5 - 1.5 = 1 s) and the watchdog fires soon after the
    deadline (<= 2.5 s + 1 s grace), not 10 s later."""
    import threading

    import pulp

    from planner.model.build import BuildOptions, create_model
    from planner.model.network import build_network
    from planner.progress import SolveState
    from planner.solvers import backends

    lp, _ = create_model(build_network(load_project(TEACHING)), BuildOptions())
    seen: dict = {}
    real_add = pulp.LpProblem.addConstraint

    def slow_add(self, *args, **kwargs):
        if "slept" not in seen:
            seen["slept"] = True
            time.sleep(1.5)
        return real_add(self, *args, **kwargs)

    real_cmd, real_timer = pulp.COIN_CMD, threading.Timer

    def recording_cmd(*args, **kwargs):
        seen["cbc_limit"] = kwargs["timeLimit"]
        return real_cmd(*args, **kwargs)

    def recording_timer(interval, fn, *a, **kw):
        seen["watchdog"] = interval
        return real_timer(interval, fn, *a, **kw)

    monkeypatch.setattr(pulp.LpProblem, "addConstraint", slow_add)
    monkeypatch.setattr(pulp, "COIN_CMD", recording_cmd)
    monkeypatch.setattr(backends.threading, "Timer", recording_timer)
    raw = backends.solve_cbc(lp, 4.0, 1e-4, SolveState())
    assert raw.status is RawStatus.OPTIMAL
    assert seen["cbc_limit"] <= 4.0 - 1.5 - 1.5
    assert seen["watchdog"] <= 4.0 - 1.5 + 1.0


@pytest.mark.timing
def test_cbc_is_not_started_when_building_used_up_the_limit(monkeypatch):
    """Building takes 1.5 s of a 1 s limit: CBC never starts; the answer is 'no solution'."""
    import pulp

    from planner.model.build import BuildOptions, create_model
    from planner.model.network import build_network
    from planner.progress import SolveState
    from planner.solvers import backends

    lp, _ = create_model(build_network(load_project(TEACHING)), BuildOptions())
    real_add = pulp.LpProblem.addConstraint
    started = []

    def slow_add(self, *args, **kwargs):
        if not started:
            started.append("build")
            time.sleep(1.5)
        return real_add(self, *args, **kwargs)

    def no_cbc(*args, **kwargs):
        raise AssertionError("CBC was started after the deadline")

    monkeypatch.setattr(pulp.LpProblem, "addConstraint", slow_add)
    monkeypatch.setattr(pulp, "COIN_CMD", no_cbc)
    raw = backends.solve_cbc(lp, 1.0, 1e-4, SolveState())
    assert raw.status is RawStatus.NO_SOLUTION
    assert "before CBC could start" in raw.message
