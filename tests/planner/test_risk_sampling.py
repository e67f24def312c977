"""Monte Carlo draws and how they are applied (no solver needed)."""

from __future__ import annotations

from collections import Counter

import pytest

from models import ExpansionOption, Facility
from models.project import DelayDistribution, OverrunDistribution
from models.vocab import Status
from planner.analysis.risk_sampling import SampleDraw, apply_draw, draw_sample

from .risk_fixtures import teaching_project


def test_same_seed_and_index_give_the_same_draw_and_indices_differ():
    p = teaching_project()
    a, b = draw_sample(p, 7, 3), draw_sample(p, 7, 3)
    assert a == b
    draws = [draw_sample(p, 7, i) for i in range(20)]
    assert len({tuple(sorted(d.overruns.items())) for d in draws}) == 20  # continuous overruns: all distinct
    assert draw_sample(p, 8, 3).overruns != a.overruns


def test_who_draws_what():
    p = teaching_project()
    d = draw_sample(p, 1, 0)
    # mine_au is operating without options: no delay, no overrun
    assert "mine_au" not in d.delays and "mine_au" not in d.overruns
    # sep_us is under construction without options: a delay but no overrun
    assert "sep_us" in d.delays and "sep_us" not in d.overruns
    # metal_us and magnet_us have options: both
    assert {"metal_us", "magnet_us"} <= set(d.delays) and {"metal_us", "magnet_us"} <= set(d.overruns)


def test_delay_frequencies_follow_the_distribution():
    p = teaching_project()
    p.settings.risk.delay_years[Status.CONSTRUCTION] = DelayDistribution(years=[0, 3], probabilities=[0.75, 0.25])
    n = 4000
    counts = Counter(draw_sample(p, 11, i).delays["sep_us"] for i in range(n))
    assert set(counts) == {0, 3}
    assert counts[3] / n == pytest.approx(0.25, abs=0.025)  # 4 sigma ~ 0.027


def test_overruns_stay_in_range_and_degenerate_is_exact():
    p = teaching_project()
    p.settings.risk.capex_overrun[Status.COMMITTED] = OverrunDistribution(low=1.1, mode=1.2, high=1.9)
    p.settings.risk.capex_overrun[Status.CONSTRUCTION] = OverrunDistribution(low=1.25, mode=1.25, high=1.25)
    xs = [draw_sample(p, 5, i).overruns for i in range(500)]
    magnet = [x["magnet_us"] for x in xs]  # committed
    assert min(magnet) >= 1.1 and max(magnet) <= 1.9
    # mean of a triangular distribution is (low + mode + high) / 3 = 1.4
    assert sum(magnet) / len(magnet) == pytest.approx(1.4, abs=0.03)
    assert all(x["metal_us"] == 1.25 for x in xs)  # construction: degenerate


def test_apply_draw_shifts_years_and_scales_capex_on_a_copy():
    p = teaching_project()
    draw = SampleDraw(index=0, delays={"sep_us": 2, "magnet_us": 1}, overruns={"metal_us": 1.5})
    q = apply_draw(p, draw)
    assert q.facility("sep_us").online_year == 2029
    assert q.facility("magnet_us").online_year == 2028
    assert q.facility("magnet_us").options[0].earliest_decision_year == 2027  # start 2026 + 1
    assert q.facility("metal_us").online_year == 2027  # no delay drawn
    opt = q.facility("metal_us").options[0]
    assert opt.capex_musd_per_tpy == pytest.approx(0.075) and opt.fixed_capex_musd == pytest.approx(7.5)
    # the original is untouched
    assert p.facility("sep_us").online_year == 2027
    assert p.facility("metal_us").options[0].capex_musd_per_tpy == 0.05


def test_delay_past_closure_removes_the_capacity_and_unset_online_year_starts_at_horizon_start():
    p = teaching_project()
    sep = p.facility("sep_us")
    sep.closure_year = 2029
    p.facilities.append(Facility(id="concept_plant", name="c", stage="metal", status="concept", capacity_tpy=10,
                                 options=[ExpansionOption(id="o", max_add_tpy=5, earliest_decision_year=2028)]))
    q = apply_draw(p, SampleDraw(index=0, delays={"sep_us": 2, "concept_plant": 3}))
    assert q.facility("sep_us").capacity_tpy == 0.0  # 2027 + 2 = 2029 >= closure 2029: never runs
    c = q.facility("concept_plant")
    assert c.online_year == 2029 and c.options[0].earliest_decision_year == 2031


def test_negative_seed_is_refused():
    with pytest.raises(ValueError):
        draw_sample(teaching_project(), -1, 0)
