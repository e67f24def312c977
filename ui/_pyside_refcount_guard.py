"""Guard against a PySide6 reference-count bug that aborts the app after a few thousand Qt calls.

With PySide6 6.12.0 on CPython 3.11 (measured on this project's environment):

- every call of a ``void`` Qt method from Python (``item.setZValue(1)``, ``edit.setText("x")``,
  ``timer.start(10)``) returns ``None`` without taking a reference to it: 300 calls lower
  ``sys.getrefcount(None)`` by exactly 300;
- every ``SignalInstance.emit()`` does the same to ``True``.

The bindings behave as if ``None``/``True``/``False`` were immortal, which they are only from
CPython 3.12 on. On 3.11 their counts reach zero after a few thousand calls (drawing a chain
of a few hundred routes is enough) and CPython aborts with "Fatal Python error:
none_dealloc: deallocating None" (or ``bool_dealloc``), usually at exit or in a GC pass.

``install()`` measures the loss with a few probe calls and, only when it is present, adds
2**48 references to each of the three singletons: effectively the immortality CPython 3.12
gives them. Extra references to objects that are never freed are harmless; at one lost
reference per call the bump outlasts any session. With a correct PySide6 nothing changes.
"""

from __future__ import annotations

import ctypes
import sys

PROBE_CALLS = 64
BUMP = 1 << 48
_guarded: set[str] = set()


def _loss(target: object, call: object) -> float:
    before = sys.getrefcount(target)
    for _ in range(PROBE_CALLS):
        call()  # type: ignore[operator]
    return max(0, before - sys.getrefcount(target)) / PROBE_CALLS


def measure() -> dict[str, float]:
    """References lost per call: {'None': per void Qt call, 'True': per emit()}."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    out = {
        "None": _loss(None, lambda: probe.setObjectName("probe")),
        "True": _loss(True, probe.ping.emit),
    }
    probe.deleteLater()
    return out


def install() -> set[str]:
    """Apply the guard where this PySide6 loses references. Returns the guarded singletons."""
    if sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):
        return set()  # immortal singletons (3.12+); debug builds have another object layout
    losses = measure()
    targets = {"None": None, "True": True, "False": False}
    need = {name for name, lost in losses.items() if lost >= 0.5}
    if "True" in need:
        need.add("False")  # the same code path returns False where it returns True
    for name in sorted(need - _guarded):
        ctypes.c_ssize_t.from_address(id(targets[name])).value += BUMP
        _guarded.add(name)
    return set(_guarded)
