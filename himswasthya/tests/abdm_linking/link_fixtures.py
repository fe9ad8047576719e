"""Shared set-up of the ABHA linking tests: a Person matching the simulator's demo ABHA, families."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.utils import translation

from himswasthya.abdm.client import AbhaProfile
from himswasthya.abdm.simulator.seed import DEMO_ACCOUNT
from himswasthya.himparivar.models import Family
from himswasthya.himparivar.tests.factories import member_of
from himswasthya.people.models import Person
from himswasthya.people.tests.factories import make_person

DEMO_PROFILE = AbhaProfile(
    abha_number=DEMO_ACCOUNT["abha_number"],
    abha_address=DEMO_ACCOUNT["abha_address"],
    name="Ramesh Thakur",
    first_name="Ramesh",
    middle_name="",
    last_name="Thakur",
    gender="M",
    year_of_birth=1985,
    month_of_birth=8,
    day_of_birth=5,
    mobile="9816000001",
    email="",
    address="Sanjauli",
    pincode="171006",
    district_name="Shimla",
    state_name="HIMACHAL PRADESH",
    status="ACTIVE",
    kyc_verified=True,
)
OTHER_ABHA = "91391417776310"


def profile(**changes) -> AbhaProfile:
    return replace(DEMO_PROFILE, **changes)


@pytest.fixture
def ramesh(persona_district) -> Person:
    return make_person(persona_district)


@pytest.fixture
def kangra_person(persona_other_district) -> Person:
    return make_person(persona_other_district, mobile="9816000002")


def make_family(district, family_id: str, members: list[dict]) -> list:
    """A Him Parivar family of Persons + Members."""
    family = Family.objects.create(family_id=family_id, district=district)
    made = []
    for index, spec in enumerate(members, start=1):
        spec = dict(spec)
        relation = spec.pop("relation", "SELF")
        person = make_person(district, **spec)
        # the register has the mobile of a member only where `spec` gives one (make_person always sets one)
        member_of(family, person, f"{family_id}-{index}", relation, mobile=spec.get("mobile"))
        made.append(person)
    return made


GREY = profile(year_of_birth=1986, mobile="9000000000")  # score 83: supervisor review


@pytest.fixture
def asha_family(persona_district, citizen) -> dict[str, Person]:
    """The citizen persona (mobile 9876543210), her husband (the simulator's demo ABHA) and a child."""
    asha, ramesh_, child = make_family(
        persona_district,
        "HP-SML-0001",
        [
            {
                "given_name": "Asha",
                "name_roman": "Asha Thakur",
                "name_deva": "आशा ठाकुर",
                "sex": "F",
                "date_of_birth": datetime.date(1988, 3, 1),
                "year_of_birth": 1988,
                "mobile": "9876543210",
            },
            {"relation": "HUSBAND", "mobile": "9816000001"},
            {
                "relation": "DAUGHTER",
                "given_name": "Riya",
                "name_roman": "Riya Thakur",
                "name_deva": "रिया ठाकुर",
                "sex": "F",
                "date_of_birth": datetime.date(2016, 1, 2),
                "year_of_birth": 2016,
                "mobile": None,
            },
        ],
    )
    return {"asha": asha, "ramesh": ramesh_, "child": child}


@pytest.fixture
def other_family(persona_district) -> dict[str, Person]:
    (head,) = make_family(
        persona_district,
        "HP-SML-0002",
        [
            {
                "given_name": "Mohan",
                "name_roman": "Mohan Negi",
                "name_deva": "मोहन नेगी",
                "mobile": "9816111111",
            },
        ],
    )
    return {"head": head}


@pytest.fixture(autouse=True)
def _english_by_default():
    """A Hindi request in an earlier test leaves Hindi active in this thread; these tests assert English."""
    translation.activate("en")
    yield
    translation.activate("en")
