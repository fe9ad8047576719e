"""A stock FHIR client library (fhirclient, SMART on FHIR's Python client, R4 models) reads a patient and
their documents from the live test server over HTTP, signed in with the site's session cookie."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from fhirclient import client as fhir_client
from fhirclient.models.bundle import Bundle
from fhirclient.models.composition import Composition
from fhirclient.models.condition import Condition
from fhirclient.models.encounter import Encounter
from fhirclient.models.medicationrequest import MedicationRequest
from fhirclient.models.patient import Patient
from fhirclient.server import FHIRNotFoundException

from himswasthya.records.fhir import codes
from himswasthya.records.tests.conftest import UHID

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smart(live_server, doctor):
    """A fhirclient client of the live server, its requests carrying the doctor's session."""
    browser = Client()
    browser.force_login(doctor)
    client = fhir_client.FHIRClient(
        settings={"app_id": "himswasthya-test", "api_base": f"{live_server.url}/fhir/"}
    )
    client.server.session.cookies.set(
        settings.SESSION_COOKIE_NAME, browser.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return client


def _search(kind, smart, **params):
    return list(kind.where(struct=params).perform_resources_iter(smart.server))


def test_a_stock_client_reads_a_patient_and_their_documents(smart, signed, patient):
    smart.prepare()  # reads /fhir/metadata into fhirclient's CapabilityStatement model
    statement = smart.server.capabilityStatement
    assert statement.fhirVersion == "4.0.1"
    assert {r.type for r in statement.rest[0].resource} >= {"Patient", "Bundle"}

    found = _search(Patient, smart, identifier=f"{codes.UHID_SYSTEM}|{UHID}")
    assert [p.id for p in found] == [str(patient.pk)]
    read = Patient.read(str(patient.pk), smart.server)
    assert read.name[0].text == "Asha Devi" and read.gender == "female"
    assert {i.system: i.value for i in read.identifier}[codes.ABHA_NUMBER_SYSTEM] == "91-7604-8764-7595"

    encounters = _search(Encounter, smart, patient=str(patient.pk))
    assert [e.id for e in encounters] == [str(signed.pk)]
    conditions = _search(Condition, smart, patient=str(patient.pk))
    assert [c.code.coding[0].code for c in conditions] == ["J06.9", "I10"]
    medications = _search(MedicationRequest, smart, patient=str(patient.pk))
    assert [m.medicationCodeableConcept.text for m in medications] == [
        "Paracetamol Tablet 500 mg",
        "Betadine gargle",
    ]

    document = Bundle.read(encounters[0].id, smart.server)
    assert document.type == "document"
    composition = document.entry[0].resource
    assert isinstance(composition, Composition)
    assert composition.type.coding[0].code == "371530004"
    kinds = [e.resource.resource_type for e in document.entry]
    assert {"Patient", "Practitioner", "Organization", "Encounter", "Condition", "Observation"} <= set(kinds)


def test_a_stock_client_gets_not_found_for_what_is_out_of_scope(live_server, other_doctor, signed, patient):
    browser = Client()
    browser.force_login(other_doctor)
    client = fhir_client.FHIRClient(
        settings={"app_id": "himswasthya-test", "api_base": f"{live_server.url}/fhir/"}
    )
    client.server.session.cookies.set(
        settings.SESSION_COOKIE_NAME, browser.cookies[settings.SESSION_COOKIE_NAME].value
    )
    with pytest.raises(FHIRNotFoundException):
        Patient.read(str(patient.pk), client.server)
    with pytest.raises(FHIRNotFoundException):
        Bundle.read(str(signed.pk), client.server)
