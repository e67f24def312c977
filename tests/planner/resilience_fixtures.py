"""Hand-checkable micro chains for honest resilience (every sample counts, no foresight, stress, N-1)."""

from __future__ import annotations

from models import Demand, Facility, Market, Project
from models.project import DelayDistribution, GovStockpile, OverrunDistribution
from models.vocab import Status as FStatus


def _settings(p: Project) -> None:
    s = p.settings
    s.start_year, s.end_year, s.base_year = 2026, 2028, 2026
    s.discount_rate, s.asset_life_years, s.time_limit_s = 0.0, 1, 30
    s.risk.delay_years = {
        FStatus.OPERATING: DelayDistribution(years=[0], probabilities=[1.0]),
        FStatus.CONSTRUCTION: DelayDistribution(years=[0, 1], probabilities=[0.5, 0.5]),
    }
    s.risk.capex_overrun = {st: OverrunDistribution(low=1.0, mode=1.0, high=1.0) for st in FStatus}


def committed_stockpile_project() -> Project:
    """A committed stockpile purchase that a late plant cannot honour.

    A Japanese NdPr metal market (clean, 100,000 $/t, 1,000 t/yr) feeds ``mag`` (US, under
    construction, 200 t/yr of NdFeB magnets from 0.34 t metal each, online 2027; delay 0 or 1 year,
    1/2 each). Defense NdFeB demand 100 t/yr in 2027 and 2028. A government stockpile ``dla``
    (NdFeB, 500 t) is committed to buy 50 t in 2027. Discount rate 0.

    On time: 2027 makes 150 t: 100 t to defense, 50 t into the stockpile; met, no breach.
    One year late: 2027 makes nothing: defense 100 t short and the 50 t purchase breached (a
    hard commitment row would make this future infeasible: no answer at all); 2028 met.
    """
    p = Project(name="committed stockpile")
    _settings(p)
    p.facilities = [
        Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", status="construction",
                 capacity_tpy=200, online_year=2027, recipe_inputs={"ndpr_metal": 0.34},
                 recipe_outputs={"ndfeb_magnet": 1.0}),
    ]
    p.markets = [Market(id="jp_metal", material="ndpr_metal", origin_country="JP", price_usd_per_t=100_000,
                        cap_tpy=1000)]
    p.demands = [Demand(id="defense", product="ndfeb_magnet", segment="defense",
                        tonnes_by_year={2027: 100.0, 2028: 100.0})]
    p.levers.stockpiles = [GovStockpile(id="dla", material="ndfeb_magnet", capacity_t=500,
                                        committed_t_by_year={2027: 50.0})]
    return p


def outage_stockpile_project() -> Project:
    """A magnet plant whose 2027 availability is drawn at 1-10 %, a government stockpile, 150 t of
    defense demand.

    ``mag`` (US, operating, 300 t/yr of NdFeB from 0.34 t of Japanese NdPr metal each) has an
    availability in 2027 drawn from a triangular (1 %, 5 %, 10 %): 3-30 t. Defense NdFeB demand
    150 t in 2027 and 2028. Government stockpile ``dla`` of NdFeB: 200 t capacity, 100 t in it at
    the start, holding 1,000 $/t a year. Discount rate 0.

    The plan (everything as forecast: full availability) buys no stock: 2027's 150 t come from
    the plant, and stock would only cost holding. Evaluated without foresight, a sample runs that
    plan through 2026 (nothing made, nothing bought), learns the outage at the start of 2027 and
    then has 300 x share t from the plant + the 100 t in the stockpile: delivered 100 + 300 share
    in [103, 130] t < 150 t, short 50 - 300 share in [20, 47] t: P(defense met 2027) = 0 %.
    With perfect foresight the sample makes 50 - 300 share t more in 2026 and stocks them (room:
    200 - 100 = 100 t): P = 100 %. 2028 is met either way (300 t of capacity).
    """
    from models.project import AvailabilityDistribution

    p = Project(name="outage and stockpile")
    _settings(p)
    p.facilities = [
        Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", status="operating",
                 capacity_tpy=300, recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0},
                 availability_risk={2027: AvailabilityDistribution(low=0.01, mode=0.05, high=0.10)}),
    ]
    p.markets = [Market(id="jp_metal", material="ndpr_metal", origin_country="JP", price_usd_per_t=100_000,
                        cap_tpy=1000)]
    p.demands = [Demand(id="defense", product="ndfeb_magnet", segment="defense",
                        tonnes_by_year={2027: 150.0, 2028: 150.0})]
    p.levers.stockpiles = [GovStockpile(id="dla", material="ndfeb_magnet", capacity_t=200, initial_t=100,
                                        holding_usd_per_t_yr=1000)]
    return p


