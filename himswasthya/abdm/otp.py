"""The one ABHA OTP flow: ask ABDM for an OTP, hold the transaction on the server, confirm it, fetch the
profile.

The ABHA check at the counter (services.py) and ABHA linking (linking.py) both go through it; each keeps
its own cache namespace (`name`), what it remembers about the transaction and its audit entries.

    flow = AbhaOtpFlow("abdm:pending-otp", seconds=600)
    started = flow.start(client, number, otp_system="abdm", remember={"user_id": user.pk, ...})
    pending = flow.pending(txn_id, user_id=user.pk)      # TXN_UNKNOWN unless it is this user's
    profile = flow.confirm(client, txn_id, otp, pending)  # OTP_FAILED names the field "otp"
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from himswasthya.abdm import errors
from himswasthya.abdm.client import AbdmClient, AbhaProfile, OtpRequest
from himswasthya.abdm.errors import AbdmError


class AbhaOtpFlow:
    def __init__(self, name: str, *, seconds: int):
        self.name = name
        self.seconds = seconds

    def key(self, txn_id: str) -> str:
        return f"{self.name}:{txn_id}"

    def start(
        self, client: AbdmClient, number: str, *, otp_system: str, remember: dict[str, Any]
    ) -> OtpRequest:
        """Ask ABDM to send an OTP for the ABHA `number`; hold `remember` (and the OTP scope) under its
        transaction. An AbdmError is the caller's to audit."""
        started = client.request_login_otp(number, otp_system=otp_system)
        self.hold(started.txn_id, {**remember, "scope": started.scope})
        return started

    def hold(self, txn_id: str, pending: dict[str, Any]) -> None:
        cache.set(self.key(txn_id), pending, timeout=self.seconds)

    def pending(self, txn_id: str, **owner: Any) -> dict[str, Any]:
        """What was held for `txn_id`, if it belongs to `owner` (e.g. user_id=..., person_id=...)."""
        pending = cache.get(self.key(str(txn_id)))
        if not pending or any(pending.get(name) != value for name, value in owner.items()):
            raise AbdmError(errors.TXN_UNKNOWN, field="txn_id")
        return pending

    def forget(self, txn_id: str) -> None:
        cache.delete(self.key(str(txn_id)))

    def confirm(self, client: AbdmClient, txn_id: str, otp: str, pending: dict[str, Any]) -> AbhaProfile:
        """Check the OTP with ABDM and fetch the ABHA profile; the transaction is then used up. A wrong OTP
        is an AbdmError on the field "otp"; any AbdmError is the caller's to audit (it is raised again)."""
        try:
            login = client.verify_login_otp(str(txn_id), otp, scope=pending["scope"])
            profile = client.fetch_profile(login.x_token)
        except AbdmError as exc:
            if exc.code == errors.OTP_FAILED:
                exc.field = "otp"
            raise
        self.forget(txn_id)
        return profile
