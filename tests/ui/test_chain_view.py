"""Chain view: nodes and arrows match the project, selection, add/connect/delete, flows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent

from models.vocab import Element, Stage
from planner.result import Flow, Investment, PlanResult, Status
from tests.ui.demo_project import demo_project
from ui.document.document import Document
from ui.editors.connect_dialog import ConnectDialog
from ui.editors.inspector import Inspector
from ui.views.chain_view import ChainView, FacilityNode, RouteEdge
from ui.views.palette import country_colour


@pytest.fixture
def doc(qapp):
    return Document(demo_project())


@pytest.fixture
def view(qtbot, doc):
    v = ChainView(doc)
    qtbot.addWidget(v)
    v.resize(1000, 700)
    return v


def test_one_node_per_facility_and_one_arrow_per_route(view, doc):
    assert len(view.nodes) == len(doc.project.facilities) == 25
    assert len(view.edges) == len(doc.project.routes) == 26
    assert len([i for i in view.scene().items() if isinstance(i, FacilityNode)]) == 25
    # stage columns: mines left of cracking left of separation ... left of magnets
    x = {fid: n.scenePos().x() for fid, n in view.nodes.items()}
    assert x["mp-mine"] < x["kalgoorlie"] < x["lynas-lamp"] == x["cyclic-kingston"] < x["kmp"] == x["sherritt"]
    assert x["kmp"] < x["noveon"] == x["electron-energy"]
    # no two nodes overlap
    rects = [n.sceneBoundingRect().adjusted(8, 10, -10, -20) for n in view.nodes.values()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])


def test_compliance_badge_and_country_colours(view, doc):
    assert view.nodes["shenghe-ref"].covered is True  # facility in China
    assert view.nodes["lynas-lamp"].covered is False
    node = view.nodes["noveon"]
    doc.set_field(doc.project.facility("noveon"), "chinese_technology", True)
    assert view.nodes["noveon"] is node and node.covered is True  # refreshed in place, no redraw
    assert "Chinese process technology" in node.toolTip()
    doc.set_field(doc.project.facility("noveon"), "capacity_tpy", 2500.0)
    assert view.nodes["noveon"] is node and "capacity 2,500 t/yr" in node.toolTip()
    assert country_colour("US") != country_colour("AU")


def test_a_country_without_a_set_colour_gets_one_from_its_code():
    """Fallback colour = HSV(crc32(code) mod 360 deg, 0.55, 0.75), the same in every run (crc32, not
    Python's salted hash). By hand: crc32("ZZ") = 2318606283, mod 360 = 3 deg -> RGB (0.75,
    0.75 x (1 - 0.55 x (1 - 3/60)), 0.75 x 0.45) x 255 = (191.25, 91.32, 86.06) -> #bf5b56;
    crc32("ZY") = 322588273, mod 360 = 193 deg -> (86.06, 168.46, 191.25) -> #56a8bf."""
    assert country_colour("ZZ").name() == "#bf5b56"
    assert country_colour("ZY").name() == "#56a8bf"


def test_add_and_delete_facility_from_the_view_updates_nodes(view, doc, qtbot):
    f = view.add_facility(Stage.METAL)
    qtbot.waitUntil(lambda: len(view.nodes) == 26, timeout=2000)
    assert f.id in view.nodes and doc.current_facility is f
    assert f.element_recovery  # a metal plant starts with default recoveries
    doc.remove_facility(doc.project.facility("kmp"))
    qtbot.waitUntil(lambda: len(view.nodes) == 25, timeout=2000)
    assert "kmp" not in view.nodes and len(view.edges) == 26 - 8
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: len(view.edges) == 26, timeout=2000)
    assert "kmp" in view.nodes


