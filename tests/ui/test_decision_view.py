"""The Decision view: first tab after a solve, the brief's text on screen, Export brief (PDF) from
the view and from File > Export brief..., written off the GUI thread."""

from __future__ import annotations

from planner.result import PlanResult, Status
from tests.planner.test_decision_brief import plan
from tests.planner.test_report_xlsx import make_project
from tests.ui.test_brief_pdf import pdf_text
from ui.results.dashboard import ResultsDashboard
from ui.results.decision_view import DecisionView


def test_view_shows_the_brief(qtbot):
    view = DecisionView()
    qtbot.addWidget(view)
    view.set_result(make_project(), plan())
    text = view.text()
    for expected in ("Decision brief: =Teaching project", "What to fund", "US Magnets", "Line 2",
                     "government $6.0M, industry $9.0M", "Defense coverage 2026-2028", "stress test not run"):
        assert expected in text, expected
    assert view.export_button.isEnabled()


def test_no_plan_disables_export(qtbot):
    view = DecisionView()
    qtbot.addWidget(view)
    view.set_result(make_project(), PlanResult(status=Status.INFEASIBLE, message="no", solver="cbc"))
    assert not view.export_button.isEnabled()


def test_dashboard_opens_a_new_plan_on_its_decision_tab(qtbot):
    dash = ResultsDashboard()
    qtbot.addWidget(dash)
    dash.tabs.setCurrentIndex(2)  # the user was looking at the build-out
    dash.set_result(make_project(), plan())
    qtbot.waitUntil(lambda: "US Magnets" in dash.decision_view.text(), timeout=5000)
    assert dash.tabs.currentWidget() is dash.decision_view
    assert dash.tabs.tabText(0) == "Decision"


def test_export_writes_the_pdf_off_the_gui_thread(qtbot, tmp_path):
    view = DecisionView()
    qtbot.addWidget(view)
    view.set_result(make_project(), plan())
    path = tmp_path / "brief.pdf"
    with qtbot.waitSignal(view.exported, timeout=20_000) as sig:
        view.export_pdf(str(path))
        assert view.is_exporting and not view.export_button.isEnabled()
    assert sig.args == [str(path), ""]
    qtbot.waitUntil(lambda: not view.is_exporting, timeout=5000)
    pages, text = pdf_text(path)
    assert pages == 1 and "US Magnets Line 2 2026 2028 2028 150.0 15.0" in text
    assert view.status.full_text() == f"Saved {path}"


def test_file_menu_export_brief(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from ui.shell.main_window import MainWindow

    w = MainWindow(make_project())
    qtbot.addWidget(w)
    dash = w.results_dashboard
    dash.set_result(w.doc.project, plan())
    qtbot.waitUntil(lambda: dash.decision_view.brief is not None, timeout=5000)
    path = tmp_path / "menu.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "PDF (*.pdf)"))
    assert "Export &brief (PDF)..." in [a.text() for a in w.menuBar().actions()[0].menu().actions()]
    with qtbot.waitSignal(dash.decision_view.exported, timeout=20_000):
        w.act_export_brief.trigger()
    assert pdf_text(path)[0] == 1
    dash.wait_export()
