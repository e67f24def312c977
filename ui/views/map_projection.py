"""The map's projection and great circles, pure arithmetic (no drawing, no widgets).

Plate carree (equirectangular) centred on a meridian ``lon0``: scene x = (lon - lon0, brought
into [-180, 180)) x ``DEG``, scene y = -lat x ``DEG``. The central meridian is chosen so the
fewest routes cross the map's seam (lon0 + 180); flows are drawn along great circles.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath

DEG = 8.0  # scene units per degree


def wrap_lon(lon: float) -> float:
    """A longitude brought into [-180, 180)."""
    return (lon + 180.0) % 360.0 - 180.0


def project_point(lat: float, lon: float, lon0: float = 0.0) -> QPointF:
    """Scene point of a latitude / longitude in degrees: plate carree centred on the meridian
    ``lon0`` (x = (lon - lon0, brought into [-180, 180)) * DEG, y = -lat * DEG)."""
    return QPointF(wrap_lon(lon - lon0) * DEG, -lat * DEG)


def unproject(point: QPointF, lon0: float = 0.0) -> tuple[float, float]:
    """(lat, lon) in degrees of a scene point of the map centred on ``lon0``; lat clamped to the
    globe, lon brought into [-180, 180)."""
    lat = max(-90.0, min(90.0, -point.y() / DEG))
    x = max(-180.0, min(180.0, point.x() / DEG))
    return lat, wrap_lon(x + lon0)


def unwrapped_lons(points: list[tuple[float, float]]) -> list[float]:
    """The longitudes of a path made continuous (no jump of 360 degrees at the antimeridian)."""
    out: list[float] = []
    for _lat, lon in points:
        if not out:
            out.append(lon)
        else:
            out.append(out[-1] + wrap_lon(lon - out[-1]))
    return out


@functools.lru_cache(maxsize=4096)
def _lon_span(segment: tuple[float, float, float, float]) -> tuple[float, float]:
    """(west, east) unwrapped longitudes the great circle of ``segment`` covers (cached)."""
    lons = unwrapped_lons(great_circle(*segment))
    return min(lons), max(lons)


def choose_central_meridian(segments: list[tuple[float, float, float, float]], step: int = 10,
                            places: list[float] | None = None) -> float:
    """The central meridian (a multiple of ``step`` degrees) whose seam (lon0 + 180) the fewest of
    the great circles ``segments`` (lat1, lon1, lat2, lon2) cross; among those, the one whose
    seam is farthest from every longitude in ``places`` (no marker at the map's edge), then the
    one nearest Greenwich. A chain that spans the Pacific (Australia to the United States) but
    not the Atlantic is centred on the Pacific; one with no route over the antimeridian keeps 0.
    Arcs that still cross the seam are drawn continuously past it (``arc_path``)."""
    spans = [_lon_span(seg) for seg in set(segments)]

    def crossings(lon0: float) -> int:
        seam = lon0 + 180.0
        n = 0
        for lo, hi in spans:
            # the seam's copies seam + 360 k: is one strictly inside [lo, hi]?
            k = math.ceil((lo - seam) / 360.0)
            if lo < seam + 360.0 * k < hi:
                n += 1
        return n

    def clearance(lon0: float) -> float:  # degrees from the seam to the nearest place
        return min((abs(wrap_lon(lon - lon0 - 180.0)) for lon in places or ()), default=180.0)

    candidates = range(-180 + step, 181, step)
    return float(min(candidates, key=lambda c: (crossings(float(c)), -round(clearance(float(c))), abs(c))))


def central_meridian_of(project: Any) -> float:
    """The map's central meridian for a project: where the fewest routes cross the seam (the
    Pacific for Australia - US), see ``choose_central_meridian``. Remembered for the last few
    projects (by their coordinates and routes); File > Open computes it on its worker thread, so
    the map's first drawing finds it ready (about 20 ms of great circles for the real sample)."""
    at = {f.id: (f.lat, f.lon) for f in project.facilities if f.lat is not None and f.lon is not None}
    segments = tuple(sorted({(*at[r.from_id], *at[r.to_id]) for r in project.routes
                             if r.from_id in at and r.to_id in at and r.from_id != r.to_id}))
    return _central_meridian(segments, tuple(sorted(lon for _lat, lon in at.values())))


@functools.lru_cache(maxsize=8)
def _central_meridian(segments: tuple[tuple[float, float, float, float], ...], places: tuple[float, ...]) -> float:
    return choose_central_meridian(list(segments), places=list(places))


def great_circle(lat1: float, lon1: float, lat2: float, lon2: float, steps: int = 0) -> list[tuple[float, float]]:
    """Points (lat, lon) along the great circle from 1 to 2 (spherical linear interpolation).

    p(t) = [sin((1-t) w) a + sin(t w) b] / sin(w), a, b unit vectors, w the angle between them.
    """
    def vec(lat: float, lon: float) -> tuple[float, float, float]:
        la, lo = math.radians(lat), math.radians(lon)
        return math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)

    a, b = vec(lat1, lon1), vec(lat2, lon2)
    dot = max(-1.0, min(1.0, sum(x * y for x, y in zip(a, b))))
    w = math.acos(dot)
    if w < 1e-9:
        return [(lat1, lon1), (lat2, lon2)]
    steps = steps or max(4, min(48, int(math.degrees(w) / 3)))  # about one point per 3 degrees
    out = []
    for k in range(steps + 1):
        t = k / steps
        s1, s2 = math.sin((1 - t) * w) / math.sin(w), math.sin(t * w) / math.sin(w)
        x, y, z = (s1 * a[i] + s2 * b[i] for i in range(3))
        out.append((math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))))
    return out


def arc_path(lat1: float, lon1: float, lat2: float, lon2: float, lon0: float = 0.0) -> QPainterPath:
    """The great circle as one continuous scene path on the map centred on ``lon0``: it starts at
    the source's marker and never jumps; an arc over the map's seam runs on past the edge, where
    the basemap is drawn again (see MapView._add_basemap)."""
    points = great_circle(lat1, lon1, lat2, lon2)
    start = wrap_lon(points[0][1] - lon0)
    path = QPainterPath()
    for (lat, _lon), lon in zip(points, unwrapped_lons(points)):
        p = QPointF((start + lon - points[0][1]) * DEG, -lat * DEG)
        if path.elementCount() == 0:
            path.moveTo(p)
        else:
            path.lineTo(p)
    return path
