"""The "Policy design" page: policy mode, government budget and the margin table, all undoable;
refused values leave the project unchanged and are explained under their field or table."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from models import load_project
from tests.planner.helpers import REAL
from ui.document.document import Document
from ui.editors.levers_tab import LeversTab
from ui.editors.policy_form import MappingSpec, MappingTable, option_choices, policy_tables


def _page():
    doc = Document(load_project(REAL))
    tab = LeversTab(doc)
    return doc, tab, tab.policy


def _type(form, attr: str, text: str) -> None:
    edit = form.editors[attr]
    assert isinstance(edit, QLineEdit)
    edit.setText(text)
    edit.setModified(True)
    edit.editingFinished.emit()


def test_policy_switch_hurdle_and_utilisation_are_undoable(qapp):
    doc, _tab, page = _page()
    pol = doc.project.levers.policy
    assert pol.enabled is False and pol.hurdle_rate == 0.10
    box = page.policy_form.editors["enabled"]
    assert isinstance(box, QCheckBox) and not box.isChecked()
    box.click()
    assert doc.project.levers.policy.enabled is True
    _type(page.policy_form, "hurdle_rate", "0.12")
    _type(page.policy_form, "utilisation", "0.9")
    assert (pol.hurdle_rate, pol.utilisation) == (0.12, 0.9)
    doc.undo_stack.undo()
    assert pol.utilisation == 0.8 and page.policy_form.editors["utilisation"].text() == "0.8"
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert (pol.enabled, pol.hurdle_rate) == (False, 0.10) and not box.isChecked()


def test_bad_policy_values_are_refused_in_plain_words(qapp):
    doc, _tab, page = _page()
    pol = doc.project.levers.policy
    before = pol.model_dump()
    n = doc.undo_stack.count()
    _type(page.policy_form, "hurdle_rate", "0")  # the annuity factor needs h > 0
    assert page.policy_form.error_text("hurdle_rate") == (
        "Hurdle rate (0-1) must be greater than 0. 0 was not stored; it stays 0.1.")
    _type(page.policy_form, "utilisation", "1.5")
    assert "Utilisation (0-1) must be at most 1" in page.policy_form.error_text("utilisation")
    assert "it stays 0.8" in page.policy_form.error_text("utilisation")
    _type(page.budget_form, "government_budget_musd_per_year", "-5")
    text = page.budget_form.error_text("government_budget_musd_per_year")
    assert text.startswith("Government budget per year ($M) cannot be negative")
    _type(page.budget_form, "government_budget_total_musd", "lots")
    assert "'lots' is not a number" in page.budget_form.error_text("government_budget_total_musd")
    assert pol.model_dump() == before and doc.project.levers.government_budget_musd_per_year is None
    assert doc.undo_stack.count() == n


def test_government_budget_per_year_and_total(qapp):
    doc, _tab, page = _page()
    lv = doc.project.levers
    _type(page.budget_form, "government_budget_musd_per_year", "1,000")
    _type(page.budget_form, "government_budget_total_musd", "5000")
    assert (lv.government_budget_musd_per_year, lv.government_budget_total_musd) == (1000.0, 5000.0)
    _type(page.budget_form, "government_budget_total_musd", "")  # empty = no cap
    assert lv.government_budget_total_musd is None
    doc.undo_stack.undo()
    assert lv.government_budget_total_musd == 5000.0
    assert page.budget_form.editors["government_budget_total_musd"].text() == "5,000"


def test_margin_table_shows_names_and_edits_are_undoable(qapp):
    doc, _tab, page = _page()
    pol = doc.project.levers.policy
    table = page.tables["option_margins_usd_per_t"]
    keys = list(pol.option_margins_usd_per_t)
    assert table.table.rowCount() == len(keys) == 4
    combo = table.table.cellWidget(0, 0)
    assert isinstance(combo, QComboBox) and combo.currentData() == keys[0] == "mp_10x_build"
    assert combo.currentText() == "10X magnet campus (Northlake): 10X magnet campus"  # names, not ids
    assert table.table.item(0, 1).text() == "-7,390"
    table.table.item(0, 1).setText("12,500")  # typed in the cell
    assert pol.option_margins_usd_per_t["mp_10x_build"] == 12_500.0
    doc.undo_stack.undo()
    assert pol.option_margins_usd_per_t["mp_10x_build"] == -7_390.0 and table.table.item(0, 1).text() == "-7,390"

    # pick another option for row 2 by name: same margin, same place; one undo puts it back
    free = [k for k, _ in option_choices(doc.project) if k not in keys][0]
    c1 = table.table.cellWidget(1, 0)
    c1.setCurrentIndex(c1.findData(free))
    c1.activated.emit(c1.currentIndex())
    assert list(pol.option_margins_usd_per_t) == [keys[0], free, *keys[2:]]
    assert pol.option_margins_usd_per_t[free] == -7_390.0
    doc.undo_stack.undo()
    assert list(pol.option_margins_usd_per_t) == keys

    # add takes the first option not listed; delete removes selected rows; both undoable
    assert table.add_row()
    assert len(pol.option_margins_usd_per_t) == 5 and pol.option_margins_usd_per_t[free] == 0.0
    table.delete_rows([0, 4])
    assert list(pol.option_margins_usd_per_t) == keys[1:]
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert list(pol.option_margins_usd_per_t) == keys and table.table.rowCount() == 4


def test_margin_table_refuses_bad_numbers_and_duplicate_options(qapp):
    doc, _tab, page = _page()
    pol = doc.project.levers.policy
    table = page.tables["option_margins_usd_per_t"]
    before = dict(pol.option_margins_usd_per_t)
    n = doc.undo_stack.count()
    assert table.set_value(0, "abc") is False
    assert table.error_text() == "Margin ($/t) 'abc' is not a number. abc was not stored; it stays -7,390."
    assert table.table.item(0, 1).text() == "-7,390"
    assert table.set_value(0, "inf") is False
    assert "must be finite" in table.error_text()
    keys = list(before)
    assert table.set_key(1, keys[0]) is False
    assert table.error_text().startswith("10X magnet campus (Northlake): 10X magnet campus is listed already (row 1)")
    assert pol.option_margins_usd_per_t == before and doc.undo_stack.count() == n
    assert table.set_value(0, "100") and table.error_text() == ""  # a stored edit clears the message


def test_new_project_and_another_dict_field_become_tables(qapp):
    """A project without levers shows an empty table; a MappingSpec over any {id: number} field
    of the policy works the same way (how facility margins would be added)."""
    from models.project import Project

    doc, _tab, page = _page()
    doc.set_project(Project())
    assert page.tables["option_margins_usd_per_t"].table.rowCount() == 0
    assert page.policy_form.editors["hurdle_rate"].text() == "0.1"
    assert [s.attr for s in policy_tables()][0] == "option_margins_usd_per_t"
    doc2 = Document(load_project(REAL))
    spec = MappingSpec("option_margins_usd_per_t", "t", "Option", "Margin ($/t)", option_choices)
    t = MappingTable(doc2, spec, lambda: doc2.project.levers.policy)
    assert t.table.rowCount() == 4


def test_render_policy_page(qapp, tmp_path):
    _doc, tab, page = _page()
    tab.resize(1300, 800)
    tab.tabs.setCurrentWidget(page)
    tab.show()
    qapp.processEvents()
    path = tmp_path / "policy_page.png"
    assert tab.grab().save(str(path))
    assert path.stat().st_size > 1000


def test_margin_table_follows_a_renamed_option(qapp):
    doc, tab, page = _page()
    table = page.tables["option_margins_usd_per_t"]
    f = next(f for f in doc.project.facilities for o in f.options if o.id == "mp_10x_build")
    o = next(o for o in f.options if o.id == "mp_10x_build")
    doc.set_field(o, "name", "Northlake phase 1")
    tab.tabs.setCurrentWidget(page)
    tab.show()
    qapp.processEvents()
    assert table.table.cellWidget(0, 0).currentText() == "10X magnet campus (Northlake): Northlake phase 1"
    tab.hide()
