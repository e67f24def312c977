"""Project files: strict, safe loading and atomic saving.

Load: size limit -> UTF-8 -> JSON (no NaN/Infinity, no duplicate keys, bounded nesting)
-> schema-version migration -> schema validation -> cross-object checks. Every problem is
reported with its location. Nothing in a file is ever executed: it is plain JSON data
validated into typed objects.

Save: JSON with stable key order and indentation, written to a temporary file in the same
folder, flushed and fsynced, then renamed over the target; the previous file is kept as
``<name>.bak``. A failed save leaves the old file byte-identical.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .migrations import migrate
from .project import SCHEMA_VERSION, Project
from .validation import Problem, problems_from_validation_error, validate_project

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NESTING = 32


class ProjectFileError(Exception):
    """A project file could not be read. ``problems`` lists every located problem."""

    def __init__(self, path: str | os.PathLike[str], problems: list[Problem]):
        self.path = str(path)
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{self.path}: {len(problems)} problem(s)\n{lines}{more}")


class _NonFiniteNumber(ValueError):
    """NaN / Infinity / -Infinity in a project file (JSON allows none of them)."""


def _reject_constant(name: str) -> Any:
    raise _NonFiniteNumber(f"{name} is not allowed (numbers must be finite)")


_NON_FINITE_OUTSIDE_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _locate_non_finite(text: str) -> str:
    """'line L column C' of the first NaN/Infinity token outside a JSON string ('' if none)."""
    for match in _NON_FINITE_OUTSIDE_STRINGS.finditer(text):
        if match.group(1):
            start = match.start(1)
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            return f"line {line} column {column}"
    return ""


def _size_text(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.0f} MiB" if n_bytes >= 2**20 else f"{n_bytes:,} bytes"


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _depth(obj: Any, limit: int) -> int:
    """Nesting depth, iteratively (a deeply nested file cannot blow the Python stack)."""
    deepest = 0
    stack = [(obj, 1)]
    while stack:
        node, d = stack.pop()
        if d > limit:
            return d
        deepest = max(deepest, d)
        if isinstance(node, dict):
            stack.extend((v, d + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, d + 1) for v in node)
    return deepest


def parse_project_text(text: str, where: str = "<text>", check_consistency: bool = True) -> Project:
    """Parse and validate project JSON text; raises ProjectFileError with every problem.

    ``check_consistency=False`` skips the cross-object checks (``validate_project``) so an
    editor can open a work-in-progress file (a route to a deleted facility) and show its
    problems; field-level schema errors are always fatal.
    """
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as e:
        raise ProjectFileError(where, [Problem(f"line {e.lineno} column {e.colno}", f"not valid JSON: {e.msg}")]) from None
    except RecursionError:
        raise ProjectFileError(where, [Problem("", f"nesting deeper than {MAX_NESTING} levels")]) from None
    except _NonFiniteNumber as e:
        raise ProjectFileError(where, [Problem(_locate_non_finite(text), f"not valid JSON: {e}")]) from None
    except ValueError as e:
        raise ProjectFileError(where, [Problem("", f"not valid JSON: {e}")]) from None
    if _depth(data, MAX_NESTING) > MAX_NESTING:
        raise ProjectFileError(where, [Problem("", f"nesting deeper than {MAX_NESTING} levels")])
    if not isinstance(data, dict):
        raise ProjectFileError(where, [Problem("", "the top level must be a JSON object")])
    try:
        data = migrate(data)
    except ValueError as e:
        raise ProjectFileError(where, [Problem("schema_version", str(e))]) from None
    try:
        project = Project.model_validate(data)
    except ValidationError as e:
        raise ProjectFileError(where, problems_from_validation_error(e)) from None
    errors = [p for p in validate_project(project) if p.severity == "error"] if check_consistency else []
    if errors:
        raise ProjectFileError(where, errors)
    return project


def load_project(path: str | os.PathLike[str], check_consistency: bool = True) -> Project:
    """Read a project file. Raises ProjectFileError (never anything else for bad content).

    ``check_consistency``: see ``parse_project_text``.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProjectFileError(path, [Problem("", f"file is {_size_text(size)}; the limit is {_size_text(MAX_FILE_BYTES)}")])
        raw = path.read_bytes()
    except ProjectFileError:
        raise
    except FileNotFoundError:
        raise ProjectFileError(path, [Problem("", "file not found")]) from None
    except IsADirectoryError:
        raise ProjectFileError(path, [Problem("", "is a folder, not a project file")]) from None
    except OSError as e:
        raise ProjectFileError(path, [Problem("", f"cannot read: {e.strerror or e}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ProjectFileError(path, [Problem(f"byte {e.start}", "not UTF-8 text")]) from None
    if not text.strip():
        raise ProjectFileError(path, [Problem("", "file is empty")])
    return parse_project_text(text, str(path), check_consistency)


def _sort_year_keys(obj: Any) -> Any:
    """Year-keyed dicts in ascending order so files diff well."""
    if isinstance(obj, dict):
        items = [(k, _sort_year_keys(v)) for k, v in obj.items()]
        if items and all(isinstance(k, int) for k, _ in items):
            items.sort()
        return {k: v for k, v in items}
    if isinstance(obj, list):
        return [_sort_year_keys(v) for v in obj]
    return obj


def project_to_json(project: Project) -> str:
    """Serialise with stable key order (schema order), 2-space indent, UTF-8, trailing newline."""
    data = project.model_dump(mode="python")
    data["schema_version"] = SCHEMA_VERSION
    if not data.get("chain_layout"):
        data.pop("chain_layout", None)  # optional; files without dragged nodes stay as they were
    data = _sort_year_keys(data)
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=_enum_value)
    return text + "\n"


def _enum_value(obj: Any) -> Any:
    value = getattr(obj, "value", None)
    if value is not None:
        return value
    raise TypeError(f"cannot serialise {type(obj).__name__}")


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, keep_backup: bool = True) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, rename.

    When ``keep_backup`` and the target exists, it is first copied to ``<path>.bak``
    (itself atomically). On any failure the target is untouched and the temp file removed.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if keep_backup and path.exists():
        _write_replace(folder, path.with_name(path.name + ".bak"), path.read_bytes())
    _write_replace(folder, path, data)


def _write_replace(folder: Path, target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename durable
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def save_project(project: Project, path: str | os.PathLike[str]) -> None:
    """Save atomically, keeping the previous version as ``<path>.bak``.

    Raises OSError with a clear message if the folder is not writable; the old file stays intact.
    """
    data = project_to_json(project).encode("utf-8")
    try:
        atomic_write_bytes(path, data)
    except OSError as e:
        raise OSError(e.errno, f"cannot save {path}: {e.strerror or e}") from e
