"""Regression tests for what schemathesis found (issue #10 item 5), one by one, so each stays fixed even if
the generated requests of test_api_schema_conformance.py stop reaching it."""

from __future__ import annotations

import json

import pytest

from himswasthya.facilities.departments import ensure_departments
from himswasthya.facilities.models import Department, OpdSession

pytestmark = pytest.mark.django_db


def _post(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


@pytest.fixture
def medicine(persona_facility):
    ensure_departments()
    department = Department.objects.get(code="general-medicine")
    persona_facility.departments.add(department)
    return department


def test_opd_times_carry_the_offset_and_an_aware_time_is_stored_on_the_state_clock(
    login_as, facility_admin, persona_facility, medicine, client
):
    """A timezone-aware `starts_at` was a 500 on SQLite; times came back without an offset."""
    base = f"/api/facilities/{persona_facility.code}/opd"
    session = {
        "department": "general-medicine",
        "weekday": 0,
        "starts_at": "04:00:00Z",  # 09:30 in Shimla
        "ends_at": "13:00:00+05:30",
        "online_quota": 10,
        "walk_in_quota": 10,
    }
    created = _post(login_as(facility_admin), f"{base}/sessions", session)
    assert created.status_code == 201, created.content
    assert created.json()["starts_at"] == "09:30:00+05:30" and created.json()["ends_at"] == "13:00:00+05:30"
    stored = OpdSession.objects.get(pk=created.json()["id"])
    assert str(stored.starts_at) == "09:30:00"
    [listed] = client.get(f"{base}/").json()["sessions"]
    assert listed["starts_at"] == "09:30:00+05:30"


def test_a_non_ascii_payment_signature_is_refused_not_a_500(client):
    """hmac.compare_digest on a non-ASCII str raised TypeError: a 500 on the public confirm endpoint."""
    response = _post(
        client, "/api/himcare/payments/confirm", {"order_id": "o", "payment_id": "p", "signature": "é"}
    )
    assert response.status_code == 422 and response.json()["field"] == "signature"


def test_an_odd_abdm_transaction_id_is_refused_before_the_cache(login_as, clerk):
    response = _post(
        login_as(clerk), "/api/abdm/verify/otp/confirm", {"txn_id": "ABDM scan and share", "otp": "123456"}
    )
    assert response.status_code == 422 and response.json()["field"] == "txn_id"


def test_me_describes_facility_and_district_as_declared(client, login_as, facility_admin):
    """`PlaceOut` of accounts and of places shared one schema name: /api/accounts/me broke its schema."""
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    facility_ref = json.dumps(schema["MeOut"]["properties"]["facility"])
    assert "MePlaceOut" in facility_ref and set(schema["MePlaceOut"]["properties"]) == {"id", "name"}
    me = login_as(facility_admin).get("/api/accounts/me").json()
    assert set(me["facility"]) == {"id", "name"}


def test_the_schema_lists_the_purposes_a_search_accepts(client):
    from himswasthya.people.services import PURPOSES

    schema = client.get("/api/openapi.json").json()
    [purpose] = [
        p for p in schema["paths"]["/api/people/search"]["get"]["parameters"] if p["name"] == "purpose"
    ]
    assert purpose["schema"]["enum"] == sorted(PURPOSES)
