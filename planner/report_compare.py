"""The 'Scenario comparison' sheet: scenarios side by side (one column each).

Three tables: key figures (status, discounted costs $M, unmet t, and per product the clean
share of deliveries and the share of defense demand met with clean supply in the compliance
year); unmet demand per product and year (t); investments that differ between scenarios
(an option built in one scenario and not another, or in a different year or size), then those
that agree. Scenarios without a plan show their status and blanks, never zeros.
"""

from __future__ import annotations

import math
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from models.project import Project

from .report_cells import NOTE_FONT, WARN_FILL, Col, SheetWriter
from .report_data import (
    STATUS_LABELS,
    Lookup,
    compare_investments,
    compliance_share,
    compliant_supply,
    material_label,
    scenario_project,
)
from .result import PlanResult


def _compliance_year(project: Project, name: str, result: PlanResult) -> int:
    return scenario_project(project, result.scenario or name)[0].settings.compliance_start_year


def add_comparison(wb: Workbook, project: Project, results: dict[str, PlanResult], index: int | None = None) -> None:
    """Add 'Scenario comparison' at ``index`` (None: at the end)."""
    ws = wb.create_sheet("Scenario comparison", index)
    w = SheetWriter(ws)
    names = list(results)
    w.title(1, f"Scenario comparison: {project.name}")
    w.note(2, "Costs are discounted $M without the unmet-demand penalty. A blank means the scenario has no plan.")

    products = sorted({d.product for r in results.values() for d in r.demand})
    cy = {n: _compliance_year(project, n, r) for n, r in results.items()}
    planned = {n: r.has_plan for n, r in results.items()}

    def per(fn) -> list[Any]:
        return [fn(results[n]) if planned[n] else None for n in names]

    metric_rows: list[tuple[str, str, list[Any]]] = [
        ("Status", "text", [STATUS_LABELS.get(results[n].status, results[n].status.value) for n in names]),
        ("Total cost ($M)", "musd", per(lambda r: r.total_cost_musd)),
        ("Capex, net of salvage ($M)", "musd", per(lambda r: r.cost_breakdown_musd.get("capex"))),
        ("Opex ($M)", "musd", per(lambda r: r.cost_breakdown_musd.get("opex"))),
        ("Transport ($M)", "musd", per(lambda r: r.cost_breakdown_musd.get("transport"))),
        ("Purchases ($M)", "musd", per(lambda r: r.cost_breakdown_musd.get("purchases"))),
        ("Capex committed, undiscounted ($M)", "musd", per(lambda r: math.fsum(i.capex_musd for i in r.investments))),
        ("Investments (count)", "int", per(lambda r: len(r.investments))),
        ("Unmet demand, all years (t)", "t", per(lambda r: r.unmet_total())),
        ("Compliance start year", "year", [cy[n] for n in names]),
    ]
    for p in products:
        label = material_label(p)
        metric_rows.append((f"{label}: clean share of deliveries in compliance year (%)", "share",
                            [compliance_share(results[n], p, cy[n]) if planned[n] else None for n in names]))
        metric_rows.append((f"{label}: defense demand met compliantly in compliance year (%)", "share",
                            [_defense_met(results[n], p, cy[n]) if planned[n] else None for n in names]))

    row = 4
    w.section(row, "Key figures")
    cols = [Col("Figure", max_width=60)] + [Col(n) for n in names]
    row += 1
    w.header(row, 1, cols)
    for label, fmt, values in metric_rows:
        row += 1
        w.put(row, 1, label, font=Font(bold=True), max_width=60)
        for j, v in enumerate(values):
            if label == "Status":
                w.put(row, 2 + j, v, wrap=True, measure=False,
                      fill=None if planned[names[j]] else WARN_FILL)
            else:
                w.put(row, 2 + j, v, fmt)

    row += 2
    w.section(row, "Unmet demand by product and year (t)")
    years = sorted({d.year for r in results.values() for d in r.demand})
    unmet_rows = []
    for p in products:
        for y in years:
            vals = [math.fsum(d.unmet for d in results[n].demand if d.product == p and d.year == y)
                    if planned[n] else None for n in names]
            unmet_rows.append((material_label(p), y, *vals))
    row = w.table(row + 1, 1, [Col("Product"), Col("Year", "year")] +
                  [Col(f"{n} (t)", "t", highlight_positive=True) for n in names], unmet_rows, filter_and_freeze=False)

    row += 2
    w.section(row, "Investments by scenario (decision year and t/yr added; blank = not built)")
    row += 1
    w.note(row, "Options whose builds differ between scenarios come first and are marked 'yes'.")
    lookup = Lookup(project)
    cols = [Col("Facility"), Col("Option"), Col("Differs")]
    for n in names:
        if planned[n]:
            cols += [Col(f"{n}: decided (year)", "year"), Col(f"{n}: added (t/yr)", "tpy")]
    inv_rows = []
    for c in compare_investments(results):
        cells: list[Any] = [lookup.name(c.facility) or c.facility, lookup.option_name(c.facility, c.option), c.differs]
        for n in names:
            if not planned[n]:
                continue
            builds = c.builds.get(n, ())
            if not builds:
                cells += [None, None]
            else:
                years_text = builds[0][0] if len(builds) == 1 else ", ".join(str(y) for y, _ in builds)
                cells += [years_text, math.fsum(t for _, t in builds)]
        inv_rows.append(tuple(cells))
    top = row + 1
    row = w.table(top, 1, cols, inv_rows, filter_and_freeze=False)
    for k, item in enumerate(inv_rows):  # mark differing rows
        if item[2]:
            w.put(top + 1 + k, 3, True, fill=WARN_FILL)
    if not all(planned.values()):
        row += 2
        missing = ", ".join(n for n in names if not planned[n])
        w.put(row, 1, f"Without a plan (left out of the investment comparison): {missing}", font=NOTE_FONT,
              measure=False)
    w.set_width(1, 58)
    w.finish()


def _defense_met(result: PlanResult, product: str, year: int) -> float | None:
    for c in compliant_supply(result, year):
        if c.product == product and c.year == year:
            return c.defense_met_share
    return None
