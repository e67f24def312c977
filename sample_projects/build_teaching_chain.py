"""Build ``teaching_chain.m2m.json``: a 4-facility chain small enough to solve by hand.

Run from the repository root::

    .venv/bin/python sample_projects/build_teaching_chain.py

The hand solution (plan, every flow, every cost to the dollar) is in ``docs/teaching_chain.md``;
the planner tests compare the optimizer against it. Change a number here and the hand
calculation there must be redone.

Design (why the optimum is unique and non-trivial):
- one Australian mine (assay 25 % NdPr) -> one US separation plant (80 % NdPr recovery)
  -> one US metal plant (100 % recovery x 0.85 stoichiometry) -> one US NdFeB magnet plant that
  has NO existing capacity and one expansion option (lead time 1 year);
- 100 t/yr of defense NdFeB magnets and 300 t/yr of commercial magnets, 2026-2029;
- China sells magnets at $45,000/t; the clean domestic chain costs $46,157 per t of magnet in
  variable cost alone, so commercial demand always buys from China;
- from 2027 defense magnets must be clean: the only clean source is the magnet option, which
  must be decided in 2026 to be online in 2027; in 2026 defense buys from China (allowed).
- discount rate 0 and asset life 1 year: every year's cost counts in full, salvage is 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models import (  # noqa: E402
    Demand,
    ExpansionOption,
    Facility,
    Market,
    Project,
    Route,
    Segment,
    Settings,
    Source,
    save_project,
)
from models.vocab import Element, Material, Stage, Status  # noqa: E402

OUT = Path(__file__).resolve().parent / "teaching_chain.m2m.json"
YEARS = range(2026, 2030)
ILLUSTRATIVE = Source(
    url="docs/teaching_chain.md",
    supports="illustrative teaching figure chosen for easy hand calculation, not a real-world value",
    confidence="derived",
)


def build() -> Project:
    """The teaching project (see the module docstring and docs/teaching_chain.md)."""
    settings = Settings(
        start_year=2026,
        end_year=2029,
        base_year=2026,
        discount_rate=0.0,
        compliance_start_year=2027,
        covered_countries=["CN", "RU", "KP", "IR"],
        de_minimis_share=0.0,
        unmet_penalty_usd_per_t=5_000_000.0,
        asset_life_years=1,
        transport_usd_per_t_km=0.05,
    )
    facilities = [
        Facility(
            id="t_mine", name="Teaching mine (Western Australia)", operator="Teaching Co",
            country="AU", region="Western Australia", lat=-28.86, lon=122.55,
            stage=Stage.MINE, status=Status.OPERATING, capacity_tpy=1000.0,
            assay={Element.NDPR: 0.25},
            variable_opex_usd_per_t=3000.0, fixed_opex_musd_per_yr=1.0,
            sources=[ILLUSTRATIVE],
            notes="Capacity 1,000 t TREO/yr; 25 % of TREO is NdPr. Fixed opex $1.0M/yr is paid every "
                  "year because existing capacity is > 0 in every year.",
        ),
        Facility(
            id="t_sep", name="Teaching separation plant (Texas)", operator="Teaching Co",
            country="US", region="Texas", lat=28.0, lon=-97.0,
            stage=Stage.SEPARATION, status=Status.OPERATING, capacity_tpy=1000.0,
            separation_feed="concentrate", element_recovery={Element.NDPR: 0.8},
            variable_opex_usd_per_t=4000.0, sources=[ILLUSTRATIVE],
            notes="1,000 t TREO feed/yr; recovers 80 % of the NdPr (only NdPr oxide is produced).",
        ),
        Facility(
            id="t_metal", name="Teaching metal plant (Texas)", operator="Teaching Co",
            country="US", region="Texas", lat=32.8, lon=-97.3,
            stage=Stage.METAL, status=Status.OPERATING, capacity_tpy=100.0,
            element_recovery={Element.NDPR: 1.0},
            variable_opex_usd_per_t=20000.0, sources=[ILLUSTRATIVE],
            notes="100 t metal/yr; NdPr metal = NdPr oxide x 0.85 (stoichiometry) x 1.0 (recovery).",
        ),
        Facility(
            id="t_magnet", name="Teaching NdFeB magnet plant (Texas)", operator="Teaching Co",
            country="US", region="Texas", lat=33.1, lon=-97.2,
            stage=Stage.MAGNET_NDFEB, status=Status.PLANNED, capacity_tpy=0.0,
            recipe_inputs={Material.NDPR_METAL: 0.34}, recipe_outputs={Material.NDFEB_MAGNET: 1.0},
            variable_opex_usd_per_t=25000.0, sources=[ILLUSTRATIVE],
            notes="No existing capacity; 0.34 t NdPr metal per t magnet (no Dy/Tb in this teaching recipe).",
            options=[
                ExpansionOption(
                    id="t_magnet_build", name="Build the magnet line",
                    max_add_tpy=150.0, min_add_tpy=0.0,
                    capex_musd_per_tpy=0.05, fixed_capex_musd=2.0, fixed_opex_musd_per_yr=0.5,
                    lead_time_years=1, earliest_decision_year=2026, ramp_up_shares=[],
                    sources=[ILLUSTRATIVE],
                    notes="$50,000 per t/yr plus $2M fixed if built; $0.5M/yr fixed opex once online; "
                          "online the year after the decision at full capacity (no ramp-up).",
                )
            ],
        ),
    ]
    routes = [
        Route(id="t_conc", from_id="t_mine", to_id="t_sep", material=Material.CONCENTRATE, transport_usd_per_t=150.0),
        Route(id="t_oxide", from_id="t_sep", to_id="t_metal", material=Material.NDPR_OXIDE, transport_usd_per_t=100.0),
        Route(id="t_metal_out", from_id="t_metal", to_id="t_magnet", material=Material.NDPR_METAL, transport_usd_per_t=50.0),
    ]
    markets = [
        Market(
            id="t_cn_magnet", name="China NdFeB magnets", material=Material.NDFEB_MAGNET,
            origin_country="CN", price_usd_per_t=45000.0, cap_tpy=1000.0, sources=[ILLUSTRATIVE],
            notes="Covered origin: may serve commercial demand in every year and defense demand before 2027.",
        )
    ]
    demands = [
        Demand(
            id="t_defense", name="Defense NdFeB magnets", product=Material.NDFEB_MAGNET,
            segment=Segment.DEFENSE, tonnes_by_year={y: 100.0 for y in YEARS}, sources=[ILLUSTRATIVE],
        ),
        Demand(
            id="t_commercial", name="Commercial NdFeB magnets", product=Material.NDFEB_MAGNET,
            segment=Segment.COMMERCIAL, tonnes_by_year={y: 300.0 for y in YEARS}, sources=[ILLUSTRATIVE],
        ),
    ]
    return Project(
        name="Teaching chain (solve by hand)",
        description=(
            "Four facilities, one option, one China market, two demands over 2026-2029. "
            "The optimum is worked out by hand in docs/teaching_chain.md: build 100 t/yr of magnet "
            "capacity in 2026 (online 2027), total cost $84,847,100."
        ),
        settings=settings,
        facilities=facilities,
        routes=routes,
        markets=markets,
        demands=demands,
        notes="All figures are illustrative, chosen so the optimum can be checked by hand.",
    )


def main() -> None:
    save_project(build(), OUT)
    backup = OUT.with_name(OUT.name + ".bak")
    if backup.exists():
        backup.unlink()  # the generator's output is in git; no backup needed next to it
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
