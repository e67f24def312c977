"""The 'Scenario comparison' sheet: scenarios side by side (one column each).

Three tables: key figures (status, discounted costs $M, unmet t, and per product the clean
share of deliveries and the share of defense demand met with clean supply in the base project's
compliance year); unmet demand per product and year (t); investments that differ between
scenarios (an option built in one scenario and not another, or in a different first year or size,
as decided by :func:`planner.analysis.scenarios.compare`, so the sheet agrees with
``mine2magnet scenarios``), then those that agree. Scenarios without a plan show their status and blanks, never zeros.
"""

from __future__ import annotations

import math
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from models.project import Project
from planner.analysis.comparison import compare
from planner.reports.cells import NOTE_FONT, UNMET_HIGHLIGHT_T, WARN_FILL, Col, SheetWriter
from planner.reports.data import (
    STATUS_LABELS,
    Lookup,
    compliance_share,
    compliant_supply,
    material_label,
)
from planner.reports.figures import capex_committed_musd, unmet_by_product_year
from planner.result import PlanResult


def _scenario_name(project: Project, sid: str) -> str:
    if sid == "base":
        return "Base project"
    try:
        s = project.scenario(sid)
    except KeyError:
        return sid
    return s.name or s.id


def add_comparison(wb: Workbook, project: Project, results: dict[str, PlanResult], index: int | None = None) -> None:
    """Add 'Scenario comparison' at ``index`` (None: at the end).

    Column A holds the row labels and columns B onward one scenario each, in every table, so a
    scenario's figures read down one column.
    """
    ws = wb.create_sheet("Scenario comparison", index)
    w = SheetWriter(ws)
    names = list(results)
    n_cols = len(names)
    w.title(1, f"Scenario comparison: {project.name}")
    from planner.analysis.shortfall_value import voll_source

    w.note(2, "Costs are discounted $M without the unmet-demand penalty; lost supply is valued at the value of lost "
              f"supply ({voll_source(project)}). A blank means the scenario has no plan.")

    products = sorted({d.product for r in results.values() for d in r.demand})
    year = project.settings.compliance_start_year  # one year for all, as `mine2magnet scenarios` prints
    planned = {n: r.has_plan for n, r in results.items()}
    cmp = compare(results, year=year, project=project)
    ranked = {sid: i + 1 for i, sid in enumerate(cmp.ranking)}

    def per(fn) -> list[Any]:
        return [fn(results[n]) if planned[n] else None for n in names]

    metric_rows: list[tuple[str, str, list[Any]]] = [
        ("Scenario name", "text", [_scenario_name(project, n) for n in names]),
        ("Status", "text", [STATUS_LABELS.get(results[n].status, results[n].status.value) for n in names]),
        ("Rank (defense, then commercial, then contract shortfall, then net cost)", "int",
         [ranked[n] if planned[n] else None for n in names]),
        ("Total cost ($M)", "musd", per(lambda r: r.total_cost_musd)),
        ("Revenue from outside buyers ($M)", "musd", per(lambda r: r.revenue_musd)),
        ("Net cost ($M)", "musd", [cmp.summary(n).net_cost_musd for n in names]),
        ("Lost supply at the value of lost supply ($M)", "musd", [cmp.summary(n).shortfall_value_musd for n in names]),
        ("Cost including lost supply ($M)", "musd", [cmp.summary(n).cost_incl_shortfall_musd for n in names]),
        ("Contracted volume short: offtakes, reserved sales (t)", "t",
         [cmp.summary(n).contract_shortfall_t if planned[n] else None for n in names]),
        ("Capex, net of salvage ($M)", "musd", per(lambda r: r.cost_breakdown_musd.get("capex"))),
        ("Opex ($M)", "musd", per(lambda r: r.cost_breakdown_musd.get("opex"))),
        ("Transport ($M)", "musd", per(lambda r: r.cost_breakdown_musd.get("transport"))),
        ("Purchases ($M)", "musd", per(lambda r: r.cost_breakdown_musd.get("purchases"))),
        ("Capex committed, undiscounted ($M)", "musd", per(capex_committed_musd)),
        ("Investments (count)", "int", per(lambda r: len(r.investments))),
        ("Unmet demand, all years (t)", "t", per(lambda r: r.unmet_total())),
        ("  of which defense (t)", "t", per(lambda r: r.unmet_by_segment()["defense"])),
        ("  of which commercial (t)", "t", per(lambda r: r.unmet_by_segment()["commercial"])),
    ]
    for p in products:
        label = material_label(p)
        metric_rows.append((f"{label}: clean share of deliveries {year} (%)", "share",
                            [compliance_share(results[n], p, year) if planned[n] else None for n in names]))
        metric_rows.append((f"{label}: defense demand met compliantly {year} (%)", "share",
                            [_defense_met(results[n], p, year) if planned[n] else None for n in names]))

    row = 4
    w.section(row, "Key figures")
    row += 1
    w.header(row, 1, [Col("Figure")] + [Col(n) for n in names])
    for label, fmt, values in metric_rows:
        row += 1
        w.put(row, 1, label, font=Font(bold=True), wrap=label == "Status")
        for j, v in enumerate(values):
            if fmt == "text":
                w.put(row, 2 + j, v, wrap=True, measure=False,
                      fill=WARN_FILL if label == "Status" and not planned[names[j]] else None)
            else:
                w.put(row, 2 + j, v, fmt)
        if label == "Status" and max(len(str(v)) for v in values) > 24:
            w.row_height(row, 2)

    row += 2
    w.section(row, "Unmet demand by product and year (t), where any scenario falls short")
    years = sorted({d.year for r in results.values() for d in r.demand})
    unmet_rows = []
    unmet = {n: unmet_by_product_year(results[n]) for n in names}
    for p in products:
        for y in years:
            vals = [unmet[n].get((p, y), 0.0) if planned[n] else None for n in names]
            if any(v is not None and v > UNMET_HIGHLIGHT_T for v in vals):
                unmet_rows.append((f"{material_label(p)} {y}", *vals))
    row = w.table(row + 1, 1,
                  [Col("Product and year")] + [Col(f"{n} (t)", "t", highlight_positive=True) for n in names],
                  unmet_rows, filter_and_freeze=False)

    row += 2
    w.section(row, "Investments by scenario (t/yr added and first decision year)")
    row += 1
    w.note(row, "Options built differently (only in some scenarios, in another first year, or with a size differing "
                "by more than 0.5 t/yr and 1 %) come first; then options built alike everywhere.")
    lookup = Lookup(project)
    cmp = compare(results, year=year)
    builds = {n: _builds(results[n]) for n in names if planned[n]}
    keyed = [((d.facility, d.option), d.reason) for d in cmp.investment_diffs]
    keyed += [(key, "") for key in cmp.common_investments]
    inv_rows = []
    for (fac, opt), reason in keyed:
        cells: list[Any] = [f"{lookup.name(fac) or fac}: {lookup.option_name(fac, opt)}"]
        for n in names:
            if not planned[n]:
                cells.append("(no plan)")
                continue
            build = builds[n].get((fac, opt))
            cells.append("not built" if build is None else _build_text(*build))
        inv_rows.append((*cells, bool(reason), reason))
    top = row + 1
    cols = [Col("Facility: option", max_width=60)] + [Col(n, max_width=34) for n in names] + \
        [Col("Differs"), Col("Why", max_width=30)]
    row = w.table(top, 1, cols, inv_rows, filter_and_freeze=False)
    for k, item in enumerate(inv_rows):  # mark differing rows
        if item[-2]:
            w.put(top + 1 + k, 2 + n_cols, True, fill=WARN_FILL)
    if not all(planned.values()):
        row += 2
        missing = ", ".join(n for n in names if not planned[n])
        w.put(row, 1, f"Without a plan (left out of the investment comparison): {missing}", font=NOTE_FONT,
              measure=False)
    w.set_width(1, 58)
    for j in range(n_cols):
        w.min_width(2 + j, 20)
    w.finish()


def _build_text(first_year: int, online_year: int, added_tpy: float, steps: int) -> str:
    """'3,258.5 t/yr, decided 2026' (+ ', 2 steps' when built in several decision years)."""
    text = f"{added_tpy:,.1f} t/yr, decided {first_year}"
    return text + (f", {steps} steps" if steps > 1 else "")


def _builds(result: PlanResult) -> dict[tuple[str, str], tuple[int, int, float, int]]:
    """Per option: (first decision year, first online year, total t/yr added, number of builds)."""
    first: dict[tuple[str, str], tuple[int, int]] = {}
    added: dict[tuple[str, str], list[float]] = {}
    for i in result.investments:
        key = (i.facility, i.option)
        first[key] = min(first.get(key, (i.decided_year, i.online_year)), (i.decided_year, i.online_year))
        added.setdefault(key, []).append(i.added_tpy)
    return {k: (*first[k], math.fsum(v), len(v)) for k, v in added.items()}


def _defense_met(result: PlanResult, product: str, year: int) -> float | None:
    for c in compliant_supply(result, year):
        if c.product == product and c.year == year:
            return c.defense_met_share
    return None
