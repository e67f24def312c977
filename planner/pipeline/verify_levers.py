"""Independent checks of contracts and levers, recomputed from variable keys and the network's
index sets (not from the model's rows, and without the constraint families' helpers): offtake
minima and maxima, import-licence caps, stockpile levels and balances, where stockpiled tonnes
come from and go to, and in policy mode the chosen floor and offtake tonnage and the viability
test of operating facilities. Measured in tonnes.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from planner.model.lp import LinearProgram
from planner.model.network import Network, key_input
from planner.result import Check

TOLERANCE_T = 1e-5


def check_levers(lp: LinearProgram, x: np.ndarray, net: Network) -> Check:
    """Worst violation (t, relative to 1 + the bound) over every lever rule; passes when no levers."""
    lv = net.levers
    if not net.has_levers:
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
    for o in lv.offtakes:
        seg = o.segment.value if o.segment is not None else None
        taken = _taken(val, net, o.facility_id, o.material.value, seg, demand_seg, route)
        for y in net.years:
            if not o.active(y):
                continue
            t = taken[y] + val.get(("otshort", o.id, y), 0.0)
            report(o.minimum(y) - t, o.minimum(y),
                   f"offtake {o.id} {y}: taken + shortfall {t:.6g} < min {o.minimum(y):g}")
            if o.max_tpy is not None:
                report(taken[y] - o.max_tpy, o.max_tpy, f"offtake {o.id} {y}: taken {taken[y]:.6g} > max {o.max_tpy:g}")

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
            breach = val.get(("sbreach", s.id, y), 0.0)  # a sample's soft commitment (analysis.commitments)
            report(s.committed_t_by_year.get(y, 0.0) - buys - breach, s.committed_t_by_year.get(y, 0.0),
                   f"stockpile {s.id} {y}: bought {buys:.6g} + breach {breach:.6g} < committed")
            floor = s.min_level_t_by_year.get(y, 0.0)  # a stock build (model.levers.define_stock_build_constraints)
            short = val.get(("sbuild_short", s.id, y), 0.0)
            report(floor - level - short, floor, f"stockpile {s.id} {y}: level {level:.6g} + short {short:.6g} "
                                                 f"< stock build {floor:.6g}")
            level = stated
        for key, v in val.items():
            if key[0] == "srel" and key[1] == s.id and v > TOLERANCE_T and demand_seg[key[2]][1] != "defense":
                report(v, 0.0, f"stockpile {s.id} released {v:.6g} t to non-defense demand {key[2]}")
            if key[0] == "sbuy" and key[1] == s.id and v > TOLERANCE_T and net.covered[key[2]]:
                report(v, 0.0, f"stockpile {s.id} bought {v:.6g} t from covered facility {key[2]}")
    if lv.policy.enabled:
        _check_policy(val, net, report, demand_seg, route)
    if any(o.recycled_feed for o in lv.offtakes):
        _check_recycled(val, net, report, demand_seg, route)
    return Check("levers", worst <= TOLERANCE_T, worst, detail if worst > TOLERANCE_T else "")


def _check_policy(val: dict, net: Network, report, demand_seg: dict, route: dict) -> None:
    """Policy mode (planner.model.policy), recomputed from act/surplus/del/flow/sbuy values and the
    project: chosen tonnage q <= max_tpy, only where the lever restores viability (support > 0 and
    margin + input floor top-ups + support >= 0); floor q <= sold = production - surplus; offtake
    q <= taken by its segment; a facility with margin + input top-ups < 0 makes at most the covered
    tonnes of its supported material and nothing else."""
    pol = net.levers.policy
    process = {p.id: p for p in net.processes}
    made: dict[tuple[str, str, int], float] = defaultdict(float)  # (facility, material, year) -> t
    other_act: dict[tuple[str, str, int], float] = defaultdict(float)  # (facility, material, year) -> act not making it
    surplus: dict[tuple[str, str, int], float] = defaultdict(float)
    supported = {}
    for c in [*pol.candidate_floors, *pol.candidate_offtakes]:
        supported.setdefault(c.facility_id, c.material.value)
    for key, v in val.items():
        if key[0] == "act":
            p = process[key[1]]
            for (mat, _src), coef in p.outputs.items():
                made[(p.facility, mat, key[2])] += coef * v
            mat = supported.get(p.facility)
            if p.facility in pol.facility_margins_usd_per_t and (mat is None or p.outputs.get((mat, ""), 0.0) <= 0):
                other_act[(p.facility, mat or "", key[2])] += v
        elif key[0] == "surplus":
            surplus[(key[1], key[2], key[4])] += v

    def margin(fid: str, y: int) -> float | None:
        m = pol.facility_margins_usd_per_t.get(fid)
        if m is None:
            return None
        return m + sum(max(0.0, pf.floor_usd_per_t - pf.benchmark(y)) for pf in net.price_floors_of.get(fid, [])
                       if pf.active(y) and pf.benchmark(y) is not None)

    cover: dict[tuple[str, int], float] = defaultdict(float)
    for kind, items in (("pfq", pol.candidate_floors), ("goq", pol.candidate_offtakes)):
        for c in items:
            mat, seg = c.material.value, getattr(c, "segment", None)
            seg = seg.value if seg is not None else None
            price = c.floor_usd_per_t if kind == "pfq" else c.price_usd_per_t
            for y in net.years:
                q = val.get((kind, c.id, y), 0.0)
                b = c.benchmark(y)
                support = max(0.0, price - b) if (c.active(y) and b is not None) else 0.0
                e = margin(c.facility_id, y)
                usable = support > 0 and (e is None or e + support >= 0)
                if not usable:
                    report(q, 0.0, f"policy lever {c.id} {y}: {q:.6g} t chosen where it does not restore viability")
                    continue
                cover[(c.facility_id, y)] += q
                if c.max_tpy is not None:
                    report(q - c.max_tpy, c.max_tpy, f"policy lever {c.id} {y}: {q:.6g} t > max {c.max_tpy:g}")
                if kind == "pfq":
                    sold = made[(c.facility_id, mat, y)] - surplus[(c.facility_id, mat, y)]
                    report(q - sold, sold, f"policy floor {c.id} {y}: {q:.6g} t > sold {sold:.6g}")
                else:
                    taken = _taken(val, net, c.facility_id, mat, seg, demand_seg, route)[y]
                    report(q - taken, taken, f"policy offtake {c.id} {y}: {q:.6g} t > taken {taken:.6g}")
    for fid in pol.facility_margins_usd_per_t:
        mat = supported.get(fid)
        for y in net.years:
            e = margin(fid, y)
            if e is None or e >= 0:
                continue
            if mat is not None:
                t = made[(fid, mat, y)]
                report(t - cover[(fid, y)], cover[(fid, y)],
                       f"viability {fid} {y}: makes {t:.6g} t {mat} > {cover[(fid, y)]:.6g} t covered by levers")
            report(other_act[(fid, mat or "", y)], 0.0,
                   f"viability {fid} {y}: non-viable facility runs uncovered processes")


def _check_recycled(val: dict, net: Network, report, demand_seg: dict, route: dict) -> None:
    """Recycled-feed offtakes (planner.model.recycled), from the rflow / flow / del values: every
    recycled part <= the route's flow; at an intermediate sender recycled out <= recycled feed in x
    its conversion; taken by the facility's recycled-feed offtakes <= yield x recycled input."""
    flow: dict[tuple[str, int], float] = defaultdict(float)
    rpart: dict[tuple[str, int], float] = defaultdict(float)
    for key, v in val.items():
        if key[0] == "flow":
            flow[(key[1], key[3])] += v
        elif key[0] == "rflow":
            rpart[(key[1], key[2])] += v
    for (rid, y), v in rpart.items():
        report(v - flow[(rid, y)], flow[(rid, y)],
               f"recycled part of route {rid} {y}: {v:.6g} t > flow {flow[(rid, y)]:.6g}")
    tracked = net.tracked_routes
    out_of: dict[tuple[str, str], list] = defaultdict(list)
    for (_fid, mat), routes in tracked.items():
        for r in routes:
            if r not in out_of[(r.from_id, mat)]:
                out_of[(r.from_id, mat)].append(r)
    for (sid, mat), routes in out_of.items():
        if net.facilities[sid].stage.value == "recycling":
            continue
        k = key_input(net, sid, mat)
        for y in net.years:
            out = sum(rpart[(r.id, y)] for r in routes)
            fed = sum(rpart[(r.id, y)] for r in tracked.get((sid, k[0]), [])) / k[1] if k else 0.0
            report(out - fed, fed, f"recycled {mat} out of {sid} {y}: {out:.6g} t > {fed:.6g} t from recycled feed")
    for o in net.recycled_offtakes:
        k = key_input(net, o.facility_id, o.material.value)
        seg = o.segment.value if o.segment is not None else None
        taken = _taken(val, net, o.facility_id, o.material.value, seg, demand_seg, route)
        for y in net.years:
            if not o.active(y):
                continue
            same = [p for p in net.recycled_offtakes
                    if p.facility_id == o.facility_id and p.material == o.material and p.active(y)]
            total = sum(_taken(val, net, p.facility_id, p.material.value, p.segment.value if p.segment else None,
                               demand_seg, route)[y] for p in same) if len(same) > 1 else taken[y]
            rec = sum(rpart[(r.id, y)] for r in tracked.get((o.facility_id, k[0]), [])) / k[1] if k else 0.0
            report(total - rec, rec, f"offtake {o.id} {y}: {total:.6g} t taken > {rec:.6g} t made from recycled feed")


