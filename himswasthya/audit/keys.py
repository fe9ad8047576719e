"""The audit chain's HMAC keys (SEC-29 7.3.3): from the environment, never from the database.

AUDIT_HMAC_KEYS is a comma-separated list of base64 (url-safe or standard) keys of 32 random bytes, newest
first. Entries and checkpoints are sealed with the first key; each sealed entry and each checkpoint
records the id of the key that sealed it, and is verified with that key, so rotation is: put a new key in
front, restart, and keep the old ones listed for as long as what they sealed must verify (in practice: for
good). A key id is the first 8 hex digits of SHA-256 over a fixed label and the key: it names the key without
revealing it. See audit/chain.py for what the key protects and README "Operations" for rotation.

Make a key with:  python -c "import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from himswasthya.core.crypto import parse_key_list

KEY_ID_LABEL = b"himswasthya.audit.key-id:"


class UnknownAuditKey(LookupError):
    """An entry or checkpoint names a key that is not in AUDIT_HMAC_KEYS."""


def parse_keys(raw: str | Iterable[str]) -> list[bytes]:
    """The keys of AUDIT_HMAC_KEYS; ImproperlyConfigured for anything but base64 of 32 bytes."""
    return parse_key_list(raw, "AUDIT_HMAC_KEYS")


def key_id(key: bytes) -> str:
    return hashlib.sha256(KEY_ID_LABEL + key).hexdigest()[:8]


class Keyring:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ImproperlyConfigured("AUDIT_HMAC_KEYS is empty")
        self.by_id: dict[str, bytes] = {}
        for position, key in enumerate(keys, start=1):
            kid = key_id(key)
            if kid in self.by_id:
                raise ImproperlyConfigured(f"AUDIT_HMAC_KEYS: key {position} is listed twice")
            self.by_id[kid] = key
        self.newest_id = key_id(keys[0])
        self.newest = keys[0]

    def key(self, kid: str) -> bytes:
        try:
            return self.by_id[kid]
        except KeyError:
            raise UnknownAuditKey(f"no key with id {kid!r} in AUDIT_HMAC_KEYS") from None

    def mac(self, kid: str) -> hmac.HMAC:
        """A fresh HMAC-SHA256 with the key `kid`, to be fed the message."""
        return hmac.new(self.key(kid), digestmod=hashlib.sha256)


@lru_cache(maxsize=8)
def _keyring(raw: tuple[str, ...]) -> Keyring:
    return Keyring(parse_keys(raw))


def keyring() -> Keyring:
    # Read the setting on every call (tests override it); parsing is cached per distinct value.
    return _keyring(tuple(settings.AUDIT_HMAC_KEYS))
