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


def _facility(district, code, name, name_hi, facility_type):
    from himswasthya.facilities.models import Facility

    return _place(
        Facility, code=code, name=name, name_hi=name_hi, facility_type=facility_type, district=district
    )


@pytest.fixture
def persona_facility(persona_district):
    return _facility(
        persona_district, "PERSONA-MC-SML", "Persona Medical College Shimla", "पर्सोना मेडिकल कॉलेज शिमला", "MC"
    )


@pytest.fixture
def persona_other_facility(persona_other_district):
    return _facility(
        persona_other_district,
        "PERSONA-CH-KGR",
        "Persona Civil Hospital Kangra",
        "पर्सोना सिविल अस्पताल कांगड़ा",
        "CH",
    )


@pytest.fixture
def citizen(db):
    return _user("citizen-asha", "citizen", password=False, mobile="9876543210", first_name="Asha")


# The staff personas: fixture name -> (role, the fixture of their facility or district, or None for state-wide
# staff, extra user fields). Each name is both the fixture and the username. scheme_desk is the HIMCARE desk
# (Arogya Mitra) of the persona medical college.
STAFF_PERSONAS = {
    "clerk": ("clerk", "persona_facility", {}),
    "doctor": ("doctor", "persona_facility", {}),
    "facility_admin": ("facility_admin", "persona_facility", {}),
    "scheme_desk": ("scheme_desk", "persona_facility", {}),
    "other_scheme_desk": ("scheme_desk", "persona_other_facility", {}),
    "other_facility_clerk": ("clerk", "persona_other_facility", {}),
    "district_officer": ("district_officer", "persona_district", {}),
    "other_district_officer": ("district_officer", "persona_other_district", {}),
    "himcare_officer": ("himcare_officer", None, {}),
    "grievance_officer": ("grievance_officer", None, {}),
    "state_admin": ("state_admin", None, {"is_staff": True, "is_superuser": True}),
}


def _staff_fixture(username, role, where, extra):
    def persona(request):
        request.getfixturevalue("db")
        fields = dict(extra)
        if where is not None:
            # persona_facility / persona_other_facility -> facility=..., persona_*district -> district=...
            fields[where.rsplit("_", 1)[-1]] = request.getfixturevalue(where)
        return _user(username, role, **fields)

    persona.__doc__ = f"The {role} persona {username!r}" + (f" of {where}." if where else " (state-wide).")
    return pytest.fixture(name=username)(persona)


for _name, (_role, _where, _extra) in STAFF_PERSONAS.items():
    globals()[_name] = _staff_fixture(_name, _role, _where, _extra)
