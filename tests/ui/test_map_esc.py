"""Esc cancels placing a facility on the map wherever the focus is in the window (it used to
need the map itself to have focus; after clicking "Place on map" the button had it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from models import load_project
from ui.shell.main_window import MainWindow

TEACHING = Path(__file__).resolve().parents[2] / "sample_projects" / "teaching_chain.m2m.json"


def test_esc_on_the_place_button_cancels_placing(qtbot):
    w = MainWindow(load_project(TEACHING))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitActive(w)
    w.tabs.setCurrentWidget(w.map_panel)
    panel = w.map_panel
    w.doc.set_current_facility(w.doc.project.facilities[0])
    panel.place_button.click()
    assert panel.view.placing is w.doc.project.facilities[0]
    panel.place_button.setFocus()
    qtbot.wait(20)
    qtbot.keyClick(panel.place_button, Qt.Key.Key_Escape)
    assert panel.view.placing is None and not panel.place_button.isChecked()
    assert not panel.cancel_placing_shortcut.isEnabled()  # Esc is free again for its other uses
    w.shutdown()
