"""Supplier qualification: a facility's output serves defense only after its qualification lag."""

import json

import numpy as np
import pytest

from models.project import Demand
from planner.pipeline.solve import SolveOptions, solve_project

from .helpers import flow, mini_chain, option, unmet


def solve(p):
    r = solve_project(p, SolveOptions(solver="highs"))
    assert r.has_plan, r.message
    assert all(c.passed for c in r.checks), [c for c in r.checks if not c.passed]
    return r


def chain(lag, online=2027):
    """mini_chain: mine -> separation -> metal -> 100 t/yr US magnet plant (online ``online``),
    defense 100 t/yr and commercial 50 t/yr of NdFeB, a CN magnet market at $45,000/t. The US
    magnet ($25,000/t opex) is cheaper than CN, so without a lag it serves defense first from its
    online year."""
    p = mini_chain(magnet_capacity=100)
    p.facilities[3].online_year = online
    p.facilities[3].qualification_years = lag
    p.demands.append(Demand(id="commercial", product="ndfeb_magnet", segment="commercial",
                            tonnes_by_year={y: 50.0 for y in range(2026, 2030)}))
    return p


def first_defense_year(r, facility="mag"):
    years = [f.year for f in r.flows if f.from_id == facility and f.to_id == "defense" and f.tonnes > 1e-6]
    return min(years) if years else None


def test_a_one_year_lag_moves_the_first_defense_tonne_one_year_later():
    """Magnet plant online 2027 (compliance year 2027). Lag 0: it delivers 100 t to defense in
    2027 and nothing is unmet. Lag 1: defense may buy from it only from 2028, so 2027's 100 t of
    defense demand is unmet (no other clean source; CN is covered) while the plant sells 50 t to
    commercial buyers in 2027 (they take it at once); from 2028 it serves defense 100 t again."""
    r0 = solve(chain(0))
    assert first_defense_year(r0) == 2027
    assert unmet(r0, "defense", 2027) == pytest.approx(0, abs=1e-6)
    assert r0.qualification == []  # no lag: nothing to report

    r1 = solve(chain(1))
    assert first_defense_year(r1) == 2028
    assert unmet(r1, "defense", 2027) == pytest.approx(100)
    assert flow(r1, "mag", "commercial", 2027) == pytest.approx(50, abs=1e-3)  # lexicographic holds: within 1e-3 t
    assert flow(r1, "mag", "defense", 2028) == pytest.approx(100, abs=1e-3)
    q = r1.qualification[0]
    assert (q.facility, q.product, q.lag_years, q.qualified_from, q.first_defense_year) == \
        ("mag", "ndfeb_magnet", 1, 2028, 2028)
    assert any(c.name == "qualification" and c.passed for c in r1.checks)
    assert json.loads(r1.to_json())["qualification"][0]["qualified_from"] == 2028


def test_stage_default_applies_and_a_facility_value_overrides_it():
    """settings: magnet plants 2 years -> qualified from 2029 (2027, 2028 unmet); the facility's
    own 0 overrides the stage default -> served from 2027."""
    p = chain(None)
    p.settings.qualification_years_by_stage = {"magnet_ndfeb": 2}
    r = solve(p)
    assert first_defense_year(r) == 2029
    assert [unmet(r, "defense", y) for y in (2027, 2028)] == pytest.approx([100, 100])
    p.facilities[3].qualification_years = 0
    assert first_defense_year(solve(p)) == 2027


def test_expansion_capacity_carries_its_own_lag():
    """No existing magnet capacity; an option (lead 1) decided 2026 is online 2027. With its own
    lag of 1 year defense may use it from 2028: 2027 unmet 100 t, and the investment row says
    'defense from 2028'."""
    p = mini_chain(magnet_option=option(qualification_years=1))
    r = solve(p)
    assert unmet(r, "defense", 2027) == pytest.approx(100)
    assert flow(r, "mag", "defense", 2028) == pytest.approx(100)
    inv = r.investments[0]
    assert (inv.online_year, inv.defense_qualified_year) == (2027, 2028)


def test_verifier_catches_a_defense_delivery_before_qualification():
    """A hand-made point that ships 10 t to defense in 2027 from a plant qualified in 2028 fails
    the independent qualification check."""
    from planner.model.build import create_model
    from planner.model.network import build_network
    from planner.pipeline.verify_supply import check_qualification

    net = build_network(chain(1))
    lp, _ = create_model(net)
    x = np.zeros(lp.n_vars)
    x[lp.var(("del", "mag", "defense", 2027, "clean"))] = 10.0
    check = check_qualification(lp, x, net)
    assert not check.passed and "mag 2027" in check.detail


def test_cli_summary_lists_the_lag():
    from planner.reports.text import format_summary

    text = format_summary(solve(chain(1)))
    assert "mag (ndfeb_magnet): lag 1 yr, existing capacity qualified from 2028; first defense delivery 2028" in text


def test_an_upstream_lag_is_not_shown_as_a_defense_date():
    """An expansion of the separation plant (upstream: it delivers to no defense demand) with a lag
    of 1 year: the model does not carry upstream lags down the chain (its oxide may feed 2027 defense
    magnets), so the investment gets no defense date (None), the summary prints "- (upstream)"
    instead of "defense from 2028", and the magnet plant's investments keep theirs."""
    from planner.reports.text import format_summary

    p = mini_chain(magnet_capacity=200.0)
    p.facilities[1].capacity_tpy = 0.0
    p.facilities[1].options = [option(id="sep_x", max_add_tpy=1000, capex_musd_per_tpy=0.001, qualification_years=1)]
    r = solve(p)
    inv = next(i for i in r.investments if i.option == "sep_x")
    assert inv.online_year == 2027 and inv.defense_qualified_year is None
    assert flow(r, "mag", "defense", 2027) == pytest.approx(100)  # the upstream lag is not enforced
    text = format_summary(r)
    assert "- (upstream)" in text
