"""Catalogue events of one Monte Carlo sample (models.risk_catalogue), drawn and stratified.

Potential events (:func:`potential_events`), in a fixed order: one outage per facility that
operates (its override, else its stage's default), one export stop per listed country, one surge
per listed surge; events sharing a ``group`` form one potential event (drawn together, starting
the same year). The licence regime is one categorical draw.

Occurrence. A potential event with yearly probability p over a window of W years happens with
q = 1 - (1 - p)^W. Its start year given that it happens: P(y) = p (1 - p)^(y - first) / q. Its
duration: from its distribution.

Stratification (q < catalogue.stratify_below). Instead of a Bernoulli draw per sample, the event
happens in exactly one sample of every block of K = min(ceil(1 / q), MAX_STRATUM) consecutive
indices [b K, (b + 1) K): at position ``default_rng([seed, 104729, event number, b]).integers(K)``
of block b, so an event of probability 4 % is in 1 future of every 20 (the cap) whatever the seed,
and two events meet in a block by chance (1/K), not by a shared offset.
Each sample carries the weight (likelihood ratio) prod_e w_e with w_e = q K when it has event e and
(1 - q) / (1 - 1/K) when not; weighted shares are unbiased estimates of the true probabilities.
With q >= stratify_below the event is a plain Bernoulli(q) draw (w_e = 1).

Slips (catalogue ``slips_by_stage`` / ``facility_slips``, models.slips): after the surges, for each
facility in project order and each kind (circuit, ramp-up, qualification) whose slip would change
something in the horizon, due in the catalogue's window (on the undelayed schedule), and, for
qualification, whose product a defense demand takes, one
potential event that happens once per future with q = its probability (stratified like the
others when q < stratify_below), by extra years drawn from its distribution. Its first year is
the year the slipped thing was due on the facility as the sample's delay left it (so a sample
learns it then, not before), its last year the last one it changes.

Licence regime: the state is chosen by a Weyl sequence u_i = frac(offset + i x 0.6180339887)
(offset drawn once per run): state s covers its probability's share of [0, 1), so every n
consecutive samples hold each state in its share to within 1/n; weight 1.

Every random number of sample i comes from ``default_rng([seed, i, 31337])`` (start years,
durations, surge factors, Bernoulli draws), so a sample's events depend on (seed, i) only.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from models.project import Facility, Project
from models.risk_catalogue import SLIP_KINDS
from models.slips import can_slip, slip_window
from models.vocab import METAL_OF, OXIDE_OF, RECIPE_STAGES, Stage, Status

MAX_STRATUM = 20  # a rare event appears in at least 1 future of every 20
_GOLDEN = 0.6180339887498949


@dataclass
class Event:
    """One drawn event: what is out or changed, from which year to which (inclusive)."""

    id: str
    kind: str  # outage | export_stop | licence | surge | circuit_slip | ramp_up_slip | qualification_slip
    first_year: int
    last_year: int
    facilities: list[str] = field(default_factory=list)  # make nothing in those years
    markets: dict[str, float] = field(default_factory=dict)  # market id -> cap t/yr in those years
    demand_factor: dict[str, float] = field(default_factory=dict)  # product -> defense demand multiplier
    source: str = ""
    slipped: str = ""  # a slip's facility (its rule: models.slips)
    extra_years: int = 0  # a slip's extra years

    @property
    def slip_kind(self) -> str | None:
        """circuit | ramp_up | qualification for a slip, else None."""
        return self.kind[:-len("_slip")] if self.kind.endswith("_slip") else None

    def to_row(self) -> list[Any]:
        return [self.id, self.kind, self.first_year, self.last_year]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Event":
        return cls(**d)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Potential:
    """A potential event: its members (drawn together), yearly probability and duration."""

    id: str
    members: list[tuple[str, Any]]  # (kind, catalogue entry)
    p_year: float
    duration: Any
    source: str
    once: bool = False  # a slip: happens once per future with probability p_year (no start year drawn)


def triangular_quantile(u: float, low: float, mode: float, high: float) -> float:
    """Inverse CDF of the triangular distribution (low, mode, high) at u in [0, 1]."""
    if high - low <= 0:
        return float(low)
    c = (mode - low) / (high - low)
    if u < c:
        return float(low + np.sqrt(u * (high - low) * (mode - low)))
    return float(high - np.sqrt((1.0 - u) * (high - low) * (high - mode)))


def _window(project: Project) -> tuple[int, int]:
    cat = project.settings.risk.catalogue
    s = project.settings
    first = cat.first_year if cat and cat.first_year is not None else s.start_year
    last = cat.last_year if cat and cat.last_year is not None else s.end_year
    return max(first, s.start_year), min(last, s.end_year)


def potential_events(project: Project) -> list[Potential]:
    """The catalogue's potential events in a fixed order (module docstring); [] without catalogue."""
    cat = project.settings.risk.catalogue
    if cat is None:
        return []
    raw: list[tuple[str, str, Any]] = []  # (id, kind, entry)
    overrides = {o.facility_id: o for o in cat.facility_outages}
    for f in project.facilities:
        if f.status is not Status.OPERATING:
            continue
        rate = overrides.get(f.id) or cat.outage_by_stage.get(f.stage)
        if rate is not None and rate.annual_probability > 0:
            raw.append((f"outage:{f.id}", "outage", (f.id, rate)))
    for stop in cat.export_stops:
        if stop.annual_probability > 0:
            raw.append((f"export_stop:{stop.country}", "export_stop", (stop.country, stop)))
    for surge in cat.demand_surges:
        if surge.annual_probability > 0:
            raw.append((f"surge:{surge.id}", "surge", (surge.id, surge)))
    raw.extend(_potential_slips(project))
    out: list[Potential] = []
    groups: dict[str, Potential] = {}
    for eid, kind, (key, entry) in raw:
        once = kind.endswith("_slip")
        p, dist = (entry.probability, entry.extra_years) if once else (entry.annual_probability, entry.duration)
        if entry.group:
            g = groups.get(entry.group)
            if g is None:
                g = groups[entry.group] = Potential(f"group:{entry.group}", [], p, dist, entry.source, once)
                out.append(g)
            g.members.append((kind, (key, entry)))
        else:
            out.append(Potential(eid, [(kind, (key, entry))], p, dist, entry.source, once))
    return out


