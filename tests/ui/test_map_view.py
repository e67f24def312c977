"""Map view: markers at their coordinates, shared selection, placing by click (undoable), flows."""

from __future__ import annotations

import json
import math

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor

from models.vocab import Stage
from planner.result import Flow, PlanResult, Status
from tests.ui.demo_project import demo_project
from ui.document.document import Document
from ui.editors.inspector import Inspector
from ui.views.map_projection import DEG, arc_path, choose_central_meridian, great_circle, project_point, unproject
from ui.views.map_view import BASEMAP, MapPanel, load_basemap


@pytest.fixture
def doc(qapp):
    return Document(demo_project())


@pytest.fixture
def panel(qtbot, doc):
    p = MapPanel(doc)
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.show()
    qtbot.waitExposed(p)
    p.view.fit()
    return p


def test_basemap_is_bundled_small_and_has_the_continents():
    size = BASEMAP.stat().st_size
    assert size < 1_000_000
    data = json.loads(BASEMAP.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"] and "ublic domain" in data["licence"]
    isos = {c["iso"] for c in data["countries"]}
    assert {"USA", "AUS", "CAN", "MYS", "EST", "KOR", "GBR", "CHN"} <= isos
    rings = load_basemap()
    # every point is a real lon/lat
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for ring in rings for lon, lat in ring)
    # Australia's mainland ring spans roughly 113-154 E, 10-39 S
    aus = max((r for c in data["countries"] if c["iso"] == "AUS" for r in c["rings"]), key=len)
    lons, lats = aus[0::2], aus[1::2]
    assert 112 < min(lons) < 115 and 152 < max(lons) < 155 and -40 < min(lats) < -37 and -12 < max(lats) < -10


def test_projection_round_trip():
    p = project_point(35.48, -115.53)
    assert (p.x(), p.y()) == pytest.approx((-115.53 * DEG, -35.48 * DEG))
    assert unproject(p) == pytest.approx((35.48, -115.53))


def test_one_marker_per_placed_facility_at_its_coordinates(panel, doc):
    view = panel.view
    placed = [f for f in doc.project.facilities if f.lat is not None and f.lon is not None]
    assert len(view.markers) == len(placed) > 20
    for f in placed:
        m = view.markers[f.id]
        # x = (lon - lon0) in [-180, 180) degrees: the demo chain (Australia to the US) is centred
        # on the Pacific
        x = ((f.lon - view.lon0 + 180) % 360 - 180) * DEG
        assert m.pos().x() == pytest.approx(x) and m.pos().y() == pytest.approx(-f.lat * DEG)
        assert unproject(m.pos(), view.lon0) == pytest.approx((f.lat, f.lon))
    # Mountain Pass is west of Noveon (Texas) and north of Mt Weld (Western Australia)
    assert view.markers["mp-mine"].pos().x() < view.markers["noveon"].pos().x()
    assert view.markers["mp-mine"].pos().y() < view.markers["mt-weld"].pos().y()
    # the Independence metal line and magnet plant share a place: spread apart on screen
    a, b = view.view_pos_of("mp-metal"), view.view_pos_of("mp-magnets")
    assert (a - b).manhattanLength() >= 10
    assert view.marker_at(a).facility.id == "mp-metal" and view.marker_at(b).facility.id == "mp-magnets"
    # covered output is flagged
    assert view.markers["shenghe-ref"].covered and not view.markers["noveon"].covered


def test_click_selects_everywhere_and_selection_elsewhere_highlights_marker(qtbot, panel, doc):
    view = panel.view
    inspector = Inspector(doc)
    qtbot.addWidget(inspector)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_pos_of("kmp"))
    assert doc.current_facility.id == "kmp"
    assert view.markers["kmp"].selected
    assert "Korean Metals Plant" in inspector.header.text()
    doc.set_current_facility(doc.project.facility("noveon"))  # e.g. a click in the chain view
    assert view.markers["noveon"].selected and not view.markers["kmp"].selected


