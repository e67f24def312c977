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


# ------------------------------------------------------------------ land rings at the seam
#: longitudes closer than this (degrees) to a seam meridian count as on it
ON_SEAM_DEG = 1e-6


def _on_meridian(lon: float, meridian: float) -> bool:
    return abs(wrap_lon(lon - meridian)) < ON_SEAM_DEG


def split_at_seam(ring: list[tuple[float, float]], seam: float = 180.0) -> list[list[tuple[float, float]]]:
    """A closed land ring of (lon, lat) degrees cut where it crosses the meridian ``seam``, so that
    no edge runs across the world: each part lies within [seam - 360, seam] and is closed along
    the seam (its closing edge runs up or down the seam meridian).

    The ring's longitudes are made continuous (``unwrapped_lons``); an edge from unwrapped u_a to
    u_b that passes a copy of the seam s = seam + 360 k is cut there, at the latitude
    lat_a + (s - u_a) / (u_b - u_a) x (lat_b - lat_a); each piece is moved by a whole number of
    turns into [seam - 360, seam]. The piece that runs over the ring's start is joined up. A ring
    that goes once around a pole (Antarctica's in Natural Earth: its longitudes jump from 180 to
    -180) is closed along that pole's edge of the map (lat 90 or -90). A ring that does not
    cross the seam comes back as it is, moved into [seam - 360, seam].
    """
    if len(ring) < 3:
        return []
    lats = [lat for _lon, lat in ring]
    u = unwrapped_lons([(lat, lon) for lon, lat in ring])
    # the closing edge, last -> first, made continuous too: a ring around a pole ends one turn away
    u_close = u[-1] + wrap_lon(ring[0][0] - u[-1])
    turns_round = round((u_close - u[0]) / 360.0)
    points = list(zip(u, lats)) + [(u_close, lats[0])]

    def copy_of(lon_u: float) -> int:  # which copy of the map [seam - 360 + 360 k, seam + 360 k] holds it
        return math.ceil((lon_u - seam) / 360.0 - 1e-12)

    pieces: list[list[tuple[float, float]]] = [[points[0]]]
    for (ua, la), (ub, lb) in zip(points, points[1:]):
        lo, hi = min(ua, ub), max(ua, ub)
        k_first = math.floor((lo - seam) / 360.0) + 1
        seams = [seam + 360.0 * k for k in range(k_first, math.ceil((hi - seam) / 360.0))]
        for s in (seams if ub >= ua else reversed(seams)):
            if not lo < s < hi:
                continue
            lat = la + (s - ua) / (ub - ua) * (lb - la)
            pieces[-1].append((s, lat))
            pieces.append([(s, lat)])
        pieces[-1].append((ub, lb))
    if turns_round == 0:
        pieces[-1].pop()  # the closing point repeats the first
        if len(pieces) > 1:  # the last piece runs on into the first: one piece
            pieces[0] = pieces.pop() + pieces[0]
    else:  # around a pole: one chain from a seam crossing to the same crossing a turn on
        chain = [p for piece in pieces[1:] for p in piece] + [p for p in pieces[0]][1:]
        if len(pieces) == 1:
            chain = pieces[0]
        pole = 90.0 if sum(lats) > 0 else -90.0
        chain = chain + [(chain[-1][0], pole), (chain[0][0], pole)]
        lo_u = min(x for x, _ in chain)
        return [_without_repeats([(x - lo_u + seam - 360.0, y) for x, y in chain])]

    out = []
    for piece in pieces:
        inner = [x for x, _ in piece if not any(abs(x - (seam + 360.0 * k)) < ON_SEAM_DEG for k in (-2, -1, 0, 1, 2))]
        ref = sorted(inner)[len(inner) // 2] if inner else piece[0][0]
        shift = 360.0 * copy_of(ref)
        part = _without_repeats([(x - shift, y) for x, y in piece])
        if len(part) >= 3:
            out.append(part)
    return out


def _without_repeats(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    return out[:-1] if len(out) > 1 and out[-1] == out[0] else out


def coast_lines(part: list[tuple[float, float]], seam: float = 180.0) -> list[list[tuple[float, float]]]:
    """The outline of a closed land part as open polylines, without its edges along the seam
    meridian (where ``split_at_seam`` or the data itself cut land in two: Natural Earth cuts
    Chukotka and Fiji at 180 degrees) or along a pole's edge: cuts, not coasts, so they are not
    stroked, and two halves of one land meet without a line between them."""
    if len(part) < 2:
        return []
    closed = part + [part[0]]
    lines: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for a, b in zip(closed, closed[1:]):
        cut = (_on_meridian(a[0], seam) and _on_meridian(b[0], seam)) or (abs(a[1]) >= 90.0 and abs(b[1]) >= 90.0)
        if cut:
            if len(current) >= 2:
                lines.append(current)
            current = []
            continue
        if not current:
            current = [a]
        current.append(b)
    if len(current) >= 2:
        lines.append(current)
    # the ring's start is not a corner: a line running through it is one line
    if len(lines) > 1 and lines[-1][-1] == lines[0][0]:
        lines[0] = lines.pop() + lines[0][1:]
    return lines
