"""Sealing audit entries into one hash chain, and verifying it.

Why one global chain, sealed after commit (issue #2, item 5): a chain extended inside each request's
transaction would make every booking in the state wait for the one before it. Here `record()` only INSERTs an
unsealed row; no request ever reads or locks the chain head. After commit, `seal_pending()` takes the head's
row lock *without waiting* (PostgreSQL `FOR UPDATE SKIP LOCKED`): if another sealer holds it, the caller
simply returns and the holder seals its rows too. The sealer is one short transaction per batch, so a single
chain costs the request path nothing, and one chain is what an auditor wants: one sequence, any gap is a
deletion, one head hash to anchor. Chain order is *seal* order (`seq`), not id order, so an entry whose
transaction commits late (lower id, later commit) is simply sealed in a later batch.

Every entry's hash covers its own fields and the previous hash:
    entry_hash = sha256(prev_hash + canonical_json(fields, seq included))
The canonical form (sorted keys, ints as strings, UTC ISO timestamps with offset) is the same on SQLite
and PostgreSQL. Entries are hashed as read back from the database, so what is verified is what was stored.

Unsealed rows are not yet protected by the chain; they are sealed within milliseconds of commit, and
`manage.py seal_audit` (cron, every minute) plus `verify_audit`'s stale-unsealed report catch any left over.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from himswasthya.audit.models import SEAL_FIELDS, AuditEntry, ChainHead

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "id", "seq", "created_at", "actor_id", "actor_role", "action", "object_type", "object_id", "purpose",
    "facility_id", "district_id", "ip", "detail",
)
DEFAULT_BATCH_SIZE = 500
_PROCESS_SEALER = threading.Lock()


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
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical_bytes(entry)).hexdigest()


# --- sealing ------------------------------------------------------------------------------------------


def _ensure_head() -> None:
    if not ChainHead.objects.filter(pk=1).exists():
        ChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})


def _lock_head() -> ChainHead | None:
    """The head, row-locked for this transaction; None when another sealer holds it (PostgreSQL)."""
    if connection.vendor == "sqlite":
        # SQLite has no row locks; writing first takes the database write lock (waiting under the busy
        # timeout) before we read, so two sealers can never read the same head.
        ChainHead.objects.filter(pk=1).update(updated_at=timezone.now())
        return ChainHead.objects.get(pk=1)
    return ChainHead.objects.select_for_update(skip_locked=True).filter(pk=1).first()


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
    rows = [(e.seq, e.prev_hash, e.entry_hash, stamp, e.id) for e in entries]
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
        for entry in pending:
            seq += 1
            entry.seq, entry.prev_hash, entry.sealed_at = seq, prev_hash, now
            entry.entry_hash = compute_hash(prev_hash, entry)
            prev_hash = entry.entry_hash
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


# --- verification -------------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    ok: bool = True
    checked: int = 0
    # tampered | gap | broken_link | head_mismatch | beyond_head; "" when the chain is sound
    problem: str = ""
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    message: str = ""
    stale_unsealed: int = 0
    stale_after_seconds: int = 0
    seconds: float = 0.0
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


def verify_chain(stale_after_seconds: int = 300, chunk_size: int = 2000) -> VerifyResult:
    """Walk the whole chain. Stops at the first bad entry and names it."""
    started = time.monotonic()
    result = VerifyResult(stale_after_seconds=stale_after_seconds)
    # The head is read first and the walk stops at it, so entries sealed meanwhile cause no false alarm.
    head = ChainHead.objects.filter(pk=1).first()
    head_seq = head.last_seq if head else 0
    head_hash = (head.last_hash or GENESIS_HASH) if head else GENESIS_HASH
    expected_seq, prev_hash, last = 1, GENESIS_HASH, None
    for entry in _sealed_in_order(head_seq, chunk_size):
        if entry.seq != expected_seq:
            missing = (entry.seq or 0) - expected_seq
            return _fail(result, "gap", entry, (
                f"entry id={entry.id} has seq {entry.seq} but seq {expected_seq} was expected: "
                f"{missing} entr{'y' if missing == 1 else 'ies'} missing (deleted) before it, "
                f"or its seq was changed"))
        if entry.prev_hash != prev_hash:
            return _fail(result, "broken_link", entry, (
                f"entry seq {entry.seq} (id={entry.id}) does not link to the entry before it: an entry was "
                f"inserted, reordered or replaced before it, or its prev_hash was changed"))
        if compute_hash(prev_hash, entry) != entry.entry_hash:
            return _fail(result, "tampered", entry, (
                f"entry seq {entry.seq} (id={entry.id}) does not match its hash: "
                f"one of its fields was changed"))
        prev_hash, last = entry.entry_hash, entry
        expected_seq += 1
        result.checked += 1

    if head_seq != result.checked or head_hash != prev_hash:
        _fail(result, "head_mismatch", None, (
            f"the chain ends at seq {result.checked} but the chain head records seq {head_seq}: "
            f"entries after seq {result.checked} were deleted, or the head was changed"))
        result.first_bad_seq = result.checked + 1
        return result

    # One statement, one snapshot: a sealed row beyond the (current) head was written outside the sealer.
    current_head = ChainHead.objects.filter(pk=1).values("last_seq")[:1]
    beyond = AuditEntry.objects.filter(seq__gt=models.Subquery(current_head)).order_by("seq").first()
    if beyond is not None:
        return _fail(result, "beyond_head", beyond, (
            f"entry seq {beyond.seq} (id={beyond.id}) lies beyond the chain head: "
            f"it was inserted outside the sealer"))

    cutoff = timezone.now() - timedelta(seconds=stale_after_seconds)
    result.stale_unsealed = AuditEntry.objects.filter(seq__isnull=True, created_at__lt=cutoff).count()
    result.seconds = time.monotonic() - started
    result.message = f"chain of {result.checked} entries verified" + (
        f"; last seq {last.seq}, hash {last.entry_hash[:16]}…" if last else "")
    return result
