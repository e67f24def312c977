"""The Excel plan workbook: read back with openpyxl and checked against the PlanResult.

Numbers: openpyxl stores floats with 16 significant digits ("%.16g"), so a figure read back is
compared exactly with ``xl(expected) = float("%.16g" % expected)``.
"""

from __future__ import annotations

import errno
import math
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from models.project import (
    Demand,
    ExpansionOption,
    Facility,
    Market,
    Platform,
    Project,
    Route,
    Scenario,
    Settings,
    SettingsOverride,
    Source,
)
from planner.reports import xlsx as report_xlsx
from planner.reports.xlsx import ReportWriteError, sheet_names, write_plan_workbook, write_scenarios_workbook
from planner.result import (
    Bottleneck,
    CapacityRow,
    Check,
    ComplianceRow,
    CostRow,
    DemandRow,
    Flow,
    Investment,
    MarginalCost,
    PlanResult,
    Production,
    Status,
)

SOLVED_AT = datetime(2026, 11, 29, 9, 15, tzinfo=timezone.utc)
NASTY_NAMES = ["=1+1", "+cmd", "@x", "-2", "\tTAB", "\rCR", "=HYPERLINK(\"http://evil.example\",\"x\")", "#N/A"]


def xl(x: float) -> float:
    """The value a float has after openpyxl writes it (16 significant digits)."""
    return float("%.16g" % x)


# ---------------------------------------------------------------------------- fixtures
def make_project() -> Project:
    """A three-year chain: one Australian mine, a separation plant named '=1+1', a US magnet plant."""
    return Project(
        name="=Teaching project",
        settings=Settings(start_year=2026, end_year=2028, base_year=2026, discount_rate=0.08,
                          budget_musd_per_year=250.0, de_minimis_share=0.001),
        facilities=[
            Facility(id="mine-au", name="+cmd", operator="@x", country="AU", stage="mine", capacity_tpy=1000,
                     assay={"ndpr": 0.25, "dy": 0.005},
                     sources=[Source(url="https://example.com/lynas", supports="capacity 1000 t TREO",
                                     confidence="high"),
                              Source(url="=cmd|' /C calc'!A0", supports="-2", confidence="low")]),
            Facility(id="sep-us", name="=1+1", operator="-2", country="US", stage="separation", capacity_tpy=500,
                     options=[ExpansionOption(id="exp-a", name="Phase 2", max_add_tpy=1000, capex_musd_per_tpy=0.05,
                                              lead_time_years=1)]),
            Facility(id="mag-us", name="US Magnets", operator="MagCo", country="US", stage="magnet_ndfeb",
                     capacity_tpy=100, online_year=2026, ramp_up_shares=[0.5],
                     options=[ExpansionOption(id="exp1", name="Line 2", max_add_tpy=500, capex_musd_per_tpy=0.1,
                                              lead_time_years=2)]),
        ],
        routes=[Route(id="r1", from_id="mine-au", to_id="sep-us", material="concentrate")],
        markets=[Market(id="cn-mag", name="China magnets", material="ndfeb_magnet", origin_country="CN",
                        price_usd_per_t=80_000)],
        demands=[
            Demand(id="def-ndfeb", name="Defense NdFeB", product="ndfeb_magnet", segment="defense",
                   tonnes_by_year={2026: 100, 2027: 200, 2028: 300}),
            Demand(id="com-ndfeb", name="Commercial NdFeB", product="ndfeb_magnet", segment="commercial",
                   tonnes_by_year={2027: 50}),
        ],
        platforms=[Platform(id="f35", name="F-35", units_by_year={2027: 100}, ndfeb_kg_per_unit=10)],
        scenarios=[Scenario(id="tight", name="Tight budget", description="Half the budget",
                            overrides=[SettingsOverride(budget_musd_per_year=125.0)])],
    )


