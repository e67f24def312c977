"""The chain and map panels share their bar (ui.views.flow_bar) and their views' set-up
(ui.views.document_view): the same year picker on the horizon, the same material picker, the
same scene settings and document signals."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from models.vocab import Material
from tests.ui.demo_project import demo_project
from ui.document.document import Document
from ui.document.stress_marks import stress_marks_of
from ui.views.chain_panel import ChainPanel
from ui.views.map_view import MapPanel


@pytest.mark.parametrize("panel_class", [ChainPanel, MapPanel])
def test_the_year_picker_follows_the_horizon_keeping_the_year(qtbot, panel_class):
    doc = Document(demo_project())  # horizon 2026-2035, compliance year 2027
    panel = panel_class(doc)
    qtbot.addWidget(panel)
    assert [panel.year_combo.itemData(i) for i in range(panel.year_combo.count())] == list(range(2026, 2036))
    assert panel.year() == 2027
    panel.set_year(2030)
    doc.set_field(doc.project.settings, "end_year", 2040)  # 2026..2040: 15 years, 2030 still there
    assert panel.year_combo.count() == 15 and panel.year() == 2030
    doc.set_field(doc.project.settings, "start_year", 2031)  # 2030 gone: the KPI year clamped, 2031
    assert panel.year_combo.itemData(0) == 2031 and panel.year() == 2031


@pytest.mark.parametrize("panel_class", [ChainPanel, MapPanel])
def test_the_material_picker_and_the_view_set_up(qtbot, panel_class):
    doc = Document(demo_project())
    panel = panel_class(doc)
    qtbot.addWidget(panel)
    combo = panel.material_combo
    assert combo.count() == 1 + len(Material) and combo.itemData(0) is None and combo.itemText(0) == "All materials"
    assert [combo.itemData(i) for i in range(1, combo.count())] == [m.value for m in Material]
    assert combo.accessibleName() == "Material shown"
    view = panel.view
    assert view.scene().itemIndexMethod() == QGraphicsScene.ItemIndexMethod.NoIndex
    assert view.dragMode() == QGraphicsView.DragMode.ScrollHandDrag
    assert view.transformationAnchor() == QGraphicsView.ViewportAnchor.AnchorUnderMouse
    assert view.stress_marks is not None and view.stress_marks is stress_marks_of(doc)  # one per document
