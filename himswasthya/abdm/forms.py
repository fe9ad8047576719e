from django import forms
from django.utils.translation import gettext_lazy as _


def abha_address_field(*, required: bool = True) -> forms.CharField:
    """The ABHA address box of the verify and link pages."""
    return forms.CharField(
        label=_("ABHA address"),
        max_length=80,
        required=required,
        help_text=_("For example name.surname@sbx"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


def otp_system_field() -> forms.ChoiceField:
    """Where ABDM sends the OTP: the mobile linked to the ABHA, or to Aadhaar."""
    return forms.ChoiceField(
        label=_("Send the OTP to"),
        choices=[
            ("abdm", _("Mobile number linked to the ABHA")),
            ("aadhaar", _("Mobile number linked to Aadhaar")),
        ],
        initial="abdm",
    )


class AbhaSearchForm(forms.Form):
    abha_address = abha_address_field()


class OtpRequestForm(forms.Form):
    abha_number = forms.CharField(
        label=_("ABHA number"),
        max_length=20,
        help_text=_("14 digits, for example 91-7604-8764-7595"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    otp_system = otp_system_field()


class OtpConfirmForm(forms.Form):
    """The OTP ABDM sent, with the transaction it belongs to (the verify page and the link page)."""

    txn_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    otp = forms.CharField(
        label=_("OTP"),
        max_length=8,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
