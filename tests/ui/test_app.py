"""run_app: the entry point of `mine2magnet gui [PROJECT]`."""

from __future__ import annotations

import json
import sys

from PySide6.QtWidgets import QApplication

from models.io import save_project
from tests.ui.demo_project import demo_project
from tests.ui.helpers import install_dialogs
from ui.shell.app import start_app
from ui.shell.main_window import MainWindow


def _start(qtbot, path: str) -> list:
    """start_app = run_app without the event loop (a real exec()/quit() would end the test session's app)."""
    window = start_app(path)
    qtbot.addWidget(window, before_close_func=lambda w: w.doc.undo_stack.setClean())
    qtbot.wait(100)  # the deferred start: open the file, offer recovery
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    assert windows == [window]
    return [(w.doc.path, len(w.doc.project.facilities), w.windowTitle()) for w in windows]


def test_run_app_opens_the_project(tmp_path, monkeypatch, qtbot):
    path = tmp_path / "demo.m2m.json"
    save_project(demo_project(), path)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    rec = install_dialogs(monkeypatch)
    assert _start(qtbot, str(path)) == [(str(path.resolve()), 25,
                                         "demo.m2m.json[*] - US and allied mine-to-magnet (UI demo) - mine2magnet")]
    assert rec.boxes == []


def test_run_app_with_a_broken_file_lists_problems_and_starts_empty(tmp_path, monkeypatch, qtbot):
    data = json.loads(demo_project().model_dump_json())
    data["facilities"][2]["capacity_tpy"] = "a lot"
    del data["routes"][0]["material"]
    bad = tmp_path / "bad.m2m.json"
    bad.write_text(json.dumps(data))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    rec = install_dialogs(monkeypatch)
    windows = _start(qtbot, str(bad))
    assert len(rec.boxes) == 1
    info = rec.boxes[0]["info"]
    assert "(facilities[2]): capacity (t/yr) must be a number" in info and "(routes[0]), material" in info
    assert "required field is missing" in info
    assert "Traceback" not in info + rec.boxes[0]["details"]
    assert windows == [(None, 0, "Untitled[*] - Untitled project - mine2magnet")]


CHILD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.shell import app as app_module, dialogs
def answer(box):
    print("DIALOG:", box.windowTitle(), "|", box.text(), "|", box.informativeText())
    return 0
dialogs.exec_dialog = answer
qapp = app_module.ensure_application()
def finish():
    for w in QApplication.topLevelWidgets():
        if w.isVisible() and hasattr(w, "doc"):
            print("WINDOW:", w.windowTitle(), len(w.doc.project.facilities))
            w.doc.undo_stack.setClean()
            w.close()
    qapp.quit()
QTimer.singleShot(1500, finish)
from ui.shell.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_mine2magnet_gui_runs_the_event_loop_and_exits_cleanly(tmp_path):
    """`mine2magnet gui BROKEN` in a child process: dialog with the problem, window, exit code 0."""
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    good, bad = tmp_path / "good.m2m.json", tmp_path / "bad.m2m.json"
    save_project(demo_project(), good)
    bad.write_text(good.read_text().replace('"capacity_tpy": 12000.0', '"capacity_tpy": -12000.0', 1))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root),
               XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"))
    for path, dialog, window in ((good, None, "good.m2m.json[*]"),
                                 (bad, "(facilities[1]): capacity (t/yr)", "Untitled[*]")):
        done = subprocess.run([sys.executable, "-c", CHILD, "gui", str(path)], capture_output=True, text=True,
                              env=env, timeout=120, cwd=root)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stderr
        if dialog:
            assert "DIALOG: Cannot open project" in done.stdout and dialog in done.stdout
        else:
            assert "DIALOG" not in done.stdout
        assert f"WINDOW: {window}" in done.stdout
