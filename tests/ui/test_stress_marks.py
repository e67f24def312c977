"""After a stress test, its single points of failure are marked on the chain view and the map, and
drawn in the likelihood-versus-impact matrix; the marks go when the project changes or a new plan
is solved. Hand chain: tests/planner/test_stress_matrix.rated_sole_and_dual_project."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from planner.result import PlanResult, Status
from tests.planner.test_stress_matrix import rated_sole_and_dual_project
from ui.document.document import Document
from ui.panels.stress_panel import StressPanel
from ui.views.chain_view import ChainView
from ui.views.map_view import MapView

MARK = "single point of failure: 30.0 t defense SmCo short per year 2027-2028 if out"


@pytest.fixture
def stressed(qtbot):
    """The hand chain placed on the map (three US / Canadian sites), stressed in 2027-2028."""
    p = rated_sole_and_dual_project()
    for f, (lat, lon) in zip(p.facilities, ((35.0, -80.0), (45.0, -75.0), (40.0, -100.0))):
        f.lat, f.lon = lat, lon
    doc = Document(p)
    chain, world = ChainView(doc), MapView(doc)
    panel = StressPanel(doc)
    for w in (chain, world, panel):
        qtbot.addWidget(w)
    panel.resize(1000, 800)
    panel.show()
    panel.first_spin.setValue(2027)
    panel.last_spin.setValue(2028)
    panel.workers_spin.setValue(1)
    panel.run_button.click()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=60_000)
    assert panel.report is not None
    return doc, chain, world, panel


def test_the_sole_supplier_is_marked_on_the_chain_and_the_map(stressed):
    """smco_us (the sole SmCo plant, 30 t/yr) is marked with its figure; mag_us (NdFeB, the spare
    plant takes over) and mag_ca (idle) are not."""
    doc, chain, world, _panel = stressed
    assert chain.marked_facilities() == {"smco_us": MARK}
    assert MARK in chain.nodes["smco_us"].toolTip()
    assert "single point of failure" not in chain.nodes["mag_us"].toolTip()
    assert all(item.isVisible() for item in chain._spof_legend)
    assert chain._spof_legend[-1].text() == ("single point of failure (stress test of the base case, 2027-2028: "
                                            "out alone, defense short)")
    assert world.marked_facilities() == {"smco_us": MARK}
    assert MARK in world.markers["smco_us"].toolTip()
    assert "single point of failure" not in world.markers["mag_us"].toolTip()
    # a view made after the test (or rebuilt) shows the marks too
    chain.rebuild()
    assert chain.marked_facilities() == {"smco_us": MARK}
    assert ChainView(doc).marked_facilities() == {"smco_us": MARK}


def test_the_matrix_has_one_point_per_element_at_the_hand_coordinates(stressed):
    """x = P over 2027-2028, y = shortfall beyond the baseline over both years (t): smco_us (0.19,
    60 t), mag_us (0.0975, 0 t), country AU (0.0396, 260 t); axes to round maxima above the largest:
    0.19 x 1.08 -> 25 %, 260 x 1.08 = 280.8 -> 300 t. Country US (60 t) is listed apart."""
    _doc, _chain, _world, panel = stressed
    view = panel.matrix_view
    assert (view.x_max, view.y_max) == (pytest.approx(0.25), pytest.approx(300.0))
    plot = view.plot_rect()
    hand = {"facility:smco_us": (0.19, 60.0), "facility:mag_us": (0.0975, 0.0), "country:AU": (0.0396, 260.0)}
    assert sorted(p.id for p in view.points) == sorted(hand)
    for element, (prob, tonnes) in hand.items():
        at = view.position_of(element)
        assert (at.x() - plot.left()) / plot.width() * 0.25 == pytest.approx(prob)
        assert (plot.bottom() - at.y()) / plot.height() * 300.0 == pytest.approx(tonnes, abs=1e-6)
        dot = view.group_at(at)
        assert [p.id for p in dot] == [element]
    spofs = {p.id for p in view.points if p.single_point_of_failure}
    assert spofs == {"facility:smco_us", "country:AU"}
    assert {p.id for p in view.points if p.id in view.labels} == set(hand)  # every name placed
    assert "P(outage in 2027-2028) 19.0 %, 60.0 t short" in view.tooltip_text(view.group_at(
        view.position_of("facility:smco_us")))
    assert panel.unrated.texts() == ["US (country): 60.0 t — single point of failure"]
    shot = panel.matrix_view.grab()
    assert not shot.isNull() and shot.width() > 300


def test_an_edit_clears_the_marks_and_the_panel_says_so(stressed):
    doc, chain, world, panel = stressed
    smco = doc.project.facilities[2]
    doc.set_field(smco, "capacity_tpy", 60.0)
    assert chain.marked_facilities() == {} and world.marked_facilities() == {}
    assert not any(item.isVisible() for item in chain._spof_legend)
    assert "Out of date: the project changed since the stress test" in panel.status_label.text()


def test_a_new_plan_clears_the_marks(stressed):
    doc, chain, world, panel = stressed
    doc.set_result(PlanResult(status=Status.OPTIMAL, message="ok", solver="test"))
    assert chain.marked_facilities() == {} and world.marked_facilities() == {}
    panel.show_report(panel.report)  # shown again (for the current inputs): marked again
    assert chain.marked_facilities() == {"smco_us": MARK}
    doc.set_project(rated_sole_and_dual_project())
    assert ChainView(doc).marked_facilities() == {}


def test_an_edit_during_the_run_leaves_no_marks(stressed):
    """The marks belong to the inputs the test started from: a report of other inputs marks nothing."""
    doc, chain, _world, panel = stressed
    panel._run_digest = "inputs of another revision"
    panel.show_report(panel.report)
    assert chain.marked_facilities() == {}
    assert "Out of date: the project changed while the stress test ran" in panel.status_label.text()


def test_the_main_window_marks_its_chain_and_map_and_gives_the_page_room(qtbot):
    """The Risk tab's stress page and the window's chain and map share the document's marks; showing
    the page gives the Risk tab's lower half at least 70 % of its split."""
    from planner.analysis.stress import run_stress
    from planner.pipeline.solve import SolveOptions
    from tests.ui.helpers import close_window
    from ui.shell.main_window import MainWindow

    p = rated_sole_and_dual_project()
    for f, (lat, lon) in zip(p.facilities, ((35.0, -80.0), (45.0, -75.0), (40.0, -100.0))):
        f.lat, f.lon = lat, lon
    w = MainWindow(p)
    qtbot.addWidget(w)
    w.resize(1400, 1400)
    w.show()
    rep = run_stress(w.doc.project, years=[2027, 2028], workers=1, options=SolveOptions(time_limit_s=30))
    page = w.risk_panel.stress_panel
    page.show_report(rep)
    assert w.chain_view.marked_facilities() == {"smco_us": MARK}
    assert w.map_view.marked_facilities() == {"smco_us": MARK}
    w.tabs.setCurrentWidget(w.risk_panel)
    w.risk_panel.tabs.setCurrentIndex(0)
    w.risk_panel.body.setSizes([600, 200])
    w.risk_panel.tabs.setCurrentWidget(page)
    top, bottom = w.risk_panel.body.sizes()
    assert bottom >= 0.69 * (top + bottom) or top == w.risk_panel.body.widget(0).minimumSizeHint().height()
    assert bottom > 600  # the window is 1,400 px tall: the page is not squeezed under the charts
    close_window(w)


