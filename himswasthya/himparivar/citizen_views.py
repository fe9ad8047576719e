"""/families/mine/: a citizen (signed in by mobile OTP) sees the Him Parivar families their mobile belongs to.

Identifiers are masked; whether each member has an ABHA is shown. Each living member's row offers what the
citizen can do for them: book an OPD appointment (registration), the HIMCARE card or how to enrol (the himcare
hook, `hooks.py`) and link an ABHA (abdm) - by URL name or hook: himparivar imports none of those apps.
Each family shown is audited as `family.read`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import acting_person_ids, family_ids, role_required
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.validators import mask_aadhaar_last4, mask_mobile
from himswasthya.himparivar.hooks import MemberLink, hooks
from himswasthya.himparivar.models import Family, Member, MemberStatus
from himswasthya.people.models import IdentifierType

CITIZEN_PURPOSE = "citizen_self_service"  # SEC-1: the citizen looks at their own family's record
ADULT_AGE = 18


def families_of_citizen(user: Any) -> QuerySet[Family]:
    """Families in which a living member has the citizen's (OTP-verified) mobile number (accounts.scoping)."""
    members = Member.objects.select_related("person").prefetch_related("person__identifiers").order_by("id")
    return (
        Family.objects.filter(pk__in=family_ids(user))
        .select_related("district")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("family_id")
    )


def _masked_abha(member: Member) -> str:
    for identifier in member.person.identifiers.all():
        if identifier.id_type == IdentifierType.ABHA_NUMBER:
            return f"{identifier.value[:2]}-XXXX-XXXX-{identifier.value[-4:]}"
    return ""


def _family_rows(family: Family, user: Any, himcare: dict[int, MemberLink]) -> dict[str, Any]:
    members = list(family.members.all())
    # SEC-5: only an adult member of this family may act for its children.
    acting = set(acting_person_ids(user, members[0].person_id)) if members else set()
    acting_adult = any(m.person_id in acting and m.person.age() >= ADULT_AGE for m in members)
    rows = []
    for m in members:
        age = m.person.age()
        alive = m.status == MemberStatus.ALIVE
        rows.append(
            {
                "person_id": m.person_id,
                "alive": alive,  # the deceased and the migrated get no actions
                "name_roman": m.name_roman,
                "name_deva": m.name_deva,
                "relation": m.get_relation_display(),
                "age": age,
                "sex": m.get_sex_display(),
                "status": m.get_status_display() if not alive else "",
                "mobile_masked": mask_mobile(m.mobile or ""),
                "aadhaar_masked": mask_aadhaar_last4(m.aadhaar_last4),
                "abha_masked": _masked_abha(m),
                "may_link": alive and (age >= ADULT_AGE or acting_adult),
                "needs_guardian": alive and age < ADULT_AGE and not acting_adult,
                "himcare": himcare.get(m.pk) if alive else None,
            }
        )
    return {"family_id": family.family_id, "district": family.district.display_name(), "members": rows}


@role_required(Role.CITIZEN)
def my_family(request: HttpRequest) -> HttpResponse:
    families = list(families_of_citizen(request.user))
    with transaction.atomic():
        for family in families:
            record(
                AuditAction.FAMILY_READ,
                object_type="himparivar.Family",
                object_id=family.family_id,
                purpose=CITIZEN_PURPOSE,
                actor=request.user,
                district_id=family.district_id,
                detail={"page": "my_family"},
            )
    himcare = hooks.himcare_links(request.user, families)
    cards = [_family_rows(f, request.user, himcare) for f in families]
    return render(request, "himparivar/my_family.html", {"families": cards})