def test_selecting_a_node_selects_the_facility_and_the_inspector_edits_it(view, doc, qtbot):
    inspector = Inspector(doc)
    qtbot.addWidget(inspector)
    view.nodes["mt-weld"].setSelected(True)
    mt_weld = doc.project.facility("mt-weld")
    assert doc.current_facility is mt_weld
    assert "Mt Weld mine" in inspector.header.text()
    assert "Stage 2 concentrator: up to 6,000 t/yr, 3 yr lead time" in inspector.header.text()
    spec = next(s for s in inspector.form.specs if s.attr == "capacity_tpy")
    assert inspector.form.commit(spec, "13000") is True
    assert mt_weld.capacity_tpy == 13000
    assert inspector.form.commit(spec, "-3") is False
    # refused in plain words right under the field, and the stored value is kept
    assert mt_weld.capacity_tpy == 13000
    assert inspector.form.error_text("capacity_tpy") == \
        "Capacity (t/yr) cannot be negative. -3 was not stored; it stays 13,000."
    assert inspector.form.editors["capacity_tpy"].text() == "13,000"
    assay = next(s for s in inspector.form.specs if s.attr == "assay")
    assert inspector.form.commit(assay, "ndpr: 0.3, dy: 0.01")
    assert inspector.form.error_text("capacity_tpy") == ""  # a stored edit clears the refusal
    assert mt_weld.assay == {Element.NDPR: 0.3, Element.DY: 0.01}
    assert not inspector.form.commit(assay, "ndpr: 0.9, dy: 0.2")  # shares add up to more than 1
    assert mt_weld.assay == {Element.NDPR: 0.3, Element.DY: 0.01}
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert mt_weld.capacity_tpy == 12000
    # selection from elsewhere selects the node
    doc.set_current_facility(doc.project.facility("noveon"))
    assert view.nodes["noveon"].isSelected() and not view.nodes["mt-weld"].isSelected()


def test_connect_offers_only_materials_the_source_makes_and_the_target_uses(view, doc):
    mine = doc.project.facility("mp-mine")
    dialog = ConnectDialog(doc, mine)
    targets = {dialog.target_combo.itemData(i) for i in range(dialog.target_combo.count())}
    # concentrate goes to cracking plants and concentrate-fed separators, not carbonate-fed ones
    assert targets == {"kalgoorlie", "mp-separation", "eneabba-refinery", "white-mesa", "silmet", "shenghe-ref"}
    dialog.set_target("silmet")
    assert [dialog.material_combo.itemData(i) for i in range(dialog.material_combo.count())] == ["concentrate"]
    route = dialog.build_route()
    assert (route.from_id, route.to_id, route.material.value) == ("mp-mine", "silmet", "concentrate")
    doc.insert_item(doc.project, "routes", route)
    view.rebuild()
    assert len(view.edges) == 27

    lcm = ConnectDialog(doc, doc.project.facility("lcm"))
    lcm.set_target("electron-energy")
    assert [lcm.material_combo.itemData(i) for i in range(lcm.material_combo.count())] == ["sm_metal"]
    dialog.deleteLater()
    lcm.deleteLater()


def _hover_tooltip(view: ChainView, edge: RouteEdge) -> str:
    """The tooltip Qt would show with the pointer resting on the middle of ``edge``: arrows build
    it only then (a real QHelpEvent on the viewport)."""
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication

    view.show()
    view.centerOn(edge.path().pointAtPercent(0.5))
    at = view.mapFromScene(edge.path().pointAtPercent(0.5))
    assert view.items(at)[0] is edge or any(i is edge for i in view.items(at))
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at)))
    return edge.toolTip()


def test_arrow_tooltips_are_built_when_asked(view):
    edge = _edge(view, "kmp", "noveon")
    assert edge.toolTip() == ""  # not built while drawing
    tip = _hover_tooltip(view, edge)
    assert "route" in tip and "NdPr metal" in tip and edge.route.id in tip


def _edge(view: ChainView, src: str, dst: str) -> RouteEdge:
    return next(e for e in view.edges if e.route.from_id == src and e.route.to_id == dst)


