"""Monte Carlo runs with a real solver: reproducibility across executors, failures, cancel, CLI."""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from pathlib import Path

import pytest

import planner.pipeline.solve
from models import load_project
from models.project import DelayDistribution, OverrunDistribution
from models.vocab import Status as FacilityStatus
from planner.analysis.risk import RiskRunError, run_risk
from planner.pipeline.solve import SolveOptions, solve_project
from planner.progress import SolveState
from planner.result import PlanResult, Status

from .risk_fixtures import teaching_project

ROOT = Path(__file__).resolve().parents[2]
TEACHING = ROOT / "sample_projects" / "teaching_chain.m2m.json"
OPTIONS = SolveOptions(time_limit_s=30)


@pytest.fixture(scope="module")
def project():
    return load_project(TEACHING) if TEACHING.exists() else teaching_project()


def _comparable(report) -> dict:
    """The report without timings and executor details (which legitimately differ)."""
    d = report.to_dict()
    for key in ("seconds", "plan_seconds", "workers", "scheduler"):
        d.pop(key)
    for s in d["samples"]:
        s.pop("seconds")
        s.pop("cpu_seconds")
    return d


@pytest.fixture(scope="module")
def serial_report(project):
    return run_risk(project, 6, seed=42, workers=1, options=OPTIONS)


def test_serial_run_has_answers(serial_report):
    rep = serial_report
    assert rep.n_completed == 6 and rep.n_ok == 6 and rep.n_failed == 0 and not rep.cancelled
    assert rep.target_year == 2027 and 2027 in rep.p_met_all
    assert 0.0 <= rep.p_met_all[2027] <= 1.0
    assert rep.cost_musd["p10"] <= rep.cost_musd["p50"] <= rep.cost_musd["p90"]
    # the delays differ between samples (planned / construction facilities draw from their distribution)
    assert len({json.dumps(s.delays, sort_keys=True) for s in rep.samples}) > 1


def test_same_answer_with_two_worker_processes(project, serial_report):
    pooled = run_risk(project, 6, seed=42, workers=2, options=OPTIONS)
    assert pooled.workers == 2
    assert _comparable(pooled) == _comparable(serial_report)


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        yield cluster


@pytest.mark.timeout(240)
def test_same_answer_on_a_dask_local_cluster(project, serial_report, dask_cluster):
    rep = run_risk(project, 6, seed=42, scheduler=dask_cluster.scheduler_address, options=OPTIONS)
    assert rep.scheduler == dask_cluster.scheduler_address and rep.n_ok == 6
    assert _comparable(rep) == _comparable(serial_report)


@pytest.mark.timing
@pytest.mark.timeout(240)
def test_cancel_on_a_dask_cluster_returns_promptly(project, dask_cluster):
    state = SolveState()
    done = []
    state._on_progress = lambda f, m: (done.append(f), f >= 0.01 and state.request_cancel())
    t0 = time.perf_counter()
    rep = run_risk(project, 300, seed=1, scheduler=dask_cluster.scheduler_address, options=OPTIONS, state=state,
                   mode="foresight")
    assert rep.cancelled and 0 < rep.n_completed < 300
    assert time.perf_counter() - t0 < 30
    # the cluster is usable again at once: the cancelled tasks were released
    again = run_risk(project, 2, seed=1, scheduler=dask_cluster.scheduler_address, options=OPTIONS)
    assert again.n_ok == 2 and not again.cancelled


def test_a_stored_base_scenario_is_the_base():
    from models import DemandOverride, Scenario

    p = teaching_project()
    p.scenarios.append(Scenario(id="base", name="Base case", overrides=[DemandOverride(segment="defense", factor=0.5)]))
    rep = run_risk(p, 1, seed=0, workers=1, options=OPTIONS)
    assert rep.samples[0].defense_demand_t["ndfeb_magnet"][2027] == 75.0


def test_a_different_seed_draws_differently(project, serial_report):
    other = run_risk(project, 6, seed=43, workers=1, options=OPTIONS)
    assert [s.delays for s in other.samples] != [s.delays for s in serial_report.samples] or \
        [s.overruns for s in other.samples] != [s.overruns for s in serial_report.samples]


