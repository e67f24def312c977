"""Validation panel: every problem of the project, refreshed (debounced) after each change.

``models.validation.validate_project`` runs on the GUI thread 250 ms after the last change
(a few hundred objects take a few milliseconds). Clicking a problem emits
``location_activated(location)``; the main window selects the matching row, cell or node.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from models.validation import Problem, validate_project
from models.wording import count
from ui.document.document import Document

DEBOUNCE_MS = 250


class ValidationPanel(QWidget):
    location_activated = Signal(str)
    problems_changed = Signal(list)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.problems: list[Problem] = []
        self.summary = QLabel()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Severity", "Where", "Problem"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 460)  # "Where" names the object in words: give it room (tooltip: raw location)
        header.setStretchLastSection(True)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        doc.inputs_changed.connect(lambda _rev: self._timer.start())
        self.refresh()

    @property
    def pending(self) -> bool:
        """True while a refresh is scheduled (tests wait for it to clear)."""
        return self._timer.isActive()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self, problems: list | None = None) -> None:
        """Re-run every check now and list the problems (errors first); ``problems``: the checks
        already run on this very project (on a worker thread, when a file was opened)."""
        self._timer.stop()
        self.problems = validate_project(self.doc.project) if problems is None else list(problems)
        self.tree.clear()
        red, amber = QBrush(QColor("#b00020")), QBrush(QColor("#8a5a00"))
        for p in self.problems:
            item = QTreeWidgetItem([p.severity, self._where(p.location), p.message])
            item.setData(0, Qt.ItemDataRole.UserRole, p.location)
            item.setForeground(0, red if p.severity == "error" else amber)
            item.setToolTip(1, p.location)
            item.setToolTip(2, p.message)
            self.tree.addTopLevelItem(item)
        n_err = sum(1 for p in self.problems if p.severity == "error")
        n_warn = len(self.problems) - n_err
        if not self.problems:
            self.summary.setText("<span style='color:#1b7a3d'>No problems: the project can be solved.</span>")
        else:
            text = f"<b style='color:#b00020'>{count(n_err, 'error')}</b>" if n_err else "no errors"
            text += f", {count(n_warn, 'warning')}" if n_warn else ""
            self.summary.setText(text + (" \u00b7 errors block solving" if n_err else "")
                                 + " \u00b7 click a problem to go there")
        self.problems_changed.emit(self.problems)

    _KIND = {"facilities": "facility", "routes": "route", "markets": "market", "demands": "demand",
             "platforms": "platform", "scenarios": "scenario"}

    def _where(self, location: str) -> str:
        """Where a problem is, in words: 'facilities[3].capacity_tpy' -> 'Mt Weld mine: capacity (t/yr)'.

        The object's name (its id when unnamed) and the field in words; the raw location is
        the cell's tooltip.
        """
        from ui.document.locations import parse_location

        steps = parse_location(location)
        if steps and steps[0].index is not None:
            items = getattr(self.doc.project, steps[0].name, None)
            if isinstance(items, list) and 0 <= steps[0].index < len(items):
                obj = items[steps[0].index]
                name = getattr(obj, "name", "") or getattr(obj, "id", "")
                if steps[0].name == "routes":  # routes have no name: their ends say what they are
                    from ui.document.names import facility_name

                    name = (f"{facility_name(self.doc.project, obj.from_id)} \u2192 "
                            f"{facility_name(self.doc.project, obj.to_id)}")
                if name:
                    head = f"{steps[0].name}[{steps[0].index}]"
                    rest = location[len(head):].lstrip(".")
                    kind = self._KIND.get(steps[0].name, steps[0].name)
                    where = f"{name} ({kind})"
                    return f"{where}: {_field_words(rest)}" if rest else where
        if len(steps) > 1 and steps[0].name == "levers":  # 'DoD price floor (price floor): floor ($/t)'
            policy = steps[1].name == "policy" and len(steps) > 2
            head = steps[2] if policy else steps[1]
            owner = self.doc.project.levers.policy if policy else self.doc.project.levers
            items = getattr(owner, head.name, None)
            if policy and head.index is None and len(steps) > 3 and head.name in _MARGIN_NAMES:
                # 'Operating margin by facility: MP Materials separation'
                title, name_of = _MARGIN_NAMES[head.name]
                return f"Contracts and levers: {title}, {name_of(self.doc.project, steps[3].name)}"
            if head.index is not None and isinstance(items, list) and 0 <= head.index < len(items):
                obj = items[head.index]
                prefix = f"levers.policy.{head.name}[{head.index}]" if policy else f"levers.{head.name}[{head.index}]"
                rest = location[len(prefix):].lstrip(".")
                kind = _LEVER_KINDS.get(head.name, head.name)
                where = f"{getattr(obj, 'name', '') or obj.id} ({kind})"
                return f"{where}: {_field_words(rest)}" if rest else where
            return f"Contracts and levers: {_field_words(location[len('levers'):].lstrip('.'))}"
        if steps and steps[0].name == "settings":
            return f"Settings: {_field_words(location[len('settings'):].lstrip('.'))}"
        return _field_words(location)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        location = item.data(0, Qt.ItemDataRole.UserRole)
        if location:
            self.location_activated.emit(location)

    def select_problem(self, row: int) -> None:
        """Activate the problem in ``row`` as a click would (keyboard / tests)."""
        item = self.tree.topLevelItem(row)
        if item is not None:
            self.tree.setCurrentItem(item)
            self._activated(item)

    def problem_cells(self, list_name: str) -> dict[tuple[int, str], str]:
        """{(row, field): severity} of the problems located in ``project.<list_name>``."""
        from ui.document.locations import target_of

        out: dict[tuple[int, str], str] = {}
        for p in self.problems:
            t = target_of(p.location)
            if t.list_name == list_name and t.row is not None and t.sub_list is None:
                key = (t.row, t.field or "")
                if out.get(key) != "error":
                    out[key] = p.severity
        return out

    def closeEvent(self, event: Any) -> None:
        self._timer.stop()
        super().closeEvent(event)


_LEVER_KINDS = {"offtakes": "offtake", "price_floors": "price floor", "grants": "grant", "loans": "loan",
                "import_licences": "import licence", "stockpiles": "government stockpile",
                "candidate_floors": "candidate price floor", "candidate_offtakes": "candidate guaranteed offtake"}


def _option_name(project: Any, option_id: str) -> str:
    from ui.document.names import investment_name

    for f in project.facilities:
        if any(o.id == option_id for o in f.options):
            return investment_name(project, f.id, option_id)
    return f"{option_id} (unknown option)"


def _facility_name(project: Any, facility_id: str) -> str:
    from ui.document.names import facility_name

    return facility_name(project, facility_id) if any(f.id == facility_id for f in project.facilities) \
        else f"{facility_id} (unknown facility)"


#: the policy page's {id: margin} tables: title, id -> name
_MARGIN_NAMES = {"option_margins_usd_per_t": ("operating margin by expansion option", _option_name),
                 "facility_margins_usd_per_t": ("operating margin by facility", _facility_name)}

_UNITS = (("_musd_per_tpy", " ($M per t/yr)"), ("_musd_per_yr", " ($M/yr)"), ("_usd_per_t_yr", " ($/t/yr)"),
          ("_usd_per_t_km", " ($/t-km)"), ("_usd_per_t", " ($/t)"), ("_musd", " ($M)"), ("_tpy", " (t/yr)"),
          ("_t", " (t)"), ("_s", " (s)"))


def _field_words(path: str) -> str:
    """'capacity_tpy' -> 'capacity (t/yr)'; 'options[0].max_add_tpy' -> 'option 1, max add (t/yr)'."""
    import re

    parts = []
    for step in path.split("."):
        m = re.fullmatch(r"([A-Za-z_]+)\[(\d+)\]", step)
        if m:
            noun = m.group(1)
            noun = noun[:-3] + "y" if noun.endswith("ies") else noun[:-1] if noun.endswith("s") else noun
            parts.append(f"{noun.replace('_', ' ')} {int(m.group(2)) + 1}")
            continue
        unit = ""
        for suffix, words in _UNITS:
            if step.endswith(suffix):
                step, unit = step[: -len(suffix)], words
                break
        parts.append(step.replace("_", " ") + unit)
    return ", ".join(p for p in parts if p.strip())
