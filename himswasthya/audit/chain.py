"""Sealing audit entries into one hash chain, and verifying it.

Why one global chain, sealed after commit (issue #2, item 5): a chain extended inside each request's
transaction would make every booking in the state wait for the one before it. Here `record()` only INSERTs an
unsealed row; no request ever reads or locks the chain head. After commit, `seal_pending()` takes the head's
row lock *without waiting* (PostgreSQL `FOR UPDATE SKIP LOCKED`): if another sealer holds it, the caller
simply returns and the holder seals its rows too. The sealer is one short transaction per batch, so a single
chain costs the request path nothing, and one chain is what an auditor wants: one sequence, any gap is a
deletion, one head hash to anchor. Chain order is *seal* order (`seq`), not id order, so an entry whose
transaction commits late (lower id, later commit) is simply sealed in a later batch.

Every entry's hash covers its own fields and the previous hash, keyed (SEC-29 7.3.3):
    entry_hash = HMAC-SHA256(key[key_id], prev_hash + canonical_json(fields, seq and key_id included))
The key comes from AUDIT_HMAC_KEYS in the environment (audit/keys.py), never from the database, so someone
who can write the database but not read the servers' environment cannot re-hash the chain after changing an
entry: unkeyed, "edit a row, then re-hash everything after it" passed verification. The canonical form
(sorted keys, ints as strings, UTC ISO timestamps with offset) is the same on SQLite and PostgreSQL. Entries
are hashed as read back from the database, so what is verified is what was stored.

Anchored outside the database: the head (last seq and hash) is in the database too, so deleting the last
entries and rewinding the head left a sound, shorter chain. `write_checkpoint()` (`manage.py
checkpoint_audit`, cron every minute on one host) appends a signed checkpoint of the head to the append-only
file AUDIT_CHECKPOINT_PATH (audit/checkpoints.py); `verify_chain()` checks every checkpoint's signature and
link, that every checkpointed position still holds the checkpointed hash, that the head is not behind the
latest checkpoint and that the file was not cut back (ChainHead records the latest checkpoint). Entries
sealed after the latest checkpoint (at most a minute's worth) are protected by the key only: someone with
database access can delete them and rewind the head, nothing more. And on PostgreSQL the application's own
role may not UPDATE (beyond sealing), DELETE or TRUNCATE the log at all (audit/db_guards.py, `manage.py
audit_db_grants`); only the tables' owner could, past the append-only trigger.

Key rotation: put a new key first in AUDIT_HMAC_KEYS and restart. New entries and checkpoints are sealed with
it; every entry and checkpoint names its key (`key_id`, `kid`) and is verified with that one, so old keys
stay listed as long as what they sealed must verify. After a key leaked, the first entry and checkpoint
sealed with the new key bind everything before them (their HMAC covers the previous hash), so the leaked key
can no longer rewrite history unnoticed.

Entries sealed before the chain was keyed (an upgraded database) keep their plain SHA-256 hash and an empty
`key_id`. They cannot be re-sealed (the table is append-only, and the migration has no key), so they are
verified as they are, as long as they are one prefix of the chain: an unkeyed entry after a keyed one is
reported (on PostgreSQL a check constraint, audit/db_guards.py, keeps a process still running the old code
from sealing unkeyed after the upgrade). The first checkpoint records the last unkeyed position (`legacy_seq`)
and every later checkpoint repeats it, signed, so an unkeyed entry after it is reported too, and that first
checkpoint's hash pins the legacy entries: run `checkpoint_audit` right after the upgrade. Until then someone
with database access could still re-hash the *whole* chain without a key (verify_audit reports the
unanchored entries).

Who seals is `settings.AUDIT_SEAL_MODE`; no web process ever runs a thread of its own for it:
- "inline" (default on SQLite, the single-machine/dev set-up; the test suite): the on-commit fast path. The
  committing thread seals right after its commit (`seal_pending`, which never waits: a sealer finding the
  head locked returns, and the holder seals our rows too).
- "worker" (default on PostgreSQL): the commit only INSERTs; `manage.py seal_audit --every 0.2` (a worker
  process, like `send_pending_sms --every 5`; `run_sealing_worker`) seals every 0.2 s, so a burst of commits
  costs one sealing transaction and the request never touches the chain head. Measured on PostgreSQL
  (bench/RESULTS.md, then with an in-process sealer doing the same): an identifier lookup with its audit
  entry, p95 11 ms inline vs 6.9 ms off the request path (4.4 ms with no entry at all).
A failing worker cycle is logged without any row data and retried with back-off; stopping the worker is
safe at any moment (a batch is one transaction). In both modes `seal_audit` (once, or as the worker) seals
whatever a killed process left behind.

Unsealed rows are not yet protected by the chain; they are sealed at commit (inline) or within the
worker's interval, and `verify_audit`'s stale-unsealed report (exit 2) catches any left over, e.g. when no
sealing worker runs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection, models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from himswasthya.audit import checkpoints
from himswasthya.audit.checkpoints import Checkpoint, CheckpointError
from himswasthya.audit.keys import Keyring, UnknownAuditKey, keyring
from himswasthya.audit.models import SEAL_FIELDS, AuditEntry, ChainHead

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "id",
    "seq",
    "created_at",
    "actor_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "facility_id",
    "district_id",
    "ip",
    "detail",
)
DEFAULT_BATCH_SIZE = 500
_PROCESS_SEALER = threading.Lock()
SEAL_MODES = ("inline", "worker")
MAX_RETRY_SECONDS = 30.0
logger = logging.getLogger(__name__)


def _canonical_value(value: Any) -> Any:
    """Plain JSON values that serialise identically whichever database returned them."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, dict):
        return {str(k): _canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_value(v) for v in value]
    # floats and anything else are refused by services.check_detail; str() keeps verification total.
    return str(value)


