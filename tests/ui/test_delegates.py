"""Cell editors: pickers for stages, statuses, materials, countries and facility ids."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QStyleOptionViewItem

from tests.ui.demo_project import demo_project
from ui.document.document import Document
from ui.editors.delegates import FieldDelegate
from ui.editors.table_models import ListTableModel, facility_columns, route_columns
from ui.editors.table_views import ListEditor


def _editor(qtbot, list_name, columns):
    doc = Document(demo_project())
    editor = ListEditor(doc, ListTableModel(doc, list_name, columns), list_name, None)
    qtbot.addWidget(editor)
    return doc, editor


def test_stage_picker_offers_every_stage_and_commits_through_undo(qtbot):
    doc, ed = _editor(qtbot, "facilities", facility_columns)
    model, delegate = ed.model, ed.view.itemDelegate()
    assert isinstance(delegate, FieldDelegate)
    index = model.index(15, model.column_of("status"))  # kmp, operating
    combo = delegate.createEditor(ed.view.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "operating", "construction", "committed", "planned", "concept"]
    delegate.setEditorData(combo, index)
    assert combo.currentText() == "operating"
    combo.setCurrentIndex(combo.findText("planned"))
    delegate.setModelData(combo, model, index)
    assert doc.project.facilities[15].status.value == "planned" and doc.undo_stack.count() == 1
    combo.deleteLater()


def test_country_picker_accepts_a_typed_name(qtbot):
    doc, ed = _editor(qtbot, "facilities", facility_columns)
    model, delegate = ed.model, ed.view.itemDelegate()
    index = model.index(0, model.column_of("country"))
    combo = delegate.createEditor(ed.view.viewport(), QStyleOptionViewItem(), index)
    assert combo.isEditable() and combo.count() > 240
    delegate.setEditorData(combo, index)
    assert combo.currentData() == "US" and combo.currentText() == "US - United States"
    combo.setEditText("Japan")
    delegate.setModelData(combo, model, index)
    assert doc.project.facilities[0].country == "JP"
    combo.deleteLater()


def test_route_end_picker_lists_facility_ids_and_numbers_use_a_line_edit(qtbot):
    doc, ed = _editor(qtbot, "routes", route_columns)
    model, delegate = ed.model, ed.view.itemDelegate()
    index = model.index(0, model.column_of("to_id"))
    combo = delegate.createEditor(ed.view.viewport(), QStyleOptionViewItem(), index)
    assert [combo.itemData(i) for i in range(combo.count())] == [f.id for f in doc.project.facilities]
    combo.setCurrentIndex(combo.findData("silmet"))
    delegate.setModelData(combo, model, index)
    assert doc.project.routes[0].to_id == "silmet"
    cost = model.index(0, model.column_of("transport_usd_per_t"))
    assert model.data(cost).startswith("auto: ")  # empty: computed from the distance
    edit = delegate.createEditor(ed.view.viewport(), QStyleOptionViewItem(), cost)
    assert isinstance(edit, QLineEdit)
    delegate.setEditorData(edit, cost)
    assert edit.text() == ""
    edit.setText("42.5")
    delegate.setModelData(edit, model, cost)
    assert doc.project.routes[0].transport_usd_per_t == 42.5 and model.data(cost) == "42.5"
    edit.deleteLater()
    combo.deleteLater()


def test_add_and_delete_rows_of_every_list_are_undoable(qtbot):
    from ui.shell.main_window import MainWindow

    w = MainWindow(demo_project(), None)
    qtbot.addWidget(w, before_close_func=lambda win: win.doc.undo_stack.setClean())
    p = w.doc.project
    for name in ("markets", "demands", "platforms", "scenarios", "facilities"):
        editor = w.list_editors[name]
        items = getattr(p, name)
        before = list(items)
        editor.add_row()
        assert len(items) == len(before) + 1
        new = items[-1]
        assert new.id not in {x.id for x in before}
        editor.select_cell(0, 0)
        editor.delete_selected()
        assert items[0] is before[1] if len(before) > 1 else items == [new]
        w.doc.undo_stack.undo()
        w.doc.undo_stack.undo()
        assert items == before
    # expansion options of the selected facility
    w.doc.set_current_facility(p.facility("kmp"))
    opts = w.facilities_tab.options
    assert opts.model.rowCount() == 1
    opts.add_row()
    assert [o.id for o in p.facility("kmp").options] == ["kmp-phase2", "kmp-expansion"]
    w.doc.undo_stack.undo()
    assert len(p.facility("kmp").options) == 1


def test_filter_hides_rows_and_selecting_a_hidden_row_clears_it(qtbot):
    doc, ed = _editor(qtbot, "facilities", facility_columns)
    ed.filter_edit.setText("lynas")
    shown = [r for r in range(ed.model.rowCount()) if not ed.view.isRowHidden(r)]
    assert [doc.project.facilities[r].id for r in shown] == ["mt-weld", "kalgoorlie", "lynas-lamp", "lynas-seadrift"]
    ed.select_cell(0, 0)  # mp-mine is hidden by the filter
    assert ed.filter_edit.text() == "" and not ed.view.isRowHidden(0)
    assert ed.view.currentIndex().row() == 0
