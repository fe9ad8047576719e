"""The audit viewer's users - plain `User` rows with the names these tests look for - on the persona
places and facility of the root fixtures (himswasthya/tests/personas.py)."""

from __future__ import annotations

import pytest

from himswasthya.accounts.models import Role, User


@pytest.fixture
def districts(persona_district, persona_other_district):
    return persona_district, persona_other_district  # Shimla, Kangra


@pytest.fixture
def facility(persona_facility):
    return persona_facility  # in Shimla


@pytest.fixture
def state_admin(db) -> User:
    return User.objects.create_user("stateadmin", password="x-Secret-123", role=Role.STATE_ADMIN)


@pytest.fixture
def shimla_officer(districts) -> User:
    return User.objects.create_user(
        "dho_shimla", password="x-Secret-123", role=Role.DISTRICT_OFFICER, district=districts[0]
    )


@pytest.fixture
def kangra_officer(districts) -> User:
    return User.objects.create_user(
        "dho_kangra", password="x-Secret-123", role=Role.DISTRICT_OFFICER, district=districts[1]
    )


@pytest.fixture
def clerk(facility) -> User:
    return User.objects.create_user(
        "clerk_rampur", password="x-Secret-123", role=Role.REGISTRATION_CLERK, facility=facility
    )
