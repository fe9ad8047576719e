"""{{ amount_paise|rupees }} -> "₹1,000" (whole rupees) or "₹1,000.50"."""

from django import template

register = template.Library()


@register.filter
def rupees(paise) -> str:
    if paise is None or paise == "":
        return ""
    paise = int(paise)
    whole, part = divmod(abs(paise), 100)
    sign = "-" if paise < 0 else ""
    text = f"{whole:,}" if not part else f"{whole:,}.{part:02d}"
    return f"{sign}₹{text}"