def test_place_a_new_facility_by_click_and_undo(qtbot, panel, doc):
    view = panel.view
    new = view.add_facility_at(Stage.METAL, 0, 0)  # placed facility added from the context menu
    qtbot.waitUntil(lambda: new.id in view.markers)
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: new.id not in view.markers)
    # a facility without coordinates (e.g. added from the toolbar): Place on map, then click
    from ui.views.chain_view import ChainView

    chain = ChainView(doc)
    qtbot.addWidget(chain)
    f = chain.add_facility(Stage.SEPARATION)
    assert f.lat is None and f.lon is None
    qtbot.waitUntil(lambda: "has no coordinates" in panel.note.text())
    assert f.id not in view.markers
    depth = doc.undo_stack.count()
    panel.place_button.click()
    assert view.placing is f and "Click the map to place" in panel.note.text()
    target = view.mapFromScene(project_point(45.0, -100.0, view.lon0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    lat, lon = unproject(view.mapToScene(target), view.lon0)
    assert f.lat == pytest.approx(round(lat, 2)) and f.lon == pytest.approx(round(lon, 2))
    assert abs(f.lat - 45.0) < 0.5 and abs(f.lon + 100.0) < 0.5
    assert view.placing is None and not panel.place_button.isChecked()
    assert doc.undo_stack.count() == depth + 1  # one undo step for lat and lon
    qtbot.waitUntil(lambda: f.id in view.markers)
    assert view.markers[f.id].pos().x() == pytest.approx(project_point(f.lat, f.lon, view.lon0).x())
    doc.undo_stack.undo()
    assert f.lat is None and f.lon is None
    qtbot.waitUntil(lambda: f.id not in view.markers)
    doc.undo_stack.redo()
    assert f.lat is not None
    qtbot.waitUntil(lambda: f.id in view.markers)


def test_place_existing_facility_moves_marker(qtbot, panel, doc):
    kmp = doc.project.facility("kmp")
    panel.view.place(kmp, 37.456, 126.705)  # Incheon instead of Ochang
    assert (kmp.lat, kmp.lon) == (37.46, 126.7)
    qtbot.waitUntil(lambda: panel.view.markers["kmp"].pos().x()
                    == pytest.approx(project_point(37.46, 126.7, panel.view.lon0).x()))
    doc.undo_stack.undo()
    assert (kmp.lat, kmp.lon) == (36.64, 127.49)


def _result() -> PlanResult:
    return PlanResult(
        status=Status.OPTIMAL, message="ok", solver="test",
        flows=[
            Flow("kmp", "noveon", "ndpr_metal", 2030, "clean", 300.0),
            Flow("kmp", "noveon", "ndpr_metal", 2030, "covered", 100.0),  # classes add up: 400 t
            Flow("kmp", "noveon", "dy_metal", 2030, "clean", 0.0),  # nothing moved: no arc part
            Flow("lynas-lamp", "kmp", "ndpr_oxide", 2030, "clean", 100.0),
            Flow("kmp", "evac-sumter", "ndpr_metal", 2031, "clean", 900.0),  # other year
            Flow("cn-ndfeb", "dod-ndfeb", "ndfeb_magnet", 2030, "covered", 50.0),  # market to demand: no place
        ],
    )


def test_year_flows_as_arcs_sized_by_tonnes_and_filtered_by_material(qtbot, panel, doc):
    view = panel.view
    doc.set_result(_result())
    panel.set_year(2030)
    assert view.flow_tonnes() == pytest.approx({("kmp", "noveon"): 400.0, ("lynas-lamp", "kmp"): 100.0})
    widths = {(a.src.id, a.dst.id): a.width for a in view.arcs}
    # width = 1 + 9 sqrt(t / t_max): 10 px for 400 t, 1 + 9 * 0.5 = 5.5 px for 100 t
    assert widths[("kmp", "noveon")] == pytest.approx(10.0)
    assert widths[("lynas-lamp", "kmp")] == pytest.approx(5.5)
    assert "400 t" in next(a for a in view.arcs if a.dst.id == "noveon").toolTip()
    assert "2 flows, 500 t" in panel.note.text()
    panel.set_material("ndpr_oxide")
    assert view.flow_tonnes() == pytest.approx({("lynas-lamp", "kmp"): 100.0})
    panel.set_material(None)
    panel.set_year(2031)
    assert view.flow_tonnes() == pytest.approx({("kmp", "evac-sumter"): 900.0})
    doc.set_result(None)
    assert view.arcs == []


def test_arc_follows_the_great_circle():
    """Korea to Texas crosses the Pacific: the great circle bends north (over the Bering Sea area)
    and crosses the antimeridian."""
    pts = great_circle(36.64, 127.49, 29.88, -97.94)
    assert pts[0] == pytest.approx((36.64, 127.49)) and pts[-1] == pytest.approx((29.88, -97.94), abs=1e-6)
    assert max(lat for lat, _ in pts) > 50
    # every step is the same angular distance (slerp)
    def ang(p, q):
        a = [math.cos(math.radians(p[0])) * math.cos(math.radians(p[1])),
             math.cos(math.radians(p[0])) * math.sin(math.radians(p[1])), math.sin(math.radians(p[0]))]
        b = [math.cos(math.radians(q[0])) * math.cos(math.radians(q[1])),
             math.cos(math.radians(q[0])) * math.sin(math.radians(q[1])), math.sin(math.radians(q[0]))]
        return math.acos(max(-1, min(1, sum(x * y for x, y in zip(a, b)))))
    steps = [ang(pts[i], pts[i + 1]) for i in range(len(pts) - 1)]
    assert max(steps) == pytest.approx(min(steps), rel=1e-6)


def test_main_window_has_map_tab_sharing_selection_and_year(qtbot, monkeypatch):
    from tests.ui.helpers import close_window
    from ui.shell.main_window import MainWindow

    w = MainWindow(demo_project())
    qtbot.addWidget(w)
    assert w.tabs.tabText(w.tabs.indexOf(w.map_panel)) == "Map"
    w.chain_view.nodes["lcm"].setSelected(True)
    assert w.doc.current_facility.id == "lcm" and w.map_view.markers["lcm"].selected
    w.chain_panel.set_year(2033)
    assert w.map_panel.year() == 2033
    w.map_panel.set_year(2029)
    assert w.chain_panel.year() == 2029
    close_window(w)




def test_empty_inspector_steps_aside_on_results_tabs(qtbot):
    from tests.ui.helpers import close_window
    from ui.runtime import turns
    from ui.shell.main_window import MainWindow

    w = MainWindow(demo_project())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.inspector_dock.isVisible()
    w.tabs.setCurrentWidget(w.results_dashboard)
    turns.flush()  # the docks adapt on the turn after the page's
    assert not w.inspector_dock.isVisible()  # nothing selected: the solve panel gets the column
    w.doc.set_current_facility(w.doc.project.facility("kmp"))
    assert w.inspector_dock.isVisible()  # a selection brings it back
    w.doc.set_current_facility(None)
    w.tabs.setCurrentWidget(w.chain_panel)
    w.tabs.setCurrentWidget(w.analysis_panels[0])
    turns.flush()
    assert not w.inspector_dock.isVisible()
    w.tabs.setCurrentWidget(w.facilities_tab)
    turns.flush()
    assert w.inspector_dock.isVisible()
    w.inspector_dock.close()  # closed by the user: stays closed
    w.tabs.setCurrentWidget(w.results_dashboard)
    w.tabs.setCurrentWidget(w.chain_panel)
    turns.flush()
    assert not w.inspector_dock.isVisible()
    close_window(w)


def test_a_facility_losing_its_coordinates_drops_its_marker_and_arcs(qtbot, panel, doc):
    doc.set_result(_result())
    panel.set_year(2030)
    assert "2 flows, 500 t" in panel.note.text()
    doc.set_field(doc.project.facility("lynas-lamp"), "lat", None)
    qtbot.waitUntil(lambda: "lynas-lamp" not in panel.view.markers)
    assert panel.view.flow_tonnes() == pytest.approx({("kmp", "noveon"): 400.0})
    assert "1 facility without coordinates" in panel.note.text() and "plan out of date" in panel.note.text()
    doc.undo_stack.undo()  # back to the solved inputs: current again, both arcs
    qtbot.waitUntil(lambda: "2 flows, 500 t" in panel.note.text())


PERTH, CALIFORNIA = (-31.95, 115.86), (35.48, -115.53)


def _path_points(path):
    return [(path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())]


def test_a_pacific_arc_is_one_continuous_path_from_marker_to_marker():
    """Perth to Mountain Pass crosses the antimeridian. On a map centred on 0 deg the path runs on
    past the right edge (x > 180 deg) instead of jumping back to the left edge: every step is a
    few degrees, it starts at Perth's marker and ends 360 deg east of California's (the basemap is
    drawn again there). Centred on the Pacific (150 deg E) it ends on California's marker."""
    path = arc_path(*PERTH, *CALIFORNIA)
    pts = _path_points(path)
    assert all(path.elementAt(i).isLineTo() for i in range(1, path.elementCount()))  # no moveTo: one piece
    assert max(abs(b[0] - a[0]) for a, b in zip(pts, pts[1:])) < 5 * DEG
    start, end = project_point(*PERTH), project_point(*CALIFORNIA)
    assert pts[0] == pytest.approx((start.x(), start.y()))
    assert pts[-1] == pytest.approx((end.x() + 360 * DEG, end.y()), abs=1e-6)
    pacific = arc_path(*PERTH, *CALIFORNIA, lon0=150.0)
    pts = _path_points(pacific)
    assert max(abs(b[0] - a[0]) for a, b in zip(pts, pts[1:])) < 5 * DEG
    assert pts[0] == pytest.approx(((115.86 - 150.0) * DEG, 31.95 * DEG))
    assert pts[-1] == pytest.approx(((360 - 115.53 - 150.0) * DEG, -35.48 * DEG), abs=1e-6)  # 94.47 deg east of centre
    assert all(-180 * DEG <= x <= 180 * DEG for x, _ in pts)  # inside the map: nothing crosses its seam


def test_the_central_meridian_puts_the_seam_where_no_route_crosses():
    """Australia - US routes only: the seam goes to the Atlantic side and the map is centred on
    the Pacific; Europe - US routes only: the seam stays in the Pacific; without routes: 0."""
    pacific = choose_central_meridian([(*PERTH, *CALIFORNIA), (-23.0, 150.0, 30.0, -97.0)],
                                      places=[115.86, -115.53, 150.0, -97.0])
    seam = pacific + 180.0
    # no route crosses the seam: both arcs lie inside the map
    for seg in [(*PERTH, *CALIFORNIA), (-23.0, 150.0, 30.0, -97.0)]:
        xs = [x for x, _ in _path_points(arc_path(*seg, lon0=pacific))]
        assert all(-180 * DEG <= x <= 180 * DEG for x in xs), (pacific, seam)
    assert 100.0 <= pacific % 360.0 <= 260.0  # centred on the Pacific
    atlantic = choose_central_meridian([(51.5, -0.1, 40.7, -74.0)], places=[-0.1, -74.0])
    assert -90.0 <= atlantic <= 90.0  # the seam stays in the Pacific; centred between London and New York
    assert atlantic == -40.0  # farthest seam from both: 140 deg E is 140.1 deg from London, 146 from New York
    assert choose_central_meridian([]) == 0.0


def test_markers_sit_at_their_coordinates_on_a_pacific_centred_map():
    p = project_point(*CALIFORNIA, lon0=150.0)
    assert (p.x(), p.y()) == pytest.approx(((360 - 115.53 - 150.0) * DEG, -35.48 * DEG))
    assert unproject(p, 150.0) == pytest.approx(CALIFORNIA)
    q = project_point(*PERTH, lon0=150.0)
    assert unproject(q, 150.0) == pytest.approx(PERTH)
    assert q.x() < p.x()  # Perth west of California across the Pacific


def test_central_meridian_of_a_project_is_the_seam_choice_of_its_routes():
    """``central_meridian_of`` (what File > Open computes on its worker) gives the same meridian
    as choosing it from the project's route segments, and remembers it."""
    from ui.views.map_projection import _central_meridian, central_meridian_of

    project = demo_project()
    at = {f.id: (f.lat, f.lon) for f in project.facilities if f.lat is not None and f.lon is not None}
    segments = [(*at[r.from_id], *at[r.to_id]) for r in project.routes if r.from_id in at and r.to_id in at]
    want = choose_central_meridian(segments, places=[lon for _lat, lon in at.values()])
    _central_meridian.cache_clear()
    assert central_meridian_of(project) == want
    assert central_meridian_of(project) == want and _central_meridian.cache_info().hits == 1


def test_a_hidden_map_builds_markers_and_arcs_on_turns_of_their_own(qtbot, doc):
    """A project opened (or a plan arriving) while the map tab is hidden is drawn on later turns
    of the event loop (ui.runtime.turns), not when the map is first shown and not in the same turn."""
    from ui.runtime import turns

    p = MapPanel(doc)
    qtbot.addWidget(p)  # never shown
    new = demo_project()
    doc.set_project(new)

    def drawn_from_new() -> bool:
        ids = {id(f) for f in new.facilities}
        return bool(p.view.markers) and all(id(m.facility) in ids for m in p.view.markers.values())

    assert not drawn_from_new()  # not in the turn that replaced the project
    qtbot.waitUntil(drawn_from_new, timeout=5000)
    assert set(p.view.markers) == {f.id for f in new.facilities if f.lat is not None}
    doc.set_result(_result())
    p.set_year(2030)
    assert p.view.arcs == []
    qtbot.waitUntil(lambda: len(turns.queue()) == 0, timeout=5000)
    assert p.view.flow_tonnes() == pytest.approx({("kmp", "noveon"): 400.0, ("lynas-lamp", "kmp"): 100.0})


def _pixel(image, view, lat: float, lon: float):
    """Colour of the grabbed map at a place (QColor)."""
    from ui.views.map_projection import project_point

    p = view.mapFromScene(project_point(lat, lon, view.lon0))
    return image.pixelColor(p.x(), p.y())


def test_the_basemap_paints_land_ocean_and_antialiased_coasts(qtbot, panel):
    """Land is filled without antialiasing (a twentieth of the cost) under an antialiased coast
    line: the inland pixel is exactly the land colour, the sea exactly the ocean colour, and the
    coast line has blended pixels, not only hard steps."""
    from ui.views.map_view import BORDER, LAND, OCEAN

    view = panel.view
    for m in view.markers.values():
        m.setVisible(False)
    view.grid.setVisible(False)
    image = view.viewport().grab().toImage()
    assert _pixel(image, view, -25.0, 127.0) == LAND  # the Gibson Desert, Western Australia
    assert _pixel(image, view, -30.0, 105.0) == OCEAN  # the Indian Ocean west of Perth
    # a row across Australia's west coast near Carnarvon (24.9 S, 113.7 E)
    a = view.mapFromScene(project_point(-24.5, 110.0, view.lon0))
    b = view.mapFromScene(project_point(-24.5, 117.0, view.lon0))
    row = [image.pixelColor(x, a.y()) for x in range(a.x(), b.x() + 1)]
    plain = {LAND.rgb(), OCEAN.rgb(), BORDER.rgb()}
    assert row[0] == OCEAN and row[-1] == LAND
    assert any(c.rgb() not in plain for c in row), "no blended pixel on the coast: not antialiased"


def test_a_planned_facility_is_drawn_faded_an_operating_one_in_full(qtbot, panel, doc):
    from ui.views.palette import country_colour

    view = panel.view
    image = view.viewport().grab().toImage()

    def centre(fid: str):  # the commonest colour of the 5 x 5 pixels at the marker's centre
        from collections import Counter

        p = view.view_pos_of(fid)
        counts = Counter(image.pixel(p.x() + dx, p.y() + dy) for dx in range(-2, 3) for dy in range(-2, 3))
        return QColor(counts.most_common(1)[0][0])

    assert centre("mt-weld") == country_colour("AU")  # operating: the country's colour
    faded = centre("nolans")  # planned: the country's colour at 45 % over the land
    au = country_colour("AU")
    from ui.views.map_view import LAND

    for part in ("red", "green", "blue"):
        expect = 0.45 * getattr(au, part)() + 0.55 * getattr(LAND, part)()
        assert abs(getattr(faded, part)() - expect) <= 3


def test_an_arc_is_bounded_by_its_path_and_its_area_is_redrawn_when_it_goes(qtbot, panel, doc):
    """The bounding rect of an arc is its path's, widened by its pen; before, it was empty (the
    arc's shape was empty), so an arc that went away stayed on screen until the next full paint."""
    view = panel.view
    doc.set_result(_result())
    panel.set_year(2030)
    arc = next(a for a in view.arcs if a.dst.id == "noveon")
    path_rect = arc.path().controlPointRect()
    rect = arc.boundingRect()
    assert not path_rect.isEmpty() and rect.contains(path_rect)
    half_pen = arc.width / 2 / view.transform().m11()  # scene units of half the 10 px pen
    assert rect.adjusted(half_pen, half_pen, -half_pen, -half_pen).contains(path_rect)
    # its tooltip shows along the arc, not far from it
    mid = arc.path().pointAtPercent(0.5)
    assert arc.shape().contains(mid)
    assert not arc.shape().contains(mid + QPointF(0, 10 * DEG))
    changed = []
    view.scene().changed.connect(lambda rects: changed.extend(rects))
    gone = arc.sceneBoundingRect()
    doc.set_result(None)
    qtbot.waitUntil(lambda: bool(changed), timeout=3000)
    assert any(r.contains(gone) for r in changed)


def test_a_flow_between_facilities_at_one_place_is_a_loop_between_their_markers(qtbot, panel, doc):
    """Mountain Pass mine and separation plant share 35.48 N, 115.53 W: a great-circle arc between
    them has no length (the sample's biggest flow, 17,921 t, showed nothing). Their markers are
    spread on a 10 px circle (mine at the top, the plant below, the group's order); the flow is a
    curve from one marker to the other that bulges 14 px past the circle, so it shows beside them.
    By hand: offsets (0, -10) and (0, 10) px, midpoint at the place, so the bulge goes across the
    chord: control point 10 + 14 = 24 px to the side; the curve's middle is half-way, 12 px."""
    from models.vocab import Material
    from ui.views.map_view import SITE_LOOP_PX, SiteFlow, site_loop_path
    from ui.views.palette import MATERIAL_COLOURS

    path = site_loop_path(QPointF(0, -10), QPointF(0, 10))
    mid = path.pointAtPercent(0.5)
    assert abs(mid.x()) == pytest.approx((10 + SITE_LOOP_PX) / 2) and mid.y() == pytest.approx(0, abs=1e-9)
    # offsets on one side of the place: the bulge goes further out along their midpoint
    side = site_loop_path(QPointF(10, 0), QPointF(0, 10)).pointAtPercent(0.5)
    assert math.hypot(side.x(), side.y()) > 10

    view = panel.view
    result = _result()
    result.flows.append(Flow("mp-mine", "mp-separation", "concentrate", 2030, "clean", 800.0))
    doc.set_result(result)
    panel.set_year(2030)
    assert view.flow_tonnes()[("mp-mine", "mp-separation")] == pytest.approx(800.0)
    loop = next(a for a in view.arcs if a.dst.id == "mp-separation")
    assert isinstance(loop, SiteFlow)
    assert loop.width == pytest.approx(10.0)  # the year's biggest flow: 800 t of 800 t
    ends = (loop.path().pointAtPercent(0), loop.path().pointAtPercent(1))
    assert ends == (view.markers["mp-mine"].offset, view.markers["mp-separation"].offset)
    assert "Mountain Pass mine" in loop.toolTip() and "800 t" in loop.toolTip()
    # drawn: the loop's middle, in px beside the markers, has the material's colour over the map
    view.fit()
    qtbot.wait(30)
    image = view.viewport().grab().toImage()
    at = view.mapFromScene(loop.pos()) + loop.path().pointAtPercent(0.5).toPoint()
    colour = image.pixelColor(at.x(), at.y())
    from ui.views.map_view import LAND, OCEAN

    assert colour.rgb() not in (LAND.rgb(), OCEAN.rgb())
    concentrate = QColor(MATERIAL_COLOURS[Material.CONCENTRATE])
    assert abs(colour.hue() - concentrate.hue()) <= 12  # the concentrate's colour, 75 % over the land
    # a flow between two places stays an arc
    assert not isinstance(next(a for a in view.arcs if a.dst.id == "noveon"), SiteFlow)


def test_the_flow_legend_names_the_materials_of_the_arcs_drawn(qtbot, panel, doc):
    """Arc colours had no key on the map. In 2030 the test plan moves NdPr metal (KMP -> Noveon)
    and NdPr oxide (Lynas -> KMP): the legend lists those two, in the chain's material order
    (oxide before metal), each in its arc's colour; filtered to oxide, only oxide; no plan, none."""
    from models.vocab import Material
    from ui.views.palette import MATERIAL_COLOURS

    view = panel.view
    doc.set_result(_result())
    panel.set_year(2030)
    assert view.flow_legend() == [("NdPr oxide", QColor(MATERIAL_COLOURS[Material.NDPR_OXIDE]).name()),
                                  ("NdPr metal", QColor(MATERIAL_COLOURS[Material.NDPR_METAL]).name())]
    panel.set_material("ndpr_oxide")
    assert [t for t, _c in view.flow_legend()] == ["NdPr oxide"]
    doc.set_result(None)
    assert view.flow_legend() == []


def test_arcs_point_at_their_destination_and_a_seam_crossing_end_is_marked(qapp):
    """An arrowhead shows which way a flow goes: its tip sits ARROW_SETBACK_PX before the arc's
    end, on the line from the last step. Korea (127.5 E) to Texas (97.9 W) on a map centred on
    0 E crosses the seam at 180 deg (the path runs on beyond the edge): its end is away from
    Texas's marker, so the arc marks it (crosses_seam); Australia to Korea does not."""
    from PySide6.QtGui import QTransform

    from models.project import Facility
    from ui.views.map_view import ARROW_SETBACK_PX, FlowArc

    kor = Facility(id="kor", name="Korea", stage=Stage.METAL, country="KR", lat=36.64, lon=127.49)
    tex = Facility(id="tex", name="Texas", stage=Stage.MAGNET_NDFEB, country="US", lat=29.88, lon=-97.94)
    aus = Facility(id="aus", name="Australia", stage=Stage.MINE, country="AU", lat=-28.86, lon=122.55)
    across = FlowArc(kor, tex, {"ndpr_metal": 10.0}, 10.0, lon0=0.0)
    inside = FlowArc(aus, kor, {"concentrate": 10.0}, 10.0, lon0=0.0)
    assert across.crosses_seam and not inside.crosses_seam
    # with 1 px per scene unit: the tip is ARROW_SETBACK_PX from the end, back along the last step
    scale = QTransform.fromScale(1 / DEG, 1 / DEG)  # one px per degree
    head = inside.arrow_head(scale)
    end = scale.map(inside.path().currentPosition())
    tip = head.at(0)
    assert math.hypot(tip.x() - end.x(), tip.y() - end.y()) == pytest.approx(ARROW_SETBACK_PX, abs=1e-6)
    start = scale.map(QPointF(inside.path().elementAt(0).x, inside.path().elementAt(0).y))
    # Australia -> Korea runs north: the head's base is south of its tip (larger y on screen)
    base_y = (head.at(1).y() + head.at(2).y()) / 2
    assert base_y > tip.y() and start.y() > end.y()


def test_the_facilities_moving_most_tonnes_are_named_on_the_map(qtbot, panel, doc):
    """In 2030 KMP moves 500 t (400 out to Noveon, 100 in from Lynas), Noveon 400 t, Lynas 100 t:
    the three are named beside their markers, the busiest first; with no plan, no names."""
    view = panel.view
    doc.set_result(_result())
    panel.set_year(2030)
    names = {fid: label.text() for fid, label in view.labels.items()}
    assert list(view.labels)[0] == "kmp"
    assert names == {fid: doc.project.facility(fid).name for fid in ("kmp", "noveon", "lynas-lamp")}
    assert all(label.zValue() > view.markers[fid].zValue() for fid, label in view.labels.items())
    doc.set_result(None)
    assert view.labels == {}
