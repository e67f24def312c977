"""Scenario overrides: a readable one-line summary of each, and a small editor per kind.

Kinds (models.project): delay (shift online years of matching facilities), market_cap
(multiply import caps), demand (multiply demand), capex (multiply option capex), settings
(replace budget caps, de-minimis share, compliance year, discount rate), policy (policy mode, the
government budget, and the input contracts the scenario drops so that the optimizer decides them:
picked by name from a checklist), stock_build (a government stockpile holds at least so many
tonnes at the end of a year; what applying a robust plan's stock hedge writes).
"""

from __future__ import annotations

import html
from typing import Any

from pydantic import TypeAdapter, ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.project import FacilityFilter, Override, Project, Scenario
from ui.document.document import Document, validation_message
from ui.document.fields import fmt_number, label_of, parse_float, parse_int, parse_list

KIND_TITLES = {
    "delay": "Delay facilities",
    "market_cap": "Cap import markets",
    "demand": "Scale demand",
    "capex": "Scale capex",
    "settings": "Change settings",
    "policy": "Policy mode (government budget)",
    "stock_build": "Stock build (stockpile held at a year-end)",
}
_OVERRIDE_ADAPTER: TypeAdapter = TypeAdapter(Override)


def _filter_text(w: FacilityFilter) -> str:
    parts = []
    if w.ids:
        parts.append("ids " + ", ".join(w.ids))
    if w.statuses:
        parts.append("status " + "/".join(label_of(s) for s in w.statuses))
    if w.stages:
        parts.append("stage " + "/".join(label_of(s) for s in w.stages))
    if w.countries:
        parts.append("in " + "/".join(w.countries))
    return " and ".join(parts) or "all facilities"


def override_summary(o: Any) -> str:
    """One readable line, e.g. 'delay +2 yr: status planned/concept'."""
    if o.kind == "delay":
        return f"delay {o.years:+d} yr: {_filter_text(o.where)}"
    if o.kind == "market_cap":
        what = "/".join(label_of(m) for m in o.materials) or "all materials"
        where = "/".join(o.origin_countries) or "all origins"
        return f"import caps x {fmt_number(o.factor)}: {what} from {where}"
    if o.kind == "demand":
        seg = label_of(o.segment) if o.segment else "all segments"
        prods = "/".join(label_of(m) for m in o.products) or "all products"
        return f"demand x {fmt_number(o.factor)}: {seg}, {prods}"
    if o.kind == "capex":
        return f"capex x {fmt_number(o.factor)}: {_filter_text(o.where)}"
    if o.kind == "settings":
        fields = ("budget_musd_per_year", "budget_total_musd", "de_minimis_share", "compliance_start_year",
                  "discount_rate")
        parts = [f"{f} = {fmt_number(getattr(o, f))}" for f in fields if getattr(o, f) is not None]
        return "settings: " + (", ".join(parts) or "no change")
    if o.kind == "policy":
        budget = [f"{fmt_number(v)} $M{unit}" for v, unit in ((o.government_budget_musd_per_year, "/yr"),
                                                             (o.government_budget_total_musd, " in total"))
                  if v is not None]
        dropped = f"{len(o.drop_lever_ids)} input contract{'s' if len(o.drop_lever_ids) != 1 else ''} dropped"
        return ("policy mode on" if o.enabled else "policy mode off") \
            + (": government budget " + ", ".join(budget) if budget else "") \
            + (f"; {dropped}" if o.drop_lever_ids else "")
    if o.kind == "stock_build":
        return f"stock build: stockpile {o.stockpile_id} holds at least {fmt_number(o.tonnes)} t at the end of {o.year}"
    return o.kind


def overrides_summary(overrides: list) -> str:
    return "; ".join(override_summary(o) for o in overrides) or "(base case: no overrides)"


#: the input contracts a policy override may drop (PolicyOverride.drop_lever_ids), with their kind in words
DROPPABLE = (("offtakes", "offtake"), ("price_floors", "price floor"), ("grants", "grant"), ("loans", "loan"))


def droppable_contracts(project: Project | None) -> list[tuple[str, str]]:
    """[(id, 'Name (kind)')] of the project's offtakes, price floors, grants and loans, in that order."""
    if project is None:
        return []
    return [(x.id, f"{x.name or x.id} ({kind})") for attr, kind in DROPPABLE for x in getattr(project.levers, attr)]


#: the parser of a yes/no field: the dialog shows a check box (ticked = yes) instead of a text field
YES_NO = object()


