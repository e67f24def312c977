"""Open for repair: a file with bad values opens with stand-ins, its problems named in Validation,
Solve and exports wait for the last fix, every fix undoable, Save never overwrites the file's own
values with stand-ins."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from models.io import load_project, save_project
from tests.ui.demo_project import demo_project
from tests.ui.helpers import close_window, install_dialogs
from ui.shell.main_window import MainWindow

SB = QMessageBox.StandardButton


@pytest.fixture
def good_data(tmp_path) -> dict:
    path = tmp_path / "demo.m2m.json"
    save_project(demo_project(), path)
    return json.loads(path.read_text())


def _write(tmp_path: Path, data: dict, name: str = "bad.m2m.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return path


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=lambda w: w.doc.undo_stack.setClean())
    yield w
    close_window(w)


def _open_problems(w: MainWindow) -> list:
    w.validation.refresh()
    return [p for p in w.validation.problems if "until you fix it" in p.message]


def test_negative_capacity_opens_for_repair_and_a_fix_in_the_table_enables_solve(window, tmp_path, good_data,
                                                                                  monkeypatch):
    name = good_data["facilities"][3]["name"]
    good_data["facilities"][3]["capacity_tpy"] = -5
    bad = _write(tmp_path, good_data)
    before = bad.read_bytes()
    rec = install_dialogs(monkeypatch, SB.Open)
    assert window.open_path(str(bad), ask=False) is True
    box = rec.boxes[0]
    assert box["title"] == "Cannot open project"
    # the box names the facility and the field's label, with the value the file has
    assert f"Facility &#x27;{name}&#x27; (facilities[3]): capacity (t/yr) must be &gt;= 0, found -5" in box["info"]
    assert "(repair)" in window.windowTitle()
    assert window.doc.project.facilities[3].capacity_tpy == 0  # the stand-in: the field's default

    (problem,) = _open_problems(window)
    assert problem.location == "facilities[3].capacity_tpy" and problem.severity == "error"
    row = window.validation.tree.topLevelItem(0)
    assert row.text(1) == f"{name} (facility): capacity (t/yr)"
    assert row.text(2) == "must be >= 0: the file has -5; 0 until you fix it (or keep it)"
    solve = window.solve_panel.solve_button
    assert not solve.isEnabled() and "opened for repair" in solve.toolTip()
    assert not window.run_menu.act_solve.isEnabled()
    for held in (window.compare_view.run_button, window.risk_panel.run_button, window.sensitivity_panel.run_button,
                 window.results_dashboard.export_xlsx_button, window.results_dashboard.decision_view.export_button):
        assert not held.isEnabled() and "opened for repair and 1 value still holds a stand-in" in held.toolTip()
    assert not window.act_export_brief.isEnabled()
    compare_tip = window.compare_view.run_button.property("repair_saved_tooltip")

    # "go to": the facility's capacity cell is selected in the Facilities tab
    window.validation.select_problem(0)
    table = window.facilities_tab.facilities
    assert window.tabs.currentWidget() is window.facilities_tab
    assert window.doc.current_facility is window.doc.project.facilities[3]
    current = table.view.currentIndex()
    model = table.model
    assert current.column() == model.column_of("capacity_tpy")

    # fix the cell as a user would: the problem clears, Solve comes back
    assert model.setData(model.index(3, model.column_of("capacity_tpy")), "1200")
    assert _open_problems(window) == []
    assert solve.isEnabled() and "opened for repair" not in solve.toolTip()
    assert window.run_menu.act_solve.isEnabled()
    assert window.compare_view.run_button.isEnabled() and window.compare_view.run_button.toolTip() == compare_tip
    assert not window.results_dashboard.export_xlsx_button.isEnabled()  # no plan yet: nothing to export

    # undo brings the problem back and disables Solve again
    window.doc.undo_stack.undo()
    assert [p.location for p in _open_problems(window)] == ["facilities[3].capacity_tpy"]
    assert not solve.isEnabled()

    # Save over the opened file is refused while the stand-in remains; the file is unchanged
    assert window.save() is False
    assert rec.boxes[-1]["title"] == "Cannot save yet"
    assert bad.read_bytes() == before

    window.doc.undo_stack.redo()
    assert _open_problems(window) == []
    assert window.save() is True
    assert "(repair)" not in window.windowTitle() and window.doc.repair is None
    reloaded = load_project(bad)  # strict load: the repaired file is valid
    assert reloaded.facilities[3].capacity_tpy == 1200
    assert json.loads(Path(str(bad) + ".bak").read_bytes()) == json.loads(before)  # the old file kept


def test_a_bad_route_and_a_bad_market_value_are_listed_by_name_and_fixed_one_by_one(window, tmp_path, good_data,
                                                                                    monkeypatch):
    by_id = {f["id"]: f["name"] for f in good_data["facilities"]}
    route = good_data["routes"][2]
    good_data["routes"][2]["capacity_tpy"] = -10
    good_data["markets"][0]["price_usd_per_t"] = -3
    market = good_data["markets"][0]["name"]
    bad = _write(tmp_path, good_data)
    install_dialogs(monkeypatch, SB.Open)
    assert window.open_path(str(bad), ask=False)
    problems = _open_problems(window)
    assert [p.location for p in problems] == ["routes[2].capacity_tpy", "markets[0].price_usd_per_t"]
    wheres = [window.validation.tree.topLevelItem(i).text(1) for i in range(2)]
    assert wheres == [f"{by_id[route['from_id']]} \u2192 {by_id[route['to_id']]} (route): capacity (t/yr)",
                      f"{market} (market): price ($/t)"]
    # the route's stand-in is its default: no cap (empty)
    assert window.doc.project.routes[2].capacity_tpy is None
    assert "the file has -10; empty until you fix it" in problems[0].message

    window.validation.select_problem(1)  # go to the market's price cell
    assert window.tabs.currentWidget() is window.markets_editor
    model = window.markets_editor.model
    assert window.markets_editor.view.currentIndex().column() == model.column_of("price_usd_per_t")
    assert model.setData(model.index(0, model.column_of("price_usd_per_t")), "95000")
    assert [p.location for p in _open_problems(window)] == ["routes[2].capacity_tpy"]
    assert not window.solve_panel.solve_button.isEnabled()

    # keep the route's stand-in (no cap) instead of typing a value: one undoable step
    window.validation.tree.setCurrentItem(window.validation.tree.topLevelItem(0))
    assert window.validation.keep_button.isEnabled()
    assert window.validation.keep_selected_standin()
    assert _open_problems(window) == []
    assert window.solve_panel.solve_button.isEnabled()
    window.doc.undo_stack.undo()
    assert [p.location for p in _open_problems(window)] == ["routes[2].capacity_tpy"]
    window.doc.undo_stack.redo()

    out = tmp_path / "fixed.m2m.json"
    assert window.save_to(str(out))
    p = load_project(out)
    assert p.markets[0].price_usd_per_t == 95000 and p.routes[2].capacity_tpy is None


def test_save_as_another_file_keeps_the_original_while_stand_ins_remain(window, tmp_path, good_data, monkeypatch):
    good_data["facilities"][0]["capacity_tpy"] = -1
    bad = _write(tmp_path, good_data)
    before = bad.read_bytes()
    install_dialogs(monkeypatch, SB.Open)
    assert window.open_path(str(bad), ask=False)
    copy = tmp_path / "copy.m2m.json"
    assert window.save_to(str(copy))  # a copy with the stand-in: loads strictly
    assert load_project(copy).facilities[0].capacity_tpy == 0
    assert bad.read_bytes() == before
    assert "(repair)" in window.windowTitle()  # the stand-in is still open


def test_cancel_opens_nothing_and_a_structurally_wrong_file_is_refused(window, tmp_path, good_data, monkeypatch):
    good_data["facilities"][0]["capacity_tpy"] = -1
    bad = _write(tmp_path, good_data)
    rec = install_dialogs(monkeypatch, SB.Cancel)
    before = window.doc.project
    assert window.open_path(str(bad), ask=False) is False
    assert window.doc.project is before and window.doc.repair is None

    good_data["facilities"] = {"not": "a list"}
    wrong = _write(tmp_path, good_data, "wrong.m2m.json")
    assert window.open_path(str(wrong), ask=False) is False
    box = rec.boxes[-1]
    assert "Open for repair" not in box["info"] and "facilities: must be a list, not an object" in box["info"]
    assert window.doc.project is before


def test_file_open_in_the_background_prepares_the_stand_ins_on_the_worker(window, tmp_path, good_data, monkeypatch,
                                                                          qtbot):
    """File > Open reads on a worker thread; a file with bad values is read with stand-ins there too,
    so the GUI thread only shows the box and swaps the project in."""
    import ui.shell.repair_mode as repair_mode

    good_data["markets"][0]["price_usd_per_t"] = -3
    bad = _write(tmp_path, good_data)
    install_dialogs(monkeypatch, SB.Open)
    reads: list[str] = []
    real = repair_mode.repair_project_file
    monkeypatch.setattr(repair_mode, "repair_project_file",
                        lambda p: reads.append(threading.current_thread().name) or real(p))
    assert window.open_path(str(bad), ask=False, background=True)
    qtbot.waitUntil(lambda: not window.is_opening, timeout=10_000)
    assert len(reads) == 1 and reads[0] != threading.main_thread().name
    assert "(repair)" in window.windowTitle()
    assert [p.location for p in _open_problems(window)] == ["markets[0].price_usd_per_t"]


def test_a_problem_follows_its_facility_when_rows_move_and_leaves_with_it(window, tmp_path, good_data, monkeypatch):
    """Problems follow objects, not row numbers: deleting a facility above the bad one moves its
    location up; deleting the bad facility itself closes the problem; undo brings both back."""
    good_data["facilities"][3]["capacity_tpy"] = -5
    bad = _write(tmp_path, good_data)
    install_dialogs(monkeypatch, SB.Open)
    assert window.open_path(str(bad), ask=False)
    doc = window.doc
    target = doc.project.facilities[3]
    doc.remove_facility(doc.project.facilities[0])  # a row above it (and its routes), one undo step
    assert [p.location for p in _open_problems(window)] == ["facilities[2].capacity_tpy"]
    doc.remove_facility(target)
    assert _open_problems(window) == [] and window.solve_panel.solve_button.isEnabled()
    doc.undo_stack.undo()
    assert [p.location for p in _open_problems(window)] == ["facilities[2].capacity_tpy"]
    assert not window.solve_panel.solve_button.isEnabled()
    doc.undo_stack.undo()
    assert [p.location for p in _open_problems(window)] == ["facilities[3].capacity_tpy"]


def test_an_autosave_in_repair_mode_comes_back_without_the_path_it_could_overwrite(window, qtbot, tmp_path,
                                                                                     good_data, monkeypatch):
    """A crash while stand-ins remain: the recovered project has no path, so a Save asks for a name
    and the file opened for repair keeps its own values (it still says -5)."""
    from ui.shell import recovery

    good_data["facilities"][3]["capacity_tpy"] = -5
    bad = _write(tmp_path, good_data)
    install_dialogs(monkeypatch, SB.Open)
    assert window.open_path(str(bad), ask=False) is True
    model = window.facilities_tab.facilities.model
    model.setData(model.index(1, model.column_of("capacity_tpy")), "17000")  # an edit; the stand-in stays
    written = window.autosave_now()
    assert written is not None
    meta = json.loads(written.with_name(written.name.replace(".m2m.json", ".meta.json")).read_text())
    assert meta["original"] is None and meta["repairing"] == str(bad.resolve())

    crashed = recovery.Autosaver(pid=999_999_999).write(window.doc.project, window.doc.path, str(bad.resolve()))
    window.autosaver.discard()
    second = MainWindow()
    qtbot.addWidget(second, before_close_func=lambda w: w.doc.undo_stack.setClean())
    rec = install_dialogs(monkeypatch, SB.Yes)
    assert second.offer_recovery() is True
    assert "opened for repair" in rec.boxes[0]["info"] and "bad.m2m.json" in rec.boxes[0]["info"]
    assert second.doc.path is None  # Save asks for a name
    assert second.doc.project.facilities[1].capacity_tpy == 17000
    assert json.loads(bad.read_text())["facilities"][3]["capacity_tpy"] == -5
    assert not crashed.path.exists()
    close_window(second)


def test_an_autosave_after_the_last_fix_keeps_its_path(window, tmp_path, good_data, monkeypatch):
    good_data["facilities"][3]["capacity_tpy"] = -5
    bad = _write(tmp_path, good_data)
    install_dialogs(monkeypatch, SB.Open)
    assert window.open_path(str(bad), ask=False) is True
    model = window.facilities_tab.facilities.model
    model.setData(model.index(3, model.column_of("capacity_tpy")), "250")  # the fix
    written = window.autosave_now()
    meta = json.loads(written.with_name(written.name.replace(".m2m.json", ".meta.json")).read_text())
    assert meta["original"] == str(bad.resolve()) and meta["repairing"] is None
