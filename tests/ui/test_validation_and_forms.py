"""Validation panel (live, debounced, click to go there), locations, scenarios and settings forms."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from models.project import DelayOverride, MarketCapOverride
from models.vocab import Status
from tests.ui.demo_project import demo_project
from tests.ui.helpers import close_window
from ui.document.document import Document
from ui.document.locations import Step, parse_location, target_of
from ui.editors.scenario_editor import OverrideDialog, ScenarioOverridesPanel, override_summary, overrides_summary
from ui.editors.settings_panel import SettingsPanel
from ui.panels.validation_panel import ValidationPanel
from ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    w = MainWindow(demo_project(), None)
    qtbot.addWidget(w, before_close_func=lambda win: win.doc.undo_stack.setClean())
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    close_window(w)


def test_parse_locations():
    assert parse_location("facilities[3].options[1].max_add_tpy") == [
        Step("facilities", 3), Step("options", 1), Step("max_add_tpy")]
    t = target_of("demands[0].tonnes_by_year.2040")
    assert (t.list_name, t.row, t.field, t.year) == ("demands", 0, "tonnes_by_year", 2040)
    t = target_of("facilities[3].options[1].max_add_tpy")
    assert (t.list_name, t.row, t.sub_list, t.sub_row, t.field) == ("facilities", 3, "options", 1, "max_add_tpy")
    assert target_of("settings.base_year").field == "base_year" and target_of("settings.base_year").list_name is None
    assert target_of("routes[2]").field is None
    assert target_of("line 3 column 5").list_name is None


def test_panel_refreshes_debounced_after_a_change(qtbot):
    doc = Document(demo_project())
    panel = ValidationPanel(doc)
    qtbot.addWidget(panel)
    assert panel.problems == [] and "No problems" in panel.summary.text()
    doc.set_field(doc.project.routes[4], "to_id", "no-such-plant")
    doc.set_field(doc.project.routes[5], "to_id", "no-such-plant-either")
    assert panel.pending and panel.problems == []  # not yet: debounced, one run for both edits
    qtbot.waitUntil(lambda: not panel.pending, timeout=3000)
    locations = [p.location for p in panel.problems]
    assert locations == ["routes[4].to_id", "routes[5].to_id"]
    assert panel.tree.topLevelItemCount() == 2
    # where, in words: the route's ends by name (an unknown end by its id), then the field;
    # the raw location in the tooltip
    src = doc.project.facility(doc.project.routes[4].from_id).name
    assert panel.tree.topLevelItem(0).text(1) == f"{src} \u2192 no-such-plant (route): to facility"
    assert panel.tree.topLevelItem(0).toolTip(1) == "routes[4].to_id"
    assert "2 errors" in panel.summary.text()
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.problems == [], timeout=3000)


def test_clicking_a_problem_selects_the_offending_cell(window, qtbot):
    routes = window.routes_editor
    model = routes.model
    assert model.setData(model.index(6, model.column_of("to_id")), "nowhere")
    qtbot.waitUntil(lambda: not window.validation.pending, timeout=3000)
    assert [p.location for p in window.validation.problems] == ["routes[6].to_id"]
    item = window.validation.tree.topLevelItem(0)
    rect = window.validation.tree.visualItemRect(item)
    qtbot.mouseClick(window.validation.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentWidget() is routes
    current = routes.view.currentIndex()
    assert (current.row(), current.column()) == (6, model.column_of("to_id"))
    # the offending cell is tinted
    assert model.data(current, Qt.ItemDataRole.BackgroundRole) is not None


def test_clicking_a_facility_problem_selects_the_node_and_the_row(window, qtbot):
    doc = window.doc
    mine = doc.project.facility("mt-weld")
    assert doc.set_field(mine, "assay", {}) is None  # a mine with capacity needs an assay
    qtbot.waitUntil(lambda: not window.validation.pending, timeout=3000)
    assert [p.location for p in window.validation.problems] == ["facilities[1].assay"]
    window.validation.select_problem(0)
    assert doc.current_facility is mine
    assert window.chain_view.nodes["mt-weld"].isSelected()
    assert window.tabs.currentWidget() is window.chain_panel  # assay is edited in the inspector
    # a problem in a table column goes to the Facilities tab
    assert doc.set_field(doc.project.facilities[4], "id", "mt-weld") is None  # duplicate id
    window.validation.refresh()
    dup = [i for i, p in enumerate(window.validation.problems) if p.location == "facilities[4].id"]
    window.validation.select_problem(dup[0])
    assert window.tabs.currentWidget() is window.facilities_tab
    view = window.facilities_tab.facilities.view
    assert (view.currentIndex().row(), view.currentIndex().column()) == (4, 0)
    # an expansion option problem selects the option row
    assert doc.set_field(doc.project.facilities[1].options[0], "max_add_tpy", 0.0) is None
    window.validation.refresh()
    opt = [i for i, p in enumerate(window.validation.problems) if p.location == "facilities[1].options[0].max_add_tpy"]
    window.validation.select_problem(opt[0])
    opts = window.facilities_tab.options
    assert doc.current_facility is doc.project.facilities[1]
    assert opts.view.currentIndex().row() == 0
    assert opts.view.currentIndex().column() == opts.model.column_of("max_add_tpy")


def test_settings_problem_focuses_the_settings_form(window, qtbot):
    doc = window.doc
    assert doc.set_field(doc.project.settings, "base_year", 2024) is None
    window.validation.refresh()
    assert [p.location for p in window.validation.problems] == ["settings.base_year"]
    window.validation.select_problem(0)
    assert window.tabs.currentWidget() is window.settings_panel


@pytest.mark.timing
def test_validation_of_a_few_hundred_objects_is_quick(qapp):
    p = demo_project()
    base = list(p.facilities)
    for k in range(12):  # 300 facilities
        for f in base:
            p.facilities.append(f.model_copy(update={"id": f"{f.id}-{k}"}))
    doc = Document(p)
    t0 = time.perf_counter()
    panel = ValidationPanel(doc)
    elapsed = time.perf_counter() - t0
    assert elapsed < 0.5, f"validation + listing of 325 facilities took {elapsed:.3f} s"
    panel.deleteLater()


def test_settings_form_refuses_bad_values(qtbot):
    doc = Document(demo_project())
    panel = SettingsPanel(doc)
    qtbot.addWidget(panel)
    form = panel.settings_form
    end = next(s for s in form.specs if s.attr == "end_year")
    assert form.commit(end, "2020") is False  # before the start year
    assert doc.project.settings.end_year == 2035 and doc.undo_stack.count() == 0
    assert form.error_text("end_year") == "Last year must be at least First year. 2020 was not stored; it stays 2035."
    assert form.editors["end_year"].text() == "2035"  # editor shows the stored value again
    assert form.commit(end, "2040") is True and doc.project.settings.end_year == 2040
    covered = next(s for s in form.specs if s.attr == "covered_countries")
    assert form.commit(covered, "CN, RU, KP, IR, by")
    assert doc.project.settings.covered_countries == ["CN", "RU", "KP", "IR", "BY"]
    budget = next(s for s in form.specs if s.attr == "budget_musd_per_year")
    assert form.commit(budget, "1,500") and doc.project.settings.budget_musd_per_year == 1500
    assert form.commit(budget, "") and doc.project.settings.budget_musd_per_year is None
    doc.undo_stack.undo()
    assert form.editors["budget_musd_per_year"].text() == "1,500"


def test_scenario_overrides_summary_dialog_and_undo(qtbot):
    doc = Document(demo_project())
    scenario = doc.project.scenarios[1]
    assert override_summary(scenario.overrides[0]) == "delay +2 yr: status planned/concept"
    assert override_summary(doc.project.scenarios[0].overrides[0]) == "import caps x 0: all materials from CN"
    assert overrides_summary([]) == "(base case: no overrides)"

    dialog = OverrideDialog("delay")
    dialog.edits["years"].setText("3")
    dialog.edits["where.statuses"].setText("construction")
    dialog.edits["where.countries"].setText("AU, CA")
    built = dialog.build()
    assert isinstance(built, DelayOverride) and built.years == 3
    assert built.where.statuses == [Status.CONSTRUCTION] and built.where.countries == ["AU", "CA"]
    dialog.edits["years"].setText("three")
    with pytest.raises(ValueError, match="Delay"):
        dialog.build()
    dialog.edits["years"].setText("3")
    dialog.edits["where.statuses"].setText("someday")
    with pytest.raises(ValueError, match="statuses"):
        dialog.build()
    dialog.deleteLater()

    cap = OverrideDialog("market_cap", doc.project.scenarios[0].overrides[0])
    assert cap.edits["origin_countries"].text() == "CN" and cap.edits["factor"].text() == "0.0"
    cap.edits["factor"].setText("0.5")
    assert isinstance(cap.build(), MarketCapOverride) and cap.build().factor == 0.5
    cap.deleteLater()

    panel = ScenarioOverridesPanel(doc)
    qtbot.addWidget(panel)
    panel.set_scenario(scenario)
    assert panel.list.count() == 1
    doc.insert_item(scenario, "overrides", built)
    assert panel.list.count() == 2 and "delay +3 yr" in panel.list.item(1).text()
    panel.list.setCurrentRow(0)
    panel.remove_selected()
    assert len(scenario.overrides) == 1 and scenario.overrides[0] is built
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert len(scenario.overrides) == 1 and scenario.overrides[0].years == 2
    assert panel.list.count() == 1


def test_scenario_panel_add_and_edit_through_the_dialog(qtbot, monkeypatch):
    from PySide6.QtWidgets import QDialog

    doc = Document(demo_project())
    panel = ScenarioOverridesPanel(doc)
    qtbot.addWidget(panel)
    scenario = doc.project.scenarios[2]  # capex +30 %
    panel.set_scenario(scenario)
    answers = {"factor": "2"}

    def fake_exec(dialog):
        for key, text in answers.items():
            dialog.edits[key].setText(text)
        dialog.accept()
        return QDialog.DialogCode.Accepted if dialog.override() is not None else QDialog.DialogCode.Rejected

    monkeypatch.setattr(OverrideDialog, "exec", fake_exec)
    panel.add_override("demand")
    assert [o.kind for o in scenario.overrides] == ["capex", "demand"]
    assert scenario.overrides[1].factor == 2.0 and panel.list.count() == 2
    panel.list.setCurrentRow(0)
    answers = {"factor": "1.5", "where.countries": "US"}
    panel.edit_selected()
    assert scenario.overrides[0].factor == 1.5 and scenario.overrides[0].where.countries == ["US"]
    assert panel.list.item(0).text() == "capex x 1.5: in US"
    answers = {"factor": "-1"}  # refused: the dialog stays open with the message, nothing changes
    panel.edit_selected()
    assert scenario.overrides[0].factor == 1.5
    doc.undo_stack.undo()
    assert scenario.overrides[0].factor == 1.3
    doc.undo_stack.undo()
    assert [o.kind for o in scenario.overrides] == ["capex"]


def test_clicking_a_lever_problem_selects_and_tints_its_cell(window, qtbot):
    """An offtake from an unknown facility: the problem names the offtake, a click opens the
    Contracts and levers tab on the offtakes table with the Facility cell selected and tinted; an
    unknown option in the policy margins opens the policy page on that row."""
    from models.project import Offtake
    from ui.editors.table_models import PROBLEM_BRUSH

    doc = window.doc
    lv = doc.project.levers
    doc.insert_item(lv, "offtakes", Offtake(id="ot1", name="Magnet offtake", facility_id="mt-weld",
                                            material="ndfeb_magnet"))
    doc.insert_item(lv, "offtakes", Offtake(id="ot2", name="Second offtake", facility_id="mt-weld",
                                            material="ndfeb_magnet"))
    window.validation.refresh()
    baseline = [p.location for p in window.validation.problems]
    assert doc.set_field(lv.offtakes[1], "facility_id", "nowhere") is None
    window.validation.refresh()
    locs = [p.location for p in window.validation.problems]
    (i,) = [k for k, loc in enumerate(locs) if loc == "levers.offtakes[1].facility_id"]
    where = window.validation.tree.topLevelItem(i).text(1)
    assert where == "Second offtake (offtake): facility"
    window.validation.select_problem(i)
    editor = window.levers_tab.editors["offtakes"]
    assert window.tabs.currentWidget() is window.levers_tab and window.levers_tab.tabs.currentWidget() is editor
    col = editor.model.column_of("facility_id")
    assert (editor.view.currentIndex().row(), editor.view.currentIndex().column()) == (1, col)
    assert editor.model.data(editor.model.index(1, col), Qt.ItemDataRole.BackgroundRole) == PROBLEM_BRUSH
    assert editor.model.data(editor.model.index(0, col), Qt.ItemDataRole.BackgroundRole) is None
    # fixed: the tint goes
    doc.set_field(lv.offtakes[1], "facility_id", "mt-weld")
    window.validation.refresh()
    assert [p.location for p in window.validation.problems] == baseline
    assert editor.model.data(editor.model.index(1, col), Qt.ItemDataRole.BackgroundRole) is None
    # a margin for an option that does not exist: the policy page, that row selected
    doc.set_field(lv.policy, "option_margins_usd_per_t", {"gone": 5.0})
    window.validation.refresh()
    (j,) = [k for k, p in enumerate(window.validation.problems)
            if p.location == "levers.policy.option_margins_usd_per_t.gone"]
    window.validation.select_problem(j)
    page = window.levers_tab.policy
    assert window.levers_tab.tabs.currentWidget() is page
    table = page.tables["option_margins_usd_per_t"]
    assert [i.row() for i in table.table.selectionModel().selectedRows()] == [0]
    assert table.table.cellWidget(0, 0).currentText() == "gone (unknown)"
