"""The open project as a Qt document: the domain objects, one undo stack, change signals.

Views never change domain objects directly: they call ``set_field`` / ``insert_item`` /
``remove_item`` / ``add_facility`` / ``remove_facility``, which validate the new value
(pydantic, ``validate_assignment=True``), push a :mod:`ui.document.commands` command and emit signals.
A refused value is reported (return value and ``edit_rejected``) and never stored.

Signals (for table models, the chain view, the solve and results panels):

- ``project_replaced()``: New / Open / Recover swapped the whole project; rebuild views.
- ``field_changed(obj, field)``: one field of one domain object changed (edit, undo, redo).
- ``items_about_to_insert / items_inserted(owner, attr, index)``: a list such as
  ``project.facilities`` or ``facility.options`` grows by one item at ``index``.
- ``items_about_to_remove / items_removed(owner, attr, index)``: it shrinks by one.
- ``inputs_changed(revision)``: any input changed; ``revision`` increases by one every time.
  A result solved at revision r is out of date when ``doc.revision != r``
  (``result_is_stale``).
- ``result_changed(result)``: ``set_result`` stored a new PlanResult (or None).
- ``modified_changed(bool)``, ``path_changed(str)``, ``edit_rejected(str)``,
  ``current_facility_changed(obj | None)`` (shared selection of chain view, tables, inspector).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from typing import Any, Iterator

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from models import Facility, Project
from models.validation import problems_from_validation_error
from ui.document.commands import InsertItemCommand, RemoveItemCommand, SetFieldCommand
from ui.document.new_ids import follow_stage


def validation_message(err: ValidationError, field: str | None = None) -> str:
    """One readable line for a refused edit, e.g. ``capacity_tpy: must be >= 0``."""
    problems = problems_from_validation_error(err)
    parts = []
    for p in problems:
        loc = p.location or (field or "")
        parts.append(f"{loc}: {p.message}" if loc else p.message)
    return "; ".join(parts) or str(err)


def unique_id(prefix: str, taken: set[str]) -> str:
    """``prefix``, or ``prefix-2``, ``prefix-3``... whichever is not in ``taken``."""
    prefix = re.sub(r"[^A-Za-z0-9_.\-]", "-", prefix).strip("-_.") or "item"
    if prefix not in taken:
        return prefix
    n = 2
    while f"{prefix}-{n}" in taken:
        n += 1
    return f"{prefix}-{n}"


class Document(QObject):
    project_replaced = Signal()
    field_changed = Signal(object, str)
    items_about_to_insert = Signal(object, str, int)
    items_inserted = Signal(object, str, int)
    items_about_to_remove = Signal(object, str, int)
    items_removed = Signal(object, str, int)
    inputs_changed = Signal(int)
    result_changed = Signal(object)
    modified_changed = Signal(bool)
    path_changed = Signal(str)
    edit_rejected = Signal(str)
    current_facility_changed = Signal(object)

    def __init__(self, project: Project | None = None, path: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._project = project if project is not None else Project()
        self._path = path
        self._revision = 0
        self._result: Any = None
        self._result_revision: int | None = None
        self._result_digest: str | None = None
        self._digests: dict[int, str] = {}  # revision -> digest of the inputs (computed on demand)
        self._current_facility: Facility | None = None
        #: a ui.document.repair.RepairSession while a file opened for repair has stand-in values
        self.repair: Any = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    # ----------------------------------------------------------------- state
    @property
    def project(self) -> Project:
        return self._project

    @property
    def path(self) -> str | None:
        return self._path

    @property
    def revision(self) -> int:
        """Increases by one with every change of inputs (edit, undo, redo, new project)."""
        return self._revision

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def set_project(self, project: Project, path: str | None = None, modified: bool = False) -> None:
        """Replace the whole project (New / Open / Recover). Clears undo history and the result.

        ``modified=True`` (a recovered autosave) marks the document unsaved although the undo
        history is empty.
        """
        self.set_current_facility(None)
        self._project = project
        self.repair = None  # the caller sets a new session after an "Open for repair"
        self.undo_stack.clear()
        if modified:
            self.undo_stack.resetClean()
        self.set_path(path)
        self._result, self._result_revision, self._result_digest = None, None, None
        self._digests.clear()
        self.project_replaced.emit()
        self.result_changed.emit(None)
        self._touch()

    def set_path(self, path: str | None) -> None:
        self._path = path
        self.path_changed.emit(path or "")

    def mark_saved(self, path: str) -> None:
        """After a successful save: remember the path and make this undo state the clean one."""
        self.set_path(path)
        self.undo_stack.setClean()

    # ---------------------------------------------------------------- result
    @property
    def result(self) -> Any:
        """The last PlanResult set by the solve panel (None before the first solve)."""
        return self._result

    @property
    def result_revision(self) -> int | None:
        return self._result_revision

    @property
    def result_is_stale(self) -> bool:
        """True when the inputs differ from those the stored result was solved from.

        Compared by content (``input_digest``), so undoing back to the solved inputs (or typing
        the old value back) makes the result current again; without a digest of the solved
        inputs, any change after the solve makes it stale.
        """
        if self._result is None or self._result_revision == self._revision:
            return False
        if self._result_digest is None:
            return True
        return self.input_digest() != self._result_digest

    def input_digest(self) -> str:
        """SHA-1 of the project's JSON at the current revision (cached; about 1 ms on the sample)."""
        d = self._digests.get(self._revision)
        if d is None:
            d = hashlib.sha1(self._project.model_dump_json().encode("utf-8")).hexdigest()
            if len(self._digests) > 64:
                self._digests.clear()
            self._digests[self._revision] = d
        return d

    def set_result(self, result: Any, revision: int | None = None) -> None:
        """Store a PlanResult solved from inputs at ``revision`` (default: the current one).

        A solve should call ``input_digest()`` when it starts, so that a result arriving after
        further edits can still be recognised as current once those edits are undone.
        """
        self._result = result
        self._result_revision = self._revision if revision is None else revision
        if self._result_revision == self._revision:
            self._result_digest = self.input_digest()
        else:
            self._result_digest = self._digests.get(self._result_revision)
        self.result_changed.emit(result)

    @property
    def result_digest(self) -> str | None:
        """Digest of the inputs the stored result was solved from (None when not known)."""
        return self._result_digest

    def restore_result(self, result: Any, digest: str | None) -> None:
        """Show a result kept from an earlier session (planner.reports.plan_file), solved from
        inputs with ``digest``: current when the project's inputs have that digest, else out of
        date (and current again if edits bring the inputs back to it)."""
        self._result = result
        self._result_digest = digest
        self._result_revision = self._revision if digest is not None and digest == self.input_digest() else -1
        self.result_changed.emit(result)

    # ------------------------------------------------------------- selection
    @property
    def current_facility(self) -> Facility | None:
        return self._current_facility

    def set_current_facility(self, facility: Facility | None) -> None:
        if facility is not self._current_facility:
            self._current_facility = facility
            self.current_facility_changed.emit(facility)

    # ----------------------------------------------------------------- edits
    def set_field(self, obj: BaseModel, field: str, value: Any, text: str | None = None) -> str | None:
        """Validate and set ``obj.field = value`` as one undoable command.

        Returns None on success (also when the value is unchanged: nothing is pushed), or the
        message of the refused value; a refused value is not stored and nothing is pushed.
        Renaming a facility id also renames it in routes, scenario filters and the risk catalogue's
        facility outages (one macro).
        """
        probe = obj.model_copy()
        try:
            setattr(probe, field, value)
        except ValidationError as e:
            message = validation_message(e, field)
            self.edit_rejected.emit(message)
            return message
        new = getattr(probe, field)
        old = getattr(obj, field)
        if new == old and type(new) is type(old):
            return None
        label = text or f"Edit {field.replace('_', ' ')}"
        if isinstance(obj, Facility) and field == "stage" and obj in self._project.facilities:
            new_id, new_name = follow_stage(self._project, obj, new, self.taken_ids("facilities"), unique_id)
            if new_id is not None or new_name is not None:
                with self.macro(label):  # the stage, and the id and name that were derived from it
                    self.undo_stack.push(SetFieldCommand(self, obj, field, old, new, label))
                    if new_id is not None:
                        self.undo_stack.push(SetFieldCommand(self, obj, "id", obj.id, new_id, "Rename"))
                    if new_name is not None:
                        self.undo_stack.push(SetFieldCommand(self, obj, "name", obj.name, new_name, "Rename"))
                return None
        if isinstance(obj, Facility) and field == "id" and obj in self._project.facilities:
            with self.macro(f"Rename facility {old} to {new}"):
                self.undo_stack.push(SetFieldCommand(self, obj, field, old, new, label))
                self._rename_references(old, new)
            return None
        self.undo_stack.push(SetFieldCommand(self, obj, field, old, new, label))
        return None

    def insert_item(self, owner: BaseModel, attr: str, item: BaseModel, index: int | None = None,
                    text: str | None = None) -> int:
        """Insert ``item`` into ``owner.attr`` (append when ``index`` is None); returns the index."""
        items = getattr(owner, attr)
        index = len(items) if index is None else max(0, min(index, len(items)))
        self.undo_stack.push(InsertItemCommand(self, owner, attr, index, item, text or f"Add to {attr}"))
        return index

    def remove_item(self, owner: BaseModel, attr: str, index: int, text: str | None = None) -> None:
        """Remove ``owner.attr[index]`` undoably. Facilities: use ``remove_facility``."""
        self.undo_stack.push(RemoveItemCommand(self, owner, attr, index, text or f"Delete from {attr}"))

    def add_facility(self, facility: Facility, index: int | None = None) -> int:
        return self.insert_item(self._project, "facilities", facility, index,
                                f"Add facility {facility.name or facility.id}")

    def remove_facility(self, facility: Facility) -> None:
        """Delete a facility, every route from or to it and its outage rate and slips in the risk
        catalogue, as one undoable step."""
        p = self._project
        index = next(i for i, f in enumerate(p.facilities) if f is facility)
        with self.macro(f"Delete facility {facility.name or facility.id}"):
            for i in range(len(p.routes) - 1, -1, -1):
                r = p.routes[i]
                if facility.id in (r.from_id, r.to_id):
                    self.undo_stack.push(RemoveItemCommand(self, p, "routes", i, f"Delete route {r.id}"))
            cat = p.settings.risk.catalogue  # its own outage rate goes with it (a dangling id is an error)
            for attr, what in (("facility_outages", "outage"), ("facility_slips", "slips")):
                entries = getattr(cat, attr) if cat is not None else []
                for i in range(len(entries) - 1, -1, -1):
                    if entries[i].facility_id == facility.id:
                        self.undo_stack.push(RemoveItemCommand(self, cat, attr, i,
                                                               f"Delete its {what} in the risk catalogue"))
            if self._current_facility is facility:
                self.set_current_facility(None)
            self.undo_stack.push(RemoveItemCommand(self, p, "facilities", index, f"Delete facility {facility.id}"))

    def replace_item(self, owner: BaseModel, attr: str, index: int, item: BaseModel, text: str | None = None) -> None:
        """Swap ``owner.attr[index]`` for ``item`` (one undo step)."""
        with self.macro(text or f"Edit {attr}"):
            self.undo_stack.push(RemoveItemCommand(self, owner, attr, index, "remove"))
            self.undo_stack.push(InsertItemCommand(self, owner, attr, index, item, "insert"))

    @contextlib.contextmanager
    def macro(self, text: str) -> Iterator[None]:
        """Group the commands pushed inside into one undo step."""
        self.undo_stack.beginMacro(text)
        try:
            yield
        finally:
            self.undo_stack.endMacro()

    def taken_ids(self, attr: str) -> set[str]:
        """Ids in use in ``project.attr`` (options: across all facilities)."""
        if attr == "options":
            return {o.id for f in self._project.facilities for o in f.options}
        return {x.id for x in getattr(self._project, attr)}

    def _rename_references(self, old: str, new: str) -> None:
        p = self._project
        for r in p.routes:
            for end in ("from_id", "to_id"):
                if getattr(r, end) == old:
                    self.undo_stack.push(SetFieldCommand(self, r, end, old, new, f"Rename in route {r.id}"))
        for obj, field, before, after in _facility_id_fields(p, old, new):
            self.undo_stack.push(SetFieldCommand(self, obj, field, before, after,
                                                 "Rename its references"))
        for s in p.scenarios:
            for o in s.overrides:
                where = getattr(o, "where", None)
                if where is not None and old in where.ids:
                    ids = [new if i == old else i for i in where.ids]
                    self.undo_stack.push(SetFieldCommand(self, where, "ids", list(where.ids), ids,
                                                         "Rename in scenario"))

    def _on_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)

    # ------------------------------------------- called by commands only
    def _field_changed(self, obj: BaseModel, field: str) -> None:
        self.field_changed.emit(obj, field)
        self._touch()

    def _insert(self, owner: BaseModel, attr: str, index: int, item: BaseModel) -> None:
        self.items_about_to_insert.emit(owner, attr, index)
        getattr(owner, attr).insert(index, item)
        self.items_inserted.emit(owner, attr, index)
        self._touch()

    def _remove(self, owner: BaseModel, attr: str, index: int) -> None:
        self.items_about_to_remove.emit(owner, attr, index)
        item = getattr(owner, attr).pop(index)
        if item is self._current_facility:
            self.set_current_facility(None)
        self.items_removed.emit(owner, attr, index)
        self._touch()

    def _touch(self) -> None:
        self._revision += 1
        self.inputs_changed.emit(self._revision)


