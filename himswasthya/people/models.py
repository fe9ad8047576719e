"""Master patient index: one Person per human being, with the identifiers other systems know them by.

Issue #3 builds search and duplicate handling on top; this module keeps the record and its invariants.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.core.crypto import IDENTIFIER_CONTEXT, IDENTIFIER_TYPES_ENCRYPTED, EncryptedWhenCharField
from himswasthya.core.fields import cascade_fk, protected_fk, user_reference
from himswasthya.core.privacy import PERSON_LINK, STAFF_ACTION, LegalBasis, PersonalData
from himswasthya.core.scope_paths import ScopePaths
from himswasthya.core.validators import normalise_abha_number, validate_aadhaar_last4
from himswasthya.places.models import District, GramPanchayat, place_link


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "O", _("Other")


class Person(models.Model):
    """A person known to the health system. Names are kept in Roman script and in Devanagari."""

    # For accounts.scoping: facility staff and district officers see the people of their district.
    # A citizen owns the persons of their own Him Parivar family: its living members (accounts.scoping's
    # family_person_ids, answered by the family register).
    scope_paths = ScopePaths(facility="district__facilities", district="district", family_person="pk")

    # SEC-1: what each personal-data field is for, and the lawful basis (core/privacy.py).
    holds_personal_data = True
    personal_data = {
        **dict.fromkeys(
            ("given_name", "family_name", "name_roman", "name_deva"),
            PersonalData(purposes=("registration", "identification"), basis=LegalBasis.STATE_SERVICE_7B),
        ),
        **dict.fromkeys(
            ("name_key", "name_deva_key", "name_blocks"),
            PersonalData(
                purposes=("identification", "data_quality"),
                basis=LegalBasis.STATE_SERVICE_7B,
                note="search keys derived from the name",
            ),
        ),
        **dict.fromkeys(
            ("sex", "date_of_birth", "year_of_birth"),
            PersonalData(
                purposes=("registration", "identification", "treatment"), basis=LegalBasis.STATE_SERVICE_7B
            ),
        ),
        "mobile": PersonalData(purposes=("registration", "contact"), basis=LegalBasis.STATE_SERVICE_7B),
        **dict.fromkeys(
            ("gram_panchayat", "district"),
            PersonalData(
                purposes=("registration", "identification"),
                basis=LegalBasis.STATE_SERVICE_7B,
                note="address at gram panchayat / district level",
            ),
        ),
        "merged_into": PersonalData(purposes=("data_quality",), basis=LegalBasis.STATE_SERVICE_7B),
    }
    personal_data_exempt = dict.fromkeys(
        ("name_roman_machine", "name_deva_machine"), "whether a name was transliterated by machine"
    )

    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    name_roman = models.CharField(_("full name (Roman)"), max_length=200)
    name_deva = models.CharField(_("full name (Devanagari)"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # Always known, at least as declared: many older residents only know their year of birth.
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"))
    mobile = models.CharField(_("mobile"), max_length=10, null=True, blank=True)
    # Null for urban residents (ward of an urban local body), which the register will add.
    gram_panchayat = place_link(GramPanchayat, "people", optional=True)
    # Denormalised from the gram panchayat: scoping and partitioning by district without a join.
    district = place_link(District, "people")
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated for demonstration; not a real person.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A name in the other script made by transliteration, not typed or checked by a person.
    name_roman_machine = models.BooleanField(
        _("Roman name is machine transliterated"), default=False, db_default=False
    )
    name_deva_machine = models.BooleanField(
        _("Devanagari name is machine transliterated"), default=False, db_default=False
    )
    # Search keys (people/phonetic.py), filled by save() and by bulk writers through `search_keys()`.
    # DB defaults keep writers that list their columns explicitly (COPY) working; the keys are then empty
    # until `manage.py fill_search_keys` runs.
    name_key = models.CharField(
        _("name search key"), max_length=200, blank=True, default="", db_default="", editable=False
    )
    name_deva_key = models.CharField(
        _("Devanagari name search key"), max_length=200, blank=True, default="", db_default="", editable=False
    )
    name_blocks = models.CharField(
        _("name blocking key"), max_length=200, blank=True, default="", db_default="", editable=False
    )
    # A duplicate merged into another person is kept (for undo and for the audit trail), never deleted.
    merged_into = protected_fk(
        "self", related_name="merged_people", verbose_name=_("merged into"), optional=True
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["mobile"], name="person_mobile_idx"),
            models.Index(fields=["family_name", "given_name"], name="person_name_idx"),
            models.Index(fields=["district", "sex"], name="person_district_sex_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(sex__in=["M", "F", "O"]), name="person_sex_valid"),
            models.CheckConstraint(
                condition=models.Q(year_of_birth__gte=1880, year_of_birth__lte=2100),
                name="person_year_of_birth_range",
            ),
            models.CheckConstraint(
                condition=models.Q(mobile__isnull=True) | models.Q(mobile__regex=r"^[6-9][0-9]{9}$"),
                name="person_mobile_ten_digits",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")), name="person_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.name_roman

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_search_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name_roman", "name_deva"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, *DERIVED_PERSON_FIELDS}
        super().save(*args, **kwargs)

    def fill_search_keys(self) -> None:
        for name, value in derived_person_columns(self.name_roman, self.name_deva).items():
            setattr(self, name, value)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    def age(self, on: datetime.date | None = None) -> int:
        """Completed years on `on` (today by default); from the year of birth when the date is unknown."""
        on = on or timezone.localdate()
        if self.date_of_birth:
            dob = self.date_of_birth
            return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
        return on.year - self.year_of_birth


def person_scope(person: str = "person", **paths: Any) -> ScopePaths:
    """Scope paths of a row about a person, reached through the link `person`: the staff of the facilities
    of the person's district and its district officer see it, as they see the person (Person.scope_paths);
    `paths` adds owners."""
    return ScopePaths(facility=f"{person}__district__facilities", district=f"{person}__district", **paths)


# What Person.save() derives from a person's own columns before writing: the search keys (people/phonetic.py).
DERIVED_PERSON_FIELDS = ("name_key", "name_deva_key", "name_blocks")


def derived_person_columns(name_roman: str, name_deva: str) -> dict[str, str]:
    """The columns Person.save() derives (DERIVED_PERSON_FIELDS), from the names. The one implementation:
    save() and every bulk writer (through `person_row`) use it."""
    from himswasthya.people.phonetic import search_keys

    return search_keys(name_roman or "", name_deva or "")


# Bulk writers see the same names again and again (families share surnames; transliteration is the cost).
_derived_person_columns_cached = functools.lru_cache(maxsize=200_000)(derived_person_columns)


def person_row(row: dict[str, Any]) -> dict[str, Any]:
    """A Person row (a dict by column) exactly as save() would write it: its derived columns recomputed from
    its names. Every writer that bypasses save() - COPY, executemany, bulk_create, bulk_update, raw UPDATE -
    passes its Person rows through this (himparivar/bulk.py `prepare_rows` does for the register import and
    the demo population); `people/tests/test_bulk_person.py` checks the result equals a saved Person."""
    derived = _derived_person_columns_cached(row.get("name_roman") or "", row.get("name_deva") or "")
    # Derived columns always last: raw writers take the column order of a batch from its first row.
    return {**{k: v for k, v in row.items() if k not in derived}, **derived}


class IdentifierType(models.TextChoices):
    ABHA_NUMBER = "ABHA_NUMBER", _("ABHA number")
    ABHA_ADDRESS = "ABHA_ADDRESS", _("ABHA address")
    UHID = "UHID", _("Hospital UHID")
    HIM_PARIVAR_MEMBER = "HIM_PARIVAR_MEMBER", _("Him Parivar member id")
    RATION_CARD = "RATION_CARD", _("Ration card number")
    AADHAAR_LAST4 = "AADHAAR_LAST4", _("Aadhaar (last four digits)")


# One person per value for these kinds; ration cards are shared by a family, Aadhaar last four by many.
UNIQUE_IDENTIFIER_TYPES = [
    IdentifierType.ABHA_NUMBER,
    IdentifierType.ABHA_ADDRESS,
    IdentifierType.UHID,
    IdentifierType.HIM_PARIVAR_MEMBER,
]


# What core/crypto.py makes of a 4-character plaintext (see the Aadhaar constraint below).
SEALED_FOUR_CHARACTERS = r"^enc:v1:[0-9a-f]{8}:[A-Za-z0-9_-]{43}$"

# SEC-30: never searched, so sealed at rest (core/crypto.py); the searched kinds above stay plain and indexed.
ENCRYPTED_IDENTIFIER_TYPES = [IdentifierType(kind) for kind in IDENTIFIER_TYPES_ENCRYPTED]


class PersonIdentifier(models.Model):
    """An identifier of a person in another system. Never a full Aadhaar number: only its last four digits.

    Aadhaar last four and ration card numbers are encrypted in the row and read back as plain text; they
    cannot be filtered by value. Plain values of those kinds (older rows, bulk writers) read as they are."""

    scope_paths = person_scope()

    holds_personal_data = True
    personal_data = {
        "person": PERSON_LINK,
        "value": PersonalData(
            purposes=("identification", "registration", "abha_linking", "himcare_enrolment"),
            basis=LegalBasis.STATE_SERVICE_7B,
            note="ABHA number/address, UHID, Him Parivar member id (plain, searched); "
            "ration card and Aadhaar last four (encrypted)",
        ),
    }

    person = cascade_fk(Person, related_name="identifiers", verbose_name=_("person"))
    id_type = models.CharField(_("identifier type"), max_length=20, choices=IdentifierType.choices)
    # Stored normalised: ABHA number as 14 digits, ABHA address in lower case. Room for the sealed form.
    value = EncryptedWhenCharField(
        _("value"),
        max_length=160,
        kind_field="id_type",
        encrypted_kinds=IDENTIFIER_TYPES_ENCRYPTED,
        context=IDENTIFIER_CONTEXT,
    )
    issuer = models.CharField(
        _("issuer"), max_length=100, blank=True, help_text=_("e.g. NHA, a hospital's HFR id")
    )
    verified = models.BooleanField(_("verified"), default=False)
    source = models.CharField(_("source"), max_length=30, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("person identifier")
        verbose_name_plural = _("person identifiers")
        indexes = [models.Index(fields=["id_type", "value"], name="personid_type_value_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "value"],
                condition=models.Q(id_type__in=UNIQUE_IDENTIFIER_TYPES),
                name="personid_unique_kinds",
            ),
            models.CheckConstraint(
                # Plain: four digits. Sealed: AES-GCM keeps the length, so only a 4-character plaintext gives
                # 43 base64 characters (12 nonce + 4 + 16 tag bytes): a full Aadhaar is refused either way.
                condition=~models.Q(id_type="AADHAAR_LAST4")
                | models.Q(value__regex=r"^[0-9]{4}$")
                | models.Q(value__regex=SEALED_FOUR_CHARACTERS),
                name="personid_aadhaar_last4_only",
            ),
            models.CheckConstraint(
                condition=~models.Q(id_type="ABHA_NUMBER") | models.Q(value__regex=r"^[0-9]{14}$"),
                name="personid_abha_number_14_digits",
            ),
            # One state-wide UHID per person (people/uhid.py); hospital UHIDs (other issuers) are not limited.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(id_type="UHID", issuer="HimSwasthya", source="issued"),
                name="personid_one_state_uhid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_id_type_display()}: {self.value}"

    def clean(self) -> None:
        if self.id_type == IdentifierType.AADHAAR_LAST4:
            validate_aadhaar_last4(self.value)
        elif self.id_type == IdentifierType.ABHA_NUMBER:
            self.value = normalise_abha_number(self.value)
        elif self.id_type == IdentifierType.ABHA_ADDRESS:
            self.value = self.value.strip().lower()


class UhidCounter(models.Model):
    """The running number of the state UHID per issuing district; locked with SELECT ... FOR UPDATE."""

    district_code = models.PositiveSmallIntegerField(_("district LGD code"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("UHID counter")
        verbose_name_plural = _("UHID counters")

    def __str__(self) -> str:
        return f"{self.district_code}: {self.last_number}"


class PersonMerge(models.Model):
    """A duplicate merged into a survivor, with the snapshot needed to undo it."""

    scope_paths = person_scope("survivor")

    personal_data = {
        "survivor": PERSON_LINK,
        "duplicate": PERSON_LINK,
        "actor": STAFF_ACTION,
        "undone_by": STAFF_ACTION,
        "snapshot": PersonalData(
            purposes=("data_quality",), basis=LegalBasis.STATE_SERVICE_7B, note="ids of the records moved"
        ),
    }

    survivor = protected_fk(Person, related_name="merges_kept", verbose_name=_("surviving person"))
    duplicate = protected_fk(Person, related_name="merges_absorbed", verbose_name=_("duplicate person"))
    actor = user_reference(_("merged by"), optional=False)
    reason = models.CharField(_("reason"), max_length=300)
    snapshot = models.JSONField(_("snapshot for undo"), default=dict)
    created_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = user_reference(_("undone by"))

    class Meta:
        verbose_name = _("merge of people")
        verbose_name_plural = _("merges of people")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(survivor=models.F("duplicate")), name="personmerge_two_people"
            ),
            # A person is merged away at most once at a time.
            models.UniqueConstraint(
                fields=["duplicate"], condition=models.Q(undone_at__isnull=True), name="personmerge_one_live"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id} -> {self.survivor_id}"


class GuardianRelation(models.TextChoices):
    MOTHER = "MOTHER", _("Mother")
    FATHER = "FATHER", _("Father")
    LEGAL_GUARDIAN = "GUARDIAN", _("Lawful guardian")


class GuardianVerification(models.TextChoices):
    HIM_PARIVAR_MEMBER = "HIM_PARIVAR_MEMBER", _("Him Parivar member id held for the guardian")
    ABHA = "ABHA", _("Verified ABHA held for the guardian")
    MOBILE_OTP = "MOBILE_OTP", _("Guardian's mobile verified by OTP")
    NONE = "NONE", _("Not verified (exempt purpose)")


class MinorBasis(models.TextChoices):
    """SEC-5 (DPDP s.9, Rule 10, Fourth Schedule): why a child's data may be processed."""

    GUARDIAN_CONSENT = "GUARDIAN_CONSENT", _("Verifiable consent of a parent or lawful guardian (s.9)")
    HEALTH_SERVICES = (
        "HEALTH_SERVICES",
        _(
            "Exempt: health services to the child by a clinical establishment or health professional "
            "(Fourth Schedule)"
        ),
    )


