"""Recycled-feed offtakes (Offtake.recycled_feed, e.g. Apple's magnets "from 100 % recycled feed"):
the tonnes an offtake takes must be backed by recycled-origin input into its facility.

Recycled origin is traced by mass balance (the chain-of-custody method recycled-content claims
use, ISO 22095): a recycled part rflow[r,y] <= flow on each route that can carry recycled
material towards the offtake's facility, with
  - a recycling facility (stage recycling) as origin: everything it ships may count as recycled;
  - at an intermediate facility s making material k from its feed k' (the largest input of the
    process that makes k), per year:
        sum_{routes r out of s carrying k} rflow[r,y] <= (1 / a) x sum_{routes r' into s carrying k'} rflow[r',y]
    (a = t of k' per t of k; recycled_balance row), so recycled tonnes are never counted twice;
  - any other sender (a mine, a plant without inputs): no recycled part.
Facility inventories are not traced (recycled content must arrive in the year it is used).

At the offtake's facility f, with key input k (its largest recipe input) and yield
Y = output of the offtake's material per t of k:
    sum_{recycled-feed offtakes o on f} taken[o,y] <= Y x sum_{routes r into f carrying k} rflow[r,y]
(recycled_offtake row). Worked example (tests): 100 t/yr of scrap -> recycler (0.26 t NdPr oxide
per t) -> metal plant (1 / (0.857 x 1.0) t oxide per t metal) -> magnet plant (0.34 t metal per t
magnet): at most 100 x 0.26 x 0.857 / 0.34 = 65.5 t/yr of magnets count as recycled.
"""

from __future__ import annotations

from models.vocab import Stage
from planner.model.levers import offtake_taken_terms
from planner.model.lp import LinearProgram
from planner.model.network import CLEAN, COVERED, Network, key_input


def define_recycled_variables(lp: LinearProgram, net: Network) -> None:
    """rflow[r,y] >= 0 on every traced route (cost 0): the recycled part of the route's flow."""
    for routes in net.tracked_routes.values():
        for r in routes:
            for y in net.years:
                if not lp.has_var(("rflow", r.id, y)):
                    lp.add_var(("rflow", r.id, y))


def _flow_terms(lp: LinearProgram, rid: str, y: int) -> dict[int, float]:
    return {lp.var(key): 1.0 for k in (CLEAN, COVERED) if lp.has_var(key := ("flow", rid, "", y, k))}


def define_recycled_constraints(lp: LinearProgram, net: Network) -> None:
    """rflow <= flow (recycled_part), recycled_balance at intermediate senders, recycled_offtake at
    each recycled-feed offtake's facility (module docstring)."""
    tracked = net.tracked_routes
    if not tracked:
        return
    routes_out: dict[tuple[str, str], list] = {}
    for (_fid, mat), routes in tracked.items():
        for r in routes:
            routes_out.setdefault((r.from_id, mat), []).append(r)
    done = set()
    for routes in tracked.values():
        for r in routes:
            if r.id in done:
                continue
            done.add(r.id)
            for y in net.years:
                terms = {j: -1.0 for j in _flow_terms(lp, r.id, y)}
                terms[lp.var(("rflow", r.id, y))] = 1.0
                lp.add_row("recycled_part", (r.id, y), terms, hi=0.0)
    for (sid, mat), routes in routes_out.items():
        if net.facilities[sid].stage is Stage.RECYCLING:
            continue
        k = key_input(net, sid, mat)
        feed = tracked.get((sid, k[0]), []) if k is not None else []
        for y in net.years:
            terms = {lp.var(("rflow", r.id, y)): 1.0 for r in routes}
            for r in feed:
                j = lp.var(("rflow", r.id, y))
                terms[j] = terms.get(j, 0.0) - 1.0 / k[1]
            lp.add_row("recycled_balance", (sid, mat, y), terms, hi=0.0)
    by_facility: dict[tuple[str, str], list] = {}
    for o in net.recycled_offtakes:
        by_facility.setdefault((o.facility_id, o.material.value), []).append(o)
    for (fid, mat), offtakes in by_facility.items():
        k = key_input(net, fid, mat)
        for y in net.years:
            terms: dict[int, float] = {}
            for o in offtakes:
                if o.active(y):
                    for j, v in offtake_taken_terms(lp, net, o, y).items():
                        terms[j] = terms.get(j, 0.0) + v
            if not terms:
                continue
            if k is not None:
                for r in tracked.get((fid, k[0]), []):
                    j = lp.var(("rflow", r.id, y))
                    terms[j] = terms.get(j, 0.0) - 1.0 / k[1]
            lp.add_row("recycled_offtake", (fid, mat, y), terms, hi=0.0)


__all__ = ["define_recycled_constraints", "define_recycled_variables"]
