"""Plan evaluation under delay risk: hand-checked micro chain, reuse path == rebuild path, run_risk modes."""

from __future__ import annotations

import pytest

from models import apply_scenario, load_project
from planner.analysis.plan_eval import EvalSpec, SampleModel, draw_shares, plan_decisions, rebuild_and_solve
from planner.analysis.risk import run_risk
from planner.analysis.risk_report import value_of_information
from planner.analysis.risk_sampling import SampleDraw, draw_sample
from planner.pipeline.solve import SolveOptions, solve_project

from .helpers import REAL
from .risk_fixtures import teaching_project, two_futures_project


def _unmet(result, year):
    return sum(r.unmet for r in result.demand if r.segment == "defense" and r.year == year)


def test_micro_chain_committed_plan_meets_2027_in_one_future_of_two():
    """Hand calculation in two_futures_project's docstring: the deterministic plan builds nothing;
    on time 2027 is met (cost 4.5 + 2.5 + 2.5 = 9.5 $M), one year late 2027 is 100 t short
    (cost 4.5 + 0 + 2.5 = 7.0 $M): P(met 2027) = 0.5. Perfect foresight builds the hedge in the late
    future (cost 9.5 + 50 = 59.5 $M): P(met 2027) = 1.0."""
    p = two_futures_project()
    base = solve_project(p)
    assert base.total_cost_musd == pytest.approx(9.5) and plan_decisions(base) == []
    spec = EvalSpec(decisions=plan_decisions(base))
    model = SampleModel(p, spec)
    on_time, late = model.solve({"mag": 0}, {}), model.solve({"mag": 1}, {})
    assert (_unmet(on_time, 2027), _unmet(late, 2027)) == (0.0, pytest.approx(100.0))
    assert (on_time.total_cost_musd, late.total_cost_musd) == (pytest.approx(9.5), pytest.approx(7.0))
    assert _unmet(late, 2028) == 0.0 and late.investments == []
    p_met = sum(_unmet(r, 2027) <= 1e-6 for r in (on_time, late)) / 2
    assert p_met == 0.5

    hindsight = SampleModel(p, EvalSpec(mode="foresight"))
    late_fs = hindsight.solve({"mag": 1}, {})
    assert _unmet(late_fs, 2027) == pytest.approx(0.0, abs=1e-6)
    assert [(i.option, i.decided_year, i.added_tpy) for i in late_fs.investments] == [("hedge", 2026, 100.0)]
    assert late_fs.total_cost_musd == pytest.approx(59.5)


def test_a_committed_decision_arrives_as_late_as_its_facility():
    """The plan builds the hedge in 2026 (online 2027). If mag2 is one year late, the committed
    100 t/yr is decided in 2027 and online 2028; with mag also late, 2027 is 100 t short."""
    p = two_futures_project()
    spec = EvalSpec(decisions=[["hedge", 2026, 100.0]])
    model = SampleModel(p, spec)
    r = model.solve({"mag": 1, "mag2": 1}, {})
    assert [(i.option, i.decided_year, i.online_year, i.added_tpy) for i in r.investments] == [
        ("hedge", 2027, 2028, 100.0)]
    assert _unmet(r, 2027) == pytest.approx(100.0)
    r = model.solve({"mag": 1}, {"mag2": 1.2})  # on time, 20 % overrun: capex 60 $M
    assert _unmet(r, 2027) == pytest.approx(0.0, abs=1e-6)
    assert r.cost_breakdown_musd["capex"] == pytest.approx(60.0)
    ref = rebuild_and_solve(p, spec, SampleDraw(0, {"mag": 1}, {"mag2": 1.2}))
    assert ref.total_cost_musd == pytest.approx(r.total_cost_musd)


def test_run_risk_plan_mode_p_met_is_the_share_of_samples_with_the_plant_on_time():
    p = two_futures_project()
    n = 12
    rep = run_risk(p, n, seed=3, workers=1, options=SolveOptions(time_limit_s=30))
    on_time = sum(draw_sample(p, 3, i).delays.get("mag", 0) == 0 for i in range(n))
    assert 0 < on_time < n
    assert rep.mode == "plan" and rep.commit_year == 2026 and rep.plan == []
    assert rep.p_met["ndfeb_magnet"][2027] == pytest.approx(on_time / n)
    assert rep.p_met["ndfeb_magnet"][2028] == 1.0
    fs = run_risk(p, n, seed=3, workers=1, options=SolveOptions(time_limit_s=30), mode="foresight")
    assert fs.p_met["ndfeb_magnet"][2027] == 1.0
    voi = value_of_information(rep, fs)
    assert voi["p_met_all"][2027] == pytest.approx(1 - on_time / n)
    # a late sample costs 7.0 $M with the plan and 59.5 $M with hindsight (hedge 50 + 2.5 opex for
    # the 100 t it delivers in 2027): plan - foresight = -52.5 $M there, 0 on time
    assert voi["mean_cost_musd"] == pytest.approx(-52.5 * (n - on_time) / n)


def test_plan_mode_gives_the_same_answer_on_two_workers():
    p = two_futures_project()
    a = run_risk(p, 10, seed=1, workers=1)
    b = run_risk(p, 10, seed=1, workers=2)
    assert [(s.total_cost_musd, s.defense_shortfall_t) for s in a.samples] == \
           [(s.total_cost_musd, s.defense_shortfall_t) for s in b.samples]


