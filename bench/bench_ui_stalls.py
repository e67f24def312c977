"""Benchmark (not a test): the longest event-loop stall of the desktop app during a planner's steps.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui_stalls.py [PROJECT] [--risk-n 8] [--workers N]
        [--skip-analysis] [--why] [--profile N]

A QTimer fires every 5 ms on the GUI thread; the gap between two ticks minus 5 ms is how long the
event loop could not run (the window was frozen). For each step: opening the sample, solving it,
comparing all scenarios, a small Monte Carlo risk run, the Excel export, the results' Decision
brief and Overview pages and the brief's PDF export (and, apart, the window's first second after
start-up), the script prints the step's wall time (until its work
is done; the meter runs TAIL_S = 0.3 s longer, so that the paints and layouts the work posted
count for this step, not for the next), the longest stall and the 99th percentile of the gaps,
the number of stalls over 50 ms (the goal: none on a quiet machine), the GUI thread's longest
CPU time between two ticks (what the longest stall would be without other work on the machine),
and the longest garbage collection in the step (any thread: the collector holds the GIL, so it stalls the window too).
The main window is real (offscreen platform) and every step is started the way a click would
start it (opening as File > Open does, on a worker thread, until the chain is drawn); the steps
run one after another.
``--why`` samples every thread's stack while the GUI is late and prints the commonest places;
``--profile N`` prints the GUI thread's N costliest calls per step (cProfile).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "sample_projects" / "us_allied_mine_to_magnet.m2m.json"
TICK_MS = 5
STALL_MS = 50.0
#: s the meter keeps running after a step's work is done: the paints and layouts that work posted
#: (a tab's first paint, a re-layout of the docks) belong to the step, not to the next one
TAIL_S = 0.3


class StallMeter:
    """Ticks every TICK_MS on the GUI thread and records the gaps (ms) between ticks, and the GUI
    thread's own CPU time in each gap (``cpu_gaps``, time.thread_time): on a machine loaded by
    other work a gap also holds the time the thread waited for a core, the CPU time does not, so
    it estimates the gap on a quiet machine (from below: waits for the interpreter lock and for
    the disk are not in it)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self.cpu_gaps: list[float] = []
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append((now - self._last) * 1000.0)
        self.cpu_gaps.append((cpu - self._last_cpu) * 1000.0)
        self._last, self._last_cpu = now, cpu

    def start(self) -> None:
        self.gaps, self.cpu_gaps = [], []
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        # the last stretch counts too (work that ended the step without a tick after it)
        self.gaps.append((time.perf_counter() - self._last) * 1000.0)
        self.cpu_gaps.append((time.thread_time() - self._last_cpu) * 1000.0)
        return self.gaps


class GcMeter:
    """Records how long each garbage collection takes (any thread: the collector holds the GIL,
    so a long one stalls the GUI thread too)."""

    def __init__(self) -> None:
        import gc

        self.pauses: list[tuple[float, int]] = []  # (ms, generation)
        self._t0 = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.pauses.append(((time.perf_counter() - self._t0) * 1000.0, int(info.get("generation", -1))))

    def take(self) -> tuple[float, int, int]:
        """(longest pause ms, its generation, number of collections) since the last take."""
        pauses, self.pauses = self.pauses, []
        if not pauses:
            return 0.0, -1, 0
        ms, gen = max(pauses)
        return ms, gen, len(pauses)


class GilMeter:
    """--gil: a Python thread that sleeps 1 ms at a time and records its longest gap. A gap far
    over 1 ms means some thread held the interpreter lock that long (or the machine was busy):
    it tells a stall spent waiting for the lock from one spent in Qt's own C++ work."""

    def __init__(self) -> None:
        import threading

        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="gil-meter")
        self._thread.start()

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, (now - last) * 1000.0 - 1.0)
            last = now

    def take(self) -> float:
        longest, self.longest = self.longest, 0.0
        return longest


