"""The "Contracts and levers" tab: tables over project.levers, undoable edits and additions."""

from __future__ import annotations

from models import load_project
from models.project import Grant
from tests.planner.helpers import REAL
from ui.document.document import Document
from ui.editors.levers_tab import LeversTab


def test_price_floor_edit_is_undoable_and_a_bad_value_is_refused(qapp):
    doc = Document(load_project(REAL))
    tab = LeversTab(doc)
    model = tab.editors["price_floors"].model
    assert model.rowCount() == 1 and model.item(0) is doc.project.levers.price_floors[0]
    col = model.column_of("floor_usd_per_t")
    assert model.data(model.index(0, col)) == "110,000"
    assert model.setData(model.index(0, col), "95,000") is True
    assert doc.project.levers.price_floors[0].floor_usd_per_t == 95_000
    doc.undo_stack.undo()
    assert doc.project.levers.price_floors[0].floor_usd_per_t == 110_000
    assert model.data(model.index(0, col)) == "110,000"
    assert model.setData(model.index(0, col), "-5") is False  # refused, not stored
    assert doc.project.levers.price_floors[0].floor_usd_per_t == 110_000


def test_benchmark_by_year_is_typed_as_year_value_pairs(qapp):
    doc = Document(load_project(REAL))
    model = LeversTab(doc).editors["price_floors"].model
    col = model.column_of("benchmark_usd_per_t_by_year")
    assert model.setData(model.index(0, col), "2026: 70000, 2028: 90000") is True
    assert doc.project.levers.price_floors[0].benchmark_usd_per_t_by_year == {2026: 70_000.0, 2028: 90_000.0}


def test_add_grant_row_then_undo_removes_it(qapp):
    doc = Document(load_project(REAL))
    tab = LeversTab(doc)
    editor = tab.editors["grants"]
    n = len(doc.project.levers.grants)
    editor.add_row()
    assert len(doc.project.levers.grants) == n + 1 and editor.model.rowCount() == n + 1
    assert isinstance(doc.project.levers.grants[-1], Grant)
    doc.undo_stack.undo()
    assert len(doc.project.levers.grants) == n and editor.model.rowCount() == n


def test_render_levers_tab(qapp, tmp_path):
    doc = Document(load_project(REAL))
    tab = LeversTab(doc)
    tab.resize(1300, 420)
    tab.tabs.setCurrentIndex(0)
    tab.show()
    qapp.processEvents()
    path = tmp_path / "levers.png"
    assert tab.grab().save(str(path))
    assert path.stat().st_size > 1000


def test_cost_to_government_kpi_card(qtbot):
    """The 50 % grant of the $7M build: the card shows $3.5 M for government and industry's share."""
    from models.project import Grant as G
    from planner.pipeline.solve import SolveOptions, solve_project
    from tests.planner.helpers import mini_chain, option
    from ui.results.dashboard import ResultsDashboard

    p = mini_chain(magnet_option=option(fixed_capex_musd=2.0))
    p.levers.grants = [G(id="g", option_id="mag_x", share=0.5)]
    r = solve_project(p, SolveOptions(solver="highs"))
    dash = ResultsDashboard()
    qtbot.addWidget(dash)
    dash.resize(1300, 800)
    dash.set_result(p, r)
    qtbot.waitUntil(lambda: dash.shows_plan, timeout=5000)
    assert dash.gov_card.value_label.text() == "$3.5 M"
    assert f"Industry pays ${r.total_cost_musd - 3.5:,.1f} M" in dash.gov_card.detail_label.text()
    assert "1 lever lines, 1 kinds" in dash.gov_card.detail_label.text()
