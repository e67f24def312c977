"""Run a solve in a child process that can be killed: the caller stays responsive and Cancel
stops any solver (CBC or HiGHS) within a fraction of a second.

The parent sends the project as plain JSON data, relays the child's progress and log messages
to the caller's :class:`SolveState` callbacks (on the calling thread), and polls the cancel flag
every 50 ms; on cancel it kills the child and its CBC grandchild.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import time
import traceback
from typing import Any

from models import Project
from planner.pipeline.solve import SolveOptions, solve_project
from planner.progress import SolveState
from planner.result import PlanResult, Status

POLL_SECONDS = 0.05
NICE_INCREMENT = 5


def hard_limit_seconds(time_limit_s: float) -> float:
    """Wall-clock budget for the whole child (build, solve, duals, extraction): solvers overrun
    their own limits (CBC in presolve, PuLP's MPS writing), so the runner stops them here."""
    return time_limit_s + max(20.0, 0.5 * time_limit_s)


def _child(project_data: dict[str, Any], options: SolveOptions, out: "mp.Queue[tuple]") -> None:
    """Child-process entry: solve and send ("progress"|"log"|"result"|"error", payload) messages."""
    try:
        if hasattr(os, "nice"):
            os.nice(NICE_INCREMENT)  # the solver yields the CPU to the GUI on small machines
        project = Project.model_validate(project_data)
        state = SolveState(
            on_progress=lambda f, m: out.put(("progress", (f, m))),
            on_log=lambda line: out.put(("log", line)),
        )
        result = solve_project(project, options, state)
        out.put(("result", (result.to_dict(), result.log)))
    except BaseException:  # report, never hang the parent
        out.put(("error", traceback.format_exc()))


def _kill_tree(proc: mp.process.BaseProcess) -> None:
    import psutil

    try:
        parent = psutil.Process(proc.pid)
        for child in parent.children(recursive=True):
            child.kill()
        parent.kill()
    except psutil.Error:
        pass
    proc.join(timeout=2)


def solve_in_subprocess(project: Project, options: SolveOptions | None = None,
                        state: SolveState | None = None) -> PlanResult:
    """Same contract as :func:`planner.pipeline.solve.solve_project`, run in a killable child process."""
    options = options or SolveOptions()
    state = state or SolveState()
    ctx = mp.get_context("spawn")
    out: "mp.Queue[tuple]" = ctx.Queue()
    proc = ctx.Process(target=_child, args=(project.model_dump(mode="json"), options, out), daemon=True)
    state.progress(0.0, "starting the solver process")
    proc.start()
    scenario = options.scenario or "base"
    limit = options.time_limit_s if options.time_limit_s is not None else project.settings.time_limit_s
    deadline = time.monotonic() + hard_limit_seconds(limit)
    try:
        while True:
            if state.cancel_requested:
                _kill_tree(proc)
                return PlanResult(Status.CANCELLED, "The solve was cancelled.", options.solver, scenario)
            if time.monotonic() > deadline:
                _kill_tree(proc)
                return PlanResult(
                    Status.TIME_LIMIT,
                    f"The solver overran its time limit of {limit:g} s and was stopped after "
                    f"{hard_limit_seconds(limit):g} s without a plan; raise the time limit.",
                    options.solver,
                    scenario,
                )
            try:
                kind, payload = out.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not proc.is_alive():
                    # drain anything sent just before exit
                    try:
                        kind, payload = out.get(timeout=0.5)
                    except queue.Empty:
                        return PlanResult(
                            Status.ERROR,
                            f"The solver process stopped unexpectedly (exit code {proc.exitcode}).",
                            options.solver,
                            scenario,
                        )
                else:
                    continue
            if kind == "progress":
                state.progress(*payload)
            elif kind == "log":
                state.log(payload)
            elif kind == "result":
                data, log = payload
                result = PlanResult.from_dict(data)
                result.log = log
                return result
            elif kind == "error":
                return PlanResult(Status.ERROR, f"The solver process failed:\n{payload}", options.solver, scenario)
    finally:
        if proc.is_alive():
            _kill_tree(proc)
        else:
            proc.join(timeout=1)
        out.close()
        out.join_thread()
