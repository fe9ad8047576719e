"""Health facility registry: every government health institution, from medical colleges to sub-centres."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.scoping import ScopePaths
from himswasthya.core.models import BilingualNameModel, TimeStampedModel
from himswasthya.core.privacy import NAMES_OF_PLACES
from himswasthya.places.models import Block, District, GramPanchayat, UrbanLocalBody


class FacilityType(models.TextChoices):
    MEDICAL_COLLEGE = "MC", _("Medical college")
    ZONAL_HOSPITAL = "ZH", _("Zonal hospital")
    REGIONAL_HOSPITAL = "RH", _("Regional hospital")
    CIVIL_HOSPITAL = "CH", _("Civil hospital")
    CHC = "CHC", _("Community health centre")
    PHC = "PHC", _("Primary health centre")
    SUB_CENTRE = "SC", _("Sub-centre / Ayushman Arogya Mandir")


class Department(BilingualNameModel):
    """A clinical department offered at facilities (general medicine, paediatrics, ...)."""

    personal_data_exempt = NAMES_OF_PLACES  # SEC-1 register (core/privacy.py)

    code = models.SlugField(_("code"), max_length=30, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")


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
    nin = models.CharField(_("NIN"), max_length=20, blank=True, help_text=_("National Identification Number"))
    hfr_id = models.CharField(
        _("HFR id"), max_length=30, blank=True, help_text=_("ABDM Health Facility Registry id")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("district")
    )
    block = models.ForeignKey(
        Block,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name=_("block"),
    )
    gram_panchayat = models.ForeignKey(
        GramPanchayat,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name=_("gram panchayat"),
    )
    urban_local_body = models.ForeignKey(
        UrbanLocalBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name=_("urban local body"),
    )
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
