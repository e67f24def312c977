"""Sankey diagram of one year's material flows: stage columns, bands proportional to tonnes.

Three layers, each testable on its own:

- ``sankey_data(project, result, year)``: nodes (facilities, markets, demands) and links
  (flows summed by from, to and class; materials kept for the tooltip) from ``result.flows``;
- ``layout_sankey(...)``: pixel geometry. One scale ``k`` (px per tonne) for the whole diagram,
  so every band's thickness = k x tonnes and a node's height = k x max(inflow, outflow, demand)
  (at least ``min_node_px``). Nodes of a column are stacked in slots tall enough for their label,
  so labels never overlap; ``k`` is the largest scale at which every column fits the height;
- ``SankeyWidget``: paints the layout with QPainter and shows a tooltip per band and node.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from models.covered import is_covered_facility, is_covered_market
from models.project import Project
from models.vocab import RECIPE_STAGES, Stage
from planner.reports.figures import FlowLink, demand_by_id, flow_links
from planner.result import PlanResult
from ui.results.summary import display_names, material_label

#: Column titles, left to right.
COLUMNS = ("Mines & scrap", "Cracking", "Separation & recycling", "Metal & cobalt", "Magnet plants", "Demand")
DEMAND_COLUMN = len(COLUMNS) - 1

STAGE_COLUMN = {
    Stage.MINE: 0,
    Stage.CRACKING: 1,
    Stage.SEPARATION: 2,
    Stage.RECYCLING: 2,
    Stage.METAL: 3,
    Stage.COBALT: 3,
    Stage.MAGNET_NDFEB: 4,
    Stage.MAGNET_SMCO: 4,
}

#: A market sits in the column of the stage that makes what it sells.
MARKET_COLUMN = {
    "ndfeb_scrap": 0,
    "ndpr_oxide": 2,
    "dy_oxide": 2,
    "tb_oxide": 2,
    "sm_oxide": 2,
    "ndpr_metal": 3,
    "dy_metal": 3,
    "tb_metal": 3,
    "sm_metal": 3,
    "cobalt": 3,
    "ndfeb_magnet": 4,
    "smco_magnet": 4,
}

CLEAN_COLOUR = QColor(42, 157, 143)
COVERED_COLOUR = QColor(209, 73, 91)
#: unmet demand: a dark amber cross-hatch, not the covered class's red (the two read alike before)
UNMET_COLOUR = QColor(184, 115, 0)
UNMET_PATTERN = Qt.BrushStyle.DiagCrossPattern
NODE_COLOURS = {"facility": QColor(74, 93, 117), "market": QColor(141, 106, 159), "demand": QColor(38, 70, 83)}


def format_tonnes(t: float) -> str:
    if abs(t) >= 100:
        return f"{t:,.0f} t"
    if abs(t) >= 1:
        return f"{t:,.1f} t"
    return f"{t:,.2f} t"


@dataclass
class SankeyNode:
    id: str
    label: str
    column: int
    kind: str  # facility | market | demand
    covered: bool = False  # market of covered origin / facility that makes covered material only
    inflow: float = 0.0
    outflow: float = 0.0
    demand_t: float = 0.0
    unmet_t: float = 0.0

    @property
    def size(self) -> float:
        """Tonnes the node's height stands for: max(inflow, outflow, demand)."""
        return max(self.inflow, self.outflow, self.demand_t)


#: a band of the Sankey: tonnes from one node to another in one class (planner.reports.figures.flow_links)
SankeyLink = FlowLink


def facility_column(f) -> int:
    """Column of a facility: its stage's, except that recipe facilities (recycling, magnet-to-magnet,
    scrap collection) sit in the column of what they make."""
    if f.stage in RECIPE_STAGES and f.recipe_outputs:
        return max(MARKET_COLUMN.get(m.value, STAGE_COLUMN.get(f.stage, 2)) for m in f.recipe_outputs)
    return STAGE_COLUMN.get(f.stage, 2)


def _push_sources_left(nodes: dict[str, SankeyNode], links: list[SankeyLink]) -> None:
    """Make every band run left to right: a source in the same column as (or right of) its target
    moves one column left of it (or the target one right when the source is in column 0)."""
    for _ in range(len(COLUMNS)):
        moved = False
        for link in links:
            src, dst = nodes[link.source], nodes[link.target]
            if src.column >= dst.column:
                if dst.column > 0:
                    src.column = dst.column - 1
                else:
                    dst.column = min(src.column + 1, DEMAND_COLUMN)
                moved = True
        if not moved:
            return


