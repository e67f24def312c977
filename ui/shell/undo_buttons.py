"""Toolbar Undo / Redo with fixed labels: the command they would undo is in the tooltip.

``QUndoStack.createUndoAction`` renames its action after every edit ("Undo Edit Capacity
(t/yr)"); in a toolbar that shifts every button after it. The Edit menu keeps those descriptive
actions (and the shortcuts); the toolbar gets these two, which trigger the same stack.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QWidget


def fixed_undo_redo_actions(stack: QUndoStack, parent: QWidget) -> tuple[QAction, QAction]:
    undo, redo = QAction("Undo", parent), QAction("Redo", parent)
    undo.triggered.connect(lambda _c=False: stack.undo())
    redo.triggered.connect(lambda _c=False: stack.redo())

    def update() -> None:
        undo.setEnabled(stack.canUndo())
        redo.setEnabled(stack.canRedo())
        undo.setToolTip(f"Undo {stack.undoText()} (Ctrl+Z)" if stack.canUndo() else "Nothing to undo")
        redo.setToolTip(f"Redo {stack.redoText()} (Ctrl+Shift+Z)" if stack.canRedo() else "Nothing to redo")

    for signal in (stack.indexChanged, stack.cleanChanged, stack.canUndoChanged, stack.canRedoChanged):
        signal.connect(lambda *_a: update())
    update()
    return undo, redo
