"""The robust-plan workbook (``mine2magnet robust --xlsx``): what a manager needs to decide on the hedge.

Sheets: "Robust vs deterministic" (the question, both plans ranked by defense shortfall, then
commercial, then contract shortfall, then net cost, with the shortfalls beside the cost; P(defense
met) per product and year out of sample side by side, the mean shortfalls and cost P10/P50/P90 and
mean, how the futures were drawn), "Hedge" (per option:
what the robust plan adds or brings forward and its capex), "Plans" (every decision of both plans).
Both evaluations commit every decision of the plan and re-solve operations per future (plan
evaluation, not perfect foresight). Written atomically like the plan workbook.
"""

from __future__ import annotations

import os
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from planner.analysis.plan_ranking import RANK_RULE, robust_ranking
from planner.reports.cells import safe_text
from planner.reports.xlsx import ReportWriteError, _save

__all__ = ["ReportWriteError", "build_robust_workbook", "write_robust_workbook"]


def _text(v):
    """Strings that a spreadsheet would read as a formula stay literal text (cells.safe_text)."""
    return safe_text(v) if isinstance(v, str) else v


def _rows(ws, rows, bold_first=False):
    for i, row in enumerate(rows):
        ws.append([_text(v) for v in row])
        if bold_first and i == 0:
            for c in ws[ws.max_row]:
                c.font = Font(bold=True)


def build_robust_workbook(rep: Any) -> Workbook:
    """``rep``: a planner.analysis.robust.RobustReport (not imported: the workbook never reaches a solver)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Robust vs deterministic"
    ws.append([f"Robust plan against delay risk: {rep.project}, scenario {rep.scenario}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"Robust plan: two-stage stochastic program (SAA) over {rep.k} sampled futures (seed {rep.seed}); "
               "investments shared, operations per future, defense shortfall first."])
    ws.append([f"Both plans evaluated on the same {rep.n_eval} fresh futures (seed {rep.eval_seed}): every decision "
               "committed (a delayed facility's decisions arrive as late as it does), operations re-solved. "
               "Not perfect foresight."])
    if rep.target is not None:
        ws.append([f"Target: P(all defense demand met in {rep.target_year}) >= {rep.target:.0%} on the "
                   "planning futures."])
    ws.append([f"Status: {rep.status}. {rep.message}"])
    ws.append([])
    ranked = robust_ranking(rep)
    if ranked:  # best first: a cheaper plan never above one that leaves less demand short
        ws.append([f"Plans ranked by {RANK_RULE} (means over the evaluation futures)"])
        _rows(ws, [["Rank", "Plan", "Defense shortfall t", "Commercial shortfall t", "Contract shortfall t",
                    "Net cost $M discounted", "Futures without a plan"]], bold_first=True)
        for st in ranked:
            ws.append([st.rank, st.plan, st.mean_defense_shortfall_t, st.mean_commercial_shortfall_t,
                       st.mean_contract_shortfall_t, st.mean_net_cost_musd, st.failed_samples])
            for c in ws[ws.max_row][2:6]:
                c.number_format = "#,##0.0"
        ws.append([])
    d, r = rep.deterministic_eval, rep.robust_eval
    _rows(ws, [["Measure", "Deterministic plan", "Robust plan", "Difference"]], bold_first=True)
    if d is not None and r is not None:
        for p in sorted(set(d.p_met) | set(r.p_met)):
            for y in sorted(set(d.p_met.get(p, {})) & set(r.p_met.get(p, {}))):
                a, b = d.p_met[p][y], r.p_met[p][y]
                ws.append([f"P(defense {p} met) {y}", a, b, b - a])
                for c in ws[ws.max_row][1:4]:
                    c.number_format = "0.0%"
        for p in sorted(set(d.mean_shortfall_t) | set(r.mean_shortfall_t)):
            for y in sorted(set(d.mean_shortfall_t.get(p, {})) & set(r.mean_shortfall_t.get(p, {}))):
                a, b = d.mean_shortfall_t[p][y], r.mean_shortfall_t[p][y]
                ws.append([f"Expected defense {p} shortfall {y}, t", a, b, b - a])
                for c in ws[ws.max_row][1:4]:
                    c.number_format = "#,##0.0"
        for seg in ("defense", "commercial"):  # beside the cost rows
            a, b = d.mean_unmet_by_segment_t.get(seg, 0.0), r.mean_unmet_by_segment_t.get(seg, 0.0)
            ws.append([f"{seg.capitalize()} shortfall t, mean over the horizon", a, b, b - a])
            for c in ws[ws.max_row][1:4]:
                c.number_format = "#,##0.0"
        if d.cost_musd and r.cost_musd:
            for k in ("p10", "p50", "p90", "mean"):
                ws.append([f"Cost $M discounted, {k.upper() if k != 'mean' else 'mean'}", d.cost_musd[k],
                           r.cost_musd[k], r.cost_musd[k] - d.cost_musd[k]])
                for c in ws[ws.max_row][1:4]:
                    c.number_format = "#,##0.0"
        ws.append(["Failed samples", d.n_failed, r.n_failed, None])
    ws.append(["Capex of the hedge, $M undiscounted at planned prices", None, rep.hedge_capex_musd, None])
    ws.column_dimensions["A"].width = 52
    for col in "BCD":
        ws.column_dimensions[col].width = 20

    hs = wb.create_sheet("Hedge")
    _rows(hs, [["Facility", "Option", "Change", "Deterministic (year: t/yr)", "Robust (year: t/yr)", "Capex delta $M",
                "Paid by"]], bold_first=True)
    for h in rep.hedge:
        fmt = lambda rows: "; ".join(f"{y}: {t:,.0f}" for y, t in rows)  # noqa: E731
        hs.append([_text(h.facility), _text(h.option), h.kind, fmt(h.deterministic), fmt(h.robust), h.capex_delta_musd,
                   h.payer])
    for col, w in zip("ABCDEFG", (24, 28, 16, 30, 30, 16, 40)):
        hs.column_dimensions[col].width = w
    if getattr(rep, "stock_hedge", None):
        ss = wb.create_sheet("Stock hedge")
        _rows(ss, [["Stockpile", "Material", "Held at end of", "Deterministic t", "Robust t", "Extra t",
                    "Purchase $M (undiscounted)", "Holding $M per year", "Paid by"]], bold_first=True)
        for sh in rep.stock_hedge:
            ss.append([_text(sh.stockpile), sh.material, sh.year, sh.deterministic_t, sh.robust_t, sh.extra_t,
                       sh.purchase_musd, sh.holding_musd_per_yr, sh.payer])
        for col, w in zip("ABCDEFGHI", (20, 16, 14, 16, 12, 12, 24, 20, 14)):
            ss.column_dimensions[col].width = w

    ps = wb.create_sheet("Plans")
    _rows(ps, [["Plan", "Option", "Decided year", "Added t/yr"]], bold_first=True)
    for label, plan in (("deterministic", rep.deterministic_plan), ("robust", rep.robust_plan)):
        for o, y, t in plan:
            ps.append([label, _text(o), y, t])
    for sheet in wb.worksheets:  # text is literal: never a formula ("=...") or an error code
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    return wb


def write_robust_workbook(rep: Any, path: str | os.PathLike[str]) -> None:
    """Write the workbook atomically; ReportWriteError says why it could not be written."""
    _save(build_robust_workbook(rep), path)
