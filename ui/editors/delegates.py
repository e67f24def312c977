"""Cell editors by field kind: pickers for vocabularies, countries and facility ids; line edits
for numbers (the model refuses bad values with a message, so nothing is silently clamped)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from models.countries import COUNTRIES
from ui.document.fields import country_label, enum_value, label_of
from ui.editors.table_models import ListTableModel

Index = QModelIndex | QPersistentModelIndex


def country_combo(parent: QWidget | None = None) -> QComboBox:
    """Editable picker of ISO countries: shows 'AU - Australia', type to filter."""
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    for code in sorted(COUNTRIES, key=lambda c: COUNTRIES[c]):
        combo.addItem(country_label(code), code)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    return combo


def choice_combo(choices: list[Any], parent: QWidget | None = None, optional: bool = False) -> QComboBox:
    combo = QComboBox(parent)
    if optional:
        combo.addItem("(none)", "")
    for c in choices:
        combo.addItem(label_of(c), enum_value(c))
    return combo


class FieldDelegate(QStyledItemDelegate):
    """Creates the editor a column's ``FieldSpec.kind`` asks for."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        model = index.model()
        spec = model.columns[index.column()] if isinstance(model, ListTableModel) else None
        if spec is None:
            return super().createEditor(parent, option, index)
        if spec.kind in ("enum", "opt_enum"):
            return choice_combo(list(spec.choices), parent, optional=spec.kind == "opt_enum")
        if spec.kind == "country":
            return country_combo(parent)
        if spec.kind == "ref":
            combo = QComboBox(parent)
            by_name = spec.extra.get("by_name", False)  # names shown, ids in the items' tooltips
            for f in model.doc.project.facilities:
                if by_name:
                    combo.addItem(f.name or f.id, f.id)
                    combo.setItemData(combo.count() - 1, f"id {f.id}", Qt.ItemDataRole.ToolTipRole)
                else:
                    combo.addItem(f"{f.id} ({f.name})" if f.name else f.id, f.id)
            if by_name:
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            return combo
        edit = QLineEdit(parent)
        if spec.tooltip:
            edit.setToolTip(spec.tooltip)
        return edit

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            i = editor.findData(text)
            if i >= 0:
                editor.setCurrentIndex(i)
            elif editor.isEditable():
                editor.setEditText(str(text or ""))
            return
        if isinstance(editor, QLineEdit):
            editor.setText("" if text is None else str(text))
            editor.selectAll()
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            data = editor.currentData()
            text = editor.currentText()
            if editor.isEditable() and (data is None or editor.itemText(editor.currentIndex()) != text):
                data = text  # typed, not picked: let the field parse it ("au", "Australia")
            model.setData(index, data, Qt.ItemDataRole.EditRole)
            return
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)
