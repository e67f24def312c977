"""The one place that writes worksheet cells for the Excel reports: safe text, formats, tables.

Every value written into a workbook by ``planner.report_*`` goes through :meth:`SheetWriter.put`.
It guarantees:

* **No formula injection.** Text is always stored as a literal string (``data_type = "s"``),
  never as a formula or an error code, whatever it starts with. Text starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return also gets Excel's *quote prefix* style, so the cell stays
  literal text even when a user edits it in Excel (F2, Enter). The reports write no formulas at all:
  totals are computed in Python.
* **A file that always opens.** Characters that XML cannot hold (control characters other than
  tab, line feed and carriage return) are replaced by U+FFFD; a carriage return (alone or in CR LF)
  is stored as a line feed, since every XML reader, Excel's included, turns a raw CR into LF anyway;
  text is cut at Excel's 32,767-character cell limit; non-finite numbers are written as the text ``n/a``; booleans as
  ``yes``/``no``; enums as their value; timezone-aware datetimes as UTC text.
* **Readable tables.** Bold, wrapped, frozen header rows, an autofilter, number formats keyed by
  unit (t, t/yr, $M, $/t, %), column widths sized to the content, a conditional highlight for
  columns such as unmet tonnes.

Numbers are written unrounded (formats only change how they display); openpyxl stores floats
with 16 significant digits (``"%.16g"``).
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, Iterable, Sequence
from urllib.parse import quote, urlparse

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

#: First characters that spreadsheet programs may read as the start of a formula (CWE-1236).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

#: Excel's limit on characters in one cell.
MAX_CELL_CHARS = 32_767

#: Number formats by unit key. Years and ids use plain integers (no thousands separator).
FORMATS: dict[str, str] = {
    "text": "General",
    "year": "0",
    "int": "#,##0",
    "t": "#,##0.0",  # tonnes
    "tpy": "#,##0.0",  # tonnes per year
    "musd": "#,##0.00",  # millions of US dollars
    "musd_per_tpy": "0.0000",  # $M per t/yr of capacity
    "usd_per_t": "#,##0",  # US dollars per tonne
    "usd": "#,##0",
    "share": "0.0%",  # a fraction shown as a percentage
    "factor": "0.0000",
    "kg": "#,##0.0",
    "seconds": "0.00",
    "coord": "0.0000",
    "general": "General",
}

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin", color="000000"))
SECTION_FONT = Font(bold=True, size=12, color="1F4E78")
TITLE_FONT = Font(bold=True, size=15, color="1F4E78")
NOTE_FONT = Font(italic=True, color="595959")
WARN_FONT = Font(bold=True, color="9C0006")
WARN_FILL = PatternFill("solid", fgColor="FFC7CE")
GOOD_FILL = PatternFill("solid", fgColor="C6EFCE")
LINK_FONT = Font(color="0563C1", underline="single")

#: rows of 15 pt that fit a US-letter page at a readable scale (print setup in SheetWriter.finish)
ROWS_PER_PAGE_LANDSCAPE = 38
ROWS_PER_PAGE_PORTRAIT = 52

#: Values above this (t) count as unmet demand in the conditional highlight (1 gram: solver noise).
UNMET_HIGHLIGHT_T = 1e-6


@dataclass(frozen=True)
class Col:
    """A table column: header text (with its unit) and the unit key of its number format."""

    title: str
    fmt: str = "text"
    highlight_positive: bool = False  # red fill where the value > UNMET_HIGHLIGHT_T
    min_width: float = 0.0
    max_width: float = 50.0


def safe_text(value: str) -> str:
    """Text an .xlsx file can hold: illegal XML characters -> U+FFFD, CR LF and CR -> LF, at most
    32,767 characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "\u2026"
    return text


def needs_quote_prefix(text: str) -> bool:
    """True when a spreadsheet might read ``text`` as a formula if typed in."""
    return text.startswith(FORMULA_TRIGGERS)


def _plain(value: Any) -> Any:
    """Normalise a Python value to what a cell should hold (str, int, float, None)."""
    if value is None:
        return None
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else "n/a"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
            return value.strftime("%Y-%m-%d %H:%M UTC")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return str(value)


