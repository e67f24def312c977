"""The risk catalogue editor (Settings > Risk catalogue): edits land in ``settings.risk.catalogue``,
each is one undo step with a label naming the row, refused values change nothing, and an edit
survives save and reopen. Runs on the real sample's catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from models.io import load_project, save_project
from models.vocab import Stage, Status
from ui.document.document import Document
from ui.editors.risk_catalogue_editor import RiskCatalogueEditor, parse_distribution
from ui.widgets.accessible import inputs_under

SAMPLE = Path(__file__).resolve().parents[2] / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"


@pytest.fixture
def editor(qtbot):
    doc = Document(load_project(SAMPLE), str(SAMPLE))
    w = RiskCatalogueEditor(doc)
    qtbot.addWidget(w)
    w.show()  # hidden, the page refreshes its choosers and titles only when next shown
    return w


def cell(editor, table: str, row: int, attr: str):
    model = editor.tables[table].model
    return model.index(row, model.column_of(attr))


def lcm_row(editor) -> int:
    rows = editor.tables["facility_outages"].model.items()
    return next(i for i, o in enumerate(rows) if o.facility_id == "lcm")


def test_edit_lcm_probability_then_undo_and_redo(editor):
    """The sample gives LCM (the only Sm metal maker) 0.10 a year; typing 0.25 stores 0.25 in the
    project's catalogue, Undo brings back 0.10, Redo 0.25 again."""
    doc = editor.doc
    lcm = next(o for o in doc.project.settings.risk.catalogue.facility_outages if o.facility_id == "lcm")
    assert lcm.annual_probability == pytest.approx(0.10)
    model = editor.tables["facility_outages"].model
    index = cell(editor, "facility_outages", lcm_row(editor), "annual_probability")
    assert model.data(index, Qt.ItemDataRole.DisplayRole) == "0.1"
    assert model.setData(index, "0.25")
    assert lcm.annual_probability == pytest.approx(0.25)
    assert model.data(index, Qt.ItemDataRole.DisplayRole) == "0.25"
    assert doc.undo_stack.undoText() == "Change Less Common Metals (Ellesmere Port) outage probability"
    assert doc.is_modified()
    doc.undo_stack.undo()
    assert lcm.annual_probability == pytest.approx(0.10)
    assert model.data(index, Qt.ItemDataRole.DisplayRole) == "0.1"
    doc.undo_stack.redo()
    assert lcm.annual_probability == pytest.approx(0.25)


def test_add_a_facility_outage_for_the_facility_chosen(editor, qtbot):
    """The chooser shows names, not ids; Add makes one row for that facility, starting from its
    stage's default rate (the sample: metal making 0.05 a year, 1: 0.7, 2: 0.3) and marked
    "assumed"; the facility leaves the chooser; Undo removes the row."""
    doc = editor.doc
    cat = doc.project.settings.risk.catalogue
    table = editor.tables["facility_outages"]
    chooser = table.chooser
    names = [chooser.itemText(i) for i in range(chooser.count())]
    assert "Less Common Metals (Ellesmere Port)" not in names  # LCM has its own row already
    metal = next(f for f in doc.project.facilities if f.stage == Stage.METAL and f.id != "lcm")
    assert metal.name in names and metal.id not in names
    chooser.setCurrentIndex(chooser.findData(metal.id))
    before = len(cat.facility_outages)
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    assert len(cat.facility_outages) == before + 1
    added = cat.facility_outages[-1]
    assert added.facility_id == metal.id and added.source == "assumed"
    assert added.annual_probability == pytest.approx(0.05)
    assert added.duration.years == [1, 2] and added.duration.probabilities == pytest.approx([0.7, 0.3])
    assert table.model.rowCount() == before + 1
    shown = table.model.data(table.model.index(before, 0), Qt.ItemDataRole.DisplayRole)
    assert shown == metal.name
    assert chooser.findData(metal.id) < 0
    assert doc.undo_stack.undoText() == f"Add {metal.name} outage"
    # a second override for LCM (picked in the Facility cell of the new row) is refused by the catalogue
    assert not table.model.setData(table.model.index(before, 0), "lcm")
    assert "a facility may have one outage override" in table.error.text() and added.facility_id == metal.id
    doc.undo_stack.undo()
    assert len(cat.facility_outages) == before and table.model.rowCount() == before


