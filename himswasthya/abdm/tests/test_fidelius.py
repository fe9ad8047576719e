"""Fidelius: round trips, BouncyCastle key formats, and fidelius-cli's published test vector."""

from __future__ import annotations

import base64

import pytest

from himswasthya.abdm import fidelius
from himswasthya.abdm.fidelius import FideliusError, KeyMaterial

# fidelius-cli's README test vector (mgrmtech/fidelius-cli; also used by dimagi/pyfidelius's tests): keys
# made by Java BouncyCastle, the text encrypted by the Java tool.
VECTOR = {
    "requester_private_key": "DMxHPri8d7IT23KgLk281zZenMfVHSdeamq0RhwlIBk=",
    "requester_public_key": (
        "BAheD5rUqTy4V5xR4/6HWmYpopu5CO+KO8BECS0udNqUTSNo91TIqIIy1A4Vh+F94c+n9vAcwXU2bGcfsI5f69Y="
    ),
    "requester_nonce": "6uj1RdDUbcpI3lVMZvijkMC8Te20O4Bcyz0SyivX8Eg=",
    "sender_private_key": "AYhVZpbVeX4KS5Qm/W0+9Ye2q3rnVVGmqRICmseWni4=",
    "sender_public_key": (
        "BABVt+mpRLMXiQpIfEq6bj8hlXsdtXIxLsspmMgLNI1SR5mHgDVbjHO2A+U4QlMddGzqyEidzm1AkhtSxSO2Ahg="
    ),
    "sender_nonce": "lmXgblZwotx+DfBgKJF0lZXtAXgBEYr5khh79Zytr2Y=",
    "shared_secret": "HZbc9a4h9kMAReILN5VtvbSYHWQpfIcrZ9pWHlQZUHs=",
    "plaintext": b"Wormtail should never have been Potter cottage's secret keeper.",
    "encrypted": (
        "pzMvVZNNVtJzqPkkxcCbBUWgDEBy/mBXIeT2dJWI16ZAQnnXUb9lI+S4k8XK6mgZSKKSRIHkcNvJpllnBg548wUgavBa0vCRRwdL6kY6Yw=="
    ),
}
# The X.509 prefix BouncyCastle writes before the point (from fidelius-cli's `gkm` output).
BC_X509_PREFIX = (
    "MIIBMTCB6gYHKoZIzj0CATCB3gIBATArBgcqhkjOPQEBAiB/////////////////////////////////////////7TBEBCAqqqqq"
    "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqYSRShRAQge0Je0Je0Je0Je0Je0Je0Je0Je0Je0Je0JgtenHcQyGQEQQQqqqqqqqqqqqqq"
    "qqqqqqqqqqqqqqqqqqqqqqqqqq0kWiCuGaG4oIa04B7dLHdI0UySPU1+bXxhsinpxaJ+ztPZAiAQAAAAAAAAAAAAAAAAAAAAFN75"
    "3qL3nNZYEmMaXPXT7QIBCANCAAQ="
)


def test_the_shared_secret_matches_bouncycastle():
    requester = fidelius.private_key_from_bc(VECTOR["requester_private_key"])
    sender = fidelius.private_key_from_bc(VECTOR["sender_private_key"])
    expected = base64.b64decode(VECTOR["shared_secret"])
    assert fidelius.shared_secret(requester, VECTOR["sender_public_key"]) == expected
    assert fidelius.shared_secret(sender, VECTOR["requester_public_key"]) == expected


def test_the_published_ciphertext_decrypts_and_our_encryption_reproduces_it():
    requester = fidelius.private_key_from_bc(VECTOR["requester_private_key"])
    plaintext = fidelius.decrypt(
        VECTOR["encrypted"],
        requester,
        base64.b64decode(VECTOR["requester_nonce"]),
        VECTOR["sender_public_key"],
        VECTOR["sender_nonce"],
    )
    assert plaintext == VECTOR["plaintext"]
    sender = KeyMaterial(
        fidelius.private_key_from_bc(VECTOR["sender_private_key"]), base64.b64decode(VECTOR["sender_nonce"])
    )
    encrypted = fidelius.encrypt(
        VECTOR["plaintext"], sender, VECTOR["requester_public_key"], VECTOR["requester_nonce"]
    )
    assert encrypted == VECTOR["encrypted"]


def test_our_x509_key_is_bouncycastles_format():
    assert fidelius.SPKI_PREFIX == base64.b64decode(BC_X509_PREFIX)[:-1]
    ours = KeyMaterial.generate()
    raw = base64.b64decode(ours.public_key_x509_b64)
    assert raw[-65:] == base64.b64decode(ours.public_key_raw_b64)
    assert fidelius.decode_public_key(ours.public_key_x509_b64) == ours.public_point


def test_our_private_key_is_a_bouncycastle_scalar_of_our_public_point():
    ours = KeyMaterial.generate()
    again = fidelius.private_key_from_bc(ours.private_key_bc_b64)
    assert again.public_key().public_bytes_raw() == ours.private_key.public_key().public_bytes_raw()


@pytest.mark.parametrize("fmt", ["raw", "x509"])
def test_a_round_trip_between_two_fresh_key_pairs(fmt):
    hip, hiu = KeyMaterial.generate(), KeyMaterial.generate()
    hiu_key = hiu.public_key_raw_b64 if fmt == "raw" else hiu.public_key_x509_b64
    text = '{"resourceType": "Bundle", "note": "हिमाचल"}'.encode()
    content = fidelius.encrypt(text, hip, hiu_key, hiu.nonce_b64)
    assert (
        fidelius.decrypt(content, hiu.private_key, hiu.nonce, hip.public_key_x509_b64, hip.nonce_b64) == text
    )
    # Another key pair or another nonce does not decrypt.
    other = KeyMaterial.generate()
    with pytest.raises(FideliusError):
        fidelius.decrypt(content, other.private_key, hiu.nonce, hip.public_key_x509_b64, hip.nonce_b64)
    with pytest.raises(FideliusError):
        fidelius.decrypt(content, hiu.private_key, other.nonce, hip.public_key_x509_b64, hip.nonce_b64)


@pytest.mark.parametrize(
    "key",
    [
        "not base64!",
        base64.b64encode(b"\x04" + bytes(64)).decode(),
        base64.b64encode(b"\x02" + bytes(32)).decode(),
        "",
    ],
)
def test_bad_public_keys_are_refused(key):
    with pytest.raises(FideliusError):
        fidelius.encrypt(b"x", KeyMaterial.generate(), key, base64.b64encode(bytes(32)).decode())


def test_a_short_nonce_is_refused():
    hiu = KeyMaterial.generate()
    with pytest.raises(FideliusError):
        fidelius.encrypt(
            b"x", KeyMaterial.generate(), hiu.public_key_raw_b64, base64.b64encode(b"short").decode()
        )


def test_the_checksum_is_md5_of_the_plaintext():
    assert fidelius.checksum(b"abc") == "900150983cd24fb0d6963f7d28e17f72"
