"""The simulator's side of the HIP role: ABDM's gateway (link tokens, linking, on-* answers), the consent
manager and an HIU, speaking to a bridge over HTTP as the real ones do (abdm-api.md sections 4 and 5).

- Gateway actions the HIP calls (views below): generate-token -> on-generate-token; link/carecontext ->
  on_carecontext; the on-* answers are recorded in SimulatedGatewayCall.
- Driving a bridge (functions below, for tests and demos): discovery, init, confirm; a consent notification;
  a health-information request with a fresh HIU key pair, and the HIU's data-push endpoint, which decrypts
  each entry and records whether it decrypted, its checksum matched and it is a FHIR Bundle.
"""

from __future__ import annotations

import base64
import datetime
import json
import uuid
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from himswasthya.abdm import fidelius
from himswasthya.abdm.client import abdm_timestamp
from himswasthya.abdm.endpoints import BRIDGE_PATHS
from himswasthya.abdm.models import (
    SimulatedAbhaAccount,
    SimulatedGatewayCall,
    SimulatedHiuTransfer,
    SimulatedLinkedCareContext,
)
from himswasthya.abdm.simulator import keys
from himswasthya.abdm.simulator.share import gateway_token
from himswasthya.abdm.simulator.views import _body, abdm_endpoint, gateway_error

LINK_TOKEN_TTL_SECONDS = 180 * 24 * 3600
LINK_TOKENS_PER_DAY = 3


# ---- calling the bridge as the gateway ----------


def bridge_url(request: HttpRequest | None = None) -> str:
    if settings.ABDM_SIMULATOR_BRIDGE_URL:
        return settings.ABDM_SIMULATOR_BRIDGE_URL.rstrip("/")
    assert request is not None
    return request.build_absolute_uri("/").rstrip("/")


def post_to_bridge(base_url: str, name: str, body: dict[str, Any], *, hip_id: str = "") -> tuple[str, int]:
    """POST to the bridge's `BRIDGE_PATHS[name]` with a gateway JWT. Returns (REQUEST-ID, HTTP status)."""
    request_id = str(uuid.uuid4())
    headers = {
        "Authorization": f"Bearer {gateway_token()}",
        "REQUEST-ID": request_id,
        "TIMESTAMP": abdm_timestamp(),
        "X-CM-ID": settings.ABDM_CM_ID,
    }
    if hip_id:
        headers["X-HIP-ID"] = hip_id
    response = requests.post(base_url + BRIDGE_PATHS[name], json=body, headers=headers, timeout=10)
    return request_id, response.status_code


def _record(request: HttpRequest, data: dict[str, Any]) -> None:
    SimulatedGatewayCall.objects.create(
        path=request.path,
        request_id=request.headers["REQUEST-ID"],
        headers={
            k: v
            for k, v in request.headers.items()
            if k.upper() in {"X-CM-ID", "X-HIP-ID", "TIMESTAMP", "X-LINK-TOKEN"}
        },
        body=data,
    )


def _accepted_then(callback: Any) -> HttpResponse:
    response = HttpResponse(status=202)
    response._resource_closers.append(callback)
    return response


# ---- gateway actions the HIP calls ----------


@require_POST
@abdm_endpoint(gateway=True)
def generate_token(request: HttpRequest) -> HttpResponse:
    data = _body(request)
    hip_id = request.headers.get("X-HIP-ID", "")
    if data is None or not data.get("abhaAddress"):
        return gateway_error("ABDM-1006", "Invalid request body")
    if not hip_id:
        return gateway_error("ABDM-1035", "Invalid HIP ID")
    address = str(data["abhaAddress"]).lower()
    since = timezone.now() - datetime.timedelta(hours=24)
    earlier = [
        c
        for c in SimulatedGatewayCall.objects.filter(path=request.path, received_at__gt=since)
        if str(c.body.get("abhaAddress", "")).lower() == address
        and c.headers.get("X-Hip-Id", c.headers.get("X-HIP-ID")) == hip_id
    ]
    _record(request, data)
    answer: dict[str, Any] = {
        "abhaAddress": address,
        "response": {"requestId": request.headers["REQUEST-ID"]},
    }
    if len(earlier) >= LINK_TOKENS_PER_DAY:
        answer["error"] = {
            "code": "ABDM-1027",
            "message": "Too many link token requests. Try after 24 hours.",
        }
    elif not SimulatedAbhaAccount.objects.filter(abha_address=address).exists():
        answer["error"] = {"code": "ABDM-1010", "message": "ABHA address not found"}
    else:
        answer["linkToken"] = keys.sign(
            {"typ": "LinkToken", "abhaAddress": address, "hipId": hip_id}, ttl_seconds=LINK_TOKEN_TTL_SECONDS
        )
    base = bridge_url(request)
    return _accepted_then(lambda: post_to_bridge(base, "on_generate_token", answer, hip_id=hip_id))