class OverrideDialog(QDialog):
    """Create or edit one override. ``override()`` returns the validated object after OK."""

    # per kind: (field key, label, parser, hint)
    _FILTER = [
        ("where.ids", "Facility ids", parse_list, "comma-separated; empty = any"),
        ("where.statuses", "Statuses", parse_list, "e.g. planned, concept; empty = any"),
        ("where.stages", "Stages", parse_list, "e.g. separation, metal; empty = any"),
        ("where.countries", "Countries", parse_list, "ISO codes, e.g. AU, CA; empty = any"),
    ]
    FIELDS: dict[str, list] = {
        "delay": [("years", "Delay (years)", parse_int, "e.g. 2 (negative = earlier)"), *_FILTER],
        "market_cap": [
            ("factor", "Cap factor", parse_float, "0 cuts the markets off; 0.5 halves their caps"),
            ("origin_countries", "Origin countries", parse_list, "e.g. CN; empty = any"),
            ("materials", "Materials", parse_list, "e.g. ndpr_oxide, ndfeb_magnet; empty = any"),
        ],
        "demand": [
            ("factor", "Demand factor", parse_float, "e.g. 2 doubles demand"),
            ("segment", "Segment", lambda t: (str(t).strip() or None), "defense, commercial or empty = both"),
            ("products", "Products", parse_list, "e.g. ndfeb_magnet; empty = all"),
        ],
        "capex": [("factor", "Capex factor", parse_float, "e.g. 1.3 = +30 %"), *_FILTER],
        "settings": [
            ("budget_musd_per_year", "Budget ($M/yr)", lambda t: parse_float(t, True), "empty = unchanged"),
            ("budget_total_musd", "Budget total ($M)", lambda t: parse_float(t, True), "empty = unchanged"),
            ("de_minimis_share", "De-minimis share (0-1)", lambda t: parse_float(t, True), "empty = unchanged"),
            ("compliance_start_year", "Compliance start year", lambda t: parse_int(t, True), "empty = unchanged"),
            ("discount_rate", "Discount rate (0-1)", lambda t: parse_float(t, True), "empty = unchanged"),
        ],
        "policy": [
            ("enabled", "Policy mode on", YES_NO, "ticked: the scenario plans from the government's side"),
            ("government_budget_musd_per_year", "Government budget ($M/yr)", lambda t: parse_float(t, True),
             "empty = unchanged"),
            ("government_budget_total_musd", "Government budget total ($M)", lambda t: parse_float(t, True),
             "empty = unchanged"),
        ],
        "stock_build": [
            ("stockpile_id", "Stockpile id", lambda t: str(t).strip(), "a government stockpile's id, e.g. dla_smco"),
            ("year", "Year", parse_int, "held at the end of this year, e.g. 2026"),
            ("tonnes", "Tonnes held (t)", parse_float, "at least this many t at that year-end"),
        ],
    }

    def __init__(self, kind: str, existing: Any = None, parent: QWidget | None = None,
                 project: Project | None = None):
        super().__init__(parent)
        self.kind = kind
        self._result: Any = None
        self.setWindowTitle(KIND_TITLES.get(kind, kind))
        self.setMinimumWidth(460)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit | QCheckBox] = {}
        for key, label, parse, hint in self.FIELDS[kind]:
            edit: QLineEdit | QCheckBox
            if parse is YES_NO:  # a new override starts ticked (what adding it is for)
                edit = QCheckBox()
                edit.setChecked(True if existing is None else bool(getattr(existing, key)))
            else:
                edit = QLineEdit(self._initial(existing, key))
                edit.setPlaceholderText(hint)
            edit.setToolTip(hint)
            edit.setAccessibleName(label)
            self.edits[key] = edit
            form.addRow(label, edit)
        self.drop_list: QListWidget | None = None
        if kind == "policy":
            self.drop_list = self._drop_checklist(project, list(getattr(existing, "drop_lever_ids", []) or []))
            form.addRow(QLabel("Input contracts the optimizer decides instead\n(dropped in this scenario)"))
            form.addRow(self.drop_list)
            self.setMinimumWidth(640)  # the contracts' names are long
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @staticmethod
    def _drop_checklist(project: Project | None, dropped: list[str]) -> QListWidget:
        """One checkable row per offtake, price floor, grant and loan, by name (id in the tooltip);
        a dropped id the project no longer has stays listed (checked, 'unknown') until unchecked."""
        box = QListWidget()
        box.setToolTip("checked contracts are removed in this scenario; candidate floors and offtakes "
                       "(Contracts and levers tab) let the optimizer decide them instead")
        choices = droppable_contracts(project)
        known = {cid for cid, _ in choices}
        choices += [(lid, f"{lid} (unknown contract)") for lid in dropped if lid not in known]
        for cid, text in choices:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            item.setToolTip(f"id {cid}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if cid in dropped else Qt.CheckState.Unchecked)
            box.addItem(item)
        if not choices:
            box.addItem(QListWidgetItem("(the project has no offtakes, price floors, grants or loans)"))
        box.setMaximumHeight(22 * max(3, min(len(choices), 8)) + 6)
        return box

    def dropped_ids(self) -> list[str]:
        """The ids checked in the policy checklist, in list order."""
        box = self.drop_list
        if box is None:
            return []
        return [box.item(i).data(Qt.ItemDataRole.UserRole) for i in range(box.count())
                if box.item(i).checkState() == Qt.CheckState.Checked and box.item(i).data(Qt.ItemDataRole.UserRole)]

    def set_dropped(self, ids: list[str]) -> None:
        """Check exactly the contracts of ``ids`` (what a click on each row does)."""
        box = self.drop_list
        for i in range(box.count() if box is not None else 0):
            item = box.item(i)
            if item.data(Qt.ItemDataRole.UserRole):
                item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in ids
                                   else Qt.CheckState.Unchecked)

    @staticmethod
    def _initial(existing: Any, key: str) -> str:
        if existing is None:
            return ""
        obj = existing
        for part in key.split("."):
            obj = getattr(obj, part)
        if obj is None:
            return ""
        if isinstance(obj, list):
            return ", ".join(str(getattr(x, "value", x)) for x in obj)
        return str(getattr(obj, "value", obj))

    def build(self) -> Any:
        """Parse the form into a validated override; raises ValueError with a message."""
        data: dict[str, Any] = {"kind": self.kind}
        for key, label, parse, _hint in self.FIELDS[self.kind]:
            edit = self.edits[key]
            if isinstance(edit, QCheckBox):
                data[key] = edit.isChecked()
                continue
            try:
                value = parse(edit.text())
            except ValueError as e:
                raise ValueError(f"{label}: {e}") from None
            if value is None and self.kind != "demand":
                continue
            if key.startswith("where."):
                data.setdefault("where", {})[key.split(".", 1)[1]] = value
            else:
                data[key] = value
        if self.drop_list is not None:
            data["drop_lever_ids"] = self.dropped_ids()
        try:
            return _OVERRIDE_ADAPTER.validate_python(data)
        except ValidationError as e:
            raise ValueError(self._plain(validation_message(e))) from None

    def _plain(self, message: str) -> str:
        """'policy.government_budget_musd_per_year: must be >= 0' -> 'Government budget ($M/yr)
        cannot be negative' (the form's labels; messages without a field stay as they are)."""
        from ui.document.plain import plain_refusal

        labels = {key: label for key, label, _parse, _hint in self.FIELDS[self.kind]}
        out = []
        for part in message.split("; "):
            loc, sep, rest = part.partition(": ")
            key = loc.removeprefix(f"{self.kind}.")
            out.append(plain_refusal(rest, labels[key]) if sep and key in labels else part)
        return "; ".join(out)

    def accept(self) -> None:
        try:
            self._result = self.build()
        except ValueError as e:
            self.error.setText(str(e))
            return
        super().accept()

    def override(self) -> Any:
        return self._result


