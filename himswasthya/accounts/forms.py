from django import forms
from django.utils.translation import gettext_lazy as _


class StaffLoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=16,
        help_text=_("The 10-digit mobile number registered with your family or ABHA."),
        widget=forms.TextInput(
            attrs={"autocomplete": "tel-national", "inputmode": "numeric", "autofocus": True}
        ),
    )


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=_("OTP"),
        min_length=6,
        max_length=6,
        help_text=_("The 6-digit code we sent you by SMS."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )
