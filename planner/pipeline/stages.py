"""The stage objectives of the lexicographic solve, one function per stage, in solve order.

:func:`stage_objectives` lists them; :mod:`planner.pipeline.lexicographic` solves them in that
order, each with every earlier stage's value held (c_j'x <= v_j + tol_j):

1. :func:`shortfall_objectives` -- one stage per priority level p (1 = defense first): the unmet tonnes;
   :func:`reserved_sales_objective` -- outside buyers' contracted tonnes not sold, right after priority 1;
2. :func:`government_cost_objective` -- policy mode only, right after the first shortfall stage: the
   cost to government;
3. :func:`cost_objective` -- the model's discounted cost with the unmet penalty;
4. :func:`clean_delivery_objective` -- covered-origin tonnes delivered (tie-break, optional);
5. :func:`parsimony_objective` -- total activity (tie-break when something is surplus, optional);
6. :func:`label_objective` -- covered labels at allied facilities on fixed quantities (optional).

Column keys are the model's (planner.model.build): ``("unmet", demand, year)``,
``("act", process, year, class)``, ``("del", facility, demand, year, class)``, ...
"""

from __future__ import annotations

import numpy as np

from planner.model.levers import government_cost_terms
from planner.model.lp import LinearProgram
from planner.model.network import COVERED, Network
from planner.model.sales import RESERVED_STAGE, reserved_shortfall_terms
from planner.pipeline.lexicographic import Objective
from planner.solvers.backends import available_solvers

COST_STAGE = "cost"
GOVERNMENT_STAGE = "government_cost"  # policy mode only
LABEL_STAGE = "covered_labels"
CLEAN_DELIVERY_STAGE = "covered_deliveries"
PARSIMONY_STAGE = "least_activity"
#: t: a plan's covered deliveries must fall by at least this (10 kg) for the clean-delivery stage's
#: point to replace the cost stage's (smaller gains only spend the cost hold's $1 tolerance)
CLEAN_DELIVERY_MIN_GAIN_T = 0.01
SHORTFALL_ABS_TOL_T = 1e-6  # t: how much held shortfall a later stage may give back (1 g)


def shortfall_objectives(lp: LinearProgram, net: Network) -> list[Objective]:
    """Stages before cost, one per priority level p (1 first): the unmet tonnes of its demands,

        min  sum_{d: prio(d) = p} sum_y unmet[d, y]      (t, undiscounted; lower bound 0)

    named ``shortfall_p<p> (<segments>)``; held within SHORTFALL_ABS_TOL_T (1 g) by later stages."""
    levels: dict[int, dict[int, float]] = {}
    for d in net.demands:
        for y in d.tonnes_by_year:
            levels.setdefault(d.priority, {})[lp.var(("unmet", d.id, y))] = 1.0
    segs: dict[int, set[str]] = {}
    for d in net.demands:
        segs.setdefault(d.priority, set()).add(d.segment)
    return [
        Objective(f"shortfall_p{p} ({'/'.join(sorted(segs[p]))})", terms, rel_tol=1e-9, abs_tol=SHORTFALL_ABS_TOL_T,
                  lower_bound=0.0)
        for p, terms in sorted(levels.items())
    ]


def reserved_sales_objective(lp: LinearProgram, net: Network) -> Objective | None:
    """Outside buyers' contracts (planner.model.sales), right after the priority-1 (US defense)
    shortfall and before every other shortfall:

        min  sum_{m, y} sshort[m, y]      (t of reserved volume not sold; lower bound 0)

    None when no sales market reserves a volume. Unreserved sales enter only the cost stage, whose
    objective is the net cost (cost - sales revenue), so a US shortfall is never traded for export
    revenue."""
    terms = reserved_shortfall_terms(lp)
    if not terms:
        return None
    return Objective(RESERVED_STAGE, terms, rel_tol=1e-9, abs_tol=SHORTFALL_ABS_TOL_T, lower_bound=0.0)


def government_cost_objective(lp: LinearProgram, net: Network, idx) -> Objective:
    """Policy mode, after the defense shortfall: the cost to government,

        min  sum_y d_y x gov(y)  +  sum d_y x unmet penalty x otshort      ($M discounted)

    with gov(y) as in the government budget rows (planner.model.levers.government_cost_terms)."""
    return Objective(GOVERNMENT_STAGE, government_cost_terms(lp, net, idx), rel_tol=1e-7, abs_tol=1e-6)


def cost_objective(lp: LinearProgram) -> Objective:
    """The model's objective: min c'x + constant ($M discounted to the base year: capex, opex,
    transport, purchases, and the unmet penalty, which after the shortfall stages only decides which
    year or demand of one priority level carries a held shortfall). Its duals are the marginal costs."""
    return Objective(COST_STAGE, np.asarray(lp.var_cost, dtype=float), rel_tol=1e-9, abs_tol=1e-6,
                     constant=lp.constant)


def clean_delivery_objective(lp: LinearProgram, net: Network) -> Objective:
    """After cost, with cost held and the build decisions fixed: minimise the covered-origin tonnes
    delivered to demands,

        min  sum del[f, d, y, covered] + sum_{m covered} buyd[m, d, y]      (t, undiscounted)

    Among plans of equal cost it shows the one that delivers the most clean material, so a demand's
    clean share is a property of the plan's cost, not of the solver's path: on the real sample HiGHS
    and CBC both reached $5,096.5M with 5,169 t and 3,885 t of clean commercial NdFeB in 2027.
    Optional; skipped when nothing covered is delivered; its point is kept only when it delivers at
    least CLEAN_DELIVERY_MIN_GAIN_T less covered material."""
    terms = {j: 1.0 for j, key in enumerate(lp.var_keys)
             if (key[0] == "del" and key[4] == COVERED) or (key[0] == "buyd" and net.market_covered[key[1]])}
    return Objective(CLEAN_DELIVERY_STAGE, terms, rel_tol=1e-7, abs_tol=1e-6, fix_integers=True,
                     skip_if_zero=terms, optional=True, min_gain=CLEAN_DELIVERY_MIN_GAIN_T,
                     tight_holds=True, on_face=True)


def parsimony_objective(lp: LinearProgram, net: Network | None = None) -> Objective:
    """After cost, with cost held and investments (add, build) fixed: minimise total activity,

        min  sum_{p, y, class} act[p, y, class]      (activity units)

    so that among equal-cost plans the one without pointless output is shown (a zero-opex plant
    would otherwise run at capacity into surplus). Optional; skipped when nothing is surplus at a
    plant whose activity is free (variable opex 0; with ``net``): elsewhere every unit of activity
    costs opex, so the cost stage has already left no pointless output and surplus there is an
    unavoidable by-product (e.g. Sm oxide of an NdPr plant). The real sample has no zero-opex
    plant: this skips an LP of 1-2.5 s per solve."""
    acts = {j: 1.0 for j, key in enumerate(lp.var_keys) if key[0] == "act"}
    surplus = {j: 1.0 for j, key in enumerate(lp.var_keys) if key[0] == "surplus"
               and (net is None or net.facilities[key[1]].variable_opex_usd_per_t <= 0)}
    decisions = [j for j, key in enumerate(lp.var_keys) if key[0] in ("add", "build")]
    return Objective(PARSIMONY_STAGE, acts, rel_tol=1e-6, abs_tol=1e-6, fix_integers=True, fix_columns=decisions,
                     skip_if_zero=surplus, optional=True)


def label_objective(lp: LinearProgram, net: Network) -> Objective | None:
    """Last stage: at facilities f that are not covered themselves,

        min  sum_{p at f, y} act[p, y, covered]      (activity units)

    changing classes only: every quantity (activity, flow, delivery, surplus and stock summed over
    the two classes; purchases, unmet, investments) stays at the cost stage's value, so cost and
    plan are unchanged. At the optimum an allied facility's activity is labelled covered only when
    covered material (from a covered facility or market upstream) is in its input: labelling a
    batch of clean-only inputs clean instead lowers the objective. Skipped when the cost-stage plan
    labels nothing covered at an allied facility; None when no such variable exists. Solved by
    HiGHS when installed, whatever the plan's solver. With every quantity fixed and costs
    independent of class, the earlier stages' values cannot move, so the stage is solved without
    their hold rows (``holds_implied``; its point is checked against them): 0.2 s instead of 2-15 s
    on the real sample.
    """
    labels = {j: 1.0 for j, key in enumerate(lp.var_keys)
              if key[0] == "act" and key[3] == COVERED and not net.covered[key[1].split("|", 1)[0]]}
    if not labels:
        return None
    groups: dict[tuple, list[int]] = {}
    fixed = []
    for j, key in enumerate(lp.var_keys):
        kind = key[0]
        if kind in ("act", "flow", "del", "surplus", "stock", "sell"):
            k_at = {"act": 3, "flow": 4, "del": 4, "surplus": 5, "stock": 5, "sell": 4}[kind]
            groups.setdefault(key[:k_at] + key[k_at + 1:], []).append(j)
        elif kind not in ("down", "dm"):  # every quantity without a class (investments, purchases,
            fixed.append(j)  # unmet, stockpile and offtake variables...); relabels stay free
    # a relabelling LP on fixed quantities: HiGHS when installed (CBC's points on it carry ~1e-6
    # violations, or it calls it infeasible without presolve); the plan's quantities are the chosen solver's
    label_solver = "highs" if "highs" in available_solvers() else None
    return Objective(LABEL_STAGE, labels, rel_tol=1e-6, abs_tol=1e-6, fix_integers=True, skip_if_zero=labels,
                     fix_columns=fixed, fix_sums=list(groups.values()), solver=label_solver, optional=True,
                     holds_implied=True)


def stage_objectives(lp: LinearProgram, net: Network, idx=None) -> list[Objective]:
    """The full lexicographic order: shortfall by priority, [policy mode: government cost after the
    first shortfall stage], cost, covered deliveries, least activity (when anything can be surplus),
    labels (when any allied facility can carry a covered label). ``idx`` (the ModelIndex) is needed
    for the government cost stage only."""
    objectives = shortfall_objectives(lp, net)
    reserved = reserved_sales_objective(lp, net)
    first = 1 if any(d.priority == 1 for d in net.demands) else 0  # the priority-1 (US defense) stage
    if reserved is not None:
        objectives.insert(first, reserved)
    if idx is not None and net.policy_enabled:
        objectives.insert((first + 1 if reserved is not None else 1) if objectives else 0,
                          government_cost_objective(lp, net, idx))
    objectives.append(cost_objective(lp))
    objectives.append(clean_delivery_objective(lp, net))
    if any(key[0] == "surplus" for key in lp.var_keys):
        objectives.append(parsimony_objective(lp, net))
    label = label_objective(lp, net)
    if label is not None:
        objectives.append(label)
    return objectives


__all__ = ["CLEAN_DELIVERY_MIN_GAIN_T", "CLEAN_DELIVERY_STAGE", "COST_STAGE", "GOVERNMENT_STAGE", "LABEL_STAGE",
           "PARSIMONY_STAGE", "SHORTFALL_ABS_TOL_T", "clean_delivery_objective", "cost_objective",
           "government_cost_objective", "label_objective", "parsimony_objective", "reserved_sales_objective",
           "shortfall_objectives",
           "stage_objectives"]