def test_show_flows_sets_arrow_widths_and_marks_investments(view):
    result = PlanResult(
        status=Status.OPTIMAL, message="ok", solver="test",
        flows=[
            Flow("kmp", "noveon", "ndpr_metal", 2030, "clean", 300.0),
            Flow("kmp", "noveon", "ndpr_metal", 2030, "covered", 100.0),  # classes add up: 400 t
            Flow("kmp", "evac-sumter", "ndpr_metal", 2030, "clean", 100.0),
            Flow("kmp", "evac-sumter", "ndpr_metal", 2031, "clean", 900.0),  # other year: ignored
            Flow("cn-ndfeb", "dod-ndfeb", "ndfeb_magnet", 2030, "covered", 50.0),  # not a route
        ],
        investments=[Investment("mp-magnets", "mp-10x", 2027, 2029, 7000.0, 840.0),
                     Investment("vulcan-benson", "vulcan-build", 2029, 2031, 5000.0, 700.0)],
    )
    view.show_flows(result, 2030)
    # width = 1 + 11 * sqrt(t / t_max), t_max = 400 t
    assert _edge(view, "kmp", "noveon").width == pytest.approx(12.0)
    assert _edge(view, "kmp", "evac-sumter").width == pytest.approx(1 + 11 * 0.5)
    assert _edge(view, "kmp", "noveon").tonnes == pytest.approx(400.0)
    assert _edge(view, "mp-mine", "mp-separation").width == pytest.approx(1.0)  # no flow that year
    assert view.invested_facilities() == {"mp-magnets", "vulcan-benson"}
    assert view.nodes["mp-magnets"].investment == "+7,000 t/yr from 2029"
    assert view.nodes["mp-magnets"].invest_online and not view.nodes["vulcan-benson"].invest_online
    assert "400 t" in _hover_tooltip(view, _edge(view, "kmp", "noveon"))

    view.show_flows(result, 2031)
    assert _edge(view, "kmp", "evac-sumter").width == pytest.approx(12.0)
    assert _edge(view, "kmp", "noveon").width == pytest.approx(1.0)
    assert view.nodes["vulcan-benson"].invest_online

    view.rebuild()  # a redraw keeps the flows
    assert _edge(view, "kmp", "evac-sumter").width == pytest.approx(12.0)

    view.show_flows(None, 2030)
    assert all(e.width == pytest.approx(1.6) and e.tonnes is None for e in view.edges)
    assert view.invested_facilities() == set()

    failed = PlanResult(status=Status.INFEASIBLE, message="no plan", solver="test")
    view.show_flows(failed, 2030)
    assert view.invested_facilities() == set()


def test_delete_key_action_removes_the_selected_facility_or_route(view, doc, qtbot):
    actions = [a for a in view.actions() if a.text() == "Delete facility"]
    assert actions and actions[0].shortcut().toString() == "Del"
    view.nodes["lcm"].setSelected(True)
    actions[0].trigger()
    assert "lcm" not in {f.id for f in doc.project.facilities}
    assert not [r for r in doc.project.routes if "lcm" in (r.from_id, r.to_id)]
    doc.undo_stack.undo()
    view.rebuild()
    edge = next(e for e in view.edges if e.route.to_id == "electron-energy" and e.route.from_id == "sherritt")
    view.scene().clearSelection()
    edge.setSelected(True)
    view.delete_selected()
    assert edge.route not in doc.project.routes
    assert doc.project.facility("sherritt") in doc.project.facilities


