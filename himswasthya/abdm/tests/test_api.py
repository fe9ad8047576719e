"""/api/abdm/verify/...: staff only, audited with the ABHA masked, never the OTP or the profile."""

from __future__ import annotations

import json

import pytest

from himswasthya.audit.models import AuditEntry

from .conftest import DEMO_ADDRESS

pytestmark = pytest.mark.django_db(transaction=True)

SEARCH = "/api/abdm/verify/search"
OTP_REQUEST = "/api/abdm/verify/otp/request"
OTP_CONFIRM = "/api/abdm/verify/otp/confirm"


def _post(client, url: str, payload: dict):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def _dumped_audit() -> str:
    return json.dumps(
        list(AuditEntry.objects.values("action", "object_id", "purpose", "detail")), default=str
    )


def test_a_clerk_searches_an_abha_address_and_sees_a_masked_summary(abdm_sim, demo_account, clerk, login_as):
    response = _post(login_as(clerk), SEARCH, {"abha_address": DEMO_ADDRESS})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "abha_address": DEMO_ADDRESS,
        "abha_number_masked": "91-XXXX-XXXX-7595",
        "name": "Ramesh Thakur",
        "mobile_masked": "******0001",
        "status": "ACTIVE",
        "auth_methods": ["MOBILE_OTP", "AADHAAR_OTP"],
    }
    entry = AuditEntry.objects.get(action="abdm.verify")
    assert (entry.object_type, entry.object_id, entry.purpose) == ("abha", DEMO_ADDRESS, "registration")
    assert entry.detail == {"step": "search", "outcome": "found"}
    assert entry.actor == clerk


def test_a_missing_address_is_a_404_with_abdm_code_and_still_audited(
    abdm_sim, demo_account, doctor, login_as
):
    response = _post(login_as(doctor), SEARCH, {"abha_address": "nobody.here"})  # "@sbx" is added
    assert response.status_code == 404
    assert response.json()["code"] == "ABDM-1211"
    assert AuditEntry.objects.get(action="abdm.verify").detail == {"step": "search", "outcome": "ABDM-1211"}


def test_a_malformed_address_is_refused_before_calling_abdm(abdm_sim, state_admin, login_as):
    response = _post(login_as(state_admin), SEARCH, {"abha_address": "a b@@"})
    assert response.status_code == 400 and response.json()["field"] == "abha_address"
    assert not AuditEntry.objects.filter(action="abdm.verify").exists()


def test_otp_request_and_confirm_return_the_profile(abdm_sim, demo_account, clerk, login_as):
    client = login_as(clerk)
    started = _post(client, OTP_REQUEST, {"abha_number": "91-7604-8764-7595", "purpose": "opd"})
    assert started.status_code == 200, started.content
    txn_id = started.json()["txn_id"]
    wrong = _post(client, OTP_CONFIRM, {"txn_id": txn_id, "otp": "000000"})
    assert wrong.status_code == 400
    assert (wrong.json()["code"], wrong.json()["field"]) == ("abdm_otp_failed", "otp")
    confirmed = _post(client, OTP_CONFIRM, {"txn_id": txn_id, "otp": "123456"})
    assert confirmed.status_code == 200, confirmed.content
    profile = confirmed.json()
    assert (profile["abha_number"], profile["name"], profile["year_of_birth"]) == (
        "91760487647595",
        "Ramesh Thakur",
        1985,
    )
    steps = list(
        AuditEntry.objects.filter(action="abdm.verify")
        .order_by("pk")
        .values_list("detail", "object_id", "purpose")
    )
    assert steps == [
        ({"step": "otp_request", "outcome": "sent"}, "91-XXXX-XXXX-7595", "opd"),
        ({"step": "otp_confirm", "outcome": "abdm_otp_failed"}, "91-XXXX-XXXX-7595", "opd"),
        ({"step": "otp_confirm", "outcome": "verified"}, "91-XXXX-XXXX-7595", "opd"),
    ]
    dumped = _dumped_audit()
    assert "123456" not in dumped and "91760487647595" not in dumped and "9816000001" not in dumped
    # a transaction is used once
    assert (
        _post(client, OTP_CONFIRM, {"txn_id": txn_id, "otp": "123456"}).json()["code"] == "abdm_txn_unknown"
    )


def test_only_the_staff_member_who_asked_for_the_otp_can_confirm_it(
    abdm_sim, demo_account, clerk, other_facility_clerk, login_as
):
    txn_id = _post(login_as(clerk), OTP_REQUEST, {"abha_number": "91760487647595"}).json()["txn_id"]
    response = _post(login_as(other_facility_clerk), OTP_CONFIRM, {"txn_id": txn_id, "otp": "123456"})
    assert (response.status_code, response.json()["code"]) == (400, "abdm_txn_unknown")


def test_a_bad_abha_number_is_refused_with_its_field(abdm_sim, clerk, login_as):
    response = _post(login_as(clerk), OTP_REQUEST, {"abha_number": "91-1234-5678-9012"})
    assert (response.status_code, response.json()["field"]) == (400, "abha_number")


def test_abdm_being_down_is_a_503_not_a_crash(abdm_sim, settings, clerk, login_as):
    settings.ABDM_GATEWAY_URL = "http://127.0.0.1:9/abdm-sim/gateway"  # discard port: connection refused
    settings.ABDM_RETRIES = 0
    response = _post(login_as(clerk), SEARCH, {"abha_address": DEMO_ADDRESS})
    assert (response.status_code, response.json()["code"]) == (503, "abdm_unreachable")


@pytest.mark.parametrize(
    "url,payload",
    [
        (SEARCH, {"abha_address": DEMO_ADDRESS}),
        (OTP_REQUEST, {"abha_number": "91760487647595"}),
        (OTP_CONFIRM, {"txn_id": "5f7a4c1e-8d9b-4e2a-b3c4-d5e6f7a8b9c0", "otp": "123456"}),
    ],
)
def test_citizens_district_officers_and_anonymous_callers_are_refused(
    abdm_sim, demo_account, citizen, district_officer, login_as, client, url, payload
):
    assert _post(client, url, payload).status_code == 401
    assert _post(login_as(citizen), url, payload).status_code == 403
    assert _post(login_as(district_officer), url, payload).status_code == 403
    assert not AuditEntry.objects.filter(action="abdm.verify").exists()
