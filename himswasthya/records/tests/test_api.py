import json

import pytest

from himswasthya.audit.actions import AuditAction
from himswasthya.audit.models import AuditEntry
from himswasthya.records import services

pytestmark = pytest.mark.django_db
API = "/api/records"


def _send(client, method, path, payload=None):
    body = json.dumps(payload if payload is not None else {})
    response = client.generic(method, f"{API}{path}", data=body, content_type="application/json")
    return response.status_code, response.json()


@pytest.fixture
def as_doctor(login_as, doctor):
    return login_as(doctor)


def test_a_doctor_writes_and_signs_a_record_at_their_facility(as_doctor, patient, good_draft):
    status, opened = _send(
        as_doctor, "POST", "/encounters", {"person_id": patient.pk, "source_ref": "opd:X-1"}
    )
    assert status == 200 and opened["status"] == "draft"
    again = _send(as_doctor, "POST", "/encounters", {"person_id": patient.pk, "source_ref": "opd:X-1"})[1]
    assert again["id"] == opened["id"]
    path = f"/encounters/{opened['id']}"
    status, saved = _send(as_doctor, "PUT", f"{path}/draft", good_draft)
    assert status == 200, saved
    assert float(saved["vitals"]["bmi"]) == 23.4
    assert [d["code"] for d in saved["diagnoses"]] == ["J06.9", "I10"]
    assert [p["medicine"] for p in saved["prescriptions"]] == ["Paracetamol Tablet 500 mg", "Betadine gargle"]
    status, signed = _send(as_doctor, "POST", f"{path}/sign")
    assert (status, signed["status"]) == (200, "signed")
    status, error = _send(as_doctor, "PUT", f"{path}/draft", good_draft)
    assert (status, error["code"]) == (409, "record_signed")
    status, corrected = _send(as_doctor, "POST", f"{path}/correct")
    assert (status, corrected["supersedes_id"], corrected["status"]) == (200, opened["id"], "draft")
    status, found = _send(as_doctor, "GET", f"/people/{patient.pk}/history")
    assert status == 200 and [e["id"] for e in found["encounters"]] == [corrected["id"], opened["id"]]
    assert [a["substance"] for a in found["allergies"]] == ["Penicillin", "Penicillin"]


def test_a_bad_value_answers_its_field_and_code(as_doctor, draft, good_draft):
    bad = {**good_draft, "vitals": {"spo2": 120}}
    status, error = _send(as_doctor, "PUT", f"/encounters/{draft.pk}/draft", bad)
    assert (status, error["code"], error["field"]) == (400, "vital_implausible", "vitals.spo2")
    bad = {**good_draft, "diagnoses": [{"code": "E11"}]}
    status, error = _send(as_doctor, "PUT", f"/encounters/{draft.pk}/draft", bad)
    assert (status, error["code"], error["field"]) == (400, "icd10_not_codable", "diagnoses[0].code")


def test_another_facilitys_doctor_gets_404(login_as, other_doctor, draft, patient, good_draft):
    client = login_as(other_doctor)
    assert _send(client, "GET", f"/encounters/{draft.pk}")[0] == 404
    assert _send(client, "PUT", f"/encounters/{draft.pk}/draft", good_draft)[0] == 404
    assert _send(client, "POST", f"/encounters/{draft.pk}/sign")[0] == 404
    assert _send(client, "GET", f"/people/{patient.pk}/history")[0] == 404
    assert _send(client, "POST", "/encounters", {"person_id": patient.pk})[0] == 404


def test_a_citizen_reads_the_familys_signed_record_only(
    login_as, citizen, doctor, draft, stranger, persona_facility
):
    client = login_as(citizen)
    assert _send(client, "GET", f"/encounters/{draft.pk}")[0] == 404  # a draft
    services.sign(doctor, draft)
    status, shown = _send(client, "GET", f"/encounters/{draft.pk}")
    assert (status, shown["id"]) == (200, draft.pk)
    assert _send(client, "PUT", f"/encounters/{draft.pk}/draft", {})[0] == 403
    other = services.sign(doctor, services.open_encounter(doctor, stranger, persona_facility))
    assert _send(client, "GET", f"/encounters/{other.pk}")[0] == 404
    assert _send(client, "GET", f"/people/{stranger.pk}/history")[0] == 404
    reads = AuditEntry.objects.filter(action=AuditAction.ENCOUNTER_READ, actor=citizen)
    assert list(reads.values_list("object_id", flat=True)) == [str(draft.pk)]


def test_the_code_list_searches(as_doctor, codes, paracetamol, login_as, citizen):
    assert [c["code"] for c in _send(as_doctor, "GET", "/icd10?q=E11")[1]] == ["E11.9"]  # codable only
    assert [c["code"] for c in _send(as_doctor, "GET", "/icd10?q=diabetes type")[1]] == ["E11.9"]
    assert _send(as_doctor, "GET", "/icd10?q=E")[1] == []  # too short
    assert [m["name"] for m in _send(as_doctor, "GET", "/medicines?q=parac")[1]] == ["Paracetamol"]
    assert _send(login_as(citizen), "GET", "/icd10?q=E11")[0] == 403