def canonical_bytes(entry: AuditEntry) -> bytes:
    payload = {name: _canonical_value(getattr(entry, name)) for name in HASHED_FIELDS}
    if entry.key_id:  # keyed entries cover their key id too; legacy (unkeyed) entries keep their old form
        payload["key_id"] = entry.key_id
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(prev_hash: str, entry: AuditEntry, ring: Keyring | None = None) -> str:
    """HMAC-SHA256 with the key the entry names; plain SHA-256 for a legacy entry (empty key_id).
    UnknownAuditKey when its key is not in AUDIT_HMAC_KEYS."""
    message = prev_hash.encode() + canonical_bytes(entry)
    if not entry.key_id:
        return hashlib.sha256(message).hexdigest()
    mac = (ring or keyring()).mac(entry.key_id)
    mac.update(message)
    return mac.hexdigest()


# --- sealing ------------------------------------------------------------------------------------------


def _ensure_head() -> None:
    if not ChainHead.objects.filter(pk=1).exists():
        ChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})


def _lock_head(wait: bool = False) -> ChainHead | None:
    """The head, row-locked for this transaction; None when another sealer holds it (PostgreSQL) and not
    `wait`."""
    if connection.vendor == "sqlite":
        # SQLite has no row locks; writing first takes the database write lock (waiting under the busy
        # timeout) before we read, so two sealers can never read the same head.
        ChainHead.objects.filter(pk=1).update(updated_at=timezone.now())
        return ChainHead.objects.get(pk=1)
    return ChainHead.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()


def _pending_ids_exist() -> bool:
    return AuditEntry.objects.filter(seq__isnull=True).exists()


def _write_seals(entries: list[AuditEntry], sealed_at: datetime) -> None:
    """The one write ever made to an existing entry. AuditEntry's manager refuses update(), so this is plain
    parameterised SQL; `seq IS NULL` makes it a no-op on a row somebody sealed already."""
    meta = AuditEntry._meta
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(name)} = %s" for name in SEAL_FIELDS)  # plain fields: column == name
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn('id')} = %s AND {qn('seq')} IS NULL"
    stamp = connection.ops.adapt_datetimefield_value(sealed_at)
    rows = [(e.seq, e.prev_hash, e.entry_hash, stamp, e.key_id, e.id) for e in entries]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        if cursor.rowcount not in (-1, len(rows)):  # somebody sealed behind the lock: roll the batch back
            raise RuntimeError(f"sealed {cursor.rowcount} of {len(rows)} audit entries; batch rolled back")


