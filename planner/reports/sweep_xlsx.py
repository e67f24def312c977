"""The sensitivity sweep workbook: a Tornado sheet (table + horizontal bar chart of the change in
cost at each input's low and high value) and a Points sheet with every solved point.

Cells go through :class:`planner.reports.cells.SheetWriter` (literal text, never a formula)."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from planner.reports.cells import NOTE_FONT, Col, SheetWriter
from planner.reports.charts import CHART_WIDTH_CM, _title
from planner.reports.tables import sweep_tables
from planner.reports.xlsx import ReportWriteError, _save

__all__ = ["ReportWriteError", "build_sweep_workbook", "write_sweep_workbook"]

_UNIT_FMT = {"$M": "musd", "$M per unit": "musd", "share 0-1": "share", "t": "t", "s": "seconds"}


def _col(c) -> Col:
    title = f"{c.name} ({c.unit})" if c.unit and c.unit not in c.name else c.name
    fmt = "text" if c.kind == "string" else ("int" if c.kind == "integer" else _UNIT_FMT.get(c.unit, "general"))
    return Col(title, fmt, min_width=8)


def _cell(v: Any) -> Any:
    """A DataFrame value as a cell: missing (None, <NA>, NaN) -> empty."""
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v


def _rows(df: pd.DataFrame) -> list[tuple]:
    return [tuple(_cell(v) for v in rec) for rec in df.astype(object).itertuples(index=False)]


def tornado_chart(ws, header_row: int, first_row: int, last_row: int, category_col: int, low_col: int,
                  high_col: int, anchor: str, title: str) -> BarChart:
    """A horizontal bar chart: one bar per input for its low and one for its high value."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = _title(title)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.title = "change in total cost, $M (discounted)"
    chart.y_axis.number_format = "#,##0.0"
    chart.x_axis.scaling.orientation = "maxMin"  # largest swing at the top
    chart.legend.position = "b"
    chart.width = CHART_WIDTH_CM
    chart.height = max(6.0, 1.2 * (last_row - first_row + 1) + 3.0)
    for col, colour in ((low_col, "1565C0"), (high_col, "C62828")):
        chart.add_data(Reference(ws, min_col=col, min_row=header_row, max_row=last_row), titles_from_data=True)
        s = chart.series[-1]
        s.graphicalProperties.solidFill = colour
        s.graphicalProperties.line.solidFill = colour
    chart.set_categories(Reference(ws, min_col=category_col, min_row=first_row, max_row=last_row))
    ws.add_chart(chart, anchor)
    return chart


def build_sweep_workbook(report: Any) -> Workbook:
    """``report``: a planner.analysis.sweep.SweepReport."""
    tables, specs = sweep_tables(report)
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("Tornado")
    w = SheetWriter(ws)
    w.title(1, f"Sensitivity sweep: {report.project} (scenario {report.scenario})")
    base = report.base
    if base is not None and base.ok:
        cov = "n/a" if base.defense_coverage is None else f"{base.defense_coverage:.1%}"
        w.note(2, f"Base point: total cost {base.total_cost_musd:,.2f} $M (discounted), government "
                  f"{base.government_cost_musd:,.2f} $M, {report.target_year} defense coverage {cov}. "
                  "Changes below are from the base, at each input's lowest and highest value with a plan.")
    else:
        w.note(2, "No base point with a plan: no tornado." if not report.grid else
               "A grid sweep: every point is on the Points sheet (a tornado needs one input at a time).")
    spec = specs["sweep_tornado"]
    df = tables["sweep_tornado"]
    cols = [_col(c) for c in spec.columns]
    top = 4
    rows = _rows(df)
    last = w.table(top, 1, cols, rows)
    if rows:
        names = spec.names
        tornado_chart(ws, top, top + 1, top + len(rows), 1, names.index("cost_delta_low_musd") + 1,
                      names.index("cost_delta_high_musd") + 1, f"A{last + 3}",
                      f"Change in total cost from the base ({report.target_year} coverage in the table)")
    w.finish()
    ps = wb.create_sheet("Points")
    pw = SheetWriter(ps)
    pspec = specs["sweep_points"]
    prow = _rows(tables["sweep_points"])
    pw.table(1, 1, [_col(c) for c in pspec.columns], prow)
    if not prow:
        pw.put(3, 1, "(no points)", font=NOTE_FONT)
    pw.finish()
    wb.active = 0
    wb.properties.title = f"mine2magnet sweep: {report.project}"[:250]
    wb.properties.creator = "mine2magnet"
    return wb


def write_sweep_workbook(path: str | os.PathLike[str], report: Any) -> None:
    """Write atomically; ReportWriteError says why the file could not be written."""
    _save(build_sweep_workbook(report), path)
