"""Audit test set-up: minimal places, a facility and the users the viewer's scoping cares about.

Persona fixtures are being built in the accounts app; these are local, plain `User` rows on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from himswasthya.accounts.models import Role, User
from himswasthya.audit.models import AuditEntry
from himswasthya.facilities.models import Facility
from himswasthya.places.models import District, State

KEYED_CHECK = "audit_keyed_after_upgrade"  # migration 0003


@pytest.fixture
def districts(db) -> tuple[District, District]:
    state = State.objects.create(name="Himachal Pradesh", lgd_code=2)
    shimla = District.objects.create(name="Shimla", lgd_code=34, state=state)
    kangra = District.objects.create(name="Kangra", lgd_code=29, state=state)
    return shimla, kangra


@pytest.fixture
def facility(districts) -> Facility:
    return Facility.objects.create(
        code="HP-SML-CH1", name="Civil Hospital Rampur", facility_type="CH", district=districts[0]
    )


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


@contextmanager
def as_attacker() -> Iterator[None]:
    """An attacker with database access: on PostgreSQL, switch off the append-only trigger for this
    transaction (a superuser can) and drop the check that sealing after the upgrade is keyed (the owner can;
    the test's transaction brings it back), so the tests show the *chain* catches what they would refuse."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            # ALTER TABLE refuses while foreign-key checks are pending: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {AuditEntry._meta.db_table} DROP CONSTRAINT IF EXISTS {KEYED_CHECK}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are INITIALLY DEFERRED
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def raw(sql: str, params: list | tuple = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
