"""Monte Carlo risk panel: "how likely are compliant magnets in 2027, and which projects matter?".

``RiskPanel(document)`` -- ``document`` is anything with a ``.project`` (a ``models.Project``);
the project is deep-copied when Run is pressed, so edits during a run do not affect it.

The run itself is ``planner.analysis.risk.run_risk`` on a QThread (:class:`BackgroundTask`); its
``SolveState`` callbacks only emit signals, which Qt queues to the GUI thread. Cancel calls
``state.request_cancel()``: run_risk stops submitting samples, terminates its worker processes and
returns the samples finished so far (shown, marked "cancelled").

Mode: "Evaluate the optimal plan" (default: the scenario's optimal plan is committed and each sample
re-solves operations under its delays) or "Perfect foresight" (each sample re-plans with hindsight);
the status line names the mode of the figures shown. "Plan for this risk" runs
``planner.analysis.robust.run_robust`` (the robust plan over "Futures" sampled futures, both plans
evaluated on "Samples" fresh ones) on the same background machinery; the "Robust plan" tab shows both
plans side by side and the hedge, and "Apply robust plan as a scenario" adds one undoable
scenario of ``invest`` and ``stock_build`` overrides (planner.analysis.robust_scenario).

Shown after a run: headline cards (P(met) in the compliance year, cost P10/P50/P90, failed
samples), a histogram of total cost, P(defense demand met) by year per product, and tables of
the projects that drive compliance, investment frequencies, bottlenecks and failed samples.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.vocab import material_label
from models.wording import count
from ui.document.analysis_runs import watch_run
from ui.document.names import option_name, scenario_choices
from ui.document.snapshot import ProjectSnapshot
from ui.runtime.background import BackgroundTask, TaskPanelMixin, active_tasks  # noqa: F401 (active_tasks re-exported for tests)
from ui.widgets.elided_label import ElidedLabel
from ui.widgets.name_combo import NameCombo, refill

GOOD, WARN, BAD, NEUTRAL, MUTED = "#1b7a3d", "#9a6700", "#b3261e", "#1d2733", "#5b6570"
BAR_COLOUR = QColor(38, 120, 178)
LINE_COLOURS = [QColor(38, 120, 178), QColor(209, 73, 91), QColor(42, 157, 143), QColor(141, 106, 159),
                QColor(233, 150, 50), QColor(90, 90, 90)]
def product_label(p: str) -> str:
    return material_label(p)


# ---------------------------------------------------------------------------------- widgets
class Card(QFrame):
    """A small title, one large figure and a line of detail; equal widths in a row."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setStyleSheet("QFrame#card { background: #ffffff; border: 1px solid #d9dde3; border-radius: 6px; }"
                           " QLabel { border: none; background: transparent; }")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.title = ElidedLabel(title)
        self.title.setStyleSheet(f"color: {MUTED}; font-size: 9pt;")
        self.value = ElidedLabel("—")
        self.detail = ElidedLabel("")
        self.detail.setStyleSheet(f"color: {MUTED}; font-size: 9pt;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(2)
        for w in (self.title, self.value, self.detail):
            lay.addWidget(w)
        self.set(title, "—")

    #: point sizes tried for the figure, largest first: a long name (the project that matters
    #: most) gets a smaller size rather than being cut; at the smallest it wraps onto two lines
    VALUE_PT = (17.0, 13.0, 11.0, 9.5)

    def set(self, title: str, value: str, detail: str = "", colour: str = NEUTRAL) -> None:
        self.title.setText(title)
        self.value.setStyleSheet(f"color: {colour};")  # size and weight by setFont (_fit_value)
        self.value.setText(value)
        self.detail.setText(detail)
        self._fit_value()

    def _fit_value(self) -> None:
        from PySide6.QtGui import QFontMetrics

        text, width = self.value.full_text(), max(10, self.value.width() - 2)
        font = self.value.font()
        font.setWeight(QFont.Weight.DemiBold)
        wrap = False
        for pt in self.VALUE_PT[:-1]:
            font.setPointSizeF(pt)
            if QFontMetrics(font).horizontalAdvance(text) <= width:
                break
        else:  # too long even at 11 pt: two lines at the smallest size (elided only beyond that)
            font.setPointSizeF(self.VALUE_PT[-1])
            wrap = True
        if font != self.value.font() or wrap != self.value.wordWrap():
            self.value.setFont(font)
            self.value.setWordWrap(wrap)
            fm = QFontMetrics(font)
            self.value.setFixedHeight(fm.lineSpacing() * (2 if wrap else 1) + 4)
            self.value.setText(text)  # elide or wrap again with the new size

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_value()


def _base_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    f = QFont(chart.titleFont())
    f.setBold(True)
    chart.setTitleFont(f)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _nice_step(span: float, target_bins: int) -> float:
    """A round bin width (1, 2, 2.5 or 5 x 10^k) giving about ``target_bins`` bins over ``span``."""
    raw = span / max(1, target_bins)
    e = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * e:
            return m * e
    return 10 * e


def histogram_bins(values: list[float], target_bins: int | None = None) -> tuple[list[float], list[int]]:
    """Edges (len k + 1) and counts (len k) of a histogram with round bin widths.

    About sqrt(n) bins (5..20); all values equal -> one bin of width max(1 % of the value, 0.1).
    """
    if not values:
        return [], []
    lo, hi = min(values), max(values)
    k = target_bins or max(5, min(20, round(math.sqrt(len(values)))))
    if hi - lo <= 1e-9 * max(1.0, abs(hi)):
        w = max(0.01 * abs(lo), 0.1)
        return [lo - w / 2, lo + w / 2], [len(values)]
    step = _nice_step(hi - lo, k)
    start = math.floor(lo / step) * step
    n_bins = max(1, math.ceil((hi - start) / step + 1e-9))
    if start + n_bins * step <= hi:
        n_bins += 1
    edges = [start + i * step for i in range(n_bins + 1)]
    counts = [0] * n_bins
    for v in values:
        counts[min(n_bins - 1, int((v - start) // step))] += 1
    return edges, counts


def _fmt_money(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"


def _count_step(largest: int, max_ticks: int = 6) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... samples between ticks that covers ``largest`` in at
    most ``max_ticks`` intervals (a count axis only has whole numbers)."""
    step, k = 1, 0
    while step * max_ticks < largest:
        k += 1
        step = (1, 2, 5)[k % 3] * 10 ** (k // 3)
    return step


#: the cost chart's title before any run (not "no sample with a plan", which reads as a failure)
NOT_RUN_TITLE = "Run a risk analysis to see the spread of total cost"


def cost_histogram_chart(costs: list[float], percentiles: dict[str, float], empty_title: str | None = None) -> QChart:
    """Bars: number of samples per total-cost bin ($M, discounted); title carries P10/P50/P90.

    No costs: ``empty_title`` (before a run), else the run had no sample with a plan."""
    if not costs:
        chart = _base_chart(empty_title or "Total cost: no sample with a plan")
        chart.legend().hide()
        return chart
    p = percentiles
    chart = _base_chart(f"Total cost, $M discounted   (P10 {_fmt_money(p['p10'])} · P50 {_fmt_money(p['p50'])}"
                        f" · P90 {_fmt_money(p['p90'])})")
    edges, counts = histogram_bins(costs)
    bars = QBarSet("samples")
    bars.append([float(c) for c in counts])
    bars.setColor(BAR_COLOUR)
    bars.setBorderColor(BAR_COLOUR.darker(120))
    series = QBarSeries()
    series.append(bars)
    series.setBarWidth(0.92)
    chart.addSeries(series)
    x = QBarCategoryAxis()
    step = max(1, math.ceil(len(counts) / 8))
    x.append([(_fmt_money((edges[i] + edges[i + 1]) / 2) if i % step == 0 else " " * (i + 1))
              for i in range(len(counts))])
    x.setTitleText("total cost ($M, bin centre)")
    y = QValueAxis()
    tick = _count_step(max(counts))  # whole samples: a tick at 2.5 was labelled "2"
    top = math.ceil(max(counts) * 1.08 / tick) * tick
    y.setRange(0, max(tick, top))
    y.setTickType(QValueAxis.TickType.TicksDynamic)
    y.setTickAnchor(0)
    y.setTickInterval(tick)
    y.setLabelFormat("%d")
    y.setTitleText("samples")
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    chart.legend().hide()
    return chart


def p_met_chart(p_met: dict[str, dict[int, float]], p_met_all: dict[int, float], target_year: int) -> QChart:
    """P(defense demand fully met with compliant supply) by year: one line per product (+ all)."""
    chart = _base_chart("Chance that defense demand is fully met")
    years = sorted(p_met_all)
    if not years:
        chart.legend().hide()
        return chart
    x = QValueAxis()
    x.setRange(years[0] - 0.5, years[-1] + 0.5)
    x.setTickType(QValueAxis.TickType.TicksDynamic)
    x.setTickAnchor(years[0])
    x.setTickInterval(1 if len(years) <= 12 else 2)
    x.setLabelFormat("%d")
    x.setTitleText(f"year (compliant supply required from {target_year}; any origin before)")
    y = QValueAxis()
    y.setRange(0, 105)
    y.setTickType(QValueAxis.TickType.TicksDynamic)
    y.setTickAnchor(0)
    y.setTickInterval(20)
    y.setLabelFormat("%d %%")
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    lines: list[tuple[str, dict[int, float], QPen]] = []
    for i, (prod, by) in enumerate(sorted(p_met.items())):
        pen = QPen(LINE_COLOURS[i % len(LINE_COLOURS)], 2.2)
        name = product_label(prod)
        # a product whose line equals an earlier one's would be hidden exactly under it: drawn
        # after it, dashed, and its legend says which line it equals
        twin = next((n for n, other, _p in lines
                     if set(other) == set(by) and all(abs(other[y] - by[y]) < 1e-12 for y in by)), None)
        if twin is not None:
            pen.setStyle(Qt.PenStyle.DashLine)
            name = f"{name} (= {twin})"
        lines.append((name, by, pen))
    same_as_a_product = any(
        set(by) == set(p_met_all) and all(abs(by[y] - p_met_all[y]) < 1e-12 for y in by) for by in p_met.values()
    )
    if len(p_met) > 1 and not same_as_a_product:  # an identical line would only hide the product's
        pen = QPen(QColor(30, 30, 30), 1.6, Qt.PenStyle.DashLine)
        lines.append(("All products", p_met_all, pen))
    for name, by, pen in lines:
        s = QLineSeries()
        s.setName(name)
        for year in sorted(by):
            s.append(QPointF(year, 100 * by[year]))
        s.setPen(pen)
        s.setPointsVisible(True)
        chart.addSeries(s)
        s.attachAxis(x)
        s.attachAxis(y)
    if target_year in p_met_all:  # a marker on the compliance year
        m = QScatterSeries()
        m.setName(f"{target_year} (all products): {100 * p_met_all[target_year]:.0f} %")
        m.append(QPointF(target_year, 100 * p_met_all[target_year]))
        m.setMarkerSize(14)
        m.setColor(QColor(255, 255, 255, 0))
        m.setBorderColor(QColor(29, 39, 51))
        m.setPen(QPen(QColor(29, 39, 51), 2.0))
        chart.addSeries(m)
        m.attachAxis(x)
        m.attachAxis(y)
    return chart


def _chart_view() -> QChartView:
    view = QChartView()
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setBackgroundBrush(QColor("white"))
    view.setFrameShape(QFrame.Shape.NoFrame)
    view.setMinimumHeight(250)
    return view


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    h = t.horizontalHeader()
    h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # names left, figures packed on the right
    h.setStretchLastSection(False)
    return t


def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            tip = None
            if isinstance(v, tuple):  # (text, tooltip): a name with its id in the tooltip
                v, tip = v
            item = QTableWidgetItem(str(v))
            if tip:
                item.setToolTip(tip)
            if c > 0 and tip is None and str(v)[:1] in "0123456789+-−":  # figures; a name ("10X ...") stays left
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _pct(v: float) -> str:
    return f"{100 * v:.0f} %"


# ------------------------------------------------------------------------------------ panel
class RiskPanel(TaskPanelMixin, QWidget):
    """Monte Carlo controls, progress, cancel and the results (see module docstring).

    ``run_fn(project, n, seed, workers, options, state) -> RiskReport`` may be replaced
    (tests); by default it calls ``planner.analysis.risk.run_risk``.
    """

    CANCELLING_TEXT = "Cancelling: stopping the worker processes…"

    report_ready = Signal(object)  # RiskReport
    FAILED_TEXT = "The risk run failed: "
    catalogue_requested = Signal()  # "Edit the risk catalogue": the main window shows Settings' page

    def __init__(self, document: Any, parent: QWidget | None = None, run_fn: Callable | None = None,
                 robust_fn: Callable | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._run_fn = run_fn or _default_run
        self._robust_fn = robust_fn or _default_robust
        self._task: BackgroundTask | None = None
        self.report = None

        from planner.analysis.risk import default_workers

        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, 1_000_000)
        self.n_spin.setValue(200)
        self.n_spin.setToolTip("Number of Monte Carlo samples (each is one full solve)")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2_147_483_647)
        self.seed_spin.setToolTip("Same seed, same answer -- whatever the number of workers")
        self.workers_spin = QSpinBox()
        self.workers_spin.setRange(1, max(64, default_workers()))
        self.workers_spin.setValue(default_workers())
        self.workers_spin.setToolTip("Worker processes (1 = run in this process)")
        self.time_spin = QDoubleSpinBox()
        self.time_spin.setRange(1, 86_400)
        self.time_spin.setDecimals(0)
        self.time_spin.setSuffix(" s")
        self.time_spin.setValue(float(getattr(getattr(document.project, "settings", None), "time_limit_s", 120)))
        self.time_spin.setToolTip("Time limit per sample solve")
        self.scenario_combo = NameCombo("Sample delays and overruns around the base project or a scenario")
        self.refresh_scenarios()
        for sig in ("project_replaced", "inputs_changed"):
            signal = getattr(document, sig, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(self.refresh_scenarios)
                signal.connect(self._mark_stale)
        self.mode_combo = QComboBox()
        self.mode_combo.addItem("Evaluate the optimal plan", "plan")
        self.mode_combo.addItem("Perfect foresight (re-plan each sample)", "foresight")
        self.mode_combo.setToolTip("Evaluate: the scenario's optimal plan is committed and each sample re-solves "
                                   "operations under its delays.\nPerfect foresight: each sample re-plans every "
                                   "investment knowing its delays (an optimistic bound).")
        self.robust_k_spin = QSpinBox()
        self.robust_k_spin.setRange(1, 500)
        self.robust_k_spin.setValue(10)
        self.robust_k_spin.setToolTip("Sampled futures the robust plan must hold up in (the program grows with this)")
        self.robust_button = QPushButton("Plan for this risk")
        self.robust_button.setToolTip("Find the robust investment plan over the sampled futures and compare it with "
                                      "the optimal plan on fresh samples (the Samples setting)")
        self.apply_robust_button = QPushButton("Apply robust plan as a scenario")
        self.apply_robust_button.setEnabled(False)
        self.robust_report = None
        self._make_run_controls("Run risk analysis",
                                "Each sample draws commissioning delays and capex overruns by project status and "
                                "the events of the project's risk catalogue (Settings, Risk catalogue page), "
                                "then runs the plan without foresight: an event is known from its first year on.")
        self.progress_bar.setValue(0)
        self.catalogue_button = QPushButton("Edit the risk catalogue…")
        self.catalogue_button.setToolTip("Outages, export stops, China's licence regime, demand surges, delays and "
                                         "overruns: the Risk catalogue page of Settings (every edit undoable)")
        self.catalogue_button.clicked.connect(self.catalogue_requested)
        self.status_label.setStyleSheet(f"color: {MUTED};")

        # two rows: what is run (scenario, mode, planning futures) and how (samples, seed, workers,
        # time limit) with the buttons; on one row the labels were squeezed out at 1400 px
        form = QVBoxLayout()
        rows = [QHBoxLayout(), QHBoxLayout()]
        for row, label, w in ((0, "Around", self.scenario_combo), (0, "Mode", self.mode_combo),
                              (0, "Futures (Plan for this risk)", self.robust_k_spin),
                              (1, "Samples", self.n_spin), (1, "Seed", self.seed_spin),
                              (1, "Workers", self.workers_spin),
                              (1, "Time limit / sample", self.time_spin)):
            box = QFormLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.addRow(label, w)
            rows[row].addLayout(box)
        for row in rows:
            row.addStretch(1)
            form.addLayout(row)
        rows[1].addWidget(self.run_button)
        rows[1].addWidget(self.robust_button)
        rows[1].addWidget(self.cancel_button)

        self.card_met = Card("Defense demand met in 2027")
        self.card_cost = Card("Total cost P50")
        self.card_driver = Card("Project that matters most")
        self.card_failed = Card("Samples")
        cards = QHBoxLayout()
        for c in (self.card_met, self.card_cost, self.card_driver, self.card_failed):
            cards.addWidget(c, 1)

        self.cost_view = _chart_view()
        self.cost_view.setChart(cost_histogram_chart([], {}, NOT_RUN_TITLE))
        self.met_view = _chart_view()
        self.met_view.setChart(p_met_chart({}, {}, 2027))
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.cost_view)
        charts.addWidget(self.met_view)
        charts.setChildrenCollapsible(False)

        self.drivers_table = _table(["Facility", "P(met) on time", "P(met) delayed", "Impact", "Delayed in",
                                     "Cost change when delayed ($M)"])
        self.investments_table = _table(["Facility", "Option", "Chosen in", "Mean size (t/yr)", "Median decision year"])
        self.bottlenecks_table = _table(["Facility", "Limits supply in", "Samples"])
        self.failures_table = _table(["Sample", "Status", "Reason"])
        self.events_table = _table(["Event", "Kind", "In samples", "P(met) with it", "P(met) without",
                                    "Share of the short samples"])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.drivers_table, "Projects that drive 2027")
        self.tabs.addTab(self.investments_table, "Investment frequency")
        self.tabs.addTab(self.bottlenecks_table, "Bottlenecks")
        self.tabs.addTab(self.failures_table, "Samples without a plan")
        self.tabs.addTab(self.events_table, "Events behind 2027 shortfalls")
        self.robust_table = _table(["Measure", "Optimal (deterministic) plan", "Robust plan", "Difference"])
        self.hedge_table = _table(["Facility", "Option", "Change", "Deterministic (year: t/yr)", "Robust (year: t/yr)",
                                   "Capex delta ($M)", "Paid by"])
        self.robust_label = QLabel("Plan for this risk: the investments that hold up across sampled futures.")
        self.robust_label.setWordWrap(True)
        robust_page = QWidget()
        rl = QVBoxLayout(robust_page)
        rl.addWidget(self.robust_label)
        rsplit = QSplitter(Qt.Orientation.Horizontal)
        rsplit.addWidget(self.robust_table)
        rsplit.addWidget(self.hedge_table)
        rsplit.setChildrenCollapsible(False)
        rl.addWidget(rsplit, 1)
        rl.addWidget(self.apply_robust_button)
        self.robust_page = robust_page
        self.tabs.addTab(robust_page, "Robust plan")
        # the N-1 stress test: its own run (each facility and country out), ranked single points of failure
        from ui.panels.stress_panel import StressPanel

        self.stress_panel = StressPanel(document, self)
        self.tabs.addTab(self.stress_panel, "Stress (N-1)")
        self.tabs.setTabToolTip(self.tabs.count() - 1,
                                "Which single facility or country breaks defense supply when it is out")

        body = self.body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(charts)
        body.addWidget(self.tabs)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        body.setChildrenCollapsible(False)
        self.tabs.currentChanged.connect(self._stress_page_room)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.progress_bar)
        status_row = QHBoxLayout()  # the button beside the wrapping text: the tab gets no wider for it
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.catalogue_button, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(status_row)
        lay.addLayout(cards)
        lay.addWidget(body, 1)

        self.robust_button.clicked.connect(self.start_robust)
        self.apply_robust_button.clicked.connect(self.apply_robust)

    # ------------------------------------------------------------------ run / cancel
    def refresh_scenarios(self, *_: Any) -> None:
        """List the base case and the document's scenarios, keeping the current choice if it still exists."""
        refill(self.scenario_combo, scenario_choices(self.document.project))

    def _mark_stale(self, *_: Any) -> None:
        """The project changed: figures on screen describe the project as it was when Run was pressed."""
        if self.report is not None and not self.is_running():
            self.status_label.setText("The project has changed since this run: run again for current figures.")

    def start(self) -> None:
        """Run on a background thread with the current N, seed, workers and time limit."""
        if self._task is not None:
            return
        snapshot = ProjectSnapshot(self.document.project)  # parsed back on the worker thread
        n, seed, workers = self.n_spin.value(), self.seed_spin.value(), self.workers_spin.value()
        from planner.pipeline.solve import SolveOptions

        options = SolveOptions(scenario=self.scenario_combo.currentData(), time_limit_s=self.time_spin.value())
        run_fn = self._run_fn
        mode = self.mode_combo.currentData()
        if run_fn is _default_run:
            fn = lambda state: _default_run(snapshot.project(), n, seed, workers, options, state, mode=mode)  # noqa: E731
        else:
            fn = lambda state: run_fn(snapshot.project(), n, seed, workers, options, state)  # noqa: E731
        watch_run(self.document, "risk", options.scenario, self.report_ready)  # for the Decision brief
        self._launch(fn, self._on_report, None,
                     f"Starting {count(n, 'sample')} on {count(workers, 'worker')}…")

    def start_robust(self) -> None:
        """"Plan for this risk": the robust plan over K futures, evaluated with the optimal plan on N fresh ones."""
        if self._task is not None:
            return
        snapshot = ProjectSnapshot(self.document.project)
        k, n, seed, workers = (self.robust_k_spin.value(), self.n_spin.value(), self.seed_spin.value(),
                               self.workers_spin.value())
        from planner.pipeline.solve import SolveOptions

        options = SolveOptions(scenario=self.scenario_combo.currentData(), time_limit_s=self.time_spin.value())
        robust_fn = self._robust_fn

        def fn(state):
            return robust_fn(snapshot.project(), k, n_eval=n, seed=seed, workers=workers, options=options, state=state)

        self._launch(fn, self.show_robust, None,
                     f"Planning over {k} futures, then evaluating both plans on {n} fresh ones…")

    def _run_buttons(self) -> list:
        return [self.run_button, self.robust_button]  # one run at a time: a risk run or a robust plan

    def _on_report(self, report: Any) -> None:
        self.show_report(report)
        self.report_ready.emit(report)

    # --------------------------------------------------------------------- results
    def _short_name(self, facility_id: str) -> str:
        try:
            return self.document.project.facility(facility_id).name or facility_id
        except (KeyError, AttributeError):
            return facility_id

    def _name(self, facility_id: str) -> tuple[str, str]:
        """(facility name, tooltip with its id) for a table cell."""
        return self._short_name(facility_id), f"facility id: {facility_id}"

    def _option(self, facility_id: str, option_id: str) -> tuple[str, str]:
        return option_name(self.document.project, facility_id, option_id), f"option id: {option_id}"

    def show_report(self, report: Any) -> None:
        """Fill cards, charts and tables from a ``planner.analysis.risk_report.RiskReport``."""
        self.report = report
        y = report.target_year
        around = self.scenario_combo.currentText()
        if report.cancelled:
            self.status_label.setText(f"Cancelled after {report.n_completed} of {report.n_requested} samples; "
                                      "the figures below use the finished samples only.")
        else:
            rate = report.n_completed / max(report.seconds, 1e-9)
            label = getattr(report, "mode_label", "")
            self.status_label.setText(f"{report.n_completed} samples in {report.seconds:.1f} s ({rate:.1f}/s), "
                                      f"seed {report.seed}, around the {around}" + (f"; {label}." if label else "."))
        p = report.p_met_all.get(y)
        if p is None:
            self.card_met.set(f"Defense demand met in {y}", "—", "no sample with a plan" if not report.n_ok else
                              f"no defense demand in {y}")
        else:
            colour = GOOD if p >= 0.9 else WARN if p >= 0.5 else BAD
            per = " · ".join(f"{product_label(k)} {_pct(v[y])}" for k, v in sorted(report.p_met.items()) if y in v)
            self.card_met.set(f"Defense demand met in {y}", _pct(p), per, colour)
        c = report.cost_musd
        if c:
            self.card_cost.set("Total cost P50 (discounted)", f"${_fmt_money(c['p50'])} M",
                               f"P10 ${_fmt_money(c['p10'])} M · P90 ${_fmt_money(c['p90'])} M")
        else:
            self.card_cost.set("Total cost P50 (discounted)", "—")
        if report.drivers and report.drivers[0].impact > 0:
            d = report.drivers[0]
            self.card_driver.set(f"Project that matters most for {y}", self._short_name(d.facility),
                                 f"P(met) {_pct(d.p_met_on_time)} on time vs {_pct(d.p_met_delayed)} delayed", NEUTRAL)
        else:
            costly = [d for d in report.drivers if (d.cost_delta_musd or 0) > 0]
            if costly:
                d = max(costly, key=lambda d: d.cost_delta_musd)
                self.card_driver.set("Costliest project to delay", self._short_name(d.facility),
                                     f"+${_fmt_money(d.cost_delta_musd)} M when late; no delay changed {y} compliance")
            else:
                self.card_driver.set(f"Project that matters most for {y}", "—", "no delay changed the outcome")
        failed_colour = BAD if report.n_failed else GOOD
        self.card_failed.set("Samples with a plan", f"{report.n_ok} / {report.n_completed}",
                             (f"{report.n_failed} without a plan, counted as not met" if report.n_failed
                              else "none failed")
                             + (" · cancelled" if report.cancelled else ""), failed_colour)

        self.cost_view.setChart(cost_histogram_chart(report.costs(), report.cost_musd))
        self.met_view.setChart(p_met_chart(report.p_met, report.p_met_all, y))

        self.tabs.setTabText(0, f"Projects that drive {y}")
        _fill(self.drivers_table, [
            [self._name(d.facility), _pct(d.p_met_on_time), _pct(d.p_met_delayed),
             f"{100 * d.impact:+.0f} ± {100 * d.impact_se:.0f} pts",
             f"{d.n_delayed} samples", "—" if d.cost_delta_musd is None else f"{d.cost_delta_musd:+,.1f}"]
            for d in report.drivers
        ])
        _fill(self.investments_table, [
            [self._name(i.facility), self._option(i.facility, i.option), _pct(i.share), f"{i.mean_added_tpy:,.0f}",
             f"{i.median_decided_year:.0f}"]
            for i in report.investments
        ])
        # no $ column: in years with unmet demand the shadow price is the unmet penalty, not a price
        _fill(self.bottlenecks_table,
              [[self._name(b.facility), _pct(b.share), str(b.count)] for b in report.bottlenecks])
        _fill(self.failures_table, [[str(f.index), f.status, f.message] for f in report.failures])
        self.tabs.setTabText(3, f"Samples without a plan ({report.n_failed})")
        impacts = getattr(report, "event_impacts", []) or []
        _fill(self.events_table, [
            [e["event"], e["kind"], str(e["samples"]),
             "—" if e["p_met_with"] is None else _pct(e["p_met_with"]),
             "—" if e["p_met_without"] is None else _pct(e["p_met_without"]),
             ", ".join(f"{product_label(p)} {_pct(v)}" for p, v in sorted(e["share_of_short_samples"].items()) if v > 0)
             or "—"]
            for e in impacts
        ])
        self.tabs.setTabText(4, f"Events behind {y} shortfalls ({len(impacts)})")


    def _stress_page_room(self, _index: int) -> None:
        """The stress page (ranking over the likelihood-impact matrix) gets at least 70 % of the split."""
        if self.tabs.currentWidget() is not self.stress_panel:
            return
        sizes = self.body.sizes()
        if sum(sizes) and sizes[1] < 0.7 * sum(sizes):
            top = int(0.3 * sum(sizes))
            self.body.setSizes([top, sum(sizes) - top])

    # ----------------------------------------------------------------- robust plan
    def show_robust(self, rep: Any) -> None:
        """Fill the "Robust plan" tab: both plans side by side out of sample, and the hedge."""
        self.robust_report = rep
        self.tabs.setCurrentWidget(self.robust_page)
        # the two tables side by side need height: the tabs get at least 55 % of the charts' split
        sizes = self.body.sizes()
        if sum(sizes) and sizes[1] < 0.55 * sum(sizes):
            top = int(0.45 * sum(sizes))
            self.body.setSizes([top, sum(sizes) - top])
        if not rep.has_plan:
            self.status_label.setText(f"No robust plan: {rep.message}")
            self.robust_label.setText(f"No robust plan: {rep.message}")
            _fill(self.robust_table, [])
            _fill(self.hedge_table, [])
            self.apply_robust_button.setEnabled(False)
            return
        if rep.robust_eval is not None:
            self.show_report(rep.robust_eval)  # cards and charts: the robust plan on the fresh futures
        y = rep.target_year
        pts = rep.points_bought()
        self.status_label.setText(f"Robust plan over {rep.k} futures found in {rep.seconds:.0f} s; "
                                  f"both plans evaluated on the same {rep.n_eval} fresh futures "
                                  "(every decision committed).")
        self.robust_label.setText(
            f"Robust plan over {rep.k} sampled futures ({rep.saa_variables:,} variables). Hedge capex "
            f"{rep.hedge_capex_musd:+,.1f} $M"
            + "".join(f", stock build {sh.extra_t:,.1f} t in {sh.stockpile} by the end of {sh.year} ({sh.payer} pays "
                      f"{sh.purchase_musd:,.1f} $M)" for sh in getattr(rep, "stock_hedge", []))
            + f"; it buys {100 * (pts or 0):+.1f} points of P(all defense met {y}).")
        rows: list[list[Any]] = []
        d, r = rep.deterministic_eval, rep.robust_eval
        if d is not None and r is not None:
            from planner.analysis.plan_ranking import robust_ranking

            rank = {st.plan: st.rank for st in robust_ranking(rep)}  # shortfalls first, then net cost
            rows.append(["Rank (defense, commercial, contract shortfall, then net cost)",
                         str(rank.get("deterministic", "—")), str(rank.get("robust", "—")), ""])
            for seg in ("defense", "commercial"):
                a = d.mean_unmet_by_segment_t.get(seg, 0.0)
                b = r.mean_unmet_by_segment_t.get(seg, 0.0)
                rows.append([f"{seg.capitalize()} shortfall, mean t", f"{a:,.1f}", f"{b:,.1f}", f"{b - a:+,.1f}"])
            for p in sorted(set(d.p_met) | set(r.p_met)):
                for yy in sorted(set(d.p_met.get(p, {})) & set(r.p_met.get(p, {})))[:4]:
                    if yy < y:
                        continue
                    a, b = d.p_met[p][yy], r.p_met[p][yy]
                    rows.append([f"P({product_label(p)} met) {yy}", _pct(a), _pct(b), f"{100 * (b - a):+.1f} pts"])
            for p in sorted(set(d.mean_shortfall_t) | set(r.mean_shortfall_t)):
                for yy in sorted(set(d.mean_shortfall_t.get(p, {})) & set(r.mean_shortfall_t.get(p, {})))[:4]:
                    if yy < y:
                        continue
                    a, b = d.mean_shortfall_t[p][yy], r.mean_shortfall_t[p][yy]
                    rows.append([f"Expected {product_label(p)} shortfall {yy} (t)", f"{a:,.1f}", f"{b:,.1f}",
                                 f"{b - a:+,.1f}"])
            if d.cost_musd and r.cost_musd:
                for key in ("p10", "p50", "p90", "mean"):
                    rows.append([f"Cost {key.upper() if key != 'mean' else 'mean'} ($M)", f"{d.cost_musd[key]:,.1f}",
                                 f"{r.cost_musd[key]:,.1f}", f"{r.cost_musd[key] - d.cost_musd[key]:+,.1f}"])
        _fill(self.robust_table, rows)
        fmt = lambda rows_: "; ".join(f"{yy}: {t:,.0f}" for yy, t in rows_) or "—"  # noqa: E731
        stock = [[f"Stockpile {sh.stockpile}", f"{sh.material} held at the end of {sh.year}", "stock build",
                  f"{sh.deterministic_t:,.1f} t", f"{sh.robust_t:,.1f} t",
                  f"purchase {sh.purchase_musd:,.1f}; holding {sh.holding_musd_per_yr:,.2f}/yr", sh.payer]
                 for sh in getattr(rep, "stock_hedge", [])]
        _fill(self.hedge_table, [[self._name(h.facility), self._option(h.facility, h.option), h.kind,
                                  fmt(h.deterministic), fmt(h.robust),
                                  f"{h.capex_delta_musd:+,.1f}", h.payer] for h in rep.hedge] + stock)
        from planner.analysis.robust_scenario import has_hedge

        self.apply_robust_button.setEnabled(has_hedge(rep) and hasattr(self.document, "insert_item"))

    def apply_robust(self) -> None:
        """Add a scenario committing the robust plan's investments and stock build (one undoable edit)."""
        from planner.analysis.robust_scenario import has_hedge, robust_scenario

        rep = self.robust_report
        if rep is None or not has_hedge(rep) or not hasattr(self.document, "insert_item"):
            return
        sc = robust_scenario(self.document.project, rep)
        self.document.insert_item(self.document.project, "scenarios", sc, text="Apply robust plan as a scenario")
        self.status_label.setText(f"Added scenario {sc.id!r} committing the robust plan's hedge (Ctrl+Z undoes it).")


def _default_run(project, n, seed, workers, options, state, mode="plan"):
    from planner.analysis.risk import run_risk

    return run_risk(project, n, seed=seed, workers=workers, options=options, state=state, mode=mode)


def _default_robust(project, k, **kw):
    from planner.analysis.robust import run_robust

    return run_robust(project, k, **kw)
