"""Qt tests run offscreen, each with its own QSettings and AppData folders (no user files touched).

Also checks that no Python thread is left running after a test.
"""

from __future__ import annotations

import os
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from ui.runtime import main_thread_gc  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_app_paths(tmp_path, monkeypatch, qapp):
    """Point AppDataLocation (XDG_DATA_HOME) and QSettings at this test's temporary folder."""
    data, config = tmp_path / "appdata", tmp_path / "config"
    data.mkdir()
    config.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(config))
    qapp.setOrganizationName("mine2magnet-tests")
    qapp.setApplicationName("mine2magnet-tests")
    # as in the app (ui.shell.app.ensure_application): cyclic garbage, and the Qt objects in it, is
    # collected on the GUI thread, never by a solve's worker thread
    main_thread_gc.install(qapp)
    yield {"data": data, "config": config}


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch):
    """A message box a test did not expect answers Cancel instead of waiting for a click; a static
    QMessageBox.warning/critical/information/question a test did not patch fails it (offscreen, such
    a box would wait for a click forever and hang the run)."""
    from PySide6.QtWidgets import QMessageBox

    from ui.shell import dialogs

    def answer(box):
        box.deleteLater()
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(dialogs, "exec_dialog", answer)

    def unexpected(kind):
        def show(parent, title, text, *args, **kwargs):
            raise AssertionError(f"unexpected modal QMessageBox.{kind}: {title}: {text}")  # a hang, otherwise
        return staticmethod(show)

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, unexpected(kind))


@pytest.fixture(autouse=True)
def no_thread_left_behind():
    before = {t.ident for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 5.0
    while True:
        extra = [t for t in threading.enumerate() if t.ident not in before and t.is_alive() and not t.daemon]
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not extra, f"threads left running after the test: {[t.name for t in extra]}"
