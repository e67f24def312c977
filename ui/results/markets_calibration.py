"""Results tab "Sales and calibration": sales to outside buyers and reported output against the plan.

Two read-only tables filled from a PlanResult:
- sales to outside buyers, summed per buyer and facility over the horizon (t, revenue $M of each
  year, undiscounted), then any reserved (contracted) volume the plan could not sell;
- calibration: each facility's reported output against the plan's first year, the difference and
  its status (within 25 %, explained by the stated reason, or off), the reason in the tooltip.
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QTableWidget, QVBoxLayout, QWidget

from models.project import Project
from planner.reports.figures import calibration_not_off, sales_by_market_facility
from planner.result import PlanResult
from ui.results.stocks_levers import _fit_columns, _item, _table
from ui.results.summary import material_label

SALES_HEADERS = ["Buyer", "Facility", "Years", "Tonnes", "Revenue $M"]
CALIBRATION_HEADERS = ["Facility", "Material", "Reported", "Tonnes", "Plan year", "Planned t", "Difference", "Status"]
STATUS_COLOURS = {"within": "#2e7d32", "explained": "#8a6d00", "off": "#c62828"}


def sales_rows(project: Project | None, result: PlanResult) -> list[tuple[list[str], list[str]]]:
    """(cells, tooltips) per buyer and facility: years sold, tonnes and revenue summed."""
    names = {f.id: f.name for f in project.facilities} if project is not None else {}
    buyers = {m.id: m.name or m.id for m in project.sales_markets} if project is not None else {}
    out = []
    for g in sales_by_market_facility(result):
        m, f, y0, y1 = g.market, g.facility, g.first_year, g.last_year
        out.append(([buyers.get(m, m), names.get(f, f), f"{y0}-{y1}" if y1 > y0 else str(y0), f"{g.tonnes:,.1f}",
                     f"{g.revenue_musd:,.1f}"], [m, f, "", "", ""]))
    for s in result.sales_shortfall:
        out.append(([buyers.get(s.market, s.market), "reserved volume not sold", str(s.year), f"-{s.short_t:,.1f}", ""],
                    [s.market, f"{s.short_t:,.1f} t of {s.reserved_t:,.1f} t contracted", "", "", ""]))
    return out


class SalesAndCalibration(QWidget):
    """The two tables, each with a line that says what it shows (or that there is nothing)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 0)
        self.sales_label = QLabel("<b>Sales to outside buyers</b>")
        self.sales = _table(SALES_HEADERS, stretch=0)
        self.calibration_label = QLabel("<b>Calibration to reported output</b>")
        self.calibration = _table(CALIBRATION_HEADERS, stretch=0)
        for w in (self.sales_label, self.sales, self.calibration_label, self.calibration):
            lay.addWidget(w, 1 if isinstance(w, QTableWidget) else 0)

    def set_result(self, project: Project | None, result: PlanResult | None) -> None:
        rows = sales_rows(project, result) if result is not None else []
        self.sales.setRowCount(len(rows))
        for i, (cells, tips) in enumerate(rows):
            for c, text in enumerate(cells):
                self.sales.setItem(i, c, _item(text, tips[c], number=c >= 3))
        _fit_columns(self.sales, [cells for cells, _ in rows], stretch=0)
        head = "<b>Sales to outside buyers</b> (sums over years; revenue in $M of each year, undiscounted)"
        if result is not None and result.revenue_musd is not None and result.net_cost_musd is not None:
            head += (f": revenue ${result.revenue_musd:,.1f} M, net cost ${result.net_cost_musd:,.1f} M "
                     "(discounted)")
        self.sales_label.setText(head if rows else "<b>Sales to outside buyers</b>: none in this plan")
        cal = list(result.calibration) if result is not None else []
        names = {f.id: f.name for f in project.facilities} if project is not None else {}
        self.calibration.setRowCount(len(cal))
        texts = []
        for i, c in enumerate(cal):
            cells = [names.get(c.facility, c.facility), material_label(c.material), f"{c.reported_year} {c.basis}",
                     f"{c.reported_t:,.0f}", str(c.plan_year), f"{c.planned_t:,.0f}",
                     "-" if c.difference is None else f"{100 * c.difference:+.1f} %", c.status]
            texts.append(cells)
            tips = [c.facility, "", c.source, "", "", "", "", c.reason or "within 25 % of the reported figure"]
            for col, text in enumerate(cells):
                self.calibration.setItem(i, col, _item(text, tips[col], number=col in (3, 5, 6)))
            self.calibration.item(i, 7).setForeground(QColor(STATUS_COLOURS.get(c.status, "#000000")))
        _fit_columns(self.calibration, texts, stretch=0)
        ok = calibration_not_off(result) if result is not None else 0
        self.calibration_label.setText(
            f"<b>Calibration to reported output</b>: {ok} of {len(cal)} facilities within 25 % of the plan's first "
            "year or explained (hover a status for the reason)" if cal
            else "<b>Calibration to reported output</b>: no reported output in this project")


__all__ = ["SalesAndCalibration", "sales_rows"]
