"""SMS after commit through the outbox: a gateway that is down never undoes a booking; retries later."""

from __future__ import annotations

import datetime
import http.server
import json
import socket
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from himswasthya.accounts.sms import outbox
from himswasthya.registration import notifications, services
from himswasthya.registration.models import Appointment, SmsOutbox, SmsStatus
from himswasthya.registration.tests.booking_fixtures import THURSDAY

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Gateway(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append(json.loads(body))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def gateway():
    _Gateway.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms", _Gateway.received
    server.shutdown()
    server.server_close()


def test_a_gateway_that_is_down_does_not_undo_the_booking(
    settings, clock, citizen, family, thursday_session, gateway, django_capture_on_commit_callbacks
):
    settings.SMS_SEND_IN_REQUEST = True  # demo / development: the request tries at once
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{_closed_port()}/sms"
    settings.SMS_HTTP_TIMEOUT_SECONDS = 2
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.do_book_appointment(
            actor=citizen, person=family["head"], session=thursday_session, date=THURSDAY
        )
    assert Appointment.objects.filter(pk=appointment.pk, status="booked").exists()
    row = SmsOutbox.objects.get(appointment=appointment)
    assert row.status == SmsStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at > timezone.now()
    assert "ConnectionError" in row.last_error and citizen.mobile not in row.last_error
    # Not due yet: the cron run leaves it alone.
    assert notifications.send_pending() == {"sent": 0, "pending": 0, "failed": 0}
    # The gateway is back and the back-off has passed: the cron run sends it.
    url, received = gateway
    settings.SMS_HTTP_URL = url
    SmsOutbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    out = StringIO()
    call_command("send_pending_sms", stdout=out)
    assert "1 sent" in out.getvalue()
    row.refresh_from_db()
    assert row.status == SmsStatus.SENT and row.attempts == 2 and row.sent_at is not None
    assert len(received) == 1 and received[0]["mobile"] == citizen.mobile
    assert appointment.number in received[0]["text"] and received[0]["template_id"] == "1107000000000000101"


def test_in_production_the_request_leaves_the_sms_to_the_sender(
    settings, clock, citizen, family, thursday_session, gateway, django_capture_on_commit_callbacks
):
    settings.SMS_SEND_IN_REQUEST = False
    url, received = gateway
    settings.SMS_BACKEND, settings.SMS_HTTP_URL = "http", url
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.do_book_appointment(
            actor=citizen, person=family["head"], session=thursday_session, date=THURSDAY
        )
    row = SmsOutbox.objects.get(appointment=appointment)
    assert received == [] and row.status == SmsStatus.PENDING and row.attempts == 0
    assert row.next_attempt_at <= timezone.now()  # due at once
    out = StringIO()
    call_command("send_pending_sms", stdout=out)
    assert "1 sent" in out.getvalue()
    row.refresh_from_db()
    assert row.status == SmsStatus.SENT and row.attempts == 1
    assert len(received) == 1 and appointment.number in received[0]["text"]


def test_the_request_sends_in_demo_and_development_by_default():
    from django.conf import settings as conf

    # tests run with DEBUG=1 in the environment (Makefile), like `make demo`
    assert conf.SMS_SEND_IN_REQUEST is True and notifications.send_in_request()


def test_hindi_bookings_get_the_hindi_template(
    clock, citizen, family, thursday_session, django_capture_on_commit_callbacks
):
    outbox.clear()
    from django.utils import translation

    with translation.override("hi"), django_capture_on_commit_callbacks(execute=True):
        appointment = services.do_book_appointment(
            actor=citizen, person=family["head"], session=thursday_session, date=THURSDAY
        )
    assert SmsOutbox.objects.get().template_key == "appointment_booked_hi"
    assert outbox[-1].text.startswith("हिमस्वास्थ्य ओपीडी बुकिंग " + appointment.number)


def test_a_message_refused_by_dlt_rules_fails_at_once(settings, clock, citizen, family, thursday_session):
    settings.SMS_DLT_TEMPLATE_IDS = {}
    row = SmsOutbox.objects.create(
        template_key="appointment_booked",
        variables={"number": "OPD261126-1-1", "token": 1},
        mobile=citizen.mobile,
        next_attempt_at=timezone.now(),
    )
    assert notifications.send_outbox_row(row.pk) == SmsStatus.FAILED
    row.refresh_from_db()
    assert row.last_error.startswith("refused") and row.attempts == 1


def test_it_gives_up_after_the_last_attempt(settings, clock, citizen):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{_closed_port()}/sms"
    row = SmsOutbox.objects.create(
        template_key="appointment_cancelled",
        variables={"number": "OPD261126-1-1"},
        mobile=citizen.mobile,
        next_attempt_at=timezone.now(),
        attempts=notifications.MAX_ATTEMPTS - 1,
    )
    assert notifications.send_outbox_row(row.pk) == SmsStatus.FAILED


def test_the_back_off_grows_to_an_hour():
    assert [notifications.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert notifications.backoff(20) == datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    "template, variables",
    [
        ("appointment_booked", {"number": "OPD261126-12-7", "token": 7}),
        ("appointment_cancelled", {"number": "OPD261126-12-7"}),
        ("appointment_rescheduled", {"number": "OPD261126-12-7", "token": 7}),
        ("scan_share_token", {"number": "OPD261126-12-7", "token": 7}),
    ],
)
@pytest.mark.parametrize("language", ["", "_hi"])
def test_every_opd_template_renders_and_matches_its_dlt_pattern(template, variables, language):
    from himswasthya.accounts.sms import SmsMessage, render

    sms = render(SmsMessage(mobile="9876543210", template_key=template + language, variables=variables))
    assert "OPD261126-12-7" in sms.text and sms.template_id
