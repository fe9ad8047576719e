"""The hospital side of the HIMCARE API: verify, packages, import, empanelment; outsiders refused."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from himswasthya.himcare.enrolment.verification import format_card_number
from himswasthya.himcare.hospitals.packages import import_illustrative
from himswasthya.himcare.models import Empanelment, EmpanelmentStatus, Package
from himswasthya.himcare.tests.factories import card_verification_fixtures, make_specialty

CARD = format_card_number(2026, 23, 77)
BASE = "/api/himcare"


_fresh_rate_window, enrolled = card_verification_fixtures(CARD)


def _post(client, url: str, payload: dict):
    return client.post(f"{BASE}{url}", data=json.dumps(payload), content_type="application/json")


def test_verify_by_card(login_as, scheme_desk, enrolled):
    response = _post(login_as(scheme_desk), "/verify", {"q": CARD, "second_fact": "1980"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["has_active_cover"] and body["card_number"] == CARD
    assert body["available_paise"] == 500_000_00 and len(body["members"]) == 3
    assert body["needs_choice"] is False and body["cases"] == []


def test_verify_errors_are_4xx_with_codes(login_as, scheme_desk, enrolled):
    client = login_as(scheme_desk)
    wrong = CARD[:-1] + ("0" if CARD[-1] != "0" else "1")
    response = _post(client, "/verify", {"q": wrong, "second_fact": "1980"})
    assert response.status_code == 400 and response.json()["code"] == "card_checksum"
    response = _post(client, "/verify", {"q": "9000000001", "second_fact": "1980"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_verify_without_a_second_fact_answers_nothing_personal(login_as, scheme_desk, enrolled):
    response = _post(login_as(scheme_desk), "/verify", {"q": CARD})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "second_fact_required" and body["field"] == "second_fact"
    assert "Asha" not in response.content.decode() and "paise" not in response.content.decode()


def test_verify_wrong_second_fact_is_indistinguishable_from_an_unknown_card(login_as, scheme_desk, enrolled):
    client = login_as(scheme_desk)
    wrong_fact = _post(client, "/verify", {"q": CARD, "second_fact": "1999"})
    unknown = _post(client, "/verify", {"q": format_card_number(2026, 23, 78), "second_fact": "1980"})
    assert wrong_fact.status_code == unknown.status_code == 404
    assert wrong_fact.json() == unknown.json()


def test_verify_by_name_in_devanagari(login_as, scheme_desk, enrolled):
    response = _post(login_as(scheme_desk), "/verify", {"q": CARD, "second_fact": "अनु ठाकुर"})
    assert response.status_code == 200 and response.json()["has_active_cover"]


def test_verify_failures_lock_out_with_429(login_as, scheme_desk, enrolled, settings):
    settings.HIMCARE_VERIFY_FAILURES_PER_HOUR = 2
    client = login_as(scheme_desk)
    assert _post(client, "/verify", {"q": CARD, "second_fact": "1901"}).status_code == 404
    assert _post(client, "/verify", {"q": CARD, "second_fact": "1902"}).status_code == 404
    response = _post(client, "/verify", {"q": CARD, "second_fact": "1980"})
    assert response.status_code == 429 and response.json()["code"] == "verify_locked"


@pytest.mark.parametrize("persona", ["citizen", "district_officer", "doctor"])
def test_verify_refused_for_outsiders(request, login_as, persona, enrolled):
    response = _post(
        login_as(request.getfixturevalue(persona)), "/verify", {"q": CARD, "second_fact": "1980"}
    )
    assert response.status_code == 403


def test_verify_needs_sign_in(enrolled):
    assert _post(Client(), "/verify", {"q": CARD, "second_fact": "1980"}).status_code == 401


def test_verify_rate_limited(login_as, scheme_desk, enrolled, settings):
    settings.HIMCARE_VERIFY_PER_MINUTE = 1
    client = login_as(scheme_desk)
    assert _post(client, "/verify", {"q": CARD, "second_fact": "1980"}).status_code == 200
    assert _post(client, "/verify", {"q": CARD, "second_fact": "1980"}).status_code == 429


@pytest.mark.django_db
def test_packages_are_public_with_filters():
    import_illustrative()
    client = Client()
    body = client.get(f"{BASE}/packages", {"specialty": "SE"}).json()
    assert body["illustrative_rates"] is True and body["count"] == 4
    assert {item["specialty"] for item in body["items"]} == {"SE"}
    body = client.get(f"{BASE}/packages", {"q": "dialysis", "limit": 1}).json()
    assert body["count"] >= 2 and len(body["items"]) == 1
    specialties = client.get(f"{BASE}/specialties").json()
    assert len(specialties) == 8 and {"code", "name", "name_hi"} <= set(specialties[0])


def _upload(client, text: str, **form):
    data = {"file": io.BytesIO(text.encode()), **form}
    data["file"].name = "hbp.csv"
    return client.post(f"{BASE}/packages/import", data)


CSV = (
    "specialty_code,specialty_name,package_code,package_name,procedure_code,procedure_name,rate_inr,"
    "preauth_required,min_los_days,package_type,one_time\n"
    "SG,General Surgery,SG001,Appendicectomy,SG001A,Appendicectomy,20000,Y,3,surgical,Y\n"
    "SG,General Surgery,SG002,Hernia,SG002A,Hernia,x,Y,2,surgical,N\n"
)


def test_package_import_by_officer_with_row_errors(login_as, himcare_officer):
    client = login_as(himcare_officer)
    dry = _upload(client, CSV, dry_run="true").json()
    assert dry["dry_run"] and dry["created"] == 1 and not Package.objects.exists()
    body = _upload(client, CSV, illustrative="true").json()
    assert body["created"] == 1 and body["errors"] == [
        {"row": 3, "field": "rate_inr", "reason": body["errors"][0]["reason"]}
    ]
    assert Package.objects.get().is_illustrative


@pytest.mark.parametrize("persona", ["scheme_desk", "clerk", "district_officer", "citizen"])
def test_package_import_refused_for_others(request, login_as, persona):
    assert _upload(login_as(request.getfixturevalue(persona)), CSV).status_code == 403


def test_empanelment_crud_by_officer(login_as, himcare_officer, persona_facility, specialty):
    client = login_as(himcare_officer)
    today = timezone.localdate()
    payload = {
        "facility_code": persona_facility.code,
        "specialties": ["sg"],
        "valid_from": str(today),
        "valid_to": str(today + datetime.timedelta(days=364)),
        "order_ref": "HPSBYS/1",
    }
    response = _post(client, "/empanelments", payload)
    assert response.status_code == 201, response.content
    [row] = response.json()
    assert row["specialty"] == "SG" and row["status"] == "active"
    assert _post(client, "/empanelments", payload).json()["code"] == "already_empanelled"
    assert (
        _post(client, "/empanelments", {**payload, "specialties": ["ZZ"]}).json()["code"]
        == "unknown_specialty"
    )
    listed = client.get(f"{BASE}/empanelments", {"facility_code": persona_facility.code}).json()
    assert [r["id"] for r in listed] == [row["id"]]
    response = _post(client, f"/empanelments/{row['id']}/suspend", {"reason": "inspection"})
    assert response.json()["status"] == "suspended"
    assert Empanelment.objects.get().status == EmpanelmentStatus.SUSPENDED
    assert _post(client, f"/empanelments/{row['id']}/explode", {"reason": "x"}).status_code == 404


@pytest.mark.parametrize("persona", ["scheme_desk", "facility_admin", "district_officer", "citizen"])
def test_empanelment_endpoints_refused_for_others(request, login_as, persona, empanelment):
    client = login_as(request.getfixturevalue(persona))
    assert client.get(f"{BASE}/empanelments").status_code == 403
    assert _post(client, f"/empanelments/{empanelment.pk}/withdraw", {"reason": "x"}).status_code == 403
    assert _post(client, "/hospitals", {"code": "X1", "name": "X", "district_lgd": 23}).status_code == 403
    assert Empanelment.objects.get().status == EmpanelmentStatus.ACTIVE


def test_register_hospital_and_public_list(login_as, himcare_officer, persona_district, empanelment):
    client = login_as(himcare_officer)
    response = _post(
        client,
        "/hospitals",
        {"code": "pvt-1", "name": "Sunrise Dialysis", "district_lgd": persona_district.lgd_code},
    )
    assert response.status_code == 201 and response.json()["facility_type"] == "HOSP"
    make_specialty("MN", "Nephrology and Dialysis")
    today = timezone.localdate()
    refused = _post(
        client,
        "/empanelments",
        {"facility_code": "PVT-1", "specialties": ["SG"], "valid_from": str(today), "valid_to": str(today)},
    )
    assert refused.status_code == 400 and refused.json()["code"] == "private_not_allowed"
    hospitals = Client().get(f"{BASE}/empanelled-hospitals", {"district": persona_district.lgd_code}).json()
    assert [h["facility_code"] for h in hospitals] == ["PERSONA-MC-SML"]
    assert hospitals[0]["specialties"][0]["code"] == "SG"
    assert Client().get(f"{BASE}/empanelled-hospitals", {"specialty": "MN"}).json() == []
    assert Client().get(f"{BASE}/empanelled-hospitals", {"district": 999}).status_code == 404
