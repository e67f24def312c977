"""The 'Sales' and 'Calibration' sheets of the plan workbook (outside buyers; reported output).

Same layout as the other table sheets (planner.reports.sheets): a note in row 1, the bold frozen
header in row 2, data from row 3; every cell through planner.reports.cells.SheetWriter.
"""

from __future__ import annotations

from openpyxl import Workbook

from planner.reports.cells import Col, SheetWriter
from planner.reports.context import ReportContext
from planner.reports.data import material_label

HEADER_ROW = 2


def add_sales(wb: Workbook, ctx: ReportContext) -> None:
    """'Sales': tonnes sold to each outside buyer per facility and year, price and revenue ($M of that
    year), then reserved volumes not sold."""
    r = ctx.result
    rev = f" Revenue ${r.revenue_musd:,.1f}M and net cost ${r.net_cost_musd:,.1f}M (discounted)." \
        if r.revenue_musd is not None and r.net_cost_musd is not None else ""
    w = SheetWriter(wb.create_sheet("Sales"))
    w.note(1, "Sales to buyers outside the plan (price = netback at the plant, $ of that year). Reserved (contracted) "
              "tonnes never reach US demand." + rev)
    names = {m.id: m.name or m.id for m in ctx.project.sales_markets}
    cols = [Col("Buyer (market)", max_width=45), Col("Market id"), Col("Facility", max_width=40), Col("Facility id"),
            Col("Year", "year"), Col("Class"), Col("Tonnes (t)", "t"), Col("Price ($/t)", "usd_per_t"),
            Col("Revenue ($M)", "musd")]
    rows = [(names.get(s.market, s.market), s.market, ctx.lookup.name(s.facility), s.facility, s.year, s.klass,
             s.tonnes, s.price_usd_per_t, s.revenue_musd) for s in r.sales]
    rows += [(names.get(s.market, s.market), s.market, "reserved volume not sold", "", s.year, "",
              -s.short_t, None, None) for s in r.sales_shortfall]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_calibration(wb: Workbook, ctx: ReportContext) -> None:
    """'Calibration': each facility's reported output against the plan's first year (25 % tolerance)."""
    rows_in = ctx.result.calibration
    n_ok = sum(c.status != "off" for c in rows_in)
    w = SheetWriter(wb.create_sheet("Calibration"))
    w.note(1, f"Reported output against the plan's first year: {n_ok} of {len(rows_in)} within 25 % or explained. "
              "Basis: actual = reported production; run_rate = stated rate or installed capacity (no output "
              "disclosed); derived = our arithmetic on reported figures.")
    cols = [Col("Facility", max_width=40), Col("Facility id"), Col("Material"), Col("Reported year", "year"),
            Col("Basis"), Col("Reported (t)", "t"), Col("Plan year", "year"), Col("Planned (t)", "t"),
            Col("Difference (%)", "share"), Col("Status"), Col("Reason", max_width=60), Col("Source", max_width=50)]
    rows = [(c.name, c.facility, material_label(c.material), c.reported_year, c.basis, c.reported_t, c.plan_year,
             c.planned_t, c.difference, c.status, c.reason, c.source) for c in rows_in]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


__all__ = ["add_calibration", "add_sales"]
