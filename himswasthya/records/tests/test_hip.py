"""records' provider for the ABDM HIP role (records/hip.py, through abdm.hooks)."""

from __future__ import annotations

import json

import pytest

from himswasthya.abdm.hooks import hooks
from himswasthya.records import hip, services
from himswasthya.records.models import EncounterKind

pytestmark = pytest.mark.django_db


def _signed(doctor, patient, facility, kind=EncounterKind.OPD, source_ref=""):
    encounter = services.open_encounter(doctor, patient, facility, source_ref=source_ref, kind=kind)
    return services.sign(doctor, encounter)


def test_records_fills_the_abdm_hooks():
    assert hooks.care_contexts_for is hip.care_contexts_for
    assert hooks.documents_for is hip.documents_for


def test_each_signed_visit_and_admission_is_a_care_context(doctor, patient, persona_facility):
    opd = _signed(doctor, patient, persona_facility, source_ref="opd:1")
    admission = _signed(doctor, patient, persona_facility, kind=EncounterKind.ADMISSION, source_ref="adm:1")
    services.open_encounter(doctor, patient, persona_facility, source_ref="opd:draft")  # a draft: not one
    contexts = {c.reference: c for c in hip.care_contexts_for(patient)}
    assert set(contexts) == {f"ENC-{opd.pk}", f"ENC-{admission.pk}"}
    visit = contexts[f"ENC-{opd.pk}"]
    assert visit.hi_type == "OPConsultation" and visit.display.startswith("OPD ")
    assert visit.facility_id == persona_facility.pk
    assert contexts[f"ENC-{admission.pk}"].hi_type == "DischargeSummary"
    assert contexts[f"ENC-{admission.pk}"].display.startswith("Admission ")


def test_a_signed_correction_keeps_the_reference_of_the_first_version(doctor, patient, persona_facility):
    first = _signed(doctor, patient, persona_facility, source_ref="opd:2")
    correction = services.sign(doctor, services.correct(doctor, first))
    (context,) = hip.care_contexts_for(patient)
    assert context.reference == f"ENC-{first.pk}" and correction.pk != first.pk


def test_documents_are_the_newest_signed_versions_bundles(doctor, patient, persona_facility):
    first = _signed(doctor, patient, persona_facility, source_ref="opd:3")
    (doc,) = hip.documents_for(patient, [f"ENC-{first.pk}"], None, None)
    bundle = json.loads(doc.content)
    assert (
        doc.hi_type == "OPConsultation"
        and bundle["resourceType"] == "Bundle"
        and bundle["type"] == "document"
    )
    assert bundle["entry"][0]["resource"]["resourceType"] == "Composition"
