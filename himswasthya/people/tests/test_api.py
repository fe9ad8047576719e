"""The people API: search, profile, registration (409 with candidates), UHID, merge and undo; and refusals."""

from __future__ import annotations

import pytest

from himswasthya.audit.models import AuditEntry
from himswasthya.people.models import Person, PersonMerge
from himswasthya.people.tests.conftest import abha_for, first

pytestmark = pytest.mark.django_db


def test_search_needs_login_and_a_staff_role(client, login_as, citizen, people):
    assert client.get("/api/people/search", {"q": "Kamla"}).status_code == 401
    assert login_as(citizen).get("/api/people/search", {"q": "Kamla"}).status_code == 403


def test_search_by_name_and_identifier(login_as, clerk, people):
    api = login_as(clerk)
    body = api.get("/api/people/search", {"q": "कमला देवी"}).json()
    assert body["kind"] == "name_devanagari"
    assert [r["name_roman"] for r in body["results"]] == ["Kamla Devi"]  # Kangra's Kamla is out of scope
    assert body["results"][0]["mobile_masked"] == "XXXXXX0002"
    body = api.get("/api/people/search", {"q": abha_for(3)}).json()
    assert [r["id"] for r in body["results"]] == [first(people, "Kamla Devi").pk]


def test_a_bad_abha_number_is_a_clear_400(login_as, clerk, people):
    wrong = abha_for(3)[:-1] + str((int(abha_for(3)[-1]) + 5) % 10)
    response = login_as(clerk).get("/api/people/search", {"q": wrong})
    assert response.status_code == 400
    assert response.json()["code"] == "abha_checksum"


def test_profile_is_scoped_masks_aadhaar_and_is_audited(login_as, clerk, other_facility_clerk, people):
    from himswasthya.people.models import IdentifierType, PersonIdentifier

    kamla = first(people, "Kamla Devi")
    PersonIdentifier.objects.create(person=kamla, id_type=IdentifierType.AADHAAR_LAST4, value="1234")
    response = login_as(clerk).get(f"/api/people/{kamla.pk}", {"purpose": "treatment"})
    assert response.status_code == 200
    values = {i["id_type"]: i["value"] for i in response.json()["identifiers"]}
    assert values["AADHAAR_LAST4"] == "XXXX-XXXX-1234"
    assert values["ABHA_NUMBER"].count("-") == 3 and len(values["ABHA_NUMBER"]) == 17
    assert AuditEntry.objects.filter(
        action="person.read", object_id=str(kamla.pk), purpose="treatment"
    ).exists()
    assert login_as(other_facility_clerk).get(f"/api/people/{kamla.pk}").status_code == 404
    assert login_as(clerk).get(f"/api/people/{kamla.pk}", {"purpose": "curiosity"}).status_code == 400


def test_register_returns_409_with_candidates_then_201_when_confirmed(login_as, clerk, people):
    api = login_as(clerk)
    payload = {"name_roman": "Kamla Devi", "sex": "F", "year_of_birth": 1950}
    response = api.post("/api/people/", payload, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "possible_duplicates"
    assert body["candidates"][0]["person"]["id"] == first(people, "Kamla Devi").pk
    response = api.post("/api/people/", {**payload, "confirm_new": True}, content_type="application/json")
    assert response.status_code == 201
    assert Person.objects.filter(pk=response.json()["id"]).exists()


def test_issue_uhid_is_idempotent(login_as, clerk, people):
    api = login_as(clerk)
    kamla = first(people, "Kamla Devi")
    one = api.post(f"/api/people/{kamla.pk}/uhid").json()["uhid"]
    assert api.post(f"/api/people/{kamla.pk}/uhid").json()["uhid"] == one
    other = people["Kamla Devi"][1]  # Kangra: out of the clerk's scope
    assert api.post(f"/api/people/{other.pk}/uhid").status_code == 404


def test_merge_and_undo_for_supervisors_only(login_as, clerk, facility_admin, people):
    a, b = first(people, "Anil Verma"), first(people, "Pooja Sharma")
    payload = {"survivor_id": a.pk, "duplicate_id": b.pk, "reason": "test"}
    assert (
        login_as(clerk).post("/api/people/merge", payload, content_type="application/json").status_code == 403
    )
    api = login_as(facility_admin)
    response = api.post("/api/people/merge", payload, content_type="application/json")
    assert response.status_code == 201
    merge_id = response.json()["id"]
    again = api.post("/api/people/merge", payload, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "merge_refused"
    response = api.post(f"/api/people/merge/{merge_id}/undo")
    assert response.status_code == 200 and response.json()["undone_at"]
    assert PersonMerge.objects.get(pk=merge_id).undone_at is not None
    assert api.post(f"/api/people/merge/{merge_id}/undo").status_code == 409
