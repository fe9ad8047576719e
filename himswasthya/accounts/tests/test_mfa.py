"""Second factor (TOTP) for state-level roles and admin staff (SEC-15, SEC-26; issue #10 item 1)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from himswasthya.accounts import mfa
from himswasthya.accounts.tests.fixtures import PERSONA_PASSWORD, totp_code, verified_device

MFA_PAGE = "/login/second-factor/"
ENROL_PAGE = "/login/second-factor/enrol/"


@pytest.fixture(autouse=True)
def _no_device_throttle(settings):
    """django-otp waits 1, 2, 4 ... s after each wrong code; tests that follow a wrong code with the right one
    switch it off (test_the_device_throttles_fast_guesses keeps it)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _password(client, username, next_url=None):
    data = {"username": username, "password": PERSONA_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _wrong_codes_after_the_password(client, user, wrong: int):
    """`user`, with a verified device, signs in with the password and enters `wrong` wrong codes."""
    device = verified_device(user)
    _password(client, user.username)
    for _ in range(wrong):
        client.post(MFA_PAGE, {"code": _wrong(totp_code(device))})
    return device


def _mfa_failure_reasons() -> list[str]:
    failures = apps.get_model("audit", "AuditEntry").objects.filter(action="auth.mfa_failed").order_by("pk")
    return [e.detail["reason"] for e in failures]


def _actions() -> list[str]:
    return list(apps.get_model("audit", "AuditEntry").objects.order_by("pk").values_list("action", flat=True))


@pytest.mark.django_db
def test_state_level_roles_and_admin_staff_need_a_second_factor(
    clerk,
    doctor,
    facility_admin,
    scheme_desk,
    district_officer,
    himcare_officer,
    grievance_officer,
    state_admin,
):
    assert all(mfa.needs_second_factor(u) for u in (himcare_officer, grievance_officer, state_admin))
    assert not any(
        mfa.needs_second_factor(u) for u in (clerk, doctor, facility_admin, scheme_desk, district_officer)
    )
    clerk.is_staff = True  # anyone who can open the admin
    assert mfa.needs_second_factor(clerk)


@pytest.mark.django_db
def test_password_alone_reaches_nothing_until_the_code_is_verified(client, himcare_officer):
    device = verified_device(himcare_officer)
    response = _password(client, "himcare_officer", "/home/?tab=1")
    assert response.status_code == 302 and response["Location"] == MFA_PAGE
    assert client.session[SESSION_KEY] == str(himcare_officer.pk)
    for url in ("/home/", "/audit/", "/people/", "/himcare/", "/password/change/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == MFA_PAGE, url
    api = client.get("/api/accounts/me")
    assert api.status_code == 403 and api.json()["code"] == "mfa_required"

    page = client.get(MFA_PAGE)
    assert page.status_code == 200 and "authenticator app" in page.content.decode()
    assert 'data-testid="demo-totp"' not in page.content.decode()  # DEMO_MODE is off
    assert 'href="/people/search/"' not in page.content.decode()  # no links to what is not reachable yet

    code = totp_code(device)
    response = client.post(MFA_PAGE, {"code": _wrong(code)})
    assert response.status_code == 200 and "Wrong code. 4 attempts left" in response.content.decode()
    response = client.post(MFA_PAGE, {"code": "12ab56"})
    assert "Enter the 6 digits of the code." in response.content.decode()
    assert client.get("/home/").status_code == 302

    before = client.session.session_key
    response = client.post(MFA_PAGE, {"code": code})
    assert response.status_code == 302 and response["Location"] == "/home/?tab=1"
    assert client.session.session_key != before  # a new session id with the second factor
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/home/").status_code == 200
    assert client.get(MFA_PAGE)["Location"] == "/home/"  # nothing left to verify
    assert _actions()[-3:] == ["auth.login", "auth.mfa_failed", "auth.mfa_verified"]


@pytest.mark.django_db
def test_the_same_code_cannot_be_used_twice(himcare_officer):
    from django.test import Client

    device = verified_device(himcare_officer)
    first, second = Client(), Client()
    _password(first, "himcare_officer")
    code = mfa.usable_code(device)
    assert first.post(MFA_PAGE, {"code": code}).status_code == 302
    _password(second, "himcare_officer")
    response = second.post(MFA_PAGE, {"code": code})
    assert response.status_code == 200 and "Wrong code" in response.content.decode()


@pytest.mark.django_db
def test_first_sign_in_enrols_an_authenticator(client, grievance_officer):
    assert not TOTPDevice.objects.filter(user=grievance_officer).exists()
    _password(client, "grievance_officer")
    response = client.get(MFA_PAGE)
    assert response.status_code == 302 and response["Location"] == ENROL_PAGE
    page = client.get(ENROL_PAGE).content.decode()
    device = TOTPDevice.objects.get(user=grievance_officer, confirmed=False)
    assert "<svg" in page and "otpauth://totp/HimSwasthya%3Agrievance_officer?secret=" in page
    assert mfa.base32_key(device)[:4] in page
    assert client.get("/home/").status_code == 302  # still nothing else

    response = client.post(ENROL_PAGE, {"code": _wrong(mfa.usable_code(device))})
    assert response.status_code == 200 and "Wrong code" in response.content.decode()
    response = client.post(ENROL_PAGE, {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/home/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/home/").status_code == 200
    assert _actions()[-2:] == ["auth.mfa_failed", "auth.mfa_enrolled"]
    # Enrolled: the next sign-in asks for the code, and the enrolment page is closed.
    client.post("/logout/")
    _password(client, "grievance_officer")
    assert client.get(ENROL_PAGE)["Location"] == MFA_PAGE


@pytest.mark.django_db
def test_wrong_codes_count_towards_the_lockout(client, state_admin, settings):
    settings.LOGIN_MAX_FAILURES = 3
    device = _wrong_codes_after_the_password(client, state_admin, 2)
    # Signing in again with the password does not reset the count for a second-factor user.
    client.post("/logout/")
    assert _password(client, "state_admin")["Location"] == MFA_PAGE
    response = client.post(MFA_PAGE, {"code": _wrong(totp_code(device))}, follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert "the account is locked" in response.content.decode()
    assert SESSION_KEY not in client.session
    # Locked: the right password and then the right code get nowhere.
    response = _password(client, "state_admin")
    assert response.status_code == 200 and SESSION_KEY not in client.session
    assert _mfa_failure_reasons() == ["wrong_code"] * 3


@pytest.mark.django_db
def test_a_verified_code_clears_the_failure_count(client, state_admin, settings):
    settings.LOGIN_MAX_FAILURES = 3
    device = _wrong_codes_after_the_password(client, state_admin, 2)
    assert client.post(MFA_PAGE, {"code": totp_code(device)}).status_code == 302
    client.post("/logout/")
    _password(client, "state_admin")
    response = client.post(MFA_PAGE, {"code": _wrong(totp_code(device))})
    assert "2 attempts left" in response.content.decode()


@pytest.mark.django_db
def test_the_device_throttles_fast_guesses(client, state_admin, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    device = _wrong_codes_after_the_password(client, state_admin, 1)
    response = client.post(MFA_PAGE, {"code": totp_code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes. Wait 30 seconds" in response.content.decode()
    assert client.get("/home/").status_code == 302
    assert _mfa_failure_reasons() == ["wrong_code", "throttled"]


@pytest.mark.django_db
def test_codes_are_rate_limited_per_network(client, state_admin, settings):
    settings.OTP_MAX_VERIFY_PER_IP_PER_HOUR = 2
    settings.LOGIN_MAX_FAILURES = 10
    device = _wrong_codes_after_the_password(client, state_admin, 2)
    response = client.post(MFA_PAGE, {"code": totp_code(device)})
    assert "Too many attempts from this network" in response.content.decode()
    assert client.get("/home/").status_code == 302


@pytest.mark.django_db
def test_the_demo_code_is_shown_only_in_demo_mode_and_only_for_the_demo_device(client, state_admin, settings):
    device = verified_device(state_admin)
    _password(client, "state_admin")
    settings.DEMO_MODE = True
    assert 'data-testid="demo-totp"' not in client.get(MFA_PAGE).content.decode()  # a real device
    device.name = mfa.DEMO_DEVICE_NAME
    device.save()
    page = client.get(MFA_PAGE).content.decode()
    assert 'data-testid="demo-totp"' in page and "Demo only" in page and totp_code(device) in page
    settings.DEMO_MODE = False
    assert 'data-testid="demo-totp"' not in client.get(MFA_PAGE).content.decode()


@pytest.mark.django_db
def test_the_second_factor_pages_speak_hindi(client, state_admin, grievance_officer):
    verified_device(state_admin)
    _password(client, "state_admin")
    client.post("/i18n/setlang/", {"language": "hi", "next": MFA_PAGE})
    body = client.get(MFA_PAGE).content.decode()
    assert 'lang="hi"' in body and "दूसरा प्रमाण" in body
    client.post("/logout/")
    _password(client, "grievance_officer")
    client.post("/i18n/setlang/", {"language": "hi", "next": ENROL_PAGE})
    body = client.get(ENROL_PAGE).content.decode()
    assert "ऑथेंटिकेटर ऐप" in body


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(MFA_PAGE)["Location"] == "/login/"
    assert client.get(ENROL_PAGE)["Location"] == "/login/"


@pytest.mark.django_db
def test_staff_without_the_requirement_are_not_asked(client, clerk):
    response = _password(client, "clerk")
    assert response["Location"] == "/home/"
    assert client.get(MFA_PAGE)["Location"] == "/home/"


@pytest.mark.django_db
def test_an_expired_password_is_changed_after_the_second_factor(client, state_admin):
    from datetime import timedelta

    from django.utils import timezone

    state_admin.password_changed_at = timezone.now() - timedelta(days=91)
    state_admin.save()
    device = verified_device(state_admin)
    _password(client, "state_admin")
    assert client.get("/password/change/")["Location"] == MFA_PAGE  # not before the code
    assert client.get(MFA_PAGE).status_code == 200  # and no redirect loop between the two
    client.post(MFA_PAGE, {"code": totp_code(device)})
    assert client.get("/home/")["Location"] == "/password/change/"


@pytest.mark.django_db
def test_an_unverified_session_can_sign_out_or_sign_in_again(client, state_admin, clerk):
    verified_device(state_admin)
    _password(client, "state_admin")
    assert client.get("/login/").status_code == 200
    assert _password(client, "clerk")["Location"] == "/home/"
    assert client.get("/home/").status_code == 200
    _password(client, "state_admin")
    assert client.post("/logout/").status_code == 302
    assert SESSION_KEY not in client.session