def _display_len(value: Any, fmt: str) -> int:
    """Approximate characters the value takes on screen in its number format."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.split("\n")), default=0)
    if fmt in ("year", "int"):
        return len(f"{value:,.0f}") if fmt == "int" else len(str(value))
    if fmt == "share":
        return len(f"{value * 100:.1f}%")
    if fmt in ("musd", "seconds"):
        return len(f"{value:,.2f}")
    if fmt in ("musd_per_tpy", "factor", "coord"):
        return len(f"{value:.4f}")
    if fmt in ("usd_per_t", "usd"):
        return len(f"{value:,.0f}")
    return len(f"{value:,.1f}")


def _wrapped_lines(text: str, width: int) -> int:
    """Lines ``text`` takes when wrapped at ``width`` characters (each paragraph at least one)."""
    return sum(max(1, len(textwrap.wrap(part, max(width - 2, 4)))) for part in text.split("\n"))


def safe_link(url: str) -> str:
    """A link target an .xlsx relationship file can hold: control characters, spaces and other
    bytes a URL may not carry raw are percent-encoded (``a\x01b`` -> ``a%01b``); the link's
    meaning is otherwise unchanged."""
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


def is_web_link(url: str) -> bool:
    """Only http(s) URLs become clickable links (never file:, javascript:, or UNC paths)."""
    try:
        parsed = urlparse(url.strip())
    except ValueError:
        return False
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


class SheetWriter:
    """Writes one worksheet. ``put`` is the only method in the reports that sets a cell's value."""

    def __init__(self, ws: Worksheet, header_cap: int = 28):
        """``header_cap``: a header widens its column to at most this many characters, then wraps."""
        self.ws = ws
        self.header_cap = header_cap
        self._widths: dict[int, float] = {}
        self._fixed_widths: dict[int, float] = {}
        self._min_widths: dict[int, float] = {}
        self._header_rows: list[tuple[int, int, list[str]]] = []  # (row, left column, titles)

    # -- cells ---------------------------------------------------------------------------
    def put(
        self,
        row: int,
        col: int,
        value: Any,
        fmt: str = "text",
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        wrap: bool = False,
        link: str | None = None,
        measure: bool = True,
        max_width: float = 50.0,
    ) -> Cell:
        """Write ``value`` at (row, col) safely; see the module docstring for the rules.

        ``fmt`` is a key of :data:`FORMATS`; ``link`` makes an http(s) URL clickable;
        ``measure`` lets the value widen its column (up to ``max_width`` characters).
        """
        cell = self.ws.cell(row=row, column=col)
        value = _plain(value)
        if isinstance(value, str):
            text = safe_text(value)
            cell.value = text
            cell.data_type = "s"  # literal text: never a formula ("=...") or error code ("#N/A")
            if needs_quote_prefix(text):
                cell.quotePrefix = True
            value = text
        else:
            cell.value = value
            if value is not None:
                cell.number_format = FORMATS[fmt]
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if link is not None and is_web_link(link):
            cell.hyperlink = safe_link(link)
            cell.font = LINK_FONT
        if measure:
            width = min(float(_display_len(value, fmt)) + 2.0, max_width)
            if width > self._widths.get(col, 0.0):
                self._widths[col] = width
        return cell

    def title(self, row: int, text: str) -> None:
        self.put(row, 1, text, font=TITLE_FONT, measure=False)

    def section(self, row: int, text: str, col: int = 1) -> None:
        self.put(row, col, text, font=SECTION_FONT, measure=False)

    def note(self, row: int, text: str, col: int = 1) -> None:
        self.put(row, col, text, font=NOTE_FONT, measure=False)

    def set_width(self, col: int, width: float) -> None:
        """Fix a column's width (characters), overriding the measured width."""
        self._fixed_widths[col] = width

    def row_height(self, row: int, lines: int) -> None:
        """Make a row tall enough for ``lines`` lines of text."""
        self.ws.row_dimensions[row].height = 15.0 * lines + 2

    def min_width(self, col: int, width: float) -> None:
        """Make a column at least ``width`` characters wide."""
        self._min_widths[col] = width

    # -- tables --------------------------------------------------------------------------
    def header(self, row: int, left: int, cols: Sequence[Col]) -> None:
        """Bold white-on-blue wrapped headers; each header widens its column up to ``header_cap`` characters.

        The row is made tall enough for the wrapped titles when the sheet is finished."""
        self._header_rows.append((row, left, [c.title for c in cols]))
        for j, c in enumerate(cols):
            cell = self.put(row, left + j, c.title, font=HEADER_FONT, fill=HEADER_FILL, measure=False)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            longest_word = max((len(w) for w in c.title.split()), default=0)
            want = max(min(len(c.title), self.header_cap), longest_word, c.min_width) + 2
            if want > self._widths.get(left + j, 0.0):
                self._widths[left + j] = want

    def table(
        self,
        top: int,
        left: int,
        cols: Sequence[Col],
        rows: Iterable[Sequence[Any]],
        *,
        totals: Sequence[Any] | None = None,
        filter_and_freeze: bool = True,
        links: dict[int, int] | None = None,
    ) -> int:
        """Header at ``top``, one row per item below; returns the last row written.

        ``totals`` (same length as ``cols``) is written as a bold row under the data, outside
        the autofilter range. ``links`` maps a column index to the column index whose value is
        an URL to link from it (typically the URL column to itself).
        ``filter_and_freeze`` adds the autofilter and freezes the panes under the header
        (one table per sheet may have it).
        """
        self.header(top, left, cols)
        r = top
        for item in rows:
            r += 1
            lines = 1
            for j, (c, v) in enumerate(zip(cols, item)):
                link = None
                if links and j in links:
                    target = item[links[j]]
                    link = target if isinstance(target, str) else None
                wrap = c.fmt == "text" and isinstance(v, str) and (len(v) > c.max_width or "\n" in v)
                self.put(r, left + j, v, c.fmt, max_width=c.max_width, link=link, wrap=wrap)
                if wrap:
                    lines = max(lines, _wrapped_lines(v, int(c.max_width)))
            if lines > 1:  # wrapped text: make the row tall enough (at most 8 lines), align it at the top
                self.ws.row_dimensions[r].height = 15.0 * min(lines, 8)
                for j in range(len(cols)):
                    cell = self.ws.cell(row=r, column=left + j)
                    cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")
        last_data = r
        if r == top:  # no data rows: say so under the header
            r += 1
            self.put(r, left, "(none)", font=NOTE_FONT, measure=False)
            last_data = r
        right = get_column_letter(left + len(cols) - 1)
        for j, c in enumerate(cols):
            if c.highlight_positive and last_data > top:
                letter = get_column_letter(left + j)
                self.ws.conditional_formatting.add(
                    f"{letter}{top + 1}:{letter}{last_data}",
                    CellIsRule(operator="greaterThan", formula=[repr(UNMET_HIGHLIGHT_T)], fill=WARN_FILL,
                               font=WARN_FONT),
                )
        if filter_and_freeze:
            self.ws.auto_filter.ref = f"{get_column_letter(left)}{top}:{right}{max(last_data, top + 1)}"
            self.ws.freeze_panes = self.ws.cell(row=top + 1, column=left)
            self.ws.print_title_rows = f"{top}:{top}"
        if totals is not None:
            r += 1
            for j, (c, v) in enumerate(zip(cols, totals)):
                cell = self.put(r, left + j, v, c.fmt, font=TOTAL_FONT)
                cell.border = TOTAL_BORDER
        return r

    def key_values(self, top: int, pairs: Iterable[tuple], *, span: int = 1) -> int:
        """Label (bold, column A) / value (column B) rows; returns the last row written.

        Each pair is (label, value, format key) or (label, value, format key, {"font":, "fill":})
        to style the value cell.
        Text values longer than the value column are wrapped across ``span`` merged columns and
        the row is made tall enough for the wrapped lines.
        """
        r = top - 1
        for label, value, fmt, *style in pairs:
            r += 1
            self.put(r, 1, label, font=Font(bold=True)).alignment = Alignment(vertical="top")
            long_text = isinstance(value, str) and len(value) > 18
            cell = self.put(r, 2, value, fmt, measure=not long_text, wrap=long_text, **(style[0] if style else {}))
            if isinstance(value, str) or value is None:
                cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=long_text)
            if isinstance(value, str) and span > 1:
                self.ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=1 + span)
                chars_per_line = max(20, 14 * span)
                lines = sum(max(1, math.ceil(len(part) / chars_per_line)) for part in str(value).split("\n"))
                if lines > 1:
                    self.ws.row_dimensions[r].height = 15.0 * min(lines, 30)
        return r

    # -- layout --------------------------------------------------------------------------
    def finish(self, *, landscape: bool = True) -> None:
        """Apply column widths and print setup (landscape, fit all columns on one page width)."""
        widths = dict(self._widths)
        for col, width in self._min_widths.items():
            widths[col] = max(widths.get(col, 0.0), width)
        widths.update(self._fixed_widths)
        for col, width in widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = max(width, 6.0)
        for row, left, titles in self._header_rows:
            lines = 1
            for j, title in enumerate(titles):
                usable = max(int(widths.get(left + j, 8.43)) - 1, 4)
                lines = max(lines, len(textwrap.wrap(title, usable)) or 1)
            if lines > 1:
                self.ws.row_dimensions[row].height = 15.0 * lines + 2
        ps = self.ws.page_setup
        ps.orientation = "landscape" if landscape else "portrait"
        ps.paperSize = self.ws.PAPERSIZE_LETTER
        # fit the columns on one page width, or on several when a sheet is very wide (>300 characters)
        ps.fitToWidth = max(1, math.ceil(sum(widths.values()) / 300.0))
        # as many pages tall as the rows need at a readable size: with 0 ("automatic") LibreOffice
        # fitted a whole sheet onto one page (the Summary in unreadably small type)
        rows_per_page = ROWS_PER_PAGE_LANDSCAPE if landscape else ROWS_PER_PAGE_PORTRAIT
        ps.fitToHeight = max(1, math.ceil(self.ws.max_row / rows_per_page))
        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.ws.print_area = f"A1:{get_column_letter(max(1, self.ws.max_column))}{max(1, self.ws.max_row)}"
        self.ws.oddFooter.center.text = "&A, page &P of &N"  # sheet name and page number on every page
