"""Issue #10 item 1 (SEC-15, SEC-26, SEC-29): the Django admin obeys the lockout and the second factor, and
shows no personal data of citizens."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import SESSION_KEY, authenticate
from django.db import models
from django.test import Client, RequestFactory

from himswasthya.accounts.tests.fixtures import (
    PERSONA_PASSWORD,
    force_login_without_second_factor,
    totp_code,
    verified_device,
)
from himswasthya.core.privacy import declarations, exemptions, looks_personal

# Personal-data fields the admin may show, and why. Anything else personal that gets registered fails below.
ALLOWED_IN_ADMIN = {
    ("accounts.User", "username"): "staff accounts only: UserAdmin lists no citizen",
    ("accounts.User", "first_name"): "staff accounts only: UserAdmin lists no citizen",
    ("accounts.User", "last_name"): "staff accounts only: UserAdmin lists no citizen",
    ("accounts.User", "email"): "staff accounts only: UserAdmin lists no citizen",
    ("himparivar.ImportRun", "started_by"): "the member of staff who ran an import",
    ("otp_totp.TOTPDevice", "user"): "the member of staff an authenticator belongs to (reset a lost phone)",
    ("otp_totp.TOTPDevice", "name"): "the label of an authenticator device",
    ("auth.Group", "name"): "the name of a permission group",
}


def _names(values) -> set[str]:
    """Model field names out of list_display / search_fields / list_filter style entries."""
    names = set()
    for value in values or ():
        if isinstance(value, (tuple, list)):
            value = value[0]
        if isinstance(value, str):
            names.add(value.lstrip("^=@").split("__")[0])
    return names


def _shown_fields(model_admin, request) -> set[str]:
    model = model_admin.model
    shown = set()
    for obj in (None, model()):
        shown |= set(flatten_fieldsets(model_admin.get_fieldsets(request, obj)))
        shown |= set(model_admin.get_readonly_fields(request, obj))
    shown |= _names(model_admin.get_list_display(request))
    shown |= _names(model_admin.get_search_fields(request))
    shown |= _names(model_admin.get_list_filter(request))
    shown |= set(model_admin.raw_id_fields) | set(model_admin.autocomplete_fields)
    return shown


def _personal(model: type[models.Model], names: set[str]) -> set[str]:
    """Declared in the personal-data register, or looking personal (core/privacy.py) and not exempt there."""
    declared, exempt = declarations(model), exemptions(model)
    fields = {f.name: f for f in [*model._meta.concrete_fields, *model._meta.many_to_many]}
    return {
        n
        for n in names
        if n in declared or (n in fields and n not in exempt and looks_personal(model, fields[n]))
    }


@pytest.mark.django_db
def test_no_model_in_the_admin_shows_personal_data(state_admin):
    request = RequestFactory().get("/admin/")
    request.user = state_admin
    problems = []
    for model, model_admin in admin.site._registry.items():
        checks = [(model, _shown_fields(model_admin, request))]
        for inline in model_admin.get_inline_instances(request):
            fields = set(flatten_fieldsets(inline.get_fieldsets(request))) | set(inline.readonly_fields)
            checks.append((inline.model, fields))
        for checked, shown in checks:
            label = checked._meta.label
            problems += [
                f"{label}.{name}"
                for name in sorted(_personal(checked, shown))
                if (label, name) not in ALLOWED_IN_ADMIN
            ]
    assert problems == [], "personal data in the admin: " + ", ".join(problems)


def test_the_check_catches_a_person_admin():
    """The walk above would have failed before issue #10 (people.Person was registered)."""
    Person = apps.get_model("people", "Person")
    assert {"name_roman", "year_of_birth"} <= _personal(Person, {"name_roman", "year_of_birth", "sex", "id"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/people/person/",
        "/admin/people/person/1/change/",
        "/admin/people/personidentifier/",
        "/admin/people/personmerge/",
        "/admin/himparivar/family/",
        "/admin/himparivar/member/",
        "/admin/himparivar/simulatedchange/",
        "/admin/abdm/simulatedabhaaccount/",
        "/admin/abdm/simulatedgatewaycall/",
        "/admin/abdm/abhalink/",
    ],
)
def test_personal_data_pages_are_gone_from_the_admin(login_as, state_admin, url):
    assert login_as(state_admin).get(url).status_code == 404


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
