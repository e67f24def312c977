"""What the chain view and the map share as graphics views of the document: how the view is set
up, and which document signals they follow (each view answers them its own way)."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from ui.document.stress_marks import stress_marks_of


def prepare_scene_view(view: QGraphicsView) -> None:
    """Give ``view`` a scene of its own without a BSP index, antialiased shapes and text, drag to
    pan and zoom about the mouse.

    No BSP index: its rebuild, 2 s after items come or go (the chain's shared route layers are
    replaced at every change of selection or flows), took 14-32 ms of a later turn; painting and
    hit tests over the chain's ~600 items or the map's ~100 cost the same without it."""
    view.setScene(QGraphicsScene(view))
    view.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
    view.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
    view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)


def follow_document(view: Any, doc: Any, select: Callable[[Any], None]) -> None:
    """Connect ``doc``'s signals to ``view``'s answers: ``_project_replaced`` (another project),
    ``_list_changed`` (facilities / routes added or removed), ``_field_changed`` (an edit), ``select``
    (the current facility) and, when the document keeps stress-test marks, ``apply_stress_marks``;
    ``view.stress_marks`` is those marks (None without them)."""
    doc.project_replaced.connect(view._project_replaced)
    doc.items_inserted.connect(view._list_changed)
    doc.items_removed.connect(view._list_changed)
    doc.field_changed.connect(view._field_changed)
    doc.current_facility_changed.connect(select)
    view.stress_marks = stress_marks_of(doc)
    if view.stress_marks is not None:
        view.stress_marks.changed.connect(view.apply_stress_marks)
