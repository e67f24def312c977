"""Validation panel: every problem of the project, refreshed (debounced) after each change.

``models.validation.validate_project`` runs on the GUI thread 250 ms after the last change
(a few hundred objects take a few milliseconds). Clicking a problem emits
``location_activated(location)``; the main window selects the matching row, cell or node.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from models.validation import Problem, validate_project

from .document import Document

DEBOUNCE_MS = 250


class ValidationPanel(QWidget):
    location_activated = Signal(str)
    problems_changed = Signal(list)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.problems: list[Problem] = []
        self.summary = QLabel()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Severity", "Where", "Problem"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 300)
        header.setStretchLastSection(True)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        doc.inputs_changed.connect(lambda _rev: self._timer.start())
        self.refresh()

    @property
    def pending(self) -> bool:
        """True while a refresh is scheduled (tests wait for it to clear)."""
        return self._timer.isActive()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self) -> None:
        """Re-run every check now and list the problems (errors first)."""
        self._timer.stop()
        self.problems = validate_project(self.doc.project)
        self.tree.clear()
        red, amber = QBrush(QColor("#b00020")), QBrush(QColor("#8a5a00"))
        for p in self.problems:
            item = QTreeWidgetItem([p.severity, self._where(p.location), p.message])
            item.setData(0, Qt.ItemDataRole.UserRole, p.location)
            item.setForeground(0, red if p.severity == "error" else amber)
            item.setToolTip(1, p.location)
            item.setToolTip(2, p.message)
            self.tree.addTopLevelItem(item)
        n_err = sum(1 for p in self.problems if p.severity == "error")
        n_warn = len(self.problems) - n_err
        if not self.problems:
            self.summary.setText("<span style='color:#1b7a3d'>No problems: the project can be solved.</span>")
        else:
            text = f"<b style='color:#b00020'>{n_err} error(s)</b>" if n_err else "no errors"
            text += f", {n_warn} warning(s)" if n_warn else ""
            self.summary.setText(text + (" &middot; errors block solving" if n_err else "")
                                 + " &middot; click a problem to go there")
        self.problems_changed.emit(self.problems)

    def _where(self, location: str) -> str:
        """'facilities[3].capacity_tpy' -> 'facilities[3] (lynas-kalgoorlie).capacity_tpy'."""
        from .locations import parse_location

        steps = parse_location(location)
        if steps and steps[0].index is not None:
            items = getattr(self.doc.project, steps[0].name, None)
            if isinstance(items, list) and 0 <= steps[0].index < len(items):
                obj_id = getattr(items[steps[0].index], "id", None)
                if obj_id:
                    head = f"{steps[0].name}[{steps[0].index}]"
                    return location.replace(head, f"{head} ({obj_id})", 1)
        return location

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        location = item.data(0, Qt.ItemDataRole.UserRole)
        if location:
            self.location_activated.emit(location)

    def select_problem(self, row: int) -> None:
        """Activate the problem in ``row`` as a click would (keyboard / tests)."""
        item = self.tree.topLevelItem(row)
        if item is not None:
            self.tree.setCurrentItem(item)
            self._activated(item)

    def problem_cells(self, list_name: str) -> dict[tuple[int, str], str]:
        """{(row, field): severity} of the problems located in ``project.<list_name>``."""
        from .locations import target_of

        out: dict[tuple[int, str], str] = {}
        for p in self.problems:
            t = target_of(p.location)
            if t.list_name == list_name and t.row is not None and t.sub_list is None:
                key = (t.row, t.field or "")
                if out.get(key) != "error":
                    out[key] = p.severity
        return out

    def closeEvent(self, event: Any) -> None:
        self._timer.stop()
        super().closeEvent(event)