def sankey_data(project: Project, result: PlanResult, year: int) -> tuple[list[SankeyNode], list[SankeyLink]]:
    """Nodes and links of ``year``: flows summed by (from, to, class); zero flows dropped."""
    covered_countries = set(project.settings.covered_countries)
    names = display_names(project)
    facilities = {f.id: f for f in project.facilities}
    markets = {m.id: m for m in project.markets}
    demands_product = {d.id: d.product.value for d in project.demands}

    nodes: dict[str, SankeyNode] = {}

    def node(node_id: str) -> SankeyNode:
        n = nodes.get(node_id)
        if n is not None:
            return n
        if node_id in facilities:
            fac = facilities[node_id]
            n = SankeyNode(node_id, names[node_id], facility_column(fac), "facility",
                           covered=is_covered_facility(fac, covered_countries))
        elif node_id in markets:
            m = markets[node_id]
            n = SankeyNode(node_id, names[node_id], MARKET_COLUMN.get(m.material.value, 3), "market",
                           covered=is_covered_market(m, covered_countries))
        else:
            n = SankeyNode(node_id, names.get(node_id, node_id), DEMAND_COLUMN, "demand")
        nodes[node_id] = n
        return n

    links = flow_links(result, year)
    for link in links:
        node(link.source).outflow += link.tonnes
        node(link.target).inflow += link.tonnes
    _push_sources_left(nodes, links)
    for demand_id, (demand_t, unmet_t) in demand_by_id(result, year).items():
        if demand_id in nodes or demand_t > 1e-9:
            n = node(demand_id)
            n.kind, n.column = "demand", DEMAND_COLUMN
            if n.label == demand_id and demand_id in demands_product:
                n.label = names.get(demand_id, demand_id)
            n.demand_t, n.unmet_t = demand_t, unmet_t
    return list(nodes.values()), links


# ----------------------------------------------------------------------------- layout
@dataclass
class NodeBox:
    node: SankeyNode
    rect: QRectF
    label_rect: QRectF  # where the label is drawn
    label_left: bool  # label to the left of the node (last column)


@dataclass
class LinkGeom:
    link: SankeyLink
    x0: float
    y0: float  # top of the band at the source
    x1: float
    y1: float  # top of the band at the target
    thickness: float  # k x tonnes (px)


@dataclass
class SankeyLayout:
    scale_px_per_t: float
    boxes: dict[str, NodeBox]
    links: list[LinkGeom]
    columns: list[tuple[int, float]]  # (column index, x of the node column)
    min_height: int  # height needed so every label fits without overlap


def _order_columns(nodes: list[SankeyNode], links: list[SankeyLink]) -> dict[int, list[SankeyNode]]:
    """Nodes per used column, ordered to reduce crossings: the first column by size, the others
    by the tonne-weighted mean position of their sources (barycentre), left to right."""
    cols: dict[int, list[SankeyNode]] = defaultdict(list)
    for n in nodes:
        cols[n.column].append(n)
    incoming: dict[str, list[SankeyLink]] = defaultdict(list)
    for link in links:
        incoming[link.target].append(link)
    position: dict[str, float] = {}
    for c in sorted(cols):
        members = cols[c]

        def bary(n: SankeyNode) -> tuple[float, float]:
            ins = [(position[link.source], link.tonnes) for link in incoming[n.id] if link.source in position]
            total = sum(t for _, t in ins)
            if total <= 0:
                return (1e9, -n.size)
            return (sum(p * t for p, t in ins) / total, -n.size)

        members.sort(key=bary if position else (lambda n: (-n.size, n.label)))
        for i, n in enumerate(members):
            position[n.id] = i / max(1, len(members) - 1) if len(members) > 1 else 0.5
        cols[c] = members
    return dict(cols)


