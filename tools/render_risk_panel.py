"""Render the Risk tab after a run to a PNG (the README's risk screenshots); not a test.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.render_risk_panel \\
        sample_projects/us_allied_mine_to_magnet.m2m.json docs/screenshot_risk.png \\
        --scenario china_cut --samples 40 --seed 2027 --workers 2
    ... docs/screenshot_risk_robust.png --scenario china_cut --samples 32 --robust 2

Opens the project in the main window at 1400 x 900, sets the Risk tab's controls (scenario it runs
around, samples, seed, workers), presses *Run risk analysis* (or, with ``--robust K``, *Plan for
this risk* over K planning futures, evaluated on ``--samples`` fresh ones, and shows the *Robust
plan* tab), waits for the report and saves the Risk tab's ``grab()``. Window layout preferences
go to a temporary QSettings folder, so the user's own layout is not used or changed.
"""

from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project")
    parser.add_argument("png")
    parser.add_argument("--scenario", help="scenario id the run goes around (default: the base case)")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--robust", type=int, metavar="K", help="plan for this risk over K futures")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait for the run")
    args = parser.parse_args(argv)

    from tools.offscreen_window import offscreen_main_window
    from ui.panels.risk_panel import RiskPanel

    app, window, _home = offscreen_main_window("m2m-render-")
    if not window.open_path(args.project, ask=False):
        return 2
    risk = next(p for p in window.analysis_panels if isinstance(p, RiskPanel))
    window.tabs.setCurrentWidget(risk)
    app.processEvents()
    if args.scenario:
        i = risk.scenario_combo.findData(args.scenario)
        if i < 0:
            print(f"no scenario {args.scenario!r} in {args.project}", file=sys.stderr)
            return 2
        risk.scenario_combo.setCurrentIndex(i)
    risk.n_spin.setValue(args.samples)
    risk.seed_spin.setValue(args.seed)
    risk.workers_spin.setValue(args.workers)
    if args.robust:
        risk.robust_k_spin.setValue(args.robust)
        risk.start_robust()
    else:
        risk.start()
    started = time.monotonic()
    while risk.is_running() and time.monotonic() - started < args.timeout:
        app.processEvents()
        time.sleep(0.05)
    if risk.is_running():
        print(f"the run did not finish within {args.timeout:g} s", file=sys.stderr)
        risk.cancel()
        return 1
    if args.robust:
        tabs = risk.tabs
        tabs.setCurrentIndex([tabs.tabText(i) for i in range(tabs.count())].index("Robust plan"))
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    from ui.runtime import turns

    turns.flush()
    app.processEvents()
    risk.grab().save(args.png)
    print(f"{args.png}: saved ({risk.status_label.text()})")
    window.doc.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
