"""ABHA verification by staff: search by address, or ABHA number + OTP then profile. Each step is audited.

The OTP and the full profile never reach a log or the audit detail; the audit row names the ABHA masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from himswasthya.abdm.client import AbdmClient, AbhaProfile, AbhaSearchResult, OtpRequest
from himswasthya.abdm.errors import AbdmError
from himswasthya.abdm.otp import AbhaOtpFlow
from himswasthya.accounts.models import Role
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import DomainError, Forbidden
from himswasthya.core.validators import normalise_abha_number

VERIFY_ROLES = {Role.REGISTRATION_CLERK, Role.DOCTOR, Role.FACILITY_ADMIN, Role.STATE_ADMIN}
PENDING_OTP_SECONDS = 10 * 60
DEFAULT_PURPOSE = "registration"  # SEC-1 purpose code; "opd" when verifying at the OPD counter
PURPOSES = {"registration", "opd"}
_ADDRESS = re.compile(r"^[a-z0-9][a-z0-9._]{2,62}@[a-z]{2,20}$")


@dataclass(frozen=True)
class AbhaSummary:
    """What staff see after a search: enough to confirm the person, not the whole profile."""

    abha_address: str
    abha_number_masked: str
    name: str
    mobile_masked: str
    status: str
    auth_methods: list[str]


def mask_abha_number(digits: str) -> str:
    """91-XXXX-XXXX-7595: the form used in audit rows and search answers."""
    digits = re.sub(r"\D", "", digits or "")
    return f"{digits[:2]}-XXXX-XXXX-{digits[-4:]}" if len(digits) == 14 else "XX-XXXX-XXXX-XXXX"


def ensure_can_verify(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) not in VERIFY_ROLES:
        raise Forbidden(_("Only registration clerks, doctors and administrators can verify an ABHA."))


def clean_abha_address(value: str) -> str:
    address = (value or "").strip().lower()
    if address and "@" not in address:
        address = f"{address}@{settings.ABDM_CM_ID}"
    if not _ADDRESS.match(address):
        raise DomainError(
            _("Enter an ABHA address such as name.surname@sbx."), field="abha_address", code="invalid"
        )
    return address


def clean_abha_number(value: str) -> str:
    try:
        return normalise_abha_number(value)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="abha_number", code="invalid") from exc


def _audit(user: Any, *, object_id: str, purpose: str, step: str, outcome: str) -> None:
    if purpose and purpose not in PURPOSES:
        purpose = DEFAULT_PURPOSE
    with transaction.atomic():
        record(
            AuditAction.ABDM_VERIFY,
            object_type="abha",
            object_id=object_id,
            purpose=purpose or DEFAULT_PURPOSE,
            actor=user,
            facility_id=getattr(user, "facility_id", None),
            detail={"step": step, "outcome": outcome},
        )


def do_search_abha_address(
    user: Any, abha_address: str, *, purpose: str = "", client: AbdmClient | None = None
) -> AbhaSummary:
    ensure_can_verify(user)
    address = clean_abha_address(abha_address)
    try:
        found: AbhaSearchResult = (client or AbdmClient()).search_abha_address(address)
    except AbdmError as exc:
        _audit(user, object_id=address, purpose=purpose, step="search", outcome=exc.code)
        raise
    _audit(user, object_id=address, purpose=purpose, step="search", outcome="found")
    return AbhaSummary(
        abha_address=found.abha_address,
        abha_number_masked=mask_abha_number(found.abha_number),
        name=found.full_name,
        mobile_masked=found.masked_mobile,
        status=found.status,
        auth_methods=found.auth_methods,
    )


OTP_FLOW = AbhaOtpFlow("abdm:pending-otp", seconds=PENDING_OTP_SECONDS)


def do_request_abha_otp(
    user: Any,
    abha_number: str,
    *,
    otp_system: str = "abdm",
    purpose: str = "",
    client: AbdmClient | None = None,
) -> OtpRequest:
    """Ask ABDM to send an OTP (to the ABHA or Aadhaar mobile); remember the transaction for this user."""
    ensure_can_verify(user)
    digits = clean_abha_number(abha_number)
    if otp_system not in ("abdm", "aadhaar"):
        raise DomainError(_("Choose where the OTP is sent."), field="otp_system", code="invalid")
    masked = mask_abha_number(digits)
    try:
        started = OTP_FLOW.start(
            client or AbdmClient(),
            digits,
            otp_system=otp_system,
            remember={"user_id": user.pk, "abha": masked, "purpose": purpose},
        )
    except AbdmError as exc:
        _audit(user, object_id=masked, purpose=purpose, step="otp_request", outcome=exc.code)
        raise
    _audit(user, object_id=masked, purpose=purpose, step="otp_request", outcome="sent")
    return started


def do_confirm_abha_otp(user: Any, txn_id: str, otp: str, *, client: AbdmClient | None = None) -> AbhaProfile:
    """Check the OTP with ABDM and fetch the ABHA profile; only the user who asked for it may confirm."""
    ensure_can_verify(user)
    pending = OTP_FLOW.pending(txn_id, user_id=user.pk)
    if not re.fullmatch(r"\d{4,8}", otp or ""):
        raise DomainError(_("Enter the OTP the citizen received."), field="otp", code="invalid")
    try:
        profile = OTP_FLOW.confirm(client or AbdmClient(), txn_id, otp, pending)
    except AbdmError as exc:
        _audit(
            user, object_id=pending["abha"], purpose=pending["purpose"], step="otp_confirm", outcome=exc.code
        )
        raise
    _audit(
        user, object_id=pending["abha"], purpose=pending["purpose"], step="otp_confirm", outcome="verified"
    )
    return profile
