"""What a rupee amount is (architecture: "one rule in one place"): typed in rupees, kept in paise (integers).

`parse_rupees` is the one parser of an amount typed by a person or read from a file; `RupeesField` is the
form field built on it. Only the ASCII digits 0-9, an optional decimal
point with at most two digits (paise), Indian digit grouping with commas, a leading ₹ and blanks are accepted.
Everything else `Decimal()` would take - NaN, Infinity, sNaN, exponents such as 1E+999999, Devanagari or other
Unicode digits, underscores - is refused with a translated message (SEC-27 allow-list validation), so no
amount reaches a calculation or the database that would end in a 500.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: ₹10 crore: above this an amount is a typing error (a package rate, an estimate, a claim).
MAX_RUPEES = Decimal("100000000")

_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]*)?|-?\.[0-9]+")
_BLANKS_AND_GROUPING = re.compile(r"[\s,₹]")


MAX_TEXT_LENGTH = 32
INVALID_MESSAGE = _("Enter the amount in rupees, for example 22800 or 22800.50.")


def format_indian_grouping(rupees: int) -> str:
    """12345678 -> "1,23,45,678" (lakh and crore grouping)."""
    digits = str(abs(rupees))
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ("-" if rupees < 0 else "") + ",".join([*groups, tail])


def rupees(paise: int) -> str:
    """An amount kept in paise as people read it: 12345600 -> "₹1,23,456"; paise only when not whole
    (99 -> "₹0.99"). The one display of money on every page, slip and message."""
    whole, part = divmod(abs(int(paise)), 100)
    sign = "-" if paise < 0 else ""
    return f"{sign}₹{format_indian_grouping(whole)}" + (f".{part:02d}" if part else "")


def parse_rupees(
    value: Any,
    *,
    allow_negative: bool = False,
    allow_zero: bool = True,
    max_rupees: Decimal = MAX_RUPEES,
) -> int | None:
    """An amount in rupees (text) as paise, None when blank, or ValidationError with a translated reason."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError(INVALID_MESSAGE, code="invalid")
    text = _BLANKS_AND_GROUPING.sub("", str(value))
    if not text:
        return None
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text):
        raise ValidationError(
            _("Write the amount with the digits 0-9, for example 22800 or 22800.50."), code="digits"
        )
    if not _AMOUNT.fullmatch(text):
        # NaN, Infinity, sNaN, 1E+999999, 1e5, 1_000, 12.3.4, letters
        raise ValidationError(INVALID_MESSAGE, code="invalid")
    fraction = text.partition(".")[2]
    if len(fraction) > 2:
        raise ValidationError(
            _("An amount has at most two digits after the decimal point (paise)."), code="precision"
        )
    amount = Decimal(text)
    if amount < 0 and not allow_negative:
        raise ValidationError(_("The amount cannot be negative."), code="negative")
    if amount == 0 and not allow_zero:
        raise ValidationError(_("The amount must be more than zero."), code="zero")
    if abs(amount) > max_rupees:
        raise ValidationError(
            _("The amount cannot be more than ₹%(max)s.") % {"max": format_indian_grouping(int(max_rupees))},
            code="too_large",
        )
    return int(amount * 100)


class RupeesField(forms.CharField):
    """A form field for an amount typed in rupees; `cleaned_data` holds paise (int) or None when blank."""

    def __init__(
        self,
        *,
        allow_negative: bool = False,
        allow_zero: bool = True,
        max_rupees: Decimal = MAX_RUPEES,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("max_length", None)  # the text is bounded in to_python; cleaned_data is an int
        super().__init__(**kwargs)
        self.allow_negative, self.allow_zero, self.max_rupees = allow_negative, allow_zero, max_rupees

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal")
        attrs.setdefault("maxlength", str(MAX_TEXT_LENGTH))
        return attrs

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value) or ""
        if len(text) > MAX_TEXT_LENGTH:
            raise ValidationError(INVALID_MESSAGE, code="invalid")
        return parse_rupees(
            text,
            allow_negative=self.allow_negative,
            allow_zero=self.allow_zero,
            max_rupees=self.max_rupees,
        )

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
