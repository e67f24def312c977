"""Policy-design mode: candidate price floors and guaranteed offtakes as decisions, and the
viability test for operating facilities (project.levers.policy; see models.project.PolicyMode).

Every family returns early unless policy mode is on, so other projects build exactly the model
they built before. Units: tonnes, t/yr, $/t; government money in $M (MUSD x $).

Variables (all >= 0, objective cost 0: the government's payment is a transfer, counted in the
government budget rows and the government-cost stage by planner.model.levers.candidate_spend_terms):
  pfq[l,y]   tonnes of the facility's material sold under candidate price floor l in year y
  goq[l,y]   tonnes the government guarantees to buy under candidate offtake l in year y
Both have ub = max_tpy and exist only in the lever's active years with support s_l(y) > 0 and,
for a facility with a margin, e_f(y) + s_l(y) >= 0 (a lever that leaves every tonne at a loss
cannot make a non-viable facility run).

  support s_l(y) = max(0, floor - benchmark[y])  (price floor)   or  max(0, price - benchmark[y]) (offtake)
  e_f(y)         = m_f + sum of the top-ups of input price floors on f active in y
                   (m_f = policy.facility_margins_usd_per_t[f]; absent = viable, e_f = +inf)

Constraints:
  pfq[l,y] <= sold[f,c,y]                 (policy_floor_sold;  sold = production - surplus)
  goq[l,y] <= taken[l,y]                  (policy_offtake_taken; taken as for Offtake)
  production[f,c,y] <= sum_l q[l,y]       (viability, facility f with e_f(y) < 0; c = the material
                                            of its candidate levers, l over them)
  sum_{p of f not making c} act[p,y,k] <= 0   (viability_other: the rest of a non-viable facility)

With one lever on a non-viable facility, q = sold = production: the government pays
s_l(y) x (the tonnes the facility makes), exactly the support it needs and no more.
"""

from __future__ import annotations

from planner.model.levers import offtake_taken_terms, production_terms, sold_terms
from planner.model.lp import INF, LinearProgram
from planner.model.network import Network

MUSD = 1e-6


def policy_on(net: Network) -> bool:
    return net.policy_enabled


def candidates(net: Network) -> list[tuple[str, object]]:
    """(variable kind, lever) for every candidate price floor ("pfq") and guaranteed offtake ("goq")."""
    pol = net.levers.policy
    return [("pfq", c) for c in pol.candidate_floors] + [("goq", c) for c in pol.candidate_offtakes]


def supported_material(net: Network, fid: str) -> str | None:
    """The material of the candidate levers on facility ``fid`` (one per facility, validated)."""
    for _kind, c in candidates(net):
        if c.facility_id == fid:
            return c.material.value
    return None


def effective_margin(net: Network, fid: str, year: int) -> float | None:
    """e_f(y) = m_f + top-ups of the input price floors on f active in y ($/t); None = no margin given."""
    m = net.levers.policy.facility_margins_usd_per_t.get(fid)
    if m is None:
        return None
    return m + sum(pf.top_up_usd_per_t(year) for pf in net.price_floors_of.get(fid, []))


def lever_usable(net: Network, lever, year: int) -> bool:
    """A candidate lever has a variable in ``year``: active, support > 0, and e_f(y) + support >= 0."""
    s = lever.top_up_usd_per_t(year)
    if s <= 0:
        return False
    e = effective_margin(net, lever.facility_id, year)
    return e is None or e + s >= 0


def define_policy_variables(lp: LinearProgram, net: Network) -> None:
    """pfq[l,y] / goq[l,y] in [0, max_tpy] for usable candidate levers (policy mode only), cost 0."""
    if not policy_on(net):
        return
    for kind, c in candidates(net):
        ub = c.max_tpy if c.max_tpy is not None else INF
        for y in net.years:
            if lever_usable(net, c, y):
                lp.add_var((kind, c.id, y), ub=ub)


def define_policy_constraints(lp: LinearProgram, net: Network) -> None:
    """policy_floor_sold, policy_offtake_taken, viability and viability_other (module docstring)."""
    if not policy_on(net):
        return
    cover: dict[tuple[str, int], dict[int, float]] = {}
    for kind, c in candidates(net):
        for y in net.years:
            if not lp.has_var((kind, c.id, y)):
                continue
            j = lp.var((kind, c.id, y))
            cover.setdefault((c.facility_id, y), {})[j] = 1.0
            if kind == "pfq":
                terms = {i: -v for i, v in sold_terms(lp, net, c.facility_id, c.material.value, y).items()}
                terms[j] = terms.get(j, 0.0) + 1.0
                lp.add_row("policy_floor_sold", (c.id, y), terms, hi=0.0)
            else:
                terms = {i: -v for i, v in offtake_taken_terms(lp, net, c, y).items()}
                terms[j] = terms.get(j, 0.0) + 1.0
                lp.add_row("policy_offtake_taken", (c.id, y), terms, hi=0.0)
    for fid in net.levers.policy.facility_margins_usd_per_t:
        if fid not in net.facilities:
            continue
        mat = supported_material(net, fid)
        for y in net.years:
            e = effective_margin(net, fid, y)
            if e is None or e >= 0:
                continue
            others: dict[int, float] = {}
            for p in net.processes_of.get(fid, []):
                if mat is not None and p.outputs.get((mat, ""), 0.0) > 0:
                    continue
                for k in net.activity_classes(p):
                    others[lp.var(("act", p.id, y, k))] = 1.0
            if others:
                lp.add_row("viability_other", (fid, y), others, hi=0.0)
            if mat is not None:
                terms = production_terms(lp, net, fid, mat, y)
                for j in cover.get((fid, y), {}):
                    terms[j] = terms.get(j, 0.0) - 1.0
                lp.add_row("viability", (fid, y), terms, hi=0.0)


__all__ = [
    "candidates", "define_policy_constraints", "define_policy_variables", "effective_margin", "lever_usable",
    "policy_on", "supported_material",
]
