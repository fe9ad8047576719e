"""Pieces shared by every HIMCARE sub-package: who the scheme's officers are, the member of staff who did
something, the purposes under which the scheme holds personal data, and how a reason is recorded."""

from django.utils.translation import gettext as _

from himswasthya.core.errors import DomainError
from himswasthya.core.fields import user_reference
from himswasthya.core.privacy import LegalBasis, PersonalData

OFFICER_ROLES = frozenset({"state_admin", "himcare_officer"})

# The member of staff who did something: the project's one user reference (core/fields.py), nullable;
# `blank=False` where the form requires it.
staff_reference = user_reference


ENROLMENT_DATA = PersonalData(purposes=("himcare_enrolment",), basis=LegalBasis.STATE_SERVICE_7B)
CLAIM_DATA = PersonalData(purposes=("himcare_claims", "treatment"), basis=LegalBasis.STATE_SERVICE_7B)


REASON_MAX_LENGTH = 300  # every reason column of the scheme's models and forms


def recorded_reason(reason: str | None, *, field: str = "reason") -> str:
    """A reason as it is recorded: stripped, and refused (never cut) when it is longer than its column."""
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(_("The reason has at most 300 characters."), field=field, code="too_long")
    return reason
