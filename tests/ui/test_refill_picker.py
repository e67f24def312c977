"""The scenario pickers of the risk, stress and sensitivity panels are refilled by one helper:
base case first, the current choice kept while it exists, no change signal while refilling."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtWidgets import QComboBox

from ui.document.names import scenario_choices
from ui.widgets.name_combo import NameCombo, refill


def _project(*scenarios):
    return SimpleNamespace(scenarios=[SimpleNamespace(id=i, name=n) for i, n in scenarios])


def test_scenario_choices_put_the_named_base_case_first_and_skip_it_after():
    p = _project(("base", "Today"), ("s1", "Lynas doubles"), ("s2", ""))
    assert scenario_choices(p) == [("Today", None), ("Lynas doubles", "s1"), ("s2", "s2")]
    assert scenario_choices(SimpleNamespace()) == [("Base case", None)]  # no scenarios attribute at all


def test_refill_keeps_the_choice_while_it_exists_and_emits_nothing(qtbot):
    combo = NameCombo("help")
    qtbot.addWidget(combo)
    changes: list[int] = []
    combo.currentIndexChanged.connect(changes.append)
    refill(combo, scenario_choices(_project(("s1", "A"), ("s2", "B"))))
    combo.setCurrentIndex(2)  # "B" (s2)
    changes.clear()
    refill(combo, scenario_choices(_project(("s0", "New"), ("s1", "A"), ("s2", "B"))))
    assert [combo.itemText(i) for i in range(combo.count())] == ["Base case", "New", "A", "B"]
    assert combo.currentData() == "s2" and combo.currentIndex() == 3
    assert combo.toolTip() == "B\nhelp"  # refitted: the tooltip names the choice
    refill(combo, scenario_choices(_project(("s1", "A"))))  # s2 deleted: back to the base case
    assert combo.currentIndex() == 0 and combo.currentData() is None
    assert changes == []  # blocked while refilling


def test_refill_works_on_a_plain_combo(qtbot):
    combo = QComboBox()
    qtbot.addWidget(combo)
    refill(combo, [("x", 1), ("y", 2)])
    combo.setCurrentIndex(1)
    refill(combo, [("y", 2), ("z", 3)])
    assert combo.currentData() == 2 and combo.currentIndex() == 0
