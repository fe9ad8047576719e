"""The fixtures of the demo loaders' tests: other apps' fixtures and factories, and a population."""

import pytest

from himswasthya.demo.personas import CASUALTY_DEPARTMENT, DEMO_CITIZEN_MOBILE
from himswasthya.facilities.departments import ensure_departments
from himswasthya.himcare.tests.factories import make_scheme_year, make_specialty
from himswasthya.himparivar.models import Family
from himswasthya.himparivar.tests.factories import member_of
from himswasthya.himparivar.tests.fixtures import geography
from himswasthya.registration.tests.booking_fixtures import (
    clock,
    make_person,
    medicine,
    thursday_session,
    wednesday_session,
)

__all__ = [
    "clock",
    "demo_facility",
    "geography",
    "medicine",
    "population",
    "scheme_year",
    "specialty",
    "thursday_session",
    "wednesday_session",
]


@pytest.fixture
def population(geography):
    """800 synthetic people in families over `geography` (Shimla, Kangra, Lahaul & Spiti, Kinnaur)."""
    from himswasthya.demo.population.services import do_make_population

    return do_make_population(800, seed=11, batch_people=150)


@pytest.fixture
def scheme_year(db):
    return make_scheme_year()


@pytest.fixture
def specialty(db):
    return make_specialty()


@pytest.fixture
def demo_facility(persona_facility, persona_other_facility, persona_district):
    """The demo's own facility (the persona medical college in Shimla) with its casualty and medicine OPDs,
    40 people of the district, and the demo citizen's family (head and daughter)."""
    codes = ensure_departments()
    persona_facility.departments.add(codes[CASUALTY_DEPARTMENT], codes["general-medicine"])
    for _ in range(40):
        make_person(persona_district)
    family = Family.objects.create(family_id="HP-FAM-DEMO-1", district=persona_district)
    head = make_person(persona_district, "Asha Devi", mobile=DEMO_CITIZEN_MOBILE, sex="F")
    daughter = make_person(persona_district, "Anu Devi", sex="F", year_of_birth=2015)
    member_of(family, head, "M-DEMO-1")
    member_of(family, daughter, "M-DEMO-2", "DAUGHTER")
    return persona_facility, daughter
