"""Shared helpers for the editing-side UI tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox

from ui.shell import dialogs
from ui.shell.main_window import MainWindow


class DialogRecorder:
    """Replaces ``ui.shell.dialogs.exec_dialog``: records each box and answers with ``answers`` in turn."""

    def __init__(self, *answers: QMessageBox.StandardButton):
        self.answers = list(answers)
        self.boxes: list[dict[str, Any]] = []

    def __call__(self, box: QMessageBox) -> int:
        self.boxes.append({"title": box.windowTitle(), "text": box.text(), "info": box.informativeText(),
                           "details": box.detailedText()})
        answer = self.answers.pop(0) if self.answers else QMessageBox.StandardButton.Ok
        box.deleteLater()
        return answer


def install_dialogs(monkeypatch, *answers: QMessageBox.StandardButton) -> DialogRecorder:
    rec = DialogRecorder(*answers)
    monkeypatch.setattr(dialogs, "exec_dialog", rec)
    return rec


def close_window(window: MainWindow) -> None:
    """Close without a prompt and check nothing is left running."""
    window.doc.undo_stack.setClean()
    window.close()
    assert not window.autosave_timer.isActive()
    assert not window.validation.pending
    if window.solve_panel is not None and hasattr(window.solve_panel, "is_running"):
        assert not window.solve_panel.is_running
