"""Field-level encryption of identifiers that are never searched (SEC-30), keys from the environment (SEC-31).

AES-256-GCM (authenticated: a changed byte is detected, not decrypted into garbage). A stored value looks like

    enc:v1:<key id>:<base64url(nonce || ciphertext || tag)>

The key id is the first 8 hex digits of the key's SHA-256, so a value names the key that sealed it. The keys
come from FIELD_ENCRYPTION_KEYS (comma-separated base64 of 32 random bytes, newest first): values are
encrypted with the first key and decrypted with whichever key they name, so a key is rotated by putting a new
one in front, re-encrypting (`manage.py reencrypt_identifiers`), then dropping the old one.

A value without the `enc:v1:` prefix is plain text and is read as it is: rows written by bulk writers that do
not encrypt yet keep working, and the data migration can convert them in place. Raw writers (COPY,
executemany) seal their rows with `seal_rows(model, rows)`, as save() and bulk_create do through the field.

Make a key with:  python -c "import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, partial
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc:v1:"
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """A value could not be decrypted: unknown key, or the value was changed (the tag does not match)."""


def parse_key_list(raw: str | Iterable[str], setting: str = "FIELD_ENCRYPTION_KEYS") -> list[bytes]:
    """A comma-separated list of base64 keys of 32 bytes, newest first (field encryption, audit HMAC).

    ImproperlyConfigured, naming `setting` and the key's position, for anything else.
    """
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    keys = []
    for position, item in enumerate((k.strip() for k in items), start=1):
        if not item:
            continue
        try:
            key = base64.urlsafe_b64decode(item + "=" * (-len(item) % 4))  # also reads "+" and "/"
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"{setting}: key {position} is not base64") from exc
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(f"{setting}: key {position} must be {KEY_BYTES} bytes, got {len(key)}")
        keys.append(key)
    return keys


def parse_keys(raw: str | Iterable[str]) -> list[bytes]:
    """The keys of FIELD_ENCRYPTION_KEYS."""
    return parse_key_list(raw, "FIELD_ENCRYPTION_KEYS")


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


@lru_cache(maxsize=8)
def _keyring(raw: tuple[str, ...]) -> tuple[tuple[str, AESGCM], dict[str, AESGCM]]:
    keys = parse_keys(raw)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    ciphers = {key_id(k): AESGCM(k) for k in keys}
    return (key_id(keys[0]), ciphers[key_id(keys[0])]), ciphers


def _current_keyring() -> tuple[tuple[str, AESGCM], dict[str, AESGCM]]:
    # Read the setting on every call (tests override it); parsing is cached per distinct value.
    return _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(PREFIX)


def encrypt(plaintext: str, *, context: str) -> str:
    """Seal `plaintext`. `context` (e.g. "people.PersonIdentifier.value") is authenticated too, so a value
    copied into another column does not decrypt there."""
    (kid, cipher), _all = _current_keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = cipher.encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}{kid}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def decrypt(value: str, *, context: str) -> str:
    """The plaintext of a sealed value; a plain (unprefixed) value is returned unchanged."""
    if not is_encrypted(value):
        return value
    _first, ciphers = _current_keyring()
    kid, _sep, body = value[len(PREFIX) :].partition(":")
    cipher = ciphers.get(kid)
    if cipher is None:
        raise DecryptionError(f"no key with id {kid} in FIELD_ENCRYPTION_KEYS")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode()
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise DecryptionError("the encrypted value was changed or is damaged") from exc


def needs_reencryption(value: str | None) -> bool:
    """True for a sealed value whose key is not the newest one (after a rotation)."""
    (kid, _cipher), _all = _current_keyring()
    return is_encrypted(value) and not value[len(PREFIX) :].startswith(f"{kid}:")


def encrypt_identifier(id_type: str, value: str) -> str:
    """What a bulk writer (COPY, bulk_create of dicts) stores for a PersonIdentifier value of `id_type`:
    sealed for the kinds in people.models.ENCRYPTED_IDENTIFIER_TYPES, unchanged for the searched kinds."""
    if id_type in IDENTIFIER_TYPES_ENCRYPTED and value and not is_encrypted(value):
        return encrypt(value, context=IDENTIFIER_CONTEXT)
    return value


# people.PersonIdentifier: these kinds are never searched, so they are sealed; ABHA number/address, UHID and
# Him Parivar member id are looked up exactly and stay plain (and unique, and indexed).
IDENTIFIER_TYPES_ENCRYPTED = ("AADHAAR_LAST4", "RATION_CARD")
IDENTIFIER_CONTEXT = "people.PersonIdentifier.value"


class EncryptedCharField(models.CharField):
    """A CharField stored sealed, read back as plain text. It cannot be searched by value (each seal uses a
    fresh nonce); queryset.update() bypasses it, so write through save() or bulk_create, or seal yourself.

    `context` defaults to "<app_label>.<Model>.<field>"; subclasses decide per row whether to seal."""

    def __init__(self, *args: Any, context: str = "", **kwargs: Any):
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if self.context:
            kwargs["context"] = self.context
        return name, path, args, kwargs

    def seal_context(self) -> str:
        return self.context or f"{self.model._meta.label}.{self.name}"

    def should_encrypt(self, row: Callable[[str], Any]) -> bool:
        """Whether this row's value is sealed; `row(name)` gives another column of the same row."""
        return True

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        if value and not is_encrypted(value) and self.should_encrypt(partial(getattr, model_instance)):
            # The instance keeps the plain text; only the row gets the sealed value.
            return encrypt(value, context=self.seal_context())
        return value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str) and is_encrypted(value):
            return decrypt(value, context=self.seal_context())
        return value


class EncryptedWhenCharField(EncryptedCharField):
    """Sealed only in rows whose `kind_field` is one of `encrypted_kinds` (e.g. PersonIdentifier.value:
    Aadhaar last four and ration card numbers sealed, ABHA numbers plain and searchable)."""

    def __init__(self, *args: Any, kind_field: str = "", encrypted_kinds: Sequence[str] = (), **kwargs: Any):
        self.kind_field = kind_field
        self.encrypted_kinds = tuple(encrypted_kinds)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind_field"] = self.kind_field
        kwargs["encrypted_kinds"] = list(self.encrypted_kinds)
        return name, path, args, kwargs

    def should_encrypt(self, row: Callable[[str], Any]) -> bool:
        return row(self.kind_field) in self.encrypted_kinds


def seal_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For raw bulk writers (COPY, executemany) that bypass the fields' pre_save: the rows (dicts by column)
    with the values of encrypted fields sealed exactly as save() would seal them."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
    if not fields:
        return rows
    sealed = []
    for row in rows:
        row = dict(row)
        for field in fields:
            value = row.get(field.attname)
            if value and not is_encrypted(value) and field.should_encrypt(row.get):
                row[field.attname] = encrypt(value, context=field.seal_context())
        sealed.append(row)
    return sealed
