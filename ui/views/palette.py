"""Colours and menu helpers shared by the chain view and the map: a country's fill, a status's
outline, a material's arrow colour, the green of new investments, the covered-output test that
draws a facility red, the amber of a single point of failure, and the context menu's ``exec`` (a
module function the tests answer)."""

from __future__ import annotations

import colorsys
import zlib
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMenu

from models.vocab import Material, Status

COUNTRY_COLOURS = {
    "US": "#2f6db5", "AU": "#d99a00", "CA": "#00897b", "JP": "#8e44ad", "KR": "#5c6bc0",
    "GB": "#34495e", "DE": "#7f8c8d", "FR": "#2980b9", "EE": "#27ae60", "VN": "#d35400",
    "MY": "#6d4c41", "BR": "#2e7d32", "CN": "#8b1a1a", "RU": "#5d4037", "IN": "#ef6c00",
    "GL": "#00838f", "SE": "#1565c0", "NO": "#ad1457", "ZA": "#558b2f", "TZ": "#9e9d24",
}
STATUS_PEN = {
    Status.OPERATING: (Qt.PenStyle.SolidLine, 2.2),
    Status.COMMITTED: (Qt.PenStyle.SolidLine, 1.2),
    Status.CONSTRUCTION: (Qt.PenStyle.DashDotLine, 1.8),
    Status.PLANNED: (Qt.PenStyle.DashLine, 1.8),
    Status.CONCEPT: (Qt.PenStyle.DotLine, 1.8),
}
#: one clearly different colour per material (Tableau-style hues; oxides warm, metals cool)
MATERIAL_COLOURS = {
    Material.CONCENTRATE: "#8c564b", Material.MIXED_CARBONATE: "#c49a6c",
    Material.NDPR_OXIDE: "#ff7f0e", Material.DY_OXIDE: "#bcbd22", Material.TB_OXIDE: "#17becf",
    Material.SM_OXIDE: "#e377c2", Material.NDPR_METAL: "#1f77b4", Material.DY_METAL: "#2ca02c",
    Material.TB_METAL: "#9467bd", Material.SM_METAL: "#d62728", Material.COBALT: "#393b79",
    Material.NDFEB_SCRAP: "#7f7f7f", Material.NDFEB_MAGNET: "#111111", Material.SMCO_MAGNET: "#ad1457",
}
INVEST_COLOUR = QColor("#1b9e4b")
#: a single point of failure found by the stress test: an amber ring and a black-edged warning badge
#: (amber is no material's arrow colour, nor the covered red, the investment green or the selection blue)
SPOF_COLOUR = QColor("#ffb300")
SPOF_EDGE = QColor("#1f1f1f")


def exec_menu(menu: QMenu, pos: Any) -> None:
    """Show a context menu (a module function so tests can answer it without a click)."""
    menu.exec(pos)


def country_colour(code: str) -> QColor:
    """Fixed colours for common countries; a stable hash-derived hue for the others."""
    if code in COUNTRY_COLOURS:
        return QColor(COUNTRY_COLOURS[code])
    hue = (zlib.crc32(code.encode()) % 360) / 360.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.55, 0.75)
    return QColor(int(r * 255), int(g * 255), int(b * 255))