class PersonGuardian(models.Model):
    """How a child (under 18) came to be registered: through a verified adult guardian, or under the Fourth
    Schedule exemption for health services (then the guardian may be unknown)."""

    scope_paths = person_scope("child")

    holds_personal_data = True
    personal_data = {
        "child": PERSON_LINK,
        "guardian": PersonalData(purposes=("guardian_consent",), basis=LegalBasis.FUNCTION_UNDER_LAW_7C),
        "relation": PersonalData(purposes=("guardian_consent",), basis=LegalBasis.FUNCTION_UNDER_LAW_7C),
        "recorded_by": STAFF_ACTION,
    }

    child = protected_fk(Person, related_name="guardians", verbose_name=_("child"))
    guardian = protected_fk(Person, related_name="wards", verbose_name=_("parent or guardian"), optional=True)
    relation = models.CharField(_("relation"), max_length=10, choices=GuardianRelation.choices, blank=True)
    verified_by = models.CharField(
        _("guardian verified by"), max_length=20, choices=GuardianVerification.choices
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=20, choices=MinorBasis.choices)
    purpose = models.CharField(_("purpose"), max_length=40)
    recorded_by = user_reference(_("recorded by"), optional=False)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("guardian of a child")
        verbose_name_plural = _("guardians of children")
        constraints = [
            # Consent needs a known guardian, verified, and a relation; only the exemption may go without.
            models.CheckConstraint(
                condition=models.Q(basis="HEALTH_SERVICES")
                | (
                    models.Q(guardian__isnull=False, verified_at__isnull=False)
                    & ~models.Q(verified_by="NONE")
                    & ~models.Q(relation="")
                ),
                name="personguardian_consent_verified",
            ),
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("child")), name="personguardian_not_self"
            ),
            models.UniqueConstraint(fields=["child", "guardian"], name="personguardian_once"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} <- {self.guardian_id or '-'} ({self.basis})"
