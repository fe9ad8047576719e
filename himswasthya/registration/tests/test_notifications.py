"""Booking SMS through the notify outbox: a gateway that is down never undoes a booking; the row names the
appointment; production leaves the sending to the worker. (The outbox itself: notify/tests/test_outbox.py.)"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from himswasthya.notify.models import SmsOutbox, SmsStatus
from himswasthya.notify.sms import outbox
from himswasthya.notify.tests.gateway import closed_port
from himswasthya.registration import services
from himswasthya.registration.models import Appointment, Channel
from himswasthya.registration.tests.booking_fixtures import THURSDAY, make_person

pytestmark = pytest.mark.django_db


def test_a_gateway_that_is_down_does_not_undo_the_booking(
    settings, clock, citizen, family, thursday_session, django_capture_on_commit_callbacks
):
    settings.SMS_SEND_IN_REQUEST = True  # demo / development: the request tries at once
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{closed_port()}/sms"
    settings.SMS_HTTP_TIMEOUT_SECONDS = 2
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.do_book_appointment(
            actor=citizen, person=family["head"], session=thursday_session, date=THURSDAY
        )
    assert Appointment.objects.filter(pk=appointment.pk, status="booked").exists()
    row = SmsOutbox.objects.about(appointment).get()
    assert row.status == SmsStatus.PENDING and row.attempts == 1
    assert row.variables == {"number": appointment.number, "token": appointment.token_number}
    assert "ConnectionError" in row.last_error and citizen.mobile not in row.last_error


def test_in_production_the_booking_leaves_the_sms_to_the_worker(
    settings, clock, citizen, family, thursday_session, sms_gateway, django_capture_on_commit_callbacks
):
    settings.SMS_SEND_IN_REQUEST = False
    url, received = sms_gateway
    settings.SMS_BACKEND, settings.SMS_HTTP_URL = "http", url
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.do_book_appointment(
            actor=citizen, person=family["head"], session=thursday_session, date=THURSDAY
        )
    row = SmsOutbox.objects.about(appointment).get()
    assert received == [] and row.status == SmsStatus.PENDING and row.attempts == 0
    assert row.next_attempt_at <= timezone.now()  # due at once
    out = StringIO()
    call_command("send_pending_sms", stdout=out)
    assert "1 sent" in out.getvalue()
    row.refresh_from_db()
    assert row.status == SmsStatus.SENT and row.attempts == 1
    assert len(received) == 1 and appointment.number in received[0]["text"]


def test_hindi_bookings_get_the_hindi_template(
    clock, citizen, family, thursday_session, django_capture_on_commit_callbacks
):
    outbox.clear()
    with translation.override("hi"), django_capture_on_commit_callbacks(execute=True):
        appointment = services.do_book_appointment(
            actor=citizen, person=family["head"], session=thursday_session, date=THURSDAY
        )
    assert SmsOutbox.objects.about(appointment).get().template_key == "appointment_booked_hi"
    assert outbox[-1].text.startswith("हिमस्वास्थ्य ओपीडी बुकिंग " + appointment.number)


def _walk_in(clerk, person, facility, department, capture):
    """A walk-in by ABHA scan and share (the walk-in channel that sends the token by SMS), registered by a
    clerk who works in English."""
    with translation.override("en"), capture(execute=True):
        return services.do_register_walk_in(
            actor=clerk, person=person, facility=facility, department=department, channel=Channel.SCAN_SHARE
        )


def test_a_walk_in_sms_goes_in_the_language_the_citizen_chose(
    settings,
    clock,
    clerk,
    citizen,
    persona_facility,
    medicine,
    persona_district,
    wednesday_session,
    django_capture_on_commit_callbacks,
):
    settings.SMS_SEND_IN_REQUEST, settings.SMS_BACKEND = True, "memory"
    outbox.clear()
    citizen.language = "hi"
    citizen.save(update_fields=["language"])
    patient = make_person(persona_district, "Asha Devi", mobile=citizen.mobile, sex="F")
    appointment = _walk_in(clerk, patient, persona_facility, medicine, django_capture_on_commit_callbacks)
    assert SmsOutbox.objects.about(appointment).get().template_key == "scan_share_token_hi"
    assert outbox[-1].template_id == settings.SMS_DLT_TEMPLATE_IDS["scan_share_token_hi"]
    assert outbox[-1].mobile == citizen.mobile


def test_a_walk_in_sms_to_an_unknown_mobile_follows_the_page_language(
    clock,
    clerk,
    persona_facility,
    medicine,
    persona_district,
    wednesday_session,
    django_capture_on_commit_callbacks,
):
    patient = make_person(persona_district, mobile="9811100001")
    appointment = _walk_in(clerk, patient, persona_facility, medicine, django_capture_on_commit_callbacks)
    assert SmsOutbox.objects.about(appointment).get().template_key == "scan_share_token"
    with translation.override("hi"), django_capture_on_commit_callbacks(execute=True):
        hindi = services.do_register_walk_in(
            actor=clerk,
            person=make_person(persona_district, mobile="9811100002"),
            facility=persona_facility,
            department=medicine,
            channel=Channel.SCAN_SHARE,
        )
    assert SmsOutbox.objects.about(hindi).get().template_key == "scan_share_token_hi"
