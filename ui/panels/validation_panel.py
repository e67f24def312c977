"""Validation panel: every problem of the project, refreshed (debounced) after each change.

``models.validation.validate_project`` runs on the GUI thread 250 ms after the last change
(a few hundred objects take a few milliseconds). Clicking a problem emits
``location_activated(location)``; the main window selects the matching row, cell or node.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.problem_names import where_words
from models.validation import Problem, validate_project
from models.wording import count
from ui.document.document import Document

DEBOUNCE_MS = 250
_REPAIR_ROLE = Qt.ItemDataRole.UserRole + 1


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
        # a file opened for repair: keep the stand-in of the selected bad value (undoable)
        self.keep_button = QPushButton("Keep the stand-in")
        self.keep_button.setToolTip("Accept the value shown instead of the file's bad value (Undo takes it back)")
        self.keep_button.clicked.connect(self.keep_selected_standin)
        self.tree.currentItemChanged.connect(lambda *_a: self._update_keep_button())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.keep_button)
        layout.addLayout(top)
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
        repair = getattr(self.doc, "repair", None)  # a file opened for repair: its stand-in values first
        repairs = repair.problems(self.doc.project) if repair is not None else []
        checked = validate_project(self.doc.project) if problems is None else list(problems)
        self.problems = repairs + checked
        self.tree.clear()
        red, amber = QBrush(QColor("#b00020")), QBrush(QColor("#8a5a00"))
        for k, p in enumerate(self.problems):
            repaired = k < len(repairs)
            item = QTreeWidgetItem(["bad value" if repaired else p.severity, self._where(p.location), p.message])
            item.setData(0, Qt.ItemDataRole.UserRole, p.location)
            item.setData(0, _REPAIR_ROLE, repaired)  # a bad value of the file, held as a stand-in
            if repaired:
                item.setToolTip(0, "The file has a value that is not valid; a stand-in is shown until you fix it "
                                   "(Undo brings it back) or keep the stand-in")
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
            if repairs:
                text += (f" \u00b7 <b>opened for repair</b>: {count(len(repairs), 'bad value')} from the file "
                         "shown with a stand-in; solve and export wait until "
                         f"{'it is' if len(repairs) == 1 else 'they are'} fixed")
            self.summary.setText(text + (" \u00b7 errors block solving" if n_err and not repairs else "")
                                 + " \u00b7 click a problem to go there")
        self._update_keep_button()
        self.problems_changed.emit(self.problems)

    def _update_keep_button(self) -> None:
        self.keep_button.setVisible(getattr(self.doc, "repair", None) is not None)
        item = self.tree.currentItem()
        self.keep_button.setEnabled(item is not None and bool(item.data(0, _REPAIR_ROLE)))

    def keep_selected_standin(self) -> bool:
        """Keep the stand-in of the selected bad value of a file opened for repair (one undo step)."""
        from ui.document.repair import KeepStandInCommand

        item = self.tree.currentItem()
        repair = getattr(self.doc, "repair", None)
        if item is None or repair is None or not item.data(0, _REPAIR_ROLE):
            return False
        tracked = repair.at(self.doc.project, item.data(0, Qt.ItemDataRole.UserRole))
        if tracked is None:
            return False
        where = self._where(item.data(0, Qt.ItemDataRole.UserRole))
        self.doc.undo_stack.push(KeepStandInCommand(self.doc, tracked, f"Keep {tracked.repair.standin_text} "
                                                                       f"for {where}"))
        self.refresh()
        return True

    def _where(self, location: str) -> str:
        """Where a problem is, in words: 'facilities[3].capacity_tpy' -> 'Mt Weld mine (facility): capacity (t/yr)'.

        The object's name (its id when unnamed) and the field's label, worded by
        models.problem_names (as the command line and the "Cannot open" box say it); the raw
        location is the cell's tooltip.
        """
        from ui.document.locations import parse_location

        steps = parse_location(location)
        if len(steps) > 3 and steps[0].name == "levers" and steps[1].name == "policy" \
                and steps[2].index is None and steps[2].name in _MARGIN_NAMES:
            # 'Contracts and levers: operating margin by facility, MP Materials separation'
            title, name_of = _MARGIN_NAMES[steps[2].name]
            return f"Contracts and levers: {title}, {name_of(self.doc.project, steps[3].name)}"
        return where_words(location, self.doc.project)

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
