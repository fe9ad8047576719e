"""ABDM scan and share (abdm-api.md section 3): the counters whose QR a patient scans, and our tokens.

Invariants held by the database:
- a counter code (the QR's `counter-id`, returned to us as `metaData.context`) is unique per facility;
- token numbers are unique per facility and day, handed out from `ScanShareDay.last_token` under its row lock;
- one token per facility, ABHA address and day: a repeat share returns the same token (idempotent).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from himswasthya.core.fields import cascade_fk, protected_fk, set_null_fk
from himswasthya.core.privacy import PERSON_LINK, STAFF_ACTION, LegalBasis, PersonalData
from himswasthya.facilities.models import Department, Facility, facility_scope
from himswasthya.people.models import Person

SHARED_PROFILE = PersonalData(
    purposes=("opd_registration",),
    basis=LegalBasis.STATE_SERVICE_7B,
    note="as shared by the patient through ABDM scan and share, shown to the registration clerk",
)


class ScanShareCounter(models.Model):
    """A registration counter with its own scan-and-share QR; optionally tied to one department."""

    scope_paths = facility_scope()
    personal_data_exempt = {
        "code": "a counter's code",
        "name": "a counter's name",
    }

    facility = cascade_fk(Facility, related_name="scan_share_counters", verbose_name=_("facility"))
    code = models.CharField(
        _("counter code"),
        max_length=20,
        help_text=_("The counter-id in the QR; ABDM returns it to us as the share's context."),
    )
    name = models.CharField(_("counter name"), max_length=100)
    department = set_null_fk(Department, related_name="+", verbose_name=_("department"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["facility", "code"]
        verbose_name = _("scan-and-share counter")
        verbose_name_plural = _("scan-and-share counters")
        constraints = [
            models.UniqueConstraint(fields=["facility", "code"], name="scanshare_counter_unique_code"),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Za-z0-9_-]{1,20}$"), name="scanshare_counter_code_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility.code} / {self.code}"


class ScanShareDay(models.Model):
    """The token counter of one facility on one day; locked with SELECT ... FOR UPDATE."""

    personal_data_exempt = {"last_token": "a running number"}

    facility = cascade_fk(Facility, related_name="+", verbose_name=_("facility"))
    date = models.DateField(_("date"))
    last_token = models.PositiveIntegerField(_("last token issued"), default=0)

    class Meta:
        verbose_name = _("scan-and-share day")
        verbose_name_plural = _("scan-and-share days")
        constraints = [models.UniqueConstraint(fields=["facility", "date"], name="scanshare_day_unique")]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.date}: {self.last_token}"


class ScanShareStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting at the counter")
    REGISTERED = "registered", _("Registered")
    CANCELLED = "cancelled", _("Cancelled")


class ScanShareToken(models.Model):
    """A token issued to a patient who shared their ABHA profile at a facility's counter QR."""

    holds_personal_data = True
    personal_data = {
        "person": PERSON_LINK,
        "registered_by": STAFF_ACTION,
        **dict.fromkeys(
            ("abha_number", "abha_address", "name", "gender", "year_of_birth", "mobile"), SHARED_PROFILE
        ),
    }
    personal_data_exempt = {
        "request_id": "the gateway's request id",
        "context": "the counter code from the QR",
    }
    scope_paths = facility_scope()

    facility = cascade_fk(Facility, related_name="scan_share_tokens", verbose_name=_("facility"))
    date = models.DateField(_("date"))
    token_number = models.PositiveIntegerField(_("token number"))
    hip_id = models.CharField(_("HIP id"), max_length=30)
    context = models.CharField(_("counter code"), max_length=64, blank=True)
    counter = set_null_fk(ScanShareCounter, related_name="tokens", verbose_name=_("counter"))
    abha_address = models.CharField(_("ABHA address"), max_length=64)
    abha_number = models.CharField(_("ABHA number"), max_length=14, blank=True)
    name = models.CharField(_("name"), max_length=200)
    gender = models.CharField(_("sex"), max_length=1, blank=True)
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    mobile = models.CharField(_("mobile"), max_length=10, blank=True)
    person = protected_fk(Person, related_name="scan_share_tokens", verbose_name=_("person"), optional=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ScanShareStatus.choices, default=ScanShareStatus.WAITING
    )
    appointment = set_null_fk("registration.Appointment", related_name="+", verbose_name=_("appointment"))
    request_id = models.CharField(_("REQUEST-ID of the first share"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    registered_by = set_null_fk(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("registered by"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("scan-and-share token")
        verbose_name_plural = _("scan-and-share tokens")
        indexes = [models.Index(fields=["facility", "date", "status"], name="scanshare_token_day_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "date", "token_number"], name="scanshare_token_unique_number"
            ),
            models.UniqueConstraint(
                fields=["facility", "date", "abha_address"], name="scanshare_token_one_per_abha_day"
            ),
            models.CheckConstraint(condition=models.Q(token_number__gte=1), name="scanshare_token_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.facility.code} {self.date} #{self.token_number}"
