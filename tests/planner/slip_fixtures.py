"""Hand-checkable micro chains for the catalogue's slips (circuit, ramp-up, qualification)."""

from __future__ import annotations

from models import Demand, Facility, Market, Project
from models.project import GovStockpile, Route
from models.risk_catalogue import ExtraYears, FacilitySlips, RiskCatalogue, Slip

from .resilience_fixtures import _settings


def _slip(probability: float, years: list[int], probs: list[float] | None = None) -> Slip:
    return Slip(probability=probability, extra_years=ExtraYears(years=years, probabilities=probs or [1.0]),
                source="assumed")


def circuit_project(probability: float = 0.5, years: list[int] | None = None,
                    probs: list[float] | None = None) -> Project:
    """The sole defense Dy circuit, due 2027.

    Mine ``mine`` (US, operating, 1,000 t TREO/yr, assay NdPr 20 %, Dy 10 %) ships concentrate to
    separation ``sep`` (US, operating, 1,000 t/yr of feed, recoveries 100 %) whose Dy circuit starts
    in 2027 (element_online_year): from 2027 it can make 100 t of Dy oxide a year, before that
    NdPr only. Defense Dy oxide demand 50 t in 2027 and in 2028; no other source of Dy. The
    catalogue gives ``sep`` a circuit slip with ``probability`` of ``years`` extra years;
    stratify_below = 1, so a 0.5 slip is in exactly one sample of every 2 (K = 2, weight 1).

    On time: 2027 and 2028 met. One year late: the circuit starts 2028, 2027 is 50 t short (no Dy
    exists before 2028 to stock), 2028 met. Two years late: 2027 and 2028 both 50 t short.
    """
    p = Project(name="circuit slip")
    _settings(p)
    p.facilities = [
        Facility(id="mine", name="Mine", stage="mine", country="US", status="operating", capacity_tpy=1000,
                 assay={"ndpr": 0.2, "dy": 0.1}),
        Facility(id="sep", name="Separation", stage="separation", country="US", status="operating",
                 capacity_tpy=1000, separation_feed="concentrate", element_recovery={"ndpr": 1.0, "dy": 1.0},
                 element_online_year={"dy": 2027}),
    ]
    p.routes = [Route(id="r1", from_id="mine", to_id="sep", material="concentrate", transport_usd_per_t=0.0)]
    p.demands = [Demand(id="defense_dy", product="dy_oxide", segment="defense",
                        tonnes_by_year={2027: 50.0, 2028: 50.0})]
    p.settings.risk.catalogue = RiskCatalogue(
        stratify_below=1.0,
        facility_slips=[FacilitySlips(facility_id="sep", circuit=_slip(probability, years or [1], probs))])
    return p


def qualification_project(probability: float = 1.0) -> Project:
    """A magnet plant due to qualify for defense in 2027, with a qualification slip.

    ``mag`` (US, operating, online 2027, 200 t/yr of NdFeB from 0.34 t of Japanese NdPr metal
    each, qualification lag 0: defense may take its output from 2027). Defense NdFeB 100 t and
    commercial NdFeB 200 t, in 2027 and 2028. On time, 2027: 100 t to defense (served first),
    100 t to commercial (100 t short). With a 1-year slip (``probability``) the plant qualifies in
    2028: 2027 defense gets nothing (100 t short) while commercial takes all 200 t; 2028 as on time.
    """
    p = Project(name="qualification slip")
    _settings(p)
    p.facilities = [
        Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", status="operating",
                 capacity_tpy=200, online_year=2027, recipe_inputs={"ndpr_metal": 0.34},
                 recipe_outputs={"ndfeb_magnet": 1.0}),
    ]
    p.markets = [Market(id="jp_metal", material="ndpr_metal", origin_country="JP", price_usd_per_t=100_000,
                        cap_tpy=1000)]
    p.demands = [
        Demand(id="defense", product="ndfeb_magnet", segment="defense", tonnes_by_year={2027: 100.0, 2028: 100.0}),
        Demand(id="commercial", product="ndfeb_magnet", segment="commercial",
               tonnes_by_year={2027: 200.0, 2028: 200.0}),
    ]
    p.settings.risk.catalogue = RiskCatalogue(
        facility_slips=[FacilitySlips(facility_id="mag", qualification=_slip(probability, [1]))])
    return p


def ramp_project(probability: float = 0.5) -> Project:
    """A magnet plant whose ramp-up may stall a year, and a government stockpile.

    ``mag`` (US, operating, online 2027, 300 t/yr of NdFeB, ramp-up 50 % in its first year: 150 t
    in 2027, 300 t in 2028). Defense NdFeB 100 t in 2027 and 250 t in 2028. Government stockpile
    ``dla`` of NdFeB: 200 t of room, empty, holding 1,000 $/t a year. A ramp-up slip of 1 year
    (``probability``; stratify_below 1) holds the 50 % share in 2028: 150 t, 100 t short.

    The plan (on schedule) stocks nothing. Honestly the stall is revealed in 2028, when the plant
    should have reached 300 t: 2027 has run the plan (nothing stocked): 2028 short 100 t. With
    perfect foresight the sample stocks 2027's spare 50 t: 2028 short 50 t.
    """
    p = Project(name="ramp slip")
    _settings(p)
    p.facilities = [
        Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", status="operating",
                 capacity_tpy=300, online_year=2027, ramp_up_shares=[0.5], recipe_inputs={"ndpr_metal": 0.34},
                 recipe_outputs={"ndfeb_magnet": 1.0}),
    ]
    p.markets = [Market(id="jp_metal", material="ndpr_metal", origin_country="JP", price_usd_per_t=100_000,
                        cap_tpy=1000)]
    p.demands = [Demand(id="defense", product="ndfeb_magnet", segment="defense",
                        tonnes_by_year={2027: 100.0, 2028: 250.0})]
    p.levers.stockpiles = [GovStockpile(id="dla", material="ndfeb_magnet", capacity_t=200,
                                        holding_usd_per_t_yr=1000)]
    p.settings.risk.catalogue = RiskCatalogue(
        stratify_below=1.0, facility_slips=[FacilitySlips(facility_id="mag", ramp_up=_slip(probability, [1]))])
    return p


def option_qualification_project(probability: float = 1.0) -> Project:
    """A concept magnet plant whose only capacity is an expansion option, with a qualification slip.

    ``mag`` (US, concept, no existing capacity) may add up to 300 t/yr of NdFeB (lead time 1 year,
    from 2026; 0.34 t of Japanese NdPr metal per t; qualification lag 0). Defense NdFeB 100 t and
    commercial 200 t in 2027 and 2028. The plan adds 300 t/yr decided 2026, online and qualified
    2027. A 1-year qualification slip (``probability``) moves the addition's qualification to 2028
    (due 2027: decided 2026 + lead 1 + lag 0): 2027 defense gets nothing (100 t short) while
    commercial takes its 200 t; 2028 as planned.
    """
    from models.project import ExpansionOption

    p = qualification_project(probability)
    p.facilities = [
        Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", status="concept", capacity_tpy=0,
                 recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0},
                 options=[ExpansionOption(id="mag_build", max_add_tpy=300, capex_musd_per_tpy=0.01,
                                          lead_time_years=1, earliest_decision_year=2026)]),
    ]
    return p
