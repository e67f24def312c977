"""ResultsDashboard on a hand-built PlanResult: every figure below is worked out by hand from
``tests/ui/solve_fixtures.hand_result()``."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCharts import QLineSeries, QLogValueAxis, QStackedBarSeries
from PySide6.QtCore import Qt

from planner.result import PlanResult, Status
from tests.ui.solve_fixtures import hand_result, small_project
from ui.results.dashboard import ResultsDashboard
from ui.results.export import ExportError
from ui.results.investments_model import SORT_ROLE
from ui.results.sankey import layout_sankey, sankey_data
from ui.results.summary import buildout_rows, compute_kpis, supply_vs_demand


@pytest.fixture
def dash(qtbot):
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.resize(1400, 900)
    d.set_result(small_project(), hand_result())
    assert d.is_filling and d.kpis is not None  # KPIs at once, charts in later event-loop turns
    d.finish_pending()
    return d


def _bars(view) -> dict[str, list[float]]:
    series = [s for s in view.chart().series() if isinstance(s, QStackedBarSeries)]
    assert len(series) == 1
    return {b.label(): [b.at(i) for i in range(b.count())] for b in series[0].barSets()}


def test_kpi_cards(dash):
    assert dash.shows_plan
    assert dash.total_card.value_label.text() == "$987.6 M"
    assert dash.capex_card.value_label.text() == "$150.3 M"
    # NdFeB 2027: defense 700 + platform 60 all clean; all segments 700 + 1200 + 60 = 1960 clean
    # of 2260 delivered -> 86.7 %; nothing unmet
    assert dash.ndfeb_card.title_label.text() == "NdFeB 2027 · defense compliant"
    assert dash.ndfeb_card.value_label.text() == "100.0 %"
    # defense 700 + 60 = 760 t, commercial 1,500 t, both fully met: whose unmet is said
    assert dash.ndfeb_card.detail_label.text() == (
        "of defense tonnes delivered<br>All segments 86.7 % clean<br>Defense unmet 0.0 t of 760 t<br>"
        "Commercial unmet 0.0 t of 1,500 t")
    # unmet over the horizon: 50 t NdFeB in 2026 + 20 t SmCo in 2026 and 2027 = 90 t, all defense
    total = dash.total_card.detail_label.text()
    assert "Defense unmet, all years: 90.0 t" in total and "Commercial unmet, all years: 0.0 t" in total
    # 3 investments committing 400 + 150 + 80 = $630 M (undiscounted)
    assert "3 investments,<br>$630.0 M undiscounted" in dash.capex_card.detail_label.text()
    # SmCo 2027: 40 of 60 t delivered, all clean, 20 t unmet (shown in red)
    assert dash.smco_card.value_label.text() == "100.0 %"
    assert "Defense unmet 20.0 t of 60.0 t" in dash.smco_card.detail_label.text()
    assert "#b3261e" in dash.smco_card.detail_label.text()
    k = compute_kpis(small_project(), hand_result())
    assert k.products[0].clean_share == pytest.approx(1960 / 2260)
    assert k.products[0].defense_clean_share == 1.0 and k.products[0].defense_demand_t == 760
    assert (k.products[1].defense_demand_t, k.products[1].defense_unmet_t) == (60, 20)


def test_supply_chart_stacks_clean_other_unmet_with_a_demand_line(dash):
    assert dash.product_combo.currentData() == "ndfeb_magnet"
    bars = _bars(dash.supply_view)
    # 2026: defense 600 - 50 unmet, commercial 1200 clean + 300 other, platform 60
    assert bars["Clean"][0] == pytest.approx(550 + 1200 + 60)
    assert bars["Other origin"][0] == pytest.approx(300)
    assert bars["Unmet"][0] == pytest.approx(50)
    assert bars["Clean"][1] == pytest.approx(700 + 1200 + 60)
    line = [s for s in dash.supply_view.chart().series() if isinstance(s, QLineSeries)][0]
    assert [p.y() for p in line.points()][:2] == [2160, 2260]
    dash.segment_combo.setCurrentIndex(dash.segment_combo.findData("defense"))
    bars = _bars(dash.supply_view)  # defense only: 550 + 60 platform clean, 50 unmet in 2026
    assert (bars["Clean"][0], bars["Other origin"][0], bars["Unmet"][0]) == (610, 0, 50)
    assert "defense supply" in dash.supply_view.chart().title()
    dash.product_combo.setCurrentIndex(dash.product_combo.findData("smco_magnet"))
    bars = _bars(dash.supply_view)
    assert bars["Clean"][:3] == [40, 40, 60] and bars["Unmet"][:3] == [20, 20, 0]
    dash.segment_combo.setCurrentIndex(dash.segment_combo.findData("commercial"))
    assert dash.supply_view.chart().series() == []  # no commercial SmCo demand
    assert "No commercial demand" in dash.supply_view.chart().title()


def test_cost_and_marginal_charts(dash):
    bars = _bars(dash.cost_view)
    assert bars["Capex"] == [120, 40, 0, 0, 0, 0, 0]
    assert bars["Opex"][:2] == [30, 31] and bars["Transport"][0] == 2.5 and bars["Purchases"][0] == 18
    lines = [s for s in dash.marginal_view.chart().series() if isinstance(s, QLineSeries)]
    names = sorted(s.name() for s in lines)
    assert names == ["NdFeB commercial", "NdFeB defense", "SmCo defense"]
    defense = next(s for s in lines if s.name() == "NdFeB defense")
    # x = index of the year on the category axis 2026..2032
    assert [(p.x(), p.y()) for p in defense.points()][:2] == [(0, 95_000), (1, 93_000)]
    axis = next(a for a in dash.marginal_view.chart().axes(Qt.Orientation.Horizontal))
    assert axis.categories()[:2] == ["2026", "2027"]
    # 60k..140k spans less than 50x: a linear axis
    assert not any(isinstance(a, QLogValueAxis) for a in dash.marginal_view.chart().axes())


def test_investments_table(dash):
    model = dash.investments_model
    assert model.rowCount() == 3
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Facility", "Option", "Decided", "Online", "+ t/yr", "Capex $M", "Defense"]
    first = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    # no defense date in the hand result (None): a separation plant is upstream, its lag is not carried
    # down the chain, so the column shows "-" rather than a defense date
    assert first == ["Seadrift separation", "Separation plant", "2026", "2027", "8,000", "400.0", "-"]
    proxy = dash.investments_proxy
    proxy.sort(5, Qt.SortOrder.DescendingOrder)
    assert [proxy.data(proxy.index(r, 5), SORT_ROLE) for r in range(3)] == [400.0, 150.0, 80.0]


def test_buildout_rows(dash):
    rows = {r.facility: r for r in buildout_rows(small_project(), hand_result())}
    assert rows["sep"].investments[0].option == "Separation plant"
    assert rows["sep"].existing_tpy[2027] == 0
    assert rows["ndfeb"].existing_tpy[2027] == 1000
    assert rows["ndfeb"].capacity_tpy[2028] == 2500
    assert dash.buildout.rows and dash.buildout.sizeHint().height() > 100


def test_sankey_links_and_band_widths_are_proportional_to_tonnes():
    nodes, links = sankey_data(small_project(), hand_result(), 2027)
    by = {(link.source, link.target, link.klass): link for link in links}
    assert by[("metal", "ndfeb", "clean")].tonnes == pytest.approx(745)  # 700 NdPr + 45 Dy metal
    assert by[("metal", "ndfeb", "clean")].materials == {"ndpr_metal": 700, "dy_metal": 45}
    assert by[("cn_magnets", "com_ndfeb", "covered")].tonnes == 300
    node = {n.id: n for n in nodes}
    assert node["com_ndfeb"].inflow == 1500 and node["com_ndfeb"].column == 5
    assert node["def_smco"].demand_t == 60 and node["def_smco"].unmet_t == 20
    assert node["cn_magnets"].covered and node["cn_magnets"].column == 4
    assert node["mine"].column == 0 and node["ndfeb"].column == 4

    lay = layout_sankey(nodes, links, 1300, 700, label_h=16)
    k = lay.scale_px_per_t
    assert k > 0 and lay.links and lay.boxes and lay.columns
    for g in lay.links:
        assert g.thickness == pytest.approx(k * g.link.tonnes)
        assert g.x0 < g.x1  # every band runs left to right
    # node heights: k x max(in, out, demand), and labels of one column never overlap
    for box in lay.boxes.values():
        assert box.rect.height() == pytest.approx(max(k * box.node.size, 2.0))
    for c, _x in lay.columns:
        rects = sorted((b.label_rect for b in lay.boxes.values() if b.node.column == c), key=lambda r: r.top())
        for a, b in zip(rects, rects[1:]):
            assert a.bottom() <= b.top() + 1e-6
    # the whole diagram fits the height
    assert max(b.rect.bottom() for b in lay.boxes.values()) <= 700


def test_sankey_year_change_emits_year_changed(dash, qtbot):
    assert dash.flow_year == 2027
    assert {n.id for n in dash.sankey.nodes} >= {"mine", "sep", "metal", "ndfeb", "def_ndfeb"}
    with qtbot.waitSignal(dash.year_changed, timeout=1000) as blocker:
        dash.set_flow_year(2030)
    assert blocker.args == [2030]
    assert {link.source for link in dash.sankey.links} == {"mine", "ndfeb"}
    dash.tabs.setCurrentIndex(2)
    dash.show()
    qtbot.waitExposed(dash)
    assert not dash.sankey.grab().isNull()
    with pytest.raises(ValueError):
        dash.set_flow_year(1999)


def test_a_result_without_plan_shows_its_message_and_no_stale_charts(qtbot):
    """With no earlier plan, a failed solve shows its message and no chart at all."""
    dash = ResultsDashboard()
    qtbot.addWidget(dash)
    failed = PlanResult(Status.INFEASIBLE, "No plan can meet defense demand: the budget cap is too low.", "cbc")
    dash.set_result(small_project(), failed)
    assert not dash.shows_plan
    assert "budget cap is too low" in dash.message_label.text()
    assert "No plan exists" in dash.message_label.text()
    for view in (dash.supply_view, dash.cost_view, dash.marginal_view):
        assert view.chart().series() == []
    assert dash.investments_model.rowCount() == 0
    assert dash.sankey.nodes == [] and dash.sankey.links == []
    assert dash.buildout.rows == []
    assert dash.flow_year_combo.count() == 0
    assert not dash.export_xlsx_button.isEnabled()
    assert dash.export_json_button.isEnabled()
    assert dash.kpis is None and dash.total_card.value_label.text() == "—"


def test_a_failed_solve_keeps_the_last_plan_marked_out_of_date_with_what_to_relax(dash):
    from planner.result import Relaxation, RelaxationOption

    plan_before = dash.result
    failed = PlanResult(Status.INFEASIBLE, "The model is infeasible.", "highs", relaxations=[
        RelaxationOption("all limits", [Relaxation("capex budget 2026", "budget_year", ["2026"], 4.0, 1.0, "$M",
                                                   "raise the 2026 capex budget by $1.0M (from $4.0M to $5.0M)")]),
        RelaxationOption("commitments", [Relaxation("DLA 2027", "stockpile_commit", ["dla", "2027"], 60.0, 20.0, "t",
                                                    "lower DLA's 2027 purchase commitment by 20.0 t")])])
    dash.set_result(small_project(), failed)
    assert dash.shows_plan and dash.result is plan_before and dash.failed_result is failed
    assert dash.investments_model.rowCount() == 3  # the plan's investments are still there
    assert dash.is_stale_shown and "last solve found no plan" in dash.stale_banner.text()
    text = dash.no_plan_banner.text()
    assert not dash.no_plan_banner.isHidden()
    assert "raise the 2026 capex budget by $1.0M (from $4.0M to $5.0M)" in text
    assert "or, changing only commitments:" in text
    # the next good plan clears both notices
    dash.set_result(small_project(), hand_result())
    dash.finish_pending()
    assert dash.failed_result is None and dash.no_plan_banner.isHidden() and not dash.is_stale_shown


def test_no_result(qtbot):
    d = ResultsDashboard()
    qtbot.addWidget(d)
    assert not d.shows_plan and "No result yet" in d.message_label.text()
    assert not d.export_json_button.isEnabled() and not d.export_xlsx_button.isEnabled()
    with pytest.raises(ExportError):
        d.export_json_to("unused.json")


def test_export_json_equals_to_dict(dash, tmp_path):
    out = tmp_path / "plan.json"
    dash.export_json_to(str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == hand_result().to_dict()
    assert not list(tmp_path.glob("*.tmp"))


def test_export_json_to_a_missing_folder_says_where(dash, tmp_path):
    with pytest.raises(ExportError, match="Cannot write .*nowhere"):
        dash.export_json_to(str(tmp_path / "nowhere" / "plan.json"))


def test_excel_export_calls_the_report_writer(qtbot, dash, tmp_path, monkeypatch):
    """The dashboard hands the child-process writer the path, the project's JSON as it was at the
    click (later edits do not leak in) and the result; the button waits, then "Saved PATH"."""
    import ui.results.dashboard as dashboard_mod
    from models import Project

    calls = []
    monkeypatch.setattr(dashboard_mod, "export_xlsx_in_process",
                        lambda path, text, result, unsaved_edits=False, brief=None:
                        calls.append((path, text, result, unsaved_edits, brief)))
    out = str(tmp_path / "plan.xlsx")
    dash._ask_path = lambda *a: out
    dash.export_xlsx_button.click()
    # written off the GUI thread: the button waits, the status says so, then "Saved"
    assert dash.is_exporting and not dash.export_xlsx_button.isEnabled()
    qtbot.waitUntil(lambda: not dash.is_exporting, timeout=30_000)
    assert calls and calls[0][0] == out and calls[0][2] is dash.result
    assert Project.model_validate_json(calls[0][1]) == dash.project
    assert calls[0][3] is False  # no document: no unsaved edits to mention in the workbook
    assert dash.export_status.full_text() == f"Saved {out}" and dash.export_xlsx_button.isEnabled()


def test_excel_export_failure_is_reported_clearly(qtbot, dash, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    import ui.results.dashboard as dashboard_mod

    out = str(tmp_path / "plan.xlsx")

    def fail(path, text, result, unsaved_edits=False, brief=None):
        raise ExportError(f"The Excel workbook could not be written to {path}: the file is open in another program")

    monkeypatch.setattr(dashboard_mod, "export_xlsx_in_process", fail)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: shown.append((title, text))))
    dash._ask_path = lambda *a: out
    dash.export_xlsx_button.click()
    qtbot.waitUntil(lambda: not dash.is_exporting, timeout=30_000)
    assert shown and shown[0][0] == "Export failed"
    assert "open in another program" in shown[0][1] and out in shown[0][1]
    assert dash.export_status.full_text() == "Export failed"


def test_the_workbook_child_imports_no_qt():
    """The export's child process imports ui.results.export (its target's module): that import
    loads models and planner, not Qt (the dashboard's widgets and charts cost the child most of a
    second of CPU, taken from the window). Checked in a clean interpreter."""
    import subprocess
    import sys
    from pathlib import Path

    check = ("import sys, ui.results.export\n"
             "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
             "assert not qt, qt[:5]\n"
             "import ui.results\n"
             "assert ui.results.__getattr__('ResultsDashboard').__name__ == 'ResultsDashboard'\n")
    proc = subprocess.run([sys.executable, "-c", check], cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_workbook_is_written_in_a_child_process_and_read_back(tmp_path):
    """export_xlsx_in_process on the solved teaching chain writes a real workbook (read back with
    openpyxl: the Summary sheet states the hand-checked $84.8471M); a folder that does not exist
    gives an ExportError naming the path, and nothing is written."""
    import openpyxl

    from planner.pipeline.solve import SolveOptions, solve_project
    from tests.planner.helpers import teaching
    from ui.results.export import export_xlsx_in_process

    project = teaching()
    result = solve_project(project, SolveOptions(solver="highs"))
    out = tmp_path / "plan.xlsx"
    export_xlsx_in_process(out, project.model_dump_json(round_trip=True), result)
    wb = openpyxl.load_workbook(out)
    assert "Summary" in wb.sheetnames
    values = [c.value for row in wb["Summary"].iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert any(abs(v - 84.8471) < 1e-6 for v in values)
    bad = tmp_path / "no such folder" / "plan.xlsx"
    with pytest.raises(ExportError) as err:
        export_xlsx_in_process(bad, project.model_dump_json(round_trip=True), result)
    assert str(bad) in str(err.value) and not bad.exists()


def test_real_excel_export_writes_a_workbook(dash, tmp_path):
    out = tmp_path / "plan.xlsx"
    try:
        dash.export_xlsx_to(str(out))
    except ExportError as e:  # the report writer may reject a hand-built result; it must say why
        assert str(e)
    else:
        assert out.read_bytes()[:2] == b"PK"


def test_supply_summary_all_segments():
    s = supply_vs_demand(hand_result())
    assert list(s) == ["ndfeb_magnet", "smco_magnet"]
    y2027 = s["ndfeb_magnet"][1]
    assert (y2027.year, y2027.clean_t, y2027.other_t, y2027.unmet_t, y2027.demand_t) == (2027, 1960, 300, 0, 2260)


def test_a_plan_is_drawn_in_event_loop_turns_and_a_newer_result_wins(qtbot):
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.set_result(small_project(), hand_result())
    assert d.shows_plan and d.total_card.value_label.text() == "$987.6 M"
    assert d.cost_view.chart().series() == []  # not drawn yet: no old chart either
    qtbot.waitUntil(lambda: not d.is_filling, timeout=2_000)
    assert d.sankey.nodes
    # hidden (a plan arriving while the chain is on screen), the charts wait for the tab to be
    # shown, then go into their views one per turn of the event loop
    assert d.cost_view.chart().series() == [] and d.chart_of(d.cost_view).series()
    d.show()
    qtbot.waitUntil(lambda: bool(d.cost_view.chart().series()), timeout=2_000)
    assert len(_bars(d.cost_view)["Capex"]) == 7
    qtbot.waitUntil(lambda: bool(d.supply_view.chart().series()) and bool(d.marginal_view.chart().series()),
                    timeout=2_000)
    d.hide()
    # a second result replaces the first before it is fully drawn: only the second is shown
    d.set_result(small_project(), hand_result())
    second = d.result
    # a cancelled solve after it keeps that plan (the last one found), marked out of date
    d.set_result(small_project(), PlanResult(Status.CANCELLED, "The solve was cancelled.", "cbc"))
    d.show()
    qtbot.waitUntil(lambda: not d.is_filling, timeout=5_000)
    assert d.shows_plan and d.result is second and d.is_stale_shown
    assert d.failed_result.status is Status.CANCELLED
    # clearing (a project replaced) leaves nothing of either plan waiting for the tab
    d.hide()
    d.set_result(small_project(), None)
    d.show()
    qtbot.wait(50)
    assert not d.shows_plan and d.cost_view.chart().series() == [] and d.chart_of(d.cost_view).series() == []


def test_follows_a_document_and_marks_its_result_out_of_date(qtbot):
    from ui.document.document import Document

    doc = Document(small_project())
    d = ResultsDashboard(doc)
    qtbot.addWidget(d)
    assert d.document is doc and not d.shows_plan
    doc.set_result(hand_result())
    d.finish_pending()
    assert d.shows_plan and d.total_card.value_label.text() == "$987.6 M"
    assert not d.is_stale_shown
    assert doc.set_field(doc.project.facilities[0], "capacity_tpy", 5_000.0) is None
    assert d.is_stale_shown and "Out of date" in d.stale_banner.text()
    doc.set_result(hand_result())  # solved again
    assert not d.is_stale_shown
    doc.set_project(small_project())  # File > Open
    assert not d.shows_plan and d.result is None and not d.is_stale_shown


def test_parent_as_first_argument_still_works(qtbot):
    from PySide6.QtWidgets import QWidget

    host = QWidget()
    qtbot.addWidget(host)
    d = ResultsDashboard(host)
    assert d.parent() is host and d.document is None


def test_banner_shows_three_notes_and_keeps_the_rest_in_its_tooltip(qtbot):
    r = hand_result()
    r.status = Status.TIME_LIMIT_FEASIBLE
    r.message = "Stopped at the time limit (60 s) with a verified plan that may not be optimal."
    r.limiting = [f"{2026 + i}: 10 t unmet; most valuable extra capacity: ndfeb" for i in range(5)]
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.set_result(small_project(), r)
    d.finish_pending()
    assert d.shows_plan and not d.banner.isHidden()
    text = d.banner.text()
    assert "Stopped at the time limit" in text and "2026: 10 t unmet" in text and "2027: 10 t unmet" in text
    assert "2028:" not in text and "… and 3 more" in text
    assert "2030: 10 t unmet" in d.banner.toolTip()
    assert "Time limit reached" in d.subtitle_label.full_text()


def test_optimal_plan_without_notes_has_no_banner(dash):
    assert dash.banner.isHidden()


def test_marginal_costs_spanning_orders_of_magnitude_use_a_log_axis(qtbot):
    from planner.result import MarginalCost

    r = hand_result()
    r.marginal_costs = [MarginalCost("ndfeb_magnet", "defense", 2026, 5_000_000.0),
                        MarginalCost("ndfeb_magnet", "defense", 2027, 60_000.0)]
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.set_result(small_project(), r)
    d.finish_pending()
    axes = d.marginal_view.chart().axes(Qt.Orientation.Vertical)
    assert isinstance(axes[0], QLogValueAxis) and axes[0].min() <= 60_000 and axes[0].max() >= 5_000_000


def test_scenario_result_is_titled_and_uses_the_scenario_for_existing_capacity(qtbot):
    from models import DelayOverride, Scenario
    from models.vocab import Status as FacilityStatus

    project = small_project()
    project.scenarios.append(Scenario(id="late", name="Magnet plant two years late",
                                      overrides=[DelayOverride(years=2)]))
    # NdFeB plant under construction, online in 2027 in the base case (an operating plant's online
    # year is not delayed: models/delays.py)
    project.facilities[3].online_year = 2027
    project.facilities[3].status = FacilityStatus.CONSTRUCTION
    r = hand_result()
    r.scenario = "late"
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.set_result(project, r)
    d.finish_pending()
    assert d.title_label.full_text() == "Plan — scenario Magnet plant two years late"
    rows = {row.facility: row for row in d.buildout.rows}
    assert rows["ndfeb"].existing_tpy[2028] == 0 and rows["ndfeb"].existing_tpy[2029] == 1000


def test_kpi_card_with_defense_demand_and_nothing_delivered(qtbot):
    r = hand_result()
    for row in r.demand:
        if row.product == "ndfeb_magnet" and row.year == 2027:
            row.unmet, row.delivered, row.delivered_clean = row.demand, 0.0, 0.0
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.set_result(small_project(), r)
    assert d.ndfeb_card.value_label.text() == "none delivered"
    assert "Defense unmet 760 t of 760 t" in d.ndfeb_card.detail_label.text()
    assert "Commercial unmet 1,500 t of 1,500 t" in d.ndfeb_card.detail_label.text()


def test_sankey_for_a_year_without_flows_says_so(dash):
    dash.set_flow_year(2028)
    assert dash.sankey.nodes  # demand nodes still listed (all unmet here)
    assert dash.sankey.links == []
    from ui.results.sankey import SankeyWidget

    w = SankeyWidget()
    w.set_flows(small_project(), PlanResult(Status.OPTIMAL, "", "cbc"), 2027)
    assert w.empty_text == "No material flows in 2027." and w.nodes == []


def test_natural_order_of_facility_names():
    from ui.results.summary import natural_key

    assert sorted(["Mine 10", "Mine 2", "mine 1"], key=natural_key) == ["mine 1", "Mine 2", "Mine 10"]


def test_activating_an_investment_or_a_sankey_node_selects_the_facility(qtbot):
    from ui.document.document import Document

    doc = Document(small_project())
    d = ResultsDashboard(doc)
    qtbot.addWidget(d)
    d.resize(1400, 900)
    doc.set_result(hand_result())
    d.finish_pending()
    seen = []
    d.facility_activated.connect(seen.append)
    proxy = d.investments_proxy
    proxy.sort(5, Qt.SortOrder.DescendingOrder)  # the $400 M separation plant first
    d.investments_table.activated.emit(proxy.index(0, 0))
    assert seen == ["sep"] and doc.current_facility is doc.project.facility("sep")
    d.tabs.setCurrentIndex(2)
    d.show()
    qtbot.waitExposed(d)
    box = d.sankey.current_layout().boxes["metal"]
    qtbot.mouseClick(d.sankey, Qt.MouseButton.LeftButton, pos=box.rect.center().toPoint())
    assert seen == ["sep", "metal"] and doc.current_facility.id == "metal"
    demand_box = d.sankey.current_layout().boxes["def_ndfeb"]  # a demand is not a facility
    qtbot.mouseClick(d.sankey, Qt.MouseButton.LeftButton, pos=demand_box.rect.center().toPoint())
    assert seen == ["sep", "metal"]


def test_a_result_solved_from_older_inputs_arrives_marked_out_of_date(qtbot):
    from ui.document.document import Document

    doc = Document(small_project())
    d = ResultsDashboard(doc)
    qtbot.addWidget(d)
    solved_at = doc.revision
    assert doc.set_field(doc.project.facilities[0], "capacity_tpy", 5_000.0) is None  # edited meanwhile
    doc.set_result(hand_result(), solved_at)
    assert d.shows_plan and d.is_stale_shown


def test_unmet_product_years_are_named_not_plotted_at_the_penalty(qtbot):
    """2026 NdFeB defense is unmet (dual = the $5M penalty, flagged no_supply): it is left out of
    the chart, whose axis stays linear on the real costs ($60,000 and $58,000), and the title names
    it as not priced."""
    from planner.result import MarginalCost

    r = hand_result()
    r.marginal_costs = [MarginalCost("ndfeb_magnet", "defense", 2026, None, True),
                        MarginalCost("ndfeb_magnet", "defense", 2027, 60_000.0),
                        MarginalCost("ndfeb_magnet", "defense", 2028, 58_000.0)]
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.resize(1400, 900)
    d.set_result(small_project(), r)
    d.finish_pending()
    chart = d.marginal_view.chart()
    assert "not priced (no compliant supply to spare): NdFeB defense 2026" in chart.title()
    axis = chart.axes(Qt.Orientation.Vertical)[0]
    assert not isinstance(axis, QLogValueAxis) and axis.max() < 1_000_000
    line = [s for s in chart.series() if isinstance(s, QLineSeries)][0]
    assert [p.y() for p in line.points()] == [60_000.0, 58_000.0]


def test_unpriced_product_years_are_grouped_into_year_runs():
    from planner.result import MarginalCost
    from ui.results.summary import unpriced_marginals

    r = hand_result()
    r.marginal_costs = [MarginalCost("ndfeb_magnet", "commercial", y, None, True) for y in (2026, 2027, 2029)]
    r.marginal_costs.append(MarginalCost("smco_magnet", "defense", 2027, None, True))
    assert unpriced_marginals(r) == ["NdFeB commercial 2026-2027, 2029", "SmCo defense 2027"]


def test_stocks_and_levers_tab_lists_the_plans_finite_stocks_and_lever_lines(qtbot):
    """A 300 t stockpile drawn 120 t in 2026 (180 t left) and a grant of $3.5M paid by government:
    both appear as rows a planner reads (facility by name, id in the tooltip); a plan without them
    says so and an empty result clears the rows."""
    from planner.result import FiniteStockRow, LeverRow

    project = small_project()
    fid = project.facilities[0].id
    result = hand_result()
    result.stock_remaining = [FiniteStockRow(fid, 2026, 120.0, 180.0), FiniteStockRow(fid, 2027, 180.0, 0.0)]
    result.levers = [LeverRow("grant", "half_grant", fid, 2026, 0.0, 3.5, "government")]
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.set_result(project, result)
    d.finish_pending()
    tab = d.stocks_levers
    assert [d.tabs.tabText(i) for i in range(d.tabs.count())][-2:] == ["Stocks and levers", "Sales and calibration"]
    rows = [[tab.stocks.item(r, c).text() for c in range(4)] for r in range(tab.stocks.rowCount())]
    name = project.facilities[0].name
    assert rows == [[name, "2026", "120.0", "180.0"], [name, "2027", "180.0", "0.0"]]
    assert tab.stocks.item(0, 0).toolTip() == fid
    assert [tab.levers.item(0, c).text() for c in range(7)] == [
        "grant", "half_grant", name, "2026", "0.0", "3.50", "government"]
    d.set_result(project, hand_result())
    d.finish_pending()
    assert tab.stocks.rowCount() == 0 and tab.levers.rowCount() == 0
    assert "none in this project" in tab.stocks_label.text()


def test_a_commercial_marginal_cost_line_equal_to_the_defense_line_stays_visible():
    """NdFeB commercial and defense both at $54,000/t in 2026 and $44,000/t in 2027: the commercial
    line is drawn last, dashed (the defense line shows through its gaps), and its legend entry says
    it coincides; a line that differs keeps its plain name."""
    from ui.results import charts

    same = [(2026, 54_000.0), (2027, 44_000.0)]
    chart = charts.marginal_chart({("ndfeb_magnet", "commercial"): same, ("ndfeb_magnet", "defense"): same,
                                   ("smco_magnet", "defense"): [(2026, 60_000.0), (2027, 61_000.0)]}, [2026, 2027])
    lines = [s for s in chart.series() if isinstance(s, QLineSeries)]
    names = [s.name() for s in lines]
    # the product said once: "NdFeB commercial (= defense)", not "(= NdFeB defense)" (cut at 1400 x 900)
    assert names[0] == "NdFeB defense" and names[-1] == "NdFeB commercial (= defense)"
    assert lines[-1].pen().style() == Qt.PenStyle.DashLine and lines[0].pen().style() == Qt.PenStyle.SolidLine
    assert "(=" not in names[1]


def test_the_export_status_never_widens_the_window(qtbot):
    """A long status ("Saved <path>") is shortened with an ellipsis, whole in its tooltip, and the
    dashboard's size hints do not move: a status that widened re-laid out the window, its docks and
    every chart when an export started and when it ended (bench_ui_stalls: ~60 ms turns)."""
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.resize(1000, 700)
    d.show()
    d.set_result(small_project(), hand_result())
    d.finish_pending()
    qtbot.wait(50)  # the charts' layout settles
    before = (d.minimumSizeHint(), d.sizeHint())
    long_path = ("Saved /home/planner/Documents/Procurement 2027/" + "plans of the defense supply chain/" * 4
                 + "plan.xlsx")
    d.export_status.setText(long_path)
    qtbot.wait(10)
    assert (d.minimumSizeHint(), d.sizeHint()) == before
    assert d.export_status.full_text() == long_path and d.export_status.toolTip() == long_path
    # shortened in the middle: the saved file's name stays in view
    shown = d.export_status.text()
    assert "\u2026" in shown and shown.endswith("plan.xlsx") and len(shown) < len(long_path)


def test_year_labels_thin_out_on_a_narrow_chart(qtbot):
    """Every year while a year's category holds its label with 14 px to spare; else every 2nd, 5th
    or 10th year. By hand: 10 years on a 400 px plot are 40 px each, and a 30 px label needs 44 px:
    every 2nd year (80 px). On 600 px (60 px each): every year. 40 years on 400 px (10 px each):
    every 5th (50 px). The labels are not shortened to "20..." (they use their blank neighbours' room)."""
    from PySide6.QtCharts import QBarCategoryAxis, QChartView

    from ui.results import charts
    from ui.results.summary import SupplyYear

    assert charts.year_label_step(10, 400, 30) == 2
    assert charts.year_label_step(10, 600, 30) == 1
    assert charts.year_label_step(40, 400, 30) == 5
    assert charts.year_labels([2026, 2027, 2028, 2029], 2) == ["2026", "  ", "2028", "    "]

    years = list(range(2026, 2036))
    rows = [SupplyYear(product="ndfeb_magnet", segment="all", year=y, demand=100.0, clean=100.0, other=0.0, unmet=0.0)
            for y in years]
    chart = charts.supply_chart("ndfeb_magnet", rows)
    view = QChartView(chart)
    qtbot.addWidget(view)
    axis = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    assert not axis.truncateLabels()
    view.resize(1200, 300)
    view.show()
    qtbot.waitUntil(lambda: axis.categories()[1] == str(years[1]))  # wide: every year
    view.resize(420, 300)
    qtbot.waitUntil(lambda: axis.categories()[1].strip() == "")  # narrow: every 2nd year
    assert [c for c in axis.categories() if c.strip()] == [str(y) for y in years[::2]]
    view.resize(1200, 300)
    qtbot.waitUntil(lambda: axis.categories()[1] == str(years[1]))  # wide again: every year
