"""Qt table models over the project's lists (not copies): one row per domain object.

``ListTableModel`` shows ``owner.attr`` (e.g. ``project.facilities`` or
``facility.options``), one column per :class:`ui.document.fields.FieldSpec`. ``setData`` parses the
typed text and calls ``Document.set_field``: every edit is an undo command, and a refused
value is never stored; its message goes to ``edit_rejected`` and the cell's tooltip.
The model listens to the document's signals, so edits from anywhere (inspector, undo,
chain view) show up at once.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from models.geo import great_circle_km
from models.project import Project
from models.vocab import DEMAND_PRODUCTS, MARKET_MATERIALS, Material, Segment, Stage, Status
from ui.document.document import Document
from ui.document.fields import FieldSpec, fmt_number, year_column
from ui.document.plain import plain_refusal

Index = QModelIndex | QPersistentModelIndex
PROBLEM_BRUSH = QBrush(QColor("#fde2e1"))
WARNING_BRUSH = QBrush(QColor("#fff4d6"))
PLACEHOLDER_BRUSH = QBrush(QColor("#8a8a8a"))


class ListTableModel(QAbstractTableModel):
    """Rows = items of ``owner.attr``; columns = field specs (rebuilt by ``columns_for``)."""

    edit_rejected = Signal(str)

    def __init__(self, doc: Document, list_name: str, columns_for: Callable[[Project], list[FieldSpec]],
                 owner_for: Callable[[Document], Any] | None = None, parent=None,
                 explain: Callable[[str, FieldSpec, Any, Any], str] | None = None):
        super().__init__(parent)
        #: (message, column, row object, typed value) -> the refusal shown; None = the message as is
        self._explain = explain
        self.doc = doc
        self.list_name = list_name  # attribute on the owner, e.g. "facilities", "options"
        self._columns_for = columns_for
        self._owner_for = owner_for or (lambda d: d.project)
        self._owner = self._owner_for(doc)
        self.columns: list[FieldSpec] = columns_for(doc.project)
        self._errors: dict[tuple[int, int], str] = {}
        self._problems: dict[tuple[int, str], str] = {}  # (row, attr) -> severity
        doc.project_replaced.connect(self.rebind)
        doc.field_changed.connect(self._on_field_changed)
        doc.items_about_to_insert.connect(self._on_about_to_insert)
        doc.items_inserted.connect(self._on_inserted)
        doc.items_about_to_remove.connect(self._on_about_to_remove)
        doc.items_removed.connect(self._on_removed)

    # ------------------------------------------------------------ binding
    @property
    def owner(self) -> Any:
        return self._owner

    def items(self) -> list:
        return getattr(self._owner, self.list_name) if self._owner is not None else []

    def item(self, row: int) -> Any:
        return self.items()[row]

    def rebind(self, *_: Any) -> None:
        """Re-read owner and columns (new project, other facility selected, horizon changed)."""
        self.beginResetModel()
        self._owner = self._owner_for(self.doc)
        self.columns = self._columns_for(self.doc.project)
        self._errors.clear()
        self.endResetModel()

    def column_of(self, attr: str, year: int | None = None) -> int:
        """Column index showing ``attr`` (and ``year`` for by-year columns); -1 if none."""
        for c, spec in enumerate(self.columns):
            if spec.attr == attr and (year is None or spec.extra.get("year") == year):
                return c
        return -1

    def row_of(self, obj: Any) -> int:
        for r, it in enumerate(self.items()):
            if it is obj:
                return r
        return -1

    def set_problems(self, problems: dict[tuple[int, str], str]) -> None:
        """Cells to tint: {(row, attr): 'error' | 'warning'} (from the validation panel)."""
        if problems != self._problems:
            self._problems = problems
            if self.rowCount() and self.columnCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1),
                                      [Qt.ItemDataRole.BackgroundRole])

    # ------------------------------------------------------- Qt interface
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items())

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            spec = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return spec.header
            if role == Qt.ItemDataRole.ToolTipRole:
                return spec.tooltip or spec.header.replace("\n", " ")
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        spec = self.columns[index.column()]
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not spec.readonly:
            f |= Qt.ItemFlag.ItemIsUserCheckable if spec.kind == "bool" else Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.items()):
            return None
        spec = self.columns[index.column()]
        obj = self.item(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            if spec.kind == "bool":
                return ""
            return spec.display(obj) or spec.placeholder_for(obj)
        if role == Qt.ItemDataRole.ForegroundRole and spec.placeholder_for(obj):
            return PLACEHOLDER_BRUSH
        if role == Qt.ItemDataRole.EditRole:
            return spec.edit_text(obj)
        if role == Qt.ItemDataRole.CheckStateRole and spec.kind == "bool":
            return Qt.CheckState.Checked if spec.value(obj) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            err = self._errors.get((index.row(), index.column()))
            if err:
                return f"Refused: {err}"
            if spec.kind == "ref" and spec.show is not None:  # a name shown: its id in the tooltip
                return f"{spec.display(obj)} (id {spec.value(obj)})" + (f"; {spec.tooltip}" if spec.tooltip else "")
            return spec.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = ("float", "opt_float", "int", "opt_int")
            if spec.kind in numeric or (spec.kind == "custom" and spec.parse_as in numeric):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            sev = self._problems.get((index.row(), spec.attr)) or self._problems.get((index.row(), ""))
            if sev == "error":
                return PROBLEM_BRUSH
            if sev == "warning":
                return WARNING_BRUSH
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role not in (Qt.ItemDataRole.EditRole, Qt.ItemDataRole.CheckStateRole):
            return False
        spec = self.columns[index.column()]
        if spec.readonly:
            return False
        obj = self.item(index.row())
        if role == Qt.ItemDataRole.CheckStateRole:
            value = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        key = (index.row(), index.column())
        try:
            new = spec.new_field_value(obj, value)
        except ValueError as e:
            message = f"{spec.header.splitlines()[0]}: {e}"
        else:
            # the undo label names the row by its name ("Edit Capacity (t/yr) of Mountain Pass"), not its id
            who = getattr(obj, "name", "") or getattr(obj, "id", "")
            message = self.doc.set_field(obj, spec.attr, new, f"Edit {spec.header.splitlines()[0]} of {who}".strip())
        if message:
            if self._explain is not None:
                message = self._explain(message, spec, obj, value)
            else:  # the field's label, not its internal name: "Capacity (t/yr) cannot be negative"
                labels = {c.attr: " ".join(c.header.split()) for c in self.columns}
                message = plain_refusal(message.replace(f"{spec.header.splitlines()[0]}: ", f"{spec.attr}: ", 1),
                                        labels[spec.attr], labels)
            self._errors[key] = message
            self.edit_rejected.emit(message)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.ToolTipRole])
            return False
        self._errors.pop(key, None)
        return True

    # ---------------------------------------------------- document events
    def _is_mine(self, owner: Any, attr: str) -> bool:
        return owner is self._owner and attr == self.list_name

    def _on_field_changed(self, obj: Any, attr: str) -> None:
        if obj is self.doc.project.settings and attr in ("start_year", "end_year"):
            self.rebind()
            return
        row = self.row_of(obj)
        if row < 0:
            # a nested object (e.g. a scenario filter) of one of our rows: refresh all
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
            return
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def _on_about_to_insert(self, owner: Any, attr: str, index: int) -> None:
        if self._is_mine(owner, attr):
            self.beginInsertRows(QModelIndex(), index, index)

    def _on_inserted(self, owner: Any, attr: str, index: int) -> None:
        if self._is_mine(owner, attr):
            self._errors.clear()
            self.endInsertRows()

    def _on_about_to_remove(self, owner: Any, attr: str, index: int) -> None:
        if self._is_mine(owner, attr):
            self.beginRemoveRows(QModelIndex(), index, index)

    def _on_removed(self, owner: Any, attr: str, index: int) -> None:
        if self._is_mine(owner, attr):
            self._errors.clear()
            self.endRemoveRows()


# ----------------------------------------------------------------- columns
STAGES = list(Stage)
STATUSES = list(Status)


def facility_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", tooltip="unique id: letters, digits, _ . -", width=150),
        FieldSpec("name", "Name", width=230),
        FieldSpec("operator", "Operator", width=170),
        FieldSpec("country", "Country", "country", width=165),
        FieldSpec("stage", "Stage", "enum", STAGES, width=110),
        FieldSpec("status", "Status", "enum", STATUSES, width=100),
        FieldSpec("capacity_tpy", "Capacity\n(t/yr)", "float",
                  tooltip="existing nameplate capacity in the stage's activity unit (t/yr)", width=90),
        FieldSpec("online_year", "Online\nyear", "opt_int", tooltip="first year of output; empty = already online",
                  placeholder="online"),
        FieldSpec("closure_year", "Closure\nyear", "opt_int", tooltip="first year without output; empty = never",
                  placeholder="never"),
        FieldSpec("variable_opex_usd_per_t", "Var. opex\n($/t)", "float",
                  tooltip="variable operating cost per t of activity"),
        FieldSpec("fixed_opex_musd_per_yr", "Fixed opex\n($M/yr)", "float"),
        FieldSpec("chinese_technology", "Chinese\ntech", "bool",
                  tooltip="built with Chinese process technology: its output counts as covered"),
        FieldSpec("stock_initial_t", "Finite stock\n(t)", "opt_float", placeholder="-",
                  tooltip="mines only: a stockpile/tailings of this many t, depleted by each year's draw"),
        FieldSpec("stock_max_draw_tpy", "Max draw\n(t/yr)", "opt_float", placeholder="-",
                  tooltip="finite stocks: most t drawn per year (the capacity also applies)"),
        FieldSpec("qualification_years", "Qualif.\n(yr)", "opt_int", placeholder="default",
                  tooltip="years from first output until defense buyers accept the output; empty = stage default"),
        FieldSpec("region", "Region", width=140),
        FieldSpec("lat", "Lat\n(deg)", "opt_float"),
        FieldSpec("lon", "Lon\n(deg)", "opt_float"),
    ]


def option_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", width=150),
        FieldSpec("name", "Name", width=200),
        FieldSpec("max_add_tpy", "Max add\n(t/yr)", "float", tooltip="most capacity this option can add"),
        FieldSpec("min_add_tpy", "Min add\n(t/yr)", "float", tooltip="when built, at least this much"),
        FieldSpec("capex_musd_per_tpy", "Capex\n($M per t/yr)", "float"),
        FieldSpec("fixed_capex_musd", "Fixed capex\n($M)", "float", tooltip="paid once if built (yes/no decision)"),
        FieldSpec("fixed_opex_musd_per_yr", "Fixed opex\n($M/yr)", "float"),
        FieldSpec("lead_time_years", "Lead time\n(yr)", "int", tooltip="years from decision to first output"),
        FieldSpec("earliest_decision_year", "Earliest\ndecision", "opt_int", placeholder="any year"),
        FieldSpec("ramp_up_shares", "Ramp-up shares\n(0-1 per year)", "float_list", width=130,
                  tooltip="share of the added capacity in its 1st, 2nd, ... year online; e.g. 0.3, 0.7"),
    ]


def route_columns(project: Project) -> list[FieldSpec]:
    def auto_cost(route: Any) -> str:
        ends = {f.id: f for f in project.facilities}
        a, b = ends.get(route.from_id), ends.get(route.to_id)
        if a is None or b is None or None in (a.lat, a.lon, b.lat, b.lon):
            return "needs a cost"
        km = great_circle_km(a.lat, a.lon, b.lat, b.lon)
        return f"auto: {fmt_number(float(round(km * project.settings.transport_usd_per_t_km)))}"

    return [
        FieldSpec("id", "Id", width=210),
        FieldSpec("from_id", "From facility", "ref", width=170),
        FieldSpec("to_id", "To facility", "ref", width=170),
        FieldSpec("material", "Material", "enum", list(Material), width=120),
        FieldSpec("transport_usd_per_t", "Transport\n($/t)", "opt_float", width=100, placeholder=auto_cost,
                  tooltip="empty: great-circle distance x settings transport rate ($/t-km)"),
        FieldSpec("capacity_tpy", "Capacity\n(t/yr)", "opt_float", tooltip="empty: unlimited",
                  placeholder="unlimited"),
    ]


def market_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", width=150),
        FieldSpec("name", "Name", width=220),
        FieldSpec("material", "Material", "enum", sorted(MARKET_MATERIALS, key=list(Material).index), width=120),
        FieldSpec("origin_country", "Origin", "country", width=165),
        FieldSpec("price_usd_per_t", "Price\n($/t)", "float", tooltip="landed price per tonne"),
        FieldSpec("cap_tpy", "Cap\n(t/yr)", "opt_float", tooltip="volume cap per year; empty: unlimited",
                  placeholder="unlimited"),
        FieldSpec("first_year", "First\nyear", "opt_int", placeholder="any"),
        FieldSpec("last_year", "Last\nyear", "opt_int", placeholder="any"),
    ]


def demand_columns(project: Project) -> list[FieldSpec]:
    cols = [
        FieldSpec("id", "Id", width=150),
        FieldSpec("name", "Name", width=200),
        FieldSpec("product", "Product", "enum", sorted(DEMAND_PRODUCTS, key=list(Material).index), width=110),
        FieldSpec("segment", "Segment", "enum", list(Segment), width=90),
        FieldSpec("priority", "Priority", "opt_int", width=80, placeholder="by segment",
                  tooltip="1 is served first (1-9); empty: by segment, defense 1, commercial 2"),
    ]
    return cols + [year_column("tonnes_by_year", y, "t") for y in project.settings.years]


def platform_columns(project: Project) -> list[FieldSpec]:
    cols = [
        FieldSpec("id", "Id", width=130),
        FieldSpec("name", "Name", width=180),
        FieldSpec("ndfeb_kg_per_unit", "NdFeB\n(kg/unit)", "float", tooltip="as the source states it (see basis)"),
        FieldSpec("ndfeb_kg_basis", "NdFeB kg\nare", "enum", ["magnet", "rare_earth"], width=95,
                  tooltip="magnet: kg of magnet; rare_earth: kg of rare-earth content (e.g. CRS's 417 kg per F-35), "
                          "converted with the RE share"),
        FieldSpec("ndfeb_re_share", "NdFeB RE share\n(t RE/t magnet)", "float",
                  tooltip="rare earths per t of NdFeB magnet (default 0.3165: Nd 29-32.5 % + Dy 0.6-1.2 %, midpoints)"),
        FieldSpec("ndfeb_kg_per_unit", "NdFeB magnet\n(kg/unit)", "custom", readonly=True,
                  get=lambda p: p.ndfeb_magnet_kg_per_unit, parse_as="opt_float",
                  tooltip="magnet kg per unit used as demand = stated kg, or RE kg / RE share"),
        FieldSpec("smco_kg_per_unit", "SmCo\n(kg/unit)", "float", tooltip="as the source states it (see basis)"),
        FieldSpec("smco_kg_basis", "SmCo kg\nare", "enum", ["magnet", "rare_earth"], width=95),
        FieldSpec("smco_re_share", "SmCo RE share\n(t RE/t magnet)", "float",
                  tooltip="rare earths per t of SmCo magnet (default 0.25: Sm2Co17 ~25 % Sm)"),
        FieldSpec("smco_kg_per_unit", "SmCo magnet\n(kg/unit)", "custom", readonly=True,
                  get=lambda p: p.smco_magnet_kg_per_unit, parse_as="opt_float"),
    ]
    return cols + [year_column("units_by_year", y, "units") for y in project.settings.years]


def scenario_columns(project: Project) -> list[FieldSpec]:
    from ui.editors.scenario_editor import overrides_summary

    return [
        FieldSpec("id", "Id", width=150),
        FieldSpec("name", "Name", width=220),
        FieldSpec("description", "Description", width=320),
        FieldSpec("overrides", "Overrides", "custom", readonly=True, width=380,
                  get=lambda s: overrides_summary(s.overrides), parse_as="text",
                  tooltip="edit them in the panel below"),
    ]
