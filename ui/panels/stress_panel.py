"""Stress tab: the N-1 stress test (planner.analysis.stress) with its ranked table.

Each facility that makes something in the chosen years under the plan, and each country, is taken
out; the plan's investments stay fixed and operations are re-planned defense first. The table is
ranked by defense shortfall beyond the baseline; single points of failure are marked. The run is
on a background thread (TaskPanelMixin) with progress and a Cancel that stops the worker pool.

Beside the ranking: the likelihood-versus-impact matrix (``ui.panels.risk_matrix``; elements with a
catalogue probability) and the elements without one. A shown report also marks its facility single
points of failure on the chain view and the map (``ui.document.stress_marks``: plain data; cleared
when the project changes or a new plan is solved). "Export workbook…" writes the shown report as
the stress workbook (planner.reports.stress_xlsx: ranking, shortfall by year, risk matrix) on a
worker thread.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.reports.stress_marks import element_label, facility_marks, risk_matrix, year_span
from ui.document.analysis_runs import publish_run
from ui.document.names import scenario_choices
from ui.document.snapshot import ProjectSnapshot
from ui.document.stress_marks import stress_marks_of
from ui.panels.risk_matrix import RiskMatrixView, UnratedList
from ui.runtime.background import BackgroundTask, TaskPanelMixin
from ui.widgets.name_combo import refill

CRITICAL = QColor("#fde2e1")
COLUMNS = ["Element", "Kind", "Single point of failure", "Defense shortfall beyond baseline (t)", "By product and year",
           "P(outage in the years)", "Status"]


def _default_run(project, years, workers, scenario, state):
    from planner.analysis.stress import run_stress
    from planner.pipeline.solve import SolveOptions

    return run_stress(project, years=years, workers=workers, options=SolveOptions(scenario=scenario), state=state)


class StressPanel(TaskPanelMixin, QWidget):
    """Years, workers, Run / Cancel, and the ranking."""

    exported = Signal(str, str)  # path, error ("" when written)
    FAILED_TEXT = "The stress test failed: "

    def __init__(self, document: Any, parent: QWidget | None = None,
                 run_fn: Callable[..., Any] | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._run_fn = run_fn or _default_run
        self._task = None
        self.report: Any = None
        s = document.project.settings
        self.scenario_combo = QComboBox()
        self.first_spin, self.last_spin = QSpinBox(), QSpinBox()
        for spin, value in ((self.first_spin, s.compliance_start_year), (self.last_spin, s.compliance_start_year + 1)):
            spin.setRange(s.start_year, s.end_year)
            spin.setValue(min(max(value, s.start_year), s.end_year))
        self.workers_spin = QSpinBox()
        self.workers_spin.setRange(1, 64)
        self.workers_spin.setValue(2)
        self._make_run_controls("Run stress test",
                                "Takes each facility and each country out for the chosen years, keeps the "
                                "plan's investments and re-plans operations defense first.",
                                default=False, percent=False)
        self.export_button = QPushButton("Export workbook…")
        self.export_button.setToolTip("Write the ranking, the shortfall by year and the risk matrix to an Excel "
                                      "workbook")
        self.export_button.setEnabled(False)
        self._export_task: BackgroundTask | None = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.matrix_view = RiskMatrixView()
        self.matrix_view.element_clicked.connect(self.select_element)
        self.unrated = UnratedList()
        self._run_digest: str | None = None
        self.marks = stress_marks_of(document)  # None for a stand-in document (tests)
        if self.marks is not None:
            self.marks.changed.connect(self._marks_changed)
        # two short rows: the panel sits in the Risk tab and must not widen the window
        self.scenario_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scenario_combo.setMinimumContentsLength(12)
        grid = QGridLayout()
        grid.addWidget(_label_for("Around", self.scenario_combo), 0, 0)
        grid.addWidget(self.scenario_combo, 0, 1, 1, 5)
        grid.addWidget(self.export_button, 0, 6, 1, 2)
        for col, (label, w) in enumerate((("From", self.first_spin), ("to", self.last_spin),
                                          ("Workers", self.workers_spin))):
            grid.addWidget(_label_for(label, w), 1, 2 * col)
            grid.addWidget(w, 1, 2 * col + 1)
        self.first_spin.setAccessibleName("First year out")
        self.last_spin.setAccessibleName("Last year out")
        grid.addWidget(self.run_button, 1, 6)
        grid.addWidget(self.cancel_button, 1, 7)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        # the ranking beside the matrix: the page sits under the Risk tab's charts, where width is
        # plentiful and height is not; the elements without a probability under the matrix
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.matrix_view, 1)
        side_layout.addWidget(self.unrated)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(side)
        split.setChildrenCollapsible(False)
        split.setSizes([470, 530])  # in proportion: the ranking's first four columns, the matrix the rest
        layout.addWidget(split, 1)
        self.export_button.clicked.connect(self.ask_and_export)
        self.table.cellClicked.connect(lambda row, _col: self.select_element(
            self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)))
        self.refresh_scenarios()
        for sig in ("project_replaced", "inputs_changed"):
            signal = getattr(document, sig, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(self.refresh_scenarios)

    def refresh_scenarios(self, *_: Any) -> None:
        """List the base case and the document's scenarios, keeping the current choice if it still exists."""
        refill(self.scenario_combo, scenario_choices(self.document.project))

    def years(self) -> list[int]:
        a, b = self.first_spin.value(), self.last_spin.value()
        return list(range(min(a, b), max(a, b) + 1))

    def start(self) -> None:
        if self._task is not None:
            return
        snapshot = ProjectSnapshot(self.document.project)
        digest = getattr(self.document, "input_digest", None)
        self._run_digest = digest() if callable(digest) else None  # the marks are of these inputs
        years, workers, scenario = self.years(), self.workers_spin.value(), self.scenario_combo.currentData()
        fn = lambda state: self._run_fn(snapshot.project(), years, workers, scenario, state)  # noqa: E731
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
        self._launch(fn, self.show_report, None, f"Stress test of {span} on {workers} worker(s)…")

    def show_report(self, rep: Any) -> None:
        """Fill the ranking from a planner.analysis.stress.StressReport; critical rows shaded."""
        self.report = rep
        spof = rep.single_points_of_failure
        yrs = f"{rep.years[0]}-{rep.years[-1]}" if len(rep.years) > 1 else str(rep.years[0])
        self.status_label.setText(
            f"{rep.n_screened} elements in {rep.seconds:.1f} s: "
            + (f"{len(spof)} single points of failure in {yrs}." if spof else f"no single point of failure in {yrs}.")
            + (" Cancelled: the table shows the elements finished." if rep.cancelled else ""))
        self.table.setRowCount(len(rep.elements))
        for r, e in enumerate(rep.elements):
            parts = "; ".join(f"{p} " + ", ".join(f"{y}: {v:,.1f}" for y, v in sorted(by.items()))
                              for p, by in sorted(e.extra_t.items()))
            cells = [element_label(e), e.kind, "yes" if e.single_point_of_failure else "no", f"{e.total_extra_t:,.1f}",
                     parts or "—", "—" if e.probability is None else f"{100 * e.probability:.1f} %", e.status]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, e.id)
                    item.setToolTip(e.id)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if e.single_point_of_failure:
                    item.setBackground(CRITICAL)
                self.table.setItem(r, c, item)
        self.export_button.setEnabled(True)
        matrix = risk_matrix(rep)
        self.matrix_view.set_matrix(matrix)
        self.unrated.set_points(matrix.unrated)
        publish_run(self.document, "stress", rep, self._run_digest, rep.scenario)  # for the Decision brief
        if self.marks is not None:
            names = {sc.id: sc.name or sc.id for sc in getattr(self.document.project, "scenarios", [])}
            around = names.get(rep.scenario, rep.scenario) if rep.scenario != "base" else "the base case"
            self.marks.set_marks(facility_marks(rep), self._run_digest,
                                 f"stress test of {around}, {year_span(rep.years)}")
            self._run_digest = None

    def ask_and_export(self) -> None:
        if self.report is None:
            return
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{self.report.project}_{self.report.scenario}")
        path, _ = QFileDialog.getSaveFileName(self, "Export stress workbook", f"{safe}_stress.xlsx",
                                              "Excel workbook (*.xlsx)")
        if path:
            self.export_xlsx(path)

    def export_xlsx(self, path: str) -> None:
        """Write the shown report to ``path`` on a worker thread; ``exported(path, error)`` when done."""
        if self.report is None or self._export_task is not None:
            return
        from planner.reports.stress_xlsx import ReportWriteError, write_stress_workbook

        rep = self.report

        def work(_state: Any) -> str:
            try:
                write_stress_workbook(rep, path)
            except (ReportWriteError, OSError) as e:
                return str(e)
            return ""

        def done(error: str) -> None:
            self.status_label.setText(f"Stress workbook not written: {error}" if error
                                      else f"Stress workbook written to {path}")
            self.exported.emit(path, error)

        self._export_task = BackgroundTask(work, self)
        self._export_task.result_ready.connect(done)
        self._export_task.failed.connect(lambda text: done(text.splitlines()[0] if text else "failed"))
        self._export_task.thread_finished.connect(self._export_finished)
        self.export_button.setEnabled(False)
        self._export_task.start()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        if self._export_task is not None:  # a workbook being written: let it finish (a second or so)
            self._export_task.wait()
        super().closeEvent(event)

    def _export_finished(self) -> None:
        self._export_task = None
        self.export_button.setEnabled(self.report is not None)

    def select_element(self, element_id: str) -> None:
        """A facility's row or dot clicked: select it everywhere (chain view, map, inspector)."""
        kind, _, fid = element_id.partition(":")
        select = getattr(self.document, "set_current_facility", None)
        if kind != "facility" or select is None:
            return
        f = next((f for f in self.document.project.facilities if f.id == fid), None)
        if f is not None:
            select(f)

    def _marks_changed(self) -> None:
        """The marks on the chain and the map went stale: say so under the ranking."""
        if self.report is not None and self.marks is not None and not self.marks.marks and self.marks.cleared_reason:
            text = self.status_label.text().split(" Out of date:")[0]
            self.status_label.setText(f"{text} Out of date: {self.marks.cleared_reason}; the marks on the chain "
                                      "and the map were cleared (run again).")

    def critical_facilities(self) -> list[str]:
        """Facility ids of the single points of failure of the last run (for marking elsewhere)."""
        if self.report is None:
            return []
        return [e.facilities[0] for e in self.report.single_points_of_failure if e.kind == "facility"]


__all__ = ["StressPanel"]


def _label_for(text: str, widget: QWidget) -> QLabel:
    """A label whose buddy is ``widget``: a screen reader names the input by it (ui.widgets.accessible)."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label
