"""Pieces shared by the models of every HIMCARE sub-package: who the scheme's officers are, the member of
staff who did something, and the purposes under which the scheme holds personal data."""

from himswasthya.core.fields import user_reference
from himswasthya.core.privacy import LegalBasis, PersonalData

OFFICER_ROLES = frozenset({"state_admin", "himcare_officer"})

# The member of staff who did something: the project's one user reference (core/fields.py), nullable;
# `blank=False` where the form requires it.
staff_reference = user_reference


ENROLMENT_DATA = PersonalData(purposes=("himcare_enrolment",), basis=LegalBasis.STATE_SERVICE_7B)
CLAIM_DATA = PersonalData(purposes=("himcare_claims", "treatment"), basis=LegalBasis.STATE_SERVICE_7B)
