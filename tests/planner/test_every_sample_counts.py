"""Every sample counts: soft commitments inside samples, failed samples counted as not met."""

from __future__ import annotations

import pytest

from planner.analysis.plan_eval import EvalSpec, SampleModel, rebuild_and_solve
from planner.analysis.risk import run_risk
from planner.analysis.risk_sampling import SampleDraw, draw_sample
from planner.pipeline.solve import SolveOptions, solve_project
from planner.reports.text import risk_summary_lines as summary_lines

from .resilience_fixtures import committed_stockpile_project


def _short(result, year):
    return sum(r.unmet for r in result.demand if r.segment == "defense" and r.year == year)


def test_a_commitment_a_late_plant_cannot_honour_is_a_breach_not_a_lost_sample():
    """committed_stockpile_project: on time, 2027 met and the 50 t bought; one year late, defense
    is 100 t short in 2027 and the committed 50 t purchase is breached (50 t) -- a plan, not an
    infeasible sample. Both evaluation paths agree."""
    p = committed_stockpile_project()
    base = solve_project(p)
    assert base.has_plan and base.investments == []
    model = SampleModel(p, EvalSpec(decisions=[]))
    on_time, late = model.solve({"mag": 0}, {}), model.solve({"mag": 1}, {})
    assert on_time.has_plan and late.has_plan, late.message
    assert (_short(on_time, 2027), _short(late, 2027), _short(late, 2028)) == (0.0, pytest.approx(100.0), 0.0)
    assert [(r.kind, r.lever_id, r.year, r.tonnes) for r in late.levers if r.kind.endswith("breach")] == [
        ("stockpile_commit_breach", "dla", 2027, pytest.approx(50.0))]
    assert not [r for r in on_time.levers if r.kind.endswith("breach")]
    ref = rebuild_and_solve(p, EvalSpec(decisions=[]), SampleDraw(0, {"mag": 1}, {}))
    assert ref.has_plan and _short(ref, 2027) == pytest.approx(100.0)
    assert [(r.lever_id, r.tonnes) for r in ref.levers if r.kind.endswith("breach")] == [("dla", pytest.approx(50.0))]


def test_run_risk_counts_the_breach_and_the_late_futures_in_the_probability():
    """Over 12 samples, P(defense met 2027) = share of samples whose plant is on time (every late
    one is 100 t short); each late sample breaches the 50 t commitment. No sample is lost."""
    p = committed_stockpile_project()
    n = 12
    late = [i for i in range(n) if draw_sample(p, 5, i).delays.get("mag", 0) > 0]
    assert 0 < len(late) < n  # the seed draws both kinds of future
    rep = run_risk(p, n, seed=5, workers=1, options=SolveOptions(time_limit_s=30))
    assert rep.n_completed == n and rep.n_failed == 0
    assert rep.p_met["ndfeb_magnet"][2027] == pytest.approx((n - len(late)) / n)
    assert rep.mean_shortfall_t["ndfeb_magnet"][2027] == pytest.approx(100.0 * len(late) / n)
    assert [s.index for s in rep.samples if s.breaches] == late
    assert all(s.breaches == [["dla", "stockpile", 2027, pytest.approx(50.0)]] for s in rep.samples if s.breaches)
    (b,) = rep.breaches
    assert (b["contract"], b["year"], b["samples"], b["mean_tonnes_short"]) == (
        "dla", 2027, len(late), pytest.approx(50.0))
    text = "\n".join(summary_lines(rep))
    assert "stockpile dla 2027" in text and "50.0 t short" in text


def test_a_sample_without_a_plan_counts_as_not_met_in_the_headline(monkeypatch):
    """A sample whose solve fails delivers nothing. Of 4 samples, the first on-time one fails:
    P(met 2027) = (on-time samples - 1) / 4 -- not (on-time - 1) / 3 as when failed samples were
    dropped -- its shortfall is the whole defense demand (100 t in 2027 and 2028), and the headline
    says one sample had no plan."""
    p = committed_stockpile_project()
    real = SampleModel.solve

    def flaky(self, delays, overruns, state=None, from_base=True, shares=None, **kw):
        if delays.get("mag", 0) == 0 and not getattr(self, "_failed_once", False):
            self._failed_once = True
            raise RuntimeError("solver crashed")
        return real(self, delays, overruns, state, from_base, shares, **kw)

    monkeypatch.setattr(SampleModel, "solve", flaky)
    n = 4
    on_time = [i for i in range(n) if draw_sample(p, 5, i).delays.get("mag", 0) == 0]
    rep = run_risk(p, n, seed=5, workers=1, options=SolveOptions(time_limit_s=30))
    assert rep.n_failed == 1 and rep.failures[0].index == on_time[0]
    assert rep.failures[0].message.startswith("the solver failed on this future: RuntimeError: solver crashed")
    assert rep.p_met["ndfeb_magnet"][2027] == pytest.approx((len(on_time) - 1) / n)
    assert rep.samples[on_time[0]].defense_shortfall_t == {"ndfeb_magnet": {2027: 100.0, 2028: 100.0}}
    head = summary_lines(rep)[0]
    assert "1 without a plan (counted as not met)" in head


def test_optimal_without_a_point_from_a_warm_basis_is_re_solved_from_scratch():
    """HiGHS can say 'Optimal' after a warm start without a feasible point (the old 'sample not
    solved: Optimal'). Simulated on every warm solve of a late sample: the sample is re-solved on a
    fresh model and gives the hand answer (committed_stockpile_project: 100 t short, 50 t breach)."""
    from dataclasses import replace

    from planner.solvers.backends import RawStatus

    p = committed_stockpile_project()
    model = SampleModel(p, EvalSpec(decisions=[]))
    model.nominal_x()
    solve = model.highs.solve
    model.highs.solve = lambda *a, **k: replace(solve(*a, **k), status=RawStatus.OPTIMAL, x=None)
    r = model.solve({"mag": 1}, {})
    assert model.n_rebuilt == 1 and r.has_plan
    assert _short(r, 2027) == pytest.approx(100.0)
