"""Public facility directory, facility detail pages and OPD timetables (no personal data)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from himswasthya.core.errors import DomainError
from himswasthya.core.views import add_domain_error, found_or_404
from himswasthya.facilities import opd_services, services
from himswasthya.facilities.forms import DirectoryFilterForm
from himswasthya.facilities.models import Facility, Weekday

PAGE_SIZE = 25


def directory_view(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    facilities = services.search_facilities()
    if form.is_bound and form.is_valid():
        f = form.cleaned_data
        block = f["block"] if f["district"] is not None else None
        try:
            facilities = services.search_facilities(
                district=f["district"],
                block=block,
                facility_type=f["type"] or None,
                department=f["department"] or None,
                q=f["q"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    page = Paginator(facilities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "facilities/directory.html", context)


def detail_view(request: HttpRequest, code: str) -> HttpResponse:
    facility = found_or_404(services.get_facility, code)
    return render(request, "facilities/detail.html", {"facility": facility})


def opd_timetable_view(request: HttpRequest, code: str) -> HttpResponse:
    """Public, read-only: which departments run on which days and times (no quotas, no personal data)."""
    facility = get_object_or_404(Facility, code=code, is_active=True)
    context = {
        "facility": facility,
        "weekdays": Weekday.choices,
        "grid": opd_services.weekly_grid(facility),
        "closures": opd_services.upcoming_closures(facility)[:20],
    }
    return render(request, "facilities/opd_public.html", context)
