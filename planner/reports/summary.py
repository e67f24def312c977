"""The 'Summary' sheet: what a manager reads first.

Sections, top to bottom: solve (project, scenario, status and its plain-language message, date);
cost of the plan ($M discounted, by category); compliant supply per product and year from the
compliance year (defense demand, clean tonnes delivered to it, share met); unmet demand; largest
investments; what limits supply; key assumptions; post-solve checks; a guide to the other sheets.
Without a plan, the cost, supply and investment sections are replaced by a clear notice.
"""

from __future__ import annotations

from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from models.scenarios import government_budget_note
from models.vocab import stage_label
from planner.reports.cells import GOOD_FILL, NOTE_FONT, WARN_FILL, WARN_FONT, Col, SheetWriter
from planner.reports.context import ReportContext
from planner.reports.data import (
    STATUS_LABELS,
    compliant_supply,
    material_label,
    top_investments,
    unmet_by_product,
)
from planner.reports.figures import capex_committed_musd

#: Columns a wrapped key/value text spans (B..H).
SPAN = 7
TOP_INVESTMENTS = 5


def _scenario_text(ctx: ReportContext) -> str:
    name = ctx.result.scenario or "base"
    if name == "base":
        if ctx.unsaved_edits:
            return "base (the project with unsaved edits, not as saved in its file; no scenario overrides)"
        return "base (the project as saved, no scenario overrides)"
    try:
        s = ctx.project.scenario(name)
    except KeyError:
        return name
    text = s.id if not s.name or s.name == s.id else f"{s.id}: {s.name}"
    return f"{text}. {s.description}" if s.description else text


def _solver_text(r) -> str:
    text = f"{r.solver or 'unknown'}; {r.solve_seconds:.1f} s"
    if r.n_variables or r.n_constraints:
        text += f"; {r.n_variables:,} variables, {r.n_constraints:,} constraints"
    return text


def assumptions(ctx: ReportContext) -> list[tuple[str, Any, str]]:
    """(label, value, format) of the key assumptions, from the scenario's settings."""
    s = ctx.settings
    out: list[tuple[str, Any, str]] = [
        ("Compliance start year (defense demand must be clean)", s.compliance_start_year, "year"),
        ("Covered countries", ", ".join(s.covered_countries) or "none", "text"),
        ("De-minimis covered share of a clean activity's inputs (%)", s.de_minimis_share, "share"),
        ("Discount rate (%/yr)", s.discount_rate, "share"),
        ("Base year for discounting", s.base_year, "year"),
        ("Planning horizon", f"{s.start_year}-{s.end_year}", "text"),
        ("Capex budget per decision year ($M)",
         s.budget_musd_per_year if s.budget_musd_per_year is not None else "none", "musd"),
        ("Capex budget over the horizon ($M)",
         s.budget_total_musd if s.budget_total_musd is not None else "none", "musd"),
        ("Government budget (levers; undiscounted)", government_budget_note(ctx.project, ctx.result.scenario or "base"),
         "text"),
        ("Penalty per unmet tonne ($/t)", s.unmet_penalty_usd_per_t, "usd_per_t"),
        ("Asset life for salvage credit (years)", s.asset_life_years, "int"),
        ("Default transport rate ($ per t-km)", s.transport_usd_per_t_km, "factor"),
        ("Solver time limit (s); MIP gap", f"{s.time_limit_s:g} s; {s.mip_gap:g}", "text"),
    ]
    if ctx.scenario_note:
        out.append(("Note", ctx.scenario_note, "text"))
    return out


