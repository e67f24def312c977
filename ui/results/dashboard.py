"""The results dashboard: KPI cards, charts, build-out timeline, Sankey of flows, investments.

``ResultsDashboard(document=None, parent=None)``. Standalone, call ``set_result(project, result)``.
Given a document (``ui.document.document.Document`` or anything with ``project``, ``result``,
``result_is_stale`` and the signals ``result_changed`` / ``project_replaced`` /
``inputs_changed``), it follows the document's result and shows an "out of date" banner.

``set_result(project, result)`` shows a PlanResult solved from ``project``
(the project gives names and existing capacity; the result's scenario is re-applied for the
latter). A result without a plan (infeasible, time limit without plan, cancelled, error) shows
its status message and nothing else, so no stale chart survives a failed solve.

Signal ``year_changed(int)``: the user picked another year for the material flows; the main
window can pass it to ``ChainView.show_flows(result, year)``.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterator

from PySide6.QtCore import QEvent, QObject, QRect, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.project import Project
from planner.result import PlanResult, Status
from ui.results import charts
from ui.results.buildout import BuildoutTimeline
from ui.results.decision_view import DecisionView
from ui.results.export import ExportError, export_json, export_xlsx, export_xlsx_in_process
from ui.results.investments_model import SORT_ROLE, InvestmentsTableModel
from ui.results.kpi_cards import KpiCard, KpiGrid, cost_cards_text, government_card_text, product_card_text
from ui.results.markets_calibration import SalesAndCalibration
from ui.results.sankey import UNMET_COLOUR, SankeyWidget
from ui.results.stocks_levers import StocksAndLevers
from ui.results.summary import (
    Kpis,
    compute_kpis,
    costs_by_year,
    kpi_year,
    marginal_cost_series,
    material_label,
    supply_vs_demand,
    unpriced_marginals,
)
from ui.results.text_width import widest_text_px
from ui.runtime import turns
from ui.runtime.background import BackgroundTask
from ui.widgets.elided_label import ElidedLabel

STALE_INPUTS = "Out of date: the inputs changed after this plan was solved. Solve again to update it."
STALE_NO_PLAN = "Out of date: the last solve found no plan (see above); this is the plan found before it."

#: At most this many notes (time limit, limiting factors, failed checks) in the banner; the rest in its tooltip.
BANNER_LINES = 3

STATUS_WORDS = {
    Status.OPTIMAL: "Optimal",
    Status.TIME_LIMIT_FEASIBLE: "Time limit reached — best plan found",
    Status.TIME_LIMIT: "Time limit reached — no plan",
    Status.INFEASIBLE: "No plan exists (infeasible)",
    Status.UNBOUNDED: "Unbounded",
    Status.CANCELLED: "Cancelled",
    Status.ERROR: "Solve failed",
}


class _Card(QFrame):
    """A white framed panel with a header row (title text + optional widgets) and a body."""

    def __init__(self, body: QWidget, header_widgets: list[QWidget] | None = None, title: str = "") -> None:
        super().__init__()
        self.setObjectName("chartCard")
        self.setStyleSheet("QFrame#chartCard { background: white; border: 1px solid #d9dde3; border-radius: 6px; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        if header_widgets or title:
            row = QHBoxLayout()
            if title:
                t = QLabel(title)
                t.setStyleSheet("font-weight: 600; border: none;")
                row.addWidget(t)
            row.addStretch(1)
            for w in header_widgets or []:
                row.addWidget(w)
            lay.addLayout(row)
        lay.addWidget(body, 1)


#: investments-table sizing (fit_investment_columns): strings measured per column, and the row count up
#: to which rows grow to their wrapped text
#: px of the investments card on the Overview: a header and about seven one-line rows
INVESTMENTS_MIN_H = 250

#: px of the export status line in the dashboard's header (see _build_ui)
EXPORT_STATUS_WIDTH = 240
ROWS_SIZED_TO_CONTENT = 2_000

class ResultsDashboard(QWidget):
    """KPIs, charts, build-out, Sankey and investments of one PlanResult; export to Excel / JSON."""

    year_changed = Signal(int)
    facility_activated = Signal(str)  # facility id: double-clicked investment or clicked Sankey node

    def __init__(self, document: Any = None, parent: QWidget | None = None) -> None:
        if isinstance(document, QWidget) and parent is None:  # ResultsDashboard(parent) still works
            document, parent = None, document
        super().__init__(parent)
        self.document = document
        self.project: Project | None = None
        self.result: PlanResult | None = None
        self.kpis: Kpis | None = None
        self._fill_steps: Iterator[None] | None = None
        self._fill_generation = 0
        self._charts_waiting: dict[Any, Any] = {}  # chart view -> chart set while the tab was hidden
        self._build_ui()
        self.set_result(None, None)
        if document is not None:
            self._follow(document)

    # ------------------------------------------------------------------ document
    def _follow(self, doc: Any) -> None:
        """Show ``doc.result`` and follow it: result_changed -> set_result(doc.project, result);
        project_replaced -> clear; inputs_changed -> the out-of-date banner (doc.result_is_stale)."""
        self.decision_view.follow(doc)  # the brief names the session's current stress and risk runs
        # bound methods (not lambdas): Qt drops the connections when this widget is destroyed
        for name, slot in (
            ("result_changed", self._doc_result_changed),
            ("project_replaced", self._doc_project_replaced),
            ("inputs_changed", self._doc_inputs_changed),
        ):
            signal = getattr(doc, name, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(slot)
        if getattr(doc, "result", None) is not None:
            self.set_result(doc.project, doc.result)
            self.set_stale(bool(getattr(doc, "result_is_stale", False)))

    @Slot(object)
    def _doc_result_changed(self, result: Any) -> None:
        self.set_result(self.document.project, result)
        # a result solved from inputs edited during the solve is out of date on arrival
        self.set_stale(bool(getattr(self.document, "result_is_stale", False)))

    @Slot()
    def _doc_project_replaced(self) -> None:
        self.set_result(self.document.project, None)

    @Slot()
    def _doc_inputs_changed(self, *_args: object) -> None:
        self.set_stale(bool(getattr(self.document, "result_is_stale", True)))

    def set_stale(self, stale: bool) -> None:
        """Show or hide the "out of date" banner (the inputs changed after this result was solved,
        or the last solve found no plan and this is the plan before it)."""
        self.stale_banner.setText(STALE_NO_PLAN if self.failed_result is not None else STALE_INPUTS)
        self.stale_banner.setVisible((bool(stale) or self.failed_result is not None) and self.result is not None)

    @property
    def is_stale_shown(self) -> bool:
        return not self.stale_banner.isHidden()

    # ------------------------------------------------------------------ layout
    def _build_ui(self) -> None:
        # shortened with "..." rather than widening the page: a subtitle's text as the minimum width
        # of the dashboard pushed the right-hand docks to their minimum on a 1400 px window (and
        # re-laid out the whole window when the results tab was first shown)
        self.title_label = ElidedLabel()
        self.title_label.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.subtitle_label = ElidedLabel()
        self.subtitle_label.setStyleSheet("color: #5b6570;")
        self.export_xlsx_button = QPushButton("Export to Excel…")
        self.export_xlsx_button.clicked.connect(self._export_xlsx_clicked)
        self.export_json_button = QPushButton("Export JSON…")
        self.export_json_button.clicked.connect(self._export_json_clicked)
        # a fixed width, the text shortened with "..." (whole in the tooltip): a status that widened
        # with "Writing the workbook..." / "Saved <path>" re-laid out the window, docks and every
        # chart when an export started and when it ended (~60 and ~27 ms turns)
        # shortened in the middle: "Saved /home/…/plan_base_plan.xlsx" keeps the file's name
        self.export_status = ElidedLabel(elide=Qt.TextElideMode.ElideMiddle)
        self.export_status.setFixedWidth(EXPORT_STATUS_WIDTH)
        self.export_status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.export_status.setStyleSheet("color: #5b6570;")
        from PySide6.QtWidgets import QProgressBar

        self.export_progress = QProgressBar()  # busy indicator while the workbook is written
        self.export_progress.setRange(0, 0)
        self.export_progress.setMaximumWidth(120)
        self.export_progress.setTextVisible(False)
        # its place is kept while hidden: showing it must not move the charts below (a new layout
        # of every chart, ~50 ms in one turn when the export started)
        policy = self.export_progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.export_progress.setSizePolicy(policy)
        self.export_progress.hide()
        self._export_task: BackgroundTask | None = None
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle_label)
        head.addLayout(titles, 1)
        head.addWidget(self.export_progress)  # left of the status: "Saved ..." stays beside the buttons
        head.addWidget(self.export_status)
        head.addWidget(self.export_xlsx_button)
        head.addWidget(self.export_json_button)

        # page 0: message only (no result / no plan)
        self.message_label = QLabel()
        self.message_label.setObjectName("resultMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setStyleSheet("font-size: 11pt; color: #3a434d; padding: 24px;")
        msg_page = QWidget()
        mp = QVBoxLayout(msg_page)
        mp.addStretch(1)
        mp.addWidget(self.message_label)
        mp.addStretch(2)

        # page 1: the plan
        self.banner = QLabel()
        self.banner.setObjectName("resultBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#resultBanner { background: #fff4ce; color: #5c4400; border: 1px solid #e0c060;"
            " border-radius: 4px; padding: 4px 8px; }"
        )
        self.cards = [KpiCard("") for _ in range(5)]
        self.total_card, self.capex_card, self.ndfeb_card, self.smco_card, self.gov_card = self.cards
        # a grid that keeps every card's lines unwrapped and leaves no card alone on a row (5 cards:
        # one row, or 3 + 2); the cost-to-government card is shown when the result has levers
        self.kpi_grid = KpiGrid(self.cards)
        self.kpi_grid.set_shown(self.gov_card, False)

        self.product_combo = QComboBox()
        self.product_combo.currentIndexChanged.connect(lambda _i: self._refresh_supply_chart())
        self.segment_combo = QComboBox()
        for label, value in (("All segments", None), ("Defense", "defense"), ("Commercial", "commercial")):
            self.segment_combo.addItem(label, value)
        self.segment_combo.currentIndexChanged.connect(self._segment_picked)
        self.segment_combo.setAccessibleName("Segment")
        for combo in (self.product_combo, self.segment_combo):  # filled after the first show
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.supply_view = charts.make_chart_view()
        self.cost_view = charts.make_chart_view()
        self.marginal_view = charts.make_chart_view()
        self.investments_model = InvestmentsTableModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.investments_model)
        proxy.setSortRole(SORT_ROLE)
        self.investments_proxy = proxy
        self.investments_table = QTableView()
        self.investments_table.setModel(proxy)
        self.investments_table.setSortingEnabled(True)
        self.investments_table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
        self.investments_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.investments_table.setAlternatingRowColors(True)
        self.investments_table.verticalHeader().hide()
        self.investments_table.setWordWrap(True)  # long names wrap (rows grow); tooltips give them in full
        self.investments_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.investments_table.setFrameShape(QFrame.Shape.NoFrame)
        # a scroll bar that comes and goes changes the names' width, and every row's height with
        # it (a refit of ~240 rows whenever the panel's height changed, e.g. during an export)
        self.investments_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        hh = self.investments_table.horizontalHeader()
        # sized per result and on resize (fit_investment_columns)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(False)
        self.investments_table.viewport().installEventFilter(self)
        self.investments_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh.setHighlightSections(False)
        hh.setResizeContentsPrecision(50)  # size columns from the first 50 rows, not every row
        self.investments_empty = QLabel("No new capacity is built in this plan.")
        self.investments_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.investments_empty.setStyleSheet("color: #5b6570; border: none;")
        self.investments_stack = QStackedWidget()
        self.investments_stack.addWidget(self.investments_table)
        self.investments_stack.addWidget(self.investments_empty)

        overview = QWidget()
        grid = QGridLayout(overview)
        grid.setContentsMargins(0, 6, 0, 0)
        grid.setSpacing(8)
        product_label = QLabel("Product")
        product_label.setStyleSheet("border: none;")
        # what to fund first, across the page: at 1400 x 900 the table sat below the fold in the
        # bottom-right quarter, its names cut to about 10 characters
        self.investments_card = _Card(self.investments_stack, title="Investments")
        self.investments_card.setMinimumHeight(INVESTMENTS_MIN_H)
        grid.addWidget(self.investments_card, 0, 0, 1, 2)
        grid.addWidget(_Card(self.supply_view, [product_label, self.product_combo, self.segment_combo]), 1, 0)
        grid.addWidget(_Card(self.cost_view), 1, 1)
        grid.addWidget(_Card(self.marginal_view), 2, 0, 1, 2)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self.buildout = BuildoutTimeline()
        buildout_scroll = QScrollArea()
        buildout_scroll.setWidgetResizable(True)
        buildout_scroll.setWidget(self.buildout)
        buildout_scroll.setFrameShape(QFrame.Shape.NoFrame)
        legend = QLabel(
            "<span style='color:#96a0ac'>■</span> existing capacity (darker = nearer full)    "
            "<span style='color:#2678b2'>●</span> decision  <span style='color:#2678b2'>– – –</span> lead time  "
            "<span style='color:#2678b2'>■</span> new capacity online, to the end of the horizon"
        )
        legend.setStyleSheet("color: #3a434d;")
        # contracts and levers (colours of ui/results/buildout.py), shown when the plan has any
        self.buildout_lever_legend = QLabel(
            "<span style='color:#2e8b57'>▭</span> offtake period (filled: tonnes taken)    "
            "<span style='color:#c77c02'>▭</span> price-floor period (filled: top-up paid)    "
            "<span style='color:#7b3fa0'>◆</span> grant  <span style='color:#008080'>◆</span> loan    "
            "<span style='color:#2e8b57'>▲</span> stockpile buy  <span style='color:#b3261e'>▼</span> release  "
            "<span style='color:#7b3fa0'>■</span> held"
        )
        self.buildout_lever_legend.setStyleSheet("color: #3a434d;")
        self.buildout_lever_legend.setToolTip("Hover a band, diamond or triangle for the lever's name and figures")
        self.buildout_lever_legend.hide()
        buildout_page = QWidget()
        bl = QVBoxLayout(buildout_page)
        bl.setContentsMargins(0, 6, 0, 0)
        bl.addWidget(legend)
        bl.addWidget(self.buildout_lever_legend)
        bl.addWidget(buildout_scroll, 1)

        self.sankey = SankeyWidget()
        self.sankey.node_clicked.connect(self._node_clicked)
        self.investments_table.activated.connect(self._investment_activated)
        self.flow_year_combo = QComboBox()
        self.flow_year_combo.currentIndexChanged.connect(self._flow_year_picked)
        self.flow_year_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        sankey_scroll = QScrollArea()
        sankey_scroll.setWidgetResizable(True)
        sankey_scroll.setWidget(self.sankey)
        sankey_scroll.setFrameShape(QFrame.Shape.NoFrame)
        flows_head = QHBoxLayout()
        flows_head.addWidget(QLabel("Year"))
        flows_head.addWidget(self.flow_year_combo)
        flows_head.addSpacing(16)
        flows_legend = QLabel(
            "Band width ∝ tonnes.  <span style='color:#2a9d8f'>■</span> clean   "
            "<span style='color:#d1495b'>■</span> covered class (not usable for defense)   "
            f"<span style='color:{UNMET_COLOUR.name()}'>▩</span> unmet demand"
        )
        flows_head.addWidget(flows_legend)
        flows_head.addStretch(1)
        flows_page = QWidget()
        fl = QVBoxLayout(flows_page)
        fl.setContentsMargins(0, 6, 0, 0)
        fl.addLayout(flows_head)
        fl.addWidget(sankey_scroll, 1)

        # the charts keep a readable height (240 px) and the page scrolls when the window is too
        # short for two rows of them: without the scroll area a 1400 x 900 window cut off the charts'
        # year axes, and the dashboard's minimum height pushed the dock below it
        overview_scroll = QScrollArea()
        overview_scroll.setWidgetResizable(True)
        overview_scroll.setWidget(overview)
        overview_scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.tabs = QTabWidget()
        # the decision brief first: what to fund, by when, who pays (shown first after a solve)
        self.decision_view = DecisionView()
        self.tabs.addTab(self.decision_view, "Decision")
        self.tabs.addTab(overview_scroll, "Overview")
        self.tabs.addTab(buildout_page, "Capacity build-out")
        self.tabs.addTab(flows_page, "Material flows")
        self.stocks_levers = StocksAndLevers()
        self.tabs.addTab(self.stocks_levers, "Stocks and levers")
        self.sales_calibration = SalesAndCalibration()
        self.tabs.addTab(self.sales_calibration, "Sales and calibration")
        # the brief has its own headline: the KPI cards step aside on the Decision tab, so that at
        # 1400 x 900 the brief gets the page's height (with the cards it was 300 px high)
        self.tabs.currentChanged.connect(self._decision_tab_shown)
        self._decision_tab_shown()

        plan_page = QWidget()
        pl = QVBoxLayout(plan_page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.banner)
        pl.addWidget(self.kpi_grid)
        pl.addWidget(self.tabs, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(msg_page)
        self.pages.addWidget(plan_page)

        self.stale_banner = QLabel(STALE_INPUTS)
        self.stale_banner.setObjectName("staleBanner")
        self.stale_banner.setStyleSheet(
            "QLabel#staleBanner { background: #fff4ce; color: #5c4400; border: 1px solid #e0c060;"
            " border-radius: 4px; padding: 4px 8px; font-weight: 600; }"
        )
        self.stale_banner.hide()

        # the last solve found no plan while a plan is shown: why, and what to relax (the plan stays, out of date)
        self.no_plan_banner = QLabel()
        self.no_plan_banner.setObjectName("noPlanBanner")
        self.no_plan_banner.setWordWrap(True)
        self.no_plan_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.no_plan_banner.setStyleSheet(
            "QLabel#noPlanBanner { background: #fde7e9; color: #5c0011; border: 1px solid #e08a94;"
            " border-radius: 4px; padding: 4px 8px; }"
        )
        self.no_plan_banner.hide()
        self.failed_result: PlanResult | None = None

        root = QVBoxLayout(self)
        root.addLayout(head)
        root.addWidget(self.no_plan_banner)
        root.addWidget(self.stale_banner)
        root.addWidget(self.pages, 1)

    def _decision_tab_shown(self, _index: int = -1) -> None:
        self.kpi_grid.setVisible(self.tabs.currentWidget() is not self.decision_view)

    # ------------------------------------------------------------------ content
    @property
    def shows_plan(self) -> bool:
        return self.pages.currentIndex() == 1

    def set_result(self, project: Project | None, result: PlanResult | None) -> None:
        """Show ``result`` (solved from ``project``); None clears the dashboard. A result without a
        plan arriving while a plan is shown keeps that plan, marked out of date, under a notice of
        why no new plan exists and what to relax (``failed_result``)."""
        if (result is not None and project is not None and not result.has_plan and self.result is not None
                and self.result.has_plan and self.project is not None):
            self.failed_result = result
            self.no_plan_banner.setText(no_plan_html(result))
            self.no_plan_banner.show()
            self.set_stale(True)
            return
        self.failed_result = None
        self.no_plan_banner.hide()
        self.project, self.result = project, result
        self._fill_steps = None  # drop any unfinished fill of an earlier result
        self.stale_banner.hide()  # a newly set result is current until told otherwise
        self.export_status.setText("")
        self.export_json_button.setEnabled(result is not None)
        self.export_xlsx_button.setEnabled(result is not None and result.has_plan and project is not None)
        if result is None or project is None:
            self.title_label.setText("Results")
            self.subtitle_label.setText("")
            self.message_label.setText("No result yet. Press Solve to plan the chain.")
            self._clear_plan_widgets()
            self.pages.setCurrentIndex(0)
            return
        self.title_label.setText(f"Plan — {self._scenario_label(project, result)}")
        self.subtitle_label.setText(
            f"{STATUS_WORDS[result.status]} · solver {result.solver or '—'} · "
            f"{result.n_variables:,} variables, {result.n_constraints:,} constraints · "
            f"built in {result.build_seconds:.1f} s, solved in {result.solve_seconds:.1f} s"
        )
        if not result.has_plan:
            self.message_label.setText(no_plan_html(result))
            self._clear_plan_widgets()
            self.pages.setCurrentIndex(0)
            return
        self._fill_generation += 1
        self._fill_steps = self._plan_steps(project, result)
        self._run_fill_step(self._fill_generation)  # header, KPIs and the page switch happen now

    @staticmethod
    def _scenario_label(project: Project, result: PlanResult) -> str:
        if not result.scenario or result.scenario == "base":
            from ui.document.names import base_scenario_name

            return base_scenario_name(project)
        try:
            sc = project.scenario(result.scenario)
            return f"scenario {sc.name or sc.id}"
        except KeyError:
            return f"scenario {result.scenario}"

    def _clear_plan_widgets(self) -> None:
        """Drop every chart and table so nothing from an earlier plan stays visible."""
        self.kpis = None
        for c in self.cards:
            c.set("", "—")
        self.product_combo.blockSignals(True)
        self.product_combo.clear()
        self.product_combo.blockSignals(False)
        self._supply = {}
        for view in (self.supply_view, self.cost_view, self.marginal_view):
            self._set_chart(view, charts.message_chart(""))
        self.investments_model.set_investments(None, [])
        self.stocks_levers.set_result(None, None)
        self.decision_view.set_result(None, None)
        self.sales_calibration.set_result(None, None)
        self.buildout.set_result(None, self.result)
        self.buildout_lever_legend.hide()
        self.flow_year_combo.blockSignals(True)
        self.flow_year_combo.clear()
        self.flow_year_combo.blockSignals(False)
        self.sankey.set_flows(None, self.result, None)
        self.banner.hide()

    def fit_investment_columns(self) -> None:
        """Figures as wide as their contents; the facility and option names share the rest of the
        table's width in proportion to their longest name (at least 80 px each), wrapping onto
        more lines when they do not fit; rows grow to the wrapped text."""
        from ui.results.investments_model import NUMERIC

        t = self.investments_table
        hh = t.horizontalHeader()
        fm = hh.fontMetrics()
        model = self.investments_model
        cell_fm = t.fontMetrics()
        rows = model.rowCount()

        def widest(c: int) -> int:
            """Pixel width of the column's widest text, measuring only its longest strings (a large
            project's plan has thousands of rows: measuring every cell stalled the window ~250 ms)."""
            return widest_text_px(cell_fm, (str(model.data(model.index(r, c))) for r in range(rows)), pad=12)

        for c in NUMERIC:  # the widest figure or the header text, plus the sort arrow on the sorted column
            head = fm.horizontalAdvance(str(model.headerData(c, Qt.Orientation.Horizontal))) + 12
            if hh.isSortIndicatorShown() and hh.sortIndicatorSection() == c:
                head += 12
            hh.resizeSection(c, max(widest(c), head))
        avail = t.viewport().width() - sum(hh.sectionSize(c) for c in NUMERIC) - 2
        want = [max(widest(c), 1) for c in (0, 1)]
        if sum(want) <= avail:  # everything fits on one line: the spare width goes to the names
            widths = [int(w + (avail - sum(want)) * w / sum(want)) for w in want]
        else:
            first = max(80, min(int(avail * want[0] / sum(want)), avail - 80))
            widths = [first, max(80, avail - first)]
        for c, w in zip((0, 1), widths):
            hh.resizeSection(c, w)
        # row heights from the two wrapped name columns only (resizeRowsToContents asks every cell of
        # every row for its size hint: 170 ms for 240 rows on the GUI thread)
        one_line = cell_fm.lineSpacing() + 8
        # at most two lines: a longer name ends in "..." (the tooltip has it whole); three- and
        # four-line rows left room for three investments in the table's default height
        two_lines = 2 * cell_fm.lineSpacing() + 8
        if rows > ROWS_SIZED_TO_CONTENT:  # thousands of rows: two lines each, full names in the tooltips
            t.verticalHeader().setDefaultSectionSize(two_lines)
            return
        flags = int(Qt.TextFlag.TextWordWrap)
        boxes = [QRect(0, 0, max(hh.sectionSize(c) - 10, 20), 100_000) for c in (0, 1)]
        heights: dict[tuple[int, str], int] = {}  # a facility's name recurs on many rows: measured once

        def height(c: int, text: str) -> int:
            h = heights.get((c, text))
            if h is None:
                h = heights[(c, text)] = cell_fm.boundingRect(boxes[c], flags, text).height()
            return h

        vh = t.verticalHeader()
        for r in range(rows):
            h = max(one_line, min(two_lines, max(height(c, str(model.data(model.index(r, c)))) for c in (0, 1)) + 8))
            if vh.sectionSize(r) != h:
                t.setRowHeight(r, h)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if obj is self.investments_table.viewport() and event.type() == QEvent.Type.Resize:
            if self.investments_model.rowCount() and getattr(self, "_fit_width", None) != obj.width():
                self._fit_width = obj.width()
                turns.post(self.fit_investment_columns, (id(self), "fit investments"), owner=self)
        return super().eventFilter(obj, event)

    def _set_chart(self, view, chart, new_plan: bool = False) -> None:
        """Show ``chart`` in ``view``. For a ``new_plan`` while the dashboard is hidden (a plan
        arriving with the chain on screen) the chart waits and is put in its view one per turn once the tab is shown: a
        chart laid out when its view is first shown costs 4-6 ms, and the tab's first show laid
        out every one of them in one turn (51-59 ms, bench/bench_ui_stalls.py)."""
        if new_plan and not self.isVisible():
            waiting = self._charts_waiting.pop(view, None)
            if waiting is not None and waiting is not chart:
                waiting.deleteLater()
            self._charts_waiting[view] = chart
            return
        self._charts_waiting.pop(view, None)
        self._put_chart(view, chart)

    @staticmethod
    def _put_chart(view, chart) -> None:
        old = view.chart()
        view.setChart(chart)
        if old is not None and old is not chart:
            old.deleteLater()

    def _attach_waiting_chart(self, view) -> None:
        chart = self._charts_waiting.pop(view, None)
        if chart is not None:
            self._put_chart(view, chart)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        for view in list(self._charts_waiting):
            turns.post(partial(self._attach_waiting_chart, view), (id(self), "chart", id(view)), owner=self)

    def chart_of(self, view) -> Any:
        """The chart ``view`` shows, or will show once the tab is shown."""
        return self._charts_waiting.get(view) or view.chart()

    # A plan is drawn in steps, one per event-loop turn, so a big result never freezes the window
    # for the sum of all charts: the first step (synchronous) clears every old chart, fills the
    # banner and KPI cards and shows the plan page; each chart, the table, the build-out and the
    # Sankey follow in their own turn. finish_pending() runs the rest at once (tests, scripts).
    @property
    def is_filling(self) -> bool:
        """True while some charts of the current plan are still being drawn."""
        return self._fill_steps is not None

    def finish_pending(self) -> None:
        """Draw everything still pending for the current plan, now (charts waiting for the tab
        to be shown included)."""
        while self._fill_steps is not None:
            self._advance_fill()
        for view in list(self._charts_waiting):
            turns.cancel((id(self), "chart", id(view)))
            self._attach_waiting_chart(view)

    def _advance_fill(self) -> bool:
        """Run one step; False when there is nothing left."""
        if self._fill_steps is None:
            return False
        try:
            next(self._fill_steps)
        except StopIteration:
            self._fill_steps = None
            return False
        return True

    def _run_fill_step(self, generation: int) -> None:
        if generation != self._fill_generation:
            return
        if self._advance_fill():
            turns.post(partial(self._run_fill_step, generation), (id(self), "fill"), owner=self)

    def _plan_steps(self, project: Project, result: PlanResult) -> Iterator[None]:
        keep_product = self.product_combo.currentData()
        keep_year = self.flow_year
        self._clear_plan_widgets()
        notes = []
        if result.status is Status.TIME_LIMIT_FEASIBLE and result.message:
            notes.append(result.message)
        notes += result.limiting
        failed = [c for c in result.checks if not c.passed]
        notes += [f"Check failed: {c.name} ({c.detail or c.max_violation})" for c in failed]
        shown = notes[:BANNER_LINES]
        if len(notes) > BANNER_LINES:
            shown.append(f"… and {len(notes) - BANNER_LINES} more (hover here to read them all)")
        self.banner.setText("<br>".join(_html(n) for n in shown))
        self.banner.setToolTip("\n".join(notes) if len(notes) > BANNER_LINES else "")
        self.banner.setVisible(bool(notes))

        self.kpis = compute_kpis(project, result)
        for card, text in zip((self.total_card, self.capex_card), cost_cards_text(self.kpis)):
            card.set(*text)
        for card, pk in zip((self.ndfeb_card, self.smco_card), self.kpis.products):
            card.set(*product_card_text(pk))
        self.gov_card.set(*government_card_text(result))
        self.kpi_grid.set_shown(self.gov_card,
                                bool(result.levers) or bool(result.cost_breakdown_musd.get("government")))
        self.kpi_grid.relayout()
        self.pages.setCurrentIndex(1)
        self.tabs.setCurrentWidget(self.decision_view)  # a new plan opens on its decision brief
        yield

        self.decision_view.set_result(project, result)
        yield

        self.stocks_levers.set_result(project, result)
        self.sales_calibration.set_result(project, result)

        years = project.settings.years
        self._supply = supply_vs_demand(result, self.segment_combo.currentData())
        self.product_combo.blockSignals(True)
        for product in self._supply:
            self.product_combo.addItem(material_label(product), product)
        idx = self.product_combo.findData(keep_product)
        self.product_combo.setCurrentIndex(idx if idx >= 0 else 0)
        self.product_combo.blockSignals(False)
        self._refresh_supply_chart(new_plan=True)
        yield

        cost_rows = costs_by_year(result)
        self._set_chart(self.cost_view,
                        charts.cost_chart(cost_rows) if cost_rows
                        else charts.message_chart("No cost by year in this result"),
                        new_plan=True)
        yield
        mc = marginal_cost_series(result)
        unpriced = unpriced_marginals(result)
        if mc:
            chart = charts.marginal_chart(mc, years, unpriced)
        elif unpriced:
            chart = charts.message_chart("Marginal cost: every product-year is unmet (no compliant supply reachable)")
        else:
            chart = charts.message_chart("No marginal costs (duals) in this result")
        self._set_chart(self.marginal_view, chart, new_plan=True)
        yield

        self.investments_model.set_investments(project, result.investments)
        self.investments_stack.setCurrentIndex(0 if result.investments else 1)
        self.fit_investment_columns()
        yield

        self.buildout.set_result(project, result)
        self.buildout_lever_legend.setVisible(bool(self.buildout.marks))
        yield

        flow_years = sorted({f.year for f in result.flows} | {d.year for d in result.demand}) or years
        self.flow_year_combo.blockSignals(True)
        for y in flow_years:
            self.flow_year_combo.addItem(str(y), y)
        want = keep_year if keep_year in flow_years else kpi_year(project)
        idx = self.flow_year_combo.findData(want)
        self.flow_year_combo.setCurrentIndex(idx if idx >= 0 else 0)
        self.flow_year_combo.blockSignals(False)
        self.sankey.set_flows(project, result, self.flow_year)
        yield
        self.lay_out_in_advance()

    def lay_out_in_advance(self) -> None:
        """While the tab is hidden, give the dashboard the size of its tab page and lay it out, so
        that the tab's first show paints instead of first laying out a page still at its 100 x 30
        birth size (about 10 ms of a 48 ms turn, bench/bench_ui_stalls.py). Nothing when shown or
        not in a tab (a stand-alone dashboard)."""
        parent = self.parentWidget()
        if self.isVisible() or parent is None or not isinstance(parent, QStackedWidget):
            return
        rect = parent.contentsRect()
        if self.geometry() != rect:
            self.setGeometry(rect)
        self.layout().activate()

    @Slot()
    def _segment_picked(self) -> None:
        if self.result is not None and self.result.has_plan and self._fill_steps is None:
            self._supply = supply_vs_demand(self.result, self.segment_combo.currentData())
            self._refresh_supply_chart()

    @Slot()
    def _refresh_supply_chart(self, *, new_plan: bool = False) -> None:
        product = self.product_combo.currentData()
        segment = self.segment_combo.currentData()
        rows = self._supply.get(product) if product else None
        if rows:
            chart = charts.supply_chart(product, rows, segment)
        else:
            chart = charts.message_chart(f"No {segment or ''} demand for this product".replace("  ", " "))
        self._set_chart(self.supply_view, chart, new_plan=new_plan)

    # ------------------------------------------------------------------ selection
    def _activate_facility(self, facility_id: str) -> None:
        """Emit ``facility_activated`` and, with a document, make it the current facility."""
        if self.project is None or facility_id not in {f.id for f in self.project.facilities}:
            return
        self.facility_activated.emit(facility_id)
        doc = self.document
        select = getattr(doc, "set_current_facility", None)
        if callable(select):
            try:
                select(doc.project.facility(facility_id))
            except KeyError:  # the plan names a facility deleted since
                pass

    @Slot(str)
    def _node_clicked(self, node_id: str) -> None:
        self._activate_facility(node_id)

    @Slot(object)
    def _investment_activated(self, index) -> None:
        source = self.investments_proxy.mapToSource(index)
        self._activate_facility(self.investments_model.investment(source.row()).facility)

    # ------------------------------------------------------------------ flows year
    @property
    def flow_year(self) -> int | None:
        y = self.flow_year_combo.currentData()
        return int(y) if y is not None else None

    def set_flow_year(self, year: int) -> None:
        """Show the flows of ``year`` (emits ``year_changed`` when it changes)."""
        idx = self.flow_year_combo.findData(year)
        if idx < 0:
            raise ValueError(f"{year} is not a year of this plan")
        self.flow_year_combo.setCurrentIndex(idx)

    @Slot(int)
    def _flow_year_picked(self, _index: int) -> None:
        year = self.flow_year
        if year is None or self.result is None:
            return
        self.sankey.set_flows(self.project, self.result, year)
        self.year_changed.emit(year)

    # ------------------------------------------------------------------ export
    def export_json_to(self, path: str) -> None:
        """Write the shown result as JSON (atomic). Raises ExportError."""
        if self.result is None:
            raise ExportError("There is no result to export yet.")
        export_json(path, self.result)

    def export_xlsx_to(self, path: str) -> None:
        """Write the plan workbook. Raises ExportError."""
        if self.result is None or self.project is None or not self.result.has_plan:
            raise ExportError("There is no plan to export: solve the project first.")
        export_xlsx(path, self.project, self.result, brief=self.decision_view.brief_inputs())

    def _ask_path(self, caption: str, suggested: str, filters: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, caption, suggested, filters)
        return path

    def _suggested_name(self, ext: str) -> str:
        base = (self.project.name if self.project else "plan") or "plan"
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in base).strip("_") or "plan"
        scen = self.result.scenario if self.result and self.result.scenario else "base"
        return f"{safe}_{scen}_plan.{ext}"

    def _export(self, kind: str) -> None:
        if kind == "json":
            path = self._ask_path("Export plan as JSON", self._suggested_name("json"), "JSON (*.json)")
        else:
            path = self._ask_path("Export plan to Excel", self._suggested_name("xlsx"), "Excel workbook (*.xlsx)")
        if not path:
            return
        if kind == "xlsx":
            self.export_xlsx_in_background(path)
            return
        try:
            self.export_json_to(path)
        except ExportError as e:
            self.export_status.setText("Export failed")
            QMessageBox.warning(self, "Export failed", str(e))
            return
        self.export_status.setText(f"Saved {path}")

    # ------------------------------------------------------- export off the GUI thread
    @property
    def is_exporting(self) -> bool:
        return self._export_task is not None

    def export_xlsx_in_background(self, path: str) -> None:
        """Write the workbook in a child process watched from a worker thread (the window stays
        responsive): busy cursor and indicator meanwhile; then "Saved PATH" or a message box saying
        why it failed."""
        if self._export_task is not None:
            return
        if self.result is None or self.project is None or not self.result.has_plan:
            QMessageBox.warning(self, "Export failed", "There is no plan to export: solve the project first.")
            return
        from ui.document.snapshot import ProjectSnapshot

        snapshot, result = ProjectSnapshot(self.project), self.result  # edits meanwhile do not leak in
        is_modified = getattr(self.document, "is_modified", None)
        unsaved = bool(is_modified()) if callable(is_modified) else False  # the workbook says so
        brief = self.decision_view.brief_inputs()  # the session's current stress / risk runs, plain data

        def work(_state: Any) -> ExportError | None:
            try:  # in a child process: openpyxl on a thread held the GIL long enough to freeze the window
                export_xlsx_in_process(path, snapshot.text, result, unsaved_edits=unsaved, brief=brief)
            except ExportError as e:
                return e
            return None

        from PySide6.QtGui import QGuiApplication

        task = BackgroundTask(work, self)
        task.result_ready.connect(lambda err, p=path: self._export_done(p, err))
        task.failed.connect(lambda text, p=path: self._export_done(p, ExportError(text.splitlines()[0])))
        task.thread_finished.connect(self._export_thread_finished)
        self._export_task = task
        self.export_xlsx_button.setEnabled(False)
        self.export_status.setText("Writing the workbook\u2026")
        self.export_progress.show()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        task.start()

    def _export_done(self, path: str, err: ExportError | None) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.restoreOverrideCursor()
        self.export_progress.hide()
        if err is not None:
            self.export_status.setText("Export failed")
            QMessageBox.warning(self, "Export failed", str(err))
        else:
            self.export_status.setText(f"Saved {path}")

    def _export_thread_finished(self) -> None:
        self._export_task = None
        self.export_xlsx_button.setEnabled(self.result is not None and self.result.has_plan
                                           and self.project is not None)

    def wait_export(self, ms: int = 60_000) -> bool:
        """Block until a running export (workbook or brief) has finished (on close and in tests)."""
        brief_done = self.decision_view.wait(ms)
        return (self._export_task.wait(ms) if self._export_task is not None else True) and brief_done

    @Slot()
    def _export_json_clicked(self) -> None:
        self._export("json")

    @Slot()
    def _export_xlsx_clicked(self) -> None:
        self._export("xlsx")


def no_plan_html(result: PlanResult) -> str:
    """Why a solve has no plan, what limits supply, and the smallest relaxations that make one possible."""
    text = f"<b>{STATUS_WORDS[result.status]}.</b><br>{_html(result.message)}"
    if result.limiting:
        text += "<br><br>" + "<br>".join(_html(x) for x in result.limiting)
    for k, option in enumerate(result.relaxations):
        head = ("To make a plan possible, the smallest change" + ("s" if len(option.changes) != 1 else "") + ":"
                if k == 0 else f"or, changing only {option.scope}:")
        text += f"<br><b>{_html(head)}</b><br>" + "<br>".join(f"\u2022 {_html(c.text)}" for c in option.changes)
    return text


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
