"""Table editors: a QTableView over a ListTableModel with Add / Delete, one per project list.

Adding creates an object with a fresh unique id and sensible defaults (undoable);
deleting removes the selected rows (one undo step; facilities take their routes along).
"""

from __future__ import annotations

import html
from typing import Any, Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from models.project import Demand, ExpansionOption, Facility, Market, Platform, Scenario
from models.vocab import Material, Stage
from models.wording import count
from ui.document.document import Document, unique_id
from ui.document.fields import label_of
from ui.editors.delegates import FieldDelegate
from ui.editors.scenario_editor import ScenarioOverridesPanel
from ui.editors.table_models import (
    ListTableModel,
    demand_columns,
    facility_columns,
    market_columns,
    option_columns,
    platform_columns,
    route_columns,
    scenario_columns,
)


class ListEditor(QWidget):
    """Title, Add / Delete buttons and the table. ``message`` carries refusals to the status bar."""

    message = Signal(str)

    def __init__(self, doc: Document, model: ListTableModel, title: str,
                 make_item: Callable[[], Any] | None, parent: QWidget | None = None, hint: str = ""):
        super().__init__(parent)
        self.doc, self.model, self._make_item = doc, model, make_item
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setItemDelegate(FieldDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.verticalHeader().setMinimumWidth(28)
        header = self.view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(56)
        header.setHighlightSections(False)
        self.title = QLabel(f"<b>{title}</b>" + (f" <span style='color:#666'>{hint}</span>" if hint else ""))
        # wraps rather than widening the tab: "Expansion options of <a long facility name>" as the
        # tab's minimum width pushed the window's docks to their minimum
        self.title.setWordWrap(True)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip(f"Add a row to {title.lower()}")
        self.add_button.clicked.connect(self.add_row)
        self.add_button.setEnabled(make_item is not None)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected rows (Del)")
        self.delete_button.clicked.connect(self.delete_selected)
        delete_action = QAction("Delete rows", self.view)
        delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete_action.triggered.connect(self.delete_selected)
        self.view.addAction(delete_action)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter rows...")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(220)
        self.filter_edit.setToolTip("Show only rows whose text contains this (any column)")
        self.filter_edit.setAccessibleName(f"Filter rows of {title.lower()}")
        self.filter_edit.textChanged.connect(self.apply_filter)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)  # all the room there is: it wraps only when the row is too narrow
        top.addWidget(self.filter_edit)
        top.addWidget(self.add_button)
        top.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.view)
        model.edit_rejected.connect(self._rejected)
        model.modelReset.connect(self.fit_columns)
        for sig in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            sig.connect(lambda *_: self.apply_filter())
        self.fit_columns()

    def apply_filter(self, *_: Any) -> None:
        """Hide rows whose shown text (any column) does not contain the filter (case-insensitive)."""
        query = self.filter_edit.text().strip().lower()
        model = self.model
        for row in range(model.rowCount()):
            if not query:
                hidden = False
            else:
                texts = (str(model.data(model.index(row, c)) or "") for c in range(model.columnCount()))
                hidden = not any(query in t.lower() for t in texts)
            self.view.setRowHidden(row, hidden)

    def fit_columns(self) -> None:
        fit_columns_to_headers(self.view, self.model.columns)

    def _rejected(self, message: str) -> None:
        self.message.emit(f"Refused: {message}")
        rect = self.view.visualRect(self.view.currentIndex())
        if rect.isValid() and self.view.isVisible():
            QToolTip.showText(self.view.viewport().mapToGlobal(rect.bottomLeft()), f"Refused: {message}", self.view)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})

    def select_cell(self, row: int, column: int = 0) -> None:
        """Select and show one cell (used by the validation panel)."""
        if not 0 <= row < self.model.rowCount():
            return
        column = max(0, min(column, self.model.columnCount() - 1))
        if self.view.isRowHidden(row):
            self.filter_edit.clear()  # show what the caller wants to see
        index = self.model.index(row, column)
        self.view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)
        self.view.setFocus()

    def add_row(self) -> None:
        if self._make_item is None or self.model.owner is None:
            return
        item = self._make_item()
        if item is None:
            return
        name = getattr(item, "name", "") or getattr(item, "id", "")
        row = self.doc.insert_item(self.model.owner, self.model.list_name, item, text=f"Add {name}")
        self.select_cell(row, 0)

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if not rows or self.model.owner is None:
            return
        items = [self.model.item(r) for r in rows]
        with self.doc.macro(f"Delete {count(len(rows), 'row')} of {label_of(self.model.list_name)}"):
            for it in items:
                if isinstance(it, Facility):
                    self.doc.remove_facility(it)
                else:
                    self.doc.remove_item(self.model.owner, self.model.list_name, self.model.row_of(it))


