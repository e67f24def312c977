"""The inspector's sources table: shows a facility's sources; edits, adds and removes are undoable."""

from __future__ import annotations

from models.project import Facility, Source
from ui.document.document import Document
from ui.editors.inspector import Inspector


def _doc_with_sources() -> tuple[Document, Facility]:
    doc = Document()
    f = Facility(id="mp_mine", name="Mountain Pass", stage="mine", country="US", capacity_tpy=50692,
                 assay={"ndpr": 0.157},
                 sources=[Source(url="https://example.org/10k", supports="NdPr 15.7 % of TREO", confidence="high"),
                          Source(url="", supports="opex derived from peers", confidence="derived")])
    doc.add_facility(f)
    doc.undo_stack.clear()
    doc.set_current_facility(f)
    return doc, f


def test_rows_show_the_facility_sources(qtbot):
    doc, f = _doc_with_sources()
    inspector = Inspector(doc)
    qtbot.addWidget(inspector)
    editor = inspector.sources
    assert editor.table.rowCount() == 2
    assert editor.table.item(0, 1).text() == "NdPr 15.7 % of TREO"
    assert editor.table.cellWidget(1, 2).currentText() == "derived"
    assert "(2)" in editor.title.text()
    doc.set_current_facility(None)
    assert editor.table.rowCount() == 0 and not editor.add_button.isEnabled()


def test_cell_edit_is_stored_and_undoable(qtbot):
    doc, f = _doc_with_sources()
    editor = Inspector(doc).sources
    qtbot.addWidget(editor)
    editor.table.item(0, 1).setText("NdPr 15.7 % (FY2021 10-K)")
    assert f.sources[0].supports == "NdPr 15.7 % (FY2021 10-K)"
    editor.table.cellWidget(1, 2).setCurrentText("low")
    assert f.sources[1].confidence == "low"
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert f.sources[0].supports == "NdPr 15.7 % of TREO" and f.sources[1].confidence == "derived"
    assert editor.table.item(0, 1).text() == "NdPr 15.7 % of TREO"  # the view follows undo


def test_add_and_remove_are_undoable(qtbot):
    doc, f = _doc_with_sources()
    editor = Inspector(doc).sources
    qtbot.addWidget(editor)
    editor.add_source()
    assert len(f.sources) == 3 and editor.table.rowCount() == 3
    editor.table.setCurrentCell(0, 0)
    editor.remove_selected()
    assert [s.confidence for s in f.sources] == ["derived", "medium"]
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert [s.supports for s in f.sources] == ["NdPr 15.7 % of TREO", "opex derived from peers"]
    assert editor.table.rowCount() == 2


def test_a_text_longer_than_the_schema_allows_is_refused(qtbot):
    doc, f = _doc_with_sources()
    editor = Inspector(doc).sources
    qtbot.addWidget(editor)
    messages = []
    doc.edit_rejected.connect(messages.append)
    editor.table.item(0, 0).setText("https://x/" + "a" * 3000)  # url is limited to 2000 characters
    assert f.sources[0].url == "https://example.org/10k"
    assert messages and doc.undo_stack.count() == 0
    assert editor.table.item(0, 0).text() == "https://example.org/10k"
