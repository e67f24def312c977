"""Undo from anywhere (text fields do not swallow Ctrl+Z), refusals in plain words next to the
field, and the out-of-date mark following the inputs' content."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.demo_project import demo_project
from tests.ui.test_map_view import _result
from ui.document.document import Document
from ui.editors.forms import plain_refusal


@pytest.fixture
def doc(qapp):
    return Document(demo_project())


def test_plain_refusal_words():
    labels = {"capacity_tpy": "Capacity (t/yr)", "end_year": "Last year", "start_year": "First year"}
    assert (plain_refusal("capacity_tpy: must be >= 0", "Capacity (t/yr)", labels)
            == "Capacity (t/yr) cannot be negative")
    assert plain_refusal("lat: must be <= 90", "Latitude (deg)") == "Latitude (deg) must be at most 90"
    assert (plain_refusal("end_year must be >= start_year", "Last year", labels)
            == "Last year must be at least First year")
    assert plain_refusal("online_year: Input should be a valid integer, got a number with a fractional part",
                         "Online year") == "Online year must be a whole number"


def test_ctrl_z_in_an_inspector_field_undoes_the_project(qtbot):
    """Undo / redo keys typed in a focused text field act on the project, not on the field's text."""
    from PySide6.QtWidgets import QApplication

    from tests.ui.helpers import close_window
    from ui.shell.main_window import MainWindow

    w = MainWindow(demo_project())
    qtbot.addWidget(w)
    w.resize(1200, 800)  # the capacity row starts below the inspector's visible part
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    kmp = w.doc.project.facility("kmp")
    w.doc.set_current_facility(kmp)
    edit = w.inspector.form.editors["capacity_tpy"]
    edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is edit)
    edit.selectAll()
    qtbot.keyClicks(edit, "2500")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert kmp.capacity_tpy == 2500
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert kmp.capacity_tpy == 1300 and edit.text() == "1,300"
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert kmp.capacity_tpy == 2500
    # a bad value is refused inline, in words, next to the field
    edit.selectAll()
    qtbot.keyClicks(edit, "-7")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert kmp.capacity_tpy == 2500
    assert w.inspector.form.error_text("capacity_tpy").startswith("Capacity (t/yr) cannot be negative")
    # and it is on screen: the inspector scrolled to the field and its message
    inline = w.inspector.form.field_errors["capacity_tpy"]
    qtbot.waitUntil(lambda: not inline.visibleRegion().isEmpty())
    close_window(w)


def test_undo_back_to_the_solved_inputs_clears_the_out_of_date_mark(qtbot, doc):
    from ui.shell.main_window import ChainPanel

    chain = ChainPanel(doc)
    qtbot.addWidget(chain)
    doc.set_result(_result())
    kmp = doc.project.facility("kmp")
    doc.set_field(kmp, "capacity_tpy", 5000.0)
    assert doc.result_is_stale and "out of date" in chain.flow_note.text()
    doc.undo_stack.undo()
    assert not doc.result_is_stale and "out of date" not in chain.flow_note.text()
    doc.undo_stack.redo()
    assert doc.result_is_stale
    doc.set_field(kmp, "capacity_tpy", 1300.0)  # typed back by hand: the same inputs
    assert not doc.result_is_stale


def test_names_not_ids(doc):
    from models.problem_names import field_words
    from ui.document.names import base_scenario_name, investment_name, investment_text, scenario_name
    from ui.panels.validation_panel import ValidationPanel

    p = doc.project
    assert investment_text(3068.4, 2026) == "3,068 t/yr \u00b7 online 2026"
    assert base_scenario_name(p) == "Base case" == scenario_name(p, None) == scenario_name(p, "base")
    assert scenario_name(p, "delays") == "Projects 2 years late"
    opt = p.facility("mt-weld").options[0]
    assert investment_name(p, "mt-weld", opt.id) == f"Mt Weld mine: {opt.name}"
    assert field_words("options[0].max_add_tpy") == "option 1, max add (t/yr)"
    panel = ValidationPanel(doc)
    assert panel._where("facilities[1].capacity_tpy") == "Mt Weld mine (facility): capacity (t/yr)"
    assert panel._where("settings.end_year") == "Settings: end year"
    panel.deleteLater()