@require_POST
@abdm_endpoint(gateway=True)
def link_care_context(request: HttpRequest) -> HttpResponse:
    data = _body(request)
    hip_id = request.headers.get("X-HIP-ID", "")
    if data is None or not isinstance(data.get("patient"), list):
        return gateway_error("ABDM-1006", "Invalid request body")
    _record(request, data)
    answer: dict[str, Any] = {"response": {"requestId": request.headers["REQUEST-ID"]}}
    try:
        claims = keys.verify(request.headers.get("X-LINK-TOKEN", ""))
    except jwt.PyJWTError:
        claims = {}
    address = str(data.get("abhaAddress") or "").lower()
    answer["abhaAddress"] = address
    contexts = [
        (entry, context)
        for entry in data["patient"]
        if isinstance(entry, dict)
        for context in entry.get("careContexts") or []
    ]
    if (
        claims.get("typ") != "LinkToken"
        or claims.get("abhaAddress") != address
        or claims.get("hipId") != hip_id
    ):
        answer["error"] = {"code": "ABDM-1026", "message": "Invalid link token"}
    elif any(e.get("count") != len(e.get("careContexts") or []) for e in data["patient"]):
        answer["error"] = {"code": "ABDM-1037", "message": "count does not match careContexts"}
    elif SimulatedLinkedCareContext.objects.filter(
        hip_id=hip_id, reference__in=[c.get("referenceNumber") for _e, c in contexts]
    ).exists():
        answer["error"] = {"code": "ABDM-1056", "message": "Care context already linked"}
    else:
        for entry, context in contexts:
            SimulatedLinkedCareContext.objects.create(
                abha_address=address,
                hip_id=hip_id,
                patient_reference=str(entry.get("referenceNumber") or ""),
                reference=str(context.get("referenceNumber") or ""),
                hi_type=str(entry.get("hiType") or ""),
                display=str(context.get("display") or "")[:120],
            )
        answer["status"] = "Successfully Linked care context"
    base = bridge_url(request)
    return _accepted_then(lambda: post_to_bridge(base, "on_carecontext", answer, hip_id=hip_id))


@require_POST
@abdm_endpoint(gateway=True)
def record_answer(request: HttpRequest) -> HttpResponse:
    """on-discover, on-init, on-confirm, consent on-notify, HI on-request and notify: recorded, 202."""
    data = _body(request)
    if data is None:
        return gateway_error("ABDM-1006", "Invalid request body")
    _record(request, data)
    return HttpResponse(status=202)


# ---- the HIU ----


def request_health_information(
    base_url: str,
    *,
    hip_id: str,
    consent_id: str,
    push_url: str,
    date_from: datetime.datetime | None = None,
    date_to: datetime.datetime | None = None,
    key_expiry: datetime.datetime | None = None,
    key_value: str | None = None,
) -> tuple[str, str]:
    """As the HIU (through the gateway): a fresh key pair, then POST the HI request. Returns (REQUEST-ID,
    transactionId). `key_expiry`/`key_value` let a test send expired or broken key material."""
    own = fidelius.KeyMaterial.generate()
    transaction_id = str(uuid.uuid4())
    SimulatedHiuTransfer.objects.create(
        transaction_id=transaction_id,
        consent_id=consent_id,
        private_key=base64.b64encode(own.private_key.private_bytes_raw()).decode(),
        nonce=own.nonce_b64,
    )
    now = timezone.now()
    body = {
        "transactionId": transaction_id,
        "hiRequest": {
            "consent": {"id": consent_id},
            "dateRange": {
                "from": abdm_timestamp(date_from or now - datetime.timedelta(days=3650)),
                "to": abdm_timestamp(date_to or now),
            },
            "dataPushUrl": push_url,
            "keyMaterial": {
                "cryptoAlg": "ECDH",
                "curve": "Curve25519",
                "dhPublicKey": {
                    "expiry": abdm_timestamp(key_expiry or now + datetime.timedelta(hours=1)),
                    "parameters": fidelius.KEY_PARAMETERS,
                    "keyValue": own.public_key_x509_b64 if key_value is None else key_value,
                },
                "nonce": own.nonce_b64,
            },
        },
    }
    request_id, _status = post_to_bridge(base_url, "hi_request", body, hip_id=hip_id)
    return request_id, transaction_id


def _open_entry(
    transfer: SimulatedHiuTransfer, entry: dict[str, Any], key_material: dict[str, Any]
) -> dict[str, Any]:
    result: dict[str, Any] = {"careContextReference": entry.get("careContextReference"), "decrypted": False}
    try:
        private = X25519PrivateKey.from_private_bytes(base64.b64decode(transfer.private_key))
        plaintext = fidelius.decrypt(
            str(entry.get("content") or ""),
            private,
            base64.b64decode(transfer.nonce),
            str((key_material.get("dhPublicKey") or {}).get("keyValue") or ""),
            str(key_material.get("nonce") or ""),
        )
    except (fidelius.FideliusError, ValueError) as exc:
        result["error"] = str(exc)
        return result
    result["decrypted"] = True
    checksum = str(entry.get("checksum") or "")
    hexdigest = fidelius.checksum(plaintext)
    result["checksum_ok"] = checksum in (hexdigest, base64.b64encode(bytes.fromhex(hexdigest)).decode())
    try:
        result["resource_type"] = json.loads(plaintext).get("resourceType")
    except (ValueError, AttributeError):
        result["resource_type"] = None
    return result


@csrf_exempt
@require_POST
def hiu_data_push(request: HttpRequest) -> HttpResponse:
    """The HIU's dataPushUrl: decrypt every entry with the key pair of its transaction and record the result.
    Not a gateway endpoint: the HIP authenticates with its gateway session token."""
    data = _body(request) if request.content_type == "application/json" else None
    if data is None:
        return gateway_error("ABDM-1006", "Invalid request body")
    transfer = SimulatedHiuTransfer.objects.filter(
        transaction_id=str(data.get("transactionId") or "")
    ).first()
    if transfer is None:
        return gateway_error("ABDM-1010", "Unknown transaction", status=404)
    key_material = data.get("keyMaterial") or {}
    results = [
        _open_entry(transfer, e, key_material) for e in data.get("entries") or [] if isinstance(e, dict)
    ]
    transfer.results = [*transfer.results, *results]
    transfer.pushed_at = timezone.now()
    transfer.save(update_fields=["results", "pushed_at"])
    return HttpResponse(status=202)
