"""Run menu and shortcuts, Help's guide and version, tooltips, and accessible names for every input."""

from __future__ import annotations

from importlib import metadata

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from models.io import save_project
from tests.ui.demo_project import demo_project
from tests.ui.helpers import close_window, install_dialogs
from tests.ui.solve_fixtures import hand_result, small_project
from ui.shell import run_menu
from ui.shell.main_window import MainWindow
from ui.widgets.accessible import inputs_under


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "demo.m2m.json"
    save_project(demo_project(), path)
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=lambda win: win.doc.undo_stack.setClean())
    assert w.open_path(str(path), ask=False)
    yield w
    close_window(w)


def _menu_titles(window: MainWindow) -> list[str]:
    return [a.text().replace("&", "") for a in window.menuBar().actions()]


def test_run_menu_lists_solve_cancel_export_compare_and_risk_with_shortcuts(window):
    assert "Run" in _menu_titles(window)
    rm = window.run_menu
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in rm.menu.actions() if a.text()}
    assert shortcuts == {
        "Solve": "F5", "Cancel solve": "Shift+F5", "Export to Excel...": "Ctrl+E",
        "Export JSON...": "Ctrl+Shift+E", "Compare scenarios": "F6", "Run risk analysis": "F8",
    }
    # no two window-wide actions share a shortcut (F7 stays Validate now; Del is per table)
    keys = [s.toString() for a in window.findChildren(type(rm.act_solve))
            if a.shortcutContext() == Qt.ShortcutContext.WindowShortcut for s in a.shortcuts() if not s.isEmpty()]
    assert len(keys) == len(set(keys)), sorted(keys)


def test_solve_and_cancel_from_the_menu_follow_the_dock_buttons(window, qtbot):
    window.doc.set_project(small_project(), None)
    rm = window.run_menu
    assert rm.act_solve.isEnabled() and not rm.act_cancel.isEnabled()
    rm.act_solve.trigger()
    assert window.solve_panel.is_running
    # the buttons changed state: the actions followed without the menu being opened
    assert not rm.act_solve.isEnabled() and rm.act_cancel.isEnabled()
    rm.act_cancel.trigger()
    assert not window.solve_panel.is_running
    assert rm.act_solve.isEnabled() and not rm.act_cancel.isEnabled()
    qtbot.waitUntil(lambda: not window.solve_panel.all_solves(), timeout=10_000)


def test_export_actions_are_enabled_only_with_a_plan(window):
    rm = window.run_menu
    assert not rm.act_export_xlsx.isEnabled() and not rm.act_export_json.isEnabled()
    window.doc.set_project(small_project(), None)
    window.doc.set_result(hand_result())
    assert rm.act_export_xlsx.isEnabled() and rm.act_export_json.isEnabled()


def test_risk_action_shows_the_risk_tab_and_starts_the_run(window, qtbot):
    window.doc.set_project(small_project(), None)
    window.risk_panel.n_spin.setValue(2)
    window.risk_panel.workers_spin.setValue(1)
    window.run_menu.act_risk.trigger()
    assert window.tabs.currentWidget() is window.risk_panel
    assert window.risk_panel.is_running()
    assert not window.run_menu.act_risk.isEnabled()  # a second F8 does not start a second run
    window.risk_panel.cancel()
    qtbot.waitUntil(lambda: not window.risk_panel.is_running(), timeout=30_000)
    assert window.run_menu.act_risk.isEnabled()


def test_solve_and_cancel_buttons_have_tooltips_naming_their_keys(window):
    assert "F5" in window.solve_panel.solve_button.toolTip()
    assert "Shift+F5" in window.solve_panel.cancel_button.toolTip()


def test_about_names_the_installed_version(window, monkeypatch):
    rec = install_dialogs(monkeypatch)
    window.about()
    version = metadata.version("mine2magnet")
    assert f"version {version}" in rec.boxes[0]["text"]


def test_user_guide_opens_the_file_or_falls_back_to_the_built_in_guide(window, monkeypatch, tmp_path):
    opened: list[str] = []
    guide = tmp_path / "user_guide.md"
    guide.write_text("# Guide\n")
    assert run_menu.open_user_guide(window, guide, lambda url: opened.append(url.toLocalFile()) or True) == "file"
    assert opened == [str(guide)]
    rec = install_dialogs(monkeypatch)
    # no file: the built-in guide in a box (also when the desktop cannot open the file)
    assert run_menu.open_user_guide(window, tmp_path / "missing.md", lambda url: True) == "built-in"
    assert run_menu.open_user_guide(window, guide, lambda url: False) == "built-in"
    assert "Solve" in rec.boxes[0]["text"] and len(rec.boxes) == 2
    assert window.act_guide.shortcut() == QKeySequence("F1")


def test_every_input_of_the_window_has_an_accessible_name(window):
    """Walk every line edit, spin box, combo, check box... of the window (with a facility selected,
    so the inspector's form and its sources table are filled) and ask each for its name."""
    window.doc.set_current_facility(window.doc.project.facilities[0])
    inputs = inputs_under(window)
    assert len(inputs) > 80
    unnamed = [f"{type(w).__name__} ({w.toolTip()[:40]!r})" for w in inputs if not w.accessibleName().strip()]
    assert unnamed == []
    # the names are what the label beside the field says
    names = {w.accessibleName() for w in inputs}
    assert {"Capacity (t/yr)", "Time limit", "Scenario", "Solver", "Discount rate (0-1)"} <= names

