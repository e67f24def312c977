"""Refused edits in plain words (no Qt): what the model said, with field names turned into the
labels the user sees. Used by the forms, the lever tables and the scenario override dialog."""

from __future__ import annotations

import re

from models.wording import count

_PYDANTIC_PLAIN = (
    (re.compile(r"^Input should be a valid (number|integer)\b.*", re.I),
     lambda m: "must be a number" if m.group(1).lower() == "number" else "must be a whole number"),
    (re.compile(r"^Input should be (.*)$", re.I), lambda m: f"must be {m.group(1)}"),
    (re.compile(r"^String should have at most (\d+) characters?$", re.I),
     lambda m: f"is too long (at most {m.group(1)} characters)"),
    (re.compile(r"^String should have at least (\d+) characters?$", re.I),
     lambda m: f"must have at least {count(int(m.group(1)), 'character')}"),
)


def plain_refusal(message: str, field_label: str, labels: dict[str, str] | None = None) -> str:
    """A refused edit in plain words: ``capacity_tpy: must be >= 0`` -> ``Capacity (t/yr) cannot be
    negative``; field names inside the message (``end_year must be >= start_year``) become their
    labels (``End year must be at least Start year``)."""
    labels = labels or {}
    out = []
    for part in [p.strip() for p in message.split("; ") if p.strip()]:
        loc, sep, rest = part.partition(": ")
        if sep and " " not in loc:  # a location prefix such as capacity_tpy or facilities[3].lat
            part = rest
        for rx, fn in _PYDANTIC_PLAIN:
            m = rx.match(part)
            if m:
                part = fn(m)
                break
        part = re.sub(r"must be >= 0(?![.\d])", "cannot be negative", part)
        part = re.sub(r">=\s*", "at least ", part)
        part = re.sub(r"<=\s*", "at most ", part)
        part = re.sub(r"(?<![<>])>\s*", "more than ", part)
        part = re.sub(r"(?<![<>])<\s*", "less than ", part)
        for attr, label in sorted(labels.items(), key=lambda kv: -len(kv[0])):
            part = re.sub(rf"\b{re.escape(attr)}\b", label, part)
        if any(part.startswith(lab) for lab in [field_label, *labels.values()]):
            out.append(part)  # already names its field(s)
        elif re.match(r"^(must|cannot|is|are|should|has|needs)\b", part):
            out.append(f"{field_label} {part}")
        else:
            out.append(f"{field_label}: {part}" if part else field_label)
    return "; ".join(out) or message


__all__ = ["plain_refusal"]
