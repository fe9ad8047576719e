"""The POST bodies of the enrolment pages, read by Django forms (issue #11: never hand-parsed).

The forms only make sure each value is what the page sends - text no longer than the page's input (the
column it is stored in), a list of ids, a file - and refuse anything else with a field error (400). The
scheme's rules (a receipt number is required, a reason is given, the channel fits the user, the category
exists...) stay in enrolment/services.py, the one place that decides them for the pages and the API alike.
Field names are the services' argument names. No form here takes an amount: the premium comes from the
scheme's rules. (NUL characters and broken text never get here: core.text's middleware refuses them.)
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himswasthya.himcare.models import Document, Enrolment
from himswasthya.himparivar.models import Member

#: Django's own message for a too long text has no Hindi translation; this one does (himcare/locale).
TEXT_ERRORS = {"max_length": _("At most %(limit_value)d characters (this has %(show_value)d).")}


def _length(model: Any, field: str) -> int:
    return model._meta.get_field(field).max_length


REASON_LENGTH = _length(Enrolment, "override_reason")  # himcare.common.REASON_MAX_LENGTH


def _text(label: Any = None, *, max_length: int | None = None, strip: bool = True) -> forms.CharField:
    """An optional text field (blank -> ""); whether it may be blank is the service's rule."""
    return forms.CharField(
        label=label, required=False, max_length=max_length, strip=strip, error_messages=TEXT_ERRORS
    )


class TextListField(forms.Field):
    """Every value posted under one name (checkboxes), as a list of texts; none -> []."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.item = _text(max_length=max_length)

    def to_python(self, value: Any) -> list[str]:
        values = [value] if isinstance(value, str) else value or ()
        return [self.item.clean(item) for item in values]


def field_error(form: forms.Form) -> tuple[str, str]:
    """The first refused field of a bound, invalid form: (field name, "Label: reason") for the page."""
    name, errors = next(iter(form.errors.items()))
    label = form.fields[name].label if name in form.fields else None
    return name, f"{label}: {errors[0]}" if label else str(errors[0])


class EnrolForm(forms.Form):
    """Enrol a family (counter or officer); the override fields are an officer's."""

    family_id = _text(_("Him Parivar family id"))
    member_ids = TextListField(label=_("Members to enrol"), max_length=_length(Member, "member_id"))
    channel = _text(_("Channel"))
    category_override = _text(_("Category"))
    override_reason = _text(_("Reason for setting the category"), max_length=REASON_LENGTH)
    override_kind = _text(_("Document"))
    override_reference = _text(_("Document number"), max_length=_length(Document, "reference"))
    override_file = forms.FileField(
        label=_("Upload the document (PDF, JPEG or PNG, up to 5 MB)"),
        required=False,
        allow_empty_file=True,  # attach_document checks the file (type, size) with its own messages
        widget=forms.FileInput,
    )
    special_case_reason = _text(
        _("Special case outside the enrolment months: reason"), max_length=REASON_LENGTH
    )

    def override_documents(self) -> list[dict[str, Any]]:
        """The supporting document of a category set by hand, when one is uploaded or numbered."""
        data = self.cleaned_data
        if data["override_file"] is None and not data["override_reference"]:
            return []
        return [
            {
                "kind": data["override_kind"] or "category_cert",
                "upload": data["override_file"],
                "reference": data["override_reference"],
            }
        ]


class MyCardEnrolForm(forms.Form):
    """A citizen enrols one of their families online (no members chosen: all living members)."""

    family_id = _text(_("Him Parivar family id"))
    member_ids = TextListField(label=_("Members to enrol"), max_length=_length(Member, "member_id"))


class CounterPaymentForm(forms.Form):
    receipt_no = _text(_("Receipt number"))  # its length is the service's rule (its own message)


class RenewForm(forms.Form):
    receipt_no = _text(_("Receipt number"))
    special_case_reason = _text(
        _("Special case outside the enrolment months: reason"), max_length=REASON_LENGTH
    )


class CancelForm(forms.Form):
    reason = _text(_("Reason for cancelling"), max_length=_length(Enrolment, "cancellation_reason"))


class PaymentCallbackForm(forms.Form):
    """What the gateway sends back with the payer (query string or POST body), as sent: the signature is
    checked on exactly these values."""

    razorpay_order_id = _text(strip=False)
    razorpay_payment_id = _text(strip=False)
    razorpay_signature = _text(strip=False)
    error_code = _text(strip=False)