def _taken(val: dict, net: Network, fid: str, mat: str, seg: str | None, demand_seg: dict,
           route: dict) -> dict[int, float]:
    """taken[y] of a contract on (fid, mat) for buyers of ``seg`` (None: any, + route shipments),
    + stockpile sales of the material (segment None or defense) + sales to outside buyers (segment
    None), from del / flow / sbuy / sell values."""
    taken: dict[int, float] = defaultdict(float)
    stock_mat = net.stockpile_material
    sale_mat = {m.id: m.material.value for m in net.sales_markets}
    for key, v in val.items():
        kind = key[0]
        if kind == "del" and key[1] == fid:
            product, segment = demand_seg[key[2]]
            if product == mat and (seg is None or segment == seg):
                taken[key[3]] += v
        elif kind == "flow" and seg is None:
            r = route[key[1]]
            if r.from_id == fid and r.material.value == mat:
                taken[key[3]] += v
        elif kind == "sbuy" and key[2] == fid and seg in (None, "defense") and stock_mat.get(key[1]) == mat:
            taken[key[3]] += v
        elif kind == "sell" and key[2] == fid and seg is None and sale_mat.get(key[1]) == mat:
            taken[key[3]] += v  # sold to an outside buyer (planner.model.sales)
    return taken


def licence_binds(lp: LinearProgram, x: np.ndarray, net: Network, market, segment: str, year: int) -> bool:
    """True when an import licence covering ``market`` for buyers of ``segment`` in ``year`` is used
    up at the point (its row activity >= cap - 1e-6): no further tonne may move to that segment."""
    for lic in net.levers.import_licences:
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
