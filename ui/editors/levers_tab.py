"""The "Contracts and levers" tab: one table per kind of lever over ``project.levers``, and a
"Policy design" page (policy mode, government budget, margins; :mod:`ui.editors.policy_form`) and the
two tables of levers the optimizer may choose in policy mode (``levers.policy.candidate_floors``
and ``candidate_offtakes``; their owner is ``project.levers.policy``). Facilities are shown and
picked by name (the id is in the cell's tooltip).

Each table is a :class:`ui.editors.table_models.ListTableModel` whose owner is ``project.levers``, so every
edit, addition and deletion is an undo command like any other table's. By-year fields are typed
as ``year: value`` lists (e.g. ``2026: 70000, 2028: 90000``).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from models.project import (
    CandidateFloor,
    GovStockpile,
    Grant,
    GuaranteedOfftake,
    ImportLicence,
    Loan,
    Offtake,
    PriceFloor,
    Project,
)
from models.vocab import DEMAND_PRODUCTS, Material, Segment
from ui.document.document import Document, unique_id
from ui.document.fields import FieldSpec, enum_value
from ui.document.locations import parse_location
from ui.document.names import facility_name
from ui.document.plain import plain_refusal
from ui.editors.policy_form import PolicyDesignPage
from ui.editors.table_models import ListTableModel
from ui.editors.table_views import ListEditor

PRODUCTS = sorted(DEMAND_PRODUCTS, key=list(Material).index)
PAYERS = ["government", "industry"]


def _years(attr: str, header: str, unit: str) -> FieldSpec:
    return FieldSpec(attr, header, "mapping", width=170, tooltip=f"year: {unit}, e.g. 2026: 70000, 2028: 90000")


def facility_by_name(project: Project, tooltip: str = "") -> FieldSpec:
    """The ``facility_id`` column shown and picked by facility name (the id in the tooltip)."""
    return FieldSpec("facility_id", "Facility", "ref", width=220, show=lambda o: facility_name(project, o.facility_id),
                     tooltip=tooltip, extra={"by_name": True})


def offtake_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", width=140), FieldSpec("name", "Name", width=200),
        facility_by_name(project),
        FieldSpec("material", "Material", "enum", PRODUCTS, width=110),
        FieldSpec("segment", "Buyer\nsegment", "opt_enum", list(Segment), placeholder="any",
                  tooltip="deliveries to demand of this segment count; empty: any buyer, incl. route shipments"),
        FieldSpec("buyer", "Payer", "enum", PAYERS, tooltip="who pays price x tonnes taken"),
        FieldSpec("min_tpy", "Min\n(t/yr)", "float", tooltip="take-or-pay minimum the plan must take"),
        _years("min_tpy_by_year", "Min by year\n(t)", "t (overrides Min)"),
        FieldSpec("max_tpy", "Max\n(t/yr)", "opt_float", placeholder="unlimited"),
        FieldSpec("price_usd_per_t", "Price\n($/t)", "float"),
        FieldSpec("first_year", "First\nyear", "opt_int", placeholder="any"),
        FieldSpec("last_year", "Last\nyear", "opt_int", placeholder="any"),
        FieldSpec("recycled_feed", "Recycled\nfeed", "bool",
                  tooltip="only tonnes made from recycled feed count (e.g. Apple's recycled-magnet commitment): "
                          "taken <= output per t of input x recycled input"),
    ]


def price_floor_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", width=150), FieldSpec("name", "Name", width=220),
        facility_by_name(project),
        FieldSpec("material", "Material", "enum", PRODUCTS, width=110),
        FieldSpec("floor_usd_per_t", "Floor\n($/t)", "float"),
        _years("benchmark_usd_per_t_by_year", "Benchmark by year\n($/t)", "$/t"),
        FieldSpec("first_year", "First\nyear", "opt_int", placeholder="any"),
        FieldSpec("last_year", "Last\nyear", "opt_int", placeholder="any"),
    ]


def candidate_floor_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", width=150), FieldSpec("name", "Name", width=240),
        facility_by_name(project, "the producer whose sales the floor may cover"),
        FieldSpec("material", "Material", "enum", PRODUCTS, width=110),
        FieldSpec("floor_usd_per_t", "Floor\n($/t)", "float"),
        _years("benchmark_usd_per_t_by_year", "Benchmark by year\n($/t)", "$/t"),
        FieldSpec("max_tpy", "Max\n(t/yr)", "opt_float", placeholder="unlimited",
                  tooltip="most tonnes per year the optimizer may put under the floor; empty: up to what is sold"),
        FieldSpec("first_year", "First\nyear", "opt_int", placeholder="any"),
        FieldSpec("last_year", "Last\nyear", "opt_int", placeholder="any"),
    ]


def candidate_offtake_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", width=150), FieldSpec("name", "Name", width=240),
        facility_by_name(project, "the producer whose output the government may guarantee to buy"),
        FieldSpec("material", "Material", "enum", PRODUCTS, width=110),
        FieldSpec("segment", "Buyer\nsegment", "opt_enum", list(Segment), placeholder="any",
                  tooltip="deliveries to demand of this segment count; empty: any buyer, incl. route shipments"),
        FieldSpec("price_usd_per_t", "Price\n($/t)", "float", tooltip="what the government pays per tonne"),
        _years("benchmark_usd_per_t_by_year", "Benchmark by year\n($/t)", "$/t"),
        FieldSpec("max_tpy", "Max\n(t/yr)", "opt_float", placeholder="unlimited",
                  tooltip="most tonnes per year the optimizer may guarantee"),
        FieldSpec("first_year", "First\nyear", "opt_int", placeholder="any"),
        FieldSpec("last_year", "Last\nyear", "opt_int", placeholder="any"),
    ]


def grant_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", width=150), FieldSpec("name", "Name", width=260),
        FieldSpec("option_id", "Option", width=180, tooltip="expansion option id"),
        FieldSpec("share", "Share of\ncapex (0-1)", "float"),
        FieldSpec("amount_musd", "Amount\n($M)", "float", tooltip="paid when a yes/no option is built"),
    ]


def loan_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", width=150), FieldSpec("name", "Name", width=260),
        FieldSpec("option_id", "Option", width=160, placeholder="-", tooltip="the option it finances, or empty"),
        FieldSpec("facility_id", "Facility", width=140, placeholder="-", tooltip="an existing facility, or empty"),
        FieldSpec("amount_musd", "Amount\n($M)", "float"),
        FieldSpec("rate", "Rate\n(0-1)", "float"),
        FieldSpec("term_years", "Term\n(yr)", "int"),
        FieldSpec("year", "Draw\nyear", "opt_int", placeholder="decision year"),
    ]


def licence_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", width=150), FieldSpec("name", "Name", width=260),
        FieldSpec("origin_country", "Exporter", "country", width=150),
        FieldSpec("segment", "Buyer\nsegment", "enum", list(Segment)),
        FieldSpec("cap_tpy", "Cap\n(t/yr)", "float"),
        FieldSpec("first_year", "First\nyear", "opt_int", placeholder="any"),
        FieldSpec("last_year", "Last\nyear", "opt_int", placeholder="any"),
    ]


def stockpile_columns(project: Project) -> list[FieldSpec]:
    return [
        FieldSpec("id", "Id", width=130), FieldSpec("name", "Name", width=220),
        FieldSpec("material", "Material", "enum", PRODUCTS, width=110),
        FieldSpec("capacity_t", "Capacity\n(t)", "float"),
        FieldSpec("initial_t", "Initial\n(t)", "float"),
        FieldSpec("holding_usd_per_t_yr", "Holding\n($/t/yr)", "float"),
        FieldSpec("purchase_price_usd_per_t", "Purchase\n($/t)", "float"),
        _years("committed_t_by_year", "Committed buys\n(t by year)", "t"),
        FieldSpec("max_buy_tpy", "Max buy\n(t/yr)", "opt_float", placeholder="unlimited"),
    ]


#: field names inside cross-field messages, in words ("last_year must be >= first_year")
_LABELS = {"first_year": "First year", "last_year": "Last year", "min_tpy": "Min (t/yr)", "max_tpy": "Max (t/yr)",
           "initial_t": "Initial (t)", "capacity_t": "Capacity (t)", "option_id": "Option", "facility_id": "Facility"}


def explain_refusal(message: str, spec: FieldSpec, obj: Any, typed: Any) -> str:
    """A refused cell in plain words, what was typed and what stays, e.g. "Floor ($/t) cannot be
    negative. -5 was not stored; it stays 110,000."."""
    label = spec.header.replace("\n", " ")
    if spec.attr.endswith("_by_year"):
        message = message.replace("write name: value, e.g. ndpr: 0.06", "write year: value, e.g. 2026: 70000")
    text = plain_refusal(message.replace(f"{spec.header.splitlines()[0]}: ", f"{spec.attr}: ", 1), label, _LABELS)
    shown = "yes" if typed is True else "no" if typed is False else (str(enum_value(typed)).strip() or "An empty value")
    old = spec.display(obj) or spec.placeholder_for(obj) or "empty"
    return f"{text}. {shown} was not stored; it stays {old}."


