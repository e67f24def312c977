"""The robust (two-stage stochastic) investment plan by sample average approximation.

Given K sampled futures (delays and overruns drawn from ``settings.risk``), one program holds:

* **first stage**, shared by every future: X[o,z] (t/yr of option o decided in nominal year z) and,
  for options with a build decision, B[o,z] in {0, 1};
* **second stage**, one copy of the whole model per future k (operations, deliveries, unmet,
  stocks), with that future's capacities, decision-year bounds and capex costs exactly as plan
  evaluation applies them (:class:`planner.analysis.plan_eval.SampleModel`);
* **linking** (the plan-evaluation semantics of a committed decision): in future k, where option
  o's facility is d_k years late, ``add_k[o, z + d_k] = X[o,z]`` and ``build_k[o, z + d_k] = B[o,z]``;
  a decision pushed past the last decision year never arrives in that future (and is not paid there).

Objective: (1/K) sum_k cost_k, where cost_k is the model's discounted cost with the unmet penalty of
defense demand multiplied by DEFENSE_FIRST_WEIGHT (defense shortfall first, as a weighted penalty).

**No foresight inside the program** (``nonanticipative``, the default): a future may not act on an
event before it is revealed, exactly as plan evaluation runs a committed plan
(planner.analysis.plan_eval.reveal_years, event_reveal_years). The program holds one more copy,
the *forecast* future N (every event as forecast: the plan's own operations, weight
NOMINAL_WEIGHT), and future k with first reveal year r_k **uses the forecast copy's columns for
its operations of every year y < r_k** (production, purchases, flows, stock and stockpile buys,
draws and levels):

    x_k[j] := x_N[j]   for every operations column j with year(j) < r_k   (r_k = infinity: no event)

so a stock built in 2026 against a 2027 outage is built in the forecast future too, and every future
follows it until its event is revealed. A delayed project is taken as revealed at the earliest
year any of its options could come online (earlier than or as plan evaluation reveals it: the
program may know a delay a little sooner than a committed plan does). The forecast copy's year-end
stockpile levels in the shared years are the plan's **stock build** (``SaaResult.stock_floors``):
plan evaluation holds them in the plan's own operations (EvalSpec.stock_floors).

Budgets (``settings.budget_musd_per_year`` / ``budget_total_musd``) are rows on the shared first
stage, once: capex of X/B at nominal cost (no overrun) in the nominal decision year <= budget, as in
a deterministic plan; each future then pays its own delays and overruns (as plan evaluation does).
Government budgets (``levers.government_budget_*``) stay in every future's copy: they limit
second-stage spending (stockpile purchases, price-floor top-ups) per future.

Optional target ``P(every defense demand met in year Y) >= p``: per-future indicators
m_k in {0, 1} with ``unmet_k[d, Y] <= demand[d, Y] (1 - m_k)`` for every defense demand d and
``sum_k m_k >= ceil(p K)`` (a chance constraint on the sample; a MILP).

Each future's part of the optimal point is verified with the same checks as any plan
(planner.pipeline.verify; labels traced to their origin first; the priority order is not claimed,
the program being one weighted solve) before the plan is returned.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.project import Project
from planner.analysis.plan_eval import EvalSpec, SampleModel, _first_decision_year, draw_shares
from planner.analysis.risk_events import slip_amounts
from planner.model.lp import INF, LinearProgram
from planner.progress import SolveState
from planner.solvers.backends import RawStatus, solve_lp


@dataclass
class SaaResult:
    status: str  # "optimal", "time_limit_feasible", "infeasible", "time_limit", "error", "cancelled"
    message: str = ""
    decisions: list[list[Any]] = field(default_factory=list)  # [[option, nominal decided year, t/yr]]
    objective: float | None = None  # $M, expected weighted cost over the K futures
    n_variables: int = 0
    n_constraints: int = 0
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    in_sample_met: list[bool] = field(default_factory=list)  # per future: all defense demand met in year Y
    #: the plan's stock build: [[stockpile id, year, t at year-end]] of the forecast copy in the years
    #: some future with an event shares with it (nonanticipative programs only)
    stock_floors: list[list[Any]] = field(default_factory=list)
    #: per future: its first reveal year (None: nothing revealed in the horizon)
    reveal_year: list[int | None] = field(default_factory=list)


#: objective weight of the forecast copy itself (its cost barely counts: the sampled futures, which
#: share its columns up to their reveal years, carry the expected cost)
NOMINAL_WEIGHT = 1e-4


def first_reveal_year(net, decisions, draw) -> int | None:
    """The first year in which anything of ``draw`` is revealed (plan_eval's rule), None when
    nothing is. ``decisions``: SampleModel.decisions; a delayed facility counts as revealed at the
    earliest year any of its options could come online (or its capacity changes)."""
    from planner.analysis.plan_eval import event_reveal_years, reveal_years

    every = {(o.id, y): 1.0 for _f, o, y, *_ in decisions}
    rv = reveal_years(net, every, dict(getattr(draw, "delays", {}) or {}), draw_shares(draw))
    rv.update(event_reveal_years(list(getattr(draw, "events", None) or []), net.years))
    return min(rv.values()) if rv else None


def solve_saa(project: Project, draws: list, *, target: float | None = None, target_year: int | None = None,
              time_limit_s: float = 600.0, mip_gap: float = 1e-4, state: SolveState | None = None,
              algorithm: str = "auto", weights: list[float] | None = None,
              secure: dict[int, list[int]] | None = None, nonanticipative: bool = True) -> SaaResult:
    """Solve the SAA program over ``draws`` (SampleDraw objects: delays, overruns, shares and
    catalogue events) for ``project`` (scenario already applied).

    ``weights``: each future's weight in the objective (default 1/K each). ``secure``: future index
    -> years in which that future's defense demand must be met in full (unmet[d, y] = 0 for every
    defense demand d: the N-1-secure contingencies of planner.analysis.robust).
    ``nonanticipative``: no future acts before its first reveal year (module docstring); False:
    every future knows its whole future (the optimistic two-stage form)."""
    state = state or SolveState()
    t0 = time.perf_counter()
    base = SampleModel(project, EvalSpec(mode="foresight"), warm=False)
    lp0, net = base.lp, base.net
    n, m = lp0.n_vars, lp0.n_rows
    draws = list(draws)
    weights = list(weights) if weights is not None else [1.0 / len(draws)] * len(draws)
    n_sampled = len(draws)
    reveal = [first_reveal_year(net, base.decisions, d) for d in draws] if nonanticipative else []
    nominal = None
    if nonanticipative:
        from planner.analysis.risk_sampling import SampleDraw

        nominal = len(draws)  # the forecast copy (its index among the copies)
        draws.append(SampleDraw(index=nominal))
        weights.append(NOMINAL_WEIGHT)
        reveal.append(None)
    K = len(draws)
    year = target_year or project.settings.compliance_start_year
    ops = base.col_year >= 0  # operations columns (investments are the first stage, linked below)

    # first-stage columns: one per (option, nominal year) add, and build where the model has one
    first: list[tuple] = []  # (key, lb, ub, integer)
    first_index: dict[tuple, int] = {}
    for _f, o, y, _ja, jb, _ in base.decisions:
        first_index[("X", o.id, y)] = len(first)
        first.append((("X", o.id, y), 0.0, float(o.max_add_tpy), False))
        if jb >= 0:
            first_index[("B", o.id, y)] = len(first)
            first.append((("B", o.id, y), 0.0, 1.0, True))
    n_first = len(first)
    indicator = target is not None and target > 0
    n_total = K * n + n_first + (n_sampled if indicator else 0)

    lb = np.empty(n_total)
    ub = np.empty(n_total)
    cost = np.zeros(n_total)
    integer = np.zeros(n_total, dtype=bool)
    lo_parts, hi_parts = [], []
    rows, cols, vals = [], [], []
    r0, c0, v0 = (np.asarray(lp0.coo_row, dtype=np.int64), np.asarray(lp0.coo_col, dtype=np.int64),
                  np.asarray(lp0.coo_val, dtype=np.float64))
    link_rows: list[tuple[int, int, int]] = []  # (future col, first col) pairs as rows later
    per_future = []
    colmaps: list[np.ndarray] = []  # copy k's column j -> the program's column (shared or its own)
    constant = 0.0
    for k, draw in enumerate(draws):
        if state.cancel_requested:
            return SaaResult("cancelled", "cancelled while building")
        s_lb, s_ub, s_cost, s_hi, s_const, existing, coeffs = base.sample_data(
            draw.delays, draw.overruns, draw_shares(draw), slip_amounts(getattr(draw, "events", None) or []))
        s_hi[base.budget_rows] = INF  # budgets bind the shared decisions once (below), not each future's payments
        events = list(getattr(draw, "events", None) or [])
        s_lo = base.base_lo.copy()
        if events:
            base.events_index.apply(events, s_lb, s_ub, s_lo, s_hi)
        for y in (secure or {}).get(k, []):
            for d in net.demands:
                if d.segment == "defense" and lp0.has_var(("unmet", d.id, y)):
                    s_ub[lp0.var(("unmet", d.id, y))] = 0.0
        w = weights[k]
        off = k * n
        lb[off:off + n], ub[off:off + n], cost[off:off + n] = s_lb, s_ub, s_cost * w
        integer[off:off + n] = False  # build_k equals the shared binary B
        constant += s_const * w
        lo_parts.append(s_lo)
        hi_parts.append(s_hi)
        rows.append(r0 + k * m)
        colmap = off + np.arange(n, dtype=np.int64)
        if nominal is not None and k != nominal:
            r_k = reveal[k]
            shared = ops & (base.col_year < r_k) if r_k is not None else ops
            colmap[shared] = nominal * n + np.flatnonzero(shared)
        cols.append(colmap[c0])
        colmaps.append(colmap)
        vals.append(v0)
        for f, o, y, ja, jb, _ in base.decisions:
            d = int(draw.delays.get(f.id, 0))
            if y < _first_decision_year(net, o, d):
                continue  # already fixed at 0 by the sample's bounds
            z = y - d
            if ("X", o.id, z) not in first_index:
                s_lb[ja] = s_ub[ja] = 0.0  # no nominal decision maps here (cannot happen: z >= earliest)
                lb[off + ja] = ub[off + ja] = 0.0
                continue
            link_rows.append((off + ja, K * n + first_index[("X", o.id, z)]))
            if jb >= 0:
                link_rows.append((off + jb, K * n + first_index[("B", o.id, z)]))
        per_future.append((s_lb, s_ub, s_cost, s_hi, s_const, existing, coeffs, draw.overruns, s_lo, events))
    # shared operations columns: the forecast copy's column takes every sharing copy's bounds
    # (intersected) and cost (weighted sum); the copy's own column is left empty and fixed at 0
    for k, colmap in enumerate(colmaps):
        own = k * n + np.arange(n, dtype=np.int64)
        moved = colmap != own
        if not moved.any():
            continue
        tgt, src = colmap[moved], own[moved]
        lb[tgt] = np.maximum(lb[tgt], lb[src])
        ub[tgt] = np.minimum(ub[tgt], ub[src])
        cost[tgt] += cost[src]
        lb[src] = ub[src] = cost[src] = 0.0
    for i, (_key, low, up, is_int) in enumerate(first):
        lb[K * n + i], ub[K * n + i], integer[K * n + i] = low, up, is_int
    # a first-stage decision that maps into no future at all is worthless: X = 0 there by cost 0;
    # give first-stage columns a tiny cost so such idle decisions are not reported
    cost[K * n:K * n + n_first] = 1e-9

    n_rows = K * m
    row_lo = np.concatenate(lo_parts) if lo_parts else np.zeros(0)
    row_hi = np.concatenate(hi_parts) if hi_parts else np.zeros(0)
    extra_r, extra_c, extra_v, extra_lo, extra_hi = [], [], [], [], []
    for i, (jf, jx) in enumerate(link_rows):
        extra_r += [n_rows + i, n_rows + i]
        extra_c += [jf, jx]
        extra_v += [1.0, -1.0]
        extra_lo.append(0.0)
        extra_hi.append(0.0)
    n_rows += len(link_rows)
    # settings.budget_*: the rows of the base model with add/build replaced by the shared X/B, nominal
    # capex (no overrun) in the nominal decision year: the budget limits what is decided, as in a plan
    first_of_col: dict[int, int] = {}
    for _f, o, y, ja, jb, _ in base.decisions:
        first_of_col[ja] = K * n + first_index[("X", o.id, y)]
        if jb >= 0:
            first_of_col[jb] = K * n + first_index[("B", o.id, y)]
    budget_terms: dict[int, dict[int, float]] = {int(i): {} for i in base.budget_rows}
    for i, j, v, _fid in base.budget_coeffs:
        terms = budget_terms[int(i)]
        terms[first_of_col[j]] = terms.get(first_of_col[j], 0.0) + v
    budget_rows: list[tuple[int, dict[int, float], float, float]] = []  # (row, terms, lo, hi)
    for i, terms in budget_terms.items():
        for jc, v in terms.items():
            extra_r.append(n_rows)
            extra_c.append(jc)
            extra_v.append(v)
        extra_lo.append(float(lp0.row_lo[i]))
        extra_hi.append(float(lp0.row_hi[i]))
        budget_rows.append((n_rows, terms, float(lp0.row_lo[i]), float(lp0.row_hi[i])))
        n_rows += 1
    n_budget = len(budget_rows)
    if indicator:
        defense = {d.id: d for d in net.demands if d.segment == "defense"}
        need = math.ceil(target * n_sampled - 1e-9)
        for k in range(n_sampled):
            jm = K * n + n_first + k
            lb[jm], ub[jm], integer[jm] = 0.0, 1.0, True
            for did, d in defense.items():
                dem = d.tonnes_by_year.get(year)
                if not dem:
                    continue
                ju = int(colmaps[k][lp0.var(("unmet", did, year))])
                extra_r += [n_rows, n_rows]
                extra_c += [ju, jm]
                extra_v += [1.0, dem]
                extra_lo.append(-INF)
                extra_hi.append(dem)
                n_rows += 1
        extra_r += [n_rows] * n_sampled
        extra_c += list(range(K * n + n_first, K * n + n_first + n_sampled))
        extra_v += [1.0] * n_sampled
        extra_lo.append(float(need))
        extra_hi.append(INF)
        n_rows += 1

    lp = LinearProgram()
    lp.var_keys = [("k", k, *key) for k in range(K) for key in lp0.var_keys] + [f[0] for f in first] \
        + ([("m", k) for k in range(n_sampled)] if indicator else [])
    lp.var_lb, lp.var_ub, lp.var_cost, lp.var_int = lb.tolist(), ub.tolist(), cost.tolist(), integer.tolist()
    lp.row_keys = [("k", k, *key) for k in range(K) for key in lp0.row_keys] \
        + [("link", i) for i in range(len(link_rows))] \
        + [("budget",) + tuple(lp0.row_keys[i]) for i in budget_terms] \
        + [("target", i) for i in range(n_rows - K * m - len(link_rows) - n_budget)]
    lp.row_family = list(lp0.row_family) * K + ["link"] * len(link_rows) + [lp0.row_family[i] for i in budget_terms] \
        + ["target"] * (n_rows - K * m - len(link_rows) - n_budget)
    lp.row_lo = np.concatenate([row_lo, np.asarray(extra_lo, dtype=float)]).tolist()
    lp.row_hi = np.concatenate([row_hi, np.asarray(extra_hi, dtype=float)]).tolist()
    lp.coo_row = np.concatenate(rows + [np.asarray(extra_r, dtype=np.int64)]).tolist()
    lp.coo_col = np.concatenate(cols + [np.asarray(extra_c, dtype=np.int64)]).tolist()
    lp.coo_val = np.concatenate(vals + [np.asarray(extra_v, dtype=float)]).tolist()
    lp.constant = constant
    build_seconds = time.perf_counter() - t0
    out = SaaResult("error", n_variables=lp.n_vars, n_constraints=lp.n_rows, build_seconds=build_seconds)

    solver = "highs" if algorithm == "auto" else f"highs-{algorithm}"
    raw = solve_lp(lp, solver, time_limit_s, mip_gap, state)
    out.solve_seconds = raw.seconds
    out.build_seconds += raw.handoff_seconds
    if raw.status not in (RawStatus.OPTIMAL, RawStatus.FEASIBLE) or raw.x is None:
        out.status = {RawStatus.INFEASIBLE: "infeasible", RawStatus.NO_SOLUTION: "time_limit",
                      RawStatus.CANCELLED: "cancelled"}.get(raw.status, "error")
        out.message = raw.message or raw.status.value
        if raw.status is RawStatus.INFEASIBLE and indicator:
            out.message = f"no plan meets the target P >= {target:.0%} in {year} on these {K} futures"
        elif raw.status is RawStatus.INFEASIBLE and secure:
            out.message = ("no plan among the options offered keeps defense demand whole under every critical "
                           "outage in its years (choose fewer elements, or offer a hedge that covers them)")
        return out
    x = raw.x
    # verify every future's part with the ordinary checks
    from planner.pipeline.labels import trace_labels
    from planner.pipeline.verify import check_labels, verify_point

    defense_unmet_cols = [(lp0.var(("unmet", d.id, year)), d.tonnes_by_year[year]) for d in net.demands
                          if d.segment == "defense" and year in d.tonnes_by_year]
    for k, data in enumerate(per_future):
        xk = x[colmaps[k]]
        lpk, idxk, netk = base.views(*data)
        # one weighted program (no priority or label stages): labels are made origin-true by the
        # exact post-solve trace and checked; the priority order is not claimed for the futures
        xk, _ = trace_labels(lpk, xk, netk)
        checks = verify_point(lpk, xk, netk, lexicographic=False) + [check_labels(lpk, xk, netk)]
        failed = [c for c in checks if not c.passed]
        if failed:
            out.message = f"future {k} fails verification: " + "; ".join(f"{c.name} {c.detail}" for c in failed)
            return out
        if k < n_sampled:
            out.in_sample_met.append(all(xk[j] <= 1e-6 * max(1.0, dem) for j, dem in defense_unmet_cols))
    link_viol = max((abs(x[a] - x[b]) for a, b in link_rows), default=0.0)
    if link_viol > 1e-6 * max(1.0, float(np.max(np.abs(x[K * n:K * n + n_first]), initial=0.0))):
        out.message = f"first-stage decisions differ between futures by {link_viol:.3g}"
        return out
    for r, terms, lo, hi in budget_rows:  # the shared budget rows (not part of any future's view)
        spent = sum(v * float(x[j]) for j, v in terms.items())
        if spent > hi + 1e-6 * max(1.0, abs(hi)) or spent < lo - 1e-6 * max(1.0, abs(lo)):
            out.message = f"budget row {lp.row_keys[r]} violated: {spent:.6g} $M outside [{lo:.6g}, {hi:.6g}]"
            return out
    for i, (key, *_rest) in enumerate(first):
        if key[0] == "X" and x[K * n + i] > 1e-6:
            out.decisions.append([key[1], int(key[2]), float(round(x[K * n + i], 6))])
    out.reveal_year = reveal[:n_sampled]
    if nominal is not None:
        out.stock_floors = _stock_build(lp0, x[colmaps[nominal]], reveal[:n_sampled], net.years)
    # the weighted cost of the futures (the forecast copy's own NOMINAL_WEIGHT share left out)
    out.objective = float(sum(weights[k] * (float(np.dot(per_future[k][2], x[colmaps[k]])) + per_future[k][4])
                              for k in range(K) if k != nominal)
                          + np.dot(cost[K * n:K * n + n_first], x[K * n:K * n + n_first]))
    out.status = "optimal" if raw.status is RawStatus.OPTIMAL else "time_limit_feasible"
    out.message = "Robust plan found; every future's operations verified."
    return out


def _stock_build(lp0, x_nominal: np.ndarray, reveal: list[int | None], years: list[int]) -> list[list[Any]]:
    """[[stockpile, year, t]]: the forecast copy's year-end government stockpile levels in the years
    some future with an event shares with it (y < its reveal year), rounded down to 1e-6 t so the
    plan's own operations can hold them again."""
    last = max((r for r in reveal if r is not None), default=None)
    if last is None:
        return []
    out = []
    for j, key in enumerate(lp0.var_keys):
        if key[0] == "slevel" and key[2] < last and x_nominal[j] > 1e-6:
            out.append([key[1], int(key[2]), math.floor(float(x_nominal[j]) * 1e6) / 1e6])
    return sorted(out)


__all__ = ["NOMINAL_WEIGHT", "SaaResult", "first_reveal_year", "solve_saa"]
