"""Lost updates: remember what a project file held when it was loaded, and notice when it changed.

Two processes (or two windows) that load the same file and save one after the other would
silently drop the first one's edit. ``load_project`` records a :class:`DiskStamp` of the bytes it
read (size, modification time in ns, SHA-256) for the Project object it returns; ``save_project``
compares the file on disk with it before writing and raises :class:`FileChangedError` when the
file changed since (unless told to overwrite), then records the stamp of what it wrote.

A changed modification time with the same size and SHA-256 (a ``touch``, a copy back) is not a
change. The stamps are kept beside the objects (by identity, dropped with the object), not in the
model, so projects compare and serialise as before.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import weakref
from dataclasses import dataclass


@dataclass(frozen=True)
class DiskStamp:
    """What one file held: its resolved path, size (bytes), mtime (ns) and SHA-256 of its bytes."""

    path: str
    size: int
    mtime_ns: int
    sha256: str


class FileChangedError(OSError):
    """The file changed on disk after it was loaded; saving would drop the other change."""

    def __init__(self, path: str):
        message = (f"{path} changed on disk after it was loaded (saved by another window or program); saving "
                   "now would overwrite that change. Reload it, or save to another file, or overwrite on purpose")
        super().__init__(errno.EEXIST, message)
        self.path = path


def stamp_of_bytes(path: str | os.PathLike[str], data: bytes, st: os.stat_result) -> DiskStamp:
    return DiskStamp(os.path.realpath(path), st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())


def current_stamp(path: str | os.PathLike[str], max_bytes: int) -> DiskStamp | None:
    """The stamp of the regular file at ``path`` now (None when there is none, or it is larger than
    ``max_bytes``: then it cannot be the file that was loaded)."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
            return None
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError:
        return None
    return stamp_of_bytes(path, data, st)


_STAMPS: dict[int, tuple[weakref.ref, DiskStamp]] = {}


def remember(obj: object, stamp: DiskStamp) -> None:
    """Record that ``obj`` was loaded from (or last saved as) ``stamp``."""
    key = id(obj)

    def forget(_ref, key=key) -> None:
        _STAMPS.pop(key, None)

    _STAMPS[key] = (weakref.ref(obj, forget), stamp)


def stamp_for(obj: object) -> DiskStamp | None:
    entry = _STAMPS.get(id(obj))
    if entry is None or entry[0]() is not obj:
        return None
    return entry[1]


def changed_since_load(obj: object, path: str | os.PathLike[str], max_bytes: int) -> bool:
    """True when ``obj`` was loaded from ``path`` (the same resolved file) and the file now holds
    other bytes (a file deleted since is not a change: saving restores it). Same size and mtime:
    unchanged without reading it; otherwise the SHA-256 decides."""
    stamp = stamp_for(obj)
    if stamp is None or stamp.path != os.path.realpath(path):
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False  # deleted or moved away since: saving puts it back, nothing of another edit is lost
    if st.st_size == stamp.size and st.st_mtime_ns == stamp.mtime_ns:
        return False
    now = current_stamp(path, max_bytes)
    return now is None or (now.size, now.sha256) != (stamp.size, stamp.sha256)
