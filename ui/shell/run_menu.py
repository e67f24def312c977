"""The Run menu (solve, cancel, export, compare, risk) and the Help menu's guide and version.

Every action does what its button does (the button's own click, so a disabled button stays
disabled from the keyboard too) and follows that button's enabled state:

    Solve                 F5          the Solve dock's Solve
    Cancel solve          Shift+F5    the Solve dock's Cancel
    Export to Excel...    Ctrl+E      the Results tab's Export to Excel
    Export JSON...        Ctrl+Shift+E
    Compare scenarios     F6          shows the Compare tab and solves every scenario
    Run risk analysis     F8          shows the Risk tab and runs it

(F7 is Validate now.) Help > User guide opens ``docs/user_guide.md`` when the installation has
it, else shows a short guide in a window; Help > About names the installed version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QMainWindow, QMessageBox, QWidget

from models.version import installed_version

GUIDE_PATH = Path(__file__).resolve().parents[2] / "docs" / "user_guide.md"

#: shown by Help > User guide when docs/user_guide.md is not installed beside the code
BUILT_IN_GUIDE = """<h3>mine2magnet in five steps</h3>
<ol>
<li><b>Open</b> a project (File &gt; Open; the real sample is
<code>sample_projects/us_allied_mine_to_magnet.m2m.json</code>).</li>
<li><b>Edit</b> the chain: the Chain and Map tabs show facilities and routes; the tables edit every
field; the Inspector edits the selected facility. Every edit can be undone (Ctrl+Z).</li>
<li><b>Check</b>: the Validation dock lists each problem with its place; double-click one to go there.</li>
<li><b>Solve</b> (Run &gt; Solve, F5): the Results tab shows costs, investments, flows and defense
coverage. Cancel (Shift+F5) stops a solve and keeps the previous plan.</li>
<li><b>Share and test</b>: Run &gt; Export to Excel (Ctrl+E) writes the workbook; Run &gt; Compare
scenarios (F6) and Run &gt; Run risk analysis (F8) show what the plan risks.</li>
</ol>"""


def about_text() -> str:
    return (f"<b>mine2magnet</b> version {installed_version()}<br>"
            "Plan a China-free rare-earth mine-to-magnet supply chain "
            "(10 U.S.C. 4872 / DFARS 252.225-7052 from 1 January 2027).")


class _EnabledWatcher(QObject):
    """Calls ``changed`` whenever a watched widget is enabled or disabled."""

    def __init__(self, parent: QObject, changed: Any) -> None:
        super().__init__(parent)
        self._changed = changed

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.EnabledChange:
            self._changed()
        return False


class RunMenu:
    """Builds the Run menu of ``window`` (a MainWindow) and keeps its actions in step with the
    buttons they stand for."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        w: Any = window
        self.act_solve = self._action("&Solve", "F5", "Solve the chosen scenario (as the Solve dock's Solve)",
                                      lambda: self._press(w.solve_panel.solve_button, None))
        self.act_cancel = self._action("&Cancel solve", "Shift+F5", "Stop the running solve; the previous plan stays",
                                       lambda: self._press(w.solve_panel.cancel_button, None))
        self.act_export_xlsx = self._action(
            "&Export to Excel...", "Ctrl+E", "Write the plan to an Excel workbook",
            lambda: self._press(w.results_dashboard.export_xlsx_button, None))
        self.act_export_json = self._action(
            "Export &JSON...", "Ctrl+Shift+E", "Write the plan as JSON",
            lambda: self._press(w.results_dashboard.export_json_button, None))
        self.act_compare = self._action("Co&mpare scenarios", "F6", "Solve every scenario and compare them",
                                        lambda: self._press(w.compare_view.run_button, w.compare_view))
        self.act_risk = self._action("Run &risk analysis", "F8", "Monte Carlo of delays and overruns on the Risk tab",
                                     lambda: self._press(w.risk_panel.run_button, w.risk_panel))
        self.pairs: list[tuple[QAction, QAbstractButton]] = [
            (self.act_solve, w.solve_panel.solve_button),
            (self.act_cancel, w.solve_panel.cancel_button),
            (self.act_export_xlsx, w.results_dashboard.export_xlsx_button),
            (self.act_export_json, w.results_dashboard.export_json_button),
            (self.act_compare, w.compare_view.run_button),
            (self.act_risk, w.risk_panel.run_button),
        ]
        menu = window.menuBar().addMenu("&Run")
        menu.addActions([self.act_solve, self.act_cancel])
        menu.addSeparator()
        menu.addActions([self.act_export_xlsx, self.act_export_json])
        menu.addSeparator()
        menu.addActions([self.act_compare, self.act_risk])
        self.menu = menu
        # a button's enabled state changes with the solve, the plan and the runs: follow it
        self._watcher = _EnabledWatcher(window, self.sync)
        for _act, button in self.pairs:
            button.installEventFilter(self._watcher)
        self.sync()

    def _action(self, text: str, shortcut: str, tip: str, slot: Any) -> QAction:
        act = QAction(text, self.window)
        act.setShortcut(QKeySequence(shortcut))
        act.setStatusTip(tip)
        act.setToolTip(f"{tip} ({shortcut})")
        act.triggered.connect(lambda _checked=False: slot())
        return act

    def sync(self) -> None:
        """Each action is enabled exactly when its button is."""
        for act, button in self.pairs:
            act.setEnabled(button.isEnabled())

    def _press(self, button: QAbstractButton, tab: QWidget | None) -> None:
        """Show ``tab`` (when given) and click ``button``; say why when the button is disabled."""
        window: Any = self.window
        if tab is not None:
            window.tabs.setCurrentWidget(tab)
        if not button.isEnabled():
            window.show_message(f"{button.text()} is not available now")
            return
        button.click()
        self.sync()


def open_user_guide(parent: QWidget, guide: Path = GUIDE_PATH, open_url: Any = None) -> str:
    """Open the user guide: the Markdown file in the desktop's viewer when it exists and the
    desktop opens it, else the built-in guide in a message box. Returns "file" or "built-in"."""
    open_url = open_url or QDesktopServices.openUrl
    if guide.is_file() and open_url(QUrl.fromLocalFile(str(guide))):
        return "file"
    from ui.shell import dialogs

    box = QMessageBox(parent)
    box.setWindowTitle("mine2magnet user guide")
    box.setText(BUILT_IN_GUIDE)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    dialogs.exec_dialog(box)
    return "built-in"