def make_result(scenario: str = "base", mag_add: float = 150.0) -> PlanResult:
    """A hand-made plan with figures that are easy to check."""
    return PlanResult(
        status=Status.OPTIMAL, message="Optimal plan found; 50 t of defense NdFeB is unmet in 2027.", solver="highs",
        scenario=scenario, objective=312.5, total_cost_musd=62.5,
        cost_breakdown_musd={"capex": 40.25, "opex": 12.0, "transport": 0.1 + 0.2, "purchases": 9.95},
        investments=[Investment("mag-us", "exp1", 2026, 2028, mag_add, mag_add * 0.1),
                     Investment("sep-us", "exp-a", 2027, 2028, 200.0, 10.0)],
        production=[Production("mine-au", 2026, "concentrate", 800.0),
                    Production("mag-us", 2027, "ndfeb_magnet", 100.0)],
        flows=[Flow("mine-au", "sep-us", "concentrate", 2026, "clean", 800.0, "mine-au"),
               Flow("cn-mag", "def-ndfeb", "ndfeb_magnet", 2026, "covered", 60.0),
               Flow("mag-us", "platform:f35:ndfeb_magnet", "ndfeb_magnet", 2027, "clean", 1.0)],
        demand=[
            DemandRow("def-ndfeb", "ndfeb_magnet", "defense", 2026, 100.0, 100.0, 40.0, 0.0),
            DemandRow("def-ndfeb", "ndfeb_magnet", "defense", 2027, 200.0, 150.0, 150.0, 50.0),
            DemandRow("def-ndfeb", "ndfeb_magnet", "defense", 2028, 300.0, 300.0, 300.0, 0.0),
            DemandRow("platform:f35:ndfeb_magnet", "ndfeb_magnet", "defense", 2027, 1.0, 1.0, 1.0, 0.0),
            DemandRow("com-ndfeb", "ndfeb_magnet", "commercial", 2027, 50.0, 50.0, 0.0, 0.0),
        ],
        marginal_costs=[MarginalCost("ndfeb_magnet", "defense", 2027, 5_000_000.0),
                        MarginalCost("ndfeb_magnet", "commercial", 2027, 80_000.0)],
        bottlenecks=[Bottleneck("mag-us", 2027, 4_629_629.6)],
        compliance=[ComplianceRow("ndfeb_magnet", 2026, 0.4, True),
                    ComplianceRow("ndfeb_magnet", 2027, 151 / 201, False),
                    ComplianceRow("ndfeb_magnet", 2028, 1.0, False)],
        capacity=[CapacityRow("mag-us", 2026, 50.0, 40.0), CapacityRow("mag-us", 2027, 100.0, 100.0),
                  CapacityRow("mag-us", 2028, 100.0 + mag_add, 300.0),
                  CapacityRow("sep-us", 2026, 500.0, 0.0), CapacityRow("sep-us", 2027, 500.0, 0.0),
                  CapacityRow("sep-us", 2028, 700.0, 0.0)],
        costs_by_year=[CostRow(2026, mag_add * 0.1, 1.25, 0.1, 4.8), CostRow(2027, 10.0, 6.5, 0.1, 0.0),
                       CostRow(2028, 0.0, 7.0, 0.1 + 0.2, 0.0)],
        checks=[Check("balances close", True, 1e-9), Check("capacities hold", True, 0.0)],
        limiting=["US Magnets (mag-us) capacity limits clean NdFeB supply in 2027"],
        solve_seconds=0.42, n_variables=123, n_constraints=456,
    )


@pytest.fixture()
def project() -> Project:
    return make_project()


@pytest.fixture()
def result() -> PlanResult:
    return make_result()


@pytest.fixture()
def book(tmp_path, project, result):
    path = tmp_path / "plan.xlsx"
    write_plan_workbook(path, project, result, solved_at=SOLVED_AT)
    return load_workbook(path)


def table(ws, header_row: int = 2) -> list[dict]:
    """Rows of a table sheet as dicts keyed by header (stops at the first empty first cell)."""
    headers = [c.value for c in ws[header_row]]
    out = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] is None:
            break
        out.append(dict(zip(headers, row)))
    return out


def find_row(ws, label: str, col: int = 1) -> int:
    for row in ws.iter_rows(min_col=col, max_col=col):
        if row[0].value == label:
            return row[0].row
    raise AssertionError(f"{label!r} not found in {ws.title}")


# ---------------------------------------------------------------------------- sheet set
def test_sheet_set_and_order(book, result):
    expected = ["Decision brief", "Summary", "Charts", "Investments", "Supply vs demand", "Demand detail", "Capacity",
                "Production", "Flows", "Stocks", "Finite stocks", "Costs", "Levers", "Sales", "Calibration",
                "Marginal costs", "Bottlenecks",
                "Inputs - Facilities", "Inputs - Options",
                "Inputs - Routes", "Inputs - Markets", "Inputs - Demand", "Inputs - Platforms", "Inputs - Scenarios",
                "Sources"]
    assert book.sheetnames == expected
    assert list(sheet_names(result)) == expected
    assert book.active.title == "Decision brief"


