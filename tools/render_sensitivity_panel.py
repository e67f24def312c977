"""Render the Sensitivity window after a sweep to a PNG (docs screenshot); not a test.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.render_sensitivity_panel \\
        sample_projects/us_allied_mine_to_magnet.m2m.json docs/screenshot_sensitivity.png --workers 2 --relax

Opens the project in the main window, shows View > Sensitivity, presses *Run sweep* with the
default inputs, waits for the report and saves the panel's ``grab()`` (QSettings in a temporary
folder, so the user's own layout is not used or changed).
"""

from __future__ import annotations

import argparse
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project")
    parser.add_argument("png")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--relax", action="store_true")
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args(argv)

    from tools.offscreen_window import offscreen_main_window

    app, window, _home = offscreen_main_window("m2m-render-")
    if not window.open_path(args.project, ask=False):
        return 2
    panel = window.sensitivity_panel
    window.sensitivity_dock.show()
    window.sensitivity_dock.resize(1150, 720)
    panel.workers_spin.setValue(args.workers)
    panel.relax_box.setChecked(args.relax)
    panel.start()
    t0 = time.monotonic()
    while panel.is_running() and time.monotonic() - t0 < args.timeout:
        app.processEvents()
        time.sleep(0.05)
    app.processEvents()
    if panel.report is None:
        print("no report:", panel.status_label.text())
        return 1
    panel.grab().save(args.png)
    print(f"wrote {args.png}: {len(panel.report.points)} points in {panel.report.seconds:.1f} s")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
