"""When no plan exists: the smallest changes to the hard limits that make one possible.

The model is rebuilt exactly as the solve built it, then every hard limit is made elastic: a
slack s_r >= 0 joins each limit row r (an upper limit a.x <= hi becomes a.x - s_r <= hi, a lower
limit a.x >= lo becomes a.x + s_r >= lo), and committed builds (add[o,y] >= committed t/yr, a
variable bound) become rows of their own. The elastic model drops the plan's costs and minimises

    sum_r s_r / max(|limit_r|, 1)

the relaxations as shares of the limits they change, so $1M on a $4M budget weighs as much as
15 t on a 60 t commitment. It always has a plan (every limit can give), and its s_r > 0 are the
changes, stated in the limit's own words and units. Besides this combined answer, each kind of
limit (capex budgets, government budgets, route and market caps, commitments, option rules) is
tried alone, elastic while every other limit stays hard: each kind that can make a plan by
itself is an alternative ("raise the 2026 capex budget by $1.0M, or drop DLA's 60 t purchase
commitment in 2027").

Limits and their row families (planner/model): capex budget per decision year (budget_year) and
over the horizon (budget_total); government budget (gov_budget_year, gov_budget_total); route
caps (route_cap), market caps (market_cap), import licence caps (licence_cap); government
stockpile purchase commitments (stockpile_commit) and committed builds (add lower bounds);
option rules: maximum size of an option without a yes/no build (option_total), minimum size when
built (option_min), built at most once (option_once). The maximum of an option with a yes/no build
(option_max: add <= max x build) stays hard: giving there would add capacity without building,
that is without its fixed capex, which no one can decide.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from models import Project
from planner.model.build import BuildOptions, create_model
from planner.model.lp import LinearProgram
from planner.model.network import Network, build_network
from planner.pipeline.build_sequence import ModelBuildError, checked_project
from planner.progress import SolveState
from planner.result import Relaxation, RelaxationOption
from planner.solvers.backends import RawStatus, solve_lp

#: slack below this (in the limit's unit) is solver noise, not a change
TOL = 1e-6
UPPER, LOWER = "upper", "lower"

#: row family -> (which side gives, kind of limit)
FAMILIES: dict[str, tuple[str, str]] = {
    "budget_year": (UPPER, "capex budgets"),
    "budget_total": (UPPER, "capex budgets"),
    "gov_budget_year": (UPPER, "government budgets"),
    "gov_budget_total": (UPPER, "government budgets"),
    "route_cap": (UPPER, "route and market caps"),
    "market_cap": (UPPER, "route and market caps"),
    "licence_cap": (UPPER, "route and market caps"),
    "stockpile_commit": (LOWER, "commitments"),
    "committed_build": (LOWER, "commitments"),
    "option_total": (UPPER, "option rules"),
    "option_min": (LOWER, "option rules"),
    "option_once": (UPPER, "option rules"),
}
KINDS = ("capex budgets", "government budgets", "route and market caps", "commitments", "option rules")


@dataclass
class _Elastic:
    family: str
    key: tuple
    limit: float  # the limit's value in its own unit (row bound, or the option size for option rows)
    column: int  # the slack's column


def _limit_value(lp: LinearProgram, net: Network, family: str, key: tuple, row: int) -> float:
    """The limit in its own unit: the row bound; for option_min the option's minimum size (the row
    is add - min x build >= 0)."""
    if family == "option_min":
        return _option(net, key[0])[1].min_add_tpy
    side, _kind = FAMILIES[family]
    return lp.row_hi[row] if side == UPPER else lp.row_lo[row]


def _option(net: Network, oid: str):
    for f, o in net.options:
        if o.id == oid:
            return f, o
    raise KeyError(oid)


def _commit_builds(lp: LinearProgram) -> None:
    """Committed builds (add[o,y] >= committed, build[o,y] = 1 as variable bounds) as rows
    ``committed_build`` (add >= committed), so that they can give like any other limit."""
    for j, key in enumerate(list(lp.var_keys)):
        if key[0] == "add" and lp.var_lb[j] > 0:
            lo = lp.var_lb[j]
            lp.var_lb[j] = 0.0
            lp.add_row("committed_build", (key[1], key[2]), {j: 1.0}, lo=lo)
        elif key[0] == "build" and lp.var_lb[j] > 0:
            lp.var_lb[j] = 0.0


def elastic_model(lp: LinearProgram, net: Network, kinds: set[str]) -> list[_Elastic]:
    """Turn ``lp`` into its elastic form for the limits of ``kinds`` (in place); returns the slacks.
    The objective becomes sum s_r / max(|limit_r|, 1) (the plan's own costs are dropped)."""
    if "commitments" in kinds:
        _commit_builds(lp)
    for j in range(lp.n_vars):
        lp.var_cost[j] = 0.0
    lp.constant = 0.0
    out = []
    for i in range(lp.n_rows):
        family = lp.row_family[i]
        if family not in FAMILIES or FAMILIES[family][1] not in kinds:
            continue
        side = FAMILIES[family][0]
        key = lp.row_keys[i][1:]
        limit = _limit_value(lp, net, family, key, i)
        j = lp.add_var(("elastic", family, *key), cost=1.0 / max(abs(limit), 1.0))
        lp.coo_row.append(i)
        lp.coo_col.append(j)
        lp.coo_val.append(-1.0 if side == UPPER else 1.0)
        out.append(_Elastic(family, key, limit, j))
    return out


# ----------------------------------------------------------------------------- words
def _name(project: Project, node_id: str) -> str:
    for group in (project.facilities, project.markets, project.demands):
        for x in group:
            if x.id == node_id:
                return x.name or x.id
    return node_id


def describe(project: Project, net: Network, e: _Elastic, amount: float) -> Relaxation:
    """The change in the limit's own words and units (``project``: the project as solved, scenario applied)."""
    p, f, k, lim = project, e.family, e.key, e.limit
    unit = "$M" if "budget" in f else ("builds" if f == "option_once" else "t")
    if f == "budget_year":
        text = f"raise the {k[0]} capex budget by ${amount:,.1f}M (from ${lim:,.1f}M to ${lim + amount:,.1f}M)"
        limit = f"capex budget {k[0]}"
    elif f == "budget_total":
        text = (f"raise the capex budget over the horizon by ${amount:,.1f}M "
                f"(from ${lim:,.1f}M to ${lim + amount:,.1f}M)")
        limit = "capex budget over the horizon"
    elif f == "gov_budget_year":
        text = f"raise the {k[0]} government budget by ${amount:,.1f}M (from ${lim:,.1f}M to ${lim + amount:,.1f}M)"
        limit = f"government budget {k[0]}"
    elif f == "gov_budget_total":
        text = (f"raise the government budget over the horizon by ${amount:,.1f}M "
                f"(from ${lim:,.1f}M to ${lim + amount:,.1f}M)")
        limit = "government budget over the horizon"
    elif f == "route_cap":
        r = next(r for r in p.routes if r.id == k[0])
        limit = f"route {_name(p, r.from_id)} to {_name(p, r.to_id)}"
        text = f"raise the capacity of the {limit} in {k[1]} by {amount:,.1f} t (from {lim:,.1f} t/yr)"
    elif f == "market_cap":
        limit = f"{_name(p, k[0])} cap"
        text = f"raise {_name(p, k[0])}'s cap in {k[1]} by {amount:,.1f} t (from {lim:,.1f} t/yr)"
    elif f == "licence_cap":
        lic = next(x for x in p.levers.import_licences if x.id == k[0])
        limit = f"import licence {lic.name or lic.id}"
        text = f"raise the cap of {limit} in {k[1]} by {amount:,.1f} t (from {lim:,.1f} t)"
    elif f == "stockpile_commit":
        s = next(x for x in p.levers.stockpiles if x.id == k[0])
        name = s.name or s.id
        limit = f"{name} purchase commitment {k[1]}"
        text = (f"drop {name}'s {lim:,.1f} t purchase commitment in {k[1]}" if amount >= lim - TOL else
                f"lower {name}'s {k[1]} purchase commitment by {amount:,.1f} t "
                f"(from {lim:,.1f} t to {lim - amount:,.1f} t)")
    elif f == "committed_build":
        fac, o = _option(net, k[0])
        name = f"{fac.name or fac.id}: {o.name or o.id}"
        limit = f"committed build {name} {k[1]}"
        text = (f"drop the committed {lim:,.1f} t/yr build of {name} in {k[1]}" if amount >= lim - TOL else
                f"lower the committed build of {name} in {k[1]} by {amount:,.1f} t/yr (from {lim:,.1f} t/yr)")
        unit = "t/yr"
    else:  # option rules
        fac, o = _option(net, k[0])
        name = f"{fac.name or fac.id}: {o.name or o.id}"
        limit = f"option {name}"
        if f == "option_total":
            text = f"allow {name} to add {amount:,.1f} t/yr more than its maximum of {lim:,.1f} t/yr"
            unit = "t/yr"
        elif f == "option_min":
            text = f"allow {name} to be built {amount:,.1f} t/yr smaller than its minimum of {lim:,.1f} t/yr"
            unit = "t/yr"
        else:
            text = f"allow {name} to be built {1 + amount:,.0f} times (now at most once)"
    return Relaxation(limit=limit, family=f, key=[str(x) for x in k], current=round(lim, 6), change=round(amount, 6),
                      unit=unit, text=text)


# ----------------------------------------------------------------------------- solve
def _solve_elastic(project: Project, net_factory: Callable[[], Network], kinds: set[str], solver: str,
                   time_limit_s: float, state: SolveState) -> list[Relaxation] | None:
    """The smallest relaxation with the limits of ``kinds`` elastic, or None when no plan exists
    even then (or the solver gave no answer in time)."""
    net = net_factory()
    lp, _idx = create_model(net, BuildOptions())
    slacks = elastic_model(lp, net, kinds)
    if not slacks:
        return None
    raw = solve_lp(lp, solver, time_limit_s, 1e-6, state)
    if raw.status is not RawStatus.OPTIMAL or raw.x is None:
        return None
    changes = [describe(project, net, e, float(raw.x[e.column])) for e in slacks
               if float(raw.x[e.column]) > TOL * max(1.0, abs(e.limit))]
    return sorted(changes, key=lambda c: (c.family, c.key))


def find_relaxations(project: Project, scenario: str | None = None, solver: str = "highs",
                     time_limit_s: float = 60.0, state: SolveState | None = None) -> list[RelaxationOption]:
    """The smallest relaxations that make a plan possible (see the module docstring): first all
    limits elastic together, then each kind of limit alone (only the kinds that succeed, and only
    when they differ from the combined answer). Empty when the project cannot be built or even
    the all-elastic model has no plan (then the cause is not a limit of these kinds)."""
    state = state or SolveState()
    try:
        solved = checked_project(project, scenario)
    except ModelBuildError:
        return []
    deadline = time.perf_counter() + time_limit_s
    factory = lambda: build_network(solved)  # noqa: E731 (a fresh network per elastic model)
    out: list[RelaxationOption] = []
    combined = _solve_elastic(solved, factory, set(KINDS), solver, max(1.0, deadline - time.perf_counter()), state)
    if not combined:
        return out
    out.append(RelaxationOption(scope="all limits", changes=combined))
    used = {FAMILIES[c.family][1] for c in combined}
    present = {FAMILIES[f][1] for f in _families_present(factory) if f in FAMILIES}
    for kind in KINDS:
        if state.cancel_requested or time.perf_counter() >= deadline:
            break
        if used == {kind}:
            continue  # the combined answer already changes this kind alone
        if kind not in present:
            continue
        alone = _solve_elastic(solved, factory, {kind}, solver, max(1.0, deadline - time.perf_counter()), state)
        if alone:
            out.append(RelaxationOption(scope=kind, changes=alone))
    return out


def _families_present(factory: Callable[[], Network]) -> set[str]:
    lp, _ = create_model(factory(), BuildOptions())
    present = set(lp.row_family)
    if any(k[0] == "add" and lp.var_lb[j] > 0 for j, k in enumerate(lp.var_keys)):
        present.add("committed_build")
    return present


__all__ = ["KINDS", "describe", "elastic_model", "find_relaxations"]
