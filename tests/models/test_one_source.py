"""One definition each for the material and stage labels, their units and the "covered" rule.

The labels live in models.vocab (MATERIAL_LABELS, MATERIAL_UNITS, STAGE_LABELS, STAGE_UNITS) and
the covered rule in models.covered; these tests read the source tree (models/, planner/, ui/) as
Python syntax trees and fail on a second copy: a label dict, a label typed in again, a literal list
of the covered countries, or the rule written out (``country in covered ... or chinese_technology``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from models.covered import CHINESE_TECHNOLOGY, COVERED_COUNTRY, covered_reasons, is_covered_facility, is_covered_market
from models.project import Facility, Market
from models.vocab import (
    DEFAULT_COVERED_COUNTRIES,
    MATERIAL_LABELS,
    STAGE_LABELS,
    Material,
    Stage,
    material_label,
    stage_label,
    vocab_label,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("models", "planner", "ui")
VOCAB = ROOT / "models" / "vocab.py"
COVERED = ROOT / "models" / "covered.py"
VOCAB_VALUES = {m.value for m in Material} | {s.value for s in Stage}
MEMBER_NAMES = {m.name for m in Material} | {s.name for s in Stage}
#: labels of two words or more ("NdPr oxide", "Metal making"): typed again they are a copy
DISTINCT_LABELS = {v for v in [*MATERIAL_LABELS.values(), *STAGE_LABELS.values()] if " " in v}


def _trees():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_vocab_key(node: ast.AST) -> bool:
    """'ndpr_oxide', Material.NDPR_OXIDE, Material.NDPR_OXIDE.value, Stage.MINE ..."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value in VOCAB_VALUES
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    return isinstance(node, ast.Attribute) and node.attr in MEMBER_NAMES


def _is_text(node: ast.AST) -> bool:
    """A string shown to a reader (not a colour such as '#1b7a3d' or a QColor)."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and not node.value.startswith("#")


def test_the_labels_read_as_words_with_units_where_not_plain_tonnes():
    assert material_label("ndpr_oxide") == "NdPr oxide"
    assert material_label("concentrate", with_unit=True) == "Concentrate (t TREO)"
    assert material_label("ndfeb_magnet", with_unit=True) == "NdFeB magnet"  # plain t: no unit added
    assert stage_label(Stage.MAGNET_NDFEB) == "NdFeB magnet making"
    assert vocab_label("magnet_smco") == "SmCo magnet making"
    assert vocab_label("under_construction") == "under construction"
    assert set(MATERIAL_LABELS) == set(Material) and set(STAGE_LABELS) == set(Stage)


def test_no_second_label_dict_or_typed_label_outside_models_vocab():
    found = []
    for path, tree in _trees():
        if path == VOCAB:
            continue
        rel = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                labelled = [k for k, v in zip(node.keys, node.values)
                            if k is not None and _is_vocab_key(k) and _is_text(v)]
                if len(labelled) >= 3:
                    found.append(f"{rel}:{node.lineno}: a dict of {len(labelled)} material/stage labels")
            elif isinstance(node, ast.Constant) and node.value in DISTINCT_LABELS:
                found.append(f"{rel}:{node.lineno}: the label {node.value!r} typed again")
    assert found == []


def test_the_covered_countries_are_listed_once():
    """Only models.vocab.DEFAULT_COVERED_COUNTRIES names CN, RU, KP, IR together in the code."""
    found = []
    for path, tree in _trees():
        if path == VOCAB:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                codes = {e.value for e in node.elts if isinstance(e, ast.Constant)} & set(DEFAULT_COVERED_COUNTRIES)
                if len(codes) >= 2:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {sorted(codes)}")
    assert found == []


def _writes_the_rule(node: ast.AST) -> bool:
    """``x.country in covered...`` / ``m.origin_country in covered...`` or a test of chinese_technology."""
    if (isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute)
            and node.left.attr in ("country", "origin_country")):
        return (any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
                and "covered" in ast.unparse(node.comparators[0]))
    return False


def test_the_covered_rule_is_written_once():
    found = []
    for path, tree in _trees():
        if path == COVERED:
            continue
        for node in ast.walk(tree):
            if _writes_the_rule(node):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert found == []


@pytest.mark.parametrize("country, chinese_tech, reasons", [
    ("CN", False, [COVERED_COUNTRY]),
    ("US", True, [CHINESE_TECHNOLOGY]),
    ("CN", True, [COVERED_COUNTRY, CHINESE_TECHNOLOGY]),
    ("AU", False, []),
])
def test_a_facility_is_covered_by_its_country_or_its_chinese_technology(country, chinese_tech, reasons):
    f = Facility(id="f", name="F", stage="separation", country=country, capacity_tpy=1, chinese_technology=chinese_tech)
    assert covered_reasons(f, DEFAULT_COVERED_COUNTRIES) == reasons
    assert is_covered_facility(f, DEFAULT_COVERED_COUNTRIES) is bool(reasons)
    assert is_covered_facility(f, []) is chinese_tech  # no covered country: only the technology counts


def test_a_market_is_covered_by_its_origin():
    m = Market(id="m", name="M", material="ndpr_oxide", origin_country="RU", price_usd_per_t=1.0)
    assert is_covered_market(m, DEFAULT_COVERED_COUNTRIES) and not is_covered_market(m, ["CN"])
