"""What the app and the workbook draw from an N-1 stress report: plain data, no Qt.

* ``facility_marks(rep)``: facility id -> the text of its single-point-of-failure mark, e.g.
  "single point of failure: 103.3 t defense SmCo short per year 2026-2028 if out" (the chain view
  and the map put it in the facility's tooltip);
* ``risk_matrix(rep)``: the likelihood-versus-impact matrix, one point per element with a catalogue
  probability (x = P(its outage starts in the stressed years) = 1 - (1 - p)^W, y = its defense
  shortfall beyond the baseline summed over the stressed years and products, t), and the elements
  without a probability in the catalogue listed apart (never drawn at P = 0).

``rep`` is a :class:`planner.analysis.stress.StressReport` (not imported: reports never reach a
solver). Figures are the report's, rounded only when printed (0.1 t).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.vocab import material_label

__all__ = ["MatrixPoint", "RiskMatrix", "facility_marks", "product_word", "risk_matrix", "spof_text",
           "year_span"]

#: short product words of the marks ("defense SmCo"), others by their material label
PRODUCT_WORDS = {"ndfeb_magnet": "NdFeB", "smco_magnet": "SmCo"}
#: two yearly figures within this (t) are "the same per year" (they print alike to 0.1 t)
SAME_T = 0.05
OK_STATUSES = ("optimal", "time_limit_feasible")


def product_word(product: str) -> str:
    return PRODUCT_WORDS.get(product) or material_label(product)


def year_span(years: list[int]) -> str:
    """"2027", "2026-2028" (consecutive) or "2026, 2028"."""
    ys = sorted(years)
    if len(ys) == 1:
        return str(ys[0])
    if ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(str(y) for y in ys)


def _product_phrase(product: str, by_year: dict[int, float]) -> str:
    """One product's extra shortfall: "30.0 t defense SmCo short in 2027", "103.3 t ... short per
    year 2026-2028" (the same each year) or "defense SmCo short 78.2 t in 2026, 40.0 t in 2027"."""
    word = f"defense {product_word(product)}"
    ys = sorted(by_year)
    values = [by_year[y] for y in ys]
    if len(ys) == 1:
        return f"{values[0]:,.1f} t {word} short in {ys[0]}"
    if max(values) - min(values) <= SAME_T:
        return f"{values[0]:,.1f} t {word} short per year {year_span(ys)}"
    return f"{word} short " + ", ".join(f"{v:,.1f} t in {y}" for y, v in zip(ys, values))


def spof_text(element: Any) -> str:
    """The mark of a single point of failure (element: a StressElement with extra_t); "" when it is none."""
    if not element.single_point_of_failure:
        return ""
    parts = [_product_phrase(p, by) for p, by in sorted(element.extra_t.items()) if by]
    text = "single point of failure: " + "; ".join(parts) + " if out"
    if element.status not in OK_STATUSES:
        text += f" (no plan with it out: {element.status})"
    return text


def facility_marks(rep: Any) -> dict[str, str]:
    """Facility id -> mark text, for every facility that is a single point of failure on its own."""
    return {e.facilities[0]: spof_text(e) for e in rep.elements
            if e.kind == "facility" and e.single_point_of_failure and e.facilities}


@dataclass(frozen=True)
class MatrixPoint:
    """One element of the likelihood-versus-impact matrix."""

    id: str  # "facility:<id>" | "country:<ISO>"
    name: str  # the facility's name, or "<ISO> (country)"
    kind: str
    probability: float | None  # P(its outage starts in the stressed years); None: not in the catalogue
    shortfall_t: float  # defense shortfall beyond the baseline, summed over the stressed years and products
    share: float  # shortfall_t / defense demand of the stressed years (all defense products); 0 without demand
    single_point_of_failure: bool
    detail: str  # per product and year, e.g. "SmCo 2027: 30.0 t (100 % of defense SmCo)"


@dataclass
class RiskMatrix:
    years: list[int]
    points: list[MatrixPoint] = field(default_factory=list)  # with a probability, ranked as the report
    unrated: list[MatrixPoint] = field(default_factory=list)  # no probability in the catalogue

    @property
    def span(self) -> str:
        return year_span(self.years)


def element_label(e: Any) -> str:
    """A stress element in words: the facility's name, or "GB (country)"."""
    return f"{e.name} (country)" if e.kind == "country" else str(e.name or e.id)


def _detail(e: Any, demand: dict[str, dict[int, float]]) -> str:
    parts = []
    for p, by in sorted(e.extra_t.items()):
        for y, v in sorted(by.items()):
            d = demand.get(p, {}).get(y, 0.0)
            share = f" ({100 * v / d:,.0f} % of defense {product_word(p)})" if d > 0 else ""
            parts.append(f"{product_word(p)} {y}: {v:,.1f} t{share}")
    return "; ".join(parts) or "no defense shortfall beyond the baseline"


def risk_matrix(rep: Any) -> RiskMatrix:
    """Every element of ``rep`` as a point (with a probability) or in ``unrated`` (module docstring).

    share = shortfall_t / sum over defense products p and stressed years y of demand[p, y]."""
    demand = rep.defense_demand_t
    total = sum(v for by in demand.values() for y, v in by.items() if y in rep.years)
    out = RiskMatrix(list(rep.years))
    for e in rep.elements:
        pt = MatrixPoint(e.id, element_label(e), e.kind, e.probability, float(e.total_extra_t),
                         float(e.total_extra_t) / total if total > 0 else 0.0, bool(e.single_point_of_failure),
                         _detail(e, demand))
        (out.unrated if e.probability is None else out.points).append(pt)
    return out
