"""Post-solve origin trace: relabel covered tonnes that have no covered material in their history.

The label stage of the lexicographic solve (planner.pipeline.stages.label_objective) minimises
covered labels at allied facilities with quantities fixed; a solver may still leave residues at
its tolerances, or the stage may be skipped. This trace finishes the job exactly, on the point:

    repeat until nothing changes:
      for each allied facility f and year y with covered-class variables but no real covered
      input (covered route flows in, purchases from covered markets, covered stock from y-1):
        move every covered variable of f in y to its clean twin (activity, flows out, deliveries,
        sales to outside buyers, surplus, stock), drop f's relabels (down) and de-minimis transfers (dm) in y, and
        add a relabel (down) at each receiver for what now arrives clean instead of covered.

Every balance row stays exactly as it was (clean + covered per row are unchanged, and the
transfer terms cancel), costs do not depend on class, so the plan and its cost are unchanged;
only labels move. It stops when every covered activity at an allied facility has covered
material arriving (what the verifier's ``covered_labels`` check demands).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from planner.model.lp import LinearProgram
from planner.model.network import CLEAN, COVERED, Network

REAL_INPUT_TOL = 1e-9  # t: covered inflow below this is no covered material


def _twin(key: tuple) -> tuple:
    """The clean twin of a covered-class key (class is the last element)."""
    return (*key[:-1], CLEAN)


def trace_labels(lp: LinearProgram, x: np.ndarray, net: Network) -> tuple[np.ndarray, int]:
    """Return (relabelled copy of x, number of facility-years relabelled); see the module docstring."""
    x = np.array(x, dtype=float)
    route = {r.id: r for r, _, _ in net.route_commodities}
    # covered-class variables by (facility, year) where that facility "owns" them
    owned: dict[tuple[str, int], list[int]] = defaultdict(list)
    relabels: dict[tuple[str, int], list[int]] = defaultdict(list)  # down / dm at (f, y)
    inflow: dict[tuple[str, int], list[int]] = defaultdict(list)  # real covered inputs of (f, y)
    flows_out: dict[int, tuple[str, str, str, int]] = {}  # covered flow col -> (receiver, mat, src, y)
    stocks: dict[int, tuple[str, str, str, int]] = {}  # covered stock col -> (facility, mat, src, y)
    for j, key in enumerate(lp.var_keys):
        kind = key[0]
        if kind == "act" and key[3] == COVERED:
            owned[(key[1].split("|", 1)[0], key[2])].append(j)
        elif kind == "flow" and key[4] == COVERED:
            r = route[key[1]]
            owned[(r.from_id, key[3])].append(j)
            inflow[(r.to_id, key[3])].append(j)
            flows_out[j] = (r.to_id, r.material.value, key[2], key[3])
        elif kind in ("del", "sell") and key[4] == COVERED:
            owned[(key[1] if kind == "del" else key[2], key[3])].append(j)
        elif kind in ("surplus", "stock") and key[5] == COVERED:
            owned[(key[1], key[4])].append(j)
            if kind == "stock":
                inflow[(key[1], key[4] + 1)].append(j)
                stocks[j] = (key[1], key[2], key[3], key[4])
        elif kind == "buy" and net.market_covered[key[1]]:
            inflow[(key[2], key[3])].append(j)
        elif kind == "down":
            relabels[(key[1], key[4])].append(j)
        elif kind == "dm":
            relabels[(key[1].split("|", 1)[0], key[4])].append(j)
    changed_total = 0
    for _ in range(len(owned) + 1):
        changed = False
        for (fid, y), cols in sorted(owned.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if net.covered[fid] or not any(x[j] > 0 for j in cols):
                continue
            if sum(max(x[j], 0.0) for j in inflow.get((fid, y), ())) > REAL_INPUT_TOL:
                continue
            plan = []  # (covered col, clean col, receiver down col or None)
            ok = True
            for j in cols:
                if x[j] == 0:
                    continue
                key = lp.var_keys[j]
                twin = _twin(key)
                if not lp.has_var(twin):
                    ok = False
                    break
                down = None
                target = flows_out.get(j) or (stocks.get(j) and (stocks[j][0], stocks[j][1], stocks[j][2],
                                                                 stocks[j][3] + 1))
                if target is not None and target[3] in net.discount:
                    g, mat, src, yy = target
                    dkey = ("down", g, mat, src, yy)
                    if not lp.has_var(dkey):
                        ok = False
                        break
                    down = lp.var(dkey)
                plan.append((j, lp.var(twin), down))
            if not ok:
                continue
            for j, jt, down in plan:
                v = x[j]
                x[jt] += v
                x[j] = 0.0
                if down is not None:
                    x[down] += v
            for j in relabels.get((fid, y), ()):
                x[j] = 0.0
            changed = True
            changed_total += 1
        if not changed:
            break
    return x, changed_total


__all__ = ["trace_labels"]
