"""The decision brief as HTML (for the Decision view) and as a one-page PDF drawn with Qt's own
PDF writer (QTextDocument laid out once, painted on a QPdfWriter page; no other dependency).

``brief_html(brief)`` is the one layout both use, so the view and the PDF show the same text.
``write_brief_pdf(path, brief)`` writes a US-letter landscape page: the document is laid out at
a logical width of 1,000 px scaled to the page's printable width (9 pt type prints at about
7.6 pt); a brief taller than the page is laid out wider (up to 1,800 px, so long cells wrap into
fewer lines) and scaled to fit, so that it always stays on one page. The file is written atomically
(bytes built in memory, then models.io.atomic_write_bytes). Every text from the project is
HTML-escaped (a facility named ``<b>x`` shows as typed).

Thread use: QTextDocument and QPdfWriter are not widgets, so ``write_brief_pdf`` may run on a
worker thread once a QGuiApplication exists (Qt paints on PDF devices from any thread).
"""

from __future__ import annotations

import html
import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from models.io import atomic_write_bytes
from planner.reports.brief import DecisionBrief, format_cell

#: logical width (px) the document is laid out at before it is scaled to the page
LAYOUT_WIDTH_PX = 1000.0
MAX_LAYOUT_WIDTH_PX = 1800.0
BASE_FONT_PT = 9.0
PAGE_MARGIN_MM = 10.0

CSS = """
body { font-family: sans-serif; color: #1d2733; }
h1 { font-size: 13pt; margin: 0 0 2px 0; }
h2 { font-size: 11pt; margin: 10px 0 3px 0; color: #24466b; }
p.note { color: #55606e; margin: 2px 0; }
table.kv td { padding: 1px 8px 1px 0; vertical-align: top; }
table.grid { border-collapse: collapse; }
table.grid th { background: #24466b; color: white; padding: 2px 5px; text-align: left; font-weight: 600; }
table.grid td { padding: 2px 5px; border-bottom: 1px solid #d9dde3; vertical-align: top; }
td.num { text-align: right; }
td.short { color: #b00020; font-weight: 600; }
"""


class BriefWriteError(Exception):
    """The PDF could not be written; ``str(err)`` says where and why."""


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def brief_html(brief: DecisionBrief) -> str:
    """The brief as one HTML page (Qt's rich-text subset)."""
    out = [f"<html><head><style>{CSS}</style></head><body>", f"<h1>{_e(brief.title)}</h1>",
           f'<p class="note">Solved {_e(brief.solved_at)}. Tonnes are metric (t); $M = millions of US dollars; '
           "clean = nothing mined, refined, separated, melted or made into magnets in a covered country, and no "
           "Chinese process technology.</p>", '<table class="kv">']
    for label, text in brief.headline:
        out.append(f"<tr><td><b>{_e(label)}</b></td><td>{_e(text)}</td></tr>")
    out.append("</table>")
    for s in brief.sections:
        out.append(f"<h2>{_e(s.title)}</h2>")
        if s.rows:
            out.append('<table class="grid" width="100%" cellspacing="0"><tr>')
            out += [f"<th>{_e(c.title)}</th>" for c in s.columns]
            out.append("</tr>")
            for row in s.rows:
                out.append("<tr>")
                for value, c in zip(row, s.columns):
                    cls = "num" if c.fmt != "text" else ""
                    if c.title.startswith("Short") and isinstance(value, (int, float)) and value > 1e-6:
                        cls += " short"
                    out.append(f'<td class="{cls.strip()}">{_e(format_cell(value, c.fmt))}</td>')
                out.append("</tr>")
            out.append("</table>")
        else:
            out.append(f'<p class="note">{_e(s.empty_text)}</p>')
        out += [f'<p class="note">{_e(n)}</p>' for n in s.notes]
    out.append("</body></html>")
    return "".join(out)


def brief_document(brief: DecisionBrief, width_px: float = LAYOUT_WIDTH_PX) -> QTextDocument:
    doc = QTextDocument()
    font = QFont()
    font.setPointSizeF(BASE_FONT_PT)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setHtml(brief_html(brief))
    doc.setTextWidth(width_px)
    return doc


def brief_pdf_bytes(brief: DecisionBrief) -> bytes:
    """The one-page PDF in memory."""
    if QGuiApplication.instance() is None:
        raise RuntimeError("brief_pdf_bytes needs a QGuiApplication (see ensure_gui_application)")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(brief.title)
    writer.setCreator("mine2magnet")
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Landscape,
                                     QMarginsF(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    width = LAYOUT_WIDTH_PX
    doc = brief_document(brief, width)
    while doc.size().height() * page.width() / width > page.height() and width < MAX_LAYOUT_WIDTH_PX:
        width += 100.0
        doc.setTextWidth(width)
    size: QSizeF = doc.size()
    scale = min(page.width() / width, page.height() / max(size.height(), 1.0))
    painter = QPainter(writer)
    try:
        painter.scale(scale, scale)
        doc.drawContents(painter)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def write_brief_pdf(path: str | os.PathLike[str], brief: DecisionBrief) -> None:
    """Write the one-page PDF of ``brief`` to ``path`` atomically; BriefWriteError when it cannot."""
    data = brief_pdf_bytes(brief)
    try:
        atomic_write_bytes(path, data, keep_backup=False)
    except OSError as e:
        raise BriefWriteError(f"Cannot write the brief to {path}: {e.strerror or e}") from e


def ensure_gui_application() -> QGuiApplication:
    """A QGuiApplication for drawing without a window (the command line): the existing one, or a
    new one on the offscreen platform."""
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(["mine2magnet", "-platform", "offscreen"])
    return app  # type: ignore[return-value]
