"""ScenarioCompareView: solves every scenario off the GUI thread and shows the comparison table."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from planner.pipeline.solve import solve_project
from tests.planner.risk_fixtures import teaching_project
from ui.panels.risk_panel import active_tasks
from ui.panels.scenario_compare_view import ScenarioCompareView


def _cell(view, row_label, col):
    t = view.table
    for r in range(t.rowCount()):
        if t.verticalHeaderItem(r).text().strip() == row_label:
            return t.item(r, col).text()
    raise KeyError(row_label)


def test_solve_all_scenarios_and_show_the_table(qtbot):
    view = ScenarioCompareView(SimpleNamespace(project=teaching_project()), solve_fn=solve_project)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.comparison_ready, timeout=120_000) as blocker:
        view.run_button.click()
    results, cmp = blocker.args[0]
    qtbot.waitUntil(lambda: not view.is_running(), timeout=10_000)
    assert list(results) == ["base", "china_cut", "sep_late", "demand_x2", "capex_up"]
    t = view.table
    assert t.columnCount() == 5
    # long names on two lines, broken at the space nearest the middle
    assert [t.horizontalHeaderItem(k).text() for k in range(5)] == [
        "Base case", "No Chinese\nsupply", "Separation 2\nyears late", "Defense\ndemand x2", "Capex +30 %"]
    assert _cell(view, "Total cost ($M)", 0) == f"{results['base'].total_cost_musd:,.1f}"
    assert _cell(view, "NdFeB magnet: unmet 2028 (t)", 2) == "75.0"
    # the late separation plant leaves 75 t short: whatever it costs, it ranks below base (no shortfall)
    rank = "Rank (defense, commercial, contract short; cost)"
    assert int(_cell(view, rank, 2)) > int(_cell(view, rank, 0))
    assert _cell(view, "Lost supply at value of lost supply ($M)", 0) == "0.0"
    # names, not ids (unnamed options keep their id); the year is the online year: decided + 2 yr lead time
    assert _cell(view, "Metal US: metal_x", 0) == "not built"
    assert _cell(view, "Metal US: metal_x", 3).endswith("\nonline 2028")  # decided 2026
    assert _cell(view, "Magnet US: magnet_x", 2) == "50 t/yr\nonline 2029"  # decided 2027
    # nothing clipped: each scenario column is as wide as its widest cell and header line
    fm, hfm = t.fontMetrics(), t.horizontalHeader().fontMetrics()
    for k in range(5):
        cells = [line for r in range(t.rowCount()) if t.item(r, k) for line in t.item(r, k).text().split("\n")]
        head = t.horizontalHeaderItem(k).text().split("\n")
        need = max([fm.horizontalAdvance(x) for x in cells] + [hfm.horizontalAdvance(x) for x in head])
        assert t.columnWidth(k) >= need + 8, (k, t.columnWidth(k), need)
    assert view.progress_bar.value() == view.progress_bar.maximum()
    assert active_tasks() == []


@pytest.mark.timing
def test_cancel_while_solving_in_child_processes(qtbot):
    view = ScenarioCompareView(SimpleNamespace(project=teaching_project()))  # default: killable subprocess solves
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.comparison_ready, timeout=60_000) as blocker:
        view.run_button.click()
        qtbot.wait(300)
        view.cancel_button.click()
    results, cmp = blocker.args[0]
    assert len(results) < 5
    assert "Cancelled" in view.status_label.text()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=10_000)
    assert view.run_button.isEnabled() and active_tasks() == []


def test_panels_in_the_main_window_api_and_stale_notice(qtbot):
    """Constructed as the main window does: cls(document, parent); edits mark results as stale."""
    from models import Project
    from ui.document.document import Document
    from ui.panels.risk_panel import RiskPanel

    doc = Document(teaching_project())
    view = ScenarioCompareView(doc, None, solve_fn=solve_project)
    risk = RiskPanel(doc, None)
    qtbot.addWidget(view)
    qtbot.addWidget(risk)
    assert risk.scenario_combo.count() == 5
    with qtbot.waitSignal(view.comparison_ready, timeout=120_000):
        view.start()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=10_000)
    doc.set_field(doc.project.facilities[0], "capacity_tpy", 900.0)
    assert "changed" in view.status_label.text()
    doc.set_project(Project(name="empty"))
    assert risk.scenario_combo.count() == 1  # only the base case is left
    assert not view.is_running() and not risk.is_running()
