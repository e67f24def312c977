"""Issue 25 (hardening round two), command line: outputs that would destroy an input (class 4),
the plan file of ``risk --plan`` (class 6), the whole solve's time limit (class 10), cluster
addresses (class 11) and the smaller ones (class 12)."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from planner.analysis.risk import RiskRunError
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
def test_solve_refuses_to_write_over_its_project(project, option, capsys):
    before = project.read_bytes()
    code, out, err = run(["solve", str(project), option, str(project)], capsys)
    assert code == 2
    assert err.strip() == (f"mine2magnet: {option} {project}: that is the project file {project}, an input of this "
                           "command; writing there would destroy it. Choose another output file")
    assert project.read_bytes() == before
    assert sorted(p.name for p in project.parent.iterdir()) == ["chain.m2m.json"]  # no .bak, no temp file


def test_a_symlink_or_hard_link_to_the_project_is_the_project(project, capsys):
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


def test_risk_refuses_to_write_over_its_plan(project, tmp_path, capsys):
    plan = tmp_path / "plan.json"
    plan.write_text('{"status": "optimal", "investments": []}', encoding="utf-8")
    code, out, err = run(["risk", str(project), "-n", "2", "--plan", str(plan), "--json", str(plan)], capsys)
    assert code == 2
    assert f"--json {plan}: that is the plan (--plan) {plan}, an input of this command" in err
    assert plan.read_text(encoding="utf-8") == '{"status": "optimal", "investments": []}'


def test_two_outputs_on_one_file_are_refused(project, tmp_path, capsys):
    out_path = tmp_path / "out"
    code, out, err = run(["solve", str(project), "--json", str(out_path), "--xlsx", str(out_path)], capsys)
    assert code == 2
    assert err.strip() == f"mine2magnet: --json and --xlsx name the same file {out_path}; give each output its own file"
    assert not out_path.exists()


# ------------------------------------------------------------------ class 12 (output names)
@pytest.mark.parametrize("command", [["solve"], ["scenarios"], ["risk", "-n", "2"]])
def test_an_empty_output_name_is_refused(project, command, capsys):
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


def test_a_fifo_or_device_is_refused_without_hanging(project, tmp_path, no_risk_run, capsys):
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    expected = ["is not a regular file (a device, pipe or socket); choose a result JSON (written by solve --json)"]
    assert _risk_plan_errors(project, fifo, capsys) == expected
    assert _risk_plan_errors(project, "/dev/zero", capsys) == expected


def test_deep_nesting_and_nan_are_refused_like_in_a_project(project, tmp_path, no_risk_run, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text('{"status": "optimal", "investments": ' + "[" * 100 + "]" * 100 + "}", encoding="utf-8")
    assert _risk_plan_errors(project, deep, capsys) == ["nesting deeper than 32 levels"]
    nan = tmp_path / "nan.json"
    nan.write_text('{"status": "optimal", "investments": [{"option": "t_magnet_build", "decided_year": 2026, '
                   '"added_tpy": NaN}]}', encoding="utf-8")
    assert _risk_plan_errors(project, nan, capsys) == ["line 1 column 103: not valid JSON: NaN is not allowed "
                                                       "(numbers must be finite)"]


def test_every_row_is_checked_against_the_project(project, tmp_path, no_risk_run, capsys):
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
        "investments[0].added_tpy: the plan adds 1,000,000 t/yr to option 't_magnet_build', more than its maximum of "
        "150 t/yr",
        "investments[1].added_tpy: must be a finite number >= 0, not -5.0",
        "investments[2].decided_year: option 't_magnet_build' cannot be decided in 2031: its decision years are "
        "2026-2028",
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
def test_the_result_of_a_failed_solve_is_not_an_empty_plan(project, tmp_path, no_risk_run, status, capsys):
    plan = _plan(tmp_path, [], status=status)
    assert _risk_plan_errors(project, plan, capsys) == [
        f"status: the result has no plan (status {status!r}): its solve found none, so there is nothing to "
        "evaluate; solve until it finds a plan"]


def test_a_plan_written_by_solve_is_evaluated_as_given(project, tmp_path, capsys):
    """solve --json builds 100 t/yr in 2026; risk --plan evaluates exactly that decision."""
    import planner.cli.risk as cli_risk

    result = tmp_path / "result.json"
    assert run(["solve", str(project), "--json", str(result)], capsys)[0] == 0
    seen = {}

    def fake_run_risk(project, n, **kwargs):
        seen["plan"] = kwargs["plan"]
        raise RiskRunError("stopped by the test after reading the plan")

    import pytest as _pytest

    with _pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli_risk, "run_risk", fake_run_risk)
        code, out, err = run(["risk", str(project), "-n", "2", "--plan", str(result)], capsys)
    assert seen["plan"] == [["t_magnet_build", 2026, 100.0]]


# ------------------------------------------------------------------ class 11: cluster addresses
@pytest.fixture
def no_risk_or_robust(monkeypatch):
    import planner.cli.risk as cli_risk
    import planner.cli.robust as cli_robust

    def refuse(*args, **kwargs):
        raise AssertionError("a run started (and could have connected) although the scheduler was refused")

    monkeypatch.setattr(cli_risk, "run_risk", refuse)
    monkeypatch.setattr(cli_robust, "run_robust", refuse)


@pytest.mark.parametrize("command", [["risk", "-n", "2"], ["robust", "-n", "2"]])
def test_plain_tcp_to_another_machine_is_refused(project, command, no_risk_or_robust, capsys):
    """Refused before any connection is tried (nothing is sent to that address)."""
    code, out, err = run([command[0], str(project), *command[1:], "--scheduler", "tcp://10.0.0.5:8786"], capsys)
    assert code == 2
    assert err.strip() == ("mine2magnet: --scheduler tcp://10.0.0.5:8786: plain tcp:// to another machine would send "
                           "the whole project and receive pickled results unencrypted; use tls:// with Dask's security "
                           "settings, or say --insecure if this network is trusted")


def test_which_addresses_pass(monkeypatch):
    """Pure checks (no connection): local plain TCP passes, remote plain TCP only with --insecure,
    tls:// only with Dask's TLS settings, other schemes never."""
    import dask.config

    from planner.cli.cluster import insecure_warning, scheduler_problem

    for local in ("tcp://127.0.0.1:8786", "tcp://localhost:8786", "127.0.0.2:8786", "tcp://[::1]:8786"):
        assert scheduler_problem(local) is None, local
    assert scheduler_problem("tcp://10.0.0.5:8786", insecure=True) is None
    assert "unencrypted" in insecure_warning("tcp://10.0.0.5:8786", True)
    assert insecure_warning("tcp://127.0.0.1:8786", True) is None
    with dask.config.set({"distributed.comm.tls.ca-file": None, "distributed.comm.tls.client.cert": None}):
        assert scheduler_problem("tls://10.0.0.5:8786") == (
            "--scheduler tls://10.0.0.5:8786: tls:// needs Dask's TLS settings, and distributed.comm.tls.ca-file, "
            "distributed.comm.tls.client.cert is not set (Dask configuration file or "
            "DASK_DISTRIBUTED__COMM__TLS__... environment variables; see docs/hardening.md)")
    with dask.config.set({"distributed.comm.tls.ca-file": "/ca.pem", "distributed.comm.tls.client.cert": "/c.pem"}):
        assert scheduler_problem("tls://10.0.0.5:8786") is None


