"""The FHIR REST API at /fhir/: each operation, errors as OperationOutcome (in the request's language),
scoping (another district's doctor gets 404, a citizen reads only the family's signed records), audit."""

from __future__ import annotations

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from himswasthya.audit.actions import AuditAction
from himswasthya.audit.models import AuditEntry
from himswasthya.records import services
from himswasthya.records.fhir import codes
from himswasthya.records.tests.conftest import UHID

pytestmark = pytest.mark.django_db
FHIR_JSON = "application/fhir+json"


def _get(client, path, **headers):
    response = client.get(f"/fhir/{path}", **headers)
    assert response["Content-Type"].startswith(FHIR_JSON), (path, response["Content-Type"])
    return response.status_code, response.json()


def _outcome(body, code):
    OperationOutcome.model_validate(body)
    (issue,) = body["issue"]
    assert issue["severity"] == "error" and issue["code"] == code, issue
    return issue["diagnostics"]


@pytest.fixture
def as_doctor(login_as, doctor):
    return login_as(doctor)


def test_metadata_is_a_public_capability_statement():
    status, body = _get(Client(), "metadata")
    assert status == 200
    CapabilityStatement.model_validate(body)
    (rest,) = body["rest"]
    kinds = {r["type"]: r for r in rest["resource"]}
    assert set(kinds) == {"Patient", "Encounter", "Condition", "MedicationRequest", "Bundle"}
    assert {i["code"] for i in kinds["Patient"]["interaction"]} == {"read", "search-type"}
    assert kinds["Encounter"]["searchParam"] == [{"name": "patient", "type": "reference"}]


def test_a_doctor_reads_a_patient_and_finds_them_by_uhid_and_abha(as_doctor, doctor, signed, patient):
    status, body = _get(as_doctor, f"Patient/{patient.pk}")
    assert status == 200
    Patient.model_validate(body)
    assert body["id"] == str(patient.pk)
    assert {i["system"]: i["value"] for i in body["identifier"]}[codes.UHID_SYSTEM] == UHID
    for query in (
        f"{codes.UHID_SYSTEM}|{UHID.lower()}",
        f"{codes.ABHA_NUMBER_SYSTEM}|91-7604-8764-7595",
        "91760487647595",
        f"{codes.ABHA_ADDRESS_SYSTEM}|Asha@sbx",
    ):
        status, found = _get(as_doctor, f"Patient?identifier={query.replace('|', '%7C')}")
        assert status == 200, (query, found)
        Bundle.model_validate(found)
        assert found["type"] == "searchset" and found["total"] == 1, query
        assert found["entry"][0]["fullUrl"].endswith(f"/fhir/Patient/{patient.pk}")
    assert AuditEntry.objects.filter(
        action=AuditAction.PERSON_READ, actor=doctor, detail__via="fhir"
    ).exists()
    assert AuditEntry.objects.filter(action=AuditAction.PERSON_SEARCH, actor=doctor).count() == 4


def test_the_patients_encounters_conditions_and_medications(as_doctor, doctor, signed, patient):
    status, body = _get(as_doctor, f"Encounter?patient={patient.pk}")
    assert status == 200 and body["total"] == 1
    encounter = body["entry"][0]["resource"]
    assert encounter["id"] == str(signed.pk) and encounter["status"] == "finished"
    assert encounter["subject"]["reference"] == f"Patient/{patient.pk}"
    status, body = _get(as_doctor, f"Condition?patient=Patient/{patient.pk}")
    assert status == 200
    assert [e["resource"]["code"]["coding"][0]["code"] for e in body["entry"]] == ["J06.9", "I10"]
    status, body = _get(as_doctor, f"MedicationRequest?patient={patient.pk}")
    assert status == 200
    assert [e["resource"]["medicationCodeableConcept"]["text"] for e in body["entry"]] == [
        "Paracetamol Tablet 500 mg",
        "Betadine gargle",
    ]
    reads = AuditEntry.objects.filter(action=AuditAction.RECORDS_HISTORY_READ, actor=doctor)
    assert reads.count() == 3 and all(e.detail["via"] == "fhir" for e in reads)


def test_the_document_of_an_encounter(as_doctor, doctor, signed, draft):
    status, body = _get(as_doctor, f"Bundle/{signed.pk}")
    assert status == 200
    Bundle.model_validate(body)
    assert body["id"] == str(signed.pk) and body["type"] == "document"
    assert body["entry"][0]["resource"]["meta"]["profile"] == [codes.profile("OPConsultRecord")]
    assert AuditEntry.objects.filter(
        action=AuditAction.ENCOUNTER_READ, actor=doctor, detail__via="fhir"
    ).exists()


