"""Inspector: an editable form of the selected facility (every edit undoable).

Rows that do not apply to the facility's stage are hidden (an assay only for mines,
recipes only for magnet, recycling and cobalt plants, element recoveries for separation and
metal plants).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from models.covered import COVERED_COUNTRY, covered_reasons
from models.project import Facility
from models.schedules import qualification_lag
from models.validation import consumable, producible
from models.vocab import CAPACITY_BASIS, RECIPE_STAGES, Material, Stage
from ui.document.document import Document
from ui.document.fields import FieldSpec, country_label, fmt_number, label_of
from ui.editors.forms import BoundForm
from ui.editors.sources_editor import SourcesEditor
from ui.editors.table_models import STAGES, STATUSES


def facility_specs() -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", tooltip="unique id; renaming also renames it in routes and scenarios"),
        FieldSpec("name", "Name"),
        FieldSpec("operator", "Operator"),
        FieldSpec("country", "Country", "country"),
        FieldSpec("region", "Region"),
        FieldSpec("stage", "Stage", "enum", STAGES),
        FieldSpec("status", "Status", "enum", STATUSES),
        FieldSpec("capacity_tpy", "Capacity (t/yr)", "float", tooltip="existing nameplate capacity"),
        FieldSpec("online_year", "Online year", "opt_int", tooltip="first year of output; empty = already online",
                  placeholder="already online"),
        FieldSpec("closure_year", "Closure year", "opt_int", tooltip="first year without output; empty = never",
                  placeholder="never"),
        FieldSpec("ramp_up_shares", "Ramp-up shares", "float_list",
                  tooltip="share of capacity in the 1st, 2nd, ... year online, e.g. 0.3, 0.6, 0.9"),
        FieldSpec("assay", "Assay (share of TREO)", "mapping",
                  tooltip="mines: share of TREO per element, e.g. ndpr: 0.19, dy: 0.002, tb: 0.0005"),
        FieldSpec("stock_initial_t", "Finite stock (t TREO)", "opt_float",
                  tooltip="a stockpile or tailings: total t at the start of the horizon, depleted by each year's "
                          "draw; empty = an ordinary mine whose capacity renews every year",
                  placeholder="not a finite stock"),
        FieldSpec("stock_max_draw_tpy", "Max draw (t/yr)", "opt_float",
                  tooltip="most t drawn from the stock in a year (the capacity also applies)",
                  placeholder="capacity only"),
        FieldSpec("stock_holding_usd_per_t_yr", "Stock holding ($/t/yr)", "float",
                  tooltip="cost per t left in the stock at each year-end"),
        FieldSpec("treo_recovery", "TREO recovery (0-1)", "float", tooltip="cracking: t TREO out per t TREO fed"),
        FieldSpec("separation_feed", "Separation feed", "enum", ["concentrate", "mixed_carbonate"]),
        FieldSpec("element_recovery", "Element recovery (0-1)", "mapping",
                  tooltip="elements produced and their recovery, e.g. ndpr: 0.95, dy: 0.9"),
        FieldSpec("element_online_year", "Circuit start (year by element)", "mapping",
                  tooltip="separation: elements whose circuit starts later, e.g. dy: 2027, tb: 2027 (a heavy "
                          "rare-earth circuit); other elements whenever the plant runs"),
        FieldSpec("recipe_inputs", "Recipe inputs (t per t)", "mapping", list(Material),
                  tooltip="t of each input per t of activity, e.g. NdPr metal: 0.365, Dy metal: 0.0235"),
        FieldSpec("recipe_outputs", "Recipe outputs (t per t)", "mapping", list(Material),
                  tooltip="t of each output per t of activity, e.g. NdFeB magnets: 1"),
        FieldSpec("variable_opex_usd_per_t", "Variable opex ($/t)", "float"),
        FieldSpec("fixed_opex_musd_per_yr", "Fixed opex ($M/yr)", "float"),
        FieldSpec("capex_musd_reported", "Reported capex ($M)", "opt_float", tooltip="information only",
                  placeholder="not reported"),
        FieldSpec("chinese_technology", "Chinese technology", "bool",
                  tooltip="built with Chinese process technology: output counts as covered"),
        FieldSpec("qualification_years", "Qualification (years)", "opt_int",
                  tooltip="years from first output until defense buyers accept the output (supplier "
                          "qualification); empty = the project's default for the stage (Settings)",
                  placeholder="stage default"),
        FieldSpec("lat", "Latitude (deg)", "opt_float"),
        FieldSpec("lon", "Longitude (deg)", "opt_float"),
        FieldSpec("ownership_notes", "Ownership notes"),
        FieldSpec("notes", "Notes"),
    ]


_STAGE_ROWS = {
    "assay": lambda s: s is Stage.MINE,
    "stock_initial_t": lambda s: s is Stage.MINE,
    "stock_max_draw_tpy": lambda s: s is Stage.MINE,
    "stock_holding_usd_per_t_yr": lambda s: s is Stage.MINE,
    "treo_recovery": lambda s: s is Stage.CRACKING,
    "separation_feed": lambda s: s is Stage.SEPARATION,
    "element_recovery": lambda s: s in (Stage.SEPARATION, Stage.METAL),
    "element_online_year": lambda s: s is Stage.SEPARATION,
    "recipe_inputs": lambda s: s in RECIPE_STAGES,
    "recipe_outputs": lambda s: s in RECIPE_STAGES,
}


class Inspector(QWidget):
    """Shows and edits ``doc.current_facility``."""

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self._shown: Facility | None = None
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.form = BoundForm(doc, facility_specs(), lambda: doc.current_facility)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(8, 8, 8, 8)
        self.sources = SourcesEditor(doc, lambda: doc.current_facility)
        inner_layout.addWidget(self.header)
        inner_layout.addWidget(self.form)
        inner_layout.addWidget(self.sources)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        doc.current_facility_changed.connect(self.refresh)
        doc.field_changed.connect(self._field_changed)
        doc.project_replaced.connect(self.refresh)
        for sig in (doc.items_inserted, doc.items_removed):
            sig.connect(lambda owner, attr, _i: self.refresh() if owner is doc.current_facility else None)
        self.refresh()

    def _field_changed(self, obj: Any, _attr: str) -> None:
        f = self.doc.current_facility
        if f is not None and (obj is f or any(obj is o for o in f.options)):
            self.refresh()

    @property
    def message(self) -> Any:
        return self.form.message

    def refresh(self, *_: Any) -> None:
        f: Facility | None = self.doc.current_facility
        if f is not self._shown:  # another facility: an old refusal no longer applies
            self.form.clear_errors()
            self._shown = f
        self.form.reload()
        self.form.setVisible(f is not None)
        self.sources.reload()
        self.sources.setVisible(f is not None)
        if f is None:
            self.header.setText("<span style='color:#666'>Select a facility in the chain view or the "
                                "Facilities table to see and edit it here.</span>")
            for attr in _STAGE_ROWS:
                self.form.form.setRowVisible(self.form.rows[attr], False)
            return
        for attr, applies in _STAGE_ROWS.items():
            self.form.form.setRowVisible(self.form.rows[attr], applies(f.stage))
        flags = []
        for reason in covered_reasons(f, self.doc.project.settings.covered_countries):
            where = f" ({country_label(f.country)})" if reason == COVERED_COUNTRY else ""
            flags.append(f"<span style='color:#b00020'><b>{reason}</b>{where}</span>")
        compliance = " and ".join(flags) + ": output is covered" if flags else \
            "<span style='color:#1b7a3d'>compliant origin</span>"
        if f.options:
            opts = "; ".join(f"{_esc(o.name or o.id)}: up to {fmt_number(o.max_add_tpy)} t/yr, "
                             f"{o.lead_time_years} yr lead time" for o in f.options[:3])
            more = f"; and {len(f.options) - 3} more" if len(f.options) > 3 else ""
            options = f"<div style='color:#555'>Expansion options: {opts}{more} (Facilities tab)</div>"
        else:
            options = "<div style='color:#555'>No expansion options (add them in the Facilities tab)</div>"
        makes = ", ".join(sorted(label_of(m) for m in producible(f))) or "nothing"
        uses = ", ".join(sorted(label_of(m) for m in consumable(f))) or "nothing"
        supply = ""
        if f.stock_initial_t is not None:
            cap = (f"at most {fmt_number(f.stock_max_draw_tpy)} t/yr" if f.stock_max_draw_tpy is not None
                   else "at most the capacity per year")
            supply += (f"<div style='color:#555'>Finite stock: {fmt_number(f.stock_initial_t)} t at the start, "
                       f"drawn {cap}; it does not renew</div>")
        lag = qualification_lag(f, self.doc.project.settings)
        if lag:
            supply += f"<div style='color:#555'>Defense qualification: {lag} yr after first output</div>"
        self.header.setText(
            f"<div style='font-size:13pt'><b>{_esc(f.name or f.id)}</b></div>"
            f"<div>{label_of(f.stage)} \u00b7 {label_of(f.status)} \u00b7 {country_label(f.country)}</div>"
            f"<div style='color:#555'>Capacity unit: {CAPACITY_BASIS[f.stage]}</div>"
            f"<div style='color:#555'>Uses: {uses}<br>Makes: {makes}</div>"
            f"{options}{supply}<div>{compliance}</div>"
        )


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
