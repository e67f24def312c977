"""Contracts and levers on the capacity build-out timeline: bands for offtakes and price floors,
diamonds for grants and loans, triangles for stockpile buys and releases; names in tooltips."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from models.project import GovStockpile, Grant, Loan, Offtake, PriceFloor
from planner.pipeline.solve import SolveOptions, solve_project
from tests.planner.helpers import mini_chain, option
from ui.results.buildout import FLOOR, GRANT, OFFTAKE, BuildoutTimeline
from ui.results.lever_marks import lever_marks


@pytest.fixture(scope="module")
def solved():
    """mini_chain (100 t/yr defense magnets, 2026-29) with a $2M + $0.05M per t/yr magnet option, built
    in 2026 for 100 t/yr = $7M. Levers: a 50 % grant on it (government $3.5M in 2026), a $10M loan
    on it, a price floor of $110,000/t on the separation plant's oxide with a $70,000/t benchmark in
    2026-27 and $120,000/t from 2028 (the plant is online from 2027, 2026 magnets are imported: 40 t
    oxide sold a year from 2027, top-up (110,000 - 70,000) x 40 t = $1.6M in 2027, $0 after),
    an offtake of 50-100 t/yr of magnets from 2027, and a stockpile committed to buy 60 t in 2027 (the
    plant is online from 2027; nothing clean to buy before)."""
    p = mini_chain(magnet_option=option(fixed_capex_musd=2.0))
    p.facilities[1].variable_opex_usd_per_t = p.facilities[2].variable_opex_usd_per_t = 100
    lv = p.levers
    lv.grants = [Grant(id="g", name="Half the plant", option_id="mag_x", share=0.5)]
    lv.loans = [Loan(id="l", name="OSC loan", option_id="mag_x", amount_musd=10, rate=0.0, term_years=2)]
    lv.price_floors = [PriceFloor(id="pf", name="DoD oxide floor", facility_id="sep", material="ndpr_oxide",
                                  floor_usd_per_t=110_000, benchmark_usd_per_t_by_year={2026: 70_000, 2028: 120_000})]
    lv.offtakes = [Offtake(id="ot", name="Magnet offtake", facility_id="mag", material="ndfeb_magnet", min_tpy=50,
                           max_tpy=100, price_usd_per_t=60_000, first_year=2027)]
    lv.stockpiles = [GovStockpile(id="dla", name="DLA magnets", material="ndfeb_magnet", capacity_t=100,
                                  committed_t_by_year={2027: 60})]
    r = solve_project(p, SolveOptions(solver="highs"))
    assert r.has_plan, r.message
    return p, r


def test_lever_marks_place_each_lever(solved):
    p, r = solved
    m = lever_marks(p, r)
    (floor,) = m.bands["sep"]
    assert floor.kind == "price_floor" and floor.name == "DoD oxide floor" and floor.years == [2026, 2027, 2028, 2029]
    assert 2026 not in floor.tonnes_by_year and not floor.filled(2026)
    assert floor.tonnes_by_year[2027] == pytest.approx(40) and floor.cost_by_year[2027] == pytest.approx(1.6)
    assert floor.filled(2027) and floor.tonnes_by_year[2029] == pytest.approx(40) and not floor.filled(2029)
    (ot,) = m.bands["mag"]
    assert ot.kind == "offtake" and ot.years == [2027, 2028, 2029] and ot.detail.startswith("min 50 t/yr at $60,000/t")
    points = {pt.kind: pt for pt in m.points["mag"]}
    assert points["grant"].option == "mag_x" and points["grant"].year == 2026
    assert points["grant"].cost_musd == pytest.approx(3.5)
    assert points["loan"].name == "OSC loan" and points["loan"].year == 2026
    (s,) = m.stockpiles
    assert s.name == "DLA magnets" and s.buys[2027] == pytest.approx(60)


def test_timeline_draws_levers_with_names_in_tooltips(qtbot, solved):
    p, r = solved
    w = BuildoutTimeline()
    qtbot.addWidget(w)
    w.set_result(p, r)
    w.resize(1000, w.sizeHint().height())
    w.show()
    qtbot.waitExposed(w)
    image = w.grab().toImage()  # paints; the hit areas are those of this paint
    hits = w.hits()
    texts = [t for _r, t in hits]
    head = "DoD oxide floor (price floor, id pf) at Separation: "
    floor_2027 = [rect for rect, t in hits if t.startswith(head + "2027")]
    assert head + "2027, 40 t sold under the floor, government pays $1.60 M; floor $110,000/t" in texts
    assert head + "2026, nothing sold: no top-up; floor $110,000/t" in texts
    assert head + "2029, 40 t sold, benchmark at or above the floor: no top-up; floor $110,000/t" in texts
    assert any(t.startswith("Half the plant (grant, id g) for Magnets (option mag_x): 2026, government paid $3.50 M")
               for t in texts)
    assert any(t.startswith("OSC loan (loan, id l) for Magnets") for t in texts)
    assert any(t.startswith("Magnet offtake (offtake, id ot) at Magnets: 2027") for t in texts)
    assert any(t.startswith("DLA magnets in 2027: bought 60.0 t") for t in texts)

    def colour_at(rect) -> QColor:
        c = rect.center()
        return image.pixelColor(int(c.x()), int(c.y()))

    def near(a: QColor, b: QColor, tol: int = 60) -> bool:
        return all(abs(x - y) <= tol for x, y in ((a.red(), b.red()), (a.green(), b.green()), (a.blue(), b.blue())))

    def filled(c: QColor) -> QColor:  # a band's fill: the lever's colour at alpha 150 over the white-ish row
        a = 150 / 255
        return QColor(*(round(a * x + (1 - a) * 250) for x in (c.red(), c.green(), c.blue())))

    # a year with tonnes under the floor is filled in the floor's colour (amber), not capacity grey or blue
    assert near(colour_at(floor_2027[0]), filled(FLOOR), tol=30)
    floor_2029 = [rect for rect, t in hits if t.startswith(head + "2029")][0]
    assert not near(colour_at(floor_2029), filled(FLOOR), tol=30)  # outlined only: no top-up that year
    ot_2027 = [rect for rect, t in hits if t.startswith("Magnet offtake (offtake, id ot) at Magnets: 2027")][0]
    assert near(colour_at(ot_2027), filled(OFFTAKE), tol=30)
    grant = [rect for rect, t in hits if t.startswith("Half the plant (grant")][0]
    assert near(colour_at(grant), GRANT)


def test_dashboard_shows_the_lever_legend_only_with_levers(qtbot, solved):
    from tests.ui.solve_fixtures import hand_result, small_project
    from ui.results.dashboard import ResultsDashboard

    p, r = solved
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.resize(1300, 800)
    d.show()
    d.set_result(p, r)
    d.finish_pending()
    assert not d.buildout_lever_legend.isHidden()
    assert "offtake period" in d.buildout_lever_legend.text()
    # the Stocks and levers table names each lever (id in the tooltip) and the stockpile of a release
    t = d.stocks_levers.levers
    rows = {(t.item(i, 0).text(), t.item(i, 1).text()): i for i in range(t.rowCount())}
    g = rows[("grant", "Half the plant")]
    assert t.item(g, 1).toolTip() == "g" and t.item(g, 2).text() == "Magnets"
    rel = rows[("stockpile release", "DLA magnets")]
    assert t.item(rel, 2).text() == "DLA magnets"
    d.set_result(small_project(), hand_result())
    d.finish_pending()
    assert d.buildout_lever_legend.isHidden()


@pytest.mark.parametrize("width", [944, 1064, 1300, 1700])
def test_kpi_cards_never_leave_a_card_alone_and_never_clip(qtbot, solved, width):
    """944 and 1064 px are the dashboard's widths in the main window at 1280 x 800 and at the default
    1400 x 900 (solve dock on the right). Five cards: one row of 5 when every card's widest line fits a
    fifth of the width, else 3 + 2; every line of every card fits unwrapped. Without levers (four
    cards): 4 or 2 + 2."""
    from tests.ui.solve_fixtures import hand_result, small_project
    from tests.ui.test_results_render import _lines_fit
    from ui.results.dashboard import ResultsDashboard

    p, r = solved
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.resize(width, 800)
    d.show()
    qtbot.waitExposed(d)
    for project, result, n in ((p, r, 5), (small_project(), hand_result(), 4)):
        d.set_result(project, result)
        d.finish_pending()
        d.tabs.setCurrentIndex(1)  # the Overview: a new plan opens on the Decision tab, where the cards step aside
        qtbot.wait(10)
        grid = d.kpi_grid
        rows = grid.rows()
        assert sum(len(x) for x in rows) == n and all(len(x) >= 2 for x in rows), [len(x) for x in rows]
        assert [c.isVisible() for c in d.cards].count(True) == n
        for card in grid.shown_cards():
            for label in (card.title_label, card.value_label, card.detail_label):
                assert _lines_fit(label), (width, label.text())


def test_kpi_grid_column_choices_leave_no_card_alone():
    from ui.results.kpi_cards import KpiGrid

    assert KpiGrid.column_choices(5) == [5, 3]
    assert KpiGrid.column_choices(4) == [4, 2]
    assert KpiGrid.column_choices(6) == [6, 4, 3, 2]  # 5 + 1 would leave one alone
    assert KpiGrid.column_choices(1) == [1]
