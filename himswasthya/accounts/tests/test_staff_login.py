"""Staff login: lockout (SEC-15), session rotation, logout, idle timeout (SEC-25), 90-day expiry (SEC-23)."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from himswasthya.accounts.tests.fixtures import PERSONA_PASSWORD

LOGIN = "/login/"
GENERIC = "Wrong username or password, or the account is locked."


def _login(client, username, password=PERSONA_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
def test_it_logs_staff_in_and_lands_on_home(client, clerk):
    response = _login(client, "clerk")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    assert client.session[SESSION_KEY] == str(clerk.pk)
    page = client.get("/home/")
    assert "Persona Medical College Shimla" in page.content.decode()


@pytest.mark.django_db
def test_the_session_key_changes_at_login(client, clerk):
    from django.contrib.sessions.models import Session

    session = client.session
    session["pre_login"] = "yes"
    session.save()
    before = session.session_key
    _login(client, "clerk")
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()  # the pre-login id is dead


@pytest.mark.django_db
def test_wrong_password_and_unknown_user_get_the_same_message(client, clerk):
    wrong = _login(client, "clerk", "Wrong#Password1")
    unknown = _login(client, "nobody-here", "Wrong#Password1")
    assert wrong.status_code == unknown.status_code == 200
    assert GENERIC in wrong.content.decode() and GENERIC in unknown.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_lockout_after_max_failures_even_with_the_right_password(client, clerk, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _login(client, "clerk", "Wrong#Password1")
    response = _login(client, "CLERK")  # usernames are locked regardless of case
    assert GENERIC in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(client, clerk, settings):
    settings.LOGIN_MAX_FAILURES = 3
    _login(client, "clerk", "Wrong#Password1")
    _login(client, "clerk", "Wrong#Password1")
    assert _login(client, "clerk").status_code == 302
    client.post("/logout/")
    _login(client, "clerk", "Wrong#Password1")
    _login(client, "clerk", "Wrong#Password1")
    assert _login(client, "clerk").status_code == 302


@pytest.mark.django_db
def test_citizens_cannot_use_the_staff_form(client, citizen):
    citizen.set_password(PERSONA_PASSWORD)
    citizen.save()
    response = _login(client, citizen.username)
    assert GENERIC in response.content.decode()


@pytest.mark.django_db
def test_logout_is_post_only_and_kills_the_session(client, clerk):
    _login(client, "clerk")
    old_key = client.session.session_key
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.get("/home/").status_code == 302  # back to login


@pytest.mark.django_db
def test_idle_sessions_are_logged_out(client, clerk, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 900
    _login(client, "clerk")
    assert client.get("/home/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 901
    session.save()
    response = client.get("/home/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_active_sessions_stay_logged_in(client, clerk, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 900
    _login(client, "clerk")
    session = client.session
    session["last_seen"] = int(time.time()) - 800
    session.save()
    assert client.get("/home/").status_code == 200


@pytest.mark.django_db
def test_last_seen_is_refreshed_at_most_once_a_minute(client, clerk):
    _login(client, "clerk")
    client.get("/home/")
    recent = int(time.time()) - 30
    session = client.session
    session["last_seen"] = recent
    session.save()
    client.get("/home/")
    assert client.session["last_seen"] == recent  # no session write for a request within the minute

    session = client.session
    session["last_seen"] = int(time.time()) - 120
    session.save()
    client.get("/home/")
    assert client.session["last_seen"] >= int(time.time()) - 5


@pytest.mark.django_db
def test_setting_a_password_starts_the_rotation_clock(clerk):
    assert clerk.password_changed_at is not None
    assert not clerk.password_expired()
    assert clerk.password_expired(now=timezone.now() + timedelta(days=91))


@pytest.mark.django_db
def test_an_expired_password_must_be_changed_first(client, clerk):
    clerk.password_changed_at = timezone.now() - timedelta(days=91)
    clerk.save()
    _login(client, "clerk")
    response = client.get("/home/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    api = client.get("/api/accounts/me")
    assert api.status_code == 403 and api.json()["code"] == "password_expired"
    page = client.get(reverse("accounts:password_change"))
    assert "more than 90 days old" in page.content.decode()
    new = "Fresh#Password2027"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PERSONA_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert client.get("/home/").status_code == 200  # still signed in, no longer forced
    clerk.refresh_from_db()
    assert clerk.check_password(new) and not clerk.password_expired()


@pytest.mark.django_db
def test_password_change_enforces_the_validators(client, clerk):
    _login(client, "clerk")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PERSONA_PASSWORD, "new_password1": "alllowercase", "new_password2": "alllowercase"},
    )
    assert response.status_code == 200
    clerk.refresh_from_db()
    assert clerk.check_password(PERSONA_PASSWORD)


@pytest.mark.django_db
def test_citizens_have_no_password_to_change(login_as, citizen):
    response = login_as(citizen).get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")


@pytest.mark.django_db
def test_login_redirects_only_to_local_next(client, clerk):
    response = client.post(
        LOGIN, {"username": "clerk", "password": PERSONA_PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:home")
    client.post("/logout/")
    response = client.post(LOGIN, {"username": "clerk", "password": PERSONA_PASSWORD, "next": "/home/?x=1"})
    assert response["Location"] == "/home/?x=1"


@pytest.mark.django_db
def test_a_second_login_ends_the_first_session(clerk):
    from django.test import Client

    first, second = Client(), Client()
    _login(first, "clerk")
    assert first.get("/home/").status_code == 200
    _login(second, "clerk")
    assert second.get("/home/").status_code == 200
    response = first.get("/home/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert second.get("/home/").status_code == 200


@pytest.mark.django_db
def test_sessions_end_after_the_absolute_lifetime_even_when_active(client, clerk, settings):
    _login(client, "clerk")
    assert client.get("/home/").status_code == 200
    session = client.session
    session["session_started"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 1
    session.save()
    assert client.get("/home/").status_code == 302
    assert SESSION_KEY not in client.session
