"""The keyed chain: key rotation, entries sealed before the upgrade, the checkpoint writer, the settings."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from himswasthya.audit import chain, checkpoints, db_guards, keys
from himswasthya.audit.models import AuditEntry, ChainHead
from himswasthya.audit.tests.conftest import as_attacker, raw
from himswasthya.audit.tests.test_tamper import assert_broken, entries, record, set_head, verify_audit
from himswasthya.core.tests.settings_probe import settings_import

TABLE = AuditEntry._meta.db_table
KEY_A = base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = base64.urlsafe_b64encode(b"B" * 32).decode()
pytestmark = pytest.mark.django_db


def test_entries_are_sealed_with_an_hmac_of_the_newest_key(settings):
    settings.AUDIT_HMAC_KEYS = [KEY_A]
    record(2)
    first = entries()[0]
    assert first.key_id == keys.key_id(b"A" * 32)
    assert json.loads(chain.canonical_bytes(first))["key_id"] == first.key_id
    unkeyed = hashlib.sha256(chain.GENESIS_HASH.encode() + chain.canonical_bytes(first)).hexdigest()
    assert first.entry_hash != unkeyed
    assert chain.compute_hash(chain.GENESIS_HASH, first) == first.entry_hash


def test_a_rotated_key_verifies_old_entries_and_seals_new_ones(settings):
    settings.AUDIT_HMAC_KEYS = [KEY_A]
    record(3)
    assert chain.write_checkpoint() is not None
    settings.AUDIT_HMAC_KEYS = [KEY_B, KEY_A]  # rotation: the new key first, the old one kept
    record(2, start=3)
    assert chain.write_checkpoint() is not None
    kid_a, kid_b = keys.key_id(b"A" * 32), keys.key_id(b"B" * 32)
    assert [e.key_id for e in entries()] == [kid_a] * 3 + [kid_b] * 2
    assert [cp.kid for cp in checkpoints.read_checkpoints(keys.keyring())] == [kid_a, kid_b]
    code, text = verify_audit()
    assert code == 0, text
    # Dropping a key that still sealed entries and checkpoints makes them unverifiable (kept on purpose).
    settings.AUDIT_HMAC_KEYS = [KEY_B]
    result = assert_broken("checkpoint_invalid")
    assert "not in AUDIT_HMAC_KEYS" in result.message


def test_an_entry_sealed_with_an_old_key_after_rotation_still_verifies(settings):
    """A process not yet restarted after the rotation keeps sealing with the old key: that is sound."""
    settings.AUDIT_HMAC_KEYS = [KEY_B, KEY_A]
    record(2)
    settings.AUDIT_HMAC_KEYS = [KEY_A]
    record(1, start=2)
    settings.AUDIT_HMAC_KEYS = [KEY_B, KEY_A]
    assert chain.verify_chain().ok


# --- entries sealed before the chain was keyed -----------------------------------------------------------


def seal_like_before_the_upgrade() -> None:
    """What the sealer did before the chain was keyed: plain SHA-256, no key id."""
    chain._ensure_head()
    head = ChainHead.objects.get()
    prev_hash, seq, now = head.last_hash or chain.GENESIS_HASH, head.last_seq, timezone.now()
    for entry in AuditEntry.objects.filter(seq__isnull=True).order_by("id"):
        seq += 1
        entry.seq, entry.prev_hash, entry.key_id, entry.sealed_at = seq, prev_hash, "", now
        entry.entry_hash = prev_hash = hashlib.sha256(
            prev_hash.encode() + chain.canonical_bytes(entry)
        ).hexdigest()
        raw(
            f"UPDATE {TABLE} SET seq = %s, prev_hash = %s, entry_hash = %s, sealed_at = %s WHERE id = %s",
            [entry.seq, entry.prev_hash, entry.entry_hash, now, entry.id],
        )
    set_head(seq, prev_hash)


@pytest.fixture
def upgraded(db) -> list[AuditEntry]:
    """Three entries sealed before the upgrade (then the keyed constraint was added), two with the key."""
    from himswasthya.audit.services import record as record_one

    for i in range(3):
        record_one("person.read", object_type="people.Person", object_id=i, purpose="opd")
    with as_attacker():  # the test database was migrated already: back to the time before the keyed chain
        seal_like_before_the_upgrade()
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        db_guards.add_keyed_constraint(None, SimpleNamespace(connection=connection))
        raw("SET CONSTRAINTS ALL DEFERRED")
    record(2, start=3)
    return entries()


def test_entries_sealed_before_the_upgrade_keep_their_hash_and_verify(upgraded):
    assert [e.key_id == "" for e in upgraded] == [True, True, True, False, False]
    assert "key_id" not in json.loads(chain.canonical_bytes(upgraded[0]))  # the old canonical form
    assert chain.verify_chain().ok
    checkpoint = chain.write_checkpoint()
    assert checkpoint is not None and checkpoint.legacy_seq == 3 and checkpoint.seq == 5
    code, text = verify_audit()
    assert code == 0, text


@pytest.mark.postgres_only
def test_after_the_upgrade_an_old_process_cannot_seal_unkeyed(upgraded):
    from django.db import DatabaseError, transaction

    from himswasthya.audit.services import record as record_one

    late = record_one("person.read", object_type="people.Person", object_id=9, purpose="opd")
    with pytest.raises(DatabaseError, match="audit_keyed_after_upgrade"), transaction.atomic():
        raw(
            f"UPDATE {TABLE} SET seq = 6, prev_hash = %s, entry_hash = repeat('a', 64), sealed_at = now() "
            f"WHERE id = %s",
            [upgraded[-1].entry_hash, late.id],
        )


@pytest.mark.parametrize("relink", [False, True])
def test_a_legacy_entry_edited_and_rehashed_is_caught_by_the_keyed_entry_after_it(upgraded, relink):
    prev_hash = upgraded[0].entry_hash
    with as_attacker():
        for entry in upgraded[1:3]:
            entry.object_id = "999" if entry.seq == 2 else entry.object_id
            entry.prev_hash = prev_hash
            entry.entry_hash = prev_hash = hashlib.sha256(
                prev_hash.encode() + chain.canonical_bytes(entry)
            ).hexdigest()
            raw(
                f"UPDATE {TABLE} SET object_id = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",
                [entry.object_id, entry.prev_hash, entry.entry_hash, entry.id],
            )
        if relink:  # the keyed entry after them is pointed at the forged hash; its HMAC no longer matches
            raw(f"UPDATE {TABLE} SET prev_hash = %s WHERE id = %s", [prev_hash, upgraded[3].id])
    assert_broken("tampered" if relink else "broken_link", seq=4)


def test_rewriting_the_whole_chain_unkeyed_is_caught_by_the_first_checkpoints_boundary(upgraded):
    assert chain.write_checkpoint() is not None  # legacy_seq 3
    prev_hash = chain.GENESIS_HASH
    with as_attacker():
        for entry in upgraded:
            entry.object_id = "999" if entry.seq == 2 else entry.object_id
            entry.prev_hash, entry.key_id = prev_hash, ""
            entry.entry_hash = prev_hash = hashlib.sha256(
                prev_hash.encode() + chain.canonical_bytes(entry)
            ).hexdigest()
            raw(
                f"UPDATE {TABLE} SET object_id = %s, prev_hash = %s, entry_hash = %s, key_id = '' "
                f"WHERE id = %s",
                [entry.object_id, entry.prev_hash, entry.entry_hash, entry.id],
            )
        set_head(5, prev_hash)
    assert_broken("unkeyed", seq=4)


# --- the checkpoint writer ---------------------------------------------------------------------------------


def test_checkpoints_are_written_only_when_the_head_moved_and_link_to_each_other():
    first = chain.write_checkpoint()  # an empty chain is anchored too: nothing may ever be unkeyed
    assert first is not None and (first.n, first.seq, first.hash, first.legacy_seq) == (1, 0, "0" * 64, 0)
    assert chain.write_checkpoint() is None
    record(2)
    out = StringIO()
    call_command("checkpoint_audit", stdout=out)
    assert "checkpoint 2: seq 2" in out.getvalue()
    call_command("checkpoint_audit", stdout=out)
    assert "has not moved" in out.getvalue()
    found = checkpoints.read_checkpoints(keys.keyring())
    assert [(cp.n, cp.seq) for cp in found] == [(1, 0), (2, 2)]
    assert found[1].prev == found[0].mac and found[1].hash == entries()[-1].entry_hash
    head = ChainHead.objects.get()
    assert (head.checkpoint_n, head.checkpoint_mac) == (2, found[1].mac)
    path = checkpoints.checkpoint_path()
    assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0  # not world-readable or writable
    assert len(path.read_text().splitlines()) == 2


def test_checkpoint_audit_seals_pending_entries_first(django_capture_on_commit_callbacks):
    from himswasthya.audit.services import record as record_one

    with django_capture_on_commit_callbacks(execute=False):
        record_one("person.read", object_type="people.Person", object_id=1)
    checkpoint = chain.write_checkpoint()
    assert checkpoint is not None and checkpoint.seq == 1


def test_a_checkpoint_appended_whose_commit_failed_is_accepted_and_recorded(db):
    record(2)
    checkpoint = chain.write_checkpoint()
    assert checkpoint is not None
    raw("UPDATE audit_chainhead SET checkpoint_n = 0, checkpoint_mac = '' WHERE id = 1")  # as if rolled back
    assert chain.verify_chain().ok  # the file ahead of the record is no sign of tampering
    assert chain.write_checkpoint() is None
    head = ChainHead.objects.get()
    assert (head.checkpoint_n, head.checkpoint_mac) == (1, checkpoint.mac)


def test_verify_audit_warns_about_entries_no_checkpoint_covers(db):
    record(2)
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit", "--stale-after", "0", stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 2
    assert "2 sealed audit entries are not covered by a checkpoint" in err.getvalue()
    call_command("checkpoint_audit", stdout=StringIO())
    call_command("verify_audit", "--stale-after", "0", stdout=StringIO())


def test_the_checkpoint_file_is_appended_to_never_rewritten(tmp_path, settings):
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "sub" / "cp.log"
    chain.write_checkpoint()
    inode = os.stat(settings.AUDIT_CHECKPOINT_PATH).st_ino
    record(1)
    chain.write_checkpoint()
    assert os.stat(settings.AUDIT_CHECKPOINT_PATH).st_ino == inode
    assert len(Path(settings.AUDIT_CHECKPOINT_PATH).read_text().splitlines()) == 2


# --- settings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw_keys", "message"),
    [
        ("", "empty"),
        ("not base64!", "not base64"),
        (base64.b64encode(b"short").decode(), "must be 32 bytes"),
        (f"{KEY_A},{KEY_A}", "listed twice"),
    ],
)
def test_bad_keys_are_refused(raw_keys, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        keys.Keyring(keys.parse_keys(raw_keys))


def test_standard_and_url_safe_base64_are_the_same_key():
    key = bytes(range(250, 256)) * 5 + b"??"
    assert keys.parse_keys(base64.b64encode(key).decode()) == keys.parse_keys(
        base64.urlsafe_b64encode(key).decode()
    )


@pytest.mark.parametrize(
    ("value", "error"),
    [(None, "AUDIT_HMAC_KEYS must be set when DEBUG is off"), ("c2hvcnQ=", "AUDIT_HMAC_KEYS: key 1 must be")],
)
def test_settings_require_a_key_when_debug_is_off(value, error):
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "FIELD_ENCRYPTION_KEYS": KEY_A}
    if value is not None:
        env["AUDIT_HMAC_KEYS"] = value
    done = settings_import(env, also_only_from_env={"AUDIT_HMAC_KEYS"})
    assert done.returncode != 0 and error in done.stderr
    ok = settings_import({**env, "AUDIT_HMAC_KEYS": KEY_B}, also_only_from_env={"AUDIT_HMAC_KEYS"})
    assert ok.returncode == 0, ok.stderr


def test_deploy_checks_refuse_the_dev_key_and_warn_about_a_shared_key(settings):
    from himswasthya.audit.checks import DEV_ONLY_KEY, audit_key_check

    settings.AUDIT_HMAC_KEYS = [KEY_A, DEV_ONLY_KEY]
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert [m.id for m in audit_key_check()] == ["audit.E001"]
    settings.AUDIT_HMAC_KEYS = [KEY_A]
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert [m.id for m in audit_key_check()] == ["audit.W001"]
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert audit_key_check() == []


def test_an_unreadable_checkpoint_file_is_a_clear_failure_not_a_crash(tmp_path, settings):
    settings.AUDIT_CHECKPOINT_PATH = tmp_path  # a directory: cannot be read or appended to as a file
    with pytest.raises(checkpoints.CheckpointError, match="cannot read"):
        chain.write_checkpoint()
    result = chain.verify_chain()
    assert (result.ok, result.problem) == (False, "checkpoint_invalid") and "cannot read" in result.message
