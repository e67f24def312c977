"""Finite stocks (stockpiles, tailings): a stock depletes and never supplies more than it holds."""

import json

import pytest

from models.project import Demand, Facility, Project, Route
from planner.pipeline.solve import SolveOptions, solve_project


def stockpile_chain(initial=300.0, max_draw=120.0, holding=0.0) -> Project:
    """A 300 t TREO stockpile (all NdPr, assay 1.0) -> separation (100 % recovery) -> 150 t/yr of
    NdPr oxide demand in 2026-2028, no other source. Discount rate 0."""
    p = Project(name="stockpile")
    s = p.settings
    s.start_year, s.end_year, s.base_year, s.discount_rate = 2026, 2028, 2026, 0.0
    p.facilities = [
        Facility(id="pile", name="Stockpile", stage="mine", country="AU", capacity_tpy=1000, assay={"ndpr": 1.0},
                 stock_initial_t=initial, stock_max_draw_tpy=max_draw, stock_holding_usd_per_t_yr=holding),
        Facility(id="sep", name="Separation", stage="separation", country="US", capacity_tpy=1000,
                 element_recovery={"ndpr": 1.0}),
    ]
    p.routes = [Route(id="r", from_id="pile", to_id="sep", material="concentrate", transport_usd_per_t=0)]
    p.demands = [Demand(id="oxide", product="ndpr_oxide", segment="commercial",
                        tonnes_by_year={2026: 150.0, 2027: 150.0, 2028: 150.0})]
    return p


def solve(p):
    r = solve_project(p, SolveOptions(solver="highs"))
    assert r.has_plan, r.message
    assert all(c.passed for c in r.checks), [c for c in r.checks if not c.passed]
    return r


def test_a_300_t_stockpile_supplies_exactly_300_t():
    """Demand 3 x 150 = 450 t, stock 300 t, at most 120 t/yr: 300 t are supplied in all, 150 t are
    unmet. Undiscounted penalties are equal in every year, so only the totals are fixed; the
    remaining stock falls to 0 and each year's draw is <= 120 t."""
    r = solve(stockpile_chain())
    rows = {row.year: row for row in r.stock_remaining if row.facility == "pile"}
    assert sum(row.drawn_t for row in rows.values()) == pytest.approx(300)
    assert sum(d.delivered for d in r.demand) == pytest.approx(300)
    assert r.unmet_total() == pytest.approx(150)
    assert all(row.drawn_t <= 120 + 1e-6 for row in rows.values())
    assert rows[2028].remaining_t == pytest.approx(0, abs=1e-6)
    for y in (2026, 2027, 2028):  # remaining[y] = remaining[y-1] - draw[y]
        before = 300.0 if y == 2026 else rows[y - 1].remaining_t
        assert rows[y].remaining_t == pytest.approx(before - rows[y].drawn_t)
    assert any(c.name == "finite_stocks" and c.passed for c in r.checks)
    # in the result JSON too
    d = json.loads(r.to_json())
    assert [(x["year"], x["remaining_t"]) for x in d["stock_remaining"]][-1] == (2028, pytest.approx(0, abs=1e-6))


def test_discounting_draws_the_stock_as_early_as_allowed():
    """At 8 % a tonne unmet in 2026 costs more (discounted) than one in 2028, so the plan draws
    120, 120, 60 t: remaining 180, 60, 0; unmet 30, 30, 90."""
    p = stockpile_chain()
    p.settings.discount_rate = 0.08
    r = solve(p)
    rows = {row.year: row for row in r.stock_remaining}
    assert [rows[y].drawn_t for y in (2026, 2027, 2028)] == pytest.approx([120, 120, 60])
    assert [rows[y].remaining_t for y in (2026, 2027, 2028)] == pytest.approx([180, 60, 0], abs=1e-6)
    assert [d.unmet for d in sorted(r.demand, key=lambda d: d.year)] == pytest.approx([30, 30, 90])


def test_holding_cost_is_charged_on_the_remaining_stock():
    """A 1,000 t stock, reclaiming costs $100/t (more than the at most 3 x $10 of holding a tonne
    could save), so exactly 150 t are drawn per year: remaining 850, 700, 550 t; opex = 450 t x $100
    + holding (850 + 700 + 550) x $10 = $45,000 + $21,000 = 0.066 $M."""
    p = stockpile_chain(initial=1000.0, max_draw=None, holding=10.0)
    p.facilities[0].variable_opex_usd_per_t = 100.0
    r = solve(p)
    assert [row.remaining_t for row in r.stock_remaining] == pytest.approx([850, 700, 550])
    assert r.cost_breakdown_musd["opex"] == pytest.approx(0.066)
    assert r.unmet_total() == pytest.approx(0, abs=1e-6)


def test_verifier_catches_an_overdrawn_stock():
    """The independent check recomputes draws from the point: drawing 400 t from a 300 t stock fails."""
    import numpy as np

    from planner.model.build import create_model
    from planner.model.network import build_network
    from planner.pipeline.verify_supply import check_finite_stocks

    net = build_network(stockpile_chain())
    lp, _ = create_model(net)
    x = np.zeros(lp.n_vars)
    for y, t in ((2026, 150.0), (2027, 150.0), (2028, 100.0)):
        x[lp.var(("act", "pile|", y, "clean"))] = t
    check = check_finite_stocks(lp, x, net)
    assert not check.passed and "pile" in check.detail


def test_stock_fields_only_on_mines():
    with pytest.raises(ValueError, match="only meaningful for mines"):
        Facility(id="s", name="S", stage="separation", stock_initial_t=10)
    with pytest.raises(ValueError, match="need stock_initial_t"):
        Facility(id="m", name="M", stage="mine", stock_max_draw_tpy=10)


def test_cli_summary_and_workbook_show_the_remaining_stock(tmp_path):
    """The 300 t stockpile at 8 %: drew 300 t, 0 t left at the end of 2028; the workbook's
    'Finite stocks' sheet lists 2026 drawn 120 t, remaining 180 t; the facilities input sheet
    shows the 300 t initial stock."""
    import openpyxl

    from planner.reports.text import format_summary
    from planner.reports.xlsx import write_plan_workbook

    p = stockpile_chain()
    p.settings.discount_rate = 0.08
    r = solve(p)
    text = format_summary(r)
    assert "Finite stocks (t TREO):" in text
    assert "pile: drew 300 t in 2026-2028, 0 t left at the end of 2028" in text
    out = tmp_path / "stock.xlsx"
    write_plan_workbook(out, p, r)
    wb = openpyxl.load_workbook(out)
    ws = wb["Finite stocks"]
    headers = [c.value for c in ws[2]]
    rows = [dict(zip(headers, [c.value for c in row])) for row in ws.iter_rows(min_row=3) if row[0].value]
    first = next(x for x in rows if x["Year"] == 2026)
    assert first["Drawn (t)"] == pytest.approx(120) and first["Remaining at year-end (t)"] == pytest.approx(180)
    assert first["Initial stock (t)"] == pytest.approx(300)
    inputs = wb["Inputs - Facilities"]
    headers = [c.value for c in inputs[2]]
    pile = next(dict(zip(headers, [c.value for c in row])) for row in inputs.iter_rows(min_row=3)
                if row[0].value == "pile")
    assert pile["Finite stock (t)"] == pytest.approx(300) and pile["Max draw (t/yr)"] == pytest.approx(120)
