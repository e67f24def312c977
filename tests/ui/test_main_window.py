"""Main window: open, save/reload, modified mark, unsaved-changes prompt, recent files, recovery."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from models.io import load_project, save_project
from tests.ui.demo_project import demo_project
from tests.ui.helpers import close_window, install_dialogs
from ui.shell import recovery
from ui.shell.main_window import MainWindow

SB = QMessageBox.StandardButton


def _mark_clean(w: MainWindow) -> None:
    w.doc.undo_stack.setClean()


@pytest.fixture
def project_file(tmp_path) -> Path:
    path = tmp_path / "demo.m2m.json"
    save_project(demo_project(), path)
    return path


@pytest.fixture
def window(qtbot, project_file):
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=_mark_clean)
    assert w.open_path(str(project_file), ask=False)
    yield w
    close_window(w)


def test_open_shows_project_everywhere(window, project_file):
    p = window.doc.project
    assert window.doc.path == str(project_file.resolve())
    assert len(p.facilities) == 25
    assert window.facilities_tab.facilities.model.rowCount() == 25
    assert window.routes_editor.model.rowCount() == 26
    assert len(window.chain_view.nodes) == 25
    assert window.windowTitle().startswith("demo.m2m.json[*]")
    assert not window.isWindowModified()
    assert recovery.recent_files()[0] == str(project_file.resolve())


def test_modified_mark_on_after_edit_off_after_save_and_undo_to_clean(window, project_file):
    model = window.facilities_tab.facilities.model
    assert model.setData(model.index(0, model.column_of("capacity_tpy")), "40000")
    assert window.isWindowModified()
    assert window.save()
    assert not window.isWindowModified()
    assert load_project(project_file).facilities[0].capacity_tpy == 40000
    window.doc.undo_stack.undo()  # back before the saved state: modified again
    assert window.isWindowModified()
    window.doc.undo_stack.redo()
    assert not window.isWindowModified()


def test_save_and_reload_gives_an_identical_project(window, tmp_path):
    doc = window.doc
    model = window.facilities_tab.facilities.model
    model.setData(model.index(2, model.column_of("name")), "=SUM(A1:A9)")
    model.setData(model.index(2, model.column_of("capacity_tpy")), "3210.5")
    target = tmp_path / "saved.m2m.json"
    assert window.save_to(str(target))
    reloaded = load_project(target)
    assert reloaded == doc.project
    assert reloaded.facilities[2].name == "=SUM(A1:A9)"
    assert reloaded.facilities[2].capacity_tpy == 3210.5


def test_broken_project_file_shows_located_problems_and_keeps_the_open_project(window, tmp_path, monkeypatch):
    data = json.loads((tmp_path / "demo.m2m.json").read_text())
    data["facilities"][3]["capacity_tpy"] = -1
    data["facilities"][5]["country"] = "XX"
    bad = tmp_path / "bad.m2m.json"
    bad.write_text(json.dumps(data))
    rec = install_dialogs(monkeypatch)
    before = window.doc.project
    assert window.open_path(str(bad), ask=False) is False
    assert len(rec.boxes) == 1
    box = rec.boxes[0]
    assert box["title"] == "Cannot open project"
    # bad values: the box offers Open for repair (tests/ui/test_open_for_repair.py); not taken here
    assert "2 values are not valid" in box["text"]
    assert "(facilities[3]): capacity (t/yr) must be &gt;= 0, found -1" in box["info"]
    assert "(facilities[5]), country: unknown ISO 3166 alpha-2 country code 'XX'" in box["details"]
    assert window.doc.project is before

    not_json = tmp_path / "notjson.m2m.json"
    not_json.write_text("{ this is not json")
    assert window.open_path(str(not_json), ask=False) is False
    assert "line 1 column 3" in rec.boxes[1]["info"]


def test_open_in_background_reads_and_checks_on_a_worker_then_shows_the_project(window, tmp_path, qtbot, monkeypatch):
    """File > Open reads, parses and validates on a worker thread; the project and the problems
    found there are shown when it is done; a broken file shows its problems and changes nothing."""
    data = json.loads((tmp_path / "demo.m2m.json").read_text())
    data["name"] = "Read on a worker"
    data["routes"][4]["to_id"] = "no-such-plant"
    path = tmp_path / "other.m2m.json"
    path.write_text(json.dumps(data))
    before = window.doc.project
    assert window.open_path(str(path), ask=False, background=True)
    assert window.is_opening and window.doc.project is before  # nothing swapped in yet
    qtbot.waitUntil(lambda: not window.is_opening, timeout=10_000)
    assert window.doc.project.name == "Read on a worker" and window.doc.path == str(path.resolve())
    # the problems found on the worker are listed on a turn of their own (ui.runtime.turns), which
    # may come after the worker thread's end is seen
    qtbot.waitUntil(lambda: bool(window.validation.problems), timeout=10_000)
    assert "routes[4].to_id" in [p.location for p in window.validation.problems]
    assert window.validation.tree.topLevelItemCount() == len(window.validation.problems)

    data["facilities"][3]["capacity_tpy"] = -1
    bad = tmp_path / "bad.m2m.json"
    bad.write_text(json.dumps(data))
    rec = install_dialogs(monkeypatch)
    shown = window.doc.project
    assert window.open_path(str(bad), ask=False, background=True)
    qtbot.waitUntil(lambda: not window.is_opening, timeout=10_000)
    assert len(rec.boxes) == 1 and "(facilities[3]): capacity (t/yr) must be &gt;= 0" in rec.boxes[0]["info"]
    assert window.doc.project is shown


def test_cross_object_problems_open_and_are_listed(window, tmp_path, qtbot):
    data = json.loads((tmp_path / "demo.m2m.json").read_text())
    data["routes"][4]["to_id"] = "no-such-plant"
    path = tmp_path / "wip.m2m.json"
    path.write_text(json.dumps(data))
    assert window.open_path(str(path), ask=False)
    window.validation.refresh()
    locations = [p.location for p in window.validation.problems]
    assert "routes[4].to_id" in locations


def test_close_with_unsaved_changes_asks(window, monkeypatch, qtbot):
    model = window.facilities_tab.facilities.model
    model.setData(model.index(0, model.column_of("capacity_tpy")), "1")
    rec = install_dialogs(monkeypatch, SB.Cancel)
    assert window.close() is False  # cancelled: still open, still modified
    assert rec.boxes and rec.boxes[0]["title"] == "Unsaved changes"
    assert window.isWindowModified() and window.autosave_timer.isActive()
    rec.answers.append(SB.Discard)
    assert window.close() is True
    assert not window.autosave_timer.isActive()


def test_new_project_after_save_prompt(window, monkeypatch):
    model = window.facilities_tab.facilities.model
    model.setData(model.index(0, model.column_of("capacity_tpy")), "1")
    install_dialogs(monkeypatch, SB.Discard)
    window.new_project()
    assert window.doc.project.facilities == [] and window.doc.path is None
    assert window.windowTitle().startswith("Untitled[*]")
    assert len(window.chain_view.nodes) == 0


def test_recent_files_live_in_qsettings_not_the_project(window, project_file, tmp_path):
    other = tmp_path / "other.m2m.json"
    save_project(demo_project(), other)
    assert window.open_path(str(other), ask=False)
    files = recovery.recent_files()
    assert files[:2] == [str(other.resolve()), str(project_file.resolve())]
    assert QSettings().value("recent/files")[:2] == files[:2]
    assert "recent" not in other.read_text()
    window._fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert texts[0].startswith("&1 other.m2m.json")


def test_autosave_writes_recovery_file_and_next_start_offers_it(window, qtbot, monkeypatch, project_file):
    # nothing to autosave while unmodified
    assert window.autosave_now() is None
    model = window.facilities_tab.facilities.model
    model.setData(model.index(1, model.column_of("capacity_tpy")), "17000")
    written = window.autosave_now()
    assert written is not None and written.exists()
    assert written.parent == recovery.recovery_dir()
    assert load_project(written).facilities[1].capacity_tpy == 17000
    assert window.autosave_now() is None  # unchanged since the last autosave

    # simulate a crash: the autosave stays, owned by a process that no longer runs
    dead_pid = 999_999_999
    crashed = recovery.Autosaver(pid=dead_pid).write(window.doc.project, window.doc.path)
    window.autosaver.discard()
    assert crashed.path.exists()

    second = MainWindow()
    qtbot.addWidget(second, before_close_func=_mark_clean)
    rec = install_dialogs(monkeypatch, SB.Yes)
    assert second.offer_recovery() is True
    assert rec.boxes[0]["title"] == "Recover unsaved work"
    assert "demo.m2m.json" in rec.boxes[0]["info"]
    assert second.doc.project == window.doc.project
    assert second.doc.project.facilities[1].capacity_tpy == 17000
    assert second.doc.path == str(project_file.resolve())
    assert second.isWindowModified()  # recovered work is unsaved
    assert not crashed.path.exists()  # taken over by the new session
    assert recovery.pending_recoveries() == []
    close_window(second)


def test_recovery_can_be_discarded(qtbot, monkeypatch):
    recovery.Autosaver(pid=999_999_998).write(demo_project(), None)
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=_mark_clean)
    rec = install_dialogs(monkeypatch, SB.Discard)
    assert w.offer_recovery() is False
    assert "an unsaved new project" in rec.boxes[0]["info"]
    assert recovery.pending_recoveries() == []
    assert w.offer_recovery() is False and len(rec.boxes) == 1  # nothing left to offer
    close_window(w)


def test_autosave_timer_interval_comes_from_preferences(qtbot):
    recovery.set_autosave_seconds(17)
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=_mark_clean)
    assert w.autosave_timer.interval() == 17_000 and w.autosave_timer.isActive()
    close_window(w)


def test_autosave_of_a_live_process_is_not_offered(qtbot):
    recovery.Autosaver(pid=os.getppid()).write(demo_project(), None)
    assert recovery.pending_recoveries() == []


def test_undo_redo_actions_and_shortcuts(window):
    assert window.act_undo.shortcut().toString() == "Ctrl+Z"
    assert window.act_redo.shortcut().toString() == "Ctrl+Shift+Z"
    model = window.facilities_tab.facilities.model
    model.setData(model.index(0, model.column_of("capacity_tpy")), "123")
    assert window.act_undo.isEnabled()
    window.act_undo.trigger()
    assert window.doc.project.facilities[0].capacity_tpy == 45000
    window.act_redo.trigger()
    assert window.doc.project.facilities[0].capacity_tpy == 123


def test_rejected_edit_message_reaches_the_status_bar(window):
    model = window.facilities_tab.facilities.model
    assert not model.setData(model.index(0, model.column_of("capacity_tpy")), "-1")
    assert "Refused" in window.statusBar().currentMessage()
    assert window.statusBar().currentMessage() == "Refused: Capacity (t/yr) cannot be negative"


def test_solve_dock_and_analysis_tabs(window):
    """The solve panel is the Solve dock's widget; Results, Compare and Risk are the last tabs."""
    assert window.solve_panel is window.solve_dock.widget()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles[-3:] == ["Results", "Compare", "Risk"]
    assert window.tabs.widget(titles.index("Results")) is window.results_dashboard
    assert window.analysis_panels == [window.compare_view, window.risk_panel]


def test_every_tab_is_in_sight_at_the_default_size(window):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    # every tab is in sight at the default size, beside the inspector's 390 px (no scroll arrows)
    window.resize(1400, 900)
    window.show()
    QApplication.processEvents()
    bar = window.tabs.tabBar()
    assert bar.sizeHint().width() <= window.tabs.width()
    assert bar.tabRect(bar.count() - 1).right() <= bar.width()
    assert titles[:10] == ["Chain", "Map", "Facilities", "Routes", "Markets", "Demand", "Platforms", "Scenarios",
                           "Contracts and levers", "Settings"]


def test_failed_save_says_why_and_keeps_the_document_modified(window, monkeypatch, tmp_path, project_file):
    model = window.facilities_tab.facilities.model
    model.setData(model.index(0, model.column_of("capacity_tpy")), "1")
    before = project_file.read_bytes()
    rec = install_dialogs(monkeypatch)
    target = tmp_path / "no_such_folder" / "x.m2m.json"
    assert window.save_to(str(target)) is False
    assert rec.boxes[0]["title"] == "Cannot save project" and rec.boxes[0]["info"]
    assert window.isWindowModified() and window.doc.path == str(project_file.resolve())
    assert project_file.read_bytes() == before