def layout_sankey(
    nodes: list[SankeyNode],
    links: list[SankeyLink],
    width: float,
    height: float,
    label_h: float = 16.0,
    header_h: float = 24.0,
    margin: float = 10.0,
    node_w: float = 14.0,
    min_node_px: float = 2.0,
    node_pad: float = 6.0,
    max_gap: float = 36.0,
    last_label_px: float = 180.0,
    label_lines: Callable[[SankeyNode, float], int] | None = None,
) -> SankeyLayout:
    """Place nodes and bands in a ``width`` x ``height`` pixel area (see module docstring).

    Every label sits right of its node; ``last_label_px`` (the widest label of the last column)
    is reserved at the right edge so the last column's labels never cover the column before.
    ``label_lines(node, label width px)`` says how many lines (1 or 2) the node's label needs at
    that width; a node's slot is tall enough for its lines.
    """
    cols = _order_columns(nodes, links)
    used = sorted(cols)
    top = margin + header_h
    avail = max(1.0, height - top - margin)

    n_cols = len(used)
    last_label_w = min(max(120.0, last_label_px), width * 0.25) if n_cols > 1 else 0.0
    inner_w = max(1.0, width - 2 * margin - node_w - (last_label_w + 8 if n_cols > 1 else 0))
    xs = {c: margin + (inner_w * i / (n_cols - 1) if n_cols > 1 else inner_w / 2) for i, c in enumerate(used)}
    col_gap = inner_w / (n_cols - 1) if n_cols > 1 else inner_w
    label_ws = {c: last_label_w if (c == used[-1] and n_cols > 1) else max(40.0, col_gap - node_w - 16) for c in used}
    lines = {n.id: (label_lines(n, label_ws[c]) if label_lines is not None else 1) for c in used for n in cols[c]}

    def slot(n: SankeyNode, k: float) -> float:
        return max(max(k * n.size, min_node_px) + node_pad, label_h * lines[n.id] + 2)

    def fits(k: float) -> bool:
        return all(sum(slot(n, k) for n in cols[c]) <= avail for c in used)

    min_height = int(top + margin + max((sum(slot(n, 0.0) for n in cols[c]) for c in used), default=0)) + 1
    max_size = max((sum(n.size for n in cols[c]) for c in used), default=0.0)
    k = 0.0
    if max_size > 0 and fits(0.0):
        lo, hi = 0.0, avail / max_size
        if fits(hi):
            lo = hi
        else:
            for _ in range(50):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if fits(mid) else (lo, mid)
        k = lo

    boxes: dict[str, NodeBox] = {}
    for c in used:
        members = cols[c]
        slots = [slot(n, k) for n in members]
        extra = max(0.0, avail - sum(slots))
        gap = min(max_gap, extra / (len(members) + 1))
        y = top + (avail - sum(slots) - gap * (len(members) - 1)) / 2
        label_w = label_ws[c]
        for n, s in zip(members, slots):
            h = max(k * n.size, min_node_px)
            rect = QRectF(xs[c], y + (s - h) / 2, node_w, h)
            cy = rect.center().y()
            lh = label_h * lines[n.id]
            label_rect = QRectF(rect.right() + 6, cy - lh / 2, label_w, lh)
            boxes[n.id] = NodeBox(n, rect, label_rect, False)
            y += s + gap

    # bands: stacked at each node in the order of the other end's position
    out_links: dict[str, list[SankeyLink]] = defaultdict(list)
    in_links: dict[str, list[SankeyLink]] = defaultdict(list)
    for link in links:
        out_links[link.source].append(link)
        in_links[link.target].append(link)
    y_out: dict[int, float] = {}
    y_in: dict[int, float] = {}
    for node_id, ls in out_links.items():
        y = boxes[node_id].rect.top()
        for link in sorted(ls, key=lambda link: (boxes[link.target].rect.top(), link.klass)):
            y_out[id(link)] = y
            y += k * link.tonnes
    for node_id, ls in in_links.items():
        y = boxes[node_id].rect.top()
        for link in sorted(ls, key=lambda link: (boxes[link.source].rect.top(), link.klass)):
            y_in[id(link)] = y
            y += k * link.tonnes
    geoms = [
        LinkGeom(link, boxes[link.source].rect.right(), y_out[id(link)], boxes[link.target].rect.left(),
                 y_in[id(link)], k * link.tonnes)
        for link in links
    ]
    return SankeyLayout(k, boxes, geoms, [(c, xs[c]) for c in used], min_height)


def band_path(g: LinkGeom) -> QPainterPath:
    """A band: two cubic curves (top and bottom edge) from source to target, at least 1 px thick."""
    t = max(g.thickness, 1.0)
    mx = (g.x0 + g.x1) / 2
    path = QPainterPath(QPointF(g.x0, g.y0))
    path.cubicTo(QPointF(mx, g.y0), QPointF(mx, g.y1), QPointF(g.x1, g.y1))
    path.lineTo(QPointF(g.x1, g.y1 + t))
    path.cubicTo(QPointF(mx, g.y1 + t), QPointF(mx, g.y0 + t), QPointF(g.x0, g.y0 + t))
    path.closeSubpath()
    return path


