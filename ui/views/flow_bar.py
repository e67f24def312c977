"""The bar above the chain view and the map: a material picker, and the flow-year picker kept on
the project's horizon (refilled when a project is opened or its start or end year is edited,
keeping the year shown while it is still in the horizon)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox

from models.vocab import Material
from ui.document.fields import label_of
from ui.widgets.year_combo import fill_year_combo


def material_combo(tip: str) -> QComboBox:
    """"All materials" (data None), then every material by its label (data: its value)."""
    combo = QComboBox()
    combo.setToolTip(tip)
    combo.setAccessibleName("Material shown")
    combo.addItem("All materials", None)
    for m in Material:
        combo.addItem(label_of(m), m.value)
    return combo


class HorizonYears:
    """For a panel with ``doc``, ``year_combo`` and ``_years_filled()`` (which shows the flows of the
    year picked; it runs after every fill): call :meth:`_follow_horizon` once the panel is built."""

    doc: Any
    year_combo: QComboBox

    def _follow_horizon(self) -> None:
        self.doc.project_replaced.connect(self._fill_years)
        self.doc.field_changed.connect(self._field_changed)
        self._fill_years()

    def _field_changed(self, obj: Any, attr: str) -> None:
        if obj is self.doc.project.settings and attr in ("start_year", "end_year"):
            self._fill_years()

    def _fill_years(self) -> None:
        fill_year_combo(self.year_combo, self.doc.project.settings, self.year())
        self._years_filled()

    def year(self) -> int | None:
        return self.year_combo.currentData()
