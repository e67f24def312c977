"""Toolbar buttons keep their place as the undo text changes; Delete facility needs a selection;
Esc cancels placing a facility on the map wherever the focus is."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QToolBar

from models.io import save_project
from tests.ui.demo_project import demo_project
from tests.ui.helpers import close_window
from ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "demo.m2m.json"
    save_project(demo_project(), path)
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=lambda win: win.doc.undo_stack.setClean())
    assert w.open_path(str(path), ask=False)
    w.show()
    qtbot.waitExposed(w)
    yield w
    close_window(w)


def _toolbar_button(window: MainWindow, text: str):
    tb = window.findChild(QToolBar, "MainToolBar")
    for action in tb.actions():
        if action.text().replace("&", "") == text:
            return tb.widgetForAction(action)
    raise AssertionError(f"no toolbar button {text!r}")


def test_toolbar_buttons_do_not_move_when_the_undo_text_changes(window, qtbot):
    add = _toolbar_button(window, "Add facility")
    x_before = add.geometry().x()
    f = window.doc.project.facilities[0]
    # a long command text: "Undo Edit Ownership notes" in the old toolbar button
    window.doc.set_field(f, "ownership_notes", "x", "Edit Ownership notes of a facility with a long name")
    QTest.qWait(10)
    undo = _toolbar_button(window, "Undo")
    assert undo.text() == "Undo"
    assert "Edit Ownership notes of a facility with a long name" in window.tb_undo.toolTip()
    assert add.geometry().x() == x_before
    window.tb_undo.trigger()
    assert window.doc.project.facilities[0].ownership_notes != "x"
    assert window.tb_redo.isEnabled() and not window.tb_undo.isEnabled()
    assert _toolbar_button(window, "Redo").text() == "Redo"


def test_delete_facility_is_enabled_only_with_a_facility_selected(window):
    assert window.doc.current_facility is None
    assert not window.act_delete_facility.isEnabled()
    window.doc.set_current_facility(window.doc.project.facilities[2])
    assert window.act_delete_facility.isEnabled()
    window.doc.set_current_facility(None)
    assert not window.act_delete_facility.isEnabled()


def test_escape_cancels_placing_even_when_a_text_field_has_the_focus(window, qtbot):
    window.tabs.setCurrentWidget(window.map_panel)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5000)
    f = window.doc.project.facilities[0]
    window.doc.set_current_facility(f)
    window.map_panel.place_button.setChecked(True)
    assert window.map_view.placing is f
    field = window.inspector.form.editors["name"]
    assert isinstance(field, QLineEdit)
    window.inspector_dock.show()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=5000)
    QTest.keyClick(field, Qt.Key.Key_Escape)
    assert window.map_view.placing is None
    assert not window.map_panel.place_button.isChecked()
    # not placing: the shortcut is off, so Esc reaches the focused widget as before
    assert not window.map_panel.cancel_placing_action.isEnabled()
