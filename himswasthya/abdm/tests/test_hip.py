"""The HIP role end to end against the simulator (as gateway, consent manager and HIU) on the live server:
HIP-initiated linking, discovery/init/confirm, consent, health-information request, encrypted push."""

from __future__ import annotations

import datetime
import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests
from django.db import OperationalError
from django.db.models.signals import post_save
from django.utils import timezone

from himswasthya.abdm import hip
from himswasthya.abdm.client import abdm_timestamp
from himswasthya.abdm.endpoints import BRIDGE_PATHS
from himswasthya.abdm.hooks import CareContextInfo, HealthDocument, hooks
from himswasthya.abdm.models import (
    CareContextLink,
    HealthInformationTransfer,
    HipConsent,
    LinkingTransaction,
    LinkTokenRequest,
    SimulatedGatewayCall,
    SimulatedHiuTransfer,
    SimulatedLinkedCareContext,
)
from himswasthya.abdm.simulator import hie
from himswasthya.abdm.simulator.seed import DEMO_ACCOUNT
from himswasthya.abdm.tests.conftest import forget_cached_abdm_state, point_the_client_at_the_simulator
from himswasthya.audit.models import AuditEntry
from himswasthya.notify.models import SmsOutbox
from himswasthya.people.models import IdentifierType, PersonIdentifier
from himswasthya.people.tests.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True)

HIP_ID = "IN0210000001"
ADDRESS = DEMO_ACCOUNT["abha_address"]
WATCHED = (
    SimulatedGatewayCall,
    SimulatedHiuTransfer,
    CareContextLink,
    LinkTokenRequest,
    HealthInformationTransfer,
    LinkingTransaction,
)


