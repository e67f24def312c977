"""In the app, a solve with no plan says what to relax (the chain of tests/planner/test_relax.py,
worked by hand there: raise the 2026 capex budget by $1.0M, or lower DLA's commitment by 20 t)."""

from __future__ import annotations

from planner.result import Status
from tests.planner.test_relax import BUDGET_TEXT, COMMIT_TEXT, infeasible_chain
from ui.shell.main_window import MainWindow


def test_the_app_shows_the_relaxation_of_an_infeasible_chain(qtbot):
    w = MainWindow(infeasible_chain())
    qtbot.addWidget(w)
    panel = w.solve_panel
    with qtbot.waitSignal(panel.result_ready, timeout=120_000) as blocker:
        panel.solve_button.click()
    result = blocker.args[0]
    assert result.status is Status.INFEASIBLE
    dash = w.results_dashboard
    qtbot.waitUntil(lambda: BUDGET_TEXT in dash.message_label.text(), timeout=5_000)
    text = dash.message_label.text()
    assert "or, changing only commitments:" in text
    assert COMMIT_TEXT in text
    assert BUDGET_TEXT in panel.status_label.text()
    w.shutdown()
