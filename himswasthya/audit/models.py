"""The audit log: one append-only, hash-chained row per read or change of personal data (SEC-29, SEC-15).

An entry is written UNSEALED in the caller's transaction (no lock, no read of the chain) and sealed into the
chain right after commit by `chain.seal_pending()`. Sealing fills `seq`, `prev_hash`, `entry_hash`,
`sealed_at` and `key_id` exactly once; after that the row never changes. See `chain.py` for why the chain is
global and how it is keyed and anchored outside the database.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.core.fields import user_reference
from himswasthya.core.privacy import STAFF_ACTION, LegalBasis, PersonalData

SEAL_FIELDS = ("seq", "prev_hash", "entry_hash", "sealed_at", "key_id")


class AppendOnlyError(PermissionDenied):
    """Somebody tried to change or delete an audit entry through the ORM."""


class AuditEntryQuerySet(models.QuerySet):
    """Bulk update()/delete() would bypass the row checks, so they are refused outright."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries are append-only: QuerySet.update() is refused")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are append-only: QuerySet.delete() is refused")

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class AuditEntry(models.Model):
    # SEC-1 register (core/privacy.py): who read or changed personal data, from where.
    personal_data = {
        "actor": STAFF_ACTION,
        "ip": PersonalData(purposes=("accountability", "security"), basis=LegalBasis.FUNCTION_UNDER_LAW_7C),
        "detail": PersonalData(
            purposes=("accountability",),
            basis=LegalBasis.FUNCTION_UNDER_LAW_7C,
            note="ids and masked values only (SEC-29 check_detail)",
        ),
    }

    id = models.BigAutoField(primary_key=True)
    # Position in the chain; NULL until sealed. Chain order is seal order, not id order.
    seq = models.PositiveBigIntegerField(_("sequence"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = user_reference(_("actor"), help_text=_("Empty for the system or an anonymous visitor."))
    actor_role = models.CharField(_("actor role"), max_length=30, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    # Plain integers, not foreign keys: they partition and filter the log, and the log outlives the masters.
    facility_id = models.PositiveBigIntegerField(_("facility id"), null=True, blank=True)
    district_id = models.PositiveBigIntegerField(_("district id"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    entry_hash = models.CharField(_("entry hash"), max_length=64, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)
    # Id of the AUDIT_HMAC_KEYS key whose HMAC is entry_hash (audit/keys.py); "" for an entry sealed before
    # the chain was keyed (plain SHA-256, allowed only up to the first checkpoint's legacy boundary). The
    # database default lets a raw INSERT (and a not yet restarted process) leave it out.
    key_id = models.CharField(_("key id"), max_length=16, blank=True, default="", db_default="")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["district_id", "created_at"], name="audit_district_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            # The sealer's queue: unsealed rows only, so it stays tiny.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(seq__isnull=True, sealed_at__isnull=True, entry_hash="")
                    | models.Q(
                        seq__isnull=False, sealed_at__isnull=False, entry_hash__regex=r"^[0-9a-f]{64}$"
                    )
                ),
                name="audit_sealed_fully_or_not_at_all",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id} #{self.seq or '-'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("audit entries are append-only: save() of an existing entry is refused")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are append-only: delete() is refused")

    @property
    def is_sealed(self) -> bool:
        return self.seq is not None


class ChainHead(models.Model):
    """The end of the chain (one row): its row lock is the sealer's mutex, its hash catches a cut tail.

    `checkpoint_n`/`checkpoint_mac` name the latest checkpoint written to AUDIT_CHECKPOINT_PATH (chain.py):
    a checkpoint file with fewer checkpoints than this was truncated or replaced."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(_("last sequence"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    checkpoint_n = models.PositiveBigIntegerField(_("checkpoints written"), default=0, db_default=0)
    checkpoint_mac = models.CharField(
        _("latest checkpoint signature"), max_length=64, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_single_chain_head")]

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"
