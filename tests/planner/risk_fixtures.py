"""A tiny mine-to-magnet chain for scenario and risk tests (hand-checkable, solves in well under 1 s).

mine_au (AU, operating, 1000 t TREO/yr, 20 % NdPr)
  -> sep_us (US, construction, online 2027, 1000 t feed/yr, NdPr recovery 0.95)
  -> metal_us (US, construction, online 2027, 100 t/yr + option +200 t/yr at 0.05 $M per t/yr + 5 $M fixed)
  -> magnet_us (US, committed, online 2027, 200 t/yr + option +300 t/yr, 0.4 t NdPr metal per t magnet)
  -> defense NdFeB demand 150 t/yr (2027-2032), commercial 100 t/yr.
A Chinese NdFeB magnet market (covered) at 80 $/kg serves commercial demand; NdPr metal from a
Japanese trader (clean, 30 t/yr) covers at most 75 t of magnets. With everything on time the
2027 defense demand is met (190 t NdPr oxide -> 156.6 t metal -> 391 t magnets of feed, 200 t/yr
magnet capacity); a delay of sep_us, metal_us or magnet_us leaves 2027 short.
Scenarios: china_cut (CN market cap x 0), sep_late (sep_us +2 years), demand_x2 (defense x 2).
"""

from __future__ import annotations

from models import (
    CapexOverride,
    DelayOverride,
    Demand,
    DemandOverride,
    ExpansionOption,
    Facility,
    FacilityFilter,
    Market,
    MarketCapOverride,
    Project,
    Route,
    Scenario,
    Settings,
)


def teaching_project() -> Project:
    s = Settings(start_year=2026, end_year=2032, base_year=2026, time_limit_s=30)
    mine = Facility(id="mine_au", name="Mine AU", country="AU", lat=-28.8, lon=122.6, stage="mine", status="operating",
                    capacity_tpy=1000, assay={"ndpr": 0.2}, variable_opex_usd_per_t=3000)
    sep = Facility(id="sep_us", name="Separation US", country="US", lat=29.7, lon=-95.0, stage="separation",
                   status="construction", capacity_tpy=1000, online_year=2027, separation_feed="concentrate",
                   element_recovery={"ndpr": 0.95}, variable_opex_usd_per_t=4000)
    metal = Facility(id="metal_us", name="Metal US", country="US", lat=35.0, lon=-90.0, stage="metal",
                     status="construction", capacity_tpy=100, online_year=2027, element_recovery={"ndpr": 0.97},
                     variable_opex_usd_per_t=8000,
                     options=[ExpansionOption(id="metal_x", max_add_tpy=200, capex_musd_per_tpy=0.05,
                                              fixed_capex_musd=5, lead_time_years=2)])
    magnet = Facility(id="magnet_us", name="Magnet US", country="US", lat=32.8, lon=-97.0, stage="magnet_ndfeb",
                      status="committed", capacity_tpy=200, online_year=2027, recipe_inputs={"ndpr_metal": 0.4},
                      recipe_outputs={"ndfeb_magnet": 1.0}, variable_opex_usd_per_t=20000,
                      options=[ExpansionOption(id="magnet_x", max_add_tpy=300, capex_musd_per_tpy=0.08,
                                               lead_time_years=2)])
    routes = [
        Route(id="r1", from_id="mine_au", to_id="sep_us", material="concentrate", transport_usd_per_t=300),
        Route(id="r2", from_id="sep_us", to_id="metal_us", material="ndpr_oxide", transport_usd_per_t=100),
        Route(id="r3", from_id="metal_us", to_id="magnet_us", material="ndpr_metal", transport_usd_per_t=100),
    ]
    markets = [
        Market(id="cn_magnets", name="China NdFeB", material="ndfeb_magnet", origin_country="CN",
               price_usd_per_t=80_000),
        Market(id="jp_metal", name="Japan NdPr metal", material="ndpr_metal", origin_country="JP",
               price_usd_per_t=120_000, cap_tpy=30),
    ]
    years = range(2027, 2033)
    demands = [
        Demand(id="def_ndfeb", product="ndfeb_magnet", segment="defense", tonnes_by_year={y: 150.0 for y in years}),
        Demand(id="com_ndfeb", product="ndfeb_magnet", segment="commercial", tonnes_by_year={y: 100.0 for y in years}),
    ]
    scenarios = [
        Scenario(id="china_cut", name="No Chinese supply",
                 overrides=[MarketCapOverride(origin_countries=["CN"], factor=0)]),
        Scenario(id="sep_late", name="Separation 2 years late",
                 overrides=[DelayOverride(where=FacilityFilter(ids=["sep_us"]), years=2)]),
        Scenario(id="demand_x2", name="Defense demand x2", overrides=[DemandOverride(segment="defense", factor=2)]),
        Scenario(id="capex_up", name="Capex +30 %", overrides=[CapexOverride(factor=1.3)]),
    ]
    return Project(name="Teaching chain (test)", settings=s, facilities=[mine, sep, metal, magnet], routes=routes,
                   markets=markets, demands=demands, scenarios=scenarios)


