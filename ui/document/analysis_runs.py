"""The latest stress test and risk run of this session, and whether they still describe the plan.

One ``AnalysisRuns`` per document (``analysis_runs_of(doc)``). The Stress page publishes its report
(``publish_run``) with the digest of the inputs its run started from; the Risk page calls
``watch_run`` when a run starts (the digest and scenario are taken then) and the report is kept
when its ``report_ready`` fires. The Decision brief asks ``status(kind)``: the report is *current*
for the document's plan when

* it was run from the inputs the plan was solved from (``doc.result_digest``), which are still
  the project's inputs (``doc.input_digest()``: an edit makes it out of date, undoing the edit
  makes it current again), and
* around the plan's scenario.

Otherwise the status says why, in words for the brief ("stress test out of date: the project
changed since it ran", "risk analysis not run for this plan (the last run was of the base case)").
``changed`` is emitted when a run is kept, and when an edit, a new plan or another project may
change a status. Plain data only: the reports are kept as the panels made them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

__all__ = ["AnalysisRuns", "RunStatus", "analysis_runs_of", "publish_run", "watch_run"]

KINDS = {"stress": "stress test", "risk": "risk analysis"}


@dataclass(frozen=True)
class KeptRun:
    """A finished run: its report, the digest of the inputs it started from and its scenario id."""

    report: Any
    digest: str | None
    scenario: str


@dataclass(frozen=True)
class RunStatus:
    """``report`` when current for the plan (else None) and ``text``: why not (empty when current)."""

    report: Any
    text: str


def _scenario(sc: Any) -> str:
    return str(sc) if sc else "base"


class AnalysisRuns(QObject):
    """The latest stress and risk run of the document; ``changed()`` when a status may have changed."""

    changed = Signal()

    def __init__(self, doc: Any) -> None:
        super().__init__(doc)
        self.doc = doc
        self.runs: dict[str, KeptRun] = {}
        self._pending: dict[str, tuple[Any, Any]] = {}  # kind -> (signal, slot) of a run under way
        doc.inputs_changed.connect(self._maybe_changed)
        doc.result_changed.connect(self._maybe_changed)
        doc.project_replaced.connect(self._project_replaced)

    def keep(self, kind: str, report: Any, digest: str | None, scenario: Any) -> None:
        """Keep ``report`` of ``kind`` ("stress" or "risk"), run from inputs with ``digest`` (None:
        the current inputs) around ``scenario`` (None or "base": the base case)."""
        if kind not in KINDS:
            raise ValueError(f"unknown analysis kind {kind!r}")
        self.runs[kind] = KeptRun(report, digest if digest is not None else self.doc.input_digest(),
                                  _scenario(scenario))
        self.changed.emit()

    def watch(self, kind: str, scenario: Any, signal: Any) -> None:
        """A run of ``kind`` starts now around ``scenario``: keep the report ``signal`` delivers next
        (with the digest of the inputs as they are now). A later watch of the same kind replaces
        this one (a run that failed or was replaced never delivers)."""
        digest = self.doc.input_digest()
        self._unwatch(kind)

        def slot(report: Any) -> None:
            self._unwatch(kind)
            self.keep(kind, report, digest, scenario)

        signal.connect(slot)
        self._pending[kind] = (signal, slot)

    def _unwatch(self, kind: str) -> None:
        signal, slot = self._pending.pop(kind, (None, None))
        if signal is not None:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # already gone with its panel
                pass

    def status(self, kind: str) -> RunStatus:
        """Whether the latest run of ``kind`` is current for the document's plan (module docstring)."""
        name = KINDS[kind]
        run = self.runs.get(kind)
        result = getattr(self.doc, "result", None)
        if run is None:
            return RunStatus(None, f"{name} not run")
        if result is None:
            return RunStatus(None, f"{name} not run for this plan")
        plan_scenario = _scenario(getattr(result, "scenario", None))
        if run.scenario != plan_scenario:
            around = "the base case" if run.scenario == "base" else self._scenario_name(run.scenario)
            return RunStatus(None, f"{name} not run for this plan (the last run was of {around})")
        if run.digest != self.doc.input_digest():
            return RunStatus(None, f"{name} out of date: the project changed since it ran (run it again)")
        solved_from = getattr(self.doc, "result_digest", None)
        if solved_from is not None and run.digest != solved_from:
            return RunStatus(None, f"{name} out of date: it ran on other inputs than this plan (run it again)")
        return RunStatus(run.report, "")

    def _scenario_name(self, sid: str) -> str:
        for sc in getattr(self.doc.project, "scenarios", []):
            if sc.id == sid:
                return sc.name or sc.id
        return sid

    def _maybe_changed(self, *_: Any) -> None:
        if self.runs:
            self.changed.emit()

    def _project_replaced(self) -> None:
        self.runs.clear()
        for kind in list(self._pending):
            self._unwatch(kind)
        self.changed.emit()


def analysis_runs_of(doc: Any) -> AnalysisRuns | None:
    """The document's runs (made on first use); None for a stand-in document without signals."""
    runs = getattr(doc, "_analysis_runs", None)
    if runs is None:
        if not isinstance(doc, QObject) or not all(hasattr(doc, s) for s in
                                                   ("inputs_changed", "result_changed", "project_replaced")):
            return None
        runs = AnalysisRuns(doc)
        doc._analysis_runs = runs
    return runs


def publish_run(doc: Any, kind: str, report: Any, digest: str | None, scenario: Any) -> None:
    """Keep a finished run of ``kind`` (see AnalysisRuns.keep); nothing for a stand-in document."""
    runs = analysis_runs_of(doc)
    if runs is not None:
        runs.keep(kind, report, digest, scenario)


def watch_run(doc: Any, kind: str, scenario: Any, signal: Any) -> None:
    """A run of ``kind`` starts: keep the report ``signal`` delivers (see AnalysisRuns.watch)."""
    runs = analysis_runs_of(doc)
    if runs is not None:
        runs.watch(kind, scenario, signal)
