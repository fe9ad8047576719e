"""Facility registry operations: bulk upsert of facility records, and the public directory queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import DomainError, NotFound
from himswasthya.facilities.models import Department, Facility, FacilityType
from himswasthya.places.services import get_block, get_district

FACILITY_FIELDS = [
    "name",
    "name_hi",
    "name_hi_machine",
    "facility_type",
    "nin",
    "hfr_id",
    "district_id",
    "block_id",
    "gram_panchayat_id",
    "urban_local_body_id",
    "address",
    "pincode",
    "phone",
    "email",
    "is_active",
    "is_synthetic",
]


@dataclass
class FacilitySpec:
    """Everything a facility record should hold; `departments` are department ids."""

    code: str
    values: dict[str, Any]
    departments: set[int] = field(default_factory=set)


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated


def _keep_human_hindi(obj: Facility, values: dict[str, Any], hindi_from_source_wins: bool) -> dict[str, Any]:
    """A checked Hindi name is replaced only by a human-written one from an authoritative source (the CSV)."""
    incoming_is_human = not values.get("name_hi_machine", True)
    if obj.name_hi and not obj.name_hi_machine and not (hindi_from_source_wins and incoming_is_human):
        return {k: v for k, v in values.items() if k not in ("name_hi", "name_hi_machine")}
    return values


def do_upsert_facilities(specs: list[FacilitySpec], *, hindi_from_source_wins: bool = False) -> UpsertCounts:
    """Create or update facilities by code, with their departments, in bulk; unchanged rows are not written.

    A Hindi name a person corrected (name_hi_machine=False) is kept, unless `hindi_from_source_wins` and the
    incoming record carries a human-written Hindi name (the state's list is authoritative).
    """
    counts = UpsertCounts()
    with transaction.atomic():
        existing = {f.code: f for f in Facility.objects.filter(code__in=[s.code for s in specs])}
        current_depts: dict[int, set[int]] = defaultdict(set)
        through = Facility.departments.through
        for fid, did in through.objects.filter(facility__in=existing.values()).values_list(
            "facility_id", "department_id"
        ):
            current_depts[fid].add(did)
        to_create: list[Facility] = []
        to_update: list[Facility] = []
        changed_fields: set[str] = set()
        for spec in specs:
            obj = existing.get(spec.code)
            if obj is None:
                to_create.append(Facility(code=spec.code, **spec.values))
                continue
            diff = {
                k: v
                for k, v in _keep_human_hindi(obj, spec.values, hindi_from_source_wins).items()
                if getattr(obj, k) != v
            }
            for k, v in diff.items():
                setattr(obj, k, v)
            if diff:
                changed_fields.update(diff)
                to_update.append(obj)
        Facility.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            changed_fields.add("updated_at")
            Facility.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
        ids = dict(Facility.objects.filter(code__in=[s.code for s in specs]).values_list("code", "id"))
        dept_changed = _sync_departments(specs, ids, current_depts)
        updated_codes = {o.code for o in to_update} | dept_changed
        counts.created = len(to_create)
        counts.updated = len(updated_codes - {o.code for o in to_create})
        counts.unchanged = len(specs) - counts.created - counts.updated
    return counts


def _sync_departments(
    specs: list[FacilitySpec], ids: dict[str, int], current: dict[int, set[int]]
) -> set[str]:
    through = Facility.departments.through
    add, remove, changed = [], Q(pk__in=[]), set()
    for spec in specs:
        fid = ids[spec.code]
        have = current.get(fid, set())
        if have == spec.departments:
            continue
        changed.add(spec.code)
        add += [through(facility_id=fid, department_id=d) for d in spec.departments - have]
        if gone := have - spec.departments:
            remove |= Q(facility_id=fid, department_id__in=gone)
    through.objects.bulk_create(add, batch_size=1000)
    through.objects.filter(remove).delete()
    return changed


# --- Directory (public information: no personal data) ---------------------------------------------


def get_department(code: str) -> Department:
    try:
        return Department.objects.get(code=code)
    except Department.DoesNotExist:
        raise NotFound(_("No department has code %(code)s.") % {"code": code}, field="department") from None


def get_facility(code: str) -> Facility:
    try:
        return (
            Facility.objects.select_related("district", "block", "gram_panchayat", "urban_local_body")
            .prefetch_related("departments")
            .get(code=code, is_active=True)
        )
    except Facility.DoesNotExist:
        raise NotFound(_("No facility has code %(code)s.") % {"code": code}, field="code") from None


def search_facilities(
    *,
    district: int | None = None,
    block: int | None = None,
    facility_type: str | None = None,
    department: str | None = None,
    q: str | None = None,
) -> QuerySet[Facility]:
    """Active facilities filtered by district/block LGD code, type, department code, name (either script)."""
    qs = Facility.objects.filter(is_active=True).select_related("district", "block")
    if district is not None:
        qs = qs.filter(district=get_district(district))
    if block is not None:
        qs = qs.filter(block=get_block(block))
    if facility_type:
        if facility_type not in FacilityType.values:
            raise DomainError(_("Unknown facility type %(type)s.") % {"type": facility_type}, field="type")
        qs = qs.filter(facility_type=facility_type)
    if department:
        qs = qs.filter(departments=get_department(department))
    if q and q.strip():
        term = q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(name_hi__icontains=term) | Q(code__iexact=term))
    return qs.order_by("name", "code")
