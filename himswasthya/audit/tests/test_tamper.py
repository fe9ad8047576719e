"""Every way to rewrite the audit log that a probe tried (issue #10, item 3), as a test of `verify_audit`.

The attacker can write the database (on PostgreSQL past the append-only trigger, see `as_attacker`) and,
in the checkpoint-file variants, that file; they cannot read AUDIT_HMAC_KEYS. Unkeyed and with the head in
the database only, two of the seven variants passed: deleting the last entries with the head rewound, and
editing an entry then re-hashing everything after it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from himswasthya.audit import chain, checkpoints, services
from himswasthya.audit.keys import key_id
from himswasthya.audit.models import AuditEntry, ChainHead
from himswasthya.audit.tests.conftest import as_attacker, raw

TABLE = AuditEntry._meta.db_table
HEAD = ChainHead._meta.db_table
pytestmark = pytest.mark.django_db


def record(n: int, start: int = 0, actor=None) -> None:
    """`n` sealed `person.read` entries (of `actor`, if given)."""
    for i in range(start, start + n):
        services.record(
            "person.read",
            object_type="people.Person",
            object_id=100 + i,
            purpose="opd",
            actor=actor,
            district_id=3,
            ip="10.0.0.1",
            detail={"page": i},
        )
    chain.seal_pending()


def entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__isnull=False).order_by("seq"))


@pytest.fixture
def sealed(db) -> list[AuditEntry]:
    """Six keyed entries; a checkpoint after the fifth (the sixth is newer than the latest checkpoint)."""
    record(5)
    assert chain.write_checkpoint() is not None
    record(1, start=5)
    return entries()


def verify_audit() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, out.getvalue()


def assert_broken(problem: str | set[str], seq: int | None = None) -> chain.VerifyResult:
    code, text = verify_audit()
    problems = {problem} if isinstance(problem, str) else problem
    assert code == 1, text
    assert any(f"AUDIT CHAIN BROKEN ({p})" in text for p in problems), text
    result = chain.verify_chain()
    assert not result.ok and result.problem in problems
    if seq is not None:
        assert result.first_bad_seq == seq, result.message
    return result


def write_row(entry: AuditEntry) -> None:
    raw(
        f"UPDATE {TABLE} SET object_id = %s, prev_hash = %s, entry_hash = %s, key_id = %s WHERE id = %s",
        [entry.object_id, entry.prev_hash, entry.entry_hash, entry.key_id, entry.id],
    )


def insert_row(e: AuditEntry) -> None:
    raw(
        f"INSERT INTO {TABLE} (id, seq, created_at, actor_role, action, object_type, object_id, purpose, "
        f"detail, prev_hash, entry_hash, sealed_at, key_id) "
        f"VALUES (%s, %s, %s, '', %s, %s, %s, '', '{{}}', %s, %s, %s, %s)",
        [e.id, e.seq, e.created_at, e.action, e.object_type, e.object_id, e.prev_hash, e.entry_hash]
        + [e.sealed_at, e.key_id],
    )


def forged_entry(after: AuditEntry, seq: int, **fields) -> AuditEntry:
    """An unsaved `person.read` entry at `seq`, linked onto `after` (and made at its time unless `fields` say
    otherwise), with an id above every entry's: the attacker hashes it, then writes it with `insert_row`."""
    values = {
        "id": AuditEntry.objects.latest("id").id + 100,
        "seq": seq,
        "created_at": after.created_at,
        "action": "person.read",
        "object_type": "people.Person",
        "object_id": "555",
        "prev_hash": after.entry_hash,
        "sealed_at": timezone.now(),
    }
    return AuditEntry(**{**values, **fields})


def set_head(seq: int, last_hash: str) -> None:
    raw(f"UPDATE {HEAD} SET last_seq = %s, last_hash = %s WHERE id = 1", [seq, last_hash])


def forge_hash(how: str, prev_hash: str, entry: AuditEntry) -> str:
    """What an attacker without the key can compute."""
    stolen_guess = os.urandom(32)
    if how == "unkeyed":  # the old algorithm, and claim the entry predates the key
        entry.key_id = ""
        return hashlib.sha256(prev_hash.encode() + chain.canonical_bytes(entry)).hexdigest()
    if how == "made_up_key":  # HMAC with a key of their own, named as such
        entry.key_id = key_id(stolen_guess)
    # "wrong_key": HMAC with a key of their own under the real key's id
    message = prev_hash.encode() + chain.canonical_bytes(entry)
    return hmac.new(stolen_guess, message, hashlib.sha256).hexdigest()


def sound_before_tampering() -> None:
    code, text = verify_audit()
    assert code == 0, text


# --- the database ---------------------------------------------------------------------------------------


