"""Calibration to reported output: the plan's first year against what operating facilities reported.

For each ``project.reported_output`` entry (facility f, material c, reported tonnes R in year Y):

    planned P = production of c at f in the plan's first year (settings.start_year), in t
    difference = (P - R) / R  (as a share; None when R = 0)
    status = "within"    when |difference| <= CALIBRATION_TOLERANCE (25 %)
             "explained" when it is not, and the data states a reason (a contract, an outage, a ramp)
             "off"       otherwise: the sample departs from reality and needs fixing

Concentrate is compared as t TREO in concentrate (a mine's output), every other material in its own
tonnes. Pure: reads the result's production rows, no solver.
"""

from __future__ import annotations

from models.project import Project
from planner.result import CalibrationRow, PlanResult

CALIBRATION_TOLERANCE = 0.25


def calibration_rows(project: Project, result: PlanResult) -> list[CalibrationRow]:
    """One row per reported output, in the order the project lists them (see the module docstring)."""
    if not result.has_plan:
        return []
    year = project.settings.start_year
    made: dict[tuple[str, str], float] = {}
    for p in result.production:
        if p.year == year:
            made[(p.facility, p.material)] = made.get((p.facility, p.material), 0.0) + p.tonnes
    names = {f.id: f.name for f in project.facilities}
    rows = []
    for r in project.reported_output:
        planned = round(made.get((r.facility_id, r.material.value), 0.0), 3)
        diff = (planned - r.tonnes) / r.tonnes if r.tonnes > 0 else None
        if diff is not None and abs(diff) <= CALIBRATION_TOLERANCE + 1e-12:
            status = "within"
        else:
            status = "explained" if r.reason.strip() else "off"
        url = r.sources[0].url if r.sources else ""
        rows.append(CalibrationRow(r.facility_id, names.get(r.facility_id, r.facility_id), r.material.value,
                                   r.year, r.tonnes, r.basis, year, planned,
                                   None if diff is None else round(diff, 6), status, r.reason, url))
    return rows


__all__ = ["CALIBRATION_TOLERANCE", "calibration_rows"]
