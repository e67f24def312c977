"""Open for repair: a project file with bad values opened with stand-ins, fixed in place.

When a file fails the schema (a negative capacity, a discount rate of 2) but is JSON of the right
shape, the "Cannot open project" box offers **Open for repair** and Cancel. Open for repair reads the
file with ``models.repair`` (same limits as any open; nothing executed), shows the project with a
stand-in for each bad value, and lists every bad value first in the Validation panel by the thing's
name and the field's label, with the value the file has; clicking one selects its row and field.

While any stand-in remains (ui.document.repair.RepairSession):
- the window title says "(repair)";
- Solve, Compare, Risk, the N-1 stress test, sensitivity sweeps and the exports are disabled,
  their tooltips saying why;
- Save to the file that was opened is refused (its bad values are never overwritten by stand-ins
  without the user deciding); Save As to another file is allowed and leaves the original as it was.
Each fix is an ordinary undoable edit (or "Keep the stand-in", also undoable). Once every value is
fixed, Save writes the file atomically (a ``.bak`` of the old one kept) and repair mode ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from models.io import ProjectFileError
from models.repair import repair_project_file
from models.wording import count
from ui.document.repair import RepairSession
from ui.shell import dialogs

_TIP_KEY = "repair_saved_tooltip"


@dataclass
class Prepared:
    """A file that failed strict loading, read again with stand-ins on the open's worker thread."""

    error: ProjectFileError
    project: Any
    repairs: list


def prepare(path: str, error: ProjectFileError) -> ProjectFileError | Prepared:
    """On a worker thread (no widgets): the file read with stand-ins when ``error`` is repairable
    and the file's structure allows it; else ``error`` itself."""
    if not error.repairable:
        return error
    try:
        project, repairs = repair_project_file(path)
    except ProjectFileError:
        error.repairable = False  # its structure is wrong: the plain refusal, without a second read
        return error
    return Prepared(error, project, repairs)


def offer(window: Any, path: str, error: ProjectFileError, prepared: Prepared | None = None) -> bool | None:
    """The "Cannot open" box of a file whose values failed: Open for repair or Cancel. True when the
    project was opened for repair, False when cancelled, None when the file cannot be repaired
    (its structure is wrong: the caller shows the plain refusal). ``prepared``: the file already
    read with stand-ins (File > Open reads it on a worker thread)."""
    name = Path(path).name
    if prepared is None:
        prepared = prepare(path, error)
        if not isinstance(prepared, Prepared):
            return None
    project, repairs = prepared.project, prepared.repairs
    answer = dialogs.exec_dialog(dialogs.repair_box(window, name, error.lines))
    if answer != QMessageBox.StandardButton.Open:
        window.show_message(f"Could not open {path}")
        return False
    window.autosaver.discard()
    window.doc.set_project(project, str(Path(path).resolve()))
    window.doc.repair = RepairSession(project, repairs, str(Path(path).resolve()))
    window._autosaved_revision = window.doc.revision
    window.kept_plan_problem = ""
    window.validation.refresh()
    window.validation_dock.show()
    window._update_title()
    window.show_message(f"Opened {name} for repair: {count(len(repairs), 'bad value')} to fix, see Validation", 15000)
    return True


def open_count(window: Any) -> int:
    """How many stand-ins are still open (0 outside repair mode)."""
    repair = window.doc.repair
    return len(repair.open_items(window.doc.project)) if repair is not None else 0


def title_suffix(window: Any) -> str:
    return " (repair)" if window.doc.repair is not None else ""


def may_save(window: Any, path: str) -> bool:
    """False (and a box saying why) when ``path`` is the file opened for repair and stand-ins remain."""
    repair = window.doc.repair
    n = open_count(window)
    if repair is None or n == 0:
        return True
    try:
        same = Path(path).resolve() == Path(repair.original_path).resolve()
    except OSError:
        same = False
    if not same:
        return True
    dialogs.exec_dialog(dialogs.error_box(
        window, "Cannot save yet",
        f"{count(n, 'value')} of {Path(path).name} still {'holds a stand-in' if n == 1 else 'hold stand-ins'}.",
        "Fix them (see Validation), or keep a stand-in with \u201cKeep the stand-in\u201d, before saving over "
        "the file you opened; the file keeps its own values until then. Save As writes a copy with the "
        "stand-ins to another file."))
    return False


def saved(window: Any) -> None:
    """After a successful save: repair mode ends once no stand-in is open."""
    if window.doc.repair is not None and open_count(window) == 0:
        window.doc.repair = None
        window.validation.refresh()
    window._update_title()
    gate(window)


def _task_panels(window: Any) -> list:
    """The panels that solve (compare, risk, N-1 stress, sensitivity): each has ``run_button``."""
    risk = getattr(window, "risk_panel", None)
    panels = [getattr(window, "compare_view", None), risk, getattr(risk, "stress_panel", None),
              getattr(window, "sensitivity_panel", None)]
    return [p for p in panels if p is not None and getattr(p, "run_button", None) is not None]


def _gated(window: Any) -> list:
    dash = window.results_dashboard
    buttons = [window.solve_panel.solve_button, *(p.run_button for p in _task_panels(window)),
               dash.export_xlsx_button, dash.export_json_button, dash.decision_view.export_button]
    return [w for w in buttons if w is not None]


def gate(window: Any) -> None:
    """Disable Solve, Compare, Risk, stress, sensitivity and the exports (tooltip: why) while
    stand-ins remain; give them back when none does (a run button as its panel says: idle = on;
    the exports stay as the plan leaves them: there is none after an Open for repair)."""
    n = open_count(window)
    why = (f"Disabled: the project was opened for repair and {count(n, 'value')} still "
           f"{'holds a stand-in' if n == 1 else 'hold stand-ins'} (see Validation)")
    runs = {id(p.run_button): p for p in _task_panels(window)}
    for w in _gated(window):
        saved_tip = w.property(_TIP_KEY)
        if n:
            if saved_tip is None:
                w.setProperty(_TIP_KEY, w.toolTip())
            w.setToolTip(why)
            w.setEnabled(False)
        elif saved_tip is not None:
            w.setToolTip(saved_tip)
            w.setProperty(_TIP_KEY, None)
            if w is window.solve_panel.solve_button:
                w.setEnabled(not window.solve_panel.is_running)
            elif id(w) in runs:
                w.setEnabled(not runs[id(w)].is_running())
    window.act_export_brief.setEnabled(n == 0)
    window.act_export_brief.setToolTip(why if n else "Write the plan's one-page decision brief as a PDF")
    window._update_title()


def install(window: Any) -> None:
    """Follow every check of the Validation panel (edits, undo, redo, open) with the gate."""
    window.validation.problems_changed.connect(lambda _p: gate(window))