def test_the_untampered_chain_and_its_checkpoint_verify(sealed):
    assert all(e.key_id == chain.keyring().newest_id for e in sealed)
    code, text = verify_audit()
    assert code == 0 and "OK: chain of 6 entries verified" in text and "1 checkpoints" in text


@pytest.mark.parametrize(
    ("statement", "problem", "seq"),
    [
        pytest.param(
            f"UPDATE {TABLE} SET purpose = 'claims' WHERE id = %s", "tampered", 3, id="a_edit_content"
        ),
        pytest.param(f"DELETE FROM {TABLE} WHERE id = %s", "gap", 4, id="b_delete_in_the_middle"),
        pytest.param(f"UPDATE {TABLE} SET key_id = '' WHERE id = %s", "unkeyed", 3, id="f_change_the_key_id"),
    ],
)
def test_one_statement_on_the_third_entry(sealed, statement, problem, seq):
    """(a) edit an entry's content, (b) delete an entry in the middle, (f) change the key id of an entry."""
    with as_attacker():
        raw(statement, [sealed[2].id])
    assert_broken(problem, seq=seq)


def test_c1_swap_two_entries(sealed):
    with as_attacker():
        raw(f"UPDATE {TABLE} SET seq = 1000 WHERE id = %s", [sealed[2].id])
        raw(f"UPDATE {TABLE} SET seq = 3 WHERE id = %s", [sealed[3].id])
        raw(f"UPDATE {TABLE} SET seq = 4 WHERE id = %s", [sealed[2].id])
    assert_broken({"broken_link", "tampered"}, seq=3)


def test_c2_insert_a_forged_entry_in_the_middle(sealed):
    with as_attacker():
        for e in reversed(sealed[2:]):
            raw(f"UPDATE {TABLE} SET seq = seq + 1 WHERE id = %s", [e.id])
        forged = forged_entry(sealed[1], 3, key_id=sealed[1].key_id)
        forged.entry_hash = forge_hash("wrong_key", forged.prev_hash, forged)
        insert_row(forged)
        set_head(7, sealed[-1].entry_hash)
    assert_broken("tampered", seq=3)


def test_c3_append_a_forged_entry_and_move_the_head(sealed):
    with as_attacker():
        forged = forged_entry(sealed[-1], 7, created_at=timezone.now(), key_id=sealed[-1].key_id)
        forged.entry_hash = forge_hash("wrong_key", forged.prev_hash, forged)
        insert_row(forged)
        set_head(7, forged.entry_hash)
    assert_broken("tampered", seq=7)


def test_d1_delete_the_last_entries_leaving_the_head(sealed):
    with as_attacker():
        raw(f"DELETE FROM {TABLE} WHERE seq >= 4")
    assert_broken({"behind_checkpoint", "head_mismatch"}, seq=4)


@pytest.mark.parametrize("rewind_checkpoint_record", [False, True])
def test_d2_delete_the_last_entries_and_rewind_the_head(sealed, rewind_checkpoint_record):
    """Missed before: a shorter chain with a matching head was a sound chain. The checkpoint (outside the
    database) says the chain reached seq 5."""
    with as_attacker():
        raw(f"DELETE FROM {TABLE} WHERE seq >= 4")
        set_head(3, sealed[2].entry_hash)
        if rewind_checkpoint_record:  # the database's record of the file, too
            raw(f"UPDATE {HEAD} SET checkpoint_n = 0, checkpoint_mac = '' WHERE id = 1")
    result = assert_broken("behind_checkpoint", seq=4)
    assert "checkpoint 1" in result.message and "signed seq 5" in result.message
    # and the cron job refuses to sign the rewound chain
    with pytest.raises(checkpoints.CheckpointError, match="ends at seq 3"):
        chain.write_checkpoint()


@pytest.mark.parametrize("how", ["unkeyed", "wrong_key", "made_up_key"])
def test_e_edit_an_entry_then_rehash_everything_after_it(sealed, how):
    """Missed before: edit entry 3, recompute every hash after it and the head. Without the key the attacker
    can only re-hash unkeyed, or with a key of their own."""
    expected = {"unkeyed": "unkeyed", "wrong_key": "tampered", "made_up_key": "unknown_key"}[how]
    prev_hash = sealed[1].entry_hash
    with as_attacker():
        for entry in sealed[2:]:
            if entry.seq == 3:
                entry.object_id = "999"
            entry.prev_hash = prev_hash
            entry.entry_hash = prev_hash = forge_hash(how, prev_hash, entry)
            write_row(entry)
        set_head(6, prev_hash)
    assert_broken(expected, seq=3)