def test_inproc_scheduler_is_refused_at_once(project, no_risk_or_robust, capsys):
    """risk --scheduler inproc://x used to wait 30 s and print a traceback."""
    code, out, err = run(["risk", str(project), "-n", "2", "--scheduler", "inproc://x"], capsys)
    assert code == 2
    assert err.strip() == ("mine2magnet: --scheduler inproc://x: unsupported address (inproc:// exists only inside one "
                           "Python process); use tls://HOST:PORT (or tcp:// on this machine)")


def _openssl(*args, cwd):
    import subprocess

    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.mark.timeout(240)
@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make test certificates")
def test_a_tls_scheduler_runs_with_dasks_security_settings(tmp_path, capsys):
    """A local Dask cluster that accepts TLS only (require_encryption), certificates from a test CA;
    the client side gets them through Dask's configuration alone, as a user would set them."""
    distributed = pytest.importorskip("distributed")
    import dask.config

    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
             "-subj", "/CN=m2m-test-ca", cwd=tmp_path)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr", "-subj",
             "/CN=localhost", cwd=tmp_path)
    (tmp_path / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
             "node.pem", "-days", "1", "-extfile", "san.ext", cwd=tmp_path)
    ca, cert, key = (str(tmp_path / n) for n in ("ca.pem", "node.pem", "node.key"))
    security = distributed.security.Security(
        tls_ca_file=ca, tls_scheduler_cert=cert, tls_scheduler_key=key, tls_worker_cert=cert, tls_worker_key=key,
        tls_client_cert=cert, tls_client_key=key, require_encryption=True)
    with distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=1, protocol="tls://",
                                  security=security, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tls://")
        settings = {"distributed.comm.tls.ca-file": ca, "distributed.comm.tls.client.cert": cert,
                    "distributed.comm.tls.client.key": key, "distributed.comm.require-encryption": True}
        with dask.config.set(settings):
            code, out, err = run(["risk", str(TEACHING), "-n", "2", "--scheduler", address], capsys)
    assert code == 0, err
    assert f"scheduler {address}" in out


# ------------------------------------------------------------------ class 12 (the rest)
def test_an_empty_scenario_name_is_bad_input(project, capsys):
    code, out, err = run(["solve", str(project), "--scenario", ""], capsys)
    assert code == 2
    assert err.strip() == "mine2magnet: --scenario: no scenario name given (leave the option out for the base)"


