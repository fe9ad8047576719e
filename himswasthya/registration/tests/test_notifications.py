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
from himswasthya.registration.models import Appointment
from himswasthya.registration.tests.booking_fixtures import THURSDAY

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
