"""Land at the map's seam: a polygon over the 180th meridian is cut in two at the seam (never an
edge across the world), the cut edges are not stroked as coast (the Pacific-centred map drew a
line down Chukotka and Fiji, where Natural Earth cuts them at 180 degrees), and Antarctica, a band
across the whole width in this projection with a line at its seam, is left out: the map ends at
60 S."""

from __future__ import annotations

import pytest

from ui.views.map_projection import coast_lines, split_at_seam
from ui.views.map_view import SOUTH_EDGE_LAT, land_parts, load_basemap


def shoelace(ring):
    """Area (square degrees) of a ring of (lon, lat)."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))) / 2.0


def width(part):
    lons = [lon for lon, _lat in part]
    return max(lons) - min(lons)


def test_a_polygon_over_the_180th_meridian_becomes_two_parts():
    """A 20 x 20 degree square from 170 E to 170 W (lat -10..10): by hand, two 10 x 20 squares,
    one at 170..180 E and one at 180..170 W, each 200 square degrees (400 in all), and none wider
    than half the map (180 degrees); drawn as the ring's points it spanned 340 degrees."""
    square = [(170.0, -10.0), (-170.0, -10.0), (-170.0, 10.0), (170.0, 10.0)]
    assert width(square) == 340.0  # what an unsplit ring drew: an edge across the world
    parts = split_at_seam(square, 180.0)
    assert len(parts) == 2
    east, west = sorted(parts, key=lambda p: -min(lon for lon, _ in p))
    assert sorted({lon for lon, _ in east}) == [170.0, 180.0]
    assert sorted({lon for lon, _ in west}) == [-180.0, -170.0]
    assert all(width(p) <= 180.0 for p in parts)
    assert [shoelace(p) for p in parts] == pytest.approx([200.0, 200.0])
    # the edges along the seam are cuts, not coasts: each half keeps its three real sides
    for part in parts:
        lines = coast_lines(part, 180.0)
        assert len(lines) == 1 and len(lines[0]) == 4
        assert not any(abs(abs(a[0]) - 180.0) < 1e-9 and abs(abs(b[0]) - 180.0) < 1e-9
                       for a, b in zip(lines[0], lines[0][1:]))


def test_a_slanted_edge_is_cut_at_the_latitude_where_it_meets_the_seam():
    """The edge from (175 E, 0) to (165 W, 20 N) runs 20 degrees of longitude; it meets 180 after
    5 of them, a quarter of the way, at lat 0 + 0.25 x 20 = 5."""
    ring = [(175.0, 0.0), (-165.0, 20.0), (-165.0, -10.0), (175.0, -10.0)]
    parts = split_at_seam(ring, 180.0)
    assert len(parts) == 2
    seam_points = {(round(lon, 9), round(lat, 9)) for p in parts for lon, lat in p if abs(abs(lon) - 180) < 1e-9}
    assert (180.0, 5.0) in seam_points and (-180.0, 5.0) in seam_points
    assert all(width(p) <= 180.0 for p in parts)


def test_a_ring_away_from_the_seam_is_unchanged():
    ring = [(10.0, 0.0), (20.0, 0.0), (20.0, 10.0)]
    assert split_at_seam(ring, 180.0) == [ring]
    # on a map centred on 100 W the seam is 80 E: the same ring is cut only when it crosses 80 E
    assert split_at_seam(ring, 80.0) == [ring]
    assert len(split_at_seam([(70.0, 0.0), (90.0, 0.0), (90.0, 10.0), (70.0, 10.0)], 80.0)) == 2


def test_a_ring_around_the_pole_is_closed_along_the_map_edge():
    """Antarctica's ring in Natural Earth goes once around the pole (its longitudes jump from 180
    to -180): it becomes one part from -180 to 180 closed along lat -90, not an edge across the
    world at its own latitude."""
    ring = [(-180.0, -70.0), (-90.0, -75.0), (0.0, -70.0), (90.0, -75.0), (180.0, -70.0)]
    (part,) = split_at_seam(ring, 180.0)
    assert part[-2:] == [(180.0, -90.0), (-180.0, -90.0)]
    assert all(abs(a[0] - b[0]) <= 90.0 for a, b in zip(part, part[1:]) if a[1] > -90 or b[1] > -90)
    lines = coast_lines(part, 180.0)
    assert not any(lat == -90.0 for line in lines for _lon, lat in line)  # the pole's edge is not a coast


def test_the_basemap_has_no_seam_lines_and_no_antarctica():
    rings = load_basemap()
    assert any(max(lat for _, lat in r) < SOUTH_EDGE_LAT for r in rings)  # Antarctica is in the data
    parts = land_parts(rings)
    assert all(max(lat for _, lat in part) >= SOUTH_EDGE_LAT for part, _ in parts)  # ... not on the map
    assert all(width(part) < 180.0 for part, _ in parts)  # no land part spans the world
    # Natural Earth cuts Chukotka (Russia) and Fiji at 180 degrees: land touches the seam, but no
    # coast line runs along it
    on_seam = [part for part, _ in parts if any(abs(abs(lon) - 180.0) < 1e-9 for lon, _ in part)]
    assert len(on_seam) >= 4
    for _part, lines in parts:
        for line in lines:
            for a, b in zip(line, line[1:]):
                assert not (abs(abs(a[0]) - 180.0) < 1e-9 and abs(abs(b[0]) - 180.0) < 1e-9), (a, b)
