"""HIMCARE pages, hospital side: verify a beneficiary (scheme desk), the package master and empanelment
(officer), and the public list of empanelled hospitals. Thin views over enrolment/verification.py,
packages.py and empanelment.py; identifiers are sent by POST so that they never appear in URLs or access
logs."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from himswasthya.accounts.models import STAFF_ROLES, Role
from himswasthya.accounts.scoping import has_role, role_required
from himswasthya.core.errors import DomainError
from himswasthya.core.forms import LocalNameChoiceField
from himswasthya.core.money import rupees
from himswasthya.core.views import add_domain_error, found_or_404
from himswasthya.facilities.models import Facility, FacilityType, Ownership
from himswasthya.himcare.common import REASON_MAX_LENGTH
from himswasthya.himcare.enrolment.verification import VERIFY_ROLES, do_verify_beneficiary, remember_verified
from himswasthya.himcare.hospitals import empanelment as empanelments
from himswasthya.himcare.hospitals import packages as package_master
from himswasthya.himcare.models import EmpanelmentStatus, PackageKind, Specialty
from himswasthya.places.models import District

PREAUTH_ROLES = (Role.SCHEME_DESK, Role.FACILITY_ADMIN)
HOSPITAL_TYPES = (
    FacilityType.MEDICAL_COLLEGE,
    FacilityType.ZONAL_HOSPITAL,
    FacilityType.REGIONAL_HOSPITAL,
    FacilityType.CIVIL_HOSPITAL,
    FacilityType.CHC,
    FacilityType.OTHER_HOSPITAL,
)


# --- verify a beneficiary ------------------------------------------------------------------------------
class VerifyForm(forms.Form):
    q = forms.CharField(
        label=_("Card number, ABHA, Him Parivar member id or mobile"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "inputmode": "text"}),
    )
    second_fact = forms.CharField(
        label=_("Second fact: year of birth or name of any family member"),
        help_text=_("Ask the patient. Nothing is shown without it."),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "aria-describedby": "second-fact-help"}),
    )


@role_required(*VERIFY_ROLES)
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    # The card's QR code opens this page with ?q=<card number>: the field is filled in, the desk presses
    # Verify (a GET never looks anyone up).
    form = VerifyForm(request.POST or None, initial={"q": request.GET.get("q", "")[:64]})
    view = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            view = do_verify_beneficiary(
                actor=request.user,
                query=form.cleaned_data["q"],
                second_fact=form.cleaned_data["second_fact"],
            )
            remember_verified(request, view.enrolment)  # the desk may now open a case for this family
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
    money = {}
    if view is not None and view.enrolment is not None:
        money = {
            "cover": rupees(view.cover_paise),
            "blocked": rupees(view.blocked_paise),
            "consumed": rupees(view.consumed_paise),
            "available": rupees(view.available_paise),
        }
    cases = []
    if view is not None:
        for case in view.cases:
            cases.append(
                {
                    "case": case,
                    "estimated": rupees(case.estimated_paise),
                    "claimed": rupees(case.claimed_paise) if case.claimed_paise is not None else "",
                    "approved": rupees(case.approved_paise) if case.approved_paise is not None else "",
                }
            )
    return render(
        request,
        "himcare/hospital/verify.html",
        {
            "form": form,
            "view": view,
            "money": money,
            "cases": cases,
            "can_raise_preauth": has_role(request.user, *PREAUTH_ROLES),
            "my_facility": request.user.facility,
            "my_specialties": (
                empanelments.empanelled_specialties(request.user.facility) if request.user.facility else None
            ),
        },
        status=status,
    )


# --- the package master -------------------------------------------------------------------------------
class PackageSearchForm(forms.Form):
    q = forms.CharField(label=_("Code or name"), required=False, max_length=100)
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *PackageKind.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialty"].choices = [("", _("All specialties"))] + [
            (s.code, f"{s.code} · {s.display_name()}") for s in package_master.specialties()
        ]


class PackageImportForm(forms.Form):
    file = forms.FileField(label=_("Package master (CSV in the national HBP layout)"))
    dry_run = forms.BooleanField(label=_("Dry run: check and count, write nothing"), required=False)
    illustrative = forms.BooleanField(
        label=_("These are illustrative rates, not the official master"), required=False
    )


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def packages_view(request: HttpRequest) -> HttpResponse:
    search = PackageSearchForm(request.GET or None)
    criteria = search.cleaned_data if search.is_bound and search.is_valid() else {}
    rows = package_master.search_packages(
        criteria.get("q", ""), specialty=criteria.get("specialty", ""), kind=criteria.get("kind", "")
    )
    can_import = has_role(request.user, *package_master.IMPORT_ROLES)
    import_form = PackageImportForm() if can_import else None
    report = None
    status = 200
    if request.method == "POST":
        if not can_import:
            return render(request, "403.html", status=403)
        import_form = PackageImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            upload = import_form.cleaned_data["file"]
            try:
                if upload.size > 5 * 1024 * 1024:
                    raise DomainError(_("The file is too large."), field="file")
                report = package_master.do_import_packages(
                    actor=request.user,
                    upload=upload,
                    file_name=upload.name,
                    dry_run=import_form.cleaned_data["dry_run"],
                    illustrative=import_form.cleaned_data["illustrative"],
                )
            except DomainError as exc:
                add_domain_error(import_form, exc)
                status = 400
        else:
            status = 400
    page = list(rows[:300])
    return render(
        request,
        "himcare/hospital/packages.html",
        {
            "search": search,
            "packages": [{"package": p, "rate": rupees(p.rate_paise)} for p in page],
            "count": rows.count(),
            "shown": len(page),
            "any_illustrative": any(p.is_illustrative for p in page),
            "import_form": import_form,
            "report": report,
        },
        status=status,
    )


# --- empanelment (officer) -----------------------------------------------------------------------------
class EmpanelmentFilterForm(forms.Form):
    facility = LocalNameChoiceField(
        label=_("Hospital"), required=False, queryset=Facility.objects.none(), to_field_name="code"
    )
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *EmpanelmentStatus.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = _hospitals()
        self.fields["specialty"].choices = [("", _("All specialties"))] + [
            (s.code, f"{s.code} · {s.display_name()}") for s in package_master.specialties()
        ]


def _hospitals():
    return (
        Facility.objects.filter(is_active=True, facility_type__in=HOSPITAL_TYPES)
        .select_related("district")
        .order_by("name")
    )


class EmpanelForm(forms.Form):
    facility = forms.ModelChoiceField(
        label=_("Hospital"), queryset=Facility.objects.none(), to_field_name="code"
    )
    specialties = forms.ModelMultipleChoiceField(
        label=_("Specialties"),
        queryset=Specialty.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Valid to"), widget=forms.DateInput(attrs={"type": "date"}))
    order_ref = forms.CharField(label=_("Government order reference"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = _hospitals()
        self.fields["facility"].label_from_instance = lambda f: (
            f"{f.display_name()} ({f.district.display_name()}, {f.code})"
        )
        self.fields["specialties"].label_from_instance = lambda s: f"{s.code} · {s.display_name()}"


class HospitalForm(forms.Form):
    code = forms.CharField(label=_("Facility code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=150)
    name_hi = forms.CharField(label=_("Name in Hindi"), max_length=150, required=False)
    ownership = forms.ChoiceField(label=_("Ownership"), choices=Ownership.choices, initial=Ownership.PRIVATE)
    district = LocalNameChoiceField(label=_("District"), queryset=District.objects.order_by("name"))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    pincode = forms.CharField(label=_("PIN code"), max_length=6, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)


class ReasonForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("suspend", _("Suspend")), ("reinstate", _("Reinstate")), ("withdraw", _("Withdraw"))]
    )
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH)


_ACTIONS = {
    "suspend": empanelments.do_suspend,
    "reinstate": empanelments.do_reinstate,
    "withdraw": empanelments.do_withdraw,
}


@role_required(*empanelments.OFFICER_ROLES)
def empanelments_view(request: HttpRequest) -> HttpResponse:
    filters = EmpanelmentFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    facility = criteria.get("facility")
    rows = empanelments.empanelments_for_officer(
        request.user,
        facility=facility.pk if facility else None,
        specialty=criteria.get("specialty", ""),
        status=criteria.get("status", ""),
    )
    page = list(rows[:500])
    return render(
        request,
        "himcare/hospital/empanelments.html",
        {
            "filters": filters,
            "rows": page,
            "count": rows.count(),
            "reason_form": ReasonForm(),
            "today": timezone.localdate(),
        },
    )


@role_required(*empanelments.OFFICER_ROLES)
@require_POST
def empanelment_action_view(request: HttpRequest, empanelment_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    row = found_or_404(empanelments.empanelment_for_officer, request.user, empanelment_id)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
        return redirect("himcare:empanelments")
    try:
        _ACTIONS[form.cleaned_data["action"]](
            actor=request.user, empanelment=row, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The empanelment is now: %(status)s.") % {"status": row.get_status_display()}
        )
    return redirect("himcare:empanelments")


@role_required(*empanelments.OFFICER_ROLES)
@require_http_methods(["GET", "POST"])
def empanel_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    initial = {
        "valid_from": today,
        "valid_to": today + datetime.timedelta(days=364),
    }
    form = EmpanelForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = empanelments.do_empanel(
                    actor=request.user,
                    facility=data["facility"],
                    specialties=list(data["specialties"]),
                    valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                    order_ref=data["order_ref"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("%(hospital)s empanelled for %(n)d specialties.")
                    % {"hospital": data["facility"].name, "n": len(made)},
                )
                return redirect("himcare:empanelments")
        else:
            status = 400
    return render(request, "himcare/hospital/empanel.html", {"form": form}, status=status)


@role_required(*empanelments.OFFICER_ROLES)
@require_http_methods(["GET", "POST"])
def register_hospital_view(request: HttpRequest) -> HttpResponse:
    form = HospitalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                facility = empanelments.do_register_hospital(actor=request.user, **data)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("%(hospital)s registered. Now empanel it.") % {"hospital": facility.name}
                )
                return redirect("himcare:empanel")
        else:
            status = 400
    return render(request, "himcare/hospital/register_hospital.html", {"form": form}, status=status)


# --- public: empanelled hospitals --------------------------------------------------------------------------
class HospitalFilterForm(forms.Form):
    district = LocalNameChoiceField(
        label=_("District"), required=False, queryset=District.objects.none(), to_field_name="lgd_code"
    )
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(
            pk__in=Facility.objects.filter(empanelments__isnull=False).values("district_id")
        ).order_by("name")
        self.fields["specialty"].choices = [("", _("All specialties"))] + [
            (s.code, f"{s.code} · {s.display_name()}") for s in package_master.specialties()
        ]


def empanelled_hospitals_view(request: HttpRequest) -> HttpResponse:
    filters = HospitalFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    district = criteria.get("district")
    hospitals = empanelments.empanelled_hospitals(
        district=district.pk if district else None, specialty=criteria.get("specialty", "")
    )
    return render(
        request, "himcare/hospital/empanelled_hospitals.html", {"filters": filters, "hospitals": hospitals}
    )
