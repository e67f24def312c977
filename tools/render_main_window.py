"""Render the main window to a PNG (the README screenshot); not a test.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.render_main_window \\
        sample_projects/us_allied_mine_to_magnet.m2m.json docs/screenshot_main.png --select ksm_kmp

Opens the project at 1400 x 900, solves it through the Solve panel (so the chain view shows the
plan's flows), selects a facility for the inspector and saves ``window.grab()``. Window layout
preferences go to a temporary QSettings folder, so the user's own layout is not used or changed.
"""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project")
    parser.add_argument("png")
    parser.add_argument("--select", help="facility id to select")
    parser.add_argument("--tab", default="0", help="index or title of the central tab to show (e.g. Map)")
    parser.add_argument("--inner", help="title of the inner tab of the tab shown: Contracts and levers (e.g. Policy "
                                        "design) or Settings (Risk catalogue)")
    parser.add_argument("--page", help="Settings > Risk catalogue: the start of a page's title (e.g. Licence regime)")
    parser.add_argument("--no-solve", action="store_true")
    args = parser.parse_args(argv)

    from tools.offscreen_window import offscreen_main_window

    app, window, _home = offscreen_main_window("m2m-render-")
    if not window.open_path(args.project, ask=False):
        return 2
    app.processEvents()
    if not args.no_solve and window.solve_panel is not None:
        window.solve_panel.start_solve()
        started = time.monotonic()
        while window.solve_panel.is_running and time.monotonic() - started < 300:
            app.processEvents()
            time.sleep(0.02)
    if args.select:
        window.doc.set_current_facility(window.doc.project.facility(args.select))
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.tabs.setCurrentIndex(int(args.tab) if args.tab.isdigit() else titles.index(args.tab))
    if args.inner:
        inner = window.settings_panel.pages if window.tabs.currentWidget() is window.settings_panel \
            else window.levers_tab.tabs
        inner.setCurrentIndex([inner.tabText(i) for i in range(inner.count())].index(args.inner))
    if args.page:
        pages = window.settings_panel.risk_catalogue.tabs
        pages.setCurrentIndex(next(i for i in range(pages.count()) if pages.tabText(i).startswith(args.page)))
    for _ in range(10):
        app.processEvents()
    window.chain_view.fit()
    window.map_view.fit()
    for _ in range(5):
        app.processEvents()
    app.processEvents()
    ok = window.grab().save(args.png)
    window.doc.undo_stack.setClean()
    window.close()
    print(f"{args.png}: {'saved' if ok else 'NOT saved'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
