"""The stress test's marks and likelihood-versus-impact matrix as plain data, and its workbook sheet."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from models.risk_catalogue import ExportStop, OutageRate, RiskCatalogue
from planner.analysis.stress import run_stress
from planner.pipeline.solve import SolveOptions
from planner.reports.stress_marks import facility_marks, risk_matrix, spof_text
from planner.reports.stress_xlsx import write_stress_workbook

from .resilience_fixtures import sole_and_dual_project


def rated_sole_and_dual_project():
    """sole_and_dual_project with a catalogue: SmCo plants 10 %/yr, NdFeB plants 5 %/yr, Australia's
    export stop 2 %/yr; nothing for the United States (so country US has no probability)."""
    p = sole_and_dual_project()
    p.settings.risk.catalogue = RiskCatalogue(
        outage_by_stage={"magnet_smco": OutageRate(annual_probability=0.10, source="assumed"),
                         "magnet_ndfeb": OutageRate(annual_probability=0.05, source="assumed")},
        export_stops=[ExportStop(country="AU", annual_probability=0.02, source="assumed")])
    return p


@pytest.fixture(scope="module")
def report():
    return run_stress(rated_sole_and_dual_project(), years=[2027, 2028], workers=1,
                      options=SolveOptions(time_limit_s=30))


def test_the_sole_supplier_is_marked_with_its_yearly_shortfall(report):
    """Out in 2027-2028 smco_us leaves the 30 t/yr of defense SmCo short each year; mag_us is covered
    by the spare plant (no mark); the countries are not facilities (no mark)."""
    assert facility_marks(report) == {
        "smco_us": "single point of failure: 30.0 t defense SmCo short per year 2027-2028 if out"}


def test_the_matrix_has_one_point_per_element_at_the_hand_coordinates(report):
    """W = 2 years: P = 1 - (1 - p)^2. smco_us 1 - 0.9^2 = 0.19, 30 t x 2 = 60 t, 60 / 260 t of defense
    demand (130 t/yr x 2) = 23.1 %; mag_us 1 - 0.95^2 = 0.0975, 0 t; country AU 1 - 0.98^2 = 0.0396,
    130 t x 2 = 260 t (100 %). Country US has no export stop in the catalogue: listed apart, 60 t."""
    m = risk_matrix(report)
    got = {p.id: (p.probability, p.shortfall_t, p.share, p.single_point_of_failure) for p in m.points}
    assert got == {
        "facility:smco_us": (pytest.approx(0.19), pytest.approx(60.0), pytest.approx(60 / 260), True),
        "facility:mag_us": (pytest.approx(0.0975), pytest.approx(0.0, abs=1e-9), pytest.approx(0.0, abs=1e-9), False),
        "country:AU": (pytest.approx(0.0396), pytest.approx(260.0), pytest.approx(1.0), True),
    }
    assert [(p.id, p.name, p.probability, round(p.shortfall_t, 6)) for p in m.unrated] == [
        ("country:US", "US (country)", None, 60.0)]
    smco = next(p for p in m.points if p.id == "facility:smco_us")
    assert smco.name == "SmCo US"
    assert smco.detail == "SmCo 2027: 30.0 t (100 % of defense SmCo); SmCo 2028: 30.0 t (100 % of defense SmCo)"


def test_the_mark_words_a_shortfall_that_differs_by_year():
    e = SimpleNamespace(single_point_of_failure=True, status="optimal",
                        extra_t={"smco_magnet": {2026: 78.2, 2027: 40.0}, "ndfeb_magnet": {2027: 5.0}})
    assert spof_text(e) == ("single point of failure: 5.0 t defense NdFeB short in 2027; "
                            "defense SmCo short 78.2 t in 2026, 40.0 t in 2027 if out")
    assert spof_text(SimpleNamespace(single_point_of_failure=False, extra_t={})) == ""


def test_the_workbook_has_the_matrix_sheet_and_chart(report, tmp_path):
    """Read back: the rated rows (single points of failure first, in the report's ranking), the
    elements without a probability below them, and a scatter chart with one series per block."""
    path = tmp_path / "stress.xlsx"
    write_stress_workbook(report, path)
    ws = load_workbook(path)["Risk matrix"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5, max_col=7)]
    assert [r[:2] for r in rows[:3]] == [["country:AU", "AU (country)"], ["facility:smco_us", "SmCo US"],
                                         ["facility:mag_us", "NdFeB US"]]
    assert rows[0][3] == pytest.approx(0.0396) and rows[0][4] == pytest.approx(260.0) and rows[0][6] == "yes"
    assert rows[1][3] == pytest.approx(0.19) and rows[1][4] == pytest.approx(60.0)
    assert rows[1][5] == pytest.approx(60 / 260, abs=1e-6)
    assert rows[2][3] == pytest.approx(0.0975) and rows[2][4] == 0 and rows[2][6] == "no"
    assert rows[3] == [None] * 7 and rows[4][0] == "No probability in catalogue (1)"
    assert rows[5][:4] == ["country:US", "US (country)", "country", "no probability in catalogue"]
    assert rows[5][4] == pytest.approx(60.0)
    charts = load_workbook(path)["Risk matrix"]._charts
    assert len(charts) == 1
    refs = [(s.xVal.numRef.f, s.yVal.numRef.f) for s in charts[0].series]
    assert refs == [("'Risk matrix'!$D$5:$D$6", "'Risk matrix'!$E$5:$E$6"),
                    ("'Risk matrix'!$D$7", "'Risk matrix'!$E$7")]
