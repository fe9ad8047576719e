"""Validators shared by every app: ABHA number (Luhn), Indian mobile, Aadhaar masking."""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s-]")
_MOBILE = re.compile(r"^[6-9]\d{9}$")


def luhn_check_digit(payload: str) -> int:
    """Check digit that makes payload+digit pass Luhn (NHA's ABHA generator, domain.md 1.1)."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:  # the rightmost payload digit is doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (total * 9) % 10


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) >= 2 and luhn_check_digit(number[:-1]) == int(number[-1])


def normalise_abha_number(value: str) -> str:
    """Strip hyphens/spaces and validate; returns the 14 digits or raises ValidationError."""
    digits = _SEPARATORS.sub("", value or "")
    if not digits.isdigit() or len(digits) != 14:
        raise ValidationError(_("An ABHA number has 14 digits."), code="abha_length")
    if not luhn_valid(digits):
        raise ValidationError(
            _("This ABHA number is not valid: its check digit does not match."), code="abha_checksum"
        )
    return digits


def format_abha_number(digits: str) -> str:
    return f"{digits[0:2]}-{digits[2:6]}-{digits[6:10]}-{digits[10:14]}"


def generate_abha_number(rng: secrets.SystemRandom | None = None) -> str:
    """A Luhn-valid 14-digit number in NHA's shape: 91 + bin digit 1-8 + 10 random digits + check digit."""
    rand = rng or secrets.SystemRandom()
    payload = "91" + str(rand.randint(1, 8)) + "".join(str(rand.randint(0, 9)) for _ in range(10))
    return payload + str(luhn_check_digit(payload))


def normalise_mobile(value: str) -> str:
    """Accept +91/0 prefixes and spaces; return the 10-digit Indian mobile number."""
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+91"):
        digits = digits[3:]
    elif digits.startswith("91") and len(digits) == 12:
        digits = digits[2:]
    elif digits.startswith("0") and len(digits) == 11:
        digits = digits[1:]
    if not _MOBILE.match(digits):
        raise ValidationError(
            _("Enter a 10-digit Indian mobile number starting with 6, 7, 8 or 9."), code="mobile_invalid"
        )
    return digits


def mask_mobile(mobile: str) -> str:
    return "XXXXXX" + mobile[-4:] if mobile else ""


def mask_aadhaar_last4(last4: str) -> str:
    """SEC-17: Aadhaar is only ever shown as XXXX-XXXX-1234 (and only the last four are stored)."""
    return f"XXXX-XXXX-{last4}" if last4 else ""


def validate_aadhaar_last4(value: str) -> None:
    if not re.fullmatch(r"\d{4}", value or ""):
        raise ValidationError(_("Only the last four digits of Aadhaar are kept."), code="aadhaar_last4")
