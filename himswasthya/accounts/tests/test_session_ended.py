"""Issue #12: someone whose session ended is told so on the sign-in page (once); a first-time visitor and
someone who signed out are not."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from himswasthya.accounts.tests.fixtures import PERSONA_PASSWORD
from himswasthya.notify import sms

ENDED = {
    "en": "Your session ended; please sign in again.",
    "hi": "आपका सत्र समाप्त हो गया है; कृपया फिर से साइन इन करें।",
}
LOGIN = reverse("accounts:login")
MOBILE_LOGIN = reverse("accounts:mobile_login")


def _staff_signs_in(client, username="clerk"):
    assert client.post(LOGIN, {"username": username, "password": PERSONA_PASSWORD}).status_code == 302
    assert client.get("/home/").status_code == 200


def _citizen_signs_in(client, mobile):
    client.post(MOBILE_LOGIN, {"mobile": mobile})
    assert client.post("/login/otp/", {"otp": sms.outbox[-1].text[:6]}).status_code == 302
    assert client.get("/home/").status_code == 200


def _idle_past_the_limit(time_machine, settings):
    time_machine.move_to(timezone.now() + timedelta(seconds=settings.SESSION_IDLE_TIMEOUT_SECONDS + 60))


def _page(client, url):
    return client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "hi"])
def test_staff_whose_session_idled_out_are_told_once(client, clerk, settings, time_machine, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _staff_signs_in(client)
    _idle_past_the_limit(time_machine, settings)

    response = client.get("/home/")
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=/home/"
    assert ENDED[language] in _page(client, response["Location"])
    assert ENDED[language] not in _page(client, LOGIN)  # said once


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_citizen_whose_session_ended_is_told_on_the_mobile_sign_in_page(
    client, citizen, settings, time_machine, language
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _citizen_signs_in(client, citizen.mobile)
    _idle_past_the_limit(time_machine, settings)

    response = client.get("/home/", follow=True)
    assert response.redirect_chain[-1] == (MOBILE_LOGIN, 302)
    assert ENDED[language] in response.content.decode()
    assert ENDED[language] not in _page(client, MOBILE_LOGIN)


@pytest.mark.django_db
def test_a_session_ended_by_signing_in_elsewhere_is_told(client, clerk):
    _staff_signs_in(client)
    other_browser = type(client)()
    _staff_signs_in(other_browser)
    assert client.get("/home/").status_code == 302
    assert ENDED["en"] in _page(client, LOGIN)


@pytest.mark.django_db
def test_a_session_deleted_on_the_server_is_told(client, clerk):
    _staff_signs_in(client)
    client.session.delete()  # from the session engine (cache and database), e.g. past its 12-hour expiry
    assert ENDED["en"] in _page(client, LOGIN)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LOGIN, MOBILE_LOGIN, "/home/"])
@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_first_time_visitor_is_not_told(client, settings, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(url, follow=True).content.decode()
    assert ENDED[language] not in body and ENDED["en"] not in body


@pytest.mark.django_db
def test_signing_out_is_not_a_session_that_ended(client, clerk):
    _staff_signs_in(client)
    client.post("/logout/")
    assert ENDED["en"] not in _page(client, LOGIN)


@pytest.mark.django_db
def test_signing_out_through_the_api_is_not_a_session_that_ended(client, citizen):
    _citizen_signs_in(client, citizen.mobile)
    assert client.post("/api/accounts/logout").status_code == 204
    assert ENDED["en"] not in _page(client, MOBILE_LOGIN)


@pytest.mark.django_db
def test_a_session_that_is_still_live_is_not_told(client, clerk):
    _staff_signs_in(client)
    body = _page(client, LOGIN)  # a signed-in person may open the sign-in page to switch accounts
    assert ENDED["en"] not in body
    assert client.get("/home/").status_code == 200
