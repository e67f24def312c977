"""The "covered" rule, written once (10 U.S.C. 4872 as the model applies it).

A facility's output is *covered* (never clean, so never for defense after the compliance year)
when the facility is in a covered country (``Settings.covered_countries``, default
``models.vocab.DEFAULT_COVERED_COUNTRIES``) or uses Chinese process technology; an import market's
supply is covered when its origin country is covered. The model's index sets
(planner.model.network), the chain view, the map, the inspector, the Sankey diagram and the
workbook all ask these functions.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

COVERED_COUNTRY = "covered country"
CHINESE_TECHNOLOGY = "Chinese process technology"


def covered_reasons(facility: Any, covered_countries: Collection[str]) -> list[str]:
    """Why ``facility``'s output is covered: [COVERED_COUNTRY] and/or [CHINESE_TECHNOLOGY];
    [] when it is not covered. ``facility`` is a models.project.Facility (country, chinese_technology)."""
    reasons = []
    if facility.country in covered_countries:
        reasons.append(COVERED_COUNTRY)
    if facility.chinese_technology:
        reasons.append(CHINESE_TECHNOLOGY)
    return reasons


def is_covered_facility(facility: Any, covered_countries: Collection[str]) -> bool:
    """True when the facility is in a covered country or uses Chinese process technology."""
    return bool(covered_reasons(facility, covered_countries))


def is_covered_market(market: Any, covered_countries: Collection[str]) -> bool:
    """True when the import market's origin country is covered (models.project.Market)."""
    return market.origin_country in covered_countries


__all__ = ["CHINESE_TECHNOLOGY", "COVERED_COUNTRY", "covered_reasons", "is_covered_facility", "is_covered_market"]
