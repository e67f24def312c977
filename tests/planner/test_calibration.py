"""Calibration to reported output: the table's arithmetic by hand, and the real sample's table."""

from __future__ import annotations

import pytest

from models import load_project
from models.project import ReportedOutput
from planner.pipeline.calibration import calibration_rows
from planner.pipeline.solve import SolveOptions, solve_project
from planner.result import Production

from .helpers import REAL
from .test_sales_markets import mine_to_oxide


def test_rows_by_hand():
    """The positive-margin chain (tests/planner/test_sales_markets.py) runs its separation plant at
    750 t TREO feed in 2026, making 150 t NdPr oxide. Reported 130 t: (150 - 130) / 130 = +15.4 %,
    within 25 %. Reported 100 t: +50 %, "explained" with a reason, "off" without one."""
    p = mine_to_oxide(70_000)
    p.reported_output = [
        ReportedOutput(facility_id="sep", year=2025, material="ndpr_oxide", tonnes=130),
        ReportedOutput(facility_id="sep", year=2025, material="ndpr_oxide", tonnes=100, reason="Ramp"),
        ReportedOutput(facility_id="sep", year=2025, material="ndpr_oxide", tonnes=100),
    ]
    r = solve_project(p, SolveOptions(solver="highs"))
    rows = r.calibration
    assert [(c.planned_t, c.status) for c in rows] == [(150.0, "within"), (150.0, "explained"), (150.0, "off")]
    assert rows[0].difference == pytest.approx(20 / 130, abs=1e-6)
    assert rows[1].difference == pytest.approx(0.5)
    assert r.to_dict()["calibration"][0]["plan_year"] == 2026
    # pure: only the first plan year's production counts
    r.production = [Production("sep", 2027, "ndpr_oxide", 130.0)]
    assert calibration_rows(p, r)[0].planned_t == 0.0


@pytest.fixture(scope="module")
def real():
    return solve_project(load_project(REAL), SolveOptions(solver="highs", time_limit_s=300))


def test_real_sample_is_calibrated(real):
    """At least 8 operating facilities in the table, none "off"; Mountain Pass (mine and separation),
    Lynas (Mt Weld, LAMP) and Noveon run in every year 2026-2028."""
    assert real.has_plan, real.message
    assert len({c.facility for c in real.calibration}) >= 8
    assert [c.facility for c in real.calibration if c.status == "off"] == []
    act = {(c.facility, c.year): c.activity_t for c in real.capacity}
    for fid in ("mp_mine", "mp_sep", "mt_weld", "lamp", "noveon_mag"):
        for y in (2026, 2027, 2028):
            assert act.get((fid, y), 0.0) > 1.0, (fid, y)


def test_real_sample_reserved_narva_output_never_reaches_us(real):
    """35 % of Neo Narva's magnets go to its European contract buyers in every year it runs."""
    made = {p.year: p.tonnes for p in real.production if p.facility == "neo_narva" and p.material == "ndfeb_magnet"}
    sold = {}
    for s in real.sales:
        if s.market == "eu_narva_contracts":
            sold[s.year] = sold.get(s.year, 0.0) + s.tonnes
    for y, t in made.items():
        assert sold.get(y, 0.0) >= 0.35 * t - 1e-6, y
    assert real.net_cost_musd == pytest.approx(real.total_cost_musd - real.revenue_musd, abs=1e-5)


def test_workbook_sales_and_calibration_sheets(tmp_path):
    """The positive-margin chain's workbook: Sales lists 150 t at $70,000/t = $10.5M per year;
    Calibration shows reported 130 t, planned 150 t, +15.4 %, within; Summary has the revenue and
    net cost lines (21.0 and -9.0 $M)."""
    import openpyxl

    from planner.reports.xlsx import write_plan_workbook

    p = mine_to_oxide(70_000)
    p.reported_output = [ReportedOutput(facility_id="sep", year=2025, material="ndpr_oxide", tonnes=130)]
    r = solve_project(p, SolveOptions(solver="highs"))
    out = tmp_path / "plan.xlsx"
    write_plan_workbook(out, p, r)
    wb = openpyxl.load_workbook(out)
    sales = [row for row in wb["Sales"].iter_rows(min_row=3, values_only=True)]
    assert [(x[1], x[3], x[4], x[6], x[7], x[8]) for x in sales] == [("jp", "sep", 2026, 150, 70000, 10.5),
                                                                     ("jp", "sep", 2027, 150, 70000, 10.5)]
    cal = next(wb["Calibration"].iter_rows(min_row=3, values_only=True))
    assert (cal[1], cal[5], cal[7], cal[9]) == ("sep", 130, 150, "within")
    assert cal[8] == pytest.approx(20 / 130, abs=1e-6)
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Revenue from outside buyers ($M)"] == pytest.approx(21.0)
    assert summary["Net cost: total cost minus revenue ($M)"] == pytest.approx(-9.0)
