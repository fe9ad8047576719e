"""ABDM's "Fidelius" encryption of health data (abdm-api.md section 5): ECDH Curve25519, HKDF, AES-GCM.

ABDM's reference tools (fidelius-cli, Java BouncyCastle) use Curve25519 in its short Weierstrass form
y^2 = x^3 + a x + b; keys travel as `04||X||Y` (65 bytes) or as BouncyCastle's X.509 SubjectPublicKeyInfo
with explicit curve parameters (the point is its last 65 bytes). We do the ECDH with `cryptography`'s X25519
(the Montgomery form, u = x - A/3 mod p) and convert at the edges:

- our key pair: an X25519 key; its scalar (clamped, as X25519 uses it) is a valid BouncyCastle private
  key, and its public point is (u + A/3, y) with y from the curve equation (either root: the x coordinate
  of d*(x, y) and d*(x, -y) is the same, so the peer's result does not depend on the choice);
- the shared secret: the Weierstrass x of priv*peer, 32 bytes big-endian (BouncyCastle's ECDH agreement);
- key = HKDF-SHA256(secret, salt = (nonce_a XOR nonce_b)[:20], info empty, 32 bytes);
  iv = (nonce_a XOR nonce_b)[-12:]; AES-256-GCM without associated data; content = base64(ct || tag).

Checked against fidelius-cli's published test vector (tests/test_fidelius.py). A BouncyCastle private key
made elsewhere (any scalar d) can be used when an equivalent clamped scalar exists (`private_key_from_bc`):
points of the prime-order subgroup only see d modulo the group order l, and +-d give the same x.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CRYPTO_ALG = "ECDH"
CURVE = "Curve25519"
KEY_PARAMETERS = "Curve25519/32byte random key"
NONCE_BYTES = 32

# Curve25519: Montgomery v^2 = u^3 + A u^2 + u over GF(p); the Weierstrass form has x = u + A/3.
P = 2**255 - 19
A = 486662
ORDER = 2**252 + 27742317777372353535851937790883648493  # l, the prime subgroup's order (cofactor 8)
DELTA = A * pow(3, -1, P) % P
WEIERSTRASS_A = (3 - A * A) * pow(3, -1, P) % P
WEIERSTRASS_B = (2 * A**3 - 9 * A) * pow(27, -1, P) % P
# BouncyCastle's generator: x of the Montgomery base point u = 9, and the y BouncyCastle chose.
GENERATOR = ((9 + DELTA) % P, 0x20AE19A1B8A086B4E01EDD2C7748D14C923D4D7E6D7C61B229E9C5A27ECED3D9)


class FideliusError(ValueError):
    """Key material or ciphertext that cannot be used: a bad key, a wrong length, a failed tag."""


# ---- DER: BouncyCastle's X.509 encoding of a Curve25519 public key (explicit parameters) ------------------


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        length = bytes([size])
    else:
        raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def _der_int(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")  # a leading zero keeps it positive
    return _der(0x02, raw)


def _der_oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        body += bytes(reversed(chunk))
    return _der(0x06, body)


def _spki_prefix() -> bytes:
    """Everything of the SubjectPublicKeyInfo before the 65 point bytes (it is the same for every key)."""
    field_id = _der(0x30, _der_oid("1.2.840.10045.1.1") + _der_int(P))  # prime-field
    curve = _der(
        0x30, _der(0x04, WEIERSTRASS_A.to_bytes(32, "big")) + _der(0x04, WEIERSTRASS_B.to_bytes(32, "big"))
    )
    base = _der(0x04, b"\x04" + GENERATOR[0].to_bytes(32, "big") + GENERATOR[1].to_bytes(32, "big"))
    parameters = _der(0x30, _der_int(1) + field_id + curve + base + _der_int(ORDER) + _der_int(8))
    algorithm = _der(0x30, _der_oid("1.2.840.10045.2.1") + parameters)  # id-ecPublicKey
    whole = _der(0x30, algorithm + _der(0x03, b"\x00" + bytes(65)))
    return whole[:-65]


SPKI_PREFIX = _spki_prefix()


# ---- points and keys ------------------------------------------------------------------------------------


def _on_curve(x: int, y: int) -> bool:
    return (y * y - (x * x * x + WEIERSTRASS_A * x + WEIERSTRASS_B)) % P == 0


def _sqrt(value: int) -> int:
    """A square root modulo p (p = 5 mod 8, Atkin's method); FideliusError when there is none."""
    root = pow(value, (P + 3) // 8, P)
    if root * root % P != value % P:
        root = root * pow(2, (P - 1) // 4, P) % P
    if root * root % P != value % P:
        raise FideliusError("not a point of the curve")
    return root


def decode_public_key(key_b64: str) -> tuple[int, int]:
    """A peer's public key, `04||X||Y` or BouncyCastle X.509 (the point is the last 65 bytes) -> (x, y)."""
    try:
        raw = base64.b64decode(key_b64 or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FideliusError("the public key is not base64") from exc
    if len(raw) > 65:
        raw = raw[-65:]
    if len(raw) != 65 or raw[0] != 0x04:
        raise FideliusError("the public key is not an uncompressed point")
    x, y = int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")
    if not (x < P and y < P and _on_curve(x, y)):
        raise FideliusError("the public key is not on Curve25519")
    return x, y


def _point_bytes(x: int, y: int) -> bytes:
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


@dataclass(frozen=True)
class KeyMaterial:
    """A key pair and nonce for one transfer. `private_key` never leaves the process (SEC-12: fresh per
    transfer, then dropped)."""

    private_key: X25519PrivateKey
    nonce: bytes

    @classmethod
    def generate(cls) -> KeyMaterial:
        return cls(X25519PrivateKey.generate(), os.urandom(NONCE_BYTES))

    @property
    def public_point(self) -> tuple[int, int]:
        u = int.from_bytes(self.private_key.public_key().public_bytes_raw(), "little")
        x = (u + DELTA) % P
        return x, _sqrt(x * x * x + WEIERSTRASS_A * x + WEIERSTRASS_B)

    @property
    def public_key_raw_b64(self) -> str:
        """`04||X||Y`, base64."""
        return base64.b64encode(_point_bytes(*self.public_point)).decode()

    @property
    def public_key_x509_b64(self) -> str:
        """BouncyCastle's X.509 SubjectPublicKeyInfo, base64: what we send as `dhPublicKey.keyValue`."""
        return base64.b64encode(SPKI_PREFIX + _point_bytes(*self.public_point)).decode()

    @property
    def nonce_b64(self) -> str:
        return base64.b64encode(self.nonce).decode()

    @property
    def private_key_bc_b64(self) -> str:
        """The scalar as BouncyCastle holds it (32 bytes big-endian): for tests and interop only."""
        clamped = bytearray(self.private_key.private_bytes_raw())
        clamped[0] &= 248
        clamped[31] = (clamped[31] & 127) | 64
        return base64.b64encode(int.from_bytes(clamped, "little").to_bytes(32, "big")).decode()


def private_key_from_bc(private_b64: str) -> X25519PrivateKey:
    """A BouncyCastle scalar d as an X25519 key that gives the same ECDH x for subgroup points, when the
    clamped form can hold d or -d modulo l (FideliusError otherwise)."""
    d = int.from_bytes(base64.b64decode(private_b64), "big")
    for candidate in (d, -d):
        t = (candidate - 2**254) * pow(8, -1, ORDER) % ORDER
        if t < 2**251:
            return X25519PrivateKey.from_private_bytes((2**254 + 8 * t).to_bytes(32, "little"))
    raise FideliusError("this private key has no X25519 equivalent")


def shared_secret(private_key: X25519PrivateKey, peer_public_b64: str) -> bytes:
    """The Weierstrass x of private*peer, 32 bytes big-endian (BouncyCastle's ECDH agreement)."""
    x, _y = decode_public_key(peer_public_b64)
    u = (x - DELTA) % P
    try:
        product = private_key.exchange(X25519PublicKey.from_public_bytes(u.to_bytes(32, "little")))
    except ValueError as exc:  # a low-order point: all-zero secret
        raise FideliusError("the public key is a low-order point") from exc
    return ((int.from_bytes(product, "little") + DELTA) % P).to_bytes(32, "big")


def _key_and_iv(secret: bytes, own_nonce: bytes, peer_nonce: bytes) -> tuple[bytes, bytes]:
    if len(own_nonce) != NONCE_BYTES or len(peer_nonce) != NONCE_BYTES:
        raise FideliusError("a nonce is not 32 bytes")
    mixed = bytes(a ^ b for a, b in zip(own_nonce, peer_nonce, strict=True))
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=mixed[:20], info=None).derive(secret)
    return key, mixed[-12:]


def decode_nonce(nonce_b64: str) -> bytes:
    try:
        nonce = base64.b64decode(nonce_b64 or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FideliusError("the nonce is not base64") from exc
    if len(nonce) != NONCE_BYTES:
        raise FideliusError("the nonce is not 32 bytes")
    return nonce


def encrypt(plaintext: bytes, own: KeyMaterial, peer_public_b64: str, peer_nonce_b64: str) -> str:
    """base64(AES-256-GCM ciphertext || tag) of `plaintext` for the holder of `peer_public_b64`."""
    key, iv = _key_and_iv(
        shared_secret(own.private_key, peer_public_b64), own.nonce, decode_nonce(peer_nonce_b64)
    )
    return base64.b64encode(AESGCM(key).encrypt(iv, plaintext, None)).decode()


def decrypt(
    content_b64: str,
    private_key: X25519PrivateKey,
    own_nonce: bytes,
    peer_public_b64: str,
    peer_nonce_b64: str,
) -> bytes:
    """Undo `encrypt` on the receiving side; FideliusError when the key, nonce or tag do not fit."""
    key, iv = _key_and_iv(
        shared_secret(private_key, peer_public_b64), own_nonce, decode_nonce(peer_nonce_b64)
    )
    try:
        return AESGCM(key).decrypt(iv, base64.b64decode(content_b64, validate=True), None)
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise FideliusError("the content does not decrypt") from exc


def checksum(plaintext: bytes) -> str:
    """The entry's `checksum`: MD5 of the plaintext, hex (abdm-api.md section 5 c; an integrity hint only)."""
    return hashlib.md5(plaintext, usedforsecurity=False).hexdigest()