def test_bad_values_are_refused_with_a_message_and_change_nothing(editor):
    """1.5 is not a probability; durations whose probabilities add up to 0.9 are refused with the
    sum; an empty source is refused; a licence state's probability alone cannot move (the states
    would add up to 1.1). In every case the catalogue is as it was and nothing is on the undo stack."""
    doc = editor.doc
    before = doc.project.settings.risk.catalogue.model_dump_json()
    table = editor.tables["facility_outages"]
    row = lcm_row(editor)
    assert not table.model.setData(cell(editor, "facility_outages", row, "annual_probability"), "1.5")
    text = table.error.text()
    assert text.startswith("Refused: Less Common Metals (Ellesmere Port) outage, Probability (per year, 0-1) ")
    assert "at most 1" in text and "1.5 was not stored; it stays 0.1." in text

    assert not table.model.setData(cell(editor, "facility_outages", row, "duration"), "1: 0.5, 2: 0.4")
    text = table.error.text()
    assert "Duration (years: probability)" in text and "probabilities must add up to 1" in text
    assert "(they would add up to 0.9)" in text and "it stays 1: 0.5, 2: 0.5." in text

    assert not table.model.setData(cell(editor, "facility_outages", row, "source"), "   ")
    assert 'needs a source (a citation) or the word "assumed"' in table.error.text()

    states = editor.tables["states"]
    assert not states.model.setData(cell(editor, "states", 0, "probability"), "0.4")  # strict 0.3 -> 0.4
    assert "the states' probabilities must add up to 1 (they would add up to 1.1)" in states.error.text()
    assert not table.model.setData(cell(editor, "facility_outages", row, "duration"), "one year")
    assert "not years: probability" in table.error.text()

    assert doc.project.settings.risk.catalogue.model_dump_json() == before
    assert doc.undo_stack.count() == 0 and not doc.is_modified()


def test_a_good_edit_clears_the_refusal(editor):
    table = editor.tables["facility_outages"]
    row = lcm_row(editor)
    table.model.setData(cell(editor, "facility_outages", row, "annual_probability"), "-1")
    assert table.error.text().startswith("Refused: Less Common Metals (Ellesmere Port) outage, Probability")
    assert table.model.setData(cell(editor, "facility_outages", row, "duration"), "1: 0.6, 3: 0.4")
    assert table.error.text() == ""
    lcm = table.model.item(row)
    assert lcm.duration.years == [1, 3] and lcm.duration.probabilities == pytest.approx([0.6, 0.4])


def test_state_probabilities_move_together_and_a_state_with_a_share_cannot_go(editor):
    """strict 0.3 / case_by_case 0.5 / open 0.2 -> strict 0.4 / case_by_case 0.4 in one edit of the
    regime form (sum 0.4 + 0.4 + 0.2 = 1); removing 'open' (0.2) is refused: 0.8 left."""
    doc = editor.doc
    regime = doc.project.settings.risk.catalogue.licence_regime
    form = editor.regime_form
    assert form.commit(next(s for s in form.specs if s.attr == "states"), "strict: 0.4, case_by_case: 0.4")
    assert [s.probability for s in regime.states] == pytest.approx([0.4, 0.4, 0.2])
    assert not form.commit(next(s for s in form.specs if s.attr == "states"), "strict: 0.5")
    assert [s.probability for s in regime.states] == pytest.approx([0.4, 0.4, 0.2])
    states = editor.tables["states"]
    states.view.setCurrentIndex(states.model.index(2, 0))
    states.remove_selected()
    assert len(regime.states) == 3
    assert "they would add up to 0.8" in states.error.text() and "Set its probability to 0 first" in states.error.text()
    doc.undo_stack.undo()
    assert [s.probability for s in regime.states] == pytest.approx([0.3, 0.5, 0.2])


def test_caps_table_follows_the_state_selected_and_adds_undoably(editor):
    doc = editor.doc
    regime = doc.project.settings.risk.catalogue.licence_regime
    states, caps = editor.tables["states"], editor.tables["caps"]
    states.view.setCurrentIndex(states.model.index(1, 0))  # case_by_case: five caps of 0 t/yr
    assert caps.model.rowCount() == 5
    states.view.setCurrentIndex(states.model.index(2, 0))  # open: no caps
    assert caps.model.rowCount() == 0
    caps.add_row()
    assert len(regime.states[2].caps) == 1 and regime.states[2].caps[0].origin_country == "CN"
    assert caps.model.setData(caps.model.index(0, caps.model.column_of("cap_tpy")), "150")
    assert regime.states[2].caps[0].cap_tpy == 150
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert regime.states[2].caps == [] and caps.model.rowCount() == 0


