"""The SMS outbox: queued in the caller's transaction, sent after commit or by the worker; a gateway that is
down leaves the row pending with a growing back-off; DLT refusals fail at once; retries end."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone, translation

from himswasthya.notify import outbox
from himswasthya.notify.management.commands import send_pending_sms
from himswasthya.notify.models import SmsOutbox, SmsStatus
from himswasthya.notify.sms import outbox as memory_outbox
from himswasthya.notify.tests.gateway import closed_port

pytestmark = pytest.mark.django_db

MOBILE = "9876543210"
BOOKED = {"number": "OPD261126-12-7", "token": 7}


def _due(row: SmsOutbox) -> None:
    SmsOutbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def test_a_gateway_that_is_down_leaves_the_row_pending_and_the_worker_retries(
    settings, sms_gateway, django_capture_on_commit_callbacks
):
    settings.SMS_SEND_IN_REQUEST = True  # demo / development: the request tries at once
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{closed_port()}/sms"
    settings.SMS_HTTP_TIMEOUT_SECONDS = 2
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.queue_sms("appointment_booked", mobile=MOBILE, variables=BOOKED)
    row.refresh_from_db()
    assert row.status == SmsStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at > timezone.now()
    assert "ConnectionError" in row.last_error and MOBILE not in row.last_error
    # Not due yet: the cron run leaves it alone.
    assert outbox.send_pending() == {"sent": 0, "pending": 0, "failed": 0}
    # The gateway is back and the back-off has passed: the cron run sends it.
    url, received = sms_gateway
    settings.SMS_HTTP_URL = url
    _due(row)
    out = StringIO()
    call_command("send_pending_sms", stdout=out)
    assert "1 sent" in out.getvalue()
    row.refresh_from_db()
    assert row.status == SmsStatus.SENT and row.attempts == 2 and row.sent_at is not None
    assert len(received) == 1 and received[0]["mobile"] == MOBILE
    assert "OPD261126-12-7" in received[0]["text"] and received[0]["template_id"] == "1107000000000000101"


def test_in_production_the_row_is_due_at_once_for_the_worker(
    settings, sms_gateway, django_capture_on_commit_callbacks
):
    settings.SMS_SEND_IN_REQUEST = False
    url, received = sms_gateway
    settings.SMS_BACKEND, settings.SMS_HTTP_URL = "http", url
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = outbox.queue_sms("appointment_booked", mobile=MOBILE, variables=BOOKED)
    row.refresh_from_db()
    assert callbacks == [] and received == []
    assert row.status == SmsStatus.PENDING and row.attempts == 0 and row.next_attempt_at <= timezone.now()
    out = StringIO()
    call_command("send_pending_sms", stdout=out)
    assert "1 sent" in out.getvalue()
    row.refresh_from_db()
    assert row.status == SmsStatus.SENT and row.attempts == 1
    assert len(received) == 1 and "OPD261126-12-7" in received[0]["text"]


def test_the_request_sends_in_demo_and_development_by_default():
    from django.conf import settings as conf

    # tests run with DEBUG=1 in the environment (Makefile), like `make demo`
    assert conf.SMS_SEND_IN_REQUEST is True and outbox.send_in_request()


def test_no_mobile_no_row():
    assert outbox.queue_sms("appointment_booked", mobile=None, variables=BOOKED) is None
    assert outbox.queue_sms("appointment_booked", mobile="", variables=BOOKED) is None
    assert not SmsOutbox.objects.exists()


def test_hindi_callers_get_the_hindi_template(django_capture_on_commit_callbacks):
    with translation.override("hi"), django_capture_on_commit_callbacks(execute=True):
        outbox.queue_sms("appointment_booked", mobile=MOBILE, variables=BOOKED)
    row = SmsOutbox.objects.get()
    assert row.template_key == "appointment_booked_hi" and row.status == SmsStatus.SENT
    assert memory_outbox[-1].text.startswith("हिमस्वास्थ्य ओपीडी बुकिंग OPD261126-12-7")


def test_a_row_names_what_it_is_about_without_a_foreign_key():
    subject = ContentType.objects.get_for_model(SmsOutbox)  # any row of any app will do
    row = outbox.queue_sms("appointment_booked", mobile=MOBILE, variables=BOOKED, subject=subject)
    other = outbox.queue_sms("appointment_booked", mobile="9876543211", variables=BOOKED)
    assert (row.subject_type, row.subject_id) == ("contenttypes.contenttype", subject.pk)
    assert (other.subject_type, other.subject_id) == ("", None)
    assert list(SmsOutbox.objects.about(subject)) == [row]
    assert list(SmsOutbox.objects.about_any(ContentType, [subject.pk, subject.pk + 1])) == [row]


def test_a_message_refused_by_dlt_rules_fails_at_once(settings):
    settings.SMS_DLT_TEMPLATE_IDS = {}
    row = SmsOutbox.objects.create(
        template_key="appointment_booked", variables=BOOKED, mobile=MOBILE, next_attempt_at=timezone.now()
    )
    assert outbox.send_outbox_row(row.pk) == SmsStatus.FAILED
    row.refresh_from_db()
    assert row.last_error.startswith("refused") and row.attempts == 1


def test_it_gives_up_after_the_last_attempt(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{closed_port()}/sms"
    row = SmsOutbox.objects.create(
        template_key="appointment_cancelled",
        variables={"number": "OPD261126-1-1"},
        mobile=MOBILE,
        next_attempt_at=timezone.now(),
        attempts=outbox.MAX_ATTEMPTS - 1,
    )
    assert outbox.send_outbox_row(row.pk) == SmsStatus.FAILED


def test_a_row_already_claimed_or_not_due_is_not_sent_twice():
    row = SmsOutbox.objects.create(
        template_key="appointment_booked",
        variables=BOOKED,
        mobile=MOBILE,
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    assert outbox.send_outbox_row(row.pk) == SmsStatus.PENDING and memory_outbox == []
    _due(row)
    assert outbox.send_outbox_row(row.pk) == SmsStatus.SENT
    assert outbox.send_outbox_row(row.pk) == SmsStatus.SENT and len(memory_outbox) == 1


def test_the_back_off_grows_to_an_hour():
    assert [outbox.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert outbox.backoff(20) == datetime.timedelta(hours=1)


def test_send_pending_sms_reports_counts():
    out = StringIO()
    call_command("send_pending_sms", stdout=out)
    assert "0 sent" in out.getvalue()


def test_send_pending_sms_every_keeps_running_as_a_worker(monkeypatch):
    class Stop(Exception):
        pass

    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 1:  # a message arrives while the worker sleeps
            SmsOutbox.objects.create(
                template_key="appointment_booked",
                variables=BOOKED,
                mobile=MOBILE,
                next_attempt_at=timezone.now(),
            )
        else:
            raise Stop

    monkeypatch.setattr(send_pending_sms.time, "sleep", nap)
    out = StringIO()
    with pytest.raises(Stop):
        call_command("send_pending_sms", "--every", "5", stdout=out)
    assert naps == [5.0, 5.0]
    # Quiet while there is nothing to do; one line for the pass that sent something.
    assert out.getvalue().splitlines() == ["SMS outbox: 1 sent, 0 still pending, 0 failed"]
    assert SmsOutbox.objects.get().status == SmsStatus.SENT
