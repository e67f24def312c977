"""Tables any tool can read: one CSV per table and a Frictionless ``datapackage.json``.

``write_csv_package(folder, tables, specs)`` writes ``<table>.csv`` (UTF-8, comma, header row,
"\\n" line ends, empty = missing) for every table and a Tabular Data Package descriptor
(https://specs.frictionlessdata.io/tabular-data-package/) naming each resource's columns with
their Table Schema type (string, integer, year, number, boolean), a ``unit`` (a custom property,
also in the description) and ``constraints.required`` for columns that are never empty.

Spreadsheet safety (as the workbook, planner.reports.cells): text is user input (names, notes),
so a text cell that a spreadsheet could read as a formula -- starting with ``=``, ``+``, ``-``,
``@``, tab, carriage return or line feed -- is written with a ``'`` in front, and so is text that
already starts with ``'``, which keeps the rule reversible: :func:`read_csv_package` strips one
leading ``'``. Control characters an .xlsx file cannot hold (all below U+0020 except tab, line
feed and carriage return) are written as U+FFFD, as in the workbook. Numbers are never prefixed.

Every file is written atomically (temporary file, fsync, rename); the descriptor is written last.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from models.io import atomic_write_bytes
from planner.reports.cells import needs_quote_prefix
from planner.reports.tables import Column, TableSpec, typed

DESCRIPTOR = "datapackage.json"
QUOTE = "'"
SAFE_TEXT_RULE = ("Text cells that start with = + - @ tab CR LF or ' are written with one ' in front "
                  "(spreadsheet-safe); remove one leading ' to get the original text.")


class CsvPackageError(Exception):
    """A CSV package cannot be written or read; the message says which file and why."""


def safe_cell(text: str) -> str:
    """The CSV form of a text value: control characters -> U+FFFD; a leading ' added where a
    spreadsheet could read a formula (or where the text already starts with ')."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if needs_quote_prefix(text) or text.startswith(QUOTE):
        return QUOTE + text
    return text


def unsafe_cell(text: str) -> str:
    """Inverse of :func:`safe_cell` for text without control characters."""
    return text[1:] if text.startswith(QUOTE) else text


def _field(col: Column) -> dict[str, Any]:
    desc = col.description
    if col.unit:
        desc = f"{desc} [{col.unit}]" if desc else f"[{col.unit}]"
    f: dict[str, Any] = {"name": col.name, "type": col.kind}
    if desc:
        f["description"] = desc
    if col.unit:
        f["unit"] = col.unit
    if not col.nullable:
        f["constraints"] = {"required": True}
    return f


def _column(field: Mapping[str, Any]) -> Column:
    return Column(str(field["name"]), str(field.get("type", "string")), str(field.get("unit", "")),
                  "", not bool(field.get("constraints", {}).get("required", False)))


def _csv_text(df: pd.DataFrame, spec: TableSpec) -> str:
    out = pd.DataFrame(index=df.index)
    for col in spec.columns:
        s = df[col.name]
        if col.kind == "string":
            out[col.name] = s.map(lambda v: v if v is pd.NA or v is None else safe_cell(str(v)), na_action="ignore")
        elif col.kind == "boolean":
            out[col.name] = s.map(lambda v: "true" if bool(v) else "false")
        elif col.kind == "number":
            out[col.name] = s.map(lambda v: "" if pd.isna(v) else repr(float(v)))
        else:
            out[col.name] = s
    return out.to_csv(index=False, lineterminator="\n", na_rep="")


def descriptor(specs: Mapping[str, TableSpec], *, name: str, title: str = "", description: str = "") -> dict[str, Any]:
    """The Frictionless Tabular Data Package descriptor of ``specs`` (one resource per table)."""
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title or name,
        "description": (description + " " if description else "") + SAFE_TEXT_RULE,
        "resources": [
            {
                "name": spec.name,
                "path": f"{spec.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": spec.description,
                "dialect": {"delimiter": ",", "doubleQuote": True, "lineTerminator": "\n", "header": True},
                "schema": {"fields": [_field(c) for c in spec.columns], "missingValues": [""]},
            }
            for spec in specs.values()
        ],
    }


def package_name(text: str) -> str:
    """A Frictionless package name (lower case letters, digits, '.', '-', '_') from any text."""
    out = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in text.lower()).strip("-")
    return out or "mine2magnet"


def write_csv_package(folder: str | os.PathLike[str], tables: Mapping[str, pd.DataFrame],
                      specs: Mapping[str, TableSpec], *, name: str, title: str = "",
                      description: str = "") -> list[Path]:
    """Write every table as ``<name>.csv`` and the ``datapackage.json`` into ``folder`` (created
    if missing; existing files of the same names are replaced). Returns the paths written.
    Raises CsvPackageError when the folder or a file cannot be written."""
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CsvPackageError(f"cannot create the folder {target}: {e.strerror or e}") from None
    written = []
    try:
        for key, spec in specs.items():
            path = target / f"{spec.name}.csv"
            atomic_write_bytes(path, _csv_text(tables[key], spec).encode("utf-8"), keep_backup=False)
            written.append(path)
        desc = descriptor(specs, name=package_name(name), title=title or name, description=description)
        path = target / DESCRIPTOR
        atomic_write_bytes(path, (json.dumps(desc, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
                           keep_backup=False)
        written.append(path)
    except OSError as e:
        raise CsvPackageError(f"cannot write {getattr(e, 'filename', None) or target}: {e.strerror or e}") from None
    return written


def read_csv_package(folder: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Read a package written by :func:`write_csv_package` back into typed DataFrames (the text
    prefix of :func:`safe_cell` removed). Raises CsvPackageError for a missing or bad descriptor."""
    base = Path(folder)
    try:
        desc = json.loads((base / DESCRIPTOR).read_text(encoding="utf-8"))
        resources = desc["resources"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise CsvPackageError(f"{base / DESCRIPTOR}: not a readable data package ({e})") from None
    out: dict[str, pd.DataFrame] = {}
    for res in resources:
        columns = tuple(_column(f) for f in res["schema"]["fields"])
        spec = TableSpec(res["name"], res.get("description", ""), columns)
        raw = pd.read_csv(base / res["path"], dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
        for col in columns:
            if col.kind == "string":
                raw[col.name] = raw[col.name].map(unsafe_cell, na_action="ignore")
            elif col.kind == "number":
                raw[col.name] = pd.to_numeric(raw[col.name])
            elif col.kind in ("integer", "year"):
                raw[col.name] = pd.to_numeric(raw[col.name]).astype("Int64")
        out[spec.name] = typed(spec, raw)
    return out
