"""Edits through the table models and the document: undo/redo, refusals, compound deletes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from models.project import Facility
from tests.ui.demo_project import demo_project
from ui.document.document import Document
from ui.editors.table_models import ListTableModel, demand_columns, facility_columns, route_columns


def _facility_model(doc: Document) -> ListTableModel:
    return ListTableModel(doc, "facilities", facility_columns)


def test_table_model_rows_are_the_domain_list_not_a_copy(qapp):
    doc = Document(demo_project())
    model = _facility_model(doc)
    assert model.rowCount() == len(doc.project.facilities) == 25
    assert model.item(3) is doc.project.facilities[3]
    col = model.column_of("name")
    assert model.data(model.index(1, col)) == "Mt Weld mine"
    assert model.headerData(model.column_of("capacity_tpy"), Qt.Orientation.Horizontal) == "Capacity\n(t/yr)"


def test_capacity_edit_through_set_data_then_undo_and_redo(qapp):
    doc = Document(demo_project())
    model = _facility_model(doc)
    mt_weld = doc.project.facilities[1]
    assert mt_weld.capacity_tpy == 12000
    index = model.index(1, model.column_of("capacity_tpy"))
    changed = []
    doc.inputs_changed.connect(changed.append)

    assert model.setData(index, "14,500") is True
    assert mt_weld.capacity_tpy == 14500.0
    assert model.data(index) == "14,500"
    assert doc.undo_stack.count() == 1 and doc.is_modified()
    assert changed == [doc.revision] and doc.revision == 1

    doc.undo_stack.undo()
    assert mt_weld.capacity_tpy == 12000.0
    assert model.data(index) == "12,000"
    assert not doc.is_modified()
    doc.undo_stack.redo()
    assert mt_weld.capacity_tpy == 14500.0
    assert doc.revision == 3  # edit, undo, redo: three input changes


def test_negative_capacity_is_refused_with_a_message_and_nothing_stored(qapp):
    doc = Document(demo_project())
    model = _facility_model(doc)
    messages: list[str] = []
    model.edit_rejected.connect(messages.append)
    index = model.index(0, model.column_of("capacity_tpy"))

    assert model.setData(index, "-5") is False
    assert doc.project.facilities[0].capacity_tpy == 45000
    assert doc.undo_stack.count() == 0 and not doc.is_modified() and doc.revision == 0
    # the field's label, not its internal name (capacity_tpy) or the validator's ">= 0"
    assert messages[0] == "Capacity (t/yr) cannot be negative"
    assert "Refused" in model.data(index, Qt.ItemDataRole.ToolTipRole)

    assert model.setData(index, "lots") is False  # not a number at all
    assert "'lots' is not a number" in messages[-1] and messages[-1].startswith("Capacity (t/yr)")
    assert doc.project.facilities[0].capacity_tpy == 45000 and doc.undo_stack.count() == 0


def test_cross_field_refusal_keeps_the_old_value(qapp):
    """closure_year before online_year fails a model-level validator: the old value stays."""
    doc = Document(demo_project())
    model = _facility_model(doc)
    eneabba = doc.project.facility("eneabba-refinery")
    row = model.row_of(eneabba)
    assert eneabba.online_year == 2027
    assert model.setData(model.index(row, model.column_of("closure_year")), "2026") is False
    assert eneabba.closure_year is None
    assert model.setData(model.index(row, model.column_of("closure_year")), "2040") is True
    assert eneabba.closure_year == 2040


def test_name_starting_with_equals_is_stored_verbatim(qapp):
    doc = Document(demo_project())
    model = _facility_model(doc)
    text = '=HYPERLINK("http://x","y")'
    assert model.setData(model.index(0, model.column_of("name")), text)
    assert doc.project.facilities[0].name == text
    assert model.data(model.index(0, model.column_of("name"))) == text


def test_pickers_parse_country_names_and_enum_values(qapp):
    doc = Document(demo_project())
    model = _facility_model(doc)
    assert model.setData(model.index(0, model.column_of("country")), "Australia")
    assert doc.project.facilities[0].country == "AU"
    assert model.setData(model.index(0, model.column_of("country")), "ca")
    assert doc.project.facilities[0].country == "CA"
    assert not model.setData(model.index(0, model.column_of("country")), "Atlantis")
    assert doc.project.facilities[0].country == "CA"
    assert model.setData(model.index(0, model.column_of("status")), "planned")
    assert doc.project.facilities[0].status.value == "planned"
    chk = model.index(0, model.column_of("chinese_technology"))
    assert model.setData(chk, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert doc.project.facilities[0].chinese_technology is True


def test_demand_year_cell_edits_one_year_and_empty_removes_it(qapp):
    doc = Document(demo_project())
    model = ListTableModel(doc, "demands", demand_columns)
    d = doc.project.demands[0]
    col = model.column_of("tonnes_by_year", 2030)
    assert model.headerData(col, Qt.Orientation.Horizontal) == "2030\n(t)"
    assert model.data(model.index(0, col)) == "1,400"
    assert model.setData(model.index(0, col), "2500")
    assert d.tonnes_by_year[2030] == 2500 and d.tonnes_by_year[2029] == 1300
    assert model.setData(model.index(0, col), "")
    assert 2030 not in d.tonnes_by_year
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert d.tonnes_by_year[2030] == 1400
    # a longer horizon adds year columns
    assert doc.set_field(doc.project.settings, "end_year", 2040) is None
    assert model.column_of("tonnes_by_year", 2040) > 0


def test_delete_facility_removes_its_routes_and_undo_restores_them(qapp):
    doc = Document(demo_project())
    routes_model = ListTableModel(doc, "routes", route_columns)
    p = doc.project
    kmp = p.facility("kmp")
    kmp_index = p.facilities.index(kmp)
    kmp_routes = [r for r in p.routes if "kmp" in (r.from_id, r.to_id)]
    assert len(kmp_routes) == 8
    before_routes = list(p.routes)

    doc.remove_facility(kmp)
    assert kmp not in p.facilities and len(p.facilities) == 24
    assert not [r for r in p.routes if "kmp" in (r.from_id, r.to_id)]
    assert routes_model.rowCount() == len(before_routes) - 8
    assert doc.undo_stack.count() == 1  # one undo step

    doc.undo_stack.undo()
    assert p.facilities[kmp_index] is kmp
    assert p.routes == before_routes and all(a is b for a, b in zip(p.routes, before_routes))
    assert routes_model.rowCount() == len(before_routes)
    doc.undo_stack.redo()
    assert kmp not in p.facilities


def test_add_facility_and_undo(qapp):
    doc = Document(demo_project())
    model = _facility_model(doc)
    f = Facility(id="new-mine", name="New mine", stage="mine")
    doc.add_facility(f)
    assert model.rowCount() == 26 and model.item(25) is f
    doc.undo_stack.undo()
    assert model.rowCount() == 25 and f not in doc.project.facilities


def test_renaming_a_facility_renames_its_routes_in_one_step(qapp):
    doc = Document(demo_project())
    model = _facility_model(doc)
    row = model.row_of(doc.project.facility("kmp"))
    assert model.setData(model.index(row, model.column_of("id")), "asm-kmp")
    assert sum(1 for r in doc.project.routes if "asm-kmp" in (r.from_id, r.to_id)) == 8
    assert not [r for r in doc.project.routes if "kmp" in (r.from_id, r.to_id)]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert sum(1 for r in doc.project.routes if "kmp" in (r.from_id, r.to_id)) == 8
    assert not model.setData(model.index(row, model.column_of("id")), "=bad id")  # id pattern


def test_modified_signal_follows_the_clean_state(qapp, tmp_path):
    doc = Document(demo_project())
    states: list[bool] = []
    doc.modified_changed.connect(states.append)
    doc.set_field(doc.project.facilities[0], "capacity_tpy", 1.0)
    doc.mark_saved(str(tmp_path / "x.m2m.json"))
    doc.set_field(doc.project.facilities[0], "capacity_tpy", 2.0)
    doc.undo_stack.undo()
    assert states == [True, False, True, False]
    assert doc.path == str(tmp_path / "x.m2m.json")


def test_result_goes_out_of_date_when_inputs_change(qapp):
    doc = Document(demo_project())
    doc.set_result(object())
    assert not doc.result_is_stale
    doc.set_field(doc.project.facilities[0], "capacity_tpy", 1.0)
    assert doc.result_is_stale
    doc.set_result(object(), doc.revision)
    assert not doc.result_is_stale


def test_demand_priority_is_editable_undoable_and_range_checked(qapp):
    """Empty = by segment; 1-9 accepted; 0 refused with nothing stored; undo restores empty."""
    doc = Document(demo_project())
    model = ListTableModel(doc, "demands", demand_columns)
    col = model.column_of("priority")
    d = doc.project.demands[0]
    assert d.priority is None and model.headerData(col, Qt.Orientation.Horizontal) == "Priority"
    assert model.setData(model.index(0, col), "3")
    assert d.priority == 3 and d.effective_priority == 3
    assert not model.setData(model.index(0, col), "0")
    assert d.priority == 3
    doc.undo_stack.undo()
    assert d.priority is None and d.effective_priority == (1 if d.segment.value == "defense" else 2)


def test_renaming_a_facility_renames_every_reference_to_it_in_one_step(qapp):
    """The real sample's Mountain Pass separation (mp_sep) is named by an offtake, a price floor, a
    loan, a policy candidate floor, its reported output and a slip in the risk catalogue; Lynas
    Malaysia (lamp) by a sales market's sellers. A rename carries all of them (before, the contracts
    and reported output kept the old id, and validation then refused the project); undo restores."""
    from models.io import load_project
    from models.validation import validate_project

    doc = Document(load_project("sample_projects/us_allied_mine_to_magnet.m2m.json"))
    p = doc.project
    model = _facility_model(doc)

    def named(fid: str) -> list[str]:
        lev = p.levers
        return sorted([type(x).__name__ for x in (*lev.offtakes, *lev.price_floors, *lev.loans,
                                                   *p.reported_output) if x.facility_id == fid]
                      + [type(x).__name__ for x in p.settings.risk.catalogue.facility_slips if x.facility_id == fid])

    before = named("mp_sep")
    assert before == ["FacilitySlips", "Loan", "Offtake", "PriceFloor", "ReportedOutput"]
    assert model.setData(model.index(model.row_of(p.facility("mp_sep")), model.column_of("id")), "mp-separation")
    assert named("mp-separation") == before and named("mp_sep") == []
    assert model.setData(model.index(model.row_of(p.facility("lamp")), model.column_of("id")), "lynas-malaysia")
    assert any("lynas-malaysia" in m.facility_ids for m in p.sales_markets)
    assert not any("lamp" in m.facility_ids for m in p.sales_markets)
    assert [x for x in validate_project(p) if x.severity == "error"] == []
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert named("mp_sep") == before and any("lamp" in m.facility_ids for m in p.sales_markets)
