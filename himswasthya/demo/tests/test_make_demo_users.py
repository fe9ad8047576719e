"""make_demo_users: one login per role, scoped to loaded facilities, the published demo authenticator."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from himswasthya.accounts import mfa
from himswasthya.accounts.models import Role, User
from himswasthya.demo.management.commands.make_demo_users import (
    DEFAULT_DEMO_PASSWORD,
    DEMO_TOTP_KEY_HEX,
    DEMO_TOTP_SECRET,
)


@pytest.mark.django_db
def test_it_fails_clearly_without_facilities():
    with pytest.raises(CommandError, match="No health facilities are loaded"):
        call_command("make_demo_users", stdout=StringIO())


@pytest.mark.django_db
def test_it_creates_one_login_per_role_idempotently(persona_facility, persona_other_facility, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("make_demo_users", stdout=out)
    call_command("make_demo_users", stdout=StringIO())  # again: no duplicates, no errors
    users = User.objects.filter(username__startswith="demo.")
    assert users.count() == 11  # 10 staff + the citizen
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="demo.clerk").facility == persona_facility  # MC in Shimla (LGD 23)
    assert User.objects.get(username="demo.district_officer").district.name == "Shimla"
    assert User.objects.get(username="demo.other_clerk").facility == persona_other_facility
    assert User.objects.get(username="demo.scheme_desk").facility == persona_facility
    assert User.objects.get(username="demo.other_district_officer").district.name == "Kangra"
    assert User.objects.get(username="demo.doctor").check_password(DEFAULT_DEMO_PASSWORD)
    citizen = User.objects.get(role=Role.CITIZEN)
    assert not citizen.has_usable_password()
    text = out.getvalue()
    assert "demo.clerk" in text and DEFAULT_DEMO_PASSWORD in text and f"mobile OTP: {citizen.mobile}" in text


@pytest.mark.django_db
def test_it_uses_and_validates_demo_password(persona_facility, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Another#Secret99")
    call_command("make_demo_users", stdout=StringIO())
    assert User.objects.get(username="demo.state_admin").check_password("Another#Secret99")
    monkeypatch.setenv("DEMO_PASSWORD", "short")
    with pytest.raises(CommandError, match="DEMO_PASSWORD is not acceptable"):
        call_command("make_demo_users", stdout=StringIO())


@pytest.mark.django_db
def test_demo_users_get_the_published_demo_authenticator(persona_facility, persona_other_facility):
    out = StringIO()
    call_command("make_demo_users", stdout=out)
    call_command("make_demo_users", stdout=StringIO())  # idempotent
    devices = TOTPDevice.objects.filter(confirmed=True, name=mfa.DEMO_DEVICE_NAME)
    assert sorted(d.user.username for d in devices) == [
        "demo.grievance_officer",
        "demo.himcare_officer",
        "demo.state_admin",
    ]
    assert {d.key for d in devices} == {DEMO_TOTP_KEY_HEX}
    text = out.getvalue()
    assert DEMO_TOTP_SECRET in text and "otpauth://totp/HimSwasthya%3Ademo.state_admin?secret=" in text
    assert mfa.base32_key(devices[0]) == DEMO_TOTP_SECRET
