"""Finite stocks: stockpiles and tailings that deplete (one constraint family, its variables).

A mine with ``stock_initial_t`` set is a finite stock S0 (t TREO, the mine's activity unit). Its
draw in year y is its activity, draw[f,y] = sum_{p of f, k} act[p,y,k], and

    rem[f,y] = rem[f,y-1] - draw[f,y]          (rem[f,start-1] = S0)
    rem[f,y] >= 0,  draw[f,y] <= stock_max_draw_tpy  (when set; the capacity row also applies)

so sum_y draw[f,y] <= S0 over the horizon. Holding cost: d_y x stock_holding_usd_per_t_yr x 1e-6
x rem[f,y] ($M; year-end tonnes). Variables ``("rem", f, y)`` in t; rows ``stock_depletion`` and
``stock_draw``. This is the natural stock of a deposit; a government buy/hold/release stockpile
and the year-end product stocks of ``settings.stock_holding_usd_per_t_yr`` are separate features.
"""

from __future__ import annotations

from planner.model.lp import LinearProgram
from planner.model.network import Network

MUSD = 1e-6


def finite_stock_facilities(net: Network) -> list[str]:
    """Ids of facilities modelled as finite stocks (in project order)."""
    return [fid for fid, f in net.facilities.items() if f.stock_initial_t is not None and fid in net.processes_of]


def define_finite_stock_variables(lp: LinearProgram, net: Network) -> None:
    """rem[f,y] >= 0 (t remaining at year-end), cost d_y x holding x 1e-6."""
    for fid in finite_stock_facilities(net):
        f = net.facilities[fid]
        for y in net.years:
            lp.add_var(("rem", fid, y), cost=net.discount[y] * f.stock_holding_usd_per_t_yr * MUSD)


def define_finite_stock_constraints(lp: LinearProgram, net: Network) -> None:
    """rem[f,y] - rem[f,y-1] + sum_{p,k} act[p,y,k] = 0 (first year: = S0), and
    sum_{p,k} act[p,y,k] <= stock_max_draw_tpy when a maximum draw is set."""
    for fid in finite_stock_facilities(net):
        f = net.facilities[fid]
        for i, y in enumerate(net.years):
            draw = {lp.var(("act", p.id, y, k)): 1.0 for p in net.processes_of[fid] for k in net.activity_classes(p)}
            terms = dict(draw)
            terms[lp.var(("rem", fid, y))] = 1.0
            if i == 0:
                lp.add_row("stock_depletion", (fid, y), terms, lo=f.stock_initial_t, hi=f.stock_initial_t)
            else:
                terms[lp.var(("rem", fid, net.years[i - 1]))] = -1.0
                lp.add_row("stock_depletion", (fid, y), terms, lo=0.0, hi=0.0)
            if f.stock_max_draw_tpy is not None:
                lp.add_row("stock_draw", (fid, y), draw, hi=f.stock_max_draw_tpy)


__all__ = ["define_finite_stock_constraints", "define_finite_stock_variables", "finite_stock_facilities"]
