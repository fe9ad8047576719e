"""Issue #10 item 1 (SEC-26, SEC-29): the Django admin shows no personal data of citizens - a walk over every
app's admin (a project test; the admin's sign-in, lockout and second factor are tested in accounts)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.test import RequestFactory

from himswasthya.core.privacy import declarations, exemptions, looks_personal
from himswasthya.people.models import Person

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
