"""HIMCARE personas and data: a scheme year in force, an enrolled family of the citizen persona, a package
and the persona medical college empanelled for it."""

from __future__ import annotations

import pytest

from himswasthya.himcare.tests.factories import (
    make_active_enrolment,
    make_empanelment,
    make_family,
    make_icd10,
    make_package,
    make_scheme_year,
    make_specialty,
)


@pytest.fixture
def scheme_year(db):
    return make_scheme_year()


def _asha(citizen, **fields) -> dict:
    """The citizen persona (mobile 9876543210) as Asha Devi, the head of a family."""
    head = {"name_roman": "Asha Devi", "sex": "F", "year_of_birth": 1980, "relation": "SELF"}
    return {**head, "mobile": citizen.mobile, **fields}


@pytest.fixture
def citizen_family(citizen, persona_district):
    """The citizen persona (mobile 9876543210) heads a family of three."""
    family, members = make_family(
        persona_district,
        [
            _asha(citizen),
            {"name_roman": "Ramesh Thakur", "sex": "M", "year_of_birth": 1978, "relation": "HUSBAND"},
            {"name_roman": "Anu Thakur", "sex": "F", "year_of_birth": 2012, "relation": "DAUGHTER"},
        ],
        family_id="HP-FAM-HC-1",
    )
    return family


@pytest.fixture
def married_citizen_family(citizen, persona_district):
    """A family of the everyone-else category (premium ₹1,000) whose head is the citizen persona: Asha Devi
    and her husband Ramesh Thakur, both married, with their Devanagari names (the whole-path tests)."""
    family, members = make_family(
        persona_district,
        [
            _asha(citizen, name_deva="आशा देवी", marital_status="MARRIED"),
            {
                "name_roman": "Ramesh Thakur",
                "name_deva": "रमेश ठाकुर",
                "sex": "M",
                "year_of_birth": 1978,
                "relation": "HUSBAND",
                "marital_status": "MARRIED",
            },
        ],
        family_id="HP-FAM-PATH-1",
    )
    for member in members:  # as in Him Parivar: the person carries the Devanagari name too
        member.person.name_deva = member.name_deva
        member.person.save()
    return family


@pytest.fixture
def active_enrolment(citizen_family, scheme_year):
    return make_active_enrolment(citizen_family, scheme_year)


@pytest.fixture
def specialty(db):
    return make_specialty()


@pytest.fixture
def surgery_package(specialty):
    return make_package(specialty=specialty)


@pytest.fixture
def empanelment(persona_facility, specialty):
    return make_empanelment(persona_facility, specialty)


@pytest.fixture
def gallstone_icd10(db):
    return make_icd10()
