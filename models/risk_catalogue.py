"""The risk catalogue: the disruptions a Monte Carlo run draws, as data in the project file.

``settings.risk.catalogue`` (optional; without it a run draws only the delays and overruns of
``settings.risk``). Every entry carries ``source`` (a citation) or the word "assumed". Events:

* outages of operating facilities: a yearly probability of starting and a duration (years),
  defaults per stage (``outage_by_stage``) with per-facility overrides (``facility_outages``);
  the facility makes nothing while out (its existing capacity and any expansion);
* export stops by country (``export_stops``): drawn once for all facilities of that country and
  every market of that origin; facilities and markets out for the duration;
* China's licence regime (``licence_regime``): a few states with probabilities, each a set of
  market caps by origin country and material (t/yr), from a year on;
* defense demand surges (``demand_surges``): with a yearly probability, defense demand of a
  product is multiplied by a triangular (low, mode, high) factor for the duration;
* slips (``slips_by_stage`` defaults, ``facility_slips`` per-facility overrides), once per future
  with a probability, by a number of extra years drawn from ``extra_years``: a facility's new
  circuits (``element_online_year`` from the horizon's first year on) start later, its ramp-up
  stalls at a share for extra years, or its existing capacity qualifies for defense later. The
  rules are models.slips'; a slip is revealed in the year the slipped thing was due.

Events in the same ``group`` (and the facilities and markets of one country's export stop) are
drawn together: the group's first event decides whether the group happens and when; all its
events then start that year. Rare events are stratified (planner.analysis.risk_events): each
appears in its share of the futures with a weight, instead of being left to the seed.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .countries import COUNTRIES
from .vocab import Material, Stage

# The catalogue is a leaf of models.project (RiskSettings.catalogue): it cannot import from there, so
# it states its few field types itself, with the same rules as models.project's.
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
Year = Annotated[int, Field(ge=1900, le=2200)]
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Probability = Share
Text = Annotated[str, Field(max_length=10_000)]
ShortText = Annotated[str, Field(max_length=300)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)


def _check_country(value: str) -> str:
    code = value.strip().upper()
    if code not in COUNTRIES:
        raise ValueError(f"unknown ISO 3166 alpha-2 country code {value!r}")
    return code


def _sourced(v: str) -> str:
    v = (v or "").strip()
    if not v:
        raise ValueError('every catalogue entry needs a source (a citation) or the word "assumed"')
    return v


class Duration(_Model):
    """Duration in whole years: P(duration = years[i]) = probabilities[i]."""

    years: list[Annotated[int, Field(ge=1, le=20)]] = Field(default_factory=lambda: [1])
    probabilities: list[Probability] = Field(default_factory=lambda: [1.0])

    @model_validator(mode="after")
    def _sums_to_one(self) -> "Duration":
        if len(self.years) != len(self.probabilities) or not self.years:
            raise ValueError("years and probabilities must be non-empty and of equal length")
        if abs(sum(self.probabilities) - 1.0) > 1e-6:
            raise ValueError("probabilities must add up to 1")
        return self


class _Event(_Model):
    source: ShortText
    group: Id | None = None  # events of one group are drawn together
    notes: Text = ""

    @field_validator("source")
    @classmethod
    def _has_source(cls, v: str) -> str:
        return _sourced(v)


class OutageRate(_Event):
    """Yearly probability that an outage starts, and how long it lasts."""

    annual_probability: Probability
    duration: Duration = Field(default_factory=Duration)


class FacilityOutage(OutageRate):
    """A facility's own outage rate (overrides its stage's default)."""

    facility_id: Id


class ExportStop(OutageRate):
    """A country stops exports: all its facilities and markets of its origin are out."""

    country: str

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return _check_country(v)


class MarketCap(_Model):
    """A cap on purchases from markets of ``origin_country`` (of ``material``; every material when None)."""

    origin_country: str
    material: Material | None = None
    cap_tpy: NonNeg

    @field_validator("origin_country")
    @classmethod
    def _country(cls, v: str) -> str:
        return _check_country(v)


class LicenceState(_Model):
    id: Id
    name: ShortText = ""
    probability: Probability
    caps: list[MarketCap] = Field(default_factory=list, max_length=50)


class LicenceRegime(_Event):
    """The exporting country's licence regime from ``from_year`` on: one state per future."""

    from_year: Year
    states: list[LicenceState] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _sums_to_one(self) -> "LicenceRegime":
        if abs(sum(s.probability for s in self.states) - 1.0) > 1e-6:
            raise ValueError("the states' probabilities must add up to 1")
        ids = [s.id for s in self.states]
        if len(set(ids)) != len(ids):
            raise ValueError("licence state ids must be unique")
        return self


