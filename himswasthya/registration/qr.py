"""What the OPD slip's QR code carries: the appointment number, signed so that a forged code is refused."""

from django.core import signing
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError

_SALT = "himswasthya.registration.slip"
_PREFIX = "HSOPD:"


def slip_qr_payload(appointment_number: str) -> str:
    return _PREFIX + signing.dumps(appointment_number, salt=_SALT, compress=True)


def appointment_number_from_qr(payload: str) -> str:
    """The appointment number in a scanned slip, or a clear error for anything else."""
    text = (payload or "").strip()
    if not text.startswith(_PREFIX):
        raise DomainError(_("This is not a HimSwasthya OPD slip code."), field="qr", code="qr_invalid")
    try:
        return str(signing.loads(text[len(_PREFIX) :], salt=_SALT))
    except signing.BadSignature as exc:
        message = _("This slip code is damaged or was altered.")
        raise DomainError(message, field="qr", code="qr_invalid") from exc
