"""Project settings: a form (horizon, discounting, compliance rules, budget, solver limits) and, on a
second page, the risk catalogue (:mod:`ui.editors.risk_catalogue_editor`)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGroupBox, QHBoxLayout, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from models.vocab import Stage
from ui.document.document import Document
from ui.document.fields import FieldSpec
from ui.editors.forms import BoundForm
from ui.editors.risk_catalogue_editor import RiskCatalogueEditor


def project_specs() -> list[FieldSpec]:
    return [
        FieldSpec("name", "Project name"),
        FieldSpec("description", "Description"),
        FieldSpec("notes", "Notes"),
    ]


def settings_specs() -> list[FieldSpec]:
    return [
        FieldSpec("start_year", "First year", "int", tooltip="first year of the planning horizon"),
        FieldSpec("end_year", "Last year", "int", tooltip="last year of the planning horizon (at most 60 years)"),
        FieldSpec("base_year", "Discounting base year", "int", tooltip="d_y = 1 / (1 + r)^(y - base year)"),
        FieldSpec("discount_rate", "Discount rate (0-1)", "float", tooltip="e.g. 0.08 = 8 % per year"),
        FieldSpec("compliance_start_year", "Compliance from year", "int",
                  tooltip="defense demand from this year must be served by clean material (DFARS: 2027)"),
        FieldSpec("covered_countries", "Covered countries", "countries",
                  tooltip="ISO codes whose processing makes material covered, e.g. CN, RU, KP, IR"),
        FieldSpec("de_minimis_share", "De-minimis share (0-1)", "float",
                  tooltip="largest covered share of a clean activity's inputs, by mass"),
        FieldSpec("unmet_penalty_usd_per_t", "Unmet-demand penalty ($/t)", "float",
                  tooltip="cost per tonne of demand not delivered (in the objective only)"),
        FieldSpec("budget_musd_per_year", "Capex budget per year ($M)", "opt_float", tooltip="empty: no cap",
                  placeholder="no cap"),
        FieldSpec("budget_total_musd", "Capex budget in total ($M)", "opt_float", tooltip="empty: no cap",
                  placeholder="no cap"),
        FieldSpec("asset_life_years", "Asset life (years)", "int", tooltip="for the end-of-horizon salvage credit"),
        FieldSpec("transport_usd_per_t_km", "Transport rate ($/t-km)", "float",
                  tooltip="default route cost = great-circle km x this rate"),
        FieldSpec("stock_holding_usd_per_t_yr", "Stock holding cost ($/t/yr)", "opt_float",
                  tooltip="empty: nothing is carried between years; a value lets facilities keep year-end "
                          "stock of their outputs (e.g. a clean stockpile before the compliance year)",
                  placeholder="no stocks"),
        FieldSpec("qualification_years_by_stage", "Defense qualification (years by stage)", "mapping", list(Stage),
                  tooltip="years from a plant's first output until defense buyers accept it, by stage, e.g. "
                          "NdFeB magnet making: 2, SmCo magnet making: 2; a facility's own value overrides; "
                          "empty = no lag"),
        FieldSpec("qualification_note", "Qualification source",
                  tooltip="where the lags come from (a source, or 'assumed' with the reasoning)"),
        FieldSpec("time_limit_s", "Solver time limit (s)", "float"),
        FieldSpec("mip_gap", "MIP gap (0-1)", "float", tooltip="relative optimality gap at which the solver stops"),
    ]


class SettingsPanel(QWidget):
    message = Signal(str)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.project_form = BoundForm(doc, project_specs(), lambda: doc.project)
        self.settings_form = BoundForm(doc, settings_specs(), lambda: doc.project.settings)
        project_box = QGroupBox("Project")
        QVBoxLayout(project_box).addWidget(self.project_form)
        settings_box = QGroupBox("Settings")
        QVBoxLayout(settings_box).addWidget(self.settings_form)
        column = QWidget()
        col_layout = QVBoxLayout(column)
        col_layout.addWidget(project_box)
        col_layout.addWidget(settings_box)
        col_layout.addStretch(1)
        column.setMinimumWidth(560)
        column.setMaximumWidth(760)
        inner = QWidget()
        row = QHBoxLayout(inner)
        row.addWidget(column)
        row.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        self.risk_catalogue = RiskCatalogueEditor(doc)
        self.risk_catalogue.message.connect(self.message)
        self.pages = QTabWidget()
        self.pages.addTab(scroll, "Project and planning")
        self.pages.addTab(self.risk_catalogue, "Risk catalogue")
        self.pages.setTabToolTip(1, "The disruptions a risk run draws: outages, export stops, China's licence "
                                    "regime, demand surges, delays and overruns")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        for form in (self.project_form, self.settings_form):
            form.message.connect(self.message)
        doc.project_replaced.connect(self.reload)

    def reload(self) -> None:
        self.project_form.reload()
        self.settings_form.reload()

    def show_catalogue(self) -> None:
        """Show the risk catalogue page (the Risk tab's "Edit the risk catalogue" button)."""
        self.pages.setCurrentWidget(self.risk_catalogue)

    def focus_field(self, attr: str) -> bool:
        for form in (self.settings_form, self.project_form):
            w = form.editors.get(attr)
            if w is not None:
                self.pages.setCurrentIndex(0)
                w.setFocus()
                return True
        return False