def test_no_plan_summary_says_so_and_plan_sheets_are_omitted(tmp_path, project):
    failed = PlanResult(status=Status.INFEASIBLE, message="Demand cannot be met within the budget.", solver="cbc")
    path = tmp_path / "noplan.xlsx"
    write_plan_workbook(path, project, failed, solved_at=SOLVED_AT)
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Decision brief", "Summary"]
    assert not {"Charts", "Investments", "Capacity", "Flows", "Costs"} & set(wb.sheetnames)
    assert "Inputs - Facilities" in wb.sheetnames and "Sources" in wb.sheetnames
    texts = [c.value for row in wb["Summary"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("No plan: this solve did not produce a plan") for t in texts)
    assert "Demand cannot be met within the budget." in texts
    assert "No plan: the constraints cannot all be met" in texts


# ---------------------------------------------------------------------------- figures
def test_summary_costs_equal_result(book, result):
    ws = book["Summary"]
    value = lambda label: ws.cell(row=find_row(ws, label), column=2).value  # noqa: E731
    assert value("Total cost ($M)") == xl(result.total_cost_musd)
    assert value("Capex, net of end-of-horizon salvage ($M)") == xl(40.25)
    assert value("Opex, fixed and variable ($M)") == xl(12.0)
    assert value("Transport ($M)") == xl(0.1 + 0.2)
    assert value("Purchases from markets ($M)") == xl(9.95)
    assert value("Objective incl. unmet-demand penalty ($M)") == xl(312.5)
    assert value("Total unmet demand (t)") == 50.0
    assert value("  of which defense (t)") == 50.0  # the 50 t short are defense NdFeB in 2027
    assert value("  of which commercial (t)") == 0.0
    assert value("Solved at") == "2026-11-29 09:15 UTC"
    assert value("Compliance start year (defense demand must be clean)") == 2027
    assert value("De-minimis covered share of a clean activity's inputs (%)") == 0.001
    assert value("Capex budget per decision year ($M)") == 250.0
    assert value("Penalty per unmet tonne ($/t)") == 5_000_000.0
    assert value("Covered countries") == "CN, RU, KP, IR"
    assert ws.cell(row=find_row(ws, "Total cost ($M)"), column=2).number_format == "#,##0.00"


def test_summary_compliant_supply_from_2027(book):
    ws = book["Summary"]
    top = find_row(ws, "Product")
    rows = table(ws, top)
    # 2027: defense = 200 stated + 1 platform; clean to defense 150 + 1; all demand 251, clean 151, unmet 50
    assert [(r["Year"], r["Defense demand (t)"], r["Clean supply to defense (t)"], r["All demand (t)"],
             r["Clean delivered, all segments (t)"], r["Unmet, all segments (t)"]) for r in rows] == [
        (2027, 201.0, 151.0, 251.0, 151.0, 50.0), (2028, 300.0, 300.0, 300.0, 300.0, 0.0)]
    assert rows[0]["Defense demand met compliantly (%)"] == xl(151 / 201)
    assert rows[1]["Defense demand met compliantly (%)"] == 1.0
    assert all(r["Product"] == "NdFeB magnet" for r in rows)


def test_investments_rows_and_totals(book, result):
    rows = table(book["Investments"])
    assert len(rows) == 3  # two investments + totals row
    data, total = rows[:2], rows[2]
    assert [(r["Facility id"], r["Option id"], r["Decided (year)"], r["Online (year)"], r["Capacity added (t/yr)"],
             r["Capex ($M)"]) for r in data] == [("mag-us", "exp1", 2026, 2028, 150.0, xl(15.0)),
                                                  ("sep-us", "exp-a", 2027, 2028, 200.0, 10.0)]
    assert data[0]["Facility"] == "US Magnets" and data[0]["Operator"] == "MagCo" and data[0]["Country"] == "US"
    assert data[0]["Stage"] == "NdFeB magnet making" and data[0]["Option"] == "Line 2"
    assert data[1]["Facility"] == "=1+1" and data[1]["Operator"] == "-2"
    assert total["Facility"] == "Total"
    assert total["Capex ($M)"] == xl(math.fsum(i.capex_musd for i in result.investments))
    ws = book["Investments"]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:M4"
    assert all(c.font.b for c in ws[2])
    # no defense date recorded on these hand-made investments (None: what an upstream plant gets, whose
    # lag is not carried down the chain): the cell stays blank rather than showing the online year
    assert [r["Defense-qualified from (year)"] for r in data] == [None, None]


def test_capacity_production_flows_equal_result(book, result):
    cap = table(book["Capacity"])
    got = {(r["Facility id"], r["Year"]): (r["Capacity (t/yr)"], r["Activity (t)"]) for r in cap}
    assert got == {(c.facility, c.year): (xl(c.capacity_tpy), xl(c.activity_t)) for c in result.capacity}
    util = {(r["Facility id"], r["Year"]): r["Utilisation (%)"] for r in cap}
    assert util[("mag-us", 2026)] == 0.8 and util[("sep-us", 2026)] == 0.0
    prod = table(book["Production"])
    assert sorted((r["Facility id"], r["Year"], r["Production (t)"]) for r in prod) == [
        ("mag-us", 2027, 100.0), ("mine-au", 2026, 800.0)]
    flows = table(book["Flows"])
    assert sorted((r["From id"], r["To id"], r["Year"], r["Class"], r["Tonnes (t)"], r["Source mine"])
                  for r in flows) == [
        ("cn-mag", "def-ndfeb", 2026, "covered", 60.0, None),
        ("mag-us", "platform:f35:ndfeb_magnet", 2027, "clean", 1.0, None),
        ("mine-au", "sep-us", 2026, "clean", 800.0, "mine-au")]
    named = {r["To id"]: r["To"] for r in flows}
    assert named["platform:f35:ndfeb_magnet"] == "F-35 (NdFeB magnet)" and named["sep-us"] == "=1+1"


def test_supply_vs_demand_aggregates_by_product_segment_year(book, result):
    rows = table(book["Supply vs demand"])
    got = {(r["Segment"], r["Year"]): (r["Demand (t)"], r["Delivered clean (t)"], r["Delivered other origin (t)"],
                                       r["Unmet (t)"]) for r in rows}
    assert got == {("commercial", 2027): (50.0, 0.0, 50.0, 0.0), ("defense", 2026): (100.0, 40.0, 60.0, 0.0),
                   ("defense", 2027): (201.0, 151.0, 0.0, 50.0), ("defense", 2028): (300.0, 300.0, 0.0, 0.0)}
    for seg, year in got:  # every figure equals the sum of the result's rows
        src = [d for d in result.demand if d.segment == seg and d.year == year]
        assert got[(seg, year)][0] == xl(math.fsum(d.demand for d in src))
        assert got[(seg, year)][3] == xl(math.fsum(d.unmet for d in src))
    detail = table(book["Demand detail"])
    assert len(detail) == len(result.demand)
    assert {(r["Demand id"], r["Year"]): r["Unmet (t)"] for r in detail}[("def-ndfeb", 2027)] == 50.0


def test_unmet_demand_is_highlighted(book):
    for title, letter in (("Supply vs demand", "G"), ("Demand detail", "I")):
        ws = book[title]
        ranges = {str(cf.sqref): [r for r in cf.rules] for cf in ws.conditional_formatting}
        rng = next(k for k in ranges if k.startswith(f"{letter}3:"))
        rule = ranges[rng][0]
        assert (rule.type == "cellIs" and rule.operator == "greaterThan"
                and float(rule.formula[0]) == pytest.approx(1e-6))


def test_costs_by_year_and_totals(book, result):
    rows = table(book["Costs"])
    data, total = rows[:-1], rows[-1]
    assert [(r["Year"], r["Capex ($M)"], r["Opex ($M)"], r["Transport ($M)"], r["Purchases ($M)"]) for r in data] == [
        (c.year, xl(c.capex_musd), xl(c.opex_musd), xl(c.transport_musd), xl(c.purchases_musd))
        for c in result.costs_by_year]
    assert data[0]["Total ($M)"] == xl(15.0 + 1.25 + 0.1 + 4.8)
    assert data[1]["Discount factor"] == xl(1 / 1.08)
    assert total["Year"] == "Total"
    assert total["Capex ($M)"] == xl(25.0) and total["Opex ($M)"] == xl(14.75)
    assert total["Total ($M)"] == xl(math.fsum(c.capex_musd + c.opex_musd + c.transport_musd + c.purchases_musd
                                               for c in result.costs_by_year))


def test_marginal_costs_and_bottlenecks(book):
    mc = table(book["Marginal costs"])
    assert {(r["Segment"], r["Year"]): r["Marginal cost ($/t)"] for r in mc} == {
        ("commercial", 2027): 80_000.0, ("defense", 2027): 5_000_000.0}
    bn = table(book["Bottlenecks"])
    assert [(r["Facility id"], r["Year"], r["Value of 1 t/yr more ($/t)"]) for r in bn] == [
        ("mag-us", 2027, 4_629_629.6)]
    assert book["Marginal costs"]["D3"].number_format == "#,##0"


def test_inputs_document_sources(book, project):
    fac = table(book["Inputs - Facilities"])
    assert [r["Id"] for r in fac] == ["mine-au", "sep-us", "mag-us"]
    assert fac[0]["Assay NdPr (% TREO)"] == 0.25 and fac[0]["Capacity (t/yr)"] == 1000.0
    assert fac[2]["Ramp-up shares"] == "50%"
    opts = table(book["Inputs - Options"])
    assert [(r["Option id"], r["Capex ($M per t/yr)"], r["Lead time (years)"]) for r in opts] == [
        ("exp-a", 0.05, 1), ("exp1", 0.1, 2)]
    src = table(book["Sources"])
    assert [(r["Id"], r["URL"], r["Supports"], r["Confidence"]) for r in src] == [
        ("mine-au", "https://example.com/lynas", "capacity 1000 t TREO", "high"),
        ("mine-au", "=cmd|' /C calc'!A0", "-2", "low")]
    ws = book["Sources"]
    assert ws["D3"].hyperlink is not None and ws["D3"].hyperlink.target == "https://example.com/lynas"
    assert ws["D4"].hyperlink is None  # only http(s) links are clickable
    dem = table(book["Inputs - Demand"])
    assert ("(all platforms)", 2027, 1.0) in [(r["Demand id"], r["Year"], r["Demand (t)"]) for r in dem]
    assert sum(1 for r in dem if r["Demand id"] == "def-ndfeb") == 3
    assert table(book["Inputs - Platforms"])[0]["NdFeB magnet (t)"] == 1.0
    assert table(book["Inputs - Markets"])[0]["Covered origin"] == "yes"
    assert "budget_musd_per_year=125.0" in table(book["Inputs - Scenarios"])[0]["Overrides"]


def test_sources_sheet_lists_every_sourced_lever(tmp_path, project, result):
    """Each contract or lever with a source gets a row on Sources: its kind in words, id, name, URL,
    what it supports and the confidence; a lever without sources adds no row."""
    from models.project import GovStockpile, Grant, Offtake, PriceFloor

    project.levers.offtakes = [Offtake(id="ot", name="DoD offtake", facility_id="mag-us", material="ndfeb_magnet",
                                       sources=[Source(url="https://example.com/dod", supports="100 % of output",
                                                       confidence="high")])]
    project.levers.price_floors = [PriceFloor(id="pf", name="", facility_id="sep-us", material="ndpr_oxide",
                                              floor_usd_per_t=110_000,
                                              sources=[Source(url="https://example.com/floor", supports="$110/kg"),
                                                       Source(url="", supports="benchmark: our assumption",
                                                              confidence="derived")])]
    project.levers.grants = [Grant(id="g-none", option_id="exp1", share=0.5)]  # no source: no row
    project.levers.stockpiles = [GovStockpile(id="dla", name="DLA SmCo", material="smco_magnet", capacity_t=60,
                                              sources=[Source(url="https://example.com/dla", supports="60 t",
                                                              confidence="low")])]
    path = tmp_path / "levers.xlsx"
    write_plan_workbook(path, project, result, solved_at=SOLVED_AT)
    src = table(load_workbook(path)["Sources"])
    lever_rows = [(r["Object"], r["Id"], r["Name"], r["URL"], r["Supports"], r["Confidence"]) for r in src[2:]]
    assert lever_rows == [
        ("offtake", "ot", "DoD offtake", "https://example.com/dod", "100 % of output", "high"),
        ("price floor", "pf", "pf", "https://example.com/floor", "$110/kg", "medium"),
        ("price floor", "pf", "pf", None, "benchmark: our assumption", "derived"),
        ("government stockpile", "dla", "DLA SmCo", "https://example.com/dla", "60 t", "low"),
    ]
    ws = load_workbook(path)["Sources"]
    assert ws["D5"].hyperlink is not None and ws["D5"].hyperlink.target == "https://example.com/dod"


def test_number_formats_and_widths(book):
    ws = book["Capacity"]
    hdr = {c.value: c.column_letter for c in ws[2]}
    assert ws[f"{hdr['Year']}3"].number_format == "0"  # no thousands separator in years
    assert ws[f"{hdr['Capacity (t/yr)']}3"].number_format == "#,##0.0"
    assert ws[f"{hdr['Utilisation (%)']}3"].number_format == "0.0%"
    assert ws.column_dimensions[hdr["Capacity (t/yr)"]].width >= len("Capacity") + 2
    assert ws.page_setup.orientation == "landscape"


# ---------------------------------------------------------------------------- charts
def _bar_charts(ws):
    return [c for c in ws._charts if isinstance(c, BarChart)]


def test_native_charts(book, result):
    ws = book["Charts"]
    charts = _bar_charts(ws)
    # NdFeB supply (all segments, defense only), capex, separation + magnet build-out
    assert len(charts) == len(ws._charts) == 2 + 1 + 2
    titles = [" ".join(r.t for p in c.title.tx.rich.p for r in (p.r or [])) for c in charts]
    assert titles == ["NdFeB magnet: supply vs demand", "NdFeB magnet, defense only: supply vs demand",
                      "Capex by year ($M, undiscounted)",
                      "Separation capacity (t TREO feed/yr)", "NdFeB magnet making capacity (t magnet/yr)"]
    supply, defense, capex, sep, mag = charts
    assert supply.grouping == "stacked" and supply.overlap == 100 and len(supply.series) == 3
    assert defense.grouping == "stacked" and len(defense.series) == 3
    assert capex.grouping == "clustered" and len(capex.series) == 1
    assert sep.grouping == "stacked" and len(sep.series) == 2 and mag.grouping == "stacked"
    assert supply.x_axis.delete is False and supply.y_axis.delete is False


def test_chart_data_equals_result(book, result):
    ws = book["Charts"]
    top = find_row(ws, "NdFeB magnet: supply vs demand (t)") + 1
    rows = table(ws, top)[:3]
    assert [(r["Year"], r["Delivered clean (t)"], r["Delivered other origin (t)"], r["Unmet (t)"], r["Demand (t)"])
            for r in rows] == [(2026, 40.0, 60.0, 0.0, 100.0), (2027, 151.0, 50.0, 50.0, 251.0),
                               (2028, 300.0, 0.0, 0.0, 300.0)]
    top = find_row(ws, "NdFeB magnet, defense only: supply vs demand (t)") + 1
    rows = table(ws, top)[:3]
    assert [(r["Year"], r["Delivered clean (t)"], r["Delivered other origin (t)"], r["Unmet (t)"], r["Demand (t)"])
            for r in rows] == [(2026, 40.0, 60.0, 0.0, 100.0), (2027, 151.0, 0.0, 50.0, 201.0),
                               (2028, 300.0, 0.0, 0.0, 300.0)]
    top = find_row(ws, "NdFeB magnet making: capacity build-out (t magnet/yr)") + 1
    rows = table(ws, top)[:3]
    # existing schedule: 100 t/yr online 2026 with ramp 50 % -> 50, 100, 100; plan adds 150 from 2028
    assert [(r["Year"], r["Existing (t magnet/yr)"], r["Added by plan (t magnet/yr)"]) for r in rows] == [
        (2026, 50.0, 0.0), (2027, 100.0, 0.0), (2028, 100.0, 150.0)]
    top = find_row(ws, "Capex committed by decision year ($M, undiscounted)") + 1
    assert [(r["Year"], r["Capex ($M)"]) for r in table(ws, top)[:3]] == [(2026, xl(15.0)), (2027, 10.0), (2028, 0.0)]


# ---------------------------------------------------------------------------- safety
def _all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    yield ws, c


def test_formula_like_text_is_literal(tmp_path, project, result):
    project.facilities[2].name = NASTY_NAMES[0]
    project.facilities[2].operator = NASTY_NAMES[6]
    project.demands[1].name = NASTY_NAMES[7]
    project.facilities[1].notes = NASTY_NAMES[4] + NASTY_NAMES[5]
    path = tmp_path / "nasty.xlsx"
    write_plan_workbook(path, project, result, solved_at=SOLVED_AT)
    wb = load_workbook(path)
    seen = {}
    assert list(_all_cells(wb))
    for ws, c in _all_cells(wb):
        assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
        if isinstance(c.value, str):
            assert c.data_type == "s", f"{ws.title}!{c.coordinate} has data type {c.data_type}"
            seen.setdefault(c.value, c)
    for text in ["=1+1", "+cmd", "@x", "-2", "=HYPERLINK(\"http://evil.example\",\"x\")", "#N/A",
                 "=cmd|' /C calc'!A0", "=Teaching project", "\tTAB\nCR"]:
        assert text in seen, f"{text!r} not written literally"
        assert seen[text].data_type == "s"
        if text[0] in "=+-@\t\r":
            assert seen[text].quotePrefix, f"{text!r} lacks the quote prefix"
    # a carriage return cannot survive XML parsing (any reader turns it into a line feed), so it is
    # stored as a line feed, and a text starting with one still gets the quote prefix
    inv = table(wb["Investments"])
    assert inv[0]["Facility"] == "=1+1" and inv[0]["Operator"] == NASTY_NAMES[6]
    # the raw XML holds the text as an inline string, never in a formula element
    import zipfile
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(name).decode("utf-8")


def test_control_characters_do_not_break_the_file(tmp_path, project, result):
    project.facilities[0].notes = "bad\x00char\x07s"
    path = tmp_path / "ctrl.xlsx"
    write_plan_workbook(path, project, result, solved_at=SOLVED_AT)
    rows = table(load_workbook(path)["Inputs - Facilities"])
    assert rows[0]["Notes"] == "bad\ufffdchar\ufffds"


def test_only_report_cells_writes_cells():
    """One central helper writes cells: no other report module touches cell values directly."""
    planner_dir = Path(report_xlsx.__file__).parent
    pattern = re.compile(r"\.cell\(|\.value\s*=(?!=)|\.append\(\s*\[|\bws\[|\.ws\[")
    for path in sorted(planner_dir.glob("report_*.py")):
        if path.name == "report_cells.py":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            assert not pattern.search(line), f"{path.name}:{n} writes a cell outside report_cells: {line.strip()}"


# ---------------------------------------------------------------------------- atomic write
def _previous(tmp_path) -> tuple[Path, bytes]:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"previous workbook bytes")
    return path, path.read_bytes()


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.mark.parametrize("target", ["os.replace", "os.fsync"])
def test_failed_write_keeps_previous_workbook(tmp_path, monkeypatch, project, result, target):
    path, before = _previous(tmp_path)

    def boom(*a, **k):
        raise OSError(errno.EIO, "simulated I/O error")

    monkeypatch.setattr(target, boom)
    with pytest.raises(ReportWriteError) as err:
        write_plan_workbook(path, project, result, solved_at=SOLVED_AT)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert _leftovers(tmp_path, {"plan.xlsx"}) == []
    assert str(path) in str(err.value) and "simulated I/O error" in str(err.value)
    assert err.value.path == str(path)