def test_chain_panel_year_follows_the_horizon_and_the_result(qtbot):
    from ui.shell.main_window import ChainPanel

    doc = Document(demo_project())
    panel = ChainPanel(doc)
    qtbot.addWidget(panel)
    years = [panel.year_combo.itemData(i) for i in range(panel.year_combo.count())]
    # opens on the compliance year 2027, the year the results dashboard opens on
    assert years == list(range(2026, 2036)) and panel.year() == 2027
    assert not panel.year_combo.isEnabled()  # no plan yet
    doc.set_field(doc.project.settings, "end_year", 2040)
    assert panel.year_combo.itemData(panel.year_combo.count() - 1) == 2040 and panel.year() == 2027
    result = PlanResult(status=Status.OPTIMAL, message="ok", solver="test",
                        flows=[Flow("kmp", "noveon", "ndpr_metal", 2031, "clean", 10.0)])
    doc.set_result(result)
    assert panel.year_combo.isEnabled()
    panel.set_year(2031)
    assert _edge(panel.view, "kmp", "noveon").width == pytest.approx(12.0)
    assert "out of date" not in panel.flow_note.text()
    doc.set_field(doc.project.facilities[0], "capacity_tpy", 1.0)
    assert "out of date" in panel.flow_note.text()


def test_layout_fields_redraw_the_chain(view, doc, qtbot):
    node = view.nodes["noveon"]
    doc.set_field(doc.project.facility("noveon"), "stage", Stage.MAGNET_SMCO)
    qtbot.waitUntil(lambda: view.nodes["noveon"] is not node, timeout=2000)
    assert view.nodes["noveon"].facility.stage is Stage.MAGNET_SMCO


def _menu_actions(menu) -> dict:
    out = {}
    for a in menu.actions():
        if a.menu() is not None:
            out.update({f"{a.text()}/{k}": v for k, v in _menu_actions(a.menu()).items()})
        elif a.text():
            out[a.text()] = a
    return out


def test_context_menus_add_delete_and_connect(view, doc, qtbot, monkeypatch):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QContextMenuEvent

    shown = []
    import ui.views.chain_view as chain_module

    monkeypatch.setattr(chain_module, "exec_menu", lambda menu, pos: shown.append(_menu_actions(menu)))
    view.show()
    qtbot.waitExposed(view)
    view.fit()

    def right_click(scene_point):
        pos = view.mapFromScene(scene_point)
        view.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.mapToGlobal(pos)))
        return shown[-1]

    # on empty canvas: add a facility of any stage
    empty = right_click(view.nodes["mp-mine"].scenePos() + QPoint(0, 900))
    empty["Add facility/Cracking"].trigger()  # stages by their models.vocab labels
    added = doc.project.facilities[-1]
    assert added.stage is Stage.CRACKING and doc.current_facility is added
    qtbot.waitUntil(lambda: added.id in view.nodes, timeout=2000)

    # on a node: connect (dialog answered) and delete
    monkeypatch.setattr(ConnectDialog, "exec", lambda self: (self.set_target(added.id),
                                                             ConnectDialog.DialogCode.Accepted)[1])
    monkeypatch.setattr(ConnectDialog, "route", lambda self: self.build_route())
    node_menu = right_click(view.nodes["mt-weld"].sceneBoundingRect().center())
    assert set(node_menu) >= {"Connect Mt Weld mine to...", "Add expansion option",
                              "Delete Mt Weld mine and its routes"}
    node_menu["Connect Mt Weld mine to..."].trigger()
    new_route = doc.project.routes[-1]
    assert (new_route.from_id, new_route.to_id, new_route.material.value) == ("mt-weld", added.id, "concentrate")
    node_menu["Add expansion option"].trigger()
    assert [o.id for o in doc.project.facility("mt-weld").options][-1] == "mt-weld-expansion"
    node_menu["Delete Mt Weld mine and its routes"].trigger()
    assert "mt-weld" not in {f.id for f in doc.project.facilities}
    assert not [r for r in doc.project.routes if "mt-weld" in (r.from_id, r.to_id)]


