"""Domain model of mine2magnet: facilities, routes, markets, demand, scenarios, project files.

No Qt and no PuLP here: ``planner`` builds on this package, ``ui`` on both.
"""

from .io import ProjectFileError, load_project, parse_project_text, project_to_json, save_project
from .project import (
    SCHEMA_VERSION,
    CandidateFloor,
    CapexOverride,
    DelayOverride,
    Demand,
    DemandOverride,
    ExpansionOption,
    Facility,
    FacilityFilter,
    GovStockpile,
    Grant,
    GuaranteedOfftake,
    ImportLicence,
    Levers,
    Loan,
    Market,
    MarketCapOverride,
    Offtake,
    Platform,
    PolicyMode,
    PolicyOverride,
    PriceFloor,
    Project,
    ReportedOutput,
    Route,
    SalesMarket,
    SalesOverride,
    Scenario,
    Settings,
    SettingsOverride,
    Source,
)
from .scenarios import apply_scenario
from .validation import Problem, validate_project
from .vocab import Element, Material, Segment, Stage, Status

__all__ = [
    "SCHEMA_VERSION", "CapexOverride", "DelayOverride", "Demand", "DemandOverride", "Element",
    "ExpansionOption", "Facility", "FacilityFilter", "GovStockpile", "Grant", "ImportLicence", "Levers", "Loan",
    "CandidateFloor", "GuaranteedOfftake", "Offtake", "PolicyMode", "PolicyOverride", "PriceFloor", "Market",
    "MarketCapOverride", "Material",
    "Platform", "Problem", "Project", "ProjectFileError", "ReportedOutput", "Route", "SalesMarket", "SalesOverride",
    "Scenario", "Segment", "Settings",
    "SettingsOverride", "Source", "Stage", "Status", "apply_scenario", "load_project",
    "parse_project_text", "project_to_json", "save_project", "validate_project",
]
