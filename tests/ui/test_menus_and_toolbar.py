"""Friction fixes in the main window: Plan menu with shortcuts, About with the version, tooltips on
Solve and Cancel, Delete facility only with a selection, toolbar buttons that do not jump."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QToolBar

from models import load_project
from planner.cli.main import version
from ui.shell.main_window import MainWindow

TEACHING = Path(__file__).resolve().parents[2] / "sample_projects" / "teaching_chain.m2m.json"


def _window(qtbot) -> MainWindow:
    w = MainWindow(load_project(TEACHING))
    qtbot.addWidget(w)
    return w


def _menu(w: MainWindow, title: str) -> dict[str, str]:
    menu = next(a.menu() for a in w.menuBar().actions() if a.text().replace("&", "") == title)
    return {a.text().replace("&", ""): a.shortcut().toString() for a in menu.actions() if a.text()}


def test_plan_menu_has_solve_results_compare_and_risk_with_shortcuts(qtbot):
    w = _window(qtbot)
    plan = _menu(w, "Plan")
    assert plan["Solve"] == "F5"
    assert plan["Show results"] == "Ctrl+R"
    assert plan["Compare scenarios"] == "Ctrl+Shift+M" and plan["Risk analysis"] == "Ctrl+Shift+R"
    files = _menu(w, "File")
    assert files["Export plan to Excel..."] == "Ctrl+E" and files["Export brief (PDF)..."] == "Ctrl+Shift+B"
    w.act_risk.trigger()
    assert w.tabs.currentWidget() is w.risk_panel
    w.act_compare.trigger()
    assert w.tabs.currentWidget() is w.compare_view
    assert not w.act_cancel_solve.isEnabled() and w.act_solve.isEnabled()
    w.shutdown()


def test_about_names_the_version_and_solve_cancel_have_tooltips(qtbot):
    w = _window(qtbot)
    assert f"mine2magnet {version()}" in w.about_text()
    assert "least cost" in w.solve_panel.solve_button.toolTip()
    assert "Stop the running solve" in w.solve_panel.cancel_button.toolTip()
    w.shutdown()


def test_delete_facility_is_disabled_with_nothing_selected(qtbot):
    w = _window(qtbot)
    w.doc.set_current_facility(None)
    assert not w.act_delete_facility.isEnabled()
    w.doc.set_current_facility(w.doc.project.facilities[0])
    assert w.act_delete_facility.isEnabled()
    w.shutdown()


def test_toolbar_buttons_do_not_jump_when_undo_text_changes(qtbot):
    w = _window(qtbot)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    tb = w.findChild(QToolBar, "MainToolBar")
    button = tb.widgetForAction(w.act_validate)
    before = button.geometry()
    f = w.doc.project.facilities[0]
    w.doc.set_current_facility(f)
    w.delete_selected_facility()  # an undoable edit with a long label
    qtbot.wait(20)
    assert w.doc.undo_stack.canUndo()
    assert tb.widgetForAction(w.tb_undo).text() == "Undo"
    assert w.tb_undo.toolTip().startswith("Undo ") and len(w.tb_undo.toolTip()) > len("Undo ")
    assert button.geometry() == before
    w.shutdown()
