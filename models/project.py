"""The project schema: every object a planner edits, with units in field names.

Pydantic models validate each field on load *and* on assignment, so a bad value
(a negative capacity, an unknown country) is refused where it is typed, never
stored. Cross-object checks (unknown ids, years outside the horizon) live in
:mod:`models.validation`.

Units: tonnes (t), tonnes per year (t/yr, ``_tpy``), US dollars (``_usd``),
millions of US dollars (``_musd``), years as calendar years.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .countries import COUNTRIES
from .vocab import (
    DEFAULT_COVERED_COUNTRIES,
    DEMAND_PRODUCTS,
    MARKET_MATERIALS,
    RECIPE_STAGES,
    SOURCED_MATERIALS,
    Element,
    Material,
    Segment,
    Stage,
    Status,
    default_recipe,
)

SCHEMA_VERSION = 3

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"
_ID_RE = re.compile(ID_PATTERN)

Id = Annotated[str, Field(pattern=ID_PATTERN, description="letters, digits, _ . - ; max 64")]
Year = Annotated[int, Field(ge=1900, le=2200)]
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Text = Annotated[str, Field(max_length=10_000)]
ShortText = Annotated[str, Field(max_length=300)]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        use_enum_values=False,
        ser_json_inf_nan="null",
    )

    def __setattr__(self, name: str, value: object) -> None:
        """Validated assignment that keeps the old value when validation fails.

        Pydantic stores the new value before running model-level (``mode="after"``)
        validators, so a refused cross-field edit (closure_year before online_year)
        would otherwise stay stored; this puts the old value back before re-raising.
        """
        missing = object()
        old = self.__dict__.get(name, missing)
        try:
            super().__setattr__(name, value)
        except ValidationError:
            if old is not missing and name in type(self).model_fields:
                self.__dict__[name] = old
            raise


def _check_country(value: str) -> str:
    code = value.strip().upper()
    if code not in COUNTRIES:
        raise ValueError(f"unknown ISO 3166 alpha-2 country code {value!r}")
    return code


class Source(_Model):
    """Where a figure comes from and how far to trust it."""

    url: Annotated[str, Field(max_length=2000)] = ""
    supports: Text = ""  # which figure(s) the source supports
    confidence: Literal["high", "medium", "low", "derived"] = "medium"


class ExpansionOption(_Model):
    """A capacity the optimizer may decide to build.

    Capex for adding ``a`` t/yr in decision year y = capex_musd_per_tpy * a (+ fixed_capex_musd
    if built). Output starts in y + lead_time_years at the ramp-up shares of the added capacity.
    """

    id: Id
    name: ShortText = ""
    max_add_tpy: NonNeg = 0.0
    min_add_tpy: NonNeg = 0.0  # when built, at least this much (yes/no build decision)
    capex_musd_per_tpy: NonNeg = 0.0
    fixed_capex_musd: NonNeg = 0.0
    fixed_opex_musd_per_yr: NonNeg = 0.0  # charged every year once online
    lead_time_years: Annotated[int, Field(ge=0, le=30)] = 2
    earliest_decision_year: Year | None = None
    ramp_up_shares: list[Share] = Field(default_factory=list, max_length=20)
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""
    #: decisions already committed: at least this many t/yr decided in that year (e.g. a robust plan
    #: applied as a scenario via InvestOverride); empty = free (the version-2 meaning)
    committed_tpy_by_year: dict[Year, NonNeg] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _min_le_max(self) -> "ExpansionOption":
        if self.min_add_tpy > self.max_add_tpy:
            raise ValueError("min_add_tpy must be <= max_add_tpy")
        return self

    @property
    def has_build_decision(self) -> bool:
        """A yes/no (binary) decision is needed when a fixed cost or minimum size applies."""
        return self.fixed_capex_musd > 0 or self.min_add_tpy > 0


class Facility(_Model):
    """A mine, plant or refinery.

    Capacity is in the stage's activity unit (see ``models.vocab.CAPACITY_BASIS``).
    Existing capacity in year y = capacity_tpy x ramp share for (y - online_year), zero before
    online_year and from closure_year on.
    """

    id: Id
    name: ShortText
    operator: ShortText = ""
    country: str = "US"
    region: ShortText = ""
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    stage: Stage
    status: Status = Status.OPERATING
    capacity_tpy: NonNeg = 0.0
    online_year: Year | None = None  # None: already online before the horizon
    closure_year: Year | None = None
    ramp_up_shares: list[Share] = Field(default_factory=list, max_length=20)
    # mines: share of TREO that is each element (the rest is La, Ce and others)
    assay: dict[Element, Share] = Field(default_factory=dict)
    # cracking: t TREO in carbonate per t TREO fed
    treo_recovery: Share = 0.95
    # separation: which feed it takes; element recoveries (only listed elements are produced)
    separation_feed: Literal["concentrate", "mixed_carbonate"] = "concentrate"
    element_recovery: dict[Element, Share] = Field(default_factory=dict)
    # recipe stages (magnets, recycling, cobalt): t input / t output per t of activity
    recipe_inputs: dict[Material, NonNeg] = Field(default_factory=dict)
    recipe_outputs: dict[Material, NonNeg] = Field(default_factory=dict)
    variable_opex_usd_per_t: NonNeg = 0.0
    fixed_opex_musd_per_yr: NonNeg = 0.0
    chinese_technology: bool = False
    capex_musd_reported: NonNeg | None = None  # information only (what the project cost)
    ownership_notes: Text = ""
    options: list[ExpansionOption] = Field(default_factory=list, max_length=50)
    sources: list[Source] = Field(default_factory=list, max_length=50)
    notes: Text = ""

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return _check_country(v)

    @model_validator(mode="after")
    def _stage_consistency(self) -> "Facility":
        if self.assay and self.stage is not Stage.MINE:
            raise ValueError("assay is only meaningful for mines")
        if self.assay and sum(self.assay.values()) > 1.0 + 1e-9:
            raise ValueError("assay shares must add up to at most 1")
        if self.closure_year is not None and self.online_year is not None:
            if self.closure_year <= self.online_year:
                raise ValueError("closure_year must be after online_year")
        if self.stage not in RECIPE_STAGES and (self.recipe_inputs or self.recipe_outputs):
            raise ValueError(f"recipe_inputs/recipe_outputs are not used by stage {self.stage.value}")
        for material in list(self.recipe_inputs) + list(self.recipe_outputs):
            if material in SOURCED_MATERIALS:
                raise ValueError(f"recipes cannot use source-tracked material {material.value}")
        return self

    def with_default_recipe(self) -> "Facility":
        """Fill an empty recipe with the stage default (see ``vocab.default_recipe``)."""
        if self.stage in RECIPE_STAGES and not self.recipe_inputs and not self.recipe_outputs:
            inputs, outputs = default_recipe(self.stage)
            self.recipe_inputs, self.recipe_outputs = dict(inputs), dict(outputs)
        if self.stage is Stage.SEPARATION and not self.element_recovery:
            self.element_recovery = {e: 0.95 for e in Element}
        if self.stage is Stage.METAL and not self.element_recovery:
            self.element_recovery = {Element.NDPR: 0.97, Element.SM: 0.95}
        return self


class Route(_Model):
    """A permitted shipment of one material from one facility to another.

    transport_usd_per_t: None means great-circle distance x settings.transport_usd_per_t_km.
    """

    id: Id
    from_id: Id
    to_id: Id
    material: Material
    transport_usd_per_t: NonNeg | None = None
    capacity_tpy: NonNeg | None = None


class Market(_Model):
    """An import node: buy a material at a landed price, from an origin, up to a cap per year."""

    id: Id
    name: ShortText = ""
    material: Material
    origin_country: str = "CN"
    price_usd_per_t: NonNeg
    cap_tpy: NonNeg | None = None  # None: unlimited
    first_year: Year | None = None
    last_year: Year | None = None
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""

    @field_validator("origin_country")
    @classmethod
    def _origin(cls, v: str) -> str:
        return _check_country(v)

    @field_validator("material")
    @classmethod
    def _sellable(cls, v: Material) -> Material:
        if v not in MARKET_MATERIALS:
            raise ValueError(f"a market cannot sell {v.value} (it has no source assay)")
        return v


class Demand(_Model):
    """Tonnes of a product wanted per year by a segment."""

    id: Id
    name: ShortText = ""
    product: Material
    segment: Segment = Segment.DEFENSE
    tonnes_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""

    @field_validator("product")
    @classmethod
    def _product(cls, v: Material) -> Material:
        if v not in DEMAND_PRODUCTS:
            raise ValueError(f"{v.value} cannot be demanded (it is an intermediate with a source assay)")
        return v


class Platform(_Model):
    """A defense platform: units built per year x magnet content per unit -> defense demand (t)."""

    id: Id
    name: ShortText = ""
    units_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    ndfeb_kg_per_unit: NonNeg = 0.0
    smco_kg_per_unit: NonNeg = 0.0
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""


class FacilityFilter(_Model):
    """Selects facilities; an empty list means "any"."""

    ids: list[Id] = Field(default_factory=list)
    statuses: list[Status] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)

    def matches(self, f: Facility) -> bool:
        return (
            (not self.ids or f.id in self.ids)
            and (not self.statuses or f.status in self.statuses)
            and (not self.stages or f.stage in self.stages)
            and (not self.countries or f.country in self.countries)
        )


class DelayOverride(_Model):
    """Shift online years (and option decision years) of matching facilities by ``years``."""

    kind: Literal["delay"] = "delay"
    where: FacilityFilter = Field(default_factory=FacilityFilter)
    years: Annotated[int, Field(ge=-30, le=30)]


class MarketCapOverride(_Model):
    """Multiply the volume caps of matching markets (factor 0 cuts them off)."""

    kind: Literal["market_cap"] = "market_cap"
    origin_countries: list[str] = Field(default_factory=list)
    materials: list[Material] = Field(default_factory=list)
    factor: NonNeg


class DemandOverride(_Model):
    """Multiply demand (and platform builds for defense) of a segment/product."""

    kind: Literal["demand"] = "demand"
    segment: Segment | None = None
    products: list[Material] = Field(default_factory=list)
    factor: NonNeg


class CapexOverride(_Model):
    """Multiply capex (per t/yr and fixed) of options of matching facilities."""

    kind: Literal["capex"] = "capex"
    where: FacilityFilter = Field(default_factory=FacilityFilter)
    factor: NonNeg


class SettingsOverride(_Model):
    """Replace selected settings (budget caps, de-minimis share, compliance year, ...)."""

    kind: Literal["settings"] = "settings"
    budget_musd_per_year: NonNeg | None = None
    budget_total_musd: NonNeg | None = None
    de_minimis_share: Share | None = None
    compliance_start_year: Year | None = None
    discount_rate: Annotated[float, Field(ge=0, le=1)] | None = None


class InvestOverride(_Model):
    """Commit an investment: option ``option_id`` adds at least ``added_tpy`` t/yr decided in ``year``
    (how the Risk tab applies a robust plan as a scenario)."""

    kind: Literal["invest"] = "invest"
    option_id: Id
    year: Year
    added_tpy: NonNeg


Override = Annotated[
    Union[DelayOverride, MarketCapOverride, DemandOverride, CapexOverride, SettingsOverride, InvestOverride],
    Field(discriminator="kind"),
]


class Scenario(_Model):
    """A named set of overrides applied to the base project before building the model."""

    id: Id
    name: ShortText = ""
    description: Text = ""
    overrides: list[Override] = Field(default_factory=list, max_length=100)


class DelayDistribution(_Model):
    """Discrete commissioning delay distribution: P(delay = years[i]) = probabilities[i]."""

    years: list[Annotated[int, Field(ge=0, le=30)]]
    probabilities: list[Share]

    @model_validator(mode="after")
    def _sums_to_one(self) -> "DelayDistribution":
        if len(self.years) != len(self.probabilities) or not self.years:
            raise ValueError("years and probabilities must be non-empty and of equal length")
        if abs(sum(self.probabilities) - 1.0) > 1e-6:
            raise ValueError("probabilities must add up to 1")
        return self


class OverrunDistribution(_Model):
    """Triangular capex overrun factor (low, mode, high), e.g. (0.95, 1.1, 1.6)."""

    low: Annotated[float, Field(gt=0, le=10)] = 1.0
    mode: Annotated[float, Field(gt=0, le=10)] = 1.0
    high: Annotated[float, Field(gt=0, le=10)] = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> "OverrunDistribution":
        if not self.low <= self.mode <= self.high:
            raise ValueError("need low <= mode <= high")
        return self


def _default_delays() -> dict[Status, DelayDistribution]:
    # Documented defaults (see README "Risk"): the less mature, the later.
    return {
        Status.OPERATING: DelayDistribution(years=[0], probabilities=[1.0]),
        Status.CONSTRUCTION: DelayDistribution(years=[0, 1, 2], probabilities=[0.6, 0.3, 0.1]),
        Status.COMMITTED: DelayDistribution(years=[0, 1, 2, 3], probabilities=[0.4, 0.35, 0.15, 0.1]),
        Status.PLANNED: DelayDistribution(years=[0, 1, 2, 3, 4], probabilities=[0.25, 0.3, 0.25, 0.1, 0.1]),
        Status.CONCEPT: DelayDistribution(years=[0, 2, 3, 4, 5], probabilities=[0.1, 0.2, 0.3, 0.2, 0.2]),
    }


def _default_overruns() -> dict[Status, OverrunDistribution]:
    return {
        Status.OPERATING: OverrunDistribution(low=0.95, mode=1.05, high=1.3),
        Status.CONSTRUCTION: OverrunDistribution(low=0.95, mode=1.1, high=1.5),
        Status.COMMITTED: OverrunDistribution(low=1.0, mode=1.15, high=1.7),
        Status.PLANNED: OverrunDistribution(low=1.0, mode=1.2, high=2.0),
        Status.CONCEPT: OverrunDistribution(low=1.0, mode=1.3, high=2.5),
    }


class RiskSettings(_Model):
    """Monte Carlo assumptions, by project status."""

    delay_years: dict[Status, DelayDistribution] = Field(default_factory=_default_delays)
    capex_overrun: dict[Status, OverrunDistribution] = Field(default_factory=_default_overruns)


class Settings(_Model):
    """Project-wide assumptions."""

    start_year: Year = 2026
    end_year: Year = 2035
    base_year: Year = 2026  # discounting reference: d_y = 1 / (1 + r)^(y - base_year)
    discount_rate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.08
    currency: Literal["USD"] = "USD"
    compliance_start_year: Year = 2027
    covered_countries: list[str] = Field(default_factory=lambda: list(DEFAULT_COVERED_COUNTRIES))
    de_minimis_share: Share = 0.0  # max covered share of a clean activity's inputs (by mass)
    unmet_penalty_usd_per_t: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 5_000_000.0
    budget_musd_per_year: NonNeg | None = None  # capex committed per decision year
    budget_total_musd: NonNeg | None = None  # capex committed over the horizon
    asset_life_years: Annotated[int, Field(ge=1, le=100)] = 20  # for end-of-horizon salvage credit
    transport_usd_per_t_km: NonNeg = 0.05
    # None: nothing is carried between years; a value lets facilities keep year-end stock of
    # their outputs (oxide, metal, magnets: e.g. a clean stockpile built before the compliance
    # year) at this holding cost per tonne and year
    stock_holding_usd_per_t_yr: NonNeg | None = None
    time_limit_s: Annotated[float, Field(gt=0, le=86_400)] = 120.0
    mip_gap: Annotated[float, Field(ge=0, le=1)] = 1e-4
    risk: RiskSettings = Field(default_factory=RiskSettings)

    @field_validator("covered_countries")
    @classmethod
    def _countries(cls, v: list[str]) -> list[str]:
        return [_check_country(c) for c in v]

    @model_validator(mode="after")
    def _horizon(self) -> "Settings":
        if self.end_year < self.start_year:
            raise ValueError("end_year must be >= start_year")
        if self.end_year - self.start_year > 60:
            raise ValueError("the horizon may span at most 60 years")
        return self

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Project(_Model):
    """A whole planning project: one JSON file."""

    schema_version: int = SCHEMA_VERSION
    name: ShortText = "Untitled project"
    description: Text = ""
    settings: Settings = Field(default_factory=Settings)
    facilities: list[Facility] = Field(default_factory=list, max_length=20_000)
    routes: list[Route] = Field(default_factory=list, max_length=200_000)
    markets: list[Market] = Field(default_factory=list, max_length=10_000)
    demands: list[Demand] = Field(default_factory=list, max_length=10_000)
    platforms: list[Platform] = Field(default_factory=list, max_length=10_000)
    scenarios: list[Scenario] = Field(default_factory=list, max_length=1_000)
    notes: Text = ""
    sources: list[Source] = Field(default_factory=list)

    def facility(self, facility_id: str) -> Facility:
        for f in self.facilities:
            if f.id == facility_id:
                return f
        raise KeyError(facility_id)

    def scenario(self, scenario_id: str) -> Scenario:
        for s in self.scenarios:
            if s.id == scenario_id or s.name == scenario_id:
                return s
        raise KeyError(scenario_id)


def is_valid_id(value: str) -> bool:
    """True when ``value`` may be used as an object id."""
    return bool(_ID_RE.match(value))
