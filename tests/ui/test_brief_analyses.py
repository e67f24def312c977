"""The Decision brief names the session's latest N-1 stress test and risk run while they are current
for the plan (same inputs, same scenario), says "out of date" / "not run for this plan" otherwise,
and the PDF and the workbook's brief sheet exported from the app carry the same lines.

Hand chain: tests/planner/resilience_fixtures.sole_and_dual_project (2026-2028, compliance year
2027, so the stress page's default years are 2027-2028). Defense demand: NdFeB 100 t/yr, SmCo
30 t/yr. Out in a stressed year:

* SmCo US (the sole SmCo plant, 50 t/yr) -> SmCo 30 t short;
* country US (mag_us and smco_us) -> mag_ca covers NdFeB, SmCo 30 t short;
* country AU (both metal markets) -> NdFeB 100 t and SmCo 30 t short;
* NdFeB US -> NdFeB CA makes the 100 t (no shortfall); country CA -> nothing (mag_ca idle).

Risk: every facility operates (delay 0 years with probability 1) and capex overruns are 1.0, so
each sample is the base plan, which meets all defense demand: P(all met in 2027) = 4/4 = 100%.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from planner.pipeline.solve import solve_project
from tests.planner.resilience_fixtures import sole_and_dual_project
from tests.ui.test_brief_pdf import pdf_text
from ui.document.analysis_runs import analysis_runs_of
from ui.document.document import Document
from ui.panels.risk_panel import RiskPanel, active_tasks
from ui.panels.stress_panel import StressPanel
from ui.results.dashboard import ResultsDashboard

SMCO_SPOF = "SmCo US (30.0 t short)"
RISK_LINE = "P(all defense demand met in 2027) = 100% of 4 samples"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def solved(qtbot):
    doc = Document(sole_and_dual_project())
    doc.set_result(solve_project(doc.project))
    assert doc.result.has_plan
    dash = ResultsDashboard(doc)
    qtbot.addWidget(dash)
    qtbot.waitUntil(lambda: dash.decision_view.brief is not None, timeout=10_000)  # filled in steps
    return doc, dash


def run_stress(qtbot, doc) -> StressPanel:
    panel = StressPanel(doc)
    qtbot.addWidget(panel)
    panel.workers_spin.setValue(1)
    assert panel.years() == [2027, 2028]
    panel.run_button.click()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=60_000)
    assert panel.report is not None
    return panel


def test_before_any_run_the_brief_says_not_run(solved):
    _doc, dash = solved
    text = flat(dash.decision_view.text())
    assert "Risk risk analysis not run Stress test stress test not run" in text  # the headline's rows


def test_the_stress_page_names_the_sole_smco_plant_with_its_tonnes(qtbot, solved):
    doc, dash = solved
    run_stress(qtbot, doc)
    view = dash.decision_view
    qtbot.waitUntil(lambda: SMCO_SPOF in view.text(), timeout=5_000)
    cov = view.brief.section("Defense coverage")
    by_row = {(r[0], r[1]): r[-1] for r in cov.rows}
    # SmCo in a stressed year: three outages each leave the 30 t short (ties by name)
    assert SMCO_SPOF in by_row[("SmCo magnet", 2027)] and SMCO_SPOF in by_row[("SmCo magnet", 2028)]
    assert by_row[("SmCo magnet", 2026)] == "not stressed"
    # NdFeB: only Australia's markets (100 t); NdFeB US out is covered by NdFeB CA
    assert "(100.0 t short)" in by_row[("NdFeB magnet", 2027)]
    assert by_row[("NdFeB magnet", 2027)] == "country AU (100.0 t short)"  # a country says it is one
    head = dict(view.brief.headline)["Stress test"]
    assert head.startswith("3 single points of failure") and SMCO_SPOF in head

    # a new plan solved from the same inputs: the stress test still describes it
    doc.set_result(solve_project(doc.project))
    qtbot.waitUntil(lambda: view.result is doc.result, timeout=5_000)
    assert SMCO_SPOF in view.text()

    # an edit: the stress result is out of date, never shown as current
    doc.set_field(doc.project.facilities[2], "capacity_tpy", 60.0)
    qtbot.waitUntil(lambda: "stress test out of date" in view.text(), timeout=5_000)
    assert SMCO_SPOF not in view.text()
    assert dict(view.brief.headline)["Stress test"] == ("stress test out of date: the project changed since it ran "
                                                        "(run it again)")
    # undone: the inputs are the stressed ones again
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: SMCO_SPOF in view.text(), timeout=5_000)


def test_a_risk_run_appears_in_the_headline_and_the_pdf_and_the_sheet(qtbot, solved, tmp_path):
    doc, dash = solved
    panel = RiskPanel(doc)
    qtbot.addWidget(panel)
    panel.n_spin.setValue(4)
    panel.workers_spin.setValue(1)
    with qtbot.waitSignal(panel.report_ready, timeout=120_000):
        panel.run_button.click()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    view = dash.decision_view
    qtbot.waitUntil(lambda: RISK_LINE in flat(view.text()), timeout=5_000)
    assert dict(view.brief.headline)["Risk"].startswith(RISK_LINE)

    pdf = tmp_path / "brief.pdf"
    with qtbot.waitSignal(view.exported, timeout=20_000) as sig:
        view.export_pdf(str(pdf))
    assert sig.args == [str(pdf), ""]
    qtbot.waitUntil(lambda: not view.is_exporting, timeout=5_000)
    _pages, text = pdf_text(pdf)
    assert RISK_LINE in text

    from openpyxl import load_workbook

    book = tmp_path / "plan.xlsx"
    dash.export_xlsx_to(str(book))
    ws = load_workbook(book).worksheets[0]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(RISK_LINE in c for c in cells)
    assert any("stress test not run" in c for c in cells)

    # the workbook written by the child process (the app's Export to Excel) carries it too
    from ui.document.snapshot import ProjectSnapshot
    from ui.results.export import export_xlsx_in_process

    book2 = tmp_path / "plan_child.xlsx"
    export_xlsx_in_process(str(book2), ProjectSnapshot(doc.project).text, doc.result,
                           brief=view.brief_inputs())
    ws2 = load_workbook(book2).worksheets[0]
    assert any(RISK_LINE in str(c.value) for row in ws2.iter_rows() for c in row if c.value is not None)

    doc.set_field(doc.project.facilities[0], "capacity_tpy", 160.0)
    qtbot.waitUntil(lambda: "risk analysis out of date" in view.text(), timeout=5_000)
    assert RISK_LINE not in flat(view.text())
    panel.wait()
    assert active_tasks() == []


def test_a_run_of_another_scenario_is_not_shown_for_this_plan(qtbot, solved):
    """The plan is of the base case; a stress report around 'china_cut' is not this plan's."""
    doc, dash = solved
    runs = analysis_runs_of(doc)
    report = SimpleNamespace(elements=[SimpleNamespace(id="facility:smco_us", name="SmCo US",
                                                       extra_t={"smco_magnet": {2027: 30.0}})])
    runs.keep("stress", report, None, "china_cut")
    text = flat(dash.decision_view.text())
    assert "stress test not run for this plan (the last run was of china_cut)" in text
    assert SMCO_SPOF not in text
    runs.keep("stress", report, None, None)  # the base case: this plan's
    assert SMCO_SPOF in dash.decision_view.text()
    doc.set_project(sole_and_dual_project())  # another project: nothing kept
    assert runs.runs == {} and runs.status("stress").text == "stress test not run"
