"""The "Policy design" page of the "Contracts and levers" tab: ``project.levers.policy`` and the
government budget as a form, and each ``{id: number}`` table of the policy mode as a small table.

Every edit is one undo command through ``Document.set_field`` (a whole-dict replacement for the
tables), and a refused value is explained in plain words under its field or table and never
stored. Options and facilities are picked by name; ids stay in tooltips.

A new optional dict field of ``PolicyMode`` (e.g. ``facility_margins_usd_per_t``) becomes one
more table by adding one :class:`MappingSpec` to :func:`policy_tables`; a spec whose field the
model does not have is skipped, so the list may name fields that are still to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.project import Project
from models.scenarios import government_budget_note
from models.wording import count
from ui.document.document import Document
from ui.document.fields import FieldSpec, fmt_number, parse_float
from ui.document.names import facility_name, investment_name
from ui.editors.forms import BoundForm, plain_refusal
from ui.widgets.accessible import set_name

Choices = Callable[[Project], list[tuple[str, str]]]  # project -> [(id, name shown)]


def option_choices(project: Project) -> list[tuple[str, str]]:
    """Every expansion option as (option id, 'Facility: option'), in project order."""
    return [(o.id, investment_name(project, f.id, o.id)) for f in project.facilities for o in f.options]


def facility_choices(project: Project) -> list[tuple[str, str]]:
    return [(f.id, facility_name(project, f.id)) for f in project.facilities]


@dataclass(frozen=True)
class MappingSpec:
    """One ``{id: number}`` field of the policy mode shown as a two-column table."""

    attr: str  # field of PolicyMode, e.g. "option_margins_usd_per_t"
    title: str  # group title, e.g. "Operating margin by expansion option"
    key_header: str  # e.g. "Expansion option"
    value_header: str  # with its unit, e.g. "Margin ($/t)"
    choices: Choices  # what a key may be, by name
    hint: str = ""
    default_value: float = 0.0


def policy_tables() -> list[MappingSpec]:
    """The policy mode's tables; a field PolicyMode does not have (yet) is skipped."""
    return [
        MappingSpec("option_margins_usd_per_t", "Operating margin by expansion option", "Expansion option",
                    "Margin ($/t)", option_choices,
                    "industry's expected margin per tonne of activity; options not listed are viable on their own"),
        MappingSpec("facility_margins_usd_per_t", "Operating margin by facility", "Facility", "Margin ($/t)",
                    facility_choices, "industry's expected margin per tonne when it runs an existing plant"),
    ]


def policy_specs() -> list[FieldSpec]:
    return [
        FieldSpec("enabled", "Enabled", "bool",
                  tooltip="on: the optimizer decides which non-viable options the government funds; objective = "
                          "defense shortfall, then cost to government, then total cost"),
        FieldSpec("hurdle_rate", "Hurdle rate (0-1)", "float",
                  tooltip="industry's required return: the annuity factor AF = (1 - (1 + h)^-L) / h "
                          "over the asset life"),
        FieldSpec("utilisation", "Utilisation (0-1)", "float",
                  tooltip="share of capacity industry expects to run when it judges an option's viability"),
    ]


def budget_specs() -> list[FieldSpec]:
    return [
        FieldSpec("government_budget_musd_per_year", "Government budget per year ($M)", "opt_float",
                  placeholder="no cap", tooltip="caps grants (and policy grants), price-floor top-ups, stockpile "
                                                "buys and holding in each year (undiscounted); empty: no cap"),
        FieldSpec("government_budget_total_musd", "Government budget in total ($M)", "opt_float",
                  placeholder="no cap", tooltip="the same over the whole horizon; empty: no cap"),
    ]