def _seal_batch(batch_size: int) -> int | None:
    """Seal up to batch_size pending entries. None: another sealer is busy; 0: nothing was pending."""
    with transaction.atomic():
        head = _lock_head()
        if head is None:
            return None
        pending = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id")[:batch_size])
        if not pending:
            return 0
        prev_hash, seq, now = head.last_hash or GENESIS_HASH, head.last_seq, timezone.now()
        ring = keyring()
        key = ring.mac(ring.newest_id)  # copied per entry: the key is set up once per batch
        for entry in pending:
            seq += 1
            entry.seq, entry.prev_hash, entry.sealed_at, entry.key_id = seq, prev_hash, now, ring.newest_id
            mac = key.copy()
            mac.update(prev_hash.encode() + canonical_bytes(entry))
            entry.entry_hash = prev_hash = mac.hexdigest()
        _write_seals(pending, now)
        ChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev_hash, updated_at=now)
        return len(pending)


def seal_pending(batch_size: int = DEFAULT_BATCH_SIZE, max_batches: int | None = None) -> int:
    """Seal committed, unsealed entries into the chain; returns how many this call sealed. Never waits for
    another sealer: that one will seal our rows too (we only give up while it still holds the lock)."""
    _ensure_head()
    sealed, batches = 0, 0
    while max_batches is None or batches < max_batches:
        # Threads of one process do not queue on the database for the same job (SQLite has no SKIP LOCKED):
        # one seals, the others return at once.
        if not _PROCESS_SEALER.acquire(blocking=False):
            return sealed
        try:
            count = _seal_batch(batch_size)
        finally:
            _PROCESS_SEALER.release()
        batches += 1
        if count is None:
            return sealed
        sealed += count
        if count < batch_size and not _pending_ids_exist():
            # Checked after releasing both locks: a writer that committed and found us busy is seen here.
            return sealed
    return sealed


def seal_pending_after_commit() -> None:
    seal_pending()


# --- after-commit sealing (inline) or by the sealing worker ---------------------------------------------


def seal_mode() -> str:
    mode = settings.AUDIT_SEAL_MODE
    if mode not in SEAL_MODES:
        raise ImproperlyConfigured(f"AUDIT_SEAL_MODE must be one of {SEAL_MODES}, not {mode!r}")
    return mode


