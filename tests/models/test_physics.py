"""Physics at input: no process creates rare-earth element mass, and numbers
that cannot be real are refused (or warned about) with their location."""

from __future__ import annotations

from models import validate_project
from models.project import Demand, Facility, Project
from models.validation import errors

from .conftest import write_json
from .test_cli_validate import run_main


def _project(*facilities, routes=()) -> Project:
    p = Project(name="physics")
    p.facilities = list(facilities)
    p.routes = list(routes)
    return p


def _recycler(inputs, outputs, fid="rec") -> Facility:
    return Facility(id=fid, name="Recycler", stage="recycling", country="US", capacity_tpy=10,
                    recipe_inputs=inputs, recipe_outputs=outputs)


def _located(p: Project) -> dict[str, str]:
    return {pr.location: pr.message for pr in errors(validate_project(p))}


def test_a_recycler_doubling_ndpr_metal_is_refused_with_its_location():
    """1 t NdPr metal in (1 t NdPr), 2 t NdPr metal out (2 t NdPr): creates 1 t per t."""
    p = _project(Facility(id="mine", name="Mine", stage="mine", country="AU", capacity_tpy=1, assay={"ndpr": 0.2}),
                 _recycler({"ndpr_metal": 1.0}, {"ndpr_metal": 2.0}))
    got = _located(p)
    assert "facilities[1].recipe_outputs" in got
    assert got["facilities[1].recipe_outputs"].startswith("creates ndpr: 2 t of element out per t of activity "
                                                          "from 1 t in")


def test_metal_to_oxide_times_one_and_a_half_is_refused():
    """1 t NdPr metal (1 t NdPr) -> 1.5 t NdPr oxide x 0.850 t NdPr per t oxide = 1.275 t NdPr."""
    got = _located(_project(_recycler({"ndpr_metal": 1.0}, {"ndpr_oxide": 1.5})))
    assert "creates ndpr: 1.275 t" in got["facilities[0].recipe_outputs"]


def test_oxide_from_nothing_is_refused_but_scrap_collection_and_magnets_are_not():
    got = _located(_project(_recycler({}, {"dy_oxide": 0.1}, "a"),
                            _recycler({}, {"ndfeb_scrap": 1.0}, "b"),  # collection point: a scrap source
                            _recycler({"ndfeb_scrap": 1.0}, {"ndfeb_magnet": 0.97}, "c")))  # magnets are sinks
    assert list(got) == ["facilities[0].recipe_outputs"]
    assert got["facilities[0].recipe_outputs"].startswith("creates dy")


def test_default_and_sample_recipes_conserve_element_mass():
    """Default recycling: 1 t scrap (at most 0.35 t NdPr, 0.35 t RE) -> 0.26 x 0.850 = 0.221 t NdPr
    + 0.012 x 0.871 Dy + 0.003 x 0.850 Tb = 0.234 t RE: allowed. Default magnets: sinks."""
    p = _project(*(Facility(id=s, name=s, stage=s, country="US", capacity_tpy=1).with_default_recipe()
                   for s in ("magnet_ndfeb", "magnet_smco", "recycling", "cobalt")))
    assert _located(p) == {}


def test_scrap_from_a_little_metal_is_refused():
    """0.1 t NdPr metal -> 1 t scrap holding at least 0.25 t rare earths: creates 0.15 t."""
    got = _located(_project(_recycler({"ndpr_metal": 0.1}, {"ndfeb_scrap": 1.0})))
    assert "creates rare earths in all: 0.25 t" in got["facilities[0].recipe_outputs"]


def test_numbers_that_cannot_be_real_are_refused_with_their_location():
    p = Project(name="huge")
    p.facilities = [Facility(id="mag", name="Magnets", stage="magnet_ndfeb", country="US",
                             capacity_tpy=1e20).with_default_recipe()]
    p.demands = [Demand(id="d", product="ndfeb_magnet", tonnes_by_year={2027: 1e20})]
    got = _located(p)
    assert got["facilities[0].capacity_tpy"] == "1e+20 t/yr cannot be real (at most 1e+09 t/yr)"
    assert got["demands[0].tonnes_by_year.2027"] == "1e+20 t cannot be real (at most 1e+09 t)"
    # 999,999 t is unusual but possible: no error
    p.demands[0].tonnes_by_year = {2027: 999_999.0}
    assert "demands[0].tonnes_by_year.2027" not in _located(p)


def test_compliance_year_outside_the_horizon_and_far_online_years_are_warned():
    p = Project(name="years")
    p.settings.compliance_start_year = 2040  # horizon 2026-2035
    p.facilities = [Facility(id="m", name="Late mine", stage="mine", country="AU", capacity_tpy=1, assay={"ndpr": 0.2},
                             online_year=2050)]
    warnings = {pr.location: pr.message for pr in validate_project(p) if pr.severity == "warning"}
    assert "no year of the horizon is held to the compliance rule" in warnings["settings.compliance_start_year"]
    assert "never contributes" in warnings["facilities[0].online_year"]
    assert errors(validate_project(p)) == []


def test_cli_validate_exits_2_on_an_element_creating_recipe(tmp_path, teaching_doc, capsys):
    teaching_doc["facilities"][3]["recipe_outputs"] = {"ndfeb_magnet": 1.0, "ndpr_oxide": 1.0}
    path = write_json(tmp_path / "bad.m2m.json", teaching_doc)
    assert run_main(["validate", str(path)]) == 2
    err = capsys.readouterr()
    assert "(facilities[3]), recipe outputs (t per t): creates ndpr" in err.out + err.err
