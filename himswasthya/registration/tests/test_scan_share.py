"""ABDM scan and share end to end: the simulator (as the gateway) posts a PROFILE_SHARE to our bridge
callback, we issue a token, match or create the person and answer on-share."""

from __future__ import annotations

import uuid

import pytest
import requests

from himswasthya.abdm.client import abdm_timestamp
from himswasthya.abdm.simulator import keys
from himswasthya.abdm.simulator.seed import DEMO_ACCOUNT
from himswasthya.abdm.simulator.share import SHARE_PATH, gateway_token, profile_share_body
from himswasthya.audit.models import AuditEntry
from himswasthya.notify import sms as sms_module
from himswasthya.notify.models import SmsOutbox
from himswasthya.people.models import IdentifierType, Person, PersonIdentifier
from himswasthya.people.tests.factories import make_person
from himswasthya.registration.scan_share_models import ScanShareStatus, ScanShareToken
from himswasthya.registration.tests.scan_share_fixtures import (
    DEMO_ABHA,
    DEMO_ADDRESS,
    HIP_ID,
    today,
    wait_for_on_share,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _post(url: str, body, *, token: str | None = None, hip_id: str = HIP_ID, **headers) -> requests.Response:
    base = {
        "Authorization": f"Bearer {token or gateway_token()}",
        "REQUEST-ID": str(uuid.uuid4()),
        "TIMESTAMP": abdm_timestamp(),
        "X-HIP-ID": hip_id,
        "X-CM-ID": "sbx",
    }
    base.update(headers)
    return requests.post(
        f"{url}{SHARE_PATH}", json=body, headers={k: v for k, v in base.items() if v}, timeout=10
    )


def test_a_share_gets_a_token_a_new_person_and_an_on_share(share, demo_account, hip_facility):
    result = share()
    assert result.status_code == 202
    call = wait_for_on_share(result.request_id)
    token = ScanShareToken.objects.get()
    assert (token.facility, token.date, token.token_number) == (hip_facility, today(), 1)
    assert call.body["acknowledgement"]["status"] == "SUCCESS"
    assert call.body["acknowledgement"]["abhaAddress"] == DEMO_ADDRESS
    profile = call.body["acknowledgement"]["profile"]
    assert profile["context"] == "12" and profile["tokenNumber"] == "1"
    assert 1700 <= int(profile["expiry"]) <= 1800
    assert call.headers.get("X-Hip-Id") == HIP_ID or call.headers.get("X-HIP-ID") == HIP_ID
    # The person was created with the shared fields and the ABHA linked as verified by ABDM.
    person = Person.objects.get()
    assert token.person == person and token.counter.code == "12"
    assert (person.name_roman, person.sex, person.year_of_birth, person.mobile) == (
        "Ramesh Thakur",
        "M",
        1985,
        "9816000001",
    )
    number = PersonIdentifier.objects.get(person=person, id_type=IdentifierType.ABHA_NUMBER)
    assert number.value == DEMO_ABHA.replace("-", "") and number.verified and number.source == "ABDM"
    assert PersonIdentifier.objects.filter(
        person=person, id_type=IdentifierType.ABHA_ADDRESS, value=DEMO_ADDRESS
    )
    # Audited and an SMS sent after commit.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"scan_share.receive", "scan_share.token", "person.create", "abha.link"} <= actions
    sms = SmsOutbox.objects.get()
    assert sms.template_key.startswith("scan_share_counter_token") and sms.status == "sent"
    assert any("token is 1 for" in message.text for message in sms_module.outbox)


def test_a_repeat_share_returns_the_same_token(share, demo_account, hip_facility):
    first = share()
    wait_for_on_share(first.request_id)
    second = share()
    call = wait_for_on_share(second.request_id)
    assert call.body["acknowledgement"]["profile"]["tokenNumber"] == "1"
    assert ScanShareToken.objects.count() == 1 and Person.objects.count() == 1
    assert SmsOutbox.objects.count() == 1  # no second SMS for the same token


def test_tokens_count_up_per_facility_and_day(share, demo_account, hip_facility):
    from himswasthya.abdm.models import SimulatedAbhaAccount

    SimulatedAbhaAccount.objects.create(
        **{
            **DEMO_ACCOUNT,
            "abha_address": "sunita.devi@sbx",
            "abha_number": "91391417776310",
            "first_name": "Sunita",
            "last_name": "Devi",
            "gender": "F",
            "mobile": "9816000002",
        }
    )
    wait_for_on_share(share().request_id)
    call = wait_for_on_share(share("sunita.devi@sbx").request_id)
    assert call.body["acknowledgement"]["profile"]["tokenNumber"] == "2"
    assert sorted(ScanShareToken.objects.values_list("token_number", flat=True)) == [1, 2]


def test_a_person_holding_the_abha_is_matched_not_created(
    share, demo_account, hip_facility, persona_district
):
    person = make_person(persona_district, name_deva="", date_of_birth=None, mobile=None)
    PersonIdentifier.objects.create(
        person=person, id_type=IdentifierType.ABHA_ADDRESS, value=DEMO_ADDRESS, verified=True, source="ABDM"
    )
    wait_for_on_share(share().request_id)
    assert Person.objects.count() == 1
    assert ScanShareToken.objects.get().person == person


def test_a_person_with_the_same_name_birth_sex_and_mobile_is_matched_and_linked(
    share, demo_account, hip_facility, persona_district
):
    person = make_person(persona_district, date_of_birth=None)
    wait_for_on_share(share().request_id)
    assert Person.objects.count() == 1
    assert ScanShareToken.objects.get().person == person
    assert PersonIdentifier.objects.filter(
        person=person, id_type=IdentifierType.ABHA_NUMBER, verified=True
    ).exists()


def test_an_abha_held_by_someone_else_is_not_overwritten(share, demo_account, hip_facility, persona_district):
    other = Person.objects.create(
        given_name="Mohan", name_roman="Mohan Lal", sex="M", year_of_birth=1960, district=persona_district
    )
    PersonIdentifier.objects.create(
        person=other, id_type=IdentifierType.ABHA_NUMBER, value=DEMO_ABHA.replace("-", ""), verified=True
    )
    wait_for_on_share(share().request_id)
    token = ScanShareToken.objects.get()
    assert token.person == other  # matched by the identifier ABDM vouches for; nothing rewritten
    assert PersonIdentifier.objects.filter(id_type=IdentifierType.ABHA_NUMBER).count() == 1


def test_a_bad_or_expired_jwt_is_refused(abdm_sim, demo_account, hip_facility):
    body = profile_share_body(demo_account, hip_id=HIP_ID, counter="12")
    assert _post(abdm_sim, body, token="not-a-jwt").status_code == 401
    expired = keys.sign({"sub": "gateway"}, ttl_seconds=-3600)
    response = _post(abdm_sim, body, token=expired)
    assert response.status_code == 401 and response.json()["error"]["code"] == "ABDM-1401"
    missing = requests.post(f"{abdm_sim}{SHARE_PATH}", json=body, timeout=10)
    assert missing.status_code == 401
    assert not ScanShareToken.objects.exists()


def test_a_foreign_hip_id_is_refused(abdm_sim, demo_account, hip_facility):
    body = profile_share_body(demo_account, hip_id="IN9999999999", counter="12")
    response = _post(abdm_sim, body, hip_id="IN9999999999")
    assert response.status_code == 400 and response.json()["error"]["code"] == "ABDM-1035"
    mismatch = _post(abdm_sim, profile_share_body(demo_account, hip_id="IN9999999999", counter="12"))
    assert mismatch.status_code == 400 and mismatch.json()["error"]["field"] == "metaData.hipId"
    assert not ScanShareToken.objects.exists()


def test_missing_headers_and_malformed_bodies_get_clear_errors(abdm_sim, demo_account, hip_facility):
    body = profile_share_body(demo_account, hip_id=HIP_ID, counter="12")
    assert _post(abdm_sim, body, **{"REQUEST-ID": ""}).json()["error"]["field"] == "REQUEST-ID"
    assert _post(abdm_sim, body, TIMESTAMP="yesterday").json()["error"]["code"] == "ABDM-1016"
    not_json = requests.post(
        f"{abdm_sim}{SHARE_PATH}",
        data=b"{oops",
        headers={
            "Authorization": f"Bearer {gateway_token()}",
            "REQUEST-ID": str(uuid.uuid4()),
            "TIMESTAMP": abdm_timestamp(),
            "X-HIP-ID": HIP_ID,
        },
        timeout=10,
    )
    assert not_json.status_code == 400 and not_json.json()["error"]["field"] == "body"
    del body["profile"]["patient"]["abhaAddress"]
    response = _post(abdm_sim, body)
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "ABDM-1006",
        "message": "profile.patient.abhaAddress is required.",
        "field": "profile.patient.abhaAddress",
    }
    wrong_year = profile_share_body(demo_account, hip_id=HIP_ID, counter="12")
    wrong_year["profile"]["patient"]["yearOfBirth"] = "nineteen"
    assert _post(abdm_sim, wrong_year).json()["error"]["field"] == "profile.patient.yearOfBirth"
    assert not ScanShareToken.objects.exists()


