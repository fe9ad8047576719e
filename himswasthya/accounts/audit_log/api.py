"""Audit log API: the same scoping as the viewer (state everything, district officer own district)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from himswasthya.accounts.audit_log import services
from himswasthya.accounts.audit_log.permissions import audit_reader_auth, state_admin_auth
from himswasthya.audit.services import AuditFilters, record_audit_read

router = Router(tags=["audit"])
MAX_PAGE_SIZE = 200


class EntryQuery(Schema):
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class EntryOut(Schema):
    id: int
    seq: int | None
    time: datetime
    actor_id: int | None
    actor_username: str | None
    actor_role: str
    action: str
    object_type: str
    object_id: str
    purpose: str
    facility_id: int | None
    district_id: int | None
    ip: str | None
    detail: dict[str, Any]
    sealed: bool
    entry_hash: str


class EntryPage(Schema):
    count: int
    page: int
    pages: int
    items: list[EntryOut]


class VerifyOut(Schema):
    ok: bool
    checked: int
    problem: str
    first_bad_seq: int | None
    first_bad_id: int | None
    message: str
    stale_unsealed: int
    stale_after_seconds: int
    seconds: float


def _entry_out(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.id,
        "seq": entry.seq,
        "time": entry.created_at,
        "actor_id": entry.actor_id,
        "actor_username": entry.actor.username if entry.actor_id else None,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "purpose": entry.purpose,
        "facility_id": entry.facility_id,
        "district_id": entry.district_id,
        "ip": entry.ip,
        "detail": entry.detail,
        "sealed": entry.is_sealed,
        "entry_hash": entry.entry_hash,
    }


# operation_id: the OpenAPI ids these operations had before the viewer moved from audit to accounts.
@router.get(
    "/entries",
    response={200: EntryPage},
    auth=audit_reader_auth,
    operation_id="himswasthya_audit_api_list_entries",
)
def list_entries(request: HttpRequest, query: Query[EntryQuery]) -> dict[str, Any]:
    filters = AuditFilters(
        actor=query.actor.strip(),
        action=query.action.strip(),
        object_type=query.object_type.strip(),
        object_id=query.object_id.strip(),
        date_from=query.date_from,
        date_to=query.date_to,
    )
    page = Paginator(services.search_entries(request.user, filters), query.page_size).get_page(query.page)
    items = [_entry_out(e) for e in page.object_list]  # read before our own audit.read entry is written
    record_audit_read(request.user, filters, page.number)
    paginator = page.paginator
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages, "items": items}


@router.get(
    "/verify",
    response={200: VerifyOut},
    auth=state_admin_auth,
    operation_id="himswasthya_audit_api_verify_chain",
)
def verify_chain(request: HttpRequest, stale_after: int = 300) -> dict[str, Any]:
    return services.verify(request.user, stale_after_seconds=stale_after).as_dict()