def test_a_failed_sample_is_not_reported_as_optimal():
    """A solver that says 'Optimal' but returns no point: the sample failed, and its message says
    why instead of 'sample not solved: Optimal'."""
    from planner.analysis.plan_eval import point_result
    from planner.result import Status
    from planner.solvers.backends import RawSolution, RawStatus

    r = point_result(None, None, None, RawSolution(RawStatus.OPTIMAL, None, message="Optimal"), None, "highs")
    assert r.status is Status.ERROR and not r.has_plan
    assert r.message == "sample not solved: the solver reported 'Optimal' but returned no point"
    r = point_result(None, None, None, RawSolution(RawStatus.INFEASIBLE, None, message="Infeasible"), None, "highs")
    assert r.status is Status.INFEASIBLE and r.message == "sample not solved: Infeasible"


# ------------------------------------------------------------------ class 10: one limit for all stages
def test_the_stages_share_the_limit(monkeypatch):
    """Three stages, a 0.3 s limit, and a solver that uses all the time it is given: stage 1 gets
    the 0.3 s; the next stages get what is left (0 here), and none is started with less than
    MIN_STAGE_SECONDS. Before, every stage got at least 1 s (0.3 + 1 + 1 = 2.3 s in all)."""
    import time

    import planner.pipeline.lexicographic as lex
    from planner.model.lp import LinearProgram
    from planner.progress import SolveState
    from planner.solvers.backends import RawSolution, RawStatus

    lp = LinearProgram()
    for j in range(3):
        lp.add_var(("x", j), lb=0.0, ub=1.0, cost=1.0)
    given: list[float] = []

    def greedy(program, solver, time_limit_s, mip_gap, state, **_):
        given.append(time_limit_s)
        time.sleep(time_limit_s)
        return RawSolution(RawStatus.FEASIBLE, x=np.zeros(program.n_vars), seconds=time_limit_s, message="time limit")

    monkeypatch.setattr(lex, "solve_lp", greedy)
    objectives = [lex.Objective(f"s{k}", {k: 1.0}) for k in range(3)]
    t0 = time.perf_counter()
    result = lex.solve_lexicographic(lp, objectives, "highs", 0.3, 1e-4, SolveState())
    wall = time.perf_counter() - t0
    assert len(given) == 1 and given[0] <= 0.3
    assert wall < 0.3 + 0.2
    assert result.status is RawStatus.FEASIBLE and result.x is not None  # stage 1's point is kept
    assert "the time limit ran out before this stage started" in result.message


# ------------------------------------------------------------------ class 9: a point HiGHS calls optimal
def test_a_stage_point_off_its_rows_is_solved_again_without_presolve(monkeypatch):
    """One LP stage: x0 - x1 = 0 (a mass balance: made = shipped). HiGHS with presolve returns
    x = (0, 2e-6): 'optimal' but off the row by 2e-6 / (1 + 2e-6) = 2e-6 (scaled as the verifier
    does), more than its 1e-6 (the real sample over 60 years: 1.585e-6 t on a dy_oxide balance).
    The stage is solved again without presolve and that exact point (0, 0) is kept."""
    import planner.pipeline.lexicographic as lex
    from planner.model.lp import LinearProgram
    from planner.pipeline.verify import worst_violation
    from planner.progress import SolveState
    from planner.solvers.backends import RawSolution, RawStatus

    lp = LinearProgram()
    a = lp.add_var(("x", 0), lb=0.0, ub=1.0)
    b = lp.add_var(("x", 1), lb=0.0, ub=1.0)
    lp.add_row("balance", ("b",), {a: 1.0, b: -1.0}, lo=0.0, hi=0.0)
    calls = []

    def highs(program, solver, time_limit_s, mip_gap, state, presolve=True, start=None, highs_presolve=True):
        calls.append(highs_presolve)
        x = np.array([0.0, 2e-6]) if highs_presolve else np.array([0.0, 0.0])
        return RawSolution(RawStatus.OPTIMAL, x=x, seconds=0.0, message="Optimal")

    monkeypatch.setattr(lex, "solve_lp", highs)
    logs = []
    result = lex.solve_lexicographic(lp, [lex.Objective("least_activity", {a: 1.0, b: 1.0})], "highs", 10.0, 1e-4,
                                     SolveState(on_log=logs.append))
    assert calls == [True, False]
    assert worst_violation(lp, result.x) == 0.0 and list(result.x) == [0.0, 0.0]
    assert "stage 'least_activity': the solver's point misses a row by 2e-06; solving it again without presolve" in logs


def test_a_plan_written_by_hand_needs_rows_not_a_status(project, tmp_path, no_risk_run, capsys):
    """No status: a hand-written plan, its rows checked all the same; no investments: not a result."""
    plan = tmp_path / "hand.json"
    plan.write_text('{"investments": [{"option": "t_magnet_build", "decided_year": 2026, "added_tpy": 900}]}')
    assert _risk_plan_errors(project, plan, capsys) == [
        "investments[0].added_tpy: the plan adds 900 t/yr to option 't_magnet_build', "
        "more than its maximum of 150 t/yr"]
    plan.write_text('{"status": "optimal"}')
    assert _risk_plan_errors(project, plan, capsys) == [
        "investments: required field is missing: not a result JSON (write one with solve --json)"]
