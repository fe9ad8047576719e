"""The SMS outbox: one row per message to send, written in the caller's transaction (see `outbox.py`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from himswasthya.core.privacy import LegalBasis, PersonalData


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


def subject_label(model: type[models.Model] | models.Model) -> str:
    """How the outbox names the kind of row a message is about, e.g. "registration.appointment"."""
    return model._meta.label_lower


class SmsOutboxQuerySet(models.QuerySet):
    def about(self, subject: models.Model) -> SmsOutboxQuerySet:
        """The messages about one row (an appointment, an enrolment ...)."""
        return self.filter(subject_type=subject_label(subject), subject_id=subject.pk)

    def about_any(self, model: type[models.Model], ids) -> SmsOutboxQuerySet:
        """The messages about any of the rows `ids` (a list or a values_list queryset) of `model`."""
        return self.filter(subject_type=subject_label(model), subject_id__in=ids)


class SmsOutbox(models.Model):
    """An SMS to send after the caller's transaction commits. Written in that transaction, so a message exists
    exactly when what it announces does; a gateway that is down leaves it pending for `send_pending_sms`.

    What the message is about is a neutral reference (`subject_type`, `subject_id`), not a foreign key:
    notify sits below the apps that send messages and never looks their models up."""

    holds_personal_data = True
    personal_data = {
        "mobile": PersonalData(purposes=("contact",), basis=LegalBasis.STATE_SERVICE_7B),
        "variables": PersonalData(
            purposes=("contact", "opd_registration", "himcare_enrolment"),
            basis=LegalBasis.STATE_SERVICE_7B,
            note="filled into the DLT template: appointment number and token, HIMCARE card and validity",
        ),
        "subject_id": PersonalData(
            purposes=("contact", "opd_registration", "himcare_enrolment"),
            basis=LegalBasis.STATE_SERVICE_7B,
            note="the row the message is about (an appointment, an enrolment), named by subject_type",
        ),
    }
    personal_data_exempt = {"last_error": "the gateway's error class and HTTP status, never the message"}

    template_key = models.CharField(_("template"), max_length=40)
    variables = models.JSONField(_("variables"), default=dict)
    mobile = models.CharField(_("mobile"), max_length=10)
    subject_type = models.CharField(_("about"), max_length=60, blank=True, default="")
    subject_id = models.PositiveBigIntegerField(_("about id"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=SmsStatus.choices, default=SmsStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = SmsOutboxQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("SMS to send")
        verbose_name_plural = _("SMS outbox")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="sms_outbox_due_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="sms_outbox_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} #{self.pk} ({self.status})"
