from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from himswasthya.audit import chain, services
from himswasthya.audit.models import AuditEntry, ChainHead
from himswasthya.audit.tests.conftest import as_attacker, raw
from himswasthya.audit.tests.test_tamper import entries, forged_entry, insert_row, record

TABLE = AuditEntry._meta.db_table


def _sealed_chain(actor=None, n: int = 5) -> list[AuditEntry]:
    record(n, actor=actor)
    return entries()


@pytest.mark.django_db
def test_a_sealed_chain_verifies(state_admin):
    entries = _sealed_chain(state_admin)
    result = chain.verify_chain()
    assert result.ok, result.message
    assert result.checked == 5
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    head = ChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (5, entries[-1].entry_hash)


@pytest.mark.django_db
def test_the_hash_is_reproducible_from_the_canonical_form(state_admin):
    entry = _sealed_chain(state_admin, n=1)[0]
    payload = json.loads(chain.canonical_bytes(entry))
    assert payload["id"] == str(entry.id) and payload["seq"] == "1"
    assert payload["created_at"].endswith("+00:00")
    assert payload["actor_id"] == str(state_admin.pk)
    assert chain.compute_hash(chain.GENESIS_HASH, entry) == entry.entry_hash


# Each column an attacker could change, and a new value for it (SQL literal or parameter).
TAMPERS = {
    "action": ("action", "person.update"),
    "object_type": ("object_type", "people.Family"),
    "object_id": ("object_id", "999"),
    "purpose": ("purpose", "claims"),
    "actor_role": ("actor_role", "doctor"),
    "actor_id": ("actor_id", None),
    "facility_id": ("facility_id", 77),
    "district_id": ("district_id", 4),
    "ip": ("ip", "10.6.6.6"),
    "detail": ("detail", '{"page": 99}'),
    "prev_hash": ("prev_hash", "f" * 64),
    "entry_hash": ("entry_hash", "e" * 64),
}


@pytest.mark.django_db
@pytest.mark.parametrize("column", [*TAMPERS, "created_at", "seq_swap"])
def test_tampering_with_any_field_is_detected(column, state_admin):
    entries = _sealed_chain(state_admin)
    victim = entries[2]
    with as_attacker():
        if column == "created_at":
            raw(
                f"UPDATE {TABLE} SET created_at = %s WHERE id = %s",
                [victim.created_at - timedelta(hours=3), victim.id],
            )
        elif column == "seq_swap":  # reorder: swap the positions of entries 3 and 4
            raw(f"UPDATE {TABLE} SET seq = 1000 WHERE id = %s", [entries[2].id])
            raw(f"UPDATE {TABLE} SET seq = 3 WHERE id = %s", [entries[3].id])
            raw(f"UPDATE {TABLE} SET seq = 4 WHERE id = %s", [entries[2].id])
        else:
            name, value = TAMPERS[column]
            assert raw(f"UPDATE {TABLE} SET {name} = %s WHERE id = %s", [value, victim.id]) == 1
    result = chain.verify_chain()
    assert not result.ok
    assert result.first_bad_seq == 3
    assert result.problem in {"tampered", "broken_link"}
    assert "seq 3" in result.message


@pytest.mark.django_db
def test_a_deleted_entry_is_detected_as_a_gap(state_admin):
    entries = _sealed_chain(state_admin)
    with as_attacker():
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [entries[1].id])
    result = chain.verify_chain()
    assert (result.ok, result.problem, result.first_bad_seq, result.first_bad_id) == (
        False,
        "gap",
        3,
        entries[2].id,
    )
    assert "seq 2 was expected" in result.message


@pytest.mark.django_db
def test_a_deleted_tail_is_detected_against_the_head(state_admin):
    entries = _sealed_chain(state_admin)
    with as_attacker():
        raw(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [entries[3].id, entries[4].id])
    result = chain.verify_chain()
    assert (result.ok, result.problem, result.first_bad_seq) == (False, "head_mismatch", 4)


