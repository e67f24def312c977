"""The scenario override dialog edits a yes/no setting as a check box, not as the text 'True'."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from models.project import PolicyOverride
from ui.editors.scenario_editor import OverrideDialog


def test_policy_mode_is_a_check_box(qtbot):
    existing = PolicyOverride(enabled=False, government_budget_musd_per_year=50.0)
    d = OverrideDialog("policy", existing)
    qtbot.addWidget(d)
    box = d.checks["enabled"]
    assert isinstance(box, QCheckBox) and "enabled" not in d.edits
    assert not box.isChecked()  # the stored 'off', not the text 'False'
    assert d.edits["government_budget_musd_per_year"].text() == "50.0"
    box.setChecked(True)
    built = d.build()
    assert built.enabled is True and built.government_budget_musd_per_year == 50.0
    fresh = OverrideDialog("policy", None)
    qtbot.addWidget(fresh)
    assert fresh.checks["enabled"].isChecked()  # a new override switches the mode on
