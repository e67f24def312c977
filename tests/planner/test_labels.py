"""Compliance labels mean origin: a tonne is covered only when covered material
(a covered-country facility or market, or Chinese process technology) is in its history."""

from __future__ import annotations

import numpy as np
import pytest

from models import apply_scenario
from models.project import Demand, Market
from planner.model.build import create_model
from planner.model.network import build_network
from planner.pipeline.solve import SolveOptions, solve_project
from planner.pipeline.verify import check_labels
from planner.solvers.backends import available_solvers
from tests.planner.helpers import mini_chain

SOLVERS = available_solvers()


def allied_chain():
    """AU mine -> US separation -> US metal -> US magnets, no market at all; defense 100 t and
    commercial 150 t NdFeB in 2027 (commercial would accept covered tonnes). By hand: nothing
    covered is anywhere upstream, so 0 t covered and a clean share of 100 %. (A cost-only solve,
    SolveOptions(lexicographic=False), labels all 150 t commercial covered with HiGHS and CBC.)"""
    p = mini_chain(years=(2027, 2027), magnet_capacity=400.0)
    p.markets = []
    p.demands.append(Demand(id="commercial", product="ndfeb_magnet", segment="commercial",
                            tonnes_by_year={2027: 150.0}))
    return p


def mixed_chain():
    """As mini_chain for 2027 with magnet capacity 600 t, a Chinese NdPr metal market ($50,000/t)
    instead of the magnet market, defense 100 t and commercial 500 t.

    By hand: clean metal is limited by the metal plant to 100 t (oxide 1000 x 0.25 x 0.8 = 200 t is
    enough) and costs no opex, so all 100 t are made; 600 t of magnets need 600 x 0.34 = 204 t metal,
    so 104 t come from China. Covered magnets = 104 / 0.34 = 305.882 t (all commercial), clean
    magnets = 100 / 0.34 = 294.118 t (100 defense + 194.118 commercial); clean share 294.118 / 600.
    """
    p = mini_chain(years=(2027, 2027), magnet_capacity=600.0)
    p.markets = [Market(id="cn_metal", material="ndpr_metal", origin_country="CN", price_usd_per_t=50_000)]
    p.demands.append(Demand(id="commercial", product="ndfeb_magnet", segment="commercial",
                            tonnes_by_year={2027: 500.0}))
    return p


def _covered_delivered(r) -> float:
    return sum(d.delivered - d.delivered_clean for d in r.demand)


@pytest.mark.parametrize("solver", SOLVERS)
def test_an_all_allied_chain_reports_zero_covered(solver):
    r = solve_project(allied_chain(), SolveOptions(solver=solver))
    assert r.has_plan, r.message
    assert _covered_delivered(r) == pytest.approx(0.0, abs=1e-6)
    assert all(f.klass == "clean" or f.tonnes <= 1e-6 for f in r.flows)
    assert [(c.product, c.year, c.clean_share) for c in r.compliance] == [("ndfeb_magnet", 2027, 1.0)]
    assert next(c for c in r.checks if c.name == "covered_labels").passed


@pytest.mark.parametrize("solver", SOLVERS)
def test_only_tonnes_with_chinese_metal_in_them_are_covered(solver):
    r = solve_project(mixed_chain(), SolveOptions(solver=solver))
    assert r.has_plan, r.message
    assert _covered_delivered(r) == pytest.approx(104 / 0.34, abs=1e-4)
    comp = {(c.product, c.year): c.clean_share for c in r.compliance}
    assert comp[("ndfeb_magnet", 2027)] == pytest.approx((100 / 0.34) / 600, abs=1e-6)
    # the metal plant never labels its (clean-only) output covered
    assert sum(f.tonnes for f in r.flows if f.from_id == "metal" and f.klass == "covered") == pytest.approx(0, abs=1e-6)


def test_verifier_refuses_a_covered_label_without_covered_input():
    """Hand-made point on the allied chain: the metal plant runs 20 units of covered activity on
    relabelled clean oxide (nothing covered reaches it) -> check fails with that facility named."""
    net = build_network(apply_scenario(allied_chain(), None))
    lp, _ = create_model(net)
    x = np.zeros(lp.n_vars)
    x[lp.var(("act", "metal|ndpr", 2027, "covered"))] = 20.0
    check = check_labels(lp, x, net)
    assert not check.passed and check.max_violation == pytest.approx(20.0 / 21.0)  # scaled by 1 + activity
    assert "metal 2027" in check.detail
    # ... and passes once covered metal actually arrives (here: a covered-class flow into it)
    x[lp.var(("flow", "r_oxide", "", 2027, "covered"))] = 5.0
    assert check_labels(lp, x, net).passed


def test_origin_trace_relabels_a_fabricated_covered_chain_without_changing_quantities():
    """Allied chain solved as cost + penalty only (which labels the 150 t commercial magnets
    covered, with relabelled clean metal): the trace moves every covered tonne to clean, keeps
    every row satisfied and every quantity (clean + covered per variable pair) unchanged."""
    from planner.pipeline.labels import trace_labels
    from planner.pipeline.verify import check_rows
    from planner.progress import SolveState
    from planner.solvers.backends import solve_lp

    net = build_network(apply_scenario(allied_chain(), None))
    lp, _ = create_model(net)
    raw = solve_lp(lp, SOLVERS[0], 10, 0.0, SolveState())
    covered_before = sum(raw.x[j] for j, k in enumerate(lp.var_keys) if k[0] == "del" and k[4] == "covered")
    assert covered_before == pytest.approx(150.0)  # the fabricated labels this issue is about
    x, n = trace_labels(lp, raw.x, net)
    assert n >= 1
    assert sum(x[j] for j, k in enumerate(lp.var_keys) if k[-1] == "covered") == pytest.approx(0.0, abs=1e-9)
    assert all(c.passed for c in check_rows(lp, x)) and check_labels(lp, x, net).passed
    delivered = lambda v, d: sum(v[j] for j, k in enumerate(lp.var_keys) if k[0] == "del" and k[2] == d)  # noqa: E731
    assert delivered(x, "commercial") == pytest.approx(delivered(raw.x, "commercial"))
    assert lp.objective_value(x) == pytest.approx(lp.objective_value(raw.x))
