"""A fixed set of people in Shimla and Kangra, in both scripts, for search, duplicate and merge tests."""

from __future__ import annotations

import pytest

from himswasthya.core.validators import luhn_check_digit
from himswasthya.people.models import IdentifierType, Person, PersonIdentifier
from himswasthya.people.tests.factories import named_person
from himswasthya.places.models import GramPanchayat

# (roman, devanagari, sex, year of birth, district: "shimla"/"kangra", mobile)
PEOPLE = [
    ("Rajesh Thakur", "राजेश ठाकुर", "M", 1980, "shimla", "9816000001"),
    ("Rajesh Kumar", "राजेश कुमार", "M", 1981, "shimla", None),
    ("Kamla Devi", "कमला देवी", "F", 1950, "shimla", "9816000002"),
    ("Sunita Chauhan", "सुनीता चौहान", "F", 1985, "shimla", None),
    ("Mohammad Ali", "मोहम्मद अली", "M", 1975, "shimla", None),
    ("Chhering Dolma", "छेरिंग डोलमा", "F", 1990, "shimla", None),
    ("Anil Verma", "अनिल वर्मा", "M", 1970, "shimla", None),
    ("Pooja Sharma", "पूजा शर्मा", "F", 1995, "shimla", None),
    ("Ramesh Kanwar", "रमेश कंवर", "M", 1960, "shimla", None),
    ("Rajesh Thakur", "राजेश ठाकुर", "M", 1955, "kangra", "9816000003"),
    ("Suresh Katoch", "सुरेश कटोच", "M", 1965, "kangra", None),
    ("Kamla Devi", "कमला देवी", "F", 1952, "kangra", None),
]


def abha_for(seed: int) -> str:
    payload = f"913{seed:010d}"
    return payload + str(luhn_check_digit(payload))


@pytest.fixture(autouse=True)
def _generous_search_rate(settings):
    # The cache (Redis on PostgreSQL runs) is shared with other suites: never clear it, just allow plenty.
    settings.PEOPLE_SEARCH_PER_MINUTE = 10_000


@pytest.fixture
def gps(persona_district, persona_other_district):
    return {
        "shimla": GramPanchayat.objects.create(name="Mashobra", source_id="PT1", district=persona_district),
        "kangra": GramPanchayat.objects.create(
            name="Sidhbari", source_id="PT2", district=persona_other_district
        ),
    }


@pytest.fixture
def people(gps):
    """name -> list of Person (two Rajesh Thakurs, two Kamla Devis), each with ABHA, member id and address."""
    created: dict[str, list[Person]] = {}
    for i, (roman, deva, sex, yob, where, mobile) in enumerate(PEOPLE, start=1):
        gp = gps[where]
        person = named_person(
            gp.district, roman, name_deva=deva, sex=sex, year_of_birth=yob, mobile=mobile, gram_panchayat=gp
        )
        PersonIdentifier.objects.create(person=person, id_type=IdentifierType.ABHA_NUMBER, value=abha_for(i))
        PersonIdentifier.objects.create(
            person=person, id_type=IdentifierType.ABHA_ADDRESS, value=f"{person.given_name.lower()}.{i}@abdm"
        )
        PersonIdentifier.objects.create(
            person=person, id_type=IdentifierType.HIM_PARIVAR_MEMBER, value=f"HPM{i:08d}"
        )
        created.setdefault(roman, []).append(person)
    return created


def first(people: dict[str, list[Person]], name: str) -> Person:
    return people[name][0]
