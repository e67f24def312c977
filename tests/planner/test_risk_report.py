"""Aggregation of per-sample summaries, checked by hand (no solver needed)."""

from __future__ import annotations

import json

import pytest

from planner.analysis.risk_report import aggregate
from planner.analysis.risk_worker import SampleSummary, summarise
from planner.result import Bottleneck, DemandRow, Investment, PlanResult, Status


def _sample(i, cost, short2027=0.0, short2028=0.0, delays=None, inv=(), bn=(), status="optimal"):
    return SampleSummary(
        index=i, status=status, total_cost_musd=cost if status == "optimal" else None,
        defense_demand_t={"ndfeb_magnet": {2027: 100.0, 2028: 100.0}, "smco_magnet": {2027: 10.0}},
        defense_shortfall_t={"ndfeb_magnet": {2027: short2027, 2028: short2028}, "smco_magnet": {2027: 0.0}},
        investments=[list(x) for x in inv], bottlenecks=list(bn), delays=delays or {},
    )


def test_probabilities_percentiles_frequencies_and_drivers():
    samples = [
        _sample(0, 1.0, delays={"sep": 0}, inv=[("mag", "x", 2026, 50.0)]),
        _sample(1, 2.0, short2027=40.0, delays={"sep": 2}, inv=[("mag", "x", 2027, 70.0)], bn=[["sep", 100.0]]),
        _sample(2, 3.0, delays={"sep": 0}),
        _sample(3, 4.0, short2027=5.0, short2028=1.0, delays={"sep": 1}, bn=[["mag", 50.0], ["sep", 300.0]]),
        _sample(4, 5.0, delays={"sep": 0}, inv=[("mag", "x", 2028, 30.0)]),
        _sample(5, 6.0, delays={"sep": 0}),
        _sample(6, 7.0, delays={"sep": 0}),
        _sample(7, 8.0, delays={"sep": 0}),
        _sample(8, 9.0, delays={"sep": 0}),
        _sample(9, 10.0, delays={"sep": 0}),
        _sample(10, 0.0, short2027=100.0, short2028=100.0, status="time_limit"),
    ]
    samples[10].message = "The time limit ran out"
    samples[10].defense_shortfall_t["smco_magnet"][2027] = 10.0  # no plan: all defense demand short
    rep = aggregate(list(reversed(samples)), project="p", n_requested=12, seed=3, target_year=2027)
    assert [s.index for s in rep.samples] == list(range(11))  # sample order, whatever the arrival order
    assert rep.n_completed == 11 and rep.n_ok == 10 and rep.n_failed == 1
    assert rep.failures[0].index == 10 and rep.failures[0].status == "time_limit"
    # every sample counts: the one without a plan is not met, out of 11 (not 10)
    assert rep.p_met["ndfeb_magnet"] == {2027: 8 / 11, 2028: 9 / 11}
    assert rep.p_met["smco_magnet"] == {2027: 10 / 11}
    assert rep.p_met_all == {2027: 8 / 11, 2028: 9 / 11}
    assert rep.mean_shortfall_t["ndfeb_magnet"][2027] == pytest.approx((40 + 5 + 100) / 11)
    # numpy linear percentiles of 1..10: P10 = 1.9, P50 = 5.5, P90 = 9.1
    assert rep.cost_musd["p10"] == pytest.approx(1.9)
    assert rep.cost_musd["p50"] == pytest.approx(5.5)
    assert rep.cost_musd["p90"] == pytest.approx(9.1)
    (inv,) = rep.investments
    assert (inv.facility, inv.option, inv.count, inv.share) == ("mag", "x", 3, 0.3)
    assert inv.mean_added_tpy == pytest.approx(50.0) and inv.median_decided_year == 2027
    assert [(b.facility, b.count, b.share, b.mean_shadow_usd_per_t) for b in rep.bottlenecks] == [
        ("sep", 2, 0.2, 200.0), ("mag", 1, 0.1, 50.0)]
    (d,) = rep.drivers  # the failed sample drew no delay: on time, not met
    assert (d.n_on_time, d.n_delayed, d.p_met_on_time, d.p_met_delayed) == (9, 2, 8 / 9, 0.0)
    assert d.impact_se == pytest.approx((8 / 9 * 1 / 9 / 9) ** 0.5)
    assert d.cost_delta_musd == pytest.approx((2 + 4) / 2 - (1 + 3 + 5 + 6 + 7 + 8 + 9 + 10) / 8)
    data = json.loads(rep.to_json())
    assert data["p_met"]["ndfeb_magnet"]["2027"] == 8 / 11 and data["n_failed"] == 1
    assert len(data["samples"]) == 11


def test_a_shortfall_within_tolerance_counts_as_met():
    rep = aggregate([_sample(0, 1.0, short2027=1e-5)], project="p", n_requested=1, seed=0, target_year=2027)
    assert rep.p_met["ndfeb_magnet"][2027] == 1.0  # 1e-5 t <= 1e-6 x 100 t


