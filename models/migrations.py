"""Schema migrations: each step turns version n into n + 1 on plain JSON data.

Version 1 (the first public format) differs from version 2 in three ways:
- ``facilities[*].capacity_schedule`` was a list ``[{"year": y, "capacity_tpy": c}]``; version 2
  uses ``capacity_tpy`` + ``online_year`` (+ ``ramp_up_shares``); we take the final capacity and
  the first year with output, and turn intermediate steps into ramp-up shares.
- ``demands[*].tonnes`` was a list ``[{"year": y, "t": x}]``; version 2 uses ``tonnes_by_year``.
- ``settings.deminimis`` was renamed ``settings.de_minimis_share``.

Version 3 adds optional sections and fields (demand priorities, finite stocks, qualification lags,
platform content basis, contracts and policy levers); every one has a default that reproduces the
version-2 meaning, so a version-2 file migrates by taking the defaults.
"""

from __future__ import annotations

from typing import Any, Callable

from .project import SCHEMA_VERSION


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    for f in data.get("facilities", []) or []:
        if not isinstance(f, dict) or "capacity_schedule" not in f:
            continue
        steps = sorted(
            (s for s in f.pop("capacity_schedule") or [] if isinstance(s, dict)),
            key=lambda s: s.get("year", 0),
        )
        steps = [s for s in steps if s.get("capacity_tpy", 0) > 0]
        if steps:
            final = steps[-1]["capacity_tpy"]
            first = steps[0]["year"]
            f["capacity_tpy"] = final
            f["online_year"] = first
            shares = []
            by_year = {s["year"]: s["capacity_tpy"] for s in steps}
            year, last = first, 0.0
            while year < steps[-1]["year"]:
                last = by_year.get(year, last)
                shares.append(round(last / final, 6) if final else 1.0)
                year += 1
            f["ramp_up_shares"] = shares
    for d in data.get("demands", []) or []:
        if isinstance(d, dict) and "tonnes" in d:
            d["tonnes_by_year"] = {str(r["year"]): r["t"] for r in d.pop("tonnes") or [] if isinstance(r, dict)}
    settings = data.get("settings")
    if isinstance(settings, dict) and "deminimis" in settings:
        settings["de_minimis_share"] = settings.pop("deminimis")
    data["schema_version"] = 2
    return data


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3 only adds optional fields whose defaults keep the version-2 meaning.

    Risk (issue 11): ExpansionOption.committed_tpy_by_year (empty = free) and the scenario
    override kind "invest" (commit an option's t/yr in a year).
    """
    data["schema_version"] = 3
    return data


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring ``data`` to the current schema version; ValueError for unknown/newer versions."""
    version = data.get("schema_version")
    if version is None:
        raise ValueError("missing schema_version: is this a mine2magnet project file?")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"invalid schema_version {version!r}")
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"file uses schema version {version}, newer than this mine2magnet supports ({SCHEMA_VERSION}); "
            "please update the app"
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version = data["schema_version"]
    return data
