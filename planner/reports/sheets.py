"""The plan sheets of the workbook: charts, investments, supply, capacity, flows, costs, duals.

Each ``add_*`` function appends one worksheet to the workbook and fills it through
:class:`planner.reports.cells.SheetWriter` (the only cell writer). Table sheets share one layout:
a note in row 1, the bold frozen header with autofilter in row 2, data from row 3.
Units are in the headers: t (tonnes), t/yr, $M (millions of US dollars), $/t.
"""

from __future__ import annotations

import math

from openpyxl import Workbook

from models.vocab import STAGE_UNITS, stage_label
from models.wording import count as plural
from planner.reports.cells import Col, SheetWriter
from planner.reports.charts import CHART_ROWS, COLOURS, column_chart
from planner.reports.context import ReportContext
from planner.reports.data import (
    capacity_basis,
    capacity_by_stage,
    lever_display_name,
    material_label,
    supply_by_product,
    supply_by_segment,
)
from planner.reports.figures import capex_committed_musd

HEADER_ROW = 2


def _table_sheet(wb: Workbook, title: str, note: str) -> SheetWriter:
    ws = wb.create_sheet(title)
    w = SheetWriter(ws)
    w.note(1, note)
    return w


def add_charts(wb: Workbook, ctx: ReportContext) -> None:
    """'Charts': supply vs demand per product, capex by year, capacity build-out per stage.

    Each chart sits to the right of the small table it plots (columns A-E), one section under the
    other. Supply charts stack clean / other-origin / unmet t per year, for all segments and, when a
    product also has commercial demand, for defense alone (which must be clean); the capex
    chart shows capex committed per decision year ($M, undiscounted); when the government pays for
    contracts or levers, a chart stacks its spend per year by kind (grants, policy grants, loan
    subsidies, price-floor top-ups, stockpile purchases and holding; $M, undiscounted); each build-out chart stacks
    the stage's existing capacity and the capacity the plan adds (t/yr in the stage's unit).
    """
    r = ctx.result
    w = SheetWriter(wb.create_sheet("Charts"))
    w.title(1, "Charts")
    w.note(2, "Each chart plots the table to its left. Supply covers all segments; defense demand must be clean "
              f"from {ctx.settings.compliance_start_year}. Capacity units differ by stage (see each chart).")
    row = 4
    anchor_col = "G"

    by_segment = supply_by_segment(r)
    for product, rows in supply_by_product(r).items():
        label = material_label(product)
        segments = {s.segment for s in by_segment if s.product == product}
        blocks = [(f"{label}: supply vs demand", "", rows)]
        if "defense" in segments and len(segments) > 1:  # the compliant segment on its own as well
            blocks.append((f"{label}, defense only: supply vs demand", "defense",
                           [s for s in by_segment if s.product == product and s.segment == "defense"]))
        for title, _segment, block in blocks:
            w.section(row, f"{title} (t)")
            cols = [Col("Year", "year"), Col("Delivered clean (t)", "t"), Col("Delivered other origin (t)", "t"),
                    Col("Unmet (t)", "t", highlight_positive=True), Col("Demand (t)", "t")]
            top = row + 1
            last = w.table(top, 1, cols, [(s.year, s.clean, s.other, s.unmet, s.demand) for s in block],
                           filter_and_freeze=False)
            column_chart(w.ws, title=title, y_title="t", header_row=top, first_row=top + 1,
                         last_row=last, category_col=1, anchor=f"{anchor_col}{row}", stacked=True,
                         series=[(2, COLOURS["clean"]), (3, COLOURS["other"]), (4, COLOURS["unmet"])])
            row = max(last, row + CHART_ROWS) + 2

    w.section(row, "Capex committed by decision year ($M, undiscounted)")
    top = row + 1
    costs = sorted(r.costs_by_year, key=lambda c: c.year)
    last = w.table(top, 1, [Col("Year", "year"), Col("Capex ($M)", "musd")],
                   [(c.year, c.capex_musd) for c in costs], filter_and_freeze=False)
    if costs:
        column_chart(w.ws, title="Capex by year ($M, undiscounted)", y_title="$M", header_row=top,
                     first_row=top + 1, last_row=last, category_col=1, anchor=f"{anchor_col}{row}",
                     stacked=False, series=[(2, COLOURS["capex"])])
    row = max(last, row + CHART_ROWS) + 2

    kinds, spend = government_spend_by_year(ctx)
    if kinds:  # contracts and levers: what the government pays each year, by kind
        w.section(row, "Government spend on contracts and levers by year ($M, undiscounted)")
        top = row + 1
        cols = [Col("Year", "year")] + [Col(GOV_SPEND_KINDS[k][0], "musd") for k in kinds]
        last = w.table(top, 1, cols, spend, filter_and_freeze=False)
        column_chart(w.ws, title="Government spend on levers ($M, undiscounted)", y_title="$M", header_row=top,
                     first_row=top + 1, last_row=last, category_col=1, anchor=f"{anchor_col}{row}", stacked=True,
                     series=[(2 + i, GOV_SPEND_KINDS[k][1]) for i, k in enumerate(kinds)])
        row = max(last, row + CHART_ROWS) + 2

    for stage, rows in capacity_by_stage(r, ctx.scenario_project).items():
        unit = STAGE_UNITS.get(stage, "t/yr")
        w.section(row, f"{stage_label(stage)}: capacity build-out ({unit})")
        top = row + 1
        cols = [Col("Year", "year"), Col(f"Existing ({unit})", "tpy"), Col(f"Added by plan ({unit})", "tpy")]
        last = w.table(top, 1, cols, [(b.year, b.existing_tpy, b.added_tpy) for b in rows], filter_and_freeze=False)
        column_chart(w.ws, title=f"{stage_label(stage)} capacity ({unit})", y_title=unit, header_row=top,
                     first_row=top + 1, last_row=last, category_col=1, anchor=f"{anchor_col}{row}", stacked=True,
                     series=[(2, COLOURS["existing"]), (3, COLOURS["added"])])
        row = max(last, row + CHART_ROWS) + 2
    for col in range(2, 6):
        w.set_width(col, 14)
    w.set_width(1, 10)
    w.finish()


