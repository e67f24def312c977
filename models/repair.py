"""Open a project file whose values fail the schema, to repair it (the app's "Open for repair").

The file is read as strictly as ``models.io`` reads it (size, UTF-8, JSON without NaN or duplicate
keys, nesting and value-count limits, schema migration; nothing in it is executed). Then, where
strict loading stops at the first bad values, each bad value gets a safe stand-in so that the rest
of the project can be shown and edited:

- a bad field value, or a missing required field: the field's default (a capacity of -5 becomes
  0, a discount rate of 2 becomes 0.08); a required field without a default gets a plain value
  (a number: 0, or the nearest bound of its range; "" for text; the first stage for a stage;
  ``repaired-1`` for an id);
- a bad entry of a list or table of plain values (a ramp-up share of 1.5, the tonnes of one year):
  the whole field's default (list) or the entry left out (table by year or key);
- an unknown field: left out;
- an object whose fields contradict each other (closure year before online year; min add above
  max add): the first field the message names, back to its default.

Every stand-in is recorded as a :class:`Repair` with the value found in the file, so the app can
show it beside the problem until the user fixes it. A file that is not JSON, or whose structure is
wrong (``facilities`` is not a list, a facility is not an object, a scenario override of an unknown
kind), is refused exactly as ``models.io.load_project`` refuses it: there is nothing to repair.
"""

from __future__ import annotations

import copy
import json
import os
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from .disk_stamp import remember
from .io import ProjectFileError, parse_migrated_document, read_text_file
from .problem_names import load_message
from .project import Project
from .validation import Problem, _strip_union_tags, format_loc, problems_from_validation_error

MAX_ROUNDS = 12  # stand-ins of one round can reveal a cross-field problem; a file needs at most a few
MISSING = object()  # "the file has no value here"


@dataclass
class Repair:
    """One bad value of the file and the stand-in the project holds instead.

    ``path``: the steps from the project to the object that holds the field (``("facilities", 0)``)
    and ``field`` its field (None for an unknown field, which is left out); ``location`` the raw
    location of the bad value (``facilities[0].capacity_tpy``, ``demands[2].tonnes_by_year.2031``).
    ``found`` is the value as read (MISSING when the field was absent); ``text`` the problem by the
    thing's name and the field's label."""

    location: str
    path: tuple
    field: str | None
    message: str
    found: Any
    standin_text: str
    text: str = ""

    @property
    def found_shown(self) -> str:
        from .problem_names import found_text

        return "nothing (missing)" if self.found is MISSING else found_text(self.found)


