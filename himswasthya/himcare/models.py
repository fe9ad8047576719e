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
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.scoping import ScopePaths
from himswasthya.codelists.models import Icd10Code
from himswasthya.core.privacy import PERSON_LINK, STAFF_ACTION, LegalBasis, PersonalData
from himswasthya.facilities.models import Facility
from himswasthya.himparivar.models import Family, Member
from himswasthya.people.models import Person
from himswasthya.places.models import GramPanchayat

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


# --- the scheme's rules -------------------------------------------------------------------------------------
class SchemeYear(models.Model):
    """The rules in force for one scheme period, as notified. Exactly the numbers the services use."""

    code = models.CharField(_("code"), max_length=16, unique=True, help_text=_("For example 2026-27."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    notification = models.CharField(
        _("notification"), max_length=200, blank=True, help_text=_("The government order these rules follow.")
    )
    cover_per_unit_paise = models.BigIntegerField(_("annual cover per unit (paise)"), default=500_000_00)
    max_members_per_unit = models.PositiveSmallIntegerField(_("members per unit"), default=5)
    card_validity_months = models.PositiveSmallIntegerField(_("card validity (months)"), default=12)
    # Months (1-12) in which new families may enrol; empty means all year.
    new_enrolment_months = models.JSONField(_("months open for new enrolment"), default=list, blank=True)
    renewal_window_days = models.PositiveSmallIntegerField(
        _("renewal opens (days before expiry)"), default=60
    )
    expired_renewal_in_enrolment_months_only = models.BooleanField(
        _("expired cards renew only in enrolment months"), default=True
    )
    preauth_decision_hours = models.PositiveSmallIntegerField(
        _("pre-authorisation decision within (hours)"), default=6
    )
    preauth_deemed_approved = models.BooleanField(
        _("undecided pre-authorisations are deemed approved"), default=False
    )
    claim_submission_days = models.PositiveSmallIntegerField(_("claim within (days of discharge)"), default=7)
    claim_payment_days = models.PositiveSmallIntegerField(_("claim paid within (days)"), default=15)
    exclude_ab_pmjay = models.BooleanField(_("families in AB-PMJAY are excluded"), default=True)
    exclude_government_employees = models.BooleanField(
        _("government employees and pensioners are excluded"), default=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("scheme year")
        verbose_name_plural = _("scheme years")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="scheme_year_dates_ordered"),
            models.CheckConstraint(condition=Q(max_members_per_unit__gte=1), name="scheme_year_unit_size"),
        ]

    def __str__(self) -> str:
        return self.code


class Category(models.TextChoices):
    I = "I", _("Category I")  # noqa: E741 - the scheme's own name
    II = "II", _("Category II")
    III = "III", _("Category III")


class Criterion(models.TextChoices):
    """Facts about a family that put it in a category; `himcare/eligibility.py` evaluates each one."""

    BPL = "bpl", _("Below poverty line")
    STREET_VENDOR = "street_vendor", _("Registered street vendor in the family")
    MGNREGA_50_DAYS = "mgnrega_50_days", _("MGNREGA worker with at least 50 days")
    SENIOR_OVER_70 = "senior_over_70", _("Senior citizen over 70 in the family")
    CHILD_CARE_INSTITUTION = "child_care_institution", _("Child in a child care institution")
    EKAL_NAARI = "ekal_naari", _("Single woman (ekal naari) heading the family")
    DISABILITY_OVER_40 = "disability_over_40", _("Member with disability over 40%")
    MID_DAY_MEAL_WORKER = "mid_day_meal_worker", _("Mid-day-meal worker in the family")
    GOVERNMENT_CONTRACT_WORKER = (
        "government_contract_worker",
        _("Daily-wage, part-time, contract or outsourced worker of the State"),
    )
    ANGANWADI_OR_ASHA = "anganwadi_or_asha", _("Anganwadi worker/helper or ASHA in the family")
    EVERYONE_ELSE = "everyone_else", _("Any other eligible family")


class CategoryRule(models.Model):
    """A category of a scheme year: its premium and the criteria (any one suffices) that admit a family."""

    scheme_year = models.ForeignKey(
        SchemeYear, on_delete=models.CASCADE, related_name="category_rules", verbose_name=_("scheme year")
    )
    category = models.CharField(_("category"), max_length=3, choices=Category.choices)
    premium_paise = models.BigIntegerField(_("premium per year (paise)"))
    criteria = models.JSONField(
        _("criteria"), default=list, help_text=_("Codes of Criterion; any one suffices.")
    )

    class Meta:
        ordering = ["scheme_year", "premium_paise"]
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")
        constraints = [
            models.UniqueConstraint(fields=["scheme_year", "category"], name="category_rule_unique"),
            models.CheckConstraint(
                condition=Q(premium_paise__gte=0), name="category_rule_premium_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_year} {self.category}"


class PmjayFamily(models.Model):
    """A Him Parivar family the AB-PMJAY list covers (families in AB-PMJAY are not eligible for HIMCARE)."""

    personal_data = {"family": ENROLMENT_DATA, "ration_card_no": ENROLMENT_DATA}
    scope_paths = ScopePaths(district="family__district", state_roles=OFFICER_ROLES)

    family = models.OneToOneField(
        Family, on_delete=models.CASCADE, related_name="pmjay_listing", verbose_name=_("family")
    )
    ration_card_no = models.CharField(_("ration card number"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=100, help_text=_("The list and its date."))
    listed_on = models.DateField(_("listed on"))

    class Meta:
        verbose_name = _("AB-PMJAY family")
        verbose_name_plural = _("AB-PMJAY families")

    def __str__(self) -> str:
        return f"AB-PMJAY {self.family_id}"


# --- enrolment, payment and the card --------------------------------------------------------------------
class EnrolmentStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


LIVE_ENROLMENT_STATUSES = (EnrolmentStatus.PENDING_PAYMENT, EnrolmentStatus.ACTIVE)


class Channel(models.TextChoices):
    CITIZEN = "citizen", _("Citizen online")
    CSC = "csc", _("Lok Mitra / CSC")
    COUNTER = "counter", _("Facility counter")
    OFFICER = "officer", _("Scheme officer")


class CategorySource(models.TextChoices):
    RULES = "rules", _("Decided by the rules")
    OVERRIDE = "override", _("Set by an officer (documents recorded)")


class Enrolment(models.Model):
    """A family's enrolment for a scheme year. The card number is given when the enrolment becomes active."""

    personal_data = {
        "family": ENROLMENT_DATA,
        "category": ENROLMENT_DATA,
        "category_source": ENROLMENT_DATA,
        "override_reason": ENROLMENT_DATA,
        "cancellation_reason": ENROLMENT_DATA,
        "enrolled_by": STAFF_ACTION,
        "cancelled_by": STAFF_ACTION,
    }
    scope_paths = ScopePaths(
        district="family__district",
        owner_mobile="family__members__mobile",
        state_roles=OFFICER_ROLES,
    )

    enrolment_no = models.CharField(_("application number"), max_length=24, unique=True)
    card_number = models.CharField(_("card number"), max_length=24, unique=True, null=True, blank=True)
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="himcare_enrolments", verbose_name=_("family")
    )
    scheme_year = models.ForeignKey(
        SchemeYear, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("scheme year")
    )
    category = models.CharField(_("category"), max_length=3, choices=Category.choices)
    category_source = models.CharField(
        _("category decided by"), max_length=8, choices=CategorySource.choices, default=CategorySource.RULES
    )
    override_reason = models.CharField(_("reason for the override"), max_length=300, blank=True)
    premium_paise = models.BigIntegerField(_("premium (paise)"))
    units = models.PositiveSmallIntegerField(_("units"), default=1)
    cover_paise = models.BigIntegerField(_("annual cover (paise)"))
    status = models.CharField(
        _("status"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.PENDING_PAYMENT
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    enrolled_by = staff_reference(_("enrolled by"))
    renewal_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = staff_reference(_("cancelled by"))
    cancellation_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("HIMCARE enrolment")
        verbose_name_plural = _("HIMCARE enrolments")
        constraints = [
            # One card in force per family; beside it at most one enrolment awaiting payment (a renewal of the
            # active card, paid online later). The services refuse a new enrolment while one is live.
            models.UniqueConstraint(
                fields=["family"], condition=Q(status="active"), name="enrolment_one_active_per_family"
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(status="pending_payment"),
                name="enrolment_one_pending_per_family",
            ),
            models.CheckConstraint(condition=Q(premium_paise__gte=0), name="enrolment_premium_not_negative"),
            models.CheckConstraint(condition=Q(units__gte=1), name="enrolment_units_positive"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="enrolment_validity_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | (Q(card_number__isnull=False) & Q(valid_to__isnull=False)),
                name="enrolment_active_has_card",
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_to"]), models.Index(fields=["family", "status"])]

    def __str__(self) -> str:
        return self.card_number or self.enrolment_no


class EnrolledMember(models.Model):
    """A member covered by an enrolment, in unit `unit_no` (units hold at most max_members_per_unit)."""

    personal_data = {"member": ENROLMENT_DATA, "person": PERSON_LINK}
    scope_paths = ScopePaths(
        district="enrolment__family__district",
        owner_mobile="enrolment__family__members__mobile",
        state_roles=OFFICER_ROLES,
    )

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="members", verbose_name=_("enrolment")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="himcare_coverages", verbose_name=_("family member")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="himcare_coverages", verbose_name=_("person")
    )
    unit_no = models.PositiveSmallIntegerField(_("unit"), default=1)

    class Meta:
        ordering = ["enrolment", "unit_no", "id"]
        verbose_name = _("enrolled member")
        verbose_name_plural = _("enrolled members")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "member"], name="enrolled_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.member_id}"


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Online payment")
    COUNTER = "counter", _("Counter receipt")
    FREE = "free", _("No premium (free category)")


class PaymentStatus(models.TextChoices):
    INITIATED = "initiated", _("Initiated")
    SUCCESS = "success", _("Paid")
    FAILED = "failed", _("Failed")


class PremiumPayment(models.Model):
    """A premium payment for an enrolment: online through the gateway, or a receipt at a counter."""

    personal_data = {"received_by": STAFF_ACTION}
    scope_paths = ScopePaths(
        district="enrolment__family__district",
        owner_mobile="enrolment__family__members__mobile",
        state_roles=OFFICER_ROLES,
    )

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="payments", verbose_name=_("enrolment")
    )
    amount_paise = models.BigIntegerField(_("amount (paise)"))
    method = models.CharField(_("method"), max_length=8, choices=PaymentMethod.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.INITIATED
    )
    order_id = models.CharField(_("order id"), max_length=40, unique=True)
    gateway_payment_id = models.CharField(_("gateway payment id"), max_length=64, blank=True)
    receipt_no = models.CharField(_("receipt number"), max_length=40, blank=True)
    received_by = staff_reference(_("received by"))
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("premium payment")
        verbose_name_plural = _("premium payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount_paise__gte=0), name="payment_amount_not_negative"),
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(status="success"), name="payment_one_success_per_enrolment"
            ),
        ]

    def __str__(self) -> str:
        return self.order_id


# --- the family's annual cover ---------------------------------------------------------------------------
class Wallet(models.Model):
    """The family floater of one enrolment; spend only through `himcare/wallet.py` (conditional UPDATEs)."""

    scope_paths = ScopePaths(
        district="enrolment__family__district",
        owner_mobile="enrolment__family__members__mobile",
        state_roles=OFFICER_ROLES,
    )

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="wallet", verbose_name=_("enrolment")
    )
    cover_paise = models.BigIntegerField(_("cover (paise)"))
    blocked_paise = models.BigIntegerField(_("blocked (paise)"), default=0)
    consumed_paise = models.BigIntegerField(_("consumed (paise)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("family wallet")
        verbose_name_plural = _("family wallets")
        constraints = [
            models.CheckConstraint(condition=Q(blocked_paise__gte=0), name="wallet_blocked_not_negative"),
            models.CheckConstraint(condition=Q(consumed_paise__gte=0), name="wallet_consumed_not_negative"),
            models.CheckConstraint(
                condition=Q(cover_paise__gte=F("blocked_paise") + F("consumed_paise")),
                name="wallet_never_overspent",
            ),
        ]

    def __str__(self) -> str:
        return f"wallet {self.enrolment_id}"

    @property
    def available_paise(self) -> int:
        return self.cover_paise - self.blocked_paise - self.consumed_paise


class WalletEntryKind(models.TextChoices):
    BLOCK = "block", _("Blocked at pre-authorisation")
    RELEASE = "release", _("Released")
    CONSUME = "consume", _("Spent on an approved claim")


class WalletEntry(models.Model):
    """The wallet's ledger: every block, release and spend, so every rupee is accounted for."""

    personal_data = {"actor": STAFF_ACTION}
    scope_paths = ScopePaths(
        district="wallet__enrolment__family__district",
        owner_mobile="wallet__enrolment__family__members__mobile",
        state_roles=OFFICER_ROLES,
    )

    wallet = models.ForeignKey(
        Wallet, on_delete=models.PROTECT, related_name="entries", verbose_name=_("wallet")
    )
    case = models.ForeignKey(
        "Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wallet_entries",
        verbose_name=_("case"),
    )
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


# --- hospitals and packages ---------------------------------------------------------------------------------
class Specialty(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_hi = models.CharField(_("name in Hindi"), max_length=120, blank=True)
    personal_data_exempt = dict.fromkeys(("name", "name_hi"), "the name of a medical specialty")

    class Meta:
        ordering = ["code"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PackageKind(models.TextChoices):
    MEDICAL = "medical", _("Medical management")
    SURGICAL = "surgical", _("Surgical")
    DAY_CARE = "daycare", _("Day care")


class Package(models.Model):
    """A health benefit package: one row per package + procedure code, in the national HBP layout."""

    personal_data_exempt = {"name": "the name of a treatment package"}

    code = models.CharField(_("code"), max_length=16, unique=True, help_text=_("Package and procedure code."))
    package_code = models.CharField(_("package code"), max_length=12)
    procedure_code = models.CharField(_("procedure code"), max_length=16, blank=True)
    specialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, related_name="packages", verbose_name=_("specialty")
    )
    name = models.CharField(_("name"), max_length=300)
    rate_paise = models.BigIntegerField(_("rate (paise)"))
    kind = models.CharField(_("kind"), max_length=8, choices=PackageKind.choices)
    needs_preauth = models.BooleanField(_("needs pre-authorisation"), default=True)
    min_stay_days = models.PositiveSmallIntegerField(_("minimum stay (days)"), default=0)
    # A procedure a person can have only once in a lifetime (e.g. hysterectomy): a repeat is flagged.
    is_one_time = models.BooleanField(_("once in a lifetime"), default=False)
    is_illustrative = models.BooleanField(
        _("illustrative (not official rates)"),
        default=False,
        help_text=_("Demo data: not the national package master."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        constraints = [models.CheckConstraint(condition=Q(rate_paise__gt=0), name="package_rate_positive")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EmpanelmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Empanelment(models.Model):
    """A hospital empanelled for one specialty for a period."""

    personal_data = {"created_by": STAFF_ACTION}
    scope_paths = ScopePaths(
        facility="facility",
        district="facility__district",
        state_roles=OFFICER_ROLES | {"district_officer"},
    )

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="empanelments", verbose_name=_("hospital")
    )
    specialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, related_name="empanelments", verbose_name=_("specialty")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(
        _("status"), max_length=10, choices=EmpanelmentStatus.choices, default=EmpanelmentStatus.ACTIVE
    )
    order_ref = models.CharField(_("order reference"), max_length=100, blank=True)
    created_by = staff_reference(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["facility", "specialty"]
        verbose_name = _("empanelment")
        verbose_name_plural = _("empanelments")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "specialty", "valid_from"], name="empanelment_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="empanelment_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}/{self.specialty_id}"


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
    scope_paths = ScopePaths(
        facility="facility",
        district="facility__district",
        owner_mobile=("person__mobile", "enrolment__family__members__mobile"),
        state_roles=OFFICER_ROLES,
    )

    case_no = models.CharField(_("case number"), max_length=24, unique=True)
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="cases", verbose_name=_("enrolment")
    )
    enrolled_member = models.ForeignKey(
        EnrolledMember,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("patient (enrolled member)"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="himcare_cases", verbose_name=_("patient")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="himcare_cases", verbose_name=_("hospital")
    )
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
    # A typed reference to an encounter of the health records app (records), when it exists.
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


class CasePackage(models.Model):
    """A package booked for a case, with the rate in force when it was booked."""

    scope_paths = ScopePaths(
        facility="case__facility", district="case__facility__district", state_roles=OFFICER_ROLES
    )

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="packages", verbose_name=_("case"))
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="+", verbose_name=_("package")
    )
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
    scope_paths = ScopePaths(
        facility="case__facility", district="case__facility__district", state_roles=OFFICER_ROLES
    )

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="diagnoses", verbose_name=_("case"))
    icd10 = models.ForeignKey(
        Icd10Code, on_delete=models.PROTECT, related_name="+", verbose_name=_("ICD-10 code")
    )
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
    scope_paths = ScopePaths(
        facility="case__facility", district="case__facility__district", state_roles=OFFICER_ROLES
    )

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
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
    scope_paths = ScopePaths(
        facility="case__facility",
        district="case__facility__district",
        owner_mobile=("case__person__mobile", "case__enrolment__family__members__mobile"),
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
        owner_mobile=("enrolment__family__members__mobile", "case__enrolment__family__members__mobile"),
        state_roles=OFFICER_ROLES,
    )

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("enrolment"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("case"),
    )
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
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="flags", verbose_name=_("case")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="himcare_flags", verbose_name=_("hospital")
    )
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


# --- panchayat mapping (aggregates, no personal data) ------------------------------------------------------
class PanchayatCoverage(models.Model):
    """Scheme figures for one gram panchayat and scheme year, refreshed by `refresh_himcare_coverage`."""

    scope_paths = ScopePaths(district="gram_panchayat__district", state_roles=OFFICER_ROLES)
    personal_data_exempt = {"members_with_abha": "a count of people, not about a person"}

    scheme_year = models.ForeignKey(
        SchemeYear, on_delete=models.CASCADE, related_name="+", verbose_name=_("scheme year")
    )
    gram_panchayat = models.ForeignKey(
        GramPanchayat, on_delete=models.CASCADE, related_name="+", verbose_name=_("gram panchayat")
    )
    families = models.PositiveIntegerField(_("Him Parivar families"), default=0)
    eligible_families = models.PositiveIntegerField(_("eligible families"), default=0)
    enrolled_families = models.PositiveIntegerField(_("enrolled families"), default=0)
    members = models.PositiveIntegerField(_("members"), default=0)
    members_with_abha = models.PositiveIntegerField(_("members with ABHA"), default=0)
    preauths = models.PositiveIntegerField(_("pre-authorisations"), default=0)
    claims = models.PositiveIntegerField(_("claims"), default=0)
    claims_paise = models.BigIntegerField(_("claims amount (paise)"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("panchayat coverage")
        verbose_name_plural = _("panchayat coverage")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme_year", "gram_panchayat"], name="panchayat_coverage_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_year_id}/{self.gram_panchayat_id}"
