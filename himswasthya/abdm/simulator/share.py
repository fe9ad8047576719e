"""Scan and share from the gateway's side: push a PROFILE_SHARE to a HIP bridge, as a PHR app causes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from himswasthya.abdm.client import abdm_timestamp
from himswasthya.abdm.models import SimulatedAbhaAccount
from himswasthya.abdm.simulator import keys

SHARE_PATH = "/api/v3/hip/patient/share"
GATEWAY_TOKEN_TTL_SECONDS = 600


@dataclass(frozen=True)
class ShareResult:
    request_id: str
    status_code: int
    body: dict[str, Any]


def profile_share_body(
    account: SimulatedAbhaAccount,
    *,
    hip_id: str,
    counter: str,
    latitude: str = "31.10",
    longitude: str = "77.17",
) -> dict[str, Any]:
    """The documented body (abdm-api.md section 3); numbers as strings, as the gateway sends them."""
    return {
        "intent": "PROFILE_SHARE",
        "metaData": {
            "hipId": hip_id,
            "context": counter,
            "hprId": "",
            "latitude": latitude,
            "longitude": longitude,
        },
        "profile": {
            "patient": {
                "abhaNumber": account.formatted_abha_number,
                "abhaAddress": account.abha_address,
                "name": account.name,
                "gender": account.gender,
                "dayOfBirth": str(account.day_of_birth or ""),
                "monthOfBirth": str(account.month_of_birth or ""),
                "yearOfBirth": str(account.year_of_birth),
                "phoneNumber": account.mobile,
                "address": {
                    "line": account.address,
                    "district": account.district_name.upper(),
                    "state": account.state_name.upper(),
                    "pincode": account.pincode,
                },
            }
        },
    }


def gateway_token() -> str:
    """The bearer the gateway puts on its calls to a bridge: an RS256 JWT our JWKS (certs) can verify."""
    return keys.sign(
        {"typ": "Bearer", "sub": "gateway", "clientId": "abdm-gateway", "azp": "gateway"},
        ttl_seconds=GATEWAY_TOKEN_TTL_SECONDS,
    )


def push_profile_share(
    callback_url: str, *, hip_id: str, counter: str, abha_address: str, timeout: float = 10.0
) -> ShareResult:
    """POST a PROFILE_SHARE for a simulated account to `callback_url` (the bridge's .../hip/patient/share)."""
    account = SimulatedAbhaAccount.objects.get(abha_address=abha_address.strip().lower())
    body = profile_share_body(account, hip_id=hip_id, counter=counter)
    request_id = str(uuid.uuid4())
    response = requests.post(
        callback_url,
        json=body,
        timeout=timeout,
        headers={
            "Authorization": f"Bearer {gateway_token()}",
            "REQUEST-ID": request_id,
            "TIMESTAMP": abdm_timestamp(),
            "X-HIP-ID": hip_id,
            "X-CM-ID": settings.ABDM_CM_ID,
        },
    )
    return ShareResult(request_id=request_id, status_code=response.status_code, body=body)