class DemandSurge(_Event):
    """Defense demand of ``product`` multiplied by a triangular (low, mode, high) factor."""

    id: Id
    product: Material
    annual_probability: Probability
    duration: Duration = Field(default_factory=Duration)
    low: Annotated[float, Field(ge=1, le=10)] = 1.0
    mode: Annotated[float, Field(ge=1, le=10)] = 1.0
    high: Annotated[float, Field(ge=1, le=10)] = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> "DemandSurge":
        if not self.low <= self.mode <= self.high:
            raise ValueError("need low <= mode <= high")
        return self


class ExtraYears(_Model):
    """Extra years of a slip: P(extra = years[i]) = probabilities[i] (whole years >= 0)."""

    years: list[Annotated[int, Field(ge=0, le=20)]] = Field(default_factory=lambda: [1])
    probabilities: list[Probability] = Field(default_factory=lambda: [1.0])

    @model_validator(mode="after")
    def _sums_to_one(self) -> "ExtraYears":
        if len(self.years) != len(self.probabilities) or not self.years:
            raise ValueError("years and probabilities must be non-empty and of equal length")
        if abs(sum(self.probabilities) - 1.0) > 1e-6:
            raise ValueError("probabilities must add up to 1")
        return self


class Slip(_Event):
    """Once per future: with ``probability`` the thing slips, by ``extra_years`` (a distribution)."""

    probability: Probability
    extra_years: ExtraYears = Field(default_factory=ExtraYears)


#: the kinds of slip (SlipRates' fields) and their event kinds (planner.analysis.risk_events)
SLIP_KINDS = ("circuit", "ramp_up", "qualification")


class SlipRates(_Model):
    """Slips of one stage's (or one facility's) projects; None: no slip of that kind.

    * ``circuit``: every new circuit of the facility (``element_online_year`` >= the horizon's
      first year) starts the extra years later (separation plants);
    * ``ramp_up``: the ramp-up stalls for the extra years at its share (models.slips.slip_ramp);
    * ``qualification``: the existing capacity is qualified for defense the extra years later
      (its expansion options keep their own lags)."""

    circuit: Slip | None = None
    ramp_up: Slip | None = None
    qualification: Slip | None = None


class FacilitySlips(SlipRates):
    """A facility's own slips: each kind given here overrides its stage's default."""

    facility_id: Id


class RiskCatalogue(_Model):
    """The catalogue (module docstring). Events may start in ``first_year``..``last_year``."""

    first_year: Year | None = None  # None: the horizon's first year
    last_year: Year | None = None  # None: the horizon's last year
    outage_by_stage: dict[Stage, OutageRate] = Field(default_factory=dict)
    facility_outages: list[FacilityOutage] = Field(default_factory=list, max_length=500)
    export_stops: list[ExportStop] = Field(default_factory=list, max_length=100)
    licence_regime: LicenceRegime | None = None
    demand_surges: list[DemandSurge] = Field(default_factory=list, max_length=50)
    slips_by_stage: dict[Stage, SlipRates] = Field(default_factory=dict)
    facility_slips: list[FacilitySlips] = Field(default_factory=list, max_length=500)
    #: stratify events whose probability over the window is below this (each appears in its share)
    stratify_below: Share = 0.5
    notes: Text = ""

    @model_validator(mode="after")
    def _window(self) -> "RiskCatalogue":
        if self.first_year is not None and self.last_year is not None and self.last_year < self.first_year:
            raise ValueError("last_year must be >= first_year")
        ids = [f.facility_id for f in self.facility_outages]
        if len(set(ids)) != len(ids):
            raise ValueError("a facility may have one outage override")
        ids = [f.facility_id for f in self.facility_slips]
        if len(set(ids)) != len(ids):
            raise ValueError("a facility may have one entry in facility_slips")
        slip_groups = {s.group for rates in [*self.slips_by_stage.values(), *self.facility_slips]
                       for s in (rates.circuit, rates.ramp_up, rates.qualification) if s is not None and s.group}
        other_groups = {e.group for e in [*self.outage_by_stage.values(), *self.facility_outages, *self.export_stops,
                                          *self.demand_surges] if e.group}
        if slip_groups & other_groups:
            raise ValueError(f"group {sorted(slip_groups & other_groups)[0]!r} mixes slips with other events: a slip "
                             "happens once per future, the others start in a drawn year; give them separate groups")
        return self


__all__ = ["DemandSurge", "Duration", "ExportStop", "ExtraYears", "FacilityOutage", "FacilitySlips", "LicenceRegime",
           "LicenceState", "MarketCap", "OutageRate", "RiskCatalogue", "SLIP_KINDS", "Slip", "SlipRates"]
