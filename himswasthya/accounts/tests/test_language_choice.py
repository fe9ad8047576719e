"""Issue #12: a citizen's choice of language is remembered on their account (at sign-in and when they switch),
and their SMS go in it whoever triggers them; a mobile no citizen holds follows the current language."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from himswasthya.accounts.models import User
from himswasthya.notify import outbox as sms_outbox
from himswasthya.notify import sms

pytestmark = pytest.mark.django_db

MOBILE = "9811122244"


def _otp_login(client: Client) -> None:
    client.post("/login/mobile/", {"mobile": MOBILE})
    response = client.post("/login/otp/", {"otp": sms.outbox[-1].text[:6]})
    assert response.status_code == 302


def _language() -> str:
    return User.objects.get(mobile=MOBILE).language


def test_a_citizen_signing_in_in_hindi_and_switching_is_remembered(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    _otp_login(client)
    assert _language() == "hi"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/home/"})
    assert response.status_code == 302 and _language() == "en"
    client.post("/i18n/setlang/", {"language": "hi", "next": "/home/"})
    assert _language() == "hi"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/home/"})  # not a language: nothing changes
    assert _language() == "hi"


def test_switching_while_signed_out_or_as_staff_remembers_nothing(client, login_as, clerk):
    assert client.post("/i18n/setlang/", {"language": "hi", "next": "/"}).status_code == 302
    staff = login_as(clerk)
    staff.post("/i18n/setlang/", {"language": "hi", "next": "/home/"})
    clerk.refresh_from_db()
    assert clerk.language == ""


def test_an_sms_queued_outside_a_request_goes_in_the_citizens_language(citizen):
    User.objects.filter(pk=citizen.pk).update(language="hi")
    with translation.override("en"):  # a worker command or the demo loader
        chosen = sms_outbox.queue_sms("appointment_booked", mobile=citizen.mobile, variables={})
        unknown = sms_outbox.queue_sms("appointment_booked", mobile="9811100009", variables={})
    with translation.override("hi"):
        unknown_hi = sms_outbox.queue_sms("appointment_booked", mobile="9811100009", variables={})
    User.objects.filter(pk=citizen.pk).update(language="en")
    with translation.override("hi"):
        chose_english = sms_outbox.queue_sms("appointment_booked", mobile=citizen.mobile, variables={})
    keys = [row.template_key for row in (chosen, unknown, unknown_hi, chose_english)]
    assert keys == [
        "appointment_booked_hi",
        "appointment_booked",
        "appointment_booked_hi",
        "appointment_booked",
    ]