def test_a_sample_without_delays_or_overruns_reproduces_the_deterministic_plan():
    p = teaching_project()
    for status in FacilityStatus:
        p.settings.risk.delay_years[status] = DelayDistribution(years=[0], probabilities=[1.0])
        p.settings.risk.capex_overrun[status] = OverrunDistribution(low=1, mode=1, high=1)
    base = solve_project(p, OPTIONS)
    assert base.has_plan
    rep = run_risk(p, 2, seed=5, workers=1, options=OPTIONS)
    assert len(rep.samples) == 2
    for s in rep.samples:
        assert set(s.delays.values()) == {0} and set(s.overruns.values()) == {1.0}
        assert s.total_cost_musd == pytest.approx(base.total_cost_musd, rel=1e-6)
        assert s.objective == pytest.approx(base.objective, rel=1e-6)
    want_2027 = all(r.unmet <= 1e-6 for r in base.demand if r.year == 2027 and r.segment == "defense")
    assert rep.p_met_all[2027] == (1.0 if want_2027 else 0.0)


def test_failing_samples_are_counted_and_listed(monkeypatch):
    p = teaching_project()
    calls = {"n": 0}
    real = planner.pipeline.solve.solve_project

    def flaky(project, options=None, state=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("solver crashed")
        if calls["n"] == 4:
            return PlanResult(Status.TIME_LIMIT, "The time limit ran out before the solver found any plan", "highs")
        return real(project, options, state)

    monkeypatch.setattr(planner.pipeline.solve, "solve_project", flaky)
    rep = run_risk(p, 5, seed=1, workers=1, options=OPTIONS, mode="foresight")
    assert rep.n_completed == 5 and rep.n_ok == 3 and rep.n_failed == 2
    assert [(f.index, f.status) for f in rep.failures] == [(1, "error"), (3, "time_limit")]
    assert "solver crashed" in rep.failures[0].message
    # shares of all 5 samples; the 2 without a plan are never met, so P <= 3/5
    assert all(v in (0.0, 1 / 5, 2 / 5, 3 / 5) for v in rep.p_met_all.values())
    failed = [s for s in rep.samples if not s.ok]
    # their whole defense demand is short (teaching chain: 150 t of defense NdFeB a year, 2027-2032)
    assert all(s.defense_shortfall_t["ndfeb_magnet"] == {y: 150.0 for y in range(2027, 2033)} for s in failed)
    assert len(rep.costs()) == 3


def test_a_tiny_time_limit_in_worker_processes_is_reported_not_dropped():
    p = teaching_project()
    rep = run_risk(p, 3, seed=1, workers=2, options=SolveOptions(time_limit_s=1e-6), mode="foresight")
    assert rep.n_completed == 3
    assert rep.n_ok + rep.n_failed == 3
    assert len(rep.failures) == rep.n_failed
    for f in rep.failures:
        assert f.status in ("time_limit", "error") and f.message


@pytest.mark.timing
def test_progress_reaches_one_and_cancel_stops_the_pool_promptly():
    p = teaching_project()
    seen: list[float] = []
    state = SolveState(on_progress=lambda f, m: seen.append(f))
    rep = run_risk(p, 4, seed=0, workers=2, options=OPTIONS, state=state)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)

    before = set(multiprocessing.active_children())  # e.g. a module-scoped Dask cluster's workers
    state = SolveState()
    stopper = threading.Timer(0.3, state.request_cancel)  # workers are still starting up (spawn)
    stopper.start()
    t0 = time.perf_counter()
    rep = run_risk(p, 400, seed=0, workers=2, options=OPTIONS, state=state, mode="foresight")
    elapsed = time.perf_counter() - t0
    stopper.join()
    assert rep.cancelled and rep.n_completed < 400
    assert elapsed < 10
    deadline = time.perf_counter() + 3.0  # the pool's processes are gone (promptly)
    while set(multiprocessing.active_children()) - before and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert set(multiprocessing.active_children()) <= before