def add_investments(wb: Workbook, ctx: ReportContext) -> None:
    """'Investments': one row per build decision; totals row sums capex ($M, undiscounted)."""
    w = _table_sheet(wb, "Investments", "Capacity the plan decides to build. Capex is undiscounted, committed in the "
                                        "decision year; capacity is in each stage's unit (see 'Capacity unit').")
    cols = [Col("Facility"), Col("Facility id"), Col("Operator"), Col("Country"), Col("Stage"), Col("Option"),
            Col("Option id"), Col("Decided (year)", "year"), Col("Online (year)", "year"),
            Col("Defense-qualified from (year)", "year"), Col("Capacity added (t/yr)", "tpy"),
            Col("Capacity unit", max_width=34), Col("Capex ($M)", "musd")]
    rows = []
    for i in sorted(ctx.result.investments, key=lambda i: (i.decided_year, i.facility, i.option)):
        name, operator, country, stage = ctx.lookup.facility_fields(i.facility)
        rows.append((name, i.facility, operator, country, stage_label(stage),
                     ctx.lookup.option_name(i.facility, i.option), i.option, i.decided_year, i.online_year,
                     i.defense_qualified_year,  # blank for an upstream plant: no defense date (lag not carried down)
                     i.added_tpy, capacity_basis(stage), i.capex_musd))
    total_capex = capex_committed_musd(ctx.result)
    totals = ["Total", "", "", "", "", plural(len(rows), "investment"), "", None, None, None, None, "", total_capex]
    w.table(HEADER_ROW, 1, cols, rows, totals=totals)
    w.finish()


