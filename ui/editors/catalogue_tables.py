"""A table of risk-catalogue rows: every cell edit, addition and removal one undo step.

``CatalogueTableModel`` shows the rows ``rows()`` returns (the objects of one catalogue list, the
values of one dict such as ``outage_by_stage``, or the project statuses), one column per
:class:`ui.document.fields.FieldSpec`. A cell edit is parsed, tried on the whole catalogue
(:mod:`ui.document.catalogue_check`) and pushed with ``Document.set_field`` under a label that
names the row and the field ("Change Less Common Metals (Ellesmere Port) outage probability"). A
refused cell is not stored; the refusal names the row and the column in plain words and says what
stays ("... was not stored; it stays 0.1.").

A column may store into another object than the row (``extra["target"]``: ``(row, value) ->
(object, field, value)``), e.g. a status row's delay distribution is a new ``delay_years`` dict.

``CatalogueTable`` is the widget: a title, an optional chooser for what to add (a facility by
name, a country, a stage, a product), Add and Remove buttons, the table, and a line that keeps the
last refusal in view.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.project import Project
from ui.document.catalogue_check import field_refusal
from ui.document.document import Document
from ui.document.fields import FieldSpec, enum_value
from ui.document.plain import plain_refusal
from ui.editors.delegates import FieldDelegate
from ui.editors.table_models import ListTableModel
from ui.editors.table_views import fit_columns_to_headers
from ui.widgets.accessible import set_name

Index = QModelIndex | QPersistentModelIndex
ASSUMED_BRUSH = QBrush(QColor("#9a6700"))  # a source that is only "assumed": shown in amber


def is_assumed(source: str) -> bool:
    return str(source or "").strip().lower().startswith("assumed")


class CatalogueTableModel(ListTableModel):
    """Rows from ``rows()``; edits checked on ``catalogue()`` and pushed as undo commands."""

    edit_accepted = Signal()

    def __init__(self, doc: Document, rows: Callable[[], list], columns_for: Callable[[Project], list[FieldSpec]],
                 row_name: Callable[[Any], str], catalogue: Callable[[], Any], parent=None):
        self._rows = rows
        self._row_ids: list[int] = []
        self.row_name = row_name
        self._catalogue = catalogue
        super().__init__(doc, "", columns_for, owner_for=lambda d: d.project.settings.risk, parent=parent)
        self._row_ids = [id(x) for x in self.items()]
        doc.items_inserted.connect(self._follow)
        doc.items_removed.connect(self._follow)

    def items(self) -> list:
        return list(self._rows())

    def rebind(self, *_: Any) -> None:
        super().rebind()
        self._row_ids = [id(x) for x in self.items()]

    def _follow(self, *_: Any) -> None:
        """Rows added or removed (here or by undo/redo): show the rows as they are now."""
        if [id(x) for x in self.items()] != self._row_ids:
            self.rebind()

    def _is_mine(self, owner: Any, attr: str) -> bool:  # rows come and go through _follow
        return False

    def _on_field_changed(self, obj: Any, attr: str) -> None:
        if [id(x) for x in self.items()] != self._row_ids:
            self.rebind()
        elif self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        spec = self.columns[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and spec.attr == "source" and is_assumed(spec.value(self.item(
                index.row()))):
            return ASSUMED_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and spec.kind in ("text", "custom") and (index.row(), index.column()) \
                not in self._errors:  # long text (a source, a state's caps) in full
            text = spec.display(self.item(index.row()))
            return "\n".join(t for t in (text, spec.tooltip) if t) or None
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        spec = self.columns[index.column()]
        if spec.readonly:
            return False
        obj = self.item(index.row())
        label = " ".join(spec.header.split())
        word = spec.extra.get("word", label.lower())
        key = (index.row(), index.column())
        parsed: Any = None
        try:
            parsed = spec.new_field_value(obj, value)
            target, field, new = spec.extra["target"](obj, parsed) if "target" in spec.extra else (obj, spec.attr,
                                                                                                   parsed)
        except ValueError as e:
            message = str(e)
        else:
            message = field_refusal(self._catalogue(), target, field, new)
            if not message:
                message = self.doc.set_field(target, field, new, f"Change {self.row_name(obj)} {word}")
        if message:
            if "add up to 1" in message and "would add up" not in message and isinstance(parsed, dict):
                total = sum(parsed.get("probabilities", []))
                message += f" (they would add up to {round(total, 6):g})"
            message = message.replace("need low <= mode <= high", "needs low ≤ mode ≤ high")
            plain = plain_refusal(message, label)
            typed = str(enum_value(value)).strip() if value is not None else ""
            old = spec.display(obj) or spec.placeholder_for(obj) or "empty"
            typed = typed or "An empty value"
            text = f"{self.row_name(obj)}, {plain}. {typed} was not stored; it stays {old}."
            self._errors[key] = text
            self.edit_rejected.emit(text)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.ToolTipRole])
            return False
        self._errors.pop(key, None)
        self.edit_accepted.emit()
        return True


class CatalogueTable(QWidget):
    """Title, chooser + Add, Remove, the table and the last refusal. ``message`` goes to the status bar."""

    message = Signal(str)

    def __init__(self, doc: Document, model: CatalogueTableModel, title: str, hint: str = "",
                 add: Callable[[Any], str | None] | None = None, remove: Callable[[Any], str | None] | None = None,
                 chooser: QComboBox | None = None, chooser_label: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.doc, self.model, self._add, self._remove = doc, model, add, remove
        self.title_text = title
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setItemDelegate(FieldDelegate(self.view))
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.verticalHeader().setDefaultSectionSize(24)
        set_name(self.view, f"{title} table", hint)
        header = self.view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(56)
        header.setHighlightSections(False)
        self.title = QLabel(f"<b>{title}</b>" + (f" <span style='color:#666'>{hint}</span>" if hint else ""))
        self.title.setWordWrap(True)
        self.chooser = chooser
        self.add_button = QPushButton("Add")
        set_name(self.add_button, f"Add to {title.lower()}")
        self.add_button.setToolTip(f"Add a row to {title.lower()}" + (f" for the {chooser_label.lower()} chosen"
                                                                       if chooser is not None else ""))
        self.add_button.clicked.connect(self.add_row)
        self.add_button.setVisible(add is not None)
        self.remove_button = QPushButton("Remove")
        set_name(self.remove_button, f"Remove the selected row of {title.lower()}")
        self.remove_button.setToolTip("Remove the selected row")
        self.remove_button.clicked.connect(self.remove_selected)
        self.remove_button.setVisible(remove is not None)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        if chooser is not None:
            pick = QLabel(chooser_label)
            pick.setBuddy(chooser)
            set_name(chooser, f"{chooser_label} to add to {title.lower()}")
            top.addWidget(pick)
            top.addWidget(chooser)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        model.edit_rejected.connect(self.show_refusal)
        model.edit_accepted.connect(self.clear_refusal)
        model.modelReset.connect(self.fit_columns)
        self.fit_columns()

    def fit_columns(self) -> None:
        fit_columns_to_headers(self.view, self.model.columns)

    def show_refusal(self, text: str) -> None:
        self.error.setText(f"Refused: {text}")
        self.error.show()
        self.message.emit(f"Refused: {text}")

    def clear_refusal(self) -> None:
        self.error.clear()
        self.error.hide()

    def selected_row(self) -> int:
        index = self.view.currentIndex()
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})
        return rows[0] if rows else (index.row() if index.isValid() else -1)

    def add_row(self) -> None:
        if self._add is None:
            return
        choice = self.chooser.currentData() if self.chooser is not None else None
        refusal = self._add(choice)
        if refusal:
            self.show_refusal(refusal)
            return
        self.clear_refusal()
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(self.model.rowCount() - 1, 0))

    def remove_selected(self) -> None:
        row = self.selected_row()
        if self._remove is None or not 0 <= row < self.model.rowCount():
            return
        refusal = self._remove(self.model.item(row))
        if refusal:
            self.show_refusal(refusal)
        else:
            self.clear_refusal()


__all__ = ["CatalogueTable", "CatalogueTableModel", "is_assumed"]