def test_bad_arguments_are_refused(project):
    for kwargs in ({"n": 0}, {"n": 2, "workers": 0}, {"n": 2, "seed": -1}):
        n = kwargs.pop("n")
        with pytest.raises(RiskRunError):
            run_risk(project, n, **{"seed": 0, **kwargs})
    with pytest.raises(RiskRunError, match="cannot connect"):
        run_risk(project, 2, seed=0, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(RiskRunError, match="unknown scenario"):
        run_risk(project, 2, seed=0, options=SolveOptions(scenario="nope"))


def test_a_scenario_is_applied_before_sampling():
    p = teaching_project()
    rep = run_risk(p, 3, seed=0, workers=1, options=SolveOptions(scenario="demand_x2", time_limit_s=30))
    assert all(s.defense_demand_t["ndfeb_magnet"][2027] == 300.0 for s in rep.samples)


# ------------------------------------------------------------------------------------ CLI
def _cli(argv):
    from planner.cli.main import main

    try:
        return main(argv)
    except SystemExit as e:  # bad input exits through SystemExit(2)
        return e.code


def test_cli_risk_prints_probabilities_and_writes_json(tmp_path, capsys, project):
    src = tmp_path / "p.m2m.json"
    from models import save_project

    save_project(project, src)
    out = tmp_path / "risk.json"
    code = _cli(["risk", str(src), "-n", "4", "--workers", "1", "--seed", "3", "--json", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "met with compliant magnets in 2027" in text and "P10" in text and "P90" in text
    data = json.loads(out.read_text())
    assert data["n_requested"] == 4 and data["n_ok"] == 4 and data["seed"] == 3
    assert "2027" in data["p_met_all"] and len(data["samples"]) == 4


def test_cli_risk_bad_input_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.m2m.json"
    bad.write_text("{not json")
    assert _cli(["risk", str(bad), "-n", "2"]) == 2
    assert _cli(["risk", str(TEACHING), "-n", "0"]) == 2
    assert _cli(["risk", str(TEACHING), "-n", "2", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "cannot connect" in err


def test_cli_risk_exits_1_when_a_sample_fails(tmp_path, capsys, monkeypatch):
    def broken(project, options=None, state=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(planner.pipeline.solve, "solve_project", broken)
    assert _cli(["risk", str(TEACHING), "-n", "2", "--workers", "1", "--foresight"]) == 1
    assert "sample 0: error: the solver failed on this future: RuntimeError: boom" in capsys.readouterr().out


@pytest.mark.timing
@pytest.mark.timeout(180)
def test_cancel_with_cbc_in_worker_processes_leaves_no_solver_running():
    """Cancel while CBC (a grandchild process) is solving: the pool kills it with its worker."""
    psutil = pytest.importorskip("psutil")
    from planner.solvers.backends import available_solvers

    real = ROOT / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"
    if "cbc" not in available_solvers() or not real.exists():
        pytest.skip("needs CBC and the real sample project")
    p = load_project(real)
    me = psutil.Process()

    def cbc_children():
        out = []
        for c in me.children(recursive=True):
            try:
                if "cbc" in " ".join(c.cmdline()).lower():
                    out.append(c)
            except psutil.Error:
                pass
        return out

    state = SolveState()
    seen = threading.Event()
    solvers: list = []

    def watch():
        deadline = time.time() + 120
        while time.time() < deadline and not state.cancel_requested:
            found = cbc_children()
            if found:
                solvers.extend(found)
                seen.set()
                state.request_cancel()
                return
            time.sleep(0.05)
        state.request_cancel()

    watcher = threading.Thread(target=watch)
    watcher.start()
    t0 = time.perf_counter()
    rep = run_risk(p, 50, seed=0, workers=2, options=SolveOptions(solver="cbc", time_limit_s=120), state=state,
                   mode="foresight")
    elapsed = time.perf_counter() - t0
    watcher.join()
    assert seen.is_set(), "CBC never started"
    assert rep.cancelled
    time.sleep(0.3)
    # an orphaned CBC would no longer be our child: check the very processes seen running
    assert [c.pid for c in solvers if c.is_running() and c.status() != psutil.STATUS_ZOMBIE] == []
    assert cbc_children() == []
    assert elapsed < 120


@pytest.mark.timeout(240)
def test_cli_risk_on_a_dask_scheduler(dask_cluster, tmp_path, capsys):
    out = tmp_path / "r.json"
    code = _cli(["risk", str(TEACHING), "-n", "3", "--seed", "42", "--scheduler", dask_cluster.scheduler_address,
                 "--json", str(out)])
    assert code == 0
    assert f"scheduler {dask_cluster.scheduler_address}" in capsys.readouterr().out
    data = json.loads(out.read_text())
    assert data["scheduler"] == dask_cluster.scheduler_address and data["n_ok"] == 3
