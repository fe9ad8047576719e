"""OPD configuration pages for the administrator of ONE facility (or a state administrator), under
/facilities/<code>/opd/ (opd_setup_urls.py, mounted by the project's urls.py; moved from facilities, issue #11
item 3). The public timetable stays in facilities (`facilities:opd_timetable`).

A facility administrator of another facility gets 404 (the facility is outside their scope), other roles 403,
anonymous visitors the login page. The views parse, authorise and call opd_setup (the schedule they show is
read from facilities.opd_services); nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from himswasthya.accounts.scoping import get_scoped_or_404, role_required
from himswasthya.core.errors import DomainError
from himswasthya.core.views import add_domain_error
from himswasthya.facilities import opd_services
from himswasthya.facilities.models import Facility, OpdClosure, OpdSession, Weekday
from himswasthya.registration import opd_setup
from himswasthya.registration.opd_setup_forms import (
    CopyWeekdayForm,
    OpdClosureForm,
    OpdPolicyForm,
    OpdSessionForm,
)

admin_only = role_required(*opd_setup.ADMIN_ROLES)


def _facility(request: HttpRequest, code: str) -> Facility:
    return get_scoped_or_404(request.user, Facility.objects.select_related("district"), code=code)


def _overview(facility: Facility) -> HttpResponse:
    return redirect("opd_setup:opd", code=facility.code)


def _form_page(
    request: HttpRequest,
    facility: Facility,
    form: forms.Form,
    save: Callable[..., Any],
    saved_message: str,
    template: str,
    **context: Any,
) -> HttpResponse:
    """A valid POST calls `save(**form.cleaned_data)` and goes back to the overview with `saved_message`;
    otherwise (or on a DomainError, shown on the form) the form page is rendered again."""
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, saved_message)
            return _overview(facility)
    return render(request, template, {"facility": facility, "form": form, **context})


@admin_only
def opd_overview_view(request: HttpRequest, code: str) -> HttpResponse:
    facility = _facility(request, code)
    context = {
        "facility": facility,
        "weekdays": Weekday.choices,
        "grid": opd_services.weekly_grid(facility),
        "policy": opd_services.policy_of(facility),
        "closures": opd_services.upcoming_closures(facility),
        "copy_form": CopyWeekdayForm(),
    }
    return render(request, "registration/opd_overview.html", context)


@admin_only
def opd_session_view(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    facility = _facility(request, code)
    session = get_object_or_404(OpdSession, pk=pk, facility=facility) if pk else None
    initial = {}
    if session:
        initial = {f: getattr(session, f) for f in OpdSessionForm.base_fields}
    else:
        initial = {"starts_at": "09:30", "ends_at": "13:00", "weekday": request.GET.get("weekday", 0)}
    return _form_page(
        request,
        facility,
        OpdSessionForm(request.POST or None, initial=initial, facility=facility),
        partial(opd_setup.do_save_opd_session, actor=request.user, facility=facility, session=session),
        _("The session was saved."),
        "registration/opd_session_form.html",
        session=session,
    )


@admin_only
@require_POST
def opd_session_deactivate_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    facility = _facility(request, code)
    session = get_object_or_404(OpdSession, pk=pk, facility=facility)
    opd_setup.do_deactivate_opd_session(actor=request.user, facility=facility, session=session)
    messages.success(request, _("The session was removed from the weekly timetable."))
    return _overview(facility)


@admin_only
def opd_policy_view(request: HttpRequest, code: str) -> HttpResponse:
    facility = _facility(request, code)
    policy = opd_services.policy_of(facility)
    initial = {
        "booking_window_days": policy.booking_window_days,
        "cancellation_cutoff_minutes": policy.cancellation_cutoff_minutes,
    }
    return _form_page(
        request,
        facility,
        OpdPolicyForm(request.POST or None, initial=initial),
        partial(opd_setup.do_set_opd_policy, actor=request.user, facility=facility),
        _("The booking rules were saved."),
        "registration/opd_policy_form.html",
    )


@admin_only
def opd_closure_view(request: HttpRequest, code: str) -> HttpResponse:
    facility = _facility(request, code)
    return _form_page(
        request,
        facility,
        OpdClosureForm(request.POST or None, facility=facility),
        partial(opd_setup.do_add_opd_closure, actor=request.user, facility=facility),
        _("The closure was added."),
        "registration/opd_closure_form.html",
    )


@admin_only
@require_POST
def opd_closure_delete_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    facility = _facility(request, code)
    closure = get_object_or_404(OpdClosure, pk=pk, facility=facility)
    try:
        opd_setup.do_remove_opd_closure(actor=request.user, facility=facility, closure=closure)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The closure was removed."))
    return _overview(facility)


@admin_only
@require_POST
def opd_copy_weekday_view(request: HttpRequest, code: str) -> HttpResponse:
    facility = _facility(request, code)
    form = CopyWeekdayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a weekday to copy from and at least one to copy to."))
        return _overview(facility)
    try:
        copied = opd_setup.do_copy_weekday_sessions(
            actor=request.user, facility=facility, **form.cleaned_data
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(count)d sessions were copied.") % {"count": len(copied)})
    return _overview(facility)
