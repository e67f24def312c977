"""The one commissioning-delay rule, shared by scenario overrides (models.scenarios), Monte Carlo
samples (planner.analysis.risk_sampling) and plan evaluation (planner.analysis.plan_eval).

A delay of ``d`` whole years (negative: earlier) applied to facility ``f`` with horizon start ``s``:

* ``f`` not operating, online year ``o >= s``: online year ``o + d``;
  ``f`` not operating, no online year: online year ``s + d``;
  an operating facility, or one online before the horizon: its online year stays.
* The new online year is clamped to the first supported year (1900; online then or earlier is the
  same for any horizon). A facility pushed to or past its ``closure_year``, or past the last
  supported year (2200, so past any horizon), never runs: ``capacity_tpy = 0`` and its online
  year stays as it was (so ``closure_year > online_year`` still holds).
* Every option of ``f``: first decision year ``(earliest_decision_year or s) + d``, clamped below
  at 1900. Past 2200 it is stored as 2200 when that still leaves the option no decision year in the
  horizon (2200 > end year - lead time); otherwise (end year 2200 and no lead time, the only case
  where the clamp would change the answer) the delay is refused with a :class:`DelayError`.

Nothing here validates a whole project; the functions are pure (they return copies).
"""

from __future__ import annotations

from dataclasses import dataclass

from .project import ExpansionOption, Facility
from .vocab import Status

YEAR_MIN, YEAR_MAX = 1900, 2200  # models.project.Year


class DelayError(ValueError):
    """A delay that cannot be represented; ``location`` names the facility or option it concerns."""

    def __init__(self, location: str, message: str):
        super().__init__(f"{location}: {message}" if location else message)
        self.location = location
        self.message = message


@dataclass(frozen=True)
class OnlineAfterDelay:
    """What a delay does to a facility's online year. ``runs`` False: it never produces."""

    online_year: int | None
    runs: bool = True


def delayed_online_year(f: Facility, years: int, start_year: int) -> OnlineAfterDelay:
    """The facility's online year after a delay of ``years`` (module docstring rule)."""
    if not years or f.status is Status.OPERATING:
        return OnlineAfterDelay(f.online_year)
    if f.online_year is None:
        new = start_year + years
    elif f.online_year >= start_year:
        new = f.online_year + years
    else:
        return OnlineAfterDelay(f.online_year)  # came online before the horizon: nothing to delay
    new = max(YEAR_MIN, new)
    if (f.closure_year is not None and new >= f.closure_year) or new > YEAR_MAX:
        return OnlineAfterDelay(f.online_year, runs=False)
    return OnlineAfterDelay(new)


def first_decision_year(option: ExpansionOption, years: int, start_year: int) -> int:
    """The option's first decision year after a delay, unclamped above (may pass 2200):
    max(start_year, (earliest_decision_year or start_year) + years)."""
    return max(start_year, (option.earliest_decision_year or start_year) + years)


def delayed_earliest_decision_year(option: ExpansionOption, years: int, start_year: int, end_year: int,
                                   where: str = "") -> int | None:
    """``earliest_decision_year`` to store after a delay (None when the option has none and the
    delay is 0); raises DelayError located at ``where`` when it cannot be stored exactly."""
    if not years:
        return option.earliest_decision_year
    new = max(YEAR_MIN, (option.earliest_decision_year or start_year) + years)
    if new <= YEAR_MAX:
        return new
    if YEAR_MAX > end_year - option.lead_time_years:
        return YEAR_MAX  # still no decision year in the horizon: the same model
    raise DelayError(where, f"a delay of {years} years moves option {option.id!r}'s first decision year to {new}, "
                            f"past the last supported year {YEAR_MAX}")


def delay_facility(f: Facility, years: int, start_year: int, end_year: int, *, options: bool = True,
                   where: str = "") -> Facility:
    """A copy of ``f`` delayed by ``years`` (``f`` itself when nothing changes). ``options``: also
    shift its options' first decision years. ``where``: the facility's location for errors."""
    if not years:
        return f
    moved = delayed_online_year(f, years, start_year)
    update: dict = {}
    if not moved.runs:
        update["capacity_tpy"] = 0.0
    elif moved.online_year != f.online_year:
        update["online_year"] = moved.online_year
    if options and f.options:
        update["options"] = [
            o.model_copy(update={"earliest_decision_year": delayed_earliest_decision_year(
                o, years, start_year, end_year, f"{where}.options[{j}]" if where else f"option {o.id!r}")})
            for j, o in enumerate(f.options)]
    return f.model_copy(update=update) if update else f


__all__ = ["DelayError", "OnlineAfterDelay", "YEAR_MAX", "YEAR_MIN", "delay_facility", "delayed_earliest_decision_year",
           "delayed_online_year", "first_decision_year"]
