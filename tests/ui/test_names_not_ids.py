"""User text says names and labels, not ids and field names: undo texts, Settings' stage keys,
validation messages; a new facility's id follows its stage until something refers to it."""

from __future__ import annotations

import pytest

from models.project import Route
from models.validation import validate_project
from models.vocab import Material, Stage
from tests.ui.demo_project import demo_project
from ui.document.document import Document
from ui.editors.settings_panel import SettingsPanel
from ui.views.chain_view import ChainView


@pytest.fixture
def doc(qapp):
    return Document(demo_project())


@pytest.fixture
def view(qtbot, doc):
    v = ChainView(doc)
    qtbot.addWidget(v)
    return v


def test_connecting_and_deleting_a_route_are_undone_by_facility_names(view, doc):
    mine = view.add_facility(Stage.MINE)
    cracking = doc.project.facility("kalgoorlie")
    route = view.connect_between(mine, cracking)
    assert route is not None
    assert mine.name == "New Mining"  # "New " + the stage's label
    assert doc.undo_stack.undoText() == f"Connect New Mining to {cracking.name}"
    assert "new-mine" not in doc.undo_stack.undoText() and "kalgoorlie" not in doc.undo_stack.undoText()
    view.delete_route(route)
    assert doc.undo_stack.undoText() == f"Delete route New Mining \u2192 {cracking.name}"


def test_adding_and_deleting_a_facility_name_it(view, doc):
    f = view.add_facility(Stage.METAL)
    assert doc.undo_stack.undoText() == "Add facility New Metal making"
    doc.remove_facility(f)
    assert doc.undo_stack.undoText() == "Delete facility New Metal making"


def test_settings_show_stage_labels_and_read_them_back(qtbot, doc):
    panel = SettingsPanel(doc)
    qtbot.addWidget(panel)
    settings = doc.project.settings
    doc.set_field(settings, "qualification_years_by_stage", {Stage.MAGNET_NDFEB: 2, Stage.MAGNET_SMCO: 3})
    form = panel.settings_form
    field = form.editors["qualification_years_by_stage"]
    assert field.text() == "NdFeB magnet making: 2, SmCo magnet making: 3"  # was "magnet_ndfeb: 2, magnet_smco: 3"
    spec = next(s for s in form.specs if s.attr == "qualification_years_by_stage")
    # typed back as labels or as codes, the same mapping is stored
    assert spec.parse("NdFeB magnet making: 4, separation: 1") == {"magnet_ndfeb": 4.0, "separation": 1.0}
    assert spec.parse("magnet_smco: 2") == {"magnet_smco": 2.0}


def test_recipe_mappings_show_material_labels(qapp):
    from ui.editors.inspector import facility_specs

    specs = {s.attr: s for s in facility_specs()}
    f = demo_project().facility("noveon").with_default_recipe()
    assert Material.NDPR_METAL.value in {getattr(k, "value", k) for k in f.recipe_inputs}
    assert "NdPr metal: " in specs["recipe_inputs"].display(f)
    assert "ndpr_metal" not in specs["recipe_inputs"].display(f)


def test_validation_messages_name_no_internal_field(doc):
    f = doc.project.facilities[0]
    f.lat = None
    messages = [p.message for p in validate_project(doc.project) if p.location.startswith("facilities[0]")]
    assert any("transport cost ($/t)" in m for m in messages)
    assert not any("transport_usd_per_t" in m for m in messages)


def test_a_new_facility_id_follows_its_stage_until_something_refers_to_it(qtbot, view, doc):
    """new-mine turned into a separation plant becomes new-separation ("New separation"); undo
    brings back new-mine in one step. Once a route names it, a stage change keeps the id."""
    f = view.add_facility(Stage.MINE)
    assert (f.id, f.name) == ("new-mine", "New Mining")
    assert doc.set_field(f, "stage", Stage.SEPARATION, "Edit Stage") is None
    assert (f.id, f.name, f.stage) == ("new-separation", "New Separation", Stage.SEPARATION)
    qtbot.waitUntil(lambda: f.id in view.nodes, timeout=5000)  # redrawn on the rebuild timer
    assert f.id in view.nodes and "new-mine" not in view.nodes
    doc.undo_stack.undo()
    assert (f.id, f.name, f.stage) == ("new-mine", "New Mining", Stage.MINE)
    doc.undo_stack.redo()
    assert f.id == "new-separation"

    # a second new separation plant: the derived id is unique
    g = view.add_facility(Stage.MINE)
    doc.set_field(g, "stage", Stage.SEPARATION)
    assert g.id == "new-separation-2"

    # referenced by a route: the id stays (the route and anything else naming it stay valid)
    metal = view.add_facility(Stage.METAL)
    doc.insert_item(doc.project, "routes", Route(id="sep-to-metal", from_id=f.id, to_id=metal.id,
                                                 material=Material.NDPR_OXIDE))
    doc.set_field(f, "stage", Stage.CRACKING)
    assert f.id == "new-separation" and f.stage is Stage.CRACKING

    # renamed by the user: the id is theirs
    h = view.add_facility(Stage.MINE)
    doc.set_field(h, "id", "my-mine")
    doc.set_field(h, "name", "Halleck Creek")
    doc.set_field(h, "stage", Stage.CRACKING)
    assert (h.id, h.name) == ("my-mine", "Halleck Creek")
