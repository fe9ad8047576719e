"""The real client over real HTTP against the simulator (no mocks): session, search, OTP login, profile."""

from __future__ import annotations

import pytest
import requests

from himswasthya.abdm import errors
from himswasthya.abdm.client import AbdmClient, abdm_timestamp, encrypt_for_abdm
from himswasthya.abdm.errors import AbdmError
from himswasthya.abdm.models import SimulatedGatewayCall, SimulatedOtpTransaction, SimulatedSession
from himswasthya.abdm.simulator import keys

from .conftest import DEMO_ABHA, DEMO_ADDRESS

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_fetches_one_session_token_and_reuses_it(client_for_sim, demo_account):
    client_for_sim.search_abha_address(DEMO_ADDRESS)
    client_for_sim.search_abha_address(DEMO_ADDRESS)
    AbdmClient().search_abha_address(DEMO_ADDRESS)  # another instance shares the cached token
    assert SimulatedSession.objects.count() == 1


def test_it_refetches_the_token_once_when_the_gateway_refuses_it(client_for_sim, demo_account):
    client_for_sim.search_abha_address(DEMO_ADDRESS)
    SimulatedSession.objects.all().delete()  # the gateway forgets the session: next call gets 401 900901
    result = client_for_sim.search_abha_address(DEMO_ADDRESS)
    assert result.abha_address == DEMO_ADDRESS
    assert SimulatedSession.objects.count() == 1


def test_it_reports_wrong_client_credentials(abdm_sim, settings, demo_account):
    settings.ABDM_CLIENT_SECRET = "wrong"
    with pytest.raises(AbdmError) as caught:
        AbdmClient().search_abha_address(DEMO_ADDRESS)
    assert (caught.value.code, caught.value.http_status) == (errors.INVALID_TOKEN, 401)


def test_it_refuses_to_call_without_credentials(abdm_sim, settings):
    settings.ABDM_CLIENT_ID = ""
    with pytest.raises(AbdmError) as caught:
        AbdmClient().session_token()
    assert caught.value.code == errors.NOT_CONFIGURED


def test_it_finds_an_abha_address(client_for_sim, demo_account):
    result = client_for_sim.search_abha_address(DEMO_ADDRESS)
    assert result.abha_number == DEMO_ABHA  # normalised from 91-7604-8764-7595
    assert result.full_name == "Ramesh Thakur"
    assert result.masked_mobile == "******0001"
    assert "MOBILE_OTP" in result.auth_methods


def test_it_reports_an_unknown_abha_address_as_abdm_1211(client_for_sim, demo_account):
    with pytest.raises(AbdmError) as caught:
        client_for_sim.search_abha_address("nobody.here@sbx")
    assert (caught.value.code, caught.value.http_status, caught.value.status) == ("ABDM-1211", 400, 404)


def test_it_logs_in_with_abha_number_and_otp_and_fetches_the_profile(client_for_sim, demo_account):
    started = client_for_sim.request_login_otp("91-7604-8764-7595", otp_system="abdm")
    assert started.scope == ["abha-login", "mobile-verify"]
    assert "0001" in started.message
    login = client_for_sim.verify_login_otp(started.txn_id, "123456", scope=started.scope)
    assert login.accounts[0]["preferredAbhaAddress"] == DEMO_ADDRESS
    profile = client_for_sim.fetch_profile(login.x_token)
    assert profile.abha_number == DEMO_ABHA
    assert (
        profile.name,
        profile.gender,
        profile.year_of_birth,
        profile.month_of_birth,
        profile.day_of_birth,
    ) == (
        "Ramesh Thakur",
        "M",
        1985,
        8,
        5,
    )
    assert (profile.district_name, profile.state_name, profile.pincode) == (
        "Shimla",
        "HIMACHAL PRADESH",
        "171006",
    )
    assert profile.mobile == "9816000001"


def test_it_supports_the_aadhaar_otp_variant(client_for_sim, demo_account):
    started = client_for_sim.request_login_otp(DEMO_ABHA, otp_system="aadhaar")
    assert SimulatedOtpTransaction.objects.get().scope == ["abha-login", "aadhaar-verify"]
    assert client_for_sim.verify_login_otp(started.txn_id, "123456", scope=started.scope).x_token


def test_it_reports_a_wrong_otp(client_for_sim, demo_account):
    started = client_for_sim.request_login_otp(DEMO_ABHA)
    with pytest.raises(AbdmError) as caught:
        client_for_sim.verify_login_otp(started.txn_id, "654321", scope=started.scope)
    assert caught.value.code == errors.OTP_FAILED
    assert SimulatedOtpTransaction.objects.get().failed_attempts == 1
    # the right OTP still works afterwards, once
    assert client_for_sim.verify_login_otp(started.txn_id, "123456", scope=started.scope).x_token
    with pytest.raises(AbdmError) as again:
        client_for_sim.verify_login_otp(started.txn_id, "123456", scope=started.scope)
    assert (again.value.code, again.value.field) == ("ABDM-1006", "txnId")


