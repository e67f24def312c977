"""The 'Inputs - ...' sheets and 'Sources': the project's data as saved, so the workbook documents
its own assumptions (scenario overrides are listed on 'Inputs - Scenarios').

Units follow the project schema: capacity in t/yr of the stage's activity unit, opex in $/t and
$M/yr, capex in $M per t/yr and $M, prices in $/t, platform magnet content in kg per unit.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from models.covered import is_covered_market
from models.project import Project, Source
from models.schedules import platform_demand_t, qualification_lag, qualified_from_year
from models.vocab import Element, stage_label
from planner.reports.cells import Col, SheetWriter
from planner.reports.data import capacity_basis, material_label

HEADER_ROW = 2


def _shares(values: list[float]) -> str:
    return ", ".join(f"{v:.0%}" for v in values)


def _keyed(d: dict[Any, float], pct: bool = False) -> str:
    """{'ndpr': 0.95} -> 'ndpr 95%' (pct) or 'ndpr_metal 0.365'."""
    parts = []
    for k, v in d.items():
        key = getattr(k, "value", k)
        parts.append(f"{key} {v:.1%}" if pct else f"{key} {v:g}")
    return "; ".join(parts)


def _sheet(wb: Workbook, title: str, note: str) -> SheetWriter:
    w = SheetWriter(wb.create_sheet(title))
    w.note(1, note)
    return w


def add_facilities(wb: Workbook, project: Project) -> None:
    w = _sheet(wb, "Inputs - Facilities", "Facilities as saved in the project. Capacity is in the stage's activity "
                                          "unit; assay = share of TREO. Sources: see 'Sources'.")
    cols = [Col("Id"), Col("Name"), Col("Operator"), Col("Country"), Col("Region"), Col("Stage"), Col("Status"),
            Col("Capacity (t/yr)", "tpy"), Col("Capacity unit", max_width=34), Col("Online (year)", "year"),
            Col("Closure (year)", "year"), Col("Ramp-up shares"), Col("Chinese technology"),
            Col("Finite stock (t)", "t"), Col("Max draw (t/yr)", "tpy"), Col("Stock holding ($/t/yr)", "usd_per_t"),
            Col("Qualification lag (years)", "int"), Col("Defense-qualified from (year)", "year"),
            Col("Variable opex ($/t)", "usd_per_t"), Col("Fixed opex ($M/yr)", "musd"),
            Col("Reported capex ($M)", "musd"), Col("Assay NdPr (% TREO)", "share"), Col("Assay Dy (% TREO)", "share"),
            Col("Assay Tb (% TREO)", "share"), Col("Assay Sm (% TREO)", "share"), Col("TREO recovery (%)", "share"),
            Col("Separation feed"), Col("Element recovery"), Col("Recipe inputs (t per t)"),
            Col("Recipe outputs (t per t)"), Col("Latitude", "coord"), Col("Longitude", "coord"),
            Col("Options (count)", "int"), Col("Sources (count)", "int"), Col("Ownership notes"), Col("Notes")]
    rows = []
    for f in project.facilities:
        is_mine = f.stage.value == "mine"
        rows.append((
            f.id, f.name, f.operator, f.country, f.region, stage_label(f.stage.value), f.status.value, f.capacity_tpy,
            capacity_basis(f.stage.value), f.online_year, f.closure_year, _shares(f.ramp_up_shares),
            f.chinese_technology, f.stock_initial_t, f.stock_max_draw_tpy,
            f.stock_holding_usd_per_t_yr if f.stock_initial_t is not None else None,
            qualification_lag(f, project.settings), qualified_from_year(f, project.settings),
            f.variable_opex_usd_per_t, f.fixed_opex_musd_per_yr, f.capex_musd_reported,
            *((f.assay.get(e, 0.0) if is_mine else None) for e in (Element.NDPR, Element.DY, Element.TB, Element.SM)),
            f.treo_recovery if f.stage.value == "cracking" else None,
            f.separation_feed if f.stage.value == "separation" else "",
            _keyed(f.element_recovery, pct=True), _keyed(f.recipe_inputs), _keyed(f.recipe_outputs),
            f.lat, f.lon, len(f.options), len(f.sources), f.ownership_notes, f.notes,
        ))
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_options(wb: Workbook, project: Project) -> None:
    w = _sheet(wb, "Inputs - Options", "Expansion options the optimizer may build. Capex = capex per t/yr x t/yr added "
                                       "+ fixed capex; output starts lead time years after the decision.")
    cols = [Col("Facility id"), Col("Facility"), Col("Stage"), Col("Option id"), Col("Option"),
            Col("Max added (t/yr)", "tpy"), Col("Min added if built (t/yr)", "tpy"),
            Col("Capex ($M per t/yr)", "musd_per_tpy"),
            Col("Fixed capex ($M)", "musd"), Col("Fixed opex ($M/yr)", "musd"), Col("Lead time (years)", "int"),
            Col("Earliest decision (year)", "year"), Col("Ramp-up shares"), Col("Sources (count)", "int"), Col("Notes")]
    rows = [(f.id, f.name, stage_label(f.stage.value), o.id, o.name, o.max_add_tpy, o.min_add_tpy, o.capex_musd_per_tpy,
             o.fixed_capex_musd, o.fixed_opex_musd_per_yr, o.lead_time_years, o.earliest_decision_year,
             _shares(o.ramp_up_shares), len(o.sources), o.notes)
            for f in project.facilities for o in f.options]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_routes(wb: Workbook, project: Project) -> None:
    rate = project.settings.transport_usd_per_t_km
    w = _sheet(wb, "Inputs - Routes", f"Permitted shipments. A blank transport cost means great-circle distance x "
                                      f"{rate:g} $/t-km. A blank capacity means unlimited.")
    names = {f.id: f.name for f in project.facilities}
    cols = [Col("Id"), Col("From id"), Col("From"), Col("To id"), Col("To"), Col("Material"),
            Col("Transport ($/t)", "usd_per_t"), Col("Capacity (t/yr)", "tpy")]
    rows = [(r.id, r.from_id, names.get(r.from_id, ""), r.to_id, names.get(r.to_id, ""),
             material_label(r.material.value), r.transport_usd_per_t, r.capacity_tpy) for r in project.routes]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_markets(wb: Workbook, project: Project) -> None:
    covered = set(project.settings.covered_countries)
    w = _sheet(wb, "Inputs - Markets", "Import markets: buy a material at a landed price, up to a cap per year "
                                       "(blank = unlimited). Covered-origin supply is never clean.")
    cols = [Col("Id"), Col("Name"), Col("Material"), Col("Origin"), Col("Covered origin"),
            Col("Price ($/t)", "usd_per_t"),
            Col("Cap (t/yr)", "tpy"), Col("First (year)", "year"), Col("Last (year)", "year"),
            Col("Sources (count)", "int"), Col("Notes")]
    rows = [(m.id, m.name, material_label(m.material.value), m.origin_country, is_covered_market(m, covered),
             m.price_usd_per_t, m.cap_tpy, m.first_year, m.last_year, len(m.sources), m.notes) for m in project.markets]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_demands(wb: Workbook, project: Project) -> None:
    w = _sheet(wb, "Inputs - Demand", "Stated demand per year (t), plus defense demand derived from platform builds "
                                      "(units x kg per unit / 1000, see 'Inputs - Platforms').")
    cols = [Col("Demand id"), Col("Name"), Col("Product"), Col("Segment"), Col("Year", "year"), Col("Demand (t)", "t"),
            Col("Notes")]
    rows: list[tuple] = []
    for d in project.demands:
        for year, t in sorted(d.tonnes_by_year.items()):
            rows.append((d.id, d.name, material_label(d.product.value), d.segment.value, year, t, d.notes))
    for (product, year), t in sorted(platform_demand_t(project).items(), key=lambda kv: (kv[0][0].value, kv[0][1])):
        rows.append(("(all platforms)", "Platform builds", material_label(product.value), "defense", year, t, ""))
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_platforms(wb: Workbook, project: Project) -> None:
    w = _sheet(wb, "Inputs - Platforms", "Defense platforms: units built per year and magnet content per unit. A "
                                         "figure stated as rare-earth content is converted: magnet kg = RE kg / RE "
                                         "share; magnet t = units x magnet kg per unit / 1000.")
    cols = [Col("Platform id"), Col("Name"), Col("Year", "year"), Col("Units built", "general"),
            Col("NdFeB per unit (kg, as stated)", "kg"), Col("NdFeB figure is"),
            Col("NdFeB RE share (t RE per t magnet)", "share"), Col("NdFeB magnet per unit (kg)", "kg"),
            Col("SmCo per unit (kg, as stated)", "kg"), Col("SmCo figure is"),
            Col("SmCo RE share (t RE per t magnet)", "share"),
            Col("SmCo magnet per unit (kg)", "kg"), Col("NdFeB magnet (t)", "t"), Col("SmCo magnet (t)", "t")]
    basis = {"magnet": "magnet mass", "rare_earth": "rare-earth content"}
    rows = [(p.id, p.name, y, u, p.ndfeb_kg_per_unit, basis[p.ndfeb_kg_basis], p.ndfeb_re_share,
             p.ndfeb_magnet_kg_per_unit, p.smco_kg_per_unit, basis[p.smco_kg_basis], p.smco_re_share,
             p.smco_magnet_kg_per_unit,
             u * p.ndfeb_magnet_kg_per_unit / 1000.0, u * p.smco_magnet_kg_per_unit / 1000.0)
            for p in project.platforms for y, u in sorted(p.units_by_year.items())]
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def add_scenarios(wb: Workbook, project: Project) -> None:
    w = _sheet(wb, "Inputs - Scenarios",
               "Scenarios stored in the project: named overrides applied to the base project.")
    cols = [Col("Id"), Col("Name"), Col("Description", max_width=60), Col("Overrides", max_width=80)]
    rows = []
    for s in project.scenarios:
        overrides = "; ".join(_override_text(o) for o in s.overrides) or "(none)"
        rows.append((s.id, s.name, s.description, overrides))
    w.table(HEADER_ROW, 1, cols, rows)
    w.finish()


def _override_text(o: Any) -> str:
    data = o.model_dump(mode="json", exclude_defaults=True)
    data.pop("kind", None)
    detail = ", ".join(f"{k}={v}" for k, v in data.items())
    return f"{o.kind}({detail})"


#: project.levers lists and the words the Sources sheet uses for them (column "Object")
LEVER_KINDS = (("offtakes", "offtake"), ("price_floors", "price floor"), ("grants", "grant"), ("loans", "loan"),
               ("import_licences", "import licence"), ("stockpiles", "government stockpile"))


def _source_rows(project: Project) -> list[tuple]:
    """(object kind, id, name, URL, supports, confidence) of every source: the project, facilities,
    options, markets, demands, platforms, then every contract and lever (offtake, price floor, ...)."""
    def rows_for(kind: str, obj_id: str, name: str, sources: list[Source]) -> list[tuple]:
        return [(kind, obj_id, name, s.url, s.supports, s.confidence) for s in sources]

    out: list[tuple] = rows_for("project", "", project.name, project.sources)
    for f in project.facilities:
        out += rows_for("facility", f.id, f.name, f.sources)
        for o in f.options:
            out += rows_for("option", f"{f.id}/{o.id}", o.name or o.id, o.sources)
    for m in project.markets:
        out += rows_for("market", m.id, m.name, m.sources)
    for d in project.demands:
        out += rows_for("demand", d.id, d.name, d.sources)
    for p in project.platforms:
        out += rows_for("platform", p.id, p.name, p.sources)
    for attr, kind in LEVER_KINDS:
        for x in getattr(project.levers, attr):
            out += rows_for(kind, x.id, x.name or x.id, x.sources)
    return out


def add_sources(wb: Workbook, project: Project) -> None:
    w = _sheet(wb, "Sources", "Where each figure comes from and how far to trust it (high / medium / low / derived). "
                              "Only http(s) links are clickable.")
    cols = [Col("Object"), Col("Id"), Col("Name"), Col("URL", max_width=60), Col("Supports", max_width=70),
            Col("Confidence")]
    w.table(HEADER_ROW, 1, cols, _source_rows(project), links={3: 3})
    w.finish()


INPUT_SHEETS = (
    ("Inputs - Facilities", add_facilities, "Facilities as saved: capacity, status, costs, assays, recipes."),
    ("Inputs - Options", add_options, "Expansion options: size, capex, lead time."),
    ("Inputs - Routes", add_routes, "Permitted shipments and their cost."),
    ("Inputs - Markets", add_markets, "Import markets: price, origin, cap."),
    ("Inputs - Demand", add_demands, "Demand per product, segment and year, incl. platform demand."),
    ("Inputs - Platforms", add_platforms, "Platform builds and magnet content."),
    ("Inputs - Scenarios", add_scenarios, "Scenario overrides stored in the project."),
    ("Sources", add_sources, "URL, what it supports and confidence for every sourced figure."),
)
