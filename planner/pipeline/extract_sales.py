"""Plan rows of outside buyers: sales per market, facility, year and class, reserved shortfalls,
and the revenue / net cost lines of a PlanResult (planner.model.sales).

revenue_musd = sum_{m,f,y,k} d_y x price(m,y) x sell[m,f,y,k] x 1e-6 (discounted like every cost
line); net_cost_musd = total_cost_musd - revenue_musd. total_cost_musd stays the gross cost (capex +
opex + transport + purchases), so the payers' split (government + industry = total) is unchanged.
"""

from __future__ import annotations

from planner.model.build import MUSD
from planner.model.network import Network
from planner.result import PlanResult, SaleRow, SalesShortfall

EPS = 1e-6


def _r(v: float, nd: int = 6) -> float:
    return round(float(v), nd) + 0.0


def fill_sales(result: PlanResult, values: dict[tuple, float], net: Network) -> None:
    """Sales rows, reserved shortfalls and the revenue and net cost lines from the point's values."""
    markets = {m.id: m for m in net.sales_markets}
    revenue = 0.0
    revenue_by_year: dict[int, float] = {}
    for key, v in sorted(values.items(), key=lambda kv: tuple(map(str, kv[0]))):
        if key[0] == "sell" and v > EPS:
            _, mid, fid, y, k = key
            price = markets[mid].price(y)
            musd = price * v * MUSD
            result.sales.append(SaleRow(mid, fid, y, k, _r(v), _r(price, 2), _r(musd)))
            revenue += net.discount[y] * musd
            revenue_by_year[y] = revenue_by_year.get(y, 0.0) + musd
        elif key[0] == "sshort" and v > EPS:
            _, mid, y = key
            result.sales_shortfall.append(SalesShortfall(mid, y, _r(markets[mid].reserved(y)), _r(v)))
    result.sales.sort(key=lambda r: (r.year, r.market, r.facility, r.klass))
    result.sales_shortfall.sort(key=lambda r: (r.year, r.market))
    for row in result.costs_by_year:
        row.revenue_musd = _r(revenue_by_year.get(row.year, 0.0))
    result.revenue_musd = _r(revenue)
    if result.total_cost_musd is not None:
        result.net_cost_musd = _r(result.total_cost_musd - result.revenue_musd)


__all__ = ["fill_sales"]
