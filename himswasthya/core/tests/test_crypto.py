"""SEC-30/31: field-level encryption (core/crypto.py): round trip, rotation, tampering, keys from settings."""

from __future__ import annotations

import base64

import pytest

from himswasthya.core import crypto
from himswasthya.core.tests.settings_probe import settings_import

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent

OLD_KEY = base64.urlsafe_b64encode(b"o" * 32).decode()
NEW_KEY = base64.urlsafe_b64encode(b"n" * 32).decode()
CONTEXT = "people.PersonIdentifier.value"


@pytest.fixture
def old_key_only(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]


def test_round_trip_and_the_stored_form_hides_the_value(old_key_only):
    sealed = crypto.encrypt("HP-RC-0012345", context=CONTEXT)
    assert sealed.startswith("enc:v1:") and "0012345" not in sealed
    assert crypto.decrypt(sealed, context=CONTEXT) == "HP-RC-0012345"


def test_each_seal_is_different_so_values_cannot_be_compared(old_key_only):
    assert crypto.encrypt("1234", context=CONTEXT) != crypto.encrypt("1234", context=CONTEXT)


def test_a_plain_value_is_read_as_it_is(old_key_only):
    assert crypto.decrypt("1234", context=CONTEXT) == "1234"


def test_rotation_encrypts_with_the_first_key_and_decrypts_with_any(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    sealed_old = crypto.encrypt("5678", context=CONTEXT)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    sealed_new = crypto.encrypt("5678", context=CONTEXT)
    assert (
        crypto.decrypt(sealed_old, context=CONTEXT) == crypto.decrypt(sealed_new, context=CONTEXT) == "5678"
    )
    assert crypto.needs_reencryption(sealed_old) and not crypto.needs_reencryption(sealed_new)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # old key retired
    with pytest.raises(crypto.DecryptionError, match="no key"):
        crypto.decrypt(sealed_old, context=CONTEXT)
    assert crypto.decrypt(sealed_new, context=CONTEXT) == "5678"


def test_tampering_is_detected(old_key_only):
    sealed = crypto.encrypt("1234", context=CONTEXT)
    kid, body = sealed[len(crypto.PREFIX) :].split(":")
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[-1] ^= 1
    forged = f"{crypto.PREFIX}{kid}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(crypto.DecryptionError, match="changed"):
        crypto.decrypt(forged, context=CONTEXT)


def test_a_value_moved_to_another_column_does_not_decrypt(old_key_only):
    sealed = crypto.encrypt("1234", context=CONTEXT)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="himparivar.Member.aadhaar_last4")


def test_encrypt_identifier_seals_only_the_unsearched_kinds(old_key_only):
    assert crypto.encrypt_identifier("AADHAAR_LAST4", "1234").startswith(crypto.PREFIX)
    assert crypto.encrypt_identifier("RATION_CARD", "RC1").startswith(crypto.PREFIX)
    assert crypto.encrypt_identifier("ABHA_NUMBER", "91000000000000") == "91000000000000"
    sealed = crypto.encrypt_identifier("RATION_CARD", "RC1")
    assert crypto.encrypt_identifier("RATION_CARD", sealed) == sealed  # never sealed twice


def test_bad_keys_are_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys("not-base64!!")
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys(base64.urlsafe_b64encode(b"short").decode())
    assert len(crypto.parse_keys(f"{NEW_KEY}, {OLD_KEY}")) == 2


def test_production_settings_refuse_to_start_without_keys():
    result = settings_import({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def test_production_settings_refuse_a_malformed_key():
    result = settings_import({"DEBUG": "0", "SECRET_KEY": "x" * 50, "FIELD_ENCRYPTION_KEYS": "abc"})
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS: key 1" in result.stderr


def test_production_settings_start_with_keys_and_debug_has_a_dev_key():
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "FIELD_ENCRYPTION_KEYS": f"{NEW_KEY},{OLD_KEY}"}
    env["AUDIT_HMAC_KEYS"] = NEW_KEY  # required too since issue #10 (audit/keys.py)
    assert settings_import(env).returncode == 0
    assert settings_import({"DEBUG": "1"}).returncode == 0
