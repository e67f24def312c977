"""The stress-test workbook (``mine2magnet stress --xlsx``): single points of failure, ranked.

Sheets: "Stress" (the question, the baseline, one row per element: kind, facilities, markets, total
defense shortfall beyond the baseline in the stressed years, single point of failure yes/no, the
catalogue's probability of the outage in those years), "Shortfall by year" (element x product x
year, t). Written atomically like the plan workbook.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from planner.reports.cells import safe_text
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
    return wb


def write_stress_workbook(rep: Any, path) -> None:
    """Build and save atomically; ReportWriteError with a plain message when it cannot be written."""
    _save(build_stress_workbook(rep), path)
