from django import forms
from django.utils.translation import gettext_lazy as _

from himswasthya.himparivar.services import DEFAULT_PURPOSE, PURPOSES


class FamilySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Family id, member id or mobile number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "inputmode": "text"}),
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=list(PURPOSES.items()), initial=DEFAULT_PURPOSE, required=False
    )

    def clean_purpose(self) -> str:
        return self.cleaned_data.get("purpose") or DEFAULT_PURPOSE
