"""Models of the local ABDM simulator. The real client keeps no tables: tokens live in the cache."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.core.crypto import EncryptedCharField
from himswasthya.core.fields import cascade_fk, protected_fk, user_reference
from himswasthya.core.privacy import PERSON_LINK, STAFF_ACTION, LegalBasis, PersonalData
from himswasthya.core.validators import format_abha_number
from himswasthya.people.models import person_scope

# An ABHA number as stored: its 14 digits (core.validators.normalise_abha_number).
ABHA_NUMBER_STORED = models.Q(abha_number__regex=r"^[0-9]{14}$")


class SimulatedAbhaAccount(models.Model):
    """A synthetic ABHA account the simulator answers for (never a real person)."""

    # SEC-1 register (core/privacy.py): synthetic, but shaped like the real thing, so declared like it.
    personal_data = dict.fromkeys(
        (
            *("abha_number", "abha_address", "first_name", "middle_name", "last_name", "gender"),
            *("year_of_birth", "month_of_birth", "day_of_birth", "mobile", "email", "address", "pincode"),
            "district_name",
        ),
        PersonalData(
            purposes=("abdm_testing",), basis=LegalBasis.CONSENT_6, note="synthetic accounts of the simulator"
        ),
    )
    personal_data_exempt = {"state_name": "always Himachal Pradesh"}

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")
        OTHER = "O", _("Other")

    abha_number = models.CharField(
        _("ABHA number"), max_length=14, unique=True, help_text=_("14 digits, Luhn-valid.")
    )
    abha_address = models.CharField(_("ABHA address"), max_length=64, unique=True)
    first_name = models.CharField(_("first name"), max_length=80)
    middle_name = models.CharField(_("middle name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"))
    month_of_birth = models.PositiveSmallIntegerField(_("month of birth"), null=True, blank=True)
    day_of_birth = models.PositiveSmallIntegerField(_("day of birth"), null=True, blank=True)
    mobile = models.CharField(_("mobile"), max_length=10)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    pincode = models.CharField(_("PIN code"), max_length=6, blank=True)
    district_name = models.CharField(_("district"), max_length=80, blank=True)
    state_name = models.CharField(_("state"), max_length=80, default="HIMACHAL PRADESH")
    status = models.CharField(_("status"), max_length=12, default="ACTIVE")
    kyc_verified = models.BooleanField(_("KYC verified"), default=True)

    class Meta:
        verbose_name = _("simulated ABHA account")
        verbose_name_plural = _("simulated ABHA accounts")
        constraints = [
            models.CheckConstraint(condition=ABHA_NUMBER_STORED, name="sim_abha_14_digits"),
            models.CheckConstraint(condition=models.Q(gender__in=["M", "F", "O"]), name="sim_abha_gender"),
            models.CheckConstraint(
                condition=models.Q(month_of_birth__isnull=True) | models.Q(month_of_birth__range=(1, 12)),
                name="sim_abha_month_range",
            ),
            models.CheckConstraint(
                condition=models.Q(day_of_birth__isnull=True) | models.Q(day_of_birth__range=(1, 31)),
                name="sim_abha_day_range",
            ),
        ]

    def __str__(self) -> str:
        return self.abha_address

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)

    @property
    def formatted_abha_number(self) -> str:
        return format_abha_number(self.abha_number)


class SimulatorKeyPair(models.Model):
    """The simulator's RSA keys, made once: one signs gateway JWTs, one decrypts what clients encrypt."""

    class Purpose(models.TextChoices):
        SIGNING = "signing", _("JWT signing")
        ENCRYPTION = "encryption", _("Encryption")

    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, unique=True)
    kid = models.CharField(_("key id"), max_length=64, unique=True)
    private_key_pem = models.TextField(_("private key (PEM)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("simulator key pair")
        verbose_name_plural = _("simulator key pairs")

    def __str__(self) -> str:
        return f"{self.purpose}:{self.kid}"


class SimulatedSession(models.Model):
    """A gateway session the simulator issued; deleting rows makes the tokens invalid (900901)."""

    jti = models.UUIDField(_("token id"), primary_key=True, default=uuid.uuid4)
    client_id = models.CharField(_("client id"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("simulated gateway session")
        verbose_name_plural = _("simulated gateway sessions")

    def __str__(self) -> str:
        return f"{self.client_id}:{self.jti}"


class SimulatedOtpTransaction(models.Model):
    txn_id = models.UUIDField(_("transaction id"), primary_key=True, default=uuid.uuid4)
    account = cascade_fk(SimulatedAbhaAccount, verbose_name=_("account"))
    scope = models.JSONField(_("scope"), default=list)
    otp_system = models.CharField(_("OTP system"), max_length=10)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("simulated OTP transaction")
        verbose_name_plural = _("simulated OTP transactions")

    def __str__(self) -> str:
        return str(self.txn_id)


class SimulatedGatewayCall(models.Model):
    """What the simulator received on its asynchronous gateway endpoints (on-share...), for tests, demos."""

    path = models.CharField(_("path"), max_length=200)
    request_id = models.CharField(_("REQUEST-ID"), max_length=64)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.JSONField(_("body"), default=dict)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("simulated gateway call")
        verbose_name_plural = _("simulated gateway calls")

    def __str__(self) -> str:
        return f"{self.path} {self.request_id}"


# ---- Linking an ABHA to a Person of the patient index (issue #3 item 5) ----------


class LinkChannel(models.TextChoices):
    STAFF = "staff", _("Staff at a facility")
    CITIZEN = "citizen", _("Citizen self-service")
    REVIEW = "review", _("Supervisor review")


class AbhaLinkConsent(models.Model):
    """SEC-10: the ABDM consent text was shown and "I agree" given before any OTP was requested."""

    scope_paths = person_scope(owner="given_by")
    personal_data = {  # SEC-1 register (core/privacy.py)
        "person": PERSON_LINK,
        "given_by": PersonalData(purposes=("abha_linking",), basis=LegalBasis.CONSENT_6),
    }

    person = protected_fk("people.Person", related_name="abha_link_consents", verbose_name=_("person"))
    given_by = user_reference(_("recorded by"), optional=False, related_name="abha_link_consents")
    channel = models.CharField(_("channel"), max_length=10, choices=LinkChannel.choices)
    text_version = models.CharField(_("consent text version"), max_length=40)
    language = models.CharField(_("language"), max_length=10)
    # The exact text shown, by its SHA-256, so a later change of wording cannot be passed off as this one.
    text_sha256 = models.CharField(_("consent text SHA-256"), max_length=64)
    agreed_at = models.DateTimeField(_("agreed at"), default=timezone.now)

    class Meta:
        verbose_name = _("ABHA verification consent")
        verbose_name_plural = _("ABHA verification consents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(text_sha256__regex=r"^[0-9a-f]{64}$"), name="abha_consent_sha256"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text_version} {self.agreed_at:%Y-%m-%d %H:%M}"


class AbhaLinkRequest(models.Model):
    """A link the score could not decide (grey zone) or that conflicts with an existing one: for review."""

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Pending")
        APPROVED = "APPROVED", _("Approved")
        REJECTED = "REJECTED", _("Rejected")

    class Reason(models.TextChoices):
        GREY_ZONE = "GREY_ZONE", _("Match score in the review range")
        CONFLICT = "CONFLICT", _("Conflicts with an existing link")

    scope_paths = person_scope()
    personal_data = {  # SEC-1 register (core/privacy.py): ABHA linking is done on the person's consent.
        "person": PERSON_LINK,
        **dict.fromkeys(
            (
                *("abha_number", "abha_address", "profile_name", "profile_gender"),
                *("profile_year_of_birth", "profile_mobile_masked"),
            ),
            PersonalData(purposes=("abha_linking", "data_quality"), basis=LegalBasis.CONSENT_6),
        ),
        "requested_by": STAFF_ACTION,
        "decided_by": STAFF_ACTION,
    }

    person = protected_fk("people.Person", related_name="abha_link_requests", verbose_name=_("person"))
    abha_number = models.CharField(_("ABHA number"), max_length=14)
    abha_address = models.CharField(_("ABHA address"), max_length=64, blank=True)
    # What ABDM said about the ABHA holder: only what the reviewer needs to compare.
    profile_name = models.CharField(_("name on the ABHA"), max_length=200)
    profile_gender = models.CharField(_("sex on the ABHA"), max_length=1, blank=True)
    profile_year_of_birth = models.PositiveSmallIntegerField(
        _("year of birth on the ABHA"), null=True, blank=True
    )
    profile_mobile_masked = models.CharField(_("mobile on the ABHA (masked)"), max_length=16, blank=True)
    score = models.PositiveSmallIntegerField(_("match score"))
    breakdown = models.JSONField(_("score breakdown"), default=list)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    conflict_code = models.CharField(_("conflict"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=LinkChannel.choices)
    purpose = models.CharField(_("purpose"), max_length=40)
    consent = protected_fk(AbhaLinkConsent, verbose_name=_("consent"), optional=True)
    requested_by = user_reference(_("requested by"), optional=False)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = user_reference(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("ABHA link request")
        verbose_name_plural = _("ABHA link requests")
        constraints = [
            models.CheckConstraint(condition=ABHA_NUMBER_STORED, name="abha_link_request_number"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="abha_link_request_score"),
            models.CheckConstraint(
                condition=models.Q(status="PENDING", decided_by__isnull=True, decided_at__isnull=True)
                | (
                    ~models.Q(status="PENDING") & models.Q(decided_by__isnull=False, decided_at__isnull=False)
                ),
                name="abha_link_request_decided",
            ),
            # One open question per person and ABHA: asking twice does not queue it twice.
            models.UniqueConstraint(
                fields=["person", "abha_number"],
                condition=models.Q(status="PENDING"),
                name="abha_link_request_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="abha_link_request_queue")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.get_status_display()}"


class AbhaLinkEvent(models.Model):
    """Append-only history of a person's ABHA links: linked, unlinked, queued, approved, rejected, refused.

    The identifier rows live in people.PersonIdentifier and are deleted on unlinking; this keeps what was
    linked, by whom, when and why."""

    class Action(models.TextChoices):
        LINKED = "LINKED", _("Linked")
        UNLINKED = "UNLINKED", _("Unlinked")
        QUEUED = "QUEUED", _("Sent for review")
        APPROVED = "APPROVED", _("Approved")
        REJECTED = "REJECTED", _("Rejected")
        REFUSED = "REFUSED", _("Refused")

    scope_paths = person_scope()
    personal_data = {  # SEC-1 register (core/privacy.py)
        "person": PERSON_LINK,
        **dict.fromkeys(
            ("abha_number", "abha_address"),
            PersonalData(purposes=("abha_linking", "accountability"), basis=LegalBasis.CONSENT_6),
        ),
        "actor": STAFF_ACTION,
    }

    person = protected_fk("people.Person", related_name="abha_link_events", verbose_name=_("person"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    abha_number = models.CharField(_("ABHA number"), max_length=14)
    abha_address = models.CharField(_("ABHA address"), max_length=64, blank=True)
    score = models.PositiveSmallIntegerField(_("match score"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=LinkChannel.choices)
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    request = protected_fk(AbhaLinkRequest, related_name="events", verbose_name=_("request"), optional=True)
    actor = user_reference(_("by"), optional=False)
    actor_role = models.CharField(_("role"), max_length=20)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ABHA link event")
        verbose_name_plural = _("ABHA link events")
        constraints = [
            models.CheckConstraint(condition=ABHA_NUMBER_STORED, name="abha_link_event_number"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.action}"


# ---- The HIP role (issue #13 item 7): care contexts, consents, health-information transfers ----

ABHA_FOR_LINKING = PersonalData(purposes=("health_information_exchange",), basis=LegalBasis.CONSENT_6)


class CareContextChannel(models.TextChoices):
    HIP = "hip", _("Linked by the facility (HIP-initiated)")
    USER = "user", _("Linked by the patient (discovery)")


class CareContextLink(models.Model):
    """One care context (a signed visit or admission) of a person, as linked to their ABHA at ABDM.

    PENDING: to be linked; REQUESTED: link/carecontext sent, waiting for on_carecontext; LINKED; FAILED (with
    ABDM's code; retried by `link_care_contexts`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be linked")
        REQUESTED = "requested", _("Link requested")
        LINKED = "linked", _("Linked")
        FAILED = "failed", _("Link failed")

    scope_paths = person_scope()
    personal_data = {
        "person": PERSON_LINK,
        "abha_address": ABHA_FOR_LINKING,
        "display": PersonalData(
            purposes=("health_information_exchange",), basis=LegalBasis.CONSENT_6, note="visit kind and date"
        ),
    }

    person = protected_fk("people.Person", related_name="care_context_links", verbose_name=_("person"))
    hip_id = models.CharField(_("HIP id"), max_length=40)
    abha_address = models.CharField(_("ABHA address"), max_length=64)
    reference = models.CharField(_("care context reference"), max_length=64)
    patient_reference = models.CharField(_("patient reference"), max_length=64)
    hi_type = models.CharField(_("HI type"), max_length=40)
    display = models.CharField(_("display"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    channel = models.CharField(_("channel"), max_length=6, choices=CareContextChannel.choices)
    request_id = models.CharField(_("REQUEST-ID of the link request"), max_length=64, blank=True)
    error_code = models.CharField(_("ABDM error"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("care context link")
        verbose_name_plural = _("care context links")
        constraints = [
            models.UniqueConstraint(fields=["hip_id", "reference"], name="care_context_one_per_reference"),
            models.CheckConstraint(
                condition=models.Q(status="linked", linked_at__isnull=False) | ~models.Q(status="linked"),
                name="care_context_linked_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "hip_id", "abha_address"], name="care_context_work")]

    def __str__(self) -> str:
        return f"{self.hip_id}:{self.reference}"


class LinkTokenRequest(models.Model):
    """A generate-token request (HIP-initiated linking, step 1) and the link token it brought back.

    The rows count the requests for ABDM's limit (ABDM_LINK_TOKEN_MAX_PER_DAY per HIP and ABHA address in 24
    hours) and keep the token (sealed at rest) until it expires (ABDM_LINK_TOKEN_TTL_DAYS)."""

    personal_data = {"abha_address": ABHA_FOR_LINKING}
    personal_data_exempt = {"link_token": "a bearer token of ABDM's, sealed; no personal data in clear"}

    hip_id = models.CharField(_("HIP id"), max_length=40)
    abha_address = models.CharField(_("ABHA address"), max_length=64)
    request_id = models.CharField(_("REQUEST-ID"), max_length=64, unique=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    link_token = EncryptedCharField(_("link token"), max_length=6000, blank=True)
    expires_at = models.DateTimeField(_("token expires at"), null=True, blank=True)
    error_code = models.CharField(_("ABDM error"), max_length=40, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("link token request")
        verbose_name_plural = _("link token requests")
        indexes = [models.Index(fields=["hip_id", "abha_address", "requested_at"], name="link_token_recent")]

    def __str__(self) -> str:
        return f"{self.hip_id}:{self.request_id}"


class LinkingTransaction(models.Model):
    """User-initiated linking: a discovery (care contexts offered), then init (OTP sent), then confirm."""

    class Status(models.TextChoices):
        DISCOVERED = "discovered", _("Care contexts offered")
        OTP_SENT = "otp_sent", _("OTP sent")
        LINKED = "linked", _("Linked")
        FAILED = "failed", _("Failed")

    scope_paths = person_scope()
    personal_data = {"person": PERSON_LINK, "abha_address": ABHA_FOR_LINKING}
    personal_data_exempt = {"otp_hash": "a salted hash of a one-time code, never the code"}

    transaction_id = models.CharField(_("transaction id"), max_length=64, unique=True)
    hip_id = models.CharField(_("HIP id"), max_length=40)
    person = protected_fk("people.Person", related_name="+", verbose_name=_("person"))
    abha_address = models.CharField(_("ABHA address"), max_length=64)
    offered = models.JSONField(_("care contexts offered"), default=list)
    chosen = models.JSONField(_("care contexts chosen"), default=list)
    link_reference = models.CharField(_("link reference"), max_length=64, blank=True, db_index=True)
    otp_hash = models.CharField(_("OTP hash"), max_length=128, blank=True)
    otp_expires_at = models.DateTimeField(_("OTP expires at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DISCOVERED)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("user-initiated linking")
        verbose_name_plural = _("user-initiated linkings")

    def __str__(self) -> str:
        return self.transaction_id


class HipConsent(models.Model):
    """A consent artefact ABDM notified us of (SEC-11): what may be shared, with whom, until when.

    On REVOKED or EXPIRED the artefact's content is erased (care contexts, HI types, dates) and the row keeps
    only its id and status, so a later request under it is refused."""

    class Status(models.TextChoices):
        GRANTED = "GRANTED", _("Granted")
        REVOKED = "REVOKED", _("Revoked")
        EXPIRED = "EXPIRED", _("Expired")
        DENIED = "DENIED", _("Denied")

    personal_data = {
        "patient_id": ABHA_FOR_LINKING,
        "care_contexts": PersonalData(purposes=("health_information_exchange",), basis=LegalBasis.CONSENT_6),
    }

    personal_data_exempt = {"signature": "the consent manager's signature over the artefact, not a person's"}

    consent_id = models.CharField(_("consent id"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    hip_id = models.CharField(_("HIP id"), max_length=40, blank=True)
    patient_id = models.CharField(_("patient (ABHA address)"), max_length=64, blank=True)
    care_contexts = models.JSONField(_("care contexts"), default=list)
    hi_types = models.JSONField(_("HI types"), default=list)
    purpose = models.CharField(_("purpose"), max_length=20, blank=True)
    date_from = models.DateTimeField(_("from"), null=True, blank=True)
    date_to = models.DateTimeField(_("to"), null=True, blank=True)
    data_erase_at = models.DateTimeField(_("erase data at"), null=True, blank=True)
    signature = models.TextField(_("signature"), blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent artefact")
        verbose_name_plural = _("consent artefacts")

    def __str__(self) -> str:
        return f"{self.consent_id}:{self.status}"


class HealthInformationTransfer(models.Model):
    """One health-information request (a transaction) and what we pushed for it."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        REFUSED = "refused", _("Refused")
        TRANSFERRED = "transferred", _("Transferred")
        FAILED = "failed", _("Failed")

    personal_data_exempt = {
        "entries": "care context references and delivery status only",
        "key_material": "the HIU's public key and nonce",
    }

    transaction_id = models.CharField(_("transaction id"), max_length=64, unique=True)
    request_id = models.CharField(_("REQUEST-ID"), max_length=64)
    hip_id = models.CharField(_("HIP id"), max_length=40)
    consent = protected_fk(HipConsent, related_name="transfers", verbose_name=_("consent"), optional=True)
    consent_ref = models.CharField(_("consent id asked for"), max_length=64)
    date_from = models.DateTimeField(_("from"), null=True, blank=True)
    date_to = models.DateTimeField(_("to"), null=True, blank=True)
    data_push_url = models.URLField(_("data push URL"), max_length=500, blank=True)
    key_material = models.JSONField(_("key material"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    error_code = models.CharField(_("error"), max_length=40, blank=True)
    entries = models.JSONField(_("entries"), default=list)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("health-information transfer")
        verbose_name_plural = _("health-information transfers")

    def __str__(self) -> str:
        return f"{self.transaction_id}:{self.status}"


# ---- the simulator's side of linking and data transfer ----


class SimulatedLinkedCareContext(models.Model):
    """A care context the simulated ABDM holds as linked to an ABHA address."""

    personal_data = {
        "abha_address": PersonalData(
            purposes=("abdm_testing",), basis=LegalBasis.CONSENT_6, note="simulator data"
        )
    }

    abha_address = models.CharField(_("ABHA address"), max_length=64)
    hip_id = models.CharField(_("HIP id"), max_length=40)
    patient_reference = models.CharField(_("patient reference"), max_length=64)
    reference = models.CharField(_("care context reference"), max_length=64)
    hi_type = models.CharField(_("HI type"), max_length=40)
    display = models.CharField(_("display"), max_length=120)
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("simulated linked care context")
        verbose_name_plural = _("simulated linked care contexts")
        constraints = [
            models.UniqueConstraint(fields=["hip_id", "reference"], name="sim_care_context_once"),
        ]

    def __str__(self) -> str:
        return f"{self.abha_address}:{self.reference}"


class SimulatedHiuTransfer(models.Model):
    """The simulator as an HIU: the key pair it sent with a health-information request, and what it found
    when the HIP pushed (per entry: decrypted, checksum, resourceType)."""

    personal_data_exempt = {"results": "decryption results, no health data", "private_key": "simulator key"}

    transaction_id = models.CharField(_("transaction id"), max_length=64, unique=True)
    consent_id = models.CharField(_("consent id"), max_length=64)
    private_key = models.CharField(_("private key (base64)"), max_length=100)
    nonce = models.CharField(_("nonce (base64)"), max_length=100)
    results = models.JSONField(_("results"), default=list)
    pushed_at = models.DateTimeField(_("pushed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("simulated HIU transfer")
        verbose_name_plural = _("simulated HIU transfers")

    def __str__(self) -> str:
        return self.transaction_id
