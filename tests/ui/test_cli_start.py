"""Starting the app: a mistyped command, no display, missing xcb libraries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from planner.cli.main import main
from ui.shell.cli import XCB_LIBS, display_problem

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_projects" / "teaching_chain.m2m.json"


def test_mistyped_command_says_unknown_and_exits_2(capsys, tmp_path, monkeypatch):
    opened = []
    monkeypatch.chdir(tmp_path)
    assert main(["sovle", "x.json"], gui=lambda p: opened.append(p) or 0) == 2
    err = capsys.readouterr().err
    assert "unknown command 'sovle'" in err and "did you mean 'solve'?" in err
    assert opened == []
    # a file of that name exists: it is opened in the app
    (tmp_path / "sovle").write_text("{}")
    assert main(["sovle"], gui=lambda p: opened.append(p) or 0) == 0
    assert opened == ["sovle"]
    # names with a folder or an extension are project files (the app reports a missing one)
    assert main(["plans/new.m2m.json"], gui=lambda p: opened.append(p) or 0) == 0
    assert opened[-1] == "plans/new.m2m.json"


def test_display_problem():
    assert display_problem({}, "linux").startswith("no display was found")
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({}, "darwin") is None
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"} <= set(XCB_LIBS.values())


def test_no_display_prints_how_to_run_headless_and_exits_2():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-m", "ui.shell.cli", str(SAMPLE)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert "no display was found" in proc.stderr
    assert "QT_QPA_PLATFORM=offscreen" in proc.stderr and "mine2magnet solve" not in proc.stderr.splitlines()[0]
    assert "Traceback" not in proc.stderr


def test_tasks_checks_the_xcb_libraries():
    import importlib.util

    spec = importlib.util.spec_from_file_location("m2m_tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    # every library the app's own start-up check looks for is also installed by tasks.py
    assert set(XCB_LIBS.items()) <= set(tasks.QT_LIBS.items())
