"""Sensitivity panel: "which inputs move the cost and the 2027 defense coverage most?".

``SensitivityPanel(document)`` -- ``document`` is anything with a ``.project``. The inputs table
lists the named inputs of a sweep (planner.analysis.sweep_inputs) with a tick, a low and a high
value and a number of steps; "Add capacity of" adds one facility's capacity (50-150 % of its
own). Run solves the ticked inputs one at a time (planner.analysis.sweep.run_sweep) on a QThread
(:class:`BackgroundTask`) with the chosen number of worker processes; progress and the result
arrive through queued signals, and Cancel stops submitting points, terminates the workers and
shows the points finished so far.

Shown after a run: a tornado chart (horizontal bars: the change from the base at each input's low
and high value, largest swing on top) of the figure picked above it -- total cost, government cost
($M, discounted) or defense coverage in the compliance year (percentage points) -- and the tornado
table with every figure, plus the points without a plan.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries, QValueAxis
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
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

from ui.document.names import scenario_choices
from ui.document.snapshot import ProjectSnapshot
from ui.runtime.background import BackgroundTask, TaskPanelMixin
from ui.widgets.name_combo import NameCombo, refill

MUTED = "#5b6570"
LOW_COLOUR, HIGH_COLOUR = QColor(21, 101, 192), QColor(198, 40, 40)

#: (input name, what it is, low, high, steps, ticked by default)
DEFAULT_INPUTS = [
    ("capex", "capex of every option (factor)", 0.8, 1.2, 3, True),
    ("opex", "opex of every facility (factor)", 0.8, 1.2, 3, True),
    ("price", "price of every market (factor)", 0.8, 1.2, 3, True),
    ("demand:defense", "defense demand (factor)", 0.8, 1.2, 3, True),
    ("demand:commercial", "commercial demand (factor)", 0.8, 1.2, 3, False),
    ("delay", "projects not yet online (years later)", 0.0, 2.0, 3, True),
]

#: figure -> (tornado delta attributes low/high, axis title, scale)
METRICS = {
    "cost": ("cost_delta_low_musd", "cost_delta_high_musd", "change in total cost, $M (discounted)", 1.0),
    "government": ("government_delta_low_musd", "government_delta_high_musd",
                   "change in government cost, $M (discounted)", 1.0),
    "coverage": ("coverage_delta_low", "coverage_delta_high", "change in defense coverage, percentage points", 100.0),
}

COL_USE, COL_INPUT, COL_LOW, COL_HIGH, COL_STEPS = range(5)


def tornado_chart(rows: list[Any], metric: str, year: int) -> QChart:
    """Horizontal bars of ``rows`` (planner.analysis.sweep.TornadoRow, largest swing first): the
    change at the low value (blue) and at the high value (red) of the chosen figure."""
    low_attr, high_attr, title, scale = METRICS[metric]
    chart = QChart()
    chart.setTitle(title.replace("defense coverage", f"{year} defense coverage"))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    rows = [r for r in rows if getattr(r, low_attr) is not None][::-1]  # QChart draws the first category at the bottom
    low, high = QBarSet("at the low value"), QBarSet("at the high value")
    low.setColor(LOW_COLOUR)
    high.setColor(HIGH_COLOUR)
    values = []
    for r in rows:
        a, b = getattr(r, low_attr) * scale, getattr(r, high_attr) * scale
        low.append(a)
        high.append(b)
        values += [a, b]
    series = QHorizontalBarSeries()
    series.append(low)
    series.append(high)
    series.setBarWidth(0.8)
    chart.addSeries(series)
    cats = QBarCategoryAxis()
    cats.append([f"{r.input} ({r.low:g}–{r.high:g})" for r in rows] or ["(no run yet)"])
    chart.addAxis(cats, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(cats)
    axis = QValueAxis()
    span = max([abs(v) for v in values] or [1.0]) or 1.0
    axis.setRange(-1.1 * span, 1.1 * span)
    axis.setLabelFormat("%.1f")
    axis.setTitleText(title)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis)
    return chart


def _item(text: str, editable: bool = False, right: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    if editable:
        flags |= Qt.ItemFlag.ItemIsEditable
    it.setFlags(flags)
    if right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


def _fmt(v: float | None, spec: str = "+,.2f") -> str:
    return "—" if v is None else format(v, spec)


class SensitivityPanel(TaskPanelMixin, QWidget):
    """Sweep controls, progress, cancel and the tornado (see the module docstring).

    ``run_fn(project, inputs, workers, options, state) -> SweepReport`` may be replaced (tests);
    by default it calls ``planner.analysis.sweep.run_sweep``."""

    CANCELLING_TEXT = "Cancelling: stopping the worker processes…"
    FAILED_TEXT = "The sweep failed: "
    report_ready = Signal(object)

    def __init__(self, document: Any, parent: QWidget | None = None, run_fn: Callable | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._run_fn = run_fn or _default_run
        self._task: BackgroundTask | None = None
        self.report = None
        from planner.analysis.risk import default_workers

        self.scenario_combo = NameCombo("Sweep around the base project or a scenario")
        self.workers_spin = QSpinBox()
        self.workers_spin.setRange(1, max(64, default_workers()))
        self.workers_spin.setValue(default_workers())
        self.workers_spin.setToolTip("Worker processes (1 = run in this process); "
                                     "the answer is the same for any number")
        self.time_spin = QDoubleSpinBox()
        self.time_spin.setRange(1, 86_400)
        self.time_spin.setDecimals(0)
        self.time_spin.setSuffix(" s")
        self.time_spin.setValue(float(getattr(getattr(document.project, "settings", None), "time_limit_s", 120)))
        self.time_spin.setToolTip("Time limit per point")
        self.relax_box = QCheckBox("LP relaxation (faster)")
        self.relax_box.setToolTip("Solve every point without yes/no build decisions")
        self.metric_combo = QComboBox()
        self.metric_combo.addItem("Total cost", "cost")
        self.metric_combo.addItem("Government cost", "government")
        self.metric_combo.addItem("Defense coverage", "coverage")
        self.facility_combo = NameCombo("A facility whose existing capacity to vary (50-150 % of its own)")
        self.add_capacity_button = QPushButton("Add capacity of")
        self._make_run_controls("Run sweep", "Each ticked input is varied alone from low to high, every point a "
                                "full solve; the tornado ranks the inputs by how far they move the figure.")
        self.status_label.setStyleSheet(f"color: {MUTED};")

        self.inputs_table = QTableWidget(0, 5)
        self.inputs_table.setHorizontalHeaderLabels(["Vary", "Input", "Low", "High", "Steps"])
        self.inputs_table.verticalHeader().setVisible(False)
        self.inputs_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        h = self.inputs_table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(COL_INPUT, QHeaderView.ResizeMode.Stretch)
        for name, tip, low, high, steps, use in DEFAULT_INPUTS:
            self.add_input(name, tip, low, high, steps, use)

        self.chart_view = QChartView()
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setBackgroundBrush(QColor("white"))
        self.chart_view.setFrameShape(QFrame.Shape.NoFrame)
        self.chart_view.setMinimumHeight(220)
        self.chart_view.setChart(tornado_chart([], "cost", 2027))
        self.tornado_table = QTableWidget(0, 9)
        self.tornado_table.setHorizontalHeaderLabels(
            ["Input", "Low", "High", "Cost at low ($M)", "Cost at high ($M)", "Cost slope ($M/unit)",
             "Gov. at low ($M)", "Gov. at high ($M)", "Coverage low / high"])
        self.tornado_table.verticalHeader().setVisible(False)
        self.tornado_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        th = self.tornado_table.horizontalHeader()
        th.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        th.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        top = QHBoxLayout()
        for label, w in (("Around", self.scenario_combo), ("Workers", self.workers_spin),
                         ("Time limit / point", self.time_spin)):
            box = QFormLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.addRow(label, w)
            top.addLayout(box)
        top.addWidget(self.relax_box)
        top.addStretch(1)
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_capacity_button)
        add_row.addWidget(self.facility_combo, 1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.inputs_table, 1)
        ll.addLayout(add_row)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        metric_row = QHBoxLayout()
        metric_row.addWidget(QLabel("Tornado of"))
        metric_row.addWidget(self.metric_combo)
        metric_row.addStretch(1)
        rl.addLayout(metric_row)
        rl.addWidget(self.chart_view, 1)
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(left)
        upper.addWidget(right)
        upper.setStretchFactor(0, 2)
        upper.setStretchFactor(1, 3)
        upper.setChildrenCollapsible(False)
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(upper)
        body.addWidget(self.tornado_table)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        body.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.progress_bar)
        lay.addWidget(self.status_label)
        lay.addWidget(body, 1)

        self.refresh_project()
        for sig in ("project_replaced", "inputs_changed"):
            signal = getattr(document, sig, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(self.refresh_project)
        self.add_capacity_button.clicked.connect(self.add_capacity)
        self.metric_combo.currentIndexChanged.connect(self._redraw)

    # ------------------------------------------------------------------ inputs
    def add_input(self, name: str, tip: str, low: float, high: float, steps: int, use: bool = True) -> None:
        r = self.inputs_table.rowCount()
        self.inputs_table.insertRow(r)
        tick = QTableWidgetItem()
        tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        tick.setCheckState(Qt.CheckState.Checked if use else Qt.CheckState.Unchecked)
        self.inputs_table.setItem(r, COL_USE, tick)
        it = _item(name)
        it.setToolTip(tip)
        self.inputs_table.setItem(r, COL_INPUT, it)
        self.inputs_table.setItem(r, COL_LOW, _item(f"{low:g}", True, True))
        self.inputs_table.setItem(r, COL_HIGH, _item(f"{high:g}", True, True))
        self.inputs_table.setItem(r, COL_STEPS, _item(str(steps), True, True))

    def add_capacity(self) -> None:
        fid = self.facility_combo.currentData()
        if not fid:
            return
        name = f"capacity:{fid}"
        if any(self.inputs_table.item(r, COL_INPUT).text() == name for r in range(self.inputs_table.rowCount())):
            return
        cap = self.document.project.facility(fid).capacity_tpy
        self.add_input(name, f"existing capacity of {self.facility_combo.currentText()} (t/yr)",
                       0.5 * cap, 1.5 * cap, 3)

    def refresh_project(self, *_: Any) -> None:
        """Scenario and facility lists from the document's project (current choices kept)."""
        project = self.document.project
        refill(self.scenario_combo, scenario_choices(project))
        refill(self.facility_combo, [(f.name or f.id, f.id) for f in project.facilities])
        if self.report is not None and not self.is_running():
            self.status_label.setText("The project has changed since this sweep: run again for current figures.")

    def inputs(self) -> list[Any]:
        """The ticked rows as SweepInput; ValueError naming the row when a value is not a number."""
        from planner.analysis.sweep_inputs import SweepInput

        out = []
        for r in range(self.inputs_table.rowCount()):
            if self.inputs_table.item(r, COL_USE).checkState() != Qt.CheckState.Checked:
                continue
            name = self.inputs_table.item(r, COL_INPUT).text()
            try:
                low = float(self.inputs_table.item(r, COL_LOW).text())
                high = float(self.inputs_table.item(r, COL_HIGH).text())
                steps = int(self.inputs_table.item(r, COL_STEPS).text())
            except ValueError:
                raise ValueError(f"{name}: low and high must be numbers and steps a whole number") from None
            if high < low or not 2 <= steps <= 101:
                raise ValueError(f"{name}: high must be >= low and steps from 2 to 101")
            out.append(SweepInput(name, low, high, steps))
        return out

    # ------------------------------------------------------------------ run / cancel
    def start(self) -> None:
        if self._task is not None:
            return
        try:
            inputs = self.inputs()
        except ValueError as e:
            self.status_label.setText(str(e))
            return
        if not inputs:
            self.status_label.setText("Tick at least one input to vary.")
            return
        from planner.pipeline.solve import SolveOptions

        snapshot = ProjectSnapshot(self.document.project)
        workers = self.workers_spin.value()
        options = SolveOptions(scenario=self.scenario_combo.currentData(), time_limit_s=self.time_spin.value(),
                               relax_integers=self.relax_box.isChecked())
        run_fn = self._run_fn
        n = 1 + sum(len(i.values()) for i in inputs)
        self._launch(lambda state: run_fn(snapshot.project(), inputs, workers, options, state), self._on_report,
                     None, f"Starting {n} points on {workers} worker(s)…")

    def _on_report(self, report: Any) -> None:
        self.show_report(report)
        self.report_ready.emit(report)

    # ------------------------------------------------------------------ results
    def show_report(self, report: Any) -> None:
        """Chart and table from a planner.analysis.sweep.SweepReport."""
        self.report = report
        rows = report.tornado()
        failed = [p for p in report.points if not p.ok]
        if report.cancelled:
            text = (f"Cancelled after {len(report.points)} of {report.n_requested} points; "
                    "the tornado uses the finished points.")
        else:
            text = f"{len(report.points)} points in {report.seconds:.1f} s"
        base = report.base
        if base is not None and base.ok:
            cov = "—" if base.defense_coverage is None else f"{base.defense_coverage:.1%}"
            text += (f". Base: cost {base.total_cost_musd:,.1f} $M, government {base.government_cost_musd:,.1f} $M, "
                     f"{report.target_year} defense coverage {cov}.")
        elif base is not None:
            text += f". The base point has no plan ({base.status}): no tornado."
        if failed:
            text += f" {len(failed)} point(s) without a plan: " + "; ".join(
                f"{', '.join(f'{k}={v:g}' for k, v in p.values.items()) or 'base'}: {p.status}" for p in failed[:3])
        self.status_label.setText(text)
        self.tornado_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = [r.input, f"{r.low:g}", f"{r.high:g}", _fmt(r.cost_delta_low_musd), _fmt(r.cost_delta_high_musd),
                     _fmt(r.cost_slope_musd_per_unit), _fmt(r.government_delta_low_musd),
                     _fmt(r.government_delta_high_musd),
                     f"{_fmt(r.coverage_delta_low, '+.1%')} / {_fmt(r.coverage_delta_high, '+.1%')}"]
            for j, c in enumerate(cells):
                self.tornado_table.setItem(i, j, _item(c, right=j > 0))
        self._redraw()

    def _redraw(self, *_: Any) -> None:
        rows = self.report.tornado() if self.report is not None else []
        year = self.report.target_year if self.report is not None else 2027
        old = self.chart_view.chart()
        self.chart_view.setChart(tornado_chart(rows, self.metric_combo.currentData(), year))
        if old is not None:
            old.deleteLater()


def _default_run(project, inputs, workers, options, state):
    from planner.analysis.sweep import run_sweep

    return run_sweep(project, inputs, workers=workers, options=options, state=state)
