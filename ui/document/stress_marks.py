"""The single points of failure of the last stress test, for the chain view and the map.

One ``StressMarks`` per document (``stress_marks_of(doc)``): the Stress page publishes plain data
(facility id -> tooltip text, from planner.reports.stress_marks.facility_marks) with the digest of
the inputs the test started from; the views listen to ``changed`` and draw a badge on those
facilities. The marks are cleared, and ``changed`` emitted, when

* the inputs change so that their digest differs from the stressed one (an edit; an undo back to
  the stressed inputs before the marks were cleared keeps them),
* a new plan is stored in the document (``result_changed`` with a result), or
* another project is opened (``project_replaced``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

__all__ = ["StressMarks", "stress_marks_of"]


class StressMarks(QObject):
    """Facility id -> mark text of the last stress test; ``changed()`` when set or cleared."""

    changed = Signal()

    def __init__(self, doc: Any) -> None:
        super().__init__(doc)
        self.doc = doc
        self.marks: dict[str, str] = {}
        self.title = ""  # e.g. "stress test of china_cut, each element out in 2026-2028"
        self.digest: str | None = None
        self.cleared_reason = ""  # why the last marks went ("" while shown or never set)
        doc.inputs_changed.connect(self._inputs_changed)
        doc.result_changed.connect(self._result_changed)
        doc.project_replaced.connect(lambda: self.clear("another project was opened"))

    def set_marks(self, marks: dict[str, str], digest: str | None, title: str = "") -> None:
        """Show ``marks`` (stressed from inputs with ``digest``; None: the current inputs)."""
        self.marks = dict(marks)
        self.title = title
        self.digest = digest if digest is not None else self.doc.input_digest()
        self.cleared_reason = ""
        if self.marks and self.digest != self.doc.input_digest():  # edited while the test ran
            self.clear("the project changed while the stress test ran")
            return
        self.changed.emit()

    def clear(self, reason: str = "") -> None:
        if not self.marks and not self.title:
            return
        self.marks, self.title, self.digest = {}, "", None
        self.cleared_reason = reason
        self.changed.emit()

    def mark_of(self, facility_id: str) -> str:
        return self.marks.get(facility_id, "")

    def _inputs_changed(self, _revision: int) -> None:
        if self.marks and self.doc.input_digest() != self.digest:
            self.clear("the project changed since the stress test")

    def _result_changed(self, result: Any) -> None:
        if result is not None:
            self.clear("a new plan was solved since the stress test")


def stress_marks_of(doc: Any) -> StressMarks | None:
    """The document's marks (made on first use); None for a stand-in document without signals."""
    marks = getattr(doc, "_stress_marks", None)
    if marks is None:
        if not isinstance(doc, QObject) or not hasattr(doc, "inputs_changed"):
            return None
        marks = StressMarks(doc)
        doc._stress_marks = marks
    return marks
