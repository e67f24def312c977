"""The results tab inside the main window at its default size (1400 x 900): it fits the space the
window gives it, a long scenario name cannot push the docks aside, the charts are never cut off,
and a plan that arrives while the tab is hidden is laid out before the tab is first shown."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QScrollArea

from models.project import Scenario
from planner.pipeline.solve import SolveOptions, solve_project
from tests.ui.helpers import close_window
from tests.ui.solve_fixtures import small_project
from ui.runtime import turns
from ui.shell.main_window import MainWindow

LONG_NAME = "Base case with every allied refinery on its announced date and the 2027 ban in force " * 2


@pytest.fixture(scope="module")
def solved():
    project = small_project()
    project.scenarios.append(Scenario(id="base", name=LONG_NAME.strip()))
    result = solve_project(project, SolveOptions(time_limit_s=60))
    assert result.has_plan, result.message
    return project, result


@pytest.fixture
def window(qtbot, solved):
    project, result = solved
    w = MainWindow(project)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.doc.set_result(result)  # the plan arrives with the chain tab on screen
    turns.flush()
    yield w
    close_window(w)


def test_a_plan_arriving_while_hidden_is_laid_out_at_its_page_size(window):
    dash = window.results_dashboard
    assert not dash.isVisible() and not dash.is_filling
    page = dash.parentWidget().contentsRect()
    # the page a dashboard is born with is 100 x 30 px; the first show laid it all out in one turn
    assert dash.geometry() == page and page.width() > 900 and page.height() > 600


def test_results_tab_keeps_the_window_layout_and_fits_its_page(window, qtbot):
    dash = window.results_dashboard
    central = window.tabs.geometry()
    solve_width = window.solve_dock.width()
    window.tabs.setCurrentWidget(dash)
    turns.flush()  # the empty inspector steps aside on the turn after the page's
    qtbot.wait(30)
    assert not window.inspector_dock.isVisible()
    # the page's minimum fits the page: the docks keep their width (a long title as the page's
    # minimum width pushed the solve dock to its own minimum, 390 -> 332 px, and the central area
    # grew by as much), the bottom dock keeps its height
    assert dash.minimumSizeHint().width() <= dash.width()
    assert dash.minimumSizeHint().height() <= dash.height()
    assert window.tabs.geometry() == central
    assert window.solve_dock.width() == solve_width
    # the long scenario name is shortened on screen, whole in the tooltip
    assert dash.title_label.full_text() == f"Plan — {LONG_NAME.strip()}"
    assert dash.title_label.text().endswith("…") and dash.title_label.toolTip() == dash.title_label.full_text()


def test_overview_charts_are_never_cut_off(window, qtbot):
    dash = window.results_dashboard
    window.tabs.setCurrentWidget(dash)
    turns.flush()
    dash.finish_pending()
    assert dash.tabs.currentWidget() is dash.decision_view  # a new plan opens on its brief
    dash.tabs.setCurrentIndex(1)
    qtbot.wait(30)
    scroll = dash.tabs.widget(1)
    assert isinstance(scroll, QScrollArea) and dash.tabs.tabText(1) == "Overview"
    content = scroll.widget()
    # 900 px of window leave less than two rows of 240 px charts: the page scrolls instead of
    # cutting the charts' year axes off (the cards were 174 px high around 240 px views)
    assert content.height() >= content.minimumSizeHint().height()
    assert scroll.verticalScrollBar().maximum() > 0
    for view in (dash.supply_view, dash.cost_view, dash.marginal_view):
        card = view.parentWidget()
        assert view.height() >= view.minimumHeight() == 240
        assert card.contentsRect().contains(view.geometry()), type(card).__name__


def test_a_long_scenario_name_does_not_widen_the_solve_dock_or_the_risk_tab(window):
    name = LONG_NAME.strip()
    combo = window.solve_panel.scenario_combo
    assert combo.currentText() == name
    # the Solve dock kept the 390 px it is given (a picker sized to this name made it 1,140 px
    # wide at least and left the chain 698 px)
    assert window.solve_dock.width() == 390 and window.tabs.width() > 1000
    assert combo.minimumSizeHint().width() < 300
    assert combo.toolTip().startswith(name)  # the whole name where the picker shows part of it
    assert combo.view().minimumWidth() > combo.width()  # the open list shows names whole
    risk = next(p for p in window.analysis_panels if type(p).__name__ == "RiskPanel")
    assert risk.scenario_combo.currentText() == name
    assert risk.minimumSizeHint().width() < window.tabs.width()


def test_investments_are_above_the_fold_with_their_names_whole(window, qtbot):
    """At 1400 x 900 the investments table sat in the Overview's bottom-right quarter, below the
    fold, with ~470 px for seven columns (names cut to about 10 characters). It is now the
    Overview's first row across the page: on screen without scrolling, names on one line."""
    dash = window.results_dashboard
    window.tabs.setCurrentWidget(dash)
    overview = next(dash.tabs.widget(i) for i in range(dash.tabs.count()) if dash.tabs.tabText(i) == "Overview")
    dash.tabs.setCurrentWidget(overview)
    turns.flush()
    qtbot.wait(30)
    table = dash.investments_table
    assert table.isVisible() and table.model().rowCount() > 0
    assert isinstance(overview, QScrollArea) and overview.verticalScrollBar().value() == 0
    # the table's first row lies inside the scroll area's viewport
    top = table.viewport().mapTo(overview.viewport(), table.visualRect(table.model().index(0, 0)).topLeft())
    assert 0 <= top.y() < overview.viewport().height() - 20
    # every facility and option name fits its column on one line
    fm = table.fontMetrics()
    model = table.model()
    for c in (0, 1):
        widest = max(fm.horizontalAdvance(str(model.data(model.index(r, c)))) for r in range(model.rowCount()))
        assert table.columnWidth(c) >= widest + 8, (c, table.columnWidth(c), widest)