def test_e_rehash_only_after_the_latest_checkpoint_is_still_caught_by_the_key(sealed):
    # Entry 6 is newer than the checkpoint: the key alone protects it.
    victim = sealed[5]
    with as_attacker():
        victim.object_id = "999"
        victim.entry_hash = forge_hash("unkeyed", victim.prev_hash, victim)
        write_row(victim)
        set_head(6, victim.entry_hash)
    assert_broken("unkeyed", seq=6)


def test_e_rehash_unkeyed_is_caught_even_before_any_checkpoint(db):
    record(5)
    entries_ = entries()
    prev_hash = entries_[1].entry_hash
    with as_attacker():
        for entry in entries_[2:]:
            entry.object_id = "999" if entry.seq == 3 else entry.object_id
            entry.prev_hash = prev_hash
            entry.entry_hash = prev_hash = forge_hash("unkeyed", prev_hash, entry)
            write_row(entry)
        set_head(5, prev_hash)
    assert_broken("unkeyed", seq=3)


@pytest.mark.parametrize("column", ["entry_hash", "prev_hash"])
def test_f_change_an_entrys_hash(sealed, column):
    with as_attacker():
        raw(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", ["f" * 64, sealed[2].id])
    assert_broken({"tampered", "broken_link"}, seq=3)


def test_f_rewind_only_the_head(sealed):
    with as_attacker():
        set_head(2, sealed[1].entry_hash)
    assert_broken("behind_checkpoint", seq=3)


# --- the checkpoint file --------------------------------------------------------------------------------


@pytest.fixture
def two_checkpoints(sealed) -> list[str]:
    assert chain.write_checkpoint() is not None  # checkpoint 2 at seq 6
    sound_before_tampering()
    return checkpoints.checkpoint_path().read_text().splitlines(keepends=True)


def rewrite(lines: list[str]) -> None:
    checkpoints.checkpoint_path().write_text("".join(lines))


def test_g1_change_a_checkpoint(two_checkpoints):
    data = json.loads(two_checkpoints[0])
    data["seq"] = 4
    rewrite([json.dumps(data) + "\n", two_checkpoints[1]])
    result = assert_broken("checkpoint_invalid")
    assert "line 1" in result.message and "wrong signature" in result.message


def test_g2_forge_a_checkpoint_with_a_key_of_ones_own(two_checkpoints):
    data = json.loads(two_checkpoints[1])
    cp = checkpoints.Checkpoint(**{**data, "seq": 3, "hash": entries()[2].entry_hash, "mac": ""})
    forged = hmac.new(os.urandom(32), cp.signed_bytes(), hashlib.sha256).hexdigest()
    rewrite([two_checkpoints[0], json.dumps({**data, "seq": 3, "mac": forged}) + "\n"])
    assert_broken("checkpoint_invalid")


def test_g3_cut_the_file_back_by_whole_lines(two_checkpoints):
    rewrite(two_checkpoints[:1])
    result = assert_broken("checkpoint_missing")
    assert "holds 1 checkpoints but 2 were written" in result.message
    with pytest.raises(checkpoints.CheckpointError, match="cut back or replaced"):
        chain.write_checkpoint()


def test_g4_cut_the_file_in_the_middle_of_a_line(two_checkpoints):
    rewrite([two_checkpoints[0], two_checkpoints[1][:40]])
    assert_broken("checkpoint_invalid")


def test_g5_delete_the_file(two_checkpoints):
    checkpoints.checkpoint_path().unlink()
    assert_broken("checkpoint_missing")


def test_g6_drop_or_reorder_checkpoints(two_checkpoints):
    rewrite(two_checkpoints[1:])
    assert_broken("checkpoint_invalid")
    rewrite(list(reversed(two_checkpoints)))
    assert_broken("checkpoint_invalid")


def test_g7_replace_the_file_with_an_older_copy_and_rewind_the_database_too(two_checkpoints, sealed):
    """With write access to both the file and the database the attacker can rewind both to an earlier
    consistent state; what the checkpoint then still catches is a chain rewritten *before* that state."""
    rewrite(two_checkpoints[:1])
    first = json.loads(two_checkpoints[0])
    with as_attacker():
        raw(f"UPDATE {HEAD} SET checkpoint_n = 1, checkpoint_mac = %s WHERE id = 1", [first["mac"]])
        raw(f"UPDATE {TABLE} SET object_id = '1' WHERE id = %s", [sealed[0].id])
    assert_broken("tampered", seq=1)


def test_f_delete_the_chain_head_row(db):
    record(3)  # no checkpoint yet: the sealed entries themselves show the head is missing
    with as_attacker():
        raw(f"DELETE FROM {HEAD}")
    assert_broken("beyond_head", seq=1)
