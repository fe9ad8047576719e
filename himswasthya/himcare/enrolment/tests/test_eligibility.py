"""Eligibility and category rules (contract "Shared rules"): every criterion, every refusal."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from himswasthya.himcare.enrolment.eligibility import (
    choose_category,
    enrolment_window_refusal,
    evaluate_family,
    in_enrolment_window,
    matched_criteria,
    scheme_year_in_force,
    units_for,
)
from himswasthya.himcare.models import CategoryRule, Criterion, PmjayFamily
from himswasthya.himcare.tests.factories import make_family, make_scheme_year

DAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def _family(district, **member_fields):
    head = {"name_roman": "Kamla Devi", "sex": "F", "year_of_birth": 1980, "marital_status": "MARRIED"}
    other = {
        "name_roman": "Ram Lal",
        "sex": "M",
        "year_of_birth": 1978,
        "relation": "HUSBAND",
        **member_fields,
    }
    return make_family(district, [head, other])[0]


def test_scheme_year_in_force_picks_active_covering_latest(db):
    old = make_scheme_year(
        "2025-26", starts_on=DAY - datetime.timedelta(days=400), ends_on=DAY + datetime.timedelta(days=1)
    )
    new = make_scheme_year(
        "2026-27", starts_on=DAY - datetime.timedelta(days=10), ends_on=DAY + datetime.timedelta(days=300)
    )
    make_scheme_year(
        "2027-28", starts_on=DAY + datetime.timedelta(days=301), ends_on=DAY + datetime.timedelta(days=600)
    )
    assert scheme_year_in_force(DAY) == new
    new.is_active = False
    new.save()
    assert scheme_year_in_force(DAY) == old
    assert scheme_year_in_force(DAY + datetime.timedelta(days=2)) is None


def test_everyone_else_is_category_iii(scheme_year, persona_district):
    decision = evaluate_family(_family(persona_district), scheme_year, DAY)
    assert decision.eligible
    assert (decision.category, decision.premium_paise) == ("III", 1_000_00)
    assert decision.matched_criteria == ["everyone_else"]
    assert len(decision.members) == 2


def _couple(district, head: dict, member: dict, **family_fields):
    """A family of Kamla Devi (the head, married, born 1980) and her husband Ram Lal (born 1978), with `head`
    and `member` changing their fields."""
    kamla = {"name_roman": "Kamla Devi", "sex": "F", "year_of_birth": 1980, "marital_status": "MARRIED"}
    kamla.update(head)
    ram = {"name_roman": "Ram Lal", "sex": "M", "year_of_birth": 1978, "relation": "HUSBAND", **member}
    return make_family(district, [kamla, ram], **family_fields)[0]


@pytest.mark.parametrize(
    ("member", "family_fields", "head", "criterion", "category"),
    [
        ({}, {"is_bpl": True}, {}, Criterion.BPL, "I"),
        ({"occupation": "VENDOR"}, {}, {}, Criterion.STREET_VENDOR, "I"),
        ({"mgnrega_days": 50}, {}, {}, Criterion.MGNREGA_50_DAYS, "I"),
        ({"year_of_birth": 1950}, {}, {}, Criterion.SENIOR_OVER_70, "I"),
        (
            {"date_of_birth": datetime.date(1955, 11, 24), "year_of_birth": 1955},
            {},
            {},
            Criterion.SENIOR_OVER_70,
            "I",
        ),
        ({"in_child_care_institution": True}, {}, {}, Criterion.CHILD_CARE_INSTITUTION, "I"),
        ({}, {}, {"marital_status": "WIDOWED"}, Criterion.EKAL_NAARI, "II"),
        ({}, {}, {"marital_status": "DIVORCED"}, Criterion.EKAL_NAARI, "II"),
        ({}, {}, {"marital_status": "SEPARATED"}, Criterion.EKAL_NAARI, "II"),
        ({}, {}, {"marital_status": "NEVER", "year_of_birth": 1990}, Criterion.EKAL_NAARI, "II"),
        ({"disability_percent": 41}, {}, {}, Criterion.DISABILITY_OVER_40, "II"),
        ({"occupation": "MDM"}, {}, {}, Criterion.MID_DAY_MEAL_WORKER, "II"),
        ({"occupation": "CONTRACT"}, {}, {}, Criterion.GOVERNMENT_CONTRACT_WORKER, "II"),
        ({"occupation": "AWW_ASHA"}, {}, {}, Criterion.ANGANWADI_OR_ASHA, "II"),
    ],
)
def test_each_criterion(scheme_year, persona_district, member, family_fields, head, criterion, category):
    family = _couple(persona_district, head, member, **family_fields)
    decision = evaluate_family(family, scheme_year, DAY)
    assert decision.eligible
    assert decision.category == category
    assert criterion.value in decision.matched_criteria


@pytest.mark.parametrize(
    ("member", "head"),
    [
        ({"mgnrega_days": 49}, {}),
        ({"disability_percent": 40}, {}),
        ({"year_of_birth": 1956}, {}),  # 70 in 2026: not over 70
        ({"date_of_birth": datetime.date(1955, 11, 26), "year_of_birth": 1955}, {}),  # turns 71 tomorrow
        ({}, {"marital_status": "NEVER", "year_of_birth": 1992}),  # 34: too young for ekal naari
        ({}, {"marital_status": "WIDOWED", "sex": "M", "name_roman": "Ram Lal"}),  # a widower
        ({"occupation": "FARMER"}, {}),
    ],
)
def test_near_misses_stay_in_category_iii(scheme_year, persona_district, member, head):
    family = _couple(persona_district, head, member)
    decision = evaluate_family(family, scheme_year, DAY)
    assert decision.eligible and decision.category == "III", decision.matched_criteria


def test_criteria_of_dead_or_migrated_members_do_not_count(scheme_year, persona_district):
    family = make_family(
        persona_district,
        [
            {"name_roman": "Kamla Devi", "sex": "F", "year_of_birth": 1980, "marital_status": "MARRIED"},
            {"name_roman": "Old Man", "sex": "M", "year_of_birth": 1930, "status": "DECEASED"},
            {
                "name_roman": "Gone Son",
                "sex": "M",
                "year_of_birth": 2000,
                "status": "MIGRATED",
                "occupation": "VENDOR",
            },
        ],
    )[0]
    decision = evaluate_family(family, scheme_year, DAY)
    assert decision.category == "III"
    assert [m.name_roman for m in decision.members] == ["Kamla Devi"]


def test_lowest_premium_wins_when_several_match(scheme_year, persona_district):
    family = make_family(
        persona_district,
        [
            {"name_roman": "Kamla Devi", "sex": "F", "year_of_birth": 1980, "marital_status": "WIDOWED"},
            {"name_roman": "Ram Lal", "sex": "M", "year_of_birth": 1950, "relation": "FATHER"},
        ],
    )[0]
    decision = evaluate_family(family, scheme_year, DAY)
    assert decision.category == "I" and decision.premium_paise == 0
    assert decision.matched_criteria == ["senior_over_70"]


def test_refusal_no_living_members(scheme_year, persona_district):
    family = make_family(
        persona_district,
        [{"name_roman": "Late Person", "sex": "M", "year_of_birth": 1940, "status": "DECEASED"}],
    )[0]
    decision = evaluate_family(family, scheme_year, DAY)
    assert not decision.eligible and decision.refusal_code == "no_living_members"
    assert "nobody to enrol" in decision.refusal_message


def test_refusal_ab_pmjay_explains_with_date_in_hindi_too(scheme_year, persona_district):
    family = _family(persona_district)
    PmjayFamily.objects.create(family=family, source="SECC 2011", listed_on=datetime.date(2019, 1, 1))
    decision = evaluate_family(family, scheme_year, DAY)
    assert not decision.eligible and decision.refusal_code == "covered_by_ab_pmjay"
    assert decision.refusal_message == (
        "This family is covered by AB-PMJAY (listed on 01-01-2019); HIMCARE is for families not in AB-PMJAY."
    )
    with translation.override("hi"):
        hindi = evaluate_family(family, scheme_year, DAY).refusal_message
    assert "01-01-2019" in hindi and "एबी-पीएमजेएवाई" in hindi


def test_pmjay_listing_ignored_when_the_year_does_not_exclude(persona_district):
    year = make_scheme_year(exclude_ab_pmjay=False)
    family = _family(persona_district)
    PmjayFamily.objects.create(family=family, source="SECC 2011", listed_on=datetime.date(2019, 1, 1))
    assert evaluate_family(family, year, DAY).eligible


@pytest.mark.parametrize("occupation", ["GOVT_EMP", "GOVT_PEN"])
def test_refusal_government_employee_family(scheme_year, persona_district, occupation):
    family = _family(persona_district, occupation=occupation)
    decision = evaluate_family(family, scheme_year, DAY)
    assert not decision.eligible and decision.refusal_code == "government_employee_family"
    assert "Ram Lal" in decision.refusal_message


def test_government_employee_who_died_does_not_exclude(scheme_year, persona_district):
    family = _family(persona_district, occupation="GOVT_PEN", status="DECEASED")
    assert evaluate_family(family, scheme_year, DAY).eligible


def test_government_rule_off(persona_district):
    year = make_scheme_year(exclude_government_employees=False)
    assert evaluate_family(_family(persona_district, occupation="GOVT_EMP"), year, DAY).eligible


def test_refusal_no_matching_category(persona_district):
    year = make_scheme_year()
    CategoryRule.objects.filter(scheme_year=year, category="III").delete()
    decision = evaluate_family(_family(persona_district), year, DAY)
    assert not decision.eligible and decision.refusal_code == "no_matching_category"


def test_enrolment_window(persona_district):
    year = make_scheme_year(new_enrolment_months=[3, 6, 9, 12])
    assert not in_enrolment_window(year, DAY)
    assert in_enrolment_window(year, datetime.date(2026, 12, 1))
    assert "March, June, September, December" in enrolment_window_refusal(year)
    with translation.override("hi"):
        assert "मार्च" in enrolment_window_refusal(year)
    year.new_enrolment_months = []
    assert in_enrolment_window(year, DAY)


@pytest.mark.parametrize(("count", "units"), [(1, 1), (5, 1), (6, 2), (10, 2), (11, 3)])
def test_units(scheme_year, count, units):
    assert units_for(count, scheme_year) == units


CRITERIA = [c.value for c in Criterion]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rules=st.lists(
        st.tuples(st.integers(0, 10_000_00), st.sets(st.sampled_from(CRITERIA), min_size=1)),
        min_size=1,
        max_size=3,
    ),
    met=st.sets(st.sampled_from(CRITERIA)),
)
def test_chosen_premium_never_higher_than_any_matching(rules, met):
    objs = [
        CategoryRule(category=cat, premium_paise=premium, criteria=sorted(criteria))
        for cat, (premium, criteria) in zip(["I", "II", "III"], rules, strict=False)
    ]
    chosen, matched = choose_category(objs, sorted(met))
    matching = [r for r in objs if met & set(r.criteria)]
    if not matching:
        assert chosen is None
        return
    assert all(chosen.premium_paise <= r.premium_paise for r in matching)
    assert matched and set(matched) <= met & set(chosen.criteria)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    is_bpl=st.booleans(),
    occupation=st.sampled_from(["", "VENDOR", "MDM", "CONTRACT", "AWW_ASHA", "FARMER", "MGNREGA"]),
    disability=st.integers(0, 100),
    mgnrega_days=st.integers(0, 100),
)
def test_family_premium_is_the_minimum_over_matching_rules(
    scheme_year, persona_district, is_bpl, occupation, disability, mgnrega_days
):
    family = make_family(
        persona_district,
        [
            {"name_roman": "Kamla Devi", "sex": "F", "year_of_birth": 1980, "marital_status": "MARRIED"},
            {
                "name_roman": "Ram Lal",
                "sex": "M",
                "year_of_birth": 1978,
                "occupation": occupation,
                "disability_percent": disability,
                "mgnrega_days": mgnrega_days,
            },
        ],
        is_bpl=is_bpl,
    )[0]
    decision = evaluate_family(family, scheme_year, DAY)
    assert decision.eligible
    met = set(matched_criteria(family, decision.members, DAY))
    premiums = [r.premium_paise for r in scheme_year.category_rules.all() if met & set(r.criteria)]
    assert decision.premium_paise == min(premiums)
    assert set(decision.matched_criteria) <= met