def catalogue_project(p_outage: float = 0.25, p_stop: float = 0.0) -> Project:
    """A sole magnet plant with a catalogued outage rate, and a catalogued export stop of Japan.

    A Japanese NdPr metal market (1,000 t/yr cap) feeds ``mag`` (US, operating, 200 t/yr); defense
    NdFeB demand 100 t/yr in 2026-2028; no stock is carried between years. The catalogue's window
    is 2027 alone (W = 1), so an event with yearly probability p happens with q = p, starts in 2027
    and lasts one year: an outage of ``mag`` (magnet stage default, p_outage) or Japan's export
    stop (p_stop: the market is capped at 0) leaves 2027 100 t short; 2026 and 2028 are met.
    """
    from models.risk_catalogue import ExportStop, OutageRate, RiskCatalogue

    p = Project(name="catalogue")
    _settings(p)
    p.facilities = [
        Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", status="operating",
                 capacity_tpy=200, recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0}),
    ]
    p.markets = [Market(id="jp_metal", material="ndpr_metal", origin_country="JP", price_usd_per_t=100_000,
                        cap_tpy=1000)]
    p.demands = [Demand(id="defense", product="ndfeb_magnet", segment="defense",
                        tonnes_by_year={2026: 100.0, 2027: 100.0, 2028: 100.0})]
    p.settings.risk.catalogue = RiskCatalogue(
        first_year=2027, last_year=2027,
        outage_by_stage={"magnet_ndfeb": OutageRate(annual_probability=p_outage, source="assumed")},
        export_stops=[ExportStop(country="JP", annual_probability=p_stop, source="assumed")] if p_stop else [],
    )
    return p


def sole_and_dual_project() -> Project:
    """One sole supplier (SmCo) and one dual-sourced product (NdFeB), for the N-1 stress test.

    Australian markets sell NdPr metal and Sm metal (1,000 t/yr each). NdFeB: ``mag_us`` (US,
    150 t/yr, 1,000 $/t opex) and ``mag_ca`` (CA, 150 t/yr, 2,000 $/t: idle in the plan, the
    spare source). SmCo: ``smco_us`` (US, 50 t/yr) alone. Defense demand 100 t/yr NdFeB and
    30 t/yr SmCo, 2026-2028; nothing carried between years.

    Out in 2027: ``smco_us`` -> SmCo 30 t short (the single point of failure); ``mag_us`` -> mag_ca
    makes the 100 t (no shortfall); country US -> mag_ca covers NdFeB, SmCo 30 t short; country AU
    (both markets) -> NdFeB 100 t and SmCo 30 t short = 130 t; country CA -> nothing (mag_ca idle).
    """
    p = Project(name="sole and dual")
    _settings(p)
    p.facilities = [
        Facility(id="mag_us", name="NdFeB US", stage="magnet_ndfeb", country="US", capacity_tpy=150,
                 recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0},
                 variable_opex_usd_per_t=1000),
        Facility(id="mag_ca", name="NdFeB CA", stage="magnet_ndfeb", country="CA", capacity_tpy=150,
                 recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0},
                 variable_opex_usd_per_t=2000),
        Facility(id="smco_us", name="SmCo US", stage="magnet_smco", country="US", capacity_tpy=50,
                 recipe_inputs={"sm_metal": 0.36}, recipe_outputs={"smco_magnet": 1.0}),
    ]
    p.markets = [
        Market(id="au_ndpr", material="ndpr_metal", origin_country="AU", price_usd_per_t=100_000, cap_tpy=1000),
        Market(id="au_sm", material="sm_metal", origin_country="AU", price_usd_per_t=100_000, cap_tpy=1000),
    ]
    years = {2026: 100.0, 2027: 100.0, 2028: 100.0}
    p.demands = [Demand(id="def_ndfeb", product="ndfeb_magnet", segment="defense", tonnes_by_year=years),
                 Demand(id="def_smco", product="smco_magnet", segment="defense",
                        tonnes_by_year={y: 30.0 for y in years})]
    return p


