"""The directory's filter form: district -> block, type, department, name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from himswasthya.facilities.models import Department, FacilityType
from himswasthya.places.models import Block, District


class DirectoryFilterForm(forms.Form):
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    block = forms.TypedChoiceField(label=_("Block"), required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(label=_("Type of facility"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    q = forms.CharField(label=_("Name"), required=False, max_length=100)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self._choices(
            "district", every + [(d.lgd_code, d.display_name()) for d in District.objects.of_home_state()]
        )
        self._choices("type", every + list(FacilityType.choices))
        self._choices("department", every + [(d.code, d.display_name()) for d in Department.objects.all()])
        district = self.data.get("district") if self.is_bound else None
        blocks = Block.objects.filter(district__lgd_code=district) if district and district.isdigit() else []
        self._choices("block", every + [(b.lgd_code, b.display_name()) for b in blocks])
        self.fields["district"].widget.attrs["data-blocks-url"] = "/api/places/districts/{}/blocks"

    def _choices(self, name: str, choices: list) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
