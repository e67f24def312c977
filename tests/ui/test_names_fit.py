"""Long names in the results: the investments table wraps them inside their cells and the Sankey
wraps its labels onto two lines, each with the full name in a tooltip."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics

from tests.ui.solve_fixtures import hand_result, small_project
from ui.results.dashboard import ResultsDashboard
from ui.results.sankey import SankeyWidget

LONG = {
    "sep": "Seadrift heavy rare earth separation and refining complex (Texas Gulf Coast)",
    "ndfeb": "Fort Worth sintered NdFeB magnet plant, second production line",
    "mine": "Mountain Pass mine and concentrator with the new flotation circuit",
}


def _long_project():
    p = small_project()
    for f in p.facilities:
        if f.id in LONG:
            f.name = LONG[f.id]
            for o in f.options:
                o.name = f"{o.name or o.id} (expansion agreed with the Department of Defense)"
    return p


def test_investment_names_wrap_inside_their_cells_and_tooltips_give_them_in_full(qtbot):
    d = ResultsDashboard()
    qtbot.addWidget(d)
    d.resize(1400, 900)
    d.show()
    project = _long_project()
    d.set_result(project, hand_result())
    d.finish_pending()
    qtbot.wait(50)  # the refit after the table's final size
    t, proxy = d.investments_table, d.investments_proxy
    hh = t.horizontalHeader()
    assert hh.length() <= t.viewport().width()  # no horizontal scrolling: every column is on screen
    fm = t.fontMetrics()
    two_lines = 2 * fm.lineSpacing() + 8
    capped = 0
    for r in range(proxy.rowCount()):
        assert t.rowHeight(r) <= two_lines  # at most two lines per row
        for c in (0, 1):
            index = proxy.index(r, c)
            text = proxy.data(index)
            cell = t.visualRect(index)
            need = fm.boundingRect(QRect(0, 0, cell.width() - 6, 10_000), int(Qt.TextFlag.TextWordWrap), text)
            # wrapped, and all of it shows, unless it needs more than two lines (then it ends in
            # an ellipsis and the tooltip below gives it whole)
            assert need.height() <= cell.height() or t.rowHeight(r) == two_lines, (text, need, cell)
            capped += need.height() > cell.height()
        facility_id = d.investments_model.investment(proxy.mapToSource(proxy.index(r, 0)).row()).facility
        assert LONG[facility_id] in proxy.data(proxy.index(r, 0), Qt.ItemDataRole.ToolTipRole)
        option = proxy.data(proxy.index(r, 1))
        assert option in proxy.data(proxy.index(r, 1), Qt.ItemDataRole.ToolTipRole)
    for c in (2, 3, 4, 5, 6):  # figures are never cut: each column holds its widest figure
        widest = max(fm.horizontalAdvance(proxy.data(proxy.index(r, c))) for r in range(proxy.rowCount()))
        assert hh.sectionSize(c) >= widest + 8


def test_sankey_labels_wrap_onto_two_lines_inside_their_rect_with_the_full_name_as_tooltip(qtbot):
    w = SankeyWidget()
    qtbot.addWidget(w)
    w.resize(1000, 600)
    w.set_flows(_long_project(), hand_result(), 2030)
    lay = w.current_layout()
    fm = QFontMetrics(w._font)
    wrapped = 0
    for box in lay.boxes.values():
        lines = w.label_lines(box.node, box.label_rect.width())
        assert 1 <= len(lines) <= 2
        assert box.label_rect.height() >= len(lines) * (fm.height() + 2) - 0.5  # room for every line
        for line in lines:
            assert fm.horizontalAdvance(line) <= box.label_rect.width() - 6  # nothing clipped
        if len(lines) == 2:
            wrapped += 1
        joined = " ".join(lines)
        if "\u2026" not in joined:  # not elided: the whole name is on screen
            assert box.node.label.split()[-1] in joined and joined.startswith(box.node.label.split()[0])
        assert w.node_tooltip(box.node).splitlines()[0] == box.node.label  # full name on hover
    assert wrapped >= 1  # the long names did need two lines
    # labels of one column never overlap each other
    by_col: dict[float, list] = {}
    for box in lay.boxes.values():
        by_col.setdefault(box.rect.left(), []).append(box.label_rect)
    for rects in by_col.values():
        rects.sort(key=lambda r: r.top())
        assert all(a.bottom() <= b.top() + 0.5 for a, b in zip(rects, rects[1:]))


def test_widest_text_is_measured_among_the_longest_strings(qapp):
    """widest_text_px: the pixel width of the widest text plus the padding, 0 without texts; only
    the 12 longest strings are measured, so 1,000 short figures cost 12 measurements."""
    from PySide6.QtGui import QFont

    from ui.results.text_width import widest_text_px

    fm = QFontMetrics(QFont())
    texts = [f"{k:,}" for k in range(1000)] + ["Seadrift separation complex"]
    assert widest_text_px(fm, texts, pad=16) == fm.horizontalAdvance("Seadrift separation complex") + 16
    assert widest_text_px(fm, [], pad=16) == 0
    assert widest_text_px(fm, ["WWW", "iii", "WWW"]) == fm.horizontalAdvance("WWW")