class MappingTable(QWidget):
    """Rows = entries of the dict ``target().attr``: a name picker and a number.

    Changing a name, a number, adding or deleting a row replaces the whole dict in one undo command.
    """

    message = Signal(str)

    def __init__(self, doc: Document, spec: MappingSpec, target: Callable[[], Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.doc, self.spec, self._target = doc, spec, target
        self._loading = False
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([spec.key_header, spec.value_header])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(1, 140)
        self.table.itemChanged.connect(self._item_changed)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip(f"Add a row: the first {spec.key_header.lower()} not listed yet")
        self.add_button.clicked.connect(self.add_row)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected rows")
        self.delete_button.clicked.connect(self.delete_selected)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        hint = QLabel(f"<span style='color:#666'>{spec.hint}</span>") if spec.hint else None
        top = QHBoxLayout()
        if hint is not None:
            hint.setWordWrap(True)
            top.addWidget(hint, 1)
        else:
            top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        doc.field_changed.connect(self._on_field_changed)
        # names shown follow renamed / added / deleted options (while shown; on show otherwise)
        doc.items_inserted.connect(lambda *_: self._names_may_have_changed())
        doc.items_removed.connect(lambda *_: self._names_may_have_changed())
        self._stale_names = False
        self.reload()

    def _names_may_have_changed(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale_names = True

    def showEvent(self, event) -> None:  # noqa: N802
        if self._stale_names:
            self.reload()
        super().showEvent(event)

    # ------------------------------------------------------------ values
    def target(self) -> Any:
        return self._target()

    def mapping(self) -> dict[str, float]:
        obj = self.target()
        return dict(getattr(obj, self.spec.attr)) if obj is not None else {}

    def names(self) -> dict[str, str]:
        return dict(self.spec.choices(self.doc.project))

    def keys(self) -> list[str]:
        """The ids shown, row by row."""
        return list(self.mapping())

    # ------------------------------------------------------------- edits
    def _store(self, new: dict[str, float], text: str) -> str | None:
        message = self.doc.set_field(self.target(), self.spec.attr, new, text)
        if message:
            self._refuse(plain_refusal(message, self.spec.value_header))
        else:
            self.clear_error()
        return message

    def _refuse(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.message.emit(f"Refused: {text}")
        self.reload()

    def clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    def error_text(self) -> str:
        return "" if self.error.isHidden() else self.error.text()

    def set_value(self, row: int, text: Any) -> bool:
        """Type ``text`` as the number of ``row``; True when stored (or unchanged)."""
        keys = self.keys()
        if not 0 <= row < len(keys):
            return False
        key, old = keys[row], self.mapping()[keys[row]]
        try:
            value = parse_float(text)
        except ValueError as e:
            typed = str(text).strip() or "An empty value"
            self._refuse(f"{self.spec.value_header} {e}. {typed} was not stored; it stays {fmt_number(old)}.")
            return False
        new = self.mapping()
        new[key] = value
        return self._store(new, f"Edit {self.spec.value_header} of {self.names().get(key, key)}") is None

    def set_key(self, row: int, new_key: str) -> bool:
        """Pick another option/facility for ``row`` (keeps its number and position)."""
        keys = self.keys()
        if not 0 <= row < len(keys):
            return False
        old_key = keys[row]
        if new_key == old_key:
            return True
        names = self.names()
        if new_key in keys:
            self._refuse(f"{names.get(new_key, new_key)} is listed already (row {keys.index(new_key) + 1}): "
                         f"change its number there. Row {row + 1} stays {names.get(old_key, old_key)}.")
            return False
        new = {(new_key if k == old_key else k): v for k, v in self.mapping().items()}
        return self._store(new, f"Pick {names.get(new_key, new_key)} in {self.spec.title.lower()}") is None

    def add_row(self) -> bool:
        """Add the first choice not listed yet with the default number."""
        if self.target() is None:
            return False
        current = self.mapping()
        free = [k for k, _name in self.spec.choices(self.doc.project) if k not in current]
        if not free:
            self._refuse(f"Every {self.spec.key_header.lower()} is listed already.")
            return False
        current[free[0]] = self.spec.default_value
        if self._store(current, f"Add a row to {self.spec.title.lower()}") is not None:
            return False
        self.table.selectRow(len(current) - 1)
        return True

    def delete_rows(self, rows: list[int]) -> None:
        keys = self.keys()
        drop = {keys[r] for r in rows if 0 <= r < len(keys)}
        if drop:
            new = {k: v for k, v in self.mapping().items() if k not in drop}
            self._store(new, f"Delete {count(len(drop), 'row')} of {self.spec.title.lower()}")

    def delete_selected(self) -> None:
        self.delete_rows(sorted({i.row() for i in self.table.selectionModel().selectedIndexes()}))

    # ------------------------------------------------------------ display
    def reload(self) -> None:
        obj = self.target()
        self._stale_names = False
        self.setEnabled(obj is not None)
        self._loading = True
        try:
            choices = self.spec.choices(self.doc.project)
            names = dict(choices)
            data = self.mapping()
            self.table.setRowCount(len(data))
            for row, (key, value) in enumerate(data.items()):
                combo = self.table.cellWidget(row, 0)  # reused: reload may run inside its own signal
                if not isinstance(combo, QComboBox):
                    combo = QComboBox()
                    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                    combo.activated.connect(lambda _i, c=combo: self._combo_picked(c.property("key"), c.currentData()))
                    self.table.setCellWidget(row, 0, combo)
                set_name(combo, f"{self.spec.key_header}, row {row + 1}")
                combo.blockSignals(True)
                combo.clear()
                for cid, name in choices:
                    combo.addItem(name, cid)
                    combo.setItemData(combo.count() - 1, cid, Qt.ItemDataRole.ToolTipRole)
                if key not in names:  # e.g. the option was deleted: say so rather than hide it
                    combo.addItem(f"{key} (unknown)", key)
                combo.setCurrentIndex(combo.findData(key))
                combo.setProperty("key", key)
                combo.setToolTip(f"{names.get(key, key)} (id {key})")
                combo.blockSignals(False)
                item = self.table.item(row, 1)  # updated in place: reload may run inside its itemChanged
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(row, 1, item)
                item.setText(fmt_number(value))
                item.setToolTip(f"{self.spec.value_header} of {names.get(key, key)}")
            self.add_button.setEnabled(obj is not None)
        finally:
            self._loading = False
        rows = max(3, min(self.table.rowCount(), 12))
        self.table.setMinimumHeight(self.table.horizontalHeader().height() + 28 * rows + 4)

    def _combo_picked(self, old_key: str, new_key: str) -> None:
        keys = self.keys()
        if old_key in keys:
            self.set_key(keys.index(old_key), new_key)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if not self._loading and item.column() == 1:
            self.set_value(item.row(), item.text())

    def _on_field_changed(self, obj: Any, attr: str) -> None:
        if obj is self.target() and attr == self.spec.attr:
            self.reload()
        elif attr in ("name", "id") and obj is not self.target():
            self._names_may_have_changed()


class PolicyDesignPage(QWidget):
    """Policy-mode switch, hurdle rate, utilisation, government budget and the margin tables."""

    message = Signal(str)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        policy = lambda: doc.project.levers.policy  # noqa: E731
        self.policy_form = BoundForm(doc, policy_specs(), policy)
        self.budget_form = BoundForm(doc, budget_specs(), lambda: doc.project.levers)
        fields = type(doc.project.levers.policy).model_fields
        self.tables: dict[str, MappingTable] = {
            s.attr: MappingTable(doc, s, policy) for s in policy_tables() if s.attr in fields}
        intro = QLabel(
            "In policy-design mode the optimizer decides which expansion options the government funds, and how many "
            "tonnes the candidate price floors and guaranteed offtakes cover (tabs 'Candidate floors' and "
            "'Candidate offtakes'); an existing plant with a negative operating margin runs only for covered tonnes. "
            "An option is "
            "viable for industry when margin x utilisation x capacity x AF(hurdle rate, asset life) covers its capex; "
            "the government pays exactly the gap of a non-viable option it builds, within its budget. "
            "The budget caps the "
            "government's spend on grants, price-floor top-ups and stockpile buys and holding in every plan, policy "
            "mode or not (loan subsidies are reported, not capped). A scenario can switch the mode and the budget "
            "(Scenarios tab, 'Policy mode').")
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #3a434d;")
        mode_box = QGroupBox("Policy-design mode")
        QVBoxLayout(mode_box).addWidget(self.policy_form)
        budget_box = QGroupBox("Government budget (undiscounted)")
        budget_lay = QVBoxLayout(budget_box)
        budget_lay.addWidget(self.budget_form)
        # which scenarios replace this budget (a policy override sets its own): said here, not found out
        # from an infeasible solve
        self.budget_note = QLabel()
        self.budget_note.setWordWrap(True)
        self.budget_note.setStyleSheet("color: #7a4b00;")
        budget_lay.addWidget(self.budget_note)
        column = QWidget()
        col = QVBoxLayout(column)
        col.addWidget(intro)
        col.addWidget(mode_box)
        col.addWidget(budget_box)
        self.table_boxes: dict[str, QGroupBox] = {}
        for attr, table in self.tables.items():
            box = QGroupBox(table.spec.title)
            QVBoxLayout(box).addWidget(table)
            self.table_boxes[attr] = box
            col.addWidget(box)
            table.message.connect(self.message)
        col.addStretch(1)
        column.setMinimumWidth(720)
        column.setMaximumWidth(1000)
        inner = QWidget()
        row = QHBoxLayout(inner)
        row.addWidget(column)
        row.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        for form in (self.policy_form, self.budget_form):
            form.message.connect(self.message)
        doc.project_replaced.connect(self.reload)
        doc.inputs_changed.connect(self._update_budget_note)
        self._update_budget_note()

    def _update_budget_note(self, *_args: object) -> None:
        self.budget_note.setText(government_budget_note(self.doc.project))

    def reload(self) -> None:
        self.policy_form.reload()
        self.budget_form.reload()
        self._update_budget_note()
        for table in self.tables.values():
            table.reload()

    def focus_field(self, attr: str) -> bool:
        """Show the editor of ``attr`` (a policy or budget field, or a table); False if none."""
        for form in (self.policy_form, self.budget_form):
            w = form.editors.get(attr)
            if w is not None:
                self.scroll.ensureWidgetVisible(w)
                w.setFocus()
                return True
        table = self.tables.get(attr)
        if table is not None:
            self.scroll.ensureWidgetVisible(table)
            table.table.setFocus()
            return True
        return False


__all__ = ["MappingSpec", "MappingTable", "PolicyDesignPage", "policy_tables"]
