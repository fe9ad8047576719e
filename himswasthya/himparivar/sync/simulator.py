"""A local stand-in for the register's change feed, served from the SimulatedChange table (tests, demo).

Mounted under /himparivar-sim/ only when HIMPARIVAR_SIMULATOR_ENABLED (default: DEBUG). The cursor is the id
of the last change served, as a string; `since` is exclusive.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from himswasthya.himparivar.models import ChangeType, SimulatedChange

MAX_LIMIT = 1000


@require_GET
def changes(request: HttpRequest) -> JsonResponse:
    token = settings.HIMPARIVAR_API_TOKEN
    if token and request.headers.get("Authorization") != f"Bearer {token}":
        return JsonResponse({"error": "unauthorised"}, status=401)
    since, limit = request.GET.get("since", "") or "0", request.GET.get("limit", "100")
    if not since.isdigit() or not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
        return JsonResponse({"error": "bad since or limit"}, status=400)
    rows = list(SimulatedChange.objects.filter(id__gt=int(since)).order_by("id")[: int(limit) + 1])
    has_more = len(rows) > int(limit)
    rows = rows[: int(limit)]
    return JsonResponse(
        {
            "changes": [{"id": str(r.pk), "type": r.change_type, **r.payload} for r in rows],
            "next_cursor": str(rows[-1].pk) if rows else since,
            "has_more": has_more,
        }
    )


def add_change(change_type: ChangeType | str, **payload: Any) -> SimulatedChange:
    """Seed the simulator: one change, in the feed's own shape (see README.md)."""
    return SimulatedChange.objects.create(change_type=ChangeType(change_type), payload=payload)


app_name = "himparivar_sim"
urlpatterns = [path("api/v1/changes", changes, name="changes")]
