"""Seal identifiers again with the newest key (after a rotation) and seal any still stored in plain text.

Key rotation (core/crypto.py): put the new key first in FIELD_ENCRYPTION_KEYS, run this, drop the old key.
Plain rows come from bulk writers that do not seal yet; this converts them too. Safe to re-run.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.functions import Cast

from himswasthya.core import crypto
from himswasthya.people.models import PersonIdentifier

BATCH = 2000


def reencrypt_identifiers() -> int:
    """Rewrite the sealed kinds whose stored value is plain or sealed with an older key; returns the count."""
    rows = PersonIdentifier.objects.filter(id_type__in=crypto.IDENTIFIER_TYPES_ENCRYPTED)
    changed, last_pk = 0, 0
    while True:
        page = list(rows.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not page:
            return changed
        last_pk = page[-1]
        # The stored form, through a plain CharField (no decryption), shows which rows need work.
        stored = PersonIdentifier.objects.filter(pk__in=page).annotate(
            stored=Cast("value", output_field=models.CharField())
        )
        stale = [
            pk
            for pk, raw in stored.values_list("pk", "stored")
            if not crypto.is_encrypted(raw) or crypto.needs_reencryption(raw)
        ]
        with transaction.atomic():
            objs = list(PersonIdentifier.objects.filter(pk__in=stale).only("pk", "id_type", "value"))
            for obj in objs:  # read back as plain text by the field; sealed again with the newest key
                obj.value = crypto.encrypt(obj.value, context=crypto.IDENTIFIER_CONTEXT)
            PersonIdentifier.objects.bulk_update(objs, ["value"])
        changed += len(objs)


class Command(BaseCommand):
    help = "Seal Aadhaar last four and ration card numbers with the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{reencrypt_identifiers()} identifiers sealed again.")
