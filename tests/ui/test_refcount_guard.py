"""The PySide6 reference-count guard keeps a long session alive (see ui/_pyside_refcount_guard.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication, QGraphicsRectItem
    app = QApplication([])
    if sys.argv[1] == "guarded":
        import ui  # installs the guard
    class D(QObject):
        s = Signal()
    d, item = D(), QGraphicsRectItem(0, 0, 1, 1)
    for _ in range(int(sys.argv[2])):
        item.setZValue(1.0)   # a void Qt call
        d.s.emit()
    print("survived")
""")


def _run(mode: str, calls: int) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", SCRIPT, mode, str(calls)], capture_output=True, text=True,
                          env=env, timeout=120, cwd=ROOT)


def test_many_qt_calls_and_emits_survive_with_the_guard():
    done = _run("guarded", 300_000)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived" in done.stdout


def test_guard_only_acts_when_references_are_lost():
    from ui import _pyside_refcount_guard as guard

    losses = guard.measure()
    expected = {name for name, lost in losses.items() if lost >= 0.5}
    if "True" in expected:
        expected.add("False")
    if sys.version_info < (3, 12):
        assert guard.install() == expected
