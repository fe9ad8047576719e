"""{{ amount_paise|rupees }} -> "₹5,00,000" (whole rupees, Indian digit grouping) or "₹1,000.50".

The same formatting as `core.money.rupees`, so the enrolment, hospital and claim pages show one
amount the same way."""

from django import template

from himswasthya.core.money import rupees as format_rupees

register = template.Library()


@register.filter
def rupees(paise) -> str:
    if paise is None or paise == "":
        return ""
    return format_rupees(int(paise))