def test_failed_first_write_leaves_no_file(tmp_path, monkeypatch, project, result):
    def boom(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("os.fsync", boom)
    with pytest.raises(ReportWriteError, match="the disk is full"):
        write_plan_workbook(tmp_path / "new.xlsx", project, result)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_missing_folder(tmp_path, project, result):
    target = tmp_path / "no" / "such" / "plan.xlsx"
    with pytest.raises(ReportWriteError, match="the folder does not exist") as err:
        write_plan_workbook(target, project, result)
    assert str(target) in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_directory_at_path(tmp_path, project, result):
    (tmp_path / "plan.xlsx").mkdir()
    with pytest.raises(ReportWriteError, match="a folder exists at that path"):
        write_plan_workbook(tmp_path / "plan.xlsx", project, result)
    assert _leftovers(tmp_path, {"plan.xlsx"}) == [] and (tmp_path / "plan.xlsx").is_dir()


def test_read_only_folder_simulated(tmp_path, monkeypatch, project, result):
    """A read-only folder: creating the temp file fails with EACCES (simulated: tests may run as root)."""
    path, before = _previous(tmp_path)

    real_open = os.open

    def denied(file, flags, *a, **k):  # creating a file in the target folder fails; reading still works
        if flags & os.O_CREAT and str(file).startswith(str(tmp_path)):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(file, flags, *a, **k)

    monkeypatch.setattr("os.open", denied)
    with pytest.raises(ReportWriteError, match="permission denied") as err:
        write_plan_workbook(path, project, result)
    monkeypatch.undo()
    assert str(path) in str(err.value)
    assert path.read_bytes() == before and _leftovers(tmp_path, {"plan.xlsx"}) == []


def test_read_only_folder_real(tmp_path, project, result):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "plan.xlsx"
    path.write_bytes(b"old")
    folder.chmod(0o555)
    try:
        probe = folder / "probe"
        try:
            probe.write_bytes(b"")
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip("running with privileges that ignore folder permissions (root); see the simulated test")
        with pytest.raises(ReportWriteError, match="permission denied"):
            write_plan_workbook(path, project, result)
        assert path.read_bytes() == b"old" and sorted(p.name for p in folder.iterdir()) == ["plan.xlsx"]
    finally:
        folder.chmod(0o755)


def test_overwrite_replaces_previous_without_backup(tmp_path, project, result):
    path, _ = _previous(tmp_path)
    write_plan_workbook(path, project, result)
    assert load_workbook(path).sheetnames[:2] == ["Decision brief", "Summary"]
    assert _leftovers(tmp_path, {"plan.xlsx"}) == []  # no .bak, no temp file


# ---------------------------------------------------------------------------- scenarios
def _scenario_results() -> dict[str, PlanResult]:
    base = make_result("base")
    tight = make_result("tight", mag_add=100.0)
    tight.investments = tight.investments[:1]  # the separation expansion is not built
    tight.total_cost_musd = 55.0
    tight.demand[1] = DemandRow("def-ndfeb", "ndfeb_magnet", "defense", 2027, 200.0, 120.0, 120.0, 80.0)
    failed = PlanResult(status=Status.INFEASIBLE, message="infeasible", solver="cbc", scenario="strict")
    return {"base": base, "tight": tight, "strict": failed}


def test_comparison_sheet_in_plan_workbook(tmp_path, project):
    results = _scenario_results()
    path = tmp_path / "cmp.xlsx"
    write_plan_workbook(path, project, results["base"], scenario_results=results, solved_at=SOLVED_AT)
    wb = load_workbook(path)
    assert wb.sheetnames[:4] == ["Decision brief", "Summary", "Scenario comparison", "Charts"]
    ws = wb["Scenario comparison"]
    hdr_row = find_row(ws, "Figure")
    assert [c.value for c in ws[hdr_row]][:4] == ["Figure", "base", "tight", "strict"]
    r = find_row(ws, "Total cost ($M)")
    assert [ws.cell(row=r, column=k).value for k in (2, 3, 4)] == [62.5, 55.0, None]
    r = find_row(ws, "Unmet demand, all years (t)")
    assert [ws.cell(row=r, column=k).value for k in (2, 3, 4)] == [50.0, 80.0, None]
    r = find_row(ws, "Capex committed, undiscounted ($M)")
    assert [ws.cell(row=r, column=k).value for k in (2, 3)] == [xl(25.0), xl(10.0)]
    r = find_row(ws, "NdFeB magnet: clean share of deliveries 2027 (%)")
    assert ws.cell(row=r, column=2).value == xl(151 / 201)
    r = find_row(ws, "NdFeB magnet: defense demand met compliantly 2027 (%)")
    assert [ws.cell(row=r, column=k).value for k in (2, 3)] == [xl(151 / 201), xl(121 / 201)]
    r = find_row(ws, "Status")
    assert ws.cell(row=r, column=4).value == "No plan: the constraints cannot all be met"
    assert ws.cell(row=find_row(ws, "Scenario name"), column=3).value == "Tight budget"
    # unmet by product-year: only rows where a scenario falls short
    unmet = table(ws, find_row(ws, "Product and year"))
    assert [(u["Product and year"], u["base (t)"], u["tight (t)"], u["strict (t)"]) for u in unmet] == [
        ("NdFeB magnet 2027", 50.0, 80.0, None)]
    # investments: both options differ (size of exp1; exp-a built only in base); one column per scenario
    inv = table(ws, find_row(ws, "Facility: option"))
    assert [(i["Facility: option"], i["base"], i["tight"], i["strict"], i["Differs"], i["Why"]) for i in inv] == [
        ("US Magnets: Line 2", "150.0 t/yr, decided 2026", "100.0 t/yr, decided 2026", "(no plan)", "yes",
         "size differs"),
        ("=1+1: Phase 2", "200.0 t/yr, decided 2027", "not built", "(no plan)", "yes",
         "built in some scenarios only")]
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f"


def test_comparison_lists_identical_investments_as_not_differing(tmp_path, project):
    results = {"base": make_result("base"), "tight": make_result("tight")}
    path = tmp_path / "same.xlsx"
    write_plan_workbook(path, project, results["base"], scenario_results=results)
    ws = load_workbook(path)["Scenario comparison"]
    inv = table(ws, find_row(ws, "Facility: option"))
    assert [(i["Facility: option"], i["Differs"], i["Why"], i["base"] == i["tight"]) for i in inv] == [
        ("US Magnets: Line 2", "no", None, True), ("=1+1: Phase 2", "no", None, True)]
    assert find_row(ws, "Unmet demand by product and year (t), where any scenario falls short")


def test_scenarios_workbook_comparison_first(tmp_path, project):
    results = _scenario_results()
    path = tmp_path / "scen.xlsx"
    write_scenarios_workbook(path, project, results, solved_at=SOLVED_AT)
    wb = load_workbook(path)
    assert wb.sheetnames == list(sheet_names(results["base"], with_comparison=True, comparison_first=True))
    assert wb.sheetnames[:4] == ["Scenario comparison", "Decision brief", "Summary", "Charts"]
    ws = wb["Summary"]
    assert ws.cell(row=find_row(ws, "Scenario"), column=2).value.startswith("base")
    assert wb.active.title == "Scenario comparison"
    with pytest.raises(ValueError):
        write_scenarios_workbook(path, project, {})


def test_scenario_result_uses_scenario_settings(tmp_path, project):
    path = tmp_path / "tight.xlsx"
    write_plan_workbook(path, project, make_result("tight"), solved_at=SOLVED_AT)
    ws = load_workbook(path)["Summary"]
    assert ws.cell(row=find_row(ws, "Scenario"), column=2).value == "tight: Tight budget. Half the budget"
    assert ws.cell(row=find_row(ws, "Capex budget per decision year ($M)"), column=2).value == 125.0


# ---------------------------------------------------------------------------- edge cases
def test_plan_with_no_rows_and_unknown_ids(tmp_path, project):
    """An optimal result with empty tables, an unknown scenario and a facility missing from the project."""
    empty = PlanResult(status=Status.OPTIMAL, message="Nothing to do.", solver="cbc", scenario="gone",
                       objective=0.0, total_cost_musd=0.0, cost_breakdown_musd={},
                       capacity=[CapacityRow("ghost", 2026, 10.0, 5.0)],
                       investments=[Investment("ghost", "opt", 2026, 2027, 1.0, 2.0)])
    path = tmp_path / "empty.xlsx"
    write_plan_workbook(path, project, empty)
    wb = load_workbook(path)
    assert wb.sheetnames == list(sheet_names(empty))
    assert table(wb["Flows"])[0]["From id"] == "(none)"
    inv = table(wb["Investments"])
    assert (inv[0]["Facility"], inv[0]["Facility id"], inv[0]["Stage"], inv[0]["Option"]) == (
        "ghost", "ghost", "unknown", "opt")
    ws = wb["Summary"]
    assert ws.cell(row=find_row(ws, "Capex, net of end-of-horizon salvage ($M)"), column=2).value is None
    note = ws.cell(row=find_row(ws, "Note"), column=2).value
    assert "'gone' is not in the project" in note
    charts = wb["Charts"]._charts
    assert len(charts) == 1  # only the build-out of the unknown facility's stage; no demand, no costs
    assert [c.value for c in wb["Charts"]["A"] if isinstance(c.value, str) and "build-out" in c.value] == [
        "unknown: capacity build-out (t/yr)"]


def test_non_finite_numbers_are_written_as_text(tmp_path, project, result):
    result.demand[0] = DemandRow("def-ndfeb", "ndfeb_magnet", "defense", 2026, 100.0, float("nan"), 40.0, 0.0)
    path = tmp_path / "nan.xlsx"
    write_plan_workbook(path, project, result)
    detail = table(load_workbook(path)["Demand detail"])
    row = next(r for r in detail if r["Demand id"] == "def-ndfeb" and r["Year"] == 2026)
    assert row["Delivered (t)"] == "n/a"