def _same(a, b):
    assert a.status == b.status
    assert a.total_cost_musd == pytest.approx(b.total_cost_musd, rel=1e-7, abs=1e-6)
    assert a.objective == pytest.approx(b.objective, rel=1e-7)
    short = lambda r: {(d.demand_id, d.year): d.unmet for d in r.demand}  # noqa: E731
    sa, sb = short(a), short(b)
    assert sa.keys() == sb.keys()
    for k in sa:
        assert sa[k] == pytest.approx(sb[k], abs=1e-4)


@pytest.mark.timeout(300)
def test_reuse_path_and_rebuild_path_agree_on_the_real_sample():
    """Four samples of the real chain (base scenario, its optimal plan committed; delays, overruns,
    the sample's ramp-up shares of five plants and its catalogue events, each revealed in its first
    year): the model built once and changed in place gives the
    same objective, cost and unmet tonnes as rebuilding."""
    p = load_project(REAL)
    p = apply_scenario(p, "base")
    base = solve_project(p, SolveOptions(time_limit_s=120))
    spec = EvalSpec(decisions=plan_decisions(base))
    model = SampleModel(p, spec)
    for i in range(4):
        d = draw_sample(p, 11, i)
        fast = model.solve(d.delays, d.overruns, from_base=i == 0, shares=draw_shares(d),  # incl. ramp-up draws
                           events=d.events)  # and the catalogue's events
        _same(fast, rebuild_and_solve(p, spec, d))


def test_reuse_and_rebuild_agree_when_later_decisions_are_reoptimised():
    """Teaching chain (a MILP: the metal option has a fixed cost): decisions after 2026 re-decided."""
    p = teaching_project()
    base = solve_project(p)
    spec = EvalSpec(decisions=plan_decisions(base), later="reoptimise")
    model = SampleModel(p, spec)
    for i in range(4):
        d = draw_sample(p, 5, i)
        _same(model.solve(d.delays, d.overruns, shares=draw_shares(d)), rebuild_and_solve(p, spec, d))


def test_cli_risk_evaluates_a_plan_file_and_labels_the_mode(tmp_path, capsys):
    """solve --json writes the plan; risk --plan evaluates it (here: the hedge committed -> 2027 always met)."""
    from models.io import save_project
    from planner.cli.main import main as cli_main

    project = tmp_path / "two.m2m.json"
    save_project(two_futures_project(), project)
    plan = tmp_path / "plan.json"
    plan.write_text('{"investments": [{"facility": "mag2", "option": "hedge", "decided_year": 2026, '
                    '"online_year": 2027, "added_tpy": 100.0, "capex_musd": 50.0}]}')
    assert cli_main(["risk", str(project), "-n", "6", "--workers", "1", "--plan", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "evaluating the committed plan without foresight" in out
    assert "Plan evaluated: hedge 2026 100 t/yr" in out
    assert "ndfeb_magnet            100.0%" in out
    assert cli_main(["risk", str(project), "-n", "2", "--workers", "1", "--foresight"]) == 0
    assert "perfect foresight" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text('{"status": "optimal"}')
    assert cli_main(["risk", str(project), "-n", "2", "--plan", str(tmp_path / "bad.json")]) == 2
    assert "not a result JSON" in capsys.readouterr().err
    assert cli_main(["risk", str(project), "-n", "2", "--plan", str(tmp_path / "missing.json")]) == 2


def test_a_delayed_plant_is_qualified_for_defense_as_late_as_it_comes_online():
    """two_futures_project with mag's qualification lag 1 year (online 2027 -> qualified 2028) and the
    horizon to 2029. One year late: online 2028, qualified 2029, so 2028's defense demand (100 t) cannot
    come from mag: 100 t short in 2028 (the hedge is not built), 0 in 2029. The reuse path must move the
    qualification cap with the delay exactly as rebuilding does."""
    p = two_futures_project()
    p.settings.end_year = 2029
    for d in p.demands:
        d.tonnes_by_year = {y: 100.0 for y in (2026, 2027, 2028, 2029)}
    next(f for f in p.facilities if f.id == "mag").qualification_years = 1
    spec = EvalSpec(decisions=[])
    model = SampleModel(p, spec)
    fast = model.solve({"mag": 1}, {})
    ref = rebuild_and_solve(p, spec, SampleDraw(0, {"mag": 1}, {}))
    assert [_unmet(ref, y) for y in (2027, 2028, 2029)] == [pytest.approx(100.0), pytest.approx(100.0),
                                                           pytest.approx(0.0, abs=1e-6)]
    assert [_unmet(fast, y) for y in (2027, 2028, 2029)] == [_unmet(ref, y) for y in (2027, 2028, 2029)]


def test_a_warm_point_that_fails_verification_is_re_solved_from_scratch():
    """Solver noise on the live Highs (simulated: 1 t added to the first flow of the warm point) makes the
    verifier refuse the point; the sample is then re-solved on a fresh model and gives the hand answer
    (late future: 2027 100 t short, cost 7.0 $M)."""
    p = two_futures_project()
    model = SampleModel(p, EvalSpec(decisions=[]))
    solve = model.highs.solve

    def noisy(*a, **k):
        raw = solve(*a, **k)
        j = next(j for j, key in enumerate(model.lp.var_keys) if key[0] == "flow")
        if raw.x is not None:
            raw.x[j] += 1.0
        return raw

    model.highs.solve = noisy
    r = model.solve({"mag": 1}, {})
    # re-solved from scratch twice: the plan's own operations (run until the 2027 reveal) and the sample
    assert model.n_rebuilt == 2 and r.status.has_plan
    assert _unmet(r, 2027) == pytest.approx(100.0) and r.total_cost_musd == pytest.approx(7.0)