def test_shift_drag_from_node_to_node_connects_them(view, doc, qtbot):
    from PySide6.QtCore import Qt as QtNS

    view.show()
    qtbot.waitExposed(view)
    view.fit()

    def at(fid):
        return view.mapFromScene(view.nodes[fid].sceneBoundingRect().center())

    n_routes = len(doc.project.routes)
    shift = QtNS.KeyboardModifier.ShiftModifier
    qtbot.mousePress(view.viewport(), QtNS.MouseButton.LeftButton, shift, at("strange-lake"))
    qtbot.mouseMove(view.viewport(), at("silmet"))
    qtbot.mouseRelease(view.viewport(), QtNS.MouseButton.LeftButton, shift, at("silmet"))
    assert len(doc.project.routes) == n_routes + 1
    r = doc.project.routes[-1]
    assert (r.from_id, r.to_id, r.material.value) == ("strange-lake", "silmet", "concentrate")
    # nothing to carry between two mines: refused with a message, no route
    messages = []
    view.message.connect(messages.append)
    qtbot.mousePress(view.viewport(), QtNS.MouseButton.LeftButton, shift, at("mt-weld"))
    qtbot.mouseRelease(view.viewport(), QtNS.MouseButton.LeftButton, shift, at("nolans"))
    assert len(doc.project.routes) == n_routes + 1
    assert messages and "Cannot connect" in messages[-1]
    assert view.dragMode() == view.DragMode.ScrollHandDrag


def test_drag_a_node_keeps_its_place_undoably_and_adding_a_node_moves_no_other(qtbot, view, doc):
    from PySide6.QtCore import QPoint, QPointF, Qt

    view.show()
    qtbot.waitExposed(view)
    node = view.nodes["noveon"]
    start = QPointF(node.pos())
    before = {fid: QPointF(n.pos()) for fid, n in view.nodes.items()}
    grab = view.mapFromScene(node.scenePos() + QPointF(60, 30))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=grab)
    for k in range(1, 6):
        qtbot.mouseMove(view.viewport(), grab + QPoint(0, 20 * k))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=grab + QPoint(0, 100))
    moved = view.nodes["noveon"].pos()
    assert moved.y() > start.y() + 50
    assert doc.project.chain_layout["noveon"] == (round(moved.x(), 1), round(moved.y(), 1))
    edge = next(e for e in view.edges if e.route.to_id == "noveon")
    assert edge.path().pointAtPercent(1.0).y() == pytest.approx(moved.y() + 58 / 2, abs=1)  # the arrow follows
    view.rebuild()  # kept across redraws (and saved with the project)
    assert view.nodes["noveon"].pos() == moved
    doc.undo_stack.undo()
    assert "noveon" not in doc.project.chain_layout and view.nodes["noveon"].pos() == start
    # a new facility goes below its column; no other node moves
    f = view.add_facility(Stage.METAL)
    view.rebuild()
    assert {fid: view.nodes[fid].pos() for fid in before} == before
    col = [n.pos().y() for fid, n in view.nodes.items()
           if n.facility.stage in (Stage.METAL, Stage.COBALT) and fid != f.id]
    assert view.nodes[f.id].pos().y() > max(col)


def test_filter_by_material_and_stage_and_flows_on_top(view, doc):
    view.set_filter(material="ndpr_metal")
    shown = view.visible_routes()
    assert shown and all(r.material.value == "ndpr_metal" for r in shown)
    assert len(shown) == sum(1 for r in doc.project.routes if r.material.value == "ndpr_metal")
    view.set_filter(stage=Stage.MINE)
    assert all(Stage.MINE in (doc.project.facility(r.from_id).stage, doc.project.facility(r.to_id).stage)
               for r in view.visible_routes())
    assert view.nodes["mp-mine"].opacity() == 1.0 and view.nodes["noveon"].opacity() < 0.5
    view.set_filter()
    assert len(view.visible_routes()) == len(doc.project.routes)
    result = PlanResult(status=Status.OPTIMAL, message="ok", solver="test",
                        flows=[Flow("kmp", "noveon", "ndpr_metal", 2030, "clean", 300.0)])
    view.show_flows(result, 2030)
    used, unused = _edge(view, "kmp", "noveon"), _edge(view, "kmp", "evac-sumter")
    assert used.zValue() > unused.zValue() and unused.pen().color().alphaF() <= 0.25


