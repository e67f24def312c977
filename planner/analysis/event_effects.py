"""What catalogue events (planner.analysis.risk_events) do to a sample's model, as bound changes.

* facility out in year y: every activity column of its processes in y gets upper bound 0 (it
  makes nothing: existing capacity and any expansion alike);
* market capped at c t/yr in year y: its ``market_cap`` row's upper bound becomes min(cap, c);
  a market without a cap row can only be stopped (c = 0): its purchase columns get bound 0;
* defense demand of a product x factor in year y: the demand row's bounds (delivered + unmet =
  demand) become factor x demand, and so does the network's demand (for the sample's report).

The same index serves the warm model and a rebuilt one (built from the model's keys).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from planner.model.lp import LinearProgram
from planner.model.network import Network


class EffectError(ValueError):
    """An event the model cannot represent (the message says which and why)."""


class EventIndex:
    """Columns and rows events touch, by facility / market / demand and year."""

    def __init__(self, lp: LinearProgram, net: Network) -> None:
        fac_of_process = {p.id: fid for fid, procs in net.processes_of.items() for p in procs}
        self.act: dict[tuple[str, int], list[int]] = {}
        self.buys: dict[tuple[str, int], list[int]] = {}
        for j, key in enumerate(lp.var_keys):
            if key[0] == "act":
                fid = fac_of_process.get(key[1])
                if fid is not None:
                    self.act.setdefault((fid, key[2]), []).append(j)
            elif key[0] in ("buy", "buyd"):
                self.buys.setdefault((key[1], key[3]), []).append(j)
        self.market_rows = {(key[1], key[2]): i for i, key in enumerate(lp.row_keys) if key[0] == "market_cap"}
        self.demand_rows: dict[tuple[str, int], int] = {}
        self.defense_demands: dict[str, list] = {}
        for d in net.demands:
            if d.segment != "defense":
                continue
            self.defense_demands.setdefault(d.product, []).append(d)
            for y in d.tonnes_by_year:
                if lp.has_row("demand", d.id, y):
                    self.demand_rows[(d.id, y)] = lp.row("demand", d.id, y)

    def apply(self, events, lb, ub, lo, hi) -> tuple[list[int], list[int]]:
        """Write the events' effects into the bound arrays (in place); returns (columns, rows) changed."""
        cols: list[int] = []
        rows: list[int] = []
        for e in events:
            for y in range(e.first_year, e.last_year + 1):
                for fid in e.facilities:
                    for j in self.act.get((fid, y), ()):
                        ub[j] = 0.0
                        cols.append(j)
                for mid, cap in e.markets.items():
                    i = self.market_rows.get((mid, y))
                    if i is not None:
                        hi[i] = min(hi[i], cap)
                        rows.append(i)
                    elif cap <= 0:
                        for j in self.buys.get((mid, y), ()):
                            ub[j] = 0.0
                            cols.append(j)
                    elif self.buys.get((mid, y)):
                        raise EffectError(f"event {e.id} caps market {mid} at {cap:g} t/yr in {y}, but the market "
                                          "has no cap_tpy: give it one (a cap can only be written on a capped market)")
                for product, factor in e.demand_factor.items():
                    for d in self.defense_demands.get(product, ()):
                        i = self.demand_rows.get((d.id, y))
                        if i is not None:
                            t = d.tonnes_by_year[y] * factor
                            lo[i] = hi[i] = t
                            rows.append(i)
        return sorted(set(cols)), sorted(set(rows))


def surged_network(net: Network, events) -> Network:
    """The network with the events' defense demand multipliers applied (for extraction); ``net``
    itself when no event changes demand."""
    factors: dict[tuple[str, int], float] = {}
    for e in events:
        for product, f in e.demand_factor.items():
            for y in range(e.first_year, e.last_year + 1):
                factors[(product, y)] = factors.get((product, y), 1.0) * f
    if not factors:
        return net
    demands = []
    for d in net.demands:
        if d.segment == "defense" and any((d.product, y) in factors for y in d.tonnes_by_year):
            d = replace(d,
                        tonnes_by_year={y: t * factors.get((d.product, y), 1.0) for y, t in d.tonnes_by_year.items()})
        demands.append(d)
    return replace(net, demands=demands)


def as_arrays(lp: LinearProgram):
    """(lb, ub, lo, hi) float arrays of a LinearProgram's bounds (copies)."""
    return (np.asarray(lp.var_lb, dtype=float).copy(), np.asarray(lp.var_ub, dtype=float).copy(),
            np.asarray(lp.row_lo, dtype=float).copy(), np.asarray(lp.row_hi, dtype=float).copy())


__all__ = ["EffectError", "EventIndex", "as_arrays", "surged_network"]
