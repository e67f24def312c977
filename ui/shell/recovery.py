"""Crash recovery: autosave files of unsaved projects, offered again at the next start.

While a document has unsaved changes, the main window writes it every N seconds to
``<AppDataLocation>/recovery/autosave-<pid>.m2m.json`` (atomic: temp file, fsync, rename, via
``models.io``), with a small ``.meta.json`` beside it naming the original file. A clean save
or close deletes both. At start, autosaves left by processes that are no longer running are
offered for recovery. App preferences live in QSettings, never in project files.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

from models.io import atomic_write_bytes, parse_project_text, project_to_json
from models.project import Project

AUTOSAVE_SECONDS_DEFAULT = 60
RECENT_MAX = 8


# ------------------------------------------------------------------ preferences
def app_settings() -> QSettings:
    return QSettings()


def autosave_seconds() -> int:
    value = app_settings().value("autosave/seconds", AUTOSAVE_SECONDS_DEFAULT)
    try:
        return max(5, int(value))
    except (TypeError, ValueError):
        return AUTOSAVE_SECONDS_DEFAULT


def set_autosave_seconds(seconds: int) -> None:
    app_settings().setValue("autosave/seconds", int(seconds))


def recent_files() -> list[str]:
    value = app_settings().value("recent/files", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or []) if v]


def add_recent_file(path: str) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files() if f != path]
    files = files[:RECENT_MAX]
    app_settings().setValue("recent/files", files)
    return files


def clear_recent_files() -> None:
    app_settings().setValue("recent/files", [])


# --------------------------------------------------------------------- autosave
def recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(base) / "recovery"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class RecoveryFile:
    path: Path  # the autosaved project
    original: str | None  # the file the user was editing (None: never saved)
    saved_at: float  # time.time() of the autosave
    pid: int
    #: the file opened for repair whose stand-ins this autosave holds: it is recovered without a
    #: path (Save asks for a new name), so the stand-ins never overwrite the file's own values
    repairing: str | None = None

    @property
    def meta_path(self) -> Path:
        return self.path.with_name(self.path.name.replace(".m2m.json", ".meta.json"))

    def load(self) -> Project:
        """The autosaved project (field-validated; cross-object problems are kept for the user)."""
        return parse_project_text(self.path.read_text(encoding="utf-8"), str(self.path), check_consistency=False)

    def discard(self) -> None:
        for p in (self.path, self.meta_path):
            try:
                p.unlink()
            except FileNotFoundError:
                pass


class Autosaver:
    """Writes this process's autosave; ``own()`` describes it."""

    def __init__(self, pid: int | None = None):
        self.pid = os.getpid() if pid is None else pid

    def own(self) -> RecoveryFile:
        return RecoveryFile(recovery_dir() / f"autosave-{self.pid}.m2m.json", None, 0.0, self.pid)

    def write(self, project: Project, original: str | None, repairing: str | None = None) -> RecoveryFile:
        """Autosave ``project`` (edited from ``original``). ``repairing``: the file opened for repair
        while stand-ins remain; then no original is recorded (see RecoveryFile.repairing)."""
        rf = self.own()
        rf.original = None if repairing else original
        rf.saved_at, rf.repairing = time.time(), repairing
        atomic_write_bytes(rf.path, project_to_json(project).encode("utf-8"), keep_backup=False)
        meta = {"original": rf.original, "saved_at": rf.saved_at, "pid": self.pid, "repairing": repairing}
        atomic_write_bytes(rf.meta_path, json.dumps(meta).encode("utf-8"), keep_backup=False)
        return rf

    def discard(self) -> None:
        self.own().discard()


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def pending_recoveries(exclude_pid: int | None = None) -> list[RecoveryFile]:
    """Autosaves left by processes that are no longer running (newest first)."""
    out = []
    for path in recovery_dir().glob("autosave-*.m2m.json"):
        meta_path = path.with_name(path.name.replace(".m2m.json", ".meta.json"))
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        try:
            pid = int(meta.get("pid") or path.name.split("-", 1)[1].split(".", 1)[0])
        except (ValueError, IndexError):
            pid = -1
        if pid == (os.getpid() if exclude_pid is None else exclude_pid) or _pid_alive(pid):
            continue
        original, repairing = meta.get("original"), meta.get("repairing")
        out.append(RecoveryFile(path, str(original) if original and not repairing else None,
                                float(meta.get("saved_at") or path.stat().st_mtime), pid,
                                str(repairing) if repairing else None))
    return sorted(out, key=lambda r: r.saved_at, reverse=True)
