"""The export confirmations ("Saved <path>") are drawn beside the Export buttons, never under them,
and wholly inside the window, at the two window sizes planners use (1400 x 900 and 1920 x 1080).

Before the fix the status label (Ignored width policy, fixed 240 px) got 0 px from the header's
layout and was drawn from there at 240 px over the progress bar's place and the "Export to
Excel..." button (at 1400 x 900: status x 666-906, button x 773-890); the brief's status ran
under "Export brief (PDF)..." the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from planner.pipeline.solve import SolveOptions, solve_project
from tests.ui.helpers import close_window
from tests.ui.solve_fixtures import small_project
from ui.runtime import turns
from ui.shell.main_window import MainWindow


@pytest.fixture(scope="module")
def solved():
    project = small_project()
    result = solve_project(project, SolveOptions(time_limit_s=60))
    assert result.has_plan, result.message
    return project, result


def rect_in(window: QWidget, w: QWidget) -> QRect:
    """``w``'s rectangle in the window's coordinates."""
    return QRect(w.mapTo(window, w.rect().topLeft()), w.size())


def assert_beside(window: QWidget, status: QWidget, others: list[QWidget]) -> None:
    box = rect_in(window, status)
    assert status.isVisible() and box.width() > 100
    assert window.rect().contains(box), (box, window.rect())  # wholly inside the window
    for other in others:
        assert not box.intersects(rect_in(window, other)), (box, rect_in(window, other), other)


@pytest.mark.parametrize("size", [(1400, 900), (1920, 1080)])
def test_the_export_confirmations_do_not_overlap_the_buttons(qtbot, solved, tmp_path, size):
    project, result = solved
    window = MainWindow(project)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    try:
        window.doc.set_result(result)
        dash = window.results_dashboard
        window.tabs.setCurrentWidget(dash)
        turns.flush()
        dash.finish_pending()

        xlsx = tmp_path / "a plan with a long name in a folder of its own.xlsx"
        dash.export_xlsx_in_background(str(xlsx))
        qtbot.waitUntil(lambda: not dash.is_exporting, timeout=120_000)
        assert xlsx.exists() and dash.export_status.full_text() == f"Saved {xlsx}"
        qtbot.wait(20)
        # the progress bar keeps its place while hidden: it must not be covered either
        assert_beside(window, dash.export_status,
                      [dash.export_xlsx_button, dash.export_json_button, dash.export_progress, dash.title_label])
        assert dash.export_status.text().endswith(".xlsx")  # shortened in the middle: the file's name shows

        view = dash.decision_view
        pdf = tmp_path / "brief.pdf"
        view.export_pdf(str(pdf))
        qtbot.waitUntil(lambda: not view.is_exporting, timeout=60_000)
        assert Path(pdf).read_bytes().startswith(b"%PDF") and view.status.full_text() == f"Saved {pdf}"
        qtbot.wait(20)
        assert_beside(window, view.status, [view.export_button])
    finally:
        close_window(window)
