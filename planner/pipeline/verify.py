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
  compliance year, no clean activity at a covered facility, no clean purchase from a covered market;
- priority: no tonne of a product goes to a lower-priority demand in a year in which a
  higher-priority demand of that product is unmet and could have taken that very tonne (the same
  delivery variable exists for it: swapping costs nothing and breaks no other row); the held
  shortfall of each lexicographic stage is a row (family ``objective_hold``) checked above;
- labels: an allied facility's activity is labelled covered only when covered material reaches it.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from planner.model.lp import LinearProgram
from planner.model.network import CLEAN, COVERED, Network
from planner.pipeline.labels import REAL_INPUT_TOL
from planner.pipeline.verify_levers import check_levers, licence_binds
from planner.pipeline.verify_supply import check_finite_stocks, check_qualification
from planner.result import Check

TOLERANCE = 1e-6


def _finite_abs(v: np.ndarray) -> np.ndarray:
    """|v|, with infinite bounds counted as 0."""
    return np.where(np.isinf(v), 0.0, np.abs(v))


def bound_violations(lp: LinearProgram, x: np.ndarray) -> np.ndarray:
    """Each variable's scaled bound violation: max(lb - x, x - ub, 0) / (1 + min(|lb| + |ub|, 1e12))."""
    lb, ub = np.asarray(lp.var_lb), np.asarray(lp.var_ub)
    return np.maximum(np.maximum(lb - x, x - ub), 0.0) / (1.0 + np.minimum(_finite_abs(lb) + _finite_abs(ub), 1e12))


