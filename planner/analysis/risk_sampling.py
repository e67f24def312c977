"""Monte Carlo draws: commissioning delays and capex overruns, and applying them to a project.

Sample ``i`` of a run with seed ``s`` draws from ``numpy.random.default_rng([s, i])`` only, so a
sample's draws depend on (s, i) alone, never on the number of workers, the scheduler or the order
in which samples finish.

Draw order inside a sample (fixed, so files and reports stay reproducible): facilities in project
order; for each facility first its delay (when it gets one), then its overrun (when it gets one).

* Delay (whole years) for every facility that is not operating, from
  ``settings.risk.delay_years[facility.status]`` (a discrete distribution). Operating facilities
  with expansion options also draw from ``delay_years["operating"]`` (default: always 0), which
  then only delays their options. A status without a distribution draws nothing (delay 0).
* Overrun factor for every facility with expansion options, from the triangular distribution
  ``settings.risk.capex_overrun[facility.status]`` (low, mode, high); a degenerate distribution
  (low == high) gives exactly ``low``.
* Availability (ramp-up risk), after every delay and overrun (so projects without it draw exactly
  as before): for each facility with ``availability_risk``, in project order, one uniform u; the
  share of year y is the u-quantile of that year's triangular (low, mode, high): one draw per
  facility moves all its years together (a slow ramp is slow in every year). The sample's existing
  capacity of f in y is the schedule's x share (capacity rows and qualification caps alike).
* Catalogue events (``settings.risk.catalogue``): outages, export stops, licence states, demand
  surges, slips (revealed on the schedule the sample's delays left), with their stratification
  weight (planner.analysis.risk_events), from a stream of their own, so a project without a
  catalogue draws exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.delays import delay_facility
from models.project import Facility, Project
from models.vocab import Status
from planner.analysis.risk_events import draw_events, triangular_quantile


@dataclass
class SampleDraw:
    """What one Monte Carlo sample drew: delay (years) and capex overrun factor per facility id."""

    index: int
    delays: dict[str, int] = field(default_factory=dict)
    overruns: dict[str, float] = field(default_factory=dict)
    availability: dict[str, dict[int, float]] = field(default_factory=dict)  # facility -> year -> share
    events: list = field(default_factory=list)  # catalogue events (planner.analysis.risk_events.Event)
    weight: float = 1.0  # stratification weight of this sample (1 without stratified catalogue events)


def sample_rng(seed: int, index: int) -> np.random.Generator:
    """The generator of sample ``index``: ``default_rng([seed, index])`` (independent streams)."""
    return np.random.default_rng([int(seed), int(index)])


def _gets_delay(f: Facility) -> bool:
    return f.status is not Status.OPERATING or bool(f.options)


def draw_sample(project: Project, seed: int, index: int) -> SampleDraw:
    """Draw sample ``index``'s delays and overruns from ``project.settings.risk``."""
    if seed < 0 or index < 0:
        raise ValueError("seed and sample index must be >= 0")
    rng = sample_rng(seed, index)
    risk = project.settings.risk
    draw = SampleDraw(index=index)
    for f in project.facilities:
        if _gets_delay(f):
            dist = risk.delay_years.get(f.status)
            if dist is not None:
                p = np.asarray(dist.probabilities, dtype=float)
                k = int(rng.choice(len(dist.years), p=p / p.sum()))
                draw.delays[f.id] = int(dist.years[k])
        if f.options:
            tri = risk.capex_overrun.get(f.status)
            if tri is not None:
                if tri.high - tri.low <= 0:
                    draw.overruns[f.id] = float(tri.low)
                else:
                    draw.overruns[f.id] = float(rng.triangular(tri.low, tri.mode, tri.high))
    for f in project.facilities:
        if f.availability_risk:
            u = float(rng.random())
            draw.availability[f.id] = {int(y): triangular_quantile(u, a.low, a.mode, a.high)
                                       for y, a in sorted(f.availability_risk.items())}
    if risk.catalogue is not None:  # its own random stream: the draws above are unchanged by it
        draw.events, draw.weight = draw_events(project, seed, index, draw.delays)
    return draw



def apply_draw(project: Project, draw: SampleDraw) -> Project:
    """A deep copy of ``project`` with the draw's delays and overruns applied.

    Delay d for facility f: the shared rule of models.delays (as the scenario ``DelayOverride``).
    Overrun factor x: every option's capex_musd_per_tpy and fixed_capex_musd are multiplied by x.
    """
    p = project.model_copy(deep=True)
    start = p.settings.start_year
    for i, f in enumerate(p.facilities):
        d = draw.delays.get(f.id, 0)
        f = p.facilities[i] = delay_facility(f, d, start, p.settings.end_year, where=f"facilities[{i}]")
        x = draw.overruns.get(f.id)
        for opt in f.options:
            if x is not None and x != 1.0:
                opt.capex_musd_per_tpy = opt.capex_musd_per_tpy * x
                opt.fixed_capex_musd = opt.fixed_capex_musd * x
    return p
