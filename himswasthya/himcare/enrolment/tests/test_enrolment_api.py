"""HIMCARE enrolment API: eligibility, enrol, pay, card, renew, cancel, lists; outsiders refused."""

from __future__ import annotations

import pytest

from himswasthya.accounts.models import User
from himswasthya.audit.models import AuditEntry
from himswasthya.himcare.enrolment import services as svc
from himswasthya.himcare.models import Enrolment, PmjayFamily
from himswasthya.himcare.tests.factories import make_active_enrolment, make_family

API = "/api/himcare"


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.SMS_BACKEND = "memory"


def _enrol(client, family, channel: str, **fields):
    """POST /enrolments for `family` on `channel`, with any further fields of the request."""
    payload = {"family_id": family.family_id, "channel": channel, **fields}
    return client.post(f"{API}/enrolments", payload, content_type="application/json")


@pytest.fixture
def other_citizen(db):
    return User.objects.create(username="other-citizen", role="citizen", mobile="9000000009")


def test_eligibility_for_staff_and_own_citizen(scheme_year, citizen_family, clerk, citizen, login_as):
    body = login_as(clerk).get(f"{API}/enrolment/families/{citizen_family.family_id}/eligibility").json()
    assert body["eligible"] and body["category"] == "II" and body["units_if_all"] == 1
    assert body["premium_if_all_paise"] == 365_00 and len(body["members"]) == 3
    assert AuditEntry.objects.filter(action="family.read", purpose="himcare_enrolment").exists()
    response = login_as(citizen).get(f"{API}/enrolment/families/{citizen_family.family_id}/eligibility")
    assert response.status_code == 200


def test_eligibility_refusal_explains(scheme_year, citizen_family, himcare_officer, login_as):
    import datetime

    PmjayFamily.objects.create(family=citizen_family, source="SECC", listed_on=datetime.date(2019, 1, 1))
    body = (
        login_as(himcare_officer)
        .get(f"{API}/enrolment/families/{citizen_family.family_id}/eligibility")
        .json()
    )
    assert not body["eligible"] and body["refusal_code"] == "covered_by_ab_pmjay"
    assert "AB-PMJAY" in body["refusal_message"]