def _defense_products(project: Project) -> set[str]:
    out = {d.product.value for d in project.demands if d.segment.value == "defense"}
    return out | ({"ndfeb_magnet", "smco_magnet"} if project.platforms else set())


def _makes(f: Facility) -> set[str]:
    """Materials the facility can make (its recipe outputs, oxides or metals of its elements)."""
    if f.stage in RECIPE_STAGES:
        return {m.value for m, v in f.recipe_outputs.items() if v > 0}
    if f.stage is Stage.SEPARATION:
        return {OXIDE_OF[e].value for e in f.element_recovery}
    if f.stage is Stage.METAL:
        return {METAL_OF[e].value for e in f.element_recovery}
    return set()


def _potential_slips(project: Project) -> list[tuple[str, str, Any]]:
    """(id, kind, (facility id, Slip)) of every slip that can change something (module docstring)."""
    cat = project.settings.risk.catalogue
    own = {o.facility_id: o for o in cat.facility_slips}
    defense = _defense_products(project)
    first, last = _window(project)
    out = []
    for f in project.facilities:
        for kind in SLIP_KINDS:
            entry = getattr(own[f.id], kind) if f.id in own else None
            if entry is None and f.stage in cat.slips_by_stage:
                entry = getattr(cat.slips_by_stage[f.stage], kind)
            if entry is None or entry.probability <= 0 or not can_slip(f, kind, project.settings):
                continue
            due = slip_window(f, kind, 1, project.settings)
            if due is None or not first <= due[0] <= last:
                continue  # due outside the catalogue's window (on the undelayed schedule)
            if kind == "qualification" and not _makes(f) & defense:
                continue  # only deliveries to defense wait for qualification
            out.append((f"{kind}_slip:{f.id}", f"{kind}_slip", (f.id, entry)))
    return out


def slip_amounts(events) -> dict[str, dict[str, int]]:
    """facility -> slip kind -> extra years of the slip events among ``events``."""
    out: dict[str, dict[str, int]] = {}
    for e in events:
        kind = e.slip_kind
        if kind and e.extra_years > 0:
            by = out.setdefault(e.slipped, {})
            by[kind] = by.get(kind, 0) + int(e.extra_years)
    return out


def window_probability(p_year: float, years: int) -> float:
    """q = 1 - (1 - p)^W: the chance that an event with yearly probability p starts in W years."""
    return 1.0 - (1.0 - p_year) ** max(0, years)


def stratum(q: float, below: float) -> int:
    """K of a stratified event (module docstring); 0 = not stratified (plain draw)."""
    if q <= 0 or q >= below:
        return 0
    return min(math.ceil(1.0 / q - 1e-9), MAX_STRATUM)


def _position(seed: int, k: int, number: int, block: int) -> int:
    """Where in block ``block`` (of K samples) stratified event ``number`` happens."""
    return int(np.random.default_rng([int(seed), 104729, int(number), int(block)]).integers(k))


