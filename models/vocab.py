"""Fixed vocabulary of the domain: stages, statuses, materials, elements, segments.

Every material is measured in metric tonnes (t). Pre-separation materials
(``concentrate``, ``mixed_carbonate``) are measured in tonnes of total rare-earth
oxide (t TREO) contained and keep the assay of the mine they came from until a
separation plant splits them into element oxides.
"""

from __future__ import annotations

from enum import Enum


class Stage(str, Enum):
    """Where a facility sits in the mine-to-magnet chain."""

    MINE = "mine"  # produces concentrate (t TREO contained)
    CRACKING = "cracking"  # concentrate -> mixed RE carbonate (t TREO), per source mine
    SEPARATION = "separation"  # concentrate or carbonate -> element oxides, per source mine
    METAL = "metal"  # oxide -> metal (t metal)
    MAGNET_NDFEB = "magnet_ndfeb"  # metals -> sintered NdFeB magnet (t magnet)
    MAGNET_SMCO = "magnet_smco"  # Sm metal + cobalt -> SmCo magnet (t magnet)
    RECYCLING = "recycling"  # magnet scrap -> oxides (t scrap processed)
    COBALT = "cobalt"  # cobalt refining (t Co)


class Status(str, Enum):
    """Project maturity; drives scenario delays and Monte Carlo risk."""

    OPERATING = "operating"
    CONSTRUCTION = "construction"
    COMMITTED = "committed"
    PLANNED = "planned"
    CONCEPT = "concept"


class Segment(str, Enum):
    """Demand segment: defense must be compliant from the compliance year."""

    DEFENSE = "defense"
    COMMERCIAL = "commercial"


class Element(str, Enum):
    """Magnet rare earths tracked through separation (shares of TREO)."""

    NDPR = "ndpr"
    DY = "dy"
    TB = "tb"
    SM = "sm"


class Material(str, Enum):
    """Every material that moves between facilities, markets and demands (tonnes)."""

    CONCENTRATE = "concentrate"
    MIXED_CARBONATE = "mixed_carbonate"
    NDPR_OXIDE = "ndpr_oxide"
    DY_OXIDE = "dy_oxide"
    TB_OXIDE = "tb_oxide"
    SM_OXIDE = "sm_oxide"
    NDPR_METAL = "ndpr_metal"
    DY_METAL = "dy_metal"
    TB_METAL = "tb_metal"
    SM_METAL = "sm_metal"
    COBALT = "cobalt"
    NDFEB_SCRAP = "ndfeb_scrap"
    NDFEB_MAGNET = "ndfeb_magnet"
    SMCO_MAGNET = "smco_magnet"


#: Materials that carry their source mine's assay (tracked per source).
SOURCED_MATERIALS = frozenset({Material.CONCENTRATE, Material.MIXED_CARBONATE})

#: Products a demand may ask for (magnets, or oxide/metal for stockpiles).
DEMAND_PRODUCTS = frozenset(m for m in Material if m not in SOURCED_MATERIALS)

#: Materials an import market may sell (anything without a source assay).
MARKET_MATERIALS = DEMAND_PRODUCTS

OXIDE_OF = {
    Element.NDPR: Material.NDPR_OXIDE,
    Element.DY: Material.DY_OXIDE,
    Element.TB: Material.TB_OXIDE,
    Element.SM: Material.SM_OXIDE,
}
METAL_OF = {
    Element.NDPR: Material.NDPR_METAL,
    Element.DY: Material.DY_METAL,
    Element.TB: Material.TB_METAL,
    Element.SM: Material.SM_METAL,
}

#: kg metal per kg oxide from atomic weights (sample_projects/reference/domain_report.md 1b):
#: Nd2O3 0.857, 75:25 NdPr oxide ~0.850, Dy2O3 0.871, Tb4O7 0.850, Sm2O3 0.862.
STOICHIOMETRIC_METAL_PER_OXIDE = {
    Element.NDPR: 0.850,
    Element.DY: 0.871,
    Element.TB: 0.850,
    Element.SM: 0.862,
}

#: Default countries whose processing makes material "covered" (10 U.S.C. 4872).
DEFAULT_COVERED_COUNTRIES = ("CN", "RU", "KP", "IR")

#: The natural order of stages, left to right in the chain view.
STAGE_ORDER = (
    Stage.MINE,
    Stage.CRACKING,
    Stage.SEPARATION,
    Stage.RECYCLING,
    Stage.METAL,
    Stage.COBALT,
    Stage.MAGNET_NDFEB,
    Stage.MAGNET_SMCO,
)

#: What one unit of facility activity (and so of capacity, t/yr) measures, per stage.
CAPACITY_BASIS = {
    Stage.MINE: "t TREO in concentrate per year",
    Stage.CRACKING: "t TREO feed per year",
    Stage.SEPARATION: "t TREO feed per year",
    Stage.METAL: "t metal per year (all elements)",
    Stage.MAGNET_NDFEB: "t NdFeB magnet per year",
    Stage.MAGNET_SMCO: "t SmCo magnet per year",
    Stage.RECYCLING: "t magnet scrap processed per year",
    Stage.COBALT: "t refined cobalt per year",
}

