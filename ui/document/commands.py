"""Undo commands: every edit of a project is one of these small QUndoCommands.

A command changes the domain objects (pydantic models) in place and tells its document (any
object with the :class:`EditTarget` hooks; in the app, :class:`ui.document.document.Document`) so views
refresh. Commands never import the document: the dependency goes one way, document -> commands.
Compound edits (delete a facility and its routes) are QUndoStack macros of these commands.

Values are validated *before* a command is pushed (see ``Document.set_field``), so
``redo``/``undo`` only ever assign values that the model already accepted.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ValidationError
from PySide6.QtGui import QUndoCommand


class EditTarget(Protocol):
    """What a command needs of the document it edits: three change hooks."""

    def _field_changed(self, obj: BaseModel, field: str) -> None: ...

    def _insert(self, owner: BaseModel, attr: str, index: int, item: BaseModel) -> None: ...

    def _remove(self, owner: BaseModel, attr: str, index: int) -> None: ...


def assign(obj: BaseModel, field: str, value: Any) -> None:
    """Set ``obj.field = value`` through validation; fall back to a raw store.

    The fallback only matters on undo of a value that was valid when it was stored but no
    longer passes a cross-field check because of another edit: undo must restore it exactly.
    """
    try:
        setattr(obj, field, value)
    except ValidationError:
        obj.__dict__[field] = value


class SetFieldCommand(QUndoCommand):
    """Set one field of one domain object (facility, route, settings, ...)."""

    def __init__(self, doc: EditTarget, obj: BaseModel, field: str, old: Any, new: Any, text: str):
        super().__init__(text)
        self._doc, self._obj, self._field, self._old, self._new = doc, obj, field, old, new

    def redo(self) -> None:
        assign(self._obj, self._field, self._new)
        self._doc._field_changed(self._obj, self._field)

    def undo(self) -> None:
        assign(self._obj, self._field, self._old)
        self._doc._field_changed(self._obj, self._field)


class InsertItemCommand(QUndoCommand):
    """Insert ``item`` into the list ``owner.attr`` at ``index`` (e.g. project.facilities)."""

    def __init__(self, doc: EditTarget, owner: BaseModel, attr: str, index: int, item: BaseModel, text: str):
        super().__init__(text)
        self._doc, self._owner, self._attr, self._index, self._item = doc, owner, attr, index, item

    def redo(self) -> None:
        self._doc._insert(self._owner, self._attr, self._index, self._item)

    def undo(self) -> None:
        self._doc._remove(self._owner, self._attr, self._index)


class RemoveItemCommand(QUndoCommand):
    """Remove the item at ``index`` of ``owner.attr``; undo puts the same object back there."""

    def __init__(self, doc: EditTarget, owner: BaseModel, attr: str, index: int, text: str):
        super().__init__(text)
        self._doc, self._owner, self._attr, self._index = doc, owner, attr, index
        self._item = getattr(owner, attr)[index]

    def redo(self) -> None:
        self._doc._remove(self._owner, self._attr, self._index)

    def undo(self) -> None:
        self._doc._insert(self._owner, self._attr, self._index, self._item)