class StallSampler:
    """--why: a thread that, while the GUI tick is over 30 ms late, records what every thread is
    doing (innermost project frames), to say what a stall was made of."""

    def __init__(self, meter: StallMeter) -> None:
        import threading

        self.meter = meter
        self.main = threading.main_thread().ident
        self.samples: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _where(frame) -> str:
        import traceback

        stack = traceback.extract_stack(frame)
        mine = [f for f in stack if str(ROOT) in f.filename and "bench" not in f.filename]
        pick = (mine or stack)[-3:]
        return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(pick))

    def _run(self) -> None:
        import threading

        while not self._stop.wait(0.005):
            late = (time.perf_counter() - self.meter._last) * 1000.0
            if late < 30 or not self.meter.timer.isActive():
                continue
            frames = sys._current_frames()
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in frames.items():
                if ident == threading.get_ident():
                    continue
                who = "GUI" if ident == self.main else names.get(ident, "thread")
                key = f"{who}: {self._where(frame)}"
                self.samples[key] = self.samples.get(key, 0) + 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(1.0)

    def take(self, n: int = 8) -> list[tuple[int, str]]:
        samples, self.samples = self.samples, {}
        return sorted(((c, k) for k, c in samples.items()), reverse=True)[:n]


def run_until(app, done, timeout_s: float) -> None:
    """Let the event loop run (as app.exec would) until ``done()`` or the timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    poll.start()
    if not done():
        loop.exec()
    poll.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", default=str(SAMPLE))
    parser.add_argument("--risk-n", type=int, default=8, help="Monte Carlo samples in the risk step")
    parser.add_argument("--workers", type=int, default=0,
                        help="risk workers (default: the Risk tab's default, one process per core; "
                             "1 runs the samples on a thread of the app)")
    parser.add_argument("--skip-analysis", action="store_true", help="skip the (long) comparison and risk steps")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile the GUI thread in each step (cProfile) and print its N costliest calls")
    parser.add_argument("--gil", action="store_true",
                        help="also print the longest time a 1 ms sleeper thread waited (interpreter lock held)")
    parser.add_argument("--why", action="store_true",
                        help="sample every thread's stack (5 ms) while the GUI is stalled and print the commonest")
    args = parser.parse_args(argv)

    from tools.offscreen_window import offscreen_main_window

    app, window, home = offscreen_main_window("m2m-bench-")
    app.processEvents()
    meter = StallMeter()
    gc_meter = GcMeter()
    sampler = StallSampler(meter) if args.why else None
    gil = GilMeter() if args.gil else None
    rows = []

    def step(name: str, start, done, timeout_s: float = 600) -> None:
        prof = None
        if args.profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        gc_meter.take()
        if gil is not None:
            gil.take()
        meter.start()
        t0 = time.perf_counter()
        # started from the event loop, the way a click starts it
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, start)
        run_until(app, lambda: meter.gaps and done(), timeout_s)
        wall = time.perf_counter() - t0
        tail_end = time.perf_counter() + TAIL_S
        run_until(app, lambda: time.perf_counter() >= tail_end, TAIL_S + 1)
        gaps = sorted(g - TICK_MS for g in meter.stop())
        worst = gaps[-1] if gaps else 0.0
        p99 = gaps[min(len(gaps) - 1, int(0.99 * len(gaps)))] if gaps else 0.0
        over = sum(1 for g in gaps if g > STALL_MS)
        cpu_worst = max(max(meter.cpu_gaps, default=0.0) - TICK_MS, 0.0)  # as the stall: the gap less one tick
        rows.append((name, wall, worst, p99, over, cpu_worst))
        gc_ms, gc_gen, gc_n = gc_meter.take()
        print(f"{name:<48} {wall:8.2f} s   longest stall {worst:7.1f} ms (GUI CPU {cpu_worst:5.1f})   "
              f"p99 {p99:6.1f} ms   stalls > {STALL_MS:.0f} ms: {over}   "
              f"longest GC {gc_ms:5.1f} ms (gen {gc_gen}, {gc_n} runs)", flush=True)
        if gil is not None:
            print(f"    longest wait of a 1 ms sleeper thread: {gil.take():.1f} ms")
        if sampler is not None:
            for count, where in sampler.take():
                print(f"    {count * 5:5d} ms  {where}")
        if prof is not None:
            import pstats

            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)

    # the window's first second on screen (delayed layouts of every table, first paints), measured
    # on its own so that the open step below measures opening, not start-up
    settle_until = time.perf_counter() + 1.0
    step("start-up: the window's first second", lambda: None, lambda: time.perf_counter() >= settle_until)

    opened = {"ok": False}

    def open_sample() -> None:  # as File > Open does it: read and checked on a worker thread
        opened["ok"] = window.open_path(args.project, ask=False, background=True)

    step("open the sample", open_sample,  # until the file is read and the chain is drawn
         lambda: opened["ok"] and not window.is_opening and not window.chain_view.is_building)

    # let the validation run that opening schedules finish before the next step
    run_until(app, lambda: not window.validation.pending, 30)

    from ui.runtime import turns

    dash = window.results_dashboard

    def idle() -> bool:
        """Nothing left of the step's GUI work: no queued piece (ui.runtime.turns), no chart still to draw."""
        return len(turns.queue()) == 0 and not dash.is_filling and not window.chain_view.is_building

    panel = window.solve_panel
    solved = {"started": False}

    def solve() -> None:
        panel.start_solve()
        solved["started"] = True

    # until the plan is on screen: the dashboard's charts, the chain's flows, the layers
    step("solve (base, automatic solver)", solve, lambda: solved["started"] and not panel.is_running and idle())

    def show(tab):
        return lambda: window.tabs.setCurrentWidget(tab)

    # a tab switch is a step of its own, until everything it started is drawn (a planner clicks
    # Export some time after the results are on screen, not in the same turn)
    step("show the results tab (on the Decision brief)", show(dash), idle)

    def show_page(page):
        return lambda: dash.tabs.setCurrentWidget(page)

    # the results' own pages: the Overview (KPI cards and charts), then back to the Decision brief
    # (the brief's page hides the KPI cards, so each switch re-lays out the page)
    overview = dash.tabs.widget(1)
    step("results: show the Overview page", show_page(overview), idle)
    step("results: show the Decision brief", show_page(dash.decision_view), idle)
    step("show the map with the year's flows", show(window.map_panel), idle)

    if not args.skip_analysis:
        compare = next(p for p in window.analysis_panels if type(p).__name__ == "ScenarioCompareView")
        # showing a tab and pressing its Run button are two clicks: two steps
        step("show the comparison tab", show(compare), idle)
        step("compare all scenarios", lambda: compare.start(), lambda: not compare.is_running() and idle())

        risk = next(p for p in window.analysis_panels if type(p).__name__ == "RiskPanel")
        risk.n_spin.setValue(args.risk_n)
        if args.workers:
            risk.workers_spin.setValue(args.workers)
        args.workers = risk.workers_spin.value()
        step("show the risk tab", show(risk), idle)
        step(f"risk, {args.risk_n} samples, {args.workers} worker(s)", lambda: risk.start(),
             lambda: not risk.is_running() and idle())
        step("back to the results tab", show(dash), idle)

    out = Path(home) / "plan.xlsx"
    step("export to Excel", lambda: dash.export_xlsx_in_background(str(out)), lambda: not dash.is_exporting)
    print(f"workbook: {out.stat().st_size / 1024:.0f} KiB" if out.exists() else "workbook NOT written")

    # File > Export brief... without its file dialog: the one-page PDF drawn on a worker thread
    brief = Path(home) / "brief.pdf"
    step("export the brief (PDF, worker thread)", lambda: dash.decision_view.export_pdf(str(brief)),
         lambda: not dash.decision_view.is_exporting and brief.exists())
    print(f"brief: {brief.stat().st_size / 1024:.0f} KiB" if brief.exists() else "brief NOT written")

    worst = max(r[2] for r in rows)
    print(f"\nlongest stall over all steps: {worst:.1f} ms (goal: none over {STALL_MS:.0f} ms); "
          f"longest GUI-thread CPU between two ticks: {max(r[5] for r in rows):.1f} ms; "
          f"cores: {os.cpu_count()}, load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if sampler is not None:
        sampler.stop()
    window.doc.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
