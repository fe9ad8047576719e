"""Shared pytest fixtures of this app (loaded by the root conftest via pytest_plugins).

The test personas of every app (`citizen`, `clerk`, `doctor`, ..., `state_admin`) are project fixtures in
himswasthya/tests/personas.py: they need places and facilities, which sit beside and above accounts. Here:
`_user` (a user with PERSONA_PASSWORD) and `login_as(user)`, which returns a logged-in test client.

Second factor (accounts/mfa.py): state-level roles and admin users cannot reach any page until their session
is verified with a TOTP code. A test client signed in with `force_login` / `login` (and so `login_as` and
pytest-django's `admin_client`) is marked verified by the autouse fixture below, with a confirmed test device
(`verified_device`) - only the test client, never production code. MFA tests that need an unverified session
use `force_login_without_second_factor(client, user)`; `totp_code(device)` gives a code the device accepts.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client

_CLIENT_LOGIN = Client._login  # type: ignore[attr-defined]  # Django's own, before the fixture below wraps it
TEST_DEVICE_NAME = "test"

PERSONA_PASSWORD = "Persona#Pass2026"


def _user(username: str, role: str, *, password: bool = True, **fields):
    User = apps.get_model("accounts", "User")
    user = User(username=username, role=role, first_name=fields.pop("first_name", username.title()), **fields)
    if password:
        user.set_password(PERSONA_PASSWORD)
    else:
        user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def login_as(db) -> Callable[..., Client]:
    """A fresh test client signed in as the given user (force_login: no password, no OTP; a second factor,
    where the role needs one, is marked verified by _test_logins_pass_the_second_factor)."""

    def _login(user, **client_kwargs) -> Client:
        client = Client(**client_kwargs)
        client.force_login(user)
        return client

    return _login


# ------------------------------------------------------------------------------------------ second factor


def verified_device(user):
    """The user's confirmed TOTP device (a test one is created when there is none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)
    return device


def totp_code(device) -> str:
    """A code `device` accepts now (the next time step when the current one was already used)."""
    from himswasthya.accounts.mfa import usable_code

    device.refresh_from_db()
    return usable_code(device)


def mark_second_factor_verified(client: Client, user) -> None:
    """What a successful TOTP step leaves in the session (django_otp.login), for a signed-in test client."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()


def force_login_without_second_factor(client: Client, user) -> None:
    _CLIENT_LOGIN(client, user, "himswasthya.accounts.backends.LockoutModelBackend")


@pytest.fixture(autouse=True)
def _test_logins_pass_the_second_factor(monkeypatch):
    from himswasthya.accounts.mfa import needs_second_factor

    def _login(self, user, backend=None):
        _CLIENT_LOGIN(self, user, backend)
        if needs_second_factor(user):
            mark_second_factor_verified(self, user)

    monkeypatch.setattr(Client, "_login", _login)


def pass_second_factor_in_browser(page, user) -> None:
    """After the password form in Playwright: enter a valid TOTP code on the second-factor page - or, at a
    first sign-in, on the enrolment page, computed from the key it shows as an authenticator app would."""
    import re
    from base64 import b32decode

    from django_otp.oath import TOTP

    page.wait_for_url(re.compile(r"/login/second-factor/(enrol/)?$"))
    if page.url.endswith("/enrol/"):
        secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
        code = f"{TOTP(b32decode(secret), step=30, digits=6).token():06d}"
    else:
        code = totp_code(verified_device(user))
    field = page.locator("input[name=code]")
    field.fill(code)
    field.press("Enter")


def session_cookie(user, url: str) -> dict:
    """A Playwright cookie (for `context.add_cookies`) carrying a signed-in session of `user`, made with the
    test client's force_login (so past the second factor, as above): browser tests skip the login form."""
    from django.conf import settings

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": url}


def sign_in_page(page, live_server, user) -> None:
    """Sign `user` in on a Playwright page of the live server (a session cookie, no login form)."""
    page.context.add_cookies([session_cookie(user, live_server.url)])