#: How each material is named in tables, charts, the workbook and the text reports (one source:
#: ``material_label``); its unit is MATERIAL_UNITS.
MATERIAL_LABELS = {
    Material.CONCENTRATE: "Concentrate",
    Material.MIXED_CARBONATE: "Mixed RE carbonate",
    Material.NDPR_OXIDE: "NdPr oxide",
    Material.DY_OXIDE: "Dy oxide",
    Material.TB_OXIDE: "Tb oxide",
    Material.SM_OXIDE: "Sm oxide",
    Material.NDPR_METAL: "NdPr metal",
    Material.DY_METAL: "Dy metal",
    Material.TB_METAL: "Tb metal",
    Material.SM_METAL: "Sm metal",
    Material.COBALT: "Cobalt",
    Material.NDFEB_SCRAP: "NdFeB scrap",
    Material.NDFEB_MAGNET: "NdFeB magnet",
    Material.SMCO_MAGNET: "SmCo magnet",
}

#: What a tonne of each material counts: t TREO contained before separation, else t of the material.
MATERIAL_UNITS = {m: "t TREO" if m in SOURCED_MATERIALS else "t" for m in Material}

#: How each stage is named (what its facilities do).
STAGE_LABELS = {
    Stage.MINE: "Mining",
    Stage.CRACKING: "Cracking",
    Stage.SEPARATION: "Separation",
    Stage.RECYCLING: "Recycling",
    Stage.METAL: "Metal making",
    Stage.COBALT: "Cobalt refining",
    Stage.MAGNET_NDFEB: "NdFeB magnet making",
    Stage.MAGNET_SMCO: "SmCo magnet making",
}

#: Short unit of each stage's capacity (for headers); CAPACITY_BASIS says it in full.
STAGE_UNITS = {
    Stage.MINE: "t TREO/yr",
    Stage.CRACKING: "t TREO feed/yr",
    Stage.SEPARATION: "t TREO feed/yr",
    Stage.METAL: "t metal/yr",
    Stage.MAGNET_NDFEB: "t magnet/yr",
    Stage.MAGNET_SMCO: "t magnet/yr",
    Stage.RECYCLING: "t scrap/yr",
    Stage.COBALT: "t Co/yr",
}


def material_label(material: str, with_unit: bool = False) -> str:
    """'ndpr_oxide' -> 'NdPr oxide'; ``with_unit`` adds a unit other than plain tonnes:
    'concentrate' -> 'Concentrate (t TREO)'. Unknown values come back with spaces for underscores."""
    try:
        m = Material(material)
    except ValueError:
        return str(material).replace("_", " ")
    unit = MATERIAL_UNITS[m]
    return f"{MATERIAL_LABELS[m]} ({unit})" if with_unit and unit != "t" else MATERIAL_LABELS[m]


def stage_label(stage: str) -> str:
    """'magnet_ndfeb' -> 'NdFeB magnet making'; unknown values come back with spaces for underscores."""
    try:
        return STAGE_LABELS[Stage(stage)]
    except ValueError:
        return str(stage).replace("_", " ")


def vocab_label(value: str) -> str:
    """Any vocabulary value as words: a material or stage by its label, anything else (status,
    segment, element...) with spaces for underscores: 'under_construction' -> 'under construction'."""
    value = str(value.value if isinstance(value, Enum) else value)
    if value in MATERIAL_LABELS:
        return material_label(value)
    if value in STAGE_LABELS:
        return stage_label(value)
    return value.replace("_", " ")


#: Stages whose recipe is a plain input/output table (the others are derived from assays).
RECIPE_STAGES = frozenset({Stage.MAGNET_NDFEB, Stage.MAGNET_SMCO, Stage.RECYCLING, Stage.COBALT})


def default_recipe(stage: Stage) -> tuple[dict[Material, float], dict[Material, float]]:
    """Default (inputs, outputs) in t per t of activity for recipe stages.

    NdFeB: ~0.31 t NdPr metal + 0.02 t Dy + 0.005 t Tb per t magnet at 100 % yield
    (domain_report 1a: Nd 29-32.5 %, Dy 0.6-1.2 %), divided by an assumed 85 %
    material yield (no sourced figure: GAP 5) -> 0.365 / 0.0235 / 0.0059.
    SmCo: Sm2Co17 ~25 % Sm, ~50 % Co at 100 % yield, divided by 85 % -> 0.294 / 0.588.
    Recycling: 1 t NdFeB scrap (~30 wt% RE, domain_report 1b) -> 0.26 t NdPr oxide
    + 0.012 t Dy oxide + 0.003 t Tb oxide (derived).
    """
    if stage is Stage.MAGNET_NDFEB:
        return (
            {Material.NDPR_METAL: 0.365, Material.DY_METAL: 0.0235, Material.TB_METAL: 0.0059},
            {Material.NDFEB_MAGNET: 1.0},
        )
    if stage is Stage.MAGNET_SMCO:
        return ({Material.SM_METAL: 0.294, Material.COBALT: 0.588}, {Material.SMCO_MAGNET: 1.0})
    if stage is Stage.RECYCLING:
        return (
            {Material.NDFEB_SCRAP: 1.0},
            {Material.NDPR_OXIDE: 0.26, Material.DY_OXIDE: 0.012, Material.TB_OXIDE: 0.003},
        )
    if stage is Stage.COBALT:
        return ({}, {Material.COBALT: 1.0})
    return ({}, {})
