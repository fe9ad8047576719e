"""Forms of the OPD configuration pages. They only parse input; the rules live in opd_setup."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from himswasthya.core.forms import LocalNameChoiceField
from himswasthya.facilities.models import Department, Facility, SessionKind, Weekday


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateInput(forms.DateInput):
    input_type = "date"


def _departments(facility: Facility):
    return facility.departments.order_by("name")


class OpdSessionForm(forms.Form):
    department = LocalNameChoiceField(label=_("Department"), queryset=Department.objects.none())
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    kind = forms.ChoiceField(label=_("Session"), choices=SessionKind.choices)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput(format="%H:%M"))
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimeInput(format="%H:%M"))
    online_quota = forms.IntegerField(label=_("Online quota"), min_value=0, max_value=10_000)
    walk_in_quota = forms.IntegerField(label=_("Walk-in quota"), min_value=0, max_value=10_000)

    def __init__(self, *args, facility: Facility, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments(facility)


class OpdPolicyForm(forms.Form):
    booking_window_days = forms.IntegerField(
        label=_("Booking opens this many days ahead"), min_value=1, max_value=90
    )
    cancellation_cutoff_minutes = forms.IntegerField(
        label=_("Cancellation closes this many minutes before the session"), min_value=0, max_value=10_080
    )


class OpdClosureForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    department = LocalNameChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Whole facility"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, facility: Facility, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments(facility)


class CopyWeekdayForm(forms.Form):
    from_weekday = forms.TypedChoiceField(
        label=_("Copy the sessions of"), choices=Weekday.choices, coerce=int
    )
    to_weekdays = forms.TypedMultipleChoiceField(
        label=_("To these weekdays"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