def test_no_sample_with_a_plan_gives_an_empty_but_honest_report():
    rep = aggregate([_sample(0, 0, status="error")], project="p", n_requested=1, seed=0, target_year=2027)
    assert rep.n_ok == 0 and rep.n_failed == 1 and rep.cost_musd == {}
    assert rep.p_met == {"ndfeb_magnet": {2027: 0.0, 2028: 0.0}, "smco_magnet": {2027: 0.0}}  # never "met"


def test_summarise_uses_clean_deliveries_from_the_compliance_year_and_bottlenecks_of_unmet_years():
    r = PlanResult(Status.OPTIMAL, "ok", "highs", total_cost_musd=12.0, objective=99.0,
                   cost_breakdown_musd={"capex": 4.0})
    r.demand = [
        DemandRow("d", "ndfeb_magnet", "defense", 2026, 50, 50, 0, 0),  # before compliance: any origin
        DemandRow("d", "ndfeb_magnet", "defense", 2027, 50, 50, 30, 0),  # 20 t not clean
        DemandRow("c", "ndfeb_magnet", "commercial", 2027, 80, 70, 0, 10),
        DemandRow("d", "ndfeb_magnet", "defense", 2028, 50, 50, 50, 0),
    ]
    r.investments = [Investment("m", "x", 2027, 2029, 20, 1), Investment("m", "x", 2026, 2028, 30, 2)]
    # penalty_bound: the facility feeds a product short that year (set by extract.fill_duals);
    # "z" binds in 2027 but feeds nothing short, so it does not limit supply
    r.bottlenecks = [Bottleneck("a", 2027, 5.0, True), Bottleneck("b", 2028, 3.0), Bottleneck("a", 2026, 9.0, True),
                     Bottleneck("z", 2027, 7.0, False)]
    r.demand.append(DemandRow("c", "ndfeb_magnet", "commercial", 2026, 10, 9, 0, 1))
    s = summarise(4, r, compliance_year=2027)
    assert s.defense_shortfall_t["ndfeb_magnet"] == {2026: 0.0, 2027: 20.0, 2028: 0.0}
    assert s.defense_demand_t["ndfeb_magnet"] == {2026: 50, 2027: 50, 2028: 50}
    assert s.investments == [["m", "x", 2026, 50]]
    assert s.bottlenecks == [["a", 9.0]]  # 2026 and 2027 have unmet demand, 2028 not; highest price kept
    assert (s.total_cost_musd, s.capex_musd, s.unmet_total_t) == (12.0, 4.0, 11)
    assert s.unmet_by_segment_t == {"defense": 0, "commercial": 11}
    assert SampleSummary.from_dict(json.loads(json.dumps(s.to_dict()))) == s
    failed = summarise(5, PlanResult(Status.INFEASIBLE, "no plan", "highs"), 2027)
    assert not failed.ok and failed.status == "infeasible" and failed.total_cost_musd is None


def test_a_sample_without_a_plan_delivers_nothing_and_says_why_in_plain_words():
    """Nominal demand: defense NdFeB 150 t in 2027 and 2028, commercial 100 t in 2027. A sample
    without a plan: shortfall = the whole defense demand (150 t each year), unmet 400 t."""
    demand = ({"ndfeb_magnet": {2027: 150.0, 2028: 150.0}}, {"defense": 300.0, "commercial": 100.0})
    odd = summarise(1, PlanResult(Status.ERROR, "sample not solved: Optimal", "highs"), 2027, demand)
    assert odd.defense_shortfall_t == {"ndfeb_magnet": {2027: 150.0, 2028: 150.0}} and odd.unmet_total_t == 400.0
    assert "Optimal" not in odd.message.replace("'optimal'", "")
    assert odd.message == "the solver failed on this future (the solver said 'optimal' but returned no point)"
    inf = summarise(2, PlanResult(Status.INFEASIBLE, "sample not solved: infeasible", "highs"), 2027, demand)
    assert inf.message.startswith("no way to run the chain in this future meets")
    rep = aggregate([odd, inf], project="p", n_requested=2, seed=0, target_year=2027)
    assert rep.p_met_all == {2027: 0.0, 2028: 0.0} and rep.mean_shortfall_t["ndfeb_magnet"][2027] == 150.0


def test_driver_standard_error():
    samples = [
        _sample(0, 1.0, delays={"f": 0}),
        _sample(1, 1.0, short2027=50.0, delays={"f": 0}),
        _sample(2, 1.0, short2027=50.0, delays={"f": 1}),
        _sample(3, 1.0, short2027=50.0, delays={"f": 2}),
    ]
    (d,) = aggregate(samples, project="p", n_requested=4, seed=0, target_year=2027).drivers
    assert (d.p_met_on_time, d.p_met_delayed, d.impact) == (0.5, 0.0, 0.5)
    assert d.impact_se == pytest.approx((0.5 * 0.5 / 2) ** 0.5)  # sqrt(p(1-p)/n) of the on-time group