class LeversTab(QWidget):
    """One table per lever kind, in inner tabs; edits are undoable through the document."""

    message = Signal(str)

    def __init__(self, doc: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.tabs = QTabWidget()
        self.editors: dict[str, ListEditor] = {}
        first_facility = lambda: doc.project.facilities[0].id if doc.project.facilities else "facility"  # noqa: E731
        specs: list[tuple[str, str, Callable, Callable[[str], Any], str]] = [
            ("offtakes", "Offtakes", offtake_columns,
             lambda i: Offtake(id=i, name="New offtake", facility_id=first_facility(), material=Material.NDFEB_MAGNET),
             "take-or-pay: the plan must take at least Min t/yr from the facility"),
            ("price_floors", "Price floors", price_floor_columns,
             lambda i: PriceFloor(id=i, name="New price floor", facility_id=first_facility(),
                                  material=Material.NDPR_OXIDE, floor_usd_per_t=0.0),
             "government pays (floor - benchmark) x tonnes sold"),
            ("grants", "Grants", grant_columns, lambda i: Grant(id=i, name="New grant", option_id="option"),
             "government pays share x capex (+ amount) of a built option"),
            ("loans", "Loans", loan_columns,
             lambda i: Loan(id=i, name="New loan", facility_id=first_facility(), amount_musd=0.0,
                            year=doc.project.settings.start_year),
             "part of capex becomes an annuity; the government's cost is the subsidy"),
            ("import_licences", "Import licences", licence_columns,
             lambda i: ImportLicence(id=i, name="New licence cap", segment=Segment.DEFENSE, cap_tpy=0.0),
             "an exporter's licence cap per buyer segment and year"),
            ("stockpiles", "Government stockpiles", stockpile_columns,
             lambda i: GovStockpile(id=i, name="New stockpile", material=Material.SMCO_MAGNET, capacity_t=0.0),
             "buy clean tonnes, hold them, release them to defense demand"),
        ]
        for attr, title, columns, make, hint in specs:
            model = ListTableModel(doc, attr, columns, owner_for=lambda d: d.project.levers, explain=explain_refusal)
            editor = ListEditor(doc, model, title, self._maker(attr, make), hint=hint)
            editor.message.connect(self.message)
            self.editors[attr] = editor
            self.tabs.addTab(editor, title)
        self.policy = PolicyDesignPage(doc)
        self.policy.message.connect(self.message)
        self.tabs.addTab(self.policy, "Policy design")
        start = lambda: {doc.project.settings.start_year: 0.0}  # noqa: E731
        candidates: list[tuple[str, str, Callable, Callable[[str], Any], str]] = [
            ("candidate_floors", "Candidate floors", candidate_floor_columns,
             lambda i: CandidateFloor(id=i, name="New candidate floor", facility_id=first_facility(),
                                      material=Material.NDPR_OXIDE, floor_usd_per_t=0.0,
                                      benchmark_usd_per_t_by_year=start()),
             "policy mode: the optimizer picks the tonnes; government pays (floor - benchmark) x t"),
            ("candidate_offtakes", "Candidate offtakes", candidate_offtake_columns,
             lambda i: GuaranteedOfftake(id=i, name="New guaranteed offtake", facility_id=first_facility(),
                                         material=Material.NDFEB_MAGNET, price_usd_per_t=0.0,
                                         benchmark_usd_per_t_by_year=start()),
             "policy mode: the optimizer picks the tonnes; government pays (price - benchmark) x t"),
        ]
        for attr, title, columns, make, hint in candidates:
            model = ListTableModel(doc, attr, columns, owner_for=lambda d: d.project.levers.policy,
                                   explain=explain_refusal)
            editor = ListEditor(doc, model, title, self._maker(attr, make, policy=True), hint=hint)
            editor.message.connect(self.message)
            self.editors[attr] = editor
            self.tabs.addTab(editor, title)
        note = QLabel("Contracts and policy levers. Transfers (offtake payments, price-floor top-ups, grants, loan "
                      "subsidies) do not change the least-cost plan; volume commitments, licence caps and budgets do. "
                      "Results list each lever with its payer.")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(note)
        layout.addWidget(self.tabs)

    # ------------------------------------------------- validation problems
    #: the candidate tables' rows sit under ``levers.policy``
    POLICY_LISTS = ("candidate_floors", "candidate_offtakes")

    @classmethod
    def problem_cells(cls, problems: list, attr: str) -> dict[tuple[int, str], str]:
        """{(row, field): severity} of the problems located at ``levers.<attr>[row].<field>``
        (``levers.policy.<attr>[row].<field>`` for the candidate tables)."""
        depth = 2 if attr in cls.POLICY_LISTS else 1
        out: dict[tuple[int, str], str] = {}
        for p in problems:
            steps = parse_location(p.location)
            if len(steps) <= depth or steps[0].name != "levers" or (depth == 2 and steps[1].name != "policy"):
                continue
            head = steps[depth]
            if head.name == attr and head.index is not None:
                key = (head.index, steps[depth + 1].name if len(steps) > depth + 1 else "")
                if out.get(key) != "error":
                    out[key] = p.severity
        return out

    def set_problems(self, problems: list) -> None:
        """Tint the cells the validation panel's problems point at (as on the other tables)."""
        for attr, editor in self.editors.items():
            editor.model.set_problems(self.problem_cells(problems, attr))

    def _reveal_row(self, editor: ListEditor, steps: list, depth: int) -> bool:
        head = steps[depth]
        if head.index is None or not 0 <= head.index < editor.model.rowCount():
            return False
        self.tabs.setCurrentWidget(editor)
        column = editor.model.column_of(steps[depth + 1].name) if len(steps) > depth + 1 else 0
        editor.select_cell(head.index, max(column, 0))
        return True

    def reveal(self, location: str) -> bool:
        """Show what ``levers.offtakes[0].min_tpy`` / ``levers.policy.candidate_floors[0].facility_id``
        (a table cell) or ``levers.policy.hurdle_rate`` / ``levers.government_budget_total_musd`` /
        ``levers.policy.option_margins_usd_per_t.<id>`` (the policy page) points at; False when the
        location is not in this tab or no longer exists."""
        steps = parse_location(location)
        if len(steps) < 2 or steps[0].name != "levers":
            return False
        head = steps[1]
        editor = self.editors.get(head.name)
        if editor is not None and head.name not in self.POLICY_LISTS:
            return self._reveal_row(editor, steps, 1)
        if head.name == "policy" and len(steps) > 2 and steps[2].name in self.POLICY_LISTS:
            return self._reveal_row(self.editors[steps[2].name], steps, 2)
        self.tabs.setCurrentWidget(self.policy)
        if head.name == "policy":
            if len(steps) < 3:
                return True
            field = steps[2].name
            table = self.policy.tables.get(field)
            if table is not None and len(steps) > 3 and steps[3].name in table.keys():
                self.policy.focus_field(field)
                table.table.selectRow(table.keys().index(steps[3].name))
                return True
            return self.policy.focus_field(field)
        return self.policy.focus_field(head.name)

    def _maker(self, attr: str, make: Callable[[str], Any], policy: bool = False) -> Callable[[], Any]:
        def new() -> Any:
            owner = self.doc.project.levers.policy if policy else self.doc.project.levers
            taken = {x.id for x in getattr(owner, attr)}
            return make(unique_id(attr.rstrip("s"), taken))

        return new


__all__ = ["LeversTab"]
