"""Him Parivar family register: Family and its Members, each Member linked to a Person of the patient index.

The register's real schema is not published; this follows the modelled schema of domain.md section 2.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from himswasthya.core.fields import cascade_fk, set_null_fk
from himswasthya.core.privacy import PERSON_LINK, STAFF_ACTION, LegalBasis, PersonalData
from himswasthya.core.scope_paths import ScopePaths
from himswasthya.core.validators import validate_aadhaar_last4
from himswasthya.people.models import Person, Sex
from himswasthya.places.models import Block, District, GramPanchayat, place_link

# SEC-1: the register is kept to deliver State services (DPDP s.7(b)): family benefits and HIMCARE enrolment.
FAMILY_REGISTER = PersonalData(
    purposes=("family_register", "himcare_enrolment"), basis=LegalBasis.STATE_SERVICE_7B
)
MEMBER_DETAILS = PersonalData(
    purposes=("family_register", "identification", "himcare_enrolment"), basis=LegalBasis.STATE_SERVICE_7B
)

# For accounts.scoping: facility staff and district officers see their district's families and members;
# HIMCARE officers (enrolment) and the state administrator see every family.
REGISTER_STATE_ROLES = frozenset({"state_admin", "himcare_officer"})


class AreaType(models.TextChoices):
    RURAL = "RURAL", _("Rural")
    URBAN = "URBAN", _("Urban")


class RationCardType(models.TextChoices):
    AAY = "AAY", _("Antyodaya Anna Yojana")
    PHH = "PHH", _("Priority household")
    NFSA = "NFSA", _("Other NFSA")
    STATE = "STATE", _("State subsidised (APL)")
    NONE = "NONE", _("No ration card")


class IncomeBand(models.TextChoices):
    BELOW_1L = "LT1L", _("Below ₹1 lakh a year")
    FROM_1L_TO_2_5L = "1L-2.5L", _("₹1–2.5 lakh a year")
    FROM_2_5L_TO_5L = "2.5L-5L", _("₹2.5–5 lakh a year")
    ABOVE_5L = "GT5L", _("Above ₹5 lakh a year")


class SocialCategory(models.TextChoices):
    GENERAL = "GEN", _("General")
    OBC = "OBC", _("Other Backward Classes")
    SC = "SC", _("Scheduled Caste")
    ST = "ST", _("Scheduled Tribe")


class VerificationStatus(models.TextChoices):
    PENDING = "PENDING", _("Pending verification")
    VERIFIED = "VERIFIED", _("Verified")
    REJECTED = "REJECTED", _("Rejected")


class Family(models.Model):
    holds_personal_data = True
    personal_data = dict.fromkeys(
        (
            "head",
            "address",
            "gram_panchayat",
            "ration_card_no",
            "ration_card_type",
            "is_bpl",
            "income_band",
            "social_category",
        ),
        FAMILY_REGISTER,
    )
    """A family of the Parivar Register, enrolled through its gram panchayat (or urban local body)."""

    scope_paths = ScopePaths(
        facility="district__facilities", district="district", family="pk", state_roles=REGISTER_STATE_ROLES
    )

    family_id = models.CharField(_("family id"), max_length=32, unique=True)
    is_temporary = models.BooleanField(
        _("temporary family id"), default=False, help_text=_("Issued on a ration card, pending verification.")
    )
    # Points at the member id (not the row id) so a family and its head can be written in one pass.
    head = set_null_fk("Member", to_field="member_id", related_name="+", verbose_name=_("head of family"))
    area_type = models.CharField(_("area"), max_length=5, choices=AreaType.choices, default=AreaType.RURAL)
    district = place_link(District, "families")
    block = place_link(Block, "families", optional=True)
    gram_panchayat = place_link(GramPanchayat, "families", optional=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    ration_card_no = models.CharField(_("ration card number"), max_length=20, blank=True)
    ration_card_type = models.CharField(
        _("ration card type"), max_length=5, choices=RationCardType.choices, default=RationCardType.NONE
    )
    is_bpl = models.BooleanField(_("below poverty line"), default=False)
    income_band = models.CharField(_("income band"), max_length=8, choices=IncomeBand.choices, blank=True)
    social_category = models.CharField(
        _("social category"), max_length=3, choices=SocialCategory.choices, blank=True
    )
    verification_status = models.CharField(
        _("verification status"),
        max_length=8,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated for demonstration; not a real family.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Written by the register import/sync: hash of the imported fields (unchanged rows are not rewritten).
    # DB defaults so the population generator's COPY, which does not name these columns, still works.
    row_hash = models.CharField(_("row hash"), max_length=40, blank=True, default="", db_default="")
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        indexes = [models.Index(fields=["ration_card_no"], name="family_ration_card_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ration_card_type="NONE") | ~models.Q(ration_card_no=""),
                name="family_ration_card_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.family_id


class Relation(models.TextChoices):
    SELF = "SELF", _("Self (head)")
    WIFE = "WIFE", _("Wife")
    HUSBAND = "HUSBAND", _("Husband")
    SON = "SON", _("Son")
    DAUGHTER = "DAUGHTER", _("Daughter")
    DAUGHTER_IN_LAW = "DIL", _("Daughter-in-law")
    SON_IN_LAW = "SIL", _("Son-in-law")
    FATHER = "FATHER", _("Father")
    MOTHER = "MOTHER", _("Mother")
    GRANDSON = "GSON", _("Grandson")
    GRANDDAUGHTER = "GDAUGHTER", _("Granddaughter")
    BROTHER = "BROTHER", _("Brother")
    SISTER = "SISTER", _("Sister")
    OTHER = "OTHER", _("Other relative")


class MaritalStatus(models.TextChoices):
    NEVER_MARRIED = "NEVER", _("Never married")
    MARRIED = "MARRIED", _("Married")
    WIDOWED = "WIDOWED", _("Widowed")
    DIVORCED = "DIVORCED", _("Divorced")
    SEPARATED = "SEPARATED", _("Separated")


class MemberStatus(models.TextChoices):
    ALIVE = "ALIVE", _("Resident")
    MIGRATED = "MIGRATED", _("Migrated")
    DECEASED = "DECEASED", _("Deceased")


class Occupation(models.TextChoices):
    """The occupation groups scheme eligibility rules look at (HIMCARE categories, domain.md section 3)."""

    NONE = "", _("Not recorded")
    GOVERNMENT_EMPLOYEE = "GOVT_EMP", _("Government employee")
    GOVERNMENT_PENSIONER = "GOVT_PEN", _("Government pensioner")
    STREET_VENDOR = "VENDOR", _("Registered street vendor")
    MGNREGA_WORKER = "MGNREGA", _("MGNREGA worker")
    MID_DAY_MEAL_WORKER = "MDM", _("Mid-day-meal worker")
    GOVERNMENT_CONTRACT_WORKER = "CONTRACT", _("Daily-wage, part-time, contract or outsourced worker (State)")
    ANGANWADI_OR_ASHA = "AWW_ASHA", _("Anganwadi worker/helper or ASHA")
    FARMER = "FARMER", _("Farmer")
    PRIVATE_EMPLOYEE = "PRIVATE", _("Private employee")
    SELF_EMPLOYED = "SELF", _("Self-employed")
    STUDENT = "STUDENT", _("Student")
    HOMEMAKER = "HOME", _("Homemaker")
    OTHER = "OTHER", _("Other")


class Member(models.Model):
    holds_personal_data = True
    personal_data = {
        "person": PERSON_LINK,
        **dict.fromkeys(
            (
                "name_roman",
                "name_deva",
                "sex",
                "date_of_birth",
                "year_of_birth",
                "relation",
                "marital_status",
                "status",
                "date_of_death",
                "occupation",
                "disability_percent",
                "mgnrega_days",
                "in_child_care_institution",
            ),
            MEMBER_DETAILS,
        ),
        "mobile": PersonalData(
            purposes=("family_register", "contact", "login"), basis=LegalBasis.STATE_SERVICE_7B
        ),
        "aadhaar_last4": PersonalData(
            purposes=("identification",),
            basis=LegalBasis.STATE_SERVICE_7B,
            note="last four digits only (SEC-16)",
        ),
    }
    """A member of a family as the register records them; `person` is our link to the patient index."""

    scope_paths = ScopePaths(
        facility="family__district__facilities",
        district="family__district",
        family="family",
        state_roles=REGISTER_STATE_ROLES,
    )

    member_id = models.CharField(_("member id"), max_length=32, unique=True)
    family = cascade_fk(Family, related_name="members", verbose_name=_("family"))
    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="himparivar_member", verbose_name=_("person")
    )
    relation = models.CharField(_("relation to head"), max_length=10, choices=Relation.choices)
    name_roman = models.CharField(_("name (Roman)"), max_length=200)
    name_deva = models.CharField(_("name (Devanagari)"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"))
    mobile = models.CharField(_("mobile"), max_length=10, null=True, blank=True)
    aadhaar_last4 = models.CharField(
        _("Aadhaar (last four digits)"), max_length=4, blank=True, validators=[validate_aadhaar_last4]
    )
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=MaritalStatus.choices, default=MaritalStatus.NEVER_MARRIED
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.ALIVE
    )
    # Eligibility facts the register holds (HIMCARE categories are decided from them).
    occupation = models.CharField(
        _("occupation"), max_length=8, choices=Occupation.choices, blank=True, default="", db_default=""
    )
    disability_percent = models.PositiveSmallIntegerField(
        _("disability (%)"),
        default=0,
        db_default=0,
        help_text=_("From the disability certificate; 0 if none."),
    )
    mgnrega_days = models.PositiveSmallIntegerField(
        _("MGNREGA days worked"),
        default=0,
        db_default=0,
        help_text=_("The larger of the current and the previous financial year."),
    )
    in_child_care_institution = models.BooleanField(
        _("lives in a child care institution"), default=False, db_default=False
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)
    row_hash = models.CharField(_("row hash"), max_length=40, blank=True, default="", db_default="")
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        indexes = [models.Index(fields=["mobile"], name="member_mobile_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(aadhaar_last4="") | models.Q(aadhaar_last4__regex=r"^[0-9]{4}$"),
                name="member_aadhaar_last4_only",
            ),
            models.CheckConstraint(condition=models.Q(sex__in=["M", "F", "O"]), name="member_sex_valid"),
            models.CheckConstraint(
                condition=models.Q(disability_percent__lte=100), name="member_disability_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.name_roman}"


def head_of(family: Family, members: list[Member]) -> Member | None:
    """The head among `members` (`Family.head` points at the member id), else the member related as SELF."""
    return next((m for m in members if m.member_id == family.head_id), None) or next(
        (m for m in members if m.relation == Relation.SELF), None
    )


def family_contact_mobile(family: Family, members: list[Member] | None = None) -> str | None:
    """The one rule for the family's contact mobile: the living head's, else another living member's (in
    member order). `members`: the family's members when already loaded (the living are picked here)."""
    rows = list(family.members.all()) if members is None else members
    alive = [m for m in rows if m.status == MemberStatus.ALIVE]
    head = head_of(family, alive)
    if head and head.mobile:
        return head.mobile
    return next((m.mobile for m in alive if m.mobile), None)


