"""Users and roles. Staff are scoped to a facility or a district; citizens log in by mobile OTP."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.core.fields import protected_fk
from himswasthya.core.privacy import LegalBasis, PersonalData
from himswasthya.core.scope_paths import ScopePaths
from himswasthya.places.models import District, place_link


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    REGISTRATION_CLERK = "clerk", _("Registration clerk")
    DOCTOR = "doctor", _("Doctor")
    FACILITY_ADMIN = "facility_admin", _("Facility administrator")
    # The hospital HIMCARE desk (Arogya Mitra): verifies beneficiaries, raises pre-authorisations and claims.
    SCHEME_DESK = "scheme_desk", _("Hospital scheme desk")
    HIMCARE_OFFICER = "himcare_officer", _("HIMCARE officer")
    GRIEVANCE_OFFICER = "grievance_officer", _("Grievance officer")
    DISTRICT_OFFICER = "district_officer", _("District health officer")
    STATE_ADMIN = "state_admin", _("State administrator")


FACILITY_ROLES = {Role.REGISTRATION_CLERK, Role.DOCTOR, Role.FACILITY_ADMIN, Role.SCHEME_DESK}
DISTRICT_ROLES = {Role.DISTRICT_OFFICER}
STATE_ROLES = {Role.HIMCARE_OFFICER, Role.GRIEVANCE_OFFICER, Role.STATE_ADMIN}
STAFF_ROLES = FACILITY_ROLES | DISTRICT_ROLES | STATE_ROLES


class StaffAwareUserManager(UserManager):
    """`manage.py createsuperuser` makes a state administrator: a citizen never signs in by password, and the
    admin lists staff only. The second factor is enrolled at the first sign-in (accounts/mfa.py)."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):  # noqa: ANN001, ANN201
        extra_fields.setdefault("role", Role.STATE_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    # SEC-1 register (core/privacy.py).
    holds_personal_data = True
    personal_data = {
        **dict.fromkeys(
            ("username", "first_name", "last_name"),
            PersonalData(purposes=("login", "accountability"), basis=LegalBasis.STATE_SERVICE_7B),
        ),
        "email": PersonalData(purposes=("contact", "login"), basis=LegalBasis.STATE_SERVICE_7B),
        "mobile": PersonalData(purposes=("login", "contact"), basis=LegalBasis.STATE_SERVICE_7B),
        "language": PersonalData(purposes=("contact",), basis=LegalBasis.STATE_SERVICE_7B),
    }

    objects: ClassVar[StaffAwareUserManager] = StaffAwareUserManager()  # type: ignore[assignment]

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    mobile = models.CharField(_("mobile"), max_length=10, blank=True, null=True, unique=True)
    # Where a staff member works. Facility roles need `facility`, district roles need `district`;
    # a HIMCARE or grievance officer may optionally be narrowed to one district.
    facility = protected_fk(
        "facilities.Facility", related_name="staff", verbose_name=_("facility"), optional=True
    )
    district = place_link(District, "staff", optional=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    # SEC-15: one live session per user. Set by sign-in; a request from any other session is signed out.
    current_session_key = models.CharField(_("current session"), max_length=40, blank=True, editable=False)
    # The language a citizen last chose on the site ("" = never chose): their SMS go in it (languages.py).
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, blank=True, default="", editable=False
    )

    # Staff are visible to their facility's admin, their district's officer and the state administrator.
    scope_paths = ScopePaths(facility="facility", district=("facility__district", "district"), owner="pk")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["clerk", "doctor", "facility_admin"])
                | models.Q(facility__isnull=False),
                name="facility_staff_have_facility",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="district_officer") | models.Q(district__isnull=False),
                name="district_officer_has_district",
            ),
        ]

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        # SEC-23: the 90-day rotation clock starts whenever a password is set.
        self.password_changed_at = timezone.now()

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def password_expired(self, now: datetime | None = None) -> bool:
        """Staff passwords older than PASSWORD_MAX_AGE_DAYS must be changed (NIC policy, SEC-23)."""
        if self.is_citizen or not self.has_usable_password() or self.password_changed_at is None:
            return False
        age = (now or timezone.now()) - self.password_changed_at
        return age > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


class OtpPurpose(models.TextChoices):
    LOGIN = "login", _("Login")


class OtpChallenge(models.Model):
    """One OTP sent to one mobile. The code is kept only as an HMAC keyed by the server secret and this id."""

    personal_data = {  # SEC-1 register (core/privacy.py)
        "mobile": PersonalData(purposes=("login",), basis=LegalBasis.STATE_SERVICE_7B),
        "ip": PersonalData(purposes=("security",), basis=LegalBasis.FUNCTION_UNDER_LAW_7C),
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mobile = models.CharField(_("mobile"), max_length=10)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=OtpPurpose.choices, default=OtpPurpose.LOGIN
    )
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("OTP challenge")
        verbose_name_plural = _("OTP challenges")
        indexes = [models.Index(fields=["mobile", "purpose", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="otp_expires_after_creation"
            ),
        ]

    def __str__(self) -> str:
        return f"OTP challenge {self.id}"
