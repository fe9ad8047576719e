from django import forms
from django.utils.translation import gettext_lazy as _


class AbhaSearchForm(forms.Form):
    abha_address = forms.CharField(
        label=_("ABHA address"),
        max_length=80,
        help_text=_("For example name.surname@sbx"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


class OtpRequestForm(forms.Form):
    abha_number = forms.CharField(
        label=_("ABHA number"),
        max_length=20,
        help_text=_("14 digits, for example 91-7604-8764-7595"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    otp_system = forms.ChoiceField(
        label=_("Send the OTP to"),
        choices=[
            ("abdm", _("Mobile number linked to the ABHA")),
            ("aadhaar", _("Mobile number linked to Aadhaar")),
        ],
        initial="abdm",
    )


class OtpConfirmForm(forms.Form):
    txn_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    otp = forms.CharField(
        label=_("OTP"),
        max_length=8,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
