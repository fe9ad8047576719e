"""Forms of the link-ABHA pages: ABHA + consent, OTP, confirm, unlink, supervisor decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from himswasthya.abdm.linking import parse_scanned_abha


class StartLinkForm(forms.Form):
    abha_number = forms.CharField(
        label=_("ABHA Number"),
        max_length=20,
        required=False,
        help_text=_("14 digits, for example 91-7604-8764-7595. Or leave empty and enter the ABHA address."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    abha_address = forms.CharField(
        label=_("ABHA address"),
        max_length=80,
        required=False,
        help_text=_("For example name.surname@sbx"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    scanned = forms.CharField(
        label=_("Or scan the ABHA card's QR code"),
        max_length=2000,
        required=False,
        help_text=_("Place the cursor here and scan; the ABHA number and address are read from the code."),
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    otp_system = forms.ChoiceField(
        label=_("Send the OTP to"),
        choices=[
            ("abdm", _("Mobile number linked to the ABHA")),
            ("aadhaar", _("Mobile number linked to Aadhaar")),
        ],
        initial="abdm",
    )
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


class LinkOtpForm(forms.Form):
    txn_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    otp = forms.CharField(
        label=_("OTP"),
        max_length=8,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


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
