"""The flow-year picker shared by the chain view and the map: the horizon's years, keeping the year
shown when it is still in the horizon, else opening on the KPI year (the compliance year clamped to
the horizon, as the results dashboard does)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from models.project import Settings


def kpi_year(s: Settings) -> int:
    """The year the results open on: the compliance start year clamped to the horizon."""
    return max(s.start_year, min(s.end_year, s.compliance_start_year))


def fill_year_combo(combo: QComboBox, s: Settings, keep: int | None) -> None:
    """Refill ``combo`` with the years of ``s`` (data = the year) without emitting signals; select
    ``keep`` when it is still there, else the KPI year."""
    combo.blockSignals(True)
    combo.clear()
    for y in s.years:
        combo.addItem(str(y), y)
    i = combo.findData(keep) if keep is not None else -1
    combo.setCurrentIndex(i if i >= 0 else max(0, combo.findData(kpi_year(s))))
    combo.blockSignals(False)
