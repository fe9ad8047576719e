"""Small forms of the booking and counter pages (the services do the real checks)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from himswasthya.registration.models import FeeExemption


class FeeExemptionField(forms.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=FeeExemption.choices,
            initial=FeeExemption.NONE,
            label=_("Fee exemption"),
            required=False,
            **kwargs,
        )


class ConfirmBookingForm(forms.Form):
    """The last step: the choices travel as hidden fields, the fee exemption is chosen here."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    session = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput)
    fee_exemption = FeeExemptionField()


class SessionDayChoiceForm(forms.Form):
    """A session on a date, posted as "<session id>:<YYYY-MM-DD>" (reschedule)."""

    slot = forms.RegexField(regex=r"^\d+:\d{4}-\d{2}-\d{2}$", label=_("Date and session"))

    def clean_slot(self) -> tuple[int, datetime.date]:
        """The posted slot as (session id, date); an impossible date is a field error."""
        session_id, _sep, day = self.cleaned_data["slot"].partition(":")
        try:
            return int(session_id), datetime.date.fromisoformat(day)
        except ValueError:
            raise forms.ValidationError(
                _("Choose a date and session that has seats left."), code="invalid"
            ) from None


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Appointment number or slip QR code"),
        max_length=500,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class WalkInForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    department = forms.IntegerField(label=_("Department"))
    fee_exemption = FeeExemptionField()


class NewPatientForm(forms.Form):
    """The minimal fields to register a new patient at the counter (people.services does the checks)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", "—"), ("F", _("Female")), ("M", _("Male")), ("O", _("Other"))]
    )
    year_of_birth = forms.IntegerField(label=_("Year of birth"), min_value=1890, max_value=2100)
    mobile = forms.CharField(label=_("Mobile"), max_length=13, required=False)
    confirm_new = forms.BooleanField(label=_("None of the matches: this is a new patient"), required=False)


class ScanShareCounterForm(forms.Form):
    """A Scan & Share counter (the page shows one message for a bad code or name)."""

    code = forms.RegexField(regex=r"^[A-Za-z0-9_-]{1,20}$", max_length=20)
    name = forms.CharField()
    department = forms.IntegerField(required=False)

    def clean_name(self) -> str:
        return self.cleaned_data["name"][:100]


class ScanShareRegisterForm(forms.Form):
    """A scan-and-share token into a department. Only parsed here: the service checks the token first (another
    facility's is a 404), then the department and the exemption, with its own messages."""

    department = forms.IntegerField(required=False)
    fee_exemption = forms.CharField(required=False)

    def service_arguments(self) -> dict[str, object]:
        self.is_valid()  # a missing or non-number department is 0: the service names the field's error
        return {
            "department_id": self.cleaned_data.get("department") or 0,
            "fee_exemption": self.cleaned_data.get("fee_exemption", ""),
        }
