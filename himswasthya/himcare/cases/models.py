"""HIMCARE cases: a `Case` runs pre-authorisation -> admission -> discharge -> `Claim`; money is blocked
in the family wallet at pre-authorisation (`WalletEntry`) and consumed at claim approval; documents; misuse
flags.

Invariants held by the database: a case has at most one claim; a claim's approved amount never exceeds what
was claimed; every misuse rule flags a case at most once; wallet entries are positive.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from himswasthya.codelists.models import Icd10Code
from himswasthya.core.fields import cascade_fk, protected_fk
from himswasthya.core.privacy import PERSON_LINK, STAFF_ACTION
from himswasthya.core.scope_paths import ScopePaths
from himswasthya.facilities.models import Facility, facility_scope
from himswasthya.himcare.common import CLAIM_DATA, ENROLMENT_DATA, OFFICER_ROLES, staff_reference
from himswasthya.himcare.enrolment.models import EnrolledMember, Enrolment, Wallet, enrolment_scope
from himswasthya.himcare.hospitals.models import Package
from himswasthya.people.models import Person
from himswasthya.records.models import HIMCARE_SOURCE


# --- the hospital case: pre-authorisation -> admission -> discharge -> claim ------------------------------
class CaseStatus(models.TextChoices):
    PREAUTH_PENDING = "preauth_pending", _("Pre-authorisation pending")
    PREAUTH_QUERY = "preauth_query", _("Pre-authorisation queried")
    PREAUTH_APPROVED = "preauth_approved", _("Pre-authorisation approved")
    PREAUTH_REJECTED = "preauth_rejected", _("Pre-authorisation rejected")
    CANCELLED = "cancelled", _("Cancelled")
    ADMITTED = "admitted", _("Admitted")
    DISCHARGED = "discharged", _("Discharged")
    CLAIM_SUBMITTED = "claim_submitted", _("Claim submitted")
    CLAIM_QUERY = "claim_query", _("Claim queried")
    CLAIM_APPROVED = "claim_approved", _("Claim approved")
    CLAIM_PART_APPROVED = "claim_part_approved", _("Claim approved in part")
    CLAIM_REJECTED = "claim_rejected", _("Claim rejected")


# Statuses in which the case still holds money blocked in the family's wallet.
BLOCKING_STATUSES = (
    CaseStatus.PREAUTH_PENDING,
    CaseStatus.PREAUTH_QUERY,
    CaseStatus.PREAUTH_APPROVED,
    CaseStatus.ADMITTED,
    CaseStatus.DISCHARGED,
    CaseStatus.CLAIM_SUBMITTED,
    CaseStatus.CLAIM_QUERY,
)


class Case(models.Model):
    """One hospitalisation of an enrolled member at an empanelled hospital, with its treatment data."""

    personal_data = {
        "enrolment": CLAIM_DATA,
        "enrolled_member": CLAIM_DATA,
        "person": PERSON_LINK,
        "estimated_paise": CLAIM_DATA,
        "query_text": CLAIM_DATA,
        "decision_note": CLAIM_DATA,
        "discharge_summary": CLAIM_DATA,
        "treating_doctor": STAFF_ACTION,
        "raised_by": STAFF_ACTION,
        "decided_by": STAFF_ACTION,
    }
    scope_paths = facility_scope(
        owner_mobile="person__mobile", family="enrolment__family", state_roles=OFFICER_ROLES
    )

    case_no = models.CharField(_("case number"), max_length=24, unique=True)
    enrolment = protected_fk(Enrolment, related_name="cases", verbose_name=_("enrolment"))
    enrolled_member = protected_fk(
        EnrolledMember, related_name="cases", verbose_name=_("patient (enrolled member)")
    )
    person = protected_fk(Person, related_name="himcare_cases", verbose_name=_("patient"))
    facility = protected_fk(Facility, related_name="himcare_cases", verbose_name=_("hospital"))
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.PREAUTH_PENDING
    )
    is_emergency = models.BooleanField(_("emergency"), default=False)
    estimated_paise = models.BigIntegerField(_("estimated amount (paise)"))
    blocked_paise = models.BigIntegerField(_("blocked in the wallet (paise)"), default=0)
    approved_preauth_paise = models.BigIntegerField(_("pre-authorised amount (paise)"), null=True, blank=True)
    raised_by = staff_reference(_("raised by"), blank=False)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    decision_due_at = models.DateTimeField(_("decision due by"), null=True, blank=True)
    decided_by = staff_reference(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    query_text = models.CharField(_("query"), max_length=500, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    treating_doctor = models.CharField(_("treating doctor"), max_length=120, blank=True)
    admitted_at = models.DateTimeField(_("admitted at"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("discharged at"), null=True, blank=True)
    discharge_summary = models.TextField(_("discharge summary"), blank=True)
    # A typed reference to an encounter of the health records app (records), when it exists. The admission
    # record itself is found by its source reference, `record_source` (cases/treatment.py).
    encounter_ref = models.CharField(_("health record encounter"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("HIMCARE case")
        verbose_name_plural = _("HIMCARE cases")
        constraints = [
            models.CheckConstraint(condition=Q(estimated_paise__gt=0), name="case_estimate_positive"),
            models.CheckConstraint(condition=Q(blocked_paise__gte=0), name="case_blocked_not_negative"),
            models.CheckConstraint(
                condition=Q(discharged_at__isnull=True)
                | Q(admitted_at__isnull=False, discharged_at__gte=F("admitted_at")),
                name="case_discharge_after_admission",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "decision_due_at"]),
            models.Index(fields=["person", "status"]),
            models.Index(fields=["facility", "status"]),
        ]

    def __str__(self) -> str:
        return self.case_no

    @property
    def record_source(self) -> str:
        """The source reference of the case's admission record in the health records: "himcare:<case no>"."""
        return f"{HIMCARE_SOURCE}{self.case_no}"