def add_supply(wb: Workbook, ctx: ReportContext) -> None:
    """'Supply vs demand': per product, segment and year: demand, clean, other origin, unmet (t)."""
    w = _table_sheet(wb, "Supply vs demand", "Summed over demands and platforms. Clean = no covered-country "
                                             "processing; defense demand must be clean from "
                                             f"{ctx.settings.compliance_start_year}. Unmet > 0 is highlighted.")
    cols = [Col("Product"), Col("Segment"), Col("Year", "year"), Col("Demand (t)", "t"),
            Col("Delivered clean (t)", "t"), Col("Delivered other origin (t)", "t"),
            Col("Unmet (t)", "t", highlight_positive=True),
            Col("Demand met (%)", "share"), Col("Clean share of delivered (%)", "share")]
    rows = [(material_label(s.product), s.segment, s.year, s.demand, s.clean, s.other, s.unmet, s.met_share,
             s.clean_share) for s in supply_by_segment(ctx.result)]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_demand_detail(wb: Workbook, ctx: ReportContext) -> None:
    """'Demand detail': the result's demand rows, one per demand id and year (t)."""
    w = _table_sheet(wb, "Demand detail", "One row per demand (platform demand ids read platform:<id>:<product>) "
                                          "and year. Unmet > 0 is highlighted.")
    cols = [Col("Demand id", max_width=40), Col("Name"), Col("Product"), Col("Segment"), Col("Year", "year"),
            Col("Demand (t)", "t"), Col("Delivered (t)", "t"), Col("Delivered clean (t)", "t"),
            Col("Unmet (t)", "t", highlight_positive=True)]
    rows = [(d.demand_id, ctx.lookup.name(d.demand_id), material_label(d.product), d.segment, d.year, d.demand,
             d.delivered, d.delivered_clean, d.unmet)
            for d in sorted(ctx.result.demand, key=lambda d: (d.product, d.segment, d.demand_id, d.year))]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_capacity(wb: Workbook, ctx: ReportContext) -> None:
    """'Capacity': capacity (existing + plan additions, t/yr) and activity (t) per facility and year."""
    w = _table_sheet(wb, "Capacity", "Capacity and use per facility and year, in the stage's activity unit "
                                     "(see 'Capacity unit'). Utilisation = activity / capacity.")
    cols = [Col("Facility"), Col("Facility id"), Col("Stage"), Col("Country"), Col("Year", "year"),
            Col("Capacity (t/yr)", "tpy"), Col("Activity (t)", "t"), Col("Utilisation (%)", "share"),
            Col("Capacity unit", max_width=34)]
    rows = []
    for c in sorted(ctx.result.capacity, key=lambda c: (ctx.lookup.stage(c.facility), c.facility, c.year)):
        name, _op, country, stage = ctx.lookup.facility_fields(c.facility)
        util = c.activity_t / c.capacity_tpy if c.capacity_tpy > 0 else None
        rows.append((name, c.facility, stage_label(stage), country, c.year, c.capacity_tpy, c.activity_t, util,
                     capacity_basis(stage)))
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_production(wb: Workbook, ctx: ReportContext) -> None:
    """'Production': tonnes of each material each facility produces each year."""
    w = _table_sheet(wb, "Production",
                     "Output per facility, material and year (t; concentrate and carbonate in t TREO).")
    cols = [Col("Facility"), Col("Facility id"), Col("Stage"), Col("Year", "year"), Col("Material"),
            Col("Production (t)", "t")]
    rows = []
    for p in sorted(ctx.result.production, key=lambda p: (p.facility, p.year, p.material)):
        name, _op, _c, stage = ctx.lookup.facility_fields(p.facility)
        rows.append((name, p.facility, stage_label(stage), p.year, material_label(p.material), p.tonnes))
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_flows(wb: Workbook, ctx: ReportContext) -> None:
    """'Flows': material moved per route, year and compliance class (t)."""
    w = _table_sheet(wb, "Flows", "Material moved between facilities, markets and demands (t). Class 'covered' = "
                                  "touched a covered country or Chinese technology. Source = mine of origin.")
    cols = [Col("From id"), Col("From"), Col("To id", max_width=40), Col("To"), Col("Material"), Col("Year", "year"),
            Col("Class"), Col("Tonnes (t)", "t"), Col("Source mine")]
    rows = [(f.from_id, ctx.lookup.name(f.from_id), f.to_id, ctx.lookup.name(f.to_id), material_label(f.material),
             f.year, f.klass, f.tonnes, f.source or "")
            for f in sorted(ctx.result.flows, key=lambda f: (f.year, f.material, f.from_id, f.to_id, f.klass))]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_stocks(wb: Workbook, ctx: ReportContext) -> None:
    """'Stocks': year-end stock kept per facility and material (t), when the project allows stocks."""
    holding = ctx.settings.stock_holding_usd_per_t_yr
    note = ("Year-end stock each facility keeps (t), carried into the next year at "
            f"${holding:,.0f} per t and year (in opex)." if holding is not None else
            "Stocks are not allowed in this project (settings: stock holding cost empty).")
    w = _table_sheet(wb, "Stocks", note)
    cols = [Col("Facility"), Col("Facility id"), Col("Year", "year"), Col("Material"), Col("Class"),
            Col("Year-end stock (t)", "t")]
    rows = [(ctx.lookup.name(s.facility), s.facility, s.year, material_label(s.material), s.klass, s.tonnes)
            for s in sorted(ctx.result.stocks, key=lambda s: (s.facility, s.material, s.year, s.klass))]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_finite_stocks(wb: Workbook, ctx: ReportContext) -> None:
    """'Finite stocks': per stockpile/tailings mine and year, t drawn and t left at year-end
    (remaining[y] = remaining[y-1] - drawn[y], starting from the initial stock)."""
    w = _table_sheet(wb, "Finite stocks", "Stockpiles and tailings that deplete (t TREO): drawn in each year and left "
                                          "at year-end. Remaining = previous remaining - drawn; never below 0.")
    cols = [Col("Facility"), Col("Facility id"), Col("Initial stock (t)", "t"), Col("Max draw (t/yr)", "t"),
            Col("Year", "year"), Col("Drawn (t)", "t"), Col("Remaining at year-end (t)", "t")]
    facilities = {f.id: f for f in ctx.scenario_project.facilities}
    rows = []
    for s in sorted(ctx.result.stock_remaining, key=lambda s: (s.facility, s.year)):
        f = facilities.get(s.facility)
        rows.append((ctx.lookup.name(s.facility), s.facility, f.stock_initial_t if f else None,
                     f.stock_max_draw_tpy if f else None, s.year, s.drawn_t, s.remaining_t))
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_costs(wb: Workbook, ctx: ReportContext) -> None:
    """'Costs': undiscounted spending per year and category ($M), discount factor, totals row."""
    s = ctx.settings
    w = _table_sheet(wb, "Costs", "Money of each year ($M, undiscounted). The Summary's totals are discounted "
                                  f"to {s.base_year} at {s.discount_rate:.1%}/yr and net of end-of-horizon salvage, "
                                  "so they differ from these sums.")
    cols = [Col("Year", "year"), Col("Capex ($M)", "musd"), Col("Opex ($M)", "musd"), Col("Transport ($M)", "musd"),
            Col("Purchases ($M)", "musd"), Col("Total ($M)", "musd"), Col("Discount factor", "factor")]
    costs = sorted(ctx.result.costs_by_year, key=lambda c: c.year)
    rows = []
    for c in costs:
        total = math.fsum((c.capex_musd, c.opex_musd, c.transport_musd, c.purchases_musd))
        rows.append((c.year, c.capex_musd, c.opex_musd, c.transport_musd, c.purchases_musd, total,
                     1.0 / (1.0 + s.discount_rate) ** (c.year - s.base_year)))
    totals = ["Total", *(math.fsum(row[k] for row in rows) for k in range(1, 6)), None]
    w.table(HEADER_ROW, 1, cols, rows, totals=totals)
    w.finish()


