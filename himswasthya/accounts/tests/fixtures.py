"""Shared pytest fixtures of this app (loaded by the root conftest via pytest_plugins).

Test personas for every app, on a handful of rows created here (not on loaded data), so they are fast:

    citizen, clerk, doctor, facility_admin      - Shimla medical college (persona_facility)
    other_facility_clerk, other_district_officer - Kangra civil hospital / Kangra district
    district_officer                             - Shimla district
    himcare_officer, grievance_officer, state_admin - state-wide

All staff have the password PERSONA_PASSWORD. `login_as(user)` returns a logged-in test client.

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


def _place(model_label: str, **kwargs):
    model = apps.get_model(model_label)
    lookup = {k: v for k, v in kwargs.items() if k in {"lgd_code", "code"}}
    defaults = {k: v for k, v in kwargs.items() if k not in lookup}
    return model.objects.get_or_create(**lookup, defaults=defaults)[0]


@pytest.fixture
def persona_state(db):
    return _place("places.State", lgd_code=2, name="Himachal Pradesh", name_hi="हिमाचल प्रदेश")


@pytest.fixture
def persona_district(persona_state):
    return _place("places.District", lgd_code=23, name="Shimla", name_hi="शिमला", state=persona_state)


@pytest.fixture
def persona_other_district(persona_state):
    return _place("places.District", lgd_code=18, name="Kangra", name_hi="कांगड़ा", state=persona_state)


@pytest.fixture
def persona_facility(persona_district):
    return _place(
        "facilities.Facility",
        code="PERSONA-MC-SML",
        name="Persona Medical College Shimla",
        name_hi="पर्सोना मेडिकल कॉलेज शिमला",
        facility_type="MC",
        district=persona_district,
    )


@pytest.fixture
def persona_other_facility(persona_other_district):
    return _place(
        "facilities.Facility",
        code="PERSONA-CH-KGR",
        name="Persona Civil Hospital Kangra",
        name_hi="पर्सोना सिविल अस्पताल कांगड़ा",
        facility_type="CH",
        district=persona_other_district,
    )


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
def citizen(db):
    return _user("citizen-asha", "citizen", password=False, mobile="9876543210", first_name="Asha")


@pytest.fixture
def clerk(persona_facility):
    return _user("clerk", "clerk", facility=persona_facility)


@pytest.fixture
def doctor(persona_facility):
    return _user("doctor", "doctor", facility=persona_facility)


@pytest.fixture
def facility_admin(persona_facility):
    return _user("facility_admin", "facility_admin", facility=persona_facility)


@pytest.fixture
def scheme_desk(persona_facility):
    """The HIMCARE desk (Arogya Mitra) of the persona medical college."""
    return _user("scheme_desk", "scheme_desk", facility=persona_facility)


@pytest.fixture
def other_scheme_desk(persona_other_facility):
    return _user("other_scheme_desk", "scheme_desk", facility=persona_other_facility)


@pytest.fixture
def other_facility_clerk(persona_other_facility):
    return _user("other_facility_clerk", "clerk", facility=persona_other_facility)


@pytest.fixture
def district_officer(persona_district):
    return _user("district_officer", "district_officer", district=persona_district)


@pytest.fixture
def other_district_officer(persona_other_district):
    return _user("other_district_officer", "district_officer", district=persona_other_district)


@pytest.fixture
def himcare_officer(db):
    return _user("himcare_officer", "himcare_officer")


@pytest.fixture
def grievance_officer(db):
    return _user("grievance_officer", "grievance_officer")


@pytest.fixture
def state_admin(db):
    return _user("state_admin", "state_admin", is_staff=True, is_superuser=True)


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
