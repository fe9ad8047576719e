"""GET /api/people/stats: counts per district. No personal data; small cells suppressed."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from himswasthya.people.services import SMALL_CELL, people_stats

router = Router(tags=["people"])


class DistrictStats(Schema):
    district_id: int
    district: str
    district_hi: str
    people: int | None
    female: int | None
    male: int | None
    other: int | None
    children: int | None
    elderly: int | None
    with_abha: int | None


class StatsOut(Schema):
    suppressed_below: int
    districts: list[DistrictStats]


@router.get("/stats", response=StatsOut)
def stats(request: HttpRequest) -> dict:
    return {"suppressed_below": SMALL_CELL, "districts": people_stats()}
