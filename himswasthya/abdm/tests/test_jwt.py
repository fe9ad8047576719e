"""The gateway's JWT on inbound calls: valid, expired, unknown kid, wrong signature, wrong audience."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from himswasthya.abdm import errors
from himswasthya.abdm.client import verify_gateway_jwt
from himswasthya.abdm.errors import AbdmError
from himswasthya.abdm.models import SimulatorKeyPair
from himswasthya.abdm.simulator import keys
from himswasthya.abdm.simulator.share import gateway_token

pytestmark = pytest.mark.django_db(transaction=True)


def _forged(claims: dict, *, kid: str) -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    return jwt.encode(
        {"aud": "account", "iat": now, "exp": now + 300, **claims},
        other,
        algorithm="RS256",
        headers={"kid": kid},
    )


def test_it_accepts_a_token_signed_by_the_gateway(abdm_sim):
    claims = verify_gateway_jwt(gateway_token())
    assert claims["aud"] == "account" and claims["sub"] == "gateway"


def test_it_caches_the_jwks_and_refetches_it_when_the_gateway_rotates_keys(abdm_sim, client_for_sim):
    old_token = gateway_token()
    client_for_sim.verify_gateway_jwt(old_token)
    SimulatorKeyPair.objects.all().delete()  # the gateway rotates: its certs now serve only a new key
    assert client_for_sim.verify_gateway_jwt(old_token)["sub"] == "gateway"  # checked on the cached JWKS
    new_token = gateway_token()
    assert jwt.get_unverified_header(new_token)["kid"] != jwt.get_unverified_header(old_token)["kid"]
    assert client_for_sim.verify_gateway_jwt(new_token)["sub"] == "gateway"  # unknown kid -> one refetch


def test_it_refuses_an_expired_token(abdm_sim):
    with pytest.raises(AbdmError) as caught:
        verify_gateway_jwt(keys.sign({"sub": "gateway"}, ttl_seconds=-120))
    assert (caught.value.code, caught.value.upstream_message) == (errors.JWT_INVALID, "expired")
    assert caught.value.status == 401


def test_it_refuses_an_unknown_kid(abdm_sim):
    with pytest.raises(AbdmError) as caught:
        verify_gateway_jwt(_forged({"sub": "gateway"}, kid="not-a-gateway-key"))
    assert caught.value.upstream_message == "unknown kid"


def test_it_refuses_a_wrong_signature_under_the_right_kid(abdm_sim):
    kid = keys.jwks()["keys"][0]["kid"]
    with pytest.raises(AbdmError) as caught:
        verify_gateway_jwt(_forged({"sub": "gateway"}, kid=kid))
    assert caught.value.upstream_message == "bad signature"


def test_it_refuses_a_tampered_payload(abdm_sim):
    header, payload, signature = gateway_token().split(".")
    other_payload = jwt.utils.base64url_encode(b'{"sub":"evil","aud":"account","exp":9999999999}').decode()
    with pytest.raises(AbdmError):
        verify_gateway_jwt(f"{header}.{other_payload}.{signature}")


def test_it_refuses_the_wrong_audience_and_garbage(abdm_sim):
    with pytest.raises(AbdmError):
        verify_gateway_jwt(keys.sign({"aud": "someone-else"}, ttl_seconds=300))
    with pytest.raises(AbdmError) as caught:
        verify_gateway_jwt("not-a-jwt")
    assert caught.value.upstream_message == "malformed"


def test_it_refuses_hs256_even_with_a_known_kid(abdm_sim):
    kid = keys.jwks()["keys"][0]["kid"]
    token = jwt.encode(
        {"exp": int(time.time()) + 60, "aud": "account"},
        "secret-key-of-32-bytes-or-more!!",
        algorithm="HS256",
        headers={"kid": kid},
    )
    with pytest.raises(AbdmError) as caught:
        verify_gateway_jwt(token)
    assert caught.value.upstream_message == "not RS256 with a kid"
