"""Geography look-ups for the API and pages (public information), and the loader's entry point."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import NotFound
from himswasthya.places.loader import DATA_DIR, PlacesLoadResult, load_places, read_hindi_names
from himswasthya.places.models import Block, District, GramPanchayat, State, Tehsil, UrbanLocalBody
from himswasthya.places.transliteration import to_devanagari

__all__ = ["PlacesLoadResult", "do_load_places", "get_block", "get_district", "search_places"]


def do_load_places() -> PlacesLoadResult:
    """Load or refresh the geography from the in-project CSVs (one transaction; see loader.py)."""
    return load_places()


@cache
def _known_hindi_names() -> dict[str, str]:
    return read_hindi_names(DATA_DIR).known


def hindi_place_name(name: str) -> str:
    """A machine-made Hindi spelling of a name that arrived without one (callers mark it machine-made): the
    reviewed names and words of data/hindi_names.csv where they occur, "Civil Hospital Una" -> सिविल अस्पताल
    ऊना, transliteration for the rest."""
    return to_devanagari(name, _known_hindi_names())


def get_state() -> State | None:
    return State.objects.first()


def get_district(lgd_code: int) -> District:
    try:
        return District.objects.get(lgd_code=lgd_code)
    except District.DoesNotExist:
        raise NotFound(
            _("No district has LGD code %(code)s.") % {"code": lgd_code}, field="district"
        ) from None


def get_block(lgd_code: int) -> Block:
    try:
        return Block.objects.select_related("district").get(lgd_code=lgd_code)
    except Block.DoesNotExist:
        raise NotFound(_("No block has LGD code %(code)s.") % {"code": lgd_code}, field="block") from None


def districts_with_counts() -> QuerySet[District]:
    return (
        District.objects.of_home_state()
        .annotate(
            block_count=Count("blocks", distinct=True), gp_count=Count("gram_panchayats", distinct=True)
        )
        .order_by("name")
    )


def blocks_with_counts(district: District) -> QuerySet[Block]:
    return district.blocks.annotate(gp_count=Count("gram_panchayats")).order_by("name")


def gram_panchayats(
    *, block: Block | None = None, district: District | None = None
) -> QuerySet[GramPanchayat]:
    """GPs of a block; or, given only a district, its GPs filed under no block."""
    if block is not None:
        return block.gram_panchayats.order_by("name", "source_id")
    assert district is not None
    return district.gram_panchayats.filter(block__isnull=True).order_by("name", "source_id")


def search_places(q: str, limit: int = 50) -> list[tuple[str, Any]]:
    """(level, place) pairs whose English or Hindi name contains `q`, districts first."""
    term = q.strip()
    if not term:
        return []
    match = Q(name__icontains=term) | Q(name_hi__icontains=term)
    found: list[tuple[str, Any]] = []
    querysets: list[tuple[str, QuerySet[Any]]] = [
        ("district", District.objects.filter(match)),
        ("block", Block.objects.filter(match).select_related("district")),
        ("tehsil", Tehsil.objects.filter(match).select_related("district")),
        ("urban_local_body", UrbanLocalBody.objects.filter(match)),
        ("gram_panchayat", GramPanchayat.objects.filter(match).select_related("district")),
    ]
    for level, qs in querysets:
        found += [(level, p) for p in qs.order_by("name")[: limit - len(found)]]
        if len(found) >= limit:
            break
    return found
