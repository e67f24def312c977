"""Supplier qualification before defense use (one constraint family).

A defense programme buys only from qualified suppliers; qualification takes L years after a
facility's first output (``models.schedules.qualification_lag``: the option's lag, else the
facility's, else ``settings.qualification_years_by_stage``, else 0). Commercial buyers take the
output at once. The rule binds where a facility delivers to defense demand (the magnet plant, or
any plant whose product a defense demand names): for each such facility f, product P and year y,

    sum_{d defense, k} del[f,d,y,k]
        <= out(f,P) x ( existing(f,y) x [y >= q(f)]
                        + sum_{o of f, y'} ramp(o, y - y' - lead_o) x [y - y' - lead_o >= L_o] x add[o,y'] )

where out(f,P) is the t of P per unit of activity, q(f) = online_year + L_f (a facility online
before the horizon is qualified already) and L_o the option's lag. Upstream plants (metal,
separation) keep their lag as data but it is not propagated down the chain: the delivering plant's
qualification stands for the programme's qualification of its supply chain. With year-end product
stocks allowed, the bound still uses the year's qualified capacity (stock carried from before
qualification does not count as qualified supply). Rows
``qualification``; none are added where every lag is 0 (the capacity rows already imply them).
"""

from __future__ import annotations

from models.schedules import qualification_lag, qualified_from_year, ramp_share
from models.vocab import Segment
from planner.model.lp import LinearProgram
from planner.model.network import CLEAN, COVERED, Network


def defense_suppliers(net: Network) -> dict[tuple[str, str], list[str]]:
    """(facility, product) -> defense demand ids it can deliver to."""
    out: dict[tuple[str, str], list[str]] = {}
    for d in net.demands:
        if d.segment != Segment.DEFENSE.value:
            continue
        for fid in net.producers_of.get(d.product, []):
            out.setdefault((fid, d.product), []).append(d.id)
    return out


def output_per_activity(net: Network, fid: str, product: str) -> float:
    """t of ``product`` per unit of the facility's activity (the largest over its processes)."""
    return max((p.outputs.get((product, ""), 0.0) for p in net.processes_of.get(fid, [])), default=0.0)


def define_qualification_constraints(lp: LinearProgram, net: Network, always: frozenset[str] = frozenset()) -> None:
    """Defense deliveries of f in y <= out(f,P) x qualified capacity(f,y) (see module docstring).
    ``always``: facilities that get the rows even when every lag is 0 (then they bind nothing
    until a sample's qualification slip moves q(f): planner.analysis.plan_eval)."""
    s = net.settings
    options_of: dict[str, list] = {}
    for f, o in net.options:
        options_of.setdefault(f.id, []).append(o)
    for (fid, product), demand_ids in sorted(defense_suppliers(net).items()):
        f = net.facilities[fid]
        lags = [qualification_lag(f, s)] + [qualification_lag(f, s, o) for o in options_of.get(fid, [])]
        if not any(lags) and fid not in always:
            continue
        if any(lp.has_row("qualification", fid, product, y) for y in net.years):
            continue  # added already (``always`` after the model was built)
        out = output_per_activity(net, fid, product)
        q_from = qualified_from_year(f, s)
        for y in net.years:
            terms: dict[int, float] = {}
            for did in demand_ids:
                for k in (CLEAN, COVERED):
                    if lp.has_var(key := ("del", fid, did, y, k)):
                        terms[lp.var(key)] = 1.0
            if not terms:
                continue
            existing = net.existing_capacity[(fid, y)] if q_from is not None and y >= q_from else 0.0
            for o in options_of.get(fid, []):
                lag_o = qualification_lag(f, s, o)
                for yd in net.decision_years(o):
                    since = y - (yd + o.lead_time_years)
                    share = ramp_share(o.ramp_up_shares, since) if since >= lag_o else 0.0
                    if share > 0:
                        terms[lp.var(("add", o.id, yd))] = -out * share
            lp.add_row("qualification", (fid, product, y), terms, hi=out * existing)


__all__ = ["defense_suppliers", "define_qualification_constraints", "output_per_activity"]
