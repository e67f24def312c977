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

import codecs
import errno
import json
import os
import re
import socket
import stat
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .disk_stamp import DiskStamp, FileChangedError, changed_since_load, remember, stamp_of_bytes
from .migrations import MigrationError, migrate
from .project import SCHEMA_VERSION, Project
from .validation import Problem, format_loc, problems_from_validation_error, validate_project
from .wording import count

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NESTING = 32


class ProjectFileError(Exception):
    """A project file could not be read. ``problems`` lists every located problem; ``lines`` says
    each by the thing's name and the field's label (``Problem.named``), read from ``source`` (the
    file's JSON data or the project the problems were found in; None for a file that is not JSON).
    ``repairable``: the file parsed and only values failed (models.repair can open it)."""

    def __init__(self, path: str | os.PathLike[str], problems: list[Problem], source: Any = None,
                 repairable: bool = False):
        self.path = str(path)
        self.problems = problems
        self.repairable = repairable
        try:
            self.lines = [p.named(source) for p in problems]
        except Exception:  # naming is a courtesy: never hide the problems behind a naming bug
            self.lines = [str(p) for p in problems]
        lines = "\n".join(f"  {line}" for line in self.lines[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{self.path}: {count(len(problems), 'problem')}\n{lines}{more}")


#: more JSON values than any project the schema allows (20k facilities, 200k routes, ... is about
#: 5 million); counted before parsing (an upper bound: commas and brackets), so memory stays bounded
MAX_JSON_VALUES = 6_000_000
MAX_INT_DIGITS = 300  # longer integers are refused before Python's own 4300-digit guard trips


class _BadNumber(ValueError):
    """A number token the loader refuses: NaN/Infinity, an overlong integer, a float that overflows."""

    def __init__(self, literal: str, message: str):
        super().__init__(message)
        self.literal = literal


def _reject_constant(name: str) -> Any:
    raise _BadNumber(name, f"{name} is not allowed (numbers must be finite)")


def _parse_int(literal: str) -> int:
    digits = len(literal.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _BadNumber(literal, f"a number with {digits} digits is too long (at most {MAX_INT_DIGITS})")
    return int(literal)


def _parse_float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise _BadNumber(literal, f"the number {literal[:20]}{'...' if len(literal) > 20 else ''} is too large")
    return value


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(f"duplicate key {key!r}")
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


_TOKEN = re.compile(r'[ \t\n\r]*(?:([{}\[\],:])|(")|(-?Infinity|NaN|true|false|null|-?[0-9][0-9.eE+\-]*))')


def _scan(text: str):
    """Walk JSON text that ``json`` could tokenise, yielding ``(offset, path, kind, value)``.

    ``kind`` is "key" (``path`` is the object holding it; a repeated key is reported as
    "duplicate"), "string" or "literal" (numbers, true/false/null, NaN/Infinity). Used only to
    locate a problem the parser found (line, column and field path in the user's terms).
    """
    stack: list[list[Any]] = []  # [is_object, current key or index, keys seen, expecting a key]

    def path(entries: list[list[Any]]) -> str:
        return format_loc(e[1] for e in entries if e[1] is not None)

    i = 0
    while True:
        m = _TOKEN.match(text, i)
        if m is None:
            return
        group = m.lastindex
        start = m.start(group)
        token = m.group(group)
        top = stack[-1] if stack else None
        if group == 1:
            i = m.end()
            if token in "{[":
                stack.append([token == "{", None if token == "{" else 0, set(), token == "{"])
            elif token in "}]":
                if stack:
                    stack.pop()
            elif token == "," and top is not None:
                if top[0]:
                    top[3] = True
                else:
                    top[1] += 1
            continue
        if group == 2:
            try:
                value, i = json.decoder.scanstring(text, start + 1)
            except ValueError:
                return
            if top is not None and top[0] and top[3]:
                top[3] = False
                where = path(stack[:-1])
                yield start, where, "duplicate" if value in top[2] else "key", value
                top[2].add(value)
                top[1] = value
            else:
                yield start, path(stack), "string", value
            continue
        i = m.end()
        yield start, path(stack), "literal", token


_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line} column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _number_problem(text: str, err: _BadNumber) -> Problem:
    for offset, where, kind, value in _scan(text):
        if kind == "literal" and value == err.literal:
            return Problem(_line_col(text, offset), f"{where}: {err}" if where else str(err))
    return Problem("", str(err))


def _duplicate_problem(text: str, key: str) -> Problem:
    for offset, where, kind, value in _scan(text):
        if kind == "duplicate":
            message = f"the field {value!r} appears twice"
            return Problem(_line_col(text, offset), f"{where}: {message}" if where else message)
    return Problem("", f"the field {key!r} appears twice")


def _json_message(e: json.JSONDecodeError) -> str:
    """Python's JSON error text in a planner's words (no trailing 'at', no parser jargon)."""
    msg = e.msg
    if msg.startswith("Invalid control character"):
        ch = e.doc[e.pos] if e.pos < len(e.doc) else ""
        names = {"\n": "a line break inside text must be written as \\n",
                 "\r": "a line break inside text must be written as \\n",
                 "\t": "a tab inside text must be written as \\t"}
        return names.get(ch, f"a control character (code {ord(ch) if ch else 0}) inside text "
                             f"must be written as \\u{ord(ch) if ch else 0:04x}")
    if msg.startswith("Invalid \\escape"):
        return f"invalid escape {e.doc[e.pos:e.pos + 2]!r} in text".replace("\\\\", "\\")
    table = {
        "Expecting value": "expected a value (a number, text in double quotes, true, false, null, an object or a list)",
        "Expecting property name enclosed in double quotes":
            "expected a field name in double quotes (a trailing comma?)",
        "Expecting ',' delimiter": "expected ',' between items, or a closing bracket",
        "Expecting ':' delimiter": "expected ':' after the field name",
        "Unterminated string starting at": "the text starting here is never closed with '\"'",
        "Invalid \\uXXXX escape": "invalid \\uXXXX escape in text",
        "Extra data": "unexpected text after the end of the document",
    }
    if msg in table:
        return table[msg]
    return msg[:-3] if msg.endswith(" at") else msg


def _size_text(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.0f} MiB" if n_bytes >= 2**20 else f"{n_bytes:,} bytes"


def _depth(obj: Any, limit: int) -> int:
    """Nesting depth, iteratively (a deeply nested file cannot blow the Python stack)."""
    deepest = 0
    stack = [(obj, 1)]
    while stack:
        node, d = stack.pop()
        if d > limit:
            return d
        deepest = max(deepest, d)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        # only containers go on the stack: a list of millions of numbers costs no extra memory
        stack.extend((v, d + 1) for v in children if isinstance(v, (dict, list)))
    return deepest


def parse_json_document(text: str, where: str = "<text>") -> Any:
    """JSON text as the loader reads it: at most MAX_JSON_VALUES values, no NaN/Infinity, no
    duplicate keys, no overlong integer or overflowing float, nesting at most MAX_NESTING, no
    unpaired surrogate; raises ProjectFileError with the located problem. Shared by project
    files and the other JSON inputs (a plan of ``risk --plan``)."""
    n_values = text.count(",") + text.count("[") + text.count("{")
    if n_values > MAX_JSON_VALUES:
        raise ProjectFileError(where, [Problem("", f"the file holds about {n_values:,} values (numbers, texts, lists, "
                                                   f"objects); the limit is {MAX_JSON_VALUES:,}")])
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys,
                          parse_int=_parse_int, parse_float=_parse_float)
    except json.JSONDecodeError as e:
        raise ProjectFileError(where, [Problem(f"line {e.lineno} column {e.colno}",
                                               f"not valid JSON: {_json_message(e)}")]) from None
    except RecursionError:
        raise ProjectFileError(where, [Problem("", f"nesting deeper than {MAX_NESTING} levels")]) from None
    except _BadNumber as e:
        problem = _number_problem(text, e)
        if e.literal.lstrip("-") in ("NaN", "Infinity"):
            problem = Problem(problem.location, f"not valid JSON: {e}")
        raise ProjectFileError(where, [problem]) from None
    except _DuplicateKey as e:
        raise ProjectFileError(where, [_duplicate_problem(text, e.key)]) from None
    except ValueError as e:
        raise ProjectFileError(where, [Problem("", f"not valid JSON: {e}")]) from None
    if _depth(data, MAX_NESTING) > MAX_NESTING:
        raise ProjectFileError(where, [Problem("", f"nesting deeper than {MAX_NESTING} levels")])
    if _MAYBE_SURROGATE.search(text):
        for offset, at, kind, value in _scan(text):
            if kind != "literal" and _SURROGATE.search(value):
                message = "text contains an unpaired \\uD800-\\uDFFF escape (half of a UTF-16 character)"
                raise ProjectFileError(where, [Problem(_line_col(text, offset), f"{at}: {message}" if at else message)])
    return data


def parse_migrated_document(text: str, where: str = "<text>") -> dict:
    """The JSON object of a project file, migrated to the current schema version (limits and strict
    JSON as ``parse_json_document``); ProjectFileError when it is not an object or cannot migrate.
    Shared by strict loading and the repair reader (models.repair)."""
    data = parse_json_document(text, where)
    if not isinstance(data, dict):
        raise ProjectFileError(where, [Problem("", "the top level must be a JSON object")])
    try:
        return migrate(data)
    except MigrationError as e:
        raise ProjectFileError(where, e.problems, data) from None
    except ValueError as e:
        raise ProjectFileError(where, [Problem("schema_version", str(e))]) from None


def parse_project_text(text: str, where: str = "<text>", check_consistency: bool = True) -> Project:
    """Parse and validate project JSON text; raises ProjectFileError with every problem.

    Types are strict (as in the file): a number must be a JSON number (an integer is fine
    where a decimal is expected), never the text "1000" or true; text must be a JSON string.

    ``check_consistency=False`` skips the cross-object checks (``validate_project``) so an
    editor can open a work-in-progress file (a route to a deleted facility) and show its
    problems; field-level schema errors are always fatal.
    """
    data = parse_migrated_document(text, where)
    try:
        # strict validation of the (migrated) JSON: no "1000" or true where a number goes
        project = Project.model_validate_json(json.dumps(data, allow_nan=False), strict=True)
    except ValidationError as e:
        raise ProjectFileError(where, problems_from_validation_error(e), data, repairable=True) from None
    errors = [p for p in validate_project(project) if p.severity == "error"] if check_consistency else []
    if errors:
        raise ProjectFileError(where, errors, project)
    return project


_NOT_REGULAR = "is not a regular file (a device, pipe or socket); choose a {what}"


def _read_bounded(path: str | os.PathLike[str], what: str = "project file", stat_out: list | None = None) -> bytes:
    """The bytes of a regular file, at most MAX_FILE_BYTES, whatever ``stat`` claims.

    Opened non-blocking (a FIFO with no writer cannot hang the open) and checked with fstat on
    the open descriptor (no race between check and read): devices, pipes and sockets are refused.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if stat_out is not None:
            stat_out.append(st)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder")
        if not stat.S_ISREG(st.st_mode):
            raise ProjectFileError(path, [Problem("", _NOT_REGULAR.format(what=what))])
        if st.st_size > MAX_FILE_BYTES:
            raise ProjectFileError(path, [Problem("", f"file is {_size_text(st.st_size)}; "
                                                      f"the limit is {_size_text(MAX_FILE_BYTES)}")])
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise ProjectFileError(path, [Problem("", f"file is larger than the limit of "
                                                          f"{_size_text(MAX_FILE_BYTES)}")])
        return b"".join(chunks)
    finally:
        os.close(fd)


def _utf16_without_bom(raw: bytes) -> str:
    """'UTF-16 little-endian' etc. when NUL bytes show 16/32-bit text without a BOM ('' if not)."""
    head = raw[:64]
    if len(head) < 4 or b"\x00" not in head:
        return ""
    if head[:3] == b"\x00\x00\x00" or head[1:4] == b"\x00\x00\x00":
        return "UTF-32 big-endian" if head[0] == 0 else "UTF-32 little-endian"
    even_zeros = head[0::2].count(0)
    odd_zeros = head[1::2].count(0)
    if even_zeros > len(head) // 4 and odd_zeros == 0:
        return "UTF-16 big-endian"
    if odd_zeros > len(head) // 4 and even_zeros == 0:
        return "UTF-16 little-endian"
    return ""


def decode_project_bytes(raw: bytes, where: str = "<bytes>") -> str:
    """Text of a project file: UTF-8 (with or without BOM), or UTF-16/32 with a BOM.

    UTF-16/32 without a BOM and bytes that are not UTF-8 are refused with a located problem.
    """
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError as e:
                name = codec.upper()
                raise ProjectFileError(where, [Problem(f"byte {e.start}",
                                                       f"not valid {name} text; save the file as UTF-8")]) from None
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    wide = _utf16_without_bom(raw)  # JSON never holds a NUL byte, so this cannot misfire on UTF-8
    if wide:
        raise ProjectFileError(where, [Problem("", f"the file is {wide} text without a byte-order mark; "
                                                   "save it as UTF-8")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line_start = raw.rfind(b"\n", 0, e.start) + 1
        line = raw.count(b"\n", 0, e.start) + 1
        column = len(raw[line_start:e.start].decode("utf-8", errors="replace")) + 1
        raise ProjectFileError(where, [Problem(f"line {line} column {column}",
                                               f"not UTF-8 text (byte {e.start}); save the file as UTF-8")]) from None


def load_project(path: str | os.PathLike[str], check_consistency: bool = True) -> Project:
    """Read a project file. Raises ProjectFileError (never anything else for bad content).

    Only regular files are read, at most MAX_FILE_BYTES. ``check_consistency``: see
    ``parse_project_text``.
    """
    stamps: list[DiskStamp] = []
    text = read_text_file(path, stamp_out=stamps)
    project = parse_project_text(text, os.fspath(path), check_consistency)
    remember(project, stamps[0])  # save_project refuses to overwrite a later change (models.disk_stamp)
    return project


def read_text_file(path: str | os.PathLike[str], what: str = "project file", stamp_out: list | None = None) -> str:
    """The text of a regular file read as the loader reads a project file: at most MAX_FILE_BYTES
    (a FIFO, device or socket refused without blocking), UTF-8 or UTF-16/32 with a BOM, not empty.
    Raises ProjectFileError; ``what`` names the expected kind of file in the messages.
    ``stamp_out``: a list that receives the DiskStamp of the bytes read."""
    if not os.fspath(path):
        raise ProjectFileError("", [Problem("", "no file name given")])
    path = Path(path)
    stats: list[os.stat_result] = []
    try:
        raw = _read_bounded(path, what, stats)
    except ProjectFileError:
        raise
    except FileNotFoundError:
        raise ProjectFileError(path, [Problem("", "file not found")]) from None
    except IsADirectoryError:
        raise ProjectFileError(path, [Problem("", f"is a folder, not a {what}")]) from None
    except OSError as e:
        raise ProjectFileError(path, [Problem("", f"cannot read: {e.strerror or e}")]) from None
    except ValueError:  # a NUL character in the name
        raise ProjectFileError(path, [Problem("", "cannot read: the file name contains a NUL character")]) from None
    text = decode_project_bytes(raw, str(path))
    if not text.strip():
        raise ProjectFileError(path, [Problem("", "file is empty")])
    if stamp_out is not None:
        stamp_out.append(stamp_of_bytes(path, raw, stats[0]))
    return text


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
    risk = data.get("settings", {}).get("risk", {})
    if risk.get("catalogue") is None:
        risk.pop("catalogue", None)  # optional; files without a risk catalogue stay as they were
    for key in ("sales_markets", "reported_output"):  # optional lists (outside buyers, calibration)
        if not data.get(key):
            data.pop(key, None)
    for key in ("licence_year", "value_of_lost_supply_usd_per_t"):  # optional settings, None = unset
        if data["settings"].get(key) is None:
            data["settings"].pop(key, None)
    for sc in data.get("scenarios", []):
        if sc.get("licence_year") is None:
            sc.pop("licence_year", None)
    for s in data.get("levers", {}).get("stockpiles", []):  # optional stock build; files without stay as they were
        if not s.get("min_level_t_by_year"):
            s.pop("min_level_t_by_year", None)
    data = _sort_year_keys(data)
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=_enum_value)
    return text + "\n"


def _enum_value(obj: Any) -> Any:
    value = getattr(obj, "value", None)
    if value is not None:
        return value
    raise TypeError(f"cannot serialise {type(obj).__name__}")


STALE_TEMP_SECONDS = 3600  # a temp file of another (or unknown) process older than this is a leftover


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _remove_stale_temps(folder: Path, target: Path) -> None:
    """Delete temp files that interrupted saves of ``target`` left behind.

    Our temp names carry host and pid (``.<name>.<host>-<pid>.<random>.tmp``): one from this host
    whose process is gone is removed at once; any other (another host, an older naming) only when
    older than STALE_TEMP_SECONDS, so a save running elsewhere at the same moment is never disturbed.
    """
    prefix = _temp_prefix(target)
    host = socket.gethostname().replace(".", "_")
    now = time.time()
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        path = folder / name
        middle = name[len(prefix):-len(".tmp")]
        owner = middle.rsplit(".", 1)[0] if "." in middle else ""
        dead = False
        if owner.startswith(host + "-") and os.name == "posix":
            try:
                pid = int(owner[len(host) + 1:])
                if pid != os.getpid():
                    os.kill(pid, 0)
            except ProcessLookupError:
                dead = True
            except (ValueError, OSError):
                pass
        try:
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and (dead or now - st.st_mtime > STALE_TEMP_SECONDS):
                os.unlink(path)
        except OSError:
            pass


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, keep_backup: bool = True) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, rename.

    - A symlink is followed: the file it points to is replaced (the link stays a link).
    - An existing file keeps its permission bits; a new file gets 0o666 minus the umask.
    - When ``keep_backup`` and the target exists, it is first copied to ``<path>.bak``
      (itself atomically, with the target's permission bits).
    - Temp files left by interrupted saves of the same file (or of its ``.bak``) are removed first.
    - A target (or ``.bak``) that is a folder, device or pipe is refused with a clear OSError.
    On any failure the target is untouched and the temp file removed.
    """
    path = Path(os.path.realpath(path))
    folder = path.parent
    _remove_stale_temps(folder, path)
    _remove_stale_temps(folder, path.with_name(path.name + ".bak"))  # of a backup write that was killed
    mode = None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "a folder exists at that path")
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a device, pipe or socket)")
        mode = stat.S_IMODE(st.st_mode)
    if keep_backup and st is not None:
        bak = path.with_name(path.name + ".bak")
        if os.path.isdir(bak):
            raise IsADirectoryError(
                errno.EISDIR,
                f"{bak} is a folder, so the previous version cannot be kept as a backup; rename or remove that folder",
            )
        _write_replace(folder, bak, path.read_bytes(), mode)
    _write_replace(folder, path, data, mode)