def add_summary(wb: Workbook, ctx: ReportContext, guide: Sequence[tuple[str, str]]) -> None:
    """Fill the 'Summary' sheet (created first by the caller's workbook)."""
    r = ctx.result
    ws = wb.create_sheet("Summary", 0)
    w = SheetWriter(ws, header_cap=14)
    w.title(1, f"Rare-earth mine-to-magnet plan: {ctx.project.name}")
    w.note(2, "Tonnes are metric (t). $M = millions of US dollars. Clean = no mining, refining, separation, "
              "melting or magnet making in a covered country and no Chinese process technology.")
    s = ctx.settings
    row = w.key_values(4, [
        ("Project", ctx.project.name, "text"),
        ("Scenario", _scenario_text(ctx), "text"),
        ("Solver status", STATUS_LABELS.get(r.status, r.status.value), "text",
         {"fill": GOOD_FILL, "font": Font(bold=True)} if r.has_plan else {"fill": WARN_FILL, "font": WARN_FONT}),
        ("What it means", r.message or "(no message)", "text"),
        ("Solved at", ctx.solved_at, "text"),
        ("Solver; solve time (s); model size", _solver_text(r), "text"),
    ], span=SPAN)

    if not r.has_plan:
        row += 2
        w.put(row, 1, "No plan: this solve did not produce a plan, so the plan sheets are omitted. "
                      "The inputs and assumptions below are what was solved.", font=WARN_FONT, measure=False)
        row = _assumption_section(w, ctx, row + 2)
        row = _guide(w, row + 2, guide)
        _widths(w)
        w.finish(landscape=False)
        return

    row += 2
    w.section(row, f"Cost of the plan ($M, discounted to {s.base_year} at {s.discount_rate:.1%}/yr, without the "
                   "unmet-demand penalty)")
    b = r.cost_breakdown_musd
    row = w.key_values(row + 1, [
        ("Total cost ($M)", r.total_cost_musd, "musd"),
        *([("Revenue from outside buyers ($M)", r.revenue_musd, "musd"),
           ("Net cost: total cost minus revenue ($M)", r.net_cost_musd, "musd")] if r.revenue_musd else []),
        ("Capex, net of end-of-horizon salvage ($M)", b.get("capex"), "musd"),
        ("Opex, fixed and variable ($M)", b.get("opex"), "musd"),
        ("Transport ($M)", b.get("transport"), "musd"),
        ("Purchases from markets ($M)", b.get("purchases"), "musd"),
        ("Paid by government: levers and transfers ($M)", b.get("government"), "musd"),
        ("Paid by industry: total minus government ($M)", b.get("industry"), "musd"),
        ("Objective incl. unmet-demand penalty ($M)", r.objective, "musd"),
    ])

    row += 2
    w.section(row, f"Compliant supply from {s.compliance_start_year} (defense demand must be met with clean material)")
    cols = [Col("Product"), Col("Year", "year"), Col("Defense demand (t)", "t"),
            Col("Clean supply to defense (t)", "t"), Col("Defense demand met compliantly (%)", "share"),
            Col("All demand (t)", "t"),
            Col("Clean delivered, all segments (t)", "t"), Col("Unmet, all segments (t)", "t", highlight_positive=True)]
    rows = [(material_label(c.product), c.year, c.defense_demand, c.defense_clean, c.defense_met_share, c.all_demand,
             c.all_clean, c.unmet) for c in compliant_supply(r, s.compliance_start_year)]
    row = w.table(row + 1, 1, cols, rows, filter_and_freeze=False)

    row += 2
    unmet_total = r.unmet_total()
    w.section(row, "Unmet demand (all years)")
    w.put(row + 1, 1, "Total unmet demand (t)", font=Font(bold=True))
    w.put(row + 1, 2, unmet_total, "t", font=WARN_FONT if unmet_total > 1e-6 else Font(bold=True),
                 fill=WARN_FILL if unmet_total > 1e-6 else GOOD_FILL)
    seg = r.unmet_by_segment()
    for k, (label, key) in enumerate((("  of which defense (t)", "defense"),
                                      ("  of which commercial (t)", "commercial"))):
        w.put(row + 2 + k, 1, label)
        w.put(row + 2 + k, 2, seg[key], "t", font=WARN_FONT if seg[key] > 1e-6 else None)
    w.put(row + 4, 1, "Defense demand is served first (priority 1), then commercial (priority 2); "
                      "see Supply vs demand for each segment.", measure=False)
    row = w.table(row + 5, 1, [Col("Product"), Col("Unmet (t)", "t", highlight_positive=True),
                               Col("First year short", "year")],
                  [(material_label(p), t, y) for p, t, y in unmet_by_product(r)], filter_and_freeze=False)
    if r.limiting:
        row += 1
        w.put(row, 1, "What limits supply:", font=Font(bold=True))
        for line in r.limiting:
            row += 1
            w.put(row, 1, f"\u2022 {line}", measure=False)

    row += 2
    top = top_investments(r, TOP_INVESTMENTS)
    w.section(row, f"Largest investments ({len(top)} of {len(r.investments)}; capex undiscounted, "
                   f"all investments: {capex_committed_musd(r):,.1f} $M; see 'Investments')")
    cols = [Col("Facility"), Col("Option"), Col("Stage"), Col("Decided (year)", "year"), Col("Online (year)", "year"),
            Col("Capacity added (t/yr)", "tpy"), Col("Capex ($M)", "musd")]
    rows = []
    for i in top:
        name, _op, _c, stage = ctx.lookup.facility_fields(i.facility)
        rows.append((name or i.facility, ctx.lookup.option_name(i.facility, i.option), stage_label(stage),
                     i.decided_year, i.online_year, i.added_tpy, i.capex_musd))
    row = w.table(row + 1, 1, cols, rows, filter_and_freeze=False)

    row = _assumption_section(w, ctx, row + 2)

    if r.checks:
        row += 2
        w.section(row, "Post-solve checks (a plan is only shown when all pass)")
        row = w.table(row + 1, 1, [Col("Check"), Col("Passed"), Col("Largest violation", "factor"), Col("Detail")],
                      [(c.name, c.passed, c.max_violation, c.detail) for c in r.checks], filter_and_freeze=False)
    row = _guide(w, row + 2, guide)
    _widths(w)
    w.finish(landscape=False)


def _assumption_section(w: SheetWriter, ctx: ReportContext, row: int) -> int:
    w.section(row, "Key assumptions" + ("" if (ctx.result.scenario or "base") == "base" else
                                        " (with the scenario's overrides)"))
    return w.key_values(row + 1, assumptions(ctx), span=SPAN)


def _guide(w: SheetWriter, row: int, guide: Sequence[tuple[str, str]]) -> int:
    w.section(row, "Sheets in this workbook")
    for name, text in guide:
        row += 1
        w.put(row, 1, name, font=Font(bold=True))
        w.put(row, 2, text, font=NOTE_FONT, measure=False)
    return row


def _widths(w: SheetWriter) -> None:
    w.set_width(1, 52)
    for col in range(2, 9):
        w.min_width(col, 13)