def _unwrap(annotation: Any) -> Any:
    """Annotated[X, ...] -> X; X | None -> X (once each, recursively)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _holds_models(t: Any) -> bool:
    """A model, or a list / dict / union of models: structure, not a value."""
    if _is_model(t):
        return True
    origin = typing.get_origin(t)
    if origin in (Union, types.UnionType):
        return any(_holds_models(_unwrap(a)) for a in typing.get_args(t))
    if origin in (list, dict, tuple):
        return any(_holds_models(_unwrap(a)) for a in typing.get_args(t))
    return False


def _arm(t: Any, value: Any) -> Any:
    """The model of a tagged union (``Override``) that ``value`` names by its ``kind``; ``t`` itself
    when it is no union, None when no arm matches."""
    if _is_model(t):
        return t
    if typing.get_origin(t) not in (Union, types.UnionType) or not isinstance(value, dict):
        return None
    for arm in typing.get_args(t):
        arm = _unwrap(arm)
        kind = arm.model_fields.get("kind") if _is_model(arm) else None
        if kind is not None and kind.default == value.get("kind"):
            return arm
    return None


def _bounds(finfo: Any) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in getattr(finfo, "metadata", []):
        lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else hi
    return lo, hi


def _required_standin(finfo: Any, inner: Any, name: str, counter: list[int]) -> Any:
    """A value for a required field without a default: 0 (or the nearest bound), "", the first choice."""
    from enum import Enum

    if isinstance(inner, type) and issubclass(inner, Enum):
        return next(iter(inner)).value
    if typing.get_origin(inner) is typing.Literal:
        return typing.get_args(inner)[0]
    if inner is bool:
        return False
    if inner in (int, float):
        lo, hi = _bounds(finfo)  # zero when the range allows it, else the nearest bound
        if lo is not None and lo > 0:
            return inner(lo)
        return inner(hi) if hi is not None and hi < 0 else inner(0)
    if inner is str:
        if name == "id" or name.endswith("_id"):
            counter[0] += 1
            return f"repaired-{counter[0]}"
        return ""
    origin = typing.get_origin(inner)
    if origin is list:
        return []
    if origin is dict:
        return {}
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return json.loads(value.model_dump_json())
    return json.loads(json.dumps(value, default=lambda o: getattr(o, "value", str(o))))


def _shown(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, (list, dict)) and not value:
        return "empty"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return json.dumps(value, ensure_ascii=False, default=str)[:40]


class _Refused(Exception):
    pass


def _fix(data: dict, loc: list, err: dict, done: set, counter: list[int]) -> Repair | None:
    """Give the bad value at ``loc`` (a pydantic error location into ``data``) a stand-in, in place.
    Returns the Repair, None when the same field already got one this round; raises _Refused when
    the problem is in the file's structure."""
    cls: Any = Project
    node: Any = data
    path: list = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if not _is_model(cls) or not isinstance(node, dict):
            raise _Refused
        if part not in cls.model_fields:
            if err["type"] == "extra_forbidden" and i == len(loc) - 1 and part in node:
                found = node.pop(part)
                return Repair(format_loc(loc), tuple(path), None, "unknown field", found, "left out")
            raise _Refused
        finfo = cls.model_fields[part]
        inner = _unwrap(finfo.annotation)
        rest = loc[i + 1:]
        key = (tuple(path), part)
        if key in done:
            return None
        origin = typing.get_origin(inner)
        if rest and origin is list and isinstance(rest[0], int):
            item = _unwrap(typing.get_args(inner)[0])
            items = node.get(part)
            if not isinstance(items, list) or not 0 <= rest[0] < len(items):
                raise _Refused
            if _holds_models(item):
                item = _arm(item, items[rest[0]])  # a scenario override: the model of its kind
                if not _is_model(item) or len(rest) == 1 and err["type"] in ("model_type", "dict_type"):
                    raise _Refused  # a facility that is no object, an override of an unknown kind
                node, cls, path = items[rest[0]], item, [*path, part, rest[0]]
                i += 2
                continue
            # one entry of a list of plain values: the whole field's default
            found = items[rest[0]]
            node[part] = _jsonable(finfo.get_default(call_default_factory=True))
            done.add(key)
            return Repair(format_loc(loc), tuple(path), part, "", found, _shown(node[part]))
        if rest and origin is dict:
            table = node.get(part)
            if not isinstance(table, dict) or rest[0] not in table:
                raise _Refused
            value_t = _unwrap(typing.get_args(inner)[1])
            if _is_model(value_t) and len(rest) > 1 and rest[1] != "[key]":
                node, cls, path = table[rest[0]], value_t, [*path, part, rest[0]]
                i += 2
                continue
            found = table.pop(rest[0])
            return Repair(format_loc(loc), tuple(path), part, "", found if rest[-1] != "[key]" else rest[0],
                          f"entry {rest[0]!s} left out")
        if rest and _is_model(inner) and isinstance(node.get(part), dict):
            node, cls, path = node[part], inner, [*path, part]
            i += 1
            continue
        if rest:
            raise _Refused
        if _holds_models(inner):
            if err["type"] in ("model_type", "dict_type", "list_type", "model_attributes_type", "union_tag_invalid",
                               "union_tag_not_found") or not _is_model(inner):
                raise _Refused  # "facilities" is not a list, "settings" is not an object
            # an object whose fields contradict each other: the first field the message names
            node, cls, path = node.get(part), inner, [*path, part]
            if not isinstance(node, dict):
                raise _Refused
            return _fix_cross_field(node, cls, path, err, done)
        found = node.get(part, MISSING)
        if finfo.is_required():
            standin = _required_standin(finfo, inner, part, counter)
        else:
            standin = _jsonable(finfo.get_default(call_default_factory=True))
        node[part] = standin
        done.add(key)
        return Repair(format_loc(loc), tuple(path), part, "", found, _shown(standin))
    # the location is an object itself (a list item's model-level check)
    if not _is_model(cls) or not isinstance(node, dict):
        raise _Refused
    return _fix_cross_field(node, cls, path, err, done)