def test_stage_rows_and_status_delays(editor):
    """Remove the cobalt stage's default and add it back; a planned project's delay distribution is
    typed as years: probability and refused when it does not add up to 1."""
    doc = editor.doc
    cat = doc.project.settings.risk.catalogue
    stages = editor.tables["outage_by_stage"]
    row = list(cat.outage_by_stage).index(Stage.COBALT)
    stages.view.setCurrentIndex(stages.model.index(row, 0))
    stages.remove_selected()
    assert Stage.COBALT not in cat.outage_by_stage and stages.model.rowCount() == 7
    assert stages.chooser.findData("cobalt") >= 0
    doc.undo_stack.undo()
    assert cat.outage_by_stage[Stage.COBALT].annual_probability == pytest.approx(0.03)
    statuses = editor.tables["statuses"]
    planned = list(Status).index(Status.PLANNED)
    index = statuses.model.index(planned, statuses.model.column_of("delay_years"))
    assert statuses.model.data(index) == "0: 0.25, 1: 0.3, 2: 0.25, 3: 0.1, 4: 0.1"
    assert statuses.model.setData(index, "0: 0.5, 2: 0.5")
    assert doc.project.settings.risk.delay_years[Status.PLANNED].years == [0, 2]
    assert doc.undo_stack.undoText() == "Change planned projects commissioning delay"
    assert not statuses.model.setData(index, "0: 0.5, 2: 0.6")
    assert "(they would add up to 1.1)" in statuses.error.text()
    mode = statuses.model.index(planned, statuses.model.column_of("mode"))
    assert not statuses.model.setData(mode, "3")  # high is 2.0
    assert "Capex overrun mode (x) needs low ≤ mode ≤ high. 3 was not stored; it stays 1.2." in statuses.error.text()


def test_an_edit_survives_save_and_reopen(editor, tmp_path):
    doc = editor.doc
    table = editor.tables["facility_outages"]
    assert table.model.setData(cell(editor, "facility_outages", lcm_row(editor), "annual_probability"), "0.25")
    assert table.model.setData(cell(editor, "facility_outages", lcm_row(editor), "source"), "assumed: edited")
    exports = editor.tables["export_stops"]
    exports.chooser.setCurrentIndex(exports.chooser.findData("JP"))
    exports.add_row()
    path = tmp_path / "edited.m2m.json"
    save_project(doc.project, path)
    again = load_project(path)
    lcm = next(o for o in again.settings.risk.catalogue.facility_outages if o.facility_id == "lcm")
    assert lcm.annual_probability == pytest.approx(0.25) and lcm.source == "assumed: edited"
    assert again.settings.risk.catalogue.export_stops[-1].country == "JP"


def test_create_and_remove_the_catalogue_undoably(qtbot):
    doc = Document(load_project(SAMPLE))
    doc.project.settings.risk.catalogue = None
    w = RiskCatalogueEditor(doc)
    qtbot.addWidget(w)
    w.show()
    assert "No risk catalogue" in w.summary.text() and not w.tables["export_stops"].isEnabled()
    w.create_catalogue()
    assert doc.project.settings.risk.catalogue is not None and w.tables["export_stops"].isEnabled()
    w.add_regime()
    assert doc.project.settings.risk.catalogue.licence_regime.states[0].probability == 1.0
    assert w.tables["states"].model.rowCount() == 1
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.project.settings.risk.catalogue is None and "No risk catalogue" in w.summary.text()


def test_every_input_has_an_accessible_name(editor):
    inputs = inputs_under(editor)
    assert len(inputs) >= 12
    assert [type(w).__name__ for w in inputs if not w.accessibleName().strip()] == []
    for table in editor.tables.values():
        assert table.view.accessibleName().endswith("table")
        assert table.add_button.accessibleName() or not table.add_button.isVisibleTo(editor)


def test_parse_distribution():
    assert parse_distribution("1: 0.7, 2: 0.3") == {"years": [1, 2], "probabilities": [0.7, 0.3]}
    assert parse_distribution("1 yr: 0.5; 2 years: 0.5") == {"years": [1, 2], "probabilities": [0.5, 0.5]}
    assert parse_distribution("2") == {"years": [2], "probabilities": [1.0]}
    with pytest.raises(ValueError, match="twice"):
        parse_distribution("1: 0.5, 1: 0.5")


def test_the_risk_tab_opens_the_page_and_problems_point_into_it(qtbot):
    """In the main window on the real sample: the Risk tab's button shows Settings > Risk
    catalogue; a validation location inside the catalogue selects its row and column; every
    input of the page has an accessible name there too."""
    from tests.ui.helpers import close_window
    from ui.shell.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w, before_close_func=lambda win: win.doc.undo_stack.setClean())
    assert w.open_path(str(SAMPLE), ask=False)
    try:
        page = w.settings_panel.risk_catalogue
        qtbot.mouseClick(w.risk_panel.catalogue_button, Qt.MouseButton.LeftButton)
        assert w.tabs.currentWidget() is w.settings_panel
        assert w.settings_panel.pages.currentWidget() is page
        w.reveal_location("settings.risk.catalogue.export_stops[2].country")
        table = page.tables["export_stops"]
        assert page.tabs.currentWidget() is table
        assert (table.view.currentIndex().row(), table.view.currentIndex().column()) == (2, 0)
        assert table.model.item(2).country == "CA"
        w.reveal_location("settings.risk.catalogue.outage_by_stage.metal.source")
        stages = page.tables["outage_by_stage"]
        assert stages.model.data(stages.model.index(stages.view.currentIndex().row(), 0)) == "Metal making"
        assert stages.view.currentIndex().column() == stages.model.column_of("source")
        w.settings_panel.focus_field("discount_rate")  # the form page comes back for a settings field
        assert w.settings_panel.pages.currentIndex() == 0
        assert [x for x in inputs_under(page) if not x.accessibleName().strip()] == []
    finally:
        close_window(w)


