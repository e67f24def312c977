"""The two sample projects: valid, round-trip exactly, regenerate byte-identically, sourced content."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

from models import load_project, project_to_json, save_project, validate_project
from models.geo import great_circle_km
from models.schedules import existing_capacity_tpy, total_demand_t
from models.validation import consumable, producible
from models.vocab import Element, Material, Segment, Stage, Status

from .conftest import REAL, SAMPLE_PATHS, SAMPLES, TEACHING


def _load_generator(name: str):
    spec = importlib.util.spec_from_file_location(name, SAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def real():
    return load_project(REAL)


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.name)
def test_sample_validates_without_errors(path: Path):
    problems = validate_project(load_project(path))
    assert [p for p in problems if p.severity == "error"] == []


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.name)
def test_round_trip_is_identity(path: Path, tmp_path: Path):
    original_bytes = path.read_bytes()
    project = load_project(path)
    # the committed file is exactly what the serialiser writes
    assert project_to_json(project).encode("utf-8") == original_bytes
    out = tmp_path / path.name
    save_project(project, out)
    assert out.read_bytes() == original_bytes
    again = load_project(out)
    assert again == project
    save_project(again, out)
    assert out.read_bytes() == original_bytes


@pytest.mark.parametrize(
    "script, path",
    [("build_real_chain", REAL), ("build_teaching_chain", TEACHING)],
    ids=["real", "teaching"],
)
def test_generator_reproduces_committed_file(script: str, path: Path):
    """The generator is deterministic and the committed JSON is its current output."""
    module = _load_generator(script)
    first = project_to_json(module.build())
    second = project_to_json(module.build())
    assert first == second
    assert first.encode("utf-8") == path.read_bytes(), f"rerun sample_projects/{script}.py and commit"


def test_real_chain_size_and_coverage(real):
    assert len(real.facilities) >= 30
    assert len(real.routes) <= 500, "keep the model small enough for an LP/MILP"
    stages = {f.stage for f in real.facilities}
    assert stages == set(Stage)
    countries = {f.country for f in real.facilities}
    assert {"US", "AU", "CA", "MY", "EE", "FR", "KR", "GB", "DE", "SA"} <= countries
    assert not countries & set(real.settings.covered_countries)


def test_every_facility_is_sourced_and_located(real):
    for f in real.facilities:
        assert f.sources, f.id
        assert all(s.url and s.supports for s in f.sources), f.id
        assert f.lat is not None and f.lon is not None, f.id
        assert not f.chinese_technology, f"{f.id}: no source states Chinese process technology"
    for m in real.markets:
        assert m.sources, m.id
    for d in real.demands:
        assert d.sources, d.id
    for p in real.platforms:
        assert p.sources, p.id


def test_sourced_assays_and_derived_markers(real):
    assert real.facility("mp_mine").assay[Element.NDPR] == pytest.approx(0.157)
    assert real.facility("nolans_mine").assay[Element.NDPR] == pytest.approx(0.264)
    assert real.facility("yangibana").assay[Element.NDPR] == pytest.approx(0.37)
    for fid in ("mt_weld", "eneabba_stock"):  # not found in sources -> must say derived
        f = real.facility(fid)
        assay_sources = [s for s in f.sources if "assay" in s.supports.lower()]
        assert assay_sources and all(s.confidence == "derived" for s in assay_sources), fid
    arnold = real.facility("arnold_recoma")
    assert "GQD" in arnold.ownership_notes and "UNCERTAIN" in arnold.ownership_notes


def test_separation_capacity_conversion_is_shown(real):
    """A plant sized in t NdPr oxide is converted to t TREO feed, with the arithmetic."""
    mp_sep = real.facility("mp_sep")
    assert mp_sep.capacity_tpy == pytest.approx(4000 / (0.157 * 0.90), rel=0.01)
    assert any("4,000 t NdPr / (0.157 x 0.90" in s.supports and s.confidence == "derived" for s in mp_sep.sources)


def test_not_yet_built_projects_are_options(real):
    greenfield = {
        "mp_10x": "mp_10x_build", "vulcan_benson": "vulcan_benson_build", "nolans_mine": "nolans_mine_build",
        "dubbo_mine": "dubbo_mine_build", "browns_range": "browns_range_build", "strange_lake": "strange_lake_build",
        "torngat_sep": "torngat_sep_build", "aclara_la": "aclara_la_build", "lynas_hre": "lynas_hre_build",
        "js_link_kuantan": "js_link_build",
    }
    for fid, oid in greenfield.items():
        f = real.facility(fid)
        assert f.capacity_tpy == 0, fid
        (opt,) = [o for o in f.options if o.id == oid]
        assert opt.max_add_tpy > 0 and opt.fixed_capex_musd > 0 and opt.has_build_decision, oid
        assert opt.earliest_decision_year == 2026 and opt.lead_time_years >= 2, oid
    phase2 = [o for o in real.facility("white_mesa").options if o.id == "white_mesa_phase2"][0]
    assert phase2.fixed_capex_musd == pytest.approx(410.0)
    assert real.facility("mp_10x").options[0].fixed_capex_musd == pytest.approx(1000.0)


def test_routes_follow_materials_and_feeds(real):
    ids = {f.id: f for f in real.facilities}
    keys = set()
    for r in real.routes:
        src, dst = ids[r.from_id], ids[r.to_id]
        assert r.material in producible(src) and r.material in consumable(dst), r.id
        assert r.transport_usd_per_t is None  # great-circle default; both ends have coordinates
        keys.add((r.from_id, r.to_id, r.material))
    assert len(keys) == len(real.routes)
    # carbonate goes only to separation plants that take carbonate
    carbonate_takers = {r.to_id for r in real.routes if r.material is Material.MIXED_CARBONATE}
    assert carbonate_takers == {"lamp", "ucore_lsmc", "silmet", "round_top"}
    assert ("mt_weld", "kalgoorlie", Material.CONCENTRATE) in keys
    assert ("kalgoorlie", "lamp", Material.MIXED_CARBONATE) in keys
    assert ("mp_sep", "mp_metal", Material.NDPR_OXIDE) in keys
    assert ("lcm", "permag_eec", Material.SM_METAL) in keys
    assert ("sherritt_fs", "permag_eec", Material.COBALT) in keys
    assert ("cyclic_kingston", "phoenix", Material.NDPR_OXIDE) in keys
    # every magnet plant can get NdPr metal and every SmCo plant Sm metal and cobalt
    for f in real.facilities:
        inbound = {r.material for r in real.routes if r.to_id == f.id}
        if f.stage is Stage.MAGNET_NDFEB:
            assert Material.NDPR_METAL in inbound, f.id
        if f.stage is Stage.MAGNET_SMCO:
            assert {Material.SM_METAL, Material.COBALT} <= inbound, f.id


def test_great_circle_default_is_sane(real):
    mp, lamp = real.facility("mp_mine"), real.facility("lamp")
    km = great_circle_km(mp.lat, mp.lon, lamp.lat, lamp.lon)
    assert 13_000 < km < 15_000


def test_markets_china_caps_and_clean_cobalt(real):
    by_id = {m.id: m for m in real.markets}
    cn = [m for m in real.markets if m.origin_country == "CN"]
    assert {m.material for m in cn} >= {
        Material.NDPR_OXIDE, Material.NDPR_METAL, Material.DY_OXIDE, Material.TB_OXIDE,
        Material.SM_OXIDE, Material.SM_METAL, Material.NDFEB_MAGNET, Material.SMCO_MAGNET,
    }
    assert 60_000 <= by_id["cn_ndpr_oxide"].price_usd_per_t <= 85_000
    assert by_id["cn_ndpr_oxide"].cap_tpy >= 1000 and by_id["cn_ndfeb_magnet"].cap_tpy >= 1000
    assert by_id["world_cobalt"].origin_country not in real.settings.covered_countries
    assert by_id["us_ndfeb_scrap"].origin_country == "US"
    # metal must not be cheaper than its oxide's metal equivalent (no arbitrage)
    assert by_id["cn_ndpr_metal"].price_usd_per_t >= by_id["cn_ndpr_oxide"].price_usd_per_t / 0.85


def test_demand_and_platforms(real):
    demand = total_demand_t(real)
    # 2026 defense NdFeB: explicit 300 t + F-35 150 x 417 kg + DDG 2 x 2,359 kg + SSN 2 x 4,173 kg
    # of rare earths (CRS), as magnets at 0.3165 t RE per t magnet
    platform_t = (150 * 417 + 2 * 2359 + 2 * 4173) / 1000 / 0.3165
    assert demand[(Material.NDFEB_MAGNET, Segment.DEFENSE, 2026)] == pytest.approx(300 + platform_t)
    assert demand[(Material.SMCO_MAGNET, Segment.DEFENSE, 2026)] == pytest.approx(100 + 150 * 22 / 1000)
    assert demand[(Material.NDFEB_MAGNET, Segment.COMMERCIAL, 2026)] == pytest.approx(round(7000 * 2 ** 0.2))
    assert demand[(Material.NDFEB_MAGNET, Segment.COMMERCIAL, 2034)] == pytest.approx(14000)
    years = {y for (_, _, y) in demand}
    assert years == set(range(2026, 2036))


def test_settings_and_scenarios(real):
    s = real.settings
    assert (s.start_year, s.end_year, s.base_year, s.discount_rate, s.compliance_start_year) == (
        2026, 2035, 2026, 0.08, 2027)
    assert s.covered_countries == ["CN", "RU", "KP", "IR"]
    assert [sc.id for sc in real.scenarios] == [
        "base", "china_cut", "delays", "demand_surge", "capex_overrun", "policy"]
    assert real.scenario("base").overrides == []


def test_ramping_plants_have_ramp_up(real):
    f = real.facility("kalgoorlie")
    assert existing_capacity_tpy(f, 2026) == pytest.approx(39_900 * 0.85)
    assert existing_capacity_tpy(f, 2027) == pytest.approx(39_900)
    ksm = real.facility("ksm_kmp")
    assert existing_capacity_tpy(ksm, 2026) == pytest.approx(1190 * 0.361)
    assert existing_capacity_tpy(ksm, 2027) == pytest.approx(1190)
    eneabba = real.facility("eneabba_ref")
    assert eneabba.status is Status.CONSTRUCTION and existing_capacity_tpy(eneabba, 2026) == 0


def test_teaching_chain_shape():
    p = load_project(TEACHING)
    assert [f.stage for f in p.facilities] == [Stage.MINE, Stage.SEPARATION, Stage.METAL, Stage.MAGNET_NDFEB]
    assert p.settings.discount_rate == 0 and p.settings.asset_life_years == 1
    assert all(r.transport_usd_per_t is not None for r in p.routes)
    (opt,) = p.facility("t_magnet").options
    assert (opt.lead_time_years, opt.capex_musd_per_tpy, opt.fixed_capex_musd) == (1, 0.05, 2.0)
    # the hand calculation's key quantity: 100 t magnet need 200 t TREO of concentrate
    mine, sep = p.facility("t_mine"), p.facility("t_sep")
    oxide = 100 * 0.34 / 0.85
    assert oxide / (mine.assay[Element.NDPR] * sep.element_recovery[Element.NDPR]) == pytest.approx(200)
    assert not math.isnan(opt.max_add_tpy)
