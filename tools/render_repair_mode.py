"""Render the main window in repair mode to a PNG (docs/screenshot_repair_mode.png); not a test.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.render_repair_mode docs/screenshot_repair_mode.png

Copies the real sample to a temporary folder with three bad values (Mountain Pass's capacity -5
t/yr, a route's cap -10 t/yr, a market price of -3 $/t), opens it answering "Open for repair", goes
to the first problem (as a click in Validation does) and saves ``window.grab()``. Window layout
preferences go to a temporary QSettings folder.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png")
    args = parser.parse_args(argv)

    from tools.offscreen_window import offscreen_main_window

    app, window, home = offscreen_main_window("m2m-render-repair-")
    from PySide6.QtWidgets import QMessageBox

    from ui.shell import dialogs

    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["facilities"][0]["capacity_tpy"] = -5
    data["routes"][2]["capacity_tpy"] = -10
    data["markets"][0]["price_usd_per_t"] = -3
    bad = Path(home) / "us_allied_mine_to_magnet.m2m.json"
    bad.write_text(json.dumps(data, indent=2), encoding="utf-8")
    dialogs.exec_dialog = lambda box: QMessageBox.StandardButton.Open  # "Open for repair"
    if not window.open_path(os.fspath(bad), ask=False):
        return 2
    for _ in range(10):
        app.processEvents()
    window.validation.select_problem(0)
    window.validation_dock.raise_()
    for _ in range(10):
        app.processEvents()
    ok = window.grab().save(args.png)
    window.doc.undo_stack.setClean()
    window.close()
    print(f"{args.png}: {'saved' if ok else 'NOT saved'} ({window.windowTitle()})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
