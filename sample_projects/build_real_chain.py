"""Build ``us_allied_mine_to_magnet.m2m.json``: the real US / Australian / Canadian / allied chain.

Run from the repository root (deterministic: the same code always writes the same bytes)::

    .venv/bin/python sample_projects/build_real_chain.py

Where the figures come from: ``sample_projects/reference/facilities.csv`` and
``sample_projects/reference/domain_report.md`` (copies kept in the repository of the sourced
reference data: public web pages, 2024 - early 2026). Every facility carries a ``sources`` list: the URL(s)
from the CSV, what each supports, and a confidence of high / medium / low, or ``derived`` when
the figure is our own arithmetic or assumption (the arithmetic is in the ``supports`` text).

Conventions used throughout (also written into the project notes):

- Capacities are converted to the stage's activity unit (``models.vocab.CAPACITY_BASIS``):
  mines in t TREO in concentrate, cracking/separation in t TREO feed, metal plants in t metal,
  magnet plants in t magnet, recycling in t scrap, cobalt in t Co. A separation plant sized in
  t NdPr oxide becomes t TREO feed = NdPr t / (NdPr share of TREO x NdPr recovery).
- Currency: capex reported in A$, C$, EUR or RM is converted at the fixed rates below
  (early-2026 round figures; the source currency is kept in the option notes).
- Projects not yet built are facilities with capacity 0 plus an ExpansionOption holding the
  sourced capacity and capex; big greenfield projects are yes/no decisions (fixed capex,
  min_add = max_add). Operating plants may carry generic debottleneck options (derived costs).
- Variable opex figures are our estimates (no source gives unit costs): see STAGE_OPEX.
- ``chinese_technology`` is False everywhere: no source states that any of these plants uses
  Chinese process technology (Arnold's Chinese JV is an ownership note, see that facility).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models import (  # noqa: E402
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
    Segment,
    Settings,
    Source,
    save_project,
)
from models.project import AvailabilityDistribution  # noqa: E402
from models.validation import consumable, producible  # noqa: E402
from models.vocab import Element, Material, Stage, Status  # noqa: E402

OUT = Path(__file__).resolve().parent / "us_allied_mine_to_magnet.m2m.json"
REFERENCE = Path(__file__).resolve().parent / "reference"
REPORT = "sample_projects/reference/domain_report.md"
FACILITIES_CSV = "sample_projects/reference/facilities.csv"

# Exchange rates (USD per unit of foreign currency), round early-2026 figures, our assumption.
AUD_USD = 0.65
CAD_USD = 0.72
EUR_USD = 1.08
MYR_USD = 0.237  # RM600M ~ US$142M as the CSV itself converts

# Variable opex by stage, US$ per t of activity: OUR ESTIMATES (no source gives unit costs).
STAGE_OPEX = {
    Stage.MINE: 3_000.0,  # per t TREO in concentrate (mining + flotation)
    Stage.CRACKING: 1_500.0,  # per t TREO feed (acid bake/leach to carbonate)
    Stage.SEPARATION: 5_000.0,  # per t TREO feed (cracking where integrated + solvent extraction)
    Stage.METAL: 12_000.0,  # per t metal (electrolysis / metallothermic reduction)
    Stage.MAGNET_NDFEB: 30_000.0,  # per t sintered magnet (strip cast, HD, jet mill, press, sinter, machine);
    # set so a Western magnet (~$58/kg all-in variable) costs more than a Chinese one ($54/kg), as all
    # sources on the Western cost premium describe; with $22,000 the model found US magnets cheaper.
    Stage.MAGNET_SMCO: 40_000.0,  # per t SmCo magnet (smaller batches, longer heat treatment)
    Stage.RECYCLING: 4_000.0,  # per t scrap processed
    Stage.COBALT: 25_000.0,  # per t refined Co (by-product of nickel refining)
}
OPEX_NOTE = (
    "Variable opex is a derived estimate (no source gives unit costs): mine $3,000/t TREO, cracking "
    "$1,500/t feed, separation $5,000/t feed, metal $12,000/t, NdFeB $30,000/t, SmCo $40,000/t, "
    "recycling $4,000/t scrap, cobalt $25,000/t Co."
)
FIXED_OPEX_SHARE = 0.03  # built greenfield projects: fixed opex = 3 % of capex per year (derived)


# ----------------------------------------------------------------------------------------------
# Small helpers: a readable vocabulary for the tables below.
# ----------------------------------------------------------------------------------------------

def src(url: str, supports: str, confidence: str = "medium") -> Source:
    """A sourced figure (URL from facilities.csv or domain_report.md)."""
    return Source(url=url, supports=supports, confidence=confidence)


def derived(supports: str, url: str = REPORT) -> Source:
    """Our own arithmetic or assumption; ``supports`` shows the reasoning."""
    return Source(url=url, supports=supports, confidence="derived")


def build_option(oid: str, name: str, add_tpy: float, capex_musd: float, lead: int, ramp: list[float],
                 note: str, sources: list[Source]) -> ExpansionOption:
    """A lumpy greenfield project: yes/no (min_add = max_add) with fixed capex and fixed opex."""
    return ExpansionOption(
        id=oid, name=name, max_add_tpy=add_tpy, min_add_tpy=add_tpy,
        capex_musd_per_tpy=0.0, fixed_capex_musd=round(capex_musd, 1),
        fixed_opex_musd_per_yr=round(FIXED_OPEX_SHARE * capex_musd, 2),
        lead_time_years=lead, earliest_decision_year=2026, ramp_up_shares=ramp,
        sources=sources,
        notes=note + f" Fixed opex {FIXED_OPEX_SHARE:.0%} of capex per year once online (derived).",
    )


def debottleneck(oid: str, name: str, add_tpy: float, musd_per_tpy: float, lead: int, reason: str) -> ExpansionOption:
    """A continuous expansion of an existing plant at a derived cost per t/yr."""
    return ExpansionOption(
        id=oid, name=name, max_add_tpy=add_tpy, capex_musd_per_tpy=musd_per_tpy,
        lead_time_years=lead, earliest_decision_year=2026, ramp_up_shares=[0.5],
        sources=[derived(reason)],
        notes="Generic debottleneck/expansion, cost derived from comparable sourced projects. " + reason,
    )


def fac(fid: str, name: str, operator: str, country: str, region: str, lat: float, lon: float,
        stage: Stage, status: Status, capacity_tpy: float, sources: list[Source], *,
        online: int | None = None, ramp: list[float] | None = None, notes: str = "", **extra) -> Facility:
    """One facility; stage opex default unless ``variable_opex_usd_per_t`` is given in ``extra``."""
    extra.setdefault("variable_opex_usd_per_t", STAGE_OPEX[stage])
    f = Facility(
        id=fid, name=name, operator=operator, country=country, region=region, lat=lat, lon=lon,
        stage=stage, status=status, capacity_tpy=round(capacity_tpy, 1), online_year=online,
        ramp_up_shares=ramp or [], sources=sources, notes=notes, **extra,
    )
    return f.with_default_recipe()


E = Element
S = Stage
ST = Status

# Recoveries used where the source gives none (derived): light 95 %, heavy 90 %.
REC_LIGHT_HEAVY = {E.NDPR: 0.95, E.DY: 0.90, E.TB: 0.90, E.SM: 0.90}


# ----------------------------------------------------------------------------------------------
# Facilities
# ----------------------------------------------------------------------------------------------

def mines() -> list[Facility]:
    """Mines (t TREO in concentrate per year) with assays (share of TREO)."""
    return [
        fac("mp_mine", "Mountain Pass mine & concentrator", "MP Materials", "US", "California", 35.478, -115.532,
            S.MINE, ST.OPERATING, 50_692,
            [src("https://investingnews.com/mp-materials-reports-fourth-quarter-and-full-year-2025-results/",
                 "capacity 50,692 t REO in concentrate (FY2025 actual production, used as capacity)", "high"),
             src("https://content.edgar-online.com/ExternalLink/EDGAR/0001801368-22-000010.html?dest=d215279dex961_htm&hash=e8cd53707404b01b1074447d1f7c8c9e83fbb77808f399e4dcc75947179f1034",
                 "assay: NdPr 15.7 % of TREO (MP FY2021 10-K)", "high"),
             derived("assay Sm 1 % of TREO: Sm2O3 0.02-0.05 % of ore at 2.4-5.5 % TREO (report 1c, UNCERTAIN)"),
             derived("assay Dy 0.31 %, Tb 0.08 % of TREO: heavy circuit nameplate ~200 t Dy+Tb / 50,692 t TREO "
                     "= 0.39 %, split 80:20 like Energy Fuels' 48 Dy : 14 Tb (low; upper bound within SEG+ 1.8 %)"),
             src("https://www.stockstoday.com/?p=33578", "concentrate shipments to China stopped Jul 2025", "medium")],
            assay={E.NDPR: 0.157, E.SM: 0.01, E.DY: 0.0031, E.TB: 0.0008},
            ownership_notes="DoD holds ~15 % ($400M convertible preferred + warrants, Jul 2025)."),
        fac("mt_weld", "Mt Weld mine & concentration plant", "Lynas Rare Earths", "AU", "Western Australia (Laverton)",
            -28.862, 122.548, S.MINE, ST.OPERATING, 48_000,
            [src("https://resourceglobalnetwork.com/2022/08/03/lynas-to-expand-mt-weld-rare-earths-mine-with-345-million-investment/",
                 "12,000 t/yr NdPr-equivalent feedstock after expansion (~US$345M)", "medium"),
             derived("capacity 48,000 t TREO = 12,000 t NdPr / 0.25 NdPr share (share assumed, see assay)"),
             derived("assay NdPr 25 % of TREO: NOT FOUND in sources (report gap 4); assumed from comparable "
                     "deposits (Nolans 26.4 %, Tardiff ~25 %); Dy 0.3 %, Tb 0.05 %, Sm 0.6 % assumed (low)")],
            assay={E.NDPR: 0.25, E.DY: 0.003, E.TB: 0.0005, E.SM: 0.006},
            capex_musd_reported=345.0,
            ownership_notes="JARE (Sojitz/JOGMEC) priority supply to Japan up to 7,200 t/yr NdPr until 2038."),
        fac("eneabba_stock", "Eneabba stockpile & concentrator (Phases 1-2)", "Iluka Resources", "AU",
            "Western Australia (Eneabba)", -29.82, 115.27, S.MINE, ST.OPERATING, 17_500,
            [src("https://www.iluka.com/operations-resource-development/resource-development/eneabba",
                 "~1 Mt stockpile of high-grade RE concentrate (~90 % monazite; a stock, not an annual rate); "
                 "operating since 2020", "medium"),
             derived("finite stock 540,000 t TREO = 1,000,000 t concentrate x 90 % monazite x 60 % TREO in monazite "
                     "(report 1c: monazite ~60 % REO); drawn at most 17,500 t TREO/yr = the refinery's 2022 design "
                     "feed (also the capacity), so at most 175,000 t in 2026-2035 and >= 365,000 t left"),
             derived("assay = the refinery plan's feed (the stockpile's own assay is not in the reference, report "
                     "gap 4): NdPr 33.1 % = 5,500 t / (17,500 t x 0.95 recovery); Dy + Tb 4.76 % = 750 t / (17,500 t "
                     "x 0.90 recovery), split 85:15 like Donald's 92 Dy : 16 Tb -> Dy 4.05 %, Tb 0.71 %; Sm 2 % by "
                     "analogy with Donald monazite (129 t Sm in ~6,100 t TREO). The plan is for mixed feed (with "
                     "Browns Range xenotime), so these heavy shares are an upper bound for the stockpile (low)")],
            assay={E.NDPR: 0.331, E.SM: 0.02, E.DY: 0.0405, E.TB: 0.0071},
            stock_initial_t=540_000.0, stock_max_draw_tpy=17_500.0),
        fac("yangibana", "Yangibana mine + beneficiation", "Wyloo (60 %) / Hastings (40 %)", "AU",
            "Western Australia (Gascoyne)", -23.93, 116.13, S.MINE, ST.CONSTRUCTION, 9_990,
            [src("https://hastingstechmetals.com/rare-earths/yangibana/",
                 "assay NdPr 37 % of TREO (life-of-mine); 37,000 t/yr concentrate at 27 % REO", "high"),
             derived("capacity 9,990 t TREO = 37,000 t concentrate x 27 % REO"),
             src("https://abc.net.au/news/2024-11-26/questions-over-yangibana-mine-construction-in-wa-gascoyne/104616480",
                 "~33 % complete Nov 2024; timing uncertain", "medium"),
             derived("online 2028 (Q2 2026 target in JV reporting is uncertain after the 2025 restructure), "
                     "ramp 40 % / 80 %")],
            online=2028, ramp=[0.4, 0.8], assay={E.NDPR: 0.37},
            capex_musd_reported=round(948 * AUD_USD, 1),
            notes=f"Capex A$948M (May 2023) = US${948 * AUD_USD:.0f}M at {AUD_USD} USD/AUD. Solvay binding offtake."),
        fac("nolans_mine", "Nolans mine & concentrator", "Arafura Rare Earths", "AU", "Northern Territory",
            -22.58, 133.25, S.MINE, ST.PLANNED, 0,
            [src("https://www.arultd.com/projects/nolans/", "assay NdPr 26.4 % of TREO", "high"),
             src("http://www.miningweekly.com/print-version/nolans-neodymiumpraseodymium-rare-earths-project-australia-2019-09-27",
                 "DFS: 4,357 t/yr NdPr oxide", "medium")],
            assay={E.NDPR: 0.264},
            options=[build_option(
                "nolans_mine_build", "Nolans mine + concentrator", 17_400, 0.30 * 1590 * AUD_USD, 3, [0.3, 0.6, 0.9],
                f"Capex A$1,590M (Nov 2022) x {AUD_USD} = US${1590 * AUD_USD:.1f}M for the integrated project; "
                "30 % allotted to mine + concentrator, 70 % to the Nolans refinery (derived split). FID targeted "
                "H1 2026 -> first output 2029.",
                [src("https://nsenergybusiness.com/news/arafura-announces-project-update-for-nolans-ndpr-project-in-australia",
                     "capex A$1,590M incl. contingency", "medium"),
                 derived("max_add 17,400 t TREO = 4,357 t NdPr / (0.264 x 0.95 recovery)")])]),
        fac("browns_range", "Browns Range heavy rare earths project", "Northern Minerals", "AU",
            "Western Australia (East Kimberley)", -18.23, 128.95, S.MINE, ST.PLANNED, 0,
            [src("https://www.australianmining.com.au/browns-ranges-strategic-importance-for-rare-earths-production/",
                 "17,500 t/yr xenotime concentrate at ~25 % TREO = ~4,350 t TREO", "medium"),
             derived("assay Dy 9.7 %, Tb 1.7 %, NdPr 4 %: Eneabba refinery plans 750 t DyTb; stockpile at 1.8 % "
                     "DyTb gives ~315 t; the other ~435 t from Iluka's Browns Range offtake (30.5 kt TREO / 8 yr = "
                     "~3,800 t/yr) = 11.4 % DyTb, split 85:15; NdPr 4 % assumed (low)")],
            assay={E.NDPR: 0.04, E.DY: 0.097, E.TB: 0.017},
            options=[build_option(
                "browns_range_build", "Browns Range mine + beneficiation", 4_350, 592 * AUD_USD, 3, [0.4, 0.8],
                f"Capex A$592M pre-production x {AUD_USD} = US${592 * AUD_USD:.1f}M. DFS Sep 2025, FID pending; "
                "2028 in a secondary report, 2029 modelled.",
                [src("https://www.middle.news/articles/2025/09/14/northern-minerals-unveils-browns-range-dfs-a-strategic-heavy-rare-earths-breakthrough",
                     "DFS Sep 2025; pre-production capex A$592M", "medium")])]),
        fac("dubbo_mine", "Dubbo Project mine (Toongi)", "Australian Strategic Materials", "AU", "New South Wales",
            -32.42, 148.58, S.MINE, ST.PLANNED, 0,
            [src("https://asm-au.com/interactive-critical-minerals-prospectus-showcases-the-dubbo-project",
                 "1,000,000 t/yr ore feed; NdPr, Dy, Tb oxides", "medium"),
             derived("5,000 t TREO/yr = 1 Mt ore x ~0.74 % TREO (company grade, not in our sources) x ~70 % "
                     "recovery; assay NdPr 18 %, Dy 2.5 %, Tb 0.4 % assumed for a heavy-enriched polymetallic "
                     "deposit (low)")],
            assay={E.NDPR: 0.18, E.DY: 0.025, E.TB: 0.004},
            options=[build_option(
                "dubbo_mine_build", "Dubbo mine + beneficiation", 5_000, 0.5 * 1678 * AUD_USD, 3, [0.4, 0.8],
                f"Capex A$1,678M (optimisation study) x {AUD_USD} = US${1678 * AUD_USD:.1f}M for the whole "
                "project (also Zr, Hf, Nb); split 50:50 between mine and refinery (derived).",
                [src("https://asm-au.com/category/latest-news/page/8", "capex A$1,678M; FID targeted 2026", "medium")])]),
        fac("strange_lake", "Strange Lake mine + concentrator", "Torngat Metals", "CA", "Quebec (Nunavik)",
            56.33, -64.15, S.MINE, ST.PLANNED, 0,
            [src("https://secure.northernminer.com/news/torngat-secures-165m-for-strange-lake-ree-project/1003879745",
                 "~15,000 t REO/yr project total, HREE-rich; 2028 target; capex ~C$2,000M", "medium"),
             derived("assay NdPr 18 %, Dy 3 %, Tb 0.5 %: HREE-rich per source, shares assumed (low)")],
            assay={E.NDPR: 0.18, E.DY: 0.03, E.TB: 0.005},
            options=[build_option(
                "strange_lake_build", "Strange Lake mine + concentrator", 15_000, 0.5 * 1800 * CAD_USD, 3,
                [0.3, 0.6, 0.9],
                f"Capex C$1,600-2,000M (sources conflict); midpoint C$1,800M x {CAD_USD} = US${1800 * CAD_USD:.0f}M, "
                "50 % to the mine, 50 % to the Sept-Iles refinery (derived).",
                [src("https://www.iask.ca/news/cdb743027ce92fb166be14b33fcf1530/torngat-metals-raises-165-million-in-federal-financing-for-quebec-rare-earths-mine-project",
                     "C$165M federal financing; capex range", "low")])]),
        fac("donald", "Donald rare earth & mineral sands (Phase 1)", "Astron / Energy Fuels", "AU", "Victoria (Wimmera)",
            -36.37, 142.98, S.MINE, ST.PLANNED, 4_000,
            [src("https://www.australianmanufacturing.com.au/energy-fuels-astron-to-jointly-develop-the-donald-project-in-victoria/",
                 "7,000-8,000 t/yr REEC (Phase 1) containing ~4,000 t TREO; NdPr 850-1,700 t in 4,000-8,200 t TREO", "medium"),
             src("https://www.metalnomist.com/2025/09/energy-fuels-heavy-rare-earth-oxides.html",
                 "129 t/yr Sm, 92 t Dy, 16 t Tb from Donald (company claim)", "low"),
             derived("assay NdPr 21 % (850/4,000 ~ 1,700/8,200); Sm 2.1 %, Dy 1.5 %, Tb 0.26 % = 129/92/16 t over the "
                     "~6,100 t TREO midpoint; online 2028 (FID expected end-2025, not confirmed), ramp 50 %")],
            online=2028, ramp=[0.5], assay={E.NDPR: 0.21, E.SM: 0.021, E.DY: 0.015, E.TB: 0.0026},
            notes="Concentrate is earmarked for White Mesa (Energy Fuels earning up to 49 %)."),
        fac("chemours_monazite", "Chemours mineral sands monazite (Trail Ridge FL / Georgia)", "Chemours", "US",
            "Florida / Georgia", 29.98, -82.03, S.MINE, ST.OPERATING, 6_000,
            [src("https://mining.com/?p=1152552", "White Mesa feed: Chemours monazite from FL/GA", "medium"),
             derived("6,000 t TREO/yr = White Mesa Phase 1's ~10,000 t/yr monazite x ~60 % TREO (Geoscience "
                     "Australia working value for monazite); assay NdPr 20 %, Sm 2 %, Dy 1.5 %, Tb 0.26 % by "
                     "analogy with Donald monazite (low)")],
            assay={E.NDPR: 0.20, E.SM: 0.02, E.DY: 0.015, E.TB: 0.0026},
            notes="By-product monazite of heavy-mineral-sands mining, sold to Energy Fuels."),
        fac("aclara_carina", "Aclara ionic-clay feed (Carina, Brazil)", "Aclara Resources", "BR", "Goias",
            -13.85, -46.96, S.MINE, ST.PLANNED, 0,
            [src("https://rareearthexchanges.com/news/aclara-to-build-first-u-s-heavy-rare-earths-separation-plant-feed-secured-by-mid-2028",
                 "feed from ionic clays in Brazil and Chile from mid-2028", "medium"),
             derived("assay NdPr 24 % assumed; Dy 3.4 % = 200 t / (6,140 t x 0.95); Tb 0.5 % = 30 / (6,140 x 0.95); "
                     "6,140 t TREO = 1,400 t NdPr / (0.24 x 0.95)")],
            assay={E.NDPR: 0.24, E.DY: 0.034, E.TB: 0.005},
            options=[debottleneck("aclara_carina_build", "Carina ionic-clay module", 6_140, 0.03, 2,
                                  "Capex not in sources: $30,000 per t TREO/yr assumed (ionic clays are cheap to "
                                  "mine; below Mt Weld's ~$17,000 + heap leach).")]),
    ]


def processors() -> list[Facility]:
    """Cracking and separation plants (t TREO feed per year)."""
    return [
        fac("kalgoorlie", "Kalgoorlie Rare Earths Processing Facility", "Lynas Rare Earths", "AU",
            "Western Australia (Kalgoorlie)", -30.78, 121.47, S.CRACKING, ST.OPERATING, 39_900,
            [src("https://seaisi.org/details/25722?type=news-rooms",
                 "nameplate supports ~9,000 t NdPr finished product; ramping below nameplate in FY25", "medium"),
             derived("39,900 t TREO feed = 9,000 / (0.25 NdPr share x 0.95 cracking x 0.95 separation)"),
             derived("online 2024, ramp 50 % / 70 % / 85 % (2026 at 85 %)")],
            online=2024, ramp=[0.5, 0.7, 0.85], treo_recovery=0.95,
            capex_musd_reported=round(765 * AUD_USD, 1),
            notes=f"Capex A$730-800M; A$765M midpoint x {AUD_USD} = US${765 * AUD_USD:.0f}M."),
        fac("mp_sep", "Mountain Pass separations (light + heavy circuits)", "MP Materials", "US", "California",
            35.478, -115.532, S.SEPARATION, ST.OPERATING, 28_300,
            [src("https://investingnews.com/mp-materials-reports-fourth-quarter-and-full-year-2025-results/",
                 "2,599 t NdPr oxide in 2025; ~4,000 t/yr exit run-rate Dec 2025", "high"),
             derived("28,300 t TREO feed = 4,000 t NdPr / (0.157 x 0.90 recovery)"),
             src("https://www.adamasintel.com/mountain-pass-visit-october-2022/",
                 "design 'upwards of 6,000' t NdPr oxide (conflicts with ~20,000 t TREO feed in the same source)", "low"),
             src("https://www.stocktitan.net/sec-filings/MP/10-q-mp-materials-corp-de-quarterly-earnings-report-16dafd0f3557.html",
                 "heavy circuit: $150M DoD loan ('Samarium Project Loan'), ~200 t/yr Dy+Tb nameplate, under "
                 "construction, commissioning mid-2026, Dy/Tb output late 2026", "medium"),
             derived("heavy circuit (Dy, Tb, Sm) produces from 2027: the first full year after its late-2026 first "
                     "output; before that the plant makes NdPr only")],
            separation_feed="concentrate",
            element_recovery={E.NDPR: 0.90, E.DY: 0.80, E.TB: 0.80, E.SM: 0.80},
            element_online_year={E.DY: 2027, E.TB: 2027, E.SM: 2027},
            options=[debottleneck("mp_sep_to_design", "Ramp separations to 6,000 t NdPr design", 14_150, 0.02, 1,
                                  "14,150 t feed = (6,000 - 4,000) t NdPr / (0.157 x 0.90); $20,000 per t/yr "
                                  "(brownfield, well below Eneabba's ~$65,000 greenfield)")],
            notes="The heavy rare earth circuit (Dy/Tb/Sm from the SEG+ stream, nameplate ~200 t Dy+Tb; under "
                  "construction) is folded into this facility's Dy/Tb/Sm recoveries from 2027 (element_online_year): "
                  "in the model one tonne of feed then yields all its elements at once. Derived recoveries: NdPr 90 %, heavies 80 %. DoD $110/kg NdPr price floor "
                  "(10 years from Q4 2025) is not modelled as a cost."),
        fac("lamp", "Lynas Malaysia Advanced Materials Plant (LAMP)", "Lynas Rare Earths", "MY", "Pahang (Gebeng, Kuantan)",
            3.97, 103.38, S.SEPARATION, ST.OPERATING, 44_200,
            [src("https://fastmarkets.com/insights/lynas-to-produce-dysprosium-terbium-oxide-in-malaysia",
                 "10,500 t NdPr SX/finishing capacity; Dy (May 2025) and Tb (Jun 2025) from the heavy circuit", "medium"),
             src("https://firmsworld.com/?p=17590", "FY25 output 6,558 t NdPr / 10,462 t REO", "medium"),
             derived("44,200 t TREO feed = 10,500 / (0.25 x 0.95)")],
            separation_feed="mixed_carbonate",
            element_recovery={E.NDPR: 0.95, E.DY: 0.85, E.TB: 0.85, E.SM: 0.85},
            options=[debottleneck("lamp_to_12k", "LAMP to 12,000 t NdPr", 6_300, 0.02, 2,
                                  "6,300 t feed = (12,000 - 10,500) / (0.25 x 0.95); $20,000 per t/yr (brownfield)")],
            notes="Takes Kalgoorlie mixed carbonate. Heavy circuit (1,500 t/yr SEGH) folded into the Dy/Tb/Sm recoveries."),
        fac("eneabba_ref", "Eneabba rare earths refinery (Phase 3)", "Iluka Resources", "AU", "Western Australia (Eneabba)",
            -29.82, 115.27, S.SEPARATION, ST.CONSTRUCTION, 17_500,
            [src("https://www.nsenergybusiness.com/projects/eneabba-rare-earths-mining/",
                 "17.5 kt/yr TREO (2022 plan); up to 5,500 t NdPr + 750 t DyTb", "medium"),
             src("https://laprivate.com.au/funding-win-for-iluka-but-shares-tumble",
                 "A$1,700-1,800M post-FEED; A$1.65B government loan; commissioning 2027", "medium"),
             derived("online 2027, ramp 30 % / 60 % / 85 %")],
            online=2027, ramp=[0.3, 0.6, 0.85], separation_feed="concentrate",
            element_recovery={E.NDPR: 0.95, E.DY: 0.90, E.TB: 0.90, E.SM: 0.90},
            capex_musd_reported=round(1750 * AUD_USD, 1),
            notes=f"Capex A$1,750M midpoint x {AUD_USD} = US${1750 * AUD_USD:.0f}M (sunk: under construction)."),
        fac("white_mesa", "White Mesa Mill REE circuit (Phase 1 + heavy circuit)", "Energy Fuels", "US", "Utah (Blanding)",
            37.54, -109.50, S.SEPARATION, ST.OPERATING, 6_000,
            [src("https://engineeringnews.co.za/print-version/energy-fuels-achieves-commercial-production-of-separated-rare-earths-at-white-mesa-2024-06-11",
                 "850-1,000 t/yr NdPr from up to ~10,000 t monazite; commercial since 2024", "medium"),
             derived("6,000 t TREO feed = 10,000 t monazite x 60 % TREO; check 6,000 x 0.20 x 0.85 = 1,020 t NdPr"),
             src("https://miningthemarket.com/?p=700", "heavy circuit goal 48 t Dy + 14 t Tb, commercial Q4 2026", "low"),
             src("https://crweworld.com/article/news-provided-by-pr-newswire/3700873/energy-fuels-successfully-produces-first-kilogram-of-999-purity-dysprosium-oxide-at-its-white-mesa-mill-in-utah-on-track-to-commence-terbium-production-in-q4-2025",
                 "heavy circuit is a pilot (first kg Dy Aug 2025, ~29 kg by Dec 2025); Sm, Gd planned", "medium"),
             derived("Dy, Tb and Sm from 2027: the first full year after the Q4 2026 commercial target (Sm has no "
                     "stated date; assumed with the heavy circuit)")],
            separation_feed="concentrate",
            element_recovery={E.NDPR: 0.85, E.DY: 0.80, E.TB: 0.80, E.SM: 0.80},
            element_online_year={E.DY: 2027, E.TB: 2027, E.SM: 2027},
            capex_musd_reported=16.0,
            options=[build_option(
                "white_mesa_phase2", "White Mesa Phase 2", 30_000, 410.0, 3, [0.3, 0.6, 0.9],
                "BFS Jan 2026: 60,000 t REEC feed -> 6,000+ t NdPr + 240 Dy + 66 Tb, capex $410M; approval mid-2027, "
                "commissioning Q1 2029 (decision 2026 + 3 years).",
                [src("https://www.stockstoday.com/energy-fuels-stock-surges-on-promising-rare-earths-project-study",
                     "Phase 2 capex $410M; 6,000+ t NdPr", "medium"),
                 derived("30,000 t TREO = 60,000 t REEC x ~50 % TREO; check 30,000 x 0.21 x 0.95 = 5,985 t NdPr")])]),
        fac("ucore_lsmc", "Louisiana Strategic Metals Complex (RapidSX)", "Ucore Rare Metals", "US", "Louisiana (Alexandria)",
            31.33, -92.55, S.SEPARATION, ST.CONSTRUCTION, 2_000,
            [src("https://1stafrika.com/2025/05/20/ucore-secures-18-4m-in-u-s-department-of-defense-funding-to-advance-rare-earth-processing-plant-in-louisiana",
                 "2,000 t TREO initial -> 7,500 t plan; readiness H2 2026; DoD $22.4M", "medium"),
             derived("online 2026, ramp 25 % / 60 %; takes mixed carbonate (RapidSX on MREC)")],
            online=2026, ramp=[0.25, 0.6], separation_feed="mixed_carbonate",
            element_recovery=dict(REC_LIGHT_HEAVY),
            options=[debottleneck("ucore_to_7500", "Ucore to 7,500 t TREO", 5_500, 0.03, 2,
                                  "capex not stated: $30,000 per t/yr assumed (between White Mesa Phase 2 $13,700 "
                                  "and Aclara $45,000)")]),
        fac("aclara_la", "Aclara heavy rare earth separation plant", "Aclara Resources", "US", "Louisiana (Vinton)",
            30.19, -93.58, S.SEPARATION, ST.PLANNED, 0,
            [src("https://www.mining.com/aclara-jumps-on-us-rare-earth-plant-plan",
                 "200 t Dy + 30 t Tb + 1,400 t NdPr oxide/yr; ~$277M; completion 2027, feed from mid-2028", "medium")],
            separation_feed="concentrate", element_recovery={E.NDPR: 0.95, E.DY: 0.95, E.TB: 0.95},
            options=[build_option(
                "aclara_la_build", "Aclara Louisiana plant", 6_140, 277.0, 2, [0.5, 0.9],
                "Capex ~$277M; first output 2028 when ionic-clay feed arrives.",
                [derived("6,140 t TREO feed = 1,400 t NdPr / (0.24 x 0.95)")])]),
        fac("solvay_lr", "Solvay La Rochelle rare earths plant", "Solvay", "FR", "Nouvelle-Aquitaine (La Rochelle)",
            46.16, -1.15, S.SEPARATION, ST.OPERATING, 500,
            [src("https://www.automotiveworld.com/news-releases/solvay-advances-european-rare-earths-production-through-capacity-expansion/",
                 "magnet RE line inaugurated Apr 2025, 'several hundred t'; ~4,500 t by 2030; ~EUR100M expansion", "medium"),
             derived("500 t TREO feed for 'several hundred t' of products (derived)")],
            online=2025, separation_feed="concentrate", element_recovery=dict(REC_LIGHT_HEAVY),
            options=[build_option(
                "solvay_lr_expand", "La Rochelle to ~4,500 t", 4_000, 100 * EUR_USD, 3, [0.4, 0.8],
                f"EUR100M x {EUR_USD} = US${100 * EUR_USD:.0f}M full-scale expansion; target 2030.",
                [src("https://www.seaisi.org/details/26454?type=news-rooms", "~EUR100M for full-scale expansion", "medium")])],
            notes="Supplies Sm to Permag and LCM, Dy/Tb to Noveon; takes Cyclic rMREO and Yangibana offtake."),
        fac("src_sep", "SRC Rare Earth Processing Facility (separation)", "Saskatchewan Research Council", "CA",
            "Saskatchewan (Saskatoon)", 52.13, -106.67, S.SEPARATION, ST.OPERATING, 1_800,
            [src("https://mining.com/saskatchewan-processing-facility-first-to-produce-rare-earth-metals-in-north-america",
                 "feed 3,000 t/yr monazite concentrate", "medium"),
             src("https://www.greencarcongress.com/2021/09/20210906-src.html", "90 % monazite concentrate ~60 % TREO", "medium"),
             derived("1,800 t TREO feed = 3,000 t x 60 %")],
            online=2024, separation_feed="concentrate", element_recovery={E.NDPR: 0.90},
            capex_musd_reported=round(55 * CAD_USD, 1)),
        fac("silmet", "Silmet separation plant", "Neo Performance Materials", "EE", "Ida-Viru (Sillamae)",
            59.40, 27.76, S.SEPARATION, ST.OPERATING, 3_160,
            [src("https://www.argusmedia.com/de/news-and-insights/latest-market-news/2465359-magnequench-starts-building-estonia-re-magnet-plant",
                 "3,000 t/yr separated light RE products", "medium"),
             src("https://mining.com/energy-fuels-inks-mou-with-astron-to-develop-donald-rare-earth-project-in-australia",
                 "feed incl. mixed RE carbonate (Energy Fuels MREC from 2021)", "medium"),
             derived("3,160 t TREO feed = 3,000 / 0.95")],
            separation_feed="mixed_carbonate", element_recovery={E.NDPR: 0.95}),
        fac("reelement_nob", "ReElement Noblesville refinery", "ReElement Technologies", "US", "Indiana (Noblesville)",
            40.05, -86.01, S.SEPARATION, ST.OPERATING, 250,
            [src("https://www.nsenergybusiness.com/news/reelement-announces-noblesville-refinery-expansion-for-rare-earth-production/",
                 "200+ t/yr separated oxides (some reports 250+)", "medium"),
             derived("250 t TREO feed ~ 200+ t products / 0.95 (rounded)")],
            separation_feed="concentrate", element_recovery={E.NDPR: 0.95, E.DY: 0.95, E.TB: 0.95, E.SM: 0.95}),
        fac("reelement_marion", "ReElement Marion Supersite (Phase 1)", "ReElement Technologies", "US", "Indiana (Marion)",
            40.56, -85.66, S.SEPARATION, ST.CONSTRUCTION, 3_000 / 0.95,
            [src("https://stocktitan.net/news/AREC/re-element-technologies-provides-update-on-significant-expansion-of-q53cs8z6cqsa.html",
                 "2,500-3,500 t/yr refined products Phase 1; under construction", "medium"),
             src("https://www.prnewswire.com/news-releases/vulcan-elements-forges-1-4-billion-partnership-with-the-united-states-government-and-reelement-technologies-to-expand-100-vertically-integrated-domestic-magnet-supply-chain-302602878.html",
                 "$80M OSC loan", "high"),
             derived("3,160 t TREO feed = 3,000 t refined products (midpoint of 2,500-3,500 t/yr) / 0.95 recovery"),
             derived("online 2027 ASSUMED: the reference gives no start year (under construction, >60 % of Phase 1 "
                     "equipment ordered/installing Sep 2025); ramp 30 % / 70 % assumed")],
            online=2027, ramp=[0.3, 0.7], separation_feed="concentrate",
            element_recovery={E.NDPR: 0.95, E.DY: 0.95, E.TB: 0.95, E.SM: 0.95}),
        fac("torngat_sep", "Torngat separation plant (Sept-Iles)", "Torngat Metals", "CA", "Quebec (Sept-Iles)",
            50.21, -66.38, S.SEPARATION, ST.PLANNED, 0,
            [src("https://secure.northernminer.com/news/torngat-secures-165m-for-strange-lake-ree-project/1003879745",
                 "separated light + heavy REOs; part of the ~15,000 t REO project; 2028", "medium")],
            separation_feed="concentrate", element_recovery=dict(REC_LIGHT_HEAVY),
            options=[build_option(
                "torngat_sep_build", "Sept-Iles refinery", 15_000, 0.5 * 1800 * CAD_USD, 3, [0.3, 0.6, 0.9],
                f"50 % of C$1,800M x {CAD_USD} (see Strange Lake).", [derived("capex split 50:50 with the mine")])]),
        fac("nolans_sep", "Nolans refinery (cracking + separation, on site)", "Arafura Rare Earths", "AU",
            "Northern Territory", -22.58, 133.25, S.SEPARATION, ST.PLANNED, 0,
            [src("https://www.middle.news/articles/2025/10/20/arafura-secures-us100m-boost-to-advance-nolans-rare-earths-project",
                 "EFA US$100M equity under the US-Australia framework; FID targeted H1 2026", "medium")],
            separation_feed="concentrate", element_recovery={E.NDPR: 0.95},
            options=[build_option(
                "nolans_sep_build", "Nolans refinery", 17_400, 0.70 * 1590 * AUD_USD, 3, [0.3, 0.6, 0.9],
                f"70 % of A$1,590M x {AUD_USD}; offtakes Hyundai/Kia up to 1,500 t/yr, Siemens Gamesa, Traxys.",
                [derived("17,400 t TREO feed: check 17,400 x 0.264 x 0.95 = 4,364 t NdPr ~ DFS 4,357 t")])]),
        fac("dubbo_sep", "Dubbo Project refinery", "Australian Strategic Materials", "AU", "New South Wales",
            -32.42, 148.58, S.SEPARATION, ST.PLANNED, 0,
            [src("https://asm-au.com/category/uncategorized/", "construction-ready; production target 2028", "medium")],
            separation_feed="concentrate", element_recovery=dict(REC_LIGHT_HEAVY),
            options=[build_option(
                "dubbo_sep_build", "Dubbo refinery", 5_000, 0.5 * 1678 * AUD_USD, 3, [0.4, 0.8],
                f"50 % of A$1,678M x {AUD_USD}; US EXIM LoI US$600M.", [derived("capex split 50:50 with the mine")])]),
        fac("lynas_hre", "Lynas Malaysia new heavy rare earth separation plant", "Lynas Rare Earths", "MY",
            "Pahang (Kuantan)", 3.97, 103.38, S.SEPARATION, ST.PLANNED, 0,
            [src("https://www.econotimes.com/Lynas-Expands-Heavy-Rare-Earth-Capacity-with-New-Malaysian-Facility-Amid-Rising-Global-Demand-1724474",
                 "5,000 t/yr heavy RE feedstock; A$180M / MYR500M; subject to approvals", "medium")],
            separation_feed="concentrate", element_recovery=dict(REC_LIGHT_HEAVY),
            options=[build_option(
                "lynas_hre_build", "New HRE plant", 5_000, 180 * AUD_USD, 3, [0.4, 0.8],
                f"A$180M x {AUD_USD} = US${180 * AUD_USD:.0f}M. Modelled as 5,000 t TREO/yr of heavy-rich "
                "third-party concentrate (e.g. xenotime), recovering all elements (derived).",
                [derived("capacity read as t TREO of heavy-rich feed")])]),
        fac("round_top", "Round Top processing plant (third-party feed)", "USA Rare Earth (80 %) / Texas Mineral Resources",
            "US", "Texas (Hudspeth Co.)", 31.28, -105.48, S.SEPARATION, ST.PLANNED, 0,
            [src("https://secure.northernminer.com/news/usa-rare-earth-advances-commercial-output-plans/1003885545",
                 "processing 8,000 t/yr third-party MREC/HREE/concentrates; DFS early 2027; commercial 2028 (late)",
                 "medium"),
             src("https://www.executivegov.com/articles/commerce-usa-rare-earth-chips-loi",
                 "Commerce CHIPS LOI shared with Stillwater; capex part of the $3,300M TX+OK estimate", "medium")],
            separation_feed="mixed_carbonate", element_recovery=dict(REC_LIGHT_HEAVY),
            options=[ExpansionOption(
                id="round_top_build", name="Round Top processing plant", max_add_tpy=8_000,
                capex_musd_per_tpy=0.045, lead_time_years=2, earliest_decision_year=2027, ramp_up_shares=[0.5],
                sources=[derived("8,000 t TREO feed/yr read as the stated 8,000 t/yr of MREC/HREE feed (t TREO "
                                 "assumed); capex not separable from the $3,300M TX+OK estimate: $45,000 per t/yr "
                                 "assumed = Aclara's $277M / 6,140 t; decision after the early-2027 DFS + 2 years "
                                 "-> first output 2029 (company: 2028, late)")],
                notes="Continuous option at a derived cost (no disclosed plant capex).")],
            notes="The Round Top mine itself (40,000 t/day ore, HREE-rich) is not modelled: no TREO grade or "
                  "assay in the reference. The plant takes third-party mixed carbonate (MREC)."),
        fac("saudi_jv", "Maaden - MP Materials - DoW rare earth refinery JV", "Maaden (>=51 %) / MP + DoW (49 %)", "SA",
            "site not stated (Ras Al-Khair assumed)", 27.48, 49.26, S.SEPARATION, ST.CONCEPT, 0,
            [src("https://www.nsenergybusiness.com/news/mp-materials-us-dow-announce-rare-earth-refinery-jv-in-saudi-arabia/",
                 "JV announced Nov 2025; capacity and capex not disclosed", "medium")],
            separation_feed="concentrate", element_recovery=dict(REC_LIGHT_HEAVY),
            options=[debottleneck("saudi_jv_build", "Saudi refinery (size assumed)", 5_000, 0.05, 4,
                                  "size 5,000 t TREO/yr and $50,000 per t/yr assumed (Aclara-like greenfield "
                                  "cost); 4-year lead time for a concept")]),
    ]


def metal_plants() -> list[Facility]:
    """Metal/alloy plants (t metal per year, all elements)."""
    return [
        fac("mp_metal", "Independence metal & alloy (Fort Worth)", "MP Materials", "US", "Texas (Fort Worth)",
            32.87, -97.32, S.METAL, ST.OPERATING, 1_000,
            [src("https://www.marketscreener.com/quote/stock/MP-MATERIALS-CORP-108730348/news/MP-Materials-Restores-U-S-Rare-Earth-Magnet-Production-48837729/",
                 "NdPr metal commercial since Jan 2025", "medium"),
             derived("1,000 t metal/yr: not disclosed; sized above the ~400 t the 1,000 t magnet line needs (low)")],
            element_recovery={E.NDPR: 0.97},
            options=[build_option(
                "mp_10x_metal", "10X metallization", 2_600, 0.20 * 1250, 2, [0.25, 0.5, 0.75],
                "20 % of the >$1,250M 10X investment allotted to metal/alloy (derived split).",
                [derived("2,600 t metal ~ 7,000 t magnets x 0.365 t NdPr metal")])]),
        fac("phoenix", "Phoenix Tailings metallization facility", "Phoenix Tailings", "US", "New Hampshire (Exeter)",
            42.98, -70.95, S.METAL, ST.OPERATING, 181,
            [src("https://magneticsmag.com/phoenix-tailings-opens-rare-earth-metallization-facility",
                 "~181 t (200 short tons) RE metal/yr initial, scalable >1,000; opened Oct 2025", "high"),
             derived("online 2025, ramp 30 % / 70 %")],
            online=2025, ramp=[0.3, 0.7], element_recovery={E.NDPR: 0.95, E.DY: 0.95, E.TB: 0.95},
            options=[debottleneck("phoenix_to_1000", "Phoenix to >1,000 t", 820, 0.05, 1,
                                  "$50,000 per t metal/yr (KSM: ~$60M for ~1,190 t RE metal in alloy)")]),
        fac("src_metal", "SRC Rare Earth Processing Facility (metal)", "Saskatchewan Research Council", "CA",
            "Saskatchewan (Saskatoon)", 52.13, -106.67, S.METAL, ST.OPERATING, 400,
            [src("https://mining.com/saskatchewan-processing-facility-first-to-produce-rare-earth-metals-in-north-america",
                 "~400 t NdPr metal/yr design; conversion >98 %", "medium")],
            online=2024, element_recovery={E.NDPR: 0.98}),
        fac("ksm_kmp", "Korean Metals Plant (KSM Metals)", "Australian Strategic Materials", "KR",
            "Chungcheongbuk-do (Ochang)", 36.71, 127.43, S.METAL, ST.OPERATING, 1_190,
            [src("https://www.middle.news/articles/2025/04/30/asm-advances-korean-plant-ramp-up-and-us-expansion-amid-dubbo-funding-boost",
                 "1,300 t NdFeB alloy installed -> 3,600 t (Phase 2, late 2026)", "medium"),
             derived("1,190 t RE metal = 3,600 t alloy x ~33 % RE content; 2022-2026 at 1,300/3,600 = 36.1 %")],
            online=2022, ramp=[0.361] * 5, element_recovery={E.NDPR: 0.97, E.DY: 0.95, E.TB: 0.95},
            notes="Customers Noveon (alloy), USA Rare Earth; Dy/Tb metals planned."),
        fac("lcm", "Less Common Metals (Ellesmere Port)", "USA Rare Earth", "GB", "Cheshire (Ellesmere Port)",
            53.28, -2.90, S.METAL, ST.OPERATING, 150,
            [src("https://mmta.co.uk/less-common-metals-building-a-sustainable-ree-supply-chain/",
                 "Nd/NdPr: 2 cells x ~55 t/yr, expandable to 6 cells (~330 t); Sm metal, SmCo alloy", "medium"),
             derived("150 t metal = 110 t NdPr (2 cells) + ~40 t Sm metal (Sm capacity not disclosed, assumed)")],
            element_recovery={E.NDPR: 0.97, E.SM: 0.95, E.DY: 0.95, E.TB: 0.95},
            capex_musd_reported=220.0,
            options=[debottleneck("lcm_to_6_cells", "LCM to 6 electrolysis cells", 220, 0.05, 1,
                                  "220 t = 4 more cells x 55 t; $50,000 per t/yr")],
            notes="Acquisition by USA Rare Earth (~$220M incl. shares) is in capex_musd_reported for information."),
        fac("asm_us_metals", "ASM American Metals Plant (proposed)", "Australian Strategic Materials", "US",
            "site not disclosed (contiguous-US centre assumed)", 39.83, -98.58, S.METAL, ST.PLANNED, 0,
            [src("https://www.middle.news/articles/2025/04/30/asm-advances-korean-plant-ramp-up-and-us-expansion-amid-dubbo-funding-boost",
                 "proposed US metals plant, up to 4,000 t/yr metal/alloy; seeking government incentives; no "
                 "start year", "medium")],
            element_recovery={E.NDPR: 0.97, E.DY: 0.95, E.TB: 0.95},
            options=[ExpansionOption(
                id="asm_us_metals_build", name="American Metals Plant", max_add_tpy=1_320,
                capex_musd_per_tpy=0.05, lead_time_years=2, earliest_decision_year=2026, ramp_up_shares=[0.3, 0.7],
                sources=[derived("1,320 t RE metal = 4,000 t alloy x ~33 % RE content (as the Korean Metals Plant); "
                                 "capex not disclosed: $50,000 per t/yr assumed (KSM ~$60M for ~1,190 t); lead "
                                 "time 2 years and ramp 30 % / 70 % assumed")],
                notes="Continuous option at a derived cost; site not disclosed, placed at the contiguous-US "
                      "centre (39.83 N, 98.58 W) for transport distances (assumed).")]),
        fac("vulcan_metal", "Vulcan Elements Benson metallization", "Vulcan Elements", "US", "North Carolina (Benson)",
            35.38, -78.55, S.METAL, ST.PLANNED, 0,
            [src("https://www.manufacturingdive.com/news/vulcan-elements-benson-north-carolina-magnet-facility-defense-rare-earth/806075",
                 "10,000 t/yr magnets with metallization on site; $918.1M (state figure)", "medium")],
            element_recovery={E.NDPR: 0.97},
            options=[build_option(
                "vulcan_metal_build", "Benson metallization", 3_700, 0.20 * 918.1, 2, [0.2, 0.5, 0.8],
                "20 % of $918.1M allotted to metallization (derived split).",
                [derived("3,700 t ~ 10,000 t magnets x 0.365")])]),
        fac("sm_line2", "Second samarium metal line (hedge, assumed)", "not named (assumed)", "US",
            "site not named (contiguous-US centre assumed)", 39.83, -98.58, S.METAL, ST.CONCEPT, 0,
            [derived("ASSUMED hedge: no source names a second Sm metal maker outside China; LCM "
                     "(Ellesmere Port) is the only one in the chain. A small Sm electrolysis line of 40 t/yr "
                     "(LCM's assumed Sm share), built whole for $40M (a first-of-a-kind small line), operating cost 1.5 x "
                     "the metal stage's and 1 year lead time: all assumed")],
            element_recovery={E.SM: 0.95}, variable_opex_usd_per_t=1.5 * STAGE_OPEX[S.METAL],
            options=[ExpansionOption(
                id="sm_line2_build", name="Second Sm metal line (40 t/yr, assumed)", max_add_tpy=40, min_add_tpy=40,
                capex_musd_per_tpy=0.0, fixed_capex_musd=40.0, lead_time_years=1, earliest_decision_year=2026,
                sources=[derived("40 t/yr built whole for $40M, lead 1 year: assumed (a hedge for LCM, the only Sm "
                                 "metal maker)")],
                notes="A clearly assumed hedge for the N-1 stress test and the N-1-secure plan.")],
            notes="Concept only: offered so that a plan can hedge an outage of LCM (assumed figures)."),
    ]


def magnet_plants() -> list[Facility]:
    """NdFeB and SmCo magnet plants (t magnet per year). Recipes: models.vocab.default_recipe."""
    recipe_note = ("Recipe kept at the project default (0.365 t NdPr + 0.0235 t Dy + 0.0059 t Tb metal per t "
                   "magnet = ~31 % NdPr, 2 % Dy, 0.5 % Tb at an assumed 85 % material yield): no source gives a "
                   "plant yield (report gap 5).")
    return [
        fac("mp_ind_mag", "Independence magnet plant (Fort Worth)", "MP Materials", "US", "Texas (Fort Worth)",
            32.87, -97.32, S.MAGNET_NDFEB, ST.OPERATING, 1_000,
            [src("https://fortworthinc.com/news/mp-materials-restores-u-s-rare-earth-magnet-production-in-fo/",
                 "~1,000 t/yr NdFeB; first magnets on commercial equipment Q4 2025", "medium"),
             derived("online 2025, ramp 10 % / 50 % / 80 %")],
            online=2025, ramp=[0.1, 0.5, 0.8],
            options=[debottleneck("mp_ind_apple_lines", "Independence Apple recycled-magnet lines", 1_000, 0.06, 1,
                                  "'to be expanded with Apple lines'; $60,000 per t/yr (Neo Narva ~$54,000, "
                                  "JS Link ~$47,000)")],
            notes=recipe_note + " Offtakes GM, Apple ($500M)."),
        fac("mp_10x", "10X magnet campus (Northlake)", "MP Materials", "US", "Texas (Northlake)",
            33.08, -97.26, S.MAGNET_NDFEB, ST.PLANNED, 0,
            [src("https://investingnews.com/mp-materials-selects-northlake-texas-as-the-site-of-10x-a-new-u-s-rare-earth-magnet-manufacturing-campus/",
                 "site Feb 2026; commissioning from 2028; brings MP to ~10,000 t/yr total", "medium"),
             src("https://www.plantservices.com/industry-news/news/55361522/mp-materials-to-build-125-billion-rare-earth-magnet-expansion",
                 ">$1.25B investment; some outlets say 10X alone adds 10,000 t (UNCERTAIN)", "medium")],
            options=[build_option(
                "mp_10x_build", "10X magnet campus", 9_000, 0.80 * 1250, 2, [0.25, 0.5, 0.75],
                "9,000 t = ~10,000 t company total - 1,000 t Independence (secondaries say 7,000 or 10,000); "
                "80 % of >$1,250M to magnets. DoD buys 100 % of output for 10 years (not modelled as a cost).",
                [derived("9,000 t/yr = 10,000 - 1,000")])],
            notes=recipe_note),
        fac("usar_stillwater", "Stillwater magnet plant", "USA Rare Earth", "US", "Oklahoma (Stillwater)",
            36.12, -97.06, S.MAGNET_NDFEB, ST.CONSTRUCTION, 1_200,
            [src("https://minelistings.com/mine-news/usa-rare-earth-produces-first-batch-of-magnets-at-oklahoma-plant",
                 "Line 1a 1,200 t/yr; commissioning Q1 2026", "medium"),
             src("https://www.einpresswire.com/article/886608115/the-department-of-commerce-s-chips-program-announces-a-letter-of-intent-with-usa-rare-earth-to-accelerate-its-domestic-and-vertically-integrated",
                 "plan 10,000 t/yr magnets; CHIPS LOI $277M + $1.3B loan; $3.3B TX+OK capex", "medium"),
             derived("online 2026, ramp 25 % / 60 %")],
            online=2026, ramp=[0.25, 0.6],
            options=[debottleneck("usar_stillwater_to_10k", "Stillwater to 10,000 t", 8_800, 0.09, 2,
                                  "$90,000 per t/yr (Vulcan Benson $918M / 10,000 t)")],
            notes=recipe_note),
        fac("vulcan_benson", "Vulcan Elements magnet factory (Benson)", "Vulcan Elements", "US", "North Carolina (Benson)",
            35.38, -78.55, S.MAGNET_NDFEB, ST.PLANNED, 0,
            [src("https://www.prnewswire.com/news-releases/vulcan-elements-forges-1-4-billion-partnership-with-the-united-states-government-and-reelement-technologies-to-expand-100-vertically-integrated-domestic-magnet-supply-chain-302602878.html",
                 "$1.4B package: $620M OSC loan, $50M CHIPS, $550M private", "high"),
             src("https://energynews.oedigital.com/mineral-resources/2025/11/18/vulcan-elements-a-rare-earth-magnet-company-will-build-a-1-billion-north-carolina-facility",
                 "10,000 t/yr; 2027 initial ops (CEO) vs staff by 2029 (other report)", "medium")],
            options=[build_option(
                "vulcan_benson_build", "Benson magnet factory", 10_000, 0.80 * 918.1, 2, [0.2, 0.5, 0.8],
                "80 % of $918.1M (state figure) to magnets; first output 2028 (between the 2027 and 2029 claims).",
                [derived("capex split 80:20 magnets:metallization")])],
            notes=recipe_note),
        fac("vulcan_durham", "Vulcan Elements existing facility (Durham/RTP)", "Vulcan Elements", "US", "North Carolina",
            35.99, -78.90, S.MAGNET_NDFEB, ST.OPERATING, 50,
            [src("https://www.tectonicdefense.com/?p=1050", "operating at small scale (defense/commercial)", "low"),
             derived("50 t/yr assumed for 'small scale' (low)")],
            notes=recipe_note),
        fac("noveon_mag", "Noveon Magnetics (San Marcos)", "Noveon Magnetics", "US", "Texas (San Marcos)",
            29.88, -97.94, S.MAGNET_NDFEB, ST.OPERATING, 1_500,
            [src("https://noveon.co/noveon-jumpstart", "facility built for 2,000 t/yr; 10,000 t aspiration in 5-7 years", "medium"),
             derived("1,500 t/yr from new alloy = 2,000 t facility - ~500 t made from scrap (facility noveon_rec)")],
            options=[debottleneck("noveon_to_10k", "Noveon to 10,000 t", 8_000, 0.06, 2,
                                  "8,000 t = 10,000 t aspiration - 2,000 t; $60,000 per t/yr (as Independence)")],
            notes=recipe_note + " Capacity shared with magnet-to-magnet recycling (facility noveon_rec)."),
        fac("evac_sumter", "e-VAC Magnetics plant (Sumter)", "VAC Group", "US", "South Carolina (Sumter)",
            33.92, -80.34, S.MAGNET_NDFEB, ST.CONSTRUCTION, 1_500,
            [src("https://fastmarkets.com/insights/e-vac-to-build-rare-earth-magnet-plant-in-south-carolina",
                 "capex >$500M; DoD $94.1M; start late fall 2025 (not confirmed)", "medium"),
             derived("1,500 t/yr: capacity NOT disclosed (report gap 2); assumed (low); online 2026, ramp 30 % / 70 %")],
            online=2026, ramp=[0.3, 0.7], capex_musd_reported=506.0, notes=recipe_note),
        fac("neo_narva", "Neo Narva magnet plant", "Neo Performance Materials", "EE", "Ida-Viru (Narva)",
            59.38, 28.19, S.MAGNET_NDFEB, ST.OPERATING, 2_000,
            [src("https://www.automotiveworld.com/articles/neo-opens-estonia-rare-earth-plant-to-cut-eu-reliance-on-china/",
                 "2,000 t Phase 1 -> 5,000 t Phase 2; inaugurated Sep 2025", "medium"),
             derived("online 2025, ramp 10 % / 50 % / 90 %")],
            online=2025, ramp=[0.1, 0.5, 0.9],
            options=[build_option(
                "neo_narva_phase2", "Narva Phase 2", 3_000, 150 * EUR_USD, 2, [0.4, 0.8],
                f"~EUR250M total incl. Phase 2 minus EUR100M Phase 1 = EUR150M x {EUR_USD}.",
                [src("https://www.metalnomist.com/2025/12/neo-estonia-rare-earth-magnet-plant.html",
                     "~EUR250M total incl. Phase 2", "medium")])],
            notes=recipe_note),
        fac("js_link_kuantan", "JS Link - Lynas magnet plant (Kuantan)", "JS Link", "MY", "Pahang (Kuantan)",
            3.97, 103.38, S.MAGNET_NDFEB, ST.PLANNED, 0,
            [src("https://singaporeinsight.com/anwar-backs-rm600-million-super-magnet-plant-to-power-malaysias-rare-earth-ambitions",
                 "3,000 t/yr; RM600M; land bought late 2025", "medium")],
            options=[build_option(
                "js_link_build", "JS Link Kuantan", 3_000, 600 * MYR_USD, 2, [0.3, 0.7],
                f"RM600M x {MYR_USD} = US${600 * MYR_USD:.0f}M.", [derived("currency conversion")])],
            notes=recipe_note),
        fac("vac_hanau_ndfeb", "Vacuumschmelze Hanau (VACODYM NdFeB)", "VAC Group", "DE", "Hesse (Hanau)",
            50.13, 8.92, S.MAGNET_NDFEB, ST.OPERATING, 1_000,
            [src("https://magnethzxfco.de/news/ots-vacuumschmelze-gmbh-amp-co-kg-vacuumschmelze-vac-k",
                 "operating NdFeB producer; capacity not disclosed", "low"),
             derived("1,000 t/yr assumed (low); VAC also has plants in Slovakia, Finland, Malaysia and China "
                     "(only Hanau is modelled)")],
            notes=recipe_note),
        fac("permag_eec", "Electron Energy Corporation (Permag)", "Permag (Magnetic Holdings)", "US",
            "Pennsylvania (Landisville)", 40.09, -76.41, S.MAGNET_SMCO, ST.OPERATING, 100,
            [src("https://rareearthexchanges.com/?p=7253",
                 "only North American SmCo producer; committed to DFARS 252.225-7052 by 2027", "medium"),
             derived("100 t/yr assumed: capacity not disclosed (low)")],
            options=[debottleneck("permag_expand", "Permag SmCo expansion", 100, 0.10, 2,
                                  "$100,000 per t/yr assumed (no sourced SmCo capex)")],
            notes="Recipe: project default Sm2Co17 (0.294 t Sm + 0.588 t Co per t at 85 % yield; "
                  "Sm 23-28 %, Co 48-52 %, report 1a). Solvay Sm supply via LCM metallization."),
        fac("arnold_recoma", "Arnold Magnetic Technologies (RECOMA SmCo, Lupfig)", "Arnold Magnetic Technologies", "CH",
            "Aargau (Lupfig)", 47.44, 8.21, S.MAGNET_SMCO, ST.OPERATING, 150,
            [src("http://adahelper.com/12.html",
                 "SmCo production consolidated at Lupfig (2007); JV with GQD (Ganzhou, China) - UNVERIFIED", "low"),
             derived("150 t/yr assumed: capacity not disclosed (low)")],
            ownership_notes="UNCERTAIN: company history mentions a JV with GQD (Ganzhou, China) for SmCo raw "
                            "materials/blocks for Asia; current status unverified (report caution 7). Verify "
                            "before relying on Arnold for DFARS. Not flagged chinese_technology: no source says "
                            "the Lupfig plant uses Chinese process technology.",
            notes="Recipe: project default Sm2Co17."),
        fac("vac_hanau_smco", "Vacuumschmelze Hanau (VACOMAX SmCo)", "VAC Group", "DE", "Hesse (Hanau)",
            50.13, 8.92, S.MAGNET_SMCO, ST.OPERATING, 200,
            [src("https://pl.scribd.com/document/296711338/Vacodym-Vacomax-Pd002-2015-En", "VACOMAX SmCo magnets", "low"),
             derived("200 t/yr assumed: capacity not disclosed (low)")],
            notes="Recipe: project default Sm2Co17."),
    ]


def recyclers_and_cobalt() -> list[Facility]:
    """Recycling (t scrap per year) and cobalt refining (t Co per year)."""
    return [
        fac("cyclic_kingston", "Cyclic Materials Kingston Centre of Excellence", "Cyclic Materials", "CA",
            "Ontario (Kingston)", 44.23, -76.49, S.RECYCLING, ST.CONSTRUCTION, 500,
            [src("https://www.mining-technology.com/news/cyclic-materials-25m-rare-earth-recycling-centre-ontario",
                 "500 t/yr magnet-rich feedstock -> rMREO; $25M; operations Q1 2026", "medium"),
             derived("online 2026, ramp 50 %; recipe default 0.26 t NdPr + 0.012 Dy + 0.003 Tb oxide per t scrap "
                     "(~30 wt% RE in scrap)")],
            online=2026, ramp=[0.5], capex_musd_reported=25.0),
        fac("cyclic_mesa", "Cyclic Materials spoke (Mesa)", "Cyclic Materials", "US", "Arizona (Mesa)",
            33.42, -111.83, S.RECYCLING, ST.CONSTRUCTION, 500,
            [src("https://www.scrapinsight.com/2025/06/cyclic-materials-invests-25m-in-rare.html",
                 "dismantling/pre-processing spoke, early 2026, ~$20M", "medium"),
             derived("500 t/yr of magnet-rich material assumed (= Kingston hub); recovers scrap from end-of-life "
                     "products (no input material); opex $12,000/t includes buying end-of-life feed (derived)")],
            online=2026, ramp=[0.5], capex_musd_reported=20.0,
            recipe_inputs={}, recipe_outputs={Material.NDFEB_SCRAP: 1.0}, variable_opex_usd_per_t=12_000.0),
        fac("mp_recycling", "Mountain Pass magnet recycling line", "MP Materials", "US", "California",
            35.478, -115.532, S.RECYCLING, ST.PLANNED, 1_000,
            [src("https://www.nsenergybusiness.com/news/mp-materials-apple-sign-500m-deal-for-rare-earth-magnets/",
                 "recycling line for Apple ($500M), shipments from 2027", "medium"),
             derived("1,000 t scrap/yr assumed: not disclosed (low); online 2027, ramp 30 % / 70 %")],
            online=2027, ramp=[0.3, 0.7]),
        fac("noveon_rec", "Noveon magnet-to-magnet recycling (San Marcos)", "Noveon Magnetics", "US", "Texas (San Marcos)",
            29.88, -97.94, S.RECYCLING, ST.OPERATING, 500,
            [src("http://www.nims.go.jp/mmu/ESICMM-G8/abst_M-Zakotnik.html",
                 "97 at.% of waste magnet material used in the recycling route", "medium"),
             derived("500 t scrap/yr assumed share of the 2,000 t facility (low; noveon_mag has the other 1,500 t); "
                     "recipe 1 t scrap -> 0.97 t magnet")],
            recipe_inputs={Material.NDFEB_SCRAP: 1.0}, recipe_outputs={Material.NDFEB_MAGNET: 0.97},
            variable_opex_usd_per_t=15_000.0,
            notes="Magnet-to-magnet route (no oxide step); opex $15,000/t scrap derived. 10 U.S.C. 4872 exempts "
                  "recycled NdFeB milled and sintered in the US."),
        fac("sherritt_fs", "Sherritt Fort Saskatchewan refinery (Moa JV)", "Sherritt International", "CA",
            "Alberta (Fort Saskatchewan)", 53.71, -113.21, S.COBALT, ST.OPERATING, 3_400,
            [src("https://sherritt.com/investors/guidance", "3,300-3,600 t Co 2025 guidance (100 % JV basis)", "high"),
             derived("3,400 t = guidance midpoint (rounded down)")],
            ownership_notes="50/50 JV with a Cuban state partner; the ore is mined in Cuba. Cuba is not a "
                            "10 U.S.C. 4872 covered country, but US sanctions on Cuban-origin goods may bar US "
                            "defense buyers: check before relying on it."),
        fac("vale_lh", "Voisey's Bay / Long Harbour processing plant", "Vale Base Metals", "CA", "Newfoundland and Labrador",
            47.43, -53.82, S.COBALT, ST.OPERATING, 2_600,
            [src("https://energiminas.com/2024/12/04/niquel-cobre-y-cobalto-vale-concluye-expansion-de-mina-voiseys-bay",
                 "~2,600 t Co/yr after the underground expansion; full ramp H2 2026", "medium"),
             derived("online 2024, ramp 60 % / 70 % / 85 % (2026 at 85 %)")],
            online=2024, ramp=[0.6, 0.7, 0.85], capex_musd_reported=2940.0,
            notes="75 % of cobalt streamed to Wheaton / Ecora (a financial stream; the metal is still sold)."),
        fac("murrin_murrin", "Murrin Murrin", "Glencore (Minara)", "AU", "Western Australia (Leonora-Laverton)",
            -28.77, 121.89, S.COBALT, ST.OPERATING, 2_100,
            [src("https://www.australianmining.com.au/glencore-reduces-capacity-at-murrin-murrin/",
                 "2,100 t Co (2023); viability concerns 2024", "medium")],
            notes="~80 % of cobalt to BMW (2021 report)."),
    ]


# ----------------------------------------------------------------------------------------------
# Routes: one generator loop over producer/consumer pairs
# ----------------------------------------------------------------------------------------------

#: Concentrate goes to a mine's own or partner plants (sourced offtakes) and to merchant refiners.
CONCENTRATE_PARTNERS = {
    "mp_mine": ["mp_sep"],
    "mt_weld": ["kalgoorlie"],
    "eneabba_stock": ["eneabba_ref"],
    "yangibana": ["solvay_lr"],  # Solvay binding offtake
    "nolans_mine": ["nolans_sep"],
    "browns_range": ["eneabba_ref"],  # Iluka offtake
    "dubbo_mine": ["dubbo_sep"],
    "strange_lake": ["torngat_sep"],
    "donald": ["white_mesa"],
    "chemours_monazite": ["white_mesa"],
    "aclara_carina": ["aclara_la"],
}
#: Refiners that buy third-party concentrate (sources name third-party feed for each).
MERCHANT_REFINERS = ["white_mesa", "solvay_lr", "src_sep", "lynas_hre", "reelement_marion", "saudi_jv"]
#: KSM Korea is supplied from the Asia-Pacific (ASM's own chain): oxide routes to it only from these countries.
KSM_OXIDE_COUNTRIES = {"AU", "MY", "KR"}


def route_allowed(src_f: Facility, dst_f: Facility, material: Material) -> bool:
    """Which producer -> consumer links are plausible enough to offer the optimizer."""
    if material is Material.CONCENTRATE:
        return dst_f.id in CONCENTRATE_PARTNERS.get(src_f.id, []) or dst_f.id in MERCHANT_REFINERS
    if dst_f.id == "ksm_kmp" and material.value.endswith("_oxide"):
        return src_f.country in KSM_OXIDE_COUNTRIES
    return True


def build_routes(facilities: list[Facility]) -> list[Route]:
    """Every allowed (producer, consumer, material) link; cost left to the great-circle default."""
    routes = []
    for s in facilities:
        for d in facilities:
            if s.id == d.id:
                continue
            for material in sorted(producible(s) & consumable(d), key=lambda m: m.value):
                if route_allowed(s, d, material):
                    routes.append(Route(id=f"{s.id}--{d.id}--{material.value}", from_id=s.id, to_id=d.id,
                                        material=material, transport_usd_per_t=None))
    return routes


# ----------------------------------------------------------------------------------------------
# Markets, demand, platforms, scenarios
# ----------------------------------------------------------------------------------------------

def markets() -> list[Market]:
    """Import markets: China (covered) and clean cobalt and US scrap."""
    cn_ndpr = "https://rareearthexchanges.com/news/china-rare-earth-prices-dip-as-market-stalls-whats-really-going-on"
    smm_dec = ("https://news.metal.com/newscontent/103690800/Pr-Nd-Prices-Rose-Significantly-Medium-Heavy-Rare-Earth-"
               "in-the-Doldrums-[SMM-Rare-Earth-Weekly-Review]")
    return [
        Market(id="cn_ndpr_oxide", name="China NdPr oxide", material=Material.NDPR_OXIDE, origin_country="CN",
               price_usd_per_t=70_000.0, cap_tpy=5_000.0,
               sources=[src("https://stock-market.news/?p=3478", "~$60/kg Chinese benchmark Jul 2025", "medium"),
                        src(cn_ndpr, "RMB 600-608k/t ~ $83/kg Aug 2025 (SMM)", "medium"),
                        derived("$70/kg central 2026 estimate within the $60-85/kg range; Dec 2025 SMM RMB 593.5k/t "
                                "/ 1.13 VAT / 7.1 = ~$74/kg"),
                        derived("cap 5,000 t/yr: large, so the cost of decoupling is visible")]),
        Market(id="cn_ndpr_metal", name="China NdPr metal", material=Material.NDPR_METAL, origin_country="CN",
               price_usd_per_t=86_000.0, cap_tpy=3_000.0,
               sources=[src("https://www.fastmarkets.com/insights/light-rare-earth-prices-stabilize-heavy-rare-prices-fall-on-low-demand",
                            "Jun-Jul 2024: NdPr oxide $50-52/kg, metal $62-64/kg (ratio 1.23)", "medium"),
                        derived("$86/kg = $70/kg oxide x 1.23; a metal price of $65-75/kg would sit below the "
                                "oxide's metal equivalent ($70 / 0.85 / 0.97 = $85/kg) and let the model buy "
                                "metal cheaper than its own oxide")]),
        Market(id="cn_dy_oxide", name="China Dy oxide", material=Material.DY_OXIDE, origin_country="CN",
               price_usd_per_t=230_000.0, cap_tpy=300.0,
               sources=[src("https://www.adamasintel.com/the-fallacy-of-european-rare-earth-prices-and-the-pras-that-promote-them",
                            "~96 % of 2025 Dy oxide priced at avg $224/kg (volume-weighted)", "medium"),
                        derived("$230/kg rounded; European asks >$800/kg ignored (thin, report caution 9)")]),
        Market(id="cn_tb_oxide", name="China Tb oxide", material=Material.TB_OXIDE, origin_country="CN",
               price_usd_per_t=850_000.0, cap_tpy=80.0,
               sources=[src(smm_dec, "Tb oxide RMB 6.02-6.06M/t Dec 2025 (China, SMM)", "medium"),
                        derived("$850/kg: between SMM Dec 2025 ex-VAT ~$755/kg and Europe early Apr 2025 $930-1,000/kg")]),
        Market(id="cn_sm_oxide", name="China Sm oxide", material=Material.SM_OXIDE, origin_country="CN",
               price_usd_per_t=2_000.0, cap_tpy=500.0,
               sources=[derived("$2/kg: the sources are INCONSISTENT - SMM overseas FOB $870-930 per t (~$0.9/kg, "
                                "Dec 2025), China Southern RMB 12,000/t (~$1.7/kg, 2020-21) vs an aggregator's "
                                "$30-35/kg (low reliability); we use the two agency figures. Sm exports are "
                                "licensed since Apr 2025 (MOFCOM No. 18)")]),
        Market(id="cn_sm_metal", name="China Sm metal", material=Material.SM_METAL, origin_country="CN",
               price_usd_per_t=20_000.0, cap_tpy=300.0,
               sources=[derived("$20/kg: no sourced Sm metal price; oxide $2/kg / 0.862 plus ~$15-18/kg "
                                "metallothermic conversion (low)")]),
        Market(id="cn_ndfeb_magnet", name="China NdFeB magnets", material=Material.NDFEB_MAGNET, origin_country="CN",
               price_usd_per_t=54_000.0, cap_tpy=20_000.0,
               sources=[src("https://www.adamasintel.com/record-rare-earth-magnet-exports-from-china-in-2024/",
                            "2024 exports 58,152 t worth US$2.86B", "high"),
                        derived("$54/kg = 2024 export unit value $2.86B / 58,152 t = $49.2/kg, plus ~0.31 t NdPr x "
                                "~$15/kg NdPr price rise 2024 -> 2026 = +$4.7/kg")]),
        Market(id="cn_smco_magnet", name="China SmCo magnets", material=Material.SMCO_MAGNET, origin_country="CN",
               price_usd_per_t=90_000.0, cap_tpy=500.0,
               sources=[derived("$90/kg: no sourced price; ~0.5 t Co x $50/kg + 0.25 t Sm x $20/kg + processing "
                                "(low)")]),
        Market(id="cn_cobalt", name="China-refined cobalt", material=Material.COBALT, origin_country="CN",
               price_usd_per_t=50_000.0, cap_tpy=10_000.0,
               sources=[derived("$50/kg: 10 % below the ex-China price (derived); China refines most of the world's "
                                "cobalt, so this origin is covered")]),
        Market(id="world_cobalt", name="Cobalt, DRC-mined, refined outside China", material=Material.COBALT,
               origin_country="CD", price_usd_per_t=55_000.0, cap_tpy=3_000.0,
               sources=[src("https://www.metal.com/en/newscontent/103690771", "cobalt spot offers $25/lb Dec 2025", "medium"),
                        derived("$55/kg = $25/lb x 2,204.6")],
               notes="Origin CD: the Democratic Republic of the Congo is not a covered country under 10 U.S.C. 4872, "
                     "so this is clean material; it stands for DRC cobalt refined outside China (e.g. Finland, "
                     "Japan). DRC export quotas (96,600 t/yr 2026-27) justify the 3,000 t/yr cap for US buyers."),
        Market(id="us_ndfeb_scrap", name="US NdFeB scrap (swarf + end-of-life)", material=Material.NDFEB_SCRAP,
               origin_country="US", price_usd_per_t=15_000.0, cap_tpy=2_000.0,
               sources=[derived("$15/kg = ~30 wt% RE x $80/kg NdPr metal x ~60 % recovery value; cap 2,000 t/yr "
                                "assumed collectable in the US (low)")]),
    ]


YEARS = list(range(2026, 2036))


def demands() -> list[Demand]:
    """Explicit defense and commercial demand (t per year)."""
    adamas = src("https://www.adamasintel.com/rees-in-defense-commercially-insignificant-strategically-imperative",
                 "US defense uses 'tens-to-hundreds of tonnes of magnet rare earths per annum'", "medium")
    return [
        Demand(id="def_ndfeb_other", name="US defense NdFeB (other than modelled platforms)",
               product=Material.NDFEB_MAGNET, segment=Segment.DEFENSE,
               tonnes_by_year={y: round(300.0 * 1.03 ** (y - 2026), 1) for y in YEARS},
               sources=[adamas, derived("300 t/yr magnets in 2026, +3 %/yr: with the ~239 t/yr of platform NdFeB "
                                        "(197.6 F-35 + 14.9 DDG-51 + 26.4 SSN-774, RE content / 0.3165), ~539 t "
                                        "magnets x 0.3165 = ~171 t magnet REs, inside Adamas' tens-to-hundreds")]),
        Demand(id="def_smco", name="US defense SmCo (other than F-35)", product=Material.SMCO_MAGNET,
               segment=Segment.DEFENSE, tonnes_by_year={y: 100.0 for y in YEARS},
               sources=[src("https://rareearthexchanges.com/?p=124324", "DLA FY2025 plan: 60 t SmCo alloy", "medium"),
                        src("https://www.metalnomist.com/2025/09/energy-fuels-heavy-rare-earth-oxides.html",
                            "129 t Sm ~ 250 % of US demand -> ~50 t/yr US Sm demand (UNCERTAIN)", "low"),
                        derived("100 t/yr SmCo magnets ~ half of the ~200 t SmCo that 50 t Sm makes at 25 % Sm "
                                "(defense share assumed)")]),
        Demand(id="com_ndfeb_us", name="US commercial NdFeB magnet imports", product=Material.NDFEB_MAGNET,
               segment=Segment.COMMERCIAL,
               tonnes_by_year={y: round(7000.0 * 2 ** ((y - 2024) / 10), 0) for y in YEARS},
               sources=[src("https://rareearthexchanges.com/?p=10891", "US imports ~7,000 t/yr RE magnets (MP CEO)", "medium"),
                        src("https://www.thompsonhinesmartrade.com/2022/09/commerce-section-232-magnet-import-investigation-concludes-without-tariffs/",
                            "US magnet consumption 'will likely double in the next decade'", "medium"),
                        derived("7,000 t in 2024 doubling in 10 years: t = 7,000 x 2^((y - 2024)/10)")]),
    ]


def platforms() -> list[Platform]:
    """Defense platforms: build rates are our assumptions; RE content from CRS R41744 (converted to
    magnet mass, see content_note) and SmCo magnet mass from Lockheed."""
    crs = src("https://www.hitpages.com/doc/4512783609626624/9/",
              "CRS R41744: F-35 ~920 lb (417 kg), DDG-51 ~5,200 lb (2,359 kg), SSN-774 ~9,200 lb (4,173 kg) of REEs",
              "medium")
    content_note = ("The CRS figure is rare-earth content per unit (ndfeb_kg_basis = rare_earth), converted to "
                    "NdFeB magnet mass at 0.3165 t RE per t magnet (report 1a: Nd 29-32.5 % + Dy 0.6-1.2 %, "
                    "midpoints 30.75 + 0.9 = 31.65 %). All of it is assumed to sit in NdFeB magnets (derived; "
                    "overstates NdFeB where part is SmCo or other REs).")
    return [
        Platform(id="f35", name="F-35 Lightning II", units_by_year={y: 150.0 for y in YEARS},
                 ndfeb_kg_per_unit=417.0, ndfeb_kg_basis="rare_earth", smco_kg_per_unit=22.0,
                 sources=[crs, src("https://www.nzherald.co.nz/world/chinas-chokehold-on-an-obscure-mineral-threatens-the-wests-militaries/UOOHX6SN4VDNTNQ4TBZDZOQBIE",
                                   "~50 lb (22 kg) of samarium magnets per F-35 (Lockheed via NYT)", "medium"),
                          derived("150 aircraft/yr: assumed production rate (Lockheed's recent annual deliveries)")],
                 notes=content_note),
        Platform(id="ddg51", name="DDG-51 Arleigh Burke destroyer", units_by_year={y: 2.0 for y in YEARS},
                 ndfeb_kg_per_unit=2359.0, ndfeb_kg_basis="rare_earth",
                 sources=[crs, derived("2 ships/yr: assumed (multiyear procurement buys ~2 per year)")],
                 notes=content_note),
        Platform(id="ssn774", name="SSN-774 Virginia-class submarine", units_by_year={y: 2.0 for y in YEARS},
                 ndfeb_kg_per_unit=4173.0, ndfeb_kg_basis="rare_earth",
                 sources=[crs, derived("2 boats/yr: assumed (Navy's two-per-year procurement goal)")],
                 notes=content_note),
    ]


def scenarios() -> list[Scenario]:
    """The standard what-ifs (ids are used by tests and the CLI)."""
    not_operating = [ST.CONSTRUCTION, ST.COMMITTED, ST.PLANNED, ST.CONCEPT]
    return [
        Scenario(id="base", name="Base case", description="The project as entered (no overrides)."),
        Scenario(id="china_cut", name="China cut-off",
                 description="No Chinese supply of any material (all CN-origin market caps x 0); China's licence "
                             "rule reaches content from 2026 (no material of Chinese origin or technology reaches "
                             "US defense by any path, through allied plants too); allied buyers compete for clean "
                             "supply (outside buyers' caps and prices x 1.5).",
                 overrides=[MarketCapOverride(origin_countries=["CN"], factor=0.0),
                            SalesOverride(cap_factor=1.5, price_factor=1.5)],
                 licence_year=2026),
        Scenario(id="delays", name="Project delays +2 years",
                 description="Every facility not yet operating starts 2 years later; options are decided 2 years later.",
                 overrides=[DelayOverride(where=FacilityFilter(statuses=not_operating), years=2)]),
        Scenario(id="demand_surge", name="Defense demand x2",
                 description="Defense demand (explicit and platforms) doubles.",
                 overrides=[DemandOverride(segment=Segment.DEFENSE, factor=2.0)]),
        Scenario(id="capex_overrun", name="Capex +30 %",
                 description="All expansion options cost 30 % more.",
                 overrides=[CapexOverride(factor=1.3)]),
        Scenario(id="policy", name="Policy design, $1B/yr",
                 description="Policy mode: the optimizer funds the viability gap of non-viable greenfield magnet "
                             "plants and chooses the tonnage of the DoD NdPr floor and of the 10X offtake (dropped "
                             "as inputs, offered as candidates) within a government budget of $1,000M per year; "
                             "defense shortfall first, then cost to government, then total cost.",
                 overrides=[PolicyOverride(enabled=True, government_budget_musd_per_year=1000.0,
                                           drop_lever_ids=["dod_mp_ndpr_floor", "mp_ppa_ndpr", "dod_10x_offtake"])]),
    ]


QUALIFICATION_NOTE = (
    "Defense qualification: magnet plants serve defense demand 2 years after first output (ASSUMED: the "
    "reference gives no qualification times; suppliers are typically qualified over one to two years or "
    "more, we take the upper end). Plants online before 2026 are taken as qualified; upstream stages carry "
    "no lag in the model (the magnet plant's qualification stands for its supply chain)."
)


#: Funding as reported (facilities.csv "funding" column, abridged), appended to facility notes.
FUNDING = {
    "mp_mine": "DoD $400M convertible preferred + warrants (Jul 2025, ~15 % stake).",
    "mp_sep": "DoD price protection: $110/kg NdPr floor for 10 years from Q4 2025 ($51M PPA income Q4 2025); "
              "DoD $150M loan for heavy RE separation; DPA Title III $35M (2022).",
    "mt_weld": "JARE (Sojitz/JOGMEC) A$200M (2023); MMI grant A$20M.",
    "kalgoorlie": "Lynas-funded.",
    "lamp": "Self-funded heavy circuit (~$25M); JARE rights to up to 65 % of Mt Weld DyTb.",
    "eneabba_ref": "A$1.65B non-recourse loan (Critical Minerals Facility via EFA); A$150M overrun facility; "
                   "Iluka A$214M equity.",
    "nolans_mine": "A$840M debt (EFA + NAIF); NRFC A$200M convertible notes; EFA up to US$100M equity (Oct 2025); "
                   "MMI A$30M grant; Euler Hermes US$600M provisional guarantee.",
    "dubbo_mine": "EDC LoI up to A$400M; EFA A$200M letter of support; US EXIM LoI US$600M.",
    "yangibana": "NAIF loan A$140-220M; EFA letter of support up to A$100M.",
    "browns_range": "Iluka offtake + equity/convertible note; US EXIM letters reported (unverified).",
    "strange_lake": "EDC C$110M bridge loan + CIB C$55M (Jun 2025); NRCan CMIF up to C$10M; Cerberus US$50M.",
    "ksm_kmp": "~US$60M invested; A$55M raised 2025 for Phase 2.",
    "white_mesa": "Feed from Chemours monazite; MOU with Vulcan Elements (Aug 2025).",
    "ucore_lsmc": "DoD DPA Title III $22.4M; Louisiana ~$15M incentives.",
    "aclara_la": "Louisiana $46.4M incentives; alloy JV to supply VAC Sumter.",
    "src_sep": "Saskatchewan C$71M; federal ~C$30M.",
    "reelement_nob": "DoD ~$2M award.",
    "reelement_marion": "DoW Office of Strategic Capital $80M direct loan (Nov 2025) + warrants.",
    "mp_ind_mag": "DOE 48C tax credit $58.5M; offtakes GM, Apple ($500M).",
    "mp_10x": "DoD 10-year offtake of 100 % of output, >= $140M/yr EBITDA guarantee; $1.0B JPMorgan/Goldman "
              "financing; ~$200M state/local incentives.",
    "usar_stillwater": "Commerce CHIPS LOI (non-binding) $277M + $1.3B loan; $1.5B PIPE; $7M local incentives.",
    "vulcan_benson": "$1.4B: OSC $620M loan, CHIPS $50M equity, $550M private; NC up to $25.2M + local $95M.",
    "vulcan_durham": "$65M Series A (Aug 2025).",
    "noveon_mag": "DoD >$35M; $75M Series B; Nidec offtake 1,000 t over 5 years.",
    "evac_sumter": "DoD $94.1M; DOE 48C $111.8M; South Carolina $15M; GM supply agreement.",
    "neo_narva": "EU Just Transition Fund EUR18.75M; Bosch contract.",
    "lcm": "DLA samarium awards (per USAR); Solvay Sm supply agreement (2025).",
    "cyclic_kingston": "NRCan C$4.9M; Solvay offtake (2024).",
    "mp_recycling": "Apple $500M multiyear commitment.",
    "permag_eec": "Solvay samarium supply agreement (2025).",
}


#: Reported project capex in US$M (information only; the optimizer uses the options' capex). An
#: integrated project's total sits on one facility only, so a sum over facilities does not double count.
CAPEX_REPORTED_MUSD = {
    "mp_10x": 1250.0,  # ">$1.25B" (10X magnets + metal)
    "vulcan_benson": 918.1,  # state figure (magnets + metallization)
    "nolans_mine": round(1590 * AUD_USD, 1),  # integrated mine + refinery
    "dubbo_mine": round(1678 * AUD_USD, 1),  # integrated mine + refinery
    "browns_range": round(592 * AUD_USD, 1),
    "strange_lake": round(1800 * CAD_USD, 1),  # mine + Sept-Iles refinery, C$1.6-2.0B midpoint
    "aclara_la": 277.0,
    "lynas_hre": round(180 * AUD_USD, 1),
    "js_link_kuantan": round(600 * MYR_USD, 1),
    "neo_narva": round(100 * EUR_USD, 1),  # Phase 1 (EUR81.25M Neo + EUR18.75M JTF)
    "ksm_kmp": 60.0,
}


def with_funding(facilities: list[Facility]) -> list[Facility]:
    """Append the reported funding to notes and set reported capex (text/information, not model inputs)."""
    for f in facilities:
        if f.id in FUNDING:
            f.notes = (f.notes + " " if f.notes else "") + "Funding: " + FUNDING[f.id]
        if f.id in CAPEX_REPORTED_MUSD:
            f.capex_musd_reported = CAPEX_REPORTED_MUSD[f.id]
    return facilities


# ----------------------------------------------------------------------------------------------
# Ramp-up (availability) risk (issue 11): Monte Carlo only; plans use the capacity schedule.
# Per year: triangular (low, mode, high) share of the scheduled existing capacity actually available,
# for the plants the sources call ramping. Each low/mode/high is sourced or marked "assumption".
# ----------------------------------------------------------------------------------------------
MARKETSCREENER_MP = ("https://www.marketscreener.com/quote/stock/MP-MATERIALS-CORP-108730348/news/MP-Materials-"
                     "Restores-U-S-Rare-Earth-Magnet-Production-48837729/")
RAMP_RISK: dict[str, tuple[dict[int, tuple[float, float, float]], list[Source]]] = {
    "mp_sep": ({2026: (0.65, 0.9, 1.0), 2027: (0.8, 0.95, 1.0)}, [
        src("https://investingnews.com/mp-materials-reports-fourth-quarter-and-full-year-2025-results/",
            "2,599 t NdPr oxide in 2025 against a ~4,000 t/yr exit run-rate (the modelled capacity)", "high"),
        derived("availability risk 2026 low 0.65 = 2,599 / 4,000 (a 2026 no better than 2025's average); "
                "mode 0.9 and high 1.0: assumption; 2027 (0.8, 0.95, 1.0): assumption")]),
    "kalgoorlie": ({2026: (0.6, 0.9, 1.0), 2027: (0.8, 0.95, 1.0)}, [
        src("https://seaisi.org/details/25722?type=news-rooms", "operating, ramp-up below nameplate in FY25", "medium"),
        derived("availability risk on the 85 % (2026) / 100 % (2027) schedule: 2026 (0.6, 0.9, 1.0), "
                "2027 (0.8, 0.95, 1.0): assumption")]),
    "mp_metal": ({2026: (0.6, 0.85, 1.0), 2027: (0.8, 0.95, 1.0)}, [
        src(MARKETSCREENER_MP, "Independence: operating/ramping; NdPr metal commercial since Jan 2025", "medium"),
        derived("availability risk 2026 (0.6, 0.85, 1.0), 2027 (0.8, 0.95, 1.0): assumption")]),
    "mp_ind_mag": ({2026: (0.5, 0.8, 1.0), 2027: (0.6, 0.9, 1.0)}, [
        src("https://fortworthinc.com/news/mp-materials-restores-u-s-rare-earth-magnet-production-in-fo/",
            "first magnets on commercial equipment Q4 2025; automotive PPAP underway (ramping)", "medium"),
        derived("availability risk on the 50 % (2026) / 80 % (2027) schedule: 2026 (0.5, 0.8, 1.0), "
                "2027 (0.6, 0.9, 1.0): assumption")]),
    "neo_narva": ({2026: (0.5, 0.8, 1.0), 2027: (0.7, 0.9, 1.0)}, [
        src("https://www.automotiveworld.com/articles/neo-opens-estonia-rare-earth-plant-to-cut-eu-reliance-on-china/",
            "inaugurated Sep 2025; commercial ramp 2026", "medium"),
        derived("availability risk on the 50 % (2026) / 90 % (2027) schedule: 2026 (0.5, 0.8, 1.0), "
                "2027 (0.7, 0.9, 1.0): assumption")]),
}


# ----------------------------------------------------------------------------------------------
# Risk catalogue (issue 21): the disruptions a Monte Carlo run draws. Rates are ASSUMED unless a
# source is cited; the licence regime's states are the ones the domain report describes (3b).
# ----------------------------------------------------------------------------------------------
LICENCE_SOURCE = ("domain_report.md 3b: MOFCOM No. 18 (Apr 2025: Sm, Gd, Tb, Dy, Lu, Sc, Y licensed) stays in force; "
                  "Nos. 55-62 (incl. No. 61, the 0.1 % de minimis rule) suspended until 10 Nov 2026 (No. 70); "
                  "military end users face presumptive denial. State probabilities: assumed")


def risk_catalogue():
    """Outages per stage (assumed), LCM's own rate (assumed), export stops of the allied countries
    with a plant in the chain (assumed), China's licence regime from 2027 (states sourced,
    probabilities assumed), defense demand surges (assumed), slips of new circuits, ramp-ups and
    magnet qualification (due dates sourced where a source gives them, probabilities and lengths
    assumed). Window 2026-2028."""
    from models.risk_catalogue import (
        DemandSurge,
        Duration,
        ExportStop,
        ExtraYears,
        FacilityOutage,
        FacilitySlips,
        LicenceRegime,
        LicenceState,
        MarketCap,
        OutageRate,
        RiskCatalogue,
        Slip,
        SlipRates,
    )

    one_or_two = Duration(years=[1, 2], probabilities=[0.7, 0.3])
    late, a_year = ExtraYears(years=[1, 2], probabilities=[0.7, 0.3]), ExtraYears(years=[1], probabilities=[1.0])
    assumed = "assumed"
    heavy = [Material.SM_OXIDE, Material.SM_METAL, Material.DY_OXIDE, Material.TB_OXIDE, Material.SMCO_MAGNET]
    own = [
        FacilitySlips(facility_id="mp_sep", circuit=Slip(
            probability=0.25, extra_years=a_year,
            source="https://www.stocktitan.net/sec-filings/MP/10-q-mp-materials-corp-de-quarterly-earnings-report-"
                   "16dafd0f3557.html: heavy circuit under construction, commissioning mid-2026, Dy/Tb output "
                   "late 2026 (due 2027 in the model); probability and length of a slip assumed")),
        FacilitySlips(facility_id="white_mesa", circuit=Slip(
            probability=0.5, extra_years=late,
            source="https://crweworld.com/article/news-provided-by-pr-newswire/3700873/ (facilities.csv): the "
                   "heavy circuit is a pilot (first kg of Dy Aug 2025, ~29 kg by Dec 2025) against a Q4 2026 "
                   "commercial target (due 2027 in the model); probability and length of a slip assumed")),
        FacilitySlips(facility_id="mp_ind_mag", qualification=Slip(
            probability=0.3, extra_years=a_year,
            source="https://fortworthinc.com/news/mp-materials-restores-u-s-rare-earth-magnet-production-in-fo/ "
                   "(facilities.csv): first magnets on commercial equipment Q4 2025, automotive PPAP underway "
                   "(defense-qualified from 2027 in the model: 2025 + the 2-year lag); probability assumed")),
    ]
    # plants whose slow ramp is already drawn as availability_risk (RAMP_RISK) get no ramp-up slip on top
    no_ramp = Slip(probability=0.0, source="assumed: its slow ramp is drawn as availability_risk (RAMP_RISK), "
                                           "not again as a slip")
    by_id = {f.facility_id: f for f in own}
    for fid in sorted(RAMP_RISK):
        by_id[fid] = (by_id[fid].model_copy(update={"ramp_up": no_ramp}) if fid in by_id
                      else FacilitySlips(facility_id=fid, ramp_up=no_ramp))
    slips = list(by_id.values())
    return RiskCatalogue(
        first_year=2026, last_year=2028,
        outage_by_stage={
            S.MINE: OutageRate(annual_probability=0.03, duration=one_or_two, source=assumed),
            S.CRACKING: OutageRate(annual_probability=0.05, duration=one_or_two, source=assumed),
            S.SEPARATION: OutageRate(annual_probability=0.05, duration=one_or_two, source=assumed),
            S.METAL: OutageRate(annual_probability=0.05, duration=one_or_two, source=assumed),
            S.MAGNET_NDFEB: OutageRate(annual_probability=0.04, duration=one_or_two, source=assumed),
            S.MAGNET_SMCO: OutageRate(annual_probability=0.04, duration=one_or_two, source=assumed),
            S.RECYCLING: OutageRate(annual_probability=0.05, duration=one_or_two, source=assumed),
            S.COBALT: OutageRate(annual_probability=0.03, duration=one_or_two, source=assumed),
        },
        facility_outages=[FacilityOutage(
            facility_id="lcm", annual_probability=0.10, duration=Duration(years=[1, 2], probabilities=[0.5, 0.5]),
            source="assumed: one site, two electrolysis cells, the only Sm metal maker in the chain (~27 % over "
                   "2026-2028)")],
        export_stops=[ExportStop(country=c, annual_probability=0.01, duration=one_or_two, source=assumed)
                      for c in ("AU", "BR", "CA", "DE", "EE", "FR", "GB", "KR", "MY")],
        licence_regime=LicenceRegime(
            from_year=2027, source=LICENCE_SOURCE,
            states=[
                LicenceState(id="strict", name="No. 61 reinstated: every Chinese RE item denied",
                             probability=0.3, caps=[MarketCap(origin_country="CN", cap_tpy=0.0)]),
                LicenceState(id="case_by_case", name="No. 18 only: Sm, Dy, Tb items denied, light REs sold",
                             probability=0.5, caps=[MarketCap(origin_country="CN", material=m, cap_tpy=0.0)
                                                     for m in heavy]),
                LicenceState(id="open", name="licences granted to commercial buyers", probability=0.2, caps=[]),
            ]),
        demand_surges=[
            DemandSurge(id="ndfeb_surge", product=Material.NDFEB_MAGNET, annual_probability=0.05, duration=one_or_two,
                        low=1.1, mode=1.3, high=1.8, source=assumed),
            DemandSurge(id="smco_surge", product=Material.SMCO_MAGNET, annual_probability=0.05, duration=one_or_two,
                        low=1.1, mode=1.3, high=1.8, source=assumed),
        ],
        # slips (models.slips): a new circuit, a ramp-up or a magnet line's defense qualification due in
        # 2026-2028 comes 1-2 years late. Stage defaults assumed; the heavy circuits due 2027 at MP and
        # White Mesa and MP's magnet qualification cite what their due dates rest on (``own`` above).
        slips_by_stage={
            S.SEPARATION: SlipRates(circuit=Slip(probability=0.3, extra_years=late, source=assumed),
                                    ramp_up=Slip(probability=0.3, extra_years=late, source=assumed)),
            S.METAL: SlipRates(ramp_up=Slip(probability=0.3, extra_years=late, source=assumed)),
            S.MAGNET_NDFEB: SlipRates(ramp_up=Slip(probability=0.3, extra_years=late, source=assumed),
                                      qualification=Slip(probability=0.2, extra_years=a_year, source=assumed)),
            S.MAGNET_SMCO: SlipRates(ramp_up=Slip(probability=0.3, extra_years=late, source=assumed),
                                     qualification=Slip(probability=0.2, extra_years=a_year, source=assumed)),
            S.RECYCLING: SlipRates(ramp_up=Slip(probability=0.3, extra_years=late, source=assumed)),
        },
        facility_slips=slips,
        notes="Every rate is an assumption for illustration except where a source is cited; edit them per study.",
    )


def with_ramp_risk(facilities: list[Facility]) -> list[Facility]:
    """Set availability_risk (and its sources) on the ramping plants of RAMP_RISK."""
    known = {f.id for f in facilities}
    assert set(RAMP_RISK) <= known, f"RAMP_RISK names unknown facilities: {set(RAMP_RISK) - known}"
    for f in facilities:
        if f.id in RAMP_RISK:
            by_year, sources = RAMP_RISK[f.id]
            f.availability_risk = {y: AvailabilityDistribution(low=a, mode=b, high=c) for y, (a, b, c) in by_year.items()}
            f.sources = f.sources + sources
    return facilities


# ----------------------------------------------------------------------------------------------
# Contracts and policy levers (issue 10). Kept in one block so other edits merge cleanly.
# Transfers (price floor, grants, loans, offtake payments) do not change the system-cost plan;
# the volume commitments (offtakes, DLA purchases, China's licensing) do.
# ----------------------------------------------------------------------------------------------
MP_DEAL = ("https://www.projectblue.com/blue/news-analysis/1257/mp-materials-and-the-us-department-of-defence-"
           "partner-to-expand-the-us-rare-earth-and-magnet-industry")
MP_10Q = "https://www.stocktitan.net/sec-filings/MP/10-q-mp-materials-corp-de-quarterly-earnings-report-16dafd0f3557.html"
MP_10X = "https://www.nsenergybusiness.com/news/mp-materials-dod-partner-to-build-us-rare-earth-magnet-supply-chain/"
MP_FY25 = "https://investingnews.com/mp-materials-reports-fourth-quarter-and-full-year-2025-results/"
APPLE = "https://www.nsenergybusiness.com/news/mp-materials-apple-sign-500m-deal-for-rare-earth-magnets/"
VULCAN = ("https://www.prnewswire.com/news-releases/vulcan-elements-forges-1-4-billion-partnership-with-the-united-"
          "states-government-and-reelement-technologies-to-expand-100-vertically-integrated-domestic-magnet-supply-"
          "chain-302602878.html")
TEXAS = ("https://www.einpresswire.com/article/895870555/governor-abbott-announces-mp-materials-rare-earth-magnet-"
         "manufacturing-expansion-in-northlake")
USAR = ("https://www.einpresswire.com/article/886608115/the-department-of-commerce-s-chips-program-announces-a-letter-"
        "of-intent-with-usa-rare-earth-to-accelerate-its-domestic-and-vertically-integrated")
DLA = "https://rareearthexchanges.com/?p=124324"
MOFCOM_18 = "https://hklaw.com/en/insights/publications/2025/04/china-imposes-export-controls-on-medium-and-heavy-rare-earth-materials"
MOFCOM_61 = "http://www.sscollege.cn/en/news/44800.html"
LOAN_RATE = 0.045  # OSC/DoD loan rates are not disclosed: ~US Treasury 10-year yield (derived assumption)
TENX_RAMP = {2028: 0.25, 2029: 0.5, 2030: 0.75}
# Policy mode's viability test for greenfield NdFeB plants (derived): a Western magnet sells at the
# Chinese price ($54/kg, market cn_ndfeb_magnet) but costs $30/kg processing (STAGE_OPEX) + 0.365 t
# NdPr metal x $86/kg (market cn_ndpr_metal) = $61.4/kg: margin -$7,390/t, so industry alone would
# not build them; the government must fund their whole capex (the viability gap) in policy mode.
WESTERN_MAGNET_MARGIN = 54_000.0 - (30_000.0 + 0.365 * 86_000.0)  # the mp_10x_build option's ramp-up (online 2028)


# Policy mode's viability test for operating MP separation (derived from the model's own costs, no
# source gives MP's unit cost): per t TREO the mine + separation cost $3,000 + $5,000 (STAGE_OPEX) and
# yield 0.157 x 0.9 = 0.1413 t NdPr oxide, so NdPr costs 8,000 / 0.1413 = $56,617/t against the
# $70,000/t benchmark (co-products ignored): margin +$13,383/t, viable without the floor.
MP_SEP_MARGIN = round(70_000.0 - (3_000.0 + 5_000.0) / (0.157 * 0.9))


def levers() -> Levers:
    """The real contracts and levers of 2025-26, each with its source (see domain_report.md section A2)."""
    years = dict(first_year=2026, last_year=2035)
    return Levers(
        price_floors=[PriceFloor(
            id="dod_mp_ndpr_floor", name="DoD price floor on MP's NdPr ($110/kg, 10 years)",
            facility_id="mp_sep", material=Material.NDPR_OXIDE, floor_usd_per_t=110_000.0,
            benchmark_usd_per_t_by_year={2026: 70_000.0}, **years,
            sources=[src(MP_DEAL, "10-year $110/kg floor on MP's NdPr sold or stockpiled from Q4 2025; DoD pays the "
                                  "difference to the benchmark", "high"),
                     src("https://stock-market.news/?p=3478", "floor 'nearly double' the ~$60/kg Chinese benchmark", "medium"),
                     derived("benchmark $70/kg flat = the model's China NdPr oxide price (market cn_ndpr_oxide); "
                             "Q4 2025 PPA income $51M on ~1,000 t is ~$50/kg top-up, the same order")])],
        offtakes=[
            Offtake(id="mp_ppa_ndpr", name="MP NdPr output under the price-protection agreement",
                    facility_id="mp_sep", material=Material.NDPR_OXIDE, buyer="industry", min_tpy=2_599.0,
                    price_usd_per_t=70_000.0, first_year=2026, last_year=2035,
                    sources=[src(MP_DEAL, "the floor covers NdPr 'sold or stockpiled', so all output earns $110/kg", "high"),
                             src(MP_FY25, "FY2025: 2,599 t NdPr oxide; exit run-rate ~4,000 t/yr", "high"),
                             derived("volume commitment: MP keeps separating at least its FY2025 output (2,599 t/yr), "
                                     "shipped to US metal plants; its buyers pay the $70/kg benchmark and the DoD the "
                                     "top-up to $110/kg (the price-floor line)")],
                    notes="Our reading of the PPA as a volume commitment: a floor on every tonne sold or stockpiled "
                          "makes the FY2025 output bankable, so the model may not idle Mountain Pass. From 2026 "
                          "(the PPA began Oct 2025): oxide sold to outside buyers counts as taken."),
            Offtake(id="dod_10x_offtake", name="DoD 10-year offtake of 100 % of 10X output",
                    facility_id="mp_10x", material=Material.NDFEB_MAGNET, buyer="industry",
                    min_tpy=9_000.0, min_tpy_by_year={y: 9_000.0 * share for y, share in TENX_RAMP.items()},
                    price_usd_per_t=75_000.0, first_year=2028, last_year=2035,
                    sources=[src(MP_10X, "DoD guarantees 100 % of 10X output is bought for 10 years (DoD or commercial "
                                         "customers); commissioning from 2028", "high"),
                             src(MP_10Q, ">= $140M annual EBITDA after ramp, cost-plus pricing", "high"),
                             derived("minimum = the 10X option's output with its ramp-up (25/50/75 % in 2028-30, "
                                     "then 9,000 t/yr); price $75/kg = ~$55/kg cost + $140M / 7,000 t margin")],
                    notes="The DoD is buyer of last resort: it pays only for tonnes commercial customers do not take. "
                          "In the plan the output goes to US demand, so the payment is booked to industry; put "
                          "buyer = government to book it to the DoD."),
            Offtake(id="apple_recycled", name="Apple recycled-magnet commitment ($500M)",
                    facility_id="mp_ind_mag", material=Material.NDFEB_MAGNET, segment=Segment.COMMERCIAL,
                    buyer="industry", min_tpy=1_000.0, min_tpy_by_year={2027: 500.0},
                    price_usd_per_t=100_000.0, first_year=2027, last_year=2031, recycled_feed=True,
                    sources=[src(APPLE, "$500M multiyear commitment for magnets from 100 % recycled feed at "
                                        "Independence; shipments from 2027", "high"),
                             derived("500 t in 2027 then 1,000 t/yr to 2031 at $100/kg = $450M ~ $500M (low); "
                                     "only magnets made from recycled feed count (traced by mass balance from "
                                     "the recycling facilities)")]),
        ],
        grants=[
            Grant(id="texas_10x", name="Texas Enterprise Fund + Semiconductor Innovation Fund grants to 10X",
                  option_id="mp_10x_build", amount_musd=66.34,
                  sources=[src(TEXAS, "TEF $12.88M + TSIF $53.46M = $66.34M", "high")]),
            Grant(id="chips_usar", name="Commerce CHIPS direct funding to USA Rare Earth (LOI, non-binding)",
                  option_id="usar_stillwater_to_10k", share=0.35,
                  sources=[src(USAR, "$277M direct funding + $1.3B loan (15-year); LOI non-binding", "medium"),
                           derived("share 0.35 = $277M / $792M (the option's 8,800 t/yr x $0.09M)")]),
        ],
        loans=[
            Loan(id="osc_vulcan", name="OSC direct loan to Vulcan Elements", option_id="vulcan_benson_build",
                 amount_musd=620.0, rate=LOAN_RATE, term_years=15,
                 sources=[src(VULCAN, "$620M Office of Strategic Capital direct loan (Nov 2025)", "high"),
                          derived("rate 4.5 % and 15-year term assumed (not disclosed)")]),
            Loan(id="osc_reelement", name="OSC direct loan to ReElement (Marion)", facility_id="reelement_marion",
                 amount_musd=80.0, rate=LOAN_RATE, term_years=15, year=2026,
                 sources=[src(VULCAN, "$80M OSC direct loan to ReElement (Nov 2025)", "high"),
                          derived("drawn 2026; rate 4.5 % and 15-year term assumed (not disclosed)")]),
            Loan(id="dod_mp_heavy", name="DoD 'Samarium Project Loan' for heavy-RE separation at Mountain Pass",
                 facility_id="mp_sep", amount_musd=150.0, rate=LOAN_RATE, term_years=10, year=2026,
                 sources=[src(MP_10Q, "$150M DoD loan for heavy rare earth separation", "high"),
                          derived("drawn 2026; rate 4.5 % and 10-year term assumed (not disclosed)")]),
        ],
        import_licences=[ImportLicence(
            id="cn_defense_denied", name="China: licences presumptively denied to military end users",
            origin_country="CN", segment=Segment.DEFENSE, cap_tpy=0.0, **years,
            sources=[src(MOFCOM_18, "MOFCOM No. 18 (Apr 2025): licensing of Sm, Gd, Tb, Dy, Lu, Sc, Y incl. SmCo "
                                    "magnets; in force", "high"),
                     src(MOFCOM_61, "No. 61: military end users face presumptive denial (suspended to Nov 2026 by "
                                    "No. 70, No. 18 stays)", "medium"),
                     derived("defense buyers get no licence (cap 0 t); commercial buyers stay licensed (no cap)")])],
        policy=PolicyMode(
            enabled=False, hurdle_rate=0.10, utilisation=0.8,
            option_margins_usd_per_t={oid: WESTERN_MAGNET_MARGIN for oid in
                                      ("mp_10x_build", "vulcan_benson_build", "js_link_build", "neo_narva_phase2")},
            facility_margins_usd_per_t={"mp_sep": MP_SEP_MARGIN, "mp_10x": WESTERN_MAGNET_MARGIN},
            candidate_floors=[CandidateFloor(
                id="cand_mp_ndpr_floor", name="Candidate: DoD $110/kg floor on MP's NdPr (tonnage chosen)",
                facility_id="mp_sep", material=Material.NDPR_OXIDE, floor_usd_per_t=110_000.0,
                benchmark_usd_per_t_by_year={2026: 70_000.0}, **years,
                sources=[src(MP_DEAL, "10-year $110/kg floor on MP's NdPr sold or stockpiled", "high"),
                         derived("benchmark $70/kg = the model's China NdPr oxide price; as a decision the "
                                 "policy scenario chooses how many tonnes the floor covers")])],
            candidate_offtakes=[GuaranteedOfftake(
                id="cand_dod_10x", name="Candidate: DoD guaranteed offtake of 10X magnets (tonnage chosen)",
                facility_id="mp_10x", material=Material.NDFEB_MAGNET, price_usd_per_t=75_000.0,
                benchmark_usd_per_t_by_year={2026: 54_000.0}, max_tpy=9_000.0, first_year=2028, last_year=2035,
                sources=[src(MP_10X, "DoD guarantees 100 % of 10X output is bought for 10 years; from 2028", "high"),
                         derived("price $75/kg as in the input offtake (cost + $140M EBITDA / 7,000 t); benchmark "
                                 "$54/kg = the model's China NdFeB price; max 9,000 t/yr = the 10X option")])],
        ),
        stockpiles=[GovStockpile(
            id="dla_smco", name="DLA SmCo stockpile (FY2025 Annual Materials Plan)", material=Material.SMCO_MAGNET,
            capacity_t=200.0, holding_usd_per_t_yr=500.0, purchase_price_usd_per_t=120_000.0,
            committed_t_by_year={2026: 60.0},
            sources=[src(DLA, "DLA FY2025 Annual Materials Plan includes 60 t of SmCo alloy", "medium"),
                     derived("held as SmCo magnet tonnes (the model has no alloy stage); bought 2026; $120/kg clean "
                             "price and $500/t/yr holding assumed; capacity 200 t assumed")])],
    )


# ----------------------------------------------------------------------------------------------
# Outside buyers and reported output (issue 22). Kept in one block so other edits merge cleanly.
# Plants sell to buyers outside the plan when it pays (planner/model/sales.py); contracted volumes
# are reserved and never reach US demand. Reported output calibrates the plan's first year.
# ----------------------------------------------------------------------------------------------
JARE = "https://mining.com/web/lynas-gets-134-million-funding-from-japan-to-boost-output"
NARVA = "https://www.automotiveworld.com/articles/neo-opens-estonia-rare-earth-plant-to-cut-eu-reliance-on-china/"
NOVEON_DEAL = "https://noveon.co/san-antonio-deal"
COBALT_SPOT = "https://www.metal.com/en/newscontent/103690771"
LYNAS_FY25 = "https://firmsworld.com/?p=17590"
#: $/t NdPr oxide outside China, 2026: the model's China benchmark (market cn_ndpr_oxide, derived there)
NDPR_OXIDE_USD_PER_T = 70_000.0
#: $/t of a Western sintered NdFeB magnet sold in Europe/Japan (derived): STAGE_OPEX's ~$58/kg all-in
#: variable cost of a Western magnet plus a ~3 % margin; above the Chinese $54/kg (the Western premium)
WESTERN_MAGNET_USD_PER_T = 60_000.0


def sales_markets() -> list[SalesMarket]:
    """Buyers outside the plan (Japan, EU, rest of world), each with its source."""
    return [
        SalesMarket(id="jp_jare_ndpr", name="Japan (JARE / Sojitz) NdPr oxide from Lynas", material=Material.NDPR_OXIDE,
                    country="JP", region="Japan", price_usd_per_t_by_year={2026: NDPR_OXIDE_USD_PER_T},
                    cap_tpy_by_year={2026: 7_200.0}, facility_ids=["lamp"],
                    sources=[src(JARE, "JARE (Sojitz/JOGMEC): priority supply of up to 7,200 t/yr NdPr to Japan "
                                       "until 2038", "high"),
                             derived("price $70/kg = the model's China NdPr oxide benchmark (cn_ndpr_oxide); Lynas' "
                                     "FY25 realised A$50.6/kg all products (report section 4) is in the same range")]),
        SalesMarket(id="asia_ndpr_oxide", name="Ex-China NdPr oxide buyers (Japan, Korea, EU metal makers)",
                    material=Material.NDPR_OXIDE, country="JP", region="Japan / Korea / EU",
                    price_usd_per_t_by_year={2026: NDPR_OXIDE_USD_PER_T}, cap_tpy_by_year={2026: 4_000.0},
                    sources=[src(MP_FY25, "MP separated 2,599 t NdPr oxide in 2025 (exit run-rate ~4,000 t/yr) "
                                          "while its US metal plant took a fraction of it", "high"),
                             derived("cap 4,000 t/yr ASSUMED (no source names MP's oxide buyers or the size of "
                                     "ex-China oxide demand): MP's exit run-rate; price = the China benchmark")]),
        SalesMarket(id="eu_narva_contracts", name="European traction-motor supplier and Bosch (Neo Narva contracts)",
                    material=Material.NDFEB_MAGNET, country="DE", region="EU",
                    price_usd_per_t_by_year={2026: WESTERN_MAGNET_USD_PER_T}, facility_ids=["neo_narva"],
                    reserved_share=0.35, cap_tpy_by_year={2026: 2_000.0},
                    sources=[src(NARVA, "a top European traction-motor supplier committed to 35 % of Narva Phase 1; "
                                        "Bosch multi-year contract", "medium"),
                             derived("35 % of Narva's output reserved for these buyers; the Bosch volume is not "
                                     "disclosed, so they may take more at the price, up to Phase 1's 2,000 t/yr (the "
                                     "contracts are for Phase 1); price $60/kg derived")]),
        SalesMarket(id="jp_nidec_noveon", name="Nidec offtake from Noveon (1,000 t over 5 years)",
                    material=Material.NDFEB_MAGNET, country="JP", region="Japan",
                    price_usd_per_t_by_year={2026: WESTERN_MAGNET_USD_PER_T}, facility_ids=["noveon_mag"],
                    reserved_tpy_by_year={y: 200.0 for y in range(2026, 2031)}, cap_tpy_by_year={2026: 200.0},
                    first_year=2026, last_year=2030,
                    sources=[src(NOVEON_DEAL, "Noveon: Nidec offtake of 1,000 t over 5 years", "medium"),
                             derived("200 t/yr reserved in 2026-2030 = 1,000 t / 5 years (start year assumed)")]),
        SalesMarket(id="world_cobalt_buyers", name="World cobalt buyers (refined, ex-China)", material=Material.COBALT,
                    country="JP", region="world", price_usd_per_t_by_year={2026: 55_000.0},
                    sources=[src(COBALT_SPOT, "cobalt spot offers $25/lb Dec 2025", "medium"),
                             derived("$55/kg = $25/lb x 2,204.6 (as market world_cobalt); no cap: the three "
                                     "refineries' ~8,000 t/yr are a few % of world supply")]),
    ]


def reported_output() -> list[ReportedOutput]:
    """What operating facilities reported producing (or their stated run-rate), for calibration."""
    def rep(fid, year, material, tonnes, basis, sources, reason=""):
        return ReportedOutput(facility_id=fid, year=year, material=material, tonnes=tonnes, basis=basis,
                              reason=reason, sources=sources)
    lynas_mine_t = round(6_558 / (0.25 * 0.95 * 0.95))
    return [
        rep("mp_mine", 2025, Material.CONCENTRATE, 50_692, "actual",
            [src(MP_FY25, "FY2025: 50,692 t REO in concentrate", "high")],
            "Contract: the plan mines only what MP's own separation takes (its 2025 NdPr output, held by the "
            "price-protection volume); concentrate beyond that has had no buyer since shipments to China stopped "
            "in Jul 2025 (the reference names none)."),
        rep("mp_sep", 2025, Material.NDPR_OXIDE, 2_599, "actual",
            [src(MP_FY25, "FY2025: 2,599 t NdPr oxide; exit run-rate ~4,000 t/yr", "high")]),
        rep("lamp", 2025, Material.NDPR_OXIDE, 6_558, "actual",
            [src(LYNAS_FY25, "Lynas FY25 output 6,558 t NdPr / 10,462 t REO", "medium")]),
        rep("mt_weld", 2025, Material.CONCENTRATE, lynas_mine_t, "derived",
            [src(LYNAS_FY25, "Lynas FY25 output 6,558 t NdPr", "medium"),
             derived(f"{lynas_mine_t:,} t TREO = 6,558 t NdPr / (0.25 NdPr share x 0.95 cracking x 0.95 "
                     "separation), the model's Mt Weld assay and recoveries")]),
        rep("sherritt_fs", 2024, Material.COBALT, 3_206, "actual",
            [src("https://sherritt.com/investors/guidance", "3,206 t Co in 2024; 3,300-3,600 t guidance 2025", "high")]),
        rep("murrin_murrin", 2023, Material.COBALT, 2_100, "actual",
            [src("https://www.australianmining.com.au/glencore-reduces-capacity-at-murrin-murrin/",
                 "2,100 t Co (2023)", "medium")]),
        rep("src_metal", 2024, Material.NDPR_METAL, 120, "actual",
            [src("https://mining.com/saskatchewan-processing-facility-first-to-produce-rare-earth-metals-in-north-america",
                 "10 t/month achieved summer 2024 (= 120 t/yr)", "medium")],
            "Ramp: 10 t/month was the summer-2024 rate of a new plant; the ~400 t/yr design is the modelled capacity."),
        rep("lcm", 2025, Material.NDPR_METAL, 110, "run_rate",
            [src("https://mmta.co.uk/less-common-metals-building-a-sustainable-ree-supply-chain/",
                 "Nd/NdPr: 2 cells x ~55 t/yr", "medium")]),
        rep("ksm_kmp", 2025, Material.NDPR_METAL, round(1_300 * 0.33), "run_rate",
            [src("https://www.middle.news/articles/2025/04/30/asm-advances-korean-plant-ramp-up-and-us-expansion-amid-dubbo-funding-boost",
                 "1,300 t NdFeB alloy installed", "medium"),
             derived("429 t RE metal = 1,300 t alloy x ~33 % RE content (as the facility's capacity)")],
            "Installed capacity, not output (none disclosed). No contract in the data: NdPr metal made from $70/kg "
            "oxide costs ~$96/kg (oxide / 0.857 / 0.97 + $12/kg) against $86/kg Chinese metal, so in 2026, before "
            "the 2027 compliance date, the plan buys the cheaper metal and runs KSM's NdPr cells from 2027."),
        rep("neo_narva", 2026, Material.NDFEB_MAGNET, 1_000, "run_rate",
            [src(NARVA, "2,000 t Phase 1, inaugurated Sep 2025, commercial ramp 2026", "medium"),
             derived("1,000 t in 2026 = 2,000 t x the 50 % ramp share of its second year (the facility's schedule)")]),
        rep("noveon_mag", 2025, Material.NDFEB_MAGNET, 1_500, "run_rate",
            [src("https://noveon.co/noveon-jumpstart", "facility built for 2,000 t/yr", "medium"),
             derived("1,500 t from new alloy (the other ~500 t from scrap: facility noveon_rec)")],
            "Installed capacity, not output (none disclosed). Contract: in 2026 the plan runs Nidec's 200 t/yr and "
            "what US buyers take; a Western magnet (~$61/kg) costs more than a Chinese one ($54/kg), and before the "
            "2027 compliance date US buyers take Chinese magnets. Noveon runs at capacity in 2027-2028."),
        rep("solvay_lr", 2025, Material.NDPR_OXIDE, round(500 * 0.20 * 0.95), "run_rate",
            [src("https://www.automotiveworld.com/news-releases/solvay-advances-european-rare-earths-production-through-capacity-expansion/",
                 "magnet RE line inaugurated Apr 2025, 'several hundred t'", "medium"),
             derived("95 t NdPr oxide = 500 t TREO feed (the facility's capacity) x ~20 % NdPr x 95 % (low)")],
            "'Several hundred t' of all magnet oxides, no NdPr split given: the plan runs the plant at its full 500 t "
            "feed; its NdPr output depends on the feed it is given (richer than the assumed 20 % NdPr)."),
        rep("mp_ind_mag", 2026, Material.NDFEB_MAGNET, 500, "run_rate",
            [src("https://fortworthinc.com/news/mp-materials-restores-u-s-rare-earth-magnet-production-in-fo/",
                 "first magnets on commercial equipment Q4 2025 (~1,000 t/yr line, ramping)", "medium"),
             derived("500 t in 2026 = 1,000 t x the 50 % ramp share of the facility's schedule")]),
    ]


def build() -> Project:
    """The whole project, in a fixed order (deterministic output)."""
    facilities = with_ramp_risk(with_funding(mines() + processors() + metal_plants() + magnet_plants()
                                             + recyclers_and_cobalt()))
    unknown = (set(FUNDING) | set(CAPEX_REPORTED_MUSD)) - {f.id for f in facilities}
    assert not unknown, f"FUNDING names unknown facilities: {unknown}"
    settings = Settings(
        start_year=2026, end_year=2035, base_year=2026, discount_rate=0.08, compliance_start_year=2027,
        covered_countries=["CN", "RU", "KP", "IR"],
        qualification_years_by_stage={S.MAGNET_NDFEB: 2, S.MAGNET_SMCO: 2},
        qualification_note=QUALIFICATION_NOTE,
        # 0.001 %: with 126 yes/no builds HiGHS proves it in a few seconds, and HiGHS and CBC then return
        # the same plan (at 0.01 % each stopped at a different plan $0.14M apart, both within the gap)
        mip_gap=1e-5,
    )
    settings.risk.catalogue = risk_catalogue()
    return Project(
        name="US + allied mine-to-magnet chain (real facilities, 2026-2035)",
        description=(
            "Real mines, refineries, metal, magnet, recycling and cobalt plants in the US, Australia, Canada and "
            "allied countries, with China as priced import markets, US defense demand (explicit + F-35, DDG-51, "
            "Virginia-class platforms) and US commercial NdFeB demand. Built by sample_projects/build_real_chain.py "
            "from sample_projects/reference (sources on every facility)."
        ),
        settings=settings,
        facilities=facilities,
        routes=build_routes(facilities),
        markets=markets(),
        demands=demands(),
        platforms=platforms(),
        scenarios=scenarios(),
        notes=(
            f"Exchange rates: {AUD_USD} USD/AUD, {CAD_USD} USD/CAD, {EUR_USD} USD/EUR, {MYR_USD} USD/MYR. "
            + OPEX_NOTE
            + " Not modelled: Lynas Seadrift (likely shelved, report caution 3), Vital Metals Saskatoon (in "
            "receivership), Idaho Cobalt (mothballed), the Round Top mine (no grade or assay; its processing "
            "plant is modelled), POSCO-ReElement complex (no capacity disclosed). Heavy-RE circuits that run on a "
            "light plant's SEG stream are folded into that plant's Dy/Tb/Sm recoveries from the circuit's start "
            "year (element_online_year). The Eneabba stockpile is a finite stock (540,000 t TREO), not a mine "
            "with a renewing rate. " + QUALIFICATION_NOTE + " No facility is flagged "
            "chinese_technology: no source states Chinese process technology at any of them. All sources "
            "point at sample_projects/reference/ (facilities.csv, domain_report.md), copies of the sourced "
            "reference data kept in the repository."
        ),
        sources=[src(FACILITIES_CSV, "facility dataset (58 rows)", "medium"),
                 src(REPORT, "deal details, compositions, yields, demand, regulation, prices", "medium")],
        levers=levers(),
        sales_markets=sales_markets(),
        reported_output=reported_output(),
    )


def untraced_sources(project: Project) -> list[str]:
    """Sources whose URL is neither a reference file in the repository nor cited in one of them.

    Every web address a figure cites must appear in sample_projects/reference/facilities.csv or
    domain_report.md, so each figure traces to a file in the repository."""
    text = "".join((REFERENCE / name).read_text(encoding="utf-8") for name in ("facilities.csv", "domain_report.md"))
    local = {REPORT, FACILITIES_CSV}
    objects = [*project.facilities, *(o for f in project.facilities for o in f.options), *project.markets,
               *project.demands, *project.platforms, *project.sales_markets, *project.reported_output, project]
    bad = []
    for obj in objects:
        for source in obj.sources:
            url = source.url
            if url in local:
                continue
            if not url or url not in text:
                bad.append(f"{getattr(obj, 'id', 'project')}: {url or '(no url)'} ({source.supports[:60]})")
    return bad


def main() -> None:
    project = build()
    bad = untraced_sources(project)
    if bad:
        raise SystemExit("sources not found in sample_projects/reference:\n  " + "\n  ".join(bad))
    save_project(project, OUT)
    backup = OUT.with_name(OUT.name + ".bak")
    if backup.exists():
        backup.unlink()  # the generator's output is in git; no backup needed next to it
    print(f"wrote {OUT}: {len(project.facilities)} facilities, {len(project.routes)} routes")


if __name__ == "__main__":
    main()
