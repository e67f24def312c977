"""The Chain tab: the chain view under a small bar (material and stage filters, the flow year of
the last plan, Fit)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models.vocab import Stage
from ui.document.document import Document
from ui.document.fields import label_of
from ui.runtime import turns
from ui.views.chain_view import ChainView
from ui.views.flow_bar import HorizonYears, material_combo


class ChainPanel(HorizonYears, QWidget):
    """The chain view with a small bar: flows of the last plan for a chosen year, fit."""

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.view = ChainView(doc)
        self.year_combo = QComboBox()
        self.year_combo.setToolTip("Arrow widths show the plan's flows in this year")
        self.year_combo.currentIndexChanged.connect(self._year_changed)
        self.flow_note = QLabel()
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Zoom to show the whole chain (Ctrl+wheel zooms)")
        self.fit_button.clicked.connect(self.view.fit)
        hint = QLabel("<span style='color:#666'>Drag: move \u00b7 Shift+drag: connect \u00b7 right-click: more</span>")
        hint.setToolTip("Right-click to add or delete; Shift+drag from one node to another (or drag from its "
                        "right-hand port) to connect them; double-click to edit; Ctrl+wheel zooms.")
        self.material_combo = material_combo("Show the routes of one material only")
        self.stage_combo = QComboBox()
        self.stage_combo.setToolTip("Highlight one stage and the routes from and to it")
        self.stage_combo.setAccessibleName("Stage highlighted")
        self.stage_combo.addItem("All stages", None)
        for st in Stage:
            self.stage_combo.addItem(label_of(st), st)
        for combo in (self.material_combo, self.stage_combo):
            combo.currentIndexChanged.connect(
                lambda _i: self.view.set_filter(self.material_combo.currentData(), self.stage_combo.currentData()))
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 0)
        bar.addWidget(hint, 1)
        bar.addWidget(self.material_combo)
        bar.addWidget(self.stage_combo)
        bar.addWidget(self.flow_note)
        bar.addWidget(QLabel("Flows in"))
        bar.addWidget(self.year_combo)
        bar.addWidget(self.fit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        doc.result_changed.connect(self._result_changed)
        doc.inputs_changed.connect(lambda _rev: self._update_note())
        self._follow_horizon()

    def _years_filled(self) -> None:
        self._result_changed(self.doc.result)

    def set_year(self, year: int) -> None:
        """Show the flows of ``year`` (e.g. picked in the results dashboard)."""
        i = self.year_combo.findData(int(year))
        if i >= 0:
            self.year_combo.setCurrentIndex(i)

    def _year_changed(self, _i: int) -> None:
        if self.doc.result is not None and self.year() is not None:
            self.view.show_flows(self.doc.result, self.year())

    def _result_changed(self, result: Any) -> None:
        """Widths and labels of the year's flows on a turn of their own (ui.runtime.turns): a new plan
        sets 479 arrows (about 10 ms) and the dashboard's first step in the same turn."""
        has_plan = result is not None and getattr(result, "has_plan", False)
        self.year_combo.setEnabled(has_plan)
        if self.year() is not None:
            turns.post(self._show_current_flows, (id(self), "flows"), owner=self)
        self._update_note()

    def _show_current_flows(self) -> None:
        result = self.doc.result
        if self.year() is not None:
            self.view.show_flows(result if result is not None and getattr(result, "has_plan", False) else None,
                                 self.year())

    def _update_note(self) -> None:
        r = self.doc.result
        if r is None or not getattr(r, "has_plan", False):
            self.flow_note.setText("<span style='color:#666'>solve to see flows</span>")
        elif self.doc.result_is_stale:
            self.flow_note.setText("<span style='color:#9a6700'><b>plan out of date</b></span>")
        else:
            self.flow_note.setText("")
