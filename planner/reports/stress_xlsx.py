"""The stress-test workbook (``mine2magnet stress --xlsx``): single points of failure, ranked.

Sheets: "Stress" (the question, the baseline, one row per element: kind, facilities, markets, total
defense shortfall beyond the baseline in the stressed years, single point of failure yes/no, the
catalogue's probability of the outage in those years), "Shortfall by year" (element x product x
year, t), "Risk matrix" (likelihood versus impact: one row per element with a catalogue probability,
SPOFs first, and an Excel scatter chart of them; then the elements with no probability in the
catalogue, planner.reports.stress_marks). Written atomically like the plan workbook.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.styles import Font

from planner.reports.cells import safe_text
from planner.reports.stress_marks import risk_matrix
from planner.reports.xlsx import ReportWriteError, _save

__all__ = ["ReportWriteError", "build_stress_workbook", "write_stress_workbook"]


def _text(v):
    return safe_text(v) if isinstance(v, str) else v


def build_stress_workbook(rep: Any) -> Workbook:
    """``rep``: a planner.analysis.stress.StressReport (not imported: the workbook never reaches a solver)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Stress"
    yrs = f"{rep.years[0]}-{rep.years[-1]}" if len(rep.years) > 1 else str(rep.years[0])
    ws.append([_text(f"N-1 stress test: {rep.project}, scenario {rep.scenario}, each element out in {yrs}")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["The plan's investments fixed; operations re-planned defense first from the first stressed year "
               "(the plan's own operations before it). Single point of failure: any defense shortfall beyond the "
               "baseline (nothing out)."])
    ws.append([])
    head = ["Element", "Kind", "Facilities", "Markets", f"Defense shortfall beyond baseline {yrs} (t)",
            "Single point of failure", f"P(outage in {yrs}) (catalogue)", "Status", "Reason"]
    ws.append(head)
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for e in rep.elements:
        ws.append([_text(e.id), e.kind, _text(", ".join(e.facilities)), _text(", ".join(e.markets)),
                   round(e.total_extra_t, 3), "yes" if e.single_point_of_failure else "no",
                   e.probability if e.probability is not None else "", e.status, _text(e.message)])
    ws2 = wb.create_sheet("Shortfall by year")
    ws2.append(["Element", "Product", "Year", "Defense shortfall (t)", "Baseline shortfall (t)", "Beyond baseline (t)"])
    for c in ws2[1]:
        c.font = Font(bold=True)
    for e in rep.elements:
        for p, by in sorted(e.shortfall_t.items()):
            for y, v in sorted(by.items()):
                base = rep.baseline_shortfall_t.get(p, {}).get(y, 0.0)
                ws2.append([_text(e.id), p, y, round(v, 3), round(base, 3), round(e.extra_t.get(p, {}).get(y, 0.0), 3)])
    _matrix_sheet(wb, rep)
    return wb


def _matrix_sheet(wb: Workbook, rep: Any) -> None:
    """Rows of ``risk_matrix(rep)`` and a scatter chart (x = P, y = t): one series for the single points
    of failure and one for the others, so each reads its own contiguous block of rows."""
    m = risk_matrix(rep)
    ws = wb.create_sheet("Risk matrix")
    ws.append([_text(f"Likelihood versus impact: each element out in {m.span}")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"x: P(the element's outage starts in {m.span}) from the risk catalogue, 1 - (1 - p)^{len(m.years)}; "
               f"y: defense shortfall beyond the baseline, summed over {m.span} and the defense products (t)."])
    ws.append([])
    head = ["Element", "Name", "Kind", f"P(outage in {m.span})", "Defense shortfall beyond baseline (t)",
            "Share of defense demand", "Single point of failure", "By product and year"]
    ws.append(head)
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    first = ws.max_row + 1
    rated = sorted(m.points, key=lambda p: not p.single_point_of_failure)  # stable: the report's ranking within
    for p in rated:
        ws.append([_text(p.id), _text(p.name), p.kind, p.probability, round(p.shortfall_t, 3), round(p.share, 6),
                   "yes" if p.single_point_of_failure else "no", _text(p.detail)])
        ws.cell(ws.max_row, 4).number_format = "0.0%"
        ws.cell(ws.max_row, 6).number_format = "0.0%"
    n_spof = sum(1 for p in rated if p.single_point_of_failure)
    ws.append([])
    ws.append(["No probability in catalogue" + (f" ({len(m.unrated)})" if m.unrated else ": none")])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for p in m.unrated:
        ws.append([_text(p.id), _text(p.name), p.kind, "no probability in catalogue", round(p.shortfall_t, 3),
                   round(p.share, 6), "yes" if p.single_point_of_failure else "no", _text(p.detail)])
    if not rated:
        return
    chart = ScatterChart()
    chart.title = f"Likelihood versus impact, {m.span}"
    chart.style = 13
    chart.x_axis.title = f"P(outage in {m.span})"
    chart.y_axis.title = "Defense shortfall (t)"
    chart.x_axis.number_format = "0%"
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.legend.position = "b"
    blocks = [("Single points of failure", first, first + n_spof - 1, "C62828"),
              ("Other elements", first + n_spof, first + len(rated) - 1, "9E9E9E")]
    for title, lo, hi, colour in blocks:
        if hi < lo:
            continue
        xs = Reference(ws, min_col=4, min_row=lo, max_row=hi)
        ys = Reference(ws, min_col=5, min_row=lo, max_row=hi)
        series = Series(ys, xs, title=title)
        series.marker.symbol = "circle"
        series.marker.size = 8
        series.marker.graphicalProperties.solidFill = colour
        series.marker.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.noFill = True  # points, no line between them
        chart.series.append(series)
    chart.width, chart.height = 17.0, 9.0
    ws.add_chart(chart, f"J{first - 1}")


def write_stress_workbook(rep: Any, path) -> None:
    """Build and save atomically; ReportWriteError with a plain message when it cannot be written."""
    _save(build_stress_workbook(rep), path)
