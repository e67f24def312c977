"""The workbook's first sheet, 'Decision brief': :class:`planner.reports.brief.DecisionBrief` as
cells (numbers stay numbers, with the sheet's number formats), printed on one landscape page width
with its print area set."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from planner.reports.brief import DecisionBrief
from planner.reports.cells import GOOD_FILL, NOTE_FONT, WARN_FILL, WARN_FONT, Col, SheetWriter

SHEET_NAME = "Decision brief"
GUIDE_TEXT = "What to fund, by when, who pays; contracts and levers; defense coverage around the compliance year."
#: columns the headline's text spans (B..H)
SPAN = 7


def add_brief_sheet(wb: Workbook, brief: DecisionBrief, index: int = 0) -> None:
    """Write ``brief`` as a sheet at ``index`` (first by default)."""
    ws = wb.create_sheet(SHEET_NAME, index)
    w = SheetWriter(ws, header_cap=16)
    w.title(1, brief.title)
    w.note(2, f"Solved {brief.solved_at}. Tonnes are metric (t); $M = millions of US dollars. Clean = no mining, "
              "refining, separation, melting or magnet making in a covered country and no Chinese process technology.")
    pairs = []
    for label, text in brief.headline:
        style = None
        if label == "Status":
            good = {"fill": GOOD_FILL, "font": Font(bold=True)}
            style = good if brief.has_plan else {"fill": WARN_FILL, "font": WARN_FONT}
        pairs.append((label, text, "text", style) if style else (label, text, "text"))
    row = w.key_values(4, pairs, span=SPAN)
    for section in brief.sections:
        row += 2
        w.section(row, section.title)
        cols = [Col(c.title, c.fmt, max_width=40 if c.fmt == "text" else 30,
                    highlight_positive=c.title.startswith("Short")) for c in section.columns]
        if section.rows:
            row = w.table(row + 1, 1, cols, list(section.rows), filter_and_freeze=False)
        else:
            row += 1
            w.put(row, 1, section.empty_text, font=NOTE_FONT, measure=False)
        for note in section.notes:
            row += 1
            w.put(row, 1, note, font=NOTE_FONT, measure=False)
    w.set_width(1, 30)
    for col in range(2, 9):
        w.min_width(col, 12)
    w.finish(landscape=True)
    ws.print_area = f"A1:H{row}"