LEVER_KINDS = {
    "offtake": "Offtake (take-or-pay): buyer pays price x t taken",
    "offtake_shortfall": "Offtake shortfall: t of the minimum the plan could not take",
    "price_floor": "Price floor: government pays (floor - benchmark) x t sold",
    "grant": "Grant: government pays share x capex (+ amount)",
    "loan": "Loan: government's subsidy = principal - PV of the annuity",
    "stockpile_buy": "Government stockpile purchase (price x t)",
    "stockpile_release": "Government stockpile release to defense demand",
    "stockpile_holding": "Government stockpile year-end level and holding cost",
    "stock_build_breach": "Stock build shortfall: t of the scenario's stock build not held at year-end",
    "policy_grant": "Policy grant: government pays the viability gap of a built option",
}

#: the government's lever spend on the Charts sheet: kind -> (column header, colour)
GOV_SPEND_KINDS = {
    "grant": ("Grants ($M)", "7B3FA0"),
    "policy_grant": ("Policy grants ($M)", "B07CC6"),
    "loan": ("Loan subsidies ($M)", "008080"),
    "price_floor": ("Price-floor top-ups ($M)", "C77C02"),
    "stockpile_buy": ("Stockpile purchases ($M)", "2E8B57"),
    "stockpile_holding": ("Stockpile holding ($M)", "8FBC8F"),
}


