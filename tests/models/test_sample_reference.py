"""The real sample traces to the reference data kept in the repository and follows it."""

from __future__ import annotations

import pytest

from models import load_project
from models.schedules import existing_capacity_tpy, platform_demand_t
from models.vocab import Element, Material

from .conftest import REAL, SAMPLES
from .test_samples import _load_generator


@pytest.fixture(scope="module")
def real():
    return load_project(REAL)


def _all_sources(p):
    objs = [*p.facilities, *(o for f in p.facilities for o in f.options), *p.markets, *p.demands, *p.platforms, p]
    return [s for o in objs for s in o.sources]


def test_reference_files_are_in_the_repository_and_every_source_traces_to_them(real):
    """No source points outside the repository; every web address is cited in the reference copy."""
    assert (SAMPLES / "reference" / "facilities.csv").is_file()
    assert (SAMPLES / "reference" / "domain_report.md").is_file()
    assert not [s.url for s in _all_sources(real) if s.url.startswith("shared/")]
    gen = _load_generator("build_real_chain")
    assert gen.untraced_sources(real) == []


def test_eneabba_is_a_finite_stockpile_and_the_refinery_makes_about_750_t_dy_tb(real):
    """Stock 1 Mt x 90 % monazite x 60 % TREO = 540,000 t TREO, drawn <= 17,500 t/yr. The refinery at
    full rate (2030: ramp 30/60/85 % from 2027, full from 2030 + 1) on stockpile feed:
    17,500 x (4.05 % Dy + 0.71 % Tb) x 0.90 = 749.7 t Dy+Tb oxide (reference: up to 750 t)."""
    pile, ref = real.facility("eneabba_stock"), real.facility("eneabba_ref")
    assert pile.stock_initial_t == 540_000 and pile.stock_max_draw_tpy == 17_500
    full = existing_capacity_tpy(ref, 2031)
    assert full == 17_500
    dytb = full * sum(pile.assay[e] * ref.element_recovery[e] for e in (Element.DY, Element.TB))
    assert dytb == pytest.approx(749.7, abs=0.1)
    ndpr = full * pile.assay[Element.NDPR] * ref.element_recovery[Element.NDPR]
    assert ndpr == pytest.approx(5_503, abs=1)  # reference: up to 5,500 t NdPr


def test_heavy_circuits_start_at_their_stated_dates_and_new_facilities_exist(real):
    for fid in ("mp_sep", "white_mesa"):
        f = real.facility(fid)
        assert dict(f.element_online_year.items()) == {Element.DY: 2027, Element.TB: 2027, Element.SM: 2027}
    marion = real.facility("reelement_marion")
    assert marion.capacity_tpy == pytest.approx(3157.9, abs=0.1)  # 3,000 t products / 0.95
    assert any("ASSUMED" in s.supports and s.confidence == "derived" for s in marion.sources)
    assert real.facility("round_top").options[0].max_add_tpy == 8_000
    assert real.facility("asm_us_metals").options[0].max_add_tpy == 1_320  # 4,000 t alloy x 33 %


def test_crs_platform_figures_are_rare_earth_content(real):
    """F-35 417 kg, DDG-51 2,359 kg, SSN-774 4,173 kg of REs at 0.3165 t RE per t magnet:
    150 x 1.3175 + 2 x 7.4534 + 2 x 13.1848 = 197.63 + 14.91 + 26.37 = 238.9 t NdFeB magnets/yr."""
    assert {p.id: p.ndfeb_kg_basis for p in real.platforms} == {"f35": "rare_earth", "ddg51": "rare_earth",
                                                                 "ssn774": "rare_earth"}
    assert platform_demand_t(real)[(Material.NDFEB_MAGNET, 2027)] == pytest.approx(238.9, abs=0.05)
    assert real.settings.qualification_years_by_stage and "ASSUMED" in real.settings.qualification_note