def _safe_reason(exc: BaseException) -> str:
    """What a sealing failure may log: the error class and SQLSTATE, never its message (it can quote row
    values, and audit rows are about people)."""
    cause = exc.__cause__ or exc
    sqlstate = getattr(cause, "sqlstate", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
    return type(exc).__name__ + (f" (SQLSTATE {sqlstate})" if sqlstate else "")


if hasattr(os, "register_at_fork"):

    def _after_fork_in_child() -> None:
        # A lock copied by fork() while another thread held it would stay held forever in the child.
        global _PROCESS_SEALER
        _PROCESS_SEALER = threading.Lock()

    os.register_at_fork(after_in_child=_after_fork_in_child)


def after_commit_sealing() -> Callable[[], None] | None:
    """The callback `record()` registers with on_commit per AUDIT_SEAL_MODE: the inline sealing ("inline"),
    or None ("worker": the commit leaves its entries to `manage.py seal_audit --every`)."""
    return seal_pending_after_commit if seal_mode() == "inline" else None


AFTER_COMMIT_CALLBACKS = (seal_pending_after_commit,)


@dataclass
class WorkerStats:
    cycles: int = 0
    sealed: int = 0
    failures: int = 0


def run_sealing_worker(
    every: float,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    cycles: int | None = None,
    sleep: Callable[[float], None] | None = None,
    on_sealed: Callable[[int], None] | None = None,
) -> WorkerStats:
    """The sealing worker (`manage.py seal_audit --every N`): seal what is pending, wait `every` seconds,
    again; `cycles` bounds the runs (None: until the process is stopped). A cycle that finds nothing pending
    costs one indexed EXISTS query. A failing cycle is logged without any row data (only the error class
    and SQLSTATE), its connection closed, and retried after a back-off up to MAX_RETRY_SECONDS; the worker
    itself never dies of it. Stopping it mid-cycle is safe: a batch is one transaction."""
    stats = WorkerStats()
    while cycles is None or stats.cycles < cycles:
        stats.cycles += 1
        pause = every
        try:
            if _pending_ids_exist():
                sealed = seal_pending(batch_size=batch_size)
                stats.sealed += sealed
                if sealed and on_sealed is not None:
                    on_sealed(sealed)
            stats.failures = 0
        except Exception as exc:  # noqa: BLE001 - the worker must survive anything; retried below
            stats.failures += 1
            pause = min(MAX_RETRY_SECONDS, max(every, 0.05) * 2 ** min(stats.failures, 10))
            logger.error(
                "audit sealing failed: %s; retrying in %.1f s (failure %d in a row)",
                _safe_reason(exc),
                pause,
                stats.failures,
            )
            connection.close()  # it may be broken; the retry opens a new one
        if cycles is not None and stats.cycles >= cycles:
            break
        (sleep or time.sleep)(pause)
    return stats


def wait_until_sealed(timeout: float = 5.0, poll: float = 0.02) -> bool:
    """True once no committed entry is left unsealed (tests, benchmarks); False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if not _pending_ids_exist():
                return True
        except OperationalError:
            # SQLite's shared-cache test database reports "table is locked" while the sealer writes: not yet.
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)


# --- checkpoints: the head anchored outside the database ------------------------------------------------


def _hash_at(seq: int) -> str | None:
    if seq == 0:
        return GENESIS_HASH
    return AuditEntry.objects.filter(seq=seq).values_list("entry_hash", flat=True).first()


def _last_unkeyed_seq() -> int:
    """The legacy boundary: the last position sealed before the chain was keyed (once, at the first
    checkpoint; a scan of the table, but only that once)."""
    found = AuditEntry.objects.filter(seq__isnull=False, key_id="").aggregate(last=models.Max("seq"))["last"]
    return found or 0


def write_checkpoint(path: Any = None) -> Checkpoint | None:
    """Seal what is pending, then append a signed checkpoint of the head to AUDIT_CHECKPOINT_PATH; None when
    the head has not moved since the latest checkpoint. CheckpointError, and nothing written, when the file
    or the chain disagrees with the latest checkpoint: signing a rewound chain would legitimise it."""
    seal_pending()
    try:
        with transaction.atomic():
            return _checkpoint_locked_head(keyring(), path)
    finally:
        # Sealers that found the head locked by us returned, counting on the holder: seal what they left.
        seal_pending()


def _checkpoint_locked_head(ring: Keyring, path: Any) -> Checkpoint | None:
    _ensure_head()
    head = _lock_head(wait=True)  # waits for a sealer's batch (milliseconds)
    assert head is not None
    last = checkpoints.read_last_checkpoint(ring, path)
    written = last.n if last else 0
    if written < head.checkpoint_n or (
        written and written == head.checkpoint_n and last and last.mac != head.checkpoint_mac
    ):
        raise CheckpointError(
            f"the checkpoint file holds {written} checkpoints but {head.checkpoint_n} were written "
            f"(the latest signed {head.checkpoint_mac[:16] or '-'}…): it was cut back or replaced. "
            f"Run `manage.py verify_audit`; no checkpoint is written until this is resolved"
        )
    head_hash = head.last_hash or GENESIS_HASH
    if last is not None:
        if last.seq > head.last_seq or _hash_at(last.seq) != last.hash:
            found = f"ends at seq {head.last_seq}" if last.seq > head.last_seq else "holds another hash there"
            raise CheckpointError(
                f"checkpoint {last.n} records seq {last.seq} with hash {last.hash[:16]}… but the chain "
                f"{found}: entries were deleted or changed. Run `manage.py verify_audit`; no checkpoint "
                f"is written until this is resolved"
            )
        if (last.seq, last.hash) == (head.last_seq, head_hash):
            if written > head.checkpoint_n:  # appended, but the commit recording it failed: record it now
                ChainHead.objects.filter(pk=1).update(checkpoint_n=last.n, checkpoint_mac=last.mac)
            return None
    checkpoint = Checkpoint(
        n=written + 1,
        seq=head.last_seq,
        hash=head_hash,
        legacy_seq=last.legacy_seq if last else _last_unkeyed_seq(),
        at=timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        prev=last.mac if last else checkpoints.GENESIS_MAC,
        kid=ring.newest_id,
    ).sign(ring)
    # The file first, then the database record, in the head's transaction: a failed append writes nothing;
    # a failed commit leaves the file one checkpoint ahead, which verifies, and is recorded on the next run.
    checkpoints.append_checkpoint(checkpoint, path)
    ChainHead.objects.filter(pk=1).update(checkpoint_n=checkpoint.n, checkpoint_mac=checkpoint.mac)
    return checkpoint


# --- verification -------------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    ok: bool = True
    checked: int = 0
    # tampered | gap | broken_link | head_mismatch | beyond_head | unknown_key | unkeyed |
    # checkpoint_invalid | checkpoint_missing | checkpoint_mismatch | behind_checkpoint; "" when sound
    problem: str = ""
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    message: str = ""
    stale_unsealed: int = 0
    stale_after_seconds: int = 0
    seconds: float = 0.0
    checkpoints: int = 0
    # Sealed entries older than stale_after_seconds that no checkpoint covers yet (checkpoint_audit not run)
    unanchored: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fail(result: VerifyResult, problem: str, entry: AuditEntry | None, message: str) -> VerifyResult:
    result.ok, result.problem, result.message = False, problem, message
    if entry is not None:
        result.first_bad_seq, result.first_bad_id = entry.seq, entry.id
    return result


def _sealed_in_order(up_to_seq: int, chunk_size: int) -> Iterable[AuditEntry]:
    """Sealed entries by seq, in keyset pages (no long-lived cursor, constant memory)."""
    last_seq = 0
    while True:
        page = list(
            AuditEntry.objects.filter(seq__gt=last_seq, seq__lte=up_to_seq).order_by("seq")[:chunk_size]
        )
        if not page:
            return
        yield from page
        last_seq = page[-1].seq or last_seq


def _read_head() -> tuple[int, str, int, str]:
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        return 0, GENESIS_HASH, 0, ""
    return head.last_seq, head.last_hash or GENESIS_HASH, head.checkpoint_n, head.checkpoint_mac


def _check_entry(
    entry: AuditEntry, expected_seq: int, prev_hash: str, unkeyed_allowed: bool, ring: Keyring
) -> tuple[str, str] | None:
    """(problem, message) for the first thing wrong with this entry, None when it is sound."""
    if entry.seq != expected_seq:
        missing = (entry.seq or 0) - expected_seq
        return "gap", (
            f"entry id={entry.id} has seq {entry.seq} but seq {expected_seq} was expected: "
            f"{missing} entr{'y' if missing == 1 else 'ies'} missing (deleted) before it, "
            f"or its seq was changed"
        )
    if entry.prev_hash != prev_hash:
        return "broken_link", (
            f"entry seq {entry.seq} (id={entry.id}) does not link to the entry before it: an entry was "
            f"inserted, reordered or replaced before it, or its prev_hash was changed"
        )
    if not entry.key_id and not unkeyed_allowed:
        return "unkeyed", (
            f"entry seq {entry.seq} (id={entry.id}) has an unkeyed hash after the legacy entries (those "
            f"before the first keyed entry, and before the first checkpoint's boundary): it was re-hashed "
            f"without the key"
        )
    try:
        expected = compute_hash(prev_hash, entry, ring)
    except UnknownAuditKey:
        return "unknown_key", (
            f"entry seq {entry.seq} (id={entry.id}) names key {entry.key_id!r}, which is not in "
            f"AUDIT_HMAC_KEYS: forged, or a key still needed for verification was removed"
        )
    if not hmac.compare_digest(expected, entry.entry_hash):
        return "tampered", (
            f"entry seq {entry.seq} (id={entry.id}) does not match its hash: "
            f"one of its fields was changed, or it was re-hashed without the key"
        )
    return None


def verify_chain(
    stale_after_seconds: int = 300, chunk_size: int = 2000, checkpoint_path: Any = None
) -> VerifyResult:
    """Walk the whole chain and compare it with every checkpoint. Stops at the first problem and names it."""
    started = time.monotonic()
    result = VerifyResult(stale_after_seconds=stale_after_seconds)
    ring = keyring()
    # The file before the head: every checkpoint read was written at or below the head read after it.
    try:
        cps = checkpoints.read_checkpoints(ring, checkpoint_path)
        head_seq, head_hash, recorded_n, recorded_mac = _read_head()
        if recorded_n > len(cps):  # a checkpoint committed between the two reads: read the file again
            cps = checkpoints.read_checkpoints(ring, checkpoint_path)
    except CheckpointError as exc:
        return _fail(result, "checkpoint_invalid", None, str(exc))
    result.checkpoints = len(cps)
    if recorded_n > len(cps):
        return _fail(
            result,
            "checkpoint_missing",
            None,
            (
                f"the checkpoint file holds {len(cps)} checkpoints but {recorded_n} were written: "
                f"it was cut back, replaced or deleted"
            ),
        )
    if recorded_n and cps[recorded_n - 1].mac != recorded_mac:
        return _fail(
            result,
            "checkpoint_invalid",
            None,
            f"checkpoint {recorded_n} in the file is not the one written: the file was replaced",
        )
    anchored: dict[int, Checkpoint] = {}
    for cp in cps:
        if anchored.setdefault(cp.seq, cp).hash != cp.hash or (cp.seq == 0 and cp.hash != GENESIS_HASH):
            return _fail(
                result, "checkpoint_invalid", None, f"checkpoints {anchored[cp.seq].n} and {cp.n} disagree"
            )
    legacy_seq = cps[0].legacy_seq if cps else None
    latest = cps[-1] if cps else None

    expected_seq, prev_hash, last, keyed_seen = 1, GENESIS_HASH, None, False
    for entry in _sealed_in_order(head_seq, chunk_size):
        # Legacy (unkeyed) entries are one prefix of the chain, and within the first checkpoint's boundary.
        unkeyed_allowed = not keyed_seen and (legacy_seq is None or expected_seq <= legacy_seq)
        keyed_seen = keyed_seen or bool(entry.key_id)
        problem = _check_entry(entry, expected_seq, prev_hash, unkeyed_allowed, ring)
        if problem is not None:
            return _fail(result, problem[0], entry, problem[1])
        signed = anchored.get(entry.seq or 0)
        if signed is not None and signed.hash != entry.entry_hash:
            return _fail(
                result,
                "checkpoint_mismatch",
                entry,
                (
                    f"entry seq {entry.seq} (id={entry.id}) is not the entry that checkpoint {signed.n} "
                    f"({signed.at}) signed: the chain was rewritten up to here"
                ),
            )
        prev_hash, last = entry.entry_hash, entry
        expected_seq += 1
        result.checked += 1

    if latest is not None and latest.seq > result.checked:
        _fail(
            result,
            "behind_checkpoint",
            None,
            (
                f"the chain ends at seq {result.checked} but checkpoint {latest.n} ({latest.at}) signed seq "
                f"{latest.seq}: entries after seq {result.checked} were deleted and the head rewound"
            ),
        )
        result.first_bad_seq = result.checked + 1
        return result

    if head_seq != result.checked or head_hash != prev_hash:
        _fail(
            result,
            "head_mismatch",
            None,
            (
                f"the chain ends at seq {result.checked} but the chain head records seq {head_seq}: "
                f"entries after seq {result.checked} were deleted, or the head was changed"
            ),
        )
        result.first_bad_seq = result.checked + 1
        return result

    # One statement, one snapshot: a sealed row beyond the (current) head was written outside the sealer.
    current_head = ChainHead.objects.filter(pk=1).values("last_seq")[:1]
    # (No head row at all, e.g. deleted by the owner, counts as an empty chain: every sealed entry is beyond.)
    beyond = (
        AuditEntry.objects.filter(seq__gt=Coalesce(models.Subquery(current_head), 0)).order_by("seq").first()
    )
    if beyond is not None:
        return _fail(
            result,
            "beyond_head",
            beyond,
            (
                f"entry seq {beyond.seq} (id={beyond.id}) lies beyond the chain head: "
                f"it was inserted outside the sealer"
            ),
        )

    cutoff = timezone.now() - timedelta(seconds=stale_after_seconds)
    result.stale_unsealed = AuditEntry.objects.filter(seq__isnull=True, created_at__lt=cutoff).count()
    result.unanchored = AuditEntry.objects.filter(
        seq__gt=latest.seq if latest else 0, seq__lte=head_seq, sealed_at__lt=cutoff
    ).count()
    result.seconds = time.monotonic() - started
    result.message = f"chain of {result.checked} entries verified" + (
        f"; last seq {last.seq}, hash {last.entry_hash[:16]}…" if last else ""
    )
    if latest is not None:
        result.message += f"; {len(cps)} checkpoints, the latest at seq {latest.seq} ({latest.at})"
    return result
