"""Summary lines for outside buyers and calibration (used by format_summary, ``mine2magnet solve``)."""

from __future__ import annotations

from planner.reports.figures import calibration_not_off, sales_by_market_facility
from planner.result import PlanResult


def cost_lines(result: PlanResult) -> list[str]:
    """Gross cost, revenue from outside buyers and net cost, each on its own line ($M, discounted)."""
    if result.revenue_musd is None or result.net_cost_musd is None:
        return []
    return [f"Revenue from outside buyers (discounted): {_musd(result.revenue_musd)}",
            f"Net cost (total cost - revenue): {_musd(result.net_cost_musd)}"]


def _musd(v: float) -> str:
    """$M with the sign before the dollar: -$9.0M."""
    return f"-${-v:,.1f}M" if v < 0 else f"${v:,.1f}M"


def sales_lines(result: PlanResult, table) -> list[str]:
    """Sales per market and facility (t and $M summed over the years) and reserved shortfalls."""
    if not result.sales and not result.sales_shortfall:
        return []
    rows = [[g.market, g.facility, f"{g.first_year}-{g.last_year}" if g.last_year > g.first_year
             else str(g.first_year), f"{g.tonnes:,.1f}", f"{g.revenue_musd:,.1f}"]
            for g in sales_by_market_facility(result)]
    out = ["Sales to outside buyers (sums over years; $M of each year, undiscounted):",
           table(["market", "facility", "years", "tonnes", "revenue $M"], rows)]
    for s in result.sales_shortfall:
        out.append(f"  reserved volume short: {s.market} {s.year}: {s.short_t:,.1f} t of {s.reserved_t:,.1f} t")
    return out


def calibration_lines(result: PlanResult, table) -> list[str]:
    """The calibration table: reported output against the plan's first year (25 % tolerance)."""
    if not result.calibration:
        return []
    rows = [[c.facility, c.material, f"{c.reported_year} {c.basis}", f"{c.reported_t:,.0f}", f"{c.plan_year}",
             f"{c.planned_t:,.0f}", "-" if c.difference is None else f"{100 * c.difference:+.1f} %", c.status]
            for c in result.calibration]
    n_ok = calibration_not_off(result)
    out = [f"Calibration to reported output ({n_ok} of {len(result.calibration)} within 25 % or explained):",
           table(["facility", "material", "reported", "t", "plan", "t", "difference", "status"], rows)]
    for c in result.calibration:
        if c.status != "within" and c.reason:
            out.append(f"  {c.facility}: {c.reason}")
    return out


__all__ = ["calibration_lines", "cost_lines", "sales_lines"]
