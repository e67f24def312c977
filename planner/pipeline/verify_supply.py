"""Independent checks of finite stocks and supplier qualification, recomputed from the point and
the project data (not from the model's rows), in tonnes.

- finite stocks: cumulative draw (activity) of a stocked mine never exceeds its initial stock, each
  year's draw is within the maximum draw, and the reported remaining stock equals S0 - cumulative draw;
- qualification: deliveries from a facility to defense demand in year y never exceed its output
  from capacity that is qualified in y (see planner.model.qualification).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from planner.model.lp import LinearProgram
from planner.model.network import Network
from planner.result import Check

TOLERANCE = 1e-6


def _relative(excess: float, scale: float) -> float:
    return max(excess, 0.0) / (1.0 + abs(scale))


def check_finite_stocks(lp: LinearProgram, x: np.ndarray, net: Network) -> Check:
    """S0 - sum_{t<=y} draw[t] >= 0, draw[y] <= max draw, rem[f,y] = S0 - sum_{t<=y} draw[t]."""
    draw: dict[tuple[str, int], float] = defaultdict(float)
    rem: dict[tuple[str, int], float] = {}
    for j, key in enumerate(lp.var_keys):
        if key[0] == "act":
            draw[(key[1].split("|", 1)[0], key[2])] += float(x[j])
        elif key[0] == "rem":
            rem[(key[1], key[2])] = float(x[j])
    worst, detail = 0.0, ""
    for fid, f in net.facilities.items():
        if f.stock_initial_t is None:
            continue
        s0, cum = f.stock_initial_t, 0.0
        for y in net.years:
            d = draw[(fid, y)]
            cum += d
            left = s0 - cum
            for v, what in (
                (_relative(-left, s0), f"{fid} {y}: drawn {cum:.6g} t of a {s0:.6g} t stock"),
                (_relative(d - (f.stock_max_draw_tpy if f.stock_max_draw_tpy is not None else np.inf), d),
                 f"{fid} {y}: draw {d:.6g} t above the maximum {f.stock_max_draw_tpy} t/yr"),
                (_relative(abs(rem.get((fid, y), left) - left), s0),
                 f"{fid} {y}: remaining {rem.get((fid, y), left):.6g} t, expected {left:.6g} t"),
            ):
                if v > worst:
                    worst, detail = v, what
    return Check("finite_stocks", worst <= TOLERANCE, worst, detail if worst > TOLERANCE else "")


def check_qualification(lp: LinearProgram, x: np.ndarray, net: Network) -> Check:
    """Defense deliveries of each facility and year <= its output from qualified capacity:
    existing capacity from online_year + lag, each addition from its online year + its lag
    (recomputed from the project data and the point's ``add`` values, not from the model's rows)."""
    from models.schedules import existing_capacity_tpy, qualification_lag, ramp_share

    s = net.settings
    defense = {d.id for d in net.demands if d.segment == "defense"}
    delivered: dict[tuple[str, str, int], float] = defaultdict(float)
    added: dict[tuple[str, int], float] = {}
    product_of = {d.id: d.product for d in net.demands}
    for j, key in enumerate(lp.var_keys):
        if key[0] == "del" and key[2] in defense:
            delivered[(key[1], product_of[key[2]], key[3])] += float(x[j])
        elif key[0] == "add":
            added[(key[1], key[2])] = float(x[j])
    worst, detail = 0.0, ""
    for (fid, product, y), t in sorted(delivered.items()):
        if t <= TOLERANCE:
            continue
        f = net.facilities[fid]
        lag = qualification_lag(f, s)
        if not lag and not any(qualification_lag(f, s, o) for o in f.options):
            continue  # no lag: the capacity and balance rows already bound its deliveries
        qualified = 0.0
        if f.online_year is None or y >= f.online_year + lag:
            qualified += existing_capacity_tpy(f, y)
        for o in f.options:
            lag_o = qualification_lag(f, s, o)
            for (oid, yd), a in added.items():
                if oid == o.id and y - (yd + o.lead_time_years) >= lag_o:
                    qualified += a * ramp_share(o.ramp_up_shares, y - (yd + o.lead_time_years))
        out = max((p.outputs.get((product, ""), 0.0) for p in net.processes_of.get(fid, [])), default=0.0)
        v = _relative(t - out * qualified, t)
        if v > worst:
            worst, detail = v, f"{fid} {y}: {t:.6g} t to defense, qualified output {out * qualified:.6g} t"
    return Check("qualification", worst <= TOLERANCE, worst, detail if worst > TOLERANCE else "")


__all__ = ["check_finite_stocks", "check_qualification"]