def draw_events(project: Project, seed: int, index: int,
                delays: dict[str, int] | None = None) -> tuple[list[Event], float]:
    """Sample ``index``'s catalogue events and its weight (module docstring). ``delays``: the
    sample's commissioning delays (a slip is revealed on the delayed facility's schedule)."""
    cat = project.settings.risk.catalogue
    if cat is None:
        return [], 1.0
    first, last = _window(project)
    years = max(0, last - first + 1)
    rng = np.random.default_rng([int(seed), int(index), 31337])
    weight = 1.0
    events: list[Event] = []
    for number, pot in enumerate(potential_events(project)):
        q = pot.p_year if pot.once else window_probability(pot.p_year, years)
        k = stratum(q, cat.stratify_below)
        u = float(rng.random())  # drawn always, so later events' numbers do not depend on this one
        if k:
            happens = index % k == _position(seed, k, number, index // k)
            weight *= q * k if happens else (1.0 - q) / (1.0 - 1.0 / k)
        else:
            happens = u < q
        v_start, v_dur = float(rng.random()), float(rng.random())
        if not happens:
            continue
        if pot.once:
            extra = _duration(pot.duration, v_dur)
            for kind, (key, entry) in pot.members:
                ev = _slip_event(project, kind, key, entry, extra, (delays or {}).get(key, 0))
                if ev is not None:
                    events.append(ev)
            continue
        start = _start_year(pot.p_year, first, last, v_start)
        dur = _duration(pot.duration, v_dur)
        end = min(project.settings.end_year, start + dur - 1)
        for kind, (key, entry) in pot.members:
            events.append(_event(project, kind, key, entry, start, end, rng))
    if cat.licence_regime is not None:
        events.extend(_licence(project, cat.licence_regime, seed, index))
    return events, weight


def _start_year(p: float, first: int, last: int, v: float) -> int:
    """Inverse CDF of the start year given the event happens (truncated geometric)."""
    probs = [p * (1 - p) ** (y - first) for y in range(first, last + 1)]
    total = sum(probs)
    acc = 0.0
    for y, pr in zip(range(first, last + 1), probs):
        acc += pr / total
        if v < acc:
            return y
    return last


def _duration(d, v: float) -> int:
    acc = 0.0
    for y, pr in zip(d.years, d.probabilities):
        acc += pr
        if v < acc:
            return int(y)
    return int(d.years[-1])


def _event(project: Project, kind: str, key: str, entry, start: int, end: int, rng) -> Event:
    if kind == "outage":
        return Event(f"outage:{key}", kind, start, end, facilities=[key], source=entry.source)
    if kind == "export_stop":
        facs = [f.id for f in project.facilities if f.country == key]
        mkts = {m.id: 0.0 for m in project.markets if m.origin_country == key}
        return Event(f"export_stop:{key}", kind, start, end, facilities=facs, markets=mkts, source=entry.source)
    factor = triangular_quantile(float(rng.random()), entry.low, entry.mode, entry.high)
    return Event(f"surge:{key}", kind, start, end, demand_factor={entry.product.value: factor}, source=entry.source)


def _slip_event(project: Project, kind: str, fid: str, entry, extra: int, delay: int) -> Event | None:
    """The slip of ``extra`` years of facility ``fid``, revealed when the slipped thing was due
    (models.slips.slip_window); None when it changes nothing in the horizon."""
    f = next(f for f in project.facilities if f.id == fid)
    window = slip_window(f, kind[:-len("_slip")], extra, project.settings, int(delay))
    if window is None:
        return None
    return Event(f"{kind}:{fid}", kind, window[0], window[1], source=entry.source, slipped=fid, extra_years=int(extra))


def _licence(project: Project, regime, seed: int, index: int) -> list[Event]:
    offset = float(np.random.default_rng([int(seed), 104729, 999983]).random())
    u = (offset + index * _GOLDEN) % 1.0
    acc, state = 0.0, regime.states[-1]
    for s in regime.states:
        acc += s.probability
        if u < acc:
            state = s
            break
    caps: dict[str, float] = {}
    for c in state.caps:
        for m in project.markets:
            if m.origin_country == c.origin_country and (c.material is None or m.material == c.material):
                caps[m.id] = min(caps.get(m.id, math.inf), c.cap_tpy)
    if not caps:
        return []
    return [Event(f"licence:{state.id}", "licence", max(regime.from_year, project.settings.start_year),
                  project.settings.end_year, markets=caps, source=regime.source)]


__all__ = ["Event", "MAX_STRATUM", "Potential", "draw_events", "potential_events", "slip_amounts", "stratum",
           "window_probability"]
