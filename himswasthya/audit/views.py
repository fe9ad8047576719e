"""The audit viewer: the state administrator sees everything, a district officer their district."""

from __future__ import annotations

from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from himswasthya.audit import services
from himswasthya.audit.forms import AuditFilterForm
from himswasthya.audit.permissions import DISTRICT_OFFICER, audit_reader_required

PAGE_SIZE = 50


def _scope_district(user: object) -> object | None:
    """The district officer's district, for the page heading (a typed reference: places is not imported)."""
    if getattr(user, "role", None) != DISTRICT_OFFICER or not getattr(user, "district_id", None):
        return None
    return apps.get_model("places", "District").objects.filter(pk=user.district_id).first()  # type: ignore[attr-defined]


def _label_entries(entries: list) -> None:
    """Readable district names and translated role labels for one page (one query; places is not imported)."""
    from himswasthya.accounts.models import Role

    district_ids = {e.district_id for e in entries if e.district_id}
    District = apps.get_model("places", "District")  # noqa: N806
    names = {d.pk: str(d) for d in District.objects.filter(pk__in=district_ids)} if district_ids else {}
    roles = dict(Role.choices)
    for entry in entries:
        entry.district_label = names.get(entry.district_id, entry.district_id)
        entry.role_label = roles.get(entry.actor_role, entry.actor_role)


@never_cache
@audit_reader_required
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = services.AuditFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = services.AuditFilters(
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
    services.record_audit_read(request.user, filters, page.number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/entry_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "scope_district": _scope_district(request.user),
        },
    )