def _fix_cross_field(node: dict, cls: Any, path: list, err: dict, done: set) -> Repair:
    """An object-level check failed ('closure_year must be after online_year'): the first field the
    message names whose value is not yet its default goes back to its default."""
    message = err.get("msg", "")
    named = sorted((m.start(), name) for name in cls.model_fields
                   for m in [re.search(rf"\b{re.escape(name)}\b", message)] if m)
    for _pos, name in named:
        finfo = cls.model_fields[name]
        if finfo.is_required() or name not in node or (tuple(path), name) in done:
            continue
        default = _jsonable(finfo.get_default(call_default_factory=True))
        if node[name] == default:
            continue
        found = node[name]
        node[name] = default
        done.add((tuple(path), name))
        return Repair(format_loc([*path, name]), tuple(path), name, "", found, _shown(default))
    raise _Refused


def repair_project_text(text: str, where: str = "<text>") -> tuple[Project, list[Repair]]:
    """A project from JSON text whose values may fail the schema, and the repairs made.

    Raises ProjectFileError (with the problems strict loading finds) when the text is not JSON, is
    over a limit, cannot be migrated, or is wrong in its structure. Cross-object problems (a route
    to an unknown facility) are left for ``models.validation.validate_project`` as in any project."""
    data = parse_migrated_document(text, where)
    original = copy.deepcopy(data)  # names for the messages, as the file has them
    repairs: list[Repair] = []
    counter = [0]
    first_problems: list[Problem] | None = None
    for _round in range(MAX_ROUNDS):
        try:
            project = Project.model_validate_json(json.dumps(data, allow_nan=False), strict=True)
            break
        except ValidationError as e:
            problems = problems_from_validation_error(e)
            if first_problems is None:
                first_problems = problems
            done: set = set()
            try:
                for err, problem in zip(e.errors(), problems):
                    fixed = _fix(data, _strip_union_tags(err["loc"]), err, done, counter)
                    if fixed is not None:
                        fixed.message = problem.message
                        fixed.text = load_message(problem.location, problem.message, original,
                                                  None if fixed.found is MISSING else fixed.found,
                                                  fixed.found is not MISSING)
                        repairs.append(fixed)
            except _Refused:
                raise ProjectFileError(where, first_problems, original) from None
    else:
        raise ProjectFileError(where, first_problems or [], original)
    return project, repairs


def repair_project_file(path: str | os.PathLike[str]) -> tuple[Project, list[Repair]]:
    """``repair_project_text`` of a file read as ``models.io.load_project`` reads it (size limit,
    regular files only, UTF-8 or UTF-16/32 with a BOM). The file's stamp is remembered, as by
    ``load_project``: a later save over it refuses to overwrite a change made meanwhile."""
    stamps: list = []
    text = read_text_file(path, stamp_out=stamps)
    project, repairs = repair_project_text(text, os.fspath(path))
    remember(project, stamps[0])
    return project, repairs


def owner_of(project: Project, path: tuple) -> Any:
    """The object at ``path`` (``("facilities", 0, "options", 1)``) in ``project``; None when gone."""
    obj: Any = project
    for step in path:
        if isinstance(step, int):
            if not isinstance(obj, list) or not 0 <= step < len(obj):
                return None
            obj = obj[step]
        elif isinstance(obj, dict):
            key = int(step) if isinstance(step, str) and step.isdigit() and step not in obj else step
            obj = obj.get(key)
        else:
            obj = getattr(obj, step, None)
        if obj is None:
            return None
    return obj


__all__ = ["MISSING", "Repair", "owner_of", "repair_project_file", "repair_project_text"]
