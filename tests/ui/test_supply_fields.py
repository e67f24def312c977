"""Inspector fields for finite stocks and qualification: shown where they apply, edits undoable."""

from __future__ import annotations

from PySide6.QtCore import Qt

from models.project import Facility
from ui.document.document import Document
from ui.editors.inspector import Inspector


def _doc(stage: str = "mine") -> tuple[Document, Facility]:
    doc = Document()
    kw = {"assay": {"ndpr": 0.31}} if stage == "mine" else {}
    f = Facility(id="pile", name="Eneabba stockpile", stage=stage, country="AU", capacity_tpy=17500, **kw)
    doc.add_facility(f)
    doc.undo_stack.clear()
    doc.set_current_facility(f)
    return doc, f


def _spec(inspector: Inspector, attr: str):
    return next(s for s in inspector.form.specs if s.attr == attr)


def test_mine_edits_finite_stock_and_undo_restores_it(qtbot):
    doc, f = _doc()
    inspector = Inspector(doc)
    qtbot.addWidget(inspector)
    inspector.show()
    assert inspector.form.editors["stock_initial_t"].isVisible()
    assert inspector.form.commit(_spec(inspector, "stock_initial_t"), "540,000") is True
    assert f.stock_initial_t == 540_000
    assert inspector.form.commit(_spec(inspector, "stock_max_draw_tpy"), "17500") is True
    assert f.stock_max_draw_tpy == 17_500
    assert "Finite stock: 540,000 t at the start, drawn at most 17,500 t/yr" in inspector.header.text()
    assert inspector.form.commit(_spec(inspector, "qualification_years"), "2") is True
    assert f.qualification_years == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert f.qualification_years is None and f.stock_max_draw_tpy is None and f.stock_initial_t == 540_000


def test_stock_rows_hidden_for_a_magnet_plant_and_refused_there(qtbot):
    doc, f = _doc("magnet_ndfeb")
    inspector = Inspector(doc)
    qtbot.addWidget(inspector)
    inspector.show()
    assert not inspector.form.editors["stock_initial_t"].isVisible()
    assert inspector.form.editors["qualification_years"].isVisible()
    assert inspector.form.commit(_spec(inspector, "stock_initial_t"), "100") is False
    assert f.stock_initial_t is None
    assert "only meaningful for mines" in inspector.form.error.text()


def test_settings_take_qualification_lags_by_stage(qtbot):
    from ui.editors.settings_panel import SettingsPanel

    doc, _ = _doc()
    panel = SettingsPanel(doc)
    qtbot.addWidget(panel)
    form = panel.settings_form
    spec = next(s for s in form.specs if s.attr == "qualification_years_by_stage")
    assert form.commit(spec, "magnet_ndfeb: 2, magnet_smco: 2") is True
    assert {k.value: v for k, v in doc.project.settings.qualification_years_by_stage.items()} == \
        {"magnet_ndfeb": 2, "magnet_smco": 2}
    assert form.commit(spec, "magnet_ndfeb: -1") is False
    doc.undo_stack.undo()
    assert doc.project.settings.qualification_years_by_stage == {}


def test_platform_table_shows_the_content_conversion_and_edits_undo(qapp):
    """F-35: 417 kg stated; switching the basis to rare_earth shows 417 / 0.3165 = 1,317.5 kg of
    magnet per unit; undo brings back 417 kg of magnet."""
    from models.project import Platform
    from ui.editors.table_models import ListTableModel, platform_columns

    doc = Document()
    doc.project.platforms.append(Platform(id="f35", name="F-35", ndfeb_kg_per_unit=417.0, units_by_year={2027: 150}))
    model = ListTableModel(doc, "platforms", platform_columns)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    basis_col = headers.index("NdFeB kg\nare")
    magnet_col = headers.index("NdFeB magnet\n(kg/unit)")
    assert model.data(model.index(0, magnet_col)) == "417"
    assert model.setData(model.index(0, basis_col), "rare_earth") is True
    assert model.data(model.index(0, magnet_col)) == "1,317.5"
    assert model.setData(model.index(0, magnet_col), "5") is False  # derived, read-only
    doc.undo_stack.undo()
    assert doc.project.platforms[0].ndfeb_kg_basis == "magnet"
