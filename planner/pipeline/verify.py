"""Check a solver's point before anyone sees it.

The checks recompute everything from the point and the data, independent of the solver's
own feasibility claims (PuLP calls time-limited points "Optimal"):

- bounds and integrality of every variable;
- every row ``lo <= A x <= hi``, reported per constraint family (capacity, balance, demand,
  budget, option limits, caps, de-minimis) as the largest scaled violation
  ``max(lo - a, a - hi, 0) / (1 + |bound| + sum_j |a_ij x_j|)`` (solvers print points to a finite
  number of digits, so feasibility is judged relative to the row's magnitude);
- contracts and levers (planner.pipeline.verify_levers): offtake minima/maxima, licence caps,
  stockpile levels, clean sources and defense-only releases, recomputed from keys and data;
- compliance from the variable keys: no covered-class tonne reaches defense demand from the
  compliance year, no clean activity at a covered facility, no clean purchase from a covered market.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from planner.model.lp import LinearProgram
from planner.model.network import CLEAN, COVERED, Network
from planner.pipeline.verify_levers import check_levers
from planner.result import Check

TOLERANCE = 1e-6


def check_bounds(lp: LinearProgram, x: np.ndarray) -> Check:
    lb, ub = np.asarray(lp.var_lb), np.asarray(lp.var_ub)
    viol = np.maximum(np.maximum(lb - x, x - ub), 0.0) / (1.0 + np.minimum(np.abs(np.where(np.isinf(lb), 0, lb)) + np.abs(np.where(np.isinf(ub), 0, ub)), 1e12))
    worst = float(viol.max(initial=0.0))
    ints = np.asarray(lp.var_int, dtype=bool)
    frac = float(np.abs(x[ints] - np.round(x[ints])).max(initial=0.0)) if ints.any() else 0.0
    v = max(worst, frac)
    detail = ""
    if v > TOLERANCE:
        j = int(np.argmax(viol)) if worst >= frac else int(np.flatnonzero(ints)[np.argmax(np.abs(x[ints] - np.round(x[ints])))])
        detail = f"worst variable {lp.var_keys[j]} = {x[j]:.6g}"
    return Check("bounds_and_integrality", v <= TOLERANCE, v, detail)


def check_rows(lp: LinearProgram, x: np.ndarray) -> list[Check]:
    """One Check per constraint family."""
    activity = lp.row_activity(x)
    magnitude = lp.row_activity(np.abs(x), absolute=True)
    lo, hi = np.asarray(lp.row_lo), np.asarray(lp.row_hi)
    bound = np.where(np.isinf(lo), 0.0, np.abs(lo)) + np.where(np.isinf(hi), 0.0, np.abs(hi))
    scale = 1.0 + np.minimum(bound + magnitude, 1e15)
    viol = np.maximum(np.maximum(lo - activity, activity - hi), 0.0) / scale
    families: dict[str, list[int]] = defaultdict(list)
    for i, fam in enumerate(lp.row_family):
        families[fam].append(i)
    checks = []
    for fam, rows in sorted(families.items()):
        idx = np.asarray(rows)
        worst_local = int(np.argmax(viol[idx]))
        v = float(viol[idx][worst_local])
        detail = ""
        if v > TOLERANCE:
            i = int(idx[worst_local])
            detail = f"row {lp.row_keys[i]}: {lo[i]:.6g} <= {activity[i]:.6g} <= {hi[i]:.6g}"
        checks.append(Check(fam, v <= TOLERANCE, v, detail))
    return checks


def check_compliance(lp: LinearProgram, x: np.ndarray, net: Network) -> Check:
    """Defense demand from the compliance year receives no covered tonne; covered facilities and
    markets supply no clean tonne. Measured in tonnes (the worst offending amount)."""
    comp = net.project.settings.compliance_start_year
    defense = {d.id for d in net.demands if d.segment == "defense"}
    route_from = {r.id: r.from_id for r, _, _ in net.route_commodities}
    worst, detail = 0.0, ""
    for j, key in enumerate(lp.var_keys):
        v = x[j]
        if v <= TOLERANCE:
            continue
        bad = False
        if key[0] == "del" and key[2] in defense and key[3] >= comp and key[4] == COVERED:
            bad = True
        elif key[0] == "buyd" and key[2] in defense and key[3] >= comp and net.market_covered[key[1]]:
            bad = True
        elif key[0] == "act" and key[3] == CLEAN and net.covered[key[1].split("|", 1)[0]]:
            bad = True
        elif key[0] == "flow" and key[4] == CLEAN:
            bad = net.covered[route_from[key[1]]]
        if bad and v > worst:
            worst, detail = float(v), f"{key} = {v:.6g} t"
    return Check("compliance", worst <= TOLERANCE, worst, detail)


def verify_point(lp: LinearProgram, x: np.ndarray, net: Network) -> list[Check]:
    """All checks; a plan is shown only if every one passes (levers only when the project has any)."""
    checks = [check_bounds(lp, x), *check_rows(lp, x), check_compliance(lp, x, net)]
    if not net.project.levers.is_empty():
        checks.append(check_levers(lp, x, net))
    return checks
