"""Labels and names the results dashboard shows; the figures come from
:mod:`planner.reports.figures` (the one source shared with the workbook and the brief) and are
re-exported here for the dashboard's widgets. Material and stage labels come from models.vocab.
No widgets here."""

from __future__ import annotations

from models.project import Project
from models.vocab import Stage, material_label, stage_label
from planner.reports import figures
from planner.reports.figures import (  # noqa: F401  (re-exported for the dashboard's widgets)
    KPI_PRODUCTS,
    BuildoutInvestment,
    BuildoutRow,
    Kpis,
    ProductKpi,
    SupplyRow,
    buildout_rows,
    compute_kpis,
    costs_by_year,
    kpi_year,
    marginal_cost_series,
    natural_key,
    product_order,
    solved_project,
)
from planner.reports.figures import SupplyRow as SupplyYear  # noqa: F401  (the charts' name for a year of supply)
from planner.result import PlanResult

__all__ = ["material_label", "short_label", "stage_name", "supply_vs_demand", "unpriced_marginals", "display_names"]


def short_label(material: str) -> str:
    """Compact name for legends and card titles: "NdFeB", "SmCo", else the full label."""
    return {"ndfeb_magnet": "NdFeB", "smco_magnet": "SmCo"}.get(material, material_label(material))


def supply_vs_demand(result: PlanResult, segment: str | None = None) -> dict[str, list[SupplyRow]]:
    """Per product, per year: delivered clean / other / unmet and total demand (t), summed over
    all segments or only ``segment`` (see :func:`planner.reports.figures.supply_by_product`)."""
    return figures.supply_by_product(result, segment)


def unpriced_marginals(result: PlanResult) -> list[str]:
    """"NdFeB defense 2026"-style labels of the product-segment-years whose dual is the unmet
    penalty (MarginalCost.no_supply), not a price."""
    return [f"{short_label(p)} {segment} {years}" for p, segment, years in figures.unpriced_year_runs(result)]


def stage_name(stage: Stage) -> str:
    """A stage's name on the build-out timeline ("NdFeB magnet making")."""
    return stage_label(stage.value)


# ----------------------------------------------------------------------------- names
def display_names(project: Project) -> dict[str, str]:
    """Id -> readable name for facilities, markets, demands and platform demands."""
    names: dict[str, str] = {}
    for f in project.facilities:
        names[f.id] = f.name or f.id
    for m in project.markets:
        names[m.id] = m.name or f"{material_label(m.material.value)} market ({m.origin_country})"
    for d in project.demands:
        names[d.id] = d.name or d.id
    for pl in project.platforms:
        for product in KPI_PRODUCTS:
            names[f"platform:{pl.id}:{product}"] = f"{pl.name or pl.id} ({material_label(product)})"
    return names
