"""Independent checks of contracts and levers, recomputed from variable keys and the project data
(not from the model's rows): offtake minima and maxima, import-licence caps, stockpile levels and
balances, and where stockpiled tonnes come from and go to. Measured in tonnes.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from planner.model.lp import LinearProgram
from planner.model.network import CLEAN, Network
from planner.result import Check

TOLERANCE_T = 1e-5


def check_levers(lp: LinearProgram, x: np.ndarray, net: Network) -> Check:
    """Worst violation (t, relative to 1 + the bound) over every lever rule; passes when no levers."""
    lv = net.project.levers
    if lv.is_empty():
        return Check("levers", True, 0.0)
    val: dict[tuple, float] = {key: float(x[j]) for j, key in enumerate(lp.var_keys)}
    demand_seg = {d.id: (d.product, d.segment) for d in net.demands}
    route = {r.id: r for r, _, _ in net.route_commodities}
    market = {m.id: m for m in net.markets}
    worst, detail = 0.0, ""

    def report(v: float, bound: float, what: str) -> None:
        nonlocal worst, detail
        scaled = v / (1.0 + abs(bound))
        if scaled > worst:
            worst, detail = scaled, what

    # offtakes: taken from del / flow / sbuy keys
    taken: dict[tuple[str, int], float] = defaultdict(float)
    for o in lv.offtakes:
        seg = o.segment.value if o.segment is not None else None
        for key, v in val.items():
            kind = key[0]
            if kind == "del" and key[1] == o.facility_id:
                product, segment = demand_seg[key[2]]
                if product == o.material.value and (seg is None or segment == seg):
                    taken[(o.id, key[3])] += v
            elif kind == "flow" and seg is None:
                r = route[key[1]]
                if r.from_id == o.facility_id and r.material.value == o.material.value:
                    taken[(o.id, key[3])] += v
            elif kind == "sbuy" and key[2] == o.facility_id and seg in (None, "defense"):
                if any(s.id == key[1] and s.material == o.material for s in lv.stockpiles):
                    taken[(o.id, key[3])] += v
        for y in net.years:
            if not o.active(y):
                continue
            t = taken[(o.id, y)] + val.get(("otshort", o.id, y), 0.0)
            report(o.minimum(y) - t, o.minimum(y), f"offtake {o.id} {y}: taken + shortfall {t:.6g} < min {o.minimum(y):g}")
            if o.max_tpy is not None:
                report(taken[(o.id, y)] - o.max_tpy, o.max_tpy,
                       f"offtake {o.id} {y}: taken {taken[(o.id, y)]:.6g} > max {o.max_tpy:g}")

    # import licences: purchases by origin, material and buyer segment
    for lic in lv.import_licences:
        mats = {m.value for m in lic.materials}
        used: dict[int, float] = defaultdict(float)
        for key, v in val.items():
            if key[0] not in ("buy", "buyd"):
                continue
            m = market[key[1]]
            if m.origin_country != lic.origin_country or (mats and m.material.value not in mats):
                continue
            segment = demand_seg[key[2]][1] if key[0] == "buyd" else "commercial"
            if segment == lic.segment.value:
                used[key[3]] += v
        for y, t in used.items():
            if lic.active(y):
                report(t - lic.cap_tpy, lic.cap_tpy, f"licence {lic.id} {y}: {t:.6g} t > cap {lic.cap_tpy:g}")

    # stockpiles: level recomputed from buys and releases; sources clean, releases to defense
    for s in lv.stockpiles:
        level = s.initial_t
        for y in net.years:
            buys = sum(v for k, v in val.items() if k[0] == "sbuy" and k[1] == s.id and k[3] == y)
            rel = sum(v for k, v in val.items() if k[0] == "srel" and k[1] == s.id and k[3] == y)
            level += buys - rel
            stated = val[("slevel", s.id, y)]
            report(abs(level - stated), level, f"stockpile {s.id} {y}: level {stated:.6g} != {level:.6g} recomputed")
            report(-level, 0.0, f"stockpile {s.id} {y}: negative level {level:.6g}")
            report(level - s.capacity_t, s.capacity_t, f"stockpile {s.id} {y}: level {level:.6g} > capacity")
            report(s.committed_t_by_year.get(y, 0.0) - buys, s.committed_t_by_year.get(y, 0.0),
                   f"stockpile {s.id} {y}: bought {buys:.6g} < committed")
            level = stated
        for key, v in val.items():
            if key[0] == "srel" and key[1] == s.id and v > TOLERANCE_T and demand_seg[key[2]][1] != "defense":
                report(v, 0.0, f"stockpile {s.id} released {v:.6g} t to non-defense demand {key[2]}")
            if key[0] == "sbuy" and key[1] == s.id and v > TOLERANCE_T and net.covered[key[2]]:
                report(v, 0.0, f"stockpile {s.id} bought {v:.6g} t from covered facility {key[2]}")
    return Check("levers", worst <= TOLERANCE_T, worst, detail if worst > TOLERANCE_T else "")


def licence_binds(lp: LinearProgram, x: np.ndarray, net: Network, market, segment: str, year: int) -> bool:
    """True when an import licence covering ``market`` for buyers of ``segment`` in ``year`` is used
    up at the point (its row activity >= cap - 1e-6): no further tonne may move to that segment."""
    for lic in net.project.levers.import_licences:
        if (lic.segment.value != segment or lic.origin_country != market.origin_country or not lic.active(year)
                or (lic.materials and market.material not in lic.materials)):
            continue
        if not lp.has_row("licence_cap", lic.id, year):
            return True
        if _licence_use(lp, x)[lp.row("licence_cap", lic.id, year)] >= lic.cap_tpy - 1e-6:
            return True
    return False


_USE_CACHE: list = []  # [(program, point, A x)]: the last one, held so identity checks stay valid


def _licence_use(lp: LinearProgram, x: np.ndarray) -> np.ndarray:
    """Row activities A x, computed once per (program, point) while the verifier asks per market."""
    if not (_USE_CACHE and _USE_CACHE[0][0] is lp and _USE_CACHE[0][1] is x):
        _USE_CACHE[:] = [(lp, x, lp.row_activity(x))]
    return _USE_CACHE[0][2]


__all__ = ["check_levers", "licence_binds"]
