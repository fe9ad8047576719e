"""Pieces shared by the models of every HIMCARE sub-package: who the scheme's officers are, the member of
staff who did something, and the purposes under which the scheme holds personal data."""

from typing import Any

from django.conf import settings
from django.db import models

from himswasthya.core.privacy import LegalBasis, PersonalData

OFFICER_ROLES = frozenset({"state_admin", "himcare_officer"})


def staff_reference(verbose_name: Any, *, blank: bool = True) -> models.ForeignKey:
    """The member of staff who did something (never deleted while referenced; no reverse accessor)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=blank,
        related_name="+",
        verbose_name=verbose_name,
    )


ENROLMENT_DATA = PersonalData(purposes=("himcare_enrolment",), basis=LegalBasis.STATE_SERVICE_7B)
CLAIM_DATA = PersonalData(purposes=("himcare_claims", "treatment"), basis=LegalBasis.STATE_SERVICE_7B)