class ScenarioOverridesPanel(QWidget):
    """The overrides of the selected scenario: list, add (by kind), edit, remove (all undoable)."""

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.scenario: Scenario | None = None
        self.title = QLabel("Select a scenario to edit its overrides.")
        self.title.setWordWrap(True)  # a long scenario name wraps instead of widening the tab
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_selected())
        add = QPushButton("Add override")
        menu = QMenu(add)
        for kind, title in KIND_TITLES.items():
            menu.addAction(title, lambda k=kind: self.add_override(k))
        add.setMenu(menu)
        self.add_button = add
        self.edit_button = QPushButton("Edit...")
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        for b in (add, self.edit_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        for sig in (doc.items_inserted, doc.items_removed):
            sig.connect(lambda owner, attr, i: self.refresh() if owner is self.scenario else None)
        doc.field_changed.connect(lambda obj, attr: self.refresh())
        doc.project_replaced.connect(lambda: self.set_scenario(None))
        self.set_scenario(None)

    def set_scenario(self, scenario: Scenario | None) -> None:
        self.scenario = scenario
        self.refresh()

    def refresh(self) -> None:
        s = self.scenario
        if s is not None and s not in self.doc.project.scenarios:
            s = self.scenario = None
        row = self.list.currentRow()
        self.list.clear()
        for b in (self.add_button, self.edit_button, self.remove_button):
            b.setEnabled(s is not None)
        if s is None:
            self.title.setText("Select a scenario to edit its overrides.")
            return
        self.title.setText(f"Overrides of scenario <b>{html.escape(s.name or s.id)}</b> (applied in this order):")
        for o in s.overrides:
            item = QListWidgetItem(override_summary(o))
            item.setData(Qt.ItemDataRole.UserRole, o)
            if getattr(o, "drop_lever_ids", None):
                names = dict(droppable_contracts(self.doc.project))
                item.setToolTip("Dropped in this scenario: " + "; ".join(names.get(i, f"{i} (unknown)")
                                                                         for i in o.drop_lever_ids))
            self.list.addItem(item)
        if 0 <= row < self.list.count():
            self.list.setCurrentRow(row)

    def add_override(self, kind: str) -> None:
        if self.scenario is None:
            return
        dialog = OverrideDialog(kind, None, self, project=self.doc.project)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.doc.insert_item(self.scenario, "overrides", dialog.override(), text=f"Add {kind} override")

    def edit_selected(self) -> None:
        row = self.list.currentRow()
        if self.scenario is None or row < 0:
            return
        old = self.scenario.overrides[row]
        dialog = OverrideDialog(old.kind, old, self, project=self.doc.project)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.doc.replace_item(self.scenario, "overrides", row, dialog.override(), f"Edit {old.kind} override")

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if self.scenario is not None and row >= 0:
            self.doc.remove_item(self.scenario, "overrides", row, "Remove override")