# --- import and sync bookkeeping -------------------------------------------------------------------
class ImportRun(models.Model):
    personal_data = {"started_by": STAFF_ACTION}
    personal_data_exempt = {"file_name": "the uploaded file's name"}
    """One import of a register export: who, what file, the counts. No personal data beyond the file path."""

    started_by = set_null_fk("accounts.User", verbose_name=_("started by"))
    file_name = models.CharField(_("file name"), max_length=200)
    stored_path = models.CharField(_("stored file"), max_length=500, blank=True)
    error_report_path = models.CharField(_("error report"), max_length=500, blank=True)
    file_format = models.CharField(_("format"), max_length=5)
    dry_run = models.BooleanField(_("dry run"), default=False)
    counts = models.JSONField(_("counts"), default=dict)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class SyncState(models.Model):
    personal_data_exempt = {"name": "the name of the sync channel, not of a person"}
    """Where the incremental sync stands: the register's cursor, stored in the transaction of its page."""

    name = models.CharField(_("name"), max_length=30, unique=True, default="default")
    cursor = models.CharField(_("cursor"), max_length=100, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    changes_applied = models.PositiveIntegerField(_("changes applied"), default=0)
    changes_rejected = models.PositiveIntegerField(_("changes rejected"), default=0)
    last_counts = models.JSONField(_("counts of the last run"), default=dict)

    class Meta:
        verbose_name = _("register sync state")
        verbose_name_plural = _("register sync states")

    def __str__(self) -> str:
        return f"{self.name}: {self.cursor or '-'}"


class ChangeType(models.TextChoices):
    MEMBER_ADDED = "member.added", _("Member added")
    MEMBER_UPDATED = "member.updated", _("Member updated")
    MEMBER_MOVED = "member.moved", _("Member moved")
    MEMBER_DECEASED = "member.deceased", _("Member deceased")
    FAMILY_SPLIT = "family.split", _("Family split")


class SimulatedChange(models.Model):
    """A change served by the local simulator of the register's API (tests and demo only)."""

    change_type = models.CharField(_("change type"), max_length=20, choices=ChangeType.choices)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("simulated register change")
        verbose_name_plural = _("simulated register changes")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.pk} {self.change_type}"
