"""Ramp-up (availability) risk: drawn per sample, applied as capacity in plan evaluation, foresight and SAA.

Micro chain = two_futures_project with ``mag`` operating (100 t/yr from 2027, never delayed) and
availability_risk {2027: triangular(0.5, 0.5, 0.5)}: in every sample only 50 t/yr of mag's 2027
capacity is available; defense demand 100 t/yr.
* Deterministic plan (the schedule: 100 t/yr in 2027): builds nothing.
* Evaluating it: 2027 is 50 t short in every sample -> P(defense met 2027) = 0; 2028 met.
* Perfect foresight re-plans and builds the hedge 50 t/yr in 2026 (25 $M < 50 t x 5 $M x 10).
* The robust plan over two such futures builds hedge 50 t/yr in 2026 as well.
"""

from __future__ import annotations

import pytest

from models.project import AvailabilityDistribution
from planner.analysis.plan_eval import EvalSpec, SampleModel, plan_decisions, rebuild_and_solve
from planner.analysis.risk import run_risk
from planner.analysis.risk_sampling import SampleDraw, draw_sample, triangular_quantile
from planner.analysis.saa import solve_saa
from planner.pipeline.solve import solve_project

from .risk_fixtures import two_futures_project


def ramping_project():
    p = two_futures_project()
    mag = next(f for f in p.facilities if f.id == "mag")
    mag.status = "operating"
    mag.availability_risk = {2027: AvailabilityDistribution(low=0.5, mode=0.5, high=0.5)}
    return p


def _short(result, year):
    return sum(r.unmet for r in result.demand if r.segment == "defense" and r.year == year)


def test_triangular_quantile_by_hand():
    """(0.5, 0.8, 1.0): c = 0.3 / 0.5 = 0.6; u = 0.5 < c -> 0.5 + sqrt(0.5 x 0.5 x 0.3) = 0.773861;
    u = 0.9 -> 1.0 - sqrt(0.1 x 0.5 x 0.2) = 0.9."""
    assert triangular_quantile(0.5, 0.5, 0.8, 1.0) == pytest.approx(0.7738613)
    assert triangular_quantile(0.9, 0.5, 0.8, 1.0) == pytest.approx(0.9)
    assert triangular_quantile(0.3, 0.7, 0.7, 0.7) == 0.7


def test_one_draw_per_facility_moves_every_year_and_keeps_the_other_draws():
    p = two_futures_project()
    before = draw_sample(p, 3, 5)
    mag2 = next(f for f in p.facilities if f.id == "mag2")
    mag2.availability_risk = {2027: AvailabilityDistribution(low=0.4, mode=0.6, high=1.0),
                              2028: AvailabilityDistribution(low=0.8, mode=0.9, high=1.0)}
    after = draw_sample(p, 3, 5)
    assert (after.delays, after.overruns) == (before.delays, before.overruns)  # drawn last
    a27, a28 = after.availability["mag2"][2027], after.availability["mag2"][2028]
    assert 0.4 <= a27 <= 1.0 and 0.8 <= a28 <= 1.0
    # the same u for both years: a27 is the u-quantile of (0.4, 0.6, 1.0) and a28 of (0.8, 0.9, 1.0)
    us = [u / 10000 for u in range(10001)]
    u = min(us, key=lambda u: abs(triangular_quantile(u, 0.4, 0.6, 1.0) - a27))
    assert triangular_quantile(u, 0.8, 0.9, 1.0) == pytest.approx(a28, abs=1e-3)


def test_plan_evaluation_foresight_and_robust_see_the_slow_ramp():
    p = ramping_project()
    base = solve_project(p)
    assert plan_decisions(base) == [] and _short(base, 2027) == pytest.approx(0.0, abs=1e-6)
    spec = EvalSpec(decisions=[])
    draw = draw_sample(p, 0, 0)
    assert draw.availability == {"mag": {2027: 0.5}}
    model = SampleModel(p, spec)
    fast = model.solve(draw.delays, draw.overruns, shares={("mag", 2027): 0.5})
    assert _short(fast, 2027) == pytest.approx(50.0) and _short(fast, 2028) == pytest.approx(0.0, abs=1e-6)
    assert _short(rebuild_and_solve(p, spec, draw), 2027) == pytest.approx(50.0)
    rep = run_risk(p, 4, seed=2, workers=1)
    assert all(s.defense_shortfall_t["ndfeb_magnet"][2027] == pytest.approx(50.0) for s in rep.samples)
    fs = run_risk(p, 1, seed=2, workers=1, mode="foresight")
    assert fs.samples[0].defense_shortfall_t["ndfeb_magnet"][2027] == pytest.approx(0.0, abs=1e-6)
    assert fs.samples[0].investments == [["mag2", "hedge", 2026, 50.0]]
    slow = SampleDraw(0, {}, {}, {"mag": {2027: 0.5}})
    r = solve_saa(p, [slow, slow])
    assert r.status == "optimal" and r.decisions == [["hedge", 2026, 50.0]]


def test_availability_years_outside_the_horizon_are_flagged_and_bad_shares_refused():
    from pydantic import ValidationError

    from models.validation import validate_project

    p = ramping_project()
    mag = next(f for f in p.facilities if f.id == "mag")
    mag.availability_risk = {2031: AvailabilityDistribution(low=0.5, mode=0.6, high=1.0)}
    warned = [str(pr) for pr in validate_project(p) if pr.severity == "warning" and "availability" in pr.location]
    assert warned == ["facilities[3].availability_risk.2031: year outside the horizon 2026-2028 (never drawn)"]
    with pytest.raises(ValidationError):
        AvailabilityDistribution(low=0.0, mode=0.5, high=1.0)  # a share must be > 0
    with pytest.raises(ValidationError):
        AvailabilityDistribution(low=0.9, mode=0.5, high=1.0)