def test_numbers_and_pin_code_are_accepted(abdm_sim, demo_account, hip_facility):
    body = profile_share_body(demo_account, hip_id=HIP_ID, counter="12")
    patient = body["profile"]["patient"]
    patient.update(dayOfBirth=5, monthOfBirth=8, yearOfBirth=1985, phoneNumber=9816000001)
    patient["address"]["pinCode"] = patient["address"].pop("pincode")
    response = _post(abdm_sim, body)
    assert response.status_code == 202
    wait_for_on_share(response.request.headers["REQUEST-ID"])
    token = ScanShareToken.objects.get()
    assert (token.year_of_birth, token.mobile) == (1985, "9816000001")
    assert token.person.date_of_birth.isoformat() == "1985-08-05"


def test_a_minor_is_registered_under_the_health_services_exemption(share, demo_account, hip_facility):
    from himswasthya.people.models import MinorBasis, PersonGuardian

    demo_account.year_of_birth = today().year - 8
    demo_account.first_name = "Aarav"
    demo_account.save()
    wait_for_on_share(share().request_id)
    child = ScanShareToken.objects.get().person
    assert child is not None and child.age() < 18
    assert PersonGuardian.objects.get(child=child).basis == MinorBasis.HEALTH_SERVICES


def test_the_token_is_not_left_behind_when_issuing_fails(share, demo_account, hip_facility, monkeypatch):
    from himswasthya.registration import scan_share

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(scan_share, "_audit_share", broken)
    call = wait_for_on_share(share().request_id)
    assert call.body["error"]["code"] == "ABDM-9999"
    assert not ScanShareToken.objects.exists() and not Person.objects.exists()


