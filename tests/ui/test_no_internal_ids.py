"""User text names things, not their internal ids: undo labels of a new route, a validation warning."""

from __future__ import annotations

from models.project import Facility, Project, Route
from models.validation import validate_project
from ui.document.names import connect_text


def test_connect_undo_label_uses_names():
    p = Project(name="p", facilities=[
        Facility(id="new-mine", name="Mount Weld", country="AU", stage="mine", capacity_tpy=1, assay={"ndpr": 0.2}),
        Facility(id="mp_metal", name="MP metal plant", country="US", stage="metal", capacity_tpy=1)])
    r = Route(id="r", from_id="new-mine", to_id="mp_metal", material="ndpr_oxide")
    assert connect_text(p, r) == "Connect Mount Weld to MP metal plant"
    r2 = Route(id="r2", from_id="new-mine", to_id="gone", material="ndpr_oxide")
    assert connect_text(p, r2) == "Connect Mount Weld to gone"  # an id only when nothing else names it


def test_missing_coordinates_warning_names_no_field():
    p = Project(name="p", facilities=[Facility(id="m", name="M", country="AU", stage="mine", capacity_tpy=1,
                                               assay={"ndpr": 0.2}, lat=None, lon=None)])
    texts = [p.message for p in validate_project(p)]
    assert any("need a transport cost ($/t)" in t for t in texts)
    assert not any("transport_usd_per_t" in t for t in texts)


def test_settings_mapping_shows_labels_and_reads_them_back():
    """Settings showed 'magnet_ndfeb: 2'; now 'NdFeB magnets: 2', and both forms read back."""
    from ui.document.fields import fmt_mapping, label_of, parse_mapping

    text = fmt_mapping({"magnet_ndfeb": 2, "separation": 1})
    assert text == f"{label_of('magnet_ndfeb')}: 2, {label_of('separation')}: 1"
    assert "magnet_ndfeb" not in text
    assert parse_mapping(text) == {"magnet_ndfeb": 2.0, "separation": 1.0}
    assert parse_mapping("magnet_ndfeb: 3") == {"magnet_ndfeb": 3.0}
