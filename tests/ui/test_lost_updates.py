"""Lost updates in the app: two windows load one file; the second save asks Overwrite /
Reload / Cancel instead of silently dropping the first window's edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from models.io import load_project, save_project
from tests.ui.demo_project import demo_project
from tests.ui.helpers import close_window, install_dialogs
from ui.shell.main_window import MainWindow

SB = QMessageBox.StandardButton


@pytest.fixture
def project_file(tmp_path) -> Path:
    path = tmp_path / "demo.m2m.json"
    save_project(demo_project(), path)
    return path


@pytest.fixture
def two_windows(qtbot, project_file):
    windows = []
    for _ in range(2):
        w = MainWindow()
        qtbot.addWidget(w, before_close_func=lambda w: w.doc.undo_stack.setClean())
        assert w.open_path(str(project_file), ask=False)
        windows.append(w)
    yield windows
    for w in windows:
        close_window(w)


def _set_capacity(w: MainWindow, value: str) -> None:
    model = w.facilities_tab.facilities.model
    assert model.setData(model.index(0, model.column_of("capacity_tpy")), value)


def _capacity(path: Path) -> float:
    return load_project(path).facilities[0].capacity_tpy


def test_second_window_is_asked_and_cancel_keeps_the_first_edit(two_windows, project_file, monkeypatch):
    first, second = two_windows
    _set_capacity(first, "111")
    assert first.save()
    _set_capacity(second, "222")
    rec = install_dialogs(monkeypatch, SB.Cancel)
    assert second.save() is False
    assert [b["title"] for b in rec.boxes] == ["File changed on disk"]
    assert rec.boxes[0]["text"] == "demo.m2m.json was changed by another window or program after you opened it."
    assert _capacity(project_file) == 111
    assert second.isWindowModified()  # nothing of the second window's edit is lost either


def test_overwrite_saves_the_second_windows_edit(two_windows, project_file, monkeypatch):
    first, second = two_windows
    _set_capacity(first, "111")
    assert first.save()
    _set_capacity(second, "222")
    install_dialogs(monkeypatch, SB.Save)
    assert second.save() is True
    assert _capacity(project_file) == 222 and not second.isWindowModified()


def test_reload_shows_the_file_as_it_is_now(two_windows, project_file, monkeypatch):
    first, second = two_windows
    _set_capacity(first, "111")
    assert first.save()
    _set_capacity(second, "222")
    install_dialogs(monkeypatch, SB.Reset)
    assert second.save() is False
    assert second.doc.project.facilities[0].capacity_tpy == 111 and not second.isWindowModified()
    assert _capacity(project_file) == 111
