"""Users and roles. Staff are scoped to a facility or a district; citizens log in by mobile OTP."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    REGISTRATION_CLERK = "clerk", _("Registration clerk")
    DOCTOR = "doctor", _("Doctor")
    FACILITY_ADMIN = "facility_admin", _("Facility administrator")
    HIMCARE_OFFICER = "himcare_officer", _("HIMCARE officer")
    GRIEVANCE_OFFICER = "grievance_officer", _("Grievance officer")
    DISTRICT_OFFICER = "district_officer", _("District health officer")
    STATE_ADMIN = "state_admin", _("State administrator")


FACILITY_ROLES = {Role.REGISTRATION_CLERK, Role.DOCTOR, Role.FACILITY_ADMIN}
DISTRICT_ROLES = {Role.DISTRICT_OFFICER}


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    mobile = models.CharField(_("mobile"), max_length=10, blank=True, null=True, unique=True)
    # Where a staff member works. Facility roles need `facility`, district roles need `district`.
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("facility"),
    )
    district = models.ForeignKey(
        "places.District", on_delete=models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("district"),
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["clerk", "doctor", "facility_admin"]) | models.Q(facility__isnull=False),
                name="facility_staff_have_facility",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="district_officer") | models.Q(district__isnull=False),
                name="district_officer_has_district",
            ),
        ]