def test_material_colours_are_distinct():
    from PySide6.QtGui import QColor

    from ui.views.palette import MATERIAL_COLOURS

    cols = [QColor(c) for c in MATERIAL_COLOURS.values()]
    # every pair differs by at least 60 in one RGB channel sum (no two near-identical oranges)
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            assert abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) >= 60


def test_plain_arrows_are_drawn_by_shared_layers_and_selected_ones_by_themselves(view, doc):
    """Unused routes in the shown year (1 px, faint) are painted by one path item per pen; the
    arrows keep their item (ItemHasNoContents) so the pointer still finds them; a selected arrow
    and one with a tonnage label paint themselves."""
    from PySide6.QtWidgets import QGraphicsItem

    result = PlanResult(status=Status.OPTIMAL, message="ok", solver="test",
                        flows=[Flow("kmp", "noveon", "ndpr_metal", 2030, "clean", 400.0)])
    view.show_flows(result, 2030)
    used = _edge(view, "kmp", "noveon")
    unused = _edge(view, "kmp", "evac-sumter")
    no_contents = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
    view.flush_layers()
    assert used.has_label() and not used.layered and not used.flags() & no_contents
    assert unused.layered and unused.flags() & no_contents
    assert len(view.layered_edges()) == len(view.edges) - 1
    # the layer holding the unused arrow has its pen, and its path runs through the arrow's middle
    mid = unused.path().pointAtPercent(0.5)
    layer = next(item for item in view.layer_items() if item.pen().color().rgba() == unused.pen().color().rgba()
                 and item.pen().widthF() == unused.pen().widthF() and item.path().elementCount() > 1)
    assert layer.zValue() < unused.zValue()
    assert any(abs(layer.path().elementAt(i).x - unused.path().elementAt(0).x) < 1e-6
               for i in range(layer.path().elementCount()))
    assert view.items(view.mapFromScene(mid)) is not None
    unused.setSelected(True)
    view.flush_layers()
    assert not unused.layered and not unused.flags() & no_contents
    assert len(view.layered_edges()) == len(view.edges) - 2
    unused.setSelected(False)
    view.flush_layers()
    assert unused.layered
    # filtered-out arrows leave the layers too
    view.set_filter(material="ndfeb_magnet")
    assert all(e.route.material.value == "ndfeb_magnet" for e in view.layered_edges())


def test_a_big_project_is_drawn_in_slices_and_ends_complete(qtbot, doc):
    """The real sample (495 routes) is drawn a slice per turn of the event loop: nodes first
    (made hidden, then shown 12 per turn, so their first paint is spread too), then 80 arrows per
    turn; at the end every route has its arrow and the shared layers are built."""
    from pathlib import Path

    from models.io import load_project

    view = ChainView(doc)
    qtbot.addWidget(view)
    sample = load_project(Path(__file__).resolve().parents[2] / "sample_projects" / "us_allied_mine_to_magnet.m2m.json")
    doc.set_project(sample)
    assert view.is_building
    view._next_slice()  # the first turn: nodes (hidden) and legend
    assert len(view.nodes) == len(sample.facilities) == 57 and view.edges == []
    assert not any(n.isVisible() for n in view.nodes.values())
    shown = []
    for _ in range(5):  # 12 + 12 + 12 + 12 + 9 nodes
        view._next_slice()
        shown.append(sum(n.isVisible() for n in view.nodes.values()))
    assert shown == [12, 24, 36, 48, 57] and view.edges == []
    view._next_slice()  # the next: the first 80 arrows
    assert len(view.edges) == 80
    qtbot.waitUntil(lambda: not view.is_building, timeout=10_000)
    assert len(view.edges) == len(sample.routes) == 495
    assert len(view.layered_edges()) == 495  # nothing selected or labelled: all drawn by layers
    # a rebuild meanwhile replaces the slices with one complete drawing
    doc.set_project(load_project(Path(__file__).resolve().parents[2] / "sample_projects"
                                 / "us_allied_mine_to_magnet.m2m.json"))
    view.rebuild()
    assert not view.is_building and len(view.edges) == 495
