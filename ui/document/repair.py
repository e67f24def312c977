"""A project opened for repair: its stand-in values, followed through the user's edits (no widgets).

``models.repair`` opened a file whose values failed the schema, giving each bad value a stand-in.
A :class:`RepairSession` keeps those repairs beside the document (``Document.repair``) and says which
are still open: a repair is open while its field still holds the stand-in (the value right after
opening) and the user has not chosen to keep the stand-in. Objects are followed by identity, so a
problem's location stays right when rows above it are added or deleted (undo puts the same object
back, and its problem with it); an object deleted from the project takes its problem with it.

Fixing a value is an ordinary edit (one undo step); "Keep the stand-in" is an undoable
:class:`KeepStandInCommand`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QUndoCommand

from models.problem_names import labels_in_text, load_message
from models.repair import MISSING, Repair, owner_of
from models.validation import Problem, format_loc


@dataclass(eq=False)
class TrackedRepair:
    """One repair and the objects it lives in: ``chain`` holds (list name, item) for every list step
    of its path (how its current location is found), ``owner`` the object holding the field."""

    repair: Repair
    chain: list[tuple[Any, str, Any]]  # (parent object, list attribute, item)
    owner: Any
    standin: Any
    tail: str  # the location after the owner: 'capacity_tpy', 'tonnes_by_year.2031'
    kept: bool = field(default=False)

    def location(self, project: Any) -> str | None:
        """The current location of the bad value ('facilities[2].capacity_tpy'), None when its
        object is no longer in the project."""
        parts: list[Any] = []
        steps = list(self.repair.path)
        k = 0
        obj: Any = project
        i = 0
        while i < len(steps):
            step = steps[i]
            if i + 1 < len(steps) and isinstance(steps[i + 1], int):
                parent, attr, item = self.chain[k]
                k += 1
                if parent is not obj:
                    return None
                items = getattr(obj, attr, None)
                index = next((j for j, x in enumerate(items or []) if x is item), None)
                if index is None:
                    return None
                parts += [attr, index]
                obj = item
                i += 2
                continue
            obj = obj.get(step) if isinstance(obj, dict) else getattr(obj, step, None)
            parts.append(step)
            if obj is None:
                return None
            i += 1
        if obj is not self.owner:
            return None
        head = format_loc(parts)
        return f"{head}.{self.tail}" if head and self.tail and not self.tail.startswith("[") else head + self.tail

    def is_open(self, project: Any) -> bool:
        if self.kept:
            return False
        if self.repair.field is not None and getattr(self.owner, self.repair.field, None) != self.standin:
            return False  # the user changed the value
        return self.location(project) is not None


class RepairSession:
    """The repairs of a project opened for repair; ``original_path`` is the file as it was read."""

    def __init__(self, project: Any, repairs: list[Repair], original_path: str):
        self.original_path = original_path
        self.items: list[TrackedRepair] = []
        for r in repairs:
            owner = owner_of(project, r.path)
            if owner is None:
                continue
            chain = []
            obj: Any = project
            steps = list(r.path)
            i = 0
            while i < len(steps):
                if i + 1 < len(steps) and isinstance(steps[i + 1], int):
                    item = getattr(obj, steps[i])[steps[i + 1]]
                    chain.append((obj, steps[i], item))
                    obj = item
                    i += 2
                else:
                    obj = obj.get(steps[i]) if isinstance(obj, dict) else getattr(obj, steps[i])
                    i += 1
            standin = copy.deepcopy(getattr(owner, r.field)) if r.field is not None else None
            tail = r.location[len(format_loc(r.path)):].lstrip(".")
            self.items.append(TrackedRepair(r, chain, owner, standin, tail))

    def open_items(self, project: Any) -> list[tuple[TrackedRepair, str]]:
        """(repair, current location) of every repair still open, in file order."""
        out = []
        for t in self.items:
            if t.is_open(project):
                loc = t.location(project)
                if loc is not None:
                    out.append((t, loc))
        return out

    def problems(self, project: Any) -> list[Problem]:
        """The open repairs as errors for the Validation panel: 'must be >= 0: the file has -5;
        0 until you fix it (or keep it)'."""
        out = []
        for t, loc in self.open_items(project):
            r = t.repair
            out.append(Problem(loc, f"{labels_in_text(r.message)}: the file has {r.found_shown}; "
                                    f"{r.standin_text} until you fix it (or keep it)"))
        return out

    def texts(self, project: Any) -> list[str]:
        """The open repairs by the thing's name and the field's label (models.problem_names)."""
        out = []
        for t, loc in self.open_items(project):
            r = t.repair
            found = None if r.found is MISSING else r.found
            out.append(load_message(loc, r.message, project, found, r.found is not MISSING))
        return out

    def at(self, project: Any, location: str) -> TrackedRepair | None:
        """The open repair now at ``location`` (None when none)."""
        for t, loc in self.open_items(project):
            if loc == location:
                return t
        return None


class KeepStandInCommand(QUndoCommand):
    """Keep a repair's stand-in value (the problem is closed; undo opens it again)."""

    def __init__(self, doc: Any, tracked: TrackedRepair, text: str):
        super().__init__(text)
        self._doc, self._tracked = doc, tracked

    def redo(self) -> None:
        self._tracked.kept = True
        self._doc._touch()

    def undo(self) -> None:
        self._tracked.kept = False
        self._doc._touch()


__all__ = ["KeepStandInCommand", "RepairSession", "TrackedRepair"]
