"""validate_assignment: a bad edit raises and keeps the old value (what the GUI relies on)."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from models import load_project
from models.validation import problems_from_validation_error

from .conftest import TEACHING


@pytest.fixture
def project():
    return load_project(TEACHING)


def test_negative_capacity_is_refused_and_old_value_kept(project):
    mine = project.facilities[0]
    with pytest.raises(ValidationError) as info:
        mine.capacity_tpy = -10
    assert mine.capacity_tpy == 1000.0
    (problem,) = problems_from_validation_error(info.value, prefix="facilities[0]")
    assert str(problem) == "facilities[0].capacity_tpy: must be >= 0"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_refused(project, value):
    market = project.markets[0]
    with pytest.raises(ValidationError):
        market.price_usd_per_t = value
    assert market.price_usd_per_t == 45000.0


def test_unknown_country_is_refused(project):
    f = project.facilities[1]
    with pytest.raises(ValidationError):
        f.country = "XX"
    assert f.country == "US"


def test_lowercase_country_is_normalised(project):
    f = project.facilities[1]
    f.country = "ca"
    assert f.country == "CA"


def test_model_level_rule_keeps_old_value(project):
    """An option's min_add > max_add is a model-level rule: refused, old value kept."""
    opt = project.facilities[3].options[0]
    with pytest.raises(ValidationError):
        opt.min_add_tpy = 1_000
    assert opt.min_add_tpy == 0.0


def test_valid_edit_is_applied(project):
    project.facilities[0].capacity_tpy = 1234.5
    assert project.facilities[0].capacity_tpy == 1234.5