def test_registering_a_token_makes_a_scan_share_walk_in(share, demo_account, hip_facility, clerk, login_as):
    import datetime

    from himswasthya.facilities.models import OpdSession
    from himswasthya.registration.models import Appointment, Channel

    department = hip_facility.departments.get()
    OpdSession.objects.create(
        facility=hip_facility,
        department=department,
        weekday=today().weekday(),
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59, 59),
        online_quota=5,
        walk_in_quota=5,
    )
    wait_for_on_share(share().request_id)
    token = ScanShareToken.objects.get()
    response = login_as(clerk).post(
        f"/opd/scan-share/tokens/{token.pk}/register/", {"department": department.pk}, follow=True
    )
    assert response.status_code == 200
    appointment = Appointment.objects.get()
    assert appointment.channel == Channel.SCAN_SHARE and appointment.person == token.person
    token.refresh_from_db()
    assert token.status == ScanShareStatus.REGISTERED and token.appointment == appointment


@pytest.mark.postgres_only
def test_concurrent_shares_get_unique_gapless_tokens_one_per_abha(hip_facility, settings):
    """Eight shares at once on PostgreSQL (four patients, each twice): four tokens, numbered 1-4."""
    from himswasthya.core.tests.race import errors, race
    from himswasthya.registration import scan_share

    settings.SMS_DLT_TEMPLATE_IDS = {**settings.SMS_DLT_TEMPLATE_IDS}
    names = ["Asha Devi", "Kamla Negi", "Ravi Verma", "Sanjay Chauhan"]
    shares = [
        scan_share.parse_profile_share(
            {
                "intent": "PROFILE_SHARE",
                "metaData": {"hipId": HIP_ID, "context": "12"},
                "profile": {
                    "patient": {
                        "abhaAddress": f"p{i}@sbx",
                        "name": name,
                        "gender": "F" if i % 2 == 0 else "M",
                        "yearOfBirth": 1970 + i * 7,
                        "phoneNumber": f"98160001{i:02d}",
                    }
                },
            },
            request_id=str(uuid.uuid4()),
        )
        for i, name in enumerate(names)
    ]
    results = race([lambda s=s: scan_share.do_receive_profile_share(s, hip_facility) for s in shares * 2])
    assert errors(results) == []
    tokens = ScanShareToken.objects.order_by("token_number")
    assert [t.token_number for t in tokens] == [1, 2, 3, 4]
    assert sorted(t.abha_address for t in tokens) == ["p0@sbx", "p1@sbx", "p2@sbx", "p3@sbx"]
    assert Person.objects.count() == 4
