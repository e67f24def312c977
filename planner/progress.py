"""Progress reporting and cancellation shared by the CLI, the GUI and the risk runner.

A long task is a plain function that receives a :class:`SolveState`, calls ``progress`` and
``log`` as it goes, and checks ``cancel_requested`` between steps (Orange3's ``state`` idiom).
"""

from __future__ import annotations

import threading
from typing import Callable


class Cancelled(Exception):
    """Raised inside a task when the user asked to stop it."""


class SolveState:
    """Progress/log callbacks plus a thread-safe cancel flag."""

    def __init__(
        self,
        on_progress: Callable[[float, str], None] | None = None,
        on_log: Callable[[str], None] | None = None,
    ) -> None:
        self._on_progress = on_progress
        self._on_log = on_log
        self._cancel = threading.Event()
        self.cancel_hooks: list[Callable[[], None]] = []  # e.g. highspy cancelSolve while a solve runs

    def progress(self, fraction: float, message: str) -> None:
        """Report ``fraction`` (0..1) of the work done and what is happening."""
        if self._on_progress is not None:
            self._on_progress(max(0.0, min(1.0, float(fraction))), message)

    def log(self, line: str) -> None:
        if self._on_log is not None:
            self._on_log(line)

    def request_cancel(self) -> None:
        """Ask the task to stop (thread-safe); running solver hooks are called at once."""
        self._cancel.set()
        for hook in list(self.cancel_hooks):
            try:
                hook()
            except Exception:  # a hook must never break cancellation
                pass

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if a cancel was requested."""
        if self._cancel.is_set():
            raise Cancelled()