# A row that is part of a case (its packages, diagnoses, events): the case's hospital, the officer of its
# district and the HIMCARE officers see it; the family sees the case itself.
CASE_PART_SCOPE = facility_scope("case__facility", state_roles=OFFICER_ROLES)


class CasePackage(models.Model):
    """A package booked for a case, with the rate in force when it was booked."""

    scope_paths = CASE_PART_SCOPE

    case = cascade_fk(Case, related_name="packages", verbose_name=_("case"))
    package = protected_fk(Package, related_name="+", verbose_name=_("package"))
    rate_paise = models.BigIntegerField(_("rate (paise)"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)

    class Meta:
        verbose_name = _("case package")
        verbose_name_plural = _("case packages")
        constraints = [
            models.UniqueConstraint(fields=["case", "package"], name="case_package_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="case_package_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.package_id}"


class DiagnosisKind(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional (at pre-authorisation)")
    FINAL = "final", _("Final (at discharge)")


class CaseDiagnosis(models.Model):
    """An ICD-10 diagnosis of a case."""

    personal_data = {"icd10": CLAIM_DATA}
    scope_paths = CASE_PART_SCOPE

    case = cascade_fk(Case, related_name="diagnoses", verbose_name=_("case"))
    icd10 = protected_fk(Icd10Code, related_name="+", verbose_name=_("ICD-10 code"))
    kind = models.CharField(_("kind"), max_length=12, choices=DiagnosisKind.choices)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        constraints = [
            models.UniqueConstraint(fields=["case", "icd10", "kind"], name="case_diagnosis_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.icd10_id}"


class CaseEvent(models.Model):
    """Every status change of a case: who, when, from what to what, and why."""

    personal_data = {"actor": STAFF_ACTION, "note": CLAIM_DATA}
    scope_paths = CASE_PART_SCOPE

    case = cascade_fk(Case, related_name="events", verbose_name=_("case"))
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = staff_reference(_("by"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} -> {self.to_status}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    QUERY = "query", _("Queried")
    APPROVED = "approved", _("Approved")
    PART_APPROVED = "part_approved", _("Approved in part")
    REJECTED = "rejected", _("Rejected")


class ClaimReason(models.TextChoices):
    """Coded reasons for a part approval, query or rejection."""

    NOT_ELIGIBLE = "not_eligible", _("Patient not eligible on the date of admission")
    PACKAGE_MISMATCH = "package_mismatch", _("Treatment does not match the package")
    DOCUMENTS_MISSING = "documents_missing", _("Required documents missing or unreadable")
    EXCESS_AMOUNT = "excess_amount", _("Amount above the package rate or the pre-authorisation")
    DUPLICATE = "duplicate", _("Duplicate claim")
    NOT_JUSTIFIED = "not_justified", _("Treatment not medically justified")
    LATE_SUBMISSION = "late_submission", _("Submitted after the deadline")
    STAY_TOO_SHORT = "stay_too_short", _("Stay shorter than the package minimum")
    OTHER = "other", _("Other (see note)")


class ClaimPaymentStatus(models.TextChoices):
    NOT_DUE = "not_due", _("Not due")
    PENDING = "pending", _("Payment pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")


class Claim(models.Model):
    """The hospital's claim for a discharged case, its adjudication and its payment."""

    personal_data = {
        "adjudication_note": CLAIM_DATA,
        "submitted_by": STAFF_ACTION,
        "adjudicated_by": STAFF_ACTION,
    }
    scope_paths = facility_scope(
        "case__facility",
        owner_mobile="case__person__mobile",
        family="case__enrolment__family",
        state_roles=OFFICER_ROLES,
    )

    claim_no = models.CharField(_("claim number"), max_length=24, unique=True)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="claim", verbose_name=_("case"))
    status = models.CharField(
        _("status"), max_length=14, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    claimed_paise = models.BigIntegerField(_("claimed (paise)"))
    approved_paise = models.BigIntegerField(_("approved (paise)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=ClaimReason.choices, blank=True)
    adjudication_note = models.CharField(_("adjudication note"), max_length=500, blank=True)
    submitted_by = staff_reference(_("submitted by"), blank=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    adjudicated_by = staff_reference(_("adjudicated by"))
    adjudicated_at = models.DateTimeField(_("adjudicated at"), null=True, blank=True)
    payment_status = models.CharField(
        _("payment"), max_length=8, choices=ClaimPaymentStatus.choices, default=ClaimPaymentStatus.NOT_DUE
    )
    payment_due_on = models.DateField(_("payment due by"), null=True, blank=True)
    payment_ref = models.CharField(_("payment reference"), max_length=64, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.CheckConstraint(condition=Q(claimed_paise__gt=0), name="claim_amount_positive"),
            models.CheckConstraint(
                condition=Q(approved_paise__isnull=True)
                | Q(approved_paise__gte=0, approved_paise__lte=F("claimed_paise")),
                name="claim_approved_within_claimed",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"]), models.Index(fields=["payment_status"])]

    def __str__(self) -> str:
        return self.claim_no


class DocumentKind(models.TextChoices):
    CATEGORY_CERTIFICATE = "category_cert", _("Category certificate (e.g. BPL, disability)")
    RATION_CARD = "ration_card", _("Ration card")
    ID_PROOF = "id_proof", _("Identity proof")
    CLINICAL_NOTES = "clinical_notes", _("Clinical notes")
    INVESTIGATION = "investigation", _("Investigation report")
    DISCHARGE_SUMMARY = "discharge_summary", _("Discharge summary")
    BILL = "bill", _("Hospital bill")
    OPERATION_NOTES = "operation_notes", _("Operation notes")
    PHOTO = "photo", _("Photograph")
    OTHER = "other", _("Other")


class Document(models.Model):
    """A document attached to an enrolment (e.g. a category override) or a case (pre-auth or claim).

    Uploads are checked by content type and size and scanned (SEC-28); files live outside the web root.
    """

    personal_data = {
        "file": CLAIM_DATA,
        "reference": ENROLMENT_DATA,
        "uploaded_by": STAFF_ACTION,
    }
    scope_paths = ScopePaths(
        facility="case__facility",
        district=("case__facility__district", "enrolment__family__district"),
        family=("enrolment__family", "case__enrolment__family"),
        state_roles=OFFICER_ROLES,
    )

    enrolment = cascade_fk(Enrolment, related_name="documents", verbose_name=_("enrolment"), optional=True)
    case = cascade_fk(Case, related_name="documents", verbose_name=_("case"), optional=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    reference = models.CharField(_("document number"), max_length=100, blank=True)
    file = models.FileField(_("file"), upload_to="himcare/%Y/%m/", blank=True)
    content_type = models.CharField(_("content type"), max_length=60, blank=True)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = staff_reference(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=(Q(enrolment__isnull=False) & Q(case__isnull=True))
                | (Q(enrolment__isnull=True) & Q(case__isnull=False)),
                name="document_has_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


# --- checks against misuse ----------------------------------------------------------------------------
class MisuseRule(models.TextChoices):
    CONCURRENT_ADMISSION = "concurrent_admission", _("Same person admitted in two hospitals at once")
    REPEAT_ONE_TIME_PROCEDURE = "repeat_one_time", _("Repeat of a once-in-a-lifetime procedure")
    UNDER_LIMIT_CLUSTERING = (
        "under_limit_cluster",
        _("Claims just under package rates clustering at one hospital"),
    )
    NON_MEMBER_ADMISSION = "non_member", _("Patient is not a member of the enrolled family")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLEARED = "cleared", _("Cleared (no misuse)")
    CONFIRMED = "confirmed", _("Misuse confirmed")


class MisuseFlag(models.Model):
    """A rule's finding, queued for a HIMCARE officer to review."""

    personal_data = {"reviewed_by": STAFF_ACTION, "review_note": CLAIM_DATA, "details": CLAIM_DATA}
    scope_paths = ScopePaths(district="facility__district", state_roles=OFFICER_ROLES)

    rule = models.CharField(_("rule"), max_length=24, choices=MisuseRule.choices)
    case = cascade_fk(Case, related_name="flags", verbose_name=_("case"), optional=True)
    facility = protected_fk(Facility, related_name="himcare_flags", verbose_name=_("hospital"))
    details = models.JSONField(_("details"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    reviewed_by = staff_reference(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("misuse flag")
        verbose_name_plural = _("misuse flags")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "case"], condition=Q(case__isnull=False), name="misuse_flag_once_per_case"
            ),
        ]
        indexes = [models.Index(fields=["status", "rule"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.pk}"


# --- money blocked and spent in the family wallet ---------------------------------------------------------
class WalletEntryKind(models.TextChoices):
    BLOCK = "block", _("Blocked at pre-authorisation")
    RELEASE = "release", _("Released")
    CONSUME = "consume", _("Spent on an approved claim")


class WalletEntry(models.Model):
    """The wallet's ledger: every block, release and spend, so every rupee is accounted for."""

    personal_data = {"actor": STAFF_ACTION}
    scope_paths = enrolment_scope("wallet__enrolment__family")

    wallet = protected_fk(Wallet, related_name="entries", verbose_name=_("wallet"))
    case = protected_fk("Case", related_name="wallet_entries", verbose_name=_("case"), optional=True)
    kind = models.CharField(_("kind"), max_length=8, choices=WalletEntryKind.choices)
    amount_paise = models.BigIntegerField(_("amount (paise)"))
    actor = staff_reference(_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["wallet", "at", "id"]
        verbose_name = _("wallet entry")
        verbose_name_plural = _("wallet entries")
        constraints = [
            models.CheckConstraint(condition=Q(amount_paise__gt=0), name="wallet_entry_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_paise}"
