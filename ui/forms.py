"""A form bound to one domain object: one editor per FieldSpec, every commit an undo command.

Text fields commit when editing finishes (Enter or focus out), pickers and check boxes at
once. A refused value shows its message under the form (and in ``message``), and the editor
goes back to the stored value: nothing invalid is ever stored.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from .delegates import choice_combo, country_combo
from .document import Document
from .fields import FieldSpec, enum_value


class BoundForm(QWidget):
    """Editors for ``specs`` of the object returned by ``target()`` (None -> disabled)."""

    message = Signal(str)

    def __init__(self, doc: Document, specs: list[FieldSpec], target: Callable[[], Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.doc, self.specs, self._target = doc, specs, target
        self.editors: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self._loading = False
        for spec in specs:
            w = self._make_editor(spec)
            w.setMinimumWidth(120)
            if spec.tooltip:
                w.setToolTip(spec.tooltip)
            self.editors[spec.attr] = w
            label = QLabel(spec.header.replace("\n", " "))
            if spec.tooltip:
                label.setToolTip(spec.tooltip)
            self.form.addRow(label, w)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        doc.field_changed.connect(self._on_field_changed)
        self.reload()

    def target(self) -> Any:
        return self._target()

    def _make_editor(self, spec: FieldSpec) -> QWidget:
        if spec.kind == "bool":
            w = QCheckBox()
            w.toggled.connect(lambda checked, s=spec: self.commit(s, checked))
            return w
        if spec.kind in ("enum", "opt_enum"):
            w = choice_combo(list(spec.choices), optional=spec.kind == "opt_enum")
            w.activated.connect(lambda _i, s=spec, c=w: self.commit(s, c.currentData()))
            return w
        if spec.kind == "country":
            w = country_combo()
            w.activated.connect(lambda _i, s=spec, c=w: self.commit(s, c.currentData()))
            w.lineEdit().editingFinished.connect(lambda s=spec, c=w: self._country_typed(s, c))
            return w
        w = QLineEdit()
        w.setReadOnly(spec.readonly)
        if isinstance(spec.placeholder, str) and spec.placeholder:
            w.setPlaceholderText(spec.placeholder)
        w.editingFinished.connect(lambda s=spec, e=w: self.commit(s, e.text()) if e.isModified() else None)
        return w

    def _country_typed(self, spec: FieldSpec, combo: QComboBox) -> None:
        text = combo.currentText()
        i = combo.findText(text)
        self.commit(spec, combo.itemData(i) if i >= 0 else text)

    def commit(self, spec: FieldSpec, raw: Any) -> bool:
        """Parse and set one field; True when stored (or unchanged)."""
        obj = self.target()
        if self._loading or obj is None or spec.readonly:
            return False
        try:
            value = spec.new_field_value(obj, raw)
        except ValueError as e:
            message = f"{spec.header.splitlines()[0]}: {e}"
        else:
            message = self.doc.set_field(obj, spec.attr, value, f"Edit {spec.header.splitlines()[0]}")
        if message:
            self.error.setText(f"Refused: {message}")
            self.error.show()
            self.message.emit(f"Refused: {message}")
            self.reload()
            return False
        self.error.hide()
        return True

    def reload(self) -> None:
        """Show the target's stored values (after load, undo, another view's edit)."""
        obj = self.target()
        self._loading = True
        try:
            self.setEnabled(obj is not None)
            for spec in self.specs:
                w = self.editors[spec.attr]
                if obj is None:
                    if isinstance(w, QLineEdit):
                        w.clear()
                    continue
                if isinstance(w, QCheckBox):
                    w.setChecked(bool(spec.value(obj)))
                elif isinstance(w, QComboBox):
                    v = enum_value(spec.value(obj))
                    i = w.findData(v if v is not None else "")
                    if i >= 0:
                        w.setCurrentIndex(i)
                elif isinstance(w, QLineEdit):
                    w.setText(self._text_for(spec, obj))
                    w.setCursorPosition(0)
                    w.setModified(False)
        finally:
            self._loading = False

    @staticmethod
    def _text_for(spec: FieldSpec, obj: Any) -> str:
        """Readable text (5,000,000) unless rounding would change the value; then the exact one."""
        text = spec.display(obj)
        if spec.kind in ("float", "opt_float"):
            try:
                if spec.parse(text) != spec.value(obj):
                    return spec.edit_text(obj)
            except ValueError:
                return spec.edit_text(obj)
        return text

    def _on_field_changed(self, obj: Any, _attr: str) -> None:
        if obj is self.target():
            self.reload()
