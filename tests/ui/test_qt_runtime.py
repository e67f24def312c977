"""The Qt runtime the app is pinned to, and the command line without Qt.

PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void Qt call and to True on
every Signal.emit(), so a session aborts with "Fatal Python error: none_dealloc" after a few
thousand calls; pyproject.toml pins PySide6 below 6.12. This test fails if a release with that
bug is installed again.
"""

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
    class D(QObject):
        s = Signal()
    d, item = D(), QGraphicsRectItem(0, 0, 1, 1)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(int(sys.argv[1])):
        item.setZValue(1.0)   # a void Qt call
        d.s.emit()
    print("lost", none_before - sys.getrefcount(None), true_before - sys.getrefcount(True))
    print("survived")
""")


def test_many_qt_calls_and_emits_keep_reference_counts():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", SCRIPT, "300000"], capture_output=True, text=True,
                          env=env, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived" in done.stdout
    lost_none, lost_true = (int(v) for v in done.stdout.split("lost", 1)[1].split()[:2])
    assert abs(lost_none) < 1000 and abs(lost_true) < 1000  # not one per call


def test_command_line_works_without_qt(tmp_path):
    """With PySide6 unimportable, `mine2magnet validate` (ui.shell.cli) still runs; gui says why it cannot."""
    from models.io import save_project
    from tests.ui.demo_project import demo_project

    path = tmp_path / "demo.m2m.json"
    save_project(demo_project(), path)
    script = textwrap.dedent("""
        import sys
        sys.modules["PySide6"] = None  # any `import PySide6...` now raises ImportError
        from ui.shell.cli import main
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
