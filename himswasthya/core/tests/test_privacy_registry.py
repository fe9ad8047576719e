"""SEC-1: every field that looks personal has a declared purpose and lawful basis (core/privacy.py)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps

from himswasthya.core.privacy import (
    LegalBasis,
    PersonalData,
    check_all,
    check_model,
    project_models,
    register,
)

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent


def test_every_personal_field_of_every_project_model_has_purpose_and_basis():
    problems = list(check_all())
    assert not problems, "\n".join(str(p) for p in problems)


def test_the_walk_covers_the_project_apps_and_not_django():
    labels = {m._meta.label for m in project_models()}
    assert {"people.Person", "people.PersonIdentifier", "accounts.User", "audit.AuditEntry"} <= labels
    assert not any(label.startswith(("auth.", "sessions.", "contenttypes.")) for label in labels)


@isolate_apps("himswasthya.core")
def test_an_undeclared_personal_field_is_caught():
    class Patient(models.Model):  # noqa: DJ008
        mobile = models.CharField(max_length=10)
        patient_name = models.CharField(max_length=100)
        visits = models.PositiveIntegerField()

    assert {p.field for p in check_model(Patient)} == {"mobile", "patient_name"}


@isolate_apps("himswasthya.core")
def test_declared_and_exempt_fields_pass_and_typos_are_caught():
    class Clinic(models.Model):  # noqa: DJ008
        personal_data = {
            "mobile": PersonalData(purposes=("contact",), basis=LegalBasis.STATE_SERVICE_7B),
            "mobil": PersonalData(purposes=("contact",), basis=LegalBasis.STATE_SERVICE_7B),
        }
        personal_data_exempt = {"name": "a clinic's name", "email": ""}
        mobile = models.CharField(max_length=10)
        name = models.CharField(max_length=100)
        email = models.EmailField()

    problems = {(p.field, p.reason) for p in check_model(Clinic)}
    assert problems == {("mobil", "declared but no such field"), ("email", "exempt without a reason")}


@isolate_apps("himswasthya.core")
def test_a_model_holding_personal_data_must_declare_it():
    class Note(models.Model):  # noqa: DJ008
        holds_personal_data = True
        text = models.TextField()

    assert [p.field for p in check_model(Note)] == ["*"]


@isolate_apps("himswasthya.core")
def test_relations_to_people_and_users_and_identifier_values_look_personal():
    class ThingIdentifier(models.Model):  # noqa: DJ008
        value = models.CharField(max_length=20)
        subject = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
        clerk = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")

    assert {p.field for p in check_model(ThingIdentifier)} == {"value", "subject", "clerk"}


def test_a_declaration_needs_a_known_purpose_and_a_basis():
    with pytest.raises(ValueError):
        PersonalData(purposes=("marketing",), basis=LegalBasis.CONSENT_6)
    with pytest.raises(ValueError):
        PersonalData(purposes=(), basis=LegalBasis.CONSENT_6)
    with pytest.raises(ValueError):
        PersonalData(purposes=("contact",), basis="because")


def test_the_register_lists_the_people_fields_with_their_basis():
    rows = {(r.model, r.field): r for r in register()}
    mobile = rows[("people.Person", "mobile")]
    assert mobile.basis == LegalBasis.STATE_SERVICE_7B and "contact" in mobile.purposes
    assert ("people.PersonIdentifier", "value") in rows
    assert ("audit.AuditEntry", "ip") in rows
    assert ("facilities.Facility", "phone") not in rows  # exempt: the facility's public number


def _run_register(**options: str) -> str:
    """The command's output; it raises CommandError when any personal field is undeclared."""
    out = io.StringIO()
    call_command("personal_data_register", stdout=out, **options)
    return out.getvalue()


def test_the_management_command_prints_the_register():
    text = _run_register()
    assert "people.Person" in text and "mobile" in text and "s.7(b)" in text


def test_the_register_in_csv_and_hindi():
    text = _run_register(format="csv", language="hi")
    assert text.startswith("model,field,purposes,basis,note")
    assert "people.Person,mobile," in text
