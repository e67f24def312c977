"""Platform kg figures state their basis: magnet mass, or rare-earth content converted to magnets."""

import openpyxl
import pytest

from models.project import Platform, Project
from models.schedules import platform_demand_t
from models.vocab import Material
from planner.model.network import demand_specs


def f35(basis="rare_earth") -> Platform:
    return Platform(id="f35", name="F-35", units_by_year={2027: 150.0}, ndfeb_kg_per_unit=417.0,
                    ndfeb_kg_basis=basis, smco_kg_per_unit=22.0)


def test_rare_earth_content_is_converted_to_magnet_mass():
    """CRS: 417 kg of rare earths per F-35. At 0.3165 t RE per t NdFeB magnet (Nd 30.75 % + Dy 0.9 %
    midpoints) that is 417 / 0.3165 = 1,317.5 kg of magnet; 150 aircraft need 150 x 1.3175 =
    197.6 t of NdFeB magnets (not 62.55 t). The 22 kg of SmCo is magnet mass: 3.3 t."""
    p = Project(platforms=[f35()])
    assert p.platforms[0].ndfeb_magnet_kg_per_unit == pytest.approx(1317.54, abs=0.01)
    demand = platform_demand_t(p)
    assert demand[(Material.NDFEB_MAGNET, 2027)] == pytest.approx(197.63, abs=0.01)
    assert demand[(Material.SMCO_MAGNET, 2027)] == pytest.approx(3.3)
    specs = {d.product: d.tonnes_by_year[2027] for d in demand_specs(p)}
    assert specs["ndfeb_magnet"] == pytest.approx(197.63, abs=0.01)


def test_magnet_basis_keeps_the_version_2_meaning():
    p = Project(platforms=[f35("magnet")])
    assert platform_demand_t(p)[(Material.NDFEB_MAGNET, 2027)] == pytest.approx(62.55)


def test_content_share_must_be_positive():
    with pytest.raises(ValueError):
        Platform(id="x", ndfeb_re_share=0.0)


def test_workbook_shows_the_conversion(tmp_path):
    """The platforms input sheet shows the stated kg, its basis, the share and the magnet kg."""
    from planner.reports.inputs import add_platforms

    wb = openpyxl.Workbook()
    add_platforms(wb, Project(platforms=[f35()]))
    out = tmp_path / "p.xlsx"
    wb.save(out)
    ws = openpyxl.load_workbook(out)["Inputs - Platforms"]
    headers = [c.value for c in ws[2]]
    row = dict(zip(headers, [c.value for c in ws[3]]))
    assert row["NdFeB per unit (kg, as stated)"] == 417.0
    assert row["NdFeB figure is"] == "rare-earth content"
    assert row["NdFeB RE share (t RE per t magnet)"] == pytest.approx(0.3165)
    assert row["NdFeB magnet per unit (kg)"] == pytest.approx(1317.54, abs=0.01)
    assert row["NdFeB magnet (t)"] == pytest.approx(197.63, abs=0.01)
    assert row["SmCo figure is"] == "magnet mass"
