"""The chain's automatic layout depends on the project alone: the same after save and reopen and
in a window of any size; a stage column's sub-columns are filled evenly (no plant on its own)."""

from __future__ import annotations

from models.io import load_project, save_project
from tests.ui.demo_project import demo_project
from ui.document.document import Document
from ui.views.chain_layout import column_slots
from ui.views.chain_view import ChainView


def test_column_slots_fill_sub_columns_evenly():
    """13 nodes, at most 12 per sub-column: ceil(13/12) = 2 sub-columns of ceil(13/2) = 7 rows,
    so 7 + 6 (before: 12 + 1, the last SmCo plant alone in a sub-column)."""
    slots = column_slots(13, 12)
    per_sub = [sum(1 for s, _r in slots if s == k) for k in (0, 1)]
    assert per_sub == [7, 6]
    assert slots[6] == (0, 6) and slots[7] == (1, 0)
    assert column_slots(12, 12) == [(0, r) for r in range(12)]
    assert column_slots(25, 12) == [(r // 9, r % 9) for r in range(25)]  # 3 subs of 9, 9, 7
    assert column_slots(0, 5) == []


def _positions(view: ChainView) -> dict[str, tuple[float, float]]:
    return {fid: (n.pos().x(), n.pos().y()) for fid, n in view.nodes.items()}


def _make(qtbot, project, size):
    view = ChainView(Document(project))
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    view.rebuild()
    return view


def test_layout_is_the_same_after_save_and_reopen_in_a_window_of_another_size(qtbot, tmp_path):
    """The demo chain laid out in a 1000 x 650 view, saved, reopened in a wide 1800 x 600 one
    (another window size, other docks): every node in the same place. The view size used to
    choose how many nodes a sub-column stacks (8 in the first, 7 in the second for the demo's
    8-plant separation column), so the chain rearranged itself."""
    small = _make(qtbot, demo_project(), (1000, 650))
    before = _positions(small)
    path = tmp_path / "demo.m2m.json"
    save_project(small.doc.project, path)
    large = _make(qtbot, load_project(path), (1800, 600))
    assert _positions(large) == before
    large.resize(700, 500)  # and resizing only zooms
    qtbot.wait(10)
    assert _positions(large) == before