def test_it_reports_an_unknown_but_valid_abha_number_as_abdm_1211(client_for_sim, demo_account):
    with pytest.raises(AbdmError) as caught:
        client_for_sim.request_login_otp("91391417776310")  # Luhn-valid (domain.md 1.1), not in the simulator
    assert caught.value.code == "ABDM-1211"


def test_it_relays_abdm_1051_for_a_number_failing_luhn(client_for_sim, demo_account):
    with pytest.raises(AbdmError) as caught:
        client_for_sim.request_login_otp("91-1234-5678-9012")
    assert caught.value.code == "ABDM-1051"


def test_it_reports_an_expired_or_forged_x_token(client_for_sim, demo_account):
    with pytest.raises(AbdmError) as caught:
        client_for_sim.fetch_profile(keys.sign({"typ": "X-token", "sub": DEMO_ABHA}, ttl_seconds=-60))
    assert (caught.value.code, caught.value.http_status) == ("ABDM-1094", 401)
    assert SimulatedSession.objects.count() == 1  # a bad X-token is not mistaken for a bad session token


def test_the_simulator_decrypts_what_the_client_encrypts(client_for_sim):
    certificate = client_for_sim.public_certificate()
    assert certificate.algorithm == "RSA/ECB/OAEPWithSHA-1AndMGF1Padding"
    ciphertext = client_for_sim.encrypt("91-7604-8764-7595")
    assert ciphertext != client_for_sim.encrypt("91-7604-8764-7595")  # OAEP is randomised
    assert keys.decrypt(ciphertext) == "91-7604-8764-7595"
    assert keys.decrypt(encrypt_for_abdm(certificate.public_key, "123456")) == "123456"


def test_the_simulator_refuses_what_it_cannot_decrypt(client_for_sim, demo_account):
    token = client_for_sim.session_token()
    response = requests.post(
        f"{client_for_sim.config.abha_url}/v3/profile/login/request/otp",
        json={
            "scope": ["abha-login", "mobile-verify"],
            "loginHint": "abha-number",
            "loginId": DEMO_ABHA,
            "otpSystem": "abdm",
        },
        headers={
            "Authorization": f"Bearer {token}",
            "REQUEST-ID": "0b7b4fd5-9d4e-4b6c-9d43-7a3f1c1d2e3f",
            "TIMESTAMP": abdm_timestamp(),
        },
        timeout=10,
    )
    assert (response.status_code, response.json()) == (400, {"loginId": "Invalid LoginId"})


@pytest.mark.parametrize("timestamp", [None, "2025-01-31 10:15:30", "yesterday"])
def test_the_simulator_refuses_a_missing_or_malformed_timestamp(client_for_sim, demo_account, timestamp):
    headers = {
        "Authorization": f"Bearer {client_for_sim.session_token()}",
        "REQUEST-ID": "0b7b4fd5-9d4e-4b6c-9d43-7a3f1c1d2e3f",
    }
    if timestamp:
        headers["TIMESTAMP"] = timestamp
    response = requests.post(
        f"{client_for_sim.config.abha_url}/v3/phr/web/login/abha/search",
        json={"abhaAddress": DEMO_ADDRESS},
        headers=headers,
        timeout=10,
    )
    assert (response.status_code, response.json()["code"]) == (400, "ABDM-1016")


def test_it_answers_a_share_with_on_share(client_for_sim):
    inbound = "5f7a4c1e-8d9b-4e2a-b3c4-d5e6f7a8b9c0"
    sent = client_for_sim.on_share(
        inbound_request_id=inbound,
        abha_address=DEMO_ADDRESS,
        context="12345",
        token_number=17,
        hip_id="IN0210000001",
    )
    call = SimulatedGatewayCall.objects.get()
    assert call.request_id == sent and call.path.endswith("/patient-share/v3/on-share")
    assert call.headers["X-Cm-Id"] == "sbx" and call.headers["X-Hip-Id"] == "IN0210000001"
    assert call.body == {
        "acknowledgement": {
            "status": "SUCCESS",
            "abhaAddress": DEMO_ADDRESS,
            "profile": {"context": "12345", "tokenNumber": "17", "expiry": "1800"},
        },
        "response": {"requestId": inbound},
    }


def test_it_answers_a_refused_share_with_an_error(client_for_sim):
    client_for_sim.on_share(
        inbound_request_id="5f7a4c1e-8d9b-4e2a-b3c4-d5e6f7a8b9c0",
        abha_address=DEMO_ADDRESS,
        context="1",
        token_number="",
        error=("ABDM-9999", "Token already issued"),
    )
    body = SimulatedGatewayCall.objects.get().body
    assert body["error"] == {"code": "ABDM-9999", "message": "Token already issued"}
    assert "acknowledgement" not in body
