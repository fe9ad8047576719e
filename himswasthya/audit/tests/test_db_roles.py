"""PostgreSQL: the application's role may append to and seal the audit log, never change or delete it.

Production runs migrations as the tables' owner and the application as a limited role with the grants of
`manage.py audit_db_grants`; the audit migration (audit/db_guards.py) revokes UPDATE/DELETE/TRUNCATE on the
log from everybody else.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from himswasthya.audit import chain, db_guards, services
from himswasthya.audit.models import AuditEntry
from himswasthya.audit.tests.conftest import raw

TABLE = AuditEntry._meta.db_table
pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


def new_role() -> str:
    # Roles are cluster-wide: a unique name, created in the test's transaction and rolled back with it.
    role = f"hs_test_app_{uuid.uuid4().hex[:12]}"
    raw(f"CREATE ROLE {role} NOLOGIN")
    return role


def record_and_seal(object_id: int) -> AuditEntry:
    entry = services.record("person.read", object_type="people.Person", object_id=object_id, purpose="opd")
    chain.seal_pending()
    return AuditEntry.objects.get(pk=entry.pk)


@pytest.fixture
def as_app_role() -> Iterator[str]:
    role = new_role()
    out = StringIO()
    call_command("audit_db_grants", "--role", role, "--apply", stdout=out)
    assert f'REVOKE UPDATE, DELETE, TRUNCATE ON TABLE "{TABLE}" FROM "{role}"' in out.getvalue()
    raw(f"SET ROLE {role}")
    try:
        yield role
    finally:
        raw("RESET ROLE")


def test_the_app_role_records_seals_checkpoints_and_verifies(as_app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == as_app_role
    record_and_seal(1)
    record_and_seal(2)
    assert chain.write_checkpoint() is not None
    assert chain.verify_chain().ok


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET object_id = '3' WHERE id = %s",
        f"UPDATE {TABLE} SET detail = '{{}}', purpose = 'x' WHERE id = %s",
        f"DELETE FROM {TABLE} WHERE id = %s",
        f"TRUNCATE {TABLE}",
        "DELETE FROM audit_chainhead WHERE %s > 0",
        "TRUNCATE audit_chainhead",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_entry_append_only",
        "SET session_replication_role = replica",
    ],
)
def test_the_app_role_may_not_change_delete_or_unprotect_audit_entries(as_app_role, sql):
    entry = record_and_seal(1)
    with pytest.raises(DatabaseError, match="permission denied|must be owner"), transaction.atomic():
        raw(sql, [entry.pk] if "%s" in sql else [])
    assert chain.verify_chain().ok


def test_the_app_role_may_update_seal_columns_only_once_the_trigger_refuses_resealing(as_app_role):
    entry = record_and_seal(1)
    with pytest.raises(DatabaseError, match="is sealed"), transaction.atomic():
        raw(f"UPDATE {TABLE} SET entry_hash = repeat('a', 64) WHERE id = %s", [entry.pk])


def test_the_owner_is_refused_by_the_trigger():
    entry = record_and_seal(1)
    for sql in (f"UPDATE {TABLE} SET object_id = '3' WHERE id = %s", f"DELETE FROM {TABLE} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only|is sealed"), transaction.atomic():
            raw(sql, [entry.pk])


def test_lock_down_takes_update_delete_and_truncate_from_every_other_role():
    role = new_role()
    raw(f"GRANT ALL ON {TABLE} TO {role}")
    raw(f"GRANT ALL ON audit_chainhead TO {role}")
    raw(f"GRANT UPDATE, DELETE ON {TABLE} TO PUBLIC")
    db_guards.lock_down(None, SimpleNamespace(connection=connection))

    def has(privilege: str, table: str = TABLE, grantee: str = role) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [grantee, table, privilege])
            return cursor.fetchone()[0]

    def has_column(column: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT has_column_privilege(%s, %s, %s, 'UPDATE')", [role, TABLE, column])
            return cursor.fetchone()[0]

    assert not any(has(p) for p in ("UPDATE", "DELETE", "TRUNCATE"))
    assert has("INSERT") and has("SELECT")
    assert has_column("entry_hash") and has_column("key_id") and not has_column("object_id")
    assert has("UPDATE", "audit_chainhead") and not has("DELETE", "audit_chainhead")
    assert not has("TRUNCATE", "audit_chainhead")
    assert not has("DELETE", TABLE, "public")


def test_audit_db_grants_refuses_odd_role_names():
    with pytest.raises(CommandError, match="plain lower-case role name"):
        call_command("audit_db_grants", "--role", 'app"; DROP TABLE x; --', stdout=StringIO())
