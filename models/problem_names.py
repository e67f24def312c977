"""Problem locations in a planner's words: the thing by its name, the field by its label.

One source for every place that shows a located problem: the command line and the app's
"Cannot open" box (``load_message``: ``Facility 'Mountain Pass mine & concentrator'
(facilities[0]): capacity (t/yr) must be >= 0, found -5``) and the app's Validation panel
(``where_words``: ``Mountain Pass mine & concentrator (facility): capacity (t/yr)``).

``source`` is what the location points into: a ``Project``, or the raw JSON data of a file that
failed the schema (a dict; names are read from it, nothing else is trusted). Unknown or out-of-range
locations fall back to the raw location, never an exception.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

#: what one object of each project list is called (the lists of ``Project`` and of ``Levers``)
KIND_OF = {"facilities": "facility", "routes": "route", "markets": "market", "demands": "demand",
           "platforms": "platform", "scenarios": "scenario", "sales_markets": "sales market",
           "reported_output": "reported output", "offtakes": "offtake", "price_floors": "price floor",
           "grants": "grant", "loans": "loan", "import_licences": "import licence",
           "stockpiles": "government stockpile", "candidate_floors": "candidate price floor",
           "candidate_offtakes": "candidate guaranteed offtake"}

#: field labels that the name and its unit suffix do not give (as the inspector and tables show them)
FIELD_LABELS = {"lat": "latitude (deg)", "lon": "longitude (deg)", "from_id": "from facility",
                "to_id": "to facility", "facility_id": "facility", "option_id": "expansion option",
                "treo_recovery": "TREO recovery (0-1)", "element_recovery": "element recovery (0-1)",
                "assay": "assay (share of TREO)", "recipe_inputs": "recipe inputs (t per t)",
                "recipe_outputs": "recipe outputs (t per t)", "stock_initial_t": "finite stock (t TREO)",
                "stock_max_draw_tpy": "max draw (t/yr)", "capex_musd_reported": "reported capex ($M)",
                "element_online_year": "circuit start (year by element)",
                "qualification_years": "qualification (years)", "tonnes_by_year": "tonnes",
                "units_by_year": "units", "committed_tpy_by_year": "committed (t/yr)", "[key]": "year or key"}

_UNITS = (("_musd_per_tpy", " ($M per t/yr)"), ("_musd_per_yr", " ($M/yr)"), ("_usd_per_t_yr", " ($/t/yr)"),
          ("_usd_per_t_km", " ($/t-km)"), ("_usd_per_t", " ($/t)"), ("_musd", " ($M)"), ("_tpy", " (t/yr)"),
          ("_t", " (t)"), ("_s", " (s)"))

_INDEXED = re.compile(r"([A-Za-z_]+)\[(\d+)\]")
_HEAD = re.compile(r"^([A-Za-z_]+)\[(\d+)\]")


def field_words(path: str) -> str:
    """'capacity_tpy' -> 'capacity (t/yr)'; 'options[0].max_add_tpy' -> 'option 1, max add (t/yr)';
    'tonnes_by_year.2030' -> 'tonnes, 2030'; 'lat' -> 'latitude (deg)'."""
    parts = []
    for step in path.split("."):
        m = _INDEXED.fullmatch(step)
        if m:
            noun = m.group(1)
            noun = noun[:-3] + "y" if noun.endswith("ies") else noun[:-1] if noun.endswith("s") else noun
            parts.append(f"{noun.replace('_', ' ')} {int(m.group(2)) + 1}")
            continue
        if step in FIELD_LABELS:
            parts.append(FIELD_LABELS[step])
            continue
        unit = ""
        for suffix, words in _UNITS:
            if step.endswith(suffix):
                step, unit = step[: -len(suffix)], words
                break
        parts.append(step.replace("_", " ") + unit)
    return ", ".join(p for p in parts if p.strip())


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


_NAMES_CACHE: list[Any] = [None, -1, {}]  # (facilities list, its length, {id: name}): one source at a time


def _facility_name(source: Any, facility_id: Any) -> str:
    """A facility's name by id (its id when unnamed or unknown); the id -> name table is built once
    per facilities list, so naming 200,000 route problems stays linear."""
    facilities = _get(source, "facilities")
    if not isinstance(facilities, list):
        return str(facility_id)
    if _NAMES_CACHE[0] is not facilities or _NAMES_CACHE[1] != len(facilities):
        table: dict[Any, str] = {}
        for f in facilities:
            fid = _get(f, "id") if isinstance(f, (dict, BaseModel)) else None
            if isinstance(fid, str) and fid not in table:
                table[fid] = _text(_get(f, "name")) or fid
        _NAMES_CACHE[:] = [facilities, len(facilities), table]
    return _NAMES_CACHE[2].get(facility_id, str(facility_id))


def object_name(source: Any, list_name: str, obj: Any) -> str:
    """An object's name on screen: its name (its id when unnamed); a route by its ends' names."""
    if list_name == "routes":
        a, b = _get(obj, "from_id"), _get(obj, "to_id")
        if isinstance(a, str) and isinstance(b, str):
            return f"{_facility_name(source, a)} \u2192 {_facility_name(source, b)}"
    return _text(_get(obj, "name")) or _text(_get(obj, "id"))


def subject(location: str, source: Any) -> tuple[str, str, str, str]:
    """(kind, name, head, rest) of a location: ('facility', 'Mountain Pass', 'facilities[0]',
    'capacity_tpy'); ('settings', '', 'settings', 'end_year'); ('', '', '', location) when the
    location names no object of ``source``."""
    if location == "settings" or location.startswith("settings."):
        return "settings", "", "settings", location[len("settings"):].lstrip(".")
    owner, prefix, loc = source, "", location
    if location.startswith("levers."):
        owner, prefix, loc = _get(source, "levers"), "levers.", location[len("levers."):]
        if loc.startswith("policy.") and _HEAD.match(loc[len("policy."):]):
            owner, prefix, loc = _get(owner, "policy"), "levers.policy.", loc[len("policy."):]
    m = _HEAD.match(loc)
    if owner is None or m is None:
        return "", "", "", location
    items = _get(owner, m.group(1))
    index = int(m.group(2))
    if not isinstance(items, list) or not 0 <= index < len(items):
        return "", "", "", location
    name = object_name(source, m.group(1), items[index])
    head = prefix + m.group(0)
    return KIND_OF.get(m.group(1), m.group(1).replace("_", " ")), name, head, location[len(head):].lstrip(".")


def where_words(location: str, source: Any) -> str:
    """Where a problem is, in words (the Validation panel's column): 'facilities[3].capacity_tpy'
    -> 'Mt Weld mine (facility): capacity (t/yr)'; 'settings.end_year' -> 'Settings: end year'."""
    kind, name, head, rest = subject(location, source)
    if kind == "settings":
        return f"Settings: {field_words(rest)}" if rest else "Settings"
    if head and name:
        where = f"{name} ({kind})"
        return f"{where}: {field_words(rest)}" if rest else where
    if location.startswith("levers"):
        return f"Contracts and levers: {field_words(location[len('levers'):].lstrip('.'))}"
    return field_words(location)


def found_text(value: Any) -> str:
    """A value as found in the file, short: -5, "abc", null, a list, an object."""
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


_PREDICATE = re.compile(r"^(must|cannot|can't|is|are|should|has|needs?|exceeds|appears|holds)\b")


def _joined(who: str, label: str, message: str) -> str:
    """'Facility 'X' (facilities[0])' + 'capacity (t/yr)' + 'must be >= 0' -> 'Facility 'X'
    (facilities[0]): capacity (t/yr) must be >= 0'; a message that is no predicate of the field
    keeps a colon: 'Facility 'X' (facilities[0]), latitude (deg): no coordinates'."""
    if not label:
        return f"{who}: {message}" if who else message
    if _PREDICATE.match(message):
        return f"{who}: {label} {message}" if who else f"{label} {message}"
    return f"{who}, {label}: {message}" if who else f"{label}: {message}"


#: a field name inside a message (closure_year, max_add_tpy): not a quoted id, not part of a path
_FIELD_IN_TEXT = re.compile(r"(?<![\w.\['\-])([a-z]+(?:_[a-z0-9]+)+)(?![\w.\['\-])")


def labels_in_text(message: str) -> str:
    """Field names in a message as their labels: 'closure_year must be after online_year' ->
    'closure year must be after online year'; quoted ids ('mine_x') and paths stay, and so does a
    message about a version-1 file's own fields ('give either tonnes (version 1) or tonnes_by_year')."""
    if "version 1" in message:
        return message
    return _FIELD_IN_TEXT.sub(lambda m: field_words(m.group(1)), message)


def load_message(location: str, message: str, source: Any = None, found: Any = None, has_found: bool = False) -> str:
    """A located problem as one line, by the thing's name and the field's label:
    ``Facility 'Mountain Pass mine & concentrator' (facilities[0]): capacity (t/yr) must be >= 0,
    found -5``. Locations that are not inside the project (``line 3 column 5``) stay as they are;
    ``found`` is added unless the message already quotes the value."""
    shown = found_text(found) if has_found else ""
    tail = f", found {shown}" if shown and shown not in message and str(found) not in message else ""
    message = labels_in_text(message)
    if not location:
        return message + tail
    kind, name, head, rest = (subject(location, source) if source is not None else ("", "", "", location))
    if kind == "settings":
        return _joined("Settings", field_words(rest) if rest else "", message) + tail
    if head:
        who = f"{kind.capitalize()} {name!r} ({head})" if name else f"{kind.capitalize()} ({head})"
        return _joined(who, field_words(rest) if rest else "", message) + tail
    if _plain(location):  # a top-level field (schema_version): its label
        return f"{field_words(location)}: {message}{tail}"
    return f"{location}: {message}{tail}"


def _plain(location: str) -> bool:
    """A location that is one plain field name (``schema_version``; not a stray key such as ``x1``)."""
    return bool(re.fullmatch(r"[a-z]+(?:_[a-z]+)*", location))


__all__ = ["FIELD_LABELS", "KIND_OF", "field_words", "found_text", "labels_in_text", "load_message", "object_name",
           "subject", "where_words"]
