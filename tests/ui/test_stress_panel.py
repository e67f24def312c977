"""Stress tab: runs the N-1 screen off the GUI thread and ranks the elements, critical rows marked."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import Qt

from tests.planner.resilience_fixtures import sole_and_dual_project
from ui.panels.stress_panel import CRITICAL, StressPanel


def test_the_stress_tab_ranks_the_sole_supplier_and_marks_it(qtbot):
    """sole_and_dual_project, 2027 only: country AU 130 t, country US 30 t, smco_us 30 t are single
    points of failure (shaded); mag_us is not (the spare plant takes over)."""
    panel = StressPanel(SimpleNamespace(project=sole_and_dual_project()))
    qtbot.addWidget(panel)
    panel.first_spin.setValue(2027)
    panel.last_spin.setValue(2027)
    panel.workers_spin.setValue(1)
    panel.run_button.click()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=60_000)
    rows = [[panel.table.item(r, c).text() for c in range(3)] for r in range(panel.table.rowCount())]
    assert rows[:3] == [["AU (country)", "country", "yes"], ["US (country)", "country", "yes"],
                        ["SmCo US", "facility", "yes"]]  # names, not ids: the ids are the rows' data
    assert panel.table.item(2, 0).data(Qt.ItemDataRole.UserRole) == "facility:smco_us"
    assert panel.table.item(0, 3).text() == "130.0"
    assert ["NdFeB US", "facility", "no"] in rows
    assert panel.table.item(2, 0).background().color() == CRITICAL
    assert panel.critical_facilities() == ["smco_us"]
    assert "3 single points of failure in 2027." in panel.status_label.text()


def test_the_risk_tab_holds_the_stress_view(qtbot):
    from ui.panels.risk_panel import RiskPanel

    risk = RiskPanel(SimpleNamespace(project=sole_and_dual_project()))
    qtbot.addWidget(risk)
    titles = [risk.tabs.tabText(i) for i in range(risk.tabs.count())]
    assert titles[-2:] == ["Robust plan", "Stress (N-1)"]
    assert risk.tabs.widget(risk.tabs.count() - 1) is risk.stress_panel
