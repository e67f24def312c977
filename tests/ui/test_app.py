"""run_app: the entry point of `mine2magnet gui [PROJECT]`."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from models.io import save_project
from tests.ui.demo_project import demo_project
from tests.ui.helpers import install_dialogs
from ui.app import run_app
from ui.main_window import MainWindow


def _close_soon(seen: dict) -> None:
    def finish() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["windows"] = [(w.doc.path, len(w.doc.project.facilities), w.windowTitle()) for w in windows]
        for w in windows:
            w.doc.undo_stack.setClean()
            w.close()
        QApplication.quit()

    QTimer.singleShot(400, finish)


def test_run_app_opens_the_project(tmp_path, monkeypatch):
    path = tmp_path / "demo.m2m.json"
    save_project(demo_project(), path)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    rec = install_dialogs(monkeypatch)
    seen: dict = {}
    _close_soon(seen)
    assert run_app(str(path)) == 0
    assert seen["windows"] == [(str(path.resolve()), 25, "demo.m2m.json[*] - US and allied mine-to-magnet (UI demo) - mine2magnet")]
    assert rec.boxes == []


def test_run_app_with_a_broken_file_lists_problems_and_starts_empty(tmp_path, monkeypatch):
    data = json.loads(demo_project().model_dump_json())
    data["facilities"][2]["capacity_tpy"] = "a lot"
    del data["routes"][0]["material"]
    bad = tmp_path / "bad.m2m.json"
    bad.write_text(json.dumps(data))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    rec = install_dialogs(monkeypatch)
    seen: dict = {}
    _close_soon(seen)
    assert run_app(str(bad)) == 0
    assert len(rec.boxes) == 1
    info = rec.boxes[0]["info"]
    assert "facilities[2].capacity_tpy" in info and "routes[0].material" in info
    assert "required field is missing" in info
    assert "Traceback" not in info + rec.boxes[0]["details"]
    assert seen["windows"] == [(None, 0, "Untitled[*] - Untitled project - mine2magnet")]
