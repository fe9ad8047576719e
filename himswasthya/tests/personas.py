"""The test personas of every app (loaded by the root conftest via pytest_plugins), on a handful of rows
created here (not on loaded data), so they are fast:

    citizen, clerk, doctor, facility_admin, scheme_desk - Shimla medical college (persona_facility)
    other_facility_clerk, other_scheme_desk, other_district_officer - Kangra civil hospital / Kangra district
    district_officer                                    - Shimla district
    himcare_officer, grievance_officer, state_admin     - state-wide

All staff have the password PERSONA_PASSWORD; `login_as(user)` (accounts/tests/fixtures.py) returns a
logged-in test client. A project fixture, outside the app layers: it needs accounts, places and facilities.
"""

from __future__ import annotations

import pytest

from himswasthya.accounts.tests.fixtures import _user


def _place(model, **kwargs):
    lookup = {k: v for k, v in kwargs.items() if k in {"lgd_code", "code"}}
    defaults = {k: v for k, v in kwargs.items() if k not in lookup}
    return model.objects.get_or_create(**lookup, defaults=defaults)[0]


@pytest.fixture
def persona_state(db):
    from himswasthya.places.models import State

    return _place(State, lgd_code=2, name="Himachal Pradesh", name_hi="हिमाचल प्रदेश")


@pytest.fixture
def persona_district(persona_state):
    from himswasthya.places.models import District

    return _place(District, lgd_code=23, name="Shimla", name_hi="शिमला", state=persona_state)


@pytest.fixture
def persona_other_district(persona_state):
    from himswasthya.places.models import District

    return _place(District, lgd_code=18, name="Kangra", name_hi="कांगड़ा", state=persona_state)


@pytest.fixture
def persona_facility(persona_district):
    from himswasthya.facilities.models import Facility

    return _place(
        Facility,
        code="PERSONA-MC-SML",
        name="Persona Medical College Shimla",
        name_hi="पर्सोना मेडिकल कॉलेज शिमला",
        facility_type="MC",
        district=persona_district,
    )


@pytest.fixture
def persona_other_facility(persona_other_district):
    from himswasthya.facilities.models import Facility

    return _place(
        Facility,
        code="PERSONA-CH-KGR",
        name="Persona Civil Hospital Kangra",
        name_hi="पर्सोना सिविल अस्पताल कांगड़ा",
        facility_type="CH",
        district=persona_other_district,
    )


@pytest.fixture
def citizen(db):
    return _user("citizen-asha", "citizen", password=False, mobile="9876543210", first_name="Asha")


@pytest.fixture
def clerk(persona_facility):
    return _user("clerk", "clerk", facility=persona_facility)


@pytest.fixture
def doctor(persona_facility):
    return _user("doctor", "doctor", facility=persona_facility)


@pytest.fixture
def facility_admin(persona_facility):
    return _user("facility_admin", "facility_admin", facility=persona_facility)


@pytest.fixture
def scheme_desk(persona_facility):
    """The HIMCARE desk (Arogya Mitra) of the persona medical college."""
    return _user("scheme_desk", "scheme_desk", facility=persona_facility)


@pytest.fixture
def other_scheme_desk(persona_other_facility):
    return _user("other_scheme_desk", "scheme_desk", facility=persona_other_facility)


@pytest.fixture
def other_facility_clerk(persona_other_facility):
    return _user("other_facility_clerk", "clerk", facility=persona_other_facility)


@pytest.fixture
def district_officer(persona_district):
    return _user("district_officer", "district_officer", district=persona_district)


@pytest.fixture
def other_district_officer(persona_other_district):
    return _user("other_district_officer", "district_officer", district=persona_other_district)


@pytest.fixture
def himcare_officer(db):
    return _user("himcare_officer", "himcare_officer")


@pytest.fixture
def grievance_officer(db):
    return _user("grievance_officer", "grievance_officer")


@pytest.fixture
def state_admin(db):
    return _user("state_admin", "state_admin", is_staff=True, is_superuser=True)
