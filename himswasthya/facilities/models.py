"""Health facility registry: every government health institution, from medical colleges to sub-centres."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from himswasthya.core.fields import cascade_fk, protected_fk
from himswasthya.core.models import BilingualNameModel, TimeStampedModel
from himswasthya.core.privacy import NAMES_OF_PLACES
from himswasthya.core.scope_paths import ScopePaths
from himswasthya.places.models import Block, District, GramPanchayat, UrbanLocalBody, place_link


def facility_scope(facility: str = "facility", **paths: Any) -> ScopePaths:
    """Scope paths of a row kept at a facility, reached through the link `facility`: the facility's staff and
    the officer of its district see it (accounts.scoping); `paths` adds owners or state-wide roles."""
    return ScopePaths(facility=facility, district=f"{facility}__district", **paths)


class FacilityType(models.TextChoices):
    MEDICAL_COLLEGE = "MC", _("Medical college")
    ZONAL_HOSPITAL = "ZH", _("Zonal hospital")
    REGIONAL_HOSPITAL = "RH", _("Regional hospital")
    CIVIL_HOSPITAL = "CH", _("Civil hospital")
    CHC = "CHC", _("Community health centre")
    PHC = "PHC", _("Primary health centre")
    SUB_CENTRE = "SC", _("Sub-centre / Ayushman Arogya Mandir")
    # Empanelled for HIMCARE but not part of the state's network: private hospitals and institutions
    # outside Himachal (e.g. PGIMER Chandigarh for cancer care).
    OTHER_HOSPITAL = "HOSP", _("Other empanelled hospital")


class Department(BilingualNameModel):
    """A clinical department offered at facilities (general medicine, paediatrics, ...)."""

    personal_data_exempt = NAMES_OF_PLACES  # SEC-1 register (core/privacy.py)

    code = models.SlugField(_("code"), max_length=30, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class Ownership(models.TextChoices):
    GOVERNMENT = "GOVT", _("Government")
    PRIVATE = "PVT", _("Private")


class Facility(BilingualNameModel, TimeStampedModel):
    # Facility records are public; scoping decides which facilities a staff member administers.
    scope_paths = ScopePaths(
        facility="pk",
        district="district",
        state_roles=frozenset({"state_admin", "himcare_officer", "grievance_officer"}),
    )
    # SEC-1 register (core/privacy.py): a facility's contact details are an institution's, public.
    personal_data_exempt = {
        **NAMES_OF_PLACES,
        **dict.fromkeys(("address", "pincode", "phone", "email"), "the facility's public contact details"),
    }
    code = models.CharField(
        _("facility code"), max_length=20, unique=True, help_text=_("State facility code.")
    )
    facility_type = models.CharField(_("type"), max_length=4, choices=FacilityType.choices)
    # Private hospitals enter the registry only as HIMCARE-empanelled institutions.
    ownership = models.CharField(
        _("ownership"),
        max_length=4,
        choices=Ownership.choices,
        default=Ownership.GOVERNMENT,
        db_default="GOVT",
    )
    nin = models.CharField(_("NIN"), max_length=20, blank=True, help_text=_("National Identification Number"))
    hfr_id = models.CharField(
        _("HFR id"), max_length=30, blank=True, help_text=_("ABDM Health Facility Registry id")
    )
    district = place_link(District, "facilities")
    block = place_link(Block, "facilities", optional=True)
    gram_panchayat = place_link(GramPanchayat, "facilities", optional=True)
    urban_local_body = place_link(UrbanLocalBody, "facilities", optional=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    pincode = models.CharField(_("PIN code"), max_length=6, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="facilities", verbose_name=_("departments")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated for demonstration; not a real facility record.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("health facility")
        verbose_name_plural = _("health facilities")
        indexes = [models.Index(fields=["district", "facility_type"])]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SessionKind(models.TextChoices):
    MORNING = "morning", _("Morning")
    EVENING = "evening", _("Evening")
    # A casualty (emergency) OPD registers patients day and night, holidays included.
    ALL_DAY = "all_day", _("Round the clock")


class OpdPolicy(models.Model):
    """Booking rules of one facility's OPD (set by its facility administrator)."""

    facility = models.OneToOneField(
        Facility, on_delete=models.CASCADE, related_name="opd_policy", verbose_name=_("facility")
    )
    booking_window_days = models.PositiveSmallIntegerField(_("booking opens this many days ahead"), default=7)
    cancellation_cutoff_minutes = models.PositiveIntegerField(
        _("cancellation closes this many minutes before the session"), default=120
    )

    class Meta:
        verbose_name = _("OPD policy")
        verbose_name_plural = _("OPD policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booking_window_days__gte=1, booking_window_days__lte=90),
                name="opd_policy_window_1_to_90_days",
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility.code}: {self.booking_window_days} d, {self.cancellation_cutoff_minutes} min"


class OpdSession(models.Model):
    """A weekly OPD session of one department (e.g. medicine, Monday morning 9:30-13:00) and its capacity."""

    scope_paths = facility_scope()

    facility = cascade_fk(Facility, related_name="opd_sessions", verbose_name=_("facility"))
    department = protected_fk(Department, related_name="opd_sessions", verbose_name=_("department"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    kind = models.CharField(
        _("session"), max_length=10, choices=SessionKind.choices, default=SessionKind.MORNING
    )
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    online_quota = models.PositiveIntegerField(_("online quota"))
    walk_in_quota = models.PositiveIntegerField(_("walk-in quota"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["facility", "department", "weekday", "starts_at"]
        verbose_name = _("OPD session")
        verbose_name_plural = _("OPD sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "department", "weekday", "kind"], name="opd_session_unique_per_weekday"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="opd_session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(online_quota__gt=0) | models.Q(walk_in_quota__gt=0),
                name="opd_session_has_capacity",
            ),
        ]

    def __str__(self) -> str:
        weekday, kind = self.get_weekday_display(), self.get_kind_display()
        return f"{self.facility.code} {self.department.code} {weekday} {kind}"


class OpdClosure(models.Model):
    """A holiday or ad-hoc closure: of the whole facility (no department) or of one department, on a date."""

    facility = cascade_fk(Facility, related_name="opd_closures", verbose_name=_("facility"))
    department = cascade_fk(Department, related_name="+", verbose_name=_("department"), optional=True)
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("OPD closure")
        verbose_name_plural = _("OPD closures")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "department", "date"],
                condition=models.Q(department__isnull=False),
                name="opd_closure_unique_department_day",
            ),
            models.UniqueConstraint(
                fields=["facility", "date"],
                condition=models.Q(department__isnull=True),
                name="opd_closure_unique_day",
            ),
        ]

    def __str__(self) -> str:
        where = self.department.code if self.department_id else self.facility.code
        return f"{where} {self.date.isoformat()}: {self.reason}"
