"""The results tab "Sales and calibration": rows read back after a hand-made result is shown."""

from __future__ import annotations

from models.project import Facility, Project, SalesMarket
from planner.result import CalibrationRow, PlanResult, SaleRow, SalesShortfall, Status
from ui.results.markets_calibration import SalesAndCalibration


def _project() -> Project:
    p = Project(name="t")
    p.facilities = [Facility(id="sep", name="Separation plant", stage="separation", country="US")]
    p.sales_markets = [SalesMarket(id="jp", name="Japan buyers", material="ndpr_oxide",
                                   price_usd_per_t_by_year={2026: 70_000})]
    return p


def _result() -> PlanResult:
    r = PlanResult(Status.OPTIMAL, "ok", "highs", total_cost_musd=12.0, revenue_musd=21.0, net_cost_musd=-9.0)
    r.sales = [SaleRow("jp", "sep", 2026, "clean", 150.0, 70_000.0, 10.5),
               SaleRow("jp", "sep", 2027, "clean", 150.0, 70_000.0, 10.5)]
    r.sales_shortfall = [SalesShortfall("jp", 2027, 40.0, 12.5)]
    r.calibration = [CalibrationRow("sep", "Separation plant", "ndpr_oxide", 2025, 130.0, "actual", 2026, 150.0,
                                    20 / 130, "within", "", "https://example.org"),
                     CalibrationRow("sep", "Separation plant", "ndpr_oxide", 2025, 100.0, "actual", 2026, 150.0,
                                    0.5, "explained", "Ramp", "")]
    return r


def test_tables_show_sales_sums_and_calibration(qtbot):
    """Two sales rows of 150 t and $10.5M sum to one row 2026-2027, 300 t, $21.0M; the reserved
    shortfall is its own row; calibration shows +15.4 % within and +50.0 % explained (reason in the tooltip)."""
    w = SalesAndCalibration()
    qtbot.addWidget(w)
    w.set_result(_project(), _result())
    cells = [[w.sales.item(r, c).text() for c in range(w.sales.columnCount())] for r in range(w.sales.rowCount())]
    assert cells == [["Japan buyers", "Separation plant", "2026-2027", "300.0", "21.0"],
                     ["Japan buyers", "reserved volume not sold", "2027", "-12.5", ""]]
    assert "revenue $21.0 M, net cost $-9.0 M" in w.sales_label.text()
    cal = [[w.calibration.item(r, c).text() for c in range(w.calibration.columnCount())]
           for r in range(w.calibration.rowCount())]
    assert cal[0][6:] == ["+15.4 %", "within"] and cal[1][6:] == ["+50.0 %", "explained"]
    assert w.calibration.item(1, 7).toolTip() == "Ramp"
    assert "2 of 2 facilities" in w.calibration_label.text()
    w.set_result(None, None)
    assert w.sales.rowCount() == 0 and "none" in w.sales_label.text()
