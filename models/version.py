"""The installed mine2magnet's version, from the package metadata ("0.1.0"; "unknown" when the
code runs without being installed). Shown by Help > About."""

from __future__ import annotations

from importlib import metadata

PACKAGE = "mine2magnet"


def installed_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "unknown"
