"""Signed checkpoints of the audit chain's head, in an append-only file outside the database.

One JSON object per line (written by `chain.write_checkpoint`, i.e. `manage.py checkpoint_audit`):

    {"at": "...+00:00", "hash": <entry_hash at seq>, "kid": <key id>, "legacy_seq": L, "mac": <hmac>,
     "n": <1, 2, 3...>, "prev": <mac of checkpoint n-1, or 64 zeros>, "seq": <chain position>, "v": 1}

`mac` is HMAC-SHA256, with the AUDIT_HMAC_KEYS key `kid`, over a fixed label and the canonical JSON of every
other field. Each checkpoint names the one before it (`n`, `prev`), so a line changed, removed, reordered or
forged without the key breaks the file; the database records the latest `n` and `mac` (ChainHead), so a file
cut back by whole lines is caught too. `legacy_seq` is the last position sealed before the chain was keyed
(plain SHA-256): fixed by the first checkpoint, repeated by every later one.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from himswasthya.audit.keys import Keyring, UnknownAuditKey

VERSION = 1
GENESIS_MAC = "0" * 64
MAC_LABEL = b"himswasthya.audit.checkpoint:"
FIELDS = ("at", "hash", "kid", "legacy_seq", "mac", "n", "prev", "seq", "v")
TAIL_BYTES = 64 * 1024


class CheckpointError(Exception):
    """The checkpoint file is damaged, forged, cut back or out of step with the database."""


@dataclass(frozen=True)
class Checkpoint:
    n: int
    seq: int
    hash: str
    legacy_seq: int
    at: str
    prev: str
    kid: str
    mac: str = ""
    v: int = VERSION

    def signed_bytes(self) -> bytes:
        body = {k: v for k, v in asdict(self).items() if k != "mac"}
        return MAC_LABEL + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def sign(self, ring: Keyring) -> Checkpoint:
        mac = ring.mac(self.kid)
        mac.update(self.signed_bytes())
        return Checkpoint(**{**asdict(self), "mac": mac.hexdigest()})

    def signature_ok(self, ring: Keyring) -> bool:
        mac = ring.mac(self.kid)  # UnknownAuditKey for a key not (or no longer) configured
        mac.update(self.signed_bytes())
        return hmac.compare_digest(mac.hexdigest(), self.mac)

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")) + "\n"


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_PATH)


def _parse(text: str, where: str) -> Checkpoint:
    try:
        data = json.loads(text)
    except ValueError:
        raise CheckpointError(f"{where} is not a checkpoint (damaged or cut off)") from None
    if not isinstance(data, dict) or sorted(data) != sorted(FIELDS) or data.get("v") != VERSION:
        raise CheckpointError(f"{where} is not a checkpoint of version {VERSION}")
    ints, texts = ("n", "seq", "legacy_seq", "v"), ("hash", "at", "prev", "kid", "mac")
    if not all(type(data[k]) is int and data[k] >= 0 for k in ints) or not all(
        isinstance(data[k], str) for k in texts
    ):
        raise CheckpointError(f"{where} has a field of the wrong type")
    return Checkpoint(**data)


def _check_signature(cp: Checkpoint, ring: Keyring, where: str) -> None:
    try:
        ok = cp.signature_ok(ring)
    except UnknownAuditKey:
        raise CheckpointError(
            f"{where} is signed with key {cp.kid!r}, which is not in AUDIT_HMAC_KEYS"
        ) from None
    if not ok:
        raise CheckpointError(f"{where} (checkpoint {cp.n}) has a wrong signature: it was changed or forged")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise CheckpointError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        yield from enumerate(handle, start=1)


def read_checkpoints(ring: Keyring, path: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, each signature and link checked; [] when there is no file yet.
    CheckpointError names the first bad line."""
    path = path or checkpoint_path()
    found: list[Checkpoint] = []
    for number, text in _lines(path):
        where = f"{path} line {number}"
        cp = _parse(text, where)
        _check_signature(cp, ring, where)
        before = found[-1] if found else None
        if cp.n != len(found) + 1 or cp.prev != (before.mac if before else GENESIS_MAC):
            raise CheckpointError(
                f"{where} is checkpoint {cp.n} but does not follow checkpoint {len(found)}: "
                f"checkpoints were removed, reordered or inserted"
            )
        if before is not None and (cp.seq < before.seq or cp.legacy_seq != before.legacy_seq):
            raise CheckpointError(f"{where} goes back in the chain (seq {cp.seq} after {before.seq})")
        found.append(cp)
    return found


def read_last_checkpoint(ring: Keyring, path: Path | None = None) -> Checkpoint | None:
    """The last checkpoint in the file, its signature checked (the writer reads only the tail)."""
    path = path or checkpoint_path()
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - TAIL_BYTES))
            tail = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CheckpointError(f"cannot read {path}: {exc.strerror}") from None
    lines = tail.splitlines()
    if not lines:
        return None
    cp = _parse(lines[-1], f"{path} (last line)")
    _check_signature(cp, ring, f"{path} (last line)")
    return cp


def append_checkpoint(cp: Checkpoint, path: Path | None = None) -> None:
    """Append one line and fsync it. O_APPEND: the file may (and should) be append-only for this user
    (`chattr +a`), and concurrent writers never overwrite each other."""
    path = path or checkpoint_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, cp.line().encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise CheckpointError(f"cannot append to {path}: {exc.strerror}") from None


def as_dict(cp: Checkpoint) -> dict[str, Any]:
    return asdict(cp)