# ----------------------------------------------------------------------------- widget
class SankeyWidget(QWidget):
    """Paints ``sankey_data`` for one year; hover a band or node for its tonnes.

    ``node_clicked(id)``: a node (or its label) was clicked.
    """

    node_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.nodes: list[SankeyNode] = []
        self.links: list[SankeyLink] = []
        self.year: int | None = None
        self.empty_text = "No result to show."
        self._layout: SankeyLayout | None = None
        self._layout_size: tuple[int, int] = (0, 0)
        self._paths: list[tuple[QPainterPath, LinkGeom]] = []
        self._font = QFont(self.font())
        self._font.setPointSizeF(max(8.0, self.font().pointSizeF() * 0.95))
        self._bold = QFont(self._font)
        self._bold.setBold(True)

    def set_flows(self, project: Project | None, result: PlanResult | None, year: int | None) -> None:
        """Show the flows of ``year`` (nothing when there is no plan)."""
        self.year = year
        if project is None or result is None or not result.has_plan or year is None:
            self.nodes, self.links = [], []
            self.empty_text = "No plan to show." if result is not None else "No result to show."
        else:
            self.nodes, self.links = sankey_data(project, result, year)
            self.empty_text = f"No material flows in {year}."
        self._layout = None
        self.updateGeometry()
        self.update()

    def label_text(self, n: SankeyNode) -> tuple[str, str]:
        """(name, figure) shown next to a node."""
        figure = format_tonnes(n.size)
        if n.kind == "demand" and n.unmet_t > 1e-9:
            figure = f"{format_tonnes(n.inflow)} of {format_tonnes(n.demand_t)}"
        return n.label, figure

    def _last_label_px(self) -> float:
        fm = QFontMetrics(self._font)
        last = max((n.column for n in self.nodes), default=0)
        widths = [fm.horizontalAdvance("  ".join(self.label_text(n))) + 12 for n in self.nodes if n.column == last]
        return float(max(widths, default=120))

    def label_lines(self, n: SankeyNode, width: float) -> list[str]:
        """The label as drawn in ``width`` px: one line "name  figure" when it fits, else the name
        wrapped at a word onto two lines with the figure after the second (elided only when even
        two lines are too short; the tooltip always gives the full name)."""
        fm = QFontMetrics(self._font)
        label, figure = self.label_text(n)
        tail = f"  {figure}"
        room = int(width - 8)
        if fm.horizontalAdvance(label + tail) <= room:
            return [label + tail]
        words = label.split()
        first = ""
        for i, word in enumerate(words):
            trial = (first + " " + word).strip()
            if fm.horizontalAdvance(trial) > room and first:
                rest = " ".join(words[i:])
                break
            first = trial
        else:
            rest = ""
        if fm.horizontalAdvance(first) > room:  # one very long word
            first = fm.elidedText(first, Qt.TextElideMode.ElideRight, room)
        second = fm.elidedText(rest, Qt.TextElideMode.ElideRight, max(20, room - fm.horizontalAdvance(tail)))
        return [first, (second + tail).strip()]

    def node_tooltip(self, n: SankeyNode) -> str:
        """Full name, tonnes in and out (and demand, unmet) of a node."""
        lines = [n.label, f"in {format_tonnes(n.inflow)}, out {format_tonnes(n.outflow)}"]
        if n.kind == "demand":
            lines.append(f"demand {format_tonnes(n.demand_t)}, unmet {format_tonnes(n.unmet_t)}")
        return "\n".join(lines)

    def _label_h(self) -> float:
        return QFontMetrics(self._font).height() + 2.0

    def current_layout(self) -> SankeyLayout:
        if self._layout is None or self._layout_size != (self.width(), self.height()):
            self._layout = layout_sankey(self.nodes, self.links, self.width(), self.height(), label_h=self._label_h(),
                                         header_h=QFontMetrics(self._bold).height() + 8,
                                         last_label_px=self._last_label_px(),
                                         label_lines=lambda n, w: len(self.label_lines(n, w)))
            self._layout_size = (self.width(), self.height())
            self._paths = [(band_path(g), g) for g in self._layout.links]
        return self._layout

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        w = max(self.width(), 640)
        lay = layout_sankey(self.nodes, self.links, w, 100, label_h=self._label_h(),
                            header_h=QFontMetrics(self._bold).height() + 8, last_label_px=self._last_label_px(),
                            label_lines=lambda n, lw: len(self.label_lines(n, lw)))
        return QSize(640, max(240, lay.min_height))

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(1000, max(480, self.minimumSizeHint().height()))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        if not self.links and not self.nodes:
            p.setPen(QColor(110, 110, 110))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        lay = self.current_layout()
        fm = QFontMetrics(self._font)
        # column titles
        p.setFont(self._bold)
        p.setPen(QColor(90, 90, 90))
        n_cols = len(lay.columns)
        for i, (c, x) in enumerate(lay.columns):
            title = COLUMNS[c]
            w = QFontMetrics(self._bold).horizontalAdvance(title)
            tx = x if i == 0 or i == n_cols - 1 else max(x + 7 - w / 2, 0)
            p.drawText(QPointF(tx, 10 + QFontMetrics(self._bold).ascent()), title)
        # bands
        p.setPen(Qt.PenStyle.NoPen)
        for path, g in self._paths:
            colour = QColor(CLEAN_COLOUR if g.link.klass == "clean" else COVERED_COLOUR)
            colour.setAlpha(120)
            p.setBrush(colour)
            p.drawPath(path)
        # nodes
        for box in lay.boxes.values():
            n = box.node
            colour = COVERED_COLOUR.darker(120) if n.covered else NODE_COLOURS[n.kind]
            p.setBrush(colour)
            p.setPen(Qt.PenStyle.NoPen)
            if n.kind == "demand" and n.unmet_t > 1e-9 and n.size > 0:
                delivered_h = box.rect.height() * (n.inflow / n.size)
                p.drawRect(QRectF(box.rect.left(), box.rect.top(), box.rect.width(), delivered_h))
                unmet = QRectF(box.rect.left(), box.rect.top() + delivered_h, box.rect.width(),
                               box.rect.height() - delivered_h)
                p.setBrush(QBrush(UNMET_COLOUR, UNMET_PATTERN))
                p.setPen(QPen(UNMET_COLOUR, 1))
                p.drawRect(unmet)
            else:
                p.drawRect(box.rect)
        # labels on a translucent plate so they stay readable over bands
        p.setFont(self._font)
        for box in lay.boxes.values():
            lines = self.label_lines(box.node, box.label_rect.width())
            tw = min(box.label_rect.width(), max(fm.horizontalAdvance(t) for t in lines) + 6)
            r = QRectF(box.label_rect)
            if box.label_left:
                r.setLeft(r.right() - tw)
            else:
                r.setWidth(tw)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(255, 255, 255, 215))
            p.drawRoundedRect(r, 3, 3)
            p.setPen(QColor(30, 30, 30))
            p.drawText(r.adjusted(3, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       "\n".join(lines))
        p.end()

    def link_at(self, pos: QPointF) -> LinkGeom | None:
        for path, g in reversed(self._paths):
            if path.contains(pos):
                return g
        return None

    def node_at(self, pos: QPointF) -> SankeyNode | None:
        """The node whose box or label is at ``pos`` (widget coordinates)."""
        if self._layout is None:
            return None
        for box in self._layout.boxes.values():
            if box.rect.adjusted(-2, -1, 2, 1).contains(pos) or box.label_rect.contains(pos):
                return box.node
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        node = self.node_at(event.position())
        if node is not None and event.button() == Qt.MouseButton.LeftButton:
            self.node_clicked.emit(node.id)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._layout is None:
            return
        pos = event.position()
        n = self.node_at(pos)
        if n is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.node_tooltip(n), self)
            return
        g = self.link_at(pos)
        if g is None:
            QToolTip.hideText()
            return
        names = {b.node.id: b.node.label for b in self._layout.boxes.values()}
        mats = ", ".join(f"{material_label(m)} {format_tonnes(t)}" for m, t in sorted(g.link.materials.items()))
        QToolTip.showText(
            event.globalPosition().toPoint(),
            f"{names[g.link.source]} → {names[g.link.target]}\n{format_tonnes(g.link.tonnes)} {g.link.klass}: {mats}",
            self,
        )
