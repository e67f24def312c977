"""The main window for scripts that drive it offscreen (README screenshots, bench_ui_stalls).

``offscreen_main_window(prefix)`` points QSettings and QStandardPaths at a new temporary folder
(so the user's own window layout is neither used nor changed), makes the QApplication and a
MainWindow of 1400 x 900 and shows it. Returns (app, window, that folder).
"""

from __future__ import annotations

import os
import tempfile
from typing import Any


def offscreen_main_window(prefix: str, width: int = 1400, height: int = 900) -> tuple[Any, Any, str]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix=prefix)
    os.environ["XDG_CONFIG_HOME"] = os.path.join(home, "config")
    os.environ["XDG_DATA_HOME"] = os.path.join(home, "data")
    from ui.shell.app import ensure_application

    app = ensure_application()
    from ui.shell.main_window import MainWindow

    window = MainWindow()
    window.resize(width, height)
    window.show()
    return app, window, home
