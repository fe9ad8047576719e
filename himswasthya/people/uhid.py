"""The state-wide UHID issued by HimSwasthya: HP-DDD-NNNNNNNN-C (see people/README.md).

DDD is the LGD code of the issuing district (3 digits), NNNNNNNN the district's running number (8 digits) and
C the ISO 7064 MOD 11-2 check character over the 11 digits (0-9 or X). MOD 11-2 catches every single-character
error and every transposition of two adjacent digits. Typed in any case, with or without the hyphens.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError

PREFIX = "HP"
ISSUER = "HimSwasthya"
SOURCE_ISSUED = "issued"
SOURCE_MERGED = "merged"  # the UHID of a person merged into another: still finds the survivor
_SHAPE = re.compile(r"^HP(\d{3})(\d{8})([0-9X])$")
_LOOKS_LIKE = re.compile(r"^\s*HP[\s-]*\d", re.IGNORECASE)


class InvalidUhid(DomainError):
    code = "uhid_invalid"


def mod11_2_check(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of a string of digits."""
    total = 0
    for char in digits:
        total = (total + int(char)) * 2 % 11
    value = (12 - total) % 11
    return "X" if value == 10 else str(value)


def format_uhid(district_code: int, number: int) -> str:
    if not (0 <= district_code <= 999 and 0 < number <= 99_999_999):
        raise ValueError("district code or number out of range")
    digits = f"{district_code:03d}{number:08d}"
    return f"{PREFIX}-{digits[:3]}-{digits[3:]}-{mod11_2_check(digits)}"


def looks_like_uhid(text: str) -> bool:
    return bool(_LOOKS_LIKE.match(text or ""))


def normalise_uhid(text: str) -> str:
    """The canonical HP-DDD-NNNNNNNN-C form, or InvalidUhid with a message the clerk can act on."""
    compact = re.sub(r"[\s-]", "", (text or "").upper())
    match = _SHAPE.match(compact)
    if not match:
        raise InvalidUhid(
            _("A UHID looks like HP-023-00001234-6: HP, 3 digits, 8 digits and a check character."),
            field="uhid",
        )
    district, number, check = match.groups()
    if mod11_2_check(district + number) != check:
        raise InvalidUhid(
            _("This UHID is mistyped: its check character does not match. Please check each character."),
            field="uhid",
        )
    return f"{PREFIX}-{district}-{number}-{check}"


def is_valid_uhid(text: str) -> bool:
    try:
        normalise_uhid(text)
    except InvalidUhid:
        return False
    return True
