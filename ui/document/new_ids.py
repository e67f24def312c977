"""A new facility's id and name follow its stage until something refers to it.

A facility added on the chain or the map is called ``new-<stage>`` / "New <stage>" (e.g.
``new-mine``, "New mine"). When its stage is then changed (a mine turned into a separation
plant), keeping ``new-mine`` leaves an id that lies. The id is re-derived from the new stage
(``new-separation``, or ``new-separation-2`` when taken) only while it is safe:

- the id still has the form ``new-<old stage>`` or ``new-<old stage>-<n>`` (the user has not
  renamed it), and
- nothing in the project names it: the id occurs exactly once in the project's JSON (the
  facility's own ``id``), so no route, contract, scenario filter or saved chain position
  would have to follow.

The name follows the same way while it is still "New <old stage>" (or that with a number).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from ui.document.fields import label_of


def _auto_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(prefix)}(-\d+)?$")


def is_auto_id(facility_id: str, stage: Any) -> bool:
    return bool(_auto_pattern(f"new-{getattr(stage, 'value', stage)}").match(facility_id))


def is_auto_name(name: str, stage: Any) -> bool:
    return bool(re.fullmatch(rf"{re.escape('New ' + label_of(stage))}( \d+)?", name or ""))


def is_referenced(project: Any, facility_id: str) -> bool:
    """True when the id occurs anywhere in the project besides the facility's own id field."""
    text = project.model_dump_json()
    return text.count(json.dumps(facility_id)) > 1


def follow_stage(project: Any, facility: Any, new_stage: Any, taken: set[str],
                 unique_id: Callable[[str, set[str]], str]) -> tuple[str | None, str | None]:
    """(new id or None, new name or None) for ``facility`` whose stage becomes ``new_stage``;
    ``unique_id(prefix, taken)`` is the document's id rule (``new-separation-2`` when taken)."""
    old_stage = facility.stage
    if old_stage == new_stage:
        return None, None
    new_id = None
    if is_auto_id(facility.id, old_stage) and not is_referenced(project, facility.id):
        new_id = unique_id(f"new-{getattr(new_stage, 'value', new_stage)}", taken - {facility.id})
        if new_id == facility.id:
            new_id = None
    new_name = f"New {label_of(new_stage)}" if is_auto_name(facility.name, old_stage) else None
    return new_id, new_name
