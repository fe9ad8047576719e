"""The register of personal data (SEC-1, DPDP Act 2023): for every personal-data field, why we process it
and on which lawful basis.

A model declares its personal-data fields as a class attribute, and notes the fields that only look personal:

    class Person(models.Model):
        personal_data = {
            "mobile": PersonalData(purposes=("registration", "contact"), basis=LegalBasis.STATE_SERVICE_7B),
        }
        personal_data_exempt = {"is_synthetic": "a flag, not about a person"}

`core/tests/test_privacy_registry.py` walks every model of the project and fails for a field that looks
personal (`looks_personal`) and is neither declared nor exempt, and for a model that says
`holds_personal_data = True` without declarations. `manage.py personal_data_register` prints the register for
the privacy notice and the state legal cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PROJECT_PACKAGE = "himswasthya."


class LegalBasis(models.TextChoices):
    """Section 6 (consent) or a legitimate use of section 7 of the DPDP Act, 2023."""

    CONSENT_6 = "s6_consent", _("Consent (s.6)")
    STATE_SERVICE_7B = (
        "s7b_state_service",
        _("State benefit, subsidy, service, licence or certificate (s.7(b))"),
    )
    FUNCTION_UNDER_LAW_7C = "s7c_function_under_law", _("Function of the State under law (s.7(c))")
    MEDICAL_EMERGENCY_7F = "s7f_medical_emergency", _("Medical emergency (s.7(f))")
    EPIDEMIC_7G = "s7g_epidemic", _("Epidemic or threat to public health (s.7(g))")


# Every purpose a field may be declared for. Audit entries use the same codes (people.services.PURPOSES is a
# subset), so an access can be traced to a declared purpose.
PURPOSES: dict[str, Any] = {
    "registration": _("Registering the person and keeping one record per person"),
    "opd_registration": _("Registering the patient for an OPD visit"),
    "identification": _("Identifying the person at a facility and finding their record"),
    "contact": _("Contacting the person (appointments, OTP, notices)"),
    "treatment": _("Treatment and health services"),
    "abha_linking": _("Linking the ABHA (national health id) to the record"),
    "health_information_exchange": _("Sharing health records through ABDM on the patient's consent"),
    "himcare_enrolment": _("HIMCARE enrolment and scheme eligibility"),
    "himcare_claims": _("HIMCARE pre-authorisation, treatment records and claims"),
    "misuse_detection": _("Detecting misuse of the HIMCARE scheme"),
    "family_register": _("Keeping the Him Parivar family register"),
    "guardian_consent": _("Verifiable consent of a parent or guardian for a child"),
    "data_quality": _("Correcting duplicate or wrong records"),
    "login": _("Signing in and securing the account"),
    "accountability": _("Recording who did what, for audit and investigation"),
    "security": _("Protecting the service from misuse"),
    "abdm_testing": _("Simulating the national ABDM service for tests and demonstrations"),
}


@dataclass(frozen=True)
class PersonalData:
    """Why a field is processed (`purposes`, codes of PURPOSES) and the lawful basis for it."""

    purposes: tuple[str, ...]
    basis: LegalBasis
    note: str = ""

    def __post_init__(self) -> None:
        unknown = [p for p in self.purposes if p not in PURPOSES]
        if not self.purposes or unknown:
            raise ValueError(f"PersonalData needs known purposes, got {self.purposes!r}")
        if self.basis not in LegalBasis.values:
            raise ValueError(f"PersonalData needs a LegalBasis, got {self.basis!r}")


# Shared declarations for the fields many models have.
STAFF_ACTION = PersonalData(
    purposes=("accountability",),
    basis=LegalBasis.FUNCTION_UNDER_LAW_7C,
    note="the member of staff who did or decided something",
)
PERSON_LINK = PersonalData(
    purposes=("registration", "identification"),
    basis=LegalBasis.STATE_SERVICE_7B,
    note="links the row to a person of the patient index",
)

# The bilingual name columns of places, facilities and departments (core.models.BilingualNameModel).
NAMES_OF_PLACES = dict.fromkeys(
    ("name", "name_hi", "name_hi_machine"), "the name of a place or institution, not of a person"
)

# --- the heuristic -----------------------------------------------------------------------------------------
# A field looks personal when its name, split at underscores, holds one of these words (e.g. "mobile",
# "profile_mobile_masked", "name_roman") or one of these phrases (e.g. "date_of_birth", "aadhaar_last4"),
# when it is the `value` of an identifier model (a model whose name ends in "Identifier"), or when it is a
# relation to a person (people.Person) or to a user account (staff and citizens are people too).
# Over-matching is cheap: a field that only looks personal (a place's name, a file name) gets a one-line
# `personal_data_exempt` note saying why it is not.
PERSONAL_WORDS = frozenset(
    {
        "name",
        "mobile",
        "phone",
        "email",
        "dob",
        "sex",
        "gender",
        "address",
        "pincode",
        "aadhaar",
        "abha",
        "photo",
        "ip",
        "signature",
        "fingerprint",
        "biometric",
        "religion",
        "caste",
    }
)
PERSONAL_PHRASES = (
    "date_of_birth",
    "year_of_birth",
    "month_of_birth",
    "day_of_birth",
    "date_of_death",
    "ration_card",
    "given_name",
    "family_name",
    "first_name",
    "last_name",
)
PERSON_MODELS = ("people.Person",)


def _words(name: str) -> set[str]:
    return set(re.split(r"_+", name.lower()))


def looks_personal(model: type[models.Model], field: models.Field) -> bool:
    name = field.name
    if _words(name) & PERSONAL_WORDS or any(phrase in name for phrase in PERSONAL_PHRASES):
        return True
    if name == "value" and model.__name__.endswith("Identifier"):
        return True
    related = field.related_model if field.is_relation else None
    if related is None:
        return False
    # A lazy reference ("people.Person") stays a string until its app is loaded.
    label = (related if isinstance(related, str) else related._meta.label).lower()
    return label in {m.lower() for m in (*PERSON_MODELS, settings.AUTH_USER_MODEL)}


# --- walking the models ------------------------------------------------------------------------------------
def project_models() -> list[type[models.Model]]:
    """The concrete models of the project's own apps (not Django's)."""
    return [m for m in apps.get_models() if m.__module__.startswith(PROJECT_PACKAGE)]


def model_fields(model: type[models.Model]) -> list[models.Field]:
    """Concrete fields and forward relations, not the automatic primary key."""
    return [f for f in model._meta.concrete_fields if not (f.primary_key and f.auto_created)] + list(
        model._meta.many_to_many
    )


def declarations(model: type[models.Model]) -> dict[str, PersonalData]:
    return dict(getattr(model, "personal_data", None) or {})


def exemptions(model: type[models.Model]) -> dict[str, str]:
    return dict(getattr(model, "personal_data_exempt", None) or {})


@dataclass(frozen=True)
class Problem:
    model: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.model}.{self.field}: {self.reason}"


def check_model(model: type[models.Model]) -> list[Problem]:
    """Everything wrong with one model's declarations (an empty list when it is in order)."""
    label = model._meta.label
    declared, exempt = declarations(model), exemptions(model)
    names = {f.name for f in model_fields(model)}
    problems = [
        Problem(label, name, "declared but no such field")
        for name in [*declared, *exempt]
        if name not in names
    ]
    problems += [Problem(label, name, "both declared and exempt") for name in declared if name in exempt]
    problems += [
        Problem(label, name, "exempt without a reason")
        for name, why in exempt.items()
        if not str(why).strip()
    ]
    problems += [
        Problem(label, name, "declaration is not a PersonalData")
        for name, item in declared.items()
        if not isinstance(item, PersonalData)
    ]
    if getattr(model, "holds_personal_data", False) and not declared:
        problems.append(Problem(label, "*", "holds_personal_data = True but no personal_data declared"))
    for field in model_fields(model):
        if field.name in declared or field.name in exempt:
            continue
        if looks_personal(model, field):
            problems.append(
                Problem(label, field.name, "looks like personal data: declare its purposes and basis")
            )
    return problems


def check_all(models_: list[type[models.Model]] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    for model in models_ if models_ is not None else project_models():
        problems += check_model(model)
    return problems


@dataclass(frozen=True)
class RegisterRow:
    model: str
    model_name: str
    field: str
    field_name: str
    purposes: tuple[str, ...]
    basis: str
    note: str

    def purpose_labels(self) -> list[str]:
        return [str(PURPOSES[p]) for p in self.purposes]

    def basis_label(self) -> str:
        return str(LegalBasis(self.basis).label)


def register() -> Iterator[RegisterRow]:
    """One row per declared personal-data field of the project, ordered by model and field."""
    for model in sorted(project_models(), key=lambda m: m._meta.label):
        fields = {f.name: f for f in model_fields(model)}
        for name, item in declarations(model).items():
            field = fields.get(name)
            yield RegisterRow(
                model=model._meta.label,
                model_name=str(model._meta.verbose_name),
                field=name,
                field_name=str(field.verbose_name) if field is not None else name,
                purposes=item.purposes,
                basis=str(item.basis),
                note=item.note,
            )