def test_a_hidden_page_catches_up_when_shown(qtbot):
    doc = Document(load_project(SAMPLE))
    w = RiskCatalogueEditor(doc)
    qtbot.addWidget(w)
    doc.set_field(doc.project.settings.risk, "catalogue", None, "Remove the risk catalogue")
    assert "37 entries" in w.summary.text()  # hidden: not refreshed yet (21 events + 16 slips)
    w.show()
    assert "No risk catalogue" in w.summary.text()


def test_renaming_or_deleting_a_facility_keeps_the_catalogue_consistent(editor):
    """LCM renamed to lcm_uk: its outage row follows (one undo step); LCM deleted: its outage row
    goes with it; Undo brings both back."""
    doc = editor.doc
    cat = doc.project.settings.risk.catalogue
    lcm = doc.project.facility("lcm")
    assert doc.set_field(lcm, "id", "lcm_uk") is None
    assert [o.facility_id for o in cat.facility_outages] == ["lcm_uk"]
    doc.undo_stack.undo()
    assert [o.facility_id for o in cat.facility_outages] == ["lcm"]
    doc.remove_facility(lcm)
    assert cat.facility_outages == [] and editor.tables["facility_outages"].model.rowCount() == 0
    doc.undo_stack.undo()
    assert [o.facility_id for o in cat.facility_outages] == ["lcm"]
    assert editor.tables["facility_outages"].model.rowCount() == 1


def test_renaming_or_deleting_a_facility_carries_its_slips_along(editor):
    """mp_sep (a heavy circuit slip in the real sample's catalogue) renamed to mp_sep2: its
    facility_slips entry follows; deleted: the entry goes with it (one undo step); Undo brings it
    back; the catalogue never names an unknown facility."""
    from models.validation import errors, validate_project

    doc = editor.doc
    cat = doc.project.settings.risk.catalogue

    def slips():
        return [s.facility_id for s in cat.facility_slips if s.facility_id.startswith("mp_sep")]

    assert slips() == ["mp_sep"]
    mp_sep = doc.project.facility("mp_sep")
    assert doc.set_field(mp_sep, "id", "mp_sep2") is None
    assert slips() == ["mp_sep2"]
    assert not [pr for pr in errors(validate_project(doc.project)) if "catalogue" in pr.location]
    doc.undo_stack.undo()
    assert slips() == ["mp_sep"]
    n = len(cat.facility_slips)
    doc.remove_facility(mp_sep)
    assert slips() == [] and len(cat.facility_slips) == n - 1
    assert not [pr for pr in errors(validate_project(doc.project)) if "catalogue" in pr.location]
    doc.undo_stack.undo()
    assert slips() == ["mp_sep"] and len(cat.facility_slips) == n


def test_cells_are_edited_with_the_pickers_of_their_kind(editor):
    """The Facility cell opens a picker of facility names (ids in the item tooltips); picking one
    stores its id. The Material cell of a cap offers "(none)" = every material."""
    from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem

    table = editor.tables["facility_outages"]
    index = table.model.index(lcm_row(editor), 0)
    delegate = table.view.itemDelegate()
    combo = delegate.createEditor(table.view.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(combo, QComboBox)
    delegate.setEditorData(combo, index)
    assert combo.currentText() == "Less Common Metals (Ellesmere Port)" and combo.currentData() == "lcm"
    other = next(f for f in editor.doc.project.facilities if f.id != "lcm")
    combo.setCurrentIndex(combo.findData(other.id))
    delegate.setModelData(combo, table.model, index)
    assert table.model.item(index.row()).facility_id == other.id
    assert table.model.data(index) == other.name

    states, caps = editor.tables["states"], editor.tables["caps"]
    states.view.setCurrentIndex(states.model.index(1, 0))  # case_by_case: first cap Sm oxide from CN
    m_index = caps.model.index(0, caps.model.column_of("material"))
    combo = caps.view.itemDelegate().createEditor(caps.view.viewport(), QStyleOptionViewItem(), m_index)
    assert combo.itemText(0) == "(none)"
    combo.setCurrentIndex(0)
    caps.view.itemDelegate().setModelData(combo, caps.model, m_index)
    assert editor.doc.project.settings.risk.catalogue.licence_regime.states[1].caps[0].material is None
    assert caps.model.data(m_index) == "every material"
