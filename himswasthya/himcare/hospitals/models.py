"""HIMCARE hospitals: specialties, the package master and empanelment of hospitals per specialty."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from himswasthya.core.fields import protected_fk
from himswasthya.core.models import LocalNameMixin
from himswasthya.core.privacy import STAFF_ACTION
from himswasthya.facilities.models import Facility, facility_scope
from himswasthya.himcare.common import OFFICER_ROLES, staff_reference


# --- hospitals and packages ---------------------------------------------------------------------------------
class Specialty(LocalNameMixin, models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_hi = models.CharField(_("name in Hindi"), max_length=120, blank=True)
    personal_data_exempt = dict.fromkeys(("name", "name_hi"), "the name of a medical specialty")

    class Meta:
        ordering = ["code"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PackageKind(models.TextChoices):
    MEDICAL = "medical", _("Medical management")
    SURGICAL = "surgical", _("Surgical")
    DAY_CARE = "daycare", _("Day care")


class Package(LocalNameMixin, models.Model):
    """A health benefit package: one row per package + procedure code, in the national HBP layout."""

    personal_data_exempt = dict.fromkeys(("name", "name_hi"), "the name of a treatment package")

    code = models.CharField(_("code"), max_length=16, unique=True, help_text=_("Package and procedure code."))
    package_code = models.CharField(_("package code"), max_length=12)
    procedure_code = models.CharField(_("procedure code"), max_length=16, blank=True)
    specialty = protected_fk(Specialty, related_name="packages", verbose_name=_("specialty"))
    name = models.CharField(_("name"), max_length=300)
    name_hi = models.CharField(_("name in Hindi"), max_length=300, blank=True)
    rate_paise = models.BigIntegerField(_("rate (paise)"))
    kind = models.CharField(_("kind"), max_length=8, choices=PackageKind.choices)
    needs_preauth = models.BooleanField(_("needs pre-authorisation"), default=True)
    min_stay_days = models.PositiveSmallIntegerField(_("minimum stay (days)"), default=0)
    # A procedure a person can have only once in a lifetime (e.g. hysterectomy): a repeat is flagged.
    is_one_time = models.BooleanField(_("once in a lifetime"), default=False)
    is_illustrative = models.BooleanField(
        _("illustrative (not official rates)"),
        default=False,
        help_text=_("Demo data: not the national package master."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The document kinds (cases.models.DocumentKind values, comma-separated) the hospital must attach; blank:
    # the default for the package's kind. The rule reading them is cases.documents.required_documents.
    preauth_documents = models.CharField(
        _("documents needed at pre-authorisation"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the default for the package's kind."),
    )
    claim_documents = models.CharField(
        _("documents needed with the claim"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the default for the package's kind."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        constraints = [models.CheckConstraint(condition=Q(rate_paise__gt=0), name="package_rate_positive")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EmpanelmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Empanelment(models.Model):
    """A hospital empanelled for one specialty for a period."""

    personal_data = {"created_by": STAFF_ACTION}
    scope_paths = facility_scope(state_roles=OFFICER_ROLES | {"district_officer"})

    facility = protected_fk(Facility, related_name="empanelments", verbose_name=_("hospital"))
    specialty = protected_fk(Specialty, related_name="empanelments", verbose_name=_("specialty"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(
        _("status"), max_length=10, choices=EmpanelmentStatus.choices, default=EmpanelmentStatus.ACTIVE
    )
    order_ref = models.CharField(_("order reference"), max_length=100, blank=True)
    created_by = staff_reference(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["facility", "specialty"]
        verbose_name = _("empanelment")
        verbose_name_plural = _("empanelments")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "specialty", "valid_from"], name="empanelment_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="empanelment_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}/{self.specialty_id}"
