"""Issue #10 item 1 (SEC-15, SEC-26, SEC-29): the Django admin obeys the lockout and the second factor.
That it shows no personal data of citizens: himswasthya/tests/test_admin_personal_data.py (every app)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import SESSION_KEY, authenticate
from django.test import Client, RequestFactory

from himswasthya.accounts.tests.fixtures import (
    PERSONA_PASSWORD,
    force_login_without_second_factor,
    totp_code,
    verified_device,
)


@pytest.mark.django_db
def test_the_user_admin_lists_staff_only_and_no_mobile(login_as, state_admin, clerk, citizen):
    clerk.mobile = "9812345678"
    clerk.save()
    client = login_as(state_admin)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "clerk" in listing and citizen.username not in listing and "Asha" not in listing
    change = client.get(f"/admin/accounts/user/{clerk.pk}/change/")
    assert change.status_code == 200 and "9812345678" not in change.content.decode()
    # A citizen's page does not exist here (the admin sends you back to its index).
    assert client.get(f"/admin/accounts/user/{citizen.pk}/change/").status_code == 302
    assert client.get("/admin/accounts/user/", {"q": "9876543210"}).context["cl"].result_count == 0
    assert client.get("/admin/accounts/user/", {"q": "clerk"}).context["cl"].result_count == 1
    add = client.get("/admin/accounts/user/add/").content.decode()
    assert 'value="citizen"' not in add


@pytest.mark.django_db
def test_the_admin_needs_a_verified_second_factor(state_admin, himcare_officer, login_as):
    unverified = Client()
    force_login_without_second_factor(unverified, state_admin)
    response = unverified.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/login/second-factor/"

    from himswasthya.accounts.admin_site import HimAdminSite

    request = RequestFactory().get("/admin/")
    request.user = state_admin
    state_admin.is_verified = lambda: False
    assert not admin.site.has_permission(request) and isinstance(admin.site, HimAdminSite)
    state_admin.is_verified = lambda: True
    assert admin.site.has_permission(request)

    assert login_as(state_admin).get("/admin/").status_code == 200
    # A verified officer who is not admin staff is sent to sign in as someone who is.
    response = login_as(himcare_officer).get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_the_admin_login_form_is_the_staff_login(client, state_admin):
    response = client.get("/admin/login/", {"next": "/admin/accounts/user/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    response = client.post("/admin/login/", {"username": "state_admin", "password": PERSONA_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_the_lockout_holds_on_every_login_path(client, state_admin, settings):
    """The probe of issue #10: locked on /login/, 20 wrong passwords on /admin/login/, then the right one."""
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/login/", {"username": "state_admin", "password": "Wrong#Password1"})
    for _ in range(20):
        client.post("/admin/login/", {"username": "state_admin", "password": "Wrong#Password1"})
    client.post("/admin/login/", {"username": "state_admin", "password": PERSONA_PASSWORD})
    assert SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 302

    # Every authenticate() obeys the lockout: the backend replaces ModelBackend.
    assert authenticate(username="state_admin", password=PERSONA_PASSWORD) is None
    assert Client().login(username="state_admin", password=PERSONA_PASSWORD) is False
    response = client.post("/login/", {"username": "state_admin", "password": PERSONA_PASSWORD})
    assert response.status_code == 200 and SESSION_KEY not in client.session

    failed = AuditEntry.objects.filter(action="auth.login_failed").order_by("pk")
    reasons = [e.detail["reason"] for e in failed]
    assert reasons[: settings.LOGIN_MAX_FAILURES] == ["bad_credentials"] * settings.LOGIN_MAX_FAILURES
    assert reasons[settings.LOGIN_MAX_FAILURES :] == ["locked_out"] * 3
    assert not AuditEntry.objects.filter(action="auth.login").exists()


@pytest.mark.django_db
def test_a_wrong_password_anywhere_counts_and_is_audited(state_admin, settings):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    settings.LOGIN_MAX_FAILURES = 2
    assert authenticate(username="state_admin", password="Wrong#Password1") is None
    assert Client().login(username="state_admin", password="Wrong#Password1") is False
    assert authenticate(username="state_admin", password=PERSONA_PASSWORD) is None  # now locked
    reasons = list(
        AuditEntry.objects.filter(action="auth.login_failed").order_by("pk").values_list("detail", flat=True)
    )
    assert [r["reason"] for r in reasons] == ["bad_credentials", "bad_credentials", "locked_out"]


@pytest.mark.django_db
def test_an_admin_sign_in_through_the_staff_login_reaches_the_admin_and_is_audited(client, state_admin):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    device = verified_device(state_admin)
    response = client.post(
        "/login/", {"username": "state_admin", "password": PERSONA_PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == "/login/second-factor/"
    response = client.post("/login/second-factor/", {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["auth.login", "auth.mfa_verified"]


@pytest.mark.django_db
def test_signing_out_of_the_admin_is_audited(login_as, state_admin):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    client = login_as(state_admin)
    assert client.post("/admin/logout/").status_code == 302
    assert SESSION_KEY not in client.session
    assert AuditEntry.objects.filter(action="auth.logout", actor=state_admin).exists()


@pytest.mark.django_db
def test_createsuperuser_makes_a_state_administrator_who_can_sign_in(client):
    User = apps.get_model("accounts", "User")
    User.objects.create_superuser("root-admin", "root@example.org", PERSONA_PASSWORD)
    response = client.post("/login/", {"username": "root-admin", "password": PERSONA_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/login/second-factor/"
    assert User.objects.get(username="root-admin").role == "state_admin"


@pytest.mark.django_db
def test_the_admin_never_shows_an_authenticator_key(login_as, state_admin):
    device = verified_device(state_admin)
    client = login_as(state_admin)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page
