"""The POST bodies of the case pages, read by Django forms (issue #11: never hand-parsed).

A form here only turns what a page sends into the values the services take - an amount typed in rupees into
paise (core.money's RupeesField), a date and time, ICD-10 codes typed in one box, the ticked packages, the
uploaded documents - and refuses what cannot be such a value with a field error ("NaN" as an amount, a
package id that is not a number, a time that is not one). The rules (what is required, which decisions and
reasons exist, amounts within what was blocked...) stay in cases/services.py, the one place that decides
them for the pages and the API alike.

`CaseForm.arguments()` gives the service's keyword arguments, or raises the first refused field as a
DomainError naming the service's field, so a page shows a bad value exactly as it shows a refusal of the
service. (NUL characters and broken text never get here: core.text's middleware refuses them.)
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError
from himswasthya.core.money import RupeesField
from himswasthya.himcare.models import DocumentKind

#: The largest row id (a BigAutoField); a bigger number names no row.
MAX_ID = 2**63 - 1

#: The pages' input names that differ from the services' argument (and error field) names.
ARGUMENT_NAMES = {
    "packages": "package_ids",
    "icd10_codes": "provisional_icd10_codes",
    "estimated": "estimated_paise",
    "approved": "approved_paise",
    "claimed": "claimed_paise",
}


def _text() -> forms.CharField:
    """An optional text (blank -> ""); whether it may be blank is the service's rule."""
    return forms.CharField(required=False)


def _amount() -> RupeesField:
    """An optional amount typed in rupees, as paise (blank -> None: the service's default amount)."""
    return RupeesField(required=False)


class CodeListField(forms.CharField):
    """Codes typed in one box, separated by commas, semicolons or blanks, as a list (none -> [])."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [code for code in text.replace(";", ",").replace(" ", ",").split(",") if code.strip()]


class PackageIdsField(forms.Field):
    """The ticked packages (checkboxes, one value each) as row ids; none -> [] (the service says what is
    missing). A value that is not a row id is refused with the service's message for an unknown package."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> list[int]:
        ids = []
        for item in value or ():
            item = str(item).strip()
            if not (item.isascii() and item.isdigit() and int(item) <= MAX_ID):
                raise ValidationError(
                    _("Package %(id)s does not exist or is no longer active."),
                    params={"id": item[:20]},
                    code="unknown_package",
                )
            ids.append(int(item))
        return ids


