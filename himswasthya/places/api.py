"""Geography API: public information, so every operation allows anonymous GET (auth=None)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from himswasthya.core.api import errors
from himswasthya.places import services
from himswasthya.places.models import Tehsil, UrbanLocalBody

router = Router(tags=["places"])


class DistrictOut(Schema):
    lgd_code: int
    name: str
    name_hi: str
    block_count: int
    gp_count: int


class PlaceOut(Schema):
    lgd_code: int | None
    name: str
    name_hi: str
    name_hi_machine: bool


class BlockOut(PlaceOut):
    gp_count: int


class GramPanchayatOut(PlaceOut):
    source: str
    source_id: str
    district_lgd_code: int
    block_lgd_code: int | None


class UrbanBodyOut(PlaceOut):
    kind: str


class SearchHit(Schema):
    level: str
    lgd_code: int | None
    name: str
    name_hi: str
    district_lgd_code: int | None


def _gp_out(gp) -> GramPanchayatOut:
    return GramPanchayatOut(
        lgd_code=gp.lgd_code,
        name=gp.name,
        name_hi=gp.name_hi,
        name_hi_machine=gp.name_hi_machine,
        source=gp.source,
        source_id=gp.source_id,
        district_lgd_code=gp.district.lgd_code,
        block_lgd_code=gp.block.lgd_code if gp.block else None,
    )


@router.get("/districts", response={200: list[DistrictOut]}, auth=None)
def list_districts(request: HttpRequest):
    return list(services.districts_with_counts())


@router.get("/districts/{lgd_code}/blocks", response={200: list[BlockOut], **errors(404)}, auth=None)
def list_blocks(request: HttpRequest, lgd_code: int):
    return list(services.blocks_with_counts(services.get_district(lgd_code)))


@router.get(
    "/districts/{lgd_code}/gram-panchayats", response={200: list[GramPanchayatOut], **errors(404)}, auth=None
)
def list_district_gram_panchayats(request: HttpRequest, lgd_code: int, no_block: bool = False):
    """With ?no_block=1: the district's GPs filed under no block; otherwise all its GPs."""
    district = services.get_district(lgd_code)
    qs = (
        services.gram_panchayats(district=district) if no_block else district.gram_panchayats.order_by("name")
    )
    return [_gp_out(gp) for gp in qs.select_related("district", "block")]


@router.get(
    "/blocks/{lgd_code}/gram-panchayats", response={200: list[GramPanchayatOut], **errors(404)}, auth=None
)
def list_block_gram_panchayats(request: HttpRequest, lgd_code: int):
    block = services.get_block(lgd_code)
    return [_gp_out(gp) for gp in services.gram_panchayats(block=block).select_related("district", "block")]


@router.get("/districts/{lgd_code}/tehsils", response={200: list[PlaceOut], **errors(404)}, auth=None)
def list_district_tehsils(request: HttpRequest, lgd_code: int):
    return list(services.get_district(lgd_code).tehsils.order_by("name"))


@router.get("/tehsils", response={200: list[PlaceOut]}, auth=None)
def list_tehsils(request: HttpRequest):
    return list(Tehsil.objects.order_by("name"))


@router.get("/urban-local-bodies", response={200: list[UrbanBodyOut]}, auth=None)
def list_urban_local_bodies(request: HttpRequest):
    return list(UrbanLocalBody.objects.order_by("name"))


@router.get("/search", response={200: list[SearchHit]}, auth=None)
def search(request: HttpRequest, q: str):
    """Places whose English or Hindi name contains q (at most 50)."""
    return [
        SearchHit(
            level=level,
            lgd_code=p.lgd_code,
            name=p.name,
            name_hi=p.name_hi,
            district_lgd_code=p.lgd_code
            if level == "district"
            else getattr(getattr(p, "district", None), "lgd_code", None),
        )
        for level, p in services.search_places(q)
    ]
