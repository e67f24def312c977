"""Start the desktop app: ``run_app(project_path)`` (``mine2magnet gui [PROJECT]``)."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QStyleFactory

from ui.runtime import main_thread_gc
from ui.shell import dialogs

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

ORGANIZATION = "mine2magnet"
APPLICATION = "mine2magnet"


#: seconds a Python thread may hold the interpreter lock while another waits for it (Python's
#: default is 0.005). Work on the app's worker threads (reading a file, a risk run with one
#: worker, preparing an export) is Python too; each Python call the window makes while painting
#: or handling an event could wait that long, and a turn makes many. bench/bench_ui_stalls.py,
#: risk run with one worker: 99th percentile of the gaps 7-8 ms at 5 ms, 4 ms at 1 ms.
GIL_SWITCH_INTERVAL_S = 0.001


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, or a new one named for QSettings / QStandardPaths (and the
    interpreter's thread switch interval set to GIL_SWITCH_INTERVAL_S)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("mine2magnet")
    if "fusion" in [k.lower() for k in QStyleFactory.keys()]:
        app.setStyle("Fusion")  # the same look on every platform (and offscreen)
    main_thread_gc.install(app)  # cyclic garbage (and the Qt objects in it) dies on this thread
    return app  # type: ignore[return-value]


def _install_excepthook(window: object) -> None:
    """Unexpected errors in event handlers become a dialog (and stderr), not a silent traceback."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        detail = "".join(traceback.format_exception(kind, value, tb))
        print(detail, file=sys.stderr)
        try:
            box = dialogs.error_box(window, "Unexpected error",  # type: ignore[arg-type]
                                    f"Something went wrong: {value}",
                                    "Your project is autosaved while it has unsaved changes. "
                                    "Please report this with the details.")
            box.setDetailedText(detail)
            dialogs.exec_dialog(box)
        except Exception:  # never recurse from the hook
            previous(kind, value, tb)

    sys.excepthook = hook


def start_app(project_path: str | None) -> "MainWindow":
    """Create and show the main window; once the event loop runs, open ``project_path`` and
    offer any crash autosave. (``run_app`` = this + the event loop; tests call this.)"""
    ensure_application()
    from ui.shell.main_window import MainWindow

    window = MainWindow()
    _install_excepthook(window)
    window.show()

    def start() -> None:
        if project_path:
            window.open_path(project_path, ask=False)
        window.offer_recovery()

    QTimer.singleShot(0, start)
    return window


def run_app(project_path: str | None) -> int:
    """Open the main window (with ``project_path`` if given) and run the event loop.

    A broken project file shows a dialog listing its located problems; the app then starts
    with an empty project. An autosave left by a crash is offered for recovery.
    Returns the exit code of the event loop.
    """
    app = ensure_application()
    window = start_app(project_path)  # noqa: F841 (kept alive until the loop ends)
    return app.exec()