def n1_hedge_project() -> Project:
    """sole_and_dual_project with a hedge on offer: ``smco_ca`` (CA, 0 t/yr) may add up to 50 t/yr
    of SmCo at 0.2 $M per t/yr, decided from 2026 with a 1-year lead time (online 2027).

    The least-cost plan builds nothing (smco_us covers the 30 t). N-1 secure in 2027 with smco_us
    (the one facility that is a single point of failure) out: smco_ca must make the 30 t, so the
    plan adds exactly 30 t/yr decided in 2026: capex 30 x 0.2 = 6 $M (discount rate 0). The
    robust plan stressed again: no shortfall with smco_us out.
    """
    from models.project import ExpansionOption

    p = sole_and_dual_project()
    p.facilities.append(Facility(id="smco_ca", name="SmCo CA (hedge site)", stage="magnet_smco", country="CA",
                                 capacity_tpy=0, recipe_inputs={"sm_metal": 0.36}, recipe_outputs={"smco_magnet": 1.0},
                                 options=[ExpansionOption(id="smco_ca_x", max_add_tpy=50, capex_musd_per_tpy=0.2,
                                                          lead_time_years=1, earliest_decision_year=2026)]))
    return p


def stock_hedge_project() -> Project:
    """A sole magnet plant with a catalogued 2027 outage, and a government stockpile that can hedge it.

    A Japanese NdPr metal market (100,000 $/t, 1,000 t/yr) feeds ``mag`` (US, operating, 200 t/yr
    of NdFeB from 0.34 t metal each). Defense NdFeB demand 100 t/yr in 2026-2028. Government
    stockpile ``dla`` of NdFeB: 200 t capacity, empty, holding 1,000 $/t a year, purchase price
    50,000 $/t. The catalogue's window is 2027 alone: ``mag`` is out for all of 2027 with
    q = p = 0.25 (stratified: exactly one future in every 4, each of weight 1). Discount rate 0.

    Deterministic plan: no stock (holding only costs), so a future with the outage learns it at
    the start of 2027 with nothing in store: 2027 short 100 t; P(defense met 2027) = 1 - 0.25 = 75 %,
    mean 2027 shortfall 0.25 x 100 = 25 t.

    A plan that knows the outage is in 1 of 4 futures but not which: in 2026 the plant makes
    100 t for 2026's demand and 100 t more into ``dla`` (capacity 200 t/yr, room 200 t), i.e.
    X = 100 t held at the end of 2026, the whole of 2027's demand. In a future without the outage
    the stock is released in 2027 and the plant makes 100 t less, so the hedge costs the holding,
    1,000 $/t x 100 t x 1 year = 0.1 $M (plus 1 $/t handling), against 0.25 x 100 t of defense
    shortfall. The government pays the purchase, 50,000 $/t x 100 t = 5 $M (a transfer to the
    producer). Every future follows the plan's 2026 operations until its outage is revealed: the
    stock is there in 2027, P(defense met 2027) = 100 %.
    """
    from models.risk_catalogue import OutageRate, RiskCatalogue

    p = Project(name="stock hedge")
    _settings(p)
    p.facilities = [
        Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US", status="operating",
                 capacity_tpy=200, recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0}),
    ]
    p.markets = [Market(id="jp_metal", material="ndpr_metal", origin_country="JP", price_usd_per_t=100_000,
                        cap_tpy=1000)]
    p.demands = [Demand(id="defense", product="ndfeb_magnet", segment="defense",
                        tonnes_by_year={2026: 100.0, 2027: 100.0, 2028: 100.0})]
    p.levers.stockpiles = [GovStockpile(id="dla", material="ndfeb_magnet", capacity_t=200,
                                        holding_usd_per_t_yr=1000, purchase_price_usd_per_t=50_000)]
    p.settings.risk.catalogue = RiskCatalogue(
        first_year=2027, last_year=2027,
        outage_by_stage={"magnet_ndfeb": OutageRate(annual_probability=0.25, source="assumed")},
    )
    return p
