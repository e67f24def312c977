"""Edits of the risk catalogue checked against the whole catalogue before they are pushed (no Qt).

``Document.set_field`` validates the edited object alone (pydantic ``validate_assignment``). In the
risk catalogue some rules span objects: the licence states' probabilities add up to 1 (a rule of
the regime, broken by editing one state), state ids are unique within the regime, a facility has
one outage override (a rule of the catalogue). An edit that passes its own object's check but
breaks one of these would be stored, and the project file would then no longer load.

So every catalogue edit is tried first: the validated value is put in place for the time of one
``RiskCatalogue.model_validate`` of the whole catalogue and taken out again at once (no signal, no
undo step, nothing else runs in between); only an edit the whole catalogue accepts is pushed as a
command. A refusal is one readable line; a probability rule says what the values would add up to.
"""

from __future__ import annotations

from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from models.risk_catalogue import RiskCatalogue
from ui.document.document import validation_message


def _sum_note(catalogue: RiskCatalogue, message: str, value: Any) -> str:
    """'... must add up to 1' -> '... must add up to 1 (they would add up to 0.9)'."""
    if "add up to 1" not in message:
        return message
    total: float | None = None
    probs = getattr(value, "probabilities", None)
    if isinstance(value, dict):
        probs = value.get("probabilities")
    if "states" in message and catalogue.licence_regime is not None:
        total = sum(s.probability for s in catalogue.licence_regime.states)
    elif isinstance(probs, list):
        total = sum(float(p) for p in probs)
    if total is None:
        return message
    return f"{message} (they would add up to {round(total, 6):g})"


def try_on_catalogue(catalogue: RiskCatalogue | None, apply: Callable[[], None], revert: Callable[[], None],
                     value: Any = None) -> str | None:
    """Apply a change, validate the whole catalogue, revert; the refusal in one line or None."""
    if catalogue is None:
        return None
    apply()
    try:
        RiskCatalogue.model_validate(catalogue.model_dump())
    except ValidationError as e:
        return _sum_note(catalogue, validation_message(e), value)
    finally:
        revert()
    return None


def field_refusal(catalogue: RiskCatalogue | None, obj: BaseModel, field: str, value: Any) -> str | None:
    """Why ``obj.field = value`` is refused by ``obj`` itself or by the whole catalogue (None: accepted)."""
    probe = obj.model_copy()
    try:
        setattr(probe, field, value)
    except ValidationError as e:
        return _sum_note(catalogue or RiskCatalogue(), validation_message(e, field), value)
    new = getattr(probe, field)
    old = obj.__dict__[field]

    def apply() -> None:
        obj.__dict__[field] = new

    def revert() -> None:
        obj.__dict__[field] = old

    return try_on_catalogue(catalogue, apply, revert, new)


def insert_refusal(catalogue: RiskCatalogue | None, items: list, index: int, item: BaseModel) -> str | None:
    """Why inserting ``item`` into ``items`` (a list inside the catalogue) is refused (None: accepted)."""
    return try_on_catalogue(catalogue, lambda: items.insert(index, item), lambda: items.pop(index))


def remove_refusal(catalogue: RiskCatalogue | None, items: list, index: int) -> str | None:
    """Why removing ``items[index]`` is refused (e.g. the licence states would no longer add up to 1)."""
    taken: list = []
    return try_on_catalogue(catalogue, lambda: taken.append(items.pop(index)),
                            lambda: items.insert(index, taken.pop()))


__all__ = ["field_refusal", "insert_refusal", "remove_refusal", "try_on_catalogue"]