def _write_replace(folder: Path, target: Path, data: bytes, mode: int | None = None) -> None:
    """Write a temp file next to ``target`` (``mode`` bits, or 0o666 minus the umask), then rename."""
    host = socket.gethostname().replace(".", "_")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        tmp = folder / f"{_temp_prefix(target)}{host}-{os.getpid()}.{os.urandom(4).hex()}.tmp"
        try:
            fd = os.open(tmp, flags, 0o666)  # the kernel applies the umask (and default ACLs)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, f"cannot create a temporary file in {folder}")
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None:
                if hasattr(os, "fchmod"):
                    os.fchmod(fh.fileno(), mode)
                else:
                    os.chmod(tmp, mode)
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


def save_project(project: Project, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Save atomically, keeping the previous version as ``<path>.bak``.

    Raises OSError with a clear message if the folder is not writable; the old file stays intact.
    Raises FileChangedError (an OSError) when ``project`` was loaded from (or last saved to) this
    file and the file changed on disk since, unless ``overwrite`` (models.disk_stamp).
    """
    if not overwrite and changed_since_load(project, path, MAX_FILE_BYTES):
        raise FileChangedError(os.fspath(path))
    data = project_to_json(project).encode("utf-8")
    try:
        atomic_write_bytes(path, data)
    except OSError as e:
        raise OSError(e.errno, f"cannot save {path}: {e.strerror or e}") from e
    try:
        remember(project, stamp_of_bytes(path, data, os.stat(path)))
    except OSError:
        pass
