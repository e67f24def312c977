"""The Policy design page and the result say which government budget applies when a scenario's
policy override sets its own (it replaces the page's budget for that scenario only)."""

from __future__ import annotations

from models.project import PolicyOverride, Scenario
from models.scenarios import government_budget_note
from planner.reports.brief import build_brief
from tests.planner.test_report_xlsx import SOLVED_AT, make_project, make_result


def project_with_policy_scenario():
    p = make_project()
    p.levers.government_budget_musd_per_year = 5.0
    p.scenarios.append(Scenario(id="policy", name="Policy", overrides=[
        PolicyOverride(government_budget_musd_per_year=200.0)]))
    return p


def test_note_for_the_page_and_for_each_scenario():
    p = project_with_policy_scenario()
    assert government_budget_note(p) == (
        "Replaced when solving: 'Policy' sets $200.0M per year, which replaces this budget when that scenario is "
        "solved. The base case and the 1 other scenario use this budget ($5.0M per year).")
    assert government_budget_note(p, "policy") == (
        "$200.0M per year, set by scenario 'Policy' (it replaces the project's government budget, $5.0M per year)")
    assert government_budget_note(p, "tight") == "$5.0M per year (the project's; this scenario does not set its own)"


def test_the_brief_of_the_policy_scenario_says_whose_budget(qapp):
    b = build_brief(project_with_policy_scenario(), make_result("policy"), solved_at=SOLVED_AT)
    assert dict(b.headline)["Government budget"].startswith("$200.0M per year, set by scenario 'Policy'")


def test_the_policy_page_says_it(qtbot):
    from ui.document.document import Document
    from ui.editors.policy_form import PolicyDesignPage

    doc = Document(project_with_policy_scenario())
    page = PolicyDesignPage(doc)
    qtbot.addWidget(page)
    assert "'Policy' sets $200.0M per year, which replaces this budget" in page.budget_note.text()
    doc.set_project(make_project())
    assert page.budget_note.text().startswith("Every scenario and the base case use this budget (no cap)")
