"""Scenario comparison: solve the base and every scenario off the GUI thread, show them side by side.

``ScenarioCompareView(document)`` -- ``document`` is anything with a ``.project``. Run deep-copies
the project and calls ``planner.analysis.scenarios.solve_scenarios`` on a background thread with
``planner.pipeline.runner.solve_in_subprocess`` (each solve in a child process that Cancel kills at once),
then ``compare`` fills a table: one column per scenario; rows for status, costs (discounted $M,
and the change against base), unmet demand, the clean share in the compliance year, and every
investment that differs between scenarios. Cells that differ from base are tinted.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.wording import count
from ui.document.names import investment_name, scenario_name
from ui.document.snapshot import ProjectSnapshot
from ui.panels.risk_panel import MUTED, product_label
from ui.runtime.background import BackgroundTask, TaskPanelMixin

DIFF_TINT = QColor(255, 244, 214)
BAD_TEXT = QColor(179, 38, 30)
MUTED_TEXT = QColor(MUTED)
SECTION_BG = QColor(238, 241, 245)


def _nice_step(raw: float) -> float:
    """The round number (1, 2, 2.5 or 5 x 10^k) at or above ``raw``."""
    if raw <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * e:
            return m * e
    return 10 * e


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v:,.1f}"


#: px the row labels of the comparison may take at most (the rest ends in "...", whole in the tooltip)
LABEL_MAX_PX = 330


def two_line_header(name: str) -> str:
    """A scenario's name on at most two lines, broken at the space nearest its middle
    ("Project delays +2 years" -> "Project delays\n+2 years"); short names stay on one line."""
    if len(name) <= 12 or " " not in name:
        return name
    middle = len(name) / 2
    cut = min((i for i, ch in enumerate(name) if ch == " "), key=lambda i: abs(i - middle))
    return name[:cut] + "\n" + name[cut + 1:]


def _cell_investment(added_tpy: float, online_year: int) -> str:
    """'1,320 t/yr' over 'online 2027' (one line each: the two fit a narrow scenario column)."""
    return f"{added_tpy:,.0f} t/yr\nonline {online_year}"


class ScenarioCompareView(TaskPanelMixin, QWidget):
    """Run all scenarios and compare them (see module docstring).

    ``solve_fn(project, options, state) -> PlanResult`` defaults to the killable
    ``planner.pipeline.runner.solve_in_subprocess``; tests may pass ``planner.pipeline.solve.solve_project``.
    """

    comparison_ready = Signal(object)  # (results dict, ScenarioComparison)
    FAILED_TEXT = "Failed: "

    def __init__(self, document: Any, parent: QWidget | None = None, solve_fn: Callable | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._solve_fn = solve_fn
        self._task: BackgroundTask | None = None
        self.results: dict | None = None
        self.comparison = None

        self._make_run_controls("Solve all scenarios",
                                "Solves the base project and every scenario with the same solver settings.")
        self.status_label.setStyleSheet(f"color: {MUTED};")

        top = QHBoxLayout()
        top.addWidget(self.progress_bar, 1)
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)

        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # one line per row: a fixed height (ResizeToContents re-measured every row at each of the
        # ~20 header labels set by show_comparison, 36 ms in one turn)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().lineSpacing() + 8)
        self.table.setWordWrap(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.chart_view = QChartView()
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setFrameShape(QFrame.Shape.NoFrame)
        self.chart_view.setMinimumHeight(160)
        self.chart_view.setChart(self._cost_chart(None))

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.chart_view)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.status_label)
        lay.addWidget(split, 1)

        for sig in ("project_replaced", "inputs_changed"):
            signal = getattr(document, sig, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(self._mark_stale)

    def _mark_stale(self, *_: Any) -> None:
        """The project changed since the comparison was solved."""
        if self.comparison is not None and not self.is_running():
            self.status_label.setText("The project has changed since this comparison: solve again for current figures.")

    # ------------------------------------------------------------------ run / cancel
    def start(self, options: Any = None) -> None:
        if self._task is not None:
            return
        from planner.analysis.comparison import compare
        from planner.analysis.scenarios import solve_scenarios
        from planner.pipeline.solve import SolveOptions

        project = self.document.project
        snapshot = ProjectSnapshot(project)  # parsed back on the worker thread; later edits do not leak in
        options = options if options is not None and not isinstance(options, bool) else SolveOptions()
        solve_fn = self._solve_fn
        if solve_fn is None:
            from planner.pipeline.runner import solve_in_subprocess

            solve_fn = solve_in_subprocess
        year = project.settings.compliance_start_year

        def work(state):
            solved = snapshot.project()
            results = solve_scenarios(solved, options, state, solve=solve_fn)
            return results, compare(results, year=year, project=solved), state.cancel_requested, solved

        self._launch(work, self._on_done, None, f"Solving base and {count(len(project.scenarios), 'scenario')}…")

    def _on_done(self, payload: tuple) -> None:
        results, cmp, cancelled, self._project = payload
        self.results, self.comparison = results, cmp
        self.show_comparison(cmp)
        failed = [s.scenario for s in cmp.scenarios if not s.has_plan]
        if cancelled:
            self.status_label.setText(f"Cancelled: {count(len(results), 'scenario')} solved before the stop "
                                      + ("is shown." if len(results) == 1 else "are shown."))
        elif failed:
            project = getattr(self, "_project", None) or self.document.project
            self.status_label.setText(f"{count(len(results), 'scenario')} solved; no plan for: "
                                      f"{', '.join(scenario_name(project, f) for f in failed)}.")
        else:
            self.status_label.setText(f"{count(len(results), 'scenario')} solved. Costs are discounted $M without the "
                                      "unmet-demand penalty; tinted cells differ from base.")
        self.comparison_ready.emit((results, cmp))

    # --------------------------------------------------------------------- table
    def show_comparison(self, cmp: Any) -> None:
        """Fill the table (and the cost chart) from a ``ScenarioComparison``."""
        project = getattr(self, "_project", None) or self.document.project
        ids = cmp.ids
        base = cmp.scenarios[0] if cmp.scenarios else None
        rows: list[tuple[str, list[tuple[str, bool, QColor | None]]]] = []  # label, cells (text, differs, colour)
        tips: dict[int, str] = {}  # row -> tooltip of its label (ids)
        two_line_rows: set[int] = set()  # investments: "1,320 t/yr" over "online 2027"

        def add(label: str, values: list[Any], fmt: Callable[[Any], str], bad: Callable[[Any], bool] = lambda v: False,
                compare_to_base: bool = True) -> None:
            cells = []
            for v in values:
                differs = compare_to_base and base is not None and fmt(v) != fmt(values[0])
                colour = BAD_TEXT if (v is not None and bad(v)) else None
                cells.append((fmt(v), differs, colour))
            rows.append((label, cells))

        add("Status", [s.status.replace("_", " ") for s in cmp.scenarios], str, lambda v: v not in ("optimal",))
        add("Total cost ($M)", [s.total_cost_musd for s in cmp.scenarios], _money)
        add("  change vs base ($M)",
            [None if s.total_cost_musd is None or base is None or base.total_cost_musd is None
             else s.total_cost_musd - base.total_cost_musd for s in cmp.scenarios],
            lambda v: "—" if v is None else f"{v:+,.1f}", compare_to_base=False)
        add("  of which capex ($M)", [s.capex_musd for s in cmp.scenarios], _money)
        # never cheaper without its shortfall beside it: rank (defense, then commercial shortfall, then
        # net cost) and the shortfall valued at the value of lost supply (planner.analysis.shortfall_value)
        add("Rank (defense, commercial, contract short; cost)",
            [getattr(s, "rank", 0) or None if s.has_plan else None for s in cmp.scenarios],
            lambda v: "—" if v is None else str(v), compare_to_base=False)
        if any(getattr(s, "revenue_musd", None) for s in cmp.scenarios):
            add("Net cost, after outside sales ($M)", [getattr(s, "net_cost_musd", None) for s in cmp.scenarios],
                _money)
        add("Lost supply at value of lost supply ($M)",
            [getattr(s, "shortfall_value_musd", None) for s in cmp.scenarios], _money, lambda v: v > 1e-6)
        add("Cost incl. lost supply ($M)", [getattr(s, "cost_incl_shortfall_musd", None) for s in cmp.scenarios],
            _money)
        add("Contracted volume short (t)", [getattr(s, "contract_shortfall_t", None) if s.has_plan else None
                                            for s in cmp.scenarios], _money, lambda v: v > 1e-6)
        add("Unmet demand, all years (t)", [s.unmet_total_t if s.has_plan else None for s in cmp.scenarios],
            _money, lambda v: v > 1e-6)
        for seg in ("defense", "commercial"):
            add(f"  of which {seg} (t)",
                [s.unmet_by_segment_t.get(seg, 0.0) if s.has_plan else None for s in cmp.scenarios],
                _money, lambda v: v > 1e-6)
        products = sorted({p for s in cmp.scenarios for p in s.compliant_share}
                          | {p for s in cmp.scenarios for p in s.unmet_t})
        for p in products:
            add(f"{product_label(p)}: clean share {cmp.year}", [s.compliant_share.get(p) for s in cmp.scenarios],
                lambda v: "—" if v is None else f"{100 * v:.0f} %")
            years = sorted({y for s in cmp.scenarios for y, t in s.unmet_t.get(p, {}).items() if t > 1e-6})
            for y in years:
                add(f"{product_label(p)}: unmet {y} (t)",
                    [s.unmet_t.get(p, {}).get(y) if s.has_plan else None for s in cmp.scenarios], _money,
                    lambda v: v > 1e-6)
                add("  of which defense (t)",
                    [s.defense_unmet_t.get(p, {}).get(y, 0.0) if s.has_plan else None for s in cmp.scenarios], _money,
                    lambda v: v > 1e-6)
        section_row = len(rows)
        rows.append((f"Investments that differ ({len(cmp.investment_diffs)})", [("", False, None)] * len(ids)))
        for d in cmp.investment_diffs:
            cells = []
            for k, sid in enumerate(ids):
                if sid not in d.by_scenario:
                    cells.append(("—", False, MUTED_TEXT))
                    continue
                c = d.by_scenario[sid]
                text = "not built" if c is None else _cell_investment(c.added_tpy, c.online_year)
                base_cell = d.by_scenario.get(ids[0], "missing")
                base_text = "not built" if base_cell is None else (
                    "—" if base_cell == "missing" else _cell_investment(base_cell.added_tpy, base_cell.online_year))
                cells.append((text, k > 0 and text != base_text, MUTED_TEXT if c is None else None))
            rows.append((f"  {investment_name(project, d.facility, d.option)}", cells))
            tips[len(rows) - 1] = (f"{investment_name(project, d.facility, d.option)}\n"
                                   f"facility id: {d.facility}, option id: {d.option}")
            two_line_rows.add(len(rows) - 1)
        if cmp.common_investments:  # the names in the label's tooltip: in a cell they widened its column
            rows.append((f"Built alike everywhere ({len(cmp.common_investments)})",
                         [("built", False, MUTED_TEXT) for _k in range(len(ids))]))
            tips[len(rows) - 1] = "\n".join(investment_name(project, f, o) for f, o in cmp.common_investments)

        t = self.table
        t.clear()
        t.setColumnCount(len(ids))
        t.setRowCount(len(rows))
        for k, sid in enumerate(ids):
            item = QTableWidgetItem(two_line_header(scenario_name(project, sid)))
            item.setToolTip(f"{scenario_name(project, sid)} (scenario id: {sid})")
            t.setHorizontalHeaderItem(k, item)
        bold = QFont(t.font())
        bold.setBold(True)
        for r, (label, cells) in enumerate(rows):
            head = QTableWidgetItem(label)
            head.setToolTip(tips.get(r, label))
            if r == section_row or label.startswith("Built alike"):
                head.setFont(bold)
            t.setVerticalHeaderItem(r, head)
            for k, (text, differs, colour) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if differs:
                    item.setBackground(QBrush(DIFF_TINT))
                if colour is not None:
                    item.setForeground(QBrush(colour))
                if r == section_row:
                    item.setBackground(QBrush(SECTION_BG))
                t.setItem(r, k, item)
        t.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        two = 2 * t.fontMetrics().lineSpacing() + 8
        for r in two_line_rows:
            t.setRowHeight(r, two)
        self._fit_columns()
        self.chart_view.setChart(self._cost_chart(cmp))

    def _fit_columns(self) -> None:
        """Row labels at most LABEL_MAX_PX wide (longer ones end in "...", whole in the tooltip);
        each scenario column as wide as its widest cell and header line, and when they all fit,
        the spare width shared out. Before, the row labels took what they wanted (580 px at
        1400 x 900) and six scenario columns shared the rest: "China cut-of", "1,320 t/y..."."""
        t = self.table
        t.verticalHeader().setMaximumWidth(LABEL_MAX_PX)
        hh = t.horizontalHeader()
        fm = t.fontMetrics()
        head_fm = hh.fontMetrics()
        widths = []
        for k in range(t.columnCount()):
            texts = [t.item(r, k).text() for r in range(t.rowCount()) if t.item(r, k) is not None]
            header = t.horizontalHeaderItem(k)
            lines = [line for text in texts for line in text.split("\n")]
            head_lines = header.text().split("\n") if header is not None else []
            widest = max([fm.horizontalAdvance(x) for x in lines] + [head_fm.horizontalAdvance(x) for x in head_lines]
                         + [40])
            widths.append(widest + 16)
        for k, w in enumerate(widths):
            hh.setSectionResizeMode(k, QHeaderView.ResizeMode.Interactive)
            hh.resizeSection(k, w)
        self._content_widths = widths
        self._stretch_columns()

    def _stretch_columns(self) -> None:
        """Share the table's spare width among the scenario columns (never below their content)."""
        widths = getattr(self, "_content_widths", None)
        t = self.table
        if not widths or len(widths) != t.columnCount():
            return
        # from the table's own width: the viewport is not yet narrowed by row labels set just now
        vh = t.verticalHeader()
        avail = (t.width() - 2 * t.frameWidth() - min(vh.sizeHint().width(), LABEL_MAX_PX)
                 - t.verticalScrollBar().sizeHint().width() - 2)
        spare = avail - sum(widths)
        extra = spare // len(widths) if spare > 0 else 0
        for k, w in enumerate(widths):
            t.horizontalHeader().resizeSection(k, w + extra)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._stretch_columns()

    def _cost_chart(self, cmp: Any) -> QChart:
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        chart.legend().hide()
        f = QFont(chart.titleFont())
        f.setBold(True)
        chart.setTitleFont(f)
        if cmp is None or not any(s.total_cost_musd is not None for s in cmp.scenarios):
            chart.setTitle("Total cost by scenario: not solved yet")
            return chart
        chart.setTitle("Total cost by scenario ($M, discounted, without the unmet penalty)")
        project = getattr(self, "_project", None) or self.document.project
        scen = [s for s in cmp.scenarios if s.total_cost_musd is not None][::-1]  # base on top
        bars = QBarSet("total cost")
        bars.append([s.total_cost_musd for s in scen])
        bars.setColor(QColor(38, 120, 178))
        bars.setLabelColor(QColor(30, 30, 30))
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        top = max(s.total_cost_musd for s in scen)
        series.setLabelsPrecision(max(3, len(f"{top:.0f}") + 1))  # significant digits: one decimal
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setBarWidth(0.6)
        chart.addSeries(series)
        y = QBarCategoryAxis()
        y.append([scenario_name(project, s.scenario) for s in scen])
        x = QValueAxis()
        step = _nice_step(top * 1.15 / 5)
        x.setRange(0, step * math.ceil(top * 1.15 / step))
        x.setTickType(QValueAxis.TickType.TicksDynamic)
        x.setTickAnchor(0)
        x.setTickInterval(step)
        x.setLabelFormat("%.0f")
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y)
        series.attachAxis(x)
        return chart
