"""Qt table model over ``PlanResult.investments`` (read-only; sort through a proxy model)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from models.project import Project
from models.vocab import stage_label
from planner.result import Investment

Index = QModelIndex | QPersistentModelIndex
#: The invalid (root) index, the default parent: one shared value rather than a call in each default.
_ROOT = QModelIndex()

#: (header, tooltip) per column.
COLUMNS = (
    ("Facility", "Facility the capacity is added to"),
    ("Option", "Expansion option built"),
    ("Decided", "Year the investment is decided (capex committed)"),
    ("Online", "First year of output (decision year + lead time)"),
    ("+ t/yr", "Capacity added, in the stage's activity unit per year"),
    ("Capex $M", "Capital cost committed in the decision year, undiscounted, $ million"),
    ("Defense", "From this year defense buyers may take this capacity's output (online year + qualification lag)"),
)
NUMERIC = {2, 3, 4, 5, 6}
SORT_ROLE = Qt.ItemDataRole.UserRole


class InvestmentsTableModel(QAbstractTableModel):
    """One row per investment in the plan. ``SORT_ROLE`` gives raw values for sorting."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Investment] = []
        self._names: dict[str, str] = {}
        self._stages: dict[str, str] = {}
        self._options: dict[tuple[str, str], str] = {}

    def set_investments(self, project: Project | None, investments: list[Investment]) -> None:
        self.beginResetModel()
        self._rows = list(investments)
        self._names, self._stages, self._options = {}, {}, {}
        if project is not None:
            for f in project.facilities:
                self._names[f.id] = f.name or f.id
                self._stages[f.id] = stage_label(f.stage)
                for o in f.options:
                    self._options[(f.id, o.id)] = o.name or o.id
        self.endResetModel()

    def investment(self, row: int) -> Investment:
        return self._rows[row]

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def _raw(self, inv: Investment, col: int) -> Any:
        return (
            self._names.get(inv.facility, inv.facility),
            self._options.get((inv.facility, inv.option), inv.option),
            inv.decided_year,
            inv.online_year,
            inv.added_tpy,
            inv.capex_musd,
            inv.defense_qualified_year,  # None (blank) for an upstream plant: its lag is no defense date
        )[col]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        inv = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            v = self._raw(inv, col)
            if col == 4:
                return f"{v:,.0f}"
            if col == 5:
                return f"{v:,.1f}"
            return "-" if v is None else str(v)  # no defense date: an upstream plant
        if role == SORT_ROLE:
            v = self._raw(inv, col)
            return 0 if v is None else v
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:  # the full names (a narrow column wraps or elides them)
            stage = self._stages.get(inv.facility, "")
            facility = self._names.get(inv.facility, inv.facility)
            option = self._options.get((inv.facility, inv.option), inv.option)
            if col == 1:
                return f"{option} (option {inv.option}) at {facility}"
            return f"{facility} ({stage}): {option}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section][1]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if section in NUMERIC else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None
