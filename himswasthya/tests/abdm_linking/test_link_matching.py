# ruff: noqa: F401, F811 - pytest fixtures imported from link_fixtures are used as (or by) test arguments
"""score_abha_profile_against_person: names across scripts and spellings, birth year, sex, mobile."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from himswasthya.abdm.matching import light_form, name_similarity, score_abha_profile_against_person
from himswasthya.people.models import Person

from .link_fixtures import _english_by_default, profile  # noqa: F401

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent


def person(**fields) -> Person:
    values = {
        "given_name": "Ramesh",
        "family_name": "Thakur",
        "name_roman": "Ramesh Thakur",
        "name_deva": "",
        "sex": "M",
        "date_of_birth": datetime.date(1985, 8, 5),
        "year_of_birth": 1985,
        "mobile": "9816000001",
    }
    values.update(fields)
    return Person(**values)  # unsaved: no family-register mobile to look up


def by_field(result):
    return {f.field: f for f in result.fields}


def test_an_exact_match_scores_100_and_links():
    result = score_abha_profile_against_person(profile(), person())
    assert (result.score, result.decision) == (100, "link")
    assert [f.outcome for f in result.fields] == ["match"] * 4


def test_a_name_written_only_in_devanagari_matches_its_roman_form():
    result = score_abha_profile_against_person(
        profile(), person(name_roman="", given_name="", family_name="", name_deva="रमेश ठाकुर")
    )
    assert by_field(result)["name"].outcome == "match"
    assert result.decision == "link"


@pytest.mark.parametrize(
    ("deva", "roman"),
    [
        ("ठाकुर", "Thakur"),
        ("कुलदीप चौहान", "Kuldeep Chauhan"),
        ("पूजा शर्मा", "Pooja Sharma"),
        ("विक्रम सिंह राणा", "Vikram Singh Rana"),
    ],
)
def test_script_changes_are_near_identical(deva, roman):
    assert name_similarity(deva, roman)[0] >= 90, light_form(deva)


def test_a_spelling_variant_is_partial_but_still_links_when_the_rest_agrees():
    result = score_abha_profile_against_person(profile(name="Ramesh Thakkar"), person(name_deva=""))
    name = by_field(result)["name"]
    assert name.outcome == "partial" and name.code == "name_variant"
    assert result.decision == "link" and 85 <= result.score < 100


def test_a_different_given_name_with_the_same_surname_is_refused():
    result = score_abha_profile_against_person(profile(name="Suresh Thakur"), person())
    assert by_field(result)["name"].veto
    assert result.decision == "refuse"
    assert any("Name differs" in r for r in result.refusal_reasons)


def test_a_wrong_year_of_birth_is_refused_with_the_reason():
    result = score_abha_profile_against_person(profile(year_of_birth=1975), person())
    assert result.decision == "refuse" and result.score < 60
    assert result.refusal_reasons == ["Year of birth differs by 10 years."]


def test_a_wrong_sex_is_refused_with_the_reason():
    result = score_abha_profile_against_person(profile(gender="F"), person())
    assert result.decision == "refuse"
    assert result.refusal_reasons == ["Sex differs."]


def test_reasons_are_translated():
    result = score_abha_profile_against_person(profile(gender="F"), person())
    with translation.override("hi"):
        assert result.refusal_reasons[0] != "Sex differs."


def test_a_year_off_by_one_and_another_mobile_land_in_the_grey_zone():
    result = score_abha_profile_against_person(profile(year_of_birth=1986, mobile="9000000000"), person())
    assert 60 <= result.score < 85 and result.decision == "review"
    fields = by_field(result)
    assert fields["year_of_birth"].code == "yob_close" and fields["mobile"].outcome == "mismatch"


def test_a_masked_mobile_is_compared_by_its_last_digits():
    fields = by_field(score_abha_profile_against_person(profile(mobile="******0001"), person()))
    assert fields["mobile"].code == "mobile_last_digits"
    fields = by_field(score_abha_profile_against_person(profile(mobile="******9999"), person()))
    assert fields["mobile"].outcome == "mismatch"


def test_an_unknown_mobile_is_left_out_rather_than_counted_against():
    result = score_abha_profile_against_person(profile(mobile=""), person(mobile=None))
    assert by_field(result)["mobile"].outcome == "unknown"
    assert result.score == 100


def test_thresholds_come_from_settings(settings):
    settings.ABHA_LINK_AUTO_THRESHOLD = 101
    settings.ABHA_LINK_REVIEW_THRESHOLD = 90
    assert score_abha_profile_against_person(profile(), person()).decision == "review"
    settings.ABHA_LINK_REVIEW_THRESHOLD = 101
    assert score_abha_profile_against_person(profile(), person()).decision == "refuse"


def test_same_year_but_another_birthday_is_partial():
    fields = by_field(score_abha_profile_against_person(profile(day_of_birth=6), person()))
    assert fields["year_of_birth"].code == "dob_differs_same_year"
