"""Workbook fixes from a planner's day: says 'unsaved edits' when it has them, lists each post-solve
check once, ranks the largest investments by capex, and prints readably (print area, pages tall
enough for readable type, footer, repeated header rows on table sheets)."""

from __future__ import annotations

from collections import Counter

from openpyxl import load_workbook

from planner.reports.xlsx import write_plan_workbook
from tests.planner.test_qualification import chain, solve
from tests.planner.test_report_xlsx import SOLVED_AT, find_row, make_project, make_result


def test_summary_says_unsaved_edits(tmp_path):
    for unsaved, expected in ((False, "base (the project as saved, no scenario overrides)"),
                              (True, "base (the project with unsaved edits, not as saved in its file; "
                                     "no scenario overrides)")):
        path = tmp_path / f"u{unsaved}.xlsx"
        write_plan_workbook(path, make_project(), make_result(), solved_at=SOLVED_AT, unsaved_edits=unsaved)
        ws = load_workbook(path)["Summary"]
        assert ws.cell(row=find_row(ws, "Scenario"), column=2).value == expected


def test_each_check_is_listed_once():
    """A chain with a qualification lag has both the qualification rows' check and the independent
    check of deliveries from qualified capacity: two names, each once."""
    r = solve(chain(1))
    names = Counter(c.name for c in r.checks)
    assert names["qualification"] == 1 and names["qualified_deliveries"] == 1
    assert max(names.values()) == 1


def test_largest_investments_are_ranked_by_capex(tmp_path):
    """make_result: US Magnets 'Line 2' 150 t/yr x $0.1M = $15.0M; '=1+1' 'Phase 2' 200 t/yr, $10.0M.
    By t/yr Phase 2 would come first; by capex Line 2 does."""
    path = tmp_path / "p.xlsx"
    write_plan_workbook(path, make_project(), make_result(), solved_at=SOLVED_AT)
    ws = load_workbook(path)["Summary"]
    top = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("Largest investments"))
    header = [c.value for c in ws[top + 1]]
    capex_col = header.index("Capex ($M)") + 1
    rows = [(ws.cell(top + 2 + k, 2).value, ws.cell(top + 2 + k, capex_col).value) for k in range(2)]
    assert rows == [("Line 2", 15.0), ("Phase 2", 10.0)]


def test_every_sheet_prints_readably(tmp_path):
    path = tmp_path / "p.xlsx"
    write_plan_workbook(path, make_project(), make_result(), solved_at=SOLVED_AT)
    wb = load_workbook(path)
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert ws.print_area, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ps.fitToWidth) >= 1, ws.title
        # pages tall enough for the rows (38 per landscape page, 52 per portrait), never 0 = "one page"
        per_page = 38 if ps.orientation == "landscape" else 52
        assert int(ps.fitToHeight) == max(1, -(-ws.max_row // per_page)), ws.title
        assert "&P" in ws.oddFooter.center.text, ws.title
    for title in ("Investments", "Flows", "Costs", "Inputs - Facilities"):
        assert wb[title].print_title_rows, title  # the header row repeats on every printed page
