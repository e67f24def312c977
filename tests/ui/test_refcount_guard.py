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


def test_command_line_works_without_qt(tmp_path):
    """With PySide6 unimportable, `mine2magnet validate` (ui.cli) still runs; gui says why it cannot."""
    from models.io import save_project
    from tests.ui.demo_project import demo_project

    path = tmp_path / "demo.m2m.json"
    save_project(demo_project(), path)
    script = textwrap.dedent("""
        import sys
        sys.modules["PySide6"] = None  # any `import PySide6...` now raises ImportError
        from ui.cli import main
        code = main(["validate", sys.argv[1]])
        print("validate exit", code)
        print("gui exit", main(["gui", sys.argv[1]]))
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, env=env,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "validate exit 0" in done.stdout and "gui exit 1" in done.stdout
    assert "cannot start the desktop app" in done.stderr
