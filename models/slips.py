"""The slip rules of the risk catalogue (models.risk_catalogue ``slips_by_stage`` / ``facility_slips``),
shared by the Monte Carlo draws (planner.analysis.risk_events), the rebuilt reference evaluation and
the warm one (planner.analysis.plan_eval). Pure functions: they return copies.

A slip of ``d`` extra years (d >= 0), horizon ``start``..``end``:

* **circuit** (separation plants): every *new* circuit -- an element whose ``element_online_year``
  is >= ``start`` -- starts ``d`` years later: ``element_online_year[e] + d`` (capped at 2200).
  Circuits that started before the horizon are running already and do not move. In year y the
  plant then makes the elements the unslipped plant made in year ``circuit_source_year(y, d,
  start) = max(y - d, start - 1)``.
* **ramp-up**: the ramp stalls ``d`` years at the share of its year k = max(0, start - online - 1)
  (its first year's share when it comes online in the horizon; the share of the last year before
  the horizon when it is mid-ramp, so the past is not rewritten):
  ``ramp_up_shares[:k + 1] + [ramp_up_shares[k]] * d + ramp_up_shares[k + 1:]``. A facility without
  an online year, or whose ramp ended before the horizon, has nothing to slip.
* **qualification**: the facility's output is accepted by defense buyers ``d`` years later: its
  existing capacity's ``qualification_years = qualification_lag(f) + d`` and each expansion
  option's lag + d (the capacity it adds qualifies d years after it was due). Commercial buyers
  still take the output at once.

Reveal (no foresight): a slip is known at the start of the year the slipped thing was due
(:func:`slip_window`): the first new circuit's online year, the first year the slipped ramp's
capacity differs from the schedule, the year the facility was due to qualify -- each on the
facility as the sample's commissioning delay left it (models.delays). A plant whose only capacity
is its options is due when the first addition can qualify ((earliest decision year or start) +
lead time + lag); planner.analysis.plan_eval reveals it when the committed plan's first addition
was due (:func:`qualification_due`).
"""

from __future__ import annotations

from .delays import YEAR_MAX, delay_facility
from .project import Facility, Settings
from .schedules import existing_capacity_tpy, qualification_lag, qualified_from_year
from .vocab import Stage

CIRCUIT, RAMP_UP, QUALIFICATION = "circuit", "ramp_up", "qualification"


def new_circuits(f: Facility, start: int) -> dict:
    """Element -> online year of the facility's circuits that start in or after ``start``."""
    if f.stage is not Stage.SEPARATION:
        return {}
    return {e: y for e, y in f.element_online_year.items() if y >= start}


def circuit_source_year(year: int, extra: int, start: int) -> int:
    """The year of the unslipped plant whose circuits run in ``year`` after a circuit slip of
    ``extra`` years: max(year - extra, start - 1)."""
    return max(year - extra, start - 1) if extra else year


def slip_circuits(f: Facility, extra: int, start: int) -> Facility:
    """A copy of ``f`` whose new circuits start ``extra`` years later (``f`` when nothing moves)."""
    moved = new_circuits(f, start)
    if not extra or not moved:
        return f
    eoy = dict(f.element_online_year)
    for e, y in moved.items():
        eoy[e] = min(YEAR_MAX, y + extra)
    return f.model_copy(update={"element_online_year": eoy})


def ramp_stall_index(f: Facility, start: int) -> int | None:
    """k of the ramp-up rule (module docstring); None when the facility has no ramp left to slip."""
    if f.online_year is None or not f.ramp_up_shares:
        return None
    k = max(0, start - f.online_year - 1)
    return k if k < len(f.ramp_up_shares) else None


def slip_ramp(f: Facility, extra: int, start: int) -> Facility:
    """A copy of ``f`` whose ramp-up stalls ``extra`` years at its share of year k (module docstring)."""
    k = ramp_stall_index(f, start)
    if not extra or k is None:
        return f
    s = list(f.ramp_up_shares)
    return f.model_copy(update={"ramp_up_shares": s[:k + 1] + [s[k]] * extra + s[k + 1:]})


def slip_qualification(f: Facility, extra: int, settings: Settings) -> Facility:
    """A copy of ``f`` whose existing capacity and options qualify ``extra`` years later."""
    if not extra:
        return f
    options = [o.model_copy(update={"qualification_years": qualification_lag(f, settings, o) + extra})
               for o in f.options]
    return f.model_copy(update={"qualification_years": qualification_lag(f, settings) + extra, "options": options})


def qualification_due(f: Facility, settings: Settings, additions: list[tuple[str, int]] | None = None) -> int | None:
    """The first year in the horizon the facility's output was due to qualify: its existing
    capacity's (online_year + lag) and, for each addition ``(option, decided year)`` (a plan's;
    without them: each option's earliest possible one), decided year + lead time + the option's
    lag. None when nothing is due in the horizon (or it was qualified before it)."""
    start, end = settings.start_year, settings.end_year
    due = []
    q = qualified_from_year(f, settings)
    if f.online_year is not None and q is not None:
        due.append(q)
    by_id = {o.id: o for o in f.options}
    pairs = [(by_id[oid], z) for oid, z in additions if oid in by_id] if additions is not None else [
        (o, o.earliest_decision_year or start) for o in f.options]
    due += [z + o.lead_time_years + qualification_lag(f, settings, o) for o, z in pairs]
    due = [y for y in due if start <= y <= end]
    return min(due) if due else None


def apply_slips(f: Facility, slips: dict[str, int], settings: Settings) -> Facility:
    """``f`` with its slips (kind -> extra years) applied; ``f`` itself when none changes it."""
    start = settings.start_year
    g = slip_circuits(f, int(slips.get(CIRCUIT, 0)), start)
    g = slip_ramp(g, int(slips.get(RAMP_UP, 0)), start)
    return slip_qualification(g, int(slips.get(QUALIFICATION, 0)), settings)


def can_slip(f: Facility, kind: str, settings: Settings) -> bool:
    """Does a slip of this kind change anything for ``f`` inside the horizon (before any delay)?"""
    start, end = settings.start_year, settings.end_year
    if kind == CIRCUIT:
        return any(y <= end for y in new_circuits(f, start).values())
    if kind == RAMP_UP:
        k = ramp_stall_index(f, start)
        return k is not None and f.online_year + k + 1 <= end
    return qualification_due(f, settings) is not None


def slip_window(f: Facility, kind: str, extra: int, settings: Settings, delay: int = 0) -> tuple[int, int] | None:
    """(reveal year, last year it changes) of a slip of ``extra`` years of facility ``f`` delayed by
    ``delay`` years (models.delays); None when it changes nothing inside the horizon."""
    start, end = settings.start_year, settings.end_year
    if extra <= 0:
        return None
    g = delay_facility(f, delay, start, YEAR_MAX, options=False) if delay else f
    if kind == CIRCUIT:
        due = sorted(y for y in new_circuits(g, start).values() if y <= end)
        return (due[0], min(end, due[-1] + extra - 1)) if due else None
    if kind == RAMP_UP:
        h = slip_ramp(g, extra, start)
        changed = [y for y in range(start, end + 1) if existing_capacity_tpy(h, y) != existing_capacity_tpy(g, y)]
        return (changed[0], changed[-1]) if changed else None
    q = qualification_due(g, settings)
    return None if q is None else (q, min(end, q + extra - 1))


__all__ = ["CIRCUIT", "QUALIFICATION", "RAMP_UP", "apply_slips", "can_slip", "circuit_source_year", "new_circuits",
           "qualification_due", "ramp_stall_index", "slip_circuits", "slip_qualification", "slip_ramp", "slip_window"]
