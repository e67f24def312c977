"""Render the Decision view after an N-1 stress test of the same plan (a screenshot); not a test.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.render_decision_after_stress \\
        sample_projects/us_allied_mine_to_magnet.m2m.json docs/screenshot_decision_view.png --scenario china_cut

Opens the project at 1400 x 900, solves the scenario through the Solve panel, runs the Risk tab's
stress page around the same scenario (2027-2028, 2 workers; about 25 s on the real sample), then
shows Results > Decision, whose coverage table and headline now name the single points of failure,
and saves ``window.grab()``. Prints the brief's stress headline and the seconds each step took.
"""

from __future__ import annotations

import argparse
import sys
import time


def _wait(app, busy, limit_s: float) -> float:
    started = time.monotonic()
    while busy() and time.monotonic() - started < limit_s:
        app.processEvents()
        time.sleep(0.02)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project")
    parser.add_argument("png")
    parser.add_argument("--scenario", help="scenario id to solve and stress (default: the base case)")
    args = parser.parse_args(argv)

    from tools.offscreen_window import offscreen_main_window

    app, window, _home = offscreen_main_window("m2m-render-")
    if not window.open_path(args.project, ask=False):
        return 2
    app.processEvents()
    solve = window.solve_panel
    if args.scenario:
        solve.scenario_combo.setCurrentIndex(solve.scenario_combo.findData(args.scenario))
    solve.start_solve()
    t_solve = _wait(app, lambda: solve.is_running, 300)
    stress = window.risk_panel.stress_panel
    stress.scenario_combo.setCurrentIndex(max(0, stress.scenario_combo.findData(args.scenario)))
    stress.workers_spin.setValue(2)
    stress.start()
    t_stress = _wait(app, stress.is_running, 600)
    window.tabs.setCurrentWidget(window.results_dashboard)
    dash = window.results_dashboard
    dash.tabs.setCurrentWidget(dash.decision_view)
    for _ in range(20):
        app.processEvents()
    brief = dash.decision_view.brief
    print(f"solve {t_solve:.1f} s, stress test {t_stress:.1f} s")
    print("Stress test:", dict(brief.headline).get("Stress test") if brief else "(no brief)")
    ok = window.grab().save(args.png)
    print(("saved " if ok else "could not save ") + args.png)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
