"""Applying one page of the register's changes through the importer's upsert, then storing the cursor.

A page is one transaction: its changes (each in a savepoint) and the new cursor commit together, so a crash
never skips changes nor stores a cursor ahead of what was applied. A change that fails validation is counted
as rejected and reported (row, field, reason) in the sync state, and the sync moves on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from himswasthya.core.importfiles import RowError
from himswasthya.himparivar.importer import (
    FamilyRecord,
    Places,
    apply_families,
    raw_family_from_json,
    validate_family,
)
from himswasthya.himparivar.models import ChangeType, Member, MemberStatus, SyncState
from himswasthya.himparivar.sync.client import ChangePage


@dataclass
class PageOutcome:
    applied: int = 0
    rejected: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def _families_of(change: dict[str, Any]) -> list[dict[str, Any]]:
    """member.added/updated/moved carry `family` (with the member(s) concerned); family.split `families`."""
    if change.get("type") == ChangeType.FAMILY_SPLIT:
        families = change.get("families")
        return families if isinstance(families, list) else []
    family = change.get("family")
    return [family] if isinstance(family, dict) else []


def _apply_deceased(change: dict[str, Any], number: int, allowed: set[int] | None) -> list[RowError]:
    member_id = str(change.get("member_id") or "")
    member = Member.objects.filter(member_id=member_id).select_related("family").first()
    if member is None:
        return [RowError(number, "member_id", _("Unknown member id."), item_id=member_id)]
    if allowed is not None and member.family.district_id not in allowed:
        return [
            RowError(
                number,
                "member_id",
                _("Outside your area."),
                record_id=member.family.family_id,
                item_id=member_id,
            )
        ]
    died_on = None
    if change.get("date_of_death"):
        try:
            died_on = datetime.date.fromisoformat(str(change["date_of_death"]))
        except ValueError:
            return [
                RowError(number, "date_of_death", _("Not a date in the form YYYY-MM-DD."), item_id=member_id)
            ]
    # A status, never a deletion; the row hash is cleared so the next full import re-checks the member.
    Member.objects.filter(pk=member.pk).update(
        status=MemberStatus.DECEASED, date_of_death=died_on, row_hash="", updated_at=timezone.now()
    )
    return []


def _apply_change(
    change: dict[str, Any], number: int, places: Places, allowed: set[int] | None
) -> list[RowError]:
    change_type = change.get("type")
    if change_type not in ChangeType.values:
        return [RowError(number, "type", _("Unknown change type."))]
    if change_type == ChangeType.MEMBER_DECEASED:
        return _apply_deceased(change, number, allowed)
    records: list[FamilyRecord] = []
    errors: list[RowError] = []
    family_objects = _families_of(change)
    if not family_objects:
        return [RowError(number, "family", _("The change carries no family."))]
    for obj in family_objects:
        record, record_errors = validate_family(raw_family_from_json(obj, number), places, allowed)
        errors.extend(record_errors)
        if record is not None:
            records.append(record)
    if errors:
        return errors
    return apply_families(records, allowed_districts=allowed).errors


def apply_page(page: ChangePage, state_name: str = "default", allowed: set[int] | None = None) -> PageOutcome:
    outcome = PageOutcome()
    places = Places()
    with transaction.atomic():
        state, _created = SyncState.objects.select_for_update().get_or_create(name=state_name)
        for number, change in enumerate(page.changes, start=1):
            with transaction.atomic():
                errors = _apply_change(change, number, places, allowed)
            if errors:
                outcome.rejected += 1
                outcome.errors.extend(errors)
            else:
                outcome.applied += 1
                key = str(change.get("type"))
                outcome.by_type[key] = outcome.by_type.get(key, 0) + 1
        state.cursor = page.next_cursor
        state.changes_applied += outcome.applied
        state.changes_rejected += outcome.rejected
        state.save(update_fields=["cursor", "changes_applied", "changes_rejected"])
    return outcome
