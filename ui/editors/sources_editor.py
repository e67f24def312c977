"""Edit where a facility's figures come from: its ``sources`` list (URL, what it supports,
confidence). Every edit, addition and removal is an undoable document command."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.project import Source
from ui.document.document import Document
from ui.widgets.accessible import set_name

CONFIDENCE = ["high", "medium", "low", "derived"]
COLUMNS = [("url", "URL"), ("supports", "Supports (which figure, and how derived)"), ("confidence", "Confidence")]


class SourcesEditor(QWidget):
    """A table over ``owner().sources``; ``owner`` returns the facility shown (or None)."""

    def __init__(self, doc: Document, owner: Callable[[], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._owner = owner
        self._loading = False
        self.title = QLabel("<b>Sources</b>")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([label for _, label in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)  # one line per source; the full text is in the tooltip
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(0, 160)
        self.table.setMinimumHeight(120)
        self.add_button = QPushButton("Add source")
        self.remove_button = QPushButton("Remove")
        self.open_button = QPushButton("Open link")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.open_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

        self.table.itemChanged.connect(self._on_item_changed)
        self.add_button.clicked.connect(self.add_source)
        self.remove_button.clicked.connect(self.remove_selected)
        self.open_button.clicked.connect(self.open_selected)
        doc.field_changed.connect(self._on_field_changed)
        for sig in (doc.items_inserted, doc.items_removed):
            sig.connect(lambda owner, attr, _i: self.reload() if attr == "sources" and owner is self._owner() else None)
        doc.project_replaced.connect(self.reload)
        self.reload()

    # ------------------------------------------------------------------ view
    def reload(self, *_: Any) -> None:
        owner = self._owner()
        sources = list(owner.sources) if owner is not None else []
        self._loading = True
        try:
            self.table.setRowCount(0)  # drops the previous rows' confidence pickers
            self.table.setRowCount(len(sources))
            for row, src in enumerate(sources):
                for col, (attr, _) in enumerate(COLUMNS[:2]):
                    item = QTableWidgetItem(getattr(src, attr))
                    item.setToolTip(getattr(src, attr))
                    self.table.setItem(row, col, item)
                combo = QComboBox()
                combo.addItems(CONFIDENCE)
                combo.setCurrentText(src.confidence)
                combo.currentTextChanged.connect(lambda text, s=src: self._set(s, "confidence", text))
                self.table.setCellWidget(row, 2, combo)
                set_name(combo, f"{COLUMNS[2][1]}, source {row + 1}")
        finally:
            self._loading = False
        self.title.setText(f"<b>Sources</b> ({len(sources)})" if owner is not None else "<b>Sources</b>")
        for w in (self.add_button, self.table):
            w.setEnabled(owner is not None)
        self.remove_button.setEnabled(bool(sources))
        self.open_button.setEnabled(bool(sources))

    def _on_field_changed(self, obj: Any, _attr: str) -> None:
        owner = self._owner()
        if owner is not None and any(obj is s for s in owner.sources):
            self.reload()

    # ----------------------------------------------------------------- edits
    def _set(self, source: Source, attr: str, value: str) -> None:
        if self._loading:
            return
        message = self.doc.set_field(source, attr, value, f"Edit source {attr}")
        if message is not None:
            self.reload()  # refused: show the stored value again

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        owner = self._owner()
        if owner is None or item.row() >= len(owner.sources):
            return
        self._set(owner.sources[item.row()], COLUMNS[item.column()][0], item.text())

    def add_source(self) -> None:
        owner = self._owner()
        if owner is None:
            return
        index = self.doc.insert_item(owner, "sources", Source(confidence="medium"), text="Add source")
        self.table.setCurrentCell(index, 0)
        self.table.editItem(self.table.item(index, 0))

    def remove_selected(self) -> None:
        owner = self._owner()
        row = self.table.currentRow()
        if owner is not None and 0 <= row < len(owner.sources):
            self.doc.remove_item(owner, "sources", row, "Remove source")

    def open_selected(self) -> None:
        owner = self._owner()
        row = self.table.currentRow()
        if owner is None or not 0 <= row < len(owner.sources):
            return
        first = owner.sources[row].url.split(" ; ")[0].strip()
        if first.startswith(("http://", "https://")):  # never hand other schemes to the desktop
            QDesktopServices.openUrl(QUrl(first))


__all__ = ["SourcesEditor"]
