"""HIMCARE: the state health insurance scheme (domain.md section 3).

Rules change by notification, so a `SchemeYear` with its `CategoryRule`s holds them as configuration.
A family is enrolled for a scheme year (`Enrolment`, which carries the card number and validity); the enrolled
members sit in units of at most `max_members_per_unit`; the family's annual floater cover lives in a `Wallet`.
At the hospital a `Case` runs pre-authorisation -> admission -> discharge -> `Claim`. Money is blocked in the
wallet at pre-authorisation and consumed at claim approval.

Invariants held by the database, not only by Python:
- one active enrolment per family, and at most one awaiting payment (a renewal);
- a wallet never spends more than its cover: blocked + consumed <= cover, and none of them negative;
- a case has at most one claim; a claim's approved amount never exceeds what was claimed;
- every misuse rule flags a case at most once.

The models live in the sub-packages' `models.py` (enrolment, hospitals, cases, coverage); this module imports
them by name so that Django registers them under the app label `himcare` (one app, one migrations folder).
"""

from himswasthya.himcare.cases.models import (
    BLOCKING_STATUSES,
    Case,
    CaseDiagnosis,
    CaseEvent,
    CasePackage,
    CaseStatus,
    Claim,
    ClaimPaymentStatus,
    ClaimReason,
    ClaimStatus,
    DiagnosisKind,
    Document,
    DocumentKind,
    FlagStatus,
    MisuseFlag,
    MisuseRule,
    WalletEntry,
    WalletEntryKind,
)
from himswasthya.himcare.common import (
    CLAIM_DATA,
    ENROLMENT_DATA,
    OFFICER_ROLES,
    staff_reference,
)
from himswasthya.himcare.coverage.models import (
    PanchayatCoverage,
)
from himswasthya.himcare.enrolment.models import (
    LIVE_ENROLMENT_STATUSES,
    Category,
    CategoryRule,
    CategorySource,
    Channel,
    Criterion,
    EnrolledMember,
    Enrolment,
    EnrolmentStatus,
    PaymentMethod,
    PaymentStatus,
    PmjayFamily,
    PremiumPayment,
    SchemeYear,
    Wallet,
)
from himswasthya.himcare.hospitals.models import (
    Empanelment,
    EmpanelmentStatus,
    Package,
    PackageKind,
    Specialty,
)

__all__ = [
    "OFFICER_ROLES",
    "staff_reference",
    "ENROLMENT_DATA",
    "CLAIM_DATA",
    "SchemeYear",
    "Category",
    "Criterion",
    "CategoryRule",
    "PmjayFamily",
    "EnrolmentStatus",
    "LIVE_ENROLMENT_STATUSES",
    "Channel",
    "CategorySource",
    "Enrolment",
    "EnrolledMember",
    "PaymentMethod",
    "PaymentStatus",
    "PremiumPayment",
    "Wallet",
    "WalletEntryKind",
    "WalletEntry",
    "Specialty",
    "PackageKind",
    "Package",
    "EmpanelmentStatus",
    "Empanelment",
    "CaseStatus",
    "BLOCKING_STATUSES",
    "Case",
    "CasePackage",
    "DiagnosisKind",
    "CaseDiagnosis",
    "CaseEvent",
    "ClaimStatus",
    "ClaimReason",
    "ClaimPaymentStatus",
    "Claim",
    "DocumentKind",
    "Document",
    "MisuseRule",
    "FlagStatus",
    "MisuseFlag",
    "PanchayatCoverage",
]
