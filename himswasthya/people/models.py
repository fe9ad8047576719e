"""Master patient index: one Person per human being, with the identifiers other systems know them by.

Issue #3 builds search and duplicate handling on top; this module keeps the record and its invariants.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.scoping import ScopePaths
from himswasthya.core.validators import normalise_abha_number, validate_aadhaar_last4
from himswasthya.places.models import District, GramPanchayat


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "O", _("Other")


class Person(models.Model):
    """A person known to the health system. Names are kept in Roman script and in Devanagari."""

    # For accounts.scoping: facility staff and district officers see the people of their district.
    scope_paths = ScopePaths(facility="district__facilities", district="district")

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
    gram_panchayat = models.ForeignKey(
        GramPanchayat,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("gram panchayat"),
    )
    # Denormalised from the gram panchayat: scoping and partitioning by district without a join.
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="people", verbose_name=_("district")
    )
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated for demonstration; not a real person.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

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
        ]

    def __str__(self) -> str:
        return self.name_roman

    def age(self, on: datetime.date | None = None) -> int:
        """Completed years on `on` (today by default); from the year of birth when the date is unknown."""
        on = on or timezone.localdate()
        if self.date_of_birth:
            dob = self.date_of_birth
            return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
        return on.year - self.year_of_birth


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


class PersonIdentifier(models.Model):
    """An identifier of a person in another system. Never a full Aadhaar number: only its last four digits."""

    scope_paths = ScopePaths(facility="person__district__facilities", district="person__district")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="identifiers", verbose_name=_("person")
    )
    id_type = models.CharField(_("identifier type"), max_length=20, choices=IdentifierType.choices)
    # Stored normalised: ABHA number as 14 digits, ABHA address in lower case.
    value = models.CharField(_("value"), max_length=64)
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
                condition=~models.Q(id_type="AADHAAR_LAST4") | models.Q(value__regex=r"^[0-9]{4}$"),
                name="personid_aadhaar_last4_only",
            ),
            models.CheckConstraint(
                condition=~models.Q(id_type="ABHA_NUMBER") | models.Q(value__regex=r"^[0-9]{14}$"),
                name="personid_abha_number_14_digits",
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
