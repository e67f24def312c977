"""Names are the planner's own text: a long facility or scenario name must not widen a tab or a
dock. Before, "Expansion options of <a 220-character name>" made the Facilities tab 1,683 px wide
at least, and once it had been shown the window squeezed the inspector and the Solve dock to
their minimum (390 -> 332 px) on every tab after it."""

from __future__ import annotations

from models.project import Scenario
from tests.ui.helpers import close_window
from tests.ui.solve_fixtures import small_project
from ui.shell.main_window import MainWindow

LONG = ("Mountain Pass rare earth separation and refining complex, phase two expansion with heavy rare earth "
        "circuit ") * 2


def test_long_names_wrap_and_every_tab_keeps_the_window_layout(qtbot):
    project = small_project()
    facility = project.facilities[0]
    facility.name = "R&D <pilot> " + LONG.strip()
    project.scenarios.append(Scenario(id="long", name=LONG.strip()))
    w = MainWindow(project)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    central, inspector = w.tabs.width(), w.inspector_dock.width()
    assert (central, inspector) == (1004, 390)  # the default layout at 1400 x 900
    w.doc.set_current_facility(facility)
    w.scenarios_tab.overrides.set_scenario(project.scenarios[-1])
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
        qtbot.wait(20)
        page = w.tabs.widget(i)
        assert page.minimumSizeHint().width() <= central, w.tabs.tabText(i)
        assert w.tabs.width() == central and w.inspector_dock.width() == inspector, w.tabs.tabText(i)
    # the names are shown whole (wrapped), as text, not as markup
    title = w.facilities_tab.options.title
    assert title.wordWrap() and "R&amp;D &lt;pilot&gt;" in title.text()
    overrides_title = w.scenarios_tab.overrides.title
    assert overrides_title.wordWrap() and LONG.strip() in overrides_title.text()
    close_window(w)
