"""The HIP role with records' real provider: a signed visit's NRCeS document bundle goes to the simulated HIU
encrypted (Fidelius), and the HIU decrypts it. The flows themselves are tested in abdm/tests/test_hip.py, with
a stand-in provider; this reuses its simulator fixtures and helpers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from himswasthya.abdm import hip
from himswasthya.abdm.hooks import hooks
from himswasthya.abdm.models import CareContextLink, SimulatedHiuTransfer
from himswasthya.abdm.simulator import hie
from himswasthya.abdm.tests.conftest import demo_account  # noqa: F401 (a fixture)
from himswasthya.abdm.tests.test_hip import (  # noqa: F401 (fixtures)
    ADDRESS,
    HIP_ID,
    _answer_to,
    _calls,
    _notify_consent,
    facility,
    patient,
    sim,
    wait_for,
)
from himswasthya.accounts.tests.fixtures import _user
from himswasthya.records import services as records

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_signed_visit_travels_as_its_real_fhir_document_and_the_hiu_decrypts_it(sim, patient, facility):  # noqa: F811
    doctor = _user("hip.doctor", "doctor", facility=facility)
    visit = records.sign(
        doctor,
        records.open_encounter(doctor, patient, facility, source_ref="opd:HIP-1"),
        notify_patient=False,
    )
    (context,) = hooks.care_contexts_for(patient)
    assert context.reference == f"ENC-{visit.pk}"
    CareContextLink.objects.create(
        person=patient,
        hip_id=HIP_ID,
        abha_address=ADDRESS,
        reference=context.reference,
        patient_reference=hip.patient_reference(patient),
        hi_type=context.hi_type,
        display=context.display,
        channel="hip",
        status="linked",
        linked_at=timezone.now(),
    )
    consent_id = _notify_consent(sim, patient, refs=(context.reference,))
    request_id, transaction_id = hie.request_health_information(
        sim, hip_id=HIP_ID, consent_id=consent_id, push_url=f"{sim}/abdm-sim/hiu/data/push"
    )
    wait_for(lambda: _answer_to("/hip/on-request", request_id))
    notify = wait_for(
        lambda: next(
            (
                c
                for c in _calls("/health-information/notify")
                if c.body["notification"]["transactionId"] == transaction_id
            ),
            None,
        )
    )
    status = notify.body["notification"]["statusNotification"]
    assert [(s["careContextReference"], s["hiStatus"]) for s in status["statusResponses"]] == [
        (context.reference, "DELIVERED")
    ]
    received = SimulatedHiuTransfer.objects.get(transaction_id=transaction_id)
    assert [
        (r["careContextReference"], r["decrypted"], r["checksum_ok"], r["resource_type"])
        for r in received.results
    ] == [(context.reference, True, True, "Bundle")]
