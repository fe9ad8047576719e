from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from himswasthya.audit import chain, services
from himswasthya.audit.models import AppendOnlyError, AuditEntry
from himswasthya.audit.tests.conftest import as_attacker, raw

TABLE = AuditEntry._meta.db_table


@pytest.fixture
def sealed(db) -> AuditEntry:
    services.record("person.read", object_type="people.Person", object_id=1, purpose="opd")
    chain.seal_pending()
    return AuditEntry.objects.get()


@pytest.fixture
def unsealed(db) -> AuditEntry:
    return services.record("person.read", object_type="people.Person", object_id=2, purpose="opd")


def test_the_orm_refuses_to_save_an_existing_entry(sealed, unsealed):
    for entry in (sealed, unsealed):
        entry.object_id = "3"
        with pytest.raises(AppendOnlyError):
            entry.save()


def test_the_orm_refuses_to_delete_an_entry(sealed):
    with pytest.raises(AppendOnlyError):
        sealed.delete()
    assert AuditEntry.objects.filter(pk=sealed.pk).exists()


def test_the_queryset_refuses_bulk_update_and_delete(sealed):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=sealed.pk).update(object_id="3")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(purpose="x")
    sealed.refresh_from_db()
    assert sealed.object_id == "1"


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET object_id = '3' WHERE id = %s",
        f"UPDATE {TABLE} SET entry_hash = repeat('a', 64) WHERE id = %s",
        f"UPDATE {TABLE} SET seq = NULL, entry_hash = '', sealed_at = NULL WHERE id = %s",
        f"DELETE FROM {TABLE} WHERE id = %s",
    ],
)
def test_postgres_refuses_changing_or_deleting_a_sealed_row_even_in_sql(sealed, sql):
    with pytest.raises(DatabaseError, match="append-only|sealed"), transaction.atomic():
        raw(sql, [sealed.pk])
    assert chain.verify_chain().ok


@pytest.mark.postgres_only
def test_postgres_refuses_deleting_or_rewriting_an_unsealed_row(unsealed):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [unsealed.pk])
    with pytest.raises(DatabaseError, match="only be sealed"), transaction.atomic():
        raw(f"UPDATE {TABLE} SET object_id = '9' WHERE id = %s", [unsealed.pk])
    # Sealing it unkeyed is refused (db_guards: only entries sealed before the upgrade are unkeyed)...
    seal = (
        f"UPDATE {TABLE} SET seq = 1, prev_hash = '', entry_hash = repeat('b', 64), sealed_at = %s, "
        f"key_id = %s WHERE id = %s"
    )
    with pytest.raises(DatabaseError, match="audit_keyed_after_upgrade"), transaction.atomic():
        raw(seal, [timezone.now(), "", unsealed.pk])
    # ...sealing it with a key touches only the seal fields, and is allowed.
    with transaction.atomic():
        raw(seal, [timezone.now(), "0123abcd", unsealed.pk])


@pytest.mark.postgres_only
def test_an_owner_can_bypass_the_trigger_which_is_why_the_chain_exists(sealed):
    with as_attacker():
        assert raw(f"UPDATE {TABLE} SET object_id = '3' WHERE id = %s", [sealed.pk]) == 1
    assert chain.verify_chain().problem == "tampered"
