"""How one field of a domain object is shown and typed: formatting and parsing by kind.

Shared by the table models (one column per ``FieldSpec``) and the forms (inspector,
settings). Parsing turns what the user typed into a Python value and raises ``ValueError``
with a plain message for text that is not even of the right shape ("abc" for a number);
range and cross-field rules are left to the pydantic model (``Document.set_field``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Sequence

from models.countries import COUNTRIES
from models.vocab import vocab_label


def fmt_number(v: float | int | None) -> str:
    """Readable number: thousands separators, no trailing zeros (1234.5 -> '1,234.5')."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10_000 else str(v)
    if not math.isfinite(v):
        return str(v)
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    if abs(v) >= 1000:
        return f"{v:,.1f}"
    return f"{v:.6g}"


def parse_float(text: Any, optional: bool = False) -> float | None:
    """'1,250.5' -> 1250.5; '' -> None when optional, else ValueError."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text if text is not None else "").strip().replace(",", "").replace("_", "")
    if not s:
        if optional:
            return None
        raise ValueError("a number is required")
    try:
        v = float(s)
    except ValueError:
        raise ValueError(f"{str(text).strip()!r} is not a number") from None
    if not math.isfinite(v):
        raise ValueError("the number must be finite")
    return v


def parse_int(text: Any, optional: bool = False) -> int | None:
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    v = parse_float(text, optional)
    if v is None:
        return None
    if v != int(v):
        raise ValueError(f"{fmt_number(v)} is not a whole number")
    return int(v)


def enum_value(v: Any) -> Any:
    return v.value if isinstance(v, Enum) else v


def label_of(v: Any) -> str:
    """Vocabulary shown as words (models.vocab.vocab_label): 'ndpr_metal' -> 'NdPr metal',
    'magnet_ndfeb' -> 'NdFeB magnet making', 'under_construction' -> 'under construction'."""
    if v is None:
        return ""
    return vocab_label(str(enum_value(v)))


def country_label(code: str) -> str:
    return f"{code} - {COUNTRIES.get(code, '?')}"


def parse_country(text: Any) -> str:
    """'AU', 'au', 'AU - Australia' or 'Australia' -> 'AU' (the model checks the code)."""
    s = str(text or "").strip()
    if " - " in s:
        s = s.split(" - ", 1)[0]
    if len(s) != 2:
        by_name = {name.lower(): code for code, name in COUNTRIES.items()}
        if s.lower() in by_name:
            return by_name[s.lower()]
    return s.upper()


def parse_list(text: Any) -> list[str]:
    """'CN, RU ,KP' -> ['CN', 'RU', 'KP'] (empty text -> [])."""
    if isinstance(text, (list, tuple)):
        return [str(x) for x in text]
    return [p.strip() for p in str(text or "").replace(";", ",").split(",") if p.strip()]


def parse_float_list(text: Any) -> list[float]:
    """'0.3, 0.7' -> [0.3, 0.7]."""
    if isinstance(text, (list, tuple)):
        return [float(x) for x in text]
    return [parse_float(p) for p in parse_list(text)]  # type: ignore[misc]


def parse_mapping(text: Any, choices: Sequence[Any] = ()) -> dict[str, float]:
    """'ndpr: 0.06, dy: 0.002' -> {'ndpr': 0.06, 'dy': 0.002} (keys checked by the model).

    With ``choices`` (the keys' vocabulary) a key may also be written as its label:
    'NdFeB magnets: 2' -> {'magnet_ndfeb': 2} for a mapping by stage."""
    if isinstance(text, dict):
        return dict(text)
    by_label = {label_of(c).lower(): str(enum_value(c)) for c in choices}
    out: dict[str, float] = {}
    for part in parse_list(text):
        if ":" not in part and "=" not in part:
            raise ValueError(f"{part!r}: write name: value, e.g. ndpr: 0.06")
        key, value = part.replace("=", ":").split(":", 1)
        key = by_label.get(key.strip().lower(), key.strip().lower().replace(" ", "_"))
        if key in out:
            raise ValueError(f"{key!r} is listed twice")
        out[key] = parse_float(value)  # type: ignore[assignment]
    return out


def fmt_mapping(d: dict, labelled: bool = False) -> str:
    """'ndpr: 0.06, dy: 0.002'; ``labelled``: keys as words ('NdFeB magnets: 2', not 'magnet_ndfeb: 2')."""
    return ", ".join(f"{label_of(k) if labelled else enum_value(k)}: {fmt_number(v)}" for k, v in d.items())


@dataclass
class FieldSpec:
    """One editable field: which attribute, its header/label (with unit) and its kind.

    kind: text | float | opt_float | int | opt_int | enum | opt_enum | country | countries |
    bool | float_list | mapping | ref (a facility id) | custom (``get``/``to_field`` given).
    For ``custom``, ``get(obj)`` returns the shown value and ``to_field(obj, parsed)`` returns
    the new value of ``attr`` (e.g. a whole ``tonnes_by_year`` dict with one year changed).
    """

    attr: str
    header: str
    kind: str = "text"
    choices: Sequence[Any] = ()
    readonly: bool = False
    tooltip: str = ""
    width: int = 0
    get: Callable[[Any], Any] | None = None
    to_field: Callable[[Any, Any], Any] | None = None
    parse_as: str = "opt_float"  # kind used to parse a custom field's text
    extra: dict = field(default_factory=dict)
    #: grey text shown when the value is None, e.g. "unlimited" or "auto: 512" (a str or obj -> str)
    placeholder: "str | Callable[[Any], str]" = ""
    #: obj -> the text shown instead of the value (e.g. a facility's name for a ``ref``); editing
    #: still starts from and stores the value (the id)
    show: "Callable[[Any], str] | None" = None

    def placeholder_for(self, obj: Any) -> str:
        if self.value(obj) is not None or not self.placeholder:
            return ""
        return self.placeholder(obj) if callable(self.placeholder) else self.placeholder

    # ------------------------------------------------------------ values
    def value(self, obj: Any) -> Any:
        return self.get(obj) if self.get is not None else getattr(obj, self.attr)

    def display(self, obj: Any) -> str:
        if self.show is not None:
            return self.show(obj)
        v = self.value(obj)
        k = self.kind
        if k in ("float", "opt_float", "int", "opt_int") or (k == "custom" and isinstance(v, (int, float))):
            return fmt_number(v)
        if k in ("enum", "opt_enum"):
            return label_of(v)
        if k == "country":
            return country_label(v) if v else ""
        if k == "countries":
            return ", ".join(v)
        if k == "float_list":
            return ", ".join(fmt_number(x) for x in v)
        if k == "mapping":
            return fmt_mapping(v, labelled=bool(self.choices))
        if k == "bool":
            return "yes" if v else "no"
        return "" if v is None else str(v)

    def edit_text(self, obj: Any) -> str:
        """The text an editor starts with (no thousands separators, codes not labels)."""
        v = self.value(obj)
        if v is None:
            return ""
        if self.kind in ("enum", "opt_enum"):
            return str(enum_value(v))
        if self.kind in ("float", "opt_float") or isinstance(v, float):
            return repr(float(v)).removesuffix(".0") if float(v) == int(v) else repr(float(v))
        if self.kind in ("country", "ref"):
            return str(v)
        return self.display(obj)

    def parse(self, text: Any) -> Any:
        """What the user typed -> a value for the model (ValueError with a message if malformed)."""
        k = self.parse_as if self.kind == "custom" else self.kind
        if k == "float":
            return parse_float(text)
        if k == "opt_float":
            return parse_float(text, optional=True)
        if k == "int":
            return parse_int(text)
        if k == "opt_int":
            return parse_int(text, optional=True)
        if k in ("enum", "opt_enum"):
            s = str(enum_value(text) if text is not None else "").strip()
            if not s and k == "opt_enum":
                return None
            for c in self.choices:
                if s.lower() in (str(enum_value(c)).lower(), label_of(c).lower(), str(enum_value(c)).replace("_", " ")):
                    return c
            raise ValueError(f"{s!r} is not one of: {', '.join(label_of(c) for c in self.choices)}")
        if k == "country":
            return parse_country(text)
        if k == "countries":
            return [parse_country(c) for c in parse_list(text)]
        if k == "bool":
            if isinstance(text, bool):
                return text
            return str(text).strip().lower() in ("1", "yes", "true", "y", "x")
        if k == "float_list":
            return parse_float_list(text)
        if k == "mapping":
            return parse_mapping(text, self.choices)
        return "" if text is None else str(text)

    def new_field_value(self, obj: Any, text: Any) -> Any:
        parsed = self.parse(text)
        if self.to_field is not None:
            return self.to_field(obj, parsed)
        return parsed


def year_column(attr: str, year: int, unit: str) -> FieldSpec:
    """A column for one year of a ``{year: value}`` dict field; empty = no entry that year."""

    def get(obj: Any) -> Any:
        return getattr(obj, attr).get(year)

    def to_field(obj: Any, value: float | None) -> dict:
        d = dict(getattr(obj, attr))
        if value is None:
            d.pop(year, None)
        else:
            d[year] = value
        return dict(sorted(d.items()))

    return FieldSpec(attr, f"{year}\n({unit})", "custom", get=get, to_field=to_field, parse_as="opt_float",
                     tooltip=f"{unit} in {year}; leave empty for none", extra={"year": year})
