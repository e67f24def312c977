"""Native Excel column charts for the plan workbook (openpyxl.chart).

Charts read their numbers from cells written by :class:`planner.reports.cells.SheetWriter`; this
module only adds chart objects, it writes no cells. Charts plot hidden cells too
(``visible_cells_only = False``), so filtering a sheet never changes a chart.
"""

from __future__ import annotations

from typing import Sequence

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.worksheet.worksheet import Worksheet

from planner.reports.cells import safe_text

#: Series colours: clean supply green, other-origin supply grey, unmet red, capacity blues.
COLOURS = {
    "clean": "2E7D32",
    "other": "9E9E9E",
    "unmet": "C62828",
    "existing": "90A4AE",
    "added": "1565C0",
    "capex": "1F4E78",
}

CHART_WIDTH_CM = 17.0
CHART_HEIGHT_CM = 7.5
#: Rows a chart of CHART_HEIGHT_CM covers at the default row height (15 pt = 0.529 cm), rounded up.
CHART_ROWS = 15


#: Chart title size in hundredths of a point (12 pt: one line over a 17 cm chart for most titles).
TITLE_SIZE = 1200


def _title(text: str) -> Title:
    """A bold 12 pt title that does not overlap the plot."""
    props = CharacterProperties(sz=TITLE_SIZE, b=True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=safe_text(text))])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def column_chart(
    ws: Worksheet,
    *,
    title: str,
    y_title: str,
    header_row: int,
    first_row: int,
    last_row: int,
    category_col: int,
    series: Sequence[tuple[int, str]],
    anchor: str,
    stacked: bool,
) -> BarChart:
    """Add a column chart of ``series`` [(column, colour hex)] against years in ``category_col``.

    Series names come from the header cells in ``header_row``; data rows are first_row..last_row.
    ``stacked`` stacks the series (grouping "stacked", overlap 100); otherwise they stand side by side.
    """
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked" if stacked else "clustered"
    if stacked:
        chart.overlap = 100
    chart.gapWidth = 60
    chart.title = _title(title)
    chart.y_axis.title = y_title
    chart.x_axis.title = "Year"
    # openpyxl >= 3.1 marks axes as deleted by default; Excel then draws no axes at all.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.scaling.min = 0
    chart.legend.position = "b"
    chart.visible_cells_only = False
    chart.width = CHART_WIDTH_CM
    chart.height = CHART_HEIGHT_CM
    for col, colour in series:
        data = Reference(ws, min_col=col, min_row=header_row, max_row=last_row)
        chart.add_data(data, titles_from_data=True)
        s = chart.series[-1]
        s.graphicalProperties.solidFill = colour
        s.graphicalProperties.line.solidFill = colour
    chart.set_categories(Reference(ws, min_col=category_col, min_row=first_row, max_row=last_row))
    ws.add_chart(chart, anchor)
    return chart
