"""Toolbar Undo / Redo with fixed labels: the command they would undo is in the tooltip.

``QUndoStack.createUndoAction`` renames its action after every edit ("Undo Edit Capacity
(t/yr)"); in a toolbar that shifts every button after it. The Edit menu keeps those descriptive
actions (and the shortcuts); the toolbar gets these two, which trigger the same stack.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QWidget


class _Follower(QObject):
    """Keeps the two actions in step with the stack, from the stack's own signal arguments (the
    stack is never asked: it may be half destroyed when its last signals come). A child of the
    window, so its slots are disconnected when the window goes."""

    def __init__(self, stack: QUndoStack, undo: QAction, redo: QAction, parent: QObject) -> None:
        super().__init__(parent)
        self.undo, self.redo = undo, redo
        self.undo_text, self.redo_text = stack.undoText(), stack.redoText()
        self.set_can_undo(stack.canUndo())
        self.set_can_redo(stack.canRedo())
        stack.canUndoChanged.connect(self.set_can_undo)
        stack.canRedoChanged.connect(self.set_can_redo)
        stack.undoTextChanged.connect(self.set_undo_text)
        stack.redoTextChanged.connect(self.set_redo_text)

    @Slot(bool)
    def set_can_undo(self, can: bool) -> None:
        self.undo.setEnabled(can)
        self.undo.setToolTip(f"Undo {self.undo_text} (Ctrl+Z)" if can else "Nothing to undo")

    @Slot(bool)
    def set_can_redo(self, can: bool) -> None:
        self.redo.setEnabled(can)
        self.redo.setToolTip(f"Redo {self.redo_text} (Ctrl+Shift+Z)" if can else "Nothing to redo")

    @Slot(str)
    def set_undo_text(self, text: str) -> None:
        self.undo_text = text
        self.set_can_undo(self.undo.isEnabled())

    @Slot(str)
    def set_redo_text(self, text: str) -> None:
        self.redo_text = text
        self.set_can_redo(self.redo.isEnabled())


def fixed_undo_redo_actions(stack: QUndoStack, parent: QWidget) -> tuple[QAction, QAction]:
    undo, redo = QAction("Undo", parent), QAction("Redo", parent)
    undo.triggered.connect(stack.undo)
    redo.triggered.connect(stack.redo)
    parent._undo_follower = _Follower(stack, undo, redo, parent)  # type: ignore[attr-defined]
    return undo, redo
