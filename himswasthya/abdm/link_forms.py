"""Forms of the link-ABHA pages: ABHA + consent, confirm, unlink, supervisor decision (the OTP step uses
forms.OtpConfirmForm, as the verify page does)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from himswasthya.abdm.forms import abha_address_field, otp_system_field
from himswasthya.abdm.linking import parse_scanned_abha


class StartLinkForm(forms.Form):
    abha_number = forms.CharField(
        label=_("ABHA Number"),
        max_length=20,
        required=False,
        help_text=_("14 digits, for example 91-7604-8764-7595. Or leave empty and enter the ABHA address."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    abha_address = abha_address_field(required=False)
    scanned = forms.CharField(
        label=_("Or scan the ABHA card's QR code"),
        max_length=2000,
        required=False,
        help_text=_("Place the cursor here and scan; the ABHA number and address are read from the code."),
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    otp_system = otp_system_field()
    consent = forms.BooleanField(
        label=_("I agree"),
        required=True,
        error_messages={"required": _("The ABHA holder must agree before an OTP is sent.")},
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if (cleaned.get("scanned") or "").strip():
            number, address = parse_scanned_abha(cleaned["scanned"])
            if not (number or address):
                raise forms.ValidationError(_("The scanned code holds no ABHA number or ABHA address."))
            cleaned["abha_number"] = cleaned.get("abha_number") or number
            cleaned["abha_address"] = cleaned.get("abha_address") or address
        if not (cleaned.get("abha_number") or "").strip() and not (cleaned.get("abha_address") or "").strip():
            raise forms.ValidationError(_("Enter an ABHA number or an ABHA address."))
        return cleaned


class ResendOtpForm(forms.Form):
    txn_id = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ConfirmLinkForm(forms.Form):
    verification_id = forms.CharField(widget=forms.HiddenInput, max_length=64)


class UnlinkForm(forms.Form):
    reason = forms.CharField(label=_("Reason for unlinking"), min_length=5, max_length=300)


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
