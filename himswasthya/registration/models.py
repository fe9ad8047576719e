"""OPD registration: one row per OPD session on a date (the booking lock and counters) and the appointments.

Invariants held by the database, not only by Python:
- a session day never exceeds its online or walk-in quota (check constraints on the counters);
- token numbers are unique per session day and issued without gaps (taken from `last_token` under the row
  lock; a cancelled appointment keeps its token);
- one person holds at most one active appointment per department and day (a partial unique constraint).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from himswasthya.core.fields import protected_fk, user_reference
from himswasthya.core.privacy import PERSON_LINK, STAFF_ACTION, LegalBasis, PersonalData
from himswasthya.facilities.models import Department, Facility, OpdSession, facility_scope
from himswasthya.people.models import Person


class SessionDay(models.Model):
    """An OPD session (facility, department, weekday template) on one date, with its live counters."""

    scope_paths = facility_scope()

    session = protected_fk(OpdSession, related_name="days", verbose_name=_("session"))
    facility = protected_fk(Facility, related_name="+", verbose_name=_("facility"))
    department = protected_fk(Department, related_name="+", verbose_name=_("department"))
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    # Quotas are copied from the session when the day is first opened: later edits don't break bookings made.
    online_quota = models.PositiveIntegerField(_("online quota"))
    walk_in_quota = models.PositiveIntegerField(_("walk-in quota"))
    online_booked = models.PositiveIntegerField(_("online booked"), default=0)
    walk_in_booked = models.PositiveIntegerField(_("walk-ins registered"), default=0)
    last_token = models.PositiveIntegerField(_("last token issued"), default=0)

    class Meta:
        ordering = ["date", "starts_at"]
        verbose_name = _("OPD session day")
        verbose_name_plural = _("OPD session days")
        constraints = [
            models.UniqueConstraint(fields=["session", "date"], name="session_day_unique"),
            models.CheckConstraint(
                condition=models.Q(online_booked__lte=models.F("online_quota")),
                name="session_day_online_quota",
            ),
            models.CheckConstraint(
                condition=models.Q(walk_in_booked__lte=models.F("walk_in_quota")),
                name="session_day_walk_in_quota",
            ),
        ]
        indexes = [models.Index(fields=["facility", "department", "date"])]

    def __str__(self) -> str:
        return f"{self.session} {self.date:%Y-%m-%d}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WALK_IN = "walk_in", _("Walk-in at the counter")
    SCAN_SHARE = "scan_share", _("ABHA scan and share")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    CALLED = "called", _("Called")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN, AppointmentStatus.CALLED)


class FeeExemption(models.TextChoices):
    NONE = "none", _("None")
    HIMCARE = "himcare", _("HIMCARE card holder")
    AB_PMJAY = "ab_pmjay", _("AB-PMJAY card holder")
    BPL = "bpl", _("BPL family")
    SENIOR_CITIZEN = "senior", _("Senior citizen")
    CHILD = "child", _("Child")
    OTHER = "other", _("Other (recorded reason)")


class Appointment(models.Model):
    holds_personal_data = True
    personal_data = {
        "person": PERSON_LINK,
        "booked_by": STAFF_ACTION,
        "fee_exemption": PersonalData(purposes=("opd_registration",), basis=LegalBasis.STATE_SERVICE_7B),
    }
    scope_paths = facility_scope(owner_mobile="person__mobile", family_person="person")

    number = models.CharField(_("appointment number"), max_length=32, unique=True)
    session_day = protected_fk(SessionDay, related_name="appointments", verbose_name=_("session day"))
    # Copied from the session day so the database can enforce one active appointment per department and day.
    facility = protected_fk(Facility, related_name="+", verbose_name=_("facility"))
    department = protected_fk(Department, related_name="+", verbose_name=_("department"))
    date = models.DateField(_("date"))
    person = protected_fk(Person, related_name="appointments", verbose_name=_("patient"))
    token_number = models.PositiveIntegerField(_("token number"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    fee_exemption = models.CharField(
        _("fee exemption"), max_length=10, choices=FeeExemption.choices, default=FeeExemption.NONE
    )
    booked_by = user_reference(_("booked by"))
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["date", "token_number"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(fields=["session_day", "token_number"], name="appointment_token_unique"),
            models.UniqueConstraint(
                fields=["person", "department", "date"],
                condition=models.Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="appointment_one_active_per_department_day",
            ),
        ]
        indexes = [models.Index(fields=["session_day", "status"])]

    def __str__(self) -> str:
        return self.number


# ABDM scan and share models live in their own module.
from himswasthya.registration.scan_share_models import (  # noqa: E402,F401,I001
    ScanShareCounter,
    ScanShareDay,
    ScanShareStatus,
    ScanShareToken,
)