def test_a_draft_has_no_document(as_doctor, draft):
    status, body = _get(as_doctor, f"Bundle/{draft.pk}")
    assert status == 404
    assert "not signed" in _outcome(body, "not-found")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("Patient?name=Asha", "name"),
        ("Encounter?patient=1&subject=1", "subject"),
        ("Condition?code=I10", "code"),
        ("MedicationRequest?_count=5", "_count"),
        ("Bundle/1?foo=bar", "foo"),
    ],
)
def test_an_unknown_search_parameter_is_a_400_operation_outcome(as_doctor, signed, path, field):
    status, body = _get(as_doctor, path)
    assert status == 400
    assert f"Unknown search parameter {field}" in _outcome(body, "invalid")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", "Search by identifier"),
        ("?identifier=http://example.org%7C1", "Unknown identifier system"),
        (f"?identifier={codes.ABHA_NUMBER_SYSTEM}%7C91-1111-1111-1111", "check digit"),
        ("?identifier=HP-023-00000001-2", "check character"),
        ("?identifier=1&identifier=2", "once"),
        ("?identifier=1&_format=xml", "Only JSON"),
    ],
)
def test_a_bad_patient_search_says_why(as_doctor, query, expected):
    status, body = _get(as_doctor, f"Patient{query}")
    assert status == 400
    assert expected in _outcome(body, "invalid")


def test_errors_are_operation_outcomes(login_as, clerk, as_doctor):
    status, body = _get(Client(), "Patient/1")
    assert status == 401 and "Sign in" in _outcome(body, "login")
    status, body = _get(login_as(clerk), "Patient/1")
    assert status == 403 and _outcome(body, "forbidden")
    status, body = _get(as_doctor, "Patient/999999")
    assert status == 404 and _outcome(body, "not-found")
    status, body = _get(as_doctor, "Patient/abc")
    assert status == 404 and _outcome(body, "not-found")
    status, body = _get(as_doctor, "Observation?patient=1")
    assert status == 404 and _outcome(body, "not-found")
    status, body = _get(as_doctor, "Encounter")
    assert status == 400 and "Search by patient" in _outcome(body, "invalid")
    response = as_doctor.post("/fhir/Patient", data="{}", content_type=FHIR_JSON)
    assert response.status_code == 405 and response["Content-Type"].startswith(FHIR_JSON)
    _outcome(response.json(), "not-supported")


def test_diagnostics_follow_the_request_language(as_doctor):
    status, body = _get(as_doctor, "Patient?foo=1", HTTP_ACCEPT_LANGUAGE="hi")
    assert status == 400
    diagnostics = _outcome(body, "invalid")
    assert "foo" in diagnostics and "Unknown" not in diagnostics
    status, body = _get(Client(), "Patient/1", HTTP_ACCEPT_LANGUAGE="hi")
    assert status == 401 and "Sign in" not in _outcome(body, "login")


def test_another_districts_doctor_gets_404(login_as, other_doctor, signed, patient):
    client = login_as(other_doctor)
    for path in (
        f"Patient/{patient.pk}",
        f"Encounter?patient={patient.pk}",
        f"Condition?patient={patient.pk}",
        f"MedicationRequest?patient={patient.pk}",
        f"Bundle/{signed.pk}",
    ):
        status, body = _get(client, path)
        assert status == 404, path
        _outcome(body, "not-found")
    status, body = _get(client, f"Patient?identifier={codes.UHID_SYSTEM}%7C{UHID}")
    assert (status, body["total"], body.get("entry")) == (200, 0, None)


def test_a_citizen_sees_only_the_familys_signed_records(
    login_as, citizen, doctor, signed, family, stranger, persona_facility
):
    client = login_as(citizen)
    child = family["child"]
    child_draft = services.open_encounter(doctor, child, persona_facility)
    other = services.sign(doctor, services.open_encounter(doctor, stranger, persona_facility))
    assert _get(client, f"Patient/{child.pk}")[0] == 200
    assert _get(client, f"Bundle/{signed.pk}")[0] == 200
    assert _get(client, f"Bundle/{child_draft.pk}")[0] == 404  # a draft: not shown to the family
    status, body = _get(client, f"Encounter?patient={child.pk}")
    assert (status, body["total"]) == (200, 0)
    assert _get(client, f"Patient/{stranger.pk}")[0] == 404
    assert _get(client, f"Encounter?patient={stranger.pk}")[0] == 404
    assert _get(client, f"Bundle/{other.pk}")[0] == 404
    status, body = _get(client, f"Patient?identifier={UHID}")
    assert (status, body["total"]) == (200, 1)


def test_a_bug_is_a_500_operation_outcome(as_doctor, signed, monkeypatch):
    from himswasthya.records.fhir import bundles

    def broken(encounter, record=None):
        raise RuntimeError("a bug")

    monkeypatch.setattr(bundles, "document_bundle", broken)
    as_doctor.raise_request_exception = False
    status, body = _get(as_doctor, f"Bundle/{signed.pk}")
    assert status == 500 and _outcome(body, "exception")


def test_identifier_searches_are_rate_limited(as_doctor, settings):
    settings.PEOPLE_SEARCH_PER_MINUTE = 2
    for _ in range(2):
        assert _get(as_doctor, f"Patient?identifier={UHID}")[0] == 200
    status, body = _get(as_doctor, f"Patient?identifier={UHID}")
    assert status == 429 and "Too many searches" in _outcome(body, "throttled")


def test_an_expired_password_is_refused_not_redirected(as_doctor, doctor):
    """A FHIR client cannot follow the password-change page: the middleware answers /fhir/ like /api/."""
    import datetime

    from django.utils import timezone

    type(doctor).objects.filter(pk=doctor.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=400)
    )
    response = as_doctor.get("/fhir/Patient/1")
    assert response.status_code == 403 and response.json()["code"] == "password_expired"
