"""Every input of the main window has an accessible name (none of 99 had one)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLineEdit

from models import load_project
from ui.shell.main_window import MainWindow
from ui.widgets.accessible import _inputs, unnamed_inputs

TEACHING = Path(__file__).resolve().parents[2] / "sample_projects" / "teaching_chain.m2m.json"


def test_every_input_is_named(qtbot):
    w = MainWindow(load_project(TEACHING))
    qtbot.addWidget(w)
    inputs = _inputs(w)
    assert len(inputs) > 90
    missing = [f"{type(x).__name__} {x.objectName()!r} in {type(x.parent()).__name__}" for x in unnamed_inputs(w)]
    assert missing == []
    # a form field is named after its row's label (the inspector's capacity)
    cap = w.inspector.form.editors["capacity_tpy"]
    assert isinstance(cap, QLineEdit) and cap.accessibleName() == "Capacity (t/yr)"
    w.shutdown()
