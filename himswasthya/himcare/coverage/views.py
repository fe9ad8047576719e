"""HIMCARE pages, monitoring: the misuse flag queue (officer), the coverage drill-down state -> district ->
block -> panchayat with its CSV (officers; a district officer sees their own district: the district report),
and the outreach list of eligible families not yet enrolled. Thin views over cases/misuse.py and
mapping.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from himswasthya.accounts.scoping import get_scoped_or_404, has_role, role_required
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.core.money import rupees
from himswasthya.core.views import add_domain_error
from himswasthya.himcare.cases import misuse
from himswasthya.himcare.coverage import mapping
from himswasthya.himcare.coverage.api import csv_response
from himswasthya.himcare.enrolment import verification
from himswasthya.himcare.models import FlagStatus, MisuseFlag, MisuseRule, SchemeYear

VIEW_ROLES = mapping.VIEW_ROLES
REVIEW_ROLES = misuse.REVIEW_ROLES


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError as exc:
        raise Http404 from exc


def _year(request: HttpRequest) -> SchemeYear:
    try:
        return mapping.scheme_year_for(request.GET.get("year") or None)
    except NotFound as exc:
        raise Http404 from exc


# --- the misuse flag queue -------------------------------------------------------------------------------
@role_required(*VIEW_ROLES)
def flags_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", FlagStatus.OPEN)
    if status not in FlagStatus.values:
        status = FlagStatus.OPEN
    rule = request.GET.get("rule", "")
    if rule not in MisuseRule.values:
        rule = ""
    flags = list(misuse.flag_queue(request.user, status=status, rule=rule)[:200])
    return render(
        request,
        "himcare/monitoring/flags.html",
        {
            "flags": flags,
            "status": status,
            "rule": rule,
            "statuses": FlagStatus.choices,
            "rules": MisuseRule.choices,
            "can_review": has_role(request.user, *REVIEW_ROLES),
            # Beneficiary verification volume alerts (enrolment/verification.py): state-level, for officers.
            "verify_alerts": verification.recent_alerts() if has_role(request.user, *REVIEW_ROLES) else None,
        },
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(FlagStatus.CLEARED, _("Clear: no misuse")), (FlagStatus.CONFIRMED, _("Confirm misuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


@role_required(*VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def flag_view(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = get_scoped_or_404(
        request.user, MisuseFlag.objects.select_related("case", "facility", "reviewed_by"), pk=flag_id
    )
    can_review = has_role(request.user, *REVIEW_ROLES) and flag.status == FlagStatus.OPEN
    form = ReviewForm(request.POST or None) if can_review else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                misuse.do_review_flag(
                    actor=request.user,
                    flag_id=flag.pk,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The flag has been reviewed."))
                return redirect("himcare:monitoring_flags")
        else:
            status = 400
    return render(
        request,
        "himcare/monitoring/flag.html",
        {"flag": flag, "form": form, "details": misuse.detail_rows(flag.details)},
        status=status,
    )


# --- coverage drill-down ---------------------------------------------------------------------------------
def _row(area: mapping.Area, with_approved: bool) -> dict[str, Any]:
    f = area.figures
    return {
        "area": area,
        "f": f,
        "coverage": f.coverage_percent,
        "claimed": rupees(f.claims_paise),
        "approved": rupees(f.approved_paise) if with_approved else None,
    }


@role_required(*VIEW_ROLES)
def coverage_view(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    district_id = _int(request.GET.get("district"))
    block_id = _int(request.GET.get("block"))
    live = request.GET.get("live") == "1" or None
    try:
        view = mapping.drilldown(request.user, year, district_id=district_id, block_id=block_id, live=live)
    except NotFound as exc:
        raise Http404 from exc
    rows = [_row(area, view.has_approved) for area in view.rows]
    total = _row(mapping.Area("state", None, "", "", "", figures=view.total), view.has_approved)
    return render(
        request,
        "himcare/monitoring/coverage.html",
        {
            "year": year,
            "years": SchemeYear.objects.order_by("-starts_on"),
            "view": view,
            "rows": rows,
            "total": total,
            "block_id": block_id,
            "state_wide": not (
                getattr(request.user, "role", "") == "district_officer"
                or getattr(request.user, "district_id", None)
            ),
            "can_refresh": has_role(request.user, *REVIEW_ROLES),
        },
    )


@role_required(*VIEW_ROLES)
def coverage_csv_view(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    try:
        return csv_response(request, year.code, _int(request.GET.get("district")))
    except NotFound as exc:
        raise Http404 from exc


@role_required(*REVIEW_ROLES)
@require_POST
def coverage_refresh_view(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    count = mapping.refresh_coverage(year)
    messages.success(request, _("Coverage recomputed for %(count)s gram panchayats.") % {"count": count})
    return redirect(f"{request.path.rsplit('refresh/', 1)[0]}?year={year.code}")


@role_required(*VIEW_ROLES)
def outreach_view(request: HttpRequest, gp_id: int) -> HttpResponse:
    year = _year(request)
    try:
        gp, families = mapping.outreach_list(request.user, year, gp_id)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "himcare/monitoring/outreach.html", {"year": year, "gp": gp, "families": families})
