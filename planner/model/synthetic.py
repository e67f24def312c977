"""Synthetic mine-to-magnet chains of any size, for benchmarks and stress tests.

``synthetic_project(n_facilities, n_years, seed)`` spreads facilities over the stages in fixed
proportions (mines 20 %, cracking 10 %, separation 15 %, metal 15 %, NdFeB magnets 15 %, SmCo
magnets 5 %, cobalt 5 %, recycling 15 %), links each facility to ``routes_per_facility``
random consumers of the next stage, gives 80 % of the facilities an expansion option
(a fifth of them with a fixed cost, i.e. a binary build decision), adds capped China-origin markets
for oxide, metal and magnets, and defense plus commercial magnet demand growing 5 %/yr.
The same seed always gives the same project.
"""

from __future__ import annotations

import random

from models.project import Demand, ExpansionOption, Facility, Market, Project, Route
from models.vocab import Element, Material, Stage

_SHARES = [
    (Stage.MINE, 0.20),
    (Stage.CRACKING, 0.10),
    (Stage.SEPARATION, 0.15),
    (Stage.METAL, 0.15),
    (Stage.MAGNET_NDFEB, 0.15),
    (Stage.MAGNET_SMCO, 0.05),
    (Stage.COBALT, 0.05),
    (Stage.RECYCLING, 0.15),
]
_COUNTRIES = ["US", "AU", "CA", "GB", "FR", "DE", "JP", "KR", "EE", "MY"]


def synthetic_project(n_facilities: int, n_years: int, seed: int = 0, routes_per_facility: int = 3,
                      option_share: float = 0.8, binary_share: float = 0.2) -> Project:
    """A valid project with ``n_facilities`` facilities over ``n_years`` years (from 2026)."""
    rng = random.Random(seed)
    p = Project(name=f"synthetic {n_facilities} x {n_years} (seed {seed})")
    p.settings.start_year = p.settings.base_year = 2026
    p.settings.end_year = 2026 + n_years - 1
    p.settings.compliance_start_year = min(2027, p.settings.end_year)
    by_stage: dict[Stage, list[Facility]] = {}
    counts = {st: max(1, round(n_facilities * share)) for st, share in _SHARES}
    i = 0
    for stage, count in counts.items():
        for _ in range(count):
            i += 1
            country = "CN" if rng.random() < 0.1 else rng.choice(_COUNTRIES)
            f = Facility(
                id=f"{stage.value}_{i}",
                name=f"{stage.value.replace('_', ' ').title()} {i}",
                stage=stage,
                country=country,
                lat=rng.uniform(-40, 60),
                lon=rng.uniform(-120, 150),
                status=rng.choice(["operating", "construction", "planned"]),
                capacity_tpy=rng.choice([0.0, rng.uniform(100, 3000)]),
                variable_opex_usd_per_t=rng.uniform(500, 20000),
                fixed_opex_musd_per_yr=rng.uniform(0, 2),
            )
            if stage is Stage.MINE:
                f.assay = {Element.NDPR: rng.uniform(0.1, 0.35), Element.DY: rng.uniform(0, 0.02),
                           Element.TB: rng.uniform(0, 0.005), Element.SM: rng.uniform(0, 0.02)}
            if stage is Stage.SEPARATION:
                f.separation_feed = rng.choice(["concentrate", "mixed_carbonate"])
            f.with_default_recipe()
            if rng.random() < option_share:
                lumpy = rng.random() < binary_share
                f.options.append(ExpansionOption(
                    id=f"{f.id}_x",
                    max_add_tpy=rng.uniform(500, 5000),
                    capex_musd_per_tpy=rng.uniform(0.005, 0.1),
                    fixed_capex_musd=rng.uniform(5, 50) if lumpy else 0.0,
                    lead_time_years=rng.randint(1, 3),
                    earliest_decision_year=2026,
                    ramp_up_shares=[0.5] if rng.random() < 0.5 else [],
                ))
            by_stage.setdefault(stage, []).append(f)
            p.facilities.append(f)

    def link(src_stage: Stage, dst_stages: list[Stage], material_of) -> None:
        dsts = [f for st in dst_stages for f in by_stage.get(st, [])]
        for s in by_stage.get(src_stage, []):
            for d in rng.sample(dsts, min(routes_per_facility, len(dsts))):
                material = material_of(s, d)
                if material is not None:
                    p.routes.append(Route(id=f"r{len(p.routes)}", from_id=s.id, to_id=d.id, material=material))

    link(Stage.MINE, [Stage.CRACKING, Stage.SEPARATION],
         lambda s, d: Material.CONCENTRATE if d.stage is Stage.CRACKING or d.separation_feed == "concentrate" else None)
    link(Stage.CRACKING, [Stage.SEPARATION],
         lambda s, d: Material.MIXED_CARBONATE if d.separation_feed == "mixed_carbonate" else None)
    link(Stage.SEPARATION, [Stage.METAL], lambda s, d: rng.choice([Material.NDPR_OXIDE, Material.SM_OXIDE]))
    link(Stage.RECYCLING, [Stage.METAL], lambda s, d: Material.NDPR_OXIDE)
    link(Stage.METAL, [Stage.MAGNET_NDFEB, Stage.MAGNET_SMCO],
         lambda s, d: Material.NDPR_METAL if d.stage is Stage.MAGNET_NDFEB else Material.SM_METAL)
    link(Stage.COBALT, [Stage.MAGNET_SMCO], lambda s, d: Material.COBALT)

    for mat, price in [(Material.NDPR_OXIDE, 70_000), (Material.NDPR_METAL, 85_000), (Material.DY_METAL, 400_000),
                       (Material.TB_METAL, 1_500_000), (Material.SM_METAL, 30_000), (Material.NDFEB_MAGNET, 60_000),
                       (Material.SMCO_MAGNET, 120_000)]:
        p.markets.append(Market(id=f"cn_{mat.value}", material=mat, origin_country="CN", price_usd_per_t=price,
                                cap_tpy=round(50 * max(1.0, n_facilities / 40))))
    p.markets.append(Market(id="world_cobalt", material=Material.COBALT, origin_country="AU", price_usd_per_t=33_000))
    p.markets.append(Market(id="us_scrap", material=Material.NDFEB_SCRAP, origin_country="US", price_usd_per_t=15_000,
                            cap_tpy=2_000))
    scale = max(1.0, n_facilities / 40)
    years = p.settings.years
    for product, segment, base in [(Material.NDFEB_MAGNET, "defense", 300), (Material.SMCO_MAGNET, "defense", 60),
                                   (Material.NDFEB_MAGNET, "commercial", 3000)]:
        p.demands.append(Demand(id=f"{segment}_{product.value}", product=product, segment=segment,
                                tonnes_by_year={y: round(base * scale * 1.05 ** (y - years[0]), 3) for y in years}))
    return p
