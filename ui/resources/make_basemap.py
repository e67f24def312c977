"""Convert Natural Earth 1:110m countries into the app's compact offline basemap (run once).

Source: Natural Earth "Admin 0 - Countries", 1:110m (public domain, naturalearthdata.com),
as shipped inside the geopandas 0.14.4 wheel on PyPI (geopandas/datasets/naturalearth_lowres:
.shp polygons + .dbf attributes). Fetch the wheel with the ordinary client, then convert:

    pip download --no-deps -d /tmp/ne geopandas==0.14.4
    python ui/resources/make_basemap.py /tmp/ne/geopandas-0.14.4-py3-none-any.whl

Writes ``ui/resources/world_110m.json``:
``{"source": ..., "licence": ..., "countries": [{"iso": "USA", "name": ..., "rings": [[lon, lat,
lon, lat, ...], ...]}]}``. Each ring is simplified (Douglas-Peucker, tolerance ``TOL_DEG``
degrees) and coordinates are rounded to 0.01 degree, which keeps the file small (about 0.2 MB)
while staying far below a pixel at the map's scales. Pure standard library: the shapefile
format (ESRI whitepaper, 1998) is read with ``struct``; no GIS package is needed.
"""

from __future__ import annotations

import io
import json
import struct
import sys
import zipfile
from pathlib import Path

TOL_DEG = 0.05
OUT = Path(__file__).with_name("world_110m.json")
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"


def read_dbf(data: bytes) -> list[dict[str, str]]:
    """dBASE III records as dicts of stripped strings."""
    n_rec, header_len, rec_len = struct.unpack("<IHH", data[4:12])
    fields = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0", 1)[0].decode("ascii")
        length = data[pos + 16]
        fields.append((name, length))
        pos += 32
    rows = []
    for i in range(n_rec):
        rec = data[header_len + i * rec_len: header_len + (i + 1) * rec_len]
        off, row = 1, {}
        for name, length in fields:
            row[name] = rec[off:off + length].decode("utf-8", "replace").strip()
            off += length
        rows.append(row)
    return rows


def read_shp_polygons(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """Polygon records (shape type 5) as lists of rings of (lon, lat)."""
    shapes = []
    pos = 100
    while pos < len(data):
        _num, length_words = struct.unpack(">ii", data[pos:pos + 8])
        rec = data[pos + 8: pos + 8 + 2 * length_words]
        pos += 8 + 2 * length_words
        shape_type = struct.unpack("<i", rec[:4])[0]
        if shape_type == 0:
            shapes.append([])
            continue
        assert shape_type == 5, f"unexpected shape type {shape_type}"
        n_parts, n_points = struct.unpack("<ii", rec[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", rec[44:44 + 4 * n_parts]))
        pts_off = 44 + 4 * n_parts
        pts = [struct.unpack("<dd", rec[pts_off + 16 * k: pts_off + 16 * k + 16]) for k in range(n_points)]
        rings = [pts[a:b] for a, b in zip(parts, parts[1:] + [n_points])]
        shapes.append(rings)
    return shapes


def simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: drop points closer than ``tol`` (degrees) to the simplified line."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, best_i = -1.0, -1
        for i in range(a + 1, b):
            x0, y0 = points[i]
            d = abs(dy * x0 - dx * y0 + x2 * y1 - y2 * x1) / norm if norm else ((x0 - x1) ** 2 + (y0 - y1) ** 2) ** 0.5
            if d > best:
                best, best_i = d, i
        if best > tol:
            keep[best_i] = True
            stack += [(a, best_i), (best_i, b)]
    return [p for p, k in zip(points, keep) if k]


def convert(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as z:
        shp = z.read(MEMBER + ".shp")
        dbf = z.read(MEMBER + ".dbf")
    records = read_dbf(dbf)
    shapes = read_shp_polygons(shp)
    countries = []
    for rec, rings in zip(records, shapes):
        out_rings = []
        for ring in rings:
            simple = simplify(ring, TOL_DEG)
            if len(simple) < 4:
                continue
            flat: list[float] = []
            for lon, lat in simple:
                flat += [round(lon, 2), round(lat, 2)]
            out_rings.append(flat)
        if out_rings:
            countries.append({"iso": rec.get("iso_a3", ""), "name": rec.get("name", ""), "rings": out_rings})
    return {
        "source": "Natural Earth 1:110m Admin 0 - Countries (naturalearthdata.com), via the "
                  "geopandas 0.14.4 wheel (geopandas/datasets/naturalearth_lowres); simplified by "
                  "ui/resources/make_basemap.py",
        "licence": "Public domain (Natural Earth terms of use: no permission needed)",
        "countries": countries,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    data = convert(Path(argv[0]))
    buf = io.StringIO()
    json.dump(data, buf, separators=(",", ":"))
    OUT.write_text(buf.getvalue() + "\n", encoding="utf-8")
    n_pts = sum(len(r) // 2 for c in data["countries"] for r in c["rings"])
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB): {len(data['countries'])} countries, {n_pts} points")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
