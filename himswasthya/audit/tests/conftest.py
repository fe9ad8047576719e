"""Audit test set-up: the attacker's raw SQL. Users, places and facilities are the root persona fixtures
(himswasthya/tests/personas.py: `clerk`, `state_admin`, `district_officer`, `persona_facility`...): audit sits
below accounts, places and facilities and imports none of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from himswasthya.audit.models import AuditEntry

KEYED_CHECK = "audit_keyed_after_upgrade"  # audit/db_guards.py


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
