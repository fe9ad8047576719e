"""The audit viewer: the state administrator sees everything, a district officer their district."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from himswasthya.accounts.audit_log import services
from himswasthya.accounts.audit_log.forms import AuditFilterForm
from himswasthya.accounts.audit_log.permissions import DISTRICT_OFFICER, audit_reader_required
from himswasthya.accounts.models import Role
from himswasthya.audit.actions import action_label
from himswasthya.audit.hooks import hooks
from himswasthya.audit.services import AuditFilters, record_audit_read

PAGE_SIZE = 50


def _scope_district(user: object) -> str | None:
    """The district officer's district name, for the page heading (from places, through audit's hook)."""
    district_id = getattr(user, "district_id", None)
    if getattr(user, "role", None) != DISTRICT_OFFICER or not district_id:
        return None
    return hooks.district_names({district_id}).get(district_id)


def _label_entries(entries: list) -> None:
    """Readable district names, translated role and action labels for one page (one query, through audit's
    hook: places sits beside accounts, so it is not imported here)."""
    district_ids = {e.district_id for e in entries if e.district_id}
    names = hooks.district_names(district_ids) if district_ids else {}
    roles = dict(Role.choices)
    for entry in entries:
        entry.district_label = names.get(entry.district_id, entry.district_id)
        entry.role_label = roles.get(entry.actor_role, entry.actor_role)
        entry.action_label = action_label(entry.action)


@never_cache
@audit_reader_required
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = AuditFilters(
            actor=data["actor"].strip(),
            action=data["action"].strip(),
            object_type=data["object_type"].strip(),
            object_id=data["object_id"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    entries = services.search_entries(request.user, filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read before our own audit.read entry is written
    _label_entries(page.object_list)
    record_audit_read(request.user, filters, page.number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_entry_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "scope_district": _scope_district(request.user),
        },
    )
