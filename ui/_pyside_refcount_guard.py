"""Guard against a PySide6 reference-count bug that crashes the app after a few hundred signals.

With PySide6 6.12.0 on CPython 3.11, every ``SignalInstance.emit()`` called from Python
returns ``True`` without taking a reference to it, so each emit removes one reference from
the ``True`` singleton. After a few hundred emits (a solve's progress updates, a few edits)
the count reaches zero and CPython aborts with "Fatal Python error: bool_dealloc:
deallocating True or False". Measured here: 100 emits lower ``sys.getrefcount(True)`` by
exactly 100; 5,000 emits abort the process.

``install()`` detects the bug with 64 probe emits and, only when it is present, adds 2**48
references to ``True`` and ``False``. Extra references to these two never-freed singletons
are harmless (CPython 3.12+ makes them immortal for the same reason), and at one lost
reference per emit the bump lasts longer than any session. Without the bug nothing changes.
"""

from __future__ import annotations

import ctypes
import sys

PROBE_EMITS = 64
BUMP = 1 << 48
_installed = False


def lost_bool_refs_per_emit() -> float:
    """References to True/False lost per Python-side ``emit()`` (0.0 on a correct PySide6)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True) + sys.getrefcount(False)
    for _ in range(PROBE_EMITS):
        probe.ping.emit()
    after = sys.getrefcount(True) + sys.getrefcount(False)
    probe.deleteLater()
    return max(0, before - after) / PROBE_EMITS


def install() -> bool:
    """Apply the guard if this PySide6 has the bug. True when the guard was applied."""
    global _installed
    if _installed:
        return True
    if sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):
        return False  # immortal bools (3.12+); debug builds have another object layout
    if lost_bool_refs_per_emit() < 0.5:
        return False
    for obj in (True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += BUMP
    _installed = True
    return True