def row_violations(lp: LinearProgram, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(A x, each row's scaled violation max(lo - a, a - hi, 0) / (1 + min(|lo| + |hi| + sum_j |a_ij x_j|, 1e15)))."""
    activity = lp.row_activity(x)
    magnitude = lp.row_activity(np.abs(x), absolute=True)
    lo, hi = np.asarray(lp.row_lo), np.asarray(lp.row_hi)
    scale = 1.0 + np.minimum(_finite_abs(lo) + _finite_abs(hi) + magnitude, 1e15)
    return activity, np.maximum(np.maximum(lo - activity, activity - hi), 0.0) / scale


def worst_violation(lp: LinearProgram, x: np.ndarray) -> float:
    """The largest scaled bound or row violation of ``x`` (the measure of every check below; the
    lexicographic stages use it to choose between a solver's point and its tidied copy)."""
    worst = float(bound_violations(lp, x).max(initial=0.0))
    if lp.n_rows == 0:
        return worst
    return max(worst, float(row_violations(lp, x)[1].max(initial=0.0)))


def check_bounds(lp: LinearProgram, x: np.ndarray) -> Check:
    viol = bound_violations(lp, x)
    worst = float(viol.max(initial=0.0))
    ints = np.asarray(lp.var_int, dtype=bool)
    frac = float(np.abs(x[ints] - np.round(x[ints])).max(initial=0.0)) if ints.any() else 0.0
    v = max(worst, frac)
    detail = ""
    if v > TOLERANCE:
        j = (int(np.argmax(viol)) if worst >= frac
             else int(np.flatnonzero(ints)[np.argmax(np.abs(x[ints] - np.round(x[ints])))]))
        detail = f"worst variable {lp.var_keys[j]} = {x[j]:.6g}"
    return Check("bounds_and_integrality", v <= TOLERANCE, v, detail)


def check_rows(lp: LinearProgram, x: np.ndarray) -> list[Check]:
    """One Check per constraint family."""
    activity, viol = row_violations(lp, x)
    lo, hi = np.asarray(lp.row_lo), np.asarray(lp.row_hi)
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
    """Defense demand from the compliance year (or licence year) receives no covered tonne; covered
    facilities and markets supply no clean tonne; an outside buyer requiring clean gets none covered.
    Measured in tonnes (the worst offending amount)."""
    comp = net.defense_clean_from  # the compliance year, or a scenario's licence year when earlier
    defense = {d.id for d in net.demands if d.segment == "defense"}
    clean_buyers = {m.id for m in net.sales_markets if m.compliance == "clean"}
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
        elif key[0] == "sell":  # outside buyers: no clean label from a covered plant, no covered to a clean buyer
            bad = (key[4] == CLEAN and net.covered[key[2]]) or (key[4] == COVERED and key[1] in clean_buyers)
        if bad and v > worst:
            worst, detail = float(v), f"{key} = {v:.6g} t"
    return Check("compliance", worst <= TOLERANCE, worst, detail)


def check_priority(lp: LinearProgram, x: np.ndarray, net: Network) -> Check:
    """For each product-year and each pair of demands hi, lo with priority(hi) < priority(lo):
    violation = min(unmet[hi,y], sum of deliveries to lo on variables (del f,lo,y,k / buyd m,lo,y)
    whose counterpart for hi exists and is not held at an import-licence cap for hi's segment),
    scaled by 1 + demand[hi,y]. Reported in (scaled) tonnes. A plant's deliveries count as movable
    to a defense demand only up to its qualified output left after its defense deliveries (the
    qualification row's slack): unqualified output may go to commercial buyers while defense is short."""
    by_product_year: dict[tuple[str, int], list] = defaultdict(list)
    for d in net.demands:
        for y in d.tonnes_by_year:
            by_product_year[(d.product, y)].append(d)
    producers = net.producers_of
    worst, detail = 0.0, ""

    def value(key: tuple) -> float:
        return float(x[lp.var(key)]) if lp.has_var(key) else 0.0

    activity: list[np.ndarray] = []

    def qual_activity(fid: str, product: str, y: int) -> float:
        if not activity:
            activity.append(lp.row_activity(x))
        return float(activity[0][lp.row("qualification", fid, product, y)])

    for (product, y), demands in by_product_year.items():
        if len({d.priority for d in demands}) < 2:
            continue
        for hi in demands:
            short = value(("unmet", hi.id, y))
            if short <= TOLERANCE:
                continue
            for lo in demands:
                if lo.priority <= hi.priority:
                    continue
                movable = 0.0
                for fid in producers.get(product, []):
                    moved = 0.0
                    for k in (CLEAN, COVERED):
                        if lp.has_var(("del", fid, hi.id, y, k)):
                            moved += value(("del", fid, lo.id, y, k))
                    if moved > 0.0 and lp.has_row("qualification", fid, product, y) and hi.segment == "defense":
                        # only qualified output may go to defense: what is left of it after defense deliveries
                        moved = min(moved, max(0.0, lp.row_hi[lp.row("qualification", fid, product, y)]
                                               - qual_activity(fid, product, y)))
                    movable += moved
                for m in net.markets:
                    if lp.has_var(("buyd", m.id, hi.id, y)) and not licence_binds(lp, x, net, m, hi.segment, y):
                        movable += value(("buyd", m.id, lo.id, y))
                v = min(short, movable) / (1.0 + hi.tonnes_by_year[y])
                if v > worst:
                    worst = v
                    detail = (f"{y} {product}: {short:.6g} t of {hi.id} (priority {hi.priority}) unmet while "
                              f"{movable:.6g} t it could take went to {lo.id} (priority {lo.priority})")
    return Check("priority", worst <= TOLERANCE, worst, detail)


def check_labels(lp: LinearProgram, x: np.ndarray, net: Network) -> Check:
    """Covered labels mean covered origin: at a facility that is not covered itself, covered-class
    activity in year y (sum_p act[p,y,covered]) needs covered material arriving there (> 1e-9 t, as
    in planner.pipeline.labels): covered-class route flows in, purchases from covered-origin
    markets, or its covered stock from y-1. Applied at
    every facility-year, this puts a covered source upstream of every covered tonne. Violation = the
    covered activity at a facility-year with no covered input, scaled like the rows by
    1 + the facility's total activity that year (solvers return points to a finite precision)."""
    covered_act: dict[tuple[str, int], float] = defaultdict(float)
    total_act: dict[tuple[str, int], float] = defaultdict(float)
    covered_in: dict[tuple[str, int], float] = defaultdict(float)
    route_to = {r.id: r.to_id for r, _, _ in net.route_commodities}
    for j, key in enumerate(lp.var_keys):
        v = float(x[j])
        if v <= REAL_INPUT_TOL:
            continue
        kind = key[0]
        if kind == "act":
            fid = key[1].split("|", 1)[0]
            total_act[(fid, key[2])] += v
            if key[3] == COVERED and not net.covered[fid]:
                covered_act[(fid, key[2])] += v
        elif kind == "flow" and key[4] == COVERED:
            covered_in[(route_to[key[1]], key[3])] += v
        elif kind == "buy" and net.market_covered[key[1]]:
            covered_in[(key[2], key[3])] += v
        elif kind == "stock" and key[5] == COVERED:
            covered_in[(key[1], key[4] + 1)] += v
    worst, detail = 0.0, ""
    for (fid, y), a in sorted(covered_act.items()):
        v = a / (1.0 + total_act[(fid, y)])
        if covered_in.get((fid, y), 0.0) <= REAL_INPUT_TOL and v > worst:
            worst, detail = v, f"{fid} {y}: {a:.6g} units of activity labelled covered with no covered input"
    return Check("covered_labels", worst <= TOLERANCE, worst, detail)


def verify_point(lp: LinearProgram, x: np.ndarray, net: Network, lexicographic: bool = True) -> list[Check]:
    """All checks; a plan is shown only if every one passes. ``lexicographic=False`` when the plan
    was solved without the priority and label stages (cost + penalty only), which then claims
    neither a priority order nor origin-true labels."""
    checks = [check_bounds(lp, x), *check_rows(lp, x), check_compliance(lp, x, net)]
    if lexicographic:
        checks += [check_priority(lp, x, net), check_labels(lp, x, net)]
    if any(f.stock_initial_t is not None for f in net.facilities.values()):
        checks.append(check_finite_stocks(lp, x, net))
    checks.append(check_qualification(lp, x, net))
    if net.has_levers:
        checks.append(check_levers(lp, x, net))
    return checks
