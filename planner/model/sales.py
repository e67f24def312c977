"""Outside buyers (sales markets): facilities sell to buyers outside the plan when it pays.

Sets: sales markets m (project.sales_markets), their active years y (first_year..last_year inside
the horizon), sellers S(m) = the market's facility_ids, or every maker of its material when empty;
classes k of the seller's output (clean only for a buyer with compliance "clean").

Variables (t, >= 0):
  sell[m,f,y,k]   tonnes facility f sells to market m in year y; objective coefficient
                  -d_y x price(m,y) x 1e-6 ($M: revenue lowers the net cost)
  sshort[m,y]     tonnes of a reserved (contracted) volume not sold; objective coefficient
                  d_y x unmet_penalty x 1e-6, and minimised in its own lexicographic stage right
                  after the first-priority (US defense) shortfall (planner.pipeline.solve)

Constraint families (one function each):
  sales balance        sell[m,f,y,k] leaves f's balance row of (material, y, k) like a delivery
  sales_cap            sum_{f,k} sell[m,f,y,k] <= cap(m,y)
  sales_reserved       sum_{f,k} sell[m,f,y,k] + sshort[m,y] >= reserved(m,y)
  sales_reserved_share sum_k sell[m,f,y,k] >= reserved_share(m) x production[f,c,y]  (f listed)

A reserved tonne is sold to its contract buyer: it never reaches a US demand. Revenue is money
from outside the plan, not a transfer between its payers, so it belongs in the objective; the
levers' transfers (price floors, grants, loans, offtake payments) stay out of it.
"""

from __future__ import annotations

from models.project import SalesMarket
from planner.model.levers import production_terms
from planner.model.lp import LinearProgram
from planner.model.network import CLEAN, COVERED, Network

MUSD = 1e-6
RESERVED_STAGE = "reserved_sales_shortfall"


def sales_years(net: Network, m: SalesMarket) -> list[int]:
    """Years of the horizon in which the market buys."""
    return [y for y in net.years if m.active(y)]


def sellers(net: Network, m: SalesMarket) -> list[str]:
    """S(m): the listed facilities that make the material, else every maker of it."""
    makers = net.producers_of.get(m.material.value, [])
    return [f for f in m.facility_ids if f in makers] if m.facility_ids else list(makers)


def sale_classes(net: Network, m: SalesMarket, fid: str) -> list[str]:
    """Classes f can sell to m: its output classes, clean only for a buyer that requires it."""
    classes = net.output_classes(fid, (m.material.value, ""))
    return [k for k in classes if k == CLEAN] if m.compliance == "clean" else classes


def define_sales_variables(lp: LinearProgram, net: Network, idx) -> None:
    """sell[m,f,y,k] (cost -d_y x price x 1e-6), entered in f's balance rows with -1 (via
    idx.extra_balance_terms); sshort[m,y] (cost d_y x penalty x 1e-6) where reserved(m,y) > 0."""
    pen = net.settings.unmet_penalty_usd_per_t
    for m in net.sales_markets:
        mat = m.material.value
        for y in sales_years(net, m):
            price = m.price(y)
            for fid in sellers(net, m):
                for k in sale_classes(net, m, fid):
                    j = lp.add_var(("sell", m.id, fid, y, k), cost=-net.discount[y] * price * MUSD)
                    idx.extra_balance_terms.append((fid, (mat, ""), y, k, j, -1.0))
            if m.reserved(y) > 0:
                lp.add_var(("sshort", m.id, y), cost=net.discount[y] * pen * MUSD)


def sold_to_market_terms(lp: LinearProgram, net: Network, m: SalesMarket, y: int,
                         fids: list[str] | None = None) -> dict[int, float]:
    """sum_{f,k} sell[m,f,y,k] (over ``fids`` when given, else S(m)) as {column: 1}."""
    terms: dict[int, float] = {}
    for fid in (fids if fids is not None else sellers(net, m)):
        for k in (CLEAN, COVERED):
            if lp.has_var(key := ("sell", m.id, fid, y, k)):
                terms[lp.var(key)] = 1.0
    return terms


def define_sales_cap_constraints(lp: LinearProgram, net: Network) -> None:
    """sum_{f,k} sell[m,f,y,k] <= cap(m,y) where the market has a cap."""
    for m in net.sales_markets:
        for y in sales_years(net, m):
            cap = m.cap(y)
            terms = sold_to_market_terms(lp, net, m, y)
            if cap is not None and terms:
                lp.add_row("sales_cap", (m.id, y), terms, hi=cap)


def define_reserved_sales_constraints(lp: LinearProgram, net: Network) -> None:
    """sum_{f,k} sell[m,f,y,k] + sshort[m,y] >= reserved(m,y);
    sum_k sell[m,f,y,k] - reserved_share x production[f,c,y] >= 0 for each listed facility f."""
    for m in net.sales_markets:
        for y in sales_years(net, m):
            if m.reserved(y) > 0:
                terms = sold_to_market_terms(lp, net, m, y)
                terms[lp.var(("sshort", m.id, y))] = 1.0
                lp.add_row("sales_reserved", (m.id, y), terms, lo=m.reserved(y))
            if m.reserved_share > 0:
                for fid in sellers(net, m):
                    terms = sold_to_market_terms(lp, net, m, y, [fid])
                    for j, v in production_terms(lp, net, fid, m.material.value, y).items():
                        terms[j] = terms.get(j, 0.0) - m.reserved_share * v
                    lp.add_row("sales_reserved_share", (m.id, fid, y), terms, lo=0.0)


def define_sales_constraints(lp: LinearProgram, net: Network) -> None:
    define_sales_cap_constraints(lp, net)
    define_reserved_sales_constraints(lp, net)


def reserved_shortfall_terms(lp: LinearProgram) -> dict[int, float]:
    """sum_{m,y} sshort[m,y] (t, undiscounted): the objective of the reserved-sales stage."""
    return {j: 1.0 for j, key in enumerate(lp.var_keys) if key[0] == "sshort"}


def sales_terms_of_facility(lp: LinearProgram, fid: str, mat: str, y: int, net: Network) -> dict[int, float]:
    """sum_{m of material mat, k} sell[m,f,y,k]: what f sells outside the plan (offtakes count it)."""
    terms: dict[int, float] = {}
    for m in net.sales_markets:
        if m.material.value == mat:
            terms.update(sold_to_market_terms(lp, net, m, y, [fid]))
    return terms


__all__ = [
    "RESERVED_STAGE", "define_sales_constraints", "define_sales_variables", "reserved_shortfall_terms",
    "sale_classes", "sales_terms_of_facility", "sales_years", "sellers", "sold_to_market_terms",
]
