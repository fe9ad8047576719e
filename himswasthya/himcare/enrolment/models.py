"""HIMCARE enrolment: the scheme's rules (`SchemeYear`, `CategoryRule`), the AB-PMJAY list, enrolments with
their members, premium payments and the family's annual cover (`Wallet`, created at activation; spent through
`himcare/cases/wallet.py`).

Invariants held by the database: one active enrolment per family, and at most one awaiting payment (a
renewal); a wallet never spends more than its cover: blocked + consumed <= cover, and none of them negative.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from himswasthya.core.fields import cascade_fk, protected_fk
from himswasthya.core.privacy import PERSON_LINK, STAFF_ACTION
from himswasthya.core.scope_paths import ScopePaths
from himswasthya.himcare.common import ENROLMENT_DATA, OFFICER_ROLES, REASON_MAX_LENGTH, staff_reference
from himswasthya.himparivar.models import Family, Member
from himswasthya.people.models import Person


def enrolment_scope(family: str) -> ScopePaths:
    """Scope paths of HIMCARE enrolment data, reached through the link `family` to the enrolled family: the
    officer of the family's district, the family's own citizens and the HIMCARE officers see it; facility
    staff do not."""
    return ScopePaths(district=f"{family}__district", family=family, state_roles=OFFICER_ROLES)


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
    """Facts about a family that put it in a category; `enrolment/eligibility.py` evaluates each one."""

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

    scheme_year = cascade_fk(SchemeYear, related_name="category_rules", verbose_name=_("scheme year"))
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
    scope_paths = enrolment_scope("family")

    enrolment_no = models.CharField(_("application number"), max_length=24, unique=True)
    card_number = models.CharField(_("card number"), max_length=24, unique=True, null=True, blank=True)
    family = protected_fk(Family, related_name="himcare_enrolments", verbose_name=_("family"))
    scheme_year = protected_fk(SchemeYear, related_name="enrolments", verbose_name=_("scheme year"))
    category = models.CharField(_("category"), max_length=3, choices=Category.choices)
    category_source = models.CharField(
        _("category decided by"), max_length=8, choices=CategorySource.choices, default=CategorySource.RULES
    )
    override_reason = models.CharField(_("reason for the override"), max_length=REASON_MAX_LENGTH, blank=True)
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
    renewal_of = protected_fk("self", related_name="renewals", verbose_name=_("renews"), optional=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = staff_reference(_("cancelled by"))
    cancellation_reason = models.CharField(
        _("reason for cancelling"), max_length=REASON_MAX_LENGTH, blank=True
    )

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
    scope_paths = enrolment_scope("enrolment__family")

    enrolment = cascade_fk(Enrolment, related_name="members", verbose_name=_("enrolment"))
    member = protected_fk(Member, related_name="himcare_coverages", verbose_name=_("family member"))
    person = protected_fk(Person, related_name="himcare_coverages", verbose_name=_("person"))
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
    scope_paths = enrolment_scope("enrolment__family")

    enrolment = protected_fk(Enrolment, related_name="payments", verbose_name=_("enrolment"))
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
    """The family floater of one enrolment; spend only through `cases/wallet.py` (conditional UPDATEs)."""

    scope_paths = enrolment_scope("enrolment__family")

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
