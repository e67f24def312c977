"""Results tab "Stocks and levers": finite stocks year by year and every contract or lever line.

Two read-only tables filled from a PlanResult:
- finite stocks (stockpiles, tailings): facility, year, t drawn in the year, t left at year-end;
- contracts and levers: kind, lever (its name), facility, year, t, $M of that year (undiscounted) and who pays.
Facility and lever names are shown, ids in tooltips (as everywhere in the results).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.project import Project
from planner.result import PlanResult
from ui.results.text_width import widest_text_px

STOCK_HEADERS = ["Stock", "Year", "Drawn (t)", "Left at year-end (t)"]
LEVER_HEADERS = ["Kind", "Lever", "Facility", "Year", "Tonnes", "$M (that year)", "Payer"]
KIND_WORDS = {
    "offtake": "offtake", "offtake_shortfall": "offtake shortfall", "price_floor": "price-floor top-up",
    "grant": "grant", "loan": "loan subsidy", "stockpile_buy": "stockpile purchase",
    "stockpile_release": "stockpile release", "stockpile_holding": "stockpile holding",
    "policy_grant": "policy grant", "stock_build_breach": "stock build not held",
}


def _table(headers: list[str], stretch: int) -> QTableWidget:
    """A read-only table whose column ``stretch`` (a name) takes the spare width. The other
    columns are sized by ``_fit_columns`` once per fill: ResizeToContents measured every cell at
    each layout, 16-21 ms per turn for a plan's few hundred lever rows, even on a hidden tab."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def _fit_columns(t: QTableWidget, rows: list[list[str]], stretch: int) -> None:
    """Width of each column but ``stretch``: its header or its widest text (of the
    longest by characters, ui.results.text_width), plus 16 px of padding."""
    fm, head_fm = t.fontMetrics(), t.horizontalHeader().fontMetrics()
    for c in range(t.columnCount()):
        if c == stretch:
            continue
        header = t.horizontalHeaderItem(c).text() if t.horizontalHeaderItem(c) else ""
        width = max(head_fm.horizontalAdvance(header) + 20, widest_text_px(fm, (r[c] for r in rows), pad=16))
        t.horizontalHeader().resizeSection(c, width)


def _item(text: str, tooltip: str = "", number: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    if tooltip:
        it.setToolTip(tooltip)
    if number:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


class StocksAndLevers(QWidget):
    """The two tables, with a line that says when a plan has neither."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 6, 0, 0)
        self.stocks_label = QLabel("<b>Finite stocks</b> (stockpiles and tailings drawn down over the horizon)")
        self.stocks = _table(STOCK_HEADERS, stretch=0)
        self.levers_label = QLabel("<b>Contracts and levers</b> (who pays what, per year)")
        self.levers = _table(LEVER_HEADERS, stretch=2)
        for w in (self.stocks_label, self.stocks, self.levers_label, self.levers):
            lay.addWidget(w, 1 if isinstance(w, QTableWidget) else 0)

    def set_result(self, project: Project | None, result: PlanResult | None) -> None:
        names = {f.id: f.name for f in project.facilities} if project is not None else {}
        rows = list(result.stock_remaining) if result is not None else []
        self.stocks.setRowCount(len(rows))
        texts = []
        for i, r in enumerate(rows):
            cells = [names.get(r.facility, r.facility), str(r.year), f"{r.drawn_t:,.1f}", f"{r.remaining_t:,.1f}"]
            texts.append(cells)
            self.stocks.setItem(i, 0, _item(cells[0], r.facility))
            self.stocks.setItem(i, 1, _item(cells[1]))
            self.stocks.setItem(i, 2, _item(cells[2], number=True))
            self.stocks.setItem(i, 3, _item(cells[3], number=True))
        _fit_columns(self.stocks, texts, stretch=0)
        self.stocks_label.setText("<b>Finite stocks</b> (stockpiles and tailings drawn down over the horizon)"
                                  + ("" if rows else ": none in this project"))
        levers = list(result.levers) if result is not None else []
        lever_names: dict[str, str] = {}
        if project is not None:
            lv = project.levers
            for x in [*lv.offtakes, *lv.price_floors, *lv.grants, *lv.loans, *lv.import_licences, *lv.stockpiles]:
                lever_names[x.id] = x.name or x.id
            names.update({s.id: s.name or s.id for s in lv.stockpiles})  # a release's "facility" is the stockpile
            options = {o.id: f"{f.name or f.id}: {o.name or o.id}" for f in project.facilities for o in f.options}
        self.levers.setRowCount(len(levers))
        texts = []
        for i, r in enumerate(levers):
            name = (f"Viability gap of {options.get(r.lever_id, r.lever_id)}" if r.kind == "policy_grant"
                    else lever_names.get(r.lever_id, r.lever_id)) if project is not None else r.lever_id
            cells = [KIND_WORDS.get(r.kind, r.kind), name, names.get(r.facility, r.facility), str(r.year),
                     f"{r.tonnes:,.1f}", f"{r.cost_musd:,.2f}", r.payer]
            texts.append(cells)
            self.levers.setItem(i, 0, _item(cells[0], r.kind))
            self.levers.setItem(i, 1, _item(cells[1], r.lever_id))
            self.levers.setItem(i, 2, _item(cells[2], r.facility))
            self.levers.setItem(i, 3, _item(cells[3]))
            self.levers.setItem(i, 4, _item(cells[4], number=True))
            self.levers.setItem(i, 5, _item(cells[5], number=True))
            self.levers.setItem(i, 6, _item(cells[6]))
        _fit_columns(self.levers, texts, stretch=2)
        self.levers_label.setText("<b>Contracts and levers</b> (who pays what, per year)"
                                  + ("" if levers else ": none in this project"))