def lever_name(ctx: ReportContext, kind: str, lever_id: str) -> str:
    """A lever line's name (see :func:`planner.reports.data.lever_display_name`)."""
    return lever_display_name(ctx.project, kind, lever_id)


def government_spend_by_year(ctx: ReportContext) -> tuple[list[str], list[tuple]]:
    """(kinds with any government money, rows (year, $M per kind...)): the government's lever lines
    summed per year and kind ($M of that year, undiscounted). Empty when the government pays nothing."""
    totals: dict[tuple[int, str], float] = {}
    for x in ctx.result.levers:
        if x.payer == "government" and x.kind in GOV_SPEND_KINDS and x.cost_musd:
            totals[(x.year, x.kind)] = totals.get((x.year, x.kind), 0.0) + x.cost_musd
    kinds = [k for k in GOV_SPEND_KINDS if any(kind == k for _y, kind in totals)]
    if not kinds:
        return [], []
    years = ctx.scenario_project.settings.years
    return kinds, [(y, *(totals.get((y, k), 0.0) for k in kinds)) for y in years]


def add_levers(wb: Workbook, ctx: ReportContext) -> None:
    """'Levers': every contract and policy lever per year: tonnes, $M (undiscounted), who pays."""
    b = ctx.result.cost_breakdown_musd
    gov, ind = b.get("government"), b.get("industry")
    split = (f" Discounted totals: government ${gov:,.1f}M, industry ${ind:,.1f}M (their sum is the total cost)."
             if gov is not None and ind is not None else "")
    w = _table_sheet(wb, "Levers", "Contracts and levers per year ($M of that year, undiscounted). Transfers move "
                                   "money between payers and leave the total cost unchanged; stockpile holding is a "
                                   "real cost." + split)
    cols = [Col("Kind"), Col("What it means", max_width=50), Col("Lever id"), Col("Facility or stockpile"),
            Col("Facility id"), Col("Year", "year"), Col("Tonnes (t)", "t"), Col("Cost ($M)", "musd"), Col("Payer"),
            Col("Lever", max_width=50)]
    rows = [(x.kind, LEVER_KINDS.get(x.kind, ""), x.lever_id, ctx.lookup.name(x.facility), x.facility, x.year,
             x.tonnes, x.cost_musd, x.payer, lever_name(ctx, x.kind, x.lever_id))
            for x in sorted(ctx.result.levers, key=lambda x: (x.kind, x.lever_id, x.year, x.facility))]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_marginal_costs(wb: Workbook, ctx: ReportContext) -> None:
    """'Marginal costs': cost of one more tonne of each product per segment and year ($/t)."""
    w = _table_sheet(wb, "Marginal costs", "What one more tonne delivered would cost in that year ($/t, money of that "
                                           "year), from the solver's duals with build decisions fixed. Where demand "
                                           "is unmet the dual is the unmet penalty (a setting, not a price): no figure "
                                           "is given there.")
    cols = [Col("Product"), Col("Segment"), Col("Year", "year"), Col("Marginal cost ($/t)", "usd_per_t"),
            Col("Note", max_width=40)]
    rows = [(material_label(m.product), m.segment, m.year, m.usd_per_t,
             (m.note or "unmet: no compliant supply reachable") if m.no_supply else "")
            for m in sorted(ctx.result.marginal_costs, key=lambda m: (m.product, m.segment, m.year))]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_bottlenecks(wb: Workbook, ctx: ReportContext) -> None:
    """'Bottlenecks': binding capacities and the saving from one more t/yr there ($ per t/yr, money of that year)."""
    w = _table_sheet(wb, "Bottlenecks", "Capacities the plan uses to the limit. Value = cost saved by one more t/yr of "
                                        "capacity in that year ($ per t/yr, money of that year). Real costs first, "
                                        "largest first; capacities that limit a product short that year have no "
                                        "figure (their shadow price is the unmet penalty, a setting).")
    cols = [Col("Facility"), Col("Facility id"), Col("Stage"), Col("Year", "year"),
            Col("Value of 1 t/yr more ($/t)", "usd_per_t"), Col("Capacity unit", max_width=34),
            Col("Note", max_width=40)]
    rows = []
    for b in sorted(ctx.result.bottlenecks,
                    key=lambda b: (b.penalty_bound, -abs(b.shadow_usd_per_t), b.facility, b.year)):
        name, _op, _c, stage = ctx.lookup.facility_fields(b.facility)
        rows.append((name, b.facility, stage_label(stage), b.year, None if b.penalty_bound else b.shadow_usd_per_t,
                     capacity_basis(stage),
                     "limits unmet supply (no compliant supply reachable)" if b.penalty_bound else ""))
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


