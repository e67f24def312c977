"""Rows whose every column is fixed (the realised past) must not make a re-plan infeasible when the
past, fixed at floating-point values, misses one of its own balances by a hair."""

from __future__ import annotations

import numpy as np

from planner.analysis.plan_eval import EvalSpec, SampleModel, settled_rows
from planner.solvers.backends import RawStatus

from .resilience_fixtures import catalogue_project


def test_settled_rows_by_hand():
    """Rows 0: x0 + x1, 1: x1 + x2, 2: x2; fixed = {x0, x1}: only row 0 is settled; an empty
    row (3) is never listed."""
    rows, cols = np.array([0, 0, 1, 1, 2]), np.array([0, 1, 1, 2, 2])
    assert settled_rows(rows, cols, 4, np.array([True, True, False])).tolist() == [0]
    assert settled_rows(rows, cols, 4, np.array([True, True, True])).tolist() == [0, 1, 2]


def test_a_past_that_misses_its_balance_by_1e_8_still_re_plans():
    """catalogue_project's plan makes 100 t of magnets in 2026 from 34 t of metal. The realised
    2026 is that path with the magnet plant's activity 1e-8 relative high (1e-6 t): every 2026
    column is fixed, so the 2026 balance rows cannot close exactly: the warm re-plan from 2027 is
    said infeasible, solved again with those settled rows free, and is optimal with 2027-2028 met."""
    m = SampleModel(catalogue_project(0.0), EvalSpec(decisions=[]))
    path = m.nominal_x().copy()
    j = next(j for j, k in enumerate(m.lp.var_keys) if k[0] == "act" and k[2] == 2026 and path[j] > 1)
    path[j] *= 1 + 1e-8
    assert m._settled(2027).size > 0
    raw, data, _ = m._solve_stage({}, {}, {}, None, True, (2027, path))
    assert raw.status is RawStatus.OPTIMAL
    assert m.n_settled_retries == 1  # said infeasible with the past's rows held, optimal with them free
    raw, _, _ = m._solve_stage({}, {}, {}, None, True, (2027, m.nominal_x()))
    assert raw.status is RawStatus.OPTIMAL and m.n_settled_retries == 1  # an exact past needs no retry
    unmet = [raw.x[i] for i, k in enumerate(m.lp.var_keys) if k[0] == "unmet" and k[2] >= 2027]
    assert max(unmet) < 1e-6
