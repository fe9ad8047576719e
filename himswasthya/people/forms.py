from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from himswasthya.core.forms import LocalNameChoiceField
from himswasthya.people.models import GuardianRelation, Sex
from himswasthya.people.services import DEFAULT_PURPOSE, PURPOSES
from himswasthya.places.models import District

SEX_CHOICES = [("", _("Any")), *Sex.choices]


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name (Roman or Devanagari), ABHA number or address, mobile, UHID or Him Parivar id"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "type": "search"}),
    )
    age = forms.IntegerField(label=_("Age (± 2 years)"), min_value=0, max_value=130, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)
    district = LocalNameChoiceField(
        label=_("District"),
        queryset=District.objects.of_home_state().order_by("name"),
        required=False,
        empty_label=_("Any"),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=list(PURPOSES.items()), initial=DEFAULT_PURPOSE)


class RegisterPersonForm(forms.Form):
    name_roman = forms.CharField(label=_("Full name (Roman letters)"), max_length=200, required=False)
    name_deva = forms.CharField(label=_("Full name (Devanagari)"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    year_of_birth = forms.IntegerField(
        label=_("Year of birth (if the date is not known)"), min_value=1880, max_value=2100, required=False
    )
    mobile = forms.CharField(
        label=_("Mobile"), max_length=16, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    gram_panchayat = forms.IntegerField(
        label=_("Gram panchayat id"), required=False, help_text=_("Leave empty to use your own district.")
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=list(PURPOSES.items()), initial=DEFAULT_PURPOSE, required=False
    )
    # SEC-5: a child under 18 is registered through a verified parent or guardian (or for treatment).
    guardian = forms.IntegerField(
        label=_("Parent or guardian (person id)"),
        min_value=1,
        required=False,
        help_text=_(
            "Needed for a child under 18: the registered adult's person id. Their record must hold a "
            "Him Parivar member id or a verified ABHA number."
        ),
    )
    guardian_relation = forms.ChoiceField(
        label=_("Relation of the guardian to the child"),
        choices=[("", "—"), *GuardianRelation.choices],
        required=False,
    )
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("name_roman") and not data.get("name_deva"):
            raise forms.ValidationError(_("Enter the name in Roman or Devanagari letters."))
        return data


class MergeForm(forms.Form):
    survivor_id = forms.IntegerField(label=_("Person id to keep"), min_value=1)
    duplicate_id = forms.IntegerField(label=_("Duplicate person id (merged into the one kept)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