class FacilitiesTab(QWidget):
    """Facilities table above the expansion options of the selected facility."""

    message = Signal(str)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.facilities = ListEditor(doc, ListTableModel(doc, "facilities", facility_columns), "Facilities",
                                     self._new_facility, hint="capacity in the stage's activity unit")
        self.options_model = ListTableModel(doc, "options", option_columns, owner_for=lambda d: d.current_facility)
        self.options = ListEditor(doc, self.options_model, "Expansion options", self._new_option,
                                  hint="of the selected facility")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.facilities)
        splitter.addWidget(self.options)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        for ed in (self.facilities, self.options):
            ed.message.connect(self.message)
        self.facilities.view.selectionModel().currentRowChanged.connect(self._row_changed)
        doc.current_facility_changed.connect(self._facility_changed)
        self._facility_changed(doc.current_facility)

    def _row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.doc.set_current_facility(self.facilities.model.item(current.row()))

    def _facility_changed(self, facility: Facility | None) -> None:
        self.options_model.rebind()
        self.options.fit_columns()
        name = f" of {html.escape(facility.name or facility.id)}" if facility is not None else " (select a facility)"
        self.options.title.setText(f"<b>Expansion options</b><span style='color:#666'>{name}</span>")
        self.options.add_button.setEnabled(facility is not None)
        if facility is not None:
            row = self.facilities.model.row_of(facility)
            current = self.facilities.view.currentIndex()
            if row >= 0 and current.row() != row:
                self.facilities.select_cell(row, max(current.column(), 0))

    def _new_facility(self) -> Facility:
        fid = unique_id("facility", self.doc.taken_ids("facilities"))
        return Facility(id=fid, name="New facility", stage=Stage.MINE, country="US").with_default_recipe()

    def _new_option(self) -> ExpansionOption | None:
        f = self.doc.current_facility
        if f is None:
            return None
        oid = unique_id(f"{f.id}-expansion", self.doc.taken_ids("options"))
        return ExpansionOption(id=oid, name="Expansion", max_add_tpy=1000.0, lead_time_years=3)


class ScenariosTab(QWidget):
    message = Signal(str)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.table = ListEditor(doc, ListTableModel(doc, "scenarios", scenario_columns), "Scenarios",
                                self._new_scenario, hint="named sets of overrides on the base project")
        self.overrides = ScenarioOverridesPanel(doc)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.overrides)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.table.message.connect(self.message)
        self.table.view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.overrides.set_scenario(self.table.model.item(cur.row()) if cur.isValid() else None))
        self.table.model.modelReset.connect(lambda: self.overrides.set_scenario(None))

    def _new_scenario(self) -> Scenario:
        return Scenario(id=unique_id("scenario", self.doc.taken_ids("scenarios")), name="New scenario")


def routes_editor(doc: Document, make_route: Callable[[], Any]) -> ListEditor:
    return ListEditor(doc, ListTableModel(doc, "routes", route_columns), "Routes", make_route,
                      hint="shipments of one material between two facilities")


def markets_editor(doc: Document) -> ListEditor:
    def make() -> Market:
        return Market(id=unique_id("market", doc.taken_ids("markets")), name="New import market",
                      material=Material.NDPR_OXIDE, origin_country="CN", price_usd_per_t=0.0)

    return ListEditor(doc, ListTableModel(doc, "markets", market_columns), "Import markets", make,
                      hint="buy a material at a landed price from an origin")


def demand_editor(doc: Document) -> ListEditor:
    def make() -> Demand:
        return Demand(id=unique_id("demand", doc.taken_ids("demands")), name="New demand",
                      product=Material.NDFEB_MAGNET)

    return ListEditor(doc, ListTableModel(doc, "demands", demand_columns), "Demand", make,
                      hint="tonnes of product per year; empty cell = no demand")


def platforms_editor(doc: Document) -> ListEditor:
    def make() -> Platform:
        return Platform(id=unique_id("platform", doc.taken_ids("platforms")), name="New platform")

    return ListEditor(doc, ListTableModel(doc, "platforms", platform_columns), "Defense platforms", make,
                      hint="units built per year x magnet kg per unit = defense demand")


def fit_columns_to_headers(view: Any, columns: Any) -> None:
    """Each column at least its spec's width and its widest header line (+22 px for the sort
    arrow and margins, never under 64 px); the user may resize; the last column stretches."""
    header = view.horizontalHeader()
    fm = view.fontMetrics()
    for c, spec in enumerate(columns):
        widest_line = max(fm.horizontalAdvance(line) for line in spec.header.splitlines())
        header.resizeSection(c, max(spec.width, widest_line + 22, 64))
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
