"""The Slips table of the risk catalogue page: one row per slip (stage defaults, then facilities'
own), edits checked on the whole catalogue and undoable, rows added from the chooser and removed,
problems located at their row. Runs on the real sample's catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.io import load_project
from ui.document.document import Document
from ui.editors.risk_catalogue_editor import RiskCatalogueEditor

SAMPLE = Path(__file__).resolve().parents[2] / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"


@pytest.fixture
def editor(qtbot):
    doc = Document(load_project(SAMPLE), str(SAMPLE))
    w = RiskCatalogueEditor(doc)
    qtbot.addWidget(w)
    w.show()
    return w


def _rows(editor):
    model = editor.tables["slips"].model
    col = {a: model.column_of(a) for a in ("applies_to", "kind", "probability", "extra_years", "source")}
    return [{a: model.index(r, c).data() for a, c in col.items()} for r in range(model.rowCount())]


def _row_of(editor, applies_to: str, kind: str) -> int:
    return next(i for i, r in enumerate(_rows(editor)) if r["applies_to"].startswith(applies_to) and r["kind"] == kind)


def test_the_sample_s_slips_are_listed_one_row_each(editor):
    """Stage defaults first (separation: new circuit 0.3 and ramp-up 0.3, ...), then facilities'
    own: Mountain Pass's heavy circuit 0.25, 1 year, its source citing MP's 10-Q. The tab counts
    the rows."""
    cat = editor.catalogue()
    n = sum(getattr(o, k) is not None for o in [*cat.slips_by_stage.values(), *cat.facility_slips]
            for k in ("circuit", "ramp_up", "qualification"))
    rows = _rows(editor)
    assert len(rows) == n and editor.tabs.tabText(5) == f"Slips ({n})"
    assert rows[0]["applies_to"] == "Separation (every plant)" and rows[0]["kind"] == "new circuit"
    mp = rows[_row_of(editor, "Mountain Pass separations", "new circuit")]
    assert (mp["probability"], mp["extra_years"]) == ("0.25", "1: 1")
    assert "stocktitan.net" in mp["source"]


def test_edit_refuse_and_undo_a_slip(editor):
    """Probability 0.25 -> 0.4: stored, one undo step named after the row; extra years '1: 0.5,
    2: 0.4' refused (they would add up to 0.9), '-1: 1' refused (negative), nothing stored."""
    doc, table = editor.doc, editor.tables["slips"]
    model = table.model
    r = _row_of(editor, "Mountain Pass separations", "new circuit")
    slip = model.item(r)
    assert model.setData(model.index(r, model.column_of("probability")), "0.4")
    assert slip.probability == 0.4
    assert doc.undo_stack.undoText() == "Change Mountain Pass separations (light + heavy circuits) new circuit slip " \
                                        "probability"
    doc.undo_stack.undo()
    assert slip.probability == 0.25
    assert not model.setData(model.index(r, model.column_of("extra_years")), "1: 0.5, 2: 0.4")
    assert "add up to 1 (they would add up to 0.9)" in table.error.text()
    assert not model.setData(model.index(r, model.column_of("extra_years")), "-1: 1")
    assert slip.extra_years.years == [1] and slip.extra_years.probabilities == [1.0]


def test_add_and_remove_a_facility_slip_undoably(editor):
    """Eneabba (online 2027) gets a qualification slip from the chooser: a new facility_slips entry
    with probability 0 and source "assumed"; Undo takes it out; Redo and Remove: gone again. A stage
    row removed: only that kind leaves the stage's entry."""
    doc, table = editor.doc, editor.tables["slips"]
    cat = editor.catalogue()
    before = len(cat.facility_slips)
    i = table.chooser.findData("facility:eneabba_ref:qualification")
    assert i >= 0 and table.chooser.findData("facility:mp_sep:circuit") < 0  # mp_sep has its circuit row
    table.chooser.setCurrentIndex(i)
    table.add_row()
    entry = cat.facility_slips[-1]
    assert len(cat.facility_slips) == before + 1 and entry.facility_id == "eneabba_ref"
    assert (entry.qualification.probability, entry.qualification.source) == (0.0, "assumed")
    doc.undo_stack.undo()
    assert len(cat.facility_slips) == before
    doc.undo_stack.redo()
    r = _row_of(editor, "Eneabba", "qualification")
    table.view.setCurrentIndex(table.model.index(r, 0))
    table.remove_selected()
    assert len(cat.facility_slips) == before
    r = _row_of(editor, "Separation (every plant)", "ramp-up")
    table.view.setCurrentIndex(table.model.index(r, 0))
    table.remove_selected()
    sep = [rates for st, rates in cat.slips_by_stage.items() if st.value == "separation"][0]
    assert sep.ramp_up is None and sep.circuit is not None
    doc.undo_stack.undo()
    sep = [rates for st, rates in cat.slips_by_stage.items() if st.value == "separation"][0]
    assert sep.ramp_up is not None


def test_a_problem_in_a_slip_opens_its_row(editor):
    """settings.risk.catalogue.facility_slips[0].circuit.probability (Mountain Pass's circuit) opens
    the Slips tab with that row and column current."""
    assert editor.reveal("settings.risk.catalogue.facility_slips[0].circuit.probability")
    table = editor.tables["slips"]
    assert editor.tabs.currentWidget() is table
    index = table.view.currentIndex()
    assert index.row() == _row_of(editor, "Mountain Pass separations", "new circuit")
    assert index.column() == table.model.column_of("probability")
