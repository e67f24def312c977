"""Cross-object checks of outside buyers (sales markets) and reported output (calibration data).

Called from :func:`models.validation.validate_project` like the other ``check_*`` functions.
"""

from __future__ import annotations

from .project import Project
from .vocab import SOURCED_MATERIALS


def check_sales_markets(p: Project) -> list:
    """Each sales market sells a material without a source assay, names known facilities that make
    it, and lists years inside the horizon; each reported output names a known facility."""
    from .validation import Problem, producible

    facilities = {f.id: f for f in p.facilities}
    problems: list[Problem] = []
    s = p.settings
    seen: set[str] = set()
    for i, m in enumerate(p.sales_markets):
        loc = f"sales_markets[{i}]"
        if m.id in seen:
            problems.append(Problem(f"{loc}.id", f"duplicate sales market id {m.id!r}"))
        seen.add(m.id)
        if m.material in SOURCED_MATERIALS:
            problems.append(Problem(f"{loc}.material", f"{m.material.value} carries its mine's assay: sell oxide, "
                                                        "metal or magnets instead"))
        for j, fid in enumerate(m.facility_ids):
            f = facilities.get(fid)
            if f is None:
                problems.append(Problem(f"{loc}.facility_ids[{j}]", f"unknown facility {fid!r}"))
            elif m.material not in producible(f):
                problems.append(Problem(f"{loc}.facility_ids[{j}]", f"{fid!r} does not produce {m.material.value}"))
        for field in ("reserved_tpy_by_year",):
            for y in getattr(m, field):
                if not s.start_year <= y <= s.end_year:
                    problems.append(Problem(f"{loc}.{field}", f"year {y} is outside the horizon "
                                                             f"{s.start_year}-{s.end_year}", "warning"))
    for i, r in enumerate(p.reported_output):
        if r.facility_id not in facilities:
            problems.append(Problem(f"reported_output[{i}].facility_id", f"unknown facility {r.facility_id!r}"))
    return problems


__all__ = ["check_sales_markets"]