def test_a_click_on_a_dot_or_a_row_selects_the_facility_everywhere(qtbot, stressed):
    doc, chain, world, panel = stressed
    view = panel.matrix_view
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.position_of("facility:smco_us").toPoint())
    assert doc.current_facility is not None and doc.current_facility.id == "smco_us"
    assert chain.nodes["smco_us"].isSelected() and world.markers["smco_us"].selected
    row = next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 0).text() == "NdFeB US")
    panel.table.cellClicked.emit(row, 1)
    assert doc.current_facility.id == "mag_us"
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.position_of("country:AU").toPoint())
    assert doc.current_facility.id == "mag_us"  # a country is no one facility: the selection stays


def test_the_page_exports_the_workbook_with_the_matrix(qtbot, stressed, tmp_path):
    """Written on a worker thread and read back: the Risk matrix sheet has the hand rows; a path in a
    missing folder gives a plain message, not a traceback."""
    from openpyxl import load_workbook

    _doc, _chain, _world, panel = stressed
    assert panel.export_button.isEnabled()
    path = tmp_path / "stress.xlsx"
    with qtbot.waitSignal(panel.exported, timeout=30_000) as sig:
        panel.export_xlsx(str(path))
    assert sig.args == [str(path), ""]
    ws = load_workbook(path)["Risk matrix"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, max_col=5, values_only=True) if r[0]}
    assert rows["facility:smco_us"][3] == pytest.approx(0.19) and rows["facility:smco_us"][4] == pytest.approx(60.0)
    assert rows["country:US"][3] == "no probability in catalogue"
    assert "Stress workbook written to" in panel.status_label.text()
    qtbot.waitUntil(lambda: panel.export_button.isEnabled(), timeout=5_000)
    bad = tmp_path / "no such folder" / "stress.xlsx"
    with qtbot.waitSignal(panel.exported, timeout=30_000) as sig:
        panel.export_xlsx(str(bad))
    assert sig.args[1] and "folder does not exist" in sig.args[1]
    assert "Stress workbook not written" in panel.status_label.text() and not bad.exists()
