"""Accessible names for input widgets: what a screen reader says when the field gets the focus.

``name_inputs(root)`` gives every input under ``root`` that has no accessible name one, taken
from what a sighted user reads beside it, in this order:

1. the QLabel whose buddy it is;
2. its label in a QFormLayout (also when the input sits in a small row widget of the form);
3. the QLabel just before it in the same box layout ("Flows in [2027]");
4. for a widget in a table cell, the column's header;
5. the first line of its tooltip, else its placeholder text.

Widgets created later (a cell's combo, a new form) are named where they are made, with
``set_name``.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSlider,
    QTableWidget,
    QTextEdit,
    QWidget,
)

#: the kinds of widget a user types into, picks from or ticks
INPUT_TYPES: tuple[type, ...] = (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox, QRadioButton, QSlider,
                                 QPlainTextEdit, QTextEdit)


def inputs_under(root: QWidget) -> list[QWidget]:
    """Every input widget under ``root``, without the line edits inside spin boxes and combos
    (the screen reader announces the spin box or combo, not its inner editor)."""
    found = []
    for w in root.findChildren(QWidget):  # one walk of the tree, not one per kind
        if not isinstance(w, INPUT_TYPES):
            continue
        if isinstance(w, QLineEdit) and isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox)):
            continue
        found.append(w)
    return found


def _plain(text: str) -> str:
    """Label text without mnemonics, a trailing colon, rich-text tags or line breaks."""
    import re

    text = re.sub(r"<[^>]+>", "", text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return " ".join(text.split()).rstrip(":").strip()


def set_name(widget: QWidget, name: str, description: str = "") -> None:
    widget.setAccessibleName(_plain(name))
    if description and not widget.accessibleDescription():
        widget.setAccessibleDescription(description)


def buddies_under(root: QWidget) -> dict[QWidget, str]:
    """{widget: text of the QLabel whose buddy it is}, from one walk of ``root``'s labels (asking
    every label for each input made naming the main window's 95 inputs take ~400 ms)."""
    out: dict[QWidget, str] = {}
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and label.text():
            out[buddy] = label.text()
    return out


def _form_label(widget: QWidget) -> str:
    """The widget's (or its row container's, two levels up at most) label in a QFormLayout."""
    w: QWidget | None = widget
    for _ in range(3):
        if w is None or w.parentWidget() is None:
            return ""
        for form in _layouts(w.parentWidget()):
            if isinstance(form, QFormLayout):
                label = form.labelForField(w)
                if label is None:
                    for i in range(form.rowCount()):  # the field may be a nested layout holding w
                        item = form.itemAt(i, QFormLayout.ItemRole.FieldRole)
                        if item is not None and item.layout() is not None and _holds(item.layout(), w):
                            lab = form.itemAt(i, QFormLayout.ItemRole.LabelRole)
                            label = lab.widget() if lab is not None else None
                            break
                if isinstance(label, QLabel) and label.text():
                    return label.text()
        w = w.parentWidget()
    return ""


def _layouts(widget: QWidget) -> list[QLayout]:
    """The widget's layout and every layout nested in it (nested layouts are its QObject children)."""
    top = widget.layout()
    if top is None:
        return []
    return [top, *top.findChildren(QLayout)]


def _holds(layout: QLayout, widget: QWidget) -> bool:
    return layout.indexOf(widget) >= 0 or any(lay.indexOf(widget) >= 0 for lay in layout.findChildren(QLayout))


def _preceding_label(widget: QWidget) -> str:
    parent = widget.parentWidget()
    if parent is None:
        return ""
    for box in _layouts(parent):
        if not isinstance(box, QBoxLayout):
            continue
        i = box.indexOf(widget)
        if i <= 0:
            continue
        item = box.itemAt(i - 1)
        before = item.widget() if item is not None else None
        if isinstance(before, QLabel) and before.text():
            return before.text()
    return ""


def _cell_header(widget: QWidget) -> str:
    """The column header of the table cell that holds ``widget`` (a cell widget's parent is the
    table's viewport)."""
    viewport = widget.parentWidget()
    table = viewport.parentWidget() if viewport is not None else None
    if not isinstance(table, QTableWidget):
        return ""
    for row in range(table.rowCount()):
        for col in range(table.columnCount()):
            if table.cellWidget(row, col) is widget:
                header = table.horizontalHeaderItem(col)
                head = header.text() if header is not None else f"Column {col + 1}"
                return f"{head}, row {row + 1}"
    return ""


def derived_name(widget: QWidget, buddies: dict[QWidget, str] | None = None) -> str:
    """What a sighted user reads as the widget's name ('' when nothing is found)."""
    buddy = (buddies if buddies is not None else buddies_under(widget.window())).get(widget, "")
    if _plain(buddy):
        return _plain(buddy)
    for find in (_form_label, _preceding_label, _cell_header):
        text = _plain(find(widget))
        if text:
            return text
    tip = widget.toolTip().strip().splitlines()
    if tip and tip[0].strip():
        return _plain(tip[0])
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        return _plain(widget.placeholderText())
    if isinstance(widget, (QCheckBox, QRadioButton)) and widget.text():
        return _plain(widget.text())
    return ""


def name_inputs(root: QWidget) -> list[QWidget]:
    """Name every unnamed input under ``root``; returns the inputs still without a name."""
    unnamed = []
    buddies: dict[QWidget, str] | None = None
    for w in inputs_under(root):
        if w.accessibleName():
            continue
        if buddies is None:
            buddies = buddies_under(root)
        name = derived_name(w, buddies)
        if name:
            w.setAccessibleName(name)
        else:
            unnamed.append(w)
    return unnamed


