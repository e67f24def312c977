"""The risk catalogue as a page of Settings: every list of ``settings.risk.catalogue`` as a table.

Pages: outages by stage, per-facility outages (facilities picked and shown by name), export stops
by country, China's licence regime (its states and, for the state selected, its market caps),
defense demand surges, slips (of new circuits, ramp-ups and qualification: stage defaults and
facilities' own, one row per slip), and the commissioning delays and capex overruns by project status
(``settings.risk.delay_years`` / ``capex_overrun``). Above them, the window the events may start in
and the stratification threshold. What each entry does in a run: models.risk_catalogue and
docs/resilience.md section 3.

Every edit, addition and removal is one command on the document's undo stack, labelled with the
row and the field ("Change Less Common Metals (Ellesmere Port) outage probability"). Values are
checked by the models' own validation, on the whole catalogue, before anything is stored
(:mod:`ui.document.catalogue_check`): a refused value says why in plain words, names the row and
the column, and leaves the project as it was. A duration is typed as ``years: probability``
pairs (``1: 0.7, 2: 0.3``); the probabilities must add up to 1. ``source`` is required: a
citation, or the word "assumed" (new rows start as "assumed", shown in amber).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.countries import COUNTRIES
from models.project import Project
from models.risk_catalogue import (
    SLIP_KINDS,
    DemandSurge,
    Duration,
    ExportStop,
    FacilityOutage,
    FacilitySlips,
    LicenceRegime,
    LicenceState,
    MarketCap,
    OutageRate,
    RiskCatalogue,
    Slip,
    SlipRates,
)
from models.slips import can_slip
from models.vocab import DEMAND_PRODUCTS, Material, Stage, Status, material_label, stage_label
from models.wording import count
from ui.document.catalogue_check import field_refusal, insert_refusal, remove_refusal
from ui.document.document import Document, unique_id
from ui.document.fields import FieldSpec, country_label, fmt_number, parse_float, parse_int, parse_list
from ui.document.locations import parse_location
from ui.document.names import facility_name
from ui.editors.catalogue_tables import CatalogueTable, CatalogueTableModel, is_assumed
from ui.editors.forms import BoundForm

PRODUCTS = sorted(DEMAND_PRODUCTS, key=list(Material).index)
DURATION_HINT = "years: probability pairs, e.g. 1: 0.7, 2: 0.3 (the probabilities must add up to 1)"
SOURCE_HINT = 'a citation, or the word "assumed" (required; amber when assumed)'
SLIP_LABEL = {"circuit": "new circuit", "ramp_up": "ramp-up", "qualification": "qualification"}


# ----------------------------------------------------------------- durations as text
def fmt_distribution(d: Any) -> str:
    """Duration or DelayDistribution -> '1: 0.7, 2: 0.3' (years: probability)."""
    if d is None:
        return ""
    return ", ".join(f"{y}: {fmt_number(p)}" for y, p in zip(d.years, d.probabilities))


def parse_distribution(text: Any) -> dict:
    """'1: 0.7, 2: 0.3' (or '1 yr: 0.7; 2 years: 0.3'; a single '2' = 2 years for sure) ->
    {'years': [1, 2], 'probabilities': [0.7, 0.3]}; the model checks ranges and the sum."""
    parts = parse_list(text)
    if not parts:
        raise ValueError(f"is empty; write {DURATION_HINT}")
    if len(parts) == 1 and ":" not in parts[0]:
        try:
            return {"years": [parse_int(parts[0].split()[0])], "probabilities": [1.0]}
        except ValueError:
            raise ValueError(f"{parts[0]!r} is not years: probability; write {DURATION_HINT}") from None
    years, probs = [], []
    for part in parts:
        if ":" not in part:
            raise ValueError(f"{part!r} is not years: probability; write {DURATION_HINT}")
        y, p = part.split(":", 1)
        y = y.strip().split()[0] if y.strip() else ""
        years.append(parse_int(y))
        probs.append(parse_float(p))
    if len(set(years)) != len(years):
        raise ValueError("lists a number of years twice")
    return {"years": years, "probabilities": probs}


def _opt_text(attr: str, header: str, tooltip: str, word: str, width: int = 100) -> FieldSpec:
    """An optional id-like text field (``group``): empty = None."""
    return FieldSpec(attr, header, "custom", get=lambda o: getattr(o, attr), parse_as="text", width=width,
                     to_field=lambda o, t: (str(t).strip() or None), placeholder="none", tooltip=tooltip,
                     extra={"word": word})


def rate_columns() -> list[FieldSpec]:
    """The columns every outage-like entry shares: probability, duration, source, group, notes."""
    return [
        FieldSpec("annual_probability", "Probability\n(per year, 0-1)", "float", width=105,
                  tooltip="the yearly probability that the event starts", extra={"word": "probability"}),
        FieldSpec("duration", "Duration\n(years: probability)", "custom", width=150, parse_as="text",
                  get=lambda o: fmt_distribution(o.duration), to_field=lambda o, t: parse_distribution(t),
                  tooltip=f"how long it lasts: {DURATION_HINT}", extra={"word": "duration"}),
        FieldSpec("source", "Source", width=260, tooltip=SOURCE_HINT, extra={"word": "source"}),
        _opt_text("group", "Group", "events of one group are drawn together (same start year); empty: alone",
                  "group"),
        FieldSpec("notes", "Notes", width=160, extra={"word": "notes"}),
    ]


def _stage_of(catalogue: RiskCatalogue | None, rate: Any) -> Stage | None:
    for stage, r in (catalogue.outage_by_stage.items() if catalogue is not None else ()):
        if r is rate:
            return stage
    return None


class RiskCatalogueEditor(QWidget):
    """The catalogue's window, its tables in tabs, and the delays and overruns by status."""

    message = Signal(str)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.tables: dict[str, CatalogueTable] = {}

        intro = QLabel("The disruptions a risk run draws (Risk tab). Every entry needs a source: a citation, or "
                       "the word <i>assumed</i> (shown in <span style='color:#9a6700'>amber</span>). Every change "
                       "can be undone (Ctrl+Z); a value the model refuses is not stored and the reason shows "
                       "under its table.")
        intro.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #5b6570;")
        self.create_button = QPushButton("Create a risk catalogue")
        self.create_button.setToolTip("Start an empty catalogue (runs then draw its events as well)")
        self.create_button.clicked.connect(self.create_catalogue)
        self.drop_button = QPushButton("Remove the catalogue")
        self.drop_button.setToolTip("Runs draw only delays and overruns again (undoable)")
        self.drop_button.clicked.connect(self.remove_catalogue)

        self.window_form = BoundForm(doc, [
            FieldSpec("first_year", "Events start from", "opt_int", placeholder="first year of the horizon",
                      tooltip="the first year an event may start in; empty: the horizon's first year"),
            FieldSpec("last_year", "Events start until", "opt_int", placeholder="last year of the horizon",
                      tooltip="the last year an event may start in; empty: the horizon's last year"),
            FieldSpec("stratify_below", "Stratify below (0-1)", "float",
                      tooltip="an event less likely than this over the window appears in its share of the "
                              "futures with a weight, instead of being left to the seed"),
            FieldSpec("notes", "Notes", tooltip="what the catalogue stands for, where its figures come from"),
        ], self.catalogue)
        window_box = QGroupBox("Window and sampling")
        QVBoxLayout(window_box).addWidget(self.window_form)
        window_box.setMaximumWidth(520)
        head = QVBoxLayout()
        head.addWidget(intro)
        head.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.drop_button)
        buttons.addStretch(1)
        head.addLayout(buttons)
        head.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(window_box, 1)
        top.addLayout(head, 1)

        self.tabs = QTabWidget()
        self._build_stage_table()
        self._build_facility_table()
        self._build_export_table()
        self._build_licence_page()
        self._build_surge_table()
        self._build_slip_table()
        self._build_status_table()
        for table in self.tables.values():
            table.message.connect(self.message)
        for form in (self.window_form, self.regime_form):
            form.message.connect(self.message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self._stale = False
        for signal in (doc.project_replaced, doc.field_changed, doc.items_inserted, doc.items_removed):
            signal.connect(self._changed)
        self.refresh()

    # ------------------------------------------------------------ targets
    @property
    def project(self) -> Project:
        return self.doc.project

    def catalogue(self) -> RiskCatalogue | None:
        return self.doc.project.settings.risk.catalogue

    def regime(self) -> LicenceRegime | None:
        cat = self.catalogue()
        return cat.licence_regime if cat is not None else None

    def selected_state(self) -> LicenceState | None:
        regime = self.regime()
        if regime is None or not regime.states:
            return None
        row = self.tables["states"].selected_row() if "states" in self.tables else -1
        return regime.states[row] if 0 <= row < len(regime.states) else regime.states[0]

    def _model(self, rows: Callable[[], list], columns: Callable[[Project], list[FieldSpec]],
               row_name: Callable[[Any], str], checked: bool = True) -> CatalogueTableModel:
        return CatalogueTableModel(self.doc, rows, columns, row_name, self.catalogue if checked else (lambda: None),
                                   parent=self)

    def _list(self, attr: str) -> list:
        cat = self.catalogue()
        return getattr(cat, attr) if cat is not None else []

    # ------------------------------------------------------------ pages
    def _build_stage_table(self) -> None:
        def stage_name(rate: Any) -> str:
            stage = _stage_of(self.catalogue(), rate)
            return f"{stage_label(stage.value) if stage else 'stage'} outage"

        def columns(_p: Project) -> list[FieldSpec]:
            return [FieldSpec("stage", "Stage", "custom", readonly=True, width=160, parse_as="text",
                              get=lambda r: stage_label(s.value) if (s := _stage_of(self.catalogue(), r)) else "",
                              tooltip="every operating facility of this stage has this outage rate unless it has "
                                      "its own (Facility outages)"),
                    *rate_columns()]

        model = self._model(lambda: list(self.catalogue().outage_by_stage.values()) if self.catalogue() else [],
                            columns, stage_name)
        self.stage_chooser = QComboBox()
        self.tables["outage_by_stage"] = CatalogueTable(
            self.doc, model, "Outages by stage", "the default outage rate of every operating facility of a stage",
            add=self.add_stage_outage, remove=self.remove_stage_outage, chooser=self.stage_chooser,
            chooser_label="Stage")
        self.tabs.addTab(self.tables["outage_by_stage"], "Outages by stage")

    def _build_facility_table(self) -> None:
        def name(o: Any) -> str:
            return f"{facility_name(self.project, o.facility_id)} outage"

        def columns(p: Project) -> list[FieldSpec]:
            return [FieldSpec("facility_id", "Facility", "ref", width=250,
                              show=lambda o: facility_name(p, o.facility_id),
                              tooltip="the facility whose own outage rate this is (overrides its stage's)",
                              extra={"by_name": True, "word": "facility"}),
                    *rate_columns()]

        model = self._model(lambda: self._list("facility_outages"), columns, name)
        self.facility_chooser = QComboBox()
        self.facility_chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.facility_chooser.setMinimumContentsLength(26)
        self.tables["facility_outages"] = CatalogueTable(
            self.doc, model, "Facility outages", "a facility's own rate, instead of its stage's",
            add=self.add_facility_outage, remove=self._remover("facility_outages", name),
            chooser=self.facility_chooser, chooser_label="Facility")
        self.tabs.addTab(self.tables["facility_outages"], "Facility outages")

    def _build_export_table(self) -> None:
        def name(o: Any) -> str:
            return f"{COUNTRIES.get(o.country, o.country)} export stop"

        def columns(_p: Project) -> list[FieldSpec]:
            return [FieldSpec("country", "Country", "country", width=180, extra={"word": "country"},
                              tooltip="every facility of the country and every market of its origin are out"),
                    *rate_columns()]

        model = self._model(lambda: self._list("export_stops"), columns, name)
        self.country_chooser = QComboBox()
        self.tables["export_stops"] = CatalogueTable(
            self.doc, model, "Export stops", "drawn once for all facilities and markets of the country",
            add=self.add_export_stop, remove=self._remover("export_stops", name), chooser=self.country_chooser,
            chooser_label="Country")
        self.tabs.addTab(self.tables["export_stops"], "Export stops")

    def _build_surge_table(self) -> None:
        def name(o: Any) -> str:
            return f"{material_label(o.product.value)} demand surge"

        def factor(attr: str, header: str) -> FieldSpec:
            return FieldSpec(attr, header, "float", width=70, extra={"word": f"{attr} factor"},
                             tooltip="defense demand is multiplied by a triangular (low, mode, high) factor, 1-10")

        def columns(_p: Project) -> list[FieldSpec]:
            rate = rate_columns()
            return [FieldSpec("id", "Id", width=120, extra={"word": "id"}),
                    FieldSpec("product", "Product", "enum", PRODUCTS, width=120, extra={"word": "product"}),
                    rate[0], rate[1], factor("low", "Low\n(x)"), factor("mode", "Mode\n(x)"),
                    factor("high", "High\n(x)"), *rate[2:]]

        model = self._model(lambda: self._list("demand_surges"), columns, name)
        self.product_chooser = QComboBox()
        for p in PRODUCTS:
            self.product_chooser.addItem(material_label(p.value), p.value)
        self.tables["demand_surges"] = CatalogueTable(
            self.doc, model, "Defense demand surges", "defense demand of a product x a triangular factor",
            add=self.add_surge, remove=self._remover("demand_surges", name), chooser=self.product_chooser,
            chooser_label="Product")
        self.tabs.addTab(self.tables["demand_surges"], "Demand surges")

    def slip_place(self, slip: Any) -> tuple[Any, str, str] | None:
        """(its SlipRates or FacilitySlips, kind, what it applies to) of a slip row (by identity)."""
        cat = self.catalogue()
        if cat is None:
            return None
        for stage, rates in cat.slips_by_stage.items():
            for kind in SLIP_KINDS:
                if getattr(rates, kind) is slip:
                    return rates, kind, f"{stage_label(stage.value)} (every plant)"
        for fs in cat.facility_slips:
            for kind in SLIP_KINDS:
                if getattr(fs, kind) is slip:
                    return fs, kind, facility_name(self.project, fs.facility_id)
        return None

    def _slip_rows(self) -> list:
        """Stage defaults (in stage order), then facilities' own slips, each kind a row."""
        cat = self.catalogue()
        if cat is None:
            return []
        owners = [cat.slips_by_stage[st] for st in Stage if st in cat.slips_by_stage] + list(cat.facility_slips)
        return [getattr(o, k) for o in owners for k in SLIP_KINDS if getattr(o, k) is not None]

    def _build_slip_table(self) -> None:
        def name(slip: Any) -> str:
            place = self.slip_place(slip)
            return f"{place[2]} {SLIP_LABEL[place[1]]} slip" if place else "slip"

        def applies_to(slip: Any) -> str:
            place = self.slip_place(slip)
            return place[2] if place else ""

        def kind_of(slip: Any) -> str:
            place = self.slip_place(slip)
            return SLIP_LABEL[place[1]] if place else ""

        def columns(_p: Project) -> list[FieldSpec]:
            return [FieldSpec("applies_to", "Applies to", "custom", readonly=True, width=230, parse_as="text",
                              get=applies_to, tooltip="a stage's default, or a facility's own (which overrides it)"),
                    FieldSpec("kind", "Slip of", "custom", readonly=True, width=100, parse_as="text",
                              get=kind_of,
                              tooltip="new circuit: element_online_year; ramp-up: extra years at the ramp share; "
                                      "qualification: extra years before defense buyers accept the output"),
                    FieldSpec("probability", "Probability\n(once per future, 0-1)", "float", width=125,
                              tooltip="the chance that it slips at all in a future", extra={"word": "probability"}),
                    FieldSpec("extra_years", "Extra years\n(years: probability)", "custom", width=150,
                              parse_as="text", get=lambda o: fmt_distribution(o.extra_years),
                              to_field=lambda o, t: parse_distribution(t), extra={"word": "extra years"},
                              tooltip=f"how late when it slips: {DURATION_HINT}; 0 years allowed"),
                    *rate_columns()[2:]]

        model = self._model(self._slip_rows, columns, name)
        self.slip_chooser = QComboBox()
        self.slip_chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.slip_chooser.setMinimumContentsLength(30)
        self.tables["slips"] = CatalogueTable(
            self.doc, model, "Slips", "once per future, a new circuit, a ramp-up or a qualification comes late",
            add=self.add_slip, remove=self.remove_slip, chooser=self.slip_chooser, chooser_label="Slip")
        self.tabs.addTab(self.tables["slips"], "Slips")

    def _slip_choices(self) -> list[tuple[str, str]]:
        """(text, "stage:STAGE:KIND" or "facility:ID:KIND") of the slips not in the catalogue yet;
        facilities only where the slip can change something in the horizon."""
        cat = self.catalogue()
        if cat is None:
            return []
        out = []
        for st in Stage:
            rates = cat.slips_by_stage.get(st)
            for kind in SLIP_KINDS:
                if (kind != "circuit" or st is Stage.SEPARATION) and (rates is None or getattr(rates, kind) is None):
                    out.append((f"{stage_label(st.value)} (every plant): {SLIP_LABEL[kind]}",
                                f"stage:{st.value}:{kind}"))
        own = {fs.facility_id: fs for fs in cat.facility_slips}
        for f in sorted(self.project.facilities, key=lambda f: (f.name or f.id).lower()):
            for kind in SLIP_KINDS:
                if (f.id not in own or getattr(own[f.id], kind) is None) and can_slip(f, kind, self.project.settings):
                    out.append((f"{f.name or f.id}: {SLIP_LABEL[kind]}", f"facility:{f.id}:{kind}"))
        return out

    def add_slip(self, choice: Any) -> str | None:
        """A slip row with probability 0 and source "assumed" for the stage or facility chosen."""
        cat = self.catalogue()
        if cat is None or not choice:
            return None
        scope, key, kind = str(choice).split(":")
        slip = Slip(probability=0.0, source="assumed")
        if scope == "stage":
            stage = Stage(key)
            rates = dict(cat.slips_by_stage)
            old = rates.get(stage)
            rates[stage] = old.model_copy(update={kind: slip}) if old is not None else SlipRates(**{kind: slip})
            return self._set(cat, "slips_by_stage", rates, f"Add {stage_label(key)} {SLIP_LABEL[kind]} slip")
        label = f"Add {facility_name(self.project, key)} {SLIP_LABEL[kind]} slip"
        entry = next((fs for fs in cat.facility_slips if fs.facility_id == key), None)
        if entry is not None:
            return self._set(entry, kind, slip, label)
        return self._insert(cat, "facility_slips", FacilitySlips(facility_id=key, **{kind: slip}), label)

    def remove_slip(self, slip: Any) -> str | None:
        """Remove one slip row: its kind leaves the stage's or facility's entry (the entry goes
        when nothing is left in it)."""
        cat, place = self.catalogue(), self.slip_place(slip)
        if cat is None or place is None:
            return None
        owner, kind, _ = place
        label = f"Remove {place[2]} {SLIP_LABEL[kind]} slip"
        left = [k for k in SLIP_KINDS if k != kind and getattr(owner, k) is not None]
        if isinstance(owner, FacilitySlips):
            return self._set(owner, kind, None, label) if left else self._remove(cat, "facility_slips", owner, label)
        rates = {st: (r.model_copy(update={kind: None}) if r is owner else r) for st, r in cat.slips_by_stage.items()
                 if r is not owner or left}
        return self._set(cat, "slips_by_stage", rates, label)

    def _build_licence_page(self) -> None:
        def state_name(s: Any) -> str:
            return f"licence state {s.id}"

        def caps_text(s: Any) -> str:
            return "; ".join(f"{c.origin_country} {material_label(c.material.value) if c.material else 'all'}: "
                             f"{fmt_number(c.cap_tpy)} t/yr" for c in s.caps) or "no caps"

        def state_columns(_p: Project) -> list[FieldSpec]:
            return [FieldSpec("id", "Id", width=110, extra={"word": "id"}),
                    FieldSpec("name", "Name", width=190, extra={"word": "name"}),
                    FieldSpec("probability", "Probability\n(0-1)", "float", width=90, extra={"word": "probability"},
                              tooltip="the share of futures in this state; the states' probabilities add up to 1 "
                                      "(change two at once under State probabilities)"),
                    FieldSpec("caps", "Market caps", "custom", readonly=True, width=220, get=caps_text,
                              parse_as="text", tooltip="edit them in the table below (the state selected)")]

        def cap_name(c: Any) -> str:
            what = material_label(c.material.value) if c.material else "every material"
            return f"cap on {what} from {c.origin_country}"

        def cap_columns(_p: Project) -> list[FieldSpec]:
            return [FieldSpec("origin_country", "Origin", "country", width=170, extra={"word": "origin"}),
                    FieldSpec("material", "Material", "opt_enum", list(Material), width=140,
                              placeholder="every material", extra={"word": "material"}),
                    FieldSpec("cap_tpy", "Cap\n(t/yr)", "float", width=80, extra={"word": "cap"},
                              tooltip="most tonnes per year bought from markets of that origin (0: none)")]

        def probabilities_text(r: Any) -> str:
            return ", ".join(f"{s.id}: {fmt_number(s.probability)}" for s in r.states)

        def new_states(r: Any, text: Any) -> list:
            given: dict[str, float] = {}
            for part in parse_list(text):
                if ":" not in part:
                    raise ValueError(f"{part!r}: write state: probability, e.g. strict: 0.3, open: 0.7")
                sid, p = part.split(":", 1)
                given[sid.strip()] = parse_float(p)  # type: ignore[assignment]
            unknown = sorted(set(given) - {s.id for s in r.states})
            if unknown:
                raise ValueError(f"no state {', '.join(unknown)}; the states are {', '.join(s.id for s in r.states)}")
            out = []
            for s in r.states:
                p = given.get(s.id, s.probability)
                if not 0 <= p <= 1:
                    raise ValueError(f"the probability of {s.id} must be between 0 and 1")
                out.append(s.model_copy(update={"probability": p}, deep=True))  # own caps lists
            return out

        self.regime_form = BoundForm(self.doc, [
            FieldSpec("from_year", "From year", "int", tooltip="the year from which one state holds per future"),
            FieldSpec("states", "State probabilities", "custom", get=probabilities_text, to_field=new_states,
                      parse_as="text", tooltip="state: probability for every state at once; they add up to 1"),
            FieldSpec("source", "Source", tooltip=SOURCE_HINT),
            _opt_text("group", "Group", "drawn together with the other events of the group", "group"),
            FieldSpec("notes", "Notes"),
        ], self.regime)
        self.add_regime_button = QPushButton("Add a licence regime")
        self.add_regime_button.setToolTip("One state, 'open' with probability 1, from the compliance year; "
                                          "add states and caps below")
        self.add_regime_button.clicked.connect(self.add_regime)
        self.remove_regime_button = QPushButton("Remove the licence regime")
        self.remove_regime_button.clicked.connect(self.remove_regime)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(4, 4, 4, 4)
        ll.addWidget(QLabel("<b>China's licence regime</b> <span style='color:#666'>one state per future, "
                            "from the year on</span>"))
        ll.addWidget(self.regime_form)
        rb = QHBoxLayout()
        rb.addWidget(self.add_regime_button)
        rb.addWidget(self.remove_regime_button)
        rb.addStretch(1)
        ll.addLayout(rb)
        ll.addStretch(1)

        states_model = self._model(lambda: self.regime().states if self.regime() else [], state_columns, state_name)
        self.tables["states"] = CatalogueTable(
            self.doc, states_model, "Licence states", "", add=self.add_state, remove=self.remove_state)
        caps_model = self._model(lambda: self.selected_state().caps if self.selected_state() else [], cap_columns,
                                 cap_name)
        self.tables["caps"] = CatalogueTable(
            self.doc, caps_model, "Market caps of the state selected", "", add=self.add_cap, remove=self.remove_cap)
        self.tables["states"].view.selectionModel().currentRowChanged.connect(lambda *_: self._state_selected())
        states_model.modelReset.connect(self._state_selected)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.tables["states"])
        right.addWidget(self.tables["caps"])
        right.setChildrenCollapsible(False)
        page = QSplitter(Qt.Orientation.Horizontal)
        page.addWidget(left)
        page.addWidget(right)
        page.setStretchFactor(0, 1)
        page.setStretchFactor(1, 2)
        page.setSizes([330, 660])
        page.setChildrenCollapsible(False)
        self.licence_page = page
        self.tabs.addTab(page, "Licence regime")

    def _build_status_table(self) -> None:
        risk = lambda: self.project.settings.risk  # noqa: E731

        def delay_target(status: Status, value: dict) -> tuple[Any, str, Any]:
            delays = dict(risk().delay_years)
            delays[status] = value
            return risk(), "delay_years", delays

        def overrun(attr: str, header: str) -> FieldSpec:
            def get(status: Status) -> Any:
                o = risk().capex_overrun.get(status)
                return getattr(o, attr) if o is not None else None

            def target(status: Status, v: float) -> tuple[Any, str, Any]:
                o = risk().capex_overrun.get(status)
                if o is not None:
                    return o, attr, v
                overruns = dict(risk().capex_overrun)
                overruns[status] = {"low": v, "mode": v, "high": v}
                return risk(), "capex_overrun", overruns

            return FieldSpec(attr, header, "custom", get=get, parse_as="float", width=90, placeholder="-",
                             tooltip="capex x a triangular (low, mode, high) factor",
                             extra={"word": f"overrun {attr}", "target": target})

        def columns(_p: Project) -> list[FieldSpec]:
            return [FieldSpec("status", "Project status", "custom", readonly=True, get=lambda s: s.value,
                              parse_as="text", width=130),
                    FieldSpec("delay_years", "Commissioning delay\n(years: probability)", "custom", width=230,
                              parse_as="text", get=lambda s: fmt_distribution(risk().delay_years.get(s)),
                              to_field=lambda s, t: parse_distribution(t), placeholder="-",
                              tooltip=f"delay of the online year: {DURATION_HINT}; 0 = on time",
                              extra={"word": "commissioning delay", "target": delay_target}),
                    overrun("low", "Capex overrun\nlow (x)"), overrun("mode", "Capex overrun\nmode (x)"),
                    overrun("high", "Capex overrun\nhigh (x)")]

        model = self._model(lambda: list(Status), columns, lambda s: f"{s.value} projects", checked=False)
        self.tables["statuses"] = CatalogueTable(
            self.doc, model, "Delays and overruns by project status",
            "drawn for every project not yet operating, with or without a catalogue")
        self.tabs.addTab(self.tables["statuses"], "Delays and overruns")

    # ------------------------------------------------------------ navigation
    def reveal(self, location: str) -> bool:
        """Show what a problem location such as ``settings.risk.catalogue.facility_outages[0].facility_id``
        or ``settings.risk.delay_years.planned`` points at: its page, and its row and column selected."""
        steps = parse_location(location)
        names = [s.name for s in steps]
        if names[:2] != ["settings", "risk"]:
            return False
        if len(steps) > 2 and steps[2].name in ("delay_years", "capex_overrun"):
            self.tabs.setCurrentWidget(self.tables["statuses"])
            return True
        if len(steps) < 4 or steps[2].name != "catalogue":
            self.window_form.setFocus()
            return True
        head = steps[3]
        if head.name == "licence_regime":
            self.tabs.setCurrentWidget(self.licence_page)
            if len(steps) > 4 and steps[4].name == "states" and steps[4].index is not None:
                self._select(self.tables["states"], steps[4].index, steps[5].name if len(steps) > 5 else "")
            return True
        if head.name in ("slips_by_stage", "facility_slips"):
            return self._reveal_slip(steps)
        table = self.tables.get(head.name)
        if table is None:
            return False
        self.tabs.setCurrentWidget(table)
        if head.name == "outage_by_stage" and len(steps) > 4:
            keys = [s.value for s in self.catalogue().outage_by_stage] if self.catalogue() else []
            row = keys.index(steps[4].name) if steps[4].name in keys else -1
            return self._select(table, row, steps[5].name if len(steps) > 5 else "")
        if head.index is not None:
            return self._select(table, head.index, steps[4].name if len(steps) > 4 else "")
        return True

    def _reveal_slip(self, steps: list) -> bool:
        """``slips_by_stage.STAGE.KIND.field`` or ``facility_slips[i].KIND.field``: the Slips row."""
        cat, table = self.catalogue(), self.tables["slips"]
        self.tabs.setCurrentWidget(table)
        if cat is None:
            return True
        head, rest = steps[3], steps[4:]
        owner = None
        if head.name == "facility_slips" and head.index is not None and head.index < len(cat.facility_slips):
            owner = cat.facility_slips[head.index]
        elif head.name == "slips_by_stage" and rest:
            owner = next((r for st, r in cat.slips_by_stage.items() if st.value == rest[0].name), None)
            rest = rest[1:]
        slip = getattr(owner, rest[0].name, None) if owner is not None and rest and rest[0].name in SLIP_KINDS \
            else None
        rows = table.model.items()
        row = next((i for i, x in enumerate(rows) if x is slip), -1)
        return self._select(table, row, rest[1].name if len(rest) > 1 else "") if row >= 0 else True

    @staticmethod
    def _select(table: CatalogueTable, row: int, attr: str) -> bool:
        if not 0 <= row < table.model.rowCount():
            return False
        column = max(0, table.model.column_of(attr)) if attr else 0
        table.view.setCurrentIndex(table.model.index(row, column))
        table.view.setFocus()
        return True

    # ------------------------------------------------------------ refresh
    def _changed(self, *_: Any) -> None:
        """Refresh now when shown; else once, when next shown (about 2 ms a refresh on the real sample,
        and deleting facilities elsewhere is one change per route)."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self, *_: Any) -> None:
        """Choosers, enabled state, tab titles, summary: after any change of the project."""
        self._stale = False
        cat = self.catalogue()
        has = cat is not None
        self.create_button.setVisible(not has)
        self.drop_button.setVisible(has)
        for key in ("outage_by_stage", "facility_outages", "export_stops", "demand_surges", "slips"):
            self.tables[key].setEnabled(has)
        self.licence_page.setEnabled(has)
        regime = self.regime()
        self.add_regime_button.setVisible(has and regime is None)
        self.remove_regime_button.setVisible(regime is not None)
        for key in ("states", "caps"):
            self.tables[key].setEnabled(regime is not None)
        self.window_form.reload()
        self.regime_form.reload()
        self._fill_choosers()
        self._retitle()
        self.summary.setText(self.summary_text())

    def _state_selected(self) -> None:
        self.tables["caps"].model.rebind()
        s = self.selected_state()
        self.tables["caps"].title.setText(f"<b>Market caps of licence state {s.id}</b> <span style='color:#666'>"
                                          f"purchases from the origin capped (t/yr)</span>" if s is not None
                                          else "<b>Market caps</b>")

    def _fill(self, combo: QComboBox, items: list[tuple[str, Any]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        i = combo.findData(current)
        combo.setCurrentIndex(i if i >= 0 else 0)
        combo.blockSignals(False)

    def _fill_choosers(self) -> None:
        cat = self.catalogue()
        have_stage = set(cat.outage_by_stage) if cat is not None else set()
        self._fill(self.stage_chooser, [(stage_label(s.value), s.value) for s in Stage if s not in have_stage])
        have_fac = {o.facility_id for o in cat.facility_outages} if cat is not None else set()
        facs = sorted((f for f in self.project.facilities if f.id not in have_fac),
                      key=lambda f: (f.name or f.id).lower())
        self._fill(self.facility_chooser, [(f.name or f.id, f.id) for f in facs])
        for i, f in enumerate(facs):
            self.facility_chooser.setItemData(i, f"id {f.id}", Qt.ItemDataRole.ToolTipRole)
        have_c = {e.country for e in cat.export_stops} if cat is not None else set()
        mine = {f.country for f in self.project.facilities} | {m.origin_country for m in self.project.markets}
        own = sorted(mine - have_c, key=lambda c: COUNTRIES.get(c, c))  # the project's countries first
        rest = sorted(set(COUNTRIES) - have_c - set(own), key=lambda c: COUNTRIES[c])
        self._fill(self.country_chooser, [(country_label(c), c) for c in own + rest])
        self._fill(self.slip_chooser, self._slip_choices())
        for combo, what, table in ((self.stage_chooser, "stage", "outage_by_stage"),
                                   (self.facility_chooser, "facility", "facility_outages"),
                                   (self.country_chooser, "country", "export_stops"),
                                   (self.slip_chooser, "slip", "slips")):
            combo.setEnabled(combo.count() > 0)
            self.tables[table].add_button.setEnabled(combo.count() > 0)
            combo.setToolTip(f"the {what} of the row Add creates" if combo.count() else f"every {what} has a row")

    def _retitle(self) -> None:
        cat = self.catalogue()
        n = (lambda attr: len(getattr(cat, attr)) if cat is not None else 0)
        states = len(cat.licence_regime.states) if cat is not None and cat.licence_regime else 0
        titles = [f"Outages by stage ({n('outage_by_stage')})", f"Facility outages ({n('facility_outages')})",
                  f"Export stops ({n('export_stops')})", f"Licence regime ({count(states, 'state')})",
                  f"Demand surges ({n('demand_surges')})", f"Slips ({len(self._slip_rows())})", "Delays and overruns"]
        for i, t in enumerate(titles):
            self.tabs.setTabText(i, t)

    def summary_text(self) -> str:
        """One line: what the catalogue holds, its window, and how many entries are only assumed."""
        cat = self.catalogue()
        if cat is None:
            return ("No risk catalogue: a risk run draws commissioning delays and capex overruns only "
                    "(Delays and overruns). Create one to add outages, export stops, China's licence regime, "
                    "demand surges and slips.")
        settings = self.project.settings
        first, last = cat.first_year or settings.start_year, cat.last_year or settings.end_year
        entries = [*cat.outage_by_stage.values(), *cat.facility_outages, *cat.export_stops, *cat.demand_surges,
                   *self._slip_rows()]
        if cat.licence_regime is not None:
            entries.append(cat.licence_regime)
        assumed = sum(is_assumed(e.source) for e in entries)
        return (f"Events may start {first}-{last}. {count(len(entries), 'entry', 'entries')}, "
                f"{assumed} of them assumed and {len(entries) - assumed} with a cited source.")

    # ------------------------------------------------------------ add / remove
    def _set(self, obj: Any, field: str, value: Any, label: str) -> str | None:
        refusal = field_refusal(self.catalogue(), obj, field, value)
        return refusal or self.doc.set_field(obj, field, value, label)

    def _insert(self, owner: Any, attr: str, item: Any, label: str) -> str | None:
        items = getattr(owner, attr)
        refusal = insert_refusal(self.catalogue(), items, len(items), item)
        if refusal:
            return refusal
        self.doc.insert_item(owner, attr, item, text=label)
        return None

    def _remove(self, owner: Any, attr: str, item: Any, label: str) -> str | None:
        items = getattr(owner, attr)
        index = next(i for i, x in enumerate(items) if x is item)
        refusal = remove_refusal(self.catalogue(), items, index)
        if refusal:
            return f"{label} refused: {refusal}"
        self.doc.remove_item(owner, attr, index, text=label)
        return None

    def _remover(self, attr: str, name: Callable[[Any], str]) -> Callable[[Any], str | None]:
        return lambda item: self._remove(self.catalogue(), attr, item, f"Remove {name(item)}")

    def create_catalogue(self) -> None:
        self.doc.set_field(self.project.settings.risk, "catalogue", RiskCatalogue(), "Create the risk catalogue")

    def remove_catalogue(self) -> None:
        self.doc.set_field(self.project.settings.risk, "catalogue", None, "Remove the risk catalogue")

    def add_stage_outage(self, stage: Any) -> str | None:
        cat = self.catalogue()
        if cat is None or not stage:
            return "every stage has an outage rate already" if cat is not None else None
        rates = dict(cat.outage_by_stage)
        rates[Stage(stage)] = OutageRate(annual_probability=0.0, source="assumed")
        return self._set(cat, "outage_by_stage", rates, f"Add {stage_label(stage)} outage")

    def remove_stage_outage(self, rate: Any) -> str | None:
        cat = self.catalogue()
        stage = _stage_of(cat, rate)
        if cat is None or stage is None:
            return None
        rates = {s: r for s, r in cat.outage_by_stage.items() if s is not stage}
        return self._set(cat, "outage_by_stage", rates, f"Remove {stage_label(stage.value)} outage")

    def add_facility_outage(self, facility_id: Any) -> str | None:
        """A facility's own outage rate, starting from its stage's (or 0), source "assumed"."""
        cat = self.catalogue()
        if cat is None or not facility_id:
            return "every facility has its own outage rate already" if cat is not None else None
        fac = self.project.facility(facility_id)
        base = cat.outage_by_stage.get(fac.stage) if fac is not None else None
        item = FacilityOutage(facility_id=facility_id, source="assumed",
                              annual_probability=base.annual_probability if base else 0.0,
                              duration=base.duration.model_copy(deep=True) if base else Duration())
        return self._insert(cat, "facility_outages", item, f"Add {facility_name(self.project, facility_id)} outage")

    def add_export_stop(self, country: Any) -> str | None:
        cat = self.catalogue()
        if cat is None or not country:
            return None
        item = ExportStop(country=country, annual_probability=0.0, source="assumed")
        return self._insert(cat, "export_stops", item, f"Add {COUNTRIES.get(country, country)} export stop")

    def add_surge(self, product: Any) -> str | None:
        cat = self.catalogue()
        if cat is None or not product:
            return None
        sid = unique_id(f"{product}_surge", {s.id for s in cat.demand_surges})
        item = DemandSurge(id=sid, product=Material(product), annual_probability=0.0, source="assumed")
        return self._insert(cat, "demand_surges", item, f"Add {material_label(product)} demand surge")

    def add_regime(self) -> None:
        cat = self.catalogue()
        if cat is None:
            return
        regime = LicenceRegime(from_year=self.project.settings.compliance_start_year, source="assumed",
                               states=[LicenceState(id="open", name="licences granted", probability=1.0)])
        self._set(cat, "licence_regime", regime, "Add China's licence regime")

    def remove_regime(self) -> None:
        cat = self.catalogue()
        if cat is not None:
            self._set(cat, "licence_regime", None, "Remove China's licence regime")

    def add_state(self, _choice: Any = None) -> str | None:
        regime = self.regime()
        if regime is None:
            return None
        sid = unique_id("state", {s.id for s in regime.states})
        return self._insert(regime, "states", LicenceState(id=sid, name="new state", probability=0.0),
                            f"Add licence state {sid}")

    def remove_state(self, state: Any) -> str | None:
        regime = self.regime()
        if regime is None:
            return None
        refusal = self._remove(regime, "states", state, f"Remove licence state {state.id}")
        if refusal and "add up to 1" in refusal:
            refusal += f". Set its probability to 0 first (give its {fmt_number(state.probability)} to another state)"
        return refusal

    def add_cap(self, _choice: Any = None) -> str | None:
        state = self.selected_state()
        if state is None:
            return None
        return self._insert(state, "caps", MarketCap(origin_country="CN", cap_tpy=0.0),
                            f"Add a market cap to licence state {state.id}")

    def remove_cap(self, cap: Any) -> str | None:
        state = self.selected_state()
        if state is None:
            return None
        return self._remove(state, "caps", cap, f"Remove a market cap of licence state {state.id}")


__all__ = ["RiskCatalogueEditor", "fmt_distribution", "parse_distribution"]
