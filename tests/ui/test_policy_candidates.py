"""The policy inputs the optimizer decides with: candidate price floors and guaranteed offtakes
(two tables of the Contracts and levers tab over ``levers.policy``), the recycled-feed checkbox of
offtakes, the operating margin by facility, and the contracts a policy scenario drops. Every edit
is undoable, a refused value leaves the project as it was, facilities and contracts are shown by
name, and the saved file holds the edits."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QStyleOptionViewItem

from models import load_project, save_project
from models.project import PolicyOverride
from tests.planner.helpers import REAL
from ui.document.document import Document
from ui.editors.delegates import FieldDelegate
from ui.editors.levers_tab import LeversTab
from ui.editors.scenario_editor import OverrideDialog, ScenarioOverridesPanel, override_summary


def _tab():
    doc = Document(load_project(REAL))
    return doc, LeversTab(doc)


def _cell(model, row: int, attr: str, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, model.column_of(attr)), role)


def _set(model, row: int, attr: str, value, role=Qt.ItemDataRole.EditRole) -> bool:
    return model.setData(model.index(row, model.column_of(attr)), value, role)


def test_candidate_floor_table_shows_the_sample_by_name_and_edits_are_undoable(qapp):
    doc, tab = _tab()
    pol = doc.project.levers.policy
    model = tab.editors["candidate_floors"].model
    assert model.owner is pol and model.rowCount() == 1 and model.item(0) is pol.candidate_floors[0]
    # names, not ids: mp_sep is shown as its facility name, the id is in the tooltip
    name = doc.project.facility("mp_sep").name
    assert _cell(model, 0, "facility_id") == name and name != "mp_sep"
    assert "(id mp_sep)" in _cell(model, 0, "facility_id", Qt.ItemDataRole.ToolTipRole)
    assert _cell(model, 0, "floor_usd_per_t") == "110,000"
    assert _cell(model, 0, "benchmark_usd_per_t_by_year") == "2026: 70,000"
    assert _cell(model, 0, "max_tpy") == "unlimited"  # placeholder of None

    assert _set(model, 0, "floor_usd_per_t", "95,000") and pol.candidate_floors[0].floor_usd_per_t == 95_000
    assert _set(model, 0, "max_tpy", "2,000") and pol.candidate_floors[0].max_tpy == 2_000
    assert _set(model, 0, "benchmark_usd_per_t_by_year", "2026: 70000, 2030: 80000")
    assert pol.candidate_floors[0].benchmark_usd_per_t_by_year == {2026: 70_000.0, 2030: 80_000.0}
    for _ in range(3):
        doc.undo_stack.undo()
    c = pol.candidate_floors[0]
    assert (c.floor_usd_per_t, c.max_tpy, c.benchmark_usd_per_t_by_year) == (110_000.0, None, {2026: 70_000.0})
    assert _cell(model, 0, "floor_usd_per_t") == "110,000"
    doc.undo_stack.redo()
    assert pol.candidate_floors[0].floor_usd_per_t == 95_000


def test_facility_is_picked_by_name_in_the_cell_editor(qapp):
    doc, tab = _tab()
    model = tab.editors["candidate_floors"].model
    index = model.index(0, model.column_of("facility_id"))
    editor = FieldDelegate().createEditor(None, QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox)
    texts = [editor.itemText(i) for i in range(editor.count())]
    assert texts == [f.name or f.id for f in doc.project.facilities]
    FieldDelegate().setEditorData(editor, index)
    assert editor.currentData() == "mp_sep"  # starts on the row's facility, not the first one
    other = doc.project.facility("mp_10x")
    editor.setCurrentIndex(editor.findData("mp_10x"))
    FieldDelegate().setModelData(editor, model, index)
    assert doc.project.levers.policy.candidate_floors[0].facility_id == "mp_10x"
    assert model.data(index) == other.name
    doc.undo_stack.undo()
    assert doc.project.levers.policy.candidate_floors[0].facility_id == "mp_sep"


def test_refused_candidate_values_leave_the_project_unchanged(qapp):
    doc, tab = _tab()
    pol = doc.project.levers.policy
    floors, offtakes = tab.editors["candidate_floors"].model, tab.editors["candidate_offtakes"].model
    before, n = pol.model_dump(), doc.undo_stack.count()
    refused: list[str] = []
    floors.edit_rejected.connect(refused.append)
    offtakes.edit_rejected.connect(refused.append)
    assert _set(floors, 0, "floor_usd_per_t", "-5") is False
    assert _set(floors, 0, "max_tpy", "lots") is False
    assert _set(offtakes, 0, "last_year", "2020") is False  # before its first year 2028
    assert _set(offtakes, 0, "benchmark_usd_per_t_by_year", "2026 70000") is False
    assert _set(offtakes, 0, "segment", "navy") is False
    assert pol.model_dump() == before and doc.undo_stack.count() == n
    assert refused == [
        "Floor ($/t) cannot be negative. -5 was not stored; it stays 110,000.",
        "Max (t/yr): 'lots' is not a number. lots was not stored; it stays unlimited.",
        "Last year must be at least First year. 2020 was not stored; it stays 2035.",
        "Benchmark by year ($/t): '2026 70000': write year: value, e.g. 2026: 70000. 2026 70000 was not stored; "
        "it stays 2026: 54,000.",
        "Buyer segment: 'navy' is not one of: defense, commercial. navy was not stored; it stays any.",
    ]
    tip = _cell(floors, 0, "floor_usd_per_t", Qt.ItemDataRole.ToolTipRole)
    assert tip == "Refused: Floor ($/t) cannot be negative. -5 was not stored; it stays 110,000."


def test_candidate_offtake_edits_add_and_delete_rows_undoably(qapp):
    doc, tab = _tab()
    pol = doc.project.levers.policy
    editor = tab.editors["candidate_offtakes"]
    model = editor.model
    assert model.rowCount() == 1 and _cell(model, 0, "facility_id") == doc.project.facility("mp_10x").name
    assert _cell(model, 0, "max_tpy") == "9,000" and _cell(model, 0, "segment") == "any"
    assert _set(model, 0, "segment", "defense") and pol.candidate_offtakes[0].segment.value == "defense"
    assert _set(model, 0, "price_usd_per_t", "80000") and pol.candidate_offtakes[0].price_usd_per_t == 80_000
    # top-up per t the government would pay: 80,000 - 54,000
    assert pol.candidate_offtakes[0].top_up_usd_per_t(2030) == 26_000
    editor.add_row()
    assert model.rowCount() == 2 and pol.candidate_offtakes[1].id == "candidate_offtake"
    new = pol.candidate_offtakes[1]
    assert new.benchmark_usd_per_t_by_year == {doc.project.settings.start_year: 0.0}
    editor.view.selectRow(0)
    editor.delete_selected()
    assert [o.id for o in pol.candidate_offtakes] == ["candidate_offtake"]
    doc.undo_stack.undo()  # delete
    doc.undo_stack.undo()  # add
    assert [o.id for o in pol.candidate_offtakes] == ["cand_dod_10x"] and model.rowCount() == 1
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert pol.candidate_offtakes[0].segment is None and pol.candidate_offtakes[0].price_usd_per_t == 75_000
    floors = tab.editors["candidate_floors"]
    floors.add_row()
    assert pol.candidate_floors[-1].id == "candidate_floor" and floors.model.rowCount() == 2
    doc.undo_stack.undo()
    assert len(pol.candidate_floors) == 1


def test_recycled_feed_is_a_checkbox_on_the_offtakes_table(qapp):
    doc, tab = _tab()
    model = tab.editors["offtakes"].model
    offtakes = doc.project.levers.offtakes
    (apple,) = [i for i, o in enumerate(offtakes) if o.recycled_feed]
    other = next(i for i, o in enumerate(offtakes) if not o.recycled_feed)
    checked, unchecked = Qt.CheckState.Checked, Qt.CheckState.Unchecked
    assert _cell(model, apple, "recycled_feed", Qt.ItemDataRole.CheckStateRole) == checked
    assert _cell(model, other, "recycled_feed", Qt.ItemDataRole.CheckStateRole) == unchecked
    flags = model.flags(model.index(apple, model.column_of("recycled_feed")))
    assert flags & Qt.ItemFlag.ItemIsUserCheckable and not flags & Qt.ItemFlag.ItemIsEditable
    assert _set(model, apple, "recycled_feed", unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert _set(model, other, "recycled_feed", checked.value, Qt.ItemDataRole.CheckStateRole)
    assert (offtakes[apple].recycled_feed, offtakes[other].recycled_feed) == (False, True)
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert (offtakes[apple].recycled_feed, offtakes[other].recycled_feed) == (True, False)
    assert _cell(model, apple, "recycled_feed", Qt.ItemDataRole.CheckStateRole) == checked


def test_facility_margins_table_edit_undo_and_refusal(qapp):
    doc, tab = _tab()
    pol = doc.project.levers.policy
    table = tab.policy.tables["facility_margins_usd_per_t"]
    assert tab.policy.table_boxes["facility_margins_usd_per_t"].title() == "Operating margin by facility"
    assert table.keys() == ["mp_sep", "mp_10x"]
    combo = table.table.cellWidget(0, 0)
    assert combo.currentText() == doc.project.facility("mp_sep").name and combo.currentData() == "mp_sep"
    assert [table.table.item(r, 1).text() for r in range(2)] == ["13,383", "-7,390"]
    table.table.item(1, 1).setText("-5,000")
    assert pol.facility_margins_usd_per_t == {"mp_sep": 13_383.0, "mp_10x": -5_000.0}
    doc.undo_stack.undo()
    assert pol.facility_margins_usd_per_t["mp_10x"] == -7_390.0 and table.table.item(1, 1).text() == "-7,390"
    n = doc.undo_stack.count()
    assert table.set_value(0, "nan") is False and "must be finite" in table.error_text()
    assert table.set_key(1, "mp_sep") is False
    assert table.error_text().startswith(f"{doc.project.facility('mp_sep').name} is listed already (row 1)")
    assert pol.facility_margins_usd_per_t == {"mp_sep": 13_383.0, "mp_10x": -7_390.0}
    assert doc.undo_stack.count() == n
    assert table.add_row()  # the first facility not listed, margin 0
    first_free = next(f.id for f in doc.project.facilities if f.id not in ("mp_sep", "mp_10x"))
    assert pol.facility_margins_usd_per_t[first_free] == 0.0
    doc.undo_stack.undo()
    assert list(pol.facility_margins_usd_per_t) == ["mp_sep", "mp_10x"]


def test_saved_file_holds_the_candidate_recycled_and_margin_edits(qapp, tmp_path):
    doc, tab = _tab()
    floors, offtakes = tab.editors["candidate_floors"].model, tab.editors["offtakes"].model
    assert _set(floors, 0, "max_tpy", "1500")
    assert _set(tab.editors["candidate_offtakes"].model, 0, "segment", "defense")
    first = 0 if not doc.project.levers.offtakes[0].recycled_feed else 1
    assert _set(offtakes, first, "recycled_feed", Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert tab.policy.tables["facility_margins_usd_per_t"].set_value(0, "12000")
    path = tmp_path / "edited.m2m.json"
    save_project(doc.project, path)
    data = json.loads(path.read_text())
    pol = data["levers"]["policy"]
    assert pol["candidate_floors"][0]["max_tpy"] == 1500.0
    assert pol["candidate_offtakes"][0]["segment"] == "defense"
    assert pol["facility_margins_usd_per_t"] == {"mp_sep": 12000.0, "mp_10x": -7390.0}
    assert data["levers"]["offtakes"][first]["recycled_feed"] is True
    back = load_project(path)
    assert back.levers.policy.candidate_floors[0].max_tpy == 1500.0


def test_policy_override_drops_contracts_picked_by_name(qapp, monkeypatch):
    doc = Document(load_project(REAL))
    scenario = doc.project.scenario("policy")
    (old,) = scenario.overrides
    dialog = OverrideDialog("policy", old, project=doc.project)
    box = dialog.drop_list
    lv = doc.project.levers
    n = len(lv.offtakes) + len(lv.price_floors) + len(lv.grants) + len(lv.loans)
    assert box.count() == n
    texts = {box.item(i).data(Qt.ItemDataRole.UserRole): box.item(i).text() for i in range(box.count())}
    floor = lv.price_floors[0]
    assert texts[floor.id] == f"{floor.name} (price floor)"  # names, not ids
    assert sorted(old.drop_lever_ids) == ["dod_10x_offtake", "dod_mp_ndpr_floor", "mp_ppa_ndpr"]
    assert dialog.dropped_ids() == ["mp_ppa_ndpr", "dod_10x_offtake", "dod_mp_ndpr_floor"]  # list order
    assert "3 input contracts dropped" in override_summary(old)

    panel = ScenarioOverridesPanel(doc)
    panel.set_scenario(scenario)
    assert "Dropped in this scenario: " in panel.list.item(0).toolTip()
    assert floor.name in panel.list.item(0).toolTip()
    keep = ["dod_10x_offtake"]

    def fake_exec(d):
        d.set_dropped(keep)
        d.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(OverrideDialog, "exec", fake_exec)
    panel.list.setCurrentRow(0)
    panel.edit_selected()
    assert scenario.overrides[0].drop_lever_ids == keep
    assert scenario.overrides[0].government_budget_musd_per_year == 1000.0  # the rest kept
    assert override_summary(scenario.overrides[0]).endswith("1 input contract dropped")
    doc.undo_stack.undo()
    assert sorted(scenario.overrides[0].drop_lever_ids) == sorted(old.drop_lever_ids)
    doc.undo_stack.redo()
    assert scenario.overrides[0].drop_lever_ids == keep


def test_policy_override_keeps_an_unknown_dropped_id_and_refuses_a_bad_budget(qapp):
    doc = Document(load_project(REAL))
    old = PolicyOverride(drop_lever_ids=["gone", "dod_10x_offtake"])
    dialog = OverrideDialog("policy", old, project=doc.project)
    items = [dialog.drop_list.item(i) for i in range(dialog.drop_list.count())]
    assert items[-1].text() == "gone (unknown contract)" and items[-1].checkState() == Qt.CheckState.Checked
    assert sorted(dialog.build().drop_lever_ids) == ["dod_10x_offtake", "gone"]
    dialog.edits["government_budget_musd_per_year"].setText("-1")
    dialog.accept()  # refused: the dialog stays open with the message and returns nothing
    assert dialog.override() is None
    assert dialog.error.text() == "Government budget ($M/yr) cannot be negative"
    # a new policy override starts with nothing dropped; a non-policy dialog has no checklist
    assert OverrideDialog("policy", None, project=doc.project).build().drop_lever_ids == []
    assert OverrideDialog("demand").drop_list is None


@pytest.mark.parametrize("attr, field", [("candidate_floors", "facility_id"), ("candidate_offtakes", "max_tpy")])
def test_problem_in_a_candidate_table_is_located_and_tinted(qapp, attr, field):
    from models.validation import Problem
    from ui.editors.table_models import PROBLEM_BRUSH

    doc, tab = _tab()
    location = f"levers.policy.{attr}[0].{field}"
    tab.set_problems([Problem(location, "unknown facility 'x'"), Problem("levers.offtakes[0].min_tpy", "m")])
    editor = tab.editors[attr]
    col = editor.model.column_of(field)
    assert editor.model.data(editor.model.index(0, col), Qt.ItemDataRole.BackgroundRole) == PROBLEM_BRUSH
    assert editor.model.data(editor.model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    # the offtakes table tints its own problem, not the candidate's
    assert tab.problem_cells([Problem(location, "m")], "offtakes") == {}
    assert tab.reveal(location)
    assert tab.tabs.currentWidget() is editor
    assert (editor.view.currentIndex().row(), editor.view.currentIndex().column()) == (0, col)
    assert not tab.reveal(f"levers.policy.{attr}[7].{field}")  # no such row


def test_clicking_a_candidate_problem_opens_its_cell_and_names_it(qtbot):
    """A candidate floor on an unknown facility: the validation panel names the lever and the
    field ('... (candidate price floor): facility id'); a click opens the Candidate floors table
    on that cell, tinted. A facility margin for a facility that is gone is named in words."""
    from tests.ui.helpers import close_window
    from ui.editors.table_models import PROBLEM_BRUSH
    from ui.shell.main_window import MainWindow

    w = MainWindow(load_project(REAL), None)
    qtbot.addWidget(w, before_close_func=lambda win: win.doc.undo_stack.setClean())
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    try:
        doc = w.doc
        pol = doc.project.levers.policy
        assert doc.set_field(pol.candidate_floors[0], "facility_id", "nowhere") is None
        doc.set_field(pol, "facility_margins_usd_per_t", {**pol.facility_margins_usd_per_t, "mp_10x": -7390.0,
                                                          "gone_plant": 5.0})
        w.validation.refresh()
        locs = [p.location for p in w.validation.problems]
        i = locs.index("levers.policy.candidate_floors[0].facility_id")
        assert w.validation.tree.topLevelItem(i).text(1) == (
            f"{pol.candidate_floors[0].name} (candidate price floor): facility")
        j = locs.index("levers.policy.facility_margins_usd_per_t.gone_plant")
        assert w.validation.tree.topLevelItem(j).text(1) == (
            "Contracts and levers: operating margin by facility, gone_plant (unknown facility)")
        w.validation.select_problem(i)
        editor = w.levers_tab.editors["candidate_floors"]
        assert w.tabs.currentWidget() is w.levers_tab and w.levers_tab.tabs.currentWidget() is editor
        col = editor.model.column_of("facility_id")
        assert (editor.view.currentIndex().row(), editor.view.currentIndex().column()) == (0, col)
        assert editor.model.data(editor.model.index(0, col), Qt.ItemDataRole.BackgroundRole) == PROBLEM_BRUSH
        w.validation.select_problem(j)  # the policy page, the margin row selected
        table = w.levers_tab.policy.tables["facility_margins_usd_per_t"]
        assert w.levers_tab.tabs.currentWidget() is w.levers_tab.policy
        assert [r.row() for r in table.table.selectionModel().selectedRows()] == [2]
    finally:
        close_window(w)


def test_policy_on_is_a_check_box_not_the_text_true(qapp):
    """The yes/no 'Policy mode on' was a text field showing 'True'; now a check box that reads
    and writes the override's ``enabled``."""
    from PySide6.QtWidgets import QCheckBox

    doc = Document(load_project(REAL))
    (old,) = doc.project.scenario("policy").overrides
    assert old.enabled is True
    dialog = OverrideDialog("policy", old, project=doc.project)
    box = dialog.edits["enabled"]
    assert isinstance(box, QCheckBox) and box.isChecked()
    box.setChecked(False)
    built = dialog.build()
    assert built.enabled is False and built.government_budget_musd_per_year == old.government_budget_musd_per_year
    off = OverrideDialog("policy", PolicyOverride(enabled=False), project=doc.project)
    assert off.edits["enabled"].isChecked() is False
    new = OverrideDialog("policy", None, project=doc.project)  # a new override: on
    assert new.edits["enabled"].isChecked() and new.build().enabled is True
