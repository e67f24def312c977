"""The Decision view: the decision brief (planner.reports.brief) on screen, the dashboard's first
tab after a solve, with "Export brief (PDF)..." beside it.

The page shows the same HTML the PDF is drawn from (ui.results.brief_pdf.brief_html), so the
screen, the PDF and the workbook's first sheet never disagree. The PDF is written on a worker
thread (BackgroundTask: QTextDocument and QPdfWriter are not widgets), with the brief built on the
GUI thread first (1 ms on the real sample) so no project object crosses threads.

Given the document (``follow``), the brief carries the latest N-1 stress test and risk run of the
session when they are current for the plan (same inputs, same scenario:
ui.document.analysis_runs), and otherwise says "not run for this plan" or "out of date"; it is
rebuilt when a run finishes or goes out of date.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.project import Project
from planner.reports.brief import DecisionBrief, RiskSummary, build_brief, stress_rows_plain
from planner.result import PlanResult
from ui.document.analysis_runs import AnalysisRuns, analysis_runs_of
from ui.results.brief_pdf import BriefWriteError, brief_html, write_brief_pdf
from ui.runtime.background import BackgroundTask
from ui.widgets.elided_label import ElidedLabel

#: px of the export status beside the button (fixed: a status that widens re-lays out the page)
STATUS_WIDTH = 260


class DecisionView(QWidget):
    """``set_result(project, result)`` shows the brief; ``export_pdf(path)`` writes it (in the background)."""

    exported = Signal(str, str)  # path, error message ("" when written)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.result: PlanResult | None = None
        self.brief: DecisionBrief | None = None
        self._task: BackgroundTask | None = None
        self._runs: AnalysisRuns | None = None  # the document's stress and risk runs (follow())
        self._shown_key: tuple[Any, ...] | None = None

        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Decision brief")
        # the scroll bar stays: one that comes with the text laid the brief's tables out twice,
        # without it and again with it (setHtml on the real sample: 31 -> 13 ms of the GUI thread)
        self.browser.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.export_button = QPushButton("Export brief (PDF)…")
        self.export_button.setToolTip("Write this brief as a one-page PDF")
        self.export_button.clicked.connect(self._export_clicked)
        self.status = ElidedLabel(elide=Qt.TextElideMode.ElideMiddle)  # the file's name stays in view
        self.status.setFixedWidth(STATUS_WIDTH)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status.setStyleSheet("color: #5b6570;")
        head = QHBoxLayout()
        head.addWidget(QLabel("What to fund, by when, who pays, and what could break it."), 1)
        head.addWidget(self.status)
        head.addWidget(self.export_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(head)
        lay.addWidget(self.browser, 1)
        self.set_result(None, None)

    def follow(self, document: Any) -> None:
        """Brief the latest stress test and risk run of ``document`` when they are current for its
        plan (ui.document.analysis_runs), and refresh when a run finishes or goes out of date."""
        self._runs = analysis_runs_of(document)
        if self._runs is not None:
            self._runs.changed.connect(self._runs_changed)

    def brief_inputs(self) -> dict[str, Any]:
        """build_brief's stress / risk keywords for the shown plan, as plain data (N-1 stress rows,
        a RiskSummary) that a thread or the workbook's child process can be given."""
        if self._runs is None:
            return {}
        stress, risk = self._runs.status("stress"), self._runs.status("risk")
        out: dict[str, Any] = {"stress_missing": stress.text, "risk_missing": risk.text}
        if stress.report is not None:
            out["stress"] = stress_rows_plain(stress.report)
        if risk.report is not None:
            out["risk"] = RiskSummary.of(risk.report, self._runs.runs["risk"].scenario)
        return out

    def _runs_changed(self) -> None:
        """A run finished or went out of date: rebuild now if the brief is on screen, else when it is
        next shown, read or exported (a risk run ends on the Risk tab: rebuilding the hidden brief
        there took ~20 ms of that step's GUI turn)."""
        if self.isVisible():
            self._refresh_if_stale()

    def _refresh_if_stale(self) -> None:
        if self.project is not None and self.result is not None and self._status_key() != self._shown_key:
            self.set_result(self.project, self.result)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._refresh_if_stale()
        super().showEvent(event)

    def _status_key(self) -> tuple[Any, ...]:
        """What the shown brief took from the runs: rebuilt only when this changes (not per edit)."""
        if self._runs is None:
            return ()
        st = [self._runs.status(k) for k in ("stress", "risk")]
        return tuple((id(s.report), s.text) for s in st)

    def set_result(self, project: Project | None, result: PlanResult | None) -> None:
        self.project, self.result = project, result
        if project is None or result is None:
            self.brief = None
            self._shown_key = None
            self.browser.setHtml("<p>No result yet. Press Solve to plan the chain.</p>")
        else:
            self._shown_key = self._status_key()
            self.brief = build_brief(project, result, **self.brief_inputs())
            self.browser.setHtml(brief_html(self.brief))
        self.export_button.setEnabled(self.brief is not None and self.brief.has_plan and self._task is None)

    def text(self) -> str:
        """What the view shows, as plain text (tests, accessibility)."""
        self._refresh_if_stale()
        return self.browser.toPlainText()

    # -------------------------------------------------------------- export
    @property
    def is_exporting(self) -> bool:
        return self._task is not None

    def suggested_name(self) -> str:
        base = (self.project.name if self.project else "plan") or "plan"
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in base).strip("_") or "plan"
        return f"{safe}_brief.pdf"

    def _export_clicked(self) -> None:
        self.ask_and_export()

    def ask_and_export(self) -> None:
        """Ask for a path (File > Export brief... and the button), then write the PDF."""
        self._refresh_if_stale()
        if self.brief is None or not self.brief.has_plan:
            QMessageBox.information(self, "Export brief", "There is no plan to brief: solve the project first.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export decision brief", self.suggested_name(), "PDF (*.pdf)")
        if path:
            self.export_pdf(path)

    def export_pdf(self, path: str) -> None:
        """Write the shown brief to ``path`` on a worker thread; ``exported(path, error)`` when done."""
        self._refresh_if_stale()
        if self._task is not None or self.brief is None:
            return
        brief = self.brief

        def work(_state: Any) -> str:
            try:
                write_brief_pdf(path, brief)
            except BriefWriteError as e:
                return str(e)
            return ""

        task = BackgroundTask(work, self)
        task.result_ready.connect(lambda err, p=path: self._done(p, err))
        task.failed.connect(lambda text, p=path: self._done(p, text.splitlines()[0]))
        task.thread_finished.connect(self._thread_finished)
        self._task = task
        self.export_button.setEnabled(False)
        self.status.setText("Writing the brief…")
        task.start()

    def _done(self, path: str, error: str) -> None:
        if error:
            self.status.setText("Export failed")
            QMessageBox.warning(self, "Export failed", error)
        else:
            self.status.setText(f"Saved {path}")
            self.status.setToolTip(path)
        self.exported.emit(path, error)

    def _thread_finished(self) -> None:
        self._task = None
        self.export_button.setEnabled(self.brief is not None and self.brief.has_plan)

    def wait(self, ms: int = 30_000) -> bool:
        return self._task.wait(ms) if self._task is not None else True

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.wait()
        super().closeEvent(event)