#: (sheet title, adder, what the sheet holds) in workbook order, after Summary.
from planner.reports.markets_xlsx import add_calibration, add_sales  # noqa: E402

PLAN_SHEETS = (
    ("Charts", add_charts, "Supply vs demand per product, capex by year, capacity build-out per stage."),
    ("Investments", add_investments, "What to build, where, when, how much, at what capex."),
    ("Supply vs demand", add_supply, "Demand, clean and other-origin deliveries, unmet t per product, segment, year."),
    ("Demand detail", add_demand_detail, "The same per demand and platform."),
    ("Capacity", add_capacity, "Capacity and activity per facility and year."),
    ("Production", add_production, "Output per facility, material and year."),
    ("Flows", add_flows, "Material moved per route, year and compliance class."),
    ("Stocks", add_stocks, "Year-end stock per facility and material (when stocks are allowed)."),
    ("Finite stocks", add_finite_stocks, "Stockpiles and tailings: t drawn and t left per year."),
    ("Costs", add_costs, "Spending per year and category (undiscounted)."),
    ("Levers", add_levers, "Contracts and policy levers per year: tonnes, $M and who pays."),
    ("Sales", add_sales, "Sales to outside buyers per facility and year: tonnes, price, revenue."),
    ("Calibration", add_calibration, "Reported output against the plan's first year (25 % tolerance)."),
    ("Marginal costs", add_marginal_costs, "Cost of one more tonne per product, segment, year."),
    ("Bottlenecks", add_bottlenecks, "Binding capacities and what one more t/yr is worth."),
)
