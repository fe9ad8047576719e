"""Admin of the HIMCARE package master: the documents each package needs (issue #12 item 6). Rates and codes
come from the package import (hospitals/packages.py); here the HIMCARE officer or state admin ticks the
document kinds needed at pre-authorisation and with the claim (none ticked: the default for the kind)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from himswasthya.himcare.cases.documents import CLAIM, PREAUTH, package_documents, parse_kinds
from himswasthya.himcare.models import DocumentKind, Package


class KindsField(forms.MultipleChoiceField):
    """Ticked document kinds, kept as "a,b" in the package's text field."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        super().__init__(choices=DocumentKind.choices, required=False, **kwargs)

    def prepare_value(self, value: Any) -> list[str]:
        return parse_kinds(value) if isinstance(value, str) else list(value or ())

    def clean(self, value: Any) -> str:
        return ",".join(parse_kinds(",".join(super().clean(value))))


class PackageForm(forms.ModelForm):
    preauth_documents = KindsField(label=_("documents needed at pre-authorisation"))
    claim_documents = KindsField(label=_("documents needed with the claim"))

    class Meta:
        model = Package
        fields = (
            "code",
            "package_code",
            "procedure_code",
            "specialty",
            "name",
            "name_hi",
            "rate_paise",
            "kind",
            "needs_preauth",
            "min_stay_days",
            "is_one_time",
            "is_illustrative",
            "is_active",
            "preauth_documents",
            "claim_documents",
        )


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    form = PackageForm
    list_display = ("code", "name", "kind", "needs_preauth", "preauth_needs", "claim_needs", "is_active")
    list_filter = ("kind", "is_active", "specialty")
    search_fields = ("code", "name", "name_hi")

    @admin.display(description=_("documents needed at pre-authorisation"))
    def preauth_needs(self, package: Package) -> str:
        return ", ".join(str(DocumentKind(k).label) for k in package_documents(package, PREAUTH))

    @admin.display(description=_("documents needed with the claim"))
    def claim_needs(self, package: Package) -> str:
        return ", ".join(str(DocumentKind(k).label) for k in package_documents(package, CLAIM))
