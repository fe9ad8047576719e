"""Staff pages of the family register: search, and one family with its members (both audited)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from himswasthya.accounts.scoping import role_required
from himswasthya.core.errors import DomainError
from himswasthya.core.views import add_domain_error, found_or_404
from himswasthya.himparivar import services
from himswasthya.himparivar.forms import FamilySearchForm
from himswasthya.himparivar.presenters import family_card


@role_required(*services.FAMILY_READER_ROLES)
def search_view(request: HttpRequest) -> HttpResponse:
    form = FamilySearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = services.search_families(
                request.user, form.cleaned_data["q"], purpose=form.cleaned_data["purpose"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    purpose = (
        form.cleaned_data.get("purpose") if form.is_bound and form.is_valid() else services.DEFAULT_PURPOSE
    )
    return render(request, "himparivar/search.html", {"form": form, "results": results, "purpose": purpose})


@role_required(*services.FAMILY_READER_ROLES)
def family_view(request: HttpRequest, family_id: str) -> HttpResponse:
    purpose = request.GET.get("purpose") or services.DEFAULT_PURPOSE
    try:
        family = found_or_404(services.do_read_family, request.user, family_id, purpose=purpose)
    except DomainError as exc:
        return render(
            request, "himparivar/search.html", {"form": FamilySearchForm(), "error": exc.message}, status=400
        )
    return render(
        request,
        "himparivar/family.html",
        {"family": family_card(family), "purpose": services.PURPOSES[purpose]},
    )