def test_outsiders_are_refused(
    scheme_year, citizen_family, other_citizen, other_facility_clerk, district_officer, login_as
):
    fid = citizen_family.family_id
    assert login_as(other_citizen).get(f"{API}/enrolment/families/{fid}/eligibility").status_code == 404
    assert (
        login_as(other_facility_clerk).get(f"{API}/enrolment/families/{fid}/eligibility").status_code == 404
    )
    assert login_as(district_officer).get(f"{API}/enrolment/families/{fid}/eligibility").status_code == 403
    response = _enrol(login_as(other_citizen), citizen_family, "citizen")
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_clerk_enrols_takes_payment_and_downloads_card(scheme_year, citizen_family, clerk, login_as):
    client = login_as(clerk)
    response = _enrol(client, citizen_family, "counter")
    assert response.status_code == 201, response.content
    enrolment = response.json()
    assert enrolment["status"] == "pending_payment" and enrolment["card_number"] is None
    bad = client.post(
        f"{API}/enrolments/{enrolment['id']}/counter-payment",
        {"receipt_no": ""},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "receipt_no"
    paid = client.post(
        f"{API}/enrolments/{enrolment['id']}/counter-payment",
        {"receipt_no": "R-77"},
        content_type="application/json",
    ).json()
    assert paid["enrolment_status"] == "active" and svc.is_valid_card_number(paid["card_number"])
    pdf = client.get(f"{API}/enrolments/{enrolment['id']}/card.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    again = _enrol(client, citizen_family, "counter")
    assert again.status_code == 409 and again.json()["code"] == "already_enrolled"


#: An officer's category set by hand, with its reason and supporting document.
OVERRIDE = {
    "category_override": "I",
    "override_reason": "BPL certificate seen",
    "override_documents": [{"kind": "category_cert", "reference": "BPL/2026/77"}],
}


def test_clerk_cannot_use_the_officer_channel_or_override(scheme_year, citizen_family, clerk, login_as):
    response = _enrol(login_as(clerk), citizen_family, "counter", **OVERRIDE)
    assert response.status_code == 403
    response = _enrol(login_as(clerk), citizen_family, "officer")
    assert response.status_code == 403


def test_officer_override_with_document_reference(scheme_year, citizen_family, himcare_officer, login_as):
    response = _enrol(login_as(himcare_officer), citizen_family, "officer", **OVERRIDE)
    assert response.status_code == 201
    body = response.json()
    assert body["category"] == "I" and body["category_source"] == "override" and body["status"] == "active"


def test_a_reason_longer_than_its_column_is_refused_not_cut(
    scheme_year, citizen_family, active_enrolment, himcare_officer, login_as
):
    officer = login_as(himcare_officer)
    response = _enrol(officer, citizen_family, "officer", **{**OVERRIDE, "override_reason": "r" * 301})
    assert response.status_code == 400 and response.json()["field"] == "override_reason"
    assert "300" in response.json()["message"] and response.json()["code"] == "too_long"
    cancel = f"{API}/enrolments/{active_enrolment.pk}/cancel"
    response = officer.post(cancel, {"reason": "r" * 301}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "reason"
    response = officer.post(cancel, {"reason": "  " + "r" * 300 + " "}, content_type="application/json")
    assert response.status_code == 200
    active_enrolment.refresh_from_db()
    assert active_enrolment.cancellation_reason == "r" * 300


def test_citizen_sees_my_enrolments_with_balance(active_enrolment, citizen, other_citizen, login_as):
    body = login_as(citizen).get(f"{API}/my/enrolments").json()
    assert [e["id"] for e in body] == [active_enrolment.pk]
    assert body[0]["wallet"]["available_paise"] == active_enrolment.cover_paise
    assert login_as(other_citizen).get(f"{API}/my/enrolments").json() == []
    assert login_as(other_citizen).get(f"{API}/enrolments/{active_enrolment.pk}").status_code == 404
    assert login_as(other_citizen).get(f"{API}/enrolments/{active_enrolment.pk}/card.pdf").status_code == 404


def test_citizen_only_operation_refused_to_clerk_of_another_facility(
    active_enrolment, other_facility_clerk, login_as
):
    assert login_as(other_facility_clerk).get(f"{API}/my/enrolments").status_code == 403
    assert login_as(other_facility_clerk).get(f"{API}/enrolments/{active_enrolment.pk}").status_code == 404


def test_officer_lists_scoped_and_paginated(
    scheme_year,
    active_enrolment,
    persona_other_district,
    himcare_officer,
    district_officer,
    other_district_officer,
    clerk,
    login_as,
):
    other_family, _m = make_family(persona_other_district)
    other = make_active_enrolment(other_family, scheme_year)
    ids = {r["id"] for r in login_as(himcare_officer).get(f"{API}/enrolments").json()["items"]}
    assert ids == {active_enrolment.pk, other.pk}
    mine = login_as(district_officer).get(f"{API}/enrolments").json()
    assert [r["id"] for r in mine["items"]] == [active_enrolment.pk] and mine["count"] == 1
    theirs = login_as(other_district_officer).get(f"{API}/enrolments").json()
    assert [r["id"] for r in theirs["items"]] == [other.pk]
    assert login_as(other_district_officer).get(f"{API}/enrolments/{active_enrolment.pk}").status_code in (
        403,
        404,
    )
    assert login_as(clerk).get(f"{API}/enrolments").status_code == 403


def test_cancel_only_officers(scheme_year, active_enrolment, clerk, himcare_officer, login_as):
    url = f"{API}/enrolments/{active_enrolment.pk}/cancel"
    assert login_as(clerk).post(url, {"reason": "x"}, content_type="application/json").status_code == 403
    response = login_as(himcare_officer).post(url, {"reason": "duplicate"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_confirm_with_forged_signature_is_refused(scheme_year, citizen_family, citizen, client):
    enrolment = svc.do_enrol_family(actor=citizen, family=citizen_family, channel="citizen")
    from himswasthya.himcare.models import PremiumPayment

    PremiumPayment.objects.create(
        enrolment=enrolment, amount_paise=365_00, method="online", order_id="order_abc"
    )
    response = client.post(
        f"{API}/payments/confirm",
        {"order_id": "order_abc", "payment_id": "pay_1", "signature": "f" * 64},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "payment_not_verified"
    enrolment.refresh_from_db()
    assert enrolment.status == "pending_payment"