@pytest.mark.django_db
def test_an_inserted_entry_is_detected_even_with_a_correct_own_hash(state_admin):
    entries = _sealed_chain(state_admin)
    # The attacker makes room after seq 2 and inserts a forged entry hashed onto entry 2.
    with as_attacker():
        for e in reversed(entries[2:]):
            raw(f"UPDATE {TABLE} SET seq = seq + 1 WHERE id = %s", [e.id])
        forged = forged_entry(entries[1], 3)
        forged.entry_hash = chain.compute_hash(forged.prev_hash, forged)
        insert_row(forged)
        raw("UPDATE audit_chainhead SET last_seq = 6")
    result = chain.verify_chain()
    assert not result.ok
    # The forged entry links, but its hash is unkeyed (the attacker has no key) after keyed entries.
    assert (result.problem, result.first_bad_id, result.first_bad_seq) == ("unkeyed", forged.id, 3)


@pytest.mark.django_db
def test_a_sealed_row_slipped_in_beyond_the_head_is_detected(state_admin):
    entries = _sealed_chain(state_admin, n=2)
    with as_attacker():
        raw(
            f"INSERT INTO {TABLE} (seq, created_at, actor_role, action, object_type, object_id, purpose, "
            f"detail, prev_hash, entry_hash, sealed_at) "
            f"VALUES (3, %s, '', 'person.read', 'people.Person', '1', '', '{{}}', %s, %s, %s)",
            [timezone.now(), entries[1].entry_hash, "a" * 64, timezone.now()],
        )
    result = chain.verify_chain()
    assert (result.ok, result.problem, result.first_bad_seq) == (False, "beyond_head", 3)


@pytest.mark.django_db
def test_chain_order_is_seal_order_not_id_order(state_admin):
    first = _sealed_chain(state_admin, n=2)
    # An entry with a lower id than the sealed ones commits late (its transaction was slower).
    late = AuditEntry(
        id=first[0].id - 1 if first[0].id > 1 else None,
        action="person.read",
        object_type="people.Person",
        object_id="1",
    )
    late.save(force_insert=True)
    services.record("person.read", object_type="people.Person", object_id="2")
    chain.seal_pending()
    late.refresh_from_db()
    assert late.seq == 3
    assert chain.verify_chain().ok


@pytest.mark.django_db
def test_sealing_in_small_batches_gives_one_chain(state_admin):
    for i in range(7):
        services.record("person.read", object_type="people.Person", object_id=i)
    assert chain.seal_pending(batch_size=3) == 7
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 8))
    assert chain.verify_chain().ok


@pytest.mark.django_db
def test_verify_audit_command_passes_on_a_sound_chain(state_admin):
    _sealed_chain(state_admin)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "OK: chain of 5 entries verified" in out.getvalue()


@pytest.mark.django_db
def test_verify_audit_command_exits_non_zero_and_names_the_bad_entry(state_admin):
    entries = _sealed_chain(state_admin)
    with as_attacker():
        raw(f"UPDATE {TABLE} SET object_id = '1' WHERE id = %s", [entries[3].id])
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit", stderr=err)
    assert exit_info.value.code == 1
    assert f"AUDIT CHAIN BROKEN (tampered): entry seq 4 (id={entries[3].id})" in err.getvalue()


@pytest.mark.django_db
def test_verify_audit_reports_entries_left_unsealed_and_seal_audit_seals_them(state_admin):
    _sealed_chain(state_admin, n=2)
    stale = AuditEntry(
        action="person.read",
        object_type="people.Person",
        object_id="1",
        created_at=timezone.now() - timedelta(minutes=10),
    )
    stale.save(force_insert=True)
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit", "--stale-after", "60", stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 2
    assert "1 audit entries are still unsealed" in err.getvalue()

    out = StringIO()
    call_command("seal_audit", stdout=out)
    assert "sealed 1 audit entries" in out.getvalue()
    call_command("verify_audit", "--stale-after", "60", stdout=StringIO())


@pytest.mark.django_db
def test_verify_reads_postgres_and_sqlite_alike(state_admin):
    # The canonical form must not depend on the engine's JSON or timestamp formatting.
    services.record(
        "person.read", object_type="people.Person", object_id=1, detail={"b": [1, "x"], "a": None}
    )
    chain.seal_pending()
    entry = AuditEntry.objects.get()
    assert json.loads(chain.canonical_bytes(entry))["detail"] == {"a": None, "b": ["1", "x"]}
    assert connection.vendor in {"sqlite", "postgresql"}
