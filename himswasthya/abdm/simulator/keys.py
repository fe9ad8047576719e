"""The simulator's RSA keys (made once, kept in the database) and the JWTs it signs as "the gateway"."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.db import IntegrityError, transaction

from himswasthya.abdm.models import SimulatorKeyPair

ISSUER = "https://abdm-simulator.himswasthya.local/auth/realms/central-registry"
AUDIENCE = "account"


def _key_pair(purpose: str) -> tuple[str, rsa.RSAPrivateKey]:
    pair = SimulatorKeyPair.objects.filter(purpose=purpose).first()
    if pair is None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        try:
            with transaction.atomic():
                pair = SimulatorKeyPair.objects.create(
                    purpose=purpose, kid=uuid.uuid4().hex, private_key_pem=pem
                )
        except IntegrityError:  # another request made it first
            pair = SimulatorKeyPair.objects.get(purpose=purpose)
    key = serialization.load_pem_private_key(pair.private_key_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return pair.kid, key


def signing_key() -> tuple[str, rsa.RSAPrivateKey]:
    return _key_pair(SimulatorKeyPair.Purpose.SIGNING)


def jwks() -> dict[str, Any]:
    kid, private = signing_key()
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": kid, "use": "sig", "alg": "RS256"}]}


def sign(claims: dict[str, Any], *, ttl_seconds: int) -> str:
    kid, private = signing_key()
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    return jwt.encode(payload, private, algorithm="RS256", headers={"kid": kid})


def verify(token: str) -> dict[str, Any]:
    """Raises jwt.PyJWTError when the token is not ours, is tampered with or has expired."""
    _kid, private = signing_key()
    return jwt.decode(token, private.public_key(), algorithms=["RS256"], audience=AUDIENCE)


def encryption_public_key_b64() -> str:
    _kid, private = _key_pair(SimulatorKeyPair.Purpose.ENCRYPTION)
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def decrypt(ciphertext_b64: str) -> str:
    """Undo the client's RSA-OAEP(SHA-1); raises ValueError on anything that is not our ciphertext."""
    _kid, private = _key_pair(SimulatorKeyPair.Purpose.ENCRYPTION)
    try:
        raw = base64.b64decode(ciphertext_b64, validate=True)
        return private.decrypt(
            raw,
            padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None),  # noqa: S303
        ).decode()
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ValueError("not decryptable") from exc
