"""Signing a record queues one SMS with its link to the patient, or to the family's contact when the patient
has no mobile, in the recipient's language (DLT template `record_signed` / `record_signed_hi`)."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from himswasthya.notify import sms
from himswasthya.notify.models import SmsOutbox
from himswasthya.records import services

pytestmark = pytest.mark.django_db


def _messages(encounter):
    return list(SmsOutbox.objects.about(encounter))


def test_signing_queues_one_sms_with_the_records_link(doctor, draft, citizen, settings):
    settings.HIMSWASTHYA_PUBLIC_URL = "https://himswasthya.example.test"
    with translation.override("en"):
        services.sign(doctor, draft)
    [message] = _messages(draft)
    assert message.template_key == "record_signed"
    assert message.mobile == citizen.mobile
    assert message.variables == {
        "date": timezone.localdate(draft.started_at).strftime("%d-%m-%Y"),
        "record_url": f"https://himswasthya.example.test/records/{draft.pk}/",
    }
    # The text passes the DLT checks (template id, registered pattern) as the gateway will see it.
    outgoing = sms.render(sms.SmsMessage(message.mobile, message.template_key, message.variables))
    assert outgoing.template_id == settings.SMS_DLT_TEMPLATE_IDS["record_signed"]
    assert f"/records/{draft.pk}/" in outgoing.text


def test_a_second_signing_is_refused_and_sends_nothing_more(doctor, draft):
    services.sign(doctor, draft)
    with pytest.raises(services.RecordSigned):
        services.sign(doctor, draft)
    assert len(_messages(draft)) == 1


def test_the_sms_goes_in_the_language_the_citizen_chose(doctor, draft, citizen):
    citizen.language = "hi"
    citizen.save(update_fields=["language"])
    with translation.override("en"):
        services.sign(doctor, draft)
    [message] = _messages(draft)
    assert message.template_key == "record_signed_hi"
    outgoing = sms.render(sms.SmsMessage(message.mobile, message.template_key, message.variables))
    assert "हिमस्वास्थ्य" in outgoing.text


def test_a_child_without_a_mobile_is_reached_through_the_familys_contact(
    doctor, family, citizen, persona_facility
):
    child = family["child"]
    assert not child.mobile
    encounter = services.open_encounter(doctor, child, persona_facility, source_ref="opd:OPD-CHILD")
    services.sign(doctor, encounter)
    [message] = _messages(encounter)
    assert message.mobile == citizen.mobile  # the head's, who holds the family's mobile


def test_no_mobile_anywhere_means_no_sms(doctor, persona_facility, persona_district):
    from himswasthya.people.tests.factories import named_person

    alone = named_person(persona_district, "Tara Chand", sex="M", year_of_birth=1950)
    encounter = services.open_encounter(doctor, alone, persona_facility)
    services.sign(doctor, encounter)
    assert not _messages(encounter)


def test_a_signed_correction_tells_the_patient_again(doctor, draft):
    services.sign(doctor, draft)
    correction = services.correct(doctor, draft)
    services.sign(doctor, correction)
    assert len(_messages(draft)) == 1 and len(_messages(correction)) == 1


def test_bulk_loads_may_sign_without_telling_anyone(doctor, draft):
    services.sign(doctor, draft, notify_patient=False)
    assert not _messages(draft)
