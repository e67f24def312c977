"""N-1-secure robust plan: one operations copy per critical outage, sharing the investments."""

from __future__ import annotations

import pytest

from planner.analysis.robust import run_robust
from planner.analysis.stress import run_stress
from planner.pipeline.solve import SolveOptions
from planner.reports.text import robust_lines

from .resilience_fixtures import n1_hedge_project

OPTIONS = SolveOptions(time_limit_s=30)


def test_the_n1_secure_plan_builds_the_hedge_the_hand_calculation_says():
    """n1_hedge_project's docstring: the deterministic plan builds nothing; smco_us is the one
    critical facility in 2027 (30 t of SmCo); the N-1-secure plan adds smco_ca_x 30 t/yr decided
    2026 for 6 $M, and with smco_us out its shortfall is 0."""
    p = n1_hedge_project()
    rep = run_robust(p, 1, n_eval=4, workers=1, options=OPTIONS, n1_years=[2027])
    assert rep.has_plan, rep.message
    assert rep.deterministic_plan == []
    assert rep.n1["critical"] == ["facility:smco_us"]
    assert rep.n1["deterministic_extra_t"] == {"facility:smco_us": pytest.approx(30.0)}
    assert rep.robust_plan == [["smco_ca_x", 2026, pytest.approx(30.0)]]
    assert rep.hedge_capex_musd == pytest.approx(6.0)
    assert rep.n1["robust_extra_t"] == {"facility:smco_us": pytest.approx(0.0, abs=1e-6)}
    after = run_stress(p, years=[2027], plan=rep.robust_plan, workers=1, options=OPTIONS)
    assert "facility:smco_us" not in [e.id for e in after.single_points_of_failure]
    text = "\n".join(robust_lines(rep))
    assert "N-1 secure in 2027" in text and "facility:smco_us" in text


def test_country_elements_that_no_hedge_covers_are_refused_plainly():
    """With Australia's markets out nothing can make magnets: no plan keeps defense whole."""
    rep = run_robust(n1_hedge_project(), 1, n_eval=2, workers=1, options=OPTIONS, n1_years=[2027],
                     n1_elements=["country:AU"])
    assert not rep.has_plan and rep.status == "infeasible"
    assert "no plan among the options offered keeps defense demand whole" in rep.message


def test_with_no_sampled_future_the_n1_plan_is_the_least_cost_plan_plus_its_hedge():
    """-n 0: the forecast future alone carries the cost, so the N-1-secure plan is the least-cost
    plan (nothing) plus the hedge (smco_ca_x 30 t/yr in 2026, 6 $M)."""
    rep = run_robust(n1_hedge_project(), 0, n_eval=2, workers=1, options=OPTIONS, n1_years=[2027])
    assert rep.has_plan and rep.robust_plan == [["smco_ca_x", 2026, pytest.approx(30.0)]]
    with pytest.raises(Exception, match="0 only with an N-1-secure plan"):
        run_robust(n1_hedge_project(), 0, n_eval=2, workers=1, options=OPTIONS)


def test_an_element_out_from_2026_secured_from_2027_still_needs_the_2026_decision():
    """smco_us out in 2026-2027, defense whole in 2027 only (2026 cannot be hedged: the option's
    lead time is 1 year): the hedge is still 30 t/yr decided in 2026; the 2026 shortfall (30 t) is
    not asked of the plan and the stressed robust plan shows 0 t beyond the baseline in 2027."""
    rep = run_robust(n1_hedge_project(), 0, n_eval=2, workers=1, options=OPTIONS, n1_years=[2027],
                     n1_outage_years=[2026, 2027])
    assert rep.has_plan and rep.robust_plan == [["smco_ca_x", 2026, pytest.approx(30.0)]]
    assert rep.n1["outage_years"] == [2026, 2027] and rep.n1["deterministic_extra_t"] == {
        "facility:smco_us": pytest.approx(30.0)}
    assert rep.n1["robust_extra_t"] == {"facility:smco_us": pytest.approx(0.0, abs=1e-6)}
