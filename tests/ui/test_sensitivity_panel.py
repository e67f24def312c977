"""The Sensitivity panel runs a sweep off the GUI thread, shows the tornado, cancels, leaves
nothing running; the main window offers it under View."""

from __future__ import annotations

import multiprocessing
import os
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from models import load_project
from tests.planner.helpers import TEACHING
from ui.panels.sensitivity_panel import COL_HIGH, COL_INPUT, COL_LOW, COL_STEPS, COL_USE, SensitivityPanel
from ui.runtime.background import active_tasks


@pytest.fixture
def panel(qtbot):
    w = SensitivityPanel(SimpleNamespace(project=load_project(TEACHING)))
    qtbot.addWidget(w)
    w.time_spin.setValue(30)
    yield w
    w.cancel()
    w.wait()
    assert active_tasks() == []


def _only(panel, *names):
    for r in range(panel.inputs_table.rowCount()):
        use = panel.inputs_table.item(r, COL_INPUT).text() in names
        panel.inputs_table.item(r, COL_USE).setCheckState(Qt.CheckState.Checked if use else Qt.CheckState.Unchecked)


def test_sweep_fills_the_tornado_with_hand_worked_slopes(qtbot, panel):
    _only(panel, "capex", "price")
    row = next(r for r in range(panel.inputs_table.rowCount())
               if panel.inputs_table.item(r, COL_INPUT).text() == "capex")
    panel.inputs_table.item(row, COL_LOW).setText("0.5")
    panel.inputs_table.item(row, COL_HIGH).setText("1.5")
    panel.inputs_table.item(row, COL_STEPS).setText("2")
    panel.workers_spin.setValue(1)
    with qtbot.waitSignal(panel.report_ready, timeout=120_000) as blocker:
        panel.run_button.click()
        assert panel.is_running() and not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    report = blocker.args[0]
    assert len(report.points) == 1 + 2 + 3 and report.n_failed == 0
    assert panel.progress_bar.value() == panel.progress_bar.maximum()
    # price x 0.8..1.2: 1,300 t bought from China x $45,000 x 0.2 = 11.7 $M either way (slope 58.5 $M);
    # capex x 0.5..1.5 of the $7.0M build: 3.5 $M either way -> price ranks first
    assert [panel.tornado_table.item(i, 0).text() for i in range(panel.tornado_table.rowCount())] == ["price", "capex"]
    assert panel.tornado_table.item(0, 3).text() == "-11.70" and panel.tornado_table.item(0, 5).text() == "+58.50"
    assert panel.tornado_table.item(1, 4).text() == "+3.50"
    sets = panel.chart_view.chart().series()[0].barSets()
    assert [sets[0].at(i) for i in range(2)] == pytest.approx([-3.5, -11.7], abs=1e-6)  # bottom to top: capex, price
    panel.metric_combo.setCurrentIndex(panel.metric_combo.findData("coverage"))
    assert "coverage" in panel.chart_view.chart().title()
    assert active_tasks() == []


def test_bad_range_is_refused_in_place(panel):
    _only(panel, "capex")
    panel.inputs_table.item(0, COL_LOW).setText("two")
    panel.run_button.click()
    assert not panel.is_running() and "capex: low and high must be numbers" in panel.status_label.text()


def test_add_capacity_row(panel):
    panel.facility_combo.setCurrentIndex(panel.facility_combo.findData("t_mine"))
    panel.add_capacity_button.click()
    r = panel.inputs_table.rowCount() - 1
    assert panel.inputs_table.item(r, COL_INPUT).text() == "capacity:t_mine"
    assert (panel.inputs_table.item(r, COL_LOW).text(), panel.inputs_table.item(r, COL_HIGH).text()) == ("500", "1500")
    assert [i.name for i in panel.inputs()][-1] == "capacity:t_mine"


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_stops_the_sweep_and_leaves_no_thread_or_process(qtbot, panel, workers):
    _only(panel, "capex", "opex", "price")
    for r in range(3):
        panel.inputs_table.item(r, COL_STEPS).setText("101")  # 304 points: far more than fit in the wait below
    panel.workers_spin.setValue(workers)
    with qtbot.waitSignal(panel.report_ready, timeout=60_000) as blocker:
        panel.run_button.click()
        qtbot.wait(1500)
        panel.cancel_button.click()
        assert not panel.cancel_button.isEnabled()
    report = blocker.args[0]
    assert report.cancelled and len(report.points) < 304
    assert "Cancelled" in panel.status_label.text()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    assert panel.run_button.isEnabled() and active_tasks() == []
    assert multiprocessing.active_children() == []


def test_main_window_offers_it_under_view(qtbot):
    from ui.shell.main_window import MainWindow

    w = MainWindow(load_project(TEACHING))
    qtbot.addWidget(w)
    assert w.sensitivity_dock.widget() is w.sensitivity_panel and w.sensitivity_dock.isHidden()
    view = next(a.menu() for a in w.menuBar().actions() if a.text() == "&View")
    assert "Sensitivity" in [a.text() for a in view.actions()]
    assert "Sensitivity" not in [w.tabs.tabText(i) for i in range(w.tabs.count())]
    w.close()
