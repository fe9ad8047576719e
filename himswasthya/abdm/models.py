"""Models of the local ABDM simulator. The real client keeps no tables: tokens live in the cache."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from himswasthya.core.validators import format_abha_number


class SimulatedAbhaAccount(models.Model):
    """A synthetic ABHA account the simulator answers for (never a real person)."""

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
            models.CheckConstraint(
                condition=models.Q(abha_number__regex=r"^[0-9]{14}$"), name="sim_abha_14_digits"
            ),
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
    account = models.ForeignKey(SimulatedAbhaAccount, on_delete=models.CASCADE, verbose_name=_("account"))
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
