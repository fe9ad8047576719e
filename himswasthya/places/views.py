"""Geography browser: state -> district -> block -> gram panchayats, with counts. Public pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from himswasthya.core.views import found_or_404
from himswasthya.places import services


def state_view(request: HttpRequest) -> HttpResponse:
    districts = list(services.districts_with_counts())
    q = request.GET.get("q", "").strip()
    context = {
        "state": services.get_state(),
        "districts": districts,
        "total_blocks": sum(getattr(d, "block_count", 0) for d in districts),
        "total_gps": sum(getattr(d, "gp_count", 0) for d in districts),
        "q": q,
        "hits": services.search_places(q) if q else None,
    }
    return render(request, "places/state.html", context)


def district_view(request: HttpRequest, lgd_code: int) -> HttpResponse:
    district = found_or_404(services.get_district, lgd_code)
    context = {
        "district": district,
        "blocks": services.blocks_with_counts(district),
        "no_block_count": services.gram_panchayats(district=district).count(),
        "tehsils": district.tehsils.order_by("name"),
    }
    return render(request, "places/district.html", context)


def block_view(request: HttpRequest, lgd_code: int) -> HttpResponse:
    block = found_or_404(services.get_block, lgd_code)
    context = {
        "block": block,
        "district": block.district,
        "gram_panchayats": services.gram_panchayats(block=block),
    }
    return render(request, "places/gram_panchayats.html", context)


def no_block_view(request: HttpRequest, lgd_code: int) -> HttpResponse:
    district = found_or_404(services.get_district, lgd_code)
    context = {
        "block": None,
        "district": district,
        "gram_panchayats": services.gram_panchayats(district=district),
    }
    return render(request, "places/gram_panchayats.html", context)