class LocalDateTimeField(forms.DateTimeField):
    """A date and time from a datetime-local input, aware in the local time zone; blank -> None. A year
    before 1900 is no hospital stay (and year 1 cannot even be converted to UTC for the database)."""

    default_error_messages = {"invalid": _("Enter a date and time.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> datetime.datetime | None:
        when = super().to_python(value)
        if when is not None and when.year < 1900:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return when


class CaseForm(forms.Form):
    """A page's POST body as the keyword arguments of one service."""

    def arguments(self) -> dict[str, Any]:
        """The cleaned values under the services' names, or a DomainError for the first refused field."""
        if not self.is_valid():
            name, errors = next(iter(self.errors.as_data().items()))
            raise DomainError(
                errors[0].messages[0], field=ARGUMENT_NAMES.get(name, name), code=errors[0].code or "invalid"
            )
        return {ARGUMENT_NAMES.get(name, name): value for name, value in self.cleaned_data.items()}


class DocumentsForm(CaseForm):
    """An action that uploads documents: one file input per kind the package needs (`document_<kind>`, named
    after DocumentKind) and the `documents` input (any number) of the one type chosen on the page (blank:
    other); the service checks that the needed kinds are there, and each type and file."""

    document_kind = _text()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.pop("document_kind", "") or DocumentKind.OTHER
        by_kind = [
            (each, upload)
            for each in DocumentKind.values
            for upload in self.files.getlist(f"document_{each}")
        ]
        data["documents"] = by_kind + [(kind, upload) for upload in self.files.getlist("documents")]
        return data


class CaseActionForm(CaseForm):
    """An action on one case; `next` is where the page goes afterwards (the claim queue sends it)."""

    next = _text()

    def arguments(self) -> dict[str, Any]:
        arguments = super().arguments()
        del arguments["next"]
        return arguments


# --- the new pre-authorisation page -----------------------------------------------------------------------
class MemberChoiceForm(forms.Form):
    """Whom the new pre-authorisation page is for and its specialty filter (query string, or the page's own
    hidden inputs when it posts). A bad member id is no member: the page refuses it like an unknown one."""

    enrolled_member = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    specialty = _text()


class PreauthForm(DocumentsForm):
    packages = PackageIdsField()
    icd10_codes = CodeListField()
    estimated = _amount()
    treating_doctor = _text()
    is_emergency = forms.BooleanField(required=False)


# --- the actions of a case (services.TRANSITIONS) ---------------------------------------------------------
class DecidePreauthForm(CaseActionForm):
    decision = _text()
    approved = _amount()
    note = _text()


class AnswerQueryForm(DocumentsForm, CaseActionForm):
    text = _text()


class CancelForm(CaseActionForm):
    reason = _text()


class AdmitForm(CaseActionForm):
    admitted_at = LocalDateTimeField()


class DischargeForm(CaseActionForm):
    discharged_at = LocalDateTimeField()
    final_icd10_codes = CodeListField()
    discharge_summary = _text()


class SubmitClaimForm(DocumentsForm, CaseActionForm):
    claimed = _amount()


class AdjudicateClaimForm(CaseActionForm):
    decision = _text()
    approved = _amount()
    reason = _text()
    note = _text()


class RecordPaymentForm(CaseActionForm):
    payment_ref = _text()


# --- the case's admission record (cases/treatment.py) ----------------------------------------------------
class RecordForm(forms.Form):
    """The admission record page's draft: admission notes and time, discharge diagnoses (ICD-10 codes in one
    box), `rows` procedure rows (`procedure_name_<i>`, `procedure_code_<i>`, `procedure_on_<i>`; a row left
    blank is no procedure) and the discharge summary (given when its time or course is typed). `data()` is
    records.save_draft's mapping; records and HIMCARE decide what is required and consistent."""

    chief_complaints = _text()
    examination_notes = _text()
    investigations_advised = _text()
    admitted_at = LocalDateTimeField()
    diagnoses = CodeListField()
    discharged_at = LocalDateTimeField()
    course_in_hospital = _text()
    condition_at_discharge = _text()
    discharge_advice = _text()

    #: Input names -> the records field names an error is reported under.
    FIELD_NAMES = {"discharged_at": "discharge.discharged_at", "diagnoses": "diagnoses[0].code"}

    def __init__(self, *args: Any, rows: int = 3, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for i in range(rows):
            self.fields[f"procedure_name_{i}"] = _text()
            self.fields[f"procedure_code_{i}"] = _text()
            self.fields[f"procedure_on_{i}"] = forms.DateField(
                required=False, error_messages={"invalid": _("Enter a date.")}
            )

    def _name(self, name: str) -> str:
        if name.startswith("procedure_"):
            part, i = name.removeprefix("procedure_").rsplit("_", 1)
            return f"procedures[{i}].{ {'on': 'performed_on'}.get(part, part) }"
        return self.FIELD_NAMES.get(name, name)

    def data_for_records(self) -> dict[str, Any]:
        if not self.is_valid():
            name, errors = next(iter(self.errors.as_data().items()))
            raise DomainError(errors[0].messages[0], field=self._name(name), code=errors[0].code or "invalid")
        c = self.cleaned_data
        procedures = []
        self.row_of: list[int] = []  # procedures[k] is the page's row row_of[k]
        for i in range(self.rows):
            row = {
                "name": c[f"procedure_name_{i}"],
                "code": c[f"procedure_code_{i}"],
                "performed_on": c[f"procedure_on_{i}"],
            }
            if row["name"] or row["code"] or row["performed_on"]:
                procedures.append(row)
                self.row_of.append(i)
        discharge = None
        if c["discharged_at"] or c["course_in_hospital"].strip():
            discharge = {
                name: c[name]
                for name in (
                    "discharged_at",
                    "course_in_hospital",
                    "condition_at_discharge",
                    "discharge_advice",
                )
            }
        return {
            "chief_complaints": c["chief_complaints"],
            "examination_notes": c["examination_notes"],
            "investigations_advised": c["investigations_advised"],
            "admitted_at": c["admitted_at"],
            "diagnoses": [{"code": code} for code in c["diagnoses"]],
            "procedures": procedures,
            "discharge": discharge,
        }
