"""A form bound to one domain object: one editor per FieldSpec, every commit an undo command.

Text fields commit when editing finishes (Enter or focus out), pickers and check boxes at
once. A refused value is explained in plain words right under its field ("Capacity (t/yr)
cannot be negative: -3 was not stored, it stays 13,000"), the field is outlined red, and the
editor goes back to the stored value: nothing invalid is ever stored. The same text goes to
``message`` (the status bar) and ``error`` (the last refusal).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.document.document import Document
from ui.document.fields import FieldSpec, enum_value, fmt_number
from ui.document.plain import plain_refusal
from ui.editors.delegates import choice_combo, country_combo
from ui.widgets.accessible import set_name
from ui.widgets.wrapped_label import WrappedLabel


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
        self.rows: dict[str, QWidget] = {}  # the form row of each field: editor + inline refusal
        self.field_errors: dict[str, QLabel] = {}
        self.labels = {s.attr: s.header.splitlines()[0] for s in specs}
        for spec in specs:
            w = self._make_editor(spec)
            w.setMinimumWidth(120)
            if spec.tooltip:
                w.setToolTip(spec.tooltip)
            self.editors[spec.attr] = w
            label = QLabel(spec.header.replace("\n", " "))
            label.setBuddy(w)
            set_name(w, label.text(), spec.tooltip or "")
            if spec.tooltip:
                label.setToolTip(spec.tooltip)
            row = QWidget()
            row_layout = QVBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.setSpacing(2)
            row_layout.addWidget(w)
            inline = WrappedLabel()  # never clipped: its minimum height follows its wrapped text
            inline.setStyleSheet("color: #b00020;")
            inline.hide()
            row_layout.addWidget(inline)
            self.rows[spec.attr] = row
            self.field_errors[spec.attr] = inline
            self.form.addRow(label, row)
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
        label = self.labels[spec.attr]
        try:
            value = spec.new_field_value(obj, raw)
        except ValueError as e:
            message = f"{label}: {e}"
            plain = message
        else:
            message = self.doc.set_field(obj, spec.attr, value, f"Edit {label}")
            plain = plain_refusal(message, label, self.labels) if message else ""
        if message:
            typed = raw if isinstance(raw, str) else fmt_number(raw) if isinstance(raw, (int, float)) else str(raw)
            kept = self._text_for(spec, obj) or "empty"
            text = f"{plain}. {typed.strip() or 'An empty value'} was not stored; it stays {kept}."
            self.clear_errors()
            inline = self.field_errors[spec.attr]
            inline.setText(text)
            inline.setToolTip(f"Refused: {message}")
            inline.show()
            self.editors[spec.attr].setStyleSheet("border: 1.5px solid #b00020;")
            self.error.setText(text)
            self.message.emit(f"Refused: {text}")
            self.reload()
            self.editors[spec.attr].setFocus()
            self._reveal(spec.attr)
            return False
        self.clear_errors()
        return True

    def _reveal(self, attr: str) -> None:
        """Scroll the enclosing scroll area (the inspector's) so the field and its message show."""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QScrollArea

        w = self.parentWidget()
        while w is not None and not isinstance(w, QScrollArea):
            w = w.parentWidget()
        if w is not None:
            area, row = w, self.rows[attr]
            area.ensureWidgetVisible(row, 10, 30)
            # again after the layout grew; bound to the area, so nothing runs once it is gone
            QTimer.singleShot(0, area, lambda: area.ensureWidgetVisible(row, 10, 30))

    def clear_errors(self) -> None:
        """Hide every inline refusal (after a stored edit or another target)."""
        self.error.clear()
        for attr, inline in self.field_errors.items():
            if not inline.isHidden():
                inline.hide()
                self.editors[attr].setStyleSheet("")

    def error_text(self, attr: str) -> str:
        """The inline refusal shown under ``attr`` ('' when none)."""
        inline = self.field_errors[attr]
        return "" if inline.isHidden() else inline.text()

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