def two_futures_project() -> Project:
    """Hand-checked micro chain for plan evaluation and robust planning (two equiprobable futures).

    mine (AU) -> sep (US) -> metal (US, 100 t/yr NdPr metal) -> two magnet plants:
      * ``mag`` (construction, 100 t/yr, online 2027): delay 0 or 1 year with probability 1/2 each;
      * ``mag2`` (operating, 0 t/yr) with the hedge option ``hedge``: up to 100 t/yr at 0.5 $M per t/yr
        (100 t/yr = 50 $M), lead time 1 year (decided 2026 -> online 2027); operating: never delayed.
    Defense NdFeB demand 100 t/yr 2026-2028 (a Chinese magnet market serves 2026 only: compliance 2027).
    Discount rate 0, asset life 1 (no salvage), no overruns, penalty 5 $M/t.

    Deterministic plan: build nothing (``mag`` on time covers 2027 and 2028).
    Evaluating that plan: on time -> 2027 met; one year late -> 2027 short by 100 t (mag offline,
    hedge not built). P(defense met 2027) = (1 + 0) / 2 = 0.5; 2028 always met.
    Perfect foresight: the late future re-plans and builds the hedge in 2026 -> P(met 2027) = 1.0;
    value of information = 0.5.
    Robust plan over both futures: not hedging costs 0.5 x 100 t x 5 $M x DEFENSE_FIRST_WEIGHT (10)
    = 2,500 $M expected penalty; hedging costs 50 $M -> build ``hedge`` 100 t/yr in 2026 (capex 50 $M);
    P(met 2027) 0.5 -> 1.0: +50 points for 50 $M.
    """
    from models.project import DelayDistribution, OverrunDistribution
    from models.vocab import Status as FStatus

    p = Project(name="two futures")
    s = p.settings
    s.start_year, s.end_year, s.base_year = 2026, 2028, 2026
    s.discount_rate, s.asset_life_years, s.time_limit_s = 0.0, 1, 30
    s.risk.delay_years = {
        FStatus.OPERATING: DelayDistribution(years=[0], probabilities=[1.0]),
        FStatus.CONSTRUCTION: DelayDistribution(years=[0, 1], probabilities=[0.5, 0.5]),
    }
    s.risk.capex_overrun = {st: OverrunDistribution(low=1.0, mode=1.0, high=1.0) for st in FStatus}
    p.facilities = [
        Facility(id="mine", name="Mine", stage="mine", country="AU", capacity_tpy=1000, assay={"ndpr": 0.25}),
        Facility(id="sep", name="Separation", stage="separation", country="US", capacity_tpy=1000,
                 element_recovery={"ndpr": 0.8}),
        Facility(id="metal", name="Metal", stage="metal", country="US", capacity_tpy=100,
                 element_recovery={"ndpr": 1.0}),
        Facility(id="mag", name="Magnets (under construction)", stage="magnet_ndfeb", country="US",
                 status="construction", capacity_tpy=100, online_year=2027, recipe_inputs={"ndpr_metal": 0.34},
                 recipe_outputs={"ndfeb_magnet": 1.0}, variable_opex_usd_per_t=25000),
        Facility(id="mag2", name="Magnets (hedge site)", stage="magnet_ndfeb", country="US", capacity_tpy=0,
                 recipe_inputs={"ndpr_metal": 0.34}, recipe_outputs={"ndfeb_magnet": 1.0},
                 variable_opex_usd_per_t=25000,
                 options=[ExpansionOption(id="hedge", max_add_tpy=100, capex_musd_per_tpy=0.5, lead_time_years=1,
                                          earliest_decision_year=2026)]),
    ]
    p.routes = [
        Route(id="r_conc", from_id="mine", to_id="sep", material="concentrate", transport_usd_per_t=0),
        Route(id="r_oxide", from_id="sep", to_id="metal", material="ndpr_oxide", transport_usd_per_t=0),
        Route(id="r_metal", from_id="metal", to_id="mag", material="ndpr_metal", transport_usd_per_t=0),
        Route(id="r_metal2", from_id="metal", to_id="mag2", material="ndpr_metal", transport_usd_per_t=0),
    ]
    p.markets = [Market(id="cn_magnet", material="ndfeb_magnet", origin_country="CN", price_usd_per_t=45000,
                        cap_tpy=1000)]
    p.demands = [Demand(id="defense", product="ndfeb_magnet", segment="defense",
                        tonnes_by_year={y: 100.0 for y in (2026, 2027, 2028)})]
    return p
