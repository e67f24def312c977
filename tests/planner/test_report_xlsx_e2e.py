"""End to end: solve the sample projects, write the workbook, read it back, compare with the result.

Numbers are compared exactly after openpyxl's 16-significant-digit float writing (see ``xl``).
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from models import DemandOverride, Scenario, load_project
from planner.analysis.scenarios import solve_scenarios
from planner.pipeline.solve import SolveOptions, solve_project
from planner.reports.data import capacity_by_stage, supply_by_product
from planner.reports.xlsx import sheet_names, write_plan_workbook, write_scenarios_workbook

from .test_report_xlsx import find_row, table, xl

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"
TEACHING = SAMPLES / "teaching_chain.m2m.json"
REAL = SAMPLES / "us_allied_mine_to_magnet.m2m.json"


def _load(path: Path):
    if not path.exists():
        pytest.skip(f"{path.name} is not in sample_projects/ yet")
    return load_project(path)


@pytest.fixture(scope="module")
def teaching():
    project = _load(TEACHING)
    result = solve_project(project, SolveOptions())
    assert result.has_plan, result.message
    return project, result


@pytest.fixture(scope="module")
def teaching_book(teaching, tmp_path_factory):
    project, result = teaching
    path = tmp_path_factory.mktemp("xlsx") / "teaching.xlsx"
    write_plan_workbook(path, project, result)
    return path, load_workbook(path)


def test_teaching_chain_summary_equals_result(teaching, teaching_book):
    _project, result = teaching
    _path, wb = teaching_book
    assert wb.sheetnames == list(sheet_names(result))
    ws = wb["Summary"]
    value = lambda label: ws.cell(row=find_row(ws, label), column=2).value  # noqa: E731
    assert value("Total cost ($M)") == xl(result.total_cost_musd)
    assert value("Total cost ($M)") == pytest.approx(84.8471, abs=1e-6)  # docs/teaching_chain.md
    for label, key in (("Capex, net of end-of-horizon salvage ($M)", "capex"),
                       ("Opex, fixed and variable ($M)", "opex"),
                       ("Transport ($M)", "transport"), ("Purchases from markets ($M)", "purchases")):
        assert value(label) == xl(result.cost_breakdown_musd[key])
    assert value("Objective incl. unmet-demand penalty ($M)") == xl(result.objective)
    assert value("Total unmet demand (t)") == xl(result.unmet_total())
    assert value("Solver status") == "Optimal plan found"


def test_teaching_chain_tables_equal_result(teaching, teaching_book):
    _project, result = teaching
    _path, wb = teaching_book
    inv = table(wb["Investments"])[:-1]
    assert sorted((r["Facility id"], r["Option id"], r["Decided (year)"], r["Online (year)"],
                   r["Capacity added (t/yr)"], r["Capex ($M)"]) for r in inv) == sorted(
        (i.facility, i.option, i.decided_year, i.online_year, xl(i.added_tpy), xl(i.capex_musd))
        for i in result.investments)
    assert table(wb["Investments"])[-1]["Capex ($M)"] == xl(math.fsum(i.capex_musd for i in result.investments))

    cap = {(r["Facility id"], r["Year"]): (r["Capacity (t/yr)"], r["Activity (t)"]) for r in table(wb["Capacity"])}
    assert cap == {(c.facility, c.year): (xl(c.capacity_tpy), xl(c.activity_t)) for c in result.capacity}

    prod = Counter((r["Facility id"], r["Year"], r["Production (t)"]) for r in table(wb["Production"]))
    assert prod == Counter((p.facility, p.year, xl(p.tonnes)) for p in result.production)

    flows = Counter((r["From id"], r["To id"], r["Year"], r["Class"], r["Tonnes (t)"], r["Source mine"] or None)
                    for r in table(wb["Flows"]))
    assert flows == Counter((f.from_id, f.to_id, f.year, f.klass, xl(f.tonnes), f.source or None) for f in result.flows)

    detail = Counter((r["Demand id"], r["Year"], r["Demand (t)"], r["Delivered (t)"], r["Delivered clean (t)"],
                      r["Unmet (t)"]) for r in table(wb["Demand detail"]))
    assert detail == Counter((d.demand_id, d.year, xl(d.demand), xl(d.delivered), xl(d.delivered_clean), xl(d.unmet))
                             for d in result.demand)

    costs = table(wb["Costs"])[:-1]
    assert [(r["Year"], r["Capex ($M)"], r["Opex ($M)"], r["Transport ($M)"], r["Purchases ($M)"]) for r in costs] == [
        (c.year, xl(c.capex_musd), xl(c.opex_musd), xl(c.transport_musd), xl(c.purchases_musd))
        for c in sorted(result.costs_by_year, key=lambda c: c.year)]

    mc = Counter((r["Segment"], r["Year"], r["Marginal cost ($/t)"]) for r in table(wb["Marginal costs"]))
    assert mc == Counter((m.segment, m.year, xl(m.usd_per_t)) for m in result.marginal_costs)
    bn = Counter((r["Facility id"], r["Year"], r["Value of 1 t/yr more ($/t)"]) for r in table(wb["Bottlenecks"]))
    assert bn == Counter((b.facility, b.year, xl(b.shadow_usd_per_t)) for b in result.bottlenecks)


def test_teaching_chain_supply_sheet_with_pandas(teaching, teaching_book):
    _project, result = teaching
    path, _wb = teaching_book
    df = pd.read_excel(path, sheet_name="Supply vs demand", header=1)
    assert df["Demand (t)"].sum() == pytest.approx(sum(d.demand for d in result.demand), rel=1e-12)
    assert df["Unmet (t)"].sum() == pytest.approx(result.unmet_total(), abs=1e-9)
    clean_plus_other = df["Delivered clean (t)"] + df["Delivered other origin (t)"]
    assert clean_plus_other.sum() == pytest.approx(sum(d.delivered for d in result.demand), rel=1e-12)
    flows = pd.read_excel(path, sheet_name="Flows", header=1)
    assert flows["Tonnes (t)"].sum() == pytest.approx(sum(f.tonnes for f in result.flows), rel=1e-12)


def test_teaching_chain_charts(teaching, teaching_book):
    project, result = teaching
    _path, wb = teaching_book
    charts = wb["Charts"]._charts
    segments = {p: {d.segment for d in result.demand if d.product == p} for p in supply_by_product(result)}
    n_supply = sum(2 if "defense" in s and len(s) > 1 else 1 for s in segments.values())
    n_stages = len(capacity_by_stage(result, project))
    assert n_supply >= 2 and n_stages >= 4
    assert len(charts) == n_supply + 1 + n_stages
    assert all(isinstance(c, BarChart) for c in charts)
    assert [c.grouping for c in charts] == ["stacked"] * n_supply + ["clustered"] + ["stacked"] * n_stages


def test_no_formulas_anywhere(teaching_book):
    _path, wb = teaching_book
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate}"


def test_teaching_chain_scenarios_workbook(teaching, tmp_path):
    project, _ = teaching
    project = project.model_copy(deep=True)
    project.scenarios = [Scenario(id="double", name="Demand x2", overrides=[DemandOverride(factor=2.0)])]
    results = solve_scenarios(project, SolveOptions())
    assert set(results) == {"base", "double"}
    path = tmp_path / "scenarios.xlsx"
    write_scenarios_workbook(path, project, results)
    wb = load_workbook(path)
    assert wb.sheetnames[:3] == ["Scenario comparison", "Decision brief", "Summary"]
    ws = wb["Scenario comparison"]
    r = find_row(ws, "Total cost ($M)")
    assert [ws.cell(row=r, column=k).value for k in (2, 3)] == [xl(results["base"].total_cost_musd),
                                                               xl(results["double"].total_cost_musd)]
    r = find_row(ws, "Unmet demand, all years (t)")
    assert [ws.cell(row=r, column=k).value for k in (2, 3)] == [xl(results["base"].unmet_total()),
                                                               xl(results["double"].unmet_total())]


def test_real_chain_workbook(tmp_path):
    project = _load(REAL)
    result = solve_project(project, SolveOptions())
    assert result.has_plan, result.message
    path = tmp_path / "real.xlsx"
    write_plan_workbook(path, project, result)
    wb = load_workbook(path)
    ws = wb["Summary"]
    assert ws.cell(row=find_row(ws, "Total cost ($M)"), column=2).value == xl(result.total_cost_musd)
    assert len(table(wb["Flows"])) == len(result.flows)
    assert len(table(wb["Capacity"])) == len(result.capacity)
    n_sources = len(project.sources) \
        + sum(len(f.sources) + sum(len(o.sources) for o in f.options) for f in project.facilities) \
        + sum(len(m.sources) for m in project.markets) + sum(len(d.sources) for d in project.demands) \
        + sum(len(p.sources) for p in project.platforms)
    lv = project.levers
    n_lever_sources = sum(len(x.sources) for x in [*lv.offtakes, *lv.price_floors, *lv.grants, *lv.loans,
                                                   *lv.import_licences, *lv.stockpiles])
    assert n_lever_sources >= 12  # every real contract in the sample is sourced
    src = table(wb["Sources"])
    assert len(src) == n_sources + n_lever_sources
    floor = [r for r in src if r["Id"] == "dod_mp_ndpr_floor"]
    assert floor and floor[0]["Object"] == "price floor" and floor[0]["Name"] == lv.price_floors[0].name
    assert floor[0]["URL"] == lv.price_floors[0].sources[0].url


def test_stocks_sheet_lists_the_year_end_stock(tmp_path):
    """A stockpile carried into 2027 appears on the Stocks sheet with its tonnes."""
    from planner.pipeline.solve import SolveOptions, solve_project
    from planner.reports.xlsx import write_plan_workbook
    from tests.planner.helpers import mini_chain

    p = mini_chain(magnet_capacity=100)
    p.demands[0].tonnes_by_year = {2026: 50.0, 2027: 150.0, 2028: 100.0, 2029: 100.0}
    p.settings.stock_holding_usd_per_t_yr = 1000.0
    r = solve_project(p, SolveOptions(solver="highs"))
    out = tmp_path / "stocks.xlsx"
    write_plan_workbook(out, p, r)
    import openpyxl

    ws = openpyxl.load_workbook(out)["Stocks"]
    rows = [[c.value for c in row] for row in ws.iter_rows() if any(c.value == "mag" for c in row)]
    assert len(rows) == 1
    assert 2026 in rows[0] and 50.0 in rows[0] and "clean" in rows[0]


def test_levers_sheet_lists_each_lever_line_with_its_payer(tmp_path):
    """A 50 % grant on a $7M build: the Levers sheet has one grant row of $3.5M paid by government, and the
    Summary splits the total into government $3.5M and industry (total - 3.5)."""
    import openpyxl

    from models.project import Grant
    from tests.planner.helpers import mini_chain, option

    p = mini_chain(magnet_option=option(fixed_capex_musd=2.0))
    p.levers.grants = [Grant(id="g", name="Half the plant", option_id="mag_x", share=0.5)]
    r = solve_project(p, SolveOptions(solver="highs"))
    out = tmp_path / "levers.xlsx"
    write_plan_workbook(out, p, r)
    wb = openpyxl.load_workbook(out)
    rows = [[c.value for c in row] for row in wb["Levers"].iter_rows(min_row=3)]
    assert len(rows) == 1
    assert rows[0][0] == "grant" and rows[0][2] == "g" and rows[0][5] == 2026
    assert rows[0][7] == pytest.approx(3.5) and rows[0][8] == "government"
    assert rows[0][9] == "Half the plant"  # the lever's name (its id in column C)
    # Charts: the government's lever spend per year by kind, plotted next to its table
    ch = wb["Charts"]
    sec = find_row(ch, "Government spend on contracts and levers by year ($M, undiscounted)")
    assert [c.value for c in ch[sec + 1]][:2] == ["Year", "Grants ($M)"] and ch.cell(sec + 1, 3).value is None
    spend = {ch.cell(sec + 2 + i, 1).value: ch.cell(sec + 2 + i, 2).value for i in range(4)}
    assert spend == {2026: pytest.approx(3.5), 2027: 0.0, 2028: 0.0, 2029: 0.0}
    titles = [c.title.tx.rich.p[0].r[0].t for c in ch._charts]
    assert "Government spend on levers ($M, undiscounted)" in titles
    ws = wb["Summary"]
    value = lambda label: ws.cell(row=find_row(ws, label), column=2).value  # noqa: E731
    assert value("Paid by government: levers and transfers ($M)") == pytest.approx(3.5)
    assert value("Paid by industry: total minus government ($M)") == pytest.approx(r.total_cost_musd - 3.5)