def _facility_id_fields(root: Any, old: str, new: str) -> list[tuple[BaseModel, str, Any, Any]]:
    """Every field below ``root`` that names facility ``old`` by id, as (object, field, value, value
    with ``new``): a ``facility_id`` equal to ``old`` (contracts, price floors, loans, guaranteed
    offtakes, reported output, the risk catalogue's outages and slips) or a ``facility_ids`` list
    holding it (sales markets and their scenario overrides), or a ``facility_*`` table keyed by it
    (the policy's facility margins). Facilities themselves are not entered."""
    found: list[tuple[BaseModel, str, Any, Any]] = []
    stack: list[Any] = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, (list, tuple)):
            stack.extend(obj)
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, BaseModel) and not isinstance(obj, Facility):
            for name in type(obj).model_fields:
                value = getattr(obj, name)
                if name == "facility_id" and value == old:
                    found.append((obj, name, value, new))
                elif name == "facility_ids" and isinstance(value, list) and old in value:
                    found.append((obj, name, list(value), [new if v == old else v for v in value]))
                elif name.startswith("facility_") and isinstance(value, dict) and old in value:  # keyed by id
                    found.append((obj, name, dict(value), {new if k == old else k: v for k, v in value.items()}))
                elif isinstance(value, (BaseModel, list, tuple, dict)):
                    stack.append(value)
    return found
