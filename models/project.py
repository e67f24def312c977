"""The project schema: every object a planner edits, with units in field names.

Pydantic models validate each field on load *and* on assignment, so a bad value
(a negative capacity, an unknown country) is refused where it is typed, never
stored. Cross-object checks (unknown ids, years outside the horizon) live in
:mod:`models.validation`.

Units: tonnes (t), tonnes per year (t/yr, ``_tpy``), US dollars (``_usd``),
millions of US dollars (``_musd``), years as calendar years.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .countries import COUNTRIES
from .risk_catalogue import RiskCatalogue
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


#: an ISO 3166 alpha-2 code, case and surrounding spaces normalised ("cn" -> "CN"), unknown refused
CountryCode = Annotated[str, AfterValidator(_check_country)]


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
    # years from first output until defense buyers accept this capacity's output; None: the facility's lag
    qualification_years: Annotated[int, Field(ge=0, le=20)] | None = None
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


class AvailabilityDistribution(_Model):
    """Ramp-up (availability) risk of one year: the share of the year's scheduled existing capacity
    (capacity_tpy x ramp share) actually available, triangular (low, mode, high) in (0, 1].
    Drawn per Monte Carlo sample (planner.analysis.risk_sampling); plans use the schedule."""

    low: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 1.0
    mode: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 1.0
    high: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> "AvailabilityDistribution":
        if not self.low <= self.mode <= self.high:
            raise ValueError("need low <= mode <= high")
        return self


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
    # Monte Carlo only: per year, the share of the scheduled existing capacity actually available
    # (a ramp slower than planned); empty = always the schedule (the version-2 meaning)
    availability_risk: dict[Year, AvailabilityDistribution] = Field(default_factory=dict, max_length=20)
    # mines: share of TREO that is each element (the rest is La, Ce and others)
    assay: dict[Element, Share] = Field(default_factory=dict)
    # cracking: t TREO in carbonate per t TREO fed
    treo_recovery: Share = 0.95
    # separation: which feed it takes; element recoveries (only listed elements are produced)
    separation_feed: Literal["concentrate", "mixed_carbonate"] = "concentrate"
    element_recovery: dict[Element, Share] = Field(default_factory=dict)
    # separation: elements whose circuit starts later (e.g. a heavy rare-earth circuit): produced
    # only from that year; elements not listed are produced whenever the plant runs
    element_online_year: dict[Element, Year] = Field(default_factory=dict)
    # recipe stages (magnets, recycling, cobalt): t input / t output per t of activity
    recipe_inputs: dict[Material, NonNeg] = Field(default_factory=dict)
    recipe_outputs: dict[Material, NonNeg] = Field(default_factory=dict)
    variable_opex_usd_per_t: NonNeg = 0.0
    fixed_opex_musd_per_yr: NonNeg = 0.0
    chinese_technology: bool = False
    # finite stock (stockpile or tailings; mines only), in the activity unit (t TREO): None = an
    # ordinary mine whose capacity renews every year. remaining[y] = remaining[y-1] - draw[y] >= 0,
    # remaining[start-1] = stock_initial_t, draw[y] <= stock_max_draw_tpy (None: capacity only)
    stock_initial_t: NonNeg | None = None
    stock_max_draw_tpy: NonNeg | None = None
    stock_holding_usd_per_t_yr: NonNeg = 0.0  # charged on the tonnes remaining at each year-end
    # years from online_year until defense buyers accept the output (supplier qualification);
    # None: settings.qualification_years_by_stage (0 when the stage is not listed)
    qualification_years: Annotated[int, Field(ge=0, le=20)] | None = None
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
        if self.element_online_year and self.stage is not Stage.SEPARATION:
            raise ValueError("element_online_year is only meaningful for separation plants")
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
        has_stock_fields = self.stock_max_draw_tpy is not None or self.stock_holding_usd_per_t_yr > 0
        if (self.stock_initial_t is not None or has_stock_fields) and self.stage is not Stage.MINE:
            raise ValueError("a finite stock (stock_initial_t) is only meaningful for mines (stockpiles, tailings)")
        if has_stock_fields and self.stock_initial_t is None:
            raise ValueError("stock_max_draw_tpy / stock_holding_usd_per_t_yr need stock_initial_t")
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


class SalesMarket(_Model):
    """An outside buyer (Japan, the EU, Korea, rest of world): facilities may sell ``material`` to it.

    sales[m,y] = sum over the selling facilities f (``facility_ids``, every maker of the material
    when empty) of the tonnes sold; revenue = price(y) x sales[m,y] lowers the objective
    (planner/model/sales.py). price(y) and cap(y) are the value of the nearest earlier year listed
    (the first one before it): a price of 70,000 from 2026 holds until a later year is listed.
    cap: None (no entry) = unlimited. Reserved volumes are contracts the plan must serve before
    any US buyer: sales[m,y] >= reserved_tpy_by_year[y] (a shortfall is allowed but minimised right
    after US defense shortfall) and, for each listed facility f, sales[m,f,y] >= reserved_share x
    production[f,y] (e.g. 35 % of Neo Narva's magnets committed to European buyers).
    ``compliance`` = "clean": the buyer takes only material with no covered origin or technology.
    The price is the netback at the selling plant (transport to the buyer is in it).
    """

    id: Id
    name: ShortText = ""
    material: Material
    country: str = "JP"  # the buyer's country (ISO 3166 alpha-2)
    region: ShortText = ""
    price_usd_per_t_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    cap_tpy_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    facility_ids: list[Id] = Field(default_factory=list, max_length=1_000)
    reserved_tpy_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    reserved_share: Share = 0.0  # of each listed facility's output of the material
    compliance: Literal["any", "clean"] = "any"
    first_year: Year | None = None
    last_year: Year | None = None
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""

    @field_validator("country")
    @classmethod
    def _country(cls, v: str) -> str:
        return _check_country(v)

    @model_validator(mode="after")
    def _consistent(self) -> "SalesMarket":
        if not self.price_usd_per_t_by_year:
            raise ValueError("price_usd_per_t_by_year needs at least one year")
        if self.reserved_share > 0 and not self.facility_ids:
            raise ValueError("reserved_share needs facility_ids (whose output is reserved)")
        if self.first_year is not None and self.last_year is not None and self.last_year < self.first_year:
            raise ValueError("last_year must be >= first_year")
        return self

    def active(self, year: int) -> bool:
        return ((self.first_year is None or year >= self.first_year)
                and (self.last_year is None or year <= self.last_year))

    def price(self, year: int) -> float:
        """$/t in ``year``: the nearest earlier year listed (the first one before it)."""
        return _nearest_earlier(self.price_usd_per_t_by_year, year) or 0.0

    def cap(self, year: int) -> float | None:
        """t/yr in ``year`` (None: unlimited), nearest earlier year listed."""
        return _nearest_earlier(self.cap_tpy_by_year, year)

    def reserved(self, year: int) -> float:
        """Contracted minimum t in ``year`` (0 where the year is not listed)."""
        return self.reserved_tpy_by_year.get(year, 0.0) if self.active(year) else 0.0


def _nearest_earlier(by_year: dict[int, float], year: int) -> float | None:
    earlier = [y for y in by_year if y <= year]
    if earlier:
        return by_year[max(earlier)]
    return by_year[min(by_year)] if by_year else None


class ReportedOutput(_Model):
    """What a facility reported it produced in a year (calibration: planner/analysis/calibration.py).

    tonnes of ``material`` in ``year`` (e.g. MP's mine 50,692 t REO in concentrate in 2025).
    ``reason`` states why the plan may differ by more than the calibration tolerance (a contract,
    an outage, a ramp); empty = the plan's first year should be within it.
    """

    facility_id: Id
    year: Year
    material: Material
    tonnes: NonNeg
    # "actual": reported production; "run_rate": an operating plant's stated rate or installed
    # capacity where no output is disclosed; "derived": our arithmetic on reported figures
    basis: Literal["actual", "run_rate", "derived"] = "actual"
    reason: Text = ""
    sources: list[Source] = Field(default_factory=list)


#: Default priority by segment (1 is served first): defense before commercial.
DEFAULT_PRIORITY = {Segment.DEFENSE: 1, Segment.COMMERCIAL: 2}


class Demand(_Model):
    """Tonnes of a product wanted per year by a segment.

    ``priority`` (1 = served first, up to 9; None = by segment: defense 1, commercial 2): the
    optimizer first minimises unmet tonnes of priority 1, then of priority 2 with that held, ...,
    and only then cost (see planner.pipeline.lexicographic), so no cost saving can leave a
    higher-priority tonne unmet that could have been served.
    """

    id: Id
    name: ShortText = ""
    product: Material
    segment: Segment = Segment.DEFENSE
    priority: Annotated[int, Field(ge=1, le=9)] | None = None
    tonnes_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""

    @field_validator("product")
    @classmethod
    def _product(cls, v: Material) -> Material:
        if v not in DEMAND_PRODUCTS:
            raise ValueError(f"{v.value} cannot be demanded (it is an intermediate with a source assay)")
        return v

    @property
    def effective_priority(self) -> int:
        """The priority the optimizer uses: the explicit one, else the segment default."""
        return self.priority if self.priority is not None else DEFAULT_PRIORITY[self.segment]


#: t rare earth per t magnet (sample_projects/reference/domain_report.md 1a): sintered NdFeB
#: Nd 29-32.5 wt% + Dy 0.6-1.2 wt%, midpoints 30.75 + 0.9 = 31.65 %; Sm2Co17 Sm 23-28, typ. ~25 %.
NDFEB_RE_SHARE = 0.3165
SMCO_RE_SHARE = 0.25

ContentBasis = Literal["magnet", "rare_earth"]
PositiveShare = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]


class Platform(_Model):
    """A defense platform: units built per year x magnet content per unit -> defense demand (t).

    Each kg figure states its basis: ``magnet`` (kg of magnet, used as is) or ``rare_earth``
    (kg of rare-earth content, e.g. CRS R41744's 417 kg per F-35), converted to magnet mass as
    magnet kg = RE kg / RE share (t rare earth per t magnet: ndfeb_re_share, smco_re_share).
    """

    id: Id
    name: ShortText = ""
    units_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    ndfeb_kg_per_unit: NonNeg = 0.0
    smco_kg_per_unit: NonNeg = 0.0
    ndfeb_kg_basis: ContentBasis = "magnet"
    smco_kg_basis: ContentBasis = "magnet"
    ndfeb_re_share: PositiveShare = NDFEB_RE_SHARE
    smco_re_share: PositiveShare = SMCO_RE_SHARE

    @property
    def ndfeb_magnet_kg_per_unit(self) -> float:
        """kg of NdFeB magnet per unit (converted from RE content when that is the basis)."""
        if self.ndfeb_kg_basis == "rare_earth":
            return self.ndfeb_kg_per_unit / self.ndfeb_re_share
        return self.ndfeb_kg_per_unit

    @property
    def smco_magnet_kg_per_unit(self) -> float:
        """kg of SmCo magnet per unit (converted from RE content when that is the basis)."""
        if self.smco_kg_basis == "rare_earth":
            return self.smco_kg_per_unit / self.smco_re_share
        return self.smco_kg_per_unit
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""


class FacilityFilter(_Model):
    """Selects facilities; an empty list means "any"."""

    ids: list[Id] = Field(default_factory=list)
    statuses: list[Status] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list)

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
    origin_countries: list[CountryCode] = Field(default_factory=list)
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


class PolicyOverride(_Model):
    """Switch policy-design mode on (or off) with a government budget ($M per year / in total).

    drop_lever_ids: ids of input contracts (offtakes, price floors, grants, loans) the scenario
    removes, so that the optimizer decides them instead (as candidate floors/offtakes); empty = keep all.
    """

    kind: Literal["policy"] = "policy"
    enabled: bool = True
    government_budget_musd_per_year: NonNeg | None = None
    government_budget_total_musd: NonNeg | None = None
    drop_lever_ids: list[Id] = Field(default_factory=list)



class InvestOverride(_Model):
    """Commit an investment: option ``option_id`` adds at least ``added_tpy`` t/yr decided in ``year``
    (how the Risk tab applies a robust plan as a scenario)."""

    kind: Literal["invest"] = "invest"
    option_id: Id
    year: Year
    added_tpy: NonNeg


class StockBuildOverride(_Model):
    """A stock build: government stockpile ``stockpile_id`` holds at least ``tonnes`` at the end of
    ``year`` (its min_level_t_by_year[year] := max(existing, tonnes)); a shortfall is priced like
    unmet demand (how the Risk tab applies a robust plan's stock hedge as a scenario)."""

    kind: Literal["stock_build"] = "stock_build"
    stockpile_id: Id
    year: Year
    tonnes: NonNeg


class SalesOverride(_Model):
    """Change outside demand: multiply the caps and prices (and optionally reserved volumes) of
    matching sales markets (by id, country or material; empty lists match all), e.g. allied buyers
    competing for clean supply when China cuts exports."""

    kind: Literal["sales"] = "sales"
    market_ids: list[Id] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    materials: list[Material] = Field(default_factory=list)
    cap_factor: NonNeg = 1.0
    price_factor: NonNeg = 1.0


Override = Annotated[
    Union[DelayOverride, MarketCapOverride, DemandOverride, CapexOverride, SettingsOverride, PolicyOverride,
          InvestOverride, SalesOverride, StockBuildOverride],
    Field(discriminator="kind"),
]


class Scenario(_Model):
    """A named set of overrides applied to the base project before building the model."""

    id: Id
    name: ShortText = ""
    description: Text = ""
    overrides: list[Override] = Field(default_factory=list, max_length=100)
    #: China's licence reaches content: from this year covered material (covered origin or Chinese
    #: technology anywhere upstream, through allied processors too) reaches no defense demand, as from
    #: the compliance year; None = the compliance year alone (settings.licence_year)
    licence_year: Year | None = None


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
    # Documented defaults (docs/user_guide.md, "Risk and scale-out"): the less mature, the later.
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
    """Monte Carlo assumptions, by project status; ``catalogue``: the disruptions a run draws
    (models.risk_catalogue; None: delays and overruns only)."""

    delay_years: dict[Status, DelayDistribution] = Field(default_factory=_default_delays)
    capex_overrun: dict[Status, OverrunDistribution] = Field(default_factory=_default_overruns)
    catalogue: RiskCatalogue | None = None


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
    # supplier qualification: years from a facility's first output until its output may serve
    # defense demand, by stage (a facility's qualification_years overrides); empty = no lag
    qualification_years_by_stage: dict[Stage, Annotated[int, Field(ge=0, le=20)]] = Field(default_factory=dict)
    qualification_note: Text = ""  # where the lags come from (source, or "assumed")
    # from this year defense demand takes only clean material, as from compliance_start_year (the
    # earlier of the two applies): a licence rule that reaches content (set by a scenario's licence_year)
    licence_year: Year | None = None
    # $ per t of unmet demand put beside a plan's cost in comparisons (value of lost supply); None =
    # derived: VOLL_PRICE_MULTIPLE x the product's dearest market price (planner/analysis/shortfall_value.py)
    value_of_lost_supply_usd_per_t: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
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


# ----------------------------------------------------------------------------------------------
# Contracts and policy levers (schema v3, optional; an empty Levers section changes nothing).
# Formulas and the payer of each line: docs/model.md, "Contracts and policy levers"; docs/levers.md.
# ----------------------------------------------------------------------------------------------
Payer = Literal["government", "industry"]


def in_years(year: int, first: int | None, last: int | None) -> bool:
    """first <= year <= last, an open end where a bound is None (a contract's active years)."""
    return (first is None or year >= first) and (last is None or year <= last)


def benchmark_at(by_year: dict[int, float], year: int) -> float | None:
    """The value of the nearest earlier year in ``by_year`` (the first one when none is earlier;
    None when empty): the benchmark price a price floor or guaranteed offtake tops up from."""
    earlier = [y for y in by_year if y <= year]
    if earlier:
        return by_year[max(earlier)]
    return by_year[min(by_year)] if by_year else None


class Offtake(_Model):
    """A take-or-pay volume commitment: a buyer takes ``material`` from ``facility_id`` each year.

    taken[y] = deliveries of the material from the facility to demands of ``segment`` (any segment
    when None) + (segment None only) route shipments of the material out of the facility
    + sales into government stockpiles. The model enforces taken[y] >= min_tpy (a penalised
    shortfall slack keeps an impossible commitment visible instead of infeasible) and
    taken[y] <= max_tpy. The buyer pays price_usd_per_t x taken[y]: a transfer buyer -> producer.
    recycled_feed: the taken tonnes must come from recycled feed, traced by mass balance from
    recycling facilities (planner/model/recycled.py): taken[y] <= yield x recycled input[y].
    """

    id: Id
    name: ShortText = ""
    facility_id: Id
    material: Material
    segment: Segment | None = None
    buyer: Payer = "industry"
    min_tpy: NonNeg = 0.0
    min_tpy_by_year: dict[Year, NonNeg] = Field(default_factory=dict)  # overrides min_tpy (ramp-up)
    max_tpy: NonNeg | None = None
    price_usd_per_t: NonNeg = 0.0
    first_year: Year | None = None
    last_year: Year | None = None
    recycled_feed: bool = False
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""

    @model_validator(mode="after")
    def _bounds(self) -> "Offtake":
        if self.max_tpy is not None and max([self.min_tpy, *self.min_tpy_by_year.values()]) > self.max_tpy:
            raise ValueError("min_tpy must be <= max_tpy")
        if self.first_year is not None and self.last_year is not None and self.last_year < self.first_year:
            raise ValueError("last_year must be >= first_year")
        return self

    def active(self, year: int) -> bool:
        return in_years(year, self.first_year, self.last_year)

    def minimum(self, year: int) -> float:
        """The take-or-pay minimum in ``year`` (0 outside the active years)."""
        if not self.active(year):
            return 0.0
        return self.min_tpy_by_year.get(year, self.min_tpy)


class PriceFloor(_Model):
    """The government tops up the price of ``material`` sold by ``facility_id`` to a floor.

    top_up[y] = max(0, floor_usd_per_t - benchmark_usd_per_t_by_year[y]) x sold[y], where
    sold[y] = production of the material at the facility - its surplus (discarded) tonnes.
    A transfer government -> producer: system cost is unchanged. Years without a benchmark
    use the nearest earlier benchmark year (the first one before it).
    """

    id: Id
    name: ShortText = ""
    facility_id: Id
    material: Material
    floor_usd_per_t: NonNeg
    benchmark_usd_per_t_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    first_year: Year | None = None
    last_year: Year | None = None
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""

    def active(self, year: int) -> bool:
        return in_years(year, self.first_year, self.last_year)

    def benchmark(self, year: int) -> float | None:
        """The benchmark of the nearest earlier year given (the first one before it)."""
        return benchmark_at(self.benchmark_usd_per_t_by_year, year)

    def top_up_usd_per_t(self, year: int) -> float:
        """max(0, floor - benchmark(y)) in active years, else 0."""
        b = self.benchmark(year)
        if not self.active(year) or b is None:
            return 0.0
        return max(0.0, self.floor_usd_per_t - b)


class Grant(_Model):
    """The government pays ``share`` of an option's capex plus a fixed ``amount_musd`` when built.

    grant(o, y) = share x capex(o, y) + amount_musd x build[o, y]  ($M, in the decision year y).
    A transfer government -> industry: the total capex is unchanged.
    """

    id: Id
    name: ShortText = ""
    option_id: Id
    share: Share = 0.0
    amount_musd: NonNeg = 0.0
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""


class Loan(_Model):
    """A government loan of up to ``amount_musd`` turns that part of capex into an annuity.

    Principal P = min(amount, capex of the option built) for an option loan, or P = amount for a
    loan to an existing facility (drawn in ``year``). Annuity A = P r / (1 - (1 + r)^-n) for
    n = term_years at r = rate. Subsidy (government's cost, $M at the draw year)
    = P - sum_{t=1..n} A / (1 + discount_rate)^t; industry's cost falls by the same amount.
    """

    id: Id
    name: ShortText = ""
    option_id: Id | None = None
    facility_id: Id | None = None
    amount_musd: NonNeg
    rate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.0
    term_years: Annotated[int, Field(ge=1, le=60)] = 10
    year: Year | None = None  # draw year for a facility loan
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""

    @model_validator(mode="after")
    def _target(self) -> "Loan":
        if (self.option_id is None) == (self.facility_id is None):
            raise ValueError("a loan names exactly one of option_id or facility_id")
        if self.facility_id is not None and self.year is None:
            raise ValueError("a facility loan needs the year it is drawn")
        return self

    def annuity_musd(self, principal: float) -> float:
        n, r = self.term_years, self.rate
        return principal / n if r == 0 else principal * r / (1.0 - (1.0 + r) ** -n)

    def subsidy_musd(self, principal: float, discount_rate: float) -> float:
        """P - present value (at the draw year, discount_rate) of the n annuity payments."""
        a = self.annuity_musd(principal)
        return principal - sum(a / (1.0 + discount_rate) ** t for t in range(1, self.term_years + 1))


class ImportLicence(_Model):
    """An exporting country's licence cap: purchases from markets of ``origin_country`` (and of
    ``materials``; all when empty) by buyers of ``segment`` <= cap_tpy in each active year.

    Defense buyers = purchases delivered straight to defense demand; commercial buyers =
    purchases delivered to commercial demand or to facilities (intermediates).
    """

    id: Id
    name: ShortText = ""
    origin_country: str = "CN"
    materials: list[Material] = Field(default_factory=list)
    segment: Segment
    cap_tpy: NonNeg
    first_year: Year | None = None
    last_year: Year | None = None
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""

    @field_validator("origin_country")
    @classmethod
    def _origin(cls, v: str) -> str:
        return _check_country(v)

    def active(self, year: int) -> bool:
        return in_years(year, self.first_year, self.last_year)


class GovStockpile(_Model):
    """A government stockpile of one material (e.g. DLA's SmCo alloy): buys clean tonnes from
    producing facilities, holds them, releases them to defense demand of that material.

    level[y] = level[y-1] + sum_f buy[f,y] - sum_d release[d,y], level[start-1] = initial_t,
    0 <= level[y] <= capacity_t, sum_f buy[f,y] >= committed_t_by_year[y] (<= max_buy_tpy).
    Holding costs holding_usd_per_t_yr x level[y] (a real cost, paid by the government);
    purchases cost purchase_price_usd_per_t x buy (a transfer government -> producer).
    """

    id: Id
    name: ShortText = ""
    material: Material
    capacity_t: NonNeg
    initial_t: NonNeg = 0.0
    holding_usd_per_t_yr: NonNeg = 0.0
    purchase_price_usd_per_t: NonNeg = 0.0
    committed_t_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    max_buy_tpy: NonNeg | None = None
    #: a stock build: at least this many tonnes held at the end of the year (level[y] >= t), soft:
    #: a shortfall is priced like unmet demand, so the plan is never infeasible for it
    min_level_t_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""

    @model_validator(mode="after")
    def _fits(self) -> "GovStockpile":
        if self.initial_t > self.capacity_t:
            raise ValueError("initial_t must be <= capacity_t")
        over = [y for y, t in self.min_level_t_by_year.items() if t > self.capacity_t]
        if over:
            raise ValueError(f"min_level_t_by_year[{over[0]}] must be <= capacity_t")
        return self


class CandidateFloor(PriceFloor):
    """A price floor the optimizer may offer in policy mode (policy.candidate_floors).

    It chooses the tonnage q[l,y] in [0, max_tpy] of the facility's ``material`` sold under the
    floor in each active year (q <= sold[f,c,y] = production - surplus); the government pays
    max(0, floor_usd_per_t - benchmark[y]) x q[l,y] (in its budget). Ignored outside policy mode.
    """

    max_tpy: NonNeg | None = None


class GuaranteedOfftake(_Model):
    """A guaranteed offtake the optimizer may sign in policy mode (policy.candidate_offtakes).

    It chooses the tonnage q[l,y] in [0, max_tpy] the government guarantees to buy at
    ``price_usd_per_t`` in each active year (first_year..last_year). The guaranteed tonnes must be
    taken: q[l,y] <= taken[l,y] (deliveries of the material from the facility to demands of
    ``segment``; any segment, route shipments and stockpile sales too when None, as for Offtake).
    The government's net cost is max(0, price - benchmark[y]) x q[l,y]: it pays the price and
    the tonnes are worth the benchmark to whoever uses them. Ignored outside policy mode.
    """

    id: Id
    name: ShortText = ""
    facility_id: Id
    material: Material
    segment: Segment | None = None
    price_usd_per_t: NonNeg
    benchmark_usd_per_t_by_year: dict[Year, NonNeg] = Field(default_factory=dict)
    max_tpy: NonNeg | None = None
    first_year: Year | None = None
    last_year: Year | None = None
    sources: list[Source] = Field(default_factory=list)
    notes: Text = ""

    @model_validator(mode="after")
    def _years(self) -> "GuaranteedOfftake":
        if self.first_year is not None and self.last_year is not None and self.last_year < self.first_year:
            raise ValueError("last_year must be >= first_year")
        return self

    def active(self, year: int) -> bool:
        return in_years(year, self.first_year, self.last_year)

    def benchmark(self, year: int) -> float | None:
        """The benchmark of the nearest earlier year given (the first one before it)."""
        return benchmark_at(self.benchmark_usd_per_t_by_year, year)

    def top_up_usd_per_t(self, year: int) -> float:
        """max(0, price - benchmark(y)) in active years, else 0: the government's net cost per t."""
        b = self.benchmark(year)
        if not self.active(year) or b is None:
            return 0.0
        return max(0.0, self.price_usd_per_t - b)


class PolicyMode(_Model):
    """Policy-design mode: the optimizer chooses which non-viable options the government funds,
    and the tonnage of candidate price floors and guaranteed offtakes (planner/model/policy.py).

    Operation (facility_margins_usd_per_t, $/t of the facility's supported material at the
    benchmark price, absent = viable): facility f with margin m_f is viable in year y when
    e_f(y) = m_f + sum of the top-ups of input price floors on f active in y >= 0. A facility not
    viable in y produces only covered tonnes: production[f,c,y] <= sum_l q[l,y] over the candidate
    levers l on (f, c) with e_f(y) + support_l(y) >= 0; its processes that do not make c (and all
    its processes when it has no candidate lever) do not run. An option on such a facility takes
    max(0, option margin) in its gap below (losses in operation are paid per tonne, not twice).

    Viability test per option o with an expected operating margin m_o ($/t of activity, listed in
    option_margins_usd_per_t; options not listed are viable): industry's NPV per t/yr of capacity
    = m_o x utilisation x AF - capex_musd_per_tpy x 1e6, AF = (1 - (1 + h)^-L) / h at the hurdle
    rate h over L = settings.asset_life_years; for a yes/no option the fixed capex enters in full:
    gap_o = max(0, fixed_capex + capex_per_tpy x max_add - m_o x utilisation x max_add x AF x 1e-6)
    ($M per build), for a continuous option gap_o = max(0, capex_per_tpy - m_o x utilisation x AF x 1e-6)
    ($M per t/yr). Building o in year y costs the government gap_o x build[o,y] (or x add[o,y]): a
    grant of exactly the viability gap. Objective: shortfall by priority, then cost to government,
    then total cost.
    """

    enabled: bool = False
    hurdle_rate: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.10
    utilisation: Share = 0.8
    option_margins_usd_per_t: dict[Id, float] = Field(default_factory=dict)
    facility_margins_usd_per_t: dict[Id, Annotated[float, Field(allow_inf_nan=False)]] = Field(default_factory=dict)
    candidate_floors: list[CandidateFloor] = Field(default_factory=list, max_length=1_000)
    candidate_offtakes: list[GuaranteedOfftake] = Field(default_factory=list, max_length=1_000)


class Levers(_Model):
    """Contracts and policy levers; every list empty by default (the version-2 meaning).

    government_budget_*: caps the government's lever spend (grants, price-floor top-ups,
    stockpile purchases and holding), undiscounted $M per year / over the horizon. The
    settings.budget_* caps stay what they were: all capex committed, whoever pays it.
    """

    offtakes: list[Offtake] = Field(default_factory=list, max_length=1_000)
    price_floors: list[PriceFloor] = Field(default_factory=list, max_length=1_000)
    grants: list[Grant] = Field(default_factory=list, max_length=1_000)
    loans: list[Loan] = Field(default_factory=list, max_length=1_000)
    import_licences: list[ImportLicence] = Field(default_factory=list, max_length=1_000)
    stockpiles: list[GovStockpile] = Field(default_factory=list, max_length=100)
    government_budget_musd_per_year: NonNeg | None = None
    government_budget_total_musd: NonNeg | None = None
    policy: PolicyMode = Field(default_factory=PolicyMode)

    def is_empty(self) -> bool:
        return not (self.offtakes or self.price_floors or self.grants or self.loans or self.import_licences
                    or self.stockpiles or self.government_budget_musd_per_year is not None
                    or self.government_budget_total_musd is not None or self.policy.enabled)


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
    #: where the planner dragged facilities in the desktop chain view: facility id -> (x, y) in
    #: the view's scene units; empty = automatic stage-column layout (not written when empty)
    chain_layout: dict[str, tuple[float, float]] = Field(default_factory=dict, max_length=20_000)
    levers: Levers = Field(default_factory=Levers)  # contracts and policy levers (optional)
    sales_markets: list[SalesMarket] = Field(default_factory=list, max_length=10_000)  # outside buyers
    reported_output: list[ReportedOutput] = Field(default_factory=list, max_length=100_000)  # calibration

    def facility(self, facility_id: str) -> Facility:
        for f in self.facilities:
            if f.id == facility_id:
                return f
        raise KeyError(facility_id)

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario whose id is ``scenario_id``, else the first whose name is (ids first)."""
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        for s in self.scenarios:
            if s.name == scenario_id:
                return s
        raise KeyError(scenario_id)

