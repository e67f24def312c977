"""The Solve panel: choose scenario, solver and time limit; solve in the background; follow it.

``SolvePanel(document)`` needs only ``document.project`` (a ``models.Project``). When the
document also has an ``inputs_changed`` signal and a ``revision`` int (``ui.document.document.Document``),
a result is marked "out of date" as soon as the inputs differ from the ones it was solved from;
with ``project_replaced`` the scenario list follows File > Open; with ``set_result(result,
revision)`` the panel stores each finished result in the document (the main window and other
views listen to ``document.result_changed``). Without them the panel still works standalone:
call ``mark_inputs_changed()`` / ``refresh_scenarios()`` yourself.

Signals: ``result_ready(PlanResult)`` for every finished solve except a cancelled one (a cancel
keeps the previous result on screen), ``running_changed(bool)``.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.pipeline.solve import SolveOptions
from planner.result import PlanResult, Status
from ui.document.names import BASE_ID, base_scenario_name
from ui.panels.solve_worker import BackgroundSolve, SolveFunction
from ui.widgets.name_combo import NameCombo

#: Solver choices shown to the user: (label, value passed to SolveOptions.solver).
SOLVER_CHOICES = (
    ("Automatic (fastest installed)", "auto"),
    ("CBC (bundled with PuLP)", "cbc"),
    ("HiGHS", "highs"),
)

def other_pulp_solvers() -> list[str]:
    """Solvers PuLP finds on this machine besides the CBC and HiGHS driven natively (GLPK, SCIP,
    Gurobi, ...): offered in the solver box with the same status honesty."""
    try:
        from planner.solvers.pulp_bridge import available_pulp_solvers
    except ImportError:
        return []
    return [n for n in available_pulp_solvers() if n not in ("PULP_CBC_CMD", "COIN_CMD", "HiGHS", "HiGHS_CMD")]


#: Ordered phases of a solve and the words in a progress message that announce each.
PHASES = (
    ("Starting", ("start",)),
    ("Building the model", ("build", "prepar", "scenario", "validat")),
    ("Solving", ("solv", "cbc", "highs", "optimi", "fixing", "dual", "resolv")),
    ("Verifying the plan", ("verif", "check")),
    ("Extracting results", ("extract", "result", "report", "writ")),
)

_STATUS_COLOURS = {
    Status.OPTIMAL: "#1b7a3d",
    Status.TIME_LIMIT_FEASIBLE: "#9a6700",
    Status.TIME_LIMIT: "#b3261e",
    Status.INFEASIBLE: "#b3261e",
    Status.UNBOUNDED: "#b3261e",
    Status.ERROR: "#b3261e",
    Status.CANCELLED: "#555555",
}

LOG_MAX_LINES = 20_000


def highs_available() -> bool:
    """True when ``import highspy`` works (checked once)."""
    global _HIGHS
    if _HIGHS is None:
        try:
            import highspy  # noqa: F401

            _HIGHS = True
        except Exception:
            _HIGHS = False
    return _HIGHS


_HIGHS: bool | None = None


def phase_of(message: str) -> str | None:
    """The PHASES label whose keyword appears earliest in ``message`` (None when none does)."""
    low = message.lower()
    best: tuple[int, str] | None = None
    for label, words in PHASES:
        for w in words:
            pos = low.find(w)
            if pos >= 0 and (best is None or pos < best[0]):
                best = (pos, label)
    return best[1] if best else None


def status_summary(result: PlanResult) -> str:
    """How the solve ended, in plain words: the planner's message (or a stock sentence when it
    has none), then for a plan the total cost. The time taken is the phase line's alone
    ("Finished after 14.5 s"; the Results header splits it into build and solve)."""
    stock = {
        Status.OPTIMAL: "Optimal plan found.",
        Status.TIME_LIMIT_FEASIBLE: "Time limit reached; showing the best verified plan found.",
        Status.TIME_LIMIT: "Time limit reached without a plan.",
        Status.INFEASIBLE: "No plan exists.",
        Status.UNBOUNDED: "The model is unbounded.",
        Status.CANCELLED: "Solve cancelled.",
        Status.ERROR: "The solve failed.",
    }[result.status]
    text = result.message.strip() or stock
    if not text.endswith((".", "!", "?")):
        text += "."
    if result.has_plan and result.total_cost_musd is not None:  # "$5,205.0 M" never broken at the space
        text += f" Total cost ${result.total_cost_musd:,.1f}\u00a0M (discounted)."
    return text


def _cancel_all(solves: list[BackgroundSolve], *_args: object) -> None:
    """The panel is gone: cancel its solves and cut the connections that would call into it."""
    for solve in list(solves):
        try:
            solve.cancel()
            for signal in (solve.progress, solve.log_lines, solve.result_ready):
                signal.disconnect()
        except (RuntimeError, TypeError):  # already deleted / nothing connected
            pass


class SolvePanel(QWidget):
    """Scenario / solver / time limit, Solve and Cancel, progress, solver log, status."""

    result_ready = Signal(object)  # PlanResult
    running_changed = Signal(bool)

    def __init__(self, document: Any, parent: QWidget | None = None, solve_fn: SolveFunction | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._solve_fn = solve_fn
        self._solve: BackgroundSolve | None = None  # the solve the UI follows
        self._retired: list[BackgroundSolve] = []  # cancelled solves still shutting down
        self._owned: list[BackgroundSolve] = []  # every solve of this panel whose thread still runs
        # deleted without close(), or the app quits: cancel whatever still runs (threads end < 1 s)
        self.destroyed.connect(partial(_cancel_all, self._owned))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._solve_revision: int | None = None
        self.last_result: PlanResult | None = None
        self.result_revision: int | None = None
        self._local_revision = 0  # counts mark_inputs_changed() when the document has no revision

        self._build_ui()
        self.refresh_scenarios()
        self._load_defaults()
        self._connect_document()
        self._set_running(False)

    # ------------------------------------------------------------------ layout
    def _build_ui(self) -> None:
        self.scenario_combo = NameCombo("Solve the base project or one of its scenarios")
        self.solver_combo = QComboBox()
        for label, value in SOLVER_CHOICES:
            if value == "highs" and not highs_available():
                continue
            self.solver_combo.addItem(label, value)
        for name in other_pulp_solvers():
            self.solver_combo.addItem(f"{name} (through PuLP)", name)
        self.time_limit_spin = QDoubleSpinBox()
        self.time_limit_spin.setRange(1, 86_400)
        self.time_limit_spin.setDecimals(0)
        self.time_limit_spin.setSuffix(" s")
        self.time_limit_spin.setToolTip("Stop the solver after this many seconds and keep the best verified plan")
        self.time_limit_spin.valueChanged.connect(self._time_limit_edited)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.solve_button = QPushButton("Solve")
        self.solve_button.setDefault(True)
        self.solve_button.setToolTip("Find the least-cost verified plan for the chosen scenario (F5)")
        self.solve_button.clicked.connect(self.start_solve)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running solve; the previous plan stays shown (Shift+F5)")
        self.cancel_button.clicked.connect(self.cancel_solve)
        limit_row = QHBoxLayout()  # time limit, Solve and Cancel share a row to leave room for the log
        limit_row.addWidget(self.time_limit_spin)
        limit_row.addStretch(1)
        limit_row.addWidget(self.solve_button)
        limit_row.addWidget(self.cancel_button)
        form.addRow("Scenario", self.scenario_combo)
        form.addRow("Solver", self.solver_combo)
        form.addRow("Time limit", limit_row)

        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(10)
        # its 10 px are kept while hidden: showing it when a solve starts changed the dock's size
        # hint, and the window re-laid out both right-hand docks in that turn (~13 ms)
        policy = self.progress_bar.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress_bar.setSizePolicy(policy)
        self.phase_label = QLabel("Idle")
        self.phase_label.setObjectName("phaseLabel")
        self.phase_detail_label = QLabel("")
        self.phase_detail_label.setWordWrap(True)
        self.phase_detail_label.setStyleSheet("color: #5b6570;")

        self.status_label = QLabel("Not solved yet. Choose a scenario and press Solve.")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stale_label = QLabel(
            "Out of date: the inputs changed after this result was solved. Press Solve to update it."
        )
        self.stale_label.setObjectName("staleLabel")
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet(
            "QLabel#staleLabel { background: #fff4ce; color: #5c4400; border: 1px solid #e0c060;"
            " border-radius: 4px; padding: 4px 6px; }"
        )
        self.stale_label.hide()

        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(LOG_MAX_LINES)
        self.log_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log_view.setMinimumHeight(110)  # room for several lines of the solver log
        self.log_view.setPlaceholderText("The solver log appears here while a solve runs.")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.phase_label)
        layout.addWidget(self.phase_detail_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.stale_label)
        layout.addWidget(QLabel("Solver log"))
        layout.addWidget(self.log_view, 1)

        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._update_elapsed)
        self._phase = "Idle"
        self._phase_detail = ""

    def _load_defaults(self) -> None:
        """Time limit from the project's settings (until the user sets one here)."""
        project = self.document.project
        self.time_limit_spin.blockSignals(True)
        self.time_limit_spin.setValue(float(project.settings.time_limit_s))
        self.time_limit_spin.blockSignals(False)
        self._time_limit_from_project = True

    def _connect_document(self) -> None:
        for name, slot in (
            ("inputs_changed", self.mark_inputs_changed),
            ("project_replaced", self._on_project_replaced),
        ):
            signal = getattr(self.document, name, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(slot)

    # ------------------------------------------------------------------ state
    def _revision(self) -> int:
        """The document's input revision, or the panel's own change counter without one."""
        rev = getattr(self.document, "revision", None)
        return rev if isinstance(rev, int) else self._local_revision

    @property
    def is_running(self) -> bool:
        return self._solve is not None

    @property
    def is_out_of_date(self) -> bool:
        """True when a result is shown and the inputs changed after it was solved."""
        if self.last_result is None:
            return False
        stale = getattr(self.document, "result_is_stale", None)  # by content: undo back = current
        if isinstance(stale, bool) and getattr(self.document, "result", None) is self.last_result:
            return stale
        return self._revision() != self.result_revision

    @property
    def current_solve(self) -> BackgroundSolve | None:
        return self._solve

    def all_solves(self) -> list[BackgroundSolve]:
        """The followed solve and cancelled ones still shutting down (for clean-up and tests)."""
        return ([self._solve] if self._solve else []) + list(self._retired)

    @Slot()
    def refresh_scenarios(self) -> None:
        """Rebuild the scenario list from the project, keeping the selection when it still exists."""
        keep = self.scenario_combo.currentData()
        self.scenario_combo.blockSignals(True)
        self.scenario_combo.clear()
        project = self.document.project
        base = next((sc for sc in project.scenarios if sc.id == BASE_ID), None)
        # one entry, one name for the base case (the project's "base" scenario when it has one)
        self.scenario_combo.addItem(base_scenario_name(project),
                                    BASE_ID if base is not None and base.overrides else None)
        if base is not None and base.description:
            self.scenario_combo.setItemData(0, base.description, Qt.ItemDataRole.ToolTipRole)
        for sc in project.scenarios:
            if sc.id == BASE_ID:
                continue
            self.scenario_combo.addItem(sc.name or sc.id, sc.id)
            if sc.description:
                self.scenario_combo.setItemData(self.scenario_combo.count() - 1, sc.description,
                                                Qt.ItemDataRole.ToolTipRole)
        index = self.scenario_combo.findData(keep) if keep is not None else 0
        self.scenario_combo.setCurrentIndex(max(0, index))
        self.scenario_combo.blockSignals(False)
        self.scenario_combo.refit()

    @Slot()
    def mark_inputs_changed(self, *_args: object) -> None:
        """Inputs changed: the scenario list may differ and a shown result may be out of date."""
        self._local_revision += 1
        if self._time_limit_from_project and not self.is_running:
            self._load_defaults()  # follow an edit of settings.time_limit_s
        listed = [self.scenario_combo.itemData(i) for i in range(1, self.scenario_combo.count())]
        texts = [self.scenario_combo.itemText(i) for i in range(self.scenario_combo.count())]
        project = self.document.project
        if listed != [sc.id for sc in project.scenarios if sc.id != BASE_ID] or texts != [
            base_scenario_name(project), *[sc.name or sc.id for sc in project.scenarios if sc.id != BASE_ID]
        ]:
            self.refresh_scenarios()
        self._update_stale_mark()

    @Slot()
    def _time_limit_edited(self) -> None:
        self._time_limit_from_project = False  # the user's choice now wins over the project setting

    @Slot()
    def _on_project_replaced(self) -> None:
        was_solving = self._solve is not None
        if was_solving:  # its result would belong to the project that was closed
            self.cancel_solve()
        self.refresh_scenarios()
        self._load_defaults()
        self.last_result = None
        self.result_revision = None
        if was_solving:
            self.status_label.setText("Solve cancelled: another project was opened. Press Solve to plan it.")
        else:
            self.status_label.setText("Not solved yet. Choose a scenario and press Solve.")
            self.status_label.setStyleSheet("")
        self._update_stale_mark()

    def _update_stale_mark(self) -> None:
        self.stale_label.setVisible(self.is_out_of_date)

    def _set_running(self, running: bool) -> None:
        self.solve_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for w in (self.scenario_combo, self.solver_combo, self.time_limit_spin):
            w.setEnabled(not running)
        if running:
            self.progress_bar.setRange(0, 0)  # busy
            self._tick.start()
        else:
            self._tick.stop()
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
        self.progress_bar.setVisible(running)
        self.running_changed.emit(running)

    # ------------------------------------------------------------------ choices kept with a plan
    def choices(self) -> tuple[str, str | None, float]:
        """(solver choice, scenario id or None for the base, time limit s) as chosen now."""
        return (self.solver_combo.currentData() or "auto", self.scenario_combo.currentData(),
                float(self.time_limit_spin.value()))

    def restore_choices(self, solver: str, scenario: str | None) -> bool:
        """Select the solver and scenario a kept plan was solved with (each only when still on
        offer); returns True when the solver was found."""
        s_index = self.solver_combo.findData(solver)
        if s_index >= 0:
            self.solver_combo.setCurrentIndex(s_index)
        c_index = self.scenario_combo.findData(scenario)
        if c_index >= 0:
            self.scenario_combo.setCurrentIndex(c_index)
        return s_index >= 0

    # ------------------------------------------------------------------ solving
    def solve_options(self) -> object:
        """SolveOptions from the current choices."""
        return SolveOptions(
            scenario=self.scenario_combo.currentData(),
            solver=self.solver_combo.currentData() or "auto",
            time_limit_s=float(self.time_limit_spin.value()),
            explain_infeasible=True,  # no plan: say which limits to relax, and by how much
        )

    @Slot()
    def start_solve(self) -> None:
        """Start a background solve of the current project with the chosen options."""
        if self._solve is not None:
            return
        options = self.solve_options()
        # no Qt parent: a running solve must outlive this widget if it is deleted (the QThread would
        # abort the app); solve_worker keeps it alive until its thread ends, _cancel_all cancels it
        solve = BackgroundSolve(self.document.project, options, self._solve_fn)
        self._owned.append(solve)
        solve.thread_finished.connect(lambda s=solve, owned=self._owned: s in owned and owned.remove(s))
        # each slot is told which solve spoke: a cancelled solve's late messages are ignored
        solve.progress.connect(lambda f, m, s=solve: self._on_progress(s, f, m))
        solve.log_lines.connect(lambda lines, s=solve: self._on_log_lines(s, lines))
        solve.result_ready.connect(lambda r, s=solve: self._on_result(s, r))
        solve.thread_finished.connect(lambda s=solve: self._on_thread_finished(s))
        self._solve = solve
        self._solve_revision = self._revision()
        digest = getattr(self.document, "input_digest", None)
        if callable(digest):
            digest()  # remembers the solved inputs' digest for this revision
        self.log_view.clear()
        scenario = self.scenario_combo.currentText()
        self.log_view.appendPlainText(
            f"Solving {scenario!s} with {self.solver_combo.currentText()}, "
            f"time limit {self.time_limit_spin.value():.0f} s"
        )
        self._phase, self._phase_detail = "Starting", ""
        self.status_label.setText(f"Solving {scenario}…")
        self.status_label.setStyleSheet("")
        self._set_running(True)
        solve.start()
        self._update_elapsed()

    @Slot()
    def cancel_solve(self) -> None:
        """Stop the running solve. The panel is idle at once; the worker winds down behind it."""
        solve = self._solve
        if solve is None:
            return
        solve.cancel()
        self._solve = None
        if not solve.is_finished():
            self._retired.append(solve)
        self._phase, self._phase_detail = "Idle", ""
        self.phase_label.setText("Cancelled")
        self.phase_detail_label.clear()
        self.log_view.appendPlainText("Cancelled by the user; stopping the solver.")
        self.status_label.setText(
            "Solve cancelled: no new plan was produced."
            + (" The previous result is still shown." if self.last_result is not None else "")
        )
        self.status_label.setStyleSheet(f"color: {_STATUS_COLOURS[Status.CANCELLED]};")
        self._set_running(False)
        self._update_stale_mark()

    def _on_progress(self, solve: BackgroundSolve, fraction: float, message: str) -> None:
        if solve is not self._solve:
            return
        self._phase = phase_of(message) or self._phase
        self._phase_detail = message
        self._update_elapsed()

    @Slot()
    def _update_elapsed(self) -> None:
        if self._solve is None or self._solve.started_at is None:
            return
        elapsed = time.monotonic() - self._solve.started_at
        self.phase_label.setText(f"<b>{self._phase}…</b>  {elapsed:.0f} s")
        detail = self._phase_detail
        self.phase_detail_label.setText(detail[:1].upper() + detail[1:] if detail else "")

    def _on_log_lines(self, solve: BackgroundSolve, lines: list[str]) -> None:
        if solve is not self._solve:
            return
        bar = self.log_view.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 2  # keep following the tail unless the user scrolled up
        self.log_view.appendPlainText("\n".join(lines))
        if follow:
            bar.setValue(bar.maximum())

    def _on_result(self, solve: BackgroundSolve, result: PlanResult) -> None:
        if solve is not self._solve:
            return
        self._solve = None
        if not solve.is_finished():
            self._retired.append(solve)
        self._set_running(False)
        elapsed = time.monotonic() - solve.started_at if solve.started_at is not None else 0.0
        self.phase_label.setText(f"Finished after {elapsed:.1f} s" if result.status is not Status.CANCELLED
                                 else "Cancelled")
        self.phase_detail_label.clear()
        colour = _STATUS_COLOURS.get(result.status, "")
        self.status_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.status_label.setText(status_summary(result))
        if result.status is Status.CANCELLED:
            self._update_stale_mark()
            return
        self.last_result = result
        self.result_revision = self._solve_revision
        set_result = getattr(self.document, "set_result", None)
        if callable(set_result):
            set_result(result, self._solve_revision)
        self._update_stale_mark()
        self.result_ready.emit(result)

    def _on_thread_finished(self, solve: BackgroundSolve) -> None:
        if solve in self._retired:
            self._retired.remove(solve)
            solve.deleteLater()

    # ------------------------------------------------------------------ shutdown
    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel any running solve and join every worker thread. True when all stopped."""
        if self._solve is not None:
            self.cancel_solve()
        ok = True
        for solve in list(self._retired):
            ok = solve.shutdown(timeout_ms) and ok
            if solve.is_finished():
                self._retired.remove(solve)
                solve.deleteLater()
        return ok

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        self.shutdown()
        super().closeEvent(event)
