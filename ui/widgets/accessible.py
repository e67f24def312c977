"""Accessible names for input widgets (screen readers, UI automation): every editor gets the name
a sighted user reads next to it.

``name_inputs(root)`` names each input under ``root`` that has none yet: a form field after its
row's label (QFormLayout), a check box or button after its own text, anything else after its
tooltip, placeholder or status tip (first line, trailing " (...)" hints kept). Returns how many it
named; inputs it cannot name keep an empty name (``unnamed_inputs`` lists them).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

INPUT_TYPES = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QAbstractItemView, QPlainTextEdit, QTextEdit)


def _internal(w: QWidget) -> bool:
    """Parts of other widgets, not inputs of their own: a table's header, a combo box's line edit
    and popup list, a line edit's clear button, a spin box's line edit."""
    parent = w.parent()
    if isinstance(w, QHeaderView) or isinstance(parent, (QComboBox, QAbstractSpinBox, QLineEdit)):
        return True
    while parent is not None:  # a combo box's popup frame
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parent()
    return False


def _inputs(root: QWidget) -> list[QWidget]:
    out = []
    for t in INPUT_TYPES:
        out += root.findChildren(t)
    seen, unique = set(), []
    for w in out:
        if id(w) not in seen and not _internal(w):
            seen.add(id(w))
            unique.append(w)
    return unique


def _sibling_label(w: QWidget) -> str:
    """The first labelled text beside ``w`` (a table's title above it, a chart card's title)."""
    parent = w.parent()
    for _ in range(3):
        if parent is None:
            return ""
        for child in parent.findChildren(QLabel):
            text = _clean(child.text())
            if text and "<" not in text and len(text) <= 80:
                return text
        parent = parent.parent()
    return ""


def _clean(text: str) -> str:
    text = " ".join((text or "").replace("&", "").split())
    return text.rstrip(":")


def _form_labels(root: QWidget) -> dict[int, str]:
    """id(field widget) -> its row label's text, for every QFormLayout under ``root``."""
    out: dict[int, str] = {}
    for layout in root.findChildren(QFormLayout):
        for row in range(layout.rowCount()):
            label_item = layout.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = layout.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label_item is None or field_item is None:
                continue
            label = label_item.widget()
            text = _clean(label.text()) if isinstance(label, QLabel) else ""
            if not text:
                continue
            field = field_item.widget()
            fields = [field] if field is not None else []
            if field is None and field_item.layout() is not None:
                lay = field_item.layout()
                fields = [lay.itemAt(i).widget() for i in range(lay.count()) if lay.itemAt(i).widget() is not None]
            for f in fields:
                out[id(f)] = text
                for child in _inputs(f):  # an editor inside a row widget (editor + inline refusal)
                    out.setdefault(id(child), text)
    return out


def name_inputs(root: QWidget) -> int:
    """Give every unnamed input under ``root`` an accessible name; returns how many were named."""
    labels = _form_labels(root)
    named = 0
    for w in _inputs(root):
        if w.accessibleName():
            continue
        text = labels.get(id(w), "")
        if not text and isinstance(w, QAbstractButton):
            text = _clean(w.text())
        if not text:
            for candidate in (w.toolTip(), getattr(w, "placeholderText", lambda: "")(), w.statusTip(), w.objectName()):
                text = _clean(str(candidate).splitlines()[0] if candidate else "")
                if text:
                    break
        if not text:
            text = _sibling_label(w)
        if text:
            w.setAccessibleName(text[:120])
            named += 1
    return named


def unnamed_inputs(root: QWidget) -> list[QWidget]:
    return [w for w in _inputs(root) if not w.accessibleName()]
