"""Soft commitments inside Monte Carlo samples, and plain-language reasons for a sample without a plan.

A plan's own solve keeps its commitments hard (a government stockpile's committed purchases:
sum_f sbuy[s,f,y] >= committed[s,y]). Inside a sampled future a commitment can become impossible
(the only clean producer is down), and a hard row would make the whole sample infeasible -- a
future with no answer at all. In a sample each committed purchase row gets a breach column:

    sum_f sbuy[s,f,y] + sbreach[s,y] >= committed[s,y],   sbreach[s,y] >= 0 (t),
    cost of sbreach[s,y] = d_y x unmet_penalty_usd_per_t x 1e-6 ($M per t, discounted)

so a breach is priced like unmet demand (a setting, never shown as a price) and reported in
tonnes per contract and year. Take-or-pay offtakes are already soft in every model (otshort, the
same penalty); both are reported as breaches (:func:`commitment_breaches`).

**A plan's stock build** (a robust plan's hedge, planner.analysis.plan_eval.EvalSpec.stock_floors:
stockpile s holds at least F[s,y] t at the end of year y) is a commitment of the same kind, soft in
every sample and every re-plan:

    slevel[s,y] + sfloor_breach[s,y] >= F[s,y],   cost of sfloor_breach[s,y] = d_y x unmet penalty x 1e-6

Samples serve defense first (the shortfall stages come before cost), so the floor never takes a
tonne from defense demand: a future that has to draw the stock for defense breaches the floor
instead, and one that cannot make the tonnes (the sole producer is down) reports the breach.
"""

from __future__ import annotations

import numpy as np

from planner.model.lp import LinearProgram
from planner.model.network import Network
from planner.result import LeverRow, PlanResult, Status

MUSD = 1e-6
BREACH_KIND = "stockpile_commit_breach"  # LeverRow.kind of a sample's breached stockpile commitment
BREACH_EPS_T = 1e-6
FLOOR_BREACH_KIND = "stock_build_breach"  # a sample held less than the plan's stock build (a soft floor)


def soften_commitments(lp: LinearProgram, net: Network) -> list[int]:
    """Add sbreach[s,y] (coefficient +1) to every ``stockpile_commit`` row; returns the new columns."""
    pen = net.settings.unmet_penalty_usd_per_t
    cols = []
    for i, (family, key) in enumerate(zip(list(lp.row_family), list(lp.row_keys))):
        if family != "stockpile_commit":
            continue
        sid, y = key[1], key[2]
        j = lp.add_var(("sbreach", sid, y), cost=net.discount[y] * pen * MUSD)
        lp.coo_row.append(i)
        lp.coo_col.append(j)
        lp.coo_val.append(1.0)
        cols.append(j)
    return cols


def add_stock_floor_rows(lp: LinearProgram, net: Network, floors: list[list]) -> list[int]:
    """One ``stock_floor`` row per [stockpile, year, t] of a plan's stock build, with its breach
    column (module docstring); returns the breach columns. ValueError naming a floor the model
    has no stockpile level for."""
    pen = net.settings.unmet_penalty_usd_per_t
    cols = []
    for sid, y, t in floors:
        key = ("slevel", str(sid), int(y))
        if not lp.has_var(key):
            raise ValueError(f"stock build {sid!r} {y}: the model has no government stockpile {sid!r} in {y}")
        j = lp.add_var(("sfloor_breach", str(sid), int(y)), cost=net.discount[int(y)] * pen * MUSD)
        lp.add_row("stock_floor", (str(sid), int(y)), {lp.var(key): 1.0, j: 1.0}, lo=float(t))
        cols.append(j)
    return cols


def add_breach_rows(result: PlanResult, lp: LinearProgram, x: np.ndarray) -> None:
    """List each breached stockpile commitment of point x in ``result.levers`` (tonnes, no cost line:
    the penalty is a setting, not money anyone pays)."""
    for j, key in enumerate(lp.var_keys):
        if key[0] in ("sbreach", "sfloor_breach") and x[j] > BREACH_EPS_T:
            kind = BREACH_KIND if key[0] == "sbreach" else FLOOR_BREACH_KIND
            result.levers.append(LeverRow(kind, key[1], key[1], int(key[2]), round(float(x[j]), 6), 0.0,
                                          "government"))


def commitment_breaches(result: PlanResult) -> list[list]:
    """[[contract id, kind, year, tonnes short], ...] of a sample: offtake minimums not taken
    (kind "offtake") and stockpile purchases not made (kind "stockpile"), sorted."""
    out = []
    for r in result.levers:
        if r.kind == "offtake_shortfall" and r.tonnes > BREACH_EPS_T:
            out.append([r.lever_id, "offtake", int(r.year), float(r.tonnes)])
        elif r.kind == BREACH_KIND and r.tonnes > BREACH_EPS_T:
            out.append([r.lever_id, "stockpile", int(r.year), float(r.tonnes)])
        elif r.kind == FLOOR_BREACH_KIND and r.tonnes > BREACH_EPS_T:
            out.append([r.lever_id, "stock build", int(r.year), float(r.tonnes)])
    return sorted(out)


_STATUS_WORDS = {
    Status.INFEASIBLE.value: "no way to run the chain in this future meets the model's hard limits (infeasible)",
    Status.UNBOUNDED.value: "the model is unbounded in this future (a cost or limit is missing)",
    Status.TIME_LIMIT.value: "the solver ran out of time before it found any plan for this future",
    Status.CANCELLED.value: "the run was cancelled before this future was solved",
    Status.ERROR.value: "the solver failed on this future",
}


def plain_reason(status: str, message: str) -> str:
    """Why a sample has no plan, in plain words: the status's meaning, then the detail when it says
    more than a solver's status word (never just "Optimal")."""
    head = _STATUS_WORDS.get(status, f"no plan ({status})")
    detail = (message or "").strip()
    for prefix in ("sample not solved:",):
        if detail.startswith(prefix):
            detail = detail[len(prefix):].strip()
    bare = detail.lower().replace(" ", "_") in {s.value for s in Status} | {"optimal", "feasible", "infeasible",
                                                                           "unknown", "not_set", "error"}
    if not detail or bare:
        if detail.lower() == "optimal":
            return head + " (the solver said 'optimal' but returned no point)"
        return head
    if "verification" in detail and status == Status.ERROR.value:
        return "the future's plan failed verification: " + detail.split("verification:", 1)[-1].strip()
    return f"{head}: {detail}"


__all__ = ["BREACH_KIND", "FLOOR_BREACH_KIND", "add_breach_rows", "add_stock_floor_rows", "commitment_breaches",
           "plain_reason", "soften_commitments"]