def wait_for(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Wait until `check()` is truthy: woken by every save of the models the flows write (the live server
    runs in a thread of this process), never by a fixed sleep."""
    changed = threading.Event()

    def saved(**kwargs: Any) -> None:
        changed.set()

    for model in WATCHED:
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"wait-{model.__name__}")
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if value := check():
                    return value
            except OperationalError:  # SQLite's shared in-memory database is busy with the live server
                pass
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("the flow did not finish in time")
            changed.wait(min(left, 0.2))
            changed.clear()
    finally:
        for model in WATCHED:
            post_save.disconnect(sender=model, dispatch_uid=f"wait-{model.__name__}")


def _calls(suffix: str) -> list[SimulatedGatewayCall]:
    return list(SimulatedGatewayCall.objects.filter(path__endswith=suffix).order_by("pk"))


def _answer_to(suffix: str, request_id: str) -> SimulatedGatewayCall | None:
    return next(
        (c for c in _calls(suffix) if (c.body.get("response") or {}).get("requestId") == request_id), None
    )


@pytest.fixture
def sim(live_server, settings):
    point_the_client_at_the_simulator(settings, live_server.url)
    settings.ABDM_HIP_ID = HIP_ID
    settings.SMS_DLT_TEMPLATE_IDS = {
        **settings.SMS_DLT_TEMPLATE_IDS,
        "abdm_link_otp": "1107000000000000301",
        "abdm_link_otp_hi": "1107000000000000302",
    }
    yield live_server.url
    forget_cached_abdm_state()


@pytest.fixture
def facility(persona_facility):
    persona_facility.hfr_id = HIP_ID
    persona_facility.save(update_fields=["hfr_id"])
    return persona_facility


@pytest.fixture
def patient(persona_district, demo_account):
    person = make_person(persona_district, mobile="9816000001")
    PersonIdentifier.objects.create(
        person=person, id_type=IdentifierType.ABHA_NUMBER, value=DEMO_ACCOUNT["abha_number"], verified=True
    )
    PersonIdentifier.objects.create(
        person=person, id_type=IdentifierType.ABHA_ADDRESS, value=ADDRESS, verified=True
    )
    return person


def _bundle(reference: str) -> bytes:
    return json.dumps(
        {
            "resourceType": "Bundle",
            "type": "document",
            "identifier": {"system": "https://himswasthya.hp.gov.in/bundle", "value": reference},
            "entry": [{"resource": {"resourceType": "Composition", "title": "OP Consult Record / ओपीडी"}}],
        },
        ensure_ascii=False,
    ).encode()


@pytest.fixture
def provider(monkeypatch, facility):
    """A stand-in for records' provider: two OPD visits at the facility, FHIR-like bundles as bytes."""
    visits = {
        "ENC-101": datetime.date(2026, 1, 5),
        "ENC-102": datetime.date(2026, 3, 9),
    }

    def care_contexts_for(person):
        return [
            CareContextInfo(ref, f"OPD {day:%d-%m-%Y}", "OPConsultation", facility.pk, day)
            for ref, day in visits.items()
        ]

    def documents_for(person, references, date_from, date_to):
        return [HealthDocument(ref, "OPConsultation", _bundle(ref)) for ref in references if ref in visits]

    monkeypatch.setattr(hooks, "care_contexts_for", care_contexts_for)
    monkeypatch.setattr(hooks, "documents_for", documents_for)
    return visits


# ---- HIP-initiated linking ---------------------------------------------------------------------------------


def test_signed_visits_of_a_person_with_an_abha_get_linked_through_a_link_token(sim, patient, provider):
    counts = hip.link_all()
    assert counts["added"] == 2 and counts["token_requested"] == 1
    wait_for(lambda: CareContextLink.objects.filter(status="linked").count() == 2)
    token_call = _calls("/v3/token/generate-token")[0]
    assert token_call.body["abhaAddress"] == ADDRESS and token_call.body["yearOfBirth"] == 1985
    link_call = _calls("/hip/v3/link/carecontext")[0]
    assert link_call.headers.get("X-Link-Token") or link_call.headers.get("X-LINK-TOKEN")
    (entry,) = link_call.body["patient"]
    assert entry["hiType"] == "OPConsultation" and entry["count"] == 2
    assert {c["referenceNumber"] for c in entry["careContexts"]} == {"ENC-101", "ENC-102"}
    assert SimulatedLinkedCareContext.objects.filter(hip_id=HIP_ID).count() == 2
    assert AuditEntry.objects.filter(action="hip.care_context_link").exists()
    # Idempotent: nothing new is asked for on the next run.
    again = hip.link_all()
    assert again["added"] == 0 and again["token_requested"] == 0 and again["linking"] == 0
    assert len(_calls("/v3/token/generate-token")) == 1


def test_a_new_visit_reuses_the_held_link_token(sim, patient, provider):
    hip.link_all()
    wait_for(lambda: CareContextLink.objects.filter(status="linked").count() == 2)
    provider["ENC-103"] = datetime.date(2026, 4, 1)
    counts = hip.link_all()
    assert counts["added"] == 1 and counts["linking"] == 1 and counts["token_requested"] == 0
    wait_for(lambda: CareContextLink.objects.filter(status="linked").count() == 3)
    assert len(_calls("/v3/token/generate-token")) == 1


def test_no_more_than_three_link_token_requests_a_day(sim, patient, provider, settings):
    for _ in range(3):
        LinkTokenRequest.objects.create(
            hip_id=HIP_ID,
            abha_address=ADDRESS,
            request_id=str(uuid.uuid4()),
            answered_at=timezone.now(),
            error_code="ABDM-1024",
        )
    counts = hip.link_all()
    assert counts["rate_limited"] == 2 and counts["token_requested"] == 0
    assert _calls("/v3/token/generate-token") == []


# ---- user-initiated linking ----


def _discover(sim_url: str, **patient: Any) -> tuple[str, str]:
    transaction_id = str(uuid.uuid4())
    body = {
        "transactionId": transaction_id,
        "patient": {
            "id": ADDRESS,
            "name": "Ramesh Thakur",
            "gender": "M",
            "yearOfBirth": 1986,
            "verifiedIdentifiers": [{"type": "MOBILE", "value": "9816000001"}],
            "unverifiedIdentifiers": [],
            **patient,
        },
    }
    request_id, status = hie.post_to_bridge(sim_url, "discover", body, hip_id=HIP_ID)
    assert status == 202
    return request_id, transaction_id


def test_discovery_init_and_confirm_link_the_chosen_visits(sim, patient, provider):
    request_id, transaction_id = _discover(sim, id="someone.else@sbx")  # matched by mobile + demographics
    found = wait_for(lambda: _answer_to("/on-discover", request_id))
    assert "error" not in found.body and found.body["transactionId"] == transaction_id
    assert found.body["matchedBy"] == ["MOBILE"]
    assert {c["referenceNumber"] for c in found.body["patient"][0]["careContexts"]} == {"ENC-101", "ENC-102"}

    init_body = {
        "transactionId": transaction_id,
        "abhaAddress": ADDRESS,
        "patient": [
            {
                "referenceNumber": hip.patient_reference(patient),
                "hiType": "OPConsultation",
                "count": 1,
                "careContexts": [{"referenceNumber": "ENC-102"}],
            }
        ],
    }
    init_id, _ = hie.post_to_bridge(sim, "link_init", init_body, hip_id=HIP_ID)
    init = wait_for(lambda: _answer_to("/on-init", init_id))
    link_ref = init.body["link"]["referenceNumber"]
    assert init.body["link"]["meta"]["communicationMedium"] == "MOBILE"
    sms = SmsOutbox.objects.get(template_key__startswith="abdm_link_otp")
    assert sms.mobile == "9816000001"

    wrong_id, _ = hie.post_to_bridge(
        sim, "link_confirm", {"confirmation": {"linkRefNumber": link_ref, "token": "000000"}}, hip_id=HIP_ID
    )
    assert wait_for(lambda: _answer_to("/on-confirm", wrong_id)).body["error"]["code"] == "ABDM-1010"
    confirm_id, _ = hie.post_to_bridge(
        sim,
        "link_confirm",
        {"confirmation": {"linkRefNumber": link_ref, "token": str(sms.variables["otp"])}},
        hip_id=HIP_ID,
    )
    confirmed = wait_for(lambda: _answer_to("/on-confirm", confirm_id))
    assert "error" not in confirmed.body
    assert [c["referenceNumber"] for c in confirmed.body["patient"][0]["careContexts"]] == ["ENC-102"]
    link = CareContextLink.objects.get(reference="ENC-102")
    assert (link.status, link.channel, link.person_id) == ("linked", "user", patient.pk)
    assert {"hip.discover", "hip.link_confirm"} <= set(AuditEntry.objects.values_list("action", flat=True))


@pytest.mark.parametrize(
    "change",
    [
        {"gender": "F"},
        {"yearOfBirth": 1975},
        {"name": "Sunita Negi"},
        {"verifiedIdentifiers": [{"type": "MOBILE", "value": "9000000000"}], "id": "nobody@sbx"},
    ],
)
def test_discovery_without_a_match_answers_abdm_1010(sim, patient, provider, change):
    request_id, _ = _discover(sim, **change)
    answer = wait_for(lambda: _answer_to("/on-discover", request_id))
    assert answer.body["error"]["code"] == "ABDM-1010" and "patient" not in answer.body


def test_the_bridge_refuses_calls_without_the_gateway_jwt(sim, facility):
    url = sim + BRIDGE_PATHS["hi_request"]
    headers = {"REQUEST-ID": str(uuid.uuid4()), "TIMESTAMP": abdm_timestamp(), "X-HIP-ID": HIP_ID}
    assert requests.post(url, json={}, headers=headers, timeout=10).status_code == 401
    bad = {**headers, "Authorization": "Bearer not-a-jwt"}
    assert requests.post(url, json={}, headers=bad, timeout=10).status_code == 401


# ---- consent and health-information transfer ---------------------------------------------------------------


def _notify_consent(sim_url: str, person, status: str = "GRANTED", refs=("ENC-101", "ENC-102")) -> str:
    consent_id = str(uuid.uuid4())
    now = timezone.now()
    detail = {
        "schemaVersion": "v3",
        "consentId": consent_id,
        "createdAt": abdm_timestamp(now),
        "patient": {"id": ADDRESS},
        "hip": {"id": HIP_ID},
        "consentManager": {"id": "sbx"},
        "careContexts": [
            {"patientReference": hip.patient_reference(person), "careContextReference": r} for r in refs
        ],
        "purpose": {"text": "Care Management", "code": "CAREMGT"},
        "hiTypes": ["OPConsultation"],
        "permission": {
            "accessMode": "VIEW",
            "dateRange": {
                "from": abdm_timestamp(now - datetime.timedelta(days=3650)),
                "to": abdm_timestamp(now),
            },
            "dataEraseAt": abdm_timestamp(now + datetime.timedelta(days=30)),
            "frequency": {"unit": "HOUR", "value": 1, "repeats": 0},
        },
    }
    body = {
        "notification": {
            "status": status,
            "consentId": consent_id,
            "signature": "c2ln",
            "consentDetail": detail,
        }
    }
    request_id, status_code = hie.post_to_bridge(sim_url, "consent_notify", body, hip_id=HIP_ID)
    assert status_code == 202
    ack = wait_for(lambda: _answer_to("/request/hip/on-notify", request_id))
    assert ack.body["acknowledgement"] == {"status": "OK", "consentId": consent_id}
    return consent_id


def _linked(patient) -> None:
    for ref in ("ENC-101", "ENC-102"):
        CareContextLink.objects.create(
            person=patient,
            hip_id=HIP_ID,
            abha_address=ADDRESS,
            reference=ref,
            patient_reference=hip.patient_reference(patient),
            hi_type="OPConsultation",
            display="OPD",
            channel="hip",
            status="linked",
            linked_at=timezone.now(),
        )


def test_a_granted_consent_brings_an_encrypted_push_the_hiu_decrypts(sim, patient, provider):
    _linked(patient)
    consent_id = _notify_consent(sim, patient)
    request_id, transaction_id = hie.request_health_information(
        sim, hip_id=HIP_ID, consent_id=consent_id, push_url=f"{sim}/abdm-sim/hiu/data/push"
    )
    ack = wait_for(lambda: _answer_to("/hip/on-request", request_id))
    assert ack.body["hiRequest"] == {"transactionId": transaction_id, "sessionStatus": "ACKNOWLEDGED"}
    notify = wait_for(
        lambda: next(
            (
                c
                for c in _calls("/health-information/notify")
                if c.body["notification"]["transactionId"] == transaction_id
            ),
            None,
        )
    )
    status = notify.body["notification"]["statusNotification"]
    assert status["sessionStatus"] == "TRANSFERRED"
    assert {s["careContextReference"]: s["hiStatus"] for s in status["statusResponses"]} == {
        "ENC-101": "DELIVERED",
        "ENC-102": "DELIVERED",
    }
    received = SimulatedHiuTransfer.objects.get(transaction_id=transaction_id)
    assert sorted(r["careContextReference"] for r in received.results) == ["ENC-101", "ENC-102"]
    assert all(
        r["decrypted"] and r["checksum_ok"] and r["resource_type"] == "Bundle" for r in received.results
    )
    pushed = AuditEntry.objects.filter(action="hip.data_push")
    assert pushed.count() == 2 and all(
        e.detail["consent"] == HipConsent.objects.get(consent_id=consent_id).pk for e in pushed
    )
    assert HealthInformationTransfer.objects.get(transaction_id=transaction_id).status == "transferred"


def test_a_revoked_consent_is_refused_and_nothing_is_pushed(sim, patient, provider):
    _linked(patient)
    consent_id = _notify_consent(sim, patient)
    revoked_id, _ = hie.post_to_bridge(
        sim, "consent_notify", {"notification": {"status": "REVOKED", "consentId": consent_id}}, hip_id=HIP_ID
    )
    wait_for(lambda: _answer_to("/request/hip/on-notify", revoked_id))
    consent = HipConsent.objects.get(consent_id=consent_id)
    assert consent.status == "REVOKED" and consent.care_contexts == [] and consent.hi_types == []
    request_id, transaction_id = hie.request_health_information(
        sim, hip_id=HIP_ID, consent_id=consent_id, push_url=f"{sim}/abdm-sim/hiu/data/push"
    )
    answer = wait_for(lambda: _answer_to("/hip/on-request", request_id))
    assert answer.body["error"]["code"] == "ABDM-1010"
    assert answer.body["hiRequest"]["sessionStatus"] == "ERRORED"
    assert SimulatedHiuTransfer.objects.get(transaction_id=transaction_id).results == []
    assert HealthInformationTransfer.objects.get(transaction_id=transaction_id).status == "refused"
    assert not AuditEntry.objects.filter(action="hip.data_push").exists()
    assert AuditEntry.objects.filter(action="hip.data_refused").exists()


@pytest.mark.parametrize(
    "key",
    [
        {"key_expiry": timezone.now() - datetime.timedelta(minutes=5)},
        {"key_value": "bm90IGEga2V5"},
    ],
    ids=["expired", "malformed"],
)
def test_bad_or_expired_key_material_gets_an_error_callback(sim, patient, provider, key):
    _linked(patient)
    consent_id = _notify_consent(sim, patient)
    request_id, transaction_id = hie.request_health_information(
        sim, hip_id=HIP_ID, consent_id=consent_id, push_url=f"{sim}/abdm-sim/hiu/data/push", **key
    )
    answer = wait_for(lambda: _answer_to("/hip/on-request", request_id))
    assert answer.body["error"]["code"] == "ABDM-1006"
    assert SimulatedHiuTransfer.objects.get(transaction_id=transaction_id).results == []
    assert _calls("/health-information/notify") == []
