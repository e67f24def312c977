"""Message boxes used by the main window, built in one place so tests can intercept them.

Every box goes through ``exec_dialog`` (tests replace it to answer without a click).
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from PySide6.QtWidgets import QMessageBox, QWidget

from models.validation import Problem
from models.wording import count as plural_count

MAX_LISTED = 15


def exec_dialog(box: QMessageBox) -> int:
    """Show a modal box and return the clicked standard button (replaced in tests)."""
    return box.exec()


def problems_box(parent: QWidget | None, title: str, headline: str, problems: Sequence[Problem | str]) -> QMessageBox:
    """A warning box listing located problems (the first 15; all of them under 'Show Details');
    a problem given as text (``ProjectFileError.lines``: by name and label) is shown as it is."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(headline)
    lines = [f"<li>{escape(p)}</li>" if isinstance(p, str)
             else f"<li><code>{escape(p.location)}</code>: {escape(p.message)}</li>" if p.location
             else f"<li>{escape(p.message)}</li>" for p in problems[:MAX_LISTED]]
    more = f"<p>... and {len(problems) - MAX_LISTED} more (see details).</p>" if len(problems) > MAX_LISTED else ""
    box.setInformativeText(f"<ul style='margin-left:-20px'>{''.join(lines)}</ul>{more}")
    box.setDetailedText("\n".join(str(p) for p in problems))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def error_box(parent: QWidget | None, title: str, text: str, detail: str = "") -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def unsaved_box(parent: QWidget | None, name: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"Save the changes to {name} before closing it?")
    box.setInformativeText("Your changes will be lost if you don't save them.")
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    return box


def recovery_box(parent: QWidget | None, original: str | None, when: str, count: int,
                 repairing: str | None = None) -> QMessageBox:
    """Recover / Discard / Ignore an autosave. ``repairing``: it holds stand-ins of a file opened for
    repair, so it comes back as a new project (the file keeps its own values until saved over)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover unsaved work")
    name = escape(original) if original else "an unsaved new project"
    if repairing:
        name = (f"{escape(repairing)}</b> (opened for repair; its stand-in values come back as a new, "
                f"unsaved project, so saving asks for a name)<b>")
    box.setText("mine2magnet did not close normally last time.")
    extra = f" ({plural_count(count - 1, 'older autosave')} will be kept)" if count > 1 else ""
    box.setInformativeText(f"Unsaved changes to <b>{name}</b> were autosaved at {escape(when)}{extra}.<br>"
                           "Recover them? (Discard deletes the autosave.)")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Ignore)
    box.button(QMessageBox.StandardButton.Yes).setText("Recover")
    box.button(QMessageBox.StandardButton.Ignore).setText("Later")
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    return box


def changed_on_disk_box(parent: QWidget | None, name: str) -> QMessageBox:
    """The file changed on disk since it was opened (another window or program saved it): overwrite
    that change (Save), reload the file and drop this window's edits (Reset), or Cancel."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("File changed on disk")
    box.setText(f"{escape(name)} was changed by another window or program after you opened it.")
    box.setInformativeText("Overwrite replaces that change with yours. Reload opens the file as it is now and "
                           "drops your unsaved changes. Cancel saves nothing (you can still Save As).")
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Reset
                           | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Save).setText("Overwrite")
    box.button(QMessageBox.StandardButton.Reset).setText("Reload")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box


def repair_box(parent: QWidget | None, name: str, lines: Sequence[str]) -> QMessageBox:
    """A file whose values fail the checks: Open for repair (the bad values shown in place, held as
    stand-ins until fixed; the file is not changed until you save) or Cancel."""
    box = problems_box(parent, "Cannot open project",
                       f"<b>{escape(name)}</b> cannot be opened as it is: {plural_count(len(lines), 'value')} "
                       f"{'is' if len(lines) == 1 else 'are'} not valid.", lines)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setInformativeText(box.informativeText() + "<p><b>Open for repair</b> shows the project with a stand-in "
                           "for each bad value and lists them in Validation; the file is not changed until "
                           "you save. Solve and export wait until every value is fixed.</p>")
    box.setStandardButtons(QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Open).setText("Open for repair")
    box.setDefaultButton(QMessageBox.StandardButton.Open)
    return box
